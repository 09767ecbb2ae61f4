//! Reading gold files and prediction files, with errors that name the file and line.

use serde::Deserialize;
use serde_json::Value;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Why a gold or prediction file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    /// The file could not be opened or read.
    #[error("cannot read {path}: {cause}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error (in the message, so not also a `source()`).
        cause: std::io::Error,
    },
    /// A line is not valid UTF-8.
    #[error("{path}:{line}: not valid UTF-8 text; save the file as UTF-8")]
    NotUtf8 {
        /// The file.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
    },
    /// A line is not JSON.
    #[error("{path}:{line}: not JSON: {cause}")]
    NotJson {
        /// The file.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// The parser's message (in the message, so not also a `source()`).
        cause: serde_json::Error,
    },
    /// A line is JSON but not an object.
    #[error("{path}:{line}: expected one JSON object per line, found {found}")]
    NotObject {
        /// The file.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// What was found instead (array, string, ...).
        found: &'static str,
    },
    /// A gold line lacks a field or has one of the wrong type.
    #[error("{path}:{line}: bad gold record: {message}")]
    BadGold {
        /// The file.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// What is wrong, naming the field.
        message: String,
    },
    /// The gold file mixes Indonesian-news gold and WHO-DON gold.
    #[error(
        "{path}:{line}: this line is {found} gold but the file started with {expected} gold; \
         score each kind from its own file"
    )]
    MixedKinds {
        /// The file.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// Kind of the first article.
        expected: &'static str,
        /// Kind of this line.
        found: &'static str,
    },
}

/// One annotated article of a gold file.
#[derive(Debug, Clone, PartialEq)]
pub struct GoldArticle {
    /// Article id; predictions are matched to it.
    pub id: String,
    /// Headline, shown in error reports.
    pub title: Option<String>,
    /// 1-based line of the gold file, shown in error reports.
    pub line: usize,
    /// The annotation.
    pub gold: Gold,
}

/// The annotation of one article. The two kinds are told apart, as in score.py, by
/// whether the record has a `label`.
#[derive(Debug, Clone, PartialEq)]
pub enum Gold {
    /// Indonesian news: relevance label, diseases, places, counts, KLB.
    IdNews(NewsGold),
    /// WHO Disease Outbreak News: the countries and ICD-10 blocks of the event.
    Dons(DonGold),
}

impl Gold {
    /// `"id_news"` or `"dons"`, the names score.py prints under `kind`.
    pub fn kind(&self) -> &'static str {
        match self {
            Gold::IdNews(_) => "id_news",
            Gold::Dons(_) => "dons",
        }
    }
}

/// Gold of an Indonesian news article.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct NewsGold {
    /// `outbreak_report`, `situation_report` (both positive), `outbreak_related_not_report`,
    /// `not_outbreak`, `hard_negative`, ...
    pub label: String,
    /// Annotators could not agree: left out of every figure.
    #[serde(default)]
    pub ambiguous: bool,
    /// Diseases the article is about.
    #[serde(default)]
    pub diseases: Vec<GoldDisease>,
    /// ISO 3166-1 alpha-3 codes of where the event happens.
    #[serde(default)]
    pub countries: Vec<String>,
    /// Kemendagri province codes ("32").
    #[serde(default)]
    pub provinces: Vec<String>,
    /// Kemendagri regency codes ("32.05").
    #[serde(default)]
    pub regencies: Vec<String>,
    /// Key figures of the report.
    #[serde(default)]
    pub counts: Vec<GoldCount>,
    /// Whether a KLB was declared for the event.
    #[serde(default)]
    pub klb_declared: bool,
    /// Free-text note of the annotator.
    #[serde(default)]
    pub note: Option<String>,
}

/// A disease in the gold, keyed like the prediction: ICD-10 block, else English name.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct GoldDisease {
    /// ICD-10 code; only the first three characters count.
    #[serde(default)]
    pub icd10: Option<String>,
    /// English name, used when there is no ICD-10 code (animal diseases).
    #[serde(default)]
    pub name_en: Option<String>,
    /// Fallback name.
    #[serde(default)]
    pub name: Option<String>,
}

/// A key figure in the gold.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct GoldCount {
    /// cases, confirmed, suspected, probable, deaths, hospitalized, animals_affected, ...
    pub kind: String,
    /// The number as written in the gold (compared like Python compares numbers).
    pub value: Value,
    /// `human`, or the animal in English.
    #[serde(default)]
    pub species: Option<String>,
}

/// Gold of a WHO Disease Outbreak News item.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct DonGold {
    /// ISO 3166-1 alpha-3 codes.
    #[serde(default)]
    pub countries: Vec<String>,
    /// ICD-10 blocks ("A36").
    #[serde(default)]
    pub diseases: Vec<String>,
    /// Names of those diseases, for reports.
    #[serde(default)]
    pub disease_names: Vec<String>,
}

fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Calls `f(line_number, object)` for every non-blank line of a JSON Lines text.
fn for_each_object(
    path: &Path,
    bytes: &[u8],
    mut f: impl FnMut(usize, serde_json::Map<String, Value>) -> Result<(), EvalError>,
) -> Result<(), EvalError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    for (i, raw) in bytes.split(|&b| b == b'\n').enumerate() {
        let line = i + 1;
        let text = std::str::from_utf8(raw).map_err(|_| EvalError::NotUtf8 {
            path: path.to_owned(),
            line,
        })?;
        if text.trim().is_empty() {
            continue;
        }
        let value: Value = serde_json::from_str(text).map_err(|cause| EvalError::NotJson {
            path: path.to_owned(),
            line,
            cause,
        })?;
        match value {
            Value::Object(obj) => f(line, obj)?,
            other => {
                return Err(EvalError::NotObject {
                    path: path.to_owned(),
                    line,
                    found: json_type(&other),
                });
            }
        }
    }
    Ok(())
}

fn read(path: &Path) -> Result<Vec<u8>, EvalError> {
    std::fs::read(path).map_err(|cause| EvalError::Io {
        path: path.to_owned(),
        cause,
    })
}

/// Reads a gold file (JSON Lines: `id`, `title`, ..., `gold`).
pub fn load_gold(path: impl AsRef<Path>) -> Result<Vec<GoldArticle>, EvalError> {
    let path = path.as_ref();
    parse_gold(path, &read(path)?)
}

/// Parses gold JSON Lines already in memory; `path` only names the source in errors.
pub fn parse_gold(path: &Path, bytes: &[u8]) -> Result<Vec<GoldArticle>, EvalError> {
    let mut out: Vec<GoldArticle> = Vec::new();
    for_each_object(path, bytes, |line, mut obj| {
        let bad = |message: String| EvalError::BadGold {
            path: path.to_owned(),
            line,
            message,
        };
        let id = match obj.get("id") {
            Some(Value::String(s)) => s.clone(),
            Some(other) => {
                return Err(bad(format!(
                    "\"id\" must be a string, found {}",
                    json_type(other)
                )));
            }
            None => return Err(bad("no \"id\" field".into())),
        };
        let title = obj.get("title").and_then(Value::as_str).map(str::to_owned);
        let gold_value = match obj.remove("gold") {
            Some(v @ Value::Object(_)) => v,
            Some(other) => {
                return Err(bad(format!(
                    "\"gold\" must be an object, found {}",
                    json_type(&other)
                )));
            }
            None => return Err(bad("no \"gold\" field".into())),
        };
        let is_news = gold_value.get("label").is_some();
        let gold = if is_news {
            Gold::IdNews(serde_json::from_value(gold_value).map_err(|e| bad(format!("gold: {e}")))?)
        } else {
            Gold::Dons(serde_json::from_value(gold_value).map_err(|e| bad(format!("gold: {e}")))?)
        };
        if let Some(first) = out.first()
            && first.gold.kind() != gold.kind()
        {
            return Err(EvalError::MixedKinds {
                path: path.to_owned(),
                line,
                expected: first.gold.kind(),
                found: gold.kind(),
            });
        }
        out.push(GoldArticle {
            id,
            title,
            line,
            gold,
        });
        Ok(())
    })?;
    Ok(out)
}

/// Reads `waspada analyze --json` output: one object per line, keyed by `id` as score.py
/// keys it (`str(obj.get("id"))`, so a missing id becomes `"None"`). A later line with the
/// same id replaces an earlier one.
pub fn load_predictions(path: impl AsRef<Path>) -> Result<HashMap<String, Value>, EvalError> {
    let path = path.as_ref();
    parse_predictions(path, &read(path)?)
}

/// Parses prediction JSON Lines already in memory; `path` only names the source in errors.
pub fn parse_predictions(path: &Path, bytes: &[u8]) -> Result<HashMap<String, Value>, EvalError> {
    let mut preds = HashMap::new();
    for_each_object(path, bytes, |_, obj| {
        let key = py_str(obj.get("id"));
        preds.insert(key, Value::Object(obj));
        Ok(())
    })?;
    Ok(preds)
}

/// Python's `str()` of a JSON value, for ids.
fn py_str(v: Option<&Value>) -> String {
    match v {
        None | Some(Value::Null) => "None".into(),
        Some(Value::String(s)) => s.clone(),
        Some(Value::Bool(b)) => if *b { "True" } else { "False" }.into(),
        Some(Value::Number(n)) => match n.as_f64() {
            Some(f) if !n.is_i64() && !n.is_u64() => crate::pyjson::py_float_repr(f),
            _ => n.to_string(),
        },
        Some(other) => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gold_kinds_are_recognised_and_mixing_is_refused() {
        let p = Path::new("g.jsonl");
        let news = br#"{"id":"a","gold":{"label":"not_outbreak"}}"#;
        let don = br#"{"id":"b","gold":{"countries":["NGA"],"diseases":["A98"]}}"#;
        let g = parse_gold(p, news).unwrap();
        assert!(matches!(g[0].gold, Gold::IdNews(_)));
        let g = parse_gold(p, don).unwrap();
        assert!(matches!(g[0].gold, Gold::Dons(_)));
        let mixed = [&news[..], b"\n\n", &don[..]].concat();
        let err = parse_gold(p, &mixed).unwrap_err().to_string();
        assert!(err.starts_with("g.jsonl:3:"), "{err}");
    }

    #[test]
    fn errors_name_file_and_line() {
        let p = Path::new("pred.jsonl");
        let err = parse_predictions(p, b"{\"id\":\"a\"}\n{oops\n")
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("pred.jsonl:2: not JSON"), "{err}");
        let err = parse_predictions(p, b"[1,2]\n").unwrap_err().to_string();
        assert!(
            err.contains("pred.jsonl:1:") && err.contains("an array"),
            "{err}"
        );
        let err = parse_gold(Path::new("g"), b"{\"id\":3,\"gold\":{}}")
            .unwrap_err()
            .to_string();
        assert!(err.contains("g:1:") && err.contains("\"id\""), "{err}");
        let err = parse_gold(Path::new("g"), b"\xff\xfe")
            .unwrap_err()
            .to_string();
        assert!(err.contains("UTF-8"), "{err}");
    }

    #[test]
    fn prediction_ids_are_keyed_like_python_str() {
        let p = Path::new("p");
        let preds = parse_predictions(p, b"{\"id\":7}\n{\"x\":1}\n{\"id\":\"s\"}\n").unwrap();
        assert!(preds.contains_key("7"));
        assert!(preds.contains_key("None"));
        assert!(preds.contains_key("s"));
    }
}
