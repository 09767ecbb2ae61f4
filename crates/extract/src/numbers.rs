//! Numbers as news writes them: digits with Indonesian or English separators
//! (`1.234`, `1,5`, `1,234`), words (`tiga`, `dua puluh`, `seratus`, `seorang`,
//! `twenty-one`), mixed forms (`1,2 juta`) and vague amounts (`ratusan`,
//! `puluhan`, `dozens`), which are kept approximate and never given a value.
//!
//! The scanner is a single left-to-right pass over ASCII word boundaries, so it is
//! linear in the text length.

/// How digits are grouped in the source language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumberStyle {
    /// Indonesian: `.` groups thousands, `,` marks decimals (`1.234,5`).
    Indonesian,
    /// English and Malay: `,` groups thousands, `.` marks decimals (`1,234.5`).
    English,
}

/// A number found in text.
#[derive(Debug, Clone, PartialEq)]
pub struct NumberMention {
    /// Byte offset of the first character.
    pub start: usize,
    /// Byte offset after the last character.
    pub end: usize,
    /// The value, when the text states one; `None` for vague amounts (`ratusan`).
    pub value: Option<f64>,
    /// The lower bound implied by a vague amount (`ratusan` → 100), for display only.
    pub at_least: Option<f64>,
    /// True for vague amounts and for values with a hedge (`lebih dari 100`, `sekitar 50`).
    pub approximate: bool,
}

impl NumberMention {
    /// The value as a whole count, when it is one.
    pub fn count(&self) -> Option<u64> {
        let v = self.value?;
        (v >= 0.0 && v.fract() == 0.0 && v < 1e12).then_some(v as u64)
    }
}

/// Parses a run of digits with separators (`1.234`, `1,5`, `12`) in the given style.
/// Returns `None` when the string is not a well-formed number.
pub fn parse_digits(s: &str, style: NumberStyle) -> Option<f64> {
    if s.contains(' ') {
        // Space-grouped thousands, already validated by the scanner.
        return s.replace(' ', "").parse().ok();
    }
    if s.is_empty() || !s.as_bytes()[0].is_ascii_digit() {
        return None;
    }
    let (group, decimal) = match style {
        NumberStyle::Indonesian => (b'.', b','),
        NumberStyle::English => (b',', b'.'),
    };
    let bytes = s.as_bytes();
    if !bytes
        .iter()
        .all(|b| b.is_ascii_digit() || *b == group || *b == decimal)
    {
        return None;
    }
    let (int_part, frac_part) = match s.bytes().position(|b| b == decimal) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    // Thousands groups must be exactly three digits; otherwise the separator is a
    // decimal mark written the other way round ("1.5 juta" in Indonesian text).
    let groups: Vec<&str> = int_part.split(group as char).collect();
    let well_grouped = groups.len() == 1
        || (!groups[0].is_empty()
            && groups[0].len() <= 3
            && groups[1..].iter().all(|g| g.len() == 3));
    let mut value: f64 = if well_grouped {
        groups.concat().parse().ok()?
    } else if groups.len() == 2 && frac_part.is_none() {
        format!("{}.{}", groups[0], groups[1]).parse().ok()?
    } else {
        return None;
    };
    if let Some(frac) = frac_part {
        if frac.is_empty() || !frac.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        value += format!("0.{frac}").parse::<f64>().ok()?;
    }
    Some(value)
}

#[derive(Clone, Copy)]
enum Word {
    Unit(u64),
    /// A whole number written as one word (`sepuluh`, `sebelas`, `twelve`, `seorang`).
    Whole(u64),
    /// `belas`: adds ten to the preceding unit.
    Teen,
    /// `puluh`, `ratus`, `hundred`: multiplies the preceding unit within a group.
    Small(u64),
    /// `ribu`, `juta`, `thousand`, `million`: closes a group.
    Large(u64),
    /// English tens (`twenty`).
    Tens(u64),
    /// A vague amount and its lower bound.
    Vague(f64),
    /// A hedge that makes the next number approximate.
    Hedge,
}

fn word(w: &str) -> Option<Word> {
    use Word::*;
    // Every number word is short ASCII: lower-case it on the stack.
    if w.len() > 13 || !w.is_ascii() {
        return None;
    }
    let mut buf = [0u8; 13];
    buf[..w.len()].copy_from_slice(w.as_bytes());
    buf[..w.len()].make_ascii_lowercase();
    let lower = std::str::from_utf8(&buf[..w.len()]).ok()?;
    Some(match lower {
        "satu" | "one" => Unit(1),
        "dua" | "two" => Unit(2),
        "tiga" | "three" => Unit(3),
        "empat" | "four" => Unit(4),
        "lima" | "five" => Unit(5),
        "enam" | "six" => Unit(6),
        "tujuh" | "seven" => Unit(7),
        "delapan" | "lapan" | "eight" => Unit(8),
        "sembilan" | "nine" => Unit(9),
        "sepuluh" | "ten" => Whole(10),
        "sebelas" | "eleven" => Whole(11),
        "twelve" => Whole(12),
        "thirteen" => Whole(13),
        "fourteen" => Whole(14),
        "fifteen" => Whole(15),
        "sixteen" => Whole(16),
        "seventeen" => Whole(17),
        "eighteen" => Whole(18),
        "nineteen" => Whole(19),
        "seratus" => Whole(100),
        "seribu" => Whole(1000),
        "sejuta" => Whole(1_000_000),
        // "seorang"/"seekor" carry their own classifier: one person, one animal.
        "seorang" | "seekor" => Whole(1),
        "twenty" => Tens(20),
        "thirty" => Tens(30),
        "forty" => Tens(40),
        "fifty" => Tens(50),
        "sixty" => Tens(60),
        "seventy" => Tens(70),
        "eighty" => Tens(80),
        "ninety" => Tens(90),
        "belas" => Teen,
        "puluh" => Small(10),
        "ratus" | "hundred" => Small(100),
        "ribu" | "thousand" => Large(1000),
        "juta" | "million" => Large(1_000_000),
        "miliar" | "milyar" | "bilion" | "billion" => Large(1_000_000_000),
        "belasan" => Vague(11.0),
        "puluhan" | "dozens" => Vague(20.0),
        "ratusan" | "hundreds" => Vague(100.0),
        "ribuan" | "thousands" => Vague(1000.0),
        "jutaan" | "millions" => Vague(1_000_000.0),
        "beberapa" | "several" | "sejumlah" => Vague(2.0),
        "sekitar" | "sekira" | "kurang" | "hampir" | "lebih" | "sedikitnya" | "setidaknya"
        | "minimal" | "around" | "about" | "nearly" | "almost" | "approximately" | "over"
        | "least" | "than" | "dari" => Hedge,
        _ => return None,
    })
}

/// Finds every number in `text`, in order.
pub fn find_numbers(text: &str, style: NumberStyle) -> Vec<NumberMention> {
    let mut out = Vec::new();
    let mut words = WordScanner::new(text).peekable();
    let mut hedge_until: Option<usize> = None;
    while let Some((start, end)) = words.next() {
        let w = &text[start..end];
        let hedged = hedge_until.is_some_and(|h| start <= h + 1);
        if w.as_bytes()[0].is_ascii_digit() {
            let Some(mut value) = parse_digits(w, style) else {
                continue;
            };
            let mut end = end;
            // "1,2 juta", "3 ribu", "2 million"
            if let Some(&(s2, e2)) = words.peek()
                && s2 == end + 1
                && let Some(Word::Large(m)) = word(&text[s2..e2])
            {
                value *= m as f64;
                end = e2;
                words.next();
            }
            out.push(NumberMention {
                start,
                end,
                value: Some(value),
                at_least: None,
                approximate: hedged,
            });
            hedge_until = None;
            continue;
        }
        let Some(first) = word(w) else {
            hedge_until = None;
            continue;
        };
        match first {
            Word::Hedge => {
                hedge_until = Some(end);
                continue;
            }
            Word::Vague(lower) => {
                out.push(NumberMention {
                    start,
                    end,
                    value: None,
                    at_least: Some(lower),
                    approximate: true,
                });
                hedge_until = None;
                continue;
            }
            Word::Teen | Word::Small(_) | Word::Large(_) => {
                hedge_until = None;
                continue;
            }
            Word::Unit(_) | Word::Whole(_) | Word::Tens(_) => {}
        }
        // A run of number words, joined by single spaces or hyphens ("twenty-one").
        let mut acc = WordNumber::default();
        acc.push(first);
        let mut last_end = end;
        while let Some(&(s2, e2)) = words.peek() {
            let gap = &text[last_end..s2];
            if !(gap == " " || gap == "-") {
                break;
            }
            match word(&text[s2..e2]) {
                Some(
                    w2 @ (Word::Unit(_)
                    | Word::Whole(_)
                    | Word::Teen
                    | Word::Small(_)
                    | Word::Large(_)
                    | Word::Tens(_)),
                ) if acc.accepts(w2) => {
                    acc.push(w2);
                    last_end = e2;
                    words.next();
                }
                _ => break,
            }
        }
        out.push(NumberMention {
            start,
            end: last_end,
            value: Some(acc.value() as f64),
            at_least: None,
            approximate: hedged,
        });
        hedge_until = None;
    }
    out
}

/// Accumulates a number written in words.
#[derive(Default)]
struct WordNumber {
    total: u64,
    group: u64,
    unit: u64,
    has_unit: bool,
}

impl WordNumber {
    fn accepts(&self, w: Word) -> bool {
        match w {
            // Two bare units in a row ("dua tiga") are two numbers, or none.
            Word::Unit(_) => !self.has_unit,
            Word::Teen => self.has_unit,
            Word::Small(_) => self.has_unit,
            Word::Large(_) => self.has_unit || self.group > 0,
            Word::Whole(n) => !self.has_unit && (self.group + self.total == 0 || n < 1000),
            Word::Tens(_) => !self.has_unit && self.group.is_multiple_of(100),
            _ => false,
        }
    }

    fn push(&mut self, w: Word) {
        match w {
            Word::Unit(u) => {
                self.unit = u;
                self.has_unit = true;
            }
            Word::Whole(n) if n >= 1000 => self.total += n,
            Word::Whole(n) | Word::Tens(n) => self.group += n,
            Word::Teen => {
                self.group += self.unit + 10;
                self.clear_unit();
            }
            Word::Small(m) => {
                // "hundred" after "twenty-one" is not English usage; keep it simple.
                self.group += self.unit * m;
                self.clear_unit();
            }
            Word::Large(m) => {
                self.total += (self.group + self.unit) * m;
                self.group = 0;
                self.clear_unit();
            }
            Word::Vague(_) | Word::Hedge => {}
        }
    }

    fn clear_unit(&mut self) {
        self.unit = 0;
        self.has_unit = false;
    }

    fn value(&self) -> u64 {
        self.total + self.group + self.unit
    }
}

/// Iterates over ASCII words and digit runs (with `.`/`,` inside digit runs),
/// yielding byte ranges.
struct WordScanner<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> WordScanner<'a> {
    fn new(text: &'a str) -> Self {
        Self {
            bytes: text.as_bytes(),
            pos: 0,
        }
    }
}

impl Iterator for WordScanner<'_> {
    type Item = (usize, usize);

    fn next(&mut self) -> Option<(usize, usize)> {
        let b = self.bytes;
        while self.pos < b.len() {
            let c = b[self.pos];
            if c.is_ascii_alphanumeric() {
                // Skip words glued to a non-ASCII letter (part of a longer word).
                let start = self.pos;
                let prev_is_word =
                    start > 0 && (b[start - 1].is_ascii_alphanumeric() || b[start - 1] >= 0x80);
                if c.is_ascii_digit() {
                    let mut i = start;
                    while i < b.len()
                        && (b[i].is_ascii_digit()
                            || ((b[i] == b'.' || b[i] == b',')
                                && i + 1 < b.len()
                                && b[i + 1].is_ascii_digit()))
                    {
                        i += 1;
                    }
                    // "41 475 cases": WHO groups thousands with spaces. Join groups of
                    // exactly three digits after a first group of at most three.
                    if i - start <= 3
                        && !b[start..i].contains(&b'.')
                        && !b[start..i].contains(&b',')
                    {
                        while i + 4 <= b.len()
                            && b[i] == b' '
                            && b[i + 1..i + 4].iter().all(u8::is_ascii_digit)
                            && (i + 4 == b.len() || !b[i + 4].is_ascii_alphanumeric())
                        {
                            i += 4;
                        }
                    }
                    self.pos = i;
                    // "Covid-19", "H5N1", "2x": digits attached to letters are not counts.
                    let glued_after = i < b.len() && (b[i].is_ascii_alphabetic() || b[i] >= 0x80);
                    let glued_before =
                        start > 0 && (b[start - 1].is_ascii_alphabetic() || b[start - 1] == b'-');
                    if glued_after || glued_before || prev_is_word {
                        continue;
                    }
                    return Some((start, i));
                }
                let mut i = start;
                while i < b.len() && b[i].is_ascii_alphabetic() {
                    i += 1;
                }
                self.pos = i;
                let glued_after = i < b.len() && (b[i].is_ascii_digit() || b[i] >= 0x80);
                if prev_is_word || glued_after {
                    continue;
                }
                return Some((start, i));
            }
            self.pos += 1;
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn values(text: &str) -> Vec<Option<f64>> {
        find_numbers(text, NumberStyle::Indonesian)
            .into_iter()
            .map(|n| n.value)
            .collect()
    }

    #[test]
    fn indonesian_digit_grouping() {
        assert_eq!(parse_digits("1.234", NumberStyle::Indonesian), Some(1234.0));
        assert_eq!(
            parse_digits("11.640", NumberStyle::Indonesian),
            Some(11640.0)
        );
        assert_eq!(
            parse_digits("1.234.567", NumberStyle::Indonesian),
            Some(1_234_567.0)
        );
        assert_eq!(parse_digits("1,5", NumberStyle::Indonesian), Some(1.5));
        assert_eq!(parse_digits("1,234", NumberStyle::English), Some(1234.0));
        assert_eq!(parse_digits("1.5", NumberStyle::English), Some(1.5));
        // A dot that cannot be a thousands separator is a decimal point.
        assert_eq!(parse_digits("1.5", NumberStyle::Indonesian), Some(1.5));
        assert_eq!(parse_digits("12", NumberStyle::Indonesian), Some(12.0));
        assert_eq!(parse_digits("1.2.3", NumberStyle::Indonesian), None);
    }

    #[test]
    fn words() {
        assert_eq!(values("sembilan orang"), vec![Some(9.0)]);
        assert_eq!(values("dua puluh tiga siswa"), vec![Some(23.0)]);
        assert_eq!(values("seratus dua puluh lima"), vec![Some(125.0)]);
        assert_eq!(values("dua ratus ribu"), vec![Some(200_000.0)]);
        assert_eq!(values("tiga belas pasien"), vec![Some(13.0)]);
        assert_eq!(values("seorang warga meninggal"), vec![Some(1.0)]);
        assert_eq!(values("sebelas ekor"), vec![Some(11.0)]);
        assert_eq!(values("twenty-one cases"), vec![Some(21.0)]);
        assert_eq!(values("dua juta tiga ratus ribu"), vec![Some(2_300_000.0)]);
        assert_eq!(values("1,2 juta"), vec![Some(1_200_000.0)]);
        assert_eq!(
            values("a total of 41 475 cases and 1576 deaths"),
            vec![Some(41475.0), Some(1576.0)]
        );
    }

    #[test]
    fn vague_amounts_have_no_value() {
        let found = find_numbers("ratusan siswa dan puluhan guru", NumberStyle::Indonesian);
        assert_eq!(found.len(), 2);
        assert!(found.iter().all(|n| n.value.is_none() && n.approximate));
        assert_eq!(found[0].at_least, Some(100.0));
    }

    #[test]
    fn hedges_mark_approximate() {
        let found = find_numbers(
            "lebih dari 100 siswa, tepatnya 123 siswa",
            NumberStyle::Indonesian,
        );
        assert_eq!(found.len(), 2);
        assert!(found[0].approximate);
        assert!(!found[1].approximate);
    }

    #[test]
    fn codes_and_names_are_not_numbers() {
        assert_eq!(values("Covid-19 dan H5N1"), Vec::<Option<f64>>::new());
        // "salah satu" is still a number word; the count extractor needs a unit after it.
        assert_eq!(values("salah satu"), vec![Some(1.0)]);
    }

    #[test]
    fn offsets_point_at_the_number() {
        let text = "Sebanyak 1.234 warga dan tiga belas anak";
        let found = find_numbers(text, NumberStyle::Indonesian);
        assert_eq!(&text[found[0].start..found[0].end], "1.234");
        assert_eq!(&text[found[1].start..found[1].end], "tiga belas");
    }

    proptest! {
        #[test]
        fn never_panics_and_offsets_are_valid(text in "\\PC{0,200}") {
            for n in find_numbers(&text, NumberStyle::Indonesian) {
                prop_assert!(n.start < n.end && n.end <= text.len());
                prop_assert!(text.is_char_boundary(n.start) && text.is_char_boundary(n.end));
            }
        }

        #[test]
        fn grouped_digits_round_trip(n in 0u64..10_000_000_000) {
            let plain = n.to_string();
            let mut grouped = String::new();
            for (i, c) in plain.chars().enumerate() {
                if i > 0 && (plain.len() - i) % 3 == 0 { grouped.push('.'); }
                grouped.push(c);
            }
            prop_assert_eq!(parse_digits(&grouped, NumberStyle::Indonesian), Some(n as f64));
            prop_assert_eq!(parse_digits(&grouped.replace('.', ","), NumberStyle::English), Some(n as f64));
        }

        #[test]
        fn indonesian_words_round_trip(n in 1u64..1_000_000) {
            let written = spell_indonesian(n);
            let found = find_numbers(&written, NumberStyle::Indonesian);
            prop_assert_eq!(found.len(), 1, "{}", written);
            prop_assert_eq!(found[0].value, Some(n as f64), "{}", written);
        }
    }

    /// Spells a number in Indonesian, independently of the parser.
    fn spell_indonesian(n: u64) -> String {
        const UNITS: [&str; 10] = [
            "", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan",
        ];
        fn below_thousand(n: u64) -> Vec<String> {
            let mut parts = Vec::new();
            let (h, rest) = (n / 100, n % 100);
            match h {
                0 => {}
                1 => parts.push("seratus".to_string()),
                _ => parts.push(format!("{} ratus", UNITS[h as usize])),
            }
            match rest {
                0 => {}
                10 => parts.push("sepuluh".into()),
                11 => parts.push("sebelas".into()),
                12..=19 => parts.push(format!("{} belas", UNITS[(rest - 10) as usize])),
                _ => {
                    let (t, u) = (rest / 10, rest % 10);
                    if t > 0 {
                        parts.push(format!("{} puluh", UNITS[t as usize]));
                    }
                    if u > 0 {
                        parts.push(UNITS[u as usize].to_string());
                    }
                }
            }
            parts
        }
        let (thousands, rest) = (n / 1000, n % 1000);
        let mut parts = Vec::new();
        match thousands {
            0 => {}
            1 => parts.push("seribu".to_string()),
            _ => {
                parts.extend(below_thousand(thousands));
                parts.push("ribu".into());
            }
        }
        parts.extend(below_thousand(rest));
        parts.join(" ")
    }
}
