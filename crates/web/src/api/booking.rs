//! Booking over the API: availability (served from memory), booking under
//! admission control, managing by code and NIK, kiosk check-in, staff lists.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use satuatap_service::booking::{
    Availability, BookingInput, BookingListRow, BookingRulesInput, BookingView, RevealedBooking,
};
use satuatap_service::queue::TicketView;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::dto::ApiErrorBody;
use super::{ApiJson, ApiQuery, Id};
use crate::admission::{Admission, Admit, Place};
use crate::ctx::{Ctx, cookie};
use crate::error::ApiError;
use crate::state::{AppState, WebResultExt};

type ApiResult<T> = Result<Json<T>, ApiError>;

pub const PASS_COOKIE: &str = "sat_pass";

/// A service's bookable days (see the service's `Availability`).
#[derive(Serialize, ToSchema)]
#[schema(as = Availability)]
pub struct AvailabilityDoc {
    service_id: i64,
    time_zone: String,
    /// Days in order; each `{day, open, opens_local, slots: [{id, starts_local, ends_local, capacity, left}]}`.
    #[schema(value_type = Vec<Object>)]
    days: Vec<serde_json::Value>,
}

#[utoipa::path(get, path = "/api/v1/services/{id}/availability", tag = "booking", params(("id" = i64, Path)),
    responses((status = 200, body = AvailabilityDoc), (status = 404, description = "Not bookable", body = ApiErrorBody),
        (status = 429, body = ApiErrorBody)))]
pub async fn availability(State(s): State<AppState>, c: Ctx, Id(id): Id) -> Result<Response, ApiError> {
    if let Some(wait) = s.limits.check_read(c.ip.as_deref()) {
        return Err(ApiError::rate_limited(c.lang, wait));
    }
    let a: Arc<Availability> = s.app.availability(id).await.api(&c)?;
    let mut r = Json(&*a).into_response();
    r.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=2"));
    Ok(r)
}

/// A booking as its holder sees it (NIK and contact masked).
#[derive(Serialize, ToSchema)]
#[schema(as = Booking)]
pub struct BookingDoc {
    code: String,
    /// `active`, `checked_in`, `cancelled` or `no_show`.
    status: String,
    service_name: String,
    mpp_name: String,
    day: NaiveDate,
    starts_local: String,
    nik_masked: String,
    check_in_from: String,
    check_in_until: String,
}

/// Refuse with 429 and `Retry-After`; `waiting_room` says where to queue.
fn too_busy(c: &Ctx, wait: bool) -> ApiError {
    if wait { ApiError::waiting_room(c.lang) } else { ApiError::rate_limited(c.lang, 2) }
}

/// The admission pass from a header (API clients) or cookie (pages).
pub fn pass_of(headers: &HeaderMap) -> Option<String> {
    headers
        .get("x-admission-pass")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
        .or_else(|| cookie(headers, PASS_COOKIE).map(str::to_string))
}

#[utoipa::path(post, path = "/api/v1/bookings", tag = "booking", request_body = BookingInput,
    responses((status = 201, body = BookingDoc),
        (status = 409, description = "`slot_full`, `already_booked`, `quota_not_open`, `slot_past`, `too_many_no_shows`", body = ApiErrorBody),
        (status = 422, body = ApiErrorBody),
        (status = 429, description = "Too many requests (`Retry-After`); `waiting_room`: queue at `/api/v1/waiting-room`", body = ApiErrorBody)))]
pub async fn book(
    State(s): State<AppState>,
    c: Ctx,
    headers: HeaderMap,
    ApiJson(input): ApiJson<BookingInput>,
) -> Result<impl IntoResponse, ApiError> {
    if let Some(wait) = s.limits.check_booking(c.ip.as_deref()) {
        return Err(ApiError::rate_limited(c.lang, wait));
    }
    let _permit = match s.admission.admit(&s.app.keys, pass_of(&headers).as_deref()).await {
        Admit::Go(p) => p,
        Admit::Busy => return Err(too_busy(&c, false)),
        Admit::Wait => return Err(too_busy(&c, true)),
    };
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

#[utoipa::path(post, path = "/api/v1/bookings/{code}/lookup", tag = "booking", request_body = NikBody, params(("code" = String, Path)),
    responses((status = 200, body = BookingDoc), (status = 404, description = "No booking with this code and NIK", body = ApiErrorBody)))]
pub async fn lookup(
    State(s): State<AppState>,
    c: Ctx,
    Path(code): Path<String>,
    ApiJson(b): ApiJson<NikBody>,
) -> ApiResult<BookingView> {
    if let Some(wait) = s.limits.check_booking(c.ip.as_deref()) {
        return Err(ApiError::rate_limited(c.lang, wait));
    }
    Ok(Json(s.app.find_booking(&code, &b.nik).await.api(&c)?))
}

#[utoipa::path(post, path = "/api/v1/bookings/{code}/cancel", tag = "booking", request_body = NikBody, params(("code" = String, Path)),
    responses((status = 200, body = BookingDoc), (status = 404, body = ApiErrorBody), (status = 409, body = ApiErrorBody)))]
pub async fn cancel(
    State(s): State<AppState>,
    c: Ctx,
    Path(code): Path<String>,
    ApiJson(b): ApiJson<NikBody>,
) -> ApiResult<BookingView> {
    if let Some(wait) = s.limits.check_booking(c.ip.as_deref()) {
        return Err(ApiError::rate_limited(c.lang, wait));
    }
    Ok(Json(s.app.cancel_booking(&code, &b.nik).await.api(&c)?))
}

#[utoipa::path(post, path = "/api/v1/bookings/{code}/reschedule", tag = "booking", request_body = RescheduleBody, params(("code" = String, Path)),
    responses((status = 200, body = BookingDoc), (status = 404, body = ApiErrorBody), (status = 409, body = ApiErrorBody)))]
pub async fn reschedule(
    State(s): State<AppState>,
    c: Ctx,
    Path(code): Path<String>,
    ApiJson(b): ApiJson<RescheduleBody>,
) -> ApiResult<BookingView> {
    if let Some(wait) = s.limits.check_booking(c.ip.as_deref()) {
        return Err(ApiError::rate_limited(c.lang, wait));
    }
    Ok(Json(s.app.reschedule_booking(&code, &b.nik, b.slot_id).await.api(&c)?))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct CheckInBody {
    /// The booking code, typed or scanned from its QR code.
    pub code: String,
}

#[derive(Serialize, ToSchema)]
pub struct CheckedIn {
    #[schema(value_type = super::queue::TicketDoc)]
    pub ticket: TicketView,
    pub token: String,
    /// The visitor's ticket page.
    pub url: String,
    /// The booked time (local `HH:MM`) the ticket is ordered by.
    pub booked_local: String,
}

#[utoipa::path(post, path = "/api/v1/mpps/{id}/check-in", tag = "booking", request_body = CheckInBody, params(("id" = i64, Path)),
    responses((status = 200, description = "A queue ticket ordered by the slot time", body = CheckedIn),
        (status = 404, body = ApiErrorBody),
        (status = 409, description = "`check_in_too_early` (message says when), `check_in_too_late` (take a walk-in ticket), `not_active`", body = ApiErrorBody)))]
pub async fn check_in(
    State(s): State<AppState>,
    c: Ctx,
    Id(mpp): Id,
    ApiJson(b): ApiJson<CheckInBody>,
) -> ApiResult<CheckedIn> {
    if let Some(wait) = s.limits.check_ticket(c.ip.as_deref()) {
        return Err(ApiError::rate_limited(c.lang, wait));
    }
    let done = s.app.check_in(mpp, &b.code).await.api(&c)?;
    let url = format!("/tiket/{}", done.token);
    Ok(Json(CheckedIn { ticket: done.ticket, url, token: done.token, booked_local: done.booked_local }))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
pub struct DayParam {
    /// `YYYY-MM-DD` (default: today in the MPP's zone).
    day: Option<NaiveDate>,
}

#[derive(Serialize, ToSchema)]
#[schema(as = BookingListRow)]
pub struct BookingRowDoc {
    id: i64,
    code: String,
    status: String,
    starts_local: String,
    service_name: String,
    name: String,
    nik_masked: String,
}

#[utoipa::path(get, path = "/api/v1/mpps/{id}/bookings", tag = "booking", params(("id" = i64, Path), DayParam),
    responses((status = 200, description = "A day's bookings by slot; staff see their own provider's", body = [BookingRowDoc]),
        (status = 403, body = ApiErrorBody)))]
pub async fn day_list(
    State(s): State<AppState>,
    c: Ctx,
    Id(mpp): Id,
    ApiQuery(p): ApiQuery<DayParam>,
) -> ApiResult<Vec<BookingListRow>> {
    let a = c.api_actor()?;
    let day = match p.day {
        Some(d) => d,
        None => s.app.local_day(&s.app.mpp(mpp).await.api(&c)?),
    };
    Ok(Json(s.app.day_bookings(a, mpp, day).await.api(&c)?))
}

#[derive(Serialize, ToSchema)]
#[schema(as = RevealedBooking)]
pub struct RevealedDoc {
    code: String,
    name: String,
    nik: String,
    phone: Option<String>,
    email: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/booking-records/{id}/personal-data", tag = "booking", params(("id" = i64, Path)),
    responses((status = 200, description = "NIK and contact in full; recorded in the audit log", body = RevealedDoc),
        (status = 404, body = ApiErrorBody)))]
pub async fn reveal(State(s): State<AppState>, c: Ctx, Id(id): Id) -> ApiResult<RevealedBooking> {
    let a = c.api_actor()?;
    Ok(Json(s.app.reveal_booking(a, id).await.api(&c)?))
}

#[utoipa::path(get, path = "/api/v1/services/{id}/booking-rules", tag = "booking", params(("id" = i64, Path)),
    responses((status = 200, body = Object), (status = 404, body = ApiErrorBody)))]
pub async fn rules(State(s): State<AppState>, c: Ctx, Id(id): Id) -> Result<impl IntoResponse, ApiError> {
    let r = s.app.booking_rules(id).await.api(&c)?.ok_or_else(|| ApiError::not_found(c.lang))?;
    Ok(Json(r))
}

#[utoipa::path(put, path = "/api/v1/services/{id}/booking-rules", tag = "booking", request_body = BookingRulesInput, params(("id" = i64, Path)),
    responses((status = 200, body = Object), (status = 403, body = ApiErrorBody),
        (status = 409, description = "`capacity_below_booked`", body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn set_rules(
    State(s): State<AppState>,
    c: Ctx,
    Id(id): Id,
    ApiJson(input): ApiJson<BookingRulesInput>,
) -> Result<impl IntoResponse, ApiError> {
    let a = c.api_actor()?;
    Ok(Json(s.app.set_booking_rules(a, id, &input).await.api(&c)?))
}

#[derive(Serialize, ToSchema)]
#[schema(as = WaitingRoomPlace)]
pub struct PlaceDoc {
    token: String,
    position: u64,
    ahead: u64,
    admitted: bool,
    pass: Option<String>,
    retry_after: u64,
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

#[utoipa::path(post, path = "/api/v1/waiting-room", tag = "booking",
    responses((status = 200, description = "A place in line, admitted in arrival order", body = PlaceDoc)))]
pub async fn join(State(s): State<AppState>) -> Response {
    place_response(s.admission.join(&s.app.keys), s.web.secure_cookies)
}

#[utoipa::path(get, path = "/api/v1/waiting-room/{token}", tag = "booking", params(("token" = String, Path)),
    responses((status = 200, body = PlaceDoc), (status = 404, body = ApiErrorBody)))]
pub async fn place(State(s): State<AppState>, c: Ctx, Path(token): Path<String>) -> Result<Response, ApiError> {
    let place = s.admission.place(&s.app.keys, &token).ok_or_else(|| ApiError::not_found(c.lang))?;
    Ok(place_response(place, s.web.secure_cookies))
}

/// Whether a page visitor may go to the booking form now.
pub fn page_admitted(s: &AppState, headers: &HeaderMap) -> bool {
    !s.admission.room_active() || pass_of(headers).is_some_and(|p| Admission::pass_valid(&s.app.keys, &p))
}
