//! `waspada alerts send`: one pass of the alert dispatcher (match new and escalated signals
//! to subscriptions, send what is due, record the outcomes). `waspada run` does the same
//! after every round; this command is for cron jobs and for trying a configuration.
//!
//! In a cluster (`[cluster] postgres_url`, or WASPADA_POSTGRES_URL) the pass works on the
//! cluster's PostgreSQL, where the dashboards store subscriptions; the scheduler holding
//! the lease runs the same pass after each detection run ([`DeliverAfterDetect`]).

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use waspada_alert::{AlertsConfig, Dispatcher, PassSummary};
use waspada_cluster::scheduler::{AfterDetect, HookError};
use waspada_pipeline::config::Config;
use waspada_store_pg::{PgWorkplace, describe_url};

use super::data::DataArgs;
use super::workplace;

/// `waspada alerts ...`
#[derive(clap::Subcommand)]
pub enum Command {
    /// Match signals to subscriptions and send the alerts that are due, once.
    Send(SendArgs),
}

/// Arguments of `waspada alerts send`.
#[derive(clap::Args)]
pub struct SendArgs {
    /// The configuration; its `[alerts]` section sets the mail server and links. With a
    /// `postgres_url` in its `[cluster]` section (or WASPADA_POSTGRES_URL set), alerts are
    /// delivered from the cluster's PostgreSQL instead of the data directory.
    #[arg(long, default_value = "waspada.toml", value_name = "FILE")]
    pub config: PathBuf,
    #[command(flatten)]
    pub data: DataArgs,
    /// The data are synthetic (a demo): CAP messages say `Exercise`.
    #[arg(long)]
    pub synthetic: bool,
}

/// Runs the command.
pub fn run(command: Command) -> Result<ExitCode> {
    let Command::Send(args) = command;
    let config = Config::load(&args.config)?;
    let alerts = match config.alerts {
        Some(a) => a,
        None => {
            eprintln!(
                "note: {} has no [alerts] section; using defaults (links to {}, no e-mail)",
                args.config.display(),
                AlertsConfig::default().base_url
            );
            AlertsConfig::default()
        }
    };
    let dispatcher = dispatcher(alerts)?.synthetic(args.synthetic);
    let now = waspada_store::now_ms();
    let pass = match config.cluster.with_env()?.postgres_url {
        Some(url) => {
            // Multi-thread: the PostgreSQL workplace blocks in place inside the pass.
            let runtime = workplace::runtime()?;
            let mut outbox = workplace::connect(&runtime, &url)?;
            eprintln!("alerts: from {}", describe_url(&url));
            runtime.block_on(dispatcher.run_once(&mut outbox, now))?
        }
        None => {
            let dir = args.data.existing()?;
            let mut store = dir.store()?;
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .context("cannot start the async runtime")?;
            runtime.block_on(dispatcher.run_once(&mut store, now))?
        }
    };
    report(&pass);
    Ok(if pass.failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// A dispatcher for the `[alerts]` settings.
pub fn dispatcher(config: AlertsConfig) -> Result<Dispatcher> {
    Dispatcher::new(config).context("cannot set up alert delivery")
}

/// Prints what a pass did, in one line plus notes.
pub fn report(pass: &PassSummary) {
    eprintln!(
        "alerts: {} new, {} sent, {} to retry, {} given up, {} waiting ({} message(s))",
        pass.enqueued, pass.sent, pass.retrying, pass.failed, pass.waiting, pass.messages
    );
    for note in &pass.notes {
        eprintln!("    {note}");
    }
}

/// The scheduler's after-detection hook in a cluster: one dispatcher pass on the cluster's
/// PostgreSQL, reported on standard error as `waspada alerts send` reports it.
pub struct DeliverAfterDetect {
    dispatcher: Dispatcher,
    outbox: PgWorkplace,
}

impl DeliverAfterDetect {
    /// Delivers with `dispatcher` from `outbox` (which must run on a multi-thread runtime).
    pub fn new(dispatcher: Dispatcher, outbox: PgWorkplace) -> DeliverAfterDetect {
        DeliverAfterDetect { dispatcher, outbox }
    }
}

impl AfterDetect for DeliverAfterDetect {
    async fn after_detect(&self) -> Result<(), HookError> {
        let mut outbox = self.outbox.clone();
        let pass = self
            .dispatcher
            .run_once(&mut outbox, waspada_store::now_ms())
            .await?;
        report(&pass);
        Ok(())
    }
}
