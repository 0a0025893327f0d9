-- Month rollups of the waiting and service time histograms per service and per
-- counter and officer, bumped with the day ones: a year of the manager's
-- dashboard reads twelve months of cells instead of 365 days of them.
CREATE TABLE queue_month_service_hist (
    service_id INTEGER NOT NULL REFERENCES services(id),
    month TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('wait', 'service')),
    bucket INTEGER NOT NULL,
    mpp_id INTEGER NOT NULL REFERENCES mpps(id),
    n INTEGER NOT NULL,
    PRIMARY KEY (service_id, month, kind, bucket)
);
CREATE INDEX queue_month_service_hist_mpp ON queue_month_service_hist (mpp_id, month);

CREATE TABLE queue_month_staff_hist (
    mpp_id INTEGER NOT NULL REFERENCES mpps(id),
    month TEXT NOT NULL,
    counter_id INTEGER NOT NULL REFERENCES counters(id),
    officer_id INTEGER NOT NULL REFERENCES users(id),
    kind TEXT NOT NULL CHECK (kind IN ('wait', 'service')),
    bucket INTEGER NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (mpp_id, month, counter_id, officer_id, kind, bucket)
);

INSERT INTO queue_month_service_hist (service_id, month, kind, bucket, mpp_id, n)
SELECT service_id, substr(day, 1, 8) || '01', kind, bucket, MIN(mpp_id), SUM(n)
FROM queue_time_hist WHERE true GROUP BY service_id, substr(day, 1, 8) || '01', kind, bucket;

INSERT INTO queue_month_staff_hist (mpp_id, month, counter_id, officer_id, kind, bucket, n)
SELECT mpp_id, substr(day, 1, 8) || '01', counter_id, officer_id, kind, bucket, SUM(n)
FROM queue_staff_hist WHERE true GROUP BY mpp_id, substr(day, 1, 8) || '01', counter_id, officer_id, kind, bucket;
