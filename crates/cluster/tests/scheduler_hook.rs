//! The scheduler's after-detection hook (where the binary delivers alerts): it runs after
//! a detection run, only in the scheduler holding the lease, and a failing hook is counted
//! without stopping the scheduler.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use waspada_cluster::scheduler::{AfterDetect, HookError, SchedulerOptions, run_scheduler_with};
use waspada_cluster::{Metrics, Shutdown, ShutdownTrigger};
use waspada_pipeline::detect::DetectOptions;
use waspada_queue::{MemoryKv, MemoryLeases, MemoryQueue, QueueOptions};
use waspada_store::{SqliteRecords, Store};

/// Counts its runs, stops both schedulers on the first, and fails.
struct Hook<'a> {
    runs: AtomicUsize,
    stop: &'a ShutdownTrigger,
}

impl AfterDetect for Hook<'_> {
    async fn after_detect(&self) -> Result<(), HookError> {
        self.runs.fetch_add(1, Ordering::SeqCst);
        self.stop.trigger();
        Err("the mail server is away".into())
    }
}

fn options(holder: &str) -> SchedulerOptions {
    SchedulerOptions {
        holder: holder.into(),
        lease_ttl: Duration::from_secs(30),
        detect_every: Duration::from_secs(3600),
        detect: DetectOptions::default(),
        sources: Vec::new(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_the_lease_holder_runs_the_hook_after_detection() {
    let q = MemoryQueue::new(QueueOptions::default());
    let (leases, kv) = (MemoryLeases::new(), MemoryKv::new());
    let records = SqliteRecords::new(Store::in_memory().unwrap());
    let (trigger, shutdown): (ShutdownTrigger, Shutdown) = Shutdown::new();
    let hooks = [
        Hook {
            runs: AtomicUsize::new(0),
            stop: &trigger,
        },
        Hook {
            runs: AtomicUsize::new(0),
            stop: &trigger,
        },
    ];
    let (metrics, opts) = (
        [Metrics::default(), Metrics::default()],
        [options("a"), options("b")],
    );
    let run = |i: usize| {
        run_scheduler_with(
            &records,
            &q,
            &leases,
            &kv,
            &opts[i],
            &metrics[i],
            &shutdown,
            &hooks[i],
        )
    };
    let (a, b) = tokio::join!(run(0), run(1));
    a.expect("scheduler a stops cleanly");
    b.expect("scheduler b stops cleanly");
    let runs = hooks.each_ref().map(|h| h.runs.load(Ordering::SeqCst));
    let mut sorted = runs;
    sorted.sort_unstable();
    assert_eq!(sorted, [0, 1], "one scheduler, once: {runs:?}");
    let holder = runs.iter().position(|&n| n == 1).unwrap();
    let errors = metrics.each_ref().map(|m| m.snapshot().errors);
    assert_eq!(errors[holder], 1, "the hook's failure is counted");
    assert_eq!(errors[1 - holder], 0);
}
