//! Pairing a kiosk, board or tablet: typed (or scanned) once on the device,
//! the code becomes the device's own credential, kept in a long-lived cookie.

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::http::header::SET_COOKIE;
use axum::response::{IntoResponse, Redirect};
use satuatap_service::{Error, Refusal};
use serde::Deserialize;

use super::{FormErrors, PageResult, render};
use crate::ctx::{Ctx, DEVICE_COOKIE, set_cookie};
use crate::error::WebError;
use crate::state::AppState;
use crate::throttle::{Throttle, bucket};

/// Ten years: a kiosk is paired once, until it is revoked or re-paired.
const DEVICE_COOKIE_AGE: i64 = 10 * 365 * 24 * 3600;

#[derive(Template)]
#[template(path = "device/pair.html")]
struct PairPage<'a> {
    c: &'a Ctx,
    code: String,
    errors: FormErrors,
}

pub async fn form(c: Ctx) -> PageResult {
    render(PairPage { c: &c, code: String::new(), errors: FormErrors::default() })
}

#[derive(Debug, Default, Deserialize)]
pub struct PairForm {
    #[serde(default)]
    kode: String,
}

pub async fn pair(
    State(s): State<AppState>,
    c: Ctx,
    _: Throttle<bucket::Login>,
    Form(f): Form<PairForm>,
) -> PageResult {
    match s.app.pair_device(&f.kode, c.ip.as_deref()).await {
        Ok(p) => {
            let cookie = set_cookie(&s, DEVICE_COOKIE, &p.credential, Some(DEVICE_COOKIE_AGE), true);
            Ok(([(SET_COOKIE, cookie)], Redirect::to(&p.page)).into_response())
        }
        Err(Error::Refused { why: Refusal::PairingInvalid, .. }) => {
            let errors = FormErrors::general(c.t("err-pairing-invalid"));
            render(PairPage { c: &c, code: f.kode, errors })
                .map(|r| (StatusCode::UNPROCESSABLE_ENTITY, r).into_response())
        }
        Err(e) => Err(WebError::In(c.lang, e)),
    }
}
