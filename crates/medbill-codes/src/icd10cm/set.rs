//! The embedded code set: validity by date of service, entries, and their reasons.

use chrono::NaiveDate;

use super::code::Icd10CmCode;
use super::release::{DatePolicy, RELEASES, Release};
use super::table::{self, R_BILLABLE, R_PRESENT};
use crate::error::CodeError;

/// The embedded ICD-10-CM code sets, one [`Release`] per fiscal year.
///
/// ```
/// use chrono::NaiveDate;
/// use medbill_codes::icd10cm::{Icd10Cm, Invalid};
///
/// let cm = Icd10Cm::embedded();
/// let dos = NaiveDate::from_ymd_opt(2025, 3, 2).unwrap(); // FY2025
///
/// let v = cm.check("e119", dos);
/// assert!(v.is_valid());
/// assert_eq!(v.code().unwrap().to_string(), "E11.9");
/// assert_eq!(v.release().unwrap().id(), "FY2025");
///
/// // A header is in the code set but not billable; the reason names its children.
/// let v = cm.check("E11", dos);
/// assert!(!v.is_valid());
/// match v.reason() {
///     Some(Invalid::Header { first_child, last_child, .. }) => {
///         assert_eq!((first_child.to_string(), last_child.to_string()),
///                    ("E11.0".to_string(), "E11.9".to_string()));
///     }
///     other => panic!("{other:?}"),
/// }
/// ```
#[derive(Debug)]
pub struct Icd10Cm {
    releases: &'static [Release],
}

static EMBEDDED: Icd10Cm = Icd10Cm {
    releases: &RELEASES,
};

// The release list in Rust must match the table's header, in count (at compile time) and in
// ids (checked by a test).
const _: () = assert!(table::RELEASES == RELEASES.len());

/// A code's record in one release: billable or header, and its note flags.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Entry {
    code: Icd10CmCode,
    release: &'static Release,
    index: usize,
    billable: bool,
    flags: u8,
}

// Note-flag bits of the table (see tools/gen_icd10cm.py).
const F_CODE_FIRST: u8 = 1;
const F_USE_ADDITIONAL: u8 = 2;
const F_CODE_ALSO: u8 = 4;
const F_MANIFESTATION: u8 = 8;
const F_PLACEHOLDER: u8 = 16;
const F_SEVENTH: u8 = 32;

impl Entry {
    /// The code.
    pub fn code(&self) -> Icd10CmCode {
        self.code
    }

    /// The release this entry was read from.
    pub fn release(&self) -> &'static Release {
        self.release
    }

    /// A billable code: a leaf of the classification, complete with any 7th character.
    pub fn is_billable(&self) -> bool {
        self.billable
    }

    /// A header: a category or subcategory with subdivisions, not reportable on a claim.
    pub fn is_header(&self) -> bool {
        !self.billable
    }

    /// A "code first" note applies (on the code or an ancestor, category level and below):
    /// the underlying condition must be sequenced before this code.
    pub fn has_code_first(&self) -> bool {
        self.flags & F_CODE_FIRST != 0
    }

    /// A "use additional code" note applies (on the code or an ancestor, category level and
    /// below).
    pub fn has_use_additional_code(&self) -> bool {
        self.flags & F_USE_ADDITIONAL != 0
    }

    /// A "code also" note applies (on the code or an ancestor, category level and below).
    pub fn has_code_also(&self) -> bool {
        self.flags & F_CODE_ALSO != 0
    }

    /// A manifestation code: its title or an ancestor's says "in diseases classified
    /// elsewhere". Such codes are never reported first-listed.
    pub fn is_manifestation(&self) -> bool {
        self.flags & F_MANIFESTATION != 0
    }

    /// The code holds placeholder `X` characters (e.g. `T07.XXXA`).
    pub fn has_placeholder(&self) -> bool {
        self.flags & F_PLACEHOLDER != 0
    }

    /// The 7th character, when it is an extension defined by a `7th character` note (`A` in
    /// `S72.001A`).
    pub fn seventh_character(&self) -> Option<char> {
        (self.flags & F_SEVENTH != 0)
            .then(|| self.code.char_at(6))
            .flatten()
    }

    /// The long title in this entry's release.
    #[cfg(feature = "titles")]
    pub fn title(&self) -> Option<&'static str> {
        super::text::title(self.index, self.release.index, false)
    }

    /// The short (abbreviated) title, where the release's source has one (FY2025 does).
    #[cfg(feature = "titles")]
    pub fn short_title(&self) -> Option<&'static str> {
        super::text::title(self.index, self.release.index, true)
    }
}

/// The answer to "is this code valid and billable on this date of service?".
///
/// Valid means: well-formed, in the code set of the release in effect on the date, and
/// billable. When not valid, [`reason`](Validity::reason) says why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Validity {
    code: Option<Icd10CmCode>,
    release: Option<&'static Release>,
    extrapolated: bool,
    entry: Option<Entry>,
    reason: Option<Invalid>,
}

impl Validity {
    /// Valid and billable on the date.
    pub fn is_valid(&self) -> bool {
        self.reason.is_none()
    }

    /// The parsed code, unless the text was malformed.
    pub fn code(&self) -> Option<Icd10CmCode> {
        self.code
    }

    /// The release that answered, unless the date is outside the embedded range.
    pub fn release(&self) -> Option<&'static Release> {
        self.release
    }

    /// The code's entry in the release that answered, when the code is in it (header or
    /// billable).
    pub fn entry(&self) -> Option<&Entry> {
        self.entry.as_ref()
    }

    /// Whether the code is billable in the release that answered; `None` when the code is not
    /// in it (or malformed, or the date is out of range).
    pub fn billable(&self) -> Option<bool> {
        self.entry.map(|e| e.billable)
    }

    /// The date is after the newest embedded release and the answer came from that release
    /// ([`DatePolicy::Extrapolate`]).
    pub fn is_extrapolated(&self) -> bool {
        self.extrapolated
    }

    /// Why the code is not valid on the date; `None` when it is.
    pub fn reason(&self) -> Option<&Invalid> {
        self.reason.as_ref()
    }
}

/// Why a code is not valid and billable on a date of service.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Invalid {
    /// The text is not a well-formed ICD-10-CM code; the error names the character.
    #[error("malformed: {0}")]
    Malformed(CodeError),
    /// The code is a header (category or subcategory), not billable.
    #[error(
        "{code} is a header code in ICD-10-CM {release_id}, not billable: report a code from \
         {first_child}-{last_child}{}",
        was_billable_in.map(|r| format!(" (it was billable in {})", r.id())).unwrap_or_default()
    )]
    Header {
        /// The code.
        code: Icd10CmCode,
        /// Id of the release that answered.
        release_id: &'static str,
        /// First direct subdivision.
        first_child: Icd10CmCode,
        /// Last direct subdivision.
        last_child: Icd10CmCode,
        /// The newest earlier release in which the code was billable (it has been expanded).
        was_billable_in: Option<&'static Release>,
    },
    /// The code is in a later release only: not yet valid on the date.
    #[error(
        "{code} is not in ICD-10-CM {release}: it was added in {} (valid from {})",
        added_in.id(),
        added_in.effective_from()
    )]
    NotYetAdded {
        /// The code.
        code: Icd10CmCode,
        /// The release in effect on the date.
        release: &'static Release,
        /// The first later release that has the code.
        added_in: &'static Release,
    },
    /// The code was in an earlier release and has been deleted.
    #[error(
        "{code} is not in ICD-10-CM {release}: it was deleted in {} (last valid {})",
        deleted_in.id(),
        last_in.last_day()
    )]
    Deleted {
        /// The code.
        code: Icd10CmCode,
        /// The release in effect on the date.
        release: &'static Release,
        /// The newest earlier release that has the code.
        last_in: &'static Release,
        /// The release that dropped it.
        deleted_in: &'static Release,
    },
    /// No embedded release has the code.
    #[error(
        "{code} is not an ICD-10-CM code (in any embedded release){}",
        hint(suggestion, nearest)
    )]
    NotInCodeSet {
        /// The code.
        code: Icd10CmCode,
        /// The same code with placeholder `X`s filled in, when that exists (`T07.A` gives
        /// `T07.XXXA`).
        suggestion: Option<Icd10CmCode>,
        /// The longest ancestor that is in the release in effect (`E11.99` gives `E11.9`).
        nearest: Option<Icd10CmCode>,
    },
    /// The date of service is outside the dates the embedded releases answer for.
    #[error("date of service {date} is outside the embedded ICD-10-CM data ({first} to {last})")]
    DateOutOfRange {
        /// The date asked about.
        date: NaiveDate,
        /// First date of the oldest release.
        first: NaiveDate,
        /// Last date of the newest release.
        last: NaiveDate,
    },
}

fn hint(suggestion: &Option<Icd10CmCode>, nearest: &Option<Icd10CmCode>) -> String {
    match (suggestion, nearest) {
        (Some(s), _) => format!("; with placeholder X it is {s}"),
        (None, Some(n)) => format!("; the closest existing parent code is {n}"),
        (None, None) => String::new(),
    }
}

impl Icd10Cm {
    /// The code sets embedded in this crate (FY2025 and FY2026).
    pub fn embedded() -> &'static Icd10Cm {
        &EMBEDDED
    }

    /// The releases, oldest first.
    pub fn releases(&self) -> &'static [Release] {
        self.releases
    }

    /// The newest release.
    pub fn newest(&self) -> &'static Release {
        &self.releases[self.releases.len() - 1]
    }

    /// The release with this id (`"FY2026"`).
    pub fn release(&self, id: &str) -> Option<&'static Release> {
        self.releases.iter().find(|r| r.id() == id)
    }

    /// The release answering for `date` under `policy`, and whether that is an extrapolation;
    /// `None` when the date is outside the embedded range.
    pub fn release_on(
        &self,
        date: NaiveDate,
        policy: DatePolicy,
    ) -> Option<(&'static Release, bool)> {
        if let Some(r) = self.releases.iter().find(|r| r.contains(date)) {
            return Some((r, false));
        }
        let newest = self.newest();
        (policy == DatePolicy::Extrapolate && date >= newest.effective_until())
            .then_some((newest, true))
    }

    /// Is `code` (dotted or undotted text, any case) valid and billable on `date`? Dates after
    /// the newest release are answered from it, marked extrapolated ([`DatePolicy::Extrapolate`]).
    pub fn check(&self, code: &str, date: NaiveDate) -> Validity {
        self.check_with(code, date, DatePolicy::Extrapolate)
    }

    /// [`check`](Icd10Cm::check) with an explicit policy for dates after the newest release.
    pub fn check_with(&self, code: &str, date: NaiveDate, policy: DatePolicy) -> Validity {
        match Icd10CmCode::parse(code) {
            Ok(c) => self.check_code(c, date, policy),
            Err(e) => Validity {
                code: None,
                release: None,
                extrapolated: false,
                entry: None,
                reason: Some(Invalid::Malformed(e)),
            },
        }
    }

    /// [`check_with`](Icd10Cm::check_with) for an already parsed code.
    pub fn check_code(&self, code: Icd10CmCode, date: NaiveDate, policy: DatePolicy) -> Validity {
        let Some((release, extrapolated)) = self.release_on(date, policy) else {
            return Validity {
                code: Some(code),
                release: None,
                extrapolated: false,
                entry: None,
                reason: Some(Invalid::DateOutOfRange {
                    date,
                    first: self.releases[0].effective_from(),
                    last: self.newest().last_day(),
                }),
            };
        };
        let index = table::find(&code);
        let entry = index.and_then(|i| self.entry_at(i, release));
        let reason = match (index, entry) {
            (_, Some(e)) if e.billable => None,
            (Some(i), Some(_)) => Some(self.header_reason(code, i, release)),
            (Some(i), None) => Some(self.absent_reason(code, i, release)),
            (None, _) => Some(Invalid::NotInCodeSet {
                code,
                suggestion: self.placeholder_suggestion(&code),
                nearest: self.nearest_ancestor(&code, release),
            }),
        };
        Validity {
            code: Some(code),
            release: Some(release),
            extrapolated,
            entry,
            reason,
        }
    }

    /// The code's entry in `release`, if the release has the code.
    pub fn entry(&self, code: Icd10CmCode, release: &Release) -> Option<Entry> {
        let release = self.releases.get(release.index)?;
        table::find(&code).and_then(|i| self.entry_at(i, release))
    }

    /// The code's entry in the newest release that has it.
    pub fn latest_entry(&self, code: Icd10CmCode) -> Option<Entry> {
        let i = table::find(&code)?;
        self.releases.iter().rev().find_map(|r| self.entry_at(i, r))
    }

    /// Every code of `release`, in code order.
    pub fn entries(&self, release: &Release) -> impl Iterator<Item = Entry> + '_ {
        let release = &self.releases[release.index.min(self.releases.len() - 1)];
        (0..table::COUNT).filter_map(move |i| self.entry_at(i, release))
    }

    /// Numbers of billable and header codes in `release`.
    pub fn counts(&self, release: &Release) -> Counts {
        let mut counts = Counts::default();
        for e in self.entries(release) {
            if e.billable {
                counts.billable += 1;
            } else {
                counts.header += 1;
            }
        }
        counts
    }

    /// The first and last direct subdivisions of a header code in `release`.
    pub fn child_range(
        &self,
        code: Icd10CmCode,
        release: &Release,
    ) -> Option<(Icd10CmCode, Icd10CmCode)> {
        let i = table::find(&code)?;
        let (a, b) = table::child_range(i, release.index)?;
        Some((table::code_at(a), table::code_at(b)))
    }

    fn entry_at(&self, i: usize, release: &'static Release) -> Option<Entry> {
        let b = table::release_byte(i, release.index);
        (b & R_PRESENT != 0).then(|| Entry {
            code: table::code_at(i),
            release,
            index: i,
            billable: b & R_BILLABLE != 0,
            flags: table::flags_at(i),
        })
    }

    fn header_reason(&self, code: Icd10CmCode, i: usize, release: &'static Release) -> Invalid {
        let (first, last) = table::child_range(i, release.index).unwrap_or((i, i));
        let was_billable_in = self.releases[..release.index]
            .iter()
            .rev()
            .find(|r| table::release_byte(i, r.index) & R_BILLABLE != 0);
        Invalid::Header {
            code,
            release_id: release.id(),
            first_child: table::code_at(first),
            last_child: table::code_at(last),
            was_billable_in,
        }
    }

    fn absent_reason(&self, code: Icd10CmCode, i: usize, release: &'static Release) -> Invalid {
        let present = |r: &&Release| table::release_byte(i, r.index) & R_PRESENT != 0;
        if let Some(last_in) = self.releases[..release.index].iter().rev().find(present) {
            let deleted_in = &self.releases[last_in.index + 1];
            return Invalid::Deleted {
                code,
                release,
                last_in,
                deleted_in,
            };
        }
        match self.releases[release.index + 1..].iter().find(present) {
            Some(added_in) => Invalid::NotYetAdded {
                code,
                release,
                added_in,
            },
            // Unreachable with a well-formed table (every record is in some release).
            None => Invalid::NotInCodeSet {
                code,
                suggestion: None,
                nearest: self.nearest_ancestor(&code, release),
            },
        }
    }

    fn nearest_ancestor(&self, code: &Icd10CmCode, release: &Release) -> Option<Icd10CmCode> {
        let text = code.undotted();
        (3..text.len()).rev().find_map(|n| {
            let parent = Icd10CmCode::parse(&text[..n]).ok()?;
            self.entry(parent, release).map(|e| e.code)
        })
    }

    /// `T07A` -> `T07XXXA` when the padded code exists.
    fn placeholder_suggestion(&self, code: &Icd10CmCode) -> Option<Icd10CmCode> {
        let text = code.undotted();
        if text.len() >= 7 || text.len() < 4 {
            return None;
        }
        let (head, last) = text.split_at(text.len() - 1);
        let padded = format!("{head:X<6}{last}");
        let candidate = Icd10CmCode::parse(&padded).ok()?;
        table::find(&candidate).map(|_| candidate)
    }
}

/// Numbers of codes in a release.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Counts {
    /// Billable (leaf) codes.
    pub billable: usize,
    /// Header codes (categories and subcategories with subdivisions).
    pub header: usize,
}
