//! Who is acting, and what their role lets them touch. Every operation that
//! writes (or reads private data) checks one of these before it opens a transaction.

use satuatap_domain::role::Role;
use satuatap_store::UserRow;

use crate::{Error, Result};

/// A signed-in person (by session) or an integration (by API token).
#[derive(Debug, Clone)]
pub struct Actor {
    pub user_id: i64,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub mpp_id: Option<i64>,
    pub provider_id: Option<i64>,
    pub must_change_password: bool,
    pub via_token: bool,
    /// The hashed session id, when acting through a browser session.
    pub session: Option<String>,
    pub ip: Option<String>,
}

impl Actor {
    pub fn from_user(u: &UserRow) -> Actor {
        Actor {
            user_id: u.id,
            email: u.email.clone(),
            name: u.name.clone(),
            role: u.role.0,
            mpp_id: u.mpp_id,
            provider_id: u.provider_id,
            must_change_password: u.must_change_password,
            via_token: false,
            session: None,
            ip: None,
        }
    }

    /// The built-in actor for command-line and demo loading.
    pub fn system() -> Actor {
        Actor {
            user_id: 0,
            email: "system".into(),
            name: "system".into(),
            role: Role::NationalAdmin,
            mpp_id: None,
            provider_id: None,
            must_change_password: false,
            via_token: false,
            session: None,
            ip: None,
        }
    }

    pub fn is_national(&self) -> bool {
        self.role == Role::NationalAdmin
    }

    /// May change this MPP's profile, providers and local holidays.
    pub fn manages_mpp(&self, mpp_id: i64) -> bool {
        self.is_national() || (self.role == Role::MppManager && self.mpp_id == Some(mpp_id))
    }

    /// May change this provider's services and counters.
    pub fn manages_provider(&self, mpp_id: i64, provider_id: i64) -> bool {
        self.manages_mpp(mpp_id)
            || (self.role == Role::ProviderAdmin
                && self.mpp_id == Some(mpp_id)
                && self.provider_id == Some(provider_id))
    }

    /// May see this MPP's non-public data (drafts, staff lists).
    pub fn is_staff_of(&self, mpp_id: i64) -> bool {
        self.is_national() || (self.role.is_staff() && self.mpp_id == Some(mpp_id))
    }

    pub fn require(&self, allowed: bool) -> Result<()> {
        if allowed { Ok(()) } else { Err(Error::Forbidden) }
    }

    /// The audit log's user id (none for the system actor).
    pub fn audit_id(&self) -> Option<i64> {
        (self.user_id > 0).then_some(self.user_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(role: Role, mpp: Option<i64>, provider: Option<i64>) -> Actor {
        Actor { role, mpp_id: mpp, provider_id: provider, ..Actor::system() }
    }

    #[test]
    fn scopes_are_enforced() {
        let national = actor(Role::NationalAdmin, None, None);
        let manager = actor(Role::MppManager, Some(1), None);
        let padmin = actor(Role::ProviderAdmin, Some(1), Some(10));
        let officer = actor(Role::CounterOfficer, Some(1), Some(10));
        let citizen = actor(Role::Citizen, None, None);
        assert!(national.manages_mpp(7) && national.manages_provider(7, 70));
        assert!(manager.manages_mpp(1) && !manager.manages_mpp(2));
        assert!(manager.manages_provider(1, 11) && !manager.manages_provider(2, 20));
        assert!(padmin.manages_provider(1, 10) && !padmin.manages_provider(1, 11));
        assert!(!padmin.manages_mpp(1));
        assert!(!officer.manages_provider(1, 10) && officer.is_staff_of(1));
        assert!(!citizen.is_staff_of(1) && !citizen.manages_mpp(1));
    }
}
