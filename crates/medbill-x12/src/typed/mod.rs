//! Typed transactions: 837P and 837I to and from [`Claim`]s, 835 to and from [`Remittance`]s,
//! and 277CA and 999 into [`Acknowledgment`]s.
//!
//! Reading takes a [`TransactionSet`] from the [`Reader`](crate::Reader) and places each
//! segment in the implementation guide's loop tree (see [`schema`](crate::schema)); what the
//! models hold is mapped onto their fields, and every other segment is kept as a
//! [`RawSegment`](medbill_claim::RawSegment) with its loop id on the claim, line or
//! remittance it came with, so that a writer can put it back. Raw segment text is stored with
//! canonical delimiters (`*` elements, `:` components, `^` repetitions).
//!
//! Nothing read is dropped. In [`ReadMode::Lenient`] (the default) every CLM gives one claim
//! with every LX line, and every CLP one claim payment with every SVC line, whatever their
//! values: a code the model does not recognise is kept as sent
//! ([`Coded`](medbill_claim::Coded)), a value the model cannot hold as its type is kept in a
//! template of its segment, and each is reported on the claim (claim payment, remittance) as
//! a [`Problem`] with its field, reason and [`Location`] (segment index and byte); a claim the
//! reader cannot place at all is an [`UnreadableClaim`] with its segments, so that claims
//! plus unreadable claims always equal the CLM segments. In [`ReadMode::Strict`] the first
//! problem is the error. A set read is written back as it was read, byte for byte
//! ([`write_batch`], [`write_remittance_set`]; a set out of the guide's order through its
//! [`AsRead`] segments while it is unchanged).
//!
//! # Lenient and strict, side by side
//!
//! | | lenient (default) | strict |
//! |---|---|---|
//! | a malformed code, a charge that is not a number | kept as sent, a [`Problem`] on the claim | [`TypedError::Problem`], the first one |
//! | a claim the loops cannot place | an [`UnreadableClaim`] with its segments | [`TypedError::Unreadable`] |
//! | a valid claim the builder would refuse (a pointer past the diagnoses) | read; [`Claim::check`](medbill_claim::Claim::check) lists it | [`TypedError::Problem`] |
//!
//! ```
//! use medbill_x12::typed::{self, ReadMode, TypedError};
//! use medbill_x12::Reader;
//!
//! // A claim whose line has a four-digit "CPT" code.
//! let file = b"ISA*00*          *00*          *ZZ*SUBMITTER      *ZZ*RECEIVER       *240101*1200*^*00501*000000001*0*T*:~\
//! GS*HC*SUBMITTER*RECEIVER*20240101*1200*1*X*005010X222A1~\
//! ST*837*0001*005010X222A1~BHT*0019*00*0123*20240101*1200*CH~\
//! NM1*41*2*SUBMITTER*****46*S1~PER*IC*CONTACT*TE*5555551212~NM1*40*2*RECEIVER*****46*R1~\
//! HL*1**20*1~NM1*85*2*CLINIC*****XX*1234567893~N3*1 MAIN ST~N4*TOWN*NY*12345~REF*EI*123456789~\
//! HL*2*1*22*0~SBR*P*18*******CI~NM1*IL*1*DOE*JOHN****MI*M1~NM1*PR*2*PAYER*****PI*P1~\
//! CLM*C1*100***11:B:1*Y*A*Y*Y~HI*ABK:R69~LX*1~SV1*HC:9921:25*100*UN*1***1~DTP*472*D8*20240101~\
//! SE*21*0001~GE*1*1~IEA*1*000000001~";
//! let set = Reader::new(&file[..]).next_transaction()?.unwrap();
//!
//! // Lenient: the claim and its line, the code as sent, the problem on the claim.
//! let batch = typed::read_837(&set, ReadMode::Lenient)?;
//! let claim = &batch.claims[0];
//! assert_eq!(claim.professional_detail().unwrap().lines[0].procedure.as_str(), "9921");
//! assert_eq!(claim.problems[0].field(), Some("lines[0].procedure"));
//!
//! // Strict: the same problem is the error.
//! match typed::read_837(&set, ReadMode::Strict) {
//!     Err(TypedError::Problem { patient_control_number, problem }) => {
//!         assert_eq!(patient_control_number, "C1");
//!         assert_eq!(problem.field(), Some("lines[0].procedure"));
//!     }
//!     other => panic!("{other:?}"),
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Writing produces a whole interchange (ISA to IEA) from the caller's [`InterchangeHeader`],
//! with HL numbering, SE01, GE01 and IEA01 computed. [`write_batch`] writes a batch read back
//! as it was read, segment for segment.
//!
//! [`Claim`]: medbill_claim::Claim
//! [`Remittance`]: medbill_claim::Remittance
//! [`Location`]: medbill_claim::Location
//!
//! ```
//! use medbill_x12::typed::{self, InterchangeHeader, ReadMode, SubmissionHeader};
//! use medbill_x12::Reader;
//!
//! let file = b"ISA*00*          *00*          *ZZ*SUBMITTER      *ZZ*RECEIVER       *240101*1200*^*00501*000000001*0*T*:~\
//! GS*HC*SUBMITTER*RECEIVER*20240101*1200*1*X*005010X222A1~\
//! ST*837*0001*005010X222A1~BHT*0019*00*0123*20240101*1200*CH~\
//! NM1*41*2*SUBMITTER*****46*S1~PER*IC*CONTACT*TE*5555551212~NM1*40*2*RECEIVER*****46*R1~\
//! HL*1**20*1~NM1*85*2*CLINIC*****XX*1234567893~N3*1 MAIN ST~N4*TOWN*NY*12345~REF*EI*123456789~\
//! HL*2*1*22*0~SBR*P*18*******CI~NM1*IL*1*DOE*JOHN****MI*M1~NM1*PR*2*PAYER*****PI*P1~\
//! CLM*C1*100***11:B:1*Y*A*Y*Y~HI*ABK:R69~LX*1~SV1*HC:99213:25*100*UN*1***1~DTP*472*D8*20240101~\
//! SE*21*0001~GE*1*1~IEA*1*000000001~";
//! let set = Reader::new(&file[..]).next_transaction()?.unwrap();
//! let batch = typed::read_837(&set, ReadMode::Strict)?;
//! assert_eq!(batch.claims.len(), 1);
//! let claim = &batch.claims[0];
//! assert_eq!(claim.patient_control_number, "C1");
//! assert_eq!(claim.diagnosis_codes()[0].to_string(), "R69");
//!
//! // Write it back with our own envelope, and read it again.
//! let header = InterchangeHeader::new("SUBMITTER", "RECEIVER", 7, "2024-01-02".parse()?);
//! let out = typed::write_837(&batch.claims, &batch.header, &header)?;
//! let again = Reader::new(&out[..]).next_transaction()?.unwrap();
//! assert_eq!(typed::read_837(&again, ReadMode::Strict)?.claims, batch.claims);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod ack;
mod out;
mod place;
mod read835;
mod read837;
mod walk;
mod write835;
mod write837;

use std::fmt;

use chrono::NaiveDate;
use medbill_claim::{Acknowledgment, Location, Problem};
use rust_decimal::Decimal;

use crate::{Position, TransactionSet, X12Error};

pub use ack::{read_277ca, read_999};
pub use out::InterchangeHeader;
pub use read835::{RemittanceSet, read_835};
pub use read837::{
    AsRead, ClaimBatch, ClaimForm, ClaimLocations, ProblemRef, ReadOptions, SentTrailer,
    SubmissionHeader, UnplacedSegments, UnreadableClaim, UnreadableReason, read_837, read_837_with,
};
pub use write835::{write_835, write_remittance_set};
pub use write837::{write_837, write_batch};

/// Why a segment whose id the guide does not have is kept as sent (its id shown printable,
/// without its values, which may be patient data).
fn no_place(id: &str) -> String {
    let id: String = id.escape_debug().take(12).collect();
    format!("\"{id}\" is not a segment of the guide: kept as sent")
}

/// What to do with a value the model cannot hold.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ReadMode {
    /// Keep every claim (or claim payment) and every line with the value as sent, and report
    /// the problem on it.
    #[default]
    Lenient,
    /// Fail on the first problem. An 835 without a payment date fails instead of borrowing
    /// one.
    Strict,
}

/// Why a typed read or write could not use part of its input.
///
/// Messages name fields and positions, never element values (which can be patient data);
/// codes and patient control numbers, which are not patient data, may appear.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TypedError {
    /// A value the model cannot hold.
    #[error("{field}: {reason} at {position}")]
    Value {
        /// The model field, such as `lines[0].charge` or `diagnoses`.
        field: String,
        /// Why.
        reason: String,
        /// Where.
        position: Box<Position>,
    },
    /// Strict reading: the first problem of a claim, or of a remittance outside its claim
    /// payments.
    #[error("{}", problem_message(.patient_control_number, .problem))]
    Problem {
        /// CLM01 of the claim (CLP01 of the claim payment); empty for a problem of a
        /// remittance outside its claim payments.
        patient_control_number: String,
        /// The problem, with where it was.
        problem: Box<Problem>,
    },
    /// Strict reading: a claim the reader could not place.
    #[error("claim {patient_control_number} could not be read: {reason} (CLM at {at})")]
    Unreadable {
        /// CLM01 of the claim.
        patient_control_number: String,
        /// Why.
        reason: String,
        /// Where its CLM is.
        at: Box<Location>,
    },
    /// The set is not the transaction this reader handles, or lacks what every instance has.
    #[error("{what} at {position}")]
    Structure {
        /// What is missing or wrong.
        what: String,
        /// Where.
        position: Box<Position>,
    },
    /// A value cannot be written (it contains a delimiter, or a required part is missing).
    #[error("cannot write {field}: {reason}")]
    Write {
        /// The model field.
        field: String,
        /// Why.
        reason: String,
    },
}

/// A strict reading's problem: with its claim when it has one.
fn problem_message(patient_control_number: &str, problem: &Problem) -> String {
    if patient_control_number.is_empty() {
        problem.to_string()
    } else {
        format!("claim {patient_control_number}: {problem}")
    }
}

impl TypedError {
    /// The kind of error as a snake_case word, for counting (`value`, `structure`, ...; a
    /// claim problem gives its own kind).
    pub fn kind(&self) -> &'static str {
        match self {
            TypedError::Value { .. } => "value",
            TypedError::Problem { problem, .. } => problem.error.kind(),
            TypedError::Unreadable { .. } => "unreadable",
            TypedError::Structure { .. } => "structure",
            TypedError::Write { .. } => "write",
        }
    }
}

/// Everything read from one file, transaction set by transaction set.
#[derive(Debug, Default)]
pub struct TypedFile {
    /// The transaction sets in file order.
    pub transactions: Vec<TypedTransaction>,
    /// Reader diagnostics (envelope and syntax), with positions.
    pub diagnostics: Vec<crate::Diagnostic>,
}

/// One transaction set, typed when this module knows it.
#[derive(Debug)]
#[non_exhaustive]
pub enum TypedTransaction {
    /// An 837P or 837I.
    Claims(Box<ClaimBatch>),
    /// An 835.
    Remittance(Box<RemittanceSet>),
    /// A 277CA or 999.
    Acknowledgments(AckSet),
    /// A set this module does not type (such as a 270).
    Other {
        /// ST01.
        id: String,
        /// ST02.
        control: String,
        /// The guide version.
        guide: String,
    },
    /// A set of a known kind that could not be read at all.
    Failed {
        /// ST01.
        id: String,
        /// ST02.
        control: String,
        /// Why.
        error: TypedError,
    },
}

/// Acknowledgments read from one 277CA or 999.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AckSet {
    /// ST01: `"277"` or `"999"`.
    pub id: String,
    /// ST02.
    pub control: String,
    /// The guide version.
    pub guide: String,
    /// One outcome per claim (277CA) or per acknowledged transaction set (999).
    pub acknowledgments: Vec<Acknowledgment>,
}

/// Reads every transaction set of a file into typed values. Fails only when the input is not
/// X12 at all (or the source fails); everything else is reported in the result.
pub fn read_all(input: &[u8], mode: ReadMode) -> Result<TypedFile, X12Error> {
    read_all_with(input, &ReadOptions::new(mode))
}

/// [`read_all`] with [`ReadOptions`] (keeping where each claim value was, for example).
pub fn read_all_with(input: &[u8], options: &ReadOptions) -> Result<TypedFile, X12Error> {
    let mut reader = crate::Reader::new(input);
    let mut file = TypedFile::default();
    while let Some(set) = reader.next_transaction()? {
        file.transactions.push(read_set_with(&set, options));
    }
    file.diagnostics = reader.take_diagnostics();
    Ok(file)
}

/// Reads one transaction set into a typed value according to its ST01.
pub fn read_set(set: &TransactionSet, mode: ReadMode) -> TypedTransaction {
    read_set_with(set, &ReadOptions::new(mode))
}

/// [`read_set`] with [`ReadOptions`].
pub fn read_set_with(set: &TransactionSet, options: &ReadOptions) -> TypedTransaction {
    let mode = options.mode;
    let failed = |error| TypedTransaction::Failed {
        id: set.id().to_owned(),
        control: set.control().to_owned(),
        error,
    };
    match set.id() {
        "837" => match read_837_with(set, options) {
            Ok(b) => TypedTransaction::Claims(Box::new(b)),
            Err(e) => failed(e),
        },
        "835" => match read_835(set, mode) {
            Ok(r) => TypedTransaction::Remittance(Box::new(r)),
            Err(e) => failed(e),
        },
        "277" | "999" => {
            let acks = if set.id() == "277" {
                read_277ca(set)
            } else {
                read_999(set)
            };
            match acks {
                Ok(acknowledgments) => TypedTransaction::Acknowledgments(AckSet {
                    id: set.id().to_owned(),
                    control: set.control().to_owned(),
                    guide: set.version().to_owned(),
                    acknowledgments,
                }),
                Err(e) => failed(e),
            }
        }
        other => TypedTransaction::Other {
            id: other.to_owned(),
            control: set.control().to_owned(),
            guide: set.version().to_owned(),
        },
    }
}

/// The embedded guide used to walk a set, accepting later errata of the same guide (X222A2
/// read with X222A1's loops, X223A3 with X223A2's, X221 with X221A1's).
pub(crate) fn guide_for(id: &str, version: &str) -> Option<&'static crate::schema::Guide> {
    let base = match id {
        "837" if version.starts_with("005010X222") => "005010X222A1",
        "837" if version.starts_with("005010X223") => "005010X223A2",
        "835" => "005010X221A1",
        "277" => "005010X214",
        "999" => "005010X231A1",
        _ => version,
    };
    crate::schema::guide(id, base)
}

/// The date of the group the set came in (GS04), or of the interchange (ISA09).
pub(crate) fn envelope_date(set: &TransactionSet) -> Option<NaiveDate> {
    let env = set.envelope();
    if let Some(gs) = &env.gs
        && let Some(d) = gs
            .segment()
            .element(4)
            .and_then(|e| e.as_str())
            .and_then(parse_date)
    {
        return Some(d);
    }
    let isa = env.isa.segment();
    let d = isa.element(9)?.as_str()?;
    NaiveDate::parse_from_str(&format!("20{}", d.trim()), "%Y%m%d").ok()
}

/// `s` as a decimal, exactly as `Decimal::from_str` reads it (the same value and scale), with
/// a fast path for the usual X12 amount or quantity: digits, optionally a point with digits on
/// both sides, at most 18 characters. Anything else (a sign, an exponent, a lone point, a
/// longer value) goes to `from_str`.
pub(crate) fn parse_decimal(s: &str) -> Result<Decimal, rust_decimal::Error> {
    match fast_decimal(s.as_bytes()) {
        Some((d, _)) => Ok(d),
        None => s.parse(),
    }
}

/// [`parse_decimal`], and whether the value is written back as `s` ([`is_plain_signed_amount`],
/// or its text is `s`): `false` for `007.50`, `+5` or `-0`.
pub(crate) fn parse_amount(s: &str) -> Result<(Decimal, bool), rust_decimal::Error> {
    if let Some(read) = fast_decimal(s.as_bytes()) {
        return Ok(read);
    }
    let d: Decimal = s.parse()?;
    Ok((d, is_plain_signed_amount(s) || d.to_string() == s))
}

/// The fast path of [`parse_decimal`]: the value, and whether it has no leading zero (but the
/// one before a point), so that it is written back as read.
fn fast_decimal(b: &[u8]) -> Option<(Decimal, bool)> {
    // At most 18 digits: the mantissa cannot overflow an `i64`.
    if b.is_empty() || b.len() > 18 {
        return None;
    }
    let mut mantissa: i64 = 0;
    let mut point = None;
    for (i, &c) in b.iter().enumerate() {
        match c {
            b'0'..=b'9' => mantissa = mantissa * 10 + i64::from(c - b'0'),
            b'.' if point.is_none() && i > 0 && i + 1 < b.len() => point = Some(i),
            _ => return None,
        }
    }
    let scale = point.map_or(0, |i| b.len() - i - 1);
    let plain = b[0] != b'0' || point.unwrap_or(b.len()) == 1;
    Some((
        Decimal::new(mantissa, u32::try_from(scale).unwrap_or(0)),
        plain,
    ))
}

/// Whether `s` is written back as is from its `Decimal`: digits, at most one point with
/// digits on both sides, no leading zero but the one before a point.
pub(crate) fn is_plain_amount(s: &str) -> bool {
    let b = s.as_bytes();
    let int_end = b.iter().position(|&c| c == b'.').unwrap_or(b.len());
    b.len() <= 18
        && int_end > 0
        && (int_end == 1 || b[0] != b'0')
        && b[..int_end].iter().all(u8::is_ascii_digit)
        && (int_end == b.len()
            || (int_end + 1 < b.len() && b[int_end + 1..].iter().all(u8::is_ascii_digit)))
}

/// [`is_plain_amount`], or a minus sign before one that is not zero (`-0` is written `0`).
pub(crate) fn is_plain_signed_amount(s: &str) -> bool {
    match s.strip_prefix('-') {
        Some(digits) => is_plain_amount(digits) && digits.bytes().any(|b| b > b'0' && b <= b'9'),
        None => is_plain_amount(s),
    }
}

/// Parses `CCYYMMDD`.
pub(crate) fn parse_date(s: &str) -> Option<NaiveDate> {
    let b = walk::trim(s).as_bytes();
    if b.len() != 8 || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let n = |r: std::ops::Range<usize>| {
        b[r].iter()
            .fold(0u32, |acc, &d| acc * 10 + u32::from(d - b'0'))
    };
    NaiveDate::from_ymd_opt(i32::try_from(n(0..4)).ok()?, n(4..6), n(6..8))
}

/// Formats `CCYYMMDD` (by hand: chrono's `format` parses its pattern on every call).
pub(crate) fn format_date(d: NaiveDate) -> impl fmt::Display {
    use chrono::Datelike;
    struct Date8([u8; 8]);
    impl fmt::Display for Date8 {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(std::str::from_utf8(&self.0).unwrap_or("00000000"))
        }
    }
    let mut b = *b"00000000";
    let year = u32::try_from(d.year()).unwrap_or(0).min(9999);
    for (i, v) in [
        (0usize, year / 1000),
        (1, year / 100 % 10),
        (2, year / 10 % 10),
        (3, year % 10),
    ] {
        b[i] = b'0' + v as u8;
    }
    b[4] = b'0' + (d.month() / 10) as u8;
    b[5] = b'0' + (d.month() % 10) as u8;
    b[6] = b'0' + (d.day() / 10) as u8;
    b[7] = b'0' + (d.day() % 10) as u8;
    Date8(b)
}

#[cfg(test)]
mod tests {
    use super::parse_decimal;
    use proptest::prelude::*;
    use rust_decimal::Decimal;

    /// The same outcome as `from_str`: equal value and scale, or both an error.
    fn same_as_from_str(s: &str) -> Result<(), TestCaseError> {
        let ours = parse_decimal(s);
        let theirs = s.parse::<Decimal>();
        match (ours, theirs) {
            (Ok(a), Ok(b)) => {
                prop_assert_eq!(a, b, "{:?}", s);
                prop_assert_eq!(a.scale(), b.scale(), "{:?}", s);
            }
            (Err(_), Err(_)) => {}
            (a, b) => prop_assert!(false, "{:?}: {:?} but from_str gives {:?}", s, a, b),
        }
        Ok(())
    }

    #[test]
    fn edge_cases_read_as_from_str() {
        for s in [
            "",
            "0",
            "00",
            "0.0",
            "100",
            "100.00",
            "007.50",
            ".5",
            "5.",
            ".",
            "1.2.3",
            "-5",
            "+5",
            "1e3",
            "999999999999999999",
            "9999999999999999999",
            "99999999999999999.9",
            "0.000000000000000001",
            "1,000",
            " 5",
            "5 ",
        ] {
            same_as_from_str(s).unwrap();
        }
    }

    proptest! {
        #[test]
        fn reads_as_from_str(s in "[0-9.+eE-]{0,22}") {
            same_as_from_str(&s)?;
        }

        #[test]
        fn reads_amounts_as_from_str(int in "[0-9]{1,12}", frac in proptest::option::of("[0-9]{1,6}")) {
            let s = match frac {
                Some(f) => format!("{int}.{f}"),
                None => int,
            };
            same_as_from_str(&s)?;
        }
    }
}
