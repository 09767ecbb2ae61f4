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
fn deviance(y: &[f64], mu: &[f64], prior: &[f64]) -> f64 {
    y.iter()
        .zip(mu)
        .zip(prior)
        .map(|((&y, &m), &a)| {
            let l = if y == 0.0 { 0.0 } else { y * (y / m).ln() };
            2.0 * a * (l - (y - m))
        })
        .sum()
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
    if n_ok < p {
        return None;
    }

    let mut eta: Vec<f64> = y.iter().map(|&v| (v + 0.1).ln()).collect();
    let mut mu: Vec<f64> = eta.iter().map(|&e| e.exp().max(EPS)).collect();
    let mut dev_old = deviance(y, &mu, prior);
    let mut work_w = vec![0.0; n];
    let mut beta = DVector::zeros(p);
    let mut r_last = DMatrix::zeros(p, p);
    let mut converged = false;

    let mut a = DMatrix::zeros(n_ok, p);
    let mut b = DVector::zeros(n_ok);
    for _ in 0..MAX_ITER {
        for (row, &j) in good.iter().enumerate() {
            // For the log link dμ/dη = μ and Var(μ) = μ, so W = a·μ and z = η + (y − μ)/μ.
            let w = prior[j] * mu[j];
            work_w[j] = w;
            let sw = w.sqrt();
            let z = eta[j] + (y[j] - mu[j]) / mu[j];
            for c in 0..p {
                a[(row, c)] = x[(j, c)] * sw;
            }
            b[row] = z * sw;
        }
        let qr = a.clone().qr();
        let r = qr.r();
        if !full_rank(&r, &a) {
            return None;
        }
        let mut qtb = b.clone();
        qr.q_tr_mul(&mut qtb);
        let rhs = qtb.rows(0, p).into_owned();
        let new_beta = r.solve_upper_triangular(&rhs)?;
        if new_beta.iter().any(|v| !v.is_finite()) {
            return None;
        }
        beta = new_beta;
        r_last = r;
        for j in 0..n {
            let e: f64 = (0..p).map(|c| x[(j, c)] * beta[c]).sum();
            eta[j] = e;
            mu[j] = e.exp().max(EPS);
        }
        let dev = deviance(y, &mu, prior);
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

    let r_inv = r_last.solve_upper_triangular(&DMatrix::identity(p, p))?;
    let cov_unscaled = &r_inv * r_inv.transpose();
    Some(GlmFit {
        beta,
        mu,
        work_w,
        cov_unscaled,
        converged,
        df_resid: (n_ok - p) as f64,
    })
}

/// Rank test in the spirit of LINPACK's `dqrdc2` (tolerance 1e-10 relative to column norms).
fn full_rank(r: &DMatrix<f64>, a: &DMatrix<f64>) -> bool {
    (0..r.ncols()).all(|c| {
        let norm = a.column(c).norm();
        let d = r[(c, c)].abs();
        d.is_finite() && norm > 0.0 && d > 1e-10 * norm
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
                let h = self.work_w[j] * self.quad_form(x.row(j).iter().copied());
                if h > 1.0 - 10.0 * EPS { 1.0 } else { h }
            })
            .collect()
    }

    /// x C xᵀ for a row vector x.
    pub fn quad_form(&self, x: impl Iterator<Item = f64> + Clone) -> f64 {
        let xs: Vec<f64> = x.collect();
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
        let ts: Vec<f64> = (41..=47).chain(93..=99).chain(145..=151).map(f64::from).collect();
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
