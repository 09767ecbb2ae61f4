//! Two `waspada serve` processes on one PostgreSQL (issue 6: "`waspada serve` against the
//! same Postgres"), on the real binary and a real server.
//!
//! The cluster's store is filled the way a cluster fills it: synthetic articles through the
//! analyse worker (an in-memory queue stands in for NATS, which other tests cover) into
//! PostgreSQL, detection over it, and `waspada reindex` for the search index. Users and
//! tokens are made with `waspada user` / `waspada token --config`. Then:
//! - both servers show the same signals, events, articles, series and search hits;
//! - a triage made on one is seen on the other, with its history;
//! - a session opened on one is valid on the other; logging out on one ends it on both;
//! - push ingest is refused with a pointer to `waspada publish`;
//! - with PostgreSQL down, requests answer 503 saying the database cannot be reached, and
//!   the servers recover by themselves when it is back.
//!
//! Without PostgreSQL installed this test says "skipped: <reason>"; under `WASPADA_CI=1`
//! it fails instead.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use serde_json::Value;
use waspada_store_pg::testing::TempPostgres;

mod common;
use common::postgres::fill;
use common::start_server;

const PASSWORD: &str = "kata sandi yang panjang";

fn waspada(dir: &Path, args: &[&str], stdin: Option<&str>) -> String {
    let mut child = Command::new(env!("CARGO_BIN_EXE_waspada"))
        .args(args)
        .current_dir(dir)
        .env_remove("WASPADA_DATA")
        .env_remove("WASPADA_POSTGRES_URL")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run waspada");
    if let Some(text) = stdin {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(text.as_bytes())
            .unwrap();
    }
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "waspada {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

struct Response {
    status: u16,
    head: String,
    body: String,
}

impl Response {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.head.lines().find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case(name).then(|| v.trim())
        })
    }
}

/// One HTTP/1.1 request; `auth` is a header line (`Authorization: ...` or `Cookie: ...`).
fn request(
    port: u16,
    method: &str,
    path: &str,
    auth: &str,
    body: Option<(&str, &str)>,
) -> Response {
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connect to waspada serve");
    s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    let (kind, content) = body.unwrap_or(("", ""));
    let mut req = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nOrigin: http://127.0.0.1:{port}\r\n\
         Connection: close\r\n"
    );
    if !auth.is_empty() {
        req.push_str(&format!("{auth}\r\n"));
    }
    if body.is_some() {
        req.push_str(&format!(
            "Content-Type: {kind}\r\nContent-Length: {}\r\n",
            content.len()
        ));
    }
    req.push_str("\r\n");
    req.push_str(content);
    s.write_all(req.as_bytes()).unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).expect("read the response");
    let raw = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = raw.split_once("\r\n\r\n").unwrap_or((&raw, ""));
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    // Bodies may come chunked; JSON and HTML parse fine once the chunk sizes are gone.
    let body = if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        dechunk(body)
    } else {
        body.to_string()
    };
    Response {
        status,
        head: head.to_string(),
        body,
    }
}

fn dechunk(mut s: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = s.split_once("\r\n") {
        let Ok(n) = usize::from_str_radix(size.trim(), 16) else {
            break;
        };
        if n == 0 || rest.len() < n {
            break;
        }
        out.push_str(&rest[..n]);
        s = rest[n..].trim_start_matches("\r\n");
    }
    out
}

#[test]
fn two_servers_share_one_postgres_store() {
    let Some(pg) = TempPostgres::for_test() else {
        return;
    };
    let url = pg.fresh_database().expect("a fresh database");
    let signals = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
        .block_on(fill(&url));
    assert!(signals > 0, "detection raised signals");

    let dir = tempfile::tempdir().unwrap();
    let index = dir.path().join("index");
    let config = dir.path().join("cluster.toml");
    std::fs::write(
        &config,
        format!(
            "[cluster]\npostgres_url = \"{url}\"\nindex_dir = \"{}\"\n",
            index.display()
        ),
    )
    .unwrap();
    let cfg = config.to_str().unwrap();
    waspada(dir.path(), &["reindex", "--config", cfg], None);
    let added = waspada(
        dir.path(),
        &[
            "user",
            "add",
            "ani",
            "--role",
            "analyst",
            "--password-stdin",
            "--config",
            cfg,
        ],
        Some(&format!("{PASSWORD}\n")),
    );
    assert!(
        added.contains("added ani (analyst) to PostgreSQL at"),
        "{added}"
    );
    let token = waspada(
        dir.path(),
        &["token", "add", "bot", "--role", "analyst", "--config", cfg],
        None,
    )
    .trim()
    .to_string();
    let bearer = format!("Authorization: Bearer {token}");
    // Nothing was written to a data directory.
    assert!(!dir.path().join("waspada-data").exists());

    let (_a, port_a) = start_server(dir.path(), &config);
    let (_b, port_b) = start_server(dir.path(), &config);

    // The same reads on both.
    for path in [
        "/api/signals?limit=1000",
        "/api/events?limit=1000",
        "/api/search?q=demam",
    ] {
        let a = request(port_a, "GET", path, &bearer, None);
        let b = request(port_b, "GET", path, &bearer, None);
        assert_eq!(a.status, 200, "{path}: {}", a.body);
        assert_eq!(a.json(), b.json(), "{path}");
    }
    let list = request(port_a, "GET", "/api/signals?limit=1000", &bearer, None).json();
    assert_eq!(list["total"].as_u64(), Some(signals));
    let signal = &list["items"][0];
    let id = signal["id"].as_i64().unwrap();
    assert_eq!(signal["status"], "new");
    let event_id = signal["event_ids"][0]
        .as_i64()
        .expect("a signal with events");
    let event = request(
        port_b,
        "GET",
        &format!("/api/events/{event_id}"),
        &bearer,
        None,
    );
    assert_eq!(event.status, 200, "{}", event.body);
    let event = event.json();
    assert!(event["signal_ids"].as_array().unwrap().contains(&id.into()));
    let article_id = event["articles"][0]["id"].as_i64().unwrap();
    let article = request(
        port_a,
        "GET",
        &format!("/api/articles/{article_id}"),
        &bearer,
        None,
    );
    assert_eq!(article.status, 200, "{}", article.body);
    let article = article.json();
    assert!(!article["evidence"].as_array().unwrap().is_empty());
    assert!(
        article["event_ids"]
            .as_array()
            .unwrap()
            .contains(&event_id.into())
    );
    let series = request(
        port_b,
        "GET",
        &format!(
            "/api/series?disease={}&area={}&frequency={}",
            signal["disease_id"].as_str().unwrap(),
            signal["area_code"].as_str().unwrap(),
            signal["frequency"].as_str().unwrap()
        ),
        &bearer,
        None,
    );
    assert_eq!(series.status, 200, "{}", series.body);
    let series = series.json();
    assert!(
        series["points"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["reports"].as_u64() > Some(0))
    );
    assert!(
        series["signals"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["id"] == id)
    );
    let search = request(port_a, "GET", "/api/search?q=demam", &bearer, None).json();
    assert!(search["total"].as_u64() > Some(0), "{search}");
    for page in [
        "/signals?lang=en".to_string(),
        format!("/signals/{id}?lang=id"),
        format!("/events/{event_id}?lang=en"),
        format!("/articles/{article_id}?lang=en"),
        "/map?lang=en".to_string(),
        "/sources?lang=en".to_string(),
        "/search?q=demam&lang=id".to_string(),
    ] {
        let r = request(port_b, "GET", &page, &bearer, None);
        assert_eq!(r.status, 200, "{page}: {}", r.body);
    }

    // A triage on one server is seen on the other.
    let triage = request(
        port_a,
        "POST",
        &format!("/api/signals/{id}/triage"),
        &bearer,
        Some((
            "application/json",
            r#"{"action":"escalate","note":"dua kematian, lapor ke PHEOC"}"#,
        )),
    );
    assert_eq!(triage.status, 200, "{}", triage.body);
    let seen = request(port_b, "GET", &format!("/api/signals/{id}"), &bearer, None).json();
    assert_eq!(seen["status"], "escalated");
    assert_eq!(seen["history"][0]["user"], "bot");
    assert_eq!(seen["history"][0]["note"], "dua kematian, lapor ke PHEOC");
    let escalated = request(
        port_b,
        "GET",
        "/api/signals?status=escalated",
        &bearer,
        None,
    )
    .json();
    assert_eq!(escalated["total"], 1);

    // A session opened on one server works on the other, and ends on both.
    let login = request(
        port_a,
        "POST",
        "/login",
        "",
        Some((
            "application/x-www-form-urlencoded",
            &format!(
                "username=ani&password={}&next=%2Fsignals",
                PASSWORD.replace(' ', "+")
            ),
        )),
    );
    assert_eq!(login.status, 303, "{}", login.body);
    let cookie = login
        .header("set-cookie")
        .and_then(|c| c.split(';').next())
        .expect("a session cookie")
        .to_string();
    let cookie = format!("Cookie: {cookie}");
    let me = request(port_b, "GET", "/api/me", &cookie, None);
    assert_eq!(me.status, 200, "{}", me.body);
    let me = me.json();
    assert_eq!(me["user"], "ani");
    let csrf = me["csrf_token"].as_str().expect("a CSRF token").to_string();
    let logout = request(
        port_b,
        "POST",
        "/logout",
        &cookie,
        Some((
            "application/x-www-form-urlencoded",
            &format!("csrf_token={csrf}"),
        )),
    );
    assert_eq!(logout.status, 303, "{}", logout.body);
    let after = request(port_a, "GET", "/api/me", &cookie, None);
    assert_eq!(
        after.status, 401,
        "the session ended on both: {}",
        after.body
    );

    // Articles enter a cluster through its queue, not a server.
    let push = request(
        port_a,
        "POST",
        "/api/articles",
        &bearer,
        Some(("application/json", r#"{"text":"Kasus campak di Garut."}"#)),
    );
    assert_eq!(push.status, 503, "{}", push.body);
    assert!(push.body.contains("waspada publish"), "{}", push.body);

    // An outage of the database: a clear 503, then recovery without a restart.
    match pg.stop() {
        Err(waspada_store_pg::testing::TempPostgresError::Unsupported) => {
            eprintln!("not checked: the outage (WASPADA_PG_URL names a server we cannot stop)");
            return;
        }
        other => other.expect("stop PostgreSQL"),
    }
    for port in [port_a, port_b] {
        let down = request(port, "GET", "/api/signals", &bearer, None);
        assert_eq!(down.status, 503, "{}", down.body);
        assert!(
            down.body.contains("database cannot be reached"),
            "{}",
            down.body
        );
    }
    pg.restart().expect("start PostgreSQL again");
    // Connections broken by the outage are replaced as they are found: at most one
    // request per pooled connection sees the outage after the server is back.
    let recovered = (0..10).find_map(|_| {
        let r = request(port_a, "GET", "/api/signals?limit=1", &bearer, None);
        (r.status == 200).then_some(r)
    });
    let recovered = recovered.expect("the server answers again once PostgreSQL is back");
    assert_eq!(recovered.json()["total"].as_u64(), Some(signals));
}
