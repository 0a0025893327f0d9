//! What a reporter does: file a report (no account needed), follow it by its
//! tracking code, add details, rate the answer or reopen it.

use super::*;

impl App {
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
        let code = tracking_code("ADU", &random);
        let seal = |v: &Option<String>| v.as_deref().map(|x| self.keys.seal(x)).transpose();
        let mut tx = self.store.begin().await?;
        let verify_due_at = self.working_deadline(&mut tx, mpp_id, tz, now, VERIFY_WORKING_DAYS).await?;
        let new = NewComplaint {
            mpp_id,
            provider_id,
            service_id,
            code_hash: code_hash(&code),
            kind,
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
        tx.count_complaint_received(mpp_id, satuatap_store::stats::month_of(now.with_timezone(&tz).date_naive()))
            .await?;
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
                "Laporan Anda {r} sudah kami terima dan akan diverifikasi paling lambat {due}. \
             Kode pelacakan: {code} — ikuti perkembangannya di /pengaduan/{code} \
             (Your report {r} was received; it will be verified by {due}. Tracking code: {code}.)",
                r = reference(id),
                due = local_text(verify_due_at, tz),
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
        let status = row.status.0;
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
                    from_status: to_status.map(|_| row.status.0.as_str()),
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
        let from = row.status.0;
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
}
