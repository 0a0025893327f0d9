use sqlx::error::ErrorKind;

/// The unique constraints the services act on, by name. PostgreSQL reports a
/// violated constraint by its name; SQLite by its table and columns (or, for an
/// index on an expression, by the index name). Both are mapped here, once, so
/// no caller matches on an engine's message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Constraint {
    MppSlug,
    AgencySlug,
    ProviderSlug,
    ProviderQueuePrefix,
    CounterCode,
    ServiceCode,
    HolidayDate,
    UserEmail,
    ApiTokenHash,
    TicketToken,
    TicketNumber,
    TicketRequestKey,
    SlotStart,
    BookingCode,
    BookingOnePerNik,
    BookingRequestKey,
    SurveyCode,
    SurveyOnePerTicket,
    SurveyOnePerCode,
    ComplaintCode,
    /// One evaluation cycle per year.
    EvalCycleYear,
}

impl Constraint {
    pub const ALL: [Constraint; 21] = [
        Constraint::MppSlug,
        Constraint::AgencySlug,
        Constraint::ProviderSlug,
        Constraint::ProviderQueuePrefix,
        Constraint::CounterCode,
        Constraint::ServiceCode,
        Constraint::HolidayDate,
        Constraint::UserEmail,
        Constraint::ApiTokenHash,
        Constraint::TicketToken,
        Constraint::TicketNumber,
        Constraint::TicketRequestKey,
        Constraint::SlotStart,
        Constraint::BookingCode,
        Constraint::BookingOnePerNik,
        Constraint::BookingRequestKey,
        Constraint::SurveyCode,
        Constraint::SurveyOnePerTicket,
        Constraint::SurveyOnePerCode,
        Constraint::ComplaintCode,
        Constraint::EvalCycleYear,
    ];

    /// The constraint's (or unique index's) name on PostgreSQL.
    pub fn pg_name(self) -> &'static str {
        match self {
            Constraint::MppSlug => "mpps_slug_key",
            Constraint::AgencySlug => "agencies_slug_key",
            Constraint::ProviderSlug => "providers_mpp_slug",
            Constraint::ProviderQueuePrefix => "providers_mpp_queue_prefix",
            Constraint::CounterCode => "counters_mpp_code",
            Constraint::ServiceCode => "services_mpp_code",
            Constraint::HolidayDate => "holidays_scope_date",
            Constraint::UserEmail => "users_email_key",
            Constraint::ApiTokenHash => "api_tokens_token_hash_key",
            Constraint::TicketToken => "tickets_token_key",
            Constraint::TicketNumber => "tickets_number",
            Constraint::TicketRequestKey => "tickets_request_key",
            Constraint::SlotStart => "slots_service_start",
            Constraint::BookingCode => "bookings_code_key",
            Constraint::BookingOnePerNik => "bookings_one_per_nik",
            Constraint::BookingRequestKey => "bookings_request",
            Constraint::SurveyCode => "survey_codes_code_key",
            Constraint::SurveyOnePerTicket => "survey_one_per_ticket",
            Constraint::SurveyOnePerCode => "survey_one_per_code",
            Constraint::ComplaintCode => "complaints_code_hash_key",
            Constraint::EvalCycleYear => "eval_cycles_year",
        }
    }

    /// What SQLite names in "UNIQUE constraint failed: …".
    pub fn sqlite_target(self) -> &'static str {
        match self {
            Constraint::MppSlug => "mpps.slug",
            Constraint::AgencySlug => "agencies.slug",
            Constraint::ProviderSlug => "providers.mpp_id, providers.slug",
            Constraint::ProviderQueuePrefix => "providers.mpp_id, providers.queue_prefix",
            Constraint::CounterCode => "counters.mpp_id, counters.code",
            Constraint::ServiceCode => "services.mpp_id, services.code",
            Constraint::HolidayDate => "index 'holidays_scope_date'",
            Constraint::UserEmail => "users.email",
            Constraint::ApiTokenHash => "api_tokens.token_hash",
            Constraint::TicketToken => "tickets.token",
            Constraint::TicketNumber => "tickets.mpp_id, tickets.prefix, tickets.day, tickets.number",
            Constraint::TicketRequestKey => "tickets.mpp_id, tickets.request_key",
            Constraint::SlotStart => "slots.service_id, slots.starts_at",
            Constraint::BookingCode => "bookings.code",
            Constraint::BookingOnePerNik => "bookings.service_id, bookings.day, bookings.nik_guard",
            Constraint::BookingRequestKey => "bookings.mpp_id, bookings.request_key",
            Constraint::SurveyCode => "survey_codes.code",
            Constraint::SurveyOnePerTicket => "survey_responses.ticket_id",
            Constraint::SurveyOnePerCode => "survey_responses.code_id",
            Constraint::ComplaintCode => "complaints.code_hash",
            Constraint::EvalCycleYear => "eval_cycles.year",
        }
    }

    fn from_pg(name: &str) -> Option<Constraint> {
        Constraint::ALL.into_iter().find(|c| c.pg_name() == name)
    }

    fn from_sqlite(message: &str) -> Option<Constraint> {
        let target = message.strip_prefix("UNIQUE constraint failed: ")?.trim();
        Constraint::ALL.into_iter().find(|c| c.sqlite_target() == target)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A unique constraint refused the write: which one, when it is one the
    /// services know, and the engine's words for the log.
    #[error("unique constraint violated: {detail}")]
    Unique { constraint: Option<Constraint>, detail: String },
    /// A foreign key refused the write (the referenced row does not exist).
    #[error("foreign key violated: {0}")]
    ForeignKey(String),
    /// The database refused a value as out of its range or unstorable (PostgreSQL's
    /// data exceptions, SQLSTATE class 22: a NUL character, a year beyond its calendar).
    #[error("value refused by the database: {0}")]
    BadValue(String),
    /// No connection came free in time: the database is saturated. Worth a retry.
    #[error("database busy: no connection free in time")]
    Busy(#[source] sqlx::Error),
    #[error("stored data could not be read: {0}")]
    Corrupt(String),
    #[error("database error")]
    Db(#[source] sqlx::Error),
    #[error("migration failed")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

impl StoreError {
    /// Whether this is a violation of `c`.
    pub fn violates(&self, c: Constraint) -> bool {
        matches!(self, StoreError::Unique { constraint: Some(v), .. } if *v == c)
    }

    /// Whether this is any unique violation.
    pub fn is_unique(&self) -> bool {
        matches!(self, StoreError::Unique { .. })
    }
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        if let Some(db) = e.as_database_error() {
            match db.kind() {
                ErrorKind::UniqueViolation => {
                    let constraint = match db.constraint() {
                        Some(name) => Constraint::from_pg(name),
                        None => Constraint::from_sqlite(db.message()),
                    };
                    let detail = db.constraint().map(str::to_string).unwrap_or_else(|| db.message().to_string());
                    return StoreError::Unique { constraint, detail };
                }
                ErrorKind::ForeignKeyViolation => {
                    let detail = db.constraint().map(str::to_string).unwrap_or_else(|| db.message().to_string());
                    return StoreError::ForeignKey(detail);
                }
                _ if db.code().is_some_and(|c| c.starts_with("22")) => {
                    return StoreError::BadValue(db.message().to_string());
                }
                _ => {}
            }
        }
        match e {
            sqlx::Error::PoolTimedOut => StoreError::Busy(e),
            sqlx::Error::ColumnDecode { .. } | sqlx::Error::Decode(_) => StoreError::Corrupt(e.to_string()),
            e => StoreError::Db(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_messages_name_their_constraint() {
        assert_eq!(
            Constraint::from_sqlite("UNIQUE constraint failed: bookings.mpp_id, bookings.request_key"),
            Some(Constraint::BookingRequestKey)
        );
        assert_eq!(
            Constraint::from_sqlite("UNIQUE constraint failed: index 'holidays_scope_date'"),
            Some(Constraint::HolidayDate)
        );
        assert_eq!(Constraint::from_sqlite("UNIQUE constraint failed: other.thing"), None);
        assert_eq!(Constraint::from_pg("users_email_key"), Some(Constraint::UserEmail));
    }

    #[test]
    fn names_are_distinct() {
        for (i, a) in Constraint::ALL.iter().enumerate() {
            for b in &Constraint::ALL[i + 1..] {
                assert_ne!(a.pg_name(), b.pg_name());
                assert_ne!(a.sqlite_target(), b.sqlite_target());
            }
        }
    }
}
