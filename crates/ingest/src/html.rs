//! Main text and metadata of an HTML news page, and decoding of page bytes.
//!
//! [`extract_page`] runs in four steps:
//! 1. refuse pages over the size or element bounds ([`HtmlOptions`]), so time and memory
//!    per page stay bounded;
//! 2. read the publication time from the places dom_smoothie does not look at (`pubdate`,
//!    `og:published_time`, `itemprop=datePublished`, `<time pubdate>`, nested JSON-LD);
//! 3. pre-clean: drop scripts (JSON-LD kept), styles, iframes, navigation, forms, and the
//!    "Baca juga" / "ADVERTISEMENT" blocks that Readability keeps because they sit inside
//!    the article body;
//! 4. let dom_smoothie pick the main content, as formatted text (paragraphs separated by a
//!    blank line). When it finds no article, the cleaned body text is used instead.

use dom_query::{Document, Selection};
use dom_smoothie::{Config, Readability, TextMode};
use serde_json::Value;

/// Default largest page accepted: 5 MB. News pages are 50-500 kB; bigger ones are
/// generated listings or attacks.
pub const DEFAULT_MAX_BYTES: usize = 5 * 1024 * 1024;

/// Default largest number of tags accepted (counted as `<` characters, an upper bound).
pub const DEFAULT_MAX_TAGS: usize = 150_000;

/// Bounds on what [`extract_page_with`] accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HtmlOptions {
    /// Largest input in bytes.
    pub max_bytes: usize,
    /// Largest number of `<` characters, an upper bound on the number of tags. It bounds
    /// nesting depth too, which keeps tree walks cheap and the stack small.
    pub max_tags: usize,
}

impl Default for HtmlOptions {
    fn default() -> Self {
        HtmlOptions {
            max_bytes: DEFAULT_MAX_BYTES,
            max_tags: DEFAULT_MAX_TAGS,
        }
    }
}

/// Why a page was not extracted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HtmlError {
    /// The page is larger than [`HtmlOptions::max_bytes`].
    #[error(
        "page is {size} bytes, over the {limit}-byte limit; it is probably not a news article \
         (raise the limit if it is)"
    )]
    TooLarge {
        /// Size of the input in bytes.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// The page has more tags than [`HtmlOptions::max_tags`].
    #[error(
        "page has up to {tags} tags, over the limit of {limit}; it is probably not a news \
         article (raise the limit if it is)"
    )]
    TooManyTags {
        /// Number of `<` characters found.
        tags: usize,
        /// The limit.
        limit: usize,
    },
}

/// What was read from one page.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Page {
    /// Headline: JSON-LD `headline`, `og:title`, or the cleaned `<title>`.
    pub title: Option<String>,
    /// Main text; paragraphs are separated by a blank line (`\n\n`). May be empty.
    pub text: String,
    /// Publication time exactly as the page gives it (ISO date or datetime, usually).
    pub published: Option<String>,
    /// Language from `<html lang>` or `og:locale` (as written, e.g. `id`, `id-ID`).
    pub lang: Option<String>,
    /// Site name (`og:site_name` or JSON-LD publisher).
    pub site_name: Option<String>,
    /// Author line, when the page names one.
    pub byline: Option<String>,
}

/// Extracts the main text and metadata of a page with the default bounds.
///
/// `url` is the page's address; it is only used to resolve relative links, and ignored if
/// it is not an absolute http(s) URL. Never panics on malformed HTML.
pub fn extract_page(html: &str, url: Option<&str>) -> Result<Page, HtmlError> {
    extract_page_with(html, url, &HtmlOptions::default())
}

/// Extracts the main text and metadata of a page with the given bounds.
pub fn extract_page_with(
    html: &str,
    url: Option<&str>,
    options: &HtmlOptions,
) -> Result<Page, HtmlError> {
    if html.len() > options.max_bytes {
        return Err(HtmlError::TooLarge {
            size: html.len(),
            limit: options.max_bytes,
        });
    }
    let tags = memchr_count(html.as_bytes(), b'<');
    if tags > options.max_tags {
        return Err(HtmlError::TooManyTags {
            tags,
            limit: options.max_tags,
        });
    }
    let url = url.filter(|u| u.starts_with("http://") || u.starts_with("https://"));

    let doc = Document::from(html);
    let extra = ExtraMeta::read(&doc);
    pre_clean(&doc);

    let config = Config {
        text_mode: TextMode::Formatted,
        ..Config::default()
    };
    let parsed = Readability::with_document(doc, url, Some(config))
        .ok()
        .and_then(|mut r| r.parse().ok());

    let mut page = Page::default();
    let mut text = String::new();
    if let Some(article) = parsed {
        page.title = non_empty(article.title);
        page.byline = article.byline.and_then(non_empty);
        page.site_name = article.site_name.and_then(non_empty);
        page.published = article.published_time.and_then(non_empty);
        page.lang = article.lang.and_then(non_empty);
        text = article.text_content.to_string();
    }
    if text.trim().is_empty() {
        // No article found: fall back to the cleaned body, which is better than nothing for
        // short pages (press releases, one-paragraph alerts).
        let doc = Document::from(html);
        pre_clean(&doc);
        text = doc.select("body").formatted_text().to_string();
        if page.title.is_none() {
            page.title = non_empty(doc.select("title").text().to_string());
        }
    }
    page.text = tidy_text(&text);
    page.published = page.published.or(extra.published);
    page.lang = page.lang.or(extra.locale);
    page.site_name = page.site_name.or(extra.site_name);
    Ok(page)
}

/// [`extract_page_with`], with a site's own CSS rule for the article body.
///
/// A configured rule knows the site better than any heuristic, so when `selector` matches
/// elements with text, their text (after the same pre-cleaning) is the article body; the
/// metadata still comes from the automatic pass. When it matches nothing (the site was
/// redesigned) the automatic extraction stands, so a stale rule degrades, never blanks.
/// A selector that does not parse is treated as matching nothing.
pub fn extract_page_with_selector(
    html: &str,
    url: Option<&str>,
    options: &HtmlOptions,
    selector: &str,
) -> Result<Page, HtmlError> {
    let mut page = extract_page_with(html, url, options)?;
    let doc = Document::from(html);
    pre_clean(&doc);
    if let Some(found) = doc.try_select(selector) {
        let text = tidy_text(&found.formatted_text());
        if !text.trim().is_empty() {
            page.text = text;
        }
    }
    Ok(page)
}

fn memchr_count(bytes: &[u8], needle: u8) -> usize {
    bytes.iter().filter(|&&b| b == needle).count()
}

fn non_empty(s: String) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_owned())
}

/// Metadata that dom_smoothie does not read, taken before the document is cleaned.
#[derive(Debug, Default)]
struct ExtraMeta {
    published: Option<String>,
    locale: Option<String>,
    site_name: Option<String>,
}

/// `<meta>` names and properties (lower-case) that carry the publication time, in order of
/// trust. dom_smoothie already reads `article:published_time` and top-level JSON-LD.
const PUBLISHED_KEYS: &[&str] = &[
    "article:published_time",
    "og:published_time",
    "og:article:published_time",
    "article:published",
    "datepublished",
    "pubdate",
    "publishdate",
    "publish-date",
    "publish_date",
    "published_time",
    "published-date",
    "content_publishedtime",
    "dc.date.issued",
    "dc.date",
    "dcterms.issued",
    "dcterms.created",
    "sailthru.date",
    "parsely-pub-date",
    "date",
];

impl ExtraMeta {
    fn read(doc: &Document) -> ExtraMeta {
        let mut found: Vec<(usize, String)> = Vec::new();
        let mut locale = None;
        let mut site_name = None;
        for node in doc.select("meta").nodes() {
            let Some(content) = node.attr("content").map(|c| c.trim().to_owned()) else {
                continue;
            };
            if content.is_empty() {
                continue;
            }
            for attr in ["property", "name", "itemprop", "http-equiv"] {
                let Some(key) = node.attr(attr) else { continue };
                let key = key.trim().to_ascii_lowercase();
                if let Some(rank) = PUBLISHED_KEYS.iter().position(|k| *k == key) {
                    found.push((rank, content.clone()));
                } else if key == "og:locale" || key == "content-language" {
                    locale.get_or_insert_with(|| content.replace('_', "-"));
                } else if key == "og:site_name" {
                    site_name.get_or_insert_with(|| content.clone());
                }
            }
        }
        found.sort_by_key(|(rank, _)| *rank);
        let mut published = found.into_iter().next().map(|(_, c)| c);
        if published.is_none() {
            published = doc
                .select("script[type='application/ld+json']")
                .nodes()
                .iter()
                .find_map(|n| {
                    let v: Value = serde_json::from_str(&n.text()).ok()?;
                    find_json_key(&v, "datePublished", 0)
                });
        }
        if published.is_none() {
            published = doc
                .select("time[pubdate], time[itemprop='datePublished']")
                .nodes()
                .iter()
                .find_map(|n| {
                    n.attr("datetime")
                        .map(|d| d.to_string())
                        .and_then(non_empty)
                });
        }
        ExtraMeta {
            published,
            locale,
            site_name,
        }
    }
}

/// Finds a string under `key` anywhere in a JSON-LD value (`@graph`, nested objects).
fn find_json_key(v: &Value, key: &str, depth: usize) -> Option<String> {
    // JSON-LD is shallow; the bound keeps hostile nesting harmless.
    if depth > 16 {
        return None;
    }
    match v {
        Value::Object(map) => {
            if let Some(Value::String(s)) = map.get(key) {
                return non_empty(s.clone());
            }
            map.values().find_map(|x| find_json_key(x, key, depth + 1))
        }
        Value::Array(items) => items.iter().find_map(|x| find_json_key(x, key, depth + 1)),
        _ => None,
    }
}

/// Elements that never hold article text. JSON-LD scripts stay: dom_smoothie reads them.
const DROP_SELECTOR: &str = "script:not([type='application/ld+json']), style, noscript, \
    iframe, object, embed, nav, form, button, select, textarea, svg, canvas, template, \
    [role='navigation'], [aria-hidden='true']";

/// Whole-element labels that portals put between paragraphs.
const LABELS: &[&str] = &[
    "advertisement",
    "scroll to continue with content",
    "iklan",
    "adsbygoogle",
    "loading...",
];

/// Openings of link blocks inside the article body ("Baca juga: <a>...</a>").
const LINK_BLOCK_OPENINGS: &[&str] = &[
    "baca juga",
    "baca pula",
    "lihat juga",
    "simak juga",
    "baca selengkapnya",
    "read also",
    "read more",
    "also read",
    "related:",
];

fn pre_clean(doc: &Document) {
    doc.select(DROP_SELECTOR).remove();
    // Paragraph-like blocks that are only a cross-link. `p` cannot nest in `p`, so reading
    // their text costs one pass over the document.
    for node in doc.select("p, li, h2, h3, h4, h5, h6").nodes() {
        let text = node.text();
        let t = text.trim();
        if t.len() < 400
            && starts_with_any(t, LINK_BLOCK_OPENINGS)
            && Selection::from(*node).select("a").exists()
        {
            node.remove_from_parent();
        }
    }
    // Any element whose only content is an advertisement label or a "Baca juga" line.
    for node in doc.select("body *").nodes() {
        if !node.has_only_text() {
            continue;
        }
        let text = node.text();
        let t = text.trim();
        if t.len() < 200 && (is_label(t) || starts_with_any(t, LINK_BLOCK_OPENINGS)) {
            node.remove_from_parent();
        }
    }
}

fn starts_with_any(text: &str, openings: &[&str]) -> bool {
    openings.iter().any(|o| {
        text.get(..o.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(o))
    })
}

fn is_label(text: &str) -> bool {
    LABELS.iter().any(|l| text.eq_ignore_ascii_case(l))
}

/// Trims every line, drops label lines, and leaves exactly one blank line between
/// paragraphs.
fn tidy_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank = false;
    for line in text.lines() {
        let line = line.split_whitespace().collect::<Vec<_>>().join(" ");
        if line.is_empty() || is_label(&line) {
            blank = true;
            continue;
        }
        if !out.is_empty() {
            out.push_str(if blank { "\n\n" } else { "\n" });
        }
        out.push_str(&line);
        blank = false;
    }
    out
}

/// Decodes page bytes of unknown encoding to text.
///
/// In order: a byte-order mark (UTF-8, UTF-16) decides; valid UTF-8 is taken as UTF-8;
/// otherwise the declared charset (an HTTP `Content-Type` charset, say), then the page's
/// own `<meta charset>` / `<meta http-equiv="Content-Type">` in its first 4 kB; otherwise
/// windows-1252, the WHATWG default for unlabelled Western pages (it also covers
/// ISO-8859-1). A label that says UTF-8 on bytes that are not UTF-8 is taken as damaged
/// UTF-8, decoded with replacement characters. Never fails.
pub fn decode_bytes(bytes: &[u8], declared_charset: Option<&str>) -> String {
    if let Some((encoding, bom_len)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, _) = encoding.decode_without_bom_handling(&bytes[bom_len..]);
        return text.into_owned();
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return text.to_owned();
    }
    let label = declared_charset
        .and_then(|l| encoding_rs::Encoding::for_label(l.trim().as_bytes()))
        .or_else(|| {
            meta_charset(&bytes[..bytes.len().min(4096)])
                .and_then(|l| encoding_rs::Encoding::for_label(l.as_bytes()))
        });
    let encoding = match label {
        // Per WHATWG, a page cannot declare UTF-16 in ASCII-compatible markup.
        Some(e) if e == encoding_rs::UTF_16LE || e == encoding_rs::UTF_16BE => encoding_rs::UTF_8,
        Some(e) => e,
        None => encoding_rs::WINDOWS_1252,
    };
    let (text, _) = encoding.decode_without_bom_handling(bytes);
    text.into_owned()
}

/// The charset named by `<meta charset=...>` or `<meta ... content="...; charset=...">`.
fn meta_charset(head: &[u8]) -> Option<String> {
    // ASCII-only scan: every encoding a page may declare keeps ASCII bytes as ASCII.
    let lower: Vec<u8> = head.iter().map(u8::to_ascii_lowercase).collect();
    let mut from = 0;
    while let Some(pos) = find(&lower[from..], b"<meta") {
        let start = from + pos;
        let end = lower[start..]
            .iter()
            .position(|&b| b == b'>')
            .map_or(lower.len(), |e| start + e);
        let tag = &lower[start..end];
        if let Some(c) = find(tag, b"charset") {
            let rest = &tag[c + b"charset".len()..];
            let rest = rest.trim_ascii_start();
            if let Some(rest) = rest.strip_prefix(b"=") {
                let rest = rest.trim_ascii_start();
                let rest = rest
                    .strip_prefix(b"\"")
                    .or(rest.strip_prefix(b"'"))
                    .unwrap_or(rest);
                let value: Vec<u8> = rest
                    .iter()
                    .copied()
                    .take_while(|b| b.is_ascii_alphanumeric() || b"-_:.".contains(b))
                    .collect();
                if !value.is_empty() {
                    return String::from_utf8(value).ok();
                }
            }
        }
        from = end.max(start + 1);
        if from >= lower.len() {
            break;
        }
    }
    None
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_site_rule_picks_the_body_and_a_stale_rule_falls_back() {
        let html = "<html><head><title>Wabah campak di Kota Bekasi</title></head><body>\
            <div class=\"teaser\"><p>Berita lain: harga cabai naik di pasar induk.</p></div>\
            <div class=\"isi\"><p>Dinas Kesehatan Kota Bekasi mencatat empat puluh kasus \
            campak pada anak sekolah dasar dalam dua pekan terakhir.</p>\
            <p>Petugas menggelar imunisasi kejar di tiga kecamatan.</p></div></body></html>";
        let opts = HtmlOptions::default();
        let page = extract_page_with_selector(html, None, &opts, ".isi").unwrap();
        assert!(page.text.contains("empat puluh kasus"), "{}", page.text);
        assert!(!page.text.contains("harga cabai"), "{}", page.text);
        assert!(
            page.text.contains("\n\n"),
            "paragraphs stay apart: {:?}",
            page.text
        );
        let stale = extract_page_with_selector(html, None, &opts, ".article-body").unwrap();
        assert!(stale.text.contains("empat puluh kasus"));
        let broken = extract_page_with_selector(html, None, &opts, "div[[[").unwrap();
        assert!(broken.text.contains("empat puluh kasus"));
    }

    #[test]
    fn size_bounds_are_errors_not_hangs() {
        let opts = HtmlOptions {
            max_bytes: 100,
            max_tags: 10,
        };
        let big = "a".repeat(101);
        assert_eq!(
            extract_page_with(&big, None, &opts),
            Err(HtmlError::TooLarge {
                size: 101,
                limit: 100
            })
        );
        let soup = "<b>".repeat(11);
        assert!(matches!(
            extract_page_with(&soup, None, &opts),
            Err(HtmlError::TooManyTags { tags: 11, .. })
        ));
        let msg = HtmlError::TooLarge { size: 9, limit: 1 }.to_string();
        assert!(msg.contains("limit"), "{msg}");
    }

    #[test]
    fn tidy_text_keeps_one_blank_line_between_paragraphs() {
        let t = tidy_text("  Satu  dua \n\n\n\nADVERTISEMENT\n\n Tiga\nempat \n");
        assert_eq!(t, "Satu dua\n\nTiga\nempat");
    }

    #[test]
    fn meta_charset_forms() {
        assert_eq!(
            meta_charset(b"<meta charset=\"ISO-8859-1\">").as_deref(),
            Some("iso-8859-1")
        );
        assert_eq!(
            meta_charset(
                b"<META http-equiv=Content-Type content='text/html; charset=windows-1252'>"
            )
            .as_deref(),
            Some("windows-1252")
        );
        assert_eq!(meta_charset(b"<meta name=x>"), None);
    }

    #[test]
    fn decode_prefers_bom_then_utf8_then_labels_then_cp1252() {
        assert_eq!(decode_bytes(b"\xEF\xBB\xBFhai", None), "hai");
        assert_eq!(decode_bytes(b"\xFF\xFEh\0i\0", None), "hi");
        assert_eq!(
            decode_bytes("Dinas Kesehatan – ok".as_bytes(), Some("latin1")),
            "Dinas Kesehatan – ok"
        );
        // 0x96 is an en dash in windows-1252, 0xE9 is é in both Latin encodings.
        assert_eq!(decode_bytes(b"caf\xE9 \x96 x", None), "café – x");
        let koi8 = b"<meta charset=koi8-r>\xF0\xD2\xC9";
        assert!(decode_bytes(koi8, None).ends_with("При"));
        // A declared charset wins over the page's own meta.
        assert!(decode_bytes(koi8, Some("windows-1252")).ends_with("ðÒÉ"));
        // Damaged UTF-8 with a UTF-8 label keeps the good characters.
        assert_eq!(decode_bytes(b"\xC3\xA9t\xFF", Some("utf-8")), "ét\u{FFFD}");
    }
}
