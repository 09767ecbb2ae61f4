//! MinHash signatures the writer compared recently, kept in memory.
//!
//! A crowded LSH bucket (an outlet's boilerplate, a press release quoted everywhere) hands
//! the same oldest articles to every lookup as candidates, and reading their 1 kB
//! signatures from the table again for every new article was most of the near-duplicate
//! lookup. A committed signature never changes (rows are neither updated nor deleted), so a
//! cached one cannot go stale; only signatures committed before the current batch are
//! cached, so a rolled-back batch leaves nothing behind.

use std::collections::HashMap;

/// A stored signature with its article's story.
#[derive(Debug, Clone)]
pub(crate) struct CachedSignature {
    /// The article's near-duplicate cluster.
    pub cluster_id: i64,
    /// The MinHash values.
    pub values: Box<[u64]>,
}

/// A bounded map from article id to signature that keeps what was used recently: two
/// generations, the older one dropped when the newer fills, and an entry found in the older
/// moved to the newer. About 1 kB per entry.
#[derive(Debug)]
pub(crate) struct SignatureCache {
    recent: HashMap<i64, CachedSignature>,
    older: HashMap<i64, CachedSignature>,
    generation: usize,
}

/// Entries per generation: 8,192 signatures in all, about 9 MB.
pub(crate) const GENERATION: usize = 4096;

impl Default for SignatureCache {
    fn default() -> Self {
        SignatureCache::with_generation(GENERATION)
    }
}

impl SignatureCache {
    /// A cache holding at most `2 × generation` entries.
    pub fn with_generation(generation: usize) -> Self {
        SignatureCache {
            recent: HashMap::new(),
            older: HashMap::new(),
            generation: generation.max(1),
        }
    }

    /// The signature of `article_id`, when cached.
    pub fn get(&mut self, article_id: i64) -> Option<&CachedSignature> {
        if !self.recent.contains_key(&article_id) {
            let found = self.older.remove(&article_id)?;
            self.insert(article_id, found);
        }
        self.recent.get(&article_id)
    }

    /// Caches the signature of `article_id`.
    pub fn insert(&mut self, article_id: i64, signature: CachedSignature) {
        if self.recent.len() >= self.generation {
            self.older = std::mem::take(&mut self.recent);
        }
        self.recent.insert(article_id, signature);
    }

    /// Entries held.
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.recent.len() + self.older.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sig(cluster_id: i64) -> CachedSignature {
        CachedSignature {
            cluster_id,
            values: vec![cluster_id as u64; 4].into_boxed_slice(),
        }
    }

    #[test]
    fn stays_bounded_and_keeps_what_is_used() {
        let mut cache = SignatureCache::with_generation(3);
        for id in 1..=3 {
            cache.insert(id, sig(id));
        }
        // 1 is used again, so it survives the next generation; 2 and 3 do not.
        for id in 4..=6 {
            assert_eq!(cache.get(1).map(|s| s.cluster_id), Some(1));
            cache.insert(id, sig(id));
        }
        assert!(cache.get(2).is_none() && cache.get(3).is_none());
        assert_eq!(cache.get(1).map(|s| s.values[0]), Some(1));
        for id in 7..=20 {
            cache.insert(id, sig(id));
            assert!(cache.len() <= 6);
        }
        assert_eq!(cache.get(20).map(|s| s.values[0]), Some(20));
    }
}
