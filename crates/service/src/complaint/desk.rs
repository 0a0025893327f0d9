//! What staff do with reports: the operator verifies (forward, postpone, not
//! our authority, archive), the provider answers or returns, both comment;
//! late reports are escalated once per deadline.

use super::*;

impl App {
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
        let from = row.status.0;
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
        // Deadlines met, for the dashboards: the verification (its first decision)
        // and the answer, each on time or late, in the month it happened.
        let month = satuatap_store::stats::month_of(now.with_timezone(&tz).date_naive());
        match action {
            Action::Forward | Action::NotAuthority | Action::Archive
                if matches!(from, Status::Submitted | Status::Postponed) =>
            {
                let on_time = row.verify_due_at.is_none_or(|due| now <= due);
                tx.count_complaint_deadline(row.mpp_id, month, false, on_time).await?;
            }
            Action::Answer => {
                let on_time = row.answer_due_at.is_none_or(|due| now <= due);
                tx.count_complaint_deadline(row.mpp_id, month, true, on_time).await?;
            }
            _ => {}
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
        let status = row.status.0;
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
            let verifying = row.status.0 == Status::Submitted;
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
            super::system_note(&mut tx, row.id, "escalate", &text, now).await?;
            self.notify_staff(&mut tx, &row, None, "Laporan terlambat / Overdue report", &text).await?;
            if !verifying && let Some(pid) = row.provider_id {
                self.notify_staff(&mut tx, &row, Some(pid), "Laporan terlambat / Overdue report", &text).await?;
            }
            tx.commit().await?;
            n += 1;
        }
        Ok(n)
    }
}
