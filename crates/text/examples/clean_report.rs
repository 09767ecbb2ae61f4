//! Prints what `clean_article` removes from each article of a JSONL file (fields `title`,
//! `text`), so that the boilerplate rules can be reviewed on real pages.
//!
//! `cargo run -p waspada-text --release --example clean_report -- FILE.jsonl`

use std::collections::BTreeMap;

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: clean_report FILE.jsonl");
        std::process::exit(2);
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("cannot read {path}: {e}");
            std::process::exit(1);
        }
    };
    let mut by_kind: BTreeMap<&str, usize> = BTreeMap::new();
    for (n, line) in text.lines().enumerate() {
        let Ok(row) = serde_json::from_str::<serde_json::Value>(line) else {
            eprintln!("{path}:{}: not JSON, skipped", n + 1);
            continue;
        };
        let clean =
            waspada_text::clean_article(row["title"].as_str(), row["text"].as_str().unwrap_or(""));
        for r in &clean.removed {
            *by_kind.entry(r.kind.as_str()).or_default() += 1;
            println!("{}\t{}\t{}", row["id"], r.kind.as_str(), r.snippet);
        }
    }
    eprintln!("{by_kind:?}");
}
