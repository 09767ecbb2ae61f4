//! Highlighted text as segments, for templates to escape one by one.
//!
//! Article text is hostile. Rather than building HTML with `<mark>` tags and marking it
//! safe, the text is cut into [`Segment`]s (plain or highlighted) and the template wraps
//! each in its element, escaping the text as it does everything else.

use waspada_search::Snippet;

use crate::query::Evidence;

/// A piece of text, highlighted or not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    /// The text.
    pub text: String,
    /// What it is evidence of (`disease`, `place`, ...; `match` for search words); `None`
    /// for plain text.
    pub kind: Option<&'static str>,
    /// What it was read as (shown as a tooltip).
    pub label: String,
}

impl Segment {
    fn plain(text: &str) -> Segment {
        Segment {
            text: text.to_string(),
            kind: None,
            label: String::new(),
        }
    }
}

/// Cuts `text` at the evidence spans (character offsets). Spans outside the text are
/// ignored; a span overlapping an earlier (or longer, at the same start) one is dropped,
/// so every character appears exactly once.
pub fn segments(text: &str, evidence: &[Evidence]) -> Vec<Segment> {
    // Byte offset of every character index, and of the end.
    let bytes: Vec<usize> = text
        .char_indices()
        .map(|(b, _)| b)
        .chain([text.len()])
        .collect();
    let chars = bytes.len() - 1;
    let mut spans: Vec<&Evidence> = evidence
        .iter()
        .filter(|e| e.start < e.end && e.end <= chars)
        .collect();
    spans.sort_by(|a, b| {
        (a.start, std::cmp::Reverse(a.end)).cmp(&(b.start, std::cmp::Reverse(b.end)))
    });
    let mut out = Vec::new();
    let mut at = 0; // character index
    for e in spans {
        if e.start < at {
            continue;
        }
        if e.start > at {
            out.push(Segment::plain(&text[bytes[at]..bytes[e.start]]));
        }
        out.push(Segment {
            text: text[bytes[e.start]..bytes[e.end]].to_string(),
            kind: Some(e.kind),
            label: e.label.clone(),
        });
        at = e.end;
    }
    if at < chars {
        out.push(Segment::plain(&text[bytes[at]..]));
    }
    out
}

/// Cuts a search snippet at its highlights (byte ranges).
pub fn snippet_segments(s: &Snippet) -> Vec<Segment> {
    let text = &s.fragment;
    let mut out = Vec::new();
    let mut at = 0;
    for r in &s.highlights {
        if r.start < at
            || r.end > text.len()
            || !text.is_char_boundary(r.start)
            || !text.is_char_boundary(r.end)
        {
            continue;
        }
        if r.start > at {
            out.push(Segment::plain(&text[at..r.start]));
        }
        out.push(Segment {
            text: text[r.clone()].to_string(),
            kind: Some("match"),
            label: String::new(),
        });
        at = r.end;
    }
    if at < text.len() {
        out.push(Segment::plain(&text[at..]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(start: usize, end: usize, kind: &'static str) -> Evidence {
        Evidence {
            start,
            end,
            kind,
            label: kind.to_string(),
        }
    }

    #[test]
    fn offsets_are_characters_not_bytes() {
        // "é" and "—" are multi-byte: byte offsets would cut them.
        let text = "Café — demam berdarah di Garut";
        let segs = segments(text, &[ev(7, 21, "disease"), ev(25, 30, "place")]);
        let marked: Vec<_> = segs
            .iter()
            .filter(|s| s.kind.is_some())
            .map(|s| s.text.as_str())
            .collect();
        assert_eq!(marked, ["demam berdarah", "Garut"]);
        assert_eq!(
            segs.iter().map(|s| s.text.as_str()).collect::<String>(),
            text
        );
    }

    #[test]
    fn overlapping_and_out_of_range_spans_keep_the_text_whole() {
        let text = "sembilan orang meninggal";
        let segs = segments(
            text,
            &[
                ev(0, 14, "count"),
                ev(9, 24, "klb"),
                ev(20, 99, "date"),
                ev(3, 3, "x"),
            ],
        );
        assert_eq!(
            segs.iter().map(|s| s.text.as_str()).collect::<String>(),
            text
        );
        assert_eq!(segs[0].kind, Some("count"));
        assert!(segs[1..].iter().all(|s| s.kind.is_none()));
    }
}
