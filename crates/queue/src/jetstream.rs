//! The queue on NATS JetStream, for the scale-out deployment.
//!
//! Layout on the server (created idempotently by [`JetStreamQueue::connect`]):
//!
//! | what | JetStream object |
//! |---|---|
//! | a stage's work | stream `WASPADA_<STAGE>` on subject `waspada.<stage>`, work-queue retention, file storage, `duplicate_window` |
//! | its workers | one durable pull consumer `<stage>` on that stream, explicit ack, `ack_wait` |
//! | dead letters | stream `WASPADA_DEAD` on `waspada.dead.<stage>`, limits retention (`dead_max_age`, `dead_max_messages`) |
//! | leases | KV bucket `waspada_leases`, per-key TTL (server ≥ 2.11) |
//! | feed state | KV bucket `waspada_state` |
//!
//! **Max deliveries.** The consumer itself has no delivery limit: when JetStream gives up
//! on a message it only sends an advisory, which is lost if no process listens at that
//! moment, and the message then sits in the work-queue stream forever. Instead the client
//! counts: a worker sees deliveries 1 to `max_deliver`, and a message that comes back once
//! more (every worker crashed or timed out on it) is dead-lettered by the pull that
//! receives it. Nothing is lost if that pull fails half-way: the message stays pending and
//! the next pull tries again, and the dead-letter copy carries a `Nats-Msg-Id`, so it is
//! not stored twice.
//!
//! **Pulls return early.** A pull first takes what is already waiting (a no-wait fetch);
//! only when nothing is there does it wait, for one message at most, so no message is
//! handed to a pull request this process has stopped reading.
//!
//! **Duplicate window and restarts.** While the server runs, an id is remembered for the
//! whole window, acknowledged or not. A restarted server rebuilds the window from the
//! messages it still holds, so the ids of work already acknowledged are forgotten: a
//! republish after a server restart can be processed again. Workers must stay idempotent
//! (the store finds an article by URL and text hash).
//!
//! **Outages.** The client reconnects forever (back-off up to 4 s). While the server is
//! away, calls fail with [`QueueError::Backend`]; a worker retries them, and they succeed
//! again once the client is back, on the same streams and consumers (file storage).

use std::time::Duration;

use async_nats::jetstream::consumer::{AckPolicy, PullConsumer, pull};
use async_nats::jetstream::context::PublishErrorKind;
use async_nats::jetstream::kv::{self, Operation};
use async_nats::jetstream::message::PublishMessage;
use async_nats::jetstream::stream::{self, RetentionPolicy, StorageType};
use async_nats::jetstream::{self, AckKind};
use async_nats::{HeaderMap, HeaderValue};
use bytes::Bytes;
use futures_util::StreamExt;

use crate::{
    DeadLetter, KeyValue, Leases, Published, Queue, QueueError, QueueMessage, QueueOptions, Stage,
    StageStats, now_ms, unanswered_reason,
};

/// The dead-letter stream.
pub const DEAD_STREAM: &str = "WASPADA_DEAD";
/// The KV bucket holding leases.
pub const LEASE_BUCKET: &str = "waspada_leases";
/// The KV bucket holding feed state.
pub const STATE_BUCKET: &str = "waspada_state";

/// How long past its own wait a pull request may go unanswered before it counts as lost.
const ANSWER_BOUND: Duration = Duration::from_secs(5);

const MSG_ID: &str = "Nats-Msg-Id";
const H_REASON: &str = "Waspada-Reason";
const H_DEDUP: &str = "Waspada-Dedup-Id";
const H_DELIVERED: &str = "Waspada-Delivered";
const H_AT: &str = "Waspada-At-Ms";

/// The queue on a NATS JetStream server. Cheap to clone; every clone and every process
/// connected to the same server shares the same streams and consumers.
#[derive(Clone, Debug)]
pub struct JetStreamQueue {
    js: jetstream::Context,
    options: QueueOptions,
    /// Indexed by `Stage::index`.
    consumers: Vec<PullConsumer>,
    /// Indexed by `Stage::index`.
    streams: Vec<stream::Stream>,
    dead: stream::Stream,
}

impl JetStreamQueue {
    /// Connects to `url` (e.g. `nats://127.0.0.1:4222`) and creates or updates the
    /// streams, consumers and KV buckets. The client keeps reconnecting for ever once
    /// connected; this call fails when the server cannot be reached to set things up.
    pub async fn connect(url: &str, options: QueueOptions) -> Result<Self, QueueError> {
        Self::connect_with(url, options, true).await
    }

    /// [`JetStreamQueue::connect`] that fails at once when the server cannot be reached,
    /// instead of waiting for it: for a dashboard page that must render without the queue.
    /// Once connected, the client reconnects after an outage as `connect`'s does.
    pub async fn connect_once(url: &str, options: QueueOptions) -> Result<Self, QueueError> {
        Self::connect_with(url, options, false).await
    }

    async fn connect_with(
        url: &str,
        options: QueueOptions,
        wait_for_server: bool,
    ) -> Result<Self, QueueError> {
        let mut connect = async_nats::ConnectOptions::new()
            .name("waspada")
            .max_reconnects(None);
        if wait_for_server {
            connect = connect.retry_on_initial_connect();
        }
        let client = connect
            .connect(url)
            .await
            .map_err(|e| QueueError::backend(format!("connecting to NATS at {url}"), e))?;
        Self::with_client(client, options)
            .await
            .map_err(|e| match e {
                QueueError::Backend { context, message } => QueueError::Backend {
                    context: format!(
                        "{context} (is nats-server ≥ 2.11 running with JetStream, -js, at {url}?)"
                    ),
                    message,
                },
                other => other,
            })
    }

    /// Sets up the queue over an existing client connection.
    pub async fn with_client(
        client: async_nats::Client,
        mut options: QueueOptions,
    ) -> Result<Self, QueueError> {
        options.max_deliver = options.max_deliver.max(1);
        let js = jetstream::new(client);
        let mut consumers = Vec::with_capacity(3);
        let mut streams = Vec::with_capacity(3);
        for stage in Stage::all() {
            let config = stream::Config {
                name: stage.stream().to_owned(),
                description: Some(format!("Waspada work for the {stage} stage")),
                subjects: vec![stage.subject().to_owned()],
                retention: RetentionPolicy::WorkQueue,
                storage: StorageType::File,
                duplicate_window: options.duplicate_window,
                ..Default::default()
            };
            js.create_or_update_stream(config).await.map_err(|e| {
                QueueError::backend(format!("creating stream {}", stage.stream()), e)
            })?;
            let stream = js.get_stream(stage.stream()).await.map_err(|e| {
                QueueError::backend(format!("opening stream {}", stage.stream()), e)
            })?;
            let consumer = stream
                .create_consumer(pull::Config {
                    durable_name: Some(stage.as_str().to_owned()),
                    description: Some(format!("Waspada {stage} workers")),
                    ack_policy: AckPolicy::Explicit,
                    ack_wait: options.ack_wait,
                    // Unlimited here: the client dead-letters after `max_deliver` (module docs).
                    max_deliver: -1,
                    ..Default::default()
                })
                .await
                .map_err(|e| QueueError::backend(format!("creating consumer {stage}"), e))?;
            consumers.push(consumer);
            streams.push(stream);
        }
        js.create_or_update_stream(stream::Config {
            name: DEAD_STREAM.to_owned(),
            description: Some("Waspada work given up on".to_owned()),
            subjects: vec!["waspada.dead.>".to_owned()],
            retention: RetentionPolicy::Limits,
            storage: StorageType::File,
            max_age: options.dead_max_age,
            max_messages: i64::try_from(options.dead_max_messages).unwrap_or(i64::MAX),
            ..Default::default()
        })
        .await
        .map_err(|e| QueueError::backend(format!("creating stream {DEAD_STREAM}"), e))?;
        let dead = js
            .get_stream(DEAD_STREAM)
            .await
            .map_err(|e| QueueError::backend(format!("opening stream {DEAD_STREAM}"), e))?;
        Ok(JetStreamQueue {
            js,
            options,
            consumers,
            streams,
            dead,
        })
    }

    /// The settings in force (`max_deliver` at least 1).
    pub fn options(&self) -> &QueueOptions {
        &self.options
    }

    /// Leases on this server (KV bucket [`LEASE_BUCKET`], created if missing).
    pub async fn leases(&self) -> Result<JetStreamLeases, QueueError> {
        let store = self
            .js
            .create_or_update_key_value(kv::Config {
                bucket: LEASE_BUCKET.to_owned(),
                description: "Waspada leases: which process runs a cluster-wide job".to_owned(),
                history: 1,
                storage: StorageType::File,
                // Per-key TTL; removal markers are kept a minute.
                limit_markers: Some(Duration::from_secs(60)),
                ..Default::default()
            })
            .await
            .map_err(|e| QueueError::backend(format!("creating KV bucket {LEASE_BUCKET}"), e))?;
        Ok(JetStreamLeases {
            js: self.js.clone(),
            store,
        })
    }

    /// Feed state on this server (KV bucket [`STATE_BUCKET`], created if missing).
    pub async fn key_value(&self) -> Result<JetStreamKv, QueueError> {
        let store = self
            .js
            .create_or_update_key_value(kv::Config {
                bucket: STATE_BUCKET.to_owned(),
                description: "Waspada feed state".to_owned(),
                history: 1,
                storage: StorageType::File,
                ..Default::default()
            })
            .await
            .map_err(|e| QueueError::backend(format!("creating KV bucket {STATE_BUCKET}"), e))?;
        Ok(JetStreamKv { store })
    }

    /// One pull request: no-wait when `wait` is `None`. Bounded by `wait` plus
    /// [`ANSWER_BOUND`]: a request lost with a dying connection is never answered, and the
    /// client would otherwise wait for ever.
    async fn fetch(
        &self,
        stage: Stage,
        max: usize,
        wait: Option<Duration>,
    ) -> Result<Vec<jetstream::Message>, QueueError> {
        let consumer = &self.consumers[stage.index()];
        let context = || format!("pulling {stage} work");
        let deadline = tokio::time::Instant::now() + wait.unwrap_or_default() + ANSWER_BOUND;
        let request = async {
            match wait {
                None => consumer.fetch().max_messages(max).messages().await,
                Some(wait) => {
                    consumer
                        .batch()
                        .max_messages(max)
                        .expires(wait)
                        .messages()
                        .await
                }
            }
        };
        let mut messages = match tokio::time::timeout_at(deadline, request).await {
            Ok(Ok(messages)) => messages,
            Ok(Err(e)) => return Err(QueueError::backend(context(), e)),
            Err(_) => return Err(QueueError::backend(context(), "no answer from the server")),
        };
        let mut out = Vec::new();
        loop {
            match tokio::time::timeout_at(deadline, messages.next()).await {
                Ok(Some(message)) => {
                    out.push(message.map_err(|e| QueueError::backend(context(), e))?);
                }
                Ok(None) => break,
                // Keep what came; anything later is redelivered after the ack wait.
                Err(_) if !out.is_empty() => break,
                Err(_) => return Err(QueueError::backend(context(), "no answer from the server")),
            }
        }
        Ok(out)
    }

    /// Copies a message to the dead letters, then terminates it.
    async fn bury(
        &self,
        stage: Stage,
        message: &jetstream::Message,
        delivered: u64,
        reason: &str,
    ) -> Result<(), QueueError> {
        let seq = message.info().map(|i| i.stream_sequence).unwrap_or(0);
        let mut headers = HeaderMap::new();
        headers.insert(MSG_ID, format!("{stage}-{seq}").as_str());
        headers.insert(H_REASON, header_text(reason).as_str());
        if let Some(id) = message_id(message) {
            headers.insert(H_DEDUP, header_text(id).as_str());
        }
        headers.insert(H_DELIVERED, HeaderValue::from(delivered));
        headers.insert(H_AT, HeaderValue::from(now_ms()));
        let publish = PublishMessage::build()
            .payload(message.payload.clone())
            .headers(headers);
        self.js
            .send_publish(stage.dead_subject(), publish)
            .await
            .map_err(|e| QueueError::backend("keeping a dead letter", e))?
            .await
            .map_err(|e| QueueError::backend("keeping a dead letter", e))?;
        message
            .double_ack_with(AckKind::Term)
            .await
            .map_err(|e| QueueError::backend("removing a dead letter from its stage", e))
    }
}

/// The `Nats-Msg-Id` a message was published with.
fn message_id(message: &jetstream::Message) -> Option<&str> {
    let value = message.headers.as_ref()?.get(MSG_ID)?.as_str();
    (!value.is_empty()).then_some(value)
}

/// Header values are one line.
fn header_text(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

impl Queue for JetStreamQueue {
    type Message = JetStreamMessage;

    async fn publish(
        &self,
        stage: Stage,
        dedup_id: &str,
        payload: &[u8],
    ) -> Result<Published, QueueError> {
        let mut publish = PublishMessage::build().payload(Bytes::copy_from_slice(payload));
        if !dedup_id.is_empty() {
            publish = publish.message_id(header_text(dedup_id));
        }
        let context = || format!("publishing {stage} work");
        let ack = self
            .js
            .send_publish(stage.subject(), publish)
            .await
            .map_err(|e| match e.kind() {
                PublishErrorKind::MaxPayloadExceeded => {
                    QueueError::Invalid(format!("{stage} message too large: {e}"))
                }
                _ => QueueError::backend(context(), e),
            })?
            .await
            .map_err(|e| QueueError::backend(context(), e))?;
        Ok(Published {
            duplicate: ack.duplicate,
        })
    }

    async fn pull(
        &self,
        stage: Stage,
        max: usize,
        wait: Duration,
    ) -> Result<Vec<JetStreamMessage>, QueueError> {
        let mut got = Vec::new();
        if max == 0 {
            return Ok(got);
        }
        let mut raw = self.fetch(stage, max, None).await?;
        if raw.is_empty() && !wait.is_zero() {
            // Wait for one; then take whatever else is already there.
            raw = self.fetch(stage, 1, Some(wait)).await?;
            if !raw.is_empty() && max > 1 {
                raw.extend(self.fetch(stage, max - 1, None).await?);
            }
        }
        for message in raw {
            let delivered = message
                .info()
                .map(|i| u64::try_from(i.delivered).unwrap_or(1))
                .map_err(|e| QueueError::backend(format!("reading {stage} delivery"), e))?;
            if delivered > self.options.max_deliver {
                let attempts = self.options.max_deliver;
                // On failure it stays pending and a later pull buries it; the rest of
                // this batch still goes to the worker.
                let _ = self
                    .bury(stage, &message, attempts, &unanswered_reason(attempts))
                    .await;
                continue;
            }
            got.push(JetStreamMessage {
                queue: self.clone(),
                stage,
                delivered,
                message,
            });
        }
        Ok(got)
    }

    async fn dead_letters(&self, limit: usize) -> Result<Vec<DeadLetter>, QueueError> {
        let context = "reading dead letters";
        let info = self
            .dead
            .get_info()
            .await
            .map_err(|e| QueueError::backend(context, e))?;
        let (first, last) = (info.state.first_sequence, info.state.last_sequence);
        let mut out = Vec::new();
        let mut seq = last;
        while seq >= first.max(1) && out.len() < limit {
            match self.dead.get_raw_message(seq).await {
                Ok(message) => {
                    if let Some(letter) = parse_dead(&message) {
                        out.push(letter);
                    }
                }
                Err(e) if e.kind() == stream::RawMessageErrorKind::NoMessageFound => {}
                Err(e) => return Err(QueueError::backend(context, e)),
            }
            seq -= 1;
        }
        Ok(out)
    }

    async fn stats(&self, stage: Stage) -> Result<StageStats, QueueError> {
        let context = || format!("reading {stage} queue figures");
        let stream = self.streams[stage.index()]
            .get_info()
            .await
            .map_err(|e| QueueError::backend(context(), e))?;
        let consumer = self.consumers[stage.index()]
            .get_info()
            .await
            .map_err(|e| QueueError::backend(context(), e))?;
        let mut subjects = self
            .dead
            .info_with_subjects(stage.dead_subject())
            .await
            .map_err(|e| QueueError::backend(context(), e))?;
        let mut dead = 0;
        while let Some(entry) = subjects.next().await {
            let (_, count) = entry.map_err(|e| QueueError::backend(context(), e))?;
            dead += count as u64;
        }
        Ok(StageStats {
            pending: stream.state.messages,
            redelivered: consumer.num_redelivered as u64,
            dead,
        })
    }
}

/// A dead letter from its stored message; `None` for something else on the subject.
fn parse_dead(message: &jetstream::message::StreamMessage) -> Option<DeadLetter> {
    let stage = message
        .subject
        .strip_prefix("waspada.dead.")?
        .parse()
        .ok()?;
    let header = |name: &str| message.headers.get(name).map(|v| v.as_str().to_owned());
    let stored_ms = i64::try_from(message.time.unix_timestamp_nanos() / 1_000_000).unwrap_or(0);
    Some(DeadLetter {
        stage,
        dedup_id: header(H_DEDUP),
        reason: header(H_REASON).unwrap_or_default(),
        at_ms: header(H_AT)
            .and_then(|v| v.parse().ok())
            .unwrap_or(stored_ms),
        payload: message.payload.to_vec(),
        delivered: header(H_DELIVERED)
            .and_then(|v| v.parse().ok())
            .unwrap_or(0),
    })
}

/// One delivery from a [`JetStreamQueue`].
#[derive(Debug)]
pub struct JetStreamMessage {
    queue: JetStreamQueue,
    stage: Stage,
    delivered: u64,
    message: jetstream::Message,
}

impl QueueMessage for JetStreamMessage {
    fn payload(&self) -> &[u8] {
        &self.message.payload
    }

    fn dedup_id(&self) -> Option<&str> {
        message_id(&self.message)
    }

    fn delivered(&self) -> u64 {
        self.delivered
    }

    /// Acknowledges and waits for the server to confirm it.
    async fn ack(self) -> Result<(), QueueError> {
        self.message
            .double_ack()
            .await
            .map_err(|e| QueueError::backend(format!("acknowledging {} work", self.stage), e))
    }

    async fn retry(self, delay: Duration) -> Result<(), QueueError> {
        let delay = (!delay.is_zero()).then_some(delay);
        self.message
            .double_ack_with(AckKind::Nak(delay))
            .await
            .map_err(|e| QueueError::backend(format!("retrying {} work", self.stage), e))
    }

    async fn dead_letter(self, reason: &str) -> Result<(), QueueError> {
        self.queue
            .bury(self.stage, &self.message, self.delivered, reason)
            .await
    }
}

/// KV keys allow `[-/_=.a-zA-Z0-9]` with no leading or trailing dot; any other byte (and
/// `=`, `.`) is written `=XX`, so every text maps to its own key. The empty text is `=`.
fn kv_key(text: &str) -> String {
    if text.is_empty() {
        return "=".to_owned();
    }
    let mut key = String::with_capacity(text.len());
    for &b in text.as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'/') {
            key.push(char::from(b));
        } else {
            key.push_str(&format!("={b:02X}"));
        }
    }
    key
}

/// Leases in a JetStream KV bucket: a lease is a key whose value is its holder, with a
/// per-key TTL the server enforces (no clock comparison between machines).
#[derive(Clone, Debug)]
pub struct JetStreamLeases {
    js: jetstream::Context,
    store: kv::Store,
}

impl JetStreamLeases {
    /// Writes `holder` under `key` if the key's last revision is still `revision` (0: no
    /// value), with a TTL. False when someone else wrote first.
    async fn write(
        &self,
        key: &str,
        holder: &str,
        revision: u64,
        ttl: Duration,
    ) -> Result<bool, QueueError> {
        // Whole seconds on the server; never shorter than asked.
        let secs = ttl.as_secs() + u64::from(ttl.subsec_nanos() > 0);
        let publish = PublishMessage::build()
            .payload(Bytes::copy_from_slice(holder.as_bytes()))
            .expected_last_subject_sequence(revision)
            .ttl(Duration::from_secs(secs.max(1)));
        let subject = format!("$KV.{LEASE_BUCKET}.{key}");
        let context = || format!("taking lease {key}");
        let ack = self
            .js
            .send_publish(subject, publish)
            .await
            .map_err(|e| QueueError::backend(context(), e))?
            .await;
        match ack {
            Ok(_) => Ok(true),
            Err(e) if e.kind() == PublishErrorKind::WrongLastSequence => Ok(false),
            Err(e) => Err(QueueError::backend(context(), e)),
        }
    }
}

impl Leases for JetStreamLeases {
    async fn acquire(&self, name: &str, holder: &str, ttl: Duration) -> Result<bool, QueueError> {
        let key = kv_key(name);
        // A lost race is retried once: the winner may have been ourselves renewing.
        for _ in 0..2 {
            let entry = self
                .store
                .entry(key.as_str())
                .await
                .map_err(|e| QueueError::backend(format!("reading lease {name}"), e))?;
            let revision = match entry {
                None => 0,
                Some(e) if e.operation != Operation::Put => e.revision,
                Some(e) if e.value.as_ref() == holder.as_bytes() => e.revision,
                Some(_) => return Ok(false),
            };
            if self.write(&key, holder, revision, ttl).await? {
                return Ok(true);
            }
        }
        Ok(false)
    }

    async fn release(&self, name: &str, holder: &str) -> Result<(), QueueError> {
        let key = kv_key(name);
        let context = || format!("releasing lease {name}");
        let entry = self
            .store
            .entry(key.as_str())
            .await
            .map_err(|e| QueueError::backend(context(), e))?;
        if let Some(e) = entry
            && e.operation == Operation::Put
            && e.value.as_ref() == holder.as_bytes()
        {
            // Fails harmlessly when the lease changed hands meanwhile.
            let _ = self
                .store
                .delete_expect_revision(key.as_str(), Some(e.revision))
                .await;
        }
        Ok(())
    }
}

/// Feed state in a JetStream KV bucket.
#[derive(Clone, Debug)]
pub struct JetStreamKv {
    store: kv::Store,
}

impl KeyValue for JetStreamKv {
    async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, QueueError> {
        self.store
            .get(kv_key(key))
            .await
            .map(|v| v.map(|b| b.to_vec()))
            .map_err(|e| QueueError::backend(format!("reading {key}"), e))
    }

    async fn put(&self, key: &str, value: &[u8]) -> Result<(), QueueError> {
        self.store
            .put(kv_key(key), Bytes::copy_from_slice(value))
            .await
            .map(|_| ())
            .map_err(|e| QueueError::backend(format!("writing {key}"), e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kv_keys_are_valid_and_distinct() {
        let texts = [
            "",
            "=",
            "a.b",
            "a=2Eb",
            "feed:https://x.id/rss?a=1",
            "é",
            "plain-key_1/2",
        ];
        let keys: Vec<_> = texts.iter().map(|t| kv_key(t)).collect();
        for key in &keys {
            assert!(!key.is_empty());
            assert!(
                key.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-_/=".contains(&b)),
                "{key}"
            );
        }
        let distinct: std::collections::BTreeSet<_> = keys.iter().collect();
        assert_eq!(distinct.len(), keys.len(), "{keys:?}");
        assert_eq!(kv_key("plain-key_1/2"), "plain-key_1/2");
    }

    #[test]
    fn header_text_is_one_line() {
        assert_eq!(header_text("a\r\nb\tc"), "a  b c");
    }
}
