//! National Provider Identifiers.

use std::fmt;
use std::str::FromStr;

use crate::error::{CodeError, CodeSystem};
use crate::text::{fill, serde_as_text, trimmed};

/// A National Provider Identifier: ten digits whose last is a Luhn check digit computed over the
/// first nine prefixed with `80840` (the ISO card-issuer prefix for US health). A value of this
/// type always has a correct check digit.
///
/// ```
/// use medbill_codes::Npi;
/// let npi: Npi = "1234567893".parse().unwrap();
/// assert_eq!(npi.to_string(), "1234567893");
/// assert!("1234567890".parse::<Npi>().is_err());
/// assert_eq!(Npi::check_digit(*b"123456789"), 3);
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Npi([u8; 10]);

impl Npi {
    /// Parses ten digits and checks the check digit.
    pub fn parse(s: &str) -> Result<Self, CodeError> {
        let t = trimmed(s, CodeSystem::Npi)?;
        let (b, _) = fill::<10>(t, CodeSystem::Npi, "10", 10, |_, b| {
            if b.is_ascii_digit() {
                Ok(())
            } else {
                Err("a digit")
            }
        })?;
        let mut base = [0u8; 9];
        base.copy_from_slice(&b[..9]);
        let expected = Self::check_digit(base);
        let found = b[9] - b'0';
        if found != expected {
            return Err(CodeError::CheckDigit { found, expected });
        }
        Ok(Npi(b))
    }

    /// The check digit for nine ASCII digits (non-digits count as 0).
    pub fn check_digit(first_nine: [u8; 9]) -> u8 {
        // 24 is the Luhn contribution of the constant prefix 80840.
        let mut sum = 24u32;
        for (i, &c) in first_nine.iter().rev().enumerate() {
            let d = u32::from(c.wrapping_sub(b'0')) % 10;
            sum += if i % 2 == 0 {
                let x = d * 2;
                if x > 9 { x - 9 } else { x }
            } else {
                d
            };
        }
        ((10 - sum % 10) % 10) as u8
    }

    /// Completes nine digits with their check digit.
    pub fn from_first_nine(first_nine: [u8; 9]) -> Result<Self, CodeError> {
        let mut b = [0u8; 10];
        b[..9].copy_from_slice(&first_nine);
        b[9] = b'0' + Self::check_digit(first_nine);
        Self::parse(std::str::from_utf8(&b).map_err(|_| CodeError::Length {
            system: CodeSystem::Npi,
            expected: "10",
            found: 0,
        })?)
    }

    /// The ten digits.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or("")
    }
}

impl FromStr for Npi {
    type Err = CodeError;
    fn from_str(s: &str) -> Result<Self, CodeError> {
        Self::parse(s)
    }
}

impl fmt::Display for Npi {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Npi {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Npi({self})")
    }
}

serde_as_text!(Npi, "a ten-digit NPI such as \"1234567893\"");
