//! Writes: a batch of articles with their analyses and reports, the series rebuild and
//! signals. Each runs inside one transaction the caller opened (and retries).
//!
//! Lock order, the same in every writer so that none can deadlock on them: the shared feed
//! lock, then the URL and text keys of the whole batch, then the disease × area keys of the
//! batch's reports (each set ascending, `waspada_lock_keys`).

use std::borrow::Cow;

use deadpool_postgres::Transaction;
use waspada_events::report::Report;
use waspada_store::{
    ArticleBundle, EventFigure, Inserted, MAX_CANDIDATES, NewArticle, NewSignal, Result,
    StoreError, StoreOptions, area_column, merge_figures, nearest_duplicate, signature_to_blob,
};

use crate::error::{backend, json};
use crate::{LOCK_FEED, LOCK_SERIES, LOCK_SPACE};

/// The lock key of an article URL.
fn url_key(url: &str) -> String {
    format!("u:{url}")
}

/// The lock key of an article text.
fn text_key(hash: &[u8; 16]) -> String {
    let hex: String = hash.iter().map(|b| format!("{b:02x}")).collect();
    format!("t:{hex}")
}

/// The lock key of the events of one disease in one area.
fn event_key(r: &Report) -> String {
    text(&format!(
        "e:{}|{}|{}",
        r.disease_id, r.area.level, r.area.code
    ))
    .into_owned()
}

/// The URLs an article is known by: canonical first.
fn urls(a: &NewArticle) -> impl Iterator<Item = Cow<'_, str>> {
    [a.canonical_url.as_deref(), a.url.as_deref()]
        .into_iter()
        .flatten()
        .map(text)
}

/// PostgreSQL refuses NUL characters in text; news text never means one.
pub(crate) fn text(s: &str) -> Cow<'_, str> {
    if s.contains('\0') {
        s.replace('\0', "").into()
    } else {
        s.into()
    }
}

fn opt_text(s: &Option<String>) -> Option<Cow<'_, str>> {
    s.as_deref().map(text)
}

async fn lock_keys(tx: &Transaction<'_>, keys: Vec<String>, action: &'static str) -> Result<()> {
    if keys.is_empty() {
        return Ok(());
    }
    tx.execute("SELECT waspada_lock_keys($1)", &[&keys])
        .await
        .map_err(backend(action))?;
    Ok(())
}

/// Stores a batch: see [`waspada_store::Records::store_articles`].
pub(crate) async fn store_batch(
    tx: &Transaction<'_>,
    options: &StoreOptions,
    batch: &[ArticleBundle],
) -> Result<Vec<Inserted>> {
    tx.execute(
        "SELECT pg_advisory_xact_lock_shared($1, $2)",
        &[&LOCK_SPACE, &LOCK_FEED],
    )
    .await
    .map_err(backend("take the article feed lock"))?;
    let identity: Vec<String> = batch
        .iter()
        .flat_map(|b| {
            urls(&b.article)
                .map(|u| url_key(&u))
                .chain([text_key(&b.article.content_hash)])
        })
        .collect();
    lock_keys(tx, identity, "lock the batch's URLs and texts").await?;

    let mut out = Vec::with_capacity(batch.len());
    let mut new_reports: Vec<(i64, i64, &Report)> = Vec::new();
    for bundle in batch {
        let inserted = insert_article(tx, options, &bundle.article).await?;
        if let Inserted::New { id, cluster_id, .. } = inserted {
            put_analysis(tx, id, bundle).await?;
            new_reports.extend(bundle.reports.iter().map(|r| (id, cluster_id, r)));
        }
        out.push(inserted);
    }

    let keys = new_reports.iter().map(|(_, _, r)| event_key(r)).collect();
    lock_keys(tx, keys, "lock the events of the batch's reports").await?;
    for (article_id, cluster_id, report) in new_reports {
        attach(tx, options, article_id, cluster_id, report).await?;
    }
    Ok(out)
}

/// The article stored under one of `a`'s URLs (canonical first), or under its text: one
/// query.
async fn find_stored(tx: &Transaction<'_>, a: &NewArticle) -> Result<Option<Inserted>> {
    let stmt = tx
        .prepare_cached(
            "SELECT k, id FROM (
                 SELECT 0 AS k, article_id AS id FROM article_urls WHERE url = $1
                 UNION ALL SELECT 1, article_id FROM article_urls WHERE url = $2
                 UNION ALL SELECT 2, id FROM articles WHERE content_hash = $3
             ) found ORDER BY k LIMIT 1",
        )
        .await
        .map_err(backend("look up an article"))?;
    let mut u = urls(a);
    let (first, second) = (u.next(), u.next());
    let hash: &[u8] = &a.content_hash;
    let row = tx
        .query_opt(&stmt, &[&first, &second, &hash])
        .await
        .map_err(backend("look up an article"))?;
    Ok(row.map(|r| {
        let id = r.get(1);
        if r.get::<_, i32>(0) < 2 {
            Inserted::SameUrl { id }
        } else {
            Inserted::SameText { id }
        }
    }))
}

async fn insert_article(
    tx: &Transaction<'_>,
    options: &StoreOptions,
    a: &NewArticle,
) -> Result<Inserted> {
    if let Some(found) = find_stored(tx, a).await? {
        add_urls(tx, found.id(), a).await?;
        return Ok(found);
    }
    let near = nearest(tx, options, a).await?;
    let cluster = near.map(|(c, _)| c);
    let similarity = near.map(|(_, s)| s);
    let insert = tx
        .prepare_cached(
            "INSERT INTO articles (id, external_id, canonical_url, content_hash, source, source_id,
                 title, raw_text, clean_text, language, language_hint, published, fetched_at,
                 cluster_id, similarity, simhash)
             SELECT n, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, COALESCE($13, n), $14, $15
             FROM (SELECT nextval(pg_get_serial_sequence('articles', 'id')) AS n) next
             ON CONFLICT DO NOTHING
             RETURNING id, cluster_id",
        )
        .await
        .map_err(backend("store an article"))?;
    let hash: &[u8] = &a.content_hash;
    let stored = tx
        .query_opt(
            &insert,
            &[
                &opt_text(&a.external_id),
                &opt_text(&a.canonical_url),
                &hash,
                &opt_text(&a.source),
                &a.source_id,
                &opt_text(&a.title),
                &text(&a.raw_text),
                &text(&a.clean_text),
                &text(&a.language),
                &opt_text(&a.language_hint),
                &opt_text(&a.published),
                &a.fetched_at,
                &cluster,
                &similarity,
                &(a.simhash as i64),
            ],
        )
        .await
        .map_err(backend("store an article"))?;
    let Some(stored) = stored else {
        // Another writer stored it first (the batch's locks make this rare: only a URL
        // or text reached through a lock-key collision). Answer as for a copy.
        return match find_stored(tx, a).await? {
            Some(found) => {
                add_urls(tx, found.id(), a).await?;
                Ok(found)
            }
            None => Err(StoreError::Backend {
                action: "store an article",
                source: "the article conflicted with a stored one that cannot be found".into(),
            }),
        };
    };
    let (id, cluster_id): (i64, i64) = (stored.get(0), stored.get(1));
    // The rest depends only on the new row: sent together (pipelined), answered together.
    let bands: Vec<i32> = a.band_keys.iter().map(|(b, _)| i32::from(*b)).collect();
    let keys: Vec<i64> = a.band_keys.iter().map(|(_, k)| *k as i64).collect();
    let signature = signature_to_blob(&a.minhash);
    tokio::try_join!(
        async {
            tx.execute(
                "INSERT INTO article_signatures (article_id, cluster_id, minhash)
                 VALUES ($1, $2, $3)",
                &[&id, &cluster_id, &signature],
            )
            .await
            .map_err(backend("store a MinHash signature"))
        },
        async {
            tx.execute(
                "INSERT INTO lsh_band (band, key, article_id)
                 SELECT b, k, $3 FROM unnest($1::INTEGER[], $2::BIGINT[]) AS t (b, k)",
                &[&bands, &keys, &id],
            )
            .await
            .map_err(backend("store LSH buckets"))
        },
        add_urls(tx, id, a),
    )?;
    Ok(Inserted::New {
        id,
        cluster_id,
        similarity,
    })
}

/// Records the article's URLs as aliases (those already known are left as they are).
async fn add_urls(tx: &Transaction<'_>, id: i64, a: &NewArticle) -> Result<u64> {
    let stmt = tx
        .prepare_cached(
            "INSERT INTO article_urls (url, article_id)
             SELECT u, $2 FROM unnest($1::TEXT[]) AS u
             ON CONFLICT DO NOTHING",
        )
        .await
        .map_err(backend("store an article URL"))?;
    let mut all: Vec<Cow<'_, str>> = urls(a).collect();
    all.dedup();
    tx.execute(&stmt, &[&all, &id])
        .await
        .map_err(backend("store an article URL"))
}

/// The cluster of the most similar stored article at or above the threshold.
async fn nearest(
    tx: &Transaction<'_>,
    options: &StoreOptions,
    a: &NewArticle,
) -> Result<Option<(i64, f64)>> {
    if a.band_keys.is_empty() || a.minhash.is_empty() {
        return Ok(None);
    }
    let keys: Vec<i64> = a.band_keys.iter().map(|(_, k)| *k as i64).collect();
    let stmt = tx
        .prepare_cached(&format!(
            "SELECT s.article_id, s.cluster_id, s.minhash
             FROM (SELECT DISTINCT article_id FROM lsh_band WHERE key = ANY($1)
                   ORDER BY article_id LIMIT {MAX_CANDIDATES}) l
             JOIN article_signatures s ON s.article_id = l.article_id"
        ))
        .await
        .map_err(backend("look up near-duplicates"))?;
    let rows = tx
        .query(&stmt, &[&keys])
        .await
        .map_err(backend("look up near-duplicates"))?;
    let candidates = rows.iter().map(|r| {
        (
            r.get::<_, i64>(0),
            r.get::<_, i64>(1),
            r.get::<_, Vec<u8>>(2),
        )
    });
    Ok(nearest_duplicate(
        &a.minhash,
        candidates,
        options.near_duplicate_threshold,
    ))
}

async fn put_analysis(tx: &Transaction<'_>, article_id: i64, b: &ArticleBundle) -> Result<()> {
    let a = &b.analysis;
    let stmt = tx
        .prepare_cached(
            "INSERT INTO analyses
                 (article_id, analyzer_version, analysed_at, is_outbreak, category, relevance, json)
             VALUES ($1, $2, $3, $4, $5, $6, $7)
             ON CONFLICT (article_id, analyzer_version) DO UPDATE SET
                 analysed_at = excluded.analysed_at, is_outbreak = excluded.is_outbreak,
                 category = excluded.category, relevance = excluded.relevance,
                 json = excluded.json",
        )
        .await
        .map_err(backend("store an analysis"))?;
    tx.execute(
        &stmt,
        &[
            &article_id,
            &text(&a.analyzer_version),
            &waspada_store::now_ms(),
            &a.is_outbreak,
            &text(&a.category),
            &a.relevance,
            &text(&a.json),
        ],
    )
    .await
    .map_err(backend("store an analysis"))?;
    Ok(())
}

fn figures_json(figures: &[EventFigure]) -> String {
    serde_json::to_string(figures).unwrap_or_else(|_| "[]".into())
}

/// Attaches one report to the event of its disease and area within the window, or opens
/// one. The caller holds the lock of the report's disease × area.
async fn attach(
    tx: &Transaction<'_>,
    options: &StoreOptions,
    article_id: i64,
    cluster_id: i64,
    report: &Report,
) -> Result<i64> {
    let window = i32::try_from(options.event_window_days).unwrap_or(i32::MAX);
    let find = tx
        .prepare_cached(
            "SELECT id, first_date, last_date, figures, klb_declared,
                    NOT EXISTS (SELECT 1 FROM reports r
                                WHERE r.event_id = events.id AND r.cluster_id = $6)
             FROM events
             WHERE disease_id = $1 AND area_level = $2 AND area_code = $3
               AND last_date >= to_char(waspada_day($4) - $5::INTEGER, 'YYYY-MM-DD')
               AND first_date <= to_char(waspada_day($4) + $5::INTEGER, 'YYYY-MM-DD')
             ORDER BY last_date DESC, id LIMIT 1",
        )
        .await
        .map_err(backend("find the event of a report"))?;
    let found = tx
        .query_opt(
            &find,
            &[
                &report.disease_id,
                &report.area.level,
                &report.area.code,
                &report.date,
                &window,
                &cluster_id,
            ],
        )
        .await
        .map_err(backend("find the event of a report"))?;
    let now = waspada_store::now_ms();
    match found {
        Some(row) => {
            let id: i64 = row.get(0);
            let first: String = row.get(1);
            let last: String = row.get(2);
            let mut figures: Vec<EventFigure> =
                serde_json::from_str(row.get::<_, &str>(3)).map_err(json("event figures"))?;
            let klb: bool = row.get(4);
            merge_figures(&mut figures, &report.counts, &report.date, article_id);
            let new_story: bool = row.get(5);
            let update = async {
                tx.execute(
                    "UPDATE events SET first_date = $2, last_date = $3, figures = $4,
                         klb_declared = $5, n_reports = n_reports + 1,
                         n_stories = n_stories + $6, updated_at = $7
                     WHERE id = $1",
                    &[
                        &id,
                        &first.as_str().min(report.date.as_str()),
                        &last.as_str().max(report.date.as_str()),
                        &figures_json(&figures),
                        &(klb || report.klb_declared),
                        &i64::from(new_story),
                        &now,
                    ],
                )
                .await
                .map_err(backend("update an event"))
            };
            tokio::try_join!(update, add_report(tx, article_id, cluster_id, id, report))?;
            Ok(id)
        }
        None => {
            let mut figures = Vec::new();
            merge_figures(&mut figures, &report.counts, &report.date, article_id);
            let id: i64 = tx
                .query_one(
                    "INSERT INTO events (disease_id, area_level, area_code, place_name, country,
                         province_code, regency_code, lat, lon, first_date, last_date,
                         klb_declared, figures, n_reports, n_stories, updated_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10, $11, $12, 1, 1, $13)
                     RETURNING id",
                    &[
                        &text(&report.disease_id),
                        &text(&report.area.level),
                        &text(&report.area.code),
                        &text(&report.place_name),
                        &text(&report.country),
                        &opt_text(&report.province_code),
                        &opt_text(&report.regency_code),
                        &report.lat,
                        &report.lon,
                        &text(&report.date),
                        &report.klb_declared,
                        &figures_json(&figures),
                        &now,
                    ],
                )
                .await
                .map_err(backend("open an event"))?
                .get(0);
            add_report(tx, article_id, cluster_id, id, report).await?;
            Ok(id)
        }
    }
}

/// Stores one report of an article in an event.
async fn add_report(
    tx: &Transaction<'_>,
    article_id: i64,
    cluster_id: i64,
    event_id: i64,
    report: &Report,
) -> Result<u64> {
    let stmt = tx
        .prepare_cached(
            "INSERT INTO reports (article_id, cluster_id, event_id, disease_id, area_level,
                 area_code, place_name, country, province_code, regency_code, date,
                 klb_declared, counts)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
        )
        .await
        .map_err(backend("store a report"))?;
    tx.execute(
        &stmt,
        &[
            &article_id,
            &cluster_id,
            &event_id,
            &text(&report.disease_id),
            &text(&report.area.level),
            &text(&report.area.code),
            &text(&report.place_name),
            &text(&report.country),
            &opt_text(&report.province_code),
            &opt_text(&report.regency_code),
            &text(&report.date),
            &report.klb_declared,
            &serde_json::to_string(&report.counts).unwrap_or_else(|_| "[]".into()),
        ],
    )
    .await
    .map_err(backend("store a report"))
}

/// Rebuilds `series_counts` from the reports. One rebuild at a time: two at once would
/// each insert every row.
pub(crate) async fn refresh_series(tx: &Transaction<'_>) -> Result<()> {
    tx.execute(
        "SELECT pg_advisory_xact_lock($1, $2)",
        &[&LOCK_SPACE, &LOCK_SERIES],
    )
    .await
    .map_err(backend("wait for another series rebuild"))?;
    tx.execute("DELETE FROM series_counts", &[])
        .await
        .map_err(backend("clear the series"))?;
    let daily = "to_char(d, 'YYYY-MM-DD')";
    // date_trunc('week') is the Monday of the ISO week.
    let weekly = "to_char(date_trunc('week', d), 'YYYY-MM-DD')";
    for level in ["regency", "province", "country"] {
        let column = area_column(level);
        for (frequency, period) in [("daily", daily), ("weekly", weekly)] {
            let sql = format!(
                "INSERT INTO series_counts
                     (disease_id, area_level, area_code, frequency, period_start, reports)
                 SELECT disease_id, $1, area, $2, {period}, COUNT(DISTINCT cluster_id)
                 FROM (SELECT disease_id, {column} AS area, waspada_day(date) AS d, cluster_id
                       FROM reports WHERE {column} IS NOT NULL) r
                 WHERE d IS NOT NULL
                 GROUP BY disease_id, area, {period}"
            );
            tx.execute(&sql, &[&level, &frequency])
                .await
                .map_err(backend("count reports into series"))?;
        }
    }
    Ok(())
}

/// Inserts or updates signals; see [`waspada_store::Records::put_signals`]. Rows are
/// written in key order (two writers of the same signals then lock them in one order);
/// ids come back in the caller's order.
pub(crate) async fn put_signals(tx: &Transaction<'_>, signals: &[NewSignal]) -> Result<Vec<i64>> {
    let mut order: Vec<usize> = (0..signals.len()).collect();
    order.sort_by(|&a, &b| signal_key(&signals[a]).cmp(&signal_key(&signals[b])));
    let upsert = tx
        .prepare_cached(
            "INSERT INTO signals (disease_id, area_level, area_code, frequency, period_start,
                 method, observed, expected, upperbound, score, explanation, detected_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
             ON CONFLICT (disease_id, area_level, area_code, frequency, period_start, method)
             DO UPDATE SET observed = excluded.observed, expected = excluded.expected,
                 upperbound = excluded.upperbound, score = excluded.score,
                 explanation = excluded.explanation
             RETURNING id",
        )
        .await
        .map_err(backend("record a signal"))?;
    let mut ids = vec![0i64; signals.len()];
    for i in order {
        let s = &signals[i];
        let id: i64 = tx
            .query_one(
                &upsert,
                &[
                    &text(&s.disease_id),
                    &text(&s.area_level),
                    &text(&s.area_code),
                    &text(&s.frequency),
                    &text(&s.period_start),
                    &text(&s.method),
                    &i64::from(s.observed),
                    &s.expected,
                    &s.upperbound,
                    &s.score,
                    &text(&s.explanation),
                    &waspada_store::now_ms(),
                ],
            )
            .await
            .map_err(backend("record a signal"))?
            .get(0);
        let column = area_column(&s.area_level);
        tx.execute(
            &format!(
                "INSERT INTO signal_events (signal_id, event_id)
                 SELECT DISTINCT $1::BIGINT, event_id FROM reports
                 WHERE disease_id = $2 AND {column} = $3
                   AND to_char(waspada_day(date), 'YYYY-MM-DD') BETWEEN $4 AND $5
                 ON CONFLICT DO NOTHING"
            ),
            &[
                &id,
                &s.disease_id,
                &s.area_code,
                &s.period_start,
                &s.period_end,
            ],
        )
        .await
        .map_err(backend("link a signal to its events"))?;
        ids[i] = id;
    }
    Ok(ids)
}

fn signal_key(s: &NewSignal) -> (&str, &str, &str, &str, &str, &str) {
    (
        &s.disease_id,
        &s.area_level,
        &s.area_code,
        &s.frequency,
        &s.period_start,
        &s.method,
    )
}
