//! Fixtures shared by the integration tests: a store with one subscription and a signal.

#![allow(dead_code)]

use waspada_store::{NewSignal, NewSubscription, Store};

/// A signal in Kabupaten Garut (32.05), recorded now.
pub fn add_signal(store: &mut Store, method: &str, explanation: &str) -> i64 {
    let b = store.batch().unwrap();
    let id = b
        .upsert_signal(&NewSignal {
            disease_id: "dengue".into(),
            area_level: "regency".into(),
            area_code: "32.05".into(),
            frequency: "weekly".into(),
            period_start: "2026-11-16".into(),
            period_end: "2026-11-22".into(),
            method: method.into(),
            observed: 9,
            expected: Some(2.5),
            upperbound: Some(5.0),
            score: Some(3.2),
            explanation: explanation.into(),
        })
        .unwrap();
    b.commit().unwrap();
    id
}

/// A subscription to dengue in Jawa Barat (32), any severity, new signals.
pub fn subscription(channel: &str) -> NewSubscription {
    NewSubscription {
        user: "ana".into(),
        language: "id".into(),
        diseases: vec!["dengue".into()],
        place_code: Some("32".into()),
        min_severity: "low".into(),
        trigger: "new".into(),
        channel: channel.into(),
        ..NewSubscription::default()
    }
}
