//! Admin pages for MPPs and holidays.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect};
use chrono::Datelike;
use satuatap_domain::catalog::MppStatus;
use satuatap_service::Error;
use satuatap_service::holidays::HolidayInput;
use satuatap_service::mpps::MppInput;
use satuatap_store::{Holiday, MppRow, Regency};
use serde::Deserialize;

use super::{NavItem, loose_str, nav, opt, staff};
use crate::ctx::Ctx;
use crate::error::WebError;
use crate::pages::{FormErrors, PageResult, render};
use crate::state::{AppState, WebResultExt};

#[derive(Template)]
#[template(path = "admin/mpps.html")]
struct MppList<'a> {
    c: &'a Ctx,
    nav: Vec<NavItem>,
    mpps: Vec<MppRow>,
    national: bool,
}

pub async fn list(State(s): State<AppState>, c: Ctx) -> PageResult {
    let a = staff(&c)?;
    let mpps = s.app.managed_mpps(&a).await.web(&c)?;
    render(MppList { c: &c, nav: nav(&a, "/admin/mpp"), national: a.is_national(), mpps })
}

#[derive(Template)]
#[template(path = "admin/mpp_form.html")]
struct MppForm<'a> {
    c: &'a Ctx,
    nav: Vec<NavItem>,
    id: Option<i64>,
    f: MppInput,
    errors: FormErrors,
    regencies: Vec<Regency>,
    statuses: &'static [MppStatus],
    national: bool,
    saved: bool,
}

impl MppForm<'_> {
    fn lat(&self) -> String {
        loose_str(&self.f.latitude)
    }
    fn lon(&self) -> String {
        loose_str(&self.f.longitude)
    }
    fn day(&self, key: &str) -> &str {
        match key {
            "mon" => opt(&self.f.hours_mon),
            "tue" => opt(&self.f.hours_tue),
            "wed" => opt(&self.f.hours_wed),
            "thu" => opt(&self.f.hours_thu),
            "fri" => opt(&self.f.hours_fri),
            "sat" => opt(&self.f.hours_sat),
            _ => opt(&self.f.hours_sun),
        }
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct Saved {
    #[serde(default)]
    pub saved: Option<String>,
}

async fn form_page(s: &AppState, c: &Ctx, id: Option<i64>, f: MppInput, errors: FormErrors, saved: bool) -> PageResult {
    let a = staff(c)?;
    let regencies = s.app.regencies(None).await.web(c)?;
    let current = match id {
        Some(i) => format!("/admin/mpp/{i}"),
        None => "/admin/mpp".into(),
    };
    let status =
        if errors.is_empty() { axum::http::StatusCode::OK } else { axum::http::StatusCode::UNPROCESSABLE_ENTITY };
    render(MppForm {
        c,
        nav: nav(&a, &current),
        id,
        f,
        errors,
        regencies,
        statuses: MppStatus::ALL,
        national: a.is_national(),
        saved,
    })
    .map(|r| (status, r).into_response())
}

pub async fn new_form(State(s): State<AppState>, c: Ctx) -> PageResult {
    let a = staff(&c)?;
    if !a.is_national() {
        return Err(WebError::In(c.lang, Error::Forbidden));
    }
    let f = MppInput {
        hours_mon: Some("08:00-15:00".into()),
        hours_tue: Some("08:00-15:00".into()),
        hours_wed: Some("08:00-15:00".into()),
        hours_thu: Some("08:00-15:00".into()),
        hours_fri: Some("08:00-11:30, 13:00-15:00".into()),
        status: Some("planned".into()),
        ..MppInput::default()
    };
    form_page(&s, &c, None, f, FormErrors::default(), false).await
}

pub async fn create(State(s): State<AppState>, c: Ctx, Form(f): Form<MppInput>) -> PageResult {
    let a = staff(&c)?;
    match s.app.create_mpp(&a, &f).await {
        Ok(m) => Ok(Redirect::to(&format!("/admin/mpp/{}?saved=1", m.id)).into_response()),
        Err(Error::Invalid(errs)) => form_page(&s, &c, None, f, FormErrors::from_fields(c.lang, &errs), false).await,
        Err(e) => Err(WebError::In(c.lang, e)),
    }
}

pub async fn edit_form(State(s): State<AppState>, c: Ctx, Path(id): Path<i64>, Query(q): Query<Saved>) -> PageResult {
    let a = staff(&c)?;
    if !a.manages_mpp(id) {
        return Err(WebError::In(c.lang, Error::Forbidden));
    }
    let m = s.app.mpp(id).await.web(&c)?;
    form_page(&s, &c, Some(id), MppInput::from_row(&m), FormErrors::default(), q.saved.is_some()).await
}

pub async fn update(State(s): State<AppState>, c: Ctx, Path(id): Path<i64>, Form(f): Form<MppInput>) -> PageResult {
    let a = staff(&c)?;
    match s.app.update_mpp(&a, id, &f).await {
        Ok(m) => Ok(Redirect::to(&format!("/admin/mpp/{}?saved=1", m.id)).into_response()),
        Err(Error::Invalid(errs)) => {
            form_page(&s, &c, Some(id), f, FormErrors::from_fields(c.lang, &errs), false).await
        }
        Err(e) => Err(WebError::In(c.lang, e)),
    }
}

// --- holidays -------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "admin/holidays.html")]
struct HolidayPage<'a> {
    c: &'a Ctx,
    nav: Vec<NavItem>,
    mpp: Option<MppRow>,
    year: i32,
    holidays: Vec<Holiday>,
    national: Vec<Holiday>,
    f: HolidayInput,
    errors: FormErrors,
    action: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct YearParam {
    #[serde(default)]
    year: Option<String>,
}

async fn holiday_page(
    s: &AppState,
    c: &Ctx,
    mpp_id: Option<i64>,
    year: Option<i32>,
    f: HolidayInput,
    errors: FormErrors,
) -> PageResult {
    let a = staff(c)?;
    let allowed = match mpp_id {
        Some(m) => a.manages_mpp(m),
        None => a.is_national(),
    };
    if !allowed {
        return Err(WebError::In(c.lang, Error::Forbidden));
    }
    let mpp = match mpp_id {
        Some(m) => Some(s.app.mpp(m).await.web(c)?),
        None => None,
    };
    let tz: chrono_tz::Tz = mpp.as_ref().and_then(|m| m.time_zone.parse().ok()).unwrap_or(chrono_tz::Tz::Asia__Jakarta);
    let year = year.unwrap_or_else(|| s.app.now().with_timezone(&tz).year()).clamp(2000, 2100);
    let holidays = s.app.holidays(mpp_id, year).await.web(c)?;
    let national = if mpp_id.is_some() { s.app.holidays(None, year).await.web(c)? } else { Vec::new() };
    let (current, action) = match mpp_id {
        Some(m) => (format!("/admin/mpp/{m}/libur"), format!("/admin/mpp/{m}/libur")),
        None => ("/admin/libur".to_string(), "/admin/libur".to_string()),
    };
    let status =
        if errors.is_empty() { axum::http::StatusCode::OK } else { axum::http::StatusCode::UNPROCESSABLE_ENTITY };
    render(HolidayPage { c, nav: nav(&a, &current), mpp, year, holidays, national, f, errors, action })
        .map(|r| (status, r).into_response())
}

fn year_of(p: &YearParam) -> Option<i32> {
    p.year.as_deref().and_then(|y| y.parse().ok())
}

pub async fn national_holidays(State(s): State<AppState>, c: Ctx, Query(p): Query<YearParam>) -> PageResult {
    holiday_page(&s, &c, None, year_of(&p), HolidayInput::default(), FormErrors::default()).await
}

pub async fn mpp_holidays(
    State(s): State<AppState>,
    c: Ctx,
    Path(id): Path<i64>,
    Query(p): Query<YearParam>,
) -> PageResult {
    holiday_page(&s, &c, Some(id), year_of(&p), HolidayInput::default(), FormErrors::default()).await
}

async fn add(s: &AppState, c: &Ctx, mpp_id: Option<i64>, f: HolidayInput) -> PageResult {
    let a = staff(c)?;
    match s.app.add_holiday(&a, mpp_id, &f).await {
        Ok(h) => {
            let back = match mpp_id {
                Some(m) => format!("/admin/mpp/{m}/libur?year={}", h.date.year()),
                None => format!("/admin/libur?year={}", h.date.year()),
            };
            Ok(Redirect::to(&back).into_response())
        }
        Err(Error::Invalid(errs)) => {
            let year = f.date.get(..4).and_then(|y| y.parse().ok());
            holiday_page(s, c, mpp_id, year, f, FormErrors::from_fields(c.lang, &errs)).await
        }
        Err(e) => Err(WebError::In(c.lang, e)),
    }
}

pub async fn add_national(State(s): State<AppState>, c: Ctx, Form(f): Form<HolidayInput>) -> PageResult {
    add(&s, &c, None, f).await
}

pub async fn add_local(
    State(s): State<AppState>,
    c: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<HolidayInput>,
) -> PageResult {
    add(&s, &c, Some(id), f).await
}

pub async fn delete_holiday(State(s): State<AppState>, c: Ctx, Path(id): Path<i64>) -> PageResult {
    let a = staff(&c)?;
    let back = match a.mpp_id {
        Some(m) if !a.is_national() => format!("/admin/mpp/{m}/libur"),
        _ => "/admin/libur".to_string(),
    };
    s.app.delete_holiday(&a, id).await.web(&c)?;
    Ok(Redirect::to(&back).into_response())
}
