//! The `[alerts]` section of `waspada.toml`.
//!
//! ```toml
//! [alerts]
//! base_url = "https://waspada.dinkes.example.go.id"  # links in messages
//! sender = "waspada@dinkes.example.go.id"            # CAP <sender>
//! max_attempts = 8
//!
//! [alerts.smtp]
//! host = "smtp.example.go.id"
//! port = 587                                # STARTTLS is required
//! user = "waspada"
//! password_env = "WASPADA_SMTP_PASSWORD"    # the password is read from this variable
//! from = "Waspada <waspada@dinkes.example.go.id>"
//! ```

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

/// Alert delivery settings.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AlertsConfig {
    /// The dashboard's public address, for links in messages and feeds.
    pub base_url: String,
    /// CAP `<sender>`: an address-like name without spaces.
    pub sender: String,
    /// Attempts before an alert is given up (marked `failed`).
    pub max_attempts: u32,
    /// First retry delay in seconds; each further retry doubles it.
    pub retry_base_secs: u64,
    /// Longest delay between retries, in seconds.
    pub retry_max_secs: u64,
    /// Hour (UTC) at which daily digests go out; 0 is 07:00 WIB.
    pub digest_hour_utc: u32,
    /// A new subscription receives signals raised at most this many days before now.
    pub lookback_days: u32,
    /// Timeout of one webhook request, in seconds.
    pub webhook_timeout_secs: u64,
    /// The mail server; without it, e-mail alerts wait (and `waspada alerts send` says so).
    pub smtp: Option<SmtpConfig>,
}

impl Default for AlertsConfig {
    fn default() -> Self {
        AlertsConfig {
            base_url: "http://127.0.0.1:8080".into(),
            sender: "waspada@localhost".into(),
            max_attempts: 8,
            retry_base_secs: 60,
            retry_max_secs: 6 * 3600,
            digest_hour_utc: 0,
            lookback_days: 30,
            webhook_timeout_secs: 10,
            smtp: None,
        }
    }
}

/// The mail server. Only STARTTLS with a verified certificate is used: credentials never
/// cross the network in clear.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmtpConfig {
    /// Host name (also the name the certificate must carry).
    pub host: String,
    /// Port: 587 (submission) by default.
    #[serde(default = "default_port")]
    pub port: u16,
    /// User name for AUTH; no AUTH when absent.
    pub user: Option<String>,
    /// The environment variable holding the password (never the password itself).
    #[serde(default = "default_password_env")]
    pub password_env: String,
    /// `From:` of every message.
    pub from: String,
    /// A PEM file of extra trusted CA certificates (an office's own CA).
    pub ca_file: Option<PathBuf>,
    /// Timeout of one SMTP conversation, in seconds.
    #[serde(default = "default_timeout")]
    pub timeout_secs: u64,
}

fn default_port() -> u16 {
    587
}

fn default_password_env() -> String {
    "WASPADA_SMTP_PASSWORD".into()
}

fn default_timeout() -> u64 {
    30
}

impl AlertsConfig {
    /// What is wrong with the settings, in words, or `None`.
    pub fn problem(&self) -> Option<String> {
        let b = self.base_url.trim();
        if !(b.starts_with("http://") || b.starts_with("https://")) {
            return Some("alerts: base_url must start with http:// or https://".into());
        }
        if self.sender.trim().is_empty()
            || self
                .sender
                .chars()
                .any(|c| c.is_whitespace() || matches!(c, ',' | '<' | '&'))
        {
            return Some(
                "alerts: sender must be one word without spaces, commas, < or & (CAP rule)".into(),
            );
        }
        if self.max_attempts == 0 {
            return Some("alerts: max_attempts must be at least 1".into());
        }
        if self.digest_hour_utc > 23 {
            return Some("alerts: digest_hour_utc must be 0-23".into());
        }
        if let Some(s) = &self.smtp {
            if s.host.trim().is_empty() {
                return Some("alerts.smtp: host is empty".into());
            }
            if s.from.parse::<lettre::message::Mailbox>().is_err() {
                return Some(format!(
                    "alerts.smtp: from {:?} is not an address like \"Waspada <waspada@example.go.id>\"",
                    s.from
                ));
            }
        }
        None
    }
}
