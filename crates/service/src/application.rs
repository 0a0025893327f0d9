//! Applications (berkas permohonan): registered at the counter, moved through
//! the service's steps by its provider, followed by the applicant with a
//! tracking code, told at each step, escalated when late, counted as served
//! when finished.

use std::collections::HashSet;

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use satuatap_domain::Invalid;
use satuatap_domain::application::{
    self as rules, COMPLETION_WORKING_DAYS, Clock, NEEDS_COMPLETION, Plan, Promise, RECEIVED, Step,
};
use satuatap_domain::booking::{mask_email, mask_phone, parse_phone};
use satuatap_domain::text::{fold, mask_name, normalize_tracking_code, tracking_code};
use satuatap_domain::validate::Checker;
use satuatap_domain::workdays::{deadline, horizon};
use satuatap_store::application::{ApplicationFilter, ApplicationMove, ApplicationRow, NewApplication};
use satuatap_store::{NewMessage, Tx};
use serde::{Deserialize, Serialize};

use crate::crypto::token_hash;
use crate::queue::mpp_tz;
use crate::{Actor, App, Error, Refusal, Result, audit};

/// What the counter records when a file is handed in.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct IntakeInput {
    pub service_id: i64,
    /// The visit being served, if the file comes from the queue.
    #[serde(default)]
    pub ticket_id: Option<i64>,
    /// The booking, if the file comes from one (its contact is reused).
    #[serde(default)]
    pub booking_id: Option<i64>,
    /// Required unless the booking already holds the name.
    #[serde(default)]
    pub applicant_name: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    /// Positions (from 0) of the standard's requirements the applicant brought.
    #[serde(default)]
    pub requirements_met: Vec<usize>,
    #[serde(default)]
    pub note: Option<String>,
}

/// A step on a file: from where the officer saw it, to where it goes.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct FileStepInput {
    /// The step the officer saw; the move fails if someone moved the file since.
    pub from: String,
    pub to: String,
    /// Shown to the applicant on the tracking page and in the message.
    #[serde(default)]
    pub note: Option<String>,
    /// On return from "needs completion": the requirements now all brought.
    #[serde(default)]
    pub requirements_met: Option<Vec<usize>>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, utoipa::ToSchema)]
pub struct Requirement {
    pub text: String,
    pub ok: bool,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct StepState {
    pub key: String,
    pub name: String,
    pub name_en: Option<String>,
    /// Passed, current, or still to come.
    pub state: String,
    pub at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ApplicationEventView {
    pub at: DateTime<Utc>,
    pub action: String,
    pub to_step: Option<String>,
    pub to_name: Option<String>,
    pub note: Option<String>,
    /// Staff views only.
    pub actor_name: Option<String>,
}

/// A file as staff or its applicant see it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ApplicationView {
    pub id: i64,
    /// "BRK-000123", for talking about the file.
    pub reference: String,
    /// The tracking code, on the receipt (staff views only).
    pub code: Option<String>,
    pub mpp_id: i64,
    pub mpp_name: String,
    pub provider_id: i64,
    pub provider_name: String,
    pub service_id: i64,
    pub service_name: String,
    pub service_name_en: Option<String>,
    pub applicant_masked: String,
    pub phone_masked: Option<String>,
    pub email_masked: Option<String>,
    pub ticket_id: Option<i64>,
    pub booking_id: Option<i64>,
    pub step: String,
    pub step_name: String,
    pub step_name_en: Option<String>,
    pub steps: Vec<StepState>,
    /// Where the file may go next (staff views only).
    pub next: Vec<Step>,
    pub requirements: Vec<Requirement>,
    /// The promise of the standard, e.g. 3 working_days.
    pub duration_value: Option<i64>,
    pub duration_unit: Option<String>,
    /// When the promise is due; none while the file was never complete.
    pub due_at: Option<DateTime<Utc>>,
    /// The clock is stopped: the applicant owes documents.
    pub paused: bool,
    /// By when the applicant should bring what is missing.
    pub completion_due_at: Option<DateTime<Utc>>,
    pub late: bool,
    pub finished_at: Option<DateTime<Utc>>,
    pub on_time: Option<bool>,
    /// The survey code issued when the file was finished.
    pub survey_code: Option<String>,
    pub time_zone: String,
    pub created_at: DateTime<Utc>,
    pub events: Vec<ApplicationEventView>,
}

/// Which files a worklist shows.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct WorklistQuery {
    /// `open` (default), `ready`, `done` or `all`.
    #[serde(default)]
    pub state: Option<String>,
    #[serde(default)]
    pub service_id: Option<i64>,
    /// Find files by number (`BRK-000012` or `12`), tracking code, applicant's name or
    /// service name; with `state` absent, files in every state are searched.
    #[serde(default)]
    pub q: Option<String>,
}

pub fn reference(id: i64) -> String {
    format!("BRK-{id:06}")
}

/// A tracking code as typed (see [`normalize_tracking_code`]), or the receipt's
/// whole link as a QR scanner types it: the code is its last part.
pub fn normalize_code(input: &str) -> String {
    let input = input.trim().trim_end_matches('/').rsplit('/').next().unwrap_or(input);
    normalize_tracking_code("BRK", input)
}

fn code_hash(code: &str) -> String {
    token_hash(&normalize_code(code))
}

fn plan_of(app_steps: Option<&str>) -> Plan {
    Plan::new(app_steps.and_then(|s| serde_json::from_str::<Vec<Step>>(s).ok()))
}

fn promise_of(row: &ApplicationRow) -> Option<Promise> {
    let unit = row.duration_unit.as_deref().and_then(satuatap_domain::catalog::DurationUnit::parse)?;
    Some(Promise { value: row.duration_value?, unit })
}

/// May work on files of this provider at this MPP: its managers, the
/// provider's admins and officers.
pub(crate) fn works_on(actor: &Actor, mpp_id: i64, provider_id: i64) -> bool {
    actor.manages_mpp(mpp_id)
        || (actor.is_staff_of(mpp_id)
            && actor.provider_id == Some(provider_id)
            && matches!(
                actor.role,
                satuatap_domain::role::Role::ProviderAdmin | satuatap_domain::role::Role::CounterOfficer
            ))
}

/// Local "Kamis, 10 Desember 2026" style text is the page's job; messages carry dd-mm-yyyy.
fn local_text(t: DateTime<Utc>, tz: Tz, unit: Option<&str>) -> String {
    match unit {
        Some("minutes") | Some("hours") => t.with_timezone(&tz).format("%d-%m-%Y %H:%M").to_string(),
        _ => crate::complaint::local_text(t, tz),
    }
}

impl App {
    async fn closed_days(&self, tx: &mut Tx, mpp_id: i64, from: NaiveDate, n: i64) -> Result<HashSet<NaiveDate>> {
        let n = u32::try_from(n.max(0)).unwrap_or(400).min(400);
        Ok(tx.closures(Some(mpp_id), from, horizon(from, n)).await?.into_iter().map(|h| h.date).collect())
    }

    /// Register a file at the counter.
    pub async fn register_application(&self, actor: &Actor, input: &IntakeInput) -> Result<ApplicationView> {
        let now = self.now();
        let s = self.service(Some(actor), input.service_id).await?;
        actor.require(works_on(actor, s.mpp_id, s.provider_id))?;
        let standard = s.standard.0.clone();
        let (Some(value), Some(unit)) = (standard.duration_value, standard.duration_unit) else {
            return Err(Error::refused(Refusal::ApplicationNotTracked));
        };
        let mut r = self.store.read().await?;
        let m = r.mpp(s.mpp_id).await?.ok_or(Error::NotFound)?;
        let ticket = match input.ticket_id {
            Some(id) => Some(r.ticket(id).await?.filter(|t| t.mpp_id == s.mpp_id).ok_or(Error::NotFound)?),
            None => None,
        };
        let booking_id = match (input.booking_id, ticket.as_ref()) {
            (Some(b), _) => Some(b),
            (None, Some(t)) => r.booking_id_of_ticket(t.id).await?,
            _ => None,
        };
        let booking = match booking_id {
            Some(id) => Some(r.booking(id).await?.filter(|b| b.mpp_id == s.mpp_id).ok_or(Error::NotFound)?),
            None => None,
        };
        drop(r);
        let tz = mpp_tz(&m);

        let mut c = Checker::new();
        let typed_name = c.opt_text("applicant_name", input.applicant_name.as_deref(), 120);
        let name = match (typed_name, booking.as_ref()) {
            (Some(n), _) => n,
            (None, Some(b)) => self.keys.open(&b.name_sealed)?,
            (None, None) => {
                c.push("applicant_name", Invalid::Required);
                String::new()
            }
        };
        let phone = match input.phone.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
            Some(p) => match parse_phone(p) {
                Some(p) => Some(p),
                None => {
                    c.push("phone", Invalid::Format { hint: "08xxxxxxxxxx" });
                    None
                }
            },
            None => None,
        };
        let email = c.opt_email("email", input.email.as_deref());
        let note = c.opt_text("note", input.note.as_deref(), 500);
        let requirements: Vec<Requirement> = standard
            .requirements
            .iter()
            .filter(|t| !t.trim().is_empty())
            .enumerate()
            .map(|(i, t)| Requirement { text: t.trim().to_string(), ok: input.requirements_met.contains(&i) })
            .collect();
        if input.requirements_met.iter().any(|i| *i >= requirements.len()) {
            c.push("requirements_met", Invalid::Unknown);
        }
        c.finish(()).map_err(Error::Invalid)?;

        let (phone_sealed, phone_masked, email_sealed, email_masked) = match (&phone, &email, booking.as_ref()) {
            (None, None, Some(b)) => {
                (b.phone_sealed.clone(), b.phone_masked.clone(), b.email_sealed.clone(), b.email_masked.clone())
            }
            _ => (
                phone.as_deref().map(|p| self.keys.seal(p)).transpose()?,
                phone.as_deref().map(mask_phone),
                email.as_deref().map(|e| self.keys.seal(e)).transpose()?,
                email.as_deref().map(mask_email),
            ),
        };
        let complete = requirements.iter().all(|r| r.ok);
        let promise = Promise { value, unit };
        let mut tx = self.store.begin().await?;
        let today = now.with_timezone(&tz).date_naive();
        let closed = self.closed_days(&mut tx, s.mpp_id, today, value.max(i64::from(COMPLETION_WORKING_DAYS))).await?;
        let (step, clock_from, due_at, completion_due_at) = if complete {
            (RECEIVED, Some(now), Some(rules::due_at(promise, now, tz, Clock::default(), &closed)), None)
        } else {
            (NEEDS_COMPLETION, None, None, Some(deadline(now, tz, COMPLETION_WORKING_DAYS, &closed)))
        };
        let mut random = [0u8; 8];
        getrandom::fill(&mut random).map_err(|e| Error::Internal(e.to_string()))?;
        let code = tracking_code("BRK", &random);
        let new = NewApplication {
            mpp_id: s.mpp_id,
            provider_id: s.provider_id,
            service_id: s.id,
            code_hash: code_hash(&code),
            code_sealed: self.keys.seal(&code)?,
            ticket_id: ticket.as_ref().map(|t| t.id),
            booking_id,
            applicant_name_sealed: self.keys.seal(&name)?,
            applicant_name_masked: mask_name(&name),
            email_sealed,
            email_masked,
            phone_sealed,
            phone_masked,
            requirements: serde_json::to_string(&requirements).map_err(|e| Error::Internal(e.to_string()))?,
            step: step.into(),
            duration_value: Some(value),
            duration_unit: Some(unit.as_str().into()),
            clock_from,
            due_at,
            completion_due_at,
            created_by: actor.audit_id(),
        };
        let id = tx.insert_application(&new, now).await?;
        // A file that starts incomplete returns to "received" once complete.
        tx.insert_application_event(
            id,
            now,
            actor.audit_id(),
            Some(&actor.name),
            "received",
            None,
            Some(step),
            note.as_deref(),
        )
        .await?;
        audit::record(
            &mut tx,
            self,
            actor,
            audit::Change::new(Some(s.mpp_id), "application", id, "create"),
            None::<&()>,
            Some(&serde_json::json!({"service_id": s.id, "step": step, "ticket_id": new.ticket_id})),
        )
        .await?;
        let row = tx.application(id).await?.ok_or(Error::NotFound)?;
        let text = self.step_text(&row, tz, note.as_deref(), Some(&code));
        self.notify_applicant(&mut tx, &row, "application", &text).await?;
        tx.commit().await?;
        self.application_view(row, tz, true).await
    }

    /// Move a file one step: a conditional update, so two officers cannot both decide.
    pub async fn application_step(&self, actor: &Actor, id: i64, input: &FileStepInput) -> Result<ApplicationView> {
        let now = self.now();
        let mut tx = self.store.begin().await?;
        let row = tx.application(id).await?.ok_or(Error::NotFound)?;
        actor.require(works_on(actor, row.mpp_id, row.provider_id)).map_err(|_| Error::NotFound)?;
        let m = tx.mpp(row.mpp_id).await?.ok_or(Error::NotFound)?;
        let tz = mpp_tz(&m);
        if row.step != input.from {
            return Err(Error::refused(Refusal::ApplicationChanged));
        }
        let plan = plan_of(row.app_steps.as_deref());
        let mut c = Checker::new();
        let note = c.opt_text("note", input.note.as_deref(), 500);
        let mut requirements: Vec<Requirement> = serde_json::from_str(&row.requirements).unwrap_or_default();
        if let Some(met) = &input.requirements_met {
            if met.iter().any(|i| *i >= requirements.len()) {
                c.push("requirements_met", Invalid::Unknown);
            }
            for (i, r) in requirements.iter_mut().enumerate() {
                r.ok = met.contains(&i);
            }
        }
        if input.to == NEEDS_COMPLETION && note.is_none() {
            // The applicant must read what to bring.
            c.push("note", Invalid::Required);
        }
        c.finish(()).map_err(Error::Invalid)?;

        let promise = promise_of(&row);
        let today = now.with_timezone(&tz).date_naive();
        let reach = promise.map(|p| p.value).unwrap_or(0).max(i64::from(COMPLETION_WORKING_DAYS)) + row.paused_days;
        let closed = self
            .closed_days(
                &mut tx,
                row.mpp_id,
                row.clock_from.unwrap_or(now).with_timezone(&tz).date_naive().min(today),
                reach + 60,
            )
            .await?;
        let mut mv = ApplicationMove {
            id: row.id,
            from: row.step.clone(),
            step: input.to.clone(),
            resume_step: row.resume_step.clone(),
            requirements: String::new(),
            clock_from: row.clock_from,
            paused_at: row.paused_at,
            paused_days: row.paused_days,
            paused_seconds: row.paused_seconds,
            due_at: row.due_at,
            completion_due_at: row.completion_due_at,
            finished_at: row.finished_at,
            survey_code: row.survey_code.clone(),
        };
        let action;
        if row.step == NEEDS_COMPLETION {
            // Back with the documents: to where it left off, or to "received" if it never started.
            let back = row.resume_step.clone().unwrap_or_else(|| RECEIVED.into());
            if input.to != back {
                return Err(Error::refused(Refusal::ApplicationStepNotAllowed));
            }
            if !requirements.iter().all(|r| r.ok) {
                return Err(Error::field("requirements_met", Invalid::Required));
            }
            action = "completed";
            mv.resume_step = None;
            mv.completion_due_at = None;
            match (row.clock_from, row.paused_at, promise) {
                (Some(from), Some(paused), Some(p)) => {
                    let add = rules::pause_adds(p.unit, paused, now, tz, &closed);
                    mv.paused_days += add.paused_days;
                    mv.paused_seconds += add.paused_seconds;
                    mv.paused_at = None;
                    let clock = Clock { paused_days: mv.paused_days, paused_seconds: mv.paused_seconds };
                    mv.due_at = Some(rules::due_at(p, from, tz, clock, &closed));
                }
                (None, _, Some(p)) => {
                    // Complete for the first time: the promise starts now.
                    mv.clock_from = Some(now);
                    mv.paused_at = None;
                    mv.due_at = Some(rules::due_at(p, now, tz, Clock::default(), &closed));
                }
                _ => mv.paused_at = None,
            }
        } else {
            if !plan.next(&row.step).contains(&input.to) {
                return Err(Error::refused(Refusal::ApplicationStepNotAllowed));
            }
            action = if input.to == NEEDS_COMPLETION { "paused" } else { "step" };
            if input.to == NEEDS_COMPLETION {
                mv.resume_step = Some(row.step.clone());
                mv.paused_at = Some(now);
                mv.completion_due_at = Some(deadline(now, tz, COMPLETION_WORKING_DAYS, &closed));
            }
            if rules::is_finished(&input.to) && row.finished_at.is_none() {
                mv.finished_at = Some(now);
                let mut random = [0u8; 5];
                getrandom::fill(&mut random).map_err(|e| Error::Internal(e.to_string()))?;
                let code = format!("SKM-{}", satuatap_domain::booking::booking_code(&random));
                tx.insert_survey_code(
                    row.mpp_id,
                    row.provider_id,
                    row.service_id,
                    &code,
                    Some(&reference(row.id)),
                    actor.audit_id(),
                    now,
                )
                .await?;
                mv.survey_code = Some(code);
                // A file from a served visit was counted then; one handed in
                // without a ticket is a person served now.
                if row.ticket_id.is_none() {
                    tx.count_served(row.service_id, today, row.mpp_id, row.provider_id).await?;
                }
            }
        }
        mv.requirements = serde_json::to_string(&requirements).map_err(|e| Error::Internal(e.to_string()))?;
        if !tx.move_application(&mv, now).await? {
            return Err(Error::refused(Refusal::ApplicationChanged));
        }
        tx.insert_application_event(
            row.id,
            now,
            actor.audit_id(),
            Some(&actor.name),
            action,
            Some(&row.step),
            Some(&input.to),
            note.as_deref(),
        )
        .await?;
        audit::record(
            &mut tx,
            self,
            actor,
            audit::Change::new(Some(row.mpp_id), "application", row.id, "step"),
            Some(&serde_json::json!({"step": row.step})),
            Some(&serde_json::json!({"step": input.to})),
        )
        .await?;
        let row = tx.application(id).await?.ok_or(Error::NotFound)?;
        let text = self.step_text(&row, tz, note.as_deref(), None);
        self.notify_applicant(&mut tx, &row, "application", &text).await?;
        tx.commit().await?;
        self.application_view(row, tz, true).await
    }

    /// At the kiosk, by the tracking code of a file ready for pickup: a queue
    /// ticket for its service. Scanning again reprints the ticket while it waits.
    pub async fn pickup_ticket(
        &self,
        by: crate::queue::Caller<'_>,
        mpp_id: i64,
        code: &str,
    ) -> Result<(crate::queue::TicketView, String)> {
        crate::devices::require_kiosk(by.device, by.actor, mpp_id)?;
        let now = self.now();
        let mut r = self.store.read().await?;
        let row = r
            .application_by_code_hash(&code_hash(code))
            .await?
            .filter(|a| a.mpp_id == mpp_id)
            .ok_or(Error::NotFound)?;
        if row.step != rules::READY {
            let plan = plan_of(row.app_steps.as_deref());
            return Err(Error::refused_with(
                Refusal::ApplicationNotReady,
                vec![("step", step_names(&plan, &row.step).0)],
            ));
        }
        if let Some(t) = row.pickup_ticket_id
            && let Some(t) = r.ticket(t).await?
            && t.status.0 != satuatap_domain::queue::TicketStatus::Done
        {
            drop(r);
            let view = self.ticket_by_token(&t.token).await?;
            return Ok((view, t.token));
        }
        drop(r);
        let input = crate::queue::IssueInput {
            service_id: Some(Ok(row.service_id)),
            priority: None,
            source: None,
            request_id: None,
        };
        let (ticket, token) = self.issue(mpp_id, &input, None, false).await?;
        let mut tx = self.store.begin().await?;
        if tx.set_pickup_ticket(row.id, ticket.id, row.pickup_ticket_id).await? {
            let note = format!("Nomor antrean pengambilan: {} (pickup ticket).", ticket.code);
            tx.insert_application_event(row.id, now, None, None, "pickup_ticket", None, None, Some(&note)).await?;
        }
        tx.commit().await?;
        Ok((ticket, token))
    }

    /// Staff open a file (recorded in the audit trail).
    pub async fn application(&self, actor: &Actor, id: i64) -> Result<ApplicationView> {
        let mut tx = self.store.begin().await?;
        let row = tx.application(id).await?.ok_or(Error::NotFound)?;
        actor.require(works_on(actor, row.mpp_id, row.provider_id)).map_err(|_| Error::NotFound)?;
        let m = tx.mpp(row.mpp_id).await?.ok_or(Error::NotFound)?;
        audit::record(
            &mut tx,
            self,
            actor,
            audit::Change::new(Some(row.mpp_id), "application", id, "view"),
            None::<&()>,
            None::<&()>,
        )
        .await?;
        tx.commit().await?;
        self.application_view(row, mpp_tz(&m), true).await
    }

    /// The applicant's view by tracking code: no contact, no officer names.
    pub async fn track_application(&self, code: &str) -> Result<ApplicationView> {
        let mut r = self.store.read().await?;
        let row = r.application_by_code_hash(&code_hash(code)).await?.ok_or(Error::NotFound)?;
        let m = r.mpp(row.mpp_id).await?.ok_or(Error::NotFound)?;
        drop(r);
        self.application_view(row, mpp_tz(&m), false).await
    }

    /// The worklist of an MPP (a provider's staff see their own files only).
    pub async fn applications(&self, actor: &Actor, mpp_id: i64, q: &WorklistQuery) -> Result<Vec<ApplicationView>> {
        let provider_id = if actor.manages_mpp(mpp_id) {
            None
        } else if actor.is_staff_of(mpp_id) && actor.provider_id.is_some() {
            actor.provider_id
        } else {
            return Err(Error::Forbidden);
        };
        let words = q.q.as_deref().map(str::trim).filter(|w| !w.is_empty());
        let default_state = if words.is_some() { "all" } else { "open" };
        let state = match q.state.as_deref().map(str::trim).filter(|s| !s.is_empty()).unwrap_or(default_state) {
            "all" => None,
            s @ ("open" | "ready" | "done") => Some(s.to_string()),
            _ => return Err(Error::field("state", Invalid::Unknown)),
        };
        let mut r = self.store.read().await?;
        let m = r.mpp(mpp_id).await?.ok_or(Error::NotFound)?;
        let rows = r
            .applications(&ApplicationFilter {
                mpp_id: Some(mpp_id),
                provider_id,
                service_id: q.service_id,
                state,
                limit: if words.is_some() { 5_000 } else { 500 },
            })
            .await?;
        drop(r);
        let tz = mpp_tz(&m);
        let rows = match words {
            Some(w) => self.matching_files(rows, w),
            None => rows,
        };
        Ok(rows.into_iter().map(|row| self.summary_view(row, tz, true)).collect())
    }

    /// The files a desk search names: one by its number or tracking code, else those whose
    /// applicant (opened here, never shown) or service contains every typed word.
    fn matching_files(&self, rows: Vec<ApplicationRow>, words: &str) -> Vec<ApplicationRow> {
        let digits = words.trim_start_matches(|c: char| c.is_ascii_alphabetic() || c == '-' || c == ' ');
        if let Ok(id) = digits.parse::<i64>()
            && rows.iter().any(|r| r.id == id)
        {
            return rows.into_iter().filter(|r| r.id == id).collect();
        }
        let hash = code_hash(words);
        if rows.iter().any(|r| r.code_hash == hash) {
            return rows.into_iter().filter(|r| r.code_hash == hash).collect();
        }
        let wanted: Vec<String> = fold(words).split_whitespace().map(str::to_string).collect();
        rows.into_iter()
            .filter(|r| {
                let name = self.keys.open(&r.applicant_name_sealed).unwrap_or_default();
                let text =
                    fold(&format!("{name} {} {}", r.service_name, r.service_name_en.as_deref().unwrap_or_default()));
                wanted.iter().all(|w| text.contains(w.as_str()))
            })
            .collect()
    }

    /// A provider sets the middle steps of a service's files (empty = default).
    pub async fn set_application_steps(&self, actor: &Actor, service_id: i64, lines: &[String]) -> Result<Vec<Step>> {
        let s = self.service(Some(actor), service_id).await?;
        actor.require(actor.manages_provider(s.mpp_id, s.provider_id))?;
        let mut c = Checker::new();
        let lines = c.lines("steps", lines, 12, 80);
        c.finish(()).map_err(Error::Invalid)?;
        let middle = rules::middle_from_lines(&lines);
        let json = if middle.is_empty() {
            None
        } else {
            Some(serde_json::to_string(&middle).map_err(|e| Error::Internal(e.to_string()))?)
        };
        let mut tx = self.store.begin().await?;
        let before = tx.service_app_steps(s.id).await?;
        tx.set_service_app_steps(s.id, json.as_deref()).await?;
        audit::record(
            &mut tx,
            self,
            actor,
            audit::Change::new(Some(s.mpp_id), "service", s.id, "application_steps"),
            Some(&before),
            Some(&json),
        )
        .await?;
        tx.commit().await?;
        Ok(Plan::new(Some(middle)).middle)
    }

    /// A service's middle steps as they stand.
    pub async fn application_steps(&self, service_id: i64) -> Result<Vec<Step>> {
        let mut r = self.store.read().await?;
        Ok(plan_of(r.service_app_steps(service_id).await?.as_deref()).middle)
    }

    /// Escalate late files once per deadline: timeline, and the MPP's managers
    /// and the provider's admins told.
    pub async fn escalate_late_applications(&self) -> Result<usize> {
        let now = self.now();
        let mut r = self.store.read().await?;
        let late = r.unescalated_late_applications(now, 200).await?;
        drop(r);
        let mut n = 0;
        for row in late {
            let mut tx = self.store.begin().await?;
            if !tx.mark_application_escalated(row.id, now).await? {
                continue;
            }
            let text = format!(
                "Berkas {} ({}) melewati batas waktu penyelesaian. Mohon segera diselesaikan. (File {} is past its deadline.)",
                reference(row.id),
                row.service_name,
                reference(row.id)
            );
            tx.insert_application_event(row.id, now, None, None, "escalate", None, None, Some(&text)).await?;
            for pid in [None, Some(row.provider_id)] {
                for email in tx.staff_emails(row.mpp_id, pid).await? {
                    let message = NewMessage {
                        mpp_id: Some(row.mpp_id),
                        booking_id: None,
                        kind: "application_escalation".into(),
                        channel: self.email_channel().into(),
                        recipient_sealed: self.keys.seal(&email)?,
                        recipient_masked: mask_email(&email),
                        subject: "Berkas terlambat / Late file".into(),
                        body_sealed: self.keys.seal(&text)?,
                        send_at: now,
                    };
                    tx.enqueue_message(&message, now).await?;
                }
            }
            tx.commit().await?;
            n += 1;
        }
        Ok(n)
    }

    /// Recount running day-counted clocks after a closure was added or removed.
    pub(crate) async fn recount_application_deadlines(&self, tx: &mut Tx, mpp_id: Option<i64>) -> Result<usize> {
        let now = self.now();
        let mut moved = 0;
        let mut zones = std::collections::HashMap::new();
        for row in tx.running_application_clocks(mpp_id).await? {
            let (Some(p), Some(from)) = (promise_of(&row), row.clock_from) else { continue };
            let Some(tz) = crate::queue::zone_of(tx, &mut zones, row.mpp_id).await? else { continue };
            let day = from.with_timezone(&tz).date_naive();
            let closed = self.closed_days(tx, row.mpp_id, day, p.value + row.paused_days).await?;
            let clock = Clock { paused_days: row.paused_days, paused_seconds: row.paused_seconds };
            let due = rules::due_at(p, from, tz, clock, &closed);
            if Some(due) != row.due_at && tx.move_application_due(row.id, row.due_at, due, now).await? {
                let when = local_text(due, tz, row.duration_unit.as_deref());
                let text = format!(
                    "Batas waktu disesuaikan dengan hari tutup layanan: kini {when}. (Deadline recounted for a closure: now {when}.)"
                );
                tx.insert_application_event(row.id, now, None, None, "deadline", None, None, Some(&text)).await?;
                moved += 1;
            }
        }
        Ok(moved)
    }

    fn step_text(&self, row: &ApplicationRow, tz: Tz, note: Option<&str>, code: Option<&str>) -> String {
        let plan = plan_of(row.app_steps.as_deref());
        let (name, name_en) = step_names(&plan, &row.step);
        let r = reference(row.id);
        let service = &row.service_name;
        let mut text = match row.step.as_str() {
            NEEDS_COMPLETION => format!(
                "Berkas {r} ({service}) perlu dilengkapi{}. Bawa kekurangannya ke {} sebelum {}. \
                 (File {r} needs more documents.)",
                note.map(|n| format!(": {n}")).unwrap_or_default(),
                row.mpp_name,
                row.completion_due_at.map(|t| local_text(t, tz, None)).unwrap_or_default()
            ),
            rules::READY => format!(
                "Berkas {r} ({service}) sudah selesai dan siap diambil di {}. Bawa tanda terima atau kode lacak. \
                 Kode survei kepuasan: {}. (File {r} is ready for pickup.)",
                row.mpp_name,
                row.survey_code.as_deref().unwrap_or("-")
            ),
            _ => format!(
                "Berkas {r} ({service}) kini pada tahap: {name}.{} (File {r} is now: {}.)",
                row.due_at
                    .map(|t| format!(" Target selesai: {}.", local_text(t, tz, row.duration_unit.as_deref())))
                    .unwrap_or_default(),
                name_en.unwrap_or(name.clone())
            ),
        };
        if let Some(code) = code {
            text.push_str(&format!(" Lacak dengan kode {code} di halaman Lacak berkas. (Track with code {code}.)"));
        }
        text
    }

    async fn notify_applicant(&self, tx: &mut Tx, row: &ApplicationRow, kind: &str, text: &str) -> Result<()> {
        let subject = format!("Berkas {} / File {}", reference(row.id), reference(row.id));
        let email = row.email_sealed.as_deref().zip(row.email_masked.as_deref());
        let phone = row.phone_sealed.as_deref().zip(row.phone_masked.as_deref());
        self.message_contacts(tx, row.mpp_id, kind, &subject, text, email, phone).await
    }

    fn summary_view(&self, row: ApplicationRow, tz: Tz, staff: bool) -> ApplicationView {
        let now = self.now();
        let plan = plan_of(row.app_steps.as_deref());
        let (step_name, step_name_en) = step_names(&plan, &row.step);
        let requirements: Vec<Requirement> = serde_json::from_str(&row.requirements).unwrap_or_default();
        let paused = row.step == NEEDS_COMPLETION;
        let late = row.finished_at.is_none() && !paused && row.due_at.is_some_and(|d| d <= now);
        let on_time = row.finished_at.map(|f| row.due_at.is_none_or(|d| f <= d));
        let next = if staff {
            if paused {
                let back = row.resume_step.clone().unwrap_or_else(|| RECEIVED.into());
                let (n, e) = step_names(&plan, &back);
                vec![Step { key: back, name: n, name_en: e }]
            } else {
                plan.next(&row.step)
                    .into_iter()
                    .map(|k| {
                        let (n, e) = step_names(&plan, &k);
                        Step { key: k, name: n, name_en: e }
                    })
                    .collect()
            }
        } else {
            Vec::new()
        };
        ApplicationView {
            id: row.id,
            reference: reference(row.id),
            code: if staff { self.keys.open(&row.code_sealed).ok() } else { None },
            mpp_id: row.mpp_id,
            mpp_name: row.mpp_name,
            provider_id: row.provider_id,
            provider_name: row.provider_name,
            service_id: row.service_id,
            service_name: row.service_name,
            service_name_en: row.service_name_en,
            applicant_masked: row.applicant_name_masked,
            phone_masked: if staff { row.phone_masked } else { None },
            email_masked: if staff { row.email_masked } else { None },
            ticket_id: if staff { row.ticket_id } else { None },
            booking_id: if staff { row.booking_id } else { None },
            step: row.step,
            step_name,
            step_name_en,
            steps: Vec::new(),
            next,
            requirements,
            duration_value: row.duration_value,
            duration_unit: row.duration_unit,
            due_at: row.due_at,
            paused,
            completion_due_at: row.completion_due_at,
            late,
            finished_at: row.finished_at,
            on_time,
            survey_code: row.survey_code,
            time_zone: tz.name().to_string(),
            created_at: row.created_at,
            events: Vec::new(),
        }
    }

    async fn application_view(&self, row: ApplicationRow, tz: Tz, staff: bool) -> Result<ApplicationView> {
        let plan = plan_of(row.app_steps.as_deref());
        let mut r = self.store.read().await?;
        let events = r.application_events(row.id).await?;
        drop(r);
        let resume = row.resume_step.clone().unwrap_or_else(|| RECEIVED.into());
        let mut v = self.summary_view(row, tz, staff);
        // The path as this file walks it: one decision shown, the one taken (or approval ahead).
        let rejected = v.step == rules::REJECTED;
        let reached: Vec<(String, DateTime<Utc>)> =
            events.iter().filter_map(|e| e.to_step.clone().map(|s| (s, e.at))).collect();
        // A paused file stands on its path where it left off (received if it never started).
        let current = if v.paused { resume } else { v.step.clone() };
        let mut passed = true;
        for s in plan.all() {
            if (rejected && matches!(s.key.as_str(), rules::APPROVED | rules::READY | rules::PICKED_UP))
                || (!rejected && s.key == rules::REJECTED)
            {
                continue;
            }
            let is_current = s.key == current;
            let state = if is_current {
                passed = false;
                if v.paused { "paused" } else { "current" }
            } else if passed {
                "done"
            } else {
                "todo"
            };
            let at = reached.iter().rev().find(|(k, _)| *k == s.key).map(|(_, t)| *t);
            v.steps.push(StepState { key: s.key, name: s.name, name_en: s.name_en, state: state.into(), at });
        }
        v.events = events
            .into_iter()
            .map(|e| {
                let to_name = e.to_step.as_deref().map(|k| step_names(&plan, k).0);
                ApplicationEventView {
                    at: e.at,
                    action: e.action,
                    to_step: e.to_step,
                    to_name,
                    note: e.note,
                    actor_name: if staff { e.actor_name } else { None },
                }
            })
            .collect();
        Ok(v)
    }
}

fn step_names(plan: &Plan, key: &str) -> (String, Option<String>) {
    if key == NEEDS_COMPLETION {
        return ("Perlu dilengkapi".into(), Some("Needs completion".into()));
    }
    plan.all()
        .into_iter()
        .find(|s| s.key == key)
        .map(|s| (s.name, s.name_en))
        .unwrap_or_else(|| (key.to_string(), None))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_survey_typing() {
        let c = tracking_code("BRK", &[1, 2, 3, 4, 5, 6, 7, 8]);
        assert!(c.starts_with("BRK-") && c.len() == 18);
        assert_eq!(normalize_code(&c.to_lowercase().replace('-', " ")), c);
        assert_eq!(normalize_code(&format!("https://mpp.example.id/berkas/{c}")), c);
    }
}
