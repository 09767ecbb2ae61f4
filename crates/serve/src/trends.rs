//! Each signal's recent history, for the sparklines of the signals page.
//!
//! A signal flags one period of one series (disease × area × frequency); its trend is the
//! same series over the [`TREND_WEEKS`] weeks or [`TREND_DAYS`] days that end with that
//! period. The page is load-tested, so the points of every row come from ONE query
//! ([`Workplace::signal_trends`]: the page's signals by id, each joined to its series
//! through the primary key of `series_counts`), not one per row.

use std::collections::HashMap;

use jiff::ToSpan;
use jiff::civil::Date;
use waspada_store::Workplace;

use crate::ApiError;
use crate::i18n::Lang;
use crate::query::SignalView;
use crate::sparkline::Sparkline;

/// Periods a weekly signal's trend shows (about a quarter).
pub const TREND_WEEKS: usize = 12;
/// Periods a daily signal's trend shows.
pub const TREND_DAYS: usize = 30;

/// The periods a trend of this frequency shows, and their step in days.
fn shape(frequency: &str) -> Option<(usize, i64)> {
    match frequency {
        "weekly" => Some((TREND_WEEKS, 7)),
        "daily" => Some((TREND_DAYS, 1)),
        _ => None,
    }
}

/// How many days before its own period a trend of this frequency starts.
fn reach(frequency: &str) -> i64 {
    let (n, step) = shape(frequency).unwrap_or((1, 1));
    (n as i64 - 1) * step
}

/// Every signal's counts over its window, oldest first and with zeros where nothing was
/// reported, by signal id. Signals with an unknown frequency or a bad date get none.
pub fn signal_trends(
    store: &dyn Workplace,
    signals: &[SignalView],
) -> Result<HashMap<i64, Vec<u32>>, ApiError> {
    // Each signal's first period, step and counts (zeros until read).
    let mut windows: HashMap<i64, (Date, i64, Vec<u32>)> = HashMap::new();
    for s in signals {
        let Some((n, step)) = shape(&s.frequency) else {
            continue;
        };
        let Some(first) = s
            .period_start
            .parse::<Date>()
            .ok()
            .and_then(|last| last.checked_sub(((n as i64 - 1) * step).days()).ok())
        else {
            continue;
        };
        windows.insert(s.id, (first, step, vec![0; n]));
    }
    if windows.is_empty() {
        return Ok(HashMap::new());
    }
    let ids: Vec<i64> = windows.keys().copied().collect();
    for point in store.signal_trends(&ids, reach("weekly"), reach("daily"))? {
        let (Some((first, step, counts)), Ok(at)) = (
            windows.get_mut(&point.signal_id),
            point.period_start.parse::<Date>(),
        ) else {
            continue;
        };
        let days = i64::from((at - *first).get_days());
        if days % *step == 0
            && let Some(slot) = usize::try_from(days / *step)
                .ok()
                .and_then(|i| counts.get_mut(i))
        {
            *slot = point.reports;
        }
    }
    Ok(windows
        .into_iter()
        .map(|(id, (_, _, counts))| (id, counts))
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
    pub fn read(
        store: &dyn Workplace,
        signals: &[SignalView],
        lang: Lang,
    ) -> Result<Trends, ApiError> {
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
    use waspada_store::Store;

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

    /// A store holding `counts` of the dengue series in Garut, and `signals`.
    fn store_with(
        counts: &[(&str, &str, u32)],
        signals: &[SignalView],
    ) -> (tempfile::TempDir, Store) {
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
        for s in signals {
            store
                .connection()
                .execute(
                    "INSERT INTO signals (id, disease_id, area_level, area_code, frequency,
                         period_start, method, observed, explanation, detected_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, '', 0)",
                    rusqlite::params![
                        s.id,
                        s.disease_id,
                        s.area_level,
                        s.area_code,
                        s.frequency,
                        s.period_start,
                        s.method,
                        s.observed
                    ],
                )
                .unwrap();
        }
        (dir, store)
    }

    #[test]
    fn weekly_and_daily_windows_end_at_the_signal_and_fill_gaps_with_zeros() {
        let mut other_method = signal(2, "weekly", "2025-11-17");
        other_method.method = "farrington".into();
        let signals = [
            signal(1, "weekly", "2025-11-17"),
            other_method, // same series and week
            signal(3, "daily", "2025-11-20"),
            signal(4, "monthly", "2025-11-01"),
        ];
        let (_dir, store) = store_with(
            &[
                ("weekly", "2025-08-25", 7), // 12 weeks before: just outside
                ("weekly", "2025-09-01", 1), // first week of the window
                ("weekly", "2025-11-10", 3),
                ("weekly", "2025-11-17", 9), // the signal's week
                ("weekly", "2025-11-24", 5), // after it: not shown
                ("daily", "2025-11-19", 2),
                ("daily", "2025-11-20", 4),
            ],
            &signals,
        );
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
}
