//! Applications (berkas permohonan) that outlive the visit: their steps and
//! their deadline, the standard's "jangka waktu penyelesaian" counted from the
//! moment the file is complete, with the clock stopped while the applicant
//! owes documents.

use std::collections::HashSet;

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use crate::catalog::DurationUnit;
use crate::workdays::{deadline, is_working_day};

/// Working days the applicant has to bring what is missing.
pub const COMPLETION_WORKING_DAYS: u32 = 10;

pub const RECEIVED: &str = "received";
pub const NEEDS_COMPLETION: &str = "needs_completion";
pub const APPROVED: &str = "approved";
pub const REJECTED: &str = "rejected";
pub const READY: &str = "ready";
pub const PICKED_UP: &str = "picked_up";

/// One step of a service's process between receipt and the decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Step {
    pub key: String,
    pub name: String,
    pub name_en: Option<String>,
}

/// The middle steps a service uses when its provider set none.
pub fn default_middle() -> Vec<Step> {
    vec![
        Step { key: "verified".into(), name: "Diverifikasi".into(), name_en: Some("Verified".into()) },
        Step { key: "processed".into(), name: "Diproses".into(), name_en: Some("Being processed".into()) },
    ]
}

/// Middle steps from a provider's list of names, one per line ("Nama | English").
/// Keys are stable by position so a rename keeps the files where they are.
pub fn middle_from_lines(lines: &[String]) -> Vec<Step> {
    lines
        .iter()
        .map(|l| l.trim())
        .filter(|l| !l.is_empty())
        .enumerate()
        .map(|(i, l)| {
            let (name, en) = match l.split_once('|') {
                Some((a, b)) => (a.trim().to_string(), Some(b.trim().to_string()).filter(|s| !s.is_empty())),
                None => (l.to_string(), None),
            };
            Step { key: format!("step-{}", i + 1), name, name_en: en }
        })
        .collect()
}

/// The whole path of a service's files: received, the middle steps, the
/// decision, ready, picked up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub middle: Vec<Step>,
}

impl Plan {
    pub fn new(middle: Option<Vec<Step>>) -> Plan {
        Plan { middle: middle.filter(|m| !m.is_empty()).unwrap_or_else(default_middle) }
    }

    /// Every step in order, with its Indonesian and English names (both
    /// decisions included, approved before rejected).
    pub fn all(&self) -> Vec<Step> {
        let fixed = |k: &str, n: &str, e: &str| Step { key: k.into(), name: n.into(), name_en: Some(e.into()) };
        let mut v = vec![fixed(RECEIVED, "Diterima", "Received")];
        v.extend(self.middle.iter().cloned());
        v.push(fixed(APPROVED, "Disetujui", "Approved"));
        v.push(fixed(REJECTED, "Ditolak", "Rejected"));
        v.push(fixed(READY, "Siap diambil", "Ready for pickup"));
        v.push(fixed(PICKED_UP, "Sudah diambil", "Picked up"));
        v
    }

    pub fn knows(&self, key: &str) -> bool {
        key == NEEDS_COMPLETION || self.all().iter().any(|s| s.key == key)
    }

    /// Where a file at `from` may go next. `needs_completion` returns to the
    /// step it left (`resume`), handled by the caller.
    pub fn next(&self, from: &str) -> Vec<String> {
        let keys: Vec<&str> = self.middle.iter().map(|s| s.key.as_str()).collect();
        match from {
            RECEIVED => {
                let first = keys.first().map(|k| k.to_string()).unwrap_or_else(|| APPROVED.into());
                vec![first, NEEDS_COMPLETION.into(), REJECTED.into()]
            }
            APPROVED => vec![READY.into()],
            READY => vec![PICKED_UP.into()],
            REJECTED | PICKED_UP | NEEDS_COMPLETION => Vec::new(),
            k => match keys.iter().position(|m| *m == k) {
                Some(i) if i + 1 < keys.len() => vec![keys[i + 1].into(), NEEDS_COMPLETION.into(), REJECTED.into()],
                Some(_) => vec![APPROVED.into(), REJECTED.into(), NEEDS_COMPLETION.into()],
                None => Vec::new(),
            },
        }
    }
}

/// A file is finished for the visitor when its result is ready or it was refused.
pub fn is_finished(step: &str) -> bool {
    matches!(step, READY | PICKED_UP | REJECTED)
}

/// The promise of the standard, as the file was received.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Promise {
    pub value: i64,
    pub unit: DurationUnit,
}

/// The clock of a file: when it started (the file complete), and what pauses
/// have added since.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Clock {
    pub paused_days: i64,
    pub paused_seconds: i64,
}

/// When the promise is due for a file complete at `from`, over the MPP's closures.
pub fn due_at(p: Promise, from: DateTime<Utc>, tz: Tz, clock: Clock, closed: &HashSet<NaiveDate>) -> DateTime<Utc> {
    let value = p.value.max(0);
    match p.unit {
        DurationUnit::Minutes => from + Duration::minutes(value) + Duration::seconds(clock.paused_seconds),
        DurationUnit::Hours => from + Duration::hours(value) + Duration::seconds(clock.paused_seconds),
        DurationUnit::WorkingDays => {
            deadline(from, tz, u32::try_from(value + clock.paused_days).unwrap_or(u32::MAX / 4), closed)
        }
        DurationUnit::Days => {
            let last = from.with_timezone(&tz).date_naive() + Duration::days(value + clock.paused_days);
            end_of(last, tz).unwrap_or(from)
        }
    }
}

fn end_of(day: NaiveDate, tz: Tz) -> Option<DateTime<Utc>> {
    let midnight = (day + Duration::days(1)).and_hms_opt(0, 0, 0)?;
    tz.from_local_datetime(&midnight).earliest().map(|t| t.with_timezone(&Utc))
}

/// What a pause from `paused` to `resumed` adds to the clock: the wall time for
/// services counted in minutes or hours, otherwise the days the applicant held
/// the file (working days for a working-day promise), the day of the pause not
/// counted and the day of the return counted, as a file received that day would be.
pub fn pause_adds(
    unit: DurationUnit,
    paused: DateTime<Utc>,
    resumed: DateTime<Utc>,
    tz: Tz,
    closed: &HashSet<NaiveDate>,
) -> Clock {
    match unit {
        DurationUnit::Minutes | DurationUnit::Hours => {
            Clock { paused_days: 0, paused_seconds: (resumed - paused).num_seconds().max(0) }
        }
        DurationUnit::Days | DurationUnit::WorkingDays => {
            let from = paused.with_timezone(&tz).date_naive();
            let to = resumed.with_timezone(&tz).date_naive();
            let mut days = 0;
            let mut d = from;
            while d < to {
                d += Duration::days(1);
                if unit == DurationUnit::Days || is_working_day(d, closed) {
                    days += 1;
                }
            }
            Clock { paused_days: days, paused_seconds: 0 }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jkt(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        Tz::Asia__Jakarta.with_ymd_and_hms(y, m, d, h, min, 0).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn default_path_runs_received_to_picked_up() {
        let p = Plan::new(None);
        assert_eq!(p.next(RECEIVED)[0], "verified");
        assert_eq!(p.next("verified")[0], "processed");
        assert_eq!(p.next("processed"), vec![APPROVED, REJECTED, NEEDS_COMPLETION]);
        assert_eq!(p.next(APPROVED), vec![READY]);
        assert_eq!(p.next(READY), vec![PICKED_UP]);
        assert!(p.next(PICKED_UP).is_empty());
        assert!(p.next(REJECTED).is_empty());
        assert!(p.next("nonsense").is_empty());
    }

    #[test]
    fn providers_add_their_own_steps() {
        let m = middle_from_lines(&["Verifikasi".into(), " ".into(), "Survei lapangan | Field survey".into()]);
        assert_eq!(m.len(), 2);
        assert_eq!(m[1].key, "step-2");
        assert_eq!(m[1].name_en.as_deref(), Some("Field survey"));
        let p = Plan::new(Some(m));
        assert_eq!(p.next(RECEIVED)[0], "step-1");
        assert_eq!(p.next("step-1")[0], "step-2");
        assert!(p.next("verified").is_empty());
        assert!(p.knows("step-2") && !p.knows("verified"));
    }

    #[test]
    fn working_day_promise_skips_weekend_and_holiday() {
        // Thursday 3 Dec 2026, 10:00 WIB; 3 working days with Monday 7 Dec closed:
        // Fri 4, Tue 8, Wed 9 → due at the end of Wednesday 9 Dec.
        let closed: HashSet<NaiveDate> = [NaiveDate::from_ymd_opt(2026, 12, 7).unwrap()].into();
        let p = Promise { value: 3, unit: DurationUnit::WorkingDays };
        let due = due_at(p, jkt(2026, 12, 3, 10, 0), Tz::Asia__Jakarta, Clock::default(), &closed);
        assert_eq!(due, jkt(2026, 12, 10, 0, 0));
    }

    #[test]
    fn the_clock_stops_while_the_applicant_owes_documents() {
        let tz = Tz::Asia__Jakarta;
        let none = HashSet::new();
        // Paused Friday 4 Dec, back Tuesday 8 Dec: Mon 7 and Tue 8 are added.
        let c = pause_adds(DurationUnit::WorkingDays, jkt(2026, 12, 4, 9, 0), jkt(2026, 12, 8, 14, 0), tz, &none);
        assert_eq!(c.paused_days, 2);
        // Back the same day: nothing added.
        let c0 = pause_adds(DurationUnit::WorkingDays, jkt(2026, 12, 4, 9, 0), jkt(2026, 12, 4, 15, 0), tz, &none);
        assert_eq!(c0.paused_days, 0);
        let p = Promise { value: 3, unit: DurationUnit::WorkingDays };
        let due = due_at(p, jkt(2026, 12, 3, 10, 0), tz, c, &none);
        // Without the pause: end of Tue 8; with two more working days: end of Thu 10.
        assert_eq!(due, jkt(2026, 12, 11, 0, 0));
        // Minutes: the wall time of the pause.
        let m = pause_adds(DurationUnit::Minutes, jkt(2026, 12, 4, 9, 0), jkt(2026, 12, 4, 9, 25), tz, &none);
        assert_eq!(m.paused_seconds, 25 * 60);
        let pm = Promise { value: 60, unit: DurationUnit::Minutes };
        assert_eq!(due_at(pm, jkt(2026, 12, 4, 8, 0), tz, m, &none), jkt(2026, 12, 4, 9, 25));
    }

    #[test]
    fn calendar_days_count_every_day() {
        let p = Promise { value: 2, unit: DurationUnit::Days };
        let due = due_at(p, jkt(2026, 12, 4, 10, 0), Tz::Asia__Jakarta, Clock::default(), &HashSet::new());
        assert_eq!(due, jkt(2026, 12, 7, 0, 0));
    }

    #[test]
    fn finished_means_ready_refused_or_collected() {
        assert!(is_finished(READY) && is_finished(REJECTED) && is_finished(PICKED_UP));
        assert!(!is_finished(APPROVED) && !is_finished(NEEDS_COMPLETION) && !is_finished(RECEIVED));
    }
}
