//! Walk-in limits per service (a daily quota of kiosk and phone numbers, a
//! last-ticket time) and the count a quota is taken from.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use crate::{Result, Tx, on_conn};

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct WalkInRow {
    pub service_id: i64,
    pub mpp_id: i64,
    pub daily_quota: Option<i64>,
    /// Local `HH:MM`.
    pub last_ticket_at: Option<String>,
    /// Walk-in numbers taken on the day asked for (while a quota applies).
    pub issued: i64,
}

impl Tx {
    /// A service's walk-in rule and what it took on `day`.
    pub async fn walk_in_rule(&mut self, service_id: i64, day: NaiveDate) -> Result<Option<WalkInRow>> {
        Ok(on_conn!(self, |c| sqlx::query_as(
            "SELECT w.service_id, w.mpp_id, w.daily_quota, w.last_ticket_at, COALESCE(d.issued, 0) AS issued
             FROM service_walk_in w LEFT JOIN walk_in_days d ON d.service_id = w.service_id AND d.day = $2
             WHERE w.service_id = $1"
        )
        .bind(service_id)
        .bind(day)
        .fetch_optional(c)
        .await)?)
    }

    /// Every walk-in rule of an MPP with what each took on `day`.
    pub async fn walk_in_rules(&mut self, mpp_id: i64, day: NaiveDate) -> Result<Vec<WalkInRow>> {
        Ok(on_conn!(self, |c| sqlx::query_as(
            "SELECT w.service_id, w.mpp_id, w.daily_quota, w.last_ticket_at, COALESCE(d.issued, 0) AS issued
             FROM service_walk_in w LEFT JOIN walk_in_days d ON d.service_id = w.service_id AND d.day = $2
             WHERE w.mpp_id = $1 ORDER BY w.service_id"
        )
        .bind(mpp_id)
        .bind(day)
        .fetch_all(c)
        .await)?)
    }

    /// Set a service's rule (none at all removes it). A quota set during the day starts
    /// from the walk-ins the day already had.
    pub async fn set_walk_in_rule(
        &mut self,
        service_id: i64,
        mpp_id: i64,
        quota: Option<i64>,
        last_ticket_at: Option<&str>,
        today: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<()> {
        if quota.is_none() && last_ticket_at.is_none() {
            on_conn!(self, |c| sqlx::query("DELETE FROM service_walk_in WHERE service_id = $1")
                .bind(service_id)
                .execute(c)
                .await
                .map(|_| ()))?;
            return Ok(());
        }
        on_conn!(self, |c| sqlx::query(
            "INSERT INTO service_walk_in (service_id, mpp_id, daily_quota, last_ticket_at, updated_at)
             VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (service_id) DO UPDATE SET daily_quota = $3, last_ticket_at = $4, updated_at = $5"
        )
        .bind(service_id)
        .bind(mpp_id)
        .bind(quota)
        .bind(last_ticket_at)
        .bind(now)
        .execute(c)
        .await
        .map(|_| ()))?;
        on_conn!(self, |c| sqlx::query(
            "INSERT INTO walk_in_days (service_id, day, issued)
             SELECT service_id, day, issued - from_booking FROM queue_day_stats WHERE service_id = $1 AND day = $2
             ON CONFLICT (service_id, day) DO NOTHING"
        )
        .bind(service_id)
        .bind(today)
        .execute(c)
        .await
        .map(|_| ()))?;
        Ok(())
    }

    /// Take one walk-in number of the day's quota if one is left.
    pub async fn take_walk_in(&mut self, service_id: i64, day: NaiveDate, quota: i64) -> Result<bool> {
        let n: Option<i64> = on_conn!(self, |c| sqlx::query_scalar(
            "INSERT INTO walk_in_days (service_id, day, issued) VALUES ($1, $2, 1)
             ON CONFLICT (service_id, day) DO UPDATE SET issued = walk_in_days.issued + 1
                 WHERE walk_in_days.issued < $3
             RETURNING issued"
        )
        .bind(service_id)
        .bind(day)
        .bind(quota)
        .fetch_optional(c)
        .await)?;
        Ok(n.is_some_and(|n| n <= quota))
    }
}
