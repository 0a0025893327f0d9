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
    /// Whose actions: part of the person's e-mail or name, any case.
    pub actor: Option<String>,
    /// Entries at or after `from` and before `to`.
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    /// The page after this entry (newest first: older than it).
    pub after_entry: Option<(DateTime<Utc>, i64)>,
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

    /// When an entry was written (the cursor of the next page).
    pub async fn audit_entry_at(&mut self, id: i64) -> Result<Option<DateTime<Utc>>> {
        Ok(on_conn!(self, |c| sqlx::query_scalar("SELECT at FROM audit_log WHERE id = $1")
            .bind(id)
            .fetch_optional(c)
            .await)?)
    }

    pub async fn audit_entries(&mut self, f: &AuditFilter) -> Result<Vec<AuditRow>> {
        Ok(on_conn!(self, |c| sqlx::query_as(
            "SELECT a.id, a.at, a.actor_user_id, a.actor_email, u.name AS actor_name, a.mpp_id, a.entity, a.entity_id,
                a.action, a.before, a.after, a.ip
             FROM audit_log a LEFT JOIN users u ON u.id = a.actor_user_id
             WHERE ($1 IS NULL OR a.mpp_id = $1) AND ($2 IS NULL OR a.entity = $2) AND ($3 IS NULL OR a.entity_id = $3)
               AND ($4 IS NULL OR a.at < $4)
               AND ($6 IS NULL OR LOWER(COALESCE(a.actor_email, '')) LIKE $6 OR LOWER(COALESCE(u.name, '')) LIKE $6)
               AND ($7 IS NULL OR a.at >= $7)
               AND ($8 IS NULL OR a.at < $8 OR (a.at = $8 AND a.id < $9))
             ORDER BY a.at DESC, a.id DESC LIMIT $5"
        )
        .bind(f.mpp_id)
        .bind(f.entity.as_deref())
        .bind(f.entity_id.as_deref())
        .bind(f.to)
        .bind(if f.limit > 0 { f.limit } else { 100 })
        .bind(f.actor.as_deref().map(|a| format!("%{}%", a.to_lowercase().replace(['%', '_'], ""))))
        .bind(f.from)
        .bind(f.after_entry.map(|(at, _)| at))
        .bind(f.after_entry.map(|(_, id)| id))
        .fetch_all(c)
        .await)?)
    }
}
