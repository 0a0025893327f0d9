//! What an operation can refuse with. The web layer maps each to a status and
//! a message in the visitor's language.

use satuatap_domain::FieldError;
use satuatap_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The input has problems; each names its field.
    #[error("invalid input: {0:?}")]
    Invalid(Vec<FieldError>),
    #[error("not found")]
    NotFound,
    /// Signed in, but this account may not do this.
    #[error("forbidden")]
    Forbidden,
    /// Not signed in (or the session/token is no longer valid).
    #[error("authentication required")]
    Unauthenticated,
    #[error("wrong e-mail or password")]
    BadCredentials,
    /// Too many failed logins; try again after this many seconds.
    #[error("locked out for {retry_after} s")]
    LockedOut { retry_after: u64 },
    /// The state of the record does not allow this (e.g. publishing an archived service).
    #[error("not allowed in this state: {0}")]
    State(&'static str),
    /// Refused for a reason the caller can act on: a stable `code` for programs,
    /// and a message (translation `key` with `args`) for people.
    #[error("refused: {code}")]
    Refused { code: &'static str, key: &'static str, args: Vec<(&'static str, String)> },
    #[error("internal error: {0}")]
    Internal(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl From<StoreError> for Error {
    fn from(e: StoreError) -> Self {
        Error::Internal(e.to_string())
    }
}

impl Error {
    pub fn field(field: &str, invalid: satuatap_domain::Invalid) -> Error {
        Error::Invalid(vec![FieldError::new(field, invalid)])
    }

    pub fn refused(code: &'static str, key: &'static str) -> Error {
        Error::Refused { code, key, args: Vec::new() }
    }
}
