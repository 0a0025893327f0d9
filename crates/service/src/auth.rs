//! Signing in and out, sessions, password changes, self-registration and API tokens.

use chrono::Duration;
use satuatap_domain::role::Role;
use satuatap_domain::validate::Checker;
use satuatap_domain::{FieldError, Invalid};
use satuatap_store::users::NewUser;
use satuatap_store::{ApiTokenRow, Constraint};
use serde::{Deserialize, Serialize};

use crate::crypto::{hash_password, random_token, token_hash, verify_password};
use crate::{Actor, App, Error, Result, audit};

pub const MIN_PASSWORD: usize = 10;

/// How long failures of one account from one address are remembered.
const PAIR_WINDOW: Duration = Duration::hours(1);

/// The wait after `failures` failures of one account from one address: none
/// below `after`, then one minute, doubling with each further failure, at most
/// an hour.
pub fn lock_for(failures: usize, after: usize) -> Option<Duration> {
    let extra = failures.checked_sub(after)?;
    Some(Duration::minutes(1i64 << extra.min(6)).min(Duration::hours(1)))
}
pub const MAX_PASSWORD: usize = 200;

/// A new session: give `token` to the browser (cookie); only its hash is stored.
#[derive(Debug, Clone)]
pub struct NewSession {
    pub token: String,
    pub actor: Actor,
}

/// A new API token, shown once.
#[derive(Debug, Clone, Serialize)]
pub struct IssuedToken {
    pub id: i64,
    pub token: String,
    pub prefix: String,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct RegisterInput {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub password: String,
    #[serde(default)]
    pub password_confirm: String,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct PasswordChange {
    #[serde(default)]
    pub current_password: String,
    #[serde(default)]
    pub new_password: String,
    #[serde(default)]
    pub new_password_confirm: String,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct TokenInput {
    #[serde(default)]
    pub name: String,
    /// The account the token acts as (defaults to the issuer).
    #[serde(default)]
    pub user_id: Option<i64>,
}

/// Check a new password: length, and not the e-mail address.
pub fn check_new_password(c: &mut Checker, field: &str, password: &str, confirm: Option<&str>, email: &str) {
    let n = password.chars().count();
    if n == 0 {
        c.push(field, Invalid::Required);
    } else if n < MIN_PASSWORD {
        c.push(field, Invalid::TooShort { min: MIN_PASSWORD });
    } else if n > MAX_PASSWORD {
        c.push(field, Invalid::TooLong { max: MAX_PASSWORD });
    } else if password.eq_ignore_ascii_case(email) {
        c.push(field, Invalid::Format { hint: "hint-password-not-email" });
    }
    if let Some(confirm) = confirm
        && confirm != password
    {
        c.push(&format!("{field}_confirm"), Invalid::Mismatch);
    }
}

impl App {
    /// Seconds until `ip` may try `email` again, if it must wait: a growing wait
    /// for this account from this address, or a flat block of the address.
    async fn lockout(&self, pair_key: &str, ip_key: Option<&str>) -> Result<Option<u64>> {
        let now = self.now();
        let mut tx = self.store.read().await?;
        let mut wait = None::<u64>;
        let pair = tx.login_failures(pair_key, now - PAIR_WINDOW).await?;
        if let (Some(last), Some(lock)) = (pair.first(), lock_for(pair.len(), self.config.lockout_after)) {
            let secs = (*last + lock - now).num_seconds();
            if secs > 0 {
                wait = Some(secs as u64);
            }
        }
        if let Some(key) = ip_key {
            let limit = self.config.ip_lockout_after;
            let failures = tx.login_failures(key, now - self.config.lockout_window).await?;
            if failures.len() >= limit {
                // Blocked until the oldest of the last `limit` failures leaves the window.
                let until = failures[limit - 1] + self.config.lockout_window;
                let secs = (until - now).num_seconds().max(1) as u64;
                wait = Some(wait.map_or(secs, |w| w.max(secs)));
            }
        }
        Ok(wait)
    }

    /// Sign in with e-mail and password. Failures count per account and address
    /// (a growing wait for that address only) and per address (a block against
    /// guessing many accounts); past them the answer is [`Error::LockedOut`].
    /// The owner is told by e-mail when someone starts failing at their account.
    pub async fn login(
        &self,
        email: &str,
        password: &str,
        ip: Option<&str>,
        user_agent: Option<&str>,
    ) -> Result<NewSession> {
        let email = email.trim().to_lowercase();
        let email_key = format!("email:{email}");
        let pair_key = format!("pair:{email}|{}", ip.unwrap_or("-"));
        let ip_key = ip.map(|ip| format!("ip:{ip}"));
        if let Some(retry_after) = self.lockout(&pair_key, ip_key.as_deref()).await? {
            return Err(Error::LockedOut { retry_after });
        }
        let user = {
            let mut tx = self.store.read().await?;
            tx.user_by_email(&email).await?
        };
        // Verify against a fixed hash when the account is unknown, so timing
        // does not tell which addresses exist.
        let ok = match &user {
            Some(u) if u.active => verify_password(password, &u.password_hash).await,
            _ => {
                verify_dummy(password).await;
                false
            }
        };
        let now = self.now();
        let mut tx = self.store.begin().await?;
        let Some(user) = user.clone().filter(|_| ok) else {
            tx.record_login_failure(&email_key, now).await?;
            tx.record_login_failure(&pair_key, now).await?;
            if let Some(k) = &ip_key {
                tx.record_login_failure(k, now).await?;
            }
            if let Some(u) = user.as_ref().filter(|u| u.active) {
                let from_here = tx.login_failures(&pair_key, now - PAIR_WINDOW).await?.len();
                let everywhere = tx.login_failures(&email_key, now - self.config.lockout_window).await?.len();
                if from_here == self.config.lockout_after || everywhere == self.config.notify_after {
                    self.tell_owner_of_failures(&mut tx, u, ip, from_here.max(everywhere)).await?;
                }
            }
            tx.commit().await?;
            return Err(Error::BadCredentials);
        };
        let token = random_token(32)?;
        let id_hash = token_hash(&token);
        tx.insert_session(
            &id_hash,
            user.id,
            now,
            now + self.config.session_idle,
            ip,
            user_agent
                .map(|s| {
                    let s: String = s.chars().take(300).collect();
                    s
                })
                .as_deref(),
        )
        .await?;
        tx.clear_login_failures(&pair_key).await?;
        tx.note_login(user.id, now).await?;
        tx.commit().await?;
        let mut actor = Actor::from_user(&user);
        actor.session = Some(id_hash);
        actor.ip = ip.map(str::to_string);
        Ok(NewSession { token, actor })
    }

    /// Tell an account's owner that sign-ins are failing: which address, how many,
    /// and what to do. Through the outbox, in the transaction that counts them.
    async fn tell_owner_of_failures(
        &self,
        tx: &mut satuatap_store::Tx,
        user: &satuatap_store::UserRow,
        ip: Option<&str>,
        failures: usize,
    ) -> Result<()> {
        let tz: chrono_tz::Tz = chrono_tz::Asia::Jakarta;
        let when = self.now().with_timezone(&tz).format("%d-%m-%Y %H:%M WIB");
        let from = ip.unwrap_or("?");
        let text = format!(
            "Ada {failures} percobaan masuk yang gagal ke akun satuatap Anda ({email}), terakhir dari alamat {from} \
             pada {when}. Alamat itu harus menunggu sebelum mencoba lagi; Anda tetap dapat masuk seperti biasa. \
             Jika itu bukan Anda, ganti kata sandi Anda.\n\n\
             {failures} failed sign-ins to your satuatap account ({email}), the last from {from} at {when}. \
             That address must wait before trying again; you can still sign in as usual. \
             If it was not you, change your password.",
            email = user.email,
        );
        let message = satuatap_store::NewMessage {
            mpp_id: user.mpp_id,
            booking_id: None,
            kind: "login_failures".into(),
            channel: self.email_channel().into(),
            recipient_sealed: self.keys.seal(&user.email)?,
            recipient_masked: satuatap_domain::booking::mask_email(&user.email),
            subject: "Percobaan masuk gagal / Failed sign-ins".into(),
            body_sealed: self.keys.seal(&text)?,
            send_at: self.now(),
        };
        tx.enqueue_message(&message, self.now()).await?;
        Ok(())
    }

    /// The actor behind a session cookie, if the session is live. Sliding
    /// expiry: a session used within its idle time is extended (at most once a minute).
    pub async fn session_actor(&self, token: &str) -> Result<Option<Actor>> {
        let id_hash = token_hash(token);
        let now = self.now();
        let mut tx = self.store.read().await?;
        let Some(s) = tx.session(&id_hash).await? else {
            return Ok(None);
        };
        if s.expires_at <= now {
            return Ok(None);
        }
        let Some(user) = tx.user(s.user_id).await?.filter(|u| u.active) else {
            return Ok(None);
        };
        drop(tx);
        if now - s.last_seen_at > Duration::minutes(1) {
            let mut tx = self.store.begin().await?;
            tx.touch_session(&id_hash, now, now + self.config.session_idle).await?;
            tx.commit().await?;
        }
        let mut actor = Actor::from_user(&user);
        actor.session = Some(id_hash);
        Ok(Some(actor))
    }

    /// The actor behind an API token (`Authorization: Bearer …`).
    pub async fn token_actor(&self, token: &str) -> Result<Option<Actor>> {
        let hash = token_hash(token.trim());
        let mut tx = self.store.read().await?;
        let Some((token_id, user_id)) = tx.api_token_user(&hash).await? else {
            return Ok(None);
        };
        let Some(user) = tx.user(user_id).await?.filter(|u| u.active) else {
            return Ok(None);
        };
        drop(tx);
        let mut w = self.store.begin().await?;
        w.touch_api_token(token_id, self.now()).await?;
        w.commit().await?;
        let mut actor = Actor::from_user(&user);
        actor.via_token = true;
        // A token is for integrations; a forced password change does not apply.
        actor.must_change_password = false;
        Ok(Some(actor))
    }

    pub async fn logout(&self, actor: &Actor) -> Result<()> {
        if let Some(id) = &actor.session {
            let mut tx = self.store.begin().await?;
            tx.delete_session(id).await?;
            tx.commit().await?;
        }
        Ok(())
    }

    /// Change one's own password; other sessions of the account end.
    pub async fn change_password(&self, actor: &Actor, input: &PasswordChange) -> Result<()> {
        let user = {
            let mut tx = self.store.read().await?;
            tx.user(actor.user_id).await?.ok_or(Error::Unauthenticated)?
        };
        let mut c = Checker::new();
        if !verify_password(&input.current_password, &user.password_hash).await {
            c.push("current_password", Invalid::Mismatch);
        }
        check_new_password(&mut c, "new_password", &input.new_password, Some(&input.new_password_confirm), &user.email);
        if input.new_password == input.current_password && !c.has("new_password") {
            c.push("new_password", Invalid::Format { hint: "hint-password-new" });
        }
        c.finish(()).map_err(Error::Invalid)?;
        let hash = hash_password(&input.new_password).await?;
        let mut tx = self.store.begin().await?;
        tx.set_password(user.id, &hash, false, self.now()).await?;
        tx.delete_sessions_of(user.id, actor.session.as_deref()).await?;
        audit::record::<(), ()>(
            &mut tx,
            self,
            actor,
            audit::Change::new(user.mpp_id, "user", user.id, "change_password"),
            None,
            None,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// A citizen creates an account (optional; nothing public requires one).
    pub async fn register_citizen(&self, input: &RegisterInput, ip: Option<&str>) -> Result<i64> {
        let mut c = Checker::new();
        let name = c.text("name", &input.name, 120);
        let email = c.email("email", &input.email);
        check_new_password(&mut c, "password", &input.password, Some(&input.password_confirm), &email);
        c.finish(()).map_err(Error::Invalid)?;
        let hash = hash_password(&input.password).await?;
        let mut tx = self.store.begin().await?;
        if tx.user_by_email(&email).await?.is_some() {
            return Err(Error::Invalid(vec![FieldError::new("email", Invalid::Taken)]));
        }
        let new = NewUser {
            email: email.clone(),
            name,
            password_hash: hash,
            role: Role::Citizen,
            mpp_id: None,
            provider_id: None,
            must_change_password: false,
        };
        let id = tx.insert_user(&new, self.now()).await.map_err(|e| {
            if e.violates(Constraint::UserEmail) { Error::field("email", Invalid::Taken) } else { e.into() }
        })?;
        let mut actor = Actor::system();
        actor.ip = ip.map(str::to_string);
        actor.email = email.clone();
        audit::record(
            &mut tx,
            self,
            &actor,
            audit::Change::new(None, "user", id, "register"),
            None::<&()>,
            Some(&serde_json::json!({
                "email": email, "role": "citizen"
            })),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    // --- API tokens ---------------------------------------------------------------

    /// Issue a token that acts as a user the issuer manages (national admins:
    /// anyone; MPP managers: accounts of their MPP). Shown once.
    pub async fn issue_token(&self, actor: &Actor, input: &TokenInput) -> Result<IssuedToken> {
        actor.require(actor.is_national() || actor.role == Role::MppManager)?;
        let mut c = Checker::new();
        let name = c.text("name", &input.name, 100);
        c.finish(()).map_err(Error::Invalid)?;
        let user_id = input.user_id.unwrap_or(actor.user_id);
        let mut tx = self.store.begin().await?;
        let user = tx.user(user_id).await?.ok_or_else(|| Error::field("user_id", Invalid::Unknown))?;
        if !actor.is_national() && (user.mpp_id != actor.mpp_id || user.role.0 == Role::NationalAdmin) {
            return Err(Error::Forbidden);
        }
        let token = format!("sat_{}", random_token(32)?);
        let prefix: String = token.chars().take(10).collect();
        let id = tx.insert_api_token(user.id, &name, &token_hash(&token), &prefix, actor.user_id, self.now()).await?;
        audit::record(
            &mut tx,
            self,
            actor,
            audit::Change::new(user.mpp_id, "api_token", id, "issue"),
            None::<&()>,
            Some(&serde_json::json!({
                "name": name, "user_id": user.id, "prefix": prefix
            })),
        )
        .await?;
        tx.commit().await?;
        Ok(IssuedToken { id, token, prefix })
    }

    pub async fn tokens(&self, actor: &Actor) -> Result<Vec<ApiTokenRow>> {
        actor.require(actor.is_national() || actor.role == Role::MppManager)?;
        let mut tx = self.store.read().await?;
        let scope = if actor.is_national() { None } else { actor.mpp_id };
        Ok(tx.api_tokens(scope).await?)
    }

    pub async fn revoke_token(&self, actor: &Actor, id: i64) -> Result<()> {
        actor.require(actor.is_national() || actor.role == Role::MppManager)?;
        let mut tx = self.store.begin().await?;
        let t = tx.api_token(id).await?.ok_or(Error::NotFound)?;
        if !actor.is_national() && t.user_mpp_id != actor.mpp_id {
            return Err(Error::NotFound);
        }
        tx.revoke_api_token(id, self.now()).await?;
        audit::record(
            &mut tx,
            self,
            actor,
            audit::Change::new(t.user_mpp_id, "api_token", id, "revoke"),
            Some(&t),
            None::<&()>,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Housekeeping: drop expired sessions and old failed-login records.
    pub async fn prune(&self) -> Result<()> {
        let now = self.now();
        let mut tx = self.store.begin().await?;
        tx.delete_expired_sessions(now).await?;
        tx.prune_login_failures(now - Duration::days(1)).await?;
        tx.commit().await?;
        Ok(())
    }
}

/// Spend the time of a real verification for an unknown account.
async fn verify_dummy(password: &str) {
    use argon2::password_hash::PasswordHasher as _;
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let pw = password.to_owned();
    let _ = tokio::task::spawn_blocking(move || {
        let hash = DUMMY.get_or_init(|| {
            argon2::Argon2::default()
                .hash_password(b"satuatap-dummy-password")
                .map(|h| h.to_string())
                .unwrap_or_default()
        });
        if let Ok(parsed) = argon2::password_hash::phc::PasswordHash::new(hash) {
            use argon2::password_hash::PasswordVerifier as _;
            let _ = argon2::Argon2::default().verify_password(pw.as_bytes(), &parsed);
        }
    })
    .await;
}
