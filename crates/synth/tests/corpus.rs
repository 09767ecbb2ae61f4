//! Properties of generated corpora: determinism, size, serialisation, proportions, and
//! agreement between each article's text and its truth.

use std::collections::BTreeMap;
use waspada_synth::{DISEASES, SynthArticle, demo_corpus, generate, try_generate};

fn corpus() -> Vec<SynthArticle> {
    generate(42, 1200, "2025-01-01", 120)
}

#[test]
fn same_seed_same_articles_other_seed_other_articles() {
    let a = generate(7, 200, "2025-03-01", 30);
    let b = generate(7, 200, "2025-03-01", 30);
    assert_eq!(a, b);
    let c = generate(8, 200, "2025-03-01", 30);
    assert_ne!(a, c);
    assert_eq!(demo_corpus(3)[..50], demo_corpus(3)[..50]);
}

#[test]
fn articles_are_three_to_five_kilobytes() {
    let c = corpus();
    let sizes: Vec<usize> = c.iter().map(|a| a.text.len()).collect();
    let mean = sizes.iter().sum::<usize>() / sizes.len();
    assert!((3000..=5000).contains(&mean), "mean size {mean} bytes");
    let in_band = sizes.iter().filter(|s| (2500..=5500).contains(*s)).count();
    assert!(
        in_band * 100 >= sizes.len() * 95,
        "only {in_band}/{} within 2.5-5.5 kB",
        sizes.len()
    );
}

#[test]
fn jsonl_round_trips() {
    for a in corpus().iter().take(300) {
        let line = serde_json::to_string(a).unwrap();
        assert!(!line.contains('\n'));
        let back: SynthArticle = serde_json::from_str(&line).unwrap();
        assert_eq!(&back, a);
    }
}

#[test]
fn proportions_of_outbreak_noise_and_languages() {
    let c = corpus();
    let n = c.len();
    let outbreaks = c.iter().filter(|a| a.truth.is_outbreak).count();
    assert!(
        (n * 42 / 100..=n * 58 / 100).contains(&outbreaks),
        "{outbreaks} outbreaks of {n}"
    );
    let mut langs = BTreeMap::new();
    for a in &c {
        *langs.entry(a.lang.as_str()).or_insert(0) += 1;
    }
    assert!(
        langs["id"] * 100 >= n * 74 && langs["id"] * 100 <= n * 86,
        "{langs:?}"
    );
    assert!(langs["en"] > 0 && langs["ms"] > 0, "{langs:?}");
    // Every disease and the hard-negative topics show up.
    for d in DISEASES {
        assert!(
            c.iter().any(|a| a.truth.disease.as_deref() == Some(d)),
            "no {d} article"
        );
    }
    for topic in [
        "health_policy",
        "metaphor_wabah",
        "party_congress",
        "politics",
    ] {
        assert!(
            c.iter().any(|a| a.truth.topic == topic),
            "no {topic} article"
        );
    }
}

#[test]
fn text_agrees_with_truth() {
    for a in corpus() {
        assert!(
            !a.text.contains('{') && !a.title.contains('{'),
            "unfilled slot in {}: {}",
            a.id,
            a.title
        );
        assert!(!a.title.is_empty() && a.url.starts_with("https://"));
        // The dateline opens the article: "GARUT, WARTAKITA.id -", "CEBU CITY, July 6, 2025
        // (SEA Tribune) -", "IPOH:".
        let head: String = a.text.chars().take(90).collect();
        let place = head.split([',', ':']).next().unwrap();
        assert!(
            !place.is_empty() && place.to_uppercase() == place,
            "{}: starts {head:?}",
            a.id
        );
        if a.lang != "ms" {
            assert!(head.contains(&a.source), "{}: starts {head:?}", a.id);
        }
        if a.truth.klb {
            assert!(
                a.text.contains("status Kejadian Luar Biasa (KLB)")
                    || a.text.contains("status KLB"),
                "{}",
                a.id
            );
        }
        if a.truth.topic == "party_congress" {
            assert!(a.text.contains("Kongres Luar Biasa (KLB)") || a.title.contains("KLB"));
            assert!(!a.truth.klb && !a.truth.is_outbreak);
        }
        if a.truth.is_outbreak {
            assert!(
                !a.truth.counts.is_empty(),
                "{}: outbreak without figures",
                a.id
            );
        } else {
            assert!(a.truth.counts.is_empty() && a.truth.disease.is_none());
        }
        if a.lang == "id" {
            assert!(
                a.truth
                    .regency_code
                    .as_deref()
                    .is_some_and(|r| r.starts_with(a.truth.province_code.as_deref().unwrap()))
            );
        }
        assert!(
            a.published.len() == 10
                && a.published.as_str() >= "2025-01-01"
                && a.published.as_str() < "2025-05-01"
        );
    }
}

#[test]
fn demo_corpus_has_growing_outbreaks() {
    let c = demo_corpus(1);
    assert!((1500..=3000).contains(&c.len()), "{} articles", c.len());
    assert_eq!(c.first().unwrap().published, "2025-10-01");
    assert_eq!(c.last().unwrap().published, "2025-12-29");
    assert!(c.windows(2).all(|w| w[0].published <= w[1].published));
    let figure = |a: &SynthArticle, kind: &str| {
        a.truth
            .counts
            .iter()
            .find(|c| c.kind == kind)
            .map(|c| c.value)
    };
    for (scenario, kind) in [
        ("dengue_garut", "cases"),
        ("rabies_sikka", "deaths"),
        ("asf_ntt", "animals_dead"),
    ] {
        let s: Vec<&SynthArticle> = c
            .iter()
            .filter(|a| a.truth.scenario.as_deref() == Some(scenario))
            .collect();
        assert!(s.len() >= 10, "{scenario}: {} articles", s.len());
        let first = figure(s[0], kind).unwrap();
        let last = figure(s[s.len() - 1], kind).unwrap();
        assert!(last > first * 2, "{scenario}: {kind} {first} -> {last}");
    }
    let garut: Vec<&SynthArticle> = c
        .iter()
        .filter(|a| a.truth.scenario.as_deref() == Some("dengue_garut"))
        .collect();
    assert!(
        garut
            .iter()
            .all(|a| a.truth.regency_code.as_deref() == Some("32.05"))
    );
    assert!(!garut[0].truth.klb && garut.last().unwrap().truth.klb);
    let mbg: Vec<&SynthArticle> = c
        .iter()
        .filter(|a| a.truth.scenario.as_deref() == Some("mbg_poisoning_cianjur"))
        .collect();
    assert!(
        mbg.iter().any(|a| a.truth.klb)
            && mbg
                .iter()
                .all(|a| a.truth.disease.as_deref() == Some("food_poisoning"))
    );
    let ids: std::collections::HashSet<&str> = c.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(ids.len(), c.len(), "ids are unique");
}

#[test]
fn bad_dates_are_reported() {
    assert!(try_generate(1, 1, "2025-13-01", 1).is_err());
    assert_eq!(try_generate(1, 0, "2025-01-01", 0).unwrap().len(), 0);
}
