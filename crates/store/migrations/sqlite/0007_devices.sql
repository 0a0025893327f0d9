-- Devices an MPP runs unattended (kiosks, display boards, survey tablets). A
-- manager registers one and gets a one-time pairing code; typed on the device,
-- it is exchanged for the device's own credential. Only hashes are kept.

CREATE TABLE devices (
    id INTEGER PRIMARY KEY,
    mpp_id INTEGER NOT NULL REFERENCES mpps(id),
    kind TEXT NOT NULL CHECK (kind IN ('kiosk', 'board', 'tablet')),
    name TEXT NOT NULL,
    counter_id INTEGER REFERENCES counters(id),
    zone TEXT,
    pairing_hash TEXT,
    pairing_expires_at TEXT,
    credential_hash TEXT,
    paired_at TEXT,
    last_seen_at TEXT,
    last_ip TEXT,
    revoked_at TEXT,
    created_by INTEGER REFERENCES users(id),
    created_at TEXT NOT NULL
);
CREATE INDEX devices_mpp ON devices (mpp_id, id);
CREATE UNIQUE INDEX devices_pairing ON devices (pairing_hash) WHERE pairing_hash IS NOT NULL;
CREATE UNIQUE INDEX devices_credential ON devices (credential_hash) WHERE credential_hash IS NOT NULL;
