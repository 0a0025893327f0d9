//! What the API returns: stable shapes, separate from storage rows.

use chrono::{DateTime, NaiveDate, Utc};
use satuatap_domain::catalog::Standard;
use satuatap_domain::hours::{OpenStatus, OpeningHours, WEEKDAYS, weekday_key};
use satuatap_service::mpps::MppNow;
use satuatap_store::{AgencyRow, CounterRow, Holiday, MppRow, ProviderRow, ServiceRow};
use serde::Serialize;
use std::collections::BTreeMap;
use utoipa::ToSchema;

#[derive(Serialize, ToSchema)]
pub struct ApiProvince {
    pub code: String,
    pub name: String,
    pub regencies: i64,
    pub regencies_with_mpp: i64,
    pub mpps_operating: i64,
}

#[derive(Serialize, ToSchema)]
pub struct ApiRegency {
    pub code: String,
    pub province_code: String,
    pub name: String,
    pub mpps_operating: i64,
    pub mpps_planned: i64,
}

#[derive(Serialize, ToSchema)]
pub struct ApiDistrict {
    pub code: String,
    pub regency_code: String,
    pub name: String,
}

/// Opening hours per weekday key (`mon` … `sun`): `"07:30-16:00"`, `""` when closed.
pub fn hours_map(h: &OpeningHours) -> BTreeMap<String, String> {
    WEEKDAYS.iter().map(|d| (weekday_key(*d).to_string(), OpeningHours::format_day(h.day(*d)))).collect()
}

#[derive(Serialize, ToSchema)]
pub struct ApiOpenNow {
    pub open: bool,
    /// Local time (the MPP's zone) it closes, when open.
    pub closes_at: Option<String>,
    /// Local date-time it opens next, when closed.
    pub opens_at: Option<String>,
    pub local_time: String,
    pub today_closures: Vec<ApiHoliday>,
}

impl From<&MppNow> for ApiOpenNow {
    fn from(n: &MppNow) -> Self {
        let (open, closes_at, opens_at) = match &n.status {
            OpenStatus::Open { closes_at } => (true, Some(closes_at.format("%H:%M").to_string()), None),
            OpenStatus::Closed { opens_at } => (false, None, opens_at.map(|t| t.format("%Y-%m-%dT%H:%M").to_string())),
        };
        ApiOpenNow {
            open,
            closes_at,
            opens_at,
            local_time: n.local_now.format("%Y-%m-%dT%H:%M:%S").to_string(),
            today_closures: n.today_closures.iter().map(ApiHoliday::from).collect(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct ApiMpp {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub nickname: Option<String>,
    pub regency_code: String,
    pub regency_name: String,
    pub province_code: String,
    pub province_name: String,
    pub district_code: Option<String>,
    pub district_name: Option<String>,
    pub address: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    /// IANA zone, derived from the province.
    pub time_zone: String,
    #[schema(value_type = Object)]
    pub hours: BTreeMap<String, String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub website: Option<String>,
    /// `planned`, `operating` or `closed`.
    pub status: String,
    pub opened_on: Option<NaiveDate>,
    pub updated_at: DateTime<Utc>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub now: Option<ApiOpenNow>,
}

impl ApiMpp {
    pub fn from_row(m: &MppRow, now: Option<&MppNow>) -> ApiMpp {
        ApiMpp {
            id: m.id,
            slug: m.slug.clone(),
            name: m.name.clone(),
            nickname: m.nickname.clone(),
            regency_code: m.regency_code.clone(),
            regency_name: m.regency_name.clone(),
            province_code: m.province_code.clone(),
            province_name: m.province_name.clone(),
            district_code: m.district_code.clone(),
            district_name: m.district_name.clone(),
            address: m.address.clone(),
            latitude: m.latitude,
            longitude: m.longitude,
            time_zone: m.time_zone.clone(),
            hours: hours_map(&m.hours.0),
            phone: m.phone.clone(),
            email: m.email.clone(),
            website: m.website.clone(),
            status: m.status.0.as_str().into(),
            opened_on: m.opened_on,
            updated_at: m.updated_at,
            now: now.map(ApiOpenNow::from),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct ApiAgency {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub name_en: Option<String>,
    pub kind: String,
    pub website: Option<String>,
}

impl From<&AgencyRow> for ApiAgency {
    fn from(a: &AgencyRow) -> Self {
        ApiAgency {
            id: a.id,
            slug: a.slug.clone(),
            name: a.name.clone(),
            name_en: a.name_en.clone(),
            kind: a.kind.0.as_str().into(),
            website: a.website.clone(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct ApiProvider {
    pub id: i64,
    pub mpp_id: i64,
    pub agency_id: Option<i64>,
    pub agency_name: Option<String>,
    pub slug: String,
    pub name: String,
    pub name_en: Option<String>,
    /// `ministry_agency`, `provincial_government`, `regency_government`, `bumn`, `bumd` or `private`.
    pub kind: String,
    pub booth: Option<String>,
    pub zone: Option<String>,
    pub queue_prefix: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub maklumat: Option<String>,
    pub active: bool,
    pub published_services: i64,
}

impl From<&ProviderRow> for ApiProvider {
    fn from(p: &ProviderRow) -> Self {
        ApiProvider {
            id: p.id,
            mpp_id: p.mpp_id,
            agency_id: p.agency_id,
            agency_name: p.agency_name.clone(),
            slug: p.slug.clone(),
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
            published_services: p.published_services,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct ApiCounter {
    pub id: i64,
    pub mpp_id: i64,
    pub provider_id: i64,
    pub code: String,
    pub name: String,
    pub active: bool,
}

impl From<&CounterRow> for ApiCounter {
    fn from(c: &CounterRow) -> Self {
        ApiCounter {
            id: c.id,
            mpp_id: c.mpp_id,
            provider_id: c.provider_id,
            code: c.code.clone(),
            name: c.name.clone(),
            active: c.active,
        }
    }
}

/// The 14 components of the service standard; the first six are public.
#[derive(Serialize, ToSchema)]
pub struct ApiStandard {
    pub requirements: Vec<String>,
    pub requirements_en: Vec<String>,
    pub procedure: Vec<String>,
    pub procedure_en: Vec<String>,
    pub duration_value: Option<i64>,
    /// `minutes`, `hours`, `working_days` or `days`.
    pub duration_unit: Option<String>,
    pub duration_note: Option<String>,
    pub duration_note_en: Option<String>,
    pub fee_free: bool,
    pub fee: Option<String>,
    pub fee_en: Option<String>,
    pub product: Option<String>,
    pub product_en: Option<String>,
    pub complaints: Option<String>,
    pub complaints_en: Option<String>,
    pub legal_basis: Vec<String>,
    pub facilities: Option<String>,
    pub competence: Option<String>,
    pub supervision: Option<String>,
    pub staff_count: Option<i64>,
    pub guarantee: Option<String>,
    pub security: Option<String>,
    pub evaluation: Option<String>,
}

impl From<&Standard> for ApiStandard {
    fn from(s: &Standard) -> Self {
        ApiStandard {
            requirements: s.requirements.clone(),
            requirements_en: s.requirements_en.clone(),
            procedure: s.procedure.clone(),
            procedure_en: s.procedure_en.clone(),
            duration_value: s.duration_value,
            duration_unit: s.duration_unit.map(|u| u.as_str().into()),
            duration_note: s.duration_note.clone(),
            duration_note_en: s.duration_note_en.clone(),
            fee_free: s.fee_free,
            fee: s.fee.clone(),
            fee_en: s.fee_en.clone(),
            product: s.product.clone(),
            product_en: s.product_en.clone(),
            complaints: s.complaints.clone(),
            complaints_en: s.complaints_en.clone(),
            legal_basis: s.legal_basis.clone(),
            facilities: s.facilities.clone(),
            competence: s.competence.clone(),
            supervision: s.supervision.clone(),
            staff_count: s.staff_count,
            guarantee: s.guarantee.clone(),
            security: s.security.clone(),
            evaluation: s.evaluation.clone(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct ApiService {
    pub id: i64,
    pub mpp_id: i64,
    pub mpp_slug: String,
    pub mpp_name: String,
    pub provider_id: i64,
    pub provider_name: String,
    pub code: String,
    pub category: String,
    pub name: String,
    pub name_en: Option<String>,
    pub summary: Option<String>,
    pub summary_en: Option<String>,
    pub bookable: bool,
    /// `draft`, `published` or `archived`.
    pub status: String,
    pub maklumat: Option<String>,
    pub standard: ApiStandard,
    pub published_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
    /// The public page of this service.
    pub url: String,
}

impl From<&ServiceRow> for ApiService {
    fn from(s: &ServiceRow) -> Self {
        ApiService {
            id: s.id,
            mpp_id: s.mpp_id,
            mpp_slug: s.mpp_slug.clone(),
            mpp_name: s.mpp_name.clone(),
            provider_id: s.provider_id,
            provider_name: s.provider_name.clone(),
            code: s.code.clone(),
            category: s.category.0.as_str().into(),
            name: s.name.clone(),
            name_en: s.name_en.clone(),
            summary: s.summary.clone(),
            summary_en: s.summary_en.clone(),
            bookable: s.bookable,
            status: s.status.0.as_str().into(),
            maklumat: s.provider_maklumat.clone(),
            standard: ApiStandard::from(&s.standard.0),
            published_at: s.published_at,
            updated_at: s.updated_at,
            url: format!("/mpp/{}/layanan/{}", s.mpp_slug, s.code),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct ApiServicePage {
    pub total: usize,
    pub services: Vec<ApiService>,
    /// With `lat` and `lng`: every MPP with a known position, nearest first.
    pub distances: Vec<MppDistance>,
}

/// How far an MPP is from the position asked about.
#[derive(Serialize, ToSchema)]
pub struct MppDistance {
    pub mpp_id: i64,
    /// Great-circle distance in kilometres.
    pub km: f64,
}

#[derive(Serialize, ToSchema)]
pub struct ApiHoliday {
    pub id: i64,
    /// Absent for national holidays.
    pub mpp_id: Option<i64>,
    pub date: NaiveDate,
    pub name: String,
    pub name_en: Option<String>,
    /// `national`, `cuti_bersama` or `local`.
    pub kind: String,
}

impl From<&Holiday> for ApiHoliday {
    fn from(h: &Holiday) -> Self {
        ApiHoliday {
            id: h.id,
            mpp_id: h.mpp_id,
            date: h.date,
            name: h.name.clone(),
            name_en: h.name_en.clone(),
            kind: h.kind.clone(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct ApiMe {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub role: String,
    pub mpp_id: Option<i64>,
    pub provider_id: Option<i64>,
    pub must_change_password: bool,
    /// Send as `X-CSRF-Token` with writes made with the session cookie.
    pub csrf_token: String,
}

#[derive(Serialize, ToSchema)]
pub struct ApiUser {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub role: String,
    pub mpp_id: Option<i64>,
    pub provider_id: Option<i64>,
    pub active: bool,
    pub must_change_password: bool,
    pub created_at: DateTime<Utc>,
    pub last_login_at: Option<DateTime<Utc>>,
}

impl From<&satuatap_service::users::UserView> for ApiUser {
    fn from(u: &satuatap_service::users::UserView) -> Self {
        ApiUser {
            id: u.id,
            email: u.email.clone(),
            name: u.name.clone(),
            role: u.role.as_str().into(),
            mpp_id: u.mpp_id,
            provider_id: u.provider_id,
            active: u.active,
            must_change_password: u.must_change_password,
            created_at: u.created_at,
            last_login_at: u.last_login_at,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct ApiToken {
    pub id: i64,
    pub name: String,
    pub user_id: i64,
    pub user_email: String,
    pub prefix: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

impl From<&satuatap_store::ApiTokenRow> for ApiToken {
    fn from(t: &satuatap_store::ApiTokenRow) -> Self {
        ApiToken {
            id: t.id,
            name: t.name.clone(),
            user_id: t.user_id,
            user_email: t.user_email.clone(),
            prefix: t.prefix.clone(),
            created_at: t.created_at,
            last_used_at: t.last_used_at,
            revoked_at: t.revoked_at,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct ApiIssuedToken {
    pub id: i64,
    /// Shown once; send as `Authorization: Bearer …`.
    pub token: String,
    pub prefix: String,
}

#[derive(Serialize, ToSchema)]
pub struct ApiAuditEntry {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor_user_id: Option<i64>,
    pub actor_email: Option<String>,
    pub actor_name: Option<String>,
    pub mpp_id: Option<i64>,
    pub entity: String,
    pub entity_id: String,
    pub action: String,
    /// The record before the change (none for a creation or a view).
    #[schema(value_type = Option<Object>)]
    pub before: Option<serde_json::Value>,
    /// The record after the change (none for a deletion).
    #[schema(value_type = Option<Object>)]
    pub after: Option<serde_json::Value>,
    pub ip: Option<String>,
}

impl From<&satuatap_store::AuditRow> for ApiAuditEntry {
    fn from(a: &satuatap_store::AuditRow) -> Self {
        let parse = |s: &Option<String>| s.as_deref().and_then(|t| serde_json::from_str(t).ok());
        ApiAuditEntry {
            id: a.id,
            at: a.at,
            actor_user_id: a.actor_user_id,
            actor_email: a.actor_email.clone(),
            actor_name: a.actor_name.clone(),
            mpp_id: a.mpp_id,
            entity: a.entity.clone(),
            entity_id: a.entity_id.clone(),
            action: a.action.clone(),
            before: parse(&a.before),
            after: parse(&a.after),
            ip: a.ip.clone(),
        }
    }
}
