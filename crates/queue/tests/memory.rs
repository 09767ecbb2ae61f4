//! The conformance suite against the in-process queue.

#[macro_use]
mod suite;

use std::time::Duration;

use suite::Backend;
use waspada_queue::{MemoryKv, MemoryLeases, MemoryQueue};

/// One queue; `open` hands out clones, which share it like worker processes share a stream.
struct Memory(MemoryQueue);

impl Memory {
    /// Always available; `Option` to match backends that may be missing.
    fn start(ack_wait: Duration) -> Option<Self> {
        Some(Memory(MemoryQueue::new(suite::options(ack_wait))))
    }
}

impl Backend for Memory {
    type Q = MemoryQueue;
    async fn open(&self) -> MemoryQueue {
        self.0.clone()
    }
}

queue_conformance!(Memory::start);

#[tokio::test]
async fn leases() {
    suite::leases(&MemoryLeases::new()).await;
}

#[tokio::test]
async fn key_value() {
    suite::key_value(&MemoryKv::new()).await;
}

/// The duplicate window forgets: an id is new again once the window has passed.
#[tokio::test]
async fn duplicate_window_forgets() {
    use waspada_queue::{Queue, QueueOptions, Stage};
    let q = MemoryQueue::new(QueueOptions {
        duplicate_window: Duration::from_millis(100),
        ..QueueOptions::default()
    });
    assert!(!q.publish(Stage::Fetch, "id", b"a").await.unwrap().duplicate);
    assert!(q.publish(Stage::Fetch, "id", b"a").await.unwrap().duplicate);
    suite::eventually("the window passes", || async {
        !q.publish(Stage::Fetch, "id", b"a").await.unwrap().duplicate
    })
    .await;
    assert_eq!(q.stats(Stage::Fetch).await.unwrap().pending, 2);
}
