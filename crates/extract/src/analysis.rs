//! The `analyze` output: the contract in `shared/design/contracts.md` §1.
//!
//! Field names and meanings here are promises to users and to the scorer. Fields
//! may be added; none may change without a version bump.

use serde::Serialize;

/// A span of `clean_text` that supports an extracted fact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Mention {
    /// Character offset (Unicode scalar values) of the first character.
    pub start: usize,
    /// Character offset after the last character.
    pub end: usize,
    /// The text of the span.
    pub text: String,
}

/// Everything Waspada understood from one article.
#[derive(Debug, Clone, Serialize)]
pub struct Analysis {
    /// Input id, or the file name.
    pub id: String,
    /// ISO 639-1 language (`id`, `en`, `ms`, ...).
    pub language: String,
    /// Title: the input's, or, for an article without one, the headline its URL's last
    /// path segment spells ([`crate::headline_from_url`]). The clean text starts with it.
    pub title: Option<String>,
    /// Publication date `YYYY-MM-DD`, when known.
    pub published: Option<String>,
    /// Is this an outbreak report, and why.
    pub relevance: Relevance,
    /// Diseases mentioned; `primary` marks the ones the article is about.
    pub diseases: Vec<DiseaseFinding>,
    /// Host species mentioned (English ids: `human`, `pig`, `cattle`, ...).
    pub hosts: Vec<HostFinding>,
    /// Places mentioned; `primary` marks where the reported event happens.
    pub locations: Vec<LocationFinding>,
    /// Case, death and animal counts.
    pub counts: Vec<CountFinding>,
    /// Dates, normalised against the publication date.
    pub dates: Vec<DateFinding>,
    /// A KLB (kejadian luar biasa) status was declared for the reported event.
    pub klb_declared: bool,
    /// The sentences that declare (or discuss) a KLB, with how each was read.
    pub klb_evidence: Vec<KlbEvidence>,
    /// The date the reported event happened (the first event date), when found.
    pub event_date: Option<String>,
    /// Version of the analyser that produced this output (for re-analysis).
    pub analyzer_version: &'static str,
    /// The text that mention offsets refer to (only with `--with-text`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub clean_text: Option<String>,
}

/// Relevance verdict.
#[derive(Debug, Clone, Serialize)]
pub struct Relevance {
    /// True for outbreak reports and situation reports.
    pub is_outbreak_report: bool,
    /// `outbreak_report`, `situation_report`, `outbreak_related` or `not_relevant`.
    pub category: &'static str,
    /// 0..1.
    pub score: f64,
    /// Human-readable reasons, strongest first; a leading "but:" marks evidence against.
    pub reasons: Vec<String>,
}

/// A disease found in the article.
#[derive(Debug, Clone, Serialize)]
pub struct DiseaseFinding {
    /// The project's stable identifier.
    pub id: String,
    /// English name.
    pub name_en: String,
    /// Indonesian name.
    pub name_id: String,
    /// 3-character ICD-10 category; null for animal-only diseases.
    pub icd10: Option<String>,
    /// Host species the disease affects.
    pub hosts: Vec<String>,
    /// The article is about this disease, not a passing mention.
    pub primary: bool,
    /// For a syndrome found inside other diseases' written names (viral haemorrhagic
    /// fever in "Ebola haemorrhagic fever"): the ids of those diseases. Outbreak reports
    /// count the specific disease rather than the syndrome beside it. Omitted when empty.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub syndrome_of: Vec<String>,
    /// Where it is mentioned.
    pub mentions: Vec<Mention>,
}

/// A host species found in the article.
#[derive(Debug, Clone, Serialize)]
pub struct HostFinding {
    /// English id (`pig`, `cattle`, `human`).
    pub id: String,
    /// Where it is mentioned.
    pub mentions: Vec<Mention>,
}

/// A place found in the article.
#[derive(Debug, Clone, Serialize)]
pub struct LocationFinding {
    /// Official name (`Kabupaten Garut`, `Jawa Barat`, `Malaysia`).
    pub name: String,
    /// `country`, `province`, `regency`, `city`, `district`.
    pub level: &'static str,
    /// ISO 3166-1 alpha-3.
    pub country: String,
    /// Kemendagri province code (Indonesia only).
    pub province_code: Option<String>,
    /// Kemendagri regency/city code (Indonesia only; for a district, its regency).
    pub regency_code: Option<String>,
    /// Kemendagri district code, for a kecamatan.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub district_code: Option<String>,
    /// Representative latitude.
    pub lat: Option<f64>,
    /// Representative longitude.
    pub lon: Option<f64>,
    /// Where the reported event happens (not where the reporter sits).
    pub primary: bool,
    /// Only named in the dateline (where the reporter files from).
    pub dateline_only: bool,
    /// Where it is mentioned.
    pub mentions: Vec<Mention>,
}

/// A count of cases, deaths or animals.
#[derive(Debug, Clone, Serialize)]
pub struct CountFinding {
    /// `cases`, `confirmed`, `suspected`, `deaths`, `hospitalized`, `recovered`,
    /// `animals_affected`, `animals_dead`.
    pub kind: &'static str,
    /// The number; null for vague amounts (`ratusan`), which are `approximate`.
    pub value: Option<u64>,
    /// The amount is hedged or vague (`lebih dari 100`, `puluhan`).
    pub approximate: bool,
    /// `human`, or the animal in English.
    pub species: String,
    /// The disease the count refers to, when one is named.
    pub disease_id: Option<String>,
    /// The figure is a running total rather than new cases.
    pub cumulative: bool,
    /// The phrase it was read from.
    pub mention: Mention,
}

/// A date found in the article.
#[derive(Debug, Clone, Serialize)]
pub struct DateFinding {
    /// ISO date.
    pub date: String,
    /// `event` when the sentence reports the event, else `mention`.
    pub role: &'static str,
    /// `day`, `week` or `month`.
    pub precision: crate::dates::DatePrecision,
    /// Computed from the publication date (`kemarin`).
    pub relative: bool,
    /// The expression.
    pub mention: Mention,
}

/// One sentence that speaks of a KLB.
#[derive(Debug, Clone, Serialize)]
pub struct KlbEvidence {
    /// `declared`, `not_declared` (negated, proposed or conditional), `mentioned`,
    /// or `other_meaning` (Kongres Luar Biasa).
    pub reading: &'static str,
    /// The KLB phrase.
    pub mention: Mention,
}
