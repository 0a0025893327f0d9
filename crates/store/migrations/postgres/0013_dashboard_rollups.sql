-- Rollups behind the manager's dashboard, bumped in the transaction of the step
-- they count (as the others are): tickets issued per local day and hour (the
-- hour × weekday heatmap), and waiting and service times per counter and officer.
CREATE TABLE queue_hour_stats (
    mpp_id BIGINT NOT NULL REFERENCES mpps(id),
    day DATE NOT NULL,
    hour BIGINT NOT NULL CHECK (hour BETWEEN 0 AND 23),
    issued BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (mpp_id, day, hour)
);

CREATE TABLE queue_staff_hist (
    mpp_id BIGINT NOT NULL REFERENCES mpps(id),
    day DATE NOT NULL,
    counter_id BIGINT NOT NULL REFERENCES counters(id),
    officer_id BIGINT NOT NULL REFERENCES users(id),
    kind TEXT NOT NULL CHECK (kind IN ('wait', 'service')),
    bucket BIGINT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (mpp_id, day, counter_id, officer_id, kind, bucket)
);
