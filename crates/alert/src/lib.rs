//! The pipeline's **Act** stage: signals reach people.
//!
//! Analysts and systems subscribe (disease, place, minimum severity, new or escalated
//! signals) and choose a channel:
//!
//! - **e-mail** ([`email`]): a digest per subscriber, immediate or daily, plain text and
//!   HTML in the subscriber's language, over SMTP with STARTTLS and AUTH;
//! - **webhook** ([`webhook`]): a JSON document or a CAP 1.2 `<alert>`, signed with
//!   HMAC-SHA256 over `timestamp.body` (a receiver checks it and rejects old timestamps);
//! - **Atom** ([`atom`]): a feed per subscription at an unguessable address;
//! - **CAP 1.2** ([`cap`]): the OASIS Common Alerting Protocol message of an escalated
//!   signal, for public-warning systems.
//!
//! # Why an outbox, and why at least once
//!
//! The [`Dispatcher`] first writes one alert row per signal × subscription (unique, so a
//! match is never alerted twice), then sends what is due and records the outcome with
//! retries and exponential back-off. Sending and recording cannot be one transaction: a
//! process killed after the server accepted a message but before the store recorded it
//! sends that message again on the next pass. We chose that (at-least-once) over losing
//! alerts (at-most-once): a duplicate e-mail is a nuisance, a missed outbreak signal is
//! not acceptable. Webhook receivers de-duplicate on the `X-Waspada-Delivery` header.
//!
//! # Where it runs
//!
//! The dispatcher works on any [`waspada_store::Outbox`]: the embedded SQLite store
//! (`waspada run` after each round, `waspada alerts send`) or a cluster's PostgreSQL
//! (`waspada-store-pg`'s `PgWorkplace`: the scheduler holding the lease after each
//! detection run, and `waspada alerts send --config` with `[cluster] postgres_url`).
//! On PostgreSQL several dispatchers may run at once: each claims the alerts it is about
//! to send, so one alert goes out once unless a dispatcher dies mid-pass (then it goes
//! out again when the claim lapses: still at least once). `PgWorkplace` blocks in place,
//! so the dispatcher must run on a multi-thread Tokio runtime there.
#![deny(missing_docs)]

pub mod atom;
pub mod cap;
pub mod config;
pub mod dispatch;
pub mod email;
pub mod signal;
pub mod webhook;
pub mod xml;

pub use config::{AlertsConfig, SmtpConfig};
pub use dispatch::{Dispatcher, PassSummary};
pub use signal::{Lang, Severity, SignalFacts};

/// What stops alerting. Failed deliveries do not: they are recorded on the alert.
#[derive(Debug, thiserror::Error)]
pub enum AlertError {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] waspada_store::StoreError),
    /// `[alerts]` is not usable.
    #[error("{0}")]
    Config(String),
    /// The mail server settings are not usable.
    #[error("{0}")]
    Smtp(String),
    /// The CA file of `[alerts.smtp]` could not be used.
    #[error("alerts.smtp: cannot use the CA file {path}: {message}")]
    CaFile {
        /// The file.
        path: std::path::PathBuf,
        /// Why.
        message: String,
    },
    /// The HTTP client could not be set up.
    #[error("cannot set up the webhook HTTP client: {0}")]
    Http(String),
}
