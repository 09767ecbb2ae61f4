//! Where `serve`, `user` and `token` find accounts, triage and subscriptions: the data
//! directory (embedded), or PostgreSQL when `[cluster]` of the configuration (or
//! `WASPADA_POSTGRES_URL`) names one, so that every `waspada serve` of a cluster shares
//! them.

use anyhow::{Context, Result};
use tokio::runtime::Runtime;
use waspada_pipeline::config::ClusterConfig;
use waspada_serve::Workplaces;
use waspada_store::{StoreError, Workplace};
use waspada_store_pg::{PgWorkplace, describe_url};

use super::cluster::ConfigArgs;
use super::data::DataArgs;

/// An open workplace, and what it needs to stay usable.
pub struct Opened {
    /// The store.
    pub workplace: Box<dyn Workplace>,
    /// Where it is, for messages: the data directory or the database (no password).
    pub place: String,
    /// PostgreSQL's client runs on this; dropped after the workplace (field order).
    _runtime: Option<Runtime>,
}

/// The runtime of the commands that talk to a cluster's PostgreSQL and NATS (workers,
/// scheduler, serve, user, token, alerts): two worker threads, as the work is I/O.
pub fn runtime() -> Result<Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("cannot start the async runtime")
}

/// Connects to the cluster's PostgreSQL on `runtime`, bringing its schema up to date.
pub fn connect(runtime: &Runtime, url: &str) -> Result<PgWorkplace> {
    runtime
        .block_on(PgWorkplace::connect(url))
        .with_context(|| format!("cannot reach {}", describe_url(url)))
}

/// `--data` and `--config`: where the accounts are.
#[derive(clap::Args, Clone)]
pub struct WorkplaceArgs {
    #[command(flatten)]
    pub data: DataArgs,
    /// With a `postgres_url` in its `[cluster]` section (or WASPADA_POSTGRES_URL set), the
    /// cluster's PostgreSQL is used instead of the data directory.
    #[command(flatten)]
    pub config: ConfigArgs,
}

impl WorkplaceArgs {
    /// The workplace the configuration names: PostgreSQL when `[cluster]` has a
    /// `postgres_url`, otherwise the data directory.
    pub fn open(&self) -> Result<Opened> {
        open(&self.data, &self.config)
    }
}

/// The workplace the configuration names: PostgreSQL when `[cluster]` has a
/// `postgres_url`, otherwise the data directory.
pub fn open(data: &DataArgs, config: &ConfigArgs) -> Result<Opened> {
    let cluster: ClusterConfig = config.load()?.cluster;
    match &cluster.postgres_url {
        Some(url) => {
            let rt = runtime()?;
            let w = connect(&rt, url)?;
            Ok(Opened {
                workplace: Box::new(w),
                place: describe_url(url),
                _runtime: Some(rt),
            })
        }
        None => {
            let dir = data.open()?;
            Ok(Opened {
                workplace: Box::new(dir.store()?),
                place: dir.root().display().to_string(),
                _runtime: None,
            })
        }
    }
}

/// PostgreSQL as `waspada serve`'s store: each request gets its own handle on the shared
/// pool (a clone), so concurrent requests do not wait for each other.
pub struct SharedWorkplaces(pub PgWorkplace);

impl Workplaces for SharedWorkplaces {
    fn with_workplace(&self, f: &mut dyn FnMut(&mut dyn Workplace)) -> Result<(), StoreError> {
        let mut w = self.0.clone();
        f(&mut w);
        Ok(())
    }
}
