//! Signed webhooks.
//!
//! Each alert is one `POST` of a JSON document (or a CAP 1.2 `<alert>`, when the
//! subscription asks for `cap`) with three headers:
//!
//! - `X-Waspada-Timestamp`: Unix seconds when the request was signed;
//! - `X-Waspada-Signature`: `sha256=` and the lower-case hex HMAC-SHA256, keyed with the
//!   subscription's secret, of the timestamp, a `.`, and the raw body bytes;
//! - `X-Waspada-Delivery`: the alert id. Delivery is **at least once**: the same id can
//!   arrive twice (after a timeout, or a crash between sending and recording), so
//!   receivers should ignore ids they have already processed.
//!
//! **Verifying, on the receiver:** read the raw body (before any JSON parsing), compute
//! `HMAC-SHA256(secret, timestamp + "." + body)`, compare it with the hex after `sha256=`
//! in constant time, and reject the request when the timestamp is more than five minutes
//! from your clock. Signing the timestamp with the body is what stops replays: an old
//! request re-sent later carries an old timestamp, and changing it breaks the signature.
//! This is the scheme Stripe and Slack use, so receivers can reuse their code.
//!
//! Retries: a 2xx is delivered; 5xx, 408, 429 and network errors or timeouts are tried
//! again with exponential back-off; any other status (4xx: the receiver refuses, 3xx:
//! the URL moved) fails for good, because sending the same request again cannot help.

use std::time::Duration;

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// Header with the signing time (Unix seconds).
pub const TIMESTAMP_HEADER: &str = "X-Waspada-Timestamp";
/// Header with `sha256=<hex>`.
pub const SIGNATURE_HEADER: &str = "X-Waspada-Signature";
/// Header with the alert id (for de-duplication by the receiver).
pub const DELIVERY_HEADER: &str = "X-Waspada-Delivery";

/// Hex HMAC-SHA256 of `timestamp.body` under `secret`.
pub fn signature(secret: &[u8], timestamp: i64, body: &[u8]) -> String {
    // HMAC accepts keys of any length; the error branch cannot happen.
    let mut mac = match Hmac::<Sha256>::new_from_slice(secret) {
        Ok(m) => m,
        Err(_) => return String::new(),
    };
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    hex(&mac.finalize().into_bytes())
}

/// Checks a received signature header (`sha256=<hex>`) in constant time, and that the
/// timestamp is within `tolerance_secs` of `now_secs`. What a receiver does; used in
/// tests and offered to Rust receivers.
pub fn verify(
    secret: &[u8],
    timestamp: i64,
    body: &[u8],
    header: &str,
    now_secs: i64,
    tolerance_secs: i64,
) -> bool {
    let Some(hex_sig) = header.strip_prefix("sha256=") else {
        return false;
    };
    let Some(given) = unhex(hex_sig) else {
        return false;
    };
    if (now_secs - timestamp).abs() > tolerance_secs {
        return false;
    }
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret) else {
        return false;
    };
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    mac.verify_slice(&given).is_ok()
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[(b >> 4) as usize] as char);
        s.push(DIGITS[(b & 15) as usize] as char);
    }
    s
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

/// Lower-case hex of random bytes from the operating system: feed tokens and webhook
/// secrets (`bytes` = 32 gives 256 bits).
pub fn random_token(bytes: usize) -> Result<String, getrandom::Error> {
    let mut buf = vec![0u8; bytes];
    getrandom::fill(&mut buf)?;
    Ok(hex(&buf))
}

/// How one POST ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PostOutcome {
    /// 2xx.
    Delivered,
    /// Worth trying again (5xx, 408, 429, network error, timeout).
    Transient(String),
    /// Trying again cannot help (other 4xx, 3xx).
    Permanent(String),
}

/// An HTTP client for webhooks: no redirects (a moved receiver is a configuration
/// error), a total timeout per request.
pub fn client(timeout: Duration) -> Result<reqwest::Client, reqwest::Error> {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(timeout)
        .user_agent(concat!("Waspada/", env!("CARGO_PKG_VERSION"), " (alerts)"))
        .build()
}

/// Signs and POSTs `body` once.
pub async fn post(
    client: &reqwest::Client,
    url: &str,
    secret: &str,
    delivery_id: i64,
    content_type: &str,
    body: Vec<u8>,
    now_secs: i64,
) -> PostOutcome {
    let sig = signature(secret.as_bytes(), now_secs, &body);
    let result = client
        .post(url)
        .header("Content-Type", content_type)
        .header(TIMESTAMP_HEADER, now_secs.to_string())
        .header(SIGNATURE_HEADER, format!("sha256={sig}"))
        .header(DELIVERY_HEADER, delivery_id.to_string())
        .body(body)
        .send()
        .await;
    match result {
        Ok(r) => classify(r.status().as_u16()),
        Err(e) if e.is_builder() => PostOutcome::Permanent(format!("bad webhook URL: {e}")),
        Err(e) if e.is_timeout() => PostOutcome::Transient("timed out".into()),
        Err(e) => PostOutcome::Transient(format!("could not connect: {e}")),
    }
}

/// What an HTTP status means for a webhook.
pub fn classify(status: u16) -> PostOutcome {
    match status {
        200..=299 => PostOutcome::Delivered,
        408 | 429 | 500..=599 => PostOutcome::Transient(format!("HTTP {status}")),
        _ => PostOutcome::Permanent(format!("HTTP {status} (not retried)")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verification_rejects_any_change_and_old_timestamps() {
        let s = signature(b"Jefe", 12, b"body");
        assert_eq!(s.len(), 64);
        assert!(verify(
            b"Jefe",
            12,
            b"body",
            &format!("sha256={s}"),
            12,
            300
        ));
        assert!(!verify(
            b"Jefe",
            12,
            b"bodY",
            &format!("sha256={s}"),
            12,
            300
        ));
        assert!(!verify(
            b"Jeff",
            12,
            b"body",
            &format!("sha256={s}"),
            12,
            300
        ));
        // Replayed later: the timestamp is outside the tolerance.
        assert!(!verify(
            b"Jefe",
            12,
            b"body",
            &format!("sha256={s}"),
            1000,
            300
        ));
        assert!(!verify(b"Jefe", 12, b"body", &s, 12, 300));
    }

    #[test]
    fn signature_is_hmac_sha256_of_timestamp_dot_body() {
        // RFC 4231 test case 2 pins the HMAC itself; then the message is "<ts>.<body>".
        let mut mac = Hmac::<Sha256>::new_from_slice(b"Jefe").unwrap();
        mac.update(b"what do ya want for nothing?");
        assert_eq!(
            hex(&mac.finalize().into_bytes()),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        let mut mac = Hmac::<Sha256>::new_from_slice(b"k").unwrap();
        mac.update(b"1700000000.{\"a\":1}");
        assert_eq!(
            hex(&mac.finalize().into_bytes()),
            signature(b"k", 1_700_000_000, b"{\"a\":1}")
        );
    }

    #[test]
    fn statuses_are_retried_only_when_retrying_can_help() {
        assert_eq!(classify(204), PostOutcome::Delivered);
        for s in [408, 429, 500, 502, 503] {
            assert!(matches!(classify(s), PostOutcome::Transient(_)), "{s}");
        }
        for s in [301, 400, 401, 403, 404, 410, 422] {
            assert!(matches!(classify(s), PostOutcome::Permanent(_)), "{s}");
        }
    }

    #[test]
    fn tokens_are_long_and_different() {
        let a = random_token(32).unwrap();
        let b = random_token(32).unwrap();
        assert_eq!(a.len(), 64);
        assert_ne!(a, b);
        assert_eq!(unhex(&a).map(|v| v.len()), Some(32));
    }
}
