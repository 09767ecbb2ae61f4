//! Farrington Flexible (Farrington et al. 1996; Noufaily et al. 2013), as R
//! `surveillance::farringtonFlexible` computes it.
//!
//! For each evaluated point k, a quasi-Poisson regression is fitted to the counts around the
//! same point in the `b` previous years (optionally with a trend and a seasonal factor), outliers
//! are down-weighted, and the upper bound is a quantile of the predicted count. Every step,
//! quirks included, follows `shared/design/detect-spec.md` §2.

use nalgebra::DMatrix;
use serde::Serialize;

use crate::error::DetectError;
use crate::glm::{self, GlmFit};
use crate::num::{normal_quantile, qnbinom, qpois, student_t_cdf};
use crate::point::{Note, Point, finite_or_none};
use crate::series::Frequency;

/// How the upper bound is derived from the prediction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ThresholdMethod {
    /// Farrington (1996): normal quantile on a power-transformed scale, delta-method variance.
    Delta,
    /// Noufaily (2013): negative-binomial quantile at the predicted mean.
    NbPlugin,
    /// Noufaily (2013): negative-binomial quantile at the upper end of the mean's interval.
    Muan,
}

/// Power transformation used by [`ThresholdMethod::Delta`] (R `powertrans`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum PowerTransform {
    /// "2/3" (R's default, Farrington's choice).
    TwoThirds,
    /// "1/2".
    Half,
    /// "none".
    Identity,
}

/// Parameters of `farringtonFlexible`.
///
/// [`FarringtonConfig::farrington`] and [`FarringtonConfig::noufaily`] are the two presets of
/// the reference cases (b = 3 years, as most Indonesian series are short). Fields override them
/// one by one, as R's `control` list does.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct FarringtonConfig {
    /// Number of past years (R `b`).
    pub b: usize,
    /// Half-width of the window around each past reference point (R `w`).
    pub w: usize,
    /// Down-weight outlying reference counts (Anscombe residuals above `weights_threshold`).
    pub reweight: bool,
    /// Residual threshold for down-weighting (R `weightsThreshold`).
    pub weights_threshold: f64,
    /// One-sided level of the upper bound.
    pub alpha: f64,
    /// Try a linear time trend.
    pub trend: bool,
    /// Keep the trend only if its p-value is below this (R `pThresholdTrend`).
    pub p_threshold_trend: f64,
    /// (cases, points): give a bound only if the last `points` points, the current one
    /// included, hold at least `cases` cases (R `limit54`).
    pub limit54: (u32, usize),
    /// Power transformation for the delta threshold.
    pub powertrans: PowerTransform,
    /// Number of levels of the seasonal factor (R `noPeriods`; 1 = no factor).
    pub no_periods: usize,
    /// Points k−r..k left out of the fit (R `pastWeeksNotIncluded`; `None` = w).
    pub past_weeks_not_included: Option<usize>,
    /// Threshold method.
    pub threshold_method: ThresholdMethod,
}

impl Default for FarringtonConfig {
    fn default() -> Self {
        Self::farrington()
    }
}

impl FarringtonConfig {
    /// The `farrington` reference preset: b = 3, w = 3, reweighting at 2.58, alpha 0.05,
    /// trend at p < 0.05, limit54 (5, 4), 2/3 power, no seasonal factor, delta threshold.
    pub fn farrington() -> Self {
        FarringtonConfig {
            b: 3,
            w: 3,
            reweight: true,
            weights_threshold: 2.58,
            alpha: 0.05,
            trend: true,
            p_threshold_trend: 0.05,
            limit54: (5, 4),
            powertrans: PowerTransform::TwoThirds,
            no_periods: 1,
            past_weeks_not_included: None,
            threshold_method: ThresholdMethod::Delta,
        }
    }

    /// The Noufaily (2013) preset: as [`Self::farrington`] but 10 seasonal periods, the last 26
    /// points left out, trend always tried (p threshold 1) and the negative-binomial plug-in bound.
    pub fn noufaily() -> Self {
        FarringtonConfig {
            p_threshold_trend: 1.0,
            no_periods: 10,
            past_weeks_not_included: Some(26),
            threshold_method: ThresholdMethod::NbPlugin,
            ..Self::farrington()
        }
    }

    /// `farrington` for the delta threshold, `noufaily` otherwise.
    pub fn name(&self) -> &'static str {
        match self.threshold_method {
            ThresholdMethod::Delta => "farrington",
            _ => "noufaily",
        }
    }

    fn r(&self) -> usize {
        self.past_weeks_not_included.unwrap_or(self.w)
    }

    /// First point R evaluates by default: freq·b + w + 1 (160 for weekly data, b = w = 3).
    pub fn default_from(&self, freq: Frequency) -> usize {
        freq.periods_per_year() * self.b + self.w + 1
    }

    fn params(&self) -> String {
        format!("b = {} and w = {}", self.b, self.w)
    }

    pub(crate) fn validate(&self, freq: Frequency) -> Result<(), DetectError> {
        let method = self.name();
        let bad = |message: String| Err(DetectError::InvalidParameter { method, message });
        if self.b == 0 {
            return bad("b (number of past years) must be at least 1".into());
        }
        if !(self.alpha > 0.0 && self.alpha < 1.0) {
            return bad(format!(
                "alpha must lie strictly between 0 and 1; it is {}",
                self.alpha
            ));
        }
        if self.no_periods == 0 {
            return bad("the number of seasonal periods must be at least 1".into());
        }
        if self.weights_threshold.is_nan() || self.p_threshold_trend.is_nan() {
            return bad("thresholds must be numbers".into());
        }
        if self.limit54.1 == 0 {
            return bad("the limit54 period must be at least 1 point".into());
        }
        let f = freq.periods_per_year() as i64;
        let p = self.no_periods as i64;
        let gap = f - 2 * self.w as i64 - 1;
        if p > 1 && gap < 0 {
            return bad(format!(
                "with w = {} the windows of consecutive years overlap, so no seasonal periods fit between them",
                self.w
            ));
        }
        if p > 1 && gap < p - (2 * self.w as i64 + 1) {
            return bad(format!(
                "{} seasonal periods do not fit in a {} year with w = {} (R: \"Number of factors too big!\")",
                self.no_periods,
                freq.adjective(),
                self.w
            ));
        }
        if p > 1 && self.r() + 1 >= f as usize * self.b + self.w {
            return bad("so many recent points are left out that no reference data remain".into());
        }
        Ok(())
    }

    pub(crate) fn check_range(
        &self,
        freq: Frequency,
        from: usize,
        n: usize,
    ) -> Result<(), DetectError> {
        let earliest = self.default_from(freq);
        if from < earliest {
            return Err(DetectError::TooEarly {
                method: self.name(),
                params: self.params(),
                first: from,
                earliest,
            });
        }
        let _ = n;
        Ok(())
    }
}

/// Reusable buffers for one series.
struct Workspace {
    levels: Vec<usize>,
    idx: Vec<usize>,
    lev: Vec<usize>,
    y: Vec<f64>,
}

/// Fills `ws.idx`/`ws.lev`/`ws.y` with the reference set of point k (spec §2.2).
fn reference_set(y: &[f64], k: usize, freq: usize, cfg: &FarringtonConfig, ws: &mut Workspace) {
    let (b, w, p) = (cfg.b, cfg.w, cfg.no_periods);
    let lo = k - b * freq - w; // ≥ 1, checked by the range
    let span = k - lo + 1;
    ws.levels.clear();
    ws.levels.resize(span, 0);
    // Writes level `l` at 1-based index j when it is inside the span.
    let mut set = |j: i64, l: usize| {
        if j >= lo as i64 && j <= k as i64 {
            ws.levels[(j as usize) - lo] = l;
        }
    };
    let (k_i, w_i, f_i) = (k as i64, w as i64, freq as i64);
    for j in k_i - w_i..=k_i {
        set(j, p);
    }
    for i in 1..=b as i64 {
        let ri = k_i - i * f_i;
        for j in ri - w_i..=ri + w_i {
            set(j, p);
        }
        if p > 1 {
            let gap = f_i - 2 * w_i - 1;
            let blocks = p as i64 - 1;
            let (len, rest) = (gap / blocks, gap % blocks);
            let mut a = ri + w_i + 1;
            for lvl in 1..=blocks {
                let l = len + i64::from(lvl <= rest);
                if l == 0 {
                    // R's a:(a-1) counts down and covers both a and a-1.
                    set(a, lvl as usize);
                    set(a - 1, lvl as usize);
                } else {
                    for j in a..a + l {
                        set(j, lvl as usize);
                    }
                }
                a += l;
            }
        }
    }
    let last = k - cfg.r() - 1;
    ws.idx.clear();
    ws.lev.clear();
    ws.y.clear();
    for j in lo..=last {
        let l = ws.levels[j - lo];
        if l > 0 {
            ws.idx.push(j);
            ws.lev.push(l);
            ws.y.push(y[j - 1]);
        }
    }
}

/// Design matrix for the reference set, and the row for point k.
struct Design {
    x: DMatrix<f64>,
    xk: Vec<f64>,
    trend_col: Option<usize>,
}

fn design(ws: &Workspace, k: usize, p: usize, trend: bool) -> Result<Design, DetectError> {
    let mut present: Vec<usize> = Vec::new();
    if p > 1 {
        present = ws.lev.clone();
        present.sort_unstable();
        present.dedup();
        if present.len() < 2 {
            return Err(DetectError::Unsupported {
                method: "noufaily",
                reason: format!(
                    "at time point {k} the reference data hold only one seasonal period, so the \
                     seasonal factor cannot be fitted (R stops with \"contrasts can be applied only \
                     to factors with 2 or more levels\")"
                ),
            });
        }
    }
    let factor_cols = present.len().saturating_sub(1);
    let ncol = 1 + usize::from(trend) + factor_cols;
    let n = ws.idx.len();
    let mut x = DMatrix::zeros(n, ncol);
    let level_col = |l: usize| present.iter().skip(1).position(|&v| v == l);
    for r in 0..n {
        x[(r, 0)] = 1.0;
        if trend {
            x[(r, 1)] = ws.idx[r] as f64;
        }
        if let Some(c) = level_col(ws.lev[r]) {
            x[(r, 1 + usize::from(trend) + c)] = 1.0;
        }
    }
    let mut xk = vec![0.0; ncol];
    xk[0] = 1.0;
    if trend {
        xk[1] = k as f64;
    }
    if p > 1
        && let Some(c) = level_col(p)
    {
        xk[1 + usize::from(trend) + c] = 1.0;
    }
    Ok(Design {
        x,
        xk,
        trend_col: trend.then_some(1),
    })
}

/// A fitted Farrington model with its two dispersions.
struct Model {
    fit: GlmFit,
    design: Design,
    /// max(φ̂, 1), used in the thresholds.
    phi: f64,
    /// The dispersion R's later summaries see (reweighted working weights replaced by ω).
    phi_tilde: f64,
}

/// Why no model could be had.
enum FitFailure {
    /// Not converged with or without trend: R gives NA.
    NotConverged,
    /// A step R would stop on (NaN residuals, broken least squares); reported as NA here.
    Broken,
}

/// `Fit(trend)` of spec §2.4.
fn fit_model(
    ws: &Workspace,
    k: usize,
    cfg: &FarringtonConfig,
    trend: bool,
) -> Result<Result<Model, FitFailure>, DetectError> {
    let n = ws.y.len();
    let ones = vec![1.0; n];
    let mut d = design(ws, k, cfg.no_periods, trend)?;
    let mut f = glm::fit(&d.x, &ws.y, &ones);
    if trend && !f.as_ref().is_some_and(|f| f.converged) {
        d = design(ws, k, cfg.no_periods, false)?;
        f = glm::fit(&d.x, &ws.y, &ones);
    }
    let f = match f {
        Some(f) if f.converged => f,
        Some(_) => return Ok(Err(FitFailure::NotConverged)),
        None => return Ok(Err(FitFailure::NotConverged)),
    };
    let phi_hat = f.dispersion(&ws.y, &f.work_w);
    let phi0 = r_max1(phi_hat);
    if !cfg.reweight {
        return Ok(Ok(Model {
            fit: f,
            design: d,
            phi: phi0,
            phi_tilde: phi_hat,
        }));
    }
    let h = f.hat_values(&d.x);
    let s: Vec<f64> = (0..n)
        .map(|j| {
            let (y, mu) = (ws.y[j], f.mu[j]);
            1.5 * (y.powf(2.0 / 3.0) * mu.powf(-1.0 / 6.0) - mu.sqrt())
                / (phi0 * (1.0 - h[j])).sqrt()
        })
        .collect();
    if s.iter().any(|v| v.is_nan()) {
        // R stops here: NA weights cannot be assigned.
        return Err(DetectError::Unsupported {
            method: cfg.name(),
            reason: format!(
                "at time point {k} an outlier residual of the reference data is undefined, so \
                 reweighting breaks down (R stops too); this happens when a seasonal period has a \
                 single reference point, as with noufaily on monthly data. Use fewer seasonal \
                 periods (--no-periods), fewer left-out points (--past-weeks-not-included) or \
                 --no-reweight"
            ),
        });
    }
    let c = cfg.weights_threshold;
    let denom: f64 = s
        .iter()
        .map(|&v| if v > c { v.powi(-2) } else { 1.0 })
        .sum();
    let gamma = n as f64 / denom;
    let omega: Vec<f64> = s
        .iter()
        .map(|&v| if v > c { gamma * v.powi(-2) } else { gamma })
        .collect();
    let Some(f1) = glm::fit(&d.x, &ws.y, &omega) else {
        return Ok(Err(FitFailure::Broken));
    };
    let phi = r_max1(f1.dispersion(&ws.y, &f1.work_w));
    let phi_tilde = f1.dispersion(&ws.y, &omega);
    Ok(Ok(Model {
        fit: f1,
        design: d,
        phi,
        phi_tilde,
    }))
}

/// R's `max(x, 1)`: NaN stays NaN.
fn r_max1(x: f64) -> f64 {
    if x.is_nan() { x } else { x.max(1.0) }
}

/// Evaluates `cfg` at 1-based points `from..=to` of `y` (range already checked).
pub(crate) fn farrington(
    y: &[f64],
    freq: Frequency,
    cfg: &FarringtonConfig,
    from: usize,
    to: usize,
) -> Result<Vec<Point>, DetectError> {
    let f = freq.periods_per_year();
    let z = normal_quantile(1.0 - cfg.alpha);
    let mut ws = Workspace {
        levels: Vec::new(),
        idx: Vec::new(),
        lev: Vec::new(),
        y: Vec::new(),
    };
    let mut out = Vec::with_capacity(to + 1 - from);
    for k in from..=to {
        reference_set(y, k, f, cfg, &mut ws);
        out.push(evaluate_point(y, k, cfg, z, &ws)?);
    }
    Ok(out)
}

fn evaluate_point(
    y: &[f64],
    k: usize,
    cfg: &FarringtonConfig,
    z: f64,
    ws: &Workspace,
) -> Result<Point, DetectError> {
    let failed = Point {
        expected: None,
        upperbound: None,
        score: None,
        alarm: None,
        note: Note::FitFailed,
    };
    let mut model = match fit_model(ws, k, cfg, cfg.trend)? {
        Ok(m) => m,
        Err(_) => return Ok(failed),
    };
    if let Some(tc) = model.design.trend_col {
        let beta_t = model.fit.beta[tc];
        let se = (model.phi_tilde * model.fit.cov_unscaled[(tc, tc)]).sqrt();
        let p_value = 2.0 * student_t_cdf(-(beta_t / se).abs(), model.fit.df_resid);
        let mu_trend = model.fit.linear_predictor(&model.design.xk).exp();
        let y_max = ws.y.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let keep = cfg.b >= 3 && p_value < cfg.p_threshold_trend && mu_trend <= y_max;
        if !keep {
            model = match fit_model(ws, k, cfg, false)? {
                Ok(m) => m,
                Err(_) => return Ok(failed),
            };
        }
    }

    let eta0 = model.fit.linear_predictor(&model.design.xk);
    let v = model.fit.quad_form(&model.design.xk);
    let se_eta = (model.phi_tilde * v).sqrt();
    let mu0 = eta0.exp();
    let phi = model.phi;
    let (u, score_center) = match cfg.threshold_method {
        ThresholdMethod::Delta => {
            let se_mu = mu0 * se_eta;
            let tau = phi + se_mu * se_mu / mu0;
            let u = match cfg.powertrans {
                PowerTransform::TwoThirds => {
                    let sigma = (4.0 / 9.0 * mu0.powf(1.0 / 3.0) * tau).sqrt();
                    (mu0.powf(2.0 / 3.0) + z * sigma).powf(1.5)
                }
                PowerTransform::Half => {
                    let sigma = (tau / 4.0).sqrt();
                    (mu0.sqrt() + z * sigma).powi(2)
                }
                PowerTransform::Identity => mu0 + z * (mu0 * tau).sqrt(),
            };
            (u, mu0)
        }
        ThresholdMethod::NbPlugin | ThresholdMethod::Muan => {
            let mu_q = if cfg.threshold_method == ThresholdMethod::Muan {
                (eta0 + z * se_eta).exp()
            } else {
                mu0
            };
            let u = if mu_q.is_infinite() || phi.is_nan() {
                f64::NAN
            } else if phi > 1.0 {
                qnbinom(1.0 - cfg.alpha, mu_q / (phi - 1.0), 1.0 / phi)
            } else {
                qpois(1.0 - cfg.alpha, mu_q)
            };
            (u, eta0)
        }
    };
    let score = (y[k - 1] - score_center) / (u - score_center);

    let (needed, period) = cfg.limit54;
    let recent: f64 = y[k.saturating_sub(period)..k].iter().sum();
    let enough = recent >= f64::from(needed);
    let yk = y[k - 1];
    let alarm = enough && !score.is_nan() && score > 1.0 && yk != 0.0;
    let note = if !enough {
        Note::TooFewRecentCases {
            cases: recent,
            needed: f64::from(needed),
            period,
        }
    } else if u.is_nan() {
        Note::NoThreshold
    } else {
        Note::Evaluated
    };
    Ok(Point {
        expected: finite_or_none(mu0),
        upperbound: if enough { finite_or_none(u) } else { None },
        score: finite_or_none(score),
        alarm: Some(alarm),
        note,
    })
}
