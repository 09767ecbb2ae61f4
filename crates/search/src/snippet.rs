//! Highlighted fragments of article bodies, for result lists.

use std::ops::Range;

/// Longest fragment [`crate::SearchIndex::snippet`] returns, in bytes (about two lines).
pub const SNIPPET_MAX_CHARS: usize = 200;

/// A fragment of an article body with the query words marked.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
pub struct Snippet {
    /// The fragment, cut at word boundaries.
    pub fragment: String,
    /// Byte ranges of the matched words within `fragment`, sorted and not overlapping.
    pub highlights: Vec<Range<usize>>,
}

impl Snippet {
    pub(crate) fn from_tantivy(s: &tantivy::snippet::Snippet, body: &str) -> Self {
        if s.fragment().is_empty() {
            return Snippet {
                fragment: lead(body, SNIPPET_MAX_CHARS).to_owned(),
                highlights: Vec::new(),
            };
        }
        let fragment = s.fragment();
        let mut ranges: Vec<Range<usize>> = s
            .highlighted()
            .iter()
            .filter(|r| {
                r.start < r.end
                    && r.end <= fragment.len()
                    && fragment.is_char_boundary(r.start)
                    && fragment.is_char_boundary(r.end)
            })
            .cloned()
            .collect();
        ranges.sort_by_key(|r| (r.start, r.end));
        let mut highlights: Vec<Range<usize>> = Vec::with_capacity(ranges.len());
        for r in ranges {
            match highlights.last_mut() {
                Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
                _ => highlights.push(r),
            }
        }
        Snippet {
            fragment: fragment.to_owned(),
            highlights,
        }
    }

    /// Does the fragment contain a query word?
    pub fn has_highlights(&self) -> bool {
        !self.highlights.is_empty()
    }

    /// The fragment with each highlight wrapped in `open` … `close`, and every piece of
    /// text passed through `escape`.
    pub fn render(&self, open: &str, close: &str, escape: impl Fn(&str) -> String) -> String {
        let mut out = String::with_capacity(self.fragment.len() + 16 * self.highlights.len());
        let mut at = 0;
        for r in &self.highlights {
            out.push_str(&escape(&self.fragment[at..r.start]));
            out.push_str(open);
            out.push_str(&escape(&self.fragment[r.clone()]));
            out.push_str(close);
            at = r.end;
        }
        out.push_str(&escape(&self.fragment[at..]));
        out
    }

    /// HTML with `<b>` around the matched words; the text is HTML-escaped.
    pub fn to_html(&self) -> String {
        self.render("<b>", "</b>", html_escape)
    }

    /// Terminal text with the matched words in bold (ANSI escape codes).
    pub fn to_ansi(&self) -> String {
        self.render("\x1b[1m", "\x1b[0m", |s| s.replace('\x1b', ""))
    }

    /// Plain text with the matched words between `*` (for logs and terminals without
    /// colour).
    pub fn to_plain(&self) -> String {
        self.render("*", "*", str::to_owned)
    }
}

fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The start of `text`, at most `max` bytes, cut after a whole word where possible.
fn lead(text: &str, max: usize) -> &str {
    let text = text.trim_start();
    if text.len() <= max {
        return text.trim_end();
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let cut = &text[..end];
    match cut.rfind(char::is_whitespace) {
        Some(i) if i > max / 2 => cut[..i].trim_end(),
        _ => cut,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_html_escaped_with_bold() {
        let s = Snippet {
            fragment: "a<b> demam & c".into(),
            highlights: std::iter::once(5..10).collect(),
        };
        assert_eq!(s.to_html(), "a&lt;b&gt; <b>demam</b> &amp; c");
        assert_eq!(s.to_plain(), "a<b> *demam* & c");
        assert_eq!(s.to_ansi(), "a<b> \x1b[1mdemam\x1b[0m & c");
    }

    #[test]
    fn lead_cuts_at_a_word_and_a_char_boundary() {
        let text = "kata ".repeat(100);
        let l = lead(&text, 23);
        assert_eq!(l, "kata kata kata kata");
        let s = "é".repeat(10);
        assert!(lead(&s, 5).len() <= 5);
        assert_eq!(lead("  pendek  ", 200), "pendek");
    }
}
