//! Recording and reading the audit trail.

use satuatap_store::audit::AuditFilter;
use satuatap_store::{AuditEntry, AuditRow, Tx};
use serde::Serialize;

use crate::{Actor, App, Result};

/// What changed: which record of which MPP, and how.
pub(crate) struct Change {
    mpp_id: Option<i64>,
    entity: &'static str,
    entity_id: String,
    action: &'static str,
}

impl Change {
    pub(crate) fn new(
        mpp_id: Option<i64>,
        entity: &'static str,
        entity_id: impl ToString,
        action: &'static str,
    ) -> Change {
        Change { mpp_id, entity, entity_id: entity_id.to_string(), action }
    }
}

/// Write an audit entry in the caller's transaction.
pub(crate) async fn record<B: Serialize, A: Serialize>(
    tx: &mut Tx,
    app: &App,
    actor: &Actor,
    change: Change,
    before: Option<&B>,
    after: Option<&A>,
) -> Result<()> {
    let entry = AuditEntry {
        at: app.now(),
        actor_user_id: actor.audit_id(),
        actor_email: Some(actor.email.clone()),
        mpp_id: change.mpp_id,
        entity: change.entity,
        entity_id: change.entity_id,
        action: change.action,
        before: before.and_then(|b| serde_json::to_value(b).ok()),
        after: after.and_then(|a| serde_json::to_value(a).ok()),
        ip: actor.ip.clone(),
    };
    tx.audit(&entry).await?;
    Ok(())
}

#[derive(Debug, Clone, Default)]
pub struct AuditQuery {
    pub mpp_id: Option<i64>,
    pub entity: Option<String>,
    pub entity_id: Option<String>,
    /// Part of the person's e-mail or name.
    pub actor: Option<String>,
    /// Entries from this instant and before that one.
    pub from: Option<chrono::DateTime<chrono::Utc>>,
    pub to: Option<chrono::DateTime<chrono::Utc>>,
    /// The next page: entries older than the entry with this id.
    pub before_id: Option<i64>,
    pub limit: i64,
}

impl App {
    /// The audit log: national admins see everything, an MPP manager sees
    /// only entries of their MPP.
    pub async fn audit_log(&self, actor: &Actor, q: AuditQuery) -> Result<Vec<AuditRow>> {
        let mpp_id = if actor.is_national() {
            q.mpp_id
        } else {
            let own = actor.mpp_id.filter(|_| actor.role == satuatap_domain::role::Role::MppManager);
            let own = own.ok_or(crate::Error::Forbidden)?;
            if q.mpp_id.is_some_and(|m| m != own) {
                return Err(crate::Error::Forbidden);
            }
            Some(own)
        };
        let mut tx = self.store.read().await?;
        let after_entry = match q.before_id {
            Some(id) => tx.audit_entry_at(id).await?.map(|at| (at, id)),
            None => None,
        };
        Ok(tx
            .audit_entries(&AuditFilter {
                mpp_id,
                entity: q.entity,
                entity_id: q.entity_id,
                actor: q.actor.map(|a| a.trim().to_string()).filter(|a| !a.is_empty()),
                from: q.from,
                to: q.to,
                after_entry,
                limit: q.limit.clamp(1, 500),
            })
            .await?)
    }
}
