//! Booking rules, slots, bookings and the message outbox.

use chrono::{DateTime, NaiveDate, Utc};
use satuatap_domain::booking::BookingStatus;

use crate::model::{BookingRow, NewBooking, NewMessage, OutboxRow, SlotRow};
use crate::{Result, Tx, on_conn};

const SLOT_SELECT: &str = "SELECT id, mpp_id, service_id, day, starts_at, ends_at, capacity, booked FROM slots";

const BOOKING_SELECT: &str = "SELECT b.id, b.mpp_id, b.service_id, b.slot_id, b.day, b.code, b.status, b.name_sealed,
        b.nik_sealed, b.nik_index, b.nik_masked, b.phone_sealed, b.phone_masked, b.email_sealed, b.email_masked,
        b.ticket_id, b.created_at, b.cancelled_at, b.checked_in_at, sl.starts_at, sl.ends_at,
        s.name AS service_name, s.name_en AS service_name_en, s.code AS service_code, s.provider_id,
        p.name AS provider_name, m.slug AS mpp_slug, m.name AS mpp_name, m.time_zone
    FROM bookings b
    JOIN slots sl ON sl.id = b.slot_id
    JOIN services s ON s.id = b.service_id
    JOIN providers p ON p.id = s.provider_id
    JOIN mpps m ON m.id = b.mpp_id";

const OUTBOX_SELECT: &str = "SELECT id, mpp_id, booking_id, kind, channel, recipient_sealed, recipient_masked, subject,
        body_sealed, status, attempts, next_attempt_at, last_error, created_at, sent_at FROM outbox";

impl Tx {
    // --- rules --------------------------------------------------------------------------

    pub async fn booking_rules(&mut self, service_id: i64) -> Result<Option<String>> {
        Ok(on_conn!(self, |c| sqlx::query_scalar("SELECT rules FROM service_booking WHERE service_id = $1")
            .bind(service_id)
            .fetch_optional(c)
            .await)?)
    }

    /// A service's rules, locked until this transaction ends (PostgreSQL), so
    /// slots are never made from rules that are being changed.
    pub async fn lock_booking_rules(&mut self, service_id: i64) -> Result<Option<String>> {
        let sql = match self.engine() {
            crate::Engine::Postgres => "SELECT rules FROM service_booking WHERE service_id = $1 FOR UPDATE",
            crate::Engine::Sqlite => "SELECT rules FROM service_booking WHERE service_id = $1",
        };
        Ok(on_conn!(self, |c| sqlx::query_scalar(sql).bind(service_id).fetch_optional(c).await)?)
    }

    /// Every bookable service with its rules and the last day it has slots for:
    /// (service id, MPP id, rules JSON, last slot day).
    pub async fn all_booking_rules(&mut self) -> Result<Vec<(i64, i64, String, Option<NaiveDate>)>> {
        Ok(on_conn!(self, |c| {
            sqlx::query_as(
            "SELECT sb.service_id, sb.mpp_id, sb.rules, (SELECT MAX(sl.day) FROM slots sl WHERE sl.service_id = sb.service_id)
             FROM service_booking sb
             JOIN services s ON s.id = sb.service_id WHERE s.bookable AND s.status = 'published'
                AND (s.oss_role IS NULL OR s.oss_role <> 'session')"
        )
        .fetch_all(c)
        .await
        })?)
    }

    pub async fn set_booking_rules(
        &mut self,
        service_id: i64,
        mpp_id: i64,
        rules: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        on_conn!(self, |c| sqlx::query(
            "INSERT INTO service_booking (service_id, mpp_id, rules, updated_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (service_id) DO UPDATE SET rules = excluded.rules, updated_at = excluded.updated_at"
        )
        .bind(service_id)
        .bind(mpp_id)
        .bind(rules)
        .bind(now)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(())
    }

    // --- slots ---------------------------------------------------------------------------

    /// Create a slot unless it exists; returns whether it was new.
    pub async fn ensure_slot(&mut self, s: &SlotRow) -> Result<bool> {
        let n = on_conn!(self, |c| sqlx::query(
            "INSERT INTO slots (mpp_id, service_id, day, starts_at, ends_at, capacity, booked)
             VALUES ($1, $2, $3, $4, $5, $6, 0) ON CONFLICT (service_id, starts_at) DO NOTHING"
        )
        .bind(s.mpp_id)
        .bind(s.service_id)
        .bind(s.day)
        .bind(s.starts_at)
        .bind(s.ends_at)
        .bind(s.capacity)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    pub async fn slots(&mut self, service_id: i64, from: NaiveDate, to: NaiveDate) -> Result<Vec<SlotRow>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "{SLOT_SELECT} WHERE service_id = $1 AND day >= $2 AND day <= $3 ORDER BY starts_at"
        ));
        Ok(on_conn!(self, |c| sqlx::query_as(sql).bind(service_id).bind(from).bind(to).fetch_all(c).await)?)
    }

    pub async fn slot(&mut self, id: i64) -> Result<Option<SlotRow>> {
        let sql = sqlx::AssertSqlSafe(format!("{SLOT_SELECT} WHERE id = $1"));
        Ok(on_conn!(self, |c| sqlx::query_as(sql).bind(id).fetch_optional(c).await)?)
    }

    /// Take one seat if one is left: the database decides, never a read first.
    pub async fn take_seat(&mut self, slot_id: i64) -> Result<bool> {
        let n = on_conn!(self, |c| sqlx::query(
            "UPDATE slots SET booked = booked + 1 WHERE id = $1 AND booked < capacity"
        )
        .bind(slot_id)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    pub async fn free_seat(&mut self, slot_id: i64) -> Result<()> {
        on_conn!(self, |c| sqlx::query("UPDATE slots SET booked = booked - 1 WHERE id = $1")
            .bind(slot_id)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// Future slots of a service booked above `capacity` (what a reduction would break).
    pub async fn slots_above(&mut self, service_id: i64, after: DateTime<Utc>, capacity: i64) -> Result<Vec<SlotRow>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "{SLOT_SELECT} WHERE service_id = $1 AND starts_at > $2 AND booked > $3 ORDER BY starts_at"
        ));
        Ok(on_conn!(self, |c| sqlx::query_as(sql).bind(service_id).bind(after).bind(capacity).fetch_all(c).await)?)
    }

    pub async fn set_slot_capacity(&mut self, slot_id: i64, capacity: i64) -> Result<bool> {
        let n = on_conn!(self, |c| sqlx::query("UPDATE slots SET capacity = $2 WHERE id = $1 AND booked <= $2")
            .bind(slot_id)
            .bind(capacity)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    /// Future slots with nobody booked (removable when opening hours change).
    pub async fn delete_empty_slots(&mut self, service_id: i64, after: DateTime<Utc>) -> Result<u64> {
        Ok(on_conn!(self, |c| sqlx::query(
            "DELETE FROM slots WHERE service_id = $1 AND starts_at > $2 AND booked = 0
               AND NOT EXISTS (SELECT 1 FROM bookings b WHERE b.slot_id = slots.id)"
        )
        .bind(service_id)
        .bind(after)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?)
    }

    /// Slots whose `booked` differs from their active bookings (must be none).
    pub async fn slots_out_of_balance(&mut self) -> Result<i64> {
        Ok(on_conn!(self, |c| sqlx::query_scalar(
            "SELECT COUNT(*) FROM slots sl WHERE sl.booked <> (SELECT COUNT(*) FROM bookings b
                WHERE b.slot_id = sl.id AND b.status IN ('active', 'checked_in'))
               OR sl.booked > sl.capacity"
        )
        .fetch_one(c)
        .await)?)
    }

    // --- bookings ---------------------------------------------------------------------------

    pub async fn insert_booking(&mut self, b: &NewBooking, now: DateTime<Utc>) -> Result<i64> {
        Ok(on_conn!(self, |c| sqlx::query_scalar(
            "INSERT INTO bookings (mpp_id, service_id, slot_id, day, code, status, name_sealed, nik_sealed, nik_index,
                nik_masked, phone_sealed, phone_masked, email_sealed, email_masked, nik_guard, request_key, user_id,
                created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, 'active', $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $17)
             RETURNING id"
        )
        .bind(b.mpp_id)
        .bind(b.service_id)
        .bind(b.slot_id)
        .bind(b.day)
        .bind(&b.code)
        .bind(&b.name_sealed)
        .bind(&b.nik_sealed)
        .bind(&b.nik_index)
        .bind(&b.nik_masked)
        .bind(b.phone_sealed.as_deref())
        .bind(b.phone_masked.as_deref())
        .bind(b.email_sealed.as_deref())
        .bind(b.email_masked.as_deref())
        .bind(b.nik_guard.as_deref())
        .bind(b.request_key.as_deref())
        .bind(b.user_id)
        .bind(now)
        .fetch_one(c)
        .await)?)
    }

    pub async fn booking(&mut self, id: i64) -> Result<Option<BookingRow>> {
        let sql = sqlx::AssertSqlSafe(format!("{BOOKING_SELECT} WHERE b.id = $1"));
        Ok(on_conn!(self, |c| sqlx::query_as(sql).bind(id).fetch_optional(c).await)?)
    }

    pub async fn booking_by_code(&mut self, code: &str) -> Result<Option<BookingRow>> {
        let sql = sqlx::AssertSqlSafe(format!("{BOOKING_SELECT} WHERE b.code = $1"));
        Ok(on_conn!(self, |c| sqlx::query_as(sql).bind(code).fetch_optional(c).await)?)
    }

    pub async fn booking_by_request(&mut self, mpp_id: i64, key: &str) -> Result<Option<BookingRow>> {
        let sql = sqlx::AssertSqlSafe(format!("{BOOKING_SELECT} WHERE b.mpp_id = $1 AND b.request_key = $2"));
        Ok(on_conn!(self, |c| sqlx::query_as(sql).bind(mpp_id).bind(key).fetch_optional(c).await)?)
    }

    /// The active booking of a NIK for a service on a day, if any.
    pub async fn active_booking_of(
        &mut self,
        service_id: i64,
        day: NaiveDate,
        nik_index: &str,
    ) -> Result<Option<BookingRow>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "{BOOKING_SELECT} WHERE b.service_id = $1 AND b.day = $2 AND b.nik_index = $3 AND b.status = 'active'"
        ));
        Ok(on_conn!(self, |c| sqlx::query_as(sql).bind(service_id).bind(day).bind(nik_index).fetch_optional(c).await)?)
    }

    /// Bookings of an MPP on a day (optionally one provider), by slot.
    pub async fn bookings_of_day(
        &mut self,
        mpp_id: i64,
        day: NaiveDate,
        provider_id: Option<i64>,
    ) -> Result<Vec<BookingRow>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "{BOOKING_SELECT} WHERE b.mpp_id = $1 AND b.day = $2 AND ($3 IS NULL OR s.provider_id = $3)
             ORDER BY sl.starts_at, s.code, b.id"
        ));
        Ok(on_conn!(self, |c| sqlx::query_as(sql).bind(mpp_id).bind(day).bind(provider_id).fetch_all(c).await)?)
    }

    /// Change a booking's status if it is in one of `from`.
    pub async fn set_booking_status(
        &mut self,
        id: i64,
        from: &[BookingStatus],
        to: BookingStatus,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        // The values are the enum's own words, never input.
        let list: Vec<String> = from.iter().map(|s| format!("'{}'", s.as_str())).collect();
        let sql = sqlx::AssertSqlSafe(format!(
            "UPDATE bookings SET status = $2, updated_at = $3,
                cancelled_at = CASE WHEN $2 = 'cancelled' THEN $3 ELSE cancelled_at END,
                checked_in_at = CASE WHEN $2 = 'checked_in' THEN $3 ELSE checked_in_at END
             WHERE id = $1 AND status IN ({})",
            list.join(",")
        ));
        let n = on_conn!(self, |c| sqlx::query(sql)
            .bind(id)
            .bind(to.as_str())
            .bind(now)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    pub async fn set_booking_ticket(&mut self, id: i64, ticket_id: i64) -> Result<()> {
        on_conn!(self, |c| sqlx::query("UPDATE bookings SET ticket_id = $2 WHERE id = $1")
            .bind(id)
            .bind(ticket_id)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// Move an active booking to another slot (its seat already taken there).
    pub async fn move_booking(&mut self, id: i64, slot_id: i64, day: NaiveDate, now: DateTime<Utc>) -> Result<bool> {
        let n = on_conn!(self, |c| sqlx::query(
            "UPDATE bookings SET slot_id = $2, day = $3, updated_at = $4 WHERE id = $1 AND status = 'active'"
        )
        .bind(id)
        .bind(slot_id)
        .bind(day)
        .bind(now)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    /// No-shows of a NIK since a day (for the repeat no-show policy).
    pub async fn no_shows_since(&mut self, nik_index: &str, since: NaiveDate) -> Result<i64> {
        Ok(on_conn!(self, |c| sqlx::query_scalar(
            "SELECT COUNT(*) FROM bookings WHERE nik_index = $1 AND status = 'no_show' AND day >= $2"
        )
        .bind(nik_index)
        .bind(since)
        .fetch_one(c)
        .await)?)
    }

    /// Mark bookings never checked in on or before `day` as no-shows; returns
    /// how many per service and day.
    pub async fn mark_no_shows(
        &mut self,
        mpp_id: i64,
        day: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<Vec<(i64, NaiveDate, i64)>> {
        let per_service: Vec<(i64, NaiveDate, i64)> = on_conn!(self, |c| sqlx::query_as(
            "SELECT service_id, day, COUNT(*) FROM bookings WHERE mpp_id = $1 AND day <= $2 AND status = 'active'
             GROUP BY service_id, day ORDER BY service_id, day"
        )
        .bind(mpp_id)
        .bind(day)
        .fetch_all(c)
        .await)?;
        on_conn!(self, |c| {
            sqlx::query(
            "UPDATE bookings SET status = 'no_show', updated_at = $3 WHERE mpp_id = $1 AND day <= $2 AND status = 'active'"
        )
        .bind(mpp_id)
        .bind(day)
        .bind(now)
        .execute(c)
        .await
        .map(|r| r.rows_affected())
        })?;
        Ok(per_service)
    }

    // --- outbox ------------------------------------------------------------------------------

    pub async fn enqueue_message(&mut self, m: &NewMessage, now: DateTime<Utc>) -> Result<i64> {
        Ok(on_conn!(self, |c| {
            sqlx::query_scalar(
            "INSERT INTO outbox (mpp_id, booking_id, kind, channel, recipient_sealed, recipient_masked, subject, body_sealed,
                status, attempts, next_attempt_at, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'pending', 0, $9, $10) RETURNING id"
        )
        .bind(m.mpp_id)
        .bind(m.booking_id)
        .bind(&m.kind)
        .bind(&m.channel)
        .bind(&m.recipient_sealed)
        .bind(&m.recipient_masked)
        .bind(&m.subject)
        .bind(&m.body_sealed)
        .bind(m.send_at)
        .bind(now)
        .fetch_one(c)
        .await
        })?)
    }

    /// Pending messages due by `now`, oldest first.
    pub async fn due_messages(&mut self, now: DateTime<Utc>, limit: i64) -> Result<Vec<OutboxRow>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "{OUTBOX_SELECT} WHERE status = 'pending' AND next_attempt_at <= $1 ORDER BY next_attempt_at, id LIMIT $2"
        ));
        Ok(on_conn!(self, |c| sqlx::query_as(sql).bind(now).bind(limit).fetch_all(c).await)?)
    }

    /// Claim a message for sending (another worker that saw it gets `false`).
    pub async fn claim_message(&mut self, id: i64, attempts: i64, retry_at: DateTime<Utc>) -> Result<bool> {
        let n = on_conn!(self, |c| sqlx::query(
            "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = $3
             WHERE id = $1 AND status = 'pending' AND attempts = $2"
        )
        .bind(id)
        .bind(attempts)
        .bind(retry_at)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    pub async fn message_sent(&mut self, id: i64, now: DateTime<Utc>) -> Result<()> {
        on_conn!(self, |c| sqlx::query(
            "UPDATE outbox SET status = 'sent', sent_at = $2, last_error = NULL WHERE id = $1"
        )
        .bind(id)
        .bind(now)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// Withdraw a booking's reminders not sent yet (it was cancelled or moved).
    pub async fn withdraw_reminders(&mut self, booking_id: i64) -> Result<u64> {
        Ok(on_conn!(self, |c| sqlx::query(
            "UPDATE outbox SET status = 'withdrawn' WHERE booking_id = $1 AND kind = 'reminder' AND status = 'pending'"
        )
        .bind(booking_id)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?)
    }

    pub async fn message_failed(&mut self, id: i64, error: &str) -> Result<()> {
        on_conn!(self, |c| sqlx::query("UPDATE outbox SET last_error = $2 WHERE id = $1")
            .bind(id)
            .bind(error)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// The outbox for operators: messages pending, of them those whose last attempt
    /// failed, and those due now.
    pub async fn outbox_backlog(&mut self, now: DateTime<Utc>) -> Result<(i64, i64, i64)> {
        Ok(on_conn!(self, |c| sqlx::query_as(
            "SELECT COUNT(*), COUNT(last_error), COALESCE(SUM(CASE WHEN next_attempt_at <= $1 THEN 1 ELSE 0 END), 0)
             FROM outbox WHERE status = 'pending'"
        )
        .bind(now)
        .fetch_one(c)
        .await)?)
    }

    /// The latest messages (of one MPP, or all), newest first.
    pub async fn messages(&mut self, mpp_id: Option<i64>, channel: Option<&str>, limit: i64) -> Result<Vec<OutboxRow>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "{OUTBOX_SELECT} WHERE ($1 IS NULL OR mpp_id = $1) AND ($2 IS NULL OR channel = $2) ORDER BY id DESC LIMIT $3"
        ));
        Ok(on_conn!(self, |c| sqlx::query_as(sql).bind(mpp_id).bind(channel).bind(limit).fetch_all(c).await)?)
    }
}

impl Tx {
    /// Everyone booked on one slot (a group session's registrants), in booking order.
    pub async fn bookings_of_slot(&mut self, slot_id: i64) -> Result<Vec<BookingRow>> {
        let sql = sqlx::AssertSqlSafe(format!("{BOOKING_SELECT} WHERE b.slot_id = $1 ORDER BY b.id"));
        Ok(on_conn!(self, |c| sqlx::query_as(sql).bind(slot_id).fetch_all(c).await)?)
    }
}
