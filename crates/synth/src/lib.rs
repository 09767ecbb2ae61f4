//! Synthetic news articles with known truth, for the analyze benchmark, the demo corpus and
//! tests.
//!
//! Real news is copyrighted and cannot ship with the project, yet benchmarks and demos
//! need thousands of articles that *look* like Indonesian regional news: a dateline
//! ("GARUT, WARTAKITA.id -"), quotes from the head of the health office, numbers written
//! as "1.234" and as "sembilan orang", dates like "Selasa (6/7/2021)", and the boilerplate
//! portals put between paragraphs ("Baca juga: ...", "ADVERTISEMENT", "Simak video ...").
//! This crate writes such articles from templates and slot fillers of our own. Place names
//! and Kemendagri codes are real (they are facts); outlets, people, schools and parties
//! are invented.
//!
//! About half of the articles are outbreak reports (dengue, diarrhoea, school-meal
//! poisoning, diphtheria, measles, rabies, ASF, FMD, avian influenza, leptospirosis,
//! chikungunya, COVID-19), some with a KLB declaration; the rest is noise, including the
//! hard cases: health-policy news that names a disease in passing, a metaphorical "wabah"
//! and the "Kongres Luar Biasa (KLB)" of a party. Each article carries its [`Truth`], so
//! extraction can be measured on synthetic data too.
//!
//! Everything is deterministic: the same seed gives the same articles, byte for byte, on
//! every platform (a SplitMix64 generator of our own, no floating-point formatting).

#![deny(missing_docs)]

mod data;
mod demo;
mod en_ms;
mod id_news;
mod text;

pub use demo::demo_corpus;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

/// One generated article, in the shape `waspada analyze` reads from JSON Lines.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SynthArticle {
    /// Unique id within a corpus.
    pub id: String,
    /// Headline.
    pub title: String,
    /// Body: paragraphs separated by a blank line, boilerplate lines included.
    pub text: String,
    /// Publication date, `YYYY-MM-DD`.
    pub published: String,
    /// An invented URL on the outlet's domain.
    pub url: String,
    /// Outlet name.
    pub source: String,
    /// ISO 639-1 language: `id`, `en` or `ms`.
    pub lang: String,
    /// What the generator put in.
    pub truth: Truth,
}

/// What an article reports, as written into it by the generator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Truth {
    /// An outbreak or situation report (not noise).
    pub is_outbreak: bool,
    /// The disease id for outbreaks, else the noise topic (`politics`, `sport`, `economy`,
    /// `traffic`, `education`, `health_policy`, `metaphor_wabah`, `party_congress`, ...).
    pub topic: String,
    /// Disease id of the outbreak (dengue, diarrhoea, food_poisoning, diphtheria, measles,
    /// rabies, african_swine_fever, foot_and_mouth_disease, avian_influenza, leptospirosis,
    /// chikungunya, covid_19); `None` for noise.
    pub disease: Option<String>,
    /// ISO 3166-1 alpha-3 code of where the story happens.
    pub country: String,
    /// Kemendagri province code, for Indonesian stories.
    pub province_code: Option<String>,
    /// Kemendagri regency code, for Indonesian stories.
    pub regency_code: Option<String>,
    /// The key figures written into the text.
    pub counts: Vec<TruthCount>,
    /// A KLB status was declared for the event.
    pub klb: bool,
    /// Name of the demo scenario the article belongs to, if any.
    pub scenario: Option<String>,
}

/// A key figure of an outbreak article.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TruthCount {
    /// cases, deaths, hospitalized, animals_affected or animals_dead.
    pub kind: String,
    /// The number.
    pub value: u64,
    /// `human`, or the animal in English (pig, cattle, chicken, dog).
    pub species: String,
}

/// Why articles could not be generated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SynthError {
    /// The start date is not `YYYY-MM-DD`.
    BadStartDate(String),
}

impl std::fmt::Display for SynthError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SynthError::BadStartDate(s) => {
                write!(f, "start date {s:?} is not a date in the form YYYY-MM-DD")
            }
        }
    }
}

impl std::error::Error for SynthError {}

/// The disease ids the generator writes outbreaks about.
pub const DISEASES: [&str; 12] = [
    "dengue",
    "diarrhoea",
    "food_poisoning",
    "diphtheria",
    "measles",
    "rabies",
    "african_swine_fever",
    "foot_and_mouth_disease",
    "avian_influenza",
    "leptospirosis",
    "chikungunya",
    "covid_19",
];

/// Generates `n` articles published over `days` days from `start_date` (`YYYY-MM-DD`):
/// about 80% Indonesian, 12% English (ASEAN wire style), 8% Malay; about half of them
/// outbreak reports. Articles come in order of publication date.
///
/// # Panics
/// If `start_date` is not `YYYY-MM-DD`; use [`try_generate`] for dates from users.
pub fn generate(seed: u64, n: usize, start_date: &str, days: u32) -> Vec<SynthArticle> {
    match try_generate(seed, n, start_date, days) {
        Ok(v) => v,
        Err(e) => panic!("waspada_synth::generate: {e}"),
    }
}

/// [`generate`], with an error instead of a panic for a bad start date.
pub fn try_generate(
    seed: u64,
    n: usize,
    start_date: &str,
    days: u32,
) -> Result<Vec<SynthArticle>, SynthError> {
    let start = parse_date(start_date)?;
    let mut rng = Rng::new(seed);
    let days = days.max(1);
    let mut dates: Vec<Date> = (0..n)
        .map(|_| text::add_days(start, rng.below(u64::from(days)) as i64))
        .collect();
    dates.sort();
    let mut out = Vec::with_capacity(n);
    for (i, date) in dates.into_iter().enumerate() {
        let id = format!("synth-{seed:x}-{i:06}");
        out.push(random_article(&mut rng, id, date));
    }
    Ok(out)
}

pub(crate) fn parse_date(s: &str) -> Result<Date, SynthError> {
    s.trim()
        .parse::<Date>()
        .map_err(|_| SynthError::BadStartDate(s.to_owned()))
}

/// One article of the general mix.
pub(crate) fn random_article(rng: &mut Rng, id: String, date: Date) -> SynthArticle {
    mixed_article(rng, id, date, 50, |_, _| {})
}

/// An article of the usual language mix (80% Indonesian, 12% English, 8% Malay) that is an
/// outbreak report with probability `outbreak_pct`%; `adjust` may change an Indonesian
/// report's specification before it is written.
pub(crate) fn mixed_article(
    rng: &mut Rng,
    id: String,
    date: Date,
    outbreak_pct: u64,
    adjust: impl FnOnce(&mut Rng, &mut id_news::OutbreakSpec),
) -> SynthArticle {
    let lang_roll = rng.below(100);
    let outbreak = rng.chance(outbreak_pct);
    if lang_roll < 80 {
        if outbreak {
            let disease = *rng.pick(&DISEASES);
            let mut spec = id_news::OutbreakSpec::random(rng, disease);
            adjust(rng, &mut spec);
            id_news::outbreak(rng, id, date, &spec)
        } else {
            id_news::noise(rng, id, date, None)
        }
    } else if lang_roll < 92 {
        if outbreak {
            en_ms::english_outbreak(rng, id, date)
        } else {
            en_ms::english_noise(rng, id, date)
        }
    } else if outbreak {
        en_ms::malay_outbreak(rng, id, date)
    } else {
        en_ms::malay_noise(rng, id, date)
    }
}

/// SplitMix64: tiny, fast, and the same on every platform, which is all a text generator
/// needs (no cryptographic or statistical guarantees are required).
#[derive(Debug, Clone)]
pub(crate) struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            return 0;
        }
        // Multiply-shift: unbiased enough for text and free of division.
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi.saturating_sub(lo) + 1)
    }

    /// True with probability `percent`/100.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    /// The items in a random order (Fisher-Yates).
    pub fn shuffled<T: Clone>(&mut self, items: &[T]) -> Vec<T> {
        let mut v = items.to_vec();
        for i in (1..v.len()).rev() {
            let j = self.below(i as u64 + 1) as usize;
            v.swap(i, j);
        }
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rng_is_deterministic_and_in_range() {
        let mut a = Rng::new(7);
        let mut b = Rng::new(7);
        for _ in 0..1000 {
            let x = a.below(10);
            assert_eq!(x, b.below(10));
            assert!(x < 10);
        }
        assert_eq!(Rng::new(1).below(0), 0);
    }

    /// Each figure in the truth is written in the text, in digits or in words, so that an
    /// extractor can find it.
    #[test]
    fn truth_figures_appear_in_the_text() {
        for a in generate(11, 600, "2025-01-01", 60) {
            for c in &a.truth.counts {
                let forms = [
                    text::digits(c.value, '.'),
                    text::digits(c.value, ','),
                    text::words_id(c.value),
                    text::words_en(c.value),
                ];
                let found = forms.iter().any(|f| {
                    a.text.match_indices(f.as_str()).any(|(i, _)| {
                        // Whole number only: "12" must not be found inside "1.234".
                        let before = a.text[..i].chars().next_back();
                        let after = a.text[i + f.len()..].chars().next();
                        let digit_like = |ch: Option<char>| {
                            ch.is_some_and(|ch| ch.is_ascii_digit() || ch.is_alphabetic())
                        };
                        !digit_like(before) && !digit_like(after)
                    })
                });
                assert!(
                    found,
                    "{}: {} {} not written in:\n{}",
                    a.id, c.kind, c.value, a.text
                );
            }
        }
    }

    /// The Kemendagri codes and names we use are the official ones.
    #[test]
    fn regency_codes_match_the_official_list() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../shared/data/gazetteer/id_wilayah_kemendagri_2025.csv"
        );
        let Ok(csv) = std::fs::read_to_string(path) else {
            eprintln!("SKIPPED regency_codes_match_the_official_list: {path} not found");
            return;
        };
        for r in data::REGENCIES {
            let line = format!("{},{},kabupaten/kota,", r.code, r.name);
            assert!(
                csv.contains(&line),
                "{} {} not in the Kemendagri list",
                r.code,
                r.name
            );
            for d in r.districts {
                assert!(
                    csv.contains(&format!(",{d},kecamatan,{}", r.code)),
                    "{d} not a district of {}",
                    r.name
                );
            }
        }
        for (code, _) in data::PROVINCES {
            assert!(csv.contains(&format!("\n{code},")), "province {code}");
        }
    }

    #[test]
    fn bad_start_date_is_an_error() {
        let err = try_generate(1, 3, "06/07/2021", 10).unwrap_err();
        assert!(err.to_string().contains("YYYY-MM-DD"));
    }
}
