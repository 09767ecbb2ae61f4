//! The index worker: index jobs from the queue into a tantivy directory, committed every
//! `commit_every` documents or `commit_after`, acknowledged after the commit.
//!
//! Only one index worker should write a given directory (tantivy takes a lock on it);
//! run one per search node. What a crash loses is uncommitted, hence unacked, hence
//! redelivered. The index can always be rebuilt from the store with `waspada reindex`
//! ([`reindex`]).

use std::path::Path;
use std::time::{Duration, Instant};

use waspada_queue::{Queue, QueueMessage, Stage};
use waspada_search::{SearchDoc, SearchIndex};
use waspada_store::Records;

use crate::analyse::{AnalyseOptions, give_back};
use crate::messages::{IndexJob, decode};
use crate::metrics::add;
use crate::{ClusterError, Metrics, Shutdown};

/// Tunables of the index worker.
#[derive(Debug, Clone)]
pub struct IndexOptions {
    /// Messages pulled at once.
    pub batch: usize,
    /// Longest wait of a pull.
    pub wait: Duration,
    /// Documents held before a commit.
    pub commit_every: usize,
    /// Longest time a document waits for its commit; keep it well under the queue's ack
    /// wait, or the queue hands the documents to another worker meanwhile.
    pub commit_after: Duration,
    /// Deliveries before a failing message is dead-lettered, and the first back-off.
    pub retry: AnalyseOptions,
}

impl Default for IndexOptions {
    fn default() -> Self {
        IndexOptions {
            batch: 256,
            wait: Duration::from_secs(1),
            commit_every: 4096,
            commit_after: Duration::from_secs(5),
            retry: AnalyseOptions::default(),
        }
    }
}

/// Runs the index worker over the index in `dir` until `shutdown`; commits and acks what
/// it holds before returning.
pub async fn run_index_worker<Q: Queue>(
    dir: &Path,
    queue: &Q,
    options: &IndexOptions,
    metrics: &Metrics,
    shutdown: &Shutdown,
) -> Result<(), ClusterError> {
    let mut index = SearchIndex::open_or_create(dir)?;
    let mut held: Vec<Q::Message> = Vec::new();
    let mut oldest = Instant::now();
    let mut top = index.watermark()?;
    loop {
        let stopping = shutdown.is_set();
        if !stopping {
            match queue
                .pull(Stage::Index, options.batch.max(1), options.wait)
                .await
            {
                Ok(messages) => {
                    for m in messages {
                        add(&metrics.pulled, 1);
                        if m.delivered() > 1 {
                            add(&metrics.redelivered, 1);
                        }
                        match decode::<IndexJob>(m.payload(), "an index job") {
                            Ok(job) => {
                                top = top.max(job.article_id);
                                let doc = SearchDoc::from(job);
                                if let Err(e) = index.upsert(&doc) {
                                    add(&metrics.errors, 1);
                                    give_back([m], &e.to_string(), &options.retry, metrics).await;
                                    continue;
                                }
                                if held.is_empty() {
                                    oldest = Instant::now();
                                }
                                held.push(m);
                            }
                            Err(reason) => {
                                add(&metrics.dead_lettered, 1);
                                if m.dead_letter(&reason).await.is_err() {
                                    add(&metrics.errors, 1);
                                }
                            }
                        }
                    }
                }
                Err(e) => {
                    add(&metrics.errors, 1);
                    eprintln!("index worker: cannot pull from the queue, will retry: {e}");
                    shutdown.sleep(options.retry.retry_base).await;
                }
            }
        }
        let due = held.len() >= options.commit_every
            || (!held.is_empty() && oldest.elapsed() >= options.commit_after)
            || stopping;
        if due && !held.is_empty() {
            // The watermark is the highest id indexed; in the cluster, ids arrive out of
            // order, so it is a high-water mark, not a promise of completeness.
            match index.commit(top) {
                Ok(()) => {
                    add(&metrics.stored_new, held.len() as u64);
                    for m in held.drain(..) {
                        if m.ack().await.is_err() {
                            add(&metrics.errors, 1);
                        }
                    }
                }
                Err(e) => {
                    add(&metrics.errors, 1);
                    eprintln!("index worker: commit failed: {e}");
                    index.rollback()?;
                    give_back(held.drain(..), &e.to_string(), &options.retry, metrics).await;
                }
            }
        }
        if stopping {
            return Ok(());
        }
    }
}

/// Rebuilds the index in `dir` from the store (`waspada reindex`): every stored article,
/// in id order, committed page by page. Returns how many were indexed.
pub async fn reindex<R: Records>(
    records: &R,
    dir: &Path,
    mut progress: impl FnMut(u64),
) -> Result<u64, ClusterError> {
    const PAGE: usize = 2000;
    // Any layout: everything is rebuilt.
    let (mut index, _) = SearchIndex::open_or_rebuild(dir)?;
    index.delete_all()?;
    index.commit(0)?;
    let mut after = 0i64;
    let mut done = 0u64;
    loop {
        let page = records.articles_after(after, PAGE).await?;
        let Some(last) = page.last().map(|a| a.id) else {
            break;
        };
        for a in &page {
            index.upsert(&waspada_pipeline::index::search_doc(a))?;
        }
        index.commit(last as u64)?;
        done += page.len() as u64;
        after = last;
        progress(done);
    }
    Ok(done)
}
