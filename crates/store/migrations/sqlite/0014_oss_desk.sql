-- The OSS (business licensing) help desk. A service may be the desk's
-- consultation service (visitors come through the queue or a booking) or its
-- group-session service, whose seats are booking slots made one per session
-- (never from the weekly pattern), so a session's capacity is the slot's CHECK.
ALTER TABLE services ADD COLUMN oss_role TEXT CHECK (oss_role IN ('consultation', 'session'));

CREATE TABLE oss_sessions (
    id INTEGER PRIMARY KEY,
    mpp_id INTEGER NOT NULL REFERENCES mpps(id),
    service_id INTEGER NOT NULL REFERENCES services(id),
    slot_id INTEGER NOT NULL UNIQUE REFERENCES slots(id),
    title TEXT NOT NULL,
    room TEXT NOT NULL,
    note TEXT,
    cancelled_at TEXT,
    created_by INTEGER REFERENCES users(id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX oss_sessions_mpp ON oss_sessions (mpp_id, slot_id);

-- One record per consultation; the visitor's contact sealed like a booking's.
CREATE TABLE oss_consultations (
    id INTEGER PRIMARY KEY,
    mpp_id INTEGER NOT NULL REFERENCES mpps(id),
    service_id INTEGER NOT NULL REFERENCES services(id),
    ticket_id INTEGER REFERENCES tickets(id),
    booking_id INTEGER REFERENCES bookings(id),
    visitor_name_sealed TEXT,
    visitor_name_masked TEXT,
    phone_sealed TEXT,
    phone_masked TEXT,
    email_sealed TEXT,
    email_masked TEXT,
    business_name TEXT,
    activity TEXT,
    kbli TEXT,
    topic TEXT NOT NULL CHECK (topic IN ('registration', 'kbli', 'certificate', 'permit', 'revision', 'reporting', 'other')),
    outcome TEXT NOT NULL CHECK (outcome IN ('nib', 'referred', 'follow_up', 'answered')),
    nib TEXT,
    referred_provider_id INTEGER REFERENCES providers(id),
    follow_up_on TEXT,
    follow_up_done_at TEXT,
    reminded_at TEXT,
    note TEXT,
    officer_id INTEGER REFERENCES users(id),
    officer_name TEXT,
    -- The local day it was held, for counts by period.
    day TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX oss_consultations_mpp_day ON oss_consultations (mpp_id, day);
CREATE INDEX oss_consultations_follow_up ON oss_consultations (follow_up_on)
    WHERE outcome = 'follow_up' AND follow_up_done_at IS NULL;
CREATE UNIQUE INDEX oss_consultations_ticket ON oss_consultations (ticket_id) WHERE ticket_id IS NOT NULL;
