//! Cue words: the small closed vocabularies that say what a number counts
//! (`meninggal`, `dirawat`, `positif`), what it counts in (`orang`, `siswa`,
//! `ekor`), and whether a text reports an outbreak (`wabah`, `terjangkit`,
//! `klaster`) or only talks around one (`tips`, `inflasi`, `seminar`).
//!
//! Words are matched case-insensitively on word boundaries, with Indonesian
//! suffixes `-nya`, `-lah` allowed, in one `aho-corasick` pass.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use std::sync::OnceLock;

/// What a cue word signals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Cue {
    /// Death (`meninggal`, `tewas`, `died`).
    Death,
    /// Animal death (`mati`, `mati mendadak`).
    AnimalDeath,
    /// Hospital admission (`dirawat`, `dirujuk`, `hospitalized`).
    Hospitalized,
    /// Recovery (`sembuh`, `recovered`).
    Recovered,
    /// Laboratory confirmation (`positif`, `terkonfirmasi`, `confirmed`).
    Confirmed,
    /// Suspected or probable (`suspek`, `suspected`).
    Suspected,
    /// Illness (`terjangkit`, `keracunan`, `sakit`, `infected`).
    Ill,
    /// A running total (`total`, `kumulatif`, `so far`).
    Cumulative,
    /// A unit for people (`orang`, `siswa`, `warga`, `people`).
    PersonUnit,
    /// A unit for cases (`kasus`, `cases`).
    CaseUnit,
    /// The animal classifier `ekor`, or `head` (of cattle).
    AnimalUnit,
    /// Outbreak vocabulary (`wabah`, `klaster`, `outbreak`, `penularan`).
    Outbreak,
    /// Report vocabulary for situation reports (`situasi terkini`, `kumulatif`, `epidemiological week`).
    Situation,
    /// No cases, or a denial (`belum ada kasus`, `nihil`, `hoaks`).
    Denial,
    /// Health advice and policy talk (`tips`, `cara mencegah`, `imunisasi`, `seminar`).
    Advice,
    /// Economy, politics, sport vocabulary that signals a non-health story.
    OffTopic,
    /// Pandemic as a time reference (`saat pandemi`, `pasca pandemi`).
    PandemicEra,
    /// Health authorities (`Dinas Kesehatan`, `Dinkes`, `puskesmas`, `Ministry of Health`).
    Authority,
}

const CUES: &[(&str, Cue)] = &[
    // Deaths
    ("meninggal", Cue::Death),
    ("meninggal dunia", Cue::Death),
    ("tewas", Cue::Death),
    ("wafat", Cue::Death),
    ("kematian", Cue::Death),
    ("korban jiwa", Cue::Death),
    ("mati", Cue::AnimalDeath),
    ("mati mendadak", Cue::AnimalDeath),
    ("bangkai", Cue::AnimalDeath),
    ("dimusnahkan", Cue::AnimalDeath),
    ("dipotong paksa", Cue::AnimalDeath),
    ("died", Cue::Death),
    ("deaths", Cue::Death),
    ("death", Cue::Death),
    ("dead", Cue::Death),
    ("fatalities", Cue::Death),
    ("killed", Cue::Death),
    ("maut", Cue::Death),
    // Hospital
    ("dirawat", Cue::Hospitalized),
    ("rawat inap", Cue::Hospitalized),
    ("dirujuk", Cue::Hospitalized),
    ("dilarikan", Cue::Hospitalized),
    ("dirawat inap", Cue::Hospitalized),
    ("opname", Cue::Hospitalized),
    ("menjalani perawatan", Cue::Hospitalized),
    ("mendapat perawatan", Cue::Hospitalized),
    ("hospitalized", Cue::Hospitalized),
    ("hospitalised", Cue::Hospitalized),
    ("admitted", Cue::Hospitalized),
    ("dimasukkan ke wad", Cue::Hospitalized),
    ("dirawat intensif", Cue::Hospitalized),
    // Recovery
    ("sembuh", Cue::Recovered),
    ("pulih", Cue::Recovered),
    ("recovered", Cue::Recovered),
    ("discharged", Cue::Recovered),
    ("diperbolehkan pulang", Cue::Recovered),
    // Confirmed
    ("positif", Cue::Confirmed),
    ("terkonfirmasi", Cue::Confirmed),
    ("konfirmasi", Cue::Confirmed),
    ("confirmed", Cue::Confirmed),
    ("laboratory-confirmed", Cue::Confirmed),
    ("disahkan", Cue::Confirmed),
    // Suspected
    ("suspek", Cue::Suspected),
    ("suspect", Cue::Suspected),
    ("suspected", Cue::Suspected),
    ("probable", Cue::Suspected),
    ("terduga", Cue::Suspected),
    ("dalam pemantauan", Cue::Suspected),
    ("ODP", Cue::Suspected),
    ("PDP", Cue::Suspected),
    ("dalam pemeriksaan", Cue::Suspected),
    ("menunggu hasil", Cue::Suspected),
    ("under investigation", Cue::Suspected),
    // Illness
    ("terjangkit", Cue::Ill),
    ("terinfeksi", Cue::Ill),
    ("terpapar", Cue::Ill),
    ("keracunan", Cue::Ill),
    ("mengalami gejala", Cue::Ill),
    ("bergejala", Cue::Ill),
    ("jatuh sakit", Cue::Ill),
    ("sakit", Cue::Ill),
    ("menderita", Cue::Ill),
    ("terserang", Cue::Ill),
    ("tertular", Cue::Ill),
    ("terkena", Cue::Ill),
    ("mual", Cue::Ill),
    ("muntah", Cue::Ill),
    ("digigit", Cue::Ill),
    // "124 orang berobat ke puskesmas": they sought care, so they are ill.
    ("berobat", Cue::Ill),
    ("infected", Cue::Ill),
    ("ill", Cue::Ill),
    ("sick", Cue::Ill),
    ("affected", Cue::Ill),
    ("infections", Cue::Ill),
    ("dijangkiti", Cue::Ill),
    ("victims", Cue::Ill),
    // Cumulative
    ("total", Cue::Cumulative),
    ("kumulatif", Cue::Cumulative),
    ("secara keseluruhan", Cue::Cumulative),
    ("sejauh ini", Cue::Cumulative),
    ("hingga kini", Cue::Cumulative),
    ("hingga saat ini", Cue::Cumulative),
    ("sampai saat ini", Cue::Cumulative),
    ("bertambah menjadi", Cue::Cumulative),
    ("menjadi", Cue::Cumulative),
    ("mencapai", Cue::Cumulative),
    ("cumulative", Cue::Cumulative),
    ("in total", Cue::Cumulative),
    ("so far", Cue::Cumulative),
    ("to date", Cue::Cumulative),
    ("since the beginning", Cue::Cumulative),
    // People units
    ("orang", Cue::PersonUnit),
    ("warga", Cue::PersonUnit),
    ("siswa", Cue::PersonUnit),
    ("pelajar", Cue::PersonUnit),
    ("murid", Cue::PersonUnit),
    ("santri", Cue::PersonUnit),
    ("santriwati", Cue::PersonUnit),
    ("anak", Cue::PersonUnit),
    ("balita", Cue::PersonUnit),
    ("bayi", Cue::PersonUnit),
    ("pasien", Cue::PersonUnit),
    ("korban", Cue::PersonUnit),
    ("jiwa", Cue::PersonUnit),
    ("penderita", Cue::PersonUnit),
    ("pekerja", Cue::PersonUnit),
    ("karyawan", Cue::PersonUnit),
    ("guru", Cue::PersonUnit),
    ("penumpang", Cue::PersonUnit),
    ("jemaah", Cue::PersonUnit),
    ("peserta", Cue::PersonUnit),
    ("mahasiswa", Cue::PersonUnit),
    ("penduduk", Cue::PersonUnit),
    ("pengunjung", Cue::PersonUnit),
    ("tamu", Cue::PersonUnit),
    ("buruh", Cue::PersonUnit),
    ("pesakit", Cue::PersonUnit),
    ("sampel", Cue::PersonUnit),
    ("spesimen", Cue::PersonUnit),
    ("samples", Cue::PersonUnit),
    ("specimens", Cue::PersonUnit),
    ("awak kapal", Cue::PersonUnit),
    ("crew", Cue::PersonUnit),
    ("menimpa", Cue::Ill),
    ("napi", Cue::PersonUnit),
    ("narapidana", Cue::PersonUnit),
    ("tenaga kesehatan", Cue::PersonUnit),
    ("nakes", Cue::PersonUnit),
    ("lansia", Cue::PersonUnit),
    ("pria", Cue::PersonUnit),
    ("wanita", Cue::PersonUnit),
    ("perempuan", Cue::PersonUnit),
    ("laki-laki", Cue::PersonUnit),
    ("ibu", Cue::PersonUnit),
    ("kanak-kanak", Cue::PersonUnit),
    ("people", Cue::PersonUnit),
    ("persons", Cue::PersonUnit),
    ("person", Cue::PersonUnit),
    ("patients", Cue::PersonUnit),
    ("children", Cue::PersonUnit),
    ("students", Cue::PersonUnit),
    ("residents", Cue::PersonUnit),
    ("individuals", Cue::PersonUnit),
    ("passengers", Cue::PersonUnit),
    ("workers", Cue::PersonUnit),
    ("pupils", Cue::PersonUnit),
    ("individu", Cue::PersonUnit),
    // Case units
    ("kasus", Cue::CaseUnit),
    ("kes", Cue::CaseUnit),
    ("cases", Cue::CaseUnit),
    ("case", Cue::CaseUnit),
    ("kejadian", Cue::CaseUnit),
    // Animal units
    ("ekor", Cue::AnimalUnit),
    ("head", Cue::AnimalUnit),
    ("heads", Cue::AnimalUnit),
    // Outbreak vocabulary
    ("wabah", Cue::Outbreak),
    ("mewabah", Cue::Outbreak),
    ("outbreak", Cue::Outbreak),
    ("outbreaks", Cue::Outbreak),
    ("klaster", Cue::Outbreak),
    ("cluster", Cue::Outbreak),
    ("penularan", Cue::Outbreak),
    ("menular", Cue::Outbreak),
    ("epidemi", Cue::Outbreak),
    ("epidemic", Cue::Outbreak),
    ("lonjakan kasus", Cue::Outbreak),
    ("peningkatan kasus", Cue::Outbreak),
    ("kenaikan kasus", Cue::Outbreak),
    ("penyebaran", Cue::Outbreak),
    ("menyebar", Cue::Outbreak),
    ("keracunan massal", Cue::Outbreak),
    ("transmission", Cue::Outbreak),
    ("penyelidikan epidemiologi", Cue::Outbreak),
    ("kejadian luar biasa", Cue::Outbreak),
    ("KLB", Cue::Outbreak),
    ("tanggap darurat", Cue::Outbreak),
    ("case fatality", Cue::Outbreak),
    ("CFR", Cue::Outbreak),
    ("contact tracing", Cue::Outbreak),
    ("IHR", Cue::Outbreak),
    ("notified WHO", Cue::Outbreak),
    ("case fatality rate", Cue::Outbreak),
    ("epidemiological", Cue::Outbreak),
    ("notified", Cue::Outbreak),
    ("pelacakan kontak", Cue::Outbreak),
    ("sampel", Cue::Outbreak),
    ("hasil laboratorium", Cue::Outbreak),
    ("uji laboratorium", Cue::Outbreak),
    ("wabak", Cue::Outbreak),
    // Situation reports
    ("situasi terkini", Cue::Situation),
    ("perkembangan kasus", Cue::Situation),
    ("update kasus", Cue::Situation),
    ("data kasus", Cue::Situation),
    ("per hari ini", Cue::Situation),
    ("pekan epidemiologi", Cue::Situation),
    ("minggu epidemiologi", Cue::Situation),
    ("epidemiological week", Cue::Situation),
    ("situation report", Cue::Situation),
    ("situation update", Cue::Situation),
    ("sepanjang tahun", Cue::Situation),
    ("sejak awal tahun", Cue::Situation),
    ("year to date", Cue::Situation),
    // Denials
    ("belum ada kasus", Cue::Denial),
    ("tidak ada kasus", Cue::Denial),
    ("tidak ditemukan kasus", Cue::Denial),
    ("belum ditemukan kasus", Cue::Denial),
    ("nihil kasus", Cue::Denial),
    ("zero cases", Cue::Denial),
    ("no cases", Cue::Denial),
    ("hoaks", Cue::Denial),
    ("hoax", Cue::Denial),
    ("bebas kasus", Cue::Denial),
    // Advice and policy
    ("tips", Cue::Advice),
    ("cara mencegah", Cue::Advice),
    ("cara mengatasi", Cue::Advice),
    ("pencegahan", Cue::Advice),
    ("imunisasi", Cue::Advice),
    ("vaksinasi", Cue::Advice),
    ("sosialisasi", Cue::Advice),
    ("seminar", Cue::Advice),
    ("webinar", Cue::Advice),
    ("edukasi", Cue::Advice),
    ("penyuluhan", Cue::Advice),
    ("kampanye", Cue::Advice),
    ("manfaat", Cue::Advice),
    ("khasiat", Cue::Advice),
    ("gejalanya", Cue::Advice),
    ("penyebabnya", Cue::Advice),
    ("apa itu", Cue::Advice),
    ("kenali", Cue::Advice),
    ("ahli gizi", Cue::Advice),
    ("dokter spesialis", Cue::Advice),
    ("penelitian", Cue::Advice),
    ("studi", Cue::Advice),
    ("riset", Cue::Advice),
    ("anggaran", Cue::Advice),
    ("regulasi", Cue::Advice),
    ("kebijakan", Cue::Advice),
    ("kerja sama", Cue::Advice),
    ("kerjasama", Cue::Advice),
    ("pertemuan", Cue::Advice),
    ("diimbau", Cue::Advice),
    ("imbauan", Cue::Advice),
    ("waspadai", Cue::Advice),
    ("research", Cue::Advice),
    ("study", Cue::Advice),
    // Off-topic
    ("ekonomi", Cue::OffTopic),
    ("inflasi", Cue::OffTopic),
    ("saham", Cue::OffTopic),
    ("IHSG", Cue::OffTopic),
    ("pajak", Cue::OffTopic),
    ("investasi", Cue::OffTopic),
    ("APBN", Cue::OffTopic),
    ("rupiah", Cue::OffTopic),
    ("obligasi", Cue::OffTopic),
    ("kredit", Cue::OffTopic),
    ("perbankan", Cue::OffTopic),
    ("ekspor", Cue::OffTopic),
    ("pemilu", Cue::OffTopic),
    ("pilkada", Cue::OffTopic),
    ("partai", Cue::OffTopic),
    ("kongres", Cue::OffTopic),
    ("pertandingan", Cue::OffTopic),
    ("gol", Cue::OffTopic),
    ("liga", Cue::OffTopic),
    ("turis", Cue::OffTopic),
    ("wisatawan", Cue::OffTopic),
    ("penjualan", Cue::OffTopic),
    ("bisnis", Cue::OffTopic),
    ("UMKM", Cue::OffTopic),
    ("pertumbuhan ekonomi", Cue::OffTopic),
    ("ritel", Cue::OffTopic),
    ("properti", Cue::OffTopic),
    // Pandemic as a time reference
    ("saat pandemi", Cue::PandemicEra),
    ("masa pandemi", Cue::PandemicEra),
    ("pasca pandemi", Cue::PandemicEra),
    ("pascapandemi", Cue::PandemicEra),
    ("selama pandemi", Cue::PandemicEra),
    ("akibat pandemi", Cue::PandemicEra),
    ("dampak pandemi", Cue::PandemicEra),
    ("di tengah pandemi", Cue::PandemicEra),
    ("new normal", Cue::PandemicEra),
    ("sejak pandemi", Cue::PandemicEra),
    ("imbas pandemi", Cue::PandemicEra),
    ("dampak corona", Cue::PandemicEra),
    // Health authorities
    ("dinas kesehatan", Cue::Authority),
    ("dinkes", Cue::Authority),
    ("puskesmas", Cue::Authority),
    ("kementerian kesehatan", Cue::Authority),
    ("kemenkes", Cue::Authority),
    ("rumah sakit", Cue::Authority),
    ("RSUD", Cue::Authority),
    ("dinas peternakan", Cue::Authority),
    ("dinas pertanian", Cue::Authority),
    ("balai veteriner", Cue::Authority),
    ("ministry of health", Cue::Authority),
    ("health authorities", Cue::Authority),
    ("kementerian kesihatan", Cue::Authority),
    ("jabatan kesihatan", Cue::Authority),
    ("hospital", Cue::Authority),
    ("world health organization", Cue::Authority),
    ("WHO", Cue::Authority),
    ("BPOM", Cue::Authority),
    ("labkesda", Cue::Authority),
    ("dokter", Cue::Authority),
];

/// A cue found in text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CueMatch {
    /// Byte offset.
    pub start: usize,
    /// Byte offset after the cue.
    pub end: usize,
    /// What it signals.
    pub cue: Cue,
}

struct Lexicon {
    automaton: AhoCorasick,
    /// Per pattern: its cue and whether it must match case-exactly (abbreviations).
    table: Vec<(Cue, bool, &'static str)>,
}

fn lexicon() -> &'static Lexicon {
    static LEX: OnceLock<Lexicon> = OnceLock::new();
    LEX.get_or_init(|| {
        let table: Vec<(Cue, bool, &'static str)> = CUES
            .iter()
            .map(|&(w, c)| {
                (
                    c,
                    w.len() <= 5 && w.chars().all(|ch| ch.is_ascii_uppercase()),
                    w,
                )
            })
            .collect();
        let automaton = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::LeftmostLongest)
            .build(CUES.iter().map(|(w, _)| w.to_ascii_lowercase()))
            .expect("cue patterns compile");
        Lexicon { automaton, table }
    })
}

const SUFFIXES: &[&str] = &["nya", "lah", "pun"];

/// Finds all cue words in `text`, leftmost-longest, on word boundaries.
pub fn find_cues(text: &str) -> Vec<CueMatch> {
    let lex = lexicon();
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    for m in lex.automaton.find_iter(text) {
        let (start, mut end) = (m.start(), m.end());
        let (cue, exact, word) = lex.table[m.pattern().as_usize()];
        if exact && &text[start..end] != word {
            continue;
        }
        let before_ok = start == 0 || !is_word_byte(bytes[start - 1]);
        if !before_ok {
            continue;
        }
        if end < bytes.len() && is_word_byte(bytes[end]) {
            // Allow enclitics: "kematiannya", "positifnya".
            match SUFFIXES.iter().find(|s| text[end..].starts_with(**s)) {
                Some(s) if end + s.len() == bytes.len() || !is_word_byte(bytes[end + s.len()]) => {
                    end += s.len()
                }
                _ => continue,
            }
        }
        out.push(CueMatch { start, end, cue });
    }
    out
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b >= 0x80
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cues(text: &str) -> Vec<Cue> {
        find_cues(text).into_iter().map(|c| c.cue).collect()
    }

    #[test]
    fn finds_words_with_enclitics_on_boundaries() {
        assert_eq!(
            cues("9 orang meninggal dunia"),
            vec![Cue::PersonUnit, Cue::Death]
        );
        assert_eq!(cues("kematiannya"), vec![Cue::Death]);
        // "matinya" is a death, "matikan" (switch off) is not.
        assert_eq!(cues("matinya"), vec![Cue::AnimalDeath]);
        assert!(cues("matikan lampu").is_empty());
        assert!(cues("orangutan").is_empty());
    }

    #[test]
    fn abbreviations_match_as_written() {
        assert_eq!(cues("status KLB"), vec![Cue::Outbreak]);
        assert!(cues("who said").is_empty());
    }
}
