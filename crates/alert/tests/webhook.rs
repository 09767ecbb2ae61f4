//! Webhooks against a local server that fails twice, then accepts: the dispatcher retries
//! with back-off, every request carries a valid signature, and the alert ends `sent`.

mod common;

use std::sync::{Arc, Mutex};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use waspada_alert::webhook::{DELIVERY_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, verify};
use waspada_alert::{AlertsConfig, Dispatcher};
use waspada_store::{AlertFilter, Store, now_ms};

#[derive(Debug, Clone)]
struct Received {
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Received {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Answers each request with the next status of `statuses` (the last one repeats).
async fn server(statuses: Vec<u16>) -> (String, Arc<Mutex<Vec<Received>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    tokio::spawn(async move {
        let mut n = 0;
        loop {
            let Ok((mut sock, _)) = listener.accept().await else {
                return;
            };
            let mut buf = Vec::new();
            let mut chunk = [0u8; 4096];
            let (head_end, length) = loop {
                let k = sock.read(&mut chunk).await.unwrap();
                assert!(k > 0, "client closed before the request was complete");
                buf.extend_from_slice(&chunk[..k]);
                if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                    let head = String::from_utf8_lossy(&buf[..i]).to_string();
                    let length = head
                        .lines()
                        .find_map(|l| {
                            let (k, v) = l.split_once(':')?;
                            k.eq_ignore_ascii_case("content-length")
                                .then(|| v.trim().parse::<usize>().ok())?
                        })
                        .unwrap_or(0);
                    break (i + 4, length);
                }
            };
            while buf.len() < head_end + length {
                let k = sock.read(&mut chunk).await.unwrap();
                buf.extend_from_slice(&chunk[..k]);
            }
            let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
            let headers = head
                .lines()
                .skip(1)
                .filter_map(|l| l.split_once(':'))
                .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
                .collect();
            log.lock().unwrap().push(Received {
                headers,
                body: buf[head_end..head_end + length].to_vec(),
            });
            let status = statuses[n.min(statuses.len() - 1)];
            n += 1;
            let reply =
                format!("HTTP/1.1 {status} X\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
            let _ = sock.write_all(reply.as_bytes()).await;
        }
    });
    (url, seen)
}

fn config() -> AlertsConfig {
    AlertsConfig {
        base_url: "https://waspada.example.go.id".into(),
        retry_base_secs: 60,
        max_attempts: 5,
        ..AlertsConfig::default()
    }
}

fn webhook_store(url: &str, format: &str) -> (Store, i64) {
    let mut store = Store::in_memory().unwrap();
    let mut sub = common::subscription("webhook");
    sub.webhook_url = Some(url.into());
    sub.webhook_secret = Some("rahasia-bersama".into());
    sub.webhook_format = Some(format.into());
    store.add_subscription(&sub).unwrap();
    let signal = common::add_signal(&mut store, "farrington", "Dengue in Garut: 9 stories.");
    (store, signal)
}

#[tokio::test]
async fn fails_twice_then_succeeds_with_back_off_and_valid_signatures() {
    let (url, seen) = server(vec![500, 503, 200]).await;
    let (mut store, signal) = webhook_store(&url, "json");
    let d = Dispatcher::new(config()).unwrap();
    let t0 = now_ms();

    let first = d.run_once(&mut store, t0).await.unwrap();
    assert_eq!((first.enqueued, first.retrying, first.sent), (1, 1, 0));
    // Not due again before the back-off (60 s), then due.
    let early = d.run_once(&mut store, t0 + 59_000).await.unwrap();
    assert_eq!((early.enqueued, early.messages), (0, 0));
    let second = d.run_once(&mut store, t0 + 60_000).await.unwrap();
    assert_eq!(second.retrying, 1);
    // The second back-off doubles: 120 s.
    let early = d.run_once(&mut store, t0 + 60_000 + 119_000).await.unwrap();
    assert_eq!(early.messages, 0);
    let third = d.run_once(&mut store, t0 + 180_000).await.unwrap();
    assert_eq!(third.sent, 1);
    // Nothing more to send, and a repeated pass enqueues nothing.
    let after = d.run_once(&mut store, t0 + 10_000_000).await.unwrap();
    assert_eq!((after.enqueued, after.messages), (0, 0));

    let requests = seen.lock().unwrap().clone();
    assert_eq!(requests.len(), 3);
    let alert = &store.alerts(&AlertFilter::default()).unwrap()[0];
    assert_eq!((alert.status.as_str(), alert.attempts), ("sent", 3));
    for r in &requests {
        let ts: i64 = r.header(TIMESTAMP_HEADER).unwrap().parse().unwrap();
        let sig = r.header(SIGNATURE_HEADER).unwrap();
        assert!(
            verify(b"rahasia-bersama", ts, &r.body, sig, ts, 300),
            "bad signature {sig}"
        );
        assert!(!verify(b"another-secret", ts, &r.body, sig, ts, 300));
        assert_eq!(
            r.header(DELIVERY_HEADER),
            Some(alert.id.to_string().as_str())
        );
    }
    let doc: serde_json::Value = serde_json::from_slice(&requests[2].body).unwrap();
    assert_eq!(doc["signal"]["id"], signal);
    assert_eq!(doc["signal"]["place"], "Kabupaten Garut");
    assert_eq!(doc["signal"]["observed"], 9);
    assert_eq!(
        doc["signal"]["link"],
        format!("https://waspada.example.go.id/signals/{signal}")
    );
}

#[tokio::test]
async fn a_4xx_is_not_retried_but_a_429_is() {
    let (url, seen) = server(vec![404]).await;
    let (mut store, _) = webhook_store(&url, "json");
    let d = Dispatcher::new(config()).unwrap();
    let t0 = now_ms();
    let pass = d.run_once(&mut store, t0).await.unwrap();
    assert_eq!((pass.failed, pass.retrying), (1, 0));
    d.run_once(&mut store, t0 + 100_000_000).await.unwrap();
    assert_eq!(seen.lock().unwrap().len(), 1);
    let alert = &store.alerts(&AlertFilter::default()).unwrap()[0];
    assert_eq!(alert.status, "failed");
    assert!(alert.last_error.as_deref().unwrap().contains("404"));

    let (url, _) = server(vec![429]).await;
    let (mut store, _) = webhook_store(&url, "json");
    let pass = d.run_once(&mut store, t0).await.unwrap();
    assert_eq!((pass.failed, pass.retrying), (0, 1));
}

#[tokio::test]
async fn gives_up_after_max_attempts() {
    let (url, seen) = server(vec![500]).await;
    let (mut store, _) = webhook_store(&url, "json");
    let d = Dispatcher::new(AlertsConfig {
        max_attempts: 3,
        ..config()
    })
    .unwrap();
    let t0 = now_ms();
    for hour in 0..10 {
        d.run_once(&mut store, t0 + hour * 3_600_000).await.unwrap();
    }
    assert_eq!(seen.lock().unwrap().len(), 3);
    let alert = &store.alerts(&AlertFilter::default()).unwrap()[0];
    assert_eq!((alert.status.as_str(), alert.attempts), ("failed", 3));
}

#[tokio::test]
async fn cap_payloads_are_signed_xml() {
    let (url, seen) = server(vec![200]).await;
    let (mut store, _) = webhook_store(&url, "cap");
    let d = Dispatcher::new(config()).unwrap();
    let pass = d.run_once(&mut store, now_ms()).await.unwrap();
    assert_eq!(pass.sent, 1);
    let r = seen.lock().unwrap()[0].clone();
    assert!(
        r.header("content-type")
            .unwrap()
            .starts_with("application/xml")
    );
    let body = String::from_utf8(r.body.clone()).unwrap();
    assert!(body.contains("<alert xmlns=\"urn:oasis:names:tc:emergency:cap:1.2\">"));
    assert!(body.contains("<language>id</language>") && body.contains("<language>en</language>"));
    let ts: i64 = r.header(TIMESTAMP_HEADER).unwrap().parse().unwrap();
    assert!(verify(
        b"rahasia-bersama",
        ts,
        &r.body,
        r.header(SIGNATURE_HEADER).unwrap(),
        ts,
        300
    ));
}
