//! The audit log: who changed (or viewed) what, when, with the before and after.

use chrono::{DateTime, Utc};

use crate::model::{AuditEntry, AuditRow};
use crate::{Result, Tx, on_conn};

#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    /// `Some(id)`: entries of one MPP only (a manager's view).
    pub mpp_id: Option<i64>,
    pub entity: Option<String>,
    pub entity_id: Option<String>,
    pub before: Option<DateTime<Utc>>,
    pub limit: i64,
}

impl Tx {
    /// Record an entry; call inside the transaction that makes the change.
    pub async fn audit(&mut self, e: &AuditEntry) -> Result<()> {
        let before = e.before.as_ref().map(|v| v.to_string());
        let after = e.after.as_ref().map(|v| v.to_string());
        on_conn!(self, |c| {
            sqlx::query(
            "INSERT INTO audit_log (at, actor_user_id, actor_email, mpp_id, entity, entity_id, action, before, after, ip)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
        )
        .bind(e.at)
        .bind(e.actor_user_id)
        .bind(e.actor_email.as_deref())
        .bind(e.mpp_id)
        .bind(e.entity)
        .bind(&e.entity_id)
        .bind(e.action)
        .bind(before)
        .bind(after)
        .bind(e.ip.as_deref())
        .execute(c)
        .await.map(|r| r.rows_affected())
        })?;
        Ok(())
    }

    pub async fn audit_entries(&mut self, f: &AuditFilter) -> Result<Vec<AuditRow>> {
        Ok(on_conn!(self, |c| sqlx::query_as(
            "SELECT id, at, actor_user_id, actor_email, mpp_id, entity, entity_id, action, before, after, ip
             FROM audit_log
             WHERE ($1 IS NULL OR mpp_id = $1) AND ($2 IS NULL OR entity = $2) AND ($3 IS NULL OR entity_id = $3)
               AND ($4 IS NULL OR at < $4)
             ORDER BY at DESC, id DESC LIMIT $5"
        )
        .bind(f.mpp_id)
        .bind(f.entity.as_deref())
        .bind(f.entity_id.as_deref())
        .bind(f.before)
        .bind(if f.limit > 0 { f.limit } else { 100 })
        .fetch_all(c)
        .await)?)
    }
}
