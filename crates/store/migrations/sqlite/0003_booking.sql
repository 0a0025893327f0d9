-- Online booking: each service's booking rules, slots with capacity, bookings
-- (personal data sealed, matched by keyed hash), and the message outbox.

CREATE TABLE service_booking (
    service_id INTEGER PRIMARY KEY REFERENCES services(id),
    mpp_id INTEGER NOT NULL REFERENCES mpps(id),
    rules TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- The database decides capacity: a seat is taken by a conditional UPDATE and the
-- CHECK holds even if a query were wrong.
CREATE TABLE slots (
    id INTEGER PRIMARY KEY,
    mpp_id INTEGER NOT NULL REFERENCES mpps(id),
    service_id INTEGER NOT NULL REFERENCES services(id),
    day TEXT NOT NULL,
    starts_at TEXT NOT NULL,
    ends_at TEXT NOT NULL,
    capacity INTEGER NOT NULL,
    booked INTEGER NOT NULL DEFAULT 0,
    CONSTRAINT slots_capacity CHECK (booked >= 0 AND booked <= capacity),
    CONSTRAINT slots_service_start UNIQUE (service_id, starts_at)
);
CREATE INDEX slots_service_day ON slots (service_id, day);

CREATE TABLE bookings (
    id INTEGER PRIMARY KEY,
    mpp_id INTEGER NOT NULL REFERENCES mpps(id),
    service_id INTEGER NOT NULL REFERENCES services(id),
    slot_id INTEGER NOT NULL REFERENCES slots(id),
    day TEXT NOT NULL,
    code TEXT NOT NULL UNIQUE,
    status TEXT NOT NULL CHECK (status IN ('active', 'checked_in', 'cancelled', 'no_show')),
    name_sealed TEXT NOT NULL,
    nik_sealed TEXT NOT NULL,
    nik_index TEXT NOT NULL,
    nik_masked TEXT NOT NULL,
    phone_sealed TEXT,
    phone_masked TEXT,
    email_sealed TEXT,
    email_masked TEXT,
    -- The NIK's keyed hash while "one active booking per NIK per service per day" applies.
    nik_guard TEXT,
    request_key TEXT,
    user_id INTEGER REFERENCES users(id),
    ticket_id INTEGER REFERENCES tickets(id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    cancelled_at TEXT,
    checked_in_at TEXT
);
CREATE UNIQUE INDEX bookings_one_per_nik ON bookings (service_id, day, nik_guard)
    WHERE nik_guard IS NOT NULL AND status IN ('active', 'checked_in');
CREATE UNIQUE INDEX bookings_request ON bookings (mpp_id, request_key) WHERE request_key IS NOT NULL;
CREATE INDEX bookings_slot ON bookings (slot_id, status);
CREATE INDEX bookings_nik ON bookings (nik_index, day);
CREATE INDEX bookings_mpp_day ON bookings (mpp_id, day);

-- Messages leave through the outbox: written in the transaction that causes them,
-- sent by a worker, retried with backoff, never deleted.
CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    mpp_id INTEGER REFERENCES mpps(id),
    booking_id INTEGER REFERENCES bookings(id),
    kind TEXT NOT NULL,
    channel TEXT NOT NULL,
    recipient_sealed TEXT NOT NULL,
    recipient_masked TEXT NOT NULL,
    subject TEXT NOT NULL,
    body_sealed TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'withdrawn')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    last_error TEXT,
    created_at TEXT NOT NULL,
    sent_at TEXT
);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
CREATE INDEX outbox_booking ON outbox (booking_id);
