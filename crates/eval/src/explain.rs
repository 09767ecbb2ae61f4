//! Per-article error report: for each gold article, what the prediction missed or got wrong.
//!
//! The figures say *how much* is wrong; analysts and developers then need to know *which*
//! articles and *what* to look at. The report uses the same comparisons as [`crate::score`],
//! so every problem listed here is one that moved a figure.

use crate::load::{Gold, GoldArticle};
use crate::score::{CountKey, DonVerdict, NewsVerdict, NumKey, pred_disease_key, primary};
use serde::Serialize;
use serde_json::Value;
use std::collections::HashMap;
use std::fmt;

/// One thing the prediction got wrong for one article.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "problem", rename_all = "snake_case")]
pub enum Problem {
    /// No prediction has this article's id.
    MissingPrediction,
    /// Flagged as an outbreak report, but the gold says it is not one.
    FalsePositiveRelevance {
        /// The gold label (not_outbreak, hard_negative, ...).
        gold_label: String,
    },
    /// An outbreak or situation report that was not flagged.
    MissedOutbreakReport {
        /// The gold label.
        gold_label: String,
    },
    /// A primary disease of the gold is not among the predicted primary diseases.
    MissedDisease {
        /// ICD-10 block or `name:...` key.
        key: String,
        /// Human-readable name when the gold has one.
        name: Option<String>,
    },
    /// A predicted primary disease that the gold does not have.
    ExtraDisease {
        /// ICD-10 block or `name:...` key.
        key: String,
        /// The predicted `name_en`, when given.
        name: Option<String>,
    },
    /// A place of the event (country, province or regency) was not predicted.
    MissedPlace {
        /// `country`, `province` or `regency`.
        level: &'static str,
        /// ISO alpha-3 or Kemendagri code.
        code: String,
    },
    /// A predicted primary place that is not where the event happens.
    ExtraPlace {
        /// `country`, `province` or `regency`.
        level: &'static str,
        /// The predicted code.
        code: String,
    },
    /// A key figure of the gold was not found with a compatible kind.
    MissedCount {
        /// Kind class (cases, suspected, deaths, hospitalized, animals_affected, animals_dead).
        kind: String,
        /// The number, as JSON text.
        value: String,
    },
    /// The KLB flag disagrees with the gold.
    WrongKlb {
        /// What the gold says.
        gold: bool,
        /// What was predicted.
        predicted: bool,
    },
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let named = |key: &str, name: &Option<String>| match name {
            Some(n) if !n.is_empty() => format!("{key} ({n})"),
            _ => key.to_owned(),
        };
        match self {
            Problem::MissingPrediction => write!(f, "no prediction for this id (scored as empty)"),
            Problem::FalsePositiveRelevance { gold_label } => {
                write!(
                    f,
                    "false positive: flagged as an outbreak report, gold label is {gold_label}"
                )
            }
            Problem::MissedOutbreakReport { gold_label } => {
                write!(
                    f,
                    "missed: gold label is {gold_label}, not flagged as an outbreak report"
                )
            }
            Problem::MissedDisease { key, name } => {
                write!(f, "missed disease {}", named(key, name))
            }
            Problem::ExtraDisease { key, name } => {
                write!(f, "extra primary disease {}", named(key, name))
            }
            Problem::MissedPlace { level, code } => write!(f, "missed {level} {code}"),
            Problem::ExtraPlace { level, code } => write!(f, "wrong or extra {level} {code}"),
            Problem::MissedCount { kind, value } => write!(f, "missed count {kind} = {value}"),
            Problem::WrongKlb { gold, predicted } => write!(
                f,
                "KLB: gold says {}, predicted {}",
                yes_no(*gold),
                yes_no(*predicted)
            ),
        }
    }
}

fn yes_no(b: bool) -> &'static str {
    if b { "declared" } else { "not declared" }
}

/// The problems found for one gold article.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ArticleReport {
    /// Article id.
    pub id: String,
    /// 1-based line in the gold file.
    pub line: usize,
    /// Headline, when the gold file has one.
    pub title: Option<String>,
    /// Gold label (`null` for WHO DONs).
    pub gold_label: Option<String>,
    /// What went wrong; empty when the article was scored right.
    pub problems: Vec<Problem>,
}

/// Lists, for each gold article that score.py counts, what the prediction missed or got
/// wrong. Ambiguous articles are left out, as they are from the figures.
pub fn explain(gold: &[GoldArticle], preds: &HashMap<String, Value>) -> Vec<ArticleReport> {
    let mut out = Vec::new();
    for g in gold {
        let pred = preds.get(&g.id);
        let p = pred.unwrap_or(&Value::Null);
        let mut problems = Vec::new();
        if pred.is_none() {
            problems.push(Problem::MissingPrediction);
        }
        let gold_label = match &g.gold {
            Gold::IdNews(news) => {
                if news.ambiguous {
                    continue;
                }
                news_problems(&NewsVerdict::new(news, p), news, p, &mut problems);
                Some(news.label.clone())
            }
            Gold::Dons(don) => {
                don_problems(&DonVerdict::new(don, p), don, p, &mut problems);
                None
            }
        };
        out.push(ArticleReport {
            id: g.id.clone(),
            line: g.line,
            title: g.title.clone(),
            gold_label,
            problems,
        });
    }
    out
}

fn news_problems(v: &NewsVerdict, news: &crate::NewsGold, p: &Value, out: &mut Vec<Problem>) {
    let label = news.label.clone();
    match (v.is_pos, v.said_pos) {
        (false, true) => out.push(Problem::FalsePositiveRelevance { gold_label: label }),
        (true, false) => out.push(Problem::MissedOutbreakReport { gold_label: label }),
        _ => {}
    }
    if !v.is_pos {
        return;
    }
    for d in &news.diseases {
        let key = crate::score::gold_disease_key(d);
        if !v.pred_diseases.contains(&key) {
            let name = d.name_en.clone().or_else(|| d.name.clone());
            out.push(Problem::MissedDisease { key, name });
        }
    }
    extra_diseases(&v.gold_diseases, p, out);
    places(&v.gold_places, &v.pred_places, out);
    for c in &v.gold_counts {
        if !v.pred_counts.contains(c) {
            out.push(missed_count(c));
        }
    }
    if v.pred_klb != news.klb_declared {
        out.push(Problem::WrongKlb {
            gold: news.klb_declared,
            predicted: v.pred_klb,
        });
    }
}

fn don_problems(v: &DonVerdict, don: &crate::DonGold, p: &Value, out: &mut Vec<Problem>) {
    if !v.relevant {
        out.push(Problem::MissedOutbreakReport {
            gold_label: "who_don".into(),
        });
    }
    for (i, key) in don.diseases.iter().enumerate() {
        if !v.pred_diseases.contains(key) {
            let name = don.disease_names.get(i).cloned();
            out.push(Problem::MissedDisease {
                key: key.clone(),
                name,
            });
        }
    }
    extra_diseases(&v.gold_diseases, p, out);
    for code in v.gold_countries.difference(&v.pred_countries) {
        out.push(Problem::MissedPlace {
            level: "country",
            code: code.clone(),
        });
    }
    for code in v.pred_countries.difference(&v.gold_countries) {
        out.push(Problem::ExtraPlace {
            level: "country",
            code: code.clone(),
        });
    }
}

fn extra_diseases(gold: &std::collections::BTreeSet<String>, p: &Value, out: &mut Vec<Problem>) {
    let mut seen = std::collections::BTreeSet::new();
    for d in primary(p, "diseases") {
        let key = pred_disease_key(d);
        if !gold.contains(&key) && seen.insert(key.clone()) {
            let name = d.get("name_en").and_then(Value::as_str).map(str::to_owned);
            out.push(Problem::ExtraDisease { key, name });
        }
    }
}

fn places(gold: &crate::score::Places, pred: &crate::score::Places, out: &mut Vec<Problem>) {
    let levels = [
        ("country", &gold.countries, &pred.countries),
        ("province", &gold.provinces, &pred.provinces),
        ("regency", &gold.regencies, &pred.regencies),
    ];
    for (level, g, p) in levels {
        for code in g.difference(p) {
            out.push(Problem::MissedPlace {
                level,
                code: code.clone(),
            });
        }
        for code in p.difference(g) {
            out.push(Problem::ExtraPlace {
                level,
                code: printable(code),
            });
        }
    }
}

/// Keys of non-string JSON values carry a NUL prefix (see `score::key`); drop it for people.
fn printable(code: &str) -> String {
    code.trim_start_matches('\u{0}').to_owned()
}

fn missed_count(c: &CountKey) -> Problem {
    let value = match &c.value {
        NumKey::Null => "null".to_owned(),
        NumKey::Int(i) => i.to_string(),
        NumKey::Float(bits) => crate::pyjson::py_float_repr(f64::from_bits(*bits)),
        NumKey::Str(s) => format!("{s:?}"),
        NumKey::Other(s) => s.clone(),
    };
    Problem::MissedCount {
        kind: c.class.as_deref().map_or("null".into(), printable),
        value,
    }
}

/// Renders the report as text for a terminal: one block per article with problems, then a
/// one-line summary. Articles scored right are not listed.
pub fn render_text(reports: &[ArticleReport]) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    let mut wrong = 0;
    for r in reports.iter().filter(|r| !r.problems.is_empty()) {
        wrong += 1;
        let label = r
            .gold_label
            .as_deref()
            .map(|l| format!(" [{l}]"))
            .unwrap_or_default();
        let _ = writeln!(out, "{} (gold line {}){label}", r.id, r.line);
        if let Some(t) = r.title.as_deref().filter(|t| !t.is_empty()) {
            let _ = writeln!(out, "  {}", shorten(t, 100));
        }
        for p in &r.problems {
            let _ = writeln!(out, "  - {p}");
        }
    }
    let _ = writeln!(
        out,
        "{wrong} of {} scored articles have problems (ambiguous gold left out)",
        reports.len()
    );
    out
}

fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_owned()
    } else {
        let mut t: String = s.chars().take(max).collect();
        t.push('…');
        t
    }
}
