//! The OSS help desk's own pages: the worklist (follow-ups by date, the
//! sessions ahead, the latest consultations), recording a consultation from the
//! visit at the counter, planning a group session and taking its attendance.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect};
use satuatap_domain::oss::{Outcome, Topic};
use satuatap_domain::role::Role;
use satuatap_service::oss::{
    ConsultationInput, ConsultationView, DeskOverview, FollowUpInput, OpenDeskInput, SessionDetail, SessionInput,
    SessionView,
};
use satuatap_service::{Actor, Error};
use satuatap_store::{ProviderRow, ServiceRow};
use serde::Deserialize;

use super::{NavItem, nav, staff};
use crate::ctx::Ctx;
use crate::error::WebError;
use crate::flash;
use crate::pages::{FormErrors, PageResult, render};
use crate::state::{AppState, WebResultExt};

/// Who works at the desk: the MPP's managers and a provider's admins and officers.
fn desk_actor(c: &Ctx) -> Result<Actor, WebError> {
    let a = staff(c)?;
    if !matches!(a.role, Role::MppManager | Role::ProviderAdmin | Role::CounterOfficer) || a.mpp_id.is_none() {
        return Err(WebError::In(c.lang, Error::Forbidden));
    }
    Ok(a)
}

fn mpp_of(c: &Ctx, a: &Actor) -> Result<i64, WebError> {
    a.mpp_id.ok_or(WebError::In(c.lang, Error::Forbidden))
}

fn num(v: Option<&String>) -> Option<Result<i64, String>> {
    v.map(|s| s.trim()).filter(|s| !s.is_empty()).map(|s| s.parse().map_err(|_| s.to_string()))
}

fn text(f: &HashMap<String, String>, k: &str) -> Option<String> {
    f.get(k).map(|v| v.trim().to_string()).filter(|v| !v.is_empty())
}

/// "Kamis, 10 Desember 2026 · 09.00–11.00".
pub fn session_when(c: &Ctx, s: &SessionView) -> String {
    format!("{} · {}–{}", crate::pages::fmt_date(c.lang, s.day), s.starts_local, s.ends_local)
}

pub fn topic_label(c: &Ctx, t: &Topic) -> String {
    c.t(&format!("oss-topic-{}", t.as_str()))
}

pub fn outcome_label(c: &Ctx, o: &Outcome) -> String {
    c.t(&format!("oss-outcome-{}", o.as_str()))
}

#[derive(Template)]
#[template(path = "admin/oss.html")]
struct DeskPage<'a> {
    c: &'a Ctx,
    nav: Vec<NavItem>,
    o: DeskOverview,
    manager: bool,
    /// For opening the desk: the MPP's published services and its providers.
    services: Vec<ServiceRow>,
    providers: Vec<ProviderRow>,
    values: HashMap<String, String>,
    errors: FormErrors,
    flash: Option<String>,
}

impl DeskPage<'_> {
    fn value(&self, k: &str) -> &str {
        self.values.get(k).map(String::as_str).unwrap_or("")
    }
    fn suggested(&self, id: &i64) -> bool {
        // A service that already helps with OSS is the likely consultation service.
        self.services.iter().find(|s| s.id == *id).is_some_and(|s| {
            let n = s.name.to_lowercase();
            n.contains("oss") || n.contains("nib")
        })
    }
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct DeskParams {
    /// The MPP a national administrator looks at (others see their own).
    #[serde(default)]
    mpp: Option<i64>,
}

pub async fn page(
    State(s): State<AppState>,
    c: Ctx,
    headers: HeaderMap,
    axum::extract::Query(p): axum::extract::Query<DeskParams>,
) -> PageResult {
    let a = desk_actor(&c)?;
    let mpp_id = match p.mpp {
        Some(m) if a.is_national() => m,
        _ => mpp_of(&c, &a)?,
    };
    let (msg, clear) = flash::take::<String>(&s, &headers);
    Ok(flash::clearing(clear, show(&s, &c, &a, mpp_id, HashMap::new(), FormErrors::default(), msg).await?))
}

#[allow(clippy::too_many_arguments)]
async fn show(
    s: &AppState,
    c: &Ctx,
    a: &Actor,
    mpp_id: i64,
    values: HashMap<String, String>,
    errors: FormErrors,
    flash: Option<String>,
) -> PageResult {
    // Forms post to the desk of the person's own MPP: a national administrator only looks.
    let manager = a.manages_mpp(mpp_id) && a.mpp_id == Some(mpp_id);
    let desk = s.app.oss_desk(mpp_id).await.web(c)?;
    let o = match s.app.oss_overview(a, mpp_id).await {
        Ok(o) => o,
        // Staff of another provider: the desk is not theirs.
        Err(Error::Forbidden) if desk.consultation.is_some() => return Err(WebError::In(c.lang, Error::Forbidden)),
        Err(e) => return Err(WebError::In(c.lang, e)),
    };
    let (services, providers) = if o.desk.consultation.is_none() && manager {
        let f = satuatap_store::catalog::ServiceFilter {
            mpp_id: Some(mpp_id),
            status: Some(satuatap_domain::catalog::ServiceStatus::Published),
            ..Default::default()
        };
        let services = s.app.admin_services(a, f).await.web(c)?;
        let providers = s.app.providers(Some(a), mpp_id).await.web(c)?;
        (services, providers)
    } else {
        (Vec::new(), Vec::new())
    };
    let status = if errors.general.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let page = DeskPage { c, nav: nav(a, "/admin/oss"), o, manager, services, providers, values, errors, flash };
    render(page).map(|r| (status, r).into_response())
}

fn form_errors(c: &Ctx, e: &Error) -> Option<FormErrors> {
    match e {
        Error::Invalid(errs) => Some(FormErrors::from_fields(c.lang, errs)),
        Error::Refused { .. } => Some(FormErrors::general(crate::error::message_of(c.lang, e))),
        _ => None,
    }
}

pub async fn open(State(s): State<AppState>, c: Ctx, axum::Form(f): axum::Form<HashMap<String, String>>) -> PageResult {
    let a = desk_actor(&c)?;
    let mpp_id = mpp_of(&c, &a)?;
    let input = OpenDeskInput { service_id: num(f.get("service_id")), provider_id: num(f.get("provider_id")) };
    match s.app.open_oss_desk(&a, mpp_id, &input).await {
        Ok(_) => Ok(flash::redirect(&s, "/admin/oss", &c.t("oss-opened"))),
        Err(e) => match form_errors(&c, &e) {
            Some(errors) => show(&s, &c, &a, mpp_id, f, errors, None).await,
            None => Err(WebError::In(c.lang, e)),
        },
    }
}

pub async fn create_session(
    State(s): State<AppState>,
    c: Ctx,
    axum::Form(f): axum::Form<HashMap<String, String>>,
) -> PageResult {
    let a = desk_actor(&c)?;
    let mpp_id = mpp_of(&c, &a)?;
    let input = SessionInput {
        title: text(&f, "title").unwrap_or_default(),
        room: text(&f, "room").unwrap_or_default(),
        date: text(&f, "date").unwrap_or_default(),
        starts: text(&f, "starts").unwrap_or_default(),
        ends: text(&f, "ends").unwrap_or_default(),
        capacity: num(f.get("capacity")),
        note: text(&f, "note"),
    };
    match s.app.create_oss_session(&a, mpp_id, &input).await {
        Ok(v) => Ok(flash::redirect(
            &s,
            &format!("/admin/oss/sesi/{}", v.id),
            &c.lang.ta("oss-session-planned", &[("title", &v.title), ("when", &session_when(&c, &v))]),
        )),
        Err(e) => match form_errors(&c, &e) {
            Some(errors) => show(&s, &c, &a, mpp_id, f, errors, None).await,
            None => Err(WebError::In(c.lang, e)),
        },
    }
}

#[derive(Template)]
#[template(path = "admin/oss_session.html")]
struct SessionPage<'a> {
    c: &'a Ctx,
    nav: Vec<NavItem>,
    d: SessionDetail,
    flash: Option<String>,
    error: Option<String>,
}

pub async fn session(State(s): State<AppState>, c: Ctx, headers: HeaderMap, Path(id): Path<i64>) -> PageResult {
    let a = desk_actor(&c)?;
    let d = s.app.oss_session_detail(&a, id).await.web(&c)?;
    let (msg, clear) = flash::take::<String>(&s, &headers);
    Ok(flash::clearing(clear, render(SessionPage { c: &c, nav: nav(&a, "/admin/oss"), d, flash: msg, error: None })?))
}

pub async fn attended(
    State(s): State<AppState>,
    c: Ctx,
    Path(id): Path<i64>,
    axum::Form(f): axum::Form<HashMap<String, String>>,
) -> PageResult {
    let a = desk_actor(&c)?;
    let booking = f.get("booking_id").and_then(|v| v.trim().parse().ok()).unwrap_or_default();
    match s.app.mark_oss_attended(&a, id, booking).await {
        Ok(_) => Ok(Redirect::to(&format!("/admin/oss/sesi/{id}")).into_response()),
        Err(e @ Error::Refused { .. }) => {
            let d = s.app.oss_session_detail(&a, id).await.web(&c)?;
            let error = Some(crate::error::message_of(c.lang, &e));
            render(SessionPage { c: &c, nav: nav(&a, "/admin/oss"), d, flash: None, error })
                .map(|r| (StatusCode::CONFLICT, r).into_response())
        }
        Err(e) => Err(WebError::In(c.lang, e)),
    }
}

pub async fn cancel_session(State(s): State<AppState>, c: Ctx, Path(id): Path<i64>) -> PageResult {
    let a = desk_actor(&c)?;
    match s.app.cancel_oss_session(&a, id).await {
        Ok(v) => Ok(flash::redirect(
            &s,
            &format!("/admin/oss/sesi/{id}"),
            &c.lang.ta("oss-session-cancelled-flash", &[("title", &v.title)]),
        )),
        Err(e @ Error::Refused { .. }) => {
            let d = s.app.oss_session_detail(&a, id).await.web(&c)?;
            let error = Some(crate::error::message_of(c.lang, &e));
            render(SessionPage { c: &c, nav: nav(&a, "/admin/oss"), d, flash: None, error })
                .map(|r| (StatusCode::CONFLICT, r).into_response())
        }
        Err(e) => Err(WebError::In(c.lang, e)),
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct NewParams {
    #[serde(default)]
    tiket: Option<String>,
}

#[derive(Template)]
#[template(path = "admin/oss_consultation.html")]
struct ConsultationPage<'a> {
    c: &'a Ctx,
    nav: Vec<NavItem>,
    ticket: Option<i64>,
    providers: Vec<ProviderRow>,
    values: HashMap<String, String>,
    errors: FormErrors,
}

impl ConsultationPage<'_> {
    fn value(&self, k: &str) -> &str {
        self.values.get(k).map(String::as_str).unwrap_or("")
    }
    fn topics(&self) -> Vec<(&'static str, String)> {
        Topic::ALL.iter().map(|t| (t.as_str(), topic_label(self.c, t))).collect()
    }
    fn outcomes(&self) -> Vec<(&'static str, String)> {
        Outcome::ALL.iter().map(|o| (o.as_str(), outcome_label(self.c, o))).collect()
    }
}

async fn consultation_page(
    s: &AppState,
    c: &Ctx,
    a: &Actor,
    ticket: Option<i64>,
    values: HashMap<String, String>,
    errors: FormErrors,
) -> PageResult {
    let mpp_id = mpp_of(c, a)?;
    let desk = s.app.oss_desk(mpp_id).await.web(c)?;
    if desk.consultation.is_none() {
        return Err(WebError::In(c.lang, Error::refused(satuatap_service::Refusal::OssDeskNotOpen)));
    }
    let providers = s.app.providers(Some(a), mpp_id).await.web(c)?;
    let status = if errors.general.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let page = ConsultationPage { c, nav: nav(a, "/admin/oss"), ticket, providers, values, errors };
    render(page).map(|r| (status, r).into_response())
}

pub async fn new_consultation(State(s): State<AppState>, c: Ctx, Query(p): Query<NewParams>) -> PageResult {
    let a = desk_actor(&c)?;
    let ticket = p.tiket.as_deref().and_then(|t| t.trim().parse().ok());
    consultation_page(&s, &c, &a, ticket, HashMap::new(), FormErrors::default()).await
}

pub async fn create_consultation(
    State(s): State<AppState>,
    c: Ctx,
    axum::Form(f): axum::Form<HashMap<String, String>>,
) -> PageResult {
    let a = desk_actor(&c)?;
    let mpp_id = mpp_of(&c, &a)?;
    let input = ConsultationInput {
        ticket_id: num(f.get("ticket_id")),
        visitor_name: text(&f, "visitor_name"),
        phone: text(&f, "phone"),
        email: text(&f, "email"),
        business_name: text(&f, "business_name"),
        activity: text(&f, "activity"),
        kbli: text(&f, "kbli"),
        topic: text(&f, "topic").unwrap_or_default(),
        outcome: text(&f, "outcome").unwrap_or_default(),
        nib: text(&f, "nib"),
        referred_provider_id: num(f.get("referred_provider_id")),
        follow_up_on: text(&f, "follow_up_on"),
        note: text(&f, "note"),
    };
    match s.app.record_oss_consultation(&a, mpp_id, &input).await {
        Ok(v) => Ok(flash::redirect(&s, "/admin/oss", &recorded_text(&c, &v))),
        Err(e) => match form_errors(&c, &e) {
            Some(mut errors) => {
                if errors.general.is_none() {
                    errors.general = Some(c.t("form-has-errors"));
                }
                let ticket = input.ticket_id.and_then(Result::ok);
                consultation_page(&s, &c, &a, ticket, f, errors).await
            }
            None => Err(WebError::In(c.lang, e)),
        },
    }
}

fn recorded_text(c: &Ctx, v: &ConsultationView) -> String {
    match v.follow_up_on {
        Some(d) => c.lang.ta("oss-recorded-follow-up", &[("date", &crate::pages::fmt_date(c.lang, d))]),
        None => c.lang.ta("oss-recorded", &[("outcome", &outcome_label(c, &v.outcome))]),
    }
}

pub async fn finish_follow_up(
    State(s): State<AppState>,
    c: Ctx,
    Path(id): Path<i64>,
    axum::Form(f): axum::Form<HashMap<String, String>>,
) -> PageResult {
    let a = desk_actor(&c)?;
    let input = FollowUpInput {
        outcome: text(&f, "outcome").unwrap_or_default(),
        nib: text(&f, "nib"),
        referred_provider_id: num(f.get("referred_provider_id")),
        note: text(&f, "note"),
    };
    match s.app.finish_oss_follow_up(&a, id, &input).await {
        Ok(v) => Ok(flash::redirect(
            &s,
            "/admin/oss",
            &c.lang.ta("oss-follow-up-done", &[("outcome", &outcome_label(&c, &v.outcome))]),
        )),
        Err(e) => match form_errors(&c, &e) {
            Some(mut errors) => {
                // The worklist shows the message above the follow-up it belongs to.
                if errors.general.is_none() {
                    errors.general = Some(errors.summary.iter().map(|(_, l)| l.clone()).collect::<Vec<_>>().join(" "));
                }
                let mut values = f;
                values.insert("follow_up_id".into(), id.to_string());
                show(&s, &c, &a, mpp_of(&c, &a)?, values, errors, None).await
            }
            None => Err(WebError::In(c.lang, e)),
        },
    }
}
