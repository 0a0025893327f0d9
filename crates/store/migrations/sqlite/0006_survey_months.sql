-- A monthly rollup beside the daily one: a year of an MPP is 12 rows per
-- service instead of 365, so an IKM for a quarter, semester or year reads full
-- months here and only the days of partial months from service_day_stats.
-- Both are upserted in the transaction that changes them.

CREATE TABLE service_month_stats (
    service_id INTEGER NOT NULL REFERENCES services(id),
    month TEXT NOT NULL,
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
    PRIMARY KEY (service_id, month)
);
CREATE INDEX service_month_stats_mpp ON service_month_stats (mpp_id, month);
CREATE INDEX service_month_stats_provider ON service_month_stats (provider_id, month);
CREATE INDEX service_month_stats_month ON service_month_stats (month);
CREATE INDEX service_day_stats_provider ON service_day_stats (provider_id, day);

INSERT INTO service_month_stats (service_id, month, mpp_id, provider_id, served, responses, s1, s2, s3, s4, s5, s6, s7, s8, s9)
    SELECT service_id, date(day, 'start of month'), MIN(mpp_id), MIN(provider_id), SUM(served), SUM(responses),
        SUM(s1), SUM(s2), SUM(s3), SUM(s4), SUM(s5), SUM(s6), SUM(s7), SUM(s8), SUM(s9)
    FROM service_day_stats GROUP BY service_id, date(day, 'start of month');
