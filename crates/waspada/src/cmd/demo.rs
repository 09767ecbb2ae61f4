//! `waspada demo`: the README's first command. Ninety days of synthetic Indonesian and
//! English news with four outbreaks that grow (dengue in Garut, rabies in Sikka, a
//! school-meal poisoning in Cianjur, African swine fever in NTT) go into a fresh data
//! directory; detection runs over every week; the dashboard opens on it, with a `demo`
//! admin whose password is made anew at each run and printed next to the address.

use std::io::IsTerminal;
use std::net::SocketAddr;
use std::process::ExitCode;

use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressStyle};
use waspada_extract::Article;
use waspada_pipeline::DataDir;
use waspada_pipeline::detect::{DetectOptions, detect};
use waspada_pipeline::files::InputItem;
use waspada_pipeline::ingest::{IngestOptions, ingest};
use waspada_serve::{AppState, accounts};
use waspada_store::Role;

/// The demo's account (an admin, so the users page can be tried too).
const DEMO_USER: &str = "demo";

/// Arguments of `waspada demo`.
#[derive(clap::Args)]
pub struct Args {
    /// Where the demo data go (created; reused if it exists).
    #[arg(long = "data", default_value = "waspada-demo", value_name = "DIR")]
    pub dir: std::path::PathBuf,
    /// Address of the dashboard.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    /// Seed of the synthetic corpus.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Build the data directory and exit without serving.
    #[arg(long)]
    pub no_serve: bool,
}

/// Runs the command.
pub fn run(args: Args) -> Result<ExitCode> {
    let dir = DataDir::create(&args.dir)
        .with_context(|| format!("cannot create {}", args.dir.display()))?;
    let corpus = waspada_synth::demo_corpus(args.seed);
    println!(
        "demo: {} SYNTHETIC articles (90 days of invented news) into {}",
        corpus.len(),
        dir.root().display()
    );
    let bar = if std::io::stderr().is_terminal() {
        ProgressBar::new(corpus.len() as u64).with_style(
            ProgressStyle::with_template(
                "{spinner} ingest {wide_bar} {pos}/{len} ({per_sec}) {msg}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
        )
    } else {
        ProgressBar::hidden()
    };
    let items = corpus.into_iter().map(|a| {
        InputItem::Article(Article {
            id: a.id,
            title: Some(a.title),
            text: a.text,
            published: Some(a.published),
            url: Some(a.url),
            lang: Some(a.lang),
            source: Some(a.source),
        })
    });
    let mut store = dir.store()?;
    let mut indexer = dir.indexer()?;
    let summary = ingest(
        &mut store,
        Some(&mut indexer),
        items,
        &IngestOptions::default(),
        |s| {
            bar.set_position(s.seen);
            bar.set_message(format!("{} new", s.new));
        },
    )?;
    bar.finish_and_clear();
    drop(indexer);
    // Every week of the corpus: as if Waspada had been running all along.
    let d = detect(
        &mut store,
        &DetectOptions {
            latest: usize::MAX,
            ..DetectOptions::default()
        },
    )?;
    // A fresh password at every run: nothing to guess, nothing written down anywhere.
    let password = accounts::random_password(16)?;
    if store.credentials(DEMO_USER)?.is_some() {
        accounts::change_password(&mut store, DEMO_USER, &password)?;
    } else {
        accounts::create_user(&mut store, DEMO_USER, Role::Admin, &password)?;
    }
    let login = format!("login: user {DEMO_USER}, password {password}   (new at every run)");
    let stats = store.stats()?;
    println!(
        "stored {} articles ({} new now), {} outbreak reports, {} events; {} signals as of {}",
        stats.articles,
        summary.new,
        stats.outbreak_articles,
        stats.events,
        stats.signals,
        d.as_of.as_deref().unwrap_or("-")
    );
    drop(store);
    if args.no_serve {
        println!("{login}");
        return Ok(ExitCode::SUCCESS);
    }
    let mut state = AppState::open(dir.root()).context("cannot open the demo data")?;
    state.synthetic = true;
    super::serve::serve(state, args.addr, Some(&login))?;
    Ok(ExitCode::SUCCESS)
}
