//! A procedure code on a claim line: CPT or HCPCS Level II.

use std::fmt;
use std::str::FromStr;

use crate::cpt::CptCode;
use crate::error::{CodeError, CodeSystem};
use crate::hcpcs::HcpcsCode;
use crate::text::{serde_as_text, trimmed};

/// A CPT or HCPCS Level II code (X12 qualifier `HC` covers both). Text starting with a digit is
/// CPT, text starting with a letter is HCPCS Level II.
///
/// ```
/// use medbill_codes::ProcedureCode;
/// assert!(matches!("99213".parse(), Ok(ProcedureCode::Cpt(_))));
/// assert!(matches!("G0439".parse(), Ok(ProcedureCode::Hcpcs(_))));
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ProcedureCode {
    /// A CPT code (format-checked only).
    Cpt(CptCode),
    /// A HCPCS Level II code.
    Hcpcs(HcpcsCode),
}

impl ProcedureCode {
    /// Parses CPT or HCPCS text, in any case.
    pub fn parse(s: &str) -> Result<Self, CodeError> {
        let t = trimmed(s, CodeSystem::Procedure)?;
        match t.as_bytes()[0] {
            b'0'..=b'9' => CptCode::parse(t).map(ProcedureCode::Cpt),
            b if b.is_ascii_alphabetic() => HcpcsCode::parse(t).map(ProcedureCode::Hcpcs),
            _ => Err(CodeError::character(
                CodeSystem::Procedure,
                1,
                t.chars().next().unwrap_or(' '),
                "a digit (CPT) or a letter (HCPCS)",
            )),
        }
    }

    /// The code's text.
    pub fn as_str(&self) -> &str {
        match self {
            ProcedureCode::Cpt(c) => c.as_str(),
            ProcedureCode::Hcpcs(c) => c.as_str(),
        }
    }

    /// The code system of this code.
    pub fn system(&self) -> CodeSystem {
        match self {
            ProcedureCode::Cpt(_) => CodeSystem::Cpt,
            ProcedureCode::Hcpcs(_) => CodeSystem::Hcpcs,
        }
    }
}

impl From<CptCode> for ProcedureCode {
    fn from(c: CptCode) -> Self {
        ProcedureCode::Cpt(c)
    }
}

impl From<HcpcsCode> for ProcedureCode {
    fn from(c: HcpcsCode) -> Self {
        ProcedureCode::Hcpcs(c)
    }
}

impl FromStr for ProcedureCode {
    type Err = CodeError;
    fn from_str(s: &str) -> Result<Self, CodeError> {
        Self::parse(s)
    }
}

impl fmt::Display for ProcedureCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for ProcedureCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ProcedureCode({self})")
    }
}

serde_as_text!(ProcedureCode, "a CPT or HCPCS code such as \"99213\"");
