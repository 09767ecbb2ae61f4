//! The dispatcher: signals → alerts (outbox) → deliveries.
//!
//! A pass has two steps, each safe to repeat:
//!
//! 1. **Enqueue** ([`Dispatcher::enqueue`]): match open signals against active
//!    subscriptions and write one alert row per match, in one transaction. Rows are unique
//!    per signal × subscription, so a repeated pass adds nothing.
//! 2. **Deliver** ([`Dispatcher::deliver`]): send the alerts that are due and record each
//!    outcome: sent; or failed, with the error, one more attempt counted and the next
//!    attempt after an exponential back-off (`retry_base_secs` doubling up to
//!    `retry_max_secs`); or given up after `max_attempts`, or at once when retrying
//!    cannot help (a 4xx answer, an address the mail server refuses).
//!
//! **At least once, not exactly once.** The outcome is recorded after the send returns.
//! A process killed in between leaves the alert pending, and the next pass sends it again:
//! a subscriber may see a message twice, but never misses one. Exactly-once would need the
//! receiver to take part in our transaction, which e-mail and webhooks cannot; webhook
//! receivers de-duplicate on `X-Waspada-Delivery` instead.
//!
//! Time is a parameter (`now`, epoch ms), so tests drive back-off without waiting.
//!
//! The store is any [`Outbox`]: the embedded SQLite store or a cluster's PostgreSQL. The
//! latter claims the alerts a pass is about to deliver (see `waspada-store-pg`'s
//! `CLAIM_MS`), so two dispatchers at once do not send one alert twice; e-mail alerts
//! left waiting for a mail server are claimed too, and are counted as waiting again
//! only once their claim has lapsed.

use std::collections::BTreeMap;
use std::time::Duration;

use serde::Serialize;
use waspada_kb::KnowledgeBase;
use waspada_store::{AlertRow, Delivery, NewAlert, Outbox, Subscription};

use crate::AlertError;
use crate::cap::{CapContext, alert_xml};
use crate::config::AlertsConfig;
use crate::email::{Mailer, SendOutcome, compose};
use crate::signal::{Lang, SignalFacts, wants};
use crate::webhook::{PostOutcome, post};

const DAY_MS: i64 = 24 * 3600 * 1000;
/// Most alerts delivered in one pass; the rest wait for the next.
const MAX_PER_PASS: usize = 1000;

/// What a pass did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PassSummary {
    /// New alerts written to the outbox.
    pub enqueued: usize,
    /// Alerts delivered.
    pub sent: usize,
    /// Alerts that failed and will be tried again.
    pub retrying: usize,
    /// Alerts given up.
    pub failed: usize,
    /// E-mail alerts waiting because no mail server is configured.
    pub waiting: usize,
    /// Messages (e-mails or webhook requests) attempted.
    pub messages: usize,
    /// Things the operator should know, in words.
    pub notes: Vec<String>,
}

/// Matches signals to subscriptions and delivers alerts.
pub struct Dispatcher {
    config: AlertsConfig,
    http: reqwest::Client,
    mailer: Result<Mailer, String>,
    synthetic: bool,
}

impl Dispatcher {
    /// A dispatcher with these settings. A broken `[alerts.smtp]` (say, the password
    /// variable unset) does not stop webhooks and feeds: e-mail alerts wait, and every
    /// pass says why.
    pub fn new(config: AlertsConfig) -> Result<Dispatcher, AlertError> {
        if let Some(p) = config.problem() {
            return Err(AlertError::Config(p));
        }
        let http = crate::webhook::client(Duration::from_secs(config.webhook_timeout_secs.max(1)))
            .map_err(|e| AlertError::Http(e.to_string()))?;
        let mailer = match &config.smtp {
            Some(smtp) => Mailer::new(smtp).map_err(|e| e.to_string()),
            None => Err("no [alerts.smtp] section in waspada.toml".into()),
        };
        Ok(Dispatcher {
            config,
            http,
            mailer,
            synthetic: false,
        })
    }

    /// Marks the data as synthetic: CAP `status` becomes `Exercise` and subjects say so.
    pub fn synthetic(mut self, synthetic: bool) -> Dispatcher {
        self.synthetic = synthetic;
        self
    }

    /// The settings in force.
    pub fn config(&self) -> &AlertsConfig {
        &self.config
    }

    /// Enqueue, then deliver.
    pub async fn run_once<O: Outbox + ?Sized>(
        &self,
        store: &mut O,
        now: i64,
    ) -> Result<PassSummary, AlertError> {
        let enqueued = self.enqueue(store, now)?;
        let mut summary = self.deliver(store, now).await?;
        summary.enqueued = enqueued;
        Ok(summary)
    }

    /// Writes an alert for every open signal a subscription wants and has not had.
    /// Returns how many are new. Atom alerts are delivered by being written.
    pub fn enqueue<O: Outbox + ?Sized>(
        &self,
        store: &mut O,
        now: i64,
    ) -> Result<usize, AlertError> {
        let subs = store.subscriptions(None)?;
        let Some(oldest) = subs.iter().map(|s| s.created_at).min() else {
            return Ok(0);
        };
        let since = oldest.max(now - i64::from(self.config.lookback_days) * DAY_MS);
        let candidates = store.alert_candidates(since)?;
        let kb = KnowledgeBase::embedded();
        let mut alerts = Vec::new();
        for sub in &subs {
            for c in candidates.iter().filter(|c| wants(kb, sub, c)) {
                alerts.push(NewAlert {
                    signal_id: c.signal.id,
                    subscription_id: sub.id,
                    channel: sub.channel.clone(),
                    status: if sub.channel == "atom" {
                        "sent"
                    } else {
                        "pending"
                    }
                    .into(),
                    next_attempt_at: self.first_due(sub, now),
                });
            }
        }
        Ok(store.enqueue_alerts(&alerts)?)
    }

    /// When a new alert of `sub` is first due: now, or the next daily digest time.
    fn first_due(&self, sub: &Subscription, now: i64) -> i64 {
        if sub.channel == "email" && sub.digest.as_deref() == Some("daily") {
            let at =
                now - now.rem_euclid(DAY_MS) + i64::from(self.config.digest_hour_utc) * 3600 * 1000;
            if at > now { at } else { at + DAY_MS }
        } else {
            now
        }
    }

    /// Sends what is due and records every outcome.
    pub async fn deliver<O: Outbox + ?Sized>(
        &self,
        store: &mut O,
        now: i64,
    ) -> Result<PassSummary, AlertError> {
        let mut summary = PassSummary::default();
        let mut by_subscription: BTreeMap<i64, Vec<AlertRow>> = BTreeMap::new();
        for a in store.due_alerts(now, MAX_PER_PASS)? {
            if let Some(sub) = a.subscription_id {
                by_subscription.entry(sub).or_default().push(a);
            }
        }
        for (sub_id, alerts) in by_subscription {
            let Some(sub) = store.subscription(sub_id)? else {
                continue;
            };
            match sub.channel.as_str() {
                "email" => {
                    self.deliver_email(store, &sub, &alerts, now, &mut summary)
                        .await?
                }
                "webhook" => {
                    for a in &alerts {
                        self.deliver_webhook(store, &sub, a, now, &mut summary)
                            .await?;
                    }
                }
                _ => {
                    // Atom alerts are written as sent; a pending one is delivered by existing.
                    let ids: Vec<i64> = alerts.iter().map(|a| a.id).collect();
                    store.record_delivery(&ids, &Delivery::Sent { at: now })?;
                    summary.sent += ids.len();
                }
            }
        }
        Ok(summary)
    }

    fn facts<O: Outbox + ?Sized>(
        &self,
        store: &O,
        sub: &Subscription,
        signal_id: i64,
    ) -> Result<Option<(SignalFacts, i64, Vec<i64>)>, AlertError> {
        let Some((signal, detected_at)) = store.signal_with_time(signal_id)? else {
            return Ok(None);
        };
        let escalations = store.escalations(signal_id)?;
        let facts = SignalFacts::new(
            KnowledgeBase::embedded(),
            &signal,
            Lang::parse(&sub.language),
            &self.config.base_url,
        );
        Ok(Some((facts, detected_at, escalations)))
    }

    async fn deliver_email<O: Outbox + ?Sized>(
        &self,
        store: &mut O,
        sub: &Subscription,
        alerts: &[AlertRow],
        now: i64,
        summary: &mut PassSummary,
    ) -> Result<(), AlertError> {
        let mailer = match &self.mailer {
            Ok(m) => m,
            Err(why) => {
                summary.waiting += alerts.len();
                let note = format!("e-mail alerts are waiting: {why}");
                if !summary.notes.contains(&note) {
                    summary.notes.push(note);
                }
                return Ok(());
            }
        };
        let mut facts = Vec::new();
        let mut ids = Vec::new();
        for a in alerts {
            match self.facts(store, sub, a.signal_id)? {
                Some((f, _, _)) => {
                    facts.push(f);
                    ids.push(a.id);
                }
                None => self.record(
                    store,
                    &[a.id],
                    a.attempts,
                    Err((true, "the signal no longer exists".into())),
                    now,
                    summary,
                )?,
            }
        }
        if ids.is_empty() {
            return Ok(());
        }
        let digest = compose(
            &facts,
            Lang::parse(&sub.language),
            &self.config.base_url,
            self.synthetic,
        );
        let to = sub.email.clone().unwrap_or_default();
        summary.messages += 1;
        let outcome = match mailer.send(&to, &digest).await {
            SendOutcome::Sent => Ok(()),
            SendOutcome::Transient(e) => Err((false, e)),
            SendOutcome::Permanent(e) => Err((true, e)),
        };
        let attempts = alerts.iter().map(|a| a.attempts).max().unwrap_or(0);
        self.record(store, &ids, attempts, outcome, now, summary)
    }

    async fn deliver_webhook<O: Outbox + ?Sized>(
        &self,
        store: &mut O,
        sub: &Subscription,
        a: &AlertRow,
        now: i64,
        summary: &mut PassSummary,
    ) -> Result<(), AlertError> {
        let Some((facts, detected_at, escalations)) = self.facts(store, sub, a.signal_id)? else {
            return self.record(
                store,
                &[a.id],
                a.attempts,
                Err((true, "the signal no longer exists".into())),
                now,
                summary,
            );
        };
        let (content_type, body) = if sub.webhook_format.as_deref() == Some("cap") {
            let kb = KnowledgeBase::embedded();
            let signal = store.signal_with_time(a.signal_id)?.map(|(s, _)| s);
            let langs: Vec<(Lang, SignalFacts)> = signal
                .iter()
                .flat_map(|s| {
                    [Lang::Id, Lang::En]
                        .map(|l| (l, SignalFacts::new(kb, s, l, &self.config.base_url)))
                })
                .collect();
            let ctx = CapContext {
                sender: self.config.sender.clone(),
                synthetic: self.synthetic,
                detected_at,
                escalations,
            };
            (
                "application/xml; charset=utf-8",
                alert_xml(&langs, &ctx).into_bytes(),
            )
        } else {
            let doc = serde_json::json!({
                "type": "waspada.signal",
                "delivery_id": a.id,
                "subscription_id": sub.id,
                "synthetic": self.synthetic,
                "signal": facts,
            });
            ("application/json", doc.to_string().into_bytes())
        };
        summary.messages += 1;
        let outcome = post(
            &self.http,
            sub.webhook_url.as_deref().unwrap_or_default(),
            sub.webhook_secret.as_deref().unwrap_or_default(),
            a.id,
            content_type,
            body,
            now.div_euclid(1000),
        )
        .await;
        let outcome = match outcome {
            PostOutcome::Delivered => Ok(()),
            PostOutcome::Transient(e) => Err((false, e)),
            PostOutcome::Permanent(e) => Err((true, e)),
        };
        self.record(store, &[a.id], a.attempts, outcome, now, summary)
    }

    /// Records an outcome: `Err((permanent, why))` for a failure.
    fn record<O: Outbox + ?Sized>(
        &self,
        store: &mut O,
        ids: &[i64],
        attempts_before: i64,
        outcome: Result<(), (bool, String)>,
        now: i64,
        summary: &mut PassSummary,
    ) -> Result<(), AlertError> {
        let delivery = match outcome {
            Ok(()) => {
                summary.sent += ids.len();
                Delivery::Sent { at: now }
            }
            Err((permanent, error)) => {
                let attempt = attempts_before + 1;
                if permanent || attempt >= i64::from(self.config.max_attempts) {
                    summary.failed += ids.len();
                    Delivery::GaveUp {
                        error: format!("{error} (given up after {attempt} attempt(s))"),
                    }
                } else {
                    summary.retrying += ids.len();
                    Delivery::Retry {
                        error,
                        next_attempt_at: now + self.backoff_ms(attempt),
                    }
                }
            }
        };
        store.record_delivery(ids, &delivery)?;
        Ok(())
    }

    /// Delay before attempt `attempt + 1`: `retry_base_secs · 2^(attempt-1)`, capped.
    pub fn backoff_ms(&self, attempt: i64) -> i64 {
        let exp = attempt.clamp(1, 30) - 1;
        let secs = self
            .config
            .retry_base_secs
            .saturating_mul(1u64 << exp)
            .min(self.config.retry_max_secs.max(1));
        i64::try_from(secs).unwrap_or(i64::MAX / 1000) * 1000
    }
}
