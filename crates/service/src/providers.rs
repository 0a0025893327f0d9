//! National agencies, providers at an MPP and their counters.

use satuatap_domain::catalog::ProviderKind;
use satuatap_domain::role::Role;
use satuatap_domain::text::{is_code, is_slug, slugify};
use satuatap_domain::validate::Checker;
use satuatap_domain::{FieldError, Invalid};
use satuatap_store::{
    AgencyData, AgencyRow, Constraint, CounterData, CounterRow, ProviderData, ProviderRow, StoreError,
};
use serde::Deserialize;

use crate::input::{Loose, flag, loose};
use crate::{Actor, App, Error, Result, audit};

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct AgencyInput {
    #[serde(default)]
    pub slug: Option<String>,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub name_en: Option<String>,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub website: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ProviderInput {
    #[serde(default, deserialize_with = "loose")]
    #[schema(value_type = Option<i64>)]
    pub agency_id: Loose<i64>,
    #[serde(default)]
    pub slug: Option<String>,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub name_en: Option<String>,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub booth: Option<String>,
    #[serde(default)]
    pub zone: Option<String>,
    #[serde(default)]
    pub queue_prefix: String,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub maklumat: Option<String>,
    #[serde(default = "yes", deserialize_with = "flag")]
    pub active: bool,
}

fn yes() -> bool {
    true
}

impl ProviderInput {
    pub fn from_row(p: &ProviderRow) -> ProviderInput {
        ProviderInput {
            agency_id: p.agency_id.map(Ok),
            slug: Some(p.slug.clone()),
            name: p.name.clone(),
            name_en: p.name_en.clone(),
            kind: p.kind.0.as_str().into(),
            booth: p.booth.clone(),
            zone: p.zone.clone(),
            queue_prefix: p.queue_prefix.clone(),
            phone: p.phone.clone(),
            email: p.email.clone(),
            maklumat: p.maklumat.clone(),
            active: p.active,
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct CounterInput {
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub name: String,
    #[serde(default = "yes", deserialize_with = "flag")]
    pub active: bool,
}

fn kind(c: &mut Checker, v: &str) -> ProviderKind {
    ProviderKind::parse(v.trim()).unwrap_or_else(|| {
        c.push("kind", if v.trim().is_empty() { Invalid::Required } else { Invalid::NotAllowed });
        ProviderKind::RegencyGovernment
    })
}

fn slug_or_name(c: &mut Checker, slug: Option<&str>, name: &str) -> String {
    match slug.map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => {
            if !is_slug(s) {
                c.push("slug", Invalid::Format { hint: "hint-slug" });
            }
            s.to_string()
        }
        None => slugify(name).chars().take(80).collect::<String>().trim_end_matches('-').to_string(),
    }
}

fn unique_field(e: StoreError, fields: &[(Constraint, &str)]) -> Error {
    for (constraint, field) in fields {
        if e.violates(*constraint) {
            return Error::field(field, Invalid::Taken);
        }
    }
    e.into()
}

impl App {
    // --- agencies (national admins) ----------------------------------------------

    fn parse_agency(input: &AgencyInput) -> Result<AgencyData> {
        let mut c = Checker::new();
        let name = c.text("name", &input.name, 160);
        let slug = slug_or_name(&mut c, input.slug.as_deref(), &name);
        let name_en = c.opt_text("name_en", input.name_en.as_deref(), 160);
        let kind = kind(&mut c, &input.kind);
        let website = c.opt_url("website", input.website.as_deref());
        c.finish(AgencyData { slug, name, name_en, kind, website }).map_err(Error::Invalid)
    }

    pub async fn agencies(&self) -> Result<Vec<AgencyRow>> {
        let mut tx = self.store.read().await?;
        Ok(tx.agencies().await?)
    }

    pub async fn create_agency(&self, actor: &Actor, input: &AgencyInput) -> Result<AgencyRow> {
        actor.require(actor.is_national())?;
        let data = Self::parse_agency(input)?;
        let mut tx = self.store.begin().await?;
        let id = tx
            .insert_agency(&data, self.now())
            .await
            .map_err(|e| unique_field(e, &[(Constraint::AgencySlug, "slug")]))?;
        audit::record(&mut tx, self, actor, audit::Change::new(None, "agency", id, "create"), None::<&()>, Some(&data))
            .await?;
        let row = tx.agency(id).await?.ok_or(Error::NotFound)?;
        tx.commit().await?;
        Ok(row)
    }

    pub async fn update_agency(&self, actor: &Actor, id: i64, input: &AgencyInput) -> Result<AgencyRow> {
        actor.require(actor.is_national())?;
        let data = Self::parse_agency(input)?;
        let mut tx = self.store.begin().await?;
        let before = tx.agency(id).await?.ok_or(Error::NotFound)?;
        tx.update_agency(id, &data, self.now())
            .await
            .map_err(|e| unique_field(e, &[(Constraint::AgencySlug, "slug")]))?;
        let before_json = serde_json::json!({"slug": before.slug, "name": before.name, "name_en": before.name_en,
            "kind": before.kind.0, "website": before.website});
        audit::record(
            &mut tx,
            self,
            actor,
            audit::Change::new(None, "agency", id, "update"),
            Some(&before_json),
            Some(&data),
        )
        .await?;
        let row = tx.agency(id).await?.ok_or(Error::NotFound)?;
        tx.commit().await?;
        Ok(row)
    }

    // --- providers ------------------------------------------------------------------

    async fn parse_provider(&self, input: &ProviderInput) -> Result<ProviderData> {
        let mut c = Checker::new();
        let name = c.text("name", &input.name, 160);
        let slug = slug_or_name(&mut c, input.slug.as_deref(), &name);
        let name_en = c.opt_text("name_en", input.name_en.as_deref(), 160);
        let kind = kind(&mut c, &input.kind);
        let booth = c.opt_text("booth", input.booth.as_deref(), 60);
        let zone = c.opt_text("zone", input.zone.as_deref(), 60);
        let queue_prefix = input.queue_prefix.trim().to_uppercase();
        if queue_prefix.is_empty() {
            c.push("queue_prefix", Invalid::Required);
        } else if queue_prefix.len() > 2 || !queue_prefix.bytes().all(|b| b.is_ascii_uppercase()) {
            c.push("queue_prefix", Invalid::Format { hint: "hint-queue-prefix" });
        }
        let phone = c.opt_text("phone", input.phone.as_deref(), 40);
        let email = c.opt_email("email", input.email.as_deref());
        let maklumat = c.opt_text("maklumat", input.maklumat.as_deref(), 4000);
        let agency_id = match &input.agency_id {
            None => None,
            Some(Ok(id)) => {
                let mut tx = self.store.read().await?;
                if tx.agency(*id).await?.is_none() {
                    c.push("agency_id", Invalid::Unknown);
                }
                Some(*id)
            }
            Some(Err(_)) => {
                c.push("agency_id", Invalid::Unknown);
                None
            }
        };
        c.finish(ProviderData {
            agency_id,
            slug,
            name,
            name_en,
            kind,
            booth,
            zone,
            queue_prefix,
            phone,
            email,
            maklumat,
            active: input.active,
        })
        .map_err(Error::Invalid)
    }

    pub async fn provider(&self, id: i64) -> Result<ProviderRow> {
        let mut tx = self.store.read().await?;
        tx.provider(id).await?.ok_or(Error::NotFound)
    }

    /// Providers of an MPP; inactive ones only for its staff.
    pub async fn providers(&self, viewer: Option<&Actor>, mpp_id: i64) -> Result<Vec<ProviderRow>> {
        let all = viewer.is_some_and(|a| a.is_staff_of(mpp_id));
        let mut tx = self.store.read().await?;
        Ok(tx.providers(mpp_id, !all).await?)
    }

    pub async fn create_provider(&self, actor: &Actor, mpp_id: i64, input: &ProviderInput) -> Result<ProviderRow> {
        actor.require(actor.manages_mpp(mpp_id))?;
        let data = self.parse_provider(input).await?;
        let mut tx = self.store.begin().await?;
        tx.mpp(mpp_id).await?.ok_or(Error::NotFound)?;
        let id = tx.insert_provider(mpp_id, &data, self.now()).await.map_err(|e| {
            unique_field(e, &[(Constraint::ProviderQueuePrefix, "queue_prefix"), (Constraint::ProviderSlug, "slug")])
        })?;
        audit::record(
            &mut tx,
            self,
            actor,
            audit::Change::new(Some(mpp_id), "provider", id, "create"),
            None::<&()>,
            Some(&data),
        )
        .await?;
        let row = tx.provider(id).await?.ok_or(Error::NotFound)?;
        tx.commit().await?;
        Ok(row)
    }

    /// Update a provider. Its own admin may change how it presents itself
    /// (English name, booth, contact, Maklumat) but not its identity or
    /// placement, which the MPP manager keeps.
    pub async fn update_provider(&self, actor: &Actor, id: i64, input: &ProviderInput) -> Result<ProviderRow> {
        let before = self.provider(id).await?;
        actor.require(actor.manages_provider(before.mpp_id, id))?;
        let data = self.parse_provider(input).await?;
        if !actor.manages_mpp(before.mpp_id) {
            let mut errs = Vec::new();
            let locked = [
                ("slug", data.slug != before.slug),
                ("name", data.name != before.name),
                ("kind", data.kind != before.kind.0),
                ("agency_id", data.agency_id != before.agency_id),
                ("queue_prefix", data.queue_prefix != before.queue_prefix),
                ("zone", data.zone != before.zone),
                ("active", data.active != before.active),
            ];
            for (field, changed) in locked {
                if changed {
                    errs.push(FieldError::new(field, Invalid::NotAllowed));
                }
            }
            if !errs.is_empty() {
                return Err(Error::Invalid(errs));
            }
        }
        let mut tx = self.store.begin().await?;
        tx.update_provider(id, &data, self.now()).await.map_err(|e| {
            unique_field(e, &[(Constraint::ProviderQueuePrefix, "queue_prefix"), (Constraint::ProviderSlug, "slug")])
        })?;
        if data.name != before.name || data.name_en != before.name_en {
            tx.touch_services(before.mpp_id, Some(id)).await?;
        }
        let before_input = ProviderInput::from_row(&before);
        audit::record(
            &mut tx,
            self,
            actor,
            audit::Change::new(Some(before.mpp_id), "provider", id, "update"),
            Some(&provider_audit(&before_input)),
            Some(&data),
        )
        .await?;
        let row = tx.provider(id).await?.ok_or(Error::NotFound)?;
        tx.commit().await?;
        Ok(row)
    }

    // --- counters ---------------------------------------------------------------------

    fn parse_counter(input: &CounterInput) -> Result<CounterData> {
        let mut c = Checker::new();
        let code = input.code.trim().to_uppercase();
        if code.is_empty() {
            c.push("code", Invalid::Required);
        } else if !is_code(&code, 12) {
            c.push("code", Invalid::Format { hint: "hint-code" });
        }
        let name = c.text("name", &input.name, 80);
        c.finish(CounterData { code, name, active: input.active }).map_err(Error::Invalid)
    }

    /// Every counter of an MPP (its staff).
    pub async fn mpp_counters(&self, actor: &Actor, mpp_id: i64) -> Result<Vec<CounterRow>> {
        actor.require(actor.is_staff_of(mpp_id))?;
        let mut tx = self.store.read().await?;
        Ok(tx.counters_of_mpp(mpp_id).await?)
    }

    pub async fn counters(&self, actor: &Actor, provider_id: i64) -> Result<Vec<CounterRow>> {
        let p = self.provider(provider_id).await?;
        actor.require(actor.is_staff_of(p.mpp_id))?;
        let mut tx = self.store.read().await?;
        Ok(tx.counters(provider_id).await?)
    }

    pub async fn create_counter(&self, actor: &Actor, provider_id: i64, input: &CounterInput) -> Result<CounterRow> {
        let p = self.provider(provider_id).await?;
        actor.require(actor.manages_provider(p.mpp_id, p.id))?;
        let data = Self::parse_counter(input)?;
        let mut tx = self.store.begin().await?;
        let id = tx
            .insert_counter(p.mpp_id, p.id, &data, self.now())
            .await
            .map_err(|e| unique_field(e, &[(Constraint::CounterCode, "code")]))?;
        audit::record(
            &mut tx,
            self,
            actor,
            audit::Change::new(Some(p.mpp_id), "counter", id, "create"),
            None::<&()>,
            Some(&data),
        )
        .await?;
        let row = tx.counter(id).await?.ok_or(Error::NotFound)?;
        tx.commit().await?;
        Ok(row)
    }

    pub async fn update_counter(&self, actor: &Actor, id: i64, input: &CounterInput) -> Result<CounterRow> {
        let before = {
            let mut tx = self.store.read().await?;
            tx.counter(id).await?.ok_or(Error::NotFound)?
        };
        actor.require(actor.manages_provider(before.mpp_id, before.provider_id))?;
        let data = Self::parse_counter(input)?;
        let mut tx = self.store.begin().await?;
        tx.update_counter(id, &data, self.now())
            .await
            .map_err(|e| unique_field(e, &[(Constraint::CounterCode, "code")]))?;
        audit::record(
            &mut tx,
            self,
            actor,
            audit::Change::new(Some(before.mpp_id), "counter", id, "update"),
            Some(&before),
            Some(&data),
        )
        .await?;
        let row = tx.counter(id).await?.ok_or(Error::NotFound)?;
        tx.commit().await?;
        Ok(row)
    }

    /// Whether the actor's role may ever administer providers (for menus).
    pub fn may_admin_providers(actor: &Actor) -> bool {
        matches!(actor.role, Role::NationalAdmin | Role::MppManager | Role::ProviderAdmin)
    }
}

fn provider_audit(i: &ProviderInput) -> serde_json::Value {
    serde_json::json!({
        "agency_id": i.agency_id.as_ref().and_then(|r| r.as_ref().ok()), "slug": i.slug, "name": i.name,
        "name_en": i.name_en, "kind": i.kind, "booth": i.booth, "zone": i.zone, "queue_prefix": i.queue_prefix,
        "phone": i.phone, "email": i.email, "maklumat": i.maklumat, "active": i.active,
    })
}
