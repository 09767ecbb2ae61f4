//! `waspada analyze` end to end, on the real binary: the contract in
//! `shared/design/contracts.md` §1 (inputs, options, output fields, errors, exit
//! status) and the bad input the issue lists (invalid UTF-8, empty text, a 20 MB
//! article, HTML full of scripts, a line that is not JSON, a binary file).
//!
//! Every run is checked for the same promises: no panic, one JSON object per input
//! item, every failure both as an `{"id","error"}` line and on stderr, and exit
//! status 1 exactly when something failed. The articles are written for these tests.

use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

/// A fresh, empty directory for one test, unique per process and call, removed when
/// dropped (the large inputs must not pile up in the temp dir).
struct Scratch(PathBuf);

impl std::ops::Deref for Scratch {
    type Target = Path;

    fn deref(&self) -> &Path {
        &self.0
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn scratch(name: &str) -> Scratch {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!(
        "waspada-analyze-cli-{}-{n}-{name}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create scratch dir");
    Scratch(dir)
}

fn write(dir: &Path, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("write input");
    path
}

/// One run of `waspada analyze --json ...`.
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
    lines: Vec<Value>,
}

impl Run {
    fn ids(&self) -> Vec<&str> {
        self.lines
            .iter()
            .map(|l| l["id"].as_str().expect("every line has a string id"))
            .collect()
    }

    fn by_id(&self, id: &str) -> &Value {
        self.lines
            .iter()
            .find(|l| l["id"] == id)
            .unwrap_or_else(|| panic!("no output for {id}:\n{}", self.stdout))
    }
}

/// Runs the binary with `--json` and `args`, feeding `stdin`, and checks what every
/// run must satisfy: no panic, each stdout line a JSON object with an id, each error
/// line also reported on stderr, exit status 1 exactly when an item failed.
fn analyze(args: &[&str], stdin: Option<&[u8]>) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_waspada"))
        .arg("analyze")
        .arg("--json")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run waspada");
    let input = stdin.map(<[u8]>::to_vec);
    let mut pipe = child.stdin.take().expect("stdin is piped");
    // Write from a thread: a large input must not deadlock against a full stdout pipe.
    let writer = std::thread::spawn(move || {
        if let Some(bytes) = input {
            let _ = pipe.write_all(&bytes);
        }
    });
    let out = child.wait_with_output().expect("wait for waspada");
    writer.join().expect("stdin writer");
    let stdout = String::from_utf8(out.stdout).expect("stdout is UTF-8");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        !stderr.contains("panicked") && !stderr.contains("internal error"),
        "waspada panicked on {args:?}:\n{stderr}"
    );
    let lines: Vec<Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect();
    let code = out.status.code().expect("exited, not killed by a signal");
    let mut failed = 0;
    for line in &lines {
        assert!(line.is_object(), "not an object: {line}");
        let id = line["id"].as_str().expect("string id");
        if let Some(error) = line.get("error") {
            failed += 1;
            let error = error.as_str().expect("error is a string");
            assert!(!error.is_empty(), "empty error for {id}");
            assert!(
                stderr.lines().any(|l| l.contains(id) && l.contains(error)),
                "failure of {id} ({error}) not reported on stderr:\n{stderr}"
            );
        } else {
            assert!(
                line["relevance"]["is_outbreak_report"].is_boolean(),
                "{line}"
            );
        }
    }
    let expected = if failed > 0 { 1 } else { 0 };
    assert_eq!(code, expected, "{failed} item(s) failed; stderr:\n{stderr}");
    Run {
        code,
        stdout,
        stderr,
        lines,
    }
}

fn path_arg(p: &Path) -> &str {
    p.to_str().expect("temp paths are UTF-8")
}

fn jsonl(articles: &[Value]) -> String {
    articles.iter().map(|a| format!("{a}\n")).collect()
}

/// Diseases, locations, etc. with `primary: true`.
fn primary<'a>(run: &'a Value, field: &str) -> Vec<&'a Value> {
    run[field]
        .as_array()
        .expect("array field")
        .iter()
        .filter(|x| x["primary"] == true)
        .collect()
}

fn count_values(a: &Value, kind: &str) -> Vec<u64> {
    a["counts"]
        .as_array()
        .expect("counts")
        .iter()
        .filter(|c| c["kind"] == kind)
        .filter_map(|c| c["value"].as_u64())
        .collect()
}

// ---------------------------------------------------------------------------------
// Articles written for these tests.

/// A dengue (DBD) outbreak in Kabupaten Ponorogo (35.02), filed from Surabaya
/// (Kota Surabaya, 35.78, same province): KLB declared, 1.234 cases, three deaths.
const DBD_TITLE: &str = "Wabah DBD Meluas, Ponorogo Tetapkan Status KLB";
const DBD_BODY: &str = "SURABAYA, Waspada – Pemerintah Kabupaten Ponorogo, Jawa Timur, \
menetapkan status kejadian luar biasa (KLB) demam berdarah dengue (DBD) pada Senin (3/2/2025). \
Sejak awal Januari, Dinas Kesehatan setempat mencatat 1.234 kasus DBD, dan tiga orang meninggal \
dunia, dua di antaranya anak-anak.\n\n\
“Kasusnya naik tajam dibanding tahun lalu. Bangsal rumah sakit penuh, sehingga kami menetapkan \
KLB agar penanganan lebih cepat,” kata Kepala Dinas Kesehatan Ponorogo dalam keterangan tertulis \
yang diterima di Surabaya.\n\n\
Sebanyak 87 pasien masih dirawat di rumah sakit daerah. Petugas melakukan pengasapan di desa-desa \
dengan kasus terbanyak dan mengajak warga menguras tempat penampungan air.\n\n\
Dinas Kesehatan Provinsi Jawa Timur mengirim tambahan reagen dan tenaga kesehatan ke Ponorogo.";

/// Diphtheria in Kabupaten Garut (32.05), filed from Jakarta: KLB, two deaths, 14 suspects.
const DIFTERI_TITLE: &str = "Dua Anak Meninggal, Garut Tetapkan KLB Difteri";
const DIFTERI_BODY: &str = "JAKARTA - Pemerintah Kabupaten Garut menetapkan kejadian luar biasa \
(KLB) difteri setelah dua anak di Kecamatan Cikajang meninggal dunia pekan lalu. Hingga Senin, \
tercatat 14 kasus suspek difteri, sembilan di antaranya masih dirawat di rumah sakit umum daerah.\n\n\
Kepala Dinas Kesehatan Kabupaten Garut mengatakan tim surveilans sudah menelusuri kontak erat \
para pasien dan memberikan obat pencegahan. Imunisasi ulang akan digelar di sekolah-sekolah di \
Cikajang dan kecamatan sekitarnya mulai pekan depan.\n\n\
Kementerian Kesehatan mengirim antitoksin difteri ke Garut.";

/// Party politics: KLB here is a Kongres Luar Biasa, not an outbreak.
const KONGRES_TITLE: &str = "Partai Nusantara Maju Gelar KLB Pekan Depan";
const KONGRES_BODY: &str = "JAKARTA - Dewan Pimpinan Pusat Partai Nusantara Maju akan menggelar \
Kongres Luar Biasa (KLB) di Denpasar, Bali, pekan depan untuk memilih ketua umum baru. Sekretaris \
jenderal partai mengatakan KLB digelar setelah ketua umum sebelumnya mengundurkan diri.\n\n\
“Semua dewan pimpinan wilayah sudah sepakat. KLB ini penting agar partai siap menghadapi pemilu,” \
ujarnya di Jakarta, Senin.\n\n\
Sejumlah kader menilai KLB tersebut terlalu terburu-buru, tetapi panitia memastikan seluruh \
persiapan sudah rampung.";

/// An economy story that names the Covid-19 pandemic once, as a time reference.
const KOPI_TITLE: &str = "Ekspor Kopi Jawa Barat Naik 12 Persen";
const KOPI_BODY: &str = "BANDUNG - Nilai ekspor kopi dari Jawa Barat naik 12 persen pada \
triwulan pertama tahun ini dibandingkan periode yang sama tahun lalu. Kenaikan itu didorong \
permintaan dari Jepang, Korea Selatan dan negara-negara Eropa.\n\n\
Kepala Dinas Perindustrian dan Perdagangan Jawa Barat mengatakan, pelaku usaha kopi sudah pulih \
sepenuhnya setelah sempat terpukul saat pandemi Covid-19. Banyak petani kini memperluas kebun dan \
memperbaiki cara pengolahan biji kopi agar harganya lebih tinggi.\n\n\
Pemerintah provinsi juga menyiapkan pameran dagang di Bandung bulan depan untuk mempertemukan \
petani dengan pembeli dari luar negeri.";

fn article(id: &str, title: &str, body: &str, published: &str) -> Value {
    serde_json::json!({"id": id, "title": title, "text": body, "published": published})
}

fn analyze_one(a: Value, extra: &[&str]) -> Value {
    let dir = scratch("one");
    let path = write(&dir, "a.jsonl", jsonl(&[a]));
    let mut args = extra.to_vec();
    args.push(path_arg(&path));
    let run = analyze(&args, None);
    assert_eq!(run.lines.len(), 1, "{}", run.stdout);
    assert!(run.lines[0].get("error").is_none(), "{}", run.stdout);
    run.lines[0].clone()
}

// ---------------------------------------------------------------------------------
// JSON Lines

/// Whether the analysis lists a disease whose `key` field equals `want`.
fn has_disease(analysis: &Value, key: &str, want: &str) -> bool {
    analysis["diseases"]
        .as_array()
        .is_some_and(|ds| ds.iter().any(|d| d[key] == want))
}

#[test]
fn jsonl_bad_lines_become_errors_in_place_and_the_run_goes_on() {
    let dir = scratch("jsonl");
    let mut data = Vec::new();
    data.extend_from_slice(
        b"{\"id\":\"good-1\",\"text\":\"Tiga warga Ponorogo dirawat karena DBD.\"}\n",
    );
    data.extend_from_slice(b"this line is not JSON\n");
    data.extend_from_slice(
        b"{\"id\":\"bad-utf8\",\"text\":\"kasus difteri \xff\xfe\xc3 di Garut\"}\n",
    );
    data.extend_from_slice(b"{\"id\":\"no-text\",\"title\":\"Judul tanpa isi\"}\n");
    data.extend_from_slice(b"{\"id\":\"empty\",\"text\":\"\"}\n");
    data.extend_from_slice(
        b"{\"id\":\"with-gold\",\"text\":\"Kasus difteri di Kabupaten Garut bertambah.\",\
          \"gold\":{\"label\":\"outbreak_report\",\"diseases\":[]},\"outlet\":\"x\"}\n",
    );
    data.extend_from_slice(b"{\"id\":\"good-2\",\"text\":\"Harga cabai naik di pasar.\"}\n");
    let path = write(&dir, "mixed.jsonl", &data);
    let run = analyze(&[path_arg(&path)], None);

    // One line per input line, in input order; unreadable lines are named file:line.
    assert_eq!(
        run.ids(),
        [
            "good-1",
            "mixed.jsonl:2",
            "mixed.jsonl:3",
            "no-text",
            "empty",
            "with-gold",
            "good-2"
        ]
    );
    let errors: Vec<&str> = run
        .lines
        .iter()
        .filter(|l| l.get("error").is_some())
        .map(|l| l["id"].as_str().unwrap())
        .collect();
    assert_eq!(errors, ["mixed.jsonl:2", "mixed.jsonl:3", "no-text"]);
    assert!(
        run.by_id("mixed.jsonl:2")["error"]
            .as_str()
            .unwrap()
            .contains("JSON")
    );
    assert!(
        run.by_id("mixed.jsonl:3")["error"]
            .as_str()
            .unwrap()
            .contains("UTF-8")
    );
    assert!(
        run.by_id("no-text")["error"]
            .as_str()
            .unwrap()
            .contains("text")
    );
    assert_eq!(run.code, 1);

    // Empty text is an article with nothing in it, not a failure.
    let empty = run.by_id("empty");
    assert_eq!(empty["relevance"]["is_outbreak_report"], false);
    assert_eq!(empty["diseases"].as_array().unwrap().len(), 0);
    // Unknown fields are ignored: the article is analysed as usual.
    let gold = run.by_id("with-gold");
    assert!(gold.get("gold").is_none());
    assert!(has_disease(gold, "id", "diphtheria"));
    assert!(has_disease(run.by_id("good-1"), "icd10", "A97"));
}

#[test]
fn jsonl_without_failures_exits_zero() {
    let dir = scratch("jsonl-ok");
    let path = write(
        &dir,
        "ok.jsonl",
        jsonl(&[
            serde_json::json!({"id": 17, "text": "Satu ekor sapi mati karena antraks."}),
            serde_json::json!({"text": "Tanpa id."}),
        ]),
    );
    // Blank lines are not articles.
    let mut data = std::fs::read_to_string(&path).unwrap();
    data.insert_str(0, "\n   \n");
    std::fs::write(&path, data).unwrap();
    let run = analyze(&[path_arg(&path)], None);
    assert_eq!(run.code, 0);
    // A numeric id is kept as text; a line without id is named by file and line.
    assert_eq!(run.ids(), ["17", "ok.jsonl:4"]);
    assert!(run.stderr.is_empty(), "{}", run.stderr);
}

// ---------------------------------------------------------------------------------
// Files, directories, stdin

#[test]
fn txt_file_is_one_article_named_after_the_file() {
    let dir = scratch("txt");
    let path = write(
        &dir,
        "berita-difteri.txt",
        format!("{DIFTERI_TITLE}\n\n{DIFTERI_BODY}"),
    );
    let run = analyze(&[path_arg(&path)], None);
    assert_eq!(run.ids(), ["berita-difteri.txt"]);
    let a = &run.lines[0];
    assert_eq!(a["language"], "id");
    assert!(
        primary(a, "diseases").iter().any(|d| d["icd10"] == "A36"),
        "{a}"
    );
}

#[test]
fn html_scripts_and_styles_never_reach_the_text() {
    let dir = scratch("html");
    let mut html = String::from(
        "<!DOCTYPE html><html lang=\"id\"><head><meta charset=\"utf-8\">\
         <title>Wabah DBD Meluas di Ponorogo</title>\
         <script>var SKRIPSIRAHASIA = 'kasus difteri 999 orang meninggal';</script>\
         <style>.SKRIPSIRAHASIA { color: red }</style></head><body>",
    );
    for i in 0..200 {
        html.push_str(&format!(
            "<script type=\"text/javascript\">window.SKRIPSIRAHASIA{i} = function() {{ \
             document.write('<p>SKRIPSIRAHASIA iklan {i}</p>'); }};</script>"
        ));
    }
    html.push_str(
        "<nav><a href=\"/\">Beranda</a></nav><article><h1>Wabah DBD Meluas di Ponorogo</h1>",
    );
    for para in DBD_BODY.split("\n\n") {
        html.push_str(&format!("<p>{para}</p><script>SKRIPSIRAHASIA()</script>"));
    }
    html.push_str("</article><noscript>SKRIPSIRAHASIA</noscript></body></html>");
    let path = write(&dir, "halaman.html", html);
    let run = analyze(&["--with-text", path_arg(&path)], None);
    assert_eq!(run.ids(), ["halaman.html"]);
    assert!(
        !run.stdout.contains("SKRIPSIRAHASIA"),
        "script text leaked:\n{}",
        run.stdout
    );
    assert!(!run.stdout.contains("document.write"), "{}", run.stdout);
    let a = &run.lines[0];
    let text = a["clean_text"].as_str().unwrap();
    assert!(text.contains("1.234 kasus DBD"), "body lost:\n{text}");
    assert!(
        primary(a, "diseases").iter().any(|d| d["id"] == "dengue"),
        "{a}"
    );
}

#[test]
fn binary_file_is_an_error_and_the_next_input_is_still_read() {
    let dir = scratch("binary");
    let bytes: Vec<u8> = (0..64 * 1024).map(|i| (i % 256) as u8).collect();
    let bin = write(&dir, "gambar.bin", &bytes);
    // Also a binary file named like text: the extension must not fool the reader.
    let fake = write(&dir, "palsu.txt", &bytes);
    let txt = write(
        &dir,
        "z.txt",
        "Dua orang meninggal karena difteri di Kabupaten Garut.",
    );
    let run = analyze(&[path_arg(&bin), path_arg(&fake), path_arg(&txt)], None);
    assert_eq!(run.ids(), ["gambar.bin", "palsu.txt", "z.txt"]);
    assert!(run.lines[0]["error"].is_string());
    assert!(run.lines[1]["error"].is_string());
    assert!(run.lines[2].get("error").is_none());
    assert_eq!(run.code, 1);
}

#[test]
fn missing_file_is_an_error_and_the_run_goes_on() {
    let dir = scratch("missing");
    let txt = write(&dir, "ada.txt", "Kasus DBD di Ponorogo.");
    let missing = dir.join("tidak-ada.txt");
    let run = analyze(&[path_arg(&missing), path_arg(&txt)], None);
    assert_eq!(run.ids(), ["tidak-ada.txt", "ada.txt"]);
    assert!(run.lines[0]["error"].is_string());
    assert_eq!(run.code, 1);
}

#[test]
fn directory_files_are_read_in_name_order() {
    let dir = scratch("dir");
    let inputs = dir.join("masuk");
    std::fs::create_dir(&inputs).unwrap();
    // Written out of order on purpose.
    write(&inputs, "c.txt", "Tiga kasus difteri di Garut.");
    write(
        &inputs,
        "a.jsonl",
        jsonl(&[
            serde_json::json!({"id": "a-1", "text": "DBD di Ponorogo."}),
            serde_json::json!({"id": "a-2", "text": "Flu burung di Bali."}),
        ]),
    );
    write(
        &inputs,
        "b.html",
        "<html><head><title>Judul</title></head><body><p>Rabies di Flores.</p></body></html>",
    );
    write(&inputs, "B-upper.txt", "Campak di Sumedang.");
    let run = analyze(&[path_arg(&inputs)], None);
    // Byte order of the names: upper case sorts before lower case.
    assert_eq!(run.ids(), ["B-upper.txt", "a-1", "a-2", "b.html", "c.txt"]);
    assert_eq!(run.code, 0);
}

#[test]
fn stdin_dash_reads_json_lines() {
    let input = jsonl(&[
        article("s-1", DBD_TITLE, DBD_BODY, "2025-02-04"),
        serde_json::json!({"id": "s-2", "text": ""}),
    ]);
    let mut bytes = input.into_bytes();
    bytes.extend_from_slice(b"{broken\n");
    let run = analyze(&["-"], Some(&bytes));
    assert_eq!(run.ids(), ["s-1", "s-2", "stdin:3"]);
    assert_eq!(run.by_id("s-1")["relevance"]["is_outbreak_report"], true);
    assert_eq!(run.code, 1);
}

#[test]
fn stdin_dash_reads_plain_text() {
    let run = analyze(
        &["-"],
        Some(format!("{DIFTERI_TITLE}\n\n{DIFTERI_BODY}").as_bytes()),
    );
    assert_eq!(run.ids(), ["stdin"]);
    assert!(has_disease(&run.lines[0], "id", "diphtheria"));
    // Empty standard input gives one empty article, not a crash.
    let run = analyze(&["-"], Some(b""));
    assert!(run.lines.len() <= 1, "{}", run.stdout);
}

// ---------------------------------------------------------------------------------
// Size

/// About `bytes` of Indonesian news prose (written for this test), in paragraphs.
fn long_text(bytes: usize) -> String {
    const SENTENCES: [&str; 6] = [
        "Dinas Kesehatan Kabupaten Ponorogo mencatat 1.234 kasus demam berdarah sejak Januari.",
        "Tiga orang meninggal dunia dan puluhan pasien masih dirawat di rumah sakit daerah.",
        "Petugas melakukan pengasapan di Kecamatan Babadan pada Senin (3/2/2025).",
        "Warga diminta menguras bak mandi, menutup tempat air dan mengubur barang bekas.",
        "Harga cabai di pasar tradisional naik karena hujan deras sepekan terakhir.",
        "“Kami terus memantau perkembangan kasus,” kata seorang petugas puskesmas.",
    ];
    let mut s = String::with_capacity(bytes + 200);
    let mut i = 0;
    while s.len() < bytes {
        s.push_str(SENTENCES[i % SENTENCES.len()]);
        s.push_str(if i % 5 == 4 { "\n\n" } else { " " });
        i += 1;
    }
    s
}

#[test]
fn a_20_mb_article_completes_with_valid_output() {
    let dir = scratch("big");
    let text = long_text(20 << 20);
    let txt = write(&dir, "besar.txt", &text);
    let line = serde_json::json!({"id": "besar-jsonl", "text": text, "published": "2025-02-04"});
    let jsonl_path = write(&dir, "besar.jsonl", format!("{line}\n"));
    let run = analyze(&[path_arg(&txt), path_arg(&jsonl_path)], None);
    assert_eq!(run.ids(), ["besar.txt", "besar-jsonl"]);
    // Analysed, not refused.
    for a in &run.lines {
        assert!(a.get("error").is_none(), "{a}");
        assert!(a["diseases"].is_array() && a["counts"].is_array(), "{a}");
    }
    assert!(has_disease(run.by_id("besar-jsonl"), "id", "dengue"));
}

/// Text without any whitespace, full of full stops: a pasted table of numbers
/// ("1.2341.234..."), minified data, a run of URLs. Analysis reads only the first 256 kB
/// of an article; it must be analysed like any other.
#[test]
fn text_without_whitespace_is_analysed() {
    let dir = scratch("no-space");
    let blob = write(&dir, "tabel.txt", "1.234".repeat((20 << 20) / 5));
    // Its time against prose of the same size is measured by `waspada bench`.
    let status = Command::new(env!("CARGO_BIN_EXE_waspada"))
        .args(["analyze", "--json", path_arg(&blob)])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("run waspada");
    assert_eq!(status.code(), Some(0));
}

// ---------------------------------------------------------------------------------
// Options

/// Every mention's character offsets select its text from `clean_text`.
fn check_mentions(a: &Value) -> [usize; 4] {
    let text = a["clean_text"]
        .as_str()
        .expect("clean_text with --with-text");
    let check = |m: &Value| {
        let (start, end) = (
            m["start"].as_u64().unwrap() as usize,
            m["end"].as_u64().unwrap() as usize,
        );
        assert!(start <= end, "{m}");
        let got: String = text.chars().skip(start).take(end - start).collect();
        assert_eq!(
            got,
            m["text"].as_str().unwrap(),
            "offsets of {m} in {:?}",
            a["id"]
        );
    };
    let nested = |field: &str| {
        let mut n = 0;
        for item in a[field].as_array().unwrap() {
            for m in item["mentions"].as_array().unwrap() {
                check(m);
                n += 1;
            }
        }
        n
    };
    let single = |field: &str| {
        let items = a[field].as_array().unwrap();
        items.iter().for_each(|item| check(&item["mention"]));
        items.len()
    };
    nested("hosts");
    single("klb_evidence");
    [
        nested("diseases"),
        nested("locations"),
        single("counts"),
        single("dates"),
    ]
}

#[test]
fn with_text_mention_offsets_are_character_offsets_into_clean_text() {
    // Multi-byte characters before and between the mentions make byte and character
    // offsets differ: curly quotes, dashes, accents, an emoji.
    let title = "Wabah “DBD” — Ponorogo 🦟 darurat";
    let body = format!("Café, résumé – naïve. {DBD_BODY}");
    let mut articles = vec![
        article("dbd", title, &body, "2025-02-04"),
        article("difteri", DIFTERI_TITLE, DIFTERI_BODY, "2024-11-12"),
    ];
    // And without a title, so the body starts at offset 0.
    articles
        .push(serde_json::json!({"id": "tanpa-judul", "text": body, "published": "2025-02-04"}));
    let dir = scratch("offsets");
    let path = write(&dir, "a.jsonl", jsonl(&articles));
    let run = analyze(&["--with-text", path_arg(&path)], None);
    assert_eq!(run.lines.len(), 3);
    for a in &run.lines {
        let [diseases, locations, counts, dates] = check_mentions(a);
        // The check must have had something to check in each category.
        assert!(
            diseases > 0 && locations > 0 && counts > 0 && dates > 0,
            "{a}"
        );
    }
    let dbd = run.by_id("dbd");
    let text = dbd["clean_text"].as_str().unwrap();
    assert!(text.starts_with(title), "title comes first: {text}");
    // Without --with-text there is no clean_text.
    let run = analyze(&[path_arg(&path)], None);
    assert!(run.lines.iter().all(|a| a.get("clean_text").is_none()));
}

#[test]
fn published_option_applies_only_to_inputs_without_a_date() {
    let dir = scratch("published");
    let body = "Dua warga Kabupaten Garut meninggal karena difteri kemarin.";
    let path = write(
        &dir,
        "a.jsonl",
        jsonl(&[
            serde_json::json!({"id": "tanpa-tanggal", "text": body}),
            serde_json::json!({"id": "bertanggal", "text": body, "published": "2024-06-15T08:30:00+07:00"}),
        ]),
    );
    let run = analyze(&["--published", "2025-03-05", path_arg(&path)], None);
    let undated = run.by_id("tanpa-tanggal");
    assert_eq!(undated["published"], "2025-03-05");
    let dates = |a: &Value| -> Vec<String> {
        a["dates"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["date"].as_str().unwrap().to_string())
            .collect()
    };
    // "kemarin" is the day before publication.
    assert!(
        dates(undated).contains(&"2025-03-04".to_string()),
        "{undated}"
    );
    let dated = run.by_id("bertanggal");
    assert_eq!(dated["published"], "2024-06-15");
    assert!(dates(dated).contains(&"2024-06-14".to_string()), "{dated}");

    // Without the option the undated article has no publication date.
    let run = analyze(&[path_arg(&path)], None);
    assert!(run.by_id("tanpa-tanggal")["published"].is_null());
}

#[test]
fn published_option_rejects_a_malformed_date_clearly() {
    let out = Command::new(env!("CARGO_BIN_EXE_waspada"))
        .args(["analyze", "--json", "--published", "5/3/2025", "-"])
        .stdin(Stdio::null())
        .output()
        .expect("run waspada");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(stderr.contains("YYYY-MM-DD"), "{stderr}");
    assert!(out.stdout.is_empty());
}

#[test]
fn lang_option_forces_the_language() {
    let a = article("dbd", DBD_TITLE, DBD_BODY, "2025-02-04");
    assert_eq!(analyze_one(a.clone(), &[])["language"], "id");
    assert_eq!(analyze_one(a.clone(), &["--lang", "en"])["language"], "en");
    assert_eq!(analyze_one(a, &["--lang", "ms"])["language"], "ms");
    // English text detected as English.
    let en = serde_json::json!({"id": "en", "text": "The Ministry of Health reported 12 new cholera cases \
        and two deaths in the northern district this week, and declared an outbreak."});
    assert_eq!(analyze_one(en, &[])["language"], "en");
}

// ---------------------------------------------------------------------------------
// Verdicts on articles written for these tests

#[test]
fn dengue_outbreak_in_ponorogo_filed_from_surabaya() {
    let a = analyze_one(article("dbd", DBD_TITLE, DBD_BODY, "2025-02-04"), &[]);
    assert_eq!(a["relevance"]["is_outbreak_report"], true, "{a}");
    assert!(!a["relevance"]["reasons"].as_array().unwrap().is_empty());
    let diseases = primary(&a, "diseases");
    assert!(
        diseases
            .iter()
            .any(|d| d["id"] == "dengue" && d["icd10"] == "A97"),
        "{a}"
    );
    let places = primary(&a, "locations");
    assert!(
        places.iter().any(|l| l["regency_code"] == "35.02"
            && l["province_code"] == "35"
            && l["country"] == "IDN"),
        "Kabupaten Ponorogo (35.02) is where it happens: {a}"
    );
    // The dateline city (Kota Surabaya, 35.78) is where the reporter sits.
    assert!(!places.iter().any(|l| l["regency_code"] == "35.78"), "{a}");
    assert!(count_values(&a, "cases").contains(&1234), "{a}");
    assert!(count_values(&a, "deaths").contains(&3), "{a}");
    assert!(count_values(&a, "hospitalized").contains(&87), "{a}");
    assert_eq!(a["klb_declared"], true);
    assert!(
        a["dates"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["date"] == "2025-02-03"),
        "{a}"
    );
}

#[test]
fn diphtheria_outbreak_in_garut_filed_from_jakarta() {
    let a = analyze_one(
        article("difteri", DIFTERI_TITLE, DIFTERI_BODY, "2024-11-12"),
        &[],
    );
    assert_eq!(a["relevance"]["is_outbreak_report"], true, "{a}");
    let diseases = primary(&a, "diseases");
    assert!(
        diseases
            .iter()
            .any(|d| d["id"] == "diphtheria" && d["icd10"] == "A36"),
        "{a}"
    );
    let places = primary(&a, "locations");
    assert!(
        places.iter().any(|l| l["regency_code"] == "32.05"),
        "Kabupaten Garut: {a}"
    );
    // The Cikajang district resolves up to Garut, never to another regency.
    assert!(
        places
            .iter()
            .all(|l| l["regency_code"].is_null() || l["regency_code"] == "32.05"),
        "{a}"
    );
    assert!(
        !places.iter().any(|l| l["province_code"] == "31"),
        "JAKARTA is the dateline: {a}"
    );
    assert!(count_values(&a, "deaths").contains(&2), "{a}");
    assert!(count_values(&a, "suspected").contains(&14), "{a}");
    assert_eq!(a["klb_declared"], true);
}

#[test]
fn kongres_luar_biasa_is_not_an_outbreak() {
    let a = analyze_one(
        article("kongres", KONGRES_TITLE, KONGRES_BODY, "2025-03-10"),
        &[],
    );
    assert_eq!(a["relevance"]["is_outbreak_report"], false, "{a}");
    assert_eq!(a["klb_declared"], false, "{a}");
    assert!(primary(&a, "diseases").is_empty(), "{a}");
    assert!(a["counts"].as_array().unwrap().is_empty(), "{a}");
    // Every KLB here is read as the congress, not an outbreak status.
    for k in a["klb_evidence"].as_array().unwrap() {
        assert_ne!(k["reading"], "declared", "{k}");
    }
}

#[test]
fn economy_story_mentioning_the_pandemic_is_not_an_outbreak() {
    let a = analyze_one(article("kopi", KOPI_TITLE, KOPI_BODY, "2025-05-20"), &[]);
    assert_eq!(a["relevance"]["is_outbreak_report"], false, "{a}");
    assert_eq!(a["klb_declared"], false);
    assert!(
        a["counts"].as_array().unwrap().is_empty(),
        "12 persen is not a count: {a}"
    );
    // The pandemic is found...
    assert!(has_disease(&a, "icd10", "U07"), "{a}");
}

#[test]
fn passing_pandemic_mention_is_not_primary() {
    let a = analyze_one(article("kopi", KOPI_TITLE, KOPI_BODY, "2025-05-20"), &[]);
    assert!(primary(&a, "diseases").is_empty(), "{a}");
}

// ---------------------------------------------------------------------------------
// The shared seed article (read in place, never copied)

#[test]
fn seed_article_when_present() {
    let seed = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/eval/seed.jsonl");
    if !seed.exists() {
        eprintln!("SKIPPED: {} not found", seed.display());
        return;
    }
    let run = analyze(&["--with-text", path_arg(&seed)], None);
    assert_eq!(run.lines.len(), 1);
    let a = &run.lines[0];
    assert!(a.get("error").is_none(), "{a}");
    assert_eq!(a["language"], "id");
    assert_eq!(
        a["relevance"]["is_outbreak_report"], false,
        "{}",
        a["relevance"]
    );
    assert!(has_disease(a, "icd10", "U07"), "{}", a["diseases"]);
    let locations = a["locations"].as_array().unwrap();
    for country in ["IDN", "RUS", "MMR"] {
        assert!(
            locations.iter().any(|l| l["country"] == country),
            "{country}: {}",
            a["locations"]
        );
    }
    assert!(
        locations.iter().any(|l| l["province_code"] == "31"),
        "{}",
        a["locations"]
    );
    let text = a["clean_text"].as_str().unwrap();
    assert!(!text.to_uppercase().contains("BACA JUGA"), "{text}");
    check_mentions(a);
}

/// Two runs give the same output: no hash-map order may leak into the result (each
/// process seeds its hash maps differently, so ties must be broken explicitly).
#[test]
fn output_is_the_same_on_every_run() {
    let dir = scratch("determinism");
    // Liberia (through Monrovia) and Belgium are named equally often: a tie.
    let text = "As of 1 September, WHO has received reports of 661 cases of cholera in \
                Montserado County. The Ministry of Health met with WHO, UNICEF and a team \
                from Belgium in Monrovia.";
    // "Kota Padang" is the city and also a kecamatan in Rejang Lebong (Bengkulu): two
    // variants of one name.
    let padang = "PADANG - Dinas Kesehatan Kota Padang mencatat 40 kasus demam berdarah di \
                  Kecamatan Padang Barat. Wali Kota Padang meminta warga menguras bak mandi.";
    let mut lines = String::new();
    for i in 0..3 {
        for t in [text, padang] {
            lines.push_str(&serde_json::json!({"id": format!("d{i}"), "text": t}).to_string());
            lines.push('\n');
        }
    }
    let file = write(&dir, "same.jsonl", lines);
    let first = analyze(&[path_arg(&file)], None);
    for _ in 0..8 {
        let again = analyze(&[path_arg(&file)], None);
        assert_eq!(first.stdout, again.stdout);
    }
}
