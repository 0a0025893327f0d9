//! The OSS help desk: which services are its consultation and session
//! services, its group sessions (each on its own booking slot), and the
//! record of each consultation.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use crate::{Result, Tx, on_conn};

const SESSION_SELECT: &str = "SELECT o.id, o.mpp_id, o.service_id, o.slot_id, o.title, o.room, o.note, o.cancelled_at,
        o.created_at, sl.day, sl.starts_at, sl.ends_at, sl.capacity, sl.booked,
        (SELECT COUNT(*) FROM bookings b WHERE b.slot_id = o.slot_id AND b.status = 'checked_in') AS attended,
        m.name AS mpp_name, m.slug AS mpp_slug, m.time_zone, s.name AS service_name, p.booth, p.zone
    FROM oss_sessions o
    JOIN slots sl ON sl.id = o.slot_id
    JOIN mpps m ON m.id = o.mpp_id
    JOIN services s ON s.id = o.service_id
    JOIN providers p ON p.id = s.provider_id";

const CONSULTATION_SELECT: &str = "SELECT c.id, c.mpp_id, c.service_id, s.name AS service_name, c.ticket_id,
        t.code AS ticket_number, c.booking_id, c.visitor_name_sealed, c.visitor_name_masked, c.phone_sealed,
        c.phone_masked, c.email_sealed, c.email_masked, c.business_name, c.activity, c.kbli, c.topic, c.outcome, c.nib,
        c.referred_provider_id, rp.name AS referred_provider_name, c.follow_up_on, c.follow_up_done_at, c.reminded_at,
        c.note, c.officer_id, c.officer_name, c.day, c.created_at, c.updated_at
    FROM oss_consultations c
    JOIN services s ON s.id = c.service_id
    LEFT JOIN tickets t ON t.id = c.ticket_id
    LEFT JOIN providers rp ON rp.id = c.referred_provider_id";

/// A service the OSS desk runs.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct OssServiceRow {
    pub service_id: i64,
    pub mpp_id: i64,
    pub provider_id: i64,
    pub provider_name: String,
    pub code: String,
    pub name: String,
    pub name_en: Option<String>,
    pub status: String,
    pub oss_role: String,
    pub booth: Option<String>,
    pub zone: Option<String>,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct OssSessionRow {
    pub id: i64,
    pub mpp_id: i64,
    pub service_id: i64,
    pub slot_id: i64,
    pub title: String,
    pub room: String,
    pub note: Option<String>,
    pub cancelled_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub day: NaiveDate,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub capacity: i64,
    pub booked: i64,
    pub attended: i64,
    pub mpp_name: String,
    pub mpp_slug: String,
    pub time_zone: String,
    pub service_name: String,
    pub booth: Option<String>,
    pub zone: Option<String>,
}

#[derive(Debug, Clone)]
pub struct NewOssSession {
    pub mpp_id: i64,
    pub service_id: i64,
    pub slot_id: i64,
    pub title: String,
    pub room: String,
    pub note: Option<String>,
    pub created_by: Option<i64>,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct OssConsultationRow {
    pub id: i64,
    pub mpp_id: i64,
    pub service_id: i64,
    pub service_name: String,
    pub ticket_id: Option<i64>,
    pub ticket_number: Option<String>,
    pub booking_id: Option<i64>,
    #[serde(skip)]
    pub visitor_name_sealed: Option<String>,
    pub visitor_name_masked: Option<String>,
    #[serde(skip)]
    pub phone_sealed: Option<String>,
    pub phone_masked: Option<String>,
    #[serde(skip)]
    pub email_sealed: Option<String>,
    pub email_masked: Option<String>,
    pub business_name: Option<String>,
    pub activity: Option<String>,
    pub kbli: Option<String>,
    pub topic: String,
    pub outcome: String,
    pub nib: Option<String>,
    pub referred_provider_id: Option<i64>,
    pub referred_provider_name: Option<String>,
    pub follow_up_on: Option<NaiveDate>,
    pub follow_up_done_at: Option<DateTime<Utc>>,
    pub reminded_at: Option<DateTime<Utc>>,
    pub note: Option<String>,
    pub officer_id: Option<i64>,
    pub officer_name: Option<String>,
    pub day: NaiveDate,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A consultation to record, personal data already sealed and masked.
#[derive(Debug, Clone, Default)]
pub struct NewOssConsultation {
    pub mpp_id: i64,
    pub service_id: i64,
    pub ticket_id: Option<i64>,
    pub booking_id: Option<i64>,
    pub visitor_name_sealed: Option<String>,
    pub visitor_name_masked: Option<String>,
    pub phone_sealed: Option<String>,
    pub phone_masked: Option<String>,
    pub email_sealed: Option<String>,
    pub email_masked: Option<String>,
    pub business_name: Option<String>,
    pub activity: Option<String>,
    pub kbli: Option<String>,
    pub topic: String,
    pub outcome: String,
    pub nib: Option<String>,
    pub referred_provider_id: Option<i64>,
    pub follow_up_on: Option<NaiveDate>,
    pub note: Option<String>,
    pub officer_id: Option<i64>,
    pub officer_name: Option<String>,
    pub day: NaiveDate,
}

/// An MPP's desk figures for a period.
#[derive(Debug, Clone, Default, Serialize, sqlx::FromRow)]
pub struct OssCountsRow {
    pub mpp_id: i64,
    pub consultations: i64,
    pub nib: i64,
    pub referred: i64,
    pub follow_up: i64,
    pub answered: i64,
    /// Follow-ups not done yet (of the period's consultations).
    pub follow_up_open: i64,
}

/// An MPP's group sessions held in a period.
#[derive(Debug, Clone, Default, Serialize, sqlx::FromRow)]
pub struct OssSessionCountsRow {
    pub mpp_id: i64,
    pub sessions: i64,
    pub seats: i64,
    pub registered: i64,
    pub attended: i64,
}

impl Tx {
    /// The services an MPP's desk runs (or every MPP's), consultation first.
    pub async fn oss_services(&mut self, mpp_id: Option<i64>) -> Result<Vec<OssServiceRow>> {
        Ok(on_conn!(self, |c| sqlx::query_as(
            "SELECT s.id AS service_id, s.mpp_id, s.provider_id, p.name AS provider_name, s.code, s.name, s.name_en,
                s.status, s.oss_role, p.booth, p.zone
             FROM services s JOIN providers p ON p.id = s.provider_id
             WHERE s.oss_role IS NOT NULL AND ($1 IS NULL OR s.mpp_id = $1)
             ORDER BY s.mpp_id, CASE WHEN s.oss_role = 'consultation' THEN 0 ELSE 1 END, s.id"
        )
        .bind(mpp_id)
        .fetch_all(c)
        .await)?)
    }

    pub async fn service_oss_role(&mut self, service_id: i64) -> Result<Option<String>> {
        Ok(on_conn!(self, |c| sqlx::query_scalar::<_, Option<String>>("SELECT oss_role FROM services WHERE id = $1")
            .bind(service_id)
            .fetch_optional(c)
            .await)?
        .flatten())
    }

    /// Give a service its desk role, taking the role from any other service of the MPP that had it.
    pub async fn set_service_oss_role(&mut self, mpp_id: i64, service_id: i64, role: &str) -> Result<()> {
        on_conn!(self, |c| sqlx::query(
            "UPDATE services SET oss_role = NULL WHERE mpp_id = $1 AND oss_role = $2 AND id <> $3"
        )
        .bind(mpp_id)
        .bind(role)
        .bind(service_id)
        .execute(c)
        .await
        .map(|_| ()))?;
        on_conn!(self, |c| sqlx::query("UPDATE services SET oss_role = $2 WHERE id = $1")
            .bind(service_id)
            .bind(role)
            .execute(c)
            .await
            .map(|_| ()))?;
        Ok(())
    }

    /// A one-off slot (a session's seats): its id, or none if the service already has one starting then.
    pub async fn insert_slot(
        &mut self,
        mpp_id: i64,
        service_id: i64,
        day: NaiveDate,
        starts_at: DateTime<Utc>,
        ends_at: DateTime<Utc>,
        capacity: i64,
    ) -> Result<Option<i64>> {
        Ok(on_conn!(self, |c| sqlx::query_scalar(
            "INSERT INTO slots (mpp_id, service_id, day, starts_at, ends_at, capacity, booked)
             VALUES ($1, $2, $3, $4, $5, $6, 0) ON CONFLICT (service_id, starts_at) DO NOTHING RETURNING id"
        )
        .bind(mpp_id)
        .bind(service_id)
        .bind(day)
        .bind(starts_at)
        .bind(ends_at)
        .bind(capacity)
        .fetch_optional(c)
        .await)?)
    }

    pub async fn insert_oss_session(&mut self, n: &NewOssSession, now: DateTime<Utc>) -> Result<i64> {
        Ok(on_conn!(self, |c| {
            sqlx::query_scalar(
            "INSERT INTO oss_sessions (mpp_id, service_id, slot_id, title, room, note, created_by, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id"
        )
        .bind(n.mpp_id)
        .bind(n.service_id)
        .bind(n.slot_id)
        .bind(&n.title)
        .bind(&n.room)
        .bind(&n.note)
        .bind(n.created_by)
        .bind(now)
        .fetch_one(c)
        .await
        })?)
    }

    pub async fn oss_session(&mut self, id: i64) -> Result<Option<OssSessionRow>> {
        let sql = sqlx::AssertSqlSafe(format!("{SESSION_SELECT} WHERE o.id = $1"));
        Ok(on_conn!(self, |c| sqlx::query_as(sql).bind(id).fetch_optional(c).await)?)
    }

    pub async fn oss_session_of_slot(&mut self, slot_id: i64) -> Result<Option<OssSessionRow>> {
        let sql = sqlx::AssertSqlSafe(format!("{SESSION_SELECT} WHERE o.slot_id = $1"));
        Ok(on_conn!(self, |c| sqlx::query_as(sql).bind(slot_id).fetch_optional(c).await)?)
    }

    /// An MPP's sessions (or every MPP's) ending after `after`, soonest first; cancelled ones only if asked.
    pub async fn oss_sessions(
        &mut self,
        mpp_id: Option<i64>,
        after: DateTime<Utc>,
        with_cancelled: bool,
        limit: i64,
    ) -> Result<Vec<OssSessionRow>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "{SESSION_SELECT} WHERE ($1 IS NULL OR o.mpp_id = $1) AND sl.ends_at > $2
                AND ($3 OR o.cancelled_at IS NULL) ORDER BY sl.starts_at, o.id LIMIT $4"
        ));
        Ok(on_conn!(self, |c| sqlx::query_as(sql)
            .bind(mpp_id)
            .bind(after)
            .bind(with_cancelled)
            .bind(limit)
            .fetch_all(c)
            .await)?)
    }

    /// An MPP's sessions that ended by `before`, latest first.
    pub async fn past_oss_sessions(
        &mut self,
        mpp_id: i64,
        before: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<OssSessionRow>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "{SESSION_SELECT} WHERE o.mpp_id = $1 AND sl.ends_at <= $2 ORDER BY sl.starts_at DESC, o.id DESC LIMIT $3"
        ));
        Ok(on_conn!(self, |c| sqlx::query_as(sql).bind(mpp_id).bind(before).bind(limit).fetch_all(c).await)?)
    }

    /// Cancel a session unless it already was.
    pub async fn cancel_oss_session(&mut self, id: i64, now: DateTime<Utc>) -> Result<bool> {
        let n = on_conn!(self, |c| sqlx::query(
            "UPDATE oss_sessions SET cancelled_at = $2, updated_at = $2 WHERE id = $1 AND cancelled_at IS NULL"
        )
        .bind(id)
        .bind(now)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    /// A cancelled session's slot takes no more seats.
    pub async fn close_slot(&mut self, slot_id: i64) -> Result<()> {
        on_conn!(self, |c| sqlx::query("UPDATE slots SET capacity = booked WHERE id = $1")
            .bind(slot_id)
            .execute(c)
            .await
            .map(|_| ()))?;
        Ok(())
    }

    pub async fn insert_oss_consultation(&mut self, n: &NewOssConsultation, now: DateTime<Utc>) -> Result<i64> {
        Ok(on_conn!(self, |c| {
            sqlx::query_scalar(
            "INSERT INTO oss_consultations (mpp_id, service_id, ticket_id, booking_id, visitor_name_sealed,
                visitor_name_masked, phone_sealed, phone_masked, email_sealed, email_masked, business_name, activity, kbli,
                topic, outcome, nib, referred_provider_id, follow_up_on, note, officer_id, officer_name, day, created_at,
                updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22,
                $23, $23) RETURNING id"
        )
        .bind(n.mpp_id)
        .bind(n.service_id)
        .bind(n.ticket_id)
        .bind(n.booking_id)
        .bind(&n.visitor_name_sealed)
        .bind(&n.visitor_name_masked)
        .bind(&n.phone_sealed)
        .bind(&n.phone_masked)
        .bind(&n.email_sealed)
        .bind(&n.email_masked)
        .bind(&n.business_name)
        .bind(&n.activity)
        .bind(&n.kbli)
        .bind(&n.topic)
        .bind(&n.outcome)
        .bind(&n.nib)
        .bind(n.referred_provider_id)
        .bind(n.follow_up_on)
        .bind(&n.note)
        .bind(n.officer_id)
        .bind(&n.officer_name)
        .bind(n.day)
        .bind(now)
        .fetch_one(c)
        .await
        })?)
    }

    pub async fn oss_consultation(&mut self, id: i64) -> Result<Option<OssConsultationRow>> {
        let sql = sqlx::AssertSqlSafe(format!("{CONSULTATION_SELECT} WHERE c.id = $1"));
        Ok(on_conn!(self, |c| sqlx::query_as(sql).bind(id).fetch_optional(c).await)?)
    }

    /// An MPP's consultations held from `from` to `to` (local days), latest first.
    pub async fn oss_consultations(
        &mut self,
        mpp_id: i64,
        from: NaiveDate,
        to: NaiveDate,
        limit: i64,
    ) -> Result<Vec<OssConsultationRow>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "{CONSULTATION_SELECT} WHERE c.mpp_id = $1 AND c.day >= $2 AND c.day <= $3 ORDER BY c.created_at DESC, c.id DESC
             LIMIT $4"
        ));
        Ok(on_conn!(self, |c| sqlx::query_as(sql).bind(mpp_id).bind(from).bind(to).bind(limit).fetch_all(c).await)?)
    }

    /// Follow-ups not done, the earliest date first (an MPP's, or every MPP's due by `by`).
    pub async fn open_follow_ups(
        &mut self,
        mpp_id: Option<i64>,
        by: Option<NaiveDate>,
        unreminded_only: bool,
    ) -> Result<Vec<OssConsultationRow>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "{CONSULTATION_SELECT} WHERE c.outcome = 'follow_up' AND c.follow_up_done_at IS NULL
                AND ($1 IS NULL OR c.mpp_id = $1) AND ($2 IS NULL OR c.follow_up_on <= $2)
                AND (NOT $3 OR c.reminded_at IS NULL)
             ORDER BY c.follow_up_on, c.id LIMIT 500"
        ));
        Ok(on_conn!(self, |c| sqlx::query_as(sql).bind(mpp_id).bind(by).bind(unreminded_only).fetch_all(c).await)?)
    }

    /// Close a follow-up with what came of it, unless someone closed it first.
    pub async fn finish_follow_up(
        &mut self,
        id: i64,
        outcome: &str,
        nib: Option<&str>,
        referred_provider_id: Option<i64>,
        note: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        let n = on_conn!(self, |c| sqlx::query(
            "UPDATE oss_consultations SET outcome = $2, nib = COALESCE($3, nib),
                referred_provider_id = COALESCE($4, referred_provider_id), note = COALESCE($5, note),
                follow_up_done_at = $6, updated_at = $6
             WHERE id = $1 AND outcome = 'follow_up' AND follow_up_done_at IS NULL"
        )
        .bind(id)
        .bind(outcome)
        .bind(nib)
        .bind(referred_provider_id)
        .bind(note)
        .bind(now)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    /// Mark a follow-up's reminder sent, unless another node did.
    pub async fn mark_follow_up_reminded(&mut self, id: i64, now: DateTime<Utc>) -> Result<bool> {
        let n = on_conn!(self, |c| sqlx::query(
            "UPDATE oss_consultations SET reminded_at = $2 WHERE id = $1 AND reminded_at IS NULL"
        )
        .bind(id)
        .bind(now)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    /// Consultations per MPP held from `from` to `to` (one MPP's or all).
    pub async fn oss_counts(
        &mut self,
        mpp_id: Option<i64>,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<OssCountsRow>> {
        Ok(on_conn!(self, |c| sqlx::query_as(
            "SELECT mpp_id, COUNT(*) AS consultations,
                COUNT(CASE WHEN outcome = 'nib' THEN 1 END) AS nib,
                COUNT(CASE WHEN outcome = 'referred' THEN 1 END) AS referred,
                COUNT(CASE WHEN outcome = 'follow_up' THEN 1 END) AS follow_up,
                COUNT(CASE WHEN outcome = 'answered' THEN 1 END) AS answered,
                COUNT(CASE WHEN outcome = 'follow_up' AND follow_up_done_at IS NULL THEN 1 END) AS follow_up_open
             FROM oss_consultations WHERE ($1 IS NULL OR mpp_id = $1) AND day >= $2 AND day <= $3
             GROUP BY mpp_id ORDER BY mpp_id"
        )
        .bind(mpp_id)
        .bind(from)
        .bind(to)
        .fetch_all(c)
        .await)?)
    }

    /// Group sessions per MPP held from `from` to `to`, cancelled ones left out.
    pub async fn oss_session_counts(
        &mut self,
        mpp_id: Option<i64>,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<OssSessionCountsRow>> {
        Ok(on_conn!(self, |c| sqlx::query_as(
            "SELECT o.mpp_id, COUNT(*) AS sessions, CAST(COALESCE(SUM(sl.capacity), 0) AS BIGINT) AS seats,
                CAST(COALESCE(SUM(sl.booked), 0) AS BIGINT) AS registered,
                (SELECT COUNT(*) FROM bookings b JOIN oss_sessions o2 ON o2.slot_id = b.slot_id
                    JOIN slots s2 ON s2.id = b.slot_id
                    WHERE o2.mpp_id = o.mpp_id AND o2.cancelled_at IS NULL AND s2.day >= $2 AND s2.day <= $3
                        AND b.status = 'checked_in') AS attended
             FROM oss_sessions o JOIN slots sl ON sl.id = o.slot_id
             WHERE ($1 IS NULL OR o.mpp_id = $1) AND o.cancelled_at IS NULL AND sl.day >= $2 AND sl.day <= $3
             GROUP BY o.mpp_id ORDER BY o.mpp_id"
        )
        .bind(mpp_id)
        .bind(from)
        .bind(to)
        .fetch_all(c)
        .await)?)
    }
}
