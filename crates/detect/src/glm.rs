//! Quasi-Poisson regression with log link, fitted by iteratively reweighted least squares the
//! way R's `glm.fit` does it (start value, convergence test and 25-iteration cap included).
//!
//! Farrington's degenerate cases (all-zero reference counts, an all-zero seasonal level) have
//! no maximum-likelihood estimate; what R returns then is wherever its iteration stops, so the
//! iteration is copied step for step rather than replaced by a better solver.

use nalgebra::{DMatrix, DVector};

/// R's `.Machine$double.eps`, the floor for fitted means.
const EPS: f64 = f64::EPSILON;
/// `glm.control()` defaults.
const MAX_ITER: usize = 25;
const TOLERANCE: f64 = 1e-8;

/// A fitted model, holding what `summary.glm` and `predict.glm` read.
#[derive(Debug, Clone)]
pub(crate) struct GlmFit {
    /// Coefficients, in design-column order.
    pub beta: DVector<f64>,
    /// Fitted means at the final coefficients.
    pub mu: Vec<f64>,
    /// Working weights of the last iteration (prior weight × mean before the last update);
    /// 0 for observations left out.
    pub work_w: Vec<f64>,
    /// (XᵀWX)⁻¹ with the last iteration's W.
    pub cov_unscaled: DMatrix<f64>,
    /// Whether the relative-deviance test was met within 25 iterations.
    pub converged: bool,
    /// Residual degrees of freedom: observations with positive prior weight minus columns.
    pub df_resid: f64,
}

/// Poisson deviance Σ 2a[y log(y/μ) − (y − μ)], with 0·log 0 = 0.
///
/// `ln_y` holds log y; log(y/μ) is taken as log y − η when μ = exp(η) was not clamped, which
/// saves a logarithm per point and differs from R's `log(y/mu)` only in the last bit.
fn deviance(y: &[f64], ln_y: &[f64], eta: &[f64], mu: &[f64], prior: &[f64]) -> f64 {
    let mut d = 0.0;
    for j in 0..y.len() {
        let (yj, m) = (y[j], mu[j]);
        let l = if yj == 0.0 {
            0.0
        } else if m > EPS {
            yj * (ln_y[j] - eta[j])
        } else {
            yj * (yj / m).ln()
        };
        d += 2.0 * prior[j] * (l - (yj - m));
    }
    d
}

/// Householder QR of the column-major `n × p` matrix `a` (overwritten), applied to `b`.
/// Returns R (row-major p × p, upper) or `None` when a column is (numerically) dependent on
/// the previous ones, with a relative tolerance of 1e-10 as R's `dqrdc2`.
fn householder(a: &mut [f64], b: &mut [f64], n: usize, p: usize, r: &mut [f64]) -> Option<()> {
    for c in 0..p {
        let (done, rest) = a.split_at_mut((c + 1) * n);
        let col = &mut done[c * n..];
        let orig: f64 = col.iter().map(|v| v * v).sum::<f64>().sqrt();
        let norm: f64 = col[c..].iter().map(|v| v * v).sum::<f64>().sqrt();
        if norm.is_nan() || norm <= 1e-10 * orig || !norm.is_finite() {
            return None;
        }
        let alpha = if col[c] > 0.0 { -norm } else { norm };
        col[c] -= alpha;
        let vnorm2: f64 = col[c..].iter().map(|v| v * v).sum();
        let v = &col[c..];
        let reflect = |target: &mut [f64]| {
            let dot: f64 = v.iter().zip(target.iter()).map(|(a, b)| a * b).sum();
            let f = 2.0 * dot / vnorm2;
            for (t, vi) in target.iter_mut().zip(v) {
                *t -= f * vi;
            }
        };
        for k in 0..p - c - 1 {
            reflect(&mut rest[k * n + c..(k + 1) * n]);
        }
        reflect(&mut b[c..n]);
        r[c * p + c] = alpha;
        for k in c + 1..p {
            r[c * p + k] = rest[(k - c - 1) * n + c];
        }
    }
    Some(())
}

/// Solves R x = rhs (R upper triangular, row-major p × p) in place.
fn back_substitute(r: &[f64], p: usize, x: &mut [f64]) {
    for i in (0..p).rev() {
        let mut s = x[i];
        for k in i + 1..p {
            s -= r[i * p + k] * x[k];
        }
        x[i] = s / r[i * p + i];
    }
}

/// Fits `y ~ X` (X without an offset) with prior weights `prior`.
///
/// Returns `None` when the least-squares step breaks down (non-finite coefficients or a
/// rank-deficient weighted design), which R reports as non-convergence or an error.
pub(crate) fn fit(x: &DMatrix<f64>, y: &[f64], prior: &[f64]) -> Option<GlmFit> {
    let n = y.len();
    let p = x.ncols();
    let good: Vec<usize> = (0..n).filter(|&j| prior[j] > 0.0).collect();
    let n_ok = good.len();
    if n_ok < p || p == 0 {
        return None;
    }
    let ln_y: Vec<f64> = y
        .iter()
        .map(|&v| if v > 0.0 { v.ln() } else { 0.0 })
        .collect();
    let mut eta: Vec<f64> = y.iter().map(|&v| (v + 0.1).ln()).collect();
    let mut mu: Vec<f64> = eta.iter().map(|&e| e.exp().max(EPS)).collect();
    let mut dev_old = deviance(y, &ln_y, &eta, &mu, prior);
    let mut work_w = vec![0.0; n];
    let mut beta = vec![0.0; p];
    let mut r = vec![0.0; p * p];
    let mut converged = false;

    let mut a = vec![0.0; n_ok * p];
    let mut b = vec![0.0; n_ok];
    for _ in 0..MAX_ITER {
        for (row, &j) in good.iter().enumerate() {
            // For the log link dμ/dη = μ and Var(μ) = μ, so W = a·μ and z = η + (y − μ)/μ.
            let w = prior[j] * mu[j];
            work_w[j] = w;
            let sw = w.sqrt();
            let z = eta[j] + (y[j] - mu[j]) / mu[j];
            for c in 0..p {
                a[c * n_ok + row] = x[(j, c)] * sw;
            }
            b[row] = z * sw;
        }
        householder(&mut a, &mut b, n_ok, p, &mut r)?;
        beta.copy_from_slice(&b[..p]);
        back_substitute(&r, p, &mut beta);
        if beta.iter().any(|v| !v.is_finite()) {
            return None;
        }
        for j in 0..n {
            let mut e = 0.0;
            for c in 0..p {
                e += x[(j, c)] * beta[c];
            }
            eta[j] = e;
            mu[j] = e.exp().max(EPS);
        }
        let dev = deviance(y, &ln_y, &eta, &mu, prior);
        if !dev.is_finite() {
            // R would halve the step; with a log link this only happens on overflow.
            return None;
        }
        if (dev - dev_old).abs() / (dev.abs() + 0.1) < TOLERANCE {
            converged = true;
            break;
        }
        dev_old = dev;
    }

    // C = R⁻¹ R⁻ᵀ from the last iteration's R.
    let mut r_inv = DMatrix::zeros(p, p);
    let mut col = vec![0.0; p];
    for c in 0..p {
        col.iter_mut()
            .enumerate()
            .for_each(|(i, v)| *v = f64::from(u8::from(i == c)));
        back_substitute(&r, p, &mut col);
        for i in 0..p {
            r_inv[(i, c)] = col[i];
        }
    }
    let cov_unscaled = &r_inv * r_inv.transpose();
    if cov_unscaled.iter().any(|v| !v.is_finite()) {
        return None;
    }
    Some(GlmFit {
        beta: DVector::from_vec(beta),
        mu,
        work_w,
        cov_unscaled,
        converged,
        df_resid: (n_ok - p) as f64,
    })
}

impl GlmFit {
    /// Σ w_j ((y_j − μ_j)/μ_j)² / ν over w_j > 0: `summary.glm`'s dispersion for the given
    /// weights (NaN when ν = 0).
    pub fn dispersion(&self, y: &[f64], weights: &[f64]) -> f64 {
        if self.df_resid <= 0.0 {
            return f64::NAN;
        }
        let s: f64 = y
            .iter()
            .zip(&self.mu)
            .zip(weights)
            .filter(|(_, w)| **w > 0.0)
            .map(|((&y, &m), &w)| {
                let r = (y - m) / m;
                w * r * r
            })
            .sum();
        s / self.df_resid
    }

    /// Hat values h_j = W_j x_jᵀ C x_j, with values above 1 − 10ε set to 1 (`lm.influence`).
    pub fn hat_values(&self, x: &DMatrix<f64>) -> Vec<f64> {
        (0..x.nrows())
            .map(|j| {
                let h =
                    self.work_w[j] * self.quad_form(&x.row(j).iter().copied().collect::<Vec<_>>());
                if h > 1.0 - 10.0 * EPS { 1.0 } else { h }
            })
            .collect()
    }

    /// x C xᵀ for a row vector x.
    pub fn quad_form(&self, xs: &[f64]) -> f64 {
        let p = xs.len();
        let mut s = 0.0;
        for i in 0..p {
            for k in 0..p {
                s += xs[i] * self.cov_unscaled[(i, k)] * xs[k];
            }
        }
        s
    }

    /// Linear predictor x β.
    pub fn linear_predictor(&self, x: &[f64]) -> f64 {
        x.iter().zip(self.beta.iter()).map(|(a, b)| a * b).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn design(ts: &[f64], trend: bool) -> DMatrix<f64> {
        let p = if trend { 2 } else { 1 };
        DMatrix::from_fn(ts.len(), p, |r, c| if c == 0 { 1.0 } else { ts[r] })
    }

    #[test]
    fn intercept_only_is_log_mean() {
        // Worked example A of the spec: β₀ = log(23/21), Pearson dispersion 0.7217395.
        let y = [
            1., 0., 3., 1., 2., 0., 0., 2., 1., 1., 0., 2., 0., 1., 1., 2., 1., 0., 2., 2., 1.,
        ];
        let ts: Vec<f64> = (41..=47)
            .chain(93..=99)
            .chain(145..=151)
            .map(f64::from)
            .collect();
        let f = fit(&design(&ts, false), &y, &[1.0; 21]).unwrap();
        assert!(f.converged);
        assert!((f.beta[0] - (23.0f64 / 21.0).ln()).abs() < 1e-10);
        let phi = f.dispersion(&y, &f.work_w);
        assert!((phi - 0.7217395).abs() < 1e-6, "{phi}");
        let with_trend = fit(&design(&ts, true), &y, &[1.0; 21]).unwrap();
        assert!((with_trend.beta[1] - 0.002340093).abs() < 1e-8);
    }

    #[test]
    fn all_zero_response_converges_like_r() {
        let ts: Vec<f64> = (1..=21).map(f64::from).collect();
        let f = fit(&design(&ts, false), &[0.0; 21], &[1.0; 21]).unwrap();
        assert!(f.converged);
        assert!((f.beta[0] + 25.30).abs() < 0.01, "{}", f.beta[0]);
        let ts: Vec<f64> = (1..=300).map(f64::from).collect();
        let f = fit(&design(&ts, false), &[0.0; 300], &[1.0; 300]).unwrap();
        assert!(!f.converged);
    }
}
