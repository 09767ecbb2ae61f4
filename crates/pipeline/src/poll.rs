//! `waspada run`: poll the configured sources on their intervals, forever.
//!
//! One poll of a feed: a conditional GET of the feed (validators from the store); for each
//! item whose URL is not stored yet, a polite fetch of its page and main-text extraction;
//! then the ordinary ingest batch. Every outcome is written to the source's fetch state, so
//! a dead feed is visible (last success, last error, failures in a row) and is retried with
//! growing back-off instead of hammering the site. A source's failure never stops the
//! others.

use std::time::Duration;

use serde::Serialize;
use waspada_extract::Article;
use waspada_fetch::{FeedItem, FetchOutcome, Fetcher, Validators, canonical_url, parse_feed};
use waspada_ingest::html::{HtmlOptions, extract_page_with, extract_page_with_selector};
use waspada_store::{FetchState, Store, now_ms};

use crate::PipelineError;
use crate::config::{Config, SourceConfig};
use crate::index::Indexer;
use crate::ingest::{Incoming, IngestSummary, ingest_batch};
use crate::prepare::Preparer;

/// Longest back-off after repeated failures of one source.
const MAX_BACKOFF_MS: i64 = 24 * 3600 * 1000;
/// Most items taken from one feed in one poll (a feed that suddenly lists thousands of
/// items is misconfigured, not news).
pub const MAX_ITEMS_PER_POLL: usize = 200;

/// What one poll of one source did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct PollReport {
    /// Source name.
    pub source: String,
    /// The feed or page was unchanged (HTTP 304).
    pub not_modified: bool,
    /// Items listed by the feed.
    pub items: usize,
    /// What the ingest of its new items did.
    pub ingest: IngestSummary,
    /// Why the source itself failed, if it did.
    pub error: Option<String>,
}

/// Polls sources and feeds what they yield into the store.
pub struct Poller {
    fetcher: Fetcher,
    preparer: Preparer,
    html: HtmlOptions,
}

impl Poller {
    /// A poller with the configuration's fetch settings.
    pub fn new(config: &Config) -> Result<Poller, waspada_fetch::FetchError> {
        Ok(Poller {
            fetcher: Fetcher::new(&config.fetch)?,
            preparer: Preparer::default(),
            html: HtmlOptions::default(),
        })
    }

    /// The polite HTTP client, for stages that fetch without a local store (the
    /// scale-out fetch worker).
    pub fn fetcher(&self) -> &Fetcher {
        &self.fetcher
    }

    /// Polls one source once, stores what is new and records the outcome.
    pub async fn poll(
        &self,
        store: &mut Store,
        indexer: Option<&mut Indexer>,
        source: &SourceConfig,
    ) -> Result<PollReport, PipelineError> {
        let source_id = {
            let b = store.batch()?;
            let id = b.register_source(&source.spec())?;
            b.commit()?;
            id
        };
        let mut state = store
            .fetch_state(&source.url)?
            .unwrap_or_else(|| FetchState {
                url: source.url.clone(),
                ..FetchState::default()
            });
        state.source_id = Some(source_id);
        let mut report = PollReport {
            source: source.name.clone(),
            ..PollReport::default()
        };
        let started = now_ms();
        state.last_attempt_at = Some(started);
        let validators = Validators {
            etag: state.etag.clone(),
            last_modified: state.last_modified.clone(),
        };
        let outcome = self.fetcher.fetch(&source.url, &validators).await;
        let incoming: Vec<Incoming> = match outcome {
            Err(e) => {
                state.last_status = e.status().map(i64::from);
                report.error = Some(e.to_string());
                Vec::new()
            }
            Ok(FetchOutcome::NotModified { validators, .. }) => {
                report.not_modified = true;
                state.etag = validators.etag;
                state.last_modified = validators.last_modified;
                state.last_status = Some(304);
                Vec::new()
            }
            Ok(FetchOutcome::Fetched(resp)) => {
                state.etag = resp.validators.etag.clone();
                state.last_modified = resp.validators.last_modified.clone();
                state.last_status = Some(i64::from(resp.status));
                if source.kind == "page" {
                    self.page_article(source, &resp.final_url, &resp.body_text, None)
                        .map(|a| vec![incoming(a, source_id)])
                        .unwrap_or_else(|e| {
                            report.error = Some(e);
                            Vec::new()
                        })
                } else {
                    match parse_feed(&resp.body_bytes, Some(&resp.final_url)) {
                        Err(e) => {
                            report.error = Some(e.to_string());
                            Vec::new()
                        }
                        Ok(items) => {
                            report.items = items.len();
                            self.feed_articles(store, source, source_id, items, &mut report)
                                .await?
                        }
                    }
                }
            }
        };
        if !incoming.is_empty() {
            let before = store.max_article_id()?;
            let docs = ingest_batch(store, &self.preparer, incoming, &mut report.ingest)?;
            if let Some(ix) = indexer {
                let after = store.max_article_id()?;
                ix.add_new(store, docs, before, after)?;
                ix.flush()?;
            }
        }
        let now = now_ms();
        match &report.error {
            None => {
                state.last_success_at = Some(now);
                state.last_error = None;
                state.consecutive_failures = 0;
            }
            Some(e) => {
                state.last_error = Some(e.clone());
                state.consecutive_failures += 1;
            }
        }
        state.next_attempt_at = Some(next_attempt(now, source, state.consecutive_failures));
        state.items_seen += report.items as i64;
        state.items_new += report.ingest.new as i64;
        let b = store.batch()?;
        b.put_fetch_state(&state)?;
        b.commit()?;
        Ok(report)
    }

    /// The articles behind a feed's new items: each page fetched (politely, one host at
    /// a time) and extracted, or the feed's own text when configured or when the page
    /// cannot be had.
    async fn feed_articles(
        &self,
        store: &Store,
        source: &SourceConfig,
        source_id: i64,
        items: Vec<FeedItem>,
        report: &mut PollReport,
    ) -> Result<Vec<Incoming>, PipelineError> {
        let mut out = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for item in items.into_iter().take(MAX_ITEMS_PER_POLL) {
            let Some(link) = item.link.clone() else {
                continue;
            };
            let canonical = canonical_url(&link);
            // The same page listed twice (tracking parameters, a trailing slash) is fetched once.
            if !seen.insert(canonical.clone()) || store.article_id_for_url(&canonical)?.is_some() {
                report.ingest.same_url += 1;
                continue;
            }
            let feed_text = item
                .content
                .clone()
                .or_else(|| item.summary.clone())
                .unwrap_or_default();
            let article = if source.feed_text_only {
                Ok(self.feed_article(source, &item, &link, feed_text))
            } else {
                match self.fetcher.fetch(&link, &Validators::default()).await {
                    Ok(FetchOutcome::Fetched(resp)) => {
                        self.page_article(source, &link, &resp.body_text, Some(&item))
                    }
                    Ok(FetchOutcome::NotModified { .. }) => {
                        Err("the server answered 304 to an unconditional request".into())
                    }
                    Err(e) => Err(e.to_string()),
                }
            };
            match article {
                Ok(a) => out.push(incoming(a, source_id)),
                Err(reason) => {
                    report.ingest.failed += 1;
                    if report.ingest.failures.len() < 100 {
                        report
                            .ingest
                            .failures
                            .push(crate::ingest::Failure { id: link, reason });
                    }
                }
            }
        }
        Ok(out)
    }

    /// The article a feed item carries by itself (its content or summary as the text),
    /// for sources that are read from the feed only.
    pub fn feed_article(
        &self,
        source: &SourceConfig,
        item: &FeedItem,
        link: &str,
        text: String,
    ) -> Article {
        Article {
            id: item.id.clone(),
            title: item.title.clone(),
            text,
            published: item.published.clone().or_else(|| item.updated.clone()),
            url: Some(link.to_string()),
            lang: source.language.clone(),
            source: Some(source.name.clone()),
        }
    }

    /// The article on a fetched page: main text (or the source's CSS rule), title and
    /// date, falling back to the feed item's text when the page has none.
    pub fn page_article(
        &self,
        source: &SourceConfig,
        url: &str,
        html: &str,
        item: Option<&FeedItem>,
    ) -> Result<Article, String> {
        let page = match &source.content_selector {
            Some(sel) => extract_page_with_selector(html, Some(url), &self.html, sel),
            None => extract_page_with(html, Some(url), &self.html),
        }
        .map_err(|e| e.to_string())?;
        let mut text = page.text;
        if text.trim().is_empty() {
            text = item
                .and_then(|i| i.content.clone().or_else(|| i.summary.clone()))
                .unwrap_or_default();
        }
        if text.trim().is_empty() {
            return Err("no article text found on the page".into());
        }
        Ok(Article {
            id: item.map(|i| i.id.clone()).unwrap_or_default(),
            title: page.title.or_else(|| item.and_then(|i| i.title.clone())),
            text,
            published: page
                .published
                .or_else(|| item.and_then(|i| i.published.clone().or_else(|| i.updated.clone()))),
            url: Some(url.to_string()),
            lang: source.language.clone(),
            source: Some(source.name.clone()),
        })
    }
}

fn incoming(article: Article, source_id: i64) -> Incoming {
    Incoming {
        article,
        source_id: Some(source_id),
        fetched_at: now_ms(),
    }
}

/// When a source is next due: its interval after a success, doubled per failure in a
/// row (at most a day) after a failure.
pub fn next_attempt(now_ms: i64, source: &SourceConfig, consecutive_failures: i64) -> i64 {
    let every = source.every_minutes as i64 * 60_000;
    if consecutive_failures == 0 {
        return now_ms + every;
    }
    let backoff = every.saturating_mul(1 << consecutive_failures.min(10));
    now_ms + backoff.min(MAX_BACKOFF_MS)
}

/// The enabled sources due for a poll now, and how long until the next one is due.
pub fn due_sources<'c>(
    store: &Store,
    config: &'c Config,
) -> Result<(Vec<&'c SourceConfig>, Duration), PipelineError> {
    let now = now_ms();
    let mut due = Vec::new();
    let mut next = i64::MAX;
    for s in config.sources.iter().filter(|s| !s.disabled) {
        let at = store
            .fetch_state(&s.url)?
            .and_then(|st| st.next_attempt_at)
            .unwrap_or(0);
        if at <= now {
            due.push(s);
        } else {
            next = next.min(at);
        }
    }
    let wait = if next == i64::MAX {
        Duration::from_secs(60)
    } else {
        Duration::from_millis((next - now).clamp(1000, 60_000) as u64)
    };
    Ok((due, wait))
}
