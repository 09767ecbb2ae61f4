//! The work queue between Waspada's stages: **fetch → analyse → index**.
//!
//! In the scale-out deployment the stages run as separate, stateless processes, and this
//! crate carries the work between them. One interface ([`Queue`], [`QueueMessage`],
//! [`Leases`], [`KeyValue`]) has two implementations:
//!
//! - [`MemoryQueue`], [`MemoryLeases`], [`MemoryKv`]: in one process (the embedded mode
//!   and tests), with the same semantics as the NATS one.
//! - [`JetStreamQueue`], [`JetStreamLeases`], [`JetStreamKv`] (NATS JetStream): for many
//!   processes on many machines; see the `jetstream` module docs for the server layout.
//!
//! Why it works the way it does:
//!
//! - **Work-queue retention.** Each stage has one stream whose messages are deleted once a
//!   worker acknowledges them: the stream holds exactly the work still to do, and
//!   [`StageStats::pending`] is the backlog.
//! - **One shared durable consumer per stage, explicit ack.** Every worker of a stage
//!   pulls from the same consumer, so each message goes to one worker at a time. A message
//!   that is not acknowledged within the ack wait (the worker crashed or hung) is delivered
//!   again, to any worker: nothing is lost when a process dies.
//! - **Idempotent publish.** The `dedup_id` (a content hash) travels as `Nats-Msg-Id`; a
//!   second publish with the same id inside the duplicate window is not stored again, so
//!   a fetcher that restarts and republishes does not make duplicate work.
//! - **Dead letters.** Work that keeps failing must not circle forever nor vanish: after
//!   `max_deliver` attempts it is copied, with the reason, to a dead-letter stream the
//!   Sources page lists ([`Queue::dead_letters`]). A worker calls
//!   [`QueueMessage::dead_letter`] when it gives up; a message whose workers never answer
//!   (they crash on it each time) is dead-lettered by the next pull that sees it come back
//!   after its last attempt.
//! - **Leases** ([`Leases`]): periodic jobs that must run once across the cluster (the
//!   detection run, a feed's poll) are guarded by a named lease with a time-to-live, so a
//!   holder that dies frees it by itself.
//! - **Feed state** ([`KeyValue`]): small values (validators, last poll) any process can
//!   read and write.
//!
//! Delivery is at least once: a worker must make its effect idempotent (the store keys
//! articles by URL and text hash), because a message can arrive twice when a worker
//! finishes just after its ack wait ran out.

#![warn(missing_docs)]

mod jetstream;
mod memory;
#[cfg(feature = "testing")]
pub mod testing;

use std::fmt;
use std::future::Future;
use std::str::FromStr;
use std::time::Duration;

pub use jetstream::{
    DEAD_STREAM, JetStreamKv, JetStreamLeases, JetStreamMessage, JetStreamQueue, LEASE_BUCKET,
    STATE_BUCKET,
};
pub use memory::{MemoryKv, MemoryLeases, MemoryMessage, MemoryQueue};

/// A pipeline stage: each has its own stream of work.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Stage {
    /// Fetch a page or feed.
    Fetch,
    /// Analyse a fetched article and store it.
    Analyse,
    /// Add a stored article to the search index.
    Index,
}

impl Stage {
    /// Every stage, in pipeline order.
    pub fn all() -> [Stage; 3] {
        [Stage::Fetch, Stage::Analyse, Stage::Index]
    }

    /// The stage's lower-case name: `fetch`, `analyse`, `index`.
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Fetch => "fetch",
            Stage::Analyse => "analyse",
            Stage::Index => "index",
        }
    }

    /// The JetStream stream holding this stage's work, e.g. `WASPADA_FETCH`.
    pub fn stream(self) -> &'static str {
        match self {
            Stage::Fetch => "WASPADA_FETCH",
            Stage::Analyse => "WASPADA_ANALYSE",
            Stage::Index => "WASPADA_INDEX",
        }
    }

    /// The subject work for this stage is published on, e.g. `waspada.fetch`.
    pub fn subject(self) -> &'static str {
        match self {
            Stage::Fetch => "waspada.fetch",
            Stage::Analyse => "waspada.analyse",
            Stage::Index => "waspada.index",
        }
    }

    /// The subject this stage's dead letters are kept under, e.g. `waspada.dead.fetch`.
    pub fn dead_subject(self) -> &'static str {
        match self {
            Stage::Fetch => "waspada.dead.fetch",
            Stage::Analyse => "waspada.dead.analyse",
            Stage::Index => "waspada.dead.index",
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Stage {
    type Err = QueueError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Stage::all()
            .into_iter()
            .find(|stage| stage.as_str() == s)
            .ok_or_else(|| QueueError::Invalid(format!("unknown stage {s:?}")))
    }
}

/// The answer to a publish.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Published {
    /// True when a message with the same `dedup_id` was already published inside the
    /// duplicate window: this one was not stored again.
    pub duplicate: bool,
}

/// A message given up on, kept for the analysts' Sources page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeadLetter {
    /// The stage that could not process it.
    pub stage: Stage,
    /// The `dedup_id` it was published with, if any.
    pub dedup_id: Option<String>,
    /// Why it was given up on, in words for an analyst.
    pub reason: String,
    /// When it was given up on (Unix milliseconds).
    pub at_ms: i64,
    /// The original payload.
    pub payload: Vec<u8>,
    /// How many times it had been delivered to a worker.
    pub delivered: u64,
}

/// A stage's queue figures, for metrics.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StageStats {
    /// Messages not yet acknowledged (waiting or being worked on).
    pub pending: u64,
    /// Of those, the messages delivered more than once.
    pub redelivered: u64,
    /// Dead letters kept for this stage.
    pub dead: u64,
}

/// Settings shared by both implementations.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueueOptions {
    /// How long a worker has to acknowledge a message before it is delivered again.
    pub ack_wait: Duration,
    /// Deliveries before a message is given up on and dead-lettered (at least 1).
    pub max_deliver: u64,
    /// How long a `dedup_id` is remembered.
    pub duplicate_window: Duration,
    /// How long dead letters are kept.
    pub dead_max_age: Duration,
    /// How many dead letters are kept at most (the oldest go first).
    pub dead_max_messages: u64,
}

impl Default for QueueOptions {
    fn default() -> Self {
        QueueOptions {
            ack_wait: Duration::from_secs(60),
            max_deliver: 5,
            duplicate_window: Duration::from_secs(2 * 60 * 60),
            dead_max_age: Duration::from_secs(30 * 24 * 60 * 60),
            dead_max_messages: 100_000,
        }
    }
}

/// What can go wrong talking to the queue.
#[derive(Debug, thiserror::Error)]
pub enum QueueError {
    /// The queue server could not be reached or answered with an error.
    #[error("queue server: {context}: {message}")]
    Backend {
        /// What was being done.
        context: String,
        /// The server's or client's message.
        message: String,
    },
    /// A name, key or setting was not acceptable.
    #[error("invalid queue input: {0}")]
    Invalid(String),
}

impl QueueError {
    /// A backend error with what was being done.
    pub fn backend(context: impl Into<String>, err: impl fmt::Display) -> Self {
        QueueError::Backend {
            context: context.into(),
            message: err.to_string(),
        }
    }
}

/// The work queue: one stream of messages per [`Stage`], shared by all workers of that
/// stage.
pub trait Queue: Send + Sync {
    /// A pulled message.
    type Message: QueueMessage;

    /// Publishes on a stage's stream. `dedup_id` becomes `Nats-Msg-Id` (content hash): a
    /// message with an id already seen in the duplicate window is not stored again.
    fn publish(
        &self,
        stage: Stage,
        dedup_id: &str,
        payload: &[u8],
    ) -> impl Future<Output = Result<Published, QueueError>> + Send;

    /// Pulls up to `max` messages for this stage's shared durable consumer, waiting at
    /// most `wait`. Returns as soon as at least one message is there; empty after `wait`.
    fn pull(
        &self,
        stage: Stage,
        max: usize,
        wait: Duration,
    ) -> impl Future<Output = Result<Vec<Self::Message>, QueueError>> + Send;

    /// Dead letters (newest first) for the Sources page.
    fn dead_letters(
        &self,
        limit: usize,
    ) -> impl Future<Output = Result<Vec<DeadLetter>, QueueError>> + Send;

    /// Pending (not yet acked) message count per stage, and redelivery count, for metrics.
    fn stats(&self, stage: Stage) -> impl Future<Output = Result<StageStats, QueueError>> + Send;
}

/// One delivery of a message to a worker. Exactly one of [`ack`](Self::ack),
/// [`retry`](Self::retry) or [`dead_letter`](Self::dead_letter) should be called; a message
/// dropped without any is delivered again after the ack wait.
pub trait QueueMessage: Send {
    /// The published bytes.
    fn payload(&self) -> &[u8];

    /// The `dedup_id` it was published with.
    fn dedup_id(&self) -> Option<&str>;

    /// 1 on first delivery, >1 on redelivery.
    fn delivered(&self) -> u64;

    /// Done: the message leaves the queue.
    fn ack(self) -> impl Future<Output = Result<(), QueueError>> + Send;

    /// Redeliver after `delay`.
    fn retry(self, delay: Duration) -> impl Future<Output = Result<(), QueueError>> + Send;

    /// Give up: copy to the dead-letter stream with `reason`, then terminate it.
    fn dead_letter(self, reason: &str) -> impl Future<Output = Result<(), QueueError>> + Send;
}

/// Named leases with a time-to-live, so one process across the cluster runs a job.
pub trait Leases: Send + Sync {
    /// Takes the named lease for `holder` for `ttl` if free or expired or already ours
    /// (then renews it); true when held.
    fn acquire(
        &self,
        name: &str,
        holder: &str,
        ttl: Duration,
    ) -> impl Future<Output = Result<bool, QueueError>> + Send;

    /// Frees the lease if `holder` holds it; does nothing otherwise.
    fn release(
        &self,
        name: &str,
        holder: &str,
    ) -> impl Future<Output = Result<(), QueueError>> + Send;
}

/// Small shared values (feed state: validators, last poll), readable by every process.
pub trait KeyValue: Send + Sync {
    /// The value under `key`, if any.
    fn get(&self, key: &str) -> impl Future<Output = Result<Option<Vec<u8>>, QueueError>> + Send;

    /// Stores `value` under `key`, replacing what was there.
    fn put(&self, key: &str, value: &[u8]) -> impl Future<Output = Result<(), QueueError>> + Send;
}

/// The reason recorded when a message came back after its last attempt without any
/// answer from a worker (it crashed or ran past the ack wait each time).
pub(crate) fn unanswered_reason(attempts: u64) -> String {
    format!(
        "no worker finished it in {attempts} attempts (each stopped or ran out of time); given up"
    )
}

/// Milliseconds since the Unix epoch, now.
pub(crate) fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}
