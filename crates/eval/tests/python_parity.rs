//! The Rust scorer prints exactly what `shared/tools/score.py` prints, on the same files.
//!
//! Predictions are synthesised from the gold with deliberate, varied errors (missing
//! articles, wrong relevance, dropped and extra diseases, wrong places, counts off by one,
//! kinds written as synonyms, floats for integers, flipped KLB) so that every branch of the
//! scorer is exercised. Skipped, with a message, when python3 or ../shared is missing.

use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::Command;
use waspada_eval::{Gold, GoldArticle, load_gold, load_predictions, score};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn shared() -> Option<PathBuf> {
    let s = repo().join("../shared");
    s.join("tools/score.py").exists().then_some(s)
}

fn python_ok() -> bool {
    Command::new("python3")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

fn run_python(score_py: &Path, gold: &Path, pred: &Path, json: bool) -> String {
    let mut cmd = Command::new("python3");
    cmd.arg(score_py)
        .arg("--gold")
        .arg(gold)
        .arg("--pred")
        .arg(pred);
    if json {
        cmd.arg("--json");
    }
    let out = cmd.output().expect("python3 runs");
    assert!(
        out.status.success(),
        "score.py failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("score.py prints UTF-8")
}

fn assert_same(score_py: &Path, gold: &Path, pred: &Path) {
    let figures = score(&load_gold(gold).unwrap(), &load_predictions(pred).unwrap());
    assert_eq!(
        figures.to_text(),
        run_python(score_py, gold, pred, false),
        "text differs for {}",
        gold.display()
    );
    assert_eq!(
        figures.to_json_line() + "\n",
        run_python(score_py, gold, pred, true),
        "--json differs for {}",
        gold.display()
    );
}

/// A cheap deterministic "random" choice per article and purpose.
fn roll(i: usize, salt: u64, one_in: u64) -> bool {
    let mut x =
        (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ salt.wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x ^= x >> 31;
    x = x.wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^= x >> 29;
    x.is_multiple_of(one_in)
}

fn derive_prediction(i: usize, g: &GoldArticle) -> Option<Value> {
    if roll(i, 1, 13) {
        return None; // missing prediction
    }
    let mut diseases = Vec::new();
    let mut locations = Vec::new();
    let mut counts = Vec::new();
    let (is_pos, klb) = match &g.gold {
        Gold::IdNews(n) => {
            for (j, d) in n.diseases.iter().enumerate() {
                if roll(i + j, 2, 5) {
                    continue;
                }
                let icd = d.icd10.as_ref().map(|c| {
                    if roll(i, 3, 2) {
                        format!("{}.9", c.to_lowercase())
                    } else {
                        c.clone()
                    }
                });
                diseases.push(
                    json!({"icd10": icd, "name_en": d.name_en, "primary": !roll(i + j, 4, 9)}),
                );
            }
            for c in &n.countries {
                locations.push(json!({"country": if roll(i, 5, 3) { c.to_lowercase() } else { c.clone() }, "primary": true}));
            }
            for p in &n.provinces {
                if !roll(i, 6, 6) {
                    locations.push(json!({"province_code": p, "primary": true}));
                }
            }
            for r in &n.regencies {
                if !roll(i, 7, 5) {
                    locations
                        .push(json!({"regency_code": r, "province_code": null, "primary": true}));
                }
            }
            if roll(i, 8, 4) {
                locations
                    .push(json!({"province_code": "31", "regency_code": "31.71", "primary": true}));
            }
            for (j, c) in n.counts.iter().enumerate() {
                let kind = match (c.kind.as_str(), roll(i + j, 9, 2)) {
                    ("cases", true) => "confirmed",
                    ("suspected", true) => "probable",
                    ("animals_dead", _) => "deaths",
                    (k, _) => k,
                };
                let mut value = c.value.clone();
                if roll(i + j, 10, 4) {
                    value = json!(value.as_i64().unwrap_or(0) + 1);
                } else if roll(i + j, 11, 3) {
                    value = json!(value.as_f64().unwrap_or(0.0));
                }
                counts.push(json!({"kind": kind, "value": value, "species": c.species}));
            }
            let pos = ["outbreak_report", "situation_report"].contains(&n.label.as_str());
            (pos, n.klb_declared)
        }
        Gold::Dons(d) => {
            for (j, c) in d.countries.iter().enumerate() {
                if !roll(i + j, 12, 6) {
                    locations.push(json!({"country": c, "primary": true}));
                }
            }
            for (j, code) in d.diseases.iter().enumerate() {
                if !roll(i + j, 13, 7) {
                    diseases.push(json!({"icd10": format!("{code}.0"), "primary": true}));
                }
            }
            (true, false)
        }
    };
    if roll(i, 14, 8) {
        diseases.push(json!({"icd10": null, "name_en": "African swine fever", "primary": true}));
    }
    let said = is_pos != roll(i, 15, 7);
    let klb = klb != roll(i, 16, 10);
    Some(json!({
        "id": g.id,
        "relevance": {"is_outbreak_report": said, "score": 0.5},
        "diseases": diseases,
        "locations": locations,
        "counts": counts,
        "klb_declared": klb,
    }))
}

fn write_pred(gold: &[GoldArticle], path: &Path) {
    let mut out = String::new();
    for (i, g) in gold.iter().enumerate() {
        if let Some(p) = derive_prediction(i, g) {
            out.push_str(&p.to_string());
            out.push('\n');
        }
    }
    std::fs::write(path, out).unwrap();
}

#[test]
fn same_output_as_score_py() {
    let Some(shared) = shared() else {
        eprintln!("SKIPPED same_output_as_score_py: ../shared/tools/score.py not found");
        return;
    };
    if !python_ok() {
        eprintln!("SKIPPED same_output_as_score_py: python3 is not available");
        return;
    }
    let score_py = shared.join("tools/score.py");
    let fixtures = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    assert_same(
        &score_py,
        &fixtures.join("news_gold.jsonl"),
        &fixtures.join("news_pred.jsonl"),
    );
    assert_same(
        &score_py,
        &fixtures.join("dons_gold.jsonl"),
        &fixtures.join("dons_pred.jsonl"),
    );

    let tmp = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let mut compared = 0;
    for name in ["id_news_dev.jsonl", "who_dons_dev.jsonl"] {
        let gold_path = shared.join("eval").join(name);
        if !gold_path.exists() {
            eprintln!("SKIPPED {name}: not in ../shared/eval");
            continue;
        }
        let gold = load_gold(&gold_path).unwrap();
        let pred_path = tmp.join(format!("derived-pred-{name}"));
        write_pred(&gold, &pred_path);
        assert_same(&score_py, &gold_path, &pred_path);
        compared += 1;
    }
    eprintln!("compared with score.py on the fixtures and {compared} shared eval files");
}
