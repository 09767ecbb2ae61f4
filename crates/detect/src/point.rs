//! The per-time-point result every method produces before it becomes a [`crate::Signal`], and
//! the wording of its explanation. Kept free of strings so the hot loops allocate nothing.

/// Why a point has the bound and alarm it has.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Note {
    /// The method gave a bound; the alarm compares the count with it.
    Evaluated,
    /// EARS: the bound is NaN because the reference window has no variation (sd 0).
    UndefinedBound,
    /// Farrington: fewer than `needed` cases in the last `period` points (R's `limit54`).
    TooFewRecentCases {
        cases: f64,
        needed: f64,
        period: usize,
    },
    /// Farrington: the Poisson regression did not converge, with or without trend.
    FitFailed,
    /// Farrington: the model gave no finite threshold (e.g. no residual degrees of freedom).
    NoThreshold,
    /// CUSUM: the statistic is undefined, because the reference mean is 0 or missing.
    UndefinedStatistic,
}

/// One evaluated time point.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Point {
    pub expected: Option<f64>,
    pub upperbound: Option<f64>,
    pub score: Option<f64>,
    pub alarm: Option<bool>,
    pub note: Note,
}

/// `Some(x)` unless x is NaN (R's NA and NaN both become "no value").
pub(crate) fn finite_or_none(x: f64) -> Option<f64> {
    if x.is_nan() { None } else { Some(x) }
}

impl Point {
    /// A point whose alarm is `y > u`, and NA when `u` is NaN (EARS).
    pub fn threshold(y: f64, expected: f64, u: f64, score: f64) -> Self {
        if u.is_nan() {
            Point {
                expected: finite_or_none(expected),
                upperbound: None,
                score: finite_or_none(score),
                alarm: None,
                note: Note::UndefinedBound,
            }
        } else {
            Point {
                expected: finite_or_none(expected),
                upperbound: Some(u),
                score: finite_or_none(score),
                alarm: Some(y > u),
                note: Note::Evaluated,
            }
        }
    }

    /// The sentence shown to users.
    pub fn explain(&self, method: &str, observed: u32, unit: &str) -> String {
        let fmt = |x: Option<f64>| match x {
            Some(v) if v.is_finite() => format!("{v:.2}"),
            Some(v) => format!("{v}"),
            None => "none".to_string(),
        };
        let cases = if observed == 1 {
            "1 case".to_string()
        } else {
            format!("{observed} cases")
        };
        match self.note {
            Note::Evaluated => {
                let u = fmt(self.upperbound);
                let e = fmt(self.expected);
                match (self.alarm, method) {
                    (Some(true), "cusum") => format!(
                        "alarm: {cases} reach the threshold {u}; the cumulative excess over the \
                         expected {e} per {unit} is above the decision limit"
                    ),
                    (Some(true), _) => {
                        format!("alarm: {cases} exceed the upper bound {u} (expected {e})")
                    }
                    (Some(false), "cusum") => {
                        format!("no alarm: {cases} stay below the threshold {u} (expected {e})")
                    }
                    (Some(false), _) if observed == 0 => {
                        format!("no alarm: no cases (upper bound {u}, expected {e})")
                    }
                    (Some(false), _) => format!(
                        "no alarm: {cases} do not exceed the upper bound {u} (expected {e})"
                    ),
                    (None, _) => format!("no decision: the alarm is undefined (upper bound {u})"),
                }
            }
            Note::UndefinedBound => {
                "no bound: the reference counts do not vary (standard deviation 0), so \
                 the C3 statistic is undefined; set a minimum sigma to get a bound"
                    .to_string()
            }
            Note::TooFewRecentCases {
                cases,
                needed,
                period,
            } => format!(
                "no bound: only {cases} cases in the last {period} {unit}s (at least {needed} needed \
                 before Farrington raises an alarm)"
            ),
            Note::FitFailed => {
                "no decision: the Poisson regression on the reference counts did not \
                 converge, with or without trend"
                    .to_string()
            }
            Note::NoThreshold => format!(
                "no bound: the model gives no finite threshold (expected {})",
                fmt(self.expected)
            ),
            Note::UndefinedStatistic => {
                "no decision: the reference mean is 0, so the standardised \
                 CUSUM statistic is undefined"
                    .to_string()
            }
        }
    }
}
