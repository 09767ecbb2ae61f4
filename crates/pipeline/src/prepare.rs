//! The transform stage: one article in, everything the store needs out.
//!
//! This is the part of ingest that needs no database: analysis, hashes, MinHash and
//! reports; for the SQLite store also the compression of the texts it keeps (article
//! bodies and analysis JSON, LZ4: [`Prepared::pack_for_sqlite`]). It is pure and runs in
//! parallel; the store, one writer on one thread, then only compares and records finished
//! bytes.

use waspada_events::dedup::{LshBands, MinHasher, Shingler, simhash64_shingles};
use waspada_events::report::{Report, reports_from};
use waspada_extract::{Analysis, AnalyzeOptions, Analyzer, Article};
use waspada_store::{AnalysisRow, ArticleBundle, NewArticle, PackedText, StoredAnalysis};
use xxhash_rust::xxh3::xxh3_128;

/// Shingle length of near-duplicate detection (words).
pub const SHINGLE_WORDS: usize = 4;
/// MinHash values per signature.
pub const MINHASH_VALUES: usize = 128;
/// LSH bands × rows (32 × 4 = 128).
pub const LSH_BANDS: (usize, usize) = (32, 4);

/// An article ready to store.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// The article row (its texts packed once [`Prepared::pack_for_sqlite`] ran).
    pub article: NewArticle,
    /// Its analysis (without `clean_text`, which the article row holds).
    pub analysis: Analysis,
    /// The analysis as JSON, as `waspada analyze --json` prints it.
    pub analysis_json: String,
    /// `analysis_json` packed for the SQLite store, once packed.
    pub packed_json: Option<PackedText>,
    /// Its outbreak reports.
    pub reports: Vec<Report>,
}

impl Prepared {
    /// The analysis row, borrowed, as the embedded store's batch takes it.
    pub fn stored_analysis(&self) -> StoredAnalysis<'_> {
        let rel = &self.analysis.relevance;
        StoredAnalysis {
            analyzer_version: self.analysis.analyzer_version,
            is_outbreak: rel.is_outbreak_report,
            category: rel.category,
            relevance: rel.score,
            json: &self.analysis_json,
            packed_json: self.packed_json.as_ref(),
        }
    }

    /// Compresses the article's texts and its analysis JSON as the SQLite store keeps
    /// them. Called on the parallel threads, so that the one writer does not; the
    /// PostgreSQL store keeps plain text and does not need it.
    pub fn pack_for_sqlite(&mut self) {
        self.article.pack();
        self.pack_analysis();
    }

    /// Compresses only the analysis JSON (re-analysis rewrites nothing else).
    pub fn pack_analysis(&mut self) {
        self.packed_json = Some(PackedText::pack(&self.analysis_json));
    }

    /// The article with its analysis and reports, owned, as [`Records`] stores them.
    ///
    /// [`Records`]: waspada_store::Records
    pub fn into_bundle(self) -> ArticleBundle {
        let rel = &self.analysis.relevance;
        ArticleBundle {
            article: self.article,
            analysis: AnalysisRow {
                analyzer_version: self.analysis.analyzer_version.to_string(),
                is_outbreak: rel.is_outbreak_report,
                category: rel.category.to_string(),
                relevance: rel.score,
                json: self.analysis_json,
            },
            reports: self.reports,
        }
    }
}

/// The hashing tools, built once and shared by every worker.
pub struct Preparer {
    analyzer: &'static Analyzer,
    shingler: Shingler,
    minhasher: MinHasher,
    bands: LshBands,
}

impl Default for Preparer {
    fn default() -> Self {
        Preparer {
            analyzer: Analyzer::embedded(),
            shingler: Shingler::new(SHINGLE_WORDS),
            minhasher: MinHasher::new(MINHASH_VALUES),
            bands: LshBands::new(LSH_BANDS.0, LSH_BANDS.1),
        }
    }
}

impl Preparer {
    /// Analyses an article and computes its identity and similarity hashes.
    ///
    /// `canonical_url` is the page's identity (see `waspada_fetch::canonical_url`);
    /// `fetched_at` (epoch ms) dates reports of articles without a publication date.
    pub fn prepare(
        &self,
        article: &Article,
        canonical_url: Option<String>,
        fetched_at: i64,
    ) -> Prepared {
        let mut analysis = self.analyzer.analyze_with(
            article,
            &AnalyzeOptions {
                with_text: true,
                ..AnalyzeOptions::default()
            },
        );
        let clean_text = analysis.clean_text.take().unwrap_or_default();
        let analysis_json = serde_json::to_string(&analysis).unwrap_or_else(|_| "{}".into());
        // A headline the analyser read from the URL (the article came without a title)
        // is no part of the text's identity: the same story at another address, or at
        // its AMP address, must hash and sign the same.
        let identity_text = match analysis.title.as_deref() {
            Some(headline) if article.given_title().is_none() => clean_text
                .strip_prefix(headline)
                .map_or(clean_text.as_str(), str::trim_start),
            _ => clean_text.as_str(),
        };
        let shingles = self.shingler.shingles(identity_text);
        let signature = self.minhasher.sign(&shingles);
        let fetched_day = day_of(fetched_at);
        let reports = reports_from(&analysis, &fetched_day);
        let article_row = NewArticle {
            external_id: (!article.id.is_empty()).then(|| article.id.clone()),
            url: article.url.clone(),
            canonical_url,
            content_hash: content_hash(identity_text),
            source: article.source.clone(),
            source_id: None,
            title: article.title.clone(),
            raw_text: article.text.clone(),
            clean_text,
            language: analysis.language.clone(),
            language_hint: article.lang.clone(),
            published: article.published.clone(),
            fetched_at,
            band_keys: self.bands.band_keys(&signature),
            minhash: signature.values().to_vec(),
            simhash: simhash64_shingles(&shingles),
            packed: None,
        };
        Prepared {
            article: article_row,
            analysis,
            analysis_json,
            packed_json: None,
            reports,
        }
    }
}

/// 128-bit hash of a text's words, case-folded: the identity of a text, whatever its
/// spacing or capitalisation.
pub fn content_hash(text: &str) -> [u8; 16] {
    let mut normal = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !normal.is_empty() {
            normal.push(' ');
        }
        if word.is_ascii() {
            // Most words: lowercase the bytes in place instead of char by char.
            let from = normal.len();
            normal.push_str(word);
            normal[from..].make_ascii_lowercase();
        } else {
            for c in word.chars() {
                normal.extend(c.to_lowercase());
            }
        }
    }
    xxh3_128(normal.as_bytes()).to_le_bytes()
}

/// `YYYY-MM-DD` (UTC) of an epoch-millisecond time.
pub fn day_of(epoch_ms: i64) -> String {
    let days = epoch_ms.div_euclid(86_400_000);
    jiff::civil::date(1970, 1, 1)
        .checked_add(jiff::Span::new().days(days))
        .map_or_else(|_| "1970-01-01".into(), |d| d.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_hash_ignores_spacing_and_case_but_not_words() {
        let a = content_hash("Tiga warga  meninggal\nkarena DBD.");
        assert_eq!(a, content_hash("tiga WARGA meninggal karena dbd."));
        assert_ne!(a, content_hash("Empat warga meninggal karena DBD."));
        // Non-ASCII words fold like ASCII ones; the stored hashes of earlier releases hold.
        assert_eq!(content_hash("ÉTAT Đà Nẵng"), content_hash("état đà nẵng"));
        assert_eq!(
            content_hash("Tiga warga  meninggal\nkarena DBD."),
            xxh3_128(b"tiga warga meninggal karena dbd.").to_le_bytes()
        );
    }

    #[test]
    fn a_headline_read_from_the_url_is_no_part_of_the_identity() {
        let preparer = Preparer::default();
        let story = |url: &str| Article {
            id: String::new(),
            title: None,
            url: Some(url.into()),
            text: "Dinas Kesehatan mencatat 12 kasus difteri dan 2 anak meninggal sejak \
                   Januari. Vaksinasi ulang digelar di sekolah-sekolah."
                .into(),
            published: Some("2024-01-20".into()),
            ..Article::default()
        };
        let page = preparer.prepare(
            &story("https://a.example.id/berita/d-1/wabah-difteri-di-sumenep"),
            None,
            0,
        );
        let amp = preparer.prepare(&story("https://a.example.id/berita/d-1/amp"), None, 0);
        let elsewhere = preparer.prepare(
            &story("https://b.example.id/read/2024/01/20/difteri-merebak-sumenep"),
            None,
            0,
        );
        // The analysis reads the headline; the identity does not.
        assert_eq!(
            page.analysis.title.as_deref(),
            Some("Wabah Difteri di Sumenep")
        );
        assert!(page.article.clean_text.starts_with("Wabah Difteri"));
        for other in [&amp, &elsewhere] {
            assert_eq!(page.article.content_hash, other.article.content_hash);
            assert_eq!(page.article.minhash, other.article.minhash);
        }
        // A title given with the article is part of it, as before.
        let titled = preparer.prepare(
            &Article {
                title: Some("Difteri di Sumenep".into()),
                ..story("https://a.example.id/berita/d-1/amp")
            },
            None,
            0,
        );
        assert_ne!(page.article.content_hash, titled.article.content_hash);
    }

    #[test]
    fn day_of_is_the_utc_calendar_day() {
        assert_eq!(day_of(0), "1970-01-01");
        assert_eq!(day_of(1_741_564_800_000), "2025-03-10");
    }
}
