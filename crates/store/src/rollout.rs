//! The rollout register: MPP locations of every regency, their dated stages,
//! the ministry's yearly targets, the national totals as reported, and the
//! changes MPP managers propose.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use crate::{Result, Tx, on_conn};

/// A location's area is a regency or, for a province-level MPP, a province.
const LOCATION_SELECT: &str = "SELECT l.id, l.regency_code, COALESCE(r.name, p.name, l.regency_code) AS regency_name,
        COALESCE(r.province_code, l.regency_code) AS province_code, l.name, l.role,
        l.mpp_id, m.slug AS mpp_slug, l.district_code, l.address, l.latitude, l.longitude, l.building, l.floor_area_m2,
        l.funding, l.funding_note, l.providers, l.services, l.digital, l.note, l.created_at, l.updated_at
    FROM rollout_locations l LEFT JOIN regencies r ON r.code = l.regency_code
    LEFT JOIN provinces p ON p.code = l.regency_code LEFT JOIN mpps m ON m.id = l.mpp_id";

const EVENT_SELECT: &str =
    "SELECT e.id, e.location_id, l.regency_code, e.stage, e.date, e.date_precision, e.target_year,
        e.note, e.source_url, e.created_at
    FROM rollout_events e JOIN rollout_locations l ON l.id = e.location_id";

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct LocationRow {
    pub id: i64,
    pub regency_code: String,
    pub regency_name: String,
    pub province_code: String,
    pub name: String,
    pub role: String,
    pub mpp_id: Option<i64>,
    pub mpp_slug: Option<String>,
    pub district_code: Option<String>,
    pub address: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub building: Option<String>,
    pub floor_area_m2: Option<i64>,
    pub funding: Option<String>,
    pub funding_note: Option<String>,
    pub providers: Option<i64>,
    pub services: Option<i64>,
    pub digital: bool,
    pub note: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A location's facts as written (checked by the service).
#[derive(Debug, Clone, Default, Serialize)]
pub struct LocationData {
    pub regency_code: String,
    pub name: String,
    pub role: String,
    pub mpp_id: Option<i64>,
    pub district_code: Option<String>,
    pub address: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub building: Option<String>,
    pub floor_area_m2: Option<i64>,
    pub funding: Option<String>,
    pub funding_note: Option<String>,
    pub providers: Option<i64>,
    pub services: Option<i64>,
    pub digital: bool,
    pub note: Option<String>,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct EventRow {
    pub id: i64,
    pub location_id: i64,
    pub regency_code: String,
    pub stage: String,
    pub date: NaiveDate,
    pub date_precision: String,
    pub target_year: Option<i64>,
    pub note: Option<String>,
    pub source_url: Option<String>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize)]
pub struct EventData {
    pub location_id: i64,
    pub stage: String,
    pub date: NaiveDate,
    pub date_precision: String,
    pub target_year: Option<i64>,
    pub note: Option<String>,
    pub source_url: Option<String>,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct TargetRow {
    pub year: i64,
    pub regencies: i64,
    pub note: Option<String>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct ReportedRow {
    pub id: i64,
    pub date: NaiveDate,
    pub total: Option<i64>,
    pub in_batch: Option<i64>,
    pub source_url: Option<String>,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct ProposalRow {
    pub id: i64,
    pub regency_code: String,
    pub regency_name: String,
    pub location_id: Option<i64>,
    pub kind: String,
    pub payload: String,
    pub status: String,
    pub note: Option<String>,
    pub proposed_by: i64,
    pub proposer_name: String,
    pub decided_by: Option<i64>,
    pub decided_at: Option<DateTime<Utc>>,
    pub decision_note: Option<String>,
    pub created_at: DateTime<Utc>,
}

const PROPOSAL_SELECT: &str = "SELECT p.id, p.regency_code, COALESCE(r.name, v.name, p.regency_code) AS regency_name,
        p.location_id, p.kind, p.payload, p.status, p.note, p.proposed_by, u.name AS proposer_name, p.decided_by,
        p.decided_at, p.decision_note, p.created_at
    FROM rollout_proposals p LEFT JOIN regencies r ON r.code = p.regency_code
    LEFT JOIN provinces v ON v.code = p.regency_code JOIN users u ON u.id = p.proposed_by";

impl Tx {
    /// Every location, or one regency's.
    pub async fn rollout_locations(&mut self, regency: Option<&str>) -> Result<Vec<LocationRow>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "{LOCATION_SELECT} WHERE ($1 IS NULL OR l.regency_code = $1) ORDER BY l.regency_code, l.role DESC, l.id"
        ));
        Ok(on_conn!(self, |c| sqlx::query_as(sql).bind(regency).fetch_all(c).await)?)
    }

    pub async fn rollout_location(&mut self, id: i64) -> Result<Option<LocationRow>> {
        let sql = sqlx::AssertSqlSafe(format!("{LOCATION_SELECT} WHERE l.id = $1"));
        Ok(on_conn!(self, |c| sqlx::query_as(sql).bind(id).fetch_optional(c).await)?)
    }

    pub async fn rollout_location_by_name(&mut self, regency: &str, name: &str) -> Result<Option<LocationRow>> {
        let sql = sqlx::AssertSqlSafe(format!("{LOCATION_SELECT} WHERE l.regency_code = $1 AND l.name = $2"));
        Ok(on_conn!(self, |c| sqlx::query_as(sql).bind(regency).bind(name).fetch_optional(c).await)?)
    }

    pub async fn insert_rollout_location(&mut self, d: &LocationData, now: DateTime<Utc>) -> Result<i64> {
        Ok(on_conn!(self, |c| {
            sqlx::query_scalar(
            "INSERT INTO rollout_locations (regency_code, name, role, mpp_id, district_code, address, latitude, longitude,
                building, floor_area_m2, funding, funding_note, providers, services, digital, note, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $17) RETURNING id"
        )
        .bind(&d.regency_code)
        .bind(&d.name)
        .bind(&d.role)
        .bind(d.mpp_id)
        .bind(&d.district_code)
        .bind(&d.address)
        .bind(d.latitude)
        .bind(d.longitude)
        .bind(&d.building)
        .bind(d.floor_area_m2)
        .bind(&d.funding)
        .bind(&d.funding_note)
        .bind(d.providers)
        .bind(d.services)
        .bind(d.digital)
        .bind(&d.note)
        .bind(now)
        .fetch_one(c)
        .await
        })?)
    }

    pub async fn update_rollout_location(&mut self, id: i64, d: &LocationData, now: DateTime<Utc>) -> Result<bool> {
        let n = on_conn!(self, |c| sqlx::query(
            "UPDATE rollout_locations SET name = $2, role = $3, mpp_id = $4, district_code = $5, address = $6,
                latitude = $7, longitude = $8, building = $9, floor_area_m2 = $10, funding = $11, funding_note = $12,
                providers = $13, services = $14, digital = $15, note = $16, updated_at = $17
             WHERE id = $1"
        )
        .bind(id)
        .bind(&d.name)
        .bind(&d.role)
        .bind(d.mpp_id)
        .bind(&d.district_code)
        .bind(&d.address)
        .bind(d.latitude)
        .bind(d.longitude)
        .bind(&d.building)
        .bind(d.floor_area_m2)
        .bind(&d.funding)
        .bind(&d.funding_note)
        .bind(d.providers)
        .bind(d.services)
        .bind(d.digital)
        .bind(&d.note)
        .bind(now)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    /// Every event, or one regency's, oldest first.
    pub async fn rollout_events(&mut self, regency: Option<&str>) -> Result<Vec<EventRow>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "{EVENT_SELECT} WHERE ($1 IS NULL OR l.regency_code = $1) ORDER BY e.date, e.id"
        ));
        Ok(on_conn!(self, |c| sqlx::query_as(sql).bind(regency).fetch_all(c).await)?)
    }

    pub async fn rollout_event(&mut self, id: i64) -> Result<Option<EventRow>> {
        let sql = sqlx::AssertSqlSafe(format!("{EVENT_SELECT} WHERE e.id = $1"));
        Ok(on_conn!(self, |c| sqlx::query_as(sql).bind(id).fetch_optional(c).await)?)
    }

    pub async fn insert_rollout_event(&mut self, e: &EventData, by: Option<i64>, now: DateTime<Utc>) -> Result<i64> {
        Ok(on_conn!(self, |c| sqlx::query_scalar(
            "INSERT INTO rollout_events (location_id, stage, date, date_precision, target_year, note, source_url,
                created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id"
        )
        .bind(e.location_id)
        .bind(&e.stage)
        .bind(e.date)
        .bind(&e.date_precision)
        .bind(e.target_year)
        .bind(&e.note)
        .bind(&e.source_url)
        .bind(by)
        .bind(now)
        .fetch_one(c)
        .await)?)
    }

    pub async fn delete_rollout_event(&mut self, id: i64) -> Result<bool> {
        let n = on_conn!(self, |c| sqlx::query("DELETE FROM rollout_events WHERE id = $1")
            .bind(id)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    pub async fn rollout_targets(&mut self) -> Result<Vec<TargetRow>> {
        Ok(on_conn!(self, |c| sqlx::query_as(
            "SELECT year, regencies, note, updated_at FROM rollout_targets ORDER BY year"
        )
        .fetch_all(c)
        .await)?)
    }

    pub async fn set_rollout_target(
        &mut self,
        year: i64,
        regencies: i64,
        note: Option<&str>,
        by: Option<i64>,
        now: DateTime<Utc>,
    ) -> Result<()> {
        on_conn!(self, |c| sqlx::query(
            "INSERT INTO rollout_targets (year, regencies, note, updated_by, updated_at) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (year) DO UPDATE SET regencies = $2, note = $3, updated_by = $4, updated_at = $5"
        )
        .bind(year)
        .bind(regencies)
        .bind(note)
        .bind(by)
        .bind(now)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(())
    }

    pub async fn rollout_reported(&mut self) -> Result<Vec<ReportedRow>> {
        Ok(on_conn!(self, |c| sqlx::query_as(
            "SELECT id, date, total, in_batch, source_url FROM rollout_reported ORDER BY date, id"
        )
        .fetch_all(c)
        .await)?)
    }

    pub async fn insert_rollout_reported(
        &mut self,
        date: NaiveDate,
        total: Option<i64>,
        in_batch: Option<i64>,
        source_url: Option<&str>,
    ) -> Result<()> {
        on_conn!(self, |c| sqlx::query(
            "INSERT INTO rollout_reported (date, total, in_batch, source_url) VALUES ($1, $2, $3, $4)"
        )
        .bind(date)
        .bind(total)
        .bind(in_batch)
        .bind(source_url)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(())
    }

    pub async fn rollout_proposals(&mut self, status: Option<&str>, regency: Option<&str>) -> Result<Vec<ProposalRow>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "{PROPOSAL_SELECT} WHERE ($1 IS NULL OR p.status = $1) AND ($2 IS NULL OR p.regency_code = $2)
             ORDER BY p.id DESC LIMIT 500"
        ));
        Ok(on_conn!(self, |c| sqlx::query_as(sql).bind(status).bind(regency).fetch_all(c).await)?)
    }

    pub async fn rollout_proposal(&mut self, id: i64) -> Result<Option<ProposalRow>> {
        let sql = sqlx::AssertSqlSafe(format!("{PROPOSAL_SELECT} WHERE p.id = $1"));
        Ok(on_conn!(self, |c| sqlx::query_as(sql).bind(id).fetch_optional(c).await)?)
    }

    #[allow(clippy::too_many_arguments)]
    pub async fn insert_rollout_proposal(
        &mut self,
        regency: &str,
        location_id: Option<i64>,
        kind: &str,
        payload: &str,
        note: Option<&str>,
        by: i64,
        now: DateTime<Utc>,
    ) -> Result<i64> {
        Ok(on_conn!(self, |c| {
            sqlx::query_scalar(
            "INSERT INTO rollout_proposals (regency_code, location_id, kind, payload, status, note, proposed_by, created_at)
             VALUES ($1, $2, $3, $4, 'pending', $5, $6, $7) RETURNING id"
        )
        .bind(regency)
        .bind(location_id)
        .bind(kind)
        .bind(payload)
        .bind(note)
        .bind(by)
        .bind(now)
        .fetch_one(c)
        .await
        })?)
    }

    /// Decide a pending proposal: one conditional update, so it is decided once.
    pub async fn decide_rollout_proposal(
        &mut self,
        id: i64,
        status: &str,
        by: i64,
        note: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        let n = on_conn!(self, |c| sqlx::query(
            "UPDATE rollout_proposals SET status = $2, decided_by = $3, decision_note = $4, decided_at = $5
             WHERE id = $1 AND status = 'pending'"
        )
        .bind(id)
        .bind(status)
        .bind(by)
        .bind(note)
        .bind(now)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    /// Remove the whole register (before an import that replaces it).
    pub async fn clear_rollout(&mut self) -> Result<()> {
        for sql in ["DELETE FROM rollout_proposals", "DELETE FROM rollout_events", "DELETE FROM rollout_locations"] {
            on_conn!(self, |c| sqlx::query(sql).execute(c).await.map(|r| r.rows_affected()))?;
        }
        Ok(())
    }
}
