//! Each signal's recent history, for the sparklines of the signals page.
//!
//! A signal flags one period of one series (disease × area × frequency); its trend is the
//! same series over the [`TREND_WEEKS`] weeks or [`TREND_DAYS`] days that end with that
//! period. The page is load-tested, so the points of every row come from ONE query that
//! walks the primary key of `series_counts` (disease, level, area, frequency, period) once
//! per distinct series: no query per row.

use std::collections::HashMap;

use jiff::ToSpan;
use jiff::civil::Date;
use rusqlite::params_from_iter;
use rusqlite::types::Value;
use waspada_store::{Store, StoreError};

use crate::ApiError;
use crate::i18n::Lang;
use crate::query::SignalView;
use crate::sparkline::Sparkline;

/// Periods a weekly signal's trend shows (about a quarter).
pub const TREND_WEEKS: usize = 12;
/// Periods a daily signal's trend shows.
pub const TREND_DAYS: usize = 30;

// A full page of signals binds 7 parameters each, within SQLite's limit of 32,766.
const _: () = assert!(crate::query::MAX_LIMIT * 7 <= 32_766);

/// A series window: disease, level, area, frequency, first and last period.
type Window = (String, String, String, String, String, String);

/// The window a signal's trend covers, and its length in periods and step in days.
fn window(s: &SignalView) -> Option<(Window, usize, i64)> {
    let (n, step) = match s.frequency.as_str() {
        "weekly" => (TREND_WEEKS, 7),
        "daily" => (TREND_DAYS, 1),
        _ => return None,
    };
    let last: Date = s.period_start.parse().ok()?;
    let first = last.checked_sub(((n as i64 - 1) * step).days()).ok()?;
    Some((
        (
            s.disease_id.clone(),
            s.area_level.clone(),
            s.area_code.clone(),
            s.frequency.clone(),
            first.to_string(),
            last.to_string(),
        ),
        n,
        step,
    ))
}

/// The query for `n` windows: 7 parameters each (index, disease, level, area, frequency,
/// first and last period), answering (index, period, reports) for the stored periods.
fn trends_sql(n: usize) -> String {
    let rows = vec!["(?, ?, ?, ?, ?, ?, ?)"; n].join(", ");
    format!(
        "WITH w(k, disease_id, area_level, area_code, frequency, lo, hi) AS (VALUES {rows})
         SELECT w.k, c.period_start, c.reports FROM w JOIN series_counts c
           ON c.disease_id = w.disease_id AND c.area_level = w.area_level
          AND c.area_code = w.area_code AND c.frequency = w.frequency
          AND c.period_start BETWEEN w.lo AND w.hi"
    )
}

/// Every signal's counts over its window, oldest first and with zeros where nothing was
/// reported, by signal id. Signals with an unknown frequency or a bad date get none.
pub fn signal_trends(
    store: &Store,
    signals: &[SignalView],
) -> Result<HashMap<i64, Vec<u32>>, ApiError> {
    // Signals of one series and period (several methods) share a window.
    let mut windows: Vec<(Window, usize, i64)> = Vec::new();
    let mut of_signal: Vec<(i64, usize)> = Vec::new();
    for s in signals {
        let Some(w) = window(s) else { continue };
        let k = match windows.iter().position(|x| x.0 == w.0) {
            Some(k) => k,
            None => {
                windows.push(w);
                windows.len() - 1
            }
        };
        of_signal.push((s.id, k));
    }
    let mut series: Vec<Vec<u32>> = windows.iter().map(|(_, n, _)| vec![0; *n]).collect();
    if !windows.is_empty() {
        let sql = trends_sql(windows.len());
        let mut args = Vec::with_capacity(windows.len() * 7);
        for (k, ((d, l, a, f, lo, hi), _, _)) in windows.iter().enumerate() {
            args.push(Value::Integer(k as i64));
            for v in [d, l, a, f, lo, hi] {
                args.push(Value::Text(v.clone()));
            }
        }
        let sql_err = |source| {
            ApiError::from(StoreError::Sql {
                action: "read the signals' trends",
                source,
            })
        };
        let mut stmt = store.connection().prepare(&sql).map_err(sql_err)?;
        let mut rows = stmt.query(params_from_iter(args)).map_err(sql_err)?;
        while let Some(r) = rows.next().map_err(sql_err)? {
            let k: i64 = r.get(0).map_err(sql_err)?;
            let period: String = r.get(1).map_err(sql_err)?;
            let reports: u32 = r.get(2).map_err(sql_err)?;
            let Some(((_, _, _, _, lo, _), _, step)) =
                usize::try_from(k).ok().and_then(|k| windows.get(k))
            else {
                continue;
            };
            let (Ok(lo), Ok(at)) = (lo.parse::<Date>(), period.parse::<Date>()) else {
                continue;
            };
            let days = (at - lo).get_days() as i64;
            if days % step == 0
                && let Some(slot) = series[k as usize].get_mut((days / step) as usize)
            {
                *slot = reports;
            }
        }
    }
    Ok(of_signal
        .into_iter()
        .map(|(id, k)| (id, series[k].clone()))
        .collect())
}

/// The sparklines of a page's signals, by signal id.
#[derive(Debug, Clone, Default)]
pub struct Trends(HashMap<i64, Sparkline>);

impl Trends {
    /// Draws each signal's trend (its own period marked, its threshold dashed), with an
    /// accessible label in `lang`: "12-week trend: 0, 1, 3, 9; threshold 4.2".
    pub fn new(signals: &[SignalView], counts: &HashMap<i64, Vec<u32>>, lang: Lang) -> Trends {
        let mut out = HashMap::with_capacity(signals.len());
        for s in signals {
            let Some(values) = counts.get(&s.id) else {
                continue;
            };
            let key = if s.frequency == "daily" {
                "trend_days"
            } else {
                "trend_weeks"
            };
            let mut label = format!(
                "{}: {}",
                lang.t(key).replace("{n}", &values.len().to_string()),
                values
                    .iter()
                    .map(u32::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            if let Some(t) = s.upperbound.filter(|t| t.is_finite()) {
                label.push_str(&format!("; {} {t:.1}", lang.t("trend_threshold")));
            }
            out.insert(s.id, Sparkline::new(values, true, s.upperbound, &label));
        }
        Trends(out)
    }

    /// Reads the signals' counts ([`signal_trends`]: one query) and draws them.
    pub fn read(store: &Store, signals: &[SignalView], lang: Lang) -> Result<Trends, ApiError> {
        Ok(Trends::new(signals, &signal_trends(store, signals)?, lang))
    }

    /// The sparkline of signal `id`, if it has one.
    pub fn get(&self, id: &i64) -> Option<&Sparkline> {
        self.0.get(id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signal(id: i64, frequency: &str, period: &str) -> SignalView {
        SignalView {
            id,
            disease_id: "dengue".into(),
            disease_name: String::new(),
            area_level: "regency".into(),
            area_code: "32.05".into(),
            place_name: String::new(),
            frequency: frequency.into(),
            period_start: period.into(),
            method: "ears-c2".into(),
            observed: 9,
            expected: Some(1.0),
            upperbound: Some(4.2),
            score: None,
            explanation: String::new(),
            status: "new".into(),
            detected_at: 0,
            n_stories: 0,
            event_ids: Vec::new(),
        }
    }

    fn store_with(counts: &[(&str, &str, u32)]) -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("s.sqlite")).unwrap();
        for (frequency, period, n) in counts {
            store
                .connection()
                .execute(
                    "INSERT INTO series_counts VALUES ('dengue', 'regency', '32.05', ?1, ?2, ?3)",
                    rusqlite::params![frequency, period, n],
                )
                .unwrap();
        }
        (dir, store)
    }

    #[test]
    fn weekly_and_daily_windows_end_at_the_signal_and_fill_gaps_with_zeros() {
        let (_dir, store) = store_with(&[
            ("weekly", "2025-08-25", 7), // 12 weeks before: just outside
            ("weekly", "2025-09-01", 1), // first week of the window
            ("weekly", "2025-11-10", 3),
            ("weekly", "2025-11-17", 9), // the signal's week
            ("weekly", "2025-11-24", 5), // after it: not shown
            ("daily", "2025-11-19", 2),
            ("daily", "2025-11-20", 4),
        ]);
        let signals = [
            signal(1, "weekly", "2025-11-17"),
            signal(2, "weekly", "2025-11-17"), // same series and week, another method
            signal(3, "daily", "2025-11-20"),
            signal(4, "monthly", "2025-11-01"),
        ];
        let t = signal_trends(&store, &signals).unwrap();
        let mut weekly = vec![0; 12];
        weekly[0] = 1;
        weekly[10] = 3;
        weekly[11] = 9;
        assert_eq!(t[&1], weekly);
        assert_eq!(t[&2], weekly);
        let mut daily = vec![0; 30];
        daily[28] = 2;
        daily[29] = 4;
        assert_eq!(t[&3], daily);
        assert!(!t.contains_key(&4), "an unknown frequency has no trend");
        assert!(signal_trends(&store, &[]).unwrap().is_empty());

        let drawn = Trends::new(&signals, &t, Lang::En);
        let svg = drawn.get(&1).unwrap().as_str();
        assert!(
            svg.contains(
                "aria-label=\"12-week trend: 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 9; threshold 4.2\""
            ),
            "{svg}"
        );
        let id = Trends::new(&signals, &t, Lang::Id);
        assert!(
            id.get(&3)
                .unwrap()
                .as_str()
                .contains("aria-label=\"Tren 30 hari: 0, ")
        );
        assert!(id.get(&4).is_none());
    }

    #[test]
    fn the_query_walks_the_series_primary_key() {
        let (_dir, store) = store_with(&[]);
        let plan: Vec<String> = store
            .connection()
            .prepare(&format!("EXPLAIN QUERY PLAN {}", trends_sql(3)))
            .unwrap()
            .query_map(params_from_iter(vec![Value::Null; 21]), |r| {
                r.get::<_, String>(3)
            })
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        let plan = plan.join("\n");
        assert!(
            plan.contains("SEARCH c USING PRIMARY KEY (disease_id=? AND area_level=? AND area_code=? AND frequency=? AND period_start>? AND period_start<?)"),
            "{plan}"
        );
        assert!(!plan.contains("SCAN c"), "{plan}");
    }
}
