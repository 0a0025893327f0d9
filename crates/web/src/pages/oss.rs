//! The OSS help desk for citizens: where the desk is and how to get help, the
//! group sessions ahead with their seats, and registering for one (a booking of
//! the session's slot, confirmed on the booking page).

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect};
use satuatap_service::booking::BookingInput;
use satuatap_service::oss::{OssDesk, SessionView};
use satuatap_store::MppRow;
use serde::Deserialize;

use super::{FormErrors, PageResult, render};
use crate::ctx::Ctx;
use crate::state::{AppState, WebResultExt};
use crate::throttle::{Throttle, bucket};

#[derive(Template)]
#[template(path = "public/oss.html")]
struct DeskPage<'a> {
    c: &'a Ctx,
    m: MppRow,
    desk: OssDesk,
    consult_code: Option<String>,
    consult_bookable: bool,
    sessions: Vec<SessionView>,
}

pub async fn desk(State(s): State<AppState>, c: Ctx, Path(slug): Path<String>) -> PageResult {
    let m = s.app.mpp_by_slug(&slug).await.web(&c)?;
    let desk = s.app.oss_desk(m.id).await.web(&c)?;
    let consult = match &desk.consultation {
        Some(d) if d.published => s.app.service(None, d.service_id).await.ok(),
        _ => None,
    };
    let sessions = s.app.oss_sessions(m.id).await.web(&c)?;
    render(DeskPage {
        c: &c,
        m,
        consult_code: consult.as_ref().map(|s| s.code.clone()),
        consult_bookable: consult.as_ref().is_some_and(|s| s.bookable),
        desk,
        sessions,
    })
}

#[derive(Template)]
#[template(path = "public/oss_session.html")]
struct SessionPage<'a> {
    c: &'a Ctx,
    v: SessionView,
    f: RegisterForm,
    errors: FormErrors,
    request_id: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct RegisterForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    nik: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    request_id: Option<String>,
}

async fn session_page(
    s: &AppState,
    c: &Ctx,
    id: i64,
    f: RegisterForm,
    errors: FormErrors,
    status: StatusCode,
) -> PageResult {
    let v = s.app.oss_session(id).await.web(c)?;
    let request_id = f
        .request_id
        .clone()
        .filter(|r| !r.is_empty())
        .unwrap_or_else(|| satuatap_service::crypto::random_token(12).unwrap_or_default());
    render(SessionPage { c, v, f, errors, request_id }).map(|r| (status, r).into_response())
}

pub async fn session(State(s): State<AppState>, c: Ctx, Path(id): Path<i64>) -> PageResult {
    session_page(&s, &c, id, RegisterForm::default(), FormErrors::default(), StatusCode::OK).await
}

pub async fn register(
    State(s): State<AppState>,
    c: Ctx,
    _: Throttle<bucket::Booking>,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(f): Form<RegisterForm>,
) -> PageResult {
    let _permit = match super::booking::admitted(&s, &c, &headers).await {
        Ok(p) => p,
        Err(to_room) => return Ok(to_room),
    };
    let input = BookingInput {
        slot_id: None,
        name: f.name.clone(),
        nik: f.nik.clone(),
        phone: Some(f.phone.clone()),
        email: Some(f.email.clone()),
        request_id: f.request_id.clone(),
    };
    match s.app.register_for_oss_session(c.actor.as_ref(), id, &input).await {
        Ok(b) => Ok(Redirect::to(&format!("/pemesanan/{}?baru=1", b.code)).into_response()),
        Err(e) => {
            let (e, status) = FormErrors::of(c.lang, e)?;
            session_page(&s, &c, id, f, e, status).await
        }
    }
}
