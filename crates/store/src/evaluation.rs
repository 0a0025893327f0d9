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
