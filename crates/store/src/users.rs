//! Accounts, server-side sessions, API tokens and failed-login records.

use chrono::{DateTime, Utc};
use satuatap_domain::role::Role;

use crate::model::{ApiTokenRow, SessionRow, UserRow};
use crate::{Result, Tx, on_conn};

const USER_SELECT: &str = "SELECT id, email, name, password_hash, role, mpp_id, provider_id, active,
        must_change_password, created_at, updated_at, last_login_at FROM users";

#[derive(Debug, Clone)]
pub struct NewUser {
    pub email: String,
    pub name: String,
    pub password_hash: String,
    pub role: Role,
    pub mpp_id: Option<i64>,
    pub provider_id: Option<i64>,
    pub must_change_password: bool,
}

#[derive(Debug, Clone, Default)]
pub struct UserFilter {
    pub mpp_id: Option<i64>,
    pub provider_id: Option<i64>,
}

impl Tx {
    pub async fn user(&mut self, id: i64) -> Result<Option<UserRow>> {
        let sql = sqlx::AssertSqlSafe(format!("{USER_SELECT} WHERE id = $1"));
        Ok(on_conn!(self, |c| sqlx::query_as(sql).bind(id).fetch_optional(c).await)?)
    }

    pub async fn user_by_email(&mut self, email: &str) -> Result<Option<UserRow>> {
        let sql = sqlx::AssertSqlSafe(format!("{USER_SELECT} WHERE email = $1"));
        Ok(on_conn!(self, |c| sqlx::query_as(sql).bind(email).fetch_optional(c).await)?)
    }

    pub async fn users(&mut self, f: &UserFilter) -> Result<Vec<UserRow>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "{USER_SELECT} WHERE ($1 IS NULL OR mpp_id = $1) AND ($2 IS NULL OR provider_id = $2)
             ORDER BY role, email LIMIT 2000"
        ));
        Ok(on_conn!(self, |c| sqlx::query_as(sql).bind(f.mpp_id).bind(f.provider_id).fetch_all(c).await)?)
    }

    pub async fn count_users(&mut self) -> Result<i64> {
        Ok(on_conn!(self, |c| sqlx::query_scalar("SELECT COUNT(*) FROM users").fetch_one(c).await)?)
    }

    pub async fn insert_user(&mut self, u: &NewUser, now: DateTime<Utc>) -> Result<i64> {
        Ok(on_conn!(self, |c| sqlx::query_scalar(
            "INSERT INTO users (email, name, password_hash, role, mpp_id, provider_id, active, must_change_password,
                created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, TRUE, $7, $8, $8) RETURNING id"
        )
        .bind(&u.email)
        .bind(&u.name)
        .bind(&u.password_hash)
        .bind(u.role.as_str())
        .bind(u.mpp_id)
        .bind(u.provider_id)
        .bind(u.must_change_password)
        .bind(now)
        .fetch_one(c)
        .await)?)
    }

    #[allow(clippy::too_many_arguments)]
    pub async fn update_user(
        &mut self,
        id: i64,
        name: &str,
        role: Role,
        mpp_id: Option<i64>,
        provider_id: Option<i64>,
        active: bool,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        let r = on_conn!(self, |c| sqlx::query(
            "UPDATE users SET name = $2, role = $3, mpp_id = $4, provider_id = $5, active = $6, updated_at = $7
             WHERE id = $1"
        )
        .bind(id)
        .bind(name)
        .bind(role.as_str())
        .bind(mpp_id)
        .bind(provider_id)
        .bind(active)
        .bind(now)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(r == 1)
    }

    pub async fn set_password(&mut self, id: i64, hash: &str, must_change: bool, now: DateTime<Utc>) -> Result<()> {
        on_conn!(self, |c| sqlx::query(
            "UPDATE users SET password_hash = $2, must_change_password = $3, updated_at = $4 WHERE id = $1"
        )
        .bind(id)
        .bind(hash)
        .bind(must_change)
        .bind(now)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(())
    }

    pub async fn note_login(&mut self, id: i64, now: DateTime<Utc>) -> Result<()> {
        on_conn!(self, |c| sqlx::query("UPDATE users SET last_login_at = $2 WHERE id = $1")
            .bind(id)
            .bind(now)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(())
    }

    // --- sessions -------------------------------------------------------------

    pub async fn insert_session(
        &mut self,
        id_hash: &str,
        user_id: i64,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
        ip: Option<&str>,
        user_agent: Option<&str>,
    ) -> Result<()> {
        on_conn!(self, |c| sqlx::query(
            "INSERT INTO sessions (id, user_id, created_at, expires_at, last_seen_at, ip, user_agent)
             VALUES ($1, $2, $3, $4, $3, $5, $6)"
        )
        .bind(id_hash)
        .bind(user_id)
        .bind(now)
        .bind(expires_at)
        .bind(ip)
        .bind(user_agent)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(())
    }

    pub async fn session(&mut self, id_hash: &str) -> Result<Option<SessionRow>> {
        Ok(on_conn!(self, |c| sqlx::query_as(
            "SELECT id, user_id, created_at, expires_at, last_seen_at FROM sessions WHERE id = $1"
        )
        .bind(id_hash)
        .fetch_optional(c)
        .await)?)
    }

    pub async fn touch_session(&mut self, id_hash: &str, now: DateTime<Utc>, expires_at: DateTime<Utc>) -> Result<()> {
        on_conn!(self, |c| sqlx::query("UPDATE sessions SET last_seen_at = $2, expires_at = $3 WHERE id = $1")
            .bind(id_hash)
            .bind(now)
            .bind(expires_at)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(())
    }

    pub async fn delete_session(&mut self, id_hash: &str) -> Result<()> {
        on_conn!(self, |c| sqlx::query("DELETE FROM sessions WHERE id = $1")
            .bind(id_hash)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// End every session of a user except `keep` (after a password change).
    pub async fn delete_sessions_of(&mut self, user_id: i64, keep: Option<&str>) -> Result<()> {
        on_conn!(self, |c| sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND ($2 IS NULL OR id <> $2)")
            .bind(user_id)
            .bind(keep)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(())
    }

    pub async fn delete_expired_sessions(&mut self, now: DateTime<Utc>) -> Result<u64> {
        let r = on_conn!(self, |c| sqlx::query("DELETE FROM sessions WHERE expires_at < $1")
            .bind(now)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(r)
    }

    // --- API tokens -----------------------------------------------------------

    pub async fn insert_api_token(
        &mut self,
        user_id: i64,
        name: &str,
        token_hash: &str,
        prefix: &str,
        created_by: i64,
        now: DateTime<Utc>,
    ) -> Result<i64> {
        Ok(on_conn!(self, |c| sqlx::query_scalar(
            "INSERT INTO api_tokens (user_id, name, token_hash, prefix, created_by, created_at)
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id"
        )
        .bind(user_id)
        .bind(name)
        .bind(token_hash)
        .bind(prefix)
        .bind(created_by)
        .bind(now)
        .fetch_one(c)
        .await)?)
    }

    /// The live (not revoked) token with this hash and the user it acts as.
    pub async fn api_token_user(&mut self, token_hash: &str) -> Result<Option<(i64, i64)>> {
        Ok(on_conn!(self, |c| sqlx::query_as(
            "SELECT id, user_id FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL"
        )
        .bind(token_hash)
        .fetch_optional(c)
        .await)?)
    }

    pub async fn touch_api_token(&mut self, id: i64, now: DateTime<Utc>) -> Result<()> {
        on_conn!(self, |c| sqlx::query("UPDATE api_tokens SET last_used_at = $2 WHERE id = $1")
            .bind(id)
            .bind(now)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(())
    }

    pub async fn api_tokens(&mut self, mpp_id: Option<i64>) -> Result<Vec<ApiTokenRow>> {
        Ok(on_conn!(self, |c| sqlx::query_as(
            "SELECT t.id, t.user_id, t.name, t.prefix, t.created_by, t.created_at, t.last_used_at, t.revoked_at,
                    u.email AS user_email, u.mpp_id AS user_mpp_id
             FROM api_tokens t JOIN users u ON u.id = t.user_id
             WHERE ($1 IS NULL OR u.mpp_id = $1) ORDER BY t.created_at DESC"
        )
        .bind(mpp_id)
        .fetch_all(c)
        .await)?)
    }

    pub async fn api_token(&mut self, id: i64) -> Result<Option<ApiTokenRow>> {
        Ok(on_conn!(self, |c| sqlx::query_as(
            "SELECT t.id, t.user_id, t.name, t.prefix, t.created_by, t.created_at, t.last_used_at, t.revoked_at,
                    u.email AS user_email, u.mpp_id AS user_mpp_id
             FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.id = $1"
        )
        .bind(id)
        .fetch_optional(c)
        .await)?)
    }

    pub async fn revoke_api_token(&mut self, id: i64, now: DateTime<Utc>) -> Result<bool> {
        let r = on_conn!(self, |c| sqlx::query(
            "UPDATE api_tokens SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL"
        )
        .bind(id)
        .bind(now)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(r == 1)
    }

    // --- failed logins ----------------------------------------------------------

    pub async fn record_login_failure(&mut self, key: &str, now: DateTime<Utc>) -> Result<()> {
        on_conn!(self, |c| sqlx::query("INSERT INTO login_failures (key, at) VALUES ($1, $2)")
            .bind(key)
            .bind(now)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// Failures for `key` since `since`, newest first.
    pub async fn login_failures(&mut self, key: &str, since: DateTime<Utc>) -> Result<Vec<DateTime<Utc>>> {
        Ok(on_conn!(self, |c| sqlx::query_scalar(
            "SELECT at FROM login_failures WHERE key = $1 AND at >= $2 ORDER BY at DESC LIMIT 100"
        )
        .bind(key)
        .bind(since)
        .fetch_all(c)
        .await)?)
    }

    pub async fn clear_login_failures(&mut self, key: &str) -> Result<()> {
        on_conn!(self, |c| sqlx::query("DELETE FROM login_failures WHERE key = $1")
            .bind(key)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(())
    }

    pub async fn prune_login_failures(&mut self, before: DateTime<Utc>) -> Result<()> {
        on_conn!(self, |c| sqlx::query("DELETE FROM login_failures WHERE at < $1")
            .bind(before)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(())
    }
}
