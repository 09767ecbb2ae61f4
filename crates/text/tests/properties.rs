//! Property tests: tokenizer, sentence splitter, CharIndex and clean_article invariants on
//! arbitrary input.

use proptest::prelude::*;
use waspada_text::{
    CharIndex, LanguageIdentifier, Stemmer, clean_article, normalize, sentences, tokens,
};

/// Strings biased towards the characters that matter here: Indonesian words, digits,
/// separators, quotes, newlines, multi-byte letters and invisible characters.
fn texty() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("Kab.".to_string()),
        Just("1.234".to_string()),
        Just("1,5".to_string()),
        Just("anak-anak".to_string()),
        Just("Baca juga:".to_string()),
        Just("ADVERTISEMENT".to_string()),
        Just("(Foto: Dok.)".to_string()),
        Just("“é”".to_string()),
        Just("\r\n".to_string()),
        Just("\n\n".to_string()),
        Just(". ".to_string()),
        Just("\u{AD}\u{200B}\u{A0}".to_string()),
        Just("ไข้".to_string()),
        "[a-zA-Z0-9 .,!?()'\"-]{0,12}",
        any::<String>(),
    ];
    prop::collection::vec(piece, 0..24).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn tokens_cover_the_input_in_order(text in texty()) {
        let mut pos = 0;
        let mut rebuilt = String::new();
        for t in tokens(&text) {
            prop_assert!(text.is_char_boundary(t.start) && text.is_char_boundary(t.end));
            prop_assert!(t.start >= pos && t.end > t.start);
            let gap = &text[pos..t.start];
            prop_assert!(gap.chars().all(char::is_whitespace), "non-space gap {:?}", gap);
            prop_assert_eq!(t.text, &text[t.start..t.end]);
            rebuilt.push_str(gap);
            rebuilt.push_str(t.text);
            pos = t.end;
        }
        let tail = &text[pos..];
        prop_assert!(tail.chars().all(char::is_whitespace));
        rebuilt.push_str(tail);
        prop_assert_eq!(rebuilt, text);
    }

    #[test]
    fn sentences_are_ordered_disjoint_and_in_bounds(text in texty()) {
        let mut prev_end = 0;
        for r in sentences(&text) {
            prop_assert!(r.start >= prev_end && r.end > r.start && r.end <= text.len());
            prop_assert!(text.is_char_boundary(r.start) && text.is_char_boundary(r.end));
            prop_assert_eq!(text[r.clone()].trim(), &text[r.clone()]);
            prev_end = r.end;
        }
    }

    #[test]
    fn char_index_matches_counting(text in texty()) {
        let idx = CharIndex::new(&text);
        for (b, _) in text.char_indices().chain(std::iter::once((text.len(), ' '))) {
            prop_assert_eq!(idx.char_offset(b), text[..b].chars().count());
        }
    }

    #[test]
    fn clean_article_output_is_clean(title in texty(), body in texty()) {
        let clean = clean_article(Some(&title), &body);
        prop_assert!(!clean.text.contains('\r'));
        prop_assert!(clean.title_end <= clean.text.len());
        prop_assert!(clean.text.is_char_boundary(clean.title_end));
        prop_assert!(!clean.text.contains("\n\n\n"));
        prop_assert!(!clean.body().contains("ADVERTISEMENT"));
        // Cleaning is idempotent on the body: nothing left to remove the second time.
        let again = clean_article(None, clean.body());
        prop_assert_eq!(again.text.as_str(), clean.body());
    }

    #[test]
    fn normalize_is_idempotent(text in texty()) {
        let once = normalize(&text);
        prop_assert_eq!(normalize(&once), once.clone());
        prop_assert!(!once.contains('\r') && !once.contains("  "));
    }

    #[test]
    fn detect_and_stem_never_panic(text in texty()) {
        let _ = LanguageIdentifier::global().detect(&text);
        let stemmer = Stemmer::new();
        for t in tokens(&text) {
            let _ = stemmer.stem(t.text);
        }
    }
}
