//! Kiosks, boards and tablets paired with an MPP.

use chrono::{DateTime, Utc};
use satuatap_domain::device::DeviceKind;

use crate::{Result, Tx, on_conn};

const SELECT: &str = "SELECT d.id, d.mpp_id, d.kind, d.name, d.counter_id, k.code AS counter_code, d.zone,
        d.pairing_expires_at, d.paired_at, d.last_seen_at, d.last_ip, d.revoked_at, d.created_at
    FROM devices d LEFT JOIN counters k ON k.id = d.counter_id";

crate::model::text_column!(DeviceKindCol, DeviceKind, DeviceKind::parse);

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DeviceRow {
    pub id: i64,
    pub mpp_id: i64,
    #[sqlx(try_from = "String")]
    pub kind: DeviceKindCol,
    pub name: String,
    /// The counter a survey tablet stands at.
    pub counter_id: Option<i64>,
    pub counter_code: Option<String>,
    /// The zone a board shows (all when none).
    pub zone: Option<String>,
    /// Until when the pairing code may be typed in (while not paired).
    pub pairing_expires_at: Option<DateTime<Utc>>,
    pub paired_at: Option<DateTime<Utc>>,
    pub last_seen_at: Option<DateTime<Utc>>,
    pub last_ip: Option<String>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub struct NewDevice {
    pub mpp_id: i64,
    pub kind: DeviceKind,
    pub name: String,
    pub counter_id: Option<i64>,
    pub zone: Option<String>,
    pub pairing_hash: String,
    pub pairing_expires_at: DateTime<Utc>,
    pub created_by: Option<i64>,
}

impl Tx {
    pub async fn insert_device(&mut self, d: &NewDevice, now: DateTime<Utc>) -> Result<i64> {
        Ok(on_conn!(self, |c| sqlx::query_scalar(
            "INSERT INTO devices (mpp_id, kind, name, counter_id, zone, pairing_hash, pairing_expires_at, created_by,
                created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id"
        )
        .bind(d.mpp_id)
        .bind(d.kind.as_str())
        .bind(&d.name)
        .bind(d.counter_id)
        .bind(&d.zone)
        .bind(&d.pairing_hash)
        .bind(d.pairing_expires_at)
        .bind(d.created_by)
        .bind(now)
        .fetch_one(c)
        .await)?)
    }

    pub async fn device(&mut self, id: i64) -> Result<Option<DeviceRow>> {
        let sql = sqlx::AssertSqlSafe(format!("{SELECT} WHERE d.id = $1"));
        Ok(on_conn!(self, |c| sqlx::query_as(sql).bind(id).fetch_optional(c).await)?)
    }

    pub async fn devices(&mut self, mpp_id: i64) -> Result<Vec<DeviceRow>> {
        let sql = sqlx::AssertSqlSafe(format!("{SELECT} WHERE d.mpp_id = $1 ORDER BY d.revoked_at IS NOT NULL, d.id"));
        Ok(on_conn!(self, |c| sqlx::query_as(sql).bind(mpp_id).fetch_all(c).await)?)
    }

    /// The live (paired, not revoked) device with this credential hash.
    pub async fn device_by_credential(&mut self, credential_hash: &str) -> Result<Option<DeviceRow>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "{SELECT} WHERE d.credential_hash = $1 AND d.revoked_at IS NULL AND d.paired_at IS NOT NULL"
        ));
        Ok(on_conn!(self, |c| sqlx::query_as(sql).bind(credential_hash).fetch_optional(c).await)?)
    }

    /// Exchange a pairing code for a credential: one conditional update, so a
    /// code pairs one device once, before it expires. Returns the device's id.
    pub async fn pair_device(
        &mut self,
        pairing_hash: &str,
        credential_hash: &str,
        ip: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<Option<i64>> {
        Ok(on_conn!(self, |c| sqlx::query_scalar(
            "UPDATE devices SET credential_hash = $2, pairing_hash = NULL, pairing_expires_at = NULL,
                paired_at = $4, last_seen_at = $4, last_ip = $3
             WHERE pairing_hash = $1 AND pairing_expires_at > $4 AND revoked_at IS NULL RETURNING id"
        )
        .bind(pairing_hash)
        .bind(credential_hash)
        .bind(ip)
        .bind(now)
        .fetch_optional(c)
        .await)?)
    }

    /// A new pairing code for a device (re-pairing a replaced screen): its old
    /// credential stops working at once.
    pub async fn reset_device_pairing(
        &mut self,
        id: i64,
        pairing_hash: &str,
        expires_at: DateTime<Utc>,
    ) -> Result<bool> {
        let n = on_conn!(self, |c| {
            sqlx::query(
            "UPDATE devices SET pairing_hash = $2, pairing_expires_at = $3, credential_hash = NULL, paired_at = NULL
             WHERE id = $1 AND revoked_at IS NULL"
        )
        .bind(id)
        .bind(pairing_hash)
        .bind(expires_at)
        .execute(c)
        .await
        .map(|r| r.rows_affected())
        })?;
        Ok(n == 1)
    }

    pub async fn revoke_device(&mut self, id: i64, now: DateTime<Utc>) -> Result<bool> {
        let n = on_conn!(self, |c| {
            sqlx::query(
            "UPDATE devices SET revoked_at = $2, credential_hash = NULL, pairing_hash = NULL, pairing_expires_at = NULL
             WHERE id = $1 AND revoked_at IS NULL"
        )
        .bind(id)
        .bind(now)
        .execute(c)
        .await
        .map(|r| r.rows_affected())
        })?;
        Ok(n == 1)
    }

    pub async fn touch_device(&mut self, id: i64, ip: Option<&str>, now: DateTime<Utc>) -> Result<()> {
        on_conn!(self, |c| sqlx::query("UPDATE devices SET last_seen_at = $2, last_ip = $3 WHERE id = $1")
            .bind(id)
            .bind(now)
            .bind(ip)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(())
    }
}
