//! The scheduler and the fetch worker on the embedded store and the in-memory queue:
//! due sources become fetch jobs once per due time, a feed becomes analyse jobs with its
//! state kept in the KV, and detection over the `Records` interface finds the same
//! signals as the embedded `waspada detect`. A source's health and articles reach the
//! store the dashboard reads (SQLite, and PostgreSQL when a server can be had).

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use tokio::task::block_in_place;
use waspada_cluster::analyse::{AnalyseOptions, run_analyse_worker};
use waspada_cluster::fetch::{feed_state, poll_source, run_fetch_worker};
use waspada_cluster::messages::{FetchJob, decode};
use waspada_cluster::scheduler::{
    SchedulerOptions, detect_once, publish_due, register_sources, run_scheduler,
};
use waspada_cluster::{Metrics, Shutdown};
use waspada_pipeline::config::Config;
use waspada_pipeline::files::InputItem;
use waspada_pipeline::ingest::{IngestOptions, ingest};
use waspada_pipeline::poll::Poller;
use waspada_queue::{
    MemoryKv, MemoryLeases, MemoryQueue, Queue, QueueMessage, QueueOptions, Stage,
};
use waspada_store::{Records, SqliteRecords, Store, StoreOptions, Workplace};
use waspada_store_pg::PgRecords;
use waspada_store_pg::testing::TempPostgres;

#[path = "support/loopback_feed.rs"]
mod loopback_feed;
use loopback_feed::{item, serve_feed, serve_with};

fn config(port: u16) -> Config {
    let text = format!(
        r#"
[fetch]
allow_private_addresses = true
min_host_delay_secs = 0.0
max_retries = 0

[[source]]
name = "Kabar Uji"
url = "http://127.0.0.1:{port}/feed.xml"
language = "id"
feed_text_only = true

[[source]]
name = "Dimatikan"
url = "http://127.0.0.1:{port}/off.xml"
disabled = true
"#
    );
    Config::parse(&text, Path::new("test.toml")).unwrap()
}

async fn until_empty(q: &MemoryQueue, stage: Stage) {
    let deadline = Instant::now() + Duration::from_secs(120);
    while q.stats(stage).await.unwrap().pending > 0 {
        assert!(Instant::now() < deadline, "{stage} never emptied");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn two_item_feed() -> String {
    format!(
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Kabar</title>{}{}</channel></rss>",
        item(
            1,
            "Dinas Kesehatan Kabupaten Garut mencatat 41 kasus demam berdarah dengue (DBD) sepekan terakhir, dua pasien meninggal dunia."
        ),
        item(
            2,
            "Puluhan warga Desa Sukamaju, Kabupaten Bandung, mengalami keracunan makanan setelah menyantap hidangan hajatan."
        ),
    )
}

/// Takes the next fetch job off the queue (acknowledged: no worker is to poll it).
async fn take_fetch_job(q: &MemoryQueue) -> FetchJob {
    let message = q
        .pull(Stage::Fetch, 1, Duration::from_millis(100))
        .await
        .unwrap()
        .pop()
        .expect("a fetch job");
    let job = decode(message.payload(), "a fetch job").unwrap();
    message.ack().await.unwrap();
    job
}

/// Runs an analyse worker until the analyse stage is empty.
async fn analyse_all<R: Records>(records: &R, q: &MemoryQueue, options: &AnalyseOptions) {
    let metrics = Metrics::default();
    let (trigger, shutdown) = Shutdown::new();
    let stop = async {
        until_empty(q, Stage::Analyse).await;
        trigger.trigger();
    };
    let (done, ()) = tokio::join!(
        run_analyse_worker(records, q, options, &metrics, &shutdown),
        stop
    );
    done.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn due_sources_are_fetched_once_and_their_items_reach_the_store() {
    let config = config(serve_feed(two_item_feed()));
    let q = MemoryQueue::new(QueueOptions::default());
    let kv = MemoryKv::new();
    let records = SqliteRecords::new(Store::in_memory().unwrap());
    let mut published = HashMap::new();
    let ids = register_sources(&records, &config.sources).await.unwrap();

    // Only the enabled source, and only once while it waits in the queue.
    assert_eq!(
        publish_due(&config.sources, &ids, &q, &kv, &mut published)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        publish_due(&config.sources, &ids, &q, &kv, &mut published)
            .await
            .unwrap(),
        0
    );

    let poller = Poller::new(&config).unwrap();
    let options = AnalyseOptions {
        wait: Duration::from_millis(100),
        ..AnalyseOptions::default()
    };
    let metrics = Metrics::default();
    let (trigger, shutdown) = Shutdown::new();
    let stop = async {
        until_empty(&q, Stage::Fetch).await;
        trigger.trigger();
    };
    let (done, ()) = tokio::join!(
        run_fetch_worker(&poller, &records, &q, &kv, &options, &metrics, &shutdown),
        stop
    );
    done.unwrap();
    assert_eq!(q.stats(Stage::Analyse).await.unwrap().pending, 2);
    let state = feed_state(&kv, &config.sources[0].url)
        .await
        .unwrap()
        .unwrap();
    assert!(
        state.last_success_at.is_some() && state.last_error.is_none(),
        "{state:?}"
    );
    assert!(state.next_attempt_at > state.last_success_at, "{state:?}");
    // Polled: not due again until its interval has passed.
    published.clear();
    assert_eq!(
        publish_due(&config.sources, &ids, &q, &kv, &mut published)
            .await
            .unwrap(),
        0
    );

    analyse_all(&records, &q, &options).await;
    assert_eq!(records.counts().await.unwrap().articles, 2);
    let known = records
        .known_urls(&["http://kabar.example/berita/1".to_string()])
        .await
        .unwrap();
    assert!(known[0].is_some(), "stored under its canonical URL");
}

/// Serves `feed` at `/feed.xml` (503 once `failing` is set) and 404 elsewhere, forever.
fn serve_until_failing(feed: String, failing: Arc<AtomicBool>) -> u16 {
    serve_with(move |request| {
        if !request.starts_with("GET /feed.xml ") {
            ("404 Not Found", String::new())
        } else if failing.load(Ordering::SeqCst) {
            ("503 Service Unavailable", String::new())
        } else {
            ("200 OK", feed.clone())
        }
    })
}

/// The scheduler registers the enabled source and names it in the fetch job; the fetch
/// worker's articles carry its id and each poll's outcome reaches the store's
/// `fetch_state`, as the dashboard (`view`, on the same database) reads them.
async fn source_health_reaches_the_store<R: Records, W: Workplace>(records: &R, view: &W) {
    let failing = Arc::new(AtomicBool::new(false));
    let config = config(serve_until_failing(two_item_feed(), failing.clone()));
    let url = config.sources[0].url.clone();
    let ids = register_sources(records, &config.sources).await.unwrap();
    assert_eq!(ids.len(), 1, "only the enabled source: {ids:?}");
    let id = ids["Kabar Uji"];
    let listed = block_in_place(|| view.sources()).unwrap();
    assert_eq!(
        listed
            .iter()
            .map(|s| (
                s.id,
                s.name.as_str(),
                s.url.as_deref(),
                s.language.as_deref()
            ))
            .collect::<Vec<_>>(),
        vec![(id, "Kabar Uji", Some(url.as_str()), Some("id"))]
    );

    let q = MemoryQueue::new(QueueOptions::default());
    let kv = MemoryKv::new();
    let n = publish_due(&config.sources, &ids, &q, &kv, &mut HashMap::new())
        .await
        .unwrap();
    assert_eq!(n, 1);
    let job = take_fetch_job(&q).await;
    assert_eq!(job.source_id, Some(id));

    let poller = Poller::new(&config).unwrap();
    let metrics = Metrics::default();
    poll_source(&poller, records, &q, &kv, &job, &metrics)
        .await
        .unwrap();
    let states = block_in_place(|| view.source_fetch_states(id)).unwrap();
    assert_eq!(states.len(), 1, "{states:?}");
    let ok = states[0].clone();
    assert_eq!(
        (
            ok.source_id,
            ok.last_status,
            ok.last_error.as_deref(),
            ok.consecutive_failures,
            ok.items_seen,
            ok.items_new
        ),
        (Some(id), Some(200), None, 0, 2, 2)
    );
    assert!(ok.last_success_at >= ok.last_attempt_at, "{ok:?}");
    // The store's copy is the KV's state, which the workers go by.
    let kept = feed_state(&kv, &url).await.unwrap().unwrap();
    assert_eq!(kept.to_fetch_state(&url, Some(id)), ok);

    let options = AnalyseOptions {
        wait: Duration::from_millis(100),
        ..AnalyseOptions::default()
    };
    analyse_all(records, &q, &options).await;
    assert_eq!(records.counts().await.unwrap().articles, 2);
    let (total, recent) = block_in_place(|| view.source_article_counts(id, 0)).unwrap();
    assert_eq!((total, recent), (2, 2), "the articles name their source");

    // The feed breaks: the next poll's failure is what the Sources page shows.
    failing.store(true, Ordering::SeqCst);
    poll_source(&poller, records, &q, &kv, &job, &metrics)
        .await
        .unwrap();
    let states = block_in_place(|| view.source_fetch_states(id)).unwrap();
    assert_eq!(states.len(), 1, "{states:?}");
    let failed = &states[0];
    assert_eq!(
        (
            failed.consecutive_failures,
            failed.last_status,
            failed.last_success_at,
            failed.items_new
        ),
        (1, Some(503), ok.last_success_at, 2),
        "{failed:?}"
    );
    let error = failed.last_error.as_deref().unwrap_or_default();
    assert!(error.contains("503"), "{error}");
    assert!(failed.last_attempt_at > ok.last_success_at, "{failed:?}");
    assert!(
        failed.next_attempt_at > failed.last_attempt_at,
        "{failed:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn source_health_reaches_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("waspada.sqlite");
    let records = SqliteRecords::new(Store::open(&path).unwrap());
    let view = Store::open(&path).unwrap();
    source_health_reaches_the_store(&records, &view).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn source_health_reaches_postgres() {
    let Some(pg) = TempPostgres::for_test() else {
        return;
    };
    let url = pg.fresh_database().expect("create a database");
    let records = PgRecords::connect(&url, StoreOptions::default())
        .await
        .expect("connect to PostgreSQL");
    let view = records.workplace(tokio::runtime::Handle::current());
    source_health_reaches_the_store(&records, &view).await;
}

/// Runs a scheduler until `done` holds (polled every 50 ms), then stops it.
async fn schedule_until<R: Records>(
    records: &R,
    q: &MemoryQueue,
    leases: &MemoryLeases,
    options: &SchedulerOptions,
    mut done: impl AsyncFnMut() -> bool,
) {
    let kv = MemoryKv::new();
    let metrics = Metrics::default();
    let (trigger, shutdown) = Shutdown::new();
    let stop = async {
        let deadline = Instant::now() + Duration::from_secs(60);
        while !done().await {
            assert!(
                Instant::now() < deadline,
                "{} never got there",
                options.holder
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        trigger.trigger();
    };
    let (ran, ()) = tokio::join!(
        run_scheduler(records, q, leases, &kv, options, &metrics, &shutdown),
        stop
    );
    ran.unwrap();
}

/// Taking the lease, a scheduler registers its sources (a standby taking over registers
/// them again, with what its configuration says now) and names them in its fetch jobs.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_scheduler_registers_its_sources_on_taking_the_lease() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("waspada.sqlite");
    let records = SqliteRecords::new(Store::open(&path).unwrap());
    let view = Store::open(&path).unwrap();
    let q = MemoryQueue::new(QueueOptions::default());
    let leases = MemoryLeases::new();
    let mut options = SchedulerOptions {
        holder: "a".into(),
        lease_ttl: Duration::from_millis(300),
        detect_every: Duration::from_secs(3600),
        detect: waspada_pipeline::detect::DetectOptions::default(),
        sources: config(9).sources,
    };
    schedule_until(&records, &q, &leases, &options, async || {
        q.stats(Stage::Fetch).await.unwrap().pending > 0
    })
    .await;
    let sources = block_in_place(|| view.sources()).unwrap();
    assert_eq!(sources.len(), 1, "only the enabled source: {sources:?}");
    let job = take_fetch_job(&q).await;
    assert_eq!(job.source_id, Some(sources[0].id));

    // The standby takes over with the source's language corrected in its configuration.
    options.holder = "b".into();
    options.sources[0].language = Some("ms".into());
    schedule_until(&records, &q, &leases, &options, async || {
        let now = block_in_place(|| view.sources()).unwrap();
        now.first().and_then(|s| s.language.as_deref()) == Some("ms")
    })
    .await;
    let after = block_in_place(|| view.sources()).unwrap();
    assert_eq!(after.len(), 1, "{after:?}");
    assert_eq!(after[0].id, sources[0].id, "updated by name, same id");
}

fn filled_store() -> Store {
    let mut store = Store::in_memory().unwrap();
    let items = waspada_synth::generate(5, 1500, "2024-06-01", 200)
        .into_iter()
        .map(|a| {
            InputItem::Article(waspada_extract::Article {
                id: a.id,
                title: Some(a.title),
                text: a.text,
                published: Some(a.published),
                url: Some(a.url),
                lang: Some(a.lang),
                source: Some(a.source),
            })
        });
    ingest(&mut store, None, items, &IngestOptions::default(), |_| {}).unwrap();
    store
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn detection_over_records_finds_what_the_embedded_detection_finds() {
    let options = waspada_pipeline::detect::DetectOptions::default();
    let mut embedded = filled_store();
    let expected = waspada_pipeline::detect::detect(&mut embedded, &options).unwrap();
    let records = SqliteRecords::new(filled_store());
    let got = detect_once(&records, &options).await.unwrap();
    assert!(expected.signals.values().sum::<usize>() > 0, "{expected:?}");
    assert_eq!(got.signals, expected.signals);
    assert_eq!(got.as_of, expected.as_of);
    assert_eq!(
        records.counts().await.unwrap().signals,
        embedded.stats().unwrap().signals
    );
}
