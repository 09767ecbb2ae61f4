//! MinHash signing of a news-sized text: the written-out xxh3 path of
//! `MinHasher::sign` against the general-purpose `xxh3_64_with_seed`
//! (`MinHasher::sign_reference`), measured in the same run.
//!
//! `cargo bench -p waspada-events --bench dedup`

use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use waspada_events::dedup::{MinHasher, Shingler};

/// About 4 kB of Indonesian-looking text, so ~600 distinct 4-word shingles.
fn article() -> String {
    let words = [
        "dinas",
        "kesehatan",
        "kabupaten",
        "mencatat",
        "kasus",
        "demam",
        "berdarah",
        "warga",
        "desa",
        "pasien",
        "rumah",
        "sakit",
        "meninggal",
        "dunia",
        "petugas",
        "puskesmas",
        "fogging",
        "nyamuk",
        "jentik",
        "minggu",
        "lalu",
        "kecamatan",
        "laporan",
        "tahun",
    ];
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    let mut text = String::new();
    while text.len() < 4000 {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        text.push_str(words[(state % words.len() as u64) as usize]);
        text.push(' ');
    }
    text
}

fn bench(c: &mut Criterion) {
    let shingles = Shingler::default().shingles(&article());
    let hasher = MinHasher::default();
    let mut group = c.benchmark_group("minhash_128_of_4kB");
    group.bench_function("xxh3_reference", |b| {
        b.iter(|| hasher.sign_reference(black_box(&shingles)))
    });
    group.bench_function("sign", |b| b.iter(|| hasher.sign(black_box(&shingles))));
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
