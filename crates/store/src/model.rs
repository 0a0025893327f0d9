//! Rows as the rest of satuatap sees them. Enum and JSON columns are parsed on
//! the way out (`try_from`), so a bad stored value is an error, not a panic.

use chrono::{DateTime, NaiveDate, Utc};
use satuatap_domain::booking::{BookingStatus, MessageStatus};
use satuatap_domain::catalog::{Category, MppStatus, ProviderKind, ServiceStatus, Standard};
use satuatap_domain::complaint::{Kind as ComplaintKind, Status as ComplaintStatus};
use satuatap_domain::hours::OpeningHours;
use satuatap_domain::queue::{CounterState, QueueSettings, TicketStatus};
use satuatap_domain::role::Role;
use satuatap_domain::survey::FollowupStatus;
use serde::Serialize;

/// Text columns holding domain values decode through these wrappers.
macro_rules! text_column {
    ($wrapper:ident, $ty:ty, $parse:expr) => {
        #[derive(Debug, Clone, PartialEq, serde::Serialize)]
        #[serde(transparent)]
        pub struct $wrapper(pub $ty);
        impl TryFrom<String> for $wrapper {
            type Error = String;
            fn try_from(s: String) -> Result<Self, String> {
                let parse: fn(&str) -> Option<$ty> = $parse;
                parse(&s).map($wrapper).ok_or_else(|| format!("unexpected value {s:?}"))
            }
        }
    };
}

pub(crate) use text_column;

text_column!(KindCol, ProviderKind, ProviderKind::parse);
text_column!(CategoryCol, Category, Category::parse);
text_column!(ServiceStatusCol, ServiceStatus, ServiceStatus::parse);
text_column!(MppStatusCol, MppStatus, MppStatus::parse);
text_column!(RoleCol, Role, Role::parse);
text_column!(HoursCol, OpeningHours, |s| OpeningHours::from_json(s).ok());
text_column!(StandardCol, Standard, |s| serde_json::from_str(s).ok());
text_column!(QueueSettingsCol, QueueSettings, |s| Some(QueueSettings::from_json(s)));
text_column!(TicketStatusCol, TicketStatus, TicketStatus::parse);
text_column!(CounterStateCol, CounterState, CounterState::parse);
text_column!(BookingStatusCol, BookingStatus, BookingStatus::parse);
text_column!(MessageStatusCol, MessageStatus, MessageStatus::parse);
text_column!(FollowupStatusCol, FollowupStatus, FollowupStatus::parse);
text_column!(ComplaintKindCol, ComplaintKind, ComplaintKind::parse);
text_column!(ComplaintStatusCol, ComplaintStatus, ComplaintStatus::parse);

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Province {
    pub code: String,
    pub name: String,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Regency {
    pub code: String,
    pub province_code: String,
    pub name: String,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct District {
    pub code: String,
    pub regency_code: String,
    pub name: String,
}

/// A regency with its MPP count, for the national directory.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct RegencyCoverage {
    pub code: String,
    pub province_code: String,
    pub name: String,
    pub operating: i64,
    pub planned: i64,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct ProvinceCoverage {
    pub code: String,
    pub name: String,
    pub regencies: i64,
    pub regencies_with_mpp: i64,
    pub mpps_operating: i64,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MppRow {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub nickname: Option<String>,
    pub regency_code: String,
    pub district_code: Option<String>,
    pub address: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub time_zone: String,
    #[sqlx(try_from = "String")]
    pub hours: HoursCol,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub website: Option<String>,
    #[sqlx(try_from = "String")]
    pub status: MppStatusCol,
    pub opened_on: Option<NaiveDate>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    #[sqlx(try_from = "String")]
    pub queue_settings: QueueSettingsCol,
    pub announcement: Option<String>,
    pub announcement_en: Option<String>,
    pub closed_through: Option<NaiveDate>,
    pub regency_name: String,
    pub province_code: String,
    pub province_name: String,
    pub district_name: Option<String>,
}

/// The fields of an MPP that are written (insert and update).
#[derive(Debug, Clone, Serialize)]
pub struct MppData {
    pub slug: String,
    pub name: String,
    pub nickname: Option<String>,
    pub regency_code: String,
    pub district_code: Option<String>,
    pub address: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub time_zone: String,
    pub hours: OpeningHours,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub website: Option<String>,
    pub status: MppStatus,
    pub opened_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AgencyRow {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub name_en: Option<String>,
    #[sqlx(try_from = "String")]
    pub kind: KindCol,
    pub website: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize)]
pub struct AgencyData {
    pub slug: String,
    pub name: String,
    pub name_en: Option<String>,
    pub kind: ProviderKind,
    pub website: Option<String>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ProviderRow {
    pub id: i64,
    pub mpp_id: i64,
    pub agency_id: Option<i64>,
    pub slug: String,
    pub name: String,
    pub name_en: Option<String>,
    #[sqlx(try_from = "String")]
    pub kind: KindCol,
    pub booth: Option<String>,
    pub zone: Option<String>,
    pub queue_prefix: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub maklumat: Option<String>,
    pub active: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub agency_name: Option<String>,
    pub published_services: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct ProviderData {
    pub agency_id: Option<i64>,
    pub slug: String,
    pub name: String,
    pub name_en: Option<String>,
    pub kind: ProviderKind,
    pub booth: Option<String>,
    pub zone: Option<String>,
    pub queue_prefix: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub maklumat: Option<String>,
    pub active: bool,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CounterRow {
    pub id: i64,
    pub mpp_id: i64,
    pub provider_id: i64,
    pub code: String,
    pub name: String,
    pub active: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    #[sqlx(try_from = "String")]
    pub state: CounterStateCol,
    pub officer_id: Option<i64>,
    pub state_since: Option<DateTime<Utc>>,
    pub zone: Option<String>,
    pub provider_name: String,
}

impl Serialize for CounterRow {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        serde_json::json!({
            "id": self.id, "mpp_id": self.mpp_id, "provider_id": self.provider_id, "code": self.code,
            "name": self.name, "active": self.active,
        })
        .serialize(s)
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct CounterData {
    pub code: String,
    pub name: String,
    pub active: bool,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ServiceRow {
    pub id: i64,
    pub mpp_id: i64,
    pub provider_id: i64,
    pub code: String,
    #[sqlx(try_from = "String")]
    pub category: CategoryCol,
    pub name: String,
    pub name_en: Option<String>,
    pub summary: Option<String>,
    pub summary_en: Option<String>,
    pub bookable: bool,
    #[sqlx(try_from = "String")]
    pub status: ServiceStatusCol,
    #[sqlx(try_from = "String")]
    pub standard: StandardCol,
    pub published_at: Option<DateTime<Utc>>,
    pub queue_prefix: Option<String>,
    pub rev: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub provider_name: String,
    pub provider_name_en: Option<String>,
    pub provider_maklumat: Option<String>,
    pub mpp_slug: String,
    pub mpp_name: String,
    pub regency_name: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ServiceData {
    pub provider_id: i64,
    pub code: String,
    pub category: Category,
    pub name: String,
    pub name_en: Option<String>,
    pub summary: Option<String>,
    pub summary_en: Option<String>,
    pub bookable: bool,
    pub queue_prefix: Option<String>,
    pub standard: Standard,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Holiday {
    pub id: i64,
    pub mpp_id: Option<i64>,
    pub date: NaiveDate,
    pub name: String,
    pub name_en: Option<String>,
    pub kind: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UserRow {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub password_hash: String,
    #[sqlx(try_from = "String")]
    pub role: RoleCol,
    pub mpp_id: Option<i64>,
    pub provider_id: Option<i64>,
    pub active: bool,
    pub must_change_password: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub last_login_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SessionRow {
    pub id: String,
    pub user_id: i64,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct ApiTokenRow {
    pub id: i64,
    pub user_id: i64,
    pub name: String,
    pub prefix: String,
    pub created_by: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub user_email: String,
    pub user_mpp_id: Option<i64>,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct AuditRow {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor_user_id: Option<i64>,
    pub actor_email: Option<String>,
    /// The person's name as their account has it now.
    pub actor_name: Option<String>,
    pub mpp_id: Option<i64>,
    pub entity: String,
    pub entity_id: String,
    pub action: String,
    pub before: Option<String>,
    pub after: Option<String>,
    pub ip: Option<String>,
}

/// One change to record in the audit log.
#[derive(Debug, Clone)]
pub struct AuditEntry {
    pub at: DateTime<Utc>,
    pub actor_user_id: Option<i64>,
    pub actor_email: Option<String>,
    pub mpp_id: Option<i64>,
    pub entity: &'static str,
    pub entity_id: String,
    pub action: &'static str,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
    pub ip: Option<String>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TicketRow {
    pub id: i64,
    pub mpp_id: i64,
    pub provider_id: i64,
    pub service_id: i64,
    pub day: NaiveDate,
    pub prefix: String,
    pub number: i64,
    pub code: String,
    pub token: String,
    #[sqlx(try_from = "String")]
    pub status: TicketStatusCol,
    pub outcome: Option<String>,
    pub outcome_reason: Option<String>,
    pub priority: Option<String>,
    pub source: String,
    pub arrived_at: DateTime<Utc>,
    pub issued_at: DateTime<Utc>,
    pub queue_key: DateTime<Utc>,
    pub counter_id: Option<i64>,
    pub officer_id: Option<i64>,
    pub target_counter_id: Option<i64>,
    pub called_at: Option<DateTime<Utc>>,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
    pub recalls: i64,
    pub extra_time_used: bool,
    pub service_name: String,
    pub service_name_en: Option<String>,
    pub service_code: String,
    pub provider_name: String,
    pub provider_name_en: Option<String>,
    pub booth: Option<String>,
    pub zone: Option<String>,
    pub counter_code: Option<String>,
    pub counter_name: Option<String>,
}

/// A ticket about to be inserted.
#[derive(Debug, Clone)]
pub struct NewTicket {
    pub mpp_id: i64,
    pub provider_id: i64,
    pub service_id: i64,
    pub day: NaiveDate,
    pub prefix: String,
    pub number: i64,
    pub code: String,
    pub token: String,
    pub priority: Option<String>,
    pub source: String,
    pub arrived_at: DateTime<Utc>,
    pub issued_at: DateTime<Utc>,
    pub queue_key: DateTime<Utc>,
    pub target_counter_id: Option<i64>,
    /// The issuing device's key for one request (a retry returns the same ticket).
    pub request_key: Option<String>,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct TicketEventRow {
    pub id: i64,
    pub ticket_id: i64,
    pub at: DateTime<Utc>,
    pub kind: String,
    pub service_id: Option<i64>,
    pub counter_id: Option<i64>,
    pub officer_id: Option<i64>,
    pub note: Option<String>,
    pub counter_code: Option<String>,
    pub officer_name: Option<String>,
    pub service_name: Option<String>,
}

/// Waiting tickets and open counters for one service today.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct ServiceQueueRow {
    pub service_id: i64,
    pub service_name: String,
    pub service_name_en: Option<String>,
    pub provider_id: i64,
    pub provider_name: String,
    pub zone: Option<String>,
    pub prefix: String,
    pub waiting: i64,
    pub open_counters: i64,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct SlotRow {
    pub id: i64,
    pub mpp_id: i64,
    pub service_id: i64,
    pub day: NaiveDate,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub capacity: i64,
    pub booked: i64,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct BookingRow {
    pub id: i64,
    pub mpp_id: i64,
    pub service_id: i64,
    pub slot_id: i64,
    pub day: NaiveDate,
    pub code: String,
    #[sqlx(try_from = "String")]
    pub status: BookingStatusCol,
    pub name_sealed: String,
    pub nik_sealed: String,
    pub nik_index: String,
    pub nik_masked: String,
    pub phone_sealed: Option<String>,
    pub phone_masked: Option<String>,
    pub email_sealed: Option<String>,
    pub email_masked: Option<String>,
    pub ticket_id: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub cancelled_at: Option<DateTime<Utc>>,
    pub checked_in_at: Option<DateTime<Utc>>,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub service_name: String,
    pub service_name_en: Option<String>,
    pub service_code: String,
    pub provider_id: i64,
    pub provider_name: String,
    pub mpp_slug: String,
    pub mpp_name: String,
    pub time_zone: String,
}

/// A booking about to be inserted (personal data already sealed).
#[derive(Debug, Clone)]
pub struct NewBooking {
    pub mpp_id: i64,
    pub service_id: i64,
    pub slot_id: i64,
    pub day: NaiveDate,
    pub code: String,
    pub name_sealed: String,
    pub nik_sealed: String,
    pub nik_index: String,
    pub nik_masked: String,
    pub phone_sealed: Option<String>,
    pub phone_masked: Option<String>,
    pub email_sealed: Option<String>,
    pub email_masked: Option<String>,
    pub nik_guard: Option<String>,
    pub request_key: Option<String>,
    pub user_id: Option<i64>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OutboxRow {
    pub id: i64,
    pub mpp_id: Option<i64>,
    pub booking_id: Option<i64>,
    pub kind: String,
    pub channel: String,
    pub recipient_sealed: String,
    pub recipient_masked: String,
    pub subject: String,
    pub body_sealed: String,
    #[sqlx(try_from = "String")]
    pub status: MessageStatusCol,
    pub attempts: i64,
    pub next_attempt_at: DateTime<Utc>,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
}

/// A message to send later (recipient and body already sealed).
#[derive(Debug, Clone)]
pub struct NewMessage {
    pub mpp_id: Option<i64>,
    pub booking_id: Option<i64>,
    pub kind: String,
    pub channel: String,
    pub recipient_sealed: String,
    pub recipient_masked: String,
    pub subject: String,
    pub body_sealed: String,
    pub send_at: DateTime<Utc>,
}

/// A one-time survey code, for an application finished after the visit.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct SurveyCodeRow {
    pub id: i64,
    pub mpp_id: i64,
    pub provider_id: i64,
    pub service_id: i64,
    pub code: String,
    pub note: Option<String>,
    pub created_by: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub used_at: Option<DateTime<Utc>>,
}

/// A survey response about to be stored (answers U1–U9 in code order).
#[derive(Debug, Clone)]
pub struct NewSurveyResponse {
    pub mpp_id: i64,
    pub provider_id: i64,
    pub service_id: i64,
    pub day: NaiveDate,
    pub channel: String,
    pub ticket_id: Option<i64>,
    pub code_id: Option<i64>,
    pub answers: [u8; 9],
    pub suggestion: Option<String>,
    pub sex: Option<String>,
    pub age_band: Option<String>,
    pub education: Option<String>,
    pub occupation: Option<String>,
    pub entered_by: Option<i64>,
    pub created_at: DateTime<Utc>,
}

/// Served count and survey sums of one group (an MPP, provider or service; 0 for all).
#[derive(Debug, Clone, Default, sqlx::FromRow)]
pub struct TallyRow {
    pub id: i64,
    pub served: i64,
    pub responses: i64,
    pub s1: i64,
    pub s2: i64,
    pub s3: i64,
    pub s4: i64,
    pub s5: i64,
    pub s6: i64,
    pub s7: i64,
    pub s8: i64,
    pub s9: i64,
}

impl TallyRow {
    pub fn sums(&self) -> [i64; 9] {
        [self.s1, self.s2, self.s3, self.s4, self.s5, self.s6, self.s7, self.s8, self.s9]
    }
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct SuggestionRow {
    pub id: i64,
    pub mpp_id: i64,
    pub provider_id: i64,
    pub service_id: i64,
    pub service_name: String,
    pub day: NaiveDate,
    pub channel: String,
    pub suggestion: Option<String>,
    pub followup_id: Option<i64>,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct FollowupRow {
    pub id: i64,
    pub mpp_id: i64,
    pub provider_id: Option<i64>,
    pub response_id: Option<i64>,
    pub title: String,
    pub note: Option<String>,
    pub owner_id: Option<i64>,
    pub owner_name: Option<String>,
    #[sqlx(try_from = "String")]
    #[schema(value_type = FollowupStatus)]
    pub status: FollowupStatusCol,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub suggestion: Option<String>,
}
