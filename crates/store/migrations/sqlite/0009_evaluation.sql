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
