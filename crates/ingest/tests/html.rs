//! Main-text extraction on pages we wrote, and robustness on hostile input.

use proptest::prelude::*;
use waspada_ingest::html::{HtmlError, decode_bytes, extract_page};

fn page(name: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/pages")
        .join(name);
    std::fs::read_to_string(path).unwrap()
}

#[test]
fn indonesian_news_page_keeps_article_and_drops_the_rest() {
    let p = extract_page(
        &page("berita_dbd.html"),
        Some("https://wartakita.example/news/dbd"),
    )
    .unwrap();
    let text = &p.text;
    // Every article paragraph is there, each as its own paragraph.
    for needle in [
        "GARUT, WARTAKITA.id - Jumlah kasus demam berdarah dengue (DBD)",
        "sebanyak 1.234 warga terjangkit dan sembilan orang",
        "Kecamatan Tarogong Kidul dan Kecamatan Karangpawitan",
        "\"Kami sudah melakukan pengasapan atau fogging di 42 titik",
        "Jumat (13/3/2026).",
        "Saat ini tercatat 87 pasien masih menjalani rawat inap",
        "belum menetapkan status kejadian luar biasa",
    ] {
        assert!(text.contains(needle), "missing {needle:?} in:\n{text}");
    }
    let paragraphs: Vec<&str> = text.split("\n\n").collect();
    assert!(
        paragraphs
            .iter()
            .any(|p| p.starts_with("Kepala Dinas Kesehatan Kabupaten Garut")),
        "{text}"
    );
    // Scripts, navigation, ads, cross-links, comments and footer are gone.
    for absent in [
        "alert(1)",
        "dataLayer",
        "injected by script",
        "Berita Terkini",
        "Olahraga",
        "ADVERTISEMENT",
        "SCROLL TO CONTINUE",
        "Baca juga",
        "BACA JUGA",
        "Harga Cabai Rawit",
        "Persib Bandung",
        "Bagikan ke",
        "Semoga cepat ditangani",
        "Hak cipta",
        "Dilarang mengutip",
        "Jadwal Kereta Api",
    ] {
        assert!(
            !text.contains(absent),
            "{absent:?} should be gone from:\n{text}"
        );
    }
    assert_eq!(p.published.as_deref(), Some("2026-03-14T09:30:00+07:00"));
    assert_eq!(
        p.title.as_deref(),
        Some("Kasus DBD di Kabupaten Garut Melonjak, Dinkes Gelar Fogging Massal")
    );
    assert_eq!(p.lang.as_deref(), Some("id"));
    assert_eq!(p.site_name.as_deref(), Some("WARTAKITA.id"));
    assert_eq!(p.byline.as_deref(), Some("Rina Kusumawati"));
}

fn article_body() -> String {
    (1..=6)
        .map(|i| {
            format!(
                "<p>Paragraf ke-{i}: petugas puskesmas mendatangi rumah warga satu per satu untuk \
                 memeriksa jentik nyamuk dan membagikan bubuk abate kepada setiap keluarga.</p>"
            )
        })
        .collect()
}

#[test]
fn published_time_from_nested_json_ld() {
    let html = format!(
        r#"<html><head><script type="application/ld+json">
        {{"@context":"https://schema.org","@graph":[{{"@type":"WebSite","name":"x"}},
          {{"@type":"NewsArticle","headline":"Uji","datePublished":"2025-07-06T08:00:00+08:00"}}]}}
        </script></head><body><article>{}</article></body></html>"#,
        article_body()
    );
    let p = extract_page(&html, None).unwrap();
    assert_eq!(p.published.as_deref(), Some("2025-07-06T08:00:00+08:00"));
    assert!(p.text.contains("Paragraf ke-6"), "{}", p.text);
}

#[test]
fn published_time_from_pubdate_meta_and_time_element() {
    let html = format!(
        r#"<html><head><meta name="pubdate" content="2024-01-02"></head>
        <body><article>{}</article></body></html>"#,
        article_body()
    );
    assert_eq!(
        extract_page(&html, None).unwrap().published.as_deref(),
        Some("2024-01-02")
    );
    let html = format!(
        r#"<html><body><article><time pubdate datetime="2023-05-06T10:00">6 Mei</time>{}</article></body></html>"#,
        article_body()
    );
    assert_eq!(
        extract_page(&html, None).unwrap().published.as_deref(),
        Some("2023-05-06T10:00")
    );
}

#[test]
fn short_pages_fall_back_to_body_text() {
    let p = extract_page(
        "<html><body><p>Satu kalimat saja.</p><nav>Menu</nav></body></html>",
        None,
    )
    .unwrap();
    assert_eq!(p.text, "Satu kalimat saja.");
    assert_eq!(extract_page("", None).unwrap().text, "");
}

#[test]
fn hostile_pages_are_bounded() {
    // Deep nesting must neither overflow the stack nor take long.
    let deep = "<div>".repeat(100_000) + "isi" + &"</div>".repeat(100_000);
    let _ = extract_page(&deep, None);
    // A page that is mostly script.
    let scripts = format!(
        "<html><body>{}<p>Berita singkat.</p></body></html>",
        "<script>var a=1;</script>".repeat(40_000)
    );
    let p = extract_page(&scripts, None).unwrap();
    assert!(!p.text.contains("var a"));
    // Over the default 5 MB: refused with a clear error.
    let huge = "x".repeat(5 * 1024 * 1024 + 1);
    assert!(matches!(
        extract_page(&huge, None),
        Err(HtmlError::TooLarge { .. })
    ));
}

fn tag_soup() -> impl Strategy<Value = String> {
    let token = prop_oneof![
        Just("<p>".to_string()),
        Just("</p>".to_string()),
        Just("<div class=\"ads\">".to_string()),
        Just("</div>".to_string()),
        Just("<script>".to_string()),
        Just("</script>".to_string()),
        Just("<nav>".to_string()),
        Just("<a href='x'>".to_string()),
        Just("</a>".to_string()),
        Just("<table><tr><td>".to_string()),
        Just("<!--".to_string()),
        Just("-->".to_string()),
        Just("<![CDATA[".to_string()),
        Just("<meta property=\"article:published_time\" content=\"".to_string()),
        Just("<script type=\"application/ld+json\">{\"datePublished\":".to_string()),
        Just("Baca juga: ".to_string()),
        Just("&amp;&#x0;&#99999999;".to_string()),
        Just("<".to_string()),
        Just(">".to_string()),
        "[a-zA-Z .,\"'=/]{0,30}",
        "\\PC{0,10}",
    ];
    prop::collection::vec(token, 0..200).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn never_panics_on_arbitrary_text(s in "\\PC*") {
        let _ = extract_page(&s, None);
    }

    #[test]
    fn never_panics_on_tag_soup(s in tag_soup()) {
        if let Ok(p) = extract_page(&s, Some("https://example.invalid/a")) {
            prop_assert!(!p.text.contains("\n\n\n"));
            prop_assert_eq!(p.text.trim(), p.text.as_str());
        }
    }

    #[test]
    fn decode_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..512), label in prop::option::of("[a-z0-9-]{0,12}")) {
        let text = decode_bytes(&bytes, label.as_deref());
        // Valid UTF-8 without a BOM comes back unchanged.
        if let Ok(s) = std::str::from_utf8(&bytes) && !bytes.starts_with(b"\xEF\xBB\xBF")
            && !bytes.starts_with(b"\xFF\xFE") && !bytes.starts_with(b"\xFE\xFF") {
            prop_assert_eq!(text, s);
        }
    }
}
