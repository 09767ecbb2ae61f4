//! Where it happened.
//!
//! Candidates come from the gazetteer; this module decides which area each name
//! means and which areas are the event's location:
//! - a bare name shared by a regency and a city ("Bogor") goes to the one the
//!   article also names with its level word, else to the more populous;
//! - a kecamatan counts only when named with its level word or when its regency
//!   is also named, and then resolves up to that regency;
//! - an ambiguous alias ("Batu") needs its level word or a confirming mention of
//!   its province;
//! - the dateline ("JAKARTA -", "REPUBLIKA.CO.ID, BANDUNG--") is where the
//!   reporter sits: it is kept as a location but is primary only when nothing
//!   else locates the event;
//! - primary places are the best-scored regencies/cities (title and lead count
//!   most), their provinces, and the country where they lie.

use crate::Doc;
use crate::gazetteer::Entry;
use regex::Regex;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::ops::Range;
use waspada_kb::{KnowledgeBase, PlaceLevel};

/// A resolved place with its evidence, before output.
#[derive(Debug, Clone)]
pub struct PlaceEvidence {
    /// What it is.
    pub target: Target,
    /// Byte ranges of its mentions.
    pub spans: Vec<Range<usize>>,
    /// Score: title > lead > body; dateline mentions score nothing.
    pub score: f64,
    /// Every mention is inside the dateline.
    pub dateline_only: bool,
    /// Where the event happens.
    pub primary: bool,
    /// Some mention sits in a sentence that reports cases or deaths.
    pub case_context: bool,
}

/// A place in the knowledge base.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Target {
    /// Index into `KnowledgeBase::places`.
    Place(usize),
    /// Index into `KnowledgeBase::countries`.
    Country(usize),
}

struct Candidate {
    span: Range<usize>,
    /// Written as a country would be: "of Chad", "di Yordania", "Jordan's ministry".
    country_context: bool,
    options: Vec<(usize, bool, bool)>, // (place, qualified, ambiguous)
    countries: Vec<(usize, bool, bool)>, // (country, ambiguous, demonym)
}

/// Resolves place names and marks the primary ones.
pub fn collect(doc: &Doc, kb: &KnowledgeBase) -> Vec<PlaceEvidence> {
    let named_in_body = |place: u32| {
        doc.matches.iter().any(|m| {
            m.start >= doc.title_end
                && m.entries
                    .iter()
                    .any(|e| matches!(*e, Entry::Place { place: p, .. } if p == place))
        })
    };
    let mut candidates: Vec<Candidate> = doc
        .matches
        .iter()
        .filter_map(|m| {
            let mut options = Vec::new();
            let mut countries = Vec::new();
            for e in &m.entries {
                match *e {
                    // A word-like name only in a Title-Case headline ("Diare Serang
                    // Warga") waits for the body to name the place.
                    Entry::Place {
                        place,
                        word_like: true,
                        ..
                    } if m.start < doc.title_end && !named_in_body(place) => {}
                    Entry::Place {
                        place,
                        qualified,
                        ambiguous,
                        ..
                    } => options.push((place as usize, qualified, ambiguous)),
                    Entry::Country {
                        country,
                        ambiguous,
                        demonym,
                    } => countries.push((country as usize, ambiguous, demonym)),
                    _ => {}
                }
            }
            let country_context = country_context(doc.text, m.start, m.end);
            (!options.is_empty() || !countries.is_empty()).then_some(Candidate {
                span: m.start..m.end,
                country_context,
                options,
                countries,
            })
        })
        .collect();
    // "Jordan, Qatar, Saudi Arabia and the United Arab Emirates", or a table row
    // "Jordan 20 0 2 0 Kenya": an ambiguous name listed with a country is a country.
    for i in 0..candidates.len() {
        let c = &candidates[i];
        if c.country_context || !c.countries.iter().any(|&(_, ambiguous, _)| ambiguous) {
            continue;
        }
        let is_country = |j: usize| {
            candidates[j]
                .countries
                .iter()
                .any(|&(_, ambiguous, demonym)| !ambiguous && !demonym)
        };
        let gap = |from: usize, to: usize| doc.text.get(from..to).is_some_and(is_list_gap);
        let before = i > 0 && is_country(i - 1) && gap(candidates[i - 1].span.end, c.span.start);
        let after = i + 1 < candidates.len()
            && is_country(i + 1)
            && gap(c.span.end, candidates[i + 1].span.start);
        if before || after {
            candidates[i].country_context = true;
        }
    }

    // Areas the article names unambiguously (with a level word, or with a single
    // non-ambiguous candidate), and their ancestors: the context that resolves the rest.
    let mut named: HashSet<usize> = HashSet::new();
    let named_countries: HashSet<usize> = candidates
        .iter()
        .flat_map(|c| c.countries.iter())
        .filter(|c| !c.1)
        .map(|c| c.0)
        .collect();
    let mut qualified_named: HashSet<usize> = HashSet::new();
    // "Kecamatan Cibeber" names one of two namesakes: it gives no context of its own,
    // and is settled below by the context the rest of the article gives.
    let mut namesakes: Vec<Vec<usize>> = Vec::new();
    for c in &candidates {
        let qualified: Vec<usize> = c.options.iter().filter(|o| o.1).map(|o| o.0).collect();
        let has_namesakes = qualified.len() > 1;
        if has_namesakes {
            namesakes.push(qualified);
        }
        for &(p, qualified, ambiguous) in &c.options {
            if qualified && has_namesakes {
                continue;
            }
            if qualified {
                qualified_named.insert(p);
            }
            if qualified
                || (c.options.len() == 1
                    && !ambiguous
                    && kb.places[p].level != PlaceLevel::District)
            {
                named.insert(p);
            }
        }
    }
    let mut context: HashSet<&str> = HashSet::new();
    for &p in &named {
        let mut cur = Some(&kb.places[p]);
        while let Some(place) = cur {
            context.insert(place.code.as_str());
            cur = place.parent.as_deref().and_then(|c| kb.place(c));
        }
    }
    let in_context = |p: usize| -> bool {
        let place = &kb.places[p];
        place
            .parent
            .as_deref()
            .is_some_and(|parent| context.contains(parent))
    };
    for group in namesakes {
        let settled: Vec<usize> = group.iter().copied().filter(|&p| in_context(p)).collect();
        qualified_named.extend(if settled.is_empty() { group } else { settled });
    }

    let mut evidence: HashMap<Target, PlaceEvidence> = HashMap::new();
    let mut order: Vec<Target> = Vec::new();
    for c in &candidates {
        let chosen = choose(
            kb,
            c,
            &qualified_named,
            &named,
            &named_countries,
            &in_context,
        );
        let Some(target) = chosen else { continue };
        // A district resolves up to its regency for scoring and output.
        let (target, district_span) = match target {
            Target::Place(p) if kb.places[p].level == PlaceLevel::District => {
                match kb.places[p]
                    .parent
                    .as_deref()
                    .and_then(|code| kb.place_position(code))
                {
                    Some(parent) => (Target::Place(parent), true),
                    None => continue,
                }
            }
            t => (t, false),
        };
        let in_dateline = doc
            .dateline
            .as_ref()
            .is_some_and(|d| d.contains(&c.span.start));
        let weight = if in_dateline || names_an_affiliation(doc, c.span.start) {
            0.0
        } else if c.span.start < doc.title_end {
            3.0
        } else if c.span.start < doc.lead_end {
            2.0
        } else {
            1.0
        } * if district_span { 0.8 } else { 1.0 }
            * if c
                .countries
                .iter()
                .any(|x| Target::Country(x.0) == target && x.2)
            {
                0.5
            } else {
                1.0
            };
        let ev = evidence.entry(target).or_insert_with(|| {
            order.push(target);
            PlaceEvidence {
                target,
                spans: Vec::new(),
                score: 0.0,
                dateline_only: true,
                primary: false,
                case_context: false,
            }
        });
        // "Benin: 251 (34); Burkina Faso: 8 252 (722)": a table of figures by place.
        let figures_follow = doc.text[c.span.end..]
            .trim_start_matches([' ', '\t'])
            .strip_prefix(':')
            .is_some_and(|rest| {
                rest.trim_start()
                    .starts_with(|ch: char| ch.is_ascii_digit())
            });
        ev.case_context |=
            !in_dateline && (figures_follow || doc.sentence_has_cue(c.span.start, reports_cases));
        ev.spans.push(c.span.clone());
        ev.score += weight;
        ev.dateline_only &= in_dateline;
    }
    let mut out: Vec<PlaceEvidence> = order
        .into_iter()
        .filter_map(|t| evidence.remove(&t))
        .collect();
    mark_primary(&mut out, kb, doc.default_country.as_deref());
    out
}

fn choose(
    kb: &KnowledgeBase,
    c: &Candidate,
    qualified_named: &HashSet<usize>,
    named: &HashSet<usize>,
    named_countries: &HashSet<usize>,
    in_context: &dyn Fn(usize) -> bool,
) -> Option<Target> {
    // An ambiguous country form ("Jordan") counts only when the article also names the
    // country unambiguously.
    let country = c
        .countries
        .iter()
        .find(|(i, ambiguous, _)| !ambiguous || c.country_context || named_countries.contains(i))
        .map(|c| c.0);
    // A level word decides outright; between namesakes with the same level word
    // ("Kecamatan Cibeber" is in Cianjur and in Cilegon), the one whose regency or
    // province the article names.
    let mut qualified = c.options.iter().filter(|o| o.1).map(|o| o.0);
    if let Some(first) = qualified.next() {
        let best = std::iter::once(first)
            .chain(qualified)
            .find(|&p| in_context(p))
            .unwrap_or(first);
        return Some(Target::Place(best));
    }
    let viable: Vec<usize> = c
        .options
        .iter()
        .filter(|&&(p, _, ambiguous)| {
            let place = &kb.places[p];
            let confirmed = qualified_named.contains(&p) || in_context(p);
            match place.level {
                PlaceLevel::District => confirmed,
                _ if ambiguous => {
                    confirmed
                        || named.contains(&p)
                            && c.options.len() == 1
                            && qualified_named.contains(&p)
                }
                _ => true,
            }
        })
        .map(|o| o.0)
        .collect();
    if viable.is_empty() {
        return country.map(Target::Country);
    }
    // A country name that is also a place name ("Singapura", "Brunei"): the country
    // wins unless the article names the place with its level word.
    if let Some(country) = country
        && !viable.iter().any(|p| qualified_named.contains(p))
    {
        return Some(Target::Country(country));
    }
    let best = viable.iter().copied().max_by_key(|&p| {
        let place = &kb.places[p];
        (
            qualified_named.contains(&p),
            in_context(p),
            level_rank(place.level),
            // A bare "Bandung", "Kupang", "Malang" usually means the city that bears the
            // name; the regency is written "Kabupaten ...".
            place.level == PlaceLevel::City,
            place.population.unwrap_or(0),
        )
    })?;
    Some(Target::Place(best))
}

/// The place names where an organisation or a laboratory sits, not where the event
/// is: "MSF Belgium", "Médecins sans Frontières (Belgium, France and Netherlands)",
/// "the WHO H5 Reference Laboratory in Cairo, Egypt", "CDC, Atlanta, United States".
/// A national laboratory ("the national reference laboratory in Mali") is no
/// affiliation: it works in the country of the event.
fn names_an_affiliation(doc: &Doc, at: usize) -> bool {
    use std::sync::OnceLock;
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(
            r"(?:\b(?:MSF|Médecins\s+[Ss]ans\s+Frontières|Doctors\s+Without\s+Borders)\s*(?:[-–—]\s*)?\(?(?:[\p{L} ]+(?:,|\band\b)\s*)*|(?i:\b(national\s+(?:[\p{L}]+\s+){0,3})?(?:laborator(?:y|ies)|reference\s+cent(?:re|er)|collaborating\s+cent(?:re|er)|institute|institut\s+pasteur)\b)[^.;]{0,40}?\b(?:in|at)\s+(?:\p{Lu}[\p{L}.-]*\s*,\s*)?|\bCDC\s*,\s*(?:\p{Lu}[\p{L}.-]*\s*,\s*)?)$",
        )
        .expect("affiliation pattern is valid")
    });
    let window = doc.text_before(at, 80);
    // Most places have none of the words the pattern needs before them: skip it.
    if !affiliation_words().is_match(window) {
        return false;
    }
    // A national laboratory or institute is in the country of the event.
    re.captures(window).is_some_and(|c| c.get(1).is_none())
}

/// The words that can start an affiliation, to test a window cheaply.
fn affiliation_words() -> &'static aho_corasick::AhoCorasick {
    use std::sync::OnceLock;
    static AC: OnceLock<aho_corasick::AhoCorasick> = OnceLock::new();
    AC.get_or_init(|| {
        aho_corasick::AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build([
                "msf",
                "decins",
                "doctors",
                "laborator",
                "centre",
                "center",
                "institut",
                "cdc",
            ])
            .expect("affiliation words build")
    })
}

/// What stands between two items of a list of places: separators, conjunctions and
/// the figures of a table row (", ", " and the ", " dan ", " 20 0 2 0 ").
fn is_list_gap(gap: &str) -> bool {
    gap.len() <= 40
        && gap
            .split(|c: char| !c.is_alphabetic())
            .filter(|w| !w.is_empty())
            .all(|w| {
                ["and", "dan", "or", "atau", "the", "serta"]
                    .iter()
                    .any(|k| w.eq_ignore_ascii_case(k))
            })
        && gap
            .chars()
            .all(|c| c.is_alphanumeric() || c.is_whitespace() || ",;:&/()-".contains(c))
}

/// The words around a name mark it as a country: a preposition or "ministry of"
/// before it, or a possessive after it.
fn country_context(text: &str, start: usize, end: usize) -> bool {
    const BEFORE: &[&str] = &[
        "of",
        "in",
        "from",
        "to",
        "across",
        "di",
        "ke",
        "dari",
        "negara",
        "republic",
        "republik",
        "asal",
        "wilayah",
        "northern",
        "southern",
        "eastern",
        "western",
        "central",
        "northeastern",
        "northwestern",
        "southeastern",
        "southwestern",
    ];
    let before = text[..start].trim_end();
    let word: String = before
        .chars()
        .rev()
        .take_while(|c| c.is_alphabetic())
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let after = &text[end..];
    // A heading at the start of a line: "Chad: As of 4 March, ...".
    let line_start = text[..start].trim_end_matches([' ', '\t']);
    let heading = after.starts_with(':') && (line_start.is_empty() || line_start.ends_with('\n'));
    BEFORE.iter().any(|w| w.eq_ignore_ascii_case(&word))
        || after.starts_with("'s")
        || after.starts_with("’s")
        || heading
}

/// Territories that health authorities report under their sovereign state (WHO
/// lists French Guiana and Mayotte under France, Hong Kong SAR under China): the
/// sovereign is added next to the territory.
pub const SOVEREIGN_OF: &[(&str, &str)] = &[
    ("HKG", "CHN"),
    ("MAC", "CHN"),
    ("GUF", "FRA"),
    ("MYT", "FRA"),
    ("REU", "FRA"),
    ("GLP", "FRA"),
    ("MTQ", "FRA"),
    ("NCL", "FRA"),
    ("PYF", "FRA"),
    ("MAF", "FRA"),
    ("BLM", "FRA"),
    ("SPM", "FRA"),
    ("WLF", "FRA"),
    ("PRI", "USA"),
    ("GUM", "USA"),
    ("VIR", "USA"),
    ("ASM", "USA"),
    ("MNP", "USA"),
    ("GRL", "DNK"),
    ("FRO", "DNK"),
    ("ABW", "NLD"),
    ("CUW", "NLD"),
    ("SXM", "NLD"),
    ("BES", "NLD"),
    ("BMU", "GBR"),
    ("CYM", "GBR"),
    ("GIB", "GBR"),
    ("VGB", "GBR"),
    ("TCA", "GBR"),
    ("MSR", "GBR"),
    ("AIA", "GBR"),
    ("FLK", "GBR"),
    ("SHN", "GBR"),
    ("PCN", "GBR"),
    ("COK", "NZL"),
    ("NIU", "NZL"),
    ("TKL", "NZL"),
    ("NFK", "AUS"),
    ("CXR", "AUS"),
    ("CCK", "AUS"),
];

fn reports_cases(c: crate::cues::Cue) -> bool {
    use crate::cues::Cue;
    matches!(
        c,
        Cue::Ill | Cue::CaseUnit | Cue::Death | Cue::Confirmed | Cue::Suspected
    )
}

fn level_rank(level: PlaceLevel) -> u8 {
    match level {
        PlaceLevel::Province => 3,
        PlaceLevel::Regency | PlaceLevel::City => 2,
        PlaceLevel::District => 1,
    }
}

/// Country of a target (ISO alpha-3).
pub fn country_of(kb: &KnowledgeBase, t: Target) -> &str {
    match t {
        Target::Place(p) => kb.places[p].country.as_str(),
        Target::Country(c) => kb.countries[c].iso3.as_str(),
    }
}

/// Adds the sovereign state of every primary territory, as a primary country.
fn add_sovereigns(places: &mut Vec<PlaceEvidence>, kb: &KnowledgeBase) {
    let mut added: Vec<PlaceEvidence> = Vec::new();
    let mut promote: Vec<usize> = Vec::new();
    for p in places.iter().filter(|p| p.primary) {
        let code = country_of(kb, p.target);
        let Some((_, sovereign)) = SOVEREIGN_OF.iter().find(|(t, _)| *t == code) else {
            continue;
        };
        let Some(i) = kb.countries.iter().position(|c| c.iso3 == *sovereign) else {
            continue;
        };
        if let Some(existing) = places.iter().position(|q| q.target == Target::Country(i)) {
            promote.push(existing);
        } else if !added.iter().any(|q| q.target == Target::Country(i)) {
            added.push(PlaceEvidence {
                target: Target::Country(i),
                spans: p.spans.clone(),
                score: p.score,
                dateline_only: p.dateline_only,
                primary: true,
                case_context: p.case_context,
            });
        }
    }
    for i in promote {
        places[i].primary = true;
    }
    places.extend(added);
}

fn mark_primary(
    places: &mut Vec<PlaceEvidence>,
    kb: &KnowledgeBase,
    default_country: Option<&str>,
) {
    // Local areas (regency/city level, or foreign cities) first.
    let is_local = |t: Target| match t {
        Target::Place(p) => matches!(kb.places[p].level, PlaceLevel::Regency | PlaceLevel::City),
        Target::Country(_) => false,
    };
    let is_province =
        |t: Target| matches!(t, Target::Place(p) if kb.places[p].level == PlaceLevel::Province);

    // Country scores: a country gets the evidence of every place inside it.
    // Ordered, so that ties resolve the same way on every run.
    let mut country_score: BTreeMap<&str, f64> = BTreeMap::new();
    for p in places.iter() {
        *country_score.entry(country_of(kb, p.target)).or_default() += p.score;
    }
    let top_country = country_score
        .iter()
        .filter(|(_, s)| **s > 0.0)
        .max_by(|a, b| {
            // Equal evidence: the outlet's own country, then the lower code.
            a.1.total_cmp(b.1)
                .then_with(|| (Some(*a.0) == default_country).cmp(&(Some(*b.0) == default_country)))
                .then_with(|| b.0.cmp(a.0))
        })
        .map(|(c, s)| (*c, *s));
    let event_country = top_country.map(|(c, _)| c);
    let top_score = top_country.map_or(0.0, |(_, s)| s);

    let top_local = places
        .iter()
        .filter(|p| is_local(p.target) && Some(country_of(kb, p.target)) == event_country)
        .map(|p| p.score)
        .fold(0.0, f64::max);
    let mut primary_provinces: HashSet<String> = HashSet::new();
    for p in places.iter_mut() {
        if is_local(p.target)
            && p.score > 0.0
            && p.score >= top_local * 0.5
            && Some(country_of(kb, p.target)) == event_country
        {
            p.primary = true;
            if let Target::Place(i) = p.target
                && let Some(parent) = &kb.places[i].parent
            {
                primary_provinces.insert(parent.clone());
            }
        }
    }
    let top_province = places
        .iter()
        .filter(|p| is_province(p.target) && Some(country_of(kb, p.target)) == event_country)
        .map(|p| p.score)
        .fold(0.0, f64::max);
    for p in places.iter_mut() {
        if let Target::Place(i) = p.target
            && is_province(p.target)
        {
            let code = &kb.places[i].code;
            p.primary = primary_provinces.contains(code)
                || (primary_provinces.is_empty()
                    && p.score > 0.0
                    && p.score >= top_province * 0.5
                    && Some(country_of(kb, p.target)) == event_country);
        }
    }
    // Countries: the event country, and others that the article discusses about as much.
    for p in places.iter_mut() {
        if let Target::Country(_) = p.target {
            let c = country_of(kb, p.target);
            let s = country_score.get(c).copied().unwrap_or(0.0);
            // A foreign country also counts when a sentence reports its cases
            // ("new cases were reported in Bolivia, Colombia and Peru").
            p.primary =
                s > 0.0 && (Some(c) == event_country || s >= top_score * 0.25 || p.case_context);
        }
    }
    // In a primary country where no area was chosen yet, areas named in sentences
    // that report cases are the event places ("3 kasus dari Kota Depok dan 1 kasus
    // dari DKI Jakarta" in a situation report led by the global figures).
    let located: HashSet<String> = places
        .iter()
        .filter(|p| p.primary && (is_local(p.target) || is_province(p.target)))
        .map(|p| country_of(kb, p.target).to_string())
        .collect();
    let primary_countries: HashSet<String> = places
        .iter()
        .filter(|p| p.primary && matches!(p.target, Target::Country(_)))
        .map(|p| country_of(kb, p.target).to_string())
        .chain(event_country.map(str::to_string))
        .collect();
    let mut extra_provinces: HashSet<String> = HashSet::new();
    for p in places.iter_mut() {
        if let Target::Place(i) = p.target
            && p.case_context
            && !p.primary
            && primary_countries.contains(country_of(kb, p.target))
            // A province that reports cases is an event place even where a regency
            // was already chosen ("3 kasus dari Depok dan 1 kasus dari DKI Jakarta").
            && (is_province(p.target) || (is_local(p.target) && !located.contains(country_of(kb, p.target))))
        {
            p.primary = true;
            if let Some(parent) = &kb.places[i].parent {
                extra_provinces.insert(parent.clone());
            }
        }
    }
    for p in places.iter_mut() {
        if let Target::Place(i) = p.target
            && extra_provinces.contains(&kb.places[i].code)
        {
            p.primary = true;
        }
    }
    add_sovereigns(places, kb);
    // Nothing but the dateline: then the dateline is the best guess.
    if places.iter().all(|p| !p.primary) {
        for p in places.iter_mut().filter(|p| p.dateline_only) {
            p.primary = true;
        }
    }
}
