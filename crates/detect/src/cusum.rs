//! Rossi's approximate CUSUM (Rossi et al. 1999), as R `surveillance::algo.cusum` computes it with
//! the "standard" transformation.
//!
//! The reference mean is the mean of every point before the evaluated range (or a number the
//! user gives); counts are standardised as Poisson, (y − m)/√m, and the cumulative excess
//! over `k` raises an alarm once it reaches `h`. The sum is not reset after an alarm.

use serde::Serialize;

use crate::error::DetectError;
use crate::num::max0;
use crate::point::{Note, Point};

/// Parameters of `algo.cusum` (transformation "standard").
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct CusumConfig {
    /// Reference value subtracted from each standardised count (R `k`, default 1.04).
    pub k: f64,
    /// Decision limit (R `h`, default 2.26).
    pub h: f64,
    /// Reference mean; `None` = the mean of all points before the evaluated range.
    pub m: Option<f64>,
}

impl Default for CusumConfig {
    fn default() -> Self {
        CusumConfig {
            k: 1.04,
            h: 2.26,
            m: None,
        }
    }
}

impl CusumConfig {
    pub(crate) fn validate(&self) -> Result<(), DetectError> {
        let bad = |message: String| {
            Err(DetectError::InvalidParameter {
                method: "cusum",
                message,
            })
        };
        if !self.k.is_finite() || !self.h.is_finite() {
            return bad("k and h must be finite numbers".into());
        }
        if let Some(m) = self.m
            && (m.is_nan() || m < 0.0 || !m.is_finite())
        {
            return bad(format!("the reference mean m must be 0 or more; it is {m}"));
        }
        Ok(())
    }
}

/// Evaluates the CUSUM over 1-based points `from..=to` of `y`.
pub(crate) fn cusum(y: &[f64], cfg: &CusumConfig, from: usize, to: usize) -> Vec<Point> {
    let m = cfg.m.unwrap_or_else(|| {
        let base = &y[..from - 1];
        // R's mean of an empty vector is NaN.
        if base.is_empty() {
            f64::NAN
        } else {
            crate::num::mean_sd(base).0
        }
    });
    let sm = m.sqrt();
    let mut s_prev = 0.0;
    let mut out = Vec::with_capacity(to + 1 - from);
    for &yt in &y[from - 1..to] {
        let x = (yt - m) / sm;
        let s = max0(s_prev + x - cfg.k);
        let mut u = (sm * (cfg.h + cfg.k - s_prev) + m).ceil();
        if u.is_nan() || u < 0.0 {
            u = 0.0;
        }
        let (alarm, note) = if s.is_nan() {
            (None, Note::UndefinedStatistic)
        } else {
            (Some(s >= cfg.h), Note::Evaluated)
        };
        out.push(Point {
            expected: if m.is_nan() { None } else { Some(m) },
            upperbound: Some(u),
            score: if s.is_nan() { None } else { Some(s) },
            alarm,
            note,
        });
        s_prev = s;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_reference_mean_makes_statistic_undefined() {
        let y = [0.0, 0.0, 0.0, 2.0, 0.0, 1.0];
        let p = cusum(&y, &CusumConfig::default(), 4, 6);
        // y = 2 > 0 gives +Inf (alarm), then 0 gives NaN for ever.
        assert_eq!(p[0].alarm, Some(true));
        assert_eq!(p[1].alarm, None);
        assert_eq!(p[2].alarm, None);
        assert!(p.iter().all(|q| q.upperbound == Some(0.0)));
    }
}
