//! CAP 1.2 messages validate against the official OASIS schema (`xmllint --schema`), also
//! with hostile text in place names and explanations.
//!
//! `xmllint` (Debian `libxml2-utils`) is installed by `.ci/run`, which sets
//! `WASPADA_CI=1`: under CI a missing `xmllint` fails the test; elsewhere the test says
//! it is skipped.

use std::path::Path;
use std::process::Command;

use waspada_alert::cap::{CapContext, alert_xml};
use waspada_alert::{Lang, SignalFacts};
use waspada_kb::KnowledgeBase;
use waspada_store::SignalRow;

fn xmllint_available() -> bool {
    let found = Command::new("xmllint").arg("--version").output().is_ok();
    if !found {
        assert!(
            std::env::var_os("WASPADA_CI").is_none(),
            "xmllint is missing under CI: .ci/run installs libxml2-utils"
        );
        eprintln!("skipped: xmllint is not installed (apt-get install libxml2-utils)");
    }
    found
}

/// Validates `xml` against the CAP 1.2 XSD; returns xmllint's complaint on failure.
fn validate(xml: &str) -> Result<(), String> {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("alert.xml");
    std::fs::write(&file, xml).unwrap();
    let schema = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/schema/CAP-v1.2.xsd");
    let out = Command::new("xmllint")
        .arg("--noout")
        .arg("--nonet")
        .arg("--schema")
        .arg(&schema)
        .arg(&file)
        .output()
        .unwrap();
    if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

fn signal(method: &str, level: &str, code: &str, explanation: &str) -> SignalRow {
    SignalRow {
        id: 42,
        disease_id: "dengue".into(),
        area_level: level.into(),
        area_code: code.into(),
        frequency: "weekly".into(),
        period_start: "2026-11-16".into(),
        method: method.into(),
        observed: 12,
        expected: Some(3.4),
        upperbound: Some(6.0),
        score: Some(2.0),
        explanation: explanation.into(),
        status: "escalated".into(),
        event_ids: vec![],
    }
}

fn both(s: &SignalRow) -> Vec<(Lang, SignalFacts)> {
    let kb = KnowledgeBase::embedded();
    [Lang::Id, Lang::En]
        .map(|l| {
            (
                l,
                SignalFacts::new(kb, s, l, "https://waspada.example.go.id"),
            )
        })
        .to_vec()
}

fn ctx(escalations: Vec<i64>, synthetic: bool) -> CapContext {
    CapContext {
        sender: "waspada@dinkes.example.go.id".into(),
        synthetic,
        detected_at: 1_763_600_000_000,
        escalations,
    }
}

#[test]
fn escalated_signals_give_valid_cap() {
    if !xmllint_available() {
        return;
    }
    let s = signal(
        "farrington",
        "regency",
        "32.05",
        "Dengue in Garut: 12 stories.",
    );
    let xml = alert_xml(&both(&s), &ctx(vec![1_763_700_000_000], false));
    validate(&xml).unwrap_or_else(|e| panic!("{e}\n{xml}"));
    // The validator is really checking: a status CAP does not know is refused.
    assert!(validate(&xml.replace("<status>Actual</status>", "<status>Bogus</status>")).is_err());
    assert!(xml.contains("<status>Actual</status>"));
    assert!(xml.contains("<msgType>Alert</msgType>"));
    assert!(xml.contains("<identifier>waspada-signal-42-e1</identifier>"));
    assert!(
        xml.contains("<sent>2025-11-21T11:40:00+07:00</sent>"),
        "{xml}"
    );
    assert!(xml.contains("<valueName>KEMENDAGRI</valueName>"));
    assert!(xml.contains("<value>32.05</value>"));
    assert!(xml.contains("<valueName>ISO3166-1</valueName>"));
    assert!(xml.contains("<areaDesc>Kabupaten Garut</areaDesc>"));
    assert!(xml.contains("<circle>-7."), "a circle around Garut: {xml}");
    assert!(xml.contains(" 25.0</circle>"));
    assert!(xml.contains("<category>Health</category>"));
    assert!(xml.contains("<certainty>Likely</certainty>"));
    // 12 observed against an upper bound of 6: twice the threshold is high severity.
    assert!(xml.contains("<severity>Severe</severity>"));
    assert!(xml.contains("<urgency>Immediate</urgency>"));
    assert!(xml.contains("<web>https://waspada.example.go.id/signals/42</web>"));
}

#[test]
fn a_second_escalation_is_an_update_referencing_the_first() {
    if !xmllint_available() {
        return;
    }
    let s = signal("rule-klb-declared", "province", "32", "KLB declared.");
    let xml = alert_xml(
        &both(&s),
        &ctx(vec![1_763_700_000_000, 1_763_800_000_000], true),
    );
    validate(&xml).unwrap_or_else(|e| panic!("{e}\n{xml}"));
    assert!(xml.contains("<msgType>Update</msgType>"));
    assert!(xml.contains("<status>Exercise</status>"));
    assert!(xml.contains(
        "<references>waspada@dinkes.example.go.id,waspada-signal-42-e1,2025-11-21T11:40:00+07:00</references>"
    ));
    assert!(xml.contains("<certainty>Observed</certainty>"));
    assert!(xml.contains(" 150.0</circle>"));
}

#[test]
fn hostile_text_stays_text_and_valid() {
    if !xmllint_available() {
        return;
    }
    let hostile = "<script>alert(1)</script> & ]]> \"quoted\" 'apos' \u{1}\u{8}";
    // An unknown area code shows as its code; make both the code and the explanation hostile.
    let s = signal("ears-c2", "regency", "<x&y]]>", hostile);
    let xml = alert_xml(&both(&s), &ctx(vec![1_763_700_000_000], false));
    validate(&xml).unwrap_or_else(|e| panic!("{e}\n{xml}"));
    assert!(!xml.contains("<script>"));
    assert!(xml.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; ]]&gt;"));
    assert!(xml.contains("<areaDesc>&lt;x&amp;y]]&gt;</areaDesc>"));
    assert!(!xml.contains('\u{1}'));
    // A hostile sender cannot break the identifier rules either.
    let mut c = ctx(vec![], false);
    c.sender = "bad sender, <x> & y".into();
    let xml = alert_xml(&both(&s), &c);
    validate(&xml).unwrap_or_else(|e| panic!("{e}\n{xml}"));
    assert!(xml.contains("<sender>badsenderx&gt;y</sender>"), "{xml}");
}

#[test]
fn a_country_signal_has_an_iso_geocode_and_no_kemendagri_code() {
    if !xmllint_available() {
        return;
    }
    let s = signal("rule-new-area", "country", "MYS", "First report.");
    let xml = alert_xml(&both(&s), &ctx(vec![], false));
    validate(&xml).unwrap_or_else(|e| panic!("{e}\n{xml}"));
    assert!(!xml.contains("KEMENDAGRI"));
    assert!(xml.contains("<value>MYS</value>"));
    assert!(xml.contains("<severity>Minor</severity>"));
    assert!(xml.contains("<identifier>waspada-signal-42</identifier>"));
}
