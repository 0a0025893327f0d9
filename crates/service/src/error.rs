//! What an operation can refuse with. The web layer maps each to a status and
//! a message in the visitor's language; causes travel as `source()` to the log.

use satuatap_domain::FieldError;
use satuatap_store::StoreError;

/// Defines [`Refusal`]: each refusal a person or program can act on, with its
/// stable code (for programs, listed in the API document) and the translation
/// key of its message (for people).
macro_rules! refusals {
    ($($(#[$doc:meta])* $name:ident => $code:literal, $key:literal;)*) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Refusal { $($(#[$doc])* $name,)* }

        impl Refusal {
            pub const ALL: &'static [Refusal] = &[$(Refusal::$name),*];

            /// The stable code in the API's error body.
            pub fn code(self) -> &'static str {
                match self { $(Refusal::$name => $code,)* }
            }

            /// The translation key of the sentence shown to people.
            pub fn key(self) -> &'static str {
                match self { $(Refusal::$name => $key,)* }
            }
        }
    };
}

refusals! {
    // The queue.
    /// The MPP is not issuing tickets now (closed, or past the last ticket time).
    QueueClosed => "queue_closed", "err-queue-closed";
    /// The ticket is not called, or its extra time was already used.
    MoreTimeUnavailable => "more_time_unavailable", "err-more-time-unavailable";
    /// Only a waiting ticket can be cancelled by its holder.
    TicketNotCancellable => "ticket_not_cancellable", "err-ticket-not-cancellable";
    /// The counter is switched off by an administrator.
    CounterInactive => "counter_inactive", "err-counter-inactive";
    /// A ticket is still at the counter: finish or return it first.
    TicketAtCounter => "ticket_at_counter", "err-finish-current-first";
    /// The counter is closed or paused: open it first.
    CounterNotOpen => "counter_not_open", "err-counter-not-open";
    /// The visitor did not come after the call: recall them before marking a no-show.
    RecallFirst => "recall_first", "err-recall-first";
    /// The ticket is no longer where the console saw it (another officer acted).
    TicketMoved => "ticket_moved", "err-ticket-moved";
    /// The ticket to call is no longer waiting for this counter (called elsewhere, cancelled).
    TicketNotWaiting => "ticket_not_waiting", "err-ticket-not-waiting";
    /// The MPP sends no "your turn is near" messages.
    NearTurnOff => "near_turn_off", "err-near-turn-off";
    /// The ticket was called or finished: no message is left to send.
    NearTurnClosed => "near_turn_closed", "err-near-turn-closed";
    // Booking.
    /// Every seat of the slot is taken.
    SlotFull => "slot_full", "err-slot-full";
    /// The slot has already started.
    SlotPast => "slot_past", "err-slot-past";
    /// This NIK already has a booking for this service that day.
    AlreadyBooked => "already_booked", "err-already-booked";
    /// The slot's quota opens later (`details.when`).
    QuotaNotOpen => "quota_not_open", "err-quota-not-open";
    /// The service takes no bookings.
    NotBookable => "not_bookable", "err-not-bookable";
    /// The booking was cancelled, used or missed.
    NotActive => "not_active", "err-booking-not-active";
    /// Too many missed bookings recently (`details.until`).
    TooManyNoShows => "too_many_no_shows", "err-too-many-no-shows";
    /// This NIK tried too often within the hour.
    NikRateLimited => "nik_rate_limited", "err-nik-rate-limited";
    /// Check-in opens later (`details.time`).
    CheckInTooEarly => "check_in_too_early", "err-check-in-early";
    /// Check-in has closed: take a walk-in ticket (`details.service_id`).
    CheckInTooLate => "check_in_too_late", "err-check-in-late";
    /// The booking was checked in and its ticket is finished or cancelled.
    CheckInUsed => "check_in_used", "err-check-in-used";
    /// Fewer seats than are already booked.
    CapacityBelowBooked => "capacity_below_booked", "err-capacity-below-booked";
    // Devices.
    /// This page must run on a kiosk paired with the MPP.
    DeviceRequired => "device_required", "err-device-required";
    /// The pairing code is wrong, used or expired.
    PairingInvalid => "pairing_invalid", "err-pairing-invalid";
    // Survey.
    /// This visit or code already has its answers.
    SurveyAnswered => "survey_answered", "err-survey-answered";
    /// The visit was not served, or too long ago.
    SurveyNotOpen => "survey_not_open", "err-survey-not-open";
    // Complaints.
    /// The step does not follow from the report's state.
    ComplaintStepNotAllowed => "complaint_step_not_allowed", "err-complaint-step";
    /// Someone else acted on the report meanwhile.
    ComplaintChanged => "complaint_changed", "err-complaint-changed";
    /// The report is closed.
    ComplaintClosed => "complaint_closed", "err-complaint-closed";
    /// This MPP gives walk-in numbers only at its kiosks (phones book instead).
    RemoteTicketsOff => "remote_tickets_off", "err-remote-tickets-off";
    /// The service's walk-in numbers for today are all given (`quota`).
    WalkInQuotaReached => "walk_in_quota_reached", "err-walk-in-quota";
    /// The service gives no more walk-in numbers today after `time`.
    WalkInClosed => "walk_in_closed", "err-walk-in-closed";
    // The OSS help desk.
    /// The MPP has not opened its OSS help desk.
    OssDeskNotOpen => "oss_desk_not_open", "err-oss-desk-not-open";
    /// The session was cancelled.
    OssSessionCancelled => "oss_session_cancelled", "err-oss-session-cancelled";
    /// This visit's consultation is already recorded.
    ConsultationRecorded => "consultation_recorded", "err-consultation-recorded";
    /// The follow-up was closed already.
    FollowUpClosed => "follow_up_closed", "err-follow-up-closed";
    /// A session's seats are set per session, not by booking rules.
    OssSessionRules => "oss_session_rules", "err-oss-session-rules";
    // Applications.
    /// The step does not follow from where the file is now.
    ApplicationStepNotAllowed => "application_step_not_allowed", "err-application-step";
    /// Another officer moved the file meanwhile.
    ApplicationChanged => "application_changed", "err-application-changed";
    /// The service's standard publishes no requirements or promise to track a file against.
    ApplicationNotTracked => "application_not_tracked", "err-application-not-tracked";
    /// The file is not ready for pickup (`details.step`).
    ApplicationNotReady => "application_not_ready", "err-application-not-ready";
    // The national register.
    /// The proposal was already accepted or rejected.
    ProposalDecided => "proposal_decided", "err-proposal-decided";
    // The evaluation.
    /// The instrument is frozen (the published default, or one a cycle has used): clone it to change it.
    InstrumentFrozen => "instrument_frozen", "err-instrument-frozen";
    /// The evaluator works in the MPP's own region.
    EvaluatorConflict => "evaluator_conflict", "err-evaluator-conflict";
    /// The assessment is no longer where this step starts (already submitted, returned or final).
    AssessmentState => "assessment_state", "err-assessment-state";
    /// An assessment is returned for revision at most once.
    AssessmentReturnedOnce => "assessment_returned_once", "err-assessment-returned-once";
    /// The cycle's results are already published.
    CyclePublished => "cycle_published", "err-cycle-published";
    /// Nothing to publish yet, or the results are not published yet.
    CycleNotPublished => "cycle_not_published", "err-cycle-not-published";
    /// The incentive list is signed off and frozen.
    IncentivesSigned => "incentives_signed", "err-incentives-signed";
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The input has problems; each names its field.
    #[error("invalid input: {0:?}")]
    Invalid(Vec<FieldError>),
    #[error("not found")]
    NotFound,
    /// Signed in, but this account may not do this.
    #[error("forbidden")]
    Forbidden,
    /// Not signed in (or the session/token is no longer valid).
    #[error("authentication required")]
    Unauthenticated,
    #[error("wrong e-mail or password")]
    BadCredentials,
    /// Too many failed logins; try again after this many seconds.
    #[error("locked out for {retry_after} s")]
    LockedOut { retry_after: u64 },
    /// Refused for a reason the caller can act on, with values for its message.
    #[error("refused: {}", why.code())]
    Refused { why: Refusal, args: Vec<(&'static str, String)> },
    /// A value the database cannot store or compare (out of its range, a NUL
    /// character): the caller's input, caught late.
    #[error("value out of range")]
    BadValue(#[source] StoreError),
    /// The database is saturated (no connection came free in time): try again shortly.
    #[error("busy")]
    Busy(#[source] StoreError),
    /// The database failed.
    #[error("storage failed")]
    Store(#[source] StoreError),
    /// Something that should not happen did (a bug, or the machine): logged, never shown.
    #[error("internal error: {0}")]
    Internal(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl From<StoreError> for Error {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Busy(_) => Error::Busy(e),
            StoreError::BadValue(_) => Error::BadValue(e),
            e => Error::Store(e),
        }
    }
}

impl From<Refusal> for Error {
    fn from(why: Refusal) -> Self {
        Error::Refused { why, args: Vec::new() }
    }
}

impl Error {
    pub fn field(field: &str, invalid: satuatap_domain::Invalid) -> Error {
        Error::Invalid(vec![FieldError::new(field, invalid)])
    }

    pub fn refused(why: Refusal) -> Error {
        Error::Refused { why, args: Vec::new() }
    }

    pub fn refused_with(why: Refusal, args: Vec<(&'static str, String)>) -> Error {
        Error::Refused { why, args }
    }

    /// The chain of causes, outermost first, for the log.
    pub fn causes(&self) -> String {
        let mut out = self.to_string();
        let mut cur: Option<&(dyn std::error::Error + 'static)> = std::error::Error::source(self);
        while let Some(c) = cur {
            out.push_str(": ");
            out.push_str(&c.to_string());
            cur = c.source();
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusal_codes_are_unique_snake_case() {
        for (i, a) in Refusal::ALL.iter().enumerate() {
            assert!(a.code().chars().all(|c| c.is_ascii_lowercase() || c == '_'), "{}", a.code());
            assert!(a.key().starts_with("err-"));
            for b in &Refusal::ALL[i + 1..] {
                assert_ne!(a.code(), b.code());
            }
        }
    }
}
