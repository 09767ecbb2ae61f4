//! `waspada ingest`: articles from files, directories, JSON Lines and feeds into the store.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Result;
use indicatif::{ProgressBar, ProgressStyle};
use waspada_pipeline::config::{Config, SourceConfig};
use waspada_pipeline::detect::{DetectOptions, detect};
use waspada_pipeline::files::{self, InputItem};
use waspada_pipeline::ingest::{IngestOptions, IngestSummary, ingest};
use waspada_pipeline::poll::Poller;

use super::data::DataArgs;

/// Arguments of `waspada ingest`.
#[derive(clap::Args)]
pub struct Args {
    /// Files (.jsonl, .html, .txt, saved feeds .xml/.rss/.atom), directories (files read in
    /// name order), `-` for standard input (JSON Lines), or http(s) URLs of feeds or pages
    /// (fetched politely: robots.txt, rate limits, size and time limits).
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
    /// Language of the URL sources (`id`, `ms`, `en`): decides Indonesian vs Malay.
    #[arg(long)]
    pub lang: Option<String>,
    #[command(flatten)]
    pub data: DataArgs,
    /// Articles per transaction.
    #[arg(long, default_value_t = waspada_pipeline::ingest::DEFAULT_BATCH_SIZE)]
    pub batch: usize,
    /// Do not run detection after ingesting.
    #[arg(long)]
    pub no_detect: bool,
    /// Print the summary as JSON.
    #[arg(long)]
    pub json: bool,
}

/// Runs the command.
pub fn run(args: Args) -> Result<ExitCode> {
    let dir = args.data.open()?;
    let mut store = dir.store()?;
    let mut indexer = dir.indexer()?;
    // A previous run killed between the store's and the index's commits left the index
    // behind; close that gap before adding more.
    indexer.catch_up(&store)?;

    let (urls, paths): (Vec<PathBuf>, Vec<PathBuf>) = args.inputs.iter().cloned().partition(|p| {
        let s = p.to_string_lossy();
        s.starts_with("http://") || s.starts_with("https://")
    });
    let total = files::count_items(&paths);
    let bar = progress_bar(total);
    let started = Instant::now();
    let items = files::read_all(&paths).inspect(|item| {
        if let InputItem::Failed { id, error } = item {
            bar.suspend(|| eprintln!("skipped {id}: {error}"));
        }
    });
    let mut summary = ingest(
        &mut store,
        Some(&mut indexer),
        items,
        &IngestOptions {
            batch_size: args.batch,
        },
        |s| {
            bar.set_position(s.seen);
            bar.set_message(format!("{} new, {} duplicate", s.new, s.duplicates()));
        },
    )?;
    bar.finish_and_clear();
    for url in &urls {
        fetch_url(
            &mut store,
            &mut indexer,
            &url.to_string_lossy(),
            args.lang.clone(),
            &mut summary,
        )?;
    }
    if !urls.is_empty() {
        let b = store.batch()?;
        b.refresh_series()?;
        b.commit()?;
    }
    let elapsed = started.elapsed();
    let detection = if args.no_detect {
        None
    } else {
        Some(detect(&mut store, &DetectOptions::default())?)
    };
    if args.json {
        println!(
            "{}",
            serde_json::json!({
                "ingest": summary,
                "seconds": elapsed.as_secs_f64(),
                "detect": detection,
                "store": store.stats()?,
            })
        );
    } else {
        print_summary(&summary, elapsed.as_secs_f64());
        if let Some(d) = &detection {
            let total: usize = d.signals.values().sum();
            let by: Vec<String> = d.signals.iter().map(|(m, n)| format!("{n} {m}")).collect();
            println!(
                "detection as of {}: {} series, {} signal(s){}",
                d.as_of.as_deref().unwrap_or("-"),
                d.series,
                total,
                if by.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", by.join(", "))
                }
            );
        }
        let stats = store.stats()?;
        println!(
            "store {}: {} articles ({} stories, {} outbreak reports), {} events",
            dir.root().display(),
            stats.articles,
            stats.stories,
            stats.outbreak_articles,
            stats.events
        );
    }
    Ok(if summary.failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Fetches a feed (and its items' pages) or a page given on the command line, politely.
fn fetch_url(
    store: &mut waspada_store::Store,
    indexer: &mut waspada_pipeline::index::Indexer,
    url: &str,
    language: Option<String>,
    summary: &mut IngestSummary,
) -> Result<()> {
    let config = Config::default();
    let poller = Poller::new(&config)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let mut source = SourceConfig {
        name: url.to_string(),
        kind: "feed".into(),
        url: url.to_string(),
        country: None,
        language,
        every_minutes: 30,
        content_selector: None,
        feed_text_only: false,
        disabled: false,
    };
    let mut report = runtime.block_on(poller.poll(store, Some(indexer), &source))?;
    // Not a feed: read it as one article page.
    if report.items == 0 && report.error.as_deref().is_some_and(|e| e.contains("feed")) {
        source.kind = "page".into();
        report = runtime.block_on(poller.poll(store, Some(indexer), &source))?;
    }
    summary.seen += report.items.max(1) as u64;
    summary.new += report.ingest.new;
    summary.same_url += report.ingest.same_url;
    summary.same_text += report.ingest.same_text;
    summary.near_duplicate += report.ingest.near_duplicate;
    summary.outbreak_reports += report.ingest.outbreak_reports;
    summary.reports += report.ingest.reports;
    summary.failed += report.ingest.failed;
    summary.failures.extend(report.ingest.failures);
    if let Some(e) = report.error {
        summary.failed += 1;
        summary.failures.push(waspada_pipeline::ingest::Failure {
            id: url.to_string(),
            reason: e,
        });
    }
    Ok(())
}

fn progress_bar(total: Option<u64>) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    match total {
        Some(n) => ProgressBar::new(n).with_style(
            ProgressStyle::with_template(
                "{spinner} [{elapsed_precise}] {wide_bar} {pos}/{len} articles ({per_sec}, {eta} left) {msg}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
        ),
        None => ProgressBar::new_spinner().with_style(
            ProgressStyle::with_template("{spinner} [{elapsed_precise}] {pos} articles ({per_sec}) {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        ),
    }
}

fn print_summary(s: &IngestSummary, seconds: f64) {
    println!(
        "read {} input(s) in {:.1} s: {} new, {} duplicate ({} same URL, {} same text), {} failed",
        s.seen,
        seconds,
        s.new,
        s.duplicates(),
        s.same_url,
        s.same_text,
        s.failed
    );
    println!(
        "  of the new: {} outbreak reports, {} joined a story already stored (near-duplicates), \
         {} disease × place reports",
        s.outbreak_reports, s.near_duplicate, s.reports
    );
    for f in s.failures.iter().take(20) {
        println!("  failed {}: {}", f.id, f.reason);
    }
    if s.failed as usize > 20 {
        println!("  ... and {} more failures", s.failed - 20);
    }
}
