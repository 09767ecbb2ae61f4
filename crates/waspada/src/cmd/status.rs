//! `waspada status`: what the store holds, and whether the search index agrees with it.

use std::collections::BTreeSet;
use std::process::ExitCode;

use anyhow::Result;

use super::data::DataArgs;

/// Arguments of `waspada status`.
#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub data: DataArgs,
    /// Compare every article id in the index with the store (slower on big stores).
    #[arg(long)]
    pub check: bool,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// Runs the command. Exit status 1 when `--check` finds a disagreement.
pub fn run(args: Args) -> Result<ExitCode> {
    let dir = args.data.existing()?;
    let store = dir.store()?;
    let indexer = dir.indexer()?;
    let stats = store.stats()?;
    let index = indexer.index();
    let unanalysed = store
        .articles_needing_analysis(waspada_extract::ANALYZER_VERSION)?
        .len();
    let mut check = serde_json::Value::Null;
    let mut ok = true;
    if args.check {
        let in_index: BTreeSet<u64> = index.doc_ids()?.into_iter().collect();
        let mut in_store = BTreeSet::new();
        let mut after = 0;
        loop {
            let page = store.articles_after(after, 10_000)?;
            let Some(last) = page.last().map(|a| a.id) else {
                break;
            };
            in_store.extend(page.iter().map(|a| a.id as u64));
            after = last;
        }
        let missing = in_store.difference(&in_index).count();
        let extra = in_index.difference(&in_store).count();
        ok = missing == 0 && extra == 0;
        check = serde_json::json!({
            "index_agrees_with_store": ok,
            "missing_from_index": missing,
            "not_in_store": extra,
        });
    }
    let mut sources = Vec::new();
    for src in store.sources()? {
        let state = match &src.url {
            Some(u) => store.fetch_state(u)?,
            None => None,
        };
        sources.push((src, state));
    }
    if args.json {
        let list: Vec<_> = sources
            .iter()
            .map(|(s, st)| serde_json::json!({ "source": s, "fetch": st }))
            .collect();
        println!(
            "{}",
            serde_json::json!({
                "store": stats,
                "index_documents": index.num_docs(),
                "index_watermark": index.watermark()?,
                "articles_without_current_analysis": unanalysed,
                "check": check,
                "sources": list,
            })
        );
    } else {
        println!("data directory {}", dir.root().display());
        println!(
            "  {} articles ({} stories after near-duplicates), {} analyses, {} outbreak reports",
            stats.articles, stats.stories, stats.analyses, stats.outbreak_articles
        );
        println!(
            "  {} disease × place reports in {} events; {} signals",
            stats.reports, stats.events, stats.signals
        );
        println!(
            "  search index: {} documents, up to article #{}",
            index.num_docs(),
            index.watermark()?
        );
        if unanalysed > 0 {
            println!(
                "  {unanalysed} article(s) not analysed by {}: run `waspada reanalyze`",
                waspada_extract::ANALYZER_VERSION
            );
        }
        let now = waspada_store::now_ms();
        for (src, st) in &sources {
            let Some(st) = st else {
                println!("  source {}: never polled", src.name);
                continue;
            };
            let ago = |t: Option<i64>| {
                t.map_or("never".to_string(), |t| {
                    format!("{:.1} h ago", (now - t) as f64 / 3.6e6)
                })
            };
            match &st.last_error {
                Some(e) => println!(
                    "  source {}: FAILING ({} in a row; last success {}): {e}",
                    src.name,
                    st.consecutive_failures,
                    ago(st.last_success_at)
                ),
                None => println!(
                    "  source {}: ok, last success {}, {} new of {} items seen",
                    src.name,
                    ago(st.last_success_at),
                    st.items_new,
                    st.items_seen
                ),
            }
        }
        if args.check {
            if ok {
                println!("  check: the index agrees with the store");
            } else {
                println!("  check: DISAGREES: {check}");
            }
        }
    }
    Ok(if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
