//! Administration pages: each role manages what it owns.

pub mod application;
pub mod catalog;
pub mod complaint;
pub mod dashboard;
pub mod devices;
pub mod mpps;
pub mod oss;
pub mod people;
pub mod providers;
pub mod queue;
pub mod survey;

use askama::Template;
use axum::extract::State;
use satuatap_domain::catalog::ServiceStatus;
use satuatap_domain::role::Role;
use satuatap_service::Actor;
use satuatap_service::input::{Loose, Num};
use satuatap_store::MppRow;

use super::{PageResult, render};
use crate::ctx::Ctx;
use crate::error::WebError;
use crate::state::{AppState, WebResultExt};

/// A side-menu entry.
pub struct NavItem {
    pub href: String,
    pub key: &'static str,
    pub current: bool,
}

/// The admin menu for this actor, marking `current`.
pub fn nav(a: &Actor, current: &str) -> Vec<NavItem> {
    let mut items: Vec<(String, &'static str)> = vec![("/admin".into(), "admin-dashboard")];
    match a.role {
        Role::NationalAdmin => {
            items.push(("/nasional/dasbor".into(), "admin-national-dashboard"));
            items.push(("/admin/nasional".into(), "admin-register"));
            items.push(("/admin/evaluasi".into(), "ev-nav"));
            items.push(("/admin/evaluasi/saya".into(), "eva-mine-title"));
            items.push(("/admin/mpp".into(), "admin-mpps"));
            items.push(("/admin/lembaga".into(), "admin-agencies"));
            items.push(("/admin/layanan".into(), "admin-services"));
            items.push(("/admin/libur".into(), "admin-holidays"));
            items.push(("/admin/pengguna".into(), "admin-users"));
            items.push(("/admin/token".into(), "admin-tokens"));
            items.push(("/admin/audit".into(), "admin-audit"));
        }
        Role::MppManager => {
            if let Some(m) = a.mpp_id {
                items.push((format!("/admin/mpp/{m}"), "admin-my-mpp"));
                items.push((format!("/admin/mpp/{m}/instansi"), "admin-providers"));
                items.push(("/admin/layanan".into(), "admin-services"));
                items.push((format!("/admin/mpp/{m}/libur"), "admin-closures"));
                items.push((format!("/admin/mpp/{m}/antrean"), "admin-queue"));
                items.push((format!("/admin/mpp/{m}/perangkat"), "admin-devices"));
                items.push(("/admin/nasional".into(), "admin-register-manager"));
                items.push(("/admin/evaluasi/saya".into(), "eva-mine-title"));
            }
            items.push(("/admin/pengguna".into(), "admin-users"));
            items.push(("/admin/token".into(), "admin-tokens"));
            items.push(("/admin/audit".into(), "admin-audit"));
        }
        Role::ProviderAdmin => {
            if let Some(p) = a.provider_id {
                items.push((format!("/admin/instansi/{p}"), "admin-my-provider"));
            }
            items.push(("/admin/layanan".into(), "admin-services"));
            items.push(("/admin/pengguna".into(), "admin-users"));
        }
        Role::Evaluator => items.push(("/admin/evaluasi/saya".into(), "eva-mine-title")),
        Role::CounterOfficer | Role::Citizen => {}
    }
    if a.role.is_staff() {
        items.push(("/admin/survei".into(), "admin-survey"));
    }
    if matches!(a.role, Role::MppManager | Role::ProviderAdmin | Role::CounterOfficer) && a.mpp_id.is_some() {
        items.push(("/admin/berkas".into(), "app-title"));
    }
    if a.role == Role::MppManager && a.mpp_id.is_some() {
        items.push(("/admin/oss".into(), "oss-title"));
    }
    if matches!(a.role, Role::NationalAdmin | Role::MppManager | Role::ProviderAdmin) {
        items.push(("/admin/pengaduan".into(), "admin-complaints"));
    }
    if a.role == Role::Evaluator {
    } else if a.role != Role::NationalAdmin {
        if a.mpp_id.is_some() {
            items.push(("/admin/pemesanan".into(), "admin-bookings"));
        }
        items.push(("/konsol".into(), "q-console-title"));
    } else {
        items.push(("/admin/pemesanan".into(), "admin-bookings"));
    }
    items.push(("/akun/sandi".into(), "password-change-title"));
    items.into_iter().map(|(href, key)| NavItem { current: href == current, href, key }).collect()
}

/// A signed-in staff member, or the refusal: sign-in page, or forbidden.
pub fn staff(c: &Ctx) -> Result<Actor, WebError> {
    let a = c.actor()?;
    if !a.role.is_staff() {
        return Err(WebError::In(c.lang, satuatap_service::Error::Forbidden));
    }
    Ok(a.clone())
}

/// Text of a number field as the form shows it again.
pub fn loose_str<T: Num + ToString>(v: &Loose<T>) -> String {
    match v {
        None => String::new(),
        Some(Ok(x)) => x.to_string(),
        Some(Err(s)) => s.clone(),
    }
}

pub fn opt(v: &Option<String>) -> &str {
    v.as_deref().unwrap_or("")
}

#[derive(Template)]
#[template(path = "admin/dashboard.html")]
struct Dashboard<'a> {
    c: &'a Ctx,
    nav: Vec<NavItem>,
    mpps: Vec<MppRow>,
    published: i64,
    drafts: i64,
    officer: bool,
    /// Open complaints past their deadline, for those who act on them.
    late_complaints: usize,
}

pub async fn dashboard(
    State(s): State<AppState>,
    c: Ctx,
    axum::extract::Query(p): axum::extract::Query<dashboard::PeriodParams>,
) -> PageResult {
    let a = staff(&c)?;
    let officer = a.role == Role::CounterOfficer;
    let late_complaints = match a.mpp_id {
        Some(m) if matches!(a.role, Role::MppManager | Role::ProviderAdmin) => s
            .app
            .complaints(&a, m, &satuatap_service::complaint::ListQuery { status: None, overdue: true })
            .await
            .map(|v| v.len())
            .unwrap_or(0),
        _ => 0,
    };
    // A manager's home is their MPP's dashboard.
    if a.role == Role::MppManager
        && let Some(m) = a.mpp_id
    {
        return dashboard::page(&s, &c, &a, m, &p, late_complaints, "/admin".into()).await;
    }
    let mpps = if officer { Vec::new() } else { s.app.managed_mpps(&a).await.web(&c)? };
    let scope = if a.is_national() { None } else { a.mpp_id };
    let published = s.app.count_services(scope, ServiceStatus::Published).await.web(&c)?;
    let drafts = s.app.count_services(scope, ServiceStatus::Draft).await.web(&c)?;
    render(Dashboard { c: &c, nav: nav(&a, "/admin"), mpps, published, drafts, officer, late_complaints })
}
