//! PostgreSQL errors as store errors, with the server's own message kept readable.

use std::fmt;

use tokio_postgres::error::SqlState;
use waspada_store::StoreError;

/// A PostgreSQL client error whose message includes what the server said (the driver's
/// own message for a server error is only "db error"). It is the `source` of the
/// [`StoreError::Backend`] errors this crate returns.
#[derive(Debug)]
pub struct PgError(tokio_postgres::Error);

impl PgError {
    /// The SQLSTATE code of a server error (`None` for connection and client errors).
    pub fn code(&self) -> Option<&SqlState> {
        self.0.code()
    }

    /// The driver's error.
    pub fn inner(&self) -> &tokio_postgres::Error {
        &self.0
    }
}

impl fmt::Display for PgError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0.as_db_error() {
            Some(db) => {
                write!(f, "PostgreSQL {}: {}", db.severity(), db.message())?;
                if let Some(detail) = db.detail() {
                    write!(f, " ({detail})")?;
                }
                write!(f, " [SQLSTATE {}]", db.code().code())
            }
            None => match std::error::Error::source(&self.0) {
                Some(cause) => write!(f, "{}: {cause}", self.0),
                None => write!(f, "{}", self.0),
            },
        }
    }
}

impl std::error::Error for PgError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        std::error::Error::source(&self.0)
    }
}

/// A `map_err` adapter naming the action that failed.
pub(crate) fn backend(action: &'static str) -> impl Fn(tokio_postgres::Error) -> StoreError {
    move |e| {
        // A connection that broke under us (the server restarted, the network dropped)
        // says the database is unreachable, not that the query was wrong.
        if e.is_closed() || is_io(&e) {
            StoreError::Unavailable {
                action,
                source: Box::new(PgError(e)),
            }
        } else {
            StoreError::Backend {
                action,
                source: Box::new(PgError(e)),
            }
        }
    }
}

/// The error (or one of its causes) is an I/O error: the connection, not the SQL.
fn is_io(e: &tokio_postgres::Error) -> bool {
    let mut cause = std::error::Error::source(e);
    while let Some(c) = cause {
        if c.is::<std::io::Error>() {
            return true;
        }
        cause = c.source();
    }
    false
}

/// A stored JSON value that does not parse.
pub(crate) fn json(what: &'static str) -> impl Fn(serde_json::Error) -> StoreError {
    move |source| StoreError::Json { what, source }
}

/// What [`crate::write`] calls its multi-row article insert: a unique violation there means
/// another writer stored one of the batch's articles first (one that took no locks, or an
/// older version); run again, the batch finds it and answers "same URL" or "same text".
pub(crate) const STORE_ARTICLES: &str = "store articles";

/// True when PostgreSQL aborted the transaction to break a deadlock or a serialisation
/// conflict, or the article insert lost a race: running it again is safe and usually
/// succeeds.
pub(crate) fn is_retryable(e: &StoreError) -> bool {
    let StoreError::Backend { source, action } = e else {
        return false;
    };
    source.downcast_ref::<PgError>().is_some_and(|pg| {
        matches!(
            pg.code(),
            Some(c) if *c == SqlState::T_R_DEADLOCK_DETECTED
                || *c == SqlState::T_R_SERIALIZATION_FAILURE
                || (*c == SqlState::UNIQUE_VIOLATION && *action == STORE_ARTICLES)
        )
    })
}
