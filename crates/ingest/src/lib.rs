//! Ingest: turns what was fetched into articles that the reading stack can analyse.
//!
//! For now this crate holds the HTML part only ([`html`]): find the main text of a news
//! page, with its paragraphs, title and publication time, and decode bytes of unknown
//! encoding. Fetching, feeds and politeness will join it as the `ingest` stage grows.
//!
//! Main-content extraction is done by `dom_smoothie` (a Readability port, measured best on
//! Indonesian news pages, see `shared/design/stack.md` §1.4) in its formatted-text mode,
//! which keeps paragraph breaks. Around it this crate adds what Indonesian portals need: a
//! pre-cleaning pass (scripts, navigation, iframes, "Baca juga" link blocks, advertisement
//! labels), more places to find the publication time, and hard bounds on input size so a
//! hostile page is refused instead of hanging the pipeline.

#![deny(missing_docs)]

pub mod html;
