//! `waspada.toml`: sources, fetching and detection, in one file an analyst can edit.
//!
//! ```toml
//! [fetch]                      # politeness and limits (waspada_fetch::FetchConfig)
//! min_host_delay_secs = 2
//!
//! [detect]
//! methods = ["ears-c2", "farrington"]
//!
//! [alerts]                     # optional: see waspada_alert::AlertsConfig
//! base_url = "https://waspada.dinkes.example.go.id"
//!
//! [cluster]                    # optional: the scale-out deployment (see ClusterConfig)
//! postgres_url = "postgres://waspada@db.internal/waspada"
//! nats_url = "nats://nats.internal:4222"
//!
//! [[source]]
//! name = "Antara — Kesehatan"
//! kind = "feed"                # feed | page
//! url = "https://www.antaranews.com/rss/kesehatan.xml"
//! country = "IDN"              # ISO 3166-1 alpha-3
//! language = "id"              # decides Indonesian vs Malay
//! every_minutes = 30
//! content_selector = ".post-content"   # optional: CSS rule for the article body
//! ```

use std::path::Path;

use serde::{Deserialize, Serialize};
use waspada_fetch::FetchConfig;

/// The whole configuration file.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Fetching politeness and limits.
    #[serde(default)]
    pub fetch: FetchConfig,
    /// Detection settings.
    #[serde(default)]
    pub detect: DetectConfig,
    /// The sources polled by `waspada run`.
    #[serde(default, rename = "source")]
    pub sources: Vec<SourceConfig>,
    /// Alert delivery (`[alerts]`); without it, `waspada run` sends no alerts.
    #[serde(default)]
    pub alerts: Option<waspada_alert::AlertsConfig>,
    /// The scale-out deployment (`[cluster]`): PostgreSQL, NATS and the workers' tunables.
    /// The embedded default ignores it.
    #[serde(default)]
    pub cluster: ClusterConfig,
}

/// `[cluster]`: how `waspada worker`, `waspada scheduler` and `waspada cluster status`
/// reach PostgreSQL and NATS, and how the workers pace themselves. Every key can be
/// overridden by an environment variable (see [`ClusterConfig::with_env`]), so one
/// `waspada.toml` serves every machine and secrets can stay out of the file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ClusterConfig {
    /// PostgreSQL connection URL, the system of record (`WASPADA_POSTGRES_URL`).
    /// Example: `postgres://waspada:secret@db.internal:5432/waspada`.
    pub postgres_url: Option<String>,
    /// NATS server URL; JetStream must be enabled on it (`WASPADA_NATS_URL`).
    /// Example: `nats://nats1.internal:4222`.
    pub nats_url: Option<String>,
    /// Messages a worker takes from the queue at once and stores in one transaction
    /// (`WASPADA_WORKER_BATCH`). Larger batches amortise the commit; smaller ones redo
    /// less work after a crash.
    pub worker_batch: usize,
    /// Seconds a worker may hold a message before the queue hands it to another worker
    /// (`WASPADA_ACK_WAIT_SECS`). Must exceed the time to analyse and store one batch.
    pub ack_wait_secs: u64,
    /// Deliveries of one message before it is given up and moved to the dead letters that
    /// the Sources page shows (`WASPADA_MAX_DELIVER`).
    pub max_deliver: u64,
    /// Directory of the search index written by `waspada worker --stage index` and
    /// `waspada reindex` (`WASPADA_INDEX_DIR`).
    pub index_dir: Option<std::path::PathBuf>,
    /// This process's name in leases, logs and metrics (`WASPADA_CLUSTER_NAME`); by
    /// default the host name and process id.
    pub name: Option<String>,
}

impl Default for ClusterConfig {
    fn default() -> Self {
        ClusterConfig {
            postgres_url: None,
            nats_url: None,
            worker_batch: 64,
            ack_wait_secs: 60,
            max_deliver: 5,
            index_dir: None,
            name: None,
        }
    }
}

impl ClusterConfig {
    /// The configuration with every key that has an environment variable set replaced by
    /// it: `WASPADA_POSTGRES_URL`, `WASPADA_NATS_URL`, `WASPADA_WORKER_BATCH`,
    /// `WASPADA_ACK_WAIT_SECS`, `WASPADA_MAX_DELIVER`, `WASPADA_INDEX_DIR`,
    /// `WASPADA_CLUSTER_NAME`. Empty variables count as unset.
    pub fn with_env(self) -> Result<ClusterConfig, ConfigError> {
        self.with_vars(|k| std::env::var(k).ok())
    }

    /// [`ClusterConfig::with_env`] over any variable lookup (tests pass a map).
    pub fn with_vars(
        mut self,
        var: impl Fn(&str) -> Option<String>,
    ) -> Result<ClusterConfig, ConfigError> {
        let get = |k: &str| var(k).filter(|v| !v.trim().is_empty());
        let number = |k: &str, v: String| -> Result<u64, ConfigError> {
            v.trim().parse::<u64>().map_err(|_| ConfigError::Invalid {
                path: format!("${k}").into(),
                message: format!("{k} must be a whole number, not {v:?}"),
            })
        };
        if let Some(v) = get("WASPADA_POSTGRES_URL") {
            self.postgres_url = Some(v);
        }
        if let Some(v) = get("WASPADA_NATS_URL") {
            self.nats_url = Some(v);
        }
        if let Some(v) = get("WASPADA_WORKER_BATCH") {
            self.worker_batch = number("WASPADA_WORKER_BATCH", v)? as usize;
        }
        if let Some(v) = get("WASPADA_ACK_WAIT_SECS") {
            self.ack_wait_secs = number("WASPADA_ACK_WAIT_SECS", v)?;
        }
        if let Some(v) = get("WASPADA_MAX_DELIVER") {
            self.max_deliver = number("WASPADA_MAX_DELIVER", v)?;
        }
        if let Some(v) = get("WASPADA_INDEX_DIR") {
            self.index_dir = Some(v.into());
        }
        if let Some(v) = get("WASPADA_CLUSTER_NAME") {
            self.name = Some(v);
        }
        self.problem().map_or(Ok(self), |message| {
            Err(ConfigError::Invalid {
                path: "[cluster]".into(),
                message,
            })
        })
    }

    /// What is wrong with the values, if anything.
    pub fn problem(&self) -> Option<String> {
        if self.worker_batch == 0 {
            return Some("cluster: worker_batch must be at least 1".into());
        }
        if self.ack_wait_secs == 0 {
            return Some("cluster: ack_wait_secs must be at least 1".into());
        }
        if self.max_deliver == 0 {
            return Some("cluster: max_deliver must be at least 1".into());
        }
        for (key, url, schemes) in [
            (
                "postgres_url",
                &self.postgres_url,
                &["postgres://", "postgresql://"][..],
            ),
            ("nats_url", &self.nats_url, &["nats://", "tls://"][..]),
        ] {
            if let Some(u) = url
                && !schemes.iter().any(|s| u.starts_with(s))
            {
                return Some(format!(
                    "cluster: {key} must start with {}",
                    schemes.join(" or ")
                ));
            }
        }
        None
    }
}

/// Detection settings.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DetectConfig {
    /// Method names (`ears-c1`, `ears-c2`, `ears-c3`, `farrington`, `noufaily`, `cusum`).
    pub methods: Vec<String>,
    /// `weekly` or `daily`.
    pub frequency: String,
    /// Latest periods evaluated on every run.
    pub latest: usize,
    /// Fewest stories in a period for a statistical alarm (single reports on an empty
    /// baseline are left to the new-area rule).
    pub min_observed: u32,
}

impl Default for DetectConfig {
    fn default() -> Self {
        DetectConfig {
            methods: vec!["ears-c2".into(), "farrington".into()],
            frequency: "weekly".into(),
            latest: 4,
            min_observed: 2,
        }
    }
}

/// One source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceConfig {
    /// Unique name, shown to analysts.
    pub name: String,
    /// `feed` (RSS, Atom or JSON Feed; every item's page is fetched) or `page` (one page).
    #[serde(default = "default_kind")]
    pub kind: String,
    /// The feed or page URL.
    pub url: String,
    /// ISO 3166-1 alpha-3 country of the outlet.
    pub country: Option<String>,
    /// ISO 639-1 language of the outlet (`id`, `ms`, `en`): the strongest evidence for
    /// Indonesian vs Malay.
    pub language: Option<String>,
    /// Minutes between polls.
    #[serde(default = "default_every")]
    pub every_minutes: u64,
    /// CSS selector of the article body on this site; when it matches, it takes
    /// precedence over automatic main-text extraction.
    pub content_selector: Option<String>,
    /// Use the feed's own text instead of fetching each item's page (for feeds that carry
    /// full articles, or sites that forbid crawling pages).
    #[serde(default)]
    pub feed_text_only: bool,
    /// Skip this source without deleting it.
    #[serde(default)]
    pub disabled: bool,
}

impl SourceConfig {
    /// What the store registers of this source (its row on the Sources page).
    pub fn spec(&self) -> waspada_store::SourceSpec {
        waspada_store::SourceSpec {
            name: self.name.clone(),
            url: Some(self.url.clone()),
            kind: self.kind.clone(),
            country: self.country.clone(),
            language: self.language.clone(),
        }
    }
}

fn default_kind() -> String {
    "feed".into()
}

fn default_every() -> u64 {
    30
}

/// Why the configuration could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read the configuration {path}: {source}")]
    Read {
        /// The file.
        path: std::path::PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The file is not valid TOML for Waspada.
    #[error("the configuration {path} is not valid: {message}")]
    Parse {
        /// The file.
        path: std::path::PathBuf,
        /// The parser's message, with line and column.
        message: String,
    },
    /// A value is out of range.
    #[error("the configuration {path}: {message}")]
    Invalid {
        /// The file.
        path: std::path::PathBuf,
        /// What is wrong.
        message: String,
    },
}

impl Config {
    /// Reads and checks a configuration file.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        Self::parse(&text, path)
    }

    /// Parses and checks configuration text (`path` only names it in errors).
    pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
        let config: Config = toml::from_str(text).map_err(|e| ConfigError::Parse {
            path: path.to_path_buf(),
            message: e.to_string(),
        })?;
        let invalid = |message: String| ConfigError::Invalid {
            path: path.to_path_buf(),
            message,
        };
        let mut names = std::collections::BTreeSet::new();
        for s in &config.sources {
            if !names.insert(s.name.as_str()) {
                return Err(invalid(format!("two sources are named {:?}", s.name)));
            }
            if !matches!(s.kind.as_str(), "feed" | "page") {
                return Err(invalid(format!(
                    "source {:?}: kind must be \"feed\" or \"page\", not {:?}",
                    s.name, s.kind
                )));
            }
            if !(s.url.starts_with("http://") || s.url.starts_with("https://")) {
                return Err(invalid(format!(
                    "source {:?}: url must start with http:// or https://",
                    s.name
                )));
            }
            if s.every_minutes == 0 {
                return Err(invalid(format!(
                    "source {:?}: every_minutes must be at least 1",
                    s.name
                )));
            }
        }
        for m in &config.detect.methods {
            if waspada_detect::Method::from_name(m).is_none() {
                return Err(invalid(format!(
                    "detect: unknown method {m:?}; use one of {}",
                    waspada_detect::Method::NAMES.join(", ")
                )));
            }
        }
        if let Some(problem) = config.cluster.problem() {
            return Err(invalid(problem));
        }
        if let Some(problem) = config.alerts.as_ref().and_then(|a| a.problem()) {
            return Err(invalid(problem));
        }
        if !matches!(config.detect.frequency.as_str(), "weekly" | "daily") {
            return Err(invalid(
                "detect: frequency must be \"weekly\" or \"daily\"".into(),
            ));
        }
        Ok(config)
    }

    /// The detection options this configuration asks for.
    pub fn detect_options(&self) -> crate::detect::DetectOptions {
        crate::detect::DetectOptions {
            frequency: if self.detect.frequency == "daily" {
                waspada_detect::Frequency::Daily
            } else {
                waspada_detect::Frequency::Weekly
            },
            methods: self
                .detect
                .methods
                .iter()
                .filter_map(|m| waspada_detect::Method::from_name(m))
                .collect(),
            latest: self.detect.latest.max(1),
            min_observed: self.detect.min_observed,
            ..crate::detect::DetectOptions::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_configuration_is_valid_and_covers_the_regions_asked_for() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../waspada.toml");
        let config = Config::load(&path).unwrap();
        let count = |pred: &dyn Fn(&SourceConfig) -> bool| {
            config.sources.iter().filter(|s| pred(s)).count()
        };
        assert!(count(&|s| s.country.as_deref() == Some("IDN")) >= 10);
        assert!(
            count(&|s| s.language.as_deref() == Some("en") && s.country.as_deref() != Some("IDN"))
                >= 3
        );
        assert!(count(&|s| s.url.contains("who.int")) >= 1);
        assert!(count(&|s| s.url.contains("kemkes.go.id")) >= 1);
        assert!(count(&|s| s.language.as_deref() == Some("ms")) >= 1);
    }

    #[test]
    fn the_operators_sample_cluster_configuration_is_valid() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../deploy/waspada-cluster.toml");
        let config = Config::load(&path).unwrap();
        let c = &config.cluster;
        assert!(
            c.postgres_url
                .as_deref()
                .unwrap()
                .starts_with("postgres://")
        );
        assert_eq!(c.nats_url.as_deref().unwrap().matches("nats://").count(), 3);
        assert!(c.ack_wait_secs >= 30 && c.max_deliver >= 2);
        assert!(!config.sources.is_empty());
    }

    #[test]
    fn cluster_keys_come_from_the_file_and_environment_variables_win() {
        let text = "[cluster]\npostgres_url = \"postgres://a@db/w\"\nworker_batch = 32\n";
        let config = Config::parse(text, Path::new("w.toml")).unwrap();
        assert_eq!(config.cluster.worker_batch, 32);
        assert_eq!(
            config.cluster.max_deliver, 5,
            "unset keys keep their defaults"
        );
        let env = |k: &str| match k {
            "WASPADA_NATS_URL" => Some("nats://q:4222".to_string()),
            "WASPADA_WORKER_BATCH" => Some("8".to_string()),
            "WASPADA_POSTGRES_URL" => Some(String::new()),
            _ => None,
        };
        let c = config.cluster.clone().with_vars(env).unwrap();
        assert_eq!(c.nats_url.as_deref(), Some("nats://q:4222"));
        assert_eq!(c.worker_batch, 8);
        assert_eq!(c.postgres_url.as_deref(), Some("postgres://a@db/w"));
        let bad = |k: &str| (k == "WASPADA_MAX_DELIVER").then(|| "five".to_string());
        let err = config.cluster.clone().with_vars(bad).unwrap_err();
        assert!(err.to_string().contains("WASPADA_MAX_DELIVER"), "{err}");
        let err =
            Config::parse("[cluster]\nnats_url = \"http://x\"\n", Path::new("w.toml")).unwrap_err();
        assert!(err.to_string().contains("nats_url"), "{err}");
    }

    #[test]
    fn mistakes_are_reported_with_the_source_name() {
        let text = "[[source]]\nname = \"X\"\nkind = \"rss\"\nurl = \"https://x.example/feed\"\n";
        let err = Config::parse(text, Path::new("w.toml")).unwrap_err();
        assert!(err.to_string().contains("\"X\""), "{err}");
        let err =
            Config::parse("[detect]\nmethods = [\"magic\"]\n", Path::new("w.toml")).unwrap_err();
        assert!(err.to_string().contains("unknown method"), "{err}");
        let err =
            Config::parse("[alerts]\nbase_url = \"ftp://x\"\n", Path::new("w.toml")).unwrap_err();
        assert!(err.to_string().contains("base_url"), "{err}");
        let err = Config::parse("[[source]]\nname = 1\n", Path::new("w.toml")).unwrap_err();
        assert!(err.to_string().contains("w.toml"), "{err}");
    }
}
