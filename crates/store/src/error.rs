//! Store errors, worded for the person running Waspada.

use std::path::PathBuf;

/// What went wrong in the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database file could not be opened or created.
    #[error("cannot open the Waspada store at {path}: {source}")]
    Open {
        /// The file.
        path: PathBuf,
        /// SQLite's reason.
        #[source]
        source: rusqlite::Error,
    },
    /// The store was written by a newer Waspada.
    #[error(
        "this store has schema version {found}, but this Waspada only knows up to {supported}; \
         upgrade Waspada (the store was not changed)"
    )]
    TooNew {
        /// Version in the file.
        found: i64,
        /// Newest version this build knows.
        supported: i64,
    },
    /// A query failed.
    #[error("store: could not {action}: {source}")]
    Sql {
        /// What the store was doing.
        action: &'static str,
        /// SQLite's reason.
        #[source]
        source: rusqlite::Error,
    },
    /// A stored JSON value could not be read back.
    #[error("store: stored {what} is not valid JSON: {source}")]
    Json {
        /// Which value.
        what: &'static str,
        /// The parser's reason.
        #[source]
        source: serde_json::Error,
    },
    /// A stored text (an article body, an analysis) could not be decoded: the store file
    /// is damaged.
    #[error(
        "store: could not {action}: {source}. The store file is damaged; restore it from a \
         backup"
    )]
    Corrupt {
        /// What the store was doing.
        action: &'static str,
        /// What is wrong with the value.
        #[source]
        source: crate::CorruptText,
    },
    /// The database server cannot be reached (down, restarting, or the network is cut):
    /// worth trying again later, unlike the other errors.
    #[error("store: could not {action}: the database cannot be reached ({source})")]
    Unavailable {
        /// What the store was doing.
        action: &'static str,
        /// The backend's reason.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// Another backend (PostgreSQL) failed.
    #[error("store: could not {action}: {source}")]
    Backend {
        /// What the store was doing.
        action: &'static str,
        /// The backend's reason.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
}

impl StoreError {
    /// A `map_err` adapter naming the action that failed.
    ///
    /// A damaged stored text, reported by [`crate::StoredText`] while reading a row,
    /// becomes [`StoreError::Corrupt`].
    pub(crate) fn sql(action: &'static str) -> impl Fn(rusqlite::Error) -> StoreError {
        move |source| match source {
            rusqlite::Error::FromSqlConversionFailure(column, kind, e) => {
                match e.downcast::<crate::CorruptText>() {
                    Ok(corrupt) => StoreError::Corrupt {
                        action,
                        source: *corrupt,
                    },
                    Err(e) => StoreError::Sql {
                        action,
                        source: rusqlite::Error::FromSqlConversionFailure(column, kind, e),
                    },
                }
            }
            source => StoreError::Sql { action, source },
        }
    }

    /// A `map_err` adapter for stored JSON.
    pub(crate) fn json(what: &'static str) -> impl Fn(serde_json::Error) -> StoreError {
        move |source| StoreError::Json { what, source }
    }
}
