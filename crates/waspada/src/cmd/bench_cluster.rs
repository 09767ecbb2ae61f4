//! `waspada bench cluster`: analyse throughput of 1, 2, 4, ... worker processes over NATS
//! JetStream and PostgreSQL, against the embedded single-process ingest of the same
//! corpus, measured in the same run.
//!
//! Each worker count gets a fresh PostgreSQL and a fresh NATS server (the test harnesses,
//! on loopback), the corpus is published first (not timed), then `k` processes of
//! `waspada worker --stage analyse` are started and timed until every article is stored.
//! The embedded figure is `waspada ingest` (analyse, store, index) into a fresh data
//! directory: the baseline the scale-out must beat, and the one that shows what the queue
//! costs per article.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail, ensure};
use waspada_cluster::messages::{AnalyseJob, encode};
use waspada_pipeline::files::{InputItem, read_all};
use waspada_queue::testing::NatsServer;
use waspada_queue::{JetStreamQueue, Queue, QueueOptions, Stage};
use waspada_store::{Records, StoreOptions};
use waspada_store_pg::PgRecords;
use waspada_store_pg::testing::TempPostgres;

/// Longest wait for one worker count to store the corpus.
const BOUND: Duration = Duration::from_secs(3600);

/// Runs the benchmark.
pub fn run(n: usize, seed: u64, workers: &[usize]) -> Result<()> {
    ensure!(!workers.is_empty(), "--workers needs at least one count");
    let dir = std::env::temp_dir().join(format!("waspada-bench-cluster-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let corpus = dir.join("corpus.jsonl");
    super::bench_ingest::write_corpus(&corpus, n, seed)?;
    let exe = std::env::current_exe()?;
    println!(
        "corpus: {n} synthetic articles; {} cores on this machine",
        std::thread::available_parallelism().map_or(1, |p| p.get())
    );

    // Baseline: the embedded single process.
    let t = Instant::now();
    let out = Command::new(&exe)
        .args(["ingest", "--no-detect", "--json", "--data"])
        .arg(dir.join("embedded"))
        .arg(&corpus)
        .stderr(Stdio::null())
        .output()
        .context("starting `waspada ingest`")?;
    let embedded = t.elapsed();
    ensure!(out.status.success(), "`waspada ingest` failed");
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout)?;
    let expected = summary["store"]["articles"]
        .as_u64()
        .context("ingest summary without an article count")?;
    let base_rate = n as f64 / embedded.as_secs_f64();
    println!(
        "embedded (one process: analyse, store in SQLite, index): {:.1} s, {base_rate:.0} articles/s ({expected} stored)",
        embedded.as_secs_f64()
    );

    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let mut one_worker: Option<Duration> = None;
    println!(
        "{:>7} {:>9} {:>12} {:>13} {:>12}",
        "workers", "seconds", "articles/s", "vs embedded", "vs 1 worker"
    );
    for &k in workers {
        let pg = TempPostgres::start().map_err(|e| anyhow::anyhow!("PostgreSQL: {e}"))?;
        let nats = NatsServer::start().map_err(|e| anyhow::anyhow!("NATS: {e}"))?;
        rt.block_on(publish(&nats.url(), &corpus))?;
        let t = Instant::now();
        let children: Vec<Child> = (0..k)
            .map(|i| {
                Command::new(&exe)
                    .args(["worker", "--stage", "analyse", "--metrics-every", "60"])
                    .current_dir(&dir)
                    .env("WASPADA_POSTGRES_URL", pg.url())
                    .env("WASPADA_NATS_URL", nats.url())
                    .env("WASPADA_CLUSTER_NAME", format!("bench-{k}-{i}"))
                    .stdout(Stdio::null())
                    .stderr(std::fs::File::create(
                        dir.join(format!("worker-{k}-{i}.log")),
                    )?)
                    .spawn()
            })
            .collect::<std::io::Result<_>>()
            .context("starting the workers")?;
        let done = rt.block_on(wait_stored(pg.url(), expected));
        let took = t.elapsed();
        for mut c in children {
            let _ = Command::new("kill")
                .args(["-TERM", &c.id().to_string()])
                .status();
            let _ = c.wait();
        }
        done?;
        let spent = (0..k)
            .filter_map(|i| final_metrics(&dir.join(format!("worker-{k}-{i}.log"))))
            .fold([0u64; 3], |a, m| {
                [a[0] + m.prepare_ms, a[1] + m.store_ms, a[2] + m.queue_ms]
            });
        let one = *one_worker.get_or_insert(took);
        println!(
            "{k:>7} {:>9.1} {:>12.0} {:>12.2}× {:>11.2}×",
            took.as_secs_f64(),
            n as f64 / took.as_secs_f64(),
            embedded.as_secs_f64() / took.as_secs_f64(),
            one.as_secs_f64() / took.as_secs_f64(),
        );
        println!(
            "        worker time per article: analyse {:.2} ms, store {:.2} ms, queue (publish + ack) {:.2} ms",
            spent[0] as f64 / n as f64,
            spent[1] as f64 / n as f64,
            spent[2] as f64 / n as f64
        );
    }
    if let Some(one) = one_worker {
        let per = (one.as_secs_f64() - embedded.as_secs_f64()) / n as f64 * 1e3;
        println!(
            "overhead per article of the scale-out path (1 worker minus embedded): {per:.2} ms; \
             the split above says how much of it is the queue and how much the store"
        );
    }
    std::fs::remove_dir_all(&dir).ok();
    Ok(())
}

/// The last (final) metrics line a worker wrote to its log.
fn final_metrics(log: &Path) -> Option<waspada_cluster::MetricsSnapshot> {
    let text = std::fs::read_to_string(log).ok()?;
    text.lines().rev().find_map(|l| {
        let v: serde_json::Value = serde_json::from_str(l).ok()?;
        serde_json::from_value(v.get("metrics")?.clone()).ok()
    })
}

async fn publish(url: &str, corpus: &Path) -> Result<()> {
    let q = JetStreamQueue::connect(url, QueueOptions::default()).await?;
    let now = waspada_store::now_ms();
    for item in read_all(&[corpus.to_path_buf()]) {
        if let InputItem::Article(a) = item {
            let job = AnalyseJob::new(a, None, now);
            q.publish(Stage::Analyse, &job.dedup_id(), &encode(&job))
                .await?;
        }
    }
    Ok(())
}

async fn wait_stored(url: &str, expected: u64) -> Result<()> {
    let records = PgRecords::connect(url, StoreOptions::default()).await?;
    let deadline = Instant::now() + BOUND;
    loop {
        if records.counts().await?.articles >= expected {
            return Ok(());
        }
        if Instant::now() > deadline {
            bail!(
                "the workers did not store the corpus within {} s",
                BOUND.as_secs()
            );
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}
