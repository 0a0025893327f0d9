-- Walk-in queue: counters' state and services, tickets, their timeline, numbering.

ALTER TABLE mpps ADD COLUMN queue_settings TEXT NOT NULL DEFAULT '{}';
ALTER TABLE mpps ADD COLUMN announcement TEXT;
ALTER TABLE mpps ADD COLUMN announcement_en TEXT;
-- The last local day whose leftover tickets were closed.
ALTER TABLE mpps ADD COLUMN closed_through TEXT;

-- A service may have its own queue (prefix); otherwise it shares its provider's.
ALTER TABLE services ADD COLUMN queue_prefix TEXT;

ALTER TABLE counters ADD COLUMN state TEXT NOT NULL DEFAULT 'closed' CHECK (state IN ('closed', 'open', 'paused'));
ALTER TABLE counters ADD COLUMN officer_id INTEGER REFERENCES users(id);
ALTER TABLE counters ADD COLUMN state_since TEXT;

-- Services a counter calls; none listed = every service of its provider.
CREATE TABLE counter_services (
    counter_id INTEGER NOT NULL REFERENCES counters(id),
    service_id INTEGER NOT NULL REFERENCES services(id),
    mpp_id INTEGER NOT NULL REFERENCES mpps(id),
    PRIMARY KEY (counter_id, service_id)
);

-- Gap-free numbering: one row per MPP, queue prefix and local day, bumped in the
-- transaction that inserts the ticket.
CREATE TABLE ticket_sequences (
    mpp_id INTEGER NOT NULL REFERENCES mpps(id),
    prefix TEXT NOT NULL,
    day TEXT NOT NULL,
    last_number INTEGER NOT NULL,
    PRIMARY KEY (mpp_id, prefix, day)
);

CREATE TABLE tickets (
    id INTEGER PRIMARY KEY,
    mpp_id INTEGER NOT NULL REFERENCES mpps(id),
    provider_id INTEGER NOT NULL REFERENCES providers(id),
    service_id INTEGER NOT NULL REFERENCES services(id),
    day TEXT NOT NULL,
    prefix TEXT NOT NULL,
    number INTEGER NOT NULL,
    code TEXT NOT NULL,
    token TEXT NOT NULL UNIQUE,
    status TEXT NOT NULL CHECK (status IN ('waiting', 'called', 'serving', 'done')),
    outcome TEXT CHECK (outcome IN ('served', 'not_served', 'no_show', 'cancelled', 'closed')),
    outcome_reason TEXT,
    priority TEXT,
    source TEXT NOT NULL,
    arrived_at TEXT NOT NULL,
    issued_at TEXT NOT NULL,
    queue_key TEXT NOT NULL,
    counter_id INTEGER REFERENCES counters(id),
    officer_id INTEGER REFERENCES users(id),
    target_counter_id INTEGER REFERENCES counters(id),
    called_at TEXT,
    started_at TEXT,
    finished_at TEXT,
    recalls INTEGER NOT NULL DEFAULT 0,
    extra_time_used BOOLEAN NOT NULL DEFAULT FALSE,
    -- The kiosk's key for one button press: a retried request returns the same ticket.
    request_key TEXT,
    CONSTRAINT tickets_number UNIQUE (mpp_id, prefix, day, number)
);
CREATE UNIQUE INDEX tickets_request_key ON tickets (mpp_id, request_key) WHERE request_key IS NOT NULL;
CREATE INDEX tickets_waiting ON tickets (mpp_id, status, queue_key);
-- People ahead in one queue: a range scan, not a count of the whole day.
CREATE INDEX tickets_queue ON tickets (mpp_id, prefix, day, status, queue_key);
CREATE INDEX tickets_day ON tickets (mpp_id, day);
CREATE INDEX tickets_service_finished ON tickets (service_id, finished_at);
CREATE INDEX tickets_counter ON tickets (counter_id, status);

-- Every step of every ticket, for the console and the dashboards.
CREATE TABLE ticket_events (
    id INTEGER PRIMARY KEY,
    ticket_id INTEGER NOT NULL REFERENCES tickets(id),
    mpp_id INTEGER NOT NULL REFERENCES mpps(id),
    at TEXT NOT NULL,
    kind TEXT NOT NULL,
    service_id INTEGER,
    counter_id INTEGER,
    officer_id INTEGER,
    note TEXT
);
CREATE INDEX ticket_events_ticket ON ticket_events (ticket_id, id);
CREATE INDEX ticket_events_mpp_at ON ticket_events (mpp_id, at);
