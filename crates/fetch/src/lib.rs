//! Polite, safe fetching of news pages and feeds for Waspada.
//!
//! `waspada run` polls hundreds of news sites and health-office pages for weeks on
//! end. One slow, broken or hostile server must never stall the loop, fill memory, or
//! make us a nuisance to the site, and a URL in a feed must never make us reach into
//! the machine's own network. This crate is where those guarantees live, so the ingest
//! pipeline can treat fetching as one call that either returns text or a reason.
//!
//! # Shape
//! - [`Fetcher`] (built from [`FetchConfig`], cheap to clone) owns one HTTP client
//!   and the shared per-host state: robots.txt cache, rate-limit slots. Its one async
//!   method, [`Fetcher::fetch`], does a conditional GET and returns a
//!   [`FetchOutcome`] — new content ([`Response`], body already decoded to UTF-8) or
//!   `NotModified` — or a [`FetchError`].
//! - The store owns persistence: [`Validators`] (ETag / Last-Modified) and the
//!   outcomes are serde types; this crate keeps only in-memory caches.
//! - Feeds and URL keys are plain functions: [`parse_feed`] and [`canonical_url`].
//!
//! # Guarantees, and why they are built this way
//! - **Bounded time.** Connect, read (idle) and total timeouts per attempt; retries are
//!   counted; Retry-After is capped, and a longer one gives up at once with the time to
//!   come back ([`FetchError::RetryLater`]) instead of blocking a worker for an hour.
//! - **Bounded memory.** The body is read chunk by chunk and reading stops at
//!   `max_body_bytes` (after gzip decompression, so a compressed bomb is caught too).
//! - **Politeness.** robots.txt (RFC 9309) is read once per site and cached; a 4xx
//!   robots.txt means no rules; a 5xx or unreachable one closes the site for
//!   `robots_error_ttl_secs`, as the RFC advises, because a failing server is the
//!   worst moment to add load. A per-host minimum delay (raised by Crawl-delay) spaces
//!   requests, retries and redirect hops included; it is kept in-house (a fair async
//!   mutex per host) because we need it per host and aware of Crawl-delay.
//! - **Safety (SSRF).** Redirects are followed by hand, so every hop passes the same
//!   checks as the first URL. IP literals are checked before connecting, and host
//!   names are checked on the addresses they resolve to, inside the connector's DNS
//!   resolver, so DNS tricks cannot reach a refused address. Link-local and cloud
//!   metadata addresses are refused unless `allow_link_local`; loopback and private
//!   ranges are refused unless `allow_private_addresses` (the tests and intranet
//!   deployments need them).
//! - **Readable failures.** Every [`FetchError`] message names the host and the bound
//!   that was hit ("timed out after 10 s waiting for data from example.com"), because
//!   the people reading the logs are epidemiologists, not network engineers.
//!
//! # Worst-case time of one `fetch`
//! Per hop (first URL plus at most `max_redirects` redirects): the host's delay,
//! then at most `max_retries + 1` attempts of at most `total_timeout_secs` each, with
//! back-offs of at most `backoff_max_secs` (or a Retry-After of at most
//! `max_retry_after_secs`) between them; plus, once per site and TTL, one robots.txt
//! attempt bounded by `total_timeout_secs`. Memory per fetch is at most
//! `max_body_bytes` for the body plus its decoded text.
//!
//! # What the caller keeps
//! In-memory caches (robots.txt verdicts, per-host slots) grow by one small entry per
//! site contacted, which suits a configured list of sources, not an open web crawl.
//!
//! # Example
//! ```no_run
//! # async fn demo() -> Result<(), waspada_fetch::FetchError> {
//! use waspada_fetch::{FetchConfig, FetchOutcome, Fetcher, Validators};
//! let fetcher = Fetcher::new(&FetchConfig::default())?;
//! match fetcher.fetch("https://news.example/rss", &Validators::default()).await? {
//!     FetchOutcome::Fetched(resp) => {
//!         let items = waspada_fetch::parse_feed(&resp.body_bytes, Some(&resp.final_url));
//!         // store resp.validators for the next poll
//!         # let _ = items;
//!     }
//!     FetchOutcome::NotModified { .. } => {}
//! }
//! # Ok(()) }
//! ```

mod canonical;
mod config;
mod error;
mod feed;
mod fetcher;
mod net;
mod robots;

pub use canonical::canonical_url;
pub use config::FetchConfig;
pub use error::FetchError;
pub use feed::{FeedError, FeedItem, fuzz_parse_feed, html_to_text, parse_feed};
pub use fetcher::{FetchOutcome, Fetcher, Response, Validators};
pub use net::AddressClass;
pub use robots::Robots;
