//! The walk-in queue: issuing tickets, the counter console's operations,
//! what a visitor's phone shows, wait estimates and closing the day.

use std::collections::HashSet;

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, Utc};
use chrono_tz::Tz;
use satuatap_domain::catalog::ServiceStatus;
use satuatap_domain::hours::{OpenStatus, status_at};
use satuatap_domain::queue::{
    CounterState, PriorityGroup, QueueSettings, TicketSource, TicketStatus, call_clips, call_text_en, call_text_id,
    estimate_wait, ticket_code,
};
use satuatap_domain::role::Role;
use satuatap_domain::{FieldError, Invalid};
use satuatap_store::queue::{NewTicketEvent, Transition};
use satuatap_store::stats::{QueueCount, TimeKind};
use satuatap_store::{Constraint, CounterRow, MppRow, NewTicket, ServiceQueueRow, TicketEventRow, TicketRow, Tx};
use serde::{Deserialize, Serialize};

use crate::events::QueueEvent;
use crate::input::{Loose, flag, loose};
use crate::{Actor, App, Error, Refusal, Result};

/// Served tickets averaged for a service's time.
const RECENT: i64 = 30;
/// Assumed service time when a service has no history yet.
const DEFAULT_SERVICE_SECS: i64 = 600;
/// How long a service's average time is reused before it is read again.
const AVERAGE_TTL: Duration = Duration::seconds(30);

/// Recent average service times per service, shared by the requests of a node.
#[derive(Clone, Default)]
pub struct Averages(std::sync::Arc<std::sync::Mutex<AverageMap>>);

/// Service id → (when measured, average seconds).
type AverageMap = std::collections::HashMap<i64, (DateTime<Utc>, i64)>;

impl Averages {
    fn get(&self, service_id: i64) -> Option<(DateTime<Utc>, i64)> {
        self.0.lock().ok()?.get(&service_id).copied()
    }

    fn put(&self, service_id: i64, at: DateTime<Utc>, secs: i64) {
        if let Ok(mut m) = self.0.lock() {
            m.insert(service_id, (at, secs));
        }
    }

    /// Forget a service's average (a ticket of it was just served).
    pub(crate) fn forget(&self, service_id: i64) {
        if let Ok(mut m) = self.0.lock() {
            m.remove(&service_id);
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[schema(example = json!({"service_id": 12, "priority": "elderly", "source": "kiosk", "request_id": "press-7f3a"}))]
pub struct IssueInput {
    #[serde(default, deserialize_with = "loose")]
    #[schema(value_type = i64)]
    pub service_id: Loose<i64>,
    /// One of the priority groups of UU 25/2009 art. 29, when declared.
    #[serde(default)]
    pub priority: Option<String>,
    /// `kiosk` (default) or `web`.
    #[serde(default)]
    pub source: Option<String>,
    /// A key the device makes up for one button press (letters, digits, `-`, `_`;
    /// at most 64): sending it again returns the same ticket instead of a second one.
    #[serde(default)]
    pub request_id: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct FinishInput {
    /// `true` when the service was delivered.
    #[serde(default = "yes", deserialize_with = "flag")]
    pub served: bool,
    /// Why not served (required then), or a note.
    #[serde(default)]
    pub reason: Option<String>,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct TransferInput {
    #[serde(default, deserialize_with = "loose")]
    #[schema(value_type = i64)]
    pub service_id: Loose<i64>,
    /// Send to one counter only.
    #[serde(default, deserialize_with = "loose")]
    #[schema(value_type = Option<i64>)]
    pub counter_id: Loose<i64>,
    /// Queue as a new arrival instead of keeping the original arrival time.
    #[serde(default, deserialize_with = "flag")]
    pub reset_arrival: bool,
}

/// A ticket as its holder, a board or a console sees it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TicketView {
    pub id: i64,
    pub code: String,
    pub status: TicketStatus,
    pub outcome: Option<String>,
    pub outcome_reason: Option<String>,
    pub priority: Option<String>,
    pub source: String,
    pub mpp_id: i64,
    pub service_id: i64,
    pub service_name: String,
    pub service_name_en: Option<String>,
    pub provider_id: i64,
    pub provider_name: String,
    pub provider_name_en: Option<String>,
    /// Where to go: the provider's gerai (booth) and its floor or zone.
    pub booth: Option<String>,
    pub zone: Option<String>,
    pub day: NaiveDate,
    pub issued_at: DateTime<Utc>,
    /// Issue time in the MPP's zone, `HH:MM`.
    pub issued_local: String,
    pub counter_id: Option<i64>,
    pub counter_code: Option<String>,
    pub counter_name: Option<String>,
    pub called_at: Option<DateTime<Utc>>,
    pub recalls: i64,
    /// Waiting tickets of the same queue called before this one.
    pub ahead: i64,
    /// Expected wait in minutes (none while no counter is open).
    pub estimate_minutes: Option<i64>,
    pub extra_time_available: bool,
    pub can_cancel: bool,
}

/// A call as boards announce it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CallView {
    pub ticket_id: i64,
    pub code: String,
    pub counter_code: String,
    pub counter_name: String,
    pub booth: Option<String>,
    pub zone: Option<String>,
    pub service_name: String,
    pub service_name_en: Option<String>,
    pub called_at: DateTime<Utc>,
    pub recalls: i64,
    pub speech_id: String,
    pub speech_en: String,
    /// Recorded clips saying `speech_id`, for boards without an Indonesian voice.
    pub clips: Vec<String>,
}

/// Waiting count and estimate for one service.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct QueueLine {
    pub service_id: i64,
    pub service_name: String,
    pub service_name_en: Option<String>,
    pub provider_id: i64,
    pub provider_name: String,
    pub zone: Option<String>,
    pub prefix: String,
    pub waiting: i64,
    pub open_counters: i64,
    pub average_service_minutes: i64,
    /// For someone taking a ticket now.
    pub estimate_minutes: Option<i64>,
    /// Walk-in numbers left today under the service's daily quota (absent: no quota).
    pub walk_in_left: Option<i64>,
    /// The last local time (`HH:MM`) a walk-in number is given today, if the service has one.
    pub last_ticket_at: Option<String>,
    /// A walk-in can take a number now (quota left, before the last-ticket time).
    pub walk_in_open: bool,
}

/// Everything a display board shows, sent whole on (re)connect.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct BoardSnapshot {
    pub mpp_id: i64,
    pub mpp_name: String,
    pub time_zone: String,
    pub zone: Option<String>,
    pub zones: Vec<String>,
    /// Tickets now at a counter (called or being served), newest first.
    pub now_serving: Vec<CallView>,
    /// Earlier calls of the day, already finished, newest first.
    pub last_calls: Vec<CallView>,
    pub queues: Vec<QueueLine>,
    pub announcement: Option<String>,
    pub announcement_en: Option<String>,
    pub server_time: DateTime<Utc>,
}

/// What a counter officer's console shows.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ConsoleView {
    pub counter_id: i64,
    pub counter_code: String,
    pub counter_name: String,
    pub provider_id: i64,
    pub provider_name: String,
    pub state: CounterState,
    pub officer_id: Option<i64>,
    pub current: Option<TicketView>,
    pub history: Vec<TicketEventRow>,
    /// Requirements of the current ticket's service.
    pub requirements: Vec<String>,
    pub queues: Vec<QueueLine>,
    /// Everyone this counter may call, next first (at most `WAITING_SHOWN`).
    pub waiting: Vec<WaitingTicket>,
    /// How many this counter may call in all.
    pub waiting_total: i64,
    pub recalls_before_no_show: i64,
}

/// How many waiting tickets a console lists.
pub const WAITING_SHOWN: i64 = 50;

/// A ticket in a console's waiting list.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct WaitingTicket {
    pub id: i64,
    pub code: String,
    pub service_id: i64,
    pub service_name: String,
    pub priority: Option<String>,
    /// `kiosk`, `web`, `booking` or `transfer`.
    pub source: String,
    /// Issue time in the MPP's zone, `HH:MM`.
    pub issued_local: String,
    /// Minutes since the ticket was issued.
    pub waited_minutes: i64,
    /// Sent to this counter by a transfer.
    pub for_this_counter: bool,
}

/// An MPP's zone, read once per MPP across a recount of many records.
pub(crate) async fn zone_of(
    tx: &mut Tx,
    zones: &mut std::collections::HashMap<i64, Option<Tz>>,
    mpp_id: i64,
) -> Result<Option<Tz>> {
    if let Some(z) = zones.get(&mpp_id) {
        return Ok(*z);
    }
    let z = tx.mpp(mpp_id).await?.map(|m| mpp_tz(&m));
    zones.insert(mpp_id, z);
    Ok(z)
}

pub(crate) fn mpp_tz(m: &MppRow) -> Tz {
    m.time_zone.parse().unwrap_or(Tz::Asia__Jakarta)
}

fn local(at: DateTime<Utc>, tz: Tz) -> NaiveDateTime {
    at.with_timezone(&tz).naive_local()
}

/// The clips and sentences of a call.
pub fn call_of(t: &TicketRow) -> Option<CallView> {
    let counter_code = t.counter_code.clone()?;
    Some(CallView {
        ticket_id: t.id,
        code: t.code.clone(),
        counter_name: t.counter_name.clone().unwrap_or_default(),
        booth: t.booth.clone(),
        zone: t.zone.clone(),
        service_name: t.service_name.clone(),
        service_name_en: t.service_name_en.clone(),
        called_at: t.called_at.unwrap_or(t.issued_at),
        recalls: t.recalls,
        speech_id: call_text_id(&t.code, &counter_code),
        speech_en: call_text_en(&t.code, &counter_code),
        clips: call_clips(&t.code, &counter_code),
        counter_code,
    })
}

/// Who asks for a queue operation that kiosks make: a paired device, a
/// signed-in person, both or neither.
#[derive(Debug, Clone, Copy, Default)]
pub struct Caller<'a> {
    pub actor: Option<&'a Actor>,
    pub device: Option<&'a crate::devices::Device>,
}

fn can_operate(actor: &Actor, c: &CounterRow) -> bool {
    actor.manages_provider(c.mpp_id, c.provider_id)
        || (actor.role == Role::CounterOfficer
            && actor.mpp_id == Some(c.mpp_id)
            && actor.provider_id == Some(c.provider_id))
}

impl App {
    async fn mpp_and_settings(&self, tx: &mut Tx, mpp_id: i64) -> Result<(MppRow, QueueSettings)> {
        let m = tx.mpp(mpp_id).await?.ok_or(Error::NotFound)?;
        let s = m.queue_settings.0.clone();
        Ok((m, s))
    }

    /// Today's date in an MPP's zone.
    pub fn local_day(&self, m: &MppRow) -> NaiveDate {
        local(self.now(), mpp_tz(m)).date()
    }

    /// Average seconds a service takes, from its recent served tickets; kept
    /// for [`AVERAGE_TTL`] (estimates need not move with every finished ticket).
    async fn average_service_secs(&self, tx: &mut Tx, service_id: i64) -> Result<i64> {
        let now = self.now();
        if let Some((at, secs)) = self.averages.get(service_id)
            && now - at < AVERAGE_TTL
            && now >= at
        {
            return Ok(secs);
        }
        let times = tx.recent_service_times(service_id, RECENT).await?;
        let secs: Vec<i64> = times.iter().map(|(s, f)| (*f - *s).num_seconds()).filter(|s| *s > 0).collect();
        let avg = if secs.is_empty() { DEFAULT_SERVICE_SECS } else { secs.iter().sum::<i64>() / secs.len() as i64 };
        self.averages.put(service_id, now, avg);
        Ok(avg)
    }

    pub(crate) async fn queue_lines(&self, tx: &mut Tx, m: &MppRow, day: NaiveDate) -> Result<Vec<QueueLine>> {
        let mpp_id = m.id;
        let rows: Vec<ServiceQueueRow> = tx.service_queues(mpp_id, day).await?;
        let rules: std::collections::HashMap<i64, satuatap_store::walk_in::WalkInRow> =
            tx.walk_in_rules(mpp_id, day).await?.into_iter().map(|r| (r.service_id, r)).collect();
        let now_hhmm = local(self.now(), mpp_tz(m)).format("%H:%M").to_string();
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            let avg = if r.waiting > 0 || r.open_counters > 0 {
                self.average_service_secs(tx, r.service_id).await?
            } else {
                DEFAULT_SERVICE_SECS
            };
            out.push(QueueLine {
                estimate_minutes: estimate_wait(r.waiting, r.open_counters, avg).map(|s| (s + 59) / 60),
                average_service_minutes: (avg + 59) / 60,
                service_id: r.service_id,
                service_name: r.service_name,
                service_name_en: r.service_name_en,
                provider_id: r.provider_id,
                provider_name: r.provider_name,
                zone: r.zone,
                prefix: r.prefix,
                waiting: r.waiting,
                open_counters: r.open_counters,
                walk_in_left: rules.get(&r.service_id).and_then(|w| w.daily_quota.map(|q| (q - w.issued).max(0))),
                last_ticket_at: rules.get(&r.service_id).and_then(|w| w.last_ticket_at.clone()),
                walk_in_open: rules.get(&r.service_id).is_none_or(|w| {
                    w.daily_quota.is_none_or(|q| w.issued < q)
                        && w.last_ticket_at.as_deref().is_none_or(|l| now_hhmm.as_str() <= l)
                }),
            });
        }
        Ok(out)
    }

    async fn ticket_view(&self, tx: &mut Tx, t: &TicketRow, tz: Tz) -> Result<TicketView> {
        let waiting = t.status.0 == TicketStatus::Waiting;
        let (ahead, estimate_minutes) = if waiting {
            let (ahead, open) = tx.queue_position(t).await?;
            let avg = self.average_service_secs(tx, t.service_id).await?;
            (ahead, estimate_wait(ahead, open, avg).map(|s| (s + 59) / 60))
        } else {
            (0, None)
        };
        Ok(TicketView {
            id: t.id,
            code: t.code.clone(),
            status: t.status.0,
            outcome: t.outcome.clone(),
            outcome_reason: t.outcome_reason.clone(),
            priority: t.priority.clone(),
            source: t.source.clone(),
            mpp_id: t.mpp_id,
            service_id: t.service_id,
            service_name: t.service_name.clone(),
            service_name_en: t.service_name_en.clone(),
            provider_id: t.provider_id,
            provider_name: t.provider_name.clone(),
            provider_name_en: t.provider_name_en.clone(),
            booth: t.booth.clone(),
            zone: t.zone.clone(),
            day: t.day,
            issued_at: t.issued_at,
            issued_local: local(t.issued_at, tz).format("%H:%M").to_string(),
            counter_id: t.counter_id,
            counter_code: t.counter_code.clone(),
            counter_name: t.counter_name.clone(),
            called_at: t.called_at,
            recalls: t.recalls,
            ahead,
            estimate_minutes,
            extra_time_available: t.status.0 == TicketStatus::Called && !t.extra_time_used,
            can_cancel: matches!(t.status.0, TicketStatus::Waiting | TicketStatus::Called),
        })
    }

    /// A ticket's view, read after its change committed.
    async fn view_of(&self, id: i64, tz: Tz) -> Result<TicketView> {
        let mut tx = self.store.read().await?;
        let row = tx.ticket(id).await?.ok_or(Error::NotFound)?;
        self.ticket_view(&mut tx, &row, tz).await
    }

    // --- issuing ----------------------------------------------------------------------------

    /// Issue a walk-in ticket. Gap-free, duplicate-free numbering per MPP, queue
    /// and local day. A kiosk ticket needs a paired kiosk of the MPP (or its
    /// staff); a phone's ticket (`web`) needs neither.
    pub async fn issue_ticket(&self, by: Caller<'_>, mpp_id: i64, input: &IssueInput) -> Result<(TicketView, String)> {
        let web = input.source.as_deref().map(str::trim) == Some(TicketSource::Web.as_str());
        if !web {
            crate::devices::require_kiosk(by.device, by.actor, mpp_id)?;
        }
        self.issue(mpp_id, input, None, true).await
    }

    /// A ticket for a checked-in booking: ordered by its slot time.
    pub(crate) async fn issue_from_booking(
        &self,
        mpp_id: i64,
        input: &IssueInput,
        slot: DateTime<Utc>,
    ) -> Result<(TicketView, String)> {
        self.issue(mpp_id, input, Some(slot), false).await
    }

    /// Issue a ticket. A walk-in (kiosk or phone) is held to its service's walk-in rule;
    /// a checked-in booking or a file's pickup never is.
    pub(crate) async fn issue(
        &self,
        mpp_id: i64,
        input: &IssueInput,
        booking_slot: Option<DateTime<Utc>>,
        walk_in: bool,
    ) -> Result<(TicketView, String)> {
        let service_id = match &input.service_id {
            Some(Ok(id)) => *id,
            Some(Err(_)) => return Err(Error::field("service_id", Invalid::Unknown)),
            None => return Err(Error::field("service_id", Invalid::Required)),
        };
        let priority = match input.priority.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
            None => None,
            Some(p) => Some(PriorityGroup::parse(p).ok_or_else(|| Error::field("priority", Invalid::NotAllowed))?),
        };
        let source = match input.source.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => TicketSource::Kiosk,
            Some(s) => match TicketSource::parse(s) {
                Some(src @ (TicketSource::Kiosk | TicketSource::Web)) => src,
                Some(TicketSource::Booking) if booking_slot.is_some() => TicketSource::Booking,
                _ => return Err(Error::field("source", Invalid::NotAllowed)),
            },
        };
        let request_key = match input.request_id.as_deref().map(str::trim).filter(|r| !r.is_empty()) {
            None => None,
            Some(r) if r.len() <= 64 && r.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') => {
                Some(r.to_string())
            }
            Some(_) => return Err(Error::field("request_id", Invalid::Format { hint: "hint-request-id" })),
        };
        let now = self.now();
        // Checks read outside the write transaction, which holds only the writes
        // (on SQLite every writer waits for it).
        let mut tx = self.store.read().await?;
        let (m, settings) = self.mpp_and_settings(&mut tx, mpp_id).await?;
        // A phone takes a walk-in number only where the MPP allows it (read with the rest of its settings).
        if walk_in && source == TicketSource::Web && !settings.remote_tickets {
            return Err(Error::refused(Refusal::RemoteTicketsOff));
        }
        if let Some(key) = &request_key
            && let Some(earlier) = tx.ticket_by_request(mpp_id, key).await?
        {
            let view = self.ticket_view(&mut tx, &earlier, mpp_tz(&m)).await?;
            return Ok((view, earlier.token));
        }
        let service =
            tx.service(service_id).await?.filter(|s| s.mpp_id == mpp_id && s.status.0 == ServiceStatus::Published);
        let Some(service) = service else {
            return Err(Error::field("service_id", Invalid::Unknown));
        };
        let (active, provider_prefix) = tx.provider_queue(service.provider_id).await?.ok_or(Error::NotFound)?;
        if !active || m.status.0 != satuatap_domain::catalog::MppStatus::Operating {
            return Err(Error::refused(Refusal::QueueClosed));
        }
        let tz = mpp_tz(&m);
        let day = local(now, tz).date();
        if !settings.allow_outside_hours {
            let closures: HashSet<NaiveDate> =
                tx.closures(Some(mpp_id), day, day).await?.into_iter().map(|h| h.date).collect();
            if !matches!(status_at(&m.hours.0, tz, now, &closures), OpenStatus::Open { .. }) {
                return Err(Error::refused(Refusal::QueueClosed));
            }
        }
        let rule = if walk_in { tx.walk_in_rule(service_id, day).await? } else { None };
        if let Some(last) = rule.as_ref().and_then(|r| r.last_ticket_at.as_deref())
            && local(now, tz).format("%H:%M").to_string().as_str() > last
        {
            return Err(Error::Refused { why: Refusal::WalkInClosed, args: vec![("time", last.to_string())] });
        }
        drop(tx);
        let prefix = service.queue_prefix.clone().unwrap_or(provider_prefix);
        let mut tx = self.store.begin().await?;
        // The quota is taken in the ticket's own transaction: refused, nothing is written.
        if let Some(quota) = rule.as_ref().and_then(|r| r.daily_quota)
            && !tx.take_walk_in(service_id, day, quota).await?
        {
            return Err(Error::Refused { why: Refusal::WalkInQuotaReached, args: vec![("quota", quota.to_string())] });
        }
        let number = tx.next_ticket_number(mpp_id, &prefix, day).await?;
        let token = crate::crypto::random_token(16)?;
        let new = NewTicket {
            mpp_id,
            provider_id: service.provider_id,
            service_id,
            day,
            code: ticket_code(&prefix, number, settings.number_width),
            prefix,
            number,
            token: token.clone(),
            priority: priority.map(|p| p.as_str().to_string()),
            source: source.as_str().to_string(),
            arrived_at: now,
            issued_at: now,
            queue_key: settings.queue_key(now, priority, booking_slot),
            target_counter_id: None,
            request_key: request_key.clone(),
        };
        let id = match tx.insert_ticket(&new).await {
            Ok(id) => id,
            // The same press arrived twice at once: hand back the ticket the other made.
            Err(e) if request_key.is_some() && e.violates(Constraint::TicketRequestKey) => {
                drop(tx);
                let mut r = self.store.read().await?;
                let earlier =
                    r.ticket_by_request(mpp_id, request_key.as_deref().unwrap_or_default()).await?.ok_or(e)?;
                let view = self.ticket_view(&mut r, &earlier, tz).await?;
                return Ok((view, earlier.token));
            }
            Err(e) => return Err(e.into()),
        };
        event(&mut tx, id, mpp_id, now, "issued", Some(service_id), None, None, priority.map(|p| p.as_str())).await?;
        tx.bump_queue_day(service_id, mpp_id, day, QueueCount::Issued, 1).await?;
        tx.bump_queue_hour(mpp_id, day, chrono::Timelike::hour(&local(now, tz)), 1).await?;
        if source == TicketSource::Booking {
            tx.bump_queue_day(service_id, mpp_id, day, QueueCount::FromBooking, 1).await?;
        }
        self.commit_and_publish(tx, vec![QueueEvent::new(mpp_id, "issued", Some(id), None)]).await?;
        let view = self.view_of(id, tz).await?;
        Ok((view, token))
    }

    // --- the visitor's phone ----------------------------------------------------------------

    async fn by_token(&self, tx: &mut Tx, token: &str) -> Result<(TicketRow, MppRow)> {
        let t = tx.ticket_by_token(token.trim()).await?.ok_or(Error::NotFound)?;
        let m = tx.mpp(t.mpp_id).await?.ok_or(Error::NotFound)?;
        Ok((t, m))
    }

    /// A ticket by its secret token (the QR code on the printed ticket).
    pub async fn ticket_by_token(&self, token: &str) -> Result<TicketView> {
        let mut tx = self.store.read().await?;
        let (t, m) = self.by_token(&mut tx, token).await?;
        self.ticket_view(&mut tx, &t, mpp_tz(&m)).await
    }

    /// "I need more time": once per ticket, a called ticket goes back to the
    /// queue a few minutes later.
    pub async fn ticket_more_time(&self, token: &str) -> Result<TicketView> {
        let now = self.now();
        let mut tx = self.store.begin().await?;
        let (t, m) = self.by_token(&mut tx, token).await?;
        let key = now + Duration::minutes(m.queue_settings.0.extra_time_minutes);
        if !tx.give_more_time(t.id, key).await? {
            return Err(Error::refused(Refusal::MoreTimeUnavailable));
        }
        event(&mut tx, t.id, t.mpp_id, now, "more_time", Some(t.service_id), t.counter_id, None, None).await?;
        let row = tx.ticket(t.id).await?.ok_or(Error::NotFound)?;
        let view = self.ticket_view(&mut tx, &row, mpp_tz(&m)).await?;
        self.commit_and_publish(tx, vec![QueueEvent::new(t.mpp_id, "more_time", Some(t.id), t.counter_id)]).await?;
        Ok(view)
    }

    /// The holder cancels a waiting or called ticket.
    pub async fn cancel_ticket(&self, token: &str) -> Result<TicketView> {
        let now = self.now();
        let mut tx = self.store.begin().await?;
        let (t, m) = self.by_token(&mut tx, token).await?;
        if !tx.transition_ticket(t.id, 0, Transition::Cancel, now, Some("dibatalkan pemegang tiket")).await? {
            return Err(Error::refused(Refusal::TicketNotCancellable));
        }
        event(&mut tx, t.id, t.mpp_id, now, "cancelled", Some(t.service_id), t.counter_id, None, None).await?;
        tx.bump_queue_day(t.service_id, t.mpp_id, t.day, QueueCount::Cancelled, 1).await?;
        let row = tx.ticket(t.id).await?.ok_or(Error::NotFound)?;
        let view = self.ticket_view(&mut tx, &row, mpp_tz(&m)).await?;
        self.commit_and_publish(tx, vec![QueueEvent::new(t.mpp_id, "cancelled", Some(t.id), t.counter_id)]).await?;
        Ok(view)
    }

    // --- boards and kiosks ----------------------------------------------------------------

    /// Waiting counts and estimates per service, for kiosks and boards.
    pub async fn queue_overview(&self, mpp_id: i64) -> Result<Vec<QueueLine>> {
        let mut tx = self.store.read().await?;
        let m = tx.mpp(mpp_id).await?.ok_or(Error::NotFound)?;
        let day = self.local_day(&m);
        self.queue_lines(&mut tx, &m, day).await
    }

    /// What a board of an MPP (optionally one zone) shows right now.
    pub async fn board_snapshot(&self, mpp_id: i64, zone: Option<&str>) -> Result<BoardSnapshot> {
        let mut tx = self.store.read().await?;
        let m = tx.mpp(mpp_id).await?.ok_or(Error::NotFound)?;
        let day = self.local_day(&m);
        let in_zone = |z: &Option<String>| zone.is_none_or(|want| z.as_deref() == Some(want));
        let serving = tx.tickets_of_day(mpp_id, day, &["called", "serving"], 50).await?;
        let now_serving = serving.iter().filter(|t| in_zone(&t.zone)).filter_map(call_of).collect();
        let done = tx.tickets_of_day(mpp_id, day, &["done"], 30).await?;
        let last_calls =
            done.iter().filter(|t| t.called_at.is_some() && in_zone(&t.zone)).filter_map(call_of).take(6).collect();
        let mut queues = self.queue_lines(&mut tx, &m, day).await?;
        let mut zones: Vec<String> = queues.iter().filter_map(|q| q.zone.clone()).collect();
        zones.sort();
        zones.dedup();
        queues.retain(|q| in_zone(&q.zone));
        Ok(BoardSnapshot {
            mpp_id,
            mpp_name: m.name.clone(),
            time_zone: m.time_zone.clone(),
            zone: zone.map(str::to_string),
            zones,
            now_serving,
            last_calls,
            queues,
            announcement: m.announcement.clone(),
            announcement_en: m.announcement_en.clone(),
            server_time: self.now(),
        })
    }

    /// The call a board announces for this ticket, if it is at a counter.
    pub async fn call_view(&self, ticket_id: i64) -> Result<Option<CallView>> {
        let mut tx = self.store.read().await?;
        Ok(tx.ticket(ticket_id).await?.as_ref().filter(|t| t.status.0 == TicketStatus::Called).and_then(call_of))
    }

    // --- the counter console -----------------------------------------------------------------

    async fn operable_counter(&self, tx: &mut Tx, actor: &Actor, counter_id: i64) -> Result<CounterRow> {
        let c = tx.counter(counter_id).await?.ok_or(Error::NotFound)?;
        if !can_operate(actor, &c) {
            return Err(if actor.is_staff_of(c.mpp_id) { Error::Forbidden } else { Error::NotFound });
        }
        if !c.active {
            return Err(Error::refused(Refusal::CounterInactive));
        }
        Ok(c)
    }

    /// The counters an actor may operate (an officer: their provider's).
    pub async fn my_counters(&self, actor: &Actor) -> Result<Vec<CounterRow>> {
        let mut tx = self.store.read().await?;
        let rows = match (actor.role, actor.mpp_id, actor.provider_id) {
            (Role::CounterOfficer | Role::ProviderAdmin, Some(_), Some(p)) => tx.counters(p).await?,
            (Role::MppManager, Some(m), _) => tx.counters_of_mpp(m).await?,
            (Role::NationalAdmin, _, _) => Vec::new(),
            _ => return Err(Error::Forbidden),
        };
        Ok(rows.into_iter().filter(|c| c.active && can_operate(actor, c)).collect())
    }

    /// Every counter of an MPP, for its staff (transfer targets, admin lists).
    pub async fn counters_of_mpp(&self, actor: &Actor, mpp_id: i64) -> Result<Vec<CounterRow>> {
        actor.require(actor.is_staff_of(mpp_id))?;
        let mut tx = self.store.read().await?;
        Ok(tx.counters_of_mpp(mpp_id).await?.into_iter().filter(|c| c.active).collect())
    }

    pub async fn console(&self, actor: &Actor, counter_id: i64) -> Result<ConsoleView> {
        let mut tx = self.store.read().await?;
        let c = self.operable_counter(&mut tx, actor, counter_id).await?;
        let m = tx.mpp(c.mpp_id).await?.ok_or(Error::NotFound)?;
        let tz = mpp_tz(&m);
        let day = local(self.now(), tz).date();
        let current = tx.counter_current_ticket(counter_id).await?;
        let (history, requirements, current_view) = match &current {
            Some(t) => {
                let history = tx.ticket_events(t.id).await?;
                let requirements =
                    tx.service(t.service_id).await?.map(|s| s.standard.0.requirements).unwrap_or_default();
                (history, requirements, Some(self.ticket_view(&mut tx, t, tz).await?))
            }
            None => (Vec::new(), Vec::new(), None),
        };
        let own: HashSet<i64> = tx.counter_service_ids(counter_id).await?.into_iter().collect();
        let mut queues = self.queue_lines(&mut tx, &m, day).await?;
        queues.retain(|q| if own.is_empty() { q.provider_id == c.provider_id } else { own.contains(&q.service_id) });
        let now = self.now();
        let (rows, waiting_total) =
            tx.callable_tickets(c.mpp_id, day, counter_id, c.provider_id, WAITING_SHOWN).await?;
        let waiting = rows
            .iter()
            .map(|t| WaitingTicket {
                id: t.id,
                code: t.code.clone(),
                service_id: t.service_id,
                service_name: t.service_name.clone(),
                priority: t.priority.clone(),
                source: t.source.clone(),
                issued_local: local(t.issued_at, tz).format("%H:%M").to_string(),
                waited_minutes: (now - t.issued_at).num_minutes().max(0),
                for_this_counter: t.target_counter_id == Some(counter_id),
            })
            .collect();
        Ok(ConsoleView {
            counter_id,
            counter_code: c.code.clone(),
            counter_name: c.name.clone(),
            provider_id: c.provider_id,
            provider_name: c.provider_name.clone(),
            state: c.state.0,
            officer_id: c.officer_id,
            current: current_view,
            history,
            requirements,
            queues,
            waiting,
            waiting_total,
            recalls_before_no_show: m.queue_settings.0.recalls_before_no_show,
        })
    }

    /// Open, pause or close a counter (the officer signs in at it when opening).
    pub async fn set_counter_state(&self, actor: &Actor, counter_id: i64, state: CounterState) -> Result<ConsoleView> {
        let now = self.now();
        let mut tx = self.store.begin().await?;
        let c = self.operable_counter(&mut tx, actor, counter_id).await?;
        if state == CounterState::Closed && tx.counter_current_ticket(counter_id).await?.is_some() {
            return Err(Error::refused(Refusal::TicketAtCounter));
        }
        let officer = (state != CounterState::Closed).then_some(actor.user_id).filter(|id| *id > 0);
        tx.set_counter_state(counter_id, state.as_str(), officer, now).await?;
        if c.state.0 != state {
            crate::audit::record(
                &mut tx,
                self,
                actor,
                crate::audit::Change::new(
                    Some(c.mpp_id),
                    "counter",
                    counter_id,
                    match state {
                        CounterState::Open => "counter_open",
                        CounterState::Paused => "counter_pause",
                        CounterState::Closed => "counter_close",
                    },
                ),
                Some(&serde_json::json!({"code": c.code, "state": c.state.0})),
                Some(&serde_json::json!({"code": c.code, "state": state})),
            )
            .await?;
        }
        self.commit_and_publish(tx, vec![QueueEvent::new(c.mpp_id, "counter", None, Some(counter_id))]).await?;
        self.console(actor, counter_id).await
    }

    /// Call the next ticket to this counter. Exactly one counter gets each ticket.
    pub async fn call_next(&self, actor: &Actor, counter_id: i64) -> Result<Option<TicketView>> {
        self.call(actor, counter_id, None).await
    }

    /// Call one waiting ticket out of turn (a visitor who stepped up, a
    /// colleague's request). Refused when another counter called it first or
    /// this counter may not serve it.
    pub async fn call_ticket(&self, actor: &Actor, counter_id: i64, ticket_id: i64) -> Result<TicketView> {
        self.call(actor, counter_id, Some(ticket_id)).await?.ok_or(Error::refused(Refusal::TicketNotWaiting))
    }

    async fn call(&self, actor: &Actor, counter_id: i64, ticket_id: Option<i64>) -> Result<Option<TicketView>> {
        let now = self.now();
        let mut r = self.store.read().await?;
        let c = self.operable_counter(&mut r, actor, counter_id).await?;
        if c.state.0 != CounterState::Open {
            return Err(Error::refused(Refusal::CounterNotOpen));
        }
        let m = r.mpp(c.mpp_id).await?.ok_or(Error::NotFound)?;
        drop(r);
        let tz = mpp_tz(&m);
        let day = local(now, tz).date();
        let mut tx = self.store.begin().await?;
        tx.lock_counter(counter_id).await?;
        if tx.counter_busy(counter_id).await? {
            return Err(Error::refused(Refusal::TicketAtCounter));
        }
        let Some(claimed) = tx.claim(c.mpp_id, day, counter_id, c.provider_id, actor.user_id, now, ticket_id).await?
        else {
            return Ok(None);
        };
        let (id, service_id) = (claimed.id, claimed.service_id);
        // The dashboards' rollups: one more call, and how long this visitor waited.
        tx.bump_queue_day(service_id, c.mpp_id, claimed.day, QueueCount::Called, 1).await?;
        let waited = (now - claimed.issued_at).num_seconds().max(0) as f64 / 60.0;
        tx.add_queue_time(service_id, c.mpp_id, claimed.day, TimeKind::Wait, waited).await?;
        if let Some(officer) = actor.audit_id() {
            tx.add_staff_time(c.mpp_id, claimed.day, counter_id, officer, TimeKind::Wait, waited).await?;
        }
        event(&mut tx, id, c.mpp_id, now, "called", Some(service_id), Some(counter_id), Some(actor.user_id), None)
            .await?;
        self.commit_and_publish(tx, vec![QueueEvent::new(c.mpp_id, "called", Some(id), Some(counter_id))]).await?;
        Ok(Some(self.view_of(id, tz).await?))
    }

    /// Recall, start, finish, no-show or return the ticket at this counter.
    pub async fn ticket_action(
        &self,
        actor: &Actor,
        counter_id: i64,
        ticket_id: i64,
        action: &str,
        finish: Option<&FinishInput>,
    ) -> Result<TicketView> {
        let now = self.now();
        let mut r = self.store.read().await?;
        let c = self.operable_counter(&mut r, actor, counter_id).await?;
        let t = r.ticket(ticket_id).await?.filter(|t| t.mpp_id == c.mpp_id).ok_or(Error::NotFound)?;
        let m = r.mpp(c.mpp_id).await?.ok_or(Error::NotFound)?;
        drop(r);
        let reason = finish.and_then(|f| f.reason.as_deref()).map(str::trim).filter(|r| !r.is_empty());
        if reason.is_some_and(|r| r.chars().count() > 300) {
            return Err(Error::field("reason", Invalid::TooLong { max: 300 }));
        }
        let (transition, kind) = match action {
            "recall" => (Transition::Recall, "recalled"),
            "start" => (Transition::Start, "started"),
            "finish" => {
                let served = finish.is_none_or(|f| f.served);
                if !served && reason.is_none() {
                    return Err(Error::Invalid(vec![FieldError::new("reason", Invalid::Required)]));
                }
                (Transition::Finish { served }, if served { "finished" } else { "not_served" })
            }
            "no-show" => {
                if t.recalls < m.queue_settings.0.recalls_before_no_show {
                    return Err(Error::refused(Refusal::RecallFirst));
                }
                (Transition::NoShow, "no_show")
            }
            "return" => (Transition::ReturnToQueue, "returned"),
            _ => return Err(Error::NotFound),
        };
        let mut tx = self.store.begin().await?;
        if !tx.transition_ticket(ticket_id, counter_id, transition, now, reason).await? {
            return Err(Error::refused(Refusal::TicketMoved));
        }
        if kind == "finished" {
            // The survey's population: people served, per service and day.
            tx.count_served(t.service_id, t.day, t.mpp_id, t.provider_id).await?;
        }
        match kind {
            "finished" | "not_served" => {
                let what = if kind == "finished" { QueueCount::Served } else { QueueCount::NotServed };
                tx.bump_queue_day(t.service_id, t.mpp_id, t.day, what, 1).await?;
                let from = t.started_at.or(t.called_at).unwrap_or(now);
                let minutes = (now - from).num_seconds().max(0) as f64 / 60.0;
                tx.add_queue_time(t.service_id, t.mpp_id, t.day, TimeKind::Service, minutes).await?;
                // Per counter and officer: only what was served (people served per officer).
                if let (true, Some(officer)) = (kind == "finished", actor.audit_id()) {
                    tx.add_staff_time(t.mpp_id, t.day, counter_id, officer, TimeKind::Service, minutes).await?;
                }
            }
            "no_show" => tx.bump_queue_day(t.service_id, t.mpp_id, t.day, QueueCount::NoShow, 1).await?,
            _ => {}
        }
        event(
            &mut tx,
            ticket_id,
            c.mpp_id,
            now,
            kind,
            Some(t.service_id),
            Some(counter_id),
            Some(actor.user_id),
            reason,
        )
        .await?;
        // An officer's decision against a visitor is in the audit log too (calls and finishes stay
        // in the ticket's own timeline: they are the day's routine, thousands a day).
        if matches!(kind, "no_show" | "not_served") {
            crate::audit::record(
                &mut tx,
                self,
                actor,
                crate::audit::Change::new(Some(c.mpp_id), "ticket", ticket_id, kind),
                None::<&()>,
                Some(&serde_json::json!({"code": t.code, "counter": c.code, "reason": reason})),
            )
            .await?;
        }
        self.commit_and_publish(tx, vec![QueueEvent::new(c.mpp_id, kind, Some(ticket_id), Some(counter_id))]).await?;
        if kind == "finished" {
            self.averages.forget(t.service_id);
        }
        self.view_of(ticket_id, mpp_tz(&m)).await
    }

    /// Send a ticket on to another service (of any provider of the MPP) and
    /// optionally one counter. It keeps its original arrival unless told otherwise.
    pub async fn transfer_ticket(
        &self,
        actor: &Actor,
        counter_id: i64,
        ticket_id: i64,
        input: &TransferInput,
    ) -> Result<TicketView> {
        let now = self.now();
        let mut tx = self.store.begin().await?;
        let c = self.operable_counter(&mut tx, actor, counter_id).await?;
        let t = tx.ticket(ticket_id).await?.filter(|t| t.mpp_id == c.mpp_id).ok_or(Error::NotFound)?;
        let m = tx.mpp(c.mpp_id).await?.ok_or(Error::NotFound)?;
        let service = match &input.service_id {
            Some(Ok(id)) => {
                tx.service(*id).await?.filter(|s| s.mpp_id == c.mpp_id && s.status.0 == ServiceStatus::Published)
            }
            _ => None,
        }
        .ok_or_else(|| Error::field("service_id", Invalid::Unknown))?;
        let target = match &input.counter_id {
            None => None,
            Some(Ok(id)) => Some(
                // The counter must call the target service: one of that service's provider.
                tx.counter(*id)
                    .await?
                    .filter(|k| k.mpp_id == c.mpp_id && k.provider_id == service.provider_id && k.active)
                    .ok_or_else(|| Error::field("counter_id", Invalid::Unknown))?
                    .id,
            ),
            Some(Err(_)) => return Err(Error::field("counter_id", Invalid::Unknown)),
        };
        let settings = &m.queue_settings.0;
        let priority = t.priority.as_deref().and_then(PriorityGroup::parse);
        let arrived = if input.reset_arrival { now } else { t.arrived_at };
        let key = settings.queue_key(arrived, priority, None);
        if !tx.transfer_ticket(ticket_id, counter_id, service.id, service.provider_id, target, key).await? {
            return Err(Error::refused(Refusal::TicketMoved));
        }
        let note = format!("→ {}", service.name);
        event(
            &mut tx,
            ticket_id,
            c.mpp_id,
            now,
            "transferred",
            Some(service.id),
            Some(counter_id),
            Some(actor.user_id),
            Some(&note),
        )
        .await?;
        let row = tx.ticket(ticket_id).await?.ok_or(Error::NotFound)?;
        let view = self.ticket_view(&mut tx, &row, mpp_tz(&m)).await?;
        self.commit_and_publish(tx, vec![QueueEvent::new(c.mpp_id, "transferred", Some(ticket_id), Some(counter_id))])
            .await?;
        Ok(view)
    }

    /// A ticket's timeline, for staff of its MPP.
    pub async fn ticket_history(&self, actor: &Actor, ticket_id: i64) -> Result<Vec<TicketEventRow>> {
        let mut tx = self.store.read().await?;
        let t = tx.ticket(ticket_id).await?.ok_or(Error::NotFound)?;
        if !actor.is_staff_of(t.mpp_id) {
            return Err(Error::NotFound);
        }
        Ok(tx.ticket_events(ticket_id).await?)
    }

    // --- closing the day --------------------------------------------------------------------

    /// Close the day's leftover tickets of every MPP whose day has ended, as not
    /// served with a reason. Idempotent; run every minute. Returns how many closed.
    pub async fn close_due(&self) -> Result<u64> {
        let now = self.now();
        let mpps = self.mpps(&Default::default()).await?;
        let mut closed = 0;
        for m in mpps {
            let tz = mpp_tz(&m);
            let local_now = local(now, tz);
            let today = local_now.date();
            let last_close = m.hours.0.day(chrono::Datelike::weekday(&today)).last().map(|r| r.close);
            let today_over =
                !m.queue_settings.0.allow_outside_hours && last_close.is_none_or(|c| local_now.time() >= c);
            let through = if today_over { today } else { today - Duration::days(1) };
            if m.closed_through.is_some_and(|d| d >= through) {
                continue;
            }
            let mut tx = self.store.begin().await?;
            let n = tx.close_open_tickets(m.id, through, now, "layanan hari ini telah tutup").await?;
            self.close_bookings(&mut tx, m.id, through).await?;
            tx.set_closed_through(m.id, through).await?;
            if n > 0 {
                tracing::info!(mpp = m.id, through = %through, tickets = n, "closed the day's leftover tickets");
            }
            let events = if n > 0 { vec![QueueEvent::new(m.id, "closed", None, None)] } else { Vec::new() };
            self.commit_and_publish(tx, events).await?;
            closed += n;
        }
        Ok(closed)
    }
}

#[allow(clippy::too_many_arguments)]
async fn event(
    tx: &mut Tx,
    ticket_id: i64,
    mpp_id: i64,
    at: DateTime<Utc>,
    kind: &str,
    service_id: Option<i64>,
    counter_id: Option<i64>,
    officer_id: Option<i64>,
    note: Option<&str>,
) -> Result<()> {
    tx.insert_ticket_event(&NewTicketEvent {
        ticket_id,
        mpp_id,
        at,
        kind,
        service_id,
        counter_id,
        officer_id: officer_id.filter(|id| *id > 0),
        note,
    })
    .await?;
    Ok(())
}

/// A service's walk-in rule, as a form or the API submits it.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct WalkInInput {
    /// Walk-in numbers (kiosk and phone) a day; empty for no limit.
    #[serde(default, deserialize_with = "loose")]
    #[schema(value_type = Option<i64>)]
    pub daily_quota: Loose<i64>,
    /// The last local time a walk-in number is given (`HH:MM`); empty for closing time.
    #[serde(default)]
    pub last_ticket_at: Option<String>,
}

/// A service's walk-in rule and today's use of it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct WalkInView {
    pub service_id: i64,
    pub daily_quota: Option<i64>,
    pub last_ticket_at: Option<String>,
    /// Walk-in numbers taken today under the quota.
    pub issued_today: i64,
}

impl App {
    /// Tickets issued per service over the last 30 days (the kiosk lists the most used first).
    pub async fn service_popularity(&self, mpp_id: i64) -> Result<std::collections::HashMap<i64, i64>> {
        let mut tx = self.store.read().await?;
        let m = tx.mpp(mpp_id).await?.ok_or(Error::NotFound)?;
        let today = self.local_day(&m);
        Ok(tx.issued_per_service(mpp_id, today - Duration::days(30), today).await?.into_iter().collect())
    }

    /// A service's walk-in rule (public: the kiosk and the service page show it).
    pub async fn walk_in_rule(&self, service_id: i64) -> Result<WalkInView> {
        let mut tx = self.store.read().await?;
        let s = tx.service(service_id).await?.ok_or(Error::NotFound)?;
        let m = tx.mpp(s.mpp_id).await?.ok_or(Error::NotFound)?;
        let day = self.local_day(&m);
        let r = tx.walk_in_rule(service_id, day).await?;
        Ok(WalkInView {
            service_id,
            daily_quota: r.as_ref().and_then(|r| r.daily_quota),
            last_ticket_at: r.as_ref().and_then(|r| r.last_ticket_at.clone()),
            issued_today: r.map_or(0, |r| r.issued),
        })
    }

    /// Set a service's walk-in rule (its provider's admin or the MPP's manager).
    pub async fn set_walk_in_rule(&self, actor: &Actor, service_id: i64, input: &WalkInInput) -> Result<WalkInView> {
        let (s, m) = {
            let mut tx = self.store.read().await?;
            let s = tx.service(service_id).await?.ok_or(Error::NotFound)?;
            let m = tx.mpp(s.mpp_id).await?.ok_or(Error::NotFound)?;
            (s, m)
        };
        actor.require(actor.manages_provider(s.mpp_id, s.provider_id))?;
        let mut c = satuatap_domain::validate::Checker::new();
        let quota = match &input.daily_quota {
            Some(Ok(n)) => Some(c.range("daily_quota", *n, 1, 10_000)),
            Some(Err(_)) => {
                c.push("daily_quota", Invalid::OutOfRange { min: 1, max: 10_000 });
                None
            }
            None => None,
        };
        let last = match input.last_ticket_at.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
            Some(t) => match satuatap_domain::hours::parse_time(t) {
                Some(t) => Some(t.format("%H:%M").to_string()),
                None => {
                    c.push("last_ticket_at", Invalid::Format { hint: "hint-time" });
                    None
                }
            },
            None => None,
        };
        c.finish(()).map_err(Error::Invalid)?;
        let before = self.walk_in_rule(service_id).await?;
        let now = self.now();
        let mut tx = self.store.begin().await?;
        tx.set_walk_in_rule(service_id, s.mpp_id, quota, last.as_deref(), self.local_day(&m), now).await?;
        crate::audit::record(
            &mut tx,
            self,
            actor,
            crate::audit::Change::new(Some(s.mpp_id), "service", service_id, "walk_in_rule"),
            Some(&serde_json::json!({"daily_quota": before.daily_quota, "last_ticket_at": before.last_ticket_at})),
            Some(&serde_json::json!({"daily_quota": quota, "last_ticket_at": last})),
        )
        .await?;
        self.commit_and_publish(tx, vec![QueueEvent::new(s.mpp_id, "walk_in_rule", None, None)]).await?;
        self.walk_in_rule(service_id).await
    }
}

/// A manager's queue policy and board announcement.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct QueueSettingsInput {
    #[serde(default, deserialize_with = "loose")]
    #[schema(value_type = Option<i64>)]
    pub priority_lead_minutes: Loose<i64>,
    #[serde(default, deserialize_with = "loose")]
    #[schema(value_type = Option<i64>)]
    pub booking_lead_minutes: Loose<i64>,
    #[serde(default, deserialize_with = "loose")]
    #[schema(value_type = Option<i64>)]
    pub recalls_before_no_show: Loose<i64>,
    #[serde(default, deserialize_with = "loose")]
    #[schema(value_type = Option<i64>)]
    pub extra_time_minutes: Loose<i64>,
    #[serde(default, deserialize_with = "flag")]
    pub allow_outside_hours: bool,
    /// Phones may take walk-in numbers from the MPP's page.
    #[serde(default, deserialize_with = "flag")]
    pub remote_tickets: bool,
    /// Message visitors who left a phone number when this many people are ahead (0: never).
    #[serde(default, deserialize_with = "loose")]
    #[schema(value_type = Option<i64>)]
    pub near_turn_ahead: Loose<i64>,
    /// Bookings a NIK may miss within `no_show_days` before it may not book (0: no limit).
    #[serde(default, deserialize_with = "loose")]
    #[schema(value_type = Option<i64>)]
    pub no_show_limit: Loose<i64>,
    #[serde(default, deserialize_with = "loose")]
    #[schema(value_type = Option<i64>)]
    pub no_show_days: Loose<i64>,
    /// The running text on the display boards.
    #[serde(default)]
    pub announcement: Option<String>,
    #[serde(default)]
    pub announcement_en: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct CounterServicesInput {
    /// Services this counter calls; empty: every service of its provider.
    #[serde(default)]
    pub service_ids: Vec<i64>,
}

/// An MPP's queue policy and board announcement: what `set_queue_settings` accepts.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct QueueSettingsView {
    #[serde(flatten)]
    pub settings: QueueSettings,
    pub announcement: Option<String>,
    pub announcement_en: Option<String>,
}

impl App {
    /// An MPP's queue policy (its staff).
    pub async fn queue_settings(&self, actor: &Actor, mpp_id: i64) -> Result<QueueSettingsView> {
        actor.require(actor.is_staff_of(mpp_id))?;
        let mut tx = self.store.read().await?;
        let m = tx.mpp(mpp_id).await?.ok_or(Error::NotFound)?;
        Ok(QueueSettingsView {
            settings: m.queue_settings.0.clone(),
            announcement: m.announcement.clone(),
            announcement_en: m.announcement_en.clone(),
        })
    }

    /// Set an MPP's queue policy and board announcement (its manager).
    pub async fn set_queue_settings(
        &self,
        actor: &Actor,
        mpp_id: i64,
        input: &QueueSettingsInput,
    ) -> Result<QueueSettingsView> {
        actor.require(actor.manages_mpp(mpp_id))?;
        let mut c = satuatap_domain::validate::Checker::new();
        let num =
            |c: &mut satuatap_domain::validate::Checker, field: &str, v: &Loose<i64>, default: i64, max: i64| match v {
                None => default,
                Some(Ok(n)) => c.range(field, *n, 0, max),
                Some(Err(_)) => {
                    c.push(field, Invalid::Format { hint: "hint-number" });
                    default
                }
            };
        let d = QueueSettings::default();
        let settings = QueueSettings {
            priority_lead_minutes: num(
                &mut c,
                "priority_lead_minutes",
                &input.priority_lead_minutes,
                d.priority_lead_minutes,
                240,
            ),
            booking_lead_minutes: num(
                &mut c,
                "booking_lead_minutes",
                &input.booking_lead_minutes,
                d.booking_lead_minutes,
                240,
            ),
            recalls_before_no_show: num(
                &mut c,
                "recalls_before_no_show",
                &input.recalls_before_no_show,
                d.recalls_before_no_show,
                10,
            ),
            extra_time_minutes: num(&mut c, "extra_time_minutes", &input.extra_time_minutes, d.extra_time_minutes, 120),
            number_width: d.number_width,
            allow_outside_hours: input.allow_outside_hours,
            remote_tickets: input.remote_tickets,
            near_turn_ahead: num(&mut c, "near_turn_ahead", &input.near_turn_ahead, d.near_turn_ahead, 20),
            no_show_limit: num(&mut c, "no_show_limit", &input.no_show_limit, d.no_show_limit, 100),
            no_show_days: num(&mut c, "no_show_days", &input.no_show_days, d.no_show_days, 365).max(1),
        };
        let announcement = c.opt_text("announcement", input.announcement.as_deref(), 500);
        let announcement_en = c.opt_text("announcement_en", input.announcement_en.as_deref(), 500);
        c.finish(()).map_err(Error::Invalid)?;
        let mut tx = self.store.begin().await?;
        let before = tx.mpp(mpp_id).await?.ok_or(Error::NotFound)?;
        tx.set_mpp_queue(mpp_id, &settings.to_json(), announcement.as_deref(), announcement_en.as_deref(), self.now())
            .await?;
        crate::audit::record(
            &mut tx,
            self,
            actor,
            crate::audit::Change::new(Some(mpp_id), "mpp", mpp_id, "queue_settings"),
            Some(&serde_json::json!({"settings": before.queue_settings.0, "announcement": before.announcement})),
            Some(&serde_json::json!({"settings": settings, "announcement": announcement})),
        )
        .await?;
        self.commit_and_publish(tx, vec![QueueEvent::new(mpp_id, "board", None, None)]).await?;
        Ok(QueueSettingsView { settings, announcement, announcement_en })
    }

    /// Choose the services a counter calls.
    pub async fn set_counter_services(
        &self,
        actor: &Actor,
        counter_id: i64,
        input: &CounterServicesInput,
    ) -> Result<Vec<i64>> {
        let mut tx = self.store.begin().await?;
        let c = tx.counter(counter_id).await?.ok_or(Error::NotFound)?;
        actor.require(actor.manages_provider(c.mpp_id, c.provider_id))?;
        let mut ids = input.service_ids.clone();
        ids.sort_unstable();
        ids.dedup();
        // A counter calls only its own provider's services: another provider's
        // queue is not this provider's to take.
        for id in &ids {
            if tx.service(*id).await?.is_none_or(|s| s.mpp_id != c.mpp_id || s.provider_id != c.provider_id) {
                return Err(Error::field("service_ids", Invalid::NotAllowed));
            }
        }
        let before = tx.counter_service_ids(counter_id).await?;
        tx.set_counter_services(counter_id, c.mpp_id, &ids).await?;
        crate::audit::record(
            &mut tx,
            self,
            actor,
            crate::audit::Change::new(Some(c.mpp_id), "counter", counter_id, "services"),
            Some(&before),
            Some(&ids),
        )
        .await?;
        self.commit_and_publish(tx, vec![QueueEvent::new(c.mpp_id, "counter", None, Some(counter_id))]).await?;
        Ok(ids)
    }

    /// A counter, for someone who manages its provider.
    pub async fn managed_counter(&self, actor: &Actor, counter_id: i64) -> Result<CounterRow> {
        let mut tx = self.store.read().await?;
        let c = tx.counter(counter_id).await?.ok_or(Error::NotFound)?;
        actor.require(actor.manages_provider(c.mpp_id, c.provider_id))?;
        Ok(c)
    }

    pub async fn counter_services(&self, actor: &Actor, counter_id: i64) -> Result<Vec<i64>> {
        let mut tx = self.store.read().await?;
        let c = tx.counter(counter_id).await?.ok_or(Error::NotFound)?;
        actor.require(actor.is_staff_of(c.mpp_id))?;
        Ok(tx.counter_service_ids(counter_id).await?)
    }
}
