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
    BoardSnapshot, Caller, ConsoleView, CounterServicesInput, FinishInput, IssueInput, QueueLine, QueueSettingsInput,
    QueueSettingsView, TicketView, TransferInput,
};
use satuatap_service::ticket_alerts::{TicketAlertInput, TicketAlertView};
use satuatap_store::TicketEventRow;
use serde::{Deserialize, Serialize};
use tokio_stream::wrappers::BroadcastStream;
use utoipa::{IntoParams, ToSchema};

use super::{ApiJson, ApiQuery, Id};
use crate::ctx::Ctx;
use crate::error::{ApiError, ErrorEnvelope};
use crate::state::{AppState, WebResultExt};
use crate::throttle::{Throttle, bucket};

type ApiResult<T> = Result<Json<T>, ApiError>;

/// A newly issued ticket: keep `token`; it opens the ticket's page and lets its holder cancel.
#[derive(Serialize, ToSchema)]
pub struct IssuedTicket {
    pub ticket: TicketView,
    pub token: String,
    /// The holder's page (also in the QR code on the printed ticket).
    pub url: String,
}

/// Take a walk-in ticket.
///
/// From a kiosk (`source` `kiosk`, the default) this needs a paired kiosk of the MPP
/// (`X-Device-Token`) or its staff; a phone takes a `web` ticket without either.
/// Sending the same `request_id` again returns the same ticket.
#[utoipa::path(post, path = "/mpps/{id}/tickets", tag = "queue", request_body = IssueInput, params(("id" = i64, Path)),
    security((), ("device" = []), ("session" = []), ("token" = [])),
    responses((status = 201, body = IssuedTicket),
        (status = 403, description = "`device_required`: a kiosk ticket from a device that is not a paired kiosk of this MPP", body = ErrorEnvelope),
        (status = 409, description = "`queue_closed`: the MPP is not issuing tickets now; `walk_in_quota_reached` (`details.quota`): the service's walk-in numbers for today are all given; `walk_in_closed` (`details.time`): past the service's last-ticket time", body = ErrorEnvelope),
        (status = 429, body = ErrorEnvelope)))]
pub async fn issue(
    State(s): State<AppState>,
    c: Ctx,
    _: Throttle<bucket::Ticket>,
    Id(mpp): Id,
    ApiJson(input): ApiJson<IssueInput>,
) -> Result<impl IntoResponse, ApiError> {
    let by = Caller { actor: c.actor.as_ref(), device: c.device.as_ref() };
    let (ticket, token) = s.app.issue_ticket(by, mpp, &input).await.api(&c)?;
    let url = format!("/tiket/{token}");
    Ok((StatusCode::CREATED, Json(IssuedTicket { ticket, token, url })))
}

/// A ticket as its holder sees it, by the token in its QR code.
#[utoipa::path(get, path = "/tickets/{token}", tag = "queue", params(("token" = String, Path)),
    responses((status = 200, body = TicketView)))]
pub async fn ticket(State(s): State<AppState>, c: Ctx, Path(token): Path<String>) -> ApiResult<TicketView> {
    Ok(Json(s.app.ticket_by_token(&token).await.api(&c)?))
}

/// "I need more time": once, a called ticket goes back a few minutes.
#[utoipa::path(post, path = "/tickets/{token}/more-time", tag = "queue", params(("token" = String, Path)),
    responses((status = 200, body = TicketView),
        (status = 409, description = "`more_time_unavailable`: not called, or already used", body = ErrorEnvelope)))]
pub async fn more_time(State(s): State<AppState>, c: Ctx, Path(token): Path<String>) -> ApiResult<TicketView> {
    Ok(Json(s.app.ticket_more_time(&token).await.api(&c)?))
}

/// The holder gives up their place.
#[utoipa::path(post, path = "/tickets/{token}/cancel", tag = "queue", params(("token" = String, Path)),
    responses((status = 200, body = TicketView),
        (status = 409, description = "`ticket_not_cancellable`: only a waiting or called ticket", body = ErrorEnvelope)))]
pub async fn cancel(State(s): State<AppState>, c: Ctx, Path(token): Path<String>) -> ApiResult<TicketView> {
    Ok(Json(s.app.cancel_ticket(&token).await.api(&c)?))
}

/// Whether the ticket's holder gets a "your turn is near" message, and on which number (masked).
#[utoipa::path(get, path = "/tickets/{token}/alert", tag = "queue", params(("token" = String, Path)),
    responses((status = 200, body = TicketAlertView)))]
pub async fn alert(State(s): State<AppState>, c: Ctx, Path(token): Path<String>) -> ApiResult<TicketAlertView> {
    Ok(Json(s.app.ticket_alert(&token).await.api(&c)?))
}

/// Leave (or change) a phone number on a waiting ticket: one SMS/WhatsApp message goes
/// when the MPP's number of people (`ahead_at`) or fewer are ahead, or when it is called.
#[utoipa::path(put, path = "/tickets/{token}/alert", tag = "queue", params(("token" = String, Path)),
    request_body = TicketAlertInput,
    responses((status = 200, body = TicketAlertView),
        (status = 409, description = "`near_turn_off`: the MPP sends no such messages; `near_turn_closed`: the ticket was called or finished", body = ErrorEnvelope),
        (status = 422, description = "`invalid_input`: `phone` missing or not a phone number", body = ErrorEnvelope),
        (status = 429, body = ErrorEnvelope)))]
pub async fn set_alert(
    State(s): State<AppState>,
    c: Ctx,
    _: Throttle<bucket::Ticket>,
    Path(token): Path<String>,
    ApiJson(input): ApiJson<TicketAlertInput>,
) -> ApiResult<TicketAlertView> {
    Ok(Json(s.app.set_ticket_alert(&token, &input).await.api(&c)?))
}

/// Take the number back before the message went (it is forgotten).
#[utoipa::path(delete, path = "/tickets/{token}/alert", tag = "queue", params(("token" = String, Path)),
    responses((status = 200, body = TicketAlertView)))]
pub async fn remove_alert(State(s): State<AppState>, c: Ctx, Path(token): Path<String>) -> ApiResult<TicketAlertView> {
    Ok(Json(s.app.remove_ticket_alert(&token).await.api(&c)?))
}

/// Waiting counts and estimates per service, for kiosks.
#[utoipa::path(get, path = "/mpps/{id}/queue", tag = "queue", params(("id" = i64, Path)),
    responses((status = 200, body = [QueueLine])))]
pub async fn overview(State(s): State<AppState>, c: Ctx, Id(mpp): Id) -> ApiResult<Vec<QueueLine>> {
    Ok(Json(s.app.queue_overview(mpp).await.api(&c)?))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ZoneParam {
    /// Show one zone (floor or provider group) only.
    zone: Option<String>,
}

fn zone_of(p: &ZoneParam) -> Option<&str> {
    p.zone.as_deref().map(str::trim).filter(|z| !z.is_empty())
}

/// What a display board shows now.
#[utoipa::path(get, path = "/mpps/{id}/board", tag = "queue", params(("id" = i64, Path), ZoneParam),
    responses((status = 200, body = BoardSnapshot)))]
pub async fn board(
    State(s): State<AppState>,
    c: Ctx,
    Id(mpp): Id,
    ApiQuery(p): ApiQuery<ZoneParam>,
) -> ApiResult<BoardSnapshot> {
    Ok(Json(s.app.board_snapshot(mpp, zone_of(&p)).await.api(&c)?))
}

/// One server-sent event of `/events`, as the stream carries it.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct LiveEvent {
    /// `snapshot`, `call`, `queue` or `reload`.
    event: Option<String>,
    /// JSON: a `BoardSnapshot` for `snapshot`, a `CallView` for `call`, queue lines for `queue`.
    data: String,
    /// Milliseconds the browser waits before reconnecting (on the first event).
    retry: Option<u64>,
    id: Option<String>,
}

/// Live events for boards, kiosks and phones.
///
/// Server-sent events: `snapshot` first (the body of `/board`), then `call`, `queue`
/// and `reload` as they happen; a `: ping` comment every 15 s. Frames are encoded
/// once per message and shared by every connection.
#[utoipa::path(get, path = "/mpps/{id}/events", tag = "queue", params(("id" = i64, Path), ZoneParam),
    responses((status = 200, description = "An event stream", content_type = "text/event-stream", body = LiveEvent)))]
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

/// A counter the caller may operate.
#[derive(Serialize, ToSchema)]
pub struct MyCounter {
    id: i64,
    code: String,
    name: String,
    provider_id: i64,
    provider_name: String,
    state: CounterState,
}

/// The counters the caller may operate.
#[utoipa::path(get, path = "/me/counters", tag = "queue", security(("session" = []), ("token" = [])),
    responses((status = 200, body = [MyCounter])))]
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
                state: k.state.0,
            })
            .collect(),
    ))
}

/// What a counter's console shows.
#[utoipa::path(get, path = "/counters/{id}/console", tag = "queue", params(("id" = i64, Path)),
    security(("session" = []), ("token" = [])), responses((status = 200, body = ConsoleView),
        (status = 409, description = "`counter_inactive`: the counter was taken out of use", body = ErrorEnvelope)))]
pub async fn console(State(s): State<AppState>, c: Ctx, Id(id): Id) -> ApiResult<ConsoleView> {
    let a = c.api_actor()?;
    Ok(Json(s.app.console(a, id).await.api(&c)?))
}

async fn set_state(s: &AppState, c: &Ctx, id: i64, state: CounterState) -> ApiResult<ConsoleView> {
    let a = c.api_actor()?;
    Ok(Json(s.app.set_counter_state(a, id, state).await.api(c)?))
}

/// Open the counter (start calling).
#[utoipa::path(post, path = "/counters/{id}/open", tag = "queue", params(("id" = i64, Path)),
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = ConsoleView),
        (status = 409, description = "`counter_inactive`: switched off by an administrator", body = ErrorEnvelope)))]
pub async fn open(State(s): State<AppState>, c: Ctx, Id(id): Id) -> ApiResult<ConsoleView> {
    set_state(&s, &c, id, CounterState::Open).await
}

/// Pause the counter (a break): it calls no one until opened again.
#[utoipa::path(post, path = "/counters/{id}/pause", tag = "queue", params(("id" = i64, Path)),
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = ConsoleView),
        (status = 409, description = "`counter_inactive`, `ticket_at_counter`", body = ErrorEnvelope)))]
pub async fn pause(State(s): State<AppState>, c: Ctx, Id(id): Id) -> ApiResult<ConsoleView> {
    set_state(&s, &c, id, CounterState::Paused).await
}

/// Close the counter for the day.
#[utoipa::path(post, path = "/counters/{id}/close", tag = "queue", params(("id" = i64, Path)),
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = ConsoleView),
        (status = 409, description = "`ticket_at_counter`: finish or return the current ticket first", body = ErrorEnvelope)))]
pub async fn close(State(s): State<AppState>, c: Ctx, Id(id): Id) -> ApiResult<ConsoleView> {
    set_state(&s, &c, id, CounterState::Closed).await
}

#[derive(Serialize, ToSchema)]
pub struct CallResult {
    /// The ticket called, or none when nobody is waiting.
    pub ticket: Option<TicketView>,
}

/// Call the next ticket: priority groups and bookings first, by arrival; never one twice.
#[utoipa::path(post, path = "/counters/{id}/call-next", tag = "queue", params(("id" = i64, Path)),
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = CallResult),
        (status = 409, description = "`counter_not_open`, `ticket_at_counter`, `counter_inactive`", body = ErrorEnvelope)))]
pub async fn call_next(State(s): State<AppState>, c: Ctx, Id(id): Id) -> ApiResult<CallResult> {
    let a = c.api_actor()?;
    Ok(Json(CallResult { ticket: s.app.call_next(a, id).await.api(&c)? }))
}

/// Call one waiting ticket out of turn (the console's waiting list).
#[utoipa::path(post, path = "/counters/{id}/call/{ticket}", tag = "queue",
    params(("id" = i64, Path), ("ticket" = i64, Path)),
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = TicketView),
        (status = 409, description = "`ticket_not_waiting`: called by another counter, cancelled, or not for this counter; `counter_not_open`, `ticket_at_counter`, `counter_inactive`", body = ErrorEnvelope)))]
pub async fn call_ticket(
    State(s): State<AppState>,
    c: Ctx,
    Path((counter, ticket)): Path<(String, String)>,
) -> ApiResult<TicketView> {
    let (counter, ticket) = ids(&c, &counter, &ticket)?;
    let a = c.api_actor()?;
    Ok(Json(s.app.call_ticket(a, counter, ticket).await.api(&c)?))
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

/// Act on the ticket at the counter: `recall`, `start` serving, `no-show`, or `return` it to the queue.
#[utoipa::path(post, path = "/counters/{id}/tickets/{ticket}/{action}", tag = "queue",
    params(("id" = i64, Path), ("ticket" = i64, Path),
        ("action" = String, Path, description = "`recall`, `start`, `no-show` or `return`")),
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = TicketView),
        (status = 409, description = "`ticket_moved`: no longer at this counter; `recall_first`: call again before a no-show", body = ErrorEnvelope)))]
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

/// Finish the ticket at the counter, served or not (with a reason).
#[utoipa::path(post, path = "/counters/{id}/tickets/{ticket}/finish", tag = "queue", request_body = FinishInput,
    params(("id" = i64, Path), ("ticket" = i64, Path)), security(("session" = []), ("token" = [])),
    responses((status = 200, body = TicketView),
        (status = 409, description = "`ticket_moved`", body = ErrorEnvelope)))]
pub async fn finish(
    State(s): State<AppState>,
    c: Ctx,
    Path((counter, ticket)): Path<(String, String)>,
    ApiJson(input): ApiJson<FinishInput>,
) -> ApiResult<TicketView> {
    let (counter, ticket) = ids(&c, &counter, &ticket)?;
    act(&s, &c, counter, ticket, "finish", Some(&input)).await
}

/// Send the ticket at the counter to another service (or counter).
#[utoipa::path(post, path = "/counters/{id}/tickets/{ticket}/transfer", tag = "queue", request_body = TransferInput,
    params(("id" = i64, Path), ("ticket" = i64, Path)), security(("session" = []), ("token" = [])),
    responses((status = 200, body = TicketView),
        (status = 409, description = "`ticket_moved`", body = ErrorEnvelope)))]
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

/// Every step of a ticket, with who and when (staff of its MPP).
#[utoipa::path(get, path = "/ticket-history/{id}", tag = "queue", params(("id" = i64, Path)),
    security(("session" = []), ("token" = [])), responses((status = 200, body = [TicketEventRow])))]
pub async fn history(State(s): State<AppState>, c: Ctx, Id(id): Id) -> ApiResult<Vec<TicketEventRow>> {
    let a = c.api_actor()?;
    Ok(Json(s.app.ticket_history(a, id).await.api(&c)?))
}

/// Choose which of its provider's services a counter calls.
#[utoipa::path(put, path = "/counters/{id}/services", tag = "queue", request_body = CounterServicesInput,
    params(("id" = i64, Path)), security(("session" = []), ("token" = [])),
    responses((status = 200, description = "The services the counter calls now", body = [i64])))]
pub async fn set_services(
    State(s): State<AppState>,
    c: Ctx,
    Id(id): Id,
    ApiJson(input): ApiJson<CounterServicesInput>,
) -> ApiResult<Vec<i64>> {
    let a = c.api_actor()?;
    Ok(Json(s.app.set_counter_services(a, id, &input).await.api(&c)?))
}

/// An MPP's queue policy and board announcement (its staff).
#[utoipa::path(get, path = "/mpps/{id}/queue-settings", tag = "queue", params(("id" = i64, Path)),
    security(("session" = []), ("token" = [])), responses((status = 200, body = QueueSettingsView)))]
pub async fn settings(State(s): State<AppState>, c: Ctx, Id(id): Id) -> ApiResult<QueueSettingsView> {
    let a = c.api_actor()?;
    Ok(Json(s.app.queue_settings(a, id).await.api(&c)?))
}

/// Set an MPP's queue policy and board announcement (its manager); takes what `GET` returns.
#[utoipa::path(put, path = "/mpps/{id}/queue-settings", tag = "queue", request_body = QueueSettingsInput,
    params(("id" = i64, Path)), security(("session" = []), ("token" = [])),
    responses((status = 200, body = QueueSettingsView)))]
pub async fn set_settings(
    State(s): State<AppState>,
    c: Ctx,
    Id(id): Id,
    ApiJson(input): ApiJson<QueueSettingsInput>,
) -> ApiResult<QueueSettingsView> {
    let a = c.api_actor()?;
    Ok(Json(s.app.set_queue_settings(a, id, &input).await.api(&c)?))
}

/// A service's walk-in rule: a daily quota of kiosk and phone numbers and a last-ticket
/// time, with what today has taken (bookings and pickups are never held to it).
#[utoipa::path(get, path = "/services/{id}/walk-in-rule", tag = "queue", params(("id" = i64, Path)),
    responses((status = 200, body = satuatap_service::queue::WalkInView)))]
pub async fn walk_in_rule(
    State(s): State<AppState>,
    c: Ctx,
    Id(id): Id,
) -> ApiResult<satuatap_service::queue::WalkInView> {
    s.app.service(c.actor().ok(), id).await.api(&c)?;
    Ok(Json(s.app.walk_in_rule(id).await.api(&c)?))
}

/// Set a service's walk-in rule (its provider's admins and the MPP's managers); empty
/// fields remove the limit.
#[utoipa::path(put, path = "/services/{id}/walk-in-rule", tag = "queue", request_body = satuatap_service::queue::WalkInInput,
    params(("id" = i64, Path)), security(("session" = []), ("token" = [])),
    responses((status = 200, body = satuatap_service::queue::WalkInView),
        (status = 422, description = "`invalid_input`: `daily_quota` outside 1–10000, `last_ticket_at` not HH:MM", body = ErrorEnvelope)))]
pub async fn set_walk_in_rule(
    State(s): State<AppState>,
    c: Ctx,
    Id(id): Id,
    ApiJson(input): ApiJson<satuatap_service::queue::WalkInInput>,
) -> ApiResult<satuatap_service::queue::WalkInView> {
    let a = c.api_actor()?;
    Ok(Json(s.app.set_walk_in_rule(a, id, &input).await.api(&c)?))
}
