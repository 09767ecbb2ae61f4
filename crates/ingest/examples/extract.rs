//! Prints what `extract_page` reads from an HTML file: `cargo run --example extract FILE`.

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: extract FILE.html");
        std::process::exit(2);
    };
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("cannot read {path}: {e}");
            std::process::exit(2);
        }
    };
    let html = waspada_ingest::html::decode_bytes(&bytes, None);
    match waspada_ingest::html::extract_page(&html, None) {
        Ok(page) => println!("{page:#?}\n---\n{}", page.text),
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(1);
        }
    }
}
