//! Static files, embedded in the binary.

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

const CSS: &str = include_str!("../assets/app.css");

/// Bumped when an asset changes, so browsers refetch despite long caching.
pub const VERSION: &str = "3";

pub async fn css() -> Response {
    let mut r = CSS.into_response();
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/css; charset=utf-8"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=31536000, immutable"));
    r
}
