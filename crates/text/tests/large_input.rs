//! Large and hostile input: no panics, correct output. Time on such inputs is
//! measured by `waspada bench` (hostile inputs against prose of the same size), not
//! asserted here.

use waspada_text::{LanguageIdentifier, clean_article, sentences, tokens};

#[test]
fn twenty_megabytes_in_linear_time() {
    let para = "Dinas Kesehatan Kab. Garut mencatat 1.234 kasus DBD (6/7/2021). Baca juga: Wabah Meluas ke Desa Lain Sementara itu, warga diminta waspada. ADVERTISEMENT\n";
    let mut text = String::with_capacity(21_000_000);
    while text.len() < 20_000_000 {
        text.push_str(para);
    }
    let clean = clean_article(Some("Judul"), &text);
    let n_tokens = tokens(&clean.text).count();
    let n_sent = sentences(&clean.text).len();
    let lang = LanguageIdentifier::global().detect(&clean.text);
    println!("20 MB: {n_tokens} tokens, {n_sent} sentences, {lang:?}");
    assert!(n_tokens > 1_000_000 && n_sent > 100_000);
}

#[test]
fn one_enormous_line_and_binary_noise() {
    // A 5 MB line without spaces or newlines, and bytes that are not text at all.
    let line = "a".repeat(5_000_000);
    let clean = clean_article(None, &line);
    assert_eq!(clean.text.len(), line.len());
    assert_eq!(tokens(&clean.text).count(), 1);
    let binary: String = (0u32..200_000)
        .map(|i| char::from_u32((i * 7919) % 0x11_0000).unwrap_or('\u{FFFD}'))
        .collect();
    let clean = clean_article(Some(&binary), &binary);
    let _ = sentences(&clean.text);
    let _ = LanguageIdentifier::global().detect(&clean.text);
}

#[test]
fn many_markers_and_parentheses_stay_linear() {
    let text = "Baca juga: ".repeat(200_000) + &"(".repeat(200_000) + &". A".repeat(200_000);
    let clean = clean_article(None, &text);
    assert!(!sentences(&clean.text).is_empty());
}
