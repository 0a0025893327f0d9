//! Admin pages for the queue: an MPP's queue policy and board announcement,
//! and which services each counter calls.

use askama::Template;
use axum::Form;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect};
use satuatap_service::Error;
use satuatap_service::queue::{CounterServicesInput, QueueSettingsInput};
use satuatap_store::catalog::ServiceFilter;
use satuatap_store::{CounterRow, MppRow, ServiceRow};

use super::mpps::Saved;
use super::{NavItem, loose_str, nav, staff};
use crate::ctx::Ctx;
use crate::error::WebError;
use crate::pages::{FormErrors, PageResult, render};
use crate::state::{AppState, WebResultExt};

#[derive(Template)]
#[template(path = "admin/queue_settings.html")]
struct SettingsPage<'a> {
    c: &'a Ctx,
    nav: Vec<NavItem>,
    m: MppRow,
    f: QueueSettingsInput,
    errors: FormErrors,
    zones: Vec<String>,
    saved: bool,
}

impl SettingsPage<'_> {
    fn num(&self, field: &str) -> String {
        loose_str(match field {
            "priority_lead_minutes" => &self.f.priority_lead_minutes,
            "booking_lead_minutes" => &self.f.booking_lead_minutes,
            "recalls_before_no_show" => &self.f.recalls_before_no_show,
            "no_show_limit" => &self.f.no_show_limit,
            "no_show_days" => &self.f.no_show_days,
            "near_turn_ahead" => &self.f.near_turn_ahead,
            _ => &self.f.extra_time_minutes,
        })
    }
    fn zone_href(&self, z: &str) -> String {
        format!("/mpp/{}/papan?zona={}", self.m.slug, crate::pages::q(z))
    }
}

async fn settings_page(
    s: &AppState,
    c: &Ctx,
    id: i64,
    f: Option<QueueSettingsInput>,
    errors: FormErrors,
    saved: bool,
) -> PageResult {
    let a = staff(c)?;
    if !a.manages_mpp(id) {
        return Err(WebError::In(c.lang, Error::Forbidden));
    }
    let m = s.app.mpp(id).await.web(c)?;
    let st = &m.queue_settings.0;
    let f = f.unwrap_or_else(|| QueueSettingsInput {
        priority_lead_minutes: Some(Ok(st.priority_lead_minutes)),
        booking_lead_minutes: Some(Ok(st.booking_lead_minutes)),
        recalls_before_no_show: Some(Ok(st.recalls_before_no_show)),
        extra_time_minutes: Some(Ok(st.extra_time_minutes)),
        allow_outside_hours: st.allow_outside_hours,
        remote_tickets: st.remote_tickets,
        near_turn_ahead: Some(Ok(st.near_turn_ahead)),
        no_show_limit: Some(Ok(st.no_show_limit)),
        no_show_days: Some(Ok(st.no_show_days)),
        announcement: m.announcement.clone(),
        announcement_en: m.announcement_en.clone(),
    });
    let mut zones: Vec<String> =
        s.app.providers(Some(&a), id).await.web(c)?.into_iter().filter_map(|p| p.zone).collect();
    zones.sort();
    zones.dedup();
    let status =
        if errors.is_empty() { axum::http::StatusCode::OK } else { axum::http::StatusCode::UNPROCESSABLE_ENTITY };
    render(SettingsPage { c, nav: nav(&a, &format!("/admin/mpp/{id}/antrean")), m, f, errors, zones, saved })
        .map(|r| (status, r).into_response())
}

pub async fn settings(State(s): State<AppState>, c: Ctx, Path(id): Path<i64>, Query(q): Query<Saved>) -> PageResult {
    settings_page(&s, &c, id, None, FormErrors::default(), q.saved.is_some()).await
}

pub async fn save_settings(
    State(s): State<AppState>,
    c: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<QueueSettingsInput>,
) -> PageResult {
    let a = staff(&c)?;
    match s.app.set_queue_settings(&a, id, &f).await {
        Ok(_) => Ok(Redirect::to(&format!("/admin/mpp/{id}/antrean?saved=1")).into_response()),
        Err(Error::Invalid(errs)) => {
            settings_page(&s, &c, id, Some(f), FormErrors::from_fields(c.lang, &errs), false).await
        }
        Err(e) => Err(WebError::In(c.lang, e)),
    }
}

#[derive(Template)]
#[template(path = "admin/counter_services.html")]
struct CounterServicesPage<'a> {
    c: &'a Ctx,
    nav: Vec<NavItem>,
    counter: CounterRow,
    services: Vec<ServiceRow>,
    chosen: Vec<i64>,
    saved: bool,
}

pub async fn counter_services(
    State(s): State<AppState>,
    c: Ctx,
    Path(id): Path<i64>,
    Query(q): Query<Saved>,
) -> PageResult {
    let a = staff(&c)?;
    let counter = s.app.managed_counter(&a, id).await.web(&c)?;
    let chosen = s.app.counter_services(&a, id).await.web(&c)?;
    let services = s
        .app
        .admin_services(
            &a,
            ServiceFilter {
                mpp_id: Some(counter.mpp_id),
                provider_id: Some(counter.provider_id),
                limit: 500,
                ..ServiceFilter::default()
            },
        )
        .await
        .web(&c)?;
    let current = format!("/admin/instansi/{}", counter.provider_id);
    render(CounterServicesPage { c: &c, nav: nav(&a, &current), counter, services, chosen, saved: q.saved.is_some() })
}

pub async fn save_counter_services(State(s): State<AppState>, c: Ctx, Path(id): Path<i64>, body: Bytes) -> PageResult {
    let a = staff(&c)?;
    let service_ids: Vec<i64> =
        form_urlencoded::parse(&body).filter(|(k, _)| k == "service_id").filter_map(|(_, v)| v.parse().ok()).collect();
    s.app.set_counter_services(&a, id, &CounterServicesInput { service_ids }).await.web(&c)?;
    Ok(Redirect::to(&format!("/admin/loket/{id}/layanan?saved=1")).into_response())
}

#[derive(Template)]
#[template(path = "admin/walk_in.html")]
struct WalkInPage<'a> {
    c: &'a Ctx,
    nav: Vec<NavItem>,
    s: ServiceRow,
    quota: String,
    last: String,
    issued_today: i64,
    errors: FormErrors,
    saved: bool,
}

async fn walk_in_page(
    s: &AppState,
    c: &Ctx,
    id: i64,
    typed: Option<satuatap_service::queue::WalkInInput>,
    errors: FormErrors,
    saved: bool,
) -> PageResult {
    let a = staff(c)?;
    let svc = s.app.service(Some(&a), id).await.web(c)?;
    if !a.manages_provider(svc.mpp_id, svc.provider_id) {
        return Err(WebError::In(c.lang, Error::Forbidden));
    }
    let now = s.app.walk_in_rule(id).await.web(c)?;
    let (quota, last) = match &typed {
        Some(f) => (loose_str(&f.daily_quota), f.last_ticket_at.clone().unwrap_or_default()),
        None => {
            (now.daily_quota.map(|q| q.to_string()).unwrap_or_default(), now.last_ticket_at.clone().unwrap_or_default())
        }
    };
    let status =
        if errors.is_empty() { axum::http::StatusCode::OK } else { axum::http::StatusCode::UNPROCESSABLE_ENTITY };
    let page = WalkInPage {
        c,
        nav: nav(&a, "/admin/layanan"),
        s: svc,
        quota,
        last,
        issued_today: now.issued_today,
        errors,
        saved,
    };
    render(page).map(|r| (status, r).into_response())
}

pub async fn walk_in(State(s): State<AppState>, c: Ctx, Path(id): Path<i64>, Query(q): Query<Saved>) -> PageResult {
    walk_in_page(&s, &c, id, None, FormErrors::default(), q.saved.is_some()).await
}

pub async fn save_walk_in(
    State(s): State<AppState>,
    c: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<satuatap_service::queue::WalkInInput>,
) -> PageResult {
    let a = staff(&c)?;
    match s.app.set_walk_in_rule(&a, id, &f).await {
        Ok(_) => Ok(Redirect::to(&format!("/admin/layanan/{id}/antrean?saved=1")).into_response()),
        Err(Error::Invalid(errs)) => {
            walk_in_page(&s, &c, id, Some(f), FormErrors::from_fields(c.lang, &errs), false).await
        }
        Err(e) => Err(WebError::In(c.lang, e)),
    }
}
