//! Stems the words given on the command line (or read from stdin, one per line).
//!
//! `cargo run -p waspada-text --example stem -- penularan menular wabah`

use std::io::BufRead;

fn main() {
    let stemmer = waspada_text::Stemmer::new();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let words: Vec<String> = if args.is_empty() {
        std::io::stdin()
            .lock()
            .lines()
            .map_while(Result::ok)
            .collect()
    } else {
        args
    };
    for w in words {
        println!("{w}\t{}", stemmer.stem(w.trim()));
    }
}
