//! `waspada`: the command-line entry point. It only parses arguments and wires the
//! library crates together; the work happens in `crates/*`.

mod cmd;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// mimalloc instead of the system allocator: the ingest allocates and frees many small
/// values on every core at once, where glibc's malloc cost a measured ~14 % of its CPU.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Waspada reads outbreak news from Southeast Asia and tells analysts what is new and unusual.
#[derive(Parser)]
#[command(name = "waspada", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build a demo data directory from 90 days of synthetic news and open the dashboard.
    Demo(cmd::demo::Args),
    /// Serve the dashboard and the HTTP JSON API over a data directory.
    Serve(cmd::serve::Args),
    /// Read articles and say what happened where (diseases, places, counts, dates, KLB, relevance).
    Analyze(cmd::analyze::Args),
    /// Detect aberrations in a count time series, as R `surveillance` does.
    Detect(cmd::detect::Args),
    /// Score `analyze` output against gold labels (same figures as shared/tools/score.py).
    Eval(cmd::eval::Args),
    /// Measure the analyser's speed on this machine against a `wc -w` baseline.
    Bench(cmd::bench::Args),
    /// Store articles from files, directories, JSON Lines or feeds; analyse, index, detect.
    Ingest(cmd::ingest::Args),
    /// Search stored articles (Indonesian and English, with stemming).
    Search(cmd::search::Args),
    /// List outbreak events: disease, place, dates, figures and source articles.
    Events(cmd::events::Args),
    /// List signals raised by detection (and optionally run it).
    Signals(cmd::signals::Args),
    /// Re-run analysis on stored articles after an analyser upgrade.
    Reanalyze(cmd::reanalyze::Args),
    /// Poll the sources of waspada.toml forever: fetch, analyse, store, index, detect.
    Run(cmd::run::Args),
    /// Alerts: send what is due to subscribers (e-mail, webhooks, feeds), once.
    #[command(subcommand)]
    Alerts(cmd::alerts::Command),
    /// Show what the store holds, and check that the search index agrees with it.
    Status(cmd::status::Args),
    /// Manage the users who may log in to the dashboard (add, list, passwd, disable, enable).
    User(cmd::user::Args),
    /// Manage API tokens for programs (add, revoke, list).
    Token(cmd::token::Args),
    /// Scale-out: serve one stage (fetch, analyse or index) from NATS into PostgreSQL.
    Worker(cmd::cluster::WorkerArgs),
    /// Scale-out: publish due sources and run detection (one active instance, by lease).
    Scheduler(cmd::cluster::SchedulerArgs),
    /// Scale-out: put articles from files or JSON Lines on the analyse queue.
    Publish(cmd::cluster::PublishArgs),
    /// Scale-out: queue and store figures.
    #[command(subcommand)]
    Cluster(cmd::cluster::ClusterCommand),
    /// Scale-out: rebuild the search index from PostgreSQL.
    Reindex(cmd::cluster::ReindexArgs),
}

fn main() -> ExitCode {
    // `waspada events | head` should stop quietly when `head` has enough, as Unix tools
    // do, not panic on a closed pipe. The store is crash-safe, so being stopped by the
    // signal mid-run is no worse than Ctrl-C.
    #[cfg(unix)]
    // SAFETY: called first thing in main, before any thread exists; SIG_DFL is a valid handler.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Demo(args) => cmd::demo::run(args),
        Command::Serve(args) => cmd::serve::run(args),
        Command::Analyze(args) => cmd::analyze::run(args),
        Command::Detect(args) => cmd::detect::run(args),
        Command::Eval(args) => cmd::eval::run(args),
        Command::Bench(args) => cmd::bench::run(args),
        Command::Ingest(args) => cmd::ingest::run(args),
        Command::Search(args) => cmd::search::run(args),
        Command::Events(args) => cmd::events::run(args),
        Command::Signals(args) => cmd::signals::run(args),
        Command::Reanalyze(args) => cmd::reanalyze::run(args),
        Command::Status(args) => cmd::status::run(args),
        Command::Run(args) => cmd::run::run(args),
        Command::User(args) => cmd::user::run(args),
        Command::Token(args) => cmd::token::run(args),
        Command::Alerts(c) => cmd::alerts::run(c),
        Command::Worker(args) => cmd::cluster::worker(args),
        Command::Scheduler(args) => cmd::cluster::scheduler(args),
        Command::Publish(args) => cmd::cluster::publish(args),
        Command::Cluster(c) => cmd::cluster::cluster(c),
        Command::Reindex(args) => cmd::cluster::reindex_cmd(args),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(2)
        }
    }
}
