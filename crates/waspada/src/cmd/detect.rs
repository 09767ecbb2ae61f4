//! `waspada detect`: aberration detection on a user's own count series (contract §2).
//!
//! Reads a CSV with an `observed` column (and optionally `date`, `deaths`, `population`), runs
//! one method of `waspada-detect` and prints a table, CSV or JSON lines. All checks on the input
//! happen here, so that errors can name the row and column.

use std::io::{self, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, bail};
use clap::ValueEnum;
use serde_json::json;
use waspada_detect::{
    Date, Frequency, Method, PowerTransform, Series, Signal, ThresholdMethod, Window, evaluate,
};

/// Methods accepted by `--method`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum MethodArg {
    /// EARS C1: mean and sd of the previous 7 points.
    #[value(name = "ears-c1")]
    EarsC1,
    /// EARS C2: as C1 with a 2-point guard band.
    #[value(name = "ears-c2")]
    EarsC2,
    /// EARS C3: C2 excesses of the two previous points.
    #[value(name = "ears-c3")]
    EarsC3,
    /// Farrington Flexible (b = 3, w = 3, delta threshold).
    Farrington,
    /// Noufaily (2013): 10 seasonal periods, 26 recent points left out, NB threshold.
    Noufaily,
    /// Rossi's CUSUM, first year as reference.
    Cusum,
    /// KLB criteria of Permenkes 1501/2010 (optional deaths and population columns).
    Klb,
}

/// `--threshold-method` values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ThresholdArg {
    /// Farrington's 2/3-power normal approximation.
    Delta,
    /// Negative-binomial quantile at the predicted mean.
    #[value(name = "nb-plugin")]
    NbPlugin,
    /// Negative-binomial quantile at the upper end of the mean's interval.
    Muan,
}

/// `--powertrans` values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum PowerArg {
    /// 2/3 power (default).
    #[value(name = "2/3")]
    TwoThirds,
    /// Square root.
    #[value(name = "1/2")]
    Half,
    /// No transformation.
    None,
}

/// Arguments of `waspada detect`.
#[derive(clap::Args, Debug)]
#[command(
    after_help = "INPUT.csv has a header row and an `observed` column of whole counts \
    ≥ 0, oldest first; `date` labels the points; `deaths` and `population` feed the KLB \
    criteria. Defaults match R `surveillance` 1.20.3."
)]
pub struct Args {
    /// Detection method.
    #[arg(long, value_enum)]
    pub method: MethodArg,
    /// Points per year: 52 (weekly), 12 (monthly) or 365 (daily).
    #[arg(long, default_value_t = 52)]
    pub freq: usize,
    /// First time point to evaluate (1-based; default as in R for the method).
    #[arg(long)]
    pub from: Option<usize>,
    /// Last time point to evaluate (default: the last).
    #[arg(long)]
    pub to: Option<usize>,
    /// Method parameters (boxed: they are many, and mostly unset).
    #[command(flatten)]
    pub tuning: Box<Tuning>,
    /// JSON Lines on stdout, one object per evaluated time point.
    #[arg(long, conflicts_with = "csv")]
    pub json: bool,
    /// CSV on stdout.
    #[arg(long)]
    pub csv: bool,
    /// The CSV file, or - for standard input.
    #[arg(value_name = "INPUT.csv")]
    pub input: PathBuf,
}

/// Method parameters of `waspada detect`; unset ones keep the method's preset.
#[derive(clap::Args, Debug)]
pub struct Tuning {
    /// EARS: points in the reference window (default 7).
    #[arg(long)]
    pub baseline: Option<usize>,
    /// One-sided level (EARS: 0.001 for C1/C2, 0.025 for C3; Farrington: 0.05).
    #[arg(long)]
    pub alpha: Option<f64>,
    /// EARS: lower limit for the standard deviation (default 0).
    #[arg(long)]
    pub min_sigma: Option<f64>,
    /// Farrington: number of past years (default 3).
    #[arg(long)]
    pub b: Option<usize>,
    /// Farrington: half-width of the window around past reference points (default 3).
    #[arg(long)]
    pub w: Option<usize>,
    /// Farrington: levels of the seasonal factor (1 = none; noufaily: 10).
    #[arg(long)]
    pub no_periods: Option<usize>,
    /// Farrington: recent points left out of the fit (default w; noufaily: 26).
    #[arg(long)]
    pub past_weeks_not_included: Option<usize>,
    /// Farrington: residual threshold for down-weighting outliers (default 2.58).
    #[arg(long)]
    pub weights_threshold: Option<f64>,
    /// Farrington: keep the trend only below this p-value (default 0.05; noufaily: 1).
    #[arg(long)]
    pub p_threshold_trend: Option<f64>,
    /// Farrington: no time trend.
    #[arg(long)]
    pub no_trend: bool,
    /// Farrington: no down-weighting of outliers.
    #[arg(long)]
    pub no_reweight: bool,
    /// Farrington: "C,P": a bound only if the last P points hold at least C cases (default 5,4).
    #[arg(long, value_name = "C,P")]
    pub limit54: Option<String>,
    /// Farrington: threshold method (farrington: delta; noufaily: nb-plugin).
    #[arg(long, value_enum)]
    pub threshold_method: Option<ThresholdArg>,
    /// Farrington (delta): power transformation (default 2/3).
    #[arg(long, value_enum)]
    pub powertrans: Option<PowerArg>,
    /// CUSUM: reference value k (default 1.04).
    #[arg(long)]
    pub k: Option<f64>,
    /// CUSUM: decision limit h (default 2.26).
    #[arg(long)]
    pub h: Option<f64>,
    /// CUSUM: reference mean (default: mean of the points before --from).
    #[arg(long)]
    pub m: Option<f64>,
}

/// Runs the command.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let freq = Frequency::from_periods_per_year(args.freq).with_context(|| {
        format!(
            "--freq {} is not supported: use 52 (weekly), 12 (monthly) or 365 (daily)",
            args.freq
        )
    })?;
    let method = build_method(args.method, &args.tuning)?;
    let name = args.input.display().to_string();
    let text = read_input(&args.input)?;
    let input = parse_csv(&text, &name)?;
    let mut series = Series::new("input", name.clone(), freq, input.observed);
    if let Some(d) = input.dates {
        series = series.with_dates(d);
    }
    if let Some(d) = input.deaths {
        series = series.with_deaths(d);
    }
    if let Some(p) = input.population {
        series = series.with_population(p);
    }
    let window = match (args.from, args.to) {
        (None, None) => Window::Default,
        (from, to) => Window::Range {
            from: from.unwrap_or_else(|| method.default_from(freq)),
            to: to.unwrap_or(series.len()),
        },
    };
    let signals = evaluate(&series, &method, window).with_context(|| name.clone())?;
    let labels = input.labels;
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    if args.json {
        write_json(&mut out, &signals, labels.as_deref())?;
    } else if args.csv {
        write_csv(&mut out, &signals, labels.as_deref())?;
    } else {
        write_table(&mut out, &signals, labels.as_deref(), freq)?;
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

fn read_input(path: &PathBuf) -> anyhow::Result<String> {
    if path.as_os_str() == "-" {
        let mut s = String::new();
        io::stdin()
            .read_to_string(&mut s)
            .context("cannot read standard input")?;
        Ok(s)
    } else {
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))
    }
}

/// The method with the user's options applied on top of its preset.
fn build_method(which: MethodArg, a: &Tuning) -> anyhow::Result<Method> {
    let key = match which {
        MethodArg::EarsC1 => "ears-c1",
        MethodArg::EarsC2 => "ears-c2",
        MethodArg::EarsC3 => "ears-c3",
        MethodArg::Farrington => "farrington",
        MethodArg::Noufaily => "noufaily",
        MethodArg::Cusum => "cusum",
        MethodArg::Klb => "klb",
    };
    let mut method = Method::from_name(key).context("unknown method")?;
    let family = |opts: &[(&str, bool)], fam: &str| -> anyhow::Result<()> {
        for (opt, set) in opts {
            if *set {
                bail!("--{opt} applies to {fam} only, not to --method {key}");
            }
        }
        Ok(())
    };
    let ears_opts = [
        ("baseline", a.baseline.is_some()),
        ("min-sigma", a.min_sigma.is_some()),
    ];
    let farr_opts = [
        ("b", a.b.is_some()),
        ("w", a.w.is_some()),
        ("no-periods", a.no_periods.is_some()),
        (
            "past-weeks-not-included",
            a.past_weeks_not_included.is_some(),
        ),
        ("weights-threshold", a.weights_threshold.is_some()),
        ("p-threshold-trend", a.p_threshold_trend.is_some()),
        ("no-trend", a.no_trend),
        ("no-reweight", a.no_reweight),
        ("limit54", a.limit54.is_some()),
        ("threshold-method", a.threshold_method.is_some()),
        ("powertrans", a.powertrans.is_some()),
    ];
    let cusum_opts = [
        ("k", a.k.is_some()),
        ("h", a.h.is_some()),
        ("m", a.m.is_some()),
    ];
    match &mut method {
        Method::Ears(c) => {
            family(&farr_opts, "the Farrington methods")?;
            family(&cusum_opts, "cusum")?;
            if let Some(b) = a.baseline {
                c.baseline = b;
            }
            if a.alpha.is_some() {
                c.alpha = a.alpha;
            }
            if let Some(s) = a.min_sigma {
                c.min_sigma = s;
            }
        }
        Method::Farrington(c) => {
            family(&ears_opts, "EARS")?;
            family(&cusum_opts, "cusum")?;
            macro_rules! set {
                ($field:ident) => {
                    if let Some(v) = a.$field {
                        c.$field = v;
                    }
                };
            }
            set!(b);
            set!(w);
            set!(no_periods);
            set!(weights_threshold);
            set!(p_threshold_trend);
            set!(alpha);
            if let Some(r) = a.past_weeks_not_included {
                c.past_weeks_not_included = Some(r);
            }
            c.trend &= !a.no_trend;
            c.reweight &= !a.no_reweight;
            if let Some(l) = &a.limit54 {
                c.limit54 = parse_limit54(l)?;
            }
            if let Some(t) = a.threshold_method {
                c.threshold_method = match t {
                    ThresholdArg::Delta => ThresholdMethod::Delta,
                    ThresholdArg::NbPlugin => ThresholdMethod::NbPlugin,
                    ThresholdArg::Muan => ThresholdMethod::Muan,
                };
            }
            if let Some(p) = a.powertrans {
                c.powertrans = match p {
                    PowerArg::TwoThirds => PowerTransform::TwoThirds,
                    PowerArg::Half => PowerTransform::Half,
                    PowerArg::None => PowerTransform::Identity,
                };
            }
        }
        Method::Cusum(c) => {
            family(&ears_opts, "EARS")?;
            family(&farr_opts, "the Farrington methods")?;
            if a.alpha.is_some() {
                bail!("--alpha does not apply to cusum (use --h for the decision limit)");
            }
            if let Some(k) = a.k {
                c.k = k;
            }
            if let Some(h) = a.h {
                c.h = h;
            }
            if a.m.is_some() {
                c.m = a.m;
            }
        }
        Method::Klb(_) => {
            family(&ears_opts, "EARS")?;
            family(&farr_opts, "the Farrington methods")?;
            family(&cusum_opts, "cusum")?;
            if a.alpha.is_some() {
                bail!("--alpha does not apply to the KLB criteria");
            }
        }
    }
    Ok(method)
}

fn parse_limit54(s: &str) -> anyhow::Result<(u32, usize)> {
    let bad = || anyhow::anyhow!("--limit54 expects CASES,POINTS such as 5,4; got {s:?}");
    let (c, p) = s.split_once(',').ok_or_else(bad)?;
    Ok((
        c.trim().parse().map_err(|_| bad())?,
        p.trim().parse().map_err(|_| bad())?,
    ))
}

/// The columns of the input file.
#[derive(Debug)]
struct Input {
    observed: Vec<u32>,
    labels: Option<Vec<String>>,
    dates: Option<Vec<Date>>,
    deaths: Option<Vec<u32>>,
    population: Option<Vec<u64>>,
}

/// A whole number ≥ 0 (accepting spreadsheet forms such as "12.0").
fn parse_count(s: &str) -> Option<u64> {
    let s = s.trim();
    if let Ok(v) = s.parse::<u64>() {
        return Some(v);
    }
    let v: f64 = s.parse().ok()?;
    (v.is_finite() && v >= 0.0 && v.fract() == 0.0 && v <= u64::MAX as f64).then_some(v as u64)
}

fn parse_csv(text: &str, name: &str) -> anyhow::Result<Input> {
    // Spreadsheets set to Indonesian locale export with ';'.
    let first = text.lines().next().unwrap_or("");
    let delim = if first.contains(';') && !first.contains(',') {
        b';'
    } else {
        b','
    };
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(delim)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers = rdr
        .headers()
        .with_context(|| format!("{name}: cannot read the header row"))?
        .clone();
    let col = |n: &str| headers.iter().position(|h| h.eq_ignore_ascii_case(n));
    let Some(obs) = col("observed") else {
        bail!(
            "{name}, row 1: no `observed` column (the header has: {}); add a column named observed with the counts",
            headers.iter().collect::<Vec<_>>().join(", ")
        );
    };
    let (date_c, deaths_c, pop_c) = (col("date"), col("deaths"), col("population"));
    let mut inp = Input {
        observed: Vec::new(),
        labels: date_c.map(|_| Vec::new()),
        dates: date_c.map(|_| Vec::new()),
        deaths: deaths_c.map(|_| Vec::new()),
        population: pop_c.map(|_| Vec::new()),
    };
    for rec in rdr.records() {
        let rec = rec.with_context(|| format!("{name}: malformed CSV"))?;
        let row = rec.position().map_or(0, |p| p.line());
        if rec.iter().all(|f| f.is_empty()) {
            continue;
        }
        let field = |c: usize, what: &str| -> anyhow::Result<u64> {
            let raw = rec.get(c).unwrap_or("");
            if raw.is_empty() {
                bail!("{name}, row {row}, column {what}: empty value; write 0 for no {what}");
            }
            parse_count(raw).with_context(|| {
                format!("{name}, row {row}, column {what}: {raw:?} is not a whole number ≥ 0")
            })
        };
        let v = field(obs, "observed")?;
        let v = u32::try_from(v).with_context(|| {
            format!("{name}, row {row}, column observed: {v} is too large a count")
        })?;
        inp.observed.push(v);
        if let (Some(c), Some(d)) = (deaths_c, inp.deaths.as_mut()) {
            let v = field(c, "deaths")?;
            d.push(
                u32::try_from(v).with_context(|| {
                    format!("{name}, row {row}, column deaths: {v} is too large")
                })?,
            );
        }
        if let (Some(c), Some(p)) = (pop_c, inp.population.as_mut()) {
            p.push(field(c, "population")?);
        }
        if let (Some(c), Some(l)) = (date_c, inp.labels.as_mut()) {
            let raw = rec.get(c).unwrap_or("").to_string();
            let parsed = raw.parse::<Date>().ok();
            match (parsed, inp.dates.as_mut()) {
                (Some(d), Some(ds)) => ds.push(d),
                // Labels that are not ISO dates ("2024-W05") are kept as labels only.
                _ => inp.dates = None,
            }
            l.push(raw);
        }
    }
    if inp.observed.is_empty() {
        bail!("{name}: no data rows under the header");
    }
    Ok(inp)
}

fn num(x: Option<f64>) -> serde_json::Value {
    match x {
        Some(v) if v.is_finite() => json!(v),
        _ => serde_json::Value::Null,
    }
}

fn label(labels: Option<&[String]>, t: usize) -> Option<&str> {
    labels.and_then(|l| l.get(t - 1)).map(String::as_str)
}

fn write_json(
    out: &mut impl Write,
    signals: &[Signal],
    labels: Option<&[String]>,
) -> io::Result<()> {
    for s in signals {
        let mut obj = json!({
            "t": s.t,
            "observed": s.observed,
            "upperbound": num(s.upperbound),
            "alarm": s.alarm,
            "method": s.method,
            "expected": num(s.expected),
            "score": num(s.score),
            "explanation": s.explanation,
        });
        if let Some(l) = label(labels, s.t) {
            obj["date"] = json!(l);
        }
        if !s.criteria.is_empty() {
            obj["criteria"] = serde_json::to_value(&s.criteria).unwrap_or_default();
        }
        writeln!(out, "{obj}")?;
    }
    Ok(())
}

fn fmt_opt(x: Option<f64>) -> String {
    match x {
        Some(v) if v.is_finite() => format!("{v:.3}"),
        Some(v) => v.to_string(),
        None => String::new(),
    }
}

fn fmt_alarm(a: Option<bool>) -> &'static str {
    match a {
        Some(true) => "ALARM",
        Some(false) => "",
        None => "NA",
    }
}

fn write_csv(
    out: &mut impl Write,
    signals: &[Signal],
    labels: Option<&[String]>,
) -> anyhow::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record([
        "t",
        "date",
        "observed",
        "expected",
        "upperbound",
        "score",
        "alarm",
        "explanation",
    ])?;
    for s in signals {
        let alarm = match s.alarm {
            Some(a) => a.to_string(),
            None => String::new(),
        };
        w.write_record([
            s.t.to_string(),
            label(labels, s.t).unwrap_or("").to_string(),
            s.observed.to_string(),
            fmt_opt(s.expected),
            fmt_opt(s.upperbound),
            fmt_opt(s.score),
            alarm,
            s.explanation.clone(),
        ])?;
    }
    w.flush()?;
    Ok(())
}

fn write_table(
    out: &mut impl Write,
    signals: &[Signal],
    labels: Option<&[String]>,
    freq: Frequency,
) -> io::Result<()> {
    let dw = labels.map_or(0, |l| {
        l.iter()
            .map(|s| s.chars().count())
            .max()
            .unwrap_or(0)
            .max(4)
    });
    let date_head = if dw > 0 {
        format!("{:<dw$}  ", "date")
    } else {
        String::new()
    };
    writeln!(
        out,
        "{:>6}  {date_head}{:>8}  {:>9}  {:>11}  {:>8}  {:<5}  explanation",
        "t", "observed", "expected", "upperbound", "score", "alarm"
    )?;
    for s in signals {
        let d = if dw > 0 {
            format!("{:<dw$}  ", label(labels, s.t).unwrap_or(""))
        } else {
            String::new()
        };
        let show_expl = s.alarm != Some(false) || s.upperbound.is_none() || !s.criteria.is_empty();
        writeln!(
            out,
            "{:>6}  {d}{:>8}  {:>9}  {:>11}  {:>8}  {:<5}  {}",
            s.t,
            s.observed,
            fmt_opt(s.expected),
            fmt_opt(s.upperbound),
            fmt_opt(s.score),
            fmt_alarm(s.alarm),
            if show_expl {
                s.explanation.as_str()
            } else {
                ""
            }
        )?;
    }
    let alarms = signals.iter().filter(|s| s.alarm == Some(true)).count();
    let undecided = signals.iter().filter(|s| s.alarm.is_none()).count();
    let method = signals.first().map_or("", |s| s.method);
    writeln!(
        out,
        "\n{method}: {alarms} alarm(s) in {} evaluated {}s{}",
        signals.len(),
        freq.unit(),
        if undecided > 0 {
            format!(", {undecided} without a decision (NA)")
        } else {
            String::new()
        }
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_count_names_row_and_column() {
        let err = parse_csv("date,observed\n2024-01-01,3\n2024-01-08,-2\n", "x.csv").unwrap_err();
        let msg = format!("{err:#}");
        assert!(
            msg.contains("row 3") && msg.contains("observed") && msg.contains("\"-2\""),
            "{msg}"
        );
    }

    #[test]
    fn semicolons_and_spreadsheet_numbers() {
        let inp = parse_csv("observed;deaths\n3.0;0\n4;1\n", "x.csv").unwrap();
        assert_eq!(inp.observed, vec![3, 4]);
        assert_eq!(inp.deaths, Some(vec![0, 1]));
    }

    #[test]
    fn missing_column() {
        let err = parse_csv("date,cases\n2024-01-01,3\n", "x.csv").unwrap_err();
        assert!(format!("{err:#}").contains("no `observed` column"));
    }
}
