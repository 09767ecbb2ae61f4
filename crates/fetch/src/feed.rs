//! Feeds (RSS 0.9x/1.0/2.0, Atom, JSON Feed) to a flat list of items, over feed-rs.

use serde::{Deserialize, Serialize};
use url::Url;

/// One feed entry, reduced to what the ingest pipeline needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedItem {
    /// The entry's id or guid; feed-rs derives a stable one when the feed gives none.
    pub id: String,
    /// The article link, made absolute against the feed's URL.
    pub link: Option<String>,
    /// Title as plain text.
    pub title: Option<String>,
    /// Summary / description as plain text (HTML tags stripped).
    pub summary: Option<String>,
    /// Full content as plain text, when the feed carries it.
    pub content: Option<String>,
    /// Publication time, RFC 3339 in UTC.
    pub published: Option<String>,
    /// Last update time, RFC 3339 in UTC.
    pub updated: Option<String>,
}

/// Why a feed could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FeedError {
    /// The bytes are not a feed in any format we know (or are broken XML/JSON).
    #[error("not a readable RSS, Atom or JSON feed: {reason}")]
    Malformed {
        /// The parser's explanation.
        reason: String,
    },
    /// The parser crashed on this input (a bug in the parser, contained here).
    #[error("the feed parser failed on this input; the feed was skipped")]
    ParserCrashed,
}

/// Parses a feed from raw bytes (XML feeds may declare their own encoding, so pass
/// the bytes as received, not re-decoded text). Relative links are resolved against
/// `base_url` (normally the feed's final URL). Never panics.
pub fn parse_feed(
    data: impl AsRef<[u8]>,
    base_url: Option<&str>,
) -> Result<Vec<FeedItem>, FeedError> {
    let data = data.as_ref();
    // feed-rs has no known panics, but one malformed feed must not take down the
    // polling loop: contain any that remain.
    std::panic::catch_unwind(|| parse_feed_inner(data, base_url))
        .unwrap_or(Err(FeedError::ParserCrashed))
}

/// Fuzzing entry point: parses `data` without containing panics, so that a fuzzer sees
/// them, and runs [`crate::canonical_url`] on every link it finds.
pub fn fuzz_parse_feed(data: &[u8]) {
    if let Ok(items) = parse_feed_inner(data, Some("https://fuzz.example/feed/")) {
        for item in items {
            if let Some(link) = item.link {
                let c = crate::canonical_url(&link);
                assert_eq!(crate::canonical_url(&c), c);
            }
        }
    }
}

fn parse_feed_inner(data: &[u8], base_url: Option<&str>) -> Result<Vec<FeedItem>, FeedError> {
    let parser = feed_rs::parser::Builder::new().base_uri(base_url).build();
    let feed = parser.parse(data).map_err(|e| FeedError::Malformed {
        reason: e.to_string(),
    })?;
    let base = base_url.and_then(|b| Url::parse(b).ok());
    Ok(feed
        .entries
        .into_iter()
        .map(|e| {
            let link = pick_link(&e.links).map(|href| absolutise(href, base.as_ref()));
            FeedItem {
                id: e.id,
                link,
                title: e
                    .title
                    .map(|t| html_to_text(&t.content))
                    .filter(|s| !s.is_empty()),
                summary: e
                    .summary
                    .map(|t| html_to_text(&t.content))
                    .filter(|s| !s.is_empty()),
                content: e
                    .content
                    .and_then(|c| c.body)
                    .map(|b| html_to_text(&b))
                    .filter(|s| !s.is_empty()),
                published: e.published.map(|d| d.to_rfc3339()),
                updated: e.updated.map(|d| d.to_rfc3339()),
            }
        })
        .collect())
}

/// The article link: `rel="alternate"` (or no rel) first, else the first link.
fn pick_link(links: &[feed_rs::model::Link]) -> Option<&str> {
    links
        .iter()
        .find(|l| l.rel.as_deref().is_none_or(|r| r == "alternate"))
        .or(links.first())
        .map(|l| l.href.trim())
        .filter(|h| !h.is_empty())
}

fn absolutise(href: &str, base: Option<&Url>) -> String {
    match (Url::parse(href), base) {
        (Ok(u), _) => u.to_string(),
        (Err(_), Some(b)) => b
            .join(href)
            .map_or_else(|_| href.to_owned(), |u| u.to_string()),
        (Err(_), None) => href.to_owned(),
    }
}

/// Strips HTML to plain text, simply: tags removed (block tags become line breaks),
/// `script`/`style` content dropped, common entities decoded, spaces collapsed. Feed
/// summaries are short snippets; full pages go through `waspada_ingest::html`.
pub fn html_to_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        out.push_str(&decode_entities(&rest[..lt]));
        let after = &rest[lt + 1..];
        let Some(gt) = after.find('>') else {
            // A lone '<' is text.
            out.push('<');
            rest = after;
            continue;
        };
        let tag = after[..gt].trim_start_matches('/').to_ascii_lowercase();
        let name: String = tag
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        rest = &after[gt + 1..];
        if name == "script" || name == "style" {
            let close = format!("</{name}");
            let lower = rest.to_ascii_lowercase();
            rest = match lower.find(&close) {
                Some(i) => rest[i..].find('>').map_or("", |j| &rest[i + j + 1..]),
                None => "",
            };
            continue;
        }
        if matches!(
            name.as_str(),
            "p" | "br"
                | "div"
                | "li"
                | "ul"
                | "ol"
                | "h1"
                | "h2"
                | "h3"
                | "h4"
                | "h5"
                | "h6"
                | "tr"
                | "blockquote"
        ) {
            out.push('\n');
        } else {
            out.push(' ');
        }
    }
    out.push_str(&decode_entities(rest));
    out.lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        let end = after.find(';').filter(|&i| i <= 10);
        let decoded = end.and_then(|i| {
            let name = &after[..i];
            let ch = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some(' '),
                "eacute" => Some('é'),
                "hellip" => Some('…'),
                "ndash" => Some('–'),
                "mdash" => Some('—'),
                "rsquo" => Some('’'),
                "lsquo" => Some('‘'),
                "ldquo" => Some('“'),
                "rdquo" => Some('”'),
                _ => {
                    let num = name.strip_prefix('#')?;
                    let code = match num.strip_prefix(['x', 'X']) {
                        Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                        None => num.parse().ok()?,
                    };
                    char::from_u32(code)
                }
            }?;
            Some((ch, i))
        });
        match decoded {
            Some((ch, i)) => {
                out.push(ch);
                rest = &after[i + 1..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_html() {
        assert_eq!(
            html_to_text(
                "<p>Kasus <b>DBD</b> naik &amp; 3&nbsp;warga</p><script>x()</script><p>Dinkes &#233;</p>"
            ),
            "Kasus DBD naik & 3 warga\nDinkes é"
        );
        assert_eq!(html_to_text("a < b && c"), "a < b && c");
        assert_eq!(html_to_text("<style>p{}</style"), "");
    }
}
