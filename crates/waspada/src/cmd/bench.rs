//! `waspada bench`: measures the analyser on this machine, against a baseline
//! measured in the same run.
//!
//! Wall-clock figures on a shared machine drift from run to run, so every figure is
//! also given as a ratio to `wc -w` over the same text, measured moments before.

use anyhow::{Context, Result};
use rayon::prelude::*;
use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};
use waspada_extract::{Analyzer, Article};

/// Arguments of `waspada bench`.
#[derive(clap::Args)]
pub struct Args {
    /// What to measure.
    ///
    /// `analyze`: the analyser alone; `ingest`: analyse, store, index, events and series
    /// into a fresh data directory, then search latency on it; `cluster`: analyse
    /// workers over NATS and PostgreSQL (started here) against the embedded ingest.
    #[arg(value_parser = ["analyze", "ingest", "cluster"], default_value = "analyze")]
    pub target: String,
    /// Number of synthetic articles (3–5 kB each, Indonesian, English and Malay);
    /// defaults to 20,000 for `analyze` and 100,000 for `ingest`.
    #[arg(long)]
    pub articles: Option<usize>,
    /// Searches timed by `bench ingest`.
    #[arg(long, default_value_t = 500)]
    pub queries: usize,
    /// Seed of the synthetic corpus.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// `bench ingest`: keep the data directory it built here (a store for load tests,
    /// e.g. `scripts/loadtest.sh`) instead of deleting it.
    #[arg(long, value_name = "DIR")]
    pub keep: Option<PathBuf>,
    /// `bench cluster`: the worker process counts to measure, e.g. `1,2,4`.
    #[arg(long, value_delimiter = ',', default_value = "1,2,4")]
    pub workers: Vec<usize>,
    /// Start-up runs of `waspada analyze` on one article.
    #[arg(long, default_value_t = 5)]
    pub startup_runs: usize,
}

/// Runs the command.
pub fn run(args: Args) -> Result<ExitCode> {
    if args.target == "ingest" {
        super::bench_ingest::run(
            args.articles.unwrap_or(100_000),
            args.seed,
            args.queries,
            args.keep.as_deref(),
        )?;
        return Ok(ExitCode::SUCCESS);
    }
    if args.target == "cluster" {
        super::bench_cluster::run(args.articles.unwrap_or(20_000), args.seed, &args.workers)?;
        return Ok(ExitCode::SUCCESS);
    }
    let n = args.articles.unwrap_or(20_000);
    let corpus: Vec<Article> = waspada_synth::generate(args.seed, n, "2025-01-01", 365)
        .into_iter()
        .map(|a| Article {
            id: a.id,
            title: Some(a.title),
            text: a.text,
            published: Some(a.published),
            url: Some(a.url),
            lang: None,
            source: Some(a.source),
        })
        .collect();
    let bytes: usize = corpus
        .iter()
        .map(|a| a.text.len() + a.title.as_ref().map_or(0, String::len))
        .sum();
    println!(
        "corpus: {} synthetic articles, {:.1} MB, mean {:.2} kB; {} threads",
        corpus.len(),
        bytes as f64 / 1e6,
        bytes as f64 / corpus.len().max(1) as f64 / 1e3,
        rayon::current_num_threads()
    );

    // Baseline: `wc -w` over the same text.
    let dir = std::env::temp_dir().join(format!("waspada-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let text_file = dir.join("corpus.txt");
    {
        let mut f = std::io::BufWriter::new(std::fs::File::create(&text_file)?);
        for a in &corpus {
            writeln!(f, "{}\n{}", a.title.as_deref().unwrap_or(""), a.text)?;
        }
    }
    let wc = time_wc(&text_file);

    let started = Instant::now();
    let analyzer = Analyzer::embedded();
    let load = started.elapsed();

    let started = Instant::now();
    let mut latencies: Vec<Duration> = corpus
        .par_iter()
        .map(|a| {
            let t = Instant::now();
            let analysis = analyzer.analyze(a);
            std::hint::black_box(&analysis);
            t.elapsed()
        })
        .collect();
    let total = started.elapsed();
    latencies.sort();
    let pct = |p: f64| latencies[((latencies.len() as f64 - 1.0) * p).round() as usize];
    let per_sec = corpus.len() as f64 / total.as_secs_f64();

    println!(
        "knowledge base and automata load: {:.1} ms (once per process)",
        ms(load)
    );
    println!(
        "analyze: {:.0} articles/s ({:.1} MB/s) in {:.2} s",
        per_sec,
        bytes as f64 / 1e6 / total.as_secs_f64(),
        total.as_secs_f64()
    );
    println!(
        "latency per article: p50 {:.3} ms, p99 {:.3} ms, max {:.3} ms",
        ms(pct(0.5)),
        ms(pct(0.99)),
        ms(*latencies.last().unwrap_or(&Duration::ZERO))
    );
    match wc {
        Ok(wc) => println!(
            "baseline `wc -w` on the same text: {:.3} s; analyze / wc -w = {:.1}×",
            wc.as_secs_f64(),
            total.as_secs_f64() / wc.as_secs_f64()
        ),
        Err(e) => println!("baseline `wc -w` not measured: {e:#}"),
    }

    // Hostile inputs at the analysis cap, against prose of the same size: each must
    // cost about the same (no quadratic path).
    let cap = waspada_extract::MAX_INPUT_BYTES;
    let prose: String = corpus
        .iter()
        .map(|a| a.text.as_str())
        .collect::<Vec<_>>()
        .join("\n\n");
    let fill = |unit: &str| unit.repeat(cap / unit.len().max(1) + 1);
    let hostile = [
        (
            "prose (baseline)",
            prose
                .get(..cap)
                .map(str::to_string)
                .unwrap_or(prose.clone()),
        ),
        ("digits and dots, no spaces", fill("1.234")),
        ("glued sentences", fill("abc.Def")),
        ("one 256 kB word", fill("a")),
        ("number words", fill("dua puluh tiga ")),
        ("KLB, KLB, ...", fill("KLB, ")),
        ("Baca juga markers", fill("Baca juga: ")),
    ];
    let mut baseline = None;
    for (name, text) in &hostile {
        let article = Article {
            id: (*name).to_string(),
            text: text.clone(),
            ..Default::default()
        };
        let t = Instant::now();
        std::hint::black_box(analyzer.analyze(&article));
        let took = t.elapsed();
        let base = *baseline.get_or_insert(took);
        println!(
            "hostile input {name:<28} {:>8.1} ms  ({:.1}× prose of the same size)",
            ms(took),
            took.as_secs_f64() / base.as_secs_f64()
        );
    }

    // Start-up: a fresh process analysing one article, as a user runs it.
    let one = dir.join("one.jsonl");
    std::fs::write(
        &one,
        serde_json::to_string(&serde_json::json!({"id": corpus[0].id, "text": corpus[0].text}))?
            + "\n",
    )?;
    let exe = std::env::current_exe()?;
    let mut runs: Vec<Duration> = (0..args.startup_runs.max(1))
        .map(|_| {
            let t = Instant::now();
            let status = Command::new(&exe)
                .args(["analyze", "--json"])
                .arg(&one)
                .stdout(Stdio::null())
                .status();
            status.map(|_| t.elapsed())
        })
        .collect::<std::io::Result<_>>()?;
    runs.sort();
    println!(
        "start-up: `waspada analyze` on one article takes {:.0} ms (median of {})",
        ms(runs[runs.len() / 2]),
        runs.len()
    );
    std::fs::remove_dir_all(&dir).ok();
    Ok(ExitCode::SUCCESS)
}

fn time_wc(file: &PathBuf) -> Result<Duration> {
    let t = Instant::now();
    let out = Command::new("wc")
        .arg("-w")
        .arg(file)
        .output()
        .context("running wc")?;
    let elapsed = t.elapsed();
    anyhow::ensure!(out.status.success(), "wc -w failed");
    Ok(elapsed)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}
