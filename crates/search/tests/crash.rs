//! `kill -9` of a process writing the index: after reopening, the index holds exactly the
//! articles up to its watermark, and indexing catches up from there.
//!
//! The test binary runs itself as the writer (selected by an environment variable), so the
//! kill is a real SIGKILL of another process, not a simulated drop.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use waspada_search::{SearchDoc, SearchIndex};

const CHILD_ENV: &str = "WASPADA_SEARCH_CRASH_CHILD_DIR";
const BATCH: u64 = 250;

fn article(id: u64) -> SearchDoc {
    SearchDoc {
        article_id: id,
        language: if id.is_multiple_of(5) { "en" } else { "id" }.into(),
        title: format!("Laporan kasus demam berdarah nomor {id}"),
        body: format!(
            "Dinas Kesehatan mencatat penularan demam berdarah di desa {} pada pekan ke-{}.",
            id % 97,
            id % 52
        ),
        diseases: vec!["dengue".into()],
        countries: vec!["IDN".into()],
        ..SearchDoc::default()
    }
}

/// The writer: index articles 1, 2, 3, ... committing every `BATCH` with the last id as
/// watermark, until killed (or a safety limit, should the parent be gone).
fn child(dir: &str) {
    let mut index = SearchIndex::open_or_create(dir).expect("child open");
    let start = Instant::now();
    let mut id = index.watermark().expect("watermark");
    while start.elapsed() < Duration::from_secs(60) {
        for _ in 0..BATCH {
            id += 1;
            index.upsert(&article(id)).expect("upsert");
        }
        index.commit(id).expect("commit");
        println!("committed {id}");
    }
}

#[test]
fn kill_9_loses_only_uncommitted_docs() {
    if let Ok(dir) = std::env::var(CHILD_ENV) {
        child(&dir);
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let mut proc = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "kill_9_loses_only_uncommitted_docs",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_ENV, dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn the writer");
    let stdout = proc.stdout.take().expect("child stdout");
    let mut last_seen = 0u64;
    for line in BufReader::new(stdout).lines() {
        let line = line.expect("read child output");
        if let Some(n) = line.strip_prefix("committed ") {
            last_seen = n.trim().parse().expect("committed id");
            // Several commits done and the next batch under way: kill it now.
            if last_seen >= 8 * BATCH {
                break;
            }
        }
    }
    proc.kill().expect("SIGKILL the writer");
    let _ = proc.wait();
    assert!(last_seen >= 8 * BATCH, "the writer stopped early");

    let mut index = SearchIndex::open_or_create(dir.path()).expect("reopen after kill");
    let w = index.watermark().unwrap();
    assert!(
        w >= last_seen,
        "watermark {w} behind a reported commit {last_seen}"
    );
    assert_eq!(w % BATCH, 0, "watermark {w} is not a commit boundary");
    eprintln!("killed after a reported commit at {last_seen}; reopened with watermark {w}");
    let ids = index.doc_ids().unwrap();
    assert_eq!(
        ids,
        (1..=w).collect::<Vec<u64>>(),
        "index disagrees with its watermark"
    );

    // Catch up from the watermark: the lock died with the writer, so writing works.
    for id in w + 1..=w + 100 {
        index.upsert(&article(id)).unwrap();
    }
    index.commit(w + 100).unwrap();
    assert_eq!(index.watermark().unwrap(), w + 100);
    assert_eq!(
        index.doc_ids().unwrap(),
        (1..=w + 100).collect::<Vec<u64>>()
    );
}
