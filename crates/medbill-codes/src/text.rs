//! Small shared helpers for the fixed-width ASCII code types.

use crate::error::{CodeError, CodeSystem};

/// Trims `s`, rejects the empty string, and returns the trimmed text.
pub(crate) fn trimmed(s: &str, system: CodeSystem) -> Result<&str, CodeError> {
    let t = s.trim();
    if t.is_empty() {
        Err(CodeError::Empty { system })
    } else {
        Ok(t)
    }
}

/// Copies ASCII alphanumerics of `t` upper-cased into a fixed array, checking each with `ok`.
pub(crate) fn fill<const N: usize>(
    t: &str,
    system: CodeSystem,
    expected_len: &'static str,
    min: usize,
    check: impl Fn(usize, u8) -> Result<(), &'static str>,
) -> Result<([u8; N], usize), CodeError> {
    let n = t.chars().count();
    if n < min || n > N {
        return Err(CodeError::Length {
            system,
            expected: expected_len,
            found: n,
        });
    }
    let mut out = [0u8; N];
    for (i, c) in t.chars().enumerate() {
        let b = if c.is_ascii() {
            c.to_ascii_uppercase() as u8
        } else {
            return Err(CodeError::character(
                system,
                i + 1,
                c,
                "an ASCII letter or digit",
            ));
        };
        if let Err(expected) = check(i, b) {
            return Err(CodeError::character(system, i + 1, c, expected));
        }
        out[i] = b;
    }
    Ok((out, n))
}

/// Implements `Serialize`/`Deserialize` through `Display`/`FromStr`, the canonical text.
macro_rules! serde_as_text {
    ($ty:ty, $what:literal) => {
        impl serde::Serialize for $ty {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }
        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                struct Visitor;
                impl serde::de::Visitor<'_> for Visitor {
                    type Value = $ty;
                    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        f.write_str($what)
                    }
                    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<$ty, E> {
                        v.parse().map_err(E::custom)
                    }
                }
                d.deserialize_str(Visitor)
            }
        }
    };
}
pub(crate) use serde_as_text;
