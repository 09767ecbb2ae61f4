//! The scale-out system of record: [`waspada_store::Records`] on PostgreSQL.
//!
//! The embedded deployment keeps everything in one SQLite file with one writer. Scaled
//! out, many stateless workers (analyse, detect, index) on several machines write and
//! read one PostgreSQL database at the same time; [`PgRecords`] gives them the same
//! interface and the same results as the SQLite store (one conformance suite checks both).
//!
//! Shape, and why:
//! - **tokio-postgres + deadpool-postgres.** Workers are async (they pull from NATS); a
//!   pool of pipelined async connections lets a few of them share a handful of server
//!   connections. No TLS: the client speaks plain TCP or a Unix socket ([`NoTls`]), meant
//!   for a database on loopback or a private network. Put a TLS tunnel or a local
//!   connection pooler in front of a remote server.
//! - **Idempotent writes.** Articles are unique by canonical URL and by text hash, URL
//!   aliases by URL (unique constraints, `INSERT ... ON CONFLICT`). A batch stored twice
//!   (a queue redelivered it after a crash) adds no row and answers `SameUrl`/`SameText`
//!   with the first ids.
//! - **Advisory locks instead of serialisable transactions.** A batch first locks the
//!   URLs and text hashes of its articles, then the disease × area keys of its reports,
//!   each set in one ascending order (`waspada_lock_keys` in the schema): two workers
//!   storing the same article or reporting the same outbreak wait for each other instead
//!   of storing it twice or opening two events, and cannot deadlock on those locks. Other
//!   transaction conflicts (deadlock, serialisation failure) are retried a few times.
//! - **A gap-free feed.** Article ids come from a sequence, so a later id can commit
//!   before an earlier one. Writers hold a shared "feed" lock while they write;
//!   [`Records::articles_after`] reads the last id handed out, waits for the writers of
//!   that moment to finish (an exclusive request on the same lock), and returns nothing
//!   above it: the indexer's watermark never skips an article still being written.
//! - **Migrations** are numbered SQL files in `src/migrations/`, recorded in
//!   `schema_migrations`, applied under a session advisory lock so that processes starting
//!   together apply each one once. A database newer than this build is refused.
//! - **The analysts' workplace too.** [`PgWorkplace`] is [`waspada_store::Workplace`] on
//!   the same database (triage, accounts, subscriptions, alerts, sources), so that several
//!   `waspada serve` processes can share it. That interface is synchronous (see its
//!   docs); [`PgWorkplace`] drives this crate's async client from the caller's blocking
//!   thread. It is also the alert dispatcher's [`waspada_store::Outbox`], so a cluster
//!   delivers alerts from here, at most one dispatcher per alert at a time ([`CLAIM_MS`]).
//!
//! Near-duplicate clustering and event figures follow the SQLite store's rules exactly
//! ([`waspada_store::nearest_duplicate`], [`waspada_store::merge_figures`]), also under
//! concurrency: a batch locks the LSH band keys it looks up, so two near-duplicates stored
//! at the same moment by two workers end in one cluster.
#![deny(missing_docs)]

mod error;
mod migrate;
mod plan;
mod read;
mod sources;
pub mod testing;
mod write;

use std::time::Duration;

use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod};
use tokio_postgres::NoTls;
use waspada_store::{
    ArticleBundle, ArticleRecord, EventFilter, EventRow, FetchState, Inserted, NewSignal, Records,
    ReportRow, Result, SeriesRow, SourceSpec, StoreError, StoreOptions, StoreStats,
};

pub use error::PgError;
pub use migrate::SCHEMA_VERSION;
pub use workplace::{CLAIM_MS, PgWorkplace};

use error::{backend, is_retryable};

/// Connections in the pool that [`PgRecords::connect`] opens.
pub const DEFAULT_POOL_SIZE: usize = 8;

/// How long a new connection may take before the database counts as unreachable.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// How many times a transaction that lost a deadlock or a serialisation conflict is run.
const ATTEMPTS: u32 = 5;

/// The first key of every two-key advisory lock this crate takes ("WSPD"): keeps them
/// apart from other applications' locks on a shared server.
const LOCK_SPACE: i32 = 0x5753_5044;
/// Second keys under [`LOCK_SPACE`].
const LOCK_MIGRATE: i32 = 1;
const LOCK_FEED: i32 = 2;
const LOCK_SERIES: i32 = 3;
const LOCK_USERS: i32 = 4;

/// [`Records`] on PostgreSQL: a connection pool and the store's options.
///
/// Cheap to share: clone the `Arc` it lives in, or keep one per process.
pub struct PgRecords {
    pool: Pool,
    options: StoreOptions,
}

impl PgRecords {
    /// Connects to `url` (`postgres://user:password@host:port/db`, or libpq's
    /// `host=... dbname=...`), brings the schema up to date and opens a pool of
    /// [`DEFAULT_POOL_SIZE`] connections. Without TLS: see the crate docs.
    pub async fn connect(url: &str, options: StoreOptions) -> Result<PgRecords> {
        Self::connect_with_pool(url, options, DEFAULT_POOL_SIZE).await
    }

    /// [`PgRecords::connect`] with a pool of `pool_size` connections (at least 1).
    pub async fn connect_with_pool(
        url: &str,
        options: StoreOptions,
        pool_size: usize,
    ) -> Result<PgRecords> {
        let pool = open_pool(url, pool_size).await?;
        Ok(PgRecords { pool, options })
    }

    /// The analysts' workplace on the same database and connection pool. Its synchronous
    /// methods run their queries on `handle`'s runtime (see [`PgWorkplace`]).
    pub fn workplace(&self, handle: tokio::runtime::Handle) -> PgWorkplace {
        PgWorkplace::with_pool(self.pool.clone(), handle)
    }

    /// The options in force.
    pub fn options(&self) -> &StoreOptions {
        &self.options
    }

    /// The schema version of the database (the last migration applied).
    pub async fn schema_version(&self) -> Result<i64> {
        let client = self.client().await?;
        let row = client
            .query_one(
                "SELECT COALESCE(MAX(version), 0)::BIGINT FROM schema_migrations",
                &[],
            )
            .await
            .map_err(backend("read the schema version"))?;
        Ok(row.get(0))
    }

    async fn client(&self) -> Result<deadpool_postgres::Client> {
        pooled(&self.pool).await
    }
}

/// Where a connection URL points, for messages and logs, without its password:
/// `PostgreSQL at db.internal:5432/waspada`.
pub fn describe_url(url: &str) -> String {
    let Ok(c) = url.parse::<tokio_postgres::Config>() else {
        return "PostgreSQL (unreadable connection URL)".into();
    };
    let host = match c.get_hosts().first() {
        Some(tokio_postgres::config::Host::Tcp(h)) => h.clone(),
        #[cfg(unix)]
        Some(tokio_postgres::config::Host::Unix(p)) => p.display().to_string(),
        None => "localhost".into(),
    };
    let port = c.get_ports().first().copied().unwrap_or(5432);
    let db = c.get_dbname().or(c.get_user()).unwrap_or("postgres");
    format!("PostgreSQL at {host}:{port}/{db}")
}

/// Brings the schema of the database at `url` up to date and opens a pool of `pool_size`
/// connections (at least 1) to it: what [`PgRecords`] and [`PgWorkplace`] connect with.
async fn open_pool(url: &str, pool_size: usize) -> Result<Pool> {
    let mut config: tokio_postgres::Config = url
        .parse()
        .map_err(backend("read the PostgreSQL connection URL"))?;
    if config.get_connect_timeout().is_none() {
        // A server behind a cut network would otherwise hold a request for the kernel's
        // TCP timeout (minutes); `connect_timeout` in the URL overrides this.
        config.connect_timeout(CONNECT_TIMEOUT);
    }
    migrate::migrate(&config).await?;
    let manager = Manager::from_config(
        config,
        NoTls,
        ManagerConfig {
            recycling_method: RecyclingMethod::Fast,
        },
    );
    Pool::builder(manager)
        .max_size(pool_size.max(1))
        .build()
        .map_err(|e| StoreError::Backend {
            action: "build the PostgreSQL connection pool",
            source: Box::new(e),
        })
}

/// A connection from `pool`.
async fn pooled(pool: &Pool) -> Result<deadpool_postgres::Client> {
    pool.get().await.map_err(|e| match e {
        // No connection could be made: the server is down or out of reach.
        deadpool_postgres::PoolError::Backend(_) => StoreError::Unavailable {
            action: "connect to PostgreSQL",
            source: Box::new(e),
        },
        _ => StoreError::Backend {
            action: "get a PostgreSQL connection from the pool",
            source: Box::new(e),
        },
    })
}

/// Runs a transaction body, retrying it (on a fresh transaction) when PostgreSQL aborted it
/// to break a deadlock or a serialisation conflict. A macro rather than a function: the body
/// borrows the transaction, which closures returning futures cannot express on stable.
macro_rules! in_transaction {
    ($self:ident, $action:literal, |$tx:ident| $body:expr) => {{
        let mut attempt = 0u32;
        loop {
            attempt += 1;
            let mut client = $self.client().await?;
            let $tx = client
                .transaction()
                .await
                .map_err(crate::error::backend(concat!(
                    "begin a transaction to ",
                    $action
                )))?;
            let outcome = async { $body }.await;
            let outcome = match outcome {
                Ok(value) => $tx
                    .commit()
                    .await
                    .map(|()| value)
                    .map_err(crate::error::backend(concat!(
                        "commit a transaction to ",
                        $action
                    ))),
                Err(e) => Err(e),
            };
            match outcome {
                Err(e) if attempt < ATTEMPTS && is_retryable(&e) => {
                    tokio::time::sleep(Duration::from_millis(10 << attempt)).await;
                }
                other => break other,
            }
        }
    }};
}

// After the macro, which it uses.
mod workplace;

impl Records for PgRecords {
    async fn store_articles(&self, batch: &[ArticleBundle]) -> Result<Vec<Inserted>> {
        let options = &self.options;
        in_transaction!(self, "store articles", |tx| write::store_batch(
            &tx, options, batch
        )
        .await)
    }

    async fn known_urls(&self, canonical_urls: &[String]) -> Result<Vec<Option<i64>>> {
        read::known_urls(&*self.client().await?, canonical_urls).await
    }

    async fn refresh_series(&self) -> Result<()> {
        in_transaction!(self, "rebuild the series", |tx| write::refresh_series(&tx)
            .await)
    }

    async fn series(&self, frequency: &str) -> Result<Vec<SeriesRow>> {
        read::series(&*self.client().await?, frequency).await
    }

    async fn latest_report_date(&self) -> Result<Option<String>> {
        read::latest_report_date(&*self.client().await?).await
    }

    async fn put_signals(&self, signals: &[NewSignal]) -> Result<Vec<i64>> {
        in_transaction!(self, "record signals", |tx| write::put_signals(
            &tx, signals
        )
        .await)
    }

    async fn events(&self, filter: &EventFilter) -> Result<Vec<EventRow>> {
        read::events(&*self.client().await?, filter).await
    }

    async fn event_reports(&self, event_id: i64) -> Result<Vec<ReportRow>> {
        read::event_reports(&*self.client().await?, event_id).await
    }

    async fn articles_after(&self, after: i64, limit: usize) -> Result<Vec<ArticleRecord>> {
        let mut client = self.client().await?;
        read::articles_after(&mut client, after, limit).await
    }

    async fn counts(&self) -> Result<StoreStats> {
        read::counts(&*self.client().await?).await
    }

    async fn register_sources(&self, specs: &[SourceSpec]) -> Result<Vec<i64>> {
        in_transaction!(self, "register sources", |tx| {
            let mut ids = Vec::with_capacity(specs.len());
            for spec in specs {
                ids.push(sources::upsert_source(&*tx, spec).await?);
            }
            Ok(ids)
        })
    }

    async fn put_fetch_state(&self, state: &FetchState) -> Result<()> {
        sources::put_fetch_state(&**self.client().await?, state).await
    }
}
