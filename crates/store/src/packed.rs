//! The big text values of the SQLite store, compressed: article bodies and analysis JSON.
//!
//! Why: an article row held ~7.7 kB of UTF-8 (raw and clean body) and its analysis
//! ~2.9 kB of JSON, and every byte went through the WAL and again through a checkpoint on
//! the one writer thread, the serial part of ingest. LZ4 (pure Rust `lz4_flex`, block
//! format) is fast both ways but gains little on one news text (~1.35×) and ~1.9× on the
//! JSON. The large gain is that the raw text is nearly the clean text (boilerplate lines
//! more, the title less): packed with the clean text as its LZ4 dictionary it costs tens
//! of bytes instead of kilobytes.
//!
//! Why encoded by the caller: the pipeline packs each article on its parallel prepare
//! threads ([`NewArticle::pack`], [`StoredAnalysis::packed_json`]), so the writer only
//! copies finished blobs; it packs a value itself only when the caller did not.
//!
//! Why old rows stay as they are: SQLite is dynamically typed, so the `TEXT` columns hold
//! both the `TEXT` values of stores written before and the `BLOB`s of new rows, and every
//! read goes through [`StoredText`], which takes either. No migration re-encodes a large
//! store (migration 9 copies the analyses into a rowid table as they are). A blob starts
//! with a header that names its encoding (magic `FF 57`, then a codec byte: 0 plain
//! UTF-8, 1 LZ4, 2 LZ4 against a dictionary), so a later codec can be added the same way;
//! `FF` never occurs in UTF-8, so a blob cannot be mistaken for text. SQL that looks
//! inside these columns (`LIKE`, `instr`, `json_extract`, `length`) sees bytes, not text:
//! read the values and decode them instead.
//!
//! PostgreSQL (`waspada-store-pg`) stores the plain texts and compresses them itself
//! (TOAST); nothing there depends on this encoding.
//!
//! [`NewArticle::pack`]: crate::NewArticle::pack
//! [`StoredAnalysis::packed_json`]: crate::StoredAnalysis::packed_json

use std::fmt;

use rusqlite::ToSql;
use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSqlOutput, ValueRef};

/// The first two bytes of every packed value. `FF` is never valid UTF-8.
const MAGIC: [u8; 2] = [0xFF, b'W'];
/// Codec byte: the UTF-8 bytes follow as they are (short texts, where LZ4 gains nothing).
const CODEC_PLAIN: u8 = 0;
/// Codec byte: the text's length in bytes (u32, little-endian), then one LZ4 block.
const CODEC_LZ4: u8 = 1;
/// Codec byte: as [`CODEC_LZ4`], but the block refers back into a dictionary kept
/// elsewhere: an article's raw text against its clean text (in the same row), which is
/// nearly the same text, so the raw text costs a few dozen bytes.
const CODEC_LZ4_AGAINST: u8 = 2;
/// Shortest dictionary worth using (`lz4_flex` ignores ones under 4 bytes).
const MIN_DICTIONARY: usize = 16;
/// Magic and codec byte.
const HEADER: usize = MAGIC.len() + 1;
/// Texts shorter than this are stored plain: an LZ4 block of a few words is no smaller.
const MIN_COMPRESSED: usize = 64;
/// An LZ4 block expands at most about 255-fold (a match length grows by 255 per byte);
/// a declared length beyond that is damage, and is refused before allocating it.
const MAX_RATIO: usize = 255;

/// A text encoded as the SQLite store keeps it: header and payload. Built only by
/// [`PackedText::pack`], so it always decodes to the text it was made from.
#[derive(Clone, PartialEq, Eq)]
pub struct PackedText(Vec<u8>);

impl PackedText {
    /// Encodes a text: LZ4 when that makes it smaller, else its bytes as they are.
    pub fn pack(text: &str) -> PackedText {
        Self::lz4(text, None).unwrap_or_else(|| Self::plain(text))
    }

    /// Encodes a text against a dictionary, a similar text stored alongside (an article's
    /// raw text against its clean text): only what differs costs space. It decodes only
    /// with [`PackedText::unpack_against`] and the same dictionary.
    pub fn pack_against(text: &str, dictionary: &str) -> PackedText {
        let dictionary = (dictionary.len() >= MIN_DICTIONARY).then_some(dictionary.as_bytes());
        Self::lz4(text, dictionary).unwrap_or_else(|| Self::plain(text))
    }

    /// LZ4, when it makes the text smaller.
    fn lz4(text: &str, dictionary: Option<&[u8]>) -> Option<PackedText> {
        let bytes = text.as_bytes();
        if bytes.len() < MIN_COMPRESSED && dictionary.is_none() {
            return None;
        }
        let len = u32::try_from(bytes.len()).ok()?;
        let start = HEADER + 4;
        let mut out = vec![0; start + lz4_flex::block::get_maximum_output_size(bytes.len())];
        let n = match dictionary {
            Some(d) => lz4_flex::block::compress_into_with_dict(bytes, &mut out[start..], d),
            None => lz4_flex::block::compress_into(bytes, &mut out[start..]),
        }
        .ok()?;
        if start + n >= HEADER + bytes.len() {
            return None;
        }
        out[..2].copy_from_slice(&MAGIC);
        out[2] = if dictionary.is_some() {
            CODEC_LZ4_AGAINST
        } else {
            CODEC_LZ4
        };
        out[HEADER..start].copy_from_slice(&len.to_le_bytes());
        out.truncate(start + n);
        Some(PackedText(out))
    }

    /// The text's bytes behind the header.
    fn plain(text: &str) -> PackedText {
        let bytes = text.as_bytes();
        let mut out = Vec::with_capacity(HEADER + bytes.len());
        out.extend_from_slice(&MAGIC);
        out.push(CODEC_PLAIN);
        out.extend_from_slice(bytes);
        PackedText(out)
    }

    /// The encoded bytes, as stored.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// Length in bytes of the text it encodes, read from the header (no decoding).
    pub fn text_len(&self) -> usize {
        match self.0[2] {
            CODEC_LZ4 | CODEC_LZ4_AGAINST => {
                let mut len = [0; 4];
                len.copy_from_slice(&self.0[HEADER..HEADER + 4]);
                u32::from_le_bytes(len) as usize
            }
            _ => self.0.len() - HEADER,
        }
    }

    /// Decodes stored bytes back into the text. Damaged bytes are an error, never a panic;
    /// so is a text packed against a dictionary ([`PackedText::unpack_against`] reads it).
    pub fn unpack(bytes: &[u8]) -> Result<String, CorruptText> {
        Self::decode(bytes, None)
    }

    /// [`PackedText::unpack`], with the dictionary the text may have been packed against.
    pub fn unpack_against(bytes: &[u8], dictionary: &str) -> Result<String, CorruptText> {
        Self::decode(bytes, Some(dictionary.as_bytes()))
    }

    fn decode(bytes: &[u8], dictionary: Option<&[u8]>) -> Result<String, CorruptText> {
        let corrupt = |reason: String| CorruptText { reason };
        if bytes.len() < HEADER || bytes[..2] != MAGIC {
            return Err(corrupt("it does not start with Waspada's header".into()));
        }
        let payload = &bytes[HEADER..];
        let utf8 = match bytes[2] {
            CODEC_PLAIN => payload.to_vec(),
            codec @ (CODEC_LZ4 | CODEC_LZ4_AGAINST) => {
                let Some((len, block)) = payload.split_first_chunk::<4>() else {
                    return Err(corrupt("its length is cut off".into()));
                };
                let len = u32::from_le_bytes(*len) as usize;
                if len > block.len().saturating_mul(MAX_RATIO).saturating_add(64) {
                    return Err(corrupt(format!(
                        "it claims {len} bytes from {} compressed bytes",
                        block.len()
                    )));
                }
                let out = match (codec, dictionary) {
                    (CODEC_LZ4, _) => lz4_flex::block::decompress(block, len),
                    (_, Some(d)) => lz4_flex::block::decompress_with_dict(block, len, d),
                    (_, None) => {
                        return Err(corrupt(
                            "it was packed against its article's clean text, which was not read"
                                .into(),
                        ));
                    }
                }
                .map_err(|e| corrupt(format!("the LZ4 data is damaged: {e}")))?;
                if out.len() != len {
                    return Err(corrupt(format!(
                        "it decodes to {} bytes, not the {len} its header says",
                        out.len()
                    )));
                }
                out
            }
            other => return Err(corrupt(format!("unknown codec {other}"))),
        };
        String::from_utf8(utf8).map_err(|_| corrupt("it decodes to invalid UTF-8".into()))
    }
}

impl fmt::Debug for PackedText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "PackedText({} bytes for {})",
            self.0.len(),
            self.text_len()
        )
    }
}

impl ToSql for PackedText {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::Borrowed(ValueRef::Blob(&self.0)))
    }
}

/// A stored text value that could not be decoded: the store file is damaged.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a stored text is damaged and cannot be read: {reason}")]
pub struct CorruptText {
    /// What is wrong with it.
    pub reason: String,
}

/// A text column as read from the SQLite store: a `TEXT` value (rows written before
/// compression) or a [`PackedText`] blob, decoded either way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredText(pub String);

impl StoredText {
    /// The text.
    pub fn into_string(self) -> String {
        self.0
    }
}

impl FromSql for StoredText {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        match value {
            ValueRef::Text(t) => std::str::from_utf8(t)
                .map(|s| StoredText(s.to_string()))
                .map_err(|e| FromSqlError::Other(Box::new(e))),
            ValueRef::Blob(b) => PackedText::unpack(b)
                .map(StoredText)
                .map_err(|e| FromSqlError::Other(Box::new(e))),
            _ => Err(FromSqlError::InvalidType),
        }
    }
}

/// The packed form of `text`: `given` when it encodes a text of the same length (the
/// caller packed it on its own thread), else `pack(text)` here.
pub(crate) fn packed_or<'a>(
    given: Option<&'a PackedText>,
    text: &str,
    pack: impl FnOnce(&str) -> PackedText,
) -> std::borrow::Cow<'a, PackedText> {
    match given {
        Some(p) if p.text_len() == text.len() => std::borrow::Cow::Borrowed(p),
        _ => std::borrow::Cow::Owned(pack(text)),
    }
}

/// An article's raw text from its column, given its clean text (already read): `TEXT` in
/// rows written before compression, else packed, perhaps against the clean text.
pub(crate) fn raw_text_from(
    value: ValueRef<'_>,
    column: usize,
    clean_text: &str,
) -> rusqlite::Result<String> {
    let failed = |e: Box<dyn std::error::Error + Send + Sync>| {
        rusqlite::Error::FromSqlConversionFailure(column, value.data_type(), e)
    };
    match value {
        ValueRef::Blob(b) => {
            PackedText::unpack_against(b, clean_text).map_err(|e| failed(Box::new(e)))
        }
        _ => StoredText::column_result(value)
            .map(StoredText::into_string)
            .map_err(|e| match e {
                FromSqlError::Other(e) => failed(e),
                e => failed(Box::new(e)),
            }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn any_text_round_trips(text in any::<String>()) {
            let packed = PackedText::pack(&text);
            prop_assert_eq!(packed.text_len(), text.len());
            prop_assert_eq!(PackedText::unpack(packed.as_bytes()).unwrap(), text);
        }

        #[test]
        fn repetitive_text_round_trips_and_shrinks(
            words in proptest::collection::vec("[a-zA-Zéđ ]{1,12}", 1..40),
            copies in 8usize..60,
        ) {
            let text = words.join(" ").repeat(copies);
            let packed = PackedText::pack(&text);
            prop_assert_eq!(PackedText::unpack(packed.as_bytes()).unwrap(), text.clone());
            if text.len() >= 256 {
                prop_assert!(packed.as_bytes().len() < text.len() / 2, "{:?}", packed);
            }
        }

        #[test]
        fn damaged_bytes_are_an_error_or_some_text_never_a_panic(
            text in "[a-z ]{64,400}",
            at in any::<prop::sample::Index>(),
            byte in any::<u8>(),
        ) {
            let mut bytes = PackedText::pack(&text).as_bytes().to_vec();
            let i = at.index(bytes.len());
            bytes[i] = byte;
            let _ = PackedText::unpack(&bytes);
            let _ = PackedText::unpack(&bytes[..i]);
        }
    }

    proptest! {
        #[test]
        fn any_text_round_trips_against_any_dictionary(
            text in any::<String>(),
            dictionary in any::<String>(),
        ) {
            let packed = PackedText::pack_against(&text, &dictionary);
            prop_assert_eq!(packed.text_len(), text.len());
            prop_assert_eq!(PackedText::unpack_against(packed.as_bytes(), &dictionary).unwrap(), text);
        }

        #[test]
        fn a_raw_text_costs_little_against_its_clean_text(
            words in proptest::collection::vec("[a-zA-Z]{1,12}", 60..400),
            lead in "[A-Za-z >]{0,40}",
            tail in "[A-Za-z :]{0,60}",
        ) {
            let clean = words.join(" ");
            let raw = format!("{lead}\n{clean}\n{tail}");
            let packed = PackedText::pack_against(&raw, &clean);
            prop_assert_eq!(PackedText::unpack_against(packed.as_bytes(), &clean).unwrap(), raw.clone());
            prop_assert!(packed.as_bytes().len() < 160, "{:?}", packed);
        }
    }

    #[test]
    fn a_text_packed_against_a_dictionary_needs_it() {
        let clean = "Dinas Kesehatan mencatat 41 kasus demam berdarah di Garut.";
        let raw = format!("Beranda > Kesehatan\n{clean}\nBaca juga");
        let packed = PackedText::pack_against(&raw, clean);
        let err = PackedText::unpack(packed.as_bytes()).unwrap_err();
        assert!(err.reason.contains("clean text"), "{err}");
        // Another dictionary decodes to something else or fails; never the text.
        let other = "Puskesmas melaporkan dua kasus campak baru di Bima, NTB.";
        assert_ne!(
            PackedText::unpack_against(packed.as_bytes(), other).ok(),
            Some(raw.clone())
        );
        // Texts packed without one read the same with or without it.
        let alone = PackedText::pack(&raw);
        assert_eq!(
            PackedText::unpack_against(alone.as_bytes(), clean).unwrap(),
            raw
        );
    }

    #[test]
    fn long_text_is_lz4_and_short_text_plain() {
        let long = "Dinas Kesehatan mencatat kasus demam berdarah. ".repeat(40);
        assert_eq!(PackedText::pack(&long).as_bytes()[2], CODEC_LZ4);
        assert_eq!(PackedText::pack("DBD").as_bytes(), b"\xFFW\x00DBD");
        assert_eq!(PackedText::pack("").as_bytes(), b"\xFFW\x00");
    }

    #[test]
    fn damage_is_named() {
        let long = "Puskesmas melaporkan dua kasus campak baru. ".repeat(20);
        let good = PackedText::pack(&long).as_bytes().to_vec();
        let err = |b: &[u8]| PackedText::unpack(b).unwrap_err().reason;
        assert!(err(b"plain text").contains("header"));
        assert!(err(b"\xFFW").contains("header"));
        assert!(err(b"\xFFW\x07abc").contains("codec 7"));
        assert!(err(b"\xFFW\x01\x10").contains("cut off"));
        assert!(err(b"\xFFW\x00\xC3\x28").contains("UTF-8"));
        // A length far beyond what the block can hold is refused before allocating.
        let mut huge = good.clone();
        huge[HEADER..HEADER + 4].copy_from_slice(&u32::MAX.to_le_bytes());
        assert!(err(&huge).contains("claims"));
        // A block cut short.
        assert!(PackedText::unpack(&good[..good.len() - 5]).is_err());
    }

    #[test]
    fn a_pack_of_another_text_is_not_used() {
        let text = "Kasus diare di Kupang bertambah menjadi 40 orang. ".repeat(3);
        let mine = PackedText::pack(&text);
        assert!(matches!(
            packed_or(Some(&mine), &text, PackedText::pack),
            std::borrow::Cow::Borrowed(_)
        ));
        let other = PackedText::pack("lain");
        let used = packed_or(Some(&other), &text, PackedText::pack);
        assert_eq!(PackedText::unpack(used.as_bytes()).unwrap(), text);
    }
}
