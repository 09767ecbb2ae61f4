//! The analyse and index workers on the embedded store and the in-memory queue: the same
//! code the cluster runs on PostgreSQL and NATS, checked where it is fast and needs no
//! server. Idempotency (a page published twice is stored once), poison messages (dead
//! letters), store failures (retried, then dead-lettered after `max_deliver`).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use waspada_cluster::analyse::{AnalyseOptions, run_analyse_worker};
use waspada_cluster::index::{IndexOptions, reindex, run_index_worker};
use waspada_cluster::messages::{AnalyseJob, encode};
use waspada_cluster::{Metrics, Shutdown};
use waspada_extract::Article;
use waspada_queue::{MemoryQueue, Queue, QueueOptions, Stage};
use waspada_store::{
    ArticleBundle, ArticleRecord, EventFilter, EventRow, FetchState, Inserted, NewSignal, Records,
    ReportRow, Result as StoreResult, SeriesRow, SourceSpec, SqliteRecords, Store, StoreError,
    StoreStats,
};

fn jobs(n: usize, seed: u64) -> Vec<AnalyseJob> {
    waspada_synth::generate(seed, n, "2025-01-01", 60)
        .into_iter()
        .map(|a| {
            AnalyseJob::new(
                Article {
                    id: a.id,
                    title: Some(a.title),
                    text: a.text,
                    published: Some(a.published),
                    url: Some(a.url),
                    lang: Some(a.lang),
                    source: Some(a.source),
                },
                None,
                1_735_689_600_000,
            )
        })
        .collect()
}

fn queue(max_deliver: u64) -> MemoryQueue {
    MemoryQueue::new(QueueOptions {
        ack_wait: Duration::from_secs(5),
        max_deliver,
        ..QueueOptions::default()
    })
}

fn options(max_deliver: u64) -> AnalyseOptions {
    AnalyseOptions {
        batch: 16,
        wait: Duration::from_millis(100),
        max_deliver,
        retry_base: Duration::from_millis(50),
        publish_index: true,
    }
}

fn sqlite() -> SqliteRecords {
    SqliteRecords::new(Store::in_memory().expect("in-memory store"))
}

/// Runs one analyse worker until the analyse stage is empty (generous upper bound).
async fn drain<R: Records>(records: &R, q: &MemoryQueue, opts: &AnalyseOptions) -> Metrics {
    let metrics = Metrics::default();
    let (trigger, shutdown) = Shutdown::new();
    let watch = async {
        let deadline = Instant::now() + Duration::from_secs(300);
        loop {
            tokio::time::sleep(Duration::from_millis(50)).await;
            let s = q.stats(Stage::Analyse).await.unwrap();
            if s.pending == 0 {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "the analyse stage never emptied: {s:?}"
            );
        }
        trigger.trigger();
    };
    let (done, ()) = tokio::join!(
        run_analyse_worker(records, q, opts, &metrics, &shutdown),
        watch
    );
    done.unwrap();
    metrics
}

async fn publish_all(q: &MemoryQueue, jobs: &[AnalyseJob], suffix: &str) -> (usize, usize) {
    let (mut new, mut dup) = (0, 0);
    for j in jobs {
        let p = q
            .publish(
                Stage::Analyse,
                &format!("{}{suffix}", j.dedup_id()),
                &encode(j),
            )
            .await
            .unwrap();
        if p.duplicate { dup += 1 } else { new += 1 }
    }
    (new, dup)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn articles_published_twice_are_stored_once_and_indexed() {
    let records = sqlite();
    let q = queue(5);
    let corpus = jobs(60, 7);
    assert_eq!(publish_all(&q, &corpus, "").await, (60, 0));
    // The same pages again: the queue drops them by their dedup id.
    assert_eq!(publish_all(&q, &corpus, "").await, (0, 60));
    let m = drain(&records, &q, &options(5)).await.snapshot();
    let stored = records.counts().await.unwrap();
    assert_eq!(m.pulled, 60);
    assert_eq!(m.stored_new + m.same_text, 60, "{m:?}");
    assert_eq!(stored.articles, m.stored_new);
    assert_eq!(stored.analyses, stored.articles);

    // Past the queue's duplicate window (simulated by other dedup ids), the store still
    // knows the pages: nothing is added.
    assert_eq!(publish_all(&q, &corpus, "-later").await, (60, 0));
    let again = drain(&records, &q, &options(5)).await.snapshot();
    assert_eq!(again.same_url, 60, "{again:?}");
    assert_eq!(again.stored_new, 0);
    assert_eq!(records.counts().await.unwrap(), stored);

    // Every new article got one index job; the index worker makes them searchable.
    let ix = q.stats(Stage::Index).await.unwrap();
    assert_eq!(ix.pending, stored.articles);
    let dir = tempfile::tempdir().unwrap();
    let metrics = Metrics::default();
    let (trigger, shutdown) = Shutdown::new();
    let opts = IndexOptions {
        wait: Duration::from_millis(100),
        commit_after: Duration::from_millis(200),
        ..IndexOptions::default()
    };
    let watch = async {
        let deadline = Instant::now() + Duration::from_secs(120);
        while q.stats(Stage::Index).await.unwrap().pending > 0 {
            assert!(Instant::now() < deadline, "the index stage never emptied");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        trigger.trigger();
    };
    let (done, ()) = tokio::join!(
        run_index_worker(dir.path(), &q, &opts, &metrics, &shutdown),
        watch
    );
    done.unwrap();
    let index = waspada_search::SearchIndex::open_or_create(dir.path()).unwrap();
    index.reload().unwrap();
    assert_eq!(index.num_docs(), stored.articles);
    let from_queue = index.doc_ids().unwrap();
    drop(index);

    // `waspada reindex`: the same documents, rebuilt from the store alone.
    let rebuilt = tempfile::tempdir().unwrap();
    let n = reindex(&records, rebuilt.path(), |_| {}).await.unwrap();
    assert_eq!(n, stored.articles);
    let index = waspada_search::SearchIndex::open_or_create(rebuilt.path()).unwrap();
    index.reload().unwrap();
    assert_eq!(index.doc_ids().unwrap(), from_queue);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_payload_that_is_not_an_article_goes_to_the_dead_letters_and_the_rest_is_stored() {
    let records = sqlite();
    let q = queue(5);
    q.publish(Stage::Analyse, "poison", b"{\"headline\": 42}")
        .await
        .unwrap();
    q.publish(Stage::Analyse, "binary", &[0xff, 0x00, 0x13])
        .await
        .unwrap();
    publish_all(&q, &jobs(5, 11), "").await;
    let m = drain(&records, &q, &options(5)).await.snapshot();
    assert_eq!(m.dead_lettered, 2, "{m:?}");
    let dead = q.dead_letters(10).await.unwrap();
    assert_eq!(dead.len(), 2);
    assert!(
        dead.iter().all(|d| d.reason.starts_with("not an article")),
        "{dead:?}"
    );
    assert!(dead.iter().any(|d| d.dedup_id.as_deref() == Some("poison")));
    assert_eq!(records.counts().await.unwrap().articles, m.stored_new);
    assert_eq!(m.stored_new + m.same_text, 5);
}

/// A store whose first `fail` batch writes fail (a database restart, a lock timeout).
struct Flaky {
    inner: SqliteRecords,
    fail: usize,
    calls: AtomicUsize,
}

impl Records for Flaky {
    async fn store_articles(&self, batch: &[ArticleBundle]) -> StoreResult<Vec<Inserted>> {
        if self.calls.fetch_add(1, Ordering::SeqCst) < self.fail {
            return Err(StoreError::Backend {
                action: "store a batch",
                source: "the database is restarting".into(),
            });
        }
        self.inner.store_articles(batch).await
    }
    async fn known_urls(&self, urls: &[String]) -> StoreResult<Vec<Option<i64>>> {
        self.inner.known_urls(urls).await
    }
    async fn refresh_series(&self) -> StoreResult<()> {
        self.inner.refresh_series().await
    }
    async fn series(&self, frequency: &str) -> StoreResult<Vec<SeriesRow>> {
        self.inner.series(frequency).await
    }
    async fn latest_report_date(&self) -> StoreResult<Option<String>> {
        self.inner.latest_report_date().await
    }
    async fn put_signals(&self, signals: &[NewSignal]) -> StoreResult<Vec<i64>> {
        self.inner.put_signals(signals).await
    }
    async fn events(&self, filter: &EventFilter) -> StoreResult<Vec<EventRow>> {
        self.inner.events(filter).await
    }
    async fn event_reports(&self, event_id: i64) -> StoreResult<Vec<ReportRow>> {
        self.inner.event_reports(event_id).await
    }
    async fn register_sources(&self, sources: &[SourceSpec]) -> StoreResult<Vec<i64>> {
        self.inner.register_sources(sources).await
    }
    async fn put_fetch_state(&self, state: &FetchState) -> StoreResult<()> {
        self.inner.put_fetch_state(state).await
    }
    async fn articles_after(&self, after: i64, limit: usize) -> StoreResult<Vec<ArticleRecord>> {
        self.inner.articles_after(after, limit).await
    }
    async fn counts(&self) -> StoreResult<StoreStats> {
        self.inner.counts().await
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_store_is_retried_and_then_stores_everything() {
    let records = Flaky {
        inner: sqlite(),
        fail: 1,
        calls: AtomicUsize::new(0),
    };
    let q = queue(5);
    publish_all(&q, &jobs(10, 13), "").await;
    let m = drain(&records, &q, &options(5)).await.snapshot();
    assert_eq!(m.errors, 1, "{m:?}");
    assert!(m.redelivered >= 1, "the failed batch came back: {m:?}");
    assert_eq!(m.dead_lettered, 0);
    assert_eq!(m.stored_new + m.same_text, 10);
    assert_eq!(records.counts().await.unwrap().articles, m.stored_new);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_store_that_keeps_failing_sends_the_batch_to_the_dead_letters_with_the_reason() {
    let records = Arc::new(Flaky {
        inner: sqlite(),
        fail: usize::MAX,
        calls: AtomicUsize::new(0),
    });
    let q = queue(3);
    publish_all(&q, &jobs(4, 17), "").await;
    let m = drain(records.as_ref(), &q, &options(3)).await.snapshot();
    assert_eq!(m.dead_lettered, 4, "{m:?}");
    assert_eq!(
        records.calls.load(Ordering::SeqCst),
        3,
        "one try per delivery"
    );
    let dead = q.dead_letters(10).await.unwrap();
    assert_eq!(dead.len(), 4);
    for d in &dead {
        assert!(
            d.reason.contains("gave up after 3 deliveries"),
            "{}",
            d.reason
        );
        assert!(
            d.reason.contains("the database is restarting"),
            "{}",
            d.reason
        );
    }
    assert_eq!(records.counts().await.unwrap().articles, 0);
}
