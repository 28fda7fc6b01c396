//! Diagnosis and inpatient procedure codes with the code list they were sent under: ICD-10 for
//! dates of service from October 1 2015, ICD-9-CM before.

use std::fmt;

use medbill_codes::{
    CodeError, CodeSystem, Coded, Icd9CmCode, Icd9ProcedureCode, Icd10CmCode, Icd10PcsCode,
};
use serde::de::{self, MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A diagnosis code as sent, with its code list: ICD-10-CM (X12 qualifiers `ABK`, `ABF`,
/// `ABJ`, `APR`, `ABN`) or ICD-9-CM (`BK`, `BF`, `BJ`, `PR`, `BN`).
///
/// Claims for dates of service before October 1 2015 carry ICD-9-CM codes, and practices still
/// correct and appeal them; a claim that sends the wrong list for its dates is the scrubber's
/// `DX.CODE_SET`, not a reason to drop it. Either code may be invalid ([`Coded`]).
///
/// JSON: an ICD-10-CM code is its text (`"E11.9"`), an ICD-9-CM code an object naming the list
/// (`{"icd9":"250.00"}`).
///
/// ```
/// use medbill_claim::DiagnosisCode;
/// use medbill_codes::CodeSystem;
/// let dx = DiagnosisCode::from("E11.9".parse::<medbill_codes::Icd10CmCode>()?);
/// assert_eq!(dx.code_set(), CodeSystem::Icd10Cm);
/// let old = DiagnosisCode::icd9("25000");
/// assert_eq!(old.to_string(), "250.00");
/// assert_eq!(old.as_str(), "25000");
/// assert_eq!(serde_json::to_string(&[dx, old]).unwrap(), r#"["E11.9",{"icd9":"250.00"}]"#);
/// assert!(!DiagnosisCode::icd10("E11.").is_valid());
/// # Ok::<(), medbill_codes::CodeError>(())
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DiagnosisCode {
    /// ICD-10-CM.
    Icd10Cm(Coded<Icd10CmCode>),
    /// ICD-9-CM (volumes 1 and 2).
    Icd9Cm(Coded<Icd9CmCode>),
}

impl DiagnosisCode {
    /// An ICD-10-CM code from text as sent.
    pub fn icd10(text: &str) -> Self {
        DiagnosisCode::Icd10Cm(Coded::parse(text))
    }

    /// An ICD-9-CM code from text as sent.
    pub fn icd9(text: &str) -> Self {
        DiagnosisCode::Icd9Cm(Coded::parse(text))
    }

    /// The ICD-10-CM code, when this is a valid one.
    pub fn as_icd10(&self) -> Option<Icd10CmCode> {
        match self {
            DiagnosisCode::Icd10Cm(c) => c.get(),
            DiagnosisCode::Icd9Cm(_) => None,
        }
    }

    /// The ICD-9-CM code, when this is a valid one.
    pub fn as_icd9(&self) -> Option<Icd9CmCode> {
        match self {
            DiagnosisCode::Icd9Cm(c) => c.get(),
            DiagnosisCode::Icd10Cm(_) => None,
        }
    }

    /// The code list: [`CodeSystem::Icd10Cm`] or [`CodeSystem::Icd9Cm`].
    pub fn code_set(&self) -> CodeSystem {
        match self {
            DiagnosisCode::Icd10Cm(_) => CodeSystem::Icd10Cm,
            DiagnosisCode::Icd9Cm(_) => CodeSystem::Icd9Cm,
        }
    }

    /// Whether the code is well formed for its list.
    pub fn is_valid(&self) -> bool {
        self.reason().is_none()
    }

    /// Why the text is not a code of its list; `None` when it is one.
    pub fn reason(&self) -> Option<&CodeError> {
        match self {
            DiagnosisCode::Icd10Cm(c) => c.reason(),
            DiagnosisCode::Icd9Cm(c) => c.reason(),
        }
    }

    /// The code as X12 carries it (without its dot), or the text as sent.
    pub fn as_str(&self) -> &str {
        match self {
            DiagnosisCode::Icd10Cm(c) => c.as_str(),
            DiagnosisCode::Icd9Cm(c) => c.as_str(),
        }
    }
}

/// Parses an ICD-10-CM code, as a coder enters one; text that is not one is an error (a
/// reader keeps such text with [`DiagnosisCode::icd10`] instead).
///
/// ```
/// use medbill_claim::DiagnosisCode;
/// let dx: DiagnosisCode = "E11.9".parse()?;
/// assert_eq!(dx.to_string(), "E11.9");
/// assert!("E11.".parse::<DiagnosisCode>().is_err());
/// # Ok::<(), medbill_codes::CodeError>(())
/// ```
impl std::str::FromStr for DiagnosisCode {
    type Err = CodeError;
    fn from_str(s: &str) -> Result<Self, CodeError> {
        Icd10CmCode::parse(s).map(DiagnosisCode::from)
    }
}

impl From<Icd10CmCode> for DiagnosisCode {
    fn from(code: Icd10CmCode) -> Self {
        DiagnosisCode::Icd10Cm(Coded::Valid(code))
    }
}

impl From<Icd9CmCode> for DiagnosisCode {
    fn from(code: Icd9CmCode) -> Self {
        DiagnosisCode::Icd9Cm(Coded::Valid(code))
    }
}

impl PartialEq<Icd10CmCode> for DiagnosisCode {
    fn eq(&self, other: &Icd10CmCode) -> bool {
        self.as_icd10().as_ref() == Some(other)
    }
}

impl fmt::Display for DiagnosisCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DiagnosisCode::Icd10Cm(c) => c.fmt(f),
            DiagnosisCode::Icd9Cm(c) => c.fmt(f),
        }
    }
}

impl fmt::Debug for DiagnosisCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DiagnosisCode::Icd10Cm(c) => c.fmt(f),
            DiagnosisCode::Icd9Cm(c) => write!(f, "Icd9Cm({c:?})"),
        }
    }
}

/// An inpatient procedure code as sent, with its code list: ICD-10-PCS (X12 qualifiers `BBR`,
/// `BBQ`) or ICD-9-CM volume 3 (`BR`, `BQ`), either possibly invalid.
///
/// JSON: an ICD-10-PCS code is its text, an ICD-9-CM one `{"icd9":"33.10"}`.
///
/// ```
/// use medbill_claim::IcdProcedureCode;
/// let p = IcdProcedureCode::icd10_pcs("0DTJ4ZZ");
/// assert!(p.is_valid());
/// let old = IcdProcedureCode::icd9("3310");
/// assert_eq!(serde_json::to_string(&old).unwrap(), r#"{"icd9":"33.10"}"#);
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum IcdProcedureCode {
    /// ICD-10-PCS.
    Icd10Pcs(Coded<Icd10PcsCode>),
    /// ICD-9-CM volume 3.
    Icd9Cm(Coded<Icd9ProcedureCode>),
}

impl IcdProcedureCode {
    /// An ICD-10-PCS code from text as sent.
    pub fn icd10_pcs(text: &str) -> Self {
        IcdProcedureCode::Icd10Pcs(Coded::parse(text))
    }

    /// An ICD-9-CM procedure code from text as sent.
    pub fn icd9(text: &str) -> Self {
        IcdProcedureCode::Icd9Cm(Coded::parse(text))
    }

    /// The ICD-10-PCS code, when this is a valid one.
    pub fn as_pcs(&self) -> Option<Icd10PcsCode> {
        match self {
            IcdProcedureCode::Icd10Pcs(c) => c.get(),
            IcdProcedureCode::Icd9Cm(_) => None,
        }
    }

    /// The code list: [`CodeSystem::Icd10Pcs`] or [`CodeSystem::Icd9Procedure`].
    pub fn code_set(&self) -> CodeSystem {
        match self {
            IcdProcedureCode::Icd10Pcs(_) => CodeSystem::Icd10Pcs,
            IcdProcedureCode::Icd9Cm(_) => CodeSystem::Icd9Procedure,
        }
    }

    /// Whether the code is well formed for its list.
    pub fn is_valid(&self) -> bool {
        self.reason().is_none()
    }

    /// Why the text is not a code of its list; `None` when it is one.
    pub fn reason(&self) -> Option<&CodeError> {
        match self {
            IcdProcedureCode::Icd10Pcs(c) => c.reason(),
            IcdProcedureCode::Icd9Cm(c) => c.reason(),
        }
    }

    /// The code as X12 carries it, or the text as sent.
    pub fn as_str(&self) -> &str {
        match self {
            IcdProcedureCode::Icd10Pcs(c) => c.as_str(),
            IcdProcedureCode::Icd9Cm(c) => c.as_str(),
        }
    }
}

impl From<Icd10PcsCode> for IcdProcedureCode {
    fn from(code: Icd10PcsCode) -> Self {
        IcdProcedureCode::Icd10Pcs(Coded::Valid(code))
    }
}

impl From<Icd9ProcedureCode> for IcdProcedureCode {
    fn from(code: Icd9ProcedureCode) -> Self {
        IcdProcedureCode::Icd9Cm(Coded::Valid(code))
    }
}

impl fmt::Display for IcdProcedureCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IcdProcedureCode::Icd10Pcs(c) => c.fmt(f),
            IcdProcedureCode::Icd9Cm(c) => c.fmt(f),
        }
    }
}

impl fmt::Debug for IcdProcedureCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IcdProcedureCode::Icd10Pcs(c) => c.fmt(f),
            IcdProcedureCode::Icd9Cm(c) => write!(f, "Icd9Cm({c:?})"),
        }
    }
}

/// Serialises the current code list as a bare string and ICD-9 as `{"icd9": text}`.
fn serialize_listed<S: Serializer, T: Serialize>(
    s: S,
    icd9: bool,
    code: &T,
) -> Result<S::Ok, S::Error> {
    if icd9 {
        let mut m = s.serialize_map(Some(1))?;
        m.serialize_entry("icd9", code)?;
        m.end()
    } else {
        code.serialize(s)
    }
}

impl Serialize for DiagnosisCode {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            DiagnosisCode::Icd10Cm(c) => serialize_listed(s, false, c),
            DiagnosisCode::Icd9Cm(c) => serialize_listed(s, true, c),
        }
    }
}

impl Serialize for IcdProcedureCode {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            IcdProcedureCode::Icd10Pcs(c) => serialize_listed(s, false, c),
            IcdProcedureCode::Icd9Cm(c) => serialize_listed(s, true, c),
        }
    }
}

/// Reads a bare string (the current list) or `{"icd9": text}` / `{"icd10": text}`, as
/// `(icd9, text)`. Never fails on the code itself: that is judged later.
struct Listed;

impl<'de> Visitor<'de> for Listed {
    type Value = (bool, String);

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a code, or an object {\"icd9\": code}")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok((false, v.to_owned()))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? else {
            return Err(de::Error::invalid_length(0, &self));
        };
        let icd9 = match &*key {
            "icd9" => true,
            "icd10" => false,
            other => return Err(de::Error::unknown_field(other, &["icd9", "icd10"])),
        };
        let text = map.next_value::<String>()?;
        if map.next_key::<de::IgnoredAny>()?.is_some() {
            return Err(de::Error::invalid_length(2, &self));
        }
        Ok((icd9, text))
    }
}

impl<'de> Deserialize<'de> for DiagnosisCode {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let (icd9, text) = d.deserialize_any(Listed)?;
        Ok(if icd9 {
            DiagnosisCode::icd9(&text)
        } else {
            DiagnosisCode::icd10(&text)
        })
    }
}

impl<'de> Deserialize<'de> for IcdProcedureCode {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let (icd9, text) = d.deserialize_any(Listed)?;
        Ok(if icd9 {
            IcdProcedureCode::icd9(&text)
        } else {
            IcdProcedureCode::icd10_pcs(&text)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_round_trips_both_lists_and_invalid_text() {
        let codes = vec![
            DiagnosisCode::icd10("E119"),
            DiagnosisCode::icd9("V700"),
            DiagnosisCode::icd10("E11."),
            DiagnosisCode::icd9("A12"),
        ];
        let json = serde_json::to_string(&codes).unwrap();
        assert_eq!(json, r#"["E11.9",{"icd9":"V70.0"},"E11.",{"icd9":"A12"}]"#);
        let back: Vec<DiagnosisCode> = serde_json::from_str(&json).unwrap();
        assert_eq!(back, codes);
        assert!(serde_json::from_str::<DiagnosisCode>(r#"{"icd11":"x"}"#).is_err());
        let p: IcdProcedureCode = serde_json::from_str(r#"{"icd10":"0DTJ4ZZ"}"#).unwrap();
        assert_eq!(p.as_pcs().map(|c| c.to_string()), Some("0DTJ4ZZ".into()));
    }
}
