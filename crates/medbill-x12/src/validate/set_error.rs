//! Set-level problems: what an IK5 reports besides `5` (segment findings), with where each is.

use std::fmt;

use crate::schema::SegmentId;

/// What is wrong with a transaction set as a whole. Each kind is one IK502 code (see
/// [`code`](SetErrorKind::code)); the data a kind carries is codes, counts, control numbers and
/// byte offsets, never patient data.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum SetErrorKind {
    /// No guide knows this transaction set identifier (IK502 `1`).
    SetNotSupported {
        /// ST01 as sent, such as `123`.
        transaction_set: String,
        /// The transaction set identifiers the validator has guides for, sorted.
        supported: Vec<String>,
    },
    /// The set has no SE: another envelope segment or the end of input came first (IK502 `2`).
    TrailerMissing {
        /// Byte offset where the set ended: the segment that closed it, or the end of input.
        ended_at: u64,
    },
    /// SE02 is not ST02 (IK502 `3`).
    ControlNumberMismatch {
        /// ST02, the control number in the header.
        header: String,
        /// SE02, the control number in the trailer.
        trailer: String,
    },
    /// SE01 is not the number of segments from ST to SE (IK502 `4`).
    SegmentCountWrong {
        /// SE01 as a count; `None` when it is empty or not a number.
        declared: Option<u32>,
        /// The segments counted from ST to SE, both included.
        counted: u32,
    },
    /// ST01 is missing or not three digits (IK502 `6`).
    InvalidSetIdentifier,
    /// ST02 is missing or not 4 to 9 characters long (IK502 `7`).
    InvalidControlNumber,
    /// An earlier set of the same functional group has the same ST02 (IK502 `23`).
    ControlNumberNotUnique {
        /// The repeated ST02.
        control: String,
    },
    /// The transaction set is known, but not the guide version it names (IK502 `I6`).
    GuideNotSupported {
        /// ST01, such as `837`.
        transaction_set: String,
        /// The guide version named by ST03, else GS08, such as `005010X224A2`; empty when
        /// neither names one.
        version: String,
        /// The guide versions the validator has for this transaction set, sorted.
        supported: Vec<String>,
    },
}

impl SetErrorKind {
    /// The IK502 transaction set syntax error code.
    pub fn code(&self) -> &'static str {
        match self {
            SetErrorKind::SetNotSupported { .. } => "1",
            SetErrorKind::TrailerMissing { .. } => "2",
            SetErrorKind::ControlNumberMismatch { .. } => "3",
            SetErrorKind::SegmentCountWrong { .. } => "4",
            SetErrorKind::InvalidSetIdentifier => "6",
            SetErrorKind::InvalidControlNumber => "7",
            SetErrorKind::ControlNumberNotUnique { .. } => "23",
            SetErrorKind::GuideNotSupported { .. } => "I6",
        }
    }
}

/// A problem with a transaction set as a whole (an IK502 code other than `5`), and the segment
/// it is about: the ST for an unsupported set or guide and for bad or repeated ST01/ST02, the SE
/// for a wrong segment count or control number, and the last segment read for a missing SE.
///
/// ```
/// use medbill_x12::validate::{SetErrorKind, Validator};
///
/// // An 837 naming a guide the validator lacks, whose SE01 counts 4 segments where there are 3.
/// let file = b"ISA*00*          *00*          *ZZ*A              *ZZ*B              *240101*1200*^*00501*000000001*0*T*:~GS*HC*A*B*20240101*1200*1*X*005010X222A1~ST*837*0001*005010X224A2~BHT*0019*00*1*20240101*1200*CH~SE*4*0001~GE*1*1~IEA*1*000000001~";
/// let report = Validator::new().validate(file);
/// let set = report.transactions().next().unwrap();
/// assert_eq!(set.ik5_codes(), ["I6", "4"]);
///
/// let guide = &set.errors[0];
/// assert_eq!((guide.segment_id.as_str(), guide.segment_index), ("ST", 1));
/// assert!(guide.message().contains("guide 005010X224A2 (837) is not supported"));
///
/// let count = &set.errors[1];
/// assert_eq!((count.segment_id.as_str(), count.segment_index), ("SE", 3));
/// assert!(matches!(
///     count.kind,
///     SetErrorKind::SegmentCountWrong { declared: Some(4), counted: 3 }
/// ));
/// assert_eq!(count.code(), "4");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SetError {
    /// What is wrong.
    pub kind: SetErrorKind,
    /// The segment it is about: `ST`, `SE`, or for a missing SE the last segment read.
    pub segment_id: SegmentId,
    /// 1-based position of that segment in its set, ST being 1.
    pub segment_index: u32,
    /// Byte offset of that segment in the input.
    pub byte: u64,
}

impl SetError {
    /// The IK502 code, such as `4`.
    pub fn code(&self) -> &'static str {
        self.kind.code()
    }

    /// A message for a person. It names codes, counts, control numbers and guide versions, never
    /// other element values.
    pub fn message(&self) -> String {
        match &self.kind {
            SetErrorKind::SetNotSupported {
                transaction_set,
                supported,
            } => format!(
                "transaction set {transaction_set} is not supported; supported transaction sets: {}",
                list(supported)
            ),
            SetErrorKind::TrailerMissing { ended_at } => format!(
                "transaction set trailer (SE) missing: the set ended at byte {ended_at} after \
                 segment {} ({})",
                self.segment_index, self.segment_id
            ),
            SetErrorKind::ControlNumberMismatch { header, trailer } => {
                format!("control numbers differ: SE02 is {trailer}, ST02 is {header}")
            }
            SetErrorKind::SegmentCountWrong {
                declared: Some(declared),
                counted,
            } => format!("segment count wrong: SE01 says {declared}, the set has {counted}"),
            SetErrorKind::SegmentCountWrong {
                declared: None,
                counted,
            } => format!("segment count wrong: SE01 is not a count, the set has {counted}"),
            SetErrorKind::InvalidSetIdentifier => {
                "transaction set identifier (ST01) missing or not three digits".to_owned()
            }
            SetErrorKind::InvalidControlNumber => {
                "transaction set control number (ST02) missing or not 4 to 9 characters".to_owned()
            }
            SetErrorKind::ControlNumberNotUnique { control } => format!(
                "control number {control} is not unique: an earlier set in the group has it"
            ),
            SetErrorKind::GuideNotSupported {
                transaction_set,
                version,
                supported,
            } => {
                let which = if version.is_empty() {
                    format!("no guide version given (ST03 or GS08) for {transaction_set}")
                } else {
                    format!("guide {version} ({transaction_set}) is not supported")
                };
                format!(
                    "{which}; supported {transaction_set} guides: {}",
                    list(supported)
                )
            }
        }
    }
}

fn list(items: &[String]) -> String {
    if items.is_empty() {
        "none".to_owned()
    } else {
        items.join(", ")
    }
}

impl fmt::Display for SetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} (IK502 {}) at segment {} of the set, byte {}",
            self.message(),
            self.code(),
            self.segment_index,
            self.byte
        )
    }
}
