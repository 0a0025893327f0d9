//! Booking pages for citizens (pick a slot, confirmation with QR, manage by code
//! and NIK, the waiting room) and for staff (the day's bookings, booking rules),
//! plus the demo's message page.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect};
use chrono::NaiveDate;
use qrcode::QrCode;
use qrcode::render::svg;
use satuatap_domain::booking::{mask_email, mask_phone};
use satuatap_service::Error;
use satuatap_service::booking::{
    Availability, BookingInput, BookingListRow, BookingRulesInput, BookingView, RevealedBooking,
};
use satuatap_service::outbox::ShownMessage;
use satuatap_store::{MppRow, ServiceRow};
use serde::Deserialize;

use super::admin::{NavItem, loose_str, nav, staff};
use super::{FormErrors, PageResult, render};
use crate::admission::Admit;
use satuatap_domain::booking::BookingStatus;

use crate::api::booking::{page_admitted, pass_of};
use crate::ctx::Ctx;
use crate::error::WebError;
use crate::state::{AppState, WebResultExt};
use crate::throttle::{Throttle, bucket};

fn request_id() -> String {
    satuatap_service::crypto::random_token(12).unwrap_or_default()
}

// --- citizens: booking a slot ---------------------------------------------------------------

#[derive(Template)]
#[template(path = "booking/book.html")]
struct BookPage<'a> {
    c: &'a Ctx,
    m: MppRow,
    s: ServiceRow,
    a: std::sync::Arc<Availability>,
    f: BookingForm,
    errors: FormErrors,
    request_id: String,
}

impl BookPage<'_> {
    fn day_label(&self, d: &NaiveDate) -> String {
        super::fmt_date(self.c.lang, d)
    }
    fn chosen(&self, id: &i64) -> bool {
        self.f.slot_id.as_deref() == Some(id.to_string().as_str())
    }
    fn day_left(&self, d: &satuatap_service::booking::DayView) -> i64 {
        d.slots.iter().map(|s| s.left).sum()
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct BookingForm {
    #[serde(default)]
    slot_id: Option<String>,
    #[serde(default)]
    name: String,
    #[serde(default)]
    nik: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    request_id: Option<String>,
}

async fn service_of(s: &AppState, c: &Ctx, slug: &str, code: &str) -> Result<(MppRow, ServiceRow), WebError> {
    let m = s.app.mpp_by_slug(slug).await.web(c)?;
    let svc = s.app.service_by_code(None, m.id, code).await.web(c)?;
    Ok((m, svc))
}

async fn book_page(
    s: &AppState,
    c: &Ctx,
    slug: &str,
    code: &str,
    f: BookingForm,
    errors: FormErrors,
    status: StatusCode,
) -> PageResult {
    let (m, svc) = service_of(s, c, slug, code).await?;
    let a = s.app.availability(svc.id).await.web(c)?;
    let request_id = f.request_id.clone().filter(|r| !r.is_empty()).unwrap_or_else(request_id);
    render(BookPage { c, m, s: svc, a, f, errors, request_id }).map(|r| (status, r).into_response())
}

fn waiting_room(next: &str) -> axum::response::Response {
    Redirect::to(&format!("/antre-masuk?next={}", super::q(next))).into_response()
}

/// Let a booking form in, or send its visitor to the waiting room (and back here after).
pub(crate) async fn admitted(
    s: &AppState,
    c: &Ctx,
    headers: &HeaderMap,
) -> Result<crate::admission::Permit, axum::response::Response> {
    match s.admission.admit(&s.app.keys, pass_of(headers).as_deref()).await {
        Admit::Go(p) => Ok(p),
        Admit::Busy | Admit::Wait => Err(waiting_room(&c.path)),
    }
}

pub async fn book_form(
    State(s): State<AppState>,
    c: Ctx,
    headers: HeaderMap,
    Path((slug, code)): Path<(String, String)>,
) -> PageResult {
    if !page_admitted(&s, &headers) {
        return Ok(waiting_room(&c.path));
    }
    book_page(&s, &c, &slug, &code, BookingForm::default(), FormErrors::default(), StatusCode::OK).await
}

pub async fn book(
    State(s): State<AppState>,
    c: Ctx,
    _: Throttle<bucket::Booking>,
    headers: HeaderMap,
    Path((slug, code)): Path<(String, String)>,
    Form(f): Form<BookingForm>,
) -> PageResult {
    let _permit = match admitted(&s, &c, &headers).await {
        Ok(p) => p,
        Err(to_room) => return Ok(to_room),
    };
    let input = BookingInput {
        slot_id: f.slot_id.as_deref().map(|v| v.parse::<i64>().map_err(|_| v.to_string())),
        name: f.name.clone(),
        nik: f.nik.clone(),
        phone: Some(f.phone.clone()),
        email: Some(f.email.clone()),
        request_id: f.request_id.clone(),
    };
    match s.app.book(c.actor.as_ref(), &input).await {
        Ok(b) => Ok(Redirect::to(&format!("/pemesanan/{}?baru=1", b.code)).into_response()),
        Err(e) => {
            let (e, status) = FormErrors::of(c.lang, e)?;
            book_page(&s, &c, &slug, &code, f, e, status).await
        }
    }
}

// --- citizens: a booking ----------------------------------------------------------------------

#[derive(Template)]
#[template(path = "booking/booking.html")]
struct BookingPage<'a> {
    c: &'a Ctx,
    b: BookingView,
    fresh: bool,
    day: String,
    address: String,
    demo: bool,
    /// The group session this booking is a seat of, if it is one.
    session: Option<satuatap_service::oss::SessionView>,
}

#[derive(Debug, Default, Deserialize)]
pub struct Fresh {
    #[serde(default)]
    baru: Option<String>,
}

pub async fn booking(
    State(s): State<AppState>,
    c: Ctx,
    _: Throttle<bucket::BookingCode>,
    Path(code): Path<String>,
    Query(q): Query<Fresh>,
) -> PageResult {
    let b = s.app.booking_by_code_public(&code).await.web(&c)?;
    let m = s.app.mpp(b.mpp_id).await.web(&c)?;
    let day = super::fmt_date(c.lang, b.day);
    // The demo's message page is for staff: only they see the link to it.
    let demo = s.app.messaging.demo && c.actor.as_ref().is_some_and(|a| a.role.is_staff());
    let session = s.app.oss_session_of_slot(b.slot_id).await.web(&c)?;
    render(BookingPage { c: &c, fresh: q.baru.is_some(), day, address: m.address, b, demo, session })
}

/// The QR code of a booking: its code, for the kiosk's scanner.
pub async fn booking_qr(
    State(s): State<AppState>,
    c: Ctx,
    _: Throttle<bucket::BookingCode>,
    Path(code): Path<String>,
) -> PageResult {
    let b = s.app.booking_by_code_public(&code).await.web(&c)?;
    let qr = QrCode::new(b.code.as_bytes()).map_err(|e| WebError::In(c.lang, Error::Internal(e.to_string())))?;
    let svg = qr.render::<svg::Color<'_>>().min_dimensions(200, 200).quiet_zone(true).build();
    let mut r = svg.into_response();
    r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("image/svg+xml"));
    Ok(r)
}

#[derive(Template)]
#[template(path = "booking/manage.html")]
struct ManagePage<'a> {
    c: &'a Ctx,
    code: String,
    nik: String,
    b: Option<BookingView>,
    a: Option<std::sync::Arc<Availability>>,
    errors: FormErrors,
    done: Option<String>,
}

impl ManagePage<'_> {
    fn day_label(&self, d: &NaiveDate) -> String {
        super::fmt_date(self.c.lang, d)
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct ManageForm {
    #[serde(default)]
    kode: String,
    #[serde(default)]
    nik: String,
    #[serde(default)]
    slot_id: Option<String>,
}

pub async fn manage_form(c: Ctx, Query(f): Query<ManageForm>) -> PageResult {
    render(ManagePage {
        c: &c,
        code: f.kode,
        nik: String::new(),
        b: None,
        a: None,
        errors: FormErrors::default(),
        done: None,
    })
}

async fn manage_page(s: &AppState, c: &Ctx, code: String, nik: String, done: Option<String>) -> PageResult {
    match s.app.find_booking(&code, &nik).await {
        Ok(b) => {
            let a = if b.status == BookingStatus::Active { s.app.availability(b.service_id).await.ok() } else { None };
            render(ManagePage { c, code, nik, b: Some(b), a, errors: FormErrors::default(), done })
        }
        Err(Error::NotFound) => {
            let errors = FormErrors::general(c.t("bk-not-found"));
            render(ManagePage { c, code, nik: String::new(), b: None, a: None, errors, done: None })
                .map(|r| (StatusCode::NOT_FOUND, r).into_response())
        }
        Err(e) => Err(WebError::In(c.lang, e)),
    }
}

pub async fn manage(
    State(s): State<AppState>,
    c: Ctx,
    _: Throttle<bucket::Booking>,
    Form(f): Form<ManageForm>,
) -> PageResult {
    manage_page(&s, &c, f.kode, f.nik, None).await
}

pub async fn cancel(State(s): State<AppState>, c: Ctx, Form(f): Form<ManageForm>) -> PageResult {
    match s.app.cancel_booking(&f.kode, &f.nik).await {
        Ok(_) => manage_page(&s, &c, f.kode, f.nik, Some(c.t("bk-cancelled"))).await,
        Err(e) => Err(WebError::In(c.lang, e)),
    }
}

pub async fn reschedule(State(s): State<AppState>, c: Ctx, Form(f): Form<ManageForm>) -> PageResult {
    let slot = f.slot_id.as_deref().and_then(|v| v.parse().ok()).unwrap_or_default();
    match s.app.reschedule_booking(&f.kode, &f.nik, slot).await {
        Ok(_) => manage_page(&s, &c, f.kode, f.nik, Some(c.t("bk-rescheduled"))).await,
        Err(e @ Error::Refused { .. }) => {
            let msg = crate::error::message_of(c.lang, &e);
            manage_page(&s, &c, f.kode, f.nik, Some(msg)).await
        }
        Err(e) => Err(WebError::In(c.lang, e)),
    }
}

#[derive(Template)]
#[template(path = "booking/waiting.html")]
struct WaitingPage<'a> {
    c: &'a Ctx,
    next: String,
    data: String,
}

const WAITING_TEXTS: &[&str] = &["bk-waiting-ahead", "bk-waiting-first", "bk-waiting-turn", "bk-waiting-error"];

#[derive(Debug, Default, Deserialize)]
pub struct NextParam {
    #[serde(default)]
    next: Option<String>,
}

pub async fn waiting(c: Ctx, Query(p): Query<NextParam>) -> PageResult {
    let next = p.next.filter(|n| n.starts_with('/') && !n.starts_with("//")).unwrap_or_else(|| "/".into());
    let mut texts: serde_json::Value =
        serde_json::from_str(&super::queue::texts(c.lang, WAITING_TEXTS)).unwrap_or_default();
    texts["next"] = serde_json::Value::String(next.clone());
    texts["csrf"] = serde_json::Value::String(c.csrf.clone());
    let data = super::queue::script_json(&texts);
    render(WaitingPage { c: &c, next, data })
}

// --- staff ---------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "booking/day.html")]
struct DayPage<'a> {
    c: &'a Ctx,
    nav: Vec<NavItem>,
    m: MppRow,
    day: NaiveDate,
    rows: Vec<BookingListRow>,
    revealed: Option<RevealedBooking>,
    /// Services whose files this person registers: their bookings offer "register a file".
    tracked: std::collections::HashSet<i64>,
}

impl DayPage<'_> {
    fn prev(&self) -> String {
        (self.day - chrono::Duration::days(1)).to_string()
    }
    fn next(&self) -> String {
        (self.day + chrono::Duration::days(1)).to_string()
    }
    fn day_label(&self) -> String {
        super::fmt_date(self.c.lang, self.day)
    }
    fn checked_in(&self) -> i64 {
        self.rows.iter().filter(|r| r.status == BookingStatus::CheckedIn).count() as i64
    }
    fn intake(&self, r: &BookingListRow) -> bool {
        self.tracked.contains(&r.service_id) && matches!(r.status, BookingStatus::Active | BookingStatus::CheckedIn)
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct DayParam {
    #[serde(default)]
    hari: Option<String>,
    #[serde(default)]
    mpp: Option<String>,
}

async fn day_page(s: &AppState, c: &Ctx, p: &DayParam, revealed: Option<RevealedBooking>) -> PageResult {
    let a = staff(c)?;
    let chosen = p.mpp.as_deref().and_then(|v| v.parse().ok()).or(a.mpp_id);
    if chosen.is_none() && a.is_national() {
        // The national admin starts from every MPP's bookings, then picks one.
        return super::national::dashboard::across(
            s,
            c,
            &a,
            super::national::dashboard::Across::Bookings,
            "/admin/pemesanan",
        )
        .await;
    }
    let mpp_id = chosen.ok_or(WebError::In(c.lang, Error::Forbidden))?;
    let m = s.app.mpp(mpp_id).await.web(c)?;
    let day = p.hari.as_deref().and_then(|d| d.parse().ok()).unwrap_or_else(|| s.app.local_day(&m));
    let rows = s.app.day_bookings(&a, mpp_id, day).await.web(c)?;
    let tracked = if a.is_staff_of(mpp_id) && !rows.is_empty() {
        super::admin::application::intake_services(s, c, &a).await?.into_iter().map(|sv| sv.id).collect()
    } else {
        Default::default()
    };
    render(DayPage { c, nav: nav(&a, "/admin/pemesanan"), m, day, rows, revealed, tracked })
}

pub async fn day(State(s): State<AppState>, c: Ctx, Query(p): Query<DayParam>) -> PageResult {
    day_page(&s, &c, &p, None).await
}

pub async fn reveal(State(s): State<AppState>, c: Ctx, Path(id): Path<i64>, Query(p): Query<DayParam>) -> PageResult {
    let a = staff(&c)?;
    let r = s.app.reveal_booking(&a, id).await.web(&c)?;
    day_page(&s, &c, &p, Some(r)).await
}

#[derive(Template)]
#[template(path = "booking/rules.html")]
struct RulesPage<'a> {
    c: &'a Ctx,
    nav: Vec<NavItem>,
    s: ServiceRow,
    f: BookingRulesInput,
    errors: FormErrors,
    saved: bool,
}

impl RulesPage<'_> {
    fn opens(&self) -> String {
        self.f.opens_at.clone().unwrap_or_default()
    }
    fn num(&self, field: &str) -> String {
        loose_str(match field {
            "slot_minutes" => &self.f.slot_minutes,
            "capacity_per_slot" => &self.f.capacity_per_slot,
            "daily_quota" => &self.f.daily_quota,
            "days_ahead" => &self.f.days_ahead,
            "check_in_before_minutes" => &self.f.check_in_before_minutes,
            _ => &self.f.check_in_after_minutes,
        })
    }
}

async fn rules_page(
    s: &AppState,
    c: &Ctx,
    id: i64,
    f: Option<BookingRulesInput>,
    errors: FormErrors,
    saved: bool,
) -> PageResult {
    let a = staff(c)?;
    let svc = s.app.service(Some(&a), id).await.web(c)?;
    if !a.manages_provider(svc.mpp_id, svc.provider_id) {
        return Err(WebError::In(c.lang, Error::Forbidden));
    }
    let f = match f {
        Some(f) => f,
        None => s.app.booking_rules(id).await.web(c)?.map(|r| BookingRulesInput::from_rules(&r)).unwrap_or_default(),
    };
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    render(RulesPage { c, nav: nav(&a, "/admin/layanan"), s: svc, f, errors, saved })
        .map(|r| (status, r).into_response())
}

pub async fn rules(
    State(s): State<AppState>,
    c: Ctx,
    Path(id): Path<i64>,
    Query(q): Query<super::admin::mpps::Saved>,
) -> PageResult {
    rules_page(&s, &c, id, None, FormErrors::default(), q.saved.is_some()).await
}

pub async fn save_rules(
    State(s): State<AppState>,
    c: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<BookingRulesInput>,
) -> PageResult {
    let a = staff(&c)?;
    match s.app.set_booking_rules(&a, id, &f).await {
        Ok(_) => Ok(Redirect::to(&format!("/admin/layanan/{id}/pemesanan?saved=1")).into_response()),
        Err(Error::Invalid(errs)) => {
            rules_page(&s, &c, id, Some(f), FormErrors::from_fields(c.lang, &errs), false).await
        }
        Err(e @ Error::Refused { .. }) => {
            let e = FormErrors::general(crate::error::message_of(c.lang, &e));
            rules_page(&s, &c, id, Some(f), e, false).await.map(|r| (StatusCode::CONFLICT, r).into_response())
        }
        Err(e) => Err(WebError::In(c.lang, e)),
    }
}

// --- the demo's messages ------------------------------------------------------------------

#[derive(Template)]
#[template(path = "booking/messages.html")]
struct MessagesPage<'a> {
    c: &'a Ctx,
    messages: Vec<ShownMessage>,
}

pub async fn demo_messages(State(s): State<AppState>, c: Ctx) -> PageResult {
    if !s.app.messaging.demo {
        return Err(WebError::In(c.lang, Error::NotFound));
    }
    let a = c.actor()?;
    let mut messages = s.app.demo_outbox(a, 50).await.web(&c)?;
    // Recipients stay masked here too.
    for m in &mut messages {
        m.to = if m.to.contains('@') { mask_email(&m.to) } else { mask_phone(&m.to) };
    }
    render(MessagesPage { c: &c, messages })
}
