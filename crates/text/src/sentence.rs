//! Sentence splitting for Indonesian (and English) news text.

use std::ops::Range;

/// Abbreviations after which a `.` does not end a sentence (lower case, without the dot).
/// Titles, ranks, administrative units and Latin shorthands common in Indonesian news.
const ABBREVIATIONS: &[&str] = &[
    // titles and degrees
    "dr", "drg", "drh", "prof", "ir", "drs", "dra", "h", "hj", "kh", "sdr", "sdri", "bpk", "tn",
    "ny", "nn", "sp", "mr", "mrs", "ms", "dr", "jr", "sr", "st", "ph", "se", "sh", "mh", "mm",
    "msi", "mkes", "skm", "ssos", "spd", "spog", "ust", "hon", // ranks
    "jend", "kol", "letkol", "mayjen", "brigjen", "kompol", "akbp", "ipda", "iptu", "aiptu",
    "bripka", "brigpol", "kapt", "lt", "gen", "col", "sgt", "capt", "gov", "sen", "rep", "pres",
    // places and addresses
    "kab", "kec", "kel", "ds", "kp", "jl", "jln", "gg", "rt", "rw", "prov", "no", "blok", "kav",
    "mt", "mt", "ft", // organisations
    "pt", "cv", "tbk", "inc", "ltd", "co", "corp", "dept", "univ", // shorthands
    "dll", "dsb", "dst", "dkk", "tsb", "yth", "an", "ybs", "tgl", "hlm", "ket", "vs", "etc", "eg",
    "ie", "approx", "fig", "vol", "ed", "pp", "al", "ca", "no", "nos", "sept", "okt", "nov", "des",
    "jan", "feb", "mar", "apr", "jun", "jul", "agu", "agt", "aug", "sep", "oct", "dec",
];

/// Splits text into sentences; returns byte ranges with surrounding whitespace trimmed.
///
/// Every line break ends a sentence (news paragraphs are lines). Inside a line, `.`, `!`,
/// `?` and `…` end a sentence when followed by whitespace and then a capital letter, an
/// opening quote, a digit or an opening bracket, except:
/// - after an abbreviation ("dr.", "Kab.", "Kec.", "Prof.", "H.", "Hj.", "No.", "Jl.", "dll."),
///   a dotted abbreviation ("a.n.", "S.Kep.", "M.Kes.") or a single-letter initial;
/// - inside an open parenthesis ("(6/7/2021)", "(kata dia. Lalu)").
///
/// Decimals and thousands ("1.234") never split, as no space follows their dot. A missing
/// space after a full stop between two lower-case-then-capitalised words, as left by HTML
/// scrapers ("dilaporkan.Petugas"), does split.
pub fn sentences(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut line_start = 0;
    for line in text.split('\n') {
        split_line(text, line_start, line_start + line.len(), &mut out);
        line_start += line.len() + 1;
    }
    out
}

/// Splits `text[start..end]` (one line) and pushes trimmed, non-empty ranges.
fn split_line(text: &str, start: usize, end: usize, out: &mut Vec<Range<usize>>) {
    let line = &text[start..end];
    let bytes = line.as_bytes();
    let mut sent_start = 0;
    // Byte offset of the innermost unclosed '(' (parentheses do not nest deeply in news).
    let mut open_paren: Option<usize> = None;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        // Only a handful of bytes can matter; everything else is skipped byte by byte.
        let c = match b {
            b'(' => {
                open_paren = Some(i);
                i += 1;
                continue;
            }
            b')' => {
                open_paren = None;
                i += 1;
                continue;
            }
            b'.' | b'!' | b'?' => b as char,
            0xE2 if line[i..].starts_with('…') => '…',
            _ => {
                i += 1;
                continue;
            }
        };
        let here = i;
        i += c.len_utf8();
        // An unbalanced '(' must not swallow the rest of a long paragraph.
        if let Some(p) = open_paren {
            if here - p < 200 {
                continue;
            }
            open_paren = None;
        }
        // Extend over repeated terminators and closing quotes/brackets: `?!`, `.”`, `.)`.
        let mut after = i;
        while let Some(n) = line[after..].chars().next() {
            if matches!(
                n,
                '.' | '!' | '?' | '…' | '"' | '\'' | '”' | '’' | ')' | ']'
            ) {
                after += n.len_utf8();
            } else {
                break;
            }
        }
        i = after;
        let glued = c == '.' && after == here + 1 && is_glued_boundary(line, here);
        let spaced = after < line.len() && bytes[after] == b' ';
        if !(spaced || glued) {
            continue;
        }
        let next_start = if spaced { after + 1 } else { after };
        let Some(next) = line[next_start..].chars().next() else {
            continue;
        };
        let opens = next.is_uppercase()
            || next.is_ascii_digit()
            || matches!(next, '"' | '“' | '\'' | '‘' | '(' | '[' | '-' | '—');
        if !opens {
            continue;
        }
        if c == '.' && after == here + 1 && is_abbreviation_before(line, here) {
            continue;
        }
        push_trimmed(start + sent_start, start + after, text, out);
        sent_start = next_start;
    }
    push_trimmed(start + sent_start, end, text, out);
}

/// Does the word ending at the `.` at `dot` look like an abbreviation or an initial?
fn is_abbreviation_before(line: &str, dot: usize) -> bool {
    // Abbreviations are short: look back a bounded window so the scan stays linear.
    let mut from = dot.saturating_sub(48);
    while !line.is_char_boundary(from) {
        from += 1;
    }
    let before = &line[from..dot];
    let word_start = before
        .rfind(|c: char| c.is_whitespace() || matches!(c, '(' | '"' | '“' | '\'' | '/'))
        .map_or(0, |p| {
            p + before[p..].chars().next().map_or(1, char::len_utf8)
        });
    let word = &before[word_start..];
    if word.is_empty() {
        return false;
    }
    // "a.n", "S.Kep", "M.Kes", "U.S": dotted abbreviations.
    if word.contains('.') && word.chars().filter(|c| c.is_alphabetic()).count() <= 8 {
        return true;
    }
    let mut chars = word.chars();
    let first = chars.next();
    // Single-letter initials: "Joko S. Widodo", "H. Ahmad".
    if chars.next().is_none() && first.is_some_and(char::is_alphabetic) {
        return true;
    }
    if word.len() > 8 || !word.is_ascii() {
        return false;
    }
    let lower = word.to_ascii_lowercase();
    ABBREVIATIONS.contains(&lower.as_str())
}

/// A full stop with no space after it that still ends a sentence: "dilaporkan.Petugas".
/// The word before must be lower-case letters only (not a domain, URL or initialism), and
/// the word after a capital followed by a lower-case letter.
fn is_glued_boundary(line: &str, dot: usize) -> bool {
    // Cheap test first, and a bounded look-back: a text with dots but no spaces
    // must not make every dot scan back to the start of the line.
    let mut after = line[dot + 1..].chars();
    if !matches!((after.next(), after.next()), (Some(a), Some(b)) if a.is_uppercase() && b.is_lowercase())
    {
        return false;
    }
    let mut from = dot.saturating_sub(48);
    while !line.is_char_boundary(from) {
        from += 1;
    }
    let before = &line[from..dot];
    let word = before
        .rsplit(|c: char| c.is_whitespace())
        .next()
        .unwrap_or("");
    let word = word.trim_start_matches(['"', '“', '(', '\'']);
    // A word that fills the whole window may continue further back: not a glued boundary.
    word.len() >= 3
        && word.len() < before.len().max(48)
        && word.bytes().all(|b| b.is_ascii_lowercase())
}

fn push_trimmed(start: usize, end: usize, text: &str, out: &mut Vec<Range<usize>>) {
    let s = &text[start..end];
    let trimmed_start = s.len() - s.trim_start().len();
    let trimmed = s.trim();
    if !trimmed.is_empty() {
        let a = start + trimmed_start;
        out.push(a..a + trimmed.len());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(text: &str) -> Vec<&str> {
        sentences(text).into_iter().map(|r| &text[r]).collect()
    }

    #[test]
    fn splits_on_terminators_before_capitals() {
        assert_eq!(
            split(
                "Dua warga meninggal. Petugas menyemprot rumah! Apakah aman? \"Aman,\" kata dia."
            ),
            vec![
                "Dua warga meninggal.",
                "Petugas menyemprot rumah!",
                "Apakah aman?",
                "\"Aman,\" kata dia."
            ]
        );
    }

    #[test]
    fn keeps_indonesian_abbreviations_and_dates_together() {
        let text = "Kepala Dinkes Kab. Garut, dr. H. Ahmad, S.Kep., menyebut 1.234 kasus (6/7/2021). Warga Jl. Merdeka No. 5 dirawat.";
        assert_eq!(
            split(text),
            vec![
                "Kepala Dinkes Kab. Garut, dr. H. Ahmad, S.Kep., menyebut 1.234 kasus (6/7/2021).",
                "Warga Jl. Merdeka No. 5 dirawat."
            ]
        );
        assert_eq!(
            split("Obat, vitamin, dll. Semua gratis."),
            vec!["Obat, vitamin, dll. Semua gratis."]
        );
    }

    #[test]
    fn no_split_inside_parentheses_or_before_lower_case() {
        assert_eq!(
            split("Ia berkata (sebagaimana dikutip. Lalu dibantah) hari ini. tidak dipecah."),
            vec!["Ia berkata (sebagaimana dikutip. Lalu dibantah) hari ini. tidak dipecah."]
        );
    }

    #[test]
    fn lines_are_sentences_and_blank_lines_vanish() {
        assert_eq!(
            split("Judul berita\n\n Paragraf satu.\nParagraf dua"),
            vec!["Judul berita", "Paragraf satu.", "Paragraf dua"]
        );
    }

    #[test]
    fn splits_scraper_glued_sentences_but_not_domains() {
        assert_eq!(
            split("Tujuh kasus dilaporkan.Kapal itu berlayar. Kata Kompas.com hari ini."),
            vec![
                "Tujuh kasus dilaporkan.",
                "Kapal itu berlayar.",
                "Kata Kompas.com hari ini."
            ]
        );
    }

    #[test]
    fn closing_quotes_stay_with_their_sentence() {
        assert_eq!(
            split("“Kami siaga.” Petugas lalu pergi."),
            vec!["“Kami siaga.”", "Petugas lalu pergi."]
        );
    }
}
