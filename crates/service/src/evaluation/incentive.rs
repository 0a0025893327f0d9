//! Incentives: the ministry sets a cycle's rule (a predicate at least, an IKM
//! grade at least, no aspect below a score); the platform lists every MPP of
//! the published results with the figures behind its verdict; the national
//! admin signs the list off, which freezes it (rule and list, audited) and
//! makes it public, as CSV and a print view.

use chrono::{DateTime, Utc};
use satuatap_domain::Invalid;
use satuatap_domain::evaluation::{IncentiveRule, IndexResult, Shortfall};
use satuatap_domain::validate::Checker;
use serde::{Deserialize, Serialize};

use super::results::ResultRow;
use crate::{Actor, App, Error, Refusal, Result, audit};

/// One MPP on the list, with what decided it.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct IncentiveLine {
    pub mpp_id: i64,
    pub mpp_name: String,
    pub regency_code: String,
    pub regency_name: String,
    pub province_name: String,
    pub rank: usize,
    pub index_hundredths: i64,
    pub predicate: String,
    /// The year's IKM (`88.31`) and grade, as the assessment was finalised with.
    pub ikm: Option<String>,
    pub ikm_grade: Option<String>,
    /// The lowest aspect and its score, hundredths.
    pub lowest_aspect: Option<String>,
    pub lowest_aspect_hundredths: Option<u32>,
    pub qualifies: bool,
    /// Why not, when it does not.
    pub shortfalls: Vec<Shortfall>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct IncentiveView {
    pub cycle_id: i64,
    pub year: i64,
    /// Absent until the ministry sets it.
    pub rule: Option<IncentiveRule>,
    pub signed_at: Option<DateTime<Utc>>,
    pub signed_by: Option<String>,
    /// Every MPP of the results; once signed, the list as it was signed.
    pub lines: Vec<IncentiveLine>,
    pub qualifying: usize,
    /// The instrument's aspects (key and name), to name an aspect in a shortfall.
    pub aspects: Vec<super::results::AspectName>,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct IncentiveRuleInput {
    /// A predicate code of the cycle's instrument (e.g. `A-`), or empty for none.
    #[serde(default)]
    pub min_predicate: Option<String>,
    /// `A`, `B`, `C` or `D`, or empty for none.
    #[serde(default)]
    pub min_ikm_grade: Option<String>,
    /// `3.00` style (or `3,00`), or empty for none.
    #[serde(default)]
    pub min_aspect: Option<String>,
}

fn blank(s: &Option<String>) -> Option<&str> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

impl App {
    /// Set a cycle's incentive rule (national admin), while its list is not signed off.
    pub async fn set_incentive_rule(
        &self,
        actor: &Actor,
        cycle_id: i64,
        input: &IncentiveRuleInput,
    ) -> Result<IncentiveView> {
        actor.require(actor.is_national())?;
        let now = self.now();
        let mut tx = self.store.begin().await?;
        let cycle = tx.cycle(cycle_id).await?.ok_or(Error::NotFound)?;
        let instrument = tx.instrument(cycle.instrument_id).await?.ok_or(Error::NotFound)?;
        let mut c = Checker::new();
        let min_predicate = blank(&input.min_predicate).map(str::to_string);
        if let Some(p) = &min_predicate
            && !instrument.predicates.iter().any(|x| &x.code == p)
        {
            c.push("min_predicate", Invalid::Unknown);
        }
        let min_ikm_grade = match blank(&input.min_ikm_grade).map(str::to_ascii_uppercase) {
            None => None,
            Some(g) if matches!(g.as_str(), "A" | "B" | "C" | "D") => g.chars().next(),
            Some(_) => {
                c.push("min_ikm_grade", Invalid::Format { hint: "ev-grade" });
                None
            }
        };
        let min_aspect = match blank(&input.min_aspect) {
            None => None,
            Some(t) => match satuatap_domain::evaluation::parse_hundredths(t) {
                Some(h) if h <= 500 => Some(h),
                Some(_) => {
                    c.push("min_aspect", Invalid::OutOfRange { min: 0, max: 5 });
                    None
                }
                None => {
                    c.push("min_aspect", Invalid::Format { hint: "ev-score-format" });
                    None
                }
            },
        };
        // A rule with no condition would qualify everyone: at least one is asked for.
        let typed_wrong = ["min_predicate", "min_ikm_grade", "min_aspect"].iter().any(|f| c.has(f));
        if !typed_wrong && min_predicate.is_none() && min_ikm_grade.is_none() && min_aspect.is_none() {
            c.push("min_predicate", Invalid::Format { hint: "evi-rule-empty" });
        }
        c.finish(()).map_err(Error::Invalid)?;
        let rule = IncentiveRule { min_predicate, min_ikm_grade, min_aspect };
        let before = tx.incentive(cycle_id).await?;
        if before.as_ref().is_some_and(|b| b.signed_at.is_some()) {
            return Err(Error::refused(Refusal::IncentivesSigned));
        }
        let json = serde_json::to_string(&rule).map_err(|e| Error::Internal(e.to_string()))?;
        if !tx.put_incentive_rule(cycle_id, &json, now).await? {
            return Err(Error::refused(Refusal::IncentivesSigned));
        }
        audit::record(
            &mut tx,
            self,
            actor,
            audit::Change::new(None, "eval_incentive", cycle_id, "rule"),
            before.as_ref().and_then(|b| serde_json::from_str::<serde_json::Value>(&b.rule).ok()).as_ref(),
            Some(&rule),
        )
        .await?;
        tx.commit().await?;
        self.incentives(Some(actor), cycle_id).await
    }

    /// The incentive list. Once signed, the frozen list (public); before that, computed
    /// from the results for the national admin only.
    pub async fn incentives(&self, actor: Option<&Actor>, cycle_id: i64) -> Result<IncentiveView> {
        let (cycle, row) = {
            let mut r = self.store.read().await?;
            let c = r.cycle(cycle_id).await?.ok_or(Error::NotFound)?;
            (c, r.incentive(cycle_id).await?)
        };
        let rule: Option<IncentiveRule> = row.as_ref().and_then(|r| serde_json::from_str(&r.rule).ok());
        let instrument = self.instrument(cycle.instrument_id).await?;
        let aspects: Vec<super::results::AspectName> = instrument
            .aspects
            .iter()
            .map(|a| super::results::AspectName { key: a.key.clone(), name: a.name.clone() })
            .collect();
        if let Some(signed) = row.as_ref().filter(|r| r.signed_at.is_some()) {
            let lines: Vec<IncentiveLine> =
                signed.signed_list.as_deref().and_then(|l| serde_json::from_str(l).ok()).unwrap_or_default();
            return Ok(IncentiveView {
                cycle_id,
                year: cycle.year,
                rule,
                signed_at: signed.signed_at,
                signed_by: signed.signer_name.clone(),
                qualifying: lines.iter().filter(|l| l.qualifies).count(),
                lines,
                aspects,
            });
        }
        if !actor.is_some_and(Actor::is_national) {
            return Err(Error::NotFound);
        }
        let lines = match &rule {
            Some(rule) => self.incentive_lines(cycle_id, rule, &instrument).await?,
            None => Vec::new(),
        };
        Ok(IncentiveView {
            cycle_id,
            year: cycle.year,
            rule,
            signed_at: None,
            signed_by: None,
            qualifying: lines.iter().filter(|l| l.qualifies).count(),
            lines,
            aspects,
        })
    }

    /// Every MPP of the cycle's results against the rule, qualifying ones first.
    async fn incentive_lines(
        &self,
        cycle_id: i64,
        rule: &IncentiveRule,
        instrument: &super::InstrumentView,
    ) -> Result<Vec<IncentiveLine>> {
        let rows: Vec<ResultRow> = self.cycle_results(Some(&Actor::system()), cycle_id).await?;
        let (mpps, assessments) = {
            let mut r = self.store.read().await?;
            (r.mpps(&Default::default()).await?, r.assessments(cycle_id).await?)
        };
        let mut out = Vec::new();
        for row in rows {
            let Some(a) = assessments.iter().find(|a| a.id == row.assessment_id) else { continue };
            let objective = self.objective_of(a).await?;
            let grade = objective.as_ref().and_then(|o| o.ikm_grade.clone());
            let Some(predicate) = instrument.predicates.iter().find(|p| p.code == row.predicate).cloned() else {
                continue;
            };
            let result = IndexResult {
                aspects: row.aspects.clone(),
                exact: 0,
                hundredths: u32::try_from(row.index_hundredths).unwrap_or(0),
                predicate,
            };
            let shortfalls =
                rule.shortfalls(&result, &instrument.predicates, grade.as_deref().and_then(|g| g.chars().next()));
            let lowest = row.aspects.iter().min_by_key(|a| a.hundredths);
            out.push(IncentiveLine {
                mpp_id: row.mpp_id,
                mpp_name: row.mpp_name.clone(),
                regency_code: row.regency_code.clone(),
                regency_name: mpps
                    .iter()
                    .find(|m| m.id == row.mpp_id)
                    .map(|m| m.regency_name.clone())
                    .unwrap_or_default(),
                province_name: row.province_name.clone(),
                rank: row.rank,
                index_hundredths: row.index_hundredths,
                predicate: row.predicate.clone(),
                ikm: objective.as_ref().and_then(|o| o.ikm.clone()),
                ikm_grade: grade,
                lowest_aspect: lowest
                    .and_then(|l| instrument.aspects.iter().find(|x| x.key == l.key))
                    .map(|x| x.name.clone()),
                lowest_aspect_hundredths: lowest.map(|l| l.hundredths),
                qualifies: shortfalls.is_empty(),
                shortfalls,
            });
        }
        out.sort_by_key(|l| (!l.qualifies, l.rank));
        Ok(out)
    }

    /// Sign the list off (national admin): the results must be published and the rule set.
    /// From then on the rule and the list never change.
    pub async fn sign_incentives(&self, actor: &Actor, cycle_id: i64) -> Result<IncentiveView> {
        actor.require(actor.is_national())?;
        let now = self.now();
        let view = self.incentives(Some(actor), cycle_id).await?;
        if view.signed_at.is_some() {
            return Err(Error::refused(Refusal::IncentivesSigned));
        }
        let Some(rule) = view.rule.clone() else {
            return Err(Error::field("rule", Invalid::Required));
        };
        let mut tx = self.store.begin().await?;
        let cycle = tx.cycle(cycle_id).await?.ok_or(Error::NotFound)?;
        if cycle.published_at.is_none() {
            return Err(Error::refused(Refusal::CycleNotPublished));
        }
        // The rule must still be the one the list was computed with.
        let current: Option<IncentiveRule> =
            tx.incentive(cycle_id).await?.and_then(|r| serde_json::from_str(&r.rule).ok());
        if current.as_ref() != Some(&rule) {
            return Err(Error::refused(Refusal::IncentivesSigned));
        }
        let list = serde_json::to_string(&view.lines).map_err(|e| Error::Internal(e.to_string()))?;
        if !tx.sign_incentives(cycle_id, &list, actor.audit_id(), now).await? {
            return Err(Error::refused(Refusal::IncentivesSigned));
        }
        audit::record(
            &mut tx,
            self,
            actor,
            audit::Change::new(None, "eval_incentive", cycle_id, "sign"),
            None::<&()>,
            Some(&serde_json::json!({"rule": rule, "qualifying": view.qualifying, "listed": view.lines.len()})),
        )
        .await?;
        tx.commit().await?;
        self.incentives(Some(actor), cycle_id).await
    }
}

/// The list as CSV (every line, with its verdict and the figures behind it).
pub fn incentive_csv(v: &IncentiveView) -> String {
    let mut s = crate::csv::Sheet::new(&[
        "tahun",
        "peringkat",
        "kode_wilayah",
        "kabupaten_kota",
        "provinsi",
        "mpp",
        "indeks",
        "predikat",
        "ikm",
        "mutu_ikm",
        "aspek_terendah",
        "nilai_aspek_terendah",
        "memenuhi_syarat",
        "alasan",
    ]);
    for l in &v.lines {
        let why: Vec<String> = l
            .shortfalls
            .iter()
            .map(|f| match f {
                Shortfall::Predicate { needed, got } => format!("predikat {got} < {needed}"),
                Shortfall::IkmGrade { needed, got } => {
                    format!("mutu IKM {} < {needed}", got.map_or("-".to_string(), |g| g.to_string()))
                }
                Shortfall::Aspect { key, needed, got } => format!(
                    "aspek {} {} < {}",
                    v.aspects.iter().find(|a| &a.key == key).map_or(key.as_str(), |a| a.name.as_str()),
                    satuatap_domain::evaluation::format_hundredths(*got, false),
                    satuatap_domain::evaluation::format_hundredths(*needed, false)
                ),
            })
            .collect();
        s.row([
            v.year.to_string(),
            l.rank.to_string(),
            l.regency_code.clone(),
            l.regency_name.clone(),
            l.province_name.clone(),
            l.mpp_name.clone(),
            satuatap_domain::evaluation::format_hundredths(u32::try_from(l.index_hundredths).unwrap_or(0), false),
            l.predicate.clone(),
            l.ikm.clone().unwrap_or_default(),
            l.ikm_grade.clone().unwrap_or_default(),
            l.lowest_aspect.clone().unwrap_or_default(),
            l.lowest_aspect_hundredths
                .map(|h| satuatap_domain::evaluation::format_hundredths(h, false))
                .unwrap_or_default(),
            if l.qualifies { "ya" } else { "tidak" }.to_string(),
            why.join("; "),
        ]);
    }
    s.into_string()
}
