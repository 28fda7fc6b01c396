//! The crate's one error type.

use medbill_codes::CodeError;
use rust_decimal::Decimal;

/// Why a claim, remittance or ledger record could not be built or read.
///
/// Every kind names the field it is about as a path such as `lines[1].modifiers`, so a caller
/// can point at the input. No kind carries PHI: names, birth dates, member IDs and addresses
/// never appear in the message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ClaimError {
    /// A required field was not given.
    #[error("{field} is required")]
    Missing {
        /// The field path.
        field: String,
    },
    /// A money amount or quantity that cannot be negative was negative.
    #[error("{field} is {amount}, which is negative")]
    Negative {
        /// The field path.
        field: String,
        /// The amount given.
        amount: Decimal,
    },
    /// A quantity that must be positive was zero or negative.
    #[error("{field} is {amount}; it must be greater than zero")]
    NotPositive {
        /// The field path.
        field: String,
        /// The amount given.
        amount: Decimal,
    },
    /// A list has more entries than the claim form allows.
    #[error("{field} has {found} entries; at most {max} are allowed")]
    TooMany {
        /// The field path.
        field: String,
        /// The most allowed.
        max: usize,
        /// How many were given.
        found: usize,
    },
    /// A list that needs at least one entry is empty.
    #[error("{field} is empty; at least one entry is required")]
    Empty {
        /// The field path.
        field: String,
    },
    /// A diagnosis pointer names a diagnosis the claim does not have.
    #[error("{field} is {pointer}, but the claim's diagnoses are numbered 1 to {diagnoses}")]
    PointerOutOfRange {
        /// The field path.
        field: String,
        /// The pointer given.
        pointer: u8,
        /// How many diagnoses the claim has.
        diagnoses: usize,
    },
    /// Two dates are in the wrong order.
    #[error("{field}: {reason}")]
    DateOrder {
        /// The field path.
        field: String,
        /// Which dates and why.
        reason: &'static str,
    },
    /// A field is present but not acceptable for another reason.
    #[error("{field}: {reason}")]
    Invalid {
        /// The field path.
        field: String,
        /// Why.
        reason: String,
    },
    /// A code in a field is malformed.
    #[error("{field}: {source}")]
    Code {
        /// The field path.
        field: String,
        /// The code error.
        source: CodeError,
    },
    /// Text where a number (an amount, a quantity) was expected.
    #[error("{field} is not a number")]
    NotANumber {
        /// The field path.
        field: String,
    },
    /// Text where a date (`CCYYMMDD`) or a date range was expected.
    #[error("{field} is not a date")]
    NotADate {
        /// The field path.
        field: String,
    },
    /// Bytes that are not UTF-8 text: the value is kept with them replaced.
    #[error("{field} is not UTF-8 text")]
    NotText {
        /// The field path.
        field: String,
    },
    /// A ledger record (JSON line or CSV row) could not be read.
    #[error("ledger record {record}: {message}")]
    Record {
        /// The 1-based record number (line number for JSON lines, row number for CSV).
        record: usize,
        /// What was wrong, without the record's content.
        message: String,
    },
}

impl ClaimError {
    /// The field path the error is about, such as `lines[1].modifiers` (none for a ledger
    /// record).
    pub fn field(&self) -> Option<&str> {
        match self {
            ClaimError::Missing { field }
            | ClaimError::Negative { field, .. }
            | ClaimError::NotPositive { field, .. }
            | ClaimError::TooMany { field, .. }
            | ClaimError::Empty { field }
            | ClaimError::PointerOutOfRange { field, .. }
            | ClaimError::DateOrder { field, .. }
            | ClaimError::Invalid { field, .. }
            | ClaimError::Code { field, .. }
            | ClaimError::NotANumber { field }
            | ClaimError::NotADate { field }
            | ClaimError::NotText { field } => Some(field),
            ClaimError::Record { .. } => None,
        }
    }

    /// The kind of error as a snake_case word (`missing`, `code`, `not_a_number`, ...), as
    /// JSON output names it.
    pub fn kind(&self) -> &'static str {
        match self {
            ClaimError::Missing { .. } => "missing",
            ClaimError::Negative { .. } => "negative",
            ClaimError::NotPositive { .. } => "not_positive",
            ClaimError::TooMany { .. } => "too_many",
            ClaimError::Empty { .. } => "empty",
            ClaimError::PointerOutOfRange { .. } => "pointer_out_of_range",
            ClaimError::DateOrder { .. } => "date_order",
            ClaimError::Invalid { .. } => "invalid",
            ClaimError::Code { .. } => "code",
            ClaimError::NotANumber { .. } => "not_a_number",
            ClaimError::NotADate { .. } => "not_a_date",
            ClaimError::NotText { .. } => "not_text",
            ClaimError::Record { .. } => "record",
        }
    }

    /// A malformed or unknown code in `field`.
    pub fn code(field: impl Into<String>, source: CodeError) -> Self {
        ClaimError::Code {
            field: field.into(),
            source,
        }
    }

    /// A required `field` that was not given.
    pub fn missing(field: impl Into<String>) -> Self {
        ClaimError::Missing {
            field: field.into(),
        }
    }

    /// `field` present but not acceptable, and why.
    pub fn invalid(field: impl Into<String>, reason: impl Into<String>) -> Self {
        ClaimError::Invalid {
            field: field.into(),
            reason: reason.into(),
        }
    }
}
