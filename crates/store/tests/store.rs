//! Store behaviour: idempotent ingest, near-duplicate clusters, events, series, signals,
//! migrations.

use waspada_events::dedup::{LshBands, MinHasher, Shingler, simhash64};
use waspada_events::report::{Area, Report, ReportCount};
use waspada_store::{EventFilter, Inserted, NewArticle, NewSignal, Store, StoredAnalysis};

fn article(url: &str, text: &str) -> NewArticle {
    let shingler = Shingler::new(4);
    let sig = MinHasher::new(128).sign_text(&shingler, text);
    let norm: String = text
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase();
    let h = xxh(norm.as_bytes());
    NewArticle {
        url: Some(url.to_string()),
        canonical_url: Some(url.to_string()),
        content_hash: h,
        title: Some("judul".into()),
        raw_text: text.into(),
        clean_text: text.into(),
        language: "id".into(),
        fetched_at: 1,
        band_keys: LshBands::new(32, 4).band_keys(&sig),
        minhash: sig.values().to_vec(),
        simhash: simhash64(text),
        ..NewArticle::default()
    }
}

/// A stand-in 128-bit content hash: two different 64-bit FNV-style folds.
fn xxh(bytes: &[u8]) -> [u8; 16] {
    let mut a: u64 = 0xcbf2_9ce4_8422_2325;
    let mut b: u64 = 0x9e37_79b9_7f4a_7c15;
    for &x in bytes {
        a = (a ^ u64::from(x)).wrapping_mul(0x0100_0000_01b3);
        b = (b ^ u64::from(x))
            .wrapping_mul(0xff51_afd7_ed55_8ccd)
            .rotate_left(7);
    }
    let mut out = [0u8; 16];
    out[..8].copy_from_slice(&a.to_le_bytes());
    out[8..].copy_from_slice(&b.to_le_bytes());
    out
}

const STORY: &str = "Dinas Kesehatan Kabupaten Garut mencatat lonjakan kasus demam berdarah dengue \
    di Kecamatan Tarogong Kidul sepanjang pekan ini. Sebanyak 120 warga dirawat di rumah sakit \
    dan puskesmas, tiga di antaranya meninggal dunia. Kepala dinas meminta warga menguras bak \
    mandi, menutup tempat penampungan air dan mengubur barang bekas agar jentik nyamuk tidak \
    berkembang biak. Petugas juga melakukan pengasapan di sejumlah desa yang terdampak paling \
    parah sejak awal bulan.";

fn report(disease: &str, regency: &str, date: &str, counts: &[(&str, u64)]) -> Report {
    Report {
        disease_id: disease.into(),
        area: Area {
            level: "regency".into(),
            code: regency.into(),
        },
        place_name: format!("Kabupaten {regency}"),
        country: "IDN".into(),
        province_code: Some(regency[..2].into()),
        regency_code: Some(regency.into()),
        lat: None,
        lon: None,
        date: date.into(),
        klb_declared: false,
        counts: counts
            .iter()
            .map(|(k, v)| ReportCount {
                kind: (*k).into(),
                value: *v,
                species: "human".into(),
                cumulative: true,
            })
            .collect(),
    }
}

#[test]
fn the_same_article_under_its_url_or_its_text_is_stored_once() {
    let mut store = Store::in_memory().unwrap();
    let b = store.batch().unwrap();
    let first = b
        .insert_article(&article("https://a.example/berita/1", STORY))
        .unwrap();
    assert!(first.is_new());
    let again = b
        .insert_article(&article("https://a.example/berita/1", STORY))
        .unwrap();
    assert_eq!(again, Inserted::SameUrl { id: first.id() });
    // Syndicated word for word by another outlet, with different spacing and case.
    let copy = STORY.to_uppercase().replace(". ", ".  ");
    let other = b
        .insert_article(&article("https://b.example/x", &copy))
        .unwrap();
    assert_eq!(other, Inserted::SameText { id: first.id() });
    b.commit().unwrap();
    assert_eq!(store.stats().unwrap().articles, 1);
    assert_eq!(
        store.article_urls(first.id()).unwrap(),
        vec!["https://a.example/berita/1", "https://b.example/x"]
    );
}

#[test]
fn a_syndicated_copy_with_a_new_lead_joins_the_story_cluster_and_a_different_story_does_not() {
    let mut store = Store::in_memory().unwrap();
    let b = store.batch().unwrap();
    let first = b
        .insert_article(&article("https://a.example/1", STORY))
        .unwrap();
    let copy = format!("TASIKMALAYA, Kabar Priangan - {STORY} (red)");
    let near = b
        .insert_article(&article("https://b.example/2", &copy))
        .unwrap();
    let Inserted::New {
        cluster_id,
        similarity,
        ..
    } = near
    else {
        panic!("a near-duplicate is a new article: {near:?}");
    };
    assert_eq!(cluster_id, first.id());
    assert!(similarity.unwrap() >= 0.7);
    let different = b
        .insert_article(&article(
            "https://c.example/3",
            "Ratusan babi mati mendadak di Kabupaten Belu, Nusa Tenggara Timur. Dinas \
             Peternakan memastikan penyebabnya demam babi Afrika dan melarang pengiriman \
             ternak keluar desa sampai pemeriksaan laboratorium selesai.",
        ))
        .unwrap();
    let Inserted::New { id, cluster_id, .. } = different else {
        panic!("{different:?}");
    };
    assert_eq!(cluster_id, id, "a different story starts its own cluster");
    b.commit().unwrap();
    assert_eq!(store.stats().unwrap().stories, 2);
}

#[test]
fn reports_cluster_into_events_by_disease_place_and_window_and_the_latest_figure_wins() {
    let mut store = Store::in_memory().unwrap();
    let b = store.batch().unwrap();
    let a1 = b
        .insert_article(&article("https://a.example/1", STORY))
        .unwrap()
        .id();
    let a2 = b
        .insert_article(&article(
            "https://a.example/2",
            &format!("{STORY} Update sore."),
        ))
        .unwrap();
    let a3 = b
        .insert_article(&article(
            "https://a.example/3",
            "Kasus DBD di Garut naik lagi, 200 warga.",
        ))
        .unwrap()
        .id();
    let a4 = b
        .insert_article(&article(
            "https://a.example/4",
            "Wabah DBD kembali di Garut tahun depan.",
        ))
        .unwrap()
        .id();
    let e1 = b
        .add_reports(
            a1,
            a1,
            &[report(
                "dengue",
                "32.05",
                "2025-03-01",
                &[("cases", 120), ("deaths", 3)],
            )],
        )
        .unwrap()[0];
    // The syndicated copy: same event, same story.
    let Inserted::New {
        id: a2,
        cluster_id: c2,
        ..
    } = a2
    else {
        panic!()
    };
    let e2 = b
        .add_reports(
            a2,
            c2,
            &[report("dengue", "32.05", "2025-03-01", &[("cases", 120)])],
        )
        .unwrap()[0];
    // Three weeks later, a new story with a higher running total.
    let e3 = b
        .add_reports(
            a3,
            a3,
            &[report("dengue", "32.05", "2025-03-22", &[("cases", 200)])],
        )
        .unwrap()[0];
    // A year later: a new event.
    let e4 = b
        .add_reports(a4, a4, &[report("dengue", "32.05", "2026-03-01", &[])])
        .unwrap()[0];
    // Another disease in the same place: another event.
    let e5 = b
        .add_reports(a4, a4, &[report("rabies", "32.05", "2026-03-01", &[])])
        .unwrap()[0];
    b.commit().unwrap();
    assert_eq!(e1, e2);
    assert_eq!(e1, e3);
    assert_ne!(e1, e4);
    assert_ne!(e4, e5);

    let event = store.event(e1).unwrap().unwrap();
    assert_eq!(event.first_date, "2025-03-01");
    assert_eq!(event.last_date, "2025-03-22");
    assert_eq!(event.n_reports, 3);
    assert_eq!(event.n_stories, 2, "the syndicated copy is not a new story");
    let cases = event.figures.iter().find(|f| f.kind == "cases").unwrap();
    assert_eq!((cases.value, cases.article_id), (200, a3));
    let deaths = event.figures.iter().find(|f| f.kind == "deaths").unwrap();
    assert_eq!(deaths.value, 3, "a figure no later report gives stays");
    let history = store.event_reports(e1).unwrap();
    assert_eq!(history.len(), 3);
    assert_eq!(
        history[0].counts[0].value, 120,
        "earlier figures stay as history"
    );

    let listed = store
        .events(&EventFilter {
            disease_id: Some("dengue".into()),
            area: Some("32".into()),
            ..EventFilter::default()
        })
        .unwrap();
    assert_eq!(
        listed.iter().map(|e| e.id).collect::<Vec<_>>(),
        vec![e4, e1]
    );
}

#[test]
fn series_count_distinct_stories_per_period_at_every_level() {
    let mut store = Store::in_memory().unwrap();
    let b = store.batch().unwrap();
    let a1 = b
        .insert_article(&article("https://a.example/1", STORY))
        .unwrap();
    let a2 = b
        .insert_article(&article("https://b.example/1", &format!("GARUT - {STORY}")))
        .unwrap();
    let a3 = b
        .insert_article(&article(
            "https://a.example/3",
            "Kasus DBD di Tasikmalaya naik.",
        ))
        .unwrap();
    for (ins, regency, date) in [
        (a1, "32.05", "2025-03-05"), // Wednesday
        (a2, "32.05", "2025-03-06"), // same story, next day
        (a3, "32.06", "2025-03-09"), // Sunday, same ISO week
    ] {
        let Inserted::New { id, cluster_id, .. } = ins else {
            panic!("{ins:?}")
        };
        b.add_reports(id, cluster_id, &[report("dengue", regency, date, &[])])
            .unwrap();
    }
    b.refresh_series().unwrap();
    b.commit().unwrap();
    let weekly = store.series("weekly").unwrap();
    let find = |level: &str, code: &str| {
        weekly
            .iter()
            .find(|s| s.area_level == level && s.area_code == code)
            .unwrap_or_else(|| panic!("no {level} {code} series in {weekly:#?}"))
    };
    let garut = find("regency", "32.05");
    assert_eq!(garut.points.len(), 1);
    assert_eq!(
        garut.points[0].period_start, "2025-03-03",
        "weeks start on Monday"
    );
    assert_eq!(garut.points[0].reports, 1, "one story, told twice");
    assert_eq!(find("province", "32").points[0].reports, 2);
    assert_eq!(find("country", "IDN").points[0].reports, 2);
    let daily = store.series("daily").unwrap();
    let garut_daily = daily.iter().find(|s| s.area_code == "32.05").unwrap();
    assert_eq!(
        garut_daily.points.len(),
        2,
        "the copy still counts on its own day"
    );
}

#[test]
fn removing_an_articles_reports_recomputes_or_deletes_its_events() {
    let mut store = Store::in_memory().unwrap();
    let b = store.batch().unwrap();
    let a1 = b
        .insert_article(&article("https://a.example/1", STORY))
        .unwrap()
        .id();
    let a2 = b
        .insert_article(&article(
            "https://a.example/2",
            "Kasus DBD di Garut naik lagi, 200 warga.",
        ))
        .unwrap()
        .id();
    let e = b
        .add_reports(
            a1,
            a1,
            &[report("dengue", "32.05", "2025-03-01", &[("cases", 120)])],
        )
        .unwrap()[0];
    b.add_reports(
        a2,
        a2,
        &[report("dengue", "32.05", "2025-03-10", &[("cases", 200)])],
    )
    .unwrap();
    b.remove_reports(a2).unwrap();
    b.commit().unwrap();
    let event = store.event(e).unwrap().unwrap();
    assert_eq!(
        (event.n_reports, event.last_date.as_str()),
        (1, "2025-03-01")
    );
    assert_eq!(event.figures[0].value, 120);

    let b = store.batch().unwrap();
    b.remove_reports(a1).unwrap();
    b.commit().unwrap();
    assert!(store.event(e).unwrap().is_none());
}

#[test]
fn signals_link_to_their_events_and_keep_triage_on_refresh() {
    let mut store = Store::in_memory().unwrap();
    let b = store.batch().unwrap();
    let a1 = b
        .insert_article(&article("https://a.example/1", STORY))
        .unwrap()
        .id();
    let e = b
        .add_reports(a1, a1, &[report("dengue", "32.05", "2025-03-05", &[])])
        .unwrap()[0];
    let signal = NewSignal {
        disease_id: "dengue".into(),
        area_level: "province".into(),
        area_code: "32".into(),
        frequency: "weekly".into(),
        period_start: "2025-03-03".into(),
        period_end: "2025-03-09".into(),
        method: "ears-c2".into(),
        observed: 1,
        expected: Some(0.1),
        upperbound: Some(0.5),
        score: Some(4.0),
        explanation: "more reports than usual".into(),
    };
    let id = b.upsert_signal(&signal).unwrap();
    b.commit().unwrap();
    store
        .connection()
        .execute("UPDATE signals SET status = 'verified' WHERE id = ?1", [id])
        .unwrap();
    let b = store.batch().unwrap();
    let again = b
        .upsert_signal(&NewSignal {
            observed: 2,
            ..signal
        })
        .unwrap();
    b.commit().unwrap();
    assert_eq!(id, again);
    let listed = store.signals(0).unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].observed, 2);
    assert_eq!(
        listed[0].status, "verified",
        "re-detection keeps the analyst's triage"
    );
    assert_eq!(listed[0].event_ids, vec![e]);
}

#[test]
fn analyses_are_kept_per_analyser_version() {
    let mut store = Store::in_memory().unwrap();
    let b = store.batch().unwrap();
    let id = b
        .insert_article(&article("https://a.example/1", STORY))
        .unwrap()
        .id();
    let v1 = StoredAnalysis {
        analyzer_version: "0.1.0",
        is_outbreak: true,
        category: "outbreak_report",
        relevance: 0.9,
        json: "{\"v\":1}",
        packed_json: None,
    };
    b.put_analysis(id, &v1).unwrap();
    b.commit().unwrap();
    assert!(store.articles_needing_analysis("0.1.0").unwrap().is_empty());
    assert_eq!(store.articles_needing_analysis("0.2.0").unwrap(), vec![id]);
    let rec = store.article(id).unwrap().unwrap();
    assert_eq!(rec.analyzer_version.as_deref(), Some("0.1.0"));
}

#[test]
fn a_store_file_survives_reopening_and_a_newer_schema_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("waspada.sqlite");
    {
        let mut store = Store::open(&path).unwrap();
        let b = store.batch().unwrap();
        b.insert_article(&article("https://a.example/1", STORY))
            .unwrap();
        b.commit().unwrap();
    }
    {
        let store = Store::open(&path).unwrap();
        assert_eq!(store.stats().unwrap().articles, 1);
        assert_eq!(
            store.schema_version().unwrap(),
            waspada_store::SCHEMA_VERSION
        );
        store
            .connection()
            .pragma_update(None, "user_version", 99)
            .unwrap();
    }
    let err = Store::open(&path).err().expect("a newer store is refused");
    assert!(err.to_string().contains("upgrade Waspada"), "{err}");
}

#[test]
fn an_uncommitted_batch_leaves_nothing_behind() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("waspada.sqlite");
    {
        let mut store = Store::open(&path).unwrap();
        let b = store.batch().unwrap();
        b.insert_article(&article("https://a.example/1", STORY))
            .unwrap();
        // Dropped without commit, as when the process dies mid-batch.
    }
    let store = Store::open(&path).unwrap();
    assert_eq!(store.stats().unwrap().articles, 0);
}

/// Schemas 6 to 9 kept band keys as `lsh_bucket` rows; migration 10 moves them into the
/// signature rows, and the near-duplicate lookup still finds the old articles.
#[test]
fn band_keys_of_a_schema_9_store_move_with_their_signatures_and_still_match() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("waspada.sqlite");
    let old = article("https://lama.example/1", STORY);
    let keys: Vec<i64> = old.band_keys.iter().map(|&(_, k)| k as i64).collect();
    assert!(keys.iter().any(|&k| k < 0) && keys.iter().any(|&k| k > 0));
    let first = {
        let mut store = Store::open(&path).unwrap();
        let b = store.batch().unwrap();
        let first = b.insert_article(&old).unwrap().id();
        b.commit().unwrap();
        // Back to schema 9: the keys as rows, no column.
        let conn = store.connection();
        conn.execute_batch(
            "CREATE TABLE lsh_bucket (key INTEGER NOT NULL, article_id INTEGER NOT NULL,
                 PRIMARY KEY (key, article_id)) WITHOUT ROWID;
             ALTER TABLE article_signatures DROP COLUMN band_keys;
             PRAGMA user_version = 9;",
        )
        .unwrap();
        for k in &keys {
            conn.execute(
                "INSERT OR IGNORE INTO lsh_bucket VALUES (?1, ?2)",
                [*k, first],
            )
            .unwrap();
        }
        first
    };
    let mut store = Store::open(&path).unwrap();
    assert_eq!(
        store.schema_version().unwrap(),
        waspada_store::SCHEMA_VERSION
    );
    let blob: Vec<u8> = store
        .connection()
        .query_row(
            "SELECT band_keys FROM article_signatures WHERE article_id = ?1",
            [first],
            |r| r.get(0),
        )
        .unwrap();
    let mut moved: Vec<i64> = blob
        .chunks_exact(8)
        .map(|c| i64::from_be_bytes(c.try_into().unwrap()))
        .collect();
    let mut want = keys.clone();
    moved.sort_unstable();
    want.sort_unstable();
    want.dedup();
    assert_eq!(moved, want);
    let b = store.batch().unwrap();
    let copy = b
        .insert_article(&article(
            "https://baru.example/2",
            &format!("GARUT, Kabar Priangan - {STORY} (red)"),
        ))
        .unwrap();
    b.commit().unwrap();
    assert!(
        matches!(copy, Inserted::New { cluster_id, .. } if cluster_id == first),
        "{copy:?}"
    );
}

/// Two handles on one file (as `serve` keeps a pool of them) share the writer's bucket
/// index; a handle that writes after the other still finds that one's articles.
#[test]
fn handles_on_one_file_find_each_others_near_duplicates() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("waspada.sqlite");
    let mut one = Store::open(&path).unwrap();
    let mut two = Store::open(&path).unwrap();
    let other = "Ratusan babi mati mendadak di Kabupaten Belu, Nusa Tenggara Timur. Dinas \
                 Peternakan memastikan penyebabnya demam babi Afrika dan melarang pengiriman \
                 ternak keluar desa sampai pemeriksaan laboratorium selesai.";
    // `one` loads the index before `two` writes anything.
    let b = one.batch().unwrap();
    let belu = b
        .insert_article(&article("https://a.example/1", other))
        .unwrap();
    b.commit().unwrap();
    let b = two.batch().unwrap();
    let garut = b
        .insert_article(&article("https://b.example/1", STORY))
        .unwrap();
    let belu_copy = b
        .insert_article(&article(
            "https://b.example/2",
            &format!("KUPANG - {other}"),
        ))
        .unwrap();
    b.commit().unwrap();
    let b = one.batch().unwrap();
    let garut_copy = b
        .insert_article(&article("https://a.example/2", &format!("GARUT - {STORY}")))
        .unwrap();
    b.commit().unwrap();
    let cluster = |i: Inserted| match i {
        Inserted::New { cluster_id, .. } => cluster_id,
        other => panic!("{other:?}"),
    };
    assert_eq!(cluster(belu_copy), belu.id());
    assert_eq!(cluster(garut_copy), garut.id());
}
