//! Read: the text layer of Waspada.
//!
//! Everything later stages need to know about an article's *text*, before anyone asks what
//! it says: which language it is in ([`LanguageIdentifier`]), the clean text that all
//! mention offsets refer to ([`clean_article`], [`normalize()`]), its sentences
//! ([`sentences`]) and tokens ([`tokens`]), char offsets for JSON consumers ([`CharIndex`]),
//! and an Indonesian [`Stemmer`] with [`is_stopword`] for the search analyzer.
//!
//! Shape and reasons:
//! - **Small steps, each usable alone.** Like tantivy's tokenizer → filter chain, every step
//!   is a plain function or a small struct, tested on its own; the extractor chains them.
//! - **Byte offsets everywhere**, into [`CleanText::text`]; [`CharIndex`] converts at the edge.
//! - **Linear time, no panics.** Patterns use the `regex` crate (finite automata); scanners
//!   are single passes. Empty, binary-ish and 20 MB inputs are fine.
//! - **Language id is a budget question.** A function-word scorer decides almost every news
//!   article in microseconds; lingua (six languages, low-accuracy mode, models loaded on
//!   first need) handles the short and mixed rest; a marker-word step and the source's hint
//!   decide Indonesian versus Malay, which lingua cannot. See [`lang`].
//! - **Features.** `lingua` (default) links the lingua models (about 22 MB of binary for the
//!   six languages); without it, texts the scorer cannot decide come out as the scorer's best
//!   guess, the hint, or `Unknown`. `serde` serialises [`Language`] as its ISO code.
//! - **Stemming is dictionary-free on purpose**: the Sastrawi/Kateglo root list is
//!   CC BY-NC-SA (non-commercial). See [`stem`] for the rules and the licence reasoning.

#![warn(missing_docs)]

pub mod boilerplate;
pub mod lang;
pub mod normalize;
pub mod sentence;
pub mod stem;
pub mod token;

pub use boilerplate::{BoilerplateKind, CleanText, RemovedBoilerplate, clean_article};
pub use lang::{DecidedBy, Detection, Language, LanguageIdentifier};
pub use normalize::normalize;
pub use sentence::sentences;
pub use stem::{Stemmer, is_stopword};
pub use token::{CharIndex, Token, TokenKind, tokens};
