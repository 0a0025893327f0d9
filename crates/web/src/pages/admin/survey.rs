//! Admin pages for the satisfaction survey: this quarter's IKM, suggestions
//! and the follow-ups made of them, paper surveys typed in by staff, and
//! one-time survey codes to print.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect};
use satuatap_domain::catalog::ServiceStatus;
use satuatap_domain::role::Role;
use satuatap_service::survey::{FollowupInput, SurveyInput};
use satuatap_service::{Actor, Error};
use satuatap_store::catalog::ServiceFilter;
use satuatap_store::{MppRow, ServiceRow, SuggestionRow, SurveyCodeRow};
use serde::Deserialize;

use super::{NavItem, nav, staff};
use crate::ctx::Ctx;
use crate::error::WebError;
use crate::pages::survey::{
    IkmParams, PeriodGroup, ProfileField, Question, ReportView, choose_period, missing, period_groups, period_label,
    profile, questions, report_view,
};
use crate::pages::{FormErrors, PageResult, render};
use crate::state::{AppState, WebResultExt};

const FOLLOWUP_STATUSES: [&str; 3] = ["open", "in_progress", "done"];

/// A provider's staff see their provider's figures and items.
fn own_provider(a: &Actor) -> Option<i64> {
    match a.role {
        Role::ProviderAdmin | Role::CounterOfficer => a.provider_id,
        _ => None,
    }
}

/// Officers may enter paper surveys and make codes, not assign follow-ups.
fn may_follow_up(a: &Actor) -> bool {
    a.role != Role::CounterOfficer
}

#[derive(Debug, Default, Deserialize)]
pub struct AdminParams {
    #[serde(default)]
    mpp: Option<String>,
    #[serde(default)]
    periode: Option<String>,
    #[serde(default)]
    dari: Option<String>,
    #[serde(default)]
    sampai: Option<String>,
    #[serde(default)]
    saved: Option<String>,
}

/// The MPP a staff page is about: the actor's own, or `?mpp=` for national admins.
async fn mpp_of(s: &AppState, c: &Ctx, a: &Actor, mpp: Option<&str>) -> Result<Option<MppRow>, WebError> {
    let id = mpp.and_then(|v| v.trim().parse::<i64>().ok()).or(a.mpp_id);
    match id {
        Some(id) => {
            if !a.is_staff_of(id) {
                return Err(WebError::In(c.lang, Error::Forbidden));
            }
            Ok(Some(s.app.mpp(id).await.web(c)?))
        }
        None if a.is_national() => Ok(None),
        None => Err(WebError::In(c.lang, Error::Forbidden)),
    }
}

async fn services_of(s: &AppState, c: &Ctx, a: &Actor, m: &MppRow) -> Result<Vec<ServiceRow>, WebError> {
    let f = ServiceFilter {
        mpp_id: Some(m.id),
        provider_id: own_provider(a),
        status: Some(ServiceStatus::Published),
        limit: 1000,
        ..ServiceFilter::default()
    };
    s.app.admin_services(a, f).await.web(c)
}

pub struct FollowupView {
    pub id: i64,
    pub title: String,
    pub status: String,
    pub owner_id: Option<i64>,
    pub owner_name: Option<String>,
    pub note: String,
    pub suggestion: Option<String>,
    pub updated: String,
}

pub struct CodeView {
    pub code: String,
    pub service: String,
    pub note: Option<String>,
    pub created: String,
    pub used: bool,
}

#[derive(Template)]
#[template(path = "admin/survey.html")]
struct SurveyAdmin<'a> {
    c: &'a Ctx,
    nav: Vec<NavItem>,
    /// National admins without `?mpp=` pick one.
    choose: Vec<MppRow>,
    m: Option<MppRow>,
    summary: Option<ReportView>,
    quarter: String,
    period_label: String,
    groups: Vec<PeriodGroup>,
    suggestions: Vec<SuggestionRow>,
    followups: Vec<FollowupView>,
    owners: Vec<(i64, String)>,
    services: Vec<ServiceRow>,
    codes: Vec<CodeView>,
    can_follow: bool,
    errors: FormErrors,
    saved: Option<String>,
    statuses: [&'static str; 3],
}

impl SurveyAdmin<'_> {
    /// A follow-up title proposed from a suggestion (its first line, shortened).
    fn title_of(&self, s: &SuggestionRow) -> String {
        let text = s.suggestion.as_deref().unwrap_or("").lines().next().unwrap_or("").trim();
        if text.chars().count() > 120 {
            format!("{}…", text.chars().take(120).collect::<String>())
        } else {
            text.into()
        }
    }
    fn day(&self, s: &SuggestionRow) -> String {
        crate::pages::fmt_date_short(self.c.lang, s.day)
    }
    fn owned_by(&self, f: &FollowupView, id: &i64) -> bool {
        f.owner_id == Some(*id)
    }
}

async fn admin_page(s: &AppState, c: &Ctx, p: &AdminParams, errors: FormErrors) -> PageResult {
    let a = staff(c)?;
    let nav = nav(&a, "/admin/survei");
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let Some(m) = mpp_of(s, c, &a, p.mpp.as_deref()).await? else {
        if a.is_national() {
            // The national admin starts from every MPP's IKM, then picks one.
            return crate::pages::national::dashboard::across(
                s,
                c,
                &a,
                crate::pages::national::dashboard::Across::Surveys,
                "/admin/survei",
            )
            .await;
        }
        let choose = s.app.managed_mpps(&a).await.web(c)?;
        return render(SurveyAdmin {
            c,
            nav,
            choose,
            m: None,
            summary: None,
            quarter: String::new(),
            period_label: String::new(),
            groups: Vec::new(),
            suggestions: Vec::new(),
            followups: Vec::new(),
            owners: Vec::new(),
            services: Vec::new(),
            codes: Vec::new(),
            can_follow: false,
            errors,
            saved: None,
            statuses: FOLLOWUP_STATUSES,
        });
    };
    let tz: chrono_tz::Tz = m.time_zone.parse().unwrap_or(chrono_tz::Tz::Asia__Jakarta);
    let quarter = s.app.current_quarter(tz);
    let summary = s.app.mpp_ikm(m.id, own_provider(&a), None, &quarter).await.web(c)?;
    let chosen = choose_period(
        s,
        c,
        &IkmParams { periode: p.periode.clone(), dari: p.dari.clone(), sampai: p.sampai.clone(), ..Default::default() },
        &m.time_zone,
    );
    let suggestions = s.app.survey_suggestions(&a, m.id, &chosen.period).await.web(c)?;
    let lang = c.lang;
    let followups = s
        .app
        .followups(&a, m.id)
        .await
        .web(c)?
        .into_iter()
        .map(|f| FollowupView {
            id: f.id,
            title: f.title,
            status: f.status.0.as_str().to_string(),
            owner_id: f.owner_id,
            owner_name: f.owner_name,
            note: f.note.unwrap_or_default(),
            suggestion: f.suggestion,
            updated: crate::pages::fmt_instant(lang, &f.updated_at, &m.time_zone),
        })
        .collect();
    let can_follow = may_follow_up(&a);
    let owners = if can_follow {
        s.app
            .users(&a)
            .await
            .unwrap_or_default()
            .into_iter()
            .filter(|u| u.active && u.mpp_id == Some(m.id))
            .map(|u| (u.id, format!("{} — {}", u.name, c.role(&u.role))))
            .collect()
    } else {
        Vec::new()
    };
    let services = services_of(s, c, &a, &m).await?;
    let codes = s
        .app
        .survey_codes(&a, m.id)
        .await
        .web(c)?
        .into_iter()
        .take(30)
        .map(|r: SurveyCodeRow| CodeView {
            service: services.iter().find(|x| x.id == r.service_id).map(|x| x.name.clone()).unwrap_or_default(),
            created: crate::pages::fmt_instant(lang, &r.created_at, &m.time_zone),
            used: r.used_at.is_some(),
            note: r.note,
            code: r.code,
        })
        .collect();
    render(SurveyAdmin {
        c,
        nav,
        choose: Vec::new(),
        summary: Some(report_view(lang, &quarter, &summary)),
        quarter: period_label(lang, &quarter),
        period_label: period_label(lang, &chosen.period),
        groups: period_groups(lang, chosen.today, &chosen.period),
        suggestions,
        followups,
        owners,
        services,
        codes,
        can_follow,
        errors,
        saved: p.saved.clone(),
        statuses: FOLLOWUP_STATUSES,
        m: Some(m),
    })
    .map(|r| (status, r).into_response())
}

pub async fn page(State(s): State<AppState>, c: Ctx, Query(p): Query<AdminParams>) -> PageResult {
    admin_page(&s, &c, &p, FormErrors::default()).await
}

/// A follow-up form as posted: numbers arrive as text, empty when not chosen.
#[derive(Debug, Default, Deserialize)]
pub struct FollowupForm {
    #[serde(default)]
    mpp: Option<String>,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    response_id: Option<String>,
    #[serde(default)]
    owner_id: Option<String>,
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    note: Option<String>,
}

fn num(v: &Option<String>) -> Option<i64> {
    v.as_deref().map(str::trim).filter(|v| !v.is_empty()).and_then(|v| v.parse().ok())
}

fn back(mpp: i64, saved: &str, anchor: &str) -> axum::response::Response {
    Redirect::to(&format!("/admin/survei?mpp={mpp}&saved={saved}#{anchor}")).into_response()
}

pub async fn create_followup(State(s): State<AppState>, c: Ctx, Form(f): Form<FollowupForm>) -> PageResult {
    let a = staff(&c)?;
    let m = mpp_of(&s, &c, &a, f.mpp.as_deref()).await?.ok_or(WebError::In(c.lang, Error::Forbidden))?;
    let input = FollowupInput {
        title: f.title.clone(),
        response_id: num(&f.response_id),
        owner_id: num(&f.owner_id),
        status: f.status.clone(),
        note: f.note.clone(),
    };
    match s.app.create_followup(&a, m.id, &input).await {
        Ok(_) => Ok(back(m.id, "followup", "tindak-lanjut")),
        Err(Error::Invalid(errs)) => {
            let p = AdminParams { mpp: Some(m.id.to_string()), ..Default::default() };
            admin_page(&s, &c, &p, followup_errors(&c, &errs)).await
        }
        Err(e) => Err(WebError::In(c.lang, e)),
    }
}

/// Form errors of the follow-up forms, named in the notice above the lists
/// (each form on the page is one of many).
fn followup_errors(c: &Ctx, errs: &[satuatap_domain::FieldError]) -> FormErrors {
    let mut e = FormErrors::from_fields(c.lang, errs);
    let details: Vec<String> = errs
        .iter()
        .map(|f| match c.lang.lookup(&format!("sv-field-{}", f.field.replace('_', "-"))) {
            Some(label) => format!("{label}: {}", c.lang.field_error(f)),
            None => c.lang.field_sentence(f),
        })
        .collect();
    e.general = Some(format!("{} {}", c.t("err-invalid"), details.join(" ")));
    // `general` already names each problem; the linked list would say it twice.
    e.summary.clear();
    e
}

pub async fn update_followup(
    State(s): State<AppState>,
    c: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<FollowupForm>,
) -> PageResult {
    let a = staff(&c)?;
    let input = FollowupInput {
        title: None,
        response_id: None,
        owner_id: num(&f.owner_id),
        status: f.status.clone().filter(|v| !v.is_empty()),
        note: f.note.clone(),
    };
    match s.app.update_followup(&a, id, &input).await {
        Ok(row) => Ok(back(row.mpp_id, "followup", &format!("f-{id}"))),
        Err(Error::Invalid(errs)) => {
            let p = AdminParams { mpp: f.mpp.clone(), ..Default::default() };
            admin_page(&s, &c, &p, followup_errors(&c, &errs)).await
        }
        Err(e) => Err(WebError::In(c.lang, e)),
    }
}

// --- paper surveys ------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "admin/survey_paper.html")]
struct PaperPage<'a> {
    c: &'a Ctx,
    nav: Vec<NavItem>,
    m: MppRow,
    services: Vec<ServiceRow>,
    service_id: Option<i64>,
    day: String,
    today: String,
    questions: Vec<Question>,
    profile: Vec<ProfileField>,
    suggestion: String,
    errors: FormErrors,
    missing: Vec<(String, String)>,
    saved: bool,
}

impl PaperPage<'_> {
    fn is_service(&self, id: &i64) -> bool {
        self.service_id == Some(*id)
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct PaperParams {
    #[serde(default)]
    mpp: Option<String>,
    #[serde(default)]
    saved: Option<String>,
    #[serde(default)]
    layanan: Option<String>,
}

#[allow(clippy::too_many_arguments)]
async fn paper_page(
    s: &AppState,
    c: &Ctx,
    mpp: Option<&str>,
    input: &SurveyInput,
    service_id: Option<i64>,
    errors: FormErrors,
    saved: bool,
) -> PageResult {
    let a = staff(c)?;
    let m = mpp_of(s, c, &a, mpp).await?.ok_or(WebError::In(c.lang, Error::Forbidden))?;
    let services = services_of(s, c, &a, &m).await?;
    let today = s.app.local_day(&m).to_string();
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    render(PaperPage {
        c,
        nav: nav(&a, "/admin/survei"),
        services,
        service_id,
        day: input.day.clone().filter(|d| !d.trim().is_empty()).unwrap_or_else(|| today.clone()),
        today,
        questions: questions(c.lang, input, &errors),
        profile: profile(c.lang, input, &errors),
        suggestion: input.suggestion.clone().unwrap_or_default(),
        missing: missing(c.lang, &errors),
        errors,
        saved,
        m,
    })
    .map(|r| (status, r).into_response())
}

pub async fn paper_form(State(s): State<AppState>, c: Ctx, Query(p): Query<PaperParams>) -> PageResult {
    let service = p.layanan.as_deref().and_then(|v| v.parse().ok());
    paper_page(&s, &c, p.mpp.as_deref(), &SurveyInput::default(), service, FormErrors::default(), p.saved.is_some())
        .await
}

pub async fn paper_submit(State(s): State<AppState>, c: Ctx, body: axum::body::Bytes) -> PageResult {
    let a = staff(&c)?;
    // The service and the MPP, then the survey's own fields (numbers arrive as text).
    let pairs: Vec<(String, String)> = form_urlencoded::parse(&body).into_owned().collect();
    let get = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    let answers: SurveyInput = serde_json::from_value(serde_json::Value::Object(
        pairs
            .iter()
            .filter(|(k, _)| !matches!(k.as_str(), "csrf" | "mpp" | "service_id"))
            .map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone())))
            .collect(),
    ))
    .unwrap_or_default();
    let mpp = get("mpp");
    let Some(sid) = num(&get("service_id")) else {
        let e = FormErrors::from_fields(c.lang, &[field_required("service_id")]);
        return paper_page(&s, &c, mpp.as_deref(), &answers, None, e, false).await;
    };
    match s.app.enter_paper_survey(&a, sid, &answers).await {
        Ok(_) => {
            let svc = s.app.service(Some(&a), sid).await.web(&c)?;
            Ok(Redirect::to(&format!("/admin/survei/kertas?mpp={}&layanan={sid}&saved=1", svc.mpp_id)).into_response())
        }
        Err(Error::Invalid(errs)) => {
            let e = FormErrors::from_fields(c.lang, &errs);
            paper_page(&s, &c, mpp.as_deref(), &answers, Some(sid), e, false).await
        }
        Err(e) => Err(WebError::In(c.lang, e)),
    }
}

fn field_required(name: &str) -> satuatap_domain::FieldError {
    satuatap_domain::FieldError::new(name, satuatap_domain::Invalid::Required)
}

// --- one-time codes ---------------------------------------------------------------------

#[derive(Template)]
#[template(path = "admin/survey_codes.html")]
struct CodesPage<'a> {
    c: &'a Ctx,
    nav: Vec<NavItem>,
    m: MppRow,
    service: ServiceRow,
    note: Option<String>,
    /// Each code with its QR code (inline SVG) and the address it opens.
    codes: Vec<(String, String, String)>,
    entry: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct CodesForm {
    #[serde(default)]
    mpp: Option<String>,
    #[serde(default)]
    service_id: Option<String>,
    #[serde(default)]
    count: Option<String>,
    #[serde(default)]
    note: Option<String>,
}

pub async fn create_codes(
    State(s): State<AppState>,
    c: Ctx,
    headers: HeaderMap,
    Form(f): Form<CodesForm>,
) -> PageResult {
    let a = staff(&c)?;
    let p = AdminParams { mpp: f.mpp.clone(), ..Default::default() };
    let Some(sid) = num(&f.service_id) else {
        let e = FormErrors::from_fields(c.lang, &[field_required("service_id")]);
        return admin_page(&s, &c, &p, followup_errors_of(&c, e)).await;
    };
    let count = num(&f.count).unwrap_or(0);
    let note = f.note.as_deref().map(str::trim).filter(|n| !n.is_empty());
    let codes = match s.app.create_survey_codes(&a, sid, count, note).await {
        Ok(codes) => codes,
        Err(Error::Invalid(errs)) => return admin_page(&s, &c, &p, followup_errors(&c, &errs)).await,
        Err(e) => return Err(WebError::In(c.lang, e)),
    };
    let service = s.app.service(Some(&a), sid).await.web(&c)?;
    let m = s.app.mpp(service.mpp_id).await.web(&c)?;
    let base = crate::pages::queue::public_base(&s, &headers);
    let mut shown = Vec::with_capacity(codes.len());
    for code in codes {
        let url = format!("{base}/survei/kode/{code}");
        let svg = crate::pages::queue::qr_svg(&c, &url, 120)?;
        // Inline in the page: drop the XML declaration before the <svg> element.
        let svg = svg.find("<svg").map(|i| svg[i..].to_string()).unwrap_or(svg);
        shown.push((code, svg, url));
    }
    render(CodesPage {
        c: &c,
        nav: nav(&a, "/admin/survei"),
        m,
        service,
        note: note.map(str::to_string),
        codes: shown,
        entry: format!("{base}/survei"),
    })
}

fn followup_errors_of(c: &Ctx, mut e: FormErrors) -> FormErrors {
    let details: Vec<String> =
        e.fields.iter().map(|(k, v)| format!("{}: {v}", c.t(&format!("sv-field-{}", k.replace('_', "-"))))).collect();
    e.general = Some(format!("{} {}", c.t("err-invalid"), details.join(" ")));
    e.summary.clear();
    e
}
