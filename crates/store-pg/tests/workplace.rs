//! The `Workplace` contract (what `waspada serve` reads and writes), checked on both
//! stores: the embedded SQLite one and PostgreSQL.
//!
//! Each behaviour is one function over a [`Subject`]: a workplace (and the alert
//! dispatcher's [`Outbox`]), plus the writes that only the pipeline or the fetcher make (articles and signals
//! through `Records`, sources, queued alerts). The SQLite tests run each behaviour on a
//! store in memory; the PostgreSQL test runs each on a fresh database of one temporary
//! server (with `WASPADA_CI=1` a missing PostgreSQL fails it). The test articles come from
//! `support` (a small word list, no news text).
//!
//! The workplace is synchronous and `PgWorkplace` blocks on a runtime, so these are plain
//! `#[test]`s that call it from the test thread, as serve's blocking threads do.

mod support;

use tokio::runtime::{Handle, Runtime};
use waspada_events::report::{Area, Report};
use waspada_store::{
    AlertFilter, ArticleBundle, Delivery, EventFilter, FetchState, Inserted, NewAlert, NewArticle,
    NewSignal, NewSubscription, NewTriage, Outbox, Records, Role, SignalQuery, SignalSort,
    SqliteRecords, Store, StoreOptions, Subscription, TrendPoint, TriageAction, UserChange,
    Workplace,
};
use waspada_store_pg::testing::TempPostgres;
use waspada_store_pg::{CLAIM_MS, PgRecords, PgWorkplace};

use support::{bundle, report, story};

// ---------------------------------------------------------------------------------------
// The two subjects.

/// A workplace, and the writes the tests need that are not the workplace's own.
trait Subject {
    /// The store under test.
    type W: Outbox;
    /// The workplace.
    fn work(&mut self) -> &mut Self::W;
    /// Stores articles (`Records::store_articles`).
    fn store(&mut self, batch: Vec<ArticleBundle>) -> Vec<Inserted>;
    /// Records one signal (`Records::put_signals`); one at a time, ids follow the calls.
    fn put_signal(&mut self, s: NewSignal) -> i64;
    /// Rebuilds the series (`Records::refresh_series`).
    fn refresh_series(&mut self);
    /// Queues alerts, as the dispatcher does; how many were new.
    fn enqueue_alerts(&mut self, alerts: &[NewAlert]) -> usize;
    /// Registers a source; its id.
    fn add_source(&mut self, name: &str, kind: &str) -> i64;
    /// Saves the fetch state of a URL, as the fetcher does.
    fn put_fetch_state(&mut self, s: &FetchState);
    /// Runs a statement of SQL both stores read alike (a write no interface makes).
    fn execute(&mut self, sql: &str);
}

/// SQLite in memory. `Records` is `SqliteRecords`, which owns the store: each write
/// wraps the store for the call and takes it back.
struct Lite {
    store: Option<Store>,
    rt: Runtime,
}

impl Lite {
    fn new() -> Lite {
        Lite {
            store: Some(Store::in_memory().expect("open a store in memory")),
            rt: tokio::runtime::Builder::new_current_thread()
                .build()
                .expect("a runtime"),
        }
    }

    fn store_mut(&mut self) -> &mut Store {
        self.store
            .as_mut()
            .expect("the store is back after each write")
    }
}

impl Subject for Lite {
    type W = Store;

    fn work(&mut self) -> &mut Store {
        self.store_mut()
    }

    fn store(&mut self, batch: Vec<ArticleBundle>) -> Vec<Inserted> {
        let records = SqliteRecords::new(self.store.take().expect("store"));
        let out = self.rt.block_on(records.store_articles(&batch));
        self.store = Some(records.into_inner());
        out.expect("store articles")
    }

    fn put_signal(&mut self, s: NewSignal) -> i64 {
        let records = SqliteRecords::new(self.store.take().expect("store"));
        let out = self.rt.block_on(records.put_signals(&[s]));
        self.store = Some(records.into_inner());
        out.expect("record a signal")[0]
    }

    fn refresh_series(&mut self) {
        let records = SqliteRecords::new(self.store.take().expect("store"));
        let out = self.rt.block_on(records.refresh_series());
        self.store = Some(records.into_inner());
        out.expect("rebuild the series")
    }

    fn enqueue_alerts(&mut self, alerts: &[NewAlert]) -> usize {
        self.store_mut()
            .enqueue_alerts(alerts)
            .expect("enqueue alerts")
    }

    fn add_source(&mut self, name: &str, kind: &str) -> i64 {
        let b = self.store_mut().batch().expect("begin");
        let id = b
            .upsert_source(
                name,
                Some("https://dinkes.example/"),
                kind,
                Some("IDN"),
                None,
            )
            .expect("register a source");
        b.commit().expect("commit");
        id
    }

    fn put_fetch_state(&mut self, s: &FetchState) {
        let b = self.store_mut().batch().expect("begin");
        b.put_fetch_state(s).expect("save fetch state");
        b.commit().expect("commit");
    }

    fn execute(&mut self, sql: &str) {
        self.store_mut()
            .connection()
            .execute(sql, [])
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
    }
}

/// PostgreSQL: `PgRecords` and `PgWorkplace` on one fresh database, their async work run
/// on the test's runtime.
struct Pg {
    handle: Handle,
    url: String,
    records: PgRecords,
    work: PgWorkplace,
}

impl Pg {
    fn fresh(pg: &TempPostgres, rt: &Runtime, name: &str) -> Pg {
        let url = pg
            .fresh_database()
            .unwrap_or_else(|e| panic!("{name}: create a database: {e}"));
        let records = rt
            .block_on(PgRecords::connect(&url, StoreOptions::default()))
            .unwrap_or_else(|e| panic!("{name}: connect: {e}"));
        let work = records.workplace(rt.handle().clone());
        Pg {
            handle: rt.handle().clone(),
            url,
            records,
            work,
        }
    }
}

impl Subject for Pg {
    type W = PgWorkplace;

    fn work(&mut self) -> &mut PgWorkplace {
        &mut self.work
    }

    fn store(&mut self, batch: Vec<ArticleBundle>) -> Vec<Inserted> {
        self.handle
            .block_on(self.records.store_articles(&batch))
            .expect("store articles")
    }

    fn put_signal(&mut self, s: NewSignal) -> i64 {
        self.handle
            .block_on(self.records.put_signals(&[s]))
            .expect("record a signal")[0]
    }

    fn refresh_series(&mut self) {
        self.handle
            .block_on(self.records.refresh_series())
            .expect("rebuild the series")
    }

    fn enqueue_alerts(&mut self, alerts: &[NewAlert]) -> usize {
        self.work.enqueue_alerts(alerts).expect("enqueue alerts")
    }

    fn add_source(&mut self, name: &str, kind: &str) -> i64 {
        let spec = waspada_store::SourceSpec {
            name: name.into(),
            url: Some("https://dinkes.example/".into()),
            kind: kind.into(),
            country: Some("IDN".into()),
            language: None,
        };
        self.handle
            .block_on(self.records.register_sources(&[spec]))
            .expect("register a source")[0]
    }

    fn put_fetch_state(&mut self, s: &FetchState) {
        self.handle
            .block_on(self.records.put_fetch_state(s))
            .expect("save fetch state")
    }

    fn execute(&mut self, sql: &str) {
        self.handle.block_on(async {
            let (client, connection) = tokio_postgres::connect(&self.url, tokio_postgres::NoTls)
                .await
                .expect("connect");
            let driver = tokio::spawn(connection);
            client
                .batch_execute(sql)
                .await
                .unwrap_or_else(|e| panic!("{sql}: {e}"));
            drop(client);
            let _ = driver.await;
        })
    }
}

// ---------------------------------------------------------------------------------------
// The fixture: events in West Java (32), Central Java (33) and Malaysia, seven signals.

/// An article of its own text, one report per given `(disease, regency, date)`.
fn news(n: u64, reports: Vec<Report>) -> ArticleBundle {
    bundle(story(&format!("https://a.example/{n}"), n), reports)
}

/// A report on a whole country (no province or regency).
fn country_report(disease: &str, country: &str, date: &str) -> Report {
    Report {
        disease_id: disease.into(),
        area: Area {
            level: "country".into(),
            code: country.into(),
        },
        place_name: country.into(),
        country: country.into(),
        province_code: None,
        regency_code: None,
        lat: None,
        lon: None,
        date: date.into(),
        klb_declared: false,
        counts: Vec::new(),
    }
}

/// A signal on one series and period (`frequency`, first and last day), with its figures.
fn signal(
    disease: &str,
    level: &str,
    code: &str,
    (frequency, start, end): (&str, &str, &str),
    method: &str,
    (observed, expected, score): (u32, Option<f64>, Option<f64>),
) -> NewSignal {
    NewSignal {
        disease_id: disease.into(),
        area_level: level.into(),
        area_code: code.into(),
        frequency: frequency.into(),
        period_start: start.into(),
        period_end: end.into(),
        method: method.into(),
        observed,
        expected,
        upperbound: expected.map(|e| e + 2.0),
        score,
        explanation: "lebih banyak laporan dari biasanya".into(),
    }
}

const WEEK_0304: (&str, &str, &str) = ("weekly", "2024-03-04", "2024-03-10");
const WEEK_0212: (&str, &str, &str) = ("weekly", "2024-02-12", "2024-02-18");

struct Fixture {
    /// Articles 0..=6 (6 has no report).
    articles: Vec<i64>,
    /// Dengue in Garut (32.05): three reports, 2024-02-12 to 2024-03-06.
    e_garut: i64,
    /// Dengue in Bandung (32.73).
    e_bandung: i64,
    /// Malaria in 33.01.
    e_malaria: i64,
    /// Dengue in Malaysia.
    e_malaysia: i64,
    /// Signals 1..=7 at index 0..=6.
    s: [i64; 7],
}

/// Stores the fixture's articles and signals.
///
/// | signal | disease, area | period | method | observed, expected, score | events |
/// |---|---|---|---|---|---|
/// | S1 | dengue 32.05 | week 03-04 | ears-c2 | 5, 1, 3 | Garut |
/// | S2 | dengue 32.05 | week 03-04 | rule-klb-declared | 2, -, - | Garut |
/// | S3 | dengue 32.73 | week 03-04 | farrington | 3, 0.5, 5 | Bandung |
/// | S4 | malaria 33.01 | week 02-12 | ears-c2 | 4, 2, 1.5 | malaria |
/// | S5 | dengue 32 | week 03-04 | ears-c2 | 8, 2, 2.5 | Garut, Bandung |
/// | S6 | dengue 35.01 | day 01-10 | rule-new-area | 1, -, - | none |
/// | S7 | dengue MYS | week 03-04 | rule-deaths | 2, -, - | Malaysia |
fn seed<S: Subject>(s: &mut S) -> Fixture {
    let mut batch = vec![
        news(1, vec![report("dengue", "32.05", "2024-03-05")]),
        news(2, vec![report("dengue", "32.05", "2024-03-06")]),
        news(3, vec![report("dengue", "32.05", "2024-02-12")]),
        news(4, vec![report("dengue", "32.73", "2024-03-05")]),
        news(5, vec![report("malaria", "33.01", "2024-02-12")]),
        news(6, vec![country_report("dengue", "MYS", "2024-03-05")]),
        news(7, Vec::new()),
    ];
    batch[3].article.source = Some("Kabar Lain".into());
    batch[1].article.published = Some("2024-03-09".into());
    let articles: Vec<i64> = s.store(batch).iter().map(Inserted::id).collect();
    let event = |s: &mut S, disease: &str, area: &str| {
        let found = s
            .work()
            .events(&EventFilter {
                disease_id: Some(disease.into()),
                area: Some(area.into()),
                ..EventFilter::default()
            })
            .expect("events");
        assert_eq!(found.len(), 1, "one event of {disease} in {area}");
        found[0].id
    };
    let e_garut = event(s, "dengue", "32.05");
    let e_bandung = event(s, "dengue", "32.73");
    let e_malaria = event(s, "malaria", "33.01");
    let e_malaysia = event(s, "dengue", "MYS");
    let rows = [
        signal(
            "dengue",
            "regency",
            "32.05",
            WEEK_0304,
            "ears-c2",
            (5, Some(1.0), Some(3.0)),
        ),
        signal(
            "dengue",
            "regency",
            "32.05",
            WEEK_0304,
            "rule-klb-declared",
            (2, None, None),
        ),
        signal(
            "dengue",
            "regency",
            "32.73",
            WEEK_0304,
            "farrington",
            (3, Some(0.5), Some(5.0)),
        ),
        signal(
            "malaria",
            "regency",
            "33.01",
            WEEK_0212,
            "ears-c2",
            (4, Some(2.0), Some(1.5)),
        ),
        signal(
            "dengue",
            "province",
            "32",
            WEEK_0304,
            "ears-c2",
            (8, Some(2.0), Some(2.5)),
        ),
        signal(
            "dengue",
            "regency",
            "35.01",
            ("daily", "2024-01-10", "2024-01-10"),
            "rule-new-area",
            (1, None, None),
        ),
        signal(
            "dengue",
            "country",
            "MYS",
            WEEK_0304,
            "rule-deaths",
            (2, None, None),
        ),
    ];
    let mut ids = [0; 7];
    for (i, row) in rows.into_iter().enumerate() {
        ids[i] = s.put_signal(row);
    }
    Fixture {
        articles,
        e_garut,
        e_bandung,
        e_malaria,
        e_malaysia,
        s: ids,
    }
}

/// The ids of a signal list, in its order, and its total.
fn list<W: Workplace>(w: &W, q: SignalQuery) -> (u64, Vec<i64>) {
    let (total, items) = w.signal_list(&q).expect("list signals");
    (total, items.iter().map(|s| s.signal.id).collect())
}

/// The ids of every signal matching `q` (any order), sorted.
fn matching<W: Workplace>(w: &W, q: SignalQuery) -> Vec<i64> {
    let (total, mut ids) = list(w, SignalQuery { limit: 100, ..q });
    assert_eq!(total as usize, ids.len());
    ids.sort_unstable();
    ids
}

fn sorted(mut ids: Vec<i64>) -> Vec<i64> {
    ids.sort_unstable();
    ids
}

fn triage<W: Workplace>(
    w: &mut W,
    id: i64,
    action: TriageAction,
    note: Option<&str>,
) -> Option<String> {
    w.triage(&NewTriage {
        signal_id: id,
        action,
        note,
        assignee: (action == TriageAction::Assign).then_some("budi"),
        user: "ana",
    })
    .expect("triage")
}

// ---------------------------------------------------------------------------------------
// The behaviours.

/// Each filter alone, the area filter's three readings (a code, a code inside it, a
/// country of the linked events), and the total over all pages.
fn signal_filters_and_paging<S: Subject>(s: &mut S) {
    let f = seed(s);
    let [s1, s2, s3, s4, s5, s6, s7] = f.s;
    let w = s.work();
    let q = |edit: fn(&mut SignalQuery)| {
        let mut q = SignalQuery::default();
        edit(&mut q);
        q
    };
    assert_eq!(matching(w, SignalQuery::default()), sorted(f.s.to_vec()));
    assert_eq!(matching(w, q(|q| q.disease = Some("malaria".into()))), [s4]);
    assert_eq!(
        matching(w, q(|q| q.area = Some("32".into()))),
        sorted(vec![s1, s2, s3, s5]),
        "a province matches itself and its regencies"
    );
    assert_eq!(
        matching(w, q(|q| q.area = Some("32.05".into()))),
        sorted(vec![s1, s2]),
        "a regency matches neither its neighbour nor its province"
    );
    assert!(
        matching(w, q(|q| q.area = Some("3".into()))).is_empty(),
        "a code matches codes inside it only at a dot"
    );
    assert_eq!(
        matching(w, q(|q| q.area = Some("IDN".into()))),
        sorted(vec![s1, s2, s3, s4, s5]),
        "a country matches the signals on its events (not 35.01, which has none)"
    );
    assert_eq!(matching(w, q(|q| q.area = Some("MYS".into()))), [s7]);
    assert_eq!(
        matching(w, q(|q| q.since = Some("2024-03-01".into()))),
        sorted(vec![s1, s2, s3, s5, s7])
    );
    assert_eq!(
        matching(w, q(|q| q.until = Some("2024-02-12".into()))),
        sorted(vec![s4, s6]),
        "until is inclusive"
    );
    assert_eq!(
        matching(
            w,
            q(|q| {
                q.since = Some("2024-02-01".into());
                q.until = Some("2024-02-29".into());
            })
        ),
        [s4]
    );
    assert_eq!(
        matching(w, q(|q| q.method = Some("ears-c2".into()))),
        sorted(vec![s1, s4, s5])
    );
    assert_eq!(
        matching(
            w,
            q(|q| {
                q.disease = Some("dengue".into());
                q.area = Some("32".into());
                q.method = Some("ears-c2".into());
            })
        ),
        sorted(vec![s1, s5]),
        "filters combine"
    );
    assert!(matching(w, q(|q| q.status = Some("dismissed".into()))).is_empty());
    triage(w, s2, TriageAction::Dismiss, Some("berita lama"));
    assert_eq!(
        matching(w, q(|q| q.status = Some("dismissed".into()))),
        [s2]
    );
    assert_eq!(matching(w, q(|q| q.status = Some("new".into()))).len(), 6);

    // Paging: the total counts every page.
    let page = |limit, offset| {
        list(
            w,
            SignalQuery {
                sort: SignalSort::Observed,
                limit,
                offset,
                ..SignalQuery::default()
            },
        )
    };
    assert_eq!(page(2, 0), (7, vec![s5, s1]));
    assert_eq!(page(2, 2), (7, vec![s4, s3]));
    assert_eq!(page(10, 7), (7, vec![]));
    let (total, _) = list(
        w,
        SignalQuery {
            area: Some("32".into()),
            limit: 1,
            ..SignalQuery::default()
        },
    );
    assert_eq!(
        total, 4,
        "the total of a filtered list ignores the page size"
    );
}

/// Every sort order, and the rank after triage (open signals first).
fn signal_sort_orders<S: Subject>(s: &mut S) {
    let f = seed(s);
    let [s1, s2, s3, s4, s5, s6, s7] = f.s;
    let w = s.work();
    let order = |w: &S::W, sort| {
        list(
            w,
            SignalQuery {
                sort,
                limit: 100,
                ..SignalQuery::default()
            },
        )
        .1
    };
    // Latest period first; in it a declared KLB, deaths, then aberrations by excess.
    assert_eq!(order(w, SignalSort::Rank), [s2, s7, s5, s1, s3, s4, s6]);
    assert_eq!(order(w, SignalSort::Recent), [s7, s5, s3, s2, s1, s4, s6]);
    assert_eq!(
        order(w, SignalSort::Score),
        [s3, s1, s5, s4, s2, s6, s7],
        "no score sorts last"
    );
    assert_eq!(order(w, SignalSort::Excess), [s5, s1, s3, s2, s4, s7, s6]);
    assert_eq!(order(w, SignalSort::Observed), [s5, s1, s4, s3, s2, s7, s6]);
    triage(w, s2, TriageAction::Dismiss, Some("berita lama"));
    triage(w, s5, TriageAction::Verify, None);
    triage(w, s6, TriageAction::Escalate, None);
    assert_eq!(
        order(w, SignalSort::Rank),
        [s7, s1, s3, s4, s6, s5, s2],
        "new, then escalated, verified, dismissed"
    );
}

/// Actions set the status and keep the history; escalations are read from it.
fn triage_status_and_history<S: Subject>(s: &mut S) {
    let f = seed(s);
    let s1 = f.s[0];
    let w = s.work();
    let before = w.signal_summary(s1).unwrap().expect("the signal");
    assert_eq!(before.signal.status, "new");
    let steps = [
        (TriageAction::Verify, None, "verified"),
        (TriageAction::Assign, None, "verified"),
        (TriageAction::Note, Some("sudah ditelepon"), "verified"),
        (TriageAction::Escalate, None, "escalated"),
        (TriageAction::Escalate, Some("lagi"), "escalated"),
        (TriageAction::Dismiss, Some("berita lama"), "dismissed"),
    ];
    for (action, note, status) in steps {
        assert_eq!(
            triage(w, s1, action, note).as_deref(),
            Some(status),
            "{action:?}"
        );
    }
    let history = w.triage_history(s1).unwrap();
    assert_eq!(
        history.iter().map(|h| h.action).collect::<Vec<_>>(),
        steps.iter().map(|(a, _, _)| *a).collect::<Vec<_>>()
    );
    assert!(history.iter().all(|h| h.signal_id == s1 && h.user == "ana"));
    assert!(
        history
            .windows(2)
            .all(|p| p[0].at <= p[1].at && p[0].id < p[1].id)
    );
    assert_eq!(history[1].assignee.as_deref(), Some("budi"));
    assert_eq!(history[2].note.as_deref(), Some("sudah ditelepon"));
    assert_eq!(history[0].note, None);
    let escalated: Vec<i64> = history
        .iter()
        .filter(|h| h.action == TriageAction::Escalate)
        .map(|h| h.at)
        .collect();
    assert_eq!(w.escalations(s1).unwrap(), escalated);
    assert!(w.escalations(f.s[1]).unwrap().is_empty());

    let after = w.signal_summary(s1).unwrap().unwrap();
    assert_eq!(after.signal.status, "dismissed");
    assert_eq!(
        after.detected_at, before.detected_at,
        "triage is not detection"
    );
    let (row, detected_at) = w.signal_with_time(s1).unwrap().expect("the signal");
    assert_eq!((row.id, row.status.as_str()), (s1, "dismissed"));
    assert_eq!((row.observed, row.method.as_str()), (5, "ears-c2"));
    assert_eq!(detected_at, before.detected_at);
    assert!(detected_at > 0);

    // Another signal is untouched; an unknown one writes nothing.
    assert_eq!(
        w.signal_summary(f.s[1]).unwrap().unwrap().signal.status,
        "new"
    );
    let missing = f.s.iter().max().unwrap() + 100;
    assert_eq!(triage(w, missing, TriageAction::Verify, None), None);
    assert!(w.triage_history(missing).unwrap().is_empty());
    assert!(w.signal_summary(missing).unwrap().is_none());
    assert!(w.signal_with_time(missing).unwrap().is_none());
}

/// A summary carries its stories and its events (sorted); an event knows its signals.
fn signal_summaries_and_links<S: Subject>(s: &mut S) {
    let f = seed(s);
    let [s1, s2, s3, s4, s5, s6, s7] = f.s;
    let w = s.work();
    let summary = |id| w.signal_summary(id).unwrap().expect("a signal");
    let s5_row = summary(s5);
    assert_eq!(
        s5_row.signal.event_ids,
        sorted(vec![f.e_garut, f.e_bandung])
    );
    assert_eq!(
        s5_row.n_stories, 4,
        "three stories in Garut, one in Bandung"
    );
    assert_eq!(
        (
            s5_row.signal.area_level.as_str(),
            s5_row.signal.area_code.as_str()
        ),
        ("province", "32")
    );
    assert_eq!(s5_row.signal.expected, Some(2.0));
    assert_eq!(s5_row.signal.upperbound, Some(4.0));
    assert_eq!(s5_row.signal.score, Some(2.5));
    assert_eq!(summary(s1).signal.event_ids, [f.e_garut]);
    assert_eq!(summary(s1).n_stories, 3);
    assert_eq!(summary(s6).signal.event_ids, Vec::<i64>::new());
    assert_eq!(summary(s6).n_stories, 0);
    assert_eq!(summary(s6).signal.score, None);
    assert_eq!(summary(s7).signal.event_ids, [f.e_malaysia]);
    let listed = w
        .signal_list(&SignalQuery {
            limit: 100,
            ..SignalQuery::default()
        })
        .unwrap()
        .1;
    let in_list = listed
        .iter()
        .find(|x| x.signal.id == s5)
        .expect("S5 listed");
    assert_eq!(in_list.signal.event_ids, s5_row.signal.event_ids);
    assert_eq!(in_list.n_stories, s5_row.n_stories);

    assert_eq!(w.event_signal_ids(f.e_garut).unwrap(), [s1, s2, s5]);
    assert_eq!(w.event_signal_ids(f.e_bandung).unwrap(), [s3, s5]);
    assert_eq!(w.event_signal_ids(f.e_malaria).unwrap(), [s4]);
    let missing = [f.e_garut, f.e_bandung, f.e_malaria, f.e_malaysia]
        .into_iter()
        .max()
        .unwrap()
        + 100;
    assert!(w.event_signal_ids(missing).unwrap().is_empty());
}

/// Events: the list and its count, one event, its reports (all and the newest), and the
/// version that changes when events do.
fn events_and_reports<S: Subject>(s: &mut S) {
    let f = seed(s);
    let w = s.work();
    let all = w.events(&EventFilter::default()).unwrap();
    assert_eq!(all.len(), 4);
    assert_eq!(w.count_events(&EventFilter::default()).unwrap(), 4);
    let page = EventFilter {
        limit: 1,
        offset: 1,
        ..EventFilter::default()
    };
    assert_eq!(
        w.count_events(&page).unwrap(),
        4,
        "the count ignores the page"
    );
    let second = w.events(&page).unwrap();
    assert_eq!(second.len(), 1);
    assert_eq!(second[0].id, all[1].id);
    let west_java = EventFilter {
        area: Some("32".into()),
        ..EventFilter::default()
    };
    assert_eq!(w.count_events(&west_java).unwrap(), 2);
    let klb = EventFilter {
        klb_declared: Some(true),
        ..EventFilter::default()
    };
    assert_eq!(w.count_events(&klb).unwrap(), 0);
    let since = EventFilter {
        since: Some("2024-03-01".into()),
        ..EventFilter::default()
    };
    assert_eq!(
        w.count_events(&since).unwrap(),
        3,
        "not the malaria of February"
    );

    let garut = w.event(f.e_garut).unwrap().expect("the Garut event");
    assert_eq!(garut.disease_id, "dengue");
    assert_eq!(
        (garut.first_date.as_str(), garut.last_date.as_str()),
        ("2024-02-12", "2024-03-06")
    );
    assert_eq!((garut.n_reports, garut.n_stories), (3, 3));
    assert_eq!(garut.province_code.as_deref(), Some("32"));
    let listed = all.iter().find(|e| e.id == f.e_garut).unwrap();
    assert_eq!(garut.place_name, listed.place_name);
    assert_eq!(garut.figures, listed.figures);
    let missing = all.iter().map(|e| e.id).max().unwrap() + 100;
    assert!(w.event(missing).unwrap().is_none());

    let dates =
        |rows: Vec<waspada_store::ReportRow>| rows.into_iter().map(|r| r.date).collect::<Vec<_>>();
    assert_eq!(
        dates(w.event_reports(f.e_garut).unwrap()),
        ["2024-02-12", "2024-03-05", "2024-03-06"]
    );
    assert_eq!(
        dates(w.latest_event_reports(f.e_garut, 2).unwrap()),
        ["2024-03-05", "2024-03-06"],
        "the newest, oldest first"
    );
    assert_eq!(w.latest_event_reports(f.e_garut, 10).unwrap().len(), 3);
    assert!(w.latest_event_reports(f.e_garut, 0).unwrap().is_empty());
    let row = &w.event_reports(f.e_garut).unwrap()[1];
    assert_eq!(row.article_id, f.articles[0]);
    assert_eq!(row.url.as_deref(), Some("https://a.example/1"));
    assert_eq!(row.source.as_deref(), Some("Warta Uji"));
    assert!(w.event_reports(missing).unwrap().is_empty());

    // The version: stable while nothing changes, new after any change to an event.
    let v1 = w.events_version().unwrap();
    assert_eq!(w.events_version().unwrap(), v1);
    s.store(vec![news(20, Vec::new())]);
    assert_eq!(
        s.work().events_version().unwrap(),
        v1,
        "no report, no change"
    );
    s.store(vec![news(
        21,
        vec![report("dengue", "32.05", "2024-03-07")],
    )]);
    let v2 = s.work().events_version().unwrap();
    assert_ne!(v2, v1, "a report joined an event");
    assert_eq!(s.work().event(f.e_garut).unwrap().unwrap().n_reports, 4);
    s.store(vec![news(
        22,
        vec![report("dengue", "35.01", "2024-03-07")],
    )]);
    let v3 = s.work().events_version().unwrap();
    assert!(v3 != v2 && v3 != v1, "a new event");
}

/// An article with its latest analysis, what a hit shows of it, its URLs and events.
fn articles<S: Subject>(s: &mut S) {
    let f = seed(s);
    let a1 = f.articles[0];
    // The same text under another URL: an alias of article 1.
    let mut copy = story("https://b.example/salinan", 1);
    copy.source = Some("Portal Lain".into());
    let out = s.store(vec![bundle(copy, Vec::new())]);
    assert!(
        matches!(out[0], Inserted::SameText { id } if id == a1),
        "{out:?}"
    );
    let w = s.work();
    let a = w.article(a1).unwrap().expect("article 1");
    assert_eq!(a.id, a1);
    assert_eq!(a.url.as_deref(), Some("https://a.example/1"));
    assert_eq!(a.external_id.as_deref(), Some("ext-https://a.example/1"));
    assert_eq!(a.source.as_deref(), Some("Warta Uji"));
    assert_eq!(a.published.as_deref(), Some("2024-03-01"));
    assert_eq!(a.language, "id");
    assert_eq!(a.cluster_id, a1, "a story of its own");
    assert_eq!(a.analyzer_version.as_deref(), Some("uji-1"));
    assert_eq!(
        a.analysis_json.as_deref(),
        Some("{\"id\":\"https://a.example/1\",\"diseases\":[]}")
    );
    assert_eq!(a.raw_text, a.clean_text);
    // Analysed again by a newer analyser: the article shows the latest analysis.
    s.execute(&format!(
        "INSERT INTO analyses (article_id, analyzer_version, analysed_at, is_outbreak,
             category, relevance, json)
         SELECT article_id, 'uji-2', analysed_at + 1, is_outbreak, category, relevance,
             '{{\"versi\":2}}'
         FROM analyses WHERE article_id = {a1}"
    ));
    let w = s.work();
    let again = w.article(a1).unwrap().expect("article 1");
    assert_eq!(again.analyzer_version.as_deref(), Some("uji-2"));
    assert_eq!(again.analysis_json.as_deref(), Some("{\"versi\":2}"));
    let b = w.article_brief(a1).unwrap().expect("brief");
    assert_eq!(
        (
            b.id,
            &b.url,
            &b.source,
            &b.title,
            &b.clean_text,
            &b.language,
            &b.published
        ),
        (
            a.id,
            &a.url,
            &a.source,
            &a.title,
            &a.clean_text,
            &a.language,
            &a.published
        )
    );
    assert_eq!(
        w.article_urls(a1).unwrap(),
        [
            "https://a.example/1",
            "https://a.example/1?utm_source=feed",
            "https://b.example/salinan",
            "https://b.example/salinan?utm_source=feed",
        ]
    );
    assert_eq!(w.article_event_ids(a1).unwrap(), [f.e_garut]);
    assert_eq!(w.article_event_ids(f.articles[5]).unwrap(), [f.e_malaysia]);
    assert!(w.article_event_ids(f.articles[6]).unwrap().is_empty());
    let missing = f.articles.iter().max().unwrap() + 100;
    assert!(w.article(missing).unwrap().is_none());
    assert!(w.article_brief(missing).unwrap().is_none());
    assert!(w.article_urls(missing).unwrap().is_empty());
    assert!(w.article_event_ids(missing).unwrap().is_empty());
}

/// One stored series after a rebuild, the latest report date, and each signal's trend
/// window by frequency.
fn series_and_trends<S: Subject>(s: &mut S) {
    let f = seed(s);
    let [s1, _, _, s4, _, s6, _] = f.s;
    let daily = s.put_signal(signal(
        "dengue",
        "regency",
        "32.05",
        ("daily", "2024-03-06", "2024-03-06"),
        "ears-c1",
        (1, Some(0.2), None),
    ));
    assert!(
        s.work()
            .series_points("dengue", "regency", "32.05", "weekly")
            .unwrap()
            .is_empty(),
        "nothing before the rebuild"
    );
    s.refresh_series();
    let w = s.work();
    let points =
        |level, area, frequency| w.series_points("dengue", level, area, frequency).unwrap();
    let p = |d: &str, n: u32| (d.to_string(), n);
    assert_eq!(
        points("regency", "32.05", "weekly"),
        [p("2024-02-12", 1), p("2024-03-04", 2)]
    );
    assert_eq!(
        points("regency", "32.05", "daily"),
        [p("2024-02-12", 1), p("2024-03-05", 1), p("2024-03-06", 1)]
    );
    assert_eq!(
        points("province", "32", "weekly"),
        [p("2024-02-12", 1), p("2024-03-04", 3)]
    );
    assert_eq!(points("country", "MYS", "weekly"), [p("2024-03-04", 1)]);
    assert!(points("regency", "35.01", "weekly").is_empty());
    assert_eq!(
        w.latest_report_date().unwrap().as_deref(),
        Some("2024-03-06")
    );

    let trends = |ids: &[i64], weekly, daily| {
        let mut t = w.signal_trends(ids, weekly, daily).unwrap();
        t.sort_by(|a, b| (a.signal_id, &a.period_start).cmp(&(b.signal_id, &b.period_start)));
        t
    };
    let t = |signal_id, period: &str, reports| TrendPoint {
        signal_id,
        period_start: period.into(),
        reports,
    };
    let missing = daily + 100;
    assert_eq!(
        trends(&[s1, s4, s6, daily, missing], 77, 1),
        [
            t(s1, "2024-02-12", 1),
            t(s1, "2024-03-04", 2),
            t(s4, "2024-02-12", 1),
            t(daily, "2024-03-05", 1),
            t(daily, "2024-03-06", 1),
        ]
    );
    assert_eq!(
        trends(&[s1, daily], 14, 0),
        [t(s1, "2024-03-04", 2), t(daily, "2024-03-06", 1)],
        "shorter windows"
    );
    assert_eq!(
        trends(&[s1], -7, -7),
        [t(s1, "2024-03-04", 2)],
        "a negative reach is none"
    );
    assert!(trends(&[], 77, 30).is_empty());
}

/// Sources with their fetch state and article counts; outlets by article count.
fn sources_and_outlets<S: Subject>(s: &mut S) {
    let feed = s.add_source("Dinkes Jabar", "feed");
    let files = s.add_source("Arsip", "file");
    let state = |url: &str, failures| FetchState {
        url: url.into(),
        source_id: Some(feed),
        etag: Some("\"v1\"".into()),
        last_modified: None,
        last_attempt_at: Some(9_000),
        last_success_at: Some(8_000),
        last_status: Some(200),
        last_error: (failures > 0).then(|| "HTTP 503".to_string()),
        consecutive_failures: failures,
        next_attempt_at: Some(10_000),
        items_seen: 12,
        items_new: 3,
    };
    s.put_fetch_state(&state("https://dinkes.example/rss", 0));
    s.put_fetch_state(&state("https://dinkes.example/atom", 0));
    s.put_fetch_state(&state("https://dinkes.example/rss", 2));
    let from = |n: u64, source: Option<&str>, source_id, fetched_at, published: &str| {
        let mut a: NewArticle = story(&format!("https://a.example/{n}"), n);
        a.source = source.map(str::to_string);
        a.source_id = source_id;
        a.fetched_at = fetched_at;
        a.published = Some(published.into());
        bundle(a, Vec::new())
    };
    let batch = vec![
        from(1, Some("Warta Uji"), Some(feed), 1_000, "2024-03-01"),
        from(2, Some("Warta Uji"), Some(feed), 5_000, "2024-03-09"),
        from(3, Some("Kabar Lain"), None, 5_000, "2024-02-01"),
        from(4, Some("Berita A"), None, 5_000, "2024-01-01"),
        from(5, None, None, 5_000, "2024-01-01"),
    ];
    s.store(batch);
    let w = s.work();
    let sources = w.sources().unwrap();
    assert_eq!(
        sources
            .iter()
            .map(|x| (x.id, x.name.as_str(), x.kind.as_str()))
            .collect::<Vec<_>>(),
        [(files, "Arsip", "file"), (feed, "Dinkes Jabar", "feed")],
        "by name"
    );
    assert_eq!(sources[1].url.as_deref(), Some("https://dinkes.example/"));
    assert_eq!(sources[1].country.as_deref(), Some("IDN"));
    assert_eq!(sources[1].language, None);
    assert_eq!(
        w.source_fetch_states(feed).unwrap(),
        [
            state("https://dinkes.example/atom", 0),
            state("https://dinkes.example/rss", 2)
        ],
        "by URL, the latest state of each"
    );
    assert!(w.source_fetch_states(files).unwrap().is_empty());
    assert_eq!(w.source_article_counts(feed, 2_000).unwrap(), (2, 1));
    assert_eq!(w.source_article_counts(feed, 0).unwrap(), (2, 2));
    assert_eq!(w.source_article_counts(files, 0).unwrap(), (0, 0));

    let outlets: Vec<(String, i64, Option<String>)> = w
        .outlets(10)
        .unwrap()
        .into_iter()
        .map(|o| (o.name, o.articles, o.last_published))
        .collect();
    let o = |name: &str, n, last: &str| (name.to_string(), n, Some(last.to_string()));
    assert_eq!(
        outlets,
        [
            o("Warta Uji", 2, "2024-03-09"),
            o("Berita A", 1, "2024-01-01"),
            o("Kabar Lain", 1, "2024-02-01"),
        ],
        "most articles first, then by name; articles without an outlet left out"
    );
    assert_eq!(w.outlets(1).unwrap().len(), 1);
}

/// Names unique ignoring case, the list by name, credentials, and the last admin.
fn accounts_users_and_admins<S: Subject>(s: &mut S) {
    let w = s.work();
    let ani = w
        .add_user("Ani", Role::Admin, "$hash-a", 1)
        .unwrap()
        .expect("Ani");
    assert_eq!(w.add_user("ani", Role::Viewer, "$h", 2).unwrap(), None);
    assert_eq!(w.add_user("ANI", Role::Viewer, "$h", 2).unwrap(), None);
    let budi = w
        .add_user("budi", Role::Viewer, "$h", 3)
        .unwrap()
        .expect("budi");
    w.add_user("Citra", Role::Analyst, "$h", 4)
        .unwrap()
        .expect("Citra");
    w.add_user("adi", Role::Viewer, "$h", 5)
        .unwrap()
        .expect("adi");
    let users = w.users().unwrap();
    assert_eq!(
        users.iter().map(|u| u.name.as_str()).collect::<Vec<_>>(),
        ["adi", "Ani", "budi", "Citra"],
        "by name, ignoring case"
    );
    assert_eq!(
        (users[1].id, users[1].role, users[1].disabled),
        (ani, Role::Admin, false)
    );
    assert_eq!((users[1].created_at, users[1].last_login_at), (1, None));
    let c = w.credentials("aNI").unwrap().expect("found ignoring case");
    assert_eq!(
        (c.user.name.as_str(), c.password_hash.as_str()),
        ("Ani", "$hash-a")
    );
    assert!(w.credentials("nobody").unwrap().is_none());

    // The only admin can neither lose the role nor be disabled.
    assert_eq!(
        w.set_role(ani, Role::Viewer).unwrap(),
        UserChange::LastAdmin
    );
    assert_eq!(w.set_disabled(ani, true).unwrap(), UserChange::LastAdmin);
    let ani_now = w.credentials("Ani").unwrap().unwrap().user;
    assert_eq!(
        (ani_now.role, ani_now.disabled),
        (Role::Admin, false),
        "rolled back"
    );
    assert_eq!(w.set_role(budi, Role::Admin).unwrap(), UserChange::Done);
    assert_eq!(w.set_disabled(ani, true).unwrap(), UserChange::Done);
    assert_eq!(
        w.set_role(budi, Role::Analyst).unwrap(),
        UserChange::LastAdmin
    );
    assert_eq!(w.set_disabled(ani, false).unwrap(), UserChange::Done);
    assert_eq!(w.set_role(budi, Role::Analyst).unwrap(), UserChange::Done);
    assert_eq!(
        w.credentials("budi").unwrap().unwrap().user.role,
        Role::Analyst
    );
    let missing = ani.max(budi) + 100;
    assert_eq!(
        w.set_role(missing, Role::Viewer).unwrap(),
        UserChange::NoSuchUser
    );
    assert_eq!(
        w.set_disabled(missing, true).unwrap(),
        UserChange::NoSuchUser
    );
}

/// Sessions: live until they expire, gone with a new password or a disabled account,
/// the login recorded, expired ones cleared.
fn accounts_sessions<S: Subject>(s: &mut S) {
    let w = s.work();
    let ani = w
        .add_user("Ani", Role::Admin, "$hash-a", 1)
        .unwrap()
        .unwrap();
    let bob = w.add_user("bob", Role::Viewer, "$h", 1).unwrap().unwrap();
    w.create_session("h1", bob, 10, 100).unwrap();
    let live = w.session_user("h1", 50).unwrap().expect("a live session");
    assert_eq!(
        (live.user_id, live.name.as_str(), live.role, live.expires_at),
        (bob, "bob", Role::Viewer, 100)
    );
    assert_eq!(w.session_user("h1", 100).unwrap(), None, "expired");
    assert_eq!(w.session_user("other", 50).unwrap(), None);
    let bob_row = w
        .users()
        .unwrap()
        .into_iter()
        .find(|u| u.id == bob)
        .unwrap();
    assert_eq!(bob_row.last_login_at, Some(10), "the login is recorded");
    assert_eq!(w.set_role(bob, Role::Analyst).unwrap(), UserChange::Done);
    assert_eq!(
        w.session_user("h1", 50).unwrap().unwrap().role,
        Role::Analyst
    );

    assert_eq!(w.set_disabled(bob, true).unwrap(), UserChange::Done);
    assert_eq!(
        w.session_user("h1", 50).unwrap(),
        None,
        "disabling ends sessions"
    );
    w.create_session("h4", bob, 20, 100).unwrap();
    assert_eq!(
        w.session_user("h4", 50).unwrap(),
        None,
        "a disabled user has none"
    );
    assert_eq!(w.set_disabled(bob, false).unwrap(), UserChange::Done);
    assert_eq!(w.session_user("h1", 50).unwrap(), None, "still ended");

    w.create_session("h2", ani, 10, 100).unwrap();
    assert!(w.set_password("ANI", "$new", 20).unwrap());
    assert_eq!(
        w.session_user("h2", 50).unwrap(),
        None,
        "a new password ends sessions"
    );
    assert_eq!(w.credentials("ani").unwrap().unwrap().password_hash, "$new");
    assert!(!w.set_password("nobody", "$x", 20).unwrap());

    w.create_session("old", ani, 10, 20).unwrap();
    assert!(w.session_user("old", 15).unwrap().is_some());
    w.create_session("h5", ani, 30, 100).unwrap();
    assert_eq!(
        w.session_user("old", 15).unwrap(),
        None,
        "a login clears expired sessions"
    );
    assert!(w.end_session("h5").unwrap());
    assert!(!w.end_session("h5").unwrap());
    assert_eq!(w.session_user("h5", 50).unwrap(), None);
}

/// API tokens: one live token per name, revoked ones open nothing and stay listed.
fn accounts_tokens<S: Subject>(s: &mut S) {
    let w = s.work();
    let ci = w
        .add_token("ci", Role::Analyst, "t1", 1, None)
        .unwrap()
        .expect("ci");
    assert_eq!(
        w.add_token("ci", Role::Viewer, "t2", 1, None).unwrap(),
        None
    );
    let t = w.token("t1").unwrap().expect("live");
    assert_eq!(
        (t.id, t.name.as_str(), t.role, t.created_at, t.revoked_at),
        (ci, "ci", Role::Analyst, 1, None)
    );
    assert!(w.token("t2").unwrap().is_none());
    assert!(w.revoke_token("ci", 5).unwrap());
    assert!(w.token("t1").unwrap().is_none());
    assert!(!w.revoke_token("ci", 6).unwrap());
    assert!(!w.revoke_token("nobody", 6).unwrap());
    let again = w
        .add_token("ci", Role::Viewer, "t2", 7, None)
        .unwrap()
        .expect("name free");
    w.add_token("alpha", Role::Viewer, "t3", 8, Some(100))
        .unwrap()
        .expect("alpha");
    let tokens = w.tokens().unwrap();
    assert_eq!(
        tokens
            .iter()
            .map(|t| (t.name.as_str(), t.revoked_at))
            .collect::<Vec<_>>(),
        [("alpha", None), ("ci", None), ("ci", Some(5))],
        "live first, then by name"
    );
    assert_eq!(tokens[1].id, again);
    assert_eq!(w.token("t2").unwrap().unwrap().role, Role::Viewer);

    // Expiry: the token is still found (the caller says "expired"), and its name is
    // free again once it has expired, not before.
    let alpha = w.token("t3").unwrap().expect("alpha");
    assert_eq!((alpha.expires_at, alpha.last_used_at), (Some(100), None));
    assert!(!alpha.is_expired(99) && alpha.is_expired(100));
    assert_eq!(
        w.add_token("alpha", Role::Viewer, "t4", 99, None).unwrap(),
        None,
        "not expired yet: the name is taken"
    );
    w.touch_token(alpha.id, 60).unwrap();
    assert_eq!(w.token("t3").unwrap().unwrap().last_used_at, Some(60));
    let renewed = w
        .add_token("alpha", Role::Viewer, "t4", 100, Some(200))
        .unwrap()
        .expect("expired: the name is free");
    assert!(
        w.token("t3").unwrap().is_none(),
        "the expired token was retired"
    );
    let listed = w.tokens().unwrap();
    let old = listed.iter().find(|t| t.id == alpha.id).unwrap();
    assert_eq!(old.revoked_at, Some(100));
    assert_eq!(w.token("t4").unwrap().unwrap().id, renewed);
}

fn webhook(user: &str) -> NewSubscription {
    NewSubscription {
        user: user.into(),
        language: "id".into(),
        diseases: vec!["dengue".into(), "malaria".into()],
        place_code: Some("32".into()),
        min_severity: "medium".into(),
        trigger: "new".into(),
        channel: "webhook".into(),
        webhook_url: Some("https://example.invalid/hook".into()),
        webhook_secret: Some("s3cret".into()),
        webhook_format: Some("json".into()),
        ..NewSubscription::default()
    }
}

fn atom(user: &str, token: &str) -> NewSubscription {
    NewSubscription {
        user: user.into(),
        language: "en".into(),
        min_severity: "low".into(),
        trigger: "escalated".into(),
        channel: "atom".into(),
        feed_token: Some(token.into()),
        ..NewSubscription::default()
    }
}

/// Subscriptions round-trip, list per user, find their feed, and are deleted softly, only
/// by their owner when a user is named.
fn subscriptions<S: Subject>(s: &mut S) {
    let w = s.work();
    let a = w.add_subscription(&webhook("ana")).unwrap();
    let b = w.add_subscription(&webhook("budi")).unwrap();
    let f = w.add_subscription(&atom("ana", "feed-ana")).unwrap();
    assert_eq!(a.user, "ana");
    assert_eq!(a.diseases, ["dengue", "malaria"]);
    assert_eq!(a.place_code.as_deref(), Some("32"));
    assert_eq!(a.webhook_secret.as_deref(), Some("s3cret"));
    assert_eq!(
        (a.min_severity.as_str(), a.trigger.as_str()),
        ("medium", "new")
    );
    assert_eq!(a.deleted_at, None);
    assert!(a.created_at > 0);
    assert!(f.diseases.is_empty(), "any disease");
    assert_eq!((f.place_code.as_ref(), f.email.as_ref()), (None, None));
    assert_eq!(
        w.subscriptions(None).unwrap(),
        [a.clone(), b.clone(), f.clone()]
    );
    assert_eq!(
        w.subscriptions(Some("ana")).unwrap(),
        [a.clone(), f.clone()]
    );
    assert!(w.subscriptions(Some("citra")).unwrap().is_empty());
    assert_eq!(
        w.subscription_by_feed_token("feed-ana").unwrap(),
        Some(f.clone())
    );
    assert_eq!(w.subscription_by_feed_token("nope").unwrap(), None);

    assert!(
        !w.delete_subscription(a.id, Some("budi")).unwrap(),
        "not Budi's"
    );
    assert!(w.delete_subscription(a.id, Some("ana")).unwrap());
    assert!(
        !w.delete_subscription(a.id, Some("ana")).unwrap(),
        "already deleted"
    );
    assert_eq!(w.subscriptions(None).unwrap(), [b.clone(), f.clone()]);
    assert!(w.delete_subscription(f.id, None).unwrap());
    assert_eq!(w.subscription_by_feed_token("feed-ana").unwrap(), None);
    let ids: Vec<i64> = w
        .subscriptions(None)
        .unwrap()
        .iter()
        .map(|x: &Subscription| x.id)
        .collect();
    assert_eq!(ids, [b.id]);
    assert!(!w.delete_subscription(b.id.max(f.id) + 100, None).unwrap());
}

/// Two dengue signals in West Java (Garut, then Bandung).
fn two_signals<S: Subject>(s: &mut S) -> [i64; 2] {
    let mut put = |code: &str, observed| {
        s.put_signal(signal(
            "dengue",
            "regency",
            code,
            WEEK_0304,
            "ears-c2",
            (observed, Some(1.0), None),
        ))
    };
    [put("32.05", 5), put("32.73", 4)]
}

/// Queues, for two signals, two pending webhook alerts and one Atom alert (sent by
/// being stored), all of Ana's subscriptions. Returns the signals and subscriptions.
fn queue_alerts<S: Subject>(s: &mut S) -> ([i64; 2], Subscription, Subscription) {
    let [one, two] = two_signals(s);
    let hook = s.work().add_subscription(&webhook("ana")).unwrap();
    let feed = s.work().add_subscription(&atom("ana", "feed-ana")).unwrap();
    let alert = |signal_id, sub: &Subscription, status: &str| NewAlert {
        signal_id,
        subscription_id: sub.id,
        channel: sub.channel.clone(),
        status: status.into(),
        next_attempt_at: 0,
    };
    let queue = [
        alert(one, &hook, "pending"),
        alert(two, &hook, "pending"),
        alert(one, &feed, "sent"),
    ];
    assert_eq!(s.enqueue_alerts(&queue), 3);
    assert_eq!(
        s.enqueue_alerts(&queue),
        0,
        "once per signal and subscription"
    );
    ([one, two], hook, feed)
}

fn alert_filter(status: Option<&str>, channel: Option<&str>, sub: Option<i64>) -> AlertFilter {
    AlertFilter {
        status: status.map(str::to_string),
        channel: channel.map(str::to_string),
        subscription_id: sub,
        ..AlertFilter::default()
    }
}

/// The outbox as the alerts page reads it: filters, counts, newest first; deleting a
/// subscription cancels its pending alerts.
fn alerts_filter_count_and_cancel<S: Subject>(s: &mut S) {
    let ([one, _], hook, feed) = queue_alerts(s);
    let w = s.work();
    let all = w.alerts(&AlertFilter::default()).unwrap();
    assert_eq!(all.len(), 3);
    assert!(
        all.windows(2)
            .all(|p| (p[0].created_at, p[0].id) > (p[1].created_at, p[1].id)),
        "newest first"
    );
    assert_eq!(w.count_alerts(&AlertFilter::default()).unwrap(), 3);
    let pending = alert_filter(Some("pending"), None, None);
    assert_eq!(w.count_alerts(&pending).unwrap(), 2);
    let rows = w.alerts(&pending).unwrap();
    assert!(
        rows.iter()
            .all(|a| a.status == "pending" && a.sent_at.is_none())
    );
    assert!(
        rows.iter()
            .all(|a| a.next_attempt_at == Some(0) && a.attempts == 0)
    );
    let sent = w.alerts(&alert_filter(None, Some("atom"), None)).unwrap();
    assert_eq!(sent.len(), 1);
    assert_eq!((sent[0].signal_id, sent[0].status.as_str()), (one, "sent"));
    assert_eq!(sent[0].sent_at, Some(sent[0].created_at));
    assert_eq!(sent[0].subscription_id, Some(feed.id));
    assert_eq!(
        w.count_alerts(&alert_filter(None, None, Some(hook.id)))
            .unwrap(),
        2
    );
    assert_eq!(
        w.count_alerts(&alert_filter(Some("sent"), Some("webhook"), None))
            .unwrap(),
        0
    );
    let page = AlertFilter {
        limit: 1,
        offset: 1,
        ..pending.clone()
    };
    let second = w.alerts(&page).unwrap();
    assert_eq!(second.len(), 1);
    assert_eq!(second[0].id, rows[1].id);
    assert_eq!(
        w.count_alerts(&page).unwrap(),
        2,
        "the count ignores the page"
    );

    assert!(w.delete_subscription(hook.id, Some("ana")).unwrap());
    assert_eq!(w.count_alerts(&pending).unwrap(), 0);
    let cancelled = w
        .alerts(&alert_filter(Some("cancelled"), None, None))
        .unwrap();
    assert_eq!(cancelled.len(), 2);
    assert!(cancelled.iter().all(|a| a.next_attempt_at.is_none()));
    assert_eq!(
        w.count_alerts(&alert_filter(Some("sent"), None, None))
            .unwrap(),
        1,
        "what was sent stays sent"
    );
}

/// A delete refused (another user's subscription) cancels none of its alerts: Budi
/// cannot silence Ana's alerts by guessing her subscription's id.
fn a_refused_delete_cancels_nothing<S: Subject>(s: &mut S) {
    let (_, hook, _) = queue_alerts(s);
    let w = s.work();
    assert!(!w.delete_subscription(hook.id, Some("budi")).unwrap());
    assert_eq!(
        w.count_alerts(&alert_filter(Some("pending"), None, None))
            .unwrap(),
        2
    );
}

// ---------------------------------------------------------------------------------------
// The outbox: what the alert dispatcher reads and writes.

/// Open signals detected, or escalated, since a time are the candidates, each with its
/// escalation times; a dismissed one is none.
fn outbox_candidates<S: Subject>(s: &mut S) {
    let mut put = |code: &str, observed| {
        s.put_signal(signal(
            "dengue",
            "regency",
            code,
            WEEK_0304,
            "ears-c2",
            (observed, Some(1.0), Some(2.5)),
        ))
    };
    let (a, b, c) = (put("32.05", 5), put("32.73", 4), put("33.01", 3));
    s.execute("UPDATE signals SET detected_at = 1000");
    let w = s.work();
    let all = w.alert_candidates(1000).unwrap();
    let ids: Vec<i64> = all.iter().map(|c| c.signal.id).collect();
    assert_eq!(ids, [a, b, c], "by id");
    assert!(
        all.iter()
            .all(|c| c.detected_at == 1000 && c.escalations.is_empty())
    );
    assert_eq!(
        (
            all[0].signal.disease_id.as_str(),
            all[0].signal.area_code.as_str(),
            all[0].signal.observed,
            all[0].signal.status.as_str()
        ),
        ("dengue", "32.05", 5, "new")
    );
    assert_eq!(all[0].signal.score, Some(2.5));
    assert!(
        w.alert_candidates(1001).unwrap().is_empty(),
        "detected before"
    );

    triage(w, b, TriageAction::Escalate, None);
    triage(w, c, TriageAction::Dismiss, Some("berita lama"));
    let escalated = w.alert_candidates(2000).unwrap();
    assert_eq!(escalated.len(), 1, "escalated since: {escalated:?}");
    assert_eq!(escalated[0].signal.id, b);
    assert_eq!(escalated[0].signal.status, "escalated");
    assert_eq!(escalated[0].escalations, w.escalations(b).unwrap());
    assert_eq!(escalated[0].escalations.len(), 1);
    let open: Vec<i64> = w
        .alert_candidates(0)
        .unwrap()
        .iter()
        .map(|c| c.signal.id)
        .collect();
    assert_eq!(open, [a, b], "a dismissed signal is not alerted on");
}

/// Due alerts oldest first, and what becomes of each attempt: a retry waits for its time
/// and counts the attempt, a sent alert is done, a given-up one fails; an outcome recorded
/// for an alert no longer pending changes nothing. A deleted subscription is still read.
fn outbox_due_and_delivery<S: Subject>(s: &mut S) {
    let [one, two] = two_signals(s);
    let w = s.work();
    let hook = w.add_subscription(&webhook("ana")).unwrap();
    let feed = w.add_subscription(&atom("ana", "feed-ana")).unwrap();
    let alert = |signal_id, sub: &Subscription, status: &str, due| NewAlert {
        signal_id,
        subscription_id: sub.id,
        channel: sub.channel.clone(),
        status: status.into(),
        next_attempt_at: due,
    };
    let queue = [
        alert(two, &hook, "pending", 200),
        alert(one, &hook, "pending", 100),
        alert(one, &feed, "sent", 100),
    ];
    assert_eq!(w.enqueue_alerts(&queue).unwrap(), 3);
    assert_eq!(w.enqueue_alerts(&queue).unwrap(), 0, "idempotent");

    assert!(w.due_alerts(99, 10).unwrap().is_empty(), "nothing due yet");
    let due = w.due_alerts(150, 10).unwrap();
    assert_eq!(due.len(), 1, "{due:?}");
    let first = due[0].clone();
    assert_eq!(
        (
            first.signal_id,
            first.subscription_id,
            first.channel.as_str()
        ),
        (one, Some(hook.id), "webhook")
    );
    assert_eq!((first.next_attempt_at, first.attempts), (Some(100), 0));

    w.record_delivery(
        &[first.id],
        &Delivery::Retry {
            error: "HTTP 503".into(),
            next_attempt_at: 300,
        },
    )
    .unwrap();
    let due = w.due_alerts(250, 10).unwrap();
    let ids: Vec<(i64, i64)> = due.iter().map(|a| (a.signal_id, a.attempts)).collect();
    assert_eq!(ids, [(two, 0)], "the retry waits for its time");
    w.record_delivery(&[due[0].id], &Delivery::Sent { at: 260 })
        .unwrap();

    let due = w.due_alerts(400, 10).unwrap();
    assert_eq!(due.len(), 1);
    assert_eq!(
        (due[0].id, due[0].attempts, due[0].next_attempt_at),
        (first.id, 1, Some(300))
    );
    assert_eq!(due[0].last_error.as_deref(), Some("HTTP 503"));
    w.record_delivery(
        &[first.id],
        &Delivery::GaveUp {
            error: "HTTP 404 (given up)".into(),
        },
    )
    .unwrap();
    assert!(w.due_alerts(i64::MAX / 2, 10).unwrap().is_empty());

    let webhooks = w
        .alerts(&alert_filter(None, Some("webhook"), None))
        .unwrap();
    let by_signal = |id| webhooks.iter().find(|a| a.signal_id == id).unwrap();
    let (a1, a2) = (by_signal(one), by_signal(two));
    assert_eq!(
        (
            a1.status.as_str(),
            a1.attempts,
            a1.sent_at,
            a1.next_attempt_at
        ),
        ("failed", 2, None, None)
    );
    assert_eq!(a1.last_error.as_deref(), Some("HTTP 404 (given up)"));
    assert_eq!(
        (
            a2.status.as_str(),
            a2.attempts,
            a2.sent_at,
            a2.next_attempt_at
        ),
        ("sent", 1, Some(260), None)
    );
    assert_eq!(a2.last_error, None);

    // An outcome for alerts no longer pending (another dispatcher's, or cancelled) is
    // ignored; an empty list is nothing.
    w.record_delivery(&[first.id, a2.id], &Delivery::Sent { at: 999 })
        .unwrap();
    w.record_delivery(&[], &Delivery::Sent { at: 999 }).unwrap();
    let again = w
        .alerts(&alert_filter(None, Some("webhook"), None))
        .unwrap();
    assert_eq!(again, webhooks);

    assert_eq!(w.subscription(hook.id).unwrap(), Some(hook.clone()));
    assert!(w.delete_subscription(hook.id, None).unwrap());
    let deleted = w.subscription(hook.id).unwrap().expect("still read");
    assert!(deleted.deleted_at.is_some());
    assert_eq!(w.subscription(feed.id.max(hook.id) + 100).unwrap(), None);
}

/// At most `limit` alerts, the longest due first.
fn outbox_due_limit<S: Subject>(s: &mut S) {
    let ([one, two], hook, _) = queue_alerts(s);
    let w = s.work();
    // queue_alerts made both due at 0; make the second due earlier still.
    let pending = w
        .alerts(&alert_filter(Some("pending"), None, None))
        .unwrap();
    assert_eq!(pending.len(), 2);
    let later = pending.iter().find(|a| a.signal_id == one).unwrap().id;
    w.record_delivery(
        &[later],
        &Delivery::Retry {
            error: "timeout".into(),
            next_attempt_at: 50,
        },
    )
    .unwrap();
    let due = w.due_alerts(60, 1).unwrap();
    assert_eq!(due.len(), 1);
    assert_eq!(
        (due[0].signal_id, due[0].subscription_id),
        (two, Some(hook.id))
    );
}

macro_rules! behaviours {
    ($run:ident) => {
        $run! {
            signal_filters_and_paging,
            signal_sort_orders,
            triage_status_and_history,
            signal_summaries_and_links,
            events_and_reports,
            articles,
            series_and_trends,
            sources_and_outlets,
            accounts_users_and_admins,
            accounts_sessions,
            accounts_tokens,
            subscriptions,
            alerts_filter_count_and_cancel,
            a_refused_delete_cancels_nothing,
            outbox_candidates,
            outbox_due_and_delivery,
            outbox_due_limit,
        }
    };
}

// ---------------------------------------------------------------------------------------
// SQLite: one store in memory per behaviour.

macro_rules! on_sqlite {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[test]
                fn $name() {
                    super::$name(&mut super::Lite::new());
                }
            )*
        }
    };
}

behaviours!(on_sqlite);

// ---------------------------------------------------------------------------------------
// PostgreSQL: one server, a fresh database per behaviour.

/// The runtime the PostgreSQL client runs on; the tests call the workplace from their own
/// threads, as serve's blocking threads do.
fn pg_runtime() -> Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime")
}

#[test]
fn postgres_workplace_conforms() {
    let Some(pg) = TempPostgres::for_test() else {
        return;
    };
    let rt = pg_runtime();
    macro_rules! each {
        ($($name:ident),* $(,)?) => {
            $(
                eprintln!("postgres: {}", stringify!($name));
                $name(&mut Pg::fresh(&pg, &rt, stringify!($name)));
            )*
        };
    }
    behaviours!(each);
}

/// Runs `fa` on `a` and `fb` on `b` on two threads, started together.
fn at_once<T: Send>(
    a: &mut PgWorkplace,
    b: &mut PgWorkplace,
    fa: impl FnOnce(&mut PgWorkplace) -> T + Send,
    fb: impl FnOnce(&mut PgWorkplace) -> T + Send,
) -> (T, T) {
    let barrier = std::sync::Barrier::new(2);
    std::thread::scope(|scope| {
        let ta = scope.spawn(|| {
            barrier.wait();
            fa(a)
        });
        let tb = scope.spawn(|| {
            barrier.wait();
            fb(b)
        });
        (
            ta.join().expect("first thread"),
            tb.join().expect("second thread"),
        )
    })
}

/// Two processes' workplaces (each with its own pool) on one fresh database, and the
/// pipeline's records there.
fn two_processes(pg: &TempPostgres, rt: &Runtime) -> (PgWorkplace, PgWorkplace, PgRecords) {
    let url = pg.fresh_database().expect("create a database");
    let connect = || {
        rt.block_on(PgWorkplace::connect_with_pool(&url, 2))
            .expect("connect")
    };
    let records = rt
        .block_on(PgRecords::connect(&url, StoreOptions::default()))
        .expect("connect");
    (connect(), connect(), records)
}

/// Two serve processes (two workplaces, each with its own pool) changing accounts and
/// triaging at the same moment: names stay unique ignoring case, an admin always
/// remains, and a signal's status is that of its last action. Each round starts both
/// sides together (a barrier), so a read-then-write race would show within the rounds.
#[test]
fn postgres_concurrent_processes_keep_the_rules() {
    const ROUNDS: usize = 20;
    let Some(pg) = TempPostgres::for_test() else {
        return;
    };
    let rt = pg_runtime();
    let (mut a, mut b, records) = two_processes(&pg, &rt);
    let signal_id = rt
        .block_on(records.put_signals(&[signal(
            "dengue",
            "regency",
            "32.05",
            WEEK_0304,
            "ears-c2",
            (5, Some(1.0), None),
        )]))
        .expect("a signal")[0];
    let x = a
        .add_user("admin-x", Role::Admin, "$h", 1)
        .unwrap()
        .unwrap();
    let y = a
        .add_user("admin-y", Role::Admin, "$h", 1)
        .unwrap()
        .unwrap();
    for round in 0..ROUNDS {
        // The same name, differing in case, added by both at once: one wins.
        let (first, second) = at_once(
            &mut a,
            &mut b,
            |w| w.add_user(&format!("Nama{round}"), Role::Viewer, "$h", 2),
            |w| w.add_user(&format!("nama{round}"), Role::Viewer, "$h", 2),
        );
        let (first, second) = (first.unwrap(), second.unwrap());
        assert!(
            first.is_some() != second.is_some(),
            "round {round}: {first:?} {second:?}"
        );

        // Two admins demote (or disable) each other at once: one of them stays.
        assert_eq!(a.set_role(x, Role::Admin).unwrap(), UserChange::Done);
        assert_eq!(a.set_role(y, Role::Admin).unwrap(), UserChange::Done);
        assert_eq!(a.set_disabled(x, false).unwrap(), UserChange::Done);
        let outcome = if round % 2 == 0 {
            at_once(
                &mut a,
                &mut b,
                |w| w.set_role(x, Role::Viewer).unwrap(),
                |w| w.set_role(y, Role::Analyst).unwrap(),
            )
        } else {
            at_once(
                &mut a,
                &mut b,
                |w| w.set_disabled(x, true).unwrap(),
                |w| w.set_role(y, Role::Viewer).unwrap(),
            )
        };
        let mut outcomes = [outcome.0, outcome.1];
        outcomes.sort_by_key(|c| *c == UserChange::Done);
        assert_eq!(
            outcomes,
            [UserChange::LastAdmin, UserChange::Done],
            "round {round}"
        );
        let admins = a
            .users()
            .unwrap()
            .iter()
            .filter(|u| u.role == Role::Admin && !u.disabled)
            .count();
        assert_eq!(admins, 1, "round {round}: exactly one admin left");
    }
    assert_eq!(a.users().unwrap().len(), 2 + ROUNDS);

    // Both triage one signal at once, many times: the status is the last action's.
    at_once(
        &mut a,
        &mut b,
        |w| {
            for _ in 0..ROUNDS {
                triage(w, signal_id, TriageAction::Verify, None);
            }
        },
        |w| {
            for _ in 0..ROUNDS {
                triage(w, signal_id, TriageAction::Dismiss, Some("berita lama"));
            }
        },
    );
    let history = a.triage_history(signal_id).unwrap();
    assert_eq!(history.len(), 2 * ROUNDS);
    let last = history.last().unwrap().action.status().unwrap();
    assert_eq!(
        a.signal_summary(signal_id).unwrap().unwrap().signal.status,
        last
    );
}

/// Two dispatchers (two schedulers, or a scheduler and `waspada alerts send`) asking for
/// due alerts at the same moment get disjoint sets that together are every due alert;
/// a claim that nobody settles lapses after `CLAIM_MS`, and the alerts are due again.
#[test]
fn postgres_two_dispatchers_never_claim_one_alert() {
    const SIGNALS: usize = 30;
    let Some(pg) = TempPostgres::for_test() else {
        return;
    };
    let rt = pg_runtime();
    let (mut a, mut b, records) = two_processes(&pg, &rt);
    let signals: Vec<NewSignal> = (0..SIGNALS)
        .map(|i| {
            signal(
                "dengue",
                "regency",
                &format!("32.{:02}", i + 1),
                WEEK_0304,
                "ears-c2",
                (5, Some(1.0), None),
            )
        })
        .collect();
    let ids = rt.block_on(records.put_signals(&signals)).expect("signals");
    let hook = a.add_subscription(&webhook("ana")).unwrap();
    let queue: Vec<NewAlert> = ids
        .iter()
        .map(|&signal_id| NewAlert {
            signal_id,
            subscription_id: hook.id,
            channel: "webhook".into(),
            status: "pending".into(),
            next_attempt_at: 1000,
        })
        .collect();
    assert_eq!(a.enqueue_alerts(&queue).unwrap(), SIGNALS);

    let now = 2000;
    // Small pages, many rounds: both sides keep claiming until nothing is left.
    let (mine, theirs) = at_once(&mut a, &mut b, |w| drain(w, now), |w| drain(w, now));
    let mut all: Vec<i64> = mine.iter().chain(&theirs).copied().collect();
    all.sort_unstable();
    let total = all.len();
    all.dedup();
    assert_eq!(
        total,
        all.len(),
        "an alert claimed twice: {mine:?} {theirs:?}"
    );
    assert_eq!(all.len(), SIGNALS, "every due alert claimed once");

    // Claimed and never settled (the dispatcher died): due again once the claim lapses.
    assert!(a.due_alerts(now + CLAIM_MS - 1, 100).unwrap().is_empty());
    let lapsed = a.due_alerts(now + CLAIM_MS, 100).unwrap();
    assert_eq!(lapsed.len(), SIGNALS);
}

/// Claims due alerts five at a time until none is left; their ids. Rows that were not
/// claimed would come back page after page: the rounds are bounded.
fn drain(w: &mut PgWorkplace, now: i64) -> Vec<i64> {
    let mut ids = Vec::new();
    for _ in 0..100 {
        let page = w.due_alerts(now, 5).expect("claim due alerts");
        if page.is_empty() {
            return ids;
        }
        ids.extend(page.iter().map(|a| a.id));
    }
    panic!("alerts still due after 100 pages: due_alerts claims nothing ({ids:?})");
}
