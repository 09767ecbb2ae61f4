//! The ingest loop: articles in batches, analysed in parallel, stored by one writer.
//!
//! Per batch: the URLs already stored are skipped without analysis; the rest are prepared
//! on every core (analysis, hashes); then one SQLite transaction stores the articles, their
//! analyses and their reports, and the search index catches up. A process killed at any
//! point loses at most the batch in flight, which the next run stores again: articles are
//! keyed by URL and text, so nothing is stored twice.

use rayon::prelude::*;
use serde::Serialize;
use waspada_extract::Article;
use waspada_store::{Inserted, Store};

use crate::PipelineError;
use crate::files::InputItem;
use crate::index::{Indexer, search_doc_of};
use crate::prepare::{Prepared, Preparer};
use waspada_search::SearchDoc;

/// Most failure reasons kept in a summary; the count goes on.
const MAX_FAILURES_KEPT: usize = 1000;

/// Tunables of an ingest run.
#[derive(Debug, Clone)]
pub struct IngestOptions {
    /// Articles per transaction. Larger batches amortise the commit; smaller ones lose
    /// less work to a crash and show progress sooner.
    pub batch_size: usize,
}

/// Articles per transaction unless told otherwise. A commit writes every index page it
/// touched (URLs, text hashes, events), and keys land on random pages: the more articles
/// share a commit, the fewer pages each costs (1,024 was 12 % faster than 256 on 20,000
/// articles, measured when the LSH buckets were still an SQLite index). Two batches in
/// flight hold about 50 MB.
pub const DEFAULT_BATCH_SIZE: usize = 1024;

impl Default for IngestOptions {
    fn default() -> Self {
        IngestOptions {
            batch_size: DEFAULT_BATCH_SIZE,
        }
    }
}

/// One article to ingest, with what the source knows about it.
#[derive(Debug, Clone)]
pub struct Incoming {
    /// The article.
    pub article: Article,
    /// Its configured source.
    pub source_id: Option<i64>,
    /// When it was fetched or received (epoch ms).
    pub fetched_at: i64,
}

impl Incoming {
    /// An article received now.
    pub fn now(article: Article) -> Self {
        Incoming {
            article,
            source_id: None,
            fetched_at: waspada_store::now_ms(),
        }
    }
}

/// One input that could not be ingested.
#[derive(Debug, Clone, Serialize)]
pub struct Failure {
    /// `file:line`, URL or id.
    pub id: String,
    /// Why.
    pub reason: String,
}

/// What an ingest run did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct IngestSummary {
    /// Inputs read (articles and failures).
    pub seen: u64,
    /// New articles stored.
    pub new: u64,
    /// Already stored under the same URL.
    pub same_url: u64,
    /// Already stored with the same text (another URL or outlet).
    pub same_text: u64,
    /// New articles that joined an existing story (near-duplicates).
    pub near_duplicate: u64,
    /// New articles the analysis calls outbreak reports.
    pub outbreak_reports: u64,
    /// Disease × place reports attached to events.
    pub reports: u64,
    /// Inputs that could not be read or stored.
    pub failed: u64,
    /// The first failures with their reasons.
    pub failures: Vec<Failure>,
}

impl IngestSummary {
    /// Articles already stored (same URL or same text).
    pub fn duplicates(&self) -> u64 {
        self.same_url + self.same_text
    }

    fn fail(&mut self, id: String, reason: String) {
        self.failed += 1;
        if self.failures.len() < MAX_FAILURES_KEPT {
            self.failures.push(Failure { id, reason });
        }
    }
}

/// Ingests `items` into the store (and the index, when given), reporting after every
/// batch. Series are refreshed at the end.
///
/// Three things overlap: a thread reads (and parses) the next batch of `items`, the
/// calling thread's pool analyses the batch read before, and one writer stores the batch
/// analysed before that.
pub fn ingest(
    store: &mut Store,
    indexer: Option<&mut Indexer>,
    items: impl IntoIterator<Item = InputItem, IntoIter: Send>,
    options: &IngestOptions,
    progress: impl FnMut(&IngestSummary),
) -> Result<IngestSummary, PipelineError> {
    let batch_size = options.batch_size.max(1);
    let items = items.into_iter();
    std::thread::scope(|scope| {
        // One batch read ahead: reading JSON Lines was a serial step between batches.
        let (sender, batches) = std::sync::mpsc::sync_channel::<Vec<InputItem>>(1);
        scope.spawn(move || {
            let mut items = items;
            loop {
                let batch: Vec<InputItem> = items.by_ref().take(batch_size).collect();
                if batch.is_empty() || sender.send(batch).is_err() {
                    break;
                }
            }
        });
        ingest_batches(store, indexer, batches, progress)
    })
}

fn ingest_batches(
    store: &mut Store,
    mut indexer: Option<&mut Indexer>,
    batches: std::sync::mpsc::Receiver<Vec<InputItem>>,
    mut progress: impl FnMut(&IngestSummary),
) -> Result<IngestSummary, PipelineError> {
    let preparer = Preparer::default();
    let mut summary = IngestSummary::default();
    let mut batches = batches.into_iter();
    // Two batches in flight: while one is written (one core: SQLite and the index), the
    // next is analysed (the other cores). `rayon::join` runs both and waits for both.
    let mut pending: Vec<Prepared> = Vec::new();
    // Copying the log into the database was a tenth of the writer's time; another thread
    // does it while this one writes.
    let checkpoints = store.checkpoint_in_background()?;
    loop {
        // `None` once everything is read; then the last batch in flight is written.
        let items = batches.next();
        let read_all = items.is_none();
        let mut batch: Vec<Incoming> = Vec::with_capacity(items.as_ref().map_or(0, Vec::len));
        for item in items.into_iter().flatten() {
            summary.seen += 1;
            match item {
                InputItem::Article(a) => batch.push(Incoming::now(a)),
                InputItem::Failed { id, error } => summary.fail(id, error),
            }
        }
        if read_all && batch.is_empty() && pending.is_empty() {
            break;
        }
        // Screened against what is committed; a copy inside the batch being written is
        // still caught when it is stored.
        let (fresh, _) = screen(store, batch, &mut summary)?;
        let writing = std::mem::take(&mut pending);
        let (next, written) = rayon::join(
            || prepare_all(&preparer, fresh),
            || -> Result<(), PipelineError> {
                if writing.is_empty() {
                    return Ok(());
                }
                let before = store.max_article_id()?;
                let (docs, _) = store_prepared(store, &writing, &mut summary)?;
                if let Some(ix) = indexer.as_deref_mut() {
                    let after = store.max_article_id()?;
                    ix.add_new(store, docs, before, after)?;
                }
                Ok(())
            },
        );
        written?;
        pending = next;
        progress(&summary);
    }
    drop(checkpoints);
    if let Some(ix) = indexer {
        ix.flush()?;
    }
    let b = store.batch()?;
    b.refresh_series()?;
    b.commit()?;
    Ok(summary)
}

/// Stores one batch of incoming articles in one transaction. Returns the search documents
/// of the new articles, for the index.
pub fn ingest_batch(
    store: &mut Store,
    preparer: &Preparer,
    batch: Vec<Incoming>,
    summary: &mut IngestSummary,
) -> Result<Vec<SearchDoc>, PipelineError> {
    let (fresh, _) = screen(store, batch, summary)?;
    let prepared = prepare_all(preparer, fresh);
    Ok(store_prepared(store, &prepared, summary)?.0)
}

/// What [`ingest_each`] stored.
#[derive(Debug, Clone, Default)]
pub struct EachStored {
    /// What happened to each article, in the order given.
    pub outcomes: Vec<Inserted>,
    /// Search documents of the new articles, for [`Indexer::add_new`].
    pub docs: Vec<SearchDoc>,
    /// The highest article id before the transaction.
    pub id_before: i64,
    /// The highest article id after it.
    pub id_after: i64,
}

/// Stores `batch` in one transaction and says what happened to each article, in order
/// (the push API answers per article). Articles whose URL is already stored are not
/// analysed. Indexing and the series refresh are left to the caller, so that a busy
/// index cannot hide what the store committed.
pub fn ingest_each(
    store: &mut Store,
    preparer: &Preparer,
    batch: Vec<Incoming>,
    summary: &mut IngestSummary,
) -> Result<EachStored, PipelineError> {
    summary.seen += batch.len() as u64;
    let (fresh, known) = screen(store, batch, summary)?;
    let prepared = prepare_all(preparer, fresh);
    let id_before = store.max_article_id()?;
    let (docs, stored) = store_prepared(store, &prepared, summary)?;
    let id_after = store.max_article_id()?;
    let mut stored = stored.into_iter();
    let outcomes = known
        .into_iter()
        .filter_map(|k| {
            k.map(|id| Inserted::SameUrl { id })
                .or_else(|| stored.next())
        })
        .collect();
    Ok(EachStored {
        outcomes,
        docs,
        id_before,
        id_after,
    })
}

/// Articles with their canonical URLs.
type Fresh = Vec<(Incoming, Option<String>)>;

/// Drops the articles whose URL is already stored: a re-run over the same dump costs
/// lookups only, not analyses. Also returns, per article in order, the stored id of its
/// URL (`None` for the articles kept).
fn screen(
    store: &Store,
    batch: Vec<Incoming>,
    summary: &mut IngestSummary,
) -> Result<(Fresh, Vec<Option<i64>>), PipelineError> {
    let mut fresh = Vec::with_capacity(batch.len());
    let mut known = Vec::with_capacity(batch.len());
    for inc in batch {
        let canonical = inc.article.url.as_deref().map(waspada_fetch::canonical_url);
        match canonical
            .as_deref()
            .map(|u| store.article_id_for_url(u))
            .transpose()?
        {
            Some(Some(id)) => {
                summary.same_url += 1;
                known.push(Some(id));
            }
            _ => {
                known.push(None);
                fresh.push((inc, canonical));
            }
        }
    }
    Ok((fresh, known))
}

/// Analyses and hashes a batch on every core.
fn prepare_all(preparer: &Preparer, fresh: Vec<(Incoming, Option<String>)>) -> Vec<Prepared> {
    fresh
        .into_par_iter()
        .map(|(inc, canonical)| {
            let mut p = preparer.prepare(&inc.article, canonical, inc.fetched_at);
            p.article.source_id = inc.source_id;
            p.pack_for_sqlite();
            p
        })
        .collect()
}

/// Stores prepared articles in one transaction. Returns the search documents of the new
/// articles and what happened to each article, in order.
fn store_prepared(
    store: &mut Store,
    prepared: &[Prepared],
    summary: &mut IngestSummary,
) -> Result<(Vec<SearchDoc>, Vec<Inserted>), PipelineError> {
    let b = store.batch()?;
    let mut docs = Vec::new();
    let mut outcomes = Vec::with_capacity(prepared.len());
    for p in prepared {
        let (inserted, attached) = b.store_article(&p.article, &p.stored_analysis(), &p.reports)?;
        outcomes.push(inserted);
        match inserted {
            Inserted::New { id, similarity, .. } => {
                summary.new += 1;
                if similarity.is_some() {
                    summary.near_duplicate += 1;
                }
                if p.analysis.relevance.is_outbreak_report {
                    summary.outbreak_reports += 1;
                }
                summary.reports += attached as u64;
                docs.push(search_doc_of(
                    id,
                    p.article.title.as_deref(),
                    &p.article.clean_text,
                    &p.analysis,
                ));
            }
            Inserted::SameUrl { .. } => summary.same_url += 1,
            Inserted::SameText { .. } => summary.same_text += 1,
        }
    }
    b.commit()?;
    Ok((docs, outcomes))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn article(n: usize) -> InputItem {
        InputItem::Article(Article {
            id: format!("a{n}"),
            text: format!(
                "Dinas Kesehatan Kabupaten Garut mencatat {n} kasus demam berdarah di desa \
                 nomor {n} pekan ini; warga diminta menguras bak mandi ({n})."
            ),
            url: Some(format!("https://berita.example/{n}")),
            ..Article::default()
        })
    }

    fn failed(n: usize) -> InputItem {
        InputItem::Failed {
            id: format!("dump.jsonl:{n}"),
            error: "not JSON".into(),
        }
    }

    /// The reading thread hands over batches that may hold only failures; the loop goes
    /// on past them, counts everything once, and stores every article.
    #[test]
    fn batches_of_failures_do_not_end_the_run() {
        let items = || {
            vec![
                failed(1),
                failed(2),
                failed(3),
                article(4),
                failed(5),
                failed(6),
                article(7),
                article(8),
            ]
        };
        for batch_size in [1, 2, 3, 100] {
            let mut store = Store::in_memory().unwrap();
            let mut reports = 0;
            let summary = ingest(
                &mut store,
                None,
                items(),
                &IngestOptions { batch_size },
                |_| reports += 1,
            )
            .unwrap();
            assert_eq!(
                (summary.seen, summary.new, summary.failed),
                (8, 3, 5),
                "batches of {batch_size}"
            );
            assert_eq!(summary.failures[0].id, "dump.jsonl:1");
            assert_eq!(store.stats().unwrap().articles, 3);
            assert!(reports >= 1);
        }
    }
}
