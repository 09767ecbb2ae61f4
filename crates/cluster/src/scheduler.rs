//! The scheduler: one active instance in the whole deployment, holding the lease
//! `scheduler`. It publishes due sources to the fetch stage and, every interval,
//! rebuilds the series and runs detection into signals.
//!
//! Whenever it takes the lease (at start, or taking over from another instance) it first
//! registers the enabled sources in the store ([`register_sources`]); each fetch job then
//! carries its source's id, which the fetch worker gives to the articles and to the fetch
//! state it writes: the Sources page of the dashboard lists them from the store.
//!
//! A second instance (a standby on another machine) waits for the lease; when the active
//! one dies, its lease expires after the TTL and the standby takes over. Both publishing
//! twice would be harmless anyway (fetch jobs are de-duplicated by source and due time,
//! signals are upserts), the lease only saves the work.
//!
//! After each detection run the lease holder runs an [`AfterDetect`] hook: the binary
//! delivers alerts there (matching the new signals to subscriptions). A hook rather than a
//! dependency: the scheduler works over any `Records`, while the alert outbox is the
//! workplace's side of the store (PostgreSQL's `PgWorkplace`), which the binary owns.

use std::collections::HashMap;
use std::future::Future;
use std::time::{Duration, Instant};

use waspada_pipeline::config::SourceConfig;
use waspada_pipeline::detect::{DetectOptions, DetectPlan, DetectSummary, as_of, frequency_name};
use waspada_queue::{KeyValue, Leases, Queue, Stage};
use waspada_store::{Records, now_ms};

use crate::fetch::feed_state;
use crate::messages::{FetchJob, encode};
use crate::metrics::add;
use crate::{ClusterError, Metrics, Shutdown};

/// The lease's name.
pub const LEASE: &str = "scheduler";

/// Tunables of the scheduler.
#[derive(Debug, Clone)]
pub struct SchedulerOptions {
    /// This instance's name in the lease.
    pub holder: String,
    /// Lease time to live; renewed every third of it.
    pub lease_ttl: Duration,
    /// Time between detection runs.
    pub detect_every: Duration,
    /// What detection runs.
    pub detect: DetectOptions,
    /// The sources (`[[source]]` of `waspada.toml`).
    pub sources: Vec<SourceConfig>,
}

/// What a hook's failure carries (logged and counted by the scheduler, which goes on).
pub type HookError = Box<dyn std::error::Error + Send + Sync>;

/// Work the scheduler does after each detection run, only while it holds the lease (so two
/// schedulers do not both do it). See the [module](self) docs.
pub trait AfterDetect {
    /// Runs once after each detection run. An error is reported on standard error and
    /// counted in [`Metrics::errors`]; the scheduler carries on.
    fn after_detect(&self) -> impl Future<Output = Result<(), HookError>>;
}

/// Nothing after detection.
impl AfterDetect for () {
    async fn after_detect(&self) -> Result<(), HookError> {
        Ok(())
    }
}

/// A hook that may be absent (say, no `[alerts]` in the configuration).
impl<H: AfterDetect> AfterDetect for Option<H> {
    async fn after_detect(&self) -> Result<(), HookError> {
        match self {
            Some(h) => h.after_detect().await,
            None => Ok(()),
        }
    }
}

/// Runs detection over any store: series rebuilt from the reports, the statistical
/// methods and the rules, alarms upserted as signals.
pub async fn detect_once<R: Records>(
    records: &R,
    options: &DetectOptions,
) -> Result<DetectSummary, ClusterError> {
    records.refresh_series().await?;
    let Some(as_of) = as_of(records.latest_report_date().await?, options)? else {
        return Ok(DetectSummary::default());
    };
    let rows = records.series(frequency_name(options.frequency)).await?;
    let plan = match DetectPlan::new(rows, as_of, options) {
        Ok(p) => p,
        Err(summary) => return Ok(summary),
    };
    let events = match plan.events_filter() {
        Some(f) => records.events(&f).await?,
        None => Vec::new(),
    };
    let (signals, summary) = plan.finish(&events);
    records.put_signals(&signals).await?;
    Ok(summary)
}

/// Registers the enabled sources in the store (each inserted, or updated by name, in one
/// transaction) and returns their ids by name. Disabled sources are left as they are: a
/// source once polled keeps its row and history.
pub async fn register_sources<R: Records>(
    records: &R,
    sources: &[SourceConfig],
) -> Result<HashMap<String, i64>, ClusterError> {
    let enabled: Vec<&SourceConfig> = sources.iter().filter(|s| !s.disabled).collect();
    let specs: Vec<_> = enabled.iter().map(|s| s.spec()).collect();
    let ids = records.register_sources(&specs).await?;
    Ok(enabled
        .into_iter()
        .zip(ids)
        .map(|(s, id)| (s.name.clone(), id))
        .collect())
}

/// Publishes the enabled sources that are due (by the state the fetch workers keep in the
/// KV), each with its store id from `ids` (by name, as [`register_sources`] returns).
/// `published` remembers what this instance already published per source URL, so a
/// source waiting in the queue is not published again. Returns how many were published.
pub async fn publish_due<Q: Queue, K: KeyValue>(
    sources: &[SourceConfig],
    ids: &HashMap<String, i64>,
    queue: &Q,
    kv: &K,
    published: &mut HashMap<String, i64>,
) -> Result<usize, ClusterError> {
    let now = now_ms();
    let mut n = 0;
    for source in sources.iter().filter(|s| !s.disabled) {
        let due_at = feed_state(kv, &source.url)
            .await?
            .and_then(|s| s.next_attempt_at)
            .unwrap_or(0);
        if due_at > now || published.get(&source.url) == Some(&due_at) {
            continue;
        }
        let job = FetchJob {
            source: source.clone(),
            due_at,
            source_id: ids.get(&source.name).copied(),
        };
        queue
            .publish(Stage::Fetch, &job.dedup_id(), &encode(&job))
            .await?;
        published.insert(source.url.clone(), due_at);
        n += 1;
    }
    Ok(n)
}

/// Runs the scheduler until `shutdown`; releases the lease on the way out.
pub async fn run_scheduler<R: Records, Q: Queue, L: Leases, K: KeyValue>(
    records: &R,
    queue: &Q,
    leases: &L,
    kv: &K,
    options: &SchedulerOptions,
    metrics: &Metrics,
    shutdown: &Shutdown,
) -> Result<(), ClusterError> {
    run_scheduler_with(records, queue, leases, kv, options, metrics, shutdown, &()).await
}

/// [`run_scheduler`], running `after` after each detection run.
#[allow(clippy::too_many_arguments)]
pub async fn run_scheduler_with<R: Records, Q: Queue, L: Leases, K: KeyValue, H: AfterDetect>(
    records: &R,
    queue: &Q,
    leases: &L,
    kv: &K,
    options: &SchedulerOptions,
    metrics: &Metrics,
    shutdown: &Shutdown,
    after: &H,
) -> Result<(), ClusterError> {
    let tick = (options.lease_ttl / 3).max(Duration::from_millis(100));
    let mut published = HashMap::new();
    // Registered on taking the lease; forgotten on losing it.
    let mut ids: Option<HashMap<String, i64>> = None;
    let mut last_detect: Option<Instant> = None;
    let mut holding = false;
    while !shutdown.is_set() {
        match leases
            .acquire(LEASE, &options.holder, options.lease_ttl)
            .await
        {
            Ok(true) => {
                if !holding {
                    eprintln!("scheduler {}: holding the lease", options.holder);
                    holding = true;
                }
            }
            Ok(false) => {
                if holding {
                    eprintln!("scheduler {}: lost the lease", options.holder);
                    holding = false;
                    ids = None;
                }
                shutdown.sleep(tick).await;
                continue;
            }
            Err(e) => {
                add(&metrics.errors, 1);
                eprintln!("scheduler: cannot reach the lease, will retry: {e}");
                shutdown.sleep(tick).await;
                continue;
            }
        }
        let work = async {
            let ids = match &mut ids {
                Some(ids) => ids,
                None => {
                    let registered = register_sources(records, &options.sources).await?;
                    eprintln!(
                        "scheduler {}: {} sources registered in the store",
                        options.holder,
                        registered.len()
                    );
                    ids.insert(registered)
                }
            };
            let n = publish_due(&options.sources, ids, queue, kv, &mut published).await?;
            add(&metrics.stored_new, n as u64);
            if last_detect.is_none_or(|t| t.elapsed() >= options.detect_every) {
                let summary = detect_once(records, &options.detect).await?;
                last_detect = Some(Instant::now());
                eprintln!(
                    "{}",
                    serde_json::json!({"detect": summary, "holder": options.holder})
                );
                // Inside `work`, so the lease is renewed meanwhile.
                if let Err(e) = after.after_detect().await {
                    add(&metrics.errors, 1);
                    eprintln!("scheduler: after detection: {e}; will run again after the next one");
                }
            }
            Ok::<(), ClusterError>(())
        };
        // Long work (a big detection run) must not let the lease lapse: renew meanwhile.
        let renew = async {
            loop {
                tokio::time::sleep(tick).await;
                if let Err(e) = leases
                    .acquire(LEASE, &options.holder, options.lease_ttl)
                    .await
                {
                    eprintln!("scheduler: cannot renew the lease: {e}");
                }
            }
        };
        let result = tokio::select! {
            r = work => r,
            () = renew => Ok(()),
        };
        if let Err(e) = result {
            add(&metrics.errors, 1);
            eprintln!("scheduler: {e}; will retry");
        }
        shutdown.sleep(tick).await;
    }
    if holding && let Err(e) = leases.release(LEASE, &options.holder).await {
        eprintln!("scheduler: cannot release the lease (it expires by itself): {e}");
    }
    Ok(())
}
