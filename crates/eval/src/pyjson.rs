//! A tiny ordered JSON value printed exactly as Python's `json.dumps` prints it.
//!
//! `score.py` prints its figures with `json.dumps`, whose layout differs from serde_json's
//! compact form (`", "` and `": "` separators, `repr` floats, `\uXXXX` for non-ASCII) and
//! whose objects keep insertion order. Matching the reference text byte for byte is the
//! point of this crate, so the figures are built as this value and printed by hand.

use serde::ser::{Serialize, SerializeMap, Serializer};
use std::fmt::Write as _;

/// A JSON value whose objects keep their keys in insertion order.
#[derive(Debug, Clone, PartialEq)]
pub enum Json {
    /// `null` (Python `None`).
    Null,
    /// An integer.
    Int(i64),
    /// A float, printed like Python's `repr`.
    Float(f64),
    /// A string.
    Str(String),
    /// An object, in insertion order.
    Obj(Vec<(String, Json)>),
}

impl Json {
    /// `Some(x)` as a float, `None` as null.
    pub fn opt_float(x: Option<f64>) -> Json {
        x.map_or(Json::Null, Json::Float)
    }

    /// Prints the value as Python's `json.dumps(value)` would (default arguments).
    pub fn dumps(&self) -> String {
        let mut out = String::new();
        self.write_py(&mut out);
        out
    }

    fn write_py(&self, out: &mut String) {
        match self {
            Json::Null => out.push_str("null"),
            Json::Int(i) => {
                let _ = write!(out, "{i}");
            }
            Json::Float(f) => out.push_str(&py_float_repr(*f)),
            Json::Str(s) => write_py_string(s, out),
            Json::Obj(entries) => {
                out.push('{');
                for (i, (k, v)) in entries.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    write_py_string(k, out);
                    out.push_str(": ");
                    v.write_py(out);
                }
                out.push('}');
            }
        }
    }
}

impl Serialize for Json {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Json::Null => s.serialize_none(),
            Json::Int(i) => s.serialize_i64(*i),
            Json::Float(f) => s.serialize_f64(*f),
            Json::Str(x) => s.serialize_str(x),
            Json::Obj(entries) => {
                let mut map = s.serialize_map(Some(entries.len()))?;
                for (k, v) in entries {
                    map.serialize_entry(k, v)?;
                }
                map.end()
            }
        }
    }
}

/// Python's `round(x, 4)`: half-to-even on the exact binary value.
///
/// Rust's fixed-precision formatting rounds the exact value half-to-even too, and parsing
/// the digits back gives the nearest double, which is what CPython returns.
pub fn round4(x: f64) -> f64 {
    if !x.is_finite() {
        return x;
    }
    format!("{x:.4}").parse().unwrap_or(x)
}

/// Python's `repr(float)`: shortest round-trip digits, scientific below 1e-4 and from 1e16.
pub fn py_float_repr(x: f64) -> String {
    if x.is_nan() {
        return "NaN".into();
    }
    if x.is_infinite() {
        return if x > 0.0 { "Infinity" } else { "-Infinity" }.into();
    }
    if x == 0.0 {
        return if x.is_sign_negative() { "-0.0" } else { "0.0" }.into();
    }
    // `{:e}` gives the shortest round-trip digits with the decimal exponent.
    let sci = format!("{x:e}");
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    if (-4..16).contains(&exp) {
        let plain = format!("{x}");
        if plain.contains('.') {
            plain
        } else {
            plain + ".0"
        }
    } else {
        let sign = if exp < 0 { '-' } else { '+' };
        format!("{mantissa}e{sign}{:02}", exp.abs())
    }
}

fn write_py_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            ' '..='~' => out.push(c),
            _ => {
                let mut buf = [0u16; 2];
                for unit in c.encode_utf16(&mut buf) {
                    let _ = write!(out, "\\u{unit:04x}");
                }
            }
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_print_like_python_repr() {
        // Expected strings are what CPython 3 prints for repr(x).
        assert_eq!(py_float_repr(1.0), "1.0");
        assert_eq!(py_float_repr(0.9), "0.9");
        assert_eq!(py_float_repr(0.0001), "0.0001");
        assert_eq!(py_float_repr(0.00001), "1e-05");
        assert_eq!(py_float_repr(1e16), "1e+16");
        assert_eq!(py_float_repr(123456.0), "123456.0");
        assert_eq!(py_float_repr(1.5e-7), "1.5e-07");
    }

    #[test]
    fn round4_is_half_even_like_python() {
        // round(0.03125, 4) == 0.0312 and round(0.96875, 4) == 0.9688 in CPython.
        assert_eq!(round4(0.03125), 0.0312);
        assert_eq!(round4(0.96875), 0.9688);
        assert_eq!(round4(2.0 / 3.0), 0.6667);
    }

    #[test]
    fn objects_use_python_separators_and_ascii_escapes() {
        let v = Json::Obj(vec![
            ("a".into(), Json::Int(1)),
            ("b é".into(), Json::Str("x\"\n𝄞".into())),
            ("c".into(), Json::Null),
        ]);
        assert_eq!(
            v.dumps(),
            r#"{"a": 1, "b \u00e9": "x\"\n\ud834\udd1e", "c": null}"#
        );
    }
}
