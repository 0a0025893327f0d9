# Satisfaction survey (SKM)
err-survey-not-open = The survey for this visit is not available: the service has not finished, was not served, or was more than 14 days ago.
err-survey-answered = This survey has already been answered. Thank you for your rating.
hint-date-recent = Use a date within the last year as YYYY-MM-DD, e.g. 2026-11-23.
