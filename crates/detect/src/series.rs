//! The two types the rest of Waspada exchanges with the detector: a [`Series`] of counts
//! going in, and [`Signal`]s coming out.

use std::fmt;
use std::sync::Arc;

use jiff::civil::Date;
use serde::Serialize;

use crate::klb::CriterionResult;

/// How often a series is counted. The methods only see indices; the frequency tells them how
/// many points make a year (R `surveillance`'s `freq`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Frequency {
    /// 365 points a year.
    Daily,
    /// 52 points a year (SKDR and most surveillance exports).
    Weekly,
    /// 12 points a year.
    Monthly,
}

impl Frequency {
    /// Points per year, as R's `freq`: 365, 52 or 12.
    pub fn periods_per_year(self) -> usize {
        match self {
            Frequency::Daily => 365,
            Frequency::Weekly => 52,
            Frequency::Monthly => 12,
        }
    }

    /// The frequency with this many points a year, if it is one of 365, 52 or 12.
    pub fn from_periods_per_year(n: usize) -> Option<Self> {
        match n {
            365 => Some(Frequency::Daily),
            52 => Some(Frequency::Weekly),
            12 => Some(Frequency::Monthly),
            _ => None,
        }
    }

    /// "daily", "weekly" or "monthly", for messages.
    pub fn adjective(self) -> &'static str {
        match self {
            Frequency::Daily => "daily",
            Frequency::Weekly => "weekly",
            Frequency::Monthly => "monthly",
        }
    }

    /// "day", "week" or "month", for messages.
    pub fn unit(self) -> &'static str {
        match self {
            Frequency::Daily => "day",
            Frequency::Weekly => "week",
            Frequency::Monthly => "month",
        }
    }
}

/// What a series counts: a disease (or syndrome) in an area.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct SeriesKey {
    /// Project disease or syndrome id, e.g. `dengue`, or an SKDR syndrome code.
    pub disease: String,
    /// Area code, e.g. a Kemendagri regency code `32.05`.
    pub area: String,
}

impl fmt::Display for SeriesKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} in {}", self.disease, self.area)
    }
}

/// A count time series: disease × area × frequency × dates → counts.
///
/// Time points are 1-based indices, as in R `surveillance` with `epochAsDate = FALSE`: the
/// methods assume the points are consecutive periods with no gaps. Dates, when present, only
/// label the points.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// What is counted. Shared with every [`Signal`] raised on this series.
    pub key: Arc<SeriesKey>,
    /// Points per year.
    pub frequency: Frequency,
    /// Start date of each period (same length as `counts`), or `None` for an index-only series.
    pub dates: Option<Vec<Date>>,
    /// New cases per period, oldest first.
    pub counts: Vec<u32>,
    /// Deaths per period (same length as `counts`); only the KLB rules use them.
    pub deaths: Option<Vec<u32>>,
    /// Population at risk per period (same length as `counts`); only the KLB rules use it.
    pub population: Option<Vec<u64>>,
}

impl Series {
    /// A series of counts without dates, deaths or population.
    pub fn new(
        disease: impl Into<String>,
        area: impl Into<String>,
        frequency: Frequency,
        counts: Vec<u32>,
    ) -> Self {
        Series {
            key: Arc::new(SeriesKey {
                disease: disease.into(),
                area: area.into(),
            }),
            frequency,
            dates: None,
            counts,
            deaths: None,
            population: None,
        }
    }

    /// Adds the start date of each period.
    pub fn with_dates(mut self, dates: Vec<Date>) -> Self {
        self.dates = Some(dates);
        self
    }

    /// Adds deaths per period (KLB criterion 5).
    pub fn with_deaths(mut self, deaths: Vec<u32>) -> Self {
        self.deaths = Some(deaths);
        self
    }

    /// Adds the population per period (KLB criterion 6).
    pub fn with_population(mut self, population: Vec<u64>) -> Self {
        self.population = Some(population);
        self
    }

    /// Number of time points.
    pub fn len(&self) -> usize {
        self.counts.len()
    }

    /// True when the series has no time point.
    pub fn is_empty(&self) -> bool {
        self.counts.is_empty()
    }

    /// Date of 1-based time point `t`, if the series has dates.
    pub fn date(&self, t: usize) -> Option<Date> {
        self.dates
            .as_ref()
            .and_then(|d| d.get(t.wrapping_sub(1)).copied())
    }
}

/// The result of one method at one time point of one series.
///
/// Every method fills `upperbound` and `alarm` exactly as R `surveillance` 1.20.3 does; `None`
/// is R's `NA`/`NaN`, and `explanation` then says why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Signal {
    /// The series the signal belongs to.
    pub series: Arc<SeriesKey>,
    /// 1-based time point.
    pub t: usize,
    /// Start date of the period, when the series has dates.
    pub date: Option<Date>,
    /// Method name: `ears-c1`, `ears-c2`, `ears-c3`, `farrington`, `noufaily`, `cusum`, `klb`.
    pub method: &'static str,
    /// Observed count at `t`.
    pub observed: u32,
    /// Expected count: the baseline mean (EARS, CUSUM) or the GLM prediction (Farrington).
    pub expected: Option<f64>,
    /// The threshold: counts above it (CUSUM: at or above it) raise an alarm.
    pub upperbound: Option<f64>,
    /// The method's own statistic; see [`crate::Method`] for each definition.
    pub score: Option<f64>,
    /// Whether the method raises an alarm at `t` (`None` where R gives `NA`).
    pub alarm: Option<bool>,
    /// One or two sentences for an epidemiologist: why the alarm is raised or not, or why there is
    /// no bound.
    pub explanation: String,
    /// KLB criteria (Permenkes 1501/2010), only for the `klb` method.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub criteria: Vec<CriterionResult>,
}
