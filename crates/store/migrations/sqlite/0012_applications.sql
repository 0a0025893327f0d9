-- Applications (berkas permohonan) that outlive the visit: registered at the
-- counter, followed by the applicant with a tracking code (its hash for lookup,
-- the code itself sealed for reprinting the receipt), moved through the
-- service's steps with a conditional update, due by the standard's promise.

-- A provider's own middle steps for a service (JSON list); NULL = the default.
ALTER TABLE services ADD COLUMN app_steps TEXT;

CREATE TABLE applications (
    id INTEGER PRIMARY KEY,
    mpp_id INTEGER NOT NULL REFERENCES mpps(id),
    provider_id INTEGER NOT NULL REFERENCES providers(id),
    service_id INTEGER NOT NULL REFERENCES services(id),
    code_hash TEXT NOT NULL UNIQUE,
    code_sealed TEXT NOT NULL,
    ticket_id INTEGER REFERENCES tickets(id),
    booking_id INTEGER REFERENCES bookings(id),
    applicant_name_sealed TEXT NOT NULL,
    applicant_name_masked TEXT NOT NULL,
    email_sealed TEXT,
    email_masked TEXT,
    phone_sealed TEXT,
    phone_masked TEXT,
    -- The standard's requirements as ticked at intake: [{"text": …, "ok": bool}].
    requirements TEXT NOT NULL,
    step TEXT NOT NULL,
    -- Where a file waiting for documents goes back to.
    resume_step TEXT,
    duration_value INTEGER,
    duration_unit TEXT,
    -- When the file was complete (the clock's start); NULL while it never was.
    clock_from TEXT,
    paused_at TEXT,
    paused_days INTEGER NOT NULL DEFAULT 0,
    paused_seconds INTEGER NOT NULL DEFAULT 0,
    due_at TEXT,
    completion_due_at TEXT,
    finished_at TEXT,
    survey_code TEXT,
    -- The queue ticket a kiosk issued to collect the result.
    pickup_ticket_id INTEGER REFERENCES tickets(id),
    escalated_at TEXT,
    created_by INTEGER REFERENCES users(id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX applications_work ON applications (mpp_id, finished_at, due_at);
CREATE INDEX applications_provider ON applications (provider_id, finished_at, due_at);

CREATE TABLE application_events (
    id INTEGER PRIMARY KEY,
    application_id INTEGER NOT NULL REFERENCES applications(id),
    at TEXT NOT NULL,
    actor_user_id INTEGER REFERENCES users(id),
    actor_name TEXT,
    action TEXT NOT NULL,
    from_step TEXT,
    to_step TEXT,
    note TEXT
);
CREATE INDEX application_events_app ON application_events (application_id, id);
