//! The figures, computed exactly as `shared/tools/score.py` computes them.
//!
//! Predictions stay as `serde_json::Value` because score.py reads them loosely (missing
//! fields, `null`s, integers written as floats); each accessor below mirrors one Python
//! expression and says which.

use crate::load::{DonGold, Gold, GoldArticle, GoldDisease, NewsGold};
use crate::pyjson::{Json, round4};
use serde::{Serialize, Serializer};
use serde_json::Value;
use std::collections::{BTreeSet, HashMap};

/// Gold labels that count as positive for relevance.
pub const POSITIVE_LABELS: [&str; 2] = ["outbreak_report", "situation_report"];

/// Precision, recall and F1 over sets, with the raw counts.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Prf {
    /// True positives.
    pub tp: u64,
    /// False positives.
    pub fp: u64,
    /// False negatives.
    pub fn_: u64,
}

impl Prf {
    /// Adds one article: the gold set against the predicted set.
    pub fn add<T: Ord>(&mut self, gold: &BTreeSet<T>, pred: &BTreeSet<T>) {
        let both = gold.intersection(pred).count() as u64;
        self.tp += both;
        self.fp += pred.len() as u64 - both;
        self.fn_ += gold.len() as u64 - both;
    }

    /// Precision, unrounded (0 when nothing was predicted).
    pub fn precision(&self) -> f64 {
        ratio(self.tp, self.tp + self.fp)
    }

    /// Recall, unrounded (0 when there was nothing to find).
    pub fn recall(&self) -> f64 {
        ratio(self.tp, self.tp + self.fn_)
    }

    /// F1, unrounded.
    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r != 0.0 {
            2.0 * p * r / (p + r)
        } else {
            0.0
        }
    }

    fn to_json(self) -> Json {
        Json::Obj(vec![
            ("precision".into(), Json::Float(round4(self.precision()))),
            ("recall".into(), Json::Float(round4(self.recall()))),
            ("f1".into(), Json::Float(round4(self.f1()))),
            ("tp".into(), Json::Int(self.tp as i64)),
            ("fp".into(), Json::Int(self.fp as i64)),
            ("fn".into(), Json::Int(self.fn_ as i64)),
        ])
    }
}

fn ratio(a: u64, b: u64) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}

fn opt_ratio(a: u64, b: u64) -> Option<f64> {
    (b != 0).then(|| round4(a as f64 / b as f64))
}

/// Figures for Indonesian news gold.
#[derive(Debug, Clone, PartialEq)]
pub struct NewsFigures {
    /// Gold articles, ambiguous ones included.
    pub articles: u64,
    /// Non-ambiguous gold articles with no prediction (scored as empty predictions).
    pub missing_predictions: u64,
    /// Is it an outbreak or situation report?
    pub relevance: Prf,
    /// False positives by their gold label, in order of first appearance.
    pub false_positives_by_gold_label: Vec<(String, u64)>,
    /// Primary diseases of gold-positive articles.
    pub disease: Prf,
    /// Countries of primary locations.
    pub country: Prf,
    /// Provinces of primary locations.
    pub province: Prf,
    /// Regencies of primary locations.
    pub regency: Prf,
    /// Gold counts found with the same value and a compatible kind.
    pub counts_hit: u64,
    /// Gold counts of gold-positive articles.
    pub counts_total: u64,
    /// Gold-positive articles whose KLB flag was right.
    pub klb_right: u64,
    /// Gold-positive articles.
    pub klb_total: u64,
}

/// Figures for WHO Disease Outbreak News gold.
#[derive(Debug, Clone, PartialEq)]
pub struct DonsFigures {
    /// Gold articles.
    pub articles: u64,
    /// Gold articles with no prediction.
    pub missing_predictions: u64,
    /// Articles flagged as outbreak reports (all DONs are).
    pub relevant: u64,
    /// Articles whose gold countries are all among the predicted ones.
    pub country_hit: u64,
    /// Articles whose gold diseases are all among the predicted ones.
    pub disease_hit: u64,
    /// Countries, set-wise.
    pub country: Prf,
    /// Diseases (ICD-10 blocks), set-wise.
    pub disease: Prf,
}

/// What score.py prints, for either kind of gold. Serialises to the object that
/// `score.py --json` prints, keys in the same order.
#[derive(Debug, Clone, PartialEq)]
pub enum Figures {
    /// Indonesian news gold.
    IdNews(NewsFigures),
    /// WHO DON gold.
    Dons(DonsFigures),
}

impl Figures {
    /// The figures as an ordered JSON object, key by key as score.py builds its dict.
    pub fn to_json(&self) -> Json {
        let e = |k: &str, v: Json| (k.to_owned(), v);
        let entries = match self {
            Figures::IdNews(f) => vec![
                e("articles", Json::Int(f.articles as i64)),
                e(
                    "missing_predictions",
                    Json::Int(f.missing_predictions as i64),
                ),
                e("relevance", f.relevance.to_json()),
                e(
                    "false_positives_by_gold_label",
                    Json::Obj(
                        f.false_positives_by_gold_label
                            .iter()
                            .map(|(k, v)| (k.clone(), Json::Int(*v as i64)))
                            .collect(),
                    ),
                ),
                e("disease", f.disease.to_json()),
                e("country", f.country.to_json()),
                e("province", f.province.to_json()),
                e("regency", f.regency.to_json()),
                e(
                    "counts_recall",
                    Json::opt_float(opt_ratio(f.counts_hit, f.counts_total)),
                ),
                e(
                    "counts",
                    Json::Str(format!("{}/{}", f.counts_hit, f.counts_total)),
                ),
                e(
                    "klb_accuracy",
                    Json::opt_float(opt_ratio(f.klb_right, f.klb_total)),
                ),
                e("kind", Json::Str("id_news".into())),
            ],
            Figures::Dons(f) => vec![
                e("articles", Json::Int(f.articles as i64)),
                e(
                    "missing_predictions",
                    Json::Int(f.missing_predictions as i64),
                ),
                e(
                    "relevance_recall",
                    Json::opt_float(opt_ratio(f.relevant, f.articles)),
                ),
                e(
                    "key_country_accuracy",
                    Json::opt_float(opt_ratio(f.country_hit, f.articles)),
                ),
                e(
                    "key_disease_accuracy",
                    Json::opt_float(opt_ratio(f.disease_hit, f.articles)),
                ),
                e("country", f.country.to_json()),
                e("disease", f.disease.to_json()),
                e("kind", Json::Str("dons".into())),
            ],
        };
        Json::Obj(entries)
    }

    /// The text score.py prints without `--json`: one `f"{k:32} {json.dumps(v)}"` line per
    /// figure, each ending in a newline.
    pub fn to_text(&self) -> String {
        let Json::Obj(entries) = self.to_json() else {
            unreachable!("figures are an object")
        };
        let mut out = String::new();
        for (k, v) in entries {
            out.push_str(&format!("{k:32} {}\n", v.dumps()));
        }
        out
    }

    /// The line score.py prints with `--json` (without the trailing newline).
    pub fn to_json_line(&self) -> String {
        self.to_json().dumps()
    }
}

impl Serialize for Figures {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.to_json().serialize(s)
    }
}

/// Scores predictions (keyed by article id) against gold articles.
///
/// The kind of gold is taken from the first article, as score.py does; [`crate::load_gold`]
/// never returns a mix, and articles of the other kind are ignored if a caller builds one.
pub fn score(gold: &[GoldArticle], preds: &HashMap<String, Value>) -> Figures {
    match gold.first().map(|g| &g.gold) {
        Some(Gold::Dons(_)) => Figures::Dons(score_dons(gold, preds)),
        _ => Figures::IdNews(score_news(gold, preds)),
    }
}

fn score_news(golds: &[GoldArticle], preds: &HashMap<String, Value>) -> NewsFigures {
    let mut f = NewsFigures {
        articles: golds.len() as u64,
        missing_predictions: 0,
        relevance: Prf::default(),
        false_positives_by_gold_label: Vec::new(),
        disease: Prf::default(),
        country: Prf::default(),
        province: Prf::default(),
        regency: Prf::default(),
        counts_hit: 0,
        counts_total: 0,
        klb_right: 0,
        klb_total: 0,
    };
    for g in golds {
        let Gold::IdNews(gold) = &g.gold else {
            continue;
        };
        if gold.ambiguous {
            continue;
        }
        let p = match preds.get(&g.id) {
            Some(p) => p,
            None => {
                f.missing_predictions += 1;
                &Value::Null
            }
        };
        let v = NewsVerdict::new(gold, p);
        f.relevance.add(&flag(v.is_pos), &flag(v.said_pos));
        if v.said_pos && !v.is_pos {
            match f
                .false_positives_by_gold_label
                .iter_mut()
                .find(|(l, _)| *l == gold.label)
            {
                Some((_, n)) => *n += 1,
                None => f
                    .false_positives_by_gold_label
                    .push((gold.label.clone(), 1)),
            }
        }
        if !v.is_pos {
            continue;
        }
        f.disease.add(&v.gold_diseases, &v.pred_diseases);
        f.country
            .add(&v.gold_places.countries, &v.pred_places.countries);
        f.province
            .add(&v.gold_places.provinces, &v.pred_places.provinces);
        f.regency
            .add(&v.gold_places.regencies, &v.pred_places.regencies);
        f.counts_total += v.gold_counts.len() as u64;
        f.counts_hit += v
            .gold_counts
            .iter()
            .filter(|c| v.pred_counts.contains(c))
            .count() as u64;
        f.klb_total += 1;
        f.klb_right += u64::from(v.pred_klb == gold.klb_declared);
    }
    f
}

fn score_dons(golds: &[GoldArticle], preds: &HashMap<String, Value>) -> DonsFigures {
    let mut f = DonsFigures {
        articles: 0,
        missing_predictions: 0,
        relevant: 0,
        country_hit: 0,
        disease_hit: 0,
        country: Prf::default(),
        disease: Prf::default(),
    };
    for g in golds {
        let Gold::Dons(gold) = &g.gold else { continue };
        let p = match preds.get(&g.id) {
            Some(p) => p,
            None => {
                f.missing_predictions += 1;
                &Value::Null
            }
        };
        f.articles += 1;
        let v = DonVerdict::new(gold, p);
        f.relevant += u64::from(v.relevant);
        f.country.add(&v.gold_countries, &v.pred_countries);
        f.disease.add(&v.gold_diseases, &v.pred_diseases);
        f.country_hit += u64::from(v.country_hit());
        f.disease_hit += u64::from(v.disease_hit());
    }
    f
}

fn flag(b: bool) -> BTreeSet<&'static str> {
    if b {
        BTreeSet::from(["x"])
    } else {
        BTreeSet::new()
    }
}

/// Everything score.py compares for one Indonesian news article, in comparable form.
/// Shared by [`score`] and the error report so both always agree.
pub(crate) struct NewsVerdict {
    pub is_pos: bool,
    pub said_pos: bool,
    pub gold_diseases: BTreeSet<String>,
    pub pred_diseases: BTreeSet<String>,
    pub gold_places: Places,
    pub pred_places: Places,
    pub gold_counts: Vec<CountKey>,
    pub pred_counts: BTreeSet<CountKey>,
    pub pred_klb: bool,
}

impl NewsVerdict {
    pub fn new(gold: &NewsGold, p: &Value) -> Self {
        NewsVerdict {
            is_pos: POSITIVE_LABELS.contains(&gold.label.as_str()),
            said_pos: said_outbreak(p),
            gold_diseases: gold.diseases.iter().map(gold_disease_key).collect(),
            pred_diseases: pred_disease_keys(p),
            gold_places: Places {
                countries: gold.countries.iter().cloned().collect(),
                provinces: gold.provinces.iter().cloned().collect(),
                regencies: gold.regencies.iter().cloned().collect(),
            },
            pred_places: pred_locations(p),
            gold_counts: gold
                .counts
                .iter()
                .map(|c| CountKey {
                    class: count_class(
                        Some(&Value::String(c.kind.clone())),
                        c.species
                            .as_deref()
                            .map(|s| Value::String(s.into()))
                            .as_ref(),
                    ),
                    value: NumKey::of(Some(&c.value)),
                })
                .collect(),
            pred_counts: pred_counts(p),
            pred_klb: truthy(p.get("klb_declared")),
        }
    }
}

/// Everything score.py compares for one WHO DON.
pub(crate) struct DonVerdict {
    pub relevant: bool,
    pub gold_countries: BTreeSet<String>,
    pub pred_countries: BTreeSet<String>,
    pub gold_diseases: BTreeSet<String>,
    pub pred_diseases: BTreeSet<String>,
}

impl DonVerdict {
    pub fn new(gold: &DonGold, p: &Value) -> Self {
        DonVerdict {
            relevant: said_outbreak(p),
            gold_countries: gold.countries.iter().cloned().collect(),
            pred_countries: pred_locations(p).countries,
            gold_diseases: gold.diseases.iter().cloned().collect(),
            pred_diseases: pred_disease_keys(p),
        }
    }

    /// `bool(gc) and gc <= pc`
    pub fn country_hit(&self) -> bool {
        !self.gold_countries.is_empty() && self.gold_countries.is_subset(&self.pred_countries)
    }

    /// `bool(gd) and gd <= pdis`
    pub fn disease_hit(&self) -> bool {
        !self.gold_diseases.is_empty() && self.gold_diseases.is_subset(&self.pred_diseases)
    }
}

/// Country, province and regency keys of one article.
#[derive(Debug, Default)]
pub(crate) struct Places {
    pub countries: BTreeSet<String>,
    pub provinces: BTreeSet<String>,
    pub regencies: BTreeSet<String>,
}

/// Python truthiness of an optional JSON value (`bool(x)`).
pub(crate) fn truthy(v: Option<&Value>) -> bool {
    match v {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(Value::Number(n)) => n.as_f64().is_some_and(|f| f != 0.0),
        Some(Value::String(s)) => !s.is_empty(),
        Some(Value::Array(a)) => !a.is_empty(),
        Some(Value::Object(o)) => !o.is_empty(),
    }
}

/// A comparable key for a JSON value used as a set member. Strings stay themselves;
/// anything else gets a prefix no real code or name contains, so it never equals a string.
fn key(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => format!("\u{0}{other}"),
    }
}

/// `bool((p.get("relevance") or {}).get("is_outbreak_report"))`
fn said_outbreak(p: &Value) -> bool {
    truthy(p.get("relevance").and_then(|r| r.get("is_outbreak_report")))
}

/// `primary(items)`: the objects of a list whose `primary` is truthy.
pub(crate) fn primary<'a>(p: &'a Value, field: &str) -> impl Iterator<Item = &'a Value> + 'a {
    p.get(field)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|x| x.is_object() && truthy(x.get("primary")))
}

/// Python `str.strip()` whitespace: Unicode White_Space plus the ASCII separators 0x1c-0x1f.
fn py_strip(s: &str) -> &str {
    s.trim_matches(|c: char| c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c))
}

/// `norm_name(s)`: lower-case, runs of anything but a-z0-9 become one space, stripped.
pub(crate) fn norm_name(s: &str) -> String {
    let lower = s.to_lowercase();
    let mut out = String::with_capacity(lower.len());
    let mut in_gap = false;
    for c in lower.chars() {
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            if in_gap {
                out.push(' ');
                in_gap = false;
            }
            out.push(c);
        } else {
            in_gap = true;
        }
    }
    // A leading gap was never pushed and a trailing one is dropped: that is `.strip()`.
    if out.starts_with(' ') {
        out.remove(0);
    }
    out
}

/// `disease_key(d)`: ICD-10 block when set, else `name:` + normalised English name.
fn disease_key(icd10: Option<&str>, name_en: Option<&str>, name: Option<&str>) -> String {
    let code = py_strip(icd10.unwrap_or("")).to_uppercase();
    if !code.is_empty() {
        return code.chars().take(3).collect();
    }
    let n = name_en.filter(|s| !s.is_empty()).or(name).unwrap_or("");
    format!("name:{}", norm_name(n))
}

pub(crate) fn gold_disease_key(d: &GoldDisease) -> String {
    disease_key(d.icd10.as_deref(), d.name_en.as_deref(), d.name.as_deref())
}

pub(crate) fn pred_disease_key(d: &Value) -> String {
    disease_key(
        d.get("icd10").and_then(Value::as_str),
        d.get("name_en").and_then(Value::as_str),
        d.get("name").and_then(Value::as_str),
    )
}

fn pred_disease_keys(p: &Value) -> BTreeSet<String> {
    primary(p, "diseases").map(pred_disease_key).collect()
}

/// `pred_locations(p)`: countries, provinces and regencies of the primary locations; a
/// province (given or taken from the regency code) also adds IDN.
fn pred_locations(p: &Value) -> Places {
    let mut out = Places::default();
    for loc in primary(p, "locations") {
        if let Some(c) = loc.get("country").filter(|c| truthy(Some(c))) {
            out.countries.insert(match c {
                Value::String(s) => s.to_uppercase(),
                other => key(other),
            });
        }
        let reg = loc.get("regency_code").filter(|r| truthy(Some(r)));
        let prov = match loc.get("province_code").filter(|v| truthy(Some(v))) {
            Some(v) => Some(key(v)),
            None => reg.map(|r| match r {
                Value::String(s) => s.split('.').next().unwrap_or("").to_owned(),
                other => key(other),
            }),
        };
        // `if prov:` — an empty prefix (regency code ".01") is falsy.
        if let Some(prov) = prov.filter(|s| !s.is_empty()) {
            out.provinces.insert(prov);
            out.countries.insert("IDN".into());
        }
        if let Some(r) = reg {
            out.regencies.insert(key(r));
        }
    }
    out
}

/// A number compared the way Python compares `int`, `float` and `bool` (`9 == 9.0 == 9`,
/// `True == 1`), other values compared by their JSON text.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum NumKey {
    Null,
    Int(i128),
    Float(u64),
    Str(String),
    Other(String),
}

impl NumKey {
    pub fn of(v: Option<&Value>) -> NumKey {
        match v {
            None | Some(Value::Null) => NumKey::Null,
            Some(Value::Bool(b)) => NumKey::Int(i128::from(*b)),
            Some(Value::Number(n)) => {
                if let Some(i) = n.as_i64() {
                    NumKey::Int(i128::from(i))
                } else if let Some(u) = n.as_u64() {
                    NumKey::Int(i128::from(u))
                } else {
                    let f = n.as_f64().unwrap_or(f64::NAN);
                    if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e30 {
                        NumKey::Int(f as i128)
                    } else {
                        NumKey::Float(f.to_bits())
                    }
                }
            }
            Some(Value::String(s)) => NumKey::Str(s.clone()),
            Some(other) => NumKey::Other(other.to_string()),
        }
    }
}

/// `(count_class(kind, species), value)`
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct CountKey {
    pub class: Option<String>,
    pub value: NumKey,
}

/// `count_class(kind, species)`: kinds that may stand for each other share a class, and a
/// non-human case or death becomes an animal figure.
fn count_class(kind: Option<&Value>, species: Option<&Value>) -> Option<String> {
    let c: Option<String> = match kind {
        None | Some(Value::Null) => None,
        Some(Value::String(k)) => Some(
            match k.as_str() {
                "cases" | "confirmed" => "cases",
                "suspected" | "probable" => "suspected",
                other => other,
            }
            .to_owned(),
        ),
        Some(other) => Some(key(other)),
    };
    let non_human = truthy(species) && species != Some(&Value::String("human".into()));
    if non_human {
        match c.as_deref() {
            Some("cases" | "suspected") => return Some("animals_affected".into()),
            Some("deaths") => return Some("animals_dead".into()),
            _ => {}
        }
    }
    c
}

fn pred_counts(p: &Value) -> BTreeSet<CountKey> {
    p.get("counts")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|c| c.is_object())
        .map(|c| CountKey {
            class: count_class(c.get("kind"), c.get("species")),
            value: NumKey::of(c.get("value")),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn norm_name_matches_python_regex() {
        // re.sub(r"[^a-z0-9]+", " ", s.lower()).strip()
        assert_eq!(
            norm_name("  African Swine-Fever (ASF)! "),
            "african swine fever asf"
        );
        assert_eq!(norm_name("Épidémie"), "pid mie");
        assert_eq!(norm_name("---"), "");
    }

    #[test]
    fn disease_key_prefers_icd_block() {
        assert_eq!(
            disease_key(Some(" a36.1 "), Some("Diphtheria"), None),
            "A36"
        );
        assert_eq!(
            disease_key(Some(""), Some("African swine fever"), None),
            "name:african swine fever"
        );
        assert_eq!(disease_key(None, Some(""), Some("Rabies")), "name:rabies");
    }

    #[test]
    fn animal_cases_and_deaths_become_animal_classes() {
        let pig = json!("pig");
        assert_eq!(
            count_class(Some(&json!("deaths")), Some(&pig)).as_deref(),
            Some("animals_dead")
        );
        assert_eq!(
            count_class(Some(&json!("confirmed")), Some(&pig)).as_deref(),
            Some("animals_affected")
        );
        assert_eq!(
            count_class(Some(&json!("probable")), Some(&json!("human"))).as_deref(),
            Some("suspected")
        );
        assert_eq!(
            count_class(Some(&json!("recovered")), None).as_deref(),
            Some("recovered")
        );
        assert_eq!(count_class(None, None), None);
    }

    #[test]
    fn numbers_compare_like_python() {
        assert_eq!(NumKey::of(Some(&json!(9))), NumKey::of(Some(&json!(9.0))));
        assert_eq!(NumKey::of(Some(&json!(true))), NumKey::of(Some(&json!(1))));
        assert_ne!(NumKey::of(Some(&json!("9"))), NumKey::of(Some(&json!(9))));
        assert_ne!(NumKey::of(Some(&json!(9.5))), NumKey::of(Some(&json!(9))));
    }

    #[test]
    fn province_comes_from_regency_prefix_and_adds_indonesia() {
        let p = json!({"locations": [
            {"primary": true, "regency_code": "32.05"},
            {"primary": true, "country": "mys"},
            {"primary": false, "province_code": "51"}
        ]});
        let pl = pred_locations(&p);
        assert_eq!(pl.provinces, BTreeSet::from(["32".to_string()]));
        assert_eq!(pl.regencies, BTreeSet::from(["32.05".to_string()]));
        assert_eq!(
            pl.countries,
            BTreeSet::from(["IDN".to_string(), "MYS".to_string()])
        );
    }
}
