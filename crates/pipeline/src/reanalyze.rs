//! Re-analysis: stored articles through the current analyser.
//!
//! An analyser upgrade changes what is extracted; the stored articles keep their text, so
//! they are read again, their reports replaced, their events recomputed and their index
//! documents refreshed. The earlier analysis stays in the store under its own version.

use rayon::prelude::*;
use serde::Serialize;
use waspada_extract::Article;
use waspada_store::Store;

use crate::PipelineError;
use crate::index::Indexer;
use crate::prepare::Preparer;

/// Articles per transaction.
const BATCH: usize = 256;

/// What a re-analysis did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ReanalyzeSummary {
    /// The analyser version now in the store.
    pub analyzer_version: String,
    /// Articles re-analysed.
    pub articles: u64,
    /// Of which the relevance verdict changed.
    pub relevance_changed: u64,
}

/// Re-analyses every article that has no analysis by the current analyser version (all
/// of them with `all`), then refreshes the series.
pub fn reanalyze(
    store: &mut Store,
    mut indexer: Option<&mut Indexer>,
    all: bool,
    mut progress: impl FnMut(u64, u64),
) -> Result<ReanalyzeSummary, PipelineError> {
    let version = waspada_extract::ANALYZER_VERSION;
    let ids: Vec<i64> = if all {
        let mut ids = Vec::new();
        let mut after = 0;
        loop {
            let page = store.articles_after(after, 10_000)?;
            let Some(last) = page.last().map(|a| a.id) else {
                break;
            };
            ids.extend(page.iter().map(|a| a.id));
            after = last;
        }
        ids
    } else {
        store.articles_needing_analysis(version)?
    };
    let total = ids.len() as u64;
    let preparer = Preparer::default();
    let mut summary = ReanalyzeSummary {
        analyzer_version: version.to_string(),
        ..ReanalyzeSummary::default()
    };
    for chunk in ids.chunks(BATCH) {
        let records: Vec<_> = chunk
            .iter()
            .filter_map(|id| store.article(*id).transpose())
            .collect::<Result<_, _>>()?;
        let prepared: Vec<_> = records
            .par_iter()
            .map(|r| {
                let article = Article {
                    id: r.external_id.clone().unwrap_or_default(),
                    title: r.title.clone(),
                    text: r.raw_text.clone(),
                    published: r.published.clone(),
                    url: r.url.clone(),
                    lang: r.language_hint.clone(),
                    source: r.source.clone(),
                };
                let mut p = preparer.prepare(&article, r.url.clone(), r.fetched_at);
                p.pack_analysis();
                p
            })
            .collect();
        let b = store.batch()?;
        for (record, p) in records.iter().zip(&prepared) {
            let before = record
                .analysis_json
                .as_deref()
                .and_then(|j| serde_json::from_str::<serde_json::Value>(j).ok())
                .and_then(|v| v["relevance"]["is_outbreak_report"].as_bool());
            let rel = &p.analysis.relevance;
            if before != Some(rel.is_outbreak_report) {
                summary.relevance_changed += 1;
            }
            b.remove_reports(record.id)?;
            // Packed on the parallel threads above.
            b.put_analysis(record.id, &p.stored_analysis())?;
            b.add_reports(record.id, record.cluster_id, &p.reports)?;
        }
        b.commit()?;
        if let Some(ix) = indexer.as_deref_mut() {
            for id in chunk {
                if let Some(r) = store.article(*id)? {
                    ix.reindex(&r)?;
                }
            }
            ix.commit()?;
        }
        summary.articles += records.len() as u64;
        progress(summary.articles, total);
    }
    let b = store.batch()?;
    b.refresh_series()?;
    b.commit()?;
    Ok(summary)
}
