//! "Your turn is near": the phone numbers visitors left on their tickets, and
//! which of them are still waiting for their one message.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::{Result, Tx, on_conn};

/// A ticket's alert as its holder sees it (the number masked).
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct TicketAlertRow {
    pub ticket_id: i64,
    pub phone_masked: String,
    /// `pending`, `sent` or `dropped`.
    pub status: String,
    pub sent_at: Option<DateTime<Utc>>,
}

/// A pending alert with where its ticket stands now.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PendingAlertRow {
    pub ticket_id: i64,
    pub mpp_id: i64,
    pub phone_sealed: String,
    pub phone_masked: String,
    pub ticket_status: String,
    /// Waiting tickets ahead in the same queue (meaningful while it waits).
    pub ahead: i64,
}

impl Tx {
    /// Leave (or change) the number a ticket's holder hears on. A number left after
    /// the message went is kept for the record; nothing is sent twice.
    pub async fn set_ticket_alert(
        &mut self,
        ticket_id: i64,
        mpp_id: i64,
        phone_sealed: &str,
        phone_masked: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        on_conn!(self, |c| sqlx::query(
            "INSERT INTO ticket_alerts (ticket_id, mpp_id, phone_sealed, phone_masked, status, created_at)
             VALUES ($1, $2, $3, $4, 'pending', $5)
             ON CONFLICT (ticket_id) DO UPDATE SET phone_sealed = $3, phone_masked = $4
                 WHERE ticket_alerts.status = 'pending'"
        )
        .bind(ticket_id)
        .bind(mpp_id)
        .bind(phone_sealed)
        .bind(phone_masked)
        .bind(now)
        .execute(c)
        .await
        .map(|_| ()))?;
        Ok(())
    }

    /// The holder no longer wants the message; the number is forgotten.
    pub async fn remove_ticket_alert(&mut self, ticket_id: i64) -> Result<bool> {
        let n =
            on_conn!(self, |c| sqlx::query("DELETE FROM ticket_alerts WHERE ticket_id = $1 AND status = 'pending'")
                .bind(ticket_id)
                .execute(c)
                .await
                .map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    pub async fn ticket_alert(&mut self, ticket_id: i64) -> Result<Option<TicketAlertRow>> {
        Ok(on_conn!(self, |c| sqlx::query_as(
            "SELECT ticket_id, phone_masked, status, sent_at FROM ticket_alerts WHERE ticket_id = $1"
        )
        .bind(ticket_id)
        .fetch_optional(c)
        .await)?)
    }

    /// Alerts not yet sent, each with its ticket's state and the people ahead of it.
    pub async fn pending_ticket_alerts(&mut self, limit: i64) -> Result<Vec<PendingAlertRow>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT a.ticket_id, a.mpp_id, a.phone_sealed, a.phone_masked, t.status AS ticket_status, {} AS ahead
             FROM ticket_alerts a JOIN tickets t ON t.id = a.ticket_id
             WHERE a.status = 'pending'
             ORDER BY a.ticket_id
             LIMIT $1",
            crate::queue::ahead_of(["t.mpp_id", "t.day", "t.prefix", "t.queue_key", "t.id"])
        ));
        Ok(on_conn!(self, |c| sqlx::query_as(sql).bind(limit).fetch_all(c).await)?)
    }

    /// Settle a pending alert as `sent` or `dropped`, once: false if another worker
    /// settled it first. The sealed number is cleared; the masked one stays.
    pub async fn settle_ticket_alert(&mut self, ticket_id: i64, status: &str, now: DateTime<Utc>) -> Result<bool> {
        let n = on_conn!(self, |c| sqlx::query(
            "UPDATE ticket_alerts SET status = $2, sent_at = $3, phone_sealed = ''
             WHERE ticket_id = $1 AND status = 'pending'"
        )
        .bind(ticket_id)
        .bind(status)
        .bind(now)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }
}
