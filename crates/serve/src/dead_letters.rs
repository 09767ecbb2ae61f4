//! Dead letters of the scale-out queue, for the Sources page.
//!
//! Scaled out, a message the workers gave up on (an article that failed `max_deliver`
//! times, a payload that is not an article) ends in a dead-letter stream. Analysts must
//! see it next to the sources' health, or a failing stage loses articles silently. The
//! queue is not this crate's: the binary gives [`crate::AppState`] a [`DeadLetters`]
//! reader (NATS JetStream there, a fake in tests), so the dashboard keeps no queue client
//! of its own. The page must render whatever the queue does: a read is bounded by
//! [`READ_TIMEOUT`], and a failed or slow read becomes a message on the page.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;

/// Longest wait for the queue while a page renders.
pub const READ_TIMEOUT: Duration = Duration::from_secs(3);

/// Dead letters shown on the Sources page (the newest).
pub const SHOWN: usize = 50;

/// One dead letter as the page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeadLetterRow {
    /// The stage that gave up: `fetch`, `analyse` or `index`.
    pub stage: String,
    /// Why, in the worker's words.
    pub reason: String,
    /// When it was given up on (epoch ms), when the queue says.
    pub at_ms: Option<i64>,
    /// What it was about: the article's or the feed's URL, a stored article, or else the
    /// message's de-duplication id.
    pub item: Option<String>,
    /// Deliveries to a worker before it was given up on.
    pub delivered: u64,
}

/// What [`DeadLetters::recent`] returns: the rows, or why the queue could not be read.
pub type ReadFuture<'a> =
    Pin<Box<dyn Future<Output = Result<Vec<DeadLetterRow>, String>> + Send + 'a>>;

/// A reader of the queue's dead letters.
pub trait DeadLetters: Send + Sync {
    /// The newest `limit` dead letters, newest first; `Err` says in words why the queue
    /// cannot be read (shown to analysts).
    fn recent(&self, limit: usize) -> ReadFuture<'_>;
}

/// The dead-letter section of the Sources page (absent without a queue).
#[derive(Debug, Clone, Default, Serialize)]
pub struct DeadLetterSection {
    /// The queue could not be read (the reason); the rows are then empty.
    pub error: Option<String>,
    /// The newest dead letters.
    pub rows: Vec<DeadLetterRow>,
}

/// Reads the section, within [`READ_TIMEOUT`]; `None` when no queue is configured.
pub(crate) async fn section(
    source: Option<&Arc<dyn DeadLetters>>,
    timeout: Duration,
) -> Option<DeadLetterSection> {
    let source = source?;
    let read = tokio::time::timeout(timeout, source.recent(SHOWN)).await;
    Some(match read {
        Ok(Ok(rows)) => DeadLetterSection { error: None, rows },
        Ok(Err(e)) => DeadLetterSection {
            error: Some(e),
            rows: Vec::new(),
        },
        Err(_) => DeadLetterSection {
            error: Some(format!(
                "no answer within {} seconds",
                timeout.as_secs_f64()
            )),
            rows: Vec::new(),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Fixed(Result<Vec<DeadLetterRow>, String>);

    impl DeadLetters for Fixed {
        fn recent(&self, limit: usize) -> ReadFuture<'_> {
            let out = self.0.clone().map(|mut r| {
                r.truncate(limit);
                r
            });
            Box::pin(async move { out })
        }
    }

    struct Silent;

    impl DeadLetters for Silent {
        fn recent(&self, _: usize) -> ReadFuture<'_> {
            Box::pin(std::future::pending())
        }
    }

    fn row(n: i64) -> DeadLetterRow {
        DeadLetterRow {
            stage: "analyse".into(),
            reason: format!("reason {n}"),
            at_ms: Some(n),
            item: None,
            delivered: 5,
        }
    }

    #[tokio::test]
    async fn no_queue_no_section_and_failures_become_messages() {
        assert!(section(None, READ_TIMEOUT).await.is_none());
        let many: Arc<dyn DeadLetters> = Arc::new(Fixed(Ok((0..80).map(row).collect())));
        let s = section(Some(&many), READ_TIMEOUT).await.unwrap();
        assert_eq!((s.rows.len(), s.error), (SHOWN, None));
        let down: Arc<dyn DeadLetters> = Arc::new(Fixed(Err("connection refused".into())));
        let s = section(Some(&down), READ_TIMEOUT).await.unwrap();
        assert_eq!(s.error.as_deref(), Some("connection refused"));
        // A queue that never answers does not hold the page.
        let silent: Arc<dyn DeadLetters> = Arc::new(Silent);
        let s = section(Some(&silent), Duration::from_millis(20))
            .await
            .unwrap();
        assert!(s.error.unwrap().contains("no answer"), "a timeout is said");
    }
}
