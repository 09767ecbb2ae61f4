//! The fetch worker: a due source from the queue, polled as `waspada run` polls it (the
//! same poller: conditional GET, feed parsing, polite page fetches, main-text
//! extraction), its new articles published to the analyse stage.
//!
//! Feed state (validators, failures in a row, next attempt) lives in the queue's
//! key-value bucket under `feed.<hash of the URL>`, so any fetch worker can take any
//! source, and the scheduler reads when each one is next due. The KV is the workers' own
//! source of truth (conditional GET, back-off); after each poll the worker also copies the
//! state into the store's `fetch_state` ([`Records::put_fetch_state`]), which is what the
//! dashboard's Sources page shows. The articles it publishes carry the source's id (from
//! the [`FetchJob`]), so the store counts each source's articles.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};
use waspada_fetch::{FetchOutcome, Validators, canonical_url, parse_feed};
use waspada_pipeline::poll::{MAX_ITEMS_PER_POLL, Poller, next_attempt};
use waspada_queue::{KeyValue, Queue, QueueMessage, Stage};
use waspada_store::{FetchState, Records, now_ms};
use xxhash_rust::xxh3::xxh3_128;

use crate::analyse::{AnalyseOptions, give_back};
use crate::messages::{AnalyseJob, FetchJob, decode, encode};
use crate::metrics::add;
use crate::{ClusterError, Metrics, Shutdown};

/// What is remembered about one source between polls (the KV value, JSON).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FeedState {
    /// Last `ETag`.
    pub etag: Option<String>,
    /// Last `Last-Modified`.
    pub last_modified: Option<String>,
    /// Last attempt, epoch ms.
    pub last_attempt_at: Option<i64>,
    /// Last success, epoch ms.
    pub last_success_at: Option<i64>,
    /// Last error, for the sources page.
    pub last_error: Option<String>,
    /// Failures since the last success (drives back-off).
    pub consecutive_failures: i64,
    /// Not before this time, epoch ms.
    pub next_attempt_at: Option<i64>,
    /// Articles published to the analyse stage in total.
    pub items_published: i64,
    /// Last HTTP status (304 when not modified); `None` when the last attempt got no
    /// answer.
    #[serde(default)]
    pub last_status: Option<i64>,
    /// Feed items seen in total.
    #[serde(default)]
    pub items_seen: i64,
}

impl FeedState {
    /// The store's copy of this state, for the Sources page: the articles published to
    /// the analyse stage count as the source's new items.
    pub fn to_fetch_state(&self, url: &str, source_id: Option<i64>) -> FetchState {
        FetchState {
            url: url.to_string(),
            source_id,
            etag: self.etag.clone(),
            last_modified: self.last_modified.clone(),
            last_attempt_at: self.last_attempt_at,
            last_success_at: self.last_success_at,
            last_status: self.last_status,
            last_error: self.last_error.clone(),
            consecutive_failures: self.consecutive_failures,
            next_attempt_at: self.next_attempt_at,
            items_seen: self.items_seen,
            items_new: self.items_published,
        }
    }
}

/// The KV key of a source's state.
pub fn feed_key(url: &str) -> String {
    format!("feed.{:032x}", xxh3_128(url.as_bytes()))
}

/// Reads a source's state (`None` when never polled or unreadable).
pub async fn feed_state<K: KeyValue>(kv: &K, url: &str) -> Result<Option<FeedState>, ClusterError> {
    Ok(kv
        .get(&feed_key(url))
        .await?
        .and_then(|v| serde_json::from_slice(&v).ok()))
}

/// Runs a fetch worker until `shutdown`, one source at a time.
pub async fn run_fetch_worker<R: Records, Q: Queue, K: KeyValue>(
    poller: &Poller,
    records: &R,
    queue: &Q,
    kv: &K,
    options: &AnalyseOptions,
    metrics: &Metrics,
    shutdown: &Shutdown,
) -> Result<(), ClusterError> {
    while !shutdown.is_set() {
        let messages = match queue.pull(Stage::Fetch, 1, options.wait).await {
            Ok(m) => m,
            Err(e) => {
                add(&metrics.errors, 1);
                eprintln!("fetch worker: cannot pull from the queue, will retry: {e}");
                shutdown.sleep(options.retry_base).await;
                continue;
            }
        };
        for m in messages {
            add(&metrics.pulled, 1);
            if m.delivered() > 1 {
                add(&metrics.redelivered, 1);
            }
            let job = match decode::<FetchJob>(m.payload(), "a source to fetch") {
                Ok(j) => j,
                Err(reason) => {
                    add(&metrics.dead_lettered, 1);
                    if m.dead_letter(&reason).await.is_err() {
                        add(&metrics.errors, 1);
                    }
                    continue;
                }
            };
            match poll_source(poller, records, queue, kv, &job, metrics).await {
                Ok(()) => {
                    if m.ack().await.is_err() {
                        add(&metrics.errors, 1);
                    }
                }
                Err(e) => {
                    add(&metrics.errors, 1);
                    give_back([m], &e.to_string(), options, metrics).await;
                }
            }
        }
    }
    Ok(())
}

/// Polls one job's source: its new articles go to the analyse stage with the source's id,
/// its state to the KV and a copy to the store. A source that fails (HTTP, a broken feed)
/// is recorded with back-off, not an error: only the queue and the store failing are
/// errors (except the store's copy of the state: the next poll writes it again).
pub async fn poll_source<R: Records, Q: Queue, K: KeyValue>(
    poller: &Poller,
    records: &R,
    queue: &Q,
    kv: &K,
    job: &FetchJob,
    metrics: &Metrics,
) -> Result<(), ClusterError> {
    let source = &job.source;
    let source_id = match job.source_id {
        Some(id) => Some(id),
        // A job from a scheduler older than `source_id`.
        None => records
            .register_sources(&[source.spec()])
            .await?
            .first()
            .copied(),
    };
    let mut state = feed_state(kv, &source.url).await?.unwrap_or_default();
    state.last_attempt_at = Some(now_ms());
    let validators = Validators {
        etag: state.etag.clone(),
        last_modified: state.last_modified.clone(),
    };
    let mut error = None;
    let mut articles = Vec::new();
    match poller.fetcher().fetch(&source.url, &validators).await {
        Err(e) => {
            state.last_status = e.status().map(i64::from);
            error = Some(e.to_string());
        }
        Ok(FetchOutcome::NotModified { validators, .. }) => {
            state.last_status = Some(304);
            state.etag = validators.etag;
            state.last_modified = validators.last_modified;
        }
        Ok(FetchOutcome::Fetched(resp)) => {
            state.last_status = Some(i64::from(resp.status));
            state.etag = resp.validators.etag.clone();
            state.last_modified = resp.validators.last_modified.clone();
            if source.kind == "page" {
                match poller.page_article(source, &resp.final_url, &resp.body_text, None) {
                    Ok(a) => articles.push(a),
                    Err(e) => error = Some(e),
                }
            } else {
                match parse_feed(&resp.body_bytes, Some(&resp.final_url)) {
                    Err(e) => error = Some(e.to_string()),
                    Ok(items) => {
                        state.items_seen += items.len() as i64;
                        let items: Vec<_> = items
                            .into_iter()
                            .take(MAX_ITEMS_PER_POLL)
                            .filter_map(|i| i.link.clone().map(|l| (canonical_url(&l), l, i)))
                            .collect();
                        let urls: Vec<String> = items.iter().map(|(c, _, _)| c.clone()).collect();
                        let known = records.known_urls(&urls).await?;
                        let mut seen = HashSet::new();
                        for ((canonical, link, item), k) in items.into_iter().zip(known) {
                            if k.is_some() || !seen.insert(canonical) {
                                add(&metrics.same_url, 1);
                                continue;
                            }
                            let text = item.content.clone().or_else(|| item.summary.clone());
                            let article = if source.feed_text_only {
                                Ok(poller.feed_article(
                                    source,
                                    &item,
                                    &link,
                                    text.unwrap_or_default(),
                                ))
                            } else {
                                match poller.fetcher().fetch(&link, &Validators::default()).await {
                                    Ok(FetchOutcome::Fetched(r)) => poller.page_article(
                                        source,
                                        &link,
                                        &r.body_text,
                                        Some(&item),
                                    ),
                                    Ok(FetchOutcome::NotModified { .. }) => {
                                        Err("the server answered 304 to an unconditional request"
                                            .into())
                                    }
                                    Err(e) => Err(e.to_string()),
                                }
                            };
                            match article {
                                Ok(a) => articles.push(a),
                                Err(reason) => eprintln!("fetch worker: {link}: {reason}"),
                            }
                        }
                    }
                }
            }
        }
    }
    for a in articles {
        let job = AnalyseJob::new(a, source_id, now_ms());
        let published = queue
            .publish(Stage::Analyse, &job.dedup_id(), &encode(&job))
            .await?;
        if !published.duplicate {
            add(&metrics.stored_new, 1);
            state.items_published += 1;
        }
    }
    let now = now_ms();
    match error {
        None => {
            state.last_success_at = Some(now);
            state.last_error = None;
            state.consecutive_failures = 0;
        }
        Some(e) => {
            eprintln!("fetch worker: source {:?}: {e}", source.name);
            state.last_error = Some(e);
            state.consecutive_failures += 1;
        }
    }
    state.next_attempt_at = Some(next_attempt(now, source, state.consecutive_failures));
    kv.put(&feed_key(&source.url), &encode(&state)).await?;
    if let Err(e) = records
        .put_fetch_state(&state.to_fetch_state(&source.url, source_id))
        .await
    {
        add(&metrics.errors, 1);
        eprintln!(
            "fetch worker: source {:?}: cannot copy its fetch state to the store (the next poll will): {e}",
            source.name
        );
    }
    Ok(())
}
