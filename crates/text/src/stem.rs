//! Indonesian stemming and stopwords for search.
//!
//! **Why not sastrawi-rs.** The stack pick, sastrawi-rs 0.5.3, is MIT code around the
//! Sastrawi root-word dictionary, which comes from Kateglo and is licensed CC BY-NC-SA 3.0
//! (non-commercial). Waspada must stay usable by anyone, including commercial users, so the
//! dictionary cannot ship in it. Snowball Indonesian (through `frostem`) needs no dictionary
//! but drops the consonant that meN-/peN- replaced: *penularan* becomes *ular* ("snake"),
//! the kind of error that merges unrelated search terms.
//!
//! **What this is instead.** A rule-based affix stripper in the tradition of Tala (2003) and
//! the confix-stripping (ECS) rules, without the big dictionary:
//! 1. particles (-lah, -kah, -pun) and the possessive -nya;
//! 2. prefixes di-, ter-, ber-/be-/bel-, meN-, peN-, per-/pe-, ke- (only with -an), se-
//!    (only before a known root), up to two of them;
//! 3. one derivational suffix (-kan, -an, -i), only where the prefix allows it.
//!
//! The letter that meN-/peN- melted into (*menular* ← *tular*, *memeriksa* ← *periksa*,
//! *menyebar* ← *sebar*, *mengirim* ← *kirim*) is restored by rule, with a small list of
//! roots written for this project ([`ROOTS`]) to settle ambiguous cases and to protect words
//! that only look affixed (*dinas*, *diare*, *terima*, *berita*, *perut*, *sapi*).
//! Stemming serves search recall only: query and document go through the same stemmer, so a
//! consistent stem matters more than the dictionary root. Extraction never depends on it.

use rustc_hash::FxHashSet;
use std::borrow::Cow;
use std::sync::OnceLock;

/// Roots written for this project (public domain facts of the language, not a copied list):
/// words that look affixed but are not, and roots that settle which letter meN-/peN- replaced.
pub const ROOTS: &[&str] = &[
    // look like di-/ter-/ber-/per-/pe-/se-/ke- words but are roots
    "dinas",
    "diare",
    "difteri",
    "diabetes",
    "diagnosis",
    "diagnosa",
    "dingin",
    "diri",
    "dini",
    "dia",
    "dian",
    "dialog",
    "digital",
    "dinamika",
    "diam",
    "didik",
    "dikit",
    "dimensi",
    "terima",
    "terus",
    "teroris",
    "ternak",
    "terbang",
    "terang",
    "teras",
    "terapi",
    "termin",
    "teri",
    "tertib",
    "berita",
    "bersih",
    "berat",
    "beras",
    "berani",
    "beri",
    "berkas",
    "bersin",
    "beruang",
    "bencana",
    "benar",
    "benda",
    "bentuk",
    "besar",
    "besok",
    "belum",
    "beli",
    "beda",
    "bela",
    "perut",
    "persen",
    "perlu",
    "peran",
    "perang",
    "pergi",
    "perahu",
    "periksa",
    "perintah",
    "peringkat",
    "perempuan",
    "pertama",
    "perak",
    "pesan",
    "pesawat",
    "pesta",
    "peta",
    "petang",
    "pena",
    "penat",
    "penuh",
    "pernah",
    "perdana",
    "perkara",
    "persis",
    "pelan",
    "pelosok",
    "sekolah",
    "selatan",
    "sehat",
    "sebab",
    "sedang",
    "segera",
    "sejak",
    "semua",
    "senin",
    "selasa",
    "sepak",
    "serang",
    "sedia",
    "sendiri",
    "seluruh",
    "sekitar",
    "seperti",
    "sesak",
    "setiap",
    "sebelum",
    "semut",
    "sempat",
    "sekarang",
    "sering",
    "selalu",
    "senang",
    "kecil",
    "kepala",
    "keluar",
    "keluarga",
    "kemarin",
    "kerja",
    "keras",
    "kelas",
    "ketua",
    "kena",
    "kenal",
    "kejang",
    "kelola",
    "kendali",
    "kembang",
    "kebun",
    "kecamatan",
    "mengapa",
    "menteri",
    "mental",
    "merah",
    "meja",
    "mereka",
    "menit",
    "mesin",
    "medis",
    "media",
    "meter",
    "metode",
    "minta",
    "minggu",
    "malam",
    "makan",
    "masak",
    "masuk",
    "minum",
    "mandi",
    "mati",
    "malu",
    "milik",
    "muda",
    "muntah",
    "mulai",
    "mulut",
    "musim",
    "mudah",
    "nikah",
    "nilai",
    "nanti",
    "nyata",
    "nyawa",
    "nyeri",
    "nyamuk",
    // roots that settle meN-/peN- recoding (t/p/s/k versus a vowel or m/n)
    "tular",
    "tinggal",
    "tingkat",
    "tangan",
    "tanam",
    "tulis",
    "tunggu",
    "turun",
    "tunjuk",
    "tinjau",
    "tanya",
    "tolong",
    "tangkap",
    "tutup",
    "tambah",
    "tahan",
    "temu",
    "tetap",
    "tugas",
    "timbul",
    "telan",
    "terap",
    "tentu",
    "tempat",
    "tanggap",
    "periksa",
    "pakai",
    "pukul",
    "pantau",
    "pelihara",
    "pengaruh",
    "pimpin",
    "pindah",
    "potong",
    "pilih",
    "punya",
    "pulih",
    "putus",
    "pasok",
    "sebar",
    "sakit",
    "sampai",
    "sambut",
    "sampel",
    "serah",
    "sedot",
    "semprot",
    "siap",
    "salur",
    "sumbang",
    "susun",
    "suntik",
    "sembuh",
    "sita",
    "sisir",
    "sadar",
    "kirim",
    "kumpul",
    "kaji",
    "konsumsi",
    "kurang",
    "kuat",
    "khawatir",
    "klaim",
    "konfirmasi",
    "koordinasi",
    "kunjung",
    "kutip",
    "kubur",
    "kabar",
    "kendali",
    "kembali",
    "keluh",
    "ambil",
    "obat",
    "ikut",
    "alami",
    "umum",
    "ungsi",
    "ajar",
    "awas",
    "akui",
    "atur",
    "edar",
    "olah",
    "ubah",
    "ukur",
    "uji",
    "ingat",
    "imbau",
    "isolasi",
    "infeksi",
    "evakuasi",
    "jadi",
    "rawat",
    "racun",
    "rugi",
    "ramal",
    "lapor",
    "laku",
    "layan",
    "lindung",
    "lonjak",
    // health-news words that must stay whole
    "wabah",
    "kasus",
    "korban",
    "pasien",
    "sapi",
    "babi",
    "ayam",
    "unggas",
    "kambing",
    "demam",
    "batuk",
    "campak",
    "cacar",
    "rabies",
    "antraks",
    "malaria",
    "tifus",
    "polio",
    "jantung",
    "ginjal",
    "paru",
    "darah",
    "hati",
    "kulit",
    "tubuh",
    "badan",
    "bulan",
    "tahun",
    "jalan",
    "hujan",
    "ikan",
    "udang",
    "puskesmas",
    "posyandu",
    "vaksin",
    "virus",
    "bakteri",
    "kuman",
    "gejala",
    "parah",
];

/// Indonesian function words, written for this project (no external list copied).
const STOPWORDS: &[&str] = &[
    "ada",
    "adalah",
    "adanya",
    "agar",
    "akan",
    "akhirnya",
    "aku",
    "amat",
    "anda",
    "antara",
    "apa",
    "apabila",
    "apakah",
    "atas",
    "atau",
    "bagai",
    "bagaimana",
    "bagi",
    "bahkan",
    "bahwa",
    "banyak",
    "baru",
    "beberapa",
    "begitu",
    "belum",
    "berapa",
    "bersama",
    "beliau",
    "bila",
    "bisa",
    "boleh",
    "bukan",
    "cukup",
    "dalam",
    "dan",
    "dapat",
    "dari",
    "daripada",
    "demi",
    "dengan",
    "di",
    "dia",
    "dilakukan",
    "hal",
    "hampir",
    "hanya",
    "harus",
    "hingga",
    "ia",
    "ialah",
    "ini",
    "itu",
    "jadi",
    "jangan",
    "jika",
    "juga",
    "justru",
    "kala",
    "kalau",
    "kami",
    "kamu",
    "karena",
    "kata",
    "katanya",
    "ke",
    "kecuali",
    "kemudian",
    "kepada",
    "ketika",
    "kini",
    "kita",
    "lagi",
    "lain",
    "lainnya",
    "lalu",
    "lebih",
    "maka",
    "mampu",
    "masih",
    "masing",
    "melainkan",
    "melalui",
    "memang",
    "menjadi",
    "menurut",
    "mereka",
    "merupakan",
    "meski",
    "meskipun",
    "mungkin",
    "namun",
    "nya",
    "oleh",
    "pada",
    "padahal",
    "para",
    "pernah",
    "pula",
    "pun",
    "saat",
    "saja",
    "sama",
    "sambil",
    "sampai",
    "sangat",
    "saya",
    "sebagai",
    "sebelum",
    "sebuah",
    "secara",
    "sedang",
    "sedangkan",
    "segala",
    "sehingga",
    "sejak",
    "selain",
    "selama",
    "seluruh",
    "semakin",
    "sementara",
    "semua",
    "sendiri",
    "seorang",
    "seperti",
    "serta",
    "sesuai",
    "setelah",
    "setiap",
    "suatu",
    "sudah",
    "supaya",
    "tak",
    "tanpa",
    "tapi",
    "telah",
    "tentang",
    "terhadap",
    "tersebut",
    "tetapi",
    "tidak",
    "untuk",
    "yaitu",
    "yakni",
    "yang",
];

fn root_set() -> &'static FxHashSet<&'static str> {
    static S: OnceLock<FxHashSet<&'static str>> = OnceLock::new();
    S.get_or_init(|| ROOTS.iter().copied().collect())
}

fn stopword_set() -> &'static FxHashSet<&'static str> {
    static S: OnceLock<FxHashSet<&'static str>> = OnceLock::new();
    S.get_or_init(|| STOPWORDS.iter().copied().collect())
}

/// Is `word` an Indonesian function word (case-insensitive)? For the search analyzer's
/// stopword filter.
pub fn is_stopword(word: &str) -> bool {
    if word.bytes().any(|b| b.is_ascii_uppercase()) {
        stopword_set().contains(word.to_ascii_lowercase().as_str())
    } else {
        stopword_set().contains(word)
    }
}

/// The shortest stem the stripper leaves.
const MIN_STEM: usize = 3;

/// Which prefix was removed, for the prefix/suffix combinations Indonesian does not allow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Prefix {
    Di,
    Ke,
    Se,
    Ter,
    Ber,
    Me,
    Pe,
    Per,
}

/// Indonesian stemmer for search (rule-based, dictionary-free; see the module docs).
///
/// "penularan" → "tular", "menular" → "tular", "wabah" → "wabah", "keracunan" → "racun".
#[derive(Debug, Clone, Default)]
pub struct Stemmer {
    _private: (),
}

impl Stemmer {
    /// Creates a stemmer (cheap: the root list is shared and built once).
    pub fn new() -> Self {
        Stemmer { _private: () }
    }

    /// Stems one word. Returns the input unchanged (borrowed) when nothing applies: words
    /// that are short, contain digits or non-ASCII letters, or are known roots. Upper-case
    /// input is lower-cased.
    pub fn stem<'a>(&self, word: &'a str) -> Cow<'a, str> {
        if word.len() <= 4
            || word.len() > 40
            || !word.bytes().all(|b| b.is_ascii_alphabetic() || b == b'-')
        {
            return lowercase(word);
        }
        let lower = word.to_ascii_lowercase();
        // Reduplication: "anak-anak" → "anak", "obat-obatan" → stem of "obat".
        if let Some((a, b)) = lower.split_once('-') {
            let stem = if a.len() >= 2 && (a == b || b.starts_with(a)) {
                stem_word(a)
            } else {
                return lowercase(word);
            };
            return Cow::Owned(stem);
        }
        let stem = stem_word(&lower);
        if stem == word {
            Cow::Borrowed(word)
        } else {
            Cow::Owned(stem)
        }
    }
}

fn lowercase(word: &str) -> Cow<'_, str> {
    if word.bytes().any(|b| b.is_ascii_uppercase()) {
        Cow::Owned(word.to_ascii_lowercase())
    } else {
        Cow::Borrowed(word)
    }
}

fn is_root(w: &str) -> bool {
    root_set().contains(w)
}

fn is_vowel(b: u8) -> bool {
    matches!(b, b'a' | b'e' | b'i' | b'o' | b'u')
}

/// Stems a lower-case ASCII word.
fn stem_word(word: &str) -> String {
    if is_root(word) || word.len() <= 4 {
        return word.to_string();
    }
    let mut w = word.to_string();
    // 1. Inflectional suffixes: particle, then possessive.
    for particle in ["lah", "kah", "pun"] {
        if let Some(rest) = w.strip_suffix(particle)
            && rest.len() >= 5
        {
            w = rest.to_string();
            break;
        }
    }
    if is_root(&w) {
        return w;
    }
    if let Some(rest) = w.strip_suffix("nya")
        && rest.len() >= 4
    {
        w = rest.to_string();
    }
    if is_root(&w) {
        return w;
    }
    // 2. Prefixes (at most two), then 3. one derivational suffix.
    let mut first: Option<Prefix> = None;
    for _ in 0..2 {
        if is_root(&w) || root_after_suffix(&w).is_some() {
            break;
        }
        match strip_prefix(&w) {
            Some((p, rest)) => {
                first.get_or_insert(p);
                w = rest;
            }
            None => break,
        }
    }
    if is_root(&w) {
        return w;
    }
    strip_suffix(&w, first)
}

/// The word without a derivational suffix, if that is a known root.
fn root_after_suffix(w: &str) -> Option<&str> {
    ["kan", "an", "i"]
        .into_iter()
        .filter_map(|s| w.strip_suffix(s))
        .find(|r| is_root(r))
}

/// Removes one derivational suffix where the prefix allows it.
fn strip_suffix(w: &str, prefix: Option<Prefix>) -> String {
    // Confixes Indonesian does not form: be-…-i, ke-…-i/-kan, se-…-i/-kan, ter-…-an, me-…-an.
    let allow = |suffix: &str| match (prefix, suffix) {
        (Some(Prefix::Ber), "i") => false,
        (Some(Prefix::Ke | Prefix::Se), "i" | "kan") => false,
        (Some(Prefix::Ter | Prefix::Me), "an") => false,
        // Without a prefix only -kan and -an are safe; a bare -i ends roots (sapi, hati).
        (None, "i") => false,
        _ => true,
    };
    for suffix in ["kan", "an", "i"] {
        if !allow(suffix) {
            continue;
        }
        if let Some(rest) = w.strip_suffix(suffix) {
            // A bare "-i" leaves too little to tell from a root ending in -i (ter+jadi).
            let min = if prefix.is_none() || suffix == "i" {
                MIN_STEM + 1
            } else {
                MIN_STEM
            };
            if rest.len() >= min {
                return rest.to_string();
            }
        }
    }
    w.to_string()
}

/// Picks the root among recoding candidates: the first one that is, or becomes after a
/// suffix, a known root; otherwise the default (first) candidate.
fn pick(candidates: &[String]) -> String {
    for c in candidates {
        if is_root(c) || root_after_suffix(c).is_some() {
            return c.clone();
        }
    }
    candidates[0].clone()
}

/// Removes one prefix with meN-/peN- recoding. `None` when no prefix applies.
fn strip_prefix(w: &str) -> Option<(Prefix, String)> {
    let rest_ok = |r: &str| r.len() >= MIN_STEM;
    // meN- and peN- share their nasal rules.
    for (lead, kind) in [("me", Prefix::Me), ("pe", Prefix::Pe)] {
        let Some(after) = w.strip_prefix(lead) else {
            continue;
        };
        let a = after.as_bytes();
        if a.is_empty() {
            return None;
        }
        let recoded: Option<String> = if let Some(r) = after.strip_prefix("ny") {
            // menyebar ← sebar, penyakit ← sakit
            r.as_bytes()
                .first()
                .filter(|&&c| is_vowel(c))
                .map(|_| pick(&[format!("s{r}"), format!("ny{r}")]))
        } else if let Some(r) = after.strip_prefix("ng") {
            match r.as_bytes().first() {
                // mengirim ← kirim, mengambil ← ambil
                Some(&c) if is_vowel(c) => Some(pick(&[r.to_string(), format!("k{r}")])),
                // menggunakan ← guna, menghadapi ← hadap, mengkonsumsi ← konsumsi
                Some(b'g' | b'h' | b'k') => Some(r.to_string()),
                _ => None,
            }
        } else if let Some(r) = after.strip_prefix('n') {
            match r.as_bytes().first() {
                // menular ← tular, menikah ← nikah
                Some(&c) if is_vowel(c) => Some(pick(&[format!("t{r}"), format!("n{r}")])),
                // menjadi, pendidik, mencegah, menderita
                Some(b'c' | b'd' | b'j' | b'z' | b't' | b's') => Some(r.to_string()),
                _ => None,
            }
        } else if let Some(r) = after.strip_prefix('m') {
            match r.as_bytes().first() {
                // memeriksa ← periksa, meminta ← minta
                Some(&c) if is_vowel(c) => Some(pick(&[format!("p{r}"), format!("m{r}")])),
                // membawa, memperbaiki (per- handled on the next round), memfasilitasi
                Some(b'b' | b'p' | b'f' | b'v') => Some(r.to_string()),
                _ => None,
            }
        } else {
            match a[0] {
                // melapor, merawat, mewabah, meyakini; pelaku, perawat (pe+rawat), pekerja
                b'l' | b'r' | b'w' | b'y' => Some(after.to_string()),
                c if kind == Prefix::Pe && !is_vowel(c) && c != b'n' && c != b'm' => {
                    Some(after.to_string())
                }
                _ => None,
            }
        };
        if let Some(r) = recoded
            && rest_ok(&r)
        {
            // "per-" words: "perawat" is pe+rawat, "pertanian" is per+tani.
            if kind == Prefix::Pe
                && w.starts_with("per")
                && !is_root(&r)
                && root_after_suffix(&r).is_none()
            {
                let per = &w[3..];
                if rest_ok(per) {
                    return Some((Prefix::Per, per.to_string()));
                }
            }
            return Some((kind, r));
        }
    }
    if let Some(r) = w.strip_prefix("di")
        && rest_ok(r)
    {
        return Some((Prefix::Di, r.to_string()));
    }
    if let Some(r) = w.strip_prefix("ter")
        && rest_ok(r)
    {
        return Some((Prefix::Ter, r.to_string()));
    }
    if let Some(r) = w.strip_prefix("ber")
        && rest_ok(r)
    {
        return Some((Prefix::Ber, r.to_string()));
    }
    if let Some(r) = w.strip_prefix("bel")
        && r.starts_with("ajar")
    {
        return Some((Prefix::Ber, r.to_string()));
    }
    if let Some(r) = w.strip_prefix("be")
        && r.starts_with("ker")
    {
        return Some((Prefix::Ber, r.to_string()));
    }
    if let Some(r) = w.strip_prefix("per")
        && rest_ok(r)
    {
        return Some((Prefix::Per, r.to_string()));
    }
    // ke- only as the ke-…-an confix: "kesehatan", "keracunan", "kematian".
    if let Some(r) = w.strip_prefix("ke")
        && r.ends_with("an")
        && r.len() >= MIN_STEM + 2
    {
        return Some((Prefix::Ke, r.to_string()));
    }
    // se- only before a known root: "sebanyak", but not "serangan", "sekolah".
    if let Some(r) = w.strip_prefix("se")
        && (is_root(r) || matches!(r, "banyak" | "besar" | "orang" | "hari" | "lama" | "kali"))
    {
        return Some((Prefix::Se, r.to_string()));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(w: &str) -> String {
        Stemmer::new().stem(w).into_owned()
    }

    #[test]
    fn required_pairs_share_a_stem() {
        assert_eq!(s("penularan"), "tular");
        assert_eq!(s("menular"), "tular");
        assert_eq!(s("tertular"), "tular");
        assert_eq!(s("ditularkan"), "tular");
        assert_eq!(s("wabah"), "wabah");
        assert_eq!(s("mewabah"), "wabah");
        assert_eq!(s("kasus"), s("kasusnya"));
        assert_eq!(s("meninggal"), s("meninggalnya"));
        assert_eq!(s("keracunan"), "racun");
        assert_eq!(s("racun"), "racun");
    }

    #[test]
    fn nasal_prefixes_restore_the_melted_letter() {
        assert_eq!(s("penyakit"), "sakit");
        assert_eq!(s("penyebaran"), "sebar");
        assert_eq!(s("menyebar"), "sebar");
        assert_eq!(s("pemeriksaan"), "periksa");
        assert_eq!(s("memeriksa"), "periksa");
        assert_eq!(s("diperiksa"), "periksa");
        assert_eq!(s("mengirim"), "kirim");
        assert_eq!(s("pengobatan"), "obat");
        assert_eq!(s("berobat"), "obat");
        assert_eq!(s("meminta"), "minta");
        assert_eq!(s("penanganan"), "tangan");
        assert_eq!(s("pencegahan"), "cegah");
        assert_eq!(s("dirawat"), s("perawatan"));
    }

    #[test]
    fn words_that_only_look_affixed_stay() {
        for w in [
            "dinas", "diare", "terima", "berita", "perut", "sapi", "sekolah", "bulan", "hewan",
        ] {
            assert_eq!(s(w), w);
        }
        assert_eq!(s("masalah"), "masalah");
    }

    #[test]
    fn common_derivations() {
        assert_eq!(s("kesehatan"), "sehat");
        assert_eq!(s("kematian"), "mati");
        assert_eq!(s("melaporkan"), "lapor");
        assert_eq!(s("dilaporkan"), "lapor");
        assert_eq!(s("terjadi"), "jadi");
        assert_eq!(s("pertanian"), "tani");
        assert_eq!(s("sebanyak"), "banyak");
        assert_eq!(s("anak-anak"), "anak");
        assert_eq!(s("Penularan"), "tular");
    }

    #[test]
    fn odd_input_is_returned_as_is() {
        let st = Stemmer::new();
        assert!(matches!(st.stem("covid19"), Cow::Borrowed(_)));
        assert_eq!(st.stem(""), "");
        assert_eq!(st.stem("ไข้"), "ไข้");
        assert_eq!(st.stem("-----"), "-----");
    }

    #[test]
    fn stopwords() {
        assert!(is_stopword("yang"));
        assert!(is_stopword("Dan"));
        assert!(!is_stopword("wabah"));
    }
}
