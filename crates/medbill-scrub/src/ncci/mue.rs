//! NCCI medically unlikely edits (MUE).

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use medbill_codes::ProcedureCode;

use super::ptp::clip;
use super::text::{Fields, Interner, for_each_line, looks_like_code, pack};
use super::{NcciSetting, PairHasher};
use crate::error::ScrubError;

/// How an MUE is applied (the file's "MUE adjudication indicator").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum MueAdjudication {
    /// `1 Line Edit`: units on each claim line are compared with the MUE.
    Line,
    /// `2 Date of Service Edit: Policy`: units of all lines on a date of service are summed;
    /// the limit comes from policy and is not appealable on medical necessity.
    DatePolicy,
    /// `3 Date of Service Edit: Clinical`: units on a date of service are summed; the limit is
    /// clinical and may be exceeded with documentation on appeal.
    DateClinical,
}

impl MueAdjudication {
    fn from_field(f: &str) -> Option<Self> {
        match f.trim().chars().next()? {
            '1' => Some(MueAdjudication::Line),
            '2' => Some(MueAdjudication::DatePolicy),
            '3' => Some(MueAdjudication::DateClinical),
            _ => None,
        }
    }

    /// Whether units are summed over the date of service (indicators 2 and 3).
    pub fn is_per_date(self) -> bool {
        !matches!(self, MueAdjudication::Line)
    }
}

/// A code's MUE.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct MueEntry<'t> {
    /// The most units of service reported for the code (per line or per date of service).
    pub value: u32,
    /// How the value is applied.
    pub adjudication: MueAdjudication,
    /// CMS's rationale text.
    pub rationale: &'t str,
}

#[derive(Debug, Clone, Copy)]
struct Record {
    value: u32,
    adjudication: MueAdjudication,
    rationale: u16,
}

/// A table of MUE values for one setting, read from the CMS quarterly CSV files.
///
/// ```
/// use medbill_scrub::ncci::{MueAdjudication, MueTable, NcciSetting};
/// let file = "\"CPT codes and descriptions only are copyright AMA\"\n\
///     \"HCPCS/CPT Code\",\"Practitioner Services MUE Values\",\"MUE Adjudication Indicator\",\"MUE Rationale\"\n\
///     11111,2,\"3 Date of Service Edit: Clinical\",\"Clinical: Data\"\n";
/// let table = MueTable::from_reader(file.as_bytes(), "mue.csv", NcciSetting::Practitioner)?;
/// let mue = table.get(&"11111".parse()?).unwrap();
/// assert_eq!((mue.value, mue.adjudication), (2, MueAdjudication::DateClinical));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct MueTable {
    setting: NcciSetting,
    records: HashMap<u32, Record, PairHasher>,
    rationales: Interner,
    sources: Vec<String>,
}

impl MueTable {
    /// An empty table, to read files into with [`read`](Self::read).
    pub fn new(setting: NcciSetting) -> Self {
        MueTable {
            setting,
            records: HashMap::default(),
            rationales: Interner::default(),
            sources: Vec::new(),
        }
    }

    /// Reads one MUE file.
    pub fn from_path(path: impl AsRef<Path>, setting: NcciSetting) -> Result<Self, ScrubError> {
        let mut t = MueTable::new(setting);
        t.read_path(path)?;
        Ok(t)
    }

    /// Reads one MUE file from a reader; `name` names it in errors and the version stamp.
    pub fn from_reader(
        reader: impl Read,
        name: &str,
        setting: NcciSetting,
    ) -> Result<Self, ScrubError> {
        let mut t = MueTable::new(setting);
        t.read(BufReader::new(reader), name)?;
        Ok(t)
    }

    /// Reads a file into the table (a later file's row replaces an earlier one's).
    pub fn read_path(&mut self, path: impl AsRef<Path>) -> Result<&mut Self, ScrubError> {
        let (reader, name) = super::text::open_table_file(path.as_ref())?;
        self.read(reader, &name)
    }

    /// Reads rows: code, MUE value, adjudication indicator text (its leading digit counts)
    /// and rationale. Preamble lines before the first row starting with a five-character code
    /// are skipped; after it, a malformed row is an error with its line number.
    pub fn read(&mut self, reader: impl BufRead, name: &str) -> Result<&mut Self, ScrubError> {
        let mut fields = Fields::default();
        let mut rows = 0usize;
        let mut in_data = false;
        let records = &mut self.records;
        let rationales = &mut self.rationales;
        for_each_line(reader, name, |n, line| {
            if line.trim().trim_matches(',').is_empty() {
                return Ok(());
            }
            fields.split(line);
            let f = |i| fields.get(line, i);
            if !looks_like_code(f(0)) {
                if in_data {
                    return Err(ScrubError::row(
                        name,
                        n,
                        format!("expected a code, found {:?}", clip(f(0))),
                    ));
                }
                return Ok(());
            }
            in_data = true;
            let bad = |what: String| ScrubError::row(name, n, what);
            let code = pack(f(0)).ok_or_else(|| bad("not a code".into()))?;
            let value = parse_units(f(1))
                .ok_or_else(|| bad(format!("MUE value {:?} is not a whole number", clip(f(1)))))?;
            let adjudication = MueAdjudication::from_field(f(2)).ok_or_else(|| {
                bad(format!(
                    "adjudication indicator {:?} does not start with 1, 2 or 3",
                    clip(f(2))
                ))
            })?;
            let rationale = rationales.intern(f(3));
            records.insert(
                code,
                Record {
                    value,
                    adjudication,
                    rationale,
                },
            );
            rows += 1;
            Ok(())
        })?;
        if rows == 0 {
            return Err(ScrubError::NoRows {
                file: name.to_string(),
            });
        }
        self.sources.push(name.to_string());
        Ok(self)
    }

    /// The setting the table is for.
    pub fn setting(&self) -> NcciSetting {
        self.setting
    }

    /// Number of codes.
    pub fn len(&self) -> usize {
        self.records.len()
    }

    /// Whether the table is empty.
    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// The files read, as named when loading.
    pub fn sources(&self) -> &[String] {
        &self.sources
    }

    /// The MUE of a code, if it has one.
    pub fn get(&self, code: &ProcedureCode) -> Option<MueEntry<'_>> {
        self.get_packed(pack(code.as_str())?)
    }

    pub(crate) fn get_packed(&self, code: u32) -> Option<MueEntry<'_>> {
        self.records.get(&code).map(|r| MueEntry {
            value: r.value,
            adjudication: r.adjudication,
            rationale: self.rationales.get(r.rationale),
        })
    }
}

fn parse_units(f: &str) -> Option<u32> {
    let t = f.trim();
    // Some quarters wrote values as "1.0".
    let whole = match t.split_once('.') {
        Some((w, frac)) if frac.bytes().all(|b| b == b'0') => w,
        Some(_) => return None,
        None => t,
    };
    whole.parse().ok()
}
