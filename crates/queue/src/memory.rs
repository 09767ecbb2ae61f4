//! The queue in one process: the embedded mode and tests.
//!
//! It mirrors JetStream's semantics (duplicate window, ack wait, redelivery count,
//! max deliveries → dead letter), so code tested against it behaves the same on NATS.
//! Clones share one queue, like several worker processes sharing one stream.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::pin::pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use tokio::sync::Notify;
use tokio::time::Instant;

use crate::{
    DeadLetter, KeyValue, Leases, Published, Queue, QueueError, QueueMessage, QueueOptions, Stage,
    StageStats, now_ms, unanswered_reason,
};

/// Where a message stands.
#[derive(Clone, Copy, Debug)]
enum State {
    /// Waiting to be delivered, not before `at`.
    Ready { at: Instant },
    /// Delivered; delivered again if not acknowledged by `until`.
    InFlight { until: Instant },
}

#[derive(Debug)]
struct Entry {
    dedup_id: Option<String>,
    payload: Arc<[u8]>,
    delivered: u64,
    state: State,
}

#[derive(Debug, Default)]
struct StageState {
    /// Unacknowledged messages by sequence number (publication order).
    entries: BTreeMap<u64, Entry>,
    next_seq: u64,
    /// `dedup_id` → when first published, pruned to the duplicate window.
    seen: HashMap<String, Instant>,
}

#[derive(Debug, Default)]
struct State3 {
    stages: [StageState; 3],
    /// Oldest first.
    dead: VecDeque<DeadLetter>,
}

#[derive(Debug)]
struct Inner {
    options: QueueOptions,
    state: Mutex<State3>,
    /// Woken when a stage gets work (publish, retry).
    notify: [Notify; 3],
}

/// The in-process queue. Cheap to clone; clones share the same streams.
#[derive(Clone, Debug)]
pub struct MemoryQueue {
    inner: Arc<Inner>,
}

impl MemoryQueue {
    /// An empty queue with these settings (`max_deliver` below 1 counts as 1).
    pub fn new(mut options: QueueOptions) -> Self {
        options.max_deliver = options.max_deliver.max(1);
        MemoryQueue {
            inner: Arc::new(Inner {
                options,
                state: Mutex::new(State3::default()),
                notify: [Notify::new(), Notify::new(), Notify::new()],
            }),
        }
    }

    /// The settings it was made with.
    pub fn options(&self) -> &QueueOptions {
        &self.inner.options
    }
}

impl Inner {
    fn lock(&self) -> MutexGuard<'_, State3> {
        // A panic while holding the lock leaves consistent data (every update is one
        // assignment), so a poisoned lock is still usable.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn push_dead(&self, state: &mut State3, letter: DeadLetter) {
        state.dead.push_back(letter);
        let cap = usize::try_from(self.options.dead_max_messages).unwrap_or(usize::MAX);
        while state.dead.len() > cap {
            state.dead.pop_front();
        }
    }

    fn prune_dead(&self, state: &mut State3) {
        let max_age_ms = i64::try_from(self.options.dead_max_age.as_millis()).unwrap_or(i64::MAX);
        let oldest = now_ms().saturating_sub(max_age_ms);
        while state.dead.front().is_some_and(|d| d.at_ms < oldest) {
            state.dead.pop_front();
        }
    }

    /// Takes up to `max` deliverable messages; dead-letters those back after their last
    /// attempt. Also returns the next instant something becomes deliverable.
    fn take(
        self: &Arc<Self>,
        state: &mut State3,
        stage: Stage,
        max: usize,
        now: Instant,
    ) -> (Vec<MemoryMessage>, Option<Instant>) {
        let mut batch = Vec::new();
        let mut gave_up = Vec::new();
        let mut next: Option<Instant> = None;
        let max_deliver = self.options.max_deliver;
        let stage_state = &mut state.stages[stage.index()];
        for (&seq, entry) in stage_state.entries.iter_mut() {
            let due = match entry.state {
                State::Ready { at } | State::InFlight { until: at } => at,
            };
            if due > now {
                next = Some(next.map_or(due, |n| n.min(due)));
                continue;
            }
            if batch.len() >= max {
                next = Some(now);
                break;
            }
            if entry.delivered >= max_deliver {
                gave_up.push(seq);
                continue;
            }
            entry.delivered += 1;
            entry.state = State::InFlight {
                until: now + self.options.ack_wait,
            };
            batch.push(MemoryMessage {
                queue: Arc::clone(self),
                stage,
                seq,
                dedup_id: entry.dedup_id.clone(),
                payload: Arc::clone(&entry.payload),
                delivered: entry.delivered,
            });
        }
        for seq in gave_up {
            if let Some(entry) = state.stages[stage.index()].entries.remove(&seq) {
                let letter = DeadLetter {
                    stage,
                    dedup_id: entry.dedup_id,
                    reason: unanswered_reason(entry.delivered),
                    at_ms: now_ms(),
                    payload: entry.payload.to_vec(),
                    delivered: entry.delivered,
                };
                self.push_dead(state, letter);
            }
        }
        (batch, next)
    }
}

impl Queue for MemoryQueue {
    type Message = MemoryMessage;

    async fn publish(
        &self,
        stage: Stage,
        dedup_id: &str,
        payload: &[u8],
    ) -> Result<Published, QueueError> {
        let now = Instant::now();
        let window = self.inner.options.duplicate_window;
        {
            let mut state = self.inner.lock();
            let stage_state = &mut state.stages[stage.index()];
            stage_state
                .seen
                .retain(|_, at| now.saturating_duration_since(*at) < window);
            if !dedup_id.is_empty() {
                if stage_state.seen.contains_key(dedup_id) {
                    return Ok(Published { duplicate: true });
                }
                stage_state.seen.insert(dedup_id.to_owned(), now);
            }
            stage_state.next_seq += 1;
            let seq = stage_state.next_seq;
            stage_state.entries.insert(
                seq,
                Entry {
                    dedup_id: (!dedup_id.is_empty()).then(|| dedup_id.to_owned()),
                    payload: Arc::from(payload),
                    delivered: 0,
                    state: State::Ready { at: now },
                },
            );
        }
        self.inner.notify[stage.index()].notify_waiters();
        Ok(Published { duplicate: false })
    }

    async fn pull(
        &self,
        stage: Stage,
        max: usize,
        wait: Duration,
    ) -> Result<Vec<MemoryMessage>, QueueError> {
        if max == 0 {
            return Ok(Vec::new());
        }
        let deadline = Instant::now() + wait;
        loop {
            let mut notified = pin!(self.inner.notify[stage.index()].notified());
            // Registered before looking, so a publish in between is not missed.
            notified.as_mut().enable();
            let now = Instant::now();
            let (batch, next) = {
                let mut state = self.inner.lock();
                self.inner.take(&mut state, stage, max, now)
            };
            if !batch.is_empty() {
                return Ok(batch);
            }
            if now >= deadline {
                return Ok(Vec::new());
            }
            let until = next.map_or(deadline, |n| n.min(deadline));
            let _ = tokio::time::timeout_at(until, notified).await;
        }
    }

    async fn dead_letters(&self, limit: usize) -> Result<Vec<DeadLetter>, QueueError> {
        let mut state = self.inner.lock();
        self.inner.prune_dead(&mut state);
        Ok(state.dead.iter().rev().take(limit).cloned().collect())
    }

    async fn stats(&self, stage: Stage) -> Result<StageStats, QueueError> {
        let mut state = self.inner.lock();
        self.inner.prune_dead(&mut state);
        let entries = &state.stages[stage.index()].entries;
        Ok(StageStats {
            pending: entries.len() as u64,
            redelivered: entries.values().filter(|e| e.delivered > 1).count() as u64,
            dead: state.dead.iter().filter(|d| d.stage == stage).count() as u64,
        })
    }
}

/// One delivery from a [`MemoryQueue`].
#[derive(Debug)]
pub struct MemoryMessage {
    queue: Arc<Inner>,
    stage: Stage,
    seq: u64,
    dedup_id: Option<String>,
    payload: Arc<[u8]>,
    delivered: u64,
}

impl QueueMessage for MemoryMessage {
    fn payload(&self) -> &[u8] {
        &self.payload
    }

    fn dedup_id(&self) -> Option<&str> {
        self.dedup_id.as_deref()
    }

    fn delivered(&self) -> u64 {
        self.delivered
    }

    async fn ack(self) -> Result<(), QueueError> {
        let mut state = self.queue.lock();
        state.stages[self.stage.index()].entries.remove(&self.seq);
        Ok(())
    }

    async fn retry(self, delay: Duration) -> Result<(), QueueError> {
        {
            let mut state = self.queue.lock();
            if let Some(entry) = state.stages[self.stage.index()].entries.get_mut(&self.seq) {
                entry.state = State::Ready {
                    at: Instant::now() + delay,
                };
            }
        }
        self.queue.notify[self.stage.index()].notify_waiters();
        Ok(())
    }

    async fn dead_letter(self, reason: &str) -> Result<(), QueueError> {
        let mut state = self.queue.lock();
        if state.stages[self.stage.index()]
            .entries
            .remove(&self.seq)
            .is_some()
        {
            let letter = DeadLetter {
                stage: self.stage,
                dedup_id: self.dedup_id,
                reason: reason.to_owned(),
                at_ms: now_ms(),
                payload: self.payload.to_vec(),
                delivered: self.delivered,
            };
            self.queue.push_dead(&mut state, letter);
        }
        Ok(())
    }
}

/// Leases in one process.
#[derive(Clone, Debug, Default)]
pub struct MemoryLeases {
    /// name → (holder, expiry).
    held: Arc<Mutex<HashMap<String, (String, Instant)>>>,
}

impl MemoryLeases {
    /// No lease held.
    pub fn new() -> Self {
        Self::default()
    }
}

impl Leases for MemoryLeases {
    async fn acquire(&self, name: &str, holder: &str, ttl: Duration) -> Result<bool, QueueError> {
        let now = Instant::now();
        let mut held = self.held.lock().unwrap_or_else(|e| e.into_inner());
        let free = match held.get(name) {
            None => true,
            Some((who, until)) => who == holder || *until <= now,
        };
        if free {
            held.insert(name.to_owned(), (holder.to_owned(), now + ttl));
        }
        Ok(free)
    }

    async fn release(&self, name: &str, holder: &str) -> Result<(), QueueError> {
        let mut held = self.held.lock().unwrap_or_else(|e| e.into_inner());
        if held.get(name).is_some_and(|(who, _)| who == holder) {
            held.remove(name);
        }
        Ok(())
    }
}

/// Key-value storage in one process.
#[derive(Clone, Debug, Default)]
pub struct MemoryKv {
    values: Arc<Mutex<HashMap<String, Vec<u8>>>>,
}

impl MemoryKv {
    /// Empty.
    pub fn new() -> Self {
        Self::default()
    }
}

impl KeyValue for MemoryKv {
    async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, QueueError> {
        let values = self.values.lock().unwrap_or_else(|e| e.into_inner());
        Ok(values.get(key).cloned())
    }

    async fn put(&self, key: &str, value: &[u8]) -> Result<(), QueueError> {
        let mut values = self.values.lock().unwrap_or_else(|e| e.into_inner());
        values.insert(key.to_owned(), value.to_vec());
        Ok(())
    }
}
