//! HCPCS Level II codes, and the loader of the CMS alpha-numeric HCPCS file.
//!
//! No current HCPCS release can be obtained here, so this crate ships the loader, not the data:
//! [`HcpcsTable`] reads the file a user downloads from CMS and answers validity by date of service.

use std::fmt;
use std::str::FromStr;

use crate::error::{CodeError, CodeSystem};
use crate::text::{fill, serde_as_text, trimmed};

mod file;

pub(crate) use file::decode_line;
pub use file::{
    HcpcsAction, HcpcsCoverage, HcpcsDates, HcpcsInvalid, HcpcsModifierRecord, HcpcsRecord,
    HcpcsTable,
};

/// The first letters HCPCS Level II uses. `D` codes are CDT dental codes (ADA), not covered here.
const SECTIONS: &[u8] = b"ABCEGHJKLMPQRSTUV";

/// A well-formed HCPCS Level II code: a section letter (`A B C E G H J K L M P Q R S T U V`) and
/// four digits.
///
/// ```
/// use medbill_codes::HcpcsCode;
/// let code: HcpcsCode = "j3490".parse().unwrap();
/// assert_eq!(code.to_string(), "J3490");
/// assert_eq!(code.section(), 'J');
/// assert!("D0120".parse::<HcpcsCode>().is_err()); // CDT dental
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct HcpcsCode([u8; 5]);

impl HcpcsCode {
    /// Parses 5 characters, in any case.
    pub fn parse(s: &str) -> Result<Self, CodeError> {
        let t = trimmed(s, CodeSystem::Hcpcs)?;
        let (bytes, _) = fill::<5>(t, CodeSystem::Hcpcs, "5", 5, |i, b| match i {
            0 if SECTIONS.contains(&b) => Ok(()),
            0 if b == b'D' => Err("a HCPCS section letter (D codes are CDT dental codes)"),
            0 => Err("a HCPCS section letter (A B C E G H J K L M P Q R S T U V)"),
            _ if b.is_ascii_digit() => Ok(()),
            _ => Err("a digit"),
        })?;
        Ok(HcpcsCode(bytes))
    }

    /// The code's text, e.g. `"J3490"`.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or("")
    }

    /// The section letter.
    pub fn section(&self) -> char {
        self.0[0] as char
    }
}

impl FromStr for HcpcsCode {
    type Err = CodeError;
    fn from_str(s: &str) -> Result<Self, CodeError> {
        Self::parse(s)
    }
}

impl fmt::Display for HcpcsCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for HcpcsCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HcpcsCode({self})")
    }
}

serde_as_text!(HcpcsCode, "a HCPCS Level II code such as \"J3490\"");
