//! Alert delivery from a cluster (issue 6), on the real binary and real servers: signals
//! in the cluster's PostgreSQL and a webhook subscription stored there (as a dashboard
//! stores it), with a receiver on loopback.
//!
//! - `waspada alerts send --config` with `[cluster] postgres_url` delivers every alert,
//!   signed, once; a second pass sends nothing new.
//! - `waspada scheduler` with an `[alerts]` section delivers them after its detection run
//!   (it needs nats-server too, for its lease).
//!
//! Without PostgreSQL (or nats-server) installed these tests say "skipped: <reason>";
//! under `WASPADA_CI=1` they fail instead.

use std::collections::BTreeSet;
use std::fs::File;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;
use waspada_alert::webhook::{DELIVERY_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, verify};
use waspada_queue::testing::NatsServer;
use waspada_store::{AlertFilter, AlertRow, NewSubscription, Workplace};
use waspada_store_pg::PgWorkplace;
use waspada_store_pg::testing::TempPostgres;

mod common;
use common::postgres::fill;
use common::{Killed, start_server};

const SECRET: &str = "rahasia-bersama-dinkes";

/// One request the receiver took: its headers (names lower-cased) and body.
#[derive(Debug, Clone)]
struct Received {
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Received {
    fn header(&self, name: &str) -> &str {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .unwrap_or_else(|| panic!("no {name} header: {:?}", self.headers))
    }
}

/// A webhook receiver on loopback answering 200 to every request; its URL and its log.
fn receiver() -> (String, Arc<Mutex<Vec<Received>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind the receiver");
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&seen);
    std::thread::spawn(move || {
        for conn in listener.incoming() {
            let Ok(mut conn) = conn else { return };
            let mut reader = BufReader::new(conn.try_clone().expect("clone the socket"));
            let mut headers = Vec::new();
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line.trim().is_empty() {
                    break;
                }
                if let Some((k, v)) = line.split_once(':') {
                    headers.push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
                }
            }
            let length = headers
                .iter()
                .find(|(k, _)| k == "content-length")
                .and_then(|(_, v)| v.parse().ok())
                .unwrap_or(0);
            let mut body = vec![0; length];
            if reader.read_exact(&mut body).is_err() {
                continue;
            }
            log.lock().unwrap().push(Received { headers, body });
            let _ = conn
                .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
        }
    });
    (url, seen)
}

/// `waspada alerts send --config FILE`; its standard error (the pass's summary).
fn alerts_send(dir: &Path, config: &Path) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_waspada"))
        .args(["alerts", "send", "--config"])
        .arg(config)
        .current_dir(dir)
        .env_remove("WASPADA_DATA")
        .env_remove("WASPADA_POSTGRES_URL")
        .output()
        .expect("run waspada alerts send");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "waspada alerts send: {stderr}");
    stderr
}

/// A cluster's store with signals and one webhook subscription to a loopback receiver.
struct Cluster {
    url: String,
    work: PgWorkplace,
    subscription: i64,
    signals: u64,
    seen: Arc<Mutex<Vec<Received>>>,
    /// The client's runtime; dropped after the workplace (field order).
    _rt: tokio::runtime::Runtime,
}

impl Cluster {
    /// Subscribes first, as an analyst would be before the outbreak (any disease,
    /// anywhere), then fills the store and runs detection.
    fn new(pg: &TempPostgres) -> Cluster {
        let url = pg.fresh_database().expect("a fresh database");
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let (hook_url, seen) = receiver();
        let mut work = rt.block_on(PgWorkplace::connect(&url)).expect("connect");
        let sub = work
            .add_subscription(&NewSubscription {
                user: "ani".into(),
                language: "id".into(),
                min_severity: "low".into(),
                trigger: "new".into(),
                channel: "webhook".into(),
                webhook_url: Some(hook_url),
                webhook_secret: Some(SECRET.into()),
                webhook_format: Some("json".into()),
                ..NewSubscription::default()
            })
            .expect("subscribe");
        let signals = rt.block_on(fill(&url));
        assert!(signals > 0, "detection raised signals");
        Cluster {
            url,
            work,
            subscription: sub.id,
            signals,
            seen,
            _rt: rt,
        }
    }

    /// The subscription's alerts.
    fn alerts(&self) -> Vec<AlertRow> {
        self.work
            .alerts(&AlertFilter {
                subscription_id: Some(self.subscription),
                ..AlertFilter::default()
            })
            .expect("list alerts")
    }

    /// Checks that the receiver got every stored alert once, signed, each about its own
    /// signal, and that the store holds them as sent after one attempt.
    fn assert_all_delivered(&self) {
        let alerts = self.alerts();
        assert!(!alerts.is_empty(), "no signal matched");
        assert!(alerts.len() as u64 <= self.signals);
        assert!(
            alerts.iter().all(|a| a.status == "sent" && a.attempts == 1),
            "{alerts:?}"
        );
        let received = self.seen.lock().unwrap().clone();
        assert_eq!(received.len(), alerts.len(), "one request per alert");
        let mut delivered = BTreeSet::new();
        let mut signal_ids = BTreeSet::new();
        for r in &received {
            let ts: i64 = r.header(TIMESTAMP_HEADER).parse().unwrap();
            assert!(
                verify(
                    SECRET.as_bytes(),
                    ts,
                    &r.body,
                    r.header(SIGNATURE_HEADER),
                    ts,
                    300
                ),
                "a bad signature"
            );
            let doc: Value = serde_json::from_slice(&r.body).expect("a JSON body");
            assert_eq!(doc["type"], "waspada.signal");
            assert_eq!(doc["subscription_id"].as_i64(), Some(self.subscription));
            let id: i64 = r.header(DELIVERY_HEADER).parse().unwrap();
            assert_eq!(doc["delivery_id"].as_i64(), Some(id));
            delivered.insert(id);
            signal_ids.insert(doc["signal"]["id"].as_i64().expect("the signal's id"));
        }
        let stored: BTreeSet<i64> = alerts.iter().map(|a| a.id).collect();
        assert_eq!(delivered, stored, "each stored alert delivered once");
        let alerted: BTreeSet<i64> = alerts.iter().map(|a| a.signal_id).collect();
        assert_eq!(signal_ids, alerted, "each about its own signal");
    }
}

/// A configuration in `dir` with these `[cluster]` lines and an `[alerts]` section.
fn write_config(dir: &Path, cluster: &str) -> std::path::PathBuf {
    let path = dir.join("cluster.toml");
    std::fs::write(
        &path,
        format!(
            "[cluster]\n{cluster}\n\n[alerts]\nbase_url = \"https://waspada.dinkes.example\"\n"
        ),
    )
    .unwrap();
    path
}

#[test]
fn alerts_send_delivers_from_the_clusters_postgres() {
    let Some(pg) = TempPostgres::for_test() else {
        return;
    };
    let cluster = Cluster::new(&pg);
    let dir = tempfile::tempdir().unwrap();
    let config = write_config(
        dir.path(),
        &format!(
            "postgres_url = \"{}\"\nindex_dir = \"{}\"",
            cluster.url,
            dir.path().join("index").display()
        ),
    );

    let first = alerts_send(dir.path(), &config);
    let n = cluster.alerts().len();
    assert!(
        first.contains(&format!(
            "alerts: {n} new, {n} sent, 0 to retry, 0 given up"
        )),
        "{first}"
    );
    cluster.assert_all_delivered();
    // Nothing was written to a data directory.
    assert!(!dir.path().join("waspada-data").exists());

    // A second pass: everything was sent, nothing new matches.
    let second = alerts_send(dir.path(), &config);
    assert!(second.contains("alerts: 0 new, 0 sent"), "{second}");
    assert_eq!(cluster.seen.lock().unwrap().len(), n, "nothing sent twice");

    // A server of the cluster shows them as sent.
    let token = waspada_ok(
        dir.path(),
        &["token", "add", "bot", "--role", "admin", "--config"],
        &config,
    );
    let (_server, port) = start_server(dir.path(), &config);
    let page = get_json(
        port,
        "/api/alerts?status=sent&limit=500",
        &format!("Bearer {}", token.trim()),
    );
    assert_eq!(page["total"].as_u64(), Some(n as u64), "{page}");
    let shown: BTreeSet<i64> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_i64().unwrap())
        .collect();
    let stored: BTreeSet<i64> = cluster.alerts().iter().map(|a| a.id).collect();
    assert_eq!(shown, stored);
}

/// `waspada ARGS CONFIG`, which must succeed; its standard output.
fn waspada_ok(dir: &Path, args: &[&str], config: &Path) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_waspada"))
        .args(args)
        .arg(config)
        .current_dir(dir)
        .env_remove("WASPADA_DATA")
        .env_remove("WASPADA_POSTGRES_URL")
        .output()
        .expect("run waspada");
    assert!(
        out.status.success(),
        "waspada {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// A GET answered 200 with JSON (one request per connection, no chunking expected).
fn get_json(port: u16, path: &str, authorization: &str) -> Value {
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connect to waspada serve");
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAuthorization: {authorization}\r\n\
         Connection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = String::new();
    s.read_to_string(&mut raw).expect("read the response");
    let (head, body) = raw.split_once("\r\n\r\n").unwrap_or((&raw, ""));
    assert!(head.starts_with("HTTP/1.1 200"), "{path}: {raw}");
    serde_json::from_str(body).unwrap_or_else(|e| panic!("{path}: not JSON ({e}): {body}"))
}

#[test]
fn the_scheduler_delivers_after_its_detection_run() {
    let Some(pg) = TempPostgres::for_test() else {
        return;
    };
    let Some(nats) = NatsServer::start_or_skip() else {
        return;
    };
    let cluster = Cluster::new(&pg);
    let dir = tempfile::tempdir().unwrap();
    let config = write_config(
        dir.path(),
        &format!(
            "postgres_url = \"{}\"\nnats_url = \"{}\"",
            cluster.url,
            nats.url()
        ),
    );
    let log_path = dir.path().join("scheduler.log");
    let mut scheduler = Killed(
        Command::new(env!("CARGO_BIN_EXE_waspada"))
            .args(["scheduler", "--config"])
            .arg(&config)
            .current_dir(dir.path())
            .env_remove("WASPADA_POSTGRES_URL")
            .env_remove("WASPADA_NATS_URL")
            .stdout(Stdio::null())
            .stderr(File::create(&log_path).unwrap())
            .spawn()
            .expect("start waspada scheduler"),
    );
    // Bounded wait for the pass's summary line, which follows its last delivery.
    let deadline = Instant::now() + Duration::from_secs(300);
    let log = loop {
        let log = std::fs::read_to_string(&log_path).unwrap_or_default();
        if log.contains("alerts: ") {
            break log;
        }
        if let Ok(Some(status)) = scheduler.0.try_wait() {
            panic!("the scheduler exited ({status}): {log}");
        }
        assert!(Instant::now() < deadline, "no alert pass: {log}");
        std::thread::sleep(Duration::from_millis(200));
    };
    assert!(log.contains("holding the lease"), "{log}");
    let detect = log.find("\"detect\"").expect("a detection run");
    assert!(
        detect < log.find("alerts: ").unwrap(),
        "after detection: {log}"
    );
    cluster.assert_all_delivered();
}
