//! Staff accounts, managed within each role's scope.

use chrono::{DateTime, Utc};
use satuatap_domain::role::Role;
use satuatap_domain::validate::Checker;
use satuatap_domain::{FieldError, Invalid};
use satuatap_store::users::{NewUser, UserFilter};
use satuatap_store::{Constraint, UserRow};
use serde::{Deserialize, Serialize};

use crate::auth::check_new_password;
use crate::crypto::hash_password;
use crate::input::{Loose, flag, loose};
use crate::{Actor, App, Error, Result, audit};

/// An account as shown to administrators (never the password hash).
#[derive(Debug, Clone, Serialize)]
pub struct UserView {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub mpp_id: Option<i64>,
    pub provider_id: Option<i64>,
    pub active: bool,
    pub must_change_password: bool,
    pub created_at: DateTime<Utc>,
    pub last_login_at: Option<DateTime<Utc>>,
}

impl From<&UserRow> for UserView {
    fn from(u: &UserRow) -> Self {
        UserView {
            id: u.id,
            email: u.email.clone(),
            name: u.name.clone(),
            role: u.role.0,
            mpp_id: u.mpp_id,
            provider_id: u.provider_id,
            active: u.active,
            must_change_password: u.must_change_password,
            created_at: u.created_at,
            last_login_at: u.last_login_at,
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct UserInput {
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub role: String,
    #[serde(default, deserialize_with = "loose")]
    #[schema(value_type = Option<i64>)]
    pub mpp_id: Loose<i64>,
    #[serde(default, deserialize_with = "loose")]
    #[schema(value_type = Option<i64>)]
    pub provider_id: Loose<i64>,
    #[serde(default = "yes", deserialize_with = "flag")]
    pub active: bool,
    /// Required when creating; when updating, sets a new temporary password.
    #[serde(default)]
    pub password: Option<String>,
}

fn yes() -> bool {
    true
}

struct Parsed {
    email: String,
    name: String,
    role: Role,
    mpp_id: Option<i64>,
    provider_id: Option<i64>,
    active: bool,
    password: Option<String>,
}

fn id_field(c: &mut Checker, field: &str, v: &Loose<i64>) -> Option<i64> {
    match v {
        None => None,
        Some(Ok(id)) => Some(*id),
        Some(Err(_)) => {
            c.push(field, Invalid::Unknown);
            None
        }
    }
}

impl App {
    /// Parse and check that the actor may hold an account with this role and scope.
    async fn parse_user(&self, actor: &Actor, input: &UserInput, creating: bool) -> Result<Parsed> {
        let mut c = Checker::new();
        let email = c.email("email", &input.email);
        let name = c.text("name", &input.name, 120);
        let role = Role::parse(input.role.trim()).unwrap_or_else(|| {
            c.push("role", if input.role.trim().is_empty() { Invalid::Required } else { Invalid::NotAllowed });
            Role::CounterOfficer
        });
        let mut mpp_id = id_field(&mut c, "mpp_id", &input.mpp_id);
        let mut provider_id = id_field(&mut c, "provider_id", &input.provider_id);
        // Scope follows the actor: a manager's accounts are in their MPP, a provider admin's in their provider.
        match actor.role {
            Role::NationalAdmin => {}
            Role::MppManager => {
                if !matches!(role, Role::MppManager | Role::ProviderAdmin | Role::CounterOfficer) {
                    c.push("role", Invalid::NotAllowed);
                }
                if mpp_id.is_some_and(|m| Some(m) != actor.mpp_id) {
                    return Err(Error::Forbidden);
                }
                mpp_id = actor.mpp_id;
            }
            Role::ProviderAdmin => {
                if role != Role::CounterOfficer {
                    c.push("role", Invalid::NotAllowed);
                }
                if mpp_id.is_some_and(|m| Some(m) != actor.mpp_id)
                    || provider_id.is_some_and(|p| Some(p) != actor.provider_id)
                {
                    return Err(Error::Forbidden);
                }
                mpp_id = actor.mpp_id;
                provider_id = actor.provider_id;
            }
            Role::CounterOfficer | Role::Evaluator | Role::Citizen => return Err(Error::Forbidden),
        }
        // An evaluator may record the MPP whose region employs them: never one to evaluate.
        if !role.needs_mpp() && role != Role::Evaluator {
            mpp_id = None;
        }
        if !role.needs_provider() {
            provider_id = None;
        }
        if role.needs_mpp() && mpp_id.is_none() && !c.has("mpp_id") {
            c.push("mpp_id", Invalid::Required);
        }
        if role.needs_provider() && provider_id.is_none() && !c.has("provider_id") {
            c.push("provider_id", Invalid::Required);
        }
        {
            let mut tx = self.store.read().await?;
            if let Some(m) = mpp_id
                && tx.mpp(m).await?.is_none()
            {
                c.push("mpp_id", Invalid::Unknown);
            }
            if let Some(p) = provider_id {
                match tx.provider(p).await? {
                    Some(row) if Some(row.mpp_id) == mpp_id => {}
                    _ => c.push("provider_id", Invalid::Unknown),
                }
            }
        }
        let password = input.password.as_deref().filter(|p| !p.is_empty()).map(str::to_string);
        match &password {
            Some(p) => check_new_password(&mut c, "password", p, None, &email),
            None if creating => c.push("password", Invalid::Required),
            None => {}
        }
        c.finish(Parsed { email, name, role, mpp_id, provider_id, active: input.active, password })
            .map_err(Error::Invalid)
    }

    /// Whether the actor may manage an existing account.
    fn manages_user(actor: &Actor, u: &UserRow) -> bool {
        match actor.role {
            Role::NationalAdmin => true,
            Role::MppManager => {
                u.mpp_id == actor.mpp_id && u.role.0.rank() <= Role::MppManager.rank() && u.role.0.is_staff()
            }
            Role::ProviderAdmin => {
                u.role.0 == Role::CounterOfficer && u.mpp_id == actor.mpp_id && u.provider_id == actor.provider_id
            }
            _ => false,
        }
    }

    pub async fn users(&self, actor: &Actor) -> Result<Vec<UserView>> {
        let filter = match actor.role {
            Role::NationalAdmin => UserFilter::default(),
            Role::MppManager => UserFilter { mpp_id: actor.mpp_id, provider_id: None },
            Role::ProviderAdmin => UserFilter { mpp_id: actor.mpp_id, provider_id: actor.provider_id },
            _ => return Err(Error::Forbidden),
        };
        let mut tx = self.store.read().await?;
        let rows = tx.users(&filter).await?;
        Ok(rows.iter().filter(|u| Self::manages_user(actor, u) || u.id == actor.user_id).map(UserView::from).collect())
    }

    pub async fn user(&self, actor: &Actor, id: i64) -> Result<UserView> {
        let mut tx = self.store.read().await?;
        let u = tx.user(id).await?.ok_or(Error::NotFound)?;
        if !(Self::manages_user(actor, &u) || u.id == actor.user_id) {
            return Err(Error::NotFound);
        }
        Ok(UserView::from(&u))
    }

    /// Create an account; the person must change the given password at first sign-in.
    pub async fn create_user(&self, actor: &Actor, input: &UserInput) -> Result<UserView> {
        let p = self.parse_user(actor, input, true).await?;
        let hash = hash_password(p.password.as_deref().unwrap_or_default()).await?;
        let mut tx = self.store.begin().await?;
        if tx.user_by_email(&p.email).await?.is_some() {
            return Err(Error::field("email", Invalid::Taken));
        }
        let new = NewUser {
            email: p.email,
            name: p.name,
            password_hash: hash,
            role: p.role,
            mpp_id: p.mpp_id,
            provider_id: p.provider_id,
            must_change_password: actor.user_id != 0,
        };
        let id = tx.insert_user(&new, self.now()).await.map_err(|e| {
            if e.violates(Constraint::UserEmail) { Error::field("email", Invalid::Taken) } else { e.into() }
        })?;
        let row = tx.user(id).await?.ok_or(Error::NotFound)?;
        let view = UserView::from(&row);
        audit::record(
            &mut tx,
            self,
            actor,
            audit::Change::new(row.mpp_id, "user", id, "create"),
            None::<&()>,
            Some(&view),
        )
        .await?;
        tx.commit().await?;
        Ok(view)
    }

    /// Change an account's name, role, scope or state, or set a temporary password.
    pub async fn update_user(&self, actor: &Actor, id: i64, input: &UserInput) -> Result<UserView> {
        let before = {
            let mut tx = self.store.read().await?;
            tx.user(id).await?.ok_or(Error::NotFound)?
        };
        if !Self::manages_user(actor, &before) {
            return Err(if actor.role.is_staff() && actor.role != Role::CounterOfficer {
                Error::NotFound
            } else {
                Error::Forbidden
            });
        }
        let p = self.parse_user(actor, input, false).await?;
        let mut errs = Vec::new();
        if p.email != before.email {
            errs.push(FieldError::new("email", Invalid::NotAllowed));
        }
        if id == actor.user_id && (p.role != before.role.0 || !p.active) {
            errs.push(FieldError::new("role", Invalid::NotAllowed));
        }
        if !errs.is_empty() {
            return Err(Error::Invalid(errs));
        }
        let hash = match &p.password {
            Some(pw) => Some(hash_password(pw).await?),
            None => None,
        };
        let now = self.now();
        let mut tx = self.store.begin().await?;
        tx.update_user(id, &p.name, p.role, p.mpp_id, p.provider_id, p.active, now).await?;
        if let Some(h) = &hash {
            tx.set_password(id, h, true, now).await?;
        }
        if hash.is_some() || !p.active || p.role != before.role.0 {
            tx.delete_sessions_of(id, None).await?;
        }
        let row = tx.user(id).await?.ok_or(Error::NotFound)?;
        let view = UserView::from(&row);
        let mut after = serde_json::to_value(&view).unwrap_or_default();
        if hash.is_some() {
            after["password"] = "reset".into();
        }
        audit::record(
            &mut tx,
            self,
            actor,
            audit::Change::new(row.mpp_id.or(before.mpp_id), "user", id, "update"),
            Some(&UserView::from(&before)),
            Some(&after),
        )
        .await?;
        tx.commit().await?;
        Ok(view)
    }

    /// Create an account from the command line (e.g. the first national admin).
    pub async fn bootstrap_user(&self, input: &UserInput, must_change_password: bool) -> Result<UserView> {
        let view = self.create_user(&Actor::system(), input).await?;
        if must_change_password {
            let mut tx = self.store.begin().await?;
            let row = tx.user(view.id).await?.ok_or(Error::NotFound)?;
            tx.set_password(view.id, &row.password_hash, true, self.now()).await?;
            tx.commit().await?;
        }
        Ok(view)
    }
}
