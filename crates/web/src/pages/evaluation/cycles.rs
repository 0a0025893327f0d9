//! The national admin's side of a cycle: opening it (on the evaluation page),
//! one cycle's assessments with their evaluators, publishing the results; and
//! the incentive list of a cycle — the rule, the MPPs with the figures behind
//! each verdict, the sign-off — public once signed, as CSV and print view.

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use satuatap_domain::evaluation::{Shortfall, format_hundredths};
use satuatap_domain::role::Role;
use satuatap_domain::{FieldError, Invalid};
use satuatap_service::Error;
use satuatap_service::evaluation::cycle::{CycleInput, CycleView, EvaluatorInput};
use satuatap_service::evaluation::incentive::{IncentiveRuleInput, IncentiveView, incentive_csv};
use serde::{Deserialize, Serialize};

use crate::ctx::Ctx;
use crate::error::WebError;
use crate::flash;
use crate::pages::admin::{NavItem, nav, staff};
use crate::pages::{FormErrors, PageResult, render};
use crate::state::{AppState, WebResultExt};

#[derive(Debug, Clone, Serialize, Deserialize)]
enum Done {
    Opened,
    Assigned,
    Published,
    RuleSaved,
    Signed,
}

fn notice(c: &Ctx, d: Done) -> String {
    c.t(match d {
        Done::Opened => "evc-opened",
        Done::Assigned => "evc-assigned",
        Done::Published => "evc-published",
        Done::RuleSaved => "evi-rule-saved",
        Done::Signed => "evi-signed",
    })
}

fn national(c: &Ctx) -> Result<satuatap_service::Actor, WebError> {
    let a = staff(c)?;
    if !a.is_national() {
        return Err(WebError::In(c.lang, Error::Forbidden));
    }
    Ok(a)
}

/// Open a cycle from the evaluation page's form; problems go back to that page.
pub async fn open_cycle(State(s): State<AppState>, c: Ctx, Form(f): Form<HashMap<String, String>>) -> PageResult {
    let a = national(&c)?;
    let text = |k: &str| f.get(k).map(|v| v.trim().to_string()).unwrap_or_default();
    let mut errs = Vec::new();
    let year = text("year").parse::<i64>().unwrap_or_else(|_| {
        errs.push(FieldError::new("year", Invalid::OutOfRange { min: 2018, max: 2100 }));
        0
    });
    let instrument_id = text("instrument_id").parse::<i64>().unwrap_or(0);
    let date = |k: &str, errs: &mut Vec<FieldError>| match chrono::NaiveDate::parse_from_str(&text(k), "%Y-%m-%d") {
        Ok(d) => d,
        Err(_) => {
            errs.push(FieldError::new(
                k,
                if text(k).is_empty() { Invalid::Required } else { Invalid::Format { hint: "hint-date" } },
            ));
            chrono::NaiveDate::default()
        }
    };
    let self_deadline = date("self_deadline", &mut errs);
    let verify_deadline = date("verify_deadline", &mut errs);
    let mpp_ids: Vec<i64> = f.keys().filter_map(|k| k.strip_prefix("mpp_")).filter_map(|id| id.parse().ok()).collect();
    if mpp_ids.is_empty() {
        errs.push(FieldError::new("mpp_ids", Invalid::Required));
    }
    let result = if errs.is_empty() {
        s.app.open_cycle(&a, &CycleInput { year, instrument_id, mpp_ids, self_deadline, verify_deadline }).await
    } else {
        Err(Error::Invalid(errs))
    };
    match result {
        Ok(cy) => Ok(flash::redirect(&s, &format!("/admin/evaluasi/siklus/{}", cy.id), &Done::Opened)),
        Err(Error::Invalid(errs)) => {
            let mut e = FormErrors::from_fields(c.lang, &errs);
            e.general = Some(c.t("evc-open-problems"));
            super::list_page(&s, &c, &a, e, f).await
        }
        Err(e) => Err(WebError::In(c.lang, e)),
    }
}

/// The opening form's address, when opened again after an error: back to the evaluation page.
pub async fn open_cycle_get() -> axum::response::Redirect {
    axum::response::Redirect::to("/admin/evaluasi")
}

#[derive(Template)]
#[template(path = "evaluation/cycle.html")]
struct CyclePage<'a> {
    c: &'a Ctx,
    nav: Vec<NavItem>,
    cy: CycleView,
    /// Active evaluators: id, name, the MPP they work at.
    evaluators: Vec<(i64, String, String)>,
    notice: Option<String>,
    error: Option<String>,
}

impl CyclePage<'_> {
    fn status(&self, s: &str) -> String {
        self.c.t(&format!("eva-status-{s}"))
    }
    fn date(&self, d: &chrono::NaiveDate) -> String {
        crate::pages::fmt_date(self.c.lang, *d)
    }
    fn idx(&self, h: &i64) -> String {
        format_hundredths(u32::try_from(*h).unwrap_or(0), self.c.lang == crate::i18n::Lang::Id)
    }
    fn finals(&self) -> usize {
        self.cy.assessments.iter().filter(|a| a.status == "finalised").count()
    }
    fn count(&self, status: &str) -> usize {
        self.cy.assessments.iter().filter(|a| a.status == status).count()
    }
}

async fn cycle_page(s: &AppState, c: &Ctx, id: i64, notice: Option<String>, error: Option<String>) -> PageResult {
    let a = national(c)?;
    let cy = s.app.cycle(id).await.web(c)?;
    let mpps: HashMap<i64, String> =
        s.app.mpps(&Default::default()).await.web(c)?.into_iter().map(|m| (m.id, m.name)).collect();
    let evaluators = s
        .app
        .users(&a)
        .await
        .web(c)?
        .into_iter()
        .filter(|u| u.role == Role::Evaluator && u.active)
        .map(|u| (u.id, u.name, u.mpp_id.and_then(|m| mpps.get(&m).cloned()).unwrap_or_default()))
        .collect();
    render(CyclePage { c, nav: nav(&a, "/admin/evaluasi"), cy, evaluators, notice, error })
}

pub async fn cycle(State(s): State<AppState>, c: Ctx, Path(id): Path<i64>, headers: HeaderMap) -> PageResult {
    let (d, clear): (Option<Done>, _) = flash::take(&s, &headers);
    let page = cycle_page(&s, &c, id, d.map(|d| notice(&c, d)), None).await?;
    Ok(flash::clearing(clear, page))
}

/// A refusal shown on the page it came from, in the person's words.
fn refusal_text(c: &Ctx, e: &Error) -> Option<String> {
    match e {
        Error::Refused { why, .. } => Some(c.t(why.key())),
        Error::Invalid(errs) => {
            Some(FormErrors::from_fields(c.lang, errs).fields.into_values().collect::<Vec<_>>().join(" "))
        }
        _ => None,
    }
}

pub async fn assign(
    State(s): State<AppState>,
    c: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<HashMap<String, String>>,
) -> PageResult {
    let a = national(&c)?;
    let assessment = f.get("assessment").and_then(|v| v.parse::<i64>().ok()).unwrap_or(0);
    let evaluator_id = f.get("evaluator_id").and_then(|v| v.parse::<i64>().ok());
    let cy = s.app.cycle(id).await.web(&c)?;
    let Some(row) = cy.assessments.iter().find(|x| x.id == assessment) else {
        return Err(WebError::In(c.lang, Error::NotFound));
    };
    let Some(evaluator_id) = evaluator_id else {
        let msg = c.ta("evc-choose-first", &[("mpp", row.mpp_name.as_str())]);
        return cycle_page(&s, &c, id, None, Some(msg)).await;
    };
    let done = s.app.assign_evaluator(&a, assessment, &EvaluatorInput { evaluator_id }).await;
    back_to_cycle(&s, &c, id, done.map(|_| Done::Assigned)).await
}

/// After a step on a cycle's page: its notice on the page again, or the refusal shown there.
async fn back_to_cycle(s: &AppState, c: &Ctx, id: i64, done: Result<Done, Error>) -> PageResult {
    match done {
        Ok(d) => Ok(flash::redirect(s, &format!("/admin/evaluasi/siklus/{id}"), &d)),
        Err(e) => match refusal_text(c, &e) {
            Some(msg) => cycle_page(s, c, id, None, Some(msg)).await,
            None => Err(WebError::In(c.lang, e)),
        },
    }
}

pub async fn publish(
    State(s): State<AppState>,
    c: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<HashMap<String, String>>,
) -> PageResult {
    let a = national(&c)?;
    // Publishing cannot be undone: the form asks for a tick first.
    if !f.contains_key("confirm") {
        return cycle_page(&s, &c, id, None, Some(c.t("evc-confirm-first"))).await;
    }
    let done = s.app.publish_cycle(&a, id).await;
    back_to_cycle(&s, &c, id, done.map(|_| Done::Published)).await
}

// --- incentives ---------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "evaluation/incentives.html")]
struct IncentivesPage<'a> {
    c: &'a Ctx,
    v: IncentiveView,
    /// The national admin may still set the rule and sign.
    can_edit: bool,
    published: bool,
    print: bool,
    printed_at: String,
    notice: Option<String>,
    errors: FormErrors,
    /// What was typed, when the form comes back with a problem.
    form: HashMap<String, String>,
    predicates: Vec<satuatap_domain::evaluation::Predicate>,
    aspects: Vec<satuatap_domain::evaluation::AspectDef>,
}

impl IncentivesPage<'_> {
    fn comma(&self) -> bool {
        self.c.lang == crate::i18n::Lang::Id
    }
    fn idx(&self, h: &i64) -> String {
        format_hundredths(u32::try_from(*h).unwrap_or(0), self.comma())
    }
    fn h(&self, h: &u32) -> String {
        format_hundredths(*h, self.comma())
    }
    fn typed(&self, k: &str) -> Option<String> {
        if self.form.is_empty() { None } else { Some(self.form.get(k).cloned().unwrap_or_default()) }
    }
    fn rule_predicate(&self) -> String {
        self.typed("min_predicate")
            .unwrap_or_else(|| self.v.rule.as_ref().and_then(|r| r.min_predicate.clone()).unwrap_or_default())
    }
    fn rule_grade(&self) -> String {
        self.typed("min_ikm_grade").unwrap_or_else(|| {
            self.v.rule.as_ref().and_then(|r| r.min_ikm_grade).map(|g| g.to_string()).unwrap_or_default()
        })
    }
    fn rule_aspect(&self) -> String {
        self.typed("min_aspect")
            .unwrap_or_else(|| self.v.rule.as_ref().and_then(|r| r.min_aspect).map(|h| self.h(&h)).unwrap_or_default())
    }
    fn why(&self, f: &Shortfall) -> String {
        match f {
            Shortfall::Predicate { needed, got } => {
                self.c.ta("evi-short-predicate", &[("got", got.as_str()), ("needed", needed.as_str())])
            }
            Shortfall::IkmGrade { needed, got } => self.c.ta(
                "evi-short-ikm",
                &[
                    ("got", got.map_or("—".to_string(), |g| g.to_string()).as_str()),
                    ("needed", needed.to_string().as_str()),
                ],
            ),
            Shortfall::Aspect { key, needed, got } => self.c.ta(
                "evi-short-aspect",
                &[
                    ("aspect", self.aspect_name(key).as_str()),
                    ("got", self.h(got).as_str()),
                    ("needed", self.h(needed).as_str()),
                ],
            ),
        }
    }
    fn ikm(&self, v: &str) -> String {
        crate::pages::dec_text(self.c.lang, v)
    }
    fn aspect_name(&self, key: &str) -> String {
        self.aspects.iter().find(|a| a.key == key).map_or_else(|| key.to_string(), |a| a.name.clone())
    }
    fn signed_on(&self) -> String {
        self.v
            .signed_at
            .map(|t| crate::pages::fmt_date(self.c.lang, t.with_timezone(&chrono_tz::Asia::Jakarta).date_naive()))
            .unwrap_or_default()
    }
}

async fn incentives_page(
    s: &AppState,
    c: &Ctx,
    id: i64,
    print: bool,
    notice: Option<String>,
    errors: FormErrors,
    form: HashMap<String, String>,
) -> PageResult {
    let v = s.app.incentives(c.actor.as_ref(), id).await.web(c)?;
    let cy = s.app.cycle(id).await.web(c)?;
    let instrument = s.app.instrument(cy.instrument_id).await.web(c)?;
    let (predicates, aspects) = (instrument.predicates, instrument.aspects);
    let can_edit = c.actor.as_ref().is_some_and(|a| a.is_national()) && v.signed_at.is_none() && !print;
    let printed_at = crate::pages::fmt_date(c.lang, s.app.now().with_timezone(&chrono_tz::Asia::Jakarta).date_naive());
    render(IncentivesPage {
        c,
        v,
        can_edit,
        published: cy.published_at.is_some(),
        print,
        printed_at,
        notice,
        errors,
        form,
        predicates,
        aspects,
    })
}

pub async fn incentives(State(s): State<AppState>, c: Ctx, Path(id): Path<i64>, headers: HeaderMap) -> PageResult {
    let (d, clear): (Option<Done>, _) = flash::take(&s, &headers);
    let page =
        incentives_page(&s, &c, id, false, d.map(|d| notice(&c, d)), FormErrors::default(), HashMap::new()).await?;
    Ok(flash::clearing(clear, page))
}

pub async fn incentives_print(State(s): State<AppState>, c: Ctx, Path(id): Path<i64>) -> PageResult {
    incentives_page(&s, &c, id, true, None, FormErrors::default(), HashMap::new()).await
}

pub async fn incentives_csv(State(s): State<AppState>, c: Ctx, Path(id): Path<i64>) -> PageResult {
    let v = s.app.incentives(c.actor.as_ref(), id).await.web(&c)?;
    Ok(crate::pages::national::csv_download(incentive_csv(&v), &format!("insentif-mpp-{}.csv", v.year)))
}

pub async fn save_incentives(
    State(s): State<AppState>,
    c: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<HashMap<String, String>>,
) -> PageResult {
    let a = national(&c)?;
    let to = format!("/evaluasi/insentif/{id}");
    let result = match f.get("action").map(String::as_str) {
        // Signing freezes the list for good: the form asks for a tick first.
        Some("sign") if !f.contains_key("confirm") => {
            let errors = FormErrors { general: Some(c.t("evi-confirm-first")), ..FormErrors::default() };
            return incentives_page(&s, &c, id, false, None, errors, HashMap::new()).await;
        }
        Some("sign") => s.app.sign_incentives(&a, id).await.map(|_| Done::Signed),
        _ => {
            let input = IncentiveRuleInput {
                min_predicate: f.get("min_predicate").cloned(),
                min_ikm_grade: f.get("min_ikm_grade").cloned(),
                min_aspect: f.get("min_aspect").cloned(),
            };
            s.app.set_incentive_rule(&a, id, &input).await.map(|_| Done::RuleSaved)
        }
    };
    match result {
        Ok(d) => Ok(flash::redirect(&s, &to, &d)),
        Err(Error::Invalid(errs)) => {
            incentives_page(&s, &c, id, false, None, FormErrors::from_fields(c.lang, &errs), f).await
        }
        Err(e) => match refusal_text(&c, &e) {
            Some(msg) => {
                let errors = FormErrors { general: Some(msg), ..FormErrors::default() };
                incentives_page(&s, &c, id, false, None, errors, HashMap::new()).await
            }
            None => Err(WebError::In(c.lang, e)),
        },
    }
}
