-- The national side: registered population, the rollout register of every
-- regency's MPP journey (locations and their dated stages, proposals from MPP
-- managers, the ministry's targets and the national totals as reported), what
-- a regency sets for its accessibility study, where booked visitors come from,
-- and the rollups behind the ministry's dashboard across MPPs.

CREATE TABLE regency_population (
    regency_code TEXT PRIMARY KEY REFERENCES regencies(code),
    male INTEGER NOT NULL,
    female INTEGER NOT NULL,
    total INTEGER NOT NULL,
    source TEXT NOT NULL
);

CREATE TABLE province_population (
    province_code TEXT PRIMARY KEY REFERENCES provinces(code),
    male INTEGER NOT NULL,
    female INTEGER NOT NULL,
    total INTEGER NOT NULL,
    source TEXT NOT NULL
);

-- `regency_code` is a regency's code, or a province's for a province-level MPP
-- (DKI Jakarta's `31`), so it is checked by the service, not by a foreign key.
CREATE TABLE rollout_locations (
    id INTEGER PRIMARY KEY,
    regency_code TEXT NOT NULL,
    name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('main', 'branch')),
    mpp_id INTEGER REFERENCES mpps(id),
    district_code TEXT REFERENCES districts(code),
    address TEXT,
    latitude REAL,
    longitude REAL,
    building TEXT CHECK (building IN ('own', 'rented', 'mall_floor', 'partner')),
    floor_area_m2 INTEGER,
    funding TEXT CHECK (funding IN ('regional_budget', 'csr_partner', 'other')),
    funding_note TEXT,
    providers INTEGER,
    services INTEGER,
    digital BOOLEAN NOT NULL DEFAULT FALSE,
    note TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX rollout_locations_name ON rollout_locations (regency_code, name);
CREATE INDEX rollout_locations_mpp ON rollout_locations (mpp_id);

CREATE TABLE rollout_events (
    id INTEGER PRIMARY KEY,
    location_id INTEGER NOT NULL REFERENCES rollout_locations(id),
    stage TEXT NOT NULL CHECK (stage IN ('planned', 'location_decided', 'preparing', 'soft_launch', 'inaugurated', 'operating', 'relocated', 'closed')),
    date TEXT NOT NULL,
    date_precision TEXT NOT NULL CHECK (date_precision IN ('day', 'month', 'year')),
    target_year INTEGER,
    note TEXT,
    source_url TEXT,
    created_by INTEGER REFERENCES users(id),
    created_at TEXT NOT NULL
);
CREATE INDEX rollout_events_location ON rollout_events (location_id, date, id);
CREATE INDEX rollout_events_stage ON rollout_events (stage, date);

CREATE TABLE rollout_targets (
    year INTEGER PRIMARY KEY,
    regencies INTEGER NOT NULL CHECK (regencies BETWEEN 0 AND 514),
    note TEXT,
    updated_by INTEGER REFERENCES users(id),
    updated_at TEXT NOT NULL
);

CREATE TABLE rollout_reported (
    id INTEGER PRIMARY KEY,
    date TEXT NOT NULL,
    total INTEGER,
    in_batch INTEGER,
    source_url TEXT
);
CREATE INDEX rollout_reported_date ON rollout_reported (date);

CREATE TABLE rollout_proposals (
    id INTEGER PRIMARY KEY,
    regency_code TEXT NOT NULL,
    location_id INTEGER REFERENCES rollout_locations(id),
    kind TEXT NOT NULL CHECK (kind IN ('event', 'location')),
    payload TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'accepted', 'rejected')),
    note TEXT,
    proposed_by INTEGER NOT NULL REFERENCES users(id),
    decided_by INTEGER REFERENCES users(id),
    decided_at TEXT,
    decision_note TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX rollout_proposals_status ON rollout_proposals (status, id);
CREATE INDEX rollout_proposals_regency ON rollout_proposals (regency_code, id);

CREATE TABLE access_settings (
    regency_code TEXT PRIMARY KEY REFERENCES regencies(code),
    radius_km REAL NOT NULL,
    minutes INTEGER NOT NULL,
    detour REAL NOT NULL,
    speed_kmh REAL NOT NULL,
    updated_by INTEGER REFERENCES users(id),
    updated_at TEXT NOT NULL
);

CREATE TABLE district_population (
    district_code TEXT PRIMARY KEY REFERENCES districts(code),
    regency_code TEXT NOT NULL REFERENCES regencies(code),
    population INTEGER NOT NULL CHECK (population >= 0),
    year INTEGER,
    source TEXT,
    updated_by INTEGER REFERENCES users(id),
    updated_at TEXT NOT NULL
);
CREATE INDEX district_population_regency ON district_population (regency_code);

-- Where booked visitors are registered: the district of the NIK's first six
-- digits, counted per MPP and month. Counts only; never a person.
CREATE TABLE visitor_origins (
    mpp_id INTEGER NOT NULL REFERENCES mpps(id),
    month TEXT NOT NULL,
    district_code TEXT NOT NULL,
    visitors INTEGER NOT NULL,
    PRIMARY KEY (mpp_id, month, district_code)
);

-- Per service and local day: tickets issued (and of them checked-in bookings),
-- called, and how they ended; written in the transaction of each step.
CREATE TABLE queue_day_stats (
    service_id INTEGER NOT NULL REFERENCES services(id),
    day TEXT NOT NULL,
    mpp_id INTEGER NOT NULL REFERENCES mpps(id),
    issued INTEGER NOT NULL DEFAULT 0,
    from_booking INTEGER NOT NULL DEFAULT 0,
    called INTEGER NOT NULL DEFAULT 0,
    served INTEGER NOT NULL DEFAULT 0,
    not_served INTEGER NOT NULL DEFAULT 0,
    no_show INTEGER NOT NULL DEFAULT 0,
    cancelled INTEGER NOT NULL DEFAULT 0,
    -- Bookings for this day never checked in, and cancelled by their holders.
    booking_no_show INTEGER NOT NULL DEFAULT 0,
    booking_cancelled INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (service_id, day)
);
CREATE INDEX queue_day_stats_mpp ON queue_day_stats (mpp_id, day);
-- Partial months of the ministry's periods are read by day across MPPs.
CREATE INDEX queue_day_stats_day ON queue_day_stats (day);

-- Waiting (issue to first call) and service (start to finish) times as
-- histograms per service and day: percentiles for any period are a sum.
CREATE TABLE queue_time_hist (
    service_id INTEGER NOT NULL REFERENCES services(id),
    day TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('wait', 'service')),
    bucket INTEGER NOT NULL,
    mpp_id INTEGER NOT NULL REFERENCES mpps(id),
    n INTEGER NOT NULL,
    PRIMARY KEY (service_id, day, kind, bucket)
);
CREATE INDEX queue_time_hist_mpp ON queue_time_hist (mpp_id, day);
CREATE INDEX queue_time_hist_day ON queue_time_hist (day);

-- The same per MPP and month (the month's first day): the ministry's figures
-- for whole months read these, so a year is 12 rows per MPP, not a row per
-- service and day. Bumped beside the day rows in the same transaction.
CREATE TABLE queue_month_stats (
    mpp_id INTEGER NOT NULL REFERENCES mpps(id),
    month TEXT NOT NULL,
    issued INTEGER NOT NULL DEFAULT 0,
    from_booking INTEGER NOT NULL DEFAULT 0,
    called INTEGER NOT NULL DEFAULT 0,
    served INTEGER NOT NULL DEFAULT 0,
    not_served INTEGER NOT NULL DEFAULT 0,
    no_show INTEGER NOT NULL DEFAULT 0,
    cancelled INTEGER NOT NULL DEFAULT 0,
    booking_no_show INTEGER NOT NULL DEFAULT 0,
    booking_cancelled INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (mpp_id, month)
);

CREATE TABLE queue_month_hist (
    mpp_id INTEGER NOT NULL REFERENCES mpps(id),
    month TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('wait', 'service')),
    bucket INTEGER NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (mpp_id, month, kind, bucket)
);

-- Complaint deadlines met, per MPP and month of the step.
CREATE TABLE complaint_month_stats (
    mpp_id INTEGER NOT NULL REFERENCES mpps(id),
    month TEXT NOT NULL,
    received INTEGER NOT NULL DEFAULT 0,
    verified INTEGER NOT NULL DEFAULT 0,
    verified_on_time INTEGER NOT NULL DEFAULT 0,
    answered INTEGER NOT NULL DEFAULT 0,
    answered_on_time INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (mpp_id, month)
);

-- Whether a service's standard has all 14 components (the ministry counts them);
-- NULL for services saved before this column, filled in once at start-up.
ALTER TABLE services ADD COLUMN standard_complete BOOLEAN;

-- Bookings of a day across MPPs (the ministry's summary reads slots by day).
CREATE INDEX slots_day ON slots (day, mpp_id);
