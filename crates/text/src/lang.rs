//! Language identification: a cheap lexical scorer first, lingua only when the scorer is unsure.
//!
//! Why two stages: a 4 kB article has a budget of about 50 µs for language id, and lingua
//! costs hundreds of microseconds per call even in low-accuracy mode. News articles are long
//! and full of function words, so counting a few dozen of them decides almost every article
//! in a few microseconds. Lingua (restricted to the six languages Waspada reads) is kept for
//! the short or mixed texts where the counts are too thin – headlines, captions, snippets.
//!
//! Indonesian and Malay share most function words, and lingua itself confuses them (its own
//! report: 69 % of Malay sentences labelled Indonesian), so a second lexical step decides
//! between them from spelling and vocabulary that differ between the two standards
//! (*kerana/karena*, *kes/kasus*, *hospital/rumah sakit*, *kerajaan/pemerintah* …). A source
//! hint (the outlet's country) settles texts where those markers are silent.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::OnceLock;

/// FNV-1a: the keys are short ASCII words, where SipHash's setup cost dominates.
#[derive(Default)]
struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for &b in bytes {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
}

type WordMap = HashMap<&'static str, u16, BuildHasherDefault<Fnv>>;

/// ISO 639-1 language of a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Language {
    /// Bahasa Indonesia (`id`).
    Indonesian,
    /// Bahasa Melayu / Malaysia (`ms`).
    Malay,
    /// English (`en`).
    English,
    /// Tagalog / Filipino (`tl`).
    Tagalog,
    /// Vietnamese (`vi`).
    Vietnamese,
    /// Thai (`th`).
    Thai,
    /// Not decided: empty, too short, or a language Waspada does not read (`und`).
    Unknown,
}

impl Language {
    /// All languages, `Unknown` last.
    pub const ALL: [Language; 7] = [
        Language::Indonesian,
        Language::Malay,
        Language::English,
        Language::Tagalog,
        Language::Vietnamese,
        Language::Thai,
        Language::Unknown,
    ];

    /// The ISO 639-1 code (`"und"` for [`Language::Unknown`], as in BCP 47).
    pub fn code(self) -> &'static str {
        match self {
            Language::Indonesian => "id",
            Language::Malay => "ms",
            Language::English => "en",
            Language::Tagalog => "tl",
            Language::Vietnamese => "vi",
            Language::Thai => "th",
            Language::Unknown => "und",
        }
    }

    /// Parses an ISO 639-1 code (case-insensitive; also accepts the 639-3 codes `ind`,
    /// `msa`/`zsm`, `eng`, `tgl`/`fil`, `vie`, `tha`). Returns `None` for anything else.
    pub fn from_code(code: &str) -> Option<Language> {
        let code = code.trim().to_ascii_lowercase();
        Some(match code.as_str() {
            "id" | "in" | "ind" => Language::Indonesian,
            "ms" | "msa" | "zsm" | "may" => Language::Malay,
            "en" | "eng" => Language::English,
            "tl" | "tgl" | "fil" => Language::Tagalog,
            "vi" | "vie" => Language::Vietnamese,
            "th" | "tha" => Language::Thai,
            "und" => Language::Unknown,
            _ => return None,
        })
    }
}

impl std::fmt::Display for Language {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for Language {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

/// How many bytes of a text the lexical scorer reads. Enough words to decide a news article,
/// small enough to stay within the per-article budget.
const LEXICAL_SAMPLE_BYTES: usize = 2_000;
/// How many bytes lingua sees when it has to be asked.
#[cfg(feature = "lingua")]
const LINGUA_SAMPLE_BYTES: usize = 600;
/// A family needs this many function-word hits, and twice the runner-up, to win without lingua.
const MIN_HITS: u32 = 4;

// Word classes (bit flags) for the lexical scorer.
const MALAY_FAMILY: u16 = 1; // function words common to Indonesian and Malay
const ENGLISH: u16 = 1 << 1;
const TAGALOG: u16 = 1 << 2;
const ID_MARKER: u16 = 1 << 3; // spelling or vocabulary of Indonesian, not Malaysian, usage
const MS_MARKER: u16 = 1 << 4;

/// Function words shared by Indonesian and Malay: they say "this is the Malay family".
const FAMILY_WORDS: &[&str] = &[
    "yang",
    "dan",
    "di",
    "ke",
    "dari",
    "untuk",
    "dengan",
    "ini",
    "itu",
    "dalam",
    "pada",
    "tidak",
    "akan",
    "juga",
    "ada",
    "oleh",
    "sebagai",
    "telah",
    "atau",
    "kepada",
    "mereka",
    "kami",
    "kita",
    "saat",
    "sudah",
    "lebih",
    "masih",
    "hingga",
    "para",
    "ia",
    "dia",
    "tersebut",
    "bagi",
    "antara",
    "namun",
    "tetapi",
    "serta",
    "kata",
    "menurut",
    "bahwa",
    "bahawa",
    "adalah",
    "ialah",
    "sejak",
    "belum",
    "sebanyak",
    "orang",
    "tahun",
    "hari",
    "selama",
    "lagi",
    "agar",
    "supaya",
    "jika",
    "kalau",
    "sama",
    "bulan",
    "seorang",
    "secara",
    "terhadap",
    "melalui",
    "mengatakan",
    "berkata",
    "lalu",
    "kemudian",
    "banyak",
    "beberapa",
    "sekitar",
    "semua",
    "baru",
];

/// Indonesian-standard words whose Malaysian counterparts differ.
const ID_MARKERS: &[&str] = &[
    "karena",
    "kasus",
    "pemerintah",
    "setelah",
    "bisa",
    "dinas",
    "puskesmas",
    "warga",
    "kabupaten",
    "kecamatan",
    "kelurahan",
    "provinsi",
    "pasien",
    "kesehatan",
    "kemarin",
    "yaitu",
    "yakni",
    "ujar",
    "tapi",
    "polisi",
    "dokter",
    "obat",
    "uang",
    "kendaraan",
    "bagian",
    "maupun",
    "tentara",
    "senin",
    "kamis",
    "jumat",
    "minggu",
    "pekan",
    "rsud",
    "kemenkes",
    "dinkes",
    "rp",
    "infeksi",
    "kamar",
    "internasional",
    "universitas",
    "proyek",
    "aktivitas",
    "kualitas",
    "mengonfirmasi",
    "membenarkan",
    "sekolah",
    "kota",
    "desa",
    "sejumlah",
    "terkait",
    "saja",
    "nggak",
    "enggak",
    "gimana",
    "bilang",
    "banget",
    "pihaknya",
    "petugas",
    "mengimbau",
];

/// Malaysian-standard words whose Indonesian counterparts differ.
const MS_MARKERS: &[&str] = &[
    "kerana",
    "jabatan",
    "kerajaan",
    "hospital",
    "wad",
    "iaitu",
    "selepas",
    "kes",
    "denggi",
    "seramai",
    "baharu",
    "pesakit",
    "jangkitan",
    "wabak",
    "semalam",
    "bilangan",
    "kesihatan",
    "polis",
    "doktor",
    "ubat",
    "wang",
    "kenderaan",
    "bahagian",
    "mahupun",
    "tentera",
    "isnin",
    "khamis",
    "jumaat",
    "ahad",
    "antarabangsa",
    "universiti",
    "projek",
    "aktiviti",
    "kualiti",
    "mengesahkan",
    "disahkan",
    "menerusi",
    "manakala",
    "justeru",
    "semasa",
    "sebarang",
    "kakitangan",
    "pejabat",
    "bandar",
    "percuma",
    "ramai",
    "agensi",
    "rm",
    "kkm",
    "daripada",
    "boleh",
    "sahaja",
    "beliau",
    "pertubuhan",
    "negeri",
    "kenyataan",
    "dakwa",
    "mendakwa",
    "walau",
    "bagaimanapun",
];

/// Weight of each Malay marker: the common words ("daripada", "boleh", "beliau" …) are also
/// used in Indonesian, so they count for less than unambiguous spellings.
fn ms_marker_weight(word: &str) -> u32 {
    match word {
        "daripada" | "boleh" | "beliau" | "negeri" | "semasa" | "ramai" | "bandar" | "walau" => 1,
        _ => 3,
    }
}

fn id_marker_weight(word: &str) -> u32 {
    match word {
        "sekolah" | "kota" | "desa" | "saja" | "terkait" | "sejumlah" | "minggu" | "ujar"
        | "pihaknya" | "petugas" => 1,
        _ => 3,
    }
}

const ENGLISH_WORDS: &[&str] = &[
    "the", "of", "and", "to", "in", "is", "was", "that", "for", "with", "on", "by", "as", "are",
    "has", "have", "were", "from", "this", "which", "been", "after", "an", "at", "be", "it", "its",
    "or", "not", "had", "their", "they", "will", "who", "said", "also", "than", "into", "more",
    "there", "these", "those", "cases", "health", "outbreak", "reported", "since", "between",
];

const TAGALOG_WORDS: &[&str] = &[
    "ang", "ng", "mga", "sa", "na", "ay", "ni", "si", "kay", "hindi", "siya", "ito", "iyon",
    "namang", "din", "rin", "lamang", "ngunit", "dahil", "kung", "noong", "nang", "kanilang",
    "mula", "ayon", "naman", "po", "ba", "nila", "niya", "kaso", "ospital",
];

/// Identifies the language of article text. Build once: [`LanguageIdentifier::global`].
pub struct LanguageIdentifier {
    words: WordMap,
    // Built on first use only: most articles never need it.
    #[cfg(feature = "lingua")]
    lingua: OnceLock<lingua::LanguageDetector>,
}

impl Default for LanguageIdentifier {
    fn default() -> Self {
        Self::new()
    }
}

/// Function-word counts of a text sample.
#[derive(Debug, Default, Clone, Copy)]
struct Scores {
    words: u32,
    family: u32,
    english: u32,
    tagalog: u32,
    id: u32,
    ms: u32,
    thai_chars: u32,
    viet_chars: u32,
    letters: u32,
}

impl LanguageIdentifier {
    /// Builds an identifier. Cheap (a hash map of ~300 words); the lingua models load lazily
    /// on the first text that needs them.
    pub fn new() -> Self {
        let mut words = WordMap::with_capacity_and_hasher(400, Default::default());
        let lists: [(&[&str], u16); 5] = [
            (FAMILY_WORDS, MALAY_FAMILY),
            (ID_MARKERS, ID_MARKER),
            (MS_MARKERS, MS_MARKER),
            (ENGLISH_WORDS, ENGLISH),
            (TAGALOG_WORDS, TAGALOG),
        ];
        for (list, flag) in lists {
            for w in list {
                *words.entry(w).or_insert(0) |= flag;
            }
        }
        LanguageIdentifier {
            words,
            #[cfg(feature = "lingua")]
            lingua: OnceLock::new(),
        }
    }

    /// Process-wide identifier, built once (lazily). Building costs microseconds; the lingua
    /// models load only when a text needs them.
    pub fn global() -> &'static LanguageIdentifier {
        static GLOBAL: OnceLock<LanguageIdentifier> = OnceLock::new();
        GLOBAL.get_or_init(LanguageIdentifier::new)
    }

    /// Loads the lingua models now instead of on the first ambiguous text (for servers that
    /// prefer a predictable first request). Returns the detector for direct use.
    #[cfg(feature = "lingua")]
    pub fn preload(&self) -> &lingua::LanguageDetector {
        self.lingua.get_or_init(build_lingua)
    }

    /// Detects the language of an article's clean text (title first, then the body).
    ///
    /// Reads at most the first 2 kB: the function-word scorer decides most news texts; lingua
    /// (on the first 600 bytes) decides short or mixed ones.
    pub fn detect(&self, text: &str) -> Language {
        self.detect_with_hint(text, None)
    }

    /// Same as [`detect`](Self::detect), but `hint` (the language of the source, e.g. a
    /// Malaysian outlet) decides between Indonesian and Malay when the text does not.
    /// A hint of another language is used only when the text itself gives no answer.
    pub fn detect_with_hint(&self, text: &str, hint: Option<Language>) -> Language {
        self.explain(text, hint).language
    }

    /// Detects the language and says how it was decided, for reports and debugging.
    pub fn explain(&self, text: &str, hint: Option<Language>) -> Detection {
        let sample = prefix_on_char_boundary(text, LEXICAL_SAMPLE_BYTES);
        let s = self.score(sample);
        let done = |language, decided_by| Detection {
            language,
            decided_by,
            indonesian_markers: s.id,
            malay_markers: s.ms,
        };
        if s.letters == 0 {
            return match hint {
                Some(h) => done(h, DecidedBy::Hint),
                None => done(Language::Unknown, DecidedBy::NoEvidence),
            };
        }
        // Scripts first: Thai letters or Vietnamese tone-marked vowels decide on their own.
        if s.thai_chars * 3 >= s.letters {
            return done(Language::Thai, DecidedBy::Script);
        }
        if s.viet_chars * 12 >= s.letters && s.viet_chars >= 3 {
            return done(Language::Vietnamese, DecidedBy::Script);
        }
        let (family, by) = self.family(&s, sample);
        match family {
            Family::MalayIndonesian => {
                let (lang, step) = self.indonesian_or_malay(&s, hint);
                done(lang, step.unwrap_or(by))
            }
            Family::Other(lang) => done(lang, by),
            Family::Unknown => match hint {
                Some(h) => done(h, DecidedBy::Hint),
                None => done(Language::Unknown, DecidedBy::NoEvidence),
            },
        }
    }

    /// Decides the language family: lexical counts when they are clear, lingua otherwise.
    fn family(&self, s: &Scores, sample: &str) -> (Family, DecidedBy) {
        let ranked = {
            let mut v = [
                (s.family, Family::MalayIndonesian),
                (s.english, Family::Other(Language::English)),
                (s.tagalog, Family::Other(Language::Tagalog)),
            ];
            v.sort_by_key(|e| std::cmp::Reverse(e.0));
            v
        };
        let (best, best_family) = ranked[0];
        let second = ranked[1].0;
        if best >= MIN_HITS && best >= 2 * second.max(1) {
            return (best_family, DecidedBy::FunctionWords);
        }
        if s.words < 2 {
            // A single word or a code: no detector is reliable on that.
            return (Family::Unknown, DecidedBy::NoEvidence);
        }
        #[cfg(not(feature = "lingua"))]
        {
            let _ = sample;
            // Without lingua: a strict lexical lead still decides; a tie does not.
            if best > second {
                return (best_family, DecidedBy::FunctionWords);
            }
            (Family::Unknown, DecidedBy::NoEvidence)
        }
        #[cfg(feature = "lingua")]
        {
            (self.lingua_family(sample), DecidedBy::Lingua)
        }
    }

    #[cfg(feature = "lingua")]
    fn lingua_family(&self, sample: &str) -> Family {
        let lingua_sample = prefix_on_char_boundary(sample, LINGUA_SAMPLE_BYTES);
        match self.preload().detect_language_of(lingua_sample) {
            Some(lingua::Language::Indonesian | lingua::Language::Malay) => Family::MalayIndonesian,
            Some(lingua::Language::English) => Family::Other(Language::English),
            Some(lingua::Language::Tagalog) => Family::Other(Language::Tagalog),
            Some(lingua::Language::Vietnamese) => Family::Other(Language::Vietnamese),
            Some(lingua::Language::Thai) => Family::Other(Language::Thai),
            _ => Family::Unknown,
        }
    }

    /// Indonesian vs Malay from marker words; the hint breaks ties; Indonesian by default,
    /// since Waspada's sources are mostly Indonesian.
    /// Returns the language and the step that decided it (`None`: the Indonesian default).
    fn indonesian_or_malay(
        &self,
        s: &Scores,
        hint: Option<Language>,
    ) -> (Language, Option<DecidedBy>) {
        let (id, ms) = (s.id, s.ms);
        // A clear lexical majority beats the hint: Malaysian outlets do quote Indonesian text,
        // but a whole article in the other standard means the article is in it.
        if ms >= 6 && ms >= 2 * id {
            return (Language::Malay, Some(DecidedBy::Markers));
        }
        if id >= 6 && id >= 2 * ms {
            return (Language::Indonesian, Some(DecidedBy::Markers));
        }
        match hint {
            Some(Language::Malay) => (Language::Malay, Some(DecidedBy::Hint)),
            Some(Language::Indonesian) => (Language::Indonesian, Some(DecidedBy::Hint)),
            _ if ms > id + 2 => (Language::Malay, Some(DecidedBy::Markers)),
            _ => (Language::Indonesian, None),
        }
    }

    /// Counts function words and script classes in a sample. One pass over the bytes:
    /// ASCII words are looked up, other words only counted for their script.
    fn score(&self, sample: &str) -> Scores {
        let mut s = Scores::default();
        let bytes = sample.as_bytes();
        let mut buf = [0u8; 24];
        let mut prev_rumah = false;
        let mut i = 0;
        while i < bytes.len() {
            let start = i;
            let mut ascii = true;
            // Scan one word (letters, digits, combining marks).
            while i < bytes.len() {
                let b = bytes[i];
                if b.is_ascii_alphanumeric() {
                    s.letters += u32::from(b.is_ascii_alphabetic());
                    i += 1;
                } else if b >= 0x80 {
                    let Some(c) = sample[i..].chars().next() else {
                        break;
                    };
                    if !crate::token::is_word_char(c) {
                        break;
                    }
                    ascii = false;
                    if c.is_alphabetic() {
                        s.letters += 1;
                        if ('\u{0E00}'..='\u{0E7F}').contains(&c) {
                            s.thai_chars += 1;
                        } else if is_vietnamese_letter(c) {
                            s.viet_chars += 1;
                        }
                    }
                    i += c.len_utf8();
                } else {
                    break;
                }
            }
            if i == start {
                // Not a word character: skip it whole.
                i += sample[i..].chars().next().map_or(1, char::len_utf8);
                continue;
            }
            let word = &bytes[start..i];
            if !ascii || word.len() > buf.len() {
                prev_rumah = false;
                continue;
            }
            s.words += 1;
            let lower = &mut buf[..word.len()];
            lower.copy_from_slice(word);
            lower.make_ascii_lowercase();
            let Ok(lower) = std::str::from_utf8(lower) else {
                continue;
            };
            // "rumah sakit" is the Indonesian for the Malaysian "hospital".
            if prev_rumah && lower == "sakit" {
                s.id += 3;
            }
            prev_rumah = lower == "rumah";
            let Some(&flags) = self.words.get(lower) else {
                continue;
            };
            if flags & MALAY_FAMILY != 0 {
                s.family += 1;
            }
            if flags & ENGLISH != 0 {
                s.english += 1;
            }
            if flags & TAGALOG != 0 {
                s.tagalog += 1;
            }
            if flags & ID_MARKER != 0 {
                s.id += id_marker_weight(lower);
                // Indonesian-only vocabulary also tells the family apart from English.
                s.family += 1;
            }
            if flags & MS_MARKER != 0 {
                s.ms += ms_marker_weight(lower);
                s.family += 1;
            }
        }
        s
    }
}

/// How a language was decided (see [`LanguageIdentifier::explain`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DecidedBy {
    /// Thai or Vietnamese letters.
    Script,
    /// Function-word counts.
    FunctionWords,
    /// Indonesian/Malay marker words.
    Markers,
    /// lingua, for a short or mixed text.
    Lingua,
    /// The source hint. (When the markers are silent and no hint is given, the Malay family
    /// defaults to Indonesian and the family's deciding step is reported.)
    Hint,
    /// No letters or too few words: the result is `Unknown` unless a hint was given.
    NoEvidence,
}

/// A language decision with its evidence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Detection {
    /// The detected language.
    pub language: Language,
    /// Which step decided it.
    pub decided_by: DecidedBy,
    /// Weighted count of Indonesian-only words in the sample.
    pub indonesian_markers: u32,
    /// Weighted count of Malaysian-only words in the sample.
    pub malay_markers: u32,
}

#[derive(Debug, Clone, Copy)]
enum Family {
    MalayIndonesian,
    Other(Language),
    Unknown,
}

#[cfg(feature = "lingua")]
fn build_lingua() -> lingua::LanguageDetector {
    use lingua::Language as L;
    // Low-accuracy mode loads only the trigram models: a fraction of the load time and memory,
    // and lingua only sees texts the function-word scorer could not decide anyway.
    lingua::LanguageDetectorBuilder::from_languages(&[
        L::Indonesian,
        L::Malay,
        L::English,
        L::Tagalog,
        L::Vietnamese,
        L::Thai,
    ])
    .with_low_accuracy_mode()
    .build()
}

/// Letters used by Vietnamese and (almost) no other Latin-script language Waspada reads.
fn is_vietnamese_letter(c: char) -> bool {
    matches!(c, 'đ' | 'Đ' | 'ơ' | 'Ơ' | 'ư' | 'Ư' | 'ă' | 'Ă')
        || ('\u{1EA0}'..='\u{1EF9}').contains(&c)
}

/// The longest prefix of `text` of at most `max` bytes that ends on a char boundary.
pub(crate) fn prefix_on_char_boundary(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for lang in Language::ALL {
            assert_eq!(Language::from_code(lang.code()), Some(lang));
        }
        assert_eq!(Language::from_code("ID"), Some(Language::Indonesian));
        assert_eq!(Language::from_code("xx"), None);
    }

    #[test]
    fn prefix_never_splits_a_char() {
        let text = "ééééé";
        for max in 0..12 {
            let p = prefix_on_char_boundary(text, max);
            assert!(p.len() <= max);
        }
    }

    #[test]
    fn empty_and_symbol_texts_are_unknown() {
        let id = LanguageIdentifier::global();
        assert_eq!(id.detect(""), Language::Unknown);
        assert_eq!(id.detect("123 456 -- !!"), Language::Unknown);
        assert_eq!(
            id.detect_with_hint("", Some(Language::Malay)),
            Language::Malay
        );
    }

    #[test]
    fn scripts_decide_thai_and_vietnamese() {
        let id = LanguageIdentifier::global();
        assert_eq!(
            id.detect("กระทรวงสาธารณสุขรายงานผู้ป่วยไข้เลือดออกเพิ่มขึ้นในจังหวัดเชียงใหม่"),
            Language::Thai
        );
        assert_eq!(
            id.detect(
                "Bộ Y tế cho biết số ca mắc sốt xuất huyết tăng mạnh tại Hà Nội trong tuần qua."
            ),
            Language::Vietnamese
        );
    }
}
