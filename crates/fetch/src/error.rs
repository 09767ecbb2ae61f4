//! Fetch failures, each with a message an analyst can act on.

use std::time::Duration;

use crate::net::AddressClass;

/// Formats a duration the way people say it: "10 s", "0.3 s", "2 min".
pub(crate) fn human(d: &Duration) -> String {
    let s = d.as_secs_f64();
    if s >= 120.0 {
        format!("{:.0} min", s / 60.0)
    } else if s >= 10.0 || s.fract() == 0.0 {
        format!("{s:.0} s")
    } else {
        format!("{s:.1} s")
    }
}

/// Formats a byte count: "8 MiB", "512 KiB", "300 bytes".
pub(crate) fn human_bytes(n: &u64) -> String {
    const MIB: u64 = 1024 * 1024;
    if n.is_multiple_of(MIB) && *n >= MIB {
        format!("{} MiB", n / MIB)
    } else if n.is_multiple_of(1024) && *n >= 1024 {
        format!("{} KiB", n / 1024)
    } else {
        format!("{n} bytes")
    }
}

fn refused(host: &str, ip: &std::net::IpAddr, class: &AddressClass) -> String {
    if host.trim_matches(['[', ']']) == ip.to_string() {
        format!("{ip} is {}", class.describe())
    } else {
        format!("{host} resolves to {ip}, {}", class.describe())
    }
}

fn attempts_note(attempts: u32) -> String {
    if attempts > 1 {
        format!(" (after {attempts} attempts)")
    } else {
        String::new()
    }
}

/// Why a fetch failed. Every variant is final for this call: retries have already
/// happened inside [`crate::Fetcher::fetch`].
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum FetchError {
    /// The configuration is unusable.
    #[error("fetch configuration: {reason}")]
    Config {
        /// What is wrong.
        reason: String,
    },
    /// The URL cannot be fetched as written.
    #[error("not a fetchable URL: {url} ({reason})")]
    InvalidUrl {
        /// The URL as given.
        url: String,
        /// Why.
        reason: String,
    },
    /// The target address is in a refused range (see `allow_private_addresses`,
    /// `allow_link_local`). No connection was attempted.
    #[error("refused: {}", refused(.host, .ip, .class))]
    RefusedAddress {
        /// Host name or literal from the URL.
        host: String,
        /// The refused address.
        ip: std::net::IpAddr,
        /// Its class.
        class: AddressClass,
    },
    /// robots.txt of the site forbids this URL for our user agent. No request to the
    /// page was made.
    #[error("robots.txt of {host} does not allow us to fetch {url}")]
    DisallowedByRobots {
        /// The host.
        host: String,
        /// The forbidden URL.
        url: String,
    },
    /// robots.txt could not be read (server error or unreachable); per RFC 9309 the
    /// whole site counts as disallowed until it can be read.
    #[error(
        "robots.txt of {host} could not be read ({reason}); not fetching from this site until it can, try again later"
    )]
    RobotsUnavailable {
        /// The host.
        host: String,
        /// What went wrong with robots.txt.
        reason: String,
    },
    /// No connection within the connect timeout.
    #[error("could not connect to {host} within {}", human(.after))]
    ConnectTimeout {
        /// The host.
        host: String,
        /// The configured bound.
        after: Duration,
    },
    /// The connection failed (refused, reset, DNS failure, TLS error).
    #[error("could not connect to {host}: {reason}")]
    Connect {
        /// The host.
        host: String,
        /// The cause as reported by the system.
        reason: String,
    },
    /// The server stopped sending data for longer than the read timeout.
    #[error("timed out after {} waiting for data from {host}", human(.after))]
    ReadTimeout {
        /// The host.
        host: String,
        /// The configured bound.
        after: Duration,
    },
    /// The whole request took longer than the total timeout (e.g. a server trickling
    /// bytes slowly).
    #[error("gave up after {}: {host} was too slow to send the whole response", human(.after))]
    TotalTimeout {
        /// The host.
        host: String,
        /// The configured bound.
        after: Duration,
    },
    /// The body exceeds the size cap; reading stopped there.
    #[error("body larger than {} at {url}", human_bytes(.limit))]
    BodyTooLarge {
        /// The URL.
        url: String,
        /// The configured cap in bytes.
        limit: u64,
    },
    /// More redirects than allowed.
    #[error("more than {limit} redirects starting from {url}")]
    TooManyRedirects {
        /// The URL first requested.
        url: String,
        /// The configured limit.
        limit: u32,
    },
    /// A redirect leads back to a URL already visited.
    #[error("redirect loop starting at {url}: {chain}")]
    RedirectLoop {
        /// The URL first requested.
        url: String,
        /// The hops, separated by " -> ".
        chain: String,
    },
    /// A redirect without a usable `Location`.
    #[error("bad redirect from {url}: {reason}")]
    BadRedirect {
        /// Where the redirect came from.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The server answered with an error status (4xx, or 5xx after all retries).
    #[error("{url} answered HTTP {status}{}", attempts_note(*.attempts))]
    HttpStatus {
        /// The URL.
        url: String,
        /// The status code.
        status: u16,
        /// Attempts made.
        attempts: u32,
    },
    /// The server asked us (Retry-After) to wait longer than `max_retry_after_secs`.
    #[error("{url} answered HTTP {status} and asked to wait {} (until {retry_at}), more than the {} we wait; try again after {retry_at}", human(.wait), human(.limit))]
    RetryLater {
        /// The URL.
        url: String,
        /// 429 or 503.
        status: u16,
        /// How long the server asked us to wait.
        wait: Duration,
        /// The configured maximum.
        limit: Duration,
        /// When to try again, as an HTTP date (e.g. "Fri, 27 Nov 2026 05:00:00 GMT").
        retry_at: String,
    },
    /// Retries of a transient failure ran out; `last` is the final failure.
    #[error("gave up after {attempts} attempts: {last}")]
    GaveUp {
        /// Attempts made.
        attempts: u32,
        /// The last failure.
        last: Box<FetchError>,
    },
    /// Any other transport failure.
    #[error("request to {url} failed: {reason}")]
    Transport {
        /// The URL.
        url: String,
        /// The cause.
        reason: String,
    },
}

impl FetchError {
    /// Whether trying the same URL later may succeed (timeouts, 5xx, robots
    /// unavailable, Retry-After); `false` for refusals, robots disallow, 4xx, size.
    pub fn is_temporary(&self) -> bool {
        match self {
            FetchError::GaveUp { last, .. } => last.is_temporary(),
            FetchError::HttpStatus { status, .. } => {
                *status >= 500 || *status == 429 || *status == 408
            }
            FetchError::RobotsUnavailable { .. }
            | FetchError::ConnectTimeout { .. }
            | FetchError::Connect { .. }
            | FetchError::ReadTimeout { .. }
            | FetchError::TotalTimeout { .. }
            | FetchError::RetryLater { .. }
            | FetchError::Transport { .. } => true,
            _ => false,
        }
    }

    /// The HTTP status the server answered, when the failure is one (after retries: the
    /// last answer); `None` when no answer came (timeouts, refusals, robots.txt).
    pub fn status(&self) -> Option<u16> {
        match self {
            FetchError::GaveUp { last, .. } => last.status(),
            FetchError::HttpStatus { status, .. } | FetchError::RetryLater { status, .. } => {
                Some(*status)
            }
            _ => None,
        }
    }

    /// Retry once more within the same fetch? Connect errors and timeouts only; HTTP
    /// statuses are decided where the response is seen.
    pub(crate) fn retryable(&self) -> bool {
        matches!(
            self,
            FetchError::ConnectTimeout { .. }
                | FetchError::Connect { .. }
                | FetchError::ReadTimeout { .. }
                | FetchError::TotalTimeout { .. }
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_is_the_servers_last_answer_if_any() {
        let answered = |status| FetchError::HttpStatus {
            url: "https://x.example/rss".into(),
            status,
            attempts: 3,
        };
        assert_eq!(answered(404).status(), Some(404));
        let gave_up = FetchError::GaveUp {
            attempts: 3,
            last: Box::new(answered(503)),
        };
        assert_eq!(gave_up.status(), Some(503));
        let silent = FetchError::Transport {
            url: "https://x.example/rss".into(),
            reason: "connection reset".into(),
        };
        assert_eq!(silent.status(), None);
    }
}
