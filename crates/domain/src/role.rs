//! Roles and the scope each one acts in.

use crate::catalog::string_enum;

string_enum! {
    /// What an account may do; the scope (MPP, provider) is stored beside it. An
    /// evaluator scores the MPPs of a cycle assigned to them; not staff of any MPP,
    /// the MPP their account records is the one whose region employs them (a conflict).
    Role {
        NationalAdmin = "national_admin",
        MppManager = "mpp_manager",
        ProviderAdmin = "provider_admin",
        CounterOfficer = "counter_officer",
        Evaluator = "evaluator",
        Citizen = "citizen",
    }
}

impl Role {
    /// Staff roles are bound to an MPP; provider roles also to a provider.
    pub fn needs_mpp(self) -> bool {
        matches!(self, Role::MppManager | Role::ProviderAdmin | Role::CounterOfficer)
    }

    pub fn needs_provider(self) -> bool {
        matches!(self, Role::ProviderAdmin | Role::CounterOfficer)
    }

    /// Staff of an MPP or of the ministry's administration (evaluators are neither).
    pub fn is_staff(self) -> bool {
        !matches!(self, Role::Citizen | Role::Evaluator)
    }

    /// Higher numbers may manage accounts of lower ones (within their scope).
    pub fn rank(self) -> u8 {
        match self {
            Role::NationalAdmin => 4,
            Role::MppManager => 3,
            Role::ProviderAdmin => 2,
            Role::CounterOfficer => 1,
            Role::Evaluator | Role::Citizen => 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_follow_the_role() {
        assert!(!Role::NationalAdmin.needs_mpp());
        assert!(Role::MppManager.needs_mpp() && !Role::MppManager.needs_provider());
        assert!(Role::CounterOfficer.needs_provider());
        assert!(!Role::Citizen.is_staff());
        assert!(!Role::Evaluator.is_staff() && !Role::Evaluator.needs_mpp());
        assert_eq!(Role::parse("provider_admin"), Some(Role::ProviderAdmin));
    }
}
