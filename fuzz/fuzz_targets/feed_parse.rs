//! Feeds come from the internet: any bytes must give items or an error, never a panic, and
//! every link must canonicalise idempotently.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    waspada_fetch::fuzz_parse_feed(data);
});
