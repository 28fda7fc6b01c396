//! What a reader could not use, or a check found, with where it was in the input.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::ClaimError;
use crate::text::Text;

/// Where a value was in the input it was read from: the segment (its 1-based index in the
/// input and its id), the byte offset of the value itself, and the element and component.
///
/// It carries no value, so it can be printed and logged freely.
///
/// ```
/// use medbill_claim::Location;
/// let at = Location::new(14, "SV1", 512).element(1).component(3);
/// assert_eq!(at.to_string(), "segment 14 (SV1), element 1-3, byte 512");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Location {
    /// 1-based index of the segment in the input (the first segment of a file is 1).
    pub segment: u64,
    /// The segment id, such as `SV1`.
    pub segment_id: Text,
    /// Byte offset of the value (of the segment, when the problem is the whole segment).
    pub byte: u64,
    /// 1-based element position, when the problem is one element.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub element: Option<u32>,
    /// 1-based component position, when the problem is one component.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub component: Option<u32>,
}

impl Location {
    /// The segment at `segment` (1-based index) with id `segment_id`, starting at `byte`.
    pub fn new(segment: u64, segment_id: &str, byte: u64) -> Self {
        Location {
            segment,
            segment_id: Text::from(segment_id),
            byte,
            element: None,
            component: None,
        }
    }

    /// The same location, naming a 1-based element.
    #[must_use]
    pub fn element(mut self, element: u32) -> Self {
        self.element = Some(element);
        self
    }

    /// The same location, naming a 1-based component.
    #[must_use]
    pub fn component(mut self, component: u32) -> Self {
        self.component = Some(component);
        self
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "segment {} ({})", self.segment, self.segment_id)?;
        match (self.element, self.component) {
            (Some(e), Some(c)) => write!(f, ", element {e}-{c}")?,
            (Some(e), None) => write!(f, ", element {e}")?,
            _ => {}
        }
        write!(f, ", byte {}", self.byte)
    }
}

/// Something about a claim or remittance that is not right: a value a reader could not hold as
/// its type (kept as sent), something missing, or a rule of the claim form broken.
///
/// Readers attach the problems they find to the claim (or claim payment) with where each was in
/// the input ([`at`](Self::at)); [`Claim::check`](crate::Claim::check) adds what the claim's own
/// rules find. The scrubber turns each into a finding with an edit id.
///
/// The error names the field (`lines[0].procedure`) and the reason. [`sent`](Self::sent) is
/// the value as sent, and only for code fields: names, identifiers, dates of birth and addresses
/// are never copied into a problem.
///
/// ```
/// use medbill_claim::{ClaimError, Location, Problem};
/// let p = Problem::new(ClaimError::NotANumber { field: "lines[0].charge".into() })
///     .at(Location::new(14, "SV1", 520).element(2));
/// assert_eq!(p.field(), Some("lines[0].charge"));
/// assert_eq!(p.to_string(), "lines[0].charge is not a number at segment 14 (SV1), element 2, byte 520");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Problem {
    /// What is wrong, naming the field.
    #[serde(with = "error_text")]
    pub error: ClaimError,
    /// Where it was in the input, when it was read from one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<Location>,
    /// The value as sent, for code fields only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sent: Option<Text>,
}

impl Problem {
    /// A problem without a location.
    pub fn new(error: ClaimError) -> Self {
        Problem {
            error,
            at: None,
            sent: None,
        }
    }

    /// The same problem, located in the input.
    #[must_use]
    pub fn at(mut self, at: Location) -> Self {
        self.at = Some(at);
        self
    }

    /// The same problem, with the code as sent (for code fields only; never PHI).
    #[must_use]
    pub fn sent(mut self, code: impl Into<Text>) -> Self {
        self.sent = Some(code.into());
        self
    }

    /// The field path, such as `lines[0].procedure`.
    pub fn field(&self) -> Option<&str> {
        self.error.field()
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.error)?;
        if let Some(at) = &self.at {
            write!(f, " at {at}")?;
        }
        Ok(())
    }
}

impl From<ClaimError> for Problem {
    fn from(error: ClaimError) -> Self {
        Problem::new(error)
    }
}

/// A problem's error in JSON: `{"field": ..., "kind": ..., "message": ...}`. Read back, the
/// kinds that are only a field come back as themselves and the others as
/// [`ClaimError::Invalid`] with their reason (a code error's details are in its message).
mod error_text {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use crate::error::ClaimError;

    #[derive(Serialize, Deserialize)]
    struct Shown {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        field: Option<String>,
        kind: String,
        message: String,
    }

    pub(super) fn serialize<S: Serializer>(e: &ClaimError, s: S) -> Result<S::Ok, S::Error> {
        Shown {
            field: e.field().map(str::to_owned),
            kind: e.kind().to_owned(),
            message: e.to_string(),
        }
        .serialize(s)
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<ClaimError, D::Error> {
        let shown = Shown::deserialize(d)?;
        let field = shown.field.unwrap_or_default();
        Ok(match shown.kind.as_str() {
            "missing" => ClaimError::Missing { field },
            "empty" => ClaimError::Empty { field },
            "not_a_number" => ClaimError::NotANumber { field },
            "not_a_date" => ClaimError::NotADate { field },
            "not_text" => ClaimError::NotText { field },
            _ => {
                // The message starts with the field; keep only the reason after it.
                let reason = shown
                    .message
                    .strip_prefix(field.as_str())
                    .map(|r| r.trim_start_matches([':', ' ']))
                    .unwrap_or(&shown.message)
                    .to_owned();
                ClaimError::Invalid { field, reason }
            }
        })
    }
}
