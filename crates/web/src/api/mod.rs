//! The JSON API under `/api/v1`, described by the OpenAPI document at
//! `/api/v1/openapi.json`. Public reads need no login; writes need a session
//! (with `X-CSRF-Token`) or an API token (`Authorization: Bearer …`).

pub mod admin;
pub mod auth;
pub mod booking;
pub mod complaint;
pub mod dto;
pub mod public;
pub mod queue;
pub mod survey;

use axum::Router;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::response::IntoResponse;
use axum::routing::{delete, get, post};
use serde::de::DeserializeOwned;
use utoipa::OpenApi;

use crate::ctx::Ctx;
use crate::error::ApiError;
use crate::i18n::Lang;
use crate::state::AppState;

/// Largest body of a request that may carry attachments (three 2 MB files in base64).
pub const UPLOAD_LIMIT: usize = 10 * 1024 * 1024;

/// A JSON body whose problems become our error shape (never axum's plain text).
pub struct ApiJson<T>(pub T);

fn lang_of(parts_ext: &axum::http::Extensions) -> Lang {
    parts_ext.get::<Ctx>().map(|c| c.lang).unwrap_or_default()
}

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;
    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let lang = lang_of(req.extensions());
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(ApiJson(v)),
            Err(JsonRejection::JsonDataError(e)) => Err(ApiError::bad_json(lang, e.body_text())),
            Err(JsonRejection::JsonSyntaxError(e)) => Err(ApiError::bad_json(lang, e.body_text())),
            Err(JsonRejection::MissingJsonContentType(_)) => Err(ApiError::unsupported_media(lang)),
            Err(e) => Err(ApiError::bad_json(lang, e.body_text())),
        }
    }
}

/// Query parameters with the same error shape.
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let lang = lang_of(&parts.extensions);
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(v)) => Ok(ApiQuery(v)),
            Err(e @ QueryRejection::FailedToDeserializeQueryString(_)) => Err(ApiError::bad_query(lang, e.body_text())),
            Err(e) => Err(ApiError::bad_query(lang, e.body_text())),
        }
    }
}

/// A numeric path id; anything else is a clear 404.
pub struct Id(pub i64);

impl<S: Send + Sync> FromRequestParts<S> for Id {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let lang = lang_of(&parts.extensions);
        match axum::extract::Path::<String>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(s)) => s.parse().map(Id).map_err(|_| ApiError::not_found(lang)),
            Err(_) => Err(ApiError::not_found(lang)),
        }
    }
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/openapi.json", get(openapi))
        .route("/provinces", get(public::provinces))
        .route("/provinces/{code}/regencies", get(public::regencies))
        .route("/regencies/{code}/districts", get(public::districts))
        .route("/mpps", get(public::mpps).post(admin::create_mpp))
        .route("/mpps/{id}", get(public::mpp).put(admin::update_mpp))
        .route("/mpps/{id}/providers", get(public::providers).post(admin::create_provider))
        .route("/mpps/{id}/services", post(admin::create_service))
        .route("/mpps/{id}/holidays", get(public::mpp_holidays).post(admin::add_mpp_holiday))
        .route("/agencies", get(public::agencies).post(admin::create_agency))
        .route("/agencies/{id}", axum::routing::put(admin::update_agency))
        .route("/providers/{id}", get(public::provider).put(admin::update_provider))
        .route("/providers/{id}/counters", get(admin::counters).post(admin::create_counter))
        .route("/counters/{id}", axum::routing::put(admin::update_counter))
        .route("/services", get(public::services))
        .route("/services/{id}", get(public::service).put(admin::update_service))
        .route("/services/{id}/publish", post(admin::publish_service))
        .route("/services/{id}/unpublish", post(admin::unpublish_service))
        .route("/services/{id}/archive", post(admin::archive_service))
        .route("/holidays", get(public::national_holidays).post(admin::add_national_holiday))
        .route("/holidays/{id}", delete(admin::delete_holiday))
        .route("/users", get(admin::users).post(admin::create_user))
        .route("/users/{id}", get(admin::user).put(admin::update_user))
        .route("/tokens", get(admin::tokens).post(admin::issue_token))
        .route("/tokens/{id}", delete(admin::revoke_token))
        .route("/audit", get(admin::audit))
        .route("/session", post(auth::login).delete(auth::logout))
        .route("/register", post(auth::register))
        .route("/me", get(auth::me))
        .route("/me/password", post(auth::change_password))
        .route("/me/counters", get(queue::my_counters))
        .route("/mpps/{id}/tickets", post(queue::issue))
        .route("/mpps/{id}/queue", get(queue::overview))
        .route("/mpps/{id}/board", get(queue::board))
        .route("/mpps/{id}/events", get(queue::events))
        .route("/mpps/{id}/queue-settings", axum::routing::put(queue::set_settings))
        .route("/tickets/{token}", get(queue::ticket))
        .route("/tickets/{token}/more-time", post(queue::more_time))
        .route("/tickets/{token}/cancel", post(queue::cancel))
        .route("/ticket-history/{id}", get(queue::history))
        .route("/counters/{id}/console", get(queue::console))
        .route("/counters/{id}/open", post(queue::open))
        .route("/counters/{id}/pause", post(queue::pause))
        .route("/counters/{id}/close", post(queue::close))
        .route("/counters/{id}/call-next", post(queue::call_next))
        .route("/counters/{id}/services", axum::routing::put(queue::set_services))
        .route("/counters/{id}/tickets/{ticket}/finish", post(queue::finish))
        .route("/counters/{id}/tickets/{ticket}/transfer", post(queue::transfer))
        .route("/counters/{id}/tickets/{ticket}/{action}", post(queue::ticket_action))
        .route("/services/{id}/availability", get(booking::availability))
        .route("/services/{id}/booking-rules", get(booking::rules).put(booking::set_rules))
        .route("/bookings", post(booking::book))
        .route("/bookings/{code}/lookup", post(booking::lookup))
        .route("/bookings/{code}/cancel", post(booking::cancel))
        .route("/bookings/{code}/reschedule", post(booking::reschedule))
        .route("/booking-records/{id}/personal-data", post(booking::reveal))
        .route("/mpps/{id}/check-in", post(booking::check_in))
        .route("/mpps/{id}/bookings", get(booking::day_list))
        .route("/waiting-room", post(booking::join))
        .route("/waiting-room/{token}", get(booking::place))
        .route("/survey/elements", get(survey::elements))
        .route("/tickets/{token}/survey", get(survey::ticket_target).post(survey::answer_ticket))
        .route("/survey-codes/{code}", get(survey::code_target))
        .route("/survey-codes/{code}/response", post(survey::answer_code))
        .route("/counters/{id}/survey", get(survey::tablet).post(survey::answer_tablet))
        .route("/services/{id}/survey-codes", post(survey::create_codes))
        .route("/services/{id}/paper-surveys", post(survey::paper))
        .route("/mpps/{id}/ikm", get(survey::mpp_ikm))
        .route("/ikm", get(survey::national_ikm))
        .route("/mpps/{id}/survey-suggestions", get(survey::suggestions))
        .route("/mpps/{id}/followups", get(survey::followups).post(survey::create_followup))
        .route("/followups/{id}", axum::routing::put(survey::update_followup))
        .route(
            "/mpps/{id}/complaints",
            get(complaint::list).post(complaint::file).layer(axum::extract::DefaultBodyLimit::max(UPLOAD_LIMIT)),
        )
        .route("/mpps/{id}/complaints/export", get(complaint::export))
        .route("/complaints/{id}", get(complaint::get_one))
        .route(
            "/complaints/{id}/steps",
            post(complaint::step).layer(axum::extract::DefaultBodyLimit::max(UPLOAD_LIMIT)),
        )
        .route(
            "/complaints/{id}/comments",
            post(complaint::staff_comment).layer(axum::extract::DefaultBodyLimit::max(UPLOAD_LIMIT)),
        )
        .route("/complaint-attachments/{id}", get(complaint::staff_attachment))
        .route("/complaint-tracking/{code}", get(complaint::track))
        .route(
            "/complaint-tracking/{code}/comments",
            post(complaint::reporter_comment).layer(axum::extract::DefaultBodyLimit::max(UPLOAD_LIMIT)),
        )
        .route("/complaint-tracking/{code}/rating", post(complaint::rate))
        .route("/complaint-tracking/{code}/reopen", post(complaint::reopen))
        .route("/complaint-tracking/{code}/attachments/{attachment}", get(complaint::reporter_attachment))
        .fallback(api_not_found)
}

async fn api_not_found(c: Ctx) -> impl IntoResponse {
    ApiError::not_found(c.lang)
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "satuatap API",
        description = "Mal Pelayanan Publik: national registry, service catalogue and administration. \
            Public reads need no authentication. Writes need a session cookie plus the `X-CSRF-Token` header \
            (from `GET /api/v1/me`), or an API token as `Authorization: Bearer sat_…` issued by an administrator. \
            Errors are `{\"error\": {\"code\", \"message\", \"message_alt\", \"fields\"}}` with a stable code; \
            messages are Indonesian unless `Accept-Language: en`."
    ),
    paths(
        public::provinces, public::regencies, public::districts, public::mpps, public::mpp, public::providers,
        public::provider, public::agencies, public::services, public::service, public::national_holidays,
        public::mpp_holidays,
        admin::create_mpp, admin::update_mpp, admin::create_agency, admin::update_agency, admin::create_provider,
        admin::update_provider, admin::counters, admin::create_counter, admin::update_counter, admin::create_service,
        admin::update_service, admin::publish_service, admin::unpublish_service, admin::archive_service,
        admin::add_national_holiday, admin::add_mpp_holiday, admin::delete_holiday, admin::users, admin::user,
        admin::create_user, admin::update_user, admin::tokens, admin::issue_token, admin::revoke_token, admin::audit,
        auth::login, auth::logout, auth::register, auth::me, auth::change_password,
        queue::issue, queue::ticket, queue::more_time, queue::cancel, queue::overview, queue::board, queue::events,
        queue::my_counters, queue::console, queue::open, queue::pause, queue::close, queue::call_next,
        queue::ticket_action, queue::finish, queue::transfer, queue::history, queue::set_services, queue::set_settings,
        booking::availability, booking::rules, booking::set_rules, booking::book, booking::lookup, booking::cancel,
        booking::reschedule, booking::reveal, booking::check_in, booking::day_list, booking::join, booking::place,
        survey::elements, survey::ticket_target, survey::answer_ticket, survey::code_target, survey::answer_code,
        survey::tablet, survey::answer_tablet, survey::create_codes, survey::paper, survey::mpp_ikm,
        survey::national_ikm, survey::suggestions, survey::followups, survey::create_followup, survey::update_followup,
        complaint::file, complaint::track, complaint::reporter_comment, complaint::rate, complaint::reopen,
        complaint::reporter_attachment, complaint::list, complaint::get_one, complaint::step, complaint::staff_comment,
        complaint::staff_attachment, complaint::export,
    ),
    components(schemas(dto::ApiErrorBody, dto::ApiErrorDetail, dto::ApiFieldError)),
    tags(
        (name = "registry", description = "Provinces, regencies, districts and MPP locations"),
        (name = "catalogue", description = "Providers, counters and services with their standards"),
        (name = "calendar", description = "National holidays, cuti bersama and MPP closures"),
        (name = "accounts", description = "Sessions, accounts, API tokens and the audit log"),
        (name = "queue", description = "Walk-in tickets, display boards (server-sent events) and counter consoles"),
        (name = "booking", description = "Visit slots, bookings (never overbooked), check-in and the waiting room"),
        (name = "survey", description = "The satisfaction survey (SKM), IKM reports and follow-ups"),
        (name = "complaints", description = "Complaints on the SP4N-LAPOR! model: filing, tracking, verification, answers, export"),
    )
)]
pub struct ApiDoc;

pub async fn openapi() -> impl IntoResponse {
    axum::Json(ApiDoc::openapi())
}
