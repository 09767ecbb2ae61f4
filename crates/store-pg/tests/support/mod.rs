//! Test articles for the store conformance suites (`conformance.rs`, `workplace.rs`):
//! written here from a small word list (no news text), signed with the same MinHash as
//! the pipeline, so near-duplicates behave as in production.
// Each suite uses a part of these.
#![allow(dead_code)]

use waspada_events::dedup::{
    DEFAULT_BANDS, DEFAULT_NUM_PERM, DEFAULT_ROWS, LshBands, MinHasher, Shingler, simhash64,
};
use waspada_events::report::{Area, Report, ReportCount};
use waspada_store::{AnalysisRow, ArticleBundle, NewArticle};

const WORDS: &[&str] = &[
    "warga",
    "dinas",
    "kesehatan",
    "kabupaten",
    "puskesmas",
    "pasien",
    "rumah",
    "sakit",
    "demam",
    "nyamuk",
    "petugas",
    "desa",
    "kecamatan",
    "air",
    "bersih",
    "sekolah",
    "anak",
    "ibu",
    "obat",
    "vaksin",
    "laporan",
    "pekan",
    "bulan",
    "hujan",
    "banjir",
    "pasar",
    "jalan",
    "kota",
    "lingkungan",
    "gejala",
    "dokter",
    "perawat",
    "keluarga",
    "makanan",
    "minuman",
    "penyuluhan",
    "fogging",
    "jentik",
    "sampah",
    "selokan",
    "musim",
    "daerah",
    "pemerintah",
    "bantuan",
    "posko",
    "relawan",
    "data",
    "angka",
    "meningkat",
    "menurun",
    "tinggi",
    "rendah",
    "cepat",
    "segera",
    "tetap",
    "waspada",
    "periksa",
    "rawat",
    "inap",
    "jalan-jalan",
];

/// A text of `n` words from the word list, different for each seed.
pub fn words(seed: u64, n: usize) -> Vec<&'static str> {
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            WORDS[(x % WORDS.len() as u64) as usize]
        })
        .collect()
}

/// A 128-bit hash of the text's lower-cased words (FNV-1a twice): the text's identity.
pub fn text_hash(text: &str) -> [u8; 16] {
    let norm: Vec<String> = text.split_whitespace().map(str::to_lowercase).collect();
    let norm = norm.join(" ");
    let fnv = |basis: u64| {
        norm.bytes().fold(basis, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
        })
    };
    let mut out = [0u8; 16];
    out[..8].copy_from_slice(&fnv(0xcbf2_9ce4_8422_2325).to_le_bytes());
    out[8..].copy_from_slice(&fnv(0x6c62_272e_07bb_0142).to_le_bytes());
    out
}

pub fn article(url: &str, text: &str) -> NewArticle {
    let signature = MinHasher::new(DEFAULT_NUM_PERM).sign_text(&Shingler::default(), text);
    NewArticle {
        external_id: Some(format!("ext-{url}")),
        url: Some(format!("{url}?utm_source=feed")),
        canonical_url: Some(url.to_string()),
        content_hash: text_hash(text),
        source: Some("Warta Uji".into()),
        title: Some(
            text.split_whitespace()
                .take(6)
                .collect::<Vec<_>>()
                .join(" "),
        ),
        raw_text: text.to_string(),
        clean_text: text.to_string(),
        language: "id".into(),
        published: Some("2024-03-01".into()),
        fetched_at: 1_709_251_200_000,
        band_keys: LshBands::new(DEFAULT_BANDS, DEFAULT_ROWS).band_keys(&signature),
        minhash: signature.values().to_vec(),
        simhash: simhash64(text),
        ..NewArticle::default()
    }
}

/// An article of 120 words of its own.
pub fn story(url: &str, seed: u64) -> NewArticle {
    article(url, &words(seed, 120).join(" "))
}

/// A syndicated copy of `story(_, seed)`: a new lead and sign-off, the body unchanged.
pub fn copy_of(url: &str, seed: u64) -> NewArticle {
    let mut w = vec!["jakarta", "kantor", "berita"];
    w.extend(words(seed, 120));
    w.extend(["baca", "juga"]);
    article(url, &w.join(" "))
}

pub fn report(disease: &str, regency: &str, date: &str) -> Report {
    Report {
        disease_id: disease.into(),
        area: Area {
            level: "regency".into(),
            code: regency.into(),
        },
        place_name: format!("Kabupaten {regency}"),
        country: "IDN".into(),
        province_code: Some(regency[..2].to_string()),
        regency_code: Some(regency.into()),
        lat: Some(-7.2),
        lon: Some(107.9),
        date: date.into(),
        klb_declared: false,
        counts: Vec::new(),
    }
}

pub fn cases(value: u64, cumulative: bool) -> ReportCount {
    ReportCount {
        kind: "cases".into(),
        value,
        species: "human".into(),
        cumulative,
    }
}

pub fn bundle(article: NewArticle, reports: Vec<Report>) -> ArticleBundle {
    let url = article.canonical_url.clone().unwrap_or_default();
    ArticleBundle {
        analysis: AnalysisRow {
            analyzer_version: "uji-1".into(),
            is_outbreak: !reports.is_empty(),
            category: if reports.is_empty() {
                "other"
            } else {
                "outbreak_report"
            }
            .into(),
            relevance: if reports.is_empty() { 0.1 } else { 0.9 },
            json: format!("{{\"id\":\"{url}\",\"diseases\":[]}}"),
        },
        article,
        reports,
    }
}
