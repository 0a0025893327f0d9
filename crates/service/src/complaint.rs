//! Complaints on the SP4N-LAPOR! model: a public report with a tracking code,
//! verification by the MPP's operator within 3 working days, the provider's
//! answer within 5, the reporter's rating or reopening, comments while open,
//! escalation of late reports, and the export LAPOR! staff ingest.

use std::collections::HashSet;

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use satuatap_domain::Invalid;
use satuatap_domain::booking::{mask_email, mask_phone, parse_phone};
use satuatap_domain::complaint::{
    ANSWER_WORKING_DAYS, Action, Kind, MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS, Party, Status, VERIFY_WORKING_DAYS,
    sniff_attachment,
};
use satuatap_domain::role::Role;
use satuatap_domain::validate::Checker;
use satuatap_domain::workdays::{deadline, horizon};
use satuatap_store::complaint::{
    AttachmentData, AttachmentMeta, ComplaintEventRow, ComplaintFilter, ComplaintRow, ComplaintState, NewComplaint,
    NewComplaintEvent,
};
use satuatap_store::{NewMessage, Tx};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::crypto::token_hash;
use crate::input::{Loose, flag, loose};
use crate::mpps::parse_date;
use crate::queue::mpp_tz;
use crate::{Actor, App, Error, Refusal, Result, audit};

/// What the public form (or API) sends.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ComplaintInput {
    /// `aspirasi`, `pengaduan` or `permintaan_informasi`.
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub body: String,
    /// When it happened (YYYY-MM-DD), if it is about an event.
    #[serde(default)]
    pub happened_on: Option<String>,
    /// The provider it is about, if any.
    #[serde(default, deserialize_with = "loose")]
    #[schema(value_type = Option<i64>)]
    pub provider_id: Loose<i64>,
    /// The service it is about, if any (implies its provider).
    #[serde(default, deserialize_with = "loose")]
    #[schema(value_type = Option<i64>)]
    pub service_id: Loose<i64>,
    /// No name or contact is kept; the tracking code is the only way back.
    #[serde(default, deserialize_with = "flag")]
    pub anonymous: bool,
    /// The reporter's identity is hidden from the provider and masked in exports.
    #[serde(default, deserialize_with = "flag")]
    pub confidential: bool,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
}

/// A file sent with a report or a comment.
#[derive(Debug, Clone)]
pub struct Upload {
    pub filename: String,
    pub data: Vec<u8>,
}

/// What the reporter receives once: the code to follow the report with.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Filed {
    pub id: i64,
    pub reference: String,
    pub tracking_code: String,
    pub verify_due_at: DateTime<Utc>,
}

/// A step by the operator or the provider.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct StepInput {
    /// `forward`, `postpone`, `not_authority`, `archive` (operator); `answer`, `return` (provider).
    #[serde(default)]
    pub action: String,
    /// For `forward`: the provider to send it to.
    #[serde(default, deserialize_with = "loose")]
    #[schema(value_type = Option<i64>)]
    pub provider_id: Loose<i64>,
    #[serde(default, deserialize_with = "loose")]
    #[schema(value_type = Option<i64>)]
    pub service_id: Loose<i64>,
    /// The note the reporter sees (required for every step but `forward`).
    #[serde(default)]
    pub note: Option<String>,
    /// For `not_authority`: where the reporter should go instead.
    #[serde(default)]
    pub referral: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct CommentInput {
    #[serde(default)]
    pub body: String,
    /// Staff only: a note between the MPP and the provider the reporter does not see.
    #[serde(default, deserialize_with = "flag")]
    pub internal: bool,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct RatingInput {
    /// 1 (very unsatisfied) to 5 (very satisfied).
    #[serde(default, deserialize_with = "loose")]
    #[schema(value_type = i64)]
    pub rating: Loose<i64>,
    #[serde(default)]
    pub comment: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ReopenInput {
    #[serde(default)]
    pub reason: String,
}

/// One step on the timeline, as the viewer may see it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct EventView {
    pub at: DateTime<Utc>,
    /// `reporter`, `operator`, `provider` or `system`.
    pub actor_kind: String,
    /// Who, as the viewer may know it: staff see names, the reporter sees the office.
    pub actor: String,
    pub action: String,
    pub to_status: Option<String>,
    pub body: Option<String>,
    pub internal: bool,
    pub rating: Option<i64>,
    pub attachments: Vec<AttachmentView>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AttachmentView {
    pub id: i64,
    pub filename: String,
    pub content_type: String,
    pub size: i64,
}

/// A report as one viewer may see it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ComplaintView {
    pub id: i64,
    pub reference: String,
    pub mpp_id: i64,
    pub mpp_name: String,
    pub provider_id: Option<i64>,
    pub provider_name: Option<String>,
    pub service_id: Option<i64>,
    pub service_name: Option<String>,
    pub kind: String,
    pub kind_label: String,
    pub kind_label_en: String,
    pub title: String,
    pub body: String,
    pub happened_on: Option<NaiveDate>,
    pub anonymous: bool,
    pub confidential: bool,
    /// Masked name, or "Anonim" / "Dirahasiakan" when hidden from this viewer.
    pub reporter: String,
    pub email_masked: Option<String>,
    pub phone_masked: Option<String>,
    pub status: String,
    pub status_label: String,
    pub status_label_en: String,
    /// The deadline running now (verification or answer), if any.
    pub due_at: Option<DateTime<Utc>>,
    pub overdue: bool,
    pub escalated_at: Option<DateTime<Utc>>,
    pub referral: Option<String>,
    pub rating: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub time_zone: String,
    pub events: Vec<EventView>,
    pub attachments: Vec<AttachmentView>,
}

/// One record of the SP4N-LAPOR! export (docs/LAPOR_EXPORT.md).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct LaporRecord {
    pub nomor: String,
    pub kanal: String,
    pub mpp: String,
    pub kode_wilayah: String,
    pub kategori: String,
    pub judul: String,
    pub isi: String,
    pub tanggal_kejadian: Option<NaiveDate>,
    pub tanggal_laporan: String,
    pub instansi_tujuan: Option<String>,
    pub layanan: Option<String>,
    pub status: String,
    pub status_lapor: String,
    pub anonim: bool,
    pub rahasia: bool,
    pub nama_pelapor: Option<String>,
    pub email_pelapor: Option<String>,
    pub telepon_pelapor: Option<String>,
    pub batas_verifikasi: Option<String>,
    pub batas_tindak_lanjut: Option<String>,
    pub terlambat: bool,
    pub tindak_lanjut_terakhir: Option<String>,
    pub penilaian: Option<i64>,
    pub jumlah_lampiran: i64,
}

/// Column order of the CSV export (the field names of [`LaporRecord`]).
pub const LAPOR_COLUMNS: [&str; 24] = [
    "nomor",
    "kanal",
    "mpp",
    "kode_wilayah",
    "kategori",
    "judul",
    "isi",
    "tanggal_kejadian",
    "tanggal_laporan",
    "instansi_tujuan",
    "layanan",
    "status",
    "status_lapor",
    "anonim",
    "rahasia",
    "nama_pelapor",
    "email_pelapor",
    "telepon_pelapor",
    "batas_verifikasi",
    "batas_tindak_lanjut",
    "terlambat",
    "tindak_lanjut_terakhir",
    "penilaian",
    "jumlah_lampiran",
];

/// Which reports a staff list shows.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// One status only.
    #[serde(default)]
    pub status: Option<Status>,
    /// Only late reports.
    #[serde(default, deserialize_with = "flag")]
    pub overdue: bool,
}

pub fn reference(id: i64) -> String {
    format!("ADU-{id:06}")
}

/// Tracking codes: `ADU-` and 12 characters of Crockford base32 (60 random bits).
fn tracking_code(random: &[u8; 8]) -> String {
    const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    let bits = u64::from_be_bytes(*random);
    let chars: String = (0..12).rev().map(|i| ALPHABET[((bits >> (i * 5)) & 31) as usize] as char).collect();
    format!("ADU-{}-{}-{}", &chars[..4], &chars[4..8], &chars[8..])
}

/// A tracking code as typed: prefix and dashes optional, confusable letters mapped.
pub fn normalize_tracking_code(input: &str) -> String {
    let up = input.trim().to_ascii_uppercase();
    let rest = up.strip_prefix("ADU").unwrap_or(&up);
    let c: String = rest
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| match c {
            'I' | 'L' => '1',
            'O' => '0',
            o => o,
        })
        .collect();
    if c.len() == 12 { format!("ADU-{}-{}-{}", &c[..4], &c[4..8], &c[8..]) } else { c }
}

fn code_hash(code: &str) -> String {
    token_hash(&normalize_tracking_code(code))
}

/// The deadline running in a status, and whether it has passed.
fn current_due(c: &ComplaintRow) -> Option<DateTime<Utc>> {
    match Status::parse(&c.status) {
        Some(Status::Submitted) => c.verify_due_at,
        Some(Status::Forwarded) => c.answer_due_at,
        _ => None,
    }
}

/// Check uploads by their bytes and size; the stored name is reduced to safe characters.
fn check_uploads(c: &mut Checker, uploads: &[Upload]) -> Vec<(String, &'static str, String)> {
    let mut out = Vec::new();
    let uploads: Vec<&Upload> = uploads.iter().filter(|u| !u.data.is_empty()).collect();
    if uploads.len() > MAX_ATTACHMENTS {
        c.push("attachments", Invalid::OutOfRange { min: 0, max: MAX_ATTACHMENTS as i64 });
        return out;
    }
    for u in uploads {
        if u.data.len() > MAX_ATTACHMENT_BYTES {
            c.push("attachments", Invalid::Format { hint: "hint-attachment-size" });
            continue;
        }
        let Some((ctype, ext)) = sniff_attachment(&u.data) else {
            c.push("attachments", Invalid::Format { hint: "hint-attachment-type" });
            continue;
        };
        let stem: String = u
            .filename
            .rsplit(['/', '\\'])
            .next()
            .unwrap_or("")
            .rsplit_once('.')
            .map(|(s, _)| s)
            .unwrap_or(&u.filename)
            .chars()
            .filter(|ch| ch.is_ascii_alphanumeric() || matches!(ch, '-' | '_' | ' '))
            .take(60)
            .collect();
        let stem = stem.trim();
        let name = format!("{}.{ext}", if stem.is_empty() { "lampiran" } else { stem });
        out.push((name, ctype, hex(&Sha256::digest(&u.data))));
    }
    out
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Who the viewer is, for what a view shows.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Viewer {
    Reporter,
    Operator,
    Provider,
}

impl App {
    /// The end of `n` working days after `at` for an MPP, in its time zone.
    pub(crate) async fn working_deadline(
        &self,
        tx: &mut Tx,
        mpp_id: i64,
        tz: Tz,
        at: DateTime<Utc>,
        n: u32,
    ) -> Result<DateTime<Utc>> {
        let day = at.with_timezone(&tz).date_naive();
        let closed: HashSet<NaiveDate> =
            tx.closures(Some(mpp_id), day, horizon(day, n)).await?.into_iter().map(|h| h.date).collect();
        Ok(deadline(at, tz, n, &closed))
    }

    /// File a report. Nobody needs an account; the tracking code is shown once.
    pub async fn submit_complaint(&self, mpp_id: i64, input: &ComplaintInput, uploads: &[Upload]) -> Result<Filed> {
        let now = self.now();
        let mut c = Checker::new();
        let kind = match Kind::parse(input.kind.trim()) {
            Some(k) => Some(k),
            None => {
                c.push("kind", if input.kind.trim().is_empty() { Invalid::Required } else { Invalid::NotAllowed });
                None
            }
        };
        let title = c.text("title", &input.title, 160);
        let body = c.text("body", &input.body, 5000);
        if !c.has("body") && body.chars().count() < 20 {
            c.push("body", Invalid::TooShort { min: 20 });
        }
        let happened_on = parse_date(&mut c, "happened_on", input.happened_on.as_deref());
        let provider_id = loose_id(&mut c, "provider_id", &input.provider_id);
        let service_id = loose_id(&mut c, "service_id", &input.service_id);
        let (mut name, mut email, mut phone) = (None, None, None);
        if !input.anonymous {
            name = Some(c.text("name", input.name.as_deref().unwrap_or(""), 120));
            email = c.opt_email("email", input.email.as_deref());
            phone = match input.phone.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
                None => None,
                Some(p) => parse_phone(p).or_else(|| {
                    c.push("phone", Invalid::Format { hint: "hint-phone" });
                    None
                }),
            };
        }
        let files = check_uploads(&mut c, uploads);
        let mut r = self.store.read().await?;
        let m = r.mpp(mpp_id).await?.ok_or(Error::NotFound)?;
        let tz = mpp_tz(&m);
        if let Some(d) = happened_on
            && d > now.with_timezone(&tz).date_naive()
        {
            c.push("happened_on", Invalid::Format { hint: "hint-date-past" });
        }
        let mut provider_id = provider_id;
        if let Some(sid) = service_id {
            match r.service(sid).await? {
                Some(s) if s.mpp_id == mpp_id => provider_id = Some(s.provider_id),
                _ => c.push("service_id", Invalid::Unknown),
            }
        } else if let Some(pid) = provider_id {
            match r.provider(pid).await? {
                Some(p) if p.mpp_id == mpp_id => {}
                _ => c.push("provider_id", Invalid::Unknown),
            }
        }
        drop(r);
        let kind = c.finish(kind).map_err(Error::Invalid)?.ok_or_else(|| Error::field("kind", Invalid::Required))?;
        let mut random = [0u8; 8];
        getrandom::fill(&mut random).map_err(|e| Error::Internal(e.to_string()))?;
        let code = tracking_code(&random);
        let seal = |v: &Option<String>| v.as_deref().map(|x| self.keys.seal(x)).transpose();
        let mut tx = self.store.begin().await?;
        let verify_due_at = self.working_deadline(&mut tx, mpp_id, tz, now, VERIFY_WORKING_DAYS).await?;
        let new = NewComplaint {
            mpp_id,
            provider_id,
            service_id,
            code_hash: code_hash(&code),
            kind: kind.as_str().to_string(),
            title,
            body,
            happened_on,
            anonymous: input.anonymous,
            confidential: input.confidential || input.anonymous,
            reporter_name_sealed: seal(&name)?,
            reporter_name_masked: name.as_deref().map(mask_name),
            email_sealed: seal(&email)?,
            email_masked: email.as_deref().map(mask_email),
            phone_sealed: seal(&phone)?,
            phone_masked: phone.as_deref().map(mask_phone),
            verify_due_at,
        };
        let id = tx.insert_complaint(&new, now).await?;
        let event = tx
            .insert_complaint_event(
                &NewComplaintEvent {
                    complaint_id: id,
                    actor_kind: "reporter",
                    actor_user_id: None,
                    actor_name: None,
                    action: "submit",
                    from_status: None,
                    to_status: Some("submitted"),
                    body: None,
                    internal: false,
                    rating: None,
                },
                now,
            )
            .await?;
        store_uploads(&mut tx, id, Some(event), uploads, &files, now).await?;
        let row = tx.complaint(id).await?.ok_or(Error::NotFound)?;
        self.notify_reporter(
            &mut tx,
            &row,
            &format!(
                "Laporan Anda {} sudah kami terima dan akan diverifikasi paling lambat {}. \
             Simpan kode pelacakan Anda untuk melihat perkembangannya. \
             (Your report {} was received; it will be verified by {}.)",
                reference(id),
                local_text(verify_due_at, tz),
                reference(id),
                local_text(verify_due_at, tz),
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(Filed { id, reference: reference(id), tracking_code: code, verify_due_at })
    }

    /// The report behind a tracking code, as its reporter sees it.
    pub async fn complaint_by_code(&self, code: &str) -> Result<ComplaintView> {
        let mut r = self.store.read().await?;
        let row = r.complaint_by_code_hash(&code_hash(code)).await?.ok_or(Error::NotFound)?;
        drop(r);
        self.view(row, Viewer::Reporter).await
    }

    /// Staff open a report (the view is recorded in the audit trail).
    pub async fn complaint(&self, actor: &Actor, id: i64) -> Result<ComplaintView> {
        let mut tx = self.store.begin().await?;
        let row = tx.complaint(id).await?.ok_or(Error::NotFound)?;
        let viewer = staff_viewer(actor, &row).ok_or(Error::NotFound)?;
        audit::record(
            &mut tx,
            self,
            actor,
            audit::Change::new(Some(row.mpp_id), "complaint", id, "view"),
            None::<&()>,
            None::<&()>,
        )
        .await?;
        tx.commit().await?;
        self.view(row, viewer).await
    }

    /// Staff lists: operators see their MPP's reports, provider admins those forwarded to them.
    pub async fn complaints(&self, actor: &Actor, mpp_id: i64, q: &ListQuery) -> Result<Vec<ComplaintView>> {
        let provider_only = if actor.manages_mpp(mpp_id) {
            None
        } else if actor.role == Role::ProviderAdmin && actor.mpp_id == Some(mpp_id) {
            actor.provider_id
        } else {
            return Err(Error::Forbidden);
        };
        let status = q.status;
        let now = self.now();
        let mut r = self.store.read().await?;
        let rows = r
            .complaints(&ComplaintFilter {
                mpp_id: Some(mpp_id),
                provider_id: provider_only,
                status: status.map(|s| s.as_str().to_string()),
                overdue_at: q.overdue.then_some(now),
                limit: 500,
                ..ComplaintFilter::default()
            })
            .await?;
        drop(r);
        let mut out = Vec::new();
        for row in rows {
            if let Some(viewer) = staff_viewer(actor, &row) {
                out.push(self.summary(row, viewer));
            }
        }
        Ok(out)
    }

    /// A step by the operator (forward, postpone, not authority, archive) or the
    /// provider (answer, return).
    pub async fn complaint_step(
        &self,
        actor: &Actor,
        id: i64,
        input: &StepInput,
        uploads: &[Upload],
    ) -> Result<ComplaintView> {
        let now = self.now();
        let action = Action::parse(input.action.trim()).ok_or_else(|| Error::field("action", Invalid::NotAllowed))?;
        let mut c = Checker::new();
        let note = c.opt_text("note", input.note.as_deref(), 5000);
        let referral = c.opt_text("referral", input.referral.as_deref(), 500);
        let provider_id = loose_id(&mut c, "provider_id", &input.provider_id);
        let service_id = loose_id(&mut c, "service_id", &input.service_id);
        let files = check_uploads(&mut c, uploads);
        if action != Action::Forward && note.is_none() && !c.has("note") {
            c.push("note", Invalid::Required);
        }
        if action == Action::NotAuthority && referral.is_none() && !c.has("referral") {
            c.push("referral", Invalid::Required);
        }
        let mut tx = self.store.begin().await?;
        let row = tx.complaint(id).await?.ok_or(Error::NotFound)?;
        let viewer = staff_viewer(actor, &row).ok_or(Error::NotFound)?;
        let party = match viewer {
            Viewer::Operator => Party::Operator,
            _ => Party::Provider,
        };
        let from = Status::parse(&row.status).ok_or_else(|| Error::Internal("unknown status".into()))?;
        let to = action.transition(party, from).ok_or(Error::Refused {
            why: Refusal::ComplaintStepNotAllowed,
            args: vec![("status", from.label().to_string())],
        })?;
        let m = tx.mpp(row.mpp_id).await?.ok_or(Error::NotFound)?;
        let tz = mpp_tz(&m);
        let mut state = moved(&row, to);
        match action {
            Action::Forward => {
                let (pid, sid) = match (service_id, provider_id.or(row.provider_id)) {
                    (Some(sid), _) => match tx.service(sid).await? {
                        Some(s) if s.mpp_id == row.mpp_id => (Some(s.provider_id), Some(sid)),
                        _ => {
                            c.push("service_id", Invalid::Unknown);
                            (None, None)
                        }
                    },
                    (None, Some(pid)) => match tx.provider(pid).await? {
                        Some(p) if p.mpp_id == row.mpp_id => {
                            (Some(pid), row.service_id.filter(|_| row.provider_id == Some(pid)))
                        }
                        _ => {
                            c.push("provider_id", Invalid::Unknown);
                            (None, None)
                        }
                    },
                    (None, None) => {
                        c.push("provider_id", Invalid::Required);
                        (None, None)
                    }
                };
                state.provider_id = pid;
                state.service_id = sid;
                state.answer_due_at =
                    Some(self.working_deadline(&mut tx, row.mpp_id, tz, now, ANSWER_WORKING_DAYS).await?);
            }
            Action::NotAuthority => state.referral = referral.clone(),
            Action::Return => {
                state.verify_due_at =
                    Some(self.working_deadline(&mut tx, row.mpp_id, tz, now, VERIFY_WORKING_DAYS).await?);
                state.answer_due_at = None;
            }
            _ => {}
        }
        c.finish(()).map_err(Error::Invalid)?;
        if !tx.set_complaint_state(&state, now).await? {
            return Err(Error::refused(Refusal::ComplaintChanged));
        }
        let event = tx
            .insert_complaint_event(
                &NewComplaintEvent {
                    complaint_id: id,
                    actor_kind: if party == Party::Operator { "operator" } else { "provider" },
                    actor_user_id: actor.audit_id(),
                    actor_name: Some(&actor.name),
                    action: action.as_str(),
                    from_status: Some(from.as_str()),
                    to_status: Some(to.as_str()),
                    body: note.as_deref(),
                    internal: false,
                    rating: None,
                },
                now,
            )
            .await?;
        store_uploads(&mut tx, id, Some(event), uploads, &files, now).await?;
        let after = tx.complaint(id).await?.ok_or(Error::NotFound)?;
        audit::record(
            &mut tx,
            self,
            actor,
            audit::Change::new(Some(row.mpp_id), "complaint", id, action.as_str()),
            Some(&row),
            Some(&after),
        )
        .await?;
        if matches!(
            to,
            Status::Forwarded | Status::Answered | Status::NotAuthority | Status::Archived | Status::Postponed
        ) {
            self.notify_reporter(
                &mut tx,
                &after,
                &format!(
                    "Laporan Anda {} kini berstatus \"{}\". Buka halaman pelacakan dengan kode Anda untuk melihat tanggapannya. \
                     (Your report {} is now \"{}\".)",
                    reference(id),
                    to.label(),
                    reference(id),
                    to.label_en()
                ),
            )
            .await?;
        }
        tx.commit().await?;
        self.view(after, viewer).await
    }

    /// A comment by staff while the report is open.
    pub async fn staff_comment(
        &self,
        actor: &Actor,
        id: i64,
        input: &CommentInput,
        uploads: &[Upload],
    ) -> Result<ComplaintView> {
        let now = self.now();
        let mut c = Checker::new();
        let body = c.text("body", &input.body, 5000);
        let files = check_uploads(&mut c, uploads);
        c.finish(()).map_err(Error::Invalid)?;
        let mut tx = self.store.begin().await?;
        let row = tx.complaint(id).await?.ok_or(Error::NotFound)?;
        let viewer = staff_viewer(actor, &row).ok_or(Error::NotFound)?;
        let status = Status::parse(&row.status).ok_or_else(|| Error::Internal("unknown status".into()))?;
        if !status.is_open() {
            return Err(Error::refused(Refusal::ComplaintClosed));
        }
        let event = tx
            .insert_complaint_event(
                &NewComplaintEvent {
                    complaint_id: id,
                    actor_kind: if viewer == Viewer::Operator { "operator" } else { "provider" },
                    actor_user_id: actor.audit_id(),
                    actor_name: Some(&actor.name),
                    action: "comment",
                    from_status: None,
                    to_status: None,
                    body: Some(&body),
                    internal: input.internal,
                    rating: None,
                },
                now,
            )
            .await?;
        store_uploads(&mut tx, id, Some(event), uploads, &files, now).await?;
        tx.touch_complaint(id, now).await?;
        tx.commit().await?;
        let row = self.store.read().await?.complaint(id).await?.ok_or(Error::NotFound)?;
        self.view(row, viewer).await
    }

    /// The reporter adds to an open report; a reply to a postponed one resumes verification.
    pub async fn reporter_comment(
        &self,
        code: &str,
        input: &CommentInput,
        uploads: &[Upload],
    ) -> Result<ComplaintView> {
        let now = self.now();
        let mut c = Checker::new();
        let body = c.text("body", &input.body, 5000);
        let files = check_uploads(&mut c, uploads);
        c.finish(()).map_err(Error::Invalid)?;
        let mut tx = self.store.begin().await?;
        let row = tx.complaint_by_code_hash(&code_hash(code)).await?.ok_or(Error::NotFound)?;
        let status = Status::parse(&row.status).ok_or_else(|| Error::Internal("unknown status".into()))?;
        if !status.is_open() {
            return Err(Error::refused(Refusal::ComplaintClosed));
        }
        let mut to_status = None;
        if status == Status::Postponed {
            let m = tx.mpp(row.mpp_id).await?.ok_or(Error::NotFound)?;
            let due = self.working_deadline(&mut tx, row.mpp_id, mpp_tz(&m), now, VERIFY_WORKING_DAYS).await?;
            let state =
                ComplaintState { verify_due_at: Some(due), answer_due_at: None, ..moved(&row, Status::Submitted) };
            if !tx.set_complaint_state(&state, now).await? {
                return Err(Error::refused(Refusal::ComplaintChanged));
            }
            to_status = Some(Status::Submitted.as_str());
        }
        let event = tx
            .insert_complaint_event(
                &NewComplaintEvent {
                    complaint_id: row.id,
                    actor_kind: "reporter",
                    actor_user_id: None,
                    actor_name: None,
                    action: "comment",
                    from_status: to_status.map(|_| row.status.as_str()),
                    to_status,
                    body: Some(&body),
                    internal: false,
                    rating: None,
                },
                now,
            )
            .await?;
        store_uploads(&mut tx, row.id, Some(event), uploads, &files, now).await?;
        tx.touch_complaint(row.id, now).await?;
        tx.commit().await?;
        self.complaint_by_code(code).await
    }

    /// The reporter rates the answer (1–5), which closes the report.
    pub async fn rate_complaint(&self, code: &str, input: &RatingInput) -> Result<ComplaintView> {
        let mut c = Checker::new();
        let rating = match &input.rating {
            Some(Ok(v)) => c.range("rating", *v, 1, 5),
            Some(Err(_)) => {
                c.push("rating", Invalid::OutOfRange { min: 1, max: 5 });
                0
            }
            None => {
                c.push("rating", Invalid::Required);
                0
            }
        };
        let comment = c.opt_text("comment", input.comment.as_deref(), 2000);
        c.finish(()).map_err(Error::Invalid)?;
        self.reporter_step(code, Action::Rate, comment.as_deref(), Some(rating)).await
    }

    /// The reporter is not satisfied: back to the provider with a new 5-day deadline.
    pub async fn reopen_complaint(&self, code: &str, input: &ReopenInput) -> Result<ComplaintView> {
        let mut c = Checker::new();
        let reason = c.text("reason", &input.reason, 2000);
        c.finish(()).map_err(Error::Invalid)?;
        self.reporter_step(code, Action::Reopen, Some(&reason), None).await
    }

    async fn reporter_step(
        &self,
        code: &str,
        action: Action,
        body: Option<&str>,
        rating: Option<i64>,
    ) -> Result<ComplaintView> {
        let now = self.now();
        let mut tx = self.store.begin().await?;
        let row = tx.complaint_by_code_hash(&code_hash(code)).await?.ok_or(Error::NotFound)?;
        let from = Status::parse(&row.status).ok_or_else(|| Error::Internal("unknown status".into()))?;
        let to = action.transition(Party::Reporter, from).ok_or(Error::Refused {
            why: Refusal::ComplaintStepNotAllowed,
            args: vec![("status", from.label().to_string())],
        })?;
        let mut state = ComplaintState { rating, ..moved(&row, to) };
        if action == Action::Reopen {
            let m = tx.mpp(row.mpp_id).await?.ok_or(Error::NotFound)?;
            state.answer_due_at =
                Some(self.working_deadline(&mut tx, row.mpp_id, mpp_tz(&m), now, ANSWER_WORKING_DAYS).await?);
            state.rating = None;
        }
        if !tx.set_complaint_state(&state, now).await? {
            return Err(Error::refused(Refusal::ComplaintChanged));
        }
        tx.insert_complaint_event(
            &NewComplaintEvent {
                complaint_id: row.id,
                actor_kind: "reporter",
                actor_user_id: None,
                actor_name: None,
                action: action.as_str(),
                from_status: Some(from.as_str()),
                to_status: Some(to.as_str()),
                body,
                internal: false,
                rating,
            },
            now,
        )
        .await?;
        if action == Action::Reopen
            && let Some(pid) = row.provider_id
        {
            let text = format!(
                "Laporan {} dibuka kembali oleh pelapor dan menunggu tanggapan Anda. (Report {} was reopened by its reporter.)",
                reference(row.id),
                reference(row.id)
            );
            self.notify_staff(&mut tx, &row, Some(pid), "Laporan dibuka kembali / Report reopened", &text).await?;
        }
        tx.commit().await?;
        self.complaint_by_code(code).await
    }

    /// An attachment for the reporter (by tracking code) — never an internal note's.
    pub async fn attachment_for_reporter(&self, code: &str, attachment_id: i64) -> Result<AttachmentData> {
        let mut r = self.store.read().await?;
        let row = r.complaint_by_code_hash(&code_hash(code)).await?.ok_or(Error::NotFound)?;
        let a = r.attachment(attachment_id).await?.filter(|a| a.complaint_id == row.id).ok_or(Error::NotFound)?;
        if let Some(eid) = a.event_id
            && r.complaint_events(row.id).await?.iter().any(|e| e.id == eid && e.internal)
        {
            return Err(Error::NotFound);
        }
        Ok(a)
    }

    /// An attachment for staff who may see its report (audited).
    pub async fn attachment_for_staff(&self, actor: &Actor, attachment_id: i64) -> Result<AttachmentData> {
        let mut tx = self.store.begin().await?;
        let a = tx.attachment(attachment_id).await?.ok_or(Error::NotFound)?;
        let row = tx.complaint(a.complaint_id).await?.ok_or(Error::NotFound)?;
        staff_viewer(actor, &row).ok_or(Error::NotFound)?;
        audit::record(
            &mut tx,
            self,
            actor,
            audit::Change::new(Some(row.mpp_id), "complaint_attachment", a.id, "view"),
            None::<&()>,
            None::<&()>,
        )
        .await?;
        tx.commit().await?;
        Ok(a)
    }

    /// Escalate reports whose deadline passed: marked, recorded on the timeline,
    /// and the MPP's managers (and for answers the provider's admins) notified.
    pub async fn escalate_overdue(&self) -> Result<usize> {
        let now = self.now();
        let mut r = self.store.read().await?;
        let late = r.unescalated_overdue(now, 200).await?;
        drop(r);
        let mut n = 0;
        for row in late {
            let mut tx = self.store.begin().await?;
            if !tx.mark_escalated(row.id, now).await? {
                continue;
            }
            let verifying = row.status == Status::Submitted.as_str();
            let what = if verifying { "verifikasi" } else { "tanggapan instansi" };
            let what_en = if verifying { "verification" } else { "the provider's answer" };
            let text = format!(
                "Laporan {} \"{}\" melewati batas waktu {} ({} hari kerja). Mohon segera ditindaklanjuti. \
                 (Report {} is overdue for {}.)",
                reference(row.id),
                row.title,
                what,
                if verifying { VERIFY_WORKING_DAYS } else { ANSWER_WORKING_DAYS },
                reference(row.id),
                what_en
            );
            tx.insert_complaint_event(
                &NewComplaintEvent {
                    complaint_id: row.id,
                    actor_kind: "system",
                    actor_user_id: None,
                    actor_name: None,
                    action: "escalate",
                    from_status: None,
                    to_status: None,
                    body: Some(&text),
                    internal: true,
                    rating: None,
                },
                now,
            )
            .await?;
            self.notify_staff(&mut tx, &row, None, "Laporan terlambat / Overdue report", &text).await?;
            if !verifying && let Some(pid) = row.provider_id {
                self.notify_staff(&mut tx, &row, Some(pid), "Laporan terlambat / Overdue report", &text).await?;
            }
            tx.commit().await?;
            n += 1;
        }
        Ok(n)
    }

    /// Reports of an MPP filed in a date range, in the SP4N-LAPOR! export shape.
    /// Confidential reporters are masked; the export itself is audited.
    pub async fn export_complaints(
        &self,
        actor: &Actor,
        mpp_id: i64,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    ) -> Result<Vec<LaporRecord>> {
        actor.require(actor.manages_mpp(mpp_id))?;
        let now = self.now();
        let mut tx = self.store.begin().await?;
        let m = tx.mpp(mpp_id).await?.ok_or(Error::NotFound)?;
        let tz = mpp_tz(&m);
        let bound = |d: NaiveDate| {
            d.and_hms_opt(0, 0, 0).and_then(|t| t.and_local_timezone(tz).earliest()).map(|t| t.with_timezone(&Utc))
        };
        let rows = tx
            .complaints(&ComplaintFilter {
                mpp_id: Some(mpp_id),
                from: from.and_then(bound),
                to: to.map(|d| d + chrono::Duration::days(1)).and_then(bound),
                limit: 100_000,
                ..ComplaintFilter::default()
            })
            .await?;
        let mut answers: std::collections::HashMap<i64, Option<String>> =
            tx.latest_answers(mpp_id).await?.into_iter().collect();
        let mut out = Vec::with_capacity(rows.len());
        for row in rows.into_iter().rev() {
            let last_answer = answers.remove(&row.id).flatten();
            let status = Status::parse(&row.status).unwrap_or(Status::Submitted);
            let open =
                |s: &Option<String>| -> Result<Option<String>> { s.as_deref().map(|x| self.keys.open(x)).transpose() };
            let (name, email, phone) = if row.confidential {
                (row.reporter_name_masked.clone(), row.email_masked.clone(), row.phone_masked.clone())
            } else {
                (open(&row.reporter_name_sealed)?, open(&row.email_sealed)?, open(&row.phone_sealed)?)
            };
            let fmt = |t: Option<DateTime<Utc>>| t.map(|t| t.with_timezone(&tz).to_rfc3339());
            out.push(LaporRecord {
                nomor: reference(row.id),
                kanal: "MPP (satuatap)".into(),
                mpp: row.mpp_name.clone(),
                kode_wilayah: m.regency_code.clone(),
                kategori: Kind::parse(&row.kind).map(|k| k.label()).unwrap_or("").into(),
                judul: row.title.clone(),
                isi: row.body.clone(),
                tanggal_kejadian: row.happened_on,
                tanggal_laporan: row.created_at.with_timezone(&tz).to_rfc3339(),
                instansi_tujuan: row.provider_name.clone(),
                layanan: row.service_name.clone(),
                status: row.status.clone(),
                status_lapor: status.lapor().into(),
                anonim: row.anonymous,
                rahasia: row.confidential,
                nama_pelapor: name,
                email_pelapor: email,
                telepon_pelapor: phone,
                batas_verifikasi: fmt(row.verify_due_at),
                batas_tindak_lanjut: fmt(row.answer_due_at),
                terlambat: current_due(&row).is_some_and(|d| d <= now) || row.escalated_at.is_some(),
                tindak_lanjut_terakhir: last_answer,
                penilaian: row.rating,
                jumlah_lampiran: row.attachments,
            });
        }
        audit::record(
            &mut tx,
            self,
            actor,
            audit::Change::new(Some(mpp_id), "complaint", "export", "export"),
            None::<&()>,
            Some(&serde_json::json!({"records": out.len(), "from": from, "to": to})),
        )
        .await?;
        tx.commit().await?;
        Ok(out)
    }

    fn summary(&self, row: ComplaintRow, viewer: Viewer) -> ComplaintView {
        let now = self.now();
        let status = Status::parse(&row.status).unwrap_or(Status::Submitted);
        let kind = Kind::parse(&row.kind).unwrap_or(Kind::Pengaduan);
        let hide = row.anonymous || (row.confidential && viewer == Viewer::Provider);
        let due_at = current_due(&row);
        ComplaintView {
            id: row.id,
            reference: reference(row.id),
            mpp_id: row.mpp_id,
            mpp_name: row.mpp_name,
            provider_id: row.provider_id,
            provider_name: row.provider_name,
            service_id: row.service_id,
            service_name: row.service_name,
            kind: row.kind,
            kind_label: kind.label().into(),
            kind_label_en: kind.label_en().into(),
            title: row.title,
            body: row.body,
            happened_on: row.happened_on,
            anonymous: row.anonymous,
            confidential: row.confidential,
            reporter: if row.anonymous {
                "Anonim".into()
            } else if hide {
                "Dirahasiakan".into()
            } else {
                row.reporter_name_masked.unwrap_or_default()
            },
            email_masked: if hide { None } else { row.email_masked },
            phone_masked: if hide { None } else { row.phone_masked },
            status: row.status,
            status_label: status.label().into(),
            status_label_en: status.label_en().into(),
            due_at,
            overdue: due_at.is_some_and(|d| d <= now),
            escalated_at: row.escalated_at,
            referral: row.referral,
            rating: row.rating,
            created_at: row.created_at,
            updated_at: row.updated_at,
            time_zone: String::new(),
            events: Vec::new(),
            attachments: Vec::new(),
        }
    }

    async fn view(&self, row: ComplaintRow, viewer: Viewer) -> Result<ComplaintView> {
        let mut r = self.store.read().await?;
        let events = r.complaint_events(row.id).await?;
        let files = r.attachments_of(row.id).await?;
        let m = r.mpp(row.mpp_id).await?.ok_or(Error::NotFound)?;
        drop(r);
        let provider_name = row.provider_name.clone();
        let mut v = self.summary(row, viewer);
        v.time_zone = m.time_zone.clone();
        let att = |a: &AttachmentMeta| AttachmentView {
            id: a.id,
            filename: a.filename.clone(),
            content_type: a.content_type.clone(),
            size: a.size,
        };
        let submit_event = events.first().map(|e| e.id);
        v.attachments = files.iter().filter(|a| a.event_id.is_none() || a.event_id == submit_event).map(att).collect();
        v.events = events
            .iter()
            .filter(|e| viewer != Viewer::Reporter || !e.internal)
            .map(|e| EventView {
                at: e.at,
                actor_kind: e.actor_kind.clone(),
                actor: actor_label(e, viewer, &m.name, provider_name.as_deref()),
                action: e.action.clone(),
                to_status: e.to_status.clone(),
                body: e.body.clone(),
                internal: e.internal,
                rating: e.rating,
                attachments: files
                    .iter()
                    .filter(|a| a.event_id == Some(e.id) && Some(e.id) != submit_event)
                    .map(att)
                    .collect(),
            })
            .collect();
        Ok(v)
    }

    async fn notify_reporter(&self, tx: &mut Tx, row: &ComplaintRow, text: &str) -> Result<()> {
        let subject = format!("Laporan {} / Report {}", reference(row.id), reference(row.id));
        if let (Some(s), Some(m)) = (&row.email_sealed, &row.email_masked) {
            self.enqueue_complaint_message(tx, row, "complaint", self.email_channel(), s, m, &subject, text).await?;
        }
        if let (Some(s), Some(m)) = (&row.phone_sealed, &row.phone_masked) {
            self.enqueue_complaint_message(tx, row, "complaint", self.phone_channel(), s, m, &subject, text).await?;
        }
        Ok(())
    }

    /// Tell an MPP's managers (`provider_id` None) or a provider's admins.
    async fn notify_staff(
        &self,
        tx: &mut Tx,
        row: &ComplaintRow,
        provider_id: Option<i64>,
        subject: &str,
        text: &str,
    ) -> Result<()> {
        for email in tx.staff_emails(row.mpp_id, provider_id).await? {
            let sealed = self.keys.seal(&email)?;
            let channel = self.email_channel();
            self.enqueue_complaint_message(
                tx,
                row,
                "complaint_escalation",
                channel,
                &sealed,
                &mask_email(&email),
                subject,
                text,
            )
            .await?;
        }
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    async fn enqueue_complaint_message(
        &self,
        tx: &mut Tx,
        row: &ComplaintRow,
        kind: &str,
        channel: &str,
        recipient_sealed: &str,
        recipient_masked: &str,
        subject: &str,
        text: &str,
    ) -> Result<()> {
        let now = self.now();
        let message = NewMessage {
            mpp_id: Some(row.mpp_id),
            booking_id: None,
            kind: kind.into(),
            channel: channel.into(),
            recipient_sealed: recipient_sealed.into(),
            recipient_masked: recipient_masked.into(),
            subject: subject.into(),
            body_sealed: self.keys.seal(text)?,
            send_at: now,
        };
        tx.enqueue_message(&message, now).await?;
        Ok(())
    }
}

/// The state a report moves to, keeping everything else as it is.
fn moved(row: &ComplaintRow, to: Status) -> ComplaintState {
    ComplaintState {
        id: row.id,
        from: row.status.clone(),
        status: to.as_str().to_string(),
        provider_id: row.provider_id,
        service_id: row.service_id,
        verify_due_at: row.verify_due_at,
        answer_due_at: row.answer_due_at,
        referral: row.referral.clone(),
        rating: row.rating,
    }
}

async fn store_uploads(
    tx: &mut Tx,
    complaint_id: i64,
    event_id: Option<i64>,
    uploads: &[Upload],
    checked: &[(String, &'static str, String)],
    now: DateTime<Utc>,
) -> Result<()> {
    for (u, (name, ctype, sha)) in uploads.iter().filter(|u| !u.data.is_empty()).zip(checked) {
        tx.insert_attachment(complaint_id, event_id, name, ctype, sha, &u.data, now).await?;
    }
    Ok(())
}

/// An optional id from a form or JSON.
fn loose_id(c: &mut Checker, field: &str, v: &Loose<i64>) -> Option<i64> {
    match v {
        None => None,
        Some(Ok(id)) if *id > 0 => Some(*id),
        Some(_) => {
            c.push(field, Invalid::Unknown);
            None
        }
    }
}

/// How a staff member relates to a report, if they may see it at all.
fn staff_viewer(actor: &Actor, row: &ComplaintRow) -> Option<Viewer> {
    if actor.manages_mpp(row.mpp_id) {
        return Some(Viewer::Operator);
    }
    let with_provider = matches!(row.status.as_str(), "forwarded" | "answered" | "closed");
    (actor.role == Role::ProviderAdmin
        && actor.mpp_id == Some(row.mpp_id)
        && actor.provider_id.is_some()
        && actor.provider_id == row.provider_id
        && with_provider)
        .then_some(Viewer::Provider)
}

/// Staff see who acted; the reporter sees the office, not the officer.
fn actor_label(e: &ComplaintEventRow, viewer: Viewer, mpp: &str, provider: Option<&str>) -> String {
    match (e.actor_kind.as_str(), viewer) {
        ("reporter", _) => "Pelapor".into(),
        ("system", _) => "Sistem".into(),
        ("operator", Viewer::Reporter) => format!("Pengelola {mpp}"),
        ("provider", Viewer::Reporter) => provider.unwrap_or("Instansi").into(),
        (_, _) => e.actor_name.clone().unwrap_or_default(),
    }
}

/// "Budi Santoso" → "B*** S***": enough for staff to address the reporter.
fn mask_name(name: &str) -> String {
    name.split_whitespace().map(|w| format!("{}***", w.chars().next().unwrap_or('*'))).collect::<Vec<_>>().join(" ")
}

fn local_text(t: DateTime<Utc>, tz: Tz) -> String {
    // The deadline is the end of a day: show that day, not the midnight after it.
    (t - chrono::Duration::seconds(1)).with_timezone(&tz).format("%d-%m-%Y").to_string()
}

/// The CSV of an export, with a header row (see [`crate::csv::Sheet`]).
pub fn lapor_csv(records: &[LaporRecord]) -> String {
    let mut sheet = crate::csv::Sheet::new(&LAPOR_COLUMNS);
    for r in records {
        let v = serde_json::to_value(r).unwrap_or_default();
        sheet.row(LAPOR_COLUMNS.iter().map(|k| match v.get(*k) {
            None | Some(serde_json::Value::Null) => String::new(),
            Some(serde_json::Value::String(s)) => s.clone(),
            Some(other) => other.to_string(),
        }));
    }
    sheet.into_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tracking_codes_round_trip_as_typed() {
        let code = tracking_code(&[1, 2, 3, 4, 5, 6, 7, 8]);
        assert!(code.starts_with("ADU-") && code.len() == 18, "{code}");
        let typed = code.to_lowercase().replace('-', " ").replace("adu", "");
        assert_eq!(normalize_tracking_code(&typed), code);
        assert_eq!(code_hash(&typed), code_hash(&code));
        assert_ne!(tracking_code(&[1, 2, 3, 4, 5, 6, 7, 9]), code);
    }

    #[test]
    fn names_are_masked() {
        assert_eq!(mask_name("Budi  Santoso"), "B*** S***");
    }
}
