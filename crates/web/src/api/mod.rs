//! The JSON API under `/api/v1`, described by the OpenAPI document at
//! `/api/v1/openapi.json`. Public reads need no login; writes need a session
//! (with `X-CSRF-Token`) or an API token (`Authorization: Bearer …`).

pub mod admin;
pub mod application;
pub mod auth;
pub mod booking;
pub mod complaint;
pub mod dashboard;
pub mod devices;
pub mod doc;
pub mod dto;
pub mod evaluation;
pub mod national;
pub mod oss;
pub mod public;
pub mod queue;
pub mod survey;

use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::header;
use axum::http::request::Parts;
use axum::response::IntoResponse;
use axum::routing::get;
use serde::de::DeserializeOwned;
use utoipa::OpenApi;
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouterExt};
use utoipa_axum::routes;

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

/// Whether any string (or key) in `v` holds a NUL character, which PostgreSQL
/// cannot store in text: refused at the edge, whatever the field.
fn has_nul(v: &serde_json::Value) -> bool {
    match v {
        serde_json::Value::String(s) => s.contains('\0'),
        serde_json::Value::Array(a) => a.iter().any(has_nul),
        serde_json::Value::Object(o) => o.iter().any(|(k, v)| k.contains('\0') || has_nul(v)),
        _ => false,
    }
}

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;
    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let lang = lang_of(req.extensions());
        match axum::Json::<serde_json::Value>::from_request(req, state).await {
            Ok(axum::Json(v)) if has_nul(&v) => Err(ApiError::bad_json(lang, lang.t("err-nul"))),
            // The path names the field a person got wrong (`slot_id: invalid type…`).
            Ok(axum::Json(v)) => serde_path_to_error::deserialize(v)
                .map(ApiJson)
                .map_err(|e| ApiError::bad_json(lang, format!("{}: {}", e.path(), e.inner()))),
            Err(JsonRejection::JsonDataError(e)) => Err(ApiError::bad_json(lang, e.body_text())),
            Err(JsonRejection::JsonSyntaxError(e)) => Err(ApiError::bad_json(lang, e.body_text())),
            Err(JsonRejection::MissingJsonContentType(_)) => Err(ApiError::unsupported_media(lang)),
            Err(e) if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE => Err(ApiError::payload_too_large(lang)),
            Err(e) if crate::error::timed_out(&e) => Err(ApiError::body_timeout(lang)),
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

/// Years the calendar of satuatap holds (holidays, bookings, reports).
pub const YEARS: std::ops::RangeInclusive<i32> = 1900..=2200;

/// A year or date from a query, refused with 400 when outside [`YEARS`].
pub fn in_calendar(lang: Lang, field: &str, year: i32) -> Result<(), ApiError> {
    if YEARS.contains(&year) { Ok(()) } else { Err(ApiError::bad_query(lang, format!("{field}: {year}"))) }
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

/// Every API route, each with its OpenAPI operation: `routes!` takes the path
/// and method from the handler's `#[utoipa::path]`, so a route and its
/// documentation are written once.
pub fn routes() -> OpenApiRouter<AppState> {
    let upload = || DefaultBodyLimit::max(UPLOAD_LIMIT);
    OpenApiRouter::new()
        .routes(routes!(public::provinces))
        .routes(routes!(public::regencies))
        .routes(routes!(public::districts))
        .routes(routes!(public::mpps, admin::create_mpp))
        .routes(routes!(public::mpp, admin::update_mpp))
        .routes(routes!(public::providers, admin::create_provider))
        .routes(routes!(admin::create_service))
        .routes(routes!(public::mpp_holidays, admin::add_mpp_holiday))
        .routes(routes!(public::agencies, admin::create_agency))
        .routes(routes!(admin::update_agency))
        .routes(routes!(public::provider, admin::update_provider))
        .routes(routes!(admin::counters, admin::create_counter))
        .routes(routes!(admin::update_counter))
        .routes(routes!(public::services))
        .routes(routes!(public::service, admin::update_service))
        .routes(routes!(admin::publish_service))
        .routes(routes!(admin::unpublish_service))
        .routes(routes!(admin::archive_service))
        .routes(routes!(public::national_holidays, admin::add_national_holiday))
        .routes(routes!(admin::delete_holiday))
        .routes(routes!(admin::users, admin::create_user))
        .routes(routes!(admin::user, admin::update_user))
        .routes(routes!(admin::tokens, admin::issue_token))
        .routes(routes!(admin::revoke_token))
        .routes(routes!(admin::audit))
        .routes(routes!(auth::login, auth::logout))
        .routes(routes!(auth::register))
        .routes(routes!(auth::me))
        .routes(routes!(auth::change_password))
        .routes(routes!(devices::list, devices::register))
        .routes(routes!(devices::repair))
        .routes(routes!(devices::revoke))
        .routes(routes!(devices::pair))
        .routes(routes!(devices::me))
        .routes(routes!(queue::my_counters))
        .routes(routes!(queue::issue))
        .routes(routes!(queue::overview))
        .routes(routes!(queue::board))
        .routes(routes!(queue::events))
        .routes(routes!(queue::settings, queue::set_settings))
        .routes(routes!(queue::walk_in_rule, queue::set_walk_in_rule))
        .routes(routes!(queue::ticket))
        .routes(routes!(queue::more_time))
        .routes(routes!(queue::alert, queue::set_alert, queue::remove_alert))
        .routes(routes!(queue::cancel))
        .routes(routes!(queue::history))
        .routes(routes!(queue::console))
        .routes(routes!(queue::open))
        .routes(routes!(queue::pause))
        .routes(routes!(queue::close))
        .routes(routes!(queue::call_next))
        .routes(routes!(queue::call_ticket))
        .routes(routes!(queue::set_services))
        .routes(routes!(queue::finish))
        .routes(routes!(queue::transfer))
        .routes(routes!(queue::ticket_action))
        .routes(routes!(booking::availability))
        .routes(routes!(booking::rules, booking::set_rules))
        .routes(routes!(booking::book))
        .routes(routes!(booking::lookup))
        .routes(routes!(booking::cancel))
        .routes(routes!(booking::reschedule))
        .routes(routes!(booking::reveal))
        .routes(routes!(booking::check_in))
        .routes(routes!(booking::day_list))
        .routes(routes!(booking::join))
        .routes(routes!(booking::place))
        .routes(routes!(survey::elements))
        .routes(routes!(survey::ticket_target, survey::answer_ticket))
        .routes(routes!(survey::code_target))
        .routes(routes!(survey::answer_code))
        .routes(routes!(survey::tablet, survey::answer_tablet))
        .routes(routes!(survey::create_codes))
        .routes(routes!(survey::paper))
        .routes(routes!(survey::mpp_ikm))
        .routes(routes!(survey::national_ikm))
        .routes(routes!(survey::suggestions))
        .routes(routes!(survey::followups, survey::create_followup))
        .routes(routes!(survey::update_followup))
        .routes(routes!(dashboard::dashboard))
        .routes(routes!(application::register))
        .routes(routes!(application::worklist))
        .routes(routes!(application::get_one))
        .routes(routes!(application::step))
        .routes(routes!(application::track))
        .routes(routes!(application::steps, application::set_steps))
        .routes(routes!(application::pickup))
        .routes(routes!(oss::desk, oss::open))
        .routes(routes!(oss::overview))
        .routes(routes!(oss::sessions, oss::create_session))
        .routes(routes!(oss::session))
        .routes(routes!(oss::register))
        .routes(routes!(oss::registrants))
        .routes(routes!(oss::attendance))
        .routes(routes!(oss::cancel))
        .routes(routes!(oss::record))
        .routes(routes!(oss::follow_up))
        .routes(routes!(complaint::list, complaint::file).layer(upload()))
        .routes(routes!(complaint::export))
        .routes(routes!(complaint::get_one))
        .routes(routes!(complaint::step).layer(upload()))
        .routes(routes!(complaint::staff_comment).layer(upload()))
        .routes(routes!(complaint::staff_attachment))
        .routes(routes!(complaint::track))
        .routes(routes!(complaint::reporter_comment).layer(upload()))
        .routes(routes!(complaint::rate))
        .routes(routes!(complaint::reopen))
        .routes(routes!(complaint::reporter_attachment))
        .routes(routes!(national::programme))
        .routes(routes!(national::regency))
        .routes(routes!(national::create_location))
        .routes(routes!(national::update_location))
        .routes(routes!(national::add_event))
        .routes(routes!(national::delete_event))
        .routes(routes!(national::targets, national::set_target))
        .routes(routes!(national::propose))
        .routes(routes!(national::proposals))
        .routes(routes!(national::decide))
        .routes(routes!(national::import))
        .routes(routes!(national::export))
        .routes(routes!(national::study))
        .routes(routes!(national::settings, national::set_settings))
        .routes(routes!(national::set_population))
        .routes(routes!(national::ranking))
        .routes(routes!(national::dashboard))
        .routes(routes!(national::bookings))
        .routes(routes!(evaluation::instruments))
        .routes(routes!(evaluation::instrument, evaluation::update))
        .routes(routes!(evaluation::clone))
        .routes(routes!(evaluation::cycles, evaluation::open_cycle))
        .routes(routes!(evaluation::cycle))
        .routes(routes!(evaluation::results))
        .routes(routes!(evaluation::assessment))
        .routes(routes!(evaluation::assign))
        .routes(routes!(evaluation::self_scores))
        .routes(routes!(evaluation::submit))
        .routes(routes!(evaluation::verification))
        .routes(routes!(evaluation::return_assessment))
        .routes(routes!(evaluation::finalise))
        .routes(routes!(evaluation::publish))
        .routes(routes!(evaluation::add_evidence).layer(upload()))
        .routes(routes!(evaluation::remove_evidence))
        .routes(routes!(evaluation::evidence))
        .routes(routes!(evaluation::report_card))
        .routes(routes!(evaluation::incentives))
        .routes(routes!(evaluation::incentive_rule))
        .routes(routes!(evaluation::sign_incentives))
        .route("/openapi.json", get(openapi))
        .fallback(api_not_found)
}

/// The finished document, made once per process from the routes.
static DOC: std::sync::OnceLock<Arc<String>> = std::sync::OnceLock::new();

/// The API router under `/api/v1`, serving its own OpenAPI document.
pub fn router() -> Router<AppState> {
    let (router, doc) = OpenApiRouter::with_openapi(ApiDoc::openapi()).nest("/api/v1", routes()).split_for_parts();
    DOC.get_or_init(|| Arc::new(doc::finish(doc)));
    router
}

/// The OpenAPI document as served at `/api/v1/openapi.json`.
pub fn openapi_json() -> Arc<String> {
    if DOC.get().is_none() {
        let _ = router();
    }
    DOC.get().cloned().unwrap_or_default()
}

async fn openapi() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], openapi_json().as_str().to_owned())
}

async fn api_not_found(c: Ctx) -> impl IntoResponse {
    ApiError::not_found(c.lang)
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "satuatap API",
        description = "Mal Pelayanan Publik: the national registry, every MPP's service catalogue, the queue, \
            booking, the satisfaction survey and complaints.\n\n\
            **Authentication.** Public reads need none. Writes need a session cookie (`POST /api/v1/session`) plus \
            the `X-CSRF-Token` header (its value is in `GET /api/v1/me`), or an API token issued by an administrator \
            (`Authorization: Bearer sat_…`). Kiosks, boards and tablets pair once and send their device credential \
            as `Authorization: Device sat_dev_…`.\n\n\
            **Errors** are `{\"error\": {\"code\", \"message\", \"message_alt\", \"fields\", \"details\"}}` with a \
            stable `code` (listed in the `ApiErrorDetail` schema); messages are Indonesian unless \
            `Accept-Language: en`. `429` and `503` carry `Retry-After`.",
        version = "1"
    ),
    tags(
        (name = "registry", description = "Provinces, regencies, districts and MPP locations"),
        (name = "catalogue", description = "Providers, counters and services with their standards"),
        (name = "calendar", description = "National holidays, cuti bersama and MPP closures"),
        (name = "accounts", description = "Sessions, accounts, API tokens and the audit log"),
        (name = "devices", description = "Kiosks, display boards and survey tablets paired with an MPP"),
        (name = "queue", description = "Walk-in tickets, display boards (server-sent events) and counter consoles"),
        (name = "booking", description = "Visit slots, bookings (never overbooked), check-in and the waiting room"),
        (name = "survey", description = "The satisfaction survey (SKM), IKM reports and follow-ups"),
        (name = "national", description = "The national side: the rollout register of every regency, the accessibility study, the ministry's dashboard across MPPs"),
        (name = "evaluation", description = "The yearly MPP evaluation (PEKPPP): instruments of weighted aspects and indicators, cycles, self-assessment, verification, results"),
        (name = "dashboard", description = "The MPP manager's dashboard: the queue now, today, and any period from the rollups"),
        (name = "oss", description = "The OSS (business licensing) help desk: consultations and their follow-ups, group sessions \"Sosialisasi OSS\" with online registration"),
        (name = "applications", description = "Applications (berkas) that outlive the visit: intake at the counter, steps to their deadline, tracking by code"),
        (name = "complaints", description = "Complaints on the SP4N-LAPOR! model: filing, tracking, verification, answers, export"),
    )
)]
pub struct ApiDoc;
