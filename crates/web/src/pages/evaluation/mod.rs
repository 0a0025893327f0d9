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

mod assessment;
mod cycles;
mod results;

pub use assessment::{act, assessment, evidence, mine};
pub use cycles::{
    assign, cycle, incentives, incentives_csv, incentives_print, open_cycle, open_cycle_get, publish, save_incentives,
};
pub use results::{card, card_print, results};

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
    cycles: Vec<satuatap_service::evaluation::cycle::CycleView>,
    /// Operating MPPs the opening form offers: id, name, province.
    mpps: Vec<(i64, String, String)>,
    errors: FormErrors,
    form: HashMap<String, String>,
    next_year: i32,
}

impl ListPage<'_> {
    fn val(&self, k: &str, default: String) -> String {
        self.form.get(k).cloned().unwrap_or(default)
    }
    fn err(&self, k: &str) -> Option<&str> {
        self.errors.get(k)
    }
    /// Ticked: all by default, as sent when the form comes back.
    fn mpp_checked(&self, id: &i64) -> bool {
        self.form.is_empty() || self.form.contains_key(&format!("mpp_{id}"))
    }
    fn date(&self, d: &chrono::NaiveDate) -> String {
        crate::pages::fmt_date(self.c.lang, *d)
    }
    fn done(&self, cy: &satuatap_service::evaluation::cycle::CycleView) -> usize {
        cy.assessments.iter().filter(|a| a.status == "finalised").count()
    }
}

pub(super) async fn list_page(
    s: &AppState,
    c: &Ctx,
    a: &satuatap_service::Actor,
    errors: FormErrors,
    form: HashMap<String, String>,
) -> PageResult {
    let items = s.app.instruments().await.web(c)?;
    let cycles = s.app.cycles().await.web(c)?;
    let mpps = s
        .app
        .mpps(&Default::default())
        .await
        .web(c)?
        .into_iter()
        .filter(|m| m.status.0 == satuatap_domain::catalog::MppStatus::Operating)
        .map(|m| (m.id, m.name, m.province_name))
        .collect();
    // The year the form offers: this year, or the first after the cycles already opened.
    let this_year = chrono::Datelike::year(&s.app.now().with_timezone(&chrono_tz::Asia::Jakarta));
    let mut next_year = this_year;
    while cycles.iter().any(|cy| cy.year == i64::from(next_year)) {
        next_year += 1;
    }
    render(ListPage { c, nav: nav(a, "/admin/evaluasi"), items, cycles, mpps, errors, form, next_year })
}

pub async fn list(State(s): State<AppState>, c: Ctx) -> PageResult {
    let a = staff(&c)?;
    if !a.is_national() {
        return Err(WebError::In(c.lang, Error::Forbidden));
    }
    list_page(&s, &c, &a, FormErrors::default(), HashMap::new()).await
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
