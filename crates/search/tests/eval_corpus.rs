//! Search over the real development articles in `../shared/eval` (read in place, never
//! copied). Skipped, with a message, when that directory is absent.

use std::path::PathBuf;

use waspada_search::{Query, SearchDoc, SearchIndex};

fn eval_file(name: &str) -> Option<PathBuf> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/eval")
        .join(name);
    p.is_file().then_some(p)
}

#[test]
fn food_poisoning_articles_are_found_by_keracunan() {
    let Some(path) = eval_file("id_news_dev.jsonl") else {
        eprintln!("SKIPPED: ../shared/eval/id_news_dev.jsonl not found");
        return;
    };
    let text = std::fs::read_to_string(&path).expect("read eval file");
    let dir = tempfile::tempdir().unwrap();
    let mut index = SearchIndex::open_or_create(dir.path()).unwrap();
    let mut poisoning = Vec::new();
    let mut n = 0u64;
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let v: serde_json::Value = serde_json::from_str(line).expect("JSON line");
        n += 1;
        let gold_icd: Vec<&str> = v["gold"]["diseases"]
            .as_array()
            .map(|a| a.iter().filter_map(|d| d["icd10"].as_str()).collect())
            .unwrap_or_default();
        if gold_icd.contains(&"A05") {
            poisoning.push(n);
        }
        index
            .upsert(&SearchDoc {
                article_id: n,
                language: "id".into(),
                title: v["title"].as_str().unwrap_or_default().into(),
                body: v["text"].as_str().unwrap_or_default().into(),
                published: v["published"].as_str().and_then(|s| s.parse().ok()),
                ..SearchDoc::default()
            })
            .unwrap();
    }
    index.commit(n).unwrap();
    assert_eq!(index.num_docs(), n);
    assert!(!poisoning.is_empty());

    let hits: Vec<u64> = index
        .search(&Query {
            limit: 1000,
            ..Query::text("keracunan")
        })
        .unwrap()
        .hits
        .iter()
        .map(|h| h.article_id)
        .collect();
    let found = poisoning.iter().filter(|id| hits.contains(id)).count();
    let recall = found as f64 / poisoning.len() as f64;
    // Precision at the size of the gold set: the gold articles should rank first.
    let top = &hits[..poisoning.len().min(hits.len())];
    let precision =
        top.iter().filter(|id| poisoning.contains(id)).count() as f64 / top.len() as f64;
    eprintln!(
        "keracunan: {found}/{} gold food-poisoning articles found (recall {recall:.2}), \
         precision at {} = {precision:.2}, {} hits in all",
        poisoning.len(),
        top.len(),
        hits.len()
    );
    assert!(recall >= 0.9, "recall {recall:.2}");
    assert!(precision >= 0.8, "precision {precision:.2}");
}
