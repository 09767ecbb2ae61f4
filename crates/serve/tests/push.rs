//! `POST /api/articles` against a fresh data directory per test: what is stored, what is a
//! duplicate, what is refused and why, and that pushed articles reach events and search.

use axum::body::{Body, to_bytes};
use axum::http::{HeaderValue, Request, StatusCode, header};
use serde_json::{Value, json};
use tower::ServiceExt;
use waspada_serve::accounts::create_token;
use waspada_serve::push::{PUSH_MAX_BODY_BYTES, PUSH_MAX_ITEMS};
use waspada_serve::{AppState, router};
use waspada_store::Role;

/// Articles written for these tests (not taken from any outlet). `word` makes each one
/// findable by search and distinct in text.
fn article(n: usize, word: &str) -> Value {
    json!({
        "id": format!("mitra-{n}"),
        "title": format!("Kasus difteri {word} bertambah di Garut"),
        "text": format!(
            "GARUT - Dinas Kesehatan Kabupaten Garut mencatat {} kasus difteri dan seorang anak \
             meninggal dunia di Kecamatan Tarogong Kidul. Petugas menyebut wabah {word} ini \
             menyebar di sekolah dasar, dan imunisasi ulang dimulai pekan ini.",
            10 + n
        ),
        "published": "2025-11-03",
        "url": format!("https://mitra.example/berita/{n}"),
        "lang": "id",
        "source": "Mitra Uji"
    })
}

struct Answer {
    status: StatusCode,
    body: Value,
}

async fn send(app: &axum::Router, req: Request<Body>) -> Answer {
    let res = app.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let bytes = to_bytes(res.into_body(), 16 << 20).await.unwrap();
    let body = serde_json::from_slice(&bytes)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&bytes)));
    Answer { status, body }
}

async fn push(app: &axum::Router, content_type: &str, body: impl Into<Body>) -> Answer {
    let req = Request::post("/api/articles")
        .header(header::CONTENT_TYPE, content_type)
        .body(body.into())
        .unwrap();
    send(app, req).await
}

async fn get(app: &axum::Router, uri: &str) -> Answer {
    send(app, Request::get(uri).body(Body::empty()).unwrap()).await
}

/// A fresh data directory, and the router as a partner's system sees it: every request
/// carries the API token of `mitra`, an analyst (pushing needs one).
fn fresh() -> (tempfile::TempDir, axum::Router) {
    let dir = tempfile::tempdir().unwrap();
    let state = AppState::open(dir.path()).unwrap();
    let mut store = state.data_dir.as_ref().unwrap().store().unwrap();
    let token = create_token(&mut store, "mitra", Role::Analyst, None).unwrap();
    let bearer = HeaderValue::from_str(&format!("Bearer {token}")).unwrap();
    let app = router(state).layer(axum::middleware::map_request(
        move |mut req: Request<Body>| {
            let bearer = bearer.clone();
            async move {
                req.headers_mut().insert(header::AUTHORIZATION, bearer);
                req
            }
        },
    ));
    (dir, app)
}

fn articles_stored(dir: &tempfile::TempDir) -> i64 {
    let store = waspada_store::Store::open(&dir.path().join("waspada.sqlite")).unwrap();
    store
        .connection()
        .query_row("SELECT COUNT(*) FROM articles", [], |r| r.get(0))
        .unwrap()
}

#[tokio::test]
async fn one_json_article_is_stored_analysed_clustered_and_searchable() {
    let (_dir, app) = fresh();
    let a = push(
        &app,
        "application/json; charset=utf-8",
        article(1, "kemarau").to_string(),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    assert_eq!(a.body["received"], 1);
    assert_eq!(a.body["stored"], 1);
    assert_eq!(a.body["searchable"], true);
    let item = &a.body["items"][0];
    assert_eq!(item["status"], "stored");
    assert_eq!(item["id"], "mitra-1");
    let id = item["article_id"].as_i64().unwrap();

    let detail = get(&app, &format!("/api/articles/{id}")).await;
    assert_eq!(detail.status, StatusCode::OK);
    assert_eq!(detail.body["url"], "https://mitra.example/berita/1");
    assert_eq!(detail.body["analysis"]["diseases"][0]["id"], "diphtheria");

    // It made a report, and so an event in Garut (32.05).
    assert!(a.body["reports"].as_u64().unwrap() >= 1, "{}", a.body);
    let events = get(&app, "/api/events?disease=diphtheria&place=32.05").await;
    assert_eq!(events.body["total"], 1, "{}", events.body);

    let found = get(&app, "/api/search?q=kemarau").await;
    assert_eq!(found.status, StatusCode::OK, "{}", found.body);
    let hits = found.body["hits"].as_array().unwrap();
    assert_eq!(hits.len(), 1, "{}", found.body);
    assert_eq!(hits[0]["article_id"], id);
}

#[tokio::test]
async fn an_array_and_a_resend_store_each_article_once() {
    let (dir, app) = fresh();
    let batch = json!([article(1, "satu"), article(2, "dua")]);
    let a = push(&app, "application/json", batch.to_string()).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    assert_eq!(a.body["stored"], 2, "{}", a.body);
    let first: Vec<i64> = a.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["article_id"].as_i64().unwrap())
        .collect();
    assert_ne!(first[0], first[1]);

    // The same batch again, plus the first article's text under another address.
    let mut copy = article(1, "satu");
    copy["url"] = json!("https://cermin.example/salinan");
    let again = json!([article(1, "satu"), article(2, "dua"), copy]);
    let b = push(&app, "application/json", again.to_string()).await;
    assert_eq!(b.status, StatusCode::OK, "{}", b.body);
    assert_eq!(b.body["stored"], 0, "{}", b.body);
    assert_eq!(b.body["duplicates"], 3);
    let items = b.body["items"].as_array().unwrap();
    assert_eq!(items[0]["same"], "url");
    assert_eq!(items[0]["article_id"], first[0]);
    assert_eq!(items[1]["article_id"], first[1]);
    assert_eq!(items[2]["same"], "text");
    assert_eq!(items[2]["article_id"], first[0]);
    assert_eq!(articles_stored(&dir), 2);
}

#[tokio::test]
async fn json_lines_with_a_bad_line_keep_the_others() {
    let (dir, app) = fresh();
    let body = format!(
        "{}\n\nthis is not json\n{}\n{{\"id\":\"tanpa-teks\",\"title\":\"x\"}}\n{{\"id\":\"kosong\",\"text\":\"  \"}}\n",
        article(1, "pertama"),
        article(2, "kedua")
    );
    let a = push(&app, "application/x-ndjson", body).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    assert_eq!(a.body["received"], 5);
    assert_eq!(a.body["stored"], 2);
    assert_eq!(a.body["rejected"], 3);
    let items = a.body["items"].as_array().unwrap();
    let summary: Vec<(u64, &str)> = items
        .iter()
        .map(|i| (i["line"].as_u64().unwrap(), i["status"].as_str().unwrap()))
        .collect();
    assert_eq!(
        summary,
        vec![
            (1, "stored"),
            (3, "rejected"),
            (4, "stored"),
            (5, "rejected"),
            (6, "rejected")
        ]
    );
    assert!(
        items[1]["reason"].as_str().unwrap().contains("not JSON"),
        "{}",
        items[1]
    );
    assert_eq!(items[3]["id"], "tanpa-teks");
    assert!(items[3]["reason"].as_str().unwrap().contains("\"text\""));
    assert!(items[4]["reason"].as_str().unwrap().contains("empty"));
    assert_eq!(articles_stored(&dir), 2);
}

#[tokio::test]
async fn oversize_too_many_and_wrong_type_are_refused_whole() {
    let (dir, app) = fresh();
    // Announced by Content-Length: refused before reading.
    let req = Request::post("/api/articles")
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::CONTENT_LENGTH, PUSH_MAX_BODY_BYTES + 1)
        .body(Body::from("[]"))
        .unwrap();
    let a = send(&app, req).await;
    assert_eq!(a.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", a.body);
    assert!(a.body["error"].as_str().unwrap().contains("16 MB"));

    // Not announced (as in a chunked upload): cut off one byte past the limit.
    let big = vec![b' '; PUSH_MAX_BODY_BYTES + 1];
    let a = push(&app, "application/x-ndjson", big).await;
    assert_eq!(a.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", a.body);

    let many: String = (0..=PUSH_MAX_ITEMS)
        .map(|i| format!("{{\"text\":\"berita {i}\"}}\n"))
        .collect();
    let a = push(&app, "application/x-ndjson", many).await;
    assert_eq!(a.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", a.body);
    assert!(a.body["error"].as_str().unwrap().contains("at most"));

    let a = push(&app, "text/plain", article(1, "x").to_string()).await;
    assert_eq!(a.status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{}", a.body);

    let a = push(&app, "application/json", "{\"text\": ").await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST, "{}", a.body);
    assert_eq!(articles_stored(&dir), 0);
}

#[tokio::test]
async fn a_busy_index_stores_anyway_and_the_next_catch_up_indexes() {
    let (dir, app) = fresh();
    // Another process writing the index: hold its writer lock.
    let data = waspada_pipeline::DataDir::create(dir.path()).unwrap();
    let mut other = waspada_search::SearchIndex::open_or_create(data.index_path()).unwrap();
    other.delete(u64::MAX).unwrap();
    let a = push(&app, "application/json", article(1, "tertunda").to_string()).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    assert_eq!(a.body["stored"], 1);
    assert_eq!(a.body["searchable"], false);
    assert!(
        a.body["search_note"]
            .as_str()
            .unwrap()
            .contains("waspada run")
    );
    let found = get(&app, "/api/search?q=tertunda").await;
    assert_eq!(found.body["total"], 0);
    drop(other);
    // What `waspada run` / `waspada ingest` do first.
    let store = data.store().unwrap();
    assert_eq!(data.indexer().unwrap().catch_up(&store).unwrap(), 1);
    let found = get(&app, "/api/search?q=tertunda").await;
    assert_eq!(found.body["total"], 1, "{}", found.body);
}

/// The map's GeoJSON is cached between ingests; a push must show on the map at once, and a
/// browser holding the current answer gets `304 Not Modified`.
#[tokio::test]
async fn the_map_data_follow_every_push_and_answer_conditional_requests() {
    let (_dir, app) = fresh();
    let geojson = |app: axum::Router, etag: Option<String>| async move {
        let mut req = Request::get("/api/events.geojson?since=2025-01-01");
        if let Some(tag) = etag {
            req = req.header(header::IF_NONE_MATCH, tag);
        }
        let res = app.oneshot(req.body(Body::empty()).unwrap()).await.unwrap();
        let status = res.status();
        let tag = res
            .headers()
            .get(header::ETAG)
            .map(|v| v.to_str().unwrap().to_string());
        let bytes = to_bytes(res.into_body(), 16 << 20).await.unwrap();
        (status, tag, bytes)
    };
    let features = |bytes: &[u8]| -> usize {
        serde_json::from_slice::<Value>(bytes).unwrap()["features"]
            .as_array()
            .unwrap()
            .len()
    };

    let (status, empty_tag, body) = geojson(app.clone(), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(features(&body), 0);

    let a = push(&app, "application/json", article(1, "kemarau").to_string()).await;
    assert_eq!(a.body["stored"], 1, "{}", a.body);
    let (status, tag, body) = geojson(app.clone(), empty_tag.clone()).await;
    assert_eq!(status, StatusCode::OK, "a stale 304 after a push");
    assert_eq!(features(&body), 1, "the new event is on the map");
    assert_ne!(tag, empty_tag);

    // Unchanged store: the browser's copy is current.
    let (status, again, body) = geojson(app.clone(), tag.clone()).await;
    assert_eq!(status, StatusCode::NOT_MODIFIED);
    assert_eq!(again, tag);
    assert!(body.is_empty());

    // A second report of the same event changes its figures: a new answer, not the cache.
    let b = push(&app, "application/json", article(2, "hujan").to_string()).await;
    assert_eq!(b.body["stored"], 1, "{}", b.body);
    let (status, third, body) = geojson(app.clone(), tag.clone()).await;
    assert_eq!(status, StatusCode::OK);
    assert_ne!(third, tag);
    let fc: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(fc["features"][0]["properties"]["n_reports"], 2, "{fc}");
}
