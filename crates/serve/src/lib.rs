//! `waspada serve`: the analysts' workplace. An HTTP JSON API and a server-rendered,
//! bilingual (Bahasa Indonesia and English) dashboard over the store and the search index
//! of one data directory.
//!
//! # Shape, and why
//!
//! - **One interface to the store, two stores.** Handlers read and write through
//!   [`waspada_store::Workplace`]. Embedded ([`AppState::open`]), that is the SQLite file
//!   the pipeline writes, in WAL mode, so readers never block the ingest; scaled out
//!   ([`AppState::shared`]), it is PostgreSQL, which any number of `waspada serve`
//!   processes share (sessions, triage and users included), so they can sit behind one
//!   load balancer. The work runs on Tokio's blocking threads
//!   ([`tokio::task::spawn_blocking`]): a slow query never stalls the event loop.
//! - **The search index is opened read-only** (a `SearchIndex` takes the write lock only
//!   when it writes) and reloaded before each search, so it sees what the ingest committed.
//! - **Server-rendered pages, no build step.** Pages are askama templates compiled into the
//!   binary; htmx does the one-click triage; Leaflet (map) and uPlot (timeline) are vendored
//!   from npm under `assets/vendor/` and embedded with `include_bytes!`. Nothing is loaded
//!   from a CDN and no tile server is needed: the dashboard works on an air-gapped network.
//! - **Article text is hostile input.** Templates escape everything (askama's default; no
//!   template uses `|safe`; the one exception is [`sparkline::Sparkline`], SVG built from
//!   numbers and an escaped label), highlighted text is built as escaped segments, pages carry a
//!   Content-Security-Policy that forbids inline scripts, and CSV exports neutralise
//!   spreadsheet formulas.
//! - **One list of API routes.** The `/api` routes are declared once ([`API_ROUTES`]) and a
//!   test checks them against the hand-written OpenAPI document served at
//!   `/api/openapi.json`, in both directions.
//! - **Every route behind one layer.** [`auth::guard`] wraps the whole router: a logged-in
//!   session or an API token for everything but `/login`, `/healthz`, `/assets/*`,
//!   `/api/openapi.json` and the Atom feeds under `/feeds/` (their address is their
//!   credential); the CSRF token and a same-site origin for every change made with
//!   the session cookie; `analyst` for changes and `admin` for user management. A route
//!   added to [`router`] is covered by adding it, as long as it is merged in before the
//!   layer. Accounts: [`accounts`] (also used by `waspada user` and `waspada token`).
//!
//! # Not done yet (read before deploying)
//!
//! - **No TLS of its own.** Run it behind a reverse proxy that terminates HTTPS and passes
//!   the client's `Host` header on (see [`auth`], "Behind a reverse proxy"); session
//!   cookies are `Secure` by default.
//! - Sessions end after [`auth::SESSION_HOURS`] whatever the activity. API tokens expire
//!   after a year unless made with another `--days` (or `--never-expires`); `waspada token
//!   list` shows their expiry and last use (recorded about once an hour).
//! - The login slow-down is in memory, per server process: several servers behind one
//!   proxy each count on their own (rate-limit `POST /login` at the proxy).
//!
//! # Using it
//!
//! ```no_run
//! # async fn run() -> Result<(), waspada_serve::ServeError> {
//! let state = waspada_serve::AppState::open(std::path::Path::new("data"))?;
//! let addr: std::net::SocketAddr = "127.0.0.1:8080".parse().unwrap();
//! waspada_serve::serve_state(state, addr).await?;
//! # Ok(()) }
//! ```
#![deny(missing_docs)]

pub mod accounts;
pub mod api;
pub mod auth;
mod cache;
mod db;
pub mod dead_letters;
mod error;
mod export;
mod highlight;
pub mod i18n;
mod login;
mod openapi;
mod pages;
pub mod push;
mod query;
mod settings;
pub mod sparkline;
mod static_files;
pub mod subscriptions;
mod trends;

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use waspada_pipeline::DataDir;
use waspada_search::SearchIndex;

pub use api::API_ROUTES;
pub use db::Workplaces;
pub use error::{ApiError, ServeError};

/// Largest request body accepted (JSON or form), in bytes. Triage requests are tiny; the
/// push-ingest endpoint sets its own larger limit ([`push::PUSH_MAX_BODY_BYTES`]).
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// What every request handler shares: the store (embedded or shared), the search index
/// and display settings.
#[derive(Clone)]
pub struct AppState {
    /// The data directory served; `None` when the store is shared ([`AppState::shared`]).
    pub data_dir: Option<DataDir>,
    /// The data are synthetic (the demo): every page says so in a banner.
    pub synthetic: bool,
    /// Session cookies carry `Secure` (the default). Turn off only for plain HTTP on a
    /// loopback address with a client that refuses `Secure` cookies there (see [`auth`]).
    pub secure_cookies: bool,
    /// Alert settings (`[alerts]` of waspada.toml): the public address for feed and CAP
    /// links, the CAP sender.
    pub alerts: waspada_alert::AlertsConfig,
    /// The scale-out queue's dead letters, listed on the Sources page (`None`: the
    /// embedded deployment, which has no queue).
    pub dead_letters: Option<Arc<dyn dead_letters::DeadLetters>>,
    workplaces: Arc<dyn Workplaces>,
    /// The embedded store's pool again, for what needs SQLite itself (push ingest).
    embedded: Option<Arc<db::Pool>>,
    throttle: Arc<accounts::Throttle>,
    search: Arc<Result<SearchIndex, String>>,
    geojson_cache: Arc<cache::ResponseCache>,
}

impl AppState {
    /// Opens the data directory at `dir`: creates it if needed, brings the store's schema
    /// up to date (the only write the server does at start) and opens the search index for
    /// reading. A search index that cannot be opened does not stop the server: search
    /// answers 503 with the reason, everything else works.
    pub fn open(dir: &Path) -> Result<AppState, ServeError> {
        let data_dir = DataDir::create(dir)?;
        let store = data_dir.store()?;
        let pool = Arc::new(db::Pool::new(data_dir.store_path(), store));
        let index = data_dir.index_path();
        let mut state = AppState::with_parts(pool.clone(), &index);
        state.data_dir = Some(data_dir);
        state.embedded = Some(pool);
        Ok(state)
    }

    /// Serves a shared store (the scale-out deployment: PostgreSQL, which any number of
    /// `waspada serve` processes use at once) and the search index at `index_dir`, which
    /// the cluster's indexer writes. The caller has brought the store's schema up to date.
    pub fn shared(workplaces: Arc<dyn Workplaces>, index_dir: &Path) -> AppState {
        AppState::with_parts(workplaces, index_dir)
    }

    fn with_parts(workplaces: Arc<dyn Workplaces>, index_dir: &Path) -> AppState {
        let search = SearchIndex::open_or_create(index_dir).map_err(|e| e.to_string());
        if let Err(e) = &search {
            tracing::warn!("search is unavailable: {e}");
        }
        AppState {
            data_dir: None,
            synthetic: false,
            secure_cookies: true,
            alerts: waspada_alert::AlertsConfig::default(),
            dead_letters: None,
            workplaces,
            embedded: None,
            throttle: Arc::new(accounts::Throttle::default()),
            search: Arc::new(search),
            geojson_cache: Arc::default(),
        }
    }

    /// The search index, or why it is unavailable.
    pub(crate) fn search_index(&self) -> Result<&SearchIndex, ApiError> {
        self.search.as_ref().as_ref().map_err(|e| {
            ApiError::new(
                axum::http::StatusCode::SERVICE_UNAVAILABLE,
                format!("search is unavailable: {e}"),
            )
        })
    }
}

/// The whole application: the JSON API under `/api`, the dashboard pages, the login and
/// settings pages and the embedded static files under `/assets`, all behind
/// [`auth::guard`]. Merge new routes in before the `layer` calls.
pub fn router(state: AppState) -> Router {
    Router::new()
        .merge(api::routes())
        .merge(pages::routes())
        .merge(login::routes())
        .merge(settings::routes())
        .merge(subscriptions::routes())
        .merge(static_files::routes())
        .route("/healthz", axum::routing::get(|| async { "ok" }))
        .fallback(error::not_found)
        .method_not_allowed_fallback(error::method_not_allowed)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            auth::guard,
        ))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .with_state(state)
}

/// Serves the data directory `data_dir` on `addr` until Ctrl-C (or SIGTERM), then finishes
/// the requests in flight. This is what `waspada serve` runs; the data are marked as not
/// synthetic (use [`serve_state`] with [`AppState::synthetic`] set for the demo).
pub async fn serve(data_dir: &Path, addr: SocketAddr) -> Result<(), ServeError> {
    serve_state(AppState::open(data_dir)?, addr).await
}

/// [`serve`] with a prepared state.
pub async fn serve_state(state: AppState, addr: SocketAddr) -> Result<(), ServeError> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|source| ServeError::Bind { addr, source })?;
    tracing::info!("serving on http://{addr}");
    // The client address feeds the login slow-down.
    let app = router(state).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown_signal())
        .await
        .map_err(ServeError::Io)
}

async fn shutdown_signal() {
    let ctrl_c = async {
        // If the handler cannot be installed, run until killed.
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = term => {}
    }
}
