//! The fetcher: one reqwest client plus per-host politeness state.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use reqwest::header::{self, HeaderMap};
use serde::{Deserialize, Serialize};
use url::{Host, Url};

use crate::config::Settings;
use crate::error::human;
use crate::net::{AddressPolicy, GuardedResolver, Refusal};
use crate::robots::Robots;
use crate::{FetchConfig, FetchError};

/// Largest robots.txt we read; RFC 9309 asks crawlers to parse at least 500 KiB and
/// the rest is ignored.
const ROBOTS_MAX_BYTES: u64 = 512 * 1024;

/// Cache validators from a previous fetch of the same URL, sent back as
/// `If-None-Match` / `If-Modified-Since`. The store persists them per URL.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Validators {
    /// The `ETag` header value, verbatim.
    pub etag: Option<String>,
    /// The `Last-Modified` header value, verbatim (an HTTP date).
    pub last_modified: Option<String>,
}

/// A successfully fetched page or feed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Response {
    /// The URL after redirects.
    pub final_url: String,
    /// HTTP status (2xx).
    pub status: u16,
    /// The `Content-Type` header, if any.
    pub content_type: Option<String>,
    /// Validators to store for the next conditional GET.
    pub validators: Validators,
    /// Wall time of the whole fetch in milliseconds (waits, retries and redirects included).
    pub elapsed_ms: u64,
    /// The body decoded to UTF-8: header charset when it fits the bytes, else the
    /// page's `<meta charset>`, else windows-1252 (see `waspada_ingest::html::decode_bytes`).
    pub body_text: String,
    /// The body as received (after gzip). Feeds should be parsed from these bytes,
    /// because an XML feed may declare its own encoding. Not serialised.
    #[serde(skip)]
    pub body_bytes: Vec<u8>,
}

/// What a fetch produced.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum FetchOutcome {
    /// New content.
    Fetched(Response),
    /// The server answered 304: what we have is current.
    NotModified {
        /// The URL after redirects.
        final_url: String,
        /// Validators to keep (updated if the 304 carried new ones).
        validators: Validators,
    },
}

/// Fetches pages and feeds politely and safely. Cheap to clone; clones share the
/// connection pool, the robots.txt cache and the per-host rate limits, so create one
/// per process and hand out clones.
#[derive(Clone)]
pub struct Fetcher {
    inner: Arc<Inner>,
}

struct Inner {
    client: reqwest::Client,
    s: Settings,
    policy: AddressPolicy,
    /// Per host (name, no port): when the next request may start, and the
    /// robots.txt Crawl-delay in force.
    hosts: Mutex<HashMap<String, Arc<HostSlot>>>,
    /// Per origin (scheme, host, port): the robots.txt verdict and when it was read.
    robots: Mutex<HashMap<String, Arc<RobotsCell>>>,
}

/// A site's robots.txt verdict and when it was read; the async lock is held while
/// robots.txt is being fetched.
type RobotsCell = tokio::sync::Mutex<Option<(Instant, RobotsEntry)>>;

#[derive(Default)]
struct HostSlot {
    next: tokio::sync::Mutex<Option<Instant>>,
    crawl_delay: Mutex<Duration>,
}

#[derive(Clone)]
enum RobotsEntry {
    Rules(Robots),
    Unavailable(String),
}

/// Per-call options that differ between page and robots.txt requests.
#[derive(Clone, Copy)]
struct Opts {
    robots: bool,
    max_retries: u32,
    body_limit: u64,
    /// Cut the body at the limit instead of failing (robots.txt).
    truncate: bool,
}

/// One request attempt's result, before redirect and retry decisions.
enum Attempt {
    Redirect {
        status: u16,
        location: Option<String>,
    },
    NotModified(HeaderMap),
    Body {
        status: u16,
        headers: HeaderMap,
        bytes: Vec<u8>,
    },
    Status {
        status: u16,
        retry_after: Option<Duration>,
    },
}

impl Fetcher {
    /// Builds a fetcher; fails only on an unusable configuration.
    pub fn new(config: &FetchConfig) -> Result<Fetcher, FetchError> {
        let s = config.settings()?;
        let policy = AddressPolicy {
            allow_private: config.allow_private_addresses,
            allow_link_local: config.allow_link_local,
        };
        let client = reqwest::Client::builder()
            .user_agent(s.user_agent.clone())
            .connect_timeout(s.connect_timeout)
            .read_timeout(s.read_timeout)
            // Redirects are followed by hand so that every hop gets the address,
            // robots and rate-limit checks.
            .redirect(reqwest::redirect::Policy::none())
            .retry(reqwest::retry::never())
            .no_proxy()
            .referer(false)
            .dns_resolver(Arc::new(GuardedResolver { policy }))
            .build()
            .map_err(|e| FetchError::Config {
                reason: format!("HTTP client: {e}"),
            })?;
        Ok(Fetcher {
            inner: Arc::new(Inner {
                client,
                s,
                policy,
                hosts: Mutex::new(HashMap::new()),
                robots: Mutex::new(HashMap::new()),
            }),
        })
    }

    /// Fetches `url` with a conditional GET using `validators` (pass
    /// `&Validators::default()` the first time).
    ///
    /// Checks the target address, robots.txt and the host's rate limit before every
    /// request (redirect hops included), retries transient failures with back-off,
    /// and returns the decoded body or [`FetchOutcome::NotModified`].
    pub async fn fetch(
        &self,
        url: &str,
        validators: &Validators,
    ) -> Result<FetchOutcome, FetchError> {
        let url = Url::parse(url.trim()).map_err(|e| FetchError::InvalidUrl {
            url: url.to_owned(),
            reason: e.to_string(),
        })?;
        let opts = Opts {
            robots: self.inner.s.obey_robots,
            max_retries: self.inner.s.max_retries,
            body_limit: self.inner.s.max_body_bytes,
            truncate: false,
        };
        self.inner.get(url, validators, opts).await
    }
}

impl Inner {
    async fn get(
        &self,
        url: Url,
        validators: &Validators,
        opts: Opts,
    ) -> Result<FetchOutcome, FetchError> {
        let started = Instant::now();
        let first = url.to_string();
        let mut chain = vec![first.clone()];
        let mut current = url;
        loop {
            self.check_target(&current)?;
            if opts.robots {
                self.check_robots(&current).await?;
            }
            match self.with_retries(&current, validators, opts).await? {
                Attempt::Redirect { status, location } => {
                    let location = location.ok_or_else(|| FetchError::BadRedirect {
                        url: current.to_string(),
                        reason: format!("HTTP {status} without a Location header"),
                    })?;
                    let next =
                        current
                            .join(location.trim())
                            .map_err(|e| FetchError::BadRedirect {
                                url: current.to_string(),
                                reason: format!("Location {location:?} is not a URL ({e})"),
                            })?;
                    let mut next_str = next.to_string();
                    if chain.contains(&next_str) {
                        next_str.insert_str(0, " -> ");
                        return Err(FetchError::RedirectLoop {
                            url: first,
                            chain: chain.join(" -> ") + &next_str,
                        });
                    }
                    if chain.len() > self.s.max_redirects as usize {
                        return Err(FetchError::TooManyRedirects {
                            url: first,
                            limit: self.s.max_redirects,
                        });
                    }
                    tracing::debug!(from = %current, to = %next, status, "redirect");
                    chain.push(next_str);
                    current = next;
                }
                Attempt::NotModified(headers) => {
                    let new = validators_of(&headers);
                    return Ok(FetchOutcome::NotModified {
                        final_url: current.to_string(),
                        validators: Validators {
                            etag: new.etag.or_else(|| validators.etag.clone()),
                            last_modified: new
                                .last_modified
                                .or_else(|| validators.last_modified.clone()),
                        },
                    });
                }
                Attempt::Body {
                    status,
                    headers,
                    bytes,
                } => {
                    let content_type = headers
                        .get(header::CONTENT_TYPE)
                        .and_then(|v| v.to_str().ok())
                        .map(str::to_owned);
                    let body_text = decode_body(&bytes, content_type.as_deref());
                    return Ok(FetchOutcome::Fetched(Response {
                        final_url: current.to_string(),
                        status,
                        content_type,
                        validators: validators_of(&headers),
                        elapsed_ms: started.elapsed().as_millis().try_into().unwrap_or(u64::MAX),
                        body_text,
                        body_bytes: bytes,
                    }));
                }
                Attempt::Status { status, .. } => {
                    return Err(FetchError::HttpStatus {
                        url: current.to_string(),
                        status,
                        attempts: 1,
                    });
                }
            }
        }
    }

    /// Scheme and literal-IP checks, done before any connection.
    fn check_target(&self, url: &Url) -> Result<(), FetchError> {
        if !matches!(url.scheme(), "http" | "https") {
            return Err(FetchError::InvalidUrl {
                url: url.to_string(),
                reason: format!("only http and https are fetched, not {}", url.scheme()),
            });
        }
        let ip = match url.host() {
            Some(Host::Ipv4(ip)) => std::net::IpAddr::V4(ip),
            Some(Host::Ipv6(ip)) => std::net::IpAddr::V6(ip),
            Some(Host::Domain(_)) => return Ok(()),
            None => {
                return Err(FetchError::InvalidUrl {
                    url: url.to_string(),
                    reason: "no host".into(),
                });
            }
        };
        self.policy
            .check(ip)
            .map_err(|class| FetchError::RefusedAddress {
                host: url.host_str().unwrap_or_default().to_owned(),
                ip,
                class,
            })
    }

    async fn check_robots(&self, url: &Url) -> Result<(), FetchError> {
        let origin = url.origin().ascii_serialization();
        let host = url.host_str().unwrap_or_default().to_owned();
        let cell = {
            let mut map = self.robots.lock().unwrap_or_else(|p| p.into_inner());
            map.entry(origin.clone()).or_default().clone()
        };
        // Held while robots.txt is fetched, so concurrent fetches to one site wait
        // for a single robots request instead of each making their own.
        let mut guard = cell.lock().await;
        let fresh = guard.as_ref().is_some_and(|(at, entry)| {
            let ttl = match entry {
                RobotsEntry::Rules(_) => self.s.robots_ttl,
                RobotsEntry::Unavailable(_) => self.s.robots_error_ttl,
            };
            at.elapsed() < ttl
        });
        if !fresh {
            let entry = self.load_robots(&origin).await?;
            if let RobotsEntry::Rules(r) = &entry {
                let delay = r
                    .crawl_delay()
                    .and_then(|d| Duration::try_from_secs_f64(d).ok())
                    .unwrap_or_default()
                    .min(self.s.max_crawl_delay);
                *self
                    .host_slot(&host)
                    .crawl_delay
                    .lock()
                    .unwrap_or_else(|p| p.into_inner()) = delay;
            }
            *guard = Some((Instant::now(), entry));
        }
        match guard.as_ref().map(|(_, e)| e) {
            Some(RobotsEntry::Rules(r)) => {
                let mut path = url.path().to_owned();
                if let Some(q) = url.query() {
                    path.push('?');
                    path.push_str(q);
                }
                if r.allowed(&path) {
                    Ok(())
                } else {
                    Err(FetchError::DisallowedByRobots {
                        host,
                        url: url.to_string(),
                    })
                }
            }
            Some(RobotsEntry::Unavailable(reason)) => Err(FetchError::RobotsUnavailable {
                host,
                reason: reason.clone(),
            }),
            None => Ok(()),
        }
    }

    /// Reads robots.txt per RFC 9309: 2xx gives rules; 4xx (404 included) or a
    /// redirect chain that goes nowhere means "no rules"; 5xx or no answer means the
    /// site is closed to us until it answers (cached for `robots_error_ttl_secs`).
    async fn load_robots(&self, origin: &str) -> Result<RobotsEntry, FetchError> {
        let robots_url =
            Url::parse(&format!("{origin}/robots.txt")).map_err(|e| FetchError::InvalidUrl {
                url: origin.to_owned(),
                reason: e.to_string(),
            })?;
        let opts = Opts {
            robots: false,
            max_retries: 0,
            body_limit: ROBOTS_MAX_BYTES,
            truncate: true,
        };
        let result = Box::pin(self.get(robots_url, &Validators::default(), opts)).await;
        let entry = match result {
            Ok(FetchOutcome::Fetched(r)) => {
                RobotsEntry::Rules(Robots::parse(&r.body_text, &self.s.robots_token))
            }
            Ok(FetchOutcome::NotModified { .. }) => RobotsEntry::Rules(Robots::allow_all()),
            Err(FetchError::HttpStatus { status, .. })
                if (400..500).contains(&status) && status != 429 =>
            {
                RobotsEntry::Rules(Robots::allow_all())
            }
            Err(
                FetchError::TooManyRedirects { .. }
                | FetchError::RedirectLoop { .. }
                | FetchError::BadRedirect { .. },
            ) => RobotsEntry::Rules(Robots::allow_all()),
            Err(
                e @ (FetchError::RefusedAddress { .. }
                | FetchError::InvalidUrl { .. }
                | FetchError::Config { .. }),
            ) => {
                return Err(e);
            }
            Err(e) => RobotsEntry::Unavailable(e.to_string()),
        };
        if let RobotsEntry::Unavailable(reason) = &entry {
            tracing::warn!(%origin, %reason, "robots.txt unavailable; site closed until it can be read");
        }
        Ok(entry)
    }

    fn host_slot(&self, host: &str) -> Arc<HostSlot> {
        let mut map = self.hosts.lock().unwrap_or_else(|p| p.into_inner());
        map.entry(host.to_owned()).or_default().clone()
    }

    /// Waits until this host may receive another request and books the next slot.
    async fn wait_turn(&self, host: &str) {
        let slot = self.host_slot(host);
        // Holding the (fair, FIFO) lock while sleeping queues other requests to this host.
        let mut next = slot.next.lock().await;
        if let Some(at) = *next {
            tokio::time::sleep_until(at.into()).await;
        }
        let delay = self
            .s
            .min_host_delay
            .max(*slot.crawl_delay.lock().unwrap_or_else(|p| p.into_inner()));
        *next = Some(Instant::now() + delay);
    }

    async fn with_retries(
        &self,
        url: &Url,
        validators: &Validators,
        opts: Opts,
    ) -> Result<Attempt, FetchError> {
        let mut attempts = 0u32;
        loop {
            attempts += 1;
            let wait = match self.attempt(url, validators, opts).await {
                Ok(Attempt::Status {
                    status,
                    retry_after,
                }) if is_retryable_status(status) => {
                    if let Some(wait) = retry_after.filter(|_| status == 429 || status == 503)
                        && wait > self.s.max_retry_after
                    {
                        let retry_at = httpdate::fmt_http_date(SystemTime::now() + wait);
                        return Err(FetchError::RetryLater {
                            url: url.to_string(),
                            status,
                            wait,
                            limit: self.s.max_retry_after,
                            retry_at,
                        });
                    }
                    if attempts > opts.max_retries {
                        return Err(FetchError::HttpStatus {
                            url: url.to_string(),
                            status,
                            attempts,
                        });
                    }
                    retry_after.unwrap_or_else(|| self.backoff(attempts))
                }
                Ok(Attempt::Status { status, .. }) => {
                    return Err(FetchError::HttpStatus {
                        url: url.to_string(),
                        status,
                        attempts,
                    });
                }
                Ok(done) => return Ok(done),
                Err(e) if e.retryable() && attempts <= opts.max_retries => self.backoff(attempts),
                Err(e) if e.retryable() && attempts > 1 => {
                    return Err(FetchError::GaveUp {
                        attempts,
                        last: Box::new(e),
                    });
                }
                Err(e) => return Err(e),
            };
            tracing::info!(%url, attempt = attempts, wait = %human(&wait), "retrying");
            tokio::time::sleep(wait).await;
        }
    }

    /// Exponential back-off with jitter: base·2^(n-1), capped, times a random factor
    /// in [0.5, 1) so that many fetchers do not retry in lock-step.
    fn backoff(&self, attempt: u32) -> Duration {
        let exp = self
            .s
            .backoff_base
            .saturating_mul(1u32 << attempt.saturating_sub(1).min(20));
        exp.min(self.s.backoff_max)
            .mul_f64(0.5 + fastrand::f64() / 2.0)
    }

    /// One request: rate-limit wait, then request and body, bounded by the total timeout.
    async fn attempt(
        &self,
        url: &Url,
        validators: &Validators,
        opts: Opts,
    ) -> Result<Attempt, FetchError> {
        let host = url.host_str().unwrap_or_default().to_owned();
        self.wait_turn(&host).await;
        tracing::debug!(%url, "request");
        match tokio::time::timeout(
            self.s.total_timeout,
            self.request(url, &host, validators, opts),
        )
        .await
        {
            Ok(result) => result,
            Err(_) => Err(FetchError::TotalTimeout {
                host,
                after: self.s.total_timeout,
            }),
        }
    }

    async fn request(
        &self,
        url: &Url,
        host: &str,
        validators: &Validators,
        opts: Opts,
    ) -> Result<Attempt, FetchError> {
        let mut req = self.client.get(url.clone()).header(
            header::ACCEPT,
            "text/html,application/xhtml+xml,application/rss+xml,application/atom+xml,application/feed+json,application/xml;q=0.9,*/*;q=0.8",
        );
        if let Some(etag) = &validators.etag {
            req = req.header(header::IF_NONE_MATCH, etag.as_str());
        }
        if let Some(lm) = &validators.last_modified {
            req = req.header(header::IF_MODIFIED_SINCE, lm.as_str());
        }
        let mut resp = req.send().await.map_err(|e| self.map_err(e, url, host))?;
        let status = resp.status().as_u16();
        if resp.status().is_redirection() && status != 304 {
            let location = resp
                .headers()
                .get(header::LOCATION)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned);
            return Ok(Attempt::Redirect { status, location });
        }
        if status == 304 {
            return Ok(Attempt::NotModified(resp.headers().clone()));
        }
        if !resp.status().is_success() {
            let retry_after = resp
                .headers()
                .get(header::RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .and_then(parse_retry_after);
            return Ok(Attempt::Status {
                status,
                retry_after,
            });
        }
        let too_large = || FetchError::BodyTooLarge {
            url: url.to_string(),
            limit: opts.body_limit,
        };
        if !opts.truncate && resp.content_length().is_some_and(|n| n > opts.body_limit) {
            return Err(too_large());
        }
        let headers = resp.headers().clone();
        let mut bytes: Vec<u8> = Vec::new();
        let limit = usize::try_from(opts.body_limit).unwrap_or(usize::MAX);
        loop {
            let chunk = match tokio::time::timeout(self.s.read_timeout, resp.chunk()).await {
                Err(_) => {
                    return Err(FetchError::ReadTimeout {
                        host: host.to_owned(),
                        after: self.s.read_timeout,
                    });
                }
                Ok(Err(e)) => return Err(self.map_err(e, url, host)),
                Ok(Ok(None)) => break,
                Ok(Ok(Some(c))) => c,
            };
            if bytes.len() + chunk.len() > limit {
                if opts.truncate {
                    bytes.extend_from_slice(&chunk[..limit - bytes.len()]);
                    break;
                }
                return Err(too_large());
            }
            bytes.extend_from_slice(&chunk);
        }
        Ok(Attempt::Body {
            status,
            headers,
            bytes,
        })
    }

    fn map_err(&self, e: reqwest::Error, url: &Url, host: &str) -> FetchError {
        let mut source: Option<&(dyn std::error::Error + 'static)> = Some(&e);
        let mut innermost = e.to_string();
        while let Some(s) = source {
            if let Some(r) = s.downcast_ref::<Refusal>() {
                return FetchError::RefusedAddress {
                    host: r.host.clone(),
                    ip: r.ip,
                    class: r.class,
                };
            }
            innermost = s.to_string();
            source = s.source();
        }
        let host = host.to_owned();
        if e.is_timeout() {
            if e.is_connect() {
                FetchError::ConnectTimeout {
                    host,
                    after: self.s.connect_timeout,
                }
            } else {
                FetchError::ReadTimeout {
                    host,
                    after: self.s.read_timeout,
                }
            }
        } else if e.is_connect() {
            FetchError::Connect {
                host,
                reason: innermost,
            }
        } else {
            FetchError::Transport {
                url: url.to_string(),
                reason: innermost,
            }
        }
    }
}

fn is_retryable_status(status: u16) -> bool {
    status == 429 || status == 408 || (500..600).contains(&status) && status != 501
}

/// `Retry-After` as seconds or an HTTP date; a date in the past means "now".
fn parse_retry_after(value: &str) -> Option<Duration> {
    let v = value.trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = httpdate::parse_http_date(v).ok()?;
    Some(at.duration_since(SystemTime::now()).unwrap_or_default())
}

fn validators_of(headers: &HeaderMap) -> Validators {
    let get = |name| {
        headers
            .get(name)
            .and_then(|v: &header::HeaderValue| v.to_str().ok())
            .map(str::to_owned)
    };
    Validators {
        etag: get(header::ETAG),
        last_modified: get(header::LAST_MODIFIED),
    }
}

/// Decodes a body: the header charset if the bytes are valid in it, else (a header
/// that is provably wrong, or none) the page's own `<meta charset>`, else windows-1252.
/// A header naming a single-byte charset can never be proven wrong and is trusted.
pub(crate) fn decode_body(bytes: &[u8], content_type: Option<&str>) -> String {
    let declared = content_type.and_then(charset_param);
    let trusted = declared.filter(|label| {
        encoding_rs::Encoding::for_label(label.as_bytes()).is_some_and(|enc| {
            let (_, _, had_errors) = enc.decode(bytes);
            !had_errors
        })
    });
    waspada_ingest::html::decode_bytes(bytes, trusted)
}

fn charset_param(content_type: &str) -> Option<&str> {
    content_type.split(';').skip(1).find_map(|p| {
        let (k, v) = p.split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case("charset")
            .then(|| v.trim().trim_matches('"'))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_forms() {
        assert_eq!(parse_retry_after("120"), Some(Duration::from_secs(120)));
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"),
            Some(Duration::ZERO)
        );
        let future = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(3600));
        let d = parse_retry_after(&future).unwrap();
        assert!(d > Duration::from_secs(3500) && d <= Duration::from_secs(3600));
        assert_eq!(parse_retry_after("soon"), None);
    }

    #[test]
    fn charset_header_checked_against_bytes() {
        // "Kesehatan café" in windows-1252, with a header that wrongly claims UTF-8.
        let bytes =
            b"<html><head><meta charset=\"windows-1252\"></head><body>caf\xe9</body></html>";
        let text = decode_body(bytes, Some("text/html; charset=UTF-8"));
        assert!(text.contains("café"), "{text}");
        assert_eq!(
            charset_param("text/html; Charset=\"iso-8859-1\""),
            Some("iso-8859-1")
        );
        assert_eq!(charset_param("text/html"), None);
    }
}
