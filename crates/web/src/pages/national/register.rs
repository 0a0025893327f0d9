//! Editing the rollout register. The national admin edits every record, decides
//! proposals, sets the yearly targets and imports or exports the CSV; an MPP
//! manager sends the same forms for their own regency, and each becomes a
//! proposal the national admin accepts or rejects.

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use satuatap_domain::rollout::{Building, Funding, LocationRole, Stage};
use satuatap_service::Error;
use satuatap_service::rollout::{
    DecisionInput, EventInput, LocationInput, LocationView, ProposalInput, ProposalView, RegencyRollout, TargetInput,
    TargetView,
};
use serde::{Deserialize, Serialize};

use super::{building_label, event_date, funding_label, manages_regency, stage_label, standing_label};
use crate::ctx::Ctx;
use crate::error::WebError;
use crate::flash;
use crate::pages::admin::{NavItem, nav, staff};
use crate::pages::{FormErrors, PageResult, render};
use crate::state::{AppState, WebResultExt};

/// What the last post did, shown once after the redirect.
#[derive(Debug, Clone, Serialize, Deserialize)]
enum Done {
    Saved,
    Proposed,
    Decided(String),
    Imported { rows: usize, locations: usize, events: usize, duplicates: usize },
    Target(i64),
}

fn notice(c: &Ctx, d: &Done) -> String {
    match d {
        Done::Saved => c.t("rg-saved"),
        Done::Proposed => c.t("rg-proposed"),
        Done::Decided(s) => c.t(if s == "accepted" { "rg-accepted" } else { "rg-rejected" }),
        Done::Imported { rows, locations, events, duplicates } => c.ta(
            "rg-imported",
            &[
                ("rows", &rows.to_string()),
                ("locations", &locations.to_string()),
                ("events", &events.to_string()),
                ("duplicates", &duplicates.to_string()),
            ],
        ),
        Done::Target(y) => c.ta("rg-target-saved", &[("year", &y.to_string())]),
    }
}

// --- the register's home ----------------------------------------------------------------------

#[derive(Template)]
#[template(path = "national/register.html")]
struct RegisterPage<'a> {
    c: &'a Ctx,
    nav: Vec<NavItem>,
    national: bool,
    proposals: Vec<ProposalView>,
    targets: Vec<TargetView>,
    notice: Option<String>,
    errors: FormErrors,
    own_regency: Option<(String, String)>,
    csv: String,
}

impl RegisterPage<'_> {
    fn when(&self, at: &chrono::DateTime<chrono::Utc>) -> String {
        crate::pages::fmt_instant(self.c.lang, at, "Asia/Jakarta")
    }
    fn status(&self, p: &ProposalView) -> String {
        self.c.t(&format!("rg-status-{}", p.status))
    }
    fn summary(&self, p: &ProposalView) -> String {
        proposal_summary(self.c, p)
    }
    fn int(&self, n: impl crate::pages::IntLike) -> String {
        crate::pages::fmt_int(self.c.lang, n)
    }
}

/// A proposal in words: the stage and date, or the location's name and what it records.
fn proposal_summary(c: &Ctx, p: &ProposalView) -> String {
    let get = |k: &str| p.payload.get(k).and_then(|v| v.as_str()).map(str::to_string).unwrap_or_default();
    match p.kind.as_str() {
        "event" => {
            let stage = Stage::parse(&get("stage")).map(|s| stage_label(c.lang, &s).to_string()).unwrap_or_default();
            let note = get("note");
            let note = if note.is_empty() { String::new() } else { format!(" — {note}") };
            let date = get("date");
            let date = match chrono::NaiveDate::parse_from_str(&date, "%Y-%m-%d") {
                Ok(d) => crate::pages::fmt_date(c.lang, d),
                Err(_) => date,
            };
            format!("{}: {stage}, {date}{note}", c.t("rg-kind-event"))
        }
        _ => {
            let mut parts = vec![get("name")];
            if let Some(b) = Building::parse(&get("building")) {
                parts.push(building_label(c.lang, &b));
            }
            if let Some(f) = Funding::parse(&get("funding")) {
                parts.push(funding_label(c.lang, &f));
            }
            let what =
                if p.location_id.is_some() { c.t("rg-kind-location-change") } else { c.t("rg-kind-location-new") };
            format!("{what}: {}", parts.into_iter().filter(|s| !s.is_empty()).collect::<Vec<_>>().join(" · "))
        }
    }
}

async fn register_page(s: &AppState, c: &Ctx, notice: Option<String>, errors: FormErrors, csv: String) -> PageResult {
    let a = staff(c)?;
    let national = a.is_national();
    let own_regency = if national {
        None
    } else if a.role == satuatap_domain::role::Role::MppManager {
        match a.mpp_id {
            Some(m) => {
                let m = s.app.mpp(m).await.web(c)?;
                Some((m.regency_code, m.regency_name))
            }
            None => None,
        }
    } else {
        return Err(WebError::In(c.lang, Error::Forbidden));
    };
    let proposals = s.app.rollout_proposals(&a, None).await.web(c)?;
    let targets = s.app.rollout_targets().await.web(c)?;
    render(RegisterPage {
        c,
        nav: nav(&a, "/admin/nasional"),
        national,
        proposals,
        targets,
        notice,
        errors,
        own_regency,
        csv,
    })
}

pub async fn home(State(s): State<AppState>, c: Ctx, headers: HeaderMap) -> PageResult {
    let (d, clear) = flash::take::<Done>(&s, &headers);
    let page = register_page(&s, &c, d.map(|d| notice(&c, &d)), FormErrors::default(), String::new()).await?;
    Ok(flash::clearing(clear, page))
}

#[derive(Debug, Default, Deserialize)]
pub struct DecisionForm {
    #[serde(default)]
    decision: String,
    #[serde(default)]
    note: Option<String>,
}

pub async fn decide(State(s): State<AppState>, c: Ctx, Path(id): Path<i64>, Form(f): Form<DecisionForm>) -> PageResult {
    let a = staff(&c)?;
    let p =
        s.app.decide_rollout_proposal(&a, id, &DecisionInput { decision: f.decision, note: f.note }).await.web(&c)?;
    Ok(flash::redirect(&s, "/admin/nasional#usulan", &Done::Decided(p.status)))
}

#[derive(Debug, Default, Deserialize)]
pub struct TargetForm {
    #[serde(default)]
    year: String,
    #[serde(default)]
    regencies: String,
    #[serde(default)]
    note: Option<String>,
}

pub async fn set_target(State(s): State<AppState>, c: Ctx, Form(f): Form<TargetForm>) -> PageResult {
    let a = staff(&c)?;
    let (year, regencies) = match (f.year.trim().parse::<i64>(), f.regencies.trim().replace('.', "").parse::<i64>()) {
        (Ok(y), Ok(n)) => (y, n),
        _ => {
            let e = FormErrors::general(c.t("rg-target-invalid"));
            return register_page(&s, &c, None, e, String::new()).await;
        }
    };
    match s.app.set_rollout_target(&a, &TargetInput { year, regencies, note: f.note }).await {
        Ok(_) => Ok(flash::redirect(&s, "/admin/nasional#target", &Done::Target(year))),
        Err(Error::Invalid(errs)) => {
            register_page(&s, &c, None, FormErrors::from_fields(c.lang, &errs), String::new()).await
        }
        Err(e) => Err(WebError::In(c.lang, e)),
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct ImportForm {
    #[serde(default)]
    csv: String,
    #[serde(default)]
    replace: Option<String>,
}

pub async fn import(State(s): State<AppState>, c: Ctx, Form(f): Form<ImportForm>) -> PageResult {
    let a = staff(&c)?;
    let replace = f.replace.as_deref().is_some_and(|v| !v.is_empty() && v != "0");
    match s.app.import_rollout_csv(&a, &f.csv, replace).await {
        Ok(r) => Ok(flash::redirect(
            &s,
            "/admin/nasional#impor",
            &Done::Imported {
                rows: r.rows,
                locations: r.locations_created,
                events: r.events_added,
                duplicates: r.duplicates,
            },
        )),
        Err(Error::Invalid(errs)) => {
            let lines: Vec<String> = errs.iter().take(30).map(|e| c.lang.field_error(e)).collect();
            let more = errs.len().saturating_sub(30);
            let mut msg = format!("{} {}", c.t("rg-import-refused"), lines.join(" · "));
            if more > 0 {
                msg.push_str(&format!(" · {}", c.ta("rg-import-more", &[("n", &more.to_string())])));
            }
            register_page(&s, &c, None, FormErrors::general(msg), f.csv).await
        }
        Err(e) => Err(WebError::In(c.lang, e)),
    }
}

pub async fn export(State(s): State<AppState>, c: Ctx) -> PageResult {
    staff(&c)?;
    let body = s.app.export_rollout_csv().await.web(&c)?;
    Ok(super::csv_download(body, "register-mpp.csv"))
}

// --- one regency ------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "national/register_regency.html")]
struct RegencyEditPage<'a> {
    c: &'a Ctx,
    nav: Vec<NavItem>,
    r: RegencyRollout,
    national: bool,
    notice: Option<String>,
    errors: FormErrors,
    /// The form that failed, to show its errors beside it: `new`, `loc-<id>` or `ev-<id>`.
    failed: String,
    districts: Vec<(String, String)>,
}

impl RegencyEditPage<'_> {
    fn stage(&self, s: &Stage) -> &'static str {
        stage_label(self.c.lang, s)
    }
    fn standing(&self, s: &satuatap_domain::rollout::Standing) -> &'static str {
        standing_label(self.c.lang, s)
    }
    fn when(&self, e: &satuatap_service::rollout::EventView) -> String {
        event_date(self.c.lang, e)
    }
    fn building_name(&self, b: &Building) -> String {
        building_label(self.c.lang, b)
    }
    fn funding_name(&self, f: &Funding) -> String {
        funding_label(self.c.lang, f)
    }
    fn role_name(&self, r: &LocationRole) -> String {
        self.c.t(&format!("ro-role-{}", r.as_str()))
    }
    fn err(&self, form: &str, field: &str) -> Option<&str> {
        if self.failed == form { self.errors.get(field) } else { None }
    }
    fn num(&self, n: &Option<i64>) -> String {
        n.map(|n| n.to_string()).unwrap_or_default()
    }
    fn coord(&self, n: &Option<f64>) -> String {
        n.map(|n| format!("{n:.6}")).unwrap_or_default()
    }
    fn text(&self, t: &Option<String>) -> String {
        t.clone().unwrap_or_default()
    }
    fn building_key(&self, l: &LocationView) -> &'static str {
        l.building.map(|b| b.as_str()).unwrap_or("")
    }
    fn funding_key(&self, l: &LocationView) -> &'static str {
        l.funding.map(|f| f.as_str()).unwrap_or("")
    }
}

async fn regency_edit_page(
    s: &AppState,
    c: &Ctx,
    code: &str,
    notice: Option<String>,
    errors: FormErrors,
    failed: &str,
) -> PageResult {
    let a = staff(c)?;
    let national = a.is_national();
    if !national && !manages_regency(s, Some(&a), code).await {
        return Err(WebError::In(c.lang, Error::Forbidden));
    }
    let r = s.app.regency_rollout(code).await.web(c)?;
    let districts = s.app.districts(code).await.web(c)?.into_iter().map(|d| (d.code, d.name)).collect();
    render(RegencyEditPage {
        c,
        nav: nav(&a, "/admin/nasional"),
        r,
        national,
        notice,
        errors,
        failed: failed.into(),
        districts,
    })
}

pub async fn regency(State(s): State<AppState>, c: Ctx, headers: HeaderMap, Path(code): Path<String>) -> PageResult {
    let (d, clear) = flash::take::<Done>(&s, &headers);
    let page = regency_edit_page(&s, &c, &code, d.map(|d| notice(&c, &d)), FormErrors::default(), "").await?;
    Ok(flash::clearing(clear, page))
}

/// A location form as posted, kept as text: the service reads it (as it reads JSON).
fn location_input(f: &HashMap<String, String>) -> Result<LocationInput, Error> {
    let v: serde_json::Map<String, serde_json::Value> = f
        .iter()
        .filter(|(k, _)| k.as_str() != "csrf")
        .map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone())))
        .collect();
    serde_json::from_value(serde_json::Value::Object(v))
        .map_err(|_| Error::field("location", satuatap_domain::Invalid::Format { hint: "hint-json" }))
}

fn location_payload(f: &HashMap<String, String>) -> serde_json::Value {
    serde_json::Value::Object(
        f.iter()
            .filter(|(k, v)| k.as_str() != "csrf" && !v.trim().is_empty())
            .map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone())))
            .collect(),
    )
}

async fn after_edit(s: &AppState, c: &Ctx, code: &str, form: &str, result: Result<Done, Error>) -> PageResult {
    match result {
        Ok(d) => Ok(flash::redirect(s, &format!("/admin/nasional/wilayah/{code}"), &d)),
        Err(Error::Invalid(errs)) => {
            regency_edit_page(s, c, code, None, FormErrors::from_fields(c.lang, &errs), form).await
        }
        Err(e) => Err(WebError::In(c.lang, e)),
    }
}

pub async fn create_location(
    State(s): State<AppState>,
    c: Ctx,
    Path(code): Path<String>,
    Form(f): Form<HashMap<String, String>>,
) -> PageResult {
    let a = staff(&c)?;
    let result = async {
        if a.is_national() {
            s.app.create_rollout_location(&a, &code, &location_input(&f)?).await.map(|_| Done::Saved)
        } else {
            let p =
                ProposalInput { kind: "location".into(), location: Some(location_payload(&f)), ..Default::default() };
            s.app.propose_rollout(&a, &code, &p).await.map(|_| Done::Proposed)
        }
    }
    .await;
    after_edit(&s, &c, &code, "new", result).await
}

pub async fn update_location(
    State(s): State<AppState>,
    c: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<HashMap<String, String>>,
) -> PageResult {
    let a = staff(&c)?;
    let l = s.app.rollout_location_view(id).await.web(&c)?;
    let result = async {
        if a.is_national() {
            s.app.update_rollout_location(&a, id, &location_input(&f)?).await.map(|_| Done::Saved)
        } else {
            let p = ProposalInput {
                kind: "location".into(),
                location_id: Some(id),
                location: Some(location_payload(&f)),
                ..Default::default()
            };
            s.app.propose_rollout(&a, &l.regency_code, &p).await.map(|_| Done::Proposed)
        }
    }
    .await;
    after_edit(&s, &c, &l.regency_code, &format!("loc-{id}"), result).await
}

#[derive(Debug, Default, Deserialize)]
pub struct EventForm {
    #[serde(default)]
    stage: String,
    #[serde(default)]
    date: Option<String>,
    #[serde(default)]
    date_precision: Option<String>,
    #[serde(default)]
    target_year: Option<String>,
    #[serde(default)]
    note: Option<String>,
    #[serde(default)]
    source_url: Option<String>,
}

pub async fn add_event(State(s): State<AppState>, c: Ctx, Path(id): Path<i64>, Form(f): Form<EventForm>) -> PageResult {
    let a = staff(&c)?;
    let l = s.app.rollout_location_view(id).await.web(&c)?;
    let form = format!("ev-{id}");
    let target_year = match f.target_year.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
        None => None,
        Some(v) => match v.parse::<i64>() {
            Ok(y) => Some(y),
            Err(_) => {
                let e = Error::field("target_year", satuatap_domain::Invalid::Format { hint: "hint-year" });
                return after_edit(&s, &c, &l.regency_code, &form, Err(e)).await;
            }
        },
    };
    let input = EventInput {
        stage: f.stage,
        date: f.date,
        date_precision: f.date_precision,
        target_year,
        note: f.note.filter(|n| !n.trim().is_empty()),
        source_url: f.source_url.filter(|n| !n.trim().is_empty()),
    };
    let result = if a.is_national() {
        s.app.add_rollout_event(&a, id, &input).await.map(|_| Done::Saved)
    } else {
        let p = ProposalInput { kind: "event".into(), location_id: Some(id), event: Some(input), ..Default::default() };
        s.app.propose_rollout(&a, &l.regency_code, &p).await.map(|_| Done::Proposed)
    };
    after_edit(&s, &c, &l.regency_code, &form, result).await
}

#[derive(Debug, Default, Deserialize)]
pub struct DeleteForm {
    #[serde(default)]
    regency: String,
}

pub async fn delete_event(
    State(s): State<AppState>,
    c: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<DeleteForm>,
) -> PageResult {
    let a = staff(&c)?;
    s.app.delete_rollout_event(&a, id).await.web(&c)?;
    let code: String = f.regency.chars().filter(|ch| ch.is_ascii_digit() || *ch == '.').collect();
    Ok(flash::redirect(&s, &format!("/admin/nasional/wilayah/{code}"), &Done::Saved))
}
