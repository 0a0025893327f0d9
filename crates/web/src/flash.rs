//! A value shown once on the page a form redirects to (post, redirect, get):
//! kept sealed in a short-lived cookie, read and cleared by the next page.
//! Reloading that page does not repeat the post, and the value is gone.

use axum::http::header::SET_COOKIE;
use axum::http::{HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::ctx::{cookie, set_cookie};
use crate::state::AppState;

const FLASH_COOKIE: &str = "sat_flash";

/// The cookie that carries `value` to the next page (two minutes at most).
pub fn set<T: Serialize>(s: &AppState, value: &T) -> Option<HeaderValue> {
    let json = serde_json::to_string(value).ok()?;
    let sealed = s.app.keys.seal(&json).ok()?;
    Some(set_cookie(s, FLASH_COOKIE, &sealed, Some(120), true))
}

/// The value a form left for this page, and the cookie that clears it.
pub fn take<T: DeserializeOwned>(s: &AppState, headers: &HeaderMap) -> (Option<T>, Option<HeaderValue>) {
    let Some(sealed) = cookie(headers, FLASH_COOKIE) else {
        return (None, None);
    };
    let value = s.app.keys.open(sealed).ok().and_then(|json| serde_json::from_str(&json).ok());
    (value, Some(set_cookie(s, FLASH_COOKIE, "", Some(0), true)))
}

/// A redirect to `to` that carries `value` to the page there.
pub fn redirect<T: Serialize>(s: &AppState, to: &str, value: &T) -> Response {
    let mut r = Redirect::to(to).into_response();
    if let Some(v) = set(s, value) {
        r.headers_mut().append(SET_COOKIE, v);
    }
    r
}

/// `page` with the cookie from [`take`] that clears what it showed.
pub fn clearing(clear: Option<HeaderValue>, mut page: Response) -> Response {
    if let Some(v) = clear {
        page.headers_mut().append(SET_COOKIE, v);
    }
    page
}
