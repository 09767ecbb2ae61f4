//! Where request handlers get the store from.
//!
//! Handlers see a [`Workplace`]: the embedded SQLite store or, scaled out, PostgreSQL
//! shared by several `waspada serve` processes. Either way the work runs on one of Tokio's
//! blocking threads ([`AppState::with_workplace`]), so a slow query never stalls the event
//! loop.
//!
//! Embedded: a `rusqlite::Connection` is `Send` but not `Sync`, so each request takes a
//! [`Store`] out of a small pool (opening a new one when the pool is empty) and puts it
//! back. WAL mode lets any number of these read while the pipeline writes.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use waspada_store::{Store, StoreError, Workplace};

use crate::{ApiError, AppState};

/// A source of [`Workplace`]s for request handlers: the embedded store's connection pool,
/// or a PostgreSQL pool (implemented by the binary, which links the PostgreSQL client).
pub trait Workplaces: Send + Sync {
    /// Runs `f` with a workplace, on the calling (blocking) thread.
    fn with_workplace(&self, f: &mut dyn FnMut(&mut dyn Workplace)) -> Result<(), StoreError>;
}

/// Idle connections kept; more are opened under load and closed after use.
const MAX_IDLE: usize = 8;

/// The embedded store's connections.
pub(crate) struct Pool {
    path: PathBuf,
    idle: Mutex<Vec<Store>>,
}

impl Pool {
    pub(crate) fn new(path: PathBuf, first: Store) -> Pool {
        Pool {
            path,
            idle: Mutex::new(vec![first]),
        }
    }

    fn take(&self) -> Result<Store, StoreError> {
        let idle = self.idle.lock().ok().and_then(|mut v| v.pop());
        match idle {
            Some(s) => Ok(s),
            None => Store::open(&self.path),
        }
    }

    fn give_back(&self, store: Store) {
        if let Ok(mut v) = self.idle.lock()
            && v.len() < MAX_IDLE
        {
            v.push(store);
        }
    }

    /// Runs `f` with an embedded store (push ingest writes through the pipeline, which
    /// needs the SQLite store itself).
    pub(crate) fn with_store<T>(&self, f: impl FnOnce(&mut Store) -> T) -> Result<T, StoreError> {
        let mut store = self.take()?;
        let out = f(&mut store);
        self.give_back(store);
        Ok(out)
    }
}

impl Workplaces for Pool {
    fn with_workplace(&self, f: &mut dyn FnMut(&mut dyn Workplace)) -> Result<(), StoreError> {
        self.with_store(|s| f(s))
    }
}

impl AppState {
    /// Runs `f` with the store, on a blocking thread.
    pub(crate) async fn with_workplace<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&mut dyn Workplace) -> Result<T, ApiError> + Send + 'static,
    {
        let workplaces: Arc<dyn Workplaces> = Arc::clone(&self.workplaces);
        tokio::task::spawn_blocking(move || {
            let mut f = Some(f);
            let mut out = None;
            workplaces
                .with_workplace(&mut |w| out = f.take().map(|f| f(w)))
                .map_err(|e| ApiError::internal("opening the store", e))?;
            out.unwrap_or_else(|| Err(ApiError::internal("running a store query", "not run")))
        })
        .await
        .map_err(|e| ApiError::internal("running a store query", e))?
    }

    /// Runs `f` with the embedded SQLite store, on a blocking thread; `None` when the
    /// store is shared (PostgreSQL).
    pub(crate) async fn with_embedded_store<T, F>(&self, f: F) -> Result<Option<T>, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Store) -> Result<T, ApiError> + Send + 'static,
    {
        let Some(pool) = self.embedded.clone() else {
            return Ok(None);
        };
        tokio::task::spawn_blocking(move || {
            pool.with_store(f)
                .map_err(|e| ApiError::internal("opening the store", e))?
                .map(Some)
        })
        .await
        .map_err(|e| ApiError::internal("running a store query", e))?
    }
}
