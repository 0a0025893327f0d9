//! An evaluation cycle: the national admin opens it for a year with an
//! instrument (then frozen) and the MPPs to evaluate, and assigns evaluators
//! (never one employed in the MPP's own regency: refused and audited). The MPP
//! manager scores each indicator with a narrative and submits by the deadline
//! (late ones flagged); the evaluator sets the accepted scores, may return the
//! assessment once with the indicators to fix, and finalises it, which fixes
//! its index and predicate. Every step is a conditional update on the status
//! the actor saw, with its audit entry, so two finalisations never both land.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use satuatap_domain::Invalid;
use satuatap_domain::evaluation::{AspectDef, IndexResult, MAX_SCORE, index};
use satuatap_domain::role::Role;
use satuatap_domain::validate::Checker;
use satuatap_store::evaluation::{AssessmentRow, ScoreRow, ScoreSide};
use serde::{Deserialize, Serialize};

use crate::{Actor, App, Error, Refusal, Result, audit};

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct CycleInput {
    pub year: i64,
    pub instrument_id: i64,
    /// The MPPs to evaluate; empty means every operating MPP.
    #[serde(default)]
    pub mpp_ids: Vec<i64>,
    /// `YYYY-MM-DD`: self-assessments submitted after this day are flagged late.
    pub self_deadline: NaiveDate,
    /// `YYYY-MM-DD`: verification should be final by this day.
    pub verify_deadline: NaiveDate,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CycleView {
    pub id: i64,
    pub year: i64,
    pub instrument_id: i64,
    pub instrument_name: String,
    pub self_deadline: NaiveDate,
    pub verify_deadline: NaiveDate,
    pub opened_at: DateTime<Utc>,
    /// When the national admin published the results (they are public from then on).
    pub published_at: Option<DateTime<Utc>>,
    pub assessments: Vec<AssessmentSummary>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AssessmentSummary {
    pub id: i64,
    pub mpp_id: i64,
    pub mpp_name: String,
    pub evaluator_id: Option<i64>,
    pub evaluator_name: Option<String>,
    /// `draft`, `submitted`, `returned` or `finalised`.
    pub status: String,
    pub late: bool,
    pub submitted_at: Option<DateTime<Utc>>,
    /// Hundredths (`412` = 4.12), once finalised.
    pub index_hundredths: Option<i64>,
    pub predicate: Option<String>,
}

impl From<&AssessmentRow> for AssessmentSummary {
    fn from(a: &AssessmentRow) -> Self {
        AssessmentSummary {
            id: a.id,
            mpp_id: a.mpp_id,
            mpp_name: a.mpp_name.clone(),
            evaluator_id: a.evaluator_id,
            evaluator_name: a.evaluator_name.clone(),
            status: a.status.clone(),
            late: a.late,
            submitted_at: a.submitted_at,
            index_hundredths: a.index_hundredths,
            predicate: a.predicate.clone(),
        }
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AssessmentSummaryOfYear {
    pub year: i64,
    #[serde(flatten)]
    pub summary: AssessmentSummary,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct IndicatorScore {
    pub key: String,
    pub self_score: Option<i64>,
    pub narrative: Option<String>,
    pub accepted_score: Option<i64>,
    pub note: Option<String>,
    /// Returned for revision: the MPP may change only these.
    pub to_fix: bool,
    /// The score the indicator's rule gives from the platform's figures, if it has a rule and the figure exists.
    pub rule_score: Option<i64>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AssessmentView {
    #[serde(flatten)]
    pub summary: AssessmentSummary,
    pub cycle_id: i64,
    pub year: i64,
    pub self_deadline: NaiveDate,
    pub verify_deadline: NaiveDate,
    pub returns: i64,
    pub return_note: Option<String>,
    pub aspects: Vec<AspectDef>,
    pub scores: Vec<IndicatorScore>,
    /// The index of the accepted scores, when every indicator has one.
    pub result: Option<IndexResult>,
    /// Evidence files, by indicator.
    pub evidence: Vec<super::evidence::EvidenceView>,
    /// The platform's figures for the MPP and year (those it was finalised with, once final).
    pub objective: Option<super::objective::ObjectiveView>,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct ScoreInput {
    pub key: String,
    /// 0–5; absent to clear.
    pub score: Option<i64>,
    /// The manager's narrative, or the evaluator's note.
    pub text: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ScoresInput {
    pub scores: Vec<ScoreInput>,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct EvaluatorInput {
    pub evaluator_id: i64,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ReturnInput {
    /// The indicators the MPP must revise.
    pub keys: Vec<String>,
    pub note: String,
}

pub(super) fn keys_of(aspects: &[AspectDef]) -> Vec<String> {
    aspects.iter().flat_map(|a| a.indicators.iter().map(|i| i.key.clone())).collect()
}

/// The evaluator's accepted scores by indicator.
pub(super) fn accepted(rows: Vec<ScoreRow>) -> HashMap<String, u8> {
    rows.into_iter().filter_map(|s| Some((s.indicator_key, u8::try_from(s.accepted_score?).ok()?))).collect()
}

pub(super) fn to_fix(a: &AssessmentRow) -> Vec<String> {
    a.return_keys.as_deref().and_then(|k| serde_json::from_str(k).ok()).unwrap_or_default()
}

impl App {
    /// Open a cycle (national admin): the instrument must add up and is frozen from now on.
    pub async fn open_cycle(&self, actor: &Actor, input: &CycleInput) -> Result<CycleView> {
        actor.require(actor.is_national())?;
        let mut c = Checker::new();
        if !(2018..=2100).contains(&input.year) {
            c.push("year", Invalid::OutOfRange { min: 2018, max: 2100 });
        }
        if input.verify_deadline < input.self_deadline {
            c.push("verify_deadline", Invalid::Format { hint: "ev-deadline-order" });
        }
        // A cycle opened today cannot ask for a self-assessment by a day already gone.
        let today = self.now().with_timezone(&chrono_tz::Asia::Jakarta).date_naive();
        if input.self_deadline < today {
            c.push("self_deadline", Invalid::Format { hint: "ev-deadline-past" });
        }
        if input.mpp_ids.len() > 1000 {
            c.push("mpp_ids", Invalid::OutOfRange { min: 0, max: 1000 });
        }
        c.finish(()).map_err(Error::Invalid)?;
        let now = self.now();
        let mut tx = self.store.begin().await?;
        let instrument =
            tx.instrument(input.instrument_id).await?.ok_or_else(|| Error::field("instrument_id", Invalid::Unknown))?;
        if !satuatap_domain::evaluation::weight_problems(&instrument.aspects).is_empty() {
            return Err(Error::field("instrument_id", Invalid::Format { hint: "ev-weights-aspects" }));
        }
        let mpps = tx.mpps(&Default::default()).await?;
        let chosen: Vec<i64> = if input.mpp_ids.is_empty() {
            mpps.iter().filter(|m| m.status.0 == satuatap_domain::catalog::MppStatus::Operating).map(|m| m.id).collect()
        } else {
            let mut ids = input.mpp_ids.clone();
            ids.sort_unstable();
            ids.dedup();
            if ids.iter().any(|id| !mpps.iter().any(|m| m.id == *id)) {
                return Err(Error::field("mpp_ids", Invalid::Unknown));
            }
            ids
        };
        let id = match tx
            .insert_cycle(input.year, instrument.id, input.self_deadline, input.verify_deadline, actor.audit_id(), now)
            .await
        {
            Ok(id) => id,
            Err(e) if e.violates(satuatap_store::Constraint::EvalCycleYear) => {
                return Err(Error::field("year", Invalid::Taken));
            }
            Err(e) => return Err(e.into()),
        };
        tx.freeze_instrument(instrument.id, now).await?;
        for m in &chosen {
            tx.insert_assessment(id, *m, now).await?;
        }
        audit::record(
            &mut tx,
            self,
            actor,
            audit::Change::new(None, "eval_cycle", id, "open"),
            None::<&()>,
            Some(&serde_json::json!({"year": input.year, "instrument_id": instrument.id, "mpps": chosen.len()})),
        )
        .await?;
        for m in &chosen {
            let text = format!(
                "Evaluasi MPP {y} dibuka. Isi penilaian mandiri beserta bukti paling lambat {d}: /admin/evaluasi/saya\n\n\
                 The {y} MPP evaluation is open. Complete the self-assessment with its evidence by {d}.",
                y = input.year,
                d = input.self_deadline,
            );
            self.notify_evaluation(
                &mut tx,
                *m,
                super::notify::To::Managers(*m),
                "eval_opened",
                "Evaluasi MPP dibuka / MPP evaluation open",
                &text,
            )
            .await?;
        }
        tx.commit().await?;
        self.cycle(id).await
    }

    pub async fn cycles(&self) -> Result<Vec<CycleView>> {
        let ids: Vec<i64> = {
            let mut r = self.store.read().await?;
            r.cycles().await?.into_iter().map(|c| c.id).collect()
        };
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            out.push(self.cycle(id).await?);
        }
        Ok(out)
    }

    /// A cycle and where each MPP's assessment stands (public: the list is no secret).
    pub async fn cycle(&self, id: i64) -> Result<CycleView> {
        let mut r = self.store.read().await?;
        let c = r.cycle(id).await?.ok_or(Error::NotFound)?;
        let instrument = r.instrument(c.instrument_id).await?.ok_or(Error::NotFound)?;
        let assessments = r.assessments(id).await?.iter().map(AssessmentSummary::from).collect();
        Ok(CycleView {
            id: c.id,
            year: c.year,
            instrument_id: c.instrument_id,
            instrument_name: instrument.name,
            self_deadline: c.self_deadline,
            verify_deadline: c.verify_deadline,
            opened_at: c.opened_at,
            published_at: c.published_at,
            assessments,
        })
    }

    /// Assign an evaluator (national admin). One employed in the MPP's regency is
    /// refused, and the refusal is written to the audit log.
    pub async fn assign_evaluator(&self, actor: &Actor, id: i64, input: &EvaluatorInput) -> Result<AssessmentView> {
        actor.require(actor.is_national())?;
        let now = self.now();
        let mut tx = self.store.begin().await?;
        let a = tx.assessment(id).await?.ok_or(Error::NotFound)?;
        let u = tx
            .user(input.evaluator_id)
            .await?
            .filter(|u| u.role.0 == Role::Evaluator && u.active)
            .ok_or_else(|| Error::field("evaluator_id", Invalid::Unknown))?;
        let home = match u.mpp_id {
            Some(m) => tx.mpp(m).await?.map(|m| m.regency_code),
            None => None,
        };
        if home.as_deref() == Some(a.regency_code.as_str()) {
            drop(tx);
            let mut tx = self.store.begin().await?;
            audit::record(
                &mut tx,
                self,
                actor,
                audit::Change::new(Some(a.mpp_id), "eval_assessment", id, "assign_refused"),
                None::<&()>,
                Some(&serde_json::json!({"evaluator_id": u.id, "reason": "same_region"})),
            )
            .await?;
            tx.commit().await?;
            return Err(Error::refused(Refusal::EvaluatorConflict));
        }
        if !tx.set_assessment_evaluator(id, u.id, now).await? {
            return Err(Error::refused(Refusal::AssessmentState));
        }
        audit::record(
            &mut tx,
            self,
            actor,
            audit::Change::new(Some(a.mpp_id), "eval_assessment", id, "assign"),
            Some(&serde_json::json!({"evaluator_id": a.evaluator_id})),
            Some(&serde_json::json!({"evaluator_id": u.id})),
        )
        .await?;
        let text = format!(
            "Anda ditugaskan memverifikasi evaluasi MPP {y} untuk {m}. Penilaian mandiri dapat diverifikasi setelah dikirim: /admin/evaluasi/penilaian/{id}\n\n\
             You are assigned to verify the {y} MPP evaluation of {m}, once its self-assessment is submitted.",
            y = a.year,
            m = a.mpp_name,
        );
        self.notify_evaluation(
            &mut tx,
            a.mpp_id,
            super::notify::To::User(u.id),
            "eval_assigned",
            "Penugasan evaluator / Evaluator assignment",
            &text,
        )
        .await?;
        tx.commit().await?;
        self.assessment(actor, id).await
    }

    /// The assessments a person works on: an MPP manager's own MPP's, an evaluator's
    /// assigned ones, every one for the national admin.
    pub async fn my_assessments(&self, actor: &Actor) -> Result<Vec<AssessmentSummaryOfYear>> {
        let (mpp, evaluator) = match actor.role {
            Role::NationalAdmin => (None, None),
            Role::MppManager => (Some(actor.mpp_id.ok_or(Error::Forbidden)?), None),
            Role::Evaluator => (None, Some(actor.user_id)),
            _ => return Err(Error::Forbidden),
        };
        let mut r = self.store.read().await?;
        Ok(r.assessments_of(mpp, evaluator)
            .await?
            .iter()
            .map(|a| AssessmentSummaryOfYear { year: a.year, summary: AssessmentSummary::from(a) })
            .collect())
    }

    /// Who may read an assessment: the national admin, its evaluator, the MPP's manager.
    pub(super) fn may_read(actor: &Actor, a: &AssessmentRow) -> bool {
        actor.is_national()
            || (actor.role == Role::Evaluator && a.evaluator_id == Some(actor.user_id))
            || (actor.role == Role::MppManager && actor.mpp_id == Some(a.mpp_id))
    }

    pub async fn assessment(&self, actor: &Actor, id: i64) -> Result<AssessmentView> {
        let mut r = self.store.read().await?;
        let a = r.assessment(id).await?.ok_or(Error::NotFound)?;
        if !Self::may_read(actor, &a) {
            return Err(Error::NotFound);
        }
        let cycle = r.cycle(a.cycle_id).await?.ok_or(Error::NotFound)?;
        let instrument = r.instrument(cycle.instrument_id).await?.ok_or(Error::NotFound)?;
        let stored: HashMap<String, ScoreRow> =
            r.scores(id).await?.into_iter().map(|s| (s.indicator_key.clone(), s)).collect();
        let evidence = r.evidence_of(id).await?.into_iter().map(super::evidence::EvidenceView::from).collect();
        drop(r);
        let objective = self.objective_of(&a).await?;
        let figures = objective.as_ref().map(super::objective::ObjectiveView::figures).unwrap_or_default();
        let fix = to_fix(&a);
        let scores: Vec<IndicatorScore> = instrument
            .aspects
            .iter()
            .flat_map(|asp| asp.indicators.iter())
            .map(|ind| {
                let key = ind.key.clone();
                let s = stored.get(&key);
                IndicatorScore {
                    to_fix: a.status == "returned" && fix.contains(&key),
                    self_score: s.and_then(|s| s.self_score),
                    narrative: s.and_then(|s| s.narrative.clone()),
                    accepted_score: s.and_then(|s| s.accepted_score),
                    note: s.and_then(|s| s.note.clone()),
                    rule_score: ind.rule.and_then(|r| r.score(&figures)).map(i64::from),
                    key,
                }
            })
            .collect();
        let accepted: HashMap<&str, u8> =
            scores.iter().filter_map(|s| Some((s.key.as_str(), u8::try_from(s.accepted_score?).ok()?))).collect();
        let result = index(&instrument.aspects, &instrument.predicates, |k| accepted.get(k).copied());
        Ok(AssessmentView {
            summary: AssessmentSummary::from(&a),
            cycle_id: a.cycle_id,
            year: a.year,
            self_deadline: cycle.self_deadline,
            verify_deadline: cycle.verify_deadline,
            returns: a.returns,
            return_note: a.return_note.clone(),
            aspects: instrument.aspects,
            scores,
            result,
            evidence,
            objective,
        })
    }

    /// Check scores against the instrument: known keys, 0–5, texts within bounds.
    fn check_scores(aspects: &[AspectDef], input: &ScoresInput) -> Result<()> {
        let keys = keys_of(aspects);
        let mut c = Checker::new();
        if input.scores.len() > 200 {
            c.push("scores", Invalid::OutOfRange { min: 0, max: 200 });
        }
        for (i, s) in input.scores.iter().enumerate() {
            if !keys.contains(&s.key) {
                c.push(&format!("scores.{i}.key"), Invalid::Unknown);
            }
            if s.score.is_some_and(|v| !(0..=i64::from(MAX_SCORE)).contains(&v)) {
                c.push(&format!("scores.{i}.score"), Invalid::OutOfRange { min: 0, max: i64::from(MAX_SCORE) });
            }
            if s.text.as_deref().is_some_and(|t| t.chars().count() > 4000) {
                c.push(&format!("scores.{i}.text"), Invalid::TooLong { max: 4000 });
            }
        }
        c.finish(()).map_err(Error::Invalid)
    }

    pub(super) async fn instrument_of(&self, tx: &mut satuatap_store::Tx, a: &AssessmentRow) -> Result<Vec<AspectDef>> {
        let cycle = tx.cycle(a.cycle_id).await?.ok_or(Error::NotFound)?;
        Ok(tx.instrument(cycle.instrument_id).await?.ok_or(Error::NotFound)?.aspects)
    }

    /// The MPP manager's scores and narratives, while the assessment is a draft or
    /// returned (then only for the indicators to fix).
    pub async fn save_self_scores(&self, actor: &Actor, id: i64, input: &ScoresInput) -> Result<AssessmentView> {
        let mut tx = self.store.begin().await?;
        let a = Self::managers_assessment(&mut tx, actor, id).await?;
        let aspects = self.instrument_of(&mut tx, &a).await?;
        Self::check_scores(&aspects, input)?;
        if a.status == "returned" {
            let fix = to_fix(&a);
            if let Some((i, _)) = input.scores.iter().enumerate().find(|(_, s)| !fix.contains(&s.key)) {
                return Err(Error::field(&format!("scores.{i}.key"), Invalid::NotAllowed));
            }
        }
        self.write_scores(tx, actor, &a, input, ScoreSide::Mpp).await
    }

    /// Write checked scores of one side while the assessment is where that side
    /// works (the MPP: draft or returned; the evaluator: submitted), with the audit entry.
    async fn write_scores(
        &self,
        mut tx: satuatap_store::Tx,
        actor: &Actor,
        a: &AssessmentRow,
        input: &ScoresInput,
        side: ScoreSide,
    ) -> Result<AssessmentView> {
        let (from, action): (&[&str], &str) = match side {
            ScoreSide::Mpp => (&["draft", "returned"], "self_score"),
            ScoreSide::Evaluator => (&["submitted"], "verify"),
        };
        if !tx.touch_assessment(a.id, from, self.now()).await? {
            return Err(Error::refused(Refusal::AssessmentState));
        }
        for s in &input.scores {
            let text = s.text.as_deref().map(str::trim).filter(|t| !t.is_empty());
            tx.put_score(a.id, side, &s.key, s.score, text).await?;
        }
        audit::record(
            &mut tx,
            self,
            actor,
            audit::Change::new(Some(a.mpp_id), "eval_assessment", a.id, action),
            None::<&()>,
            Some(&serde_json::json!({"indicators": input.scores.iter().map(|s| &s.key).collect::<Vec<_>>()})),
        )
        .await?;
        tx.commit().await?;
        self.assessment(actor, a.id).await
    }

    /// Submit the self-assessment: every indicator scored (a rule-scored one left
    /// empty takes its rule's score), evidence attached where the instrument asks
    /// for it. After the deadline it is flagged late.
    pub async fn submit_assessment(&self, actor: &Actor, id: i64) -> Result<AssessmentView> {
        let now = self.now();
        let figures = self.figures_for(id).await?;
        let mut tx = self.store.begin().await?;
        let a = Self::managers_assessment(&mut tx, actor, id).await?;
        // Take the row first: files and scores saved at the same moment are all in or all after.
        if !tx.touch_assessment(id, &["draft", "returned"], now).await? {
            return Err(Error::refused(Refusal::AssessmentState));
        }
        let aspects = self.instrument_of(&mut tx, &a).await?;
        let ruled = self.fill_by_rules(&mut tx, id, &aspects, &figures, ScoreSide::Mpp).await?;
        let scored: HashMap<String, Option<i64>> =
            tx.scores(id).await?.into_iter().map(|s| (s.indicator_key, s.self_score)).collect();
        let evidenced: std::collections::HashSet<String> =
            tx.evidence_of(id).await?.into_iter().map(|e| e.indicator_key).collect();
        let mut c = Checker::new();
        for ind in aspects.iter().flat_map(|a| a.indicators.iter()) {
            if scored.get(&ind.key).copied().flatten().is_none() {
                c.push(&format!("scores.{}", ind.key), Invalid::Required);
            }
            if ind.evidence_required && !evidenced.contains(&ind.key) {
                c.push(&format!("evidence.{}", ind.key), Invalid::Format { hint: "ev-evidence-required" });
            }
        }
        c.finish(()).map_err(Error::Invalid)?;
        let cycle = tx.cycle(a.cycle_id).await?.ok_or(Error::NotFound)?;
        let mpp = tx.mpp(a.mpp_id).await?.ok_or(Error::NotFound)?;
        let today = now.with_timezone(&crate::queue::mpp_tz(&mpp)).date_naive();
        let late = today > cycle.self_deadline;
        if !tx.submit_assessment(id, late, now).await? {
            return Err(Error::refused(Refusal::AssessmentState));
        }
        audit::record(
            &mut tx,
            self,
            actor,
            audit::Change::new(Some(a.mpp_id), "eval_assessment", id, "submit"),
            Some(&serde_json::json!({"status": a.status})),
            Some(&serde_json::json!({"status": "submitted", "late": late, "scored_by_rule": ruled})),
        )
        .await?;
        if let Some(ev) = a.evaluator_id {
            let text = format!(
                "{} mengirim penilaian mandiri evaluasi MPP {}{}. Silakan verifikasi sebelum {}: /admin/evaluasi/penilaian/{id}\n\n\
                 {} submitted its {} MPP evaluation self-assessment{}. Please verify it by {}.",
                a.mpp_name,
                a.year,
                if late { " (terlambat)" } else { "" },
                cycle.verify_deadline,
                a.mpp_name,
                a.year,
                if late { " (late)" } else { "" },
                cycle.verify_deadline,
            );
            self.notify_evaluation(
                &mut tx,
                a.mpp_id,
                super::notify::To::User(ev),
                "eval_submitted",
                "Penilaian mandiri masuk / Self-assessment submitted",
                &text,
            )
            .await?;
        }
        tx.commit().await?;
        self.assessment(actor, id).await
    }

    /// Give every rule-scored indicator that has no score on `side` its rule's
    /// score (when the figure exists); returns the keys filled.
    async fn fill_by_rules(
        &self,
        tx: &mut satuatap_store::Tx,
        id: i64,
        aspects: &[AspectDef],
        figures: &satuatap_domain::evaluation::Objective,
        side: ScoreSide,
    ) -> Result<Vec<String>> {
        let stored: HashMap<String, ScoreRow> =
            tx.scores(id).await?.into_iter().map(|s| (s.indicator_key.clone(), s)).collect();
        let mut filled = Vec::new();
        for ind in aspects.iter().flat_map(|a| a.indicators.iter()) {
            let Some(score) = ind.rule.and_then(|r| r.score(figures)) else { continue };
            let s = stored.get(&ind.key);
            let (has, text) = match side {
                ScoreSide::Mpp => (s.and_then(|s| s.self_score).is_some(), s.and_then(|s| s.narrative.clone())),
                ScoreSide::Evaluator => (s.and_then(|s| s.accepted_score).is_some(), s.and_then(|s| s.note.clone())),
            };
            if has {
                continue;
            }
            let text =
                text.unwrap_or_else(|| "Dihitung dari data platform / Scored from the platform's figures.".into());
            tx.put_score(id, side, &ind.key, Some(i64::from(score)), Some(&text)).await?;
            filled.push(ind.key.clone());
        }
        Ok(filled)
    }

    /// The assessment, for its MPP's manager: anyone else who may read it is refused,
    /// anyone who may not learns nothing of it.
    pub(super) async fn managers_assessment(
        tx: &mut satuatap_store::Tx,
        actor: &Actor,
        id: i64,
    ) -> Result<AssessmentRow> {
        let a = tx.assessment(id).await?.ok_or(Error::NotFound)?;
        if !Self::may_read(actor, &a) {
            return Err(Error::NotFound);
        }
        actor.require(actor.role == Role::MppManager)?;
        Ok(a)
    }

    pub(super) fn require_evaluator(actor: &Actor, a: &AssessmentRow) -> Result<()> {
        if !Self::may_read(actor, a) {
            return Err(Error::NotFound);
        }
        actor.require(actor.role == Role::Evaluator && a.evaluator_id == Some(actor.user_id))
    }

    /// The evaluator's accepted scores and notes (only once submitted).
    pub async fn save_verification(&self, actor: &Actor, id: i64, input: &ScoresInput) -> Result<AssessmentView> {
        let mut tx = self.store.begin().await?;
        let a = tx.assessment(id).await?.ok_or(Error::NotFound)?;
        Self::require_evaluator(actor, &a)?;
        let aspects = self.instrument_of(&mut tx, &a).await?;
        Self::check_scores(&aspects, input)?;
        self.write_scores(tx, actor, &a, input, ScoreSide::Evaluator).await
    }

    /// Back to the MPP once, with the indicators to revise and why.
    pub async fn return_assessment(&self, actor: &Actor, id: i64, input: &ReturnInput) -> Result<AssessmentView> {
        let now = self.now();
        let mut tx = self.store.begin().await?;
        let a = tx.assessment(id).await?.ok_or(Error::NotFound)?;
        Self::require_evaluator(actor, &a)?;
        let aspects = self.instrument_of(&mut tx, &a).await?;
        let keys = keys_of(&aspects);
        let mut c = Checker::new();
        let note = c.text("note", &input.note, 2000);
        if input.keys.is_empty() {
            c.push("keys", Invalid::Format { hint: "eva-return-keys" });
        }
        if input.keys.iter().any(|k| !keys.contains(k)) {
            c.push("keys", Invalid::Unknown);
        }
        c.finish(()).map_err(Error::Invalid)?;
        if a.returns > 0 {
            return Err(Error::refused(Refusal::AssessmentReturnedOnce));
        }
        let list = serde_json::to_string(&input.keys).map_err(|e| Error::Internal(e.to_string()))?;
        if !tx.return_assessment(id, &note, &list, now).await? {
            return Err(Error::refused(Refusal::AssessmentState));
        }
        audit::record(
            &mut tx,
            self,
            actor,
            audit::Change::new(Some(a.mpp_id), "eval_assessment", id, "return"),
            Some(&serde_json::json!({"status": a.status})),
            Some(&serde_json::json!({"status": "returned", "keys": input.keys, "note": note})),
        )
        .await?;
        let text = format!(
            "Penilaian mandiri evaluasi MPP {y} untuk {m} dikembalikan untuk perbaikan ({n} indikator): {note}\n\
             Perbaiki dan kirim ulang: /admin/evaluasi/penilaian/{id}\n\n\
             The {y} MPP evaluation self-assessment of {m} was returned for revision ({n} indicators). Revise and resubmit it.",
            y = a.year,
            m = a.mpp_name,
            n = input.keys.len(),
        );
        self.notify_evaluation(
            &mut tx,
            a.mpp_id,
            super::notify::To::Managers(a.mpp_id),
            "eval_returned",
            "Penilaian dikembalikan / Assessment returned",
            &text,
        )
        .await?;
        tx.commit().await?;
        self.assessment(actor, id).await
    }

    /// Finalise: every indicator has an accepted score (a rule-scored one left
    /// empty takes its rule's score); the index, predicate and the figures the
    /// rules read are fixed.
    pub async fn finalise_assessment(&self, actor: &Actor, id: i64) -> Result<AssessmentView> {
        let now = self.now();
        let objective = {
            let mut r = self.store.read().await?;
            let a = r.assessment(id).await?.ok_or(Error::NotFound)?;
            Self::require_evaluator(actor, &a)?;
            drop(r);
            self.objective_indicators(a.mpp_id, a.year).await?
        };
        let figures = objective.figures();
        let mut tx = self.store.begin().await?;
        let a = tx.assessment(id).await?.ok_or(Error::NotFound)?;
        Self::require_evaluator(actor, &a)?;
        // Take the row first, so scores saved at the same moment are either all in or all after.
        if !tx.touch_assessment(id, &["submitted"], now).await? {
            return Err(Error::refused(Refusal::AssessmentState));
        }
        let cycle = tx.cycle(a.cycle_id).await?.ok_or(Error::NotFound)?;
        let instrument = tx.instrument(cycle.instrument_id).await?.ok_or(Error::NotFound)?;
        let ruled = self.fill_by_rules(&mut tx, id, &instrument.aspects, &figures, ScoreSide::Evaluator).await?;
        let accepted = accepted(tx.scores(id).await?);
        let mut c = Checker::new();
        for k in keys_of(&instrument.aspects) {
            if !accepted.contains_key(&k) {
                c.push(&format!("scores.{k}"), Invalid::Required);
            }
        }
        c.finish(()).map_err(Error::Invalid)?;
        let r = index(&instrument.aspects, &instrument.predicates, |k| accepted.get(k).copied())
            .ok_or_else(|| Error::Internal("an index of a complete assessment".into()))?;
        let snapshot = serde_json::to_string(&objective).map_err(|e| Error::Internal(e.to_string()))?;
        if !tx
            .finalise_assessment(id, i64::from(r.hundredths), &r.predicate.code, &snapshot, actor.audit_id(), now)
            .await?
        {
            return Err(Error::refused(Refusal::AssessmentState));
        }
        audit::record(
            &mut tx,
            self,
            actor,
            audit::Change::new(Some(a.mpp_id), "eval_assessment", id, "finalise"),
            Some(&serde_json::json!({"status": a.status})),
            Some(&serde_json::json!({"status": "finalised", "index": r.hundredths, "predicate": r.predicate.code,
                "scored_by_rule": ruled})),
        )
        .await?;
        let shown = satuatap_domain::evaluation::format_hundredths(r.hundredths, true);
        let text = format!(
            "Penilaian evaluasi MPP {y} untuk {m} sudah final: indeks {shown} ({p}). Hasil diumumkan setelah seluruh penilaian selesai: /admin/evaluasi/penilaian/{id}\n\n\
             The {y} MPP evaluation of {m} is final: index {en} ({p}). Results are published once every assessment is done.",
            y = a.year,
            m = a.mpp_name,
            p = r.predicate.label,
            en = satuatap_domain::evaluation::format_hundredths(r.hundredths, false),
        );
        self.notify_evaluation(
            &mut tx,
            a.mpp_id,
            super::notify::To::Managers(a.mpp_id),
            "eval_finalised",
            "Penilaian final / Assessment final",
            &text,
        )
        .await?;
        tx.commit().await?;
        self.assessment(actor, id).await
    }
}
