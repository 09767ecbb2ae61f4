//! The embedded store: Waspada's system of record on one machine.
//!
//! One SQLite file in the data directory holds everything the pipeline knows: sources and
//! their fetch state, articles (raw and clean text), analyses (the `analyze` JSON, one row
//! per analyser version), reports, events, series, signals and alerts. The search index
//! is derived from it and can always be rebuilt; nothing else is authoritative.
//!
//! Shape, and why:
//! - **One writer.** Writes go through a [`Batch`], one SQLite transaction: an article, its
//!   analysis and its reports are committed together or not at all, so a killed process
//!   never leaves an article without its analysis. Batches of a few hundred articles keep
//!   the commit cost (one WAL fsync) small per article.
//! - **WAL, `synchronous = NORMAL`.** Readers (the API, `search`) never block the writer,
//!   and a crash loses at most the last uncommitted batch, which the next run re-ingests.
//! - **Idempotent ingest.** An article is keyed by its canonical URL and by a hash of its
//!   normalised text; reaching it again adds a URL alias, never a row. Near-duplicates
//!   (syndicated copies) are found through MinHash LSH buckets, indexed in the writer's
//!   memory from the band keys stored with each signature (see `buckets.rs`), and share a
//!   `cluster_id`, so series count stories, not copies.
//! - **Big texts compressed.** Article bodies and the analysis JSON are stored as LZ4
//!   blobs with a small header (the raw body against the clean one, its near copy),
//!   packed by the caller on its parallel threads, so the one writer has half the bytes
//!   to push through the WAL (16 → 8.6 kB per article); rows written before stay `TEXT`
//!   and read the same (see [`PackedText`]). Analyses live in a rowid table, whose leaf
//!   pages hold rows of a few kB without overflow pages.
//! - **Events in SQL.** A report joins the event of the same disease and area whose last
//!   report is within the event window; every earlier report is in the database, so
//!   clustering is a lookup, not a scan.
//! - **Migrations** are numbered SQL files applied in order and recorded in
//!   `PRAGMA user_version`; a store newer than the binary is refused, not damaged.
//! - **Alerts are an outbox** ([`Store::enqueue_alerts`]): one row per signal ×
//!   subscription, written before anything is sent, with its delivery state. [`Outbox`]
//!   is what the dispatcher needs of it, on this store or on PostgreSQL.
#![deny(missing_docs)]

mod alerts;
mod articles;
mod buckets;
mod checkpoint;
mod error;
mod events;
mod fetch;
mod outbox;
mod packed;
mod records;
mod series;
mod signals;
mod triage;
mod users;
mod workplace;

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, Transaction};

pub use alerts::{
    AlertCandidate, AlertFilter, AlertRow, Delivery, NewAlert, NewSubscription, Subscription,
};
pub use articles::{
    ArticleBrief, ArticleRecord, Inserted, MAX_CANDIDATES, NewArticle, PackedTexts, StoredAnalysis,
    nearest_duplicate, signature_to_blob,
};
pub use checkpoint::BackgroundCheckpoints;
pub use error::StoreError;
pub use events::{EventFigure, EventFilter, EventRow, ReportRow, merge_figures};
pub use fetch::{FetchState, SourceRow, SourceSpec};
pub use outbox::Outbox;
pub use packed::{CorruptText, PackedText, StoredText};
pub use records::{AnalysisRow, ArticleBundle, Records, SqliteRecords};
pub use series::{SeriesPoint, SeriesRow, area_column, group_series};
pub use signals::{NewSignal, SignalRow};
pub use triage::{NewTriage, TriageAction, TriageRow};
pub use users::{Credentials, Role, SessionUser, TokenRow, UserChange, UserRow};
pub use workplace::{
    OutletRow, SignalQuery, SignalSort, SignalSummary, TrendPoint, Workplace, signal_order,
};

/// Result of store operations.
pub type Result<T> = std::result::Result<T, StoreError>;

/// The schema migrations, in order. Index `i` upgrades `user_version` `i` to `i + 1`.
const MIGRATIONS: &[&str] = &[
    include_str!("migrations/0001_initial.sql"),
    include_str!("migrations/0002_triage.sql"),
    include_str!("migrations/0003_users.sql"),
    include_str!("migrations/0004_alerts.sql"),
    include_str!("migrations/0005_signal_events_by_event.sql"),
    include_str!("migrations/0006_lsh_buckets.sql"),
    include_str!("migrations/0007_reports_by_event_date.sql"),
    include_str!("migrations/0008_token_expiry.sql"),
    include_str!("migrations/0009_analyses_rowid.sql"),
    include_str!("migrations/0010_band_keys.sql"),
];

/// Schema version this build writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// Tunables of the store.
#[derive(Debug, Clone)]
pub struct StoreOptions {
    /// Estimated Jaccard similarity at or above which two articles are the same story.
    /// MinHash over 4-word shingles: a syndicated copy with a new lead and footer scores
    /// about 0.8; two reports of the same press release in different words, 0.3–0.5.
    pub near_duplicate_threshold: f64,
    /// A report joins an event of the same disease and area whose reports reach within
    /// this many days of it; otherwise it opens a new event.
    pub event_window_days: u32,
}

impl Default for StoreOptions {
    fn default() -> Self {
        StoreOptions {
            near_duplicate_threshold: 0.7,
            event_window_days: 30,
        }
    }
}

/// An open store.
pub struct Store {
    conn: Connection,
    path: Option<PathBuf>,
    options: StoreOptions,
    buckets: buckets::SharedBuckets,
}

impl Store {
    /// Opens (creating if needed) the store file at `path` and brings its schema up to date.
    pub fn open(path: &Path) -> Result<Store> {
        Self::open_with(path, StoreOptions::default())
    }

    /// [`Store::open`] with options.
    pub fn open_with(path: &Path, options: StoreOptions) -> Result<Store> {
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| StoreError::Open {
            path: path.to_path_buf(),
            source: e,
        })?;
        let mut store = Store {
            conn,
            path: Some(path.to_path_buf()),
            options,
            buckets: buckets::shared_buckets(Some(path)),
        };
        store.configure()?;
        store.migrate()?;
        Ok(store)
    }

    /// A store in memory, for tests.
    pub fn in_memory() -> Result<Store> {
        let conn = Connection::open_in_memory().map_err(StoreError::sql("open in memory"))?;
        let mut store = Store {
            conn,
            path: None,
            options: StoreOptions::default(),
            buckets: buckets::shared_buckets(None),
        };
        store.configure()?;
        store.migrate()?;
        Ok(store)
    }

    /// The file this store lives in (`None` in memory).
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// The options in force.
    pub fn options(&self) -> &StoreOptions {
        &self.options
    }

    fn configure(&mut self) -> Result<()> {
        self.conn
            .busy_timeout(Duration::from_secs(30))
            .map_err(StoreError::sql("set busy timeout"))?;
        // WAL: readers do not block the writer; NORMAL: durable at checkpoints, and a crash
        // loses at most the last transactions, never corrupts. Checkpoints every 64 MB of
        // WAL rather than every 4 MB: a batch of articles is a few megabytes.
        self.conn
            .execute_batch(
                "PRAGMA journal_mode = WAL;
                 PRAGMA synchronous = NORMAL;
                 PRAGMA foreign_keys = ON;
                 PRAGMA temp_store = MEMORY;
                 PRAGMA cache_size = -65536;
                 PRAGMA wal_autocheckpoint = 16384;",
            )
            .map_err(StoreError::sql("configure the connection"))?;
        Ok(())
    }

    fn migrate(&mut self) -> Result<()> {
        let version: i64 = self
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(StoreError::sql("read the schema version"))?;
        if version > SCHEMA_VERSION {
            return Err(StoreError::TooNew {
                found: version,
                supported: SCHEMA_VERSION,
            });
        }
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(version as usize) {
            let tx = self
                .conn
                .transaction()
                .map_err(StoreError::sql("begin a migration"))?;
            tx.execute_batch(sql)
                .map_err(StoreError::sql("apply a schema migration"))?;
            tx.pragma_update(None, "user_version", (i + 1) as i64)
                .map_err(StoreError::sql("record the schema version"))?;
            tx.commit()
                .map_err(StoreError::sql("commit a schema migration"))?;
        }
        Ok(())
    }

    /// The schema version of the open store.
    pub fn schema_version(&self) -> Result<i64> {
        self.conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(StoreError::sql("read the schema version"))
    }

    /// Starts a write batch (one transaction). Nothing is visible to readers, or durable,
    /// until [`Batch::commit`].
    pub fn batch(&mut self) -> Result<Batch<'_>> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(StoreError::sql("begin a write batch"))?;
        // Articles up to here are committed for good: the bucket index may hold them.
        let committed_up_to = tx
            .query_row("SELECT COALESCE(MAX(id), 0) FROM articles", [], |r| {
                r.get(0)
            })
            .map_err(StoreError::sql("read the last article id"))?;
        Ok(Batch {
            tx,
            options: &self.options,
            committed_up_to,
            buckets: &self.buckets,
            new_buckets: std::cell::RefCell::new(buckets::BucketIndex::after(committed_up_to)),
        })
    }

    /// The underlying connection, for read queries the typed API does not cover.
    pub fn connection(&self) -> &Connection {
        &self.conn
    }

    /// Row counts of the main tables, for summaries and consistency checks.
    pub fn stats(&self) -> Result<StoreStats> {
        let count = |table: &str| -> Result<u64> {
            self.conn
                .query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| {
                    r.get::<_, i64>(0)
                })
                .map(|n| n as u64)
                .map_err(StoreError::sql("count rows"))
        };
        Ok(StoreStats {
            articles: count("articles")?,
            analyses: count("analyses")?,
            outbreak_articles: self
                .conn
                .query_row(
                    "SELECT COUNT(DISTINCT article_id) FROM analyses WHERE is_outbreak = 1",
                    [],
                    |r| r.get::<_, i64>(0),
                )
                .map_err(StoreError::sql("count outbreak articles"))?
                as u64,
            stories: self
                .conn
                .query_row("SELECT COUNT(DISTINCT cluster_id) FROM articles", [], |r| {
                    r.get::<_, i64>(0)
                })
                .map_err(StoreError::sql("count stories"))? as u64,
            reports: count("reports")?,
            events: count("events")?,
            signals: count("signals")?,
        })
    }
}

/// Row counts of the main tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct StoreStats {
    /// Distinct articles.
    pub articles: u64,
    /// Analyses (all analyser versions).
    pub analyses: u64,
    /// Articles whose analysis says outbreak report.
    pub outbreak_articles: u64,
    /// Distinct stories (near-duplicate clusters).
    pub stories: u64,
    /// Disease × place reports.
    pub reports: u64,
    /// Events.
    pub events: u64,
    /// Signals.
    pub signals: u64,
}

/// One write transaction. Dropping it without [`Batch::commit`] rolls everything back.
pub struct Batch<'a> {
    tx: Transaction<'a>,
    options: &'a StoreOptions,
    /// The last article id committed before this batch began: the bucket index covers
    /// no more.
    committed_up_to: i64,
    /// The near-duplicate bucket index of this store file (see `buckets.rs`).
    buckets: &'a buckets::SharedBuckets,
    /// The bucket index of the articles this batch stored: taken into `buckets` once
    /// committed.
    new_buckets: std::cell::RefCell<buckets::BucketIndex>,
}

impl Batch<'_> {
    /// Makes the batch durable and visible.
    pub fn commit(self) -> Result<()> {
        self.tx
            .commit()
            .map_err(StoreError::sql("commit a write batch"))?;
        // Committed: the batch's articles join the bucket index, if this process has it.
        if let Ok(mut shared) = self.buckets.lock()
            && let Some(index) = shared.as_mut()
        {
            index.absorb(self.new_buckets.into_inner(), self.committed_up_to);
        }
        Ok(())
    }
}

/// Milliseconds since the Unix epoch, now.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}
