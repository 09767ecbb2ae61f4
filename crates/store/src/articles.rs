//! Articles, their URLs, near-duplicate buckets and analyses.
//!
//! The bodies and the analysis JSON are written as [`PackedText`] blobs and read through
//! [`StoredText`], which also takes the plain `TEXT` of rows written before (see
//! `packed.rs`).

use rusqlite::{OptionalExtension, params};
use serde::Serialize;
use waspada_events::dedup::Signature;

use crate::buckets::{BucketIndex, keys_to_blob, may_reach, print_of};
use crate::packed::{packed_or, raw_text_from};
use crate::{Batch, PackedText, Result, Store, StoreError, StoredText};

/// Most near-duplicate candidates compared per article. Band collisions beyond this come
/// from boilerplate-heavy templates, not copies; the cap keeps an insert cheap.
pub const MAX_CANDIDATES: usize = 64;

/// An article about to be stored. The caller computes the hashes (in parallel); the store
/// only compares and records them.
#[derive(Debug, Clone, Default)]
pub struct NewArticle {
    /// The caller's id (JSONL `id`, feed GUID).
    pub external_id: Option<String>,
    /// The URL as it was reached.
    pub url: Option<String>,
    /// The canonical form of the URL (tracking parameters, fragments and trailing slashes
    /// removed): the identity of a page.
    pub canonical_url: Option<String>,
    /// 128-bit hash of the normalised text: the identity of a text.
    pub content_hash: [u8; 16],
    /// Outlet or source name.
    pub source: Option<String>,
    /// Configured source, when it came from one.
    pub source_id: Option<i64>,
    /// Headline.
    pub title: Option<String>,
    /// Body as received (after main-text extraction for pages).
    pub raw_text: String,
    /// Body after boilerplate removal: the text the analysis refers to.
    pub clean_text: String,
    /// Detected language (ISO 639-1).
    pub language: String,
    /// The source's language hint, kept so re-analysis decides id vs ms the same way.
    pub language_hint: Option<String>,
    /// Publication date or time, as given.
    pub published: Option<String>,
    /// When it was fetched or received (epoch ms).
    pub fetched_at: i64,
    /// MinHash signature of the clean text.
    pub minhash: Vec<u64>,
    /// LSH band keys of the signature.
    pub band_keys: Vec<(u16, u64)>,
    /// 64-bit SimHash of the clean text.
    pub simhash: u64,
    /// `raw_text` and `clean_text` already packed for the SQLite store
    /// ([`NewArticle::pack`], on the caller's parallel threads), so that the one writer
    /// does not compress them. `None`: the SQLite store packs them as it writes. Other
    /// stores ignore it.
    pub packed: Option<PackedTexts>,
}

/// An article's texts as the SQLite store writes them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackedTexts {
    /// `raw_text`, packed against `clean_text` (nearly the same text).
    pub raw_text: PackedText,
    /// `clean_text`, packed.
    pub clean_text: PackedText,
}

impl NewArticle {
    /// Packs `raw_text` and `clean_text` into [`NewArticle::packed`]: call it last, once
    /// the texts are final (a pack whose length disagrees with its text is not used).
    pub fn pack(&mut self) {
        self.packed = Some(PackedTexts {
            raw_text: PackedText::pack_against(&self.raw_text, &self.clean_text),
            clean_text: PackedText::pack(&self.clean_text),
        });
    }
}

/// What happened to an article handed to [`Batch::insert_article`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Inserted {
    /// Stored as a new article.
    New {
        /// Its id.
        id: i64,
        /// Its near-duplicate cluster (its own id when it starts one).
        cluster_id: i64,
        /// Estimated similarity to the cluster's article it matched, when it joined one.
        similarity: Option<f64>,
    },
    /// Already stored under this URL.
    SameUrl {
        /// The stored article.
        id: i64,
    },
    /// The same text is already stored (perhaps from another outlet); the URL was added
    /// to it.
    SameText {
        /// The stored article.
        id: i64,
    },
}

impl Inserted {
    /// The stored article's id.
    pub fn id(&self) -> i64 {
        match *self {
            Inserted::New { id, .. } | Inserted::SameUrl { id } | Inserted::SameText { id } => id,
        }
    }

    /// True when the article was new.
    pub fn is_new(&self) -> bool {
        matches!(self, Inserted::New { .. })
    }
}

/// An analysis to store.
#[derive(Debug, Clone)]
pub struct StoredAnalysis<'a> {
    /// `analyzer_version` of the analysis.
    pub analyzer_version: &'a str,
    /// The analysis says outbreak report.
    pub is_outbreak: bool,
    /// Relevance category.
    pub category: &'a str,
    /// Relevance score, 0..1.
    pub relevance: f64,
    /// The `analyze` JSON.
    pub json: &'a str,
    /// `json` already packed for the SQLite store (on the caller's parallel threads);
    /// `None`: the store packs it as it writes.
    pub packed_json: Option<&'a PackedText>,
}

/// A stored article with its latest analysis.
#[derive(Debug, Clone, Serialize)]
pub struct ArticleRecord {
    /// Store id.
    pub id: i64,
    /// Caller's id.
    pub external_id: Option<String>,
    /// Canonical URL.
    pub url: Option<String>,
    /// Outlet.
    pub source: Option<String>,
    /// Headline.
    pub title: Option<String>,
    /// Body as received.
    pub raw_text: String,
    /// Body after boilerplate removal.
    pub clean_text: String,
    /// Language.
    pub language: String,
    /// Language hint of the source.
    pub language_hint: Option<String>,
    /// Publication date or time.
    pub published: Option<String>,
    /// Fetch time, epoch ms.
    pub fetched_at: i64,
    /// Near-duplicate cluster.
    pub cluster_id: i64,
    /// Latest analyser version that analysed it.
    pub analyzer_version: Option<String>,
    /// That analysis, as JSON.
    pub analysis_json: Option<String>,
}

const ARTICLE_COLUMNS: &str = "a.id, a.external_id, a.canonical_url, a.source, a.title, \
     a.raw_text, a.clean_text, a.language, a.language_hint, a.published, a.fetched_at, \
     a.cluster_id, an.analyzer_version, an.json";

/// The latest analysis of each article: the row with the greatest `analysed_at`.
const LATEST_ANALYSIS_JOIN: &str = "LEFT JOIN analyses an ON an.article_id = a.id \
     AND an.analysed_at = (SELECT MAX(analysed_at) FROM analyses x WHERE x.article_id = a.id)";

fn article_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ArticleRecord> {
    // The raw text may be packed against the clean text: read that first.
    let clean_text = r.get::<_, StoredText>(6)?.into_string();
    Ok(ArticleRecord {
        id: r.get(0)?,
        external_id: r.get(1)?,
        url: r.get(2)?,
        source: r.get(3)?,
        title: r.get(4)?,
        raw_text: raw_text_from(r.get_ref(5)?, 5, &clean_text)?,
        clean_text,
        language: r.get(7)?,
        language_hint: r.get(8)?,
        published: r.get(9)?,
        fetched_at: r.get(10)?,
        cluster_id: r.get(11)?,
        analyzer_version: r.get(12)?,
        analysis_json: r
            .get::<_, Option<StoredText>>(13)?
            .map(StoredText::into_string),
    })
}

/// A MinHash signature as stored: its values as little-endian bytes, one after another.
pub fn signature_to_blob(values: &[u64]) -> Vec<u8> {
    values.iter().flat_map(|v| v.to_le_bytes()).collect()
}

fn signature_from_blob(blob: &[u8]) -> Signature {
    Signature::from_values(
        blob.chunks_exact(8)
            .map(|c| u64::from_le_bytes(c.try_into().unwrap_or([0; 8])))
            .collect(),
    )
}

/// The cluster of the most similar candidate at or above `threshold`, with its estimated
/// similarity. `candidates` are (article id, cluster id, stored signature) rows that share
/// an LSH bucket with `minhash`; ties go to the older article, so a cluster stays where it
/// started. Every store decides near-duplicates with this one rule.
pub fn nearest_duplicate(
    minhash: &[u64],
    candidates: impl IntoIterator<Item = (i64, i64, Vec<u8>)>,
    threshold: f64,
) -> Option<(i64, f64)> {
    let mine = Signature::from_values(minhash.to_vec());
    let mut best: Option<(i64, i64, f64)> = None;
    for (id, cluster, blob) in candidates {
        let sim = mine.jaccard_estimate(&signature_from_blob(&blob));
        let better = match best {
            None => true,
            Some((bid, _, bs)) => sim > bs || (sim == bs && id < bid),
        };
        if sim >= threshold && better {
            best = Some((id, cluster, sim));
        }
    }
    best.map(|(_, cluster, sim)| (cluster, sim))
}

impl Batch<'_> {
    /// Stores an article unless it is already stored under its URL or its text, and links
    /// it to its near-duplicate cluster.
    pub fn insert_article(&self, a: &NewArticle) -> Result<Inserted> {
        let tx = &self.tx;
        for url in [a.canonical_url.as_deref(), a.url.as_deref()]
            .into_iter()
            .flatten()
        {
            let known: Option<i64> = tx
                .prepare_cached("SELECT article_id FROM article_urls WHERE url = ?1")
                .and_then(|mut s| s.query_row([url], |r| r.get(0)).optional())
                .map_err(StoreError::sql("look up an article URL"))?;
            if let Some(id) = known {
                self.add_urls(id, a)?;
                return Ok(Inserted::SameUrl { id });
            }
        }
        let same_text: Option<i64> = tx
            .prepare_cached("SELECT id FROM articles WHERE content_hash = ?1")
            .and_then(|mut s| s.query_row([&a.content_hash[..]], |r| r.get(0)).optional())
            .map_err(StoreError::sql("look up an article's text hash"))?;
        if let Some(id) = same_text {
            self.add_urls(id, a)?;
            return Ok(Inserted::SameText { id });
        }

        let near = self.nearest_duplicate(a)?;
        let packed = a.packed.as_ref();
        let raw_text = packed_or(packed.map(|p| &p.raw_text), &a.raw_text, |t| {
            PackedText::pack_against(t, &a.clean_text)
        });
        let clean_text = packed_or(
            packed.map(|p| &p.clean_text),
            &a.clean_text,
            PackedText::pack,
        );
        tx.prepare_cached(
            "INSERT INTO articles (external_id, canonical_url, content_hash, source, source_id,
                 title, raw_text, clean_text, language, language_hint, published, fetched_at,
                 cluster_id, similarity, simhash)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
        )
        .and_then(|mut s| {
            s.execute(params![
                a.external_id,
                a.canonical_url,
                &a.content_hash[..],
                a.source,
                a.source_id,
                a.title,
                raw_text.as_ref(),
                clean_text.as_ref(),
                a.language,
                a.language_hint,
                a.published,
                a.fetched_at,
                near.map_or(0, |(c, _)| c),
                near.map(|(_, s)| s),
                a.simhash as i64,
            ])
        })
        .map_err(StoreError::sql("store an article"))?;
        let id = tx.last_insert_rowid();
        let cluster_id = match near {
            Some((c, _)) => c,
            None => {
                tx.prepare_cached("UPDATE articles SET cluster_id = id WHERE id = ?1")
                    .and_then(|mut s| s.execute([id]))
                    .map_err(StoreError::sql("start a story cluster"))?;
                id
            }
        };
        let keys: Vec<i64> = a.band_keys.iter().map(|&(_, key)| key as i64).collect();
        tx.prepare_cached(
            "INSERT INTO article_signatures (article_id, cluster_id, minhash, band_keys)
             VALUES (?1, ?2, ?3, ?4)",
        )
        .and_then(|mut s| {
            s.execute(params![
                id,
                cluster_id,
                signature_to_blob(&a.minhash),
                keys_to_blob(keys.iter().copied()),
            ])
        })
        .map_err(StoreError::sql("store a MinHash signature"))?;
        self.add_urls(id, a)?;
        // Recorded last, once every row of the article is in: the batch's later articles
        // find it, and the bucket index gets it when the batch commits.
        self.new_buckets
            .borrow_mut()
            .add(id, &keys, print_of(a.minhash.iter().copied()))?;
        Ok(Inserted::New {
            id,
            cluster_id,
            similarity: near.map(|(_, s)| s),
        })
    }

    fn add_urls(&self, id: i64, a: &NewArticle) -> Result<()> {
        for url in [a.canonical_url.as_deref(), a.url.as_deref()]
            .into_iter()
            .flatten()
        {
            self.tx
                .prepare_cached(
                    "INSERT OR IGNORE INTO article_urls (url, article_id) VALUES (?1, ?2)",
                )
                .and_then(|mut s| s.execute(params![url, id]))
                .map_err(StoreError::sql("store an article URL"))?;
        }
        Ok(())
    }

    /// The cluster of the most similar stored article at or above the threshold.
    fn nearest_duplicate(&self, a: &NewArticle) -> Result<Option<(i64, f64)>> {
        if a.band_keys.is_empty() || a.minhash.is_empty() {
            return Ok(None);
        }
        // Only the candidates whose print may reach the threshold are read and compared.
        let candidates = self.candidates(a)?;
        let mut stmt = self
            .tx
            .prepare_cached(
                "SELECT cluster_id, minhash FROM article_signatures WHERE article_id = ?1",
            )
            .map_err(StoreError::sql("prepare the near-duplicate lookup"))?;
        let mut rows = Vec::with_capacity(candidates.len());
        for id in candidates {
            let row = stmt
                .query_row([id], |r| Ok((id, r.get(0)?, r.get(1)?)))
                .optional()
                .map_err(StoreError::sql("read a near-duplicate"))?;
            rows.extend(row);
        }
        Ok(nearest_duplicate(
            &a.minhash,
            rows,
            self.options.near_duplicate_threshold,
        ))
    }

    /// The articles that share an LSH bucket with `a`: at most [`MAX_CANDIDATES`], taken
    /// bucket by bucket in key order and oldest first within a bucket, so a crowded bucket
    /// always yields the same ones; then those whose signature print rules them out are
    /// dropped.
    fn candidates(&self, a: &NewArticle) -> Result<Vec<i64>> {
        // Keys are seeded per band, so a key alone names a bucket; a cross-band collision
        // only adds a candidate that the signature comparison then rejects.
        let mut keys: Vec<i64> = a.band_keys.iter().map(|&(_, key)| key as i64).collect();
        keys.sort_unstable();
        keys.dedup();
        let mut shared = self.buckets.lock().map_err(|_| StoreError::Backend {
            action: "look up near-duplicates",
            source: "the bucket index was poisoned by a panic in another thread".into(),
        })?;
        let index = match shared.as_mut() {
            Some(index) => {
                // Another writer may have committed since this process last wrote.
                index.catch_up(&self.tx, self.committed_up_to)?;
                index
            }
            None => shared.insert(BucketIndex::load(&self.tx, self.committed_up_to)?),
        };
        let new = self.new_buckets.borrow();
        let mut ids: Vec<i64> = Vec::with_capacity(MAX_CANDIDATES);
        let mut take = |id: i64| {
            if !ids.contains(&id) {
                ids.push(id);
            }
            ids.len() < MAX_CANDIDATES
        };
        for key in keys {
            // Committed articles first, then this batch's own (all newer).
            let mut more = true;
            index.for_each_id(key, |id| {
                more = take(id);
                more
            });
            if more {
                new.for_each_id(key, |id| {
                    more = take(id);
                    more
                });
            }
            if !more {
                break;
            }
        }
        // The cap counts every candidate, so the same ones remain whatever the prints say.
        let mine = print_of(a.minhash.iter().copied());
        let threshold = self.options.near_duplicate_threshold;
        ids.retain(|&id| {
            let theirs = index.print(id).or_else(|| new.print(id));
            theirs.is_none_or(|theirs| may_reach(&mine, theirs, threshold))
        });
        Ok(ids)
    }

    /// Stores (or replaces) the analysis of an article by one analyser version.
    pub fn put_analysis(&self, article_id: i64, analysis: &StoredAnalysis<'_>) -> Result<()> {
        let json = packed_or(analysis.packed_json, analysis.json, PackedText::pack);
        self.tx
            .prepare_cached(
                "INSERT OR REPLACE INTO analyses
                     (article_id, analyzer_version, analysed_at, is_outbreak, category, relevance, json)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )
            .and_then(|mut s| {
                s.execute(params![
                    article_id,
                    analysis.analyzer_version,
                    crate::now_ms(),
                    analysis.is_outbreak,
                    analysis.category,
                    analysis.relevance,
                    json.as_ref(),
                ])
            })
            .map_err(StoreError::sql("store an analysis"))?;
        Ok(())
    }
}

/// What a list of articles shows of one (a search hit): no raw text, no analysis.
#[derive(Debug, Clone, Serialize)]
pub struct ArticleBrief {
    /// Store id.
    pub id: i64,
    /// Canonical URL.
    pub url: Option<String>,
    /// Outlet.
    pub source: Option<String>,
    /// Headline.
    pub title: Option<String>,
    /// Body after boilerplate removal.
    pub clean_text: String,
    /// Detected language.
    pub language: String,
    /// Publication date or time, as given.
    pub published: Option<String>,
}

impl Store {
    /// One article as a list shows it: cheaper than [`Store::article`], which also reads
    /// the raw text and the analysis JSON.
    pub fn article_brief(&self, id: i64) -> Result<Option<ArticleBrief>> {
        self.conn
            .prepare_cached(
                "SELECT id, canonical_url, source, title, clean_text, language, published
                 FROM articles WHERE id = ?1",
            )
            .and_then(|mut stmt| {
                stmt.query_row([id], |r| {
                    Ok(ArticleBrief {
                        id: r.get(0)?,
                        url: r.get(1)?,
                        source: r.get(2)?,
                        title: r.get(3)?,
                        clean_text: r.get::<_, StoredText>(4)?.into_string(),
                        language: r.get(5)?,
                        published: r.get(6)?,
                    })
                })
                .optional()
            })
            .map_err(StoreError::sql("read an article"))
    }

    /// One article with its latest analysis.
    pub fn article(&self, id: i64) -> Result<Option<ArticleRecord>> {
        self.conn
            .query_row(
                &format!("SELECT {ARTICLE_COLUMNS} FROM articles a {LATEST_ANALYSIS_JOIN} WHERE a.id = ?1"),
                [id],
                article_from_row,
            )
            .optional()
            .map_err(StoreError::sql("read an article"))
    }

    /// Articles with id greater than `after`, in id order, at most `limit`: how the search
    /// index catches up with the store.
    pub fn articles_after(&self, after: i64, limit: usize) -> Result<Vec<ArticleRecord>> {
        let mut stmt = self
            .conn
            .prepare_cached(&format!(
                "SELECT {ARTICLE_COLUMNS} FROM articles a {LATEST_ANALYSIS_JOIN} \
                 WHERE a.id > ?1 ORDER BY a.id LIMIT ?2"
            ))
            .map_err(StoreError::sql("prepare reading articles"))?;
        let rows = stmt
            .query_map(params![after, limit as i64], article_from_row)
            .map_err(StoreError::sql("read articles"))?;
        rows.collect::<rusqlite::Result<Vec<_>>>()
            .map_err(StoreError::sql("read articles"))
    }

    /// The article stored under this URL (canonical or as reached), if any.
    pub fn article_id_for_url(&self, url: &str) -> Result<Option<i64>> {
        self.conn
            .prepare_cached("SELECT article_id FROM article_urls WHERE url = ?1")
            .and_then(|mut s| s.query_row([url], |r| r.get(0)).optional())
            .map_err(StoreError::sql("look up an article URL"))
    }

    /// The URLs an article was seen under.
    pub fn article_urls(&self, id: i64) -> Result<Vec<String>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT url FROM article_urls WHERE article_id = ?1 ORDER BY url")
            .map_err(StoreError::sql("prepare reading article URLs"))?;
        let rows = stmt
            .query_map([id], |r| r.get(0))
            .map_err(StoreError::sql("read article URLs"))?;
        rows.collect::<rusqlite::Result<Vec<String>>>()
            .map_err(StoreError::sql("read article URLs"))
    }

    /// The highest article id (0 when empty).
    pub fn max_article_id(&self) -> Result<i64> {
        self.conn
            .query_row("SELECT COALESCE(MAX(id), 0) FROM articles", [], |r| {
                r.get(0)
            })
            .map_err(StoreError::sql("read the last article id"))
    }

    /// Ids of articles with no analysis by `analyzer_version`: what `reanalyze` must do.
    pub fn articles_needing_analysis(&self, analyzer_version: &str) -> Result<Vec<i64>> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT id FROM articles a WHERE NOT EXISTS
                     (SELECT 1 FROM analyses x WHERE x.article_id = a.id AND x.analyzer_version = ?1)
                 ORDER BY id",
            )
            .map_err(StoreError::sql("prepare finding unanalysed articles"))?;
        let rows = stmt
            .query_map([analyzer_version], |r| r.get(0))
            .map_err(StoreError::sql("find unanalysed articles"))?;
        rows.collect::<rusqlite::Result<Vec<i64>>>()
            .map_err(StoreError::sql("find unanalysed articles"))
    }
}
