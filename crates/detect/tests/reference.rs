//! Every case of `shared/eval/signals_dev_reference.json` (R `surveillance` 1.20.3 output):
//! alarms equal, upper bounds within 1e-6 relative, nulls stay nulls.
//!
//! The file lives outside the repository (`<repo>/../shared/eval`); when it is absent the test
//! says so on stderr and passes.

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
        let counts: Vec<u32> = case["observed"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_u64().unwrap() as u32)
            .collect();
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
        let want_u = case["upperbound"].as_array().unwrap();
        let want_a = case["alarm"].as_array().unwrap();
        if got.len() != want_u.len() || to + 1 - from != got.len() {
            problems.push(format!(
                "{label}: {} points, expected {}",
                got.len(),
                want_u.len()
            ));
            continue;
        }
        for (i, ((u, a), (wu, wa))) in got.iter().zip(want_u.iter().zip(want_a)).enumerate() {
            let t = from + i;
            match (u, wu.as_f64()) {
                (None, None) => {}
                (Some(u), Some(w)) => {
                    let rel = (u - w).abs() / w.abs().max(1e-300);
                    max_rel = max_rel.max(rel);
                    if rel > 1e-6 && (u - w).abs() > 1e-12 {
                        problems.push(format!(
                            "{label} t={t}: upper bound {u}, R {w} (rel {rel:.2e})"
                        ));
                    }
                }
                (u, w) => problems.push(format!("{label} t={t}: upper bound {u:?}, R {w:?}")),
            }
            if *a != wa.as_bool() {
                problems.push(format!("{label} t={t}: alarm {a:?}, R {:?}", wa.as_bool()));
            }
        }
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
