//! Per-address rate limits as one extractor: a handler that takes
//! `_: Throttle<bucket::Booking>` is limited before its body is read. The
//! refusal is a page or JSON, as the request is. Paired devices (kiosks behind
//! one address with many phones) are not counted against the address.

use std::marker::PhantomData;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};

use crate::ctx::Ctx;
use crate::error::{ApiError, WebError};
use crate::state::{AppState, Bucket};

/// A bucket a handler can be throttled by.
pub trait Kind: Send + Sync + 'static {
    const BUCKET: Bucket;
    /// Whether a paired device's requests skip the address limit.
    const DEVICES_EXEMPT: bool = false;
}

pub struct Throttle<K>(PhantomData<K>);

impl<K: Kind> FromRequestParts<AppState> for Throttle<K> {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, s: &AppState) -> Result<Self, Response> {
        let Some(c) = parts.extensions.get::<Ctx>() else {
            return Ok(Throttle(PhantomData));
        };
        if K::DEVICES_EXEMPT && c.device.is_some() {
            return Ok(Throttle(PhantomData));
        }
        match s.limits.check(K::BUCKET, c.ip.as_deref()) {
            None => Ok(Throttle(PhantomData)),
            Some(wait) if c.is_api => Err(ApiError::rate_limited(c.lang, wait).into_response()),
            Some(wait) => Err(WebError::RateLimited(c.lang, wait).into_response()),
        }
    }
}

pub mod bucket {
    use super::Kind;
    use crate::state::Bucket;

    macro_rules! kinds {
        ($($name:ident $(exempt $e:literal)?),* $(,)?) => {
            $(
                pub struct $name;
                impl Kind for $name {
                    const BUCKET: Bucket = Bucket::$name;
                    $(const DEVICES_EXEMPT: bool = $e;)?
                }
            )*
        };
    }

    kinds!(Login, Register, Ticket exempt true, Booking, Read, BookingCode exempt true, Survey, Complaint);
}
