//! One multi-pattern automaton over every name in the knowledge base: disease
//! synonyms, host species, Indonesian areas, ASEAN places and countries.
//!
//! The automaton is a `daachorse` double-array Aho-Corasick rather than the
//! `aho-corasick` crate used elsewhere: with ~45,000 names, building it is most of
//! `waspada analyze`'s start-up, and daachorse builds it about twice as fast
//! (measured here: see docs/DESIGN.md). Matching is ASCII-case-insensitive by
//! searching an ASCII-lower-cased copy of the text, which keeps byte offsets.
//!
//! A single pass over the article finds every candidate; the
//! candidates are then filtered on word boundaries ("Bali" inside "Balikpapan"),
//! on case (abbreviations such as `DBD` or `AS` match only as written; proper
//! names must start with a capital), and resolved to the longest non-overlapping
//! matches, leftmost first.

use daachorse::DoubleArrayAhoCorasick;
use std::collections::HashMap;
use waspada_kb::{AliasKind, KnowledgeBase};

/// What a pattern stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entry {
    /// A disease synonym.
    Disease {
        /// Index into `KnowledgeBase::diseases`.
        disease: u32,
        /// A weak form (pathogen, symptom): counts as a mention but not, alone, as the topic.
        weak: bool,
        /// An abbreviation (`DBD`, `PMK`) that needs corroboration in the article.
        abbreviation: bool,
    },
    /// A host species name.
    Host {
        /// Index into `KnowledgeBase::hosts`.
        host: u32,
    },
    /// An alias of an administrative area.
    Place {
        /// Index into `KnowledgeBase::places`.
        place: u32,
        /// The alias names the level (`Kabupaten Garut`, `Kec. Leles`, `Pemkot Bogor`).
        qualified: bool,
        /// The bare alias is also a common word or name (`Batu`): needs corroboration.
        ambiguous: bool,
        /// A kecamatan: its level word ("Kecamatan", "Kec.") is read from the text in
        /// front of the bare name rather than stored as 21,000 more patterns.
        district: bool,
        /// Lower-cased, the alias is an ordinary word (`Serang`, `Malang`, `Padang`): in
        /// a Title-Case headline it proves nothing until the body names the place too.
        word_like: bool,
    },
    /// An alias of a country (name, adjective, demonym).
    Country {
        /// Index into `KnowledgeBase::countries`.
        country: u32,
        /// Also a person name or shared by two countries (`Jordan`, `Congo`): needs the
        /// country named unambiguously elsewhere in the article.
        ambiguous: bool,
        /// An adjective or demonym (`Filipino`): weaker evidence of where the event is.
        demonym: bool,
    },
}

impl Entry {
    fn is_proper_name(&self) -> bool {
        matches!(self, Entry::Place { .. } | Entry::Country { .. })
    }
}

#[derive(Debug, Clone)]
struct Pattern {
    /// The pattern as written in the knowledge base, for case-exact comparison.
    exact: String,
    case_sensitive: bool,
    entries: Vec<Entry>,
}

/// A resolved match in the text.
#[derive(Debug, Clone)]
pub struct GazetteerMatch {
    /// Byte offset of the first character.
    pub start: usize,
    /// Byte offset after the last character.
    pub end: usize,
    /// Everything the matched string can stand for (`Bogor`: a regency and a city).
    pub entries: Vec<Entry>,
}

/// The compiled gazetteer.
pub struct Gazetteer {
    automaton: DoubleArrayAhoCorasick<u32>,
    /// Per automaton pattern (an ASCII-lower-cased string): the written forms that
    /// fold to it, each with its own case rule and entries.
    groups: Vec<Vec<Pattern>>,
}

const LEVEL_WORDS: &[&str] = &[
    "kabupaten ",
    "kab. ",
    "kab ",
    "kota ",
    "kotamadya ",
    "kota administrasi ",
    "kecamatan ",
    "kec. ",
    "kec ",
    "provinsi ",
    "prov. ",
    "pemkab ",
    "pemkot ",
    "pemprov ",
    "distrik ",
];

/// An alias that starts with a level word.
fn is_qualified(alias: &str) -> bool {
    let lower = alias.to_lowercase();
    LEVEL_WORDS.iter().any(|w| lower.starts_with(w))
}

impl Gazetteer {
    /// Compiles the automaton over the whole knowledge base.
    pub fn new(kb: &KnowledgeBase) -> Self {
        let mut by_key: HashMap<(String, bool), Pattern> = HashMap::new();
        let mut add = |text: &str, case_sensitive: bool, entry: Entry| {
            let text = text.trim();
            if text.chars().count() < 2 {
                return;
            }
            let key = if case_sensitive {
                text.to_string()
            } else {
                text.to_lowercase()
            };
            let pattern = by_key
                .entry((key, case_sensitive))
                .or_insert_with(|| Pattern {
                    exact: text.to_string(),
                    case_sensitive,
                    entries: Vec::new(),
                });
            if !pattern.entries.contains(&entry) {
                pattern.entries.push(entry);
            }
        };
        for (i, d) in kb.diseases.iter().enumerate() {
            for s in &d.synonyms {
                let entry = Entry::Disease {
                    disease: i as u32,
                    weak: s.weak,
                    abbreviation: s.case_sensitive,
                };
                add(&s.text, s.case_sensitive, entry);
            }
        }
        for (i, h) in kb.hosts.iter().enumerate() {
            for name in &h.names {
                add(name, false, Entry::Host { host: i as u32 });
            }
        }
        for (alias, i, kind) in kb.place_aliases() {
            let district = kb.places[i].level == waspada_kb::PlaceLevel::District;
            if district
                && is_qualified(alias)
                && DISTRICT_WORDS.iter().any(|w| starts_with_ci(alias, w))
            {
                continue;
            }
            let ambiguous = kind == AliasKind::Ambiguous;
            let entry = Entry::Place {
                place: i as u32,
                qualified: is_qualified(alias),
                ambiguous,
                district,
                word_like: kind == AliasKind::CaseSensitive && !is_abbreviation(alias),
            };
            add(
                alias,
                kind != AliasKind::Plain || is_abbreviation(alias),
                entry,
            );
        }
        // Display names are written forms too ("Côte d'Ivoire" is only there).
        for (i, c) in kb.countries.iter().enumerate() {
            for name in [&c.name_en, &c.name_id] {
                if !c.all_aliases().any(|(a, _)| a == name.as_str()) {
                    let entry = Entry::Country {
                        country: i as u32,
                        ambiguous: false,
                        demonym: false,
                    };
                    add(name, is_abbreviation(name), entry);
                }
            }
        }
        for (alias, i, kind) in kb.country_aliases() {
            let demonym = kb.countries[i].is_demonym(alias);
            let entry = Entry::Country {
                country: i as u32,
                ambiguous: kind == AliasKind::Ambiguous,
                demonym,
            };
            add(
                alias,
                kind != AliasKind::Plain || is_abbreviation(alias),
                entry,
            );
        }
        let mut groups: HashMap<String, Vec<Pattern>> = HashMap::new();
        for pattern in by_key.into_values() {
            groups
                .entry(pattern.exact.to_ascii_lowercase())
                .or_default()
                .push(pattern);
        }
        let mut groups: Vec<(String, Vec<Pattern>)> = groups.into_iter().collect();
        // Deterministic pattern ids and variant order, whatever the hash map's order: ties
        // between variants of one name ("Kota Padang" the city, or the kecamatan of that
        // name in Rejang Lebong) go to the first, so the order must not depend on the
        // process's hash seed.
        groups.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        for (_, patterns) in &mut groups {
            patterns
                .sort_by(|a, b| (a.case_sensitive, &a.exact).cmp(&(b.case_sensitive, &b.exact)));
        }
        let automaton = DoubleArrayAhoCorasick::with_values(
            groups
                .iter()
                .enumerate()
                .map(|(i, (key, _))| (key.as_str(), i as u32)),
        )
        .expect("knowledge-base patterns compile");
        Self {
            automaton,
            groups: groups.into_iter().map(|(_, v)| v).collect(),
        }
    }

    /// Number of distinct patterns.
    pub fn len(&self) -> usize {
        self.groups.len()
    }

    /// True when the knowledge base gave no names at all.
    pub fn is_empty(&self) -> bool {
        self.groups.is_empty()
    }

    /// Finds the longest non-overlapping matches in `text`, leftmost first.
    pub fn find(&self, text: &str) -> Vec<GazetteerMatch> {
        let folded = text.to_ascii_lowercase();
        // (start, end, group, variant)
        let mut candidates: Vec<(usize, usize, usize, usize)> = Vec::new();
        for m in self.automaton.find_overlapping_iter(folded.as_bytes()) {
            let (start, end) = (m.start(), m.end());
            if !text.is_char_boundary(start)
                || !text.is_char_boundary(end)
                || !at_word_boundaries(text, start, end)
            {
                continue;
            }
            let group = m.value() as usize;
            let found = &text[start..end];
            for (v, pattern) in self.groups[group].iter().enumerate() {
                if !pattern.case_sensitive || found == pattern.exact {
                    candidates.push((start, end, group, v));
                }
            }
        }
        candidates.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
        let mut out: Vec<GazetteerMatch> = Vec::new();
        let mut covered_to = 0;
        let mut i = 0;
        while i < candidates.len() {
            let (start, end, group, _) = candidates[i];
            // All variants of the same span are considered together.
            let mut j = i;
            while j < candidates.len() && candidates[j].0 == start && candidates[j].1 == end {
                j += 1;
            }
            if start >= covered_to {
                let (start, district_word) = match district_word_before(text, start) {
                    Some(word_start) if word_start >= covered_to => (word_start, true),
                    _ => (start, false),
                };
                let found = &text[start..end];
                let capitalised = found.chars().next().is_some_and(char::is_uppercase);
                let mut entries: Vec<Entry> = Vec::new();
                for &(_, _, g, v) in &candidates[i..j] {
                    debug_assert_eq!(g, group);
                    let pattern = &self.groups[g][v];
                    // Proper names must be capitalised in running text ("batu" is a stone).
                    for e in &pattern.entries {
                        let e = match *e {
                            Entry::Place {
                                place,
                                ambiguous,
                                district: true,
                                ..
                            } if district_word => Entry::Place {
                                place,
                                qualified: true,
                                ambiguous,
                                district: true,
                                word_like: false,
                            },
                            // Without its level word, only districts could use it.
                            Entry::Place {
                                district: false, ..
                            } if district_word => continue,
                            e => e,
                        };
                        if (!e.is_proper_name() || capitalised || pattern.case_sensitive)
                            && !entries.contains(&e)
                        {
                            entries.push(e);
                        }
                    }
                }
                if !entries.is_empty() {
                    covered_to = end;
                    out.push(GazetteerMatch {
                        start,
                        end,
                        entries,
                    });
                }
            }
            i = j;
        }
        out
    }
}

/// Level words for a kecamatan, as written in front of its name.
const DISTRICT_WORDS: &[&str] = &["kecamatan ", "kec. ", "kec.", "kec "];

fn starts_with_ci(s: &str, prefix: &str) -> bool {
    s.len() >= prefix.len() && s.as_bytes()[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes())
}

/// Where "Kecamatan "/"Kec. " starts, when it stands right before `at`.
fn district_word_before(text: &str, at: usize) -> Option<usize> {
    let before = &text.as_bytes()[..at];
    DISTRICT_WORDS.iter().find_map(|w| {
        let start = at.checked_sub(w.len())?;
        let word_start_ok = start == 0 || !before[start - 1].is_ascii_alphanumeric();
        (word_start_ok && before[start..].eq_ignore_ascii_case(w.as_bytes())).then_some(start)
    })
}

/// An alias written in capitals, such as `NTT`, `DIY`, `AS`, `RRT`, is matched as written.
fn is_abbreviation(alias: &str) -> bool {
    let mut letters = 0;
    for c in alias.chars().filter(|c| c.is_alphabetic()) {
        if !c.is_uppercase() || letters == 5 {
            return false;
        }
        letters += 1;
    }
    letters > 0
}

fn at_word_boundaries(text: &str, start: usize, end: usize) -> bool {
    let before = text[..start].chars().next_back();
    let after = text[end..].chars().next();
    let is_word = |c: char| c.is_alphanumeric();
    // "Covid-19" ends in a digit; "DBD-nya" is still DBD; "Jawa Barat," ends at the comma.
    !before.is_some_and(is_word) && !after.is_some_and(is_word)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qualified_aliases() {
        assert!(is_qualified("Kabupaten Garut"));
        assert!(is_qualified("Kab. Garut"));
        assert!(is_qualified("Pemkot Bogor"));
        assert!(!is_qualified("Garut"));
        assert!(!is_qualified("Kotawaringin Barat"));
    }

    #[test]
    fn abbreviations() {
        assert!(is_abbreviation("NTT"));
        assert!(is_abbreviation("DKI"));
        assert!(!is_abbreviation("Jabar"));
    }

    #[test]
    fn district_level_words_are_read_from_the_text() {
        let t = "di Kecamatan Leles dan Kec. Kadungora, Leles";
        assert_eq!(district_word_before(t, 13), Some(3));
        assert_eq!(district_word_before(t, 28), Some(23));
        assert_eq!(district_word_before(t, 39), None);
    }

    #[test]
    fn boundaries() {
        let t = "di Balikpapan dan Bali.";
        assert!(!at_word_boundaries(t, 3, 7));
        assert!(at_word_boundaries(t, 18, 22));
    }
}
