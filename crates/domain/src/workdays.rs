//! Working-day arithmetic: deadlines skip weekends and closure dates
//! (national holidays, cuti bersama and the MPP's own closures).

use std::collections::HashSet;

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc, Weekday};
use chrono_tz::Tz;

pub fn is_working_day(d: NaiveDate, closed: &HashSet<NaiveDate>) -> bool {
    !matches!(d.weekday(), Weekday::Sat | Weekday::Sun) && !closed.contains(&d)
}

/// The date `n` working days after `start` (the start day itself not counted).
pub fn add_working_days(start: NaiveDate, n: u32, closed: &HashSet<NaiveDate>) -> NaiveDate {
    let mut d = start;
    let mut left = n;
    while left > 0 {
        d += Duration::days(1);
        if is_working_day(d, closed) {
            left -= 1;
        }
    }
    d
}

/// The instant a deadline of `n` working days passes for something received at
/// `received`: the end of the `n`th working day after the day it arrived, in the
/// MPP's own time zone. Something arriving on a weekend or holiday counts from
/// the next working day, as the start day itself is never counted.
pub fn deadline(received: DateTime<Utc>, tz: Tz, n: u32, closed: &HashSet<NaiveDate>) -> DateTime<Utc> {
    let day = received.with_timezone(&tz).date_naive();
    let last = add_working_days(day, n, closed);
    let next_midnight = (last + Duration::days(1)).and_hms_opt(0, 0, 0).unwrap_or_default();
    // Indonesia keeps no daylight saving, so local midnight always exists once.
    tz.from_local_datetime(&next_midnight).earliest().map(|t| t.with_timezone(&Utc)).unwrap_or(received)
}

/// The span of dates a deadline of `n` working days from `day` can reach, for
/// loading closures: generous enough for Lebaran's long cuti bersama.
pub fn horizon(day: NaiveDate, n: u32) -> NaiveDate {
    day + Duration::days(i64::from(n) * 3 + 30)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn weekends_are_skipped() {
        let none = HashSet::new();
        // Thursday + 3 working days = Tuesday.
        assert_eq!(add_working_days(d(2026, 12, 3), 3, &none), d(2026, 12, 8));
        assert_eq!(add_working_days(d(2026, 12, 3), 0, &none), d(2026, 12, 3));
    }

    #[test]
    fn holidays_and_year_end_are_skipped() {
        let closed: HashSet<_> = [d(2026, 12, 24), d(2026, 12, 25), d(2027, 1, 1)].into_iter().collect();
        // Wed 23 Dec + 3: skips 24, 25 (holidays), 26–27 (weekend) → 28, 29, 30.
        assert_eq!(add_working_days(d(2026, 12, 23), 3, &closed), d(2026, 12, 30));
        // Wed 30 Dec + 2: 31 Dec, skip 1 Jan and the weekend → Mon 4 Jan 2027.
        assert_eq!(add_working_days(d(2026, 12, 30), 2, &closed), d(2027, 1, 4));
    }

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn deadlines_end_at_local_midnight_in_each_zone() {
        let none = HashSet::new();
        // Thursday 3 Dec 2026, 10:00 local, + 3 working days → end of Tue 8 Dec, local.
        for (tz, received, due) in [
            (Tz::Asia__Jakarta, "2026-12-03T03:00:00Z", "2026-12-08T17:00:00Z"),
            (Tz::Asia__Pontianak, "2026-12-03T03:00:00Z", "2026-12-08T17:00:00Z"),
            (Tz::Asia__Makassar, "2026-12-03T02:00:00Z", "2026-12-08T16:00:00Z"),
            (Tz::Asia__Jayapura, "2026-12-03T01:00:00Z", "2026-12-08T15:00:00Z"),
        ] {
            assert_eq!(deadline(utc(received), tz, 3, &none), utc(due), "{tz}");
        }
    }

    #[test]
    fn the_local_day_decides_not_the_utc_day() {
        let none = HashSet::new();
        // Thursday 3 Dec 22:00 UTC is already Friday 07:00 in Jayapura: + 1 → end of Monday 7 Dec WIT.
        assert_eq!(deadline(utc("2026-12-03T22:00:00Z"), Tz::Asia__Jayapura, 1, &none), utc("2026-12-07T15:00:00Z"));
        // Thursday 23:30 WIB: + 1 → end of Friday 4 Dec WIB.
        assert_eq!(deadline(utc("2026-12-03T16:30:00Z"), Tz::Asia__Jakarta, 1, &none), utc("2026-12-04T17:00:00Z"));
        // An hour later it is Friday 00:30 WIB: + 1 → end of Monday 7 Dec WIB.
        assert_eq!(deadline(utc("2026-12-03T17:30:00Z"), Tz::Asia__Jakarta, 1, &none), utc("2026-12-07T17:00:00Z"));
    }

    #[test]
    fn weekends_holidays_local_closures_and_year_end() {
        // National: 25 Dec (Christmas), 1 Jan; cuti bersama: 24 Dec; a local closure on 29 Dec.
        let closed: HashSet<_> =
            [d(2026, 12, 24), d(2026, 12, 25), d(2026, 12, 29), d(2027, 1, 1)].into_iter().collect();
        // Received Wednesday 23 Dec 2026 14:00 WITA: 24, 25 closed, 26–27 weekend, 28 (1),
        // 29 closed, 30 (2), 31 (3) → end of Thursday 31 Dec WITA.
        assert_eq!(deadline(utc("2026-12-23T06:00:00Z"), Tz::Asia__Makassar, 3, &closed), utc("2026-12-31T16:00:00Z"));
        // + 5 from the same moment: …, 31 (3), 1 Jan closed, 2–3 weekend, 4 (4), 5 (5).
        assert_eq!(deadline(utc("2026-12-23T06:00:00Z"), Tz::Asia__Makassar, 5, &closed), utc("2027-01-05T16:00:00Z"));
        // Received on Saturday 26 Dec: counting starts Monday; + 1 → Mon 28 Dec.
        assert_eq!(deadline(utc("2026-12-26T02:00:00Z"), Tz::Asia__Jakarta, 1, &closed), utc("2026-12-28T17:00:00Z"));
    }
}
