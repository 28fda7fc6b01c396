//! Revenue codes (NUBC, UB-04 form locator 42): the department or kind of charge of an
//! institutional service line.

use std::fmt;
use std::str::FromStr;

use crate::error::{CodeError, CodeSystem};
use crate::text::{fill, serde_as_text, trimmed};

/// A well-formed revenue code: four digits, such as `0450` (emergency room) or `0001` (total
/// charges).
///
/// The list of codes and their meanings is the National Uniform Billing Committee's and is not
/// shipped; only the form is checked. A three-digit code (`450`) is the old UB-92 form and does
/// not parse: claims must send the leading zero.
///
/// ```
/// use medbill_codes::RevenueCode;
/// let rev: RevenueCode = "0450".parse()?;
/// assert_eq!(rev.as_str(), "0450");
/// assert_eq!(rev.category(), "045");
/// assert!("450".parse::<RevenueCode>().is_err());
/// # Ok::<(), medbill_codes::CodeError>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RevenueCode([u8; 4]);

impl RevenueCode {
    /// Parses four digits.
    pub fn parse(s: &str) -> Result<Self, CodeError> {
        let t = trimmed(s, CodeSystem::RevenueCode)?;
        let (bytes, _) = fill::<4>(t, CodeSystem::RevenueCode, "4", 4, |_, b| {
            if b.is_ascii_digit() {
                Ok(())
            } else {
                Err("a digit")
            }
        })?;
        Ok(RevenueCode(bytes))
    }

    /// The code's text, e.g. `"0450"`.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or("")
    }

    /// The first three digits: the revenue category (`045` emergency room).
    pub fn category(&self) -> &str {
        &self.as_str()[..3]
    }
}

impl FromStr for RevenueCode {
    type Err = CodeError;
    fn from_str(s: &str) -> Result<Self, CodeError> {
        Self::parse(s)
    }
}

impl fmt::Display for RevenueCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for RevenueCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RevenueCode({self})")
    }
}

serde_as_text!(RevenueCode, "a four-digit revenue code such as \"0450\"");
