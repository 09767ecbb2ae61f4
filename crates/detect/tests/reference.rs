//! Every case of `shared/eval/signals_dev_reference.json` (R `surveillance` 1.20.3 output):
//! alarms equal, upper bounds within 1e-6 relative, nulls stay nulls.
//!
//! The file lives outside the repository (`<repo>/../shared/eval`); when it is absent the test
//! says so on stderr and passes.

mod common;

use std::path::PathBuf;

use serde_json::Value;
use waspada_detect::{EarsConfig, EarsVariant, Frequency, Method, Series, Window, bounds};

/// The method of a reference case, by its name in the file.
fn method(name: &str) -> Method {
    if name == "ears-c1-b14-a0.05" {
        return Method::Ears(EarsConfig {
            baseline: 14,
            alpha: Some(0.05),
            ..EarsConfig::new(EarsVariant::C1)
        });
    }
    Method::from_name(name).unwrap_or_else(|| panic!("unknown method {name} in reference file"))
}

fn reference_file() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/eval/signals_dev_reference.json")
}

#[test]
fn reproduces_every_reference_case() {
    let path = reference_file();
    let Ok(text) = std::fs::read_to_string(&path) else {
        eprintln!(
            "SKIPPED: reference cases not found at {} (they live in ../shared, outside the repo)",
            path.display()
        );
        return;
    };
    let cases: Vec<Value> = serde_json::from_str(&text).expect("reference file is JSON");
    assert!(!cases.is_empty());
    let mut problems = Vec::new();
    let mut max_rel: f64 = 0.0;
    for case in &cases {
        let label = format!("{} / {}", case["series"], case["method"]);
        let freq =
            Frequency::from_periods_per_year(case["freq"].as_u64().unwrap() as usize).unwrap();
        let counts = common::observed(case);
        let (from, to) = (
            case["from"].as_u64().unwrap() as usize,
            case["to"].as_u64().unwrap() as usize,
        );
        let m = method(case["method"].as_str().unwrap());
        let series = Series::new("reference", "reference", freq, counts);
        // The file's ranges are R's defaults, so Window::Default must give the same points.
        let got = match bounds(&series, &m, Window::Default) {
            Ok(g) => g,
            Err(e) => {
                problems.push(format!("{label}: error {e}"));
                continue;
            }
        };
        if to + 1 - from != got.len() {
            problems.push(format!(
                "{label}: {} points for range {from}..{to}",
                got.len()
            ));
            continue;
        }
        max_rel = max_rel.max(common::compare(&label, from, &got, case, &mut problems));
    }
    eprintln!(
        "checked {} reference cases, {} problems, max relative bound difference {max_rel:.1e}",
        cases.len(),
        problems.len()
    );
    assert!(
        problems.is_empty(),
        "{} mismatches:\n{}",
        problems.len(),
        problems[..problems.len().min(40)].join("\n")
    );
}
