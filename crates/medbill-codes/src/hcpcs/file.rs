//! The CMS alpha-numeric HCPCS file: fixed-width records of 320 characters, one code per record
//! with continuation lines for long descriptions.
//!
//! See [`HcpcsTable`] for the layout read.

use std::collections::BTreeMap;
use std::collections::btree_map::Entry;
use std::fmt;
use std::io::Read;
use std::path::Path;

use chrono::NaiveDate;

use crate::error::CodeError;
use crate::hcpcs::HcpcsCode;
use crate::modifier::Modifier;

const FILE: &str = "HCPCS alpha-numeric file";

/// The dates of a HCPCS record, each `None` where the file leaves it blank.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub struct HcpcsDates {
    /// Code added date (positions 269-276).
    pub added: Option<NaiveDate>,
    /// Effective date of the record's latest action (positions 277-284).
    pub action_effective: Option<NaiveDate>,
    /// Termination date (positions 285-292): the last day the code may be reported.
    pub terminated: Option<NaiveDate>,
}

impl HcpcsDates {
    /// Whether a code with these dates may be reported on `date_of_service`: on or after the
    /// added date and on or before the termination date (both inclusive, as CMS dates them).
    pub fn check(&self, date_of_service: NaiveDate) -> Result<(), HcpcsInvalid> {
        if let Some(added) = self.added
            && date_of_service < added
        {
            return Err(HcpcsInvalid::NotYetAdded { added });
        }
        if let Some(terminated) = self.terminated
            && date_of_service > terminated
        {
            return Err(HcpcsInvalid::Terminated { terminated });
        }
        Ok(())
    }
}

/// Why a HCPCS code or modifier may not be reported on a date of service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum HcpcsInvalid {
    /// The loaded file has no record for it.
    NotInFile,
    /// The code was added after the date of service.
    NotYetAdded {
        /// The code added date.
        added: NaiveDate,
    },
    /// The code was terminated before the date of service.
    Terminated {
        /// The last day the code could be reported.
        terminated: NaiveDate,
    },
}

impl fmt::Display for HcpcsInvalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HcpcsInvalid::NotInFile => f.write_str("not in the loaded HCPCS file"),
            HcpcsInvalid::NotYetAdded { added } => {
                write!(f, "added {added}, after the date of service")
            }
            HcpcsInvalid::Terminated { terminated } => {
                write!(
                    f,
                    "terminated after {terminated}, before the date of service"
                )
            }
        }
    }
}

/// The Medicare coverage code of a HCPCS record (position 230).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum HcpcsCoverage {
    /// `C`: coverage left to the contractor's judgment.
    ContractorJudgment,
    /// `D`: special coverage instructions apply.
    SpecialInstructions,
    /// `I`: not payable by Medicare.
    NotPayable,
    /// `M`: not covered by Medicare.
    NotCovered,
    /// `S`: not covered by Medicare by statute.
    NotCoveredByStatute,
}

impl HcpcsCoverage {
    /// The coverage for a code letter, if it is one of the five above.
    pub fn from_code(code: char) -> Option<HcpcsCoverage> {
        Some(match code {
            'C' => HcpcsCoverage::ContractorJudgment,
            'D' => HcpcsCoverage::SpecialInstructions,
            'I' => HcpcsCoverage::NotPayable,
            'M' => HcpcsCoverage::NotCovered,
            'S' => HcpcsCoverage::NotCoveredByStatute,
            _ => return None,
        })
    }
}

/// The action code of a HCPCS record (position 293): what the latest update did to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum HcpcsAction {
    /// `A`: code added.
    Added,
    /// `B`: administrative data and long description changed.
    ChangedDataAndDescription,
    /// `C`: long description changed.
    ChangedDescription,
    /// `D`: code discontinued.
    Discontinued,
    /// `F`: administrative data changed.
    ChangedData,
    /// `N`: no change.
    NoChange,
    /// `P`: payment data changed.
    ChangedPayment,
    /// `R`: discontinued code reactivated.
    Reactivated,
    /// `S`: short description changed.
    ChangedShortDescription,
    /// `T`: miscellaneous change (BETOS, type of service).
    ChangedOther,
}

impl HcpcsAction {
    /// The action for a code letter, if it is one of the above.
    pub fn from_code(code: char) -> Option<HcpcsAction> {
        Some(match code {
            'A' => HcpcsAction::Added,
            'B' => HcpcsAction::ChangedDataAndDescription,
            'C' => HcpcsAction::ChangedDescription,
            'D' => HcpcsAction::Discontinued,
            'F' => HcpcsAction::ChangedData,
            'N' => HcpcsAction::NoChange,
            'P' => HcpcsAction::ChangedPayment,
            'R' => HcpcsAction::Reactivated,
            'S' => HcpcsAction::ChangedShortDescription,
            'T' => HcpcsAction::ChangedOther,
            _ => return None,
        })
    }
}

/// A procedure record (record identification `3`, with its `4` continuation lines).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct HcpcsRecord {
    /// The code.
    pub code: HcpcsCode,
    /// Long description, continuation lines joined with a space.
    pub long_description: String,
    /// Short description (at most 28 characters).
    pub short_description: String,
    /// Pricing indicator codes (`00`, `51`, ...), in file order, blanks left out.
    pub pricing_indicators: Vec<String>,
    /// Multiple pricing indicator.
    pub multiple_pricing_indicator: Option<char>,
    /// Cross-references as the file gives them, in file order, blanks left out: mostly HCPCS
    /// or CPT codes (often the replacement of a terminated code; parse them with
    /// [`ProcedureCode`](crate::ProcedureCode)), sometimes a word (`CPT`: see CPT).
    pub cross_references: Vec<String>,
    /// Coverage code letter; see [`HcpcsRecord::coverage`].
    pub coverage_code: Option<char>,
    /// Berenson-Eggers type of service code (`O1A`, `D1A`, `Z2`).
    pub betos: Option<String>,
    /// Type of service codes, in file order, blanks left out.
    pub type_of_service: Vec<char>,
    /// Added, action effective and termination dates.
    pub dates: HcpcsDates,
    /// Action code letter; see [`HcpcsRecord::action`].
    pub action_code: Option<char>,
    /// 1-based line number of the record's first line.
    pub line: usize,
}

impl HcpcsRecord {
    /// The coverage code, if it is a known letter.
    pub fn coverage(&self) -> Option<HcpcsCoverage> {
        self.coverage_code.and_then(HcpcsCoverage::from_code)
    }

    /// The action code, if it is a known letter.
    pub fn action(&self) -> Option<HcpcsAction> {
        self.action_code.and_then(HcpcsAction::from_code)
    }
}

/// A modifier record (record identification `7`, with its `8` continuation lines).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct HcpcsModifierRecord {
    /// The modifier.
    pub modifier: Modifier,
    /// Long description, continuation lines joined with a space.
    pub long_description: String,
    /// Short description (at most 28 characters).
    pub short_description: String,
    /// Coverage code letter.
    pub coverage_code: Option<char>,
    /// Added, action effective and termination dates.
    pub dates: HcpcsDates,
    /// Action code letter; see [`HcpcsModifierRecord::action`].
    pub action_code: Option<char>,
    /// 1-based line number of the record's first line.
    pub line: usize,
}

impl HcpcsModifierRecord {
    /// The action code, if it is a known letter.
    pub fn action(&self) -> Option<HcpcsAction> {
        self.action_code.and_then(HcpcsAction::from_code)
    }
}

/// The procedure and modifier records of a CMS alpha-numeric HCPCS file, looked up by code and
/// date of service.
///
/// # Layout
///
/// The layout read (1-based character positions, inclusive), as found in the CMS files
/// (`HCPC<year>_CONTR_ANWEB.txt`, or `..._w_disclaimer.txt` with a preamble):
///
/// | positions | field |
/// |---|---|
/// | 1-5 | procedure code; for a modifier record, the modifier in 4-5 |
/// | 6-10 | sequence number (`00100`, `00200`, ... for continuation lines) |
/// | 11 | record identification: `3` procedure, `4` procedure continuation, `7` modifier, `8` modifier continuation |
/// | 12-91 | long description (continued on `4`/`8` lines) |
/// | 92-119 | short description |
/// | 120-127 | pricing indicator, up to four 2-character codes |
/// | 128 | multiple pricing indicator |
/// | 205-229 | cross-references, up to five 5-character fields (HCPCS or CPT codes, or a word such as `CPT`) |
/// | 230 | coverage code |
/// | 257-259 | BETOS code |
/// | 261-265 | type of service, up to five 1-character codes |
/// | 269-276 | code added date, `YYYYMMDD` |
/// | 277-284 | action effective date, `YYYYMMDD` |
/// | 285-292 | termination date, `YYYYMMDD`: the last day the code may be reported |
/// | 293 | action code |
///
/// Continuation lines carry only positions 1-91. Lines may end in CR LF or LF, and may be
/// shorter than 320 characters (trailing blanks trimmed); missing positions read as blank. Text
/// is UTF-8 or, failing that, Windows-1252 (what CMS ships). Lines before the first record (the
/// disclaimer of the `_w_disclaimer` variant) are skipped; blank lines are ignored. Records for
/// CDT dental `D` codes, which HCPCS here does not include, are ignored and counted.
///
/// # Example
///
/// ```
/// use chrono::NaiveDate;
/// use medbill_codes::{HcpcsCode, HcpcsInvalid, HcpcsTable, Modifier};
///
/// // Two records as CMS lays them out (a real file has 320-character lines; trailing blanks
/// // may be trimmed).
/// let mut file = String::new();
/// file.push_str(&format!(
///     "{:<5}{:<5}3{:<80}{:<28}{:<110}C{:<38}{:<8}{:<8}{:<8}N\n",
///     "G0439", "00100", "Annual wellness visit, includes a personalized prevention plan of service",
///     "Ppps, subseq visit", "00", "", "20110101", "20110101", ""
/// ));
/// file.push_str(&format!(
///     "{:>5}{:<5}7{:<80}{:<28}{:<110}C{:<38}{:<8}{:<8}{:<8}N\n",
///     "GA", "00100", "Waiver of liability statement issued as required by payer policy",
///     "Waiver of liability on file", "", "", "20020101", "20020101", ""
/// ));
/// let table = HcpcsTable::from_reader(file.as_bytes())?;
///
/// let awv: HcpcsCode = "G0439".parse()?;
/// let dos = NaiveDate::from_ymd_opt(2020, 6, 1).unwrap();
/// let record = table.check(awv, dos).expect("valid in 2020");
/// assert_eq!(record.short_description, "Ppps, subseq visit");
///
/// let before = NaiveDate::from_ymd_opt(2010, 6, 1).unwrap();
/// assert!(matches!(table.check(awv, before), Err(HcpcsInvalid::NotYetAdded { .. })));
///
/// let ga: Modifier = "GA".parse()?;
/// assert!(table.modifier(ga).is_some());
/// # Ok::<(), medbill_codes::CodeError>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct HcpcsTable {
    procedures: BTreeMap<HcpcsCode, HcpcsRecord>,
    modifiers: BTreeMap<Modifier, HcpcsModifierRecord>,
    dental_ignored: usize,
}

impl HcpcsTable {
    /// Loads a file; the first malformed record is an error, and so is a file with no record.
    pub fn from_path(path: impl AsRef<Path>) -> Result<HcpcsTable, CodeError> {
        let bytes = read_path(path.as_ref())?;
        Self::load(&bytes, false).map(|(t, _)| t)
    }

    /// Loads from a reader; the first malformed record is an error, and so is input with no
    /// record.
    pub fn from_reader(reader: impl Read) -> Result<HcpcsTable, CodeError> {
        let bytes = read_all(reader)?;
        Self::load(&bytes, false).map(|(t, _)| t)
    }

    /// Loads a file, skipping malformed records (with their continuation lines) and returning
    /// what was wrong with each. Failing to read, or a file with no valid record, is an error.
    pub fn from_path_lenient(
        path: impl AsRef<Path>,
    ) -> Result<(HcpcsTable, Vec<CodeError>), CodeError> {
        let bytes = read_path(path.as_ref())?;
        Self::load(&bytes, true)
    }

    /// Loads from a reader, skipping malformed records (with their continuation lines) and
    /// returning what was wrong with each. Failing to read, or input with no valid record, is
    /// an error.
    pub fn from_reader_lenient(
        reader: impl Read,
    ) -> Result<(HcpcsTable, Vec<CodeError>), CodeError> {
        let bytes = read_all(reader)?;
        Self::load(&bytes, true)
    }

    /// The record of a procedure code, whatever its dates.
    pub fn procedure(&self, code: HcpcsCode) -> Option<&HcpcsRecord> {
        self.procedures.get(&code)
    }

    /// The record of a modifier, whatever its dates.
    pub fn modifier(&self, modifier: Modifier) -> Option<&HcpcsModifierRecord> {
        self.modifiers.get(&modifier)
    }

    /// The record of a procedure code that may be reported on `date_of_service`, or why not.
    pub fn check(
        &self,
        code: HcpcsCode,
        date_of_service: NaiveDate,
    ) -> Result<&HcpcsRecord, HcpcsInvalid> {
        let record = self.procedure(code).ok_or(HcpcsInvalid::NotInFile)?;
        record.dates.check(date_of_service).map(|()| record)
    }

    /// The record of a modifier that may be reported on `date_of_service`, or why not.
    pub fn check_modifier(
        &self,
        modifier: Modifier,
        date_of_service: NaiveDate,
    ) -> Result<&HcpcsModifierRecord, HcpcsInvalid> {
        let record = self.modifier(modifier).ok_or(HcpcsInvalid::NotInFile)?;
        record.dates.check(date_of_service).map(|()| record)
    }

    /// Every procedure record, in code order.
    pub fn procedures(&self) -> impl Iterator<Item = &HcpcsRecord> {
        self.procedures.values()
    }

    /// Every modifier record, in modifier order.
    pub fn modifiers(&self) -> impl Iterator<Item = &HcpcsModifierRecord> {
        self.modifiers.values()
    }

    /// The number of procedure records.
    pub fn procedure_count(&self) -> usize {
        self.procedures.len()
    }

    /// The number of modifier records.
    pub fn modifier_count(&self) -> usize {
        self.modifiers.len()
    }

    /// The number of CDT dental (`D` code) records ignored.
    pub fn dental_records_ignored(&self) -> usize {
        self.dental_ignored
    }

    fn load(bytes: &[u8], lenient: bool) -> Result<(HcpcsTable, Vec<CodeError>), CodeError> {
        let mut table = HcpcsTable::default();
        let mut problems = Vec::new();
        // The record continuation lines attach to: its key and the last sequence number seen,
        // or `Skipped` after a record that was rejected or ignored.
        let mut open = Open::None;
        let mut seen_record = false;
        let mut lines = bytes.split(|&b| b == b'\n').enumerate().peekable();
        while let Some((index, raw)) = lines.next() {
            let line_no = index + 1;
            let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
            if lines.peek().is_none() && raw.is_empty() {
                break;
            }
            let text = decode_line(raw);
            let chars: Vec<char> = text.chars().collect();
            if chars.iter().all(|c| c.is_whitespace()) {
                continue;
            }
            if !seen_record && !looks_like_record(&chars) {
                continue; // preamble
            }
            seen_record = true;
            match parse_line(&chars, line_no, &mut table, &mut open) {
                Ok(()) => {}
                Err(e) if lenient => {
                    problems.push(e);
                    if !matches!(open, Open::Skipped) && is_first_line(&chars) {
                        open = Open::Skipped;
                    }
                }
                Err(e) => return Err(e),
            }
        }
        if table.procedures.is_empty() && table.modifiers.is_empty() {
            // An empty file, or one of something else (a lenient load would skip every line
            // and check every code against nothing).
            let lines = bytes.split(|&b| b == b'\n').count();
            return Err(CodeError::File {
                file: FILE,
                line: lines.max(1),
                message: match problems.first() {
                    Some(first) => format!("no valid record; the first problem: {first}"),
                    None => "no HCPCS record (a line starting with a five-character code)".into(),
                },
            });
        }
        Ok((table, problems))
    }
}

/// What continuation lines attach to.
enum Open {
    None,
    Procedure(HcpcsCode, u32),
    Modifier(Modifier, u32),
    /// The last first line was rejected or ignored: its continuations are dropped quietly.
    Skipped,
}

fn read_path(path: &Path) -> Result<Vec<u8>, CodeError> {
    std::fs::read(path).map_err(|e| CodeError::Io {
        file: FILE,
        message: format!("{}: {e}", path.display()),
    })
}

fn read_all(mut reader: impl Read) -> Result<Vec<u8>, CodeError> {
    let mut bytes = Vec::new();
    reader.read_to_end(&mut bytes).map_err(|e| CodeError::Io {
        file: FILE,
        message: e.to_string(),
    })?;
    Ok(bytes)
}

/// A line's text: UTF-8 if it is valid UTF-8, else Windows-1252 (the encoding of CMS files).
pub(crate) fn decode_line(raw: &[u8]) -> String {
    match std::str::from_utf8(raw) {
        Ok(s) => s.to_string(),
        Err(_) => raw.iter().map(|&b| windows_1252(b)).collect(),
    }
}

fn windows_1252(b: u8) -> char {
    const HIGH: [char; 32] = [
        '\u{20AC}', '\u{81}', '\u{201A}', '\u{0192}', '\u{201E}', '\u{2026}', '\u{2020}',
        '\u{2021}', '\u{02C6}', '\u{2030}', '\u{0160}', '\u{2039}', '\u{0152}', '\u{8D}',
        '\u{017D}', '\u{8F}', '\u{90}', '\u{2018}', '\u{2019}', '\u{201C}', '\u{201D}', '\u{2022}',
        '\u{2013}', '\u{2014}', '\u{02DC}', '\u{2122}', '\u{0161}', '\u{203A}', '\u{0153}',
        '\u{9D}', '\u{017E}', '\u{0178}',
    ];
    match b {
        0x80..=0x9F => HIGH[usize::from(b - 0x80)],
        _ => char::from(b),
    }
}

/// Positions 1-based and inclusive, as the layout gives them; blank past the end of the line.
fn field(chars: &[char], first: usize, last: usize) -> String {
    let start = (first - 1).min(chars.len());
    let end = last.min(chars.len());
    chars[start..end]
        .iter()
        .collect::<String>()
        .trim()
        .to_string()
}

fn record_id(chars: &[char]) -> Option<char> {
    chars.get(10).copied()
}

fn is_first_line(chars: &[char]) -> bool {
    matches!(record_id(chars), Some('3' | '7'))
}

/// Whether a line has the shape of a record: 5 digits of sequence and a known record id.
fn looks_like_record(chars: &[char]) -> bool {
    chars.len() >= 11
        && chars[5..10].iter().all(|c| c.is_ascii_digit())
        && matches!(chars[10], '3' | '4' | '7' | '8')
}

fn field_error(line: usize, field: &'static str, message: String) -> CodeError {
    CodeError::FileField {
        file: FILE,
        line,
        field,
        message,
    }
}

fn parse_line(
    chars: &[char],
    line: usize,
    table: &mut HcpcsTable,
    open: &mut Open,
) -> Result<(), CodeError> {
    if !looks_like_record(chars) {
        let found = field(chars, 1, 11);
        return Err(CodeError::File {
            file: FILE,
            line,
            message: format!(
                "not a record: expected a code, a 5-digit sequence number and record id 3, 4, 7 or 8 in positions 1-11, found {found:?}"
            ),
        });
    }
    let sequence: u32 = field(chars, 6, 10).parse().unwrap_or(0);
    let code_text = field(chars, 1, 5);
    let id = chars[10];
    let long = field(chars, 12, 91);
    match id {
        '4' | '8' => {
            let (matches, last) = match (&*open, id) {
                (Open::Skipped, _) => return Ok(()),
                (Open::Procedure(c, last), '4') => {
                    (c.as_str().eq_ignore_ascii_case(&code_text), *last)
                }
                (Open::Modifier(m, last), '8') => {
                    (m.as_str().eq_ignore_ascii_case(&code_text), *last)
                }
                _ => (false, 0),
            };
            if !matches {
                return Err(CodeError::File {
                    file: FILE,
                    line,
                    message: format!(
                        "continuation line (record id {id}) for {code_text:?} does not follow its first line"
                    ),
                });
            }
            if sequence <= last {
                return Err(field_error(
                    line,
                    "sequence number (positions 6-10)",
                    format!("{sequence:05} does not follow {last:05}"),
                ));
            }
            match open {
                Open::Procedure(c, s) => {
                    *s = sequence;
                    if let Some(r) = table.procedures.get_mut(c) {
                        append(&mut r.long_description, &long);
                    }
                }
                Open::Modifier(m, s) => {
                    *s = sequence;
                    if let Some(r) = table.modifiers.get_mut(m) {
                        append(&mut r.long_description, &long);
                    }
                }
                Open::None | Open::Skipped => {}
            }
            Ok(())
        }
        '3' => {
            if code_text.starts_with(['D', 'd']) {
                table.dental_ignored += 1;
                *open = Open::Skipped;
                return Ok(());
            }
            let code = HcpcsCode::parse(&code_text)
                .map_err(|e| field_error(line, "procedure code (positions 1-5)", e.to_string()))?;
            let dates = dates(chars, line)?;
            let cross_references = (0..5)
                .map(|i| field(chars, 205 + 5 * i, 209 + 5 * i))
                .filter(|s| !s.is_empty())
                .collect();
            let record = HcpcsRecord {
                code,
                long_description: long,
                short_description: field(chars, 92, 119),
                pricing_indicators: (0..4)
                    .map(|i| field(chars, 120 + 2 * i, 121 + 2 * i))
                    .filter(|s| !s.is_empty())
                    .collect(),
                multiple_pricing_indicator: one_char(chars, 128),
                cross_references,
                coverage_code: one_char(chars, 230),
                betos: Some(field(chars, 257, 259)).filter(|s| !s.is_empty()),
                type_of_service: (261..=265).filter_map(|p| one_char(chars, p)).collect(),
                dates,
                action_code: one_char(chars, 293),
                line,
            };
            match table.procedures.entry(code) {
                Entry::Occupied(first) => Err(field_error(
                    line,
                    "procedure code (positions 1-5)",
                    format!(
                        "second record for {code} (first at line {})",
                        first.get().line
                    ),
                )),
                Entry::Vacant(slot) => {
                    slot.insert(record);
                    *open = Open::Procedure(code, sequence);
                    Ok(())
                }
            }
        }
        _ => {
            let modifier = Modifier::parse(&code_text)
                .map_err(|e| field_error(line, "modifier (positions 4-5)", e.to_string()))?;
            let dates = dates(chars, line)?;
            let record = HcpcsModifierRecord {
                modifier,
                long_description: long,
                short_description: field(chars, 92, 119),
                coverage_code: one_char(chars, 230),
                dates,
                action_code: one_char(chars, 293),
                line,
            };
            match table.modifiers.entry(modifier) {
                Entry::Occupied(first) => Err(field_error(
                    line,
                    "modifier (positions 4-5)",
                    format!(
                        "second record for {modifier} (first at line {})",
                        first.get().line
                    ),
                )),
                Entry::Vacant(slot) => {
                    slot.insert(record);
                    *open = Open::Modifier(modifier, sequence);
                    Ok(())
                }
            }
        }
    }
}

fn append(description: &mut String, more: &str) {
    if more.is_empty() {
        return;
    }
    if !description.is_empty() {
        description.push(' ');
    }
    description.push_str(more);
}

fn one_char(chars: &[char], position: usize) -> Option<char> {
    chars
        .get(position - 1)
        .copied()
        .filter(|c| !c.is_whitespace())
}

fn dates(chars: &[char], line: usize) -> Result<HcpcsDates, CodeError> {
    Ok(HcpcsDates {
        added: date(chars, line, 269, "code added date (positions 269-276)")?,
        action_effective: date(
            chars,
            line,
            277,
            "action effective date (positions 277-284)",
        )?,
        terminated: date(chars, line, 285, "termination date (positions 285-292)")?,
    })
}

fn date(
    chars: &[char],
    line: usize,
    first: usize,
    name: &'static str,
) -> Result<Option<NaiveDate>, CodeError> {
    let text = field(chars, first, first + 7);
    if text.is_empty() {
        return Ok(None);
    }
    let bad = || field_error(line, name, format!("{text:?} is not a date YYYYMMDD"));
    if text.len() != 8 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let number = |range: std::ops::Range<usize>| text[range].parse::<u32>().ok();
    let (Some(y), Some(m), Some(d)) = (number(0..4), number(4..6), number(6..8)) else {
        return Err(bad());
    };
    let year = i32::try_from(y).map_err(|_| bad())?;
    NaiveDate::from_ymd_opt(year, m, d)
        .map(Some)
        .ok_or_else(bad)
}
