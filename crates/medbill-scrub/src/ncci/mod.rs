//! The CMS National Correct Coding Initiative tables: procedure-to-procedure edits
//! ([`PtpTable`]), medically unlikely edits ([`MueTable`]) and add-on code edits
//! ([`AddOnTable`]).
//!
//! The tables contain CPT codes, which the AMA licenses, so nothing is embedded: load the
//! quarterly files CMS publishes, in the layouts it publishes them:
//!
//! | table | CMS file | layout |
//! |---|---|---|
//! | PTP | practitioner and outpatient hospital "column 1/column 2" edits | tab-delimited text: column 1, column 2, `*` if in existence prior to 1996, effective date, deletion date (`*` = none), modifier indicator (0, 1, 9), rationale |
//! | MUE | practitioner, outpatient hospital and DME MUE tables | CSV: code, MUE value, adjudication indicator text (`1 Line Edit`, `2 Date of Service Edit: Policy`, `3 Date of Service Edit: Clinical`), rationale |
//! | AOC | add-on code edit table | add-on code, primary code, AOC edit type (1, 2, 3), effective date, deletion date; a header row may reorder the columns |
//!
//! Every loader skips the copyright preamble and header lines before the first data row,
//! accepts tab-separated or CSV rows, a byte-order mark, CRLF line ends, dates written
//! `YYYYMMDD`, `YYYY-MM-DD` or `M/D/YYYY`, and reports a malformed data row as
//! [`ScrubError::Row`](crate::ScrubError::Row) with its line number.
//!
//! Dates: an edit applies from its effective date up to but not including its deletion date
//! (half-open, as the rest of medbill).

mod aoc;
mod mue;
mod ptp;
pub(crate) mod text;

use std::hash::{BuildHasherDefault, Hasher};

pub use aoc::{AddOnTable, AddOnType};
pub use mue::{MueAdjudication, MueEntry, MueTable};
pub use ptp::{ModifierIndicator, PtpEdit, PtpTable, PtpTableBuilder};

/// Which NCCI table set a table belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum NcciSetting {
    /// Practitioner services: professional claims.
    Practitioner,
    /// Outpatient hospital services: institutional claims.
    OutpatientHospital,
    /// Durable medical equipment suppliers (MUE only).
    Dme,
}

/// A multiplicative hasher for packed codes: keys are already well-spread integers, and
/// SipHash would cost more than the rest of a look-up.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct PackHasher(u64);

impl Hasher for PackHasher {
    fn finish(&self) -> u64 {
        let h = self.0.wrapping_mul(0x9E37_79B9_7F4A_7C15);
        // Fold the well-mixed high bits into the low bits the table indexes with.
        h ^ (h >> 29)
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(8)) ^ u64::from(b);
        }
    }

    fn write_u32(&mut self, n: u32) {
        self.0 = u64::from(n);
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

pub(crate) type PairHasher = BuildHasherDefault<PackHasher>;
