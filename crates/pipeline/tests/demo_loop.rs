//! The whole loop on the demo corpus (90 days of synthetic news with four outbreaks that
//! grow): ingest → events → series → detection. The outbreaks written into the corpus must
//! come out as events and signals an analyst can follow back to the articles.

use waspada_extract::Article;
use waspada_pipeline::detect::{DetectOptions, detect};
use waspada_pipeline::files::InputItem;
use waspada_pipeline::ingest::{IngestOptions, ingest};
use waspada_store::{EventFilter, Store};

fn demo_store() -> Store {
    let mut store = Store::in_memory().unwrap();
    let items = waspada_synth::demo_corpus(1).into_iter().map(|a| {
        InputItem::Article(Article {
            id: a.id,
            title: Some(a.title),
            text: a.text,
            published: Some(a.published),
            url: Some(a.url),
            lang: Some(a.lang),
            source: Some(a.source),
        })
    });
    let summary = ingest(&mut store, None, items, &IngestOptions::default(), |_| {}).unwrap();
    assert_eq!(summary.failed, 0);
    assert!(summary.new > 2000, "{summary:?}");
    store
}

#[test]
fn the_demo_outbreaks_become_events_and_signals() {
    let mut store = demo_store();
    let dengue = store
        .events(&EventFilter {
            disease_id: Some("dengue".into()),
            area: Some("32.05".into()),
            ..EventFilter::default()
        })
        .unwrap();
    let main = dengue
        .iter()
        .max_by_key(|e| e.n_stories)
        .expect("a dengue event in Garut");
    assert!(main.n_stories >= 10, "{main:#?}");
    assert!(
        main.klb_declared,
        "the corpus declares a KLB in its last month"
    );
    let cases = main
        .figures
        .iter()
        .find(|f| f.kind == "cases")
        .expect("case figures");
    assert!(
        cases.value >= 500,
        "the latest running total, not the first: {cases:?}"
    );

    // Every week of the corpus, as a first run over an archive would (a running system
    // evaluates the latest weeks each time and would have raised these as they came).
    let backfill = DetectOptions {
        latest: usize::MAX,
        ..DetectOptions::default()
    };
    let summary = detect(&mut store, &backfill).unwrap();
    assert!(summary.series > 0);
    let signals = store.signals(0).unwrap();
    let has = |disease: &str, area: &str, method: &str| {
        signals.iter().any(|s| {
            s.disease_id == disease && s.area_code.starts_with(area) && s.method.starts_with(method)
        })
    };
    // Rabies in Sikka jumps within a few weeks (dengue in Garut grows too steadily for
    // EARS over a 13-week history; it is flagged by its KLB and deaths).
    assert!(
        has("rabies", "53.07", "ears"),
        "the rabies surge is flagged: {signals:#?}"
    );
    assert!(has("dengue", "32.05", "rule-klb-declared"), "{signals:#?}");
    assert!(
        has("rabies", "53.07", "rule-deaths"),
        "rabies deaths in Sikka: {signals:#?}"
    );
    for s in &signals {
        assert!(
            !s.event_ids.is_empty(),
            "every signal leads to its events: {s:#?}"
        );
        assert!(s.explanation.len() > 40, "{s:#?}");
    }
    // A single story on an empty baseline is not a statistical alarm.
    assert!(
        signals
            .iter()
            .filter(|s| s.method.starts_with("ears") || s.method == "farrington")
            .all(|s| s.observed >= 2)
    );

    // Detecting again changes nothing and keeps triage.
    let n = signals.len();
    store
        .connection()
        .execute(
            "UPDATE signals SET status = 'verified' WHERE id = ?1",
            [signals[0].id],
        )
        .unwrap();
    detect(&mut store, &backfill).unwrap();
    let again = store.signals(0).unwrap();
    assert_eq!(again.len(), n);
    assert_eq!(
        store.signal_status(signals[0].id).unwrap().as_deref(),
        Some("verified")
    );
}
