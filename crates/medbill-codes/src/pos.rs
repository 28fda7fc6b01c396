//! CMS place of service codes.

use std::fmt;
use std::str::FromStr;

use crate::error::{CodeError, CodeSystem};
use crate::text::{fill, serde_as_text, trimmed};

/// A well-formed place of service code: two digits, `01` to `99` (`11` office, `21` inpatient
/// hospital, ...). Whether CMS assigns the code is a look-up in the place of service table.
///
/// ```
/// use medbill_codes::PlaceOfService;
/// let pos: PlaceOfService = "11".parse().unwrap();
/// assert_eq!(pos.value(), 11);
/// assert_eq!(pos.to_string(), "11");
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PlaceOfService(u8);

impl PlaceOfService {
    /// Parses two digits.
    pub fn parse(s: &str) -> Result<Self, CodeError> {
        let t = trimmed(s, CodeSystem::PlaceOfService)?;
        let (b, _) = fill::<2>(t, CodeSystem::PlaceOfService, "2", 2, |_, b| {
            if b.is_ascii_digit() {
                Ok(())
            } else {
                Err("a digit")
            }
        })?;
        let v = (b[0] - b'0') * 10 + (b[1] - b'0');
        Self::new(v)
    }

    /// The code with this value, 1 to 99.
    pub fn new(value: u8) -> Result<Self, CodeError> {
        if (1..=99).contains(&value) {
            Ok(PlaceOfService(value))
        } else {
            Err(CodeError::Unknown {
                system: CodeSystem::PlaceOfService,
                code: format!("{value:02}"),
            })
        }
    }

    /// The numeric value, 1 to 99.
    pub fn value(&self) -> u8 {
        self.0
    }
}

impl FromStr for PlaceOfService {
    type Err = CodeError;
    fn from_str(s: &str) -> Result<Self, CodeError> {
        Self::parse(s)
    }
}

impl fmt::Display for PlaceOfService {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}", self.0)
    }
}

impl fmt::Debug for PlaceOfService {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PlaceOfService({self})")
    }
}

serde_as_text!(
    PlaceOfService,
    "a two-digit place of service code such as \"11\""
);
