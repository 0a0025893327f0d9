//! Complaints, their timeline and attachments.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use crate::model::{ComplaintKindCol, ComplaintStatusCol};
use crate::{Result, Tx, on_conn};

const SELECT: &str = "SELECT c.id, c.mpp_id, m.name AS mpp_name, c.provider_id, p.name AS provider_name, c.service_id,
        s.name AS service_name, c.kind, c.title, c.body, c.happened_on, c.anonymous, c.confidential,
        c.reporter_name_sealed, c.reporter_name_masked, c.email_sealed, c.email_masked, c.phone_sealed, c.phone_masked,
        c.status, c.verify_due_at, c.answer_due_at, c.escalated_at, c.referral, c.rating, c.created_at, c.updated_at,
        (SELECT COUNT(*) FROM complaint_attachments a WHERE a.complaint_id = c.id) AS attachments
    FROM complaints c
    JOIN mpps m ON m.id = c.mpp_id
    LEFT JOIN providers p ON p.id = c.provider_id
    LEFT JOIN services s ON s.id = c.service_id";

const EVENT_SELECT: &str = "SELECT id, complaint_id, at, actor_kind, actor_user_id, actor_name, action, from_status,
        to_status, body, internal, rating FROM complaint_events";

const ATTACHMENT_META: &str =
    "SELECT id, complaint_id, event_id, filename, content_type, size, sha256, created_at FROM complaint_attachments";

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct ComplaintRow {
    pub id: i64,
    pub mpp_id: i64,
    pub mpp_name: String,
    pub provider_id: Option<i64>,
    pub provider_name: Option<String>,
    pub service_id: Option<i64>,
    pub service_name: Option<String>,
    #[sqlx(try_from = "String")]
    pub kind: ComplaintKindCol,
    pub title: String,
    pub body: String,
    pub happened_on: Option<NaiveDate>,
    pub anonymous: bool,
    pub confidential: bool,
    #[serde(skip)]
    pub reporter_name_sealed: Option<String>,
    pub reporter_name_masked: Option<String>,
    #[serde(skip)]
    pub email_sealed: Option<String>,
    pub email_masked: Option<String>,
    #[serde(skip)]
    pub phone_sealed: Option<String>,
    pub phone_masked: Option<String>,
    #[sqlx(try_from = "String")]
    pub status: ComplaintStatusCol,
    pub verify_due_at: Option<DateTime<Utc>>,
    pub answer_due_at: Option<DateTime<Utc>>,
    pub escalated_at: Option<DateTime<Utc>>,
    pub referral: Option<String>,
    pub rating: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub attachments: i64,
}

/// A new report, with its personal data already sealed and masked.
#[derive(Debug, Clone)]
pub struct NewComplaint {
    pub mpp_id: i64,
    pub provider_id: Option<i64>,
    pub service_id: Option<i64>,
    pub code_hash: String,
    pub kind: satuatap_domain::complaint::Kind,
    pub title: String,
    pub body: String,
    pub happened_on: Option<NaiveDate>,
    pub anonymous: bool,
    pub confidential: bool,
    pub reporter_name_sealed: Option<String>,
    pub reporter_name_masked: Option<String>,
    pub email_sealed: Option<String>,
    pub email_masked: Option<String>,
    pub phone_sealed: Option<String>,
    pub phone_masked: Option<String>,
    pub verify_due_at: DateTime<Utc>,
}

/// The state a step leaves a report in; written only if it is still in `from`.
#[derive(Debug, Clone)]
pub struct ComplaintState {
    pub id: i64,
    pub from: satuatap_domain::complaint::Status,
    pub status: satuatap_domain::complaint::Status,
    pub provider_id: Option<i64>,
    pub service_id: Option<i64>,
    pub verify_due_at: Option<DateTime<Utc>>,
    pub answer_due_at: Option<DateTime<Utc>>,
    pub referral: Option<String>,
    pub rating: Option<i64>,
}

/// A report's running deadline and when it started.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RunningDeadline {
    pub id: i64,
    pub mpp_id: i64,
    pub status: String,
    pub due_from: DateTime<Utc>,
    pub due_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct ComplaintEventRow {
    pub id: i64,
    pub complaint_id: i64,
    pub at: DateTime<Utc>,
    pub actor_kind: String,
    pub actor_user_id: Option<i64>,
    pub actor_name: Option<String>,
    pub action: String,
    pub from_status: Option<String>,
    pub to_status: Option<String>,
    pub body: Option<String>,
    pub internal: bool,
    pub rating: Option<i64>,
}

#[derive(Debug, Clone)]
pub struct NewComplaintEvent<'a> {
    pub complaint_id: i64,
    pub actor_kind: &'a str,
    pub actor_user_id: Option<i64>,
    pub actor_name: Option<&'a str>,
    pub action: &'a str,
    pub from_status: Option<&'a str>,
    pub to_status: Option<&'a str>,
    pub body: Option<&'a str>,
    pub internal: bool,
    pub rating: Option<i64>,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct AttachmentMeta {
    pub id: i64,
    pub complaint_id: i64,
    pub event_id: Option<i64>,
    pub filename: String,
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AttachmentData {
    pub id: i64,
    pub complaint_id: i64,
    pub event_id: Option<i64>,
    pub filename: String,
    pub content_type: String,
    pub data: Vec<u8>,
}

/// Which reports a list shows.
#[derive(Debug, Clone, Default)]
pub struct ComplaintFilter {
    pub mpp_id: Option<i64>,
    pub provider_id: Option<i64>,
    pub status: Option<String>,
    /// Only reports whose current deadline passed before this instant.
    pub overdue_at: Option<DateTime<Utc>>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    pub limit: i64,
}

/// Reports whose current deadline passed before `$n` (verification or answer).
fn overdue_clause(n: usize) -> String {
    format!(
        "((c.status = 'submitted' AND c.verify_due_at <= ${n}) OR (c.status = 'forwarded' AND c.answer_due_at <= ${n}))"
    )
}

impl Tx {
    pub async fn insert_complaint(&mut self, n: &NewComplaint, now: DateTime<Utc>) -> Result<i64> {
        Ok(on_conn!(self, |c| {
            sqlx::query_scalar(
            "INSERT INTO complaints (mpp_id, provider_id, service_id, code_hash, kind, title, body, happened_on,
                anonymous, confidential, reporter_name_sealed, reporter_name_masked, email_sealed, email_masked,
                phone_sealed, phone_masked, status, verify_due_at, due_from, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, 'submitted', $17, $18, $18, $18)
             RETURNING id"
        )
        .bind(n.mpp_id)
        .bind(n.provider_id)
        .bind(n.service_id)
        .bind(&n.code_hash)
        .bind(n.kind.as_str())
        .bind(&n.title)
        .bind(&n.body)
        .bind(n.happened_on)
        .bind(n.anonymous)
        .bind(n.confidential)
        .bind(&n.reporter_name_sealed)
        .bind(&n.reporter_name_masked)
        .bind(&n.email_sealed)
        .bind(&n.email_masked)
        .bind(&n.phone_sealed)
        .bind(&n.phone_masked)
        .bind(n.verify_due_at)
        .bind(now)
        .fetch_one(c)
        .await
        })?)
    }

    pub async fn complaint(&mut self, id: i64) -> Result<Option<ComplaintRow>> {
        let sql = sqlx::AssertSqlSafe(format!("{SELECT} WHERE c.id = $1"));
        Ok(on_conn!(self, |c| sqlx::query_as(sql).bind(id).fetch_optional(c).await)?)
    }

    pub async fn complaint_by_code_hash(&mut self, hash: &str) -> Result<Option<ComplaintRow>> {
        let sql = sqlx::AssertSqlSafe(format!("{SELECT} WHERE c.code_hash = $1"));
        Ok(on_conn!(self, |c| sqlx::query_as(sql).bind(hash).fetch_optional(c).await)?)
    }

    /// Newest first.
    pub async fn complaints(&mut self, f: &ComplaintFilter) -> Result<Vec<ComplaintRow>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "{SELECT} WHERE ($1 IS NULL OR c.mpp_id = $1) AND ($2 IS NULL OR c.provider_id = $2)
                AND ($3 IS NULL OR c.status = $3) AND ($4 IS NULL OR {})
                AND ($5 IS NULL OR c.created_at >= $5) AND ($6 IS NULL OR c.created_at < $6)
             ORDER BY c.id DESC LIMIT $7",
            overdue_clause(4)
        ));
        Ok(on_conn!(self, |c| sqlx::query_as(sql)
            .bind(f.mpp_id)
            .bind(f.provider_id)
            .bind(f.status.as_deref())
            .bind(f.overdue_at)
            .bind(f.from)
            .bind(f.to)
            .bind(f.limit)
            .fetch_all(c)
            .await)?)
    }

    /// Late reports not escalated yet for their current deadline.
    pub async fn unescalated_overdue(&mut self, now: DateTime<Utc>, limit: i64) -> Result<Vec<ComplaintRow>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "{SELECT} WHERE c.escalated_at IS NULL AND {} ORDER BY c.id LIMIT $2",
            overdue_clause(1)
        ));
        Ok(on_conn!(self, |c| sqlx::query_as(sql).bind(now).bind(limit).fetch_all(c).await)?)
    }

    /// Mark escalated, unless another node already did.
    pub async fn mark_escalated(&mut self, id: i64, now: DateTime<Utc>) -> Result<bool> {
        let done = on_conn!(self, |c| sqlx::query(
            "UPDATE complaints SET escalated_at = $2 WHERE id = $1 AND escalated_at IS NULL"
        )
        .bind(id)
        .bind(now)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(done == 1)
    }

    /// Move a report on, if nobody moved it first; a new deadline clears escalation.
    pub async fn set_complaint_state(&mut self, s: &ComplaintState, now: DateTime<Utc>) -> Result<bool> {
        let done = on_conn!(self, |c| sqlx::query(
            "UPDATE complaints SET status = $3, provider_id = $4, service_id = $5, verify_due_at = $6,
                answer_due_at = $7, referral = $8, rating = $9, updated_at = $10,
                due_from = CASE WHEN verify_due_at IS NOT DISTINCT FROM $6 AND answer_due_at IS NOT DISTINCT FROM $7
                    THEN due_from ELSE $10 END,
                escalated_at = CASE WHEN status = $3 AND verify_due_at IS NOT DISTINCT FROM $6
                    AND answer_due_at IS NOT DISTINCT FROM $7 THEN escalated_at ELSE NULL END
             WHERE id = $1 AND status = $2"
        )
        .bind(s.id)
        .bind(s.from.as_str())
        .bind(s.status.as_str())
        .bind(s.provider_id)
        .bind(s.service_id)
        .bind(s.verify_due_at)
        .bind(s.answer_due_at)
        .bind(s.referral.as_deref())
        .bind(s.rating)
        .bind(now)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(done == 1)
    }

    /// Reports with a deadline running (verification or answer) and when it
    /// started, of one MPP or of all: the ones a new or removed closure recounts.
    pub async fn running_deadlines(&mut self, mpp_id: Option<i64>) -> Result<Vec<RunningDeadline>> {
        Ok(on_conn!(self, |c| sqlx::query_as(
            "SELECT id, mpp_id, status, due_from,
                CASE WHEN status = 'submitted' THEN verify_due_at ELSE answer_due_at END AS due_at
             FROM complaints
             WHERE status IN ('submitted', 'forwarded') AND due_from IS NOT NULL
               AND (CAST($1 AS BIGINT) IS NULL OR mpp_id = $1)
             ORDER BY id"
        )
        .bind(mpp_id)
        .fetch_all(c)
        .await)?)
    }

    /// Move a running deadline, if the report is still where it was read; a
    /// new deadline clears the escalation of the old one.
    pub async fn move_deadline(&mut self, d: &RunningDeadline, to: DateTime<Utc>, now: DateTime<Utc>) -> Result<bool> {
        let done = on_conn!(self, |c| sqlx::query(
            "UPDATE complaints SET
                verify_due_at = CASE WHEN status = 'submitted' THEN $3 ELSE verify_due_at END,
                answer_due_at = CASE WHEN status = 'forwarded' THEN $3 ELSE answer_due_at END,
                escalated_at = CASE WHEN $3 > $4 THEN NULL ELSE escalated_at END,
                updated_at = $4
             WHERE id = $1 AND status = $2
               AND (CASE WHEN status = 'submitted' THEN verify_due_at ELSE answer_due_at END) = $5"
        )
        .bind(d.id)
        .bind(&d.status)
        .bind(to)
        .bind(now)
        .bind(d.due_at)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(done == 1)
    }

    pub async fn touch_complaint(&mut self, id: i64, now: DateTime<Utc>) -> Result<()> {
        on_conn!(self, |c| sqlx::query("UPDATE complaints SET updated_at = $2 WHERE id = $1")
            .bind(id)
            .bind(now)
            .execute(c)
            .await
            .map(|_| ()))?;
        Ok(())
    }

    pub async fn insert_complaint_event(&mut self, e: &NewComplaintEvent<'_>, now: DateTime<Utc>) -> Result<i64> {
        Ok(on_conn!(self, |c| sqlx::query_scalar(
            "INSERT INTO complaint_events (complaint_id, at, actor_kind, actor_user_id, actor_name, action,
                from_status, to_status, body, internal, rating)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id"
        )
        .bind(e.complaint_id)
        .bind(now)
        .bind(e.actor_kind)
        .bind(e.actor_user_id)
        .bind(e.actor_name)
        .bind(e.action)
        .bind(e.from_status)
        .bind(e.to_status)
        .bind(e.body)
        .bind(e.internal)
        .bind(e.rating)
        .fetch_one(c)
        .await)?)
    }

    pub async fn complaint_events(&mut self, complaint_id: i64) -> Result<Vec<ComplaintEventRow>> {
        let sql = sqlx::AssertSqlSafe(format!("{EVENT_SELECT} WHERE complaint_id = $1 ORDER BY id"));
        Ok(on_conn!(self, |c| sqlx::query_as(sql).bind(complaint_id).fetch_all(c).await)?)
    }

    #[allow(clippy::too_many_arguments)]
    pub async fn insert_attachment(
        &mut self,
        complaint_id: i64,
        event_id: Option<i64>,
        filename: &str,
        content_type: &str,
        sha256: &str,
        data: &[u8],
        now: DateTime<Utc>,
    ) -> Result<i64> {
        let size = i64::try_from(data.len()).unwrap_or(i64::MAX);
        Ok(on_conn!(self, |c| {
            sqlx::query_scalar(
            "INSERT INTO complaint_attachments (complaint_id, event_id, filename, content_type, size, sha256, data, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id"
        )
        .bind(complaint_id)
        .bind(event_id)
        .bind(filename)
        .bind(content_type)
        .bind(size)
        .bind(sha256)
        .bind(data)
        .bind(now)
        .fetch_one(c)
        .await
        })?)
    }

    pub async fn attachments_of(&mut self, complaint_id: i64) -> Result<Vec<AttachmentMeta>> {
        let sql = sqlx::AssertSqlSafe(format!("{ATTACHMENT_META} WHERE complaint_id = $1 ORDER BY id"));
        Ok(on_conn!(self, |c| sqlx::query_as(sql).bind(complaint_id).fetch_all(c).await)?)
    }

    pub async fn attachment(&mut self, id: i64) -> Result<Option<AttachmentData>> {
        Ok(on_conn!(self, |c| sqlx::query_as(
            "SELECT id, complaint_id, event_id, filename, content_type, data FROM complaint_attachments WHERE id = $1"
        )
        .bind(id)
        .fetch_optional(c)
        .await)?)
    }

    /// The last note the reporter saw from the MPP or provider (an answer, a
    /// referral or an archive note) of each of an MPP's reports, in one read.
    pub async fn latest_answers(&mut self, mpp_id: i64) -> Result<Vec<(i64, Option<String>)>> {
        Ok(on_conn!(self, |c| sqlx::query_as(
            "SELECT complaint_id, body FROM complaint_events WHERE id IN (
                SELECT MAX(e.id) FROM complaint_events e JOIN complaints c ON c.id = e.complaint_id
                WHERE c.mpp_id = $1 AND NOT e.internal AND e.action IN ('answer', 'not_authority', 'archive')
                GROUP BY e.complaint_id)"
        )
        .bind(mpp_id)
        .fetch_all(c)
        .await)?)
    }

    /// E-mail addresses of an MPP's active managers, or of a provider's admins.
    pub async fn staff_emails(&mut self, mpp_id: i64, provider_id: Option<i64>) -> Result<Vec<String>> {
        Ok(on_conn!(self, |c| sqlx::query_scalar(
            "SELECT email FROM users WHERE active AND mpp_id = $1
                AND (($2 IS NULL AND role = 'mpp_manager') OR (role = 'provider_admin' AND provider_id = $2))
             ORDER BY id"
        )
        .bind(mpp_id)
        .bind(provider_id)
        .fetch_all(c)
        .await)?)
    }
}
