//! Compressed texts in the SQLite store: new rows hold packed blobs, rows written before
//! compression (plain `TEXT`) still read, and a damaged blob is an error, not a panic.

use waspada_store::{NewArticle, PackedText, Store, StoreError, StoredAnalysis};

const BODY: &str = "Dinas Kesehatan Kabupaten Garut mencatat 41 kasus demam berdarah dengue \
    sepanjang Maret, dua di antaranya meninggal dunia. Petugas puskesmas melakukan fogging \
    di tiga desa dan mengimbau warga menguras bak mandi setiap pekan.";

fn article(url: &str, body: &str, hash: u8) -> NewArticle {
    NewArticle {
        url: Some(url.into()),
        canonical_url: Some(url.into()),
        content_hash: [hash; 16],
        title: Some("Kasus DBD di Garut".into()),
        raw_text: format!("Beranda > Kesehatan\n{body}\nBaca juga: berita lain"),
        clean_text: body.into(),
        language: "id".into(),
        fetched_at: 1_700_000_000_000,
        ..NewArticle::default()
    }
}

fn analysis(json: &str) -> StoredAnalysis<'_> {
    StoredAnalysis {
        analyzer_version: "uji-1",
        is_outbreak: true,
        category: "outbreak_report",
        relevance: 0.9,
        json,
        packed_json: None,
    }
}

fn storage_class(store: &Store, sql: &str, id: i64) -> String {
    store
        .connection()
        .query_row(sql, [id], |r| r.get(0))
        .unwrap()
}

/// Stores one article and its analysis through the API; returns its id.
fn store_one(store: &mut Store, a: &NewArticle, json: &str) -> i64 {
    let b = store.batch().unwrap();
    let (inserted, _) = b.store_article(a, &analysis(json), &[]).unwrap();
    b.commit().unwrap();
    inserted.id()
}

#[test]
fn new_rows_are_packed_and_read_back_unchanged() {
    let mut store = Store::in_memory().unwrap();
    let long_json = format!("{{\"text\":\"{}\"}}", BODY.repeat(3));
    // One article packed by the caller (as the pipeline's prepare threads do), one not.
    let mut packed = article("https://a.example/1", BODY, 1);
    packed.pack();
    let plain = article("https://b.example/2", &BODY.replace("Garut", "Kupang"), 2);
    let ids = [
        store_one(&mut store, &packed, &long_json),
        store_one(&mut store, &plain, "{}"),
    ];
    for (id, a) in ids.iter().zip([&packed, &plain]) {
        for column in ["raw_text", "clean_text"] {
            let sql = format!("SELECT typeof({column}) FROM articles WHERE id = ?1");
            assert_eq!(storage_class(&store, &sql, *id), "blob", "{column}");
        }
        let r = store.article(*id).unwrap().unwrap();
        assert_eq!(r.raw_text, a.raw_text);
        assert_eq!(r.clean_text, a.clean_text);
        let brief = store.article_brief(*id).unwrap().unwrap();
        assert_eq!(brief.clean_text, a.clean_text);
    }
    let r = store.article(ids[0]).unwrap().unwrap();
    assert_eq!(r.analysis_json.as_deref(), Some(long_json.as_str()));
    // The long body and JSON are stored smaller than they are.
    let stored: i64 = store
        .connection()
        .query_row(
            "SELECT length(a.raw_text) + length(an.json) FROM articles a
             JOIN analyses an ON an.article_id = a.id WHERE a.id = ?1",
            [ids[0]],
            |r| r.get(0),
        )
        .unwrap();
    assert!(
        (stored as usize) < (packed.raw_text.len() + long_json.len()) * 3 / 4,
        "{stored} bytes stored"
    );
}

#[test]
fn a_pack_made_before_the_text_changed_is_not_used() {
    let mut store = Store::in_memory().unwrap();
    let mut a = article("https://a.example/1", BODY, 1);
    a.pack();
    a.clean_text = format!("{BODY} Tambahan kalimat baru.");
    let id = store_one(&mut store, &a, "{}");
    assert_eq!(store.article(id).unwrap().unwrap().clean_text, a.clean_text);
}

#[test]
fn rows_written_as_text_before_compression_still_read() {
    let mut store = Store::in_memory().unwrap();
    // The way stores before compression wrote an article and its analysis: plain TEXT.
    store
        .connection()
        .execute_batch(&format!(
            "INSERT INTO articles (id, canonical_url, content_hash, title, raw_text, clean_text,
                 language, fetched_at, cluster_id, simhash)
             VALUES (7, 'https://lama.example/1', X'07', 'Lama', 'mentah: {BODY}', '{BODY}',
                 'id', 1, 7, 0);
             INSERT INTO article_urls (url, article_id) VALUES ('https://lama.example/1', 7);
             INSERT INTO analyses (article_id, analyzer_version, analysed_at, is_outbreak,
                 category, relevance, json)
             VALUES (7, 'lama-0', 1, 1, 'outbreak_report', 0.8, '{{\"lama\":true}}');"
        ))
        .unwrap();
    let class = storage_class(
        &store,
        "SELECT typeof(clean_text) FROM articles WHERE id = ?1",
        7,
    );
    assert_eq!(class, "text");
    // A new, packed article next to it.
    let new_id = store_one(
        &mut store,
        &article("https://baru.example/2", "Kasus campak di Bima.", 2),
        "{}",
    );

    let old = store.article(7).unwrap().unwrap();
    assert_eq!(old.raw_text, format!("mentah: {BODY}"));
    assert_eq!(old.clean_text, BODY);
    assert_eq!(old.analysis_json.as_deref(), Some("{\"lama\":true}"));
    assert_eq!(store.article_brief(7).unwrap().unwrap().clean_text, BODY);
    // The index's catch-up reads both kinds in one page.
    let page = store.articles_after(0, 10).unwrap();
    let ids: Vec<i64> = page.iter().map(|a| a.id).collect();
    assert_eq!(ids, vec![7, new_id]);
    assert_eq!(page[1].clean_text, "Kasus campak di Bima.");
    // Re-analysis adds a packed analysis to the old row; the latest is read.
    let b = store.batch().unwrap();
    b.put_analysis(7, &analysis("{\"baru\":true}")).unwrap();
    b.commit().unwrap();
    let latest = store.article(7).unwrap().unwrap().analysis_json;
    assert_eq!(latest.as_deref(), Some("{\"baru\":true}"));
}

#[test]
fn a_damaged_blob_is_a_clear_error() {
    let mut store = Store::in_memory().unwrap();
    let long_json = format!("{{\"text\":\"{}\"}}", BODY.repeat(2));
    // Long enough that LZ4 shrinks it: damage then hits the compressed block.
    let body = BODY.repeat(3);
    let id = store_one(
        &mut store,
        &article("https://a.example/1", &body, 1),
        &long_json,
    );
    let good: Vec<u8> = store
        .connection()
        .query_row("SELECT clean_text FROM articles WHERE id = ?1", [id], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(PackedText::unpack(&good).unwrap(), body);
    assert!(good.len() < body.len() / 2, "{} bytes", good.len());

    let damaged = [
        good[..good.len() / 2].to_vec(),                   // cut short
        b"\xFFW\x09abc".to_vec(),                          // unknown codec
        b"not a packed value".to_vec(),                    // no header
        [&good[..3], &[0xFF; 4][..], &good[7..]].concat(), // absurd length
    ];
    for bytes in damaged {
        store
            .connection()
            .execute(
                "UPDATE articles SET clean_text = ?1 WHERE id = ?2",
                rusqlite::params![bytes, id],
            )
            .unwrap();
        for result in [
            store.article(id).map(|_| ()),
            store.article_brief(id).map(|_| ()),
            store.articles_after(0, 10).map(|_| ()),
        ] {
            let err = result.unwrap_err();
            assert!(matches!(err, StoreError::Corrupt { .. }), "{err:?}");
            assert!(err.to_string().contains("damaged"), "{err}");
        }
    }

    // A damaged analysis, with the article itself sound again.
    store
        .connection()
        .execute(
            "UPDATE articles SET clean_text = ?1 WHERE id = ?2",
            rusqlite::params![good, id],
        )
        .unwrap();
    store
        .connection()
        .execute(
            "UPDATE analyses SET json = X'FF5701000100' WHERE article_id = ?1",
            [id],
        )
        .unwrap();
    let err = store.article(id).unwrap_err();
    assert!(matches!(err, StoreError::Corrupt { .. }), "{err:?}");
    // The brief does not read the analysis.
    assert_eq!(store.article_brief(id).unwrap().unwrap().clean_text, body);
}

/// Schema 8 kept analyses WITHOUT ROWID; migration 9 copies them into a rowid table.
#[test]
fn a_schema_8_store_with_text_rows_upgrades_and_reads() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("waspada.sqlite");
    {
        let store = Store::open(&path).unwrap();
        // The analyses table as schema 8 made it, and rows as stores then wrote them.
        store
            .connection()
            .execute_batch(&format!(
                "ALTER TABLE article_signatures DROP COLUMN band_keys;
                 CREATE TABLE lsh_bucket (key INTEGER NOT NULL, article_id INTEGER NOT NULL,
                     PRIMARY KEY (key, article_id)) WITHOUT ROWID;
                 DROP TABLE analyses;
                 CREATE TABLE analyses (
                     article_id        INTEGER NOT NULL REFERENCES articles(id),
                     analyzer_version  TEXT NOT NULL,
                     analysed_at       INTEGER NOT NULL,
                     is_outbreak       INTEGER NOT NULL,
                     category          TEXT NOT NULL,
                     relevance         REAL NOT NULL,
                     json              TEXT NOT NULL,
                     PRIMARY KEY (article_id, analyzer_version)
                 ) WITHOUT ROWID;
                 INSERT INTO articles (id, canonical_url, content_hash, raw_text, clean_text,
                     language, fetched_at, cluster_id, simhash)
                 VALUES (3, 'https://lama.example/3', X'03', 'mentah {BODY}', '{BODY}', 'id',
                     1, 3, 0);
                 INSERT INTO analyses VALUES (3, 'lama-0', 1, 1, 'outbreak_report', 0.8,
                     '{{\"v\":0}}');
                 INSERT INTO analyses VALUES (3, 'lama-1', 2, 0, 'other', 0.1, '{{\"v\":1}}');
                 PRAGMA user_version = 8;"
            ))
            .unwrap();
    }
    let mut store = Store::open(&path).unwrap();
    assert_eq!(
        store.schema_version().unwrap(),
        waspada_store::SCHEMA_VERSION
    );
    let old = store.article(3).unwrap().unwrap();
    assert_eq!(old.analysis_json.as_deref(), Some("{\"v\":1}"));
    assert_eq!(old.analyzer_version.as_deref(), Some("lama-1"));
    assert_eq!(old.raw_text, format!("mentah {BODY}"));
    assert!(
        store
            .articles_needing_analysis("lama-0")
            .unwrap()
            .is_empty()
    );
    // Article and version still key an analysis: storing one again replaces it.
    for json in ["{\"v\":2}", "{\"v\":3}"] {
        let b = store.batch().unwrap();
        b.put_analysis(3, &analysis(json)).unwrap();
        b.commit().unwrap();
    }
    let n: i64 = store
        .connection()
        .query_row(
            "SELECT COUNT(*) FROM analyses WHERE article_id = 3",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(n, 3);
    let latest = store.article(3).unwrap().unwrap();
    assert_eq!(latest.analysis_json.as_deref(), Some("{\"v\":3}"));
    assert_eq!(latest.analyzer_version.as_deref(), Some("uji-1"));
}
