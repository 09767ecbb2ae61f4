//! Read-stage throughput on a ~4 kB Indonesian article written for this benchmark, with a
//! `split_whitespace().count()` pass over the same text as the baseline in the same run.
//!
//! `cargo bench -p waspada-text --bench text`

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use waspada_text::{LanguageIdentifier, Stemmer, clean_article, sentences, tokens};

const TITLE: &str = "Kasus DBD di Kabupaten Garut Melonjak, Dinkes Tetapkan Siaga";

/// Paragraphs in the style of Indonesian regional news, with the furniture that scrapers
/// leave behind (our own text, not copied from any outlet).
const PARAGRAPHS: &[&str] = &[
    "GARUT, Kabar Daerah - Dinas Kesehatan Kabupaten Garut mencatat lonjakan kasus demam berdarah dengue (DBD) sepanjang Juni 2025. Hingga Senin (7/7/2025), tercatat 1.234 kasus dengan 9 orang meninggal dunia.",
    "Kepala Dinkes Kab. Garut, dr. H. Asep Suryana, M.Kes., mengatakan sebagian besar penderita adalah anak-anak usia sekolah. \"Kami minta warga tidak panik, tetapi waspada,\" ujarnya saat ditemui di kantornya.",
    "ADVERTISEMENT",
    "SCROLL TO CONTINUE WITH CONTENT",
    "Menurut Asep, kenaikan kasus dipicu oleh curah hujan yang tinggi pada pekan lalu. Genangan air di sekitar permukiman menjadi tempat berkembang biak nyamuk Aedes aegypti.",
    "Baca juga: Dinkes Jabar Siapkan 500 Ribu Abate untuk Daerah Rawan DBD",
    "Kecamatan dengan kasus terbanyak adalah Tarogong Kidul, Garut Kota dan Karangpawitan. Di tiga kecamatan itu, petugas puskesmas telah melakukan pengasapan (fogging) di 27 titik.",
    "Selain itu, Dinkes membentuk tim juru pemantau jentik di setiap desa. Tim tersebut bertugas memeriksa bak mandi, pot bunga dan barang bekas yang dapat menampung air hujan.",
    "Petugas memeriksa jentik nyamuk di rumah warga. (Foto: Dok. Dinkes Garut)",
    "Rumah sakit umum daerah (RSUD) dr. Slamet Garut kini merawat 87 pasien DBD. Direktur RSUD menyebut ruang rawat inap anak sudah penuh sejak Jumat, sehingga pihaknya menambah 20 tempat tidur di lorong.",
    "\"Kalau kondisinya terus naik, kami siapkan ruang aula sebagai ruang perawatan sementara. Tenaga perawat juga kami tambah dari puskesmas,\" kata dia.",
    "Pemerintah kabupaten belum menetapkan status kejadian luar biasa (KLB). Namun, Bupati Garut meminta camat dan kepala desa menggerakkan kerja bakti setiap Jumat untuk membersihkan selokan dan saluran air.",
    "Dinkes juga mengimbau masyarakat menerapkan gerakan 3M Plus, yakni menguras, menutup dan mendaur ulang barang bekas, ditambah memakai lotion antinyamuk dan menanam tanaman pengusir nyamuk.",
    "Warga yang mengalami demam tinggi mendadak selama dua sampai tujuh hari, disertai bintik merah di kulit, nyeri otot dan mual, diminta segera memeriksakan diri ke puskesmas terdekat.",
    "Sementara itu, Dinas Kesehatan Provinsi Jawa Barat melaporkan 14.502 kasus DBD di seluruh provinsi sejak Januari. Angka tersebut naik 1,5 kali dibandingkan periode yang sama tahun lalu.",
    "Kepala Bidang Pencegahan dan Pengendalian Penyakit Dinkes Jabar menyebut Garut, Tasikmalaya dan Kota Bandung sebagai daerah dengan tingkat kejadian tertinggi. Pihaknya telah mengirim bantuan larvasida dan alat fogging ke daerah tersebut.",
    "Ia menambahkan, vaksin dengue kini tersedia di sejumlah fasilitas kesehatan swasta, tetapi belum masuk program imunisasi nasional. Pemerintah pusat masih mengkaji pemberian vaksin untuk anak di daerah endemis.",
    "Di Desa Sukamaju, Kecamatan Tarogong Kidul, sedikitnya 23 warga dirawat dalam sepekan terakhir. Ketua RW setempat mengatakan sebagian warga baru memeriksakan diri setelah demam berlangsung tiga hari.",
    "\"Awalnya dikira masuk angin biasa. Setelah dibawa ke puskesmas dan diperiksa darahnya, ternyata trombositnya turun,\" tutur Iis (41), ibu dari salah satu pasien anak.",
    "Puskesmas Tarogong kini membuka layanan pemeriksaan darah hingga pukul 21.00 WIB. Kepala puskesmas menyebut jumlah kunjungan pasien demam naik dari rata-rata 40 orang menjadi 110 orang per hari.",
    "Pengamat kesehatan masyarakat dari sebuah universitas di Bandung menilai lonjakan kasus tahun ini berkaitan dengan pola cuaca yang tidak menentu. Menurut dia, musim hujan yang lebih panjang memperbanyak tempat perindukan nyamuk.",
    "Ia juga menyarankan pemerintah daerah memperkuat sistem pelaporan dari klinik swasta dan dokter praktik mandiri, karena banyak kasus ringan tidak tercatat dalam data resmi dinas kesehatan.",
    "Hingga berita ini diturunkan, Dinkes Garut masih menunggu hasil pemeriksaan serotipe virus dengue dari laboratorium kesehatan daerah provinsi untuk memastikan jenis virus yang beredar.",
    "Simak Video: Cara Membasmi Sarang Nyamuk di Rumah",
    "Dapatkan update berita pilihan dan breaking news setiap hari dari Kabar Daerah. Mari bergabung di Grup Telegram",
    "Editor: Rina Kartika",
];

fn article() -> String {
    PARAGRAPHS.join("\n\n")
}

fn bench(c: &mut Criterion) {
    let body = article();
    let lid = LanguageIdentifier::global();
    let stemmer = Stemmer::new();
    let mut g = c.benchmark_group("read_4kB_article");
    g.throughput(Throughput::Bytes(body.len() as u64));
    g.bench_function("baseline_split_whitespace_count", |b| {
        b.iter(|| black_box(&body).split_whitespace().count())
    });
    g.bench_function("clean_article", |b| {
        b.iter(|| clean_article(Some(TITLE), black_box(&body)))
    });
    let clean = clean_article(Some(TITLE), &body);
    g.bench_function("detect", |b| b.iter(|| lid.detect(black_box(&clean.text))));
    g.bench_function("tokens", |b| {
        b.iter(|| tokens(black_box(&clean.text)).count())
    });
    g.bench_function("sentences", |b| {
        b.iter(|| sentences(black_box(&clean.text)).len())
    });
    g.bench_function("stem_all_words", |b| {
        b.iter(|| {
            tokens(black_box(&clean.text))
                .filter(|t| t.kind == waspada_text::TokenKind::Word)
                .map(|t| stemmer.stem(t.text).len())
                .sum::<usize>()
        })
    });
    g.bench_function("read_stage_total", |b| {
        b.iter(|| {
            let clean = clean_article(Some(TITLE), black_box(&body));
            let lang = lid.detect(&clean.text);
            let n = tokens(&clean.text).count() + sentences(&clean.text).len();
            (lang, n)
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
