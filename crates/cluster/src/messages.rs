//! What travels between the stages: JSON payloads, one per message, and their
//! de-duplication ids (`Nats-Msg-Id`).
//!
//! JSON because an operator can read a dead letter with `nats stream view` and see which
//! article failed; the payloads are small next to the analysis they trigger. Each job
//! carries all its stage needs, so a worker reads nothing but the queue (and the store it
//! writes to).

use serde::{Deserialize, Serialize};
use waspada_extract::Article;
use waspada_pipeline::config::SourceConfig;
use waspada_queue::Stage;
use waspada_search::SearchDoc;
use xxhash_rust::xxh3::xxh3_128;

/// An article to analyse and store (the analyse stage's input): the article's own JSON
/// (as `waspada ingest` reads it) plus where and when it came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AnalyseJob {
    /// The article.
    #[serde(flatten)]
    pub article: Article,
    /// The configured source's id in the store, when known.
    #[serde(default)]
    pub source_id: Option<i64>,
    /// When it was fetched or received (epoch ms); dates reports of undated articles.
    pub fetched_at: i64,
}

impl AnalyseJob {
    /// A job for an article received at `fetched_at` (epoch ms).
    pub fn new(article: Article, source_id: Option<i64>, fetched_at: i64) -> Self {
        AnalyseJob {
            article,
            source_id,
            fetched_at,
        }
    }

    /// The canonical form of its URL: the page's identity in the store.
    pub fn canonical_url(&self) -> Option<String> {
        self.article
            .url
            .as_deref()
            .map(waspada_fetch::canonical_url)
    }

    /// Its de-duplication id: the hex xxh3-128 of the canonical URL, or of the text when
    /// there is no URL. The same page published twice (by two fetchers, or a re-run of
    /// `waspada publish`) is then one message.
    pub fn dedup_id(&self) -> String {
        match self.canonical_url() {
            Some(u) => format!("a-{:032x}", xxh3_128(u.as_bytes())),
            None => format!("t-{:032x}", xxh3_128(self.article.text.as_bytes())),
        }
    }
}

/// A stored article to put into the search index (the index stage's input): the fields
/// of [`SearchDoc`], so the indexer needs no database.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IndexJob {
    /// The store's article id.
    pub article_id: u64,
    /// ISO 639-1 language.
    pub language: String,
    /// Headline.
    pub title: String,
    /// Clean body text.
    pub body: String,
    /// Publication day, `YYYY-MM-DD`.
    pub published: Option<String>,
    /// Disease ids.
    pub diseases: Vec<String>,
    /// ISO 3166-1 alpha-3 countries.
    pub countries: Vec<String>,
    /// Kemendagri province codes.
    pub provinces: Vec<String>,
    /// Kemendagri regency/city codes.
    pub regencies: Vec<String>,
    /// Relevance, 0 to 1.
    pub relevance: f64,
    /// The analyser called it an outbreak report.
    pub is_outbreak: bool,
}

impl IndexJob {
    /// Its de-duplication id: one index message per article within the queue's window.
    pub fn dedup_id(&self) -> String {
        format!("i-{}", self.article_id)
    }
}

impl From<SearchDoc> for IndexJob {
    fn from(d: SearchDoc) -> Self {
        IndexJob {
            article_id: d.article_id,
            language: d.language,
            title: d.title,
            body: d.body,
            published: d.published.map(|p| p.to_string()),
            diseases: d.diseases,
            countries: d.countries,
            provinces: d.provinces,
            regencies: d.regencies,
            relevance: d.relevance,
            is_outbreak: d.is_outbreak,
        }
    }
}

impl From<IndexJob> for SearchDoc {
    fn from(j: IndexJob) -> Self {
        SearchDoc {
            article_id: j.article_id,
            language: j.language,
            title: j.title,
            body: j.body,
            // A date that does not parse leaves the article out of date filters only.
            published: j.published.and_then(|p| p.parse().ok()),
            diseases: j.diseases,
            countries: j.countries,
            provinces: j.provinces,
            regencies: j.regencies,
            relevance: j.relevance,
            is_outbreak: j.is_outbreak,
        }
    }
}

/// A source to poll now (the fetch stage's input), as configured in `waspada.toml`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FetchJob {
    /// The source: feed or page URL and its hints (language, country, CSS rule).
    pub source: SourceConfig,
    /// When the scheduler found it due (epoch ms).
    pub due_at: i64,
    /// The source's id in the store, as the scheduler registered it: the fetch worker
    /// gives it to the articles and the fetch state it writes. `None` in jobs from a
    /// scheduler older than the field (the worker then registers the source itself).
    #[serde(default)]
    pub source_id: Option<i64>,
}

impl FetchJob {
    /// Its de-duplication id: the source's URL and the minute it fell due, so a source is
    /// polled once per due time however many schedulers saw it.
    pub fn dedup_id(&self) -> String {
        format!(
            "f-{:032x}-{}",
            xxh3_128(self.source.url.as_bytes()),
            self.due_at / 60_000
        )
    }
}

/// What a message of `stage` is about, for people reading a dead letter: the article's
/// URL (else its title or id), the feed's URL, or the stored article's number and title.
/// `None` when the payload is not that stage's job.
pub fn describe(stage: Stage, payload: &[u8]) -> Option<String> {
    match stage {
        Stage::Fetch => decode::<FetchJob>(payload, "a fetch job")
            .ok()
            .map(|j| j.source.url),
        Stage::Analyse => decode::<AnalyseJob>(payload, "an article").ok().map(|j| {
            let a = j.article;
            a.url.or(a.title).unwrap_or(a.id)
        }),
        Stage::Index => decode::<IndexJob>(payload, "an index job")
            .ok()
            .map(|j| format!("#{} {}", j.article_id, j.title)),
    }
}

/// Decodes a payload, saying what was expected when it is not that.
pub fn decode<'a, T: Deserialize<'a>>(payload: &'a [u8], what: &str) -> Result<T, String> {
    serde_json::from_slice(payload).map_err(|e| format!("not {what}: {e}"))
}

/// Encodes a payload (these types always serialise).
pub fn encode<T: Serialize>(job: &T) -> Vec<u8> {
    serde_json::to_vec(job).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job(url: Option<&str>, text: &str) -> AnalyseJob {
        AnalyseJob::new(
            Article {
                text: text.into(),
                url: url.map(str::to_string),
                ..Article::default()
            },
            None,
            0,
        )
    }

    #[test]
    fn one_page_is_one_dedup_id_whatever_its_tracking_parameters() {
        let a = job(Some("https://x.example/dbd-garut?utm_source=fb"), "satu");
        let b = job(Some("https://x.example/dbd-garut/"), "dua");
        let c = job(Some("https://x.example/dbd-bandung"), "satu");
        assert_eq!(a.dedup_id(), b.dedup_id());
        assert_ne!(a.dedup_id(), c.dedup_id());
        let t1 = job(None, "Tiga warga terkena DBD.");
        assert_eq!(
            t1.dedup_id(),
            job(None, "Tiga warga terkena DBD.").dedup_id()
        );
        assert_ne!(
            t1.dedup_id(),
            job(None, "Empat warga terkena DBD.").dedup_id()
        );
        assert_ne!(t1.dedup_id(), a.dedup_id());
    }

    #[test]
    fn jobs_survive_the_round_trip_and_bad_payloads_say_what_was_expected() {
        let a = job(Some("https://x.example/a"), "Kasus DBD naik.");
        let back: AnalyseJob = decode(&encode(&a), "an article").unwrap();
        assert_eq!(back, a);
        let err = decode::<AnalyseJob>(b"{\"title\":\"no text\"}", "an article").unwrap_err();
        assert!(err.starts_with("not an article:"), "{err}");
        let doc = SearchDoc {
            article_id: 7,
            published: "2025-03-10".parse().ok(),
            diseases: vec!["dengue".into()],
            ..SearchDoc::default()
        };
        let ix: IndexJob = decode(&encode(&IndexJob::from(doc.clone())), "x").unwrap();
        assert_eq!(SearchDoc::from(ix), doc);
    }

    #[test]
    fn a_fetch_job_from_an_older_scheduler_still_decodes() {
        let source = SourceConfig {
            name: "Kabar".into(),
            kind: "feed".into(),
            url: "https://kabar.example/rss".into(),
            country: None,
            language: Some("id".into()),
            every_minutes: 30,
            content_selector: None,
            feed_text_only: false,
            disabled: false,
        };
        let job = FetchJob {
            source,
            due_at: 60_000,
            source_id: Some(4),
        };
        let back: FetchJob = decode(&encode(&job), "a fetch job").unwrap();
        assert_eq!(back, job);
        let mut old = serde_json::to_value(&job).unwrap();
        old.as_object_mut().unwrap().remove("source_id");
        let back: FetchJob = decode(old.to_string().as_bytes(), "a fetch job").unwrap();
        assert_eq!(back.source_id, None);
        assert_eq!(back.source, job.source);
    }

    #[test]
    fn a_dead_letter_names_its_article_or_feed() {
        let with_url = encode(&job(Some("https://x.example/a"), "teks"));
        assert_eq!(
            describe(Stage::Analyse, &with_url).as_deref(),
            Some("https://x.example/a")
        );
        let mut untitled = job(None, "teks");
        untitled.article.title = Some("Wabah DBD".into());
        assert_eq!(
            describe(Stage::Analyse, &encode(&untitled)).as_deref(),
            Some("Wabah DBD")
        );
        let doc = SearchDoc {
            article_id: 9,
            title: "Campak".into(),
            ..SearchDoc::default()
        };
        let ix = encode(&IndexJob::from(doc));
        assert_eq!(describe(Stage::Index, &ix).as_deref(), Some("#9 Campak"));
        // Not that stage's job, or not JSON: nothing to name.
        assert_eq!(describe(Stage::Fetch, &with_url), None);
        assert_eq!(describe(Stage::Analyse, b"\xff"), None);
    }
}
