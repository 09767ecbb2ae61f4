//! `waspada reanalyze`: stored articles through the current analyser.

use std::process::ExitCode;

use anyhow::Result;
use waspada_pipeline::reanalyze::reanalyze;

use super::data::DataArgs;

/// Arguments of `waspada reanalyze`.
#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub data: DataArgs,
    /// Re-analyse every article, not only those the current analyser has not seen.
    #[arg(long)]
    pub all: bool,
}

/// Runs the command.
pub fn run(args: Args) -> Result<ExitCode> {
    let dir = args.data.existing()?;
    let mut store = dir.store()?;
    let mut indexer = dir.indexer()?;
    indexer.catch_up(&store)?;
    let s = reanalyze(&mut store, Some(&mut indexer), args.all, |done, total| {
        if done % 2048 < 256 || done == total {
            eprintln!("re-analysed {done}/{total}");
        }
    })?;
    println!(
        "re-analysed {} article(s) with {}; {} changed relevance verdict",
        s.articles, s.analyzer_version, s.relevance_changed
    );
    Ok(ExitCode::SUCCESS)
}
