//! The LSH bucket index of the near-duplicate lookup, held in memory by the writer.
//!
//! Every article has 32 band keys, hashes spread uniformly over 64 bits. Kept as rows of
//! an SQLite index (`lsh_bucket`, schemas 6 to 9), each batch of 1,024 articles inserted
//! 32,768 rows at random places: once the index outgrew the page cache, every commit
//! rewrote nearly all of its pages into the WAL, so the cost of a batch grew with the
//! store (at 100,000 articles, about 60 MB of WAL per commit). Now the keys are written
//! once, with the article's signature (`article_signatures.band_keys`, appended like the
//! row itself; migration 10 moved the old rows there), and the lookup uses this index,
//! built from them when the writer first needs it.
//!
//! Invariants:
//! - **Committed articles only, without gaps.** The index holds every article up to an id
//!   it records, all committed. A batch keeps its own articles in an index of their own,
//!   taken in only after the commit and only when it directly follows ([`BucketIndex::absorb`]),
//!   so a rolled-back batch leaves nothing behind and no other writer's article is
//!   skipped.
//! - **Other writers are caught up.** Before a batch looks up, the articles committed
//!   since (by another process or connection) are read from the store. The batch holds
//!   the write lock, so nothing is committed behind its back, and article ids only grow.
//! - **Same order as the SQL it replaced.** Within a key, ids come in ascending order
//!   (older articles first), so the first [`crate::MAX_CANDIDATES`] candidates of a
//!   crowded bucket are the same as before.
//!
//! The index also holds a *print* of every signature: the low byte of each MinHash value
//! (128 bytes). Two signatures agree on at least as many bytes as on values, so a candidate
//! whose print is below the threshold is rejected without reading its signature; only the
//! few that pass (near-duplicates, mostly) are read from the store and compared exactly.
//! Reading every candidate's 1 kB signature was most of the lookup once the signatures
//! outgrew SQLite's page cache.
//!
//! Memory: 12 bytes per key and about 180 per print, some 570 bytes per article (57 MB
//! for 100,000 articles). All the store handles of one process on the same file share one
//! index.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock, Weak};

use rusqlite::Connection;

use crate::{Result, StoreError};

/// Band keys are already uniform 64-bit hashes: hashing them again is wasted work.
#[derive(Default)]
pub(crate) struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }

    fn write_i64(&mut self, key: i64) {
        self.0 = key as u64;
    }
}

/// A map keyed by band key.
pub(crate) type KeyMap<V> = HashMap<i64, V, BuildHasherDefault<KeyHasher>>;

/// Band keys as stored: 8-byte big-endian values, one after another (what SQL can write
/// from integers, `unhex(printf('%016x', key))`, for the migration of older stores).
pub(crate) fn keys_to_blob(keys: impl IntoIterator<Item = i64>) -> Vec<u8> {
    keys.into_iter().flat_map(|k| k.to_be_bytes()).collect()
}

fn keys_from_blob(blob: &[u8]) -> impl Iterator<Item = i64> + '_ {
    blob.chunks_exact(8)
        .map(|c| i64::from_be_bytes(c.try_into().unwrap_or([0; 8])))
}

/// The print of a signature: the low byte of each value.
pub(crate) fn print_of(values: impl IntoIterator<Item = u64>) -> Box<[u8]> {
    values.into_iter().map(|v| v as u8).collect()
}

/// The print of a stored signature (8-byte little-endian values).
fn print_of_blob(blob: &[u8]) -> Box<[u8]> {
    blob.chunks_exact(8).map(|c| c[0]).collect()
}

/// Whether two signatures with these prints may reach `threshold`: the share of equal
/// bytes bounds the share of equal values from above. Signatures of different lengths
/// are never similar (see `Signature::jaccard_estimate`).
pub(crate) fn may_reach(mine: &[u8], theirs: &[u8], threshold: f64) -> bool {
    if mine.len() != theirs.len() {
        return false;
    }
    if mine.is_empty() {
        return true;
    }
    let equal = mine.iter().zip(theirs).filter(|(a, b)| a == b).count();
    equal as f64 / mine.len() as f64 >= threshold
}

fn compact_id(id: i64) -> Result<u32> {
    u32::try_from(id).map_err(|_| StoreError::Backend {
        action: "index an article's near-duplicate buckets",
        source: format!(
            "article id {id} is beyond the 4,294,967,295 articles the bucket index can hold"
        )
        .into(),
    })
}

/// Which articles hold each band key.
#[derive(Debug, Default)]
pub(crate) struct BucketIndex {
    /// Sorted by (key, id): the bulk of the index.
    keys: Vec<i64>,
    /// The article of each entry of `keys`.
    ids: Vec<u32>,
    /// Articles added since the last [`BucketIndex::compact`], per key, ascending; all
    /// newer than those in `keys`.
    recent: KeyMap<Vec<u32>>,
    /// Entries in `recent`.
    recent_len: usize,
    /// Signature prints by article id (see [`print_of`]).
    prints: HashMap<u32, Box<[u8]>>,
    /// Every article up to this id is in the index; none after it.
    covered_up_to: i64,
}

/// `recent` is merged into the sorted arrays when it holds this many entries or an
/// eighth of them, whichever is more: each merge rewrites the arrays once.
const MIN_RECENT: usize = 1 << 16;

impl BucketIndex {
    /// An empty index for the articles after `id`: a batch's own, which all come after
    /// what was committed when it began.
    pub fn after(id: i64) -> BucketIndex {
        BucketIndex {
            covered_up_to: id,
            ..BucketIndex::default()
        }
    }

    /// The index of every article in `conn` up to `up_to` (committed ids).
    pub fn load(conn: &Connection, up_to: i64) -> Result<BucketIndex> {
        let sql_err = StoreError::sql("load the near-duplicate buckets");
        let mut pairs: Vec<(i64, u32)> = Vec::new();
        let mut prints = HashMap::new();
        let mut stmt = conn
            .prepare(
                "SELECT article_id, band_keys, minhash FROM article_signatures \
                 WHERE article_id <= ?1",
            )
            .map_err(&sql_err)?;
        let mut rows = stmt.query([up_to]).map_err(&sql_err)?;
        while let Some(r) = rows.next().map_err(&sql_err)? {
            let id = compact_id(r.get(0).map_err(&sql_err)?)?;
            let keys = r.get_ref(1).map_err(&sql_err)?;
            pairs.extend(keys_from_blob(keys.as_blob().unwrap_or_default()).map(|k| (k, id)));
            let minhash = r.get_ref(2).map_err(&sql_err)?;
            prints.insert(id, print_of_blob(minhash.as_blob().unwrap_or_default()));
        }
        pairs.sort_unstable();
        pairs.dedup();
        Ok(BucketIndex {
            keys: pairs.iter().map(|p| p.0).collect(),
            ids: pairs.iter().map(|p| p.1).collect(),
            recent: KeyMap::default(),
            recent_len: 0,
            prints,
            covered_up_to: up_to,
        })
    }

    /// Adds the articles committed after [`BucketIndex::covered_up_to`] and up to `up_to`
    /// (by another writer since this one last wrote).
    pub fn catch_up(&mut self, conn: &Connection, up_to: i64) -> Result<()> {
        if up_to <= self.covered_up_to {
            return Ok(());
        }
        let sql_err = StoreError::sql("catch up with the near-duplicate buckets");
        let mut stmt = conn
            .prepare_cached(
                "SELECT article_id, band_keys, minhash FROM article_signatures \
                 WHERE article_id > ?1 AND article_id <= ?2 ORDER BY article_id",
            )
            .map_err(&sql_err)?;
        let mut rows = stmt.query([self.covered_up_to, up_to]).map_err(&sql_err)?;
        let mut added: Vec<(i64, Vec<i64>, Box<[u8]>)> = Vec::new();
        while let Some(r) = rows.next().map_err(&sql_err)? {
            let id: i64 = r.get(0).map_err(&sql_err)?;
            let keys = r.get_ref(1).map_err(&sql_err)?;
            let keys = keys_from_blob(keys.as_blob().unwrap_or_default()).collect();
            let minhash = r.get_ref(2).map_err(&sql_err)?;
            added.push((
                id,
                keys,
                print_of_blob(minhash.as_blob().unwrap_or_default()),
            ));
        }
        drop(rows);
        for (id, keys, print) in added {
            self.add(id, &keys, print)?;
        }
        self.covered_up_to = self.covered_up_to.max(up_to);
        Ok(())
    }

    /// Adds an article after those the index covers; ignored when it already covers the
    /// article's id.
    pub fn add(&mut self, id: i64, keys: &[i64], print: Box<[u8]>) -> Result<()> {
        if id <= self.covered_up_to {
            return Ok(());
        }
        let compact = compact_id(id)?;
        self.prints.insert(compact, print);
        for &key in keys {
            let ids = self.recent.entry(key).or_default();
            if ids.last() != Some(&compact) {
                ids.push(compact);
                self.recent_len += 1;
            }
        }
        self.covered_up_to = id;
        if self.recent_len >= MIN_RECENT.max(self.keys.len() / 8) {
            self.compact();
        }
        Ok(())
    }

    /// Takes in `batch`, the index of a batch's own articles ([`BucketIndex::after`] the
    /// batch's start), once the batch committed. Its articles follow this index's only
    /// when this index had caught up with the batch's start; when it is behind (another
    /// writer's articles not read in yet) or ahead (another handle read these in
    /// already), they are left to [`BucketIndex::catch_up`], which reads them from the
    /// store.
    pub fn absorb(&mut self, batch: BucketIndex, batch_start: i64) {
        if self.covered_up_to != batch_start || batch.covered_up_to <= batch_start {
            return;
        }
        // Per key, the batch's older (sorted) entries first, then its recent ones.
        for (&key, &id) in batch.keys.iter().zip(&batch.ids) {
            self.recent.entry(key).or_default().push(id);
            self.recent_len += 1;
        }
        for (key, ids) in batch.recent {
            self.recent_len += ids.len();
            self.recent.entry(key).or_default().extend(ids);
        }
        self.prints.extend(batch.prints);
        self.covered_up_to = batch.covered_up_to;
        if self.recent_len >= MIN_RECENT.max(self.keys.len() / 8) {
            self.compact();
        }
    }

    /// The last article id the index covers.
    #[cfg(test)]
    pub fn covered_up_to(&self) -> i64 {
        self.covered_up_to
    }

    /// The signature print of an article, when the index holds it.
    pub fn print(&self, id: i64) -> Option<&[u8]> {
        let id = u32::try_from(id).ok()?;
        self.prints.get(&id).map(|p| &**p)
    }

    /// Calls `f` with the articles holding `key`, oldest first, until it returns false.
    pub fn for_each_id(&self, key: i64, mut f: impl FnMut(i64) -> bool) {
        let start = self.keys.partition_point(|&k| k < key);
        let end = start + self.keys[start..].partition_point(|&k| k == key);
        let newer = self.recent.get(&key).map(Vec::as_slice).unwrap_or_default();
        for &id in self.ids[start..end].iter().chain(newer) {
            if !f(i64::from(id)) {
                return;
            }
        }
    }

    /// Merges `recent` into the sorted arrays.
    pub fn compact(&mut self) {
        let mut fresh: Vec<(i64, u32)> = Vec::with_capacity(self.recent_len);
        for (&key, ids) in &self.recent {
            fresh.extend(ids.iter().map(|&id| (key, id)));
        }
        self.recent = KeyMap::default();
        self.recent_len = 0;
        fresh.sort_unstable();
        // Merged in place from the back: the arrays grow by what is added instead of
        // being copied whole (at 300,000 articles they hold 115 MB).
        let old_len = self.keys.len();
        self.keys.reserve_exact(fresh.len());
        self.ids.reserve_exact(fresh.len());
        self.keys.resize(old_len + fresh.len(), 0);
        self.ids.resize(old_len + fresh.len(), 0);
        let (mut old, mut write) = (old_len, self.keys.len());
        while let Some(&(key, id)) = fresh.last() {
            write -= 1;
            if old > 0 && (self.keys[old - 1], self.ids[old - 1]) > (key, id) {
                old -= 1;
                self.keys[write] = self.keys[old];
                self.ids[write] = self.ids[old];
            } else {
                self.keys[write] = key;
                self.ids[write] = id;
                fresh.pop();
            }
        }
        // What is left of the old entries is already in place.
        debug_assert_eq!(old, write);
    }

    /// Entries held.
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.keys.len() + self.recent_len
    }
}

/// The bucket index of one store file, shared by the handles on it, loaded on first use.
pub(crate) type SharedBuckets = Arc<Mutex<Option<BucketIndex>>>;

/// The shared bucket index for the store at `path` (a private one in memory).
pub(crate) fn shared_buckets(path: Option<&Path>) -> SharedBuckets {
    type Registry = Mutex<HashMap<PathBuf, Weak<Mutex<Option<BucketIndex>>>>>;
    static OPEN: OnceLock<Registry> = OnceLock::new();
    let Some(path) = path else {
        return SharedBuckets::default();
    };
    let path = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
    let Ok(mut open) = OPEN.get_or_init(Default::default).lock() else {
        return SharedBuckets::default();
    };
    if let Some(shared) = open.get(&path).and_then(Weak::upgrade) {
        return shared;
    }
    open.retain(|_, w| w.strong_count() > 0);
    let shared = SharedBuckets::default();
    open.insert(path, Arc::downgrade(&shared));
    shared
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeSet;
    use waspada_events::dedup::Signature;

    fn ids_of(ix: &BucketIndex, key: i64) -> Vec<i64> {
        let mut out = Vec::new();
        ix.for_each_id(key, |id| {
            out.push(id);
            true
        });
        out
    }

    proptest! {
        /// Whatever the order of additions and merges, each key yields exactly the
        /// articles added with it, oldest first, as the `lsh_bucket` rows did.
        #[test]
        fn lists_each_keys_articles_oldest_first(
            articles in prop::collection::vec(prop::collection::vec(-8i64..8, 0..6), 0..60),
            compact_after in prop::collection::vec(0usize..60, 0..4),
        ) {
            let mut ix = BucketIndex::default();
            let mut model: BTreeSet<(i64, i64)> = BTreeSet::new();
            for (i, keys) in articles.iter().enumerate() {
                let id = i as i64 + 1;
                ix.add(id, keys, Box::default()).unwrap();
                model.extend(keys.iter().map(|&k| (k, id)));
                if compact_after.contains(&i) {
                    ix.compact();
                }
            }
            prop_assert_eq!(ix.len(), model.len());
            for key in -8..8 {
                let want: Vec<i64> = model.range((key, i64::MIN)..=(key, i64::MAX)).map(|p| p.1).collect();
                prop_assert_eq!(ids_of(&ix, key), want);
            }
        }
    }

    proptest! {
        /// The print never rules out a pair that reaches the threshold: bytes agree
        /// wherever values do.
        #[test]
        fn a_print_never_rejects_a_near_duplicate(
            pairs in prop::collection::vec((any::<u64>(), any::<u64>(), any::<bool>()), 1..64),
            threshold in 0.0f64..=1.0,
        ) {
            let a: Vec<u64> = pairs.iter().map(|p| p.0).collect();
            // Equal where told, else another value that may share its low byte.
            let b: Vec<u64> = pairs.iter().map(|p| if p.2 { p.0 } else { p.1 }).collect();
            let exact = Signature::from_values(a.clone())
                .jaccard_estimate(&Signature::from_values(b.clone()));
            if exact >= threshold {
                prop_assert!(may_reach(&print_of(a.clone()), &print_of(b.clone()), threshold));
            }
            prop_assert!(!may_reach(&print_of(a), &print_of(vec![0; pairs.len() + 1]), 0.0));
        }
    }

    #[test]
    fn stops_when_told_and_ignores_what_it_already_covers() {
        let mut ix = BucketIndex::default();
        for id in 1..=5 {
            ix.add(id, &[7], Box::default()).unwrap();
        }
        ix.add(3, &[9], Box::default()).unwrap();
        assert!(ids_of(&ix, 9).is_empty());
        let mut seen = Vec::new();
        ix.for_each_id(7, |id| {
            seen.push(id);
            seen.len() < 2
        });
        assert_eq!(seen, [1, 2]);
        assert_eq!(ix.covered_up_to(), 5);
    }

    /// What another process committed is read in by `catch_up`: loading part of a store
    /// and catching up gives the index of the whole.
    #[test]
    fn catching_up_equals_loading_everything() {
        let mut store = crate::Store::in_memory().unwrap();
        for batch in 0..3 {
            let b = store.batch().unwrap();
            for i in 0..20i64 {
                let n = batch * 20 + i;
                b.insert_article(&crate::NewArticle {
                    content_hash: [n as u8; 16],
                    band_keys: (0..4)
                        .map(|band| (band, ((n % 7) * 10 + i64::from(band)) as u64))
                        .collect(),
                    minhash: vec![n as u64; 8],
                    ..crate::NewArticle::default()
                })
                .unwrap();
            }
            b.commit().unwrap();
        }
        let conn = &store.conn;
        let all = BucketIndex::load(conn, 60).unwrap();
        let mut part = BucketIndex::load(conn, 25).unwrap();
        part.catch_up(conn, 60).unwrap();
        assert_eq!(part.covered_up_to(), 60);
        assert_eq!(part.len(), all.len());
        for key in 0..80 {
            assert_eq!(ids_of(&part, key), ids_of(&all, key), "key {key}");
        }
        assert_eq!(
            ids_of(&all, 3).len(),
            9,
            "articles 0, 7, ..., 56 hold key 3"
        );
    }

    /// A batch that looked nothing up never caught up with another writer; its articles
    /// must not be added past that writer's, which would then never be read in.
    #[test]
    fn a_batch_that_looked_nothing_up_skips_no_other_writers_articles() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("waspada.sqlite");
        let mut one = crate::Store::open(&path).unwrap();
        let mut other = crate::Store::open(&path).unwrap();
        // Its own index, as another process has.
        other.buckets = SharedBuckets::default();
        let article = |n: u8, keys: &[u64], minhash: Vec<u64>| crate::NewArticle {
            content_hash: [n; 16],
            band_keys: keys.iter().map(|&k| (0, k)).collect(),
            minhash,
            ..crate::NewArticle::default()
        };
        let store = |s: &mut crate::Store, a: crate::NewArticle| {
            let b = s.batch().unwrap();
            let inserted = b.insert_article(&a).unwrap();
            b.commit().unwrap();
            inserted
        };
        store(&mut one, article(1, &[1], vec![1; 8]));
        let theirs = store(&mut other, article(2, &[2], vec![2; 8]));
        // No band keys, so no lookup and no catching up in this batch.
        store(&mut one, article(3, &[], Vec::new()));
        let copy = store(&mut one, article(4, &[2], vec![2; 8]));
        assert!(
            matches!(copy, crate::Inserted::New { cluster_id, .. } if cluster_id == theirs.id()),
            "{copy:?}"
        );
    }

    #[test]
    fn an_id_beyond_u32_is_a_clear_error() {
        let err = BucketIndex::default()
            .add(1 << 33, &[1], Box::default())
            .unwrap_err();
        assert!(err.to_string().contains("beyond"), "{err}");
    }
}
