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
    pub(crate) fn sql(action: &'static str) -> impl Fn(rusqlite::Error) -> StoreError {
        move |source| StoreError::Sql { action, source }
    }

    /// A `map_err` adapter for stored JSON.
    pub(crate) fn json(what: &'static str) -> impl Fn(serde_json::Error) -> StoreError {
        move |source| StoreError::Json { what, source }
    }
}
