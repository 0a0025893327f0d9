//! A cycle's results: published by the national admin (public from then on),
//! ranked nationally and within each province, each MPP's change from last
//! year, and each MPP's report card with its weakest indicators and the
//! evaluator's notes.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use satuatap_domain::evaluation::{AspectScore, index};
use serde::{Deserialize, Serialize};

use super::cycle::{AssessmentSummary, accepted};
use super::objective::ObjectiveView;
use crate::{Actor, App, Error, Refusal, Result, audit};

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ResultRow {
    pub assessment_id: i64,
    pub mpp_id: i64,
    pub mpp_name: String,
    pub regency_code: String,
    pub province_code: String,
    pub province_name: String,
    /// Rank among every MPP of the cycle (ties share a rank).
    pub rank: usize,
    /// Rank within its province.
    pub province_rank: usize,
    pub index_hundredths: i64,
    pub predicate: String,
    pub predicate_label: String,
    pub aspects: Vec<AspectScore>,
    /// Last year's index, if the MPP was evaluated and published then.
    pub previous_hundredths: Option<i64>,
    /// This year's index minus last year's, hundredths.
    pub change_hundredths: Option<i64>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AspectName {
    pub key: String,
    pub name: String,
}

/// One indicator on a report card.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CardIndicator {
    pub key: String,
    pub name: String,
    pub aspect: String,
    pub self_score: Option<i64>,
    pub accepted_score: Option<i64>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ReportCard {
    pub year: i64,
    pub published_at: Option<DateTime<Utc>>,
    pub summary: AssessmentSummary,
    /// The MPP's line of the results (rank, province rank, change from last year).
    pub result: ResultRow,
    /// Of how many MPPs, nationally and in the province.
    pub ranked: usize,
    pub ranked_in_province: usize,
    pub aspect_names: Vec<AspectName>,
    /// The lowest accepted scores, lowest first (at most five, all below 5).
    pub weakest: Vec<CardIndicator>,
    /// Every indicator with the evaluator's accepted score and note.
    pub indicators: Vec<CardIndicator>,
    pub objective: Option<ObjectiveView>,
}

/// Rank by a key within groups: equal indices share a rank (1, 2, 2, 4).
fn rank_by(rows: &mut [ResultRow], province: bool) {
    let mut seen: HashMap<String, (usize, i64, usize)> = HashMap::new();
    for row in rows.iter_mut() {
        let g = if province { row.province_code.clone() } else { String::new() };
        let e = seen.entry(g).or_insert((0, i64::MIN, 0));
        e.0 += 1;
        if e.1 != row.index_hundredths {
            e.1 = row.index_hundredths;
            e.2 = e.0;
        }
        if province {
            row.province_rank = e.2;
        } else {
            row.rank = e.2;
        }
    }
}

impl App {
    /// Publish a cycle's results (national admin), once; at least one assessment must be final.
    /// Each evaluated MPP's managers are told.
    pub async fn publish_cycle(&self, actor: &Actor, id: i64) -> Result<super::cycle::CycleView> {
        actor.require(actor.is_national())?;
        let now = self.now();
        let mut tx = self.store.begin().await?;
        let cycle = tx.cycle(id).await?.ok_or(Error::NotFound)?;
        if cycle.published_at.is_some() {
            return Err(Error::refused(Refusal::CyclePublished));
        }
        let assessments = tx.assessments(id).await?;
        let finals: Vec<_> = assessments.iter().filter(|a| a.status == "finalised").collect();
        if finals.is_empty() {
            return Err(Error::refused(Refusal::CycleNotPublished));
        }
        if !tx.publish_cycle(id, actor.audit_id(), now).await? {
            return Err(Error::refused(Refusal::CyclePublished));
        }
        audit::record(
            &mut tx,
            self,
            actor,
            audit::Change::new(None, "eval_cycle", id, "publish"),
            None::<&()>,
            Some(&serde_json::json!({"finalised": finals.len(), "not_final": assessments.len() - finals.len()})),
        )
        .await?;
        for a in &finals {
            let text = format!(
                "Hasil evaluasi MPP {y} diumumkan. Rapor {m}: /evaluasi/rapor/{id}\n\n\
                 The {y} MPP evaluation results are published. {m}'s report card is online.",
                y = cycle.year,
                m = a.mpp_name,
                id = a.id,
            );
            self.notify_evaluation(
                &mut tx,
                a.mpp_id,
                super::notify::To::Managers(a.mpp_id),
                "eval_published",
                "Hasil evaluasi diumumkan / Evaluation results published",
                &text,
            )
            .await?;
        }
        tx.commit().await?;
        self.cycle(id).await
    }

    /// A cycle's finalised results, ranked. Public once published; before that only
    /// the national admin sees them (anyone else gets an empty list).
    pub async fn cycle_results(&self, actor: Option<&Actor>, id: i64) -> Result<Vec<ResultRow>> {
        let mut r = self.store.read().await?;
        let cycle = r.cycle(id).await?.ok_or(Error::NotFound)?;
        if cycle.published_at.is_none() && !actor.is_some_and(Actor::is_national) {
            return Ok(Vec::new());
        }
        let instrument = r.instrument(cycle.instrument_id).await?.ok_or(Error::NotFound)?;
        let provinces: HashMap<String, String> = r.provinces().await?.into_iter().map(|p| (p.code, p.name)).collect();
        // Last year's published indices, by MPP.
        let previous: HashMap<i64, i64> = match r.cycles().await?.into_iter().find(|c| c.year == cycle.year - 1) {
            Some(p) if p.published_at.is_some() => r
                .assessments(p.id)
                .await?
                .into_iter()
                .filter_map(|a| Some((a.mpp_id, a.index_hundredths.filter(|_| a.status == "finalised")?)))
                .collect(),
            _ => HashMap::new(),
        };
        let mut rows = Vec::new();
        for a in r.assessments(id).await?.into_iter().filter(|a| a.status == "finalised") {
            let accepted = accepted(r.scores(a.id).await?);
            let Some(res) = index(&instrument.aspects, &instrument.predicates, |k| accepted.get(k).copied()) else {
                continue;
            };
            let idx = a.index_hundredths.unwrap_or(i64::from(res.hundredths));
            let prev = previous.get(&a.mpp_id).copied();
            rows.push(ResultRow {
                assessment_id: a.id,
                mpp_id: a.mpp_id,
                mpp_name: a.mpp_name,
                regency_code: a.regency_code,
                province_name: provinces.get(&a.province_code).cloned().unwrap_or_default(),
                province_code: a.province_code,
                rank: 0,
                province_rank: 0,
                index_hundredths: idx,
                predicate: a.predicate.unwrap_or(res.predicate.code),
                predicate_label: res.predicate.label,
                aspects: res.aspects,
                previous_hundredths: prev,
                change_hundredths: prev.map(|p| idx - p),
            });
        }
        rows.sort_by(|x, y| y.index_hundredths.cmp(&x.index_hundredths).then(x.mpp_name.cmp(&y.mpp_name)));
        rank_by(&mut rows, false);
        rank_by(&mut rows, true);
        Ok(rows)
    }

    /// An MPP's report card: public once its cycle is published, before that for
    /// those who may read the assessment.
    pub async fn report_card(&self, actor: Option<&Actor>, assessment_id: i64) -> Result<ReportCard> {
        let (a, cycle) = {
            let mut r = self.store.read().await?;
            let a = r.assessment(assessment_id).await?.ok_or(Error::NotFound)?;
            let c = r.cycle(a.cycle_id).await?.ok_or(Error::NotFound)?;
            (a, c)
        };
        let public = cycle.published_at.is_some() && a.status == "finalised";
        if !public && !actor.is_some_and(|x| Self::may_read(x, &a)) {
            return Err(Error::NotFound);
        }
        if a.status != "finalised" {
            return Err(Error::refused(Refusal::CycleNotPublished));
        }
        // The national admin sees an unpublished card as it will be.
        let viewer = if public { None } else { Some(Actor::system()) };
        let rows = self.cycle_results(viewer.as_ref(), cycle.id).await?;
        let result = rows.iter().find(|r| r.assessment_id == a.id).cloned().ok_or(Error::NotFound)?;
        let ranked_in_province = rows.iter().filter(|r| r.province_code == result.province_code).count();
        let instrument = self.instrument(cycle.instrument_id).await?;
        let stored: HashMap<String, satuatap_store::evaluation::ScoreRow> = {
            let mut r = self.store.read().await?;
            r.scores(a.id).await?.into_iter().map(|s| (s.indicator_key.clone(), s)).collect()
        };
        let indicators: Vec<CardIndicator> = instrument
            .aspects
            .iter()
            .flat_map(|asp| {
                asp.indicators.iter().map(|i| {
                    let s = stored.get(&i.key);
                    CardIndicator {
                        key: i.key.clone(),
                        name: i.name.clone(),
                        aspect: asp.name.clone(),
                        self_score: s.and_then(|s| s.self_score),
                        accepted_score: s.and_then(|s| s.accepted_score),
                        note: s.and_then(|s| s.note.clone()),
                    }
                })
            })
            .collect();
        let mut weakest: Vec<CardIndicator> =
            indicators.iter().filter(|i| i.accepted_score.is_some_and(|s| s < 5)).cloned().collect();
        weakest.sort_by_key(|i| i.accepted_score);
        weakest.truncate(5);
        let objective = self.objective_of(&a).await?;
        Ok(ReportCard {
            year: cycle.year,
            published_at: cycle.published_at,
            summary: AssessmentSummary::from(&a),
            ranked: rows.len(),
            ranked_in_province,
            result,
            aspect_names: instrument
                .aspects
                .iter()
                .map(|x| AspectName { key: x.key.clone(), name: x.name.clone() })
                .collect(),
            weakest,
            indicators,
            objective,
        })
    }
}
