//! Near-duplicate detection: behaviour on realistic syndication, the persisted-value
//! contract, and properties of the estimator. All texts here are written for these tests.

use std::collections::BTreeSet;

use proptest::prelude::*;
use proptest::test_runner::RngSeed;
use waspada_events::dedup::{
    LshBands, LshIndex, MinHasher, Shingler, Signature, hamming, simhash64,
};

/// An invented dengue report from an invented outlet.
const ORIGINAL: &str = "GARUT, KOMPAS-SATU - Dinas Kesehatan Kabupaten Garut mencatat 1.245 kasus \
demam berdarah dengue (DBD) sejak Januari hingga pekan ketiga Maret 2026, dengan 12 pasien \
meninggal dunia. Kepala Dinas Kesehatan Garut mengatakan jumlah kasus tahun ini naik hampir \
dua kali lipat dibandingkan periode yang sama tahun lalu. Kecamatan Tarogong Kidul, Garut Kota \
dan Karangpawitan menjadi wilayah dengan kasus terbanyak. Menurut dia, curah hujan yang tinggi \
sejak akhir tahun membuat banyak genangan air di permukiman warga yang menjadi tempat nyamuk \
Aedes aegypti berkembang biak. Pemerintah kabupaten sudah melakukan pengasapan atau fogging di \
sejumlah desa, namun ia menegaskan bahwa fogging hanya membunuh nyamuk dewasa dan tidak \
menghentikan jentik. Karena itu warga diminta aktif melakukan gerakan 3M Plus, yaitu menguras \
tempat penampungan air, menutup wadah air, dan mendaur ulang barang bekas, serta menaburkan \
bubuk abate. Rumah sakit umum daerah dr Slamet Garut menambah ruang perawatan khusus untuk \
pasien DBD karena bangsal anak sudah penuh sejak awal bulan. Pihak rumah sakit meminta \
masyarakat segera membawa anggota keluarga ke puskesmas terdekat apabila demam tinggi lebih \
dari dua hari disertai bintik merah, mimisan atau nyeri perut. Dinas Kesehatan juga menyiapkan \
kajian untuk menentukan apakah situasi ini memenuhi kriteria kejadian luar biasa atau KLB. \
Keputusan akan diambil setelah rapat koordinasi dengan Dinas Kesehatan Provinsi Jawa Barat \
pekan depan.";

/// The same report as syndicated by another invented outlet: new dateline, a "Baca juga"
/// link in the middle, and a few words edited.
const SYNDICATED: &str = "Garut (ANTARA-DUA) - Dinas Kesehatan Kabupaten Garut mencatat 1,245 kasus \
demam berdarah dengue (DBD) sejak Januari hingga pekan ketiga Maret 2026, dengan 12 pasien \
meninggal dunia. Kepala Dinas Kesehatan Garut menyampaikan jumlah kasus tahun ini naik hampir \
dua kali lipat dibandingkan periode yang sama tahun lalu. Kecamatan Tarogong Kidul, Garut Kota \
dan Karangpawitan menjadi wilayah dengan kasus terbanyak. Menurut dia, curah hujan yang tinggi \
sejak akhir tahun membuat banyak genangan air di permukiman warga yang menjadi tempat nyamuk \
Aedes aegypti berkembang biak. Baca juga: Harga cabai di Garut turun menjelang Ramadan. \
Pemerintah kabupaten sudah melakukan pengasapan atau fogging di \
sejumlah desa, namun ia menegaskan bahwa fogging hanya membunuh nyamuk dewasa dan tidak \
menghentikan jentik. Karena itu warga diminta aktif melakukan gerakan 3M Plus, yaitu menguras \
tempat penampungan air, menutup wadah air, dan mendaur ulang barang bekas, serta menaburkan \
bubuk abate. RSUD dr Slamet Garut menambah ruang perawatan khusus untuk \
pasien DBD karena bangsal anak sudah penuh sejak awal bulan. Pihak rumah sakit meminta \
masyarakat segera membawa anggota keluarga ke puskesmas terdekat apabila demam tinggi lebih \
dari dua hari disertai bintik merah, mimisan atau nyeri perut. Dinas Kesehatan juga menyiapkan \
kajian untuk menentukan apakah situasi ini memenuhi kriteria kejadian luar biasa atau KLB. \
Keputusan akan diambil setelah rapat koordinasi dengan Dinas Kesehatan Provinsi Jawa Barat \
minggu depan.";

/// A different dengue outbreak in another regency: same disease, same genre, different story.
const OTHER_OUTBREAK: &str = "KUPANG, KOMPAS-SATU - Jumlah pasien demam berdarah dengue (DBD) di \
Kabupaten Sikka, Nusa Tenggara Timur, terus bertambah. Hingga Selasa tercatat 430 kasus dan \
tujuh anak meninggal dunia, sehingga pemerintah kabupaten menetapkan status kejadian luar biasa \
atau KLB. Bupati Sikka menyebut sebagian besar pasien berasal dari Kecamatan Alok dan Alok \
Timur di sekitar Maumere. Rumah sakit daerah TC Hillers Maumere kewalahan dan membuka tenda \
darurat di halaman untuk menampung pasien. Dinas Kesehatan meminta bantuan tenaga medis dan \
cairan infus dari provinsi serta Kementerian Kesehatan. Petugas puskesmas bersama kader jumantik \
memeriksa jentik dari rumah ke rumah, sementara fogging difokuskan di kelurahan dengan kasus \
terbanyak. Warga diimbau menguras bak mandi, menutup tempat penampungan air dan segera ke \
fasilitas kesehatan bila anak mengalami demam tinggi. Musim hujan yang datang lebih awal \
disebut menjadi penyebab melonjaknya populasi nyamuk Aedes aegypti tahun ini.";

fn exact_jaccard(a: &[u64], b: &[u64]) -> f64 {
    let a: BTreeSet<u64> = a.iter().copied().collect();
    let b: BTreeSet<u64> = b.iter().copied().collect();
    let union = a.union(&b).count();
    if union == 0 {
        return 1.0;
    }
    a.intersection(&b).count() as f64 / union as f64
}

fn sign(text: &str) -> Signature {
    MinHasher::default().sign_text(&Shingler::default(), text)
}

#[test]
fn identical_texts_have_identical_signatures_and_band_keys() {
    let bands = LshBands::default();
    let copy: String = ORIGINAL.chars().collect();
    let (a, b) = (sign(ORIGINAL), sign(&copy));
    assert_eq!(a, b);
    assert_eq!(a.len(), 128);
    assert_eq!(bands.band_keys(&a), bands.band_keys(&b));
    assert_eq!(bands.band_keys(&a).len(), 32);
    assert_eq!(a.jaccard_estimate(&b), 1.0);
    assert_eq!(simhash64(ORIGINAL), simhash64(ORIGINAL));
}

#[test]
fn normalisation_ignores_case_punctuation_and_digit_separators() {
    let shingler = Shingler::default();
    assert_eq!(
        shingler.words("Tercatat 1.245 KASUS, di Jum'at-pagi!"),
        ["tercatat", "1245", "kasus", "di", "jumat", "pagi"]
    );
    assert_eq!(
        shingler.shingles("Tercatat 1.245 kasus baru hari ini."),
        shingler.shingles("tercatat 1,245 KASUS baru -- hari ini")
    );
    // A full stop ending a sentence after a number still separates words.
    assert_eq!(shingler.words("ada 12. Lalu"), ["ada", "12", "lalu"]);
}

#[test]
fn syndicated_copy_is_a_near_duplicate() {
    let shingler = Shingler::default();
    let exact = exact_jaccard(&shingler.shingles(ORIGINAL), &shingler.shingles(SYNDICATED));
    // The edits are realistic, not cosmetic: the shingle sets really differ.
    assert!(exact < 0.95, "exact Jaccard {exact}");

    let mut index = LshIndex::default();
    index.insert(1, sign(ORIGINAL));
    index.insert(2, sign(OTHER_OUTBREAK));
    let found = index.near_duplicates(&sign(SYNDICATED));
    assert_eq!(found.len(), 1, "{found:?} (exact Jaccard {exact})");
    assert_eq!(found[0].0, 1);
    assert!(found[0].1 >= 0.8);
    assert!(hamming(simhash64(ORIGINAL), simhash64(SYNDICATED)) <= 10);
}

#[test]
fn heavily_edited_copy_is_a_candidate_and_a_lower_threshold_confirms_it() {
    // A copy with more outlet furniture: a photo caption, a second link, an editor line
    // and more rewording. Its shingle Jaccard falls well below 0.8, but banding still
    // makes it a candidate, so the confirmation threshold alone decides.
    let edited = format!(
        "Foto: petugas memeriksa jentik nyamuk di rumah warga. {} Baca juga: Jadwal \
         vaksinasi campak di sekolah dasar. Editor: Rina",
        SYNDICATED
            .replace("mencatat", "melaporkan")
            .replace("menambah ruang perawatan", "membuka ruang perawatan")
            .replace("segera membawa", "cepat membawa")
    );
    let shingler = Shingler::default();
    let exact = exact_jaccard(&shingler.shingles(ORIGINAL), &shingler.shingles(&edited));
    assert!((0.6..0.8).contains(&exact), "exact Jaccard {exact}");

    let mut index = LshIndex::new(LshBands::default(), 0.6);
    index.insert(1, sign(ORIGINAL));
    index.insert(2, sign(OTHER_OUTBREAK));
    assert_eq!(index.candidates(&sign(&edited)), [1]);
    let found = index.near_duplicates(&sign(&edited));
    assert_eq!(found.iter().map(|f| f.0).collect::<Vec<_>>(), [1]);
}

#[test]
fn different_outbreaks_of_the_same_disease_are_not_duplicates() {
    let (a, b) = (sign(ORIGINAL), sign(OTHER_OUTBREAK));
    assert!(a.jaccard_estimate(&b) < 0.2, "{}", a.jaccard_estimate(&b));
    let mut index = LshIndex::default();
    index.insert(1, a);
    assert!(index.near_duplicates(&b).is_empty());
    assert!(hamming(simhash64(ORIGINAL), simhash64(OTHER_OUTBREAK)) > 10);
}

#[test]
fn index_replaces_and_removes_articles() {
    let mut index = LshIndex::default();
    index.insert(7, sign(ORIGINAL));
    index.insert(7, sign(OTHER_OUTBREAK));
    assert_eq!(index.len(), 1);
    assert!(index.candidates(&sign(ORIGINAL)).is_empty());
    assert_eq!(index.candidates(&sign(OTHER_OUTBREAK)), [7]);
    assert!(index.remove(7));
    assert!(!index.remove(7));
    assert!(index.is_empty());
    assert!(index.candidates(&sign(OTHER_OUTBREAK)).is_empty());
}

#[test]
fn empty_texts_have_a_defined_signature_and_never_match() {
    let empty = sign("");
    assert_eq!(empty, sign(" ... -- !!"));
    assert!(empty.is_empty());
    assert!(empty.values().iter().all(|&v| v == u64::MAX));
    assert_eq!(simhash64(""), 0);
    let mut index = LshIndex::default();
    index.insert(1, empty.clone());
    index.insert(2, sign(ORIGINAL));
    assert!(index.near_duplicates(&empty).is_empty());
    assert!(index.candidates(&sign(ORIGINAL)) == [2]);
}

#[test]
fn short_text_gets_one_shingle() {
    let shingler = Shingler::default();
    assert_eq!(shingler.shingles("wabah campak").len(), 1);
    assert!(!sign("wabah campak").is_empty());
}

#[test]
fn s_curve_matches_the_documented_table() {
    let bands = LshBands::default();
    let table = [
        (0.1, 0.0032),
        (0.2, 0.050),
        (0.3, 0.229),
        (0.4, 0.564),
        (0.5, 0.873),
        (0.6, 0.988),
        (0.7, 0.9998),
    ];
    for (s, p) in table {
        let got = bands.candidate_probability(s);
        assert!((got - p).abs() < 0.001, "s={s}: {got} vs {p}");
    }
    assert!(1.0 - bands.candidate_probability(0.8) < 1e-7);
}

/// GOLDEN: these values are persisted (signatures and band keys). If this test fails,
/// the hashing changed and every stored signature and band key is invalid: changing these
/// numbers requires a store migration that re-signs all articles, not just a new expectation.
#[test]
fn golden_signature_and_band_keys_are_stable() {
    let text = "Dinas Kesehatan Kabupaten Garut mencatat 1.245 kasus demam berdarah dengue.";
    let shingler = Shingler::default();
    let signature = sign(text);
    let keys = LshBands::default().band_keys(&signature);
    assert_eq!(shingler.shingles(text)[..2], GOLDEN_SHINGLES);
    assert_eq!(signature.values()[..4], GOLDEN_SIGNATURE);
    assert_eq!(signature.values()[127], GOLDEN_SIGNATURE_LAST);
    assert_eq!(keys[..2], GOLDEN_BAND_KEYS);
    assert_eq!(keys[31], GOLDEN_BAND_KEY_LAST);
    assert_eq!(simhash64(text), GOLDEN_SIMHASH);
}

// Cross-checked against an independent implementation of the same recipe on the Python
// `xxhash` package (xxh3_64 with the seeds in `dedup.rs`, little-endian u64 inputs).
const GOLDEN_SHINGLES: [u64; 2] = [590447395729568139, 1473342305242267239];
const GOLDEN_SIGNATURE: [u64; 4] = [
    3443298891684936806,
    5935305046663736357,
    863730681317557990,
    2161214851586600606,
];
const GOLDEN_SIGNATURE_LAST: u64 = 921048289778657735;
const GOLDEN_BAND_KEYS: [(u16, u64); 2] = [(0, 434786606513207101), (1, 13713136127766768596)];
const GOLDEN_BAND_KEY_LAST: (u16, u64) = (31, 7722965621163847983);
const GOLDEN_SIMHASH: u64 = 31628344673400067;

/// Texts from a small vocabulary, so that shingles repeat and Jaccard covers the whole range.
fn words(len: std::ops::Range<usize>) -> impl Strategy<Value = Vec<usize>> {
    prop::collection::vec(0..40usize, len)
}

fn render(words: &[usize]) -> String {
    words.iter().map(|w| format!("kata{w} ")).collect()
}

proptest! {
    #[test]
    fn estimate_of_a_text_with_itself_is_one(text in ".{0,300}") {
        let s = sign(&text);
        prop_assert_eq!(s.jaccard_estimate(&s), 1.0);
    }

    #[test]
    fn estimate_is_symmetric_and_bounded(a in ".{0,200}", b in ".{0,200}") {
        let (sa, sb) = (sign(&a), sign(&b));
        let e = sa.jaccard_estimate(&sb);
        prop_assert_eq!(e, sb.jaccard_estimate(&sa));
        prop_assert!((0.0..=1.0).contains(&e));
    }

    /// The written-out xxh3 of `sign` (AVX2 or not) must give exactly the persisted values
    /// of the general-purpose function, for any shingles and any number of permutations,
    /// including counts that are not a multiple of the sixteen lanes.
    #[test]
    fn fast_signature_equals_the_xxh3_reference(
        shingles in prop::collection::vec(any::<u64>(), 0..64),
        num_perm in 1usize..40,
    ) {
        let hasher = MinHasher::new(num_perm);
        prop_assert_eq!(hasher.sign(&shingles), hasher.sign_reference(&shingles));
        let full = MinHasher::default();
        prop_assert_eq!(full.sign(&shingles), full.sign_reference(&shingles));
    }

    #[test]
    fn arbitrary_strings_do_not_panic(text in any::<String>(), k in 0usize..8) {
        let shingler = Shingler::new(k);
        let signature = MinHasher::new(16).sign_text(&shingler, &text);
        let _ = LshBands::new(4, 4).band_keys(&signature);
        let _ = simhash64(&text);
        let mut index = LshIndex::new(LshBands::new(4, 4), 0.8);
        index.insert(1, signature.clone());
        let _ = index.near_duplicates(&signature);
    }
}

proptest! {
    // With 128 values the estimate's standard deviation is at most 0.044, so ±0.15 is
    // 3.4 sd: about one case in 1,500 may fall outside. A fixed seed keeps the run
    // reproducible instead of failing CI at random; the cases still span the whole range.
    #![proptest_config(ProptestConfig { cases: 256, rng_seed: RngSeed::Fixed(0x5741_5350), ..ProptestConfig::default() })]

    #[test]
    fn estimate_is_close_to_exact_jaccard(
        base in words(8..80),
        edits in prop::collection::vec((any::<prop::sample::Index>(), 0..40usize), 0..30),
    ) {
        let mut copy = base.clone();
        for (at, word) in edits {
            let i = at.index(copy.len());
            copy[i] = word;
        }
        let shingler = Shingler::default();
        let (a, b) = (shingler.shingles(&render(&base)), shingler.shingles(&render(&copy)));
        let hasher = MinHasher::default();
        let estimate = hasher.sign(&a).jaccard_estimate(&hasher.sign(&b));
        let exact = exact_jaccard(&a, &b);
        prop_assert!((estimate - exact).abs() <= 0.15, "estimate {} exact {}", estimate, exact);
    }
}
