//! The alert outbox as an interface: what the alert dispatcher reads and writes.
//!
//! [`Workplace`] already holds subscriptions and the alert list the dashboard shows; the
//! dispatcher needs a few more things: the open signals to match, and the outbox's own
//! writes (enqueue, find what is due, record what became of a delivery). With them as a
//! trait, one dispatcher delivers from the embedded SQLite [`Store`] (`waspada run`,
//! `waspada alerts send`) and from a cluster's PostgreSQL (`waspada-store-pg`'s
//! `PgWorkplace`, driven by the scheduler or `waspada alerts send --config`).
//!
//! The contract is at-least-once (see `waspada-alert`'s dispatcher): an alert is sent, then
//! its outcome recorded. A store shared by several processes may *claim* the alerts
//! [`Outbox::due_alerts`] returns, so that two dispatchers running at once do not both
//! send them; a claim ends when the outcome is recorded, or after a while when the
//! process holding it died (the alert is then sent again: at least once).

use crate::{AlertCandidate, AlertRow, Delivery, NewAlert, Result, Store, Subscription, Workplace};

/// Everything the alert dispatcher needs of a store. See the [module](self) docs.
pub trait Outbox: Workplace {
    /// Signals still open (`new` or `escalated`) that were detected or escalated at or
    /// after `since` (epoch ms): what the dispatcher matches against subscriptions.
    fn alert_candidates(&self, since: i64) -> Result<Vec<AlertCandidate>>;

    /// Enqueues alerts in one transaction; an alert already there for the same signal and
    /// subscription is left alone. Returns how many were new.
    fn enqueue_alerts(&mut self, alerts: &[NewAlert]) -> Result<usize>;

    /// Pending alerts due at `now` (epoch ms), oldest first, at most `limit`. A store
    /// shared by several dispatchers claims them (see the [module](self) docs): another
    /// call sees them again only once the claim has lapsed.
    fn due_alerts(&self, now: i64, limit: usize) -> Result<Vec<AlertRow>>;

    /// One subscription, deleted or not.
    fn subscription(&self, id: i64) -> Result<Option<Subscription>>;

    /// Records the outcome of one delivery attempt for `ids` (alerts sent together, as one
    /// digest), counting the attempt. Alerts no longer pending (cancelled, or recorded by
    /// another dispatcher) are left alone.
    fn record_delivery(&mut self, ids: &[i64], outcome: &Delivery) -> Result<()>;
}

/// The embedded store: one process owns the file, so nothing is claimed.
impl Outbox for Store {
    fn alert_candidates(&self, since: i64) -> Result<Vec<AlertCandidate>> {
        Store::alert_candidates(self, since)
    }

    fn enqueue_alerts(&mut self, alerts: &[NewAlert]) -> Result<usize> {
        Store::enqueue_alerts(self, alerts)
    }

    fn due_alerts(&self, now: i64, limit: usize) -> Result<Vec<AlertRow>> {
        Store::due_alerts(self, now, limit)
    }

    fn subscription(&self, id: i64) -> Result<Option<Subscription>> {
        Store::subscription(self, id)
    }

    fn record_delivery(&mut self, ids: &[i64], outcome: &Delivery) -> Result<()> {
        Store::record_delivery(self, ids, outcome)
    }
}
