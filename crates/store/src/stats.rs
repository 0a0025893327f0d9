//! Rollups behind the dashboards: per service and day, tickets issued, called
//! and how they ended, with histograms of waiting and service times; per MPP
//! and month, complaint deadlines met. Each is bumped in the transaction of the
//! step it counts, so the figures always equal the raw rows, and any period is
//! a sum over days (or months) instead of a scan of tickets.

use chrono::NaiveDate;
use serde::Serialize;

use crate::{Engine, Result, Tx, on_conn};

/// Upper edges (minutes) of the time histogram's buckets; the last bucket is open.
pub const BUCKET_EDGES: [f64; 23] = [
    1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0, 12.0, 15.0, 20.0, 25.0, 30.0, 40.0, 50.0, 60.0, 75.0, 90.0, 120.0, 150.0,
    180.0, 240.0, 360.0,
];

/// The bucket a duration in minutes falls in.
pub fn bucket_of(minutes: f64) -> i64 {
    BUCKET_EDGES.iter().position(|e| minutes < *e).unwrap_or(BUCKET_EDGES.len()) as i64
}

/// A counter of `queue_day_stats`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueueCount {
    Issued,
    FromBooking,
    Called,
    Served,
    NotServed,
    NoShow,
    Cancelled,
    /// A booking whose day passed without a check-in.
    BookingNoShow,
    /// A booking its holder cancelled (counted on the visit's day).
    BookingCancelled,
}

impl QueueCount {
    fn column(self) -> &'static str {
        match self {
            QueueCount::Issued => "issued",
            QueueCount::FromBooking => "from_booking",
            QueueCount::Called => "called",
            QueueCount::Served => "served",
            QueueCount::NotServed => "not_served",
            QueueCount::NoShow => "no_show",
            QueueCount::Cancelled => "cancelled",
            QueueCount::BookingNoShow => "booking_no_show",
            QueueCount::BookingCancelled => "booking_cancelled",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeKind {
    Wait,
    Service,
}

impl TimeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            TimeKind::Wait => "wait",
            TimeKind::Service => "service",
        }
    }
}

/// One MPP's queue figures for a period.
#[derive(Debug, Clone, Default, Serialize, sqlx::FromRow)]
pub struct QueueTotals {
    pub mpp_id: i64,
    pub issued: i64,
    pub from_booking: i64,
    pub called: i64,
    pub served: i64,
    pub not_served: i64,
    pub no_show: i64,
    pub cancelled: i64,
    pub booking_no_show: i64,
    pub booking_cancelled: i64,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct HistRow {
    pub mpp_id: i64,
    pub kind: String,
    pub bucket: i64,
    pub n: i64,
}

#[derive(Debug, Clone, Default, Serialize, sqlx::FromRow)]
pub struct ComplaintTotals {
    pub mpp_id: i64,
    pub received: i64,
    pub verified: i64,
    pub verified_on_time: i64,
    pub answered: i64,
    pub answered_on_time: i64,
}

/// One service's day of queue figures (for [`Tx::add_queue_history`]).
#[derive(Debug, Clone)]
pub struct QueueTotalsOfDay {
    pub service_id: i64,
    pub day: NaiveDate,
    pub t: QueueTotals,
}

/// A histogram cell (for [`Tx::add_queue_history`]).
#[derive(Debug, Clone)]
pub struct TimeCell {
    pub service_id: i64,
    pub mpp_id: i64,
    pub day: NaiveDate,
    pub kind: TimeKind,
    pub bucket: i64,
    pub n: i64,
}

#[derive(Debug, Clone, Default, Serialize, sqlx::FromRow)]
pub struct DayBookings {
    pub mpp_id: i64,
    pub booked: i64,
    pub capacity: i64,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct MonthIssued {
    pub mpp_id: i64,
    pub month: String,
    pub issued: i64,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct CatalogueCounts {
    pub mpp_id: i64,
    pub providers: i64,
    pub published: i64,
    /// Published services whose standard has all 14 components.
    pub complete: i64,
    pub bookable: i64,
}

const QUEUE_COLUMNS: [&str; 9] = [
    "issued",
    "from_booking",
    "called",
    "served",
    "not_served",
    "no_show",
    "cancelled",
    "booking_no_show",
    "booking_cancelled",
];

impl QueueTotals {
    pub fn add(&mut self, o: &QueueTotals) {
        self.issued += o.issued;
        self.from_booking += o.from_booking;
        self.called += o.called;
        self.served += o.served;
        self.not_served += o.not_served;
        self.no_show += o.no_show;
        self.cancelled += o.cancelled;
        self.booking_no_show += o.booking_no_show;
        self.booking_cancelled += o.booking_cancelled;
    }
}

/// An inclusive pair of days.
pub type DayRange = (NaiveDate, NaiveDate);

/// `from..=to` as the whole months inside it (first days of the first and last
/// whole month) and the day ranges of the partial months at either end.
pub fn month_split(from: NaiveDate, to: NaiveDate) -> (Option<DayRange>, Vec<DayRange>) {
    use chrono::{Datelike, Months};
    if from > to {
        return (None, Vec::new());
    }
    let next = |m: NaiveDate| m.checked_add_months(Months::new(1)).unwrap_or(m);
    let first = if from.day() == 1 { from } else { next(month_of(from)) };
    let end_month = month_of(to);
    // The last whole month: `to`'s month when `to` is its last day.
    let last = if next(end_month).pred_opt() == Some(to) {
        Some(end_month)
    } else {
        end_month.checked_sub_months(Months::new(1))
    };
    match last.filter(|l| *l >= first) {
        Some(last) => {
            let mut partial = Vec::new();
            if from < first {
                partial.push((from, first.pred_opt().unwrap_or(first)));
            }
            let after = next(last);
            if after <= to {
                partial.push((after, to));
            }
            (Some((first, last)), partial)
        }
        None => (None, vec![(from, to)]),
    }
}

/// A histogram cell that sums with the cells of the same key.
pub trait HistCell: Send + Unpin {
    type Key: Ord;
    fn key(&self) -> Self::Key;
    fn n_mut(&mut self) -> &mut i64;
}

impl HistCell for HistRow {
    type Key = (i64, String, i64);
    fn key(&self) -> Self::Key {
        (self.mpp_id, self.kind.clone(), self.bucket)
    }
    fn n_mut(&mut self) -> &mut i64 {
        &mut self.n
    }
}

impl HistCell for ServiceHistRow {
    type Key = (i64, String, i64);
    fn key(&self) -> Self::Key {
        (self.service_id, self.kind.clone(), self.bucket)
    }
    fn n_mut(&mut self) -> &mut i64 {
        &mut self.n
    }
}

impl HistCell for StaffHistRow {
    type Key = (i64, i64, String, i64);
    fn key(&self) -> Self::Key {
        (self.counter_id, self.officer_id, self.kind.clone(), self.bucket)
    }
    fn n_mut(&mut self) -> &mut i64 {
        &mut self.n
    }
}

impl Tx {
    /// Histogram cells for the days `from..=to`: whole months from `month_sql` (over a
    /// month rollup), the days at the ends from `day_sql` (over the day table), summed by
    /// key. Both queries take the period as their last two parameters, after `mpp_id`
    /// when one is given.
    async fn hist_over_months<R>(
        &mut self,
        mpp_id: Option<i64>,
        from: NaiveDate,
        to: NaiveDate,
        month_sql: &'static str,
        day_sql: &'static str,
    ) -> Result<Vec<R>>
    where
        R: HistCell
            + for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow>
            + for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow>,
    {
        let (whole, partial) = month_split(from, to);
        let spans = whole.map(|w| (month_sql, w)).into_iter().chain(partial.into_iter().map(|p| (day_sql, p)));
        let mut cells: std::collections::BTreeMap<R::Key, R> = Default::default();
        for (sql, (a, b)) in spans {
            let rows: Vec<R> = on_conn!(self, |c| {
                let q = sqlx::query_as(sql);
                let q = match mpp_id {
                    Some(m) => q.bind(m),
                    None => q,
                };
                q.bind(a).bind(b).fetch_all(c).await
            })?;
            for mut r in rows {
                match cells.entry(r.key()) {
                    std::collections::btree_map::Entry::Occupied(mut e) => *e.get_mut().n_mut() += *r.n_mut(),
                    std::collections::btree_map::Entry::Vacant(e) => {
                        e.insert(r);
                    }
                }
            }
        }
        Ok(cells.into_values().collect())
    }
}

fn sum(col: &str) -> String {
    format!("CAST(COALESCE(SUM({col}), 0) AS BIGINT) AS {col}")
}

impl Tx {
    /// Add `n` to one counter of a service's day.
    pub async fn bump_queue_day(
        &mut self,
        service_id: i64,
        mpp_id: i64,
        day: NaiveDate,
        what: QueueCount,
        n: i64,
    ) -> Result<()> {
        let col = what.column();
        let sql = sqlx::AssertSqlSafe(format!(
            "INSERT INTO queue_day_stats (service_id, day, mpp_id, {col}) VALUES ($1, $2, $3, $4)
             ON CONFLICT (service_id, day) DO UPDATE SET {col} = queue_day_stats.{col} + $4"
        ));
        on_conn!(self, |c| sqlx::query(sql)
            .bind(service_id)
            .bind(day)
            .bind(mpp_id)
            .bind(n)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
        let sql = sqlx::AssertSqlSafe(format!(
            "INSERT INTO queue_month_stats (mpp_id, month, {col}) VALUES ($1, $2, $3)
             ON CONFLICT (mpp_id, month) DO UPDATE SET {col} = queue_month_stats.{col} + $3"
        ));
        on_conn!(self, |c| sqlx::query(sql)
            .bind(mpp_id)
            .bind(month_of(day))
            .bind(n)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// Count one waiting or service time in its bucket.
    pub async fn add_queue_time(
        &mut self,
        service_id: i64,
        mpp_id: i64,
        day: NaiveDate,
        kind: TimeKind,
        minutes: f64,
    ) -> Result<()> {
        on_conn!(self, |c| sqlx::query(
            "INSERT INTO queue_time_hist (service_id, day, kind, bucket, mpp_id, n) VALUES ($1, $2, $3, $4, $5, 1)
             ON CONFLICT (service_id, day, kind, bucket) DO UPDATE SET n = queue_time_hist.n + 1"
        )
        .bind(service_id)
        .bind(day)
        .bind(kind.as_str())
        .bind(bucket_of(minutes))
        .bind(mpp_id)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
        on_conn!(self, |c| sqlx::query(
            "INSERT INTO queue_month_hist (mpp_id, month, kind, bucket, n) VALUES ($1, $2, $3, $4, 1)
             ON CONFLICT (mpp_id, month, kind, bucket) DO UPDATE SET n = queue_month_hist.n + 1"
        )
        .bind(mpp_id)
        .bind(month_of(day))
        .bind(kind.as_str())
        .bind(bucket_of(minutes))
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
        on_conn!(self, |c| {
            sqlx::query(
            "INSERT INTO queue_month_service_hist (service_id, month, kind, bucket, mpp_id, n) VALUES ($1, $2, $3, $4, $5, 1)
             ON CONFLICT (service_id, month, kind, bucket) DO UPDATE SET n = queue_month_service_hist.n + 1"
        )
        .bind(service_id)
        .bind(month_of(day))
        .bind(kind.as_str())
        .bind(bucket_of(minutes))
        .bind(mpp_id)
        .execute(c)
        .await
        .map(|r| r.rows_affected())
        })?;
        Ok(())
    }

    /// Count a verification (`answer` false) or an answer, on time or late, in its month.
    pub async fn count_complaint_deadline(
        &mut self,
        mpp_id: i64,
        month: NaiveDate,
        answer: bool,
        on_time: bool,
    ) -> Result<()> {
        let (all, ok) = if answer { ("answered", "answered_on_time") } else { ("verified", "verified_on_time") };
        let sql = sqlx::AssertSqlSafe(format!(
            "INSERT INTO complaint_month_stats (mpp_id, month, {all}, {ok}) VALUES ($1, $2, 1, $3)
             ON CONFLICT (mpp_id, month) DO UPDATE SET {all} = complaint_month_stats.{all} + 1,
                {ok} = complaint_month_stats.{ok} + $3"
        ));
        on_conn!(self, |c| sqlx::query(sql)
            .bind(mpp_id)
            .bind(month)
            .bind(i64::from(on_time))
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// Count one report filed, in its month.
    pub async fn count_complaint_received(&mut self, mpp_id: i64, month: NaiveDate) -> Result<()> {
        on_conn!(self, |c| sqlx::query(
            "INSERT INTO complaint_month_stats (mpp_id, month, received) VALUES ($1, $2, 1)
             ON CONFLICT (mpp_id, month) DO UPDATE SET received = complaint_month_stats.received + 1"
        )
        .bind(mpp_id)
        .bind(month)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// Seats booked and offered per MPP on one day (from the slots, which hold the counts).
    pub async fn bookings_on(&mut self, day: NaiveDate) -> Result<Vec<DayBookings>> {
        Ok(on_conn!(self, |c| sqlx::query_as(
            "SELECT mpp_id, CAST(SUM(booked) AS BIGINT) AS booked, CAST(SUM(capacity) AS BIGINT) AS capacity
             FROM slots WHERE day = $1 GROUP BY mpp_id ORDER BY mpp_id"
        )
        .bind(day)
        .fetch_all(c)
        .await)?)
    }

    /// Add whole days of history at once (the demo's past): one row per service
    /// and day with every counter, and histogram cells `(service, day, kind, bucket, n)`.
    pub async fn add_queue_history(&mut self, days: &[QueueTotalsOfDay], times: &[TimeCell]) -> Result<()> {
        // The month rows: the same counts summed per MPP and month.
        let mut months: std::collections::BTreeMap<(i64, NaiveDate), QueueTotals> = Default::default();
        for d in days {
            let m = months
                .entry((d.t.mpp_id, month_of(d.day)))
                .or_insert_with(|| QueueTotals { mpp_id: d.t.mpp_id, ..QueueTotals::default() });
            m.add(&d.t);
        }
        let mut month_cells: std::collections::BTreeMap<(i64, NaiveDate, &'static str, i64), i64> = Default::default();
        for t in times {
            *month_cells.entry((t.mpp_id, month_of(t.day), t.kind.as_str(), t.bucket)).or_default() += t.n;
        }
        let months: Vec<(NaiveDate, QueueTotals)> = months.into_iter().map(|((_, m), t)| (m, t)).collect();
        for chunk in months.chunks(400) {
            on_conn!(self, |c| {
                let mut b = sqlx::QueryBuilder::new(
                    "INSERT INTO queue_month_stats (mpp_id, month, issued, from_booking, called, served, \
                     not_served, no_show, cancelled, booking_no_show, booking_cancelled) ",
                );
                b.push_values(chunk, |mut row, (m, t)| {
                    row.push_bind(t.mpp_id)
                        .push_bind(*m)
                        .push_bind(t.issued)
                        .push_bind(t.from_booking)
                        .push_bind(t.called)
                        .push_bind(t.served)
                        .push_bind(t.not_served)
                        .push_bind(t.no_show)
                        .push_bind(t.cancelled)
                        .push_bind(t.booking_no_show)
                        .push_bind(t.booking_cancelled);
                });
                b.push(
                    " ON CONFLICT (mpp_id, month) DO UPDATE SET issued = queue_month_stats.issued + excluded.issued, \
                     from_booking = queue_month_stats.from_booking + excluded.from_booking, \
                     called = queue_month_stats.called + excluded.called, served = queue_month_stats.served + excluded.served, \
                     not_served = queue_month_stats.not_served + excluded.not_served, \
                     no_show = queue_month_stats.no_show + excluded.no_show, \
                     cancelled = queue_month_stats.cancelled + excluded.cancelled, \
                     booking_no_show = queue_month_stats.booking_no_show + excluded.booking_no_show, \
                     booking_cancelled = queue_month_stats.booking_cancelled + excluded.booking_cancelled",
                );
                b.build().execute(c).await.map(|r| r.rows_affected())
            })?;
        }
        let month_cells: Vec<_> = month_cells.into_iter().collect();
        for chunk in month_cells.chunks(800) {
            on_conn!(self, |c| {
                let mut b = sqlx::QueryBuilder::new("INSERT INTO queue_month_hist (mpp_id, month, kind, bucket, n) ");
                b.push_values(chunk, |mut row, ((mpp, m, kind, bucket), n)| {
                    row.push_bind(*mpp).push_bind(*m).push_bind(*kind).push_bind(*bucket).push_bind(*n);
                });
                b.push(" ON CONFLICT (mpp_id, month, kind, bucket) DO UPDATE SET n = queue_month_hist.n + excluded.n");
                b.build().execute(c).await.map(|r| r.rows_affected())
            })?;
        }
        for chunk in days.chunks(400) {
            on_conn!(self, |c| {
                let mut b = sqlx::QueryBuilder::new(
                    "INSERT INTO queue_day_stats (service_id, day, mpp_id, issued, from_booking, called, served, \
                     not_served, no_show, cancelled, booking_no_show, booking_cancelled) ",
                );
                b.push_values(chunk, |mut row, d| {
                    row.push_bind(d.service_id)
                        .push_bind(d.day)
                        .push_bind(d.t.mpp_id)
                        .push_bind(d.t.issued)
                        .push_bind(d.t.from_booking)
                        .push_bind(d.t.called)
                        .push_bind(d.t.served)
                        .push_bind(d.t.not_served)
                        .push_bind(d.t.no_show)
                        .push_bind(d.t.cancelled)
                        .push_bind(d.t.booking_no_show)
                        .push_bind(d.t.booking_cancelled);
                });
                b.push(
                    " ON CONFLICT (service_id, day) DO UPDATE SET issued = queue_day_stats.issued + excluded.issued, \
                     from_booking = queue_day_stats.from_booking + excluded.from_booking, \
                     called = queue_day_stats.called + excluded.called, served = queue_day_stats.served + excluded.served, \
                     not_served = queue_day_stats.not_served + excluded.not_served, \
                     no_show = queue_day_stats.no_show + excluded.no_show, \
                     cancelled = queue_day_stats.cancelled + excluded.cancelled, \
                     booking_no_show = queue_day_stats.booking_no_show + excluded.booking_no_show, \
                     booking_cancelled = queue_day_stats.booking_cancelled + excluded.booking_cancelled",
                );
                b.build().execute(c).await.map(|r| r.rows_affected())
            })?;
        }
        let mut service_months: std::collections::BTreeMap<(i64, NaiveDate, &'static str, i64), (i64, i64)> =
            Default::default();
        for t in times {
            service_months
                .entry((t.service_id, month_of(t.day), t.kind.as_str(), t.bucket))
                .or_insert((t.mpp_id, 0))
                .1 += t.n;
        }
        let service_months: Vec<_> = service_months.into_iter().collect();
        for chunk in service_months.chunks(800) {
            on_conn!(self, |c| {
                let mut b = sqlx::QueryBuilder::new(
                    "INSERT INTO queue_month_service_hist (service_id, month, kind, bucket, mpp_id, n) ",
                );
                b.push_values(chunk, |mut row, ((service, m, kind, bucket), (mpp, n))| {
                    row.push_bind(*service)
                        .push_bind(*m)
                        .push_bind(*kind)
                        .push_bind(*bucket)
                        .push_bind(*mpp)
                        .push_bind(*n);
                });
                b.push(
                    " ON CONFLICT (service_id, month, kind, bucket) DO UPDATE SET n = queue_month_service_hist.n + excluded.n",
                );
                b.build().execute(c).await.map(|r| r.rows_affected())
            })?;
        }
        for chunk in times.chunks(800) {
            on_conn!(self, |c| {
                let mut b =
                    sqlx::QueryBuilder::new("INSERT INTO queue_time_hist (service_id, day, kind, bucket, mpp_id, n) ");
                b.push_values(chunk, |mut row, t| {
                    row.push_bind(t.service_id)
                        .push_bind(t.day)
                        .push_bind(t.kind.as_str())
                        .push_bind(t.bucket)
                        .push_bind(t.mpp_id)
                        .push_bind(t.n);
                });
                b.push(" ON CONFLICT (service_id, day, kind, bucket) DO UPDATE SET n = queue_time_hist.n + excluded.n");
                b.build().execute(c).await.map(|r| r.rows_affected())
            })?;
        }
        Ok(())
    }

    /// Add a month of complaint figures at once (the demo's past).
    pub async fn add_complaint_month(&mut self, t: &ComplaintTotals, month: NaiveDate) -> Result<()> {
        on_conn!(self, |c| {
            sqlx::query(
            "INSERT INTO complaint_month_stats (mpp_id, month, received, verified, verified_on_time, answered, answered_on_time)
             VALUES ($1, $2, $3, $4, $5, $6, $7)
             ON CONFLICT (mpp_id, month) DO UPDATE SET received = complaint_month_stats.received + $3,
                verified = complaint_month_stats.verified + $4, verified_on_time = complaint_month_stats.verified_on_time + $5,
                answered = complaint_month_stats.answered + $6, answered_on_time = complaint_month_stats.answered_on_time + $7"
        )
        .bind(t.mpp_id)
        .bind(month)
        .bind(t.received)
        .bind(t.verified)
        .bind(t.verified_on_time)
        .bind(t.answered)
        .bind(t.answered_on_time)
        .execute(c)
        .await
        .map(|r| r.rows_affected())
        })?;
        Ok(())
    }

    /// Queue figures per MPP for the days `from..=to`: whole months from
    /// `queue_month_stats`, the days of partial months from `queue_day_stats`.
    pub async fn queue_totals(&mut self, from: NaiveDate, to: NaiveDate) -> Result<Vec<QueueTotals>> {
        let cols: Vec<String> = QUEUE_COLUMNS.iter().map(|c| sum(c)).collect();
        let cols = cols.join(", ");
        let (whole, partial) = month_split(from, to);
        let mut by_mpp: std::collections::BTreeMap<i64, QueueTotals> = Default::default();
        let mut merge = |rows: Vec<QueueTotals>| {
            for r in rows {
                by_mpp
                    .entry(r.mpp_id)
                    .or_insert_with(|| QueueTotals { mpp_id: r.mpp_id, ..QueueTotals::default() })
                    .add(&r);
            }
        };
        if let Some((a, b)) = whole {
            let sql = sqlx::AssertSqlSafe(format!(
                "SELECT mpp_id, {cols} FROM queue_month_stats WHERE month >= $1 AND month <= $2 GROUP BY mpp_id"
            ));
            merge(on_conn!(self, |c| sqlx::query_as(sql).bind(a).bind(b).fetch_all(c).await)?);
        }
        for (a, b) in partial {
            let sql = sqlx::AssertSqlSafe(format!(
                "SELECT mpp_id, {cols} FROM queue_day_stats WHERE day >= $1 AND day <= $2 GROUP BY mpp_id"
            ));
            merge(on_conn!(self, |c| sqlx::query_as(sql).bind(a).bind(b).fetch_all(c).await)?);
        }
        Ok(by_mpp.into_values().collect())
    }

    /// Waiting and service time histograms per MPP for the days `from..=to`
    /// (whole months from `queue_month_hist`, the rest from `queue_time_hist`).
    pub async fn queue_hists(&mut self, from: NaiveDate, to: NaiveDate) -> Result<Vec<HistRow>> {
        self.hist_over_months(
            None,
            from,
            to,
            "SELECT mpp_id, kind, bucket, CAST(SUM(n) AS BIGINT) AS n FROM queue_month_hist
             WHERE month >= $1 AND month <= $2 GROUP BY mpp_id, kind, bucket",
            "SELECT mpp_id, kind, bucket, CAST(SUM(n) AS BIGINT) AS n FROM queue_time_hist
             WHERE day >= $1 AND day <= $2 GROUP BY mpp_id, kind, bucket",
        )
        .await
    }

    /// Complaint deadlines met per MPP for the months starting `from..=to`.
    pub async fn complaint_totals(&mut self, from: NaiveDate, to: NaiveDate) -> Result<Vec<ComplaintTotals>> {
        let cols: Vec<String> = ["received", "verified", "verified_on_time", "answered", "answered_on_time"]
            .iter()
            .map(|c| sum(c))
            .collect();
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT mpp_id, {} FROM complaint_month_stats WHERE month >= $1 AND month <= $2 GROUP BY mpp_id",
            cols.join(", ")
        ));
        Ok(on_conn!(self, |c| sqlx::query_as(sql).bind(from).bind(to).fetch_all(c).await)?)
    }

    /// Tickets issued per MPP and month (`YYYY-MM`), for trend lines.
    pub async fn issued_by_month(&mut self, from: NaiveDate, to: NaiveDate) -> Result<Vec<MonthIssued>> {
        let month = match self.engine() {
            Engine::Sqlite => "substr(month, 1, 7)",
            Engine::Postgres => "to_char(month, 'YYYY-MM')",
        };
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT mpp_id, {month} AS month, issued FROM queue_month_stats
             WHERE month >= $1 AND month <= $2 ORDER BY mpp_id, month"
        ));
        Ok(on_conn!(self, |c| sqlx::query_as(sql).bind(month_of(from)).bind(to).fetch_all(c).await)?)
    }

    /// Active providers and published services per MPP (the catalogue as it is now).
    pub async fn catalogue_counts(&mut self) -> Result<Vec<CatalogueCounts>> {
        Ok(on_conn!(self, |c| sqlx::query_as(
            "SELECT m.id AS mpp_id,
                    (SELECT COUNT(*) FROM providers p WHERE p.mpp_id = m.id AND p.active) AS providers,
                    (SELECT COUNT(*) FROM services s WHERE s.mpp_id = m.id AND s.status = 'published') AS published,
                    (SELECT COUNT(*) FROM services s WHERE s.mpp_id = m.id AND s.status = 'published'
                        AND s.standard_complete) AS complete,
                    (SELECT COUNT(*) FROM services s WHERE s.mpp_id = m.id AND s.status = 'published'
                        AND s.bookable) AS bookable
             FROM mpps m ORDER BY m.id"
        )
        .fetch_all(c)
        .await)?)
    }
}

/// A percentile (0–1) of a histogram of minutes: the upper edge of the bucket
/// that holds it (bucket resolution; the open last bucket reads as its lower edge).
pub fn percentile(counts: &[i64], p: f64) -> Option<f64> {
    let total: i64 = counts.iter().sum();
    if total == 0 {
        return None;
    }
    let rank = (p * total as f64).ceil().max(1.0) as i64;
    let mut seen = 0;
    for (i, n) in counts.iter().enumerate() {
        seen += n;
        if seen >= rank {
            return Some(BUCKET_EDGES.get(i).copied().unwrap_or(BUCKET_EDGES[BUCKET_EDGES.len() - 1]));
        }
    }
    None
}

/// The first day of the month of `at` in a zone (months of complaint rollups).
pub fn month_of(day: NaiveDate) -> NaiveDate {
    use chrono::Datelike;
    day.with_day(1).unwrap_or(day)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn a_period_splits_into_whole_months_and_the_days_at_its_ends() {
        // A year is twelve whole months and no days.
        assert_eq!(month_split(d("2026-01-01"), d("2026-12-31")), (Some((d("2026-01-01"), d("2026-12-01"))), vec![]));
        // A running quarter: two whole months and the days of the third so far.
        assert_eq!(
            month_split(d("2026-10-01"), d("2026-12-02")),
            (Some((d("2026-10-01"), d("2026-11-01"))), vec![(d("2026-12-01"), d("2026-12-02"))])
        );
        // Ragged at both ends (February of a leap year ends on the 29th).
        assert_eq!(
            month_split(d("2028-01-15"), d("2028-03-10")),
            (
                Some((d("2028-02-01"), d("2028-02-01"))),
                vec![(d("2028-01-15"), d("2028-01-31")), (d("2028-03-01"), d("2028-03-10"))]
            )
        );
        // Inside one month: only days.
        assert_eq!(month_split(d("2026-12-01"), d("2026-12-02")), (None, vec![(d("2026-12-01"), d("2026-12-02"))]));
        assert_eq!(month_split(d("2026-02-03"), d("2026-03-02")), (None, vec![(d("2026-02-03"), d("2026-03-02"))]));
        assert_eq!(month_split(d("2026-02-01"), d("2026-02-28")), (Some((d("2026-02-01"), d("2026-02-01"))), vec![]));
        assert_eq!(month_split(d("2026-03-02"), d("2026-03-01")), (None, vec![]));
    }

    #[test]
    fn buckets_and_percentiles() {
        assert_eq!(bucket_of(0.0), 0);
        assert_eq!(bucket_of(0.99), 0);
        assert_eq!(bucket_of(1.0), 1);
        assert_eq!(bucket_of(7.0), 6, "6–8 minutes");
        assert_eq!(bucket_of(999.0), 23);
        // 10 waits: 6 under a minute, 3 of 2–3 minutes, 1 of 45 minutes.
        let mut h = vec![0i64; 24];
        h[0] = 6;
        h[2] = 3;
        h[bucket_of(45.0) as usize] = 1;
        assert_eq!(percentile(&h, 0.5), Some(1.0));
        assert_eq!(percentile(&h, 0.9), Some(3.0));
        assert_eq!(percentile(&h, 1.0), Some(50.0));
        assert_eq!(percentile(&[0; 24], 0.5), None);
    }
}

/// One day of an MPP's queue, summed over its services.
#[derive(Debug, Clone, Default, Serialize, sqlx::FromRow)]
pub struct DayFigures {
    pub day: NaiveDate,
    pub issued: i64,
    pub from_booking: i64,
    pub called: i64,
    pub served: i64,
    pub not_served: i64,
    pub no_show: i64,
    pub cancelled: i64,
}

/// One service's queue figures for a period.
#[derive(Debug, Clone, Default, Serialize, sqlx::FromRow)]
pub struct ServiceFigures {
    pub service_id: i64,
    pub issued: i64,
    pub from_booking: i64,
    pub called: i64,
    pub served: i64,
    pub not_served: i64,
    pub no_show: i64,
    pub cancelled: i64,
}

/// A histogram cell of one service for a period.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct ServiceHistRow {
    pub service_id: i64,
    pub kind: String,
    pub bucket: i64,
    pub n: i64,
}

const DAY_COLUMNS: [&str; 7] = ["issued", "from_booking", "called", "served", "not_served", "no_show", "cancelled"];

impl Tx {
    /// An MPP's queue per day for `from..=to` (days without tickets are absent).
    pub async fn mpp_day_figures(&mut self, mpp_id: i64, from: NaiveDate, to: NaiveDate) -> Result<Vec<DayFigures>> {
        let cols: Vec<String> = DAY_COLUMNS.iter().map(|c| sum(c)).collect();
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT day, {} FROM queue_day_stats WHERE mpp_id = $1 AND day >= $2 AND day <= $3 GROUP BY day ORDER BY day",
            cols.join(", ")
        ));
        Ok(on_conn!(self, |c| sqlx::query_as(sql).bind(mpp_id).bind(from).bind(to).fetch_all(c).await)?)
    }

    /// An MPP's queue per service for `from..=to`.
    pub async fn mpp_service_figures(
        &mut self,
        mpp_id: i64,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<ServiceFigures>> {
        let cols: Vec<String> = DAY_COLUMNS.iter().map(|c| sum(c)).collect();
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT service_id, {} FROM queue_day_stats WHERE mpp_id = $1 AND day >= $2 AND day <= $3
             GROUP BY service_id ORDER BY service_id",
            cols.join(", ")
        ));
        Ok(on_conn!(self, |c| sqlx::query_as(sql).bind(mpp_id).bind(from).bind(to).fetch_all(c).await)?)
    }

    /// An MPP's waiting and service time histograms per service for `from..=to`.
    pub async fn mpp_service_hists(
        &mut self,
        mpp_id: i64,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<ServiceHistRow>> {
        self.hist_over_months(
            Some(mpp_id),
            from,
            to,
            "SELECT service_id, kind, bucket, CAST(SUM(n) AS BIGINT) AS n FROM queue_month_service_hist
             WHERE mpp_id = $1 AND month >= $2 AND month <= $3 GROUP BY service_id, kind, bucket",
            "SELECT service_id, kind, bucket, CAST(SUM(n) AS BIGINT) AS n FROM queue_time_hist
             WHERE mpp_id = $1 AND day >= $2 AND day <= $3 GROUP BY service_id, kind, bucket",
        )
        .await
    }

    /// An MPP's complaint deadlines for the months starting `from..=to`.
    pub async fn mpp_complaint_totals(
        &mut self,
        mpp_id: i64,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<ComplaintTotals> {
        let cols: Vec<String> = ["received", "verified", "verified_on_time", "answered", "answered_on_time"]
            .iter()
            .map(|c| sum(c))
            .collect();
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT $1 AS mpp_id, {} FROM complaint_month_stats WHERE mpp_id = $1 AND month >= $2 AND month <= $3",
            cols.join(", ")
        ));
        Ok(on_conn!(self, |c| sqlx::query_as(sql).bind(mpp_id).bind(from).bind(to).fetch_one(c).await)?)
    }
}

/// Tickets issued in one local hour of one day.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct HourCell {
    pub day: NaiveDate,
    pub hour: i64,
    pub issued: i64,
}

/// A histogram cell of one counter and officer for a period.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct StaffHistRow {
    pub counter_id: i64,
    pub officer_id: i64,
    pub kind: String,
    pub bucket: i64,
    pub n: i64,
}

impl Tx {
    /// Count one ticket issued in a local hour.
    pub async fn bump_queue_hour(&mut self, mpp_id: i64, day: NaiveDate, hour: u32, n: i64) -> Result<()> {
        on_conn!(self, |c| sqlx::query(
            "INSERT INTO queue_hour_stats (mpp_id, day, hour, issued) VALUES ($1, $2, $3, $4)
             ON CONFLICT (mpp_id, day, hour) DO UPDATE SET issued = queue_hour_stats.issued + $4"
        )
        .bind(mpp_id)
        .bind(day)
        .bind(i64::from(hour))
        .bind(n)
        .execute(c)
        .await
        .map(|_| ()))?;
        Ok(())
    }

    /// Count one waiting (to the call) or service time of a counter and its officer.
    pub async fn add_staff_time(
        &mut self,
        mpp_id: i64,
        day: NaiveDate,
        counter_id: i64,
        officer_id: i64,
        kind: TimeKind,
        minutes: f64,
    ) -> Result<()> {
        on_conn!(self, |c| sqlx::query(
            "INSERT INTO queue_staff_hist (mpp_id, day, counter_id, officer_id, kind, bucket, n)
             VALUES ($1, $2, $3, $4, $5, $6, 1)
             ON CONFLICT (mpp_id, day, counter_id, officer_id, kind, bucket) DO UPDATE SET n = queue_staff_hist.n + 1"
        )
        .bind(mpp_id)
        .bind(day)
        .bind(counter_id)
        .bind(officer_id)
        .bind(kind.as_str())
        .bind(bucket_of(minutes))
        .execute(c)
        .await
        .map(|_| ()))?;
        on_conn!(self, |c| sqlx::query(
            "INSERT INTO queue_month_staff_hist (mpp_id, month, counter_id, officer_id, kind, bucket, n)
             VALUES ($1, $2, $3, $4, $5, $6, 1)
             ON CONFLICT (mpp_id, month, counter_id, officer_id, kind, bucket)
                 DO UPDATE SET n = queue_month_staff_hist.n + 1"
        )
        .bind(mpp_id)
        .bind(month_of(day))
        .bind(counter_id)
        .bind(officer_id)
        .bind(kind.as_str())
        .bind(bucket_of(minutes))
        .execute(c)
        .await
        .map(|_| ()))?;
        Ok(())
    }

    /// Tickets issued per day and local hour for `from..=to`.
    pub async fn mpp_hour_cells(&mut self, mpp_id: i64, from: NaiveDate, to: NaiveDate) -> Result<Vec<HourCell>> {
        Ok(on_conn!(self, |c| sqlx::query_as(
            "SELECT day, hour, issued FROM queue_hour_stats WHERE mpp_id = $1 AND day >= $2 AND day <= $3"
        )
        .bind(mpp_id)
        .bind(from)
        .bind(to)
        .fetch_all(c)
        .await)?)
    }

    /// Waiting and service time histograms per counter and officer for `from..=to`.
    pub async fn mpp_staff_hists(&mut self, mpp_id: i64, from: NaiveDate, to: NaiveDate) -> Result<Vec<StaffHistRow>> {
        self.hist_over_months(
            Some(mpp_id),
            from,
            to,
            "SELECT counter_id, officer_id, kind, bucket, CAST(SUM(n) AS BIGINT) AS n FROM queue_month_staff_hist
             WHERE mpp_id = $1 AND month >= $2 AND month <= $3 GROUP BY counter_id, officer_id, kind, bucket",
            "SELECT counter_id, officer_id, kind, bucket, CAST(SUM(n) AS BIGINT) AS n FROM queue_staff_hist
             WHERE mpp_id = $1 AND day >= $2 AND day <= $3 GROUP BY counter_id, officer_id, kind, bucket",
        )
        .await
    }
}

impl Tx {
    /// Add issued tickets per MPP, day and hour in bulk (the demo's history).
    pub async fn add_hour_history(&mut self, cells: &[(i64, NaiveDate, i64, i64)]) -> Result<()> {
        for chunk in cells.chunks(500) {
            on_conn!(self, |c| {
                let mut b = sqlx::QueryBuilder::new("INSERT INTO queue_hour_stats (mpp_id, day, hour, issued) ");
                b.push_values(chunk, |mut row, (mpp, day, hour, n)| {
                    row.push_bind(*mpp).push_bind(*day).push_bind(*hour).push_bind(*n);
                });
                b.push(
                    " ON CONFLICT (mpp_id, day, hour) DO UPDATE SET issued = queue_hour_stats.issued + excluded.issued",
                );
                b.build().execute(c).await.map(|r| r.rows_affected())
            })?;
        }
        Ok(())
    }
}

impl Tx {
    /// Add per counter and officer histogram cells in bulk:
    /// `(mpp_id, day, counter_id, officer_id, kind, bucket, n)` (the benchmark's history).
    pub async fn add_staff_history(&mut self, cells: &[(i64, NaiveDate, i64, i64, TimeKind, i64, i64)]) -> Result<()> {
        let mut months: std::collections::BTreeMap<(i64, NaiveDate, i64, i64, &'static str, i64), i64> =
            Default::default();
        for (mpp, day, counter, officer, kind, bucket, n) in cells {
            *months.entry((*mpp, month_of(*day), *counter, *officer, kind.as_str(), *bucket)).or_default() += n;
        }
        let months: Vec<_> = months.into_iter().collect();
        for chunk in months.chunks(400) {
            on_conn!(self, |c| {
                let mut b = sqlx::QueryBuilder::new(
                    "INSERT INTO queue_month_staff_hist (mpp_id, month, counter_id, officer_id, kind, bucket, n) ",
                );
                b.push_values(chunk, |mut row, ((mpp, m, counter, officer, kind, bucket), n)| {
                    row.push_bind(*mpp)
                        .push_bind(*m)
                        .push_bind(*counter)
                        .push_bind(*officer)
                        .push_bind(*kind)
                        .push_bind(*bucket)
                        .push_bind(*n);
                });
                b.push(
                    " ON CONFLICT (mpp_id, month, counter_id, officer_id, kind, bucket) \
                     DO UPDATE SET n = queue_month_staff_hist.n + excluded.n",
                );
                b.build().execute(c).await.map(|r| r.rows_affected())
            })?;
        }
        for chunk in cells.chunks(400) {
            on_conn!(self, |c| {
                let mut b = sqlx::QueryBuilder::new(
                    "INSERT INTO queue_staff_hist (mpp_id, day, counter_id, officer_id, kind, bucket, n) ",
                );
                b.push_values(chunk, |mut row, (mpp, day, counter, officer, kind, bucket, n)| {
                    row.push_bind(*mpp)
                        .push_bind(*day)
                        .push_bind(*counter)
                        .push_bind(*officer)
                        .push_bind(kind.as_str())
                        .push_bind(*bucket)
                        .push_bind(*n);
                });
                b.push(
                    " ON CONFLICT (mpp_id, day, counter_id, officer_id, kind, bucket) \
                     DO UPDATE SET n = queue_staff_hist.n + excluded.n",
                );
                b.build().execute(c).await.map(|r| r.rows_affected())
            })?;
        }
        Ok(())
    }
}

impl Tx {
    /// Tickets issued per service of an MPP from `from` to `to` (the kiosk lists the most used first).
    pub async fn issued_per_service(&mut self, mpp_id: i64, from: NaiveDate, to: NaiveDate) -> Result<Vec<(i64, i64)>> {
        Ok(on_conn!(self, |c| sqlx::query_as(
            "SELECT service_id, CAST(SUM(issued) AS BIGINT) FROM queue_day_stats
             WHERE mpp_id = $1 AND day >= $2 AND day <= $3 GROUP BY service_id"
        )
        .bind(mpp_id)
        .bind(from)
        .bind(to)
        .fetch_all(c)
        .await)?)
    }
}
