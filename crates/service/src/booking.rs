//! Online booking: each service's rules and slots, booking with the database
//! deciding capacity, managing a booking by code and NIK, check-in at the kiosk,
//! lists for providers, and no-shows.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use chrono_tz::Tz;
use satuatap_domain::booking::{
    BookingRules, BookingStatus, CheckIn, Nik, NikError, booking_code, mask_email, mask_phone, normalize_code,
    parse_phone,
};
use satuatap_domain::catalog::ServiceStatus;
use satuatap_domain::validate::Checker;
use satuatap_domain::{FieldError, Invalid};
use satuatap_store::stats::QueueCount;
use satuatap_store::{BookingRow, Constraint, NewBooking, SlotRow, Tx};
use serde::{Deserialize, Serialize};

use crate::events::QueueEvent;
use crate::input::{Loose, flag, loose};
use crate::outbox::Recipient;
use crate::queue::{Caller, IssueInput, TicketView, mpp_tz};
use crate::{Actor, App, Error, Refusal, Result, audit};

/// The district of registration in a NIK (`327101…` → `32.71.01`).
pub fn nik_district(nik: &str) -> Option<String> {
    let d: Vec<char> = nik.chars().take(6).collect();
    (d.len() == 6 && d.iter().all(char::is_ascii_digit))
        .then(|| format!("{}{}.{}{}.{}{}", d[0], d[1], d[2], d[3], d[4], d[5]))
}

/// How long availability is served from memory before it is read again
/// (a booking on this node clears it at once; other nodes within this time).
const AVAILABILITY_TTL: std::time::Duration = std::time::Duration::from_secs(2);

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct BookingRulesInput {
    #[serde(default, deserialize_with = "loose")]
    #[schema(value_type = Option<i64>)]
    pub slot_minutes: Loose<i64>,
    #[serde(default, deserialize_with = "loose")]
    #[schema(value_type = Option<i64>)]
    pub capacity_per_slot: Loose<i64>,
    /// A day's quota split over its slots (instead of a capacity per slot).
    #[serde(default, deserialize_with = "loose")]
    #[schema(value_type = Option<i64>)]
    pub daily_quota: Loose<i64>,
    #[serde(default, deserialize_with = "loose")]
    #[schema(value_type = Option<i64>)]
    pub days_ahead: Loose<i64>,
    /// Local time each day's quota opens, `HH:MM`.
    #[serde(default)]
    pub opens_at: Option<String>,
    #[serde(default = "yes", deserialize_with = "flag")]
    pub one_per_nik: bool,
    #[serde(default, deserialize_with = "loose")]
    #[schema(value_type = Option<i64>)]
    pub check_in_before_minutes: Loose<i64>,
    #[serde(default, deserialize_with = "loose")]
    #[schema(value_type = Option<i64>)]
    pub check_in_after_minutes: Loose<i64>,
}

fn yes() -> bool {
    true
}

impl Default for BookingRulesInput {
    /// Every field at the rules' defaults.
    fn default() -> Self {
        BookingRulesInput::from_rules(&BookingRules::default())
    }
}

impl BookingRulesInput {
    pub fn from_rules(r: &BookingRules) -> BookingRulesInput {
        BookingRulesInput {
            slot_minutes: Some(Ok(r.slot_minutes)),
            capacity_per_slot: Some(Ok(r.capacity_per_slot)),
            daily_quota: r.daily_quota.map(Ok),
            days_ahead: Some(Ok(r.days_ahead)),
            opens_at: Some(r.opens_at.format("%H:%M").to_string()),
            one_per_nik: r.one_per_nik,
            check_in_before_minutes: Some(Ok(r.check_in_before_minutes)),
            check_in_after_minutes: Some(Ok(r.check_in_after_minutes)),
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[schema(example = json!({"slot_id": 1201, "name": "Budi Santoso", "nik": "3271051205850001",
    "phone": "0812 3456 7890", "request_id": "a3f1c9e2-book"}))]
pub struct BookingInput {
    #[serde(default, deserialize_with = "loose")]
    #[schema(value_type = i64)]
    pub slot_id: Loose<i64>,
    #[serde(default)]
    pub name: String,
    /// The 16-digit NIK of the person who will come.
    #[serde(default)]
    pub nik: String,
    /// A phone number or an e-mail address is required (for the confirmation and reminder).
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    /// Makes a retried or double-clicked submission return the same booking.
    #[serde(default)]
    pub request_id: Option<String>,
}

/// A booking as its holder sees it (personal data masked).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct BookingView {
    pub code: String,
    pub status: BookingStatus,
    pub mpp_id: i64,
    pub mpp_slug: String,
    pub mpp_name: String,
    pub service_id: i64,
    pub service_code: String,
    pub service_name: String,
    pub service_name_en: Option<String>,
    pub provider_name: String,
    pub slot_id: i64,
    pub day: NaiveDate,
    pub starts_at: DateTime<Utc>,
    /// Slot start and end in the MPP's zone, `HH:MM`.
    pub starts_local: String,
    pub ends_local: String,
    pub time_zone: String,
    pub nik_masked: String,
    pub phone_masked: Option<String>,
    pub email_masked: Option<String>,
    /// Local time check-in at the kiosk opens and closes.
    pub check_in_from: String,
    pub check_in_until: String,
    pub ticket_id: Option<i64>,
}

/// The queue ticket a booking became at check-in (the API answers with its own
/// `CheckedIn`, which adds the ticket page's address).
#[derive(Debug, Clone, Serialize)]
pub struct CheckedIn {
    pub ticket: TicketView,
    pub token: String,
    /// The booked slot's start, local `HH:MM`.
    pub booked_local: String,
}

/// One slot on the booking page.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SlotView {
    pub id: i64,
    pub starts_local: String,
    pub ends_local: String,
    pub capacity: i64,
    pub left: i64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DayView {
    pub day: NaiveDate,
    /// Whether this day's quota is open now.
    pub open: bool,
    /// When it opens (local `YYYY-MM-DD HH:MM`), while it has not.
    pub opens_local: Option<String>,
    pub slots: Vec<SlotView>,
}

/// A service's bookable days, as cached for the rush.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Availability {
    pub service_id: i64,
    pub mpp_id: i64,
    pub time_zone: String,
    pub days: Vec<DayView>,
    pub generated_at: DateTime<Utc>,
}

/// A booking in a provider's day list (staff only; NIK and phone masked).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct BookingListRow {
    pub id: i64,
    pub code: String,
    pub status: BookingStatus,
    pub starts_local: String,
    pub service_id: i64,
    pub service_code: String,
    pub service_name: String,
    pub provider_id: i64,
    pub name: String,
    pub nik_masked: String,
    pub phone_masked: Option<String>,
    pub email_masked: Option<String>,
    pub ticket_id: Option<i64>,
}

/// Personal data of a booking in full (every reveal is audited).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RevealedBooking {
    pub code: String,
    pub name: String,
    pub nik: String,
    pub phone: Option<String>,
    pub email: Option<String>,
}

#[derive(Clone, Default)]
pub struct AvailabilityCache(Arc<Mutex<Cached>>);

/// Service id → (when read, what was read).
type Cached = HashMap<i64, (std::time::Instant, Arc<Availability>)>;

impl AvailabilityCache {
    fn get(&self, service_id: i64) -> Option<Arc<Availability>> {
        let map = self.0.lock().ok()?;
        map.get(&service_id).filter(|(at, _)| at.elapsed() < AVAILABILITY_TTL).map(|(_, a)| a.clone())
    }

    fn put(&self, service_id: i64, a: Arc<Availability>) {
        if let Ok(mut map) = self.0.lock() {
            map.insert(service_id, (std::time::Instant::now(), a));
        }
    }

    pub fn forget(&self, service_id: i64) {
        if let Ok(mut map) = self.0.lock() {
            map.remove(&service_id);
        }
    }
}

pub(crate) fn hhmm(at: DateTime<Utc>, tz: Tz) -> String {
    at.with_timezone(&tz).format("%H:%M").to_string()
}

fn parse_rules(input: &BookingRulesInput) -> Result<BookingRules> {
    let d = BookingRules::default();
    let mut c = Checker::new();
    let num = |c: &mut Checker, field: &str, v: &Loose<i64>, default: i64, min: i64, max: i64| match v {
        None => default,
        Some(Ok(n)) => c.range(field, *n, min, max),
        Some(Err(_)) => {
            c.push(field, Invalid::Format { hint: "hint-number" });
            default
        }
    };
    let slot_minutes = num(&mut c, "slot_minutes", &input.slot_minutes, d.slot_minutes, 5, 240);
    let capacity_per_slot = num(&mut c, "capacity_per_slot", &input.capacity_per_slot, d.capacity_per_slot, 0, 1000);
    let daily_quota = match &input.daily_quota {
        None => None,
        Some(Ok(n)) => Some(c.range("daily_quota", *n, 0, 100_000)),
        Some(Err(_)) => {
            c.push("daily_quota", Invalid::Format { hint: "hint-number" });
            None
        }
    };
    let days_ahead = num(&mut c, "days_ahead", &input.days_ahead, d.days_ahead, 0, 90);
    let opens_at = match input.opens_at.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => d.opens_at,
        Some(t) => NaiveTime::parse_from_str(&t.replace('.', ":"), "%H:%M").unwrap_or_else(|_| {
            c.push("opens_at", Invalid::Format { hint: "hint-time" });
            d.opens_at
        }),
    };
    let before =
        num(&mut c, "check_in_before_minutes", &input.check_in_before_minutes, d.check_in_before_minutes, 0, 240);
    let after = num(&mut c, "check_in_after_minutes", &input.check_in_after_minutes, d.check_in_after_minutes, 0, 240);
    c.finish(BookingRules {
        slot_minutes,
        capacity_per_slot,
        daily_quota,
        days_ahead,
        opens_at,
        one_per_nik: input.one_per_nik,
        check_in_before_minutes: before,
        check_in_after_minutes: after,
    })
    .map_err(Error::Invalid)
}

fn nik_error(e: NikError) -> FieldError {
    let hint = match e {
        NikError::Shape => "hint-nik-shape",
        NikError::Province => "hint-nik-region",
        NikError::BirthDate => "hint-nik-birth",
        NikError::Serial => "hint-nik-serial",
    };
    FieldError::new("nik", Invalid::Format { hint })
}

impl App {
    fn rules_of(json: &str) -> BookingRules {
        serde_json::from_str(json).unwrap_or_default()
    }

    /// A service's booking rules, if it offers bookings.
    pub async fn booking_rules(&self, service_id: i64) -> Result<Option<BookingRules>> {
        let mut tx = self.store.read().await?;
        Ok(tx.booking_rules(service_id).await?.map(|j| Self::rules_of(&j)))
    }

    /// Set a service's booking rules (its provider admin, or the MPP manager).
    /// Capacity may not drop below what is already booked in any future slot.
    pub async fn set_booking_rules(
        &self,
        actor: &Actor,
        service_id: i64,
        input: &BookingRulesInput,
    ) -> Result<BookingRules> {
        let rules = parse_rules(input)?;
        let now = self.now();
        let mut r = self.store.read().await?;
        let service = r.service(service_id).await?.ok_or(Error::NotFound)?;
        actor.require(actor.manages_provider(service.mpp_id, service.provider_id))?;
        // Group sessions get their seats one session at a time, never from a weekly pattern.
        if r.service_oss_role(service_id).await?.as_deref() == Some("session") {
            return Err(Error::refused(Refusal::OssSessionRules));
        }
        let m = r.mpp(service.mpp_id).await?.ok_or(Error::NotFound)?;
        let before = r.booking_rules(service_id).await?;
        drop(r);
        let tz = mpp_tz(&m);
        let today = now.with_timezone(&tz).date_naive();
        let mut tx = self.store.begin().await?;
        // The rules row first: it holds off slot creation from the old rules.
        tx.set_booking_rules(service_id, service.mpp_id, &serde_json::to_string(&rules).unwrap_or_default(), now)
            .await?;
        tx.lock_booking_rules(service_id).await?;
        // Planned capacity of every future slot that exists; refuse before changing anything.
        let existing = tx.slots(service_id, today, today + Duration::days(120)).await?;
        let closed: HashSet<NaiveDate> = tx
            .closures(Some(service.mpp_id), today, today + Duration::days(120))
            .await?
            .into_iter()
            .map(|h| h.date)
            .collect();
        let mut plan: HashMap<DateTime<Utc>, i64> = HashMap::new();
        for day in existing.iter().map(|s| s.day).collect::<HashSet<_>>() {
            for p in rules.slots(&m.hours.0, &closed, tz, day) {
                plan.insert(p.starts_at, p.capacity);
            }
        }
        let mut errs = Vec::new();
        for s in existing.iter().filter(|s| s.starts_at > now) {
            let new_cap = plan.get(&s.starts_at).copied().unwrap_or(0);
            if s.booked > new_cap {
                errs.push((s.starts_at, s.booked, new_cap));
            }
        }
        if let Some((at, booked, _)) = errs.first() {
            let field = if rules.daily_quota.is_some() { "daily_quota" } else { "capacity_per_slot" };
            return Err(Error::Refused {
                why: Refusal::CapacityBelowBooked,
                args: vec![
                    ("field", field.to_string()),
                    ("slots", errs.len().to_string()),
                    ("when", at.with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string()),
                    ("booked", booked.to_string()),
                ],
            });
        }
        for s in existing.iter().filter(|s| s.starts_at > now) {
            if let Some(cap) = plan.get(&s.starts_at)
                && *cap != s.capacity
            {
                tx.set_slot_capacity(s.id, *cap).await?;
            }
        }
        // Slots no longer in the plan (hours changed) go if nobody booked them.
        tx.delete_empty_slots(service_id, now).await?;
        self.create_missing_slots(&mut tx, service_id, &m, &rules).await?;
        audit::record(
            &mut tx,
            self,
            actor,
            audit::Change::new(Some(service.mpp_id), "service", service_id, "booking_rules"),
            before.as_deref().map(Self::rules_of).as_ref(),
            Some(&rules),
        )
        .await?;
        tx.commit().await?;
        self.availability.forget(service_id);
        Ok(rules)
    }

    /// Insert the slots a service lacks from today through the last day a quota
    /// can open for; returns how many were created.
    async fn create_missing_slots(
        &self,
        tx: &mut Tx,
        service_id: i64,
        m: &satuatap_store::MppRow,
        rules: &BookingRules,
    ) -> Result<usize> {
        let tz = mpp_tz(m);
        let today = self.now().with_timezone(&tz).date_naive();
        let last = today + Duration::days(rules.days_ahead + 1);
        let closed: HashSet<NaiveDate> =
            tx.closures(Some(m.id), today, last).await?.into_iter().map(|h| h.date).collect();
        let have: HashSet<DateTime<Utc>> =
            tx.slots(service_id, today, last).await?.into_iter().map(|s| s.starts_at).collect();
        let mut created = 0;
        let mut day = today;
        while day <= last {
            for p in rules.slots(&m.hours.0, &closed, tz, day) {
                if have.contains(&p.starts_at) {
                    continue;
                }
                let slot = SlotRow {
                    id: 0,
                    mpp_id: m.id,
                    service_id,
                    day,
                    starts_at: p.starts_at,
                    ends_at: p.ends_at,
                    capacity: p.capacity,
                    booked: 0,
                };
                if tx.ensure_slot(&slot).await? {
                    created += 1;
                }
            }
            day += Duration::days(1);
        }
        Ok(created)
    }

    /// Create the slots of every bookable service (or one) through the last day
    /// a quota can open for. Runs in the background; availability reads never write.
    pub async fn materialize_slots(&self, only: Option<i64>) -> Result<usize> {
        let all = {
            let mut r = self.store.read().await?;
            r.all_booking_rules().await?
        };
        let mut created = 0;
        let mut zones: HashMap<i64, Tz> = HashMap::new();
        for (service_id, mpp_id, json, last_day) in all.into_iter().filter(|(s, _, _, _)| only.is_none_or(|o| o == *s))
        {
            // Slots are made a whole day at a time: a service that has its last day is done.
            if only.is_none() {
                let tz = match zones.get(&mpp_id) {
                    Some(tz) => *tz,
                    None => {
                        let mut r = self.store.read().await?;
                        let tz = r.mpp(mpp_id).await?.map(|m| mpp_tz(&m)).unwrap_or(Tz::Asia__Jakarta);
                        zones.insert(mpp_id, tz);
                        tz
                    }
                };
                let last =
                    self.now().with_timezone(&tz).date_naive() + Duration::days(Self::rules_of(&json).days_ahead + 1);
                if last_day.is_some_and(|d| d >= last) {
                    continue;
                }
            }
            let mut tx = self.store.begin().await?;
            // Read the rules under their lock: a concurrent change waits, or is seen.
            let Some(json) = tx.lock_booking_rules(service_id).await? else { continue };
            let Some(m) = tx.mpp(mpp_id).await? else { continue };
            let n = self.create_missing_slots(&mut tx, service_id, &m, &Self::rules_of(&json)).await?;
            tx.commit().await?;
            if n > 0 {
                created += n;
                self.availability.forget(service_id);
            }
        }
        Ok(created)
    }

    /// Bookable days and slots of a service: read from memory during a rush,
    /// from the database at most every two seconds.
    pub async fn availability(&self, service_id: i64) -> Result<Arc<Availability>> {
        if let Some(a) = self.availability.get(service_id) {
            return Ok(a);
        }
        let now = self.now();
        let mut r = self.store.read().await?;
        let service = r.service(service_id).await?.filter(|s| s.status.0 == ServiceStatus::Published && s.bookable);
        let Some(service) = service else { return Err(Error::NotFound) };
        let rules = r.booking_rules(service_id).await?.map(|j| Self::rules_of(&j)).ok_or(Error::NotFound)?;
        let m = r.mpp(service.mpp_id).await?.ok_or(Error::NotFound)?;
        let tz = mpp_tz(&m);
        let today = now.with_timezone(&tz).date_naive();
        let last = today + Duration::days(rules.days_ahead + 1);
        let closed: HashSet<NaiveDate> =
            r.closures(Some(m.id), today, last).await?.into_iter().map(|h| h.date).collect();
        let slots = r.slots(service_id, today, last).await?;
        let mut days: Vec<DayView> = Vec::new();
        for s in slots.into_iter().filter(|s| s.starts_at > now && !closed.contains(&s.day)) {
            let opens = rules.opens_for(tz, s.day);
            if days.last().is_none_or(|d| d.day != s.day) {
                days.push(DayView {
                    day: s.day,
                    open: opens <= now,
                    opens_local: (opens > now).then(|| opens.with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string()),
                    slots: Vec::new(),
                });
            }
            if let Some(d) = days.last_mut() {
                d.slots.push(SlotView {
                    id: s.id,
                    starts_local: hhmm(s.starts_at, tz),
                    ends_local: hhmm(s.ends_at, tz),
                    capacity: s.capacity,
                    left: (s.capacity - s.booked).max(0),
                });
            }
        }
        // Show the next day that is not open yet, so people know when to come back.
        if let Some(i) = days.iter().position(|d| !d.open) {
            days.truncate(i + 1);
        }
        let a = Arc::new(Availability {
            service_id,
            mpp_id: m.id,
            time_zone: m.time_zone.clone(),
            days,
            generated_at: now,
        });
        self.availability.put(service_id, a.clone());
        Ok(a)
    }

    fn booking_view(&self, b: &BookingRow, rules: &BookingRules) -> BookingView {
        let tz: Tz = b.time_zone.parse().unwrap_or(Tz::Asia__Jakarta);
        BookingView {
            code: b.code.clone(),
            status: b.status.0,
            mpp_id: b.mpp_id,
            mpp_slug: b.mpp_slug.clone(),
            mpp_name: b.mpp_name.clone(),
            service_id: b.service_id,
            service_code: b.service_code.clone(),
            service_name: b.service_name.clone(),
            service_name_en: b.service_name_en.clone(),
            provider_name: b.provider_name.clone(),
            slot_id: b.slot_id,
            day: b.day,
            starts_at: b.starts_at,
            starts_local: hhmm(b.starts_at, tz),
            ends_local: hhmm(b.ends_at, tz),
            time_zone: b.time_zone.clone(),
            nik_masked: b.nik_masked.clone(),
            phone_masked: b.phone_masked.clone(),
            email_masked: b.email_masked.clone(),
            check_in_from: hhmm(b.starts_at - Duration::minutes(rules.check_in_before_minutes), tz),
            check_in_until: hhmm(b.starts_at + Duration::minutes(rules.check_in_after_minutes), tz),
            ticket_id: b.ticket_id,
        }
    }

    async fn view_by_id(&self, id: i64) -> Result<BookingView> {
        let mut r = self.store.read().await?;
        let b = r.booking(id).await?.ok_or(Error::NotFound)?;
        let rules = r.booking_rules(b.service_id).await?.map(|j| Self::rules_of(&j)).unwrap_or_default();
        Ok(self.booking_view(&b, &rules))
    }

    /// Book a slot. The database decides whether a seat is left; one active
    /// booking per NIK, service and day; a repeated `request_id` returns the
    /// first booking.
    pub async fn book(&self, user: Option<&Actor>, input: &BookingInput) -> Result<BookingView> {
        let now = self.now();
        let mut c = Checker::new();
        let slot_id = match &input.slot_id {
            Some(Ok(id)) => *id,
            Some(Err(_)) => {
                c.push("slot_id", Invalid::Unknown);
                0
            }
            None => {
                c.push("slot_id", Invalid::Required);
                0
            }
        };
        let name = c.text("name", &input.name, 120);
        let today = now.with_timezone(&Tz::Asia__Jayapura).date_naive();
        let nik = match Nik::parse(&input.nik, today) {
            Ok(n) => Some(n),
            Err(e) => {
                let fe =
                    if input.nik.trim().is_empty() { FieldError::new("nik", Invalid::Required) } else { nik_error(e) };
                c.push(&fe.field, fe.invalid);
                None
            }
        };
        let phone = match input.phone.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
            None => None,
            Some(p) => parse_phone(p).or_else(|| {
                c.push("phone", Invalid::Format { hint: "hint-phone" });
                None
            }),
        };
        let email = c.opt_email("email", input.email.as_deref());
        if phone.is_none() && email.is_none() && !c.has("phone") && !c.has("email") {
            c.push("phone", Invalid::Required);
        }
        let request_key = match input.request_id.as_deref().map(str::trim).filter(|r| !r.is_empty()) {
            None => None,
            Some(r) if r.len() <= 64 && r.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') => {
                Some(r.to_string())
            }
            Some(_) => {
                c.push("request_id", Invalid::Format { hint: "hint-request-id" });
                None
            }
        };
        let mut r = self.store.read().await?;
        if let Some(n) = &nik
            && r.regency(&n.regency_code()).await?.is_none()
        {
            c.push("nik", Invalid::Format { hint: "hint-nik-region" });
        }
        c.finish(()).map_err(Error::Invalid)?;
        let nik = nik.ok_or_else(|| Error::field("nik", Invalid::Required))?;
        let slot = r.slot(slot_id).await?.ok_or_else(|| Error::field("slot_id", Invalid::Unknown))?;
        if let Some(key) = &request_key
            && let Some(earlier) = r.booking_by_request(slot.mpp_id, key).await?
        {
            drop(r);
            return self.view_by_id(earlier.id).await;
        }
        let service = r.service(slot.service_id).await?.ok_or(Error::NotFound)?;
        let rules = r.booking_rules(slot.service_id).await?.map(|j| Self::rules_of(&j));
        let m = r.mpp(slot.mpp_id).await?.ok_or(Error::NotFound)?;
        let Some(rules) = rules.filter(|_| service.bookable && service.status.0 == ServiceStatus::Published) else {
            return Err(Error::refused(Refusal::NotBookable));
        };
        let tz = mpp_tz(&m);
        let opens = rules.opens_for(tz, slot.day);
        if opens > now {
            return Err(Error::Refused {
                why: Refusal::QuotaNotOpen,
                args: vec![("when", opens.with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string())],
            });
        }
        if slot.starts_at <= now {
            return Err(Error::refused(Refusal::SlotPast));
        }
        let nik_index = self.keys.blind_index("nik", nik.as_str());
        let policy = &m.queue_settings.0;
        if policy.no_show_limit > 0 {
            let since = now.with_timezone(&tz).date_naive() - Duration::days(policy.no_show_days);
            if r.no_shows_since(&nik_index, since).await? >= policy.no_show_limit {
                return Err(Error::Refused {
                    why: Refusal::TooManyNoShows,
                    args: vec![("days", policy.no_show_days.to_string())],
                });
            }
        }
        drop(r);
        if !self.nik_attempt_allowed(&nik_index) {
            return Err(Error::refused(Refusal::NikRateLimited));
        }
        let mut random = [0u8; 5];
        getrandom::fill(&mut random).map_err(|e| Error::Internal(e.to_string()))?;
        let new = NewBooking {
            mpp_id: slot.mpp_id,
            service_id: slot.service_id,
            slot_id: slot.id,
            day: slot.day,
            code: booking_code(&random),
            name_sealed: self.keys.seal(&name)?,
            nik_sealed: self.keys.seal(nik.as_str())?,
            nik_masked: nik.masked(),
            nik_guard: rules.one_per_nik.then(|| nik_index.clone()),
            nik_index,
            phone_sealed: phone.as_deref().map(|p| self.keys.seal(p)).transpose()?,
            phone_masked: phone.as_deref().map(mask_phone),
            email_sealed: email.as_deref().map(|e| self.keys.seal(e)).transpose()?,
            email_masked: email.as_deref().map(mask_email),
            request_key: request_key.clone(),
            user_id: user.map(|u| u.user_id).filter(|id| *id > 0),
        };
        let mut tx = self.store.begin().await?;
        if !tx.take_seat(slot.id).await? {
            // A copy of this very request may hold the last seat (a double press, a
            // retry after a timeout): it committed before this one saw the slot full,
            // so it is visible here, and the copy gets the same booking.
            if let Some(key) = &request_key
                && let Some(earlier) = tx.booking_by_request(slot.mpp_id, key).await?
            {
                drop(tx);
                return self.view_by_id(earlier.id).await;
            }
            return Err(Error::refused(Refusal::SlotFull));
        }
        let id = match tx.insert_booking(&new, now).await {
            Ok(id) => id,
            Err(e) if e.is_unique() => {
                drop(tx);
                // A retry of the same request (whichever index noticed first) gets the first booking.
                if let Some(key) = &request_key {
                    let mut r = self.store.read().await?;
                    if let Some(earlier) = r.booking_by_request(slot.mpp_id, key).await? {
                        drop(r);
                        return self.view_by_id(earlier.id).await;
                    }
                }
                if e.violates(Constraint::BookingOnePerNik) {
                    return Err(Error::refused(Refusal::AlreadyBooked));
                }
                return Err(e.into());
            }
            Err(e) => return Err(e.into()),
        };
        let to = Recipient {
            booking_id: id,
            mpp_id: new.mpp_id,
            code: &new.code,
            name: &name,
            service_name: &service.name,
            mpp_name: &m.name,
            starts_at: slot.starts_at,
            tz,
            check_in_before: rules.check_in_before_minutes,
            email_sealed: new.email_sealed.as_deref(),
            email_masked: new.email_masked.as_deref(),
            phone_sealed: new.phone_sealed.as_deref(),
            phone_masked: new.phone_masked.as_deref(),
        };
        self.enqueue_booking_messages(&mut tx, "booked", &to).await?;
        self.commit_and_publish(tx, vec![QueueEvent::new(slot.mpp_id, "booking", None, None)]).await?;
        self.availability.forget(slot.service_id);
        self.view_by_id(id).await
    }

    /// A booking by its code, for whoever also knows the NIK.
    async fn owned_booking(&self, code: &str, nik: &str) -> Result<BookingRow> {
        let code = normalize_code(code);
        let mut r = self.store.read().await?;
        let b = r.booking_by_code(&code).await?.ok_or(Error::NotFound)?;
        let digits: String = nik.chars().filter(char::is_ascii_digit).collect();
        if self.keys.blind_index("nik", &digits) != b.nik_index {
            return Err(Error::NotFound);
        }
        Ok(b)
    }

    pub async fn find_booking(&self, code: &str, nik: &str) -> Result<BookingView> {
        let b = self.owned_booking(code, nik).await?;
        self.view_by_id(b.id).await
    }

    /// A booking by its code alone, for its confirmation page and QR: the code is
    /// unguessable and the view holds personal data only masked.
    pub async fn booking_by_code_public(&self, code: &str) -> Result<BookingView> {
        let code = normalize_code(code);
        let mut r = self.store.read().await?;
        let b = r.booking_by_code(&code).await?.ok_or(Error::NotFound)?;
        drop(r);
        self.view_by_id(b.id).await
    }

    /// Cancel by code and NIK; the seat is bookable again at once.
    pub async fn cancel_booking(&self, code: &str, nik: &str) -> Result<BookingView> {
        let b = self.owned_booking(code, nik).await?;
        let now = self.now();
        let mut tx = self.store.begin().await?;
        if !tx.set_booking_status(b.id, &[BookingStatus::Active], BookingStatus::Cancelled, now).await? {
            return Err(Error::refused(Refusal::NotActive));
        }
        tx.free_seat(b.slot_id).await?;
        tx.withdraw_reminders(b.id).await?;
        tx.bump_queue_day(b.service_id, b.mpp_id, b.day, QueueCount::BookingCancelled, 1).await?;
        let rules = tx.booking_rules(b.service_id).await?.map(|j| Self::rules_of(&j)).unwrap_or_default();
        self.notify_holder(&mut tx, "cancelled", &b, b.starts_at, &rules).await?;
        self.commit_and_publish(tx, vec![QueueEvent::new(b.mpp_id, "booking", None, None)]).await?;
        self.availability.forget(b.service_id);
        self.view_by_id(b.id).await
    }

    /// Tell a booking's holder what happened to it, through the outbox.
    async fn notify_holder(
        &self,
        tx: &mut Tx,
        kind: &str,
        b: &BookingRow,
        starts_at: DateTime<Utc>,
        rules: &BookingRules,
    ) -> Result<()> {
        let name = self.keys.open(&b.name_sealed)?;
        let to = Recipient {
            booking_id: b.id,
            mpp_id: b.mpp_id,
            code: &b.code,
            name: &name,
            service_name: &b.service_name,
            mpp_name: &b.mpp_name,
            starts_at,
            tz: b.time_zone.parse().unwrap_or(Tz::Asia__Jakarta),
            check_in_before: rules.check_in_before_minutes,
            email_sealed: b.email_sealed.as_deref(),
            email_masked: b.email_masked.as_deref(),
            phone_sealed: b.phone_sealed.as_deref(),
            phone_masked: b.phone_masked.as_deref(),
        };
        self.enqueue_booking_messages(tx, kind, &to).await
    }

    /// Move a booking to another slot of the same service, keeping its code.
    pub async fn reschedule_booking(&self, code: &str, nik: &str, slot_id: i64) -> Result<BookingView> {
        let b = self.owned_booking(code, nik).await?;
        let now = self.now();
        let mut r = self.store.read().await?;
        let slot = r
            .slot(slot_id)
            .await?
            .filter(|s| s.service_id == b.service_id)
            .ok_or_else(|| Error::field("slot_id", Invalid::Unknown))?;
        let rules = r.booking_rules(b.service_id).await?.map(|j| Self::rules_of(&j)).unwrap_or_default();
        let m = r.mpp(b.mpp_id).await?.ok_or(Error::NotFound)?;
        drop(r);
        let tz = mpp_tz(&m);
        let opens = rules.opens_for(tz, slot.day);
        if opens > now {
            return Err(Error::Refused {
                why: Refusal::QuotaNotOpen,
                args: vec![("when", opens.with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string())],
            });
        }
        if slot.starts_at <= now {
            return Err(Error::refused(Refusal::SlotPast));
        }
        if slot.id == b.slot_id {
            return self.view_by_id(b.id).await;
        }
        let mut tx = self.store.begin().await?;
        if !tx.take_seat(slot.id).await? {
            return Err(Error::refused(Refusal::SlotFull));
        }
        match tx.move_booking(b.id, slot.id, slot.day, now).await {
            Ok(true) => {}
            Ok(false) => return Err(Error::refused(Refusal::NotActive)),
            Err(e) if e.violates(Constraint::BookingOnePerNik) => return Err(Error::refused(Refusal::AlreadyBooked)),
            Err(e) => return Err(e.into()),
        }
        tx.free_seat(b.slot_id).await?;
        tx.withdraw_reminders(b.id).await?;
        self.notify_holder(&mut tx, "rescheduled", &b, slot.starts_at, &rules).await?;
        self.commit_and_publish(tx, vec![QueueEvent::new(b.mpp_id, "booking", None, None)]).await?;
        self.availability.forget(b.service_id);
        self.view_by_id(b.id).await
    }

    /// Check in at the kiosk with the booking code (typed or scanned). Within the
    /// window the booking becomes a queue ticket ordered by its slot time.
    pub async fn check_in(&self, by: Caller<'_>, mpp_id: i64, code: &str) -> Result<CheckedIn> {
        crate::devices::require_kiosk(by.device, by.actor, mpp_id)?;
        let now = self.now();
        let code = normalize_code(code);
        let mut r = self.store.read().await?;
        let b = r.booking_by_code(&code).await?.filter(|b| b.mpp_id == mpp_id).ok_or(Error::NotFound)?;
        let rules = r.booking_rules(b.service_id).await?.map(|j| Self::rules_of(&j)).unwrap_or_default();
        let tz: Tz = b.time_zone.parse().unwrap_or(Tz::Asia__Jakarta);
        if b.status.0 == BookingStatus::CheckedIn
            && let Some(t) = b.ticket_id
        {
            let row = r.ticket(t).await?.ok_or(Error::NotFound)?;
            drop(r);
            // A second scan reprints a ticket still in the queue; a finished or
            // cancelled one is not handed out again.
            if row.status.0 == satuatap_domain::queue::TicketStatus::Done {
                return Err(Error::refused(Refusal::CheckInUsed));
            }
            let ticket = self.ticket_by_token(&row.token).await?;
            return Ok(CheckedIn { ticket, token: row.token, booked_local: hhmm(b.starts_at, tz) });
        }
        drop(r);
        if b.status.0 != BookingStatus::Active {
            return Err(Error::refused(Refusal::NotActive));
        }
        match rules.check_in(b.starts_at, now) {
            CheckIn::TooEarly { from } => {
                return Err(Error::Refused { why: Refusal::CheckInTooEarly, args: vec![("time", hhmm(from, tz))] });
            }
            CheckIn::TooLate => {
                // The kiosk offers a walk-in ticket for the same service.
                return Err(Error::Refused {
                    why: Refusal::CheckInTooLate,
                    args: vec![("service_id", b.service_id.to_string())],
                });
            }
            CheckIn::Open => {}
        }
        let input = IssueInput {
            service_id: Some(Ok(b.service_id)),
            priority: None,
            source: Some("booking".into()),
            request_id: Some(format!("booking-{}", b.id)),
        };
        let (ticket, token) = self.issue_from_booking(b.mpp_id, &input, b.starts_at).await?;
        let mut tx = self.store.begin().await?;
        if tx.set_booking_status(b.id, &[BookingStatus::Active], BookingStatus::CheckedIn, now).await? {
            tx.set_booking_ticket(b.id, ticket.id).await?;
            // The phone left with the booking also hears when the turn is near.
            if let (Some(sealed), Some(masked)) = (&b.phone_sealed, &b.phone_masked) {
                tx.set_ticket_alert(ticket.id, b.mpp_id, sealed, masked, now).await?;
            }
            // Where visitors come from, for the accessibility study: the district the
            // NIK was issued in (its first six digits), counted; the NIK is not kept here.
            if let Some(district) = self.keys.open(&b.nik_sealed).ok().as_deref().and_then(nik_district) {
                tx.count_visitor_origin(b.mpp_id, satuatap_store::stats::month_of(b.day), &district).await?;
            }
        }
        tx.commit().await?;
        Ok(CheckedIn { ticket, token, booked_local: hhmm(b.starts_at, tz) })
    }

    // --- staff views ----------------------------------------------------------------------

    /// A day's bookings of an MPP (a provider's staff: their provider only).
    pub async fn day_bookings(&self, actor: &Actor, mpp_id: i64, day: NaiveDate) -> Result<Vec<BookingListRow>> {
        actor.require(actor.is_staff_of(mpp_id))?;
        let provider = match actor.role {
            satuatap_domain::role::Role::ProviderAdmin | satuatap_domain::role::Role::CounterOfficer => {
                actor.provider_id
            }
            _ => None,
        };
        let mut r = self.store.read().await?;
        let rows = r.bookings_of_day(mpp_id, day, provider).await?;
        let mut out = Vec::with_capacity(rows.len());
        for b in rows {
            let tz: Tz = b.time_zone.parse().unwrap_or(Tz::Asia__Jakarta);
            out.push(BookingListRow {
                id: b.id,
                name: self.keys.open(&b.name_sealed).unwrap_or_default(),
                code: b.code,
                status: b.status.0,
                starts_local: hhmm(b.starts_at, tz),
                service_id: b.service_id,
                service_code: b.service_code,
                service_name: b.service_name,
                provider_id: b.provider_id,
                nik_masked: b.nik_masked,
                phone_masked: b.phone_masked,
                email_masked: b.email_masked,
                ticket_id: b.ticket_id,
            });
        }
        Ok(out)
    }

    /// Show a booking's NIK and contact in full, recording who looked.
    pub async fn reveal_booking(&self, actor: &Actor, booking_id: i64) -> Result<RevealedBooking> {
        let mut r = self.store.read().await?;
        let b = r.booking(booking_id).await?.ok_or(Error::NotFound)?;
        drop(r);
        let own_provider = match actor.role {
            satuatap_domain::role::Role::ProviderAdmin | satuatap_domain::role::Role::CounterOfficer => {
                actor.provider_id == Some(b.provider_id)
            }
            _ => true,
        };
        if !actor.is_staff_of(b.mpp_id) || !own_provider {
            return Err(Error::NotFound);
        }
        let revealed = RevealedBooking {
            code: b.code.clone(),
            name: self.keys.open(&b.name_sealed)?,
            nik: self.keys.open(&b.nik_sealed)?,
            phone: b.phone_sealed.as_deref().map(|p| self.keys.open(p)).transpose()?,
            email: b.email_sealed.as_deref().map(|e| self.keys.open(e)).transpose()?,
        };
        let mut tx = self.store.begin().await?;
        audit::record(
            &mut tx,
            self,
            actor,
            audit::Change::new(Some(b.mpp_id), "booking", b.id, "view_personal_data"),
            None::<&()>,
            Some(&serde_json::json!({"code": b.code, "fields": ["nik", "phone", "email"]})),
        )
        .await?;
        tx.commit().await?;
        Ok(revealed)
    }

    /// Bookings never checked in on or before `day` become no-shows, counted per service.
    pub(crate) async fn close_bookings(&self, tx: &mut Tx, mpp_id: i64, day: NaiveDate) -> Result<i64> {
        let per_service = tx.mark_no_shows(mpp_id, day, self.now()).await?;
        for (service, day, n) in &per_service {
            tracing::info!(mpp = mpp_id, service = *service, no_shows = *n, "bookings not checked in");
            tx.bump_queue_day(*service, mpp_id, *day, QueueCount::BookingNoShow, *n).await?;
        }
        Ok(per_service.iter().map(|(_, _, n)| n).sum())
    }

    /// Whether a NIK may try to book again now (bots are limited per NIK).
    fn nik_attempt_allowed(&self, nik_index: &str) -> bool {
        self.nik_limiter.check_key(&nik_index.to_string()).is_ok()
    }

    pub fn availability_cache(&self) -> &AvailabilityCache {
        &self.availability
    }
}
