//! Answers many analysts ask for and that change only when the store does.
//!
//! The map's GeoJSON is the heaviest common answer (every event of the window, with its
//! figures), and between two ingests it is the same for everyone. The cache keeps the
//! last few answers keyed by the request's query string and a *version* of the data they
//! were built from; a request finds its answer only when the version still matches, so a
//! cached answer is never staler than one store query. Each answer carries a strong
//! `ETag` (a hash of its bytes): a browser that has it gets `304 Not Modified`.

use std::sync::{Arc, Mutex};

use sha2::{Digest, Sha256};

/// Answers kept (distinct query strings); the oldest goes first.
const CAPACITY: usize = 16;

/// One cached answer.
#[derive(Debug, Clone)]
pub(crate) struct Cached {
    /// The answer's entity tag, quoted, as sent in `ETag`.
    pub etag: Arc<str>,
    /// The answer.
    pub body: axum::body::Bytes,
}

#[derive(Default)]
pub(crate) struct ResponseCache {
    // (key, version, answer); most recent last.
    entries: Mutex<Vec<(String, String, Cached)>>,
}

impl ResponseCache {
    /// The answer for `key` built from data at `version`, when cached.
    pub fn get(&self, key: &str, version: &str) -> Option<Cached> {
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries
            .iter()
            .rev()
            .find(|(k, v, _)| k == key && v == version)
            .map(|(_, _, c)| c.clone())
    }

    /// Keeps `body` as the answer for `key` at `version`, replacing older versions.
    pub fn put(&self, key: &str, version: &str, body: String) -> Cached {
        let digest = Sha256::digest(body.as_bytes());
        let etag: String = digest[..12].iter().map(|b| format!("{b:02x}")).collect();
        let cached = Cached {
            etag: format!("\"{etag}\"").into(),
            body: axum::body::Bytes::from(body),
        };
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries.retain(|(k, _, _)| k != key);
        if entries.len() >= CAPACITY {
            entries.remove(0);
        }
        entries.push((key.to_owned(), version.to_owned(), cached.clone()));
        cached
    }
}

/// Does an `If-None-Match` header value name this entity tag? (`*` or a list of tags;
/// weak tags compare by their opaque part, as RFC 9110 allows for GET.)
pub(crate) fn etag_matches(if_none_match: &str, etag: &str) -> bool {
    if_none_match.trim() == "*"
        || if_none_match
            .split(',')
            .map(|t| t.trim().trim_start_matches("W/"))
            .any(|t| t == etag)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_answer_is_found_only_at_its_version() {
        let cache = ResponseCache::default();
        let first = cache.put("since=2024-01-01", "v1", "{\"a\":1}".into());
        assert_eq!(
            cache.get("since=2024-01-01", "v1").map(|c| c.body),
            Some(first.body.clone())
        );
        assert!(cache.get("since=2024-01-01", "v2").is_none());
        assert!(cache.get("since=2024-02-01", "v1").is_none());
        // A new version replaces the old answer, with a new tag for new bytes.
        let second = cache.put("since=2024-01-01", "v2", "{\"a\":2}".into());
        assert_ne!(first.etag, second.etag);
        assert!(cache.get("since=2024-01-01", "v1").is_none());
    }

    #[test]
    fn the_cache_stays_bounded() {
        let cache = ResponseCache::default();
        for i in 0..(CAPACITY + 5) {
            cache.put(&format!("q{i}"), "v", format!("{i}"));
        }
        assert!(cache.get("q0", "v").is_none());
        assert!(cache.get(&format!("q{}", CAPACITY + 4), "v").is_some());
        assert_eq!(cache.entries.lock().unwrap().len(), CAPACITY);
    }

    #[test]
    fn if_none_match_lists_and_weak_tags() {
        assert!(etag_matches("\"abc\"", "\"abc\""));
        assert!(etag_matches("\"x\", W/\"abc\"", "\"abc\""));
        assert!(etag_matches("*", "\"abc\""));
        assert!(!etag_matches("\"abd\"", "\"abc\""));
    }
}
