//! `waspada`: the command-line entry point. It only parses arguments and wires the
//! library crates together; the work happens in `crates/*`.

mod cmd;
mod input;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// Waspada reads outbreak news from Southeast Asia and tells analysts what is new and unusual.
#[derive(Parser)]
#[command(name = "waspada", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Read articles and say what happened where (diseases, places, counts, dates, KLB, relevance).
    Analyze(cmd::analyze::Args),
    /// Detect aberrations in a count time series, as R `surveillance` does.
    Detect(cmd::detect::Args),
    /// Score `analyze` output against gold labels (same figures as shared/tools/score.py).
    Eval(cmd::eval::Args),
    /// Measure the analyser's speed on this machine against a `wc -w` baseline.
    Bench(cmd::bench::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Analyze(args) => cmd::analyze::run(args),
        Command::Detect(args) => cmd::detect::run(args),
        Command::Eval(args) => cmd::eval::run(args),
        Command::Bench(args) => cmd::bench::run(args),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(2)
        }
    }
}
