//! The `Records` contract, checked on both stores: the embedded SQLite one and PostgreSQL.
//!
//! Each behaviour is one generic function over `R: Records`; the SQLite tests run each on
//! a store in memory, the PostgreSQL test runs each on a fresh database of one temporary
//! server. The concurrency test (PostgreSQL only) runs four workers, each with its own
//! pool, storing overlapping batches at once.
//!
//! The test articles come from `support` (a small word list, no news text), signed with
//! the same MinHash as the pipeline, so near-duplicates behave as in production.

mod support;

use std::future::Future;
use std::sync::Arc;

use support::{bundle, cases, copy_of, report, story};
use waspada_store::{
    ArticleBundle, EventFilter, FetchState, Inserted, NewSignal, Records, SourceSpec,
    SqliteRecords, Store, StoreOptions, Workplace,
};
use waspada_store_pg::PgRecords;
use waspada_store_pg::testing::TempPostgres;

fn signal(method: &str, period: &str, observed: u32) -> NewSignal {
    NewSignal {
        disease_id: "dengue".into(),
        area_level: "regency".into(),
        area_code: "32.05".into(),
        frequency: "weekly".into(),
        period_start: period.into(),
        period_end: period.into(),
        method: method.into(),
        observed,
        expected: Some(1.5),
        upperbound: Some(4.0),
        score: None,
        explanation: "lebih banyak laporan dari biasanya".into(),
    }
}

async fn store<R: Records>(r: &R, batch: Vec<ArticleBundle>) -> Vec<Inserted> {
    r.store_articles(&batch).await.expect("store a batch")
}

fn new_id(i: &Inserted) -> i64 {
    match i {
        Inserted::New { id, .. } => *id,
        other => panic!("expected a new article, got {other:?}"),
    }
}

// ---------------------------------------------------------------------------------------
// The behaviours.

/// New, same URL and same text: outcomes, ids, URL aliases.
async fn conformance_outcomes<R: Records>(r: &R) {
    let out = store(
        r,
        vec![
            bundle(story("https://a.example/1", 1), vec![]),
            bundle(story("https://a.example/2", 2), vec![]),
        ],
    )
    .await;
    let (a, b) = (new_id(&out[0]), new_id(&out[1]));
    assert_ne!(a, b);

    // The same page again, its text since edited: the page is known.
    let edited = story("https://a.example/1", 3);
    let out = store(r, vec![bundle(edited, vec![])]).await;
    assert_eq!(out, vec![Inserted::SameUrl { id: a }]);

    // The same text under another outlet's URL: a copy, its URL now an alias.
    let mut copy = story("https://b.example/x", 2);
    copy.url = None;
    let out = store(r, vec![bundle(copy, vec![])]).await;
    assert_eq!(out, vec![Inserted::SameText { id: b }]);

    let known = r
        .known_urls(&[
            "https://a.example/1".into(),
            "https://b.example/x".into(),
            "https://a.example/1?utm_source=feed".into(),
            "https://nowhere.example/".into(),
        ])
        .await
        .unwrap();
    assert_eq!(known, vec![Some(a), Some(b), Some(a), None]);
    let counts = r.counts().await.unwrap();
    assert_eq!(
        (counts.articles, counts.analyses, counts.stories),
        (2, 2, 2)
    );
}

/// A syndicated copy is stored but joins the first article's story.
async fn conformance_near_duplicate<R: Records>(r: &R) {
    let out = store(
        r,
        vec![
            bundle(story("https://a.example/asli", 10), vec![]),
            bundle(copy_of("https://b.example/salinan", 10), vec![]),
            bundle(story("https://c.example/lain", 11), vec![]),
        ],
    )
    .await;
    let first = new_id(&out[0]);
    match out[1] {
        Inserted::New {
            cluster_id,
            similarity: Some(s),
            ..
        } => {
            assert_eq!(cluster_id, first);
            assert!(s >= StoreOptions::default().near_duplicate_threshold, "{s}");
        }
        other => panic!("the copy should be new in the first story: {other:?}"),
    }
    match out[2] {
        Inserted::New {
            id,
            cluster_id,
            similarity: None,
        } => assert_eq!(id, cluster_id),
        other => panic!("an unrelated text starts its own story: {other:?}"),
    }
    let counts = r.counts().await.unwrap();
    assert_eq!((counts.articles, counts.stories), (3, 2));
}

/// A batch the database refuses stores nothing, and the store stays usable.
async fn conformance_batch_atomicity<R: Records>(r: &R) {
    let good = bundle(
        story("https://a.example/baik", 20),
        vec![report("dengue", "32.05", "2024-03-01")],
    );
    let mut bad = bundle(story("https://a.example/rusak", 21), vec![]);
    // Relevance is a number in 0..1; NaN is refused by both stores.
    bad.analysis.relevance = f64::NAN;
    let err = r.store_articles(&[good.clone(), bad]).await;
    assert!(err.is_err(), "a batch with an invalid analysis must fail");
    let counts = r.counts().await.unwrap();
    assert_eq!(
        (
            counts.articles,
            counts.analyses,
            counts.reports,
            counts.events
        ),
        (0, 0, 0, 0)
    );
    assert_eq!(
        r.known_urls(&["https://a.example/baik".into()])
            .await
            .unwrap(),
        vec![None]
    );
    let out = store(r, vec![good]).await;
    assert!(out[0].is_new());
    assert_eq!(r.counts().await.unwrap().events, 1);
}

/// A batch delivered twice adds nothing the second time and answers with the first ids.
async fn conformance_idempotent<R: Records>(r: &R) {
    let batch = vec![
        bundle(
            story("https://a.example/p1", 30),
            vec![report("dengue", "32.05", "2024-03-01")],
        ),
        bundle(
            story("https://a.example/p2", 31),
            vec![report("dengue", "32.05", "2024-03-02")],
        ),
        bundle(
            copy_of("https://b.example/p1", 30),
            vec![report("dengue", "32.05", "2024-03-02")],
        ),
    ];
    let first = store(r, batch.clone()).await;
    let before = r.counts().await.unwrap();
    let second = store(r, batch).await;
    assert_eq!(
        second,
        first
            .iter()
            .map(|i| Inserted::SameUrl { id: i.id() })
            .collect::<Vec<_>>()
    );
    assert_eq!(r.counts().await.unwrap(), before);
    assert_eq!(before.reports, 3);
    let events = r.events(&EventFilter::default()).await.unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!((events[0].n_reports, events[0].n_stories), (3, 2));
}

/// Reports of one disease and area join an event within the window and open a new one
/// beyond it; another disease has events of its own.
async fn conformance_event_window<R: Records>(r: &R) {
    let window = i64::from(StoreOptions::default().event_window_days);
    assert_eq!(window, 30, "the dates below assume a 30-day window");
    let out = store(
        r,
        vec![
            bundle(
                story("https://a.example/e1", 40),
                vec![report("dengue", "32.05", "2024-03-01")],
            ),
            bundle(
                story("https://a.example/e2", 41),
                vec![report("dengue", "32.05", "2024-03-25")],
            ),
            // 70 days after the last report: a new event.
            bundle(
                story("https://a.example/e3", 42),
                vec![report("dengue", "32.05", "2024-06-03")],
            ),
            bundle(
                story("https://a.example/e4", 43),
                vec![report("measles", "32.05", "2024-03-02")],
            ),
            bundle(
                story("https://a.example/e5", 44),
                vec![report("dengue", "32.06", "2024-03-02")],
            ),
        ],
    )
    .await;
    let ids: Vec<i64> = out.iter().map(Inserted::id).collect();
    let dengue = r
        .events(&EventFilter {
            disease_id: Some("dengue".into()),
            area: Some("32.05".into()),
            ..EventFilter::default()
        })
        .await
        .unwrap();
    assert_eq!(dengue.len(), 2, "{dengue:?}");
    // Latest first.
    assert_eq!(
        (dengue[0].first_date.as_str(), dengue[0].last_date.as_str()),
        ("2024-06-03", "2024-06-03")
    );
    assert_eq!(
        (dengue[1].first_date.as_str(), dengue[1].last_date.as_str()),
        ("2024-03-01", "2024-03-25")
    );
    assert_eq!(dengue[1].n_reports, 2);
    let history = r.event_reports(dengue[1].id).await.unwrap();
    assert_eq!(
        history
            .iter()
            .map(|h| (h.article_id, h.date.as_str()))
            .collect::<Vec<_>>(),
        vec![(ids[0], "2024-03-01"), (ids[1], "2024-03-25")]
    );
    assert_eq!(history[0].url.as_deref(), Some("https://a.example/e1"));
    assert_eq!(r.counts().await.unwrap().events, 4);
    // The province holds both regencies' events, paging through them.
    let in_province = EventFilter {
        area: Some("32".into()),
        ..EventFilter::default()
    };
    assert_eq!(r.events(&in_province).await.unwrap().len(), 4);
    let page = r
        .events(&EventFilter {
            limit: 2,
            offset: 1,
            ..in_province
        })
        .await
        .unwrap();
    assert_eq!(page.len(), 2);
    assert_eq!(page[0].last_date, "2024-03-25");
}

/// The figure of the latest report stands (even when smaller); on the same date the larger;
/// an earlier report does not replace it. A KLB declared once marks the event.
async fn conformance_figures_and_klb<R: Records>(r: &R) {
    let with = |date: &str, value: u64, klb: bool| {
        let mut rep = report("dengue", "32.05", date);
        rep.counts = vec![cases(value, true)];
        rep.klb_declared = klb;
        vec![rep]
    };
    let out = store(
        r,
        vec![
            bundle(
                story("https://a.example/f1", 50),
                with("2024-03-01", 10, false),
            ),
            bundle(
                story("https://a.example/f2", 51),
                with("2024-03-05", 7, true),
            ),
            bundle(
                story("https://a.example/f3", 52),
                with("2024-03-03", 50, false),
            ),
            bundle(
                story("https://a.example/f4", 53),
                with("2024-03-05", 6, false),
            ),
        ],
    )
    .await;
    let events = r.events(&EventFilter::default()).await.unwrap();
    assert_eq!(events.len(), 1);
    let e = &events[0];
    assert!(e.klb_declared);
    assert_eq!(e.figures.len(), 1);
    let f = &e.figures[0];
    assert_eq!(
        (
            f.kind.as_str(),
            f.value,
            f.date.as_str(),
            f.article_id,
            f.cumulative
        ),
        ("cases", 7, "2024-03-05", out[1].id(), true)
    );
    let klb = r
        .events(&EventFilter {
            klb_declared: Some(true),
            ..EventFilter::default()
        })
        .await
        .unwrap();
    assert_eq!(klb.len(), 1);
    let not_klb = EventFilter {
        klb_declared: Some(false),
        ..EventFilter::default()
    };
    assert!(r.events(&not_klb).await.unwrap().is_empty());
}

/// Series count distinct stories per disease × area × day and ISO week (from Monday), at
/// every level.
async fn conformance_series<R: Records>(r: &R) {
    store(
        r,
        vec![
            // Wednesday 2024-03-06: two stories and a copy of the first.
            bundle(
                story("https://a.example/s1", 60),
                vec![report("dengue", "32.05", "2024-03-06")],
            ),
            bundle(
                copy_of("https://b.example/s1", 60),
                vec![report("dengue", "32.05", "2024-03-06")],
            ),
            bundle(
                story("https://a.example/s2", 61),
                vec![report("dengue", "32.05", "2024-03-06")],
            ),
            // Sunday 2024-03-10, same ISO week; Monday 2024-03-11, the next one.
            bundle(
                story("https://a.example/s3", 62),
                vec![report("dengue", "32.05", "2024-03-10")],
            ),
            bundle(
                story("https://a.example/s4", 63),
                vec![report("dengue", "32.06", "2024-03-11")],
            ),
        ],
    )
    .await;
    assert_eq!(r.series("daily").await.unwrap(), vec![], "not built yet");
    r.refresh_series().await.unwrap();
    let points = |rows: &[waspada_store::SeriesRow], level: &str, code: &str| {
        rows.iter()
            .find(|s| s.disease_id == "dengue" && s.area_level == level && s.area_code == code)
            .map(|s| {
                s.points
                    .iter()
                    .map(|p| (p.period_start.clone(), p.reports))
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    };
    let p = |d: &str, n: u32| (d.to_string(), n);
    let daily = r.series("daily").await.unwrap();
    assert_eq!(
        points(&daily, "regency", "32.05"),
        vec![p("2024-03-06", 2), p("2024-03-10", 1)]
    );
    assert_eq!(points(&daily, "regency", "32.06"), vec![p("2024-03-11", 1)]);
    assert_eq!(
        points(&daily, "province", "32"),
        vec![p("2024-03-06", 2), p("2024-03-10", 1), p("2024-03-11", 1)]
    );
    assert_eq!(daily.len(), 4, "two regencies, a province, a country");
    let weekly = r.series("weekly").await.unwrap();
    assert_eq!(
        points(&weekly, "regency", "32.05"),
        vec![p("2024-03-04", 3)]
    );
    assert_eq!(
        points(&weekly, "country", "IDN"),
        vec![p("2024-03-04", 3), p("2024-03-11", 1)]
    );
    assert_eq!(
        r.latest_report_date().await.unwrap().as_deref(),
        Some("2024-03-11")
    );
    // Rebuilding again gives the same series.
    r.refresh_series().await.unwrap();
    assert_eq!(r.series("weekly").await.unwrap(), weekly);
}

/// Signals are keyed by method, disease, area and period: recording one again updates it
/// under the same id, in any order.
async fn conformance_signals<R: Records>(r: &R) {
    assert_eq!(r.latest_report_date().await.unwrap(), None);
    store(
        r,
        vec![bundle(
            story("https://a.example/g1", 70),
            vec![report("dengue", "32.05", "2024-03-06")],
        )],
    )
    .await;
    let ids = r
        .put_signals(&[
            signal("ears-c2", "2024-03-04", 5),
            signal("farrington", "2024-03-04", 5),
        ])
        .await
        .unwrap();
    assert_ne!(ids[0], ids[1]);
    let again = r
        .put_signals(&[
            signal("farrington", "2024-03-04", 9),
            signal("ears-c2", "2024-03-04", 9),
            signal("ears-c2", "2024-03-11", 2),
        ])
        .await
        .unwrap();
    assert_eq!(&again[..2], &[ids[1], ids[0]]);
    assert!(!ids.contains(&again[2]));
    assert_eq!(r.counts().await.unwrap().signals, 3);
}

/// The indexer's feed: every article once, in id order, page by page, with its analysis.
async fn conformance_articles_after<R: Records>(r: &R) {
    let batch: Vec<ArticleBundle> = (0..5)
        .map(|i| bundle(story(&format!("https://a.example/h{i}"), 80 + i), vec![]))
        .collect();
    let ids: Vec<i64> = store(r, batch).await.iter().map(Inserted::id).collect();
    let mut seen = Vec::new();
    let mut after = 0;
    loop {
        let page = r.articles_after(after, 2).await.unwrap();
        if page.is_empty() {
            break;
        }
        assert!(page.len() <= 2);
        after = page.last().map(|a| a.id).unwrap_or(after);
        seen.extend(page);
    }
    assert_eq!(seen.iter().map(|a| a.id).collect::<Vec<_>>(), ids);
    let first = &seen[0];
    assert_eq!(first.url.as_deref(), Some("https://a.example/h0"));
    assert_eq!(first.analyzer_version.as_deref(), Some("uji-1"));
    assert_eq!(
        first.analysis_json.as_deref(),
        Some("{\"id\":\"https://a.example/h0\",\"diseases\":[]}")
    );
    assert_eq!(first.cluster_id, first.id);
    assert!(r.articles_after(ids[4], 10).await.unwrap().is_empty());
}

/// Counts: outbreak articles are those whose analysis says so; reports and events.
async fn conformance_counts<R: Records>(r: &R) {
    let empty = r.counts().await.unwrap();
    assert_eq!(empty.articles + empty.events + empty.signals, 0);
    store(
        r,
        vec![
            bundle(
                story("https://a.example/k1", 90),
                vec![
                    report("dengue", "32.05", "2024-03-06"),
                    report("dengue", "32.06", "2024-03-06"),
                ],
            ),
            bundle(story("https://a.example/k2", 91), vec![]),
            bundle(
                copy_of("https://a.example/k3", 90),
                vec![report("dengue", "32.05", "2024-03-07")],
            ),
        ],
    )
    .await;
    let c = r.counts().await.unwrap();
    assert_eq!(
        (
            c.articles,
            c.analyses,
            c.outbreak_articles,
            c.stories,
            c.reports,
            c.events
        ),
        (3, 3, 2, 2, 3, 2)
    );
}

/// Odd input is stored, not refused: an article twice in one batch, a NUL character in a
/// text and a URL, a report whose date is not a date (it opens an event of its own and is
/// left out of the series).
async fn conformance_odd_input<R: Records>(r: &R) {
    let twice = bundle(story("https://a.example/dua-kali", 100), vec![]);
    let out = store(r, vec![twice.clone(), twice]).await;
    assert_eq!(
        out[1],
        Inserted::SameUrl {
            id: new_id(&out[0])
        }
    );

    let mut nul = story("https://a.example/nul\0", 101);
    nul.raw_text.push_str(" akhir\0teks");
    nul.title = Some("judul\0".into());
    let out = store(r, vec![bundle(nul, vec![])]).await;
    let id = new_id(&out[0]);
    assert_eq!(
        r.known_urls(&["https://a.example/nul\0".into()])
            .await
            .unwrap(),
        vec![Some(id)]
    );

    store(
        r,
        vec![
            bundle(
                story("https://a.example/tanggal-1", 102),
                vec![report("dengue", "32.05", "kemarin")],
            ),
            bundle(
                story("https://a.example/tanggal-2", 103),
                vec![report("dengue", "32.05", "2024-03-01")],
            ),
            bundle(
                story("https://a.example/tanggal-3", 104),
                vec![report("dengue", "32.05", "tidak jelas")],
            ),
        ],
    )
    .await;
    assert_eq!(r.counts().await.unwrap().events, 3);
    r.refresh_series().await.unwrap();
    let daily = r.series("daily").await.unwrap();
    assert_eq!(daily.len(), 3, "regency, province, country: {daily:?}");
    assert!(
        daily
            .iter()
            .all(|s| s.points.len() == 1 && s.points[0].period_start == "2024-03-01")
    );
    assert_eq!(
        r.latest_report_date().await.unwrap().as_deref(),
        Some("2024-03-01")
    );
}

fn source(name: &str, url: &str, language: &str) -> SourceSpec {
    SourceSpec {
        name: name.into(),
        url: Some(url.into()),
        kind: "feed".into(),
        country: Some("IDN".into()),
        language: Some(language.into()),
    }
}

/// Sources are registered by name (again: updated, same id) and each URL keeps one fetch
/// state, the last one put; `w` is the dashboard's view of the same database.
async fn conformance_sources<R: Records, W: Workplace>(r: &R, w: &W) {
    // The Workplace is synchronous (PostgreSQL's blocks on the runtime): off the workers.
    let sources = || tokio::task::block_in_place(|| w.sources()).expect("list sources");
    let states =
        |id| tokio::task::block_in_place(|| w.source_fetch_states(id)).expect("read fetch state");
    assert_eq!(r.register_sources(&[]).await.unwrap(), Vec::<i64>::new());
    let dinkes = source("Dinkes Garut", "https://dinkes.example/rss", "id");
    let kabar = source("Kabar Sehat", "https://kabar.example/feed", "id");
    let ids = r
        .register_sources(&[dinkes.clone(), kabar.clone()])
        .await
        .unwrap();
    assert_ne!(ids[0], ids[1]);

    // The configuration changed: a URL moved, a source was added; ids in the order asked.
    let moved = source("Dinkes Garut", "https://dinkes.example/atom", "su");
    let added = source("Berita Malaysia", "https://berita.example/rss", "ms");
    let again = r
        .register_sources(&[added.clone(), moved.clone(), kabar.clone(), moved.clone()])
        .await
        .unwrap();
    assert_eq!(again[1..], [ids[0], ids[1], ids[0]]);
    assert!(!ids.contains(&again[0]), "{again:?}");
    let listed: Vec<(i64, String, Option<String>, Option<String>)> = sources()
        .into_iter()
        .map(|s| (s.id, s.name, s.url, s.language))
        .collect();
    assert_eq!(
        listed,
        vec![
            (again[0], added.name, added.url, added.language),
            (ids[0], moved.name, moved.url, moved.language),
            (ids[1], kabar.name, kabar.url, kabar.language),
        ]
    );

    let ok = FetchState {
        url: "https://dinkes.example/atom".into(),
        source_id: Some(ids[0]),
        etag: Some("\"v1\"".into()),
        last_attempt_at: Some(1_700_000_000_000),
        last_success_at: Some(1_700_000_000_500),
        last_status: Some(200),
        next_attempt_at: Some(1_700_000_900_000),
        items_seen: 12,
        items_new: 3,
        ..FetchState::default()
    };
    r.put_fetch_state(&ok).await.unwrap();
    assert_eq!(states(ids[0]), vec![ok.clone()]);
    // The next poll failed: its state replaces the first, the last success stays.
    let failed = FetchState {
        last_attempt_at: Some(1_700_000_950_000),
        last_status: Some(503),
        last_error: Some("server answered 503 Service Unavailable".into()),
        consecutive_failures: 1,
        next_attempt_at: Some(1_700_001_100_000),
        ..ok.clone()
    };
    r.put_fetch_state(&failed).await.unwrap();
    let other_url = FetchState {
        url: "https://dinkes.example/rss".into(),
        ..ok.clone()
    };
    r.put_fetch_state(&other_url).await.unwrap();
    assert_eq!(states(ids[0]), vec![failed, other_url]);
    assert_eq!(states(ids[1]), vec![]);
}

/// Hands the list of behaviours to `$then`: both stores run every one.
macro_rules! behaviours {
    ($then:ident) => {
        $then! {
            conformance_outcomes,
            conformance_near_duplicate,
            conformance_batch_atomicity,
            conformance_idempotent,
            conformance_event_window,
            conformance_figures_and_klb,
            conformance_series,
            conformance_signals,
            conformance_articles_after,
            conformance_counts,
            conformance_odd_input,
        }
    };
}

// ---------------------------------------------------------------------------------------
// SQLite: one store in memory per behaviour.

fn sqlite() -> SqliteRecords {
    SqliteRecords::new(Store::in_memory().expect("open a store in memory"))
}

macro_rules! on_sqlite {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            use super::*;
            $(
                #[tokio::test]
                async fn $name() {
                    super::$name(&sqlite()).await;
                }
            )*
        }
    };
}

behaviours!(on_sqlite);

/// Sources on SQLite: the records and the dashboard's view on one file, two connections.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_sources() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("waspada.sqlite");
    let records = SqliteRecords::new(Store::open(&path).expect("open the store"));
    let view = Store::open(&path).expect("open the store again");
    conformance_sources(&records, &view).await;
}

// ---------------------------------------------------------------------------------------
// PostgreSQL: one server, a fresh database per behaviour.

async fn on_fresh_database<F, Fut>(pg: &TempPostgres, name: &str, check: F)
where
    F: FnOnce(PgRecords) -> Fut,
    Fut: Future<Output = ()>,
{
    let url = pg
        .fresh_database()
        .unwrap_or_else(|e| panic!("{name}: create a database: {e}"));
    let records = PgRecords::connect(&url, StoreOptions::default())
        .await
        .unwrap_or_else(|e| panic!("{name}: connect: {e}"));
    eprintln!("postgres: {name}");
    check(records).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_conforms() {
    let Some(pg) = TempPostgres::for_test() else {
        return;
    };
    macro_rules! each {
        ($($name:ident),* $(,)?) => {
            $(on_fresh_database(&pg, stringify!($name), |r| async move { $name(&r).await }).await;)*
        };
    }
    behaviours!(each);
    on_fresh_database(&pg, "conformance_sources", |r| async move {
        let w = r.workplace(tokio::runtime::Handle::current());
        conformance_sources(&r, &w).await;
    })
    .await;
}

/// Four workers, each with its own pool (as four processes would), connect to a new
/// database at once (the migrations must not race) and store the same articles in
/// different orders and batches: each article is stored once, each of its reports once,
/// and each disease × area has one event.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_concurrent_workers_store_each_article_once() {
    let Some(pg) = TempPostgres::for_test() else {
        return;
    };
    let url = pg.fresh_database().expect("create a database");
    const ARTICLES: u64 = 24;
    let all: Vec<ArticleBundle> = (0..ARTICLES)
        .map(|i| {
            let day = format!("2024-04-{:02}", 1 + i % 5);
            let mut reports = vec![report("dengue", "32.05", &day)];
            if i % 3 == 0 {
                reports.push(report("chikungunya", "32.05", &day));
            }
            if i % 4 == 0 {
                reports.push(report("dengue", "32.06", &day));
            }
            bundle(story(&format!("https://a.example/w{i}"), 1000 + i), reports)
        })
        .collect();
    let expected_reports: usize = all.iter().map(|b| b.reports.len()).sum();
    let all = Arc::new(all);

    let workers: Vec<_> = (0..4u64)
        .map(|w| {
            let (url, all) = (url.clone(), Arc::clone(&all));
            tokio::spawn(async move {
                let records = PgRecords::connect_with_pool(&url, StoreOptions::default(), 2)
                    .await
                    .expect("connect a worker");
                // Each worker its own order: rotated, every other worker reversed.
                let mut order: Vec<usize> = (0..all.len()).collect();
                order.rotate_left((w as usize * 7) % all.len());
                if w % 2 == 1 {
                    order.reverse();
                }
                let mut ids = vec![0i64; all.len()];
                for chunk in order.chunks(3 + w as usize) {
                    let batch: Vec<ArticleBundle> = chunk.iter().map(|&i| all[i].clone()).collect();
                    let out = records.store_articles(&batch).await.expect("store a batch");
                    for (&i, o) in chunk.iter().zip(&out) {
                        ids[i] = o.id();
                    }
                }
                // Then each rebuilds the series and records the same signals, in its own order.
                records.refresh_series().await.expect("rebuild the series");
                let mut signals = vec![
                    signal("ears-c2", "2024-04-01", 9),
                    signal("farrington", "2024-04-01", 9),
                    signal("ears-c3", "2024-04-01", 9),
                ];
                signals.rotate_left(w as usize % 3);
                let signal_ids = records.put_signals(&signals).await.expect("record signals");
                let mut by_method: Vec<(String, i64)> = signals
                    .iter()
                    .map(|s| s.method.clone())
                    .zip(signal_ids)
                    .collect();
                by_method.sort();
                (ids, by_method)
            })
        })
        .collect();
    let mut answers = Vec::new();
    for w in workers {
        answers.push(w.await.expect("a worker panicked"));
    }
    for other in &answers[1..] {
        assert_eq!(
            other.0, answers[0].0,
            "every worker got the same id for each article"
        );
        assert_eq!(
            other.1, answers[0].1,
            "every worker got the same id for each signal"
        );
    }
    let answers: Vec<Vec<i64>> = answers.into_iter().map(|(ids, _)| ids).collect();

    let records = PgRecords::connect(&url, StoreOptions::default())
        .await
        .unwrap();
    let c = records.counts().await.unwrap();
    assert_eq!(c.articles, ARTICLES);
    assert_eq!(c.analyses, ARTICLES);
    assert_eq!(c.reports, expected_reports as u64);
    let events = records.events(&EventFilter::default()).await.unwrap();
    let mut keys: Vec<(String, String)> = events
        .iter()
        .map(|e| (e.disease_id.clone(), e.area_code.clone()))
        .collect();
    keys.sort();
    assert_eq!(
        keys,
        vec![
            ("chikungunya".to_string(), "32.05".to_string()),
            ("dengue".to_string(), "32.05".to_string()),
            ("dengue".to_string(), "32.06".to_string()),
        ],
        "one event per disease × area"
    );
    assert_eq!(
        events.iter().map(|e| e.n_reports).sum::<i64>(),
        expected_reports as i64
    );
    assert_eq!(c.signals, 3);
    let weekly = records.series("weekly").await.unwrap();
    let dengue = weekly
        .iter()
        .find(|s| s.disease_id == "dengue" && s.area_code == "32.05")
        .expect("a dengue series in 32.05");
    // 2024-04-01 is a Monday: every report falls in that week, one story per article.
    assert_eq!(dengue.points.len(), 1);
    assert_eq!(dengue.points[0].reports, ARTICLES as u32);
    let feed = records.articles_after(0, 1000).await.unwrap();
    let mut expected_ids = answers[0].clone();
    expected_ids.sort();
    assert_eq!(feed.iter().map(|a| a.id).collect::<Vec<_>>(), expected_ids);
}

/// Two workers store a story and its syndicated copy at the same moment, round after
/// round: the copy always joins the story's cluster, whichever commits first (the batch
/// locks the LSH band keys it looks up, so the second writer waits for the first and then
/// sees its bands).
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_near_duplicates_stored_at_once_share_a_cluster() {
    let Some(pg) = TempPostgres::for_test() else {
        return;
    };
    let url = pg.fresh_database().expect("create a database");
    const ROUNDS: u64 = 40;
    let barrier = Arc::new(tokio::sync::Barrier::new(2));
    let workers: Vec<_> = (0..2u64)
        .map(|w| {
            let (url, barrier) = (url.clone(), Arc::clone(&barrier));
            tokio::spawn(async move {
                let records = PgRecords::connect_with_pool(&url, StoreOptions::default(), 1)
                    .await
                    .expect("connect a worker");
                let mut clusters = Vec::new();
                for round in 0..ROUNDS {
                    let seed = 5000 + round;
                    let article = if w == 0 {
                        story(&format!("https://a.example/s{round}"), seed)
                    } else {
                        copy_of(&format!("https://b.example/c{round}"), seed)
                    };
                    barrier.wait().await;
                    let out = records
                        .store_articles(&[bundle(article, Vec::new())])
                        .await
                        .expect("store");
                    match out[0] {
                        Inserted::New { cluster_id, .. } => clusters.push(cluster_id),
                        ref other => panic!("round {round}: not new: {other:?}"),
                    }
                }
                clusters
            })
        })
        .collect();
    let mut answers = Vec::new();
    for w in workers {
        answers.push(w.await.expect("a worker panicked"));
    }
    let split: Vec<u64> = (0..ROUNDS)
        .filter(|&r| answers[0][r as usize] != answers[1][r as usize])
        .collect();
    assert!(
        split.is_empty(),
        "rounds where the copy started a cluster of its own: {split:?}"
    );
}
