//! The OSS help desk over the API: the desk of an MPP (public) and opening it,
//! group sessions (public list, registration through the booking machinery;
//! planning, attendance and cancelling for the desk's staff), consultation
//! records and their follow-ups.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use satuatap_service::booking::{BookingInput, BookingView};
use satuatap_service::oss::{
    ConsultationInput, ConsultationView, DeskOverview, FollowUpInput, OpenDeskInput, OssDesk, SessionDetail,
    SessionInput, SessionView,
};
use serde::Deserialize;
use utoipa::ToSchema;

use super::{ApiJson, Id};
use crate::ctx::Ctx;
use crate::error::{ApiError, ErrorEnvelope};
use crate::state::{AppState, WebResultExt};
use crate::throttle::{Throttle, bucket};

type ApiResult<T> = Result<Json<T>, ApiError>;

/// An MPP's OSS help desk: whether it runs, where it is, its consultation and session services.
#[utoipa::path(get, path = "/mpps/{id}/oss", tag = "oss", params(("id" = i64, Path)),
    responses((status = 200, body = OssDesk)))]
pub async fn desk(State(s): State<AppState>, c: Ctx, Id(id): Id) -> ApiResult<OssDesk> {
    Ok(Json(s.app.oss_desk(id).await.api(&c)?))
}

/// Open the desk (the MPP's managers): on an existing service, or a new one under a provider;
/// a "Sosialisasi OSS" service for group sessions is made beside it.
#[utoipa::path(post, path = "/mpps/{id}/oss", tag = "oss", security(("session" = []), ("token" = [])),
    params(("id" = i64, Path)), request_body = OpenDeskInput,
    responses((status = 200, body = OssDesk),
        (status = 422, description = "`invalid_input`: `service_id` or `provider_id` missing or not of this MPP", body = ErrorEnvelope)))]
pub async fn open(
    State(s): State<AppState>,
    c: Ctx,
    Id(id): Id,
    ApiJson(b): ApiJson<OpenDeskInput>,
) -> ApiResult<OssDesk> {
    let a = c.api_actor()?;
    Ok(Json(s.app.open_oss_desk(a, id, &b).await.api(&c)?))
}

/// The desk's worklist: open follow-ups by date, sessions ahead and past, the latest
/// consultations and the last 30 days' figures (its staff and the MPP's managers).
#[utoipa::path(get, path = "/mpps/{id}/oss/overview", tag = "oss", security(("session" = []), ("token" = [])),
    params(("id" = i64, Path)),
    responses((status = 200, body = DeskOverview)))]
pub async fn overview(State(s): State<AppState>, c: Ctx, Id(id): Id) -> ApiResult<DeskOverview> {
    let a = c.api_actor()?;
    Ok(Json(s.app.oss_overview(a, id).await.api(&c)?))
}

/// The group sessions ahead at an MPP, soonest first, with seats left (cancelled ones marked).
#[utoipa::path(get, path = "/mpps/{id}/oss-sessions", tag = "oss", params(("id" = i64, Path)),
    responses((status = 200, body = [SessionView])))]
pub async fn sessions(State(s): State<AppState>, c: Ctx, Id(id): Id) -> ApiResult<Vec<SessionView>> {
    Ok(Json(s.app.oss_sessions(id).await.api(&c)?))
}

/// Plan a group session (the desk's staff): date, local times, room and seats.
#[utoipa::path(post, path = "/mpps/{id}/oss-sessions", tag = "oss", security(("session" = []), ("token" = [])),
    params(("id" = i64, Path)), request_body = SessionInput,
    responses((status = 201, body = SessionView),
        (status = 409, description = "`oss_desk_not_open`; `conflict` with field `starts`: another session starts then", body = ErrorEnvelope),
        (status = 422, description = "`invalid_input`: a field is missing or out of range", body = ErrorEnvelope)))]
pub async fn create_session(
    State(s): State<AppState>,
    c: Ctx,
    Id(id): Id,
    ApiJson(b): ApiJson<SessionInput>,
) -> Result<impl IntoResponse, ApiError> {
    let a = c.api_actor()?;
    let v = s.app.create_oss_session(a, id, &b).await.api(&c)?;
    Ok((StatusCode::CREATED, Json(v)))
}

/// One group session (public).
#[utoipa::path(get, path = "/oss-sessions/{id}", tag = "oss", params(("id" = i64, Path)),
    responses((status = 200, body = SessionView)))]
pub async fn session(State(s): State<AppState>, c: Ctx, Id(id): Id) -> ApiResult<SessionView> {
    Ok(Json(s.app.oss_session(id).await.api(&c)?))
}

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct RegistrationBody {
    #[serde(default)]
    pub name: String,
    /// The 16-digit NIK of the person who will come.
    #[serde(default)]
    pub nik: String,
    /// A phone number or an e-mail address is required (for the confirmation).
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    /// Makes a retried submission return the same registration.
    #[serde(default)]
    pub request_id: Option<String>,
}

/// Register for a group session: a booking of the session's seats (never more than it has),
/// confirmed with a booking code like any booking.
#[utoipa::path(post, path = "/oss-sessions/{id}/registrations", tag = "oss", params(("id" = i64, Path)),
    request_body = RegistrationBody,
    responses((status = 201, body = BookingView),
        (status = 409, description = "`slot_full`, `already_booked`, `slot_past`, `oss_session_cancelled`, `too_many_no_shows`", body = ErrorEnvelope),
        (status = 429, description = "`rate_limited`, `nik_rate_limited`, `waiting_room`", body = ErrorEnvelope)))]
pub async fn register(
    State(s): State<AppState>,
    c: Ctx,
    _: Throttle<bucket::Booking>,
    headers: HeaderMap,
    Id(id): Id,
    ApiJson(b): ApiJson<RegistrationBody>,
) -> Result<impl IntoResponse, ApiError> {
    let _permit = super::booking::admitted(&s, &c, &headers).await?;
    let input = BookingInput {
        slot_id: None,
        name: b.name,
        nik: b.nik,
        phone: b.phone,
        email: b.email,
        request_id: b.request_id,
    };
    let v: BookingView = s.app.register_for_oss_session(c.actor.as_ref(), id, &input).await.api(&c)?;
    Ok((StatusCode::CREATED, Json(v)))
}

/// A session with its registrants, names masked (the desk's staff; the view is audited).
#[utoipa::path(get, path = "/oss-sessions/{id}/registrants", tag = "oss", security(("session" = []), ("token" = [])),
    params(("id" = i64, Path)),
    responses((status = 200, body = SessionDetail)))]
pub async fn registrants(State(s): State<AppState>, c: Ctx, Id(id): Id) -> ApiResult<SessionDetail> {
    let a = c.api_actor()?;
    Ok(Json(s.app.oss_session_detail(a, id).await.api(&c)?))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct AttendanceBody {
    pub booking_id: i64,
}

/// Mark a registrant present (from the session's day on).
#[utoipa::path(post, path = "/oss-sessions/{id}/attendance", tag = "oss", security(("session" = []), ("token" = [])),
    params(("id" = i64, Path)), request_body = AttendanceBody,
    responses((status = 200, body = SessionDetail),
        (status = 409, description = "`check_in_too_early`: before the session's day; `check_in_used`: marked already or cancelled", body = ErrorEnvelope)))]
pub async fn attendance(
    State(s): State<AppState>,
    c: Ctx,
    Id(id): Id,
    ApiJson(b): ApiJson<AttendanceBody>,
) -> ApiResult<SessionDetail> {
    let a = c.api_actor()?;
    Ok(Json(s.app.mark_oss_attended(a, id, b.booking_id).await.api(&c)?))
}

/// Cancel a session: registrations are cancelled and each registrant is told.
#[utoipa::path(post, path = "/oss-sessions/{id}/cancel", tag = "oss", security(("session" = []), ("token" = [])),
    params(("id" = i64, Path)),
    responses((status = 200, body = SessionView),
        (status = 409, description = "`oss_session_cancelled`: cancelled already", body = ErrorEnvelope)))]
pub async fn cancel(State(s): State<AppState>, c: Ctx, Id(id): Id) -> ApiResult<SessionView> {
    let a = c.api_actor()?;
    Ok(Json(s.app.cancel_oss_session(a, id).await.api(&c)?))
}

/// Record a consultation (the desk's staff): activity or KBLI, topic, outcome; an NIB, a
/// referral or a follow-up date as the outcome needs.
#[utoipa::path(post, path = "/mpps/{id}/oss-consultations", tag = "oss", security(("session" = []), ("token" = [])),
    params(("id" = i64, Path)), request_body = ConsultationInput,
    responses((status = 201, body = ConsultationView),
        (status = 409, description = "`oss_desk_not_open`; `consultation_recorded`: this visit's consultation is recorded already", body = ErrorEnvelope),
        (status = 422, description = "`invalid_input`", body = ErrorEnvelope)))]
pub async fn record(
    State(s): State<AppState>,
    c: Ctx,
    Id(id): Id,
    ApiJson(b): ApiJson<ConsultationInput>,
) -> Result<impl IntoResponse, ApiError> {
    let a = c.api_actor()?;
    let v = s.app.record_oss_consultation(a, id, &b).await.api(&c)?;
    Ok((StatusCode::CREATED, Json(v)))
}

/// Close a follow-up with what came of it (`nib`, `referred` or `answered`).
#[utoipa::path(post, path = "/oss-consultations/{id}/follow-up", tag = "oss", security(("session" = []), ("token" = [])),
    params(("id" = i64, Path)), request_body = FollowUpInput,
    responses((status = 200, body = ConsultationView),
        (status = 409, description = "`follow_up_closed`: closed already (or never a follow-up)", body = ErrorEnvelope),
        (status = 422, description = "`invalid_input`", body = ErrorEnvelope)))]
pub async fn follow_up(
    State(s): State<AppState>,
    c: Ctx,
    Id(id): Id,
    ApiJson(b): ApiJson<FollowUpInput>,
) -> ApiResult<ConsultationView> {
    let a = c.api_actor()?;
    Ok(Json(s.app.finish_oss_follow_up(a, id, &b).await.api(&c)?))
}
