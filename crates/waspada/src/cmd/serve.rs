//! `waspada serve`: the HTTP JSON API and the dashboard over a data directory.
//!
//! With a PostgreSQL URL in `[cluster]` of the configuration (or `WASPADA_POSTGRES_URL`),
//! it serves the cluster's shared store and the search index at `index_dir` instead of a
//! data directory: any number of servers can then run behind one load balancer. With a
//! NATS URL, the Sources page also lists the scale-out queue's dead letters.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use waspada_pipeline::config::ClusterConfig;
use waspada_queue::{JetStreamQueue, Queue, QueueOptions};
use waspada_serve::AppState;
use waspada_serve::dead_letters::{DeadLetterRow, DeadLetters, ReadFuture};
use waspada_store::Workplace;

use super::cluster::ConfigArgs;
use super::data::DataArgs;
use super::workplace::{self, SharedWorkplaces};

/// Arguments of `waspada serve`.
#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub data: DataArgs,
    /// Address to listen on. Anything but 127.0.0.1 should sit behind a reverse proxy
    /// that adds HTTPS.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    /// Session cookies without the `Secure` flag, for an HTTP client that refuses them on
    /// plain http://127.0.0.1 (Chromium and Firefox accept them). Loopback addresses only.
    #[arg(long)]
    pub plain_http: bool,
    #[command(flatten)]
    pub config: ConfigArgs,
}

/// The dead letters of the scale-out queue, read for the Sources page. Connects on the
/// first read (the dashboard starts whether NATS is up or not) and keeps the connection.
struct NatsDeadLetters {
    url: String,
    options: QueueOptions,
    queue: tokio::sync::Mutex<Option<Arc<JetStreamQueue>>>,
}

impl NatsDeadLetters {
    fn new(c: &ClusterConfig, url: &str) -> NatsDeadLetters {
        NatsDeadLetters {
            url: url.to_string(),
            // The workers' settings: connecting brings the streams to these.
            options: QueueOptions {
                ack_wait: Duration::from_secs(c.ack_wait_secs),
                max_deliver: c.max_deliver,
                ..QueueOptions::default()
            },
            queue: tokio::sync::Mutex::new(None),
        }
    }

    async fn read(&self, limit: usize) -> Result<Vec<DeadLetterRow>, String> {
        let queue = {
            let mut held = self.queue.lock().await;
            match &*held {
                Some(q) => Arc::clone(q),
                None => {
                    let q = JetStreamQueue::connect_once(&self.url, self.options.clone())
                        .await
                        .map_err(|e| e.to_string())?;
                    Arc::clone(held.insert(Arc::new(q)))
                }
            }
        };
        let dead = queue.dead_letters(limit).await.map_err(|e| e.to_string())?;
        Ok(dead
            .into_iter()
            .map(|d| DeadLetterRow {
                stage: d.stage.as_str().to_string(),
                item: waspada_cluster::messages::describe(d.stage, &d.payload).or(d.dedup_id),
                reason: d.reason,
                at_ms: Some(d.at_ms),
                delivered: d.delivered,
            })
            .collect())
    }
}

impl DeadLetters for NatsDeadLetters {
    fn recent(&self, limit: usize) -> ReadFuture<'_> {
        Box::pin(self.read(limit))
    }
}

/// Runs the command until Ctrl-C.
pub fn run(args: Args) -> Result<ExitCode> {
    if args.plain_http && !args.addr.ip().is_loopback() {
        bail!(
            "--plain-http is only allowed on a loopback address (127.0.0.1): elsewhere session \
             cookies must only travel over HTTPS"
        );
    }
    let cluster = args.config.load()?.cluster;
    let runtime = workplace::runtime()?;
    let (mut state, users) = match &cluster.postgres_url {
        // Scaled out: the cluster's PostgreSQL and the index its indexer writes.
        Some(url) => {
            let Some(index_dir) = &cluster.index_dir else {
                bail!(
                    "no index_dir: a server of a cluster reads the search index that \
                     `waspada worker --stage index` writes; set index_dir in [cluster] of \
                     waspada.toml or WASPADA_INDEX_DIR"
                );
            };
            let shared = workplace::connect(&runtime, url)?;
            println!(
                "store: {} (shared); search index: {}",
                waspada_store_pg::describe_url(url),
                index_dir.display()
            );
            let users = shared.users()?;
            let state = AppState::shared(Arc::new(SharedWorkplaces(shared)), index_dir);
            (state, users)
        }
        None => {
            let dir = args.data.existing()?;
            let state = AppState::open(dir.root()).context("cannot open the data directory")?;
            (state, dir.store()?.users()?)
        }
    };
    state.secure_cookies = !args.plain_http;
    if let Some(url) = &cluster.nats_url {
        println!("dead letters: from NATS at {url} (Sources page)");
        state.dead_letters = Some(Arc::new(NatsDeadLetters::new(&cluster, url)));
    }
    if !users.iter().any(|u| !u.disabled) {
        eprintln!(
            "warning: nobody can log in yet: add a user with \
             `waspada user add NAME --role admin{}`",
            if cluster.postgres_url.is_some() {
                " --config waspada.toml".to_string()
            } else {
                format!(" --data {}", args.data.dir.display())
            }
        );
    }
    serve_on(&runtime, state, args.addr, None)?;
    Ok(ExitCode::SUCCESS)
}

/// Serves `state` on `addr`, printing where (and `login`, a line on how to log in).
pub fn serve(state: AppState, addr: SocketAddr, login: Option<&str>) -> Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    serve_on(&runtime, state, addr, login)
}

/// [`serve`] on a runtime of the caller's (the one a shared store's client runs on).
fn serve_on(
    runtime: &tokio::runtime::Runtime,
    state: AppState,
    addr: SocketAddr,
    login: Option<&str>,
) -> Result<()> {
    if !addr.ip().is_loopback() {
        eprintln!(
            "warning: serving plain HTTP on {addr}: put a reverse proxy with HTTPS in front \
             (browsers keep the session cookie only over HTTPS or on localhost)"
        );
    }
    println!("dashboard: http://{addr}/   (API: http://{addr}/api/openapi.json)");
    if let Some(login) = login {
        println!("{login}");
    }
    println!("press Ctrl-C to stop");
    runtime
        .block_on(waspada_serve::serve_state(state, addr))
        .with_context(|| format!("cannot serve on {addr}"))?;
    Ok(())
}
