//! Figures on small hand-made gold/prediction files, with expected values worked out by hand.

use std::path::PathBuf;
use waspada_eval::{Figures, Problem, explain, load_gold, load_predictions, score};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn news() -> Figures {
    let gold = load_gold(fixture("news_gold.jsonl")).unwrap();
    let preds = load_predictions(fixture("news_pred.jsonl")).unwrap();
    score(&gold, &preds)
}

#[test]
fn news_figures_match_hand_computation() {
    let Figures::IdNews(f) = news() else {
        panic!("news gold scored as DONs")
    };
    // 6 gold lines; a5 is ambiguous and left out; a6 has no prediction.
    assert_eq!((f.articles, f.missing_predictions), (6, 1));
    // Gold positive: a1, a2, a6. Flagged: a1, a2, a3 (a3 is not_outbreak).
    assert_eq!((f.relevance.tp, f.relevance.fp, f.relevance.fn_), (2, 1, 1));
    assert_eq!(
        f.false_positives_by_gold_label,
        vec![("not_outbreak".to_string(), 1)]
    );
    // a1 "a90.0" -> A90 hit; a2 by English name hit; a6 A36 missed. B50 is not primary.
    assert_eq!((f.disease.tp, f.disease.fp, f.disease.fn_), (2, 0, 1));
    // Countries come from the provinces: IDN for a1 and a2, nothing for a6.
    assert_eq!((f.country.tp, f.country.fp, f.country.fn_), (2, 0, 1));
    // a1 predicts 32 (from regency 32.05) and 31 (the dateline): one extra province.
    assert_eq!((f.province.tp, f.province.fp, f.province.fn_), (2, 1, 1));
    assert_eq!((f.regency.tp, f.regency.fp, f.regency.fn_), (2, 0, 1));
    // a1: confirmed 14 ~ cases 14 hit, deaths 2 vs 3 miss; a2: pig deaths 468.0 ~
    // animals_dead 468 hit; a6: miss. 2 of 4.
    assert_eq!((f.counts_hit, f.counts_total), (2, 4));
    // a1 right (true), a2 wrong (said true), a6 right (no prediction = false). 2 of 3.
    assert_eq!((f.klb_right, f.klb_total), (2, 3));
}

#[test]
fn news_text_has_score_py_layout() {
    let text = news().to_text();
    let lines: Vec<&str> = text.lines().collect();
    // precision 2/3 -> 0.6667; disease P=1, R=2/3, F1 = 2*(2/3)/(5/3) = 0.8.
    assert_eq!(lines[0], format!("{:32} 6", "articles"));
    assert_eq!(
        lines[2],
        format!(
            "{:32} {}",
            "relevance",
            r#"{"precision": 0.6667, "recall": 0.6667, "f1": 0.6667, "tp": 2, "fp": 1, "fn": 1}"#
        )
    );
    assert_eq!(
        lines[3],
        format!(
            "{:32} {}",
            "false_positives_by_gold_label", r#"{"not_outbreak": 1}"#
        )
    );
    assert_eq!(
        lines[4],
        format!(
            "{:32} {}",
            "disease",
            r#"{"precision": 1.0, "recall": 0.6667, "f1": 0.8, "tp": 2, "fp": 0, "fn": 1}"#
        )
    );
    assert_eq!(lines[8], format!("{:32} 0.5", "counts_recall"));
    assert_eq!(lines[9], format!("{:32} \"2/4\"", "counts"));
    assert_eq!(lines[10], format!("{:32} 0.6667", "klb_accuracy"));
    assert_eq!(lines[11], format!("{:32} \"id_news\"", "kind"));
    assert_eq!(lines.len(), 12);
}

#[test]
fn dons_figures_match_hand_computation() {
    let gold = load_gold(fixture("dons_gold.jsonl")).unwrap();
    let preds = load_predictions(fixture("dons_pred.jsonl")).unwrap();
    let figures = score(&gold, &preds);
    let Figures::Dons(f) = &figures else {
        panic!("DON gold scored as news")
    };
    // d1 flagged, d2 not, d3 missing: recall 1/3. Countries: d1 {NGA} ⊆ {NGA} hit; d2 ARE
    // is not primary so {SAU, ARE} ⊄ {SAU}; d3 missing. Diseases: d1 A98 hit, d2 B34 hit.
    assert_eq!((f.articles, f.missing_predictions), (3, 1));
    assert_eq!((f.relevant, f.country_hit, f.disease_hit), (1, 1, 2));
    // Countries tp: NGA, SAU; fn: ARE, IDN. Diseases tp: A98, B34; fp: J11; fn: A00.
    assert_eq!((f.country.tp, f.country.fp, f.country.fn_), (2, 0, 2));
    assert_eq!((f.disease.tp, f.disease.fp, f.disease.fn_), (2, 1, 1));
    assert_eq!(
        figures.to_json_line(),
        concat!(
            r#"{"articles": 3, "missing_predictions": 1, "relevance_recall": 0.3333, "#,
            r#""key_country_accuracy": 0.3333, "key_disease_accuracy": 0.6667, "#,
            r#""country": {"precision": 1.0, "recall": 0.5, "f1": 0.6667, "tp": 2, "fp": 0, "fn": 2}, "#,
            r#""disease": {"precision": 0.6667, "recall": 0.6667, "f1": 0.6667, "tp": 2, "fp": 1, "fn": 1}, "#,
            r#""kind": "dons"}"#
        )
    );
    // The serde form is the same object (compact).
    let v: serde_json::Value = serde_json::to_value(&figures).unwrap();
    assert_eq!(v["key_disease_accuracy"], serde_json::json!(0.6667));
}

#[test]
fn empty_gold_gives_nulls_not_a_crash() {
    let figures = score(&[], &Default::default());
    let text = figures.to_text();
    assert!(
        text.contains(&format!("{:32} null", "counts_recall")),
        "{text}"
    );
    assert!(text.contains(&format!("{:32} \"0/0\"", "counts")), "{text}");
}

#[test]
fn explain_lists_what_went_wrong_per_article() {
    let gold = load_gold(fixture("news_gold.jsonl")).unwrap();
    let preds = load_predictions(fixture("news_pred.jsonl")).unwrap();
    let reports = explain(&gold, &preds);
    // a5 is ambiguous and left out.
    let ids: Vec<&str> = reports.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, ["a1", "a2", "a3", "a4", "a6"]);
    let a1 = &reports[0].problems;
    assert!(a1.contains(&Problem::ExtraPlace {
        level: "province",
        code: "31".into()
    }));
    assert!(a1.contains(&Problem::MissedCount {
        kind: "deaths".into(),
        value: "2".into()
    }));
    assert_eq!(a1.len(), 2, "{a1:?}");
    assert_eq!(
        reports[1].problems,
        [Problem::WrongKlb {
            gold: false,
            predicted: true
        }]
    );
    assert_eq!(
        reports[2].problems,
        [Problem::FalsePositiveRelevance {
            gold_label: "not_outbreak".into()
        }]
    );
    assert!(reports[3].problems.is_empty());
    let a6 = &reports[4].problems;
    assert_eq!(a6[0], Problem::MissingPrediction);
    assert!(a6.contains(&Problem::MissedDisease {
        key: "A36".into(),
        name: Some("Diphtheria".into())
    }));
    assert!(a6.contains(&Problem::MissedPlace {
        level: "regency",
        code: "35.09".into()
    }));
    let text = waspada_eval::render_text(&reports);
    assert!(text.contains("missed disease A36 (Diphtheria)"), "{text}");
    assert!(
        text.ends_with("4 of 5 scored articles have problems (ambiguous gold left out)\n"),
        "{text}"
    );
}
