//! Indexing throughput and search latency on synthetic news.
//!
//! ```text
//! cargo run --release -p waspada-search --example search_bench -- [ARTICLES] [QUERIES]
//! ```
//!
//! Defaults: 100,000 articles (`waspada_synth`, 80% Indonesian, 12% English, 8% Malay,
//! 3-5 kB each) and 400 queries. Reports, with baselines measured in the same run:
//! - indexing articles/s, against running only the analyzers over the same text;
//! - search latency p50/p99 (with facet counts, as `waspada search` runs it), against a
//!   one-word query through the same API and a plain substring scan of a 10,000-article
//!   sample.

use std::time::{Duration, Instant};

use jiff::civil::Date;
use waspada_search::analysis::{analyze, english_analyzer, indonesian_analyzer};
use waspada_search::{IndexOptions, Query, SearchDoc, SearchIndex};
use waspada_synth::SynthArticle;

const BATCH: usize = 10_000;
const SCAN_SAMPLE: usize = 10_000;

fn to_doc(id: u64, a: &SynthArticle) -> SearchDoc {
    let t = &a.truth;
    SearchDoc {
        article_id: id,
        language: a.lang.clone(),
        title: a.title.clone(),
        body: a.text.clone(),
        published: a.published.parse::<Date>().ok(),
        diseases: t.disease.iter().cloned().collect(),
        countries: vec![t.country.clone()],
        provinces: t.province_code.iter().cloned().collect(),
        regencies: t.regency_code.iter().cloned().collect(),
        relevance: if t.is_outbreak { 0.9 } else { 0.1 },
        is_outbreak: t.is_outbreak,
    }
}

fn rss_kb(key: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(key))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|n| n.parse().ok()))
        })
        .unwrap_or(0)
}

fn dir_size(p: &std::path::Path) -> u64 {
    std::fs::read_dir(p)
        .map(|rd| {
            rd.flatten()
                .filter_map(|e| e.metadata().ok())
                .filter(|m| m.is_file())
                .map(|m| m.len())
                .sum()
        })
        .unwrap_or(0)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// A tiny deterministic generator for picking queries (SplitMix64).
struct Pick(u64);
impl Pick {
    fn next(&mut self, n: usize) -> usize {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) % n.max(1) as u64) as usize
    }
}

const DISEASE_WORDS: &[&str] = &[
    "demam berdarah",
    "DBD",
    "diare",
    "keracunan makanan",
    "difteri",
    "campak",
    "rabies",
    "flu burung",
    "leptospirosis",
    "chikungunya",
    "covid",
    "penularan",
    "wabah",
    "KLB",
    "dengue outbreak",
    "measles cases",
    "African swine fever",
    "penyakit mulut dan kuku",
];

fn main() {
    let mut args = std::env::args().skip(1);
    let n: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(100_000);
    let n_queries: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(400);
    let dir = tempfile::tempdir().expect("temporary directory");
    let mut index =
        SearchIndex::open_with(dir.path(), IndexOptions::default()).expect("open index");

    // Index in batches, committing after each as the ingest does; generation is not timed.
    let mut index_time = Duration::ZERO;
    let mut analyze_time = Duration::ZERO;
    let mut analyzed = 0usize;
    let mut sample: Vec<String> = Vec::with_capacity(SCAN_SAMPLE);
    let mut title_words: Vec<String> = Vec::new();
    let (mut id_an, mut en_an) = (indonesian_analyzer(), english_analyzer());
    let mut id = 0u64;
    let mut batch_no = 0u64;
    while (id as usize) < n {
        let size = BATCH.min(n - id as usize);
        let articles = waspada_synth::generate(0x5EA4C4 + batch_no, size, "2024-01-01", 730);
        batch_no += 1;
        let docs: Vec<SearchDoc> = articles
            .iter()
            .map(|a| {
                id += 1;
                to_doc(id, a)
            })
            .collect();
        // Baseline: the analyzers alone over the first batch.
        if analyzed == 0 {
            let t = Instant::now();
            let mut terms = 0usize;
            for d in &docs {
                let an = if d.language == "en" {
                    &mut en_an
                } else {
                    &mut id_an
                };
                terms += analyze(an, &d.title).len() + analyze(an, &d.body).len();
            }
            analyze_time = t.elapsed();
            analyzed = docs.len();
            assert!(terms > 0);
        }
        for d in &docs {
            if sample.len() < SCAN_SAMPLE {
                sample.push(format!("{}\n{}", d.title, d.body).to_lowercase());
            }
            if title_words.len() < 5_000 {
                title_words.extend(
                    d.title
                        .split_whitespace()
                        .filter(|w| w.len() > 3 && w.chars().all(char::is_alphabetic))
                        .filter(|w| w.chars().next().is_some_and(char::is_uppercase))
                        .map(str::to_owned),
                );
            }
        }
        let t = Instant::now();
        for d in &docs {
            index.upsert(d).expect("upsert");
        }
        index.commit(id).expect("commit");
        index_time += t.elapsed();
    }
    let hwm_after_index = rss_kb("VmHWM:");
    assert_eq!(index.num_docs(), n as u64);
    assert_eq!(index.watermark().expect("watermark"), n as u64);

    // Queries: disease words, disease + place, with filters, and title fragments.
    let mut pick = Pick(42);
    let mut queries = Vec::with_capacity(n_queries);
    for i in 0..n_queries {
        let disease = DISEASE_WORDS[pick.next(DISEASE_WORDS.len())];
        let place = title_words
            .get(pick.next(title_words.len()))
            .cloned()
            .unwrap_or_default();
        let q = match i % 4 {
            0 => Query::text(disease),
            1 => Query::text(format!("{disease} {place}")),
            2 => Query {
                disease: Some(waspada_synth::DISEASES[pick.next(12)].to_owned()),
                since: Some(jiff::civil::date(2025, 1, 1)),
                ..Query::text(format!("{place} {disease}"))
            },
            _ => {
                let w: Vec<&str> = (0..3)
                    .filter_map(|_| title_words.get(pick.next(title_words.len())))
                    .map(String::as_str)
                    .collect();
                Query {
                    outbreak_only: true,
                    ..Query::text(w.join(" "))
                }
            }
        };
        queries.push(q);
    }
    let run = |qs: &[Query]| -> (Vec<Duration>, usize) {
        let mut times = Vec::with_capacity(qs.len());
        let mut total = 0usize;
        for q in qs {
            let t = Instant::now();
            let r = index.search(q).expect("search");
            times.push(t.elapsed());
            total += r.total;
        }
        times.sort();
        (times, total)
    };
    let _ = run(&queries); // warm-up
    let (times, matched) = run(&queries);
    let no_facets: Vec<Query> = queries
        .iter()
        .map(|q| Query {
            facets: false,
            ..q.clone()
        })
        .collect();
    let _ = run(&no_facets);
    let (nf_times, _) = run(&no_facets);
    let baseline_q: Vec<Query> = (0..n_queries)
        .map(|i| Query::text(["warga", "dinas", "kasus", "pasien"][i % 4]))
        .collect();
    let _ = run(&baseline_q);
    let (base_times, _) = run(&baseline_q);

    // Baseline: substring scan of the sample for the first word of 40 queries.
    let scan_words: Vec<String> = queries
        .iter()
        .take(40)
        .filter_map(|q| q.text.split_whitespace().next().map(str::to_lowercase))
        .collect();
    let t = Instant::now();
    let mut scan_hits = 0usize;
    for w in &scan_words {
        scan_hits += sample.iter().filter(|s| s.contains(w.as_str())).count();
    }
    let scan_per_query = t.elapsed() / scan_words.len().max(1) as u32;

    let docs_per_s = n as f64 / index_time.as_secs_f64();
    let analyze_per_s = analyzed as f64 / analyze_time.as_secs_f64();
    let (p50, p99, max) = (
        percentile(&times, 0.5),
        percentile(&times, 0.99),
        percentile(&times, 1.0),
    );
    let (b50, b99) = (percentile(&base_times, 0.5), percentile(&base_times, 0.99));
    println!(
        "articles indexed:        {n} ({} MB on disk)",
        dir_size(dir.path()) / 1_000_000
    );
    println!(
        "indexing:                {docs_per_s:.0} articles/s ({:.1} s, commit every {BATCH})",
        index_time.as_secs_f64()
    );
    println!(
        "  baseline analyzers only: {analyze_per_s:.0} articles/s -> indexing at {:.2}x of analysis",
        docs_per_s / analyze_per_s
    );
    println!(
        "search ({} queries, facets on): p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms, mean matches {}",
        times.len(),
        ms(p50),
        ms(p99),
        ms(max),
        matched / times.len().max(1)
    );
    println!(
        "  same queries without facet counts: p50 {:.2} ms, p99 {:.2} ms",
        ms(percentile(&nf_times, 0.5)),
        ms(percentile(&nf_times, 0.99)),
    );
    println!(
        "  baseline one-word query (facets on): p50 {:.2} ms, p99 {:.2} ms -> p50 ratio {:.2}x, p99 ratio {:.2}x",
        ms(b50),
        ms(b99),
        ms(p50) / ms(b50).max(1e-9),
        ms(p99) / ms(b99).max(1e-9)
    );
    println!(
        "  baseline substring scan of {} articles: {:.2} ms/query ({} hits) -> search p50 is {:.1}x faster on {}x the articles",
        sample.len(),
        ms(scan_per_query),
        scan_hits,
        ms(scan_per_query) / ms(p50).max(1e-9),
        n / sample.len().max(1)
    );
    println!(
        "peak RSS: {} MB after indexing (includes one generated batch and the scan sample), {} MB at the end",
        hwm_after_index / 1024,
        rss_kb("VmHWM:") / 1024
    );
}
