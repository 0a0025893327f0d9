//! Tickets, their numbering and timeline, counters' state, and queue figures.

use chrono::{DateTime, NaiveDate, Utc};

use crate::db::Engine;
use crate::model::{NewTicket, ServiceQueueRow, TicketEventRow, TicketRow};
use crate::{Result, Tx, on_conn};

const TICKET_SELECT: &str = "SELECT t.id, t.mpp_id, t.provider_id, t.service_id, t.day, t.prefix, t.number, t.code,
        t.token, t.status, t.outcome, t.outcome_reason, t.priority, t.source, t.arrived_at, t.issued_at, t.queue_key,
        t.counter_id, t.officer_id, t.target_counter_id, t.called_at, t.started_at, t.finished_at, t.recalls,
        t.extra_time_used, s.name AS service_name, s.name_en AS service_name_en, s.code AS service_code,
        p.name AS provider_name, p.name_en AS provider_name_en, p.booth, p.zone, k.code AS counter_code, k.name AS counter_name
    FROM tickets t
    JOIN services s ON s.id = t.service_id
    JOIN providers p ON p.id = t.provider_id
    LEFT JOIN counters k ON k.id = t.counter_id";

/// The tickets waiting ahead of one in its queue (prefix, local day), counted as the
/// ticket's page, its estimate and its turn-near message all count them. The arguments
/// are SQL expressions for its MPP, day, prefix, queue key and id.
pub(crate) fn ahead_of([mpp, day, prefix, key, id]: [&str; 5]) -> String {
    format!(
        "(SELECT COUNT(*) FROM tickets w
          WHERE w.mpp_id = {mpp} AND w.day = {day} AND w.prefix = {prefix} AND w.status = 'waiting'
            AND (w.queue_key < {key} OR (w.queue_key = {key} AND w.id < {id})))"
    )
}

/// Which waiting tickets a counter may call: its own services (or, when none are
/// listed, its provider's), not targeted at another counter, issued today.
const CALLABLE: &str = "t.mpp_id = $1 AND t.day = $2 AND t.status = 'waiting'
    AND (t.target_counter_id IS NULL OR t.target_counter_id = $3)
    AND (t.service_id IN (SELECT cs.service_id FROM counter_services cs WHERE cs.counter_id = $3)
         OR (NOT EXISTS (SELECT 1 FROM counter_services cs WHERE cs.counter_id = $3) AND t.provider_id = $4))";

/// One step in a ticket's timeline.
#[derive(Debug, Clone, Copy)]
pub struct NewTicketEvent<'a> {
    pub ticket_id: i64,
    pub mpp_id: i64,
    pub at: DateTime<Utc>,
    pub kind: &'a str,
    pub service_id: Option<i64>,
    pub counter_id: Option<i64>,
    pub officer_id: Option<i64>,
    pub note: Option<&'a str>,
}

/// A state change of a ticket, applied only if the ticket is in `from`.
#[derive(Debug, Clone, Copy)]
pub enum Transition {
    Recall,
    Start,
    Finish { served: bool },
    NoShow,
    ReturnToQueue,
    Cancel,
}

/// The ticket a counter just claimed.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Claimed {
    pub id: i64,
    pub service_id: i64,
    pub day: NaiveDate,
    pub issued_at: DateTime<Utc>,
}

impl Tx {
    /// The next number of a queue for a day; the row lock makes concurrent
    /// issuers wait, and a rolled-back ticket gives its number back.
    pub async fn next_ticket_number(&mut self, mpp_id: i64, prefix: &str, day: NaiveDate) -> Result<i64> {
        Ok(on_conn!(self, |c| sqlx::query_scalar(
            "INSERT INTO ticket_sequences (mpp_id, prefix, day, last_number) VALUES ($1, $2, $3, 1)
             ON CONFLICT (mpp_id, prefix, day) DO UPDATE SET last_number = ticket_sequences.last_number + 1
             RETURNING last_number"
        )
        .bind(mpp_id)
        .bind(prefix)
        .bind(day)
        .fetch_one(c)
        .await)?)
    }

    pub async fn insert_ticket(&mut self, t: &NewTicket) -> Result<i64> {
        Ok(on_conn!(self, |c| sqlx::query_scalar(
            "INSERT INTO tickets (mpp_id, provider_id, service_id, day, prefix, number, code, token, status, priority,
                source, arrived_at, issued_at, queue_key, target_counter_id, request_key)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'waiting', $9, $10, $11, $12, $13, $14, $15) RETURNING id"
        )
        .bind(t.mpp_id)
        .bind(t.provider_id)
        .bind(t.service_id)
        .bind(t.day)
        .bind(&t.prefix)
        .bind(t.number)
        .bind(&t.code)
        .bind(&t.token)
        .bind(t.priority.as_deref())
        .bind(&t.source)
        .bind(t.arrived_at)
        .bind(t.issued_at)
        .bind(t.queue_key)
        .bind(t.target_counter_id)
        .bind(t.request_key.as_deref())
        .fetch_one(c)
        .await)?)
    }

    pub async fn ticket(&mut self, id: i64) -> Result<Option<TicketRow>> {
        let sql = sqlx::AssertSqlSafe(format!("{TICKET_SELECT} WHERE t.id = $1"));
        Ok(on_conn!(self, |c| sqlx::query_as(sql).bind(id).fetch_optional(c).await)?)
    }

    /// The ticket an earlier request with this key issued, if any.
    pub async fn ticket_by_request(&mut self, mpp_id: i64, key: &str) -> Result<Option<TicketRow>> {
        let sql = sqlx::AssertSqlSafe(format!("{TICKET_SELECT} WHERE t.mpp_id = $1 AND t.request_key = $2"));
        Ok(on_conn!(self, |c| sqlx::query_as(sql).bind(mpp_id).bind(key).fetch_optional(c).await)?)
    }

    pub async fn ticket_by_token(&mut self, token: &str) -> Result<Option<TicketRow>> {
        let sql = sqlx::AssertSqlSafe(format!("{TICKET_SELECT} WHERE t.token = $1"));
        Ok(on_conn!(self, |c| sqlx::query_as(sql).bind(token).fetch_optional(c).await)?)
    }

    /// Tickets of an MPP on a day, in a state, newest call first.
    pub async fn tickets_of_day(
        &mut self,
        mpp_id: i64,
        day: NaiveDate,
        statuses: &[&str],
        limit: i64,
    ) -> Result<Vec<TicketRow>> {
        let list: Vec<String> = statuses.iter().map(|s| format!("'{}'", s.replace('\'', ""))).collect();
        let sql = sqlx::AssertSqlSafe(format!(
            "{TICKET_SELECT} WHERE t.mpp_id = $1 AND t.day = $2 AND t.status IN ({})
             ORDER BY COALESCE(t.called_at, t.issued_at) DESC, t.id DESC LIMIT $3",
            list.join(",")
        ));
        Ok(on_conn!(self, |c| sqlx::query_as(sql).bind(mpp_id).bind(day).bind(limit).fetch_all(c).await)?)
    }

    /// Atomically claim the first callable ticket for a counter: exactly one
    /// caller gets each ticket. PostgreSQL skips rows another caller is claiming;
    /// SQLite has one writer at a time.
    pub async fn claim_next(
        &mut self,
        mpp_id: i64,
        day: NaiveDate,
        counter_id: i64,
        provider_id: i64,
        officer_id: i64,
        now: DateTime<Utc>,
    ) -> Result<Option<Claimed>> {
        self.claim(mpp_id, day, counter_id, provider_id, officer_id, now, None).await
    }

    /// The claim behind `claim_next`, and for `only` one named ticket (the
    /// console's waiting list): the same guard, so two counters never both win.
    #[allow(clippy::too_many_arguments)]
    pub async fn claim(
        &mut self,
        mpp_id: i64,
        day: NaiveDate,
        counter_id: i64,
        provider_id: i64,
        officer_id: i64,
        now: DateTime<Utc>,
        only: Option<i64>,
    ) -> Result<Option<Claimed>> {
        let lock = match self.engine() {
            Engine::Postgres => "FOR UPDATE SKIP LOCKED",
            Engine::Sqlite => "",
        };
        let named = if only.is_some() { " AND t.id = $7" } else { "" };
        let sql = sqlx::AssertSqlSafe(format!(
            "UPDATE tickets SET status = 'called', counter_id = $3, officer_id = $5, called_at = $6,
                target_counter_id = NULL, recalls = 0
             WHERE id = (SELECT t.id FROM tickets t WHERE {CALLABLE}{named} ORDER BY t.queue_key, t.id LIMIT 1 {lock})
               AND status = 'waiting'
             RETURNING id, service_id, day, issued_at"
        ));
        Ok(on_conn!(self, |c| {
            let q = sqlx::query_as(sql)
                .bind(mpp_id)
                .bind(day)
                .bind(counter_id)
                .bind(provider_id)
                .bind(officer_id)
                .bind(now);
            match only {
                Some(id) => q.bind(id),
                None => q,
            }
            .fetch_optional(c)
            .await
        })?)
    }

    /// The tickets a counter may call, in the order `claim_next` takes them:
    /// "who is next" and the waiting list can never disagree with a call.
    pub async fn callable_tickets(
        &mut self,
        mpp_id: i64,
        day: NaiveDate,
        counter_id: i64,
        provider_id: i64,
        limit: i64,
    ) -> Result<(Vec<TicketRow>, i64)> {
        let sql = sqlx::AssertSqlSafe(format!("{TICKET_SELECT} WHERE {CALLABLE} ORDER BY t.queue_key, t.id LIMIT $5"));
        let rows = on_conn!(self, |c| sqlx::query_as(sql)
            .bind(mpp_id)
            .bind(day)
            .bind(counter_id)
            .bind(provider_id)
            .bind(limit)
            .fetch_all(c)
            .await)?;
        let count = sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM tickets t WHERE {CALLABLE}"));
        let total: i64 = on_conn!(self, |c| sqlx::query_scalar(count)
            .bind(mpp_id)
            .bind(day)
            .bind(counter_id)
            .bind(provider_id)
            .fetch_one(c)
            .await)?;
        Ok((rows, total))
    }

    /// Hold a counter for this transaction so calls at one counter go one at a
    /// time (PostgreSQL; SQLite's write transaction already excludes others).
    pub async fn lock_counter(&mut self, counter_id: i64) -> Result<()> {
        if self.engine() == Engine::Postgres {
            on_conn!(self, |c| sqlx::query("SELECT id FROM counters WHERE id = $1 FOR UPDATE")
                .bind(counter_id)
                .execute(c)
                .await
                .map(|r| r.rows_affected()))?;
        }
        Ok(())
    }

    /// Whether a ticket is being called or served at a counter.
    pub async fn counter_busy(&mut self, counter_id: i64) -> Result<bool> {
        Ok(on_conn!(self, |c| sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM tickets WHERE counter_id = $1 AND status IN ('called', 'serving'))"
        )
        .bind(counter_id)
        .fetch_one(c)
        .await)?)
    }

    /// Apply a transition if the ticket is still where the caller saw it;
    /// returns whether it applied (a stale console gets `false`).
    pub async fn transition_ticket(
        &mut self,
        id: i64,
        counter_id: i64,
        t: Transition,
        now: DateTime<Utc>,
        reason: Option<&str>,
    ) -> Result<bool> {
        let sql = match t {
            Transition::Recall => {
                "UPDATE tickets SET recalls = recalls + 1, called_at = $3
                 WHERE id = $1 AND counter_id = $2 AND status = 'called'"
            }
            Transition::Start => {
                "UPDATE tickets SET status = 'serving', started_at = $3
                 WHERE id = $1 AND counter_id = $2 AND status = 'called'"
            }
            Transition::Finish { served: true } => {
                "UPDATE tickets SET status = 'done', outcome = 'served', finished_at = $3, outcome_reason = $4
                 WHERE id = $1 AND counter_id = $2 AND status IN ('called', 'serving')"
            }
            Transition::Finish { served: false } => {
                "UPDATE tickets SET status = 'done', outcome = 'not_served', finished_at = $3, outcome_reason = $4
                 WHERE id = $1 AND counter_id = $2 AND status IN ('called', 'serving')"
            }
            Transition::NoShow => {
                "UPDATE tickets SET status = 'done', outcome = 'no_show', finished_at = $3, outcome_reason = $4
                 WHERE id = $1 AND counter_id = $2 AND status = 'called'"
            }
            Transition::ReturnToQueue => {
                "UPDATE tickets SET status = 'waiting', counter_id = NULL, officer_id = NULL, called_at = NULL,
                    recalls = 0
                 WHERE id = $1 AND counter_id = $2 AND status IN ('called', 'serving')"
            }
            Transition::Cancel => {
                "UPDATE tickets SET status = 'done', outcome = 'cancelled', finished_at = $3, outcome_reason = $4
                 WHERE id = $1 AND status IN ('waiting', 'called') AND ($2 = 0 OR counter_id = $2)"
            }
        };
        let n = on_conn!(self, |c| sqlx::query(sql)
            .bind(id)
            .bind(counter_id)
            .bind(now)
            .bind(reason)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    /// Move a ticket to another service (and optionally a counter), back in the queue.
    #[allow(clippy::too_many_arguments)]
    pub async fn transfer_ticket(
        &mut self,
        id: i64,
        from_counter: i64,
        service_id: i64,
        provider_id: i64,
        target_counter_id: Option<i64>,
        queue_key: DateTime<Utc>,
    ) -> Result<bool> {
        let n = on_conn!(self, |c| sqlx::query(
            "UPDATE tickets SET status = 'waiting', service_id = $3, provider_id = $4, target_counter_id = $5,
                queue_key = $6, counter_id = NULL, officer_id = NULL, called_at = NULL, started_at = NULL, recalls = 0
             WHERE id = $1 AND counter_id = $2 AND status IN ('called', 'serving')"
        )
        .bind(id)
        .bind(from_counter)
        .bind(service_id)
        .bind(provider_id)
        .bind(target_counter_id)
        .bind(queue_key)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    /// The visitor's "I need more time": a called ticket goes back to waiting,
    /// ordered `queue_key` (a little later), once.
    pub async fn give_more_time(&mut self, id: i64, queue_key: DateTime<Utc>) -> Result<bool> {
        let n = on_conn!(self, |c| sqlx::query(
            "UPDATE tickets SET status = 'waiting', extra_time_used = TRUE, queue_key = $2, counter_id = NULL,
                officer_id = NULL, called_at = NULL, recalls = 0
             WHERE id = $1 AND status = 'called' AND NOT extra_time_used"
        )
        .bind(id)
        .bind(queue_key)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    pub async fn insert_ticket_event(&mut self, e: &NewTicketEvent<'_>) -> Result<()> {
        let NewTicketEvent { ticket_id, mpp_id, at, kind, service_id, counter_id, officer_id, note } = *e;
        on_conn!(self, |c| sqlx::query(
            "INSERT INTO ticket_events (ticket_id, mpp_id, at, kind, service_id, counter_id, officer_id, note)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
        )
        .bind(ticket_id)
        .bind(mpp_id)
        .bind(at)
        .bind(kind)
        .bind(service_id)
        .bind(counter_id)
        .bind(officer_id)
        .bind(note)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(())
    }

    pub async fn ticket_events(&mut self, ticket_id: i64) -> Result<Vec<TicketEventRow>> {
        Ok(on_conn!(self, |c| sqlx::query_as(
            "SELECT e.id, e.ticket_id, e.at, e.kind, e.service_id, e.counter_id, e.officer_id, e.note,
                    k.code AS counter_code, u.name AS officer_name, s.name AS service_name
             FROM ticket_events e
             LEFT JOIN counters k ON k.id = e.counter_id
             LEFT JOIN users u ON u.id = e.officer_id
             LEFT JOIN services s ON s.id = e.service_id
             WHERE e.ticket_id = $1 ORDER BY e.id"
        )
        .bind(ticket_id)
        .fetch_all(c)
        .await)?)
    }

    /// For a waiting ticket: the tickets of its queue (prefix) called before it,
    /// and the open counters that call its service.
    pub async fn queue_position(&mut self, t: &TicketRow) -> Result<(i64, i64)> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {} AS ahead,
                (SELECT COUNT(*) FROM counters k WHERE k.state = 'open' AND k.active AND k.provider_id = $7
                   AND (EXISTS (SELECT 1 FROM counter_services cs WHERE cs.counter_id = k.id AND cs.service_id = $6)
                        OR NOT EXISTS (SELECT 1 FROM counter_services cs WHERE cs.counter_id = k.id))) AS open_counters",
            ahead_of(["$1", "$2", "$3", "$4", "$5"])
        ));
        Ok(on_conn!(self, |c| {
            sqlx::query_as(sql)
                .bind(t.mpp_id)
                .bind(t.day)
                .bind(&t.prefix)
                .bind(t.queue_key)
                .bind(t.id)
                .bind(t.service_id)
                .bind(t.provider_id)
                .fetch_one(c)
                .await
        })?)
    }

    /// Tickets waiting now at each operating MPP (by slug), for operators.
    pub async fn waiting_per_mpp(&mut self) -> Result<Vec<(String, i64)>> {
        Ok(on_conn!(self, |c| sqlx::query_as(
            "SELECT m.slug, (SELECT COUNT(*) FROM tickets t WHERE t.mpp_id = m.id AND t.status = 'waiting')
             FROM mpps m WHERE m.status = 'operating' ORDER BY m.slug"
        )
        .fetch_all(c)
        .await)?)
    }

    /// Per published service of an MPP: today's waiting tickets and the open
    /// counters that call it.
    pub async fn service_queues(&mut self, mpp_id: i64, day: NaiveDate) -> Result<Vec<ServiceQueueRow>> {
        Ok(on_conn!(self, |c| {
            sqlx::query_as(
            "SELECT s.id AS service_id, s.name AS service_name, s.name_en AS service_name_en, p.id AS provider_id,
                    p.name AS provider_name, p.zone, COALESCE(s.queue_prefix, p.queue_prefix) AS prefix,
                    (SELECT COUNT(*) FROM tickets t WHERE t.service_id = s.id AND t.day = $2 AND t.status = 'waiting')
                        AS waiting,
                    (SELECT COUNT(*) FROM counters k WHERE k.state = 'open' AND k.active AND k.provider_id = p.id
                        AND (EXISTS (SELECT 1 FROM counter_services cs WHERE cs.counter_id = k.id AND cs.service_id = s.id)
                             OR NOT EXISTS (SELECT 1 FROM counter_services cs WHERE cs.counter_id = k.id)))
                        AS open_counters
             FROM services s JOIN providers p ON p.id = s.provider_id
             WHERE s.mpp_id = $1 AND s.status = 'published' AND p.active
             ORDER BY lower(p.name), s.code"
        )
        .bind(mpp_id)
        .bind(day)
        .fetch_all(c)
        .await
        })?)
    }

    /// Whether a provider takes tickets, and its queue prefix.
    pub async fn provider_queue(&mut self, provider_id: i64) -> Result<Option<(bool, String)>> {
        Ok(on_conn!(self, |c| sqlx::query_as("SELECT active, queue_prefix FROM providers WHERE id = $1")
            .bind(provider_id)
            .fetch_optional(c)
            .await)?)
    }

    /// Start and finish of the most recent served tickets of a service.
    pub async fn recent_service_times(
        &mut self,
        service_id: i64,
        limit: i64,
    ) -> Result<Vec<(DateTime<Utc>, DateTime<Utc>)>> {
        Ok(on_conn!(self, |c| sqlx::query_as(
            "SELECT started_at, finished_at FROM tickets
             WHERE service_id = $1 AND outcome = 'served' AND started_at IS NOT NULL AND finished_at IS NOT NULL
             ORDER BY finished_at DESC LIMIT $2"
        )
        .bind(service_id)
        .bind(limit)
        .fetch_all(c)
        .await)?)
    }

    // --- counters ---------------------------------------------------------------------

    pub async fn set_counter_state(
        &mut self,
        counter_id: i64,
        state: &str,
        officer_id: Option<i64>,
        now: DateTime<Utc>,
    ) -> Result<()> {
        on_conn!(self, |c| sqlx::query(
            "UPDATE counters SET state = $2, officer_id = $3, state_since = $4 WHERE id = $1"
        )
        .bind(counter_id)
        .bind(state)
        .bind(officer_id)
        .bind(now)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// The ticket a counter is calling or serving, if any.
    pub async fn counter_current_ticket(&mut self, counter_id: i64) -> Result<Option<TicketRow>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "{TICKET_SELECT} WHERE t.counter_id = $1 AND t.status IN ('called', 'serving') ORDER BY t.called_at DESC LIMIT 1"
        ));
        Ok(on_conn!(self, |c| sqlx::query_as(sql).bind(counter_id).fetch_optional(c).await)?)
    }

    pub async fn counter_service_ids(&mut self, counter_id: i64) -> Result<Vec<i64>> {
        Ok(on_conn!(self, |c| sqlx::query_scalar(
            "SELECT service_id FROM counter_services WHERE counter_id = $1 ORDER BY service_id"
        )
        .bind(counter_id)
        .fetch_all(c)
        .await)?)
    }

    pub async fn set_counter_services(&mut self, counter_id: i64, mpp_id: i64, service_ids: &[i64]) -> Result<()> {
        on_conn!(self, |c| sqlx::query("DELETE FROM counter_services WHERE counter_id = $1")
            .bind(counter_id)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
        for s in service_ids {
            on_conn!(self, |c| {
                sqlx::query(
                "INSERT INTO counter_services (counter_id, service_id, mpp_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING"
            )
            .bind(counter_id)
            .bind(*s)
            .bind(mpp_id)
            .execute(c)
            .await
            .map(|r| r.rows_affected())
            })?;
        }
        Ok(())
    }

    /// Close the tickets still open on or before `day` as not served; returns how many.
    pub async fn close_open_tickets(
        &mut self,
        mpp_id: i64,
        day: NaiveDate,
        now: DateTime<Utc>,
        reason: &str,
    ) -> Result<u64> {
        on_conn!(self, |c| sqlx::query(
            "INSERT INTO ticket_events (ticket_id, mpp_id, at, kind, service_id, counter_id, officer_id, note)
             SELECT id, mpp_id, $3, 'closed', service_id, counter_id, officer_id, $4 FROM tickets
             WHERE mpp_id = $1 AND day <= $2 AND status IN ('waiting', 'called')"
        )
        .bind(mpp_id)
        .bind(day)
        .bind(now)
        .bind(reason)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(on_conn!(self, |c| sqlx::query(
            "UPDATE tickets SET status = 'done', outcome = 'closed', outcome_reason = $4, finished_at = $3
             WHERE mpp_id = $1 AND day <= $2 AND status IN ('waiting', 'called')"
        )
        .bind(mpp_id)
        .bind(day)
        .bind(now)
        .bind(reason)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?)
    }

    /// Send a notification to every node (PostgreSQL only; delivered on commit).
    pub async fn notify(&mut self, channel: &str, payload: &str) -> Result<()> {
        if self.engine() == Engine::Postgres {
            on_conn!(self, |c| sqlx::query("SELECT pg_notify($1, $2)")
                .bind(channel)
                .bind(payload)
                .execute(c)
                .await
                .map(|r| r.rows_affected()))?;
        }
        Ok(())
    }
}
