//! Text analyzers: how titles, bodies and queries become index terms.
//!
//! Both analyzers are chains of tantivy token filters, so each step can be tested and
//! swapped on its own:
//!
//! - **Indonesian** (also used for Malay and for languages without an analyzer of their
//!   own): [`SimpleTokenizer`] → [`RemoveLongFilter`] → [`LowerCaser`] →
//!   [`IndonesianStopWords`] → [`IndonesianStemmer`].
//! - **English**: [`SimpleTokenizer`] → [`RemoveLongFilter`] → [`LowerCaser`] → tantivy's
//!   English [`StopWordFilter`] → tantivy's Snowball [`Stemmer`] for English.
//!
//! The Indonesian stemmer is `waspada_text::stem::Stemmer`, a dictionary-free affix
//! stripper written for this project. It keeps the consonant that meN-/peN- replaced, so
//! *penularan* and *menular* both become *tular*, while *ular* ("snake") stays *ular* and
//! *wabah* stays *wabah*. Snowball Indonesian would turn *penularan* into *ular*.

use std::borrow::Cow;
use std::cell::RefCell;

use rustc_hash::FxHashMap;
use tantivy::tokenizer::{
    Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer, StopWordFilter, TextAnalyzer,
    Token, TokenFilter, TokenStream, Tokenizer,
};

/// Name under which the Indonesian analyzer is registered with the index.
pub const INDONESIAN_ANALYZER: &str = "waspada_id";
/// Name under which the English analyzer is registered with the index.
pub const ENGLISH_ANALYZER: &str = "waspada_en";

/// Tokens longer than this many bytes are dropped: URLs glued to words, base64, tables
/// without spaces. They are never useful search terms and would bloat the dictionary.
pub const MAX_TOKEN_BYTES: usize = 40;

/// The analyzer for Indonesian and Malay text (see the module docs).
pub fn indonesian_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(LowerCaser)
        .filter(IndonesianStopWords)
        .filter(IndonesianStemmer::default())
        .build()
}

/// The analyzer for English text (see the module docs).
pub fn english_analyzer() -> TextAnalyzer {
    // `new` returns `None` only for languages without a built-in list; English has one.
    let stopwords = StopWordFilter::new(Language::English)
        .unwrap_or_else(|| StopWordFilter::remove(Vec::<String>::new()));
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(LowerCaser)
        .filter(stopwords)
        .filter(Stemmer::new(Language::English))
        .build()
}

/// Runs `analyzer` over `text` and returns the terms it produces, in order. For tests and
/// for explaining to users why a query matched (or did not).
pub fn analyze(analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut stream = analyzer.token_stream(text);
    while stream.advance() {
        out.push(stream.token().text.clone());
    }
    out
}

/// Token filter dropping Indonesian function words (`waspada_text::stem::is_stopword`:
/// *yang*, *dan*, *di*, *untuk*, ...). Expects lower-cased tokens; positions of the
/// remaining tokens are kept, so phrase queries still see the gap.
#[derive(Clone, Copy, Debug, Default)]
pub struct IndonesianStopWords;

impl TokenFilter for IndonesianStopWords {
    type Tokenizer<T: Tokenizer> = IndonesianStopWordsFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> IndonesianStopWordsFilter<T> {
        IndonesianStopWordsFilter { inner: tokenizer }
    }
}

/// The [`Tokenizer`] produced by [`IndonesianStopWords`].
#[derive(Clone)]
pub struct IndonesianStopWordsFilter<T> {
    inner: T,
}

impl<T: Tokenizer> Tokenizer for IndonesianStopWordsFilter<T> {
    type TokenStream<'a> = IndonesianStopWordsStream<T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        IndonesianStopWordsStream {
            tail: self.inner.token_stream(text),
        }
    }
}

/// The [`TokenStream`] produced by [`IndonesianStopWordsFilter`].
pub struct IndonesianStopWordsStream<T> {
    tail: T,
}

impl<T: TokenStream> TokenStream for IndonesianStopWordsStream<T> {
    fn advance(&mut self) -> bool {
        while self.tail.advance() {
            if !waspada_text::stem::is_stopword(&self.tail.token().text) {
                return true;
            }
        }
        false
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

/// Token filter stemming Indonesian words with `waspada_text::stem::Stemmer`, written the
/// way tantivy's own `Stemmer` filter is. Expects lower-cased tokens. Stemming is for
/// recall only: documents and queries go through the same filter.
///
/// News vocabulary is Zipfian, so stems are remembered in a cache per thread (at most
/// [`STEM_CACHE_ENTRIES`] words, a few MB), shared by every filter on that thread: the
/// indexer's segment writers and the short-lived analyzers that build search snippets
/// both find the words of earlier articles already stemmed.
#[derive(Clone, Debug, Default)]
pub struct IndonesianStemmer {
    stemmer: waspada_text::stem::Stemmer,
}

/// Words remembered per thread before the stem cache is emptied and starts over.
pub const STEM_CACHE_ENTRIES: usize = 100_000;

impl TokenFilter for IndonesianStemmer {
    type Tokenizer<T: Tokenizer> = IndonesianStemmerFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> IndonesianStemmerFilter<T> {
        IndonesianStemmerFilter {
            stemmer: self.stemmer,
            inner: tokenizer,
        }
    }
}

thread_local! {
    /// Word → stem, `None` when the stem is the word itself.
    static STEM_CACHE: RefCell<FxHashMap<Box<str>, Option<Box<str>>>> =
        RefCell::new(FxHashMap::default());
}

/// The [`Tokenizer`] produced by [`IndonesianStemmer`].
#[derive(Clone)]
pub struct IndonesianStemmerFilter<T> {
    stemmer: waspada_text::stem::Stemmer,
    inner: T,
}

impl<T: Tokenizer> Tokenizer for IndonesianStemmerFilter<T> {
    type TokenStream<'a> = IndonesianStemmerStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        IndonesianStemmerStream {
            tail: self.inner.token_stream(text),
            stemmer: &self.stemmer,
        }
    }
}

/// The [`TokenStream`] produced by [`IndonesianStemmerFilter`].
pub struct IndonesianStemmerStream<'a, T> {
    tail: T,
    stemmer: &'a waspada_text::stem::Stemmer,
}

impl<T: TokenStream> TokenStream for IndonesianStemmerStream<'_, T> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let stemmer = self.stemmer;
        let token = self.tail.token_mut();
        STEM_CACHE.with_borrow_mut(|cache| {
            let stem = match cache.get(token.text.as_str()) {
                Some(cached) => cached.as_deref(),
                None => {
                    let stem = match stemmer.stem(&token.text) {
                        Cow::Owned(s) if s != token.text => Some(s.into_boxed_str()),
                        Cow::Borrowed(s) if s != token.text => Some(s.into()),
                        _ => None,
                    };
                    if cache.len() >= STEM_CACHE_ENTRIES {
                        cache.clear();
                    }
                    cache
                        .entry(token.text.as_str().into())
                        .or_insert(stem)
                        .as_deref()
                }
            };
            if let Some(stem) = stem {
                // Reuses the token's buffer.
                token.text.clear();
                token.text.push_str(stem);
            }
        });
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indonesian_stems_and_drops_function_words() {
        let mut a = indonesian_analyzer();
        assert_eq!(
            analyze(&mut a, "Penularan yang MENULAR di sekolah"),
            ["tular", "tular", "sekolah"]
        );
        // The snake stays a snake, the outbreak stays an outbreak.
        assert_eq!(analyze(&mut a, "ular wabah"), ["ular", "wabah"]);
    }

    #[test]
    fn indonesian_keeps_offsets_and_positions() {
        let mut a = indonesian_analyzer();
        let mut stream = a.token_stream("Kasus yang menular");
        let mut tokens = Vec::new();
        while stream.advance() {
            tokens.push(stream.token().clone());
        }
        assert_eq!(tokens.len(), 2);
        assert_eq!(tokens[1].text, "tular");
        // "yang" (position 1) was removed, "menular" keeps position 2 and its byte offsets.
        assert_eq!(tokens[1].position, 2);
        assert_eq!((tokens[1].offset_from, tokens[1].offset_to), (11, 18));
    }

    #[test]
    fn cached_stems_equal_fresh_stems() {
        let mut cached = indonesian_analyzer();
        let text = "penularan menular wabah ular pemeriksaan memeriksa penyebaran";
        let first = analyze(&mut cached, text);
        // Second pass is served from the cache.
        assert_eq!(analyze(&mut cached, text), first);
        let stemmer = waspada_text::stem::Stemmer::new();
        let fresh: Vec<String> = text
            .split(' ')
            .map(|w| stemmer.stem(w).into_owned())
            .collect();
        assert_eq!(first, fresh);
    }

    #[test]
    fn long_tokens_are_dropped() {
        let mut a = indonesian_analyzer();
        let long = "a".repeat(MAX_TOKEN_BYTES + 1);
        assert_eq!(analyze(&mut a, &format!("demam {long}")), ["demam"]);
    }

    #[test]
    fn english_stems_and_drops_stopwords() {
        let mut a = english_analyzer();
        assert_eq!(
            analyze(&mut a, "The Outbreaks of the disease"),
            ["outbreak", "diseas"]
        );
    }
}
