//! Writes: a batch of articles with their analyses and reports, the series rebuild and
//! signals. Each runs inside one transaction the caller opened (and retries).
//!
//! Lock order, the same in every writer so that none can deadlock on them: the shared feed
//! lock, then the URL, text and LSH band keys of the whole batch, then the disease × area
//! keys of the batch's reports (each set ascending, `waspada_lock_keys`). The band keys
//! make near-duplicates stored at the same moment by two workers meet: the second waits
//! for the first to commit, then its candidate lookup sees the first's bands, so both
//! share one cluster. Unrelated articles rarely share a band key, so they rarely wait.
//!
//! A batch costs three round trips whatever its size, plus its transaction's begin and
//! commit: (1) the locks, then every row the batch's decisions read (stored URLs and
//! texts, near-duplicate candidates, fresh ids, report windows); (2) the articles, their
//! signatures, LSH keys, URLs and analyses, each one multi-row `INSERT … SELECT FROM
//! unnest(…)`, and the events the reports may join; (3) the events updated and opened and
//! the reports. The decisions in between are made in memory (`plan`). The statements of a
//! round trip are prepared once per connection and sent together (tokio-postgres pipelines
//! futures polled together, in the order they are polled; the server runs them in that
//! order, so a later statement sees an earlier one's rows and locks).

use std::borrow::Cow;

use deadpool_postgres::Transaction;
use tokio_postgres::Statement;
use waspada_events::report::Report;
use waspada_store::{
    ArticleBundle, EventFigure, Inserted, MAX_CANDIDATES, NewArticle, NewSignal, Result,
    StoreError, StoreOptions, area_column, signature_to_blob,
};

use crate::error::{STORE_ARTICLES, backend, json};
use crate::plan::{self, EventState, Known, NewReport, StoredEvent};
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

/// The lock key of one LSH band key (the candidates of a near-duplicate lookup).
fn band_lock_key(key: u64) -> String {
    format!("b:{key:016x}")
}

/// The lock key of the events of one disease in one area (parts NUL-free).
fn event_key(disease: &str, level: &str, code: &str) -> String {
    format!("e:{disease}|{level}|{code}")
}

/// The URLs an article is known by: canonical first, without a repeat.
fn urls(a: &NewArticle) -> Vec<Cow<'_, str>> {
    let mut all: Vec<Cow<'_, str>> = [a.canonical_url.as_deref(), a.url.as_deref()]
        .into_iter()
        .flatten()
        .map(text)
        .collect();
    all.dedup();
    all
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

/// A statement prepared once per connection (deadpool keeps them per connection).
async fn prepare(tx: &Transaction<'_>, sql: &str, action: &'static str) -> Result<Statement> {
    tx.prepare_cached(sql).await.map_err(backend(action))
}

/// The near-duplicate candidates of every article of a batch: per article (`ord`), the
/// lowest [`MAX_CANDIDATES`] stored articles sharing one of its LSH keys. Those are among
/// the lowest [`MAX_CANDIDATES`] of each key, which the `(key, article_id)` index yields
/// in order: the lookup reads at most that many rows a key, however popular the key.
/// Each candidate comes once, with the articles (`ord`s) it is a candidate of: a
/// signature is sent once per batch, not once per article.
fn candidates_sql() -> String {
    format!(
        "WITH q AS (
             SELECT ord, array_agg(DISTINCT key) AS keys
             FROM unnest($1::INTEGER[], $2::BIGINT[]) AS t (ord, key) GROUP BY ord
         ), c AS (
             SELECT q.ord, l.article_id FROM q CROSS JOIN LATERAL (
                 SELECT DISTINCT p.article_id
                 FROM unnest(q.keys) AS k (key) CROSS JOIN LATERAL (
                     SELECT DISTINCT b.article_id FROM lsh_band b WHERE b.key = k.key
                     ORDER BY b.article_id LIMIT {MAX_CANDIDATES}) p
                 ORDER BY p.article_id LIMIT {MAX_CANDIDATES}) l
         )
         SELECT s.article_id, s.cluster_id, s.minhash, c.ords
         FROM (SELECT article_id, array_agg(ord) AS ords FROM c GROUP BY article_id) c
         JOIN article_signatures s ON s.article_id = c.article_id"
    )
}

const NEXT_ARTICLE_IDS: &str =
    "SELECT nextval(pg_get_serial_sequence('articles', 'id')) FROM generate_series(1, $1::BIGINT)";
const NEXT_EVENT_IDS: &str =
    "SELECT nextval(pg_get_serial_sequence('events', 'id')) FROM generate_series(1, $1::BIGINT)";

/// Each report date ± the event window, as the day arithmetic of the database has it
/// (`NULL` when the date names no day).
const WINDOWS: &str = "SELECT to_char(waspada_day(d) - $2::INTEGER, 'YYYY-MM-DD'),
        to_char(waspada_day(d) + $2::INTEGER, 'YYYY-MM-DD')
    FROM unnest($1::TEXT[]) WITH ORDINALITY AS t (d, i) ORDER BY i";

/// The events the batch's reports may join (key and dates overlapping a report's window),
/// with the batch's stories each already has reports of.
const CANDIDATE_EVENTS: &str = "SELECT e.id, e.disease_id, e.area_level, e.area_code,
        e.first_date, e.last_date, e.figures, e.klb_declared,
        ARRAY(SELECT DISTINCT r.cluster_id FROM reports r
              WHERE r.event_id = e.id AND r.cluster_id = ANY($6::BIGINT[]))
    FROM events e
    WHERE e.id IN (
        SELECT c.id FROM unnest($1::TEXT[], $2::TEXT[], $3::TEXT[], $4::TEXT[], $5::TEXT[])
                AS q (disease, level, code, lo, hi)
        JOIN events c ON c.disease_id = q.disease AND c.area_level = q.level
            AND c.area_code = q.code AND c.last_date >= q.lo AND c.first_date <= q.hi)";

const INSERT_ARTICLES: &str = "INSERT INTO articles (id, external_id, canonical_url,
        content_hash, source, source_id, title, raw_text, clean_text, language,
        language_hint, published, fetched_at, cluster_id, similarity, simhash)
    SELECT * FROM unnest($1::BIGINT[], $2::TEXT[], $3::TEXT[], $4::BYTEA[], $5::TEXT[],
        $6::BIGINT[], $7::TEXT[], $8::TEXT[], $9::TEXT[], $10::TEXT[], $11::TEXT[],
        $12::TEXT[], $13::BIGINT[], $14::BIGINT[], $15::DOUBLE PRECISION[], $16::BIGINT[])";

const INSERT_SIGNATURES: &str = "INSERT INTO article_signatures (article_id, cluster_id, minhash)
    SELECT * FROM unnest($1::BIGINT[], $2::BIGINT[], $3::BYTEA[])";

const INSERT_BANDS: &str = "INSERT INTO lsh_band (band, key, article_id)
    SELECT * FROM unnest($1::INTEGER[], $2::BIGINT[], $3::BIGINT[])";

const INSERT_URLS: &str = "INSERT INTO article_urls (url, article_id)
    SELECT * FROM unnest($1::TEXT[], $2::BIGINT[]) ON CONFLICT DO NOTHING";

const INSERT_ANALYSES: &str = "INSERT INTO analyses
        (article_id, analyzer_version, analysed_at, is_outbreak, category, relevance, json)
    SELECT * FROM unnest($1::BIGINT[], $2::TEXT[], $3::BIGINT[], $4::BOOLEAN[], $5::TEXT[],
        $6::DOUBLE PRECISION[], $7::TEXT[])
    ON CONFLICT (article_id, analyzer_version) DO UPDATE SET
        analysed_at = excluded.analysed_at, is_outbreak = excluded.is_outbreak,
        category = excluded.category, relevance = excluded.relevance, json = excluded.json";

const UPDATE_EVENTS: &str = "UPDATE events e SET first_date = u.first_date,
        last_date = u.last_date, figures = u.figures, klb_declared = u.klb,
        n_reports = e.n_reports + u.reports, n_stories = e.n_stories + u.stories,
        updated_at = $8
    FROM unnest($1::BIGINT[], $2::TEXT[], $3::TEXT[], $4::TEXT[], $5::BOOLEAN[],
        $6::BIGINT[], $7::BIGINT[]) AS u (id, first_date, last_date, figures, klb, reports, stories)
    WHERE e.id = u.id";

const INSERT_EVENTS: &str = "INSERT INTO events (id, disease_id, area_level, area_code,
        place_name, country, province_code, regency_code, lat, lon, first_date, last_date,
        klb_declared, figures, n_reports, n_stories, updated_at)
    SELECT u.*, $17::BIGINT FROM unnest($1::BIGINT[], $2::TEXT[], $3::TEXT[], $4::TEXT[],
        $5::TEXT[], $6::TEXT[], $7::TEXT[], $8::TEXT[], $9::DOUBLE PRECISION[],
        $10::DOUBLE PRECISION[], $11::TEXT[], $12::TEXT[], $13::BOOLEAN[], $14::TEXT[],
        $15::BIGINT[], $16::BIGINT[]) AS u";

const INSERT_REPORTS: &str = "INSERT INTO reports (article_id, cluster_id, event_id,
        disease_id, area_level, area_code, place_name, country, province_code, regency_code,
        date, klb_declared, counts)
    SELECT * FROM unnest($1::BIGINT[], $2::BIGINT[], $3::BIGINT[], $4::TEXT[], $5::TEXT[],
        $6::TEXT[], $7::TEXT[], $8::TEXT[], $9::TEXT[], $10::TEXT[], $11::TEXT[],
        $12::BOOLEAN[], $13::TEXT[])";

/// A report of the batch with its NUL-free key and date.
struct Keyed<'a> {
    article: usize,
    report: &'a Report,
    key: (String, String, String),
    date: String,
}

fn planning(what: &'static str) -> StoreError {
    StoreError::Backend {
        action: "plan a batch",
        source: what.into(),
    }
}

/// Stores a batch: see [`waspada_store::Records::store_articles`].
pub(crate) async fn store_batch(
    tx: &Transaction<'_>,
    options: &StoreOptions,
    batch: &[ArticleBundle],
) -> Result<Vec<Inserted>> {
    if batch.is_empty() {
        return Ok(Vec::new());
    }
    let articles: Vec<&NewArticle> = batch.iter().map(|b| &b.article).collect();
    let all_urls: Vec<Vec<Cow<'_, str>>> = articles.iter().map(|a| urls(a)).collect();
    let identity: Vec<String> = articles
        .iter()
        .zip(&all_urls)
        .flat_map(|(a, u)| {
            // An article without a signature has no near-duplicate lookup to guard.
            let bands: &[(u16, u64)] = if a.minhash.is_empty() {
                &[]
            } else {
                &a.band_keys
            };
            u.iter()
                .map(|u| url_key(u))
                .chain([text_key(&a.content_hash)])
                .chain(bands.iter().map(|(_, k)| band_lock_key(*k)))
        })
        .collect();
    // Every report's event is locked, also those of articles that turn out to be copies:
    // the set is known before the lookups, so the locks go in the same round trip.
    let reports: Vec<Keyed<'_>> = batch
        .iter()
        .enumerate()
        .flat_map(|(i, b)| b.reports.iter().map(move |r| (i, r)))
        .map(|(article, r)| Keyed {
            article,
            report: r,
            key: (
                text(&r.disease_id).into_owned(),
                text(&r.area.level).into_owned(),
                text(&r.area.code).into_owned(),
            ),
            date: text(&r.date).into_owned(),
        })
        .collect();
    let event_keys: Vec<String> = reports
        .iter()
        .map(|r| event_key(&r.key.0, &r.key.1, &r.key.2))
        .collect();
    let flat_urls: Vec<&str> = all_urls.iter().flatten().map(AsRef::as_ref).collect();
    let hashes: Vec<&[u8]> = articles.iter().map(|a| &a.content_hash[..]).collect();
    let (mut ords, mut band_keys) = (Vec::new(), Vec::new());
    for (i, a) in articles.iter().enumerate() {
        if !a.minhash.is_empty() {
            for (_, k) in &a.band_keys {
                ords.push(i as i32);
                band_keys.push(*k as i64);
            }
        }
    }
    let dates: Vec<&str> = reports.iter().map(|r| r.date.as_str()).collect();
    let window = i32::try_from(options.event_window_days).unwrap_or(i32::MAX);

    // Round trip 1: locks, then what the decisions read.
    let feed_lock = prepare(
        tx,
        "SELECT pg_advisory_xact_lock_shared($1, $2)",
        "take the article feed lock",
    )
    .await?;
    let lock = prepare(tx, "SELECT waspada_lock_keys($1)", "lock the batch's keys").await?;
    let by_url = prepare(
        tx,
        "SELECT url, article_id FROM article_urls WHERE url = ANY($1::TEXT[])",
        "look up article URLs",
    )
    .await?;
    let by_hash = prepare(
        tx,
        "SELECT content_hash, id FROM articles WHERE content_hash = ANY($1::BYTEA[])",
        "look up article texts",
    )
    .await?;
    let near = prepare(tx, &candidates_sql(), "look up near-duplicates").await?;
    let next_ids = prepare(tx, NEXT_ARTICLE_IDS, "number new articles").await?;
    let windows = prepare(tx, WINDOWS, "date the event windows").await?;
    let n = batch.len() as i64;
    let (_, _, _, url_rows, hash_rows, near_rows, id_rows, window_rows) = tokio::try_join!(
        async {
            tx.execute(&feed_lock, &[&LOCK_SPACE, &LOCK_FEED])
                .await
                .map_err(backend("take the article feed lock"))
        },
        async {
            tx.execute(&lock, &[&identity])
                .await
                .map_err(backend("lock the batch's URLs, texts and bands"))
        },
        async {
            tx.execute(&lock, &[&event_keys])
                .await
                .map_err(backend("lock the events of the batch's reports"))
        },
        async {
            tx.query(&by_url, &[&flat_urls])
                .await
                .map_err(backend("look up article URLs"))
        },
        async {
            tx.query(&by_hash, &[&hashes])
                .await
                .map_err(backend("look up article texts"))
        },
        async {
            tx.query(&near, &[&ords, &band_keys])
                .await
                .map_err(backend("look up near-duplicates"))
        },
        async {
            tx.query(&next_ids, &[&n])
                .await
                .map_err(backend("number new articles"))
        },
        async {
            tx.query(&windows, &[&dates, &window])
                .await
                .map_err(backend("date the event windows"))
        },
    )?;
    let mut known = Known::default();
    for r in &url_rows {
        known.urls.insert(r.get(0), r.get(1));
    }
    for r in &hash_rows {
        known.hashes.insert(r.get(0), r.get(1));
    }
    for r in &near_rows {
        let (id, cluster, signature): (i64, i64, Vec<u8>) = (r.get(0), r.get(1), r.get(2));
        for ord in r.get::<_, Vec<i32>>(3) {
            known.candidates.entry(ord as usize).or_default().push((
                id,
                cluster,
                signature.clone(),
            ));
        }
    }
    let mut ids: Vec<i64> = id_rows.iter().map(|r| r.get(0)).collect();
    ids.sort_unstable();
    let planned = plan::plan_articles(
        &articles,
        &all_urls,
        &known,
        &ids,
        options.near_duplicate_threshold,
    )
    .map_err(planning)?;

    // The reports of new articles, each with the window its event must overlap.
    let new_reports: Vec<NewReport<'_>> = reports
        .iter()
        .zip(&window_rows)
        .filter_map(|(r, w)| match planned.outcomes[r.article] {
            Inserted::New { id, cluster_id, .. } => Some(NewReport {
                article_id: id,
                cluster_id,
                report: r.report,
                key: r.key.clone(),
                date: r.date.clone(),
                window: w.get::<_, Option<String>>(0).zip(w.get(1)),
            }),
            _ => None,
        })
        .collect();

    // Round trip 2: the articles, and the events their reports may join.
    let stored_events = write_articles_and_find_events(tx, batch, &planned, &new_reports).await?;
    let (stored, event_ids) = stored_events;
    let events = plan::plan_events(&new_reports, stored, &event_ids).map_err(planning)?;

    // Round trip 3: events and reports.
    if !new_reports.is_empty() {
        write_events(tx, &new_reports, &events).await?;
    }
    Ok(planned.outcomes)
}

/// Sends the new articles' rows and the URL aliases, and reads the events the new
/// reports may join with fresh event ids, in one round trip.
async fn write_articles_and_find_events(
    tx: &Transaction<'_>,
    batch: &[ArticleBundle],
    planned: &plan::ArticlePlan,
    reports: &[NewReport<'_>],
) -> Result<(Vec<StoredEvent>, Vec<i64>)> {
    let new = &planned.new;
    let a = |i: usize| &batch[new[i].index].article;
    let m = new.len();
    let ids: Vec<i64> = new.iter().map(|n| n.id).collect();
    let clusters: Vec<i64> = new.iter().map(|n| n.cluster_id).collect();
    let external: Vec<Option<Cow<'_, str>>> = (0..m).map(|i| opt_text(&a(i).external_id)).collect();
    let canonical: Vec<Option<Cow<'_, str>>> =
        (0..m).map(|i| opt_text(&a(i).canonical_url)).collect();
    let hashes: Vec<&[u8]> = (0..m).map(|i| &a(i).content_hash[..]).collect();
    let source: Vec<Option<Cow<'_, str>>> = (0..m).map(|i| opt_text(&a(i).source)).collect();
    let source_id: Vec<Option<i64>> = (0..m).map(|i| a(i).source_id).collect();
    let title: Vec<Option<Cow<'_, str>>> = (0..m).map(|i| opt_text(&a(i).title)).collect();
    let raw: Vec<Cow<'_, str>> = (0..m).map(|i| text(&a(i).raw_text)).collect();
    let clean: Vec<Cow<'_, str>> = (0..m).map(|i| text(&a(i).clean_text)).collect();
    let language: Vec<Cow<'_, str>> = (0..m).map(|i| text(&a(i).language)).collect();
    let hint: Vec<Option<Cow<'_, str>>> = (0..m).map(|i| opt_text(&a(i).language_hint)).collect();
    let published: Vec<Option<Cow<'_, str>>> = (0..m).map(|i| opt_text(&a(i).published)).collect();
    let fetched: Vec<i64> = (0..m).map(|i| a(i).fetched_at).collect();
    let similarity: Vec<Option<f64>> = new.iter().map(|n| n.similarity).collect();
    let simhash: Vec<i64> = (0..m).map(|i| a(i).simhash as i64).collect();

    // Signatures and LSH keys of the articles that have them.
    let (mut sig_ids, mut sig_clusters, mut sigs) = (Vec::new(), Vec::new(), Vec::new());
    let (mut bands, mut keys, mut band_ids) = (Vec::new(), Vec::new(), Vec::new());
    for (i, n) in new.iter().enumerate() {
        let article = a(i);
        sig_ids.push(n.id);
        sig_clusters.push(n.cluster_id);
        sigs.push(signature_to_blob(&article.minhash));
        for (b, k) in &article.band_keys {
            bands.push(i32::from(*b));
            keys.push(*k as i64);
            band_ids.push(n.id);
        }
    }
    let alias_urls: Vec<&str> = planned.aliases.iter().map(|(u, _)| u.as_str()).collect();
    let alias_ids: Vec<i64> = planned.aliases.iter().map(|(_, id)| *id).collect();

    let analysis = |i: usize| &batch[new[i].index].analysis;
    let versions: Vec<Cow<'_, str>> = (0..m)
        .map(|i| text(&analysis(i).analyzer_version))
        .collect();
    let now = waspada_store::now_ms();
    let analysed_at: Vec<i64> = vec![now; m];
    let outbreak: Vec<bool> = (0..m).map(|i| analysis(i).is_outbreak).collect();
    let category: Vec<Cow<'_, str>> = (0..m).map(|i| text(&analysis(i).category)).collect();
    let relevance: Vec<f64> = (0..m).map(|i| analysis(i).relevance).collect();
    let analysis_json: Vec<Cow<'_, str>> = (0..m).map(|i| text(&analysis(i).json)).collect();

    // The events: one row per report that can join one.
    let windowed: Vec<&NewReport<'_>> = reports.iter().filter(|r| r.window.is_some()).collect();
    let q_disease: Vec<&str> = windowed.iter().map(|r| r.key.0.as_str()).collect();
    let q_level: Vec<&str> = windowed.iter().map(|r| r.key.1.as_str()).collect();
    let q_code: Vec<&str> = windowed.iter().map(|r| r.key.2.as_str()).collect();
    let (q_lo, q_hi): (Vec<&str>, Vec<&str>) = windowed
        .iter()
        .filter_map(|r| r.window.as_ref())
        .map(|(lo, hi)| (lo.as_str(), hi.as_str()))
        .unzip();
    let mut story_ids: Vec<i64> = reports.iter().map(|r| r.cluster_id).collect();
    story_ids.sort_unstable();
    story_ids.dedup();
    let wanted_ids = reports.len() as i64;

    let insert_articles = prepare(tx, INSERT_ARTICLES, STORE_ARTICLES).await?;
    let insert_signatures = prepare(tx, INSERT_SIGNATURES, "store MinHash signatures").await?;
    let insert_bands = prepare(tx, INSERT_BANDS, "store LSH buckets").await?;
    let insert_urls = prepare(tx, INSERT_URLS, "store article URLs").await?;
    let insert_analyses = prepare(tx, INSERT_ANALYSES, "store analyses").await?;
    let find_events = prepare(tx, CANDIDATE_EVENTS, "find the events of reports").await?;
    let next_ids = prepare(tx, NEXT_EVENT_IDS, "number new events").await?;
    let (_, _, _, _, _, event_rows, id_rows) = tokio::try_join!(
        async {
            if m == 0 {
                return Ok(0);
            }
            tx.execute(
                &insert_articles,
                &[
                    &ids,
                    &external,
                    &canonical,
                    &hashes,
                    &source,
                    &source_id,
                    &title,
                    &raw,
                    &clean,
                    &language,
                    &hint,
                    &published,
                    &fetched,
                    &clusters,
                    &similarity,
                    &simhash,
                ],
            )
            .await
            .map_err(backend(STORE_ARTICLES))
        },
        async {
            if m == 0 {
                return Ok(0);
            }
            tx.execute(&insert_signatures, &[&sig_ids, &sig_clusters, &sigs])
                .await
                .map_err(backend("store MinHash signatures"))
        },
        async {
            if bands.is_empty() {
                return Ok(0);
            }
            tx.execute(&insert_bands, &[&bands, &keys, &band_ids])
                .await
                .map_err(backend("store LSH buckets"))
        },
        async {
            if alias_urls.is_empty() {
                return Ok(0);
            }
            tx.execute(&insert_urls, &[&alias_urls, &alias_ids])
                .await
                .map_err(backend("store article URLs"))
        },
        async {
            if m == 0 {
                return Ok(0);
            }
            tx.execute(
                &insert_analyses,
                &[
                    &ids,
                    &versions,
                    &analysed_at,
                    &outbreak,
                    &category,
                    &relevance,
                    &analysis_json,
                ],
            )
            .await
            .map_err(backend("store analyses"))
        },
        async {
            if windowed.is_empty() {
                return Ok(Vec::new());
            }
            tx.query(
                &find_events,
                &[&q_disease, &q_level, &q_code, &q_lo, &q_hi, &story_ids],
            )
            .await
            .map_err(backend("find the events of reports"))
        },
        async {
            if wanted_ids == 0 {
                return Ok(Vec::new());
            }
            tx.query(&next_ids, &[&wanted_ids])
                .await
                .map_err(backend("number new events"))
        },
    )?;
    let mut stored = Vec::with_capacity(event_rows.len());
    for r in &event_rows {
        stored.push(StoredEvent {
            id: r.get(0),
            key: (r.get(1), r.get(2), r.get(3)),
            first_date: r.get(4),
            last_date: r.get(5),
            figures: serde_json::from_str(r.get::<_, &str>(6)).map_err(json("event figures"))?,
            klb_declared: r.get(7),
            clusters: r.get(8),
        });
    }
    // The plan's tie-break and the old statement's `ORDER BY … id` agree when events come
    // in id order.
    stored.sort_by_key(|e| e.id);
    let mut event_ids: Vec<i64> = id_rows.iter().map(|r| r.get(0)).collect();
    event_ids.sort_unstable();
    Ok((stored, event_ids))
}

fn figures_json(figures: &[EventFigure]) -> String {
    serde_json::to_string(figures).unwrap_or_else(|_| "[]".into())
}

/// Updates the stored events the batch changed, opens the new ones and stores the
/// reports, in one round trip (in that order: a report refers to its event).
async fn write_events(
    tx: &Transaction<'_>,
    reports: &[NewReport<'_>],
    plan: &plan::EventPlan,
) -> Result<()> {
    let now = waspada_store::now_ms();
    let u = &plan.updated;
    let u_ids: Vec<i64> = u.iter().map(|e| e.id).collect();
    let u_first: Vec<&str> = u.iter().map(|e| e.first_date.as_str()).collect();
    let u_last: Vec<&str> = u.iter().map(|e| e.last_date.as_str()).collect();
    let u_figures: Vec<String> = u.iter().map(|e| figures_json(&e.figures)).collect();
    let u_klb: Vec<bool> = u.iter().map(|e| e.klb_declared).collect();
    let u_reports: Vec<i64> = u.iter().map(|e| e.added_reports).collect();
    let u_stories: Vec<i64> = u.iter().map(|e| e.added_stories).collect();

    let o = &plan.opened;
    let opener = |e: &EventState| e.opened_by.and_then(|i| reports.get(i));
    let openers: Vec<&NewReport<'_>> = o.iter().filter_map(opener).collect();
    if openers.len() != o.len() {
        return Err(planning("a new event without the report that opened it"));
    }
    let o_ids: Vec<i64> = o.iter().map(|e| e.id).collect();
    let o_disease: Vec<&str> = openers.iter().map(|r| r.key.0.as_str()).collect();
    let o_level: Vec<&str> = openers.iter().map(|r| r.key.1.as_str()).collect();
    let o_code: Vec<&str> = openers.iter().map(|r| r.key.2.as_str()).collect();
    let o_place: Vec<Cow<'_, str>> = openers.iter().map(|r| text(&r.report.place_name)).collect();
    let o_country: Vec<Cow<'_, str>> = openers.iter().map(|r| text(&r.report.country)).collect();
    let o_province: Vec<Option<Cow<'_, str>>> = openers
        .iter()
        .map(|r| opt_text(&r.report.province_code))
        .collect();
    let o_regency: Vec<Option<Cow<'_, str>>> = openers
        .iter()
        .map(|r| opt_text(&r.report.regency_code))
        .collect();
    let o_lat: Vec<Option<f64>> = openers.iter().map(|r| r.report.lat).collect();
    let o_lon: Vec<Option<f64>> = openers.iter().map(|r| r.report.lon).collect();
    let o_first: Vec<&str> = o.iter().map(|e| e.first_date.as_str()).collect();
    let o_last: Vec<&str> = o.iter().map(|e| e.last_date.as_str()).collect();
    let o_klb: Vec<bool> = o.iter().map(|e| e.klb_declared).collect();
    let o_figures: Vec<String> = o.iter().map(|e| figures_json(&e.figures)).collect();
    let o_reports: Vec<i64> = o.iter().map(|e| e.added_reports).collect();
    let o_stories: Vec<i64> = o.iter().map(|e| e.added_stories).collect();

    let r_article: Vec<i64> = reports.iter().map(|r| r.article_id).collect();
    let r_cluster: Vec<i64> = reports.iter().map(|r| r.cluster_id).collect();
    let r_disease: Vec<&str> = reports.iter().map(|r| r.key.0.as_str()).collect();
    let r_level: Vec<&str> = reports.iter().map(|r| r.key.1.as_str()).collect();
    let r_code: Vec<&str> = reports.iter().map(|r| r.key.2.as_str()).collect();
    let r_place: Vec<Cow<'_, str>> = reports.iter().map(|r| text(&r.report.place_name)).collect();
    let r_country: Vec<Cow<'_, str>> = reports.iter().map(|r| text(&r.report.country)).collect();
    let r_province: Vec<Option<Cow<'_, str>>> = reports
        .iter()
        .map(|r| opt_text(&r.report.province_code))
        .collect();
    let r_regency: Vec<Option<Cow<'_, str>>> = reports
        .iter()
        .map(|r| opt_text(&r.report.regency_code))
        .collect();
    let r_date: Vec<&str> = reports.iter().map(|r| r.date.as_str()).collect();
    let r_klb: Vec<bool> = reports.iter().map(|r| r.report.klb_declared).collect();
    let r_counts: Vec<String> = reports
        .iter()
        .map(|r| serde_json::to_string(&r.report.counts).unwrap_or_else(|_| "[]".into()))
        .collect();

    let update = prepare(tx, UPDATE_EVENTS, "update events").await?;
    let insert_events = prepare(tx, INSERT_EVENTS, "open events").await?;
    let insert_reports = prepare(tx, INSERT_REPORTS, "store reports").await?;
    tokio::try_join!(
        async {
            if u.is_empty() {
                return Ok(0);
            }
            tx.execute(
                &update,
                &[
                    &u_ids, &u_first, &u_last, &u_figures, &u_klb, &u_reports, &u_stories, &now,
                ],
            )
            .await
            .map_err(backend("update events"))
        },
        async {
            if o.is_empty() {
                return Ok(0);
            }
            tx.execute(
                &insert_events,
                &[
                    &o_ids,
                    &o_disease,
                    &o_level,
                    &o_code,
                    &o_place,
                    &o_country,
                    &o_province,
                    &o_regency,
                    &o_lat,
                    &o_lon,
                    &o_first,
                    &o_last,
                    &o_klb,
                    &o_figures,
                    &o_reports,
                    &o_stories,
                    &now,
                ],
            )
            .await
            .map_err(backend("open events"))
        },
        async {
            tx.execute(
                &insert_reports,
                &[
                    &r_article,
                    &r_cluster,
                    &plan.event_of,
                    &r_disease,
                    &r_level,
                    &r_code,
                    &r_place,
                    &r_country,
                    &r_province,
                    &r_regency,
                    &r_date,
                    &r_klb,
                    &r_counts,
                ],
            )
            .await
            .map_err(backend("store reports"))
        },
    )?;
    Ok(())
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
        let link = prepare(
            tx,
            &format!(
                "INSERT INTO signal_events (signal_id, event_id)
                 SELECT DISTINCT $1::BIGINT, event_id FROM reports
                 WHERE disease_id = $2 AND {column} = $3
                   AND to_char(waspada_day(date), 'YYYY-MM-DD') BETWEEN $4 AND $5
                 ON CONFLICT DO NOTHING"
            ),
            "link a signal to its events",
        )
        .await?;
        tx.execute(
            &link,
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
