//! National holidays, cuti bersama and MPP-local closures.

use chrono::{DateTime, NaiveDate, Utc};

use crate::model::Holiday;
use crate::{Result, Tx, on_conn};

const SELECT: &str = "SELECT id, mpp_id, date, name, name_en, kind, created_at FROM holidays";

impl Tx {
    /// Closures that apply to an MPP (national ones and its own) between two dates.
    pub async fn closures(&mut self, mpp_id: Option<i64>, from: NaiveDate, to: NaiveDate) -> Result<Vec<Holiday>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "{SELECT} WHERE (mpp_id IS NULL OR mpp_id = $1) AND date >= $2 AND date <= $3 ORDER BY date, mpp_id"
        ));
        Ok(on_conn!(self, |c| sqlx::query_as(sql).bind(mpp_id).bind(from).bind(to).fetch_all(c).await)?)
    }

    /// Only the holidays of one scope: national (`None`) or one MPP's own.
    pub async fn holidays_of(&mut self, mpp_id: Option<i64>, year: i32) -> Result<Vec<Holiday>> {
        let from = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or_default();
        let to = NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or_default();
        let sql = sqlx::AssertSqlSafe(format!(
            "{SELECT} WHERE COALESCE(mpp_id, 0) = COALESCE($1, 0) AND date >= $2 AND date <= $3 ORDER BY date"
        ));
        Ok(on_conn!(self, |c| sqlx::query_as(sql).bind(mpp_id).bind(from).bind(to).fetch_all(c).await)?)
    }

    pub async fn holiday(&mut self, id: i64) -> Result<Option<Holiday>> {
        let sql = sqlx::AssertSqlSafe(format!("{SELECT} WHERE id = $1"));
        Ok(on_conn!(self, |c| sqlx::query_as(sql).bind(id).fetch_optional(c).await)?)
    }

    pub async fn insert_holiday(
        &mut self,
        mpp_id: Option<i64>,
        date: NaiveDate,
        name: &str,
        name_en: Option<&str>,
        kind: &str,
        now: DateTime<Utc>,
    ) -> Result<i64> {
        Ok(on_conn!(self, |c| sqlx::query_scalar(
            "INSERT INTO holidays (mpp_id, date, name, name_en, kind, created_at) VALUES ($1, $2, $3, $4, $5, $6)
             RETURNING id"
        )
        .bind(mpp_id)
        .bind(date)
        .bind(name)
        .bind(name_en)
        .bind(kind)
        .bind(now)
        .fetch_one(c)
        .await)?)
    }

    pub async fn delete_holiday(&mut self, id: i64) -> Result<bool> {
        let r = on_conn!(self, |c| sqlx::query("DELETE FROM holidays WHERE id = $1")
            .bind(id)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(r == 1)
    }

    pub async fn count_national_holidays(&mut self) -> Result<i64> {
        Ok(on_conn!(self, |c| sqlx::query_scalar("SELECT COUNT(*) FROM holidays WHERE mpp_id IS NULL")
            .fetch_one(c)
            .await)?)
    }
}
