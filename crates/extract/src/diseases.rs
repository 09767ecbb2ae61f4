//! Which diseases an article names, and which it is about.
//!
//! Every synonym match is a mention. An abbreviation (`PMK`, `TBC`, `SE`) counts
//! only with corroboration, because the same letters name regulations and
//! ministries ("Menko PMK", "PMK Nomor 10"): the full name elsewhere in the
//! article, an animal host of the disease, or case vocabulary in the same
//! sentence. A disease is primary when it dominates the article: named in the
//! title or the lead, and more often than the others.
//!
//! A generic name written inside a specific one folds into it ("meningitis" in
//! "meningococcal meningitis"), except a syndrome tag: "Ebola haemorrhagic fever"
//! names Ebola and the viral haemorrhagic fever syndrome, and both are reported.

use crate::Doc;
use crate::cues::Cue;
use crate::gazetteer::Entry;
use std::collections::HashMap;
use std::ops::Range;
use waspada_kb::KnowledgeBase;

/// A disease with its evidence, before output.
#[derive(Debug, Clone)]
pub struct DiseaseEvidence {
    /// Index into `KnowledgeBase::diseases`.
    pub disease: usize,
    /// Byte ranges of its mentions.
    pub spans: Vec<Range<usize>>,
    /// Weighted score: title and lead mentions count more, weak forms less.
    pub score: f64,
    /// At least one mention is a full (not weak, not abbreviated) name.
    pub strong: bool,
    /// Named in the title.
    pub in_title: bool,
    /// The article is about it.
    pub primary: bool,
    /// The matched texts, lower-cased (to fold generic names into specific ones).
    pub mention_texts: Vec<String>,
    /// For a syndrome tag: the diseases (indices into `KnowledgeBase::diseases`) in
    /// whose written names it was found. It is primary wherever one of them is.
    pub named_within: Vec<usize>,
    /// The article rules it out ("the disease is not SARS", "bukan DBD"): it cannot be
    /// what the article is about.
    pub ruled_out: bool,
    /// The article names it as the cause of the illness it reports ("the aetiological
    /// agent may be Nipah", "the diagnosis of yellow fever was confirmed"): it is what
    /// the article is about, however often it is named.
    pub identified: bool,
}

/// The written forms of the knowledge base's syndrome tags (see
/// `Disease::syndrome_tag`), lower-cased, built once per analyser.
pub struct SyndromeTags {
    tags: Vec<(usize, Vec<String>)>,
}

impl SyndromeTags {
    /// Collects the syndrome tags of `kb` with their case-insensitive, strong forms.
    pub fn new(kb: &KnowledgeBase) -> Self {
        let tags = kb
            .diseases
            .iter()
            .enumerate()
            .filter(|(_, d)| d.syndrome_tag)
            .map(|(i, d)| {
                let forms = d
                    .synonyms
                    .iter()
                    .filter(|s| !s.case_sensitive && !s.weak)
                    .map(|s| s.text.to_lowercase())
                    .collect();
                (i, forms)
            })
            .collect();
        Self { tags }
    }

    fn contains(&self, disease: usize) -> bool {
        self.tags.iter().any(|(d, _)| *d == disease)
    }

    /// Adds a syndrome tag's mentions found inside the other diseases' written names,
    /// once their primary marks are set.
    fn find_within(&self, list: &mut Vec<DiseaseEvidence>) {
        for (tag, forms) in &self.tags {
            let mut found: Vec<(Range<usize>, usize, bool, bool)> = Vec::new();
            for ev in list.iter().filter(|ev| ev.disease != *tag) {
                for (span, text) in ev.spans.iter().zip(&ev.mention_texts) {
                    let inner = forms
                        .iter()
                        .filter(|f| f.len() < text.len())
                        .find_map(|f| word_offset(text, f).map(|at| (at, f.len())));
                    if let Some((at, len)) = inner {
                        // Lower-casing may change byte lengths outside ASCII: then the
                        // whole name is the evidence.
                        let sub = if text.len() == span.len() {
                            span.start + at..span.start + at + len
                        } else {
                            span.clone()
                        };
                        found.push((sub, ev.disease, ev.strong, ev.primary));
                    }
                }
            }
            if found.is_empty() {
                continue;
            }
            let pos = match list.iter().position(|ev| ev.disease == *tag) {
                Some(p) => p,
                None => {
                    list.push(DiseaseEvidence {
                        disease: *tag,
                        spans: Vec::new(),
                        score: 0.0,
                        strong: false,
                        in_title: false,
                        primary: false,
                        mention_texts: Vec::new(),
                        named_within: Vec::new(),
                        ruled_out: false,
                        identified: false,
                    });
                    list.len() - 1
                }
            };
            let ev = &mut list[pos];
            for (span, within, strong, primary) in found {
                ev.spans.push(span);
                ev.strong |= strong;
                // A syndrome written inside a primary disease's name is primary with it.
                ev.primary |= primary;
                if !ev.named_within.contains(&within) {
                    ev.named_within.push(within);
                }
            }
            ev.spans.sort_by_key(|r| r.start);
            ev.spans.dedup();
        }
    }
}

/// Collects disease evidence from the gazetteer matches.
pub fn collect(doc: &Doc, kb: &KnowledgeBase, tags: &SyndromeTags) -> Vec<DiseaseEvidence> {
    struct Acc {
        spans: Vec<Range<usize>>,
        score: f64,
        full: bool,
        strong: bool,
        in_title: bool,
        ruled_out: bool,
        identified: bool,
        abbreviation_spans: Vec<Range<usize>>,
    }
    let mut by_disease: HashMap<usize, Acc> = HashMap::new();
    let mut order: Vec<usize> = Vec::new();
    for m in &doc.matches {
        for e in &m.entries {
            let Entry::Disease {
                disease,
                weak,
                abbreviation,
            } = *e
            else {
                continue;
            };
            let (d, weak) = match by_era(
                kb,
                disease as usize,
                &doc.text[m.start..m.end],
                doc.published,
            ) {
                Some(era_disease) => (era_disease, false),
                None => (disease as usize, weak),
            };
            let acc = by_disease.entry(d).or_insert_with(|| {
                order.push(d);
                Acc {
                    spans: Vec::new(),
                    score: 0.0,
                    full: false,
                    strong: false,
                    in_title: false,
                    ruled_out: false,
                    identified: false,
                    abbreviation_spans: Vec::new(),
                }
            });
            acc.ruled_out |= ruled_out_at(doc, m.start..m.end);
            // Named as the cause, even a bare pathogen name is the subject.
            let identified = identified_at(doc, m.start..m.end);
            acc.identified |= identified;
            // "saat pandemi Covid-19": the disease as a time reference, not a subject.
            let weak = !identified
                && (weak || doc.cue_near(m.start..m.start, 4, |c| c == Cue::PandemicEra));
            let in_title = m.start < doc.title_end;
            let in_lead = !in_title && m.start < doc.lead_end;
            let mut w = if weak { 0.3 } else { 1.0 };
            if in_title {
                w *= 3.0;
            } else if in_lead {
                w *= 1.5;
            }
            acc.score += w;
            acc.spans.push(m.start..m.end);
            acc.in_title |= in_title && !weak;
            if abbreviation {
                acc.abbreviation_spans.push(m.start..m.end);
            } else {
                acc.full |= !weak;
            }
            acc.strong |= !weak;
        }
    }
    // Syndromic rule: vomiting or diarrhoea after a shared meal is a suspected
    // food poisoning even where the article never writes "keracunan".
    if let Some(fp) = kb.diseases.iter().position(|d| d.id == "food_poisoning")
        && !by_disease.contains_key(&fp)
    {
        let spans = meal_then_symptoms(doc);
        if !spans.is_empty() {
            order.push(fp);
            let in_title = spans.iter().any(|s| s.start < doc.title_end);
            by_disease.insert(
                fp,
                Acc {
                    score: spans.len() as f64 + if in_title { 2.0 } else { 0.0 },
                    spans,
                    full: true,
                    strong: true,
                    in_title,
                    ruled_out: false,
                    identified: false,
                    abbreviation_spans: Vec::new(),
                },
            );
        }
    }
    let mut out = Vec::new();
    for d in order {
        let acc = by_disease
            .remove(&d)
            .expect("every ordered disease has evidence");
        let disease = &kb.diseases[d];
        if !acc.full && !acc.abbreviation_spans.is_empty() {
            let animal_host_named = disease
                .hosts
                .iter()
                .any(|h| h != "human" && doc.host_ids.contains(h));
            // Case vocabulary right next to the abbreviation: "kasus DBD", "suspek AFP",
            // "DBD meningkat" is not enough, "penderita DBD" is.
            let case_talk = acc
                .abbreviation_spans
                .iter()
                .any(|s| doc.cue_near(s.clone(), 24, is_case_talk));
            if !animal_host_named && !case_talk {
                continue;
            }
        }
        let mention_texts = acc
            .spans
            .iter()
            .map(|r| doc.text[r.clone()].to_lowercase())
            .collect();
        out.push(DiseaseEvidence {
            disease: d,
            spans: acc.spans,
            score: acc.score,
            strong: acc.strong,
            in_title: acc.in_title,
            mention_texts,
            primary: false,
            named_within: Vec::new(),
            ruled_out: acc.ruled_out,
            identified: acc.identified,
        });
    }
    let mut out = fold_generic(out, kb, tags);
    mark_primary(&mut out);
    mark_listed_with_primary(doc, &mut out);
    // After the primary marks, so that the tags do not count as more diseases named.
    tags.find_within(&mut out);
    out
}

/// Folds a generic disease into a specific one the article also names, when a name
/// of the generic is part of the specific name as written: "influenza" into "avian
/// influenza A(H5N1)", "meningitis" into "meningococcal meningitis", "demam
/// berdarah" into "demam berdarah Ebola". The article is about the specific one.
/// "Influenza-like illness" is not a kind of influenza, so "-like" names are no
/// targets. A syndrome also folds into a named disease that presents as it
/// ([`waspada_kb::Disease::presents_as`]). Syndrome tags stay: they are reported
/// beside the specific disease.
fn fold_generic(
    mut list: Vec<DiseaseEvidence>,
    kb: &KnowledgeBase,
    tags: &SyndromeTags,
) -> Vec<DiseaseEvidence> {
    let n = list.len();
    let mut target: Vec<Option<usize>> = vec![None; n];
    for g in 0..n {
        if tags.contains(list[g].disease) {
            continue;
        }
        // Only the generic's own matched forms can sit inside a specific name.
        let generic_names = &list[g].mention_texts;
        target[g] = list
            .iter()
            .enumerate()
            .find(|&(s, specific)| {
                s != g
                    && specific.mention_texts.iter().any(|t| {
                        generic_names
                            .iter()
                            .any(|name| name.len() < t.len() && names_a_kind_of(t, name))
                    })
            })
            .map(|(s, _)| s)
            .or_else(|| {
                let generic_id = &kb.diseases[list[g].disease].id;
                list.iter()
                    .position(|s| kb.diseases[s.disease].presents_as.contains(generic_id))
            });
    }
    for g in 0..n {
        // Follow chains, guarding against cycles.
        let mut s = g;
        for _ in 0..n {
            match target[s] {
                Some(next) if next != g => s = next,
                _ => break,
            }
        }
        if s != g && target[g].is_some() {
            let moved = std::mem::take(&mut list[g].spans);
            let score = list[g].score;
            list[s].spans.extend(moved);
            list[s].spans.sort_by_key(|r| r.start);
            list[s].score += score;
            list[s].in_title |= list[g].in_title;
            list[s].ruled_out |= list[g].ruled_out;
            list[s].identified |= list[g].identified;
        }
    }
    list.into_iter().filter(|d| !d.spans.is_empty()).collect()
}

/// `name` occurs in `text` as whole words, and not as "name-like" / "name like".
fn names_a_kind_of(text: &str, name: &str) -> bool {
    word_offset(text, name).is_some_and(|at| {
        let rest = &text[at + name.len()..];
        !(rest.starts_with("-like") || rest.starts_with(" like"))
    })
}

/// Byte offset of the first occurrence of `name` in `text` as whole words.
fn word_offset(text: &str, name: &str) -> Option<usize> {
    text.match_indices(name).map(|(i, _)| i).find(|&i| {
        let before = text[..i].chars().next_back();
        let after = text[i + name.len()..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })
}

/// Sentences in which people fall ill (vomiting, diarrhoea, nausea) after eating:
/// returns the "after eating" phrases.
fn meal_then_symptoms(doc: &Doc) -> Vec<Range<usize>> {
    use regex::Regex;
    use std::sync::OnceLock;
    static MEAL: OnceLock<Regex> = OnceLock::new();
    static SYMPTOM: OnceLock<Regex> = OnceLock::new();
    let meal = MEAL.get_or_init(|| {
        Regex::new(r"(?i)(?-u:\b)(?:usai|setelah|sesudah|seusai|selepas|pasca|after)\s+(?:pagi\s+harinya\s+)?(?:menyantap|santap|mengonsumsi|mengkonsumsi|konsumsi|memakan|makan|menikmati|eating|consuming)(?-u:\b)")
            .expect("meal pattern is valid")
    });
    let symptom = SYMPTOM.get_or_init(|| {
        Regex::new(r"(?i)(?-u:\b)(?:mual|muntah|diare|sakit\s+perut|mulas|nausea|vomiting|diarrh(?:o)?ea|abdominal\s+pain)(?-u:\b)")
            .expect("symptom pattern is valid")
    });
    let mut out = Vec::new();
    for m in meal.find_iter(doc.text) {
        let Some(i) = doc.sentence_index(m.start()) else {
            continue;
        };
        let sentence = &doc.text[doc.sentences[i].clone()];
        if symptom.is_match(sentence) {
            out.push(m.start()..m.end());
        }
    }
    out
}

/// "Novel coronavirus" named a different disease in each era: SARS in 2003, MERS
/// from 2012, COVID-19 from December 2019. Given the publication date, the vague
/// name resolves to the disease of its time (and then is the article's subject).
fn by_era(
    kb: &KnowledgeBase,
    disease: usize,
    written: &str,
    published: Option<jiff::civil::Date>,
) -> Option<usize> {
    const VAGUE: &[&str] = &[
        "novel coronavirus",
        "coronavirus",
        "ncov",
        "new coronavirus",
    ];
    if kb.diseases[disease].id != "covid19" || !VAGUE.contains(&written.to_lowercase().as_str()) {
        return None;
    }
    let p = published?;
    let era = if p >= jiff::civil::date(2019, 12, 1) {
        "covid19"
    } else if p >= jiff::civil::date(2012, 6, 1) {
        "mers"
    } else if p >= jiff::civil::date(2002, 11, 1) && p <= jiff::civil::date(2004, 12, 31) {
        "sars"
    } else {
        return None;
    };
    kb.diseases.iter().position(|d| d.id == era)
}

fn is_case_talk(c: Cue) -> bool {
    matches!(
        c,
        Cue::Ill
            | Cue::CaseUnit
            | Cue::Death
            | Cue::AnimalDeath
            | Cue::Confirmed
            | Cue::Suspected
            | Cue::Outbreak
    )
}

/// The article says that the illness it reports is not this disease: "the disease
/// is not SARS", "it was not the SARS coronavirus but …", "penyakit itu bukan DBD,
/// melainkan …". Only the reported illness itself counts: "contacts tested negative
/// for Ebola" or "H5N1 cannot be ruled out" say nothing of the kind.
fn ruled_out_at(doc: &Doc, span: Range<usize>) -> bool {
    use regex::Regex;
    use std::sync::OnceLock;
    static BEFORE: OnceLock<Regex> = OnceLock::new();
    let before = BEFORE.get_or_init(|| {
        Regex::new(
            r"(?i)\b(?:disease|illness|outbreak|cause|agent|it|this|that|penyakit(?:\s+(?:itu|tersebut|ini))?|wabah(?:\s+(?:itu|tersebut|ini))?|itu|tersebut)\s+(?:(?:is|was|were|are)\s+not|(?:dipastikan\s+)?bukan(?:lah)?)\s+(?:the\s+|a\s+|an\s+)?$",
        )
        .expect("ruled-out pattern is valid")
    });
    let window = doc.text_before(span.start, 48);
    // The pattern needs a negation: most mentions have none before them.
    static NEGATION: OnceLock<aho_corasick::AhoCorasick> = OnceLock::new();
    let negation = NEGATION.get_or_init(|| {
        aho_corasick::AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(["not", "bukan"])
            .expect("negation words build")
    });
    negation.is_match(window) && before.is_match(window)
}

fn mark_primary(diseases: &mut [DiseaseEvidence]) {
    let Some(top) = diseases
        .iter()
        .filter(|d| d.strong && !d.ruled_out)
        .map(|d| d.score)
        .fold(None, |a: Option<f64>, s| Some(a.map_or(s, |a| a.max(s))))
    else {
        return;
    };
    let strong_count = diseases.iter().filter(|d| d.strong && !d.ruled_out).count();
    for d in diseases.iter_mut() {
        // An article about a disease names it in the headline or more than once, unless
        // it names no other disease at all.
        let named_enough = d.in_title || d.spans.len() >= 2 || strong_count == 1;
        d.primary = !d.ruled_out
            && (d.identified
                || (d.strong
                    && named_enough
                    && (d.score >= top * 0.5 || (d.in_title && d.score >= top * 0.3))));
    }
}

/// A disease named in the headline or the lead in one list with a disease the article
/// is about is a subject too: "a suspected triple outbreak of typhoid fever,
/// shigellosis and cholera", "kasus DBD dan chikungunya", "wabah campak/rubela". It
/// must still be named in full and more than once (or in the headline), so that a list
/// of what tested negative in passing does not qualify.
fn mark_listed_with_primary(doc: &Doc, diseases: &mut [DiseaseEvidence]) {
    let mut lead: Vec<(Range<usize>, usize)> = diseases
        .iter()
        .enumerate()
        .flat_map(|(i, d)| {
            d.spans
                .iter()
                .filter(|s| s.start < doc.lead_end)
                .map(move |s| (s.clone(), i))
        })
        .collect();
    if lead.len() < 2 {
        return;
    }
    lead.sort_by_key(|(s, _)| s.start);
    let eligible =
        |d: &DiseaseEvidence| d.strong && !d.ruled_out && (d.in_title || d.spans.len() >= 2);
    // A list spreads along its items: repeat until nothing changes.
    loop {
        let mut changed = false;
        for pair in lead.windows(2) {
            let ((a, i), (b, j)) = (&pair[0], &pair[1]);
            if i == j || b.start < a.end || !is_list_joiner(&doc.text[a.end..b.start]) {
                continue;
            }
            for (from, to) in [(*i, *j), (*j, *i)] {
                if diseases[from].primary && !diseases[to].primary && eligible(&diseases[to]) {
                    diseases[to].primary = true;
                    changed = true;
                }
            }
        }
        if !changed {
            break;
        }
    }
}

/// The text between two items of one list: a comma, a slash, "and", "dan", ...
fn is_list_joiner(gap: &str) -> bool {
    if gap.len() > 16 {
        return false;
    }
    let gap = gap.trim();
    let gap = gap.strip_prefix(',').map_or(gap, str::trim_start);
    gap.is_empty()
        || matches!(
            gap.to_lowercase().as_str(),
            "/" | "&" | "and" | "dan" | "serta" | "maupun" | "as well as"
        )
}

/// The article names this mention as the cause of the illness it reports: "the
/// causative agent … is a virus from the Arenaviridae family", "the aetiological agent
/// may be Nipah", "penyebabnya adalah bakteri Salmonella", "cases were confirmed as
/// shigellosis", "the diagnosis of yellow fever … was confirmed".
fn identified_at(doc: &Doc, span: Range<usize>) -> bool {
    use regex::Regex;
    use std::sync::OnceLock;
    static KEYS: OnceLock<aho_corasick::AhoCorasick> = OnceLock::new();
    static CAUSE: OnceLock<Regex> = OnceLock::new();
    static DIAGNOSIS: OnceLock<Regex> = OnceLock::new();
    let window = doc.text_before(span.start, 160);
    // Most mentions have none of these words before them: skip the patterns.
    let keys = KEYS.get_or_init(|| {
        aho_corasick::AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(["agent", "cause of", "penyebab", "ed as ", "diagnos"])
            .expect("cause words build")
    });
    if !keys.is_match(window) {
        return false;
    }
    let cause = CAUSE.get_or_init(|| {
        Regex::new(
            r"(?ix)
            (?:
                (?:
                    \b(?:causative|aetiological|etiological|aetiologic|etiologic)\s+agent\b[^.;:]{0,120}?
                  | \bcause\s+of\s+(?:the\s+|this\s+)?(?:outbreak|illness|disease|deaths|cases|epidemic|cluster)\b[^.;:]{0,80}?
                  | \b(?:agen\s+)?penyebab(?:nya)?\b[^.;:]{0,80}?
                )
                \b(?:is|was|are|were|may\s+be|might\s+be|could\s+be|is\s+likely|was\s+likely
                    |adalah|ialah|yaitu|yakni|merupakan|dipastikan|diduga|diketahui)
                \s+(?:(?:an?|the)\s+)?(?:[\w-]+\s+){0,4}
              | \b(?:was|were|has\s+been|have\s+been|is|are)\s+(?:laboratory[\s-])?(?:confirmed|identified|diagnosed)\s+as\s+(?:(?:an?|the)\s+)?
            )$",
        )
        .expect("identification pattern is valid")
    });
    if cause.is_match(window) {
        return true;
    }
    // "The diagnosis of yellow fever by culture and PCR was confirmed today": only once
    // the rest of the sentence confirms it.
    let diagnosis = DIAGNOSIS.get_or_init(|| {
        Regex::new(r"(?i)\b(?:diagnosis\s+of|diagnosis|diagnosa)\s+(?:the\s+)?$")
            .expect("diagnosis pattern is valid")
    });
    diagnosis.is_match(window) && {
        let after = doc.text_after(span.end, 120).to_lowercase();
        ["confirmed", "dikonfirmasi", "terkonfirmasi", "ditegakkan"]
            .iter()
            .any(|w| after.contains(w))
    }
}

/// Diseases whose human form has a distinct animal entry (`avian_influenza` for
/// zoonotic influenza, swine influenza): when the article reports only animals, the
/// animal entry is the right one; when it reports people, the human one. Built once
/// per analyser from the knowledge base's `animal_variant` and `human_variant` links.
pub struct HostVariants {
    animal: Vec<Option<usize>>,
    human: Vec<Option<usize>>,
}

impl HostVariants {
    /// Indexes the variant links of `kb`.
    pub fn new(kb: &KnowledgeBase) -> Self {
        let index: HashMap<&str, usize> = kb
            .diseases
            .iter()
            .enumerate()
            .map(|(i, d)| (d.id.as_str(), i))
            .collect();
        let mut animal = vec![None; kb.diseases.len()];
        let mut human = vec![None; kb.diseases.len()];
        for (i, d) in kb.diseases.iter().enumerate() {
            if let Some(&a) = d.animal_variant.as_deref().and_then(|a| index.get(a)) {
                animal[i] = Some(a);
                human[a] = Some(i);
            }
        }
        for (i, d) in kb.diseases.iter().enumerate() {
            if let Some(&h) = d.human_variant.as_deref().and_then(|h| index.get(h)) {
                human[i] = Some(h);
            }
        }
        Self { animal, human }
    }

    /// Switches each disease to the entry that fits who is affected.
    pub fn resolve(&self, diseases: &mut [DiseaseEvidence], animals_only: bool) {
        for ev in diseases.iter_mut() {
            let switch = if animals_only {
                self.animal[ev.disease]
            } else {
                self.human[ev.disease]
            };
            if let Some(other) = switch {
                ev.disease = other;
            }
        }
    }
}
