//! CPT codes: format and category only. CPT descriptors are licensed by the AMA and are not
//! shipped; a licensee loads its own file at run time.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::{CodeError, CodeSystem};
use crate::text::{fill, serde_as_text, trimmed};

/// The CPT category a code's format places it in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum CptCategory {
    /// Category I: five digits (`99213`).
    CategoryI,
    /// Category II performance measures: four digits and `F` (`3008F`).
    CategoryII,
    /// Category III emerging technology: four digits and `T` (`0042T`).
    CategoryIII,
    /// Proprietary Laboratory Analyses: four digits and `U` (`0001U`).
    Pla,
}

/// A well-formed CPT code: four digits and then a digit, `F`, `T` or `U`.
///
/// ```
/// use medbill_codes::{CptCode, CptCategory};
/// let code: CptCode = "3008f".parse().unwrap();
/// assert_eq!(code.to_string(), "3008F");
/// assert_eq!(code.category(), CptCategory::CategoryII);
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CptCode([u8; 5]);

impl CptCode {
    /// Parses 5 characters, in any case.
    pub fn parse(s: &str) -> Result<Self, CodeError> {
        let t = trimmed(s, CodeSystem::Cpt)?;
        let (bytes, _) = fill::<5>(t, CodeSystem::Cpt, "5", 5, |i, b| match i {
            0..=3 if b.is_ascii_digit() => Ok(()),
            0..=3 => Err("a digit"),
            _ if b.is_ascii_digit() || matches!(b, b'F' | b'T' | b'U') => Ok(()),
            _ => Err("a digit, F (Category II), T (Category III) or U (PLA)"),
        })?;
        Ok(CptCode(bytes))
    }

    /// The code's text, e.g. `"99213"`.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or("")
    }

    /// The category the fifth character places the code in.
    pub fn category(&self) -> CptCategory {
        match self.0[4] {
            b'F' => CptCategory::CategoryII,
            b'T' => CptCategory::CategoryIII,
            b'U' => CptCategory::Pla,
            _ => CptCategory::CategoryI,
        }
    }
}

impl FromStr for CptCode {
    type Err = CodeError;
    fn from_str(s: &str) -> Result<Self, CodeError> {
        Self::parse(s)
    }
}

impl fmt::Display for CptCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for CptCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CptCode({self})")
    }
}

serde_as_text!(CptCode, "a CPT code such as \"99213\"");
