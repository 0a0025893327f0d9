//! Opening hours per weekday and "open now / opens at …" in an MPP's own zone.

use std::collections::BTreeMap;
use std::collections::HashSet;

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Utc, Weekday};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

pub const WEEKDAYS: [Weekday; 7] =
    [Weekday::Mon, Weekday::Tue, Weekday::Wed, Weekday::Thu, Weekday::Fri, Weekday::Sat, Weekday::Sun];

/// Three-letter key used in storage and forms (`mon` … `sun`).
pub fn weekday_key(d: Weekday) -> &'static str {
    match d {
        Weekday::Mon => "mon",
        Weekday::Tue => "tue",
        Weekday::Wed => "wed",
        Weekday::Thu => "thu",
        Weekday::Fri => "fri",
        Weekday::Sat => "sat",
        Weekday::Sun => "sun",
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Range {
    pub open: NaiveTime,
    pub close: NaiveTime,
}

/// Opening ranges for each weekday; a day without ranges is closed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OpeningHours {
    days: [Vec<Range>; 7],
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HoursError {
    /// The text of one day could not be read; carries the weekday key.
    BadDay(&'static str),
}

/// A local time as people type it: `07:30` or `07.30`.
pub fn parse_time(s: &str) -> Option<NaiveTime> {
    let s = s.trim().replace('.', ":");
    NaiveTime::parse_from_str(&s, "%H:%M").ok()
}

impl OpeningHours {
    /// Parse one day's text: `07:30-16:00` or `07:30-12:00, 13:00-16:00`; empty or
    /// `tutup`/`closed` means closed. Ranges must be ordered and not overlap.
    pub fn parse_day(text: &str) -> Option<Vec<Range>> {
        let t = text.trim().to_lowercase();
        if t.is_empty() || t == "tutup" || t == "closed" || t == "-" {
            return Some(Vec::new());
        }
        let mut ranges = Vec::new();
        for part in t.split(',') {
            let (a, b) = part.split_once('-').or_else(|| part.split_once('–'))?;
            let (open, close) = (parse_time(a)?, parse_time(b)?);
            if open >= close {
                return None;
            }
            if let Some(prev) = ranges.last() {
                let prev: &Range = prev;
                if open < prev.close {
                    return None;
                }
            }
            ranges.push(Range { open, close });
        }
        Some(ranges)
    }

    pub fn format_day(ranges: &[Range]) -> String {
        ranges
            .iter()
            .map(|r| format!("{}-{}", r.open.format("%H:%M"), r.close.format("%H:%M")))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// From per-day texts keyed by `mon` … `sun`; missing days are closed.
    pub fn from_texts<'a>(get: impl Fn(&'static str) -> Option<&'a str>) -> Result<Self, Vec<HoursError>> {
        let mut hours = OpeningHours::default();
        let mut errors = Vec::new();
        for (i, d) in WEEKDAYS.iter().enumerate() {
            let key = weekday_key(*d);
            match Self::parse_day(get(key).unwrap_or("")) {
                Some(r) => hours.days[i] = r,
                None => errors.push(HoursError::BadDay(key)),
            }
        }
        if errors.is_empty() { Ok(hours) } else { Err(errors) }
    }

    pub fn day(&self, d: Weekday) -> &[Range] {
        &self.days[d.num_days_from_monday() as usize]
    }

    pub fn set_day(&mut self, d: Weekday, ranges: Vec<Range>) {
        self.days[d.num_days_from_monday() as usize] = ranges;
    }

    pub fn is_always_closed(&self) -> bool {
        self.days.iter().all(Vec::is_empty)
    }

    /// Storage form: a JSON object of day key → text, closed days left out.
    pub fn to_json(&self) -> String {
        let map: BTreeMap<&str, String> = WEEKDAYS
            .iter()
            .filter(|d| !self.day(**d).is_empty())
            .map(|d| (weekday_key(*d), Self::format_day(self.day(*d))))
            .collect();
        serde_json::to_string(&map).unwrap_or_else(|_| "{}".into())
    }

    pub fn from_json(s: &str) -> Result<Self, Vec<HoursError>> {
        let map: BTreeMap<String, String> = serde_json::from_str(s).unwrap_or_default();
        Self::from_texts(|k| map.get(k).map(String::as_str))
    }
}

impl Serialize for OpeningHours {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let map: BTreeMap<&str, String> =
            WEEKDAYS.iter().map(|d| (weekday_key(*d), Self::format_day(self.day(*d)))).collect();
        map.serialize(s)
    }
}

impl<'de> Deserialize<'de> for OpeningHours {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let map: BTreeMap<String, String> = BTreeMap::deserialize(d)?;
        OpeningHours::from_texts(|k| map.get(k).map(String::as_str))
            .map_err(|_| serde::de::Error::custom("invalid opening hours"))
    }
}

/// Whether an MPP is open at a moment, in its own zone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OpenStatus {
    Open {
        closes_at: NaiveTime,
    },
    /// Closed; `opens_at` is the next opening in local time within two weeks, if any.
    Closed {
        opens_at: Option<NaiveDateTime>,
    },
}

/// The status at `now`, given local closure dates (national holidays and the MPP's own).
pub fn status_at(hours: &OpeningHours, tz: Tz, now: DateTime<Utc>, closed_dates: &HashSet<NaiveDate>) -> OpenStatus {
    let local = now.with_timezone(&tz).naive_local();
    let today = local.date();
    if !closed_dates.contains(&today) {
        for r in hours.day(today.weekday()) {
            if local.time() >= r.open && local.time() < r.close {
                return OpenStatus::Open { closes_at: r.close };
            }
        }
    }
    for offset in 0..=14 {
        let date = today + Duration::days(offset);
        if closed_dates.contains(&date) {
            continue;
        }
        for r in hours.day(date.weekday()) {
            let at = date.and_time(r.open);
            if at > local {
                return OpenStatus::Closed { opens_at: Some(at) };
            }
        }
    }
    OpenStatus::Closed { opens_at: None }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn bogor_hours() -> OpeningHours {
        let texts = [
            ("mon", "07:30-16:00"),
            ("tue", "07:30-16:00"),
            ("wed", "07:30-16:00"),
            ("thu", "07:30-16:00"),
            ("fri", "07:30-11:30, 13:00-16:30"),
            ("sat", "08:00-12:00"),
        ];
        OpeningHours::from_texts(|k| texts.iter().find(|(d, _)| *d == k).map(|(_, t)| *t)).unwrap()
    }

    fn utc(y: i32, m: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, h, mi, 0).unwrap()
    }

    #[test]
    fn days_parse_and_format() {
        assert_eq!(OpeningHours::parse_day("tutup"), Some(vec![]));
        assert_eq!(OpeningHours::parse_day("16:00-07:30"), None);
        assert_eq!(OpeningHours::parse_day("07:30-12:00, 11:00-16:00"), None);
        assert_eq!(
            OpeningHours::parse_day("7.30-16.00").map(|r| OpeningHours::format_day(&r)),
            Some("07:30-16:00".into())
        );
        let h = bogor_hours();
        assert_eq!(OpeningHours::from_json(&h.to_json()).unwrap(), h);
        assert!(h.day(Weekday::Sun).is_empty());
    }

    #[test]
    fn bad_days_are_named() {
        let r = OpeningHours::from_texts(|k| if k == "tue" { Some("soon") } else { None });
        assert_eq!(r, Err(vec![HoursError::BadDay("tue")]));
    }

    #[test]
    fn open_now_is_decided_in_the_mpps_zone() {
        let h = bogor_hours();
        let none = HashSet::new();
        // Monday 2026-11-30 00:45 UTC is 07:45 WIB: open.
        assert_eq!(
            status_at(&h, Tz::Asia__Jakarta, utc(2026, 11, 30, 0, 45), &none),
            OpenStatus::Open { closes_at: NaiveTime::from_hms_opt(16, 0, 0).unwrap() }
        );
        // 23:00 UTC Sunday = 06:00 WIB Monday (closed, opens 07:30) = 08:00 WIT Monday (open).
        let sunday_night = utc(2026, 11, 29, 23, 0);
        assert_eq!(
            status_at(&h, Tz::Asia__Jakarta, sunday_night, &none),
            OpenStatus::Closed {
                opens_at: Some(NaiveDate::from_ymd_opt(2026, 11, 30).unwrap().and_hms_opt(7, 30, 0).unwrap())
            }
        );
        assert!(matches!(status_at(&h, Tz::Asia__Jayapura, sunday_night, &none), OpenStatus::Open { .. }));
        // 07:00 WITA: still closed in Makassar.
        assert!(matches!(status_at(&h, Tz::Asia__Makassar, sunday_night, &none), OpenStatus::Closed { .. }));
    }

    #[test]
    fn friday_break_and_weekend() {
        let h = bogor_hours();
        let none = HashSet::new();
        // Friday 2026-12-04 12:00 WIB = 05:00 UTC: in the Friday prayer break.
        let s = status_at(&h, Tz::Asia__Jakarta, utc(2026, 12, 4, 5, 0), &none);
        assert_eq!(
            s,
            OpenStatus::Closed {
                opens_at: Some(NaiveDate::from_ymd_opt(2026, 12, 4).unwrap().and_hms_opt(13, 0, 0).unwrap())
            }
        );
        // Saturday 13:00 WIB: closed until Monday 07:30.
        let s = status_at(&h, Tz::Asia__Jakarta, utc(2026, 12, 5, 6, 0), &none);
        assert_eq!(
            s,
            OpenStatus::Closed {
                opens_at: Some(NaiveDate::from_ymd_opt(2026, 12, 7).unwrap().and_hms_opt(7, 30, 0).unwrap())
            }
        );
    }

    #[test]
    fn holidays_close_the_day() {
        let h = bogor_hours();
        let christmas = NaiveDate::from_ymd_opt(2026, 12, 25).unwrap(); // a Friday
        let closed: HashSet<_> = [christmas].into_iter().collect();
        let s = status_at(&h, Tz::Asia__Jakarta, utc(2026, 12, 25, 2, 0), &closed);
        assert_eq!(
            s,
            OpenStatus::Closed {
                opens_at: Some(NaiveDate::from_ymd_opt(2026, 12, 26).unwrap().and_hms_opt(8, 0, 0).unwrap())
            }
        );
    }

    #[test]
    fn never_open_says_so() {
        let s = status_at(&OpeningHours::default(), Tz::Asia__Jakarta, utc(2026, 12, 1, 2, 0), &HashSet::new());
        assert_eq!(s, OpenStatus::Closed { opens_at: None });
    }
}
