//! Store connections for request handlers.
//!
//! A `rusqlite::Connection` is `Send` but not `Sync`: each request takes a [`Store`] out of
//! a small pool (opening a new one when the pool is empty), uses it on a blocking thread
//! and puts it back. WAL mode lets any number of these read while the pipeline writes.

use std::path::PathBuf;
use std::sync::Mutex;

use waspada_store::Store;

use crate::{ApiError, AppState};

/// Idle connections kept; more are opened under load and closed after use.
const MAX_IDLE: usize = 8;

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

    fn take(&self) -> Result<Store, ApiError> {
        let idle = self.idle.lock().ok().and_then(|mut v| v.pop());
        match idle {
            Some(s) => Ok(s),
            None => Store::open(&self.path).map_err(|e| ApiError::internal("opening the store", e)),
        }
    }

    fn give_back(&self, store: Store) {
        if let Ok(mut v) = self.idle.lock()
            && v.len() < MAX_IDLE
        {
            v.push(store);
        }
    }
}

impl AppState {
    /// Runs `f` with a store on a blocking thread.
    pub(crate) async fn with_store<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Store) -> Result<T, ApiError> + Send + 'static,
    {
        let pool = self.pool.clone();
        tokio::task::spawn_blocking(move || {
            let mut store = pool.take()?;
            let out = f(&mut store);
            pool.give_back(store);
            out
        })
        .await
        .map_err(|e| ApiError::internal("running a store query", e))?
    }
}
