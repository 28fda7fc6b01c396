//! CPT codes: format and category only. CPT descriptors are licensed by the AMA and are not
//! shipped, nor is a list of codes; a licensee loads its own descriptor file at run time with
//! [`CptDescriptors`].

use std::collections::BTreeMap;
use std::collections::btree_map::Entry;
use std::fmt;
use std::io::Read;
use std::path::Path;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::{CodeError, CodeSystem};
use crate::text::{fill, serde_as_text, trimmed};

/// The CPT category a code's format places it in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum CptCategory {
    /// Category I: five digits (`99213`).
    CategoryI,
    /// Category II performance measures: four digits and `F` (`3008F`).
    CategoryII,
    /// Category III emerging technology: four digits and `T` (`0042T`).
    CategoryIII,
    /// Proprietary Laboratory Analyses: four digits and `U` (`0001U`).
    Pla,
}

impl CptCategory {
    /// A short name: `"Category I"`, `"Category II"`, `"Category III"`, `"PLA"`.
    pub const fn name(self) -> &'static str {
        match self {
            CptCategory::CategoryI => "Category I",
            CptCategory::CategoryII => "Category II",
            CptCategory::CategoryIII => "Category III",
            CptCategory::Pla => "PLA",
        }
    }
}

impl fmt::Display for CptCategory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A well-formed CPT code: four digits and then a digit, `F`, `T` or `U`.
///
/// ```
/// use medbill_codes::{CptCode, CptCategory};
/// let code: CptCode = "3008f".parse().unwrap();
/// assert_eq!(code.to_string(), "3008F");
/// assert_eq!(code.category(), CptCategory::CategoryII);
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CptCode([u8; 5]);

impl CptCode {
    /// Parses 5 characters, in any case.
    pub fn parse(s: &str) -> Result<Self, CodeError> {
        let t = trimmed(s, CodeSystem::Cpt)?;
        let (bytes, _) = fill::<5>(t, CodeSystem::Cpt, "5", 5, |i, b| match i {
            0..=3 if b.is_ascii_digit() => Ok(()),
            0..=3 => Err("a digit"),
            _ if b.is_ascii_digit() || matches!(b, b'F' | b'T' | b'U') => Ok(()),
            _ => Err("a digit, F (Category II), T (Category III) or U (PLA)"),
        })?;
        Ok(CptCode(bytes))
    }

    /// The code's text, e.g. `"99213"`.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or("")
    }

    /// The category the fifth character places the code in.
    pub fn category(&self) -> CptCategory {
        match self.0[4] {
            b'F' => CptCategory::CategoryII,
            b'T' => CptCategory::CategoryIII,
            b'U' => CptCategory::Pla,
            _ => CptCategory::CategoryI,
        }
    }
}

impl FromStr for CptCode {
    type Err = CodeError;
    fn from_str(s: &str) -> Result<Self, CodeError> {
        Self::parse(s)
    }
}

impl fmt::Display for CptCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for CptCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CptCode({self})")
    }
}

serde_as_text!(CptCode, "a CPT code such as \"99213\"");

const FILE: &str = "CPT descriptor file";

/// A CPT licensee's own descriptors, loaded from a text file. This crate ships no CPT text and no
/// list of codes: a code's format is checked by [`CptCode`], its existence only against a file
/// loaded here.
///
/// # Accepted layout
///
/// One code per line, in UTF-8 or Windows-1252, lines ending in LF or CR LF:
///
/// - a **tab-** or **`|`-separated** line (the separator is the first tab on the line, or else
///   the first `|`): field 1 is the code, field 2 the descriptor, further fields are ignored
///   (this reads the AMA's tab-delimited files and most spreadsheet exports);
/// - otherwise, the code, one or more spaces, and the descriptor to the end of the line (the
///   AMA's fixed-width `LONGULT`, `MEDU` and `SHORTU` style).
///
/// Blank lines and lines starting with `#` are ignored, and so is a first line whose first
/// field is not a code (a header such as `Code<TAB>Descriptor`). Surrounding white space and
/// double quotes around a field are removed. Anything else that does not start with a
/// well-formed CPT code, a line without a descriptor, or a second line for the same code is an
/// error naming the line and field.
///
/// ```
/// use medbill_codes::{CptCode, CptDescriptors};
/// // A licensee's file; the text here is a stand-in, not AMA text.
/// let file = "Code\tDescriptor\n99213\tOffice visit, established patient, low complexity\n";
/// let cpt = CptDescriptors::from_reader(file.as_bytes())?;
/// let code: CptCode = "99213".parse()?;
/// assert_eq!(cpt.descriptor(code), Some("Office visit, established patient, low complexity"));
/// assert_eq!(cpt.len(), 1);
/// # Ok::<(), medbill_codes::CodeError>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct CptDescriptors {
    descriptors: BTreeMap<CptCode, String>,
}

impl CptDescriptors {
    /// Loads a descriptor file.
    pub fn from_path(path: impl AsRef<Path>) -> Result<CptDescriptors, CodeError> {
        let path = path.as_ref();
        let bytes = std::fs::read(path).map_err(|e| CodeError::Io {
            file: FILE,
            message: format!("{}: {e}", path.display()),
        })?;
        Self::from_bytes(&bytes)
    }

    /// Loads descriptors from a reader.
    pub fn from_reader(mut reader: impl Read) -> Result<CptDescriptors, CodeError> {
        let mut bytes = Vec::new();
        reader.read_to_end(&mut bytes).map_err(|e| CodeError::Io {
            file: FILE,
            message: e.to_string(),
        })?;
        Self::from_bytes(&bytes)
    }

    fn from_bytes(bytes: &[u8]) -> Result<CptDescriptors, CodeError> {
        let mut out = CptDescriptors::default();
        let mut first = true;
        for (index, raw) in bytes.split(|&b| b == b'\n').enumerate() {
            let line = index + 1;
            let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
            let text = crate::hcpcs::decode_line(raw);
            let text = text.trim_start_matches('\u{feff}');
            if text.trim().is_empty() || text.trim_start().starts_with('#') {
                continue;
            }
            let (code_text, descriptor) = match text.find('\t').or_else(|| text.find('|')) {
                Some(at) => {
                    let sep = text[at..].chars().next().unwrap_or('\t');
                    let rest = &text[at + sep.len_utf8()..];
                    (&text[..at], rest.split(sep).next().unwrap_or(""))
                }
                None => {
                    let t = text.trim_start();
                    match t.find(char::is_whitespace) {
                        Some(at) => (&t[..at], &t[at..]),
                        None => (t, ""),
                    }
                }
            };
            let code_text = unquote(code_text);
            let was_first = std::mem::replace(&mut first, false);
            let code = match CptCode::parse(code_text) {
                Ok(code) => code,
                Err(_) if was_first => continue, // a header line
                Err(e) => {
                    return Err(CodeError::FileField {
                        file: FILE,
                        line,
                        field: "code (field 1)",
                        message: e.to_string(),
                    });
                }
            };
            let descriptor = unquote(descriptor);
            if descriptor.is_empty() {
                return Err(CodeError::FileField {
                    file: FILE,
                    line,
                    field: "descriptor (field 2)",
                    message: format!("no descriptor for {code}"),
                });
            }
            match out.descriptors.entry(code) {
                Entry::Occupied(_) => {
                    return Err(CodeError::FileField {
                        file: FILE,
                        line,
                        field: "code (field 1)",
                        message: format!("second line for {code}"),
                    });
                }
                Entry::Vacant(slot) => {
                    slot.insert(descriptor.to_string());
                }
            }
        }
        Ok(out)
    }

    /// The descriptor of a code, if the file has it.
    pub fn descriptor(&self, code: CptCode) -> Option<&str> {
        self.descriptors.get(&code).map(String::as_str)
    }

    /// Whether the file has the code.
    pub fn contains(&self, code: CptCode) -> bool {
        self.descriptors.contains_key(&code)
    }

    /// The number of codes loaded.
    pub fn len(&self) -> usize {
        self.descriptors.len()
    }

    /// Whether no code was loaded.
    pub fn is_empty(&self) -> bool {
        self.descriptors.is_empty()
    }

    /// Every code and descriptor, in code order.
    pub fn iter(&self) -> impl Iterator<Item = (CptCode, &str)> {
        self.descriptors.iter().map(|(c, d)| (*c, d.as_str()))
    }
}

fn unquote(s: &str) -> &str {
    let t = s.trim();
    t.strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .unwrap_or(t)
        .trim()
}
