//! The surveillance loop on one machine: sources → transforms → sinks.
//!
//! ```text
//!  sources            transforms                     sinks
//!  files / JSONL  ─┐                                 ┌─ store (SQLite: articles, analyses,
//!  feeds, pages   ─┼─► prepare (analyse, hash,  ─────┤          reports → events → series)
//!  push API       ─┘   MinHash, reports; parallel)   └─ search index (tantivy, catches up)
//!                                                         │
//!                          detect (series → signals) ◄────┘
//! ```
//!
//! - [`files`] reads articles from files, directories, JSON Lines and standard input;
//! - [`prepare`] is the pure, parallel part of ingest;
//! - [`ingest`] stores batches through one writer, then lets the [`index`] catch up;
//! - [`detect`] turns the store's series into signals;
//! - [`reanalyze`] re-runs analysis on stored articles after an analyser upgrade;
//! - [`poll`] is `waspada run`: the configured sources ([`config`]) on their intervals.
//!
//! The invariant every stage keeps: **the store is the system of record**. An article,
//! its analysis and its reports are committed in one transaction; the index and the
//! series are derived from the store and can be rebuilt from it at any time.
#![deny(missing_docs)]

pub mod config;
pub mod datadir;
pub mod detect;
pub mod files;
pub mod index;
pub mod ingest;
pub mod poll;
pub mod prepare;
pub mod reanalyze;

pub use datadir::DataDir;

/// What can stop a pipeline stage. Bad inputs never do: they are counted and reported.
#[derive(Debug, thiserror::Error)]
pub enum PipelineError {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] waspada_store::StoreError),
    /// The search index failed.
    #[error(transparent)]
    Search(#[from] waspada_search::SearchError),
    /// A date in the store could not be read.
    #[error("the store holds a date that is not YYYY-MM-DD: {0:?}")]
    BadDate(String),
    /// The data directory could not be prepared.
    #[error("cannot use the data directory {path}: {source}")]
    DataDir {
        /// The directory.
        path: std::path::PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
}
