//! MPP locations.

use chrono::{DateTime, Utc};

use crate::model::{MppData, MppRow};
use crate::{Result, Tx, on_conn};

const SELECT: &str = "SELECT m.id, m.slug, m.name, m.nickname, m.regency_code, m.district_code, m.address,
        m.latitude, m.longitude, m.time_zone, m.hours, m.phone, m.email, m.website, m.status, m.opened_on,
        m.created_at, m.updated_at, m.queue_settings, m.announcement, m.announcement_en, m.closed_through,
        r.name AS regency_name, p.code AS province_code, p.name AS province_name,
        d.name AS district_name
    FROM mpps m
    JOIN regencies r ON r.code = m.regency_code
    JOIN provinces p ON p.code = r.province_code
    LEFT JOIN districts d ON d.code = m.district_code";

/// Filters for listing MPPs.
#[derive(Debug, Clone, Default)]
pub struct MppFilter {
    pub province_code: Option<String>,
    pub regency_code: Option<String>,
    pub status: Option<String>,
    /// Restrict to one MPP (a manager's own).
    pub only_id: Option<i64>,
}

impl Tx {
    pub async fn mpp(&mut self, id: i64) -> Result<Option<MppRow>> {
        let sql = sqlx::AssertSqlSafe(format!("{SELECT} WHERE m.id = $1"));
        Ok(on_conn!(self, |c| sqlx::query_as(sql).bind(id).fetch_optional(c).await)?)
    }

    pub async fn mpp_by_slug(&mut self, slug: &str) -> Result<Option<MppRow>> {
        let sql = sqlx::AssertSqlSafe(format!("{SELECT} WHERE m.slug = $1"));
        Ok(on_conn!(self, |c| sqlx::query_as(sql).bind(slug).fetch_optional(c).await)?)
    }

    pub async fn mpps(&mut self, f: &MppFilter) -> Result<Vec<MppRow>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "{SELECT} WHERE ($1 IS NULL OR p.code = $1) AND ($2 IS NULL OR m.regency_code = $2)
               AND ($3 IS NULL OR m.status = $3) AND ($4 IS NULL OR m.id = $4)
             ORDER BY m.regency_code, m.name"
        ));
        Ok(on_conn!(self, |c| sqlx::query_as(sql)
            .bind(f.province_code.as_deref())
            .bind(f.regency_code.as_deref())
            .bind(f.status.as_deref())
            .bind(f.only_id)
            .fetch_all(c)
            .await)?)
    }

    pub async fn insert_mpp(&mut self, d: &MppData, now: DateTime<Utc>) -> Result<i64> {
        Ok(on_conn!(self, |c| sqlx::query_scalar(
            "INSERT INTO mpps (slug, name, nickname, regency_code, district_code, address, latitude, longitude,
                time_zone, hours, phone, email, website, status, opened_on, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $16)
             RETURNING id"
        )
        .bind(&d.slug)
        .bind(&d.name)
        .bind(d.nickname.as_deref())
        .bind(&d.regency_code)
        .bind(d.district_code.as_deref())
        .bind(&d.address)
        .bind(d.latitude)
        .bind(d.longitude)
        .bind(&d.time_zone)
        .bind(d.hours.to_json())
        .bind(d.phone.as_deref())
        .bind(d.email.as_deref())
        .bind(d.website.as_deref())
        .bind(d.status.as_str())
        .bind(d.opened_on)
        .bind(now)
        .fetch_one(c)
        .await)?)
    }

    pub async fn update_mpp(&mut self, id: i64, d: &MppData, now: DateTime<Utc>) -> Result<bool> {
        let r = on_conn!(self, |c| sqlx::query(
            "UPDATE mpps SET slug = $2, name = $3, nickname = $4, regency_code = $5, district_code = $6,
                address = $7, latitude = $8, longitude = $9, time_zone = $10, hours = $11, phone = $12,
                email = $13, website = $14, status = $15, opened_on = $16, updated_at = $17
             WHERE id = $1"
        )
        .bind(id)
        .bind(&d.slug)
        .bind(&d.name)
        .bind(d.nickname.as_deref())
        .bind(&d.regency_code)
        .bind(d.district_code.as_deref())
        .bind(&d.address)
        .bind(d.latitude)
        .bind(d.longitude)
        .bind(&d.time_zone)
        .bind(d.hours.to_json())
        .bind(d.phone.as_deref())
        .bind(d.email.as_deref())
        .bind(d.website.as_deref())
        .bind(d.status.as_str())
        .bind(d.opened_on)
        .bind(now)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(r == 1)
    }
}

impl Tx {
    /// The queue policy and the board's announcement of an MPP.
    pub async fn set_mpp_queue(
        &mut self,
        id: i64,
        settings: &str,
        announcement: Option<&str>,
        announcement_en: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        let r = on_conn!(self, |c| {
            sqlx::query(
            "UPDATE mpps SET queue_settings = $2, announcement = $3, announcement_en = $4, updated_at = $5 WHERE id = $1"
        )
        .bind(id)
        .bind(settings)
        .bind(announcement)
        .bind(announcement_en)
        .bind(now)
        .execute(c)
        .await
        .map(|r| r.rows_affected())
        })?;
        Ok(r == 1)
    }

    pub async fn set_closed_through(&mut self, id: i64, day: chrono::NaiveDate) -> Result<()> {
        on_conn!(self, |c| sqlx::query("UPDATE mpps SET closed_through = $2 WHERE id = $1")
            .bind(id)
            .bind(day)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(())
    }
}
