//! Small shared helpers for the fixed-width ASCII code types.

use crate::error::{CodeError, CodeSystem};

/// Trims `s`, rejects the empty string, and returns the trimmed text.
pub(crate) fn trimmed(s: &str, system: CodeSystem) -> Result<&str, CodeError> {
    let t = match s.as_bytes() {
        // The usual code, already trimmed: `str::trim` is an out-of-line call per code.
        [a, .., b] | [a @ b] if a.is_ascii_graphic() && b.is_ascii_graphic() => s,
        _ => s.trim(),
    };
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
    if t.is_ascii() {
        // The usual case, byte by byte: a code is a few ASCII characters, and counting and
        // decoding `char`s cost more than the checks themselves.
        let n = t.len();
        if n < min || n > N {
            return Err(length_error(system, expected_len, n));
        }
        let mut out = [0u8; N];
        for (i, (slot, &given)) in out.iter_mut().zip(t.as_bytes()).enumerate() {
            let b = given.to_ascii_uppercase();
            if let Err(expected) = check(i, b) {
                return Err(CodeError::character(
                    system,
                    i + 1,
                    char::from(given),
                    expected,
                ));
            }
            *slot = b;
        }
        return Ok((out, n));
    }
    let n = t.chars().count();
    if n < min || n > N {
        return Err(length_error(system, expected_len, n));
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

fn length_error(system: CodeSystem, expected: &'static str, found: usize) -> CodeError {
    CodeError::Length {
        system,
        expected,
        found,
    }
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

#[cfg(test)]
mod tests {
    use super::fill;
    use crate::error::{CodeError, CodeSystem};
    use proptest::prelude::*;

    /// `fill` as written before its ASCII fast path: one `char` at a time.
    fn by_chars(
        t: &str,
        min: usize,
        check: impl Fn(usize, u8) -> Result<(), &'static str>,
    ) -> Result<([u8; 7], usize), CodeError> {
        let system = CodeSystem::Icd10Cm;
        let n = t.chars().count();
        if n < min || n > 7 {
            return Err(CodeError::Length {
                system,
                expected: "3 to 7",
                found: n,
            });
        }
        let mut out = [0u8; 7];
        for (i, c) in t.chars().enumerate() {
            if !c.is_ascii() {
                return Err(CodeError::character(
                    system,
                    i + 1,
                    c,
                    "an ASCII letter or digit",
                ));
            }
            let b = c.to_ascii_uppercase() as u8;
            check(i, b).map_err(|e| CodeError::character(system, i + 1, c, e))?;
            out[i] = b;
        }
        Ok((out, n))
    }

    fn letter_then_alnum(i: usize, b: u8) -> Result<(), &'static str> {
        match (i, b) {
            (0, b'A'..=b'Z') | (1.., b'A'..=b'Z' | b'0'..=b'9') => Ok(()),
            (0, _) => Err("a letter"),
            _ => Err("a letter or digit"),
        }
    }

    #[test]
    fn trimmed_is_str_trim() {
        for s in [
            "",
            " ",
            "a",
            " a",
            "a ",
            " a b ",
            "\u{a0}E11\u{3000}",
            "é",
            "\tZ\n",
        ] {
            let ours = super::trimmed(s, CodeSystem::Icd10Cm).map_err(|e| e.to_string());
            let theirs = match s.trim() {
                "" => Err(CodeError::Empty {
                    system: CodeSystem::Icd10Cm,
                }
                .to_string()),
                t => Ok(t),
            };
            assert_eq!(ours, theirs, "{s:?}");
        }
    }

    proptest! {
        #[test]
        fn fast_path_is_the_char_path(t in "[a-zA-Z0-9 .é*]{0,9}") {
            let ours = fill::<7>(&t, CodeSystem::Icd10Cm, "3 to 7", 3, letter_then_alnum);
            let theirs = by_chars(&t, 3, letter_then_alnum);
            prop_assert_eq!(format!("{ours:?}"), format!("{theirs:?}"));
        }
    }
}
