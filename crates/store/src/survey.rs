//! Survey codes, responses, the per-service daily rollup behind every IKM
//! figure, and follow-up items.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use satuatap_domain::survey::FollowupStatus;

use crate::model::{FollowupRow, NewSurveyResponse, SuggestionRow, SurveyCodeRow, TallyRow};
use crate::{Result, Tx, on_conn};

const CODE_SELECT: &str = "SELECT id, mpp_id, provider_id, service_id, code, note, created_by, created_at, used_at
    FROM survey_codes";

const FOLLOWUP_SELECT: &str = "SELECT f.id, f.mpp_id, f.provider_id, f.response_id, f.title, f.note, f.owner_id,
        u.name AS owner_name, f.status, f.created_at, f.updated_at, r.suggestion
    FROM followups f
    LEFT JOIN users u ON u.id = f.owner_id
    LEFT JOIN survey_responses r ON r.id = f.response_id";

/// Sums of the rollup columns (cast: PostgreSQL sums BIGINT to NUMERIC).
const SUMS: &str = "CAST(COALESCE(SUM(served), 0) AS BIGINT) AS served, CAST(COALESCE(SUM(responses), 0) AS BIGINT) AS responses, CAST(COALESCE(SUM(s1), 0) AS BIGINT) AS s1, CAST(COALESCE(SUM(s2), 0) AS BIGINT) AS s2, CAST(COALESCE(SUM(s3), 0) AS BIGINT) AS s3, CAST(COALESCE(SUM(s4), 0) AS BIGINT) AS s4, CAST(COALESCE(SUM(s5), 0) AS BIGINT) AS s5, CAST(COALESCE(SUM(s6), 0) AS BIGINT) AS s6, CAST(COALESCE(SUM(s7), 0) AS BIGINT) AS s7, CAST(COALESCE(SUM(s8), 0) AS BIGINT) AS s8, CAST(COALESCE(SUM(s9), 0) AS BIGINT) AS s9";

/// Which rollup rows an IKM figure covers.
#[derive(Debug, Clone, Copy, Default)]
pub struct Scope {
    pub mpp_id: Option<i64>,
    pub provider_id: Option<i64>,
    pub service_id: Option<i64>,
}

/// How a breakdown groups the rollup rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupBy {
    Mpp,
    Provider,
    Service,
}

impl Tx {
    // --- codes ------------------------------------------------------------------------------

    #[allow(clippy::too_many_arguments)]
    pub async fn insert_survey_code(
        &mut self,
        mpp_id: i64,
        provider_id: i64,
        service_id: i64,
        code: &str,
        note: Option<&str>,
        created_by: Option<i64>,
        now: DateTime<Utc>,
    ) -> Result<i64> {
        Ok(on_conn!(self, |c| sqlx::query_scalar(
            "INSERT INTO survey_codes (mpp_id, provider_id, service_id, code, note, created_by, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id"
        )
        .bind(mpp_id)
        .bind(provider_id)
        .bind(service_id)
        .bind(code)
        .bind(note)
        .bind(created_by)
        .bind(now)
        .fetch_one(c)
        .await)?)
    }

    pub async fn survey_code(&mut self, code: &str) -> Result<Option<SurveyCodeRow>> {
        let sql = sqlx::AssertSqlSafe(format!("{CODE_SELECT} WHERE code = $1"));
        Ok(on_conn!(self, |c| sqlx::query_as(sql).bind(code).fetch_optional(c).await)?)
    }

    /// The latest codes of an MPP (a provider's only, when given).
    pub async fn survey_codes(
        &mut self,
        mpp_id: i64,
        provider_id: Option<i64>,
        limit: i64,
    ) -> Result<Vec<SurveyCodeRow>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "{CODE_SELECT} WHERE mpp_id = $1 AND ($2 IS NULL OR provider_id = $2) ORDER BY id DESC LIMIT $3"
        ));
        Ok(on_conn!(self, |c| sqlx::query_as(sql).bind(mpp_id).bind(provider_id).bind(limit).fetch_all(c).await)?)
    }

    /// Spend a code; false if it was already used (the loser of a race).
    pub async fn use_survey_code(&mut self, id: i64, now: DateTime<Utc>) -> Result<bool> {
        let n =
            on_conn!(self, |c| sqlx::query("UPDATE survey_codes SET used_at = $2 WHERE id = $1 AND used_at IS NULL")
                .bind(id)
                .bind(now)
                .execute(c)
                .await
                .map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    // --- responses ----------------------------------------------------------------------------

    /// Store a response and add it to its service's day in the rollup, in the
    /// caller's transaction. A second response for a ticket or code is a unique violation.
    pub async fn insert_survey_response(&mut self, r: &NewSurveyResponse) -> Result<i64> {
        let id: i64 = on_conn!(self, |c| {
            sqlx::query_scalar(
            "INSERT INTO survey_responses (mpp_id, provider_id, service_id, day, channel, ticket_id, code_id,
                u1, u2, u3, u4, u5, u6, u7, u8, u9, suggestion, sex, age_band, education, occupation, entered_by, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23)
             RETURNING id"
        )
        .bind(r.mpp_id)
        .bind(r.provider_id)
        .bind(r.service_id)
        .bind(r.day)
        .bind(&r.channel)
        .bind(r.ticket_id)
        .bind(r.code_id)
        .bind(i64::from(r.answers[0]))
        .bind(i64::from(r.answers[1]))
        .bind(i64::from(r.answers[2]))
        .bind(i64::from(r.answers[3]))
        .bind(i64::from(r.answers[4]))
        .bind(i64::from(r.answers[5]))
        .bind(i64::from(r.answers[6]))
        .bind(i64::from(r.answers[7]))
        .bind(i64::from(r.answers[8]))
        .bind(&r.suggestion)
        .bind(&r.sex)
        .bind(&r.age_band)
        .bind(&r.education)
        .bind(&r.occupation)
        .bind(r.entered_by)
        .bind(r.created_at)
        .fetch_one(c)
        .await
        })?;
        let a = r.answers.map(i64::from);
        on_conn!(self, |c| {
            sqlx::query(
            "INSERT INTO service_day_stats (service_id, day, mpp_id, provider_id, responses, s1, s2, s3, s4, s5, s6, s7, s8, s9)
             VALUES ($1, $2, $3, $4, 1, $5, $6, $7, $8, $9, $10, $11, $12, $13)
             ON CONFLICT (service_id, day) DO UPDATE SET responses = service_day_stats.responses + 1,
                s1 = service_day_stats.s1 + $5, s2 = service_day_stats.s2 + $6, s3 = service_day_stats.s3 + $7,
                s4 = service_day_stats.s4 + $8, s5 = service_day_stats.s5 + $9, s6 = service_day_stats.s6 + $10,
                s7 = service_day_stats.s7 + $11, s8 = service_day_stats.s8 + $12, s9 = service_day_stats.s9 + $13"
        )
        .bind(r.service_id)
        .bind(r.day)
        .bind(r.mpp_id)
        .bind(r.provider_id)
        .bind(a[0])
        .bind(a[1])
        .bind(a[2])
        .bind(a[3])
        .bind(a[4])
        .bind(a[5])
        .bind(a[6])
        .bind(a[7])
        .bind(a[8])
        .execute(c)
        .await
        .map(|_| ())
        })?;
        let month = first_of_month(r.day);
        on_conn!(self, |c| {
            sqlx::query(
            "INSERT INTO service_month_stats (service_id, month, mpp_id, provider_id, responses, s1, s2, s3, s4, s5, s6, s7, s8, s9)
             VALUES ($1, $2, $3, $4, 1, $5, $6, $7, $8, $9, $10, $11, $12, $13)
             ON CONFLICT (service_id, month) DO UPDATE SET responses = service_month_stats.responses + 1,
                s1 = service_month_stats.s1 + $5, s2 = service_month_stats.s2 + $6, s3 = service_month_stats.s3 + $7,
                s4 = service_month_stats.s4 + $8, s5 = service_month_stats.s5 + $9, s6 = service_month_stats.s6 + $10,
                s7 = service_month_stats.s7 + $11, s8 = service_month_stats.s8 + $12, s9 = service_month_stats.s9 + $13"
        )
        .bind(r.service_id)
        .bind(month)
        .bind(r.mpp_id)
        .bind(r.provider_id)
        .bind(a[0])
        .bind(a[1])
        .bind(a[2])
        .bind(a[3])
        .bind(a[4])
        .bind(a[5])
        .bind(a[6])
        .bind(a[7])
        .bind(a[8])
        .execute(c)
        .await
        .map(|_| ())
        })?;
        Ok(id)
    }

    /// Count one person served (a ticket finished as served) in the rollup.
    pub async fn count_served(&mut self, service_id: i64, day: NaiveDate, mpp_id: i64, provider_id: i64) -> Result<()> {
        self.add_served(service_id, day, mpp_id, provider_id, 1).await
    }

    /// Add `n` people served on a day (the demo's history uses it in bulk).
    pub async fn add_served(
        &mut self,
        service_id: i64,
        day: NaiveDate,
        mpp_id: i64,
        provider_id: i64,
        n: i64,
    ) -> Result<()> {
        on_conn!(self, |c| sqlx::query(
            "INSERT INTO service_day_stats (service_id, day, mpp_id, provider_id, served) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (service_id, day) DO UPDATE SET served = service_day_stats.served + $5"
        )
        .bind(service_id)
        .bind(day)
        .bind(mpp_id)
        .bind(provider_id)
        .bind(n)
        .execute(c)
        .await
        .map(|_| ()))?;
        let month = first_of_month(day);
        on_conn!(self, |c| {
            sqlx::query(
            "INSERT INTO service_month_stats (service_id, month, mpp_id, provider_id, served) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (service_id, month) DO UPDATE SET served = service_month_stats.served + $5"
        )
        .bind(service_id)
        .bind(month)
        .bind(mpp_id)
        .bind(provider_id)
        .bind(n)
        .execute(c)
        .await
        .map(|_| ())
        })?;
        Ok(())
    }

    pub async fn survey_response_of_ticket(&mut self, ticket_id: i64) -> Result<Option<i64>> {
        Ok(on_conn!(self, |c| sqlx::query_scalar("SELECT id FROM survey_responses WHERE ticket_id = $1")
            .bind(ticket_id)
            .fetch_optional(c)
            .await)?)
    }

    /// The ticket most recently finished as served at a counter since `since`
    /// that has no response yet (for the survey tablet at that counter).
    pub async fn last_unsurveyed_ticket(&mut self, counter_id: i64, since: DateTime<Utc>) -> Result<Option<i64>> {
        Ok(on_conn!(self, |c| sqlx::query_scalar(
            "SELECT t.id FROM tickets t WHERE t.counter_id = $1 AND t.outcome = 'served' AND t.finished_at >= $2
               AND NOT EXISTS (SELECT 1 FROM survey_responses r WHERE r.ticket_id = t.id)
             ORDER BY t.finished_at DESC LIMIT 1"
        )
        .bind(counter_id)
        .bind(since)
        .fetch_optional(c)
        .await)?)
    }

    // --- figures --------------------------------------------------------------------------------

    /// Served and survey sums over a scope and a date range (inclusive).
    pub async fn tally(&mut self, scope: Scope, from: NaiveDate, to: NaiveDate) -> Result<TallyRow> {
        // Without GROUP BY the aggregate is always exactly one row.
        let mut rows = self.rollup(None, scope, from, to).await?;
        rows.pop().ok_or_else(|| crate::StoreError::Corrupt("an aggregate returned no row".into()))
    }

    pub async fn tally_by(
        &mut self,
        group: GroupBy,
        scope: Scope,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<TallyRow>> {
        self.rollup(Some(group), scope, from, to).await
    }

    async fn rollup(
        &mut self,
        group: Option<GroupBy>,
        scope: Scope,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<TallyRow>> {
        let (sql, dates, ids) = rollup_query(group, scope, from, to);
        let sql = sqlx::AssertSqlSafe(sql);
        Ok(on_conn!(self, |c| {
            let mut q = sqlx::query_as(sql);
            for d in dates {
                q = q.bind(d);
            }
            for id in ids {
                q = q.bind(id);
            }
            q.fetch_all(c).await
        })?)
    }

    /// Suggestions written in responses, newest first.
    pub async fn suggestions(
        &mut self,
        scope: Scope,
        from: NaiveDate,
        to: NaiveDate,
        limit: i64,
    ) -> Result<Vec<SuggestionRow>> {
        Ok(on_conn!(self, |c| {
            sqlx::query_as(
            "SELECT r.id, r.mpp_id, r.provider_id, r.service_id, s.name AS service_name, r.day, r.channel, r.suggestion,
                    (SELECT f.id FROM followups f WHERE f.response_id = r.id) AS followup_id
             FROM survey_responses r JOIN services s ON s.id = r.service_id
             WHERE r.suggestion IS NOT NULL AND r.day >= $1 AND r.day <= $2 AND ($3 IS NULL OR r.mpp_id = $3)
               AND ($4 IS NULL OR r.provider_id = $4) AND ($5 IS NULL OR r.service_id = $5)
             ORDER BY r.id DESC LIMIT $6"
        )
        .bind(from)
        .bind(to)
        .bind(scope.mpp_id)
        .bind(scope.provider_id)
        .bind(scope.service_id)
        .bind(limit)
        .fetch_all(c)
        .await
        })?)
    }

    pub async fn survey_response_scope(&mut self, id: i64) -> Result<Option<(i64, i64)>> {
        Ok(on_conn!(self, |c| sqlx::query_as("SELECT mpp_id, provider_id FROM survey_responses WHERE id = $1")
            .bind(id)
            .fetch_optional(c)
            .await)?)
    }

    // --- follow-ups ---------------------------------------------------------------------------

    #[allow(clippy::too_many_arguments)]
    pub async fn insert_followup(
        &mut self,
        mpp_id: i64,
        provider_id: Option<i64>,
        response_id: Option<i64>,
        title: &str,
        owner_id: Option<i64>,
        status: FollowupStatus,
        note: Option<&str>,
        created_by: i64,
        now: DateTime<Utc>,
    ) -> Result<i64> {
        Ok(on_conn!(self, |c| {
            sqlx::query_scalar(
            "INSERT INTO followups (mpp_id, provider_id, response_id, title, owner_id, status, note, created_by, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id"
        )
        .bind(mpp_id)
        .bind(provider_id)
        .bind(response_id)
        .bind(title)
        .bind(owner_id)
        .bind(status.as_str())
        .bind(note)
        .bind(created_by)
        .bind(now)
        .fetch_one(c)
        .await
        })?)
    }

    pub async fn update_followup(
        &mut self,
        id: i64,
        status: FollowupStatus,
        owner_id: Option<i64>,
        note: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<()> {
        on_conn!(self, |c| sqlx::query(
            "UPDATE followups SET status = $2, owner_id = $3, note = $4, updated_at = $5 WHERE id = $1"
        )
        .bind(id)
        .bind(status.as_str())
        .bind(owner_id)
        .bind(note)
        .bind(now)
        .execute(c)
        .await
        .map(|_| ()))?;
        Ok(())
    }

    pub async fn followup(&mut self, id: i64) -> Result<Option<FollowupRow>> {
        let sql = sqlx::AssertSqlSafe(format!("{FOLLOWUP_SELECT} WHERE f.id = $1"));
        Ok(on_conn!(self, |c| sqlx::query_as(sql).bind(id).fetch_optional(c).await)?)
    }

    pub async fn followups(&mut self, mpp_id: i64, provider_id: Option<i64>) -> Result<Vec<FollowupRow>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "{FOLLOWUP_SELECT} WHERE f.mpp_id = $1 AND ($2 IS NULL OR f.provider_id = $2)
             ORDER BY CASE f.status WHEN 'open' THEN 0 WHEN 'in_progress' THEN 1 ELSE 2 END, f.id DESC"
        ));
        Ok(on_conn!(self, |c| sqlx::query_as(sql).bind(mpp_id).bind(provider_id).fetch_all(c).await)?)
    }
}

pub fn first_of_month(d: NaiveDate) -> NaiveDate {
    d.with_day(1).unwrap_or(d)
}

fn next_month(d: NaiveDate) -> NaiveDate {
    let first = first_of_month(d);
    first.checked_add_months(chrono::Months::new(1)).unwrap_or(first)
}

/// The rollup rows covering `from..=to`: whole months from `service_month_stats`
/// and the days of partial months at either end from `service_day_stats`, so a
/// year reads twelve rows per service. Scope filters appear only when set, which
/// keeps the `(mpp_id, …)` and `(provider_id, …)` indexes usable. Returns the
/// query, its six dates ($1–$6) and the scope ids ($7…).
fn rollup_query(
    group: Option<GroupBy>,
    scope: Scope,
    from: NaiveDate,
    to: NaiveDate,
) -> (String, Vec<NaiveDate>, Vec<i64>) {
    let full_from = if from.day() == 1 { from } else { next_month(from) };
    let after = to + chrono::Duration::days(1);
    let full_to = if after.day() == 1 { after } else { first_of_month(to) };
    // Days [$1, $2) and [$3, $4); months [$5, $6).
    let dates = if full_from < full_to {
        vec![from, full_from, full_to, after, full_from, full_to]
    } else {
        vec![from, after, after, after, from, from]
    };
    let mut filter = String::new();
    let mut ids = Vec::new();
    for (col, v) in [("mpp_id", scope.mpp_id), ("provider_id", scope.provider_id), ("service_id", scope.service_id)] {
        if let Some(v) = v {
            ids.push(v);
            filter.push_str(&format!(" AND {col} = ${}", 6 + ids.len()));
        }
    }
    let cols = "mpp_id, provider_id, service_id, served, responses, s1, s2, s3, s4, s5, s6, s7, s8, s9";
    let rows = format!(
        "SELECT {cols} FROM service_day_stats WHERE ((day >= $1 AND day < $2) OR (day >= $3 AND day < $4)){filter}
         UNION ALL
         SELECT {cols} FROM service_month_stats WHERE month >= $5 AND month < $6{filter}"
    );
    let sql = match group {
        None => format!("SELECT CAST(0 AS BIGINT) AS id, {SUMS} FROM ({rows}) t"),
        Some(g) => {
            let key = match g {
                GroupBy::Mpp => "mpp_id",
                GroupBy::Provider => "provider_id",
                GroupBy::Service => "service_id",
            };
            format!("SELECT {key} AS id, {SUMS} FROM ({rows}) t GROUP BY {key} ORDER BY {key}")
        }
    };
    (sql, dates, ids)
}
