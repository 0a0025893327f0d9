-- Walk-in limits per service: at most `daily_quota` numbers a day from the kiosk
-- or a phone, none after `last_ticket_at` (local HH:MM). Bookings checked in and
-- pickups of finished files are not walk-ins and are never refused by them.
CREATE TABLE service_walk_in (
    service_id INTEGER PRIMARY KEY REFERENCES services(id),
    mpp_id INTEGER NOT NULL REFERENCES mpps(id),
    daily_quota INTEGER CHECK (daily_quota IS NULL OR daily_quota > 0),
    last_ticket_at TEXT,
    updated_at TEXT NOT NULL
);
CREATE INDEX service_walk_in_mpp ON service_walk_in (mpp_id);

-- Walk-in numbers taken per service and local day while a quota applies: the
-- database decides, by a conditional upsert, never a read first.
CREATE TABLE walk_in_days (
    service_id INTEGER NOT NULL REFERENCES services(id),
    day TEXT NOT NULL,
    issued INTEGER NOT NULL,
    PRIMARY KEY (service_id, day)
);
