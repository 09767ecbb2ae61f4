//! Reads: what detection, the indexer and the API ask of the store.

use std::borrow::Cow;
use std::collections::HashMap;

use deadpool_postgres::Client;
use tokio_postgres::Row;
use tokio_postgres::types::ToSql;
use waspada_store::{
    ArticleRecord, EventFilter, EventRow, ReportRow, Result, SeriesRow, StoreError, StoreStats,
    group_series,
};

use crate::error::{backend, json};
use crate::write::text;
use crate::{LOCK_FEED, LOCK_SPACE};

/// The stored article id of each URL, in order.
pub(crate) async fn known_urls(
    c: &tokio_postgres::Client,
    urls: &[String],
) -> Result<Vec<Option<i64>>> {
    if urls.is_empty() {
        return Ok(Vec::new());
    }
    // Stored as written: without NUL characters.
    let urls: Vec<Cow<'_, str>> = urls.iter().map(|u| text(u)).collect();
    let rows = c
        .query(
            "SELECT url, article_id FROM article_urls WHERE url = ANY($1)",
            &[&urls],
        )
        .await
        .map_err(backend("look up article URLs"))?;
    let known: HashMap<String, i64> = rows.iter().map(|r| (r.get(0), r.get(1))).collect();
    Ok(urls
        .iter()
        .map(|u| known.get(u.as_ref()).copied())
        .collect())
}

/// Every series of one frequency, sparse, ordered by key.
pub(crate) async fn series(c: &tokio_postgres::Client, frequency: &str) -> Result<Vec<SeriesRow>> {
    let rows = c
        .query(
            "SELECT disease_id, area_level, area_code, period_start, reports FROM series_counts
             WHERE frequency = $1 ORDER BY disease_id, area_level, area_code, period_start",
            &[&frequency],
        )
        .await
        .map_err(backend("read series"))?;
    Ok(group_series(rows.iter().map(|row| {
        (
            row.get(0),
            row.get(1),
            row.get(2),
            row.get(3),
            u32::try_from(row.get::<_, i32>(4)).unwrap_or(0),
        )
    })))
}

/// The latest report date.
pub(crate) async fn latest_report_date(c: &tokio_postgres::Client) -> Result<Option<String>> {
    c.query_one(
        "SELECT to_char(MAX(waspada_day(date)), 'YYYY-MM-DD') FROM reports",
        &[],
    )
    .await
    .map(|r| r.get(0))
    .map_err(backend("read the latest report date"))
}

const EVENT_COLUMNS: &str = "id, disease_id, area_level, area_code, place_name, country, \
     province_code, regency_code, lat, lon, first_date, last_date, klb_declared, figures, \
     n_reports, n_stories";

fn event_from_row(r: &Row) -> Result<EventRow> {
    Ok(EventRow {
        id: r.get(0),
        disease_id: r.get(1),
        area_level: r.get(2),
        area_code: r.get(3),
        place_name: r.get(4),
        country: r.get(5),
        province_code: r.get(6),
        regency_code: r.get(7),
        lat: r.get(8),
        lon: r.get(9),
        first_date: r.get(10),
        last_date: r.get(11),
        klb_declared: r.get(12),
        figures: serde_json::from_str(r.get::<_, &str>(13)).map_err(json("event figures"))?,
        n_reports: r.get(14),
        n_stories: r.get(15),
    })
}

/// The `WHERE` clause of an event filter (from `TRUE`) and its arguments, as the SQLite
/// store filters: shared by the list and its count.
fn event_where(f: &EventFilter) -> (String, Vec<&(dyn ToSql + Sync)>) {
    let mut sql = String::from(" WHERE TRUE");
    let mut args: Vec<&(dyn ToSql + Sync)> = Vec::new();
    if let Some(d) = &f.disease_id {
        args.push(d);
        sql += &format!(" AND disease_id = ${}", args.len());
    }
    if let Some(a) = &f.area {
        args.push(a);
        let n = args.len();
        sql += &format!(
            " AND (area_code = ${n} OR country = ${n} OR province_code = ${n} OR regency_code = ${n})"
        );
    }
    if let Some(s) = &f.since {
        args.push(s);
        sql += &format!(" AND last_date >= ${}", args.len());
    }
    if let Some(u) = &f.until {
        args.push(u);
        sql += &format!(" AND first_date <= ${}", args.len());
    }
    if let Some(k) = &f.klb_declared {
        args.push(k);
        sql += &format!(" AND klb_declared = ${}", args.len());
    }
    (sql, args)
}

/// Events matching a filter, latest first (then by number of stories), as the SQLite store
/// lists them.
pub(crate) async fn events(c: &tokio_postgres::Client, f: &EventFilter) -> Result<Vec<EventRow>> {
    let (clause, args) = event_where(f);
    let mut sql = format!("SELECT {EVENT_COLUMNS} FROM events{clause}");
    sql += " ORDER BY last_date DESC, n_stories DESC, id";
    if f.limit > 0 {
        sql += &format!(" LIMIT {}", f.limit);
    }
    if f.offset > 0 {
        sql += &format!(" OFFSET {}", f.offset);
    }
    let rows = c
        .query(sql.as_str(), &args)
        .await
        .map_err(backend("list events"))?;
    rows.iter().map(event_from_row).collect()
}

/// How many events match a filter (its limit and offset ignored).
pub(crate) async fn count_events(c: &tokio_postgres::Client, f: &EventFilter) -> Result<u64> {
    let (clause, args) = event_where(f);
    let n: i64 = c
        .query_one(
            format!("SELECT COUNT(*) FROM events{clause}").as_str(),
            &args,
        )
        .await
        .map_err(backend("count events"))?
        .get(0);
    Ok(n.max(0) as u64)
}

/// One event.
pub(crate) async fn event(c: &tokio_postgres::Client, id: i64) -> Result<Option<EventRow>> {
    c.query_opt(
        format!("SELECT {EVENT_COLUMNS} FROM events WHERE id = $1").as_str(),
        &[&id],
    )
    .await
    .map_err(backend("read an event"))?
    .as_ref()
    .map(event_from_row)
    .transpose()
}

/// An event's reports with their articles, oldest first.
pub(crate) async fn event_reports(
    c: &tokio_postgres::Client,
    event_id: i64,
) -> Result<Vec<ReportRow>> {
    reports_of(c, event_id, None).await
}

/// All of an event's reports oldest first, or (`limit`) the newest ones newest first
/// (index `reports_event_date` serves both without sorting).
pub(crate) async fn reports_of(
    c: &tokio_postgres::Client,
    event_id: i64,
    limit: Option<usize>,
) -> Result<Vec<ReportRow>> {
    let order = if limit.is_some() {
        "ORDER BY r.date DESC, r.article_id DESC"
    } else {
        "ORDER BY r.date, r.article_id"
    };
    let limit = limit.map_or(i64::MAX, |n| i64::try_from(n).unwrap_or(i64::MAX));
    let rows = c
        .query(
            format!(
                "SELECT r.article_id, r.cluster_id, r.date, r.klb_declared, r.counts,
                        a.title, a.canonical_url, a.source
                 FROM reports r JOIN articles a ON a.id = r.article_id
                 WHERE r.event_id = $1 {order} LIMIT $2"
            )
            .as_str(),
            &[&event_id, &limit],
        )
        .await
        .map_err(backend("read an event's reports"))?;
    rows.iter()
        .map(|r| {
            Ok(ReportRow {
                article_id: r.get(0),
                cluster_id: r.get(1),
                date: r.get(2),
                klb_declared: r.get(3),
                counts: serde_json::from_str(r.get::<_, &str>(4))
                    .map_err(json("report figures"))?,
                title: r.get(5),
                url: r.get(6),
                source: r.get(7),
            })
        })
        .collect()
}

/// Articles with ids above `after`, in id order, never past an article still being
/// written: the last id handed out is read first, then the writers of that moment are
/// waited for (an exclusive request on the lock each of them holds shared), so every id up
/// to it is committed or abandoned.
pub(crate) async fn articles_after(
    c: &mut Client,
    after: i64,
    limit: usize,
) -> Result<Vec<ArticleRecord>> {
    let bound: Option<i64> = c
        .query_one(
            "SELECT pg_sequence_last_value(pg_get_serial_sequence('articles', 'id')::regclass)",
            &[],
        )
        .await
        .map_err(backend("read the last article id"))?
        .get(0);
    let Some(bound) = bound.filter(|b| *b > after) else {
        return Ok(Vec::new());
    };
    let tx = c
        .transaction()
        .await
        .map_err(backend("wait for the articles being written"))?;
    tx.execute(
        "SELECT pg_advisory_xact_lock($1, $2)",
        &[&LOCK_SPACE, &LOCK_FEED],
    )
    .await
    .map_err(backend("wait for the articles being written"))?;
    tx.commit()
        .await
        .map_err(backend("wait for the articles being written"))?;
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let rows = c
        .query(
            format!("{ARTICLE_SELECT} WHERE a.id > $1 AND a.id <= $2 ORDER BY a.id LIMIT $3")
                .as_str(),
            &[&after, &bound, &limit],
        )
        .await
        .map_err(backend("read articles"))?;
    Ok(rows.iter().map(article_from_row).collect())
}

/// An article with its latest analysis (the greatest `analysed_at`), as SQLite reads it;
/// completed by a `WHERE` on `a`.
pub(crate) const ARTICLE_SELECT: &str = "SELECT a.id, a.external_id, a.canonical_url, a.source,
        a.title, a.raw_text, a.clean_text, a.language, a.language_hint, a.published,
        a.fetched_at, a.cluster_id, an.analyzer_version, an.json
     FROM articles a
     LEFT JOIN LATERAL (SELECT analyzer_version, json FROM analyses x
                        WHERE x.article_id = a.id
                        ORDER BY analysed_at DESC LIMIT 1) an ON TRUE";

/// An article from a row of [`ARTICLE_SELECT`].
pub(crate) fn article_from_row(r: &Row) -> ArticleRecord {
    ArticleRecord {
        id: r.get(0),
        external_id: r.get(1),
        url: r.get(2),
        source: r.get(3),
        title: r.get(4),
        raw_text: r.get(5),
        clean_text: r.get(6),
        language: r.get(7),
        language_hint: r.get(8),
        published: r.get(9),
        fetched_at: r.get(10),
        cluster_id: r.get(11),
        analyzer_version: r.get(12),
        analysis_json: r.get(13),
    }
}

/// Row counts of the main tables.
pub(crate) async fn counts(c: &tokio_postgres::Client) -> Result<StoreStats> {
    let row = c
        .query_one(
            "SELECT (SELECT COUNT(*) FROM articles),
                    (SELECT COUNT(*) FROM analyses),
                    (SELECT COUNT(DISTINCT article_id) FROM analyses WHERE is_outbreak),
                    (SELECT COUNT(DISTINCT cluster_id) FROM articles),
                    (SELECT COUNT(*) FROM reports),
                    (SELECT COUNT(*) FROM events),
                    (SELECT COUNT(*) FROM signals)",
            &[],
        )
        .await
        .map_err(backend("count rows"))?;
    let n = |i: usize| -> Result<u64> {
        u64::try_from(row.get::<_, i64>(i)).map_err(|e| StoreError::Backend {
            action: "count rows",
            source: Box::new(e),
        })
    };
    Ok(StoreStats {
        articles: n(0)?,
        analyses: n(1)?,
        outbreak_articles: n(2)?,
        stories: n(3)?,
        reports: n(4)?,
        events: n(5)?,
        signals: n(6)?,
    })
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use tokio_postgres::NoTls;
    use waspada_store::{AnalysisRow, ArticleBundle, NewArticle, Records, StoreOptions};

    use crate::testing::TempPostgres;
    use crate::{LOCK_FEED, LOCK_SPACE, PgRecords};

    async fn raw(url: &str) -> tokio_postgres::Client {
        let (client, conn) = tokio_postgres::connect(url, NoTls).await.expect("connect");
        tokio::spawn(conn);
        client
    }

    /// An article committed while an earlier id is still being written is not handed to
    /// the indexer before that earlier one: its watermark would skip it for ever.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_feed_waits_for_an_earlier_article_still_being_written() {
        let Some(pg) = TempPostgres::for_test() else {
            return;
        };
        let records = Arc::new(
            PgRecords::connect(pg.url(), StoreOptions::default())
                .await
                .expect("connect"),
        );
        // A slow writer: it holds the feed lock and an id, and has not committed.
        let mut slow = raw(pg.url()).await;
        let tx = slow.transaction().await.unwrap();
        tx.execute(
            "SELECT pg_advisory_xact_lock_shared($1, $2)",
            &[&LOCK_SPACE, &LOCK_FEED],
        )
        .await
        .unwrap();
        let early: i64 = tx
            .query_one(
                "SELECT nextval(pg_get_serial_sequence('articles', 'id'))",
                &[],
            )
            .await
            .unwrap()
            .get(0);
        // A quicker writer commits the next id.
        let quick = ArticleBundle {
            article: NewArticle {
                canonical_url: Some("https://a.example/cepat".into()),
                content_hash: [7; 16],
                raw_text: "teks".into(),
                clean_text: "teks".into(),
                language: "id".into(),
                ..NewArticle::default()
            },
            analysis: AnalysisRow {
                analyzer_version: "uji-1".into(),
                is_outbreak: false,
                category: "other".into(),
                relevance: 0.0,
                json: "{}".into(),
            },
            reports: Vec::new(),
        };
        let late = records.store_articles(&[quick]).await.unwrap()[0].id();
        assert!(late > early);

        let reader = tokio::spawn({
            let records = Arc::clone(&records);
            async move { records.articles_after(0, 10).await }
        });
        // The reader must be waiting on the feed lock (checked, not timed: up to 10 s).
        let watcher = raw(pg.url()).await;
        let mut waiting = false;
        for _ in 0..1000 {
            let n: i64 = watcher
                .query_one(
                    "SELECT COUNT(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted
                         AND classid = $1 AND objid = $2 AND objsubid = 2",
                    &[&(LOCK_SPACE as u32), &(LOCK_FEED as u32)],
                )
                .await
                .unwrap()
                .get(0);
            if n > 0 || reader.is_finished() {
                waiting = n > 0;
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        assert!(
            waiting,
            "the feed must wait for the article still being written"
        );
        tx.execute(
            "INSERT INTO articles (id, content_hash, raw_text, clean_text, language,
                 fetched_at, cluster_id, simhash)
             VALUES ($1, '\\x01', 'lambat', 'lambat', 'id', 0, $1, 0)",
            &[&early],
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        let feed = reader.await.unwrap().unwrap();
        assert_eq!(
            feed.iter().map(|a| a.id).collect::<Vec<_>>(),
            vec![early, late]
        );
    }
}
