# Complaints (the SP4N-LAPOR! model)
err-complaint-step = This step cannot be taken on a report that is "{ $status }", or your account may not take it.
err-complaint-changed = Someone else just changed this report. Reload the page and try again.
err-complaint-closed = This report is closed; comments can no longer be added. Reopen it if the answer did not resolve it.
hint-attachment-size = Each attachment may be at most 2 MB.
hint-attachment-type = Attachments must be photos (JPEG, PNG, WebP) or PDF files.
hint-date-past = The date it happened cannot be in the future.
