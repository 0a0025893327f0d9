//! The yearly MPP evaluation: instruments (aspects, indicators, rubrics and
//! predicate bands, kept as JSON and edited as a whole).

use chrono::{DateTime, Utc};
use satuatap_domain::evaluation::{AspectDef, Predicate, default_aspects, default_predicates};
use serde::Serialize;

use crate::error::StoreError;
use crate::{Result, Tx, on_conn};

/// The name the seeded default instrument carries.
pub const DEFAULT_INSTRUMENT: &str = "PEKPPP (PermenPANRB 29/2022) — bawaan";

#[derive(Debug, Clone, sqlx::FromRow)]
struct InstrumentRaw {
    id: i64,
    name: String,
    based_on: Option<i64>,
    aspects: String,
    predicates: String,
    frozen: bool,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize)]
pub struct InstrumentRow {
    pub id: i64,
    pub name: String,
    pub based_on: Option<i64>,
    pub aspects: Vec<AspectDef>,
    pub predicates: Vec<Predicate>,
    pub frozen: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl TryFrom<InstrumentRaw> for InstrumentRow {
    type Error = StoreError;
    fn try_from(r: InstrumentRaw) -> std::result::Result<Self, StoreError> {
        let corrupt = |e: serde_json::Error| StoreError::Corrupt(format!("instrument {}: {e}", r.id));
        Ok(InstrumentRow {
            id: r.id,
            aspects: serde_json::from_str(&r.aspects).map_err(corrupt)?,
            predicates: serde_json::from_str(&r.predicates).map_err(corrupt)?,
            name: r.name,
            based_on: r.based_on,
            frozen: r.frozen,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}

fn json<T: Serialize>(v: &T) -> Result<String> {
    serde_json::to_string(v).map_err(|e| StoreError::Corrupt(format!("instrument JSON: {e}")))
}

const SELECT: &str =
    "SELECT id, name, based_on, aspects, predicates, frozen, created_at, updated_at FROM eval_instruments";

impl Tx {
    /// The default instrument, once, on a database that has none (frozen: it is the
    /// reference a ministry clones and adapts).
    pub(crate) async fn seed_instrument(&mut self, now: DateTime<Utc>) -> Result<()> {
        let have: i64 =
            on_conn!(self, |c| sqlx::query_scalar("SELECT COUNT(*) FROM eval_instruments").fetch_one(c).await)?;
        if have == 0 {
            // Kept as published: a cycle uses a copy, cloned and edited.
            let id = self
                .insert_instrument(DEFAULT_INSTRUMENT, None, &default_aspects(), &default_predicates(), now)
                .await?;
            self.freeze_instrument(id, now).await?;
        }
        Ok(())
    }

    pub async fn insert_instrument(
        &mut self,
        name: &str,
        based_on: Option<i64>,
        aspects: &[AspectDef],
        predicates: &[Predicate],
        now: DateTime<Utc>,
    ) -> Result<i64> {
        let (aspects, predicates) = (json(&aspects)?, json(&predicates)?);
        Ok(on_conn!(self, |c| sqlx::query_scalar(
            "INSERT INTO eval_instruments (name, based_on, aspects, predicates, frozen, created_at, updated_at)
             VALUES ($1, $2, $3, $4, FALSE, $5, $5) RETURNING id"
        )
        .bind(name)
        .bind(based_on)
        .bind(&aspects)
        .bind(&predicates)
        .bind(now)
        .fetch_one(c)
        .await)?)
    }

    pub async fn instruments(&mut self) -> Result<Vec<InstrumentRow>> {
        let sql = sqlx::AssertSqlSafe(format!("{SELECT} ORDER BY id"));
        let rows: Vec<InstrumentRaw> = on_conn!(self, |c| sqlx::query_as(sql).fetch_all(c).await)?;
        rows.into_iter().map(InstrumentRow::try_from).collect()
    }

    pub async fn instrument(&mut self, id: i64) -> Result<Option<InstrumentRow>> {
        let sql = sqlx::AssertSqlSafe(format!("{SELECT} WHERE id = $1"));
        let row: Option<InstrumentRaw> = on_conn!(self, |c| sqlx::query_as(sql).bind(id).fetch_optional(c).await)?;
        row.map(InstrumentRow::try_from).transpose()
    }

    /// Replace an instrument's content, only while it is not frozen; false when it is
    /// (or is gone), so an edit racing the opening of a cycle never lands.
    pub async fn update_instrument(
        &mut self,
        id: i64,
        name: &str,
        aspects: &[AspectDef],
        predicates: &[Predicate],
        now: DateTime<Utc>,
    ) -> Result<bool> {
        let (aspects, predicates) = (json(&aspects)?, json(&predicates)?);
        let n = on_conn!(self, |c| sqlx::query(
            "UPDATE eval_instruments SET name = $2, aspects = $3, predicates = $4, updated_at = $5
             WHERE id = $1 AND NOT frozen"
        )
        .bind(id)
        .bind(name)
        .bind(&aspects)
        .bind(&predicates)
        .bind(now)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    /// Freeze an instrument (a cycle opens with it); true when this call froze it.
    pub async fn freeze_instrument(&mut self, id: i64, now: DateTime<Utc>) -> Result<bool> {
        let n = on_conn!(self, |c| sqlx::query(
            "UPDATE eval_instruments SET frozen = TRUE, updated_at = $2 WHERE id = $1 AND NOT frozen"
        )
        .bind(id)
        .bind(now)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }
}

// --- cycles, assessments, scores --------------------------------------------------------------

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct CycleRow {
    pub id: i64,
    pub year: i64,
    pub instrument_id: i64,
    pub self_deadline: chrono::NaiveDate,
    pub verify_deadline: chrono::NaiveDate,
    pub opened_at: DateTime<Utc>,
    pub published_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct AssessmentRow {
    pub id: i64,
    pub cycle_id: i64,
    pub year: i64,
    pub mpp_id: i64,
    pub mpp_name: String,
    pub regency_code: String,
    pub province_code: String,
    pub evaluator_id: Option<i64>,
    pub evaluator_name: Option<String>,
    pub status: String,
    pub returns: i64,
    pub return_note: Option<String>,
    pub return_keys: Option<String>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub late: bool,
    pub finalised_at: Option<DateTime<Utc>>,
    pub index_hundredths: Option<i64>,
    pub predicate: Option<String>,
    /// The platform's figures at finalisation (JSON).
    pub objective: Option<String>,
    pub updated_at: DateTime<Utc>,
}

/// Whose score: the MPP's self-assessment or the evaluator's verification.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScoreSide {
    Mpp,
    Evaluator,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct ScoreRow {
    pub indicator_key: String,
    pub self_score: Option<i64>,
    pub narrative: Option<String>,
    pub accepted_score: Option<i64>,
    pub note: Option<String>,
}

const ASSESSMENT_SELECT: &str = "SELECT a.id, a.cycle_id, c.year, a.mpp_id, m.name AS mpp_name,
        m.regency_code, r.province_code, a.evaluator_id, u.name AS evaluator_name, a.status, a.returns,
        a.return_note, a.return_keys, a.submitted_at, a.late, a.finalised_at, a.index_hundredths, a.predicate,
        a.objective, a.updated_at
    FROM eval_assessments a JOIN eval_cycles c ON c.id = a.cycle_id JOIN mpps m ON m.id = a.mpp_id
    JOIN regencies r ON r.code = m.regency_code LEFT JOIN users u ON u.id = a.evaluator_id";

impl Tx {
    pub async fn insert_cycle(
        &mut self,
        year: i64,
        instrument_id: i64,
        self_deadline: chrono::NaiveDate,
        verify_deadline: chrono::NaiveDate,
        by: Option<i64>,
        now: DateTime<Utc>,
    ) -> Result<i64> {
        Ok(on_conn!(self, |c| sqlx::query_scalar(
            "INSERT INTO eval_cycles (year, instrument_id, self_deadline, verify_deadline, opened_by, opened_at)
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id"
        )
        .bind(year)
        .bind(instrument_id)
        .bind(self_deadline)
        .bind(verify_deadline)
        .bind(by)
        .bind(now)
        .fetch_one(c)
        .await)?)
    }

    pub async fn cycles(&mut self) -> Result<Vec<CycleRow>> {
        Ok(on_conn!(self, |c| {
            sqlx::query_as(
            "SELECT id, year, instrument_id, self_deadline, verify_deadline, opened_at, published_at FROM eval_cycles ORDER BY year DESC"
        )
        .fetch_all(c)
        .await
        })?)
    }

    pub async fn cycle(&mut self, id: i64) -> Result<Option<CycleRow>> {
        Ok(on_conn!(self, |c| {
            sqlx::query_as(
            "SELECT id, year, instrument_id, self_deadline, verify_deadline, opened_at, published_at FROM eval_cycles WHERE id = $1"
        )
        .bind(id)
        .fetch_optional(c)
        .await
        })?)
    }

    pub async fn insert_assessment(&mut self, cycle_id: i64, mpp_id: i64, now: DateTime<Utc>) -> Result<i64> {
        Ok(on_conn!(self, |c| {
            sqlx::query_scalar(
            "INSERT INTO eval_assessments (cycle_id, mpp_id, status, updated_at) VALUES ($1, $2, 'draft', $3) RETURNING id"
        )
        .bind(cycle_id)
        .bind(mpp_id)
        .bind(now)
        .fetch_one(c)
        .await
        })?)
    }

    pub async fn assessments(&mut self, cycle_id: i64) -> Result<Vec<AssessmentRow>> {
        let sql = sqlx::AssertSqlSafe(format!("{ASSESSMENT_SELECT} WHERE a.cycle_id = $1 ORDER BY m.name"));
        Ok(on_conn!(self, |c| sqlx::query_as(sql).bind(cycle_id).fetch_all(c).await)?)
    }

    pub async fn assessment(&mut self, id: i64) -> Result<Option<AssessmentRow>> {
        let sql = sqlx::AssertSqlSafe(format!("{ASSESSMENT_SELECT} WHERE a.id = $1"));
        Ok(on_conn!(self, |c| sqlx::query_as(sql).bind(id).fetch_optional(c).await)?)
    }

    pub async fn set_assessment_evaluator(&mut self, id: i64, evaluator: i64, now: DateTime<Utc>) -> Result<bool> {
        let n = on_conn!(self, |c| sqlx::query(
            "UPDATE eval_assessments SET evaluator_id = $2, updated_at = $3 WHERE id = $1 AND status <> 'finalised'"
        )
        .bind(id)
        .bind(evaluator)
        .bind(now)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    pub async fn scores(&mut self, assessment_id: i64) -> Result<Vec<ScoreRow>> {
        Ok(on_conn!(self, |c| sqlx::query_as(
            "SELECT indicator_key, self_score, narrative, accepted_score, note FROM eval_scores
             WHERE assessment_id = $1 ORDER BY indicator_key"
        )
        .bind(assessment_id)
        .fetch_all(c)
        .await)?)
    }

    /// One indicator's score and text on one side: the manager's (score, narrative)
    /// or the evaluator's (accepted score, note).
    pub async fn put_score(
        &mut self,
        assessment_id: i64,
        side: ScoreSide,
        key: &str,
        score: Option<i64>,
        text: Option<&str>,
    ) -> Result<()> {
        let (sc, tx) = match side {
            ScoreSide::Mpp => ("self_score", "narrative"),
            ScoreSide::Evaluator => ("accepted_score", "note"),
        };
        let sql = sqlx::AssertSqlSafe(format!(
            "INSERT INTO eval_scores (assessment_id, indicator_key, {sc}, {tx}) VALUES ($1, $2, $3, $4)
             ON CONFLICT (assessment_id, indicator_key) DO UPDATE SET {sc} = $3, {tx} = $4"
        ));
        on_conn!(self, |c| sqlx::query(sql)
            .bind(assessment_id)
            .bind(key)
            .bind(score)
            .bind(text)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// Touch an assessment only while it is in one of `from` (the state the actor
    /// saw), so a step that raced another is refused, not applied twice.
    pub async fn touch_assessment(&mut self, id: i64, from: &[&str], now: DateTime<Utc>) -> Result<bool> {
        let list = from.iter().map(|s| format!("'{s}'")).collect::<Vec<_>>().join(", ");
        let sql = sqlx::AssertSqlSafe(format!(
            "UPDATE eval_assessments SET updated_at = $2 WHERE id = $1 AND status IN ({list})"
        ));
        let n = on_conn!(self, |c| sqlx::query(sql).bind(id).bind(now).execute(c).await.map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    pub async fn submit_assessment(&mut self, id: i64, late: bool, now: DateTime<Utc>) -> Result<bool> {
        let n = on_conn!(self, |c| sqlx::query(
            "UPDATE eval_assessments SET status = 'submitted', submitted_at = $2, late = $3, updated_at = $2
             WHERE id = $1 AND status IN ('draft', 'returned')"
        )
        .bind(id)
        .bind(now)
        .bind(late)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    /// Back to the MPP for the indicators named, once.
    pub async fn return_assessment(&mut self, id: i64, note: &str, keys: &str, now: DateTime<Utc>) -> Result<bool> {
        let n = on_conn!(self, |c| {
            sqlx::query(
            "UPDATE eval_assessments SET status = 'returned', returns = returns + 1, return_note = $2, return_keys = $3,
                updated_at = $4
             WHERE id = $1 AND status = 'submitted' AND returns = 0"
        )
        .bind(id)
        .bind(note)
        .bind(keys)
        .bind(now)
        .execute(c)
        .await
        .map(|r| r.rows_affected())
        })?;
        Ok(n == 1)
    }

    pub async fn finalise_assessment(
        &mut self,
        id: i64,
        index_hundredths: i64,
        predicate: &str,
        objective: &str,
        by: Option<i64>,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        let n = on_conn!(self, |c| {
            sqlx::query(
            "UPDATE eval_assessments SET status = 'finalised', index_hundredths = $2, predicate = $3, finalised_by = $4,
                finalised_at = $5, updated_at = $5, objective = $6
             WHERE id = $1 AND status = 'submitted'"
        )
        .bind(id)
        .bind(index_hundredths)
        .bind(predicate)
        .bind(by)
        .bind(now)
        .bind(objective)
        .execute(c)
        .await
        .map(|r| r.rows_affected())
        })?;
        Ok(n == 1)
    }
}

impl Tx {
    /// Assessments of one MPP, or assigned to one evaluator, newest cycle first.
    pub async fn assessments_of(
        &mut self,
        mpp_id: Option<i64>,
        evaluator_id: Option<i64>,
    ) -> Result<Vec<AssessmentRow>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "{ASSESSMENT_SELECT} WHERE ($1 IS NULL OR a.mpp_id = $1) AND ($2 IS NULL OR a.evaluator_id = $2)
             ORDER BY c.year DESC, m.name"
        ));
        Ok(on_conn!(self, |c| sqlx::query_as(sql).bind(mpp_id).bind(evaluator_id).fetch_all(c).await)?)
    }
}

// --- evidence, publication, incentives ---------------------------------------------------------

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct EvidenceMeta {
    pub id: i64,
    pub indicator_key: String,
    pub filename: String,
    pub content_type: String,
    pub size: i64,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct EvidenceData {
    pub id: i64,
    pub assessment_id: i64,
    pub indicator_key: String,
    pub filename: String,
    pub content_type: String,
    pub data: Vec<u8>,
}

/// A file to keep as evidence (already checked by the service).
pub struct NewEvidence<'a> {
    pub assessment_id: i64,
    pub indicator_key: &'a str,
    pub filename: &'a str,
    pub content_type: &'a str,
    pub sha256: &'a str,
    pub data: &'a [u8],
    pub by: Option<i64>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct IncentiveRow {
    pub cycle_id: i64,
    pub rule: String,
    pub signed_list: Option<String>,
    pub signed_at: Option<DateTime<Utc>>,
    pub signed_by: Option<i64>,
    pub signer_name: Option<String>,
    pub updated_at: DateTime<Utc>,
}

impl Tx {
    pub async fn insert_evidence(&mut self, e: &NewEvidence<'_>, now: DateTime<Utc>) -> Result<i64> {
        Ok(on_conn!(self, |c| sqlx::query_scalar(
            "INSERT INTO eval_evidence (assessment_id, indicator_key, filename, content_type, size, sha256, data,
                uploaded_by, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id"
        )
        .bind(e.assessment_id)
        .bind(e.indicator_key)
        .bind(e.filename)
        .bind(e.content_type)
        .bind(e.data.len() as i64)
        .bind(e.sha256)
        .bind(e.data)
        .bind(e.by)
        .bind(now)
        .fetch_one(c)
        .await)?)
    }

    /// An assessment's evidence files (without their bytes), by indicator, oldest first.
    pub async fn evidence_of(&mut self, assessment_id: i64) -> Result<Vec<EvidenceMeta>> {
        Ok(on_conn!(self, |c| sqlx::query_as(
            "SELECT id, indicator_key, filename, content_type, size, created_at FROM eval_evidence
             WHERE assessment_id = $1 ORDER BY indicator_key, id"
        )
        .bind(assessment_id)
        .fetch_all(c)
        .await)?)
    }

    pub async fn evidence(&mut self, id: i64) -> Result<Option<EvidenceData>> {
        Ok(on_conn!(self, |c| sqlx::query_as(
            "SELECT id, assessment_id, indicator_key, filename, content_type, data FROM eval_evidence WHERE id = $1"
        )
        .bind(id)
        .fetch_optional(c)
        .await)?)
    }

    pub async fn delete_evidence(&mut self, id: i64, assessment_id: i64) -> Result<bool> {
        let n = on_conn!(self, |c| sqlx::query("DELETE FROM eval_evidence WHERE id = $1 AND assessment_id = $2")
            .bind(id)
            .bind(assessment_id)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    /// Drop the evaluation's queued messages (the demo's made-up past is no news to send).
    pub async fn discard_evaluation_messages(&mut self) -> Result<u64> {
        Ok(on_conn!(self, |c| sqlx::query("DELETE FROM outbox WHERE kind LIKE 'eval\\_%' ESCAPE '\\'")
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?)
    }

    /// Publish a cycle's results, once.
    pub async fn publish_cycle(&mut self, id: i64, by: Option<i64>, now: DateTime<Utc>) -> Result<bool> {
        let n = on_conn!(self, |c| sqlx::query(
            "UPDATE eval_cycles SET published_at = $2, published_by = $3 WHERE id = $1 AND published_at IS NULL"
        )
        .bind(id)
        .bind(now)
        .bind(by)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    pub async fn incentive(&mut self, cycle_id: i64) -> Result<Option<IncentiveRow>> {
        Ok(on_conn!(self, |c| sqlx::query_as(
            "SELECT i.cycle_id, i.rule, i.signed_list, i.signed_at, i.signed_by, u.name AS signer_name, i.updated_at
             FROM eval_incentives i LEFT JOIN users u ON u.id = i.signed_by WHERE i.cycle_id = $1"
        )
        .bind(cycle_id)
        .fetch_optional(c)
        .await)?)
    }

    /// Set a cycle's incentive rule while its list is not signed off.
    pub async fn put_incentive_rule(&mut self, cycle_id: i64, rule: &str, now: DateTime<Utc>) -> Result<bool> {
        let n = on_conn!(self, |c| sqlx::query(
            "INSERT INTO eval_incentives (cycle_id, rule, updated_at) VALUES ($1, $2, $3)
             ON CONFLICT (cycle_id) DO UPDATE SET rule = $2, updated_at = $3 WHERE eval_incentives.signed_at IS NULL"
        )
        .bind(cycle_id)
        .bind(rule)
        .bind(now)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    /// Sign the list off, once: from then on neither the rule nor the list changes.
    pub async fn sign_incentives(
        &mut self,
        cycle_id: i64,
        list: &str,
        by: Option<i64>,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        let n = on_conn!(self, |c| sqlx::query(
            "UPDATE eval_incentives SET signed_list = $2, signed_by = $3, signed_at = $4, updated_at = $4
             WHERE cycle_id = $1 AND signed_at IS NULL"
        )
        .bind(cycle_id)
        .bind(list)
        .bind(by)
        .bind(now)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }
}
