//! The conformance suite against NATS JetStream, plus what only a real server can show:
//! a restart and an outage. Each test runs its own `nats-server` (see
//! `waspada_queue::testing`); without one the tests say "skipped" (failing under
//! `WASPADA_CI=1`).

#[macro_use]
mod suite;

use std::time::Duration;

use suite::{BOUND, Backend};
use tokio::time::Instant;
use waspada_queue::testing::NatsServer;
use waspada_queue::{JetStreamQueue, Queue, QueueMessage, QueueOptions, Stage};

/// A server and the options every handle opens with.
struct Nats {
    server: NatsServer,
    options: QueueOptions,
}

impl Nats {
    fn start(ack_wait: Duration) -> Option<Nats> {
        Some(Nats {
            server: NatsServer::start_or_skip()?,
            options: suite::options(ack_wait),
        })
    }
}

impl Backend for Nats {
    type Q = JetStreamQueue;
    /// A new connection, as a separate worker process would open.
    async fn open(&self) -> JetStreamQueue {
        JetStreamQueue::connect(&self.server.url(), self.options.clone())
            .await
            .unwrap()
    }
}

const SHORT: Duration = Duration::from_secs(1);

queue_conformance!(Nats::start);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn leases() {
    let Some(nats) = Nats::start(SHORT) else {
        return;
    };
    let q = nats.open().await;
    suite::leases(&q.leases().await.unwrap()).await;
    // Another process sees the same leases.
    let other = nats.open().await.leases().await.unwrap();
    use waspada_queue::Leases;
    assert!(
        !other
            .acquire("detect", "worker-b", Duration::from_secs(60))
            .await
            .unwrap()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn key_value() {
    let Some(nats) = Nats::start(SHORT) else {
        return;
    };
    let q = nats.open().await;
    suite::key_value(&q.key_value().await.unwrap()).await;
    use waspada_queue::KeyValue;
    let other = nats.open().await.key_value().await.unwrap();
    assert_eq!(
        other.get("feed:other").await.unwrap().as_deref(),
        Some(&b"etag-9"[..]),
        "another process reads the same state"
    );
}

/// Publishes, retrying while the server is away (up to [`BOUND`]).
async fn publish_retrying(q: &JetStreamQueue, stage: Stage, id: &str, payload: &[u8]) {
    let deadline = Instant::now() + BOUND;
    loop {
        match q.publish(stage, id, payload).await {
            Ok(_) => return,
            Err(e) if Instant::now() >= deadline => panic!("publish never succeeded: {e}"),
            Err(_) => tokio::time::sleep(Duration::from_millis(200)).await,
        }
    }
}

/// Pulls and acks until `n` payloads arrived (up to [`BOUND`]), tolerating pull errors
/// while the client reconnects.
async fn drain(q: &JetStreamQueue, stage: Stage, n: usize) -> Vec<String> {
    let mut got = Vec::new();
    for m in suite::pull_n(q, stage, n).await {
        got.push(String::from_utf8(m.payload().to_vec()).unwrap());
        m.ack().await.unwrap();
    }
    got
}

/// A crash of the server loses nothing published or acknowledged: the work-queue
/// streams are on disk, and the same client reconnects by itself.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_restart_keeps_work() {
    let Some(mut nats) = Nats::start(Duration::from_secs(30)) else {
        return;
    };
    let q = nats.open().await;
    for i in 0..20 {
        q.publish(Stage::Fetch, &format!("a{i}"), format!("a{i}").as_bytes())
            .await
            .unwrap();
    }
    let first = drain(&q, Stage::Fetch, 5).await;
    assert_eq!(first, ["a0", "a1", "a2", "a3", "a4"]);

    nats.server.restart().unwrap();

    publish_retrying(&q, Stage::Fetch, "a10", b"a10").await;
    assert!(
        q.publish(Stage::Fetch, "a10", b"again")
            .await
            .unwrap()
            .duplicate,
        "the ids of messages still in the stream are remembered across the restart"
    );
    for i in 0..5 {
        publish_retrying(
            &q,
            Stage::Fetch,
            &format!("b{i}"),
            format!("b{i}").as_bytes(),
        )
        .await;
    }
    let rest = drain(&q, Stage::Fetch, 20).await;
    let expected: Vec<String> = (5..20)
        .map(|i| format!("a{i}"))
        .chain((0..5).map(|i| format!("b{i}")))
        .collect();
    assert_eq!(
        rest, expected,
        "nothing acked comes back, nothing published is lost"
    );
    assert_eq!(q.stats(Stage::Fetch).await.unwrap().pending, 0);
}

/// A 10-second outage: a worker that keeps pulling through it resumes on its own and
/// gets the work published before and after.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn outage_then_resume() {
    // An ack lost in the outage brings its message back after 5 s.
    let Some(nats) = Nats::start(Duration::from_secs(5)) else {
        return;
    };
    let publisher = nats.open().await;
    let worker = nats.open().await;
    publisher
        .publish(Stage::Index, "before", b"before")
        .await
        .unwrap();

    let consumer = tokio::spawn(async move {
        let deadline = Instant::now() + BOUND + Duration::from_secs(10);
        // Payloads whose ack the server confirmed.
        let mut acked: Vec<String> = Vec::new();
        let mut errors = 0;
        let done = |acked: &[String]| {
            ["before", "after"]
                .iter()
                .all(|w| acked.iter().any(|a| a == w))
        };
        while !done(&acked) && Instant::now() < deadline {
            match worker.pull(Stage::Index, 10, Duration::from_secs(1)).await {
                Ok(batch) => {
                    for m in batch {
                        let payload = String::from_utf8(m.payload().to_vec()).unwrap();
                        // During the outage an ack can fail; the message then comes back.
                        match m.ack().await {
                            Ok(()) => acked.push(payload),
                            Err(_) => errors += 1,
                        }
                    }
                }
                Err(_) => {
                    errors += 1;
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
            }
        }
        (acked, errors)
    });

    let Nats {
        mut server,
        options,
    } = nats;
    let server = tokio::task::spawn_blocking(move || {
        server.pause_for(Duration::from_secs(10)).unwrap();
        server
    })
    .await
    .unwrap();
    let nats = Nats { server, options };

    publish_retrying(&publisher, Stage::Index, "after", b"after").await;
    let (acked, errors) = consumer.await.unwrap();
    assert!(
        acked.contains(&"before".to_owned()) && acked.contains(&"after".to_owned()),
        "the worker resumed: {acked:?} ({errors} errors meanwhile)"
    );
    assert_eq!(publisher.stats(Stage::Index).await.unwrap().pending, 0);
    drop(nats);
}

/// Nothing listening: `connect` fails (it does not hang) and says where it looked and
/// what it expected there. Needs no server binary.
#[tokio::test]
async fn connect_without_server_says_why() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("nats://127.0.0.1:{port}");
    let err = tokio::time::timeout(
        BOUND,
        JetStreamQueue::connect(&url, QueueOptions::default()),
    )
    .await
    .expect("connect gives up by itself")
    .unwrap_err()
    .to_string();
    assert!(err.contains(&url), "{err}");
    assert!(err.contains("nats-server"), "{err}");
}
