//! The conformance suite against the in-process queue.

mod suite;

use std::time::Duration;

use suite::Backend;
use waspada_queue::{MemoryKv, MemoryLeases, MemoryQueue};

/// One queue; `open` hands out clones, which share it like worker processes share a stream.
struct Memory(MemoryQueue);

impl Memory {
    fn new(ack_wait: Duration) -> Self {
        Memory(MemoryQueue::new(suite::options(ack_wait)))
    }
}

impl Backend for Memory {
    type Q = MemoryQueue;
    async fn open(&self) -> MemoryQueue {
        self.0.clone()
    }
}

const SHORT: Duration = Duration::from_secs(1);

#[tokio::test]
async fn round_trip() {
    suite::round_trip(&Memory::new(SHORT)).await;
}

#[tokio::test]
async fn dedup() {
    suite::dedup(&Memory::new(SHORT)).await;
}

#[tokio::test]
async fn redelivery() {
    suite::redelivery(&Memory::new(SHORT)).await;
}

#[tokio::test]
async fn retry() {
    suite::retry(&Memory::new(SHORT)).await;
}

#[tokio::test]
async fn dead_letter_by_worker() {
    suite::dead_letter_by_worker(&Memory::new(SHORT)).await;
}

#[tokio::test]
async fn dead_letter_unanswered() {
    suite::dead_letter_unanswered(&Memory::new(SHORT)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn work_queue() {
    suite::work_queue(&Memory::new(Duration::from_secs(30))).await;
}

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
