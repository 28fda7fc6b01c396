//! Findings (warnings and errors that reading goes on after) and the one fatal error type.

use std::fmt;

use serde::Serialize;

use crate::Position;

/// How serious a [`Diagnostic`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum Severity {
    /// The input departs from the standard in a way real files often do; it was read anyway.
    Warning,
    /// The input breaks a syntax or envelope rule; reading went on, but the data may be wrong.
    Error,
}

/// A warning or error found while reading, with a stable code and the place it was found.
///
/// Codes are stable strings meant for programs (`X12.BOM`, `ENV.SE01_COUNT`); messages are for
/// people and may change. Messages never quote element values, which can hold patient data.
///
/// ```
/// use medbill_x12::{Diagnostic, Position, Severity};
///
/// let d = Diagnostic::error("ENV.SE01_COUNT", "SE01 says 4 segments, the set has 5", Position::at_byte(9));
/// assert_eq!(d.severity, Severity::Error);
/// assert!(d.to_string().starts_with("error ENV.SE01_COUNT"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// Warning or error.
    pub severity: Severity,
    /// Stable identifier of the rule, such as `ENV.SE02_CONTROL`; see [`codes`](crate::codes).
    pub code: &'static str,
    /// What went wrong, for a person to read.
    pub message: String,
    /// Where.
    #[serde(flatten)]
    pub position: Position,
}

impl Diagnostic {
    /// A warning.
    pub fn warning(
        code: &'static str,
        message: impl Into<String>,
        position: Position,
    ) -> Diagnostic {
        Diagnostic {
            severity: Severity::Warning,
            code,
            message: message.into(),
            position,
        }
    }

    /// An error.
    pub fn error(code: &'static str, message: impl Into<String>, position: Position) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            code,
            message: message.into(),
            position,
        }
    }

    /// Whether this is an error rather than a warning.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let severity = match self.severity {
            Severity::Warning => "warning",
            Severity::Error => "error",
        };
        write!(
            f,
            "{severity} {}: {} at {}",
            self.code, self.message, self.position
        )
    }
}

/// The failures that stop reading: the input is not X12 at all, or the source failed.
///
/// Everything else (bad counts, stray segments, odd delimiters) is a [`Diagnostic`] and reading
/// goes on.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum X12Error {
    /// No interchange header (ISA) was found anywhere in the input.
    #[error("not X12: no interchange header (ISA) found in {bytes} bytes")]
    NotX12 {
        /// How many bytes were searched.
        bytes: u64,
    },
    /// A single transaction set grew past the reader's limit.
    #[error("transaction set larger than the limit of {limit} bytes, starting at byte {byte}")]
    TooLarge {
        /// The configured limit in bytes.
        limit: usize,
        /// Byte offset where the oversized set (or unterminated run) starts.
        byte: u64,
    },
    /// Reading from the source failed.
    #[error("I/O error: {0}")]
    Io(#[from] std::io::Error),
}

/// Stable diagnostic codes.
///
/// `X12.*` are about bytes and encoding, `SYN.*` about segment syntax, `ENV.*` about the envelope.
pub mod codes {
    /// A UTF-8 byte order mark precedes the data.
    pub const BOM: &str = "X12.BOM";
    /// The input was UTF-16 and has been decoded.
    pub const UTF16: &str = "X12.UTF16";
    /// The UTF-16 input had invalid code units, replaced by U+FFFD.
    pub const UTF16_INVALID: &str = "X12.UTF16_INVALID";
    /// Line breaks follow segment terminators (a pretty-printed file).
    pub const LINE_BREAKS: &str = "X12.LINE_BREAKS";
    /// Segments are indented with spaces or tabs.
    pub const INDENTATION: &str = "X12.INDENTATION";
    /// The segment terminator is a line break or another control character.
    pub const CONTROL_TERMINATOR: &str = "X12.CONTROL_TERMINATOR";
    /// Text precedes the first interchange.
    pub const LEADING_TEXT: &str = "X12.LEADING_TEXT";
    /// Text sits between two interchanges.
    pub const TEXT_BETWEEN: &str = "X12.TEXT_BETWEEN";
    /// Text follows the last interchange.
    pub const TRAILING_TEXT: &str = "X12.TRAILING_TEXT";
    /// The input holds more than one interchange.
    pub const MULTIPLE_INTERCHANGES: &str = "X12.MULTIPLE_INTERCHANGES";
    /// The segment identifier is not 2 or 3 upper-case letters or digits.
    pub const SEGMENT_ID: &str = "SYN.SEGMENT_ID";
    /// The input ends inside a segment (no terminator).
    pub const UNTERMINATED: &str = "SYN.UNTERMINATED";
    /// The ISA is not padded to its fixed field widths.
    pub const ISA_UNPADDED: &str = "ENV.ISA_UNPADDED";
    /// An ISA field has a value outside its code list or format.
    pub const ISA_VALUE: &str = "ENV.ISA_VALUE";
    /// ISA11 is a letter in a 00501 or later interchange: no repetition separator.
    pub const ISA11_NO_REPETITION: &str = "ENV.ISA11_NO_REPETITION";
    /// A TA1 appears in the interchange (before or instead of a functional group).
    pub const TA1: &str = "ENV.TA1";
    /// A new ISA began before the previous interchange's IEA.
    pub const IEA_MISSING: &str = "ENV.IEA_MISSING";
    /// A functional group was not closed by GE.
    pub const GE_MISSING: &str = "ENV.GE_MISSING";
    /// A transaction set was not closed by SE.
    pub const SE_MISSING: &str = "ENV.SE_MISSING";
    /// A GS appears outside an interchange.
    pub const GS_OUTSIDE_INTERCHANGE: &str = "ENV.GS_OUTSIDE_INTERCHANGE";
    /// An ST appears outside a functional group.
    pub const ST_OUTSIDE_GROUP: &str = "ENV.ST_OUTSIDE_GROUP";
    /// A trailer (SE, GE, IEA) appears without its header.
    pub const UNEXPECTED_TRAILER: &str = "ENV.UNEXPECTED_TRAILER";
    /// A segment other than an envelope segment appears outside a transaction set.
    pub const SEGMENT_OUTSIDE_SET: &str = "ENV.SEGMENT_OUTSIDE_SET";
    /// A required envelope element is missing.
    pub const ELEMENT_MISSING: &str = "ENV.ELEMENT_MISSING";
    /// SE01 does not equal the number of segments in the set, ST and SE included.
    pub const SE01_COUNT: &str = "ENV.SE01_COUNT";
    /// SE02 does not equal ST02.
    pub const SE02_CONTROL: &str = "ENV.SE02_CONTROL";
    /// GE01 does not equal the number of transaction sets in the group.
    pub const GE01_COUNT: &str = "ENV.GE01_COUNT";
    /// GE02 does not equal GS06.
    pub const GE02_CONTROL: &str = "ENV.GE02_CONTROL";
    /// IEA01 does not equal the number of functional groups in the interchange.
    pub const IEA01_COUNT: &str = "ENV.IEA01_COUNT";
    /// IEA02 does not equal ISA13.
    pub const IEA02_CONTROL: &str = "ENV.IEA02_CONTROL";
}
