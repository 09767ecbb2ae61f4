//! `waspada bench ingest`: the whole loop on the embedded store (analyse, store, index,
//! events, series) over generated articles, with throughput, peak memory and search
//! latency, each against a baseline measured in the same run.
//!
//! The ingest runs as a child process (`waspada ingest`), as a user runs it, so its peak
//! memory is its own and not the generator's. Baselines:
//! - ingest throughput against *analysis alone* on the first articles of the same corpus,
//!   in this process: the ratio is what storing and indexing cost on top of reading;
//! - search latency against a plain substring scan of the same store's clean texts.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, ensure};
use rayon::prelude::*;
use waspada_extract::{Analyzer, Article};
use waspada_search::Query;

/// Articles generated per chunk (the generator holds a chunk in memory).
const CHUNK: usize = 5_000;
/// Articles analysed for the analysis-only baseline.
const BASELINE_ARTICLES: usize = 10_000;

/// Query words for the latency run: diseases, places and common words, in Indonesian and
/// English, alone and in pairs.
const WORDS: &[&str] = &[
    "demam berdarah",
    "DBD",
    "diare",
    "keracunan",
    "difteri",
    "campak",
    "rabies",
    "flu burung",
    "babi",
    "sapi",
    "meninggal",
    "kasus",
    "wabah",
    "KLB",
    "penularan",
    "Garut",
    "Bandung",
    "Kupang",
    "Jawa Barat",
    "Nusa Tenggara Timur",
    "puskesmas",
    "rumah sakit",
    "dengue",
    "outbreak",
    "deaths",
    "cholera",
    "measles",
    "Malaysia",
    "Selangor",
    "vaccination",
];

/// Runs the benchmark over `n` articles and `queries` searches; moves the data directory
/// to `keep` at the end when given.
pub fn run(n: usize, seed: u64, queries: usize, keep: Option<&Path>) -> Result<()> {
    if let Some(k) = keep {
        ensure!(
            !k.exists(),
            "{} exists; --keep needs a new directory",
            k.display()
        );
    }
    let dir = std::env::temp_dir().join(format!("waspada-bench-ingest-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let corpus = dir.join("corpus.jsonl");
    let started = Instant::now();
    let (bytes, baseline_articles) = write_corpus(&corpus, n, seed)?;
    println!(
        "corpus: {n} synthetic articles ({:.0} MB JSON Lines), written in {:.1} s; {} threads",
        bytes as f64 / 1e6,
        started.elapsed().as_secs_f64(),
        rayon::current_num_threads()
    );

    // Baseline: analysis alone, all cores.
    let analyzer = Analyzer::embedded();
    let t = Instant::now();
    baseline_articles.par_iter().for_each(|a| {
        std::hint::black_box(analyzer.analyze(a));
    });
    let analyse_rate = baseline_articles.len() as f64 / t.elapsed().as_secs_f64();
    drop(baseline_articles);

    // The ingest, as a user runs it.
    let data = dir.join("data");
    let exe = std::env::current_exe()?;
    let t = Instant::now();
    let mut child = Command::new(&exe)
        .args(["ingest", "--no-detect", "--json", "--data"])
        .arg(&data)
        .arg(&corpus)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .context("starting `waspada ingest`")?;
    let pid = child.id();
    let mut peak_kb = 0u64;
    while child.try_wait()?.is_none() {
        peak_kb = peak_kb.max(peak_rss_kb(pid).unwrap_or(0));
        std::thread::sleep(Duration::from_millis(100));
    }
    let ingest_time = t.elapsed();
    let out = child.wait_with_output()?;
    ensure!(out.status.success(), "`waspada ingest` failed");
    let summary: serde_json::Value =
        serde_json::from_slice(&out.stdout).context("ingest summary")?;
    let rate = n as f64 / ingest_time.as_secs_f64();
    println!(
        "ingest (analyse, store, index, events, series): {:.0} articles/s, {:.1} s for {n} \
         ({} stored, {} stories, {} events)",
        rate,
        ingest_time.as_secs_f64(),
        summary["store"]["articles"],
        summary["store"]["stories"],
        summary["store"]["events"],
    );
    println!(
        "baseline analysis alone in this process: {:.0} articles/s; ingest / analysis = {:.2}",
        analyse_rate,
        rate / analyse_rate
    );
    println!(
        "peak RSS of the ingest process: {:.0} MB (sampled every 100 ms); 1M articles at this \
         rate: {:.1} min",
        peak_kb as f64 / 1024.0,
        1e6 / rate / 60.0
    );
    println!("store on disk: {:.0} MB", dir_size(&data) as f64 / 1e6);

    // Search latency on that store.
    let datadir = waspada_pipeline::DataDir::create(&data)?;
    let indexer = datadir.indexer()?;
    let index = indexer.index();
    let mut lat = Vec::with_capacity(queries);
    for i in 0..queries {
        // Every word, then every pair in a fixed stride: the same queries in every run.
        let mut q = WORDS[(i * 7 + seed as usize) % WORDS.len()].to_string();
        if i % 2 == 1 {
            q.push(' ');
            q.push_str(WORDS[(i * 13 + 5) % WORDS.len()]);
        }
        let query = Query {
            text: q,
            outbreak_only: i % 5 == 0,
            limit: 10,
            ..Query::default()
        };
        let t = Instant::now();
        let r = index.search(&query)?;
        std::hint::black_box(&r);
        lat.push(t.elapsed());
    }
    lat.sort();
    let pct = |p: f64| lat[((lat.len() as f64 - 1.0) * p).round() as usize];
    let store = datadir.store()?;
    let t = Instant::now();
    let scans = 3;
    for w in WORDS.iter().take(scans) {
        std::hint::black_box(scan_count(&store, w)?);
    }
    let scan = t.elapsed() / scans as u32;
    println!(
        "search ({queries} queries, with facets): p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        ms(pct(0.5)),
        ms(pct(0.99)),
        ms(*lat.last().unwrap_or(&Duration::ZERO))
    );
    println!(
        "baseline substring scan of the store's texts: {:.0} ms per word; search p99 is {:.0}× faster",
        ms(scan),
        scan.as_secs_f64() / pct(0.99).as_secs_f64()
    );
    drop((indexer, store));
    if let Some(k) = keep {
        // A rename when on the same file system, else a copy.
        if std::fs::rename(&data, k).is_err() {
            let status = Command::new("cp").arg("-r").arg(&data).arg(k).status()?;
            ensure!(status.success(), "cannot copy the data to {}", k.display());
        }
        println!("data directory kept in {}", k.display());
    }
    std::fs::remove_dir_all(&dir).ok();
    Ok(())
}

/// Writes `n` generated articles as JSON Lines, chunk by chunk; returns the bytes written
/// and the first articles for the baseline.
pub fn write_corpus(path: &Path, n: usize, seed: u64) -> Result<(u64, Vec<Article>)> {
    let mut f = std::io::BufWriter::new(std::fs::File::create(path)?);
    let mut bytes = 0u64;
    let mut baseline = Vec::new();
    let mut done = 0;
    let mut chunk_no = 0u64;
    while done < n {
        let k = CHUNK.min(n - done);
        // Each chunk covers its own stretch of days so dates advance through the corpus.
        let start = jiff::civil::date(2023, 1, 1)
            .checked_add(jiff::Span::new().days((chunk_no * 20) as i64))
            .unwrap_or(jiff::civil::date(2023, 1, 1));
        for mut a in waspada_synth::generate(seed.wrapping_add(chunk_no), k, &start.to_string(), 20)
        {
            a.id = format!("b{chunk_no}-{}", a.id);
            a.url = format!("{}-{chunk_no}", a.url);
            let line = serde_json::to_string(&a)?;
            bytes += line.len() as u64 + 1;
            f.write_all(line.as_bytes())?;
            f.write_all(b"\n")?;
            if baseline.len() < BASELINE_ARTICLES {
                baseline.push(Article {
                    id: a.id,
                    title: Some(a.title),
                    text: a.text,
                    published: Some(a.published),
                    url: Some(a.url),
                    lang: None,
                    source: Some(a.source),
                });
            }
        }
        done += k;
        chunk_no += 1;
    }
    f.flush()?;
    Ok((bytes, baseline))
}

/// Articles whose clean text contains `word`, case-folded, by reading every text. The texts
/// are stored compressed, so SQLite's `instr` cannot look inside them: each is decoded
/// here, as any scan without the index would have to.
fn scan_count(store: &waspada_store::Store, word: &str) -> Result<u64> {
    let word = word.to_lowercase();
    let mut stmt = store
        .connection()
        .prepare("SELECT clean_text FROM articles")?;
    let mut rows = stmt.query([])?;
    let mut n = 0;
    while let Some(row) = rows.next()? {
        let text = row.get::<_, waspada_store::StoredText>(0)?.into_string();
        n += u64::from(text.to_lowercase().contains(&word));
    }
    Ok(n)
}

/// Peak resident set (VmHWM) of a running process, in kB.
fn peak_rss_kb(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

fn dir_size(path: &Path) -> u64 {
    let Ok(entries) = std::fs::read_dir(path) else {
        return 0;
    };
    entries
        .filter_map(|e| e.ok())
        .map(|e| {
            let p = e.path();
            if p.is_dir() {
                dir_size(&p)
            } else {
                e.metadata().map_or(0, |m| m.len())
            }
        })
        .sum()
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}
