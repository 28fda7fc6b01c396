//! The one error type of this crate.

use std::fmt;

/// A code system known to this crate; names the system in errors and look-up results.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum CodeSystem {
    /// ICD-10-CM diagnoses.
    Icd10Cm,
    /// ICD-10-PCS inpatient procedures.
    Icd10Pcs,
    /// ICD-9-CM diagnoses (volumes 1 and 2), for dates of service before October 1 2015.
    Icd9Cm,
    /// ICD-9-CM procedures (volume 3), for inpatient discharges before October 1 2015.
    Icd9Procedure,
    /// CPT (AMA) procedures.
    Cpt,
    /// HCPCS Level II procedures and supplies.
    Hcpcs,
    /// CPT or HCPCS procedure, whichever the text is.
    Procedure,
    /// Procedure modifiers (CPT and HCPCS Level II).
    Modifier,
    /// CMS place of service codes.
    PlaceOfService,
    /// National Provider Identifier.
    Npi,
    /// Claim adjustment group codes (CO, OA, PI, PR, CR).
    GroupCode,
    /// Claim adjustment reason codes.
    Carc,
    /// Remittance advice remark codes.
    Rarc,
    /// National Uniform Billing Committee revenue codes (UB-04 form locator 42).
    RevenueCode,
    /// A closed list of codes an X12 implementation guide defines, named in words (for example
    /// `"claim frequency"`).
    X12List(&'static str),
}

impl CodeSystem {
    /// The system's usual short name, e.g. `"ICD-10-CM"`.
    pub const fn name(self) -> &'static str {
        match self {
            CodeSystem::Icd10Cm => "ICD-10-CM",
            CodeSystem::Icd10Pcs => "ICD-10-PCS",
            CodeSystem::Icd9Cm => "ICD-9-CM",
            CodeSystem::Icd9Procedure => "ICD-9-CM procedure",
            CodeSystem::Cpt => "CPT",
            CodeSystem::Hcpcs => "HCPCS",
            CodeSystem::Procedure => "procedure",
            CodeSystem::Modifier => "modifier",
            CodeSystem::PlaceOfService => "place of service",
            CodeSystem::Npi => "NPI",
            CodeSystem::GroupCode => "claim adjustment group",
            CodeSystem::Carc => "CARC",
            CodeSystem::Rarc => "RARC",
            CodeSystem::RevenueCode => "revenue",
            CodeSystem::X12List(name) => name,
        }
    }
}

impl fmt::Display for CodeSystem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What is wrong with a code's text, or with a code-set file being loaded.
///
/// Positions are 1-based character positions in the text as given (after leading and trailing
/// white space is trimmed), so that a message can point at the offending character.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CodeError {
    /// The text is empty (or only white space).
    #[error("{system} code is empty")]
    Empty {
        /// The system the text was parsed as.
        system: CodeSystem,
    },
    /// The text has the wrong number of characters.
    #[error("{system} code must be {expected} characters long, found {found}")]
    Length {
        /// The system the text was parsed as.
        system: CodeSystem,
        /// The allowed length, in words (`"5"`, `"3 to 7"`).
        expected: &'static str,
        /// The number of characters found (dot excluded for ICD-10-CM).
        found: usize,
    },
    /// A character is not allowed where it stands.
    #[error("{system} code has {found:?} at character {position}; expected {expected}")]
    Character {
        /// The system the text was parsed as.
        system: CodeSystem,
        /// 1-based position of the character in the trimmed text.
        position: usize,
        /// The character found.
        found: char,
        /// What is allowed there, in words.
        expected: &'static str,
    },
    /// An NPI whose check digit does not match.
    #[error("NPI check digit is {found}, expected {expected} (Luhn over the 80840 prefix)")]
    CheckDigit {
        /// The tenth digit as given.
        found: u8,
        /// The check digit the first nine digits call for.
        expected: u8,
    },
    /// Well-formed, but not a member of a closed code list (group codes, for example).
    #[error("{code:?} is not a {system} code")]
    Unknown {
        /// The system the text was parsed as.
        system: CodeSystem,
        /// The text, trimmed.
        code: String,
    },
    /// A line of a code-set file being loaded is malformed.
    #[error("{file}: line {line}: {message}")]
    File {
        /// What kind of file (for example `"HCPCS alpha-numeric file"`).
        file: &'static str,
        /// 1-based line number.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// A field of a record in a code-set file being loaded is malformed.
    #[error("{file}: line {line}, {field}: {message}")]
    FileField {
        /// What kind of file (for example `"HCPCS alpha-numeric file"`).
        file: &'static str,
        /// 1-based line number.
        line: usize,
        /// The field, as the file's layout names it (for example `"termination date"`), with
        /// its character positions where the layout is fixed-width.
        field: &'static str,
        /// What is wrong.
        message: String,
    },
    /// Reading a code-set file failed.
    #[error("reading {file}: {message}")]
    Io {
        /// What kind of file.
        file: &'static str,
        /// The I/O error's text.
        message: String,
    },
}

impl CodeError {
    pub(crate) fn character(
        system: CodeSystem,
        position: usize,
        found: char,
        expected: &'static str,
    ) -> Self {
        CodeError::Character {
            system,
            position,
            found,
            expected,
        }
    }
}
