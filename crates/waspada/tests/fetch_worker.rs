//! `waspada worker --stage fetch` as a process, on real servers: a fetch job on NATS
//! becomes one analyse job per feed item, the feed's state lands in the queue's KV (and a
//! copy in PostgreSQL, with the source, for the Sources page), and the worker stops
//! cleanly on SIGTERM. The feed is served on loopback by the test.
//!
//! Without PostgreSQL or nats-server installed this test says "skipped: <reason>"; under
//! `WASPADA_CI=1` it fails instead.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use waspada_cluster::fetch::feed_state;
use waspada_cluster::messages::{AnalyseJob, FetchJob, decode, encode};
use waspada_pipeline::config::Config;
use waspada_queue::testing::NatsServer;
use waspada_queue::{JetStreamQueue, Queue, QueueMessage, QueueOptions, Stage};
use waspada_store::{StoreOptions, Workplace};
use waspada_store_pg::PgRecords;
use waspada_store_pg::testing::TempPostgres;

mod common;
use common::Killed;

#[path = "../../cluster/tests/support/loopback_feed.rs"]
mod loopback_feed;
use loopback_feed::{item, serve_feed};

/// The worker's configuration: the loopback feed as its one source.
fn write_config(dir: &Path, port: u16) -> Config {
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
"#
    );
    let path = dir.join("waspada.toml");
    std::fs::write(&path, &text).unwrap();
    Config::parse(&text, &path).unwrap()
}

#[test]
fn a_fetch_worker_process_turns_a_feed_into_analyse_jobs() {
    let Some(pg) = TempPostgres::for_test() else {
        return;
    };
    let Some(nats) = NatsServer::start_or_skip() else {
        return;
    };
    let feed = format!(
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Kabar</title>{}{}</channel></rss>",
        item(
            1,
            "Dinas Kesehatan Kabupaten Garut mencatat 41 kasus demam berdarah dengue sepekan terakhir."
        ),
        item(
            2,
            "Puluhan warga Kabupaten Bandung mengalami keracunan makanan setelah hajatan."
        ),
    );
    let dir = tempfile::tempdir().unwrap();
    let config = write_config(dir.path(), serve_feed(feed));
    let source = config.sources[0].clone();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let queue = rt.block_on(async {
        let q = JetStreamQueue::connect(&nats.url(), QueueOptions::default())
            .await
            .expect("connect to NATS");
        let job = FetchJob {
            source: source.clone(),
            due_at: waspada_store::now_ms(),
            // As an older scheduler sent it: the worker registers the source itself.
            source_id: None,
        };
        q.publish(Stage::Fetch, &job.dedup_id(), &encode(&job))
            .await
            .expect("publish the fetch job");
        q
    });

    let mut worker = Killed(
        Command::new(env!("CARGO_BIN_EXE_waspada"))
            .args(["worker", "--stage", "fetch", "--config", "waspada.toml"])
            .current_dir(dir.path())
            .env("WASPADA_POSTGRES_URL", pg.url())
            .env("WASPADA_NATS_URL", nats.url())
            .env_remove("WASPADA_CLUSTER_NAME")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start the fetch worker"),
    );
    let deadline = Instant::now() + Duration::from_secs(120);
    rt.block_on(async {
        while queue.stats(Stage::Analyse).await.unwrap().pending < 2 {
            if let Ok(Some(status)) = worker.0.try_wait() {
                panic!("the fetch worker exited: {status}");
            }
            assert!(Instant::now() < deadline, "no analyse jobs from the worker");
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    });
    // SIGTERM: the worker finishes what it holds and exits successfully.
    let pid = worker.0.id().to_string();
    let term = Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    assert!(term.success());
    let status = worker.0.wait().unwrap();
    assert!(status.success(), "the worker stopped with {status}");

    let jobs = rt.block_on(async {
        assert_eq!(queue.stats(Stage::Fetch).await.unwrap().pending, 0);
        let messages = queue
            .pull(Stage::Analyse, 10, Duration::from_secs(5))
            .await
            .unwrap();
        let jobs: Vec<AnalyseJob> = messages
            .iter()
            .map(|m| decode::<AnalyseJob>(m.payload(), "an article").unwrap())
            .collect();
        let mut urls: Vec<String> = jobs.iter().filter_map(|j| j.canonical_url()).collect();
        urls.sort();
        assert_eq!(
            urls,
            vec![
                "http://kabar.example/berita/1".to_string(),
                "http://kabar.example/berita/2".to_string()
            ]
        );
        let kv = queue.key_value().await.unwrap();
        let state = feed_state(&kv, &source.url).await.unwrap().unwrap();
        assert!(
            state.last_success_at.is_some() && state.last_error.is_none(),
            "{state:?}"
        );
        assert_eq!(state.items_published, 2);
        jobs
    });

    // The job came without a source id (as from an older scheduler): the worker
    // registered the source itself, and its articles and fetch state name it.
    let store = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let records = store
        .block_on(PgRecords::connect(pg.url(), StoreOptions::default()))
        .expect("connect to PostgreSQL");
    let view = records.workplace(store.handle().clone());
    let sources = view.sources().unwrap();
    assert_eq!(sources.len(), 1, "{sources:?}");
    assert_eq!(sources[0].url.as_deref(), Some(source.url.as_str()));
    let id = sources[0].id;
    assert!(jobs.iter().all(|j| j.source_id == Some(id)), "{id}");
    let states = view.source_fetch_states(id).unwrap();
    assert_eq!(states.len(), 1, "{states:?}");
    assert_eq!(
        (
            states[0].last_status,
            states[0].items_new,
            states[0].items_seen
        ),
        (Some(200), 2, 2)
    );
}
