//! Fuzzes the analyser: any bytes, read as (lossy) UTF-8 and split into a title and a
//! body, must give an analysis whose mention offsets point into `clean_text`, never a
//! panic or a hang. The number and date scanners are fed the same text directly.
#![no_main]

use libfuzzer_sys::fuzz_target;
use waspada_extract::analysis::Mention;
use waspada_extract::numbers::{NumberStyle, find_numbers};
use waspada_extract::{AnalyzeOptions, Analyzer, Article, dates::find_dates};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    // A newline splits title from body, as a scraper would hand them over; no newline
    // means no title, which is the other path through the cleaner.
    let (title, body) = match text.split_once('\n') {
        Some((t, b)) => (Some(t.to_string()), b.to_string()),
        None => (None, text.to_string()),
    };
    // The first byte picks a publication date and a forced language, so relative dates
    // and each language's number style are exercised.
    let pick = data.first().copied().unwrap_or(0);
    let published =
        ["2024-02-29", "2025-01-01T07:00:00+07:00", "not a date", ""][usize::from(pick % 4)];
    let article = Article {
        id: "fuzz".into(),
        title,
        text: body,
        published: (!published.is_empty()).then(|| published.to_string()),
        ..Default::default()
    };
    let options = AnalyzeOptions {
        with_text: true,
        language: [None, Some("id"), Some("en"), Some("ms")][usize::from(pick / 4 % 4)]
            .and_then(waspada_text::Language::from_code),
        default_published: None,
    };
    let analyzer = Analyzer::embedded();
    let analysis = analyzer.analyze_with(&article, &options);
    let clean = analysis.clean_text.as_deref().unwrap_or("");
    let check = |m: &Mention| {
        assert!(m.start <= m.end, "mention {m:?} ends before it starts");
        let got: String = clean.chars().skip(m.start).take(m.end - m.start).collect();
        assert_eq!(got, m.text, "mention offsets do not point at its text");
    };
    analysis
        .diseases
        .iter()
        .flat_map(|d| &d.mentions)
        .for_each(check);
    analysis
        .locations
        .iter()
        .flat_map(|l| &l.mentions)
        .for_each(check);
    analysis
        .hosts
        .iter()
        .flat_map(|h| &h.mentions)
        .for_each(check);
    analysis.counts.iter().map(|c| &c.mention).for_each(check);
    analysis.dates.iter().map(|d| &d.mention).for_each(check);
    analysis
        .klb_evidence
        .iter()
        .map(|k| &k.mention)
        .for_each(check);
    assert!((0.0..=1.0).contains(&analysis.relevance.score));
    // The default-options entry point too (no clean text, detected language).
    let _ = analyzer.analyze(&article);

    for style in [NumberStyle::Indonesian, NumberStyle::English] {
        for n in find_numbers(&text, style) {
            assert!(n.start <= n.end && n.end <= text.len());
            assert!(text.is_char_boundary(n.start) && text.is_char_boundary(n.end));
            if let Some(v) = n.value {
                assert!(
                    v.is_finite() && v >= 0.0,
                    "{v} from {:?}",
                    &text[n.start..n.end]
                );
            }
        }
    }
    let date = jiff::civil::date(2024, 2, 29);
    for published in [None, Some(date)] {
        for d in find_dates(&text, published) {
            assert!(d.start <= d.end && d.end <= text.len());
            assert!(text.is_char_boundary(d.start) && text.is_char_boundary(d.end));
        }
    }
});
