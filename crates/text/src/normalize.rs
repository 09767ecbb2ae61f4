//! Unicode and whitespace normalisation.

use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};

/// Normalises text for analysis. One linear pass after NFC.
///
/// - **NFC**, not NFKC: NFKC would rewrite "km²" as "km2" and "½" as "1⁄2", which changes
///   what a count or a unit means. Compatibility characters stay as they are.
/// - CRLF, CR, NEL (U+0085), LINE SEPARATOR and PARAGRAPH SEPARATOR become `\n`.
/// - NBSP, narrow NBSP, tab and the other Unicode spaces become a plain space.
/// - Soft hyphen, zero-width space, word joiner and BOM are dropped (they hide inside words
///   scraped from HTML and would split "pe\u{AD}nyakit" in two). ZWJ/ZWNJ are kept.
/// - Other control characters become a space, so binary-ish input stays harmless.
/// - Runs of spaces collapse to one; every line is trimmed; runs of blank lines collapse to
///   one blank line (a paragraph break); leading and trailing blank lines are dropped.
/// - Curly quotes and dashes are kept: they carry meaning (quotes mark speech).
pub fn normalize(text: &str) -> String {
    let nfc;
    let text = if text.is_ascii() || is_nfc_quick(text.chars()) == IsNormalized::Yes {
        text
    } else {
        nfc = text.nfc().collect::<String>();
        nfc.as_str()
    };
    let mut out = String::with_capacity(text.len());
    let mut pending_space = false; // a space seen since the last character on this line
    let mut newlines = 0usize; // newlines seen since the last character
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        // Fast path: a run of printable ASCII other than space goes over in one copy.
        if b > b' ' && b < 0x7F {
            let mut j = i + 1;
            while j < bytes.len() && bytes[j] > b' ' && bytes[j] < 0x7F {
                j += 1;
            }
            separate(&mut out, &mut pending_space, &mut newlines);
            out.push_str(&text[i..j]);
            i = j;
            continue;
        }
        let c = if b < 0x80 {
            i += 1;
            b as char
        } else {
            // `i` is on a char boundary: every step advances by whole chars.
            let c = text[i..].chars().next().unwrap_or('\u{FFFD}');
            i += c.len_utf8();
            c
        };
        match c {
            '\r' => {
                if bytes.get(i) == Some(&b'\n') {
                    i += 1;
                }
                pending_space = false;
                newlines += 1;
            }
            '\n' | '\u{85}' | '\u{2028}' | '\u{2029}' => {
                pending_space = false;
                newlines += 1;
            }
            '\u{AD}' | '\u{200B}' | '\u{2060}' | '\u{FEFF}' | '\u{180E}' => {}
            '\u{200C}' | '\u{200D}' => {
                separate(&mut out, &mut pending_space, &mut newlines);
                out.push(c);
            }
            c if c.is_whitespace() || c.is_control() => pending_space = true,
            c => {
                separate(&mut out, &mut pending_space, &mut newlines);
                out.push(c);
            }
        }
    }
    out
}

/// Emits the separator owed before the next visible character: a paragraph break, a line
/// break or one space (nothing at the very start).
#[inline]
fn separate(out: &mut String, pending_space: &mut bool, newlines: &mut usize) {
    if !out.is_empty() {
        if *newlines > 0 {
            out.push_str(if *newlines > 1 { "\n\n" } else { "\n" });
        } else if *pending_space {
            out.push(' ');
        }
    }
    *newlines = 0;
    *pending_space = false;
}

/// Normalises a title: as [`normalize`], with line breaks folded into spaces.
pub(crate) fn normalize_one_line(text: &str) -> String {
    let n = normalize(text);
    if !n.contains('\n') {
        return n;
    }
    n.split('\n')
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_whitespace_and_line_endings() {
        let raw = "  Dinas\u{A0}Kesehatan   mencatat\r\n\r\n\r\n  12 kasus.\t \rSelesai  ";
        assert_eq!(
            normalize(raw),
            "Dinas Kesehatan mencatat\n\n12 kasus.\nSelesai"
        );
    }

    #[test]
    fn drops_invisible_characters_inside_words() {
        assert_eq!(normalize("pe\u{AD}nyakit de\u{200B}mam"), "penyakit demam");
        assert_eq!(normalize("\u{FEFF}Judul"), "Judul");
    }

    #[test]
    fn composes_to_nfc_but_keeps_compatibility_characters() {
        // "e" + combining acute becomes the precomposed letter.
        assert_eq!(normalize("caf\u{65}\u{301}"), "caf\u{E9}");
        // NFKC would turn these into "km2" and "1⁄2"; they must survive.
        assert_eq!(normalize("5 km² dan ½ hektare"), "5 km² dan ½ hektare");
        assert_eq!(normalize("“kutipan” — catatan"), "“kutipan” — catatan");
    }

    #[test]
    fn control_characters_become_spaces() {
        assert_eq!(normalize("a\u{0}\u{1}b\u{7F}c"), "a b c");
        assert_eq!(normalize("\u{0}\u{0}"), "");
    }

    #[test]
    fn indented_html_layout_keeps_paragraphs() {
        let raw = "Heading\r\n        \r\n            First paragraph line.\r\n\r\n    \r\n        Second.";
        assert_eq!(
            normalize(raw),
            "Heading\n\nFirst paragraph line.\n\nSecond."
        );
    }

    #[test]
    fn title_is_one_line() {
        assert_eq!(
            normalize_one_line("Wabah\n\nDBD  di\nGarut"),
            "Wabah DBD di Garut"
        );
    }
}
