//! Measures how long signing a 4 kB article takes (shingling, MinHash, band keys, SimHash).
//!
//! Run with `cargo run --release -p waspada-events --example sign_cost`.

use std::hint::black_box;
use std::time::Instant;

use waspada_events::dedup::{LshBands, MinHasher, Shingler, simhash64_shingles};

fn main() {
    // A synthetic article of about 4 kB: varied words so that shingles are mostly distinct.
    let mut text = String::new();
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    while text.len() < 4096 {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let len = 3 + (state % 7) as usize;
        for i in 0..len {
            text.push((b'a' + ((state >> (5 * i)) % 26) as u8) as char);
        }
        text.push(' ');
    }
    let (shingler, hasher, bands) = (
        Shingler::default(),
        MinHasher::default(),
        LshBands::default(),
    );
    let words = shingler.words(&text).len();
    let rounds = 2000;
    let start = Instant::now();
    for _ in 0..rounds {
        let shingles = shingler.shingles(black_box(&text));
        let signature = hasher.sign(&shingles);
        black_box(bands.band_keys(&signature));
        black_box(simhash64_shingles(&shingles));
    }
    let per = start.elapsed() / rounds;
    let start = Instant::now();
    for _ in 0..rounds {
        black_box(shingler.shingles(black_box(&text)));
    }
    let shingling = start.elapsed() / rounds;
    println!(
        "{} bytes, {words} words: {per:?} per article (shingling alone {shingling:?}), {:.0} articles/s on one core",
        text.len(),
        1.0 / per.as_secs_f64()
    );
}
