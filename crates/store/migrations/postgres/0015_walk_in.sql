-- Walk-in limits per service: at most `daily_quota` numbers a day from the kiosk
-- or a phone, none after `last_ticket_at` (local HH:MM). Bookings checked in and
-- pickups of finished files are not walk-ins and are never refused by them.
CREATE TABLE service_walk_in (
    service_id BIGINT PRIMARY KEY REFERENCES services(id),
    mpp_id BIGINT NOT NULL REFERENCES mpps(id),
    daily_quota BIGINT CHECK (daily_quota IS NULL OR daily_quota > 0),
    last_ticket_at TEXT,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX service_walk_in_mpp ON service_walk_in (mpp_id);

-- Walk-in numbers taken per service and local day while a quota applies: the
-- database decides, by a conditional upsert, never a read first.
CREATE TABLE walk_in_days (
    service_id BIGINT NOT NULL REFERENCES services(id),
    day DATE NOT NULL,
    issued BIGINT NOT NULL,
    PRIMARY KEY (service_id, day)
);
