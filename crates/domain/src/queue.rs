//! Walk-in queue rules: priority groups, the order tickets are called in,
//! ticket codes, what a board says aloud, and wait estimates.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::catalog::string_enum;

string_enum! {
    /// Groups UU 25/2009 art. 29 protects: served first, without the general line.
    PriorityGroup {
        Disability = "disability",
        Elderly = "elderly",
        Pregnant = "pregnant",
        Child = "child",
        DisasterNatural = "disaster_natural",
        DisasterSocial = "disaster_social",
    }
}

string_enum! {
    /// Where a ticket stands.
    TicketStatus {
        Waiting = "waiting",
        Called = "called",
        Serving = "serving",
        Done = "done",
    }
}

string_enum! {
    /// How a ticket ended.
    Outcome {
        Served = "served",
        NotServed = "not_served",
        NoShow = "no_show",
        Cancelled = "cancelled",
        Closed = "closed",
    }
}

string_enum! {
    /// How a ticket came to be.
    TicketSource {
        Kiosk = "kiosk",
        Web = "web",
        Booking = "booking",
        Counter = "counter",
    }
}

string_enum! {
    /// A counter's state through the day.
    CounterState {
        Closed = "closed",
        Open = "open",
        Paused = "paused",
    }
}

/// Per-MPP queue policy, kept as JSON on the MPP.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct QueueSettings {
    /// A priority-group ticket is ordered as if it had arrived this much earlier;
    /// an ordinary ticket that has waited longer is called first (aging: no one starves).
    pub priority_lead_minutes: i64,
    /// A checked-in booking is ordered this long before its slot time.
    pub booking_lead_minutes: i64,
    /// Recalls before an officer may mark a ticket as no-show.
    pub recalls_before_no_show: i64,
    /// How long "I need more time" moves a called ticket back.
    pub extra_time_minutes: i64,
    /// Digits in a ticket number (A-001).
    pub number_width: usize,
    /// Issue tickets outside opening hours (demo installations; the day's
    /// leftover tickets are then closed only after the day ends).
    pub allow_outside_hours: bool,
    /// Phones may take a walk-in number remotely (from the MPP's page); otherwise only the
    /// MPP's kiosks give numbers and phones are pointed to booking.
    pub remote_tickets: bool,
    /// Visitors who left a phone number get a message when this many people (or
    /// fewer) are ahead of them (0: no such messages).
    pub near_turn_ahead: i64,
    /// Bookings a NIK may miss within `no_show_days` before it may not book
    /// again for a while (0: no limit).
    pub no_show_limit: i64,
    pub no_show_days: i64,
}

impl Default for QueueSettings {
    fn default() -> Self {
        QueueSettings {
            priority_lead_minutes: 30,
            booking_lead_minutes: 15,
            recalls_before_no_show: 2,
            extra_time_minutes: 10,
            number_width: 3,
            allow_outside_hours: false,
            remote_tickets: false,
            near_turn_ahead: 3,
            no_show_limit: 3,
            no_show_days: 30,
        }
    }
}

impl QueueSettings {
    pub fn from_json(s: &str) -> QueueSettings {
        serde_json::from_str(s).unwrap_or_default()
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| "{}".into())
    }

    /// The instant a ticket is ordered by: earlier is called sooner.
    pub fn queue_key(
        &self,
        arrived_at: DateTime<Utc>,
        priority: Option<PriorityGroup>,
        booking_slot: Option<DateTime<Utc>>,
    ) -> DateTime<Utc> {
        let mut key = arrived_at;
        if let Some(slot) = booking_slot {
            key = key.min(slot - Duration::minutes(self.booking_lead_minutes));
        }
        if priority.is_some() {
            key = key.min(arrived_at - Duration::minutes(self.priority_lead_minutes));
        }
        key
    }
}

/// `A-001`: the prefix, a dash, the number padded to `width` digits.
pub fn ticket_code(prefix: &str, number: i64, width: usize) -> String {
    format!("{prefix}-{number:0width$}")
}

const DIGITS_ID: [&str; 10] = ["nol", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan"];
const DIGITS_EN: [&str; 10] = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"];

/// Letters and digits of a code as separate spoken words: `A-012` → `A nol satu dua`.
fn spell(code: &str, digits: &[&str; 10]) -> Vec<String> {
    code.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| match c.to_digit(10) {
            Some(d) => digits[d as usize].to_string(),
            None => c.to_ascii_uppercase().to_string(),
        })
        .collect()
}

/// What the board says when a ticket is called, in Indonesian.
pub fn call_text_id(ticket: &str, counter: &str) -> String {
    format!(
        "Nomor antrean {}, silakan menuju loket {}.",
        spell(ticket, &DIGITS_ID).join(" "),
        spell(counter, &DIGITS_ID).join(" ")
    )
}

/// The same call in English.
pub fn call_text_en(ticket: &str, counter: &str) -> String {
    format!(
        "Ticket number {}, please go to counter {}.",
        spell(ticket, &DIGITS_EN).join(" "),
        spell(counter, &DIGITS_EN).join(" ")
    )
}

/// The recorded clips that say [`call_text_id`], in order: boards without an
/// Indonesian voice play these (`/static/voice/<clip>.wav`).
pub fn call_clips(ticket: &str, counter: &str) -> Vec<String> {
    let mut clips = vec!["nomor-antrean".to_string()];
    clips.extend(spell(ticket, &DIGITS_ID).into_iter().map(|w| w.to_lowercase()));
    clips.push("silakan-menuju-loket".into());
    clips.extend(spell(counter, &DIGITS_ID).into_iter().map(|w| w.to_lowercase()));
    clips
}

/// Every clip a board may need.
pub fn all_clips() -> Vec<String> {
    let mut v: Vec<String> = vec!["nomor-antrean".into(), "silakan-menuju-loket".into()];
    v.extend(DIGITS_ID.iter().map(|d| d.to_string()));
    v.extend(('a'..='z').map(|c| c.to_string()));
    v
}

/// Expected wait: the people ahead spread over the open counters, each taking
/// the recent average. `None` when no counter is open (nobody is being served).
pub fn estimate_wait(ahead: i64, open_counters: i64, avg_service_secs: i64) -> Option<i64> {
    if open_counters <= 0 {
        return None;
    }
    // Whole rounds of service before this ticket reaches a counter.
    let rounds = ahead / open_counters;
    Some(rounds * avg_service_secs.max(1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 1, h, m, 0).unwrap()
    }

    #[test]
    fn priority_goes_first_but_never_starves_others() {
        let s = QueueSettings::default();
        let ordinary_early = s.queue_key(at(1, 0), None, None);
        let priority_later = s.queue_key(at(1, 20), Some(PriorityGroup::Elderly), None);
        let priority_much_later = s.queue_key(at(1, 40), Some(PriorityGroup::Pregnant), None);
        // 20 minutes later but priority: ahead of the ordinary ticket.
        assert!(priority_later < ordinary_early);
        // 40 minutes later: the ordinary ticket has waited past the lead and goes first.
        assert!(ordinary_early < priority_much_later);
    }

    #[test]
    fn bookings_are_ordered_by_their_slot() {
        let s = QueueSettings::default();
        // Checked in early (08:30) for a 09:00 slot: ordered at 08:45.
        let k = s.queue_key(at(1, 30), None, Some(at(2, 0)));
        assert_eq!(k, at(1, 30));
        let k = s.queue_key(at(1, 55), None, Some(at(2, 0)));
        assert_eq!(k, at(1, 45));
    }

    #[test]
    fn codes_and_calls() {
        assert_eq!(ticket_code("A", 7, 3), "A-007");
        assert_eq!(ticket_code("IM", 1234, 3), "IM-1234");
        assert_eq!(call_text_id("A-012", "3"), "Nomor antrean A nol satu dua, silakan menuju loket tiga.");
        assert_eq!(call_text_en("B-100", "G2"), "Ticket number B one zero zero, please go to counter G two.");
        assert_eq!(
            call_clips("A-012", "G3"),
            vec!["nomor-antrean", "a", "nol", "satu", "dua", "silakan-menuju-loket", "g", "tiga"]
        );
        for c in call_clips("ZX-901", "Q7") {
            assert!(all_clips().contains(&c), "{c}");
        }
    }

    #[test]
    fn estimates() {
        assert_eq!(estimate_wait(0, 2, 300), Some(0));
        assert_eq!(estimate_wait(3, 2, 300), Some(300));
        assert_eq!(estimate_wait(4, 2, 300), Some(600));
        assert_eq!(estimate_wait(4, 0, 300), None);
    }

    #[test]
    fn settings_round_trip_with_defaults() {
        let s = QueueSettings::from_json(r#"{"priority_lead_minutes": 45}"#);
        assert_eq!(s.priority_lead_minutes, 45);
        assert_eq!(s.recalls_before_no_show, 2);
        assert_eq!(QueueSettings::from_json(&s.to_json()), s);
        assert_eq!(QueueSettings::from_json("garbage"), QueueSettings::default());
    }
}
