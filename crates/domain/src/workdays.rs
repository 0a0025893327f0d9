//! Working-day arithmetic: deadlines skip weekends and closure dates
//! (national holidays, cuti bersama and the MPP's own closures).

use std::collections::HashSet;

use chrono::{Datelike, Duration, NaiveDate, Weekday};

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
}
