//! `waspada run`: the long-running job. Polls the sources of `waspada.toml` on their
//! intervals, stores and indexes what is new, runs detection after every round, and sends
//! the alerts that are due when `[alerts]` is configured.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use waspada_pipeline::config::Config;
use waspada_pipeline::detect::detect;
use waspada_pipeline::poll::{Poller, due_sources};

use super::data::DataArgs;

/// Arguments of `waspada run`.
#[derive(clap::Args)]
pub struct Args {
    /// The configuration: sources, fetching, detection.
    #[arg(long, default_value = "waspada.toml", value_name = "FILE")]
    pub config: PathBuf,
    #[command(flatten)]
    pub data: DataArgs,
    /// Poll every due source once, detect, and exit.
    #[arg(long)]
    pub once: bool,
}

/// Runs the command until interrupted (Ctrl-C finishes the source in hand first).
pub fn run(args: Args) -> Result<ExitCode> {
    let config = Config::load(&args.config)?;
    let dir = args.data.open()?;
    let mut store = dir.store()?;
    let mut indexer = dir.indexer()?;
    indexer.catch_up(&store)?;
    let poller = Poller::new(&config).context("cannot set up the HTTP client")?;
    let detect_options = config.detect_options();
    let dispatcher = match &config.alerts {
        Some(a) => Some(super::alerts::dispatcher(a.clone())?),
        None => None,
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let enabled = config.sources.iter().filter(|s| !s.disabled).count();
    eprintln!(
        "waspada run: {enabled} source(s) from {}, data in {}",
        args.config.display(),
        dir.root().display()
    );
    runtime.block_on(async {
        loop {
            let (due, wait) = due_sources(&store, &config)?;
            for source in &due {
                let r = poller.poll(&mut store, Some(&mut indexer), source).await?;
                match &r.error {
                    Some(e) => eprintln!("{}: FAILED: {e}", r.source),
                    None if r.not_modified => eprintln!("{}: unchanged", r.source),
                    None => eprintln!(
                        "{}: {} item(s), {} new, {} already stored, {} failed",
                        r.source,
                        r.items,
                        r.ingest.new,
                        r.ingest.duplicates(),
                        r.ingest.failed
                    ),
                }
                for f in r.ingest.failures.iter().take(5) {
                    eprintln!("    {}: {}", f.id, f.reason);
                }
            }
            if !due.is_empty() {
                let b = store.batch()?;
                b.refresh_series()?;
                b.commit()?;
                let d = detect(&mut store, &detect_options)?;
                let n: usize = d.signals.values().sum();
                eprintln!(
                    "detection: {} series, {n} signal(s) in the latest periods",
                    d.series
                );
            }
            // Every round, not only after detection: retries come due on their own.
            if let Some(dispatcher) = &dispatcher {
                match dispatcher
                    .run_once(&mut store, waspada_store::now_ms())
                    .await
                {
                    Ok(pass) => super::alerts::report(&pass),
                    Err(e) => eprintln!("alerts: FAILED: {e}"),
                }
            }
            if args.once {
                return Ok::<_, anyhow::Error>(());
            }
            tokio::select! {
                _ = tokio::time::sleep(wait) => {}
                _ = tokio::signal::ctrl_c() => {
                    eprintln!("interrupted; the store is consistent");
                    return Ok(());
                }
            }
        }
    })?;
    Ok(ExitCode::SUCCESS)
}
