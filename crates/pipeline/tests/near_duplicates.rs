//! Stories (near-duplicate clusters) must not depend on how the ingest cut its input
//! into batches: a crashed run that resumes with other boundaries, or a file ingested
//! with another `--batch`, must store the same stories as one uninterrupted run.

use std::collections::HashMap;

use waspada_extract::Article;
use waspada_pipeline::files::InputItem;
use waspada_pipeline::ingest::{IngestOptions, ingest};
use waspada_store::Store;

/// Four unrelated stories, each long enough for a meaningful signature.
const STORIES: [&str; 4] = [
    "Dinas Kesehatan Kabupaten Garut mencatat lonjakan kasus demam berdarah dengue di tiga \
     kecamatan sejak awal bulan. Sebanyak 57 warga dirawat di rumah sakit umum daerah dan dua \
     anak meninggal dunia. Petugas puskesmas melakukan pengasapan di permukiman padat dan \
     meminta warga menguras bak mandi, menutup tempat penampungan air, serta mengubur barang \
     bekas yang dapat menampung air hujan. Kepala dinas menyebut curah hujan tinggi membuat \
     jentik nyamuk berkembang cepat di selokan yang tersumbat.",
    "Ratusan babi di Kabupaten Belu mati mendadak dalam dua pekan terakhir. Dinas Peternakan \
     menduga penyebabnya demam babi Afrika setelah sampel darah dikirim ke balai veteriner di \
     Denpasar. Peternak diminta tidak menjual atau memindahkan ternak ke desa lain, dan pasar \
     hewan ditutup sementara. Petugas menyemprotkan disinfektan di kandang dan memusnahkan \
     bangkai dengan cara dikubur agar virus tidak menyebar ke peternakan sekitar perbatasan.",
    "Sebanyak 143 siswa sekolah dasar di Kecamatan Cibinong mengalami mual, muntah dan pusing \
     setelah menyantap makanan bergizi gratis di sekolah. Para siswa dibawa ke puskesmas dan \
     rumah sakit terdekat. Polisi mengambil sampel nasi, sayur dan lauk untuk diperiksa di \
     laboratorium kesehatan daerah. Pemerintah kabupaten menghentikan sementara pengiriman \
     makanan dari dapur penyedia sampai hasil pemeriksaan keluar dan penyebab keracunan jelas.",
    "Kementerian Kesehatan menetapkan kejadian luar biasa difteri setelah ditemukan dua puluh \
     kasus di empat kabupaten dalam sebulan. Imunisasi ulang digelar untuk anak usia satu hingga \
     lima belas tahun di sekolah dan posyandu. Tenaga kesehatan menelusuri kontak erat pasien \
     dan memberikan obat pencegahan. Orang tua diminta segera membawa anak yang demam dengan \
     selaput putih di tenggorokan ke fasilitas kesehatan terdekat.",
];

/// A syndicated copy: another dateline and a line of the outlet's own boilerplate.
fn copy(story: &str, outlet: &str) -> String {
    format!("{outlet} - {story} Ikuti berita terkini lainnya di {outlet}.")
}

fn article(id: &str, text: String) -> InputItem {
    InputItem::Article(Article {
        id: id.to_string(),
        title: None,
        text,
        published: Some("2025-03-01".into()),
        url: Some(format!("https://contoh.id/{id}")),
        lang: Some("id".into()),
        source: None,
    })
}

/// Copies of story 0 land in the same batch, the next one, two later and much later;
/// copies of story 1 straddle batch boundaries the other way round.
fn corpus() -> Vec<InputItem> {
    let order: [(usize, &str); 14] = [
        (0, "KOMPAS"),
        (0, "DETIK"),
        (1, "ANTARA"),
        (0, "TEMPO"),
        (2, "KOMPAS"),
        (1, "TRIBUN"),
        (0, "REPUBLIKA"),
        (3, "DETIK"),
        (2, "SUARA"),
        (1, "KUMPARAN"),
        (3, "POS KUPANG"),
        (0, "OKEZONE"),
        (2, "ANTARA"),
        (3, "TEMPO"),
    ];
    order
        .iter()
        .enumerate()
        .map(|(i, &(story, outlet))| {
            article(&format!("a{i:02}-s{story}"), copy(STORIES[story], outlet))
        })
        .collect()
}

/// External id → the external id of the first article of its story.
fn stories(store: &Store) -> HashMap<String, String> {
    let rows = store.articles_after(0, 1000).unwrap();
    let first_of: HashMap<i64, String> = rows
        .iter()
        .map(|a| (a.id, a.external_id.clone().unwrap()))
        .collect();
    rows.iter()
        .map(|a| {
            (
                a.external_id.clone().unwrap(),
                first_of[&a.cluster_id].clone(),
            )
        })
        .collect()
}

#[test]
fn bulk_ingest_forms_the_same_stories_whatever_the_batch_boundaries() {
    let mut reference = Store::in_memory().unwrap();
    ingest(
        &mut reference,
        None,
        corpus(),
        &IngestOptions { batch_size: 1 },
        |_| {},
    )
    .unwrap();
    let expected = stories(&reference);
    // Each copy joins the first article of its own story, and only that.
    for (id, first) in &expected {
        assert_eq!(id[4..], first[4..], "{id} joined {first}");
    }
    assert_eq!(
        expected
            .values()
            .collect::<std::collections::HashSet<_>>()
            .len(),
        STORIES.len()
    );

    for batch_size in [1, 2, 3, 5, 64] {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("w.sqlite")).unwrap();
        let summary = ingest(
            &mut store,
            None,
            corpus(),
            &IngestOptions { batch_size },
            |_| {},
        )
        .unwrap();
        assert_eq!(summary.new, 14);
        assert_eq!(summary.near_duplicate, 10, "batch size {batch_size}");
        assert_eq!(stories(&store), expected, "batch size {batch_size}");
    }
}
