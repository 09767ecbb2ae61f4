//! Full-text search over the articles Waspada has stored: a tantivy index with an Indonesian
//! and an English analyzer, filters and facet counts for disease, place, date, relevance and
//! outbreak status, snippets, and a watermark that keeps the index consistent with the store.
//!
//! # Why it is shaped this way
//!
//! **The store is the system of record; the index is derived.** SQLite holds every
//! article's text and analysis. The index holds only what search needs (analysed terms and a
//! few fast fields) and can always be rebuilt from the store: delete the index directory and
//! re-add every article. It therefore stores no text: [`SearchIndex::search`] returns
//! article ids and scores, and the caller fetches titles and bodies from the store and asks
//! [`SearchIndex::snippet`] for a highlighted fragment of the body it passes in.
//!
//! **A watermark survives crashes.** Each [`SearchIndex::commit`] records, in the same atomic
//! tantivy commit as the documents, the highest store article id indexed so far. After a
//! crash (even `kill -9`) the index holds exactly what it held at its last commit and
//! [`SearchIndex::watermark`] says where that was, so the ingest re-indexes the articles
//! above the watermark: SQLite commits first, the index catches up. Documents added but not
//! committed are simply gone on reopen, and [`SearchIndex::upsert`] (delete by article id,
//! then add) makes re-indexing an article twice harmless.
//!
//! **One field pair per analyzer.** Stemming depends on the language, so an Indonesian or
//! Malay article fills `title_id`/`body_id` (Indonesian analyzer) and an English one fills
//! `title_en`/`body_en` (English analyzer); other languages go to the Indonesian pair,
//! whose stemmer leaves words it does not recognise alone. A query is analysed both ways and
//! searched over all four fields, titles weighted [`TITLE_BOOST`] times the body, so a user
//! needs not say which language they are looking for.
//!
//! **Queries never fail on user input.** Free text goes through tantivy's lenient query
//! parser: unbalanced quotes, a lone `AND`, `+++` or `((` give the best query that can be
//! made from the rest instead of an error. Words are OR-ed and ranked by BM25, so the
//! articles that contain most of the query words (and contain them in the title) come
//! first; `+word` requires a word, `-word` excludes it, `"..."` searches a phrase.
//!
//! **Filters do not change the ranking.** Disease, place, date, relevance and outbreak
//! filters are exact term or range queries that only restrict the matching set; facet counts
//! are computed over that whole set, not just the page of hits returned.
//!
//! # Memory and cadence
//!
//! The writer buffers documents in memory up to a budget ([`IndexOptions`], 64 MB by default,
//! one indexing thread) before it writes a segment; reading uses memory-mapped files, which
//! the OS can evict. Together with the ingest this must stay under 1 GB. The indexing
//! thread runs beside the caller, so [`SearchIndex::upsert`] mostly just hands the document
//! over while the caller analyses the next article. Each commit writes a segment and syncs
//! it to disk, so commit in batches (every few thousand articles or few seconds), not per
//! article; segments are merged in the background.
//!
//! # Concurrency
//!
//! Searching takes `&self`, writing `&mut self`; within one process wrap the index in a
//! lock, or open a second `SearchIndex` on the same directory for reading and call
//! [`SearchIndex::reload`] after the writer commits. Only one writer may exist per index
//! (a lock file enforces it, across processes too): a second gets
//! [`SearchError::WriterBusy`].
//!
//! # Example
//!
//! ```
//! use waspada_search::{Query, SearchDoc, SearchIndex};
//!
//! let dir = tempfile::tempdir().unwrap();
//! let mut index = SearchIndex::open_or_create(dir.path()).unwrap();
//! index
//!     .upsert(&SearchDoc {
//!         article_id: 7,
//!         language: "id".into(),
//!         title: "Kasus demam berdarah meningkat di Garut".into(),
//!         body: "Dinas Kesehatan mencatat penularan demam berdarah di tiga kecamatan.".into(),
//!         diseases: vec!["dengue".into()],
//!         countries: vec!["IDN".into()],
//!         ..SearchDoc::default()
//!     })
//!     .unwrap();
//! index.commit(7).unwrap();
//!
//! let results = index.search(&Query::text("menular")).unwrap();
//! assert_eq!(results.hits[0].article_id, 7);
//! assert_eq!(index.watermark().unwrap(), 7);
//! ```

#![deny(missing_docs)]

pub mod analysis;
mod index;
mod snippet;

pub use index::{
    DEFAULT_WRITER_MEMORY_BYTES, FacetCount, Facets, Hit, IndexOptions, MAX_LIMIT, MAX_OFFSET,
    MIN_WRITER_MEMORY_BYTES, Query, SearchDoc, SearchIndex, SearchResults, Snippets, TITLE_BOOST,
};
pub use snippet::{SNIPPET_MAX_CHARS, Snippet};

use std::path::PathBuf;

/// Why an index operation failed. The messages are written for the operator running
/// Waspada, with what to do where there is something to do.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    /// The index directory could not be created or opened.
    #[error("cannot open the search index directory {path}: {source}")]
    OpenDir {
        /// The directory.
        path: PathBuf,
        /// What went wrong.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// The directory holds an index built with a different layout (an older Waspada).
    #[error(
        "the search index in {path} was built by a different version of Waspada; \
         the next `waspada ingest` or `waspada run` rebuilds it from the store \
         (`waspada reindex` in a cluster) ({detail})"
    )]
    SchemaMismatch {
        /// The directory.
        path: PathBuf,
        /// tantivy's message.
        detail: String,
    },
    /// Another process (or another `SearchIndex` in this process) is writing to the index.
    #[error(
        "the search index in {path} is being written by another process; \
         only one ingest can write to it at a time ({detail})"
    )]
    WriterBusy {
        /// The directory.
        path: PathBuf,
        /// tantivy's message.
        detail: String,
    },
    /// The writer memory budget is outside what tantivy accepts.
    #[error(
        "search index writer memory of {bytes} bytes per thread is too small: \
         at least {min} bytes are needed"
    )]
    MemoryBudget {
        /// The budget per thread that was asked for.
        bytes: usize,
        /// The smallest accepted budget per thread.
        min: usize,
    },
    /// The commit payload is not one this crate wrote.
    #[error("the search index watermark {payload:?} is unreadable; re-index from the store")]
    BadWatermark {
        /// The payload found.
        payload: String,
    },
    /// Any other error from tantivy (I/O, corrupted files, ...).
    #[error("search index error while {context}: {source}")]
    Tantivy {
        /// What the index was doing.
        context: &'static str,
        /// tantivy's error.
        #[source]
        source: tantivy::TantivyError,
    },
}

impl SearchError {
    pub(crate) fn tantivy(context: &'static str) -> impl FnOnce(tantivy::TantivyError) -> Self {
        move |source| SearchError::Tantivy { context, source }
    }
}
