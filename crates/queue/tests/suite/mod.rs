//! The conformance suite: the same behaviour asked of every [`Queue`], [`Leases`] and
//! [`KeyValue`] implementation. Waits are for conditions, with generous upper bounds.

use std::collections::BTreeSet;
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use tokio::time::Instant;
use waspada_queue::{KeyValue, Leases, Queue, QueueMessage, QueueOptions, Stage};

/// The longest any condition in the suite is waited for.
pub const BOUND: Duration = Duration::from_secs(60);

/// Opens handles on one queue; two handles behave like two worker processes.
pub trait Backend: Sync {
    /// The queue type.
    type Q: Queue + 'static;
    /// A new handle on the backend's queue.
    fn open(&self) -> impl Future<Output = Self::Q> + Send;
}

/// Short waits so the suite finishes fast; `max_deliver` 3.
pub fn options(ack_wait: Duration) -> QueueOptions {
    QueueOptions {
        ack_wait,
        max_deliver: 3,
        duplicate_window: Duration::from_secs(120),
        ..QueueOptions::default()
    }
}

/// Pulls until `n` messages have arrived or [`BOUND`] passed; pull errors (a server that
/// is restarting) are retried.
pub async fn pull_n<Q: Queue>(q: &Q, stage: Stage, n: usize) -> Vec<Q::Message> {
    let deadline = Instant::now() + BOUND;
    let mut got = Vec::new();
    while got.len() < n && Instant::now() < deadline {
        match q.pull(stage, n - got.len(), Duration::from_secs(1)).await {
            Ok(batch) => got.extend(batch),
            Err(_) => tokio::time::sleep(Duration::from_millis(200)).await,
        }
    }
    got
}

/// Asks `check` until it is true, up to [`BOUND`].
pub async fn eventually<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    let deadline = Instant::now() + BOUND;
    while !check().await {
        assert!(Instant::now() < deadline, "never happened: {what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn payloads<M: QueueMessage>(messages: &[M]) -> Vec<Vec<u8>> {
    messages.iter().map(|m| m.payload().to_vec()).collect()
}

/// Publish, pull, ack: payloads and ids come back in order, once; the stream empties.
pub async fn round_trip<B: Backend>(backend: &B) {
    let q = backend.open().await;
    for (id, body) in [("h1", "satu"), ("h2", "dua"), ("h3", "tiga")] {
        let published = q
            .publish(Stage::Analyse, id, body.as_bytes())
            .await
            .unwrap();
        assert!(!published.duplicate, "{id} is new");
    }
    assert_eq!(q.stats(Stage::Analyse).await.unwrap().pending, 3);
    // Other stages are separate streams.
    assert_eq!(q.stats(Stage::Fetch).await.unwrap().pending, 0);
    let got = pull_n(&q, Stage::Analyse, 3).await;
    assert_eq!(
        payloads(&got),
        vec![b"satu".to_vec(), b"dua".to_vec(), b"tiga".to_vec()]
    );
    let ids: Vec<_> = got
        .iter()
        .map(|m| m.dedup_id().map(str::to_owned))
        .collect();
    assert_eq!(
        ids,
        vec![Some("h1".into()), Some("h2".into()), Some("h3".into())]
    );
    assert!(got.iter().all(|m| m.delivered() == 1));
    for m in got {
        m.ack().await.unwrap();
    }
    let stats = q.stats(Stage::Analyse).await.unwrap();
    assert_eq!(
        stats.pending, 0,
        "acked messages leave the stream: {stats:?}"
    );
    let more = q
        .pull(Stage::Analyse, 10, Duration::from_millis(300))
        .await
        .unwrap();
    assert!(more.is_empty(), "nothing is delivered after its ack");
}

/// A second publish with the same id is reported as duplicate and delivered once, even
/// after the first was acknowledged (the window remembers ids, not messages).
pub async fn dedup<B: Backend>(backend: &B) {
    let q = backend.open().await;
    assert!(
        !q.publish(Stage::Fetch, "sha-1", b"first")
            .await
            .unwrap()
            .duplicate
    );
    assert!(
        q.publish(Stage::Fetch, "sha-1", b"second")
            .await
            .unwrap()
            .duplicate
    );
    assert!(
        !q.publish(Stage::Fetch, "sha-2", b"other")
            .await
            .unwrap()
            .duplicate
    );
    // The same id on another stage is another message.
    assert!(
        !q.publish(Stage::Index, "sha-1", b"index")
            .await
            .unwrap()
            .duplicate
    );
    assert_eq!(q.stats(Stage::Fetch).await.unwrap().pending, 2);
    let got = pull_n(&q, Stage::Fetch, 2).await;
    assert_eq!(payloads(&got), vec![b"first".to_vec(), b"other".to_vec()]);
    for m in got {
        m.ack().await.unwrap();
    }
    assert!(
        q.publish(Stage::Fetch, "sha-1", b"again")
            .await
            .unwrap()
            .duplicate
    );
    let more = q
        .pull(Stage::Fetch, 10, Duration::from_millis(300))
        .await
        .unwrap();
    assert!(more.is_empty(), "a duplicate is never delivered");
}

/// A message not acknowledged within the ack wait comes back with `delivered` 2, and the
/// stats count it as redelivered until it is acknowledged.
pub async fn redelivery<B: Backend>(backend: &B) {
    let q = backend.open().await;
    q.publish(Stage::Fetch, "r1", b"crash").await.unwrap();
    let first = pull_n(&q, Stage::Fetch, 1).await;
    assert_eq!(first.len(), 1);
    assert_eq!(first[0].delivered(), 1);
    drop(first); // the worker died: no ack
    let second = pull_n(&q, Stage::Fetch, 1).await;
    assert_eq!(payloads(&second), vec![b"crash".to_vec()]);
    assert_eq!(second[0].delivered(), 2);
    assert_eq!(second[0].dedup_id(), Some("r1"));
    let stats = q.stats(Stage::Fetch).await.unwrap();
    assert_eq!(stats.pending, 1, "{stats:?}");
    assert_eq!(stats.redelivered, 1, "{stats:?}");
    for m in second {
        m.ack().await.unwrap();
    }
    let stats = q.stats(Stage::Fetch).await.unwrap();
    assert_eq!((stats.pending, stats.redelivered), (0, 0), "{stats:?}");
}

/// `retry(delay)` brings the message back (delivered 2); a long delay keeps it away
/// meanwhile.
pub async fn retry<B: Backend>(backend: &B) {
    let q = backend.open().await;
    q.publish(Stage::Index, "soon", b"soon").await.unwrap();
    q.publish(Stage::Index, "later", b"later").await.unwrap();
    let got = pull_n(&q, Stage::Index, 2).await;
    assert_eq!(got.len(), 2);
    for m in got {
        let delay = if m.payload() == b"soon" {
            Duration::from_millis(200)
        } else {
            Duration::from_secs(3600)
        };
        m.retry(delay).await.unwrap();
    }
    let again = pull_n(&q, Stage::Index, 1).await;
    assert_eq!(payloads(&again), vec![b"soon".to_vec()]);
    assert_eq!(again[0].delivered(), 2);
    for m in again {
        m.ack().await.unwrap();
    }
    let none = q
        .pull(Stage::Index, 10, Duration::from_millis(500))
        .await
        .unwrap();
    assert!(none.is_empty(), "retried for an hour: not back yet");
    assert_eq!(q.stats(Stage::Index).await.unwrap().pending, 1);
}

/// A worker gives up on its last attempt: the message is in the dead letters with its
/// reason, payload, id and attempts, and leaves the stream.
pub async fn dead_letter_by_worker<B: Backend>(backend: &B) {
    let q = backend.open().await;
    let max = 3; // `options`
    q.publish(Stage::Analyse, "bad", b"not an article")
        .await
        .unwrap();
    q.publish(Stage::Analyse, "good", b"article").await.unwrap();
    let deadline = Instant::now() + BOUND;
    let mut attempts = 0;
    let mut good_done = false;
    loop {
        assert!(Instant::now() < deadline, "never reached the last attempt");
        for m in pull_n(&q, Stage::Analyse, 1).await {
            if m.payload() == b"article" {
                good_done = true;
                m.ack().await.unwrap();
            } else if m.delivered() < max {
                attempts += 1;
                m.retry(Duration::ZERO).await.unwrap();
            } else {
                attempts += 1;
                m.dead_letter("text could not be read: invalid UTF-8")
                    .await
                    .unwrap();
            }
        }
        if attempts == max && good_done {
            break;
        }
    }
    let dead = q.dead_letters(10).await.unwrap();
    assert_eq!(dead.len(), 1, "{dead:?}");
    assert_eq!(dead[0].stage, Stage::Analyse);
    assert_eq!(dead[0].dedup_id.as_deref(), Some("bad"));
    assert_eq!(dead[0].reason, "text could not be read: invalid UTF-8");
    assert_eq!(dead[0].payload, b"not an article");
    assert_eq!(dead[0].delivered, max);
    assert!(
        dead[0].at_ms > 1_700_000_000_000,
        "a real time: {}",
        dead[0].at_ms
    );
    let stats = q.stats(Stage::Analyse).await.unwrap();
    assert_eq!((stats.pending, stats.dead), (0, 1), "{stats:?}");
    assert_eq!(q.stats(Stage::Fetch).await.unwrap().dead, 0);
    let none = q
        .pull(Stage::Analyse, 10, Duration::from_millis(300))
        .await
        .unwrap();
    assert!(none.is_empty(), "a dead letter is not delivered again");
}

/// Workers that crash on a message every time: after `max_deliver` deliveries it is
/// never handed out again but lands in the dead letters, newest first.
pub async fn dead_letter_unanswered<B: Backend>(backend: &B) {
    let q = backend.open().await;
    let max = 3; // `options`
    q.publish(Stage::Fetch, "older", b"older").await.unwrap();
    for m in pull_n(&q, Stage::Fetch, 1).await {
        m.dead_letter("first").await.unwrap();
    }
    q.publish(Stage::Fetch, "poison", b"crashes the worker")
        .await
        .unwrap();
    let deadline = Instant::now() + BOUND;
    let mut seen = Vec::new();
    loop {
        assert!(Instant::now() < deadline, "never dead-lettered: {seen:?}");
        let got = q
            .pull(Stage::Fetch, 1, Duration::from_secs(1))
            .await
            .unwrap();
        // The worker crashes: no answer at all.
        seen.extend(got.iter().map(QueueMessage::delivered));
        drop(got);
        if q.stats(Stage::Fetch).await.unwrap().dead == 2 {
            break;
        }
    }
    assert_eq!(seen, (1..=max).collect::<Vec<_>>(), "deliveries seen");
    let dead = q.dead_letters(10).await.unwrap();
    assert_eq!(dead.len(), 2);
    assert_eq!(dead[0].dedup_id.as_deref(), Some("poison"), "newest first");
    assert_eq!(dead[0].payload, b"crashes the worker");
    assert_eq!(dead[0].delivered, max);
    assert!(
        dead[0].reason.contains(&format!("{max} attempts")),
        "{}",
        dead[0].reason
    );
    assert_eq!(dead[1].reason, "first");
    assert_eq!(q.dead_letters(1).await.unwrap().len(), 1, "limit");
    assert_eq!(q.stats(Stage::Fetch).await.unwrap().pending, 0);
}

/// Two handles (two worker processes) pulling at once get disjoint messages and together
/// all of them.
pub async fn work_queue<B: Backend>(backend: &B) {
    const N: usize = 60;
    let publisher = backend.open().await;
    for i in 0..N {
        publisher
            .publish(Stage::Analyse, &format!("m{i}"), format!("{i}").as_bytes())
            .await
            .unwrap();
    }
    let done = Arc::new(AtomicUsize::new(0));
    let mut workers = Vec::new();
    for _ in 0..2 {
        let q = backend.open().await;
        let done = Arc::clone(&done);
        workers.push(tokio::spawn(async move {
            let deadline = Instant::now() + BOUND;
            let mut mine = Vec::new();
            while done.load(Ordering::SeqCst) < N && Instant::now() < deadline {
                let batch = q
                    .pull(Stage::Analyse, 4, Duration::from_millis(500))
                    .await
                    .unwrap();
                for m in batch {
                    mine.push(String::from_utf8(m.payload().to_vec()).unwrap());
                    m.ack().await.unwrap();
                    done.fetch_add(1, Ordering::SeqCst);
                }
                tokio::task::yield_now().await;
            }
            mine
        }));
    }
    let mut sets = Vec::new();
    for w in workers {
        sets.push(w.await.unwrap());
    }
    let a: BTreeSet<_> = sets[0].iter().cloned().collect();
    let b: BTreeSet<_> = sets[1].iter().cloned().collect();
    assert_eq!(a.len(), sets[0].len(), "no message twice to one worker");
    assert_eq!(b.len(), sets[1].len(), "no message twice to one worker");
    assert!(a.is_disjoint(&b), "shared: {:?}", a.intersection(&b));
    let all: BTreeSet<_> = a.union(&b).cloned().collect();
    let expected: BTreeSet<_> = (0..N).map(|i| i.to_string()).collect();
    assert_eq!(all, expected);
    assert_eq!(publisher.stats(Stage::Analyse).await.unwrap().pending, 0);
}

/// A lease is refused to a second holder until released or expired; its holder renews it.
pub async fn leases<L: Leases>(leases: &L) {
    let long = Duration::from_secs(600);
    assert!(leases.acquire("detect", "worker-a", long).await.unwrap());
    assert!(!leases.acquire("detect", "worker-b", long).await.unwrap());
    assert!(
        leases.acquire("detect", "worker-a", long).await.unwrap(),
        "renewal"
    );
    assert!(
        leases
            .acquire("feed:antara", "worker-b", long)
            .await
            .unwrap(),
        "other name"
    );
    leases.release("detect", "worker-b").await.unwrap();
    assert!(
        !leases.acquire("detect", "worker-b", long).await.unwrap(),
        "only the holder releases"
    );
    leases.release("detect", "worker-a").await.unwrap();
    assert!(
        leases
            .acquire("detect", "worker-b", Duration::from_secs(1))
            .await
            .unwrap()
    );
    // worker-b dies; its lease runs out.
    eventually("the lease expires", || async {
        leases.acquire("detect", "worker-a", long).await.unwrap()
    })
    .await;
    assert!(!leases.acquire("detect", "worker-b", long).await.unwrap());
    // A renewal sets the new TTL: renewed short, the lease runs out.
    assert!(leases.acquire("index", "worker-a", long).await.unwrap());
    assert!(
        leases
            .acquire("index", "worker-a", Duration::from_secs(1))
            .await
            .unwrap()
    );
    eventually("the renewed lease expires", || async {
        leases.acquire("index", "worker-b", long).await.unwrap()
    })
    .await;
}

/// Values are stored, replaced and read back; any key text works.
pub async fn key_value<K: KeyValue>(kv: &K) {
    let key = "feed:https://www.antaranews.com/rss/terkini.xml?x=1&y=é";
    assert_eq!(kv.get(key).await.unwrap(), None);
    kv.put(key, b"etag-1").await.unwrap();
    kv.put("feed:other", b"etag-9").await.unwrap();
    assert_eq!(kv.get(key).await.unwrap().as_deref(), Some(&b"etag-1"[..]));
    kv.put(key, b"etag-2").await.unwrap();
    assert_eq!(kv.get(key).await.unwrap().as_deref(), Some(&b"etag-2"[..]));
    assert_eq!(
        kv.get("feed:other").await.unwrap().as_deref(),
        Some(&b"etag-9"[..])
    );
    kv.put("", b"empty key").await.unwrap();
    assert_eq!(
        kv.get("").await.unwrap().as_deref(),
        Some(&b"empty key"[..])
    );
}

/// Defines one `#[tokio::test]` per queue case of the suite. `$open(ack_wait)` gives an
/// `Option` of a fresh [`Backend`]: `None` when it cannot run here (the test then returns,
/// having said "skipped").
macro_rules! queue_conformance {
    ($open:path) => {
        queue_conformance!(@cases $open;
            round_trip => Duration::from_secs(1),
            dedup => Duration::from_secs(1),
            redelivery => Duration::from_secs(1),
            retry => Duration::from_secs(1),
            dead_letter_by_worker => Duration::from_secs(1),
            dead_letter_unanswered => Duration::from_secs(1),
            // Long enough that no message is redelivered while the two workers run.
            work_queue => Duration::from_secs(30),
        );
    };
    (@cases $open:path; $($name:ident => $ack_wait:expr),* $(,)?) => {$(
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn $name() {
            let Some(backend) = $open($ack_wait) else { return };
            suite::$name(&backend).await;
        }
    )*};
}
