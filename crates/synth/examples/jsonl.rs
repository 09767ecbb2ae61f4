//! Writes synthetic articles as JSON Lines on stdout, ready for `waspada analyze --json -`.
//!
//! `cargo run -p waspada-synth --example jsonl -- [N] [SEED]`, or `-- demo [SEED]` for the
//! demo corpus.

use std::io::Write as _;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let seed = |i: usize| args.get(i).and_then(|s| s.parse().ok()).unwrap_or(1);
    let articles = if args.first().map(String::as_str) == Some("demo") {
        waspada_synth::demo_corpus(seed(1))
    } else {
        let n = args.first().and_then(|s| s.parse().ok()).unwrap_or(100);
        waspada_synth::generate(seed(1), n, "2025-01-01", 365)
    };
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for a in &articles {
        let line = serde_json::to_string(a).expect("articles serialise");
        if writeln!(out, "{line}").is_err() {
            return; // closed pipe (e.g. `| head`)
        }
    }
}
