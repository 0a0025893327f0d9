//! The OSS help desk: an MPP opens it on one of its services (the
//! consultation service, served through the queue or a booking) and gets a
//! group-session service beside it; officers record each consultation and
//! follow up on the ones left open; group sessions ("Sosialisasi OSS") take
//! registrations through the booking machinery, one slot per session.

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use satuatap_domain::Invalid;
use satuatap_domain::booking::{BookingRules, BookingStatus, mask_email, mask_phone, parse_phone};
use satuatap_domain::catalog::ServiceStatus;
use satuatap_domain::oss::{
    MAX_SESSION_SEATS, Outcome, Role, SESSION_DAYS_AHEAD, Topic, kbli_section, parse_kbli, parse_nib,
};
use satuatap_domain::text::mask_name;
use satuatap_domain::validate::Checker;
use satuatap_store::Tx;
use satuatap_store::oss::{
    NewOssConsultation, NewOssSession, OssConsultationRow, OssCountsRow, OssServiceRow, OssSessionCountsRow,
    OssSessionRow,
};
use serde::{Deserialize, Serialize};

use crate::application::works_on;
use crate::booking::{BookingInput, BookingView, hhmm};
use crate::catalog::ServiceInput;
use crate::input::Loose;
use crate::mpps::parse_date;
use crate::queue::mpp_tz;
use crate::{Actor, App, Error, Refusal, Result, audit};

/// Opening the desk: on an existing service of the MPP, or a new one under a provider.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct OpenDeskInput {
    /// The service visitors take a number for (it becomes the consultation service).
    #[serde(default, deserialize_with = "crate::input::loose")]
    #[schema(value_type = Option<i64>)]
    pub service_id: Loose<i64>,
    /// Without `service_id`: the provider that runs the desk (a consultation service is made for it).
    #[serde(default, deserialize_with = "crate::input::loose")]
    #[schema(value_type = Option<i64>)]
    pub provider_id: Loose<i64>,
}

/// A group session to plan.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct SessionInput {
    #[serde(default)]
    pub title: String,
    /// Where it is held ("Ruang Rapat Lantai 3").
    #[serde(default)]
    pub room: String,
    /// Local date, `YYYY-MM-DD`.
    #[serde(default)]
    pub date: String,
    /// Local times, `HH:MM`.
    #[serde(default)]
    pub starts: String,
    #[serde(default)]
    pub ends: String,
    #[serde(default, deserialize_with = "crate::input::loose")]
    #[schema(value_type = i64)]
    pub capacity: Loose<i64>,
    #[serde(default)]
    pub note: Option<String>,
}

/// What an officer records after a consultation.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ConsultationInput {
    /// The visit being served, if the visitor came through the queue.
    #[serde(default, deserialize_with = "crate::input::loose")]
    #[schema(value_type = Option<i64>)]
    pub ticket_id: Loose<i64>,
    #[serde(default)]
    pub visitor_name: Option<String>,
    /// For the follow-up (a reminder goes there on its date).
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub business_name: Option<String>,
    /// The business activity in words; required unless `kbli` is given.
    #[serde(default)]
    pub activity: Option<String>,
    /// KBLI 2020 code, 5 digits.
    #[serde(default)]
    pub kbli: Option<String>,
    /// `registration`, `kbli`, `certificate`, `permit`, `revision`, `reporting` or `other`.
    #[serde(default)]
    pub topic: String,
    /// `nib`, `referred`, `follow_up` or `answered`.
    #[serde(default)]
    pub outcome: String,
    /// The NIB issued (13 digits), with outcome `nib`.
    #[serde(default)]
    pub nib: Option<String>,
    /// The provider at the MPP the visitor was sent to, with outcome `referred`.
    #[serde(default, deserialize_with = "crate::input::loose")]
    #[schema(value_type = Option<i64>)]
    pub referred_provider_id: Loose<i64>,
    /// `YYYY-MM-DD`, with outcome `follow_up`.
    #[serde(default)]
    pub follow_up_on: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
}

/// Closing a follow-up with what came of it.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct FollowUpInput {
    /// `nib`, `referred` or `answered`.
    #[serde(default)]
    pub outcome: String,
    #[serde(default)]
    pub nib: Option<String>,
    #[serde(default, deserialize_with = "crate::input::loose")]
    #[schema(value_type = Option<i64>)]
    pub referred_provider_id: Loose<i64>,
    #[serde(default)]
    pub note: Option<String>,
}

/// A desk service as anyone may see it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DeskService {
    pub service_id: i64,
    pub provider_id: i64,
    pub provider_name: String,
    pub name: String,
    pub name_en: Option<String>,
    pub published: bool,
    /// Where the desk is: "Gerai 2", "Lantai 3, Zona A".
    pub booth: Option<String>,
    pub zone: Option<String>,
}

/// An MPP's OSS desk.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OssDesk {
    pub mpp_id: i64,
    /// The desk runs: its consultation service is published.
    pub open: bool,
    pub consultation: Option<DeskService>,
    pub sessions: Option<DeskService>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SessionView {
    pub id: i64,
    pub mpp_id: i64,
    pub mpp_name: String,
    pub mpp_slug: String,
    pub service_id: i64,
    pub slot_id: i64,
    pub title: String,
    pub room: String,
    pub note: Option<String>,
    pub day: NaiveDate,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    /// Local `HH:MM`.
    pub starts_local: String,
    pub ends_local: String,
    pub time_zone: String,
    pub capacity: i64,
    pub registered: i64,
    pub seats_left: i64,
    pub attended: i64,
    pub cancelled: bool,
    /// Registration is possible now (not cancelled, not started, seats left).
    pub open: bool,
}

/// Someone registered for a session (staff view, name masked unless the officer opens it).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Registrant {
    pub booking_id: i64,
    pub code: String,
    pub name_masked: String,
    pub nik_masked: String,
    pub phone_masked: Option<String>,
    pub email_masked: Option<String>,
    pub status: BookingStatus,
    pub registered_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SessionDetail {
    pub session: SessionView,
    pub registrants: Vec<Registrant>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ConsultationView {
    pub id: i64,
    pub mpp_id: i64,
    pub service_id: i64,
    pub ticket_id: Option<i64>,
    /// The queue number, e.g. "B-012".
    pub ticket_number: Option<String>,
    pub visitor_masked: Option<String>,
    pub phone_masked: Option<String>,
    pub email_masked: Option<String>,
    pub business_name: Option<String>,
    pub activity: Option<String>,
    pub kbli: Option<String>,
    /// The KBLI section letter (A–U) of `kbli`.
    pub kbli_section: Option<String>,
    pub topic: Topic,
    pub outcome: Outcome,
    pub nib: Option<String>,
    pub referred_provider_id: Option<i64>,
    pub referred_provider_name: Option<String>,
    pub follow_up_on: Option<NaiveDate>,
    pub follow_up_done_at: Option<DateTime<Utc>>,
    /// An open follow-up whose date has come.
    pub follow_up_due: bool,
    /// An open follow-up whose date has passed.
    pub follow_up_late: bool,
    pub reminded_at: Option<DateTime<Utc>>,
    pub note: Option<String>,
    pub officer_name: Option<String>,
    pub day: NaiveDate,
    pub created_at: DateTime<Utc>,
}

/// The desk's figures for a period.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct OssFigures {
    pub consultations: i64,
    pub nib: i64,
    pub referred: i64,
    pub follow_up: i64,
    pub answered: i64,
    /// Follow-ups of the period still open.
    pub follow_up_open: i64,
    pub sessions: i64,
    pub session_seats: i64,
    pub session_registered: i64,
    pub session_attended: i64,
    /// People helped: consultations and those who attended a session.
    pub assisted: i64,
}

impl OssFigures {
    pub fn of(c: Option<&OssCountsRow>, s: Option<&OssSessionCountsRow>) -> OssFigures {
        let c = c.cloned().unwrap_or_default();
        let s = s.cloned().unwrap_or_default();
        OssFigures {
            consultations: c.consultations,
            nib: c.nib,
            referred: c.referred,
            follow_up: c.follow_up,
            answered: c.answered,
            follow_up_open: c.follow_up_open,
            sessions: s.sessions,
            session_seats: s.seats,
            session_registered: s.registered,
            session_attended: s.attended,
            assisted: c.consultations + s.attended,
        }
    }

    pub fn add(&mut self, o: &OssFigures) {
        self.consultations += o.consultations;
        self.nib += o.nib;
        self.referred += o.referred;
        self.follow_up += o.follow_up;
        self.answered += o.answered;
        self.follow_up_open += o.follow_up_open;
        self.sessions += o.sessions;
        self.session_seats += o.session_seats;
        self.session_registered += o.session_registered;
        self.session_attended += o.session_attended;
        self.assisted += o.assisted;
    }
}

/// The desk's worklist: follow-ups by date, the sessions ahead, the latest consultations.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DeskOverview {
    pub desk: OssDesk,
    pub today: NaiveDate,
    pub follow_ups: Vec<ConsultationView>,
    pub sessions: Vec<SessionView>,
    pub past_sessions: Vec<SessionView>,
    pub recent: Vec<ConsultationView>,
    /// The last 30 days.
    pub figures: OssFigures,
}

fn desk_service(s: &OssServiceRow) -> DeskService {
    DeskService {
        service_id: s.service_id,
        provider_id: s.provider_id,
        provider_name: s.provider_name.clone(),
        name: s.name.clone(),
        name_en: s.name_en.clone(),
        published: s.status == ServiceStatus::Published.as_str(),
        booth: s.booth.clone(),
        zone: s.zone.clone(),
    }
}

fn parse_hhmm(c: &mut Checker, field: &str, v: &str) -> Option<NaiveTime> {
    let v = v.trim();
    if v.is_empty() {
        c.push(field, Invalid::Required);
        return None;
    }
    satuatap_domain::hours::parse_time(v).or_else(|| {
        c.push(field, Invalid::Format { hint: "hint-time" });
        None
    })
}

fn loose_id(c: &mut Checker, field: &str, v: &Loose<i64>) -> Option<i64> {
    match v {
        Some(Ok(id)) => Some(*id),
        Some(Err(_)) => {
            c.push(field, Invalid::Unknown);
            None
        }
        None => None,
    }
}

/// The rules of a session service: registration open from the moment a session is planned.
fn session_rules() -> BookingRules {
    BookingRules {
        slot_minutes: 60,
        capacity_per_slot: 1,
        daily_quota: None,
        days_ahead: SESSION_DAYS_AHEAD,
        opens_at: NaiveTime::MIN,
        one_per_nik: true,
        check_in_before_minutes: 60,
        check_in_after_minutes: 60,
    }
}

/// The catalogue entry of a desk service the platform makes (the manager may edit it afterwards).
fn desk_service_input(provider_id: i64, role: Role, code: &str) -> ServiceInput {
    let lines = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let (name, name_en, summary, summary_en, requirements, procedure, duration) = match role {
        Role::Consultation => (
            "Konsultasi dan Pendampingan OSS",
            "OSS Consultation and Assistance",
            "Bantuan bagi pelaku usaha untuk mendaftar di OSS RBA, memilih KBLI, dan memperoleh Nomor Induk Berusaha (NIB).",
            "Help for businesses to register in OSS RBA, choose their KBLI code and obtain a Business Identification Number (NIB).",
            lines(&["KTP-el pemilik usaha", "NPWP (bila ada)", "Alamat email dan nomor ponsel aktif"]),
            lines(&[
                "Ambil nomor antrean Help Desk OSS di anjungan atau pesan jadwal secara daring.",
                "Sampaikan kegiatan usaha Anda; petugas membantu memilih KBLI dan tingkat risikonya.",
                "Isi data usaha di OSS bersama petugas, lalu unduh NIB.",
            ]),
            30,
        ),
        Role::Session => (
            "Sosialisasi OSS",
            "OSS Information Session",
            "Sesi kelompok tentang cara mendaftar usaha di OSS RBA, memilih KBLI, dan memperoleh NIB. Daftar secara daring; kursi terbatas.",
            "A group session on registering a business in OSS RBA, choosing a KBLI code and obtaining an NIB. Register online; seats are limited.",
            lines(&["KTP-el", "Pendaftaran daring sebelum sesi"]),
            lines(&[
                "Pilih sesi dan daftar secara daring dengan NIK dan nomor ponsel.",
                "Datang ke ruangan sesi 15 menit sebelum mulai dan tunjukkan kode pendaftaran.",
                "Ikuti paparan dan praktik pendaftaran OSS bersama petugas.",
            ]),
            120,
        ),
    };
    ServiceInput {
        provider_id: Some(Ok(provider_id)),
        code: code.into(),
        category: "perizinan_berusaha".into(),
        name: name.into(),
        name_en: Some(name_en.into()),
        summary: Some(summary.into()),
        summary_en: Some(summary_en.into()),
        bookable: role == Role::Session,
        requirements,
        procedure,
        duration_value: Some(Ok(duration)),
        duration_unit: Some("minutes".into()),
        fee_free: true,
        fee: Some("Tidak dipungut biaya".into()),
        fee_en: Some("Free of charge".into()),
        product: Some(match role {
            Role::Consultation => "Nomor Induk Berusaha (NIB) atau jawaban atas pertanyaan perizinan".into(),
            Role::Session => "Pemahaman cara mendaftar di OSS RBA".into(),
        }),
        complaints: Some(
            "Pengaduan dapat disampaikan melalui meja informasi MPP atau SP4N-LAPOR! (www.lapor.go.id).".into(),
        ),
        ..ServiceInput::default()
    }
}

impl App {
    /// An MPP's desk (public).
    pub async fn oss_desk(&self, mpp_id: i64) -> Result<OssDesk> {
        let mut r = self.store.read().await?;
        r.mpp(mpp_id).await?.ok_or(Error::NotFound)?;
        let services = r.oss_services(Some(mpp_id)).await?;
        Ok(Self::desk_of(mpp_id, &services))
    }

    fn desk_of(mpp_id: i64, services: &[OssServiceRow]) -> OssDesk {
        let of = |role: Role| services.iter().find(|s| s.oss_role == role.as_str()).map(desk_service);
        let consultation = of(Role::Consultation);
        OssDesk {
            mpp_id,
            open: consultation.as_ref().is_some_and(|c| c.published),
            consultation,
            sessions: of(Role::Session),
        }
    }

    /// Open the desk (the MPP's managers): the consultation service is the one given, or a new
    /// one under the provider given; a session service is made beside it unless there is one.
    pub async fn open_oss_desk(&self, actor: &Actor, mpp_id: i64, input: &OpenDeskInput) -> Result<OssDesk> {
        actor.require(actor.manages_mpp(mpp_id))?;
        let mut c = Checker::new();
        let service_id = loose_id(&mut c, "service_id", &input.service_id);
        let provider_id = loose_id(&mut c, "provider_id", &input.provider_id);
        if service_id.is_none() && provider_id.is_none() && c.is_ok() {
            c.push("service_id", Invalid::Required);
        }
        c.finish(()).map_err(Error::Invalid)?;
        let existing = {
            let mut r = self.store.read().await?;
            r.mpp(mpp_id).await?.ok_or(Error::NotFound)?;
            r.oss_services(Some(mpp_id)).await?
        };
        let consultation = match service_id {
            Some(id) => {
                let s =
                    self.service(Some(actor), id).await.map_err(|_| Error::field("service_id", Invalid::Unknown))?;
                if s.mpp_id != mpp_id {
                    return Err(Error::field("service_id", Invalid::Unknown));
                }
                s
            }
            None => {
                let pid = provider_id.unwrap_or_default();
                let code = self.free_service_code(mpp_id, "OSS-KONSULTASI").await?;
                let s = self
                    .create_service(actor, mpp_id, &desk_service_input(pid, Role::Consultation, &code))
                    .await
                    .map_err(|e| match e {
                    Error::Invalid(_) => Error::field("provider_id", Invalid::Unknown),
                    e => e,
                })?;
                self.set_service_status(actor, s.id, ServiceStatus::Published).await?
            }
        };
        let session_id = match existing.iter().find(|s| s.oss_role == Role::Session.as_str()) {
            Some(s) => s.service_id,
            None => {
                let code = self.free_service_code(mpp_id, "OSS-SOSIALISASI").await?;
                let s = self
                    .create_service(actor, mpp_id, &desk_service_input(consultation.provider_id, Role::Session, &code))
                    .await?;
                self.set_service_status(actor, s.id, ServiceStatus::Published).await?;
                s.id
            }
        };
        let now = self.now();
        let mut tx = self.store.begin().await?;
        tx.set_service_oss_role(mpp_id, consultation.id, Role::Consultation.as_str()).await?;
        tx.set_service_oss_role(mpp_id, session_id, Role::Session.as_str()).await?;
        if tx.booking_rules(session_id).await?.is_none() {
            let rules = serde_json::to_string(&session_rules()).map_err(|e| Error::Internal(e.to_string()))?;
            tx.set_booking_rules(session_id, mpp_id, &rules, now).await?;
        }
        audit::record(
            &mut tx,
            self,
            actor,
            audit::Change::new(Some(mpp_id), "oss_desk", mpp_id, "open"),
            None::<&()>,
            Some(&serde_json::json!({"consultation_service_id": consultation.id, "session_service_id": session_id})),
        )
        .await?;
        tx.commit().await?;
        self.availability_cache().forget(session_id);
        self.oss_desk(mpp_id).await
    }

    async fn free_service_code(&self, mpp_id: i64, base: &str) -> Result<String> {
        let mut r = self.store.read().await?;
        for n in 0..20 {
            let code = if n == 0 { base.to_string() } else { format!("{base}-{}", n + 1) };
            if r.service_by_code(mpp_id, &code).await?.is_none() {
                return Ok(code);
            }
        }
        Err(Error::field("code", Invalid::Taken))
    }

    async fn desk_services(&self, mpp_id: i64) -> Result<(OssServiceRow, OssServiceRow)> {
        let services = {
            let mut r = self.store.read().await?;
            r.oss_services(Some(mpp_id)).await?
        };
        let of = |role: Role| services.iter().find(|s| s.oss_role == role.as_str()).cloned();
        match (of(Role::Consultation), of(Role::Session)) {
            (Some(c), Some(s)) => Ok((c, s)),
            _ => Err(Error::refused(Refusal::OssDeskNotOpen)),
        }
    }

    fn session_view(&self, s: &OssSessionRow) -> SessionView {
        let tz: Tz = s.time_zone.parse().unwrap_or(Tz::Asia__Jakarta);
        let left = (s.capacity - s.booked).max(0);
        SessionView {
            id: s.id,
            mpp_id: s.mpp_id,
            mpp_name: s.mpp_name.clone(),
            mpp_slug: s.mpp_slug.clone(),
            service_id: s.service_id,
            slot_id: s.slot_id,
            title: s.title.clone(),
            room: s.room.clone(),
            note: s.note.clone(),
            day: s.day,
            starts_at: s.starts_at,
            ends_at: s.ends_at,
            starts_local: hhmm(s.starts_at, tz),
            ends_local: hhmm(s.ends_at, tz),
            time_zone: s.time_zone.clone(),
            capacity: if s.cancelled_at.is_some() { s.booked } else { s.capacity },
            registered: s.booked,
            seats_left: if s.cancelled_at.is_some() { 0 } else { left },
            attended: s.attended,
            cancelled: s.cancelled_at.is_some(),
            open: s.cancelled_at.is_none() && s.starts_at > self.now() && left > 0,
        }
    }

    /// Plan a group session (the desk's staff): its seats are a booking slot of its own.
    pub async fn create_oss_session(&self, actor: &Actor, mpp_id: i64, input: &SessionInput) -> Result<SessionView> {
        let (consultation, sessions) = self.desk_services(mpp_id).await?;
        actor.require(works_on(actor, mpp_id, consultation.provider_id))?;
        let m = {
            let mut r = self.store.read().await?;
            r.mpp(mpp_id).await?.ok_or(Error::NotFound)?
        };
        let tz = mpp_tz(&m);
        let now = self.now();
        let today = now.with_timezone(&tz).date_naive();
        let mut c = Checker::new();
        let title = c.text("title", &input.title, 160);
        let room = c.text("room", &input.room, 160);
        let note = c.opt_text("note", input.note.as_deref(), 1000);
        let day = parse_date(&mut c, "date", Some(&input.date));
        if input.date.trim().is_empty() {
            c.push("date", Invalid::Required);
        }
        if let Some(d) = day
            && (d < today || d > today + Duration::days(SESSION_DAYS_AHEAD - 1))
        {
            c.push("date", Invalid::Format { hint: "hint-session-date" });
        }
        let starts = parse_hhmm(&mut c, "starts", &input.starts);
        let ends = parse_hhmm(&mut c, "ends", &input.ends);
        if let (Some(s), Some(e)) = (starts, ends)
            && e <= s
        {
            c.push("ends", Invalid::Format { hint: "hint-ends-after-starts" });
        }
        let capacity = match &input.capacity {
            Some(Ok(n)) => Some(c.range("capacity", *n, 1, MAX_SESSION_SEATS)),
            Some(Err(_)) => {
                c.push("capacity", Invalid::OutOfRange { min: 1, max: MAX_SESSION_SEATS });
                None
            }
            None => {
                c.push("capacity", Invalid::Required);
                None
            }
        };
        let local = |t: NaiveTime| day.and_then(|d| tz.from_local_datetime(&d.and_time(t)).earliest());
        let starts_at = starts.and_then(local).map(|t| t.with_timezone(&Utc));
        let ends_at = ends.and_then(local).map(|t| t.with_timezone(&Utc));
        if starts_at.is_some_and(|s| s <= now) && !c.has("date") {
            c.push("starts", Invalid::Format { hint: "hint-session-past" });
        }
        c.finish(()).map_err(Error::Invalid)?;
        let (Some(day), Some(starts_at), Some(ends_at), Some(capacity)) = (day, starts_at, ends_at, capacity) else {
            return Err(Error::field("date", Invalid::Required));
        };
        let mut tx = self.store.begin().await?;
        let Some(slot_id) = tx.insert_slot(mpp_id, sessions.service_id, day, starts_at, ends_at, capacity).await?
        else {
            return Err(Error::field("starts", Invalid::Taken));
        };
        let n = NewOssSession {
            mpp_id,
            service_id: sessions.service_id,
            slot_id,
            title,
            room,
            note,
            created_by: actor.audit_id(),
        };
        let id = tx.insert_oss_session(&n, now).await?;
        audit::record(
            &mut tx,
            self,
            actor,
            audit::Change::new(Some(mpp_id), "oss_session", id, "create"),
            None::<&()>,
            Some(&serde_json::json!({"title": n.title, "room": n.room, "day": day, "starts_at": starts_at, "capacity": capacity})),
        )
        .await?;
        let row = tx.oss_session(id).await?.ok_or(Error::NotFound)?;
        tx.commit().await?;
        self.availability_cache().forget(sessions.service_id);
        Ok(self.session_view(&row))
    }

    /// Cancel a session: its registrants' bookings are cancelled and each is told.
    pub async fn cancel_oss_session(&self, actor: &Actor, id: i64) -> Result<SessionView> {
        let row = {
            let mut r = self.store.read().await?;
            r.oss_session(id).await?.ok_or(Error::NotFound)?
        };
        let (consultation, _) = self.desk_services(row.mpp_id).await?;
        actor.require(works_on(actor, row.mpp_id, consultation.provider_id)).map_err(|_| Error::NotFound)?;
        let now = self.now();
        let mut tx = self.store.begin().await?;
        if !tx.cancel_oss_session(id, now).await? {
            return Err(Error::refused(Refusal::OssSessionCancelled));
        }
        let m = tx.mpp(row.mpp_id).await?.ok_or(Error::NotFound)?;
        let tz = mpp_tz(&m);
        for b in tx.bookings_of_slot(row.slot_id).await? {
            if b.status.0 != BookingStatus::Active {
                continue;
            }
            if tx.set_booking_status(b.id, &[BookingStatus::Active], BookingStatus::Cancelled, now).await? {
                tx.free_seat(row.slot_id).await?;
                let name = self.keys.open(&b.name_sealed)?;
                let to = crate::outbox::Recipient {
                    booking_id: b.id,
                    mpp_id: b.mpp_id,
                    code: &b.code,
                    name: &name,
                    service_name: &row.title,
                    mpp_name: &m.name,
                    starts_at: row.starts_at,
                    tz,
                    check_in_before: 0,
                    email_sealed: b.email_sealed.as_deref(),
                    email_masked: b.email_masked.as_deref(),
                    phone_sealed: b.phone_sealed.as_deref(),
                    phone_masked: b.phone_masked.as_deref(),
                };
                self.enqueue_booking_messages(&mut tx, "cancelled", &to).await?;
            }
        }
        tx.close_slot(row.slot_id).await?;
        audit::record(
            &mut tx,
            self,
            actor,
            audit::Change::new(Some(row.mpp_id), "oss_session", id, "cancel"),
            None::<&()>,
            None::<&()>,
        )
        .await?;
        let after = tx.oss_session(id).await?.ok_or(Error::NotFound)?;
        tx.commit().await?;
        self.availability_cache().forget(row.service_id);
        Ok(self.session_view(&after))
    }

    /// The sessions ahead at an MPP (public; cancelled ones stay listed, marked, so people who
    /// registered see what happened).
    pub async fn oss_sessions(&self, mpp_id: i64) -> Result<Vec<SessionView>> {
        let mut r = self.store.read().await?;
        r.mpp(mpp_id).await?.ok_or(Error::NotFound)?;
        let rows = r.oss_sessions(Some(mpp_id), self.now(), true, 100).await?;
        Ok(rows.iter().map(|s| self.session_view(s)).collect())
    }

    /// One session (public).
    pub async fn oss_session(&self, id: i64) -> Result<SessionView> {
        let mut r = self.store.read().await?;
        let row = r.oss_session(id).await?.ok_or(Error::NotFound)?;
        Ok(self.session_view(&row))
    }

    /// The session a booking slot belongs to, if it is a session's.
    pub async fn oss_session_of_slot(&self, slot_id: i64) -> Result<Option<SessionView>> {
        let mut r = self.store.read().await?;
        Ok(r.oss_session_of_slot(slot_id).await?.map(|s| self.session_view(&s)))
    }

    /// Register for a session: a booking of its slot, so the seat is taken by the database
    /// (never more registrations than seats) and the confirmation leaves through the outbox.
    pub async fn register_for_oss_session(
        &self,
        user: Option<&Actor>,
        session_id: i64,
        input: &BookingInput,
    ) -> Result<BookingView> {
        let row = {
            let mut r = self.store.read().await?;
            r.oss_session(session_id).await?.ok_or(Error::NotFound)?
        };
        if row.cancelled_at.is_some() {
            return Err(Error::refused(Refusal::OssSessionCancelled));
        }
        let mut input = input.clone();
        input.slot_id = Some(Ok(row.slot_id));
        self.book(user, &input).await
    }

    /// A session with its registrants (the desk's staff; the view is audited).
    pub async fn oss_session_detail(&self, actor: &Actor, id: i64) -> Result<SessionDetail> {
        let row = {
            let mut r = self.store.read().await?;
            r.oss_session(id).await?.ok_or(Error::NotFound)?
        };
        let (consultation, _) = self.desk_services(row.mpp_id).await?;
        actor.require(works_on(actor, row.mpp_id, consultation.provider_id)).map_err(|_| Error::NotFound)?;
        let mut tx = self.store.begin().await?;
        let bookings = tx.bookings_of_slot(row.slot_id).await?;
        audit::record(
            &mut tx,
            self,
            actor,
            audit::Change::new(Some(row.mpp_id), "oss_session", id, "view"),
            None::<&()>,
            None::<&()>,
        )
        .await?;
        tx.commit().await?;
        let mut registrants = Vec::with_capacity(bookings.len());
        for b in bookings {
            registrants.push(Registrant {
                booking_id: b.id,
                name_masked: mask_name(&self.keys.open(&b.name_sealed).unwrap_or_default()),
                code: b.code,
                nik_masked: b.nik_masked,
                phone_masked: b.phone_masked,
                email_masked: b.email_masked,
                status: b.status.0,
                registered_at: b.created_at,
            });
        }
        Ok(SessionDetail { session: self.session_view(&row), registrants })
    }

    /// Mark a registrant present (from the session's day); a second mark is refused.
    pub async fn mark_oss_attended(&self, actor: &Actor, session_id: i64, booking_id: i64) -> Result<SessionDetail> {
        let row = {
            let mut r = self.store.read().await?;
            r.oss_session(session_id).await?.ok_or(Error::NotFound)?
        };
        let (consultation, _) = self.desk_services(row.mpp_id).await?;
        actor.require(works_on(actor, row.mpp_id, consultation.provider_id)).map_err(|_| Error::NotFound)?;
        let now = self.now();
        let m = {
            let mut r = self.store.read().await?;
            r.mpp(row.mpp_id).await?.ok_or(Error::NotFound)?
        };
        if now.with_timezone(&mpp_tz(&m)).date_naive() < row.day {
            return Err(Error::refused(Refusal::CheckInTooEarly));
        }
        let mut tx = self.store.begin().await?;
        let b = tx.booking(booking_id).await?.filter(|b| b.slot_id == row.slot_id).ok_or(Error::NotFound)?;
        if !tx.set_booking_status(b.id, &[BookingStatus::Active], BookingStatus::CheckedIn, now).await? {
            return Err(Error::refused(Refusal::CheckInUsed));
        }
        audit::record(
            &mut tx,
            self,
            actor,
            audit::Change::new(Some(row.mpp_id), "booking", b.id, "attended"),
            None::<&()>,
            Some(&serde_json::json!({"oss_session_id": session_id})),
        )
        .await?;
        tx.commit().await?;
        self.oss_session_detail(actor, session_id).await
    }

    /// Record a consultation (the desk's staff).
    pub async fn record_oss_consultation(
        &self,
        actor: &Actor,
        mpp_id: i64,
        input: &ConsultationInput,
    ) -> Result<ConsultationView> {
        let (consultation, _) = self.desk_services(mpp_id).await?;
        actor.require(works_on(actor, mpp_id, consultation.provider_id))?;
        let now = self.now();
        let mut r = self.store.read().await?;
        let m = r.mpp(mpp_id).await?.ok_or(Error::NotFound)?;
        let tz = mpp_tz(&m);
        let today = now.with_timezone(&tz).date_naive();
        let mut c = Checker::new();
        let ticket = match loose_id(&mut c, "ticket_id", &input.ticket_id) {
            Some(id) => match r.ticket(id).await?.filter(|t| t.mpp_id == mpp_id) {
                Some(t) => Some(t),
                None => {
                    c.push("ticket_id", Invalid::Unknown);
                    None
                }
            },
            None => None,
        };
        let booking = match &ticket {
            Some(t) => match r.booking_id_of_ticket(t.id).await? {
                Some(b) => r.booking(b).await?,
                None => None,
            },
            None => None,
        };
        let typed_name = c.opt_text("visitor_name", input.visitor_name.as_deref(), 120);
        let name = match (typed_name, booking.as_ref()) {
            (Some(n), _) => Some(n),
            (None, Some(b)) => Some(self.keys.open(&b.name_sealed)?),
            _ => None,
        };
        let phone = match input.phone.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
            Some(p) => parse_phone(p).or_else(|| {
                c.push("phone", Invalid::Format { hint: "hint-phone" });
                None
            }),
            None => None,
        };
        let email = c.opt_email("email", input.email.as_deref());
        let business_name = c.opt_text("business_name", input.business_name.as_deref(), 160);
        let activity = c.opt_text("activity", input.activity.as_deref(), 300);
        let kbli = match input.kbli.as_deref().map(str::trim).filter(|k| !k.is_empty()) {
            Some(k) => match parse_kbli(k).filter(|k| kbli_section(k).is_some()) {
                Some(k) => Some(k),
                None => {
                    c.push("kbli", Invalid::Format { hint: "hint-kbli" });
                    None
                }
            },
            None => None,
        };
        if activity.is_none() && kbli.is_none() && !c.has("kbli") && !c.has("activity") {
            c.push("activity", Invalid::Required);
        }
        let topic = match input.topic.trim() {
            "" => {
                c.push("topic", Invalid::Required);
                None
            }
            t => Topic::parse(t).or_else(|| {
                c.push("topic", Invalid::NotAllowed);
                None
            }),
        };
        let outcome = match input.outcome.trim() {
            "" => {
                c.push("outcome", Invalid::Required);
                None
            }
            o => Outcome::parse(o).or_else(|| {
                c.push("outcome", Invalid::NotAllowed);
                None
            }),
        };
        let note = c.opt_text("note", input.note.as_deref(), 1000);
        let (nib, referred, follow_up_on) = match outcome {
            Some(o) => {
                let parts = Self::outcome_parts(
                    &mut r,
                    &mut c,
                    mpp_id,
                    o,
                    input.nib.as_deref(),
                    &input.referred_provider_id,
                    input.follow_up_on.as_deref(),
                    today,
                )
                .await?;
                (parts.0, parts.1, parts.2)
            }
            None => (None, None, None),
        };
        drop(r);
        c.finish(()).map_err(Error::Invalid)?;
        let (Some(topic), Some(outcome)) = (topic, outcome) else {
            return Err(Error::field("outcome", Invalid::Required));
        };
        let n = NewOssConsultation {
            mpp_id,
            service_id: ticket.as_ref().map_or(consultation.service_id, |t| t.service_id),
            ticket_id: ticket.as_ref().map(|t| t.id),
            booking_id: booking.as_ref().map(|b| b.id),
            visitor_name_sealed: name.as_deref().map(|n| self.keys.seal(n)).transpose()?,
            visitor_name_masked: name.as_deref().map(mask_name),
            phone_sealed: phone.as_deref().map(|p| self.keys.seal(p)).transpose()?,
            phone_masked: phone.as_deref().map(mask_phone),
            email_sealed: email.as_deref().map(|e| self.keys.seal(e)).transpose()?,
            email_masked: email.as_deref().map(mask_email),
            business_name,
            activity,
            kbli,
            topic: topic.as_str().into(),
            outcome: outcome.as_str().into(),
            nib,
            referred_provider_id: referred,
            follow_up_on,
            note,
            officer_id: actor.audit_id(),
            officer_name: Some(actor.name.clone()).filter(|n| !n.is_empty()),
            day: today,
        };
        let mut tx = self.store.begin().await?;
        let id = match tx.insert_oss_consultation(&n, now).await {
            Ok(id) => id,
            Err(e) if e.is_unique() => return Err(Error::refused(Refusal::ConsultationRecorded)),
            Err(e) => return Err(e.into()),
        };
        audit::record(
            &mut tx,
            self,
            actor,
            audit::Change::new(Some(mpp_id), "oss_consultation", id, "create"),
            None::<&()>,
            Some(
                &serde_json::json!({"topic": n.topic, "outcome": n.outcome, "kbli": n.kbli, "ticket_id": n.ticket_id}),
            ),
        )
        .await?;
        let row = tx.oss_consultation(id).await?.ok_or(Error::NotFound)?;
        tx.commit().await?;
        Ok(self.consultation_view(&row, today))
    }

    /// The NIB, referral and follow-up date an outcome needs, checked.
    #[allow(clippy::too_many_arguments)]
    async fn outcome_parts(
        r: &mut Tx,
        c: &mut Checker,
        mpp_id: i64,
        outcome: Outcome,
        nib: Option<&str>,
        referred: &Loose<i64>,
        follow_up_on: Option<&str>,
        today: NaiveDate,
    ) -> Result<(Option<String>, Option<i64>, Option<NaiveDate>)> {
        let mut out = (None, None, None);
        match outcome {
            Outcome::Nib => match nib.map(str::trim).filter(|n| !n.is_empty()) {
                Some(n) => match parse_nib(n) {
                    Some(n) => out.0 = Some(n),
                    None => c.push("nib", Invalid::Format { hint: "hint-nib" }),
                },
                None => c.push("nib", Invalid::Required),
            },
            Outcome::Referred => match loose_id(c, "referred_provider_id", referred) {
                Some(p) => match r.provider(p).await?.filter(|p| p.mpp_id == mpp_id) {
                    Some(p) => out.1 = Some(p.id),
                    None => c.push("referred_provider_id", Invalid::Unknown),
                },
                None if !c.has("referred_provider_id") => c.push("referred_provider_id", Invalid::Required),
                None => {}
            },
            Outcome::FollowUp => match parse_date(c, "follow_up_on", follow_up_on) {
                Some(d) if d >= today && d <= today + Duration::days(90) => out.2 = Some(d),
                Some(_) => c.push("follow_up_on", Invalid::Format { hint: "hint-follow-up-date" }),
                None if !c.has("follow_up_on") => c.push("follow_up_on", Invalid::Required),
                None => {}
            },
            Outcome::Answered => {}
        }
        Ok(out)
    }

    /// Close a follow-up with its outcome; a second close is refused.
    pub async fn finish_oss_follow_up(
        &self,
        actor: &Actor,
        id: i64,
        input: &FollowUpInput,
    ) -> Result<ConsultationView> {
        let row = {
            let mut r = self.store.read().await?;
            r.oss_consultation(id).await?.ok_or(Error::NotFound)?
        };
        let (consultation, _) = self.desk_services(row.mpp_id).await?;
        actor.require(works_on(actor, row.mpp_id, consultation.provider_id)).map_err(|_| Error::NotFound)?;
        let now = self.now();
        let mut r = self.store.read().await?;
        let m = r.mpp(row.mpp_id).await?.ok_or(Error::NotFound)?;
        let today = now.with_timezone(&mpp_tz(&m)).date_naive();
        let mut c = Checker::new();
        let outcome = match input.outcome.trim() {
            "" => {
                c.push("outcome", Invalid::Required);
                None
            }
            o => Outcome::parse(o).filter(|o| *o != Outcome::FollowUp).or_else(|| {
                c.push("outcome", Invalid::NotAllowed);
                None
            }),
        };
        let note = c.opt_text("note", input.note.as_deref(), 1000);
        let (nib, referred) = match outcome {
            Some(o) => {
                let p = Self::outcome_parts(
                    &mut r,
                    &mut c,
                    row.mpp_id,
                    o,
                    input.nib.as_deref(),
                    &input.referred_provider_id,
                    None,
                    today,
                )
                .await?;
                (p.0, p.1)
            }
            None => (None, None),
        };
        drop(r);
        c.finish(()).map_err(Error::Invalid)?;
        let outcome = outcome.ok_or_else(|| Error::field("outcome", Invalid::Required))?;
        let mut tx = self.store.begin().await?;
        if !tx.finish_follow_up(id, outcome.as_str(), nib.as_deref(), referred, note.as_deref(), now).await? {
            return Err(Error::refused(Refusal::FollowUpClosed));
        }
        audit::record(
            &mut tx,
            self,
            actor,
            audit::Change::new(Some(row.mpp_id), "oss_consultation", id, "follow_up"),
            Some(&serde_json::json!({"outcome": row.outcome})),
            Some(&serde_json::json!({"outcome": outcome})),
        )
        .await?;
        let after = tx.oss_consultation(id).await?.ok_or(Error::NotFound)?;
        tx.commit().await?;
        Ok(self.consultation_view(&after, today))
    }

    fn consultation_view(&self, r: &OssConsultationRow, today: NaiveDate) -> ConsultationView {
        let open = r.outcome == Outcome::FollowUp.as_str() && r.follow_up_done_at.is_none();
        ConsultationView {
            id: r.id,
            mpp_id: r.mpp_id,
            service_id: r.service_id,
            ticket_id: r.ticket_id,
            ticket_number: r.ticket_number.clone(),
            visitor_masked: r.visitor_name_masked.clone(),
            phone_masked: r.phone_masked.clone(),
            email_masked: r.email_masked.clone(),
            business_name: r.business_name.clone(),
            activity: r.activity.clone(),
            kbli_section: r.kbli.as_deref().and_then(kbli_section).map(String::from),
            kbli: r.kbli.clone(),
            topic: Topic::parse(&r.topic).unwrap_or(Topic::Other),
            outcome: Outcome::parse(&r.outcome).unwrap_or(Outcome::Answered),
            nib: r.nib.clone(),
            referred_provider_id: r.referred_provider_id,
            referred_provider_name: r.referred_provider_name.clone(),
            follow_up_on: r.follow_up_on,
            follow_up_done_at: r.follow_up_done_at,
            follow_up_due: open && r.follow_up_on.is_some_and(|d| d <= today),
            follow_up_late: open && r.follow_up_on.is_some_and(|d| d < today),
            reminded_at: r.reminded_at,
            note: r.note.clone(),
            officer_name: r.officer_name.clone(),
            day: r.day,
            created_at: r.created_at,
        }
    }

    /// The desk's worklist (its staff and the MPP's managers).
    pub async fn oss_overview(&self, actor: &Actor, mpp_id: i64) -> Result<DeskOverview> {
        let desk = self.oss_desk(mpp_id).await?;
        let provider = desk.consultation.as_ref().map(|c| c.provider_id);
        actor.require(actor.manages_mpp(mpp_id) || provider.is_some_and(|p| works_on(actor, mpp_id, p)))?;
        let now = self.now();
        let mut r = self.store.read().await?;
        let m = r.mpp(mpp_id).await?.ok_or(Error::NotFound)?;
        let today = now.with_timezone(&mpp_tz(&m)).date_naive();
        let from = today - Duration::days(29);
        let follow_ups = r.open_follow_ups(Some(mpp_id), None, false).await?;
        let sessions = r.oss_sessions(Some(mpp_id), now, true, 50).await?;
        let past = r.past_oss_sessions(mpp_id, now, 10).await?;
        let recent = r.oss_consultations(mpp_id, from, today, 12).await?;
        let counts = r.oss_counts(Some(mpp_id), from, today).await?;
        let session_counts = r.oss_session_counts(Some(mpp_id), from, today).await?;
        drop(r);
        Ok(DeskOverview {
            desk,
            today,
            follow_ups: follow_ups.iter().map(|c| self.consultation_view(c, today)).collect(),
            sessions: sessions.iter().map(|s| self.session_view(s)).collect(),
            past_sessions: past.iter().map(|s| self.session_view(s)).collect(),
            recent: recent.iter().map(|c| self.consultation_view(c, today)).collect(),
            figures: OssFigures::of(counts.first(), session_counts.first()),
        })
    }

    /// The desk's figures for a period (the manager's dashboard and the monthly report).
    pub(crate) async fn oss_figures(&self, mpp_id: i64, from: NaiveDate, to: NaiveDate) -> Result<Option<OssFigures>> {
        let mut r = self.store.read().await?;
        if r.oss_services(Some(mpp_id)).await?.is_empty() {
            return Ok(None);
        }
        let counts = r.oss_counts(Some(mpp_id), from, to).await?;
        let sessions = r.oss_session_counts(Some(mpp_id), from, to).await?;
        Ok(Some(OssFigures::of(counts.first(), sessions.first())))
    }

    /// Tell visitors whose follow-up date has come (once each); runs with the board loop.
    pub async fn remind_oss_follow_ups(&self) -> Result<usize> {
        let now = self.now();
        // The easternmost zone's date: no MPP's day is later.
        let latest = now.with_timezone(&Tz::Asia__Jayapura).date_naive();
        let due = {
            let mut r = self.store.read().await?;
            r.open_follow_ups(None, Some(latest), true).await?
        };
        let mut sent = 0;
        let mut zones: std::collections::HashMap<i64, (Tz, String)> = std::collections::HashMap::new();
        for row in due {
            let (tz, mpp_name) = match zones.get(&row.mpp_id) {
                Some(z) => z.clone(),
                None => {
                    let mut r = self.store.read().await?;
                    let m = r.mpp(row.mpp_id).await?.ok_or(Error::NotFound)?;
                    let z = (mpp_tz(&m), m.name.clone());
                    zones.insert(row.mpp_id, z.clone());
                    z
                }
            };
            let today = now.with_timezone(&tz).date_naive();
            if row.follow_up_on.is_none_or(|d| d > today) {
                continue;
            }
            let mut tx = self.store.begin().await?;
            if !tx.mark_follow_up_reminded(row.id, now).await? {
                continue;
            }
            let name = match &row.visitor_name_sealed {
                Some(s) => self.keys.open(s)?,
                None => "Bapak/Ibu".into(),
            };
            let date = row.follow_up_on.map(|d| d.format("%d-%m-%Y").to_string()).unwrap_or_default();
            let text = format!(
                "Halo {name}, hari ini ({date}) jadwal tindak lanjut konsultasi OSS Anda di {mpp_name}. \
                 Petugas Help Desk OSS akan menghubungi Anda, atau silakan datang ke Help Desk OSS. / \
                 Hello {name}, today ({date}) is the follow-up of your OSS consultation at {mpp_name}. \
                 The OSS help desk will contact you, or you are welcome to visit it."
            );
            let email = row.email_sealed.as_deref().zip(row.email_masked.as_deref());
            let phone = row.phone_sealed.as_deref().zip(row.phone_masked.as_deref());
            let subject = "Tindak lanjut konsultasi OSS / OSS follow-up";
            self.message_contacts(&mut tx, row.mpp_id, "oss_follow_up", subject, &text, email, phone).await?;
            tx.commit().await?;
            sent += 1;
        }
        Ok(sent)
    }
}
