//! Fetcher settings, read from the `[fetch]` table of `waspada.toml`.

use serde::{Deserialize, Serialize};
use std::time::Duration;

use crate::FetchError;

/// How the fetcher behaves. Every field has a default, so an empty table is valid.
/// Times are in seconds (fractions allowed) so that the config file reads naturally.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FetchConfig {
    /// Sent as `User-Agent`; its first word (before `/`) is the robots.txt token.
    pub user_agent: String,
    /// Seconds to establish a TCP (and TLS) connection.
    pub connect_timeout_secs: f64,
    /// Seconds without receiving any data (headers or body) before giving up.
    pub read_timeout_secs: f64,
    /// Seconds for one whole request attempt, body included.
    pub total_timeout_secs: f64,
    /// Largest body accepted, after decompression. Reading stops at this size.
    pub max_body_bytes: u64,
    /// Most redirects followed for one fetch.
    pub max_redirects: u32,
    /// Minimum seconds between two requests to the same host.
    pub min_host_delay_secs: f64,
    /// Upper bound on a robots.txt Crawl-delay we agree to honour.
    pub max_crawl_delay_secs: f64,
    /// Extra attempts after a connect error, timeout, 5xx or 429.
    pub max_retries: u32,
    /// First back-off in seconds; doubles each retry, with random jitter.
    pub backoff_base_secs: f64,
    /// Largest back-off between two attempts.
    pub backoff_max_secs: f64,
    /// Longest Retry-After we wait for; a longer one gives up with the retry time.
    pub max_retry_after_secs: f64,
    /// Obey robots.txt (keep on for real sources).
    pub obey_robots: bool,
    /// How long a fetched robots.txt is trusted.
    pub robots_ttl_secs: f64,
    /// How long an unreachable robots.txt keeps the host closed before we ask again.
    pub robots_error_ttl_secs: f64,
    /// Allow loopback and private-network addresses (127/8, 10/8, 172.16/12,
    /// 192.168/16, 100.64/10, ::1, fc00::/7). Off by default; tests and intranet
    /// sources turn it on.
    pub allow_private_addresses: bool,
    /// Allow link-local addresses and cloud metadata endpoints (169.254/16,
    /// fe80::/10, fd00:ec2::254). Almost never wanted.
    pub allow_link_local: bool,
}

impl Default for FetchConfig {
    fn default() -> Self {
        FetchConfig {
            user_agent: format!(
                "Waspada/{} (+https://example.invalid/waspada)",
                env!("CARGO_PKG_VERSION")
            ),
            connect_timeout_secs: 10.0,
            read_timeout_secs: 20.0,
            total_timeout_secs: 60.0,
            max_body_bytes: 8 * 1024 * 1024,
            max_redirects: 5,
            min_host_delay_secs: 1.0,
            max_crawl_delay_secs: 30.0,
            max_retries: 3,
            backoff_base_secs: 1.0,
            backoff_max_secs: 60.0,
            max_retry_after_secs: 300.0,
            obey_robots: true,
            robots_ttl_secs: 24.0 * 3600.0,
            robots_error_ttl_secs: 600.0,
            allow_private_addresses: false,
            allow_link_local: false,
        }
    }
}

/// The config with its times checked and converted.
#[derive(Debug, Clone)]
pub(crate) struct Settings {
    pub user_agent: String,
    pub robots_token: String,
    pub connect_timeout: Duration,
    pub read_timeout: Duration,
    pub total_timeout: Duration,
    pub max_body_bytes: u64,
    pub max_redirects: u32,
    pub min_host_delay: Duration,
    pub max_crawl_delay: Duration,
    pub max_retries: u32,
    pub backoff_base: Duration,
    pub backoff_max: Duration,
    pub max_retry_after: Duration,
    pub obey_robots: bool,
    pub robots_ttl: Duration,
    pub robots_error_ttl: Duration,
}

fn secs(name: &str, v: f64) -> Result<Duration, FetchError> {
    Duration::try_from_secs_f64(v).map_err(|_| FetchError::Config {
        reason: format!("{name} must be a number of seconds ≥ 0, not {v}"),
    })
}

impl FetchConfig {
    pub(crate) fn settings(&self) -> Result<Settings, FetchError> {
        let robots_token = self
            .user_agent
            .split(['/', ' '])
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        if robots_token.is_empty() {
            return Err(FetchError::Config {
                reason: "user_agent must start with a product name such as \"Waspada/1.0\"".into(),
            });
        }
        let positive = |name: &str, v: f64| {
            let d = secs(name, v)?;
            if d.is_zero() {
                return Err(FetchError::Config {
                    reason: format!("{name} must be more than 0 seconds"),
                });
            }
            Ok(d)
        };
        if self.max_body_bytes == 0 {
            return Err(FetchError::Config {
                reason: "max_body_bytes must be more than 0".into(),
            });
        }
        Ok(Settings {
            user_agent: self.user_agent.clone(),
            robots_token,
            connect_timeout: positive("connect_timeout_secs", self.connect_timeout_secs)?,
            read_timeout: positive("read_timeout_secs", self.read_timeout_secs)?,
            total_timeout: positive("total_timeout_secs", self.total_timeout_secs)?,
            max_body_bytes: self.max_body_bytes,
            max_redirects: self.max_redirects,
            min_host_delay: secs("min_host_delay_secs", self.min_host_delay_secs)?,
            max_crawl_delay: secs("max_crawl_delay_secs", self.max_crawl_delay_secs)?,
            max_retries: self.max_retries,
            backoff_base: secs("backoff_base_secs", self.backoff_base_secs)?,
            backoff_max: secs("backoff_max_secs", self.backoff_max_secs)?,
            max_retry_after: secs("max_retry_after_secs", self.max_retry_after_secs)?,
            obey_robots: self.obey_robots,
            robots_ttl: secs("robots_ttl_secs", self.robots_ttl_secs)?,
            robots_error_ttl: secs("robots_error_ttl_secs", self.robots_error_ttl_secs)?,
        })
    }
}
