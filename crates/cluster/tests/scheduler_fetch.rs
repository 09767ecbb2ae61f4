//! The scheduler and the fetch worker on the embedded store and the in-memory queue:
//! due sources become fetch jobs once per due time, a feed becomes analyse jobs with its
//! state kept in the KV, and detection over the `Records` interface finds the same
//! signals as the embedded `waspada detect`.

use std::collections::HashMap;
use std::path::Path;
use std::time::{Duration, Instant};

use waspada_cluster::analyse::{AnalyseOptions, run_analyse_worker};
use waspada_cluster::fetch::{feed_state, run_fetch_worker};
use waspada_cluster::scheduler::{detect_once, publish_due};
use waspada_cluster::{Metrics, Shutdown};
use waspada_pipeline::config::Config;
use waspada_pipeline::files::InputItem;
use waspada_pipeline::ingest::{IngestOptions, ingest};
use waspada_pipeline::poll::Poller;
use waspada_queue::{MemoryKv, MemoryQueue, Queue, QueueOptions, Stage};
use waspada_store::{Records, SqliteRecords, Store};

#[path = "support/loopback_feed.rs"]
mod loopback_feed;
use loopback_feed::{item, serve_feed};

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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn due_sources_are_fetched_once_and_their_items_reach_the_store() {
    let feed = format!(
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Kabar</title>{}{}</channel></rss>",
        item(
            1,
            "Dinas Kesehatan Kabupaten Garut mencatat 41 kasus demam berdarah dengue (DBD) sepekan terakhir, dua pasien meninggal dunia."
        ),
        item(
            2,
            "Puluhan warga Desa Sukamaju, Kabupaten Bandung, mengalami keracunan makanan setelah menyantap hidangan hajatan."
        ),
    );
    let config = config(serve_feed(feed));
    let q = MemoryQueue::new(QueueOptions::default());
    let kv = MemoryKv::new();
    let records = SqliteRecords::new(Store::in_memory().unwrap());
    let mut published = HashMap::new();

    // Only the enabled source, and only once while it waits in the queue.
    assert_eq!(
        publish_due(&config.sources, &q, &kv, &mut published)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        publish_due(&config.sources, &q, &kv, &mut published)
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
        publish_due(&config.sources, &q, &kv, &mut published)
            .await
            .unwrap(),
        0
    );

    let metrics = Metrics::default();
    let (trigger, shutdown) = Shutdown::new();
    let stop = async {
        until_empty(&q, Stage::Analyse).await;
        trigger.trigger();
    };
    let (done, ()) = tokio::join!(
        run_analyse_worker(&records, &q, &options, &metrics, &shutdown),
        stop
    );
    done.unwrap();
    assert_eq!(records.counts().await.unwrap().articles, 2);
    let known = records
        .known_urls(&["http://kabar.example/berita/1".to_string()])
        .await
        .unwrap();
    assert!(known[0].is_some(), "stored under its canonical URL");
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
