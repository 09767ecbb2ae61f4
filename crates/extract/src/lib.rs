//! Understand: reads one article and says what happened where.
//!
//! [`Analyzer::analyze`] turns an [`Article`] into an [`Analysis`] (the contract
//! of `waspada analyze`, `shared/design/contracts.md` §1): diseases with ICD-10
//! codes, host species, places with Kemendagri codes, dates normalised against
//! the publication date, case/death/animal counts, KLB declarations and a
//! relevance verdict with its reasons. Every fact carries the spans of text it
//! was read from, so an analyst can check it.
//!
//! The work is a fixed number of linear passes over the cleaned text: one
//! `aho-corasick` pass for every knowledge-base name ([`gazetteer`]), one for the
//! cue vocabulary ([`cues`]), one for numbers ([`numbers`]), one regex pass each
//! for dates and KLB phrases. The resolution steps then work on the (small) lists
//! of matches. Input is capped at [`MAX_INPUT_BYTES`], so time and memory per
//! article are bounded whatever arrives.

#![deny(missing_docs)]

pub mod analysis;
pub mod counts;
pub mod cues;
pub mod dates;
pub mod diseases;
pub mod gazetteer;
pub mod klb;
pub mod numbers;
pub mod places;
pub mod relevance;

pub use analysis::Analysis;

use analysis::{
    CountFinding, DateFinding, DiseaseFinding, HostFinding, KlbEvidence, LocationFinding, Mention,
};
use cues::{Cue, CueMatch};
use gazetteer::{Entry, Gazetteer, GazetteerMatch};
use numbers::NumberStyle;
use places::Target;
use regex::Regex;
use std::collections::{BTreeMap, HashSet};
use std::ops::Range;
use std::sync::OnceLock;
use waspada_kb::{KnowledgeBase, PlaceLevel};
use waspada_text::{CharIndex, Language, LanguageIdentifier};

/// Version of the analyser; stored with every analysis so that stored articles can
/// be re-analysed after an upgrade. The part after `+` is the analysis revision: it
/// goes up whenever the same text can be read differently (rules or knowledge base),
/// between releases too, so that `waspada reanalyze` knows what to redo.
pub const ANALYZER_VERSION: &str = concat!("waspada-extract/", env!("CARGO_PKG_VERSION"), "+18");

/// Longest body analysed. News articles are a few kilobytes; anything past this is
/// a scraping accident, and cutting it keeps time and memory bounded.
pub const MAX_INPUT_BYTES: usize = 256 * 1024;

/// One article to analyse. Serialisable so it can travel between processes (the
/// scale-out queue) in the same JSON it is read from.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Article {
    /// Caller's identifier.
    #[serde(default)]
    pub id: String,
    /// Headline.
    #[serde(default)]
    pub title: Option<String>,
    /// Body text.
    pub text: String,
    /// Publication date or datetime (ISO 8601).
    #[serde(default)]
    pub published: Option<String>,
    /// Source URL.
    #[serde(default)]
    pub url: Option<String>,
    /// Language hint (ISO 639-1), e.g. from the source's configuration.
    #[serde(default)]
    pub lang: Option<String>,
    /// Source or outlet name.
    #[serde(default)]
    pub source: Option<String>,
}

impl Article {
    /// The title it came with, if that says anything (a blank title is none). Without
    /// one, the analysis reads a headline from the URL ([`headline_from_url`]).
    pub fn given_title(&self) -> Option<&str> {
        self.title.as_deref().filter(|t| !t.trim().is_empty())
    }
}

/// Options for one analysis.
#[derive(Debug, Clone, Default)]
pub struct AnalyzeOptions {
    /// Include `clean_text` in the output.
    pub with_text: bool,
    /// Force a language instead of detecting it.
    pub language: Option<Language>,
    /// Publication date to use when the article has none (`YYYY-MM-DD`).
    pub default_published: Option<String>,
}

/// The analyser: the knowledge base and its compiled automata. Build once, share
/// across threads.
pub struct Analyzer {
    kb: &'static KnowledgeBase,
    gazetteer: Gazetteer,
    host_variants: diseases::HostVariants,
    syndrome_tags: diseases::SyndromeTags,
}

/// The cleaned article and everything found in it, shared by the extraction steps.
pub struct Doc<'a> {
    /// Clean text (title first).
    pub text: &'a str,
    /// End of the title (byte offset); 0 without a title.
    pub title_end: usize,
    /// End of the lead (first two sentences of the body).
    pub lead_end: usize,
    /// Sentence byte ranges, in order.
    pub sentences: Vec<Range<usize>>,
    /// Gazetteer matches, in order.
    pub matches: Vec<GazetteerMatch>,
    /// Cue words, in order.
    pub cues: Vec<CueMatch>,
    /// The dateline's byte range, when the body opens with one.
    pub dateline: Option<Range<usize>>,
    /// Host species ids named in the article.
    pub host_ids: HashSet<String>,
    /// The country an outlet in this language most likely reports from (tie-breaks).
    pub default_country: Option<String>,
    /// Publication date, when known.
    pub published: Option<jiff::civil::Date>,
}

impl Doc<'_> {
    /// Index of the sentence holding byte `at`.
    pub fn sentence_index(&self, at: usize) -> Option<usize> {
        let i = self.sentences.partition_point(|s| s.end <= at);
        self.sentences.get(i).filter(|s| s.start <= at).map(|_| i)
    }

    /// Whether a cue satisfying `pred` lies within `reach` bytes of `span`, in the same sentence.
    pub fn cue_near(&self, span: Range<usize>, reach: usize, pred: impl Fn(Cue) -> bool) -> bool {
        let (lo, hi) = match self.sentence_index(span.start) {
            Some(i) => (self.sentences[i].start, self.sentences[i].end),
            None => (0, self.text.len()),
        };
        let from = span.start.saturating_sub(reach).max(lo);
        let to = (span.end + reach).min(hi);
        let first = self.cues.partition_point(|c| c.end < from);
        self.cues[first..]
            .iter()
            .take_while(|c| c.start <= to)
            .any(|c| c.end >= from && pred(c.cue))
    }

    /// Up to `max` bytes of text before `at`, within the sentence holding it: the window
    /// that phrases like "the disease is not …" or "MSF …" are read in.
    pub fn text_before(&self, at: usize, max: usize) -> &str {
        let lo = self
            .sentence_index(at)
            .map_or(0, |i| self.sentences[i].start);
        let from = ceil_boundary(self.text, at.saturating_sub(max).max(lo));
        &self.text[from..at]
    }

    /// Up to `max` bytes of the sentence holding `at`, from `at` on.
    pub fn text_after(&self, at: usize, max: usize) -> &str {
        let hi = self
            .sentence_index(at.saturating_sub(1))
            .map_or(self.text.len(), |i| self.sentences[i].end)
            .max(at);
        let to = floor_boundary(self.text, (at + max).min(hi));
        &self.text[at..to]
    }

    /// Whether the sentence holding `at` contains a cue satisfying `pred`.
    pub fn sentence_has_cue(&self, at: usize, pred: impl Fn(Cue) -> bool) -> bool {
        let Some(i) = self.sentence_index(at) else {
            return false;
        };
        let s = &self.sentences[i];
        let from = self.cues.partition_point(|c| c.start < s.start);
        self.cues[from..]
            .iter()
            .take_while(|c| c.start < s.end)
            .any(|c| pred(c.cue))
    }
}

impl Analyzer {
    /// The analyser over the embedded knowledge base, built once per process.
    pub fn embedded() -> &'static Analyzer {
        static ANALYZER: OnceLock<Analyzer> = OnceLock::new();
        ANALYZER.get_or_init(|| Analyzer::new(KnowledgeBase::embedded()))
    }

    /// Builds an analyser over a knowledge base.
    pub fn new(kb: &'static KnowledgeBase) -> Self {
        Self {
            kb,
            gazetteer: Gazetteer::new(kb),
            host_variants: diseases::HostVariants::new(kb),
            syndrome_tags: diseases::SyndromeTags::new(kb),
        }
    }

    /// The knowledge base in use.
    pub fn kb(&self) -> &'static KnowledgeBase {
        self.kb
    }

    /// Analyses one article with default options.
    pub fn analyze(&self, article: &Article) -> Analysis {
        self.analyze_with(article, &AnalyzeOptions::default())
    }

    /// Analyses one article.
    pub fn analyze_with(&self, article: &Article, options: &AnalyzeOptions) -> Analysis {
        let kb = self.kb;
        let body = truncate(&article.text, MAX_INPUT_BYTES);
        let given = article.given_title().map(|t| truncate(t, 4096));
        let url_headline = match given {
            Some(_) => None,
            None => article.url.as_deref().and_then(headline_from_url),
        };
        let title = given.or(url_headline.as_deref());
        let clean = waspada_text::clean_article(title, body);
        let text = clean.text.as_str();

        let hint = article.lang.as_deref().and_then(Language::from_code);
        let language = options
            .language
            .unwrap_or_else(|| LanguageIdentifier::global().detect_with_hint(text, hint));
        let published_str = article
            .published
            .as_deref()
            .or(options.default_published.as_deref());
        let published = published_str.and_then(dates::parse_published);

        let sentences = waspada_text::sentences(text);
        let title_end = clean.title_end;
        let lead_end = sentences
            .iter()
            .filter(|s| s.start >= title_end)
            .nth(1)
            .map_or(text.len(), |s| s.end);
        let matches = self.gazetteer.find(text);
        let cue_matches = cues::find_cues(text);
        let dateline = find_dateline(text, title_end);
        let mut host_ids = HashSet::new();
        let mut host_spans = Vec::new();
        for m in &matches {
            for e in &m.entries {
                if let Entry::Host { host } = *e {
                    let id = kb.hosts[host as usize].id.clone();
                    host_spans.push(counts::HostSpan {
                        span: m.start..m.end,
                        host: id.clone(),
                    });
                    host_ids.insert(id);
                }
            }
        }
        let default_country = match language {
            Language::Indonesian => Some("IDN".to_string()),
            Language::Malay => Some("MYS".to_string()),
            _ => None,
        };
        let doc = Doc {
            text,
            title_end,
            lead_end,
            sentences,
            matches,
            cues: cue_matches,
            dateline,
            host_ids,
            default_country,
            published,
        };
        let chars = CharIndex::new(text);
        let mention = |r: &Range<usize>| Mention {
            start: chars.char_offset(r.start),
            end: chars.char_offset(r.end),
            text: text[r.clone()].to_string(),
        };

        // Counts first: whether only animals are affected decides between a
        // disease's human and animal entries.
        let style = match language {
            Language::Indonesian => NumberStyle::Indonesian,
            _ => NumberStyle::English,
        };
        let numbers = numbers::find_numbers(text, style);
        let disease_spans: Vec<Range<usize>> = doc
            .matches
            .iter()
            .filter(|m| m.entries.iter().any(|e| matches!(e, Entry::Disease { .. })))
            .map(|m| m.start..m.end)
            .collect();
        let raw_counts = counts::find_counts(
            text,
            &doc.sentences,
            &numbers,
            &doc.cues,
            &host_spans,
            &disease_spans,
        );
        let human_counted = raw_counts.iter().any(|c| c.species == "human");
        let animal_counted = raw_counts.iter().any(|c| c.species != "human");
        let animal_hosts = doc.host_ids.iter().any(|h| h != "human");
        let animals_only =
            !human_counted && !names_human_infection(text) && (animal_counted || animal_hosts);

        let mut disease_ev = diseases::collect(&doc, kb, &self.syndrome_tags);
        self.host_variants.resolve(&mut disease_ev, animals_only);
        let disease_ev = merge_diseases(disease_ev);
        let primary_disease = disease_ev
            .iter()
            .filter(|d| d.primary)
            .max_by(|a, b| a.score.total_cmp(&b.score));

        let place_ev = places::collect(&doc, kb);
        let klb_findings = klb::find_klb(text, &doc.sentences);
        let klb_declared = klb::declared(&klb_findings);

        // Dates: "event" when the sentence speaks of the event.
        let date_mentions = dates::find_dates(text, published);
        let disease_sentences: HashSet<usize> = disease_ev
            .iter()
            .flat_map(|d| d.spans.iter())
            .filter_map(|s| doc.sentence_index(s.start))
            .collect();
        let date_findings: Vec<DateFinding> = date_mentions
            .iter()
            .map(|d| {
                let si = doc.sentence_index(d.start);
                let eventful = si.is_some_and(|i| disease_sentences.contains(&i))
                    || doc.sentence_has_cue(d.start, |c| {
                        matches!(
                            c,
                            Cue::Ill
                                | Cue::Death
                                | Cue::AnimalDeath
                                | Cue::Hospitalized
                                | Cue::Confirmed
                                | Cue::Outbreak
                        )
                    });
                DateFinding {
                    date: d.date.to_string(),
                    role: if eventful { "event" } else { "mention" },
                    precision: d.precision,
                    relative: d.relative,
                    mention: mention(&(d.start..d.end)),
                }
            })
            .collect();
        let event_date = date_findings
            .iter()
            .filter(|d| d.role == "event" && published.is_none_or(|p| d.date <= p.to_string()))
            .map(|d| d.date.clone())
            .next();

        // Relevance.
        let count_of = |pred: &dyn Fn(&counts::RawCount) -> bool| {
            raw_counts.iter().filter(|c| pred(c)).count()
        };
        // A hedged round number ("sekitar 1.000 orang") usually gives the scale of
        // something else; a hedged exact one ("sedikitnya 45 warga") is a tally, and a
        // vague one ("ratusan siswa keracunan") is a classic early report.
        let figure_counts = |c: &counts::RawCount| {
            !(c.approximate && c.value.is_some_and(|v| v % 10 == 0) && !c.affected_unit)
                && (c.affected_unit
                    || c.kind != "cases"
                    || doc
                        .sentence_index(c.at)
                        .is_some_and(|i| disease_sentences.contains(&i))
                    || doc.sentence_has_cue(c.at, |q| matches!(q, Cue::Ill | Cue::Outbreak)))
        };
        let cue_count = |cue: Cue| doc.cues.iter().filter(|c| c.cue == cue).count();
        let sentences_with_disease = disease_ev
            .iter()
            .filter(|d| d.strong)
            .flat_map(|d| d.spans.iter())
            .filter_map(|s| doc.sentence_index(s.start))
            .collect::<HashSet<_>>()
            .len();
        let evidence = relevance::Evidence {
            primary_disease: primary_disease.is_some_and(|d| d.strong),
            disease_in_title: primary_disease.is_some_and(|d| d.in_title),
            any_disease: !disease_ev.is_empty(),
            // Figures count when exact and stated in a sentence that names a disease or
            // illness: "178 orang terkonfirmasi positif Covid-19", not "238 jemaah dirawat"
            // for heatstroke three paragraphs later.
            human_cases: count_of(&|c| {
                c.species == "human"
                    && c.kind != "deaths"
                    && c.kind != "recovered"
                    && figure_counts(c)
            }),
            human_deaths: count_of(&|c| {
                c.species == "human" && c.kind == "deaths" && figure_counts(c)
            }),
            animal_counts: count_of(&|c| c.species != "human" && figure_counts(c)),
            count_in_title: raw_counts.iter().any(|c| c.at < title_end),
            klb_declared,
            // "KLB" read as Kongres Luar Biasa is not outbreak vocabulary.
            outbreak_words: cue_count(Cue::Outbreak).saturating_sub(
                klb_findings
                    .iter()
                    .filter(|k| k.reading == klb::KlbReading::OtherMeaning)
                    .count(),
            ),
            illness_words: cue_count(Cue::Ill),
            situation_words: cue_count(Cue::Situation),
            denials: cue_count(Cue::Denial),
            advice_words: cue_count(Cue::Advice),
            off_topic_words: cue_count(Cue::OffTopic),
            pandemic_era: cue_count(Cue::PandemicEra),
            authority: cue_count(Cue::Authority) > 0,
            primary_place: place_ev.iter().any(|p| p.primary && !p.dateline_only),
            disease_density: sentences_with_disease as f64 / doc.sentences.len().max(1) as f64,
            length: text.len(),
            advice_title: title.is_some_and(is_advice_title),
            denial_in_title: doc
                .cues
                .iter()
                .any(|c| c.cue == Cue::Denial && c.start < title_end),
        };
        let relevance = relevance::score(&evidence);

        // An article that names diseases but none often enough to be its subject is
        // still about the best-evidenced one (a short wire note naming "Nipah virus"
        // once). An outbreak report that names its disease only by the pathogen
        // ("legionella bacteria in the cooling towers") is about that pathogen's
        // disease. Relevance above was scored without this, on the strict reading.
        let fallback_primary = if disease_ev.iter().any(|d| d.primary) {
            None
        } else {
            disease_ev
                .iter()
                .enumerate()
                .filter(|(_, d)| !d.ruled_out && (d.strong || relevance.is_outbreak_report))
                // Full names first; on equal evidence, the disease named first.
                .max_by(|a, b| {
                    (a.1.strong.cmp(&b.1.strong))
                        .then_with(|| a.1.score.total_cmp(&b.1.score))
                        .then_with(|| b.1.spans[0].start.cmp(&a.1.spans[0].start))
                })
                .map(|(i, _)| i)
        };

        // Output.
        let diseases_out: Vec<DiseaseFinding> = disease_ev
            .iter()
            .enumerate()
            .map(|(i, d)| {
                let info = &kb.diseases[d.disease];
                DiseaseFinding {
                    id: info.id.clone(),
                    name_en: info.name_en.clone(),
                    name_id: info.name_id.clone(),
                    icd10: info.icd10.clone(),
                    hosts: info.hosts.clone(),
                    primary: d.primary || fallback_primary == Some(i),
                    syndrome_of: d
                        .named_within
                        .iter()
                        .map(|&w| kb.diseases[w].id.clone())
                        .collect(),
                    mentions: d.spans.iter().map(&mention).collect(),
                }
            })
            .collect();
        let mut hosts_out: BTreeMap<String, Vec<Mention>> = BTreeMap::new();
        for h in &host_spans {
            hosts_out
                .entry(h.host.clone())
                .or_default()
                .push(mention(&h.span));
        }
        let locations = place_ev
            .iter()
            .map(|p| self.location(p, &mention))
            .collect();
        let primary_disease_id = primary_disease.map(|d| kb.diseases[d.disease].id.clone());
        let counts_out = raw_counts
            .iter()
            .map(|c| {
                // The nearest disease named in the same sentence, else the article's subject.
                let si = doc.sentence_index(c.at);
                let near = disease_ev
                    .iter()
                    .flat_map(|d| d.spans.iter().map(move |s| (d, s)))
                    .filter(|(_, s)| doc.sentence_index(s.start) == si)
                    .min_by_key(|(_, s)| s.start.abs_diff(c.at))
                    .map(|(d, _)| kb.diseases[d.disease].id.clone());
                CountFinding {
                    kind: c.kind,
                    value: c.value,
                    approximate: c.approximate,
                    species: c.species.clone(),
                    disease_id: near.or_else(|| primary_disease_id.clone()),
                    cumulative: c.cumulative,
                    mention: mention(&c.span),
                }
            })
            .collect();
        let klb_evidence = klb_findings
            .iter()
            .map(|f| KlbEvidence {
                reading: f.reading.as_str(),
                mention: mention(&f.span),
            })
            .collect();

        Analysis {
            id: article.id.clone(),
            language: language.code().to_string(),
            title: title.map(str::to_string),
            published: published.map(|d| d.to_string()),
            relevance,
            diseases: diseases_out,
            hosts: hosts_out
                .into_iter()
                .map(|(id, mentions)| HostFinding { id, mentions })
                .collect(),
            locations,
            counts: counts_out,
            dates: date_findings,
            klb_declared,
            klb_evidence,
            event_date,
            analyzer_version: ANALYZER_VERSION,
            clean_text: options.with_text.then(|| clean.text.clone()),
        }
    }

    fn location(
        &self,
        p: &places::PlaceEvidence,
        mention: &dyn Fn(&Range<usize>) -> Mention,
    ) -> LocationFinding {
        let kb = self.kb;
        let mentions = p.spans.iter().map(mention).collect();
        match p.target {
            Target::Country(c) => {
                let c = &kb.countries[c];
                LocationFinding {
                    name: c.name_en.clone(),
                    level: "country",
                    country: c.iso3.clone(),
                    province_code: None,
                    regency_code: None,
                    district_code: None,
                    lat: c.lat,
                    lon: c.lon,
                    primary: p.primary,
                    dateline_only: p.dateline_only,
                    mentions,
                }
            }
            Target::Place(i) => {
                let place = &kb.places[i];
                let indonesian = place.country == "IDN";
                let (province_code, regency_code) = if indonesian {
                    let mut parts = place.code.split('.');
                    let prov = parts.next().map(str::to_string);
                    let reg = parts
                        .next()
                        .map(|r| format!("{}.{}", prov.as_deref().unwrap_or(""), r));
                    (prov, reg)
                } else {
                    (None, None)
                };
                LocationFinding {
                    name: place.name.clone(),
                    level: match place.level {
                        PlaceLevel::Province => "province",
                        PlaceLevel::Regency => "regency",
                        PlaceLevel::City => "city",
                        PlaceLevel::District => "district",
                    },
                    country: place.country.clone(),
                    province_code,
                    regency_code,
                    district_code: (indonesian && place.level == PlaceLevel::District)
                        .then(|| place.code.clone()),
                    lat: place.lat,
                    lon: place.lon,
                    primary: p.primary,
                    dateline_only: p.dateline_only,
                    mentions,
                }
            }
        }
    }
}

/// Headlines that advise, warn, explain or quote an expert rather than report:
/// "Waspada Covid-19, Jemaah Diimbau ...", "Pakar: ...", "Cara Mencegah DBD",
/// "Apa Itu Mpox?", "5 Gejala ...".
fn is_advice_title(title: &str) -> bool {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"(?i)(?-u:\b)(?:waspada|waspadai|diimbau|imbau|imbauan|tips|cara|cegah|mencegah|pencegahan|kenali|apa\s+itu|mengapa|kenapa|benarkah|pakar|ahli|dokter|gejala|penyebab|mitos|fakta|how\s+to|what\s+is|why|tips|advice|expert)(?-u:\b)|\?\s*$")
            .expect("advice title pattern is valid")
    })
    .is_match(title)
}

/// The article says people were infected: "human case", "pada manusia", "menular ke manusia".
fn names_human_infection(text: &str) -> bool {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"(?i)(?-u:\b)human\s+(?:case|cases|infection|infections)(?-u:\b)|(?-u:\b)(?:pada|ke|kepada|menulari|menjangkiti)\s+manusia(?-u:\b)|(?-u:\b)kasus\s+manusia(?-u:\b)|(?-u:\b)pasien(?-u:\b)|(?-u:\b)patients?(?-u:\b)|(?-u:\b)year-old(?-u:\b)|(?-u:\b)berusia(?-u:\b)|(?-u:\b)(?:man|woman|boy|girl|bocah|balita)(?-u:\b)")
            .expect("human infection pattern is valid")
    })
    .is_match(text)
}

/// Merges evidence that resolved to the same disease (after host variants).
fn merge_diseases(list: Vec<diseases::DiseaseEvidence>) -> Vec<diseases::DiseaseEvidence> {
    let mut out: Vec<diseases::DiseaseEvidence> = Vec::new();
    for d in list {
        match out.iter_mut().find(|o| o.disease == d.disease) {
            Some(o) => {
                o.spans.extend(d.spans);
                o.spans.sort_by_key(|s| s.start);
                o.score += d.score;
                o.strong |= d.strong;
                o.in_title |= d.in_title;
                o.primary |= d.primary;
                o.ruled_out |= d.ruled_out;
                for w in d.named_within {
                    if !o.named_within.contains(&w) {
                        o.named_within.push(w);
                    }
                }
            }
            None => out.push(d),
        }
    }
    out
}

/// Conjunctions (and `;`) that start the next clause: "menetapkan KLB polio dan akan
/// menggelar imunisasi", "57 children, and a vaccination campaign targeting …".
pub(crate) fn clause_joins() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"(?i)(?-u:\b)(?:dan|serta|lalu|kemudian|sehingga|namun|tetapi|and|then|but|while)(?-u:\b)|;")
            .expect("clause pattern is valid")
    })
}

/// A headline made of the words of a URL's last path segment, for an article that comes
/// without a title: news sites write the headline into the address
/// ("/d-7076140/kasus-dbd-melonjak-di-bogor", "/2014_06_18_ebola-en"). Numbers, ids, file
/// extensions and language tags are dropped; an address with no words left
/// ("/item/2025-DON550", "?id=12"), or only a section name ("/article"), gives none.
/// At most 24 words are kept: a headline, not a paragraph.
pub fn headline_from_url(url: &str) -> Option<String> {
    let path = url.split(['?', '#']).next().unwrap_or("");
    // Without a scheme, the address still starts with its host.
    let rest = path.split_once("://").map_or(path, |(_, rest)| rest);
    let path = rest.split_once('/').map_or("", |(_, p)| p);
    let segment = path.rsplit('/').find(|s| !s.is_empty())?;
    let segment = segment
        .strip_suffix(".html")
        .or_else(|| segment.strip_suffix(".htm"))
        .or_else(|| segment.strip_suffix(".php"))
        .unwrap_or(segment);
    const NOT_HEADLINE: &[&str] = &["en", "id", "ms", "amp", "index", "html", "print"];
    let words: Vec<&str> = segment
        .split(['-', '_', '+', '.'])
        .filter(|w| {
            !w.is_empty()
                && w.chars().all(char::is_alphabetic)
                && !NOT_HEADLINE.contains(&w.to_ascii_lowercase().as_str())
        })
        .take(24)
        .collect();
    // A lone word is a section ("/article", "/berita") unless a date or an id stands
    // beside it in the same segment ("2014_06_18_ebola").
    let dated = segment.chars().any(|c| c.is_ascii_digit());
    if words.is_empty()
        || words.iter().all(|w| w.chars().count() < 3)
        || (words.len() < 2 && !dated)
    {
        return None;
    }
    // Written as a headline is: names capitalised (the gazetteer wants "Garut", not
    // "garut"), the small words not.
    const SMALL: &[&str] = &[
        "di", "ke", "dari", "dan", "yang", "untuk", "pada", "of", "in", "the", "and", "at", "on",
        "for", "to", "a",
    ];
    let headline: Vec<String> = words
        .iter()
        .enumerate()
        .map(|(i, w)| {
            // An abbreviation the address keeps in capitals stays so ("kasus-DBD-naik").
            if w.chars().count() > 1 && w.chars().all(char::is_uppercase) {
                return w.to_string();
            }
            let w = w.to_lowercase();
            if i > 0 && SMALL.contains(&w.as_str()) {
                return w;
            }
            let mut chars = w.chars();
            chars
                .next()
                .map(|c| c.to_uppercase().chain(chars).collect())
                .unwrap_or_default()
        })
        .collect();
    Some(headline.join(" "))
}

/// Cuts `s` to at most `max` bytes, on a character boundary.
fn truncate(s: &str, max: usize) -> &str {
    &s[..floor_boundary(s, max)]
}

/// The character boundary at or before byte `at` (at most the text's length). Windows
/// measured in bytes start and end on one.
pub(crate) fn floor_boundary(text: &str, at: usize) -> usize {
    let mut i = at.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The character boundary at or after byte `at` (at most the text's length).
pub(crate) fn ceil_boundary(text: &str, at: usize) -> usize {
    let mut i = at.min(text.len());
    while !text.is_char_boundary(i) {
        i += 1;
    }
    i
}

/// The dateline at the start of the body: "GARUT, KOMPAS.com -", "JAKARTA -",
/// "REPUBLIKA.CO.ID, BANDUNG--", "Jakarta (ANTARA) -", "KUALA LUMPUR:".
fn find_dateline(text: &str, body_start: usize) -> Option<Range<usize>> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        let outlet = r"[A-Za-z][\w-]*(?:\.[A-Za-z]+)+";
        let dash = r"\s*(?:--?|–|—|:)";
        Regex::new(&format!(
            r"^\s*(?:{outlet}\s*,\s*)?[A-Z][A-Z.'’ ]{{1,30}}?(?:\s*,\s*{outlet})?(?:\s*\([^)\n]{{2,30}}\))?{dash}|^\s*[A-Z][a-z]+(?: [A-Z][a-z]+)?\s*(?:,\s*{outlet}|\((?:ANTARA|Antara|AFP|Reuters|AP|Bernama|ANTARA News)\)){dash}"
        ))
        .expect("dateline pattern is valid")
    });
    let body = text.get(body_start..)?;
    let m = re.find(truncate(body, 120))?;
    Some(body_start + m.start()..body_start + m.end())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn datelines() {
        let t = "Judul\n\nGARUT, KOMPAS.com - Sebanyak 10 warga";
        let d = find_dateline(t, 7).unwrap();
        assert!(t[d].contains("GARUT"));
        let t = "REPUBLIKA.CO.ID, BANDUNG--Pemerintah";
        assert!(t[find_dateline(t, 0).unwrap()].contains("BANDUNG"));
        let t = "Jakarta (ANTARA) - Kementerian";
        assert!(find_dateline(t, 0).is_some());
        let t = "Warga desa itu - kata dia - sakit";
        assert!(find_dateline(t, 0).is_none());
    }

    #[test]
    fn headlines_come_from_the_last_path_segment_of_a_url() {
        let cases = [
            (
                "https://health.example.id/berita/d-7076140/wabah-difteri-di-garut",
                Some("Wabah Difteri di Garut"),
            ),
            (
                "https://www.example.org/csr/don/2014_06_18_ebola-en/",
                Some("Ebola"),
            ),
            (
                "http://example.com/read/2024/03/05/kasus-DBD-naik.html?utm=x",
                Some("Kasus DBD Naik"),
            ),
            ("https://www.example.int/news/item/2025-DON550", None),
            ("https://example.com/article?id=12", None),
            ("https://example.com/", None),
            ("example.com", None),
            ("example.com/berita/campak-merebak", Some("Campak Merebak")),
            ("", None),
        ];
        let long = format!("https://example.com/{}", "kata-".repeat(500));
        assert_eq!(
            headline_from_url(&long).map(|h| h.split(' ').count()),
            Some(24)
        );
        for (url, want) in cases {
            assert_eq!(headline_from_url(url).as_deref(), want, "{url}");
        }
    }

    proptest::proptest! {
        #[test]
        fn a_url_headline_is_words_or_nothing(url in "\\PC{0,80}") {
            if let Some(h) = headline_from_url(&url) {
                proptest::prop_assert!(!h.is_empty());
                for w in h.split(' ') {
                    proptest::prop_assert!(!w.is_empty() && w.chars().all(char::is_alphabetic));
                }
            }
        }
    }

    #[test]
    fn truncation_respects_char_boundaries() {
        let s = "aé".repeat(10);
        for max in 0..s.len() {
            assert!(truncate(&s, max).len() <= max);
        }
    }
}
