//! ICD-10-PCS inpatient procedure codes.

use std::fmt;
use std::str::FromStr;

use crate::error::{CodeError, CodeSystem};
use crate::text::{fill, serde_as_text, trimmed};

/// A well-formed ICD-10-PCS code: exactly 7 characters, each a digit or a letter other than
/// `I` and `O` (which PCS never uses, to avoid confusion with 1 and 0).
///
/// ```
/// use medbill_codes::Icd10PcsCode;
/// let code: Icd10PcsCode = "0dtj4zz".parse().unwrap();
/// assert_eq!(code.to_string(), "0DTJ4ZZ");
/// assert_eq!(code.section(), '0');
/// assert!("0DTJ4ZO".parse::<Icd10PcsCode>().is_err());
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Icd10PcsCode([u8; 7]);

impl Icd10PcsCode {
    /// Parses 7 characters, in any case.
    pub fn parse(s: &str) -> Result<Self, CodeError> {
        let t = trimmed(s, CodeSystem::Icd10Pcs)?;
        let (bytes, _) = fill::<7>(t, CodeSystem::Icd10Pcs, "7", 7, |_, b| {
            if (b.is_ascii_digit() || b.is_ascii_uppercase()) && b != b'I' && b != b'O' {
                Ok(())
            } else {
                Err("a digit or a letter other than I and O")
            }
        })?;
        Ok(Icd10PcsCode(bytes))
    }

    /// The code's text, e.g. `"0DTJ4ZZ"`.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or("")
    }

    /// The first character: the section (`0` Medical and Surgical, `B` Imaging, ...).
    pub fn section(&self) -> char {
        self.0[0] as char
    }
}

impl FromStr for Icd10PcsCode {
    type Err = CodeError;
    fn from_str(s: &str) -> Result<Self, CodeError> {
        Self::parse(s)
    }
}

impl fmt::Display for Icd10PcsCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Icd10PcsCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Icd10PcsCode({self})")
    }
}

serde_as_text!(Icd10PcsCode, "an ICD-10-PCS code such as \"0DTJ4ZZ\"");
