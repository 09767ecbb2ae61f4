//! What the R-comparison tests share: reading a case's counts and comparing our
//! bounds and alarms with R's, point by point.

use serde_json::Value;

/// The case's `observed` counts.
pub fn observed(case: &Value) -> Vec<u32> {
    case["observed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap() as u32)
        .collect()
}

/// Compares our `(upper bound, alarm)` per time point with R's `upperbound` and `alarm`
/// arrays, starting at time point `from`. Bounds agree within 1e-6 relative (or 1e-12
/// absolute), nulls stay nulls, alarms are equal. Mismatches go to `problems`; returns
/// the largest relative bound difference.
pub fn compare(
    label: &str,
    from: usize,
    got: &[(Option<f64>, Option<bool>)],
    case: &Value,
    problems: &mut Vec<String>,
) -> f64 {
    let want_u = case["upperbound"].as_array().unwrap();
    let want_a = case["alarm"].as_array().unwrap();
    if got.len() != want_u.len() {
        problems.push(format!(
            "{label}: {} points, expected {}",
            got.len(),
            want_u.len()
        ));
        return 0.0;
    }
    let mut max_rel: f64 = 0.0;
    for (i, ((u, a), (wu, wa))) in got.iter().zip(want_u.iter().zip(want_a)).enumerate() {
        let t = from + i;
        match (u, wu.as_f64()) {
            (None, None) => {}
            (Some(u), Some(w)) => {
                let diff = (u - w).abs();
                let rel = if w == 0.0 { diff } else { diff / w.abs() };
                max_rel = max_rel.max(rel);
                if rel > 1e-6 && diff > 1e-12 {
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
    max_rel
}
