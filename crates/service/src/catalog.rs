//! The service catalogue: service standards, publishing, and search.

use std::sync::{Arc, RwLock};

use satuatap_domain::catalog::{Category, DurationUnit, PublicComponent, ServiceStatus, Standard};
use satuatap_domain::search::{Doc, Hit, Index, Query, weight};
use satuatap_domain::text::is_code;
use satuatap_domain::validate::Checker;
use satuatap_domain::{FieldError, Invalid};
use satuatap_store::catalog::ServiceFilter;
use satuatap_store::{Constraint, ServiceData, ServiceRow};
use serde::Deserialize;
use tokio::sync::Mutex;

use crate::input::{Loose, flag, lines, loose};
use crate::{Actor, App, Error, Result, audit};

const MAX_ITEMS: usize = 40;
const MAX_ITEM: usize = 500;
const MAX_TEXT: usize = 4000;

/// A service and its standard, as a form or the API submits it.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ServiceInput {
    #[serde(default, deserialize_with = "loose")]
    #[schema(value_type = Option<i64>)]
    pub provider_id: Loose<i64>,
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub category: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub name_en: Option<String>,
    #[serde(default)]
    pub summary: Option<String>,
    #[serde(default)]
    pub summary_en: Option<String>,
    #[serde(default, deserialize_with = "flag")]
    pub bookable: bool,
    /// Its own queue (ticket prefix); empty to share the provider's.
    #[serde(default)]
    pub queue_prefix: Option<String>,
    #[serde(default, deserialize_with = "lines")]
    pub requirements: Vec<String>,
    #[serde(default, deserialize_with = "lines")]
    pub requirements_en: Vec<String>,
    #[serde(default, deserialize_with = "lines")]
    pub procedure: Vec<String>,
    #[serde(default, deserialize_with = "lines")]
    pub procedure_en: Vec<String>,
    #[serde(default, deserialize_with = "loose")]
    #[schema(value_type = Option<i64>)]
    pub duration_value: Loose<i64>,
    #[serde(default)]
    pub duration_unit: Option<String>,
    #[serde(default)]
    pub duration_note: Option<String>,
    #[serde(default)]
    pub duration_note_en: Option<String>,
    #[serde(default, deserialize_with = "flag")]
    pub fee_free: bool,
    #[serde(default)]
    pub fee: Option<String>,
    #[serde(default)]
    pub fee_en: Option<String>,
    #[serde(default)]
    pub product: Option<String>,
    #[serde(default)]
    pub product_en: Option<String>,
    #[serde(default)]
    pub complaints: Option<String>,
    #[serde(default)]
    pub complaints_en: Option<String>,
    #[serde(default, deserialize_with = "lines")]
    pub legal_basis: Vec<String>,
    #[serde(default)]
    pub facilities: Option<String>,
    #[serde(default)]
    pub competence: Option<String>,
    #[serde(default)]
    pub supervision: Option<String>,
    #[serde(default, deserialize_with = "loose")]
    #[schema(value_type = Option<i64>)]
    pub staff_count: Loose<i64>,
    #[serde(default)]
    pub guarantee: Option<String>,
    #[serde(default)]
    pub security: Option<String>,
    #[serde(default)]
    pub evaluation: Option<String>,
}

impl ServiceInput {
    pub fn from_row(s: &ServiceRow) -> ServiceInput {
        let st = &s.standard.0;
        ServiceInput {
            provider_id: Some(Ok(s.provider_id)),
            code: s.code.clone(),
            category: s.category.0.as_str().into(),
            name: s.name.clone(),
            name_en: s.name_en.clone(),
            summary: s.summary.clone(),
            summary_en: s.summary_en.clone(),
            bookable: s.bookable,
            queue_prefix: s.queue_prefix.clone(),
            requirements: st.requirements.clone(),
            requirements_en: st.requirements_en.clone(),
            procedure: st.procedure.clone(),
            procedure_en: st.procedure_en.clone(),
            duration_value: st.duration_value.map(Ok),
            duration_unit: st.duration_unit.map(|u| u.as_str().into()),
            duration_note: st.duration_note.clone(),
            duration_note_en: st.duration_note_en.clone(),
            fee_free: st.fee_free,
            fee: st.fee.clone(),
            fee_en: st.fee_en.clone(),
            product: st.product.clone(),
            product_en: st.product_en.clone(),
            complaints: st.complaints.clone(),
            complaints_en: st.complaints_en.clone(),
            legal_basis: st.legal_basis.clone(),
            facilities: st.facilities.clone(),
            competence: st.competence.clone(),
            supervision: st.supervision.clone(),
            staff_count: st.staff_count.map(Ok),
            guarantee: st.guarantee.clone(),
            security: st.security.clone(),
            evaluation: st.evaluation.clone(),
        }
    }
}

fn parse_service(input: &ServiceInput) -> Result<ServiceData> {
    let mut c = Checker::new();
    let provider_id = match &input.provider_id {
        Some(Ok(id)) => *id,
        Some(Err(_)) => {
            c.push("provider_id", Invalid::Unknown);
            0
        }
        None => {
            c.push("provider_id", Invalid::Required);
            0
        }
    };
    let code = input.code.trim().to_uppercase();
    if code.is_empty() {
        c.push("code", Invalid::Required);
    } else if !is_code(&code, 20) {
        c.push("code", Invalid::Format { hint: "hint-code" });
    }
    let category = Category::parse(input.category.trim()).unwrap_or_else(|| {
        c.push("category", if input.category.trim().is_empty() { Invalid::Required } else { Invalid::NotAllowed });
        Category::Lainnya
    });
    let name = c.text("name", &input.name, 200);
    let name_en = c.opt_text("name_en", input.name_en.as_deref(), 200);
    let summary = c.opt_text("summary", input.summary.as_deref(), 500);
    let summary_en = c.opt_text("summary_en", input.summary_en.as_deref(), 500);
    let duration_value = match &input.duration_value {
        None => None,
        Some(Ok(v)) => Some(c.range("duration_value", *v, 1, 10_000)),
        Some(Err(_)) => {
            c.push("duration_value", Invalid::Format { hint: "hint-number" });
            None
        }
    };
    let duration_unit = match input.duration_unit.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(u) => DurationUnit::parse(u).or_else(|| {
            c.push("duration_unit", Invalid::NotAllowed);
            None
        }),
    };
    if duration_value.is_some() && duration_unit.is_none() && !c.has("duration_unit") {
        c.push("duration_unit", Invalid::Required);
    }
    let queue_prefix = input.queue_prefix.as_deref().map(|p| p.trim().to_uppercase()).filter(|p| !p.is_empty());
    if queue_prefix.as_ref().is_some_and(|p| p.len() > 2 || !p.bytes().all(|b| b.is_ascii_uppercase())) {
        c.push("queue_prefix", Invalid::Format { hint: "hint-queue-prefix" });
    }
    let staff_count = match &input.staff_count {
        None => None,
        Some(Ok(v)) => Some(c.range("staff_count", *v, 1, 10_000)),
        Some(Err(_)) => {
            c.push("staff_count", Invalid::Format { hint: "hint-number" });
            None
        }
    };
    let standard = Standard {
        requirements: c.lines("requirements", &input.requirements, MAX_ITEMS, MAX_ITEM),
        requirements_en: c.lines("requirements_en", &input.requirements_en, MAX_ITEMS, MAX_ITEM),
        procedure: c.lines("procedure", &input.procedure, MAX_ITEMS, MAX_ITEM),
        procedure_en: c.lines("procedure_en", &input.procedure_en, MAX_ITEMS, MAX_ITEM),
        duration_value,
        duration_unit,
        duration_note: c.opt_text("duration_note", input.duration_note.as_deref(), MAX_ITEM),
        duration_note_en: c.opt_text("duration_note_en", input.duration_note_en.as_deref(), MAX_ITEM),
        fee_free: input.fee_free,
        fee: c.opt_text("fee", input.fee.as_deref(), MAX_ITEM),
        fee_en: c.opt_text("fee_en", input.fee_en.as_deref(), MAX_ITEM),
        product: c.opt_text("product", input.product.as_deref(), MAX_ITEM),
        product_en: c.opt_text("product_en", input.product_en.as_deref(), MAX_ITEM),
        complaints: c.opt_text("complaints", input.complaints.as_deref(), MAX_TEXT),
        complaints_en: c.opt_text("complaints_en", input.complaints_en.as_deref(), MAX_TEXT),
        legal_basis: c.lines("legal_basis", &input.legal_basis, MAX_ITEMS, MAX_ITEM),
        facilities: c.opt_text("facilities", input.facilities.as_deref(), MAX_TEXT),
        competence: c.opt_text("competence", input.competence.as_deref(), MAX_TEXT),
        supervision: c.opt_text("supervision", input.supervision.as_deref(), MAX_TEXT),
        staff_count,
        guarantee: c.opt_text("guarantee", input.guarantee.as_deref(), MAX_TEXT),
        security: c.opt_text("security", input.security.as_deref(), MAX_TEXT),
        evaluation: c.opt_text("evaluation", input.evaluation.as_deref(), MAX_TEXT),
    };
    c.finish(ServiceData {
        provider_id,
        code,
        category,
        name,
        name_en,
        summary,
        summary_en,
        bookable: input.bookable,
        queue_prefix,
        standard,
    })
    .map_err(Error::Invalid)
}

fn missing_errors(missing: &[PublicComponent]) -> Error {
    Error::Invalid(missing.iter().map(|m| FieldError::new(m.field(), Invalid::Required)).collect())
}

/// Search words for each category, in both languages (not UI text: only what
/// people may type when looking for a service of that kind).
fn category_words(c: Category) -> &'static str {
    match c {
        Category::Kependudukan => "kependudukan adminduk dukcapil catatan sipil civil registration population",
        Category::Keimigrasian => "keimigrasian imigrasi immigration",
        Category::Kepolisian => "kepolisian polisi police",
        Category::Perpajakan => "perpajakan pajak tax",
        Category::Kendaraan => "kendaraan bermotor samsat vehicle",
        Category::PerizinanBerusaha => "perizinan berusaha izin usaha business licence license",
        Category::PerizinanBangunan => "perizinan bangunan izin bangunan building permit",
        Category::Pertanahan => "pertanahan tanah sertifikat land",
        Category::Kesehatan => "kesehatan health",
        Category::JaminanSosial => "jaminan sosial social security",
        Category::Ketenagakerjaan => "ketenagakerjaan kerja employment",
        Category::Utilitas => "utilitas air listrik utilities water electricity",
        Category::Keuangan => "keuangan bank perbankan finance banking",
        Category::Pendidikan => "pendidikan education",
        Category::Sosial => "sosial social welfare",
        Category::Keagamaan => "keagamaan agama religious",
        Category::Hukum => "hukum legal law",
        Category::InformasiPengaduan => "informasi pengaduan information complaint",
        Category::Lainnya => "",
    }
}

fn doc_of(s: &ServiceRow) -> Doc {
    let st = &s.standard.0;
    let mut fields = vec![
        (weight::NAME, s.name.clone()),
        (weight::CODE, s.code.clone()),
        (weight::PROVIDER, s.provider_name.clone()),
        (weight::CATEGORY, category_words(s.category.0).to_string()),
        (weight::PLACE, format!("{} {}", s.mpp_name, s.regency_name)),
    ];
    let opt = [
        (weight::NAME, &s.name_en),
        (weight::SUMMARY, &s.summary),
        (weight::SUMMARY, &s.summary_en),
        (weight::PROVIDER, &s.provider_name_en),
        (weight::PRODUCT, &st.product),
        (weight::PRODUCT, &st.product_en),
    ];
    fields.extend(opt.iter().filter_map(|(w, t)| t.as_ref().map(|t| (*w, t.clone()))));
    for list in [&st.requirements, &st.requirements_en, &st.procedure, &st.procedure_en] {
        fields.push((weight::DETAIL, list.join(" ")));
    }
    Doc { id: s.id, mpp_id: s.mpp_id, provider_id: s.provider_id, category: s.category.0, fields }
}

/// The in-memory search index of published services and the catalogue
/// revision it reflects. Any node catches up by reading services changed since.
#[derive(Clone, Default)]
pub struct SearchCatalog {
    index: Arc<RwLock<Index>>,
    seen_rev: Arc<Mutex<i64>>,
}

#[derive(Debug, Clone, Default)]
pub struct SearchQuery {
    pub text: String,
    pub mpp_id: Option<i64>,
    pub provider_id: Option<i64>,
    pub category: Option<Category>,
    pub limit: usize,
    pub offset: usize,
    /// Only the MPPs of this regency (`32.71`) or province (`32`).
    pub region: Option<String>,
    /// Where the visitor is: that place's MPPs come first.
    pub near: Near,
}

/// The visitor's place, which orders results by where they can go.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub enum Near {
    #[default]
    Anywhere,
    /// An MPP they chose: its services first.
    Mpp(i64),
    /// Their position from the browser (they allowed it): nearest MPP first.
    Point { lat: f64, lng: f64 },
}

/// One page of search results.
#[derive(Debug, Clone)]
pub struct SearchPage {
    pub total: usize,
    pub services: Vec<ServiceRow>,
    /// With a position: each MPP's distance in km, nearest first.
    pub distances: Vec<(i64, f64)>,
}

/// Whether `code` can name a region to search in: a regency (`32.71`) or a province (`32`).
pub fn is_region_code(code: &str) -> bool {
    satuatap_domain::region::is_regency_code(code) || satuatap_domain::region::is_province_code(code)
}

impl App {
    /// Bring the search index up to the database's catalogue revision.
    pub async fn refresh_search(&self) -> Result<()> {
        let mut seen = self.catalog.seen_rev.lock().await;
        let mut tx = self.store.read().await?;
        if tx.catalog_rev().await? == *seen {
            return Ok(());
        }
        let changed = tx.services_changed_since(*seen).await?;
        drop(tx);
        let mut max = *seen;
        {
            let mut index = self.catalog.index.write().map_err(|_| Error::Internal("search index poisoned".into()))?;
            for s in &changed {
                max = max.max(s.rev);
                if s.status.0 == ServiceStatus::Published {
                    index.upsert(doc_of(s));
                } else {
                    index.remove(s.id);
                }
            }
        }
        *seen = max;
        Ok(())
    }

    /// Search the published catalogue (of one MPP or of all), best match first; with a
    /// place, that place's MPPs first (nearest first from a position).
    pub async fn search_services(&self, q: &SearchQuery) -> Result<SearchPage> {
        self.refresh_search().await?;
        let (within, near, distances) = self.search_places(q).await?;
        let hits: Vec<Hit> = {
            let index = self.catalog.index.read().map_err(|_| Error::Internal("search index poisoned".into()))?;
            index.search(
                &Query {
                    text: q.text.chars().take(200).collect(),
                    mpp_id: q.mpp_id,
                    provider_id: q.provider_id,
                    category: q.category,
                    within,
                    near: near.clone(),
                },
                5_000,
            )
        };
        let total = hits.len();
        let limit = if q.limit == 0 { 50 } else { q.limit.min(200) };
        let page: Vec<i64> = hits.iter().skip(q.offset).take(limit).map(|h| h.id).collect();
        let mut tx = self.store.read().await?;
        let mut rows = tx.services_by_ids(&page).await?;
        // Keep the ranking order; browse (empty query) lists by place, provider, then name.
        if q.text.trim().is_empty() {
            let rank = |m: i64| near.iter().position(|n| *n == m).unwrap_or(usize::MAX);
            rows.sort_by(|a, b| {
                rank(a.mpp_id)
                    .cmp(&rank(b.mpp_id))
                    .then(a.provider_name.cmp(&b.provider_name))
                    .then(a.name.cmp(&b.name))
            });
        } else {
            rows.sort_by_key(|r| page.iter().position(|id| *id == r.id));
        }
        rows.retain(|r| r.status.0 == ServiceStatus::Published);
        Ok(SearchPage { total, services: rows, distances })
    }

    /// The MPPs a search is held to (a region) and those it puts first (the chosen MPP,
    /// or every MPP with a position by distance), with the distances.
    #[allow(clippy::type_complexity)]
    async fn search_places(&self, q: &SearchQuery) -> Result<(Option<Vec<i64>>, Vec<i64>, Vec<(i64, f64)>)> {
        let region = q.region.as_deref().map(str::trim).filter(|r| !r.is_empty());
        if region.is_none() && q.near == Near::Anywhere {
            return Ok((None, Vec::new(), Vec::new()));
        }
        let mut tx = self.store.read().await?;
        let all = tx.mpps(&satuatap_store::mpps::MppFilter::default()).await?;
        let within = region.map(|r| {
            all.iter().filter(|m| m.regency_code == r || m.province_code == r).map(|m| m.id).collect::<Vec<_>>()
        });
        let (near, distances) = match q.near {
            Near::Anywhere => (Vec::new(), Vec::new()),
            Near::Mpp(id) => (vec![id], Vec::new()),
            Near::Point { lat, lng } => {
                let here = satuatap_domain::geo::Point::new(lat, lng);
                let mut d: Vec<(i64, f64)> = all
                    .iter()
                    .filter_map(|m| {
                        let at = satuatap_domain::geo::Point::new(m.latitude?, m.longitude?);
                        Some((m.id, satuatap_domain::geo::haversine_km(here, at)))
                    })
                    .collect();
                d.sort_by(|a, b| a.1.total_cmp(&b.1));
                (d.iter().map(|(id, _)| *id).collect(), d)
            }
        };
        Ok((within, near, distances))
    }

    /// How many services of an MPP (or all) are in a state.
    pub async fn count_services(&self, mpp_id: Option<i64>, status: ServiceStatus) -> Result<i64> {
        let mut tx = self.store.read().await?;
        Ok(tx.count_services(mpp_id, Some(status)).await?)
    }

    /// One service as the public sees it: published only, unless the viewer is staff of its MPP.
    pub async fn service(&self, viewer: Option<&Actor>, id: i64) -> Result<ServiceRow> {
        let mut tx = self.store.read().await?;
        let s = tx.service(id).await?.ok_or(Error::NotFound)?;
        visible(viewer, s)
    }

    pub async fn service_by_code(&self, viewer: Option<&Actor>, mpp_id: i64, code: &str) -> Result<ServiceRow> {
        let mut tx = self.store.read().await?;
        let s = tx.service_by_code(mpp_id, &code.to_uppercase()).await?.ok_or(Error::NotFound)?;
        visible(viewer, s)
    }

    /// Services for administration: every state, within the actor's scope.
    pub async fn admin_services(&self, actor: &Actor, mut f: ServiceFilter) -> Result<Vec<ServiceRow>> {
        if !actor.is_national() {
            let own = actor.mpp_id.ok_or(Error::Forbidden)?;
            actor.require(actor.role.is_staff() && f.mpp_id.is_none_or(|m| m == own))?;
            f.mpp_id = Some(own);
            if actor.provider_id.is_some() && actor.role != satuatap_domain::role::Role::MppManager {
                f.provider_id = actor.provider_id;
            }
        }
        let mut tx = self.store.read().await?;
        Ok(tx.services(&f).await?)
    }

    async fn check_provider_of(&self, actor: &Actor, mpp_id: i64, provider_id: i64) -> Result<()> {
        let mut tx = self.store.read().await?;
        match tx.provider(provider_id).await? {
            Some(p) if p.mpp_id == mpp_id => actor.require(actor.manages_provider(mpp_id, provider_id)),
            _ => Err(Error::field("provider_id", Invalid::Unknown)),
        }
    }

    /// Create a service as a draft.
    pub async fn create_service(&self, actor: &Actor, mpp_id: i64, input: &ServiceInput) -> Result<ServiceRow> {
        actor.require(actor.role.is_staff() && actor.role != satuatap_domain::role::Role::CounterOfficer)?;
        actor.require(actor.is_staff_of(mpp_id))?;
        let data = parse_service(input)?;
        self.check_provider_of(actor, mpp_id, data.provider_id).await?;
        let mut tx = self.store.begin().await?;
        tx.mpp(mpp_id).await?.ok_or(Error::NotFound)?;
        let id = tx.insert_service(mpp_id, &data, self.now()).await.map_err(|e| {
            if e.violates(Constraint::ServiceCode) { Error::field("code", Invalid::Taken) } else { e.into() }
        })?;
        audit::record(
            &mut tx,
            self,
            actor,
            audit::Change::new(Some(mpp_id), "service", id, "create"),
            None::<&()>,
            Some(&data),
        )
        .await?;
        let row = tx.service(id).await?.ok_or(Error::NotFound)?;
        tx.commit().await?;
        Ok(row)
    }

    /// Update a service. A published service stays published only if its six
    /// public components are still complete.
    pub async fn update_service(&self, actor: &Actor, id: i64, input: &ServiceInput) -> Result<ServiceRow> {
        let before = {
            let mut tx = self.store.read().await?;
            tx.service(id).await?.ok_or(Error::NotFound)?
        };
        actor.require(actor.manages_provider(before.mpp_id, before.provider_id))?;
        let data = parse_service(input)?;
        if data.provider_id != before.provider_id {
            self.check_provider_of(actor, before.mpp_id, data.provider_id).await?;
        }
        if before.status.0 == ServiceStatus::Published {
            let missing = data.standard.missing_public();
            if !missing.is_empty() {
                return Err(missing_errors(&missing));
            }
        }
        let mut tx = self.store.begin().await?;
        tx.update_service(id, &data, self.now()).await.map_err(|e| {
            if e.violates(Constraint::ServiceCode) { Error::field("code", Invalid::Taken) } else { e.into() }
        })?;
        audit::record(
            &mut tx,
            self,
            actor,
            audit::Change::new(Some(before.mpp_id), "service", id, "update"),
            Some(&ServiceInputAudit::from(&before)),
            Some(&data),
        )
        .await?;
        let row = tx.service(id).await?.ok_or(Error::NotFound)?;
        tx.commit().await?;
        Ok(row)
    }

    /// Move a service to `status`. Publishing requires the six public components.
    pub async fn set_service_status(&self, actor: &Actor, id: i64, status: ServiceStatus) -> Result<ServiceRow> {
        let before = {
            let mut tx = self.store.read().await?;
            tx.service(id).await?.ok_or(Error::NotFound)?
        };
        actor.require(actor.manages_provider(before.mpp_id, before.provider_id))?;
        if status == ServiceStatus::Published {
            let missing = before.standard.0.missing_public();
            if !missing.is_empty() {
                return Err(missing_errors(&missing));
            }
        }
        let mut tx = self.store.begin().await?;
        tx.set_service_status(id, status, self.now()).await?;
        let action = match status {
            ServiceStatus::Published => "publish",
            ServiceStatus::Archived => "archive",
            ServiceStatus::Draft => "unpublish",
        };
        audit::record(
            &mut tx,
            self,
            actor,
            audit::Change::new(Some(before.mpp_id), "service", id, action),
            Some(&serde_json::json!({"name": before.name, "status": before.status.0})),
            Some(&serde_json::json!({"name": before.name, "status": status})),
        )
        .await?;
        let row = tx.service(id).await?.ok_or(Error::NotFound)?;
        tx.commit().await?;
        Ok(row)
    }
}

fn visible(viewer: Option<&Actor>, s: ServiceRow) -> Result<ServiceRow> {
    if s.status.0 == ServiceStatus::Published || viewer.is_some_and(|a| a.is_staff_of(s.mpp_id)) {
        Ok(s)
    } else {
        Err(Error::NotFound)
    }
}

/// The audit view of a stored service.
#[derive(serde::Serialize)]
struct ServiceInputAudit {
    provider_id: i64,
    code: String,
    category: Category,
    name: String,
    name_en: Option<String>,
    summary: Option<String>,
    summary_en: Option<String>,
    bookable: bool,
    queue_prefix: Option<String>,
    standard: Standard,
}

impl From<&ServiceRow> for ServiceInputAudit {
    fn from(s: &ServiceRow) -> Self {
        ServiceInputAudit {
            provider_id: s.provider_id,
            code: s.code.clone(),
            category: s.category.0,
            name: s.name.clone(),
            name_en: s.name_en.clone(),
            summary: s.summary.clone(),
            summary_en: s.summary_en.clone(),
            bookable: s.bookable,
            queue_prefix: s.queue_prefix.clone(),
            standard: s.standard.0.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn service_input_reports_every_bad_field() {
        let input = ServiceInput {
            provider_id: Some(Err("x".into())),
            code: "bad code".into(),
            category: "nope".into(),
            name: " ".into(),
            duration_value: Some(Ok(0)),
            ..ServiceInput::default()
        };
        let Err(Error::Invalid(errs)) = parse_service(&input) else { panic!("expected errors") };
        let fields: Vec<&str> = errs.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, vec!["provider_id", "code", "category", "name", "duration_value", "duration_unit"]);
    }

    #[test]
    fn codes_are_uppercased() {
        let input = ServiceInput {
            provider_id: Some(Ok(1)),
            code: "imi-01".into(),
            category: "keimigrasian".into(),
            name: "Paspor".into(),
            ..ServiceInput::default()
        };
        assert_eq!(parse_service(&input).unwrap().code, "IMI-01");
    }
}
