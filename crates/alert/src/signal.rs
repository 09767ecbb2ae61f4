//! What an alert says about a signal: its severity, whether a subscription wants it, and
//! its facts in the subscriber's language.

use jiff::ToSpan;
use jiff::civil::Date;
use serde::Serialize;
use waspada_kb::KnowledgeBase;
use waspada_store::{AlertCandidate, SignalRow, Subscription};

/// How serious a signal is, for subscriptions' minimum severity and CAP's `<severity>`.
///
/// - **high**: a KLB was declared (`rule-klb-declared`), deaths were reported
///   (`rule-deaths`), or a statistical method counted at least twice its upper bound;
/// - **medium**: any other statistical alarm (EARS, Farrington, ...);
/// - **low**: a disease reported in an area for the first time in a year
///   (`rule-new-area`): worth a look, rarely urgent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// A first report in an area.
    Low,
    /// A statistical alarm.
    Medium,
    /// KLB, deaths, or far above the threshold.
    High,
}

impl Severity {
    /// Reads `low`, `medium` or `high`.
    pub fn parse(s: &str) -> Option<Severity> {
        match s.trim() {
            "low" => Some(Severity::Low),
            "medium" => Some(Severity::Medium),
            "high" => Some(Severity::High),
            _ => None,
        }
    }

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
        }
    }

    /// The grade of a signal (see the type's docs).
    pub fn of(signal: &SignalRow) -> Severity {
        match signal.method.as_str() {
            "rule-klb-declared" | "rule-deaths" => Severity::High,
            "rule-new-area" => Severity::Low,
            _ => match signal.upperbound {
                Some(u) if u > 0.0 && f64::from(signal.observed) >= 2.0 * u => Severity::High,
                _ => Severity::Medium,
            },
        }
    }
}

/// The country (ISO 3166-1 alpha-3) an area belongs to, if known.
pub fn country_of(kb: &KnowledgeBase, level: &str, code: &str) -> Option<String> {
    if level == "country" {
        return Some(code.to_string());
    }
    if let Some(p) = kb.place(code) {
        return Some(p.country.clone());
    }
    // Kemendagri codes are digits and dots: Indonesia even when the KB lacks the code.
    (!code.is_empty() && code.bytes().all(|b| b.is_ascii_digit() || b == b'.'))
        .then(|| "IDN".to_string())
}

/// Whether a subscription's place (country, province or regency code) covers a signal's
/// area: the same code, an area inside it (`32` covers `32.05`; `MYS` covers `MYS:14`),
/// or, for a country, any area of that country.
pub fn place_covers(kb: &KnowledgeBase, sub_code: &str, level: &str, code: &str) -> bool {
    let sub = sub_code.trim();
    if sub.is_empty() || sub == code {
        return true;
    }
    if code.len() > sub.len()
        && code.starts_with(sub)
        && matches!(code.as_bytes()[sub.len()], b'.' | b':')
    {
        return true;
    }
    sub.len() == 3
        && sub.bytes().all(|b| b.is_ascii_uppercase())
        && country_of(kb, level, code).as_deref() == Some(sub)
}

/// Whether `sub` wants an alert for `c`: its diseases, place and minimum severity, and its
/// trigger (`new`: raised after the subscription was made; `escalated`: escalated after
/// it was made, and still escalated).
pub fn wants(kb: &KnowledgeBase, sub: &Subscription, c: &AlertCandidate) -> bool {
    let s = &c.signal;
    if sub.deleted_at.is_some() {
        return false;
    }
    if !sub.diseases.is_empty() && !sub.diseases.contains(&s.disease_id) {
        return false;
    }
    if let Some(place) = &sub.place_code
        && !place_covers(kb, place, &s.area_level, &s.area_code)
    {
        return false;
    }
    if Severity::of(s) < Severity::parse(&sub.min_severity).unwrap_or(Severity::Low) {
        return false;
    }
    match sub.trigger.as_str() {
        "escalated" => {
            s.status == "escalated" && c.escalations.last().is_some_and(|&t| t >= sub.created_at)
        }
        _ => c.detected_at >= sub.created_at,
    }
}

/// A message language: Bahasa Indonesia or English.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub enum Lang {
    /// Bahasa Indonesia (the default).
    #[default]
    #[serde(rename = "id")]
    Id,
    /// English.
    #[serde(rename = "en")]
    En,
}

impl Lang {
    /// `en` is English; anything else Indonesian.
    pub fn parse(code: &str) -> Lang {
        if code.trim().eq_ignore_ascii_case("en") {
            Lang::En
        } else {
            Lang::Id
        }
    }

    /// ISO 639-1.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Id => "id",
            Lang::En => "en",
        }
    }

    /// Picks the Indonesian or English text.
    pub fn pick<'a>(self, id: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Id => id,
            Lang::En => en,
        }
    }
}

/// What a message says about one signal, in one language.
#[derive(Debug, Clone, Serialize)]
pub struct SignalFacts {
    /// Signal id.
    pub id: i64,
    /// Disease id.
    pub disease_id: String,
    /// Disease name in the message's language.
    pub disease: String,
    /// `regency`, `province` or `country`.
    pub area_level: String,
    /// Area code (Kemendagri, or ISO3 for countries).
    pub area_code: String,
    /// Area name.
    pub place: String,
    /// Country (ISO 3166-1 alpha-3), if known.
    pub country: Option<String>,
    /// Latitude of the area's representative point.
    pub lat: Option<f64>,
    /// Longitude of the area's representative point.
    pub lon: Option<f64>,
    /// `weekly` or `daily`.
    pub frequency: String,
    /// First day of the period.
    pub period_start: String,
    /// Last day of the period.
    pub period_end: String,
    /// Detection method or rule.
    pub method: String,
    /// Stories observed.
    pub observed: u32,
    /// Stories expected.
    pub expected: Option<f64>,
    /// Threshold.
    pub upperbound: Option<f64>,
    /// Severity.
    pub severity: Severity,
    /// Triage status.
    pub status: String,
    /// Why, in the message's language.
    pub why: String,
    /// The detector's own explanation (English).
    pub explanation: String,
    /// The signal's page on the dashboard.
    pub link: String,
}

impl SignalFacts {
    /// The facts of `s` in `lang`, linking to `base_url` (the dashboard's address).
    pub fn new(kb: &KnowledgeBase, s: &SignalRow, lang: Lang, base_url: &str) -> SignalFacts {
        let disease = kb.disease(&s.disease_id).map_or_else(
            || s.disease_id.clone(),
            |d| match lang {
                Lang::Id if !d.name_id.is_empty() => d.name_id.clone(),
                _ => d.name_en.clone(),
            },
        );
        let (place, lat, lon) = if s.area_level == "country" {
            kb.country(&s.area_code).map_or_else(
                || (s.area_code.clone(), None, None),
                |c| {
                    let name = match lang {
                        Lang::Id if !c.name_id.is_empty() => c.name_id.clone(),
                        _ => c.name_en.clone(),
                    };
                    (name, c.lat, c.lon)
                },
            )
        } else {
            kb.place(&s.area_code).map_or_else(
                || (s.area_code.clone(), None, None),
                |p| (p.name.clone(), p.lat, p.lon),
            )
        };
        let period_end = s
            .period_start
            .parse::<Date>()
            .ok()
            .and_then(|d| {
                d.checked_add(if s.frequency == "daily" {
                    0.days()
                } else {
                    6.days()
                })
                .ok()
            })
            .map_or_else(|| s.period_start.clone(), |d| d.to_string());
        SignalFacts {
            id: s.id,
            disease_id: s.disease_id.clone(),
            disease,
            area_level: s.area_level.clone(),
            area_code: s.area_code.clone(),
            country: country_of(kb, &s.area_level, &s.area_code),
            place,
            lat,
            lon,
            frequency: s.frequency.clone(),
            period_start: s.period_start.clone(),
            period_end,
            method: s.method.clone(),
            observed: s.observed,
            expected: s.expected,
            upperbound: s.upperbound,
            severity: Severity::of(s),
            status: s.status.clone(),
            why: why(s, lang),
            explanation: s.explanation.clone(),
            link: format!("{}/signals/{}", base_url.trim_end_matches('/'), s.id),
        }
    }

    /// `12 observed, 3.1 expected` in the facts' language.
    pub fn figures(&self, lang: Lang) -> String {
        let expected = self
            .expected
            .map_or_else(|| "–".to_string(), |e| format!("{e:.1}"));
        match lang {
            Lang::Id => format!("{} berita teramati, perkiraan {expected}", self.observed),
            Lang::En => format!("{} stories observed, {expected} expected", self.observed),
        }
    }
}

/// Why a signal was raised, in words an epidemiologist reads at a glance.
fn why(s: &SignalRow, lang: Lang) -> String {
    let num = |v: Option<f64>| v.map_or_else(|| "–".to_string(), |x| format!("{x:.1}"));
    match (s.method.as_str(), lang) {
        ("rule-klb-declared", Lang::Id) => {
            "Berita melaporkan penetapan Kejadian Luar Biasa (KLB).".into()
        }
        ("rule-klb-declared", Lang::En) => {
            "News reports an outbreak (KLB) declared by the authorities.".into()
        }
        ("rule-deaths", Lang::Id) => "Berita melaporkan kematian.".into(),
        ("rule-deaths", Lang::En) => "News reports deaths.".into(),
        ("rule-new-area", Lang::Id) => {
            "Penyakit ini diberitakan di wilayah ini untuk pertama kali dalam setahun.".into()
        }
        ("rule-new-area", Lang::En) => {
            "First report of this disease in this area in a year.".into()
        }
        (m, Lang::Id) => format!(
            "{} berita dalam periode ini, di atas ambang {} metode {m} (perkiraan {}).",
            s.observed,
            num(s.upperbound),
            num(s.expected)
        ),
        (m, Lang::En) => format!(
            "{} stories in the period, above the {m} threshold of {} (expected {}).",
            s.observed,
            num(s.upperbound),
            num(s.expected)
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn signal(method: &str, observed: u32, upper: Option<f64>) -> SignalRow {
        SignalRow {
            id: 7,
            disease_id: "dengue".into(),
            area_level: "regency".into(),
            area_code: "32.05".into(),
            frequency: "weekly".into(),
            period_start: "2024-03-04".into(),
            method: method.into(),
            observed,
            expected: Some(1.0),
            upperbound: upper,
            score: None,
            explanation: "x".into(),
            status: "new".into(),
            event_ids: vec![],
        }
    }

    #[test]
    fn severity_follows_the_documented_grades() {
        assert_eq!(
            Severity::of(&signal("rule-klb-declared", 1, None)),
            Severity::High
        );
        assert_eq!(
            Severity::of(&signal("rule-deaths", 1, None)),
            Severity::High
        );
        assert_eq!(
            Severity::of(&signal("rule-new-area", 1, None)),
            Severity::Low
        );
        assert_eq!(
            Severity::of(&signal("ears-c2", 5, Some(3.0))),
            Severity::Medium
        );
        assert_eq!(
            Severity::of(&signal("ears-c2", 6, Some(3.0))),
            Severity::High
        );
        assert!(Severity::Low < Severity::Medium && Severity::Medium < Severity::High);
    }

    #[test]
    fn a_province_covers_its_regencies_and_a_country_its_areas() {
        let kb = KnowledgeBase::embedded();
        assert!(place_covers(kb, "32", "regency", "32.05"));
        assert!(place_covers(kb, "32.05", "regency", "32.05"));
        assert!(!place_covers(kb, "32", "regency", "33.05"));
        // "3" is not a prefix code of "32.05".
        assert!(!place_covers(kb, "3", "regency", "32.05"));
        assert!(!place_covers(kb, "32.05", "province", "32"));
        assert!(place_covers(kb, "IDN", "regency", "32.05"));
        assert!(place_covers(kb, "IDN", "province", "32"));
        assert!(!place_covers(kb, "MYS", "regency", "32.05"));
        assert!(place_covers(kb, "MYS", "country", "MYS"));
    }

    #[test]
    fn facts_name_the_disease_and_place_and_close_the_week() {
        let kb = KnowledgeBase::embedded();
        let f = SignalFacts::new(
            kb,
            &signal("ears-c2", 5, Some(3.0)),
            Lang::Id,
            "https://w.example/",
        );
        assert_eq!(f.place, "Kabupaten Garut");
        assert_eq!(f.period_end, "2024-03-10");
        assert_eq!(f.link, "https://w.example/signals/7");
        assert!(f.why.contains("ambang"), "{}", f.why);
        let en = SignalFacts::new(kb, &signal("ears-c2", 5, Some(3.0)), Lang::En, "");
        assert!(en.why.contains("threshold"), "{}", en.why);
        assert_ne!(f.disease, "dengue");
    }
}
