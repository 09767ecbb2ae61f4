//! `waspada detect` end to end: JSON lines on a small series, and clear errors on bad input.

use std::path::PathBuf;
use std::process::{Command, Output};

/// Writes `text` to `name` in a directory removed when the returned guard drops.
fn write_csv(name: &str, text: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    (dir, path)
}

fn detect(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_waspada"))
        .arg("detect")
        .args(args)
        .output()
        .expect("run waspada")
}

/// 20 quiet weeks (2, 3, 2, 3, ...) and an outbreak of 30 cases in week 21.
fn quiet_then_outbreak() -> String {
    let mut s = String::from("date,observed\n");
    for t in 1..=21 {
        let y = if t == 21 { 30 } else { 2 + t % 2 };
        s.push_str(&format!("2024-W{t:02},{y}\n"));
    }
    s
}

#[test]
fn json_lines_flag_the_outbreak_week_only() {
    let (_dir, path) = write_csv("outbreak.csv", &quiet_then_outbreak());
    let out = detect(&["--method", "ears-c1", "--json", path.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect();
    // EARS C1 evaluates from week 8 (baseline 7) to week 21.
    assert_eq!(lines.len(), 14);
    assert_eq!(lines[0]["t"], 8);
    let alarms: Vec<i64> = lines
        .iter()
        .filter(|l| l["alarm"] == true)
        .map(|l| l["t"].as_i64().unwrap())
        .collect();
    assert_eq!(alarms, vec![21]);
    let last = lines.last().unwrap();
    assert_eq!(last["observed"], 30);
    assert_eq!(last["date"], "2024-W21");
    assert!(last["upperbound"].as_f64().unwrap() < 30.0);
}

#[test]
fn negative_count_is_reported_with_row_and_column() {
    let (_dir, path) = write_csv("negative.csv", "observed\n3\n4\n-1\n5\n");
    let out = detect(&["--method", "ears-c1", path.to_str().unwrap()]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("row 4") && err.contains("observed") && err.contains("-1"),
        "{err}"
    );
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn missing_column_and_short_series_are_explained() {
    let (_dir, path) = write_csv("cases.csv", "week,cases\n1,3\n");
    let out = detect(&["--method", "cusum", path.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no `observed` column"));

    let (_dir, path) = write_csv("short.csv", &quiet_then_outbreak());
    let out = detect(&["--method", "farrington", path.to_str().unwrap()]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("160") && err.contains("21"), "{err}");
}
