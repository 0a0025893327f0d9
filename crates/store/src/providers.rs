//! National agencies, providers at an MPP (instansi with their gerai) and counters (loket).

use chrono::{DateTime, Utc};

use crate::model::{AgencyData, AgencyRow, CounterData, CounterRow, ProviderData, ProviderRow};
use crate::{Result, Tx, on_conn};

const PROVIDER_SELECT: &str = "SELECT p.id, p.mpp_id, p.agency_id, p.slug, p.name, p.name_en, p.kind, p.booth,
        p.zone, p.queue_prefix, p.phone, p.email, p.maklumat, p.active, p.created_at, p.updated_at,
        a.name AS agency_name,
        (SELECT COUNT(*) FROM services s WHERE s.provider_id = p.id AND s.status = 'published') AS published_services
    FROM providers p LEFT JOIN agencies a ON a.id = p.agency_id";

const COUNTER_SELECT: &str =
    "SELECT k.id, k.mpp_id, k.provider_id, k.code, k.name, k.active, k.created_at, k.updated_at,
        k.state, k.officer_id, k.state_since, p.zone, p.name AS provider_name
    FROM counters k JOIN providers p ON p.id = k.provider_id";

impl Tx {
    pub async fn agencies(&mut self) -> Result<Vec<AgencyRow>> {
        Ok(on_conn!(self, |c| sqlx::query_as(
            "SELECT id, slug, name, name_en, kind, website, created_at, updated_at FROM agencies ORDER BY name"
        )
        .fetch_all(c)
        .await)?)
    }

    pub async fn agency(&mut self, id: i64) -> Result<Option<AgencyRow>> {
        Ok(on_conn!(self, |c| sqlx::query_as(
            "SELECT id, slug, name, name_en, kind, website, created_at, updated_at FROM agencies WHERE id = $1"
        )
        .bind(id)
        .fetch_optional(c)
        .await)?)
    }

    pub async fn agency_by_slug(&mut self, slug: &str) -> Result<Option<AgencyRow>> {
        Ok(on_conn!(self, |c| sqlx::query_as(
            "SELECT id, slug, name, name_en, kind, website, created_at, updated_at FROM agencies WHERE slug = $1"
        )
        .bind(slug)
        .fetch_optional(c)
        .await)?)
    }

    pub async fn insert_agency(&mut self, d: &AgencyData, now: DateTime<Utc>) -> Result<i64> {
        Ok(on_conn!(self, |c| sqlx::query_scalar(
            "INSERT INTO agencies (slug, name, name_en, kind, website, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id"
        )
        .bind(&d.slug)
        .bind(&d.name)
        .bind(d.name_en.as_deref())
        .bind(d.kind.as_str())
        .bind(d.website.as_deref())
        .bind(now)
        .fetch_one(c)
        .await)?)
    }

    pub async fn update_agency(&mut self, id: i64, d: &AgencyData, now: DateTime<Utc>) -> Result<bool> {
        let r = on_conn!(self, |c| sqlx::query(
            "UPDATE agencies SET slug = $2, name = $3, name_en = $4, kind = $5, website = $6, updated_at = $7
             WHERE id = $1"
        )
        .bind(id)
        .bind(&d.slug)
        .bind(&d.name)
        .bind(d.name_en.as_deref())
        .bind(d.kind.as_str())
        .bind(d.website.as_deref())
        .bind(now)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(r == 1)
    }

    pub async fn provider(&mut self, id: i64) -> Result<Option<ProviderRow>> {
        let sql = sqlx::AssertSqlSafe(format!("{PROVIDER_SELECT} WHERE p.id = $1"));
        Ok(on_conn!(self, |c| sqlx::query_as(sql).bind(id).fetch_optional(c).await)?)
    }

    pub async fn providers(&mut self, mpp_id: i64, only_active: bool) -> Result<Vec<ProviderRow>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "{PROVIDER_SELECT} WHERE p.mpp_id = $1 AND (p.active OR NOT $2) ORDER BY lower(p.name)"
        ));
        Ok(on_conn!(self, |c| sqlx::query_as(sql).bind(mpp_id).bind(only_active).fetch_all(c).await)?)
    }

    pub async fn insert_provider(&mut self, mpp_id: i64, d: &ProviderData, now: DateTime<Utc>) -> Result<i64> {
        Ok(on_conn!(self, |c| sqlx::query_scalar(
            "INSERT INTO providers (mpp_id, agency_id, slug, name, name_en, kind, booth, zone, queue_prefix,
                phone, email, maklumat, active, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14) RETURNING id"
        )
        .bind(mpp_id)
        .bind(d.agency_id)
        .bind(&d.slug)
        .bind(&d.name)
        .bind(d.name_en.as_deref())
        .bind(d.kind.as_str())
        .bind(d.booth.as_deref())
        .bind(d.zone.as_deref())
        .bind(&d.queue_prefix)
        .bind(d.phone.as_deref())
        .bind(d.email.as_deref())
        .bind(d.maklumat.as_deref())
        .bind(d.active)
        .bind(now)
        .fetch_one(c)
        .await)?)
    }

    pub async fn update_provider(&mut self, id: i64, d: &ProviderData, now: DateTime<Utc>) -> Result<bool> {
        let r = on_conn!(self, |c| sqlx::query(
            "UPDATE providers SET agency_id = $2, slug = $3, name = $4, name_en = $5, kind = $6, booth = $7,
                zone = $8, queue_prefix = $9, phone = $10, email = $11, maklumat = $12, active = $13,
                updated_at = $14
             WHERE id = $1"
        )
        .bind(id)
        .bind(d.agency_id)
        .bind(&d.slug)
        .bind(&d.name)
        .bind(d.name_en.as_deref())
        .bind(d.kind.as_str())
        .bind(d.booth.as_deref())
        .bind(d.zone.as_deref())
        .bind(&d.queue_prefix)
        .bind(d.phone.as_deref())
        .bind(d.email.as_deref())
        .bind(d.maklumat.as_deref())
        .bind(d.active)
        .bind(now)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(r == 1)
    }

    pub async fn counter(&mut self, id: i64) -> Result<Option<CounterRow>> {
        let sql = sqlx::AssertSqlSafe(format!("{COUNTER_SELECT} WHERE k.id = $1"));
        Ok(on_conn!(self, |c| sqlx::query_as(sql).bind(id).fetch_optional(c).await)?)
    }

    pub async fn counters(&mut self, provider_id: i64) -> Result<Vec<CounterRow>> {
        let sql = sqlx::AssertSqlSafe(format!("{COUNTER_SELECT} WHERE k.provider_id = $1 ORDER BY k.code"));
        Ok(on_conn!(self, |c| sqlx::query_as(sql).bind(provider_id).fetch_all(c).await)?)
    }

    pub async fn counters_of_mpp(&mut self, mpp_id: i64) -> Result<Vec<CounterRow>> {
        let sql = sqlx::AssertSqlSafe(format!("{COUNTER_SELECT} WHERE k.mpp_id = $1 ORDER BY k.code"));
        Ok(on_conn!(self, |c| sqlx::query_as(sql).bind(mpp_id).fetch_all(c).await)?)
    }

    pub async fn insert_counter(
        &mut self,
        mpp_id: i64,
        provider_id: i64,
        d: &CounterData,
        now: DateTime<Utc>,
    ) -> Result<i64> {
        Ok(on_conn!(self, |c| sqlx::query_scalar(
            "INSERT INTO counters (mpp_id, provider_id, code, name, active, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id"
        )
        .bind(mpp_id)
        .bind(provider_id)
        .bind(&d.code)
        .bind(&d.name)
        .bind(d.active)
        .bind(now)
        .fetch_one(c)
        .await)?)
    }

    pub async fn update_counter(&mut self, id: i64, d: &CounterData, now: DateTime<Utc>) -> Result<bool> {
        let r = on_conn!(self, |c| sqlx::query(
            "UPDATE counters SET code = $2, name = $3, active = $4, updated_at = $5 WHERE id = $1"
        )
        .bind(id)
        .bind(&d.code)
        .bind(&d.name)
        .bind(d.active)
        .bind(now)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(r == 1)
    }
}
