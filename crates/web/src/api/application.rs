//! Applications over the API: registering a file at the counter, the
//! provider's worklist and steps (staff), and tracking by code (public).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use satuatap_domain::application::Step;
use satuatap_service::application::{ApplicationView, FileStepInput, IntakeInput, WorklistQuery};
use serde::Deserialize;
use utoipa::ToSchema;

use super::{ApiJson, ApiQuery, Id};
use crate::ctx::Ctx;
use crate::error::{ApiError, ErrorEnvelope};
use crate::state::{AppState, WebResultExt};
use crate::throttle::{Throttle, bucket};

type ApiResult<T> = Result<Json<T>, ApiError>;

/// Register a file handed in at the counter (from the visit being served, a booking, or neither).
/// Missing requirements put it in `needs_completion`; the tracking code is in `code`.
#[utoipa::path(post, path = "/applications", tag = "applications", security(("session" = []), ("token" = [])),
    request_body = IntakeInput,
    responses((status = 201, description = "Registered; print the receipt with `code`", body = ApplicationView),
        (status = 404, description = "`not_found`: the service, ticket or booking is not one this account may register files for at that MPP", body = ErrorEnvelope),
        (status = 409, description = "`application_not_tracked`: the standard has no time to complete", body = ErrorEnvelope)))]
pub async fn register(
    State(s): State<AppState>,
    c: Ctx,
    ApiJson(b): ApiJson<IntakeInput>,
) -> Result<impl IntoResponse, ApiError> {
    let a = c.api_actor()?;
    let v = s.app.register_application(a, &b).await.api(&c)?;
    Ok((StatusCode::CREATED, Json(v)))
}

/// An MPP's files, nearest deadline first (a provider's staff see their own).
#[utoipa::path(get, path = "/mpps/{id}/applications", tag = "applications", security(("session" = []), ("token" = [])),
    params(("id" = i64, Path), WorklistQuery),
    responses((status = 200, description = "Open files first, by deadline; late ones carry `late`", body = [ApplicationView]),
        (status = 422, description = "`invalid_input`: `state` is not one of `open`, `ready`, `done`, `all`", body = ErrorEnvelope)))]
pub async fn worklist(
    State(s): State<AppState>,
    c: Ctx,
    Id(id): Id,
    ApiQuery(q): ApiQuery<WorklistQuery>,
) -> ApiResult<Vec<ApplicationView>> {
    let a = c.api_actor()?;
    Ok(Json(s.app.applications(a, id, &q).await.api(&c)?))
}

/// One file with its steps and timeline (staff; the view is audited).
#[utoipa::path(get, path = "/applications/{id}", tag = "applications", security(("session" = []), ("token" = [])),
    params(("id" = i64, Path)),
    responses((status = 200, body = ApplicationView)))]
pub async fn get_one(State(s): State<AppState>, c: Ctx, Id(id): Id) -> ApiResult<ApplicationView> {
    let a = c.api_actor()?;
    Ok(Json(s.app.application(a, id).await.api(&c)?))
}

/// Move a file one step; `from` must be where it is, so two officers cannot both decide.
#[utoipa::path(post, path = "/applications/{id}/steps", tag = "applications", security(("session" = []), ("token" = [])),
    params(("id" = i64, Path)), request_body = FileStepInput,
    responses((status = 200, body = ApplicationView),
        (status = 409, description = "`application_changed`: moved meanwhile; `application_step_not_allowed`", body = ErrorEnvelope)))]
pub async fn step(
    State(s): State<AppState>,
    c: Ctx,
    Id(id): Id,
    ApiJson(b): ApiJson<FileStepInput>,
) -> ApiResult<ApplicationView> {
    let a = c.api_actor()?;
    Ok(Json(s.app.application_step(a, id, &b).await.api(&c)?))
}

/// A file's steps and deadline by its tracking code: no contact details, no officer names.
#[utoipa::path(get, path = "/application-tracking/{code}", tag = "applications", params(("code" = String, Path)),
    responses((status = 200, body = ApplicationView), (status = 429, body = ErrorEnvelope)))]
pub async fn track(
    State(s): State<AppState>,
    c: Ctx,
    _: Throttle<bucket::Read>,
    Path(code): Path<String>,
) -> ApiResult<ApplicationView> {
    Ok(Json(s.app.track_application(&code).await.api(&c)?))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct StepsBody {
    /// One middle step per line, "Nama" or "Nama | English"; empty for the default
    /// (Diverifikasi, Diproses).
    #[serde(default)]
    pub steps: Vec<String>,
}

/// The middle steps of a service's files, between receipt and the decision.
#[utoipa::path(get, path = "/services/{id}/application-steps", tag = "applications", params(("id" = i64, Path)),
    responses((status = 200, body = [Step])))]
pub async fn steps(State(s): State<AppState>, c: Ctx, Id(id): Id) -> ApiResult<Vec<Step>> {
    s.app.service(c.actor().ok(), id).await.api(&c)?;
    Ok(Json(s.app.application_steps(id).await.api(&c)?))
}

/// Set a service's middle steps (its provider's admins and the MPP's managers).
#[utoipa::path(put, path = "/services/{id}/application-steps", tag = "applications", security(("session" = []), ("token" = [])),
    params(("id" = i64, Path)), request_body = StepsBody,
    responses((status = 200, body = [Step])))]
pub async fn set_steps(
    State(s): State<AppState>,
    c: Ctx,
    Id(id): Id,
    ApiJson(b): ApiJson<StepsBody>,
) -> ApiResult<Vec<Step>> {
    let a = c.api_actor()?;
    Ok(Json(s.app.set_application_steps(a, id, &b.steps).await.api(&c)?))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct PickupBody {
    /// The tracking code on the receipt (`BRK-…`; prefix and dashes optional).
    pub code: String,
}

/// At the kiosk, a ticket to collect a finished file, by its tracking code.
///
/// Only a paired kiosk of the MPP (`X-Device-Token`) or its staff may ask; scanning
/// again returns the same ticket while it waits.
#[utoipa::path(post, path = "/mpps/{id}/application-pickups", tag = "applications", request_body = PickupBody,
    params(("id" = i64, Path)), security(("device" = []), ("session" = []), ("token" = [])),
    responses((status = 201, description = "A queue ticket for the file's service", body = crate::api::queue::IssuedTicket),
        (status = 403, description = "`device_required`: not a paired kiosk of this MPP", body = ErrorEnvelope),
        (status = 409, description = "`application_not_ready` (`details.step`), `queue_closed`", body = ErrorEnvelope),
        (status = 429, body = ErrorEnvelope)))]
pub async fn pickup(
    State(s): State<AppState>,
    c: Ctx,
    _: Throttle<bucket::BookingCode>,
    Id(mpp): Id,
    ApiJson(b): ApiJson<PickupBody>,
) -> Result<impl IntoResponse, ApiError> {
    let by = satuatap_service::queue::Caller { actor: c.actor.as_ref(), device: c.device.as_ref() };
    let (ticket, token) = s.app.pickup_ticket(by, mpp, &b.code).await.api(&c)?;
    let url = format!("/tiket/{token}");
    Ok((StatusCode::CREATED, Json(crate::api::queue::IssuedTicket { ticket, token, url })))
}
