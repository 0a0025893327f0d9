//! The queue over the API: kiosks and phones (public, by ticket token), boards
//! (snapshot and live events), and counter consoles (officers of the counter).

use std::convert::Infallible;
use std::time::Duration;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use futures::stream::{self, StreamExt};
use satuatap_domain::queue::CounterState;
use satuatap_service::board::sse_frame;
use satuatap_service::queue::{
    BoardSnapshot, ConsoleView, CounterServicesInput, FinishInput, IssueInput, QueueLine, QueueSettingsInput,
    TicketView, TransferInput,
};
use serde::{Deserialize, Serialize};
use tokio_stream::wrappers::BroadcastStream;
use utoipa::{IntoParams, ToSchema};

use super::dto::ApiErrorBody;
use super::{ApiJson, ApiQuery, Id};
use crate::ctx::Ctx;
use crate::error::ApiError;
use crate::state::{AppState, WebResultExt};

type ApiResult<T> = Result<Json<T>, ApiError>;

/// A ticket as returned by the API (see the service's `TicketView`).
#[derive(Serialize, ToSchema)]
#[schema(as = Ticket)]
pub struct TicketDoc {
    id: i64,
    code: String,
    /// `waiting`, `called`, `serving` or `done`.
    status: String,
    outcome: Option<String>,
    service_name: String,
    provider_name: String,
    counter_code: Option<String>,
    ahead: i64,
    estimate_minutes: Option<i64>,
}

/// A newly issued ticket: keep `token`; it opens the ticket's page and lets its holder cancel.
#[derive(Serialize, ToSchema)]
pub struct IssuedTicket {
    #[schema(value_type = TicketDoc)]
    pub ticket: TicketView,
    pub token: String,
    /// The holder's page (also in the QR code on the printed ticket).
    pub url: String,
}

#[utoipa::path(post, path = "/api/v1/mpps/{id}/tickets", tag = "queue", request_body = IssueInput, params(("id" = i64, Path)),
    responses((status = 201, body = IssuedTicket), (status = 409, description = "The MPP is closed", body = ApiErrorBody),
        (status = 422, body = ApiErrorBody), (status = 429, body = ApiErrorBody)))]
pub async fn issue(
    State(s): State<AppState>,
    c: Ctx,
    Id(mpp): Id,
    ApiJson(input): ApiJson<IssueInput>,
) -> Result<impl IntoResponse, ApiError> {
    if let Some(wait) = s.limits.check_ticket(c.ip.as_deref()) {
        return Err(ApiError::rate_limited(c.lang, wait));
    }
    let (ticket, token) = s.app.issue_ticket(mpp, &input).await.api(&c)?;
    let url = format!("/tiket/{token}");
    Ok((StatusCode::CREATED, Json(IssuedTicket { ticket, token, url })))
}

#[utoipa::path(get, path = "/api/v1/tickets/{token}", tag = "queue", params(("token" = String, Path)),
    responses((status = 200, body = TicketDoc), (status = 404, body = ApiErrorBody)))]
pub async fn ticket(State(s): State<AppState>, c: Ctx, Path(token): Path<String>) -> ApiResult<TicketView> {
    Ok(Json(s.app.ticket_by_token(&token).await.api(&c)?))
}

#[utoipa::path(post, path = "/api/v1/tickets/{token}/more-time", tag = "queue", params(("token" = String, Path)),
    responses((status = 200, body = TicketDoc), (status = 409, description = "Not called, or already used", body = ApiErrorBody)))]
pub async fn more_time(State(s): State<AppState>, c: Ctx, Path(token): Path<String>) -> ApiResult<TicketView> {
    Ok(Json(s.app.ticket_more_time(&token).await.api(&c)?))
}

#[utoipa::path(post, path = "/api/v1/tickets/{token}/cancel", tag = "queue", params(("token" = String, Path)),
    responses((status = 200, body = TicketDoc), (status = 409, body = ApiErrorBody)))]
pub async fn cancel(State(s): State<AppState>, c: Ctx, Path(token): Path<String>) -> ApiResult<TicketView> {
    Ok(Json(s.app.cancel_ticket(&token).await.api(&c)?))
}

/// Waiting tickets and estimates of one service.
#[derive(Serialize, ToSchema)]
#[schema(as = QueueLine)]
pub struct QueueLineDoc {
    service_id: i64,
    service_name: String,
    provider_name: String,
    zone: Option<String>,
    prefix: String,
    waiting: i64,
    open_counters: i64,
    average_service_minutes: i64,
    estimate_minutes: Option<i64>,
}

#[utoipa::path(get, path = "/api/v1/mpps/{id}/queue", tag = "queue", params(("id" = i64, Path)),
    responses((status = 200, body = [QueueLineDoc])))]
pub async fn overview(State(s): State<AppState>, c: Ctx, Id(mpp): Id) -> ApiResult<Vec<QueueLine>> {
    Ok(Json(s.app.queue_overview(mpp).await.api(&c)?))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
pub struct ZoneParam {
    /// Show one zone (floor or provider group) only.
    zone: Option<String>,
}

fn zone_of(p: &ZoneParam) -> Option<&str> {
    p.zone.as_deref().map(str::trim).filter(|z| !z.is_empty())
}

#[derive(Serialize, ToSchema)]
#[schema(as = BoardSnapshot)]
pub struct BoardDoc {
    mpp_name: String,
    time_zone: String,
    zones: Vec<String>,
    #[schema(value_type = Vec<Object>)]
    now_serving: Vec<serde_json::Value>,
    #[schema(value_type = Vec<QueueLineDoc>)]
    queues: Vec<serde_json::Value>,
    announcement: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/mpps/{id}/board", tag = "queue", params(("id" = i64, Path), ZoneParam),
    responses((status = 200, body = BoardDoc)))]
pub async fn board(
    State(s): State<AppState>,
    c: Ctx,
    Id(mpp): Id,
    ApiQuery(p): ApiQuery<ZoneParam>,
) -> ApiResult<BoardSnapshot> {
    Ok(Json(s.app.board_snapshot(mpp, zone_of(&p)).await.api(&c)?))
}

/// Server-sent events for boards, kiosks and phones: `snapshot` first (the same
/// body as `/board`), then `call`, `queue` and `reload` as they happen. Frames are
/// encoded once per message and shared by every connection.
#[utoipa::path(get, path = "/api/v1/mpps/{id}/events", tag = "queue", params(("id" = i64, Path), ZoneParam),
    responses((status = 200, description = "text/event-stream")))]
pub async fn events(
    State(s): State<AppState>,
    c: Ctx,
    Id(mpp): Id,
    ApiQuery(p): ApiQuery<ZoneParam>,
) -> Result<impl IntoResponse, ApiError> {
    let zone = zone_of(&p).map(str::to_string);
    // Subscribe before taking the snapshot so nothing falls between them.
    let rx = s.app.board.subscribe(mpp);
    let snapshot = s.app.board_snapshot(mpp, zone.as_deref()).await.api(&c)?;
    let mut first = bytes::BytesMut::from(&b"retry: 3000\n"[..]);
    first.extend_from_slice(&sse_frame("snapshot", &snapshot));
    let first = first.freeze();
    let live = BroadcastStream::new(rx).filter_map(move |m| {
        let zone = zone.clone();
        async move {
            match m {
                Ok(m) => (m.event != "call" || zone.is_none() || m.zone == zone).then(|| m.frame.clone()),
                // Too slow to keep up: make the screen fetch everything again.
                Err(_) => Some(bytes::Bytes::from_static(b"event: reload\ndata: {}\n\n")),
            }
        }
    });
    let mut pings = tokio::time::interval(Duration::from_secs(15));
    pings.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let pings =
        tokio_stream::wrappers::IntervalStream::new(pings).skip(1).map(|_| bytes::Bytes::from_static(b": ping\n\n"));
    let stream = stream::once(async move { first })
        .chain(stream::select(live, pings))
        .take_until(s.app.stopped())
        .map(Ok::<_, Infallible>);
    let headers = [
        (header::CONTENT_TYPE, "text/event-stream"),
        (header::CACHE_CONTROL, "no-cache"),
        (header::HeaderName::from_static("x-accel-buffering"), "no"),
    ];
    Ok((headers, axum::body::Body::from_stream(stream)))
}

// --- consoles ------------------------------------------------------------------------------

#[derive(Serialize, ToSchema)]
pub struct MyCounter {
    id: i64,
    code: String,
    name: String,
    provider_id: i64,
    provider_name: String,
    /// `closed`, `open` or `paused`.
    state: String,
}

#[utoipa::path(get, path = "/api/v1/me/counters", tag = "queue",
    responses((status = 200, description = "Counters the caller may operate", body = [MyCounter]), (status = 401, body = ApiErrorBody)))]
pub async fn my_counters(State(s): State<AppState>, c: Ctx) -> ApiResult<Vec<MyCounter>> {
    let a = c.api_actor()?;
    let rows = s.app.my_counters(a).await.api(&c)?;
    Ok(Json(
        rows.into_iter()
            .map(|k| MyCounter {
                id: k.id,
                code: k.code,
                name: k.name,
                provider_id: k.provider_id,
                provider_name: k.provider_name,
                state: k.state.0.as_str().into(),
            })
            .collect(),
    ))
}

#[derive(Serialize, ToSchema)]
#[schema(as = Console)]
pub struct ConsoleDoc {
    counter_id: i64,
    counter_code: String,
    state: String,
    #[schema(value_type = Option<TicketDoc>)]
    current: Option<serde_json::Value>,
    #[schema(value_type = Vec<Object>)]
    history: Vec<serde_json::Value>,
    requirements: Vec<String>,
    #[schema(value_type = Vec<QueueLineDoc>)]
    queues: Vec<serde_json::Value>,
}

#[utoipa::path(get, path = "/api/v1/counters/{id}/console", tag = "queue", params(("id" = i64, Path)),
    responses((status = 200, body = ConsoleDoc), (status = 403, body = ApiErrorBody)))]
pub async fn console(State(s): State<AppState>, c: Ctx, Id(id): Id) -> ApiResult<ConsoleView> {
    let a = c.api_actor()?;
    Ok(Json(s.app.console(a, id).await.api(&c)?))
}

async fn set_state(s: &AppState, c: &Ctx, id: i64, state: CounterState) -> ApiResult<ConsoleView> {
    let a = c.api_actor()?;
    Ok(Json(s.app.set_counter_state(a, id, state).await.api(c)?))
}

#[utoipa::path(post, path = "/api/v1/counters/{id}/open", tag = "queue", params(("id" = i64, Path)),
    responses((status = 200, body = ConsoleDoc), (status = 403, body = ApiErrorBody)))]
pub async fn open(State(s): State<AppState>, c: Ctx, Id(id): Id) -> ApiResult<ConsoleView> {
    set_state(&s, &c, id, CounterState::Open).await
}

#[utoipa::path(post, path = "/api/v1/counters/{id}/pause", tag = "queue", params(("id" = i64, Path)),
    responses((status = 200, body = ConsoleDoc), (status = 403, body = ApiErrorBody)))]
pub async fn pause(State(s): State<AppState>, c: Ctx, Id(id): Id) -> ApiResult<ConsoleView> {
    set_state(&s, &c, id, CounterState::Paused).await
}

#[utoipa::path(post, path = "/api/v1/counters/{id}/close", tag = "queue", params(("id" = i64, Path)),
    responses((status = 200, body = ConsoleDoc), (status = 409, description = "A ticket is still at the counter", body = ApiErrorBody)))]
pub async fn close(State(s): State<AppState>, c: Ctx, Id(id): Id) -> ApiResult<ConsoleView> {
    set_state(&s, &c, id, CounterState::Closed).await
}

#[derive(Serialize, ToSchema)]
pub struct CallResult {
    /// The ticket called, or none when nobody is waiting.
    #[schema(value_type = Option<TicketDoc>)]
    pub ticket: Option<TicketView>,
}

#[utoipa::path(post, path = "/api/v1/counters/{id}/call-next", tag = "queue", params(("id" = i64, Path)),
    responses((status = 200, body = CallResult), (status = 403, body = ApiErrorBody),
        (status = 409, description = "Counter not open, or a ticket is still at it", body = ApiErrorBody)))]
pub async fn call_next(State(s): State<AppState>, c: Ctx, Id(id): Id) -> ApiResult<CallResult> {
    let a = c.api_actor()?;
    Ok(Json(CallResult { ticket: s.app.call_next(a, id).await.api(&c)? }))
}

async fn act(
    s: &AppState,
    c: &Ctx,
    counter: i64,
    ticket: i64,
    action: &str,
    finish: Option<&FinishInput>,
) -> ApiResult<TicketView> {
    let a = c.api_actor()?;
    Ok(Json(s.app.ticket_action(a, counter, ticket, action, finish).await.api(c)?))
}

fn ids(c: &Ctx, counter: &str, ticket: &str) -> Result<(i64, i64), ApiError> {
    match (counter.parse(), ticket.parse()) {
        (Ok(a), Ok(b)) => Ok((a, b)),
        _ => Err(ApiError::not_found(c.lang)),
    }
}

#[utoipa::path(post, path = "/api/v1/counters/{id}/tickets/{ticket}/{action}", tag = "queue",
    params(("id" = i64, Path), ("ticket" = i64, Path), ("action" = String, Path, description = "`recall`, `start`, `no-show` or `return`")),
    responses((status = 200, body = TicketDoc), (status = 403, body = ApiErrorBody),
        (status = 409, description = "The ticket is no longer there, or needs a recall first", body = ApiErrorBody)))]
pub async fn ticket_action(
    State(s): State<AppState>,
    c: Ctx,
    Path((counter, ticket, action)): Path<(String, String, String)>,
) -> ApiResult<TicketView> {
    let (counter, ticket) = ids(&c, &counter, &ticket)?;
    if !matches!(action.as_str(), "recall" | "start" | "no-show" | "return") {
        return Err(ApiError::not_found(c.lang));
    }
    act(&s, &c, counter, ticket, &action, None).await
}

#[utoipa::path(post, path = "/api/v1/counters/{id}/tickets/{ticket}/finish", tag = "queue", request_body = FinishInput,
    params(("id" = i64, Path), ("ticket" = i64, Path)),
    responses((status = 200, body = TicketDoc), (status = 422, description = "A reason is required when not served", body = ApiErrorBody)))]
pub async fn finish(
    State(s): State<AppState>,
    c: Ctx,
    Path((counter, ticket)): Path<(String, String)>,
    ApiJson(input): ApiJson<FinishInput>,
) -> ApiResult<TicketView> {
    let (counter, ticket) = ids(&c, &counter, &ticket)?;
    act(&s, &c, counter, ticket, "finish", Some(&input)).await
}

#[utoipa::path(post, path = "/api/v1/counters/{id}/tickets/{ticket}/transfer", tag = "queue", request_body = TransferInput,
    params(("id" = i64, Path), ("ticket" = i64, Path)),
    responses((status = 200, body = TicketDoc), (status = 422, body = ApiErrorBody)))]
pub async fn transfer(
    State(s): State<AppState>,
    c: Ctx,
    Path((counter, ticket)): Path<(String, String)>,
    ApiJson(input): ApiJson<TransferInput>,
) -> ApiResult<TicketView> {
    let (counter, ticket) = ids(&c, &counter, &ticket)?;
    let a = c.api_actor()?;
    Ok(Json(s.app.transfer_ticket(a, counter, ticket, &input).await.api(&c)?))
}

#[utoipa::path(get, path = "/api/v1/ticket-history/{id}", tag = "queue", params(("id" = i64, Path)),
    responses((status = 200, description = "Every step of the ticket", body = [Object]), (status = 404, body = ApiErrorBody)))]
pub async fn history(State(s): State<AppState>, c: Ctx, Id(id): Id) -> Result<impl IntoResponse, ApiError> {
    let a = c.api_actor()?;
    Ok(Json(s.app.ticket_history(a, id).await.api(&c)?))
}

#[utoipa::path(put, path = "/api/v1/counters/{id}/services", tag = "queue", request_body = CounterServicesInput, params(("id" = i64, Path)),
    responses((status = 200, body = [i64]), (status = 403, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn set_services(
    State(s): State<AppState>,
    c: Ctx,
    Id(id): Id,
    ApiJson(input): ApiJson<CounterServicesInput>,
) -> ApiResult<Vec<i64>> {
    let a = c.api_actor()?;
    Ok(Json(s.app.set_counter_services(a, id, &input).await.api(&c)?))
}

#[utoipa::path(put, path = "/api/v1/mpps/{id}/queue-settings", tag = "queue", request_body = QueueSettingsInput, params(("id" = i64, Path)),
    responses((status = 200, body = Object), (status = 403, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn set_settings(
    State(s): State<AppState>,
    c: Ctx,
    Id(id): Id,
    ApiJson(input): ApiJson<QueueSettingsInput>,
) -> Result<impl IntoResponse, ApiError> {
    let a = c.api_actor()?;
    Ok(Json(s.app.set_queue_settings(a, id, &input).await.api(&c)?))
}
