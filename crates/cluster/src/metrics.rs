//! Per-worker counters, logged as one JSON line every few seconds and at exit.
//!
//! A line per interval rather than a metrics server: operators grep the journal, and the
//! fault test reads the lines to see redeliveries happen. The counters are totals since
//! the process started.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use serde::Serialize;

use crate::Shutdown;

/// The counters of one worker process.
#[derive(Debug, Default)]
pub struct Metrics {
    /// Messages pulled from the queue.
    pub pulled: AtomicU64,
    /// New articles stored (or documents indexed, for the index stage; jobs published,
    /// for the fetch stage).
    pub stored_new: AtomicU64,
    /// Articles already stored under their URL.
    pub same_url: AtomicU64,
    /// Articles whose text was already stored under another URL.
    pub same_text: AtomicU64,
    /// Messages pulled that had been delivered before (a worker died or gave up on them).
    pub redelivered: AtomicU64,
    /// Messages moved to the dead letters.
    pub dead_lettered: AtomicU64,
    /// Failures (store, queue, index) that made a batch wait for another try.
    pub errors: AtomicU64,
    /// Milliseconds spent analysing and hashing (all cores; wall time per batch).
    pub prepare_ms: AtomicU64,
    /// Milliseconds spent in the store (URL screen and the batch transaction).
    pub store_ms: AtomicU64,
    /// Milliseconds spent on the queue after the commit (index publishes and acks).
    pub queue_ms: AtomicU64,
}

/// A copy of the counters at one moment, as logged.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct MetricsSnapshot {
    /// See [`Metrics::pulled`].
    pub pulled: u64,
    /// See [`Metrics::stored_new`].
    pub stored_new: u64,
    /// See [`Metrics::same_url`].
    pub same_url: u64,
    /// See [`Metrics::same_text`].
    pub same_text: u64,
    /// See [`Metrics::redelivered`].
    pub redelivered: u64,
    /// See [`Metrics::dead_lettered`].
    pub dead_lettered: u64,
    /// See [`Metrics::errors`].
    pub errors: u64,
    /// See [`Metrics::prepare_ms`].
    #[serde(default)]
    pub prepare_ms: u64,
    /// See [`Metrics::store_ms`].
    #[serde(default)]
    pub store_ms: u64,
    /// See [`Metrics::queue_ms`].
    #[serde(default)]
    pub queue_ms: u64,
}

/// Adds the milliseconds since `since` to a counter.
pub(crate) fn add_ms(counter: &AtomicU64, since: std::time::Instant) {
    add(counter, since.elapsed().as_millis() as u64);
}

/// Adds `n` to a counter.
pub(crate) fn add(counter: &AtomicU64, n: u64) {
    counter.fetch_add(n, Ordering::Relaxed);
}

impl Metrics {
    /// The counters now.
    pub fn snapshot(&self) -> MetricsSnapshot {
        let get = |c: &AtomicU64| c.load(Ordering::Relaxed);
        MetricsSnapshot {
            pulled: get(&self.pulled),
            stored_new: get(&self.stored_new),
            same_url: get(&self.same_url),
            same_text: get(&self.same_text),
            redelivered: get(&self.redelivered),
            dead_lettered: get(&self.dead_lettered),
            errors: get(&self.errors),
            prepare_ms: get(&self.prepare_ms),
            store_ms: get(&self.store_ms),
            queue_ms: get(&self.queue_ms),
        }
    }

    /// One JSON line: `{"metrics":{...},"stage":..,"worker":..,"final":..}`.
    pub fn line(&self, stage: &str, worker: &str, last: bool) -> String {
        serde_json::json!({
            "metrics": self.snapshot(),
            "stage": stage,
            "worker": worker,
            "final": last,
            "at_ms": waspada_store::now_ms(),
        })
        .to_string()
    }

    /// Writes a line to standard error every `every` until `shutdown`, then a last one.
    pub async fn log_every(&self, stage: &str, worker: &str, every: Duration, shutdown: Shutdown) {
        let mut shutdown = shutdown;
        loop {
            tokio::select! {
                () = tokio::time::sleep(every) => eprintln!("{}", self.line(stage, worker, false)),
                () = shutdown.wait() => break,
            }
        }
        eprintln!("{}", self.line(stage, worker, true));
    }
}
