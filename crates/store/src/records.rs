//! The store behind the pipeline's stages, as an interface: what an analyse stage writes
//! and what detection and indexing read.
//!
//! Two deployments share every stage through it: the embedded default ([`SqliteRecords`],
//! one SQLite file) and the scale-out (`waspada-store-pg`, PostgreSQL shared by many
//! stateless workers). The contract, which the conformance suite checks on both:
//! - [`Records::store_articles`] is one transaction: the articles of a batch, their
//!   analyses and their reports are committed together or not at all.
//! - It is **idempotent**: storing a batch again (a queue redelivered it after a crash)
//!   adds no row; each article comes back as [`Inserted::SameUrl`] or
//!   [`Inserted::SameText`] with the id it got the first time.
//! - Concurrent writers (several workers) never store one article twice, nor open two
//!   events for the same disease × area × window.
//!
//! The methods return `Send` futures so that async workers can hold any implementation;
//! the SQLite one does its (short, local) work inside the call.

use std::future::Future;
use std::sync::Mutex;

use waspada_events::report::Report;

use crate::{
    ArticleRecord, EventFilter, EventRow, FetchState, Inserted, NewArticle, NewSignal, ReportRow,
    Result, SeriesRow, SourceSpec, Store, StoreStats, StoredAnalysis,
};

/// The analysis row of an article, owned (it crosses threads and queues).
#[derive(Debug, Clone, PartialEq)]
pub struct AnalysisRow {
    /// `analyzer_version` of the analysis.
    pub analyzer_version: String,
    /// The analysis says outbreak report.
    pub is_outbreak: bool,
    /// Relevance category.
    pub category: String,
    /// Relevance score, 0..1.
    pub relevance: f64,
    /// The `analyze` JSON.
    pub json: String,
}

impl AnalysisRow {
    /// Borrowed form, as the SQLite batch takes it.
    pub fn as_stored(&self) -> StoredAnalysis<'_> {
        StoredAnalysis {
            analyzer_version: &self.analyzer_version,
            is_outbreak: self.is_outbreak,
            category: &self.category,
            relevance: self.relevance,
            json: &self.json,
            packed_json: None,
        }
    }
}

/// An article with everything derived from it: what one analyse step hands the store.
#[derive(Debug, Clone)]
pub struct ArticleBundle {
    /// The article row, with its hashes.
    pub article: NewArticle,
    /// Its analysis.
    pub analysis: AnalysisRow,
    /// Its disease × place reports (empty unless it is an outbreak report).
    pub reports: Vec<Report>,
}

/// The system of record as the pipeline's stages see it.
pub trait Records: Send + Sync {
    /// Stores a batch in one transaction: each new article with its analysis and reports
    /// (attached to events). Returns what happened to each article, in order.
    fn store_articles(
        &self,
        batch: &[ArticleBundle],
    ) -> impl Future<Output = Result<Vec<Inserted>>> + Send;

    /// The stored article id of each canonical URL, in order (`None` when unknown): lets
    /// a stage skip analysing what is already stored.
    fn known_urls(
        &self,
        canonical_urls: &[String],
    ) -> impl Future<Output = Result<Vec<Option<i64>>>> + Send;

    /// Rebuilds the daily and weekly series counts from the reports.
    fn refresh_series(&self) -> impl Future<Output = Result<()>> + Send;

    /// Every series of one frequency (`daily` or `weekly`), sparse, ordered by key.
    fn series(&self, frequency: &str) -> impl Future<Output = Result<Vec<SeriesRow>>> + Send;

    /// The latest report date (`YYYY-MM-DD`), when there is one.
    fn latest_report_date(&self) -> impl Future<Output = Result<Option<String>>> + Send;

    /// Inserts or updates signals (keyed by method, disease, area and period) in one
    /// transaction. Returns their ids, in order.
    fn put_signals(&self, signals: &[NewSignal]) -> impl Future<Output = Result<Vec<i64>>> + Send;

    /// Events matching a filter.
    fn events(&self, filter: &EventFilter) -> impl Future<Output = Result<Vec<EventRow>>> + Send;

    /// The reports of one event with their articles, oldest first: its history.
    fn event_reports(&self, event_id: i64) -> impl Future<Output = Result<Vec<ReportRow>>> + Send;

    /// Up to `limit` articles with ids above `after`, in id order: the indexer's feed and
    /// `reindex`.
    fn articles_after(
        &self,
        after: i64,
        limit: usize,
    ) -> impl Future<Output = Result<Vec<ArticleRecord>>> + Send;

    /// Row counts of the main tables.
    fn counts(&self) -> impl Future<Output = Result<StoreStats>> + Send;

    /// Registers sources in one transaction, each inserted or updated by name (URL, kind,
    /// country, language). Returns their ids, in order. What a scheduler does with its
    /// configured sources, so that articles and fetch state can name their source.
    fn register_sources(
        &self,
        sources: &[SourceSpec],
    ) -> impl Future<Output = Result<Vec<i64>>> + Send;

    /// Saves the fetch state of a URL (replacing what was there): what the Sources page
    /// shows of a source's health.
    fn put_fetch_state(&self, state: &FetchState) -> impl Future<Output = Result<()>> + Send;
}

impl crate::Batch<'_> {
    /// Stores one article; when it is new, also its analysis and its reports (attached to
    /// events). Returns what happened and how many reports were attached. The one path by
    /// which both the embedded ingest and [`Records::store_articles`] store an article.
    pub fn store_article(
        &self,
        article: &NewArticle,
        analysis: &StoredAnalysis<'_>,
        reports: &[Report],
    ) -> Result<(Inserted, usize)> {
        let inserted = self.insert_article(article)?;
        let mut attached = 0;
        if let Inserted::New { id, cluster_id, .. } = inserted {
            self.put_analysis(id, analysis)?;
            attached = self.add_reports(id, cluster_id, reports)?.len();
        }
        Ok((inserted, attached))
    }
}

/// [`Records`] on the embedded SQLite store: one connection behind a mutex (SQLite has
/// one writer anyway).
pub struct SqliteRecords {
    store: Mutex<Store>,
}

impl SqliteRecords {
    /// Wraps an open store.
    pub fn new(store: Store) -> Self {
        SqliteRecords {
            store: Mutex::new(store),
        }
    }

    /// The store back, for the embedded pipeline's own calls.
    pub fn into_inner(self) -> Store {
        self.store.into_inner().unwrap_or_else(|e| e.into_inner())
    }

    fn with<T>(&self, f: impl FnOnce(&mut Store) -> Result<T>) -> Result<T> {
        // A panic while holding the lock leaves no half transaction (it rolled back on
        // drop), so the store is still usable.
        let mut guard = self.store.lock().unwrap_or_else(|e| e.into_inner());
        f(&mut guard)
    }
}

impl Records for SqliteRecords {
    async fn store_articles(&self, batch: &[ArticleBundle]) -> Result<Vec<Inserted>> {
        self.with(|store| {
            let b = store.batch()?;
            let mut out = Vec::with_capacity(batch.len());
            for bundle in batch {
                let (inserted, _) = b.store_article(
                    &bundle.article,
                    &bundle.analysis.as_stored(),
                    &bundle.reports,
                )?;
                out.push(inserted);
            }
            b.commit()?;
            Ok(out)
        })
    }

    async fn known_urls(&self, canonical_urls: &[String]) -> Result<Vec<Option<i64>>> {
        self.with(|store| {
            canonical_urls
                .iter()
                .map(|u| store.article_id_for_url(u))
                .collect()
        })
    }

    async fn refresh_series(&self) -> Result<()> {
        self.with(|store| {
            let b = store.batch()?;
            b.refresh_series()?;
            b.commit()
        })
    }

    async fn series(&self, frequency: &str) -> Result<Vec<SeriesRow>> {
        self.with(|store| store.series(frequency))
    }

    async fn latest_report_date(&self) -> Result<Option<String>> {
        self.with(|store| store.latest_report_date())
    }

    async fn put_signals(&self, signals: &[NewSignal]) -> Result<Vec<i64>> {
        self.with(|store| {
            let b = store.batch()?;
            let ids = signals
                .iter()
                .map(|s| b.upsert_signal(s))
                .collect::<Result<Vec<_>>>()?;
            b.commit()?;
            Ok(ids)
        })
    }

    async fn events(&self, filter: &EventFilter) -> Result<Vec<EventRow>> {
        self.with(|store| store.events(filter))
    }

    async fn event_reports(&self, event_id: i64) -> Result<Vec<ReportRow>> {
        self.with(|store| store.event_reports(event_id))
    }

    async fn articles_after(&self, after: i64, limit: usize) -> Result<Vec<ArticleRecord>> {
        self.with(|store| store.articles_after(after, limit))
    }

    async fn counts(&self) -> Result<StoreStats> {
        self.with(|store| store.stats())
    }

    async fn register_sources(&self, sources: &[SourceSpec]) -> Result<Vec<i64>> {
        self.with(|store| {
            let b = store.batch()?;
            let ids = sources
                .iter()
                .map(|s| b.register_source(s))
                .collect::<Result<Vec<_>>>()?;
            b.commit()?;
            Ok(ids)
        })
    }

    async fn put_fetch_state(&self, state: &FetchState) -> Result<()> {
        self.with(|store| {
            let b = store.batch()?;
            b.put_fetch_state(state)?;
            b.commit()
        })
    }
}
