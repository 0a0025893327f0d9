-- The evaluation's evidence, results and incentives. Evidence files are kept
-- like complaint attachments: type checked by their bytes, a size, a hash.
CREATE TABLE eval_evidence (
    id INTEGER PRIMARY KEY,
    assessment_id INTEGER NOT NULL REFERENCES eval_assessments(id),
    indicator_key TEXT NOT NULL,
    filename TEXT NOT NULL,
    content_type TEXT NOT NULL CHECK (content_type IN ('image/jpeg', 'image/png', 'image/webp', 'application/pdf')),
    size INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    data BLOB NOT NULL,
    uploaded_by INTEGER REFERENCES users(id),
    created_at TEXT NOT NULL
);
CREATE INDEX eval_evidence_assessment ON eval_evidence (assessment_id, indicator_key, id);

-- The platform's figures an assessment was finalised with (JSON), kept so the
-- report card shows what the rules read, not today's numbers.
ALTER TABLE eval_assessments ADD COLUMN objective TEXT;

-- Results are public once the national admin publishes the cycle.
ALTER TABLE eval_cycles ADD COLUMN published_at TEXT;
ALTER TABLE eval_cycles ADD COLUMN published_by INTEGER REFERENCES users(id);

-- The incentive rule of a cycle (JSON) and, once signed off, the list it
-- gave (JSON, frozen: never written again).
CREATE TABLE eval_incentives (
    cycle_id INTEGER PRIMARY KEY REFERENCES eval_cycles(id),
    rule TEXT NOT NULL,
    signed_list TEXT,
    signed_at TEXT,
    signed_by INTEGER REFERENCES users(id),
    updated_at TEXT NOT NULL
);
