//! The alert outbox ([`Outbox`]) on PostgreSQL: the dispatcher's reads and writes, safe
//! with several dispatchers at once.
//!
//! Enqueueing is idempotent (a unique index per signal × subscription, `ON CONFLICT DO
//! NOTHING`). Two dispatchers (two schedulers, or a scheduler and `waspada alerts send`)
//! must not both send one alert: [`Outbox::due_alerts`] *claims* the rows it returns,
//! moving their next attempt [`CLAIM_MS`] ahead in the same statement that picks them
//! (`FOR UPDATE SKIP LOCKED`, so a concurrent call passes over them rather than waiting).
//! [`Outbox::record_delivery`] then sets the real outcome. A dispatcher that dies between
//! the two leaves its claim to lapse: the alerts are due again after [`CLAIM_MS`] and are
//! sent again, as the at-least-once contract allows.

use std::time::Duration;

use waspada_store::{AlertCandidate, AlertRow, Delivery, NewAlert, Outbox, Result, Subscription};

use super::{
    ALERT_COLUMNS, PgWorkplace, SUBSCRIPTION_COLUMNS, alert_from_row, big, signal_from_row,
    subscription_from_row,
};
use crate::ATTEMPTS;
use crate::error::{backend, is_retryable};
use crate::write::text;

/// How long alerts returned by [`Outbox::due_alerts`] stay claimed by the dispatcher that
/// asked (15 minutes): longer than a pass normally takes. A pass slower than this (many
/// webhook receivers timing out) may see another dispatcher send the rest again.
pub const CLAIM_MS: i64 = 15 * 60 * 1000;

impl Outbox for PgWorkplace {
    fn alert_candidates(&self, since: i64) -> Result<Vec<AlertCandidate>> {
        // The escalations come with each signal: one statement, not one per candidate.
        self.rows(
            "SELECT s.id, s.disease_id, s.area_level, s.area_code, s.frequency,
                    s.period_start, s.method, s.observed, s.expected, s.upperbound, s.score,
                    s.explanation, s.status, s.detected_at,
                    ARRAY(SELECT t.at FROM signal_triage t
                          WHERE t.signal_id = s.id AND t.action = 'escalate'
                          ORDER BY t.at, t.id)
             FROM signals s
             WHERE s.status IN ('new', 'escalated')
               AND (s.detected_at >= $1 OR s.id IN (SELECT signal_id FROM signal_triage
                    WHERE action = 'escalate' AND at >= $1))
             ORDER BY s.id",
            &[&since],
            "find signals to alert on",
            |r| {
                Ok(AlertCandidate {
                    signal: signal_from_row(r),
                    detected_at: r.get(13),
                    escalations: r.get(14),
                })
            },
        )
    }

    fn enqueue_alerts(&mut self, alerts: &[NewAlert]) -> Result<usize> {
        self.run(async {
            in_transaction!(self, "enqueue alerts", |tx| {
                let now = waspada_store::now_ms();
                let insert = tx
                    .prepare_cached(
                        "INSERT INTO alerts (signal_id, subscription_id, channel, created_at,
                             status, sent_at, next_attempt_at)
                         VALUES ($1, $2, $3, $4, $5::TEXT,
                             CASE WHEN $5::TEXT = 'sent' THEN $4::BIGINT END,
                             CASE WHEN $5::TEXT = 'pending' THEN $6::BIGINT END)
                         ON CONFLICT (signal_id, subscription_id) DO NOTHING",
                    )
                    .await
                    .map_err(backend("enqueue an alert"))?;
                let mut new = 0;
                for a in alerts {
                    new += tx
                        .execute(
                            &insert,
                            &[
                                &a.signal_id,
                                &a.subscription_id,
                                &text(&a.channel),
                                &now,
                                &text(&a.status),
                                &a.next_attempt_at,
                            ],
                        )
                        .await
                        .map_err(backend("enqueue an alert"))?;
                }
                Ok(new as usize)
            })
        })
    }

    fn due_alerts(&self, now: i64, limit: usize) -> Result<Vec<AlertRow>> {
        // Picks and claims in one statement; the rows come back with the time they were
        // due (as the SQLite store lists them), not the claim's.
        let claim_until = now.saturating_add(CLAIM_MS);
        let columns = ALERT_COLUMNS.replace("next_attempt_at", "due.due_at");
        self.rows(
            &format!(
                "WITH due AS (
                     SELECT id, next_attempt_at AS due_at FROM alerts
                     WHERE status = 'pending' AND subscription_id IS NOT NULL
                       AND next_attempt_at <= $1
                     ORDER BY next_attempt_at, id LIMIT $2
                     FOR UPDATE SKIP LOCKED),
                 claimed AS (
                     UPDATE alerts SET next_attempt_at = $3 FROM due
                     WHERE alerts.id = due.id
                     RETURNING alerts.*, due.due_at)
                 SELECT {columns} FROM claimed AS due ORDER BY due.due_at, id"
            ),
            &[&now, &big(limit), &claim_until],
            "claim due alerts",
            |r| Ok(alert_from_row(r)),
        )
    }

    fn subscription(&self, id: i64) -> Result<Option<Subscription>> {
        self.row(
            &format!("SELECT {SUBSCRIPTION_COLUMNS} FROM subscriptions WHERE id = $1"),
            &[&id],
            "read a subscription",
            |r| Ok(subscription_from_row(r)),
        )
    }

    fn record_delivery(&mut self, ids: &[i64], outcome: &Delivery) -> Result<()> {
        let (status, sent_at, error, next) = match outcome {
            Delivery::Sent { at } => ("sent", Some(*at), None, None),
            Delivery::Retry {
                error,
                next_attempt_at,
            } => ("pending", None, Some(text(error)), Some(*next_attempt_at)),
            Delivery::GaveUp { error } => ("failed", None, Some(text(error)), None),
        };
        if ids.is_empty() {
            return Ok(());
        }
        // One statement over all ids: one transaction, as the SQLite store's.
        self.execute(
            "UPDATE alerts SET attempts = attempts + 1, status = $2, sent_at = $3,
                 last_error = $4, next_attempt_at = $5
             WHERE id = ANY($1) AND status = 'pending'",
            &[&ids, &status, &sent_at, &error, &next],
            "record a delivery",
        )
        .map(|_| ())
    }
}
