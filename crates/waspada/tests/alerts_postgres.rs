//! Alert delivery from a cluster (issue 6): signals in the cluster's PostgreSQL, a webhook
//! subscription stored there (as a dashboard stores it), and `waspada alerts send
//! --config` with `[cluster] postgres_url` delivers every alert to the receiver, signed;
//! a second pass sends nothing new. On the real binary and a real server.
//!
//! Without PostgreSQL installed this test says "skipped: <reason>"; under `WASPADA_CI=1`
//! it fails instead.

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::process::Command;
use std::sync::{Arc, Mutex};

use serde_json::Value;
use waspada_alert::webhook::{DELIVERY_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, verify};
use waspada_store::{AlertFilter, NewSubscription, Workplace};
use waspada_store_pg::PgWorkplace;
use waspada_store_pg::testing::TempPostgres;

mod common;
use common::postgres::fill;

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

#[test]
fn alerts_are_delivered_from_the_clusters_postgres() {
    let Some(pg) = TempPostgres::for_test() else {
        return;
    };
    let url = pg.fresh_database().expect("a fresh database");
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let (hook_url, seen) = receiver();

    // Subscribed first, as an analyst would be before the outbreak: any disease, anywhere.
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

    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("cluster.toml");
    std::fs::write(
        &config,
        format!(
            "[cluster]\npostgres_url = \"{url}\"\n\n[alerts]\nbase_url = \"https://waspada.dinkes.example\"\n"
        ),
    )
    .unwrap();

    let first = alerts_send(dir.path(), &config);
    let ours = AlertFilter {
        subscription_id: Some(sub.id),
        ..AlertFilter::default()
    };
    let alerts = work.alerts(&ours).expect("list alerts");
    let n = alerts.len();
    assert!(n > 0, "no signal matched: {first}");
    assert!(n as u64 <= signals);
    assert!(
        first.contains(&format!(
            "alerts: {n} new, {n} sent, 0 to retry, 0 given up"
        )),
        "{first}"
    );
    assert!(
        alerts.iter().all(|a| a.status == "sent" && a.attempts == 1),
        "{alerts:?}"
    );
    // Nothing was written to a data directory.
    assert!(!dir.path().join("waspada-data").exists());

    let received = seen.lock().unwrap().clone();
    assert_eq!(received.len(), n, "one request per alert");
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
        assert_eq!(doc["subscription_id"].as_i64(), Some(sub.id));
        let id: i64 = r.header(DELIVERY_HEADER).parse().unwrap();
        assert_eq!(doc["delivery_id"].as_i64(), Some(id));
        delivered.insert(id);
        signal_ids.insert(doc["signal"]["id"].as_i64().expect("the signal's id"));
    }
    let stored: BTreeSet<i64> = alerts.iter().map(|a| a.id).collect();
    assert_eq!(delivered, stored, "each stored alert delivered once");
    let alerted: BTreeSet<i64> = alerts.iter().map(|a| a.signal_id).collect();
    assert_eq!(signal_ids, alerted, "each about its own signal");

    // A second pass: everything was sent, nothing new matches.
    let second = alerts_send(dir.path(), &config);
    assert!(second.contains("alerts: 0 new, 0 sent"), "{second}");
    assert_eq!(seen.lock().unwrap().len(), n, "nothing sent twice");
}
