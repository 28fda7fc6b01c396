//! A code as it was sent: the recognised value, or the text with why it is not one.

use std::borrow::Cow;
use std::fmt;
use std::hash::{Hash, Hasher};

use crate::error::CodeError;

/// A code type [`Coded`] can hold: parsed from text, written back as the text X12 carries.
///
/// Implemented by every code type of this crate; crates with code lists of their own (the claim
/// frequency, the filing indicator...) implement it too.
pub trait CodeValue: Sized {
    /// Parses the code from text as sent (surrounding spaces ignored).
    fn parse_code(text: &str) -> Result<Self, CodeError>;

    /// The code as X12 carries it: ICD codes without their dot, the others as displayed.
    fn x12_str(&self) -> &str;
}

/// A code as it was sent: the recognised value, or the text with the reason it is not valid.
///
/// Records that come from outside (a claim read from an 837, a remittance from an 835, JSON a
/// vendor posts) hold their codes in `Coded`, so that a malformed or unknown code is kept as
/// sent, reported, written back unchanged, and judged by the scrubber, never dropped. Values
/// built in code convert with `From`/`into()` and are always valid.
///
/// It serialises as the text (the value's canonical text, or the text as sent) and deserialises
/// from any string without failing: a string that is not a valid code becomes
/// [`Coded::Invalid`] with its reason.
///
/// ```
/// use medbill_codes::{Coded, CodeError, Icd10CmCode, Modifier};
/// let ok: Coded<Icd10CmCode> = Coded::parse("E119");
/// assert_eq!(ok.valid().map(|c| c.to_string()), Some("E11.9".into()));
/// assert_eq!(ok.as_str(), "E119");
///
/// let bad: Coded<Modifier> = Coded::parse("2-5");
/// assert!(!bad.is_valid());
/// assert_eq!(bad.as_str(), "2-5"); // written back as sent
/// assert!(matches!(bad.reason(), Some(CodeError::Length { .. })));
///
/// // JSON keeps the text either way, and reading it back never fails.
/// let json = serde_json::to_string(&[ok.clone(), Coded::parse("E11.")]).unwrap();
/// assert_eq!(json, r#"["E11.9","E11."]"#);
/// let back: Vec<Coded<Icd10CmCode>> = serde_json::from_str(&json).unwrap();
/// assert_eq!(back[0], ok);
/// assert!(!back[1].is_valid());
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub enum Coded<T> {
    /// A well-formed code of the type.
    Valid(T),
    /// Text that is not one, as sent, with why (boxed: rare, and it keeps the valid case as
    /// small as the code itself).
    Invalid(Box<Unrecognized>),
}

/// Text sent where a code was expected, and why it is not a valid one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unrecognized {
    text: SentText,
    reason: CodeError,
}

/// The text of an [`Unrecognized`] code: inline when short, as nearly all are, so that an
/// invalid code is one allocation (its box) rather than two.
#[derive(Clone, PartialEq, Eq)]
enum SentText {
    Inline {
        len: u8,
        bytes: [u8; SentText::INLINE],
    },
    Heap(Box<str>),
}

impl SentText {
    const INLINE: usize = 22;

    fn new(text: &str) -> SentText {
        match u8::try_from(text.len()) {
            Ok(len) if text.len() <= SentText::INLINE => {
                let mut bytes = [0; SentText::INLINE];
                for (to, from) in bytes.iter_mut().zip(text.bytes()) {
                    *to = from;
                }
                SentText::Inline { len, bytes }
            }
            _ => SentText::Heap(text.into()),
        }
    }

    fn as_str(&self) -> &str {
        match self {
            // Copied whole from a `str`: checked rather than assumed (no unsafe code).
            SentText::Inline { len, bytes } => {
                let text = bytes.get(..usize::from(*len)).unwrap_or_default();
                std::str::from_utf8(text).unwrap_or_default()
            }
            SentText::Heap(s) => s,
        }
    }
}

impl fmt::Debug for SentText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl Unrecognized {
    /// Text as sent and the reason it is not valid.
    pub fn new(text: impl AsRef<str>, reason: CodeError) -> Self {
        Unrecognized {
            text: SentText::new(text.as_ref()),
            reason,
        }
    }

    /// The text as sent.
    pub fn text(&self) -> &str {
        self.text.as_str()
    }

    /// Why the text is not a valid code.
    pub fn reason(&self) -> &CodeError {
        &self.reason
    }
}

impl Hash for Unrecognized {
    fn hash<H: Hasher>(&self, state: &mut H) {
        // The reason follows from the text and the code type.
        self.text().hash(state);
    }
}

impl fmt::Display for Unrecognized {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}: {}", self.text(), self.reason)
    }
}

impl<T: CodeValue> Coded<T> {
    /// The code in `text`, or `text` kept as sent with the reason it is not one.
    pub fn parse(text: &str) -> Self {
        match T::parse_code(text) {
            Ok(v) => Coded::Valid(v),
            Err(reason) => Coded::Invalid(Box::new(Unrecognized::new(text, reason))),
        }
    }

    /// The code's text: the value's as X12 carries it ([`CodeValue::x12_str`]: ICD codes
    /// without their dot), or the text as sent.
    pub fn as_str(&self) -> &str {
        match self {
            Coded::Valid(v) => v.x12_str(),
            Coded::Invalid(u) => u.text(),
        }
    }
}

impl<T> Coded<T> {
    /// Text kept as sent, with the reason it is not valid.
    pub fn invalid(text: impl AsRef<str>, reason: CodeError) -> Self {
        Coded::Invalid(Box::new(Unrecognized::new(text, reason)))
    }

    /// The value, when valid.
    pub fn valid(&self) -> Option<&T> {
        match self {
            Coded::Valid(v) => Some(v),
            Coded::Invalid(_) => None,
        }
    }

    /// Whether the code is valid.
    pub fn is_valid(&self) -> bool {
        matches!(self, Coded::Valid(_))
    }

    /// Why the text is not a valid code; `None` when it is one.
    pub fn reason(&self) -> Option<&CodeError> {
        match self {
            Coded::Valid(_) => None,
            Coded::Invalid(u) => Some(u.reason()),
        }
    }

    /// The text as sent, when it is not a valid code.
    pub fn unrecognized(&self) -> Option<&Unrecognized> {
        match self {
            Coded::Valid(_) => None,
            Coded::Invalid(u) => Some(u),
        }
    }

    /// The value, or what was sent instead: for strict use (`claim.frequency.checked()?`).
    pub fn checked(&self) -> Result<&T, &Unrecognized> {
        match self {
            Coded::Valid(v) => Ok(v),
            Coded::Invalid(u) => Err(u),
        }
    }
}

impl<T: Copy> Coded<T> {
    /// A copy of the value, when valid.
    pub fn get(&self) -> Option<T> {
        self.valid().copied()
    }
}

/// Parsing never fails: text that is not a valid code is kept as sent ([`Coded::parse`]).
impl<T: CodeValue> std::str::FromStr for Coded<T> {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Coded::parse(s))
    }
}

impl<T> From<T> for Coded<T> {
    fn from(value: T) -> Self {
        Coded::Valid(value)
    }
}

impl<T: PartialEq> PartialEq<T> for Coded<T> {
    fn eq(&self, other: &T) -> bool {
        self.valid() == Some(other)
    }
}

impl<T: fmt::Display> fmt::Display for Coded<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Coded::Valid(v) => v.fmt(f),
            Coded::Invalid(u) => f.write_str(u.text()),
        }
    }
}

impl<T: fmt::Debug> fmt::Debug for Coded<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Coded::Valid(v) => v.fmt(f),
            Coded::Invalid(u) => write!(f, "Invalid({u})"),
        }
    }
}

impl<T: serde::Serialize> serde::Serialize for Coded<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Coded::Valid(v) => v.serialize(s),
            Coded::Invalid(u) => s.serialize_str(u.text()),
        }
    }
}

impl<'de, T: CodeValue> serde::Deserialize<'de> for Coded<T> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = <Cow<'de, str> as serde::Deserialize>::deserialize(d)?;
        Ok(Coded::parse(&text))
    }
}

/// `CodeValue` for a type with `parse` returning `CodeError` and a method giving its X12 text.
macro_rules! code_value {
    ($($ty:ty => $text:ident),+ $(,)?) => {
        $(impl CodeValue for $ty {
            fn parse_code(text: &str) -> Result<Self, CodeError> {
                <$ty>::parse(text)
            }
            fn x12_str(&self) -> &str {
                self.$text()
            }
        })+
    };
}

code_value! {
    crate::Icd10CmCode => undotted,
    crate::Icd9CmCode => undotted,
    crate::Icd9ProcedureCode => undotted,
    crate::Icd10PcsCode => as_str,
    crate::CptCode => as_str,
    crate::HcpcsCode => as_str,
    crate::ProcedureCode => as_str,
    crate::Modifier => as_str,
    crate::PlaceOfService => as_str,
    crate::Npi => as_str,
    crate::GroupCode => as_str,
    crate::Carc => as_str,
    crate::Rarc => as_str,
    crate::RevenueCode => as_str,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Icd10CmCode, Npi, PlaceOfService};

    #[test]
    fn keeps_the_text_and_reason() {
        let c: Coded<Npi> = Coded::parse("1234567890");
        assert!(matches!(c.reason(), Some(CodeError::CheckDigit { .. })));
        assert_eq!(c.as_str(), "1234567890");
        assert_eq!(c.to_string(), "1234567890");
        assert_eq!(
            format!("{c:?}"),
            "Invalid(\"1234567890\": NPI check digit is 0, expected 3 (Luhn over the 80840 prefix))"
        );
        assert!(c.checked().is_err());
        let ok: Coded<PlaceOfService> = Coded::parse("11");
        assert_eq!(ok.get().map(|p| p.value()), Some(11));
        assert_eq!(ok, PlaceOfService::parse("11").unwrap());
    }

    #[test]
    fn empty_text_is_kept_as_empty() {
        let c: Coded<Icd10CmCode> = Coded::parse("");
        assert!(matches!(c.reason(), Some(CodeError::Empty { .. })));
        assert_eq!(c.as_str(), "");
        assert_eq!(serde_json::to_string(&c).unwrap(), "\"\"");
    }

    #[test]
    fn deserialising_never_fails_on_a_string() {
        for s in ["\"\"", "\"\\u00ff\"", "\"E11.9\"", "\"1.2.3\""] {
            let c: Coded<Icd10CmCode> = serde_json::from_str(s).unwrap();
            let again = serde_json::to_string(&c).unwrap();
            let back: Coded<Icd10CmCode> = serde_json::from_str(&again).unwrap();
            assert_eq!(back, c);
        }
        assert!(serde_json::from_str::<Coded<Icd10CmCode>>("12").is_err());
    }
}
