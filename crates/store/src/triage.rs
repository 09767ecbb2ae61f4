//! Triage of signals: what analysts did with them, kept as history.
//!
//! An action is appended to `signal_triage` and, when it decides the signal's fate
//! (verify, dismiss, escalate), sets `signals.status` in the same transaction, so the
//! status and its history never disagree.

use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize};

use crate::{Result, Store, StoreError};

/// What an analyst can do with a signal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TriageAction {
    /// Confirmed as a real event: status `verified`.
    Verify,
    /// Not an event (a reason is expected): status `dismissed`.
    Dismiss,
    /// Passed up for response: status `escalated`.
    Escalate,
    /// Handed to a colleague; the status stays.
    Assign,
    /// A note; the status stays.
    Note,
}

impl TriageAction {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            TriageAction::Verify => "verify",
            TriageAction::Dismiss => "dismiss",
            TriageAction::Escalate => "escalate",
            TriageAction::Assign => "assign",
            TriageAction::Note => "note",
        }
    }

    /// Reads a stored or submitted name.
    pub fn parse(name: &str) -> Option<TriageAction> {
        Some(match name {
            "verify" => TriageAction::Verify,
            "dismiss" => TriageAction::Dismiss,
            "escalate" => TriageAction::Escalate,
            "assign" => TriageAction::Assign,
            "note" => TriageAction::Note,
            _ => return None,
        })
    }

    /// The signal status this action sets, if it sets one.
    pub fn status(self) -> Option<&'static str> {
        match self {
            TriageAction::Verify => Some("verified"),
            TriageAction::Dismiss => Some("dismissed"),
            TriageAction::Escalate => Some("escalated"),
            TriageAction::Assign | TriageAction::Note => None,
        }
    }
}

/// An action to record.
#[derive(Debug, Clone)]
pub struct NewTriage<'a> {
    /// The signal.
    pub signal_id: i64,
    /// What was done.
    pub action: TriageAction,
    /// Reason or note.
    pub note: Option<&'a str>,
    /// Who the signal is assigned to.
    pub assignee: Option<&'a str>,
    /// Who acted.
    pub user: &'a str,
}

/// One recorded action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TriageRow {
    /// Id.
    pub id: i64,
    /// The signal.
    pub signal_id: i64,
    /// What was done.
    pub action: TriageAction,
    /// Reason or note.
    pub note: Option<String>,
    /// Who the signal was assigned to.
    pub assignee: Option<String>,
    /// Who acted.
    pub user: String,
    /// When (epoch ms).
    pub at: i64,
}

impl Store {
    /// Records a triage action and applies its status. Returns the signal's status after
    /// it, or `None` when there is no such signal (nothing is written then).
    pub fn triage(&mut self, t: &NewTriage<'_>) -> Result<Option<String>> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(StoreError::sql("begin a triage"))?;
        let exists: Option<i64> = tx
            .query_row("SELECT id FROM signals WHERE id = ?1", [t.signal_id], |r| {
                r.get(0)
            })
            .optional()
            .map_err(StoreError::sql("find the signal to triage"))?;
        if exists.is_none() {
            return Ok(None);
        }
        tx.execute(
            "INSERT INTO signal_triage (signal_id, action, note, assignee, user, at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                t.signal_id,
                t.action.as_str(),
                t.note,
                t.assignee,
                t.user,
                crate::now_ms()
            ],
        )
        .map_err(StoreError::sql("record a triage action"))?;
        if let Some(status) = t.action.status() {
            tx.execute(
                "UPDATE signals SET status = ?2 WHERE id = ?1",
                params![t.signal_id, status],
            )
            .map_err(StoreError::sql("update a signal status"))?;
        }
        let status: String = tx
            .query_row(
                "SELECT status FROM signals WHERE id = ?1",
                [t.signal_id],
                |r| r.get(0),
            )
            .map_err(StoreError::sql("read a signal status"))?;
        tx.commit().map_err(StoreError::sql("commit a triage"))?;
        Ok(Some(status))
    }

    /// A signal's triage history, oldest first.
    pub fn triage_history(&self, signal_id: i64) -> Result<Vec<TriageRow>> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT id, signal_id, action, note, assignee, user, at FROM signal_triage
                 WHERE signal_id = ?1 ORDER BY at, id",
            )
            .map_err(StoreError::sql("prepare reading triage history"))?;
        let rows = stmt
            .query_map([signal_id], |r| {
                let action: String = r.get(2)?;
                Ok(TriageRow {
                    id: r.get(0)?,
                    signal_id: r.get(1)?,
                    // The CHECK constraint admits only known actions.
                    action: TriageAction::parse(&action).unwrap_or(TriageAction::Note),
                    note: r.get(3)?,
                    assignee: r.get(4)?,
                    user: r.get(5)?,
                    at: r.get(6)?,
                })
            })
            .map_err(StoreError::sql("read triage history"))?;
        rows.collect::<rusqlite::Result<_>>()
            .map_err(StoreError::sql("read triage history"))
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::NewSignal;

    /// A store holding one dengue signal in Garut; the fixture of store tests.
    pub(crate) fn store_with_signal() -> (Store, i64) {
        let mut store = Store::in_memory().unwrap();
        let b = store.batch().unwrap();
        let id = b
            .upsert_signal(&NewSignal {
                disease_id: "dengue".into(),
                area_level: "regency".into(),
                area_code: "32.05".into(),
                frequency: "weekly".into(),
                period_start: "2024-03-04".into(),
                period_end: "2024-03-10".into(),
                method: "ears-c2".into(),
                observed: 5,
                expected: Some(1.0),
                upperbound: Some(3.0),
                score: Some(4.0),
                explanation: "test".into(),
            })
            .unwrap();
        b.commit().unwrap();
        (store, id)
    }

    #[test]
    fn actions_set_status_and_keep_history() {
        let (mut store, id) = store_with_signal();
        let t = |action, note| NewTriage {
            signal_id: id,
            action,
            note,
            assignee: None,
            user: "ana",
        };
        assert_eq!(
            store
                .triage(&t(TriageAction::Verify, None))
                .unwrap()
                .as_deref(),
            Some("verified")
        );
        assert_eq!(
            store
                .triage(&t(TriageAction::Note, Some("called the office")))
                .unwrap()
                .as_deref(),
            Some("verified")
        );
        assert_eq!(
            store
                .triage(&t(TriageAction::Dismiss, Some("old news")))
                .unwrap()
                .as_deref(),
            Some("dismissed")
        );
        assert_eq!(
            store.signal_status(id).unwrap().as_deref(),
            Some("dismissed")
        );
        let history = store.triage_history(id).unwrap();
        let actions: Vec<_> = history.iter().map(|h| h.action).collect();
        assert_eq!(
            actions,
            [
                TriageAction::Verify,
                TriageAction::Note,
                TriageAction::Dismiss
            ]
        );
        assert_eq!(history[2].note.as_deref(), Some("old news"));
    }

    #[test]
    fn unknown_signal_writes_nothing() {
        let (mut store, id) = store_with_signal();
        let t = NewTriage {
            signal_id: id + 100,
            action: TriageAction::Verify,
            note: None,
            assignee: None,
            user: "ana",
        };
        assert_eq!(store.triage(&t).unwrap(), None);
        assert!(store.triage_history(id + 100).unwrap().is_empty());
    }
}
