//! Services and their standards.

use chrono::{DateTime, Utc};
use satuatap_domain::catalog::ServiceStatus;

use crate::model::{ServiceData, ServiceRow};
use crate::{Result, StoreError, Tx, on_conn};

const SELECT: &str = "SELECT s.id, s.mpp_id, s.provider_id, s.code, s.category, s.name, s.name_en, s.summary,
        s.summary_en, s.bookable, s.status, s.standard, s.published_at, s.queue_prefix, s.rev, s.created_at, s.updated_at,
        p.name AS provider_name, p.name_en AS provider_name_en, p.maklumat AS provider_maklumat,
        m.slug AS mpp_slug, m.name AS mpp_name, r.name AS regency_name
    FROM services s
    JOIN providers p ON p.id = s.provider_id
    JOIN mpps m ON m.id = s.mpp_id
    JOIN regencies r ON r.code = m.regency_code";

#[derive(Debug, Clone, Default)]
pub struct ServiceFilter {
    pub mpp_id: Option<i64>,
    pub provider_id: Option<i64>,
    pub status: Option<ServiceStatus>,
    /// Case-insensitive substring of the name or code (admin lists; the public
    /// catalogue uses the search index instead).
    pub text: Option<String>,
    pub limit: i64,
    pub offset: i64,
}

fn standard_json(d: &ServiceData) -> Result<String> {
    serde_json::to_string(&d.standard).map_err(|e| StoreError::Corrupt(e.to_string()))
}

impl Tx {
    /// Fill `standard_complete` for services saved before it existed (a no-op after the first start).
    pub(crate) async fn backfill_standard_complete(&mut self) -> Result<()> {
        let rows: Vec<(i64, String)> =
            on_conn!(self, |c| sqlx::query_as("SELECT id, standard FROM services WHERE standard_complete IS NULL")
                .fetch_all(c)
                .await)?;
        for (id, text) in rows {
            let complete =
                serde_json::from_str::<satuatap_domain::catalog::Standard>(&text).is_ok_and(|s| s.is_complete());
            on_conn!(self, |c| sqlx::query("UPDATE services SET standard_complete = $2 WHERE id = $1")
                .bind(id)
                .bind(complete)
                .execute(c)
                .await
                .map(|r| r.rows_affected()))?;
        }
        Ok(())
    }

    /// Take the next catalogue revision (serialises catalogue writers briefly).
    async fn next_catalog_rev(&mut self) -> Result<i64> {
        Ok(on_conn!(self, |c| sqlx::query_scalar("UPDATE catalog_rev SET rev = rev + 1 WHERE id = 1 RETURNING rev")
            .fetch_one(c)
            .await)?)
    }

    pub async fn catalog_rev(&mut self) -> Result<i64> {
        Ok(on_conn!(self, |c| sqlx::query_scalar("SELECT rev FROM catalog_rev WHERE id = 1").fetch_one(c).await)?)
    }

    pub async fn service(&mut self, id: i64) -> Result<Option<ServiceRow>> {
        let sql = sqlx::AssertSqlSafe(format!("{SELECT} WHERE s.id = $1"));
        Ok(on_conn!(self, |c| sqlx::query_as(sql).bind(id).fetch_optional(c).await)?)
    }

    pub async fn service_by_code(&mut self, mpp_id: i64, code: &str) -> Result<Option<ServiceRow>> {
        let sql = sqlx::AssertSqlSafe(format!("{SELECT} WHERE s.mpp_id = $1 AND s.code = $2"));
        Ok(on_conn!(self, |c| sqlx::query_as(sql).bind(mpp_id).bind(code).fetch_optional(c).await)?)
    }

    pub async fn services_by_ids(&mut self, ids: &[i64]) -> Result<Vec<ServiceRow>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let placeholders: Vec<String> = (1..=ids.len()).map(|i| format!("${i}")).collect();
        let sql = sqlx::AssertSqlSafe(format!("{SELECT} WHERE s.id IN ({})", placeholders.join(",")));
        Ok(on_conn!(self, |c| {
            let mut q = sqlx::query_as(sql);
            for id in ids {
                q = q.bind(*id);
            }
            q.fetch_all(c).await
        })?)
    }

    pub async fn services(&mut self, f: &ServiceFilter) -> Result<Vec<ServiceRow>> {
        let pattern = f.text.as_ref().map(|t| format!("%{}%", t.to_lowercase().replace(['%', '_'], "")));
        let sql = sqlx::AssertSqlSafe(format!(
            "{SELECT} WHERE ($1 IS NULL OR s.mpp_id = $1) AND ($2 IS NULL OR s.provider_id = $2)
               AND ($3 IS NULL OR s.status = $3)
               AND ($4 IS NULL OR lower(s.name) LIKE $4 OR lower(s.code) LIKE $4)
             ORDER BY p.name, s.code LIMIT $5 OFFSET $6"
        ));
        Ok(on_conn!(self, |c| sqlx::query_as(sql)
            .bind(f.mpp_id)
            .bind(f.provider_id)
            .bind(f.status.map(|s| s.as_str()))
            .bind(pattern.as_deref())
            .bind(if f.limit > 0 { f.limit } else { 1000 })
            .bind(f.offset)
            .fetch_all(c)
            .await)?)
    }

    pub async fn count_services(&mut self, mpp_id: Option<i64>, status: Option<ServiceStatus>) -> Result<i64> {
        Ok(on_conn!(self, |c| sqlx::query_scalar(
            "SELECT COUNT(*) FROM services WHERE ($1 IS NULL OR mpp_id = $1) AND ($2 IS NULL OR status = $2)"
        )
        .bind(mpp_id)
        .bind(status.map(|s| s.as_str()))
        .fetch_one(c)
        .await)?)
    }

    /// Services changed after catalogue revision `rev`, oldest change first.
    /// Not paged: one revision may cover many services (see [`Tx::touch_services`]).
    pub async fn services_changed_since(&mut self, rev: i64) -> Result<Vec<ServiceRow>> {
        let sql = sqlx::AssertSqlSafe(format!("{SELECT} WHERE s.rev > $1 ORDER BY s.rev"));
        Ok(on_conn!(self, |c| sqlx::query_as(sql).bind(rev).fetch_all(c).await)?)
    }

    pub async fn insert_service(&mut self, mpp_id: i64, d: &ServiceData, now: DateTime<Utc>) -> Result<i64> {
        let rev = self.next_catalog_rev().await?;
        let standard = standard_json(d)?;
        Ok(on_conn!(self, |c| sqlx::query_scalar(
            "INSERT INTO services (mpp_id, provider_id, code, category, name, name_en, summary, summary_en, bookable,
                status, standard, rev, created_at, updated_at, queue_prefix, standard_complete)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'draft', $10, $11, $12, $12, $13, $14) RETURNING id"
        )
        .bind(mpp_id)
        .bind(d.provider_id)
        .bind(&d.code)
        .bind(d.category.as_str())
        .bind(&d.name)
        .bind(d.name_en.as_deref())
        .bind(d.summary.as_deref())
        .bind(d.summary_en.as_deref())
        .bind(d.bookable)
        .bind(standard)
        .bind(rev)
        .bind(now)
        .bind(d.queue_prefix.as_deref())
        .bind(d.standard.is_complete())
        .fetch_one(c)
        .await)?)
    }

    pub async fn update_service(&mut self, id: i64, d: &ServiceData, now: DateTime<Utc>) -> Result<bool> {
        let rev = self.next_catalog_rev().await?;
        let standard = standard_json(d)?;
        let r = on_conn!(self, |c| sqlx::query(
            "UPDATE services SET provider_id = $2, code = $3, category = $4, name = $5, name_en = $6, summary = $7,
                summary_en = $8, bookable = $9, standard = $10, rev = $11, updated_at = $12, queue_prefix = $13,
                standard_complete = $14
             WHERE id = $1"
        )
        .bind(id)
        .bind(d.provider_id)
        .bind(&d.code)
        .bind(d.category.as_str())
        .bind(&d.name)
        .bind(d.name_en.as_deref())
        .bind(d.summary.as_deref())
        .bind(d.summary_en.as_deref())
        .bind(d.bookable)
        .bind(standard)
        .bind(rev)
        .bind(now)
        .bind(d.queue_prefix.as_deref())
        .bind(d.standard.is_complete())
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(r == 1)
    }

    pub async fn set_service_status(&mut self, id: i64, status: ServiceStatus, now: DateTime<Utc>) -> Result<bool> {
        let rev = self.next_catalog_rev().await?;
        let published_at = (status == ServiceStatus::Published).then_some(now);
        let r = on_conn!(self, |c| sqlx::query(
            "UPDATE services SET status = $2, published_at = COALESCE($3, published_at), rev = $4, updated_at = $5
             WHERE id = $1"
        )
        .bind(id)
        .bind(status.as_str())
        .bind(published_at)
        .bind(rev)
        .bind(now)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(r == 1)
    }

    /// Mark every service of a provider or an MPP changed, so search picks up
    /// a renamed provider or MPP.
    pub async fn touch_services(&mut self, mpp_id: i64, provider_id: Option<i64>) -> Result<()> {
        let rev = self.next_catalog_rev().await?;
        on_conn!(self, |c| sqlx::query(
            "UPDATE services SET rev = $1 WHERE mpp_id = $2 AND ($3 IS NULL OR provider_id = $3)"
        )
        .bind(rev)
        .bind(mpp_id)
        .bind(provider_id)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(())
    }
}
