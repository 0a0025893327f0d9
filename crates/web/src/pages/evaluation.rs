//! The evaluation's instruments for the national admin: the list (with a copy
//! button) and one instrument, whose names, weights, evidence and rule choices
//! and predicate bands are edited in one form. Weights are typed as percentages;
//! the sums are shown beside them, and a form whose weights do not add up comes
//! back with each sum marked and nothing saved. Rubrics are read here and
//! edited through the API.

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use satuatap_domain::evaluation::{AspectDef, Predicate, Rule, format_hundredths, format_percent, parse_percent};
use satuatap_domain::{FieldError, Invalid};
use satuatap_service::Error;
use satuatap_service::evaluation::{CloneInput, InstrumentInput, InstrumentView};
use serde::{Deserialize, Serialize};

use crate::ctx::Ctx;
use crate::error::WebError;
use crate::flash;
use crate::pages::admin::{NavItem, nav, staff};
use crate::pages::{FormErrors, PageResult, render};
use crate::state::{AppState, WebResultExt};

#[derive(Debug, Clone, Serialize, Deserialize)]
enum Done {
    Cloned,
    Saved,
}

#[derive(Template)]
#[template(path = "evaluation/instruments.html")]
struct ListPage<'a> {
    c: &'a Ctx,
    nav: Vec<NavItem>,
    items: Vec<InstrumentView>,
}

pub async fn list(State(s): State<AppState>, c: Ctx) -> PageResult {
    let a = staff(&c)?;
    if !a.is_national() {
        return Err(WebError::In(c.lang, Error::Forbidden));
    }
    let items = s.app.instruments().await.web(&c)?;
    render(ListPage { c: &c, nav: nav(&a, "/admin/evaluasi"), items })
}

pub async fn clone(State(s): State<AppState>, c: Ctx, Path(id): Path<i64>) -> PageResult {
    let a = staff(&c)?;
    let made = s.app.clone_instrument(&a, id, &CloneInput::default()).await.web(&c)?;
    Ok(flash::redirect(&s, &format!("/admin/evaluasi/instrumen/{}", made.id), &Done::Cloned))
}

#[derive(Template)]
#[template(path = "evaluation/instrument.html")]
struct InstrumentPage<'a> {
    c: &'a Ctx,
    nav: Vec<NavItem>,
    i: InstrumentView,
    based_on: Option<String>,
    notice: Option<String>,
    errors: FormErrors,
    /// The values typed, shown again when the form comes back with errors.
    typed: HashMap<String, String>,
}

impl InstrumentPage<'_> {
    fn comma(&self) -> bool {
        self.c.lang == crate::i18n::Lang::Id
    }
    /// A field's value: as typed when the form came back, else from the instrument.
    fn val(&self, field: &str, stored: String) -> String {
        self.typed.get(field).cloned().unwrap_or(stored)
    }
    fn pct(&self, bp: &u32) -> String {
        format_percent(*bp, self.comma())
    }
    fn min(&self, p: &Predicate) -> String {
        format_hundredths(p.min, self.comma())
    }
    /// The sum of the aspects' weights as typed (or stored), in basis points; None if one is unreadable.
    fn aspect_sum(&self) -> Option<u32> {
        (0..self.i.aspects.len())
            .map(|ai| parse_percent(&self.val(&format!("a{ai}_weight"), self.pct(&self.i.aspects[ai].weight_bp))))
            .sum()
    }
    fn indicator_sum(&self, ai: &usize) -> Option<u32> {
        let a = &self.i.aspects[*ai];
        (0..a.indicators.len())
            .map(|ii| parse_percent(&self.val(&format!("a{ai}_i{ii}_weight"), self.pct(&a.indicators[ii].weight_bp))))
            .sum()
    }
    fn sum_text(&self, sum: Option<u32>) -> String {
        match sum {
            Some(10_000) => self.c.ta("ev-sum", &[("sum", "100")]),
            Some(s) => self.c.ta("ev-sum-bad", &[("sum", &format_percent(s, self.comma()))]),
            None => self.c.ta("ev-sum-bad", &[("sum", "?")]),
        }
    }
    fn rule_label(&self, r: &Rule) -> String {
        self.c.t(&format!("rule-{}", r.as_str()))
    }
    fn has_rule(&self, field: &str, stored: &Option<Rule>, r: &Rule) -> bool {
        self.val(field, stored.map(|r| r.as_str().to_string()).unwrap_or_default()) == r.as_str()
    }
    fn checked(&self, field: &str, stored: &bool) -> bool {
        if self.typed.is_empty() { *stored } else { self.typed.contains_key(field) }
    }
    fn err(&self, field: &str) -> Option<&str> {
        self.errors.get(field)
    }
}

async fn instrument_page(
    s: &AppState,
    c: &Ctx,
    id: i64,
    notice: Option<String>,
    errors: FormErrors,
    typed: HashMap<String, String>,
) -> PageResult {
    let a = staff(c)?;
    if !a.is_national() {
        return Err(WebError::In(c.lang, Error::Forbidden));
    }
    let i = s.app.instrument(id).await.web(c)?;
    let based_on = match i.based_on {
        Some(b) => s.app.instrument(b).await.ok().map(|b| b.name),
        None => None,
    };
    render(InstrumentPage { c, nav: nav(&a, "/admin/evaluasi"), i, based_on, notice, errors, typed })
}

pub async fn show(State(s): State<AppState>, c: Ctx, Path(id): Path<i64>, headers: HeaderMap) -> PageResult {
    let (d, clear): (Option<Done>, _) = flash::take(&s, &headers);
    let notice = d.map(|d| {
        c.t(match d {
            Done::Cloned => "ev-cloned",
            Done::Saved => "ev-saved",
        })
    });
    let page = instrument_page(&s, &c, id, notice, FormErrors::default(), HashMap::new()).await?;
    Ok(flash::clearing(clear, page))
}

/// The form's fields onto the instrument's structure: names, weights (percent),
/// evidence and rule per indicator, and the predicate bands. Unreadable numbers
/// are field errors named like the form's fields.
fn read_form(
    f: &HashMap<String, String>,
    i: &InstrumentView,
    errs: &mut Vec<FieldError>,
) -> (Vec<AspectDef>, Vec<Predicate>) {
    let text = |k: &str| f.get(k).map(|v| v.trim().to_string()).unwrap_or_default();
    let weight = |k: String, errs: &mut Vec<FieldError>| match parse_percent(&text(&k)) {
        Some(bp) => bp,
        None => {
            errs.push(FieldError::new(k, Invalid::Format { hint: "ev-weight-format" }));
            0
        }
    };
    let mut aspects = i.aspects.clone();
    for (ai, a) in aspects.iter_mut().enumerate() {
        a.name = text(&format!("a{ai}_name"));
        a.weight_bp = weight(format!("a{ai}_weight"), errs);
        for (ii, ind) in a.indicators.iter_mut().enumerate() {
            ind.name = text(&format!("a{ai}_i{ii}_name"));
            ind.weight_bp = weight(format!("a{ai}_i{ii}_weight"), errs);
            ind.evidence_required = f.contains_key(&format!("a{ai}_i{ii}_evidence"));
            ind.rule = Rule::parse(&text(&format!("a{ai}_i{ii}_rule")));
        }
    }
    let mut predicates = i.predicates.clone();
    for (pi, p) in predicates.iter_mut().enumerate() {
        p.code = text(&format!("p{pi}_code"));
        p.label = text(&format!("p{pi}_label"));
        let raw = text(&format!("p{pi}_min")).replace(',', ".");
        match raw.parse::<f64>().ok().filter(|v| (0.0..=5.0).contains(v)) {
            Some(v) => p.min = (v * 100.0).round() as u32,
            None => errs.push(FieldError::new(format!("p{pi}_min"), Invalid::Format { hint: "ev-score-format" })),
        }
    }
    (aspects, predicates)
}

/// The service names fields by position (`aspects.2.indicators.0.name`); the form by `a2_i0_name`.
fn form_field(service_field: &str) -> String {
    let parts: Vec<&str> = service_field.split('.').collect();
    match parts.as_slice() {
        ["aspects", ai, "indicators", ii, f] => format!("a{ai}_i{ii}_{}", f.trim_end_matches("_bp")),
        ["aspects", ai, "indicators"] => format!("a{ai}_sum"),
        ["aspects", ai, f] => format!("a{ai}_{}", f.trim_end_matches("_bp")),
        ["aspects"] => "aspects".into(),
        ["predicates", ..] => "predicates".into(),
        _ => service_field.into(),
    }
}

pub async fn save(
    State(s): State<AppState>,
    c: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<HashMap<String, String>>,
) -> PageResult {
    let a = staff(&c)?;
    let current = s.app.instrument(id).await.web(&c)?;
    let mut errs = Vec::new();
    let (aspects, predicates) = read_form(&f, &current, &mut errs);
    let back = |errs: &[FieldError]| {
        let mut e = FormErrors::from_fields(c.lang, errs);
        e.fields = e.fields.into_iter().map(|(k, v)| (form_field(&k), v)).collect();
        e
    };
    if !errs.is_empty() {
        return instrument_page(&s, &c, id, None, back(&errs), f).await;
    }
    let input = InstrumentInput { name: f.get("name").cloned(), aspects: Some(aspects), predicates: Some(predicates) };
    match s.app.update_instrument(&a, id, &input).await {
        Ok(_) => Ok(flash::redirect(&s, &format!("/admin/evaluasi/instrumen/{id}"), &Done::Saved)),
        Err(Error::Invalid(errs)) => instrument_page(&s, &c, id, None, back(&errs), f).await,
        Err(e) => Err(WebError::In(c.lang, e)),
    }
}

// --- public results -----------------------------------------------------------------------------

#[derive(Debug, Default, Deserialize)]
pub struct ResultsParams {
    #[serde(default)]
    tahun: Option<String>,
}

#[derive(Template)]
#[template(path = "evaluation/results.html")]
struct ResultsPage<'a> {
    c: &'a Ctx,
    cycles: Vec<satuatap_service::evaluation::cycle::CycleView>,
    shown: Option<satuatap_service::evaluation::cycle::CycleView>,
    rows: Vec<satuatap_service::evaluation::cycle::ResultRow>,
    aspects: Vec<AspectDef>,
}

impl ResultsPage<'_> {
    fn idx(&self, h: &i64) -> String {
        format_hundredths(u32::try_from(*h).unwrap_or(0), self.c.lang == crate::i18n::Lang::Id)
    }
    fn aspect_name(&self, key: &str) -> String {
        self.aspects.iter().find(|a| a.key == key).map(|a| a.name.clone()).unwrap_or_else(|| key.to_string())
    }
    /// The aspects as horizontal bars (0–5), drawn on the server.
    fn bars(&self, r: &satuatap_service::evaluation::cycle::ResultRow) -> String {
        let row_h = 16;
        let h = row_h * r.aspects.len();
        let mut out = format!(
            r#"<svg class="bars" viewBox="0 0 280 {h}" width="280" height="{h}" role="img" aria-label="{}" xmlns="http://www.w3.org/2000/svg">"#,
            crate::svg::esc(&self.c.t("evr-aspects"))
        );
        for (i, a) in r.aspects.iter().enumerate() {
            let w = f64::from(a.hundredths) / 500.0 * 120.0;
            let y = i * row_h;
            let name = self.aspect_name(&a.key);
            let short: String = name.chars().take(22).collect();
            out.push_str(&format!(
                r##"<g><title>{n}: {v}</title><text x="0" y="{ty}" font-size="10" fill="#444">{s}</text><rect x="122" y="{ry}" width="{w:.1}" height="10" fill="#0a5c4d"/><text x="{tx:.1}" y="{ty}" font-size="10" fill="#222">{v}</text></g>"##,
                n = crate::svg::esc(&name),
                s = crate::svg::esc(&short),
                v = format_hundredths(a.hundredths, self.c.lang == crate::i18n::Lang::Id),
                ty = y + 10,
                ry = y + 2,
                tx = 126.0 + w,
            ));
        }
        out.push_str("</svg>");
        out
    }
}

pub async fn results(
    State(s): State<AppState>,
    c: Ctx,
    axum::extract::Query(p): axum::extract::Query<ResultsParams>,
) -> PageResult {
    let cycles = s.app.cycles().await.web(&c)?;
    let year = p.tahun.as_deref().and_then(|y| y.trim().parse::<i64>().ok());
    // The chosen year, else the latest cycle with a finalised result.
    let mut shown = None;
    let mut rows = Vec::new();
    for cy in &cycles {
        if year.is_some_and(|y| y != cy.year) {
            continue;
        }
        let r = s.app.cycle_results(cy.id).await.web(&c)?;
        if !r.is_empty() || year.is_some() {
            shown = Some(cy.clone());
            rows = r;
            break;
        }
    }
    let aspects = match &shown {
        Some(cy) => s.app.instrument(cy.instrument_id).await.web(&c)?.aspects,
        None => Vec::new(),
    };
    render(ResultsPage { c: &c, cycles, shown, rows, aspects })
}

// --- assessments: the manager's self-assessment, the evaluator's verification ------------------

use satuatap_service::evaluation::cycle::{
    AssessmentSummaryOfYear, AssessmentView, ReturnInput, ScoreInput, ScoresInput,
};

/// Anyone signed in; the service decides what each may see and do.
fn signed_in(c: &Ctx) -> Result<satuatap_service::Actor, WebError> {
    Ok(c.actor()?.clone())
}

#[derive(Template)]
#[template(path = "evaluation/mine.html")]
struct MinePage<'a> {
    c: &'a Ctx,
    nav: Vec<NavItem>,
    items: Vec<AssessmentSummaryOfYear>,
}

impl MinePage<'_> {
    fn status(&self, s: &str) -> String {
        self.c.t(&format!("eva-status-{s}"))
    }
}

pub async fn mine(State(s): State<AppState>, c: Ctx) -> PageResult {
    let a = signed_in(&c)?;
    let items = s.app.my_assessments(&a).await.web(&c)?;
    render(MinePage { c: &c, nav: nav(&a, "/admin/evaluasi/saya"), items })
}

#[derive(Template)]
#[template(path = "evaluation/assessment.html")]
struct AssessmentPage<'a> {
    c: &'a Ctx,
    nav: Vec<NavItem>,
    v: AssessmentView,
    /// The MPP's manager may score now (draft, or returned for these indicators).
    can_self: bool,
    /// The assigned evaluator may verify now.
    can_verify: bool,
    notice: Option<String>,
    errors: FormErrors,
}

impl AssessmentPage<'_> {
    fn comma(&self) -> bool {
        self.c.lang == crate::i18n::Lang::Id
    }
    fn status(&self, s: &str) -> String {
        self.c.t(&format!("eva-status-{s}"))
    }
    fn score(&self, key: &str) -> Option<&satuatap_service::evaluation::cycle::IndicatorScore> {
        self.v.scores.iter().find(|s| s.key == key)
    }
    fn self_of(&self, key: &str) -> Option<i64> {
        self.score(key).and_then(|s| s.self_score)
    }
    fn accepted_of(&self, key: &str) -> Option<i64> {
        self.score(key).and_then(|s| s.accepted_score)
    }
    fn narrative(&self, key: &str) -> String {
        self.score(key).and_then(|s| s.narrative.clone()).unwrap_or_default()
    }
    fn note(&self, key: &str) -> String {
        self.score(key).and_then(|s| s.note.clone()).unwrap_or_default()
    }
    fn to_fix(&self, key: &str) -> bool {
        self.score(key).is_some_and(|s| s.to_fix)
    }
    /// The manager may change this indicator now.
    fn editable(&self, key: &str) -> bool {
        self.can_self && (self.v.summary.status != "returned" || self.to_fix(key))
    }
    fn date(&self, d: &chrono::NaiveDate) -> String {
        crate::pages::fmt_date(self.c.lang, *d)
    }
    fn hundredths(&self, h: &u32) -> String {
        format_hundredths(*h, self.comma())
    }
    fn aspect_name(&self, key: &str) -> String {
        self.v.aspects.iter().find(|a| a.key == key).map(|a| a.name.clone()).unwrap_or_default()
    }
    fn pct(&self, bp: &u32) -> String {
        format_percent(*bp, self.comma())
    }
    fn err(&self, f: &str) -> Option<&str> {
        self.errors.get(f)
    }
    fn is(&self, v: Option<i64>, n: &i64) -> bool {
        v == Some(*n)
    }
}

async fn assessment_page(s: &AppState, c: &Ctx, id: i64, notice: Option<String>, errors: FormErrors) -> PageResult {
    let a = signed_in(c)?;
    let v = s.app.assessment(&a, id).await.web(c)?;
    let st = v.summary.status.as_str();
    let can_self = a.role == satuatap_domain::role::Role::MppManager && matches!(st, "draft" | "returned");
    let can_verify = a.role == satuatap_domain::role::Role::Evaluator
        && v.summary.evaluator_id == Some(a.user_id)
        && st == "submitted";
    render(AssessmentPage { c, nav: nav(&a, "/admin/evaluasi/saya"), v, can_self, can_verify, notice, errors })
}

#[derive(Debug, Clone, Serialize, Deserialize)]
enum Step {
    Saved,
    Submitted,
    Returned,
    Finalised,
}

pub async fn assessment(State(s): State<AppState>, c: Ctx, Path(id): Path<i64>, headers: HeaderMap) -> PageResult {
    let (d, clear): (Option<Step>, _) = flash::take(&s, &headers);
    let notice = d.map(|d| {
        c.t(match d {
            Step::Saved => "eva-saved",
            Step::Submitted => "eva-submitted",
            Step::Returned => "eva-returned",
            Step::Finalised => "eva-finalised",
        })
    });
    let page = assessment_page(&s, &c, id, notice, FormErrors::default()).await?;
    Ok(flash::clearing(clear, page))
}

/// Scores from the form: `s_<key>` (0–5 or empty) and `t_<key>` (the text), for the keys shown.
fn scores_of(f: &HashMap<String, String>, keys: &[String]) -> ScoresInput {
    ScoresInput {
        scores: keys
            .iter()
            .filter(|k| f.contains_key(&format!("s_{k}")) || f.contains_key(&format!("t_{k}")))
            .map(|k| ScoreInput {
                key: k.clone(),
                score: f.get(&format!("s_{k}")).and_then(|v| v.trim().parse::<i64>().ok()),
                text: f.get(&format!("t_{k}")).cloned(),
            })
            .collect(),
    }
}

pub async fn act(
    State(s): State<AppState>,
    c: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<HashMap<String, String>>,
) -> PageResult {
    let a = signed_in(&c)?;
    let v = s.app.assessment(&a, id).await.web(&c)?;
    let keys: Vec<String> = v.scores.iter().map(|s| s.key.clone()).collect();
    let action = f.get("action").map(String::as_str).unwrap_or("");
    let to = format!("/admin/evaluasi/penilaian/{id}");
    let result = match action {
        "save" | "submit" => {
            let input = scores_of(&f, &keys);
            let saved =
                if input.scores.is_empty() { Ok(v.clone()) } else { s.app.save_self_scores(&a, id, &input).await };
            match (saved, action) {
                (Ok(_), "submit") => s.app.submit_assessment(&a, id).await.map(|_| Step::Submitted),
                (Ok(_), _) => Ok(Step::Saved),
                (Err(e), _) => Err(e),
            }
        }
        "verify" | "finalise" => {
            let input = scores_of(&f, &keys);
            let saved =
                if input.scores.is_empty() { Ok(v.clone()) } else { s.app.save_verification(&a, id, &input).await };
            match (saved, action) {
                (Ok(_), "finalise") => s.app.finalise_assessment(&a, id).await.map(|_| Step::Finalised),
                (Ok(_), _) => Ok(Step::Saved),
                (Err(e), _) => Err(e),
            }
        }
        "return" => {
            let fix: Vec<String> = keys.iter().filter(|k| f.contains_key(&format!("fix_{k}"))).cloned().collect();
            let note = f.get("return_note").cloned().unwrap_or_default();
            s.app.return_assessment(&a, id, &ReturnInput { keys: fix, note }).await.map(|_| Step::Returned)
        }
        _ => Err(Error::field("action", Invalid::NotAllowed)),
    };
    match result {
        Ok(step) => Ok(flash::redirect(&s, &to, &step)),
        Err(Error::Invalid(errs)) => {
            let mut e = FormErrors::from_fields(c.lang, &errs);
            // `scores.<key>` (missing) and `scores.<n>.score` name the indicator's row.
            e.fields = e
                .fields
                .into_iter()
                .map(|(k, m)| {
                    (k.strip_prefix("scores.").map(|r| r.split('.').next().unwrap_or(r).to_string()).unwrap_or(k), m)
                })
                .collect();
            assessment_page(&s, &c, id, None, e).await
        }
        Err(e) => Err(WebError::In(c.lang, e)),
    }
}
