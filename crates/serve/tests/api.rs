//! The API and pages against a real data directory: articles we wrote ourselves and the
//! synthetic demo scenarios, ingested and run through detection, then requested through
//! the router with `oneshot` (no sockets). Requests carry API tokens made in the fixture
//! (the default one an admin's); logins, sessions and CSRF are tested in `tests/auth.rs`.

use std::collections::HashMap;
use std::path::Path;
use std::sync::OnceLock;

use axum::body::{Body, to_bytes};
use axum::http::{Request, StatusCode, header};
use serde_json::{Value, json};
use tower::ServiceExt;
use waspada_extract::Article;
use waspada_pipeline::DataDir;
use waspada_pipeline::detect::{DetectOptions, detect};
use waspada_pipeline::files::InputItem;
use waspada_pipeline::ingest::{IngestOptions, ingest};
use waspada_serve::accounts::create_token;
use waspada_serve::{API_ROUTES, AppState, router};
use waspada_store::{FetchState, Role};

const HOSTILE_TITLE: &str = "Demam berdarah di Garut <script>alert(1)</script>";
const HOSTILE_ID: &str = "hostile-1";

/// Articles written for these tests (not taken from any outlet).
fn own_articles() -> Vec<Article> {
    vec![Article {
        id: HOSTILE_ID.into(),
        title: Some(HOSTILE_TITLE.into()),
        text: "GARUT - Dinas Kesehatan Kabupaten Garut mencatat 25 kasus demam berdarah dengue \
               (DBD) dan dua warga meninggal dunia di Kecamatan Tarogong Kidul sepekan terakhir. \
               <img src=x onerror=alert(1)> Bupati Garut menetapkan status kejadian luar biasa \
               (KLB) demam berdarah. Baca lengkap <a href=\"javascript:alert(1)\">di sini</a> \
               atau javascript:alert(2)."
            .into(),
        published: Some("2025-12-20".into()),
        url: Some("javascript:alert(document.cookie)".into()),
        lang: Some("id".into()),
        source: Some("Kabar <b>Uji</b>".into()),
    }]
}

/// The synthetic demo's outbreak scenarios and a tenth of its background news.
fn synthetic_articles() -> Vec<Article> {
    waspada_synth::demo_corpus(7)
        .into_iter()
        .enumerate()
        .filter(|(i, a)| a.truth.scenario.is_some() || i % 10 == 0)
        .map(|(_, a)| Article {
            id: a.id,
            title: Some(a.title),
            text: a.text,
            published: Some(a.published),
            url: Some(a.url),
            lang: Some(a.lang),
            source: Some(a.source),
        })
        .collect()
}

/// The name of the token every request carries unless it brings its own.
const DEFAULT_TOKEN: &str = "uji";

/// The data directory, and API tokens by name (`uji`: admin; `rina`, `budi`: analysts).
struct Fixture {
    dir: tempfile::TempDir,
    tokens: HashMap<&'static str, String>,
}

fn fixture() -> &'static Path {
    fixture_all().dir.path()
}

fn token(name: &str) -> &'static str {
    &fixture_all().tokens[name]
}

fn fixture_all() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let data = DataDir::create(dir.path()).unwrap();
        let mut store = data.store().unwrap();
        let mut indexer = data.indexer().unwrap();
        let items = synthetic_articles()
            .into_iter()
            .chain(own_articles())
            .map(InputItem::Article);
        let summary = ingest(
            &mut store,
            Some(&mut indexer),
            items,
            &IngestOptions::default(),
            |_| {},
        )
        .unwrap();
        assert_eq!(summary.failed, 0, "{:?}", summary.failures);
        detect(&mut store, &DetectOptions::default()).unwrap();
        // A configured feed that keeps failing, and one that works.
        let b = store.batch().unwrap();
        let dead = b
            .upsert_source(
                "Feed Mati",
                Some("https://mati.example/rss"),
                "feed",
                Some("IDN"),
                Some("id"),
            )
            .unwrap();
        let alive = b
            .upsert_source(
                "Feed Hidup",
                Some("https://hidup.example/rss"),
                "feed",
                Some("IDN"),
                Some("id"),
            )
            .unwrap();
        let now = waspada_store::now_ms();
        b.put_fetch_state(&FetchState {
            url: "https://mati.example/rss".into(),
            source_id: Some(dead),
            last_attempt_at: Some(now - 60_000),
            last_success_at: Some(now - 9 * 24 * 3600 * 1000),
            last_status: Some(503),
            last_error: Some("HTTP 503 Service Unavailable".into()),
            consecutive_failures: 12,
            ..FetchState::default()
        })
        .unwrap();
        b.put_fetch_state(&FetchState {
            url: "https://hidup.example/rss".into(),
            source_id: Some(alive),
            last_attempt_at: Some(now - 60_000),
            last_success_at: Some(now - 60_000),
            last_status: Some(200),
            items_seen: 40,
            items_new: 3,
            ..FetchState::default()
        })
        .unwrap();
        b.commit().unwrap();
        let tokens = [
            (DEFAULT_TOKEN, Role::Admin),
            ("rina", Role::Analyst),
            ("budi", Role::Analyst),
        ]
        .into_iter()
        .map(|(name, role)| (name, create_token(&mut store, name, role, None).unwrap()))
        .collect();
        Fixture { dir, tokens }
    })
}

fn app(synthetic: bool) -> axum::Router {
    let mut state = AppState::open(fixture()).unwrap();
    state.synthetic = synthetic;
    router(state)
}

struct Answer {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    body: String,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
}

async fn send(app: &axum::Router, mut req: Request<Body>) -> Answer {
    if !req.headers().contains_key(header::AUTHORIZATION) {
        let bearer = format!("Bearer {}", token(DEFAULT_TOKEN));
        req.headers_mut()
            .insert(header::AUTHORIZATION, bearer.parse().unwrap());
    }
    let res = app.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let bytes = to_bytes(res.into_body(), 16 * 1024 * 1024).await.unwrap();
    Answer {
        status,
        headers,
        body: String::from_utf8(bytes.to_vec()).unwrap(),
    }
}

async fn get(app: &axum::Router, uri: &str) -> Answer {
    send(app, Request::get(uri).body(Body::empty()).unwrap()).await
}

async fn post_json(app: &axum::Router, uri: &str, body: Value, user: &str) -> Answer {
    let req = Request::post(uri)
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::AUTHORIZATION, format!("Bearer {}", token(user)))
        .body(Body::from(body.to_string()))
        .unwrap();
    send(app, req).await
}

async fn ok_json(app: &axum::Router, uri: &str) -> Value {
    let a = get(app, uri).await;
    assert_eq!(a.status, StatusCode::OK, "{uri}: {}", a.body);
    a.json()
}

fn unify_entities(html: &str) -> String {
    html.replace("&#60;", "&lt;").replace("&#62;", "&gt;")
}

fn hostile_article_id() -> i64 {
    let store = waspada_store::Store::open(&fixture().join("waspada.sqlite")).unwrap();
    store
        .connection()
        .query_row(
            "SELECT id FROM articles WHERE external_id = ?1",
            [HOSTILE_ID],
            |r| r.get(0),
        )
        .unwrap()
}

#[tokio::test]
async fn every_documented_route_is_served() {
    let app = app(false);
    let doc = ok_json(&app, "/api/openapi.json").await;
    assert!(doc["paths"].as_object().unwrap().len() >= API_ROUTES.len() - 1);
    for (method, path) in API_ROUTES {
        let uri = path.replace("{id}", "999999");
        let req = Request::builder()
            .method(method.to_ascii_uppercase().as_str())
            .uri(&uri)
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(r#"{"action":"note","note":"x"}"#))
            .unwrap();
        let a = send(&app, req).await;
        assert_ne!(a.status, StatusCode::METHOD_NOT_ALLOWED, "{method} {uri}");
        assert!(
            !a.body.contains("no such route"),
            "{method} {uri} is not routed: {}",
            a.body
        );
    }
    // And something that is not routed gets a JSON 404.
    let a = get(&app, "/api/nothing-here").await;
    assert_eq!(a.status, StatusCode::NOT_FOUND);
    assert!(
        a.json()["error"]
            .as_str()
            .unwrap()
            .contains("no such route")
    );
    let a = send(
        &app,
        Request::delete("/api/signals").body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(a.status, StatusCode::METHOD_NOT_ALLOWED);
    assert!(a.json()["error"].is_string());
}

#[tokio::test]
async fn signals_list_filters_sorts_and_pages() {
    let app = app(false);
    let all = ok_json(&app, "/api/signals?limit=1000").await;
    let total = all["total"].as_u64().unwrap();
    assert!(total > 0, "detection raised no signal on the fixture");
    let items = all["items"].as_array().unwrap();
    assert_eq!(items.len() as u64, total);
    for s in items {
        for key in [
            "id",
            "disease_id",
            "disease_name",
            "place_name",
            "method",
            "observed",
            "status",
            "n_stories",
            "event_ids",
        ] {
            assert!(!s[key].is_null(), "signal lacks {key}: {s}");
        }
    }
    // Ranking puts unreviewed signals first.
    let first_reviewed = items
        .iter()
        .position(|s| s["status"] != "new")
        .unwrap_or(items.len());
    assert!(
        items[first_reviewed..].iter().all(|s| s["status"] != "new")
            || first_reviewed == items.len()
    );
    // Within a status and a period: KLB, then deaths, then aberrations, then new areas.
    let priority = |s: &Value| match s["method"].as_str().unwrap() {
        "rule-klb-declared" => 0,
        "rule-deaths" => 1,
        "rule-new-area" => 3,
        _ => 2,
    };
    for w in items.windows(2) {
        if w[0]["status"] == w[1]["status"] && w[0]["period_start"] == w[1]["period_start"] {
            assert!(
                priority(&w[0]) <= priority(&w[1]),
                "{} before {}",
                w[0],
                w[1]
            );
        }
    }

    let one = ok_json(&app, "/api/signals?limit=1&offset=1").await;
    assert_eq!(one["total"], all["total"]);
    assert_eq!(
        one["items"].as_array().unwrap().len(),
        usize::from(total > 1)
    );
    let beyond = ok_json(&app, &format!("/api/signals?offset={}", total + 5)).await;
    assert!(beyond["items"].as_array().unwrap().is_empty());

    let disease = items[0]["disease_id"].as_str().unwrap();
    let filtered = ok_json(&app, &format!("/api/signals?disease={disease}&limit=1000")).await;
    let f_items = filtered["items"].as_array().unwrap();
    assert!(!f_items.is_empty());
    assert!(f_items.iter().all(|s| s["disease_id"] == disease));
    let expected = items.iter().filter(|s| s["disease_id"] == disease).count();
    assert_eq!(f_items.len(), expected);

    // Area: a province code matches its regencies' signals too.
    if let Some(reg) = items.iter().find(|s| s["area_level"] == "regency") {
        let code = reg["area_code"].as_str().unwrap();
        let province = &code[..2];
        let by_prov = ok_json(&app, &format!("/api/signals?area={province}&limit=1000")).await;
        assert!(
            by_prov["items"]
                .as_array()
                .unwrap()
                .iter()
                .any(|s| s["id"] == reg["id"])
        );
        assert!(
            by_prov["items"]
                .as_array()
                .unwrap()
                .iter()
                .all(|s| s["area_code"].as_str().unwrap().starts_with(province))
        );
    }

    let by_observed = ok_json(&app, "/api/signals?sort=observed&limit=1000").await;
    let obs: Vec<u64> = by_observed["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["observed"].as_u64().unwrap())
        .collect();
    assert!(obs.windows(2).all(|w| w[0] >= w[1]), "{obs:?}");

    let since = ok_json(&app, "/api/signals?since=2025-12-01&limit=1000").await;
    assert!(
        since["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["period_start"].as_str().unwrap() >= "2025-12-01")
    );

    for bad in [
        "/api/signals?status=maybe",
        "/api/signals?since=yesterday",
        "/api/signals?limit=0",
        "/api/signals?limit=x",
        "/api/signals?sort=random",
    ] {
        let a = get(&app, bad).await;
        assert_eq!(a.status, StatusCode::BAD_REQUEST, "{bad}");
        assert!(a.json()["error"].is_string(), "{bad}");
    }
}

#[tokio::test]
async fn signal_event_and_article_details_and_404s() {
    let app = app(false);
    let list = ok_json(&app, "/api/signals?limit=1000").await;
    let with_events = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| !s["event_ids"].as_array().unwrap().is_empty())
        .expect("a signal linked to events");
    let id = with_events["id"].as_i64().unwrap();
    let d = ok_json(&app, &format!("/api/signals/{id}")).await;
    assert_eq!(d["id"], id);
    assert!(d["history"].is_array());
    let events = d["events"].as_array().unwrap();
    assert_eq!(
        events.len(),
        with_events["event_ids"].as_array().unwrap().len()
    );

    let event_id = events[0]["id"].as_i64().unwrap();
    let e = ok_json(&app, &format!("/api/events/{event_id}")).await;
    let reports = e["reports"].as_array().unwrap();
    assert_eq!(reports.len() as i64, e["n_reports"].as_i64().unwrap());
    assert!(e["signal_ids"].as_array().unwrap().iter().any(|s| s == id));
    assert!(["high", "medium", "low"].contains(&e["severity"].as_str().unwrap()));
    let dates: Vec<&str> = reports
        .iter()
        .map(|r| r["date"].as_str().unwrap())
        .collect();
    assert!(
        dates.windows(2).all(|w| w[0] <= w[1]),
        "history not in date order"
    );
    let article_id = e["articles"][0]["id"].as_i64().unwrap();

    let a = ok_json(&app, &format!("/api/articles/{article_id}")).await;
    assert!(
        a["event_ids"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x == event_id)
    );
    let text: Vec<char> = a["clean_text"].as_str().unwrap().chars().collect();
    let evidence = a["evidence"].as_array().unwrap();
    assert!(evidence.iter().any(|s| s["kind"] == "disease"));
    // Offsets are characters: the spans cut out exactly the mention texts of the analysis.
    for m in a["analysis"]["diseases"][0]["mentions"].as_array().unwrap() {
        let (s, e) = (
            m["start"].as_u64().unwrap() as usize,
            m["end"].as_u64().unwrap() as usize,
        );
        assert_eq!(
            text[s..e].iter().collect::<String>(),
            m["text"].as_str().unwrap()
        );
    }
    assert!(a["analysis"].get("clean_text").is_none());

    for uri in [
        "/api/signals/999999",
        "/api/events/999999",
        "/api/articles/999999",
    ] {
        let r = get(&app, uri).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{uri}");
        assert!(r.json()["error"].as_str().unwrap().contains("999999"));
    }
    let r = get(&app, "/api/events/abc").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.json()["error"].is_string());
}

#[tokio::test]
async fn events_filter_and_page() {
    let app = app(false);
    let all = ok_json(&app, "/api/events?limit=1000").await;
    let items = all["items"].as_array().unwrap();
    assert!(!items.is_empty());
    assert_eq!(items.len() as u64, all["total"].as_u64().unwrap());
    let lasts: Vec<&str> = items
        .iter()
        .map(|e| e["last_date"].as_str().unwrap())
        .collect();
    assert!(lasts.windows(2).all(|w| w[0] >= w[1]), "latest first");
    let ev = items.iter().find(|e| !e["regency_code"].is_null()).unwrap();
    let province = ev["province_code"].as_str().unwrap();
    let by_place = ok_json(&app, &format!("/api/events?place={province}&limit=1000")).await;
    let p_items = by_place["items"].as_array().unwrap();
    assert!(p_items.iter().any(|e| e["id"] == ev["id"]));
    assert!(
        p_items
            .iter()
            .all(|e| e["province_code"] == province || e["area_code"] == province)
    );
    let klb = ok_json(&app, "/api/events?klb=true&limit=1000").await;
    assert!(
        klb["total"].as_u64().unwrap() > 0,
        "the demo scenarios declare KLBs"
    );
    assert!(
        klb["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["klb_declared"] == true)
    );
    let window = ok_json(
        &app,
        "/api/events?since=2025-12-01&until=2025-12-10&limit=1000",
    )
    .await;
    for e in window["items"].as_array().unwrap() {
        assert!(
            e["last_date"].as_str().unwrap() >= "2025-12-01"
                && e["first_date"].as_str().unwrap() <= "2025-12-10"
        );
    }
    let paged = ok_json(&app, "/api/events?limit=2&offset=1").await;
    assert_eq!(paged["items"][0]["id"], items[1]["id"]);
}

#[tokio::test]
async fn series_is_dense_weekly_with_its_signals() {
    let app = app(false);
    let list = ok_json(&app, "/api/signals?limit=1000").await;
    let s = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["frequency"] == "weekly")
        .expect("a weekly signal");
    let uri = format!(
        "/api/series?disease={}&area={}&level={}",
        s["disease_id"].as_str().unwrap(),
        s["area_code"].as_str().unwrap(),
        s["area_level"].as_str().unwrap()
    );
    let series = ok_json(&app, &uri).await;
    let points = series["points"].as_array().unwrap();
    assert!(points.len() >= 2);
    let days: Vec<jiff::civil::Date> = points
        .iter()
        .map(|p| p["period_start"].as_str().unwrap().parse().unwrap())
        .collect();
    for w in days.windows(2) {
        assert_eq!(
            (w[1] - w[0]).get_days(),
            7,
            "weekly points must be contiguous: {w:?}"
        );
    }
    assert!(
        days.iter()
            .all(|d| d.weekday() == jiff::civil::Weekday::Monday)
    );
    let signals = series["signals"].as_array().unwrap();
    assert!(signals.iter().any(|x| x["id"] == s["id"]));
    // The signal's period is a point of the series and holds its observed count.
    let at = points
        .iter()
        .find(|p| p["period_start"] == s["period_start"])
        .expect("signal period in series");
    if s["method"].as_str().unwrap().starts_with("ears") || s["method"] == "farrington" {
        assert_eq!(at["reports"], s["observed"]);
    }
    let bad = get(&app, "/api/series?area=32").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    let bad = get(&app, "/api/series?disease=dengue&area=32&frequency=hourly").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn sources_show_a_dead_feed() {
    let app = app(false);
    let v = ok_json(&app, "/api/sources").await;
    let sources = v["sources"].as_array().unwrap();
    let dead = sources.iter().find(|s| s["name"] == "Feed Mati").unwrap();
    assert_eq!(dead["health"], "failing");
    assert_eq!(dead["consecutive_failures"], 12);
    assert!(dead["last_error"].as_str().unwrap().contains("503"));
    let alive = sources.iter().find(|s| s["name"] == "Feed Hidup").unwrap();
    assert_eq!(alive["health"], "ok");
    assert!(!v["outlets"].as_array().unwrap().is_empty());
    let page = get(&app, "/sources?lang=en").await;
    assert!(page.body.contains("Feed Mati") && page.body.contains("failing"));
}

#[tokio::test]
async fn search_returns_hits_snippets_and_facets() {
    let app = app(false);
    let r = ok_json(&app, "/api/search?q=demam%20berdarah").await;
    assert!(r["total"].as_u64().unwrap() > 0);
    let hit = &r["hits"][0];
    assert!(hit["article_id"].as_i64().is_some());
    assert!(!hit["snippet"]["fragment"].as_str().unwrap().is_empty());
    let diseases = r["facets"]["diseases"].as_array().unwrap();
    assert!(diseases.iter().any(|f| f["value"] == "dengue"));
    let filtered = ok_json(&app, "/api/search?q=demam&disease=dengue&place=IDN").await;
    assert!(filtered["total"].as_u64().unwrap() <= r["total"].as_u64().unwrap() + 1000);
    assert!(
        filtered["facets"]["diseases"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["value"] == "dengue" || f["count"].as_u64().unwrap() > 0)
    );
    let bad = get(&app, "/api/search?q=x&place=Garut").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    let page = get(&app, "/search?q=demam&lang=en").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("<mark class=\"hl-match\">"),
        "snippet highlights"
    );
}

#[tokio::test]
async fn exports_parse_back() {
    let app = app(false);
    let total_events = ok_json(&app, "/api/events?limit=1").await["total"]
        .as_u64()
        .unwrap() as usize;

    let csv_answer = get(&app, "/api/events.csv").await;
    assert_eq!(csv_answer.status, StatusCode::OK);
    assert!(
        csv_answer.headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let mut rd = csv::Reader::from_reader(csv_answer.body.as_bytes());
    let headers = rd.headers().unwrap().clone();
    assert_eq!(&headers[0], "id");
    let rows: Vec<csv::StringRecord> = rd.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), total_events);
    let lat_col = headers.iter().position(|h| h == "lat").unwrap();
    assert!(rows.iter().any(|r| r[lat_col].parse::<f64>().is_ok()));

    let geo = get(&app, "/api/events.geojson").await;
    assert_eq!(geo.headers[header::CONTENT_TYPE], "application/geo+json");
    let fc = geo.json();
    assert_eq!(fc["type"], "FeatureCollection");
    let features = fc["features"].as_array().unwrap();
    assert_eq!(
        features.len() + fc["without_coordinates"].as_u64().unwrap() as usize,
        total_events
    );
    assert!(!features.is_empty());
    for f in features {
        assert_eq!(f["geometry"]["type"], "Point");
        let (lon, lat) = (
            f["geometry"]["coordinates"][0].as_f64().unwrap(),
            f["geometry"]["coordinates"][1].as_f64().unwrap(),
        );
        // Longitude first (RFC 7946); Southeast Asia.
        assert!(
            (90.0..=145.0).contains(&lon) && (-15.0..=25.0).contains(&lat),
            "{lon},{lat}"
        );
        assert!(f["properties"]["severity"].is_string());
    }

    let places = get(&app, "/api/places.geojson").await.json();
    let dots = places["features"].as_array().unwrap();
    assert!(
        dots.len() > 400,
        "regencies and cities of Indonesia at least"
    );
    assert!(
        dots.iter().any(|f| f["properties"]["code"] == "32.05"),
        "Garut"
    );

    let total_signals = ok_json(&app, "/api/signals?limit=1").await["total"]
        .as_u64()
        .unwrap() as usize;
    let s = get(&app, "/api/signals.csv").await;
    let mut rd = csv::Reader::from_reader(s.body.as_bytes());
    assert_eq!(rd.records().count(), total_signals);
    let filtered = get(
        &app,
        "/api/signals.csv?status=dismissed&disease=no_such_disease",
    )
    .await;
    let mut rd = csv::Reader::from_reader(filtered.body.as_bytes());
    assert_eq!(rd.records().count(), 0);
}

#[tokio::test]
async fn triage_changes_status_and_keeps_history() {
    let app = app(false);
    let list = ok_json(&app, "/api/signals?sort=recent&limit=1000").await;
    // Use the last signal so other tests' first items are left alone.
    let id = list["items"].as_array().unwrap().last().unwrap()["id"]
        .as_i64()
        .unwrap();
    let uri = format!("/api/signals/{id}/triage");

    let r = post_json(&app, &uri, json!({"action": "verify"}), "rina").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["status"], "verified");

    let r = post_json(&app, &uri, json!({"action": "dismiss"}), "rina").await;
    assert_eq!(
        r.status,
        StatusCode::BAD_REQUEST,
        "dismissal without reason"
    );
    let r = post_json(&app, &uri, json!({"action": "assign"}), "rina").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "assign without assignee");
    let r = post_json(&app, &uri, json!({"action": "approve"}), "rina").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let r = post_json(
        &app,
        &uri,
        json!({"action": "note", "note": "x".repeat(2001)}),
        "rina",
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);

    let r = post_json(
        &app,
        &uri,
        json!({"action": "assign", "assignee": "budi"}),
        "rina",
    )
    .await;
    assert_eq!(r.json()["status"], "verified", "assign keeps the status");
    let r = post_json(
        &app,
        &uri,
        json!({"action": "dismiss", "note": "laporan lama"}),
        "budi",
    )
    .await;
    assert_eq!(r.json()["status"], "dismissed");

    // Persisted: a fresh router (new connections) sees the status and the whole history.
    let fresh = self::app(false);
    let d = ok_json(&fresh, &format!("/api/signals/{id}")).await;
    assert_eq!(d["status"], "dismissed");
    let history = d["history"].as_array().unwrap();
    let actions: Vec<&str> = history
        .iter()
        .map(|h| h["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["verify", "assign", "dismiss"]);
    assert_eq!(history[0]["user"], "rina");
    assert_eq!(history[1]["assignee"], "budi");
    assert_eq!(history[2]["note"], "laporan lama");
    assert_eq!(history[2]["user"], "budi");
    let dismissed = ok_json(&fresh, "/api/signals?status=dismissed&limit=1000").await;
    assert!(
        dismissed["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["id"] == id)
    );

    // The dashboard's htmx form: the row comes back with the new status.
    let req = Request::post(format!("/signals/{id}/triage?lang=en"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header("hx-request", "true")
        .body(Body::from("action=escalate&note=&assignee="))
        .unwrap();
    let row = send(&app, req).await;
    assert_eq!(row.status, StatusCode::OK);
    assert!(
        row.body.starts_with(&format!("<tr id=\"signal-{id}\"")),
        "{}",
        row.body
    );
    assert!(row.body.contains("status-escalated"));
    // Without htmx: redirect to the signal page.
    let req = Request::post(format!("/signals/{id}/triage"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from("action=note&note=dicek+ulang"))
        .unwrap();
    let r = send(&app, req).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let d = ok_json(&app, &format!("/api/signals/{id}")).await;
    assert_eq!(d["status"], "escalated");
    assert_eq!(d["history"].as_array().unwrap().len(), 5);
    assert_eq!(d["history"][4]["user"], DEFAULT_TOKEN);

    // Unknown signal, wrong content type, oversized body.
    let r = post_json(
        &app,
        "/api/signals/999999/triage",
        json!({"action": "verify"}),
        "rina",
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = send(
        &app,
        Request::post(&uri)
            .body(Body::from("action=verify"))
            .unwrap(),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert!(r.json()["error"].is_string());
    let big = json!({"action": "note", "note": "x".repeat(100_000)});
    let r = post_json(&app, &uri, big, "rina").await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn language_switch_and_synthetic_banner() {
    let app = app(true);
    let id_page = get(&app, "/signals").await;
    assert_eq!(id_page.status, StatusCode::OK);
    assert!(
        id_page.body.contains("Sinyal terbaru"),
        "Indonesian by default"
    );
    assert!(id_page.body.contains("<html lang=\"id\">"));
    assert!(id_page.body.contains("id=\"synthetic-banner\""));
    assert!(id_page.body.contains("SINTETIS"));

    let en = get(&app, "/signals?lang=en").await;
    assert!(en.body.contains("Latest signals") && !en.body.contains("Sinyal terbaru"));
    assert!(en.body.contains("SYNTHETIC"));
    let cookie = en.headers[header::SET_COOKIE].to_str().unwrap();
    assert!(cookie.starts_with("waspada_lang=en"));
    // The cookie keeps English on the next page.
    let req = Request::get("/map")
        .header(header::COOKIE, "other=1; waspada_lang=en")
        .body(Body::empty())
        .unwrap();
    let map = send(&app, req).await;
    assert!(map.body.contains("Map of events"));
    // The switch link leads back to Indonesian.
    assert!(en.body.contains("href=\"/signals?lang=id\""));

    let real = self::app(false);
    let page = get(&real, "/signals").await;
    assert!(!page.body.contains("synthetic-banner"));
}

#[tokio::test]
async fn map_opens_on_the_latest_90_days_and_event_pages_on_the_latest_reports() {
    let app = app(false);
    let events = ok_json(&app, "/api/events?limit=1").await;
    let latest = events["items"][0]["last_date"]
        .as_str()
        .unwrap()
        .to_string();
    let since = latest
        .parse::<jiff::civil::Date>()
        .unwrap()
        .checked_sub(jiff::Span::new().days(90))
        .unwrap()
        .to_string();
    let map = get(&app, "/map").await;
    assert!(
        map.body.contains(&format!("data-query=\"?since={since}\"")),
        "the map's default window: {}",
        map.body
    );
    // An empty date (the form cleared) means the whole archive.
    let all = get(&app, "/map?since=&until=").await;
    assert!(all.body.contains("data-query=\"\""), "{}", all.body);

    // The longest event lists only its latest reports, and says how many are left off.
    let big = ok_json(&app, "/api/events?limit=500").await["items"]
        .as_array()
        .unwrap()
        .iter()
        .max_by_key(|e| e["n_reports"].as_i64().unwrap())
        .unwrap()
        .clone();
    let id = big["id"].as_i64().unwrap();
    let detail = ok_json(&app, &format!("/api/events/{id}")).await;
    let n = detail["reports"].as_array().unwrap().len();
    assert!(n > 100, "the fixture's longest event has only {n} reports");
    let page = get(&app, &format!("/events/{id}?lang=en")).await;
    let table = page.body.split("id=\"reports\"").nth(1).unwrap();
    let table = table.split("</table>").next().unwrap();
    assert_eq!(table.matches("<tr><td>").count(), 100);
    assert!(
        page.body.contains(&format!("{} earlier reports", n - 100)),
        "{}",
        page.body
    );
    let last = detail["reports"][n - 1]["article_id"].as_i64().unwrap();
    assert!(
        table.contains(&format!("/articles/{last}\"")),
        "the latest report is listed"
    );
}

#[tokio::test]
async fn every_page_renders() {
    let app = app(true);
    let signal = ok_json(&app, "/api/signals?limit=1").await["items"][0]["id"]
        .as_i64()
        .unwrap();
    let event = ok_json(&app, "/api/events?limit=1").await["items"][0]["id"]
        .as_i64()
        .unwrap();
    let article = hostile_article_id();
    for lang in ["id", "en"] {
        for path in [
            "/signals".to_string(),
            format!("/signals/{signal}"),
            format!("/events/{event}"),
            format!("/articles/{article}"),
            "/map".into(),
            "/timeline".into(),
            "/search?q=rabies".into(),
            "/search".into(),
            "/sources".into(),
        ] {
            let a = get(
                &app,
                &format!(
                    "{path}{}lang={lang}",
                    if path.contains('?') { '&' } else { '?' }
                ),
            )
            .await;
            assert_eq!(a.status, StatusCode::OK, "{path}: {}", a.body);
            assert!(
                a.headers[header::CONTENT_SECURITY_POLICY]
                    .to_str()
                    .unwrap()
                    .contains("script-src 'self'")
            );
            assert!(a.body.contains(&format!("<html lang=\"{lang}\">")));
        }
    }
    let missing = get(&app, "/events/999999?lang=en").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert!(missing.body.contains("Not found"));
    // The timeline defaults to the top signal's series.
    let t = get(&app, "/timeline").await;
    assert!(t.body.contains("data-query=\"?disease="));
    for asset in [
        "/assets/htmx-2.0.11.min.js",
        "/assets/leaflet-1.9.4.js",
        "/assets/uPlot-1.6.32.min.js",
        "/assets/app.js",
        "/assets/leaflet-1.9.4.css",
    ] {
        let a = get(&app, asset).await;
        assert_eq!(a.status, StatusCode::OK, "{asset}");
        assert!(a.body.len() > 1000 || asset.ends_with("app.js"));
    }
    assert_eq!(
        get(&app, "/assets/nope.js").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn hostile_article_renders_escaped() {
    let app = app(false);
    let id = hostile_article_id();
    // The store keeps the hostile text as it came: the page test below can fail.
    let api = ok_json(&app, &format!("/api/articles/{id}")).await;
    assert!(api["url"].as_str().unwrap().starts_with("javascript:"));
    assert!(
        api["title"]
            .as_str()
            .unwrap()
            .contains("<script>alert(1)</script>")
    );
    assert!(
        api["clean_text"]
            .as_str()
            .unwrap()
            .contains("<img src=x onerror=alert(1)>")
    );
    assert!(
        api["analysis"]["relevance"]["is_outbreak_report"]
            .as_bool()
            .unwrap(),
        "fixture should be an outbreak report"
    );

    let page = get(&app, &format!("/articles/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    // askama writes `<` and `>` as numeric references; compare in one spelling.
    let html = &unify_entities(&page.body);
    assert!(!html.contains("<script>alert"), "script tag rendered raw");
    assert!(!html.contains("<img src=x"), "img tag rendered raw");
    assert!(!html.contains("onerror=alert(1)>"), "img tag rendered raw");
    assert!(
        !html.contains("href=\"javascript:"),
        "javascript: link rendered"
    );
    assert!(
        !html.to_ascii_lowercase().contains("href=\"javascript"),
        "javascript: link rendered"
    );
    assert!(!html.contains("<b>Uji</b>"), "source name rendered as HTML");
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "escaped title shown"
    );
    assert!(
        html.contains("&lt;img src=x onerror=alert(1)&gt;"),
        "escaped body shown"
    );
    // Only our own scripts are on the page.
    let scripts = html.matches("<script").count();
    assert_eq!(scripts, html.matches("<script src=\"/assets/").count());
    // Highlights are there, built from escaped pieces.
    assert!(html.contains("<mark class=\"hl-disease\""));

    // The event page and search results show its title escaped as well.
    if let Some(event) = api["event_ids"].as_array().unwrap().first() {
        let ev = get(&app, &format!("/events/{event}")).await;
        assert!(
            !ev.body.contains("<script>alert")
                && unify_entities(&ev.body).contains("&lt;script&gt;")
        );
    }
    let s = get(&app, "/search?q=onerror").await;
    assert!(!s.body.contains("<script>alert") && !s.body.contains("<img src=x"));
}
