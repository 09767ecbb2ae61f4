//! Serves a data directory, filling it first (when it is empty) with the given inputs
//! (files, directories, JSON Lines, as `waspada analyze` reads them) or else with the
//! synthetic demo corpus. For trying the dashboard before `waspada serve` / `waspada demo`
//! are wired:
//!
//! ```text
//! cargo run -p waspada-serve --example serve_demo -- /tmp/waspada-demo 127.0.0.1:8080 [INPUT ...]
//! ```

use std::path::PathBuf;

use waspada_extract::Article;
use waspada_pipeline::DataDir;
use waspada_pipeline::detect::{DetectOptions, detect};
use waspada_pipeline::files::InputItem;
use waspada_pipeline::ingest::{IngestOptions, ingest};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let dir = PathBuf::from(args.next().unwrap_or_else(|| "waspada-demo-data".into()));
    let addr = args
        .next()
        .unwrap_or_else(|| "127.0.0.1:8080".into())
        .parse()?;
    let inputs: Vec<PathBuf> = args.map(PathBuf::from).collect();
    let data = DataDir::create(&dir)?;
    let mut store = data.store()?;
    if store.stats()?.articles == 0 {
        eprintln!("ingesting into {}", dir.display());
        let mut indexer = data.indexer()?;
        let demo = if inputs.is_empty() {
            waspada_synth::demo_corpus(1)
        } else {
            Vec::new()
        };
        let items = waspada_pipeline::files::read_all(&inputs).chain(demo.into_iter().map(|a| {
            InputItem::Article(Article {
                id: a.id,
                title: Some(a.title),
                text: a.text,
                published: Some(a.published),
                url: Some(a.url),
                lang: Some(a.lang),
                source: Some(a.source),
            })
        }));
        let summary = ingest(
            &mut store,
            Some(&mut indexer),
            items,
            &IngestOptions::default(),
            |s| eprint!("\r{} articles", s.seen),
        )?;
        eprintln!("\n{} new, {} failed", summary.new, summary.failed);
        detect(&mut store, &DetectOptions::default())?;
    }
    // A `demo` admin with a new random password at each start.
    let password = waspada_serve::accounts::random_password(16)?;
    if store.credentials("demo")?.is_some() {
        waspada_serve::accounts::change_password(&mut store, "demo", &password)?;
    } else {
        waspada_serve::accounts::create_user(
            &mut store,
            "demo",
            waspada_store::Role::Admin,
            &password,
        )?;
    }
    drop(store);
    let mut state = waspada_serve::AppState::open(&dir)?;
    state.synthetic = inputs.is_empty();
    eprintln!("http://{addr}/   login: demo, password {password}");
    waspada_serve::serve_state(state, addr).await?;
    Ok(())
}
