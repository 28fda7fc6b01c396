//! ICD-9-CM codes, as on claims for dates of service (and inpatient discharges) before
//! October 1 2015, the day HIPAA moved claims to ICD-10.
//!
//! Practices still read such claims: corrections, appeals and history. The codes are checked for
//! their form only; no ICD-9-CM code set is embedded, so whether a well-formed code existed is
//! not known here (the scrubber says so rather than passing it silently).

use std::fmt;
use std::str::FromStr;

use crate::error::{CodeError, CodeSystem};
use crate::text::{serde_as_text, trimmed};

/// A well-formed ICD-9-CM diagnosis code (volumes 1 and 2).
///
/// Three forms, each with an optional dot where the guide puts it and stored without it:
/// - numeric: three digits and up to two more (`250`, `250.0`, `250.00`);
/// - supplementary `V` codes: `V`, two digits and up to two more (`V70`, `V70.0`, `V72.31`);
/// - external cause `E` codes: `E`, three digits and up to one more (`E888`, `E888.9`).
///
/// X12 sends the code without its dot (`25000`); it displays and serialises dotted.
///
/// ```
/// use medbill_codes::Icd9CmCode;
/// let dx: Icd9CmCode = "25000".parse()?;
/// assert_eq!(dx.to_string(), "250.00");
/// assert_eq!(dx.undotted(), "25000");
/// assert_eq!("e8889".parse::<Icd9CmCode>()?.to_string(), "E888.9");
/// assert!("E11.9".parse::<Icd9CmCode>().is_err()); // an ICD-10-CM code
/// assert!("2500".parse::<Icd9CmCode>().is_ok());
/// assert!("25".parse::<Icd9CmCode>().is_err());
/// # Ok::<(), medbill_codes::CodeError>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Icd9CmCode {
    bytes: [u8; 5],
    len: u8,
}

impl Icd9CmCode {
    /// Parses dotted or undotted text, in any case.
    pub fn parse(s: &str) -> Result<Self, CodeError> {
        const SYS: CodeSystem = CodeSystem::Icd9Cm;
        let t = trimmed(s, SYS)?;
        let first = t.as_bytes()[0].to_ascii_uppercase();
        // Characters before the dot, and the most after it, by the code's first character.
        let (head, max_tail, expected) = match first {
            b'E' => (4, 1, "4 or 5"),
            b'V' => (3, 2, "3 to 5"),
            _ => (3, 2, "3 to 5"),
        };
        let mut bytes = [0u8; 5];
        let mut len = 0usize;
        let mut dot = None;
        for (i, c) in t.chars().enumerate() {
            let pos = i + 1;
            if c == '.' {
                if len != head || dot.is_some() {
                    return Err(CodeError::character(
                        SYS,
                        pos,
                        c,
                        if head == 4 {
                            "a single dot, after the fourth character"
                        } else {
                            "a single dot, after the third character"
                        },
                    ));
                }
                dot = Some(pos);
                continue;
            }
            if len == head + max_tail {
                return Err(CodeError::Length {
                    system: SYS,
                    expected,
                    found: t.chars().filter(|&c| c != '.').count(),
                });
            }
            let u = c.to_ascii_uppercase();
            let ok = match len {
                0 => u.is_ascii_digit() || u == 'V' || u == 'E',
                _ => u.is_ascii_digit(),
            };
            if !ok {
                let expected = match len {
                    0 => "a digit, V or E",
                    _ => "a digit",
                };
                return Err(CodeError::character(SYS, pos, c, expected));
            }
            bytes[len] = u as u8;
            len += 1;
        }
        if let Some(pos) = dot
            && len == head
        {
            return Err(CodeError::character(SYS, pos, '.', "a digit after the dot"));
        }
        if len < head {
            return Err(CodeError::Length {
                system: SYS,
                expected,
                found: len,
            });
        }
        Ok(Icd9CmCode {
            bytes,
            len: len as u8,
        })
    }

    /// The code without its dot, e.g. `"25000"`: the form X12 sends.
    pub fn undotted(&self) -> &str {
        std::str::from_utf8(&self.bytes[..self.len as usize]).unwrap_or("")
    }

    /// The characters before the dot: the three-character category (`250`, `V70`) or, for an
    /// external cause code, the four-character one (`E888`).
    pub fn category(&self) -> &str {
        &self.undotted()[..self.head()]
    }

    /// Whether this is a supplementary classification code (`V01` to `V91`).
    pub fn is_supplementary(&self) -> bool {
        self.bytes[0] == b'V'
    }

    /// Whether this is an external cause of injury code (`E000` to `E999`).
    pub fn is_external_cause(&self) -> bool {
        self.bytes[0] == b'E'
    }

    fn head(&self) -> usize {
        if self.is_external_cause() { 4 } else { 3 }
    }
}

impl FromStr for Icd9CmCode {
    type Err = CodeError;
    fn from_str(s: &str) -> Result<Self, CodeError> {
        Self::parse(s)
    }
}

impl fmt::Display for Icd9CmCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (s, head) = (self.undotted(), self.head());
        if s.len() > head {
            write!(f, "{}.{}", &s[..head], &s[head..])
        } else {
            f.write_str(s)
        }
    }
}

impl fmt::Debug for Icd9CmCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Icd9CmCode({self})")
    }
}

serde_as_text!(Icd9CmCode, "an ICD-9-CM diagnosis code such as \"250.00\"");

/// A well-formed ICD-9-CM procedure code (volume 3): two digits and up to two more, with an
/// optional dot after the second (`33`, `33.1`, `33.10`). Reported on institutional claims for
/// inpatient discharges before October 1 2015.
///
/// X12 sends the code without its dot (`3310`); it displays and serialises dotted.
///
/// ```
/// use medbill_codes::Icd9ProcedureCode;
/// let p: Icd9ProcedureCode = "3310".parse()?;
/// assert_eq!(p.to_string(), "33.10");
/// assert_eq!(p.undotted(), "3310");
/// assert!("0DTJ4ZZ".parse::<Icd9ProcedureCode>().is_err());
/// # Ok::<(), medbill_codes::CodeError>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Icd9ProcedureCode {
    bytes: [u8; 4],
    len: u8,
}

impl Icd9ProcedureCode {
    /// Parses dotted or undotted text.
    pub fn parse(s: &str) -> Result<Self, CodeError> {
        const SYS: CodeSystem = CodeSystem::Icd9Procedure;
        let t = trimmed(s, SYS)?;
        let mut bytes = [0u8; 4];
        let mut len = 0usize;
        let mut dot = None;
        for (i, c) in t.chars().enumerate() {
            let pos = i + 1;
            if c == '.' {
                if len != 2 || dot.is_some() {
                    return Err(CodeError::character(
                        SYS,
                        pos,
                        c,
                        "a single dot, after the second digit",
                    ));
                }
                dot = Some(pos);
                continue;
            }
            if len == 4 {
                return Err(CodeError::Length {
                    system: SYS,
                    expected: "2 to 4",
                    found: t.chars().filter(|&c| c != '.').count(),
                });
            }
            if !c.is_ascii_digit() {
                return Err(CodeError::character(SYS, pos, c, "a digit"));
            }
            bytes[len] = c as u8;
            len += 1;
        }
        if let Some(pos) = dot
            && len == 2
        {
            return Err(CodeError::character(SYS, pos, '.', "a digit after the dot"));
        }
        if len < 2 {
            return Err(CodeError::Length {
                system: SYS,
                expected: "2 to 4",
                found: len,
            });
        }
        Ok(Icd9ProcedureCode {
            bytes,
            len: len as u8,
        })
    }

    /// The code without its dot, e.g. `"3310"`: the form X12 sends.
    pub fn undotted(&self) -> &str {
        std::str::from_utf8(&self.bytes[..self.len as usize]).unwrap_or("")
    }
}

impl FromStr for Icd9ProcedureCode {
    type Err = CodeError;
    fn from_str(s: &str) -> Result<Self, CodeError> {
        Self::parse(s)
    }
}

impl fmt::Display for Icd9ProcedureCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = self.undotted();
        if s.len() > 2 {
            write!(f, "{}.{}", &s[..2], &s[2..])
        } else {
            f.write_str(s)
        }
    }
}

impl fmt::Debug for Icd9ProcedureCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Icd9ProcedureCode({self})")
    }
}

serde_as_text!(
    Icd9ProcedureCode,
    "an ICD-9-CM procedure code such as \"33.10\""
);

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn diagnosis_forms() {
        for (text, shown) in [
            ("250", "250"),
            ("2500", "250.0"),
            ("25000", "250.00"),
            ("250.00", "250.00"),
            ("v700", "V70.0"),
            ("V7231", "V72.31"),
            ("E888", "E888"),
            ("E8889", "E888.9"),
            ("E888.9", "E888.9"),
            (" 4019 ", "401.9"),
        ] {
            assert_eq!(
                Icd9CmCode::parse(text).unwrap().to_string(),
                shown,
                "{text}"
            );
        }
        for bad in [
            "", "25", "250000", "E88", "E88891", "V7", "V72311", "A250", "25.00", "250.", "250..0",
            "E888.", "E88.89", "2x0", "E11.9", "ÿ12",
        ] {
            assert!(Icd9CmCode::parse(bad).is_err(), "{bad:?} parsed");
        }
    }

    #[test]
    fn procedure_forms() {
        for (text, shown) in [
            ("33", "33"),
            ("331", "33.1"),
            ("3310", "33.10"),
            ("33.10", "33.10"),
        ] {
            assert_eq!(Icd9ProcedureCode::parse(text).unwrap().to_string(), shown);
        }
        for bad in ["", "3", "33101", "3.310", "33.", "A310", "0DTJ4ZZ"] {
            assert!(Icd9ProcedureCode::parse(bad).is_err(), "{bad:?} parsed");
        }
    }

    #[test]
    fn errors_name_the_system_and_character() {
        let e = Icd9CmCode::parse("2X0").unwrap_err();
        assert_eq!(
            e.to_string(),
            "ICD-9-CM code has 'X' at character 2; expected a digit"
        );
    }

    proptest! {
        #[test]
        fn dotted_and_undotted_agree(head in "[0-9]{3}|V[0-9]{2}", tail in "[0-9]{0,2}") {
            let undotted = format!("{head}{tail}");
            let a = Icd9CmCode::parse(&undotted).unwrap();
            let dotted = if tail.is_empty() { head.clone() } else { format!("{head}.{tail}") };
            prop_assert_eq!(a, Icd9CmCode::parse(&dotted).unwrap());
            prop_assert_eq!(a.to_string(), dotted.clone());
            prop_assert_eq!(Icd9CmCode::parse(&a.to_string()).unwrap(), a);
        }

        #[test]
        fn never_panics(s in "\\PC{0,8}") {
            let _ = Icd9CmCode::parse(&s);
            let _ = Icd9ProcedureCode::parse(&s);
        }
    }
}
