//! The scale-out commands: `worker`, `scheduler`, `publish`, `cluster status`, `reindex`.
//! They reach PostgreSQL and NATS as `[cluster]` of `waspada.toml` (or the environment)
//! says; the work is in `waspada-cluster`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use waspada_cluster::analyse::{AnalyseOptions, run_analyse_worker};
use waspada_cluster::fetch::run_fetch_worker;
use waspada_cluster::index::{IndexOptions, reindex, run_index_worker};
use waspada_cluster::messages::{AnalyseJob, encode};
use waspada_cluster::scheduler::{SchedulerOptions, run_scheduler_with};
use waspada_cluster::{Metrics, Shutdown, ShutdownTrigger};
use waspada_pipeline::config::{ClusterConfig, Config};
use waspada_pipeline::files::{InputItem, read_all};
use waspada_queue::{JetStreamQueue, Queue, QueueOptions, Stage};
use waspada_store::{Records, StoreOptions};
use waspada_store_pg::PgRecords;

use super::alerts::{self, DeliverAfterDetect};
use super::workplace::runtime;

/// Where the configuration comes from (shared by the cluster commands).
#[derive(clap::Args, Clone)]
pub struct ConfigArgs {
    /// The configuration file; its `[cluster]` section names PostgreSQL and NATS.
    /// Without this option, `waspada.toml` is read when it exists; environment variables
    /// (WASPADA_POSTGRES_URL, WASPADA_NATS_URL, ...) override the file.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

impl ConfigArgs {
    /// The configuration, with `[cluster]` overridden by the environment.
    pub fn load(&self) -> Result<Config> {
        let mut config = match &self.config {
            Some(p) => Config::load(p)?,
            None if Path::new("waspada.toml").exists() => Config::load(Path::new("waspada.toml"))?,
            None => Config::default(),
        };
        config.cluster = config.cluster.with_env()?;
        Ok(config)
    }
}

/// Arguments of `waspada worker`.
#[derive(clap::Args)]
pub struct WorkerArgs {
    /// The stage this worker serves.
    #[arg(long, value_parser = ["fetch", "analyse", "index"])]
    pub stage: String,
    /// Messages taken at once (default: `worker_batch` of `[cluster]`).
    #[arg(long)]
    pub batch: Option<usize>,
    /// Seconds between metrics lines on standard error.
    #[arg(long, default_value_t = 5)]
    pub metrics_every: u64,
    #[command(flatten)]
    pub config: ConfigArgs,
}

/// Arguments of `waspada scheduler`.
#[derive(clap::Args)]
pub struct SchedulerArgs {
    /// Minutes between detection runs.
    #[arg(long, default_value_t = 15)]
    pub detect_every_minutes: u64,
    /// Seconds the scheduler lease lasts without renewal (a standby takes over after it).
    #[arg(long, default_value_t = 30)]
    pub lease_secs: u64,
    #[command(flatten)]
    pub config: ConfigArgs,
}

/// Arguments of `waspada publish`.
#[derive(clap::Args)]
pub struct PublishArgs {
    /// Files, directories or JSON Lines (`-` for standard input) with articles.
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
    #[command(flatten)]
    pub config: ConfigArgs,
}

/// `waspada cluster ...`.
#[derive(clap::Subcommand)]
pub enum ClusterCommand {
    /// Per stage: messages pending, redelivered and dead; and what the store holds.
    Status {
        /// Print JSON.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        config: ConfigArgs,
    },
}

/// Arguments of `waspada reindex`.
#[derive(clap::Args)]
pub struct ReindexArgs {
    /// The index directory (default: `index_dir` of `[cluster]`).
    #[arg(long, value_name = "DIR")]
    pub index_dir: Option<PathBuf>,
    #[command(flatten)]
    pub config: ConfigArgs,
}

fn require<'a>(value: &'a Option<String>, key: &str, var: &str) -> Result<&'a str> {
    match value {
        Some(v) => Ok(v),
        None => bail!("no {key}: set it in [cluster] of waspada.toml or in {var}"),
    }
}

async fn records(c: &ClusterConfig) -> Result<PgRecords> {
    let url = require(&c.postgres_url, "postgres_url", "WASPADA_POSTGRES_URL")?;
    PgRecords::connect(url, StoreOptions::default())
        .await
        .context("cannot reach PostgreSQL")
}

async fn queue(c: &ClusterConfig) -> Result<JetStreamQueue> {
    let url = require(&c.nats_url, "nats_url", "WASPADA_NATS_URL")?;
    JetStreamQueue::connect(
        url,
        QueueOptions {
            ack_wait: Duration::from_secs(c.ack_wait_secs),
            max_deliver: c.max_deliver,
            ..QueueOptions::default()
        },
    )
    .await
    .context("cannot reach NATS JetStream")
}

fn name_of(c: &ClusterConfig, role: &str) -> String {
    c.name.clone().unwrap_or_else(|| {
        let host = std::fs::read_to_string("/etc/hostname")
            .map(|h| h.trim().to_string())
            .unwrap_or_else(|_| "host".into());
        format!("{role}@{host}:{}", std::process::id())
    })
}

/// Sets the stop signal on SIGTERM or Ctrl-C.
async fn stop_on_signal(trigger: Arc<ShutdownTrigger>) {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = term.recv() => {}
                    _ = tokio::signal::ctrl_c() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
    eprintln!("stopping: finishing the batch in hand");
    trigger.trigger();
}

/// `waspada worker`.
pub fn worker(args: WorkerArgs) -> Result<ExitCode> {
    let config = args.config.load()?;
    let c = &config.cluster;
    let name = name_of(c, &args.stage);
    let retry = AnalyseOptions {
        batch: args.batch.unwrap_or(c.worker_batch).max(1),
        max_deliver: c.max_deliver,
        ..AnalyseOptions::default()
    };
    let metrics = Metrics::default();
    let (trigger, shutdown) = Shutdown::new();
    let stop = Arc::new(trigger);
    let rt = runtime()?;
    rt.block_on(async {
        let q = queue(c).await?;
        tokio::spawn(stop_on_signal(Arc::clone(&stop)));
        let every = Duration::from_secs(args.metrics_every.max(1));
        let log = metrics.log_every(&args.stage, &name, every, shutdown.clone());
        let work = async {
            match args.stage.as_str() {
                "analyse" => {
                    let r = records(c).await?;
                    run_analyse_worker(&r, &q, &retry, &metrics, &shutdown).await?;
                }
                "index" => {
                    let Some(dir) = &c.index_dir else {
                        bail!("no index_dir: set it in [cluster] of waspada.toml or in WASPADA_INDEX_DIR");
                    };
                    let opts = IndexOptions {
                        retry: retry.clone(),
                        // Commit well within the ack wait.
                        commit_after: Duration::from_secs((c.ack_wait_secs / 4).clamp(1, 5)),
                        ..IndexOptions::default()
                    };
                    run_index_worker(dir, &q, &opts, &metrics, &shutdown).await?;
                }
                _ => {
                    let r = records(c).await?;
                    let kv = q.key_value().await?;
                    let poller = waspada_pipeline::poll::Poller::new(&config)
                        .context("cannot set up the HTTP client")?;
                    run_fetch_worker(&poller, &r, &q, &kv, &retry, &metrics, &shutdown).await?;
                }
            }
            Ok::<(), anyhow::Error>(())
        };
        // The logger writes its last line once the worker has stopped, whatever stopped it.
        let (done, ()) = tokio::join!(
            async {
                let r = work.await;
                stop.trigger();
                r
            },
            log
        );
        done
    })?;
    Ok(ExitCode::SUCCESS)
}

/// `waspada scheduler`.
pub fn scheduler(args: SchedulerArgs) -> Result<ExitCode> {
    let config = args.config.load()?;
    let c = &config.cluster;
    let options = SchedulerOptions {
        holder: name_of(c, "scheduler"),
        lease_ttl: Duration::from_secs(args.lease_secs.max(3)),
        detect_every: Duration::from_secs(args.detect_every_minutes.max(1) * 60),
        detect: config.detect_options(),
        sources: config.sources.clone(),
    };
    let metrics = Metrics::default();
    let (trigger, shutdown) = Shutdown::new();
    runtime()?.block_on(async {
        let r = records(c).await?;
        let q = queue(c).await?;
        let leases = q.leases().await?;
        let kv = q.key_value().await?;
        // With `[alerts]`, the lease holder delivers alerts after each detection run.
        let deliver = match &config.alerts {
            Some(a) => Some(DeliverAfterDetect::new(
                alerts::dispatcher(a.clone())?,
                r.workplace(tokio::runtime::Handle::current()),
            )),
            None => None,
        };
        tokio::spawn(stop_on_signal(Arc::new(trigger)));
        run_scheduler_with(
            &r, &q, &leases, &kv, &options, &metrics, &shutdown, &deliver,
        )
        .await?;
        Ok::<(), anyhow::Error>(())
    })?;
    eprintln!("{}", metrics.line("scheduler", &options.holder, true));
    Ok(ExitCode::SUCCESS)
}

/// `waspada publish`: articles from files to the analyse stage.
pub fn publish(args: PublishArgs) -> Result<ExitCode> {
    let config = args.config.load()?;
    let (mut published, mut duplicate, mut failed) = (0u64, 0u64, 0u64);
    runtime()?.block_on(async {
        let q = queue(&config.cluster).await?;
        let now = waspada_store::now_ms();
        for item in read_all(&args.inputs) {
            match item {
                InputItem::Article(a) => {
                    let job = AnalyseJob::new(a, None, now);
                    let p = q
                        .publish(Stage::Analyse, &job.dedup_id(), &encode(&job))
                        .await?;
                    if p.duplicate {
                        duplicate += 1;
                    } else {
                        published += 1;
                    }
                }
                InputItem::Failed { id, error } => {
                    failed += 1;
                    eprintln!("{id}: {error}");
                }
            }
        }
        Ok::<(), anyhow::Error>(())
    })?;
    println!(
        "{}",
        serde_json::json!({"published": published, "duplicate": duplicate, "failed": failed})
    );
    Ok(if failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// `waspada cluster ...`.
pub fn cluster(command: ClusterCommand) -> Result<ExitCode> {
    let ClusterCommand::Status { json, config } = command;
    let config = config.load()?;
    let c = &config.cluster;
    let (stages, counts, dead) = runtime()?.block_on(async {
        let q = queue(c).await?;
        let mut stages = Vec::new();
        for stage in Stage::all() {
            stages.push((stage, q.stats(stage).await?));
        }
        let dead = q.dead_letters(5).await?;
        let r = records(c).await?;
        Ok::<_, anyhow::Error>((stages, r.counts().await?, dead))
    })?;
    if json {
        let s: serde_json::Map<String, serde_json::Value> = stages
            .iter()
            .map(|(stage, st)| {
                (
                    stage.as_str().to_string(),
                    serde_json::json!({"pending": st.pending, "redelivered": st.redelivered, "dead": st.dead}),
                )
            })
            .collect();
        println!("{}", serde_json::json!({"stages": s, "store": counts}));
        return Ok(ExitCode::SUCCESS);
    }
    println!(
        "{:<8} {:>10} {:>12} {:>8}",
        "stage", "pending", "redelivered", "dead"
    );
    for (stage, st) in &stages {
        println!(
            "{:<8} {:>10} {:>12} {:>8}",
            stage.as_str(),
            st.pending,
            st.redelivered,
            st.dead
        );
    }
    println!(
        "store: {} articles, {} analyses, {} stories, {} reports, {} events, {} signals",
        counts.articles,
        counts.analyses,
        counts.stories,
        counts.reports,
        counts.events,
        counts.signals
    );
    for d in &dead {
        println!(
            "dead letter ({}, {} deliveries): {}",
            d.stage, d.delivered, d.reason
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// `waspada reindex`: the search index rebuilt from PostgreSQL.
pub fn reindex_cmd(args: ReindexArgs) -> Result<ExitCode> {
    let config = args.config.load()?;
    let Some(dir) = args.index_dir.or(config.cluster.index_dir.clone()) else {
        bail!(
            "no index directory: give --index-dir, or index_dir in [cluster] / WASPADA_INDEX_DIR"
        );
    };
    let n = runtime()?.block_on(async {
        let r = records(&config.cluster).await?;
        let n = reindex(&r, &dir, |done| eprint!("\rindexed {done}")).await?;
        Ok::<_, anyhow::Error>(n)
    })?;
    eprintln!();
    println!("{}", serde_json::json!({"indexed": n, "index_dir": dir}));
    Ok(ExitCode::SUCCESS)
}
