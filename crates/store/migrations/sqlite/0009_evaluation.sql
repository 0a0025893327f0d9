-- The yearly MPP evaluation. An instrument holds its aspects (with weights,
-- indicators, rubrics, evidence rules and platform rules) and its predicate
-- bands as JSON: it is read and edited as a whole, and frozen (never changed
-- again) once a cycle uses it. A copy records what it was cloned from.
CREATE TABLE eval_instruments (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    based_on INTEGER REFERENCES eval_instruments(id),
    aspects TEXT NOT NULL,
    predicates TEXT NOT NULL,
    frozen BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- A cycle evaluates chosen MPPs for a year with one (then frozen) instrument.
CREATE TABLE eval_cycles (
    id INTEGER PRIMARY KEY,
    year INTEGER NOT NULL,
    instrument_id INTEGER NOT NULL REFERENCES eval_instruments(id),
    self_deadline TEXT NOT NULL,
    verify_deadline TEXT NOT NULL,
    opened_by INTEGER REFERENCES users(id),
    opened_at TEXT NOT NULL,
    CONSTRAINT eval_cycles_year UNIQUE (year)
);

-- One MPP's assessment in a cycle. Its status moves only by conditional
-- updates: draft → submitted → (returned once → submitted) → finalised.
CREATE TABLE eval_assessments (
    id INTEGER PRIMARY KEY,
    cycle_id INTEGER NOT NULL REFERENCES eval_cycles(id),
    mpp_id INTEGER NOT NULL REFERENCES mpps(id),
    evaluator_id INTEGER REFERENCES users(id),
    status TEXT NOT NULL CHECK (status IN ('draft', 'submitted', 'returned', 'finalised')),
    returns INTEGER NOT NULL DEFAULT 0 CHECK (returns <= 1),
    return_note TEXT,
    return_keys TEXT,
    submitted_at TEXT,
    late BOOLEAN NOT NULL DEFAULT FALSE,
    finalised_at TEXT,
    finalised_by INTEGER REFERENCES users(id),
    index_hundredths INTEGER,
    predicate TEXT,
    updated_at TEXT NOT NULL,
    CONSTRAINT eval_assessments_mpp UNIQUE (cycle_id, mpp_id)
);
CREATE INDEX eval_assessments_evaluator ON eval_assessments (evaluator_id);

-- The manager's score and narrative per indicator, and the evaluator's accepted score and note.
CREATE TABLE eval_scores (
    assessment_id INTEGER NOT NULL REFERENCES eval_assessments(id),
    indicator_key TEXT NOT NULL,
    self_score INTEGER CHECK (self_score BETWEEN 0 AND 5),
    narrative TEXT,
    accepted_score INTEGER CHECK (accepted_score BETWEEN 0 AND 5),
    note TEXT,
    PRIMARY KEY (assessment_id, indicator_key)
);
