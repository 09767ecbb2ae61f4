//! EARS C1, C2 and C3 (Hutwagner et al. 2003), as R `surveillance::earsC` computes them.
//!
//! C1 compares each point with the mean and standard deviation of the previous `baseline`
//! points; C2 skips the two most recent points (a guard band); C3 adds up the C2 excesses of the
//! two previous points. C3's bound reproduces a quirk of the R package: it is built around the
//! observed count itself (see the spec, §1).

use serde::Serialize;

use crate::error::DetectError;
use crate::num::{max0, mean_sd, normal_quantile};
use crate::point::Point;

/// Which of the three EARS methods.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum EarsVariant {
    /// Previous `baseline` points.
    C1,
    /// `baseline` points ending three points back (two-point guard band).
    C2,
    /// C2 excesses of the two previous points.
    C3,
}

/// Parameters of `earsC`. [`EarsConfig::new`] gives R's defaults.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct EarsConfig {
    /// C1, C2 or C3.
    pub variant: EarsVariant,
    /// Number of points in the reference window (R `baseline`, default 7, at least 3).
    pub baseline: usize,
    /// One-sided level; `None` means R's default, 0.001 for C1/C2 and 0.025 for C3.
    pub alpha: Option<f64>,
    /// Lower limit for the standard deviation (R `minSigma`, default 0).
    pub min_sigma: f64,
}

impl EarsConfig {
    /// R's defaults for `variant`: baseline 7, default alpha, minSigma 0.
    pub fn new(variant: EarsVariant) -> Self {
        EarsConfig {
            variant,
            baseline: 7,
            alpha: None,
            min_sigma: 0.0,
        }
    }

    /// Method name used in signals and the CLI.
    pub fn name(&self) -> &'static str {
        match self.variant {
            EarsVariant::C1 => "ears-c1",
            EarsVariant::C2 => "ears-c2",
            EarsVariant::C3 => "ears-c3",
        }
    }

    /// The level actually used.
    pub fn alpha(&self) -> f64 {
        self.alpha.unwrap_or(match self.variant {
            EarsVariant::C3 => 0.025,
            _ => 0.001,
        })
    }

    /// How many points before `t` the method reads (R's `L`): B, B+2 or B+4.
    fn lookback(&self) -> usize {
        match self.variant {
            EarsVariant::C1 => self.baseline,
            EarsVariant::C2 => self.baseline + 2,
            EarsVariant::C3 => self.baseline + 4,
        }
    }

    /// First time point R evaluates by default: B+1, B+3 or B+5.
    pub fn default_from(&self) -> usize {
        self.lookback() + 1
    }

    pub(crate) fn validate(&self) -> Result<(), DetectError> {
        let method = self.name();
        if self.baseline < 3 {
            return Err(DetectError::InvalidParameter {
                method,
                message: format!(
                    "the baseline must hold at least 3 points; it is {}",
                    self.baseline
                ),
            });
        }
        if self.min_sigma.is_nan() || self.min_sigma < 0.0 {
            return Err(DetectError::InvalidParameter {
                method,
                message: format!(
                    "the minimum sigma must be 0 or more; it is {}",
                    self.min_sigma
                ),
            });
        }
        let alpha = self.alpha();
        if !(alpha > 0.0 && alpha < 1.0) {
            return Err(DetectError::InvalidParameter {
                method,
                message: format!("alpha must lie strictly between 0 and 1; it is {alpha}"),
            });
        }
        Ok(())
    }

    /// Checks that `from..=to` can be evaluated; errors as R does.
    pub(crate) fn check_range(&self, from: usize, to: usize) -> Result<(), DetectError> {
        if from <= self.lookback() {
            return Err(DetectError::TooEarly {
                method: self.name(),
                params: format!("baseline = {}", self.baseline),
                first: from,
                earliest: self.lookback() + 1,
            });
        }
        if self.variant == EarsVariant::C3 && from == to {
            return Err(DetectError::InvalidParameter {
                method: self.name(),
                message: "C3 must evaluate at least 2 consecutive time points (R `surveillance` \
                          stops on a single point); widen --from/--to"
                    .into(),
            });
        }
        Ok(())
    }
}

/// Mean and floored standard deviation of the C1 or C2 reference window of 1-based point `t`.
fn window_stats(y: &[f64], t: usize, b: usize, guard: usize, min_sigma: f64) -> (f64, f64) {
    // Window t-b-guard .. t-1-guard (1-based), i.e. 0-based t-1-b-guard .. t-2-guard.
    let end = t - 1 - guard;
    let (m, s) = mean_sd(&y[end - b..end]);
    (m, max_keep_nan(s, min_sigma))
}

/// R's `max(s, minSigma)`: NaN stays NaN.
fn max_keep_nan(a: f64, b: f64) -> f64 {
    if a.is_nan() { a } else { a.max(b) }
}

/// Evaluates `cfg` at 1-based points `from..=to` of `y` (range already checked).
pub(crate) fn ears(y: &[f64], cfg: &EarsConfig, from: usize, to: usize) -> Vec<Point> {
    let b = cfg.baseline;
    let z = normal_quantile(1.0 - cfg.alpha());
    let mut out = Vec::with_capacity(to + 1 - from);
    for t in from..=to {
        let yt = y[t - 1];
        let point = match cfg.variant {
            EarsVariant::C1 | EarsVariant::C2 => {
                let guard = if cfg.variant == EarsVariant::C1 { 0 } else { 2 };
                let (m, sigma) = window_stats(y, t, b, guard, cfg.min_sigma);
                let u = m + z * sigma;
                Point::threshold(yt, m, u, (yt - m) / sigma)
            }
            EarsVariant::C3 => {
                let c2 = |u: usize| {
                    let (m, sigma) = window_stats(y, u, b, 2, cfg.min_sigma);
                    (y[u - 1] - m) / sigma
                };
                let s = max0(c2(t - 2) - 1.0) + max0(c2(t - 1) - 1.0);
                let (m, sigma) = window_stats(y, t, b, 2, cfg.min_sigma);
                let u = max0(yt + sigma * (z - s));
                Point::threshold(yt, m, u, s)
            }
        };
        out.push(point);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const HA_TOTAL: [f64; 12] = [0., 0., 1., 0., 2., 3., 3., 0., 1., 2., 2., 3.];

    #[test]
    fn c1_matches_worked_example() {
        let p = ears(&HA_TOTAL, &EarsConfig::new(EarsVariant::C1), 8, 8);
        let u = p[0].upperbound.unwrap();
        assert!((u - 5.5506400554).abs() < 1e-9, "{u}");
        assert_eq!(p[0].alarm, Some(false));
    }

    #[test]
    fn c3_matches_worked_example() {
        let p = ears(&HA_TOTAL, &EarsConfig::new(EarsVariant::C3), 12, 12);
        let u = p[0].upperbound.unwrap();
        assert!((u - 5.4938934936).abs() < 1e-9, "{u}");
    }

    #[test]
    fn zero_sd_gives_mean_bound_for_c1_and_nan_for_c3() {
        let mut y = vec![3.0; 12];
        y.extend([3.0, 4.0, 3.0, 2.0, 3.0]);
        let c1 = ears(&y, &EarsConfig::new(EarsVariant::C1), 13, 14);
        assert_eq!(c1[0].upperbound, Some(3.0));
        assert_eq!(c1[1].alarm, Some(true));
        let c3 = ears(&y, &EarsConfig::new(EarsVariant::C3), 12, 17);
        assert!(
            c3.iter()
                .all(|p| p.upperbound.is_none() && p.alarm.is_none())
        );
    }
}
