//! Sources and the fetch state of every URL polled: conditional-GET validators and health.

use rusqlite::{OptionalExtension, params};
use serde::Serialize;

use crate::{Batch, Result, Store, StoreError};

/// A configured source.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SourceRow {
    /// Id.
    pub id: i64,
    /// Unique name.
    pub name: String,
    /// Feed or page URL.
    pub url: Option<String>,
    /// `feed`, `page`, `file` or `push`.
    pub kind: String,
    /// ISO alpha-3 hint.
    pub country: Option<String>,
    /// ISO 639-1 hint.
    pub language: Option<String>,
}

/// A source to register (what a `[[source]]` of the configuration says of it): the
/// store keeps one row per name, updated when the configuration changes.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SourceSpec {
    /// Unique name, shown on the Sources page.
    pub name: String,
    /// Feed or page URL.
    pub url: Option<String>,
    /// `feed`, `page`, `file` or `push`.
    pub kind: String,
    /// ISO alpha-3 hint.
    pub country: Option<String>,
    /// ISO 639-1 hint.
    pub language: Option<String>,
}

/// What the store remembers about one polled URL.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct FetchState {
    /// The URL.
    pub url: String,
    /// Its source.
    pub source_id: Option<i64>,
    /// Last `ETag`.
    pub etag: Option<String>,
    /// Last `Last-Modified`.
    pub last_modified: Option<String>,
    /// Last attempt, epoch ms.
    pub last_attempt_at: Option<i64>,
    /// Last success, epoch ms.
    pub last_success_at: Option<i64>,
    /// Last HTTP status.
    pub last_status: Option<i64>,
    /// Last error, for the sources page.
    pub last_error: Option<String>,
    /// Failures since the last success (drives back-off).
    pub consecutive_failures: i64,
    /// Not before this time, epoch ms.
    pub next_attempt_at: Option<i64>,
    /// Items seen in total.
    pub items_seen: i64,
    /// New items stored in total.
    pub items_new: i64,
}

impl Batch<'_> {
    /// Registers a source, or updates it by name. Returns its id.
    pub fn upsert_source(
        &self,
        name: &str,
        url: Option<&str>,
        kind: &str,
        country: Option<&str>,
        language: Option<&str>,
    ) -> Result<i64> {
        self.tx
            .execute(
                "INSERT INTO sources (name, url, kind, country, language, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (name) DO UPDATE SET url = excluded.url, kind = excluded.kind,
                     country = excluded.country, language = excluded.language",
                params![name, url, kind, country, language, crate::now_ms()],
            )
            .map_err(StoreError::sql("register a source"))?;
        self.tx
            .query_row("SELECT id FROM sources WHERE name = ?1", [name], |r| {
                r.get(0)
            })
            .map_err(StoreError::sql("read a source id"))
    }

    /// [`Batch::upsert_source`] with a [`SourceSpec`].
    pub fn register_source(&self, spec: &SourceSpec) -> Result<i64> {
        self.upsert_source(
            &spec.name,
            spec.url.as_deref(),
            &spec.kind,
            spec.country.as_deref(),
            spec.language.as_deref(),
        )
    }

    /// Saves the fetch state of a URL.
    pub fn put_fetch_state(&self, s: &FetchState) -> Result<()> {
        self.tx
            .execute(
                "INSERT OR REPLACE INTO fetch_state (url, source_id, etag, last_modified,
                     last_attempt_at, last_success_at, last_status, last_error,
                     consecutive_failures, next_attempt_at, items_seen, items_new)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
                params![
                    s.url,
                    s.source_id,
                    s.etag,
                    s.last_modified,
                    s.last_attempt_at,
                    s.last_success_at,
                    s.last_status,
                    s.last_error,
                    s.consecutive_failures,
                    s.next_attempt_at,
                    s.items_seen,
                    s.items_new
                ],
            )
            .map_err(StoreError::sql("save fetch state"))?;
        Ok(())
    }
}

impl Store {
    /// Configured sources, by name.
    pub fn sources(&self) -> Result<Vec<SourceRow>> {
        let mut stmt = self
            .conn
            .prepare("SELECT id, name, url, kind, country, language FROM sources ORDER BY name")
            .map_err(StoreError::sql("prepare listing sources"))?;
        let rows = stmt
            .query_map([], |r| {
                Ok(SourceRow {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    url: r.get(2)?,
                    kind: r.get(3)?,
                    country: r.get(4)?,
                    language: r.get(5)?,
                })
            })
            .map_err(StoreError::sql("list sources"))?;
        rows.collect::<rusqlite::Result<_>>()
            .map_err(StoreError::sql("read a source"))
    }

    /// The fetch state of a URL, if it was ever polled.
    pub fn fetch_state(&self, url: &str) -> Result<Option<FetchState>> {
        self.conn
            .query_row(
                &format!("SELECT {FETCH_STATE_COLUMNS} FROM fetch_state WHERE url = ?1"),
                [url],
                fetch_state_from_row,
            )
            .optional()
            .map_err(StoreError::sql("read fetch state"))
    }
}

/// The columns [`fetch_state_from_row`] reads, in order.
pub(crate) const FETCH_STATE_COLUMNS: &str = "url, source_id, etag, last_modified, \
     last_attempt_at, last_success_at, last_status, last_error, consecutive_failures, \
     next_attempt_at, items_seen, items_new";

/// A fetch state from a row of [`FETCH_STATE_COLUMNS`].
pub(crate) fn fetch_state_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<FetchState> {
    Ok(FetchState {
        url: r.get(0)?,
        source_id: r.get(1)?,
        etag: r.get(2)?,
        last_modified: r.get(3)?,
        last_attempt_at: r.get(4)?,
        last_success_at: r.get(5)?,
        last_status: r.get(6)?,
        last_error: r.get(7)?,
        consecutive_failures: r.get(8)?,
        next_attempt_at: r.get(9)?,
        items_seen: r.get(10)?,
        items_new: r.get(11)?,
    })
}
