//! ICD-10-CM diagnosis codes.

use std::fmt;
use std::str::FromStr;

use crate::error::{CodeError, CodeSystem};
use crate::text::{serde_as_text, trimmed};

/// A well-formed ICD-10-CM code: 3 to 7 characters, a letter and then letters or digits (`X` is
/// the placeholder). The second character is a digit in every category but `QA0`, added in
/// FY2026, so a letter is accepted there too.
///
/// Well-formed is not valid: whether the code exists and is billable on a date of service is a
/// look-up against the embedded code set. The code is stored undotted and upper-case; it displays
/// and serialises dotted (`E11.9`) and parses from either form in any case.
///
/// ```
/// use medbill_codes::Icd10CmCode;
/// let code: Icd10CmCode = "e119".parse().unwrap();
/// assert_eq!(code.to_string(), "E11.9");
/// assert_eq!(code.undotted(), "E119");
/// assert_eq!(code.category(), "E11");
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Icd10CmCode {
    bytes: [u8; 7],
    len: u8,
}

impl Icd10CmCode {
    /// Parses dotted or undotted text, in any case.
    pub fn parse(s: &str) -> Result<Self, CodeError> {
        const SYS: CodeSystem = CodeSystem::Icd10Cm;
        let t = trimmed(s, SYS)?;
        let mut bytes = [0u8; 7];
        let mut len = 0usize;
        let mut dotted = false;
        for (i, c) in t.chars().enumerate() {
            let pos = i + 1;
            if c == '.' {
                if len != 3 || dotted {
                    return Err(CodeError::character(
                        SYS,
                        pos,
                        c,
                        "a single dot, after the third character",
                    ));
                }
                dotted = true;
                continue;
            }
            if len == 7 {
                return Err(CodeError::Length {
                    system: SYS,
                    expected: "3 to 7",
                    found: t.chars().filter(|&c| c != '.').count(),
                });
            }
            let u = c.to_ascii_uppercase();
            let ok = match len {
                0 => u.is_ascii_uppercase(),
                _ => u.is_ascii_uppercase() || u.is_ascii_digit(),
            };
            if !ok {
                let expected = match len {
                    0 => "a letter",
                    _ => "a letter or digit",
                };
                return Err(CodeError::character(SYS, pos, c, expected));
            }
            bytes[len] = u as u8;
            len += 1;
        }
        if t.ends_with('.') && len == 3 {
            return Err(CodeError::character(
                SYS,
                t.chars().count(),
                '.',
                "a letter or digit after the dot",
            ));
        }
        if len < 3 {
            return Err(CodeError::Length {
                system: SYS,
                expected: "3 to 7",
                found: len,
            });
        }
        Ok(Icd10CmCode {
            bytes,
            len: len as u8,
        })
    }

    /// Builds a code from a record of the embedded table (ASCII letters and digits, 3 to 7).
    pub(crate) fn from_table(bytes: [u8; 7], len: usize) -> Self {
        Icd10CmCode {
            bytes,
            len: len as u8,
        }
    }

    /// The undotted bytes, NUL-padded to 7: the embedded table's key.
    pub(crate) fn key_bytes(&self) -> [u8; 7] {
        self.bytes
    }

    /// The code without its dot, e.g. `"E119"`.
    pub fn undotted(&self) -> &str {
        // Only ASCII letters and digits are ever stored.
        std::str::from_utf8(&self.bytes[..self.len as usize]).unwrap_or("")
    }

    /// The three-character category, e.g. `"E11"`.
    pub fn category(&self) -> &str {
        &self.undotted()[..3]
    }

    /// Number of characters, dot excluded (3 to 7).
    #[allow(clippy::len_without_is_empty)] // a code is never empty
    pub fn len(&self) -> usize {
        self.len as usize
    }

    /// The character at 0-based `index`, if the code is that long.
    pub fn char_at(&self, index: usize) -> Option<char> {
        (index < self.len()).then(|| self.bytes[index] as char)
    }
}

impl FromStr for Icd10CmCode {
    type Err = CodeError;
    fn from_str(s: &str) -> Result<Self, CodeError> {
        Self::parse(s)
    }
}

impl fmt::Display for Icd10CmCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = self.undotted();
        if s.len() > 3 {
            write!(f, "{}.{}", &s[..3], &s[3..])
        } else {
            f.write_str(s)
        }
    }
}

impl fmt::Debug for Icd10CmCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Icd10CmCode({self})")
    }
}

serde_as_text!(Icd10CmCode, "an ICD-10-CM code such as \"E11.9\"");
