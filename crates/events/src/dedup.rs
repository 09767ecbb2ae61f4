//! Near-duplicate detection: word shingles, MinHash signatures, LSH band keys and SimHash.
//!
//! A syndicated story reaches Waspada through many outlets with small edits: another
//! dateline, a "Baca juga" link, a changed sentence. Counting each copy as a separate
//! report would inflate the series, so copies are linked into one cluster.
//!
//! # Pipeline
//! 1. [`Shingler`] normalises the text into words and hashes every run of `k` words
//!    (a *shingle*, `k = 4` by default) with xxh3.
//! 2. [`MinHasher`] turns the shingle set into a [`Signature`] of 128 values; the share of
//!    equal positions in two signatures estimates the Jaccard similarity of the shingle sets
//!    (standard deviation `sqrt(J(1-J)/128)`, at most 0.044).
//! 3. [`LshBands`] cuts a signature into `b` bands of `r` rows and hashes each band into a
//!    plain `u64` key. Two articles become *candidates* when they share any `(band, key)`;
//!    the embedded store keeps each article's keys with its signature and indexes them in
//!    memory; PostgreSQL keeps them as `lsh_band(band, key, article_id)` rows.
//! 4. Candidates are confirmed with [`Signature::jaccard_estimate`] ≥ a threshold
//!    (0.8 by default), as [`LshIndex`] does in memory.
//!
//! [`simhash64`] gives a 64-bit fingerprint for quick checks: near-identical texts differ
//! in few bits ([`hamming`]).
//!
//! # Choice of b × r = 32 × 4
//! An article pair with shingle Jaccard `s` becomes a candidate with probability
//! `1 - (1 - s^r)^b`. With `b = 32`, `r = 4` (see [`LshBands::candidate_probability`]):
//!
//! | s    | 0.1    | 0.2   | 0.3   | 0.4   | 0.5   | 0.6   | 0.7    | 0.8        |
//! |------|--------|-------|-------|-------|-------|-------|--------|------------|
//! | P    | 0.0032 | 0.050 | 0.229 | 0.564 | 0.873 | 0.988 | 0.9998 | 1 − 5·10⁻⁸ |
//!
//! The S-curve turns at about `(1/b)^(1/r) ≈ 0.42`, well below the 0.8 confirmation
//! threshold: a pair that truly is a near-duplicate is practically never missed, and the
//! price is some extra candidates between 0.3 and 0.6, which the Jaccard check over the
//! full 128 values removes cheaply. Unrelated articles (s < 0.1) collide in under 0.4 % of
//! pairs.
//!
//! # Stability contract
//! Signatures and band keys are persisted, so every hash here is xxh3 with fixed seeds over
//! explicitly little-endian bytes: the same text gives the same values on every machine and
//! in every release. Changing the normalisation, the seeds, `k`, `num_perm` or `b × r`
//! changes the stored values and needs a store migration (re-signing all articles); the
//! golden test in `tests/dedup.rs` guards this.
//!
//! # Empty text
//! A text without words has no shingles. Its signature is all `u64::MAX`
//! ([`Signature::is_empty`]), its SimHash is 0, and [`LshIndex`] never matches it with
//! anything: two empty pages are not the same story.

use std::collections::HashMap;
use std::ops::Range;

use xxhash_rust::xxh3::xxh3_64_with_seed;

/// Seed for hashing a shingle's words into one `u64`.
const SHINGLE_SEED: u64 = 0x5741_5350_4144_4131; // "WASPADA1"
/// Seed from which the per-permutation MinHash seeds are derived.
const MINHASH_SEED: u64 = 0x6d69_6e68_6173_6831; // "minhash1"
/// Seed for hashing a band's rows into its key (the band index is added to it).
const BAND_SEED: u64 = 0x6c73_6862_616e_6431; // "lshband1"
/// Separates words inside a shingle before hashing (cannot occur inside a word).
const WORD_SEPARATOR: u8 = 0x1f;

/// Default number of words per shingle.
pub const DEFAULT_SHINGLE_WORDS: usize = 4;
/// Default number of MinHash values per signature.
pub const DEFAULT_NUM_PERM: usize = 128;
/// Default number of LSH bands.
pub const DEFAULT_BANDS: usize = 32;
/// Default number of signature values per LSH band.
pub const DEFAULT_ROWS: usize = 4;
/// Default Jaccard estimate at or above which two articles are near-duplicates.
pub const DEFAULT_THRESHOLD: f64 = 0.8;

/// Normalises text into words and hashes its `k`-word shingles.
///
/// Normalisation: lowercase; `.` and `,` between two digits are dropped (`1.234` and
/// `1,234` both become `1234`); apostrophes between two letters or digits are dropped
/// (`Jum'at` → `jumat`); every other character that is not a letter or digit separates
/// words. Unicode NFC is expected to be done upstream (waspada-text).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shingler {
    k: usize,
}

impl Default for Shingler {
    fn default() -> Self {
        Self {
            k: DEFAULT_SHINGLE_WORDS,
        }
    }
}

impl Shingler {
    /// A shingler with `k` words per shingle; `k = 0` is treated as 1.
    pub fn new(k: usize) -> Self {
        Self { k: k.max(1) }
    }

    /// Number of words per shingle.
    pub fn k(&self) -> usize {
        self.k
    }

    /// The normalised words of `text`, in order.
    pub fn words(&self, text: &str) -> Vec<String> {
        let (buf, spans) = normalise(text);
        spans.into_iter().map(|span| buf[span].to_owned()).collect()
    }

    /// The set of shingle hashes of `text`, sorted and without repeats.
    ///
    /// A shingle's hash is xxh3 over its words joined by the byte `0x1F`. A text with fewer
    /// than `k` words (but at least one) yields a single shingle of all its words, so short
    /// texts still get a meaningful signature; an empty text yields none.
    pub fn shingles(&self, text: &str) -> Vec<u64> {
        let (buf, spans) = normalise(text);
        if spans.is_empty() {
            return Vec::new();
        }
        let width = self.k.min(spans.len());
        // The normalised buffer already joins words with the separator, so a shingle is
        // one contiguous slice: no copying.
        let mut hashes: Vec<u64> = spans
            .windows(width)
            .map(|w| xxh3_64_with_seed(&buf.as_bytes()[w[0].start..w[width - 1].end], SHINGLE_SEED))
            .collect();
        hashes.sort_unstable();
        hashes.dedup();
        hashes
    }
}

/// Normalises `text` into its words joined by [`WORD_SEPARATOR`], with each word's range.
fn normalise(text: &str) -> (String, Vec<Range<usize>>) {
    let mut buf = String::with_capacity(text.len());
    let mut spans = Vec::new();
    let mut start: Option<usize> = None;
    let mut prev: Option<char> = None;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_alphanumeric() {
            if start.is_none() {
                if !spans.is_empty() {
                    buf.push(char::from(WORD_SEPARATOR));
                }
                start = Some(buf.len());
            }
            if c.is_ascii() {
                buf.push(c.to_ascii_lowercase());
            } else {
                buf.extend(c.to_lowercase());
            }
        } else {
            let next = chars.peek().copied();
            let joins = match c {
                '.' | ',' => {
                    prev.is_some_and(char::is_numeric) && next.is_some_and(char::is_numeric)
                }
                '\'' | '\u{2019}' | '`' => {
                    prev.is_some_and(char::is_alphanumeric)
                        && next.is_some_and(char::is_alphanumeric)
                }
                _ => false,
            };
            if !joins && let Some(s) = start.take() {
                spans.push(s..buf.len());
            }
        }
        prev = Some(c);
    }
    if let Some(s) = start {
        spans.push(s..buf.len());
    }
    (buf, spans)
}

/// A MinHash signature: for each permutation, the minimum hash over the shingle set.
///
/// The values are what the store persists; [`Signature::from_values`] rebuilds one.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Signature(Vec<u64>);

impl Signature {
    /// Rebuilds a signature from stored values.
    pub fn from_values(values: Vec<u64>) -> Self {
        Self(values)
    }

    /// The signature values, one per permutation.
    pub fn values(&self) -> &[u64] {
        &self.0
    }

    /// Number of values.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether this is the signature of a text without shingles (every value `u64::MAX`,
    /// or no values at all).
    pub fn is_empty(&self) -> bool {
        self.0.iter().all(|&v| v == u64::MAX)
    }

    /// Estimated Jaccard similarity of the two shingle sets: the share of equal positions,
    /// in `[0, 1]`.
    ///
    /// Signatures of different lengths were made with different settings and cannot be
    /// compared: the estimate is then 0. Two signatures without values give 1.
    pub fn jaccard_estimate(&self, other: &Signature) -> f64 {
        if self.0.len() != other.0.len() {
            return 0.0;
        }
        if self.0.is_empty() {
            return 1.0;
        }
        let equal = self.0.iter().zip(&other.0).filter(|(a, b)| a == b).count();
        equal as f64 / self.0.len() as f64
    }
}

/// Computes MinHash signatures with `num_perm` fixed-seed xxh3 permutations.
///
/// Permutation `i` maps a shingle hash `x` to `xxh3_64_with_seed(x.to_le_bytes(), seed_i)`.
/// Signing a 4 kB article evaluates that ~90,000 times, the largest single cost of ingest,
/// so [`MinHasher::sign`] computes it with xxh3's 8-byte path written out
/// ([`xxh3_8_bytes`]), sixteen permutations at a time, and with AVX2 where the CPU has it:
/// the same values as [`MinHasher::sign_reference`], about three times faster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MinHasher {
    seeds: Vec<u64>,
    /// Per permutation, the mask xxh3 puts on an 8-byte input under its seed.
    flips: Vec<u64>,
}

/// Bytes 8..16 and 16..24 of xxh3's default secret (little-endian): the two words its
/// 4-to-8-byte path mixes into the key.
const XXH3_SECRET_8: u64 = 0x1cad_21f7_2c81_017c;
const XXH3_SECRET_16: u64 = 0xdb97_9083_e96d_d4de;

/// Permutations evaluated together: sixteen running minima stay in registers.
const SIGN_LANES: usize = 16;

/// The mask xxh3 puts on an 8-byte input under `seed` (XXH3_len_4to8).
fn xxh3_flip(seed: u64) -> u64 {
    let seed = seed ^ (u64::from((seed as u32).swap_bytes()) << 32);
    (XXH3_SECRET_8 ^ XXH3_SECRET_16).wrapping_sub(seed)
}

/// `xxh3_64_with_seed(&x.to_le_bytes(), seed)` given `flip = xxh3_flip(seed)`: the
/// 4-to-8-byte path of the XXH3 specification with the length fixed at 8.
#[inline(always)]
fn xxh3_8_bytes(x: u64, flip: u64) -> u64 {
    // The spec reads the low and high 32-bit words and joins them swapped.
    let mut v = x.rotate_left(32) ^ flip;
    v ^= v.rotate_left(49) ^ v.rotate_left(24);
    v = v.wrapping_mul(0x9FB2_1C65_1E98_DF25);
    v ^= (v >> 35).wrapping_add(8);
    v = v.wrapping_mul(0x9FB2_1C65_1E98_DF25);
    v ^ (v >> 28)
}

/// The minima of every permutation in `flips` over `shingles`, into `mins`.
#[inline(always)]
fn sign_into(shingles: &[u64], flips: &[u64], mins: &mut [u64]) {
    let mut blocks = mins
        .chunks_exact_mut(SIGN_LANES)
        .zip(flips.chunks_exact(SIGN_LANES));
    for (out, block) in blocks.by_ref() {
        let Ok(lane_flips) = <&[u64; SIGN_LANES]>::try_from(block) else {
            continue; // chunks_exact: never shorter
        };
        let mut acc = [u64::MAX; SIGN_LANES];
        for &shingle in shingles {
            for lane in 0..SIGN_LANES {
                acc[lane] = acc[lane].min(xxh3_8_bytes(shingle, lane_flips[lane]));
            }
        }
        out.copy_from_slice(&acc);
    }
    let done = flips.len() - flips.len() % SIGN_LANES;
    for (m, &f) in mins[done..].iter_mut().zip(&flips[done..]) {
        for &shingle in shingles {
            *m = (*m).min(xxh3_8_bytes(shingle, f));
        }
    }
}

/// [`sign_into`] compiled for AVX2, which vectorises the sixteen lanes.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn sign_into_avx2(shingles: &[u64], flips: &[u64], mins: &mut [u64]) {
    sign_into(shingles, flips, mins)
}

impl Default for MinHasher {
    fn default() -> Self {
        Self::new(DEFAULT_NUM_PERM)
    }
}

impl MinHasher {
    /// A hasher with `num_perm` permutations (0 is treated as 1). The seeds depend only on
    /// the position, so hashers with the same `num_perm` always agree.
    pub fn new(num_perm: usize) -> Self {
        let seeds: Vec<u64> = (0..num_perm.max(1) as u64)
            .map(|i| xxh3_64_with_seed(&i.to_le_bytes(), MINHASH_SEED))
            .collect();
        let flips = seeds.iter().map(|&s| xxh3_flip(s)).collect();
        Self { seeds, flips }
    }

    /// Number of permutations (signature length).
    pub fn num_perm(&self) -> usize {
        self.seeds.len()
    }

    /// Signature of a set of shingle hashes (as from [`Shingler::shingles`]); repeats do not
    /// matter. No shingles give the empty signature (all `u64::MAX`).
    pub fn sign(&self, shingles: &[u64]) -> Signature {
        let mut mins = vec![u64::MAX; self.flips.len()];
        #[cfg(target_arch = "x86_64")]
        if std::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU has just been checked for AVX2.
            unsafe { sign_into_avx2(shingles, &self.flips, &mut mins) };
            return Signature(mins);
        }
        sign_into(shingles, &self.flips, &mut mins);
        Signature(mins)
    }

    /// [`MinHasher::sign`] through the general-purpose `xxh3_64_with_seed`: the
    /// definition the fast path must equal (a property test checks it), and the baseline
    /// of its benchmark.
    pub fn sign_reference(&self, shingles: &[u64]) -> Signature {
        let mut mins = vec![u64::MAX; self.seeds.len()];
        for &shingle in shingles {
            let bytes = shingle.to_le_bytes();
            for (min, &seed) in mins.iter_mut().zip(&self.seeds) {
                *min = (*min).min(xxh3_64_with_seed(&bytes, seed));
            }
        }
        Signature(mins)
    }

    /// Signature of `text` shingled by `shingler`.
    pub fn sign_text(&self, shingler: &Shingler, text: &str) -> Signature {
        self.sign(&shingler.shingles(text))
    }
}

/// Cuts signatures into `bands` bands of `rows` values and hashes each band into a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LshBands {
    bands: usize,
    rows: usize,
}

impl Default for LshBands {
    fn default() -> Self {
        Self {
            bands: DEFAULT_BANDS,
            rows: DEFAULT_ROWS,
        }
    }
}

impl LshBands {
    /// `bands` bands of `rows` values each (0 is treated as 1); the signature should have
    /// `bands × rows` values. Bands are limited to `u16::MAX + 1` so that the band number
    /// fits the store's column.
    pub fn new(bands: usize, rows: usize) -> Self {
        Self {
            bands: bands.clamp(1, usize::from(u16::MAX) + 1),
            rows: rows.max(1),
        }
    }

    /// Number of bands `b`.
    pub fn bands(&self) -> usize {
        self.bands
    }

    /// Values per band `r`.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Probability that a pair with shingle Jaccard `s` shares at least one band key:
    /// `1 - (1 - s^r)^b` (`s` is clamped to `[0, 1]`).
    pub fn candidate_probability(&self, s: f64) -> f64 {
        let s = if s.is_nan() { 0.0 } else { s.clamp(0.0, 1.0) };
        1.0 - (1.0 - s.powi(self.rows as i32)).powi(self.bands as i32)
    }

    /// The `(band, key)` pairs of a signature, one per complete band, in band order.
    ///
    /// A signature shorter than `bands × rows` yields only its complete bands. The key is
    /// xxh3 over the band's values as little-endian bytes, seeded by the band number, so
    /// equal keys in different bands do not mean equal values.
    pub fn band_keys(&self, signature: &Signature) -> Vec<(u16, u64)> {
        let mut bytes = Vec::with_capacity(self.rows * 8);
        signature
            .values()
            .chunks_exact(self.rows)
            .take(self.bands)
            .enumerate()
            .map(|(band, rows)| {
                bytes.clear();
                for v in rows {
                    bytes.extend_from_slice(&v.to_le_bytes());
                }
                // `new` caps bands at u16::MAX + 1, so `band` fits.
                let band = band as u16;
                (band, xxh3_64_with_seed(&bytes, BAND_SEED + u64::from(band)))
            })
            .collect()
    }
}

/// 64-bit SimHash of `text` over its default shingles (each shingle weight 1).
///
/// Near-identical texts differ in few bits; compare with [`hamming`]. A text without words
/// gives 0.
pub fn simhash64(text: &str) -> u64 {
    simhash64_shingles(&Shingler::default().shingles(text))
}

/// 64-bit SimHash of a set of shingle hashes: bit `i` is set when more shingles have bit
/// `i` set than not. No shingles give 0.
pub fn simhash64_shingles(shingles: &[u64]) -> u64 {
    let mut counts = [0i64; 64];
    for &h in shingles {
        for (bit, count) in counts.iter_mut().enumerate() {
            *count += if h >> bit & 1 == 1 { 1 } else { -1 };
        }
    }
    counts
        .iter()
        .enumerate()
        .filter(|&(_, &c)| c > 0)
        .fold(0u64, |acc, (bit, _)| acc | 1 << bit)
}

/// Number of differing bits between two SimHashes.
pub fn hamming(a: u64, b: u64) -> u32 {
    (a ^ b).count_ones()
}

/// An in-memory LSH index over article signatures, for tests and the embedded pipeline.
///
/// The persistent store keeps the same `(band, key, article_id)` rows; this type shows the
/// lookup logic. Empty signatures are stored but never match.
#[derive(Debug, Clone)]
pub struct LshIndex {
    bands: LshBands,
    threshold: f64,
    buckets: HashMap<(u16, u64), Vec<u64>>,
    signatures: HashMap<u64, Signature>,
}

impl Default for LshIndex {
    fn default() -> Self {
        Self::new(LshBands::default(), DEFAULT_THRESHOLD)
    }
}

impl LshIndex {
    /// An empty index banding with `bands` and confirming at Jaccard estimate ≥ `threshold`.
    pub fn new(bands: LshBands, threshold: f64) -> Self {
        Self {
            bands,
            threshold,
            buckets: HashMap::new(),
            signatures: HashMap::new(),
        }
    }

    /// Number of articles in the index.
    pub fn len(&self) -> usize {
        self.signatures.len()
    }

    /// Whether the index holds no articles.
    pub fn is_empty(&self) -> bool {
        self.signatures.is_empty()
    }

    /// Adds (or replaces) the signature of `article_id`.
    pub fn insert(&mut self, article_id: u64, signature: Signature) {
        self.remove(article_id);
        if !signature.is_empty() {
            for key in self.bands.band_keys(&signature) {
                self.buckets.entry(key).or_default().push(article_id);
            }
        }
        self.signatures.insert(article_id, signature);
    }

    /// Removes `article_id`; returns whether it was present.
    pub fn remove(&mut self, article_id: u64) -> bool {
        let Some(old) = self.signatures.remove(&article_id) else {
            return false;
        };
        for key in self.bands.band_keys(&old) {
            if let Some(ids) = self.buckets.get_mut(&key) {
                ids.retain(|&id| id != article_id);
                if ids.is_empty() {
                    self.buckets.remove(&key);
                }
            }
        }
        true
    }

    /// Articles sharing at least one band key with `signature`, sorted, without repeats.
    /// Unconfirmed: most are near-duplicates, some merely similar.
    pub fn candidates(&self, signature: &Signature) -> Vec<u64> {
        if signature.is_empty() {
            return Vec::new();
        }
        let mut ids: Vec<u64> = self
            .bands
            .band_keys(signature)
            .iter()
            .filter_map(|key| self.buckets.get(key))
            .flatten()
            .copied()
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    }

    /// Confirmed near-duplicates of `signature`: candidates whose Jaccard estimate is at
    /// least the threshold, as `(article_id, estimate)`, most similar first (ties by id).
    pub fn near_duplicates(&self, signature: &Signature) -> Vec<(u64, f64)> {
        let mut found: Vec<(u64, f64)> = self
            .candidates(signature)
            .into_iter()
            .filter_map(|id| {
                let estimate = self.signatures.get(&id)?.jaccard_estimate(signature);
                (estimate >= self.threshold).then_some((id, estimate))
            })
            .collect();
        found.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        found
    }
}
