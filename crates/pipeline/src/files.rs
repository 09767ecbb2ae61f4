//! Reading articles from files, directories and standard input.
//!
//! Every failure becomes an [`InputItem::Failed`] naming the file (and line), so a
//! bad line never stops a run and never loses the lines around it. Files and lines
//! are read with size caps: an article larger than that is a scraping accident,
//! and a cap keeps memory bounded whatever arrives.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use waspada_extract::Article;

/// Largest file or JSONL line read; beyond it the input is reported, not read.
pub const MAX_ITEM_BYTES: usize = 64 * 1024 * 1024;

/// One article, or the reason one could not be read.
pub enum InputItem {
    /// An article ready for analysis.
    Article(Article),
    /// A line or file that could not be read.
    Failed {
        /// `file:line` or the file name.
        id: String,
        /// What went wrong, for the user.
        error: String,
    },
}

/// Reads every input in order: files, directories (their files in name order), `-`.
pub fn read_all(inputs: &[PathBuf]) -> impl Iterator<Item = InputItem> + '_ {
    inputs
        .iter()
        .flat_map(|p| expand(p))
        .flat_map(|p| read_source(&p))
}

/// How many items [`read_all`] will yield, when that can be known cheaply (for a progress
/// bar): JSON Lines files count their non-blank lines, other files one each. `None` when
/// standard input is among the inputs.
pub fn count_items(inputs: &[PathBuf]) -> Option<u64> {
    let mut total = 0u64;
    for path in inputs.iter().flat_map(|p| expand(p)) {
        if path.as_os_str() == "-" {
            return None;
        }
        if is_jsonl(&path) {
            let Ok(file) = File::open(&path) else {
                total += 1;
                continue;
            };
            let mut reader = BufReader::new(file);
            let mut line = Vec::new();
            while let Ok(n) = reader.read_until(b'\n', &mut line) {
                if n == 0 {
                    break;
                }
                if !line.iter().all(u8::is_ascii_whitespace) {
                    total += 1;
                }
                line.clear();
            }
        } else {
            total += 1;
        }
    }
    Some(total)
}

fn is_jsonl(path: &Path) -> bool {
    matches!(
        path.extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref(),
        Some("jsonl" | "ndjson" | "json")
    )
}

fn expand(path: &Path) -> Vec<PathBuf> {
    if path.as_os_str() == "-" || !path.is_dir() {
        return vec![path.to_path_buf()];
    }
    let mut files: Vec<PathBuf> = match std::fs::read_dir(path) {
        Ok(entries) => entries
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .filter(|p| p.is_file())
            .collect(),
        Err(_) => return vec![path.to_path_buf()], // reported when opened
    };
    files.sort();
    files
}

fn read_source(path: &Path) -> Box<dyn Iterator<Item = InputItem> + Send> {
    let name = path.display().to_string();
    if path.as_os_str() == "-" {
        let mut stdin = BufReader::new(std::io::stdin());
        // JSON Lines when it starts with an object; otherwise one plain-text article.
        let starts_with_object = stdin
            .fill_buf()
            .map(|b| b.iter().find(|c| !c.is_ascii_whitespace()) == Some(&b'{'));
        return match starts_with_object {
            Ok(true) => Box::new(JsonLines::new(Box::new(stdin), "stdin".into())),
            _ => Box::new(std::iter::once(read_plain(
                Box::new(stdin),
                "stdin",
                Kind::Text,
            ))),
        };
    }
    let file = match File::open(path) {
        Ok(f) => f,
        Err(e) => return failed(&file_id(&name), format!("cannot open {name}: {e}")),
    };
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    match ext.as_str() {
        "jsonl" | "ndjson" | "json" => {
            Box::new(JsonLines::new(Box::new(BufReader::new(file)), name))
        }
        "xml" | "rss" | "atom" => read_feed(file, &name),
        "html" | "htm" | "xhtml" => Box::new(std::iter::once(read_plain(
            Box::new(file),
            &name,
            Kind::Html,
        ))),
        _ => Box::new(std::iter::once(read_plain(
            Box::new(file),
            &name,
            Kind::Text,
        ))),
    }
}

fn failed(id: &str, error: String) -> Box<dyn Iterator<Item = InputItem> + Send> {
    Box::new(std::iter::once(InputItem::Failed {
        id: id.to_string(),
        error,
    }))
}

#[derive(Clone, Copy)]
enum Kind {
    Text,
    Html,
}

fn file_id(name: &str) -> String {
    Path::new(name)
        .file_name()
        .map_or(name.to_string(), |f| f.to_string_lossy().into_owned())
}

/// A saved RSS, Atom or JSON feed: one article per item, from the text the feed carries
/// (a file cannot fetch the pages; `waspada ingest URL` and `waspada run` do).
fn read_feed(file: File, name: &str) -> Box<dyn Iterator<Item = InputItem> + Send> {
    let id = file_id(name);
    let mut bytes = Vec::new();
    if let Err(e) = file.take(MAX_ITEM_BYTES as u64 + 1).read_to_end(&mut bytes) {
        return failed(&id, format!("cannot read: {e}"));
    }
    if bytes.len() > MAX_ITEM_BYTES {
        return failed(
            &id,
            format!("feed is larger than {} MB", MAX_ITEM_BYTES >> 20),
        );
    }
    match waspada_fetch::parse_feed(&bytes, None) {
        Err(e) => failed(&id, e.to_string()),
        Ok(items) => Box::new(items.into_iter().enumerate().map(move |(i, item)| {
            let text = item
                .content
                .clone()
                .or(item.summary.clone())
                .unwrap_or_default();
            if text.trim().is_empty() {
                return InputItem::Failed {
                    id: format!("{id}#{}", i + 1),
                    error: "feed item carries no text".into(),
                };
            }
            InputItem::Article(Article {
                id: item.id,
                title: item.title,
                text,
                published: item.published.or(item.updated),
                url: item.link,
                ..Default::default()
            })
        })),
    }
}

fn read_plain(reader: Box<dyn Read>, name: &str, kind: Kind) -> InputItem {
    let id = file_id(name);
    let mut bytes = Vec::new();
    if let Err(e) = reader
        .take(MAX_ITEM_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
    {
        return InputItem::Failed {
            id,
            error: format!("cannot read: {e}"),
        };
    }
    if bytes.len() > MAX_ITEM_BYTES {
        return InputItem::Failed {
            id,
            error: format!(
                "file is larger than {} MB; an article is never that long",
                MAX_ITEM_BYTES >> 20
            ),
        };
    }
    if looks_binary(&bytes) {
        return InputItem::Failed {
            id,
            error: "looks like a binary file, not text or HTML".into(),
        };
    }
    let text = waspada_ingest::html::decode_bytes(&bytes, None);
    match kind {
        Kind::Text => InputItem::Article(Article {
            id,
            text,
            ..Default::default()
        }),
        Kind::Html => match waspada_ingest::html::extract_page(&text, None) {
            Ok(page) => InputItem::Article(Article {
                id,
                title: page.title,
                text: page.text,
                published: page.published,
                lang: page.lang,
                source: page.site_name,
                ..Default::default()
            }),
            Err(e) => InputItem::Failed {
                id,
                error: format!("cannot extract the article from the HTML: {e}"),
            },
        },
    }
}

/// NUL bytes, or many control characters, in the first 8 kB.
fn looks_binary(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(8192)];
    let control = head
        .iter()
        .filter(|&&b| b < 0x09 || (b > 0x0d && b < 0x20))
        .count();
    head.contains(&0) || control * 20 > head.len().max(1)
}

/// JSON Lines reader with a per-line size cap and per-line errors.
struct JsonLines {
    reader: Box<dyn BufRead + Send>,
    name: String,
    line_no: usize,
}

impl JsonLines {
    fn new(reader: Box<dyn BufRead + Send>, name: String) -> Self {
        Self {
            reader,
            name,
            line_no: 0,
        }
    }

    /// Reads one line into `buf`; returns false at end of input. Past the cap the rest
    /// of the line is skipped and `buf` holds only the cap plus one byte.
    fn read_line(&mut self, buf: &mut Vec<u8>) -> std::io::Result<bool> {
        buf.clear();
        let mut any = false;
        loop {
            let chunk = self.reader.fill_buf()?;
            if chunk.is_empty() {
                return Ok(any);
            }
            any = true;
            let (take, done) = match chunk.iter().position(|&b| b == b'\n') {
                Some(i) => (i + 1, true),
                None => (chunk.len(), false),
            };
            let room = (MAX_ITEM_BYTES + 1).saturating_sub(buf.len());
            buf.extend_from_slice(&chunk[..take.min(room)]);
            self.reader.consume(take);
            if done {
                return Ok(true);
            }
        }
    }
}

impl Iterator for JsonLines {
    type Item = InputItem;

    fn next(&mut self) -> Option<InputItem> {
        let mut buf = Vec::new();
        loop {
            self.line_no += 1;
            let at = format!("{}:{}", file_id(&self.name), self.line_no);
            match self.read_line(&mut buf) {
                Ok(false) => return None,
                Err(e) => {
                    return Some(InputItem::Failed {
                        id: at,
                        error: format!("cannot read: {e}"),
                    });
                }
                Ok(true) => {}
            }
            if buf.iter().all(|b| b.is_ascii_whitespace()) {
                continue;
            }
            if buf.len() > MAX_ITEM_BYTES {
                let error = format!("line is longer than {} MB; skipped", MAX_ITEM_BYTES >> 20);
                return Some(InputItem::Failed { id: at, error });
            }
            return Some(article_from_json_line(&buf, at));
        }
    }
}

/// One article from one line of JSON Lines (UTF-8, one JSON object), or why it is not one;
/// see [`article_from_json`]. `at` names the line (`file:line`).
pub fn article_from_json_line(line: &[u8], at: String) -> InputItem {
    let text = match std::str::from_utf8(line) {
        Ok(t) => t,
        Err(e) => {
            let error = format!(
                "line is not valid UTF-8 (byte {}); re-encode the file as UTF-8",
                e.valid_up_to()
            );
            return InputItem::Failed { id: at, error };
        }
    };
    match serde_json::from_str(text) {
        Ok(value) => article_from_json(&value, at),
        Err(e) => InputItem::Failed {
            id: at,
            error: format!("line is not JSON: {e}"),
        },
    }
}

/// One article from a JSON value in the JSON Lines shape (`text` required; `id`, `title`,
/// `published`, `url`, `lang`, `source` or `outlet` optional; other fields ignored), or
/// why it is not one. `at` names the input when the value has no `id`.
pub fn article_from_json(value: &serde_json::Value, at: String) -> InputItem {
    let id = match value.get("id") {
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(serde_json::Value::Number(n)) => n.to_string(),
        _ => at.clone(),
    };
    if !value.is_object() {
        return InputItem::Failed {
            id,
            error: "the JSON value is not an object with a \"text\" field".into(),
        };
    }
    match value.get("text") {
        Some(serde_json::Value::String(_)) => {}
        Some(_) => {
            return InputItem::Failed {
                id,
                error: "field \"text\" must be a string".into(),
            };
        }
        None => {
            return InputItem::Failed {
                id,
                error: "missing required field \"text\"".into(),
            };
        }
    }
    let string = |key: &str| value.get(key).and_then(|v| v.as_str()).map(str::to_string);
    InputItem::Article(Article {
        text: string("text").unwrap_or_default(),
        title: string("title"),
        published: string("published"),
        url: string("url"),
        lang: string("lang"),
        source: string("source").or_else(|| string("outlet")),
        id,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_saved_feed_gives_one_article_per_item_and_a_broken_one_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let feed = dir.path().join("kabar.rss");
        std::fs::write(
            &feed,
            "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Kabar</title>\
             <item><title>Campak di Bekasi</title><link>https://kabar.example/campak</link>\
             <description>Dinas Kesehatan Kota Bekasi mencatat 40 kasus campak.</description>\
             <pubDate>Mon, 10 Mar 2025 01:00:00 GMT</pubDate></item>\
             <item><title>Kosong</title><link>https://kabar.example/kosong</link></item>\
             </channel></rss>",
        )
        .unwrap();
        let broken = dir.path().join("rusak.xml");
        std::fs::write(&broken, "<rss><channel><item>").unwrap();
        let got: Vec<InputItem> = read_all(&[feed, broken]).collect();
        assert_eq!(got.len(), 3);
        let InputItem::Article(a) = &got[0] else {
            panic!("an article")
        };
        assert_eq!(a.url.as_deref(), Some("https://kabar.example/campak"));
        assert!(a.text.contains("40 kasus campak"));
        assert!(a.published.as_deref().unwrap().starts_with("2025-03-10"));
        assert!(matches!(&got[1], InputItem::Failed { error, .. } if error.contains("no text")));
        assert!(matches!(&got[2], InputItem::Failed { error, .. } if error.contains("feed")));
    }

    fn items(data: &[u8]) -> Vec<InputItem> {
        JsonLines::new(
            Box::new(std::io::Cursor::new(data.to_vec())),
            "t.jsonl".into(),
        )
        .collect()
    }

    #[test]
    fn bad_lines_are_reported_and_good_ones_kept() {
        let data = b"{\"id\":\"a\",\"text\":\"satu\"}\nnot json\n\xff\xfe\n{\"id\":\"b\"}\n[1]\n{\"id\":7,\"text\":\"dua\",\"gold\":{}}\n";
        let got = items(data);
        assert_eq!(got.len(), 6);
        let summary: Vec<String> = got
            .iter()
            .map(|i| match i {
                InputItem::Article(a) => format!("ok {}", a.id),
                InputItem::Failed { id, error } => format!("err {id}: {error}"),
            })
            .collect();
        assert_eq!(summary[0], "ok a");
        assert!(
            summary[1].starts_with("err t.jsonl:2: line is not JSON"),
            "{}",
            summary[1]
        );
        assert!(summary[2].contains("not valid UTF-8"), "{}", summary[2]);
        assert!(
            summary[3].contains("missing required field \"text\""),
            "{}",
            summary[3]
        );
        assert!(summary[4].contains("not an object"), "{}", summary[4]);
        assert_eq!(summary[5], "ok 7");
    }

    #[test]
    fn binary_detection() {
        assert!(looks_binary(b"\x7fELF\x02\x01\x01\x00\x00\x00"));
        assert!(!looks_binary("Wabah difteri di Garut.\n".as_bytes()));
    }
}
