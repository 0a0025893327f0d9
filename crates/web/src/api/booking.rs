//! Booking over the API: availability (served from memory), booking under
//! admission control, managing by code and NIK, kiosk check-in, staff lists.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use satuatap_domain::booking::BookingRules;
use satuatap_service::booking::{
    Availability, BookingInput, BookingListRow, BookingRulesInput, BookingView, RevealedBooking,
};
use satuatap_service::queue::{Caller, TicketView};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{ApiJson, ApiQuery, Id};
use crate::admission::{Admission, Admit, Place};
use crate::ctx::{Ctx, cookie};
use crate::error::{ApiError, ErrorEnvelope};
use crate::state::{AppState, WebResultExt};
use crate::throttle::{Throttle, bucket};

type ApiResult<T> = Result<Json<T>, ApiError>;

pub const PASS_COOKIE: &str = "sat_pass";

/// A service's bookable days and slots with the seats left (served from memory, at most 2 s old).
#[utoipa::path(get, path = "/services/{id}/availability", tag = "booking", params(("id" = i64, Path)),
    responses((status = 200, body = Availability),
        (status = 404, description = "`not_found`: no such service, or it takes no bookings", body = ErrorEnvelope),
        (status = 409, description = "`not_bookable`", body = ErrorEnvelope),
        (status = 429, body = ErrorEnvelope)))]
pub async fn availability(
    State(s): State<AppState>,
    c: Ctx,
    _: Throttle<bucket::Read>,
    Id(id): Id,
) -> Result<Response, ApiError> {
    let a: Arc<Availability> = s.app.availability(id).await.api(&c)?;
    let mut r = Json(&*a).into_response();
    r.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=2"));
    Ok(r)
}

/// Let a booking request in, or refuse with 429 and `Retry-After` (`waiting_room`
/// says where to queue).
pub(crate) async fn admitted(s: &AppState, c: &Ctx, headers: &HeaderMap) -> Result<crate::admission::Permit, ApiError> {
    match s.admission.admit(&s.app.keys, pass_of(headers).as_deref()).await {
        Admit::Go(p) => Ok(p),
        Admit::Busy => Err(ApiError::rate_limited(c.lang, 2)),
        Admit::Wait => Err(ApiError::waiting_room(c.lang)),
    }
}

/// The admission pass from a header (API clients) or cookie (pages).
pub fn pass_of(headers: &HeaderMap) -> Option<String> {
    headers
        .get("x-admission-pass")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
        .or_else(|| cookie(headers, PASS_COOKIE).map(str::to_string))
}

/// Book a slot.
///
/// The database decides the seat; a slot is never overbooked. Sending the same
/// `request_id` again (a double press, a retry) returns the same booking, even
/// when it took the slot's last seat. The code is shown and sent; NIK and contact
/// are stored sealed.
#[utoipa::path(post, path = "/bookings", tag = "booking", request_body = BookingInput,
    responses((status = 201, body = BookingView),
        (status = 409, description = "`slot_full`, `already_booked`, `quota_not_open`, `slot_past`, `too_many_no_shows`, `not_bookable`", body = ErrorEnvelope),
        (status = 429, description = "`rate_limited`, `nik_rate_limited`; `waiting_room`: take a place at `POST /api/v1/waiting-room` and send its pass as `X-Admission-Pass`", body = ErrorEnvelope)))]
pub async fn book(
    State(s): State<AppState>,
    c: Ctx,
    _: Throttle<bucket::Booking>,
    headers: HeaderMap,
    ApiJson(input): ApiJson<BookingInput>,
) -> Result<impl IntoResponse, ApiError> {
    let _permit = admitted(&s, &c, &headers).await?;
    let b = s.app.book(c.actor.as_ref(), &input).await.api(&c)?;
    Ok((StatusCode::CREATED, Json(b)))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct NikBody {
    pub nik: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct RescheduleBody {
    pub nik: String,
    pub slot_id: i64,
}

/// A booking by its code and the holder's NIK.
#[utoipa::path(post, path = "/bookings/{code}/lookup", tag = "booking", request_body = NikBody, params(("code" = String, Path)),
    responses((status = 200, body = BookingView),
        (status = 404, description = "`not_found`: no booking with this code and NIK", body = ErrorEnvelope),
        (status = 429, body = ErrorEnvelope)))]
pub async fn lookup(
    State(s): State<AppState>,
    c: Ctx,
    _: Throttle<bucket::Booking>,
    Path(code): Path<String>,
    ApiJson(b): ApiJson<NikBody>,
) -> ApiResult<BookingView> {
    Ok(Json(s.app.find_booking(&code, &b.nik).await.api(&c)?))
}

/// Cancel a booking (code and NIK); its seat is free again at once.
#[utoipa::path(post, path = "/bookings/{code}/cancel", tag = "booking", request_body = NikBody, params(("code" = String, Path)),
    responses((status = 200, body = BookingView), (status = 409, description = "`not_active`", body = ErrorEnvelope),
        (status = 429, body = ErrorEnvelope)))]
pub async fn cancel(
    State(s): State<AppState>,
    c: Ctx,
    _: Throttle<bucket::Booking>,
    Path(code): Path<String>,
    ApiJson(b): ApiJson<NikBody>,
) -> ApiResult<BookingView> {
    Ok(Json(s.app.cancel_booking(&code, &b.nik).await.api(&c)?))
}

/// Move a booking to another slot of the same service (code and NIK).
#[utoipa::path(post, path = "/bookings/{code}/reschedule", tag = "booking", request_body = RescheduleBody, params(("code" = String, Path)),
    responses((status = 200, body = BookingView),
        (status = 409, description = "`slot_full`, `slot_past`, `quota_not_open`, `not_active`, `already_booked`", body = ErrorEnvelope),
        (status = 429, body = ErrorEnvelope)))]
pub async fn reschedule(
    State(s): State<AppState>,
    c: Ctx,
    _: Throttle<bucket::Booking>,
    Path(code): Path<String>,
    ApiJson(b): ApiJson<RescheduleBody>,
) -> ApiResult<BookingView> {
    Ok(Json(s.app.reschedule_booking(&code, &b.nik, b.slot_id).await.api(&c)?))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct CheckInBody {
    /// The booking code, typed or scanned from its QR code.
    #[schema(example = "7KQ2-M9XD")]
    pub code: String,
}

#[derive(Serialize, ToSchema)]
pub struct CheckedIn {
    pub ticket: TicketView,
    pub token: String,
    /// The visitor's ticket page.
    pub url: String,
    /// The booked time (local `HH:MM`) the ticket is ordered by.
    pub booked_local: String,
}

/// Check a booking in at the MPP's kiosk: it becomes a queue ticket ordered by its slot time.
///
/// Only a paired kiosk of the MPP (`X-Device-Token`) or the MPP's staff may check in:
/// the booking code alone does not hand out the visitor's ticket.
#[utoipa::path(post, path = "/mpps/{id}/check-in", tag = "booking", request_body = CheckInBody, params(("id" = i64, Path)),
    security(("device" = []), ("session" = []), ("token" = [])),
    responses((status = 200, description = "A queue ticket ordered by the slot time", body = CheckedIn),
        (status = 403, description = "`device_required`: not a paired kiosk of this MPP", body = ErrorEnvelope),
        (status = 409, description = "`check_in_too_early` (`details.time`), `check_in_too_late` (take a walk-in ticket; `details.service_id`), `not_active`, `check_in_used`, `queue_closed`", body = ErrorEnvelope),
        (status = 429, body = ErrorEnvelope)))]
pub async fn check_in(
    State(s): State<AppState>,
    c: Ctx,
    _: Throttle<bucket::BookingCode>,
    Id(mpp): Id,
    ApiJson(b): ApiJson<CheckInBody>,
) -> ApiResult<CheckedIn> {
    let by = Caller { actor: c.actor.as_ref(), device: c.device.as_ref() };
    let done = s.app.check_in(by, mpp, &b.code).await.api(&c)?;
    let url = format!("/tiket/{}", done.token);
    Ok(Json(CheckedIn { ticket: done.ticket, url, token: done.token, booked_local: done.booked_local }))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DayParam {
    /// `YYYY-MM-DD` (default: today in the MPP's zone).
    day: Option<NaiveDate>,
}

/// A day's bookings by slot (staff; a provider's staff see their own provider's).
#[utoipa::path(get, path = "/mpps/{id}/bookings", tag = "booking", security(("session" = []), ("token" = [])), params(("id" = i64, Path), DayParam),
    responses((status = 200, description = "A day's bookings by slot; staff see their own provider's", body = [BookingListRow])))]
pub async fn day_list(
    State(s): State<AppState>,
    c: Ctx,
    Id(mpp): Id,
    ApiQuery(p): ApiQuery<DayParam>,
) -> ApiResult<Vec<BookingListRow>> {
    let a = c.api_actor()?;
    if let Some(d) = p.day {
        super::in_calendar(c.lang, "day", chrono::Datelike::year(&d))?;
    }
    let day = match p.day {
        Some(d) => d,
        None => s.app.local_day(&s.app.mpp(mpp).await.api(&c)?),
    };
    Ok(Json(s.app.day_bookings(a, mpp, day).await.api(&c)?))
}

/// A booking's NIK and contact in full (staff); every reveal is in the audit log.
#[utoipa::path(post, path = "/booking-records/{id}/personal-data", tag = "booking", security(("session" = []), ("token" = [])), params(("id" = i64, Path)),
    responses((status = 200, description = "NIK and contact in full; recorded in the audit log", body = RevealedBooking)))]
pub async fn reveal(State(s): State<AppState>, c: Ctx, Id(id): Id) -> ApiResult<RevealedBooking> {
    let a = c.api_actor()?;
    Ok(Json(s.app.reveal_booking(a, id).await.api(&c)?))
}

/// How a service offers appointments (404 when it takes none).
#[utoipa::path(get, path = "/services/{id}/booking-rules", tag = "booking", params(("id" = i64, Path)),
    responses((status = 200, body = BookingRules)))]
pub async fn rules(State(s): State<AppState>, c: Ctx, Id(id): Id) -> ApiResult<BookingRules> {
    let r = s.app.booking_rules(id).await.api(&c)?.ok_or_else(|| ApiError::not_found(c.lang))?;
    Ok(Json(r))
}

/// Set how a service offers appointments (its provider's admin or the MPP manager); takes what `GET` returns.
#[utoipa::path(put, path = "/services/{id}/booking-rules", tag = "booking", security(("session" = []), ("token" = [])), request_body = BookingRulesInput, params(("id" = i64, Path)),
    responses((status = 200, body = BookingRules),
        (status = 409, description = "`capacity_below_booked`: fewer seats than are booked", body = ErrorEnvelope)))]
pub async fn set_rules(
    State(s): State<AppState>,
    c: Ctx,
    Id(id): Id,
    ApiJson(input): ApiJson<BookingRulesInput>,
) -> ApiResult<BookingRules> {
    let a = c.api_actor()?;
    Ok(Json(s.app.set_booking_rules(a, id, &input).await.api(&c)?))
}

fn place_response(place: Place, secure: bool) -> Response {
    let mut r = Json(&place).into_response();
    if let Some(pass) = &place.pass {
        let mut cookie = format!("{PASS_COOKIE}={pass}; Path=/; Max-Age=600; SameSite=Lax; HttpOnly");
        if secure {
            cookie.push_str("; Secure");
        }
        if let Ok(v) = HeaderValue::from_str(&cookie) {
            r.headers_mut().append(header::SET_COOKIE, v);
        }
    } else if let Ok(v) = HeaderValue::from_str(&place.retry_after.to_string()) {
        r.headers_mut().insert(header::RETRY_AFTER, v);
    }
    r
}

/// Take a place in the waiting room (when bookings answer `waiting_room`).
#[utoipa::path(post, path = "/waiting-room", tag = "booking",
    responses((status = 200, description = "A place in line, admitted in arrival order", body = Place)))]
pub async fn join(State(s): State<AppState>) -> Response {
    place_response(s.admission.join(&s.app.keys), s.web.secure_cookies)
}

/// Where a place stands; once admitted it carries the pass for `X-Admission-Pass`.
#[utoipa::path(get, path = "/waiting-room/{token}", tag = "booking", params(("token" = String, Path)),
    responses((status = 200, body = Place)))]
pub async fn place(State(s): State<AppState>, c: Ctx, Path(token): Path<String>) -> Result<Response, ApiError> {
    let place = s.admission.place(&s.app.keys, &token).ok_or_else(|| ApiError::not_found(c.lang))?;
    Ok(place_response(place, s.web.secure_cookies))
}

/// Whether a page visitor may go to the booking form now.
pub fn page_admitted(s: &AppState, headers: &HeaderMap) -> bool {
    !s.admission.room_active() || pass_of(headers).is_some_and(|p| Admission::pass_valid(&s.app.keys, &p))
}
