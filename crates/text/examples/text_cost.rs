//! Measures the one-off and per-article costs of the Read stage:
//! identifier construction, lingua model load, and per-step times on a large input.
//!
//! `cargo run -p waspada-text --release --example text_cost [-- --large-only]`

use std::time::Instant;

use waspada_text::{LanguageIdentifier, clean_article, normalize, sentences, tokens};

fn main() {
    let t = Instant::now();
    let _ = clean_article(Some("Judul"), "Isi berita. Baca juga: Judul Lain");
    println!(
        "first clean_article (compiles the boilerplate patterns): {:?}",
        t.elapsed()
    );
    let t = Instant::now();
    let lid = LanguageIdentifier::global();
    println!("identifier construction: {:?}", t.elapsed());
    let t = Instant::now();
    let _ = lid.detect("Dinas Kesehatan mencatat kasus demam berdarah di Garut pekan ini.");
    println!("first detect (lexical path, no lingua): {:?}", t.elapsed());
    let t = Instant::now();
    let _ = lid.preload();
    println!(
        "lingua build (6 languages, low accuracy, lazy models): {:?}",
        t.elapsed()
    );
    let t = Instant::now();
    let got = lid.detect("Wabah DBD merebak di Garut");
    println!(
        "first short-text detect via lingua (loads models): {:?} -> {got:?}",
        t.elapsed()
    );
    let n = 200;
    let t = Instant::now();
    for _ in 0..n {
        let _ = lid.detect("Wabah DBD merebak di Garut");
    }
    println!(
        "short-text detect via lingua, warm: {:?}/call",
        t.elapsed() / n
    );

    let para = "Dinas Kesehatan Kab. Garut mencatat 1.234 kasus DBD (6/7/2021). Baca juga: Wabah Meluas ke Desa Lain Sementara itu, warga diminta waspada. ADVERTISEMENT\n";
    let text = para.repeat(20_000_000 / para.len());
    let t = Instant::now();
    let norm = normalize(&text);
    println!("normalize 20 MB: {:?}", t.elapsed());
    let t = Instant::now();
    let clean = clean_article(None, &text);
    println!("clean_article 20 MB: {:?}", t.elapsed());
    let t = Instant::now();
    let n_tok = tokens(&clean.text).count();
    println!("tokens 20 MB: {:?} ({n_tok})", t.elapsed());
    let t = Instant::now();
    let n_s = sentences(&clean.text).len();
    println!("sentences 20 MB: {:?} ({n_s})", t.elapsed());
    let t = Instant::now();
    let w = norm.split_whitespace().count();
    println!("split_whitespace 20 MB: {:?} ({w})", t.elapsed());
    if std::env::args().any(|a| a == "--large-only") {
        return;
    }
    eval_articles("../shared/eval/id_news_dev.jsonl");
    eval_articles("../shared/eval/who_dons_dev.jsonl");
    decided_by("../shared/eval/id_news_dev.jsonl");
    decided_by("../shared/eval/who_dons_dev.jsonl");
}

/// Per-article cost on a shared eval file, when present (read in place, not copied).
fn eval_articles(path: &str) {
    let Ok(raw) = std::fs::read_to_string(path) else {
        println!("{path} not present: per-article timing skipped");
        return;
    };
    let rows: Vec<(Option<String>, String)> = raw
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .map(|v| {
            (
                v["title"].as_str().map(str::to_string),
                v["text"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    let bytes: usize = rows.iter().map(|r| r.1.len()).sum();
    let lid = LanguageIdentifier::global();
    let rounds = 20;
    let (mut t_clean, mut t_lid, mut t_tok, mut t_sent, mut t_base) = Default::default();
    for _ in 0..rounds {
        for (title, body) in &rows {
            let t = Instant::now();
            let clean = clean_article(title.as_deref(), body);
            t_clean += t.elapsed();
            let t = Instant::now();
            std::hint::black_box(lid.detect(&clean.text));
            t_lid += t.elapsed();
            let t = Instant::now();
            std::hint::black_box(tokens(&clean.text).count());
            t_tok += t.elapsed();
            let t = Instant::now();
            std::hint::black_box(sentences(&clean.text).len());
            t_sent += t.elapsed();
            let t = Instant::now();
            std::hint::black_box(body.split_whitespace().count());
            t_base += t.elapsed();
        }
    }
    let n = (rows.len() * rounds) as u32;
    let per: fn(std::time::Duration, u32) -> std::time::Duration = |d, n| d / n;
    println!(
        "{path}: {} articles, mean {} B; per article: clean {:?}, detect {:?}, tokens {:?}, sentences {:?}; split_whitespace baseline {:?}",
        rows.len(),
        bytes / rows.len().max(1),
        per(t_clean, n),
        per(t_lid, n),
        per(t_tok, n),
        per(t_sent, n),
        per(t_base, n)
    );
}

/// Counts how each article of a shared eval file was decided (`explain`).
fn decided_by(path: &str) {
    let Ok(raw) = std::fs::read_to_string(path) else {
        return;
    };
    let lid = LanguageIdentifier::global();
    let mut counts = std::collections::BTreeMap::new();
    for v in raw
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
    {
        let clean = clean_article(v["title"].as_str(), v["text"].as_str().unwrap_or(""));
        let d = lid.explain(&clean.text, None);
        *counts
            .entry(format!("{:?}/{:?}", d.language, d.decided_by))
            .or_insert(0) += 1;
    }
    println!("{path}: {counts:?}");
}
