//! Fuzzes HTML decoding and main-text extraction: any bytes must give a page or an error,
//! never a panic, a hang or a stack overflow.
#![no_main]

use libfuzzer_sys::fuzz_target;
use waspada_ingest::html::{HtmlOptions, decode_bytes, extract_page_with};

fuzz_target!(|data: &[u8]| {
    // The first byte picks a declared charset, to exercise the label paths too.
    let (label, body) = match data.split_first() {
        Some((b, rest)) => (
            [
                None,
                Some("utf-8"),
                Some("windows-1252"),
                Some("shift_jis"),
                Some("bogus"),
            ][usize::from(*b) % 5],
            rest,
        ),
        None => (None, data),
    };
    let html = decode_bytes(body, label);
    let options = HtmlOptions {
        max_bytes: 1 << 20,
        max_tags: 20_000,
    };
    if let Ok(page) = extract_page_with(&html, Some("https://example.invalid/berita"), &options) {
        assert!(!page.text.contains("\n\n\n"));
    }
});
