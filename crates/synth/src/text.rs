//! Writing helpers: numbers in digits and words, dates as newspapers write them, template
//! filling, and assembling paragraphs and boilerplate into an article body.

use crate::Rng;
use jiff::civil::{Date, Weekday};

/// `date + days`, saturating at jiff's range (never reached for news dates).
pub(crate) fn add_days(date: Date, days: i64) -> Date {
    date.checked_add(jiff::Span::new().days(days))
        .unwrap_or(date)
}

const HARI: [&str; 7] = [
    "Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu",
];
const BULAN: [&str; 12] = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
];
const DAYS_EN: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];
const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const HARI_MS: [&str; 7] = [
    "Isnin", "Selasa", "Rabu", "Khamis", "Jumaat", "Sabtu", "Ahad",
];

fn weekday_index(d: Date) -> usize {
    match d.weekday() {
        Weekday::Monday => 0,
        Weekday::Tuesday => 1,
        Weekday::Wednesday => 2,
        Weekday::Thursday => 3,
        Weekday::Friday => 4,
        Weekday::Saturday => 5,
        Weekday::Sunday => 6,
    }
}

/// "Selasa (6/7/2021)"
pub(crate) fn hari_tanggal(d: Date) -> String {
    format!(
        "{} ({}/{}/{})",
        HARI[weekday_index(d)],
        d.day(),
        d.month(),
        d.year()
    )
}

/// "Selasa"
pub(crate) fn hari(d: Date) -> &'static str {
    HARI[weekday_index(d)]
}

/// "6 Juli 2021"
pub(crate) fn tanggal_panjang(d: Date) -> String {
    format!("{} {} {}", d.day(), BULAN[d.month() as usize - 1], d.year())
}

/// "Juli"
pub(crate) fn bulan(d: Date) -> &'static str {
    BULAN[d.month() as usize - 1]
}

/// "Tuesday (July 6)"
pub(crate) fn day_en(d: Date) -> String {
    format!(
        "{} ({} {})",
        DAYS_EN[weekday_index(d)],
        MONTHS_EN[d.month() as usize - 1],
        d.day()
    )
}

/// "July 6, 2021"
pub(crate) fn date_en(d: Date) -> String {
    format!(
        "{} {}, {}",
        MONTHS_EN[d.month() as usize - 1],
        d.day(),
        d.year()
    )
}

/// "Selasa (6 Julai)" with Malay spellings.
pub(crate) fn hari_ms(d: Date) -> String {
    let bulan_ms = [
        "Januari",
        "Februari",
        "Mac",
        "April",
        "Mei",
        "Jun",
        "Julai",
        "Ogos",
        "September",
        "Oktober",
        "November",
        "Disember",
    ];
    format!(
        "{} ({} {})",
        HARI_MS[weekday_index(d)],
        d.day(),
        bulan_ms[d.month() as usize - 1]
    )
}

/// "2021-07-06"
pub(crate) fn iso(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day())
}

/// Digits with a thousands separator: `1.234` (Indonesian) or `1,234` (English).
pub(crate) fn digits(n: u64, sep: char) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(c);
    }
    out
}

const SATUAN: [&str; 10] = [
    "nol", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan",
];

/// Indonesian number words: "sembilan", "dua belas", "dua puluh tiga", "seratus lima".
pub(crate) fn words_id(n: u64) -> String {
    match n {
        0..=9 => SATUAN[n as usize].to_owned(),
        10 => "sepuluh".into(),
        11 => "sebelas".into(),
        12..=19 => format!("{} belas", SATUAN[(n - 10) as usize]),
        20..=99 => {
            let tail = if n.is_multiple_of(10) {
                String::new()
            } else {
                format!(" {}", SATUAN[(n % 10) as usize])
            };
            format!("{} puluh{tail}", SATUAN[(n / 10) as usize])
        }
        100..=199 => join_id("seratus", n - 100),
        200..=999 => join_id(&format!("{} ratus", SATUAN[(n / 100) as usize]), n % 100),
        1000..=1999 => join_id("seribu", n - 1000),
        _ => digits(n, '.'),
    }
}

fn join_id(head: &str, rest: u64) -> String {
    if rest == 0 {
        head.to_owned()
    } else {
        format!("{head} {}", words_id(rest))
    }
}

const ONES_EN: [&str; 20] = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
];

/// English number words up to twenty, digits beyond.
pub(crate) fn words_en(n: u64) -> String {
    if n < 20 {
        ONES_EN[n as usize].to_owned()
    } else {
        digits(n, ',')
    }
}

/// Malay number words up to ten, digits beyond.
pub(crate) fn words_ms(n: u64) -> String {
    if n <= 9 {
        SATUAN[n as usize].to_owned()
    } else if n == 10 {
        "sepuluh".into()
    } else {
        digits(n, ',')
    }
}

/// A count as a reporter would write it: small numbers often in words.
pub(crate) fn count_id(rng: &mut Rng, n: u64) -> String {
    if (n <= 20 && rng.chance(60)) || (n <= 100 && n.is_multiple_of(10) && rng.chance(40)) {
        words_id(n)
    } else {
        digits(n, '.')
    }
}

/// Replaces every `{key}` of the template with its value; unknown keys stay as they are so
/// that a template mistake is visible in tests rather than silently dropped.
pub(crate) fn fill(template: &str, slots: &[(&str, String)]) -> String {
    let mut out = String::with_capacity(template.len() + 64);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) => {
                let key = &after[..close];
                match slots.iter().find(|(k, _)| *k == key) {
                    Some((_, v)) => out.push_str(v),
                    None => {
                        out.push('{');
                        out.push_str(key);
                        out.push('}');
                    }
                }
                rest = &after[close + 1..];
            }
            None => {
                out.push_str(&rest[open..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// Builds a body: the required paragraphs in order, then optional ones (already shuffled
/// by the caller) until the body reaches `target` bytes, with boilerplate lines slipped in
/// between paragraphs and an optional closing line.
pub(crate) fn assemble(
    rng: &mut Rng,
    required: Vec<String>,
    optional: Vec<String>,
    boilerplate: Vec<String>,
    closing: Option<String>,
    target: usize,
) -> String {
    let mut paras = required;
    let mut len: usize = paras.iter().map(|p| p.len() + 2).sum();
    // With more than one required paragraph the last one closes the article (a KLB line,
    // say): optional ones go before it. A lone lead stays first.
    let last = if paras.len() > 1 { paras.pop() } else { None };
    for p in optional {
        if len >= target {
            break;
        }
        if len + p.len() > target + 600 {
            continue;
        }
        len += p.len() + 2;
        paras.push(p);
    }
    if let Some(l) = last {
        paras.push(l);
    }
    for b in boilerplate {
        // Never before the first paragraph: the dateline opens the article.
        let at = 1 + rng.below(paras.len().max(1) as u64) as usize;
        paras.insert(at.min(paras.len()), b);
    }
    if let Some(c) = closing {
        paras.push(c);
    }
    paras.join("\n\n")
}

/// "kasus-dbd-di-garut-melonjak"
pub(crate) fn slug(title: &str) -> String {
    let mut s = String::new();
    for w in title
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(8)
    {
        if !s.is_empty() {
            s.push('-');
        }
        s.push_str(&w.to_lowercase());
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_in_words_and_digits() {
        assert_eq!(words_id(9), "sembilan");
        assert_eq!(words_id(11), "sebelas");
        assert_eq!(words_id(12), "dua belas");
        assert_eq!(words_id(20), "dua puluh");
        assert_eq!(words_id(47), "empat puluh tujuh");
        assert_eq!(words_id(100), "seratus");
        assert_eq!(words_id(105), "seratus lima");
        assert_eq!(words_id(250), "dua ratus lima puluh");
        assert_eq!(words_id(1200), "seribu dua ratus");
        assert_eq!(digits(1234, '.'), "1.234");
        assert_eq!(digits(1234567, ','), "1,234,567");
        assert_eq!(digits(999, '.'), "999");
    }

    #[test]
    fn dates_as_newspapers_write_them() {
        let d: Date = "2021-07-06".parse().unwrap();
        assert_eq!(hari_tanggal(d), "Selasa (6/7/2021)");
        assert_eq!(tanggal_panjang(d), "6 Juli 2021");
        assert_eq!(day_en(d), "Tuesday (July 6)");
    }

    #[test]
    fn fill_replaces_known_slots_only() {
        let s = fill("{a} dan {b} {", &[("a", "satu".into())]);
        assert_eq!(s, "satu dan {b} {");
    }
}
