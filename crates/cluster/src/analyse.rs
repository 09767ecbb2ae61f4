//! The analyse worker: articles from the queue, analysed on every core, stored in one
//! transaction per batch, index jobs published, and only then acknowledged.
//!
//! Failure handling, message by message:
//! - a payload that is not an article can never succeed: straight to the dead letters;
//! - a store or queue failure may pass (a restart, a lock timeout): the batch is handed
//!   back for another try after a growing back-off, and given up (dead letter, with the
//!   reason) once a message has been delivered `max_deliver` times;
//! - a message delivered before (its worker died after the commit, before the ack) is
//!   stored again as "same URL", which adds nothing; its index job is published again in
//!   case the first worker died before publishing it.

use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::future::join_all;
use rayon::prelude::*;
use waspada_pipeline::index::search_doc_of;
use waspada_pipeline::prepare::Preparer;
use waspada_queue::{Queue, QueueMessage, Stage};
use waspada_search::SearchDoc;
use waspada_store::{ArticleBundle, Inserted, Records};

use crate::messages::{AnalyseJob, IndexJob, decode, encode};
use crate::metrics::{add, add_ms};
use crate::{ClusterError, Metrics, Shutdown, backoff};

/// Tunables of an analyse worker.
#[derive(Debug, Clone)]
pub struct AnalyseOptions {
    /// Messages taken at once, stored in one transaction.
    pub batch: usize,
    /// Longest wait for a pull when the stage is empty (also how soon a stop is noticed).
    pub wait: Duration,
    /// Deliveries after which a failing message is moved to the dead letters.
    pub max_deliver: u64,
    /// First back-off of a failed batch (doubling per delivery, at most a minute).
    pub retry_base: Duration,
    /// Publish index jobs for new articles (off when no indexer runs).
    pub publish_index: bool,
}

impl Default for AnalyseOptions {
    fn default() -> Self {
        AnalyseOptions {
            batch: 64,
            wait: Duration::from_secs(1),
            max_deliver: 5,
            retry_base: Duration::from_secs(1),
            publish_index: true,
        }
    }
}

/// Runs an analyse worker until `shutdown`: pull, analyse, store, publish, ack. Returns
/// after finishing the batch in hand. Queue and store outages are waited out, not fatal.
pub async fn run_analyse_worker<R: Records, Q: Queue>(
    records: &R,
    queue: &Q,
    options: &AnalyseOptions,
    metrics: &Metrics,
    shutdown: &Shutdown,
) -> Result<(), ClusterError> {
    let preparer = Arc::new(Preparer::default());
    while !shutdown.is_set() {
        let messages = match queue
            .pull(Stage::Analyse, options.batch.max(1), options.wait)
            .await
        {
            Ok(m) => m,
            Err(e) => {
                add(&metrics.errors, 1);
                eprintln!("analyse worker: cannot pull from the queue, will retry: {e}");
                shutdown.sleep(options.retry_base).await;
                continue;
            }
        };
        if !messages.is_empty() {
            analyse_batch(records, queue, &preparer, messages, options, metrics).await;
        }
    }
    Ok(())
}

/// One pulled message and what became of it.
struct Item<M> {
    message: M,
    job: AnalyseJob,
    canonical: Option<String>,
}

/// Processes one pulled batch: every message ends acked, handed back for a retry, or in
/// the dead letters. Failures are counted in `metrics`, never returned.
pub async fn analyse_batch<R: Records, Q: Queue>(
    records: &R,
    queue: &Q,
    preparer: &Arc<Preparer>,
    messages: Vec<Q::Message>,
    options: &AnalyseOptions,
    metrics: &Metrics,
) {
    add(&metrics.pulled, messages.len() as u64);
    let mut items = Vec::with_capacity(messages.len());
    for message in messages {
        if message.delivered() > 1 {
            add(&metrics.redelivered, 1);
        }
        match decode::<AnalyseJob>(message.payload(), "an article") {
            Ok(job) => {
                let canonical = job.canonical_url();
                items.push(Item {
                    message,
                    job,
                    canonical,
                });
            }
            Err(reason) => {
                add(&metrics.dead_lettered, 1);
                if let Err(e) = message.dead_letter(&reason).await {
                    add(&metrics.errors, 1);
                    eprintln!("analyse worker: cannot dead-letter a message: {e}");
                }
            }
        }
    }
    if items.is_empty() {
        return;
    }
    match store_items(records, queue, preparer, &items, options, metrics).await {
        Ok(()) => {
            let t = Instant::now();
            // All acks in flight at once: one round trip for the batch, not one each.
            let acks = join_all(items.into_iter().map(|i| i.message.ack())).await;
            for e in acks.into_iter().filter_map(Result::err) {
                // Redelivered later and stored again as the same URL: no harm.
                add(&metrics.errors, 1);
                eprintln!("analyse worker: ack failed, the message will come back: {e}");
            }
            add_ms(&metrics.queue_ms, t);
        }
        Err(e) => {
            add(&metrics.errors, 1);
            let reason = format!("analyse: {e}");
            eprintln!("analyse worker: batch of {} failed: {reason}", items.len());
            give_back(
                items.into_iter().map(|i| i.message),
                &reason,
                options,
                metrics,
            )
            .await;
        }
    }
}

/// Hands messages back for another try, or dead-letters those delivered `max_deliver`
/// times.
pub async fn give_back<M: QueueMessage>(
    messages: impl IntoIterator<Item = M>,
    reason: &str,
    options: &AnalyseOptions,
    metrics: &Metrics,
) {
    for m in messages {
        let delivered = m.delivered();
        let done = if delivered >= options.max_deliver {
            add(&metrics.dead_lettered, 1);
            m.dead_letter(&format!("gave up after {delivered} deliveries: {reason}"))
                .await
        } else {
            m.retry(backoff(options.retry_base, delivered)).await
        };
        if let Err(e) = done {
            // The queue redelivers it after its ack wait anyway.
            add(&metrics.errors, 1);
            eprintln!("analyse worker: cannot hand a message back: {e}");
        }
    }
}

/// Screens, prepares, stores and publishes a batch; acking is the caller's.
async fn store_items<R: Records, Q: Queue, M: QueueMessage>(
    records: &R,
    queue: &Q,
    preparer: &Arc<Preparer>,
    items: &[Item<M>],
    options: &AnalyseOptions,
    metrics: &Metrics,
) -> Result<(), ClusterError> {
    // Pages already stored are not analysed again.
    let t = Instant::now();
    let urls: Vec<String> = items.iter().filter_map(|i| i.canonical.clone()).collect();
    let mut known_ids = records.known_urls(&urls).await?.into_iter();
    let known: Vec<Option<i64>> = items
        .iter()
        .map(|i| {
            i.canonical
                .as_ref()
                .and_then(|_| known_ids.next().flatten())
        })
        .collect();
    let fresh: Vec<(AnalyseJob, Option<String>)> = items
        .iter()
        .zip(&known)
        .filter(|(_, k)| k.is_none())
        .map(|(i, _)| (i.job.clone(), i.canonical.clone()))
        .collect();
    add_ms(&metrics.store_ms, t);
    let t = Instant::now();
    let p = Arc::clone(preparer);
    let prepared: Vec<(ArticleBundle, SearchDoc)> =
        tokio::task::spawn_blocking(move || prepare_all(&p, fresh))
            .await
            .map_err(|e| ClusterError::Task(e.to_string()))?;
    add_ms(&metrics.prepare_ms, t);
    let t = Instant::now();
    let (bundles, docs): (Vec<ArticleBundle>, Vec<SearchDoc>) = prepared.into_iter().unzip();
    let outcomes = if bundles.is_empty() {
        Vec::new()
    } else {
        records.store_articles(&bundles).await?
    };
    let mut index_jobs = Vec::new();
    let mut again = Vec::new();
    let mut outcome = outcomes.into_iter().zip(docs);
    for (item, k) in items.iter().zip(&known) {
        let redelivered = item.message.delivered() > 1;
        match k {
            Some(id) => {
                add(&metrics.same_url, 1);
                if redelivered {
                    again.push(*id);
                }
            }
            None => match outcome.next() {
                Some((Inserted::New { id, .. }, mut doc)) => {
                    add(&metrics.stored_new, 1);
                    doc.article_id = id as u64;
                    index_jobs.push(IndexJob::from(doc));
                }
                Some((other, _)) => {
                    match other {
                        Inserted::SameText { .. } => add(&metrics.same_text, 1),
                        _ => add(&metrics.same_url, 1),
                    }
                    if redelivered {
                        again.push(other.id());
                    }
                }
                None => {}
            },
        }
    }
    add_ms(&metrics.store_ms, t);
    if options.publish_index {
        let t = Instant::now();
        // A redelivered message may have been stored by a worker that died before it
        // published the index job: publish it again from the store (the queue drops it
        // when the first one got through).
        for id in again {
            if let Some(a) = records
                .articles_after(id - 1, 1)
                .await?
                .into_iter()
                .find(|a| a.id == id)
            {
                index_jobs.push(IndexJob::from(waspada_pipeline::index::search_doc(&a)));
            }
        }
        let payloads: Vec<(String, Vec<u8>)> = index_jobs
            .iter()
            .map(|j| (j.dedup_id(), encode(j)))
            .collect();
        let published = join_all(
            payloads
                .iter()
                .map(|(id, p)| queue.publish(Stage::Index, id, p)),
        )
        .await;
        for r in published {
            r?;
        }
        add_ms(&metrics.queue_ms, t);
    }
    Ok(())
}

/// Analyses and hashes articles on every core; each with its index document (id 0 until
/// stored).
fn prepare_all(
    preparer: &Preparer,
    fresh: Vec<(AnalyseJob, Option<String>)>,
) -> Vec<(ArticleBundle, SearchDoc)> {
    fresh
        .into_par_iter()
        .map(|(job, canonical)| {
            let mut p = preparer.prepare(&job.article, canonical, job.fetched_at);
            p.article.source_id = job.source_id;
            let doc = search_doc_of(
                0,
                p.article.title.as_deref(),
                &p.article.clean_text,
                &p.analysis,
            );
            (p.into_bundle(), doc)
        })
        .collect()
}
