//! Benchmarks of waspada-detect (see BENCHMARKS.md for the commands and numbers).
//!
//! - `r_comparison/*`: the workload of `benches/r_baseline.R`: 1,000 weekly series of 211
//!   weeks, Farrington (b = 3, w = 3) and EARS C1 over the last 52 weeks. The series come from
//!   the same Park-Miller generator as in the R script; the checksum printed first must match.
//! - `indonesia/*`: 24 syndromes × 514 regencies, 5 years of weekly history, the latest week
//!   evaluated with Farrington and EARS C2, in parallel.

use std::f64::consts::PI;
use std::hint::black_box;

use criterion::Criterion;
use waspada_detect::{Frequency, Method, Series, Window, bounds, detect_all};

/// Park-Miller minimal standard generator; products stay below 2^53, so R's doubles agree.
struct ParkMiller(u64);

impl ParkMiller {
    fn uniform(&mut self) -> f64 {
        self.0 = (16807 * self.0) % 2_147_483_647;
        self.0 as f64 / 2_147_483_647.0
    }

    /// Poisson by inversion, written exactly as in r_baseline.R.
    fn poisson(&mut self, lambda: f64) -> u32 {
        let u = self.uniform();
        let (mut k, mut p) = (0u32, (-lambda).exp());
        let mut cdf = p;
        while u > cdf && k < 10_000 {
            k += 1;
            p = p * lambda / f64::from(k);
            cdf += p;
        }
        k
    }
}

/// `count` weekly series of `len` points, series s with base level 1 + s mod 20 and a yearly cycle.
fn make_series(count: usize, len: usize, seed: u64) -> Vec<Series> {
    let mut rng = ParkMiller(seed);
    (0..count)
        .map(|s| {
            let base = 1.0 + (s % 20) as f64;
            let counts = (1..=len)
                .map(|t| rng.poisson(base * (0.5 * (2.0 * PI * t as f64 / 52.0).sin()).exp()))
                .collect();
            Series::new("syndrome", format!("area-{s}"), Frequency::Weekly, counts)
        })
        .collect()
}

fn main() {
    let r_series = make_series(1000, 211, 20_260_101);
    let checksum: u64 = r_series
        .iter()
        .flat_map(|s| &s.counts)
        .map(|&c| u64::from(c))
        .sum();
    println!("r_comparison series: 1000 x 211 weeks; checksum (sum of all counts): {checksum}");
    let farrington = Method::from_name("farrington").unwrap();
    let ears_c1 = Method::from_name("ears-c1").unwrap();
    let ears_c2 = Method::from_name("ears-c2").unwrap();
    let last52 = Window::Range { from: 160, to: 211 };
    // Same counts as r_baseline.R prints, so the two runs can be checked against each other.
    let alarms = |m: &Method| -> usize {
        r_series
            .iter()
            .map(|s| {
                bounds(s, m, last52)
                    .unwrap()
                    .iter()
                    .filter(|(_, a)| *a == Some(true))
                    .count()
            })
            .sum()
    };
    println!(
        "r_comparison alarms: farrington {}, ears-c1 {}",
        alarms(&farrington),
        alarms(&ears_c1)
    );

    let mut c = Criterion::default().sample_size(10).configure_from_args();
    let mut g = c.benchmark_group("r_comparison");
    g.bench_function("farrington_1000x52_one_core", |b| {
        b.iter(|| {
            for s in &r_series {
                black_box(bounds(s, &farrington, last52).unwrap());
            }
        })
    });
    g.bench_function("ears_c1_1000x52_one_core", |b| {
        b.iter(|| {
            for s in &r_series {
                black_box(bounds(s, &ears_c1, last52).unwrap());
            }
        })
    });
    g.bench_function("farrington_and_ears_c1_signals_detect_all", |b| {
        b.iter(|| black_box(detect_all(&r_series, &[farrington, ears_c1], last52)))
    });
    g.finish();

    // 24 syndromes × 514 regencies, 5 years (260 weeks) of history.
    let indonesia = make_series(24 * 514, 260, 42);
    let mut g = c.benchmark_group("indonesia");
    g.bench_function("24x514_latest_week_farrington_ears_c2", |b| {
        b.iter(|| {
            let d = detect_all(&indonesia, &[farrington, ears_c2], Window::Latest(1));
            assert!(d.failures.is_empty());
            black_box(d)
        })
    });
    g.finish();
    c.final_summary();
}
