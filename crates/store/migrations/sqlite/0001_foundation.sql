-- Foundation: national registry, MPPs, providers, counters, services, holidays,
-- accounts, sessions, API tokens and the audit log.
-- Instants are stored in UTC (TEXT, RFC 3339 via sqlx/chrono); local dates as TEXT YYYY-MM-DD.

CREATE TABLE provinces (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL
);

CREATE TABLE regencies (
    code TEXT PRIMARY KEY,
    province_code TEXT NOT NULL REFERENCES provinces(code),
    name TEXT NOT NULL
);
CREATE INDEX regencies_province ON regencies(province_code);

CREATE TABLE districts (
    code TEXT PRIMARY KEY,
    regency_code TEXT NOT NULL REFERENCES regencies(code),
    name TEXT NOT NULL
);
CREATE INDEX districts_regency ON districts(regency_code);

CREATE TABLE mpps (
    id INTEGER PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    nickname TEXT,
    regency_code TEXT NOT NULL REFERENCES regencies(code),
    district_code TEXT REFERENCES districts(code),
    address TEXT NOT NULL,
    latitude REAL,
    longitude REAL,
    time_zone TEXT NOT NULL,
    hours TEXT NOT NULL,
    phone TEXT,
    email TEXT,
    website TEXT,
    status TEXT NOT NULL CHECK (status IN ('planned', 'operating', 'closed')),
    opened_on TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX mpps_regency ON mpps(regency_code);

CREATE TABLE agencies (
    id INTEGER PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    name_en TEXT,
    kind TEXT NOT NULL,
    website TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE providers (
    id INTEGER PRIMARY KEY,
    mpp_id INTEGER NOT NULL REFERENCES mpps(id),
    agency_id INTEGER REFERENCES agencies(id),
    slug TEXT NOT NULL,
    name TEXT NOT NULL,
    name_en TEXT,
    kind TEXT NOT NULL,
    booth TEXT,
    zone TEXT,
    queue_prefix TEXT NOT NULL,
    phone TEXT,
    email TEXT,
    maklumat TEXT,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CONSTRAINT providers_mpp_slug UNIQUE (mpp_id, slug),
    CONSTRAINT providers_mpp_queue_prefix UNIQUE (mpp_id, queue_prefix)
);
CREATE INDEX providers_agency ON providers(agency_id);

CREATE TABLE counters (
    id INTEGER PRIMARY KEY,
    mpp_id INTEGER NOT NULL REFERENCES mpps(id),
    provider_id INTEGER NOT NULL REFERENCES providers(id),
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CONSTRAINT counters_mpp_code UNIQUE (mpp_id, code)
);
CREATE INDEX counters_provider ON counters(provider_id);

-- Incremented on every catalogue write so search indexes on any node can catch up.
CREATE TABLE catalog_rev (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    rev INTEGER NOT NULL
);
INSERT INTO catalog_rev (id, rev) VALUES (1, 0);

CREATE TABLE services (
    id INTEGER PRIMARY KEY,
    mpp_id INTEGER NOT NULL REFERENCES mpps(id),
    provider_id INTEGER NOT NULL REFERENCES providers(id),
    code TEXT NOT NULL,
    category TEXT NOT NULL,
    name TEXT NOT NULL,
    name_en TEXT,
    summary TEXT,
    summary_en TEXT,
    bookable BOOLEAN NOT NULL DEFAULT FALSE,
    status TEXT NOT NULL CHECK (status IN ('draft', 'published', 'archived')),
    standard TEXT NOT NULL,
    published_at TEXT,
    rev INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CONSTRAINT services_mpp_code UNIQUE (mpp_id, code)
);
CREATE INDEX services_provider ON services(provider_id);
CREATE INDEX services_rev ON services(rev);

CREATE TABLE holidays (
    id INTEGER PRIMARY KEY,
    mpp_id INTEGER REFERENCES mpps(id),
    date TEXT NOT NULL,
    name TEXT NOT NULL,
    name_en TEXT,
    kind TEXT NOT NULL CHECK (kind IN ('national', 'cuti_bersama', 'local')),
    created_at TEXT NOT NULL
);
CREATE UNIQUE INDEX holidays_scope_date ON holidays (COALESCE(mpp_id, 0), date);
CREATE INDEX holidays_date ON holidays(date);

CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL,
    mpp_id INTEGER REFERENCES mpps(id),
    provider_id INTEGER REFERENCES providers(id),
    active BOOLEAN NOT NULL DEFAULT TRUE,
    must_change_password BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    last_login_at TEXT
);
CREATE INDEX users_mpp ON users(mpp_id);

CREATE TABLE sessions (
    id TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    ip TEXT,
    user_agent TEXT
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id),
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    prefix TEXT NOT NULL,
    created_by INTEGER REFERENCES users(id),
    created_at TEXT NOT NULL,
    last_used_at TEXT,
    revoked_at TEXT
);
CREATE INDEX api_tokens_user ON api_tokens(user_id);

CREATE TABLE login_failures (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX login_failures_key_at ON login_failures(key, at);

CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor_user_id INTEGER,
    actor_email TEXT,
    mpp_id INTEGER,
    entity TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    action TEXT NOT NULL,
    before TEXT,
    after TEXT,
    ip TEXT
);
CREATE INDEX audit_log_mpp_at ON audit_log(mpp_id, at);
CREATE INDEX audit_log_entity ON audit_log(entity, entity_id);
