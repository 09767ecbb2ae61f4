//! Aggregate: near-duplicate articles, event clustering and series.
//!
//! This crate is the stage after analysis. It decides which stored articles tell the same
//! story, so that a report syndicated by ten outlets counts once, and (later) groups outbreak
//! reports into events by disease × place × time window and counts them into the daily and
//! weekly series that detection reads.
//!
//! [`dedup`] holds MinHash signatures, LSH band keys and SimHash written
//! in-house on xxh3 with fixed seeds. The hashes are part of the store's format (signatures
//! and band keys are persisted), so they are plain `u64` values
//! that are identical on every machine and in every release; the in-memory
//! [`dedup::LshIndex`] mirrors what the store does with them.
//!
//! [`report`] turns one analysed article into the reports that events gather and series
//! count (disease × place × date, with figures). The store persists them and does the
//! clustering in SQL, where every earlier report is.
#![deny(missing_docs)]

pub mod dedup;
pub mod report;
