//! Boilerplate removal: the page furniture that scrapers leave inside article text.
//!
//! The rules work line by line on normalised text, because news sites put their furniture
//! on lines of its own ("BACA JUGA: …", "ADVERTISEMENT", "Editor: …"). A rule drops a whole
//! line only when the line *is* furniture: it starts with a known marker and is short, or it
//! matches a fixed phrase. Markers found inside a paragraph ("… kata dia. Baca juga: Judul
//! Lain Sementara itu, …") remove only the marker and the link title after it. Every removal
//! is recorded with its kind so that an analyst can see what was dropped.
//!
//! All patterns are `regex` crate patterns (finite automata, linear time) or plain string
//! tests; no rule looks back more than one line, so cleaning is linear in the input.

use std::borrow::Cow;
use std::sync::OnceLock;

use regex::Regex;

use crate::normalize::{normalize, normalize_one_line};

/// Why a piece of text was dropped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BoilerplateKind {
    /// "Baca juga: …", "Lihat juga …", "Simak juga: …" and the linked headline.
    RelatedLink,
    /// "ADVERTISEMENT", "SCROLL TO CONTINUE WITH CONTENT", "Advertisement".
    Advertisement,
    /// "Simak video …", "Tonton juga video …", "[Gambas:Video CNN]".
    VideoPromo,
    /// "(Foto: …)", "FOTO: ANTARA/…", "Ilustrasi … (Dok. …)" and similar captions.
    PhotoCaption,
    /// "Halaman selanjutnya", "Lihat Foto", "Selanjutnya".
    Pagination,
    /// "Dapatkan update berita pilihan … Google News", "Ikuti WhatsApp Channel …", share buttons.
    SocialPromo,
    /// "Download aplikasi …", "Unduh aplikasi …".
    AppPromo,
    /// "Artikel ini telah tayang di …" and the list of linked articles after it.
    Syndication,
    /// "Editor: …", "Penulis: …", "Reporter: …", "Sumber: …", reporter codes such as "(ant)".
    Byline,
    /// Scraper leftovers: "null", "undefined", lines of only symbols such as "---".
    Placeholder,
    /// WHO page navigation: "See all DONs related to this event", "Read more about …".
    Navigation,
}

impl BoilerplateKind {
    /// A stable snake-case name for reports.
    pub fn as_str(self) -> &'static str {
        match self {
            BoilerplateKind::RelatedLink => "related_link",
            BoilerplateKind::Advertisement => "advertisement",
            BoilerplateKind::VideoPromo => "video_promo",
            BoilerplateKind::PhotoCaption => "photo_caption",
            BoilerplateKind::Pagination => "pagination",
            BoilerplateKind::SocialPromo => "social_promo",
            BoilerplateKind::AppPromo => "app_promo",
            BoilerplateKind::Syndication => "syndication",
            BoilerplateKind::Byline => "byline",
            BoilerplateKind::Placeholder => "placeholder",
            BoilerplateKind::Navigation => "navigation",
        }
    }
}

/// One dropped piece of text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemovedBoilerplate {
    /// Why it was dropped.
    pub kind: BoilerplateKind,
    /// The dropped text, cut to at most [`SNIPPET_CHARS`] characters.
    pub snippet: String,
}

/// Longest snippet kept in [`RemovedBoilerplate`].
pub const SNIPPET_CHARS: usize = 80;
/// At most this many removals are recorded per article (a 20 MB page of ads stays small).
pub const MAX_RECORDED: usize = 200;

/// Result of cleaning an article: the text that all mention offsets refer to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CleanText {
    /// Title (if any) + `"\n\n"` + cleaned body; NFC, whitespace folded per line, paragraphs
    /// separated by one blank line at most, no boilerplate.
    pub text: String,
    /// Byte offset where the title ends (0 if there is no title).
    pub title_end: usize,
    /// What was dropped and why, in text order (at most [`MAX_RECORDED`] entries).
    pub removed: Vec<RemovedBoilerplate>,
}

impl CleanText {
    /// The title part of [`text`](Self::text) (empty if none).
    pub fn title(&self) -> &str {
        &self.text[..self.title_end]
    }

    /// The body part of [`text`](Self::text).
    pub fn body(&self) -> &str {
        self.text[self.title_end..].trim_start_matches('\n')
    }
}

/// Cleans an article: normalises title and body, removes boilerplate, joins them.
///
/// Never panics; linear in the input size.
pub fn clean_article(title: Option<&str>, body: &str) -> CleanText {
    let title = title.map(normalize_one_line).unwrap_or_default();
    let mut removed = Vec::new();
    let body = clean_body(&normalize(body), &mut removed);
    let (text, title_end) = match (title.is_empty(), body.is_empty()) {
        (true, _) => (body, 0),
        (false, true) => {
            let end = title.len();
            (title, end)
        }
        (false, false) => {
            let end = title.len();
            (format!("{title}\n\n{body}"), end)
        }
    };
    CleanText {
        text,
        title_end,
        removed,
    }
}

/// Compiled patterns, built once.
struct Patterns {
    /// Whole lines that are furniture, matched case-insensitively against the trimmed line.
    whole_line: Regex,
    /// Markers that introduce a related-article link: "Baca juga:", "Lihat juga", ...
    related: Regex,
    /// `related`, anchored at the start of the line.
    related_start: Regex,
    /// Lines that start a video promotion.
    video: Regex,
    /// Lines that promote channels, feeds and share buttons.
    social: Regex,
    app: Regex,
    syndication: Regex,
    byline: Regex,
    reporter_code: Regex,
    /// Photo credits in parentheses: "(Foto: …)", "(Dok. …)", "(SHUTTERSTOCK/…)".
    /// No bounded repetitions in these patterns: `.{0,250}` over Unicode classes compiles to
    /// a huge automaton (tens of milliseconds at start-up); lengths are checked in code.
    photo_credit: Regex,
    /// Lines that start as a caption: "Foto: …", "FOTO: ANTARA/…", "ANTARA FOTO/…".
    caption_line: Regex,
    /// Inline advertisement markers and embeds: "ADVERTISEMENT", "[Gambas:Video CNN]".
    inline_ad: Regex,
    /// Any of `inline_ad`, `photo_credit`, `related`: one scan decides whether a kept line
    /// needs inline cleaning at all (most lines do not).
    inline_any: Regex,
}

fn patterns() -> &'static Patterns {
    static P: OnceLock<Patterns> = OnceLock::new();
    P.get_or_init(|| {
        let re = |s: &str| Regex::new(s).expect("boilerplate pattern is valid");
        let related = r"(?i)(?-u:\b)(?:baca juga|baca pula|baca lainnya|lihat juga|simak juga)(?-u:\b)\s*(?::|>>|»|-)?\s*|(?-u:\b)(?:read also|also read|related)\s*:\s*";
        let photo_credit = r"(?i:\(\s*(?:foto|photo|dok\.?|doc\.?|dokumentasi|ilustrasi|sumber foto|tangkapan layar|screenshot)\s*[:./][^()\n]*\))|\((?:ANTARA(?: FOTO)?|SHUTTERSTOCK|Shutterstock|ISTOCK|iStock|ISTOCKPHOTO|iStockphoto|FREEPIK|Freepik|GETTY IMAGES|Getty Images|AFP|REUTERS|AP(?: PHOTO)?|KOMPAS\.com|KOMPAS\.COM|Kompas\.com|TRIBUNNEWS|DETIKCOM|UNSPLASH|Unsplash|PEXELS|Pexels|PIXABAY|DOK|Dok)\s*/[^(),\n]+\)";
        let inline_ad = r"ADVERTISEMENT|SCROLL TO CONTINUE WITH CONTENT|\[Gambas:[^\]\n]*\]";
        Patterns {
            inline_any: re(&format!("(?:{related})|(?:{photo_credit})|(?:{inline_ad})")),
            whole_line: re(r"(?i)^(?:advertisement|iklan|scroll to continue with content|scroll to resume content|null|undefined|nan|lihat foto|halaman selanjutnya|halaman berikutnya|selanjutnya|sebelumnya|berikutnya|next|load more|bagikan|bagikan artikel ini|share|share this article|facebook|twitter|x|whatsapp|telegram|line|email|e-mail|copy link|salin link|salin tautan|tweet|pinterest|linkedin|see all dons related to this event|read more|baca selengkapnya|komentar|tutup|close|halaman \d+(?:\s*(?:dari|of)\s*\d+)?|\d+\s*/\s*\d+)$"),
            related: re(related),
            related_start: re(&format!("^(?:{related})")),
            video: re(r"(?i)^(?:simak|tonton|saksikan|lihat)\s+(?:juga\s+)?(?:video|videonya|selengkapnya|live)(?-u:\b)|^\[gambas:"),
            social: re(r"(?i)^\W*(?:dapatkan|ikuti|follow|gabung|bergabung|klik|baca berita|simak berita|update berita|cek berita|join)(?-u:\b).*(?-u:\b)(?:google news|whatsapp|telegram|instagram|channel|saluran|aplikasi|tiktok|youtube|twitter|facebook)(?-u:\b)"),
            app: re(r"(?i)^(?:download|unduh)\s+(?:aplikasi|app|apps)(?-u:\b)"),
            syndication: re(r"(?i)^artikel ini (?:telah |sudah |pernah |juga |sebelumnya )*(?:tayang|terbit|dimuat|diterbitkan|bersumber|ditayangkan|dipublikasikan)(?-u:\b)"),
            byline: re(r"(?i)^\(?\s*(?:editor|penulis|reporter|pewarta|kontributor|redaktur|penyunting|sumber|source|fotografer|videografer|copyright|hak cipta|writer|author|laporan wartawan|wartawan)\s*:"),
            reporter_code: re(r"^\(\s*[A-Za-z]{1,6}\d{0,4}(?:\s*[/|-]\s*[A-Za-z]{1,6}\d{0,4})*\s*\)$|^\(\s*\*+\s*\)$"),
            photo_credit: re(photo_credit),
            caption_line: re(r"(?i)^(?:foto|photo)\s*[:/]|^antara foto/|^\(?ilustrasi(?-u:\b).*(?:dok\.?|foto|shutterstock|istock|freepik|getty|unsplash|pexels|antara)"),
            inline_ad: re(inline_ad),
        }
    })
}

/// Longest line that a whole-line prefix rule may drop: real paragraphs are longer.
const MAX_FURNITURE_LINE: usize = 300;
/// Longest parenthesised photo credit; a longer parenthesis is prose.
const MAX_CREDIT: usize = 160;
/// Longest line taken for a link title after a bare "Baca juga:" line.
const MAX_HEADLINE: usize = 160;

/// What the previous lines asked the next line to be checked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pending {
    None,
    /// A bare "Baca juga:" line: the next non-blank line is its link title if it looks like one.
    Headline,
    /// "Artikel ini … berjudul:": the lines after it are a list of linked headlines.
    LinkList,
}

fn clean_body(text: &str, removed: &mut Vec<RemovedBoilerplate>) -> String {
    let p = patterns();
    let mut out = String::with_capacity(text.len());
    let mut pending = Pending::None;
    let mut blank_run = false;
    for raw in text.split('\n') {
        let line = raw.trim();
        if line.is_empty() {
            blank_run = true;
            continue;
        }
        let verdict = classify_line(line, p);
        match pending {
            _ if !matches!(verdict, LineVerdict::Keep) => pending = Pending::None,
            Pending::Headline => {
                pending = Pending::None;
                if looks_like_headline(line) {
                    record(removed, BoilerplateKind::RelatedLink, line);
                    continue;
                }
            }
            Pending::LinkList => {
                if line.starts_with(['-', '•', '*']) || looks_like_headline(line) {
                    record(removed, BoilerplateKind::Syndication, line);
                    continue;
                }
                pending = Pending::None;
            }
            Pending::None => {}
        }
        let kept = match verdict {
            LineVerdict::Drop(kind) => {
                record(removed, kind, line);
                if kind == BoilerplateKind::Syndication && line.ends_with(':') {
                    pending = Pending::LinkList;
                }
                continue;
            }
            LineVerdict::BareRelatedMarker => {
                record(removed, BoilerplateKind::RelatedLink, line);
                pending = Pending::Headline;
                continue;
            }
            LineVerdict::Keep => clean_inline(line, p, removed),
        };
        let kept = kept.trim();
        // What inline removal leaves may be only punctuation: ". Baca juga:" → ".".
        if !kept.chars().any(char::is_alphanumeric) {
            if !kept.is_empty() {
                record(removed, BoilerplateKind::Placeholder, kept);
            }
            continue;
        }
        if !out.is_empty() {
            out.push_str(if blank_run { "\n\n" } else { "\n" });
        }
        blank_run = false;
        push_folded(&mut out, kept);
    }
    // A stray "null" glued to the last sentence by a scraper: "… kata dia.null".
    if out.ends_with(".null") {
        out.truncate(out.len() - 4);
        record(removed, BoilerplateKind::Placeholder, "null");
    }
    out
}

/// Appends `s`, collapsing the double spaces that inline removals leave behind.
fn push_folded(out: &mut String, s: &str) {
    if !s.contains("  ") {
        out.push_str(s);
        return;
    }
    let mut prev_space = false;
    for c in s.chars() {
        if c == ' ' {
            if prev_space {
                continue;
            }
            prev_space = true;
        } else {
            prev_space = false;
        }
        out.push(c);
    }
}

enum LineVerdict {
    Keep,
    Drop(BoilerplateKind),
    BareRelatedMarker,
}

fn classify_line(line: &str, p: &Patterns) -> LineVerdict {
    use BoilerplateKind::*;
    if !line.chars().any(char::is_alphanumeric) {
        return LineVerdict::Drop(Placeholder);
    }
    if line.len() <= 60 && p.whole_line.is_match(line) {
        let lower = line.to_ascii_lowercase();
        let kind = match lower.as_str() {
            "advertisement" | "iklan" => Advertisement,
            l if l.starts_with("scroll to") => Advertisement,
            "null" | "undefined" | "nan" => Placeholder,
            "see all dons related to this event" => Navigation,
            l if l.starts_with("halaman")
                || l.starts_with("lihat foto")
                || l.contains("selanjutnya")
                || l.contains('/')
                || matches!(l, "sebelumnya" | "berikutnya" | "next" | "load more") =>
            {
                Pagination
            }
            "read more" | "baca selengkapnya" => RelatedLink,
            _ => SocialPromo,
        };
        return LineVerdict::Drop(kind);
    }
    let short = line.len() <= MAX_FURNITURE_LINE;
    // "Baca juga: Judul" at the start of a line.
    if let Some(m) = p.related_start.find(line) {
        let rest = &line[m.end()..];
        if rest.trim().is_empty() {
            return LineVerdict::BareRelatedMarker;
        }
        // The whole line is the link when nothing after the title looks like a sentence.
        if short && related_title_end(rest) == rest.len() {
            return LineVerdict::Drop(RelatedLink);
        }
        return LineVerdict::Keep; // clean_inline removes marker and title
    }
    if !short {
        return LineVerdict::Keep;
    }
    if p.video.is_match(line) {
        return LineVerdict::Drop(VideoPromo);
    }
    if p.social.is_match(line) {
        return LineVerdict::Drop(SocialPromo);
    }
    if p.app.is_match(line) {
        return LineVerdict::Drop(AppPromo);
    }
    if p.syndication.is_match(line) {
        return LineVerdict::Drop(Syndication);
    }
    // "Editor: Nama" is a byline; "Source: Data provided by the Ministry …" is a sentence.
    let max_words = if line.starts_with('(') { 16 } else { 8 };
    if line.len() <= 200 && p.byline.is_match(line) && line.split_whitespace().count() <= max_words
    {
        return LineVerdict::Drop(Byline);
    }
    if line.len() <= 30 && p.reporter_code.is_match(line) {
        return LineVerdict::Drop(Byline);
    }
    if line.len() <= 100 && is_who_read_more(line) {
        return LineVerdict::Drop(Navigation);
    }
    if line.len() <= 250 && p.caption_line.is_match(line) {
        return LineVerdict::Drop(PhotoCaption);
    }
    if line.len() <= 250
        && let Some(m) = p.photo_credit.find(line).filter(|m| m.len() <= MAX_CREDIT)
    {
        // A short line that carries a photo credit is a caption, whatever else it says.
        let rest = format!("{}{}", &line[..m.start()], &line[m.end()..]);
        if rest.trim().len() <= 160 && sentence_count(rest.trim()) <= 1 {
            return LineVerdict::Drop(PhotoCaption);
        }
    }
    LineVerdict::Keep
}

/// "Read more about Cholera" (WHO page navigation), not a sentence that starts that way.
fn is_who_read_more(line: &str) -> bool {
    let lower = line.to_ascii_lowercase();
    lower.starts_with("read more about") && !line.ends_with('.')
}

/// Removes inline furniture from a kept line: ad markers, photo credits, "Baca juga" links.
fn clean_inline<'a>(
    line: &'a str,
    p: &Patterns,
    removed: &mut Vec<RemovedBoilerplate>,
) -> Cow<'a, str> {
    if !p.inline_any.is_match(line) {
        return Cow::Borrowed(line);
    }
    let mut s = line.to_string();
    if p.inline_ad.is_match(&s) {
        let mut out = String::with_capacity(s.len());
        let mut last = 0;
        for m in p.inline_ad.find_iter(&s) {
            let kind = if m.as_str().starts_with('[') {
                BoilerplateKind::VideoPromo
            } else {
                BoilerplateKind::Advertisement
            };
            record(removed, kind, m.as_str());
            out.push_str(&s[last..m.start()]);
            out.push(' ');
            last = m.end();
        }
        out.push_str(&s[last..]);
        s = out;
    }
    if p.photo_credit.is_match(&s) {
        let mut out = String::with_capacity(s.len());
        let mut last = 0;
        for m in p
            .photo_credit
            .find_iter(&s)
            .filter(|m| m.len() <= MAX_CREDIT)
        {
            // Only credits that name a photo or an agency/photographer pair; "(6/7/2021)"
            // and "(ISPA)" do not match the pattern at all.
            record(removed, BoilerplateKind::PhotoCaption, m.as_str());
            let before = &s[last..m.start()];
            // "di pasar (ANTARA/Budi), lalu" -> "di pasar, lalu"
            if s[m.end()..].starts_with([',', '.', ';', ':', ')']) {
                out.push_str(before.trim_end());
            } else {
                out.push_str(before);
            }
            last = m.end();
        }
        out.push_str(&s[last..]);
        s = out;
    }
    // "… kata dia. Baca juga: Judul Berita Lain Sementara itu, …": drop marker and title.
    let mut guard = 0;
    while let Some(m) = p.related.find(&s) {
        guard += 1;
        if guard > 64 {
            break;
        }
        // Only a marker followed by a colon or at a sentence start counts; "baca juga
        // laporan kami" in running text is prose.
        let has_separator = s[..m.end()].trim_end().ends_with([':', '»', '>', '-']);
        let at_sentence_start = s[..m.start()].trim_end().is_empty()
            || s[..m.start()]
                .trim_end()
                .ends_with(['.', '!', '?', '"', '”']);
        let capital = s[m.start()..].starts_with(|c: char| c.is_uppercase());
        if !(has_separator || (at_sentence_start && capital)) {
            break;
        }
        // "Pilgrimage-Related", "'Related links'": part of a word or a quotation.
        if s[..m.start()].ends_with(|c: char| c.is_alphanumeric() || matches!(c, '-' | '\'' | '‘'))
        {
            break;
        }
        let rest = &s[m.end()..];
        let title_end = related_title_end(rest);
        let cut_end = m.end() + title_end;
        record(
            removed,
            BoilerplateKind::RelatedLink,
            &s[m.start()..cut_end],
        );
        s = format!(
            "{} {}",
            s[..m.start()].trim_end(),
            s[cut_end..].trim_start()
        );
    }
    Cow::Owned(s)
}

/// Words that may appear in lower case inside a headline.
const HEADLINE_CONNECTORS: &[&str] = &[
    "di", "ke", "dari", "dan", "yang", "untuk", "dengan", "pada", "soal", "jadi", "usai", "saat",
    "ini", "itu", "akan", "bisa", "tak", "tidak", "atau", "vs", "hingga", "jelang", "dalam",
    "atas", "oleh", "sebagai", "bagi", "karena", "kata", "lewat", "ala", "jika", "ada", "makin",
    "kian", "masih", "sudah", "belum", "baru", "sejak", "per", "juga", "pun", "lagi", "bukan",
    "of", "the", "and", "in", "to", "for", "on", "a", "an", "at", "by", "with", "is", "are",
];

/// Where the link title after a "Baca juga:" marker ends, as a byte offset into `rest`.
///
/// Headlines are written in Title Case; the article text that follows starts a sentence:
/// a capitalised word followed by lower-case words. The title is the run of capitalised
/// words, numbers and connectors before that sentence start. Returns `rest.len()` when the
/// title runs to the end of the line, and 0 when no title is recognisable.
fn related_title_end(rest: &str) -> usize {
    let mut words: Vec<(usize, usize, bool)> = Vec::new(); // (start, end, title-like)
    let mut pos = 0;
    for w in rest.split(' ') {
        let start = pos;
        pos += w.len() + 1;
        if w.is_empty() {
            continue;
        }
        let core = w.trim_matches(|c: char| !c.is_alphanumeric());
        let titleish = core.is_empty()
            || core.starts_with(|c: char| c.is_uppercase() || c.is_ascii_digit())
            || HEADLINE_CONNECTORS
                .iter()
                .any(|k| k.eq_ignore_ascii_case(core));
        // Speech starts the article text again.
        if !words.is_empty() && w.starts_with(['"', '“']) {
            return words.last().map_or(0, |&(_, e, _)| e);
        }
        words.push((start, start + w.len(), titleish));
        if words.len() > 40 {
            break;
        }
    }
    let Some(first_prose) = words.iter().position(|&(_, _, t)| !t) else {
        return if words.len() <= 30 { rest.len() } else { 0 };
    };
    // The sentence after the title starts at the last capitalised word before the prose.
    let sentence_start = words[..first_prose].iter().rposition(|&(s, _, _)| {
        rest[s..]
            .trim_start_matches(|c: char| !c.is_alphanumeric())
            .starts_with(char::is_uppercase)
    });
    match sentence_start {
        Some(i) if i > 0 => words[i - 1].1,
        _ => 0,
    }
}

/// A line that reads as a headline: short, no sentence-final punctuation, few sentences.
fn looks_like_headline(line: &str) -> bool {
    line.len() <= MAX_HEADLINE
        && !line.ends_with(['.', ',', ';', ':', '"', '”', '\''])
        && line.split_whitespace().count() <= 24
        && sentence_count(line) <= 1
}

fn sentence_count(s: &str) -> usize {
    crate::sentence::sentences(s).len()
}

fn record(removed: &mut Vec<RemovedBoilerplate>, kind: BoilerplateKind, text: &str) {
    if removed.len() >= MAX_RECORDED {
        return;
    }
    let snippet = match text.char_indices().nth(SNIPPET_CHARS) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_string(),
    };
    removed.push(RemovedBoilerplate { kind, snippet });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(text: &str) -> String {
        clean_article(None, text).text
    }

    #[test]
    fn bare_marker_line_drops_the_headline_line_after_it() {
        let raw = "Warga panik.\n\nBaca Juga:\n\nDinkes Siagakan Posko Demam Berdarah di Tiga Desa\n\nPetugas datang pagi hari.";
        let clean = clean_article(Some("Judul"), raw);
        assert_eq!(clean.body(), "Warga panik.\n\nPetugas datang pagi hari.");
        assert_eq!(clean.removed.len(), 2);
        assert!(
            clean
                .removed
                .iter()
                .all(|r| r.kind == BoilerplateKind::RelatedLink)
        );
    }

    #[test]
    fn bare_marker_keeps_a_real_paragraph_after_it() {
        let raw = "Kasus naik.\nBACA JUGA:\nSelain itu, pemerintah daerah telah menyiapkan ruang isolasi tambahan di rumah sakit rujukan sejak pekan lalu.";
        assert_eq!(
            body(raw),
            "Kasus naik.\nSelain itu, pemerintah daerah telah menyiapkan ruang isolasi tambahan di rumah sakit rujukan sejak pekan lalu."
        );
    }

    #[test]
    fn marker_with_title_on_its_line_is_dropped() {
        let raw = "Paragraf satu.\nBaca juga: Kemenkes Catat 12 Kasus Baru Flu Burung di Bali\nParagraf dua.";
        assert_eq!(body(raw), "Paragraf satu.\nParagraf dua.");
    }

    #[test]
    fn inline_marker_removes_only_the_link_title() {
        let raw = "Dua balita dirawat di puskesmas. Baca juga: Wabah Campak Meluas ke Lima Kecamatan Sementara itu, petugas terus melakukan pelacakan kontak.";
        assert_eq!(
            body(raw),
            "Dua balita dirawat di puskesmas. Sementara itu, petugas terus melakukan pelacakan kontak."
        );
    }

    #[test]
    fn sentences_that_mention_photos_or_editors_stay() {
        let raw = "Foto korban beredar luas di media sosial dan memicu kemarahan warga yang menuntut penyelidikan menyeluruh atas kasus tersebut.\nSeorang editor majalah mengaku ikut dirawat.\nSumber yang dekat dengan keluarga menyebut kondisinya membaik.";
        assert_eq!(body(raw), raw);
    }

    #[test]
    fn detik_and_kompas_furniture_is_dropped() {
        let raw = "Kasus DBD meningkat.\nADVERTISEMENT\nSCROLL TO CONTINUE WITH CONTENT\nPetugas melakukan fogging.\nSimak Video: Cara Mencegah Demam Berdarah\nTonton juga video \"Nyamuk Aedes di Musim Hujan\" di sini:\nDapatkan update berita pilihan dan breaking news setiap hari dari Situs Kami. Mari bergabung di Grup Telegram\nIkuti Whatsapp Channel Koran Kita\nEditor: Budi Santoso\nPenulis: Siti Aminah\n(abc/def)\n---\nnull";
        let clean = clean_article(None, raw);
        assert_eq!(
            clean.text,
            "Kasus DBD meningkat.\nPetugas melakukan fogging."
        );
        let kinds: Vec<_> = clean.removed.iter().map(|r| r.kind).collect();
        assert!(kinds.contains(&BoilerplateKind::Advertisement));
        assert!(kinds.contains(&BoilerplateKind::VideoPromo));
        assert!(kinds.contains(&BoilerplateKind::SocialPromo));
        assert!(kinds.contains(&BoilerplateKind::Byline));
        assert!(kinds.contains(&BoilerplateKind::Placeholder));
    }

    #[test]
    fn photo_captions_are_dropped_and_inline_credits_removed() {
        let raw = "Petugas memeriksa ternak di kandang warga. (Foto: Dok. Dinas Peternakan)\nIlustrasi nyamuk penular DBD. (SHUTTERSTOCK/Fulan)\nFOTO: ANTARA/Ahmad Rizal\nSeekor sapi diperiksa petugas kesehatan hewan di pasar (ANTARA/Budi), lalu hasil pemeriksaan dikirim ke laboratorium provinsi untuk memastikan penyakit mulut dan kuku tidak menyebar ke kabupaten tetangga.";
        let clean = body(raw);
        assert_eq!(
            clean,
            "Seekor sapi diperiksa petugas kesehatan hewan di pasar, lalu hasil pemeriksaan dikirim ke laboratorium provinsi untuk memastikan penyakit mulut dan kuku tidak menyebar ke kabupaten tetangga."
        );
    }

    #[test]
    fn syndication_line_and_its_link_list_go() {
        let raw = "Isi berita.\nArtikel ini telah tayang di Koran Kita dengan judul berikut:\n- Dua Desa Terserang Diare\n- Dinkes Turun Tangan\n\nParagraf penutup yang tetap ada.";
        assert_eq!(body(raw), "Isi berita.\n\nParagraf penutup yang tetap ada.");
    }

    #[test]
    fn who_navigation_and_layout() {
        let raw = "See all DONs related to this event\r\n      \r\n   Read more about Cholera\r\n\r\n  Situation at a glance\r\n     On 2 May, cases were reported.\r\n\r\n\r\n   Second paragraph.";
        assert_eq!(
            body(raw),
            "Situation at a glance\nOn 2 May, cases were reported.\n\nSecond paragraph."
        );
    }

    #[test]
    fn title_and_offsets() {
        let c = clean_article(Some("  Wabah\nDBD "), "Isi.");
        assert_eq!(c.text, "Wabah DBD\n\nIsi.");
        assert_eq!(c.title_end, 9);
        assert_eq!(c.title(), "Wabah DBD");
        let c = clean_article(None, "Isi.");
        assert_eq!(c.title_end, 0);
        let c = clean_article(Some("Judul"), "ADVERTISEMENT");
        assert_eq!(c.text, "Judul");
    }

    #[test]
    fn glued_trailing_null() {
        assert_eq!(body("Kata dia.null"), "Kata dia.");
    }

    #[test]
    fn related_title_end_finds_the_next_sentence() {
        let rest = "Wabah Campak Meluas ke Lima Kecamatan Sementara itu, petugas datang.";
        assert_eq!(
            &rest[..related_title_end(rest)],
            "Wabah Campak Meluas ke Lima Kecamatan"
        );
        assert_eq!(related_title_end("Judul Saja"), "Judul Saja".len());
        assert_eq!(related_title_end("petugas datang"), 0);
    }
}
