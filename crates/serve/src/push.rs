//! `POST /api/articles`: partners push articles instead of being polled.
//!
//! The body is one JSON article, a JSON array of them, or JSON Lines
//! (`application/x-ndjson`), each in the shape `waspada ingest` reads from JSONL files
//! (`text` required; `id`, `title`, `published`, `url`, `lang`, `source` optional). Every
//! article gets its own answer (stored, duplicate, near-duplicate or rejected with the
//! reason), so one bad line never loses the others.
//!
//! # Why it is built this way
//!
//! - **The pipeline's own ingest.** Articles are analysed, stored, clustered into reports
//!   and events and indexed by the same functions as `waspada ingest`
//!   ([`waspada_pipeline::ingest::ingest_each`]), so a pushed article is indistinguishable
//!   from a read one, and a resent one is a duplicate, not a second row.
//! - **One writer.** SQLite takes one writer at a time; pushes are serialised by a lock
//!   and run on a blocking thread, so reads and pages stay responsive meanwhile.
//! - **The index follows when it can.** The server reads the search index; to add pushed
//!   articles it briefly takes the index writer lock. When another process holds it (a
//!   running `waspada run` or `waspada ingest`), the articles are stored anyway and the
//!   answer says search is pending: the index's watermark makes the next `waspada run`,
//!   `waspada ingest` or `waspada search` catch up.
//! - **Series yes, detection no.** Weekly and daily counts are refreshed after each push
//!   (the timeline shows the new reports); detection runs with `waspada run` or
//!   `waspada detect`, which raise signals from those counts.

use std::sync::Mutex;

use axum::Json;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use http_body_util::{BodyExt, LengthLimitError, Limited};
use serde::Serialize;
use waspada_pipeline::files::{InputItem, article_from_json, article_from_json_line};
use waspada_pipeline::ingest::{EachStored, Incoming, IngestSummary, ingest_each};
use waspada_pipeline::prepare::Preparer;
use waspada_store::Inserted;

use crate::auth::Identity;
use crate::{ApiError, AppState};

/// Largest push request body, in bytes (the other routes take [`crate::MAX_BODY_BYTES`]).
pub const PUSH_MAX_BODY_BYTES: usize = 16 * 1024 * 1024;

/// Most articles (or JSON Lines, blank ones aside) in one push request.
pub const PUSH_MAX_ITEMS: usize = 1000;

/// One push is stored at a time in this process (SQLite has one writer).
static WRITER: Mutex<()> = Mutex::new(());

/// What happened to one pushed article.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PushItem {
    /// Position of the article in the request, from 1.
    pub item: usize,
    /// Line number in a JSON Lines body.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// The sender's `id` of the article, if it gave one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// `stored`, `near_duplicate`, `duplicate` or `rejected`.
    pub status: &'static str,
    /// The stored article: the new one, or the one this duplicates.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub article_id: Option<i64>,
    /// For a duplicate: `url` (that address is stored) or `text` (the same words are
    /// stored under another address, which is added to it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub same: Option<&'static str>,
    /// For a near-duplicate: the story (cluster) it joined, named by its first article.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cluster_id: Option<i64>,
    /// For a near-duplicate: estimated similarity to the stored article it matched.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub similarity: Option<f64>,
    /// For a rejected article: why.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// The answer to a push.
#[derive(Debug, Clone, Serialize)]
pub struct PushOutcome {
    /// Articles (or non-blank lines) received.
    pub received: usize,
    /// New articles stored (near-duplicates included).
    pub stored: usize,
    /// Of those, near-duplicates of a stored story.
    pub near_duplicates: usize,
    /// Already stored (same URL or same text): nothing new was stored.
    pub duplicates: usize,
    /// Not articles: see each item's reason.
    pub rejected: usize,
    /// Disease × place reports attached to events.
    pub reports: u64,
    /// The new articles are searchable now (false: see `search_note`).
    pub searchable: bool,
    /// Why the new articles are not searchable yet, and when they will be.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub search_note: Option<String>,
    /// One answer per article, in the order sent.
    pub items: Vec<PushItem>,
}

/// A pushed article before it is stored, or why it cannot be.
struct Received {
    line: Option<usize>,
    item: InputItem,
}

/// The handler of `POST /api/articles`.
pub(crate) async fn push_articles(
    State(state): State<AppState>,
    who: Identity,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<PushOutcome>, ApiError> {
    let too_large = || {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!(
                "the request is larger than {} MB; send the articles in several requests",
                PUSH_MAX_BODY_BYTES >> 20
            ),
        )
    };
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > PUSH_MAX_BODY_BYTES as u64) {
        return Err(too_large());
    }
    let kind = body_kind(&headers)?;
    let bytes = match Limited::new(body, PUSH_MAX_BODY_BYTES).collect().await {
        Ok(c) => c.to_bytes(),
        Err(e) if e.is::<LengthLimitError>() => return Err(too_large()),
        Err(e) => return Err(ApiError::bad_request(format!("cannot read the body: {e}"))),
    };
    let received = match kind {
        BodyKind::Json => parse_json(&bytes)?,
        BodyKind::JsonLines => parse_json_lines(&bytes),
    };
    if received.is_empty() {
        return Err(ApiError::bad_request("the request holds no article"));
    }
    if received.len() > PUSH_MAX_ITEMS {
        return Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!(
                "{} articles in one request; at most {PUSH_MAX_ITEMS} are taken at a time",
                received.len()
            ),
        ));
    }
    tracing::info!("{} pushed {} article(s)", who.user, received.len());
    let Some(data_dir) = state.data_dir.clone() else {
        return Err(shared_store_refusal());
    };
    state
        .with_embedded_store(move |store| {
            // A poisoned lock only means an earlier push panicked; the store is transactional.
            let _writer = WRITER.lock().unwrap_or_else(|p| p.into_inner());
            store_received(store, &data_dir, received)
        })
        .await?
        .ok_or_else(shared_store_refusal)
        .map(Json)
}

/// Scaled out, articles enter through the queue's analyse stage, which the workers share.
fn shared_store_refusal() -> ApiError {
    ApiError::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "this server reads a shared (PostgreSQL) store: articles enter a cluster through its \
         analyse stage (`waspada publish --config waspada.toml FILES`), not through here",
    )
}

enum BodyKind {
    Json,
    JsonLines,
}

fn body_kind(headers: &HeaderMap) -> Result<BodyKind, ApiError> {
    let ct = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let mime = ct
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    match mime.as_str() {
        "application/json" => Ok(BodyKind::Json),
        "application/x-ndjson" | "application/jsonl" | "application/x-jsonlines" => {
            Ok(BodyKind::JsonLines)
        }
        m if m.ends_with("+json") => Ok(BodyKind::Json),
        _ => Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            format!(
                "send application/json (one article or an array) or application/x-ndjson \
                 (one article per line), not {:?}",
                if ct.is_empty() { "no Content-Type" } else { ct }
            ),
        )),
    }
}

/// One object or an array of them. A body that is not JSON at all is refused whole.
fn parse_json(bytes: &[u8]) -> Result<Vec<Received>, ApiError> {
    let value: serde_json::Value = serde_json::from_slice(bytes).map_err(|e| {
        ApiError::bad_request(format!(
            "the body is not JSON ({e}); for one article per line send application/x-ndjson"
        ))
    })?;
    let values = match value {
        serde_json::Value::Array(v) => v,
        one => vec![one],
    };
    Ok(values
        .iter()
        .enumerate()
        .map(|(i, v)| Received {
            line: None,
            item: article_from_json(v, format!("item {}", i + 1)),
        })
        .collect())
}

/// JSON Lines: each non-blank line is an article or a rejection naming its line.
fn parse_json_lines(bytes: &[u8]) -> Vec<Received> {
    bytes
        .split(|&b| b == b'\n')
        .enumerate()
        .filter(|(_, l)| !l.iter().all(u8::is_ascii_whitespace))
        .map(|(i, l)| Received {
            line: Some(i + 1),
            item: article_from_json_line(l, format!("line {}", i + 1)),
        })
        .collect()
}

/// Stores the articles (one transaction), indexes them if the index is free, refreshes
/// the series, and answers per article.
fn store_received(
    store: &mut waspada_store::Store,
    data_dir: &waspada_pipeline::DataDir,
    received: Vec<Received>,
) -> Result<PushOutcome, ApiError> {
    static PREPARER: std::sync::OnceLock<Preparer> = std::sync::OnceLock::new();
    let preparer = PREPARER.get_or_init(Preparer::default);
    let mut items = Vec::with_capacity(received.len());
    let mut batch = Vec::new();
    // Index into `items` of each article in `batch`.
    let mut slots = Vec::new();
    for (i, r) in received.into_iter().enumerate() {
        let mut out = PushItem {
            item: i + 1,
            line: r.line,
            id: None,
            status: "rejected",
            article_id: None,
            same: None,
            cluster_id: None,
            similarity: None,
            reason: None,
        };
        match r.item {
            InputItem::Article(a) => {
                out.id = (!a.id.is_empty()).then(|| a.id.clone());
                // The JSONL reader lets an empty text through; there is nothing to store.
                if a.text.trim().is_empty() {
                    out.reason = Some("field \"text\" is empty".into());
                } else {
                    slots.push(items.len());
                    batch.push(Incoming::now(a));
                }
            }
            InputItem::Failed { id, error } => {
                // The placeholder id ("line 3") says nothing the line number does not.
                out.id = (!id.starts_with("line ") && !id.starts_with("item ")).then_some(id);
                out.reason = Some(error);
            }
        }
        items.push(out);
    }
    let mut summary = IngestSummary::default();
    let mut searchable = true;
    let mut search_note = None;
    if !batch.is_empty() {
        let EachStored {
            outcomes,
            docs,
            id_before,
            id_after,
        } = ingest_each(store, preparer, batch, &mut summary)
            .map_err(|e| ApiError::internal("storing pushed articles", e))?;
        for (slot, inserted) in slots.into_iter().zip(outcomes) {
            describe(&mut items[slot], inserted);
        }
        if id_after > id_before {
            if let Err(e) = index(store, data_dir, docs, id_before, id_after) {
                tracing::warn!("pushed articles not indexed yet: {e}");
                searchable = false;
                search_note = Some(format!(
                    "stored, but not searchable yet ({e}); the next `waspada run`, \
                     `waspada ingest` or `waspada search` adds them to the index"
                ));
            }
            let b = store.batch()?;
            b.refresh_series()?;
            b.commit()?;
        }
    }
    let count = |s: &str| items.iter().filter(|i| i.status == s).count();
    let near_duplicates = count("near_duplicate");
    Ok(PushOutcome {
        received: items.len(),
        stored: count("stored") + near_duplicates,
        near_duplicates,
        duplicates: count("duplicate"),
        rejected: count("rejected"),
        reports: summary.reports,
        searchable,
        search_note,
        items,
    })
}

fn describe(item: &mut PushItem, inserted: Inserted) {
    item.article_id = Some(inserted.id());
    match inserted {
        Inserted::New {
            cluster_id,
            similarity: Some(s),
            ..
        } => {
            item.status = "near_duplicate";
            item.cluster_id = Some(cluster_id);
            item.similarity = Some(s);
        }
        Inserted::New { .. } => item.status = "stored",
        Inserted::SameUrl { .. } => {
            item.status = "duplicate";
            item.same = Some("url");
        }
        Inserted::SameText { .. } => {
            item.status = "duplicate";
            item.same = Some("text");
        }
    }
}

/// Adds the new articles to the search index, taking its writer lock for the moment it
/// takes; fails (without harm) when another process holds it.
fn index(
    store: &waspada_store::Store,
    data_dir: &waspada_pipeline::DataDir,
    docs: Vec<waspada_search::SearchDoc>,
    before: i64,
    after: i64,
) -> Result<(), waspada_pipeline::PipelineError> {
    let mut indexer = data_dir.indexer()?;
    indexer.add_new(store, docs, before, after)?;
    indexer.flush()
}
