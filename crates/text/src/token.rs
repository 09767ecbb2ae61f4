//! Tokens and byte-to-char offset conversion.

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TokenKind {
    /// Letters (and digits mixed with letters): "anak-anak", "Covid-19", "H5N1", "Jum'at".
    Word,
    /// Digits with Indonesian or English separators: "14", "1.234", "1,5", "12.00".
    Number,
    /// One punctuation or symbol character: ".", ",", "(", "/", "%", "“".
    Punct,
}

/// A token: a slice of the text with its byte offsets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token<'a> {
    /// The token's text, `&input[start..end]`.
    pub text: &'a str,
    /// Byte offset of the first byte.
    pub start: usize,
    /// Byte offset one past the last byte.
    pub end: usize,
    /// Word, number or punctuation.
    pub kind: TokenKind,
}

/// Splits text into words, numbers and punctuation; whitespace is skipped.
///
/// - Hyphens inside a word keep it whole ("anak-anak", "Covid-19"), as do apostrophes
///   between letters ("Jum'at").
/// - A `.` or `,` between digits keeps a number whole ("1.234", "1,5", "1.234.567,89");
///   which one is the decimal mark is left to the number parser.
/// - A `.` after letters is its own token: "Kab." gives Word "Kab" and Punct ".".
///
/// Every non-whitespace byte belongs to exactly one token, so the tokens and the skipped
/// whitespace reproduce the input.
pub fn tokens(text: &str) -> impl Iterator<Item = Token<'_>> {
    Tokens { text, pos: 0 }
}

struct Tokens<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Iterator for Tokens<'a> {
    type Item = Token<'a>;

    fn next(&mut self) -> Option<Token<'a>> {
        let text = self.text;
        let bytes = text.as_bytes();
        let mut start = self.pos;
        // Skip whitespace: ASCII bytes directly, other characters decoded.
        loop {
            match bytes.get(start) {
                None => return None,
                Some(b' ' | b'\n' | b'\t' | b'\r' | b'\x0B' | b'\x0C') => start += 1,
                Some(&b) if b >= 0x80 => {
                    let c = text[start..].chars().next()?;
                    if !c.is_whitespace() {
                        break;
                    }
                    start += c.len_utf8();
                }
                Some(_) => break,
            }
        }
        let first = text[start..].chars().next()?;
        let (end, kind) = if is_word_char(first) {
            scan_word(text, start)
        } else {
            (start + first.len_utf8(), TokenKind::Punct)
        };
        self.pos = end;
        Some(Token {
            text: &text[start..end],
            start,
            end,
            kind,
        })
    }
}

/// Scans a word or number starting at `start`; returns its end and kind.
fn scan_word(text: &str, start: usize) -> (usize, TokenKind) {
    let bytes = text.as_bytes();
    let mut i = start;
    let mut all_digits = true;
    let mut prev = '\0';
    while i < bytes.len() {
        let b = bytes[i];
        // Fast path: ASCII letters and digits.
        if b.is_ascii_alphanumeric() {
            all_digits &= b.is_ascii_digit();
            prev = b as char;
            i += 1;
            continue;
        }
        let Some(c) = text[i..].chars().next() else {
            break;
        };
        if is_word_char(c) {
            all_digits = false;
            prev = c;
            i += c.len_utf8();
            continue;
        }
        let next = text[i + c.len_utf8()..].chars().next();
        let joins = match (c, next) {
            // 1.234 / 1,5: separators between digits.
            ('.' | ',', Some(n)) => prev.is_ascii_digit() && n.is_ascii_digit(),
            // anak-anak, Covid-19: hyphens between word characters.
            ('-' | '\u{2010}' | '\u{2011}', Some(n)) => is_word_char(n),
            // Jum'at, don't: apostrophes between letters.
            ('\'' | '\u{2019}', Some(n)) => prev.is_alphabetic() && n.is_alphabetic(),
            _ => false,
        };
        if !joins {
            break;
        }
        if !matches!(c, '.' | ',') {
            all_digits = false;
        }
        prev = c;
        i += c.len_utf8();
    }
    let kind = if all_digits {
        TokenKind::Number
    } else {
        TokenKind::Word
    };
    (i, kind)
}

/// Letters, digits and the combining marks that belong inside a word (Thai vowel signs,
/// decomposed accents).
pub(crate) fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || is_combining_mark(c)
}

fn is_combining_mark(c: char) -> bool {
    matches!(c,
        '\u{0300}'..='\u{036F}'
        | '\u{0E31}'
        | '\u{0E34}'..='\u{0E3A}'
        | '\u{0E47}'..='\u{0E4E}'
        | '\u{1AB0}'..='\u{1AFF}'
        | '\u{1DC0}'..='\u{1DFF}'
        | '\u{20D0}'..='\u{20FF}'
        | '\u{FE20}'..='\u{FE2F}')
}

/// Converts byte offsets in a text to char (Unicode scalar value) offsets, as JSON consumers
/// in other languages count them.
///
/// O(1) per lookup for ASCII-only text; otherwise a binary search over the multi-byte
/// characters, O(log n).
pub struct CharIndex<'a> {
    text: &'a str,
    /// For each multi-byte char: (byte offset just past it, bytes beyond one so far).
    multibyte: Vec<(usize, usize)>,
}

impl<'a> CharIndex<'a> {
    /// Indexes `text` (one linear pass; no allocation for ASCII text).
    pub fn new(text: &'a str) -> Self {
        let mut multibyte = Vec::new();
        if !text.is_ascii() {
            let mut extra = 0;
            for (i, c) in text.char_indices() {
                let len = c.len_utf8();
                if len > 1 {
                    extra += len - 1;
                    multibyte.push((i + len, extra));
                }
            }
        }
        CharIndex { text, multibyte }
    }

    /// The number of chars in `text[..byte]`. A byte offset inside a character counts that
    /// character as not yet reached; offsets past the end give the total char count.
    pub fn char_offset(&self, byte: usize) -> usize {
        let byte = byte.min(self.text.len());
        if self.multibyte.is_empty() {
            return byte;
        }
        // Multi-byte chars that end at or before `byte` are complete.
        let done = self.multibyte.partition_point(|&(end, _)| end <= byte);
        let extra = if done == 0 {
            0
        } else {
            self.multibyte[done - 1].1
        };
        let mut offset = byte - extra;
        // Inside a multi-byte char: its leading bytes were counted as chars; undo that.
        if !self.text.is_char_boundary(byte) {
            let mut b = byte;
            while !self.text.is_char_boundary(b) {
                b -= 1;
            }
            offset -= byte - b;
        }
        offset
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(s: &str) -> Vec<(&str, TokenKind)> {
        tokens(s).map(|t| (t.text, t.kind)).collect()
    }

    #[test]
    fn indonesian_numbers_and_hyphenated_words_stay_whole() {
        use TokenKind::*;
        assert_eq!(
            texts("Sebanyak 1.234 anak-anak (1,5%) terkena Covid-19."),
            vec![
                ("Sebanyak", Word),
                ("1.234", Number),
                ("anak-anak", Word),
                ("(", Punct),
                ("1,5", Number),
                ("%", Punct),
                (")", Punct),
                ("terkena", Word),
                ("Covid-19", Word),
                (".", Punct),
            ]
        );
    }

    #[test]
    fn abbreviations_split_off_their_dot() {
        use TokenKind::*;
        assert_eq!(
            texts("Kab. Garut, 12.00 WIB"),
            vec![
                ("Kab", Word),
                (".", Punct),
                ("Garut", Word),
                (",", Punct),
                ("12.00", Number),
                ("WIB", Word),
            ]
        );
        // A trailing separator is punctuation, not part of the number.
        assert_eq!(
            texts("14, lalu"),
            vec![("14", Number), (",", Punct), ("lalu", Word)]
        );
        assert_eq!(texts("kata-"), vec![("kata", Word), ("-", Punct)]);
    }

    #[test]
    fn offsets_are_bytes() {
        let t: Vec<_> = tokens("Café “baru”").collect();
        assert_eq!((t[0].start, t[0].end), (0, 5));
        assert_eq!(t[1].text, "“");
        assert_eq!(&"Café “baru”"[t[2].start..t[2].end], "baru");
    }

    #[test]
    fn thai_words_keep_their_vowel_signs() {
        let t: Vec<_> = tokens("ไข้เลือดออก ระบาด").collect();
        assert_eq!(t.len(), 2);
    }

    #[test]
    fn char_index_counts_scalars() {
        let text = "aé“b”c";
        let idx = CharIndex::new(text);
        for b in 0..=text.len() {
            if text.is_char_boundary(b) {
                assert_eq!(idx.char_offset(b), text[..b].chars().count(), "byte {b}");
            }
        }
        // Inside "é" (bytes 1..3): still at char 1.
        assert_eq!(idx.char_offset(2), 1);
        assert_eq!(idx.char_offset(999), text.chars().count());
        let ascii = CharIndex::new("abc");
        assert_eq!(ascii.char_offset(2), 2);
    }
}
