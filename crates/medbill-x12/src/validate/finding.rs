//! What validation found, classified the way a 999 reports it.

use std::fmt;

use crate::schema::SegmentId;

/// The kind of a validation finding. Each maps to one X12 999 code: segment kinds to an IK304
/// syntax error code, element kinds to an IK403 code (see [`Finding::ik3_code`] and
/// [`Finding::ik4_code`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FindingKind {
    /// The segment ID is not a known X12 segment (IK304 `1`).
    UnrecognizedSegment,
    /// The segment belongs to this guide, but not here (IK304 `2`).
    UnexpectedSegment,
    /// A required segment is missing (IK304 `3`).
    MissingSegment,
    /// A required loop is missing; reported on its first segment (IK304 `3`).
    MissingLoop,
    /// A loop repeats more often than the guide allows (IK304 `4`).
    LoopOverMax,
    /// A segment repeats more often than the guide allows at this place (IK304 `5`).
    SegmentOverMax,
    /// A known X12 segment that this transaction set does not define (IK304 `6`).
    NotInTransactionSet,
    /// The segment belongs to the current loop, but earlier (IK304 `7`).
    OutOfSequence,
    /// The guide marks the segment "not used" (IK304 `I4`).
    NotUsedSegment,
    /// HL02 names no earlier HL (IK403 `7` on HL02).
    HlParentNotFound,
    /// HL02 names an HL that cannot be this level's parent (IK403 `7` on HL02).
    HlWrongParent,
    /// A required element is empty or absent (IK403 `1`).
    MissingElement,
    /// An element that a syntax rule makes required is missing (IK403 `2`).
    ConditionalElementMissing,
    /// More elements than the segment has (IK403 `3`).
    TooManyElements,
    /// Shorter than the minimum length (IK403 `4`).
    TooShort,
    /// Longer than the maximum length (IK403 `5`).
    TooLong,
    /// A character the data type does not allow (IK403 `6`).
    InvalidCharacter,
    /// A code the guide does not allow (IK403 `7`).
    InvalidCode,
    /// Not a valid date (IK403 `8`).
    InvalidDate,
    /// Not a valid time (IK403 `9`).
    InvalidTime,
    /// Elements that exclude each other are both present (IK403 `10`).
    ExclusionViolated,
    /// More repetitions than the element allows (IK403 `12`).
    TooManyRepetitions,
    /// More components than the composite has (IK403 `13`).
    TooManyComponents,
    /// The guide marks the element "not used" (IK403 `I10`).
    NotUsedElement,
}

impl FindingKind {
    /// Whether the finding is about one element (reported in an IK4) rather than a segment.
    pub fn is_element(self) -> bool {
        use FindingKind::*;
        matches!(
            self,
            HlParentNotFound
                | HlWrongParent
                | MissingElement
                | ConditionalElementMissing
                | TooManyElements
                | TooShort
                | TooLong
                | InvalidCharacter
                | InvalidCode
                | InvalidDate
                | InvalidTime
                | ExclusionViolated
                | TooManyRepetitions
                | TooManyComponents
                | NotUsedElement
        )
    }

    fn describe(self) -> &'static str {
        use FindingKind::*;
        match self {
            UnrecognizedSegment => "unrecognized segment ID",
            UnexpectedSegment => "segment not expected here",
            MissingSegment => "required segment missing",
            MissingLoop => "required loop missing",
            LoopOverMax => "loop occurs over maximum times",
            SegmentOverMax => "segment exceeds maximum use",
            NotInTransactionSet => "segment not in defined transaction set",
            OutOfSequence => "segment not in proper sequence",
            NotUsedSegment => "segment the guide marks not used",
            HlParentNotFound => "HL parent not found",
            HlWrongParent => "HL parent is not the enclosing level",
            MissingElement => "required element missing",
            ConditionalElementMissing => "conditionally required element missing",
            TooManyElements => "too many elements",
            TooShort => "element too short",
            TooLong => "element too long",
            InvalidCharacter => "invalid character in element",
            InvalidCode => "code value not allowed",
            InvalidDate => "invalid date",
            InvalidTime => "invalid time",
            ExclusionViolated => "exclusion condition violated",
            TooManyRepetitions => "too many repetitions",
            TooManyComponents => "too many components",
            NotUsedElement => "element the guide marks not used",
        }
    }
}

/// One problem found in a transaction set, with where it is.
///
/// `Debug` and `Display` never show the element's value (it may be patient data); the value is
/// kept in [`bad_value`](Finding::bad_value) for a caller that asks for it, such as a 999 that
/// copies it into IK404.
#[derive(Clone, PartialEq, Eq)]
pub struct Finding {
    /// What is wrong.
    pub kind: FindingKind,
    /// The segment in error (for a missing segment or loop: the missing one).
    pub segment_id: SegmentId,
    /// 1-based position of the segment in its transaction set, ST being 1 (IK302). For a missing
    /// segment, the position of the segment where it was found missing.
    pub segment_index: u32,
    /// The guide's loop identifier (IK303), such as `2010AA`; empty at the transaction level.
    pub loop_id: Box<str>,
    /// 1-based element position (IK401-1), for element findings.
    pub element: Option<u8>,
    /// 1-based component position (IK401-2), for a component of a composite.
    pub component: Option<u8>,
    /// 1-based repetition (IK401-3), for a repeated element.
    pub repetition: Option<u16>,
    /// Byte offset in the input of the segment, or of the element when there is one.
    pub byte: u64,
    /// A copy of the bad value, when there is one.
    pub bad_value: Option<String>,
    /// The claim the finding is in (its CLM01, the patient control number), for the 999's
    /// business-unit CTX; redacted in `Debug`.
    pub claim_id: Option<String>,
}

impl Finding {
    /// The IK304 segment syntax error code this finding means, or `8` ("segment has data
    /// element errors") for element findings.
    pub fn ik3_code(&self) -> &'static str {
        use FindingKind::*;
        match self.kind {
            UnrecognizedSegment => "1",
            UnexpectedSegment => "2",
            MissingSegment | MissingLoop => "3",
            LoopOverMax => "4",
            SegmentOverMax => "5",
            NotInTransactionSet => "6",
            OutOfSequence => "7",
            NotUsedSegment => "I4",
            _ => "8",
        }
    }

    /// The IK403 element syntax error code, for element findings.
    pub fn ik4_code(&self) -> Option<&'static str> {
        use FindingKind::*;
        Some(match self.kind {
            MissingElement => "1",
            ConditionalElementMissing => "2",
            TooManyElements => "3",
            TooShort => "4",
            TooLong => "5",
            InvalidCharacter => "6",
            InvalidCode | HlParentNotFound | HlWrongParent => "7",
            InvalidDate => "8",
            InvalidTime => "9",
            ExclusionViolated => "10",
            TooManyRepetitions => "12",
            TooManyComponents => "13",
            NotUsedElement => "I10",
            _ => return None,
        })
    }

    /// The code a result JSON or a ledger shows: the IK403 code for element findings, else the
    /// IK304 code.
    pub fn code(&self) -> &'static str {
        self.ik4_code().unwrap_or_else(|| self.ik3_code())
    }

    /// The finding's place as a part-1 [`Position`](crate::Position), with the set's control
    /// numbers (pass `None` for the ones not known).
    pub fn position(
        &self,
        interchange: Option<&str>,
        group: Option<&str>,
        set: Option<&str>,
    ) -> crate::Position {
        let mut at = crate::Position::at_byte(self.byte);
        at.set_segment_index = Some(self.segment_index);
        at.segment_id = Some(self.segment_id.as_str().to_owned());
        at.element = self.element.map(u32::from);
        at.component = self.component.map(u32::from);
        at.interchange_control = interchange.map(str::to_owned);
        at.group_control = group.map(str::to_owned);
        at.set_control = set.map(str::to_owned);
        at
    }

    /// A message for a person, without the element's value.
    pub fn message(&self) -> String {
        let mut m = String::from(self.kind.describe());
        match (self.element, self.component) {
            (Some(e), Some(c)) => m.push_str(&format!(" ({}{e:02}-{c})", self.segment_id)),
            (Some(e), None) => m.push_str(&format!(" ({}{e:02})", self.segment_id)),
            _ => m.push_str(&format!(" ({})", self.segment_id)),
        }
        if !self.loop_id.is_empty() {
            m.push_str(&format!(" in loop {}", self.loop_id));
        }
        m
    }
}

impl fmt::Debug for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Finding")
            .field("kind", &self.kind)
            .field("segment_id", &self.segment_id)
            .field("segment_index", &self.segment_index)
            .field("loop_id", &self.loop_id)
            .field("element", &self.element)
            .field("component", &self.component)
            .field("repetition", &self.repetition)
            .field("byte", &self.byte)
            .field("bad_value", &self.bad_value.as_ref().map(|_| "<redacted>"))
            .field("claim_id", &self.claim_id.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} at segment {} of the set, byte {}",
            self.message(),
            self.segment_index,
            self.byte
        )
    }
}
