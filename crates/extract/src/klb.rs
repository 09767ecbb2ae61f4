//! KLB (kejadian luar biasa) declarations.
//!
//! Under Permenkes 1501/2010 a regent, mayor, governor or the minister declares a
//! KLB. News writes it as "Pemkab Garut menetapkan status KLB", "Garut Tetapkan
//! KLB", "ditetapkan sebagai kejadian luar biasa", "berstatus KLB". The same
//! letters also mean Kongres Luar Biasa (an extraordinary party congress), and
//! many sentences discuss a KLB without declaring one: "belum ditetapkan KLB",
//! "mengusulkan status KLB", "bisa menjadi KLB". Each sentence that names a KLB is
//! read on its own, and the article's verdict is "declared" when one sentence
//! declares without negation, proposal or condition.

use crate::floor_boundary;
use regex::Regex;
use std::ops::Range;
use std::sync::OnceLock;

/// How one KLB phrase reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KlbReading {
    /// A KLB status was declared (or is in force).
    Declared,
    /// Negated, proposed, considered, conditional or lifted.
    NotDeclared,
    /// Named without a declaration verb.
    Mentioned,
    /// Another expansion: Kongres/Musyawarah Luar Biasa.
    OtherMeaning,
}

impl KlbReading {
    /// Stable name used in the JSON output.
    pub fn as_str(self) -> &'static str {
        match self {
            KlbReading::Declared => "declared",
            KlbReading::NotDeclared => "not_declared",
            KlbReading::Mentioned => "mentioned",
            KlbReading::OtherMeaning => "other_meaning",
        }
    }
}

/// One KLB phrase and how it reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KlbFinding {
    /// Byte range of the KLB phrase.
    pub span: Range<usize>,
    /// Its reading.
    pub reading: KlbReading,
}

fn klb_regex() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"(?i)(?-u:\b)kejadian\s+luar\s+biasa(?-u:\b)|(?-u:\b)KLB(?-u:\b)|(?-u:\b)outbreak\s+(?:was\s+|has\s+been\s+)?declared(?-u:\b)|(?-u:\b)declared\s+(?:an?\s+)?outbreak(?-u:\b)")
            .expect("KLB pattern is valid")
    })
}

fn declare_regex() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(
            r"(?i)(?-u:\b)(?:menetapkan|ditetapkan|tetapkan|penetapan|menetapkannya|berstatus|status|dinyatakan|menyatakan|nyatakan|umumkan|mengumumkan|diumumkan|memberlakukan|diberlakukan|berlakukan|declared?|declaring)(?-u:\b)",
        )
        .expect("declaration pattern is valid")
    })
}

fn hedge_regex() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(
            r"(?i)(?-u:\b)(?:belum|tidak|tak|bukan|enggan|batal|urung|tanpa|mengusulkan|usulkan|usul|usulan|diusulkan|mempertimbangkan|pertimbangkan|dipertimbangkan|wacana|berpotensi|potensi|bisa|dapat|bila|jika|apabila|kalau|akan|mungkin|ancaman|terancam|mencabut|dicabut|cabut|berakhir|not|no|may|could|would|if|considering|lifted|ended)(?-u:\b)",
        )
        .expect("hedge pattern is valid")
    })
}

fn other_meaning_regex() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"(?i)(?-u:\b)(?:kongres|musyawarah|munas|munaslub|rapat|muktamar|partai|demokrat|PSSI|DPP|DPD|ketua\s+umum|caketum|pengurus|kader|AD/ART)(?-u:\b)")
            .expect("other-meaning pattern is valid")
    })
}

/// Reads every KLB phrase in `text`. `sentences` are byte ranges in order.
pub fn find_klb(text: &str, sentences: &[Range<usize>]) -> Vec<KlbFinding> {
    let congress_article = other_meaning_regex()
        .find_iter(text)
        .filter(|m| {
            m.as_str().eq_ignore_ascii_case("kongres")
                || m.as_str().to_ascii_lowercase().starts_with("munas")
        })
        .count()
        > 0
        && !text.to_ascii_lowercase().contains("kejadian luar biasa");
    let mut out = Vec::new();
    for m in klb_regex().find_iter(text) {
        let si = sentences.partition_point(|s| s.end <= m.start());
        let sentence = sentences
            .get(si)
            .cloned()
            .filter(|s| s.start <= m.start())
            .unwrap_or(0..text.len());
        let reading = read_sentence(text, sentence, m.start()..m.end(), congress_article);
        out.push(KlbFinding {
            span: m.start()..m.end(),
            reading,
        });
    }
    out
}

fn read_sentence(
    text: &str,
    sentence: Range<usize>,
    klb: Range<usize>,
    congress_article: bool,
) -> KlbReading {
    let phrase = &text[klb.clone()];
    let is_abbrev = phrase == "KLB";
    // The clause around the phrase: from the previous comma-free stretch up to the phrase
    // and a little after ("status KLB ditetapkan").
    let before_start = clause_start(text, sentence.start, klb.start);
    let before = &text[before_start..klb.start];
    let after_end = (klb.end + 60).min(sentence.end);
    let after_end = floor_boundary(text, after_end);
    let after = &text[klb.end..after_end];
    if is_abbrev
        && (congress_article
            || other_meaning_regex().is_match(before)
            || other_meaning_regex().is_match(after))
    {
        return KlbReading::OtherMeaning;
    }
    let declared_before = declare_regex().find_iter(before).last();
    let declared_after = declare_regex().find(after.split([',', ';']).next().unwrap_or(""));
    let english = phrase.to_ascii_lowercase().contains("declared");
    if declared_before.is_none() && declared_after.is_none() && !english {
        return KlbReading::Mentioned;
    }
    // A hedge in the clause before the phrase, or right after it ("KLB belum ditetapkan"),
    // but not in the next clause ("menetapkan KLB polio dan akan menggelar imunisasi").
    let after_clause = after.split([',', ';', '.']).next().unwrap_or("");
    let after_clause = crate::clause_joins()
        .find(after_clause)
        .map_or(after_clause, |m| &after_clause[..m.start()]);
    let hedged = hedge_regex().is_match(before) || hedge_regex().is_match(after_clause);
    if hedged {
        KlbReading::NotDeclared
    } else {
        KlbReading::Declared
    }
}

/// Start of the clause that holds `at`: after the last `,`/`;`/`"`/`:` within 80 bytes.
fn clause_start(text: &str, sentence_start: usize, at: usize) -> usize {
    let from = floor_boundary(text, at.saturating_sub(80).max(sentence_start));
    let window = &text[from..at];
    match window.rfind([',', ';', '"', '“', '”', ':']) {
        Some(i) => from + i + 1,
        None => from,
    }
}

/// The article's verdict: some phrase declares a KLB.
pub fn declared(findings: &[KlbFinding]) -> bool {
    findings.iter().any(|f| f.reading == KlbReading::Declared)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Vec<KlbReading> {
        let whole = std::iter::once(0..text.len()).collect::<Vec<_>>();
        find_klb(text, &whole)
            .into_iter()
            .map(|f| f.reading)
            .collect()
    }

    #[test]
    fn declarations() {
        assert_eq!(
            read("Pemkab Garut menetapkan status KLB keracunan massal."),
            vec![KlbReading::Declared]
        );
        assert_eq!(read("Garut Tetapkan KLB"), vec![KlbReading::Declared]);
        assert_eq!(
            read("Wabah difteri ditetapkan sebagai kejadian luar biasa oleh bupati."),
            vec![KlbReading::Declared]
        );
        assert_eq!(
            read("Kabupaten itu kini berstatus KLB campak."),
            vec![KlbReading::Declared]
        );
        assert_eq!(
            read("Status KLB ditetapkan sejak Senin."),
            vec![KlbReading::Declared]
        );
        // What the next clause plans does not hedge the declaration.
        assert_eq!(
            read("Pemerintah menetapkan KLB polio dan akan menggelar imunisasi di Aceh."),
            vec![KlbReading::Declared]
        );
    }

    #[test]
    fn non_declarations() {
        assert_eq!(
            read("Dinkes belum menetapkan status KLB."),
            vec![KlbReading::NotDeclared]
        );
        assert_eq!(
            read("DPRD mengusulkan agar status KLB ditetapkan."),
            vec![KlbReading::NotDeclared]
        );
        assert_eq!(
            read("Kasus ini bisa ditetapkan menjadi KLB jika bertambah."),
            vec![KlbReading::NotDeclared]
        );
        assert_eq!(
            read("Status KLB belum ditetapkan dan kewaspadaan ditingkatkan."),
            vec![KlbReading::NotDeclared]
        );
        assert_eq!(
            read("Kami menduga ini kejadian luar biasa, ada pola ke sana."),
            vec![KlbReading::Mentioned]
        );
    }

    #[test]
    fn congress_is_not_an_outbreak() {
        assert_eq!(
            read(
                "Partai itu menggelar Kongres Luar Biasa. KLB tersebut menetapkan ketua umum baru."
            ),
            vec![KlbReading::OtherMeaning]
        );
        assert_eq!(
            read("Kader mendesak digelarnya KLB untuk memilih ketua umum."),
            vec![KlbReading::OtherMeaning]
        );
    }
}
