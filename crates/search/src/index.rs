//! The index itself: schema, writing with a watermark, searching with filters and facets.

use std::collections::BTreeMap;
use std::collections::btree_map::Entry;
use std::ops::Bound;
use std::path::{Path, PathBuf};

use jiff::civil::Date;
use serde::Serialize;
use tantivy::collector::{Count, FacetCollector, FacetCounts, TopDocs};
use tantivy::columnar::Column;
use tantivy::directory::MmapDirectory;
use tantivy::query::{
    AllQuery, BooleanQuery, ConstScoreQuery, Occur, Query as TantivyQuery, QueryParser, RangeQuery,
    TermQuery,
};
use tantivy::schema::{
    FAST, Facet, FacetOptions, Field, INDEXED, IndexRecordOption, Schema, TextFieldIndexing,
    TextOptions,
};
use tantivy::snippet::SnippetGenerator;
use tantivy::{
    DocAddress, Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, TantivyError, Term,
};

use crate::SearchError;
use crate::analysis::{
    ENGLISH_ANALYZER, INDONESIAN_ANALYZER, english_analyzer, indonesian_analyzer,
};
use crate::snippet::{SNIPPET_MAX_CHARS, Snippet};

/// How much more a query word counts in a title than in a body.
pub const TITLE_BOOST: f32 = 2.0;
/// Default writer memory budget: 64 MB, enough for segments of several thousand articles
/// while leaving room for the rest of the ingest under its 1 GB limit.
pub const DEFAULT_WRITER_MEMORY_BYTES: usize = 64 * 1024 * 1024;
/// The smallest writer memory budget per indexing thread tantivy accepts (15 MB).
pub const MIN_WRITER_MEMORY_BYTES: usize = 15_000_000;
/// The largest page of hits [`SearchIndex::search`] returns; larger limits are clamped.
pub const MAX_LIMIT: usize = 10_000;
/// The deepest offset [`SearchIndex::search`] pages to; larger offsets are clamped.
pub const MAX_OFFSET: usize = 1_000_000;

const WATERMARK_PREFIX: &str = "watermark=";

/// One article as the index sees it. Built by the caller from the store's article and its
/// latest analysis.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SearchDoc {
    /// The store's article id (primary key). Unique in the index: [`SearchIndex::upsert`]
    /// replaces any earlier document with the same id.
    pub article_id: u64,
    /// ISO 639-1 language of the article (`id`, `ms`, `en`, ...). `en` selects the English
    /// analyzer; everything else the Indonesian one.
    pub language: String,
    /// Headline.
    pub title: String,
    /// Clean body text.
    pub body: String,
    /// Publication date; articles without one are left out by date filters.
    pub published: Option<Date>,
    /// Disease ids found in the article (`dengue`, `rabies`, ...).
    pub diseases: Vec<String>,
    /// ISO 3166-1 alpha-3 country codes (`IDN`, `MYS`, ...).
    pub countries: Vec<String>,
    /// Kemendagri province codes (`32` for Jawa Barat).
    pub provinces: Vec<String>,
    /// Kemendagri regency/city codes (`32.05` for Garut).
    pub regencies: Vec<String>,
    /// How relevant the analyser judged the article to outbreak surveillance (0 to 1).
    /// Not a number counts as 0.
    pub relevance: f64,
    /// The analyser classified the article as an outbreak report.
    pub is_outbreak: bool,
}

/// A search: free text plus filters. Build with [`Query::text`] or `Query::default()` and
/// set fields with struct update syntax.
#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    /// Free text, parsed leniently (never an error). Empty: every article passing the
    /// filters, in index order with equal scores.
    pub text: String,
    /// Only articles published on or after this day.
    pub since: Option<Date>,
    /// Only articles published on or before this day.
    pub until: Option<Date>,
    /// Only articles with this disease id.
    pub disease: Option<String>,
    /// Only articles with this country code.
    pub country: Option<String>,
    /// Only articles with this province code.
    pub province: Option<String>,
    /// Only articles with this regency code.
    pub regency: Option<String>,
    /// Only outbreak reports.
    pub outbreak_only: bool,
    /// Only articles with at least this relevance.
    pub min_relevance: Option<f64>,
    /// Page size (default 10; at most [`MAX_LIMIT`]; 0 returns counts and facets only).
    pub limit: usize,
    /// Hits to skip, for paging (at most [`MAX_OFFSET`]).
    pub offset: usize,
    /// Compute facet counts (default). Turn off for the next pages of the same search:
    /// counting costs about as much as ranking on queries that match most articles.
    pub facets: bool,
}

impl Default for Query {
    fn default() -> Self {
        Query {
            text: String::new(),
            since: None,
            until: None,
            disease: None,
            country: None,
            province: None,
            regency: None,
            outbreak_only: false,
            min_relevance: None,
            limit: 10,
            offset: 0,
            facets: true,
        }
    }
}

impl Query {
    /// A free-text query with no filters and the default page size.
    pub fn text(text: impl Into<String>) -> Self {
        Query {
            text: text.into(),
            ..Query::default()
        }
    }

    /// Restricts the query to a place given by its code: an ISO 3166-1 alpha-3 country
    /// (`IDN`), a Kemendagri province (`32`) or regency (`32.05`). Returns false, and
    /// changes nothing, when the code is none of these.
    pub fn set_place(&mut self, code: &str) -> bool {
        let code = code.trim();
        let b = code.as_bytes();
        if b.len() == 3 && b.iter().all(u8::is_ascii_alphabetic) {
            self.country = Some(code.to_ascii_uppercase());
        } else if b.len() == 2 && b.iter().all(u8::is_ascii_digit) {
            self.province = Some(code.to_string());
        } else if b.len() == 5
            && b[2] == b'.'
            && b[..2].iter().chain(&b[3..]).all(u8::is_ascii_digit)
        {
            self.regency = Some(code.to_string());
        } else {
            return false;
        }
        true
    }
}

/// One matching article.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Hit {
    /// The store's article id.
    pub article_id: u64,
    /// BM25 score (higher is better); only comparable within one search.
    pub score: f32,
}

/// A facet value and the number of matching articles that have it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FacetCount {
    /// The disease id, country code, province code or regency code.
    pub value: String,
    /// Matching articles with that value.
    pub count: u64,
}

/// Facet counts over all articles matching a search (not only the page returned), most
/// frequent first.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Facets {
    /// Per disease id.
    pub diseases: Vec<FacetCount>,
    /// Per country code.
    pub countries: Vec<FacetCount>,
    /// Per province code.
    pub provinces: Vec<FacetCount>,
    /// Per regency code.
    pub regencies: Vec<FacetCount>,
}

/// What [`SearchIndex::search`] found.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct SearchResults {
    /// How many articles match (all pages).
    pub total: usize,
    /// The requested page of hits, best first.
    pub hits: Vec<Hit>,
    /// Facet counts over all matching articles.
    pub facets: Facets,
}

/// Writer settings for [`SearchIndex::open_with`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IndexOptions {
    /// Memory the writer may buffer before writing a segment, over all its threads.
    pub writer_memory_bytes: usize,
    /// Indexing threads. One leaves the other cores to analysis.
    pub writer_threads: usize,
}

impl Default for IndexOptions {
    fn default() -> Self {
        IndexOptions {
            writer_memory_bytes: DEFAULT_WRITER_MEMORY_BYTES,
            writer_threads: 1,
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct Fields {
    article_id: Field,
    title_id: Field,
    body_id: Field,
    title_en: Field,
    body_en: Field,
    published: Field,
    relevance: Field,
    is_outbreak: Field,
    /// Every facet of an article in one field, under `/disease`, `/country`, `/province`
    /// and `/regency`: counting facets then reads one column per matching document, not
    /// four (facet counting was a quarter of a search page's cost).
    places_and_diseases: Field,
}

const F_ARTICLE_ID: &str = "article_id";
const F_FACETS: &str = "facets";
const FACET_DISEASE: &str = "disease";
const FACET_COUNTRY: &str = "country";
const FACET_PROVINCE: &str = "province";
const FACET_REGENCY: &str = "regency";

fn build_schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let text = |analyzer: &str| {
        TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(analyzer)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        )
    };
    let fields = Fields {
        article_id: b.add_u64_field(F_ARTICLE_ID, INDEXED | FAST),
        title_id: b.add_text_field("title_id", text(INDONESIAN_ANALYZER)),
        body_id: b.add_text_field("body_id", text(INDONESIAN_ANALYZER)),
        title_en: b.add_text_field("title_en", text(ENGLISH_ANALYZER)),
        body_en: b.add_text_field("body_en", text(ENGLISH_ANALYZER)),
        // YYYYMMDD as an integer: ordered like dates, readable in a debugger.
        published: b.add_i64_field("published", INDEXED | FAST),
        relevance: b.add_f64_field("relevance", INDEXED | FAST),
        is_outbreak: b.add_bool_field("is_outbreak", INDEXED | FAST),
        places_and_diseases: b.add_facet_field(F_FACETS, FacetOptions::default()),
    };
    (b.build(), fields)
}

fn ymd(d: Date) -> i64 {
    i64::from(d.year()) * 10_000 + i64::from(d.month()) * 100 + i64::from(d.day())
}

fn is_english(language: &str) -> bool {
    let l = language.trim();
    l.eq_ignore_ascii_case("en")
        || l.eq_ignore_ascii_case("eng")
        || l.eq_ignore_ascii_case("english")
}

/// The full-text index of stored articles (see the crate docs for how it fits the store).
///
/// Opening does not take the write lock: many processes can search one index while one
/// ingest writes it. The writer is created (and the lock taken) by the first
/// [`upsert`](Self::upsert), [`delete`](Self::delete) or [`commit`](Self::commit).
pub struct SearchIndex {
    path: PathBuf,
    index: Index,
    reader: IndexReader,
    writer: Option<IndexWriter>,
    options: IndexOptions,
    parser: QueryParser,
    fields: Fields,
    /// `meta.json`'s modification time and length at the last [`SearchIndex::refresh`].
    refreshed: std::sync::Mutex<Option<(Option<std::time::SystemTime>, u64)>>,
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchIndex")
            .field("path", &self.path)
            .field("writing", &self.writer.is_some())
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

impl SearchIndex {
    /// Opens the index in `dir`, creating the directory and an empty index if needed, with
    /// the default writer settings.
    pub fn open_or_create(dir: impl AsRef<Path>) -> Result<Self, SearchError> {
        Self::open_with(dir, IndexOptions::default())
    }

    /// Opens the index in `dir` like [`open_or_create`](Self::open_or_create), but an
    /// index built with another layout (an older Waspada) is replaced by an empty one
    /// instead of refused. The index is derived from the store, so the caller re-indexes
    /// from the store (the new index's watermark is 0). Returns the index and whether it
    /// was replaced, so that the caller can say so.
    pub fn open_or_rebuild(dir: impl AsRef<Path>) -> Result<(Self, bool), SearchError> {
        match Self::open_or_create(dir.as_ref()) {
            Err(SearchError::SchemaMismatch { path, .. }) => {
                // A schema mismatch means `dir` holds a tantivy index: its files are ours.
                let entries = std::fs::read_dir(&path).map_err(|e| SearchError::OpenDir {
                    path: path.clone(),
                    source: Box::new(e),
                })?;
                for entry in entries.flatten() {
                    if entry.file_type().is_ok_and(|t| t.is_file()) {
                        std::fs::remove_file(entry.path()).map_err(|e| SearchError::OpenDir {
                            path: entry.path(),
                            source: Box::new(e),
                        })?;
                    }
                }
                Ok((Self::open_or_create(&path)?, true))
            }
            opened => opened.map(|index| (index, false)),
        }
    }

    /// Opens or creates the index in `dir` with explicit writer settings.
    pub fn open_with(dir: impl AsRef<Path>, options: IndexOptions) -> Result<Self, SearchError> {
        let path = dir.as_ref().to_path_buf();
        let threads = options.writer_threads.max(1);
        let per_thread = options.writer_memory_bytes / threads;
        if per_thread < MIN_WRITER_MEMORY_BYTES {
            return Err(SearchError::MemoryBudget {
                bytes: per_thread,
                min: MIN_WRITER_MEMORY_BYTES,
            });
        }
        std::fs::create_dir_all(&path).map_err(|e| SearchError::OpenDir {
            path: path.clone(),
            source: Box::new(e),
        })?;
        let directory = MmapDirectory::open(&path).map_err(|e| SearchError::OpenDir {
            path: path.clone(),
            source: Box::new(e),
        })?;
        let (schema, fields) = build_schema();
        let index = Index::open_or_create(directory, schema).map_err(|e| match e {
            TantivyError::SchemaError(detail) => SearchError::SchemaMismatch {
                path: path.clone(),
                detail,
            },
            source => SearchError::Tantivy {
                context: "opening the index",
                source,
            },
        })?;
        index
            .tokenizers()
            .register(INDONESIAN_ANALYZER, indonesian_analyzer());
        index
            .tokenizers()
            .register(ENGLISH_ANALYZER, english_analyzer());
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .map_err(SearchError::tantivy("opening a reader"))?;
        let mut parser = QueryParser::for_index(
            &index,
            vec![
                fields.title_id,
                fields.body_id,
                fields.title_en,
                fields.body_en,
            ],
        );
        parser.set_field_boost(fields.title_id, TITLE_BOOST);
        parser.set_field_boost(fields.title_en, TITLE_BOOST);
        Ok(SearchIndex {
            path,
            index,
            reader,
            writer: None,
            options: IndexOptions {
                writer_threads: threads,
                ..options
            },
            parser,
            fields,
            refreshed: std::sync::Mutex::new(None),
        })
    }

    /// The directory the index lives in.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn writer(&mut self) -> Result<&mut IndexWriter, SearchError> {
        let writer = match self.writer.take() {
            Some(w) => w,
            None => self
                .index
                .writer_with_num_threads(
                    self.options.writer_threads,
                    self.options.writer_memory_bytes,
                )
                .map_err(|e| match e {
                    TantivyError::LockFailure(..) => SearchError::WriterBusy {
                        path: self.path.clone(),
                        detail: e.to_string(),
                    },
                    source => SearchError::Tantivy {
                        context: "creating the index writer",
                        source,
                    },
                })?,
        };
        Ok(self.writer.insert(writer))
    }

    fn to_document(&self, doc: &SearchDoc) -> TantivyDocument {
        let f = &self.fields;
        let mut d = TantivyDocument::default();
        d.add_u64(f.article_id, doc.article_id);
        let (title, body) = if is_english(&doc.language) {
            (f.title_en, f.body_en)
        } else {
            (f.title_id, f.body_id)
        };
        d.add_text(title, &doc.title);
        d.add_text(body, &doc.body);
        if let Some(p) = doc.published {
            d.add_i64(f.published, ymd(p));
        }
        let relevance = if doc.relevance.is_nan() {
            0.0
        } else {
            doc.relevance
        };
        d.add_f64(f.relevance, relevance);
        d.add_bool(f.is_outbreak, doc.is_outbreak);
        for (kind, values) in [
            (FACET_DISEASE, &doc.diseases),
            (FACET_COUNTRY, &doc.countries),
            (FACET_PROVINCE, &doc.provinces),
            (FACET_REGENCY, &doc.regencies),
        ] {
            // Once per value: a repeated value must not count the article twice in facets.
            let mut seen: Vec<&str> = Vec::with_capacity(values.len());
            for v in values {
                let v = v.trim();
                if !v.is_empty() && !seen.contains(&v) {
                    seen.push(v);
                    d.add_facet(f.places_and_diseases, Facet::from_path([kind, v]));
                }
            }
        }
        d
    }

    /// Adds `doc`, replacing any document with the same article id (re-analysis replaces).
    /// Visible to searches after the next [`commit`](Self::commit).
    pub fn upsert(&mut self, doc: &SearchDoc) -> Result<(), SearchError> {
        let term = Term::from_field_u64(self.fields.article_id, doc.article_id);
        let document = self.to_document(doc);
        let w = self.writer()?;
        // Deletes apply only to documents added before them, so the new one survives.
        w.delete_term(term);
        w.add_document(document)
            .map_err(SearchError::tantivy("adding a document"))?;
        Ok(())
    }

    /// Removes the article with this id (no error if it is absent). Takes effect at the next
    /// [`commit`](Self::commit).
    pub fn delete(&mut self, article_id: u64) -> Result<(), SearchError> {
        let term = Term::from_field_u64(self.fields.article_id, article_id);
        self.writer()?.delete_term(term);
        Ok(())
    }

    /// Removes every document, for a rebuild from the store. Takes effect at the next
    /// [`commit`](Self::commit) (commit with watermark 0 to restart from the beginning).
    pub fn delete_all(&mut self) -> Result<(), SearchError> {
        self.writer()?
            .delete_all_documents()
            .map_err(SearchError::tantivy("deleting all documents"))?;
        Ok(())
    }

    /// Makes all changes since the last commit durable and visible, together with
    /// `watermark`: the highest store article id the caller has indexed so far. The
    /// documents and the watermark are written in one atomic step, so after a crash both
    /// come from the same commit.
    pub fn commit(&mut self, watermark: u64) -> Result<(), SearchError> {
        let w = self.writer()?;
        let mut prepared = w
            .prepare_commit()
            .map_err(SearchError::tantivy("preparing a commit"))?;
        prepared.set_payload(&format!("{WATERMARK_PREFIX}{watermark}"));
        prepared
            .commit()
            .map_err(SearchError::tantivy("committing"))?;
        self.reload()
    }

    /// Drops the changes since the last commit (the watermark stays where it was).
    pub fn rollback(&mut self) -> Result<(), SearchError> {
        if let Some(w) = self.writer.as_mut() {
            w.rollback().map_err(SearchError::tantivy("rolling back"))?;
        }
        Ok(())
    }

    /// The watermark stored by the last successful [`commit`](Self::commit), read from disk;
    /// 0 for an index never committed. The ingest re-indexes the store's articles above it.
    pub fn watermark(&self) -> Result<u64, SearchError> {
        let metas = self
            .index
            .load_metas()
            .map_err(SearchError::tantivy("reading the index metadata"))?;
        match metas.payload {
            None => Ok(0),
            Some(p) => p
                .strip_prefix(WATERMARK_PREFIX)
                .and_then(|n| n.parse::<u64>().ok())
                .ok_or(SearchError::BadWatermark { payload: p }),
        }
    }

    /// Picks up commits made by another process (a separate ingest). Commits made through
    /// this `SearchIndex` are visible at once.
    pub fn reload(&self) -> Result<(), SearchError> {
        self.reader
            .reload()
            .map_err(SearchError::tantivy("reloading the reader"))
    }

    /// Like [`reload`](Self::reload), but only when the index's `meta.json` changed since
    /// the last refresh: a `stat` instead of re-reading the index's metadata, for a server
    /// that checks for new commits before every search.
    pub fn refresh(&self) -> Result<(), SearchError> {
        let stamp = std::fs::metadata(self.path.join("meta.json"))
            .ok()
            .map(|m| (m.modified().ok(), m.len()));
        let mut seen = self
            .refreshed
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if stamp.is_some() && *seen == stamp {
            return Ok(());
        }
        // Stamp first, reload second: a commit in between is picked up next time.
        self.reload()?;
        *seen = stamp;
        Ok(())
    }

    /// Number of (committed, not deleted) documents.
    pub fn num_docs(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// Is this article in the (committed) index?
    pub fn contains(&self, article_id: u64) -> Result<bool, SearchError> {
        let q = TermQuery::new(
            Term::from_field_u64(self.fields.article_id, article_id),
            IndexRecordOption::Basic,
        );
        let n = self
            .reader
            .searcher()
            .search(&q, &Count)
            .map_err(SearchError::tantivy("looking up an article id"))?;
        Ok(n > 0)
    }

    /// Every article id in the (committed) index, sorted, for checking that the index
    /// agrees with the store. Reads a fast column: about 8 bytes per document.
    pub fn doc_ids(&self) -> Result<Vec<u64>, SearchError> {
        let searcher = self.reader.searcher();
        let mut ids = Vec::with_capacity(searcher.num_docs() as usize);
        for segment in searcher.segment_readers() {
            let column = segment
                .fast_fields()
                .u64(F_ARTICLE_ID)
                .map_err(SearchError::tantivy("reading article ids"))?;
            for doc in segment.doc_ids_alive() {
                if let Some(id) = column.first(doc) {
                    ids.push(id);
                }
            }
        }
        ids.sort_unstable();
        Ok(ids)
    }

    fn text_query(&self, text: &str) -> Box<dyn TantivyQuery> {
        if text.trim().is_empty() {
            return Box::new(AllQuery);
        }
        // Field syntax (`field:value`, `field:*`, `field:/regex/`, `field:[a TO b]`) is not
        // for users, who have the filters, and some of it fails only at search time (an
        // unknown or non-fast field): a colon is just a separator between words.
        let text = text.replace(':', " ");
        // Lenient: what cannot be parsed is dropped, never reported to the user as an error.
        self.parser.parse_query_lenient(&text).0
    }

    fn facet_filter(&self, kind: &str, value: &Option<String>) -> Option<Box<dyn TantivyQuery>> {
        let v = value.as_deref()?.trim();
        if v.is_empty() {
            return None;
        }
        Some(Box::new(TermQuery::new(
            Term::from_facet(
                self.fields.places_and_diseases,
                &Facet::from_path([kind, v]),
            ),
            IndexRecordOption::Basic,
        )))
    }

    fn build_query(&self, q: &Query) -> Box<dyn TantivyQuery> {
        let f = &self.fields;
        let mut filters: Vec<Box<dyn TantivyQuery>> = Vec::new();
        if q.since.is_some() || q.until.is_some() {
            let bound = |d: Option<Date>| match d {
                Some(d) => Bound::Included(Term::from_field_i64(f.published, ymd(d))),
                None => Bound::Unbounded,
            };
            filters.push(Box::new(RangeQuery::new(bound(q.since), bound(q.until))));
        }
        for (kind, value) in [
            (FACET_DISEASE, &q.disease),
            (FACET_COUNTRY, &q.country),
            (FACET_PROVINCE, &q.province),
            (FACET_REGENCY, &q.regency),
        ] {
            filters.extend(self.facet_filter(kind, value));
        }
        if q.outbreak_only {
            filters.push(Box::new(TermQuery::new(
                Term::from_field_bool(f.is_outbreak, true),
                IndexRecordOption::Basic,
            )));
        }
        if let Some(min) = q.min_relevance.filter(|m| !m.is_nan()) {
            filters.push(Box::new(RangeQuery::new(
                Bound::Included(Term::from_field_f64(f.relevance, min)),
                Bound::Unbounded,
            )));
        }
        let text = self.text_query(&q.text);
        if filters.is_empty() {
            return text;
        }
        let mut clauses: Vec<(Occur, Box<dyn TantivyQuery>)> = vec![(Occur::Must, text)];
        for filter in filters {
            // Score 0: a filter restricts the set, it must not reorder it.
            clauses.push((Occur::Must, Box::new(ConstScoreQuery::new(filter, 0.0))));
        }
        Box::new(BooleanQuery::new(clauses))
    }

    /// Runs a search: the requested page of hits, the total count and facet counts.
    pub fn search(&self, q: &Query) -> Result<SearchResults, SearchError> {
        let searcher = self.reader.searcher();
        let query = self.build_query(q);
        let limit = q.limit.min(MAX_LIMIT);
        let offset = q.offset.min(MAX_OFFSET);
        let facets = q.facets.then(|| {
            let mut c = FacetCollector::for_field(F_FACETS);
            for kind in [FACET_DISEASE, FACET_COUNTRY, FACET_PROVINCE, FACET_REGENCY] {
                c.add_facet(Facet::from_path([kind]));
            }
            c
        });
        let collector = (
            // TopDocs rejects a limit of 0; fetch one and drop it below.
            TopDocs::with_limit(limit.max(1))
                .and_offset(offset)
                .order_by_score(),
            Count,
            facets,
        );
        let found = match searcher.search(&*query, &collector) {
            Ok(found) => found,
            // Last resort for query syntax that parses but cannot run: search the words alone.
            Err(_) if !q.text.trim().is_empty() => {
                let words: String = q
                    .text
                    .chars()
                    .map(|c| if c.is_alphanumeric() { c } else { ' ' })
                    .collect();
                let query = self.build_query(&Query {
                    text: words,
                    ..q.clone()
                });
                searcher
                    .search(&*query, &collector)
                    .map_err(SearchError::tantivy("searching"))?
            }
            Err(source) => {
                return Err(SearchError::Tantivy {
                    context: "searching",
                    source,
                });
            }
        };
        let (top, total, facet_fruit) = found;
        let mut columns: BTreeMap<u32, Column<u64>> = BTreeMap::new();
        let mut hits = Vec::with_capacity(top.len());
        for (
            score,
            DocAddress {
                segment_ord,
                doc_id,
            },
        ) in top.into_iter().take(limit)
        {
            let column = match columns.entry(segment_ord) {
                Entry::Occupied(e) => e.into_mut(),
                Entry::Vacant(e) => e.insert(
                    searcher
                        .segment_reader(segment_ord)
                        .fast_fields()
                        .u64(F_ARTICLE_ID)
                        .map_err(SearchError::tantivy("reading article ids"))?,
                ),
            };
            if let Some(article_id) = column.first(doc_id) {
                hits.push(Hit { article_id, score });
            }
        }
        Ok(SearchResults {
            total,
            hits,
            facets: match facet_fruit {
                Some(counts) => Facets {
                    diseases: facet_counts(&counts, FACET_DISEASE),
                    countries: facet_counts(&counts, FACET_COUNTRY),
                    provinces: facet_counts(&counts, FACET_PROVINCE),
                    regencies: facet_counts(&counts, FACET_REGENCY),
                },
                None => Facets::default(),
            },
        })
    }

    /// A highlighted fragment (at most [`SNIPPET_MAX_CHARS`] bytes) of `body_text` for
    /// `query_text`, analysed the way an article in `language` is. The index stores no text,
    /// so the caller passes the body it read from the store. When no query word occurs in
    /// the body, the snippet is the start of the body with no highlights.
    pub fn snippet(&self, query_text: &str, language: &str, body_text: &str) -> Snippet {
        self.snippets(query_text).snippet(language, body_text)
    }

    /// Snippets of many bodies for one query (a page of hits): the query is parsed and
    /// its words weighed once per language, not once per hit.
    pub fn snippets(&self, query_text: &str) -> Snippets<'_> {
        Snippets {
            index: self,
            query: self.text_query(query_text),
            indonesian: None,
            english: None,
        }
    }

    fn snippet_generator(&self, query: &dyn TantivyQuery, english: bool) -> BodySnippets {
        let field = if english {
            self.fields.body_en
        } else {
            self.fields.body_id
        };
        let searcher = self.reader.searcher();
        let mut terms: BTreeMap<String, f32> = BTreeMap::new();
        query.query_terms(&mut |term, _| {
            if term.field() == field
                && let Some(text) = term.value().as_str()
            {
                // Rarer words weigh more in choosing the fragment; words absent from the
                // index (a body not yet committed) still count.
                let df = searcher.doc_freq(term).unwrap_or(0);
                terms.insert(text.to_owned(), 1.0 / (1.0 + df as f32));
            }
        });
        let needles = needles(terms.keys(), english);
        let analyzer = if english {
            english_analyzer()
        } else {
            indonesian_analyzer()
        };
        BodySnippets {
            generator: SnippetGenerator::new(terms, analyzer, field, SNIPPET_MAX_CHARS),
            needles,
        }
    }
}

/// Bodies shorter than this are analysed whole; longer ones first in windows around the
/// query words (see [`BodySnippets::windowed`]).
const WINDOWED_MIN_BYTES: usize = 1_200;
/// Bytes of a window before and after the place a query word was found.
const WINDOW_BEFORE: usize = 220;
const WINDOW_AFTER: usize = 320;
/// At most this many windows are analysed per body.
const MAX_WINDOWS: usize = 3;

/// Substrings that mark where an indexed (stemmed, lowercased) query word may occur in a
/// body. A stem is usually a substring of its inflected forms ("demam" in "demamnya",
/// "outbreak" in "outbreaks"); Indonesian meN-/peN- drop a stem's first p, t, k or s
/// ("tular" → "penularan"), so such stems also look for the rest of the stem.
fn needles<'a>(stems: impl Iterator<Item = &'a String>, english: bool) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for stem in stems {
        if stem.len() < 2 || !stem.is_ascii() {
            continue;
        }
        out.push(stem.clone());
        if !english && stem.len() >= 4 && matches!(stem.as_bytes()[0], b'p' | b't' | b'k' | b's') {
            out.push(stem[1..].to_owned());
        }
    }
    out
}

/// The snippet generator of one query for one language, and where to look first.
struct BodySnippets {
    generator: SnippetGenerator,
    needles: Vec<String>,
}

impl BodySnippets {
    fn snippet(&self, body: &str) -> Snippet {
        if body.len() >= WINDOWED_MIN_BYTES
            && let Some(s) = self.windowed(body)
        {
            return s;
        }
        Snippet::from_tantivy(&self.generator.snippet(body), body)
    }

    /// Analyses only windows of the body around the first place each query word seems to
    /// occur: tokenising and stemming a whole 4 kB body for a 200-byte fragment was most
    /// of a search page's cost. `None` (analyse the whole body) when no window holds a
    /// highlighted word, so a word the substring test misses still gets its snippet.
    fn windowed(&self, body: &str) -> Option<Snippet> {
        if self.needles.is_empty() {
            return None;
        }
        // ASCII lowercasing keeps byte offsets, so positions apply to `body` itself.
        let lower = body.to_ascii_lowercase();
        let mut found: Vec<usize> = self
            .needles
            .iter()
            .filter_map(|n| lower.find(n.as_str()))
            .collect();
        if found.is_empty() {
            return None;
        }
        found.sort_unstable();
        let mut windows: Vec<(usize, usize)> = Vec::new();
        for at in found {
            let start = word_start(body, at.saturating_sub(WINDOW_BEFORE));
            let end = word_end(body, (at + WINDOW_AFTER).min(body.len()));
            if start >= end {
                continue;
            }
            match windows.last_mut() {
                Some(last) if start <= last.1 => last.1 = last.1.max(end),
                _ => windows.push((start, end)),
            }
        }
        let mut best: Option<(usize, Snippet)> = None;
        for &(start, end) in windows.iter().take(MAX_WINDOWS) {
            let window = &body[start..end];
            let s = self.generator.snippet(window);
            let marked = s.highlighted().len();
            if marked > 0 && best.as_ref().is_none_or(|(n, _)| marked > *n) {
                best = Some((marked, Snippet::from_tantivy(&s, window)));
            }
        }
        best.map(|(_, s)| s)
    }
}

/// The start of the word at or after byte `at` (a char boundary; 0 stays 0).
fn word_start(text: &str, at: usize) -> usize {
    if at == 0 {
        return 0;
    }
    match text[floor_boundary(text, at)..].find(char::is_whitespace) {
        Some(i) => floor_boundary(text, at) + i,
        None => floor_boundary(text, at),
    }
}

/// The end of the word at or before byte `at` (a char boundary).
fn word_end(text: &str, at: usize) -> usize {
    let at = floor_boundary(text, at);
    if at >= text.len() {
        return text.len();
    }
    text[..at].rfind(char::is_whitespace).unwrap_or(at)
}

fn floor_boundary(text: &str, mut at: usize) -> usize {
    at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// Builds the snippets of one query's hits; see [`SearchIndex::snippets`].
pub struct Snippets<'a> {
    index: &'a SearchIndex,
    query: Box<dyn TantivyQuery>,
    indonesian: Option<BodySnippets>,
    english: Option<BodySnippets>,
}

impl Snippets<'_> {
    /// The snippet of one body, analysed the way an article in `language` is (see
    /// [`SearchIndex::snippet`]).
    pub fn snippet(&mut self, language: &str, body_text: &str) -> Snippet {
        let english = is_english(language);
        let slot = if english {
            &mut self.english
        } else {
            &mut self.indonesian
        };
        slot.get_or_insert_with(|| self.index.snippet_generator(&*self.query, english))
            .snippet(body_text)
    }
}

/// The counts of the values under one kind (`/disease/...`), most frequent first.
fn facet_counts(counts: &FacetCounts, kind: &str) -> Vec<FacetCount> {
    let mut out: Vec<FacetCount> = counts
        .get(Facet::from_path([kind]))
        .map(|(facet, count)| FacetCount {
            value: facet
                .to_path()
                .get(1)
                .map(|s| (*s).to_owned())
                .unwrap_or_default(),
            count,
        })
        .collect();
    out.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn index_with(dir: &Path) -> SearchIndex {
        let mut index = SearchIndex::open_or_create(dir).unwrap();
        index
            .upsert(&SearchDoc {
                article_id: 1,
                language: "id".into(),
                body: "Penularan demam berdarah di Garut.".into(),
                ..SearchDoc::default()
            })
            .unwrap();
        index.commit(1).unwrap();
        index
    }

    fn words(s: &Snippet) -> Vec<&str> {
        s.highlights
            .iter()
            .map(|r| &s.fragment[r.clone()])
            .collect()
    }

    /// `sentence` between 40 repetitions of `filler` on each side (about 5 kB).
    fn buried(filler: &str, sentence: &str) -> String {
        format!("{}{sentence} {}", filler.repeat(40), filler.repeat(40))
    }

    #[test]
    fn a_word_deep_in_a_long_body_is_found_through_its_window() {
        let dir = tempfile::tempdir().unwrap();
        let index = index_with(dir.path());
        let body = buried(
            "Warga mengikuti kegiatan rutin di balai desa setiap pekan. ",
            "Dinkes mencatat penularan demam berdarah meningkat di Garut.",
        );
        // "menular" is indexed as "tular", which the text carries as "penularan".
        let s = index.snippet("menular", "id", &body);
        assert_eq!(words(&s), ["penularan"]);
        assert!(s.fragment.contains("Dinkes mencatat"));
        let s = index.snippet("demam berdarah", "id", &body);
        assert_eq!(words(&s), ["demam", "berdarah"]);
    }

    #[test]
    fn a_stem_that_is_not_a_substring_falls_back_to_the_whole_body() {
        let dir = tempfile::tempdir().unwrap();
        let index = index_with(dir.path());
        let body = buried(
            "People attended the weekly meeting at the village hall. ",
            "The city reported more cases.",
        );
        // English stemming turns "cities" into "citi", which "city" does not contain.
        let s = index.snippet("cities", "en", &body);
        assert_eq!(words(&s), ["city"]);
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

        /// Windows change the cost, never whether a body gets highlighted words, and only
        /// query words are highlighted.
        #[test]
        fn windows_find_what_the_whole_body_finds(
            picks in proptest::collection::vec(0usize..12, 150..600),
            query in 0usize..6,
        ) {
            const WORDS: [&str; 12] = [
                "warga", "desa", "penularan", "menular", "demam", "berdarah,", "kasus.",
                "Sekolah", "pekan", "keracunan", "ular", "é",
            ];
            const QUERIES: [&str; 6] =
                ["tular", "demam berdarah", "keracunan sekolah", "kasus", "ular", "wabah"];
            let body: Vec<&str> = picks.iter().map(|&i| WORDS[i]).collect();
            let body = body.join(" ");
            let dir = tempfile::tempdir().unwrap();
            let index = index_with(dir.path());
            let mut snippets = index.snippets(QUERIES[query]);
            let windowed = snippets.snippet("id", &body);
            let whole = snippets.indonesian.as_ref().unwrap().generator.snippet(&body);
            prop_assert_eq!(windowed.has_highlights(), !whole.highlighted().is_empty());
            for w in words(&windowed) {
                let w = w.to_lowercase();
                prop_assert!(!["warga", "desa", "pekan", "é"].contains(&w.as_str()), "{w}");
            }
        }
    }
}
