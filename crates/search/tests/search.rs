//! Behaviour of the search index on a small corpus written for these tests (invented
//! health-news sentences, not real articles).

use jiff::civil::{Date, date};
use proptest::prelude::*;
use waspada_search::{FacetCount, Query, SearchDoc, SearchError, SearchIndex};

fn doc(id: u64, lang: &str, title: &str, body: &str) -> SearchDoc {
    SearchDoc {
        article_id: id,
        language: lang.into(),
        title: title.into(),
        body: body.into(),
        ..SearchDoc::default()
    }
}

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| (*s).to_owned()).collect()
}

fn corpus() -> Vec<SearchDoc> {
    vec![
        SearchDoc {
            published: Some(date(2025, 2, 3)),
            diseases: strings(&["dengue"]),
            countries: strings(&["IDN"]),
            provinces: strings(&["32"]),
            regencies: strings(&["32.05"]),
            relevance: 0.9,
            is_outbreak: true,
            ..doc(
                1,
                "id",
                "Warga Garut diminta waspada demam berdarah",
                "Dinas Kesehatan Kabupaten Garut mencatat 45 kasus demam berdarah dengue sejak \
                 awal Januari. Penyakit ini menular melalui gigitan nyamuk Aedes aegypti, \
                 sehingga warga diminta menguras bak mandi.",
            )
        },
        SearchDoc {
            published: Some(date(2025, 3, 1)),
            countries: strings(&["IDN"]),
            provinces: strings(&["32"]),
            regencies: strings(&["32.05"]),
            relevance: 0.05,
            ..doc(
                2,
                "id",
                "Festival kuliner digelar di alun-alun Garut",
                "Pemerintah Kabupaten Garut menggelar festival kuliner akhir pekan ini. Ribuan \
                 pengunjung datang ke alun-alun untuk mencicipi dodol dan nasi liwet.",
            )
        },
        SearchDoc {
            published: Some(date(2024, 11, 10)),
            countries: strings(&["IDN"]),
            provinces: strings(&["32"]),
            regencies: strings(&["32.01"]),
            relevance: 0.02,
            ..doc(
                3,
                "id",
                "Ular sanca masuk dapur rumah warga Bogor",
                "Seekor ular sanca sepanjang tiga meter ditemukan di dapur rumah warga. Petugas \
                 pemadam kebakaran mengevakuasi ular itu ke hutan.",
            )
        },
        SearchDoc {
            published: Some(date(2025, 1, 15)),
            diseases: strings(&["diarrhoea"]),
            countries: strings(&["IDN"]),
            provinces: strings(&["53"]),
            regencies: strings(&["53.12"]),
            relevance: 0.8,
            is_outbreak: true,
            ..doc(
                4,
                "id",
                "Wabah diare melanda desa di Sumba",
                "Wabah diare menyerang puluhan warga setelah banjir surut. Puskesmas setempat \
                 merawat 30 pasien dan membagikan oralit.",
            )
        },
        SearchDoc {
            published: Some(date(2025, 1, 20)),
            diseases: strings(&["dengue"]),
            countries: strings(&["MYS"]),
            relevance: 0.85,
            is_outbreak: true,
            ..doc(
                5,
                "en",
                "Dengue outbreak reported in Selangor",
                "Health authorities in Selangor reported an outbreak of dengue fever with 120 \
                 cases this week and urged residents to clear stagnant water.",
            )
        },
        SearchDoc {
            published: None,
            // Repeated value: must count once in facets.
            diseases: strings(&["dengue", "dengue"]),
            countries: strings(&["MYS"]),
            relevance: 0.7,
            is_outbreak: true,
            ..doc(
                6,
                "ms",
                "Kes denggi meningkat di Johor",
                "Jabatan Kesihatan Negeri Johor merekodkan peningkatan kes denggi minggu ini.",
            )
        },
    ]
}

fn build(dir: &std::path::Path) -> SearchIndex {
    let mut index = SearchIndex::open_or_create(dir).expect("open");
    for d in corpus() {
        index.upsert(&d).expect("upsert");
    }
    index.commit(6).expect("commit");
    index
}

fn ids(index: &SearchIndex, q: &Query) -> Vec<u64> {
    index
        .search(q)
        .expect("search")
        .hits
        .iter()
        .map(|h| h.article_id)
        .collect()
}

fn sorted(mut v: Vec<u64>) -> Vec<u64> {
    v.sort_unstable();
    v
}

#[test]
fn penularan_finds_menular_and_snake_is_not_outbreak() {
    let dir = tempfile::tempdir().unwrap();
    let index = build(dir.path());
    // Doc 1 says "menular", never "penularan".
    assert_eq!(ids(&index, &Query::text("penularan")), [1]);
    // Doc 3 is only about a snake ("ular"): "wabah" must not find it, and "ular" must not
    // find the outbreak (doc 4) nor the contagion (doc 1).
    assert_eq!(ids(&index, &Query::text("wabah")), [4]);
    assert_eq!(ids(&index, &Query::text("ular")), [3]);
}

#[test]
fn dengue_in_garut_ranks_above_other_garut_news() {
    let dir = tempfile::tempdir().unwrap();
    let index = build(dir.path());
    let hits = ids(&index, &Query::text("demam berdarah Garut"));
    let dengue = hits.iter().position(|&i| i == 1).expect("dengue doc found");
    let festival = hits
        .iter()
        .position(|&i| i == 2)
        .expect("Garut festival found");
    assert!(dengue < festival, "{hits:?}");
    assert_eq!(hits[0], 1);
}

#[test]
fn english_stemming_and_cross_language_query() {
    let dir = tempfile::tempdir().unwrap();
    let index = build(dir.path());
    assert_eq!(ids(&index, &Query::text("outbreaks")), [5]);
    // One query searches both field pairs: "dengue" is in Indonesian doc 1 and English doc 5.
    assert_eq!(sorted(ids(&index, &Query::text("dengue"))), [1, 5]);
}

#[test]
fn facet_counts_match_the_corpus() {
    let dir = tempfile::tempdir().unwrap();
    let index = build(dir.path());
    let all = index.search(&Query::default()).unwrap();
    assert_eq!(all.total, corpus().len());

    // Expected counts computed from the corpus, one per article and value.
    let expect = |pick: fn(&SearchDoc) -> &Vec<String>| {
        let mut m = std::collections::BTreeMap::<String, u64>::new();
        for d in corpus() {
            let mut vals = pick(&d).clone();
            vals.sort();
            vals.dedup();
            for v in vals {
                *m.entry(v).or_default() += 1;
            }
        }
        let mut v: Vec<FacetCount> = m
            .into_iter()
            .map(|(value, count)| FacetCount { value, count })
            .collect();
        v.sort_by(|a, b| b.count.cmp(&a.count).then(a.value.cmp(&b.value)));
        v
    };
    assert_eq!(all.facets.diseases, expect(|d| &d.diseases));
    assert_eq!(all.facets.countries, expect(|d| &d.countries));
    assert_eq!(all.facets.provinces, expect(|d| &d.provinces));
    assert_eq!(all.facets.regencies, expect(|d| &d.regencies));
    assert_eq!(
        all.facets.diseases[0],
        FacetCount {
            value: "dengue".into(),
            count: 3
        }
    );

    // Facets follow the matching set, not the whole index.
    let garut = index
        .search(&Query {
            regency: Some("32.05".into()),
            ..Query::default()
        })
        .unwrap();
    assert_eq!(garut.total, 2);
    assert_eq!(
        garut.facets.diseases,
        [FacetCount {
            value: "dengue".into(),
            count: 1
        }]
    );
}

#[test]
fn filters_restrict_without_reordering() {
    let dir = tempfile::tempdir().unwrap();
    let index = build(dir.path());
    let q = |f: fn(&mut Query)| {
        let mut q = Query::default();
        f(&mut q);
        sorted(ids(&index, &q))
    };
    let expected = |f: fn(&SearchDoc) -> bool| {
        sorted(
            corpus()
                .iter()
                .filter(|d| f(d))
                .map(|d| d.article_id)
                .collect(),
        )
    };
    assert_eq!(
        q(|q| q.disease = Some("dengue".into())),
        expected(|d| d.diseases.iter().any(|x| x == "dengue"))
    );
    assert_eq!(
        q(|q| {
            q.disease = Some("dengue".into());
            q.country = Some("MYS".into());
        }),
        [5, 6]
    );
    assert_eq!(q(|q| q.province = Some("53".into())), [4]);
    assert_eq!(
        q(|q| q.since = Some(date(2025, 1, 16))),
        expected(|d| d.published.is_some_and(|p| p >= date(2025, 1, 16)))
    );
    assert_eq!(
        q(|q| {
            q.since = Some(date(2025, 1, 1));
            q.until = Some(date(2025, 1, 31));
        }),
        [4, 5]
    );
    assert_eq!(q(|q| q.outbreak_only = true), expected(|d| d.is_outbreak));
    assert_eq!(
        q(|q| q.min_relevance = Some(0.8)),
        expected(|d| d.relevance >= 0.8)
    );
    // An unknown facet value matches nothing rather than everything.
    assert_eq!(q(|q| q.disease = Some("ebola".into())), Vec::<u64>::new());

    // Filters do not change the scores of the text query.
    let plain = index.search(&Query::text("demam berdarah Garut")).unwrap();
    let filtered = index
        .search(&Query {
            country: Some("IDN".into()),
            ..Query::text("demam berdarah Garut")
        })
        .unwrap();
    assert_eq!(plain.hits, filtered.hits);
}

#[test]
fn facets_can_be_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let index = build(dir.path());
    let with = index.search(&Query::text("demam berdarah Garut")).unwrap();
    let without = index
        .search(&Query {
            facets: false,
            ..Query::text("demam berdarah Garut")
        })
        .unwrap();
    assert!(!with.facets.diseases.is_empty());
    assert_eq!(without.facets, waspada_search::Facets::default());
    assert_eq!((with.total, with.hits), (without.total, without.hits));
}

#[test]
fn paging_and_limit_zero() {
    let dir = tempfile::tempdir().unwrap();
    let index = build(dir.path());
    let all = ids(&index, &Query::default());
    assert_eq!(all.len(), 6);
    let page2 = ids(
        &index,
        &Query {
            limit: 2,
            offset: 2,
            ..Query::default()
        },
    );
    assert_eq!(page2, all[2..4]);
    let counts_only = index
        .search(&Query {
            limit: 0,
            ..Query::default()
        })
        .unwrap();
    assert!(counts_only.hits.is_empty());
    assert_eq!(counts_only.total, 6);
    let huge = index
        .search(&Query {
            limit: usize::MAX,
            offset: usize::MAX,
            ..Query::default()
        })
        .unwrap();
    assert!(huge.hits.is_empty());
}

#[test]
fn upsert_replaces_the_document() {
    let dir = tempfile::tempdir().unwrap();
    let mut index = build(dir.path());
    let mut d = corpus().remove(0);
    d.title = "Kasus campak di Garut".into();
    d.body = "Dinas Kesehatan menemukan kasus campak pada anak sekolah dasar.".into();
    d.diseases = strings(&["measles"]);
    index.upsert(&d).unwrap();
    // Uncommitted: the old version is still what searches see.
    assert_eq!(ids(&index, &Query::text("penularan")), [1]);
    index.commit(6).unwrap();
    assert_eq!(ids(&index, &Query::text("campak")), [1]);
    assert!(ids(&index, &Query::text("penularan")).is_empty());
    assert_eq!(index.num_docs(), 6);
    assert_eq!(index.doc_ids().unwrap(), [1, 2, 3, 4, 5, 6]);
    let dengue = index
        .search(&Query {
            disease: Some("dengue".into()),
            ..Query::default()
        })
        .unwrap();
    assert_eq!(
        sorted(dengue.hits.iter().map(|h| h.article_id).collect()),
        [5, 6]
    );
}

#[test]
fn delete_and_delete_all() {
    let dir = tempfile::tempdir().unwrap();
    let mut index = build(dir.path());
    index.delete(3).unwrap();
    index.delete(999).unwrap();
    index.commit(6).unwrap();
    assert!(!index.contains(3).unwrap());
    assert!(index.contains(4).unwrap());
    assert!(ids(&index, &Query::text("ular")).is_empty());
    assert_eq!(index.doc_ids().unwrap(), [1, 2, 4, 5, 6]);
    index.delete_all().unwrap();
    index.commit(0).unwrap();
    assert_eq!(index.num_docs(), 0);
    assert_eq!(index.watermark().unwrap(), 0);
}

#[test]
fn watermark_survives_reopen_and_uncommitted_docs_are_lost() {
    let dir = tempfile::tempdir().unwrap();
    {
        let index = SearchIndex::open_or_create(dir.path()).unwrap();
        assert_eq!(index.watermark().unwrap(), 0);
        assert_eq!(index.num_docs(), 0);
    }
    {
        let _ = build(dir.path());
    }
    {
        let mut index = SearchIndex::open_or_create(dir.path()).unwrap();
        assert_eq!(index.watermark().unwrap(), 6);
        assert_eq!(index.num_docs(), 6);
        // Add two more, delete one, and "crash" (drop without commit).
        index
            .upsert(&doc(
                7,
                "id",
                "Kasus rabies di Flores",
                "Anjing rabies menggigit warga.",
            ))
            .unwrap();
        index
            .upsert(&doc(
                8,
                "id",
                "Flu burung di Blitar",
                "Ratusan ayam mati mendadak.",
            ))
            .unwrap();
        index.delete(1).unwrap();
    }
    let index = SearchIndex::open_or_create(dir.path()).unwrap();
    assert_eq!(index.watermark().unwrap(), 6);
    assert_eq!(index.doc_ids().unwrap(), [1, 2, 3, 4, 5, 6]);
    assert!(ids(&index, &Query::text("rabies")).is_empty());
    assert!(!index.contains(7).unwrap());
}

#[test]
fn rollback_drops_pending_changes() {
    let dir = tempfile::tempdir().unwrap();
    let mut index = build(dir.path());
    index
        .upsert(&doc(
            7,
            "id",
            "Kasus rabies di Flores",
            "Anjing rabies menggigit warga.",
        ))
        .unwrap();
    index.rollback().unwrap();
    index.commit(7).unwrap();
    assert!(!index.contains(7).unwrap());
    assert_eq!(index.watermark().unwrap(), 7);
}

#[test]
fn a_second_writer_is_refused_and_readers_see_commits_after_reload() {
    let dir = tempfile::tempdir().unwrap();
    let mut writer = build(dir.path());
    let mut other = SearchIndex::open_or_create(dir.path()).unwrap();
    match other.delete(1) {
        Err(SearchError::WriterBusy { .. }) => {}
        r => panic!("expected WriterBusy, got {r:?}"),
    }
    // `other` is still a working reader.
    assert_eq!(other.num_docs(), 6);
    writer
        .upsert(&doc(
            7,
            "id",
            "Kasus rabies di Flores",
            "Anjing rabies menggigit warga.",
        ))
        .unwrap();
    writer.commit(7).unwrap();
    assert_eq!(other.num_docs(), 6);
    // `refresh` reloads only when the index changed, and then sees the commit.
    other.refresh().unwrap();
    assert_eq!(other.num_docs(), 7);
    assert_eq!(other.watermark().unwrap(), 7);
    other.refresh().unwrap();
    assert_eq!(other.num_docs(), 7);
    writer.delete(7).unwrap();
    writer.commit(7).unwrap();
    other.refresh().unwrap();
    assert_eq!(other.num_docs(), 6);
    other.reload().unwrap();
    assert_eq!(other.num_docs(), 6);
}

#[test]
fn an_index_with_another_layout_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    {
        let mut b = tantivy::schema::Schema::builder();
        b.add_text_field("something_else", tantivy::schema::TEXT);
        tantivy::Index::create_in_dir(dir.path(), b.build()).unwrap();
    }
    match SearchIndex::open_or_create(dir.path()) {
        Err(e @ SearchError::SchemaMismatch { .. }) => {
            assert!(e.to_string().contains("rebuilds it from the store"), "{e}");
        }
        r => panic!("expected SchemaMismatch, got {r:?}"),
    }
    // A writer replaces it with an empty index of today's layout, to re-index from 0.
    let (mut index, replaced) = SearchIndex::open_or_rebuild(dir.path()).unwrap();
    assert!(replaced);
    assert_eq!((index.num_docs(), index.watermark().unwrap()), (0, 0));
    index.upsert(&corpus()[0]).unwrap();
    index.commit(1).unwrap();
    drop(index);
    // Today's layout is kept as it is.
    let (index, replaced) = SearchIndex::open_or_rebuild(dir.path()).unwrap();
    assert!(!replaced);
    assert_eq!((index.num_docs(), index.watermark().unwrap()), (1, 1));
}

#[test]
fn too_small_a_writer_budget_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let r = SearchIndex::open_with(
        dir.path(),
        waspada_search::IndexOptions {
            writer_memory_bytes: 20_000_000,
            writer_threads: 2,
        },
    );
    assert!(matches!(r, Err(SearchError::MemoryBudget { .. })), "{r:?}");
}

#[test]
fn malformed_queries_do_not_error() {
    let dir = tempfile::tempdir().unwrap();
    let index = build(dir.path());
    for text in [
        "\"demam",
        "AND",
        "+++",
        "((",
        ")",
        "demam AND",
        "title_id:",
        "nope:demam",
        "\"\"",
        "*",
        "-",
        "demam^",
        "#:*'",
        "body_id:*",
        "a:*",
        "title_id:/[/",
        "x:[a TO b]",
        "demam~",
        "[a TO",
        "{}",
        ":::",
        "\\",
        "OR OR",
        "NOT",
    ] {
        index
            .search(&Query::text(text))
            .unwrap_or_else(|e| panic!("{text:?}: {e}"));
    }
    // What can be used still is: the word survives the broken quote.
    assert_eq!(ids(&index, &Query::text("\"penularan")), [1]);
    // Field syntax is not for users: the colon separates words.
    assert_eq!(ids(&index, &Query::text("body_id:penularan")), [1]);
    // (A bare `*` matches everything; the word still ranks its article first.)
    assert_eq!(ids(&index, &Query::text("wabah:*"))[0], 4);
}

#[test]
fn snippets_highlight_stemmed_matches() {
    let dir = tempfile::tempdir().unwrap();
    let index = build(dir.path());
    let d = &corpus()[0];
    let s = index.snippet("penularan", &d.language, &d.body);
    assert!(s.has_highlights());
    let words: Vec<&str> = s
        .highlights
        .iter()
        .map(|r| &s.fragment[r.clone()])
        .collect();
    assert_eq!(words, ["menular"]);
    assert!(s.to_html().contains("<b>menular</b>"));

    let en = &corpus()[4];
    let s = index.snippet("outbreaks", "en", &en.body);
    let words: Vec<&str> = s
        .highlights
        .iter()
        .map(|r| &s.fragment[r.clone()])
        .collect();
    assert_eq!(words, ["outbreak"]);

    // No match: the start of the body, nothing highlighted.
    let s = index.snippet("kolera", "id", &d.body);
    assert!(!s.has_highlights());
    assert!(d.body.starts_with(&s.fragment));
    assert!(!s.fragment.is_empty());
}

fn arb_date() -> impl Strategy<Value = Option<Date>> {
    proptest::option::of((1990i16..2040, 1i8..=12, 1i8..=28).prop_map(|(y, m, d)| date(y, m, d)))
}

/// One index for all property cases (building one per case would dominate the run time).
fn shared() -> &'static SearchIndex {
    static INDEX: std::sync::OnceLock<(tempfile::TempDir, SearchIndex)> =
        std::sync::OnceLock::new();
    let (_, index) = INDEX.get_or_init(|| {
        let d = tempfile::tempdir().unwrap();
        let i = build(d.path());
        (d, i)
    });
    index
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn any_query_string_is_answered(text in any::<String>(), t2 in "[\"()+\\-*:~^ a-z\\[\\]{}!]{0,30}") {
        let index = shared();
        prop_assert!(index.search(&Query::text(text.clone())).is_ok());
        prop_assert!(index.search(&Query::text(t2.clone())).is_ok());
        let _ = index.snippet(&text, "id", "Demam berdarah menular di Garut.");
        let _ = index.snippet(&t2, "en", "Dengue outbreaks spread.");
    }

    #[test]
    fn any_filters_are_answered(
        disease in proptest::option::of(any::<String>()),
        regency in proptest::option::of(any::<String>()),
        since in arb_date(),
        until in arb_date(),
        min_relevance in proptest::option::of(any::<f64>()),
        limit in 0usize..50,
        offset in 0usize..50,
    ) {
        let index = shared();
        let r = index.search(&Query { disease, regency, since, until, min_relevance, limit, offset, ..Query::default() });
        prop_assert!(r.is_ok());
        let r = r.unwrap();
        prop_assert!(r.hits.len() <= limit);
        prop_assert!(r.total <= 6);
    }
}

#[test]
fn a_place_code_picks_its_facet_and_anything_else_is_refused() {
    let mut q = Query::default();
    assert!(q.set_place("idn") && q.country.as_deref() == Some("IDN"));
    assert!(q.set_place("32") && q.province.as_deref() == Some("32"));
    assert!(q.set_place("32.05") && q.regency.as_deref() == Some("32.05"));
    let before = q.clone();
    for bad in ["Garut", "3", "32.5", "ab.cd", "", "IDNX"] {
        assert!(!q.set_place(bad), "{bad:?}");
    }
    assert_eq!(q, before, "a refused code changes nothing");
}
