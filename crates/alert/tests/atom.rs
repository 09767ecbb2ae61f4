//! The Atom feed parses back as Atom 1.0 with feed-rs, hostile text included.

use waspada_alert::atom::{FeedEntry, feed_xml};
use waspada_alert::{Lang, SignalFacts};
use waspada_kb::KnowledgeBase;
use waspada_store::SignalRow;

fn facts(id: i64, place_code: &str, explanation: &str) -> SignalFacts {
    let s = SignalRow {
        id,
        disease_id: "dengue".into(),
        area_level: "regency".into(),
        area_code: place_code.into(),
        frequency: "weekly".into(),
        period_start: "2026-11-16".into(),
        method: "rule-deaths".into(),
        observed: 3,
        expected: None,
        upperbound: None,
        score: None,
        explanation: explanation.into(),
        status: "new".into(),
        event_ids: vec![],
    };
    SignalFacts::new(
        KnowledgeBase::embedded(),
        &s,
        Lang::Id,
        "https://w.example.go.id",
    )
}

#[test]
fn feed_is_atom_with_one_entry_per_alert() {
    let entries = vec![
        FeedEntry {
            facts: facts(2, "32.05", "x"),
            at: 1_763_800_000_000,
        },
        FeedEntry {
            facts: facts(1, "<b>&amp;]]>", "y"),
            at: 1_763_700_000_000,
        },
    ];
    let xml = feed_xml(
        9,
        "ana <admin>",
        Lang::Id,
        "https://w.example.go.id/feeds/abc.atom",
        "https://w.example.go.id",
        &entries,
        false,
    );
    let feed = feed_rs::parser::parse(xml.as_bytes()).unwrap_or_else(|e| panic!("{e}\n{xml}"));
    assert_eq!(feed.feed_type, feed_rs::model::FeedType::Atom);
    assert_eq!(feed.id, "urn:waspada:subscription:9");
    assert!(feed.title.unwrap().content.contains("ana <admin>"));
    assert_eq!(feed.entries.len(), 2);
    let e = &feed.entries[0];
    assert_eq!(e.id, "urn:waspada:signal:2");
    assert_eq!(e.links[0].href, "https://w.example.go.id/signals/2");
    assert!(
        e.title
            .as_ref()
            .unwrap()
            .content
            .contains("Kabupaten Garut")
    );
    assert!(e.summary.as_ref().unwrap().content.contains("kematian"));
    assert_eq!(e.updated.unwrap().timestamp_millis(), 1_763_800_000_000);
    // Hostile place text comes back as the same text.
    let hostile = &feed.entries[1];
    assert!(
        hostile
            .title
            .as_ref()
            .unwrap()
            .content
            .contains("<b>&amp;]]>")
    );
    assert_eq!(feed.updated.unwrap().timestamp_millis(), 1_763_800_000_000);
}
