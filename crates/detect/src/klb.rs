//! The KLB (kejadian luar biasa, outbreak) criteria of Permenkes 1501/2010, Pasal 6, as rules
//! over a count series.
//!
//! The regulation states the criteria in words; this module fixes one reading of each and says
//! it in every explanation, so that an epidemiologist can check it against local practice:
//!
//! 1. **New disease**: cases now, and none in the whole previous year (needs a year of history).
//! 2. **Continuous rise**: the count rose in each of the last 3 periods (y₋₃ < y₋₂ < y₋₁ < y).
//! 3. **Doubling**: the count is at least twice the previous period's, and above 0.
//! 4. **Month vs. last year**: cases in the last month (1 month, 4 weeks or 30 days) are at least
//!    twice the average month of the year before that month.
//! 5. **Case fatality**: deaths/cases rose by 50 % or more against the previous period (needs the
//!    `deaths` series).
//! 6. **Proportion of new cases**: cases/population at least doubled against the previous period
//!    (needs the `population` series).
//!
//! A rise from 0 to any positive value counts as a rise by any factor. A criterion that the data
//! cannot decide (too little history, no deaths or population, no cases to divide by) is reported
//! as not evaluable, never silently as "not met".

use serde::Serialize;

use crate::series::{Frequency, Series};

/// One of the six criteria.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum KlbCriterion {
    /// 1: a disease absent or unknown in the area appears.
    NewDisease,
    /// 2: cases rise continuously over 3 consecutive periods.
    ContinuousRise,
    /// 3: cases double compared with the previous period.
    Doubling,
    /// 4: the monthly count is at least twice the monthly mean of the previous year.
    MonthAboveYearMean,
    /// 5: the case fatality rate rises by 50 % or more.
    FatalityRise,
    /// 6: the proportion of new cases (per population) doubles.
    ProportionDoubling,
}

impl KlbCriterion {
    /// All six, in the order of the regulation.
    pub const ALL: [KlbCriterion; 6] = [
        KlbCriterion::NewDisease,
        KlbCriterion::ContinuousRise,
        KlbCriterion::Doubling,
        KlbCriterion::MonthAboveYearMean,
        KlbCriterion::FatalityRise,
        KlbCriterion::ProportionDoubling,
    ];

    /// Number 1 to 6.
    pub fn number(self) -> u8 {
        self as u8 + 1
    }
}

/// The outcome of one criterion.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CriterionStatus {
    /// The data meet the criterion.
    Met,
    /// The data do not meet it.
    NotMet,
    /// The data cannot decide it; the explanation says what is missing.
    NotEvaluable,
}

/// A criterion, its outcome and the numbers behind it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CriterionResult {
    /// Which criterion.
    pub criterion: KlbCriterion,
    /// Criterion number, 1 to 6.
    pub number: u8,
    /// Met, not met, or not evaluable.
    pub status: CriterionStatus,
    /// The numbers compared, in words.
    pub explanation: String,
}

/// Parameters of the KLB rules.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct KlbConfig {
    /// Number of consecutive rises for criterion 2 (the regulation says 3).
    pub rise_periods: usize,
}

impl Default for KlbConfig {
    fn default() -> Self {
        KlbConfig { rise_periods: 3 }
    }
}

/// Points that make up "a month" at this frequency.
fn month_len(freq: Frequency) -> usize {
    match freq {
        Frequency::Monthly => 1,
        Frequency::Weekly => 4,
        Frequency::Daily => 30,
    }
}

fn result(
    criterion: KlbCriterion,
    status: CriterionStatus,
    explanation: String,
) -> CriterionResult {
    CriterionResult {
        criterion,
        number: criterion.number(),
        status,
        explanation,
    }
}

fn met(b: bool) -> CriterionStatus {
    if b {
        CriterionStatus::Met
    } else {
        CriterionStatus::NotMet
    }
}

/// Ratio in words, "from 0" when the base is 0.
fn ratio(now: f64, before: f64) -> String {
    if before == 0.0 {
        "from 0".to_string()
    } else {
        format!("×{:.2}", now / before)
    }
}

/// Evaluates the six criteria at 1-based point `t` of `series`.
pub fn assess(series: &Series, cfg: &KlbConfig, t: usize) -> Vec<CriterionResult> {
    use CriterionStatus::NotEvaluable;
    use KlbCriterion::*;
    let y = |i: usize| f64::from(series.counts[i - 1]);
    let f = series.frequency;
    let unit = f.unit();
    let year = f.periods_per_year();
    let yt = y(t);
    let mut out = Vec::with_capacity(6);

    // 1. New disease.
    out.push(if t > year {
        let before: f64 = (t - year..t).map(y).sum();
        let is_new = yt > 0.0 && before == 0.0;
        result(
            NewDisease,
            met(is_new),
            format!("{yt} cases now; {before} cases in the previous {year} {unit}s"),
        )
    } else {
        result(
            NewDisease,
            NotEvaluable,
            format!("needs a year ({year} {unit}s) of history before this {unit}"),
        )
    });

    // 2. Continuous rise.
    let r = cfg.rise_periods;
    out.push(if t > r {
        let vals: Vec<f64> = (t - r..=t).map(y).collect();
        let rising = vals.windows(2).all(|w| w[1] > w[0]);
        let shown: Vec<String> = vals.iter().map(|v| v.to_string()).collect();
        result(
            ContinuousRise,
            met(rising),
            format!("last {} {unit}s: {}", r + 1, shown.join(" → ")),
        )
    } else {
        result(
            ContinuousRise,
            NotEvaluable,
            format!("needs {} earlier {unit}s", r),
        )
    });

    // 3. Doubling against the previous period.
    out.push(if t > 1 {
        let prev = y(t - 1);
        result(
            Doubling,
            met(yt > 0.0 && yt >= 2.0 * prev),
            format!("{prev} → {yt} cases ({})", ratio(yt, prev)),
        )
    } else {
        result(Doubling, NotEvaluable, format!("needs the previous {unit}"))
    });

    // 4. Last month against the average month of the previous year.
    let m = month_len(f);
    out.push(if t >= m + year {
        let now: f64 = (t + 1 - m..=t).map(y).sum();
        let prev_year: f64 = (t + 1 - m - year..=t - m).map(y).sum();
        let mean_month = prev_year / year as f64 * m as f64;
        let span = if m == 1 {
            "this month".to_string()
        } else {
            format!("the last {m} {unit}s")
        };
        let per = if m == 1 {
            "month".to_string()
        } else {
            format!("{m} {unit}s")
        };
        result(
            MonthAboveYearMean,
            met(now > 0.0 && now >= 2.0 * mean_month),
            format!(
                "{now} cases in {span}; the previous year averaged {mean_month:.2} per {per} ({})",
                ratio(now, mean_month)
            ),
        )
    } else {
        result(
            MonthAboveYearMean,
            NotEvaluable,
            format!(
                "needs a month plus a year ({} {unit}s) of history",
                m + year
            ),
        )
    });

    // 5. Case fatality rate.
    out.push(match (&series.deaths, t > 1) {
        (None, _) => result(FatalityRise, NotEvaluable, "no deaths column".into()),
        (Some(_), false) => result(
            FatalityRise,
            NotEvaluable,
            format!("needs the previous {unit}"),
        ),
        (Some(d), true) => {
            let (d_now, d_prev) = (f64::from(d[t - 1]), f64::from(d[t - 2]));
            let prev = y(t - 1);
            if yt == 0.0 || prev == 0.0 {
                result(
                    FatalityRise,
                    NotEvaluable,
                    format!("no case fatality rate without cases ({prev} → {yt} cases)"),
                )
            } else {
                let (cfr, cfr_prev) = (d_now / yt, d_prev / prev);
                result(
                    FatalityRise,
                    met(cfr > 0.0 && cfr >= 1.5 * cfr_prev),
                    format!(
                        "case fatality {:.1}% ({d_prev}/{prev}) → {:.1}% ({d_now}/{yt}) ({})",
                        100.0 * cfr_prev,
                        100.0 * cfr,
                        ratio(cfr, cfr_prev)
                    ),
                )
            }
        }
    });

    // 6. Proportion of new cases in the population.
    out.push(match (&series.population, t > 1) {
        (None, _) => result(
            ProportionDoubling,
            NotEvaluable,
            "no population column".into(),
        ),
        (Some(_), false) => result(
            ProportionDoubling,
            NotEvaluable,
            format!("needs the previous {unit}"),
        ),
        (Some(p), true) => {
            let (p_now, p_prev) = (p[t - 1] as f64, p[t - 2] as f64);
            if p_now == 0.0 || p_prev == 0.0 {
                result(ProportionDoubling, NotEvaluable, "population is 0".into())
            } else {
                let (r_now, r_prev) = (1e5 * yt / p_now, 1e5 * y(t - 1) / p_prev);
                result(
                    ProportionDoubling,
                    met(r_now > 0.0 && r_now >= 2.0 * r_prev),
                    format!(
                        "{r_prev:.2} → {r_now:.2} new cases per 100,000 ({})",
                        ratio(r_now, r_prev)
                    ),
                )
            }
        }
    });
    out
}

/// One-line summary of a set of criteria, and whether any is met (`None` if none evaluable).
pub(crate) fn summarise(results: &[CriterionResult]) -> (Option<bool>, String) {
    let list = |s: CriterionStatus| -> Vec<String> {
        results
            .iter()
            .filter(|r| r.status == s)
            .map(|r| format!("{} ({})", r.number, r.explanation))
            .collect()
    };
    let met = list(CriterionStatus::Met);
    let not_eval: Vec<String> = results
        .iter()
        .filter(|r| r.status == CriterionStatus::NotEvaluable)
        .map(|r| r.number.to_string())
        .collect();
    let evaluable = results.len() - not_eval.len();
    let mut text = if met.is_empty() {
        if evaluable == 0 {
            "no KLB criterion could be evaluated".to_string()
        } else {
            "no KLB criterion met".to_string()
        }
    } else {
        format!("KLB criteria met: {}", met.join("; "))
    };
    if !not_eval.is_empty() {
        text.push_str(&format!("; not evaluable: {}", not_eval.join(", ")));
    }
    let alarm = if evaluable == 0 {
        None
    } else {
        Some(!met.is_empty())
    };
    (alarm, text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(r: &[CriterionResult], c: KlbCriterion) -> CriterionStatus {
        r.iter().find(|x| x.criterion == c).unwrap().status
    }

    #[test]
    fn doubling_and_rise() {
        let mut counts = vec![2u32; 52];
        counts.extend([3, 4, 5, 11]);
        let s = Series::new("dbd", "32.05", Frequency::Weekly, counts);
        let r = assess(&s, &KlbConfig::default(), 56);
        assert_eq!(
            status(&r, KlbCriterion::ContinuousRise),
            CriterionStatus::Met
        );
        assert_eq!(status(&r, KlbCriterion::Doubling), CriterionStatus::Met);
        assert_eq!(
            status(&r, KlbCriterion::NewDisease),
            CriterionStatus::NotMet
        );
        assert_eq!(
            status(&r, KlbCriterion::FatalityRise),
            CriterionStatus::NotEvaluable
        );
        // Last 4 weeks 23 cases, the year before averaged 2·52/12·... per 4 weeks = 8.0.
        assert_eq!(
            status(&r, KlbCriterion::MonthAboveYearMean),
            CriterionStatus::Met
        );
        let (alarm, text) = summarise(&r);
        assert_eq!(alarm, Some(true));
        assert!(text.contains("not evaluable: 5, 6"), "{text}");
    }

    #[test]
    fn fatality_and_proportion() {
        let s = Series::new("difteri", "32.05", Frequency::Monthly, vec![10, 10])
            .with_deaths(vec![1, 2])
            .with_population(vec![100_000, 40_000]);
        let r = assess(&s, &KlbConfig::default(), 2);
        assert_eq!(status(&r, KlbCriterion::FatalityRise), CriterionStatus::Met);
        assert_eq!(
            status(&r, KlbCriterion::ProportionDoubling),
            CriterionStatus::Met
        );
        assert_eq!(status(&r, KlbCriterion::Doubling), CriterionStatus::NotMet);
        assert_eq!(
            status(&r, KlbCriterion::NewDisease),
            CriterionStatus::NotEvaluable
        );
    }

    #[test]
    fn new_disease_after_a_silent_year() {
        let mut counts = vec![0u32; 12];
        counts.push(1);
        let s = Series::new("antraks", "33.01", Frequency::Monthly, counts);
        let r = assess(&s, &KlbConfig::default(), 13);
        assert_eq!(status(&r, KlbCriterion::NewDisease), CriterionStatus::Met);
    }
}
