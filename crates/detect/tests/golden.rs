//! Golden cases generated with R `surveillance` 1.20.3 by `tests/golden/generate.R`
//! (synthetic series written for this project): zero, constant, spike, minimal-length, monthly,
//! daily, NA-producing and error cases for every method.

mod common;

use serde_json::Value;
use waspada_detect::{
    CusumConfig, EarsConfig, EarsVariant, FarringtonConfig, Frequency, Method, PowerTransform,
    Series, ThresholdMethod, Window, bounds,
};

fn method(name: &str, p: &Value) -> Method {
    let f = |k: &str| p.get(k).and_then(Value::as_f64);
    let u = |k: &str| p.get(k).and_then(Value::as_u64).map(|v| v as usize);
    let b = |k: &str| p.get(k).and_then(Value::as_bool);
    match name {
        "ears-c1" | "ears-c2" | "ears-c3" => {
            let variant = match name {
                "ears-c1" => EarsVariant::C1,
                "ears-c2" => EarsVariant::C2,
                _ => EarsVariant::C3,
            };
            let mut c = EarsConfig::new(variant);
            c.baseline = u("baseline").unwrap_or(c.baseline);
            c.alpha = f("alpha").or(c.alpha);
            c.min_sigma = f("minSigma").unwrap_or(c.min_sigma);
            Method::Ears(c)
        }
        "farrington" | "noufaily" => {
            let mut c = if name == "farrington" {
                FarringtonConfig::farrington()
            } else {
                FarringtonConfig::noufaily()
            };
            c.b = u("b").unwrap_or(c.b);
            c.w = u("w").unwrap_or(c.w);
            c.no_periods = u("noPeriods").unwrap_or(c.no_periods);
            c.past_weeks_not_included = u("pastWeeksNotIncluded").or(c.past_weeks_not_included);
            c.reweight = b("reweight").unwrap_or(c.reweight);
            c.trend = b("trend").unwrap_or(c.trend);
            if let Some(l) = p.get("limit54").and_then(Value::as_array) {
                c.limit54 = (
                    l[0].as_f64().unwrap() as u32,
                    l[1].as_f64().unwrap() as usize,
                );
            }
            if let Some(t) = p.get("thresholdMethod").and_then(Value::as_str) {
                c.threshold_method = match t {
                    "delta" => ThresholdMethod::Delta,
                    "nbPlugin" => ThresholdMethod::NbPlugin,
                    _ => ThresholdMethod::Muan,
                };
            }
            if let Some(t) = p.get("powertrans").and_then(Value::as_str) {
                c.powertrans = match t {
                    "2/3" => PowerTransform::TwoThirds,
                    "1/2" => PowerTransform::Half,
                    _ => PowerTransform::Identity,
                };
            }
            Method::Farrington(c)
        }
        "cusum" => Method::Cusum(CusumConfig {
            k: f("k").unwrap_or(1.04),
            h: f("h").unwrap_or(2.26),
            m: f("m"),
        }),
        other => panic!("unknown method {other} in golden file"),
    }
}

#[test]
fn reproduces_r_golden_cases() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/golden/cases.json");
    let cases: Vec<Value> =
        serde_json::from_str(&std::fs::read_to_string(path).expect("golden file")).expect("JSON");
    assert!(cases.len() > 50);
    let mut problems = Vec::new();
    let mut max_rel: f64 = 0.0;
    for case in &cases {
        let name = case["name"].as_str().unwrap();
        let freq =
            Frequency::from_periods_per_year(case["freq"].as_u64().unwrap() as usize).unwrap();
        let counts = common::observed(case);
        let m = method(case["method"].as_str().unwrap(), &case["params"]);
        let from = case["from"].as_u64().unwrap() as usize;
        let to = case["to"].as_u64().unwrap() as usize;
        let series = Series::new("golden", name, freq, counts);
        let got = bounds(&series, &m, Window::Range { from, to });
        if case.get("error").is_some() {
            if got.is_ok() {
                problems.push(format!(
                    "{name}: R stops ({}), we do not",
                    case["r_message"]
                ));
            }
            continue;
        }
        let got = match got {
            Ok(g) => g,
            Err(e) => {
                problems.push(format!("{name}: error {e}"));
                continue;
            }
        };
        max_rel = max_rel.max(common::compare(name, from, &got, case, &mut problems));
    }
    eprintln!(
        "{} golden cases, max relative bound difference {max_rel:.1e}",
        cases.len()
    );
    assert!(
        problems.is_empty(),
        "{} mismatches:\n{}",
        problems.len(),
        problems.join("\n")
    );
}
