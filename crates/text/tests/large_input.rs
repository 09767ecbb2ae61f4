//! Large and hostile input: linear time, no panics.

use std::time::Instant;

use waspada_text::{LanguageIdentifier, clean_article, sentences, tokens};

/// Wall-clock budget. These tests guard against quadratic paths (which would take minutes),
/// not against a loaded machine: on an idle core the 20 MB case costs about 0.5 s of CPU in
/// release (`examples/text_cost.rs`), so the release budget leaves room for a shared CI host,
/// and unoptimised test builds get a further 30x.
fn budget(release_ms: u128) -> u128 {
    if cfg!(debug_assertions) {
        release_ms * 30
    } else {
        release_ms
    }
}

#[test]
fn twenty_megabytes_in_linear_time() {
    let para = "Dinas Kesehatan Kab. Garut mencatat 1.234 kasus DBD (6/7/2021). Baca juga: Wabah Meluas ke Desa Lain Sementara itu, warga diminta waspada. ADVERTISEMENT\n";
    let mut text = String::with_capacity(21_000_000);
    while text.len() < 20_000_000 {
        text.push_str(para);
    }
    let t = Instant::now();
    let clean = clean_article(Some("Judul"), &text);
    let n_tokens = tokens(&clean.text).count();
    let n_sent = sentences(&clean.text).len();
    let lang = LanguageIdentifier::global().detect(&clean.text);
    let ms = t.elapsed().as_millis();
    println!("20 MB: {ms} ms, {n_tokens} tokens, {n_sent} sentences, {lang:?}");
    assert!(n_tokens > 1_000_000 && n_sent > 100_000);
    assert!(ms < budget(3_000), "{ms} ms");
}

#[test]
fn one_enormous_line_and_binary_noise() {
    // A 5 MB line without spaces or newlines, and bytes that are not text at all.
    let line = "a".repeat(5_000_000);
    let t = Instant::now();
    let clean = clean_article(None, &line);
    assert_eq!(clean.text.len(), line.len());
    assert_eq!(tokens(&clean.text).count(), 1);
    let binary: String = (0u32..200_000)
        .map(|i| char::from_u32((i * 7919) % 0x11_0000).unwrap_or('\u{FFFD}'))
        .collect();
    let clean = clean_article(Some(&binary), &binary);
    let _ = sentences(&clean.text);
    let _ = LanguageIdentifier::global().detect(&clean.text);
    assert!(t.elapsed().as_millis() < budget(1_000));
}

#[test]
fn many_markers_and_parentheses_stay_linear() {
    let text = "Baca juga: ".repeat(200_000) + &"(".repeat(200_000) + &". A".repeat(200_000);
    let t = Instant::now();
    let clean = clean_article(None, &text);
    let _ = sentences(&clean.text);
    assert!(t.elapsed().as_millis() < budget(1_000), "{:?}", t.elapsed());
}
