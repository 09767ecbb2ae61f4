//! Boilerplate removal on the shared eval articles (read in place when present; skipped
//! with a message otherwise). The fixtures in `src/boilerplate.rs` are our own texts; these
//! tests check the rules against real pages without copying any of them.

mod common;

use waspada_text::{clean_article, normalize, sentences};

/// Lines of the raw body that are not furniture by any reasonable reading: long prose.
fn prose_sentences(body: &str) -> Vec<String> {
    let norm = normalize(body);
    sentences(&norm)
        .into_iter()
        .map(|r| norm[r].to_string())
        .filter(|s| s.len() >= 80 && s.ends_with(['.', '!', '?', '"', '”']) && !is_promo(s))
        .collect()
}

/// Sentences that are promotions by their opening words, not prose.
fn is_promo(s: &str) -> bool {
    let lower = s.to_lowercase();
    [
        "baca juga",
        "tonton",
        "simak",
        "artikel ini",
        "- ",
        "dapatkan",
        "ikuti",
    ]
    .iter()
    .any(|m| lower.starts_with(m))
}

#[test]
fn seed_has_no_baca_juga_and_keeps_its_sentences() {
    let Some(rows) = common::eval_rows("seed.jsonl") else {
        return;
    };
    for row in rows {
        let body = row["text"].as_str().unwrap_or("");
        let clean = clean_article(row["title"].as_str(), body);
        assert!(
            !clean.text.to_uppercase().contains("BACA JUGA"),
            "{}",
            clean.text
        );
        for s in prose_sentences(body) {
            assert!(clean.text.contains(&s), "lost sentence: {s}");
        }
        // Only the bare marker line was dropped.
        assert_eq!(clean.removed.len(), 1, "{:?}", clean.removed);
    }
}

#[test]
fn dev_articles_lose_furniture_but_no_prose() {
    let Some(rows) = common::eval_rows("id_news_dev.jsonl") else {
        return;
    };
    let furniture = [
        "SCROLL TO CONTINUE WITH CONTENT",
        "ADVERTISEMENT",
        "Baca Juga:",
        "Baca juga:",
        "BACA JUGA",
        "Ikuti Whatsapp Channel",
        "Dapatkan Berita",
    ];
    let mut removed = 0;
    let mut lost = Vec::new();
    for row in &rows {
        let body = row["text"].as_str().unwrap_or("");
        let clean = clean_article(row["title"].as_str(), body);
        for f in furniture {
            assert!(!clean.text.contains(f), "{}: still has {f:?}", row["id"]);
        }
        assert!(!clean.text.lines().any(|l| l == "null"), "{}", row["id"]);
        removed += clean.removed.len();
        for s in prose_sentences(body) {
            if !clean.text.contains(&s) {
                lost.push(format!("{}: {s}", row["id"]));
            }
        }
    }
    println!(
        "{} articles, {removed} pieces of furniture removed",
        rows.len()
    );
    // Inline removals (photo credits, glued links) may alter a long sentence; none may vanish
    // wholesale in more than a handful of places.
    assert!(lost.len() <= 3, "lost prose sentences: {lost:#?}");
}

#[test]
fn who_pages_keep_paragraphs_and_drop_navigation() {
    let Some(rows) = common::eval_rows("who_dons_dev.jsonl") else {
        return;
    };
    for row in &rows {
        let body = row["text"].as_str().unwrap_or("");
        let clean = clean_article(None, body);
        assert!(!clean.text.contains('\r'));
        assert!(
            !clean.text.contains("See all DONs related to this event"),
            "{}",
            row["id"]
        );
        assert!(
            !clean.text.lines().any(|l| l.starts_with("Read more about")),
            "{}",
            row["id"]
        );
        assert!(!clean.text.contains("\n\n\n"));
        assert!(!clean.text.lines().any(|l| l != l.trim()));
        for s in prose_sentences(body) {
            assert!(clean.text.contains(&s), "{}: lost {s}", row["id"]);
        }
    }
}
