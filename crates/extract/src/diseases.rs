//! Which diseases an article names, and which it is about.
//!
//! Every synonym match is a mention. An abbreviation (`PMK`, `TBC`, `SE`) counts
//! only with corroboration, because the same letters name regulations and
//! ministries ("Menko PMK", "PMK Nomor 10"): the full name elsewhere in the
//! article, an animal host of the disease, or case vocabulary in the same
//! sentence. A disease is primary when it dominates the article: named in the
//! title or the lead, and more often than the others.

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
}

/// Collects disease evidence from the gazetteer matches.
pub fn collect(doc: &Doc, kb: &KnowledgeBase) -> Vec<DiseaseEvidence> {
    struct Acc {
        spans: Vec<Range<usize>>,
        score: f64,
        full: bool,
        strong: bool,
        in_title: bool,
        abbreviation_spans: Vec<Range<usize>>,
    }
    let mut by_disease: HashMap<usize, Acc> = HashMap::new();
    let mut order: Vec<usize> = Vec::new();
    for m in &doc.matches {
        for e in &m.entries {
            let Entry::Disease { disease, weak, abbreviation } = *e else { continue };
            let d = disease as usize;
            let acc = by_disease.entry(d).or_insert_with(|| {
                order.push(d);
                Acc { spans: Vec::new(), score: 0.0, full: false, strong: false, in_title: false, abbreviation_spans: Vec::new() }
            });
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
    let mut out = Vec::new();
    for d in order {
        let acc = by_disease.remove(&d).expect("every ordered disease has evidence");
        let disease = &kb.diseases[d];
        if !acc.full && !acc.abbreviation_spans.is_empty() {
            let animal_host_named = disease.hosts.iter().any(|h| h != "human" && doc.host_ids.contains(h));
            let case_talk = acc.abbreviation_spans.iter().any(|s| doc.sentence_has_cue(s.start, is_case_talk));
            if !animal_host_named && !case_talk {
                continue;
            }
        }
        out.push(DiseaseEvidence {
            disease: d,
            spans: acc.spans,
            score: acc.score,
            strong: acc.strong,
            in_title: acc.in_title,
            primary: false,
        });
    }
    mark_primary(&mut out);
    out
}

fn is_case_talk(c: Cue) -> bool {
    matches!(
        c,
        Cue::Ill | Cue::CaseUnit | Cue::Death | Cue::AnimalDeath | Cue::Confirmed | Cue::Suspected | Cue::Outbreak
    )
}

fn mark_primary(diseases: &mut [DiseaseEvidence]) {
    let Some(top) = diseases.iter().filter(|d| d.strong).map(|d| d.score).fold(None, |a: Option<f64>, s| {
        Some(a.map_or(s, |a| a.max(s)))
    }) else {
        return;
    };
    for d in diseases.iter_mut() {
        d.primary = d.strong && (d.score >= top * 0.5 || (d.in_title && d.score >= top * 0.3));
    }
}

/// Diseases whose human form has a distinct animal entry (`avian_influenza` for
/// zoonotic influenza): when the article reports only animals, the animal entry is
/// the right one; when it reports people, the human one.
pub fn resolve_host_variants(diseases: &mut [DiseaseEvidence], kb: &KnowledgeBase, animals_only: bool) {
    let mut human_of: HashMap<&str, usize> = HashMap::new();
    for (i, d) in kb.diseases.iter().enumerate() {
        if let Some(a) = &d.animal_variant {
            human_of.insert(a.as_str(), i);
        }
    }
    for ev in diseases.iter_mut() {
        let d = &kb.diseases[ev.disease];
        if animals_only {
            if let Some(variant) = d.animal_variant.as_deref().and_then(|a| kb.diseases.iter().position(|x| x.id == a)) {
                ev.disease = variant;
            }
        } else if let Some(&human) = human_of.get(d.id.as_str()) {
            ev.disease = human;
        }
    }
}
