//! Admin pages for services and their standards.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect};
use satuatap_domain::catalog::{Category, DurationUnit, PublicComponent, ServiceStatus};
use satuatap_service::Error;
use satuatap_service::catalog::ServiceInput;
use satuatap_store::catalog::ServiceFilter;
use satuatap_store::{MppRow, ProviderRow, ServiceRow};
use serde::Deserialize;

use super::{NavItem, loose_str, nav, staff};
use crate::ctx::Ctx;
use crate::error::WebError;
use crate::pages::{FormErrors, PageResult, render};
use crate::state::{AppState, WebResultExt};

#[derive(Debug, Default, Deserialize)]
pub struct ListParams {
    #[serde(default)]
    mpp: Option<String>,
    #[serde(default)]
    provider: Option<String>,
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    q: Option<String>,
}

#[derive(Template)]
#[template(path = "admin/services.html")]
struct ServiceList<'a> {
    c: &'a Ctx,
    nav: Vec<NavItem>,
    mpps: Vec<MppRow>,
    mpp: Option<i64>,
    providers: Vec<ProviderRow>,
    provider: Option<i64>,
    status: Option<ServiceStatus>,
    q: String,
    services: Vec<ServiceRow>,
    statuses: &'static [ServiceStatus],
    can_create: bool,
}

pub async fn list(State(s): State<AppState>, c: Ctx, Query(p): Query<ListParams>) -> PageResult {
    let a = staff(&c)?;
    let mpps = s.app.managed_mpps(&a).await.web(&c)?;
    let mpp = p.mpp.as_deref().and_then(|v| v.parse().ok()).or(if a.is_national() { None } else { a.mpp_id });
    let provider = p.provider.as_deref().and_then(|v| v.parse().ok());
    let status = p.status.as_deref().and_then(ServiceStatus::parse);
    let q = p.q.unwrap_or_default().chars().take(100).collect::<String>();
    let services = s
        .app
        .admin_services(
            &a,
            ServiceFilter {
                mpp_id: mpp,
                provider_id: provider,
                status,
                text: (!q.trim().is_empty()).then(|| q.trim().to_string()),
                limit: 500,
                offset: 0,
            },
        )
        .await
        .web(&c)?;
    let providers = match mpp {
        Some(m) => s.app.providers(Some(&a), m).await.web(&c)?,
        None => Vec::new(),
    };
    let can_create = mpp.is_some_and(|m| a.is_staff_of(m)) && a.role != satuatap_domain::role::Role::CounterOfficer;
    render(ServiceList {
        c: &c,
        nav: nav(&a, "/admin/layanan"),
        mpps,
        mpp,
        providers,
        provider,
        status,
        q,
        services,
        statuses: ServiceStatus::ALL,
        can_create,
    })
}

#[derive(Template)]
#[template(path = "admin/service_form.html")]
struct ServiceForm<'a> {
    c: &'a Ctx,
    nav: Vec<NavItem>,
    m: MppRow,
    id: Option<i64>,
    current: Option<ServiceRow>,
    f: ServiceInput,
    errors: FormErrors,
    providers: Vec<ProviderRow>,
    categories: &'static [Category],
    units: &'static [DurationUnit],
    missing: Vec<PublicComponent>,
    saved: bool,
}

impl ServiceForm<'_> {
    fn provider_id(&self) -> String {
        loose_str(&self.f.provider_id)
    }
    fn num(&self, field: &str) -> String {
        match field {
            "duration_value" => loose_str(&self.f.duration_value),
            _ => loose_str(&self.f.staff_count),
        }
    }
    fn lines(v: &[String]) -> String {
        v.join("\n")
    }
    fn status(&self) -> &str {
        self.current.as_ref().map(|s| s.status.0.as_str()).unwrap_or("draft")
    }
}

#[allow(clippy::too_many_arguments)]
async fn form_page(
    s: &AppState,
    c: &Ctx,
    mpp_id: i64,
    id: Option<i64>,
    f: ServiceInput,
    errors: FormErrors,
    saved: bool,
) -> PageResult {
    let a = staff(c)?;
    let m = s.app.mpp(mpp_id).await.web(c)?;
    let mut providers = s.app.providers(Some(&a), mpp_id).await.web(c)?;
    providers.retain(|p| a.manages_provider(mpp_id, p.id));
    let current = match id {
        Some(i) => Some(s.app.service(Some(&a), i).await.web(c)?),
        None => None,
    };
    let missing = current.as_ref().map(|s| s.standard.0.missing_public()).unwrap_or_default();
    let status =
        if errors.is_empty() { axum::http::StatusCode::OK } else { axum::http::StatusCode::UNPROCESSABLE_ENTITY };
    render(ServiceForm {
        c,
        nav: nav(&a, "/admin/layanan"),
        m,
        id,
        current,
        f,
        errors,
        providers,
        categories: Category::ALL,
        units: DurationUnit::ALL,
        missing,
        saved,
    })
    .map(|r| (status, r).into_response())
}

#[derive(Debug, Default, Deserialize)]
pub struct NewParams {
    #[serde(default)]
    provider: Option<String>,
}

pub async fn new_form(
    State(s): State<AppState>,
    c: Ctx,
    Path(mpp_id): Path<i64>,
    Query(p): Query<NewParams>,
) -> PageResult {
    let a = staff(&c)?;
    if !a.is_staff_of(mpp_id) || a.role == satuatap_domain::role::Role::CounterOfficer {
        return Err(WebError::In(c.lang, Error::Forbidden));
    }
    let provider = p.provider.as_deref().and_then(|v| v.parse().ok()).or(a.provider_id);
    let f = ServiceInput {
        provider_id: provider.map(Ok),
        category: "lainnya".into(),
        duration_unit: Some("working_days".into()),
        fee_free: true,
        ..ServiceInput::default()
    };
    form_page(&s, &c, mpp_id, None, f, FormErrors::default(), false).await
}

pub async fn create(
    State(s): State<AppState>,
    c: Ctx,
    Path(mpp_id): Path<i64>,
    Form(f): Form<ServiceInput>,
) -> PageResult {
    let a = staff(&c)?;
    match s.app.create_service(&a, mpp_id, &f).await {
        Ok(row) => Ok(Redirect::to(&format!("/admin/layanan/{}?saved=1", row.id)).into_response()),
        Err(Error::Invalid(errs)) => {
            form_page(&s, &c, mpp_id, None, f, FormErrors::from_fields(c.lang, &errs), false).await
        }
        Err(e) => Err(WebError::In(c.lang, e)),
    }
}

pub async fn edit_form(
    State(s): State<AppState>,
    c: Ctx,
    Path(id): Path<i64>,
    Query(q): Query<super::mpps::Saved>,
) -> PageResult {
    let a = staff(&c)?;
    let row = s.app.service(Some(&a), id).await.web(&c)?;
    if !a.manages_provider(row.mpp_id, row.provider_id) {
        return Err(WebError::In(c.lang, Error::Forbidden));
    }
    form_page(&s, &c, row.mpp_id, Some(id), ServiceInput::from_row(&row), FormErrors::default(), q.saved.is_some())
        .await
}

pub async fn update(State(s): State<AppState>, c: Ctx, Path(id): Path<i64>, Form(f): Form<ServiceInput>) -> PageResult {
    let a = staff(&c)?;
    let row = s.app.service(Some(&a), id).await.web(&c)?;
    match s.app.update_service(&a, id, &f).await {
        Ok(_) => Ok(Redirect::to(&format!("/admin/layanan/{id}?saved=1")).into_response()),
        Err(Error::Invalid(errs)) => {
            form_page(&s, &c, row.mpp_id, Some(id), f, FormErrors::from_fields(c.lang, &errs), false).await
        }
        Err(e) => Err(WebError::In(c.lang, e)),
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct StatusForm {
    #[serde(default)]
    status: String,
}

pub async fn set_status(
    State(s): State<AppState>,
    c: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<StatusForm>,
) -> PageResult {
    let a = staff(&c)?;
    let status = ServiceStatus::parse(&f.status)
        .ok_or(WebError::In(c.lang, Error::field("status", satuatap_domain::Invalid::NotAllowed)))?;
    match s.app.set_service_status(&a, id, status).await {
        Ok(_) => Ok(Redirect::to(&format!("/admin/layanan/{id}?saved=1")).into_response()),
        Err(Error::Invalid(errs)) => {
            let row = s.app.service(Some(&a), id).await.web(&c)?;
            let mut e = FormErrors::from_fields(c.lang, &errs);
            e.general = Some(c.t("publish-missing"));
            form_page(&s, &c, row.mpp_id, Some(id), ServiceInput::from_row(&row), e, false).await
        }
        Err(e) => Err(WebError::In(c.lang, e)),
    }
}
