//! The provider's files (berkas): the worklist by deadline with late ones on
//! top, intake at the counter with the standard's requirements as checkboxes,
//! a file's steps, and the printed receipt with its tracking QR.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect};
use satuatap_domain::role::Role;
use satuatap_service::application::{ApplicationView, FileStepInput, IntakeInput, WorklistQuery};
use satuatap_service::{Actor, Error};
use satuatap_store::{MppRow, ServiceRow};
use serde::Deserialize;

use super::{NavItem, nav, staff};
use crate::ctx::Ctx;
use crate::error::WebError;
use crate::pages::{FormErrors, PageResult, render};
use crate::state::{AppState, WebResultExt};

/// Who works on files: the MPP's managers and a provider's admins and officers.
fn desk_actor(c: &Ctx) -> Result<Actor, WebError> {
    let a = staff(c)?;
    if matches!(a.role, Role::Evaluator | Role::Citizen) {
        return Err(WebError::In(c.lang, Error::Forbidden));
    }
    Ok(a)
}

/// A deadline as people read it: a time for same-day promises, the last day otherwise.
pub fn due_text(c: &Ctx, v: &ApplicationView, at: &chrono::DateTime<chrono::Utc>) -> String {
    match v.duration_unit.as_deref() {
        Some("minutes") | Some("hours") => crate::pages::fmt_instant(c.lang, at, &v.time_zone),
        _ => crate::pages::complaint::due_text(c, at, &v.time_zone),
    }
}

pub fn promise_text(c: &Ctx, v: &ApplicationView) -> String {
    match (v.duration_value, v.duration_unit.as_deref()) {
        (Some(n), Some(u)) => c.tn(&format!("app-unit-{u}"), "n", n),
        _ => "—".into(),
    }
}

pub fn step_name(c: &Ctx, name: &str, en: &Option<String>) -> String {
    c.lang.pick(name, en.as_deref()).to_string()
}

#[derive(Debug, Default, Deserialize)]
pub struct ListParams {
    #[serde(default)]
    mpp: Option<i64>,
    #[serde(default)]
    keadaan: Option<String>,
    /// A desk search (number, tracking code, name or service).
    #[serde(default)]
    cari: Option<String>,
}

#[derive(Template)]
#[template(path = "admin/applications.html")]
struct ListPage<'a> {
    c: &'a Ctx,
    nav: Vec<NavItem>,
    m: MppRow,
    items: Vec<ApplicationView>,
    state: String,
    late: usize,
    search: String,
}

fn own_mpp(c: &Ctx, a: &Actor, asked: Option<i64>) -> Result<i64, WebError> {
    if a.is_national() {
        return asked.ok_or(WebError::In(c.lang, Error::NotFound));
    }
    a.mpp_id.ok_or(WebError::In(c.lang, Error::Forbidden))
}

pub async fn list(State(s): State<AppState>, c: Ctx, Query(p): Query<ListParams>) -> PageResult {
    let a = desk_actor(&c)?;
    let mpp_id = own_mpp(&c, &a, p.mpp)?;
    let search: String = p.cari.as_deref().unwrap_or_default().trim().chars().take(100).collect();
    // A search looks through every state unless one is chosen.
    let state = match p.keadaan.as_deref() {
        Some(k @ ("open" | "ready" | "done" | "all")) => k.to_string(),
        _ if !search.is_empty() => "all".into(),
        _ => "open".into(),
    };
    let m = s.app.mpp(mpp_id).await.web(&c)?;
    let q = WorklistQuery {
        state: Some(state.clone()),
        service_id: None,
        q: Some(search.clone()).filter(|q| !q.is_empty()),
    };
    let items = s.app.applications(&a, mpp_id, &q).await.web(&c)?;
    let late = items.iter().filter(|v| v.late).count();
    render(ListPage { c: &c, nav: nav(&a, "/admin/berkas"), m, items, state, late, search })
}

#[derive(Debug, Default, Deserialize)]
pub struct NewParams {
    #[serde(default)]
    layanan: Option<String>,
    #[serde(default)]
    tiket: Option<String>,
    /// The booking the file comes from (its name and contact are used).
    #[serde(default)]
    pemesanan: Option<String>,
}

#[derive(Template)]
#[template(path = "admin/application_new.html")]
struct NewPage<'a> {
    c: &'a Ctx,
    nav: Vec<NavItem>,
    services: Vec<ServiceRow>,
    service: Option<ServiceRow>,
    ticket: Option<i64>,
    booking: Option<i64>,
    values: HashMap<String, String>,
    errors: FormErrors,
}

impl NewPage<'_> {
    /// The standard's requirements as numbered at intake (blank lines skipped).
    fn requirements(&self) -> Vec<(usize, String)> {
        let Some(s) = &self.service else { return Vec::new() };
        let st = &s.standard.0;
        st.requirements
            .iter()
            .enumerate()
            .filter(|(_, t)| !t.trim().is_empty())
            .map(|(at, t)| self.c.lang.pick(t.trim(), st.requirements_en.get(at).map(String::as_str)).to_string())
            .enumerate()
            .collect()
    }
    fn value(&self, k: &str) -> &str {
        self.values.get(k).map(String::as_str).unwrap_or("")
    }
    fn ticked(&self, i: &usize) -> bool {
        self.values.contains_key(&format!("req-{i}"))
    }
}

/// The services this person may register files for.
pub async fn intake_services(s: &AppState, c: &Ctx, a: &Actor) -> Result<Vec<ServiceRow>, WebError> {
    let f = satuatap_store::catalog::ServiceFilter {
        mpp_id: a.mpp_id,
        provider_id: a.provider_id,
        status: Some(satuatap_domain::catalog::ServiceStatus::Published),
        ..Default::default()
    };
    let all = s.app.admin_services(a, f).await.web(c)?;
    Ok(all
        .into_iter()
        .filter(|sv| sv.standard.0.duration_value.is_some() && sv.standard.0.duration_unit.is_some())
        .collect())
}

fn num(v: Option<&str>) -> Option<i64> {
    v.and_then(|v| v.trim().parse().ok())
}

pub async fn new_form(State(s): State<AppState>, c: Ctx, Query(p): Query<NewParams>) -> PageResult {
    let a = desk_actor(&c)?;
    let services = intake_services(&s, &c, &a).await?;
    let service = num(p.layanan.as_deref()).and_then(|id| services.iter().find(|sv| sv.id == id).cloned());
    let service = service.or_else(|| (services.len() == 1).then(|| services[0].clone()));
    render(NewPage {
        c: &c,
        nav: nav(&a, "/admin/berkas"),
        services,
        service,
        ticket: num(p.tiket.as_deref()),
        booking: num(p.pemesanan.as_deref()),
        values: HashMap::new(),
        errors: FormErrors::default(),
    })
}

pub async fn create(
    State(s): State<AppState>,
    c: Ctx,
    axum::Form(f): axum::Form<HashMap<String, String>>,
) -> PageResult {
    let a = desk_actor(&c)?;
    let text = |k: &str| f.get(k).map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
    let service_id = num(f.get("service_id").map(String::as_str)).unwrap_or_default();
    let met: Vec<usize> = f.keys().filter_map(|k| k.strip_prefix("req-")).filter_map(|i| i.parse().ok()).collect();
    let input = IntakeInput {
        service_id,
        ticket_id: num(f.get("ticket_id").map(String::as_str)),
        booking_id: num(f.get("booking_id").map(String::as_str)),
        applicant_name: text("applicant_name"),
        phone: text("phone"),
        email: text("email"),
        requirements_met: met,
        note: text("note"),
    };
    match s.app.register_application(&a, &input).await {
        Ok(v) => Ok(Redirect::to(&format!("/admin/berkas/{}/tanda-terima", v.id)).into_response()),
        Err(e @ (Error::Invalid(_) | Error::Refused { .. })) => {
            let errors = match &e {
                Error::Invalid(errs) => FormErrors::from_fields(c.lang, errs),
                _ => FormErrors::general(crate::error::message_of(c.lang, &e)),
            };
            let services = intake_services(&s, &c, &a).await?;
            let service = services.iter().find(|sv| sv.id == service_id).cloned();
            render(NewPage {
                c: &c,
                nav: nav(&a, "/admin/berkas"),
                services,
                service,
                ticket: input.ticket_id,
                booking: input.booking_id,
                values: f,
                errors,
            })
            .map(|r| (StatusCode::UNPROCESSABLE_ENTITY, r).into_response())
        }
        Err(e) => Err(WebError::In(c.lang, e)),
    }
}

#[derive(Template)]
#[template(path = "admin/application.html")]
struct DetailPage<'a> {
    c: &'a Ctx,
    nav: Vec<NavItem>,
    v: ApplicationView,
    errors: FormErrors,
    done: Option<String>,
}

async fn detail_page(s: &AppState, c: &Ctx, id: i64, errors: FormErrors, done: Option<String>) -> PageResult {
    let a = desk_actor(c)?;
    let v = s.app.application(&a, id).await.web(c)?;
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    render(DetailPage { c, nav: nav(&a, "/admin/berkas"), v, errors, done }).map(|r| (status, r).into_response())
}

pub async fn detail(
    State(s): State<AppState>,
    c: Ctx,
    Path(id): Path<i64>,
    Query(q): Query<HashMap<String, String>>,
) -> PageResult {
    let done = q.contains_key("ok").then(|| c.t("app-saved"));
    detail_page(&s, &c, id, FormErrors::default(), done).await
}

pub async fn step(
    State(s): State<AppState>,
    c: Ctx,
    Path(id): Path<i64>,
    axum::Form(f): axum::Form<HashMap<String, String>>,
) -> PageResult {
    let a = desk_actor(&c)?;
    let met: Vec<usize> = f.keys().filter_map(|k| k.strip_prefix("req-")).filter_map(|i| i.parse().ok()).collect();
    let input = FileStepInput {
        from: f.get("from").cloned().unwrap_or_default(),
        to: f.get("to").cloned().unwrap_or_default(),
        note: f.get("note").map(|v| v.trim().to_string()).filter(|v| !v.is_empty()),
        requirements_met: f.contains_key("requirements").then_some(met),
    };
    match s.app.application_step(&a, id, &input).await {
        Ok(_) => Ok(Redirect::to(&format!("/admin/berkas/{id}?ok=1")).into_response()),
        Err(Error::Invalid(errs)) => detail_page(&s, &c, id, FormErrors::from_fields(c.lang, &errs), None).await,
        Err(e @ Error::Refused { .. }) => {
            detail_page(&s, &c, id, FormErrors::general(crate::error::message_of(c.lang, &e)), None).await
        }
        Err(e) => Err(WebError::In(c.lang, e)),
    }
}

#[derive(Template)]
#[template(path = "admin/application_receipt.html")]
struct ReceiptPage<'a> {
    c: &'a Ctx,
    v: ApplicationView,
    url: String,
    qr: String,
}

impl ReceiptPage<'_> {
    fn missing(&self) -> String {
        self.v.requirements.iter().filter(|r| !r.ok).map(|r| r.text.as_str()).collect::<Vec<_>>().join("; ")
    }
}

pub async fn receipt(State(s): State<AppState>, c: Ctx, headers: HeaderMap, Path(id): Path<i64>) -> PageResult {
    let a = desk_actor(&c)?;
    let v = s.app.application(&a, id).await.web(&c)?;
    let code = v.code.clone().unwrap_or_default();
    let url = format!("{}/berkas/{code}", crate::pages::queue::public_base(&s, &headers));
    let qr = crate::pages::queue::qr_svg(&c, &url, 160)?;
    render(ReceiptPage { c: &c, v, url, qr })
}
