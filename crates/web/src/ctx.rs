//! Per-request context: language, who is signed in, the CSRF token, the
//! client's address. Built once by [`context`] middleware, read by handlers.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::header::{AUTHORIZATION, COOKIE, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use satuatap_service::devices::Device;
use satuatap_service::{Actor, crypto};

use crate::error::{ApiError, WebError};
use crate::i18n::Lang;
use crate::state::AppState;

pub const SESSION_COOKIE: &str = "sat_session";
pub const ANON_COOKIE: &str = "sat_anon";
pub const LANG_COOKIE: &str = "sat_lang";
pub const DEVICE_COOKIE: &str = "sat_device";
pub const DEVICE_HEADER: &str = "x-device-token";

#[derive(Clone, Debug)]
pub struct Ctx {
    pub lang: Lang,
    pub actor: Option<Actor>,
    /// The paired kiosk, board or tablet making the request.
    pub device: Option<Device>,
    /// The token forms must echo (hidden `csrf` field or `X-CSRF-Token` header).
    pub csrf: String,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    /// Path and query of this request (for "next" links and the language switch).
    pub path: String,
    pub is_api: bool,
}

impl Ctx {
    pub fn t(&self, key: &str) -> String {
        self.lang.t(key)
    }

    /// The text for `{prefix}-{key}` (enum labels such as `role-citizen`).
    pub fn tf(&self, prefix: &str, key: &str) -> String {
        self.lang.t(&format!("{prefix}-{key}"))
    }

    pub fn ta(&self, key: &str, args: &[(&str, &str)]) -> String {
        self.lang.ta(key, args)
    }

    pub fn tn(&self, key: &str, name: &str, n: impl std::borrow::Borrow<i64>) -> String {
        self.lang.tn(key, name, *n.borrow())
    }

    /// The label of a role.
    pub fn role(&self, r: &satuatap_domain::role::Role) -> String {
        self.tf("role", r.as_str())
    }

    /// The signed-in actor, or the right refusal for this kind of request.
    pub fn actor(&self) -> Result<&Actor, WebError> {
        self.actor.as_ref().ok_or(WebError::Service(satuatap_service::Error::Unauthenticated))
    }

    pub fn api_actor(&self) -> Result<&Actor, ApiError> {
        self.actor.as_ref().ok_or_else(|| ApiError::new(self.lang, satuatap_service::Error::Unauthenticated))
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Ctx {
    type Rejection = StatusCode;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts.extensions.get::<Ctx>().cloned().ok_or(StatusCode::INTERNAL_SERVER_ERROR)
    }
}

pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

pub fn set_cookie(state: &AppState, name: &str, value: &str, max_age: Option<i64>, http_only: bool) -> HeaderValue {
    let mut c = format!("{name}={value}; Path=/; SameSite=Lax");
    if let Some(age) = max_age {
        c.push_str(&format!("; Max-Age={age}"));
    }
    if http_only {
        c.push_str("; HttpOnly");
    }
    if state.web.secure_cookies {
        c.push_str("; Secure");
    }
    HeaderValue::from_str(&c).unwrap_or_else(|_| HeaderValue::from_static(""))
}

fn client_ip(state: &AppState, req: &Request) -> Option<String> {
    if state.web.trust_proxy
        && let Some(first) =
            req.headers().get("x-forwarded-for").and_then(|v| v.to_str().ok()).and_then(|v| v.split(',').next())
    {
        return Some(first.trim().to_string());
    }
    req.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip().to_string())
}

/// Strip `lang=…` from a query string.
fn without_lang(path: &str) -> String {
    let Some((p, q)) = path.split_once('?') else {
        return path.to_string();
    };
    let rest: Vec<&str> = q.split('&').filter(|kv| !kv.starts_with("lang=") && !kv.is_empty()).collect();
    if rest.is_empty() { p.to_string() } else { format!("{p}?{}", rest.join("&")) }
}

/// Build the [`Ctx`], switch language on `?lang=`, and check CSRF on writes.
pub async fn context(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let headers = req.headers().clone();
    let path = req.uri().path_and_query().map(|p| p.as_str().to_string()).unwrap_or_else(|| "/".into());
    let is_api = req.uri().path().starts_with("/api/");
    let mut set_cookies: Vec<HeaderValue> = Vec::new();

    // Language: an explicit ?lang= switch is remembered in a cookie.
    let query_lang = req
        .uri()
        .query()
        .and_then(|q| form_urlencoded::parse(q.as_bytes()).find(|(k, _)| k == "lang").map(|(_, v)| v.to_string()))
        .and_then(|v| Lang::parse(&v));
    if let Some(lang) = query_lang
        && req.method() == Method::GET
        && !is_api
    {
        let mut resp = Redirect::to(&without_lang(&path)).into_response();
        resp.headers_mut().append(SET_COOKIE, set_cookie(&state, LANG_COOKIE, lang.code(), Some(31_536_000), false));
        return resp;
    }
    let lang = query_lang
        .or_else(|| cookie(&headers, LANG_COOKIE).and_then(Lang::parse))
        .or_else(|| {
            // The API also honours Accept-Language; pages stay Indonesian unless switched.
            if is_api {
                headers
                    .get("accept-language")
                    .and_then(|v| v.to_str().ok())
                    .filter(|v| v.starts_with("en"))
                    .map(|_| Lang::En)
            } else {
                None
            }
        })
        .unwrap_or_default();

    // A NUL can only reach a URI as `%00`; no path or parameter of ours holds one,
    // and PostgreSQL cannot store it.
    if path.contains("%00") {
        return if is_api {
            ApiError::bad_query(lang, lang.t("err-nul")).into_response()
        } else {
            crate::error::error_page(lang, StatusCode::BAD_REQUEST, &lang.t("err-nul"))
        };
    }

    let ip = client_ip(&state, &req);
    let user_agent = headers.get("user-agent").and_then(|v| v.to_str().ok()).map(str::to_string);

    // Who: a bearer token (integrations) or a session cookie (browsers).
    let bearer = headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::to_string);
    let session_token = cookie(&headers, SESSION_COOKIE).map(str::to_string);
    let mut actor = None;
    if let Some(t) = &bearer {
        match state.app.token_actor(t).await {
            Ok(Some(a)) => actor = Some(a),
            Ok(None) => {
                return ApiError::new(lang, satuatap_service::Error::Unauthenticated).into_response();
            }
            Err(e) => return ApiError::new(lang, e).into_response(),
        }
    } else if let Some(t) = &session_token {
        match state.app.session_actor(t).await {
            Ok(a) => actor = a,
            Err(e) => return WebError::Service(e).into_response(),
        }
        if actor.is_none() {
            // A stale cookie: drop it.
            set_cookies.push(set_cookie(&state, SESSION_COOKIE, "", Some(0), true));
        }
    }
    if let Some(a) = actor.as_mut() {
        a.ip = ip.clone();
    }

    // A paired device: its header (integrations) or cookie (device pages).
    let device_header = headers.get(DEVICE_HEADER).and_then(|v| v.to_str().ok()).map(str::to_string);
    let device_cookie = cookie(&headers, DEVICE_COOKIE).map(str::to_string);
    let mut device = None;
    if let Some(credential) = device_header.as_ref().or(device_cookie.as_ref()) {
        match state.app.device_by_credential(credential, ip.as_deref()).await {
            Ok(Some(d)) => device = Some(d),
            Ok(None) if device_header.is_some() => {
                return ApiError::new(lang, satuatap_service::Error::Unauthenticated).into_response();
            }
            // A revoked or replaced device's cookie: drop it, the page offers pairing.
            Ok(None) => set_cookies.push(set_cookie(&state, DEVICE_COOKIE, "", Some(0), true)),
            Err(e) => return ApiError::new(lang, e).into_response(),
        }
    }

    // CSRF: bound to the session, or to an anonymous visitor id.
    let bound = match (&actor, &session_token) {
        (Some(a), Some(_)) if !a.via_token => a.session.clone().unwrap_or_default(),
        _ => match cookie(&headers, ANON_COOKIE) {
            Some(v) if v.len() >= 20 => v.to_string(),
            _ => {
                let id = crypto::random_token(24).unwrap_or_default();
                set_cookies.push(set_cookie(&state, ANON_COOKIE, &id, None, true));
                id
            }
        },
    };
    let csrf = state.app.keys.csrf_token(&bound);

    let writes = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    // Integrations authenticate by header (token or device credential); a browser
    // with a session or device cookie must prove each write came from our page.
    if writes && bearer.is_none() && device_header.is_none() {
        let needs_check = !is_api || session_token.is_some() || device_cookie.is_some();
        // JSON only (a cross-site form cannot send it); a request without a body
        // (e.g. taking a place in the waiting room) has nothing to misread.
        let bodiless = headers.get("content-length").is_none_or(|v| v == "0")
            && !headers.contains_key(axum::http::header::TRANSFER_ENCODING);
        if is_api
            && !bodiless
            && !headers
                .get("content-type")
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.starts_with("application/json"))
            && req.method() != Method::DELETE
        {
            return ApiError::unsupported_media(lang).into_response();
        }
        if needs_check {
            let header = headers.get("x-csrf-token").and_then(|v| v.to_str().ok()).map(str::to_string);
            let token = match header {
                Some(h) => Some(h),
                None if !is_api => {
                    // A form post: read the field, then hand the body back. Only forms
                    // with file uploads may be larger than an ordinary form.
                    let ctype =
                        headers.get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
                    let multipart = ctype.starts_with("multipart/form-data");
                    let limit = if multipart { crate::api::UPLOAD_LIMIT } else { crate::MAX_BODY };
                    let (parts, body) = req.into_parts();
                    let bytes = match http_body_util::BodyExt::collect(http_body_util::Limited::new(body, limit)).await
                    {
                        Ok(b) => b.to_bytes(),
                        Err(e) if e.is::<http_body_util::LengthLimitError>() => {
                            return crate::error::error_page(
                                lang,
                                StatusCode::PAYLOAD_TOO_LARGE,
                                &lang.t("err-too-large"),
                            );
                        }
                        Err(_) => {
                            return crate::error::error_page(
                                lang,
                                StatusCode::REQUEST_TIMEOUT,
                                &lang.t("err-body-timeout"),
                            );
                        }
                    };
                    if !multipart && form_urlencoded::parse(&bytes).any(|(k, v)| k.contains('\0') || v.contains('\0')) {
                        return crate::error::error_page(lang, StatusCode::BAD_REQUEST, &lang.t("err-nul"));
                    }
                    let field = if multipart {
                        multipart_field(&ctype, bytes.clone(), "csrf").await
                    } else {
                        form_urlencoded::parse(&bytes).find(|(k, _)| k == "csrf").map(|(_, v)| v.to_string())
                    };
                    req = Request::from_parts(parts, axum::body::Body::from(bytes));
                    field
                }
                None => None,
            };
            if !token.is_some_and(|t| state.app.keys.csrf_valid(&bound, &t)) {
                let resp =
                    if is_api { ApiError::csrf(lang).into_response() } else { WebError::Csrf(lang).into_response() };
                return resp;
            }
        }
    }

    req.extensions_mut().insert(Ctx { lang, actor, device, csrf, ip, user_agent, path, is_api });
    let mut resp = next.run(req).await;
    for c in set_cookies {
        resp.headers_mut().append(SET_COOKIE, c);
    }
    resp
}

/// One text field of a multipart form: the CSRF token, which our forms put
/// first, so only the head of the body is read (files come after it).
async fn multipart_field(ctype: &str, bytes: axum::body::Bytes, name: &str) -> Option<String> {
    use axum::extract::FromRequest;
    let head = bytes.slice(..bytes.len().min(64 * 1024));
    let probe =
        Request::builder().header(axum::http::header::CONTENT_TYPE, ctype).body(axum::body::Body::from(head)).ok()?;
    let mut form = axum::extract::Multipart::from_request(probe, &()).await.ok()?;
    while let Ok(Some(field)) = form.next_field().await {
        if field.name() == Some(name) {
            return field.text().await.ok();
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_switch_keeps_other_parameters() {
        assert_eq!(without_lang("/cari?q=paspor&lang=en"), "/cari?q=paspor");
        assert_eq!(without_lang("/cari?lang=en"), "/cari");
        assert_eq!(without_lang("/"), "/");
    }

    #[test]
    fn cookies_are_found() {
        let mut h = HeaderMap::new();
        h.insert(COOKIE, HeaderValue::from_static("a=1; sat_lang=en; b=2"));
        assert_eq!(cookie(&h, LANG_COOKIE), Some("en"));
        assert_eq!(cookie(&h, "c"), None);
    }
}
