//! Admin pages for providers (instansi), their counters and national agencies.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect};
use satuatap_domain::catalog::ProviderKind;
use satuatap_service::Error;
use satuatap_service::providers::{AgencyInput, CounterInput, ProviderInput};
use satuatap_store::{AgencyRow, CounterRow, MppRow, ProviderRow};

use super::mpps::Saved;
use super::{NavItem, loose_str, nav, staff};
use crate::ctx::Ctx;
use crate::error::WebError;
use crate::pages::{FormErrors, PageResult, render};
use crate::state::{AppState, WebResultExt};

fn status_for(errors: &FormErrors) -> axum::http::StatusCode {
    if errors.is_empty() { axum::http::StatusCode::OK } else { axum::http::StatusCode::UNPROCESSABLE_ENTITY }
}

#[derive(Template)]
#[template(path = "admin/providers.html")]
struct ProviderList<'a> {
    c: &'a Ctx,
    nav: Vec<NavItem>,
    m: MppRow,
    providers: Vec<ProviderRow>,
    can_add: bool,
}

pub async fn list(State(s): State<AppState>, c: Ctx, Path(mpp_id): Path<i64>) -> PageResult {
    let a = staff(&c)?;
    if !a.is_staff_of(mpp_id) {
        return Err(WebError::In(c.lang, Error::Forbidden));
    }
    let m = s.app.mpp(mpp_id).await.web(&c)?;
    let providers = s.app.providers(Some(&a), mpp_id).await.web(&c)?;
    render(ProviderList {
        c: &c,
        nav: nav(&a, &format!("/admin/mpp/{mpp_id}/instansi")),
        can_add: a.manages_mpp(mpp_id),
        m,
        providers,
    })
}

#[derive(Template)]
#[template(path = "admin/provider_form.html")]
struct ProviderForm<'a> {
    c: &'a Ctx,
    nav: Vec<NavItem>,
    m: MppRow,
    id: Option<i64>,
    f: ProviderInput,
    errors: FormErrors,
    agencies: Vec<AgencyRow>,
    kinds: &'static [ProviderKind],
    /// The MPP manager (or national admin) may change identity fields.
    full: bool,
    counters: Vec<CounterRow>,
    counter_errors: FormErrors,
    new_counter: CounterInput,
    saved: bool,
}

impl ProviderForm<'_> {
    fn agency_id(&self) -> String {
        loose_str(&self.f.agency_id)
    }
}

#[allow(clippy::too_many_arguments)]
async fn form_page(
    s: &AppState,
    c: &Ctx,
    mpp_id: i64,
    id: Option<i64>,
    f: ProviderInput,
    errors: FormErrors,
    counter_errors: FormErrors,
    new_counter: CounterInput,
    saved: bool,
) -> PageResult {
    let a = staff(c)?;
    let m = s.app.mpp(mpp_id).await.web(c)?;
    let agencies = s.app.agencies().await.web(c)?;
    let counters = match id {
        Some(p) => s.app.counters(&a, p).await.web(c)?,
        None => Vec::new(),
    };
    let current = match id {
        Some(p) if a.role == satuatap_domain::role::Role::ProviderAdmin => format!("/admin/instansi/{p}"),
        _ => format!("/admin/mpp/{mpp_id}/instansi"),
    };
    let status = if errors.is_empty() { status_for(&counter_errors) } else { status_for(&errors) };
    render(ProviderForm {
        c,
        nav: nav(&a, &current),
        full: a.manages_mpp(mpp_id),
        m,
        id,
        f,
        errors,
        agencies,
        kinds: ProviderKind::ALL,
        counters,
        counter_errors,
        new_counter,
        saved,
    })
    .map(|r| (status, r).into_response())
}

fn fresh_counter() -> CounterInput {
    CounterInput { active: true, ..CounterInput::default() }
}

pub async fn new_form(State(s): State<AppState>, c: Ctx, Path(mpp_id): Path<i64>) -> PageResult {
    let a = staff(&c)?;
    if !a.manages_mpp(mpp_id) {
        return Err(WebError::In(c.lang, Error::Forbidden));
    }
    let f = ProviderInput { active: true, kind: "regency_government".into(), ..ProviderInput::default() };
    form_page(&s, &c, mpp_id, None, f, FormErrors::default(), FormErrors::default(), fresh_counter(), false).await
}

pub async fn create(
    State(s): State<AppState>,
    c: Ctx,
    Path(mpp_id): Path<i64>,
    Form(f): Form<ProviderInput>,
) -> PageResult {
    let a = staff(&c)?;
    match s.app.create_provider(&a, mpp_id, &f).await {
        Ok(p) => Ok(Redirect::to(&format!("/admin/instansi/{}?saved=1", p.id)).into_response()),
        Err(Error::Invalid(errs)) => {
            let e = FormErrors::from_fields(c.lang, &errs);
            form_page(&s, &c, mpp_id, None, f, e, FormErrors::default(), fresh_counter(), false).await
        }
        Err(e) => Err(WebError::In(c.lang, e)),
    }
}

pub async fn edit_form(State(s): State<AppState>, c: Ctx, Path(id): Path<i64>, Query(q): Query<Saved>) -> PageResult {
    let a = staff(&c)?;
    let p = s.app.provider(id).await.web(&c)?;
    if !a.manages_provider(p.mpp_id, p.id) {
        return Err(WebError::In(c.lang, Error::Forbidden));
    }
    let saved = q.saved.is_some();
    form_page(
        &s,
        &c,
        p.mpp_id,
        Some(id),
        ProviderInput::from_row(&p),
        FormErrors::default(),
        FormErrors::default(),
        fresh_counter(),
        saved,
    )
    .await
}

pub async fn update(
    State(s): State<AppState>,
    c: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<ProviderInput>,
) -> PageResult {
    let a = staff(&c)?;
    let p = s.app.provider(id).await.web(&c)?;
    match s.app.update_provider(&a, id, &f).await {
        Ok(_) => Ok(Redirect::to(&format!("/admin/instansi/{id}?saved=1")).into_response()),
        Err(Error::Invalid(errs)) => {
            let e = FormErrors::from_fields(c.lang, &errs);
            form_page(&s, &c, p.mpp_id, Some(id), f, e, FormErrors::default(), fresh_counter(), false).await
        }
        Err(e) => Err(WebError::In(c.lang, e)),
    }
}

pub async fn add_counter(
    State(s): State<AppState>,
    c: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<CounterInput>,
) -> PageResult {
    let a = staff(&c)?;
    let p = s.app.provider(id).await.web(&c)?;
    match s.app.create_counter(&a, id, &f).await {
        Ok(_) => Ok(Redirect::to(&format!("/admin/instansi/{id}?saved=1#loket")).into_response()),
        Err(Error::Invalid(errs)) => {
            let e = FormErrors::from_fields(c.lang, &errs);
            form_page(&s, &c, p.mpp_id, Some(id), ProviderInput::from_row(&p), FormErrors::default(), e, f, false).await
        }
        Err(e) => Err(WebError::In(c.lang, e)),
    }
}

pub async fn update_counter(
    State(s): State<AppState>,
    c: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<CounterInput>,
) -> PageResult {
    let a = staff(&c)?;
    match s.app.update_counter(&a, id, &f).await {
        Ok(row) => Ok(Redirect::to(&format!("/admin/instansi/{}?saved=1#loket", row.provider_id)).into_response()),
        Err(Error::Invalid(errs)) => render(Plain { c: &c, message: msg_or(&c, &errs) })
            .map(|r| (axum::http::StatusCode::UNPROCESSABLE_ENTITY, r).into_response()),
        Err(e) => Err(WebError::In(c.lang, e)),
    }
}

fn msg_or(c: &Ctx, errs: &[satuatap_domain::FieldError]) -> String {
    errs.iter().map(|e| c.lang.field_sentence(e)).collect::<Vec<_>>().join(" ")
}

/// A short message page for a refused inline edit, with a way back.
#[derive(Template)]
#[template(path = "admin/message.html")]
pub struct Plain<'a> {
    pub c: &'a Ctx,
    pub message: String,
}

// --- agencies -------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "admin/agencies.html")]
struct AgencyPage<'a> {
    c: &'a Ctx,
    nav: Vec<NavItem>,
    agencies: Vec<AgencyRow>,
    kinds: &'static [ProviderKind],
    edit: Option<i64>,
    f: AgencyInput,
    errors: FormErrors,
}

async fn agency_page(s: &AppState, c: &Ctx, edit: Option<i64>, f: AgencyInput, errors: FormErrors) -> PageResult {
    let a = staff(c)?;
    if !a.is_national() {
        return Err(WebError::In(c.lang, Error::Forbidden));
    }
    let agencies = s.app.agencies().await.web(c)?;
    let status = status_for(&errors);
    render(AgencyPage { c, nav: nav(&a, "/admin/lembaga"), agencies, kinds: ProviderKind::ALL, edit, f, errors })
        .map(|r| (status, r).into_response())
}

pub async fn agencies(State(s): State<AppState>, c: Ctx) -> PageResult {
    agency_page(
        &s,
        &c,
        None,
        AgencyInput { kind: "ministry_agency".into(), ..AgencyInput::default() },
        FormErrors::default(),
    )
    .await
}

pub async fn agency_edit(State(s): State<AppState>, c: Ctx, Path(id): Path<i64>) -> PageResult {
    let all = s.app.agencies().await.web(&c)?;
    let row = all.into_iter().find(|r| r.id == id).ok_or(WebError::In(c.lang, Error::NotFound))?;
    let f = AgencyInput {
        slug: Some(row.slug),
        name: row.name,
        name_en: row.name_en,
        kind: row.kind.0.as_str().into(),
        website: row.website,
    };
    agency_page(&s, &c, Some(id), f, FormErrors::default()).await
}

pub async fn agency_create(State(s): State<AppState>, c: Ctx, Form(f): Form<AgencyInput>) -> PageResult {
    let a = staff(&c)?;
    match s.app.create_agency(&a, &f).await {
        Ok(_) => Ok(Redirect::to("/admin/lembaga").into_response()),
        Err(Error::Invalid(errs)) => agency_page(&s, &c, None, f, FormErrors::from_fields(c.lang, &errs)).await,
        Err(e) => Err(WebError::In(c.lang, e)),
    }
}

pub async fn agency_update(
    State(s): State<AppState>,
    c: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<AgencyInput>,
) -> PageResult {
    let a = staff(&c)?;
    match s.app.update_agency(&a, id, &f).await {
        Ok(_) => Ok(Redirect::to("/admin/lembaga").into_response()),
        Err(Error::Invalid(errs)) => agency_page(&s, &c, Some(id), f, FormErrors::from_fields(c.lang, &errs)).await,
        Err(e) => Err(WebError::In(c.lang, e)),
    }
}
