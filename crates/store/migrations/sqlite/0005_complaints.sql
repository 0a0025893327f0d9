-- Complaints on the SP4N-LAPOR! model: a report (aspirasi, pengaduan or
-- permintaan informasi) about an MPP, a provider or a service; its timeline of
-- steps with who and when; attachments kept in the database. The reporter
-- follows it with a tracking code whose hash alone is stored.

CREATE TABLE complaints (
    id INTEGER PRIMARY KEY,
    mpp_id INTEGER NOT NULL REFERENCES mpps(id),
    provider_id INTEGER REFERENCES providers(id),
    service_id INTEGER REFERENCES services(id),
    code_hash TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('aspirasi', 'pengaduan', 'permintaan_informasi')),
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    happened_on TEXT,
    anonymous BOOLEAN NOT NULL,
    confidential BOOLEAN NOT NULL,
    reporter_name_sealed TEXT,
    reporter_name_masked TEXT,
    email_sealed TEXT,
    email_masked TEXT,
    phone_sealed TEXT,
    phone_masked TEXT,
    status TEXT NOT NULL CHECK (status IN ('submitted', 'postponed', 'forwarded', 'answered', 'closed', 'not_authority', 'archived')),
    verify_due_at TEXT,
    answer_due_at TEXT,
    escalated_at TEXT,
    referral TEXT,
    rating INTEGER CHECK (rating BETWEEN 1 AND 5),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX complaints_mpp ON complaints (mpp_id, status, id);
CREATE INDEX complaints_provider ON complaints (provider_id, status);
CREATE INDEX complaints_verify_due ON complaints (verify_due_at) WHERE status = 'submitted';
CREATE INDEX complaints_answer_due ON complaints (answer_due_at) WHERE status = 'forwarded';

CREATE TABLE complaint_events (
    id INTEGER PRIMARY KEY,
    complaint_id INTEGER NOT NULL REFERENCES complaints(id),
    at TEXT NOT NULL,
    actor_kind TEXT NOT NULL CHECK (actor_kind IN ('reporter', 'operator', 'provider', 'system')),
    actor_user_id INTEGER REFERENCES users(id),
    actor_name TEXT,
    action TEXT NOT NULL,
    from_status TEXT,
    to_status TEXT,
    body TEXT,
    -- Internal notes between the MPP and the provider; the reporter never sees them.
    internal BOOLEAN NOT NULL DEFAULT FALSE,
    rating INTEGER
);
CREATE INDEX complaint_events_complaint ON complaint_events (complaint_id, id);

CREATE TABLE complaint_attachments (
    id INTEGER PRIMARY KEY,
    complaint_id INTEGER NOT NULL REFERENCES complaints(id),
    event_id INTEGER REFERENCES complaint_events(id),
    filename TEXT NOT NULL,
    content_type TEXT NOT NULL CHECK (content_type IN ('image/jpeg', 'image/png', 'image/webp', 'application/pdf')),
    size INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    data BLOB NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX complaint_attachments_complaint ON complaint_attachments (complaint_id, id);
