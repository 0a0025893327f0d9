use sqlx::error::ErrorKind;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A unique constraint refused the write; carries the constraint's name or
    /// the engine's message, which names the columns.
    #[error("unique constraint violated: {0}")]
    Unique(String),
    /// A foreign key refused the write (the referenced row does not exist).
    #[error("foreign key violated: {0}")]
    ForeignKey(String),
    #[error("stored data could not be read: {0}")]
    Corrupt(String),
    #[error("database error: {0}")]
    Db(sqlx::Error),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

impl StoreError {
    /// Whether this is a unique violation involving `column` (or a constraint
    /// named after it), so the service can name the offending field.
    pub fn is_unique_on(&self, column: &str) -> bool {
        matches!(self, StoreError::Unique(detail) if detail.contains(column))
    }
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        if let Some(db) = e.as_database_error() {
            let detail = db.constraint().map(str::to_string).unwrap_or_else(|| db.message().to_string());
            match db.kind() {
                ErrorKind::UniqueViolation => return StoreError::Unique(detail),
                ErrorKind::ForeignKeyViolation => return StoreError::ForeignKey(detail),
                _ => {}
            }
        }
        if let sqlx::Error::ColumnDecode { .. } | sqlx::Error::Decode(_) = e {
            return StoreError::Corrupt(e.to_string());
        }
        StoreError::Db(e)
    }
}
