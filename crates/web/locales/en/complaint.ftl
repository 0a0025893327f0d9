# Complaints (the SP4N-LAPOR! model)
err-complaint-step = This step cannot be taken on a report that is "{ $status }", or your account may not take it.
err-complaint-changed = Someone else just changed this report. Reload the page and try again.
err-complaint-closed = This report is closed; comments can no longer be added. Reopen it if the answer did not resolve it.
hint-attachment-size = Each attachment may be at most 2 MB.
hint-attachment-type = Attachments must be photos (JPEG, PNG, WebP) or PDF files.
hint-date-past = The date it happened cannot be in the future.

## Links
admin-complaints = Complaints
cp-mpp-link = Send a complaint, suggestion or request for information
cp-track-link = Track a report with its tracking code

## Public form
cp-optional = optional
cp-form-title = Send a report
cp-form-lead = A complaint, suggestion or request for information about the services at this MPP. No account needed; you may stay anonymous or confidential.
cp-form-deadlines = The MPP verifies reports within 3 working days; the provider concerned then answers within 5 working days.
cp-kind = Kind of report
cp-kind-pengaduan-help = A service did not meet its standard or harmed you.
cp-kind-aspirasi-help = A suggestion to improve the service.
cp-kind-permintaan_informasi-help = A question about a service, its requirements or procedure.
cp-about = About provider
cp-about-mpp = The MPP in general
cp-about-service = Report about the service:
cp-title = Title
cp-title-help = Short, e.g. "My queue number was skipped".
cp-body = Report
cp-body-help = Say what happened, when, at which counter. At least 20 characters.
cp-happened-on = Date it happened
cp-happened-on-help = If the report is about an event.
cp-attachments = Attachments
cp-attachments-help = Photos (JPEG, PNG, WebP) or PDF, at most 3 files of at most 2 MB each.
cp-you = About you
cp-anonymous = Send anonymously
cp-anonymous-help = No name or contact is kept. Only the tracking code lets you follow the report.
cp-confidential = Keep my identity confidential
cp-confidential-help = The provider reported on does not see your name or contact; only the MPP's managers see them, masked.
cp-name = Name
cp-email = E-mail
cp-phone = Mobile number
cp-contact-help = Give an e-mail or a mobile number to be told of every answer.
cp-send = Send report
cp-filed-title = Report sent
cp-filed-lead = Thank you. Your report was received. This is your tracking code:
cp-filed-keep = Keep or photograph this code: it is shown only once and is the only way to read the answers.
cp-reference = Report number
cp-verify-by = Verified by
cp-answer-by = Answered by
cp-track-now = Follow the report

## Tracking
cp-track-title = Track a report
cp-track-lead = Enter the tracking code you received when you sent the report.
cp-tracking-code = Tracking code
cp-track-find = Show report
cp-not-found = No report has this tracking code. Check how it is written (e.g. ADU-7K3M-Q9PX-2D4F).
cp-status = Status
cp-where = Where
cp-filed-at = Sent
cp-late = Overdue
cp-referral = The right channel
cp-your-rating = Your rating
cp-timeline = Follow-up history
cp-action-submit = Report sent
cp-action-forward = Forwarded to the provider
cp-action-postpone = On hold, more details asked
cp-action-not_authority = Not the MPP's authority
cp-action-archive = Archived
cp-action-answer = Provider's answer
cp-action-return = Returned to the MPP
cp-action-rate = Reporter's rating
cp-action-reopen = Reopened
cp-action-comment = Comment
cp-action-escalate = Escalated as overdue
cp-action-deadline = Deadline recounted
cp-rating = Rating
cp-rate-title = Rate this answer
cp-rate-help = 1 = very unsatisfied, 5 = very satisfied. Rating closes the report; you can still reopen it.
cp-rate-comment = Note (optional)
cp-rate-send = Send rating
cp-reopen-title = Not resolved?
cp-reopen-reason = Why reopen
cp-reopen-help = The report goes back to the provider with 5 working days to answer.
cp-reopen = Reopen the report
cp-add = Add details
cp-postponed-help = The MPP asked for more details. Verification continues once you reply.
cp-comment = Comment
cp-comment-send = Send comment
cp-commented = Your comment was added.
cp-rated = Thank you for your rating. The report is closed.
cp-reopened = The report was reopened and sent back to the provider.

## Complaint desk (staff)
cp-desk-lead = Verify new reports within 3 working days; providers answer within 5 working days of forwarding. Overdue reports are marked red and escalated.
cp-late-count = { $n ->
    [one] 1 report is past its deadline.
   *[other] { $n } reports are past their deadline.
}
cp-show-late = Show
cp-export = Export for SP4N-LAPOR!
cp-export-from = From
cp-export-to = To
cp-export-format = Format
cp-deadline = Deadline
cp-confidential-badge = confidential
cp-pick-mpp = Choose an MPP to see its reports.
cp-overdue-notice = This report is past its deadline and was escalated. Please act on it now.
cp-reporter = Reporter
cp-step-forward = Forward to provider
cp-step-forward-help = The provider gets 5 working days to answer.
cp-to-provider = Provider
cp-note-reporter = Note for the reporter
cp-step-answer = Send answer
cp-step-answer-help = The reporter reads this answer. Say what was done.
cp-answer = Answer
cp-step-postpone = Hold, ask for details
cp-step-postpone-help = The reporter is asked to complete the report; verification continues after the reply.
cp-step-not_authority = Not our authority
cp-step-not_authority-help = Tell the reporter where the report should go instead.
cp-step-archive = Archive
cp-step-archive-help = For reports needing no follow-up (duplicate, unclear, already resolved).
cp-step-return = Return to the MPP
cp-step-return-help = If the report is not for your office; the MPP forwards it to the right provider.
cp-referral-placeholder = e.g. Bogor City Land Office, lapor.go.id
cp-internal = internal note
cp-internal-help = Internal note (not shown to the reporter)
cp-saved = Saved. The reporter can see this change.
cp-count = { $n ->
    [one] 1 report
   *[other] { $n } reports
}
