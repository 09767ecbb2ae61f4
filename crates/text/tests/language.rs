//! Language identification on texts written for this project, and on the shared eval files
//! when they are present (`../shared/eval`, read in place, never copied).

mod common;

use waspada_text::{Language, LanguageIdentifier, clean_article};

/// Indonesian news sentences and paragraphs, written for this test.
const INDONESIAN: &[&str] = &[
    "Dinas Kesehatan Kabupaten Garut mencatat 57 kasus demam berdarah sejak awal bulan ini.",
    "Sebanyak 111 siswa dirawat di puskesmas setelah menyantap makanan dari program makan siang sekolah.",
    "Warga diminta tidak panik karena petugas sudah melakukan pengasapan di tiga desa.",
    "Pemerintah provinsi menetapkan status kejadian luar biasa setelah dua balita meninggal dunia.",
    "Kepala puskesmas mengatakan pasien bisa pulang setelah kondisinya membaik kemarin sore.",
    "Ratusan ekor babi mati mendadak di peternakan warga, dan dinas peternakan mengambil sampel darah.",
    "Menurut petugas, penularan terjadi karena warga menggunakan air sumur yang tercemar.",
    "Rumah sakit rujukan menyiapkan ruang isolasi tambahan untuk pasien dengan gejala berat.",
    "Polisi masih menyelidiki asal makanan yang diduga menyebabkan keracunan massal tersebut.",
    "Kasus campak di kecamatan itu naik tajam, sehingga imunisasi susulan digelar pekan depan.",
    "Wabah flu burung kembali menyerang unggas di beberapa kabupaten. Peternak diminta melapor bila ayam mati mendadak. Dinas terkait akan memusnahkan unggas yang terinfeksi dan memberikan ganti rugi kepada warga.",
    "Jumlah pasien DBD di RSUD meningkat dua kali lipat dibanding tahun lalu. Pihak rumah sakit menambah tempat tidur di lorong. Warga diimbau menguras bak mandi dan menutup tempat penampungan air.",
];

/// Malay (Malaysian) news sentences and paragraphs, written for this test.
const MALAY: &[&str] = &[
    "Jabatan Kesihatan Negeri mengesahkan 57 kes denggi baharu sejak awal bulan ini.",
    "Seramai 111 pelajar dimasukkan ke wad hospital selepas makan tengah hari di sekolah.",
    "Orang ramai dinasihatkan supaya tidak panik kerana pihak berkuasa telah menjalankan semburan kabus.",
    "Kerajaan negeri mengisytiharkan wabak selepas dua kanak-kanak meninggal dunia semalam.",
    "Pesakit boleh pulang selepas keadaan mereka bertambah baik, kata pegawai perubatan itu.",
    "Bilangan kes jangkitan meningkat dengan ketara di daerah itu, iaitu sebanyak 40 peratus.",
    "Polis sedang menyiasat punca keracunan makanan yang melibatkan kakitangan pejabat kerajaan.",
    "Kementerian Kesihatan Malaysia (KKM) memaklumkan bahawa vaksin percuma disediakan di klinik kesihatan.",
    "Menurut kenyataan itu, pesakit yang dijangkiti telah diasingkan di hospital daerah.",
    "Beliau berkata kes tersebut dikesan menerusi saringan di sekolah pada hari Isnin.",
    "Wabak selesema burung dikesan di beberapa kampung. Penternak diminta melaporkan sebarang kematian ayam kepada jabatan veterinar. Kerajaan akan memberikan pampasan kepada mereka yang terjejas.",
    "Jumlah kes denggi di negeri itu meningkat kepada 1,200 kes minggu lalu. Pihak hospital menambah katil di wad kecemasan. Orang ramai diminta membersihkan kawasan rumah kerana nyamuk aedes membiak dengan cepat.",
];

/// English news sentences and paragraphs, written for this test.
const ENGLISH: &[&str] = &[
    "The provincial health office reported 57 new cases of dengue fever since the start of the month.",
    "More than one hundred students were taken to hospital after eating lunch at the school.",
    "Residents were told not to panic because officials had already fogged three villages.",
    "The government declared an outbreak after two children died of measles last week.",
    "Patients were allowed to go home once their condition had improved, a doctor said.",
    "Hundreds of pigs died suddenly on farms in the district, and samples have been sent to the laboratory.",
    "According to the ministry, the virus spread through contaminated well water.",
    "The referral hospital has prepared extra isolation rooms for patients with severe symptoms.",
    "Police are still investigating the source of the food that caused the mass poisoning.",
    "WHO assesses the overall risk at the national level as high and at the regional level as moderate.",
    "Avian influenza has again been detected in poultry in several districts. Farmers are asked to report sudden deaths of chickens. Infected flocks will be culled and owners compensated.",
    "On 3 March, the Ministry of Health notified WHO of a cluster of acute respiratory illness. Of the twelve cases, four were confirmed by laboratory testing. Contact tracing is ongoing.",
];

fn accuracy(texts: &[&str], want: Language, hint: Option<Language>) -> (usize, Vec<String>) {
    let lid = LanguageIdentifier::global();
    let mut wrong = Vec::new();
    for t in texts {
        let got = lid.detect_with_hint(t, hint);
        if got != want {
            wrong.push(format!("{got:?}: {t}"));
        }
    }
    (texts.len() - wrong.len(), wrong)
}

#[test]
fn own_indonesian_texts() {
    let (ok, wrong) = accuracy(INDONESIAN, Language::Indonesian, None);
    println!("id: {ok}/{}", INDONESIAN.len());
    assert!(ok >= INDONESIAN.len() - 1, "misdetected: {wrong:#?}");
}

#[test]
fn own_malay_texts() {
    let (ok, wrong) = accuracy(MALAY, Language::Malay, None);
    println!("ms without hint: {ok}/{}", MALAY.len());
    assert!(ok >= MALAY.len() - 2, "misdetected: {wrong:#?}");
    let (ok, wrong) = accuracy(MALAY, Language::Malay, Some(Language::Malay));
    assert_eq!(ok, MALAY.len(), "misdetected with a Malay hint: {wrong:#?}");
}

#[test]
fn own_english_texts() {
    let (ok, wrong) = accuracy(ENGLISH, Language::English, None);
    println!("en: {ok}/{}", ENGLISH.len());
    assert_eq!(ok, ENGLISH.len(), "misdetected: {wrong:#?}");
    // A Malay hint must not turn English into Malay.
    let (ok, _) = accuracy(ENGLISH, Language::English, Some(Language::Malay));
    assert_eq!(ok, ENGLISH.len());
}

#[test]
fn hint_decides_only_when_the_text_is_ambiguous() {
    let lid = LanguageIdentifier::global();
    // Words shared by both standards only.
    let shared = "Dua orang meninggal dunia dan tiga lagi dirawat di klinik, menurut pegawai itu.";
    assert_eq!(
        lid.detect_with_hint(shared, Some(Language::Malay)),
        Language::Malay
    );
    assert_eq!(
        lid.detect_with_hint(shared, Some(Language::Indonesian)),
        Language::Indonesian
    );
    // A clearly Indonesian paragraph stays Indonesian under a Malay hint.
    assert_eq!(
        lid.detect_with_hint(INDONESIAN[11], Some(Language::Malay)),
        Language::Indonesian
    );
}

#[cfg(feature = "lingua")]
#[test]
fn short_texts_go_to_lingua() {
    let lid = LanguageIdentifier::global();
    assert_eq!(
        lid.detect("Wabah demam berdarah merebak di Garut"),
        Language::Indonesian
    );
    assert_eq!(
        lid.detect("Cholera outbreak spreads in coastal villages"),
        Language::English
    );
    assert_eq!(
        lid.detect("Nagkaroon ng pagsiklab ng dengue sa lalawigan ayon sa kagawaran ng kalusugan"),
        Language::Tagalog
    );
}

fn eval_accuracy(name: &str, want: Language) -> Option<(usize, usize)> {
    let rows = common::eval_rows(name)?;
    let lid = LanguageIdentifier::global();
    let mut ok = 0;
    for row in &rows {
        let title = row["title"].as_str();
        let body = row["text"].as_str().unwrap_or("");
        let clean = clean_article(title, body);
        let got = lid.detect(&clean.text);
        if got == want {
            ok += 1;
        } else {
            eprintln!("{} -> {got:?}", row["id"]);
        }
    }
    println!("{name}: {ok}/{} detected as {}", rows.len(), want.code());
    Some((ok, rows.len()))
}

#[test]
fn indonesian_news_eval_file() {
    if let Some((ok, n)) = eval_accuracy("id_news_dev.jsonl", Language::Indonesian) {
        assert!(ok as f64 >= 0.97 * n as f64, "{ok}/{n}");
    }
}

#[test]
fn who_dons_eval_file() {
    if let Some((ok, n)) = eval_accuracy("who_dons_dev.jsonl", Language::English) {
        assert!(ok as f64 >= 0.99 * n as f64, "{ok}/{n}");
    }
}

#[test]
fn seed_is_indonesian() {
    if let Some((ok, n)) = eval_accuracy("seed.jsonl", Language::Indonesian) {
        assert_eq!(ok, n);
    }
}
