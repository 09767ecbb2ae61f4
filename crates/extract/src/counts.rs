//! Case, death and animal counts: "468 ekor babi mati", "9 orang meninggal",
//! "14 kasus positif", "111 siswa dirawat", "sembilan orang", "12 deaths".
//!
//! A number is a count only when a unit follows it (a person noun, `kasus`,
//! `ekor` or an animal, or directly a kind word such as `meninggal`). Its kind
//! comes from the nearest kind word in the same clause: the stretch of the
//! sentence between the neighbouring numbers.

use crate::cues::{Cue, CueMatch};
use crate::numbers::NumberMention;
use crate::{ceil_boundary, floor_boundary};
use std::ops::Range;

/// A count before it is tied to the output format.
#[derive(Debug, Clone, PartialEq)]
pub struct RawCount {
    /// `cases`, `deaths`, ... (see `CountFinding::kind`).
    pub kind: &'static str,
    /// The value; `None` for vague amounts.
    pub value: Option<u64>,
    /// Hedged or vague.
    pub approximate: bool,
    /// `human` or an animal id.
    pub species: String,
    /// A running total.
    pub cumulative: bool,
    /// Byte range of the evidence phrase.
    pub span: Range<usize>,
    /// Byte offset of the number itself (to find the nearest disease).
    pub at: usize,
    /// The unit itself says the people are affected ("cases", "korban", "deaths"),
    /// rather than naming a group ("siswa", "warga").
    pub affected_unit: bool,
}

/// An animal host found in the text, for species attribution.
#[derive(Debug, Clone)]
pub struct HostSpan {
    /// Byte range.
    pub span: Range<usize>,
    /// Host id (`pig`, `human`).
    pub host: String,
}

/// Words that, right before a number, mean it is not a count of people or animals.
const NOT_COUNT_BEFORE: &[&str] = &[
    "rp",
    "pukul",
    "jam",
    "tahun",
    "ke",
    "no",
    "nomor",
    "rt",
    "rw",
    "sd",
    "sdn",
    "smp",
    "smpn",
    "sma",
    "sman",
    "smk",
    "smkn",
    "mts",
    "man",
    "min",
    "pasal",
    "ayat",
    "jalan",
    "jl",
    "km",
    "usd",
    "us$",
    "rm",
    "php",
    "vnd",
    "tanggal",
    "periode",
    "gelombang",
    "pekan",
    "minggu",
    "epiweek",
    "week",
    "tahap",
    "fase",
    "level",
    "covid",
    "h",
    "usia",
    "umur",
    "aged",
    "age",
    "kelas",
    "angkatan",
    "pos",
    "kode",
    "mw",
    "sektor",
];

/// Finds counts. `numbers`, `cues` and `hosts` are all the ones in the text, in order.
pub fn find_counts(
    text: &str,
    sentences: &[Range<usize>],
    numbers: &[NumberMention],
    cues: &[CueMatch],
    hosts: &[HostSpan],
    diseases: &[Range<usize>],
) -> Vec<RawCount> {
    let disease_at = |r: Range<usize>| {
        let i = diseases.partition_point(|d| d.start < r.start);
        diseases.get(i).is_some_and(|d| d.start < r.end)
    };
    let mut out = Vec::new();
    singular_counts(text, &mut out);
    singular_people(text, &mut out);
    // Ages, times, percentages and money are never counts, and must not cut a
    // clause either: "Seorang anak berusia 10 tahun meninggal" is one death.
    let numbers: Vec<&NumberMention> = numbers
        .iter()
        .filter(|n| !preceded_by_non_count_word(text, n.start) && !followed_by_measure(text, n.end))
        .collect();
    // The end of the last figure's unit, by its index: the next figure's clause starts
    // after it.
    let mut last_unit_end: Option<(usize, usize)> = None;
    for (i, &n) in numbers.iter().enumerate() {
        if n.value.is_none() && n.at_least.is_none() {
            continue;
        }
        let si = sentences.partition_point(|s| s.end <= n.start);
        let Some(sentence) = sentences.get(si).filter(|s| s.start <= n.start) else {
            continue;
        };
        let Some(unit) = unit_after(text, n.end, cues, hosts, diseases) else {
            continue;
        };
        let n_end = unit.end().max(n.end);
        // Where the previous figure of the sentence and its unit end.
        let prev_end = match i.checked_sub(1).map(|p| (p, numbers[p])) {
            Some((p, prev)) if prev.end >= sentence.start => Some(match last_unit_end {
                Some((q, end)) if q == p => end,
                _ => unit_after(text, prev.end, cues, hosts, diseases)
                    .map_or(prev.end, |u| u.end().max(prev.end)),
            }),
            _ => None,
        };
        last_unit_end = Some((i, n_end));
        let clause_start = if i > 0 {
            numbers[i - 1].end.max(sentence.start)
        } else {
            sentence.start
        };
        // "636 orang dari 11.640 korban ... dirawat": the total after "dari" belongs
        // to this clause, not the next.
        let total_follows = numbers
            .get(i + 1)
            .is_some_and(|next| is_total_after(text, n.end, next.start));
        let next = if total_follows {
            numbers.get(i + 2)
        } else {
            numbers.get(i + 1)
        };
        let clause_end = next.map_or(sentence.end, |next| next.start.min(sentence.end));
        // Kind words before the figure that are not its own:
        // - one that goes with the previous figure in the sentence is that figure's: in
        //   "412 kasus dengan 5 kematian, Kabupaten Sukabumi 230 kasus" the deaths are
        //   the 5, and the 230 are cases;
        // - a figure with a case noun of its own ("70 cases") reads none across
        //   punctuation ("cases and deaths is as follows: Conakry, 70 cases"), only from
        //   its own phrase ("kematian 3.380 kasus").
        let case_noun = matches!(unit, Unit::Case | Unit::Affected { kind: None, .. });
        let not_its_own = |c: &CueMatch| {
            is_kind(c.cue)
                && c.end <= n.start
                && (prev_end.is_some_and(|pe| {
                    c.end <= pe || after_distance(text, pe, c) < distance(text, c, n.start, n_end)
                }) || case_noun
                    && text
                        .get(c.end..n.start)
                        .is_some_and(|between| between.contains([',', ':', ';'])))
        };
        let in_clause: Vec<&CueMatch> = within(cues, clause_start..clause_end)
            .iter()
            .filter(|c| c.end <= clause_end && !not_its_own(c))
            .collect();
        let in_sentence = || {
            within(cues, sentence.clone())
                .iter()
                .filter(|c| c.end <= sentence.end)
        };

        let species = match &unit {
            Unit::Animal { species } => species.clone(),
            _ => "human".to_string(),
        };
        let animal = species != "human";
        let kind_cue = match unit {
            Unit::Kind(cue)
            | Unit::Affected {
                kind: Some(cue), ..
            } => Some(cue),
            Unit::Sample => in_clause
                .iter()
                .find(|c| c.cue == Cue::Suspected)
                .map(|c| c.cue),
            // A part of a total ("636 dari 11.640 korban keracunan dirawat"): the
            // total is the ill; the part is what the specific word says.
            _ if total_follows => in_clause
                .iter()
                .filter(|c| c.start > n.end && is_kind(c.cue) && c.cue != Cue::Ill)
                .map(|c| c.cue)
                .next()
                .or_else(|| nearest_kind_cue(text, &in_clause, n.start, n_end)),
            _ => nearest_kind_cue(text, &in_clause, n.start, n_end),
        };
        let kind = match (kind_cue, &unit) {
            (Some(cue), _) => kind_of(cue, animal),
            (None, Unit::Sample) => continue,
            (None, Unit::Case | Unit::Affected { .. }) => kind_of(Cue::Ill, animal),
            // No kind word in the clause: a count of people or animals in a sentence
            // about illness or a disease ("111 siswa ... keracunan") is a case count,
            // unless the words around it speak of an intervention ("imunisasi campak
            // untuk 3,2 juta anak", "a campaign targeting 250,000 children"): then they
            // are its target.
            (None, _) if names_an_intervention(around(text, sentence, n.start, unit.end())) => {
                continue;
            }
            (None, _)
                if in_sentence().any(|c| matches!(c.cue, Cue::Ill | Cue::Outbreak))
                    || disease_at(sentence.clone()) =>
            {
                kind_of(Cue::Ill, animal)
            }
            (None, _) => continue,
        };
        let cumulative = in_clause.iter().any(|c| c.cue == Cue::Cumulative);
        let cue_span = in_clause
            .iter()
            .filter(|c| is_kind(c.cue))
            .min_by_key(|c| distance(text, c, n.start, n_end))
            .map(|c| c.start..c.end);
        let span = match cue_span {
            Some(c) => c.start.min(n.start)..c.end.max(n_end),
            None => n.start..n_end,
        };
        let value = n.count();
        if n.value.is_some() && value.is_none() {
            continue; // fractions are not counts
        }
        let affected_unit = matches!(
            unit,
            Unit::Case | Unit::Affected { .. } | Unit::Kind(_) | Unit::Sample
        );
        out.push(RawCount {
            kind,
            value,
            approximate: n.approximate,
            species,
            cumulative,
            span,
            at: n.start,
            affected_unit,
        });
    }
    dedupe(out)
}

/// The clause around a number and its unit: up to 60 bytes either side, within the
/// sentence, and not past a conjunction ("57 children, and a vaccination campaign").
fn around<'t>(text: &'t str, sentence: &Range<usize>, start: usize, end: usize) -> &'t str {
    let from = ceil_boundary(text, start.saturating_sub(60).max(sentence.start));
    let end = end.max(start);
    let to = floor_boundary(text, (end + 60).min(sentence.end).max(end));
    let joins = crate::clause_joins();
    let from = joins
        .find_iter(&text[from..start])
        .last()
        .map_or(from, |m| from + m.end());
    let to = joins
        .find(&text[start..to])
        .map_or(to, |m| start + m.start());
    &text[from..to]
}

/// Words for a vaccination or prophylaxis campaign, whose figures are the people
/// reached, not the ill: "118 000 children vaccinated", "a campaign targeting 2
/// million", "imunisasi campak untuk 3,2 juta anak". The vaccination status of cases
/// ("six were unvaccinated", "incomplete polio immunization", "belum diimunisasi") is
/// not one.
fn names_an_intervention(sentence: &str) -> bool {
    use std::sync::OnceLock;
    static RE: OnceLock<regex::Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        regex::Regex::new(
            r"(?i)(?-u:\b)(?:vaccinated|vaccinations?|immuni[sz]ed|immuni[sz]ations?|doses?|campaigns?|prophylaxis|imunisasi|vaksinasi|kampanye|sasaran|dosis)(?-u:\b)",
        )
        .expect("intervention pattern is valid")
    });
    // The vaccination status of cases is no campaign: "six were not vaccinated",
    // "only one had incomplete polio immunization", "belum pernah imunisasi".
    const STATUS: &[&str] = &[
        "not",
        "never",
        "no",
        "incomplete",
        "without",
        "tidak",
        "belum",
        "pernah",
        "riwayat",
    ];
    re.find_iter(sentence).any(|m| {
        !sentence[..m.start()]
            .split_whitespace()
            .rev()
            .take(3)
            .any(|w| STATUS.iter().any(|s| w.eq_ignore_ascii_case(s)))
    })
}

/// "a case", "an imported case", "one new death", "the first case", "satu kasus":
/// a single case written without a digit. An ordinal ("the 14th case", "the fifth
/// human case") is the running total.
fn singular_counts(text: &str, out: &mut Vec<RawCount>) {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let re = RE.get_or_init(|| {
        regex::Regex::new(
            r"(?i)(?-u:\b)(?:an?|one|first|satu|sebuah|(?P<ord>\d{1,6})(?:st|nd|rd|th|rd)|(?P<ordword>second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth))\s+(?:(?:new|additional|imported|confirmed|laboratory-confirmed|fatal|human|secondary|autochthonous|locally[- ]acquired|probable|suspect|suspected|previously|reported|WHO|baru|positif)\s*,?\s+){0,3}(?P<unit>case|death|kasus|kematian)(?-u:\b)",
        )
        .expect("singular count pattern is valid")
    });
    let found = re
        .find_iter(text)
        .filter_map(|m| re.captures_at(&text[..m.end()], m.start()));
    for caps in found {
        let m = caps.get(0).expect("group 0");
        let unit = caps
            .name("unit")
            .map_or("", |u| u.as_str())
            .to_ascii_lowercase();
        // "the country's 14th case": the 14th so far.
        let ordinal = caps
            .name("ord")
            .and_then(|o| o.as_str().parse::<u64>().ok())
            .or_else(|| {
                let word = caps.name("ordword")?.as_str().to_ascii_lowercase();
                let at = [
                    "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth",
                    "tenth",
                ]
                .iter()
                .position(|w| *w == word)?;
                Some(at as u64 + 2)
            });
        // "The second case is a 45-year-old woman" enumerates; "the country's fifth
        // human case this year" is a running total. An ordinal word counts only as the
        // latter: after a possessive, or before "this year", "so far", "to date".
        if caps.name("ordword").is_some() {
            let before = text[..m.start()].trim_end();
            let end = floor_boundary(text, m.end() + 48);
            let after = text[m.end()..end].to_ascii_lowercase();
            let possessive = before.ends_with("'s") || before.ends_with("\u{2019}s");
            let so_far = ["this year", "so far", "to date", "since"]
                .iter()
                .any(|w| after.contains(w));
            if !possessive && !so_far {
                continue;
            }
        }
        let whole = m.as_str().to_ascii_lowercase();
        let kind = if unit == "death" || unit == "kematian" || whole.contains("fatal") {
            "deaths"
        } else if whole.contains("suspect") || whole.contains("probable") {
            "suspected"
        } else if whole.contains("confirmed") || whole.contains("positif") {
            "confirmed"
        } else {
            "cases"
        };
        out.push(RawCount {
            kind,
            value: Some(ordinal.unwrap_or(1)),
            approximate: false,
            species: "human".into(),
            cumulative: ordinal.is_some(),
            span: m.start()..m.end(),
            at: m.start(),
            affected_unit: true,
        });
    }
}

/// "A 53-year-old man in Mukdahan province died of anthrax", "a child tested positive":
/// one person, written in English without a number. The verb later in the clause says
/// what befell them; without one, it is no count. "A person" is left out: it is the
/// generic person of background text ("contact with a person who is sick or has died").
fn singular_people(text: &str, out: &mut Vec<RawCount>) {
    use std::sync::OnceLock;
    static NOUN: OnceLock<regex::Regex> = OnceLock::new();
    static ARTICLE: OnceLock<regex::Regex> = OnceLock::new();
    static FATE: OnceLock<regex::Regex> = OnceLock::new();
    // The nouns are rare enough to search for first; "a", "an" and "one" are not.
    let noun = NOUN.get_or_init(|| {
        regex::Regex::new(
            r"(?i)(?-u:\b)(?:man|woman|boy|girl|child|patient|farmer|resident|villager|worker|infant|baby|toddler|student|pupil|teenager|traveller|traveler|pilgrim)(?-u:\b)",
        )
        .expect("person noun pattern is valid")
    });
    let article = ARTICLE.get_or_init(|| {
        regex::Regex::new(r"(?i)(?-u:\b)(?:a|an|one)\s+(?:\d{1,3}[- ](?:year|month)s?[- ]old\s+)?$")
            .expect("article pattern is valid")
    });
    let fate = FATE.get_or_init(|| {
        regex::Regex::new(
            r"(?i)^[^.;!?]{0,100}?(?-u:\b)(?:(?P<death>died|dies|has\s+died|succumbed|was\s+killed)|(?P<hosp>was\s+(?:hospitali[sz]ed|admitted))|(?P<case>tested\s+positive|was\s+(?:infected|confirmed|diagnosed)|contracted|fell\s+ill|became\s+ill))(?-u:\b)",
        )
        .expect("fate pattern is valid")
    });
    for found in noun.find_iter(text) {
        let from = ceil_boundary(text, found.start().saturating_sub(24));
        let Some(art) = article.find(&text[from..found.start()]) else {
            continue;
        };
        let m = from + art.start()..found.end();
        let after = &text[m.end..];
        let Some(caps) = fate.captures(after) else {
            continue;
        };
        let verb = ["death", "hosp", "case"]
            .iter()
            .find_map(|g| caps.name(g))
            .expect("one fate group matches");
        // "... and another clause": the verb must belong to this person.
        let between = &after[..verb.start()];
        if crate::clause_joins().is_match(between) && !between.contains("who") {
            continue;
        }
        let kind = if caps.name("death").is_some() {
            "deaths"
        } else if caps.name("hosp").is_some() {
            "hospitalized"
        } else {
            "cases"
        };
        out.push(RawCount {
            kind,
            value: Some(1),
            approximate: false,
            species: "human".into(),
            cumulative: false,
            span: m.start..m.end + verb.end(),
            at: m.start,
            affected_unit: false,
        });
    }
}

/// The cues that start inside `range` (cues are sorted by start).
fn within(cues: &[CueMatch], range: Range<usize>) -> &[CueMatch] {
    let from = cues.partition_point(|c| c.start < range.start);
    let to = cues.partition_point(|c| c.start < range.end);
    &cues[from..to.max(from)]
}

/// The unit written right after a number.
#[derive(Debug, Clone, PartialEq)]
enum Unit {
    Person(usize),
    /// People counted as affected (`korban`, `pasien`, `kasus`), with a kind from a
    /// modifier ("confirmed cases").
    Affected {
        end: usize,
        kind: Option<Cue>,
    },
    /// Specimens: suspected cases when under examination.
    Sample,
    Case,
    Animal {
        species: String,
    },
    /// No unit noun, but directly a kind word: "55 dirawat", "12 deaths".
    Kind(Cue),
}

impl Unit {
    fn end(&self) -> usize {
        match self {
            Unit::Person(end) | Unit::Affected { end, .. } => *end,
            _ => 0,
        }
    }
}

/// Words that may stand between a number and its unit: "2 additional
/// laboratory-confirmed cases", "14 kasus baru", "3 new deaths".
const MODIFIERS: &[&str] = &[
    "additional",
    "new",
    "more",
    "further",
    "other",
    "imported",
    "secondary",
    "autochthonous",
    "human",
    "fatal",
    "related",
    "locally",
    "acquired",
    "laboratory-confirmed",
    "lab-confirmed",
    "laboratory",
    "lab",
    "clinically",
    "epidemiologically",
    "linked",
    "severe",
    "active",
    "sporadic",
    "travel-associated",
    "confirmed",
    "suspected",
    "probable",
    "reported",
    "baru",
    "tambahan",
    "lagi",
    "lainnya",
];

/// Skips spaces and up to three modifier words after `at`; returns the position of
/// the next word and any kind the modifiers carry.
fn skip_modifiers(text: &str, mut at: usize, cues: &[CueMatch]) -> (usize, Option<Cue>) {
    let mut kind = None;
    for _ in 0..3 {
        let rest = &text[at..];
        let word_len = rest
            .find(|c: char| !(c.is_alphanumeric() || c == '-'))
            .unwrap_or(rest.len());
        let word = &rest[..word_len];
        if word_len == 0 || !MODIFIERS.iter().any(|m| m.eq_ignore_ascii_case(word)) {
            break;
        }
        if let Some(c) = within(cues, at..at + 1).first().filter(|c| is_kind(c.cue)) {
            kind = Some(c.cue);
        }
        let after = &rest[word_len..];
        let gap = after.len() - after.trim_start_matches([' ', '\u{a0}']).len();
        if gap == 0 {
            break;
        }
        at += word_len + gap;
    }
    (at, kind)
}

/// Unit words that say the people counted are affected ("11 korban", "5 pasien").
const AFFECTED_UNITS: &[&str] = &[
    "korban",
    "penderita",
    "pasien",
    "pesakit",
    "victims",
    "patients",
    "kasus",
    "cases",
    "case",
    "kes",
];

/// Unit words for specimens: counted as suspected cases only when under examination.
const SAMPLE_UNITS: &[&str] = &["sampel", "spesimen", "samples", "specimens"];

fn unit_after(
    text: &str,
    number_end: usize,
    cues: &[CueMatch],
    hosts: &[HostSpan],
    diseases: &[Range<usize>],
) -> Option<Unit> {
    let rest = &text[number_end..];
    let gap = rest.len() - rest.trim_start_matches([' ', '\u{a0}']).len();
    if gap == 0 && !rest.is_empty() {
        return None;
    }
    let at = number_end + gap;
    // "326 dari 2.565 penumpang", "65 of 1,233 crew": the unit follows the total.
    let lower_next: String = text[at..]
        .chars()
        .take(6)
        .collect::<String>()
        .to_ascii_lowercase();
    if lower_next.starts_with("dari ") || lower_next.starts_with("of ") {
        let skip = if lower_next.starts_with("dari ") {
            5
        } else {
            3
        };
        let after = at + skip;
        let digits = text[after..]
            .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == ','))
            .unwrap_or(0);
        if digits > 0 {
            return unit_after(text, after + digits, cues, hosts, diseases);
        }
    }
    // "1,020 were laboratory confirmed", "12 have died", "40 were hospitalized": an
    // English verb phrase stands for the unit.
    let head = text[at..floor_boundary(text, at + 12)].to_ascii_lowercase();
    for aux in ["were ", "was ", "have ", "had ", "are "] {
        if !head.starts_with(aux) {
            continue;
        }
        let mut from = at + aux.len();
        if text[from..].starts_with("been ") {
            from += "been ".len();
        }
        let (after, kind) = skip_modifiers(text, from, cues);
        let kind = kind.or_else(|| {
            within(cues, after..after + 1)
                .iter()
                .find(|c| c.start == after && is_kind(c.cue))
                .map(|c| c.cue)
        });
        if let Some(kind) = kind {
            return Some(Unit::Kind(kind));
        }
    }
    let (at, modifier_kind) = skip_modifiers(text, at, cues);
    // "8,412 dengue cases", "12 suspected Ebola deaths": the disease sits between the
    // number and its unit. ("9,845 kes denggi" starts with its unit: "kes denggi" is
    // also a name of dengue.)
    let unit_here = within(cues, at..at + 1).iter().any(|c| c.start == at);
    let (at, modifier_kind) = match diseases.binary_search_by_key(&at, |d| d.start) {
        Ok(i) if !unit_here => {
            let end = diseases[i].end;
            let rest = &text[end..];
            let gap = rest.len() - rest.trim_start_matches([' ', '\u{a0}']).len();
            if gap == 0 {
                (at, modifier_kind)
            } else {
                let (at, kind) = skip_modifiers(text, end + gap, cues);
                (at, kind.or(modifier_kind))
            }
        }
        _ => (at, modifier_kind),
    };
    // "55 di antaranya dirawat", "12 of them died": a subset of people already counted.
    let lower = text[at..floor_boundary(text, at + 14)].to_ascii_lowercase();
    for phrase in [
        "di antaranya",
        "diantaranya",
        "of them",
        "of whom",
        "antaranya",
    ] {
        if lower.starts_with(phrase) {
            return Some(Unit::Person(at + phrase.len()));
        }
    }
    let hi = hosts.partition_point(|h| h.span.start < at);
    if let Some(h) = hosts.get(hi).filter(|h| h.span.start == at) {
        return Some(Unit::Animal {
            species: h.host.clone(),
        });
    }
    let cue = within(cues, at..at + 1).first()?;
    let word = text[cue.start..cue.end].to_ascii_lowercase();
    Some(match cue.cue {
        _ if SAMPLE_UNITS.contains(&word.as_str()) => Unit::Sample,
        Cue::PersonUnit | Cue::CaseUnit if AFFECTED_UNITS.contains(&word.as_str()) => {
            Unit::Affected {
                end: cue.end,
                kind: modifier_kind,
            }
        }
        Cue::PersonUnit => Unit::Person(cue.end),
        Cue::CaseUnit => Unit::Case,
        Cue::AnimalUnit => {
            // "468 ekor babi": the species follows the classifier, maybe after an adjective.
            let species = hosts[hi..]
                .iter()
                .take_while(|h| h.span.start <= cue.end + 24)
                .find(|h| {
                    h.span.start >= cue.end && h.span.start <= cue.end + 24 && h.host != "human"
                })
                .map(|h| h.host.clone())
                // "468 ekor sapi terjangkit dan 23 ekor mati", "56 ekor sapi terjangkit PMK.
                // Tiga ekor di antaranya mati": the species named last, in this sentence
                // or the one before, within the paragraph.
                .or_else(|| {
                    hosts[..hi]
                        .iter()
                        .rev()
                        .take_while(|h| h.span.end + 120 >= at)
                        .find(|h| h.host != "human")
                        .filter(|h| {
                            text.get(h.span.end..at).is_some_and(|between| {
                                !between.contains(['!', '?', '\n'])
                                    && between.matches(". ").count() <= 1
                            })
                        })
                        .map(|h| h.host.clone())
                })
                .unwrap_or_else(|| "animal".to_string());
            Unit::Animal { species }
        }
        c if is_kind(c) => Unit::Kind(c),
        _ => return None,
    })
}

/// Units of measure that make a number an age, a duration, a share or an amount.
const MEASURES: &[&str] = &[
    "tahun", "bulan", "hari", "jam", "menit", "detik", "persen", "%", "km", "meter", "kg", "gram",
    "liter", "ton", "hektare", "ha", "wib", "wita", "wit", "years", "year", "months", "days",
    "hours", "percent", "per", "kali", "sen", "rupiah", "juta", "miliar", "triliun",
];

fn followed_by_measure(text: &str, end: usize) -> bool {
    let rest = text[end..].trim_start_matches([' ', '\u{a0}', '-']);
    let word: String = rest
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '%')
        .take(10)
        .collect();
    MEASURES.iter().any(|m| m.eq_ignore_ascii_case(&word))
}

/// Only "dari"/"of" stands between a number and the next one.
fn is_total_after(text: &str, from: usize, to: usize) -> bool {
    let between = text[from..to].trim();
    let last = between.rsplit(' ').next().unwrap_or("");
    between.len() <= 24 && (last.eq_ignore_ascii_case("dari") || last.eq_ignore_ascii_case("of"))
}

fn preceded_by_non_count_word(text: &str, start: usize) -> bool {
    let before = text[..start].trim_end_matches([' ', '-', '.', ':']);
    let word: String = before
        .chars()
        .rev()
        .take_while(|c| c.is_alphanumeric() || *c == '$')
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    NOT_COUNT_BEFORE.contains(&word.to_lowercase().as_str())
}

fn is_kind(cue: Cue) -> bool {
    matches!(
        cue,
        Cue::Death
            | Cue::AnimalDeath
            | Cue::Hospitalized
            | Cue::Recovered
            | Cue::Confirmed
            | Cue::Suspected
            | Cue::Ill
    )
}

fn kind_of(cue: Cue, animal: bool) -> &'static str {
    match (cue, animal) {
        (Cue::Death | Cue::AnimalDeath, true) => "animals_dead",
        (Cue::Death | Cue::AnimalDeath, false) => "deaths",
        (_, true) => "animals_affected",
        (Cue::Hospitalized, false) => "hospitalized",
        (Cue::Recovered, false) => "recovered",
        (Cue::Confirmed, false) => "confirmed",
        (Cue::Suspected, false) => "suspected",
        _ => "cases",
    }
}

fn distance(text: &str, c: &CueMatch, start: usize, end: usize) -> usize {
    if c.start >= end {
        c.start - end
    } else {
        // Kind words before the number count slightly farther: "9 orang meninggal"
        // should beat "korban keracunan, 9 orang meninggal". Across a comma they count
        // farther still: in "123 Siswa Keracunan MBG, 30 Siswa Jalani Rawat Inap" the 30
        // are what follows them.
        start.saturating_sub(c.end) + comma_penalty(text, c.end, start).max(2)
    }
}

/// How far a kind word lies after a figure ending at `from`; across a comma it counts
/// farther, as in [`distance`].
fn after_distance(text: &str, from: usize, c: &CueMatch) -> usize {
    c.start.saturating_sub(from) + comma_penalty(text, from, c.start)
}

/// What a comma between a figure and a kind word adds to their distance: the word
/// likely belongs to another clause.
fn comma_penalty(text: &str, from: usize, to: usize) -> usize {
    if text
        .get(from..to)
        .is_some_and(|between| between.contains(','))
    {
        12
    } else {
        0
    }
}

fn nearest_kind_cue(text: &str, clause: &[&CueMatch], start: usize, end: usize) -> Option<Cue> {
    clause
        .iter()
        .filter(|c| is_kind(c.cue))
        .min_by_key(|c| distance(text, c, start, end))
        .map(|c| c.cue)
}

/// Keeps the first mention of each (kind, value, species).
fn dedupe(counts: Vec<RawCount>) -> Vec<RawCount> {
    let mut seen = std::collections::HashSet::new();
    counts
        .into_iter()
        .filter(|c| c.value.is_none() || seen.insert((c.kind, c.value, c.species.clone())))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cues::find_cues;
    use crate::numbers::{NumberStyle, find_numbers};

    fn counts(text: &str, hosts: &[(&str, &str)]) -> Vec<(&'static str, Option<u64>, String)> {
        let hosts: Vec<HostSpan> = hosts
            .iter()
            .map(|(word, host)| {
                let start = text.find(word).unwrap();
                HostSpan {
                    span: start..start + word.len(),
                    host: host.to_string(),
                }
            })
            .collect();
        let sentences: Vec<Range<usize>> = std::iter::once(0..text.len()).collect();
        find_counts(
            text,
            &sentences,
            &find_numbers(text, NumberStyle::Indonesian),
            &find_cues(text),
            &hosts,
            &[],
        )
        .into_iter()
        .map(|c| (c.kind, c.value, c.species))
        .collect()
    }

    #[test]
    fn people_and_kinds() {
        // (text, the counts of people read from it, in order)
        let cases: &[(&str, &[(&str, u64)])] = &[
            ("9 orang meninggal dunia", &[("deaths", 9)]),
            (
                "Korban meninggal bertambah menjadi sembilan orang",
                &[("deaths", 9)],
            ),
            ("14 kasus positif", &[("confirmed", 14)]),
            ("111 siswa dirawat", &[("hospitalized", 111)]),
            (
                "Sebanyak 111 siswa diduga keracunan, 55 di antaranya dirawat",
                &[("cases", 111), ("hospitalized", 55)],
            ),
            (
                "111 siswa keracunan dan 55 dirawat di puskesmas",
                &[("cases", 111), ("hospitalized", 55)],
            ),
            // A headline's second clause: the 30 are what follows them, not the
            // poisoning before the comma.
            (
                "123 Siswa di Kebumen Diduga Keracunan MBG, 30 Siswa Jalani Rawat Inap",
                &[("cases", 123), ("hospitalized", 30)],
            ),
            // Those who sought care were ill.
            (
                "Sebanyak 124 orang berobat ke puskesmas dan 17 di antaranya dirawat inap",
                &[("cases", 124), ("hospitalized", 17)],
            ),
            // Each figure keeps its own kind word: the deaths are the 5, not the next 230.
            (
                "Kabupaten Bogor mencatat 412 kasus dengan 5 kematian, Kabupaten Sukabumi \
                 230 kasus, dan Kota Depok 198 kasus",
                &[
                    ("cases", 412),
                    ("deaths", 5),
                    ("cases", 230),
                    ("cases", 198),
                ],
            ),
            (
                "Di Garut 9 kasus dan 2 anak meninggal, di Tasikmalaya 5 kasus",
                &[("cases", 9), ("deaths", 2), ("cases", 5)],
            ),
            // A table after a heading that names deaths: the figures are cases.
            (
                "The distribution of cases and deaths is as follows: Conakry, 70 cases",
                &[("cases", 70)],
            ),
            ("Jumlah kematian 3.380 kasus", &[("deaths", 3380)]),
            // Predicate first, after a comma: the 3 died.
            (
                "Dari 50 pasien yang dirawat, meninggal 3 orang",
                &[("hospitalized", 50), ("deaths", 3)],
            ),
        ];
        for &(text, want) in cases {
            let want: Vec<(&str, Option<u64>, String)> = want
                .iter()
                .map(|&(kind, value)| (kind, Some(value), "human".to_string()))
                .collect();
            assert_eq!(counts(text, &[]), want, "{text}");
        }
    }

    #[test]
    fn an_english_verb_phrase_as_the_unit() {
        let found = counts_near_diseases(
            "3,412 measles cases were notified, of which 1,020 were laboratory confirmed.",
            NumberStyle::English,
            &["measles"],
        );
        assert_eq!(found, [("cases", Some(3412)), ("confirmed", Some(1020))]);
        let found = counts_near_diseases(
            "Of these measles patients, 12 have died and 40 were hospitalized.",
            NumberStyle::English,
            &["measles"],
        );
        assert_eq!(found, [("deaths", Some(12)), ("hospitalized", Some(40))]);
        // Nothing said of the people: no count.
        let found = counts_near_diseases(
            "Of the 312 measles samples, 87 were vaccinated.",
            NumberStyle::English,
            &["measles"],
        );
        assert!(found.is_empty(), "{found:?}");
    }

    #[test]
    fn one_person_written_without_a_number() {
        assert_eq!(
            counts(
                "A 53-year-old man in Mukdahan province died of anthrax after eating raw beef.",
                &[]
            ),
            vec![("deaths", Some(1), "human".into())]
        );
        assert_eq!(
            counts(
                "A child who attended the party tested positive for measles.",
                &[]
            ),
            vec![("cases", Some(1), "human".into())]
        );
        // No fate, or the verb belongs to another clause: no count.
        assert!(counts("A man told reporters the water was clean.", &[]).is_empty());
        let c = counts(
            "A farmer sold the cattle and the buyer later died of anthrax.",
            &[],
        );
        assert!(c.is_empty(), "{c:?}");
    }

    #[test]
    fn animals() {
        assert_eq!(
            counts("468 ekor babi mati", &[("babi", "pig")]),
            vec![("animals_dead", Some(468), "pig".into())]
        );
        assert_eq!(
            counts("12 sapi terjangkit PMK", &[("sapi", "cattle")]),
            vec![("animals_affected", Some(12), "cattle".into())]
        );
        // The second classifier takes the species named before it in the sentence.
        assert_eq!(
            counts(
                "468 ekor sapi terjangkit dan 23 ekor mati",
                &[("sapi", "cattle")]
            ),
            vec![
                ("animals_affected", Some(468), "cattle".into()),
                ("animals_dead", Some(23), "cattle".into())
            ]
        );
    }

    /// Counts in `text`, split into sentences at ". ", with `diseases` marked where
    /// they are written.
    fn counts_near_diseases(
        text: &str,
        style: NumberStyle,
        diseases: &[&str],
    ) -> Vec<(&'static str, Option<u64>)> {
        let mut sentences = Vec::new();
        let mut start = 0;
        for (i, _) in text.match_indices(". ") {
            sentences.push(start..i + 1);
            start = i + 2;
        }
        sentences.push(start..text.len());
        let mut spans: Vec<Range<usize>> = diseases
            .iter()
            .flat_map(|d| text.match_indices(d).map(|(i, w)| i..i + w.len()))
            .collect();
        spans.sort_by_key(|r| r.start);
        find_counts(
            text,
            &sentences,
            &find_numbers(text, style),
            &find_cues(text),
            &[],
            &spans,
        )
        .into_iter()
        .map(|c| (c.kind, c.value))
        .collect()
    }

    #[test]
    fn a_disease_between_the_number_and_its_unit() {
        let found = counts_near_diseases(
            "The region recorded 8,412 dengue cases and 32 dengue deaths. \
             Selangor merekodkan 9,845 kes denggi.",
            NumberStyle::English,
            &["dengue", "kes denggi"],
        );
        assert_eq!(
            found,
            [
                ("cases", Some(8412)),
                ("deaths", Some(32)),
                ("cases", Some(9845))
            ]
        );
    }

    #[test]
    fn modifiers_between_the_number_and_the_unit() {
        let found = counts_near_diseases(
            "The ministry reported two laboratory confirmed cases of yellow fever.",
            NumberStyle::English,
            &["yellow fever"],
        );
        assert_eq!(found, [("confirmed", Some(2))]);
    }

    #[test]
    fn the_target_of_a_campaign_is_not_a_case_count() {
        let found = counts_near_diseases(
            "Dinkes menggelar imunisasi campak serentak untuk 3,2 juta anak.",
            NumberStyle::Indonesian,
            &["campak"],
        );
        assert!(found.is_empty(), "{found:?}");
        let found = counts_near_diseases(
            "The campaign vaccinated 12,000 children against measles.",
            NumberStyle::English,
            &["measles"],
        );
        assert!(found.is_empty(), "{found:?}");
        // The outbreak and its campaign in one sentence: the cases still count.
        let found = counts_near_diseases(
            "The measles outbreak has sickened 57 children, and a vaccination campaign \
             targeting 250,000 children will begin next week.",
            NumberStyle::English,
            &["measles"],
        );
        assert_eq!(found, [("cases", Some(57))]);
        let found = counts_near_diseases(
            "Officials launched a vaccination drive targeting 300,000 children after 18 \
             measles deaths.",
            NumberStyle::English,
            &["measles"],
        );
        assert_eq!(found, [("deaths", Some(18))]);
        let found = counts_near_diseases(
            "Of these seven children, only one had incomplete polio immunization.",
            NumberStyle::English,
            &["polio"],
        );
        assert_eq!(found, [("cases", Some(7))]);
        // Whether the cases were vaccinated says nothing against their count.
        let found = counts_near_diseases(
            "Of these seven children, six were unvaccinated against polio.",
            NumberStyle::English,
            &["polio"],
        );
        assert_eq!(found, [("cases", Some(7))]);
    }

    #[test]
    fn vague_amounts_stay_vague() {
        let found = counts("ratusan siswa keracunan", &[]);
        assert_eq!(found, vec![("cases", None, "human".into())]);
    }

    #[test]
    fn numbers_that_are_not_counts() {
        assert!(counts("pada pukul 10 orang-orang berkumpul", &[]).is_empty());
        assert!(counts("anggaran Rp 500 juta untuk warga", &[]).is_empty());
        assert!(counts("100 siswa mengikuti upacara", &[]).is_empty());
        assert!(counts("di SMPN 8 siswa keracunan", &[]).is_empty());
    }

    #[test]
    fn modifiers_totals_and_singulars() {
        assert_eq!(
            counts(
                "notified WHO of 2 additional laboratory-confirmed cases",
                &[]
            ),
            vec![("confirmed", Some(2), "human".into())]
        );
        assert_eq!(
            counts("terdapat 11 korban dari sekolah itu", &[]),
            vec![("cases", Some(11), "human".into())]
        );
        assert_eq!(
            counts("1.391 warga terjangkit DBD", &[]),
            vec![("cases", Some(1391), "human".into())]
        );
        assert_eq!(
            counts("326 dari 2.565 penumpang jatuh sakit", &[]),
            vec![
                ("cases", Some(326), "human".into()),
                ("cases", Some(2565), "human".into())
            ]
        );
        assert_eq!(
            counts("reported an imported case of Lassa fever", &[]),
            vec![("cases", Some(1), "human".into())]
        );
        assert_eq!(
            counts("A suspected, imported case of Lassa", &[]),
            vec![("suspected", Some(1), "human".into())]
        );
        assert_eq!(
            counts("confirmed the country's 14th case of human infection", &[]),
            vec![("cases", Some(14), "human".into())]
        );
        assert_eq!(
            counts("the country's fifth human case this year", &[]),
            vec![("cases", Some(5), "human".into())]
        );
        assert!(counts("The second case is a woman from Riyadh.", &[]).is_empty());
        assert_eq!(
            counts("28 sampel masih dalam pemeriksaan", &[]),
            vec![("suspected", Some(28), "human".into())]
        );
        assert!(counts("28 sampel dikirim ke laboratorium", &[]).is_empty());
    }

    #[test]
    fn totals_ages_and_clauses() {
        assert_eq!(
            counts(
                "636 orang dari 11.640 korban keracunan harus menjalani rawat inap",
                &[]
            ),
            vec![
                ("hospitalized", Some(636), "human".into()),
                ("cases", Some(11640), "human".into())
            ]
        );
        assert_eq!(
            counts(
                "Seorang anak berusia 10 tahun meninggal di rumah sakit",
                &[]
            ),
            vec![("deaths", Some(1), "human".into())]
        );
    }

    #[test]
    fn english() {
        assert_eq!(
            counts("a total of 283 cases", &[]),
            vec![("cases", Some(283), "human".into())]
        );
        assert_eq!(
            counts("including 12 deaths", &[]),
            vec![("deaths", Some(12), "human".into())]
        );
    }
}
