//! An assessment's page: the manager's self-assessment with evidence files and
//! the platform's figures beside the indicators they score, the evaluator's
//! verification (return once, finalise), and the list of one's assessments.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Multipart, Path, State};
use axum::http::HeaderMap;
use satuatap_domain::Invalid;
use satuatap_domain::evaluation::{Rule, format_hundredths, format_percent};
use satuatap_service::Error;
use satuatap_service::evaluation::objective::ObjectiveView;
use satuatap_service::upload::Upload;
use serde::{Deserialize, Serialize};

use crate::ctx::Ctx;
use crate::error::WebError;
use crate::flash;
use crate::pages::admin::{NavItem, nav};
use crate::pages::{FormErrors, PageResult, render};
use crate::state::{AppState, WebResultExt};

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
    /// Each indicator with a problem: key, name, message, in the form's order.
    fn problems(&self) -> Vec<(String, String, String)> {
        self.v
            .aspects
            .iter()
            .flat_map(|a| a.indicators.iter())
            .filter_map(|i| self.errors.get(&i.key).map(|m| (i.key.clone(), i.name.clone(), m.to_string())))
            .collect()
    }
    /// The indicators returned for revision: key and name.
    fn fix_list(&self) -> Vec<(String, String)> {
        self.v
            .aspects
            .iter()
            .flat_map(|a| a.indicators.iter())
            .filter(|i| self.to_fix(&i.key))
            .map(|i| (i.key.clone(), i.name.clone()))
            .collect()
    }
    fn files(&self, key: &str) -> Vec<&satuatap_service::evaluation::evidence::EvidenceView> {
        self.v.evidence.iter().filter(|e| e.indicator_key == key).collect()
    }
    fn kb(&self, size: &i64) -> String {
        format!("{} KB", (size + 1023) / 1024)
    }
    fn rule_score(&self, key: &str) -> Option<i64> {
        self.score(key).and_then(|s| s.rule_score)
    }
    /// The platform's figure beside an indicator scored by a rule, in words.
    fn figure(&self, rule: &Option<Rule>) -> Option<String> {
        let o = self.v.objective.as_ref()?;
        Some(figure_text(self.c, *rule.as_ref()?, o))
    }
}

/// What the platform knows for a rule, as a sentence for the page.
pub(super) fn figure_text(c: &Ctx, rule: Rule, o: &ObjectiveView) -> String {
    let pct = |v: Option<f64>| v.map(|v| format!("{:.0} %", v * 100.0)).unwrap_or_else(|| "—".into());
    match rule {
        Rule::IkmGrade => match (&o.ikm, &o.ikm_grade) {
            (Some(i), Some(g)) => c.ta(
                if o.sample_reached { "eva-fig-ikm" } else { "eva-fig-ikm-small" },
                &[
                    ("ikm", crate::pages::dec_text(c.lang, i).as_str()),
                    ("grade", g.as_str()),
                    ("n", o.respondents.to_string().as_str()),
                    ("need", o.required_sample.to_string().as_str()),
                ],
            ),
            _ => c.t("eva-fig-ikm-none"),
        },
        Rule::ComplaintDeadlines if o.complaint_steps == 0 => c.t("eva-fig-complaints-none"),
        Rule::ComplaintDeadlines => c.ta(
            "eva-fig-complaints",
            &[
                ("met", o.complaint_steps_on_time.to_string().as_str()),
                ("all", o.complaint_steps.to_string().as_str()),
                ("pct", pct(o.complaint_deadlines).as_str()),
            ],
        ),
        Rule::StandardsComplete => c.ta(
            "eva-fig-standards",
            &[
                ("n", o.services_complete.to_string().as_str()),
                ("all", o.services_published.to_string().as_str()),
                ("pct", pct(o.standards_complete).as_str()),
            ],
        ),
        Rule::BookableShare => c.ta(
            "eva-fig-bookable",
            &[
                ("n", o.services_bookable.to_string().as_str()),
                ("all", o.services_published.to_string().as_str()),
                ("pct", pct(o.bookable_share).as_str()),
            ],
        ),
        Rule::MedianWait => match o.median_wait {
            Some(m) => c.ta("eva-fig-wait", &[("min", format!("{m:.0}").as_str())]),
            None => c.t("eva-fig-wait-none"),
        },
        Rule::MppDigital => c.t(match o.mpp_digital {
            Some(true) => "eva-fig-digital-yes",
            Some(false) => "eva-fig-digital-no",
            None => "eva-fig-digital-none",
        }),
        Rule::OssDesk => match o.oss_desk {
            Some(true) => c.ta(
                "eva-fig-oss-yes",
                &[("n", o.oss_assisted.to_string().as_str()), ("nib", o.oss_nib.to_string().as_str())],
            ),
            Some(false) => c.t("eva-fig-oss-no"),
            None => c.t("eva-fig-oss-none"),
        },
        Rule::OpeningHours => match o.opening_hours {
            Some(h) => {
                let v = crate::pages::dec_text(c.lang, format!("{h:.1}").trim_end_matches(".0"));
                c.ta("eva-fig-hours", &[("h", v.as_str())])
            }
            None => c.t("eva-fig-hours-none"),
        },
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
    Removed,
    Submitted,
    Returned,
    Finalised,
}

pub async fn assessment(State(s): State<AppState>, c: Ctx, Path(id): Path<i64>, headers: HeaderMap) -> PageResult {
    let (d, clear): (Option<Step>, _) = flash::take(&s, &headers);
    let notice = d.map(|d| {
        c.t(match d {
            Step::Saved => "eva-saved",
            Step::Removed => "eva-removed",
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

/// A multipart form: its text fields, and its files by field name (empty inputs skipped).
async fn read_multipart(
    c: &Ctx,
    mut form: Multipart,
) -> Result<(HashMap<String, String>, Vec<(String, Upload)>), WebError> {
    let bad = |_| WebError::In(c.lang, Error::field("files", Invalid::Format { hint: "hint-attachment-size" }));
    let mut fields = HashMap::new();
    let mut files = Vec::new();
    while let Some(field) = form.next_field().await.map_err(bad)? {
        let name = field.name().unwrap_or_default().to_string();
        if let Some(filename) = field.file_name().map(str::to_string) {
            let data = field.bytes().await.map_err(bad)?;
            if !data.is_empty() {
                files.push((name, Upload { filename, data: data.to_vec() }));
            }
        } else {
            fields.insert(name, field.text().await.map_err(bad)?);
        }
    }
    Ok((fields, files))
}

/// Files of the form as evidence, one indicator at a time (`f_<key>`).
async fn attach(s: &AppState, a: &satuatap_service::Actor, id: i64, files: Vec<(String, Upload)>) -> Result<(), Error> {
    let mut by_key: Vec<(String, Vec<Upload>)> = Vec::new();
    for (name, u) in files {
        let Some(key) = name.strip_prefix("f_") else { continue };
        match by_key.iter_mut().find(|(k, _)| k == key) {
            Some((_, list)) => list.push(u),
            None => by_key.push((key.to_string(), vec![u])),
        }
    }
    // Every indicator's files are tried, so one bad file does not keep the good ones out.
    let mut problems = Vec::new();
    for (key, list) in by_key {
        match s.app.add_evidence(a, id, &key, &list).await {
            Ok(_) => {}
            // Name the indicator's row, not the form's file input.
            Err(Error::Invalid(errs)) => problems.extend(errs.into_iter().map(|mut f| {
                f.field = format!("scores.{key}");
                f
            })),
            Err(e) => return Err(e),
        }
    }
    if !problems.is_empty() {
        return Err(Error::Invalid(problems));
    }
    Ok(())
}

pub async fn act(State(s): State<AppState>, c: Ctx, Path(id): Path<i64>, form: Multipart) -> PageResult {
    let a = signed_in(&c)?;
    let (f, files) = read_multipart(&c, form).await?;
    let v = s.app.assessment(&a, id).await.web(&c)?;
    let keys: Vec<String> = v.scores.iter().map(|s| s.key.clone()).collect();
    let action = f.get("action").map(String::as_str).unwrap_or("");
    let to = format!("/admin/evaluasi/penilaian/{id}");
    let result = match action {
        "save" | "submit" => {
            let input = scores_of(&f, &keys);
            let saved =
                if input.scores.is_empty() { Ok(v.clone()) } else { s.app.save_self_scores(&a, id, &input).await };
            let saved = match saved {
                Ok(_) => attach(&s, &a, id, files).await,
                Err(e) => Err(e),
            };
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
            // The scores and notes typed so far are kept, whether the return goes through or not.
            let input = scores_of(&f, &keys);
            let saved =
                if input.scores.is_empty() { Ok(v.clone()) } else { s.app.save_verification(&a, id, &input).await };
            let fix: Vec<String> = keys.iter().filter(|k| f.contains_key(&format!("fix_{k}"))).cloned().collect();
            let note = f.get("return_note").cloned().unwrap_or_default();
            match saved {
                Ok(_) => {
                    s.app.return_assessment(&a, id, &ReturnInput { keys: fix, note }).await.map(|_| Step::Returned)
                }
                Err(e) => Err(e),
            }
        }
        other => match other.strip_prefix("remove-").and_then(|n| n.parse::<i64>().ok()) {
            // What was typed elsewhere on the form is saved before the file goes.
            Some(file) => {
                let input = scores_of(&f, &keys);
                let saved =
                    if input.scores.is_empty() { Ok(v.clone()) } else { s.app.save_self_scores(&a, id, &input).await };
                match saved {
                    Ok(_) => s.app.remove_evidence(&a, id, file).await.map(|_| Step::Removed),
                    Err(e) => Err(e),
                }
            }
            None => Err(Error::field("action", Invalid::NotAllowed)),
        },
    };
    match result {
        Ok(step) => Ok(flash::redirect(&s, &to, &step)),
        Err(Error::Invalid(errs)) => {
            let mut e = FormErrors::from_fields(c.lang, &errs);
            // `scores.<key>`, `evidence.<key>` and `scores.<n>.score` name the indicator's row.
            e.fields = e
                .fields
                .into_iter()
                .map(|(k, m)| {
                    let row = k.strip_prefix("scores.").or_else(|| k.strip_prefix("evidence."));
                    (row.map(|r| r.split('.').next().unwrap_or(r).to_string()).unwrap_or(k), m)
                })
                .collect();
            assessment_page(&s, &c, id, None, e).await
        }
        Err(e) => Err(WebError::In(c.lang, e)),
    }
}

/// An evidence file, as a download.
pub async fn evidence(State(s): State<AppState>, c: Ctx, Path(id): Path<i64>) -> PageResult {
    let a = signed_in(&c)?;
    let f = s.app.evidence_file(&a, id).await.web(&c)?;
    Ok(crate::api::complaint::download(&f.filename, &f.content_type, f.data))
}
