# Satisfaction survey (SKM)
err-survey-not-open = The survey for this visit is not available: the service has not finished, was not served, or was more than 14 days ago.
err-survey-answered = This survey has already been answered. Thank you for your rating.
hint-date-recent = Use a date within the last year as YYYY-MM-DD, e.g. 2026-11-23.

## Navigation and links
admin-survey = Satisfaction survey
sv-mpp-link = Satisfaction survey results (IKM)
sv-mpp-code-link = Take the survey with a code
sv-tablet-link = Survey tablet

## The citizen's form
sv-title = Community Satisfaction Survey
sv-ticket = Ticket
sv-lead = Nine questions, about two minutes, no name asked. Every question needs an answer; the suggestion and the profile may stay empty.
sv-choose-answer = Choose one of the four answers.
sv-missing = Questions not answered yet:
sv-suggestion = Suggestions
sv-suggestion-help = What should we improve? A few words are enough.
sv-optional = optional
sv-profile = About you
sv-profile-help = Helps us read the results. We do not ask your name.
sv-no-answer = — Rather not say —
sv-sex = Sex
sv-sex-L = Male
sv-sex-P = Female
sv-age = Age
sv-age-under20 = Under 20
sv-age-20-29 = 20–29
sv-age-30-39 = 30–39
sv-age-40-49 = 40–49
sv-age-50-59 = 50–59
sv-age-60plus = 60 or older
sv-education = Highest education
sv-edu-sd = Primary school
sv-edu-smp = Junior high school
sv-edu-sma = Senior high or vocational school
sv-edu-diploma = Diploma (D1–D3)
sv-edu-s1 = Bachelor's degree (S1/D4)
sv-edu-s2 = Master's degree (S2)
sv-edu-s3 = Doctorate (S3)
sv-occupation = Occupation
sv-job-pns = Civil servant
sv-job-tni_polri = Military/police
sv-job-swasta = Private employee
sv-job-wirausaha = Self-employed
sv-job-pelajar = Student
sv-job-ibu_rumah_tangga = Homemaker
sv-job-lainnya = Other
sv-submit = Send my rating
sv-sending = Sending…
sv-privacy = Your answers are not linked to your name or NIK and are used only to compute the satisfaction index and improve the service.
sv-answered-title = Survey already answered
sv-closed-title = Survey not available
sv-unknown-title = Survey not found
sv-unknown-ticket = This ticket is not known. Open the survey from your ticket's page, or take it with the code you received.
sv-see-results = See the survey results
sv-back-to-mpp = Back to the MPP's page
sv-enter-code = Take the survey with a code

## Survey codes
sv-code-title = Take the survey with a code
sv-code-lead = Enter the survey code printed on your service receipt or sent with your result.
sv-code = Survey code
sv-code-help = For example SKM-7K2M-9QXD. Upper or lower case and spaces do not matter.
sv-code-submit = Continue
sv-code-required = Enter your survey code.
sv-unknown-code = This survey code is not known. Check every letter and digit on your receipt.
sv-code-ticket-note = Queued with a ticket? The survey also opens from your ticket's page once you have been served.

## Thank you
sv-thanks-title = Thank you!
sv-thanks-lead = We have received your rating; it counts towards this MPP's Community Satisfaction Index.
sv-thanks-complaint = A complaint that needs follow-up? File it through SP4N-LAPOR! at www.lapor.go.id.

## The ticket page
sv-ticket-title = How did we do?
sv-ticket-lead = You have been served. Help us improve by taking the satisfaction survey: nine questions, about two minutes.
sv-ticket-button = Take the satisfaction survey
sv-qr-alt = QR code to this ticket's satisfaction survey
sv-qr-caption = Scan to open the survey on another phone.
sv-ticket-answered = Thank you, the satisfaction survey for this visit has been answered.

## The counter's tablet
sv-tablet-title = Satisfaction Survey
sv-tablet-waiting = Thank you for your visit
sv-tablet-waiting-note = Once you have been served, this screen asks for your rating.
sv-tablet-welcome = How did we do?
sv-tablet-lead = Nine short questions: just touch your answer.
sv-tablet-start = Start
sv-tablet-skip = Skip
sv-tablet-back = Back
sv-tablet-of = of
sv-tablet-sending = Sending…
sv-tablet-thanks = Thank you!
sv-tablet-thanks-note = We have received your rating.
sv-tablet-error = Your rating was not sent.
sv-tablet-retry = Try again
sv-tablet-session = The officer's session has ended. Please sign in again.
sv-tablet-fullscreen = Full screen
sv-tablet-ticket = Ticket

## IKM results
sv-ikm-title = Community Satisfaction Index
sv-ikm-short = IKM
sv-ikm = IKM
sv-national = National IKM
sv-national-lead = Every MPP using satuatap
sv-report-title = Community Satisfaction Survey Report
sv-regulation-full = Prepared under Minister of Administrative and Bureaucratic Reform Regulation No. 14 of 2017 on guidelines for community satisfaction surveys of public service units (PermenPANRB 14/2017).
sv-period = Period
sv-show = Show
sv-custom-range = Other date range
sv-from = From
sv-to = To
sv-period-quarter = Q{ $n } { $year }
sv-period-semester = { $roman ->
    [I] First
   *[II] Second
} half { $year }
sv-period-year = Year { $year }
sv-period-invalid = The period asked for could not be read; showing the current quarter.
sv-grade = Service quality
sv-grade-short = Grade
sv-performance = Unit performance
sv-grade-A = Very good
sv-grade-B = Good
sv-grade-C = Poor
sv-grade-D = Very poor
sv-grade-range-A = 88.31–100.00
sv-grade-range-B = 76.61–88.30
sv-grade-range-C = 65.00–76.60
sv-grade-range-D = 25.00–64.99
sv-no-respondents = No respondents in this period yet.
sv-respondents = Respondents
sv-served = Served
sv-required-sample = Minimum sample
sv-sample-reached = Respondents reach the minimum sample
sv-sample-not-reached = Respondents do not reach the minimum sample yet
sv-exceeds-served = There are more respondents than people served in this period. Check the paper forms entered before reporting this IKM.
sv-sample-note = The minimum sample follows Krejcie and Morgan's formula from the number of people served in this period.
sv-elements = Score per element
sv-nrr-note = NRR: the mean answer (1–4); the second figure is its converted score (NRR × 25).
sv-weakest = The three lowest elements
sv-score = score
sv-weakest-note = These elements come first when improving the service.
sv-per-mpp = Per MPP
sv-per-provider = Per agency
sv-per-service = Per service
sv-provider = Agency
sv-service = Service
sv-print = Print report
sv-csv = Download CSV
sv-method = How it is computed
sv-method-text = Each respondent rates nine elements of the service on a 1–4 scale. The mean of each element (NRR) is summed with the equal weight 1/9 and multiplied by 25, so the IKM lies between 25 and 100. The weight is used exactly (not rounded to 0.111).

## Administration
sv-admin-choose = Choose an MPP.
sv-public-results = Public results
sv-this-quarter = This quarter
sv-suggestions = Suggestions from respondents
sv-no-suggestions = No suggestions in this period.
sv-channel-ticket = ticket
sv-channel-code = code
sv-channel-tablet = counter tablet
sv-channel-paper = paper
sv-has-followup = followed up
sv-make-followup = Make a follow-up item
sv-followup-title = Planned action
sv-owner = Owner
sv-no-owner = Not assigned
sv-keep-owner = Unchanged
sv-followups = Follow-up items
sv-new-followup = Add a follow-up item without a suggestion
sv-add = Add
sv-no-followups = No follow-up items yet.
sv-status = Status
sv-status-open = Open
sv-status-in_progress = In progress
sv-status-done = Done
sv-updated = updated
sv-update-followup = Update
sv-note = Note
sv-field-title = Planned action
sv-field-owner-id = Owner
sv-field-response-id = Suggestion
sv-field-status = Status
sv-field-note = Note
sv-field-service-id = Service
sv-field-count = Number of codes
sv-codes = Survey codes
sv-codes-lead = One-time codes for services whose result is handed over later: print them on the receipt or send them with the result.
sv-code-count = Number of codes
sv-code-note = Note
sv-code-note-help = For example a file number or the hand-over date.
sv-make-codes = Make codes
sv-recent-codes = Recent codes
sv-made = Made
sv-code-used = used
sv-code-unused = not used
sv-codes-made = Survey codes ready to print
sv-codes-count = { $n ->
    [one] One code made.
   *[other] { $n } codes made.
} Each code can be used once.
sv-back = Back
sv-slip-title = Community Satisfaction Survey
sv-slip-help = Scan the QR code, or open
sv-paper-title = Enter a paper survey
sv-paper-lead = Type in the answers of a paper survey form. It is stored marked as “paper”, with your name as the one who typed it.
sv-paper-which = Survey form
sv-paper-day = Date filled in
sv-paper-submit = Save paper survey
sv-paper-saved = Paper survey saved. Please type in the next form.
