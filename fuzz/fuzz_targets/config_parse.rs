//! `waspada.toml` is edited by hand: any text must load or give an error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = waspada_pipeline::config::Config::parse(text, std::path::Path::new("fuzz.toml"));
    }
});
