//! The embedded store end to end, on the real binary: `ingest` is idempotent, `events`,
//! `search` and `status` read what it stored, and a `kill -9` in the middle of an ingest
//! loses nothing and duplicates nothing.
//!
//! Articles come from `waspada-synth` (our own generator) or are written here.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use serde_json::Value;
use waspada_synth::{SynthArticle, generate};

fn waspada(args: &[&str], data: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_waspada"))
        .args(args)
        .arg("--data")
        .arg(data)
        .env_remove("WASPADA_DATA")
        .output()
        .expect("run waspada")
}

fn json_of(out: &Output) -> Value {
    let stdout = String::from_utf8_lossy(&out.stdout);
    serde_json::from_str(stdout.lines().last().unwrap_or("")).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {stdout}\nstderr: {}",
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

fn write_jsonl(path: &Path, articles: &[SynthArticle]) {
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    for a in articles {
        serde_json::to_writer(&mut f, a).unwrap();
        f.write_all(b"\n").unwrap();
    }
}

fn status(data: &Path) -> Value {
    let out = waspada(&["status", "--check", "--json"], data);
    assert!(
        out.status.success(),
        "status failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    json_of(&out)
}

#[test]
fn ingesting_twice_stores_once_and_url_variants_are_the_same_article() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let corpus = dir.path().join("corpus.jsonl");
    let articles = generate(7, 300, "2025-01-01", 60);
    write_jsonl(&corpus, &articles);

    let first = waspada(&["ingest", "--json", corpus.to_str().unwrap()], &data);
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let first = json_of(&first);
    let stored = first["store"]["articles"].as_u64().unwrap();
    assert_eq!(
        first["ingest"]["new"].as_u64().unwrap() + first["ingest"]["same_text"].as_u64().unwrap(),
        300
    );
    assert!(stored > 250, "{first}");
    assert!(first["store"]["events"].as_u64().unwrap() > 0, "{first}");

    let again = json_of(&waspada(
        &["ingest", "--json", corpus.to_str().unwrap()],
        &data,
    ));
    assert_eq!(again["ingest"]["new"], 0, "{again}");
    assert_eq!(again["ingest"]["same_url"], 300, "{again}");
    assert_eq!(again["store"]["articles"].as_u64().unwrap(), stored);

    // The same items under tracking parameters, a trailing slash and a fragment.
    let variants: Vec<SynthArticle> = articles
        .iter()
        .take(30)
        .enumerate()
        .map(|(i, a)| {
            let mut a = a.clone();
            a.url = match i % 3 {
                0 => format!("{}?utm_source=wa&utm_medium=social", a.url),
                1 => format!("{}/", a.url),
                _ => format!("{}#komentar", a.url),
            };
            a
        })
        .collect();
    let variants_file = dir.path().join("variants.jsonl");
    write_jsonl(&variants_file, &variants);
    let third = json_of(&waspada(
        &["ingest", "--json", variants_file.to_str().unwrap()],
        &data,
    ));
    assert_eq!(third["ingest"]["new"], 0, "{third}");
    assert_eq!(third["store"]["articles"].as_u64().unwrap(), stored);
    assert_eq!(status(&data)["check"]["index_agrees_with_store"], true);
}

#[test]
fn events_and_search_read_what_ingest_stored() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let corpus = dir.path().join("c.jsonl");
    std::fs::write(
        &corpus,
        concat!(
            r#"{"id":"a1","title":"Tiga warga Garut meninggal akibat DBD","text":"GARUT - Dinas Kesehatan Kabupaten Garut mencatat 120 kasus demam berdarah dengue sejak awal Maret 2025. Tiga warga meninggal dunia. Penularan terjadi di permukiman padat.","published":"2025-03-10","url":"https://berita.example/garut-dbd","source":"Berita Contoh"}"#,
            "\n",
            r#"{"id":"a2","title":"Kasus DBD di Garut tembus 200","text":"GARUT - Kasus demam berdarah dengue di Kabupaten Garut terus bertambah. Dinas Kesehatan mencatat 200 kasus hingga 20 Maret 2025, empat di antaranya meninggal.","published":"2025-03-21","url":"https://kabar.example/dbd-garut-200","source":"Kabar Contoh"}"#,
            "\n",
            r#"{"id":"a3","title":"Ular sanca masuk rumah warga di Garut","text":"Seekor ular sanca sepanjang tiga meter masuk ke rumah warga di Kabupaten Garut, Selasa (11/3/2025). Petugas pemadam kebakaran mengevakuasi ular itu.","published":"2025-03-11","url":"https://berita.example/ular","source":"Berita Contoh"}"#,
            "\n",
        ),
    )
    .unwrap();
    let out = waspada(&["ingest", corpus.to_str().unwrap()], &data);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let events = waspada(&["events", "--json"], &data);
    let events: Vec<Value> = String::from_utf8_lossy(&events.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let dengue: Vec<&Value> = events
        .iter()
        .filter(|e| e["event"]["disease_id"] == "dengue")
        .collect();
    assert_eq!(
        dengue.len(),
        1,
        "two reports of one outbreak are one event: {events:#?}"
    );
    let e = &dengue[0]["event"];
    assert_eq!(e["area_code"], "32.05");
    assert_eq!(e["n_stories"], 2);
    let cases = e["figures"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["kind"] == "cases")
        .unwrap();
    assert_eq!(cases["value"], 200, "the latest figure wins: {e}");
    assert_eq!(dengue[0]["reports"].as_array().unwrap().len(), 2);

    let text = String::from_utf8_lossy(&waspada(&["events"], &data).stdout).to_string();
    assert!(
        text.contains("Kabupaten Garut") && text.contains("Dengue"),
        "{text}"
    );

    let hits = |q: &str| -> Vec<String> {
        let out = waspada(&["search", "--json", q], &data);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        json_of(&out)["hits"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["url"].as_str().unwrap_or("").to_string())
            .collect()
    };
    let menular = hits("menular");
    assert!(
        menular.iter().any(|u| u.ends_with("garut-dbd")),
        "penularan ~ menular: {menular:?}"
    );
    let wabah = hits("wabah");
    assert!(
        !wabah.iter().any(|u| u.ends_with("ular")),
        "wabah must not find ular: {wabah:?}"
    );
    let dbd = hits("demam berdarah Garut");
    assert!(dbd.len() >= 2 && !dbd[0].ends_with("ular"), "{dbd:?}");
}

/// Generates the crash-test corpus once per test binary run.
fn crash_corpus(dir: &Path, n: usize) -> PathBuf {
    let path = dir.join("crash.jsonl");
    write_jsonl(&path, &generate(2026, n, "2024-01-01", 700));
    path
}

fn stored_articles(data: &Path) -> u64 {
    let out = waspada(&["status", "--json"], data);
    if !out.status.success() {
        return 0;
    }
    json_of(&out)["store"]["articles"].as_u64().unwrap_or(0)
}

#[test]
fn a_killed_ingest_resumes_with_every_article_stored_once_and_the_index_in_step() {
    const N: usize = 20_000;
    let dir = tempfile::tempdir().unwrap();
    let corpus = crash_corpus(dir.path(), N);
    let corpus = corpus.to_str().unwrap();

    // The reference: the same corpus, ingested without interruption.
    let reference = dir.path().join("reference");
    let out = waspada(&["ingest", "--no-detect", "--json", corpus], &reference);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let expected = status(&reference);

    // Kill -9 at a point chosen by a seeded generator, somewhere inside the run.
    let seed = std::env::var("WASPADA_CRASH_SEED")
        .ok()
        .and_then(|s| s.parse::<u64>().ok())
        .unwrap_or(20_261_127);
    let stored = expected["store"]["articles"].as_u64().unwrap();
    let kill_after = 1_000 + seed % (stored - 2_000);
    let data = dir.path().join("crashed");
    let mut child = Command::new(env!("CARGO_BIN_EXE_waspada"))
        .args(["ingest", "--no-detect", "--batch", "128", corpus, "--data"])
        .arg(&data)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut killed_at = None;
    while child.try_wait().unwrap().is_none() {
        std::thread::sleep(Duration::from_millis(50));
        if data.join("waspada.sqlite").exists() {
            let n = stored_articles(&data);
            if n >= kill_after {
                child.kill().unwrap(); // SIGKILL on Unix
                killed_at = Some(n);
                break;
            }
        }
    }
    child.wait().unwrap();
    let killed_at = killed_at.expect("the ingest finished before it could be killed");
    assert!(killed_at < stored, "killed at {killed_at} of {stored}");

    // Run again to the end.
    let out = waspada(&["ingest", "--no-detect", "--json", corpus], &data);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let after = status(&data);
    assert_eq!(after["store"], expected["store"], "killed at {killed_at}");
    assert_eq!(after["check"]["index_agrees_with_store"], true, "{after}");
    assert_eq!(after["index_documents"], expected["store"]["articles"]);
    assert_eq!(after["articles_without_current_analysis"], 0);
}

#[test]
fn the_demo_builds_a_store_with_events_and_signals() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("demo");
    let out = Command::new(env!("CARGO_BIN_EXE_waspada"))
        .args(["demo", "--no-serve", "--data"])
        .arg(&data)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.contains("SYNTHETIC"), "{said}");
    let s = status(&data);
    assert!(s["store"]["articles"].as_u64().unwrap() > 2000, "{s}");
    assert!(s["store"]["signals"].as_u64().unwrap() > 10, "{s}");
    assert_eq!(s["check"]["index_agrees_with_store"], true);
    let signals = waspada(&["signals", "--json", "--limit", "500"], &data);
    let text = String::from_utf8_lossy(&signals.stdout);
    assert!(text.contains("\"rule-klb-declared\""), "{text}");
}

#[test]
fn a_url_on_this_machine_is_refused_with_a_reason_and_the_run_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let corpus = dir.path().join("one.jsonl");
    write_jsonl(&corpus, &generate(3, 5, "2025-01-01", 5));
    let out = waspada(
        &[
            "ingest",
            "--json",
            "http://127.0.0.1:9/feed.xml",
            corpus.to_str().unwrap(),
        ],
        &data,
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "a failed input means exit status 1"
    );
    let summary = json_of(&out);
    assert_eq!(
        summary["ingest"]["new"], 5,
        "the file is still ingested: {summary}"
    );
    let reason = summary["ingest"]["failures"][0]["reason"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(reason.contains("127.0.0.1"), "{reason}");
}
