//! How long the places and countries take to load: parsing, indexing, first alias lookup.
//!
//! `cargo run --release -p waspada-kb --example kb_parse_time`
//!
//! Each round loads a fresh knowledge base from the embedded JSON (diseases and hosts left
//! empty, so only places and countries are timed).
use std::time::Instant;

use waspada_kb::KnowledgeBase;

fn main() {
    let places = include_bytes!("../../../data/kb/places.json");
    let countries = include_bytes!("../../../data/kb/countries.json");
    println!(
        "places.json {} bytes, countries.json {} bytes",
        places.len(),
        countries.len()
    );
    for round in 1..=5 {
        let t = Instant::now();
        let kb = match KnowledgeBase::from_json(b"[]", b"[]", places, countries) {
            Ok(kb) => kb,
            Err(e) => {
                eprintln!("{e}");
                std::process::exit(1);
            }
        };
        let load = t.elapsed();
        let t = Instant::now();
        let bogor = kb.places_with_alias("Bogor").count();
        let first_lookup = t.elapsed();
        let t = Instant::now();
        let jabar = kb.places_with_alias("Jabar").count();
        let next_lookup = t.elapsed();
        println!(
            "round {round}: load {load:?} ({} places, {} countries); first alias lookup {first_lookup:?} \
             (builds the alias map; Bogor -> {bogor}); next lookup {next_lookup:?} (Jabar -> {jabar})",
            kb.places.len(),
            kb.countries.len()
        );
    }
}
