//! Detect: aberration detection over count series, giving the same numbers as R
//! `surveillance` 1.20.3, plus Indonesia's KLB criteria.
//!
//! Epidemiologists trust R `surveillance`; Waspada must give the same upper bounds and alarms,
//! only much faster and without R. Each method is therefore a transcription of the behavioural
//! spec (`shared/design/detect-spec.md`), quirks included, and is tested against R output:
//!
//! - [`ears`]: EARS C1, C2, C3 (`earsC`);
//! - [`farrington`]: Farrington Flexible and the Noufaily (2013) preset (`farringtonFlexible`),
//!   on an IRLS quasi-Poisson GLM ([`glm`](crate) is private) that copies R's `glm.fit`;
//! - [`cusum`]: Rossi's CUSUM (`algo.cusum`);
//! - [`klb`]: the six KLB criteria of Permenkes 1501/2010, with explanations.
//!
//! The crate does no I/O. Callers build [`Series`], pick [`Method`]s and a [`Window`], and call
//! [`evaluate`] for one series or [`detect_all`] for many (in parallel on all cores). Where R
//! gives `NA`, a [`Signal`] carries `None` and its explanation says why; where R stops with an
//! error, a [`DetectError`] says what to change. Nothing panics on bad input.

#![warn(missing_docs)]

pub mod cusum;
pub mod ears;
mod error;
pub mod farrington;
mod glm;
pub mod klb;
mod num;
mod point;
mod series;

use std::sync::Arc;

use rayon::prelude::*;
use serde::Serialize;

pub use cusum::CusumConfig;
pub use ears::{EarsConfig, EarsVariant};
pub use error::DetectError;
pub use farrington::{FarringtonConfig, PowerTransform, ThresholdMethod};
/// Calendar date type of [`Series::dates`] (re-exported so callers need not depend on jiff).
pub use jiff::civil::Date;
pub use klb::{CriterionResult, CriterionStatus, KlbConfig, KlbCriterion};
pub use series::{Frequency, Series, SeriesKey, Signal};

use point::Point;

/// A configured detection method.
///
/// The `score` of a [`Signal`] is the method's own statistic: for EARS C1/C2 the z-score
/// (y − mean)/sd (alarm above the normal quantile); for C3 the sum of the two previous C2
/// excesses; for Farrington R's score (y − μ₀)/(U − μ₀) (alarm above 1; the Noufaily thresholds
/// use the log-mean η₀ in place of μ₀, as R does); for CUSUM the cumulative sum S_t (alarm at or
/// above h); for KLB the number of criteria met.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub enum Method {
    /// EARS C1, C2 or C3.
    Ears(EarsConfig),
    /// Farrington Flexible (delta threshold) or Noufaily (negative-binomial thresholds).
    Farrington(FarringtonConfig),
    /// Rossi's CUSUM.
    Cusum(CusumConfig),
    /// KLB criteria of Permenkes 1501/2010.
    Klb(KlbConfig),
}

impl Method {
    /// Method names accepted by [`Method::from_name`].
    pub const NAMES: [&'static str; 7] = [
        "ears-c1",
        "ears-c2",
        "ears-c3",
        "farrington",
        "noufaily",
        "cusum",
        "klb",
    ];

    /// The preset for a method name (as in `shared/eval/signals_dev_reference.json`).
    pub fn from_name(name: &str) -> Option<Method> {
        Some(match name {
            "ears-c1" => Method::Ears(EarsConfig::new(EarsVariant::C1)),
            "ears-c2" => Method::Ears(EarsConfig::new(EarsVariant::C2)),
            "ears-c3" => Method::Ears(EarsConfig::new(EarsVariant::C3)),
            "farrington" => Method::Farrington(FarringtonConfig::farrington()),
            "noufaily" => Method::Farrington(FarringtonConfig::noufaily()),
            "cusum" => Method::Cusum(CusumConfig::default()),
            "klb" => Method::Klb(KlbConfig::default()),
            _ => return None,
        })
    }

    /// Name used in signals.
    pub fn name(&self) -> &'static str {
        match self {
            Method::Ears(c) => c.name(),
            Method::Farrington(c) => c.name(),
            Method::Cusum(_) => "cusum",
            Method::Klb(_) => "klb",
        }
    }

    /// First time point evaluated by default, as in R `surveillance`: B+1, B+3 or B+5 for EARS,
    /// freq·b + w + 1 for Farrington, freq + 1 for CUSUM (its first year is the reference), 1 for
    /// KLB.
    pub fn default_from(&self, freq: Frequency) -> usize {
        match self {
            Method::Ears(c) => c.default_from(),
            Method::Farrington(c) => c.default_from(freq),
            Method::Cusum(_) => freq.periods_per_year() + 1,
            Method::Klb(_) => 1,
        }
    }

    fn params(&self) -> String {
        match self {
            Method::Ears(c) => format!("baseline = {}", c.baseline),
            Method::Farrington(c) => format!("b = {} and w = {}", c.b, c.w),
            Method::Cusum(_) => "its default one-year reference".to_string(),
            Method::Klb(_) => String::new(),
        }
    }
}

/// Which time points to evaluate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Window {
    /// From the method's default first point (as in R) to the end.
    Default,
    /// The last `n` points (the pipeline's "latest week" is `Latest(1)`).
    Latest(usize),
    /// 1-based `from..=to`.
    Range {
        /// First point.
        from: usize,
        /// Last point.
        to: usize,
    },
}

/// Resolves `window` for `method` on a series of length `n`, with every check R makes.
pub fn resolve_window(
    method: &Method,
    freq: Frequency,
    n: usize,
    window: Window,
) -> Result<(usize, usize), DetectError> {
    if n == 0 {
        return Err(DetectError::EmptySeries);
    }
    let earliest = method.default_from(freq);
    let (from, to) = match window {
        Window::Default => {
            if earliest > n {
                return Err(DetectError::TooShort {
                    method: method.name(),
                    params: method.params(),
                    needed: earliest,
                    have: n,
                    freq: freq.adjective(),
                    unit: freq.unit(),
                });
            }
            (earliest, n)
        }
        Window::Latest(k) => (n.saturating_sub(k) + 1, n),
        Window::Range { from, to } => (from, to),
    };
    if from == 0 || from > to || to > n {
        return Err(DetectError::BadRange {
            from,
            to,
            len: n,
            hint: "; time points are counted from 1 and --from must not exceed --to",
        });
    }
    match method {
        Method::Ears(c) => c.check_range(from, to)?,
        Method::Farrington(c) => c.check_range(freq, from, n)?,
        Method::Cusum(_) | Method::Klb(_) => {}
    }
    Ok((from, to))
}

fn validate(series: &Series, method: &Method) -> Result<(), DetectError> {
    let n = series.len();
    let check = |what: &'static str, got: Option<usize>| match got {
        Some(got) if got != n => Err(DetectError::LengthMismatch {
            what,
            expected: n,
            got,
        }),
        _ => Ok(()),
    };
    check("date", series.dates.as_ref().map(Vec::len))?;
    check("deaths", series.deaths.as_ref().map(Vec::len))?;
    check("population", series.population.as_ref().map(Vec::len))?;
    match method {
        Method::Ears(c) => c.validate(),
        Method::Farrington(c) => c.validate(series.frequency),
        Method::Cusum(c) => c.validate(),
        Method::Klb(_) => Ok(()),
    }
}

/// Runs `method` on `series` over `window`: one [`Signal`] per evaluated time point, in order.
pub fn evaluate(
    series: &Series,
    method: &Method,
    window: Window,
) -> Result<Vec<Signal>, DetectError> {
    validate(series, method)?;
    let (from, to) = resolve_window(method, series.frequency, series.len(), window)?;
    let name = method.name();
    let unit = series.frequency.unit();
    let signal =
        |t: usize, p: &Point, explanation: String, criteria: Vec<CriterionResult>| Signal {
            series: Arc::clone(&series.key),
            t,
            date: series.date(t),
            method: name,
            observed: series.counts[t - 1],
            expected: p.expected,
            upperbound: p.upperbound,
            score: p.score,
            alarm: p.alarm,
            explanation,
            criteria,
        };
    if let Method::Klb(cfg) = method {
        return Ok((from..=to)
            .map(|t| {
                let criteria = klb::assess(series, cfg, t);
                let (alarm, text) = klb::summarise(&criteria);
                let met = criteria
                    .iter()
                    .filter(|c| c.status == CriterionStatus::Met)
                    .count();
                let p = Point {
                    expected: None,
                    upperbound: None,
                    score: Some(met as f64),
                    alarm,
                    note: point::Note::Evaluated,
                };
                signal(t, &p, text, criteria)
            })
            .collect());
    }
    let points = run_points(series, method, from, to)?;
    Ok(points
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let t = from + i;
            let observed = series.counts[t - 1];
            signal(t, p, p.explain(name, observed, unit), Vec::new())
        })
        .collect())
}

/// R's (upper bound, alarm) at one time point; `None` is `NA`.
pub type Bound = (Option<f64>, Option<bool>);

/// Upper bounds and alarms only (R's `upperbound` and `alarm` slots), without building signals.
///
/// This is what the reference tests compare and what benchmarks time; `None` is R's `NA`.
pub fn bounds(series: &Series, method: &Method, window: Window) -> Result<Vec<Bound>, DetectError> {
    validate(series, method)?;
    let (from, to) = resolve_window(method, series.frequency, series.len(), window)?;
    if matches!(method, Method::Klb(_)) {
        return Ok(evaluate(series, method, window)?
            .into_iter()
            .map(|s| (s.upperbound, s.alarm))
            .collect());
    }
    Ok(run_points(series, method, from, to)?
        .into_iter()
        .map(|p| (p.upperbound, p.alarm))
        .collect())
}

fn run_points(
    series: &Series,
    method: &Method,
    from: usize,
    to: usize,
) -> Result<Vec<Point>, DetectError> {
    let y: Vec<f64> = series.counts.iter().map(|&c| f64::from(c)).collect();
    Ok(match method {
        Method::Ears(c) => ears::ears(&y, c, from, to),
        Method::Farrington(c) => farrington::farrington(&y, series.frequency, c, from, to)?,
        Method::Cusum(c) => cusum::cusum(&y, c, from, to),
        Method::Klb(_) => unreachable_klb(),
    })
}

/// KLB is handled before `run_points`; kept as a function so no `unreachable!` panics exist.
fn unreachable_klb() -> Vec<Point> {
    Vec::new()
}

/// A (series, method) pair that could not be evaluated.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Failure {
    /// The series.
    pub series: Arc<SeriesKey>,
    /// The method.
    pub method: &'static str,
    /// Why, in words.
    pub error: String,
}

/// Everything [`detect_all`] found.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Detections {
    /// Signals, grouped by series in input order, then by method in the order given.
    pub signals: Vec<Signal>,
    /// Series × method pairs that could not be evaluated (e.g. too short for Farrington).
    pub failures: Vec<Failure>,
}

/// Runs every method in `methods` over every series, in parallel (rayon, all cores).
///
/// A series too short for one method still gets the others; the failure is listed.
pub fn detect_all(series: &[Series], methods: &[Method], window: Window) -> Detections {
    let per_series: Vec<Detections> = series
        .par_iter()
        .map(|s| {
            let mut d = Detections::default();
            for m in methods {
                match evaluate(s, m, window) {
                    Ok(sig) => d.signals.extend(sig),
                    Err(e) => d.failures.push(Failure {
                        series: Arc::clone(&s.key),
                        method: m.name(),
                        error: e.to_string(),
                    }),
                }
            }
            d
        })
        .collect();
    let mut out = Detections::default();
    for d in per_series {
        out.signals.extend(d.signals);
        out.failures.extend(d.failures);
    }
    out
}
