//! Online booking rules: the NIK check, slots from opening hours, when a day's
//! quota opens, and the check-in window.

use std::collections::HashSet;

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use crate::hours::OpeningHours;
use crate::region::zone_for_province;

/// Why a NIK was refused, for the message next to the field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NikError {
    /// Not exactly 16 digits.
    Shape,
    /// The first two digits are not a province.
    Province,
    /// Digits 7–12 are not a birth date (DDMMYY, women DD+40).
    BirthDate,
    /// The serial (last four digits) is 0000.
    Serial,
}

/// A Nomor Induk Kependudukan that passed the checks, digits only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Nik(String);

impl Nik {
    /// Check a NIK as typed (spaces and dots allowed between digits).
    /// `today` bounds the birth date: nobody is born in the future.
    pub fn parse(input: &str, today: NaiveDate) -> Result<Nik, NikError> {
        let digits: String = input.chars().filter(|c| !matches!(c, ' ' | '.' | '-')).collect();
        if digits.len() != 16 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(NikError::Shape);
        }
        if zone_for_province(&digits[0..2]).is_none() {
            return Err(NikError::Province);
        }
        let num = |r: std::ops::Range<usize>| digits[r].parse::<u32>().unwrap_or(0);
        let mut day = num(6..8);
        if day > 40 {
            day -= 40;
        }
        let (month, yy) = (num(8..10), num(10..12) as i32);
        // Two-digit years: the latest century that does not put the birth in the future.
        let born = NaiveDate::from_ymd_opt(2000 + yy, month, day)
            .filter(|d| *d <= today)
            .or_else(|| NaiveDate::from_ymd_opt(1900 + yy, month, day));
        if born.is_none() {
            return Err(NikError::BirthDate);
        }
        if &digits[12..16] == "0000" {
            return Err(NikError::Serial);
        }
        Ok(Nik(digits))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The regency code the NIK was registered in: `3271…` → `32.71`.
    pub fn regency_code(&self) -> String {
        format!("{}.{}", &self.0[0..2], &self.0[2..4])
    }

    /// For screens and exports: `3201********0001`.
    pub fn masked(&self) -> String {
        mask_nik(&self.0)
    }
}

pub fn mask_nik(nik: &str) -> String {
    if nik.len() < 8 {
        return "*".repeat(nik.len());
    }
    format!("{}{}{}", &nik[..4], "*".repeat(nik.len() - 8), &nik[nik.len() - 4..])
}

/// `081234567890` → `0812****7890`.
pub fn mask_phone(phone: &str) -> String {
    let digits: Vec<char> = phone.chars().filter(|c| c.is_ascii_digit() || *c == '+').collect();
    if digits.len() < 8 {
        return "*".repeat(digits.len());
    }
    let head: String = digits[..4].iter().collect();
    let tail: String = digits[digits.len() - 4..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(digits.len() - 8))
}

/// `siti.rahma@gmail.com` → `s***@gmail.com`.
pub fn mask_email(email: &str) -> String {
    match email.split_once('@') {
        Some((local, domain)) => format!("{}***@{domain}", local.chars().next().unwrap_or('*')),
        None => "***".into(),
    }
}

/// An Indonesian mobile or landline number, normalised to digits with a leading 0.
pub fn parse_phone(input: &str) -> Option<String> {
    let mut d: String = input.chars().filter(|c| c.is_ascii_digit() || *c == '+').collect();
    if let Some(rest) = d.strip_prefix("+62") {
        d = format!("0{rest}");
    } else if let Some(rest) = d.strip_prefix("62") {
        d = format!("0{rest}");
    }
    (d.starts_with('0') && (9..=14).contains(&d.len()) && d.bytes().all(|b| b.is_ascii_digit())).then_some(d)
}

crate::catalog::string_enum! {
    /// Where a booking stands: kept for its slot, turned into a queue ticket at
    /// the kiosk, given up by its holder, or missed.
    BookingStatus {
        Active = "active",
        CheckedIn = "checked_in",
        Cancelled = "cancelled",
        NoShow = "no_show",
    }
}

crate::catalog::string_enum! {
    /// Where a message in the outbox stands: waiting (and retried) until sent, or
    /// withdrawn (a reminder of a cancelled or moved booking).
    MessageStatus {
        Pending = "pending",
        Sent = "sent",
        Withdrawn = "withdrawn",
    }
}

/// A local time as `HH:MM` (read also as `HH:MM:SS`, as earlier versions stored it).
mod hhmm {
    use chrono::NaiveTime;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(t: &NaiveTime, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&t.format("%H:%M").to_string())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveTime, D::Error> {
        let s = String::deserialize(d)?;
        NaiveTime::parse_from_str(&s, "%H:%M")
            .or_else(|_| NaiveTime::parse_from_str(&s, "%H:%M:%S"))
            .map_err(serde::de::Error::custom)
    }
}

/// How a service offers appointments.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct BookingRules {
    pub slot_minutes: i64,
    /// Visitors per slot; or, when `daily_quota` is set, ignored.
    pub capacity_per_slot: i64,
    /// A day's quota split over its slots (earlier slots take the remainder).
    pub daily_quota: Option<i64>,
    /// How many days ahead a day's quota opens…
    pub days_ahead: i64,
    /// …and at what local time (`HH:MM`).
    #[serde(with = "hhmm")]
    #[schema(value_type = String, example = "06:00")]
    pub opens_at: NaiveTime,
    /// One active booking per NIK per service per day.
    pub one_per_nik: bool,
    pub check_in_before_minutes: i64,
    pub check_in_after_minutes: i64,
}

impl Default for BookingRules {
    fn default() -> Self {
        BookingRules {
            slot_minutes: 30,
            capacity_per_slot: 5,
            daily_quota: None,
            days_ahead: 7,
            opens_at: NaiveTime::from_hms_opt(6, 0, 0).unwrap_or_default(),
            one_per_nik: true,
            check_in_before_minutes: 30,
            check_in_after_minutes: 10,
        }
    }
}

/// One generated slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SlotPlan {
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub capacity: i64,
}

fn at_local(tz: Tz, day: NaiveDate, t: NaiveTime) -> Option<DateTime<Utc>> {
    tz.from_local_datetime(&day.and_time(t)).single().map(|d| d.with_timezone(&Utc))
}

impl BookingRules {
    /// The slots of a local day: whole slots inside each opening range; none on
    /// a closed day.
    pub fn slots(&self, hours: &OpeningHours, closed: &HashSet<NaiveDate>, tz: Tz, day: NaiveDate) -> Vec<SlotPlan> {
        if closed.contains(&day) || self.slot_minutes <= 0 {
            return Vec::new();
        }
        let len = Duration::minutes(self.slot_minutes);
        let mut times = Vec::new();
        for r in hours.day(day.weekday()) {
            let mut t = r.open;
            while t + len <= r.close && t < t + len {
                times.push(t);
                t += len;
            }
        }
        let n = times.len() as i64;
        let capacity = |i: i64| match self.daily_quota {
            Some(q) if n > 0 => q / n + i64::from(i < q % n),
            _ => self.capacity_per_slot,
        };
        times
            .into_iter()
            .enumerate()
            .filter_map(|(i, t)| {
                let starts_at = at_local(tz, day, t)?;
                Some(SlotPlan { starts_at, ends_at: starts_at + len, capacity: capacity(i as i64) })
            })
            .collect()
    }

    /// When the quota of a local day opens.
    pub fn opens_for(&self, tz: Tz, day: NaiveDate) -> DateTime<Utc> {
        at_local(tz, day - Duration::days(self.days_ahead), self.opens_at)
            .unwrap_or_else(|| Utc.from_utc_datetime(&(day - Duration::days(self.days_ahead)).and_time(self.opens_at)))
    }

    /// The local days whose quota is open at `now` (today through `days_ahead`).
    pub fn open_days(&self, tz: Tz, now: DateTime<Utc>) -> Vec<NaiveDate> {
        let today = now.with_timezone(&tz).date_naive();
        (0..=self.days_ahead).map(|i| today + Duration::days(i)).filter(|d| self.opens_for(tz, *d) <= now).collect()
    }

    /// Where `now` stands against a slot's check-in window.
    pub fn check_in(&self, slot_start: DateTime<Utc>, now: DateTime<Utc>) -> CheckIn {
        let from = slot_start - Duration::minutes(self.check_in_before_minutes);
        let until = slot_start + Duration::minutes(self.check_in_after_minutes);
        if now < from {
            CheckIn::TooEarly { from }
        } else if now > until {
            CheckIn::TooLate
        } else {
            CheckIn::Open
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckIn {
    TooEarly { from: DateTime<Utc> },
    Open,
    TooLate,
}

/// Booking codes: 8 characters of Crockford base32 (no I, L, O, U), shown as `XXXX-XXXX`.
pub fn booking_code(random: &[u8; 5]) -> String {
    const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    let mut bits: u64 = 0;
    for b in random {
        bits = (bits << 8) | u64::from(*b);
    }
    let chars: String = (0..8).rev().map(|i| ALPHABET[((bits >> (i * 5)) & 31) as usize] as char).collect();
    format!("{}-{}", &chars[..4], &chars[4..])
}

/// A code as typed or scanned: upper case, dash optional, confusable letters mapped.
pub fn normalize_code(input: &str) -> String {
    let c: String = input
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| match c.to_ascii_uppercase() {
            'I' | 'L' => '1',
            'O' => '0',
            o => o,
        })
        .collect();
    if c.len() == 8 { format!("{}-{}", &c[..4], &c[4..]) } else { c }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn niks_are_checked() {
        let today = d(2026, 11, 28);
        assert_eq!(Nik::parse("3271 0512 0585 0001", today).unwrap().as_str(), "3271051205850001");
        // A woman born 12 May 1985: day + 40.
        assert!(Nik::parse("3271055205850002", today).is_ok());
        assert_eq!(Nik::parse("327105120585000", today), Err(NikError::Shape));
        assert_eq!(Nik::parse("32710512058500a1", today), Err(NikError::Shape));
        assert_eq!(Nik::parse("9971051205850001", today), Err(NikError::Province));
        assert_eq!(Nik::parse("3271053213850001", today), Err(NikError::BirthDate));
        assert_eq!(Nik::parse("3271053102850001", today), Err(NikError::BirthDate), "31 February");
        assert_eq!(Nik::parse("3271051205850000", today), Err(NikError::Serial));
        // Born "next month" this year would be in the future: read as last century.
        assert!(Nik::parse("3271050112260001", today).is_ok());
        assert_eq!(Nik::parse("3271051205850001", today).unwrap().regency_code(), "32.71");
    }

    #[test]
    fn masking() {
        assert_eq!(mask_nik("3271051285010001"), "3271********0001");
        assert_eq!(mask_phone("081234567890"), "0812****7890");
        assert_eq!(mask_email("siti@gmail.com"), "s***@gmail.com");
        assert_eq!(parse_phone("+62 812-3456-7890").as_deref(), Some("081234567890"));
        assert_eq!(parse_phone("12345"), None);
    }

    fn hours() -> OpeningHours {
        let t = [("mon", "08:00-12:00, 13:00-15:00"), ("fri", "08:00-11:30"), ("sat", "08:00-09:00")];
        OpeningHours::from_texts(|k| t.iter().find(|(d, _)| *d == k).map(|(_, v)| *v)).unwrap()
    }

    #[test]
    fn slots_follow_hours_holidays_and_zones() {
        let r = BookingRules::default();
        let none = HashSet::new();
        // Monday 30 Nov 2026: 8 + 4 half-hour slots.
        let mon = r.slots(&hours(), &none, Tz::Asia__Jakarta, d(2026, 11, 30));
        assert_eq!(mon.len(), 12);
        assert_eq!(mon[0].starts_at, Utc.with_ymd_and_hms(2026, 11, 30, 1, 0, 0).unwrap());
        // The same hours in Jayapura start two hours earlier in UTC.
        let wit = r.slots(&hours(), &none, Tz::Asia__Jayapura, d(2026, 11, 30));
        assert_eq!(wit[0].starts_at, Utc.with_ymd_and_hms(2026, 11, 29, 23, 0, 0).unwrap());
        // Friday until 11:30: 7 slots; a partial slot is not offered.
        assert_eq!(r.slots(&hours(), &none, Tz::Asia__Makassar, d(2026, 12, 4)).len(), 7);
        // Sunday closed; a holiday closed.
        assert!(r.slots(&hours(), &none, Tz::Asia__Jakarta, d(2026, 11, 29)).is_empty());
        let xmas: HashSet<_> = [d(2026, 12, 28)].into_iter().collect();
        assert!(r.slots(&hours(), &xmas, Tz::Asia__Jakarta, d(2026, 12, 28)).is_empty());
    }

    #[test]
    fn a_daily_quota_is_split_over_the_slots() {
        let r = BookingRules { daily_quota: Some(14), ..BookingRules::default() };
        let sat = r.slots(&hours(), &HashSet::new(), Tz::Asia__Jakarta, d(2026, 12, 5));
        assert_eq!(sat.iter().map(|s| s.capacity).collect::<Vec<_>>(), vec![7, 7]);
        let mon = r.slots(&hours(), &HashSet::new(), Tz::Asia__Jakarta, d(2026, 11, 30));
        assert_eq!(mon.iter().map(|s| s.capacity).sum::<i64>(), 14);
        assert_eq!(mon[0].capacity, 2);
        assert_eq!(mon[11].capacity, 1);
    }

    #[test]
    fn a_days_quota_opens_days_ahead_at_a_local_time() {
        let r = BookingRules::default();
        // 7 Dec opens on 30 Nov at 06:00 WIB = 29 Nov 23:00 UTC.
        assert_eq!(
            r.opens_for(Tz::Asia__Jakarta, d(2026, 12, 7)),
            Utc.with_ymd_and_hms(2026, 11, 29, 23, 0, 0).unwrap()
        );
        let before = Utc.with_ymd_and_hms(2026, 11, 29, 22, 59, 59).unwrap();
        let after = Utc.with_ymd_and_hms(2026, 11, 29, 23, 0, 0).unwrap();
        assert_eq!(r.open_days(Tz::Asia__Jakarta, before).last(), Some(&d(2026, 12, 6)));
        assert_eq!(r.open_days(Tz::Asia__Jakarta, after).last(), Some(&d(2026, 12, 7)));
        // In WIT the same local 06:00 is two hours earlier in UTC.
        assert_eq!(r.open_days(Tz::Asia__Jayapura, before).last(), Some(&d(2026, 12, 7)));
    }

    #[test]
    fn the_check_in_window_has_exact_edges() {
        let r = BookingRules::default();
        let slot = Utc.with_ymd_and_hms(2026, 12, 1, 2, 0, 0).unwrap();
        let at = |m: i64| slot + Duration::minutes(m);
        assert_eq!(r.check_in(slot, at(-31)), CheckIn::TooEarly { from: at(-30) });
        assert_eq!(r.check_in(slot, at(-30)), CheckIn::Open);
        assert_eq!(r.check_in(slot, at(10)), CheckIn::Open);
        assert_eq!(r.check_in(slot, at(10) + Duration::seconds(1)), CheckIn::TooLate);
    }

    #[test]
    fn codes_are_readable() {
        let c = booking_code(&[0xde, 0xad, 0xbe, 0xef, 0x01]);
        assert_eq!(c.len(), 9);
        assert!(c.chars().all(|ch| ch == '-' || "0123456789ABCDEFGHJKMNPQRSTVWXYZ".contains(ch)));
        assert_eq!(normalize_code(&c.to_lowercase().replace('-', "")), c);
        assert_eq!(normalize_code("abcd-ef0o"), "ABCD-EF00");
    }
}
