//! Turning refusals into responses: JSON with a stable code for the API, a
//! page a person can act on for the browser. Internal causes are logged only.

use askama::Template;
use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use satuatap_service::{Error, Refusal};
use serde::Serialize;

use crate::i18n::Lang;

/// Seconds a client should wait before retrying when the database is saturated.
pub const BUSY_RETRY_SECS: u32 = 2;

/// The codes of the error body that are not a [`Refusal`], with what each means
/// (the API document lists these and every refusal).
pub const GENERIC_CODES: &[(&str, &str)] = &[
    ("invalid_input", "A field is missing or wrong; `fields` names each."),
    ("conflict", "A value that must be unique is taken; `fields` names it."),
    ("not_found", "No such record, or not visible to the caller."),
    ("forbidden", "Signed in, but this account may not do this."),
    ("unauthenticated", "Sign in first, or the session or token has ended."),
    ("bad_credentials", "Wrong e-mail or password."),
    ("locked_out", "Too many failed sign-ins for this account from this address; see `Retry-After`."),
    ("rate_limited", "Too many requests from this address; see `Retry-After`."),
    ("waiting_room", "Bookings are queued: take a place at `POST /api/v1/waiting-room`."),
    ("csrf", "A cookie-authenticated write without a valid `X-CSRF-Token`."),
    ("invalid_json", "The body is not JSON of the documented shape."),
    ("invalid_query", "A query parameter is malformed."),
    ("invalid_value", "A value is out of range or holds characters that cannot be stored (such as NUL)."),
    ("unsupported_media_type", "A write with a body must send `Content-Type: application/json`."),
    ("payload_too_large", "The body is larger than the operation accepts."),
    ("request_timeout", "The body stopped arriving before it was complete."),
    ("busy", "The database is saturated; retry after `Retry-After` seconds."),
    ("internal", "Something failed on the server; it is logged."),
];

/// Whether a failure to read a body was its timeout running out.
pub fn timed_out(e: &(dyn std::error::Error + 'static)) -> bool {
    let mut cur = Some(e);
    while let Some(err) = cur {
        if err.is::<tower_http::timeout::TimeoutError>() {
            return true;
        }
        cur = err.source();
    }
    false
}

/// The status and stable code of a service refusal.
pub fn status_of(e: &Error) -> (StatusCode, &'static str) {
    match e {
        Error::Invalid(errs)
            if !errs.is_empty() && errs.iter().all(|f| f.invalid == satuatap_domain::Invalid::Taken) =>
        {
            (StatusCode::CONFLICT, "conflict")
        }
        Error::Invalid(_) => (StatusCode::UNPROCESSABLE_ENTITY, "invalid_input"),
        Error::NotFound => (StatusCode::NOT_FOUND, "not_found"),
        Error::Forbidden => (StatusCode::FORBIDDEN, "forbidden"),
        Error::Unauthenticated => (StatusCode::UNAUTHORIZED, "unauthenticated"),
        Error::BadCredentials => (StatusCode::UNAUTHORIZED, "bad_credentials"),
        Error::LockedOut { .. } => (StatusCode::TOO_MANY_REQUESTS, "locked_out"),
        Error::Refused { why: Refusal::NikRateLimited, .. } => (StatusCode::TOO_MANY_REQUESTS, "nik_rate_limited"),
        Error::Refused { why: Refusal::DeviceRequired, .. } => (StatusCode::FORBIDDEN, "device_required"),
        Error::Refused { why, .. } => (StatusCode::CONFLICT, why.code()),
        Error::Busy(_) => (StatusCode::SERVICE_UNAVAILABLE, "busy"),
        Error::BadValue(_) => (StatusCode::BAD_REQUEST, "invalid_value"),
        Error::Store(_) | Error::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
    }
}

/// Log what the person is not shown: the cause of a failure, or of saturation.
pub fn log_cause(e: &Error) {
    match e {
        Error::Store(_) | Error::Internal(_) => tracing::error!(cause = %e.causes(), "internal error"),
        Error::Busy(_) => tracing::warn!(cause = %e.causes(), "database saturated"),
        Error::BadValue(_) => tracing::info!(cause = %e.causes(), "value refused by the database"),
        _ => {}
    }
}

/// The sentence for a refusal.
pub fn message_of(lang: Lang, e: &Error) -> String {
    match e {
        Error::Invalid(errs) if !errs.is_empty() => {
            // Name each problem in words: shown where no form marks the fields
            // (an error page, a console's notice, an integrator's log).
            let lines: Vec<String> = errs.iter().take(10).map(|f| lang.field_sentence(f)).collect();
            format!("{} {}", lang.t("err-invalid-list"), lines.join(" "))
        }
        Error::Invalid(_) => lang.t("err-invalid"),
        Error::NotFound => lang.t("err-not-found"),
        Error::Forbidden => lang.t("err-forbidden"),
        Error::Unauthenticated => lang.t("err-unauthenticated"),
        Error::BadCredentials => lang.t("err-bad-credentials"),
        Error::LockedOut { retry_after } => {
            lang.ta("err-locked-out", &[("minutes", &retry_after.div_ceil(60).to_string())])
        }
        Error::Refused { why, args } => {
            // A local moment reads as a date in words, not as the `details` give it.
            let shown: Vec<(&str, String)> = args
                .iter()
                .map(|(k, v)| (*k, if *k == "when" { crate::pages::fmt_local_when(lang, v) } else { v.clone() }))
                .collect();
            let args: Vec<(&str, &str)> = shown.iter().map(|(k, v)| (*k, v.as_str())).collect();
            lang.ta(why.key(), &args)
        }
        Error::Busy(_) => lang.t("err-busy"),
        Error::BadValue(_) => lang.t("err-bad-value"),
        Error::Store(_) | Error::Internal(_) => lang.t("err-internal"),
    }
}

/// One field's problem, in both languages.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = ApiFieldError)]
pub struct FieldMessage {
    pub field: String,
    /// `required`, `too_long`, `too_short`, `out_of_range`, `format`, `not_allowed`, `taken`, `unknown`, `mismatch`.
    pub code: &'static str,
    pub message: String,
    pub message_en: String,
    /// For an imported file: the line with the problem (the header is line 1).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
}

/// What went wrong, for programs (`code`) and people (`message`).
#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = ApiErrorDetail)]
pub struct ErrorBody {
    pub code: &'static str,
    /// In the request's language (`Accept-Language: en` for English; Indonesian by default).
    pub message: String,
    /// The same message in the other language.
    pub message_alt: String,
    /// Each field with a problem (only for `invalid_input` and `conflict`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldMessage>,
    /// Values a client may act on, e.g. `{"time": "08:30"}` for `check_in_too_early`,
    /// `{"service_id": "12"}` for `check_in_too_late`, `{"when": …}` for `quota_not_open`.
    #[serde(skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    #[schema(value_type = Object)]
    pub details: std::collections::BTreeMap<&'static str, String>,
}

/// The body of every API error: `{"error": {...}}`.
#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = ApiErrorBody)]
pub struct ErrorEnvelope {
    pub error: ErrorBody,
}

/// An API refusal: `{"error": {"code", "message", "message_alt", "fields"}}`.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    message: String,
    message_alt: String,
    fields: Vec<FieldMessage>,
    /// A boxed slice: most refusals carry none, and the error stays small.
    details: Box<[(&'static str, String)]>,
    /// Seconds (u32 keeps the error small).
    retry_after: Option<u32>,
}

impl ApiError {
    pub fn new(lang: Lang, e: Error) -> ApiError {
        log_cause(&e);
        let (status, code) = status_of(&e);
        let fields = match &e {
            Error::Invalid(errs) => errs
                .iter()
                .map(|f| FieldMessage {
                    field: f.field.clone(),
                    code: f.invalid.code(),
                    message: lang.field_error(f),
                    message_en: Lang::En.field_error(f),
                    line: f.line,
                })
                .collect(),
            _ => Vec::new(),
        };
        let retry_after = match &e {
            Error::LockedOut { retry_after } => Some(u32::try_from(*retry_after).unwrap_or(u32::MAX)),
            Error::Busy(_) => Some(BUSY_RETRY_SECS),
            _ => None,
        };
        let details = match &e {
            Error::Refused { args, .. } => args.iter().map(|(k, v)| (*k, v.clone())).collect(),
            _ => Box::default(),
        };
        ApiError {
            status,
            code,
            message: message_of(lang, &e),
            message_alt: message_of(lang.other(), &e),
            fields,
            details,
            retry_after,
        }
    }

    fn plain(lang: Lang, status: StatusCode, code: &'static str, key: &str, detail: Option<String>) -> ApiError {
        let with = |l: Lang| match &detail {
            Some(d) => format!("{} ({d})", l.t(key)),
            None => l.t(key),
        };
        ApiError {
            status,
            code,
            message: with(lang),
            message_alt: with(lang.other()),
            fields: Vec::new(),
            details: Box::default(),
            retry_after: None,
        }
    }

    pub fn csrf(lang: Lang) -> ApiError {
        Self::plain(lang, StatusCode::FORBIDDEN, "csrf", "err-csrf", None)
    }

    pub fn unsupported_media(lang: Lang) -> ApiError {
        Self::plain(lang, StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type", "err-json-required", None)
    }

    pub fn payload_too_large(lang: Lang) -> ApiError {
        Self::plain(lang, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large", "err-too-large", None)
    }

    /// 408: the body stopped arriving (a slow or stalled client).
    pub fn body_timeout(lang: Lang) -> ApiError {
        Self::plain(lang, StatusCode::REQUEST_TIMEOUT, "request_timeout", "err-body-timeout", None)
    }

    pub fn bad_json(lang: Lang, detail: String) -> ApiError {
        Self::plain(lang, StatusCode::BAD_REQUEST, "invalid_json", "err-bad-json", Some(detail))
    }

    pub fn bad_query(lang: Lang, detail: String) -> ApiError {
        Self::plain(lang, StatusCode::BAD_REQUEST, "invalid_query", "err-bad-query", Some(detail))
    }

    pub fn rate_limited(lang: Lang, retry_after: u64) -> ApiError {
        let mut e = Self::plain(lang, StatusCode::TOO_MANY_REQUESTS, "rate_limited", "err-rate-limited", None);
        e.retry_after = Some(u32::try_from(retry_after).unwrap_or(u32::MAX));
        e
    }

    /// 429 while the waiting room is on: queue at `/api/v1/waiting-room` (pages: `/antre-masuk`).
    pub fn waiting_room(lang: Lang) -> ApiError {
        let mut e = Self::plain(lang, StatusCode::TOO_MANY_REQUESTS, "waiting_room", "err-waiting-room", None);
        e.retry_after = Some(5);
        e
    }

    pub fn not_found(lang: Lang) -> ApiError {
        Self::new(lang, Error::NotFound)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorEnvelope {
            error: ErrorBody {
                code: self.code,
                message: self.message,
                message_alt: self.message_alt,
                fields: self.fields.into_iter().collect(),
                details: self.details.into_vec().into_iter().collect(),
            },
        };
        let mut resp = (self.status, Json(body)).into_response();
        if let Some(s) = self.retry_after {
            resp.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(s));
        }
        resp
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    lang: Lang,
    status: u16,
    title: &'a str,
    message: &'a str,
}

/// A page refusal.
#[derive(Debug)]
pub enum WebError {
    Service(Error),
    /// Service error with the visitor's language known.
    In(Lang, Error),
    Csrf(Lang),
    RateLimited(Lang, u64),
}

impl From<Error> for WebError {
    fn from(e: Error) -> Self {
        WebError::Service(e)
    }
}

pub fn error_page(lang: Lang, status: StatusCode, message: &str) -> Response {
    let title = lang.t(match status.as_u16() {
        404 => "title-not-found",
        403 => "title-forbidden",
        429 => "title-too-many",
        _ => "title-error",
    });
    let page = ErrorPage { lang, status: status.as_u16(), title: &title, message };
    match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(_) => (status, message.to_string()).into_response(),
    }
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        match self {
            WebError::Service(e) => WebError::In(Lang::Id, e).into_response(),
            WebError::In(lang, Error::Unauthenticated) => {
                let _ = lang;
                Redirect::to("/masuk").into_response()
            }
            WebError::In(lang, e) => {
                log_cause(&e);
                let (status, _) = status_of(&e);
                let mut r = error_page(lang, status, &message_of(lang, &e));
                if matches!(e, Error::Busy(_)) {
                    r.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(BUSY_RETRY_SECS));
                }
                r
            }
            WebError::Csrf(lang) => error_page(lang, StatusCode::FORBIDDEN, &lang.t("err-csrf")),
            WebError::RateLimited(lang, secs) => {
                let mut r = error_page(lang, StatusCode::TOO_MANY_REQUESTS, &lang.t("err-rate-limited"));
                if let Ok(v) = HeaderValue::from_str(&secs.to_string()) {
                    r.headers_mut().insert(header::RETRY_AFTER, v);
                }
                r
            }
        }
    }
}
