//! Detection over the store: series out of the store, signals back into it.
//!
//! Two kinds of signal come out:
//! - **statistical**: the aberration methods of `waspada-detect` (EARS, Farrington, ...)
//!   over the weekly (or daily) count of distinct stories per disease × area;
//! - **rules** that need no baseline, because one report is already news: a disease
//!   reported in an area for the first time in a year (`rule-new-area`), deaths reported
//!   (`rule-deaths`), and a KLB declared (`rule-klb-declared`).
//!
//! Only alarms are stored. Each stored signal links to the events behind it, so an analyst
//! can go from the signal to the articles.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use jiff::ToSpan;
use jiff::civil::Date;
use serde::Serialize;
use waspada_detect::{Frequency, Method, Series, SeriesKey, Window, detect_all};
use waspada_kb::KnowledgeBase;
use waspada_store::{EventFilter, EventRow, NewSignal, SeriesRow, Store};

use crate::PipelineError;

/// Periods of history a series needs before the window for the new-area rule to speak:
/// on a store that only just started, every disease is "new".
const NEW_AREA_MIN_HISTORY: usize = 8;
/// The new-area rule looks this far back (periods of the series' frequency).
const NEW_AREA_LOOKBACK_WEEKS: usize = 52;

/// What to detect, and over which periods.
#[derive(Debug, Clone)]
pub struct DetectOptions {
    /// Weekly (the default: SKDR's rhythm) or daily.
    pub frequency: Frequency,
    /// The statistical methods.
    pub methods: Vec<Method>,
    /// The last day considered ("today"); by default the latest report date in the store,
    /// so that an archive is judged as of its own end.
    pub as_of: Option<Date>,
    /// How many of the latest periods to evaluate.
    pub latest: usize,
    /// Apply the rules too.
    pub rules: bool,
    /// Fewest stories in a period for a statistical alarm to be stored. On a baseline of
    /// zeros every method flags a single report; that case is the new-area rule's, with
    /// words that say what it is.
    pub min_observed: u32,
}

impl Default for DetectOptions {
    fn default() -> Self {
        DetectOptions {
            frequency: Frequency::Weekly,
            methods: ["ears-c2", "farrington"]
                .iter()
                .filter_map(|m| Method::from_name(m))
                .collect(),
            as_of: None,
            latest: 4,
            rules: true,
            min_observed: 2,
        }
    }
}

/// What a detection run did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct DetectSummary {
    /// The last day considered.
    pub as_of: Option<String>,
    /// Series evaluated.
    pub series: usize,
    /// Periods per series.
    pub periods: usize,
    /// Alarms stored, per method.
    pub signals: BTreeMap<String, usize>,
    /// Series × method pairs that could not be evaluated (too short, ...), per method.
    pub not_evaluated: BTreeMap<String, usize>,
}

/// Runs detection over the store and records the alarms.
pub fn detect(store: &mut Store, options: &DetectOptions) -> Result<DetectSummary, PipelineError> {
    let Some(as_of) = as_of(store.latest_report_date()?, options)? else {
        return Ok(DetectSummary::default());
    };
    let rows = store.series(frequency_name(options.frequency))?;
    let plan = match DetectPlan::new(rows, as_of, options) {
        Ok(plan) => plan,
        Err(summary) => return Ok(summary),
    };
    let events = match plan.events_filter() {
        Some(f) => store.events(&f)?,
        None => Vec::new(),
    };
    let (signals, summary) = plan.finish(&events);
    let b = store.batch()?;
    for s in &signals {
        b.upsert_signal(s)?;
    }
    b.commit()?;
    Ok(summary)
}

/// The day detection judges as "today": the option's, else the store's latest report date
/// (`None` when the store has no report).
pub fn as_of(
    latest_report_date: Option<String>,
    options: &DetectOptions,
) -> Result<Option<Date>, PipelineError> {
    match options.as_of {
        Some(d) => Ok(Some(d)),
        None => latest_report_date
            .map(|d| d.parse().map_err(|_| PipelineError::BadDate(d)))
            .transpose(),
    }
}

/// The store's name of a series frequency.
pub fn frequency_name(frequency: Frequency) -> &'static str {
    match frequency {
        Frequency::Daily => "daily",
        _ => "weekly",
    }
}

/// Detection without the store: the statistical methods run when the plan is made, the
/// event rules when [`DetectPlan::finish`] gets the events of the window. Any store (SQLite
/// here, PostgreSQL in the scale-out scheduler) feeds it the same rows.
pub struct DetectPlan {
    options: DetectOptions,
    as_of: Date,
    rows: Vec<SeriesRow>,
    grid: PeriodGrid,
    series: Vec<Series>,
    latest: usize,
    signals: Vec<NewSignal>,
    summary: DetectSummary,
}

impl DetectPlan {
    /// Builds the series on a common calendar up to `as_of` and runs the statistical
    /// methods. `Err` holds the (empty) summary when there is no series to judge.
    pub fn new(
        rows: Vec<SeriesRow>,
        as_of: Date,
        options: &DetectOptions,
    ) -> Result<DetectPlan, DetectSummary> {
        let mut summary = DetectSummary {
            as_of: Some(as_of.to_string()),
            ..DetectSummary::default()
        };
        let freq_name = frequency_name(options.frequency);
        let Some(grid) = PeriodGrid::new(&rows, as_of, options.frequency) else {
            return Err(summary);
        };
        let series: Vec<Series> = rows
            .iter()
            .map(|r| grid.series(r, options.frequency))
            .collect();
        summary.series = series.len();
        summary.periods = grid.starts.len();
        let n = grid.starts.len();
        let latest = options.latest.max(1).min(n);
        // Each method starts where its baseline allows (EARS C2 at week 10, Farrington after
        // b years): the latest periods, clipped to that.
        let mut detections = waspada_detect::Detections::default();
        for method in &options.methods {
            let from = (n - latest + 1).max(method.default_from(options.frequency));
            if from > n {
                *summary
                    .not_evaluated
                    .entry(method.name().to_string())
                    .or_default() += series.len();
                continue;
            }
            let d = detect_all(
                &series,
                std::slice::from_ref(method),
                Window::Range { from, to: n },
            );
            detections.signals.extend(d.signals);
            for f in &d.failures {
                *summary
                    .not_evaluated
                    .entry(f.method.to_string())
                    .or_default() += 1;
            }
        }
        let kb = KnowledgeBase::embedded();
        let level_of: HashMap<Arc<SeriesKey>, &SeriesRow> = series
            .iter()
            .zip(&rows)
            .map(|(s, r)| (Arc::clone(&s.key), r))
            .collect();

        let mut signals = Vec::new();
        for sig in detections
            .signals
            .iter()
            .filter(|s| s.alarm == Some(true) && s.observed >= options.min_observed)
        {
            let Some(row) = level_of.get(&sig.series) else {
                continue;
            };
            let start = grid.starts[sig.t - 1];
            signals.push(NewSignal {
                disease_id: row.disease_id.clone(),
                area_level: row.area_level.clone(),
                area_code: row.area_code.clone(),
                frequency: freq_name.into(),
                period_start: start.to_string(),
                period_end: grid.end_of(start).to_string(),
                method: sig.method.into(),
                observed: sig.observed,
                expected: sig.expected,
                upperbound: sig.upperbound,
                score: sig.score,
                explanation: format!(
                    "{} in {}: {} in the {} of {start}, above the {} upper bound of {} \
                     (expected {}).",
                    disease_name(kb, &row.disease_id),
                    area_name(kb, &row.area_level, &row.area_code),
                    stories(i64::from(sig.observed)),
                    options.frequency.unit(),
                    sig.method,
                    sig.upperbound.map_or("-".into(), |u| format!("{u:.1}")),
                    sig.expected.map_or("-".into(), |e| format!("{e:.1}")),
                ),
            });
        }
        Ok(DetectPlan {
            options: options.clone(),
            as_of,
            rows,
            grid,
            series,
            latest,
            signals,
            summary,
        })
    }

    fn window_start(&self) -> Date {
        self.grid.starts[self.grid.starts.len() - self.latest]
    }

    /// The events the rules need (those active in the evaluated window), or `None` when
    /// the rules are off.
    pub fn events_filter(&self) -> Option<EventFilter> {
        self.options.rules.then(|| EventFilter {
            since: Some(self.window_start().to_string()),
            until: Some(self.as_of.to_string()),
            ..EventFilter::default()
        })
    }

    /// Applies the rules (with the events of [`DetectPlan::events_filter`]) and returns
    /// every alarm to store, with the run's summary counting them.
    pub fn finish(mut self, events: &[EventRow]) -> (Vec<NewSignal>, DetectSummary) {
        let freq_name = frequency_name(self.options.frequency);
        let kb = KnowledgeBase::embedded();
        if self.options.rules {
            let window_start = self.window_start();
            new_area_rule(
                &self.grid,
                &self.series,
                &self.rows,
                self.latest,
                freq_name,
                kb,
                &mut self.signals,
            );
            event_rules(
                events,
                &self.grid,
                window_start,
                self.as_of,
                freq_name,
                kb,
                &mut self.signals,
            );
        }
        for s in &self.signals {
            *self.summary.signals.entry(s.method.clone()).or_default() += 1;
        }
        (self.signals, self.summary)
    }
}

/// The common calendar of every series: consecutive periods up to `as_of`.
struct PeriodGrid {
    starts: Vec<Date>,
    index: BTreeMap<Date, usize>,
    frequency: Frequency,
}

impl PeriodGrid {
    fn new(rows: &[SeriesRow], as_of: Date, frequency: Frequency) -> Option<PeriodGrid> {
        let first = rows
            .iter()
            .filter_map(|r| r.points.first())
            .filter_map(|p| p.period_start.parse::<Date>().ok())
            .min()?;
        let last = period_start(as_of, frequency);
        let step = match frequency {
            Frequency::Daily => 1.day(),
            _ => 7.days(),
        };
        let mut starts = Vec::new();
        let mut d = first;
        while d <= last {
            starts.push(d);
            d = d.checked_add(step).ok()?;
        }
        if starts.is_empty() {
            return None;
        }
        let index = starts.iter().enumerate().map(|(i, d)| (*d, i)).collect();
        Some(PeriodGrid {
            starts,
            index,
            frequency,
        })
    }

    fn series(&self, row: &SeriesRow, frequency: Frequency) -> Series {
        let mut counts = vec![0u32; self.starts.len()];
        for p in &row.points {
            if let Some(&i) = p
                .period_start
                .parse::<Date>()
                .ok()
                .and_then(|d| self.index.get(&d))
            {
                counts[i] = p.reports;
            }
        }
        Series::new(
            row.disease_id.clone(),
            format!("{}:{}", row.area_level, row.area_code),
            frequency,
            counts,
        )
        .with_dates(self.starts.clone())
    }

    fn end_of(&self, start: Date) -> Date {
        match self.frequency {
            Frequency::Daily => start,
            _ => start.checked_add(6.days()).unwrap_or(start),
        }
    }

    fn period_of(&self, d: Date) -> Date {
        period_start(d, self.frequency)
    }
}

/// The first day of the period holding `d` (weeks start on Monday, as ISO weeks and the
/// store's weekly series do).
pub fn period_start(d: Date, frequency: Frequency) -> Date {
    match frequency {
        Frequency::Daily => d,
        _ => {
            let back = i64::from(d.weekday().to_monday_zero_offset());
            d.checked_sub(back.days()).unwrap_or(d)
        }
    }
}

/// A disease reported in an area where it was not reported for a year.
fn new_area_rule(
    grid: &PeriodGrid,
    series: &[Series],
    rows: &[SeriesRow],
    latest: usize,
    freq_name: &str,
    kb: &KnowledgeBase,
    out: &mut Vec<NewSignal>,
) {
    let n = grid.starts.len();
    let lookback = match grid.frequency {
        Frequency::Daily => NEW_AREA_LOOKBACK_WEEKS * 7,
        _ => NEW_AREA_LOOKBACK_WEEKS,
    };
    for (s, row) in series.iter().zip(rows) {
        for t in (n - latest)..n {
            if s.counts[t] == 0 || t < NEW_AREA_MIN_HISTORY {
                continue;
            }
            let from = t.saturating_sub(lookback);
            if s.counts[from..t].iter().all(|&c| c == 0) {
                let start = grid.starts[t];
                out.push(NewSignal {
                    disease_id: row.disease_id.clone(),
                    area_level: row.area_level.clone(),
                    area_code: row.area_code.clone(),
                    frequency: freq_name.into(),
                    period_start: start.to_string(),
                    period_end: grid.end_of(start).to_string(),
                    method: "rule-new-area".into(),
                    observed: s.counts[t],
                    expected: Some(0.0),
                    upperbound: None,
                    score: None,
                    explanation: format!(
                        "{} is reported in {} for the first time in the {} periods on record \
                         (up to a year): a new area for this disease.",
                        disease_name(kb, &row.disease_id),
                        area_name(kb, &row.area_level, &row.area_code),
                        t - from
                    ),
                });
                break;
            }
        }
    }
}

/// Deaths reported, and KLB declared, in events active in the window.
fn event_rules(
    events: &[EventRow],
    grid: &PeriodGrid,
    window_start: Date,
    as_of: Date,
    freq_name: &str,
    kb: &KnowledgeBase,
    out: &mut Vec<NewSignal>,
) {
    for e in events {
        let place = &e.place_name;
        let disease = disease_name(kb, &e.disease_id);
        let mut push = |date: &str, method: &str, observed: u32, explanation: String| {
            let Ok(d) = date.parse::<Date>() else { return };
            if d < window_start || d > as_of {
                return;
            }
            let start = grid.period_of(d);
            out.push(NewSignal {
                disease_id: e.disease_id.clone(),
                area_level: e.area_level.clone(),
                area_code: e.area_code.clone(),
                frequency: freq_name.into(),
                period_start: start.to_string(),
                period_end: grid.end_of(start).to_string(),
                method: method.into(),
                observed,
                expected: None,
                upperbound: None,
                score: None,
                explanation,
            });
        };
        for f in e
            .figures
            .iter()
            .filter(|f| f.kind == "deaths" && f.value > 0)
        {
            let who = if f.species == "human" {
                "people".to_string()
            } else {
                format!("{} (animals)", f.species)
            };
            push(
                &f.date,
                "rule-deaths",
                u32::try_from(f.value).unwrap_or(u32::MAX),
                format!(
                    "{disease} in {place}: {} {} of {who} reported as of {} ({}).",
                    f.value,
                    if f.value == 1 { "death" } else { "deaths" },
                    f.date,
                    stories(e.n_stories)
                ),
            );
        }
        if e.klb_declared {
            push(
                &e.last_date,
                "rule-klb-declared",
                u32::try_from(e.n_stories).unwrap_or(u32::MAX),
                format!(
                    "{disease} in {place}: a KLB (kejadian luar biasa) was declared; \
                     reported from {} to {} in {}.",
                    e.first_date,
                    e.last_date,
                    stories(e.n_stories)
                ),
            );
        }
    }
}

fn stories(n: i64) -> String {
    if n == 1 {
        "1 story".into()
    } else {
        format!("{n} stories")
    }
}

/// English name of a disease, or its id.
pub fn disease_name(kb: &KnowledgeBase, id: &str) -> String {
    kb.disease(id)
        .map_or_else(|| id.to_string(), |d| d.name_en.clone())
}

/// Name of an area (Kemendagri code or ISO alpha-3), or its code.
pub fn area_name(kb: &KnowledgeBase, level: &str, code: &str) -> String {
    if level == "country" {
        return kb
            .country(code)
            .map_or_else(|| code.to_string(), |c| c.name_en.clone());
    }
    kb.place(code)
        .map_or_else(|| code.to_string(), |p| p.name.clone())
}
