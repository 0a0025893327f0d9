//! Complaints on the SP4N-LAPOR! model: a public report with a tracking code,
//! verification by the MPP's operator within 3 working days, the provider's
//! answer within 5, the reporter's rating or reopening, comments while open,
//! escalation of late reports, and the export LAPOR! staff ingest.
//!
//! `report` holds what the reporter does (filing, following, commenting,
//! rating, reopening), `desk` what the MPP's operator and the provider do
//! (lists, steps, notes, escalation), `export` the SP4N-LAPOR! export; this
//! module the shapes they share and how a report is shown to each viewer.

mod desk;
mod export;
mod report;

pub use export::{LAPOR_COLUMNS, LaporRecord, lapor_csv};

use std::collections::HashSet;

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use satuatap_domain::Invalid;
use satuatap_domain::booking::{mask_email, mask_phone, parse_phone};
use satuatap_domain::complaint::{
    ANSWER_WORKING_DAYS, Action, Kind, MAX_ATTACHMENTS, Party, Status, VERIFY_WORKING_DAYS,
};
use satuatap_domain::role::Role;
use satuatap_domain::text::{mask_name, tracking_code};
use satuatap_domain::validate::Checker;
use satuatap_domain::workdays::{deadline, horizon};
use satuatap_store::complaint::{
    AttachmentData, AttachmentMeta, ComplaintEventRow, ComplaintFilter, ComplaintRow, ComplaintState, NewComplaint,
    NewComplaintEvent,
};
use satuatap_store::{NewMessage, Tx};
use serde::{Deserialize, Serialize};

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

pub use crate::upload::Upload;

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
    pub kind: Kind,
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
    pub status: Status,
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

/// A tracking code as typed: prefix and dashes optional, confusable letters mapped.
pub fn normalize_tracking_code(input: &str) -> String {
    satuatap_domain::text::normalize_tracking_code("ADU", input)
}

fn code_hash(code: &str) -> String {
    token_hash(&normalize_tracking_code(code))
}

/// The deadline running in a status, and whether it has passed.
fn current_due(c: &ComplaintRow) -> Option<DateTime<Utc>> {
    match c.status.0 {
        Status::Submitted => c.verify_due_at,
        Status::Forwarded => c.answer_due_at,
        _ => None,
    }
}

fn check_uploads(c: &mut Checker, uploads: &[Upload]) -> Vec<crate::upload::Checked> {
    crate::upload::check_uploads(c, "attachments", uploads, MAX_ATTACHMENTS, "lampiran")
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

    /// Recount the running deadlines after a closure was added or removed (of
    /// one MPP, or national for all): each from when it started, over the
    /// closures as they now stand. Returns how many moved.
    pub(crate) async fn recount_complaint_deadlines(&self, tx: &mut Tx, mpp_id: Option<i64>) -> Result<usize> {
        let now = self.now();
        let mut zones = std::collections::HashMap::new();
        let mut moved = 0;
        for d in tx.running_deadlines(mpp_id).await? {
            let tz = crate::queue::zone_of(tx, &mut zones, d.mpp_id).await?.unwrap_or(Tz::Asia__Jakarta);
            let n = if d.status == Status::Submitted.as_str() { VERIFY_WORKING_DAYS } else { ANSWER_WORKING_DAYS };
            let due = self.working_deadline(tx, d.mpp_id, tz, d.due_from, n).await?;
            if due != d.due_at && tx.move_deadline(&d, due, now).await? {
                let when = local_text(due, tz);
                let text = format!(
                    "Batas waktu disesuaikan dengan hari tutup layanan: kini {when}. (Deadline recounted for a closure: now {when}.)"
                );
                system_note(tx, d.id, "deadline", &text, now).await?;
                moved += 1;
            }
        }
        Ok(moved)
    }

    fn summary(&self, row: ComplaintRow, viewer: Viewer) -> ComplaintView {
        let now = self.now();
        let status = row.status.0;
        let kind = row.kind.0;
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
            kind,
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
            status,
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
        from: row.status.0,
        status: to,
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
    let with_provider = matches!(row.status.0.as_str(), "forwarded" | "answered" | "closed");
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

pub(crate) fn local_text(t: DateTime<Utc>, tz: Tz) -> String {
    // The deadline is the end of a day: show that day, not the midnight after it.
    (t - chrono::Duration::seconds(1)).with_timezone(&tz).format("%d-%m-%Y").to_string()
}

/// An internal timeline entry written by the system (escalations, recounted deadlines).
pub(crate) async fn system_note(
    tx: &mut Tx,
    complaint_id: i64,
    action: &str,
    text: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    tx.insert_complaint_event(
        &NewComplaintEvent {
            complaint_id,
            actor_kind: "system",
            actor_user_id: None,
            actor_name: None,
            action,
            from_status: None,
            to_status: None,
            body: Some(text),
            internal: true,
            rating: None,
        },
        now,
    )
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tracking_codes_round_trip_as_typed() {
        let code = tracking_code("ADU", &[1, 2, 3, 4, 5, 6, 7, 8]);
        assert!(code.starts_with("ADU-") && code.len() == 18, "{code}");
        let typed = code.to_lowercase().replace('-', " ").replace("adu", "");
        assert_eq!(normalize_tracking_code(&typed), code);
        assert_eq!(code_hash(&typed), code_hash(&code));
        assert_ne!(tracking_code("ADU", &[1, 2, 3, 4, 5, 6, 7, 9]), code);
    }

    #[test]
    fn names_are_masked() {
        assert_eq!(mask_name("Budi  Santoso"), "B*** S***");
    }
}
