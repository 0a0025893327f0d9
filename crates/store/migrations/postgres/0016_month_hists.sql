-- Month rollups of the waiting and service time histograms per service and per
-- counter and officer, bumped with the day ones: a year of the manager's
-- dashboard reads twelve months of cells instead of 365 days of them.
CREATE TABLE queue_month_service_hist (
    service_id BIGINT NOT NULL REFERENCES services(id),
    month DATE NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('wait', 'service')),
    bucket BIGINT NOT NULL,
    mpp_id BIGINT NOT NULL REFERENCES mpps(id),
    n BIGINT NOT NULL,
    PRIMARY KEY (service_id, month, kind, bucket)
);
CREATE INDEX queue_month_service_hist_mpp ON queue_month_service_hist (mpp_id, month);

CREATE TABLE queue_month_staff_hist (
    mpp_id BIGINT NOT NULL REFERENCES mpps(id),
    month DATE NOT NULL,
    counter_id BIGINT NOT NULL REFERENCES counters(id),
    officer_id BIGINT NOT NULL REFERENCES users(id),
    kind TEXT NOT NULL CHECK (kind IN ('wait', 'service')),
    bucket BIGINT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (mpp_id, month, counter_id, officer_id, kind, bucket)
);

INSERT INTO queue_month_service_hist (service_id, month, kind, bucket, mpp_id, n)
SELECT service_id, date_trunc('month', day)::date, kind, bucket, MIN(mpp_id), SUM(n)
FROM queue_time_hist GROUP BY service_id, date_trunc('month', day)::date, kind, bucket;

INSERT INTO queue_month_staff_hist (mpp_id, month, counter_id, officer_id, kind, bucket, n)
SELECT mpp_id, date_trunc('month', day)::date, counter_id, officer_id, kind, bucket, SUM(n)
FROM queue_staff_hist GROUP BY mpp_id, date_trunc('month', day)::date, counter_id, officer_id, kind, bucket;
