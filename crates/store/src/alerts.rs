//! Alert subscriptions and the alert outbox.
//!
//! An alert is one signal for one subscription. Rows are created before anything is sent
//! (the outbox pattern) and are unique per signal × subscription, so enqueueing the same
//! match again is a no-op and nothing is sent twice *by design*; delivery state (attempts,
//! last error, next attempt) lives on the row. Delivery itself is at-least-once: a process
//! killed after sending but before [`Store::record_delivery`] sends again on the next pass.

use rusqlite::{OptionalExtension, Row, params, params_from_iter};
use serde::Serialize;

use crate::signals::signal_from_row;
use crate::{Result, SignalRow, Store, StoreError};

/// A subscription to record.
#[derive(Debug, Clone, Default)]
pub struct NewSubscription {
    /// Owner (the acting user).
    pub user: String,
    /// `id` or `en`: the language of messages.
    pub language: String,
    /// Disease ids; empty means any disease.
    pub diseases: Vec<String>,
    /// Country (ISO3), province or regency code; `None` means anywhere.
    pub place_code: Option<String>,
    /// `low`, `medium` or `high`.
    pub min_severity: String,
    /// `new` (every new signal) or `escalated` (only escalated ones).
    pub trigger: String,
    /// `email`, `webhook` or `atom`.
    pub channel: String,
    /// E-mail address (channel `email`).
    pub email: Option<String>,
    /// `immediate` or `daily` (channel `email`).
    pub digest: Option<String>,
    /// Target URL (channel `webhook`).
    pub webhook_url: Option<String>,
    /// HMAC key (channel `webhook`).
    pub webhook_secret: Option<String>,
    /// `json` or `cap` (channel `webhook`).
    pub webhook_format: Option<String>,
    /// Feed token (channel `atom`).
    pub feed_token: Option<String>,
}

/// A stored subscription.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Subscription {
    /// Id.
    pub id: i64,
    /// Owner.
    pub user: String,
    /// `id` or `en`.
    pub language: String,
    /// Disease ids; empty means any.
    pub diseases: Vec<String>,
    /// Place code; `None` means anywhere.
    pub place_code: Option<String>,
    /// `low`, `medium` or `high`.
    pub min_severity: String,
    /// `new` or `escalated`.
    pub trigger: String,
    /// `email`, `webhook` or `atom`.
    pub channel: String,
    /// E-mail address.
    pub email: Option<String>,
    /// `immediate` or `daily`.
    pub digest: Option<String>,
    /// Webhook URL.
    pub webhook_url: Option<String>,
    /// Webhook HMAC key (never serialised).
    #[serde(skip)]
    pub webhook_secret: Option<String>,
    /// `json` or `cap`.
    pub webhook_format: Option<String>,
    /// Atom feed token (the feed's credential).
    pub feed_token: Option<String>,
    /// Created (epoch ms).
    pub created_at: i64,
    /// Deleted (epoch ms), if it was.
    pub deleted_at: Option<i64>,
}

/// An alert to enqueue.
#[derive(Debug, Clone)]
pub struct NewAlert {
    /// The signal.
    pub signal_id: i64,
    /// The subscription.
    pub subscription_id: i64,
    /// Its channel (copied: the row must make sense alone).
    pub channel: String,
    /// `pending`, or `sent` for channels that deliver by being stored (Atom).
    pub status: String,
    /// When it is first due (epoch ms): now, or the next digest time.
    pub next_attempt_at: i64,
}

/// A stored alert.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AlertRow {
    /// Id.
    pub id: i64,
    /// The signal.
    pub signal_id: i64,
    /// The subscription (`None` for rows older than subscriptions).
    pub subscription_id: Option<i64>,
    /// `email`, `webhook` or `atom`.
    pub channel: String,
    /// `pending`, `sent`, `failed` or `cancelled`.
    pub status: String,
    /// Created (epoch ms).
    pub created_at: i64,
    /// Delivered (epoch ms).
    pub sent_at: Option<i64>,
    /// Delivery attempts so far.
    pub attempts: i64,
    /// Why the last attempt failed.
    pub last_error: Option<String>,
    /// When it is next due (epoch ms).
    pub next_attempt_at: Option<i64>,
}

/// What became of one delivery attempt.
#[derive(Debug, Clone, PartialEq)]
pub enum Delivery {
    /// Delivered at this time (epoch ms).
    Sent {
        /// When.
        at: i64,
    },
    /// Failed; try again at `next_attempt_at`.
    Retry {
        /// Why it failed.
        error: String,
        /// When to try again (epoch ms).
        next_attempt_at: i64,
    },
    /// Failed for good (permanent error or too many attempts).
    GaveUp {
        /// Why.
        error: String,
    },
}

/// Which alerts to list.
#[derive(Debug, Clone, Default)]
pub struct AlertFilter {
    /// Only this status.
    pub status: Option<String>,
    /// Only this channel.
    pub channel: Option<String>,
    /// Only this subscription.
    pub subscription_id: Option<i64>,
    /// Most rows (0: no limit).
    pub limit: usize,
    /// Rows to skip.
    pub offset: usize,
}

/// A signal that may be alerted on, with what triage did to it.
#[derive(Debug, Clone)]
pub struct AlertCandidate {
    /// The signal.
    pub signal: SignalRow,
    /// When detection raised it (epoch ms).
    pub detected_at: i64,
    /// When it was escalated, oldest first (epoch ms).
    pub escalations: Vec<i64>,
}

const SUBSCRIPTION_COLUMNS: &str = "id, user, language, diseases, place_code, min_severity, \
     trigger, channel, email, digest, webhook_url, webhook_secret, webhook_format, feed_token, \
     created_at, deleted_at";

const ALERT_COLUMNS: &str = "id, signal_id, subscription_id, channel, status, created_at, \
     sent_at, attempts, last_error, next_attempt_at";

fn subscription_row(r: &Row<'_>) -> rusqlite::Result<Subscription> {
    let diseases: String = r.get(3)?;
    Ok(Subscription {
        id: r.get(0)?,
        user: r.get(1)?,
        language: r.get(2)?,
        diseases: diseases
            .split(',')
            .filter(|d| !d.is_empty())
            .map(str::to_string)
            .collect(),
        place_code: r.get(4)?,
        min_severity: r.get(5)?,
        trigger: r.get(6)?,
        channel: r.get(7)?,
        email: r.get(8)?,
        digest: r.get(9)?,
        webhook_url: r.get(10)?,
        webhook_secret: r.get(11)?,
        webhook_format: r.get(12)?,
        feed_token: r.get(13)?,
        created_at: r.get(14)?,
        deleted_at: r.get(15)?,
    })
}

fn alert_row(r: &Row<'_>) -> rusqlite::Result<AlertRow> {
    Ok(AlertRow {
        id: r.get(0)?,
        signal_id: r.get(1)?,
        subscription_id: r.get(2)?,
        channel: r.get(3)?,
        status: r.get(4)?,
        created_at: r.get(5)?,
        sent_at: r.get(6)?,
        attempts: r.get(7)?,
        last_error: r.get(8)?,
        next_attempt_at: r.get(9)?,
    })
}

const SIGNAL_COLUMNS: &str = "id, disease_id, area_level, area_code, frequency, period_start, \
     method, observed, expected, upperbound, score, explanation, status, detected_at";

impl Store {
    /// Records a subscription and returns it as stored. The caller checks the fields (the
    /// schema's CHECK constraints are the last line of defence).
    pub fn add_subscription(&mut self, s: &NewSubscription) -> Result<Subscription> {
        self.conn
            .execute(
                "INSERT INTO subscriptions (user, language, diseases, place_code, min_severity,
                     trigger, channel, email, digest, webhook_url, webhook_secret,
                     webhook_format, feed_token, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
                params![
                    s.user,
                    s.language,
                    s.diseases.join(","),
                    s.place_code,
                    s.min_severity,
                    s.trigger,
                    s.channel,
                    s.email,
                    s.digest,
                    s.webhook_url,
                    s.webhook_secret,
                    s.webhook_format,
                    s.feed_token,
                    crate::now_ms(),
                ],
            )
            .map_err(StoreError::sql("record a subscription"))?;
        let id = self.conn.last_insert_rowid();
        self.subscription(id)?.ok_or(StoreError::Sql {
            action: "read back a subscription",
            source: rusqlite::Error::QueryReturnedNoRows,
        })
    }

    /// One subscription, deleted or not.
    pub fn subscription(&self, id: i64) -> Result<Option<Subscription>> {
        self.conn
            .query_row(
                &format!("SELECT {SUBSCRIPTION_COLUMNS} FROM subscriptions WHERE id = ?1"),
                [id],
                subscription_row,
            )
            .optional()
            .map_err(StoreError::sql("read a subscription"))
    }

    /// Active subscriptions, oldest first; only `user`'s when given.
    pub fn subscriptions(&self, user: Option<&str>) -> Result<Vec<Subscription>> {
        let mut stmt = self
            .conn
            .prepare_cached(&format!(
                "SELECT {SUBSCRIPTION_COLUMNS} FROM subscriptions
                 WHERE deleted_at IS NULL AND (?1 IS NULL OR user = ?1) ORDER BY id"
            ))
            .map_err(StoreError::sql("prepare listing subscriptions"))?;
        stmt.query_map([user], subscription_row)
            .and_then(|rows| rows.collect())
            .map_err(StoreError::sql("list subscriptions"))
    }

    /// The active Atom subscription whose feed token is `token`.
    pub fn subscription_by_feed_token(&self, token: &str) -> Result<Option<Subscription>> {
        self.conn
            .query_row(
                &format!(
                    "SELECT {SUBSCRIPTION_COLUMNS} FROM subscriptions
                     WHERE feed_token = ?1 AND channel = 'atom' AND deleted_at IS NULL"
                ),
                [token],
                subscription_row,
            )
            .optional()
            .map_err(StoreError::sql("find a feed"))
    }

    /// Deletes an active subscription (of `user`, when given) and cancels its pending
    /// alerts, in one transaction. Returns whether there was one to delete.
    pub fn delete_subscription(&mut self, id: i64, user: Option<&str>) -> Result<bool> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(StoreError::sql("begin deleting a subscription"))?;
        let n = tx
            .execute(
                "UPDATE subscriptions SET deleted_at = ?3
                 WHERE id = ?1 AND deleted_at IS NULL AND (?2 IS NULL OR user = ?2)",
                params![id, user, crate::now_ms()],
            )
            .map_err(StoreError::sql("delete a subscription"))?;
        // Only a subscription this call deleted loses its pending alerts: a refused delete
        // (someone else's subscription) changes nothing.
        if n > 0 {
            tx.execute(
                "UPDATE alerts SET status = 'cancelled', next_attempt_at = NULL
                 WHERE subscription_id = ?1 AND status = 'pending'",
                [id],
            )
            .map_err(StoreError::sql(
                "cancel the alerts of a deleted subscription",
            ))?;
        }
        tx.commit()
            .map_err(StoreError::sql("commit deleting a subscription"))?;
        Ok(n > 0)
    }

    /// Signals still open (`new` or `escalated`) that were detected or escalated at or
    /// after `since` (epoch ms): what the dispatcher matches against subscriptions.
    pub fn alert_candidates(&self, since: i64) -> Result<Vec<AlertCandidate>> {
        let mut stmt = self
            .conn
            .prepare(&format!(
                "SELECT {SIGNAL_COLUMNS} FROM signals
                 WHERE status IN ('new', 'escalated')
                   AND (detected_at >= ?1 OR id IN (SELECT signal_id FROM signal_triage
                        WHERE action = 'escalate' AND at >= ?1))
                 ORDER BY id"
            ))
            .map_err(StoreError::sql("prepare finding signals to alert on"))?;
        let rows: Vec<(SignalRow, i64)> = stmt
            .query_map([since], |r| Ok((signal_from_row(r)?, r.get(13)?)))
            .and_then(|rows| rows.collect())
            .map_err(StoreError::sql("find signals to alert on"))?;
        let mut out = Vec::with_capacity(rows.len());
        for (signal, detected_at) in rows {
            let escalations = self.escalations(signal.id)?;
            out.push(AlertCandidate {
                signal,
                detected_at,
                escalations,
            });
        }
        Ok(out)
    }

    /// When a signal was escalated, oldest first (epoch ms).
    pub fn escalations(&self, signal_id: i64) -> Result<Vec<i64>> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT at FROM signal_triage WHERE signal_id = ?1 AND action = 'escalate'
                 ORDER BY at, id",
            )
            .map_err(StoreError::sql("prepare reading escalations"))?;
        stmt.query_map([signal_id], |r| r.get(0))
            .and_then(|rows| rows.collect())
            .map_err(StoreError::sql("read escalations"))
    }

    /// One signal with its detection time (epoch ms), or `None`.
    pub fn signal_with_time(&self, id: i64) -> Result<Option<(SignalRow, i64)>> {
        self.conn
            .query_row(
                &format!("SELECT {SIGNAL_COLUMNS} FROM signals WHERE id = ?1"),
                [id],
                |r| Ok((signal_from_row(r)?, r.get(13)?)),
            )
            .optional()
            .map_err(StoreError::sql("read a signal"))
    }

    /// Enqueues alerts in one transaction; an alert already there for the same signal and
    /// subscription is left alone. Returns how many were new.
    pub fn enqueue_alerts(&mut self, alerts: &[NewAlert]) -> Result<usize> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(StoreError::sql("begin enqueueing alerts"))?;
        let now = crate::now_ms();
        let mut new = 0;
        {
            let mut stmt = tx
                .prepare_cached(
                    "INSERT OR IGNORE INTO alerts (signal_id, subscription_id, channel,
                         created_at, status, sent_at, next_attempt_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, CASE WHEN ?5 = 'sent' THEN ?4 END,
                         CASE WHEN ?5 = 'pending' THEN ?6 END)",
                )
                .map_err(StoreError::sql("prepare enqueueing an alert"))?;
            for a in alerts {
                new += stmt
                    .execute(params![
                        a.signal_id,
                        a.subscription_id,
                        a.channel,
                        now,
                        a.status,
                        a.next_attempt_at
                    ])
                    .map_err(StoreError::sql("enqueue an alert"))?;
            }
        }
        tx.commit()
            .map_err(StoreError::sql("commit enqueued alerts"))?;
        Ok(new)
    }

    /// Pending alerts due at `now` (epoch ms), oldest first, at most `limit`.
    pub fn due_alerts(&self, now: i64, limit: usize) -> Result<Vec<AlertRow>> {
        let mut stmt = self
            .conn
            .prepare_cached(&format!(
                "SELECT {ALERT_COLUMNS} FROM alerts
                 WHERE status = 'pending' AND subscription_id IS NOT NULL
                   AND next_attempt_at <= ?1
                 ORDER BY next_attempt_at, id LIMIT ?2"
            ))
            .map_err(StoreError::sql("prepare finding due alerts"))?;
        stmt.query_map(params![now, limit as i64], alert_row)
            .and_then(|rows| rows.collect())
            .map_err(StoreError::sql("find due alerts"))
    }

    /// Records the outcome of one delivery attempt for `ids` (alerts sent together, as one
    /// digest), counting the attempt.
    pub fn record_delivery(&mut self, ids: &[i64], outcome: &Delivery) -> Result<()> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(StoreError::sql("begin recording a delivery"))?;
        {
            let mut stmt = tx
                .prepare_cached(
                    "UPDATE alerts SET attempts = attempts + 1, status = ?2, sent_at = ?3,
                         last_error = ?4, next_attempt_at = ?5
                     WHERE id = ?1 AND status = 'pending'",
                )
                .map_err(StoreError::sql("prepare recording a delivery"))?;
            for id in ids {
                let (status, sent, error, next) = match outcome {
                    Delivery::Sent { at } => ("sent", Some(*at), None, None),
                    Delivery::Retry {
                        error,
                        next_attempt_at,
                    } => (
                        "pending",
                        None,
                        Some(error.as_str()),
                        Some(*next_attempt_at),
                    ),
                    Delivery::GaveUp { error } => ("failed", None, Some(error.as_str()), None),
                };
                stmt.execute(params![id, status, sent, error, next])
                    .map_err(StoreError::sql("record a delivery"))?;
            }
        }
        tx.commit()
            .map_err(StoreError::sql("commit recording a delivery"))
    }

    /// Alerts matching `f`, newest first.
    pub fn alerts(&self, f: &AlertFilter) -> Result<Vec<AlertRow>> {
        let mut sql = format!("SELECT {ALERT_COLUMNS} FROM alerts WHERE 1 = 1");
        let mut args: Vec<rusqlite::types::Value> = Vec::new();
        if let Some(s) = &f.status {
            args.push(s.clone().into());
            sql.push_str(&format!(" AND status = ?{}", args.len()));
        }
        if let Some(c) = &f.channel {
            args.push(c.clone().into());
            sql.push_str(&format!(" AND channel = ?{}", args.len()));
        }
        if let Some(id) = f.subscription_id {
            args.push(id.into());
            sql.push_str(&format!(" AND subscription_id = ?{}", args.len()));
        }
        let limit = if f.limit == 0 {
            i64::MAX
        } else {
            f.limit as i64
        };
        args.push(limit.into());
        args.push((f.offset as i64).into());
        sql.push_str(&format!(
            " ORDER BY created_at DESC, id DESC LIMIT ?{} OFFSET ?{}",
            args.len() - 1,
            args.len()
        ));
        let mut stmt = self
            .conn
            .prepare(&sql)
            .map_err(StoreError::sql("prepare listing alerts"))?;
        stmt.query_map(params_from_iter(args), alert_row)
            .and_then(|rows| rows.collect())
            .map_err(StoreError::sql("list alerts"))
    }

    /// How many alerts match `f` (its limit and offset ignored).
    pub fn count_alerts(&self, f: &AlertFilter) -> Result<usize> {
        let all = AlertFilter {
            limit: 0,
            offset: 0,
            ..f.clone()
        };
        // Alert lists are small (one row per signal × subscription); counting the rows
        // keeps one query builder.
        Ok(self.alerts(&all)?.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::triage::tests::store_with_signal;
    use crate::{NewTriage, TriageAction};

    fn webhook(user: &str) -> NewSubscription {
        NewSubscription {
            user: user.into(),
            language: "id".into(),
            diseases: vec!["dengue".into(), "malaria".into()],
            place_code: Some("32".into()),
            min_severity: "medium".into(),
            trigger: "new".into(),
            channel: "webhook".into(),
            webhook_url: Some("https://example.invalid/hook".into()),
            webhook_secret: Some("s3cret".into()),
            webhook_format: Some("json".into()),
            ..NewSubscription::default()
        }
    }

    #[test]
    fn subscriptions_round_trip_and_delete_softly() {
        let (mut store, _) = store_with_signal();
        let a = store.add_subscription(&webhook("ana")).unwrap();
        let b = store.add_subscription(&webhook("budi")).unwrap();
        assert_eq!(a.diseases, ["dengue", "malaria"]);
        assert_eq!(a.place_code.as_deref(), Some("32"));
        assert_eq!(store.subscriptions(None).unwrap().len(), 2);
        assert_eq!(store.subscriptions(Some("ana")).unwrap().len(), 1);
        assert_eq!(store.subscriptions(Some("ana")).unwrap().first(), Some(&a));
        // Budi cannot delete Ana's subscription.
        assert!(!store.delete_subscription(a.id, Some("budi")).unwrap());
        assert!(store.delete_subscription(a.id, Some("ana")).unwrap());
        assert!(!store.delete_subscription(a.id, Some("ana")).unwrap());
        assert_eq!(store.subscriptions(None).unwrap(), [b]);
        assert!(
            store
                .subscription(a.id)
                .unwrap()
                .unwrap()
                .deleted_at
                .is_some()
        );
    }

    #[test]
    fn an_alert_is_enqueued_once_per_signal_and_subscription() {
        let (mut store, signal) = store_with_signal();
        let sub = store.add_subscription(&webhook("ana")).unwrap();
        let alert = NewAlert {
            signal_id: signal,
            subscription_id: sub.id,
            channel: "webhook".into(),
            status: "pending".into(),
            next_attempt_at: 0,
        };
        assert_eq!(
            store.enqueue_alerts(std::slice::from_ref(&alert)).unwrap(),
            1
        );
        assert_eq!(store.enqueue_alerts(&[alert.clone(), alert]).unwrap(), 0);
        assert_eq!(store.due_alerts(i64::MAX, 10).unwrap().len(), 1);
    }

    #[test]
    fn deliveries_count_attempts_and_end_in_sent_or_failed() {
        let (mut store, signal) = store_with_signal();
        let sub = store.add_subscription(&webhook("ana")).unwrap();
        store
            .enqueue_alerts(&[NewAlert {
                signal_id: signal,
                subscription_id: sub.id,
                channel: "webhook".into(),
                status: "pending".into(),
                next_attempt_at: 1_000,
            }])
            .unwrap();
        assert!(store.due_alerts(999, 10).unwrap().is_empty());
        let id = store.due_alerts(1_000, 10).unwrap()[0].id;
        store
            .record_delivery(
                &[id],
                &Delivery::Retry {
                    error: "HTTP 503".into(),
                    next_attempt_at: 5_000,
                },
            )
            .unwrap();
        assert!(store.due_alerts(4_999, 10).unwrap().is_empty());
        let row = &store.due_alerts(5_000, 10).unwrap()[0];
        assert_eq!(
            (row.attempts, row.last_error.as_deref()),
            (1, Some("HTTP 503"))
        );
        store
            .record_delivery(&[id], &Delivery::Sent { at: 6_000 })
            .unwrap();
        let all = store.alerts(&AlertFilter::default()).unwrap();
        assert_eq!(
            (all[0].status.as_str(), all[0].sent_at, all[0].attempts),
            ("sent", Some(6_000), 2)
        );
        // A late duplicate outcome does not reopen a sent alert.
        store
            .record_delivery(&[id], &Delivery::GaveUp { error: "x".into() })
            .unwrap();
        assert_eq!(
            store.alerts(&AlertFilter::default()).unwrap()[0].status,
            "sent"
        );
        let filter = AlertFilter {
            status: Some("pending".into()),
            ..AlertFilter::default()
        };
        assert_eq!(store.count_alerts(&filter).unwrap(), 0);
    }

    #[test]
    fn deleting_a_subscription_cancels_its_pending_alerts() {
        let (mut store, signal) = store_with_signal();
        let sub = store.add_subscription(&webhook("ana")).unwrap();
        store
            .enqueue_alerts(&[NewAlert {
                signal_id: signal,
                subscription_id: sub.id,
                channel: "webhook".into(),
                status: "pending".into(),
                next_attempt_at: 0,
            }])
            .unwrap();
        store.delete_subscription(sub.id, None).unwrap();
        assert!(store.due_alerts(i64::MAX, 10).unwrap().is_empty());
        assert_eq!(
            store.alerts(&AlertFilter::default()).unwrap()[0].status,
            "cancelled"
        );
    }

    #[test]
    fn candidates_are_open_signals_detected_or_escalated_since() {
        let (mut store, signal) = store_with_signal();
        store
            .connection()
            .execute("UPDATE signals SET detected_at = 1000", [])
            .unwrap();
        let (_, detected) = store.signal_with_time(signal).unwrap().unwrap();
        assert_eq!(detected, 1000);
        assert_eq!(store.alert_candidates(1000).unwrap().len(), 1);
        assert!(store.alert_candidates(2000).unwrap().is_empty());
        store
            .triage(&NewTriage {
                signal_id: signal,
                action: TriageAction::Escalate,
                note: None,
                assignee: None,
                user: "ana",
            })
            .unwrap();
        let c = store.alert_candidates(2000).unwrap();
        assert_eq!((c.len(), c[0].escalations.len()), (1, 1));
        assert_eq!(c[0].signal.status, "escalated");
        store
            .triage(&NewTriage {
                signal_id: signal,
                action: TriageAction::Dismiss,
                note: Some("old news"),
                assignee: None,
                user: "ana",
            })
            .unwrap();
        assert!(store.alert_candidates(0).unwrap().is_empty());
    }
}
