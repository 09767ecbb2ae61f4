//! `waspada serve` with `WASPADA_NATS_URL` lists the scale-out queue's dead letters on the
//! Sources page (issue 6), on the real binary and a real nats-server; when NATS goes
//! away the page still renders and says the queue cannot be read.
//!
//! Without nats-server installed this test says "skipped: <reason>"; under
//! `WASPADA_CI=1` it fails instead.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use waspada_cluster::messages::{AnalyseJob, encode};
use waspada_extract::Article;
use waspada_queue::testing::NatsServer;
use waspada_queue::{JetStreamQueue, Queue, QueueMessage, QueueOptions, Stage};

mod common;
use common::{Killed, free_port, wait_until_serving};

const URL: &str = "https://berita.example/dbd-garut-meningkat";
const REASON: &str = "gave up after 5 deliveries: analyse: PostgreSQL is down";

/// Publishes one article and dead-letters it, as a worker that gave up would.
async fn dead_letter_one(nats: &NatsServer) {
    let queue = JetStreamQueue::connect(&nats.url(), QueueOptions::default())
        .await
        .expect("connect to NATS");
    let job = AnalyseJob::new(
        Article {
            text: "Kasus demam berdarah di Garut naik.".into(),
            url: Some(URL.into()),
            ..Article::default()
        },
        None,
        0,
    );
    queue
        .publish(Stage::Analyse, &job.dedup_id(), &encode(&job))
        .await
        .expect("publish");
    let mut pulled = queue
        .pull(Stage::Analyse, 1, Duration::from_secs(10))
        .await
        .expect("pull");
    let message = pulled.pop().expect("the published message");
    message.dead_letter(REASON).await.expect("dead-letter it");
}

/// A GET with the token; the status and body.
fn get(port: u16, path: &str, token: &str) -> (u16, String) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connect to waspada serve");
    s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n\
         Connection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    s.read_to_string(&mut response).expect("read the response");
    let status = response
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    (status, response)
}

fn token(data: &Path) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_waspada"))
        .args(["token", "add", "probe", "--role", "viewer", "--data"])
        .arg(data)
        .env_remove("WASPADA_DATA")
        .output()
        .expect("run waspada token add");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

#[test]
fn the_sources_page_lists_dead_letters_and_survives_nats_going_away() {
    let Some(mut nats) = NatsServer::start_or_skip() else {
        return;
    };
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(dead_letter_one(&nats));

    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let token = token(&data);
    let port = free_port();
    let mut server = Killed(
        Command::new(env!("CARGO_BIN_EXE_waspada"))
            .args(["serve", "--plain-http", "--addr"])
            .arg(format!("127.0.0.1:{port}"))
            .arg("--data")
            .arg(&data)
            // No waspada.toml here: the environment names NATS.
            .current_dir(dir.path())
            .env("WASPADA_NATS_URL", nats.url())
            .env_remove("WASPADA_DATA")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start waspada serve"),
    );
    wait_until_serving(&mut server.0, port);

    let (status, page) = get(port, "/sources?lang=en", &token);
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("id=\"dead-letter-list\""), "{page}");
    assert!(page.contains(URL), "the article's URL is shown: {page}");
    assert!(page.contains(REASON), "the reason is shown: {page}");
    assert!(page.contains(">analysis<"), "the stage is named: {page}");
    assert!(
        page.contains("<td class=\"num\">1</td></tr>"),
        "one delivery: {page}"
    );
    let (_, page) = get(port, "/sources?lang=id", &token);
    assert!(page.contains("Pesan gagal"), "in Indonesian too: {page}");

    // NATS gone: the page renders, says so, and keeps the rest.
    nats.stop();
    let (status, page) = get(port, "/sources?lang=en", &token);
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("id=\"dead-letters-error\""), "{page}");
    assert!(page.contains("id=\"outlets\""), "{page}");
    assert!(!page.contains(URL), "{page}");
}
