//! Applications (berkas) and their timeline.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::{Result, Tx, on_conn};

const SELECT: &str = "SELECT a.id, a.mpp_id, m.name AS mpp_name, a.provider_id, p.name AS provider_name, a.service_id,
        s.name AS service_name, s.name_en AS service_name_en, a.code_hash, a.code_sealed, a.ticket_id, a.booking_id,
        a.applicant_name_sealed, a.applicant_name_masked, a.email_sealed, a.email_masked, a.phone_sealed,
        a.phone_masked, a.requirements, a.step, a.resume_step, a.duration_value, a.duration_unit, a.clock_from,
        a.paused_at, a.paused_days, a.paused_seconds, a.due_at, a.completion_due_at, a.finished_at, a.survey_code,
        a.escalated_at, a.pickup_ticket_id, a.created_by, a.created_at, a.updated_at, s.app_steps
    FROM applications a
    JOIN mpps m ON m.id = a.mpp_id
    JOIN providers p ON p.id = a.provider_id
    JOIN services s ON s.id = a.service_id";

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct ApplicationRow {
    pub id: i64,
    pub mpp_id: i64,
    pub mpp_name: String,
    pub provider_id: i64,
    pub provider_name: String,
    pub service_id: i64,
    pub service_name: String,
    pub service_name_en: Option<String>,
    #[serde(skip)]
    pub code_hash: String,
    #[serde(skip)]
    pub code_sealed: String,
    pub ticket_id: Option<i64>,
    pub booking_id: Option<i64>,
    #[serde(skip)]
    pub applicant_name_sealed: String,
    pub applicant_name_masked: String,
    #[serde(skip)]
    pub email_sealed: Option<String>,
    pub email_masked: Option<String>,
    #[serde(skip)]
    pub phone_sealed: Option<String>,
    pub phone_masked: Option<String>,
    pub requirements: String,
    pub step: String,
    pub resume_step: Option<String>,
    pub duration_value: Option<i64>,
    pub duration_unit: Option<String>,
    pub clock_from: Option<DateTime<Utc>>,
    pub paused_at: Option<DateTime<Utc>>,
    pub paused_days: i64,
    pub paused_seconds: i64,
    pub due_at: Option<DateTime<Utc>>,
    pub completion_due_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
    pub survey_code: Option<String>,
    pub escalated_at: Option<DateTime<Utc>>,
    pub pickup_ticket_id: Option<i64>,
    pub created_by: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The service's own middle steps (JSON), if its provider set them.
    pub app_steps: Option<String>,
}

/// A new file, its personal data already sealed and masked.
#[derive(Debug, Clone)]
pub struct NewApplication {
    pub mpp_id: i64,
    pub provider_id: i64,
    pub service_id: i64,
    pub code_hash: String,
    pub code_sealed: String,
    pub ticket_id: Option<i64>,
    pub booking_id: Option<i64>,
    pub applicant_name_sealed: String,
    pub applicant_name_masked: String,
    pub email_sealed: Option<String>,
    pub email_masked: Option<String>,
    pub phone_sealed: Option<String>,
    pub phone_masked: Option<String>,
    pub requirements: String,
    pub step: String,
    pub duration_value: Option<i64>,
    pub duration_unit: Option<String>,
    pub clock_from: Option<DateTime<Utc>>,
    pub due_at: Option<DateTime<Utc>>,
    pub completion_due_at: Option<DateTime<Utc>>,
    pub created_by: Option<i64>,
}

/// What a step leaves a file as; written only if the file is still at `from`.
#[derive(Debug, Clone)]
pub struct ApplicationMove {
    pub id: i64,
    pub from: String,
    pub step: String,
    pub resume_step: Option<String>,
    pub requirements: String,
    pub clock_from: Option<DateTime<Utc>>,
    pub paused_at: Option<DateTime<Utc>>,
    pub paused_days: i64,
    pub paused_seconds: i64,
    pub due_at: Option<DateTime<Utc>>,
    pub completion_due_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
    pub survey_code: Option<String>,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct ApplicationEventRow {
    pub id: i64,
    pub application_id: i64,
    pub at: DateTime<Utc>,
    pub actor_user_id: Option<i64>,
    pub actor_name: Option<String>,
    pub action: String,
    pub from_step: Option<String>,
    pub to_step: Option<String>,
    pub note: Option<String>,
}

/// Which files a worklist shows.
#[derive(Debug, Clone, Default)]
pub struct ApplicationFilter {
    pub mpp_id: Option<i64>,
    pub provider_id: Option<i64>,
    pub service_id: Option<i64>,
    /// `open` (not finished), `ready` (waiting for pickup), `done` (finished), or all.
    pub state: Option<String>,
    pub limit: i64,
}

impl Tx {
    pub async fn insert_application(&mut self, n: &NewApplication, now: DateTime<Utc>) -> Result<i64> {
        Ok(on_conn!(self, |c| {
            sqlx::query_scalar(
                "INSERT INTO applications (mpp_id, provider_id, service_id, code_hash, code_sealed, ticket_id, booking_id,
                applicant_name_sealed, applicant_name_masked, email_sealed, email_masked, phone_sealed, phone_masked,
                requirements, step, duration_value, duration_unit, clock_from, due_at, completion_due_at, created_by,
                paused_at, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21,
                NULL, $22, $22)
             RETURNING id",
            )
            .bind(n.mpp_id)
            .bind(n.provider_id)
            .bind(n.service_id)
            .bind(&n.code_hash)
            .bind(&n.code_sealed)
            .bind(n.ticket_id)
            .bind(n.booking_id)
            .bind(&n.applicant_name_sealed)
            .bind(&n.applicant_name_masked)
            .bind(&n.email_sealed)
            .bind(&n.email_masked)
            .bind(&n.phone_sealed)
            .bind(&n.phone_masked)
            .bind(&n.requirements)
            .bind(&n.step)
            .bind(n.duration_value)
            .bind(&n.duration_unit)
            .bind(n.clock_from)
            .bind(n.due_at)
            .bind(n.completion_due_at)
            .bind(n.created_by)
            .bind(now)
            .fetch_one(c)
            .await
        })?)
    }

    pub async fn application(&mut self, id: i64) -> Result<Option<ApplicationRow>> {
        let sql = sqlx::AssertSqlSafe(format!("{SELECT} WHERE a.id = $1"));
        Ok(on_conn!(self, |c| sqlx::query_as(sql).bind(id).fetch_optional(c).await)?)
    }

    pub async fn application_by_code_hash(&mut self, hash: &str) -> Result<Option<ApplicationRow>> {
        let sql = sqlx::AssertSqlSafe(format!("{SELECT} WHERE a.code_hash = $1"));
        Ok(on_conn!(self, |c| sqlx::query_as(sql).bind(hash).fetch_optional(c).await)?)
    }

    /// The worklist: the nearest deadline first (files without one last), then oldest.
    pub async fn applications(&mut self, f: &ApplicationFilter) -> Result<Vec<ApplicationRow>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "{SELECT} WHERE ($1 IS NULL OR a.mpp_id = $1) AND ($2 IS NULL OR a.provider_id = $2)
                AND ($3 IS NULL OR a.service_id = $3)
                AND ($4 IS NULL OR ($4 = 'open' AND a.finished_at IS NULL)
                    OR ($4 = 'ready' AND a.step = 'ready') OR ($4 = 'done' AND a.finished_at IS NOT NULL))
             ORDER BY CASE WHEN a.finished_at IS NULL THEN 0 ELSE 1 END,
                CASE WHEN a.due_at IS NULL THEN 1 ELSE 0 END, a.due_at, a.id LIMIT $5"
        ));
        Ok(on_conn!(self, |c| sqlx::query_as(sql)
            .bind(f.mpp_id)
            .bind(f.provider_id)
            .bind(f.service_id)
            .bind(f.state.as_deref())
            .bind(f.limit)
            .fetch_all(c)
            .await)?)
    }

    /// Move a file on, unless someone moved it first.
    pub async fn move_application(&mut self, m: &ApplicationMove, now: DateTime<Utc>) -> Result<bool> {
        let done = on_conn!(self, |c| {
            sqlx::query(
            "UPDATE applications SET step = $3, resume_step = $4, requirements = $5, clock_from = $6, paused_at = $7,
                paused_days = $8, paused_seconds = $9, due_at = $10, completion_due_at = $11, finished_at = $12,
                survey_code = $13, updated_at = $14,
                escalated_at = CASE WHEN due_at IS NOT DISTINCT FROM $10 THEN escalated_at ELSE NULL END
             WHERE id = $1 AND step = $2"
        )
        .bind(m.id)
        .bind(&m.from)
        .bind(&m.step)
        .bind(&m.resume_step)
        .bind(&m.requirements)
        .bind(m.clock_from)
        .bind(m.paused_at)
        .bind(m.paused_days)
        .bind(m.paused_seconds)
        .bind(m.due_at)
        .bind(m.completion_due_at)
        .bind(m.finished_at)
        .bind(&m.survey_code)
        .bind(now)
        .execute(c)
        .await
        .map(|r| r.rows_affected())
        })?;
        Ok(done == 1)
    }

    #[allow(clippy::too_many_arguments)]
    pub async fn insert_application_event(
        &mut self,
        application_id: i64,
        at: DateTime<Utc>,
        actor_user_id: Option<i64>,
        actor_name: Option<&str>,
        action: &str,
        from_step: Option<&str>,
        to_step: Option<&str>,
        note: Option<&str>,
    ) -> Result<()> {
        on_conn!(self, |c| {
            sqlx::query(
            "INSERT INTO application_events (application_id, at, actor_user_id, actor_name, action, from_step, to_step, note)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
        )
        .bind(application_id)
        .bind(at)
        .bind(actor_user_id)
        .bind(actor_name)
        .bind(action)
        .bind(from_step)
        .bind(to_step)
        .bind(note)
        .execute(c)
        .await
        .map(|_| ())
        })?;
        Ok(())
    }

    pub async fn application_events(&mut self, application_id: i64) -> Result<Vec<ApplicationEventRow>> {
        Ok(on_conn!(self, |c| sqlx::query_as(
            "SELECT id, application_id, at, actor_user_id, actor_name, action, from_step, to_step, note
             FROM application_events WHERE application_id = $1 ORDER BY id"
        )
        .bind(application_id)
        .fetch_all(c)
        .await)?)
    }

    /// Late files not escalated yet for their current deadline.
    pub async fn unescalated_late_applications(
        &mut self,
        now: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<ApplicationRow>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "{SELECT} WHERE a.finished_at IS NULL AND a.paused_at IS NULL AND a.escalated_at IS NULL
                AND a.due_at IS NOT NULL AND a.due_at <= $1 ORDER BY a.id LIMIT $2"
        ));
        Ok(on_conn!(self, |c| sqlx::query_as(sql).bind(now).bind(limit).fetch_all(c).await)?)
    }

    /// Mark a late file escalated, unless another node already did.
    pub async fn mark_application_escalated(&mut self, id: i64, now: DateTime<Utc>) -> Result<bool> {
        let done = on_conn!(self, |c| sqlx::query(
            "UPDATE applications SET escalated_at = $2 WHERE id = $1 AND escalated_at IS NULL"
        )
        .bind(id)
        .bind(now)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(done == 1)
    }

    /// Files of an MPP (or all) whose working-day clock runs: the ones a new or
    /// removed closure recounts.
    pub async fn running_application_clocks(&mut self, mpp_id: Option<i64>) -> Result<Vec<ApplicationRow>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "{SELECT} WHERE ($1 IS NULL OR a.mpp_id = $1) AND a.finished_at IS NULL AND a.paused_at IS NULL
                AND a.clock_from IS NOT NULL AND a.duration_unit IN ('working_days', 'days') ORDER BY a.id"
        ));
        Ok(on_conn!(self, |c| sqlx::query_as(sql).bind(mpp_id).fetch_all(c).await)?)
    }

    /// Set a recounted deadline if the file still has the one it was counted from.
    pub async fn move_application_due(
        &mut self,
        id: i64,
        was: Option<DateTime<Utc>>,
        due: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        let done = on_conn!(self, |c| sqlx::query(
            "UPDATE applications SET due_at = $3, updated_at = $4, escalated_at = NULL
             WHERE id = $1 AND due_at IS NOT DISTINCT FROM $2 AND finished_at IS NULL"
        )
        .bind(id)
        .bind(was)
        .bind(due)
        .bind(now)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(done == 1)
    }

    /// A service's own middle steps (JSON), or NULL for the default path.
    pub async fn set_service_app_steps(&mut self, service_id: i64, steps: Option<&str>) -> Result<()> {
        on_conn!(self, |c| sqlx::query("UPDATE services SET app_steps = $2 WHERE id = $1")
            .bind(service_id)
            .bind(steps)
            .execute(c)
            .await
            .map(|_| ()))?;
        Ok(())
    }

    pub async fn service_app_steps(&mut self, service_id: i64) -> Result<Option<String>> {
        Ok(on_conn!(self, |c| sqlx::query_scalar("SELECT app_steps FROM services WHERE id = $1")
            .bind(service_id)
            .fetch_optional(c)
            .await)?
        .flatten())
    }
}

impl Tx {
    /// Remember the kiosk's pickup ticket, unless another kiosk issued one first.
    pub async fn set_pickup_ticket(&mut self, id: i64, ticket_id: i64, was: Option<i64>) -> Result<bool> {
        let done = on_conn!(self, |c| {
            sqlx::query(
            "UPDATE applications SET pickup_ticket_id = $2 WHERE id = $1 AND pickup_ticket_id IS NOT DISTINCT FROM $3"
        )
        .bind(id)
        .bind(ticket_id)
        .bind(was)
        .execute(c)
        .await
        .map(|r| r.rows_affected())
        })?;
        Ok(done == 1)
    }

    /// The booking a ticket was checked in from, if any.
    pub async fn booking_id_of_ticket(&mut self, ticket_id: i64) -> Result<Option<i64>> {
        Ok(on_conn!(self, |c| sqlx::query_scalar("SELECT id FROM bookings WHERE ticket_id = $1")
            .bind(ticket_id)
            .fetch_optional(c)
            .await)?)
    }
}

impl Tx {
    /// Files of an MPP finished in `[from, to)`: how many, and how many by their deadline.
    pub async fn applications_finished(
        &mut self,
        mpp_id: i64,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<(i64, i64)> {
        Ok(on_conn!(self, |c| sqlx::query_as(
            "SELECT CAST(COUNT(*) AS BIGINT),
                CAST(COALESCE(SUM(CASE WHEN due_at IS NULL OR finished_at <= due_at THEN 1 ELSE 0 END), 0) AS BIGINT)
             FROM applications WHERE mpp_id = $1 AND finished_at >= $2 AND finished_at < $3"
        )
        .bind(mpp_id)
        .bind(from)
        .bind(to)
        .fetch_one(c)
        .await)?)
    }

    /// Files of an MPP not finished yet, and how many of them are late at `now`.
    pub async fn applications_open(&mut self, mpp_id: i64, now: DateTime<Utc>) -> Result<(i64, i64)> {
        Ok(on_conn!(self, |c| sqlx::query_as(
            "SELECT CAST(COUNT(*) AS BIGINT),
                CAST(COALESCE(SUM(CASE WHEN paused_at IS NULL AND due_at <= $2 THEN 1 ELSE 0 END), 0) AS BIGINT)
             FROM applications WHERE mpp_id = $1 AND finished_at IS NULL"
        )
        .bind(mpp_id)
        .bind(now)
        .fetch_one(c)
        .await)?)
    }
}
