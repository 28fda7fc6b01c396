//! NCCI add-on code (AOC) edits.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use chrono::NaiveDate;
use medbill_codes::ProcedureCode;

use super::PairHasher;
use super::ptp::clip;
use super::text::{
    Fields, day_number, for_each_line, is_no_date, looks_like_code, pack, parse_date, unpack,
};
use crate::error::ScrubError;

/// The kind of add-on code, as CMS types them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum AddOnType {
    /// Type 1: only the listed primary codes are eligible.
    Listed,
    /// Type 2: CMS lists no primary codes (`CCCCC`); the contractor decides. Not edited.
    Unlisted,
    /// Type 3: some primary codes are listed, but the contractor may accept others.
    PartlyListed,
}

impl AddOnType {
    fn from_field(f: &str) -> Option<Self> {
        match f.trim().chars().next()? {
            '1' => Some(AddOnType::Listed),
            '2' => Some(AddOnType::Unlisted),
            '3' => Some(AddOnType::PartlyListed),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct Primary {
    // 0 for the CCCCC placeholder of type 2 rows.
    code: u32,
    effective: i32,
    deletion: i32,
}

#[derive(Debug, Clone)]
struct AddOn {
    kind: AddOnType,
    primaries: Vec<Primary>,
}

/// The add-on code edit table: each add-on code with its type and eligible primary codes,
/// dated.
///
/// ```
/// use medbill_scrub::ncci::{AddOnTable, AddOnType};
/// let file = "Add-on Code\tPrimary Code\tAOC Edit Type\tAOC Edit Effective Date\tAOC Edit Deletion Date\n\
///     33333\t11111\t1\t20200101\t*\n";
/// let table = AddOnTable::from_reader(file.as_bytes(), "aoc.txt")?;
/// let dos = "2024-05-01".parse().unwrap();
/// assert_eq!(table.kind(&"33333".parse()?), Some(AddOnType::Listed));
/// assert_eq!(table.primaries_on(&"33333".parse()?, dos), ["11111"]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct AddOnTable {
    codes: HashMap<u32, AddOn, PairHasher>,
    rows: usize,
    sources: Vec<String>,
}

/// Column positions, from the header row when there is one.
#[derive(Debug, Clone, Copy)]
struct Layout {
    addon: usize,
    primary: usize,
    kind: usize,
    effective: usize,
    deletion: usize,
}

impl Default for Layout {
    fn default() -> Self {
        Layout {
            addon: 0,
            primary: 1,
            kind: 2,
            effective: 3,
            deletion: 4,
        }
    }
}

impl Layout {
    /// Reads column positions from a header row; `None` if the line is not one.
    fn from_header(names: &[String]) -> Option<Layout> {
        let lower: Vec<String> = names.iter().map(|n| n.to_ascii_lowercase()).collect();
        let find_l = |pred: &dyn Fn(&str) -> bool| lower.iter().position(|n| pred(n));
        let primary = find_l(&|n| n.contains("primary") && !n.contains("type"))?;
        let addon = find_l(&|n| {
            (n.contains("add-on") || n.contains("add on") || n.contains("addon"))
                && !n.contains("type")
                && !n.contains("date")
                && !n.contains("primary")
        })?;
        let kind = find_l(&|n| n.contains("type") && !n.contains("primary"))?;
        let effective = find_l(&|n| n.contains("effective"))?;
        let deletion = find_l(&|n| n.contains("deletion"))?;
        Some(Layout {
            addon,
            primary,
            kind,
            effective,
            deletion,
        })
    }
}

impl AddOnTable {
    /// An empty table.
    pub fn new() -> Self {
        AddOnTable::default()
    }

    /// Reads one file.
    pub fn from_path(path: impl AsRef<Path>) -> Result<Self, ScrubError> {
        let mut t = AddOnTable::new();
        t.read_path(path)?;
        Ok(t)
    }

    /// Reads one file from a reader; `name` names it in errors and the version stamp.
    pub fn from_reader(reader: impl Read, name: &str) -> Result<Self, ScrubError> {
        let mut t = AddOnTable::new();
        t.read(BufReader::new(reader), name)?;
        Ok(t)
    }

    /// Reads a file into the table.
    pub fn read_path(&mut self, path: impl AsRef<Path>) -> Result<&mut Self, ScrubError> {
        let (reader, name) = super::text::open_table_file(path.as_ref())?;
        self.read(reader, &name)
    }

    /// Reads rows of add-on code, primary code, AOC edit type, effective date and deletion
    /// date. A header row naming those columns (in any order) sets the layout; without one,
    /// that order is assumed. Preamble lines are skipped; after the first data row a malformed
    /// row is an error with its line number. Tab-separated or CSV.
    pub fn read(&mut self, reader: impl BufRead, name: &str) -> Result<&mut Self, ScrubError> {
        let mut fields = Fields::default();
        let mut layout = Layout::default();
        let mut rows = 0usize;
        let mut in_data = false;
        let codes = &mut self.codes;
        for_each_line(reader, name, |n, line| {
            if line.trim().trim_matches(',').is_empty() {
                return Ok(());
            }
            fields.split(line);
            let f = |i| fields.get(line, i);
            if !looks_like_code(f(layout.addon)) {
                if in_data {
                    return Err(ScrubError::row(
                        name,
                        n,
                        format!("expected an add-on code, found {:?}", clip(f(layout.addon))),
                    ));
                }
                let names: Vec<String> = (0..fields.len()).map(|i| f(i).to_string()).collect();
                if let Some(l) = Layout::from_header(&names) {
                    layout = l;
                }
                return Ok(());
            }
            in_data = true;
            let bad = |what: String| ScrubError::row(name, n, what);
            let addon = pack(f(layout.addon)).ok_or_else(|| bad("not a code".into()))?;
            let kind = AddOnType::from_field(f(layout.kind)).ok_or_else(|| {
                bad(format!(
                    "AOC edit type {:?} is not 1, 2 or 3",
                    clip(f(layout.kind))
                ))
            })?;
            let primary_text = f(layout.primary);
            let primary = if primary_text.eq_ignore_ascii_case("CCCCC") {
                0
            } else {
                pack(primary_text).ok_or_else(|| {
                    bad(format!(
                        "primary code {:?} is not a code",
                        clip(primary_text)
                    ))
                })?
            };
            let effective = parse_date(f(layout.effective)).ok_or_else(|| {
                bad(format!(
                    "effective date {:?} is not a date",
                    clip(f(layout.effective))
                ))
            })?;
            let deletion = if is_no_date(f(layout.deletion)) {
                i32::MAX
            } else {
                day_number(parse_date(f(layout.deletion)).ok_or_else(|| {
                    bad(format!(
                        "deletion date {:?} is not a date or *",
                        clip(f(layout.deletion))
                    ))
                })?)
            };
            let entry = codes.entry(addon).or_insert_with(|| AddOn {
                kind,
                primaries: Vec::new(),
            });
            entry.kind = kind;
            entry.primaries.push(Primary {
                code: primary,
                effective: day_number(effective),
                deletion,
            });
            rows += 1;
            Ok(())
        })?;
        if rows == 0 {
            return Err(ScrubError::NoRows {
                file: name.to_string(),
            });
        }
        self.rows += rows;
        self.sources.push(name.to_string());
        Ok(self)
    }

    /// Number of add-on codes.
    pub fn len(&self) -> usize {
        self.codes.len()
    }

    /// Whether the table is empty.
    pub fn is_empty(&self) -> bool {
        self.codes.is_empty()
    }

    /// Number of rows read.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// The files read, as named when loading.
    pub fn sources(&self) -> &[String] {
        &self.sources
    }

    /// The type of an add-on code; `None` when the code is not an add-on code.
    pub fn kind(&self, code: &ProcedureCode) -> Option<AddOnType> {
        self.codes.get(&pack(code.as_str())?).map(|a| a.kind)
    }

    /// The primary codes listed for an add-on code on a date of service.
    pub fn primaries_on(&self, code: &ProcedureCode, date: NaiveDate) -> Vec<String> {
        let day = day_number(date);
        pack(code.as_str())
            .and_then(|c| self.codes.get(&c))
            .map(|a| {
                a.primaries
                    .iter()
                    .filter(|p| p.code != 0 && p.effective <= day && day < p.deletion)
                    .map(|p| unpack(p.code))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// For the scrubber: the add-on's type and whether any of `present` (packed codes) is a
    /// primary in effect on `day`; `None` when the code is not an add-on code in effect.
    pub(crate) fn check_packed(
        &self,
        addon: u32,
        day: i32,
        present: impl IntoIterator<Item = u32>,
    ) -> Option<(AddOnType, bool)> {
        let a = self.codes.get(&addon)?;
        let live = |p: &&Primary| p.effective <= day && day < p.deletion;
        if !a.primaries.iter().any(|p| live(&p)) {
            return None;
        }
        let found = present
            .into_iter()
            .any(|c| a.primaries.iter().filter(live).any(|p| p.code == c));
        Some((a.kind, found))
    }
}
