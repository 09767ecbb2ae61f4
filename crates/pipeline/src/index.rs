//! Keeping the search index in step with the store.
//!
//! The store commits first; the index follows. Each index commit records the highest
//! article id it holds (its watermark), so after a crash the index re-reads only what came
//! after it. The index can therefore lag the store for a moment but never hold an article
//! the store lacks, and [`Indexer::catch_up`] closes the gap.

use std::path::Path;

use serde_json::Value;
use waspada_search::{SearchDoc, SearchIndex};
use waspada_store::{ArticleRecord, Store};

use crate::PipelineError;

/// Articles read from the store per round while catching up.
const CATCH_UP_PAGE: usize = 2000;
/// New documents held before an index commit. A tantivy commit writes a segment, so
/// committing every small batch costs more than indexing it; what is not committed when
/// the process dies is re-read from the store on the next start.
const COMMIT_EVERY: usize = 4096;

/// The search index, fed from the store.
pub struct Indexer {
    index: SearchIndex,
    /// Documents added since the last commit, and the store id they reach.
    uncommitted: usize,
    reached: Option<i64>,
}

impl Indexer {
    /// Opens (or creates) the index in `dir`. An index an older Waspada built with another
    /// layout is replaced by an empty one, which [`catch_up`](Self::catch_up) refills.
    pub fn open(dir: &Path) -> Result<Indexer, PipelineError> {
        let (index, replaced) = SearchIndex::open_or_rebuild(dir)?;
        if replaced {
            tracing::warn!(
                "the search index in {} was built by an older Waspada; rebuilding it from the store",
                dir.display()
            );
        }
        Ok(Indexer {
            index,
            uncommitted: 0,
            reached: None,
        })
    }

    /// The index, for searching.
    pub fn index(&self) -> &SearchIndex {
        &self.index
    }

    /// Indexes every stored article past the index's watermark. Returns how many.
    pub fn catch_up(&mut self, store: &Store) -> Result<u64, PipelineError> {
        let mut done = 0;
        let mut after = self.index.watermark()? as i64;
        loop {
            let page = store.articles_after(after, CATCH_UP_PAGE)?;
            let Some(last) = page.last().map(|a| a.id) else {
                break;
            };
            for article in &page {
                self.index.upsert(&search_doc(article))?;
            }
            self.index.commit(last as u64)?;
            done += page.len() as u64;
            after = last;
        }
        Ok(done)
    }

    /// Indexes articles just stored, built from what is already in memory, when the index
    /// holds everything before them (`stored_before` is the highest article id before the
    /// batch, `stored_after` after it); otherwise catches up from the store.
    pub fn add_new(
        &mut self,
        store: &Store,
        docs: Vec<SearchDoc>,
        stored_before: i64,
        stored_after: i64,
    ) -> Result<(), PipelineError> {
        let reached = match self.reached {
            Some(r) => r,
            None => self.index.watermark()? as i64,
        };
        if reached != stored_before {
            self.flush()?;
            self.catch_up(store)?;
            return Ok(());
        }
        if stored_after == stored_before {
            return Ok(());
        }
        for doc in &docs {
            self.index.upsert(doc)?;
        }
        self.uncommitted += docs.len();
        self.reached = Some(stored_after);
        if self.uncommitted >= COMMIT_EVERY {
            self.flush()?;
        }
        Ok(())
    }

    /// Commits what was added, with its watermark.
    pub fn flush(&mut self) -> Result<(), PipelineError> {
        if let Some(reached) = self.reached.take() {
            self.index.commit(reached as u64)?;
        }
        self.uncommitted = 0;
        Ok(())
    }

    /// Re-indexes one article (after re-analysis). Call [`Indexer::commit`] after a run.
    pub fn reindex(&mut self, article: &ArticleRecord) -> Result<(), PipelineError> {
        self.index.upsert(&search_doc(article))?;
        Ok(())
    }

    /// Commits re-indexed articles, keeping the watermark.
    pub fn commit(&mut self) -> Result<(), PipelineError> {
        let w = self.index.watermark()?;
        self.index.commit(w)?;
        Ok(())
    }
}

/// The index document of an article just analysed.
pub fn search_doc_of(
    article_id: i64,
    title: Option<&str>,
    clean_text: &str,
    analysis: &waspada_extract::Analysis,
) -> SearchDoc {
    let sorted = |mut v: Vec<String>| {
        v.sort();
        v.dedup();
        v
    };
    let places = &analysis.locations;
    SearchDoc {
        article_id: article_id as u64,
        language: analysis.language.clone(),
        title: title.unwrap_or_default().to_string(),
        body: clean_text.to_string(),
        published: analysis
            .published
            .as_deref()
            .and_then(|d| d.get(..10))
            .and_then(|d| d.parse().ok()),
        diseases: sorted(analysis.diseases.iter().map(|d| d.id.clone()).collect()),
        countries: sorted(places.iter().map(|l| l.country.clone()).collect()),
        provinces: sorted(
            places
                .iter()
                .filter_map(|l| l.province_code.clone())
                .collect(),
        ),
        regencies: sorted(
            places
                .iter()
                .filter_map(|l| l.regency_code.clone())
                .collect(),
        ),
        relevance: analysis.relevance.score,
        is_outbreak: analysis.relevance.is_outbreak_report,
    }
}

/// The index document of a stored article: its text, and the facets of its analysis.
pub fn search_doc(a: &ArticleRecord) -> SearchDoc {
    let analysis: Value = a
        .analysis_json
        .as_deref()
        .and_then(|j| serde_json::from_str(j).ok())
        .unwrap_or(Value::Null);
    let strings = |list: &str, field: &str| -> Vec<String> {
        let mut out: Vec<String> = analysis[list]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|x| x[field].as_str().map(str::to_string))
            .collect();
        out.sort();
        out.dedup();
        out
    };
    SearchDoc {
        article_id: a.id as u64,
        language: a.language.clone(),
        title: a.title.clone().unwrap_or_default(),
        body: a.clean_text.clone(),
        published: analysis["published"]
            .as_str()
            .and_then(|d| d.get(..10))
            .and_then(|d| d.parse().ok()),
        diseases: strings("diseases", "id"),
        countries: strings("locations", "country"),
        provinces: strings("locations", "province_code"),
        regencies: strings("locations", "regency_code"),
        relevance: analysis["relevance"]["score"].as_f64().unwrap_or(0.0),
        is_outbreak: analysis["relevance"]["is_outbreak_report"]
            .as_bool()
            .unwrap_or(false),
    }
}
