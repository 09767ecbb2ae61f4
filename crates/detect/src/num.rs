//! Small numeric helpers that behave like R where R differs from Rust's `std`.

use statrs::distribution::{ContinuousCDF, Normal, StudentsT};
use statrs::function::beta::checked_beta_reg;
use statrs::function::gamma::checked_gamma_ur;

/// R's `pmax(a, 0)`: like `max(0, a)` but NaN stays NaN (`f64::max` would return 0).
#[inline]
pub(crate) fn max0(a: f64) -> f64 {
    if a.is_nan() || a >= 0.0 { a } else { 0.0 }
}

/// Mean and sample standard deviation (denominator n − 1), two-pass as R's `mean`/`sd`.
#[inline]
pub(crate) fn mean_sd(x: &[f64]) -> (f64, f64) {
    let n = x.len() as f64;
    let mut m = x.iter().sum::<f64>() / n;
    // R refines the mean with a second pass over the residuals.
    m += x.iter().map(|v| v - m).sum::<f64>() / n;
    let ss: f64 = x.iter().map(|v| (v - m) * (v - m)).sum();
    (m, (ss / (n - 1.0)).sqrt())
}

/// Standard normal quantile Φ⁻¹(q).
pub(crate) fn normal_quantile(q: f64) -> f64 {
    // Normal::standard() cannot fail; inverse_cdf is exact to double precision.
    Normal::standard().inverse_cdf(q)
}

/// P(T ≤ x) for Student's t with `df` degrees of freedom; NaN when df is not positive.
pub(crate) fn student_t_cdf(x: f64, df: f64) -> f64 {
    match StudentsT::new(0.0, 1.0, df) {
        Ok(t) if !x.is_nan() => t.cdf(x),
        _ => f64::NAN,
    }
}

/// R's left-continuity fuzz for discrete quantiles: accept F(x) ≥ p(1 − 64ε).
fn fuzzed(p: f64) -> f64 {
    p * (1.0 - 64.0 * f64::EPSILON)
}

/// Smallest integer x ≥ 0 with `cdf(x) ≥ target`, for a non-decreasing `cdf`.
///
/// Starts from a normal-approximation guess, brackets the answer by doubling steps and bisects,
/// so it needs O(log) CDF evaluations even for huge means. Returns NaN if the CDF cannot be
/// evaluated or never reaches the target.
fn discrete_quantile(target: f64, mean: f64, sd: f64, cdf: impl Fn(f64) -> f64) -> f64 {
    let z = normal_quantile(target.clamp(1e-300, 1.0 - 1e-16));
    let guess = (mean + z * sd).floor().max(0.0);
    if !guess.is_finite() || guess > 1e15 {
        return f64::NAN;
    }
    let ok = |x: f64| -> Option<bool> {
        let f = cdf(x);
        if f.is_nan() { None } else { Some(f >= target) }
    };
    // Invariant after bracketing: ok(hi) and (lo < 0 or !ok(lo)).
    let (mut lo, mut hi);
    if ok(guess) == Some(true) {
        hi = guess;
        let mut step = 1.0;
        loop {
            let cand = hi - step;
            if cand < 0.0 {
                lo = -1.0;
                break;
            }
            match ok(cand) {
                Some(true) => hi = cand,
                Some(false) => {
                    lo = cand;
                    break;
                }
                None => return f64::NAN,
            }
            step *= 2.0;
        }
    } else {
        lo = guess;
        let mut step = (sd.ceil()).max(1.0);
        loop {
            hi = lo + step;
            if hi > 1e15 {
                return f64::NAN;
            }
            match ok(hi) {
                Some(true) => break,
                Some(false) => lo = hi,
                None => return f64::NAN,
            }
            step *= 2.0;
        }
    }
    while hi - lo > 1.0 {
        let mid = ((lo + hi) / 2.0).floor();
        match ok(mid) {
            Some(true) => hi = mid,
            Some(false) => lo = mid,
            None => return f64::NAN,
        }
    }
    hi
}

/// R's `qpois(p, lambda)`.
pub(crate) fn qpois(p: f64, lambda: f64) -> f64 {
    if lambda.is_nan() || lambda < 0.0 {
        return f64::NAN;
    }
    if lambda == 0.0 {
        return 0.0;
    }
    // F(x) = Q(x + 1, λ), the regularised upper incomplete gamma.
    discrete_quantile(fuzzed(p), lambda, lambda.sqrt(), |x| {
        checked_gamma_ur(x + 1.0, lambda).unwrap_or(f64::NAN)
    })
}

/// R's `qnbinom(p, size, prob)` (mean size(1 − prob)/prob).
pub(crate) fn qnbinom(p: f64, size: f64, prob: f64) -> f64 {
    if size.is_nan() || prob.is_nan() || size < 0.0 || !(prob > 0.0 && prob <= 1.0) {
        return f64::NAN;
    }
    if prob == 1.0 || size == 0.0 {
        return 0.0;
    }
    let mean = size * (1.0 - prob) / prob;
    let sd = (mean / prob).sqrt();
    // F(x) = I_prob(size, x + 1), the regularised incomplete beta.
    discrete_quantile(fuzzed(p), mean, sd, |x| {
        checked_beta_reg(size, x + 1.0, prob).unwrap_or(f64::NAN)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn max0_keeps_nan() {
        assert!(max0(f64::NAN).is_nan());
        assert_eq!(max0(-2.0), 0.0);
        assert_eq!(max0(f64::NEG_INFINITY), 0.0);
        assert_eq!(max0(1.5), 1.5);
    }

    #[test]
    fn quantiles_match_r() {
        // qpois(0.95, 3.2) = 6; qpois(0.999, 10) = 21; qnbinom(0.95, size = 2, mu = 5) = 13.
        assert_eq!(qpois(0.95, 3.2), 6.0);
        assert_eq!(qpois(0.999, 10.0), 21.0);
        assert_eq!(qnbinom(0.95, 2.0, 2.0 / 7.0), 13.0);
        assert_eq!(qpois(0.95, 1e-11), 0.0);
        // Worked example C of the spec: size 25.7596965, prob 1/1.07562614204 gives 5.
        assert_eq!(qnbinom(0.95, 25.7596965, 1.0 / 1.07562614204), 5.0);
    }

    #[test]
    fn normal_quantiles() {
        assert!((normal_quantile(0.999) - 3.090_232_306_167_813).abs() < 1e-14);
        assert!((normal_quantile(0.975) - 1.9599639845400536).abs() < 1e-14);
    }
}
