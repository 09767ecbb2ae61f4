//! A cluster's PostgreSQL filled the way a cluster fills it: synthetic articles through
//! the analyse worker (an in-memory queue stands in for NATS, which other tests cover),
//! then detection.

use std::time::{Duration, Instant};

use waspada_cluster::Metrics;
use waspada_cluster::Shutdown;
use waspada_cluster::analyse::{AnalyseOptions, run_analyse_worker};
use waspada_cluster::messages::{AnalyseJob, encode};
use waspada_cluster::scheduler::detect_once;
use waspada_queue::{MemoryQueue, Queue, QueueOptions, Stage};
use waspada_store::{Records, StoreOptions};
use waspada_store_pg::PgRecords;

/// Synthetic articles analysed into PostgreSQL, then detection. Returns the signals made.
pub async fn fill(url: &str) -> u64 {
    let records = PgRecords::connect(url, StoreOptions::default())
        .await
        .expect("connect to PostgreSQL");
    let q = MemoryQueue::new(QueueOptions::default());
    for a in waspada_synth::generate(11, 400, "2025-01-06", 120) {
        let job = AnalyseJob::new(
            waspada_extract::Article {
                id: a.id,
                title: Some(a.title),
                text: a.text,
                published: Some(a.published),
                url: Some(a.url),
                lang: Some(a.lang),
                source: Some(a.source),
            },
            None,
            0,
        );
        q.publish(Stage::Analyse, &job.dedup_id(), &encode(&job))
            .await
            .unwrap();
    }
    let options = AnalyseOptions {
        wait: Duration::from_millis(100),
        publish_index: false,
        ..AnalyseOptions::default()
    };
    let (trigger, shutdown) = Shutdown::new();
    let stop = async {
        let deadline = Instant::now() + Duration::from_secs(300);
        while q.stats(Stage::Analyse).await.unwrap().pending > 0 {
            assert!(Instant::now() < deadline, "the analyse stage never emptied");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        trigger.trigger();
    };
    let metrics = Metrics::default();
    let (done, ()) = tokio::join!(
        run_analyse_worker(&records, &q, &options, &metrics, &shutdown),
        stop
    );
    done.unwrap();
    detect_once(
        &records,
        &waspada_pipeline::detect::DetectOptions::default(),
    )
    .await
    .unwrap();
    records.counts().await.unwrap().signals
}
