//! Scores `waspada analyze --json` output against gold labels.
//!
//! The figures are the project's yardstick, and the reference implementation is
//! `shared/tools/score.py`. This crate reproduces it **to the byte**: same figures, same
//! rounding (Python's `round(x, 4)`), same keys in the same order, same text layout
//! (`f"{k:32} {json.dumps(v)}"`) and the same `--json` object. That is why predictions are
//! read as loose JSON values (score.py tolerates missing fields and `null`s) and why the
//! output goes through a small Python-compatible JSON printer ([`Json`]) rather than
//! serde_json's compact form.
//!
//! Two kinds of gold exist, told apart by whether the gold record has a `label`:
//! Indonesian news (relevance, diseases, places, counts, KLB) and WHO Disease Outbreak
//! News (key country and key disease). Ambiguous Indonesian articles are left out of every
//! figure.
//!
//! Beyond the figures, [`explain`] lists for each gold article what was missed or wrong,
//! using the very same comparisons, so a developer can go from "regency F1 0.71" to the
//! articles that cost it.
//!
//! ```
//! use std::collections::HashMap;
//! use std::path::Path;
//! let gold = waspada_eval::parse_gold(
//!     Path::new("gold.jsonl"),
//!     br#"{"id":"a","gold":{"label":"outbreak_report","diseases":[{"icd10":"A36"}]}}"#,
//! ).unwrap();
//! let preds = waspada_eval::parse_predictions(
//!     Path::new("pred.jsonl"),
//!     br#"{"id":"a","relevance":{"is_outbreak_report":true},"diseases":[{"icd10":"A36","primary":true}]}"#,
//! ).unwrap();
//! let figures = waspada_eval::score(&gold, &preds);
//! assert!(figures.to_text().contains(r#""f1": 1.0"#));
//! ```

#![deny(missing_docs)]

mod explain;
mod load;
mod pyjson;
mod score;

pub use explain::{ArticleReport, Problem, explain, render_text};
pub use load::{
    DonGold, EvalError, Gold, GoldArticle, GoldCount, GoldDisease, NewsGold, load_gold,
    load_predictions, parse_gold, parse_predictions,
};
pub use pyjson::{Json, py_float_repr, round4};
pub use score::{DonsFigures, Figures, NewsFigures, POSITIVE_LABELS, Prf, score};
