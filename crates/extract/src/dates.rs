//! Dates in Indonesian, Malay and English news, normalised against the
//! publication date.
//!
//! Handles `Selasa (6/7/2021)`, `Senin (20/7)`, the slash-less form some outlets
//! publish (`Selasa (3092025)`), `6 Juli 2021`, `July 6, 2021`, `2021-07-06`,
//! `Juli 2021`, and relative forms: `kemarin`, `hari ini`, `pekan lalu`,
//! `Senin lalu`, `yesterday`, `last week`. A weekday written next to a numeric
//! date is used to check (and, for the slash-less form, to choose) the reading.
//!
//! No crate parses Indonesian dates, so this is a small rule set on `regex`
//! (linear time: no backtracking).

use jiff::ToSpan;
use jiff::civil::{Date, Weekday};
use regex::Regex;
use std::sync::OnceLock;

/// How precisely a date is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DatePrecision {
    /// A calendar day.
    Day,
    /// A week (`pekan lalu`): the date is the day one week before publication.
    Week,
    /// A month (`Juli 2021`): the date is the first of the month.
    Month,
}

/// A date found in text.
#[derive(Debug, Clone, PartialEq)]
pub struct DateMention {
    /// Byte range of the expression.
    pub start: usize,
    /// End of the byte range.
    pub end: usize,
    /// The normalised date.
    pub date: Date,
    /// How precisely the text gives it.
    pub precision: DatePrecision,
    /// The date was computed from the publication date (`kemarin`, `Senin lalu`).
    pub relative: bool,
}

const MONTHS: &[(&str, i8)] = &[
    ("januari", 1),
    ("january", 1),
    ("jan", 1),
    ("februari", 2),
    ("pebruari", 2),
    ("february", 2),
    ("feb", 2),
    ("maret", 3),
    ("mac", 3),
    ("march", 3),
    ("mar", 3),
    ("april", 4),
    ("apr", 4),
    ("mei", 5),
    ("may", 5),
    ("juni", 6),
    ("jun", 6),
    ("june", 6),
    ("juli", 7),
    ("julai", 7),
    ("july", 7),
    ("jul", 7),
    ("agustus", 8),
    ("ogos", 8),
    ("august", 8),
    ("agu", 8),
    ("agt", 8),
    ("agus", 8),
    ("aug", 8),
    ("september", 9),
    ("sept", 9),
    ("sep", 9),
    ("oktober", 10),
    ("october", 10),
    ("okt", 10),
    ("oct", 10),
    ("november", 11),
    ("nopember", 11),
    ("nov", 11),
    ("desember", 12),
    ("disember", 12),
    ("december", 12),
    ("des", 12),
    ("dec", 12),
];

const WEEKDAYS: &[(&str, Weekday)] = &[
    ("senin", Weekday::Monday),
    ("isnin", Weekday::Monday),
    ("monday", Weekday::Monday),
    ("selasa", Weekday::Tuesday),
    ("tuesday", Weekday::Tuesday),
    ("rabu", Weekday::Wednesday),
    ("wednesday", Weekday::Wednesday),
    ("kamis", Weekday::Thursday),
    ("khamis", Weekday::Thursday),
    ("thursday", Weekday::Thursday),
    ("jumat", Weekday::Friday),
    ("jum'at", Weekday::Friday),
    ("jumaat", Weekday::Friday),
    ("friday", Weekday::Friday),
    ("sabtu", Weekday::Saturday),
    ("saturday", Weekday::Saturday),
    ("minggu", Weekday::Sunday),
    ("ahad", Weekday::Sunday),
    ("sunday", Weekday::Sunday),
];

fn month(name: &str) -> Option<i8> {
    let lower = name.to_ascii_lowercase();
    MONTHS.iter().find(|(n, _)| *n == lower).map(|&(_, m)| m)
}

fn weekday(name: &str) -> Option<Weekday> {
    let lower = name.to_ascii_lowercase().replace('\u{2019}', "'");
    WEEKDAYS.iter().find(|(n, _)| *n == lower).map(|&(_, w)| w)
}

fn date_regex() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        let wd = r"(?:Senin|Selasa|Rabu|Kamis|Jum'?at|Jum’at|Jumaat|Sabtu|Minggu|Ahad|Isnin|Khamis|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)";
        let mon = r"(?:Januari|January|Jan|Februari|Pebruari|February|Feb|Maret|March|Mac|Mar|April|Apr|Mei|May|Juni|June|Jun|Juli|Julai|July|Jul|Agustus|August|Ogos|Agust?|Agt|Aug|September|Sept?|Oktober|October|Okt|Oct|November|Nopember|Nov|Desember|Disember|December|Des|Dec)";
        let pattern = format!(
            r"(?xi)
            (?P<iso>\b(?P<iy>(?:19|20)\d\d)-(?P<im>0[1-9]|1[0-2])-(?P<id>0[1-9]|[12]\d|3[01])\b)
          | (?:(?P<wd1>\b{wd}),?\s*)?\(\s*(?P<d1>\d{{1,2}})/(?P<m1>\d{{1,2}})(?:/(?P<y1>\d{{2}}|\d{{4}}))?\s*\)
          | (?:(?P<wd2>\b{wd}),?\s*)?\(\s*(?P<packed>\d{{7,8}})\s*\)
          | (?:(?P<wd3>\b{wd}),?\s*)?\b(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<m2>{mon})\b\.?(?:,?\s+(?P<y2>(?:19|20)\d\d))?
          | \b(?P<m3>{mon})\.?\s+(?P<d3>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y3>(?:19|20)\d\d)\b
          | \b(?:bulan\s+)?(?P<m4>{mon})\s+(?P<y4>(?:19|20)\d\d)\b
          | \b(?P<d4>\d{{1,2}})/(?P<m5>\d{{1,2}})/(?P<y5>(?:19|20)\d\d)\b
          | (?P<rel>\b(?:kemarin\s+lusa|kemarin|kelmarin|semalam|hari\s+ini|yesterday|today|pekan\s+lalu|minggu\s+lalu|minggu\s+lepas|last\s+week)\b)
          | (?P<wd4>\b{wd})\s+(?P<wdrel>lalu|kemarin|lepas|last)\b
          | \blast\s+(?P<wd5>{wd})\b
          | \bon\s+(?P<wd6>{wd})\b
        "
        );
        // ASCII word boundaries keep the regex on its fast DFA path for non-ASCII text.
        Regex::new(&pattern.replace(r"\b", r"(?-u:\b)")).expect("date pattern is valid")
    })
}

/// Finds every date in `text`, normalised against `published` (when known).
/// Relative and year-less dates need `published`; without it they are skipped.
pub fn find_dates(text: &str, published: Option<Date>) -> Vec<DateMention> {
    let mut out = Vec::new();
    let re = date_regex();
    // Find matches with the DFA, then resolve capture groups on each short match only.
    let found = re
        .find_iter(text)
        .filter_map(|m| re.captures_at(&text[..m.end()], m.start()));
    for caps in found {
        let whole = caps.get(0).expect("group 0 always matches");
        let (start, end) = (whole.start(), whole.end());
        let get = |name: &str| caps.name(name).map(|m| m.as_str());
        let num = |name: &str| get(name).and_then(|s| s.parse::<i32>().ok());
        let day = |y: i32, m: i32, d: i32| -> Option<Date> {
            if !(1900..=2100).contains(&y) {
                return None;
            }
            Date::new(y as i16, m as i8, d as i8).ok()
        };
        let push = |out: &mut Vec<DateMention>, date: Option<Date>, precision, relative| {
            if let Some(date) = date {
                out.push(DateMention {
                    start,
                    end,
                    date,
                    precision,
                    relative,
                });
            }
        };
        if get("iso").is_some() {
            let date = day(
                num("iy").unwrap_or(0),
                num("im").unwrap_or(0),
                num("id").unwrap_or(0),
            );
            push(&mut out, date, DatePrecision::Day, false);
        } else if let Some(d) = num("d1") {
            let m = num("m1").unwrap_or(0);
            let wd = get("wd1").and_then(weekday);
            let date = match num("y1") {
                Some(y) if y < 100 => day(2000 + y, m, d),
                Some(y) => day(y, m, d),
                None => published.and_then(|p| year_for(p, m, d)),
            };
            // A weekday that contradicts the numbers means this is not a date
            // (a score, a ratio); a missing weekday is fine.
            if let (Some(date), Some(wd)) = (date, wd)
                && date.weekday() != wd
            {
                continue;
            }
            push(&mut out, date, DatePrecision::Day, false);
        } else if let Some(packed) = get("packed") {
            let wd = get("wd2").and_then(weekday);
            push(
                &mut out,
                unpack_date(packed, wd, published),
                DatePrecision::Day,
                false,
            );
        } else if let Some(d) = num("d2") {
            let m = get("m2").and_then(month).map(i32::from).unwrap_or(0);
            let date = match num("y2") {
                Some(y) => day(y, m, d),
                None => published.and_then(|p| year_for(p, m, d)),
            };
            if let (Some(date), Some(wd)) = (date, get("wd3").and_then(weekday))
                && date.weekday() != wd
            {
                continue;
            }
            push(&mut out, date, DatePrecision::Day, false);
        } else if let Some(m) = get("m3").and_then(month) {
            let date = day(num("y3").unwrap_or(0), i32::from(m), num("d3").unwrap_or(0));
            push(&mut out, date, DatePrecision::Day, false);
        } else if let Some(m) = get("m4").and_then(month) {
            // "Mei 2025" — but "may 2025" in English prose is rarely a date; require a capital.
            if get("m4").is_some_and(|s| s.starts_with(|c: char| c.is_ascii_lowercase())) {
                continue;
            }
            push(
                &mut out,
                day(num("y4").unwrap_or(0), i32::from(m), 1),
                DatePrecision::Month,
                false,
            );
        } else if let Some(d) = num("d4") {
            let date = day(num("y5").unwrap_or(0), num("m5").unwrap_or(0), d);
            push(&mut out, date, DatePrecision::Day, false);
        } else if let Some(rel) = get("rel") {
            let Some(p) = published else { continue };
            // "Selasa (6/7) kemarin": the word qualifies the date just written.
            if out.last().is_some_and(|m: &DateMention| m.end + 2 >= start) {
                continue;
            }
            let rel = rel.to_ascii_lowercase();
            let rel = rel.split_whitespace().collect::<Vec<_>>().join(" ");
            let (offset, precision) = match rel.as_str() {
                "kemarin lusa" => (-2, DatePrecision::Day),
                "kemarin" | "kelmarin" | "yesterday" | "semalam" => (-1, DatePrecision::Day),
                "hari ini" | "today" => (0, DatePrecision::Day),
                _ => (-7, DatePrecision::Week),
            };
            push(&mut out, p.checked_add(offset.days()).ok(), precision, true);
        } else if let Some((wd, on)) = get("wd4")
            .or(get("wd5"))
            .and_then(weekday)
            .map(|wd| (wd, false))
            .or_else(|| get("wd6").and_then(weekday).map(|wd| (wd, true)))
        {
            let Some(p) = published else { continue };
            // "Senin lalu" / "last Monday": the most recent such day strictly before
            // publication. "On Saturday" in a story of a Saturday is that day.
            let back =
                (p.weekday().to_monday_zero_offset() - wd.to_monday_zero_offset()).rem_euclid(7);
            let back = if back == 0 && !on { 7 } else { back };
            push(
                &mut out,
                p.checked_sub(i64::from(back).days()).ok(),
                DatePrecision::Day,
                true,
            );
        }
    }
    out
}

/// Picks the year for a day and month written without one: the publication year,
/// or the previous year when that would put the date more than a month after
/// publication (news reports the past).
fn year_for(published: Date, month: i32, day: i32) -> Option<Date> {
    let this_year = Date::new(published.year(), month as i8, day as i8).ok()?;
    if this_year > published.checked_add(31.days()).ok()? {
        Date::new(published.year() - 1, month as i8, day as i8).ok()
    } else {
        Some(this_year)
    }
}

/// Reads a date written without slashes (`3092025` = 30/9/2025, `2392025`,
/// `13032020`). With seven digits, the day/month split is ambiguous; the weekday,
/// when given, decides, then closeness to the publication date.
fn unpack_date(packed: &str, weekday: Option<Weekday>, published: Option<Date>) -> Option<Date> {
    let (dm, year) = packed.split_at(packed.len() - 4);
    let year: i16 = year.parse().ok()?;
    let candidates: Vec<(i8, i8)> = match dm.len() {
        4 => vec![(dm[..2].parse().ok()?, dm[2..].parse().ok()?)],
        3 => vec![
            (dm[..2].parse().ok()?, dm[2..].parse().ok()?),
            (dm[..1].parse().ok()?, dm[1..].parse().ok()?),
        ],
        _ => return None,
    };
    let dates: Vec<Date> = candidates
        .into_iter()
        .filter_map(|(d, m)| Date::new(year, m, d).ok())
        .collect();
    let fits = |d: &Date| weekday.is_none_or(|w| d.weekday() == w);
    let mut fitting: Vec<Date> = dates.into_iter().filter(fits).collect();
    if let Some(p) = published {
        fitting.sort_by_key(|d| d.since(p).map(|s| s.get_days().abs()).unwrap_or(i32::MAX));
    }
    fitting.into_iter().next()
}

/// Parses an ISO date or datetime (`2025-07-20`, `2025-07-20T10:00:00+07:00`) to a
/// civil date; the date part is taken as written (local to the outlet).
pub fn parse_published(s: &str) -> Option<Date> {
    let s = s.trim();
    s.get(..10).and_then(|d| d.parse::<Date>().ok())
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;
    use proptest::prelude::*;

    fn dates(text: &str, published: Date) -> Vec<String> {
        find_dates(text, Some(published))
            .iter()
            .map(|d| d.date.to_string())
            .collect()
    }

    #[test]
    fn indonesian_forms() {
        let p = date(2021, 7, 8);
        assert_eq!(dates("pada Selasa (6/7/2021) malam", p), ["2021-07-06"]);
        assert_eq!(dates("Selasa (6/7) kemarin", p), ["2021-07-06"]);
        assert_eq!(dates("sejak 6 Juli 2021", p), ["2021-07-06"]);
        assert_eq!(dates("sejak 28 Juni", p), ["2021-06-28"]);
        assert_eq!(dates("pada Juli 2021", p), ["2021-07-01"]);
        assert_eq!(dates("kejadian kemarin", p), ["2021-07-07"]);
        assert_eq!(dates("sejak pekan lalu", p), ["2021-07-01"]);
        // 8 July 2021 is a Thursday; "Senin lalu" is 5 July.
        assert_eq!(dates("Senin lalu", p), ["2021-07-05"]);
        // "On Thursday" in a story of a Thursday is that day; "last Thursday" is not.
        assert_eq!(dates("confirmed on Thursday", p), ["2021-07-08"]);
        assert_eq!(dates("confirmed on Monday", p), ["2021-07-05"]);
        assert_eq!(dates("since last Thursday", p), ["2021-07-01"]);
    }

    #[test]
    fn packed_dates_use_the_weekday() {
        let p = date(2025, 9, 30);
        // 30/9/2025 is a Tuesday (Selasa); 3/09 would be a Wednesday.
        assert_eq!(dates("Selasa (3092025) malam", p), ["2025-09-30"]);
        assert_eq!(dates("Jumat (2692025)", date(2025, 9, 26)), ["2025-09-26"]);
        assert_eq!(dates("Jumat (13032020)", date(2020, 3, 13)), ["2020-03-13"]);
    }

    #[test]
    fn a_contradicting_weekday_rejects_the_reading() {
        // 6/7/2021 was a Tuesday, not a Monday.
        assert!(dates("Senin (6/7/2021)", date(2021, 7, 8)).is_empty());
    }

    #[test]
    fn english_forms() {
        let p = date(2026, 5, 10);
        assert_eq!(dates("On 2 May 2026, a cluster", p), ["2026-05-02"]);
        assert_eq!(dates("as of May 2, 2026", p), ["2026-05-02"]);
        assert_eq!(dates("reported yesterday", p), ["2026-05-09"]);
        assert_eq!(dates("from 2026-04-30", p), ["2026-04-30"]);
    }

    #[test]
    fn year_less_dates_roll_back_across_new_year() {
        assert_eq!(dates("Senin (29/12)", date(2026, 1, 2)), ["2025-12-29"]);
    }

    #[test]
    fn without_publication_date_relative_forms_are_skipped() {
        assert!(find_dates("kemarin", None).is_empty());
        assert_eq!(find_dates("6 Juli 2021", None).len(), 1);
    }

    proptest! {
        #[test]
        fn never_panics(text in "\\PC{0,120}") {
            let _ = find_dates(&text, Some(date(2024, 2, 29)));
        }

        #[test]
        fn numeric_dates_round_trip(days in 0i64..30000) {
            let d = date(1950, 1, 1).checked_add(days.days()).unwrap();
            let text = format!("pada ({}/{}/{})", d.day(), d.month(), d.year());
            prop_assert_eq!(dates(&text, date(2030, 1, 1)), vec![d.to_string()]);
            let text = format!("{} {} {}", d.day(), ["Januari","Februari","Maret","April","Mei","Juni","Juli","Agustus","September","Oktober","November","Desember"][d.month() as usize - 1], d.year());
            prop_assert_eq!(dates(&text, date(2030, 1, 1)), vec![d.to_string()]);
        }
    }
}
