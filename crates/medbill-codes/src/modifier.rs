//! Procedure modifiers.

use std::fmt;
use std::str::FromStr;

use crate::error::{CodeError, CodeSystem};
use crate::text::{fill, serde_as_text, trimmed};

/// A well-formed procedure modifier: two letters or digits (`25`, `LT`, `XU`, `F5`).
///
/// Whether the modifier is a known one is a look-up in the modifier table.
///
/// ```
/// use medbill_codes::Modifier;
/// let m: Modifier = "xu".parse().unwrap();
/// assert_eq!(m.as_str(), "XU");
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Modifier([u8; 2]);

impl Modifier {
    /// Parses two characters, in any case.
    pub fn parse(s: &str) -> Result<Self, CodeError> {
        let t = trimmed(s, CodeSystem::Modifier)?;
        let (bytes, _) = fill::<2>(t, CodeSystem::Modifier, "2", 2, |_, b| {
            if b.is_ascii_alphanumeric() {
                Ok(())
            } else {
                Err("a letter or digit")
            }
        })?;
        Ok(Modifier(bytes))
    }

    /// The modifier's text, e.g. `"25"`.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or("")
    }
}

impl FromStr for Modifier {
    type Err = CodeError;
    fn from_str(s: &str) -> Result<Self, CodeError> {
        Self::parse(s)
    }
}

impl fmt::Display for Modifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Modifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Modifier({self})")
    }
}

serde_as_text!(Modifier, "a two-character modifier such as \"25\"");
