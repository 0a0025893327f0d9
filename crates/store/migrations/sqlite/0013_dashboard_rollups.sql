-- Rollups behind the manager's dashboard, bumped in the transaction of the step
-- they count (as the others are): tickets issued per local day and hour (the
-- hour × weekday heatmap), and waiting and service times per counter and officer.
CREATE TABLE queue_hour_stats (
    mpp_id INTEGER NOT NULL REFERENCES mpps(id),
    day TEXT NOT NULL,
    hour INTEGER NOT NULL CHECK (hour BETWEEN 0 AND 23),
    issued INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (mpp_id, day, hour)
);

CREATE TABLE queue_staff_hist (
    mpp_id INTEGER NOT NULL REFERENCES mpps(id),
    day TEXT NOT NULL,
    counter_id INTEGER NOT NULL REFERENCES counters(id),
    officer_id INTEGER NOT NULL REFERENCES users(id),
    kind TEXT NOT NULL CHECK (kind IN ('wait', 'service')),
    bucket INTEGER NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (mpp_id, day, counter_id, officer_id, kind, bucket)
);
