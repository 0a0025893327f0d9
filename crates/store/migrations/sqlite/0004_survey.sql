-- The satisfaction survey (SKM): one-time codes for applications finished later,
-- responses (one per finished ticket or code), a per-service daily rollup of
-- people served and survey sums that makes IKM for any period a small sum,
-- and follow-up items for suggestions that need action.

CREATE TABLE survey_codes (
    id INTEGER PRIMARY KEY,
    mpp_id INTEGER NOT NULL REFERENCES mpps(id),
    provider_id INTEGER NOT NULL REFERENCES providers(id),
    service_id INTEGER NOT NULL REFERENCES services(id),
    code TEXT NOT NULL UNIQUE,
    note TEXT,
    created_by INTEGER REFERENCES users(id),
    created_at TEXT NOT NULL,
    used_at TEXT
);
CREATE INDEX survey_codes_mpp ON survey_codes (mpp_id, id);

CREATE TABLE survey_responses (
    id INTEGER PRIMARY KEY,
    mpp_id INTEGER NOT NULL REFERENCES mpps(id),
    provider_id INTEGER NOT NULL REFERENCES providers(id),
    service_id INTEGER NOT NULL REFERENCES services(id),
    day TEXT NOT NULL,
    channel TEXT NOT NULL CHECK (channel IN ('ticket', 'code', 'tablet', 'paper')),
    ticket_id INTEGER REFERENCES tickets(id),
    code_id INTEGER REFERENCES survey_codes(id),
    u1 INTEGER NOT NULL CHECK (u1 BETWEEN 1 AND 4),
    u2 INTEGER NOT NULL CHECK (u2 BETWEEN 1 AND 4),
    u3 INTEGER NOT NULL CHECK (u3 BETWEEN 1 AND 4),
    u4 INTEGER NOT NULL CHECK (u4 BETWEEN 1 AND 4),
    u5 INTEGER NOT NULL CHECK (u5 BETWEEN 1 AND 4),
    u6 INTEGER NOT NULL CHECK (u6 BETWEEN 1 AND 4),
    u7 INTEGER NOT NULL CHECK (u7 BETWEEN 1 AND 4),
    u8 INTEGER NOT NULL CHECK (u8 BETWEEN 1 AND 4),
    u9 INTEGER NOT NULL CHECK (u9 BETWEEN 1 AND 4),
    suggestion TEXT,
    sex TEXT,
    age_band TEXT,
    education TEXT,
    occupation TEXT,
    entered_by INTEGER REFERENCES users(id),
    created_at TEXT NOT NULL
);
CREATE UNIQUE INDEX survey_one_per_ticket ON survey_responses (ticket_id) WHERE ticket_id IS NOT NULL;
CREATE UNIQUE INDEX survey_one_per_code ON survey_responses (code_id) WHERE code_id IS NOT NULL;
CREATE INDEX survey_responses_mpp_day ON survey_responses (mpp_id, day);
CREATE INDEX survey_suggestions ON survey_responses (mpp_id, id) WHERE suggestion IS NOT NULL;

CREATE TABLE service_day_stats (
    service_id INTEGER NOT NULL REFERENCES services(id),
    day TEXT NOT NULL,
    mpp_id INTEGER NOT NULL REFERENCES mpps(id),
    provider_id INTEGER NOT NULL REFERENCES providers(id),
    served INTEGER NOT NULL DEFAULT 0,
    responses INTEGER NOT NULL DEFAULT 0,
    s1 INTEGER NOT NULL DEFAULT 0,
    s2 INTEGER NOT NULL DEFAULT 0,
    s3 INTEGER NOT NULL DEFAULT 0,
    s4 INTEGER NOT NULL DEFAULT 0,
    s5 INTEGER NOT NULL DEFAULT 0,
    s6 INTEGER NOT NULL DEFAULT 0,
    s7 INTEGER NOT NULL DEFAULT 0,
    s8 INTEGER NOT NULL DEFAULT 0,
    s9 INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (service_id, day)
);
CREATE INDEX service_day_stats_mpp ON service_day_stats (mpp_id, day);
CREATE INDEX service_day_stats_day ON service_day_stats (day);

INSERT INTO service_day_stats (service_id, day, mpp_id, provider_id, served)
    SELECT service_id, day, mpp_id, provider_id, COUNT(*) FROM tickets WHERE outcome = 'served'
    GROUP BY service_id, day, mpp_id, provider_id;

CREATE TABLE followups (
    id INTEGER PRIMARY KEY,
    mpp_id INTEGER NOT NULL REFERENCES mpps(id),
    provider_id INTEGER REFERENCES providers(id),
    response_id INTEGER REFERENCES survey_responses(id),
    title TEXT NOT NULL,
    note TEXT,
    owner_id INTEGER REFERENCES users(id),
    status TEXT NOT NULL CHECK (status IN ('open', 'in_progress', 'done')),
    created_by INTEGER REFERENCES users(id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX followups_mpp ON followups (mpp_id, status);
