//! `waspada run`'s poll against a local HTTP server serving feeds and pages written here:
//! new items are fetched, extracted and stored once whatever URL variant they come under,
//! a failing page or feed is recorded with its reason and never stops the rest, and an
//! unchanged feed costs a 304.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use waspada_pipeline::config::Config;
use waspada_pipeline::poll::Poller;
use waspada_store::Store;

/// A canned answer: status, extra headers, body.
type Answer = (u16, Vec<(String, String)>, String);

/// Routes: path → answer. Counts requests per path.
#[derive(Clone, Default)]
struct Server {
    routes: Arc<Mutex<HashMap<String, Answer>>>,
    hits: Arc<Mutex<HashMap<String, usize>>>,
}

impl Server {
    fn start(&self) -> u16 {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let me = self.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let me = me.clone();
                std::thread::spawn(move || {
                    let mut reader = BufReader::new(stream.try_clone().unwrap());
                    let mut request_line = String::new();
                    if reader.read_line(&mut request_line).is_err() {
                        return;
                    }
                    let mut headers = Vec::new();
                    loop {
                        let mut line = String::new();
                        if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                            break;
                        }
                        headers.push(line.to_ascii_lowercase());
                    }
                    let path = request_line
                        .split_whitespace()
                        .nth(1)
                        .unwrap_or("/")
                        .to_string();
                    let path_only = path.split(['?', '#']).next().unwrap_or("/").to_string();
                    *me.hits
                        .lock()
                        .unwrap()
                        .entry(path_only.clone())
                        .or_default() += 1;
                    let route = me.routes.lock().unwrap().get(&path_only).cloned();
                    let (status, extra, body) = route.unwrap_or((404, vec![], "not found".into()));
                    // Conditional GET: an ETag route answers 304 to its own tag.
                    let etag = extra
                        .iter()
                        .find(|(k, _)| k == "ETag")
                        .map(|(_, v)| v.to_ascii_lowercase());
                    let not_modified = etag.is_some_and(|e| {
                        headers
                            .iter()
                            .any(|h| h.starts_with("if-none-match:") && h.contains(&e))
                    });
                    let (status, body) = if not_modified {
                        (304, String::new())
                    } else {
                        (status, body)
                    };
                    let mut head = format!(
                        "HTTP/1.1 {status} X\r\nContent-Length: {}\r\nConnection: close\r\n",
                        body.len()
                    );
                    for (k, v) in &extra {
                        head.push_str(&format!("{k}: {v}\r\n"));
                    }
                    head.push_str("\r\n");
                    let _ = stream.write_all(head.as_bytes());
                    let _ = stream.write_all(body.as_bytes());
                });
            }
        });
        port
    }

    fn route(&self, path: &str, status: u16, headers: &[(&str, &str)], body: &str) {
        self.routes.lock().unwrap().insert(
            path.into(),
            (
                status,
                headers
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect(),
                body.into(),
            ),
        );
    }

    fn hits(&self, path: &str) -> usize {
        self.hits.lock().unwrap().get(path).copied().unwrap_or(0)
    }
}

fn page(title: &str, body: &str) -> String {
    format!(
        "<html lang=\"id\"><head><title>{title}</title>\
         <meta property=\"article:published_time\" content=\"2025-03-10T08:00:00+07:00\"></head>\
         <body><nav>Beranda | Nasional | Daerah</nav><article><h1>{title}</h1>{body}</article>\
         <footer>Hak cipta</footer></body></html>"
    )
}

fn config(port: u16) -> Config {
    let text = format!(
        r#"
[fetch]
allow_private_addresses = true
min_host_delay_secs = 0.0
max_retries = 0
read_timeout_secs = 2.0
total_timeout_secs = 5.0

[[source]]
name = "Kabar Uji"
url = "http://127.0.0.1:{port}/feed.xml"
country = "IDN"
language = "id"

[[source]]
name = "Feed Rusak"
url = "http://127.0.0.1:{port}/broken.xml"
country = "IDN"
language = "id"
"#
    );
    Config::parse(&text, std::path::Path::new("test.toml")).unwrap()
}

fn rss(port: u16) -> String {
    let item = |link: &str, title: &str| {
        format!(
            "<item><title>{title}</title><link>http://127.0.0.1:{port}{link}</link><guid>{link}</guid><pubDate>Mon, 10 Mar 2025 01:00:00 GMT</pubDate></item>"
        )
    };
    format!(
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Kabar Uji</title>{}{}{}{}</channel></rss>",
        item(
            "/berita/dbd-garut?utm_source=rss&amp;utm_medium=feed",
            "DBD di Garut"
        ),
        item("/berita/dbd-garut/", "DBD di Garut"),
        item("/berita/dbd-garut#komentar", "DBD di Garut"),
        item("/berita/rusak", "Halaman rusak"),
    )
}

#[tokio::test(flavor = "current_thread")]
async fn a_poll_stores_each_new_page_once_and_records_what_failed() {
    let server = Server::default();
    let port = server.start();
    server.route(
        "/feed.xml",
        200,
        &[("Content-Type", "application/rss+xml"), ("ETag", "\"v1\"")],
        &rss(port),
    );
    server.route(
        "/berita/dbd-garut",
        200,
        &[("Content-Type", "text/html; charset=utf-8")],
        &page(
            "Tiga warga Garut meninggal karena DBD",
            "<p>GARUT - Dinas Kesehatan Kabupaten Garut mencatat 120 kasus demam berdarah \
             dengue sejak awal Maret 2025. Tiga warga meninggal dunia.</p>\
             <p>Petugas melakukan pengasapan di desa yang terdampak.</p>",
        ),
    );
    server.route("/berita/rusak", 500, &[], "internal error");
    server.route(
        "/broken.xml",
        200,
        &[("Content-Type", "application/rss+xml")],
        "<rss><channel><item>",
    );

    let config = config(port);
    let poller = Poller::new(&config).unwrap();
    let mut store = Store::in_memory().unwrap();

    let report = poller
        .poll(&mut store, None, &config.sources[0])
        .await
        .unwrap();
    assert_eq!(report.error, None);
    assert_eq!(report.items, 4);
    assert_eq!(report.ingest.new, 1, "{report:#?}");
    assert_eq!(
        report.ingest.same_url, 2,
        "the two variants are the same page: {report:#?}"
    );
    assert_eq!(
        server.hits("/berita/dbd-garut"),
        1,
        "the page is fetched once"
    );
    assert_eq!(report.ingest.failed, 1);
    assert!(
        report.ingest.failures[0].reason.contains("500"),
        "{report:#?}"
    );

    let stats = store.stats().unwrap();
    assert_eq!(
        (stats.articles, stats.outbreak_articles, stats.events),
        (1, 1, 1)
    );
    let article = store.article(1).unwrap().unwrap();
    assert_eq!(
        article.title.as_deref(),
        Some("Tiga warga Garut meninggal karena DBD")
    );
    assert!(
        !article.clean_text.contains("Beranda"),
        "navigation is not article text"
    );
    assert_eq!(article.language_hint.as_deref(), Some("id"));

    let state = store.fetch_state(&config.sources[0].url).unwrap().unwrap();
    assert_eq!(state.etag.as_deref(), Some("\"v1\""));
    assert_eq!(state.consecutive_failures, 0);
    assert!(state.next_attempt_at.unwrap() > state.last_success_at.unwrap());

    // Unchanged feed: one 304, no page fetched again.
    let again = poller
        .poll(&mut store, None, &config.sources[0])
        .await
        .unwrap();
    assert!(again.not_modified, "{again:#?}");
    assert_eq!(server.hits("/berita/dbd-garut"), 1);
    assert_eq!(store.stats().unwrap().articles, 1);

    // A broken feed fails with a reason, is recorded, and backs off.
    let broken = poller
        .poll(&mut store, None, &config.sources[1])
        .await
        .unwrap();
    let reason = broken.error.expect("a malformed feed is an error");
    assert!(reason.contains("feed"), "{reason}");
    let state = store.fetch_state(&config.sources[1].url).unwrap().unwrap();
    assert_eq!(state.consecutive_failures, 1);
    assert_eq!(state.last_error.as_deref(), Some(reason.as_str()));
    assert!(state.last_success_at.is_none());
    let sources = store.sources().unwrap();
    assert_eq!(sources.len(), 2);
}
