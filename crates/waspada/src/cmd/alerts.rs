//! `waspada alerts send`: one pass of the alert dispatcher (match new and escalated signals
//! to subscriptions, send what is due, record the outcomes). `waspada run` does the same
//! after every round; this command is for cron jobs and for trying a configuration.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use waspada_alert::{AlertsConfig, Dispatcher, PassSummary};
use waspada_pipeline::config::Config;

use super::data::DataArgs;

/// `waspada alerts ...`
#[derive(clap::Subcommand)]
pub enum Command {
    /// Match signals to subscriptions and send the alerts that are due, once.
    Send(SendArgs),
}

/// Arguments of `waspada alerts send`.
#[derive(clap::Args)]
pub struct SendArgs {
    /// The configuration; its `[alerts]` section sets the mail server and links.
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
    let dir = args.data.existing()?;
    let mut store = dir.store()?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let pass = runtime.block_on(dispatcher.run_once(&mut store, waspada_store::now_ms()))?;
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
