//! The scale-out deployment's processes: stateless workers per stage and one scheduler.
//!
//! ```text
//!  scheduler (holds the lease `scheduler`)
//!     │ due sources                       every interval: refresh_series → detect → signals
//!     ▼
//!  fetch stage ──► fetch workers ──► analyse stage ──► analyse workers ──► index stage ──► indexer
//!                  (HTTP, feeds;       (queue)          (prepare on all      (queue)        (tantivy dir)
//!                   state in KV)                         cores; store)
//! ```
//!
//! Every worker is generic over the store ([`waspada_store::Records`]: SQLite or
//! PostgreSQL) and the queue ([`waspada_queue::Queue`]: in memory or NATS JetStream), and
//! runs the same pipeline code as the embedded `waspada run` (`waspada_pipeline::prepare`,
//! the poller's page extraction). Processes hold no state of their own: kill one and the
//! queue hands its messages to another.
//!
//! The dashboard sees the sources through the store, not the queue: the scheduler
//! registers its configured sources there ([`Records::register_sources`]) and names each
//! one's id in its fetch jobs; the fetch worker gives that id to the articles it publishes
//! and copies each poll's outcome to the store's fetch state
//! ([`Records::put_fetch_state`]). The KV copy stays the workers' own (conditional GET,
//! back-off); the store copy is what the Sources page shows.
//!
//! [`Records::register_sources`]: waspada_store::Records::register_sources
//! [`Records::put_fetch_state`]: waspada_store::Records::put_fetch_state
//!
//! The rule that makes that safe: **acknowledge after commit**. A batch is stored in one
//! transaction, its index jobs are published, and only then are its messages acked. A
//! crash in between means redelivery, and storing again is idempotent (the article comes
//! back as "same URL"), so every article is stored exactly once in effect.
#![deny(missing_docs)]

pub mod analyse;
pub mod fetch;
pub mod index;
pub mod messages;
pub mod metrics;
pub mod scheduler;

use std::time::Duration;

pub use metrics::{Metrics, MetricsSnapshot};

/// What stops a worker. Bad messages never do: they go to the dead letters.
#[derive(Debug, thiserror::Error)]
pub enum ClusterError {
    /// The store failed.
    #[error("store: {0}")]
    Store(#[from] waspada_store::StoreError),
    /// The queue failed.
    #[error("queue: {0}")]
    Queue(#[from] waspada_queue::QueueError),
    /// The search index failed.
    #[error("search index: {0}")]
    Search(#[from] waspada_search::SearchError),
    /// A pipeline stage failed.
    #[error(transparent)]
    Pipeline(#[from] waspada_pipeline::PipelineError),
    /// The fetcher could not be built from the configuration.
    #[error("fetcher: {0}")]
    Fetch(#[from] waspada_fetch::FetchError),
    /// A blocking task panicked or was cancelled.
    #[error("a background task failed: {0}")]
    Task(String),
}

/// The stop signal a worker watches: set once (SIGTERM, ctrl-c, a test), seen by every
/// clone. A worker finishes and acks the batch in hand, then returns.
#[derive(Debug, Clone)]
pub struct Shutdown(tokio::sync::watch::Receiver<bool>);

/// The sending side of [`Shutdown`].
#[derive(Debug)]
pub struct ShutdownTrigger(tokio::sync::watch::Sender<bool>);

impl Shutdown {
    /// A new signal, not yet set, and its trigger.
    pub fn new() -> (ShutdownTrigger, Shutdown) {
        let (tx, rx) = tokio::sync::watch::channel(false);
        (ShutdownTrigger(tx), Shutdown(rx))
    }

    /// The signal is set.
    pub fn is_set(&self) -> bool {
        *self.0.borrow()
    }

    /// Waits until the signal is set (or its trigger is dropped).
    pub async fn wait(&mut self) {
        let _ = self.0.wait_for(|set| *set).await;
    }

    /// Sleeps for `d`, or less when the signal is set meanwhile. True when it was.
    pub async fn sleep(&self, d: Duration) -> bool {
        let mut me = self.clone();
        tokio::select! {
            () = tokio::time::sleep(d) => self.is_set(),
            () = me.wait() => true,
        }
    }
}

impl ShutdownTrigger {
    /// Sets the signal.
    pub fn trigger(&self) {
        let _ = self.0.send(true);
    }
}

/// Back-off before the `delivered`-th delivery is tried again: `base · 2^(delivered-1)`,
/// at most a minute.
pub fn backoff(base: Duration, delivered: u64) -> Duration {
    let exp = delivered.saturating_sub(1).min(16) as u32;
    base.saturating_mul(1u32 << exp)
        .min(Duration::from_secs(60))
}
