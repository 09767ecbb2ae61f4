//! Sources and their fetch state: the two writes of the fetchers, shared by
//! [`PgRecords`](crate::PgRecords) (the cluster's scheduler and fetch workers) and
//! [`PgWorkplace`](crate::PgWorkplace), with the SQLite store's meaning
//! (`waspada_store::Batch::upsert_source`, `waspada_store::Batch::put_fetch_state`).

use tokio_postgres::GenericClient;
use waspada_store::{FetchState, Result, SourceSpec};

use crate::error::backend;
use crate::write::text;

/// Registers a source, or updates it by name. Returns its id.
pub(crate) async fn upsert_source<C: GenericClient + Sync>(
    c: &C,
    spec: &SourceSpec,
) -> Result<i64> {
    let row = c
        .query_one(
            "INSERT INTO sources (name, url, kind, country, language, created_at)
             VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (name) DO UPDATE SET url = excluded.url, kind = excluded.kind,
                 country = excluded.country, language = excluded.language
             RETURNING id",
            &[
                &text(&spec.name),
                &spec.url.as_deref().map(text),
                &text(&spec.kind),
                &spec.country.as_deref().map(text),
                &spec.language.as_deref().map(text),
                &waspada_store::now_ms(),
            ],
        )
        .await
        .map_err(backend("register a source"))?;
    Ok(row.get(0))
}

/// Saves the fetch state of a URL, replacing what was there.
pub(crate) async fn put_fetch_state<C: GenericClient + Sync>(c: &C, s: &FetchState) -> Result<()> {
    c.execute(
        "INSERT INTO fetch_state (url, source_id, etag, last_modified, last_attempt_at,
             last_success_at, last_status, last_error, consecutive_failures,
             next_attempt_at, items_seen, items_new)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
         ON CONFLICT (url) DO UPDATE SET source_id = excluded.source_id,
             etag = excluded.etag, last_modified = excluded.last_modified,
             last_attempt_at = excluded.last_attempt_at,
             last_success_at = excluded.last_success_at,
             last_status = excluded.last_status, last_error = excluded.last_error,
             consecutive_failures = excluded.consecutive_failures,
             next_attempt_at = excluded.next_attempt_at,
             items_seen = excluded.items_seen, items_new = excluded.items_new",
        &[
            &text(&s.url),
            &s.source_id,
            &s.etag.as_deref().map(text),
            &s.last_modified.as_deref().map(text),
            &s.last_attempt_at,
            &s.last_success_at,
            &s.last_status,
            &s.last_error.as_deref().map(text),
            &s.consecutive_failures,
            &s.next_attempt_at,
            &s.items_seen,
            &s.items_new,
        ],
    )
    .await
    .map_err(backend("save fetch state"))?;
    Ok(())
}
