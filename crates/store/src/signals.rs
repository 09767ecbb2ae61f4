//! Signals raised by detection, linked to the events behind them.

use rusqlite::{OptionalExtension, params};
use serde::Serialize;

use crate::{Batch, Result, Store, StoreError};

/// A signal to record.
#[derive(Debug, Clone)]
pub struct NewSignal {
    /// Disease id.
    pub disease_id: String,
    /// `regency`, `province` or `country`.
    pub area_level: String,
    /// Area code.
    pub area_code: String,
    /// `daily` or `weekly`.
    pub frequency: String,
    /// First day of the period flagged.
    pub period_start: String,
    /// Last day of the period flagged.
    pub period_end: String,
    /// Method name (`ears-c2`, `farrington`, `rule-new-area`, ...).
    pub method: String,
    /// Observed count.
    pub observed: u32,
    /// Expected count.
    pub expected: Option<f64>,
    /// Threshold.
    pub upperbound: Option<f64>,
    /// Method statistic.
    pub score: Option<f64>,
    /// Why, for an epidemiologist.
    pub explanation: String,
}

/// A stored signal.
#[derive(Debug, Clone, Serialize)]
pub struct SignalRow {
    /// Id.
    pub id: i64,
    /// Disease id.
    pub disease_id: String,
    /// Area level.
    pub area_level: String,
    /// Area code.
    pub area_code: String,
    /// Frequency.
    pub frequency: String,
    /// Period flagged.
    pub period_start: String,
    /// Method.
    pub method: String,
    /// Observed count.
    pub observed: u32,
    /// Expected count.
    pub expected: Option<f64>,
    /// Threshold.
    pub upperbound: Option<f64>,
    /// Method statistic.
    pub score: Option<f64>,
    /// Why.
    pub explanation: String,
    /// Triage status (`new`, `verified`, `dismissed`, `escalated`).
    pub status: String,
    /// Events behind it.
    pub event_ids: Vec<i64>,
}

impl Batch<'_> {
    /// Records a signal (or refreshes the same series × period × method, keeping its
    /// triage status) and links it to the events of that disease and area whose reports
    /// fall in the period. Returns the signal id.
    pub fn upsert_signal(&self, s: &NewSignal) -> Result<i64> {
        let tx = &self.tx;
        tx.prepare_cached(
            "INSERT INTO signals (disease_id, area_level, area_code, frequency, period_start,
                 method, observed, expected, upperbound, score, explanation, detected_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
             ON CONFLICT (disease_id, area_level, area_code, frequency, period_start, method)
             DO UPDATE SET observed = excluded.observed, expected = excluded.expected,
                 upperbound = excluded.upperbound, score = excluded.score,
                 explanation = excluded.explanation",
        )
        .and_then(|mut st| {
            st.execute(params![
                s.disease_id,
                s.area_level,
                s.area_code,
                s.frequency,
                s.period_start,
                s.method,
                s.observed,
                s.expected,
                s.upperbound,
                s.score,
                s.explanation,
                crate::now_ms(),
            ])
        })
        .map_err(StoreError::sql("record a signal"))?;
        let id: i64 = tx
            .prepare_cached(
                "SELECT id FROM signals WHERE disease_id = ?1 AND area_level = ?2 AND area_code = ?3
                     AND frequency = ?4 AND period_start = ?5 AND method = ?6",
            )
            .and_then(|mut st| {
                st.query_row(
                    params![s.disease_id, s.area_level, s.area_code, s.frequency, s.period_start, s.method],
                    |r| r.get(0),
                )
            })
            .map_err(StoreError::sql("read a signal id"))?;
        let column = crate::area_column(&s.area_level);
        tx.execute(
            &format!(
                "INSERT OR IGNORE INTO signal_events (signal_id, event_id)
                 SELECT DISTINCT ?1, event_id FROM reports
                 WHERE disease_id = ?2 AND {column} = ?3 AND date(date) BETWEEN ?4 AND ?5"
            ),
            params![id, s.disease_id, s.area_code, s.period_start, s.period_end],
        )
        .map_err(StoreError::sql("link a signal to its events"))?;
        Ok(id)
    }
}

impl Store {
    /// Signals, newest period first.
    pub fn signals(&self, limit: usize) -> Result<Vec<SignalRow>> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT id, disease_id, area_level, area_code, frequency, period_start, method,
                        observed, expected, upperbound, score, explanation, status
                 FROM signals ORDER BY period_start DESC, observed DESC, id LIMIT ?1",
            )
            .map_err(StoreError::sql("prepare listing signals"))?;
        let rows = stmt
            .query_map(
                [if limit == 0 { i64::MAX } else { limit as i64 }],
                signal_from_row,
            )
            .map_err(StoreError::sql("list signals"))?;
        let mut out = rows
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(StoreError::sql("read a signal"))?;
        let mut link = self
            .conn
            .prepare_cached(
                "SELECT event_id FROM signal_events WHERE signal_id = ?1 ORDER BY event_id",
            )
            .map_err(StoreError::sql("prepare reading signal links"))?;
        for s in &mut out {
            s.event_ids = link
                .query_map([s.id], |r| r.get(0))
                .and_then(|rows| rows.collect())
                .map_err(StoreError::sql("read signal links"))?;
        }
        Ok(out)
    }

    /// The triage status of a signal.
    pub fn signal_status(&self, id: i64) -> Result<Option<String>> {
        self.conn
            .query_row("SELECT status FROM signals WHERE id = ?1", [id], |r| {
                r.get(0)
            })
            .optional()
            .map_err(StoreError::sql("read a signal status"))
    }
}

/// A signal from a row whose first 13 columns are, in order: id, disease_id, area_level,
/// area_code, frequency, period_start, method, observed, expected, upperbound, score,
/// explanation, status. Its events are left empty.
pub(crate) fn signal_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<SignalRow> {
    Ok(SignalRow {
        id: r.get(0)?,
        disease_id: r.get(1)?,
        area_level: r.get(2)?,
        area_code: r.get(3)?,
        frequency: r.get(4)?,
        period_start: r.get(5)?,
        method: r.get(6)?,
        observed: r.get(7)?,
        expected: r.get(8)?,
        upperbound: r.get(9)?,
        score: r.get(10)?,
        explanation: r.get(11)?,
        status: r.get(12)?,
        event_ids: Vec::new(),
    })
}
