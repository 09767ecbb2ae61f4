//! Feed parsing over fixtures we wrote (invented Indonesian health news).

use waspada_fetch::{FeedError, FeedItem, canonical_url, parse_feed};

fn by_title<'a>(items: &'a [FeedItem], needle: &str) -> &'a FeedItem {
    items
        .iter()
        .find(|i| i.title.as_deref().is_some_and(|t| t.contains(needle)))
        .unwrap_or_else(|| panic!("no item titled {needle:?} in {items:#?}"))
}

#[test]
fn rss2_items() {
    let items = parse_feed(
        include_bytes!("fixtures/rss2.xml"),
        Some("https://kabarsehat.example/rss"),
    )
    .unwrap();
    assert_eq!(items.len(), 3);
    let dbd = by_title(&items, "DBD di Kabupaten Garut");
    assert_eq!(dbd.id, "ks-2026-11-0001");
    assert_eq!(dbd.published.as_deref(), Some("2026-11-23T01:15:00+00:00"));
    let summary = dbd.summary.as_deref().unwrap();
    assert_eq!(
        summary,
        "Dinas Kesehatan mencatat 128 kasus demam berdarah dengue sejak awal November & dua pasien meninggal."
    );
    assert_eq!(
        canonical_url(dbd.link.as_deref().unwrap()),
        "https://kabarsehat.example/berita/2026/11/dbd-garut"
    );
    let lepto = by_title(&items, "Leptospirosis");
    assert_eq!(
        lepto.link.as_deref(),
        Some("https://kabarsehat.example/berita/2026/11/leptospirosis-demak")
    );
    let content = lepto.content.as_deref().unwrap();
    assert!(content.contains("dr. André Wibowo"), "{content}");
    assert!(content.contains('\n'), "paragraphs stay apart: {content}");
    let rabies = by_title(&items, "KLB Rabies");
    assert_eq!(
        rabies.published.as_deref(),
        Some("2026-11-21T02:00:00+00:00")
    );
    assert!(
        !rabies.id.is_empty(),
        "an id is derived when the feed has no guid"
    );
}

#[test]
fn atom_items() {
    let items = parse_feed(
        include_bytes!("fixtures/atom.xml"),
        Some("https://wartapuskesmas.example/atom.xml"),
    )
    .unwrap();
    assert_eq!(items.len(), 2);
    let dif = by_title(&items, "Difteri");
    assert_eq!(
        dif.title.as_deref(),
        Some("Difteri Terdeteksi di Dua Sekolah Dasar di Kota Padang")
    );
    assert_eq!(
        dif.link.as_deref(),
        Some("https://wartapuskesmas.example/2026/11/difteri-padang")
    );
    assert_eq!(dif.id, "tag:wartapuskesmas.example,2026:difteri-padang");
    assert_eq!(dif.published.as_deref(), Some("2026-11-23T22:30:00+00:00"));
    assert_eq!(dif.updated.as_deref(), Some("2026-11-24T00:00:00+00:00"));
    assert_eq!(
        dif.summary.as_deref(),
        Some("Dinkes Kota Padang melakukan Outbreak Response Immunization.")
    );
    let flu = by_title(&items, "Flu Burung");
    assert!(
        flu.content
            .as_deref()
            .unwrap_or("")
            .contains("Ratusan ayam mati mendadak"),
        "{flu:?}"
    );
}

#[test]
fn json_feed_items() {
    let items = parse_feed(
        include_bytes!("fixtures/feed.json"),
        Some("https://infowabah.example/feed.json"),
    )
    .unwrap();
    assert_eq!(items.len(), 2);
    let campak = by_title(&items, "Campak");
    assert_eq!(campak.id, "iw-7781");
    assert_eq!(
        campak.content.as_deref(),
        Some("Sebanyak 37 balita terkonfirmasi campak.")
    );
    assert_eq!(
        campak.summary.as_deref(),
        Some("Imunisasi kejar digelar di 12 desa.")
    );
    assert_eq!(
        campak.published.as_deref(),
        Some("2026-11-20T02:00:00+00:00")
    );
    assert_eq!(
        canonical_url(campak.link.as_deref().unwrap()),
        "https://infowabah.example/campak/sampang"
    );
    let diare = by_title(&items, "Diare");
    assert_eq!(
        diare.link.as_deref(),
        Some("https://infowabah.example/kolera/pelabuhan")
    );
}

#[test]
fn malformed_xml_is_an_error_not_a_panic() {
    let err = parse_feed(include_bytes!("fixtures/malformed.xml"), None).unwrap_err();
    assert!(matches!(err, FeedError::Malformed { .. }), "{err:?}");
    assert!(
        err.to_string()
            .starts_with("not a readable RSS, Atom or JSON feed"),
        "{err}"
    );
    for junk in [
        &b""[..],
        b"<html><body>bukan feed</body></html>",
        b"{\"version\": 3}",
        b"\xff\xfe\x00<",
        b"<<<<",
    ] {
        assert!(parse_feed(junk, None).is_err(), "{junk:?}");
    }
}

#[test]
fn truncated_feeds_never_panic() {
    for fixture in [
        &include_bytes!("fixtures/rss2.xml")[..],
        include_bytes!("fixtures/atom.xml"),
        include_bytes!("fixtures/feed.json"),
    ] {
        for cut in (0..fixture.len()).step_by(7) {
            let _ = parse_feed(&fixture[..cut], Some("https://x.example/"));
            waspada_fetch::fuzz_parse_feed(&fixture[..cut]);
        }
    }
}

#[test]
fn same_item_under_three_urls_has_one_key() {
    let variants = [
        "https://KabarSehat.example/berita/2026/11/dbd-garut?utm_source=twitter&utm_campaign=wabah",
        "https://kabarsehat.example/berita/2026/11/dbd-garut/",
        "https://kabarsehat.example:443/berita/2026/11/dbd-garut#baca-juga",
    ];
    let keys: Vec<String> = variants.iter().map(|v| canonical_url(v)).collect();
    assert!(keys.iter().all(|k| k == &keys[0]), "{keys:?}");
    assert_eq!(
        keys[0],
        "https://kabarsehat.example/berita/2026/11/dbd-garut"
    );
    // A different article stays different.
    assert_ne!(
        canonical_url("https://kabarsehat.example/berita/2026/11/dbd-garut?id=2"),
        keys[0]
    );
}
