//! Envelope checks: Interchange (ISA/IEA) > FunctionalGroup (GS/GE) > TransactionSet (ST/SE).

use serde::Serialize;

use crate::delimiters::trim;
use crate::error::codes;
use crate::tokenizer::{Segment, Text};
use crate::{Diagnostic, Position};

/// Stop recording diagnostics after this many, so that a huge file of garbage cannot exhaust
/// memory; the rest are only counted.
const MAX_DIAGNOSTICS: usize = 10_000;

/// Fixed widths of ISA01..ISA16.
const ISA_WIDTHS: [usize; 16] = [2, 10, 2, 10, 2, 15, 2, 15, 6, 4, 1, 5, 9, 1, 1, 1];

/// Counts of what the checker has seen.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Interchanges (ISA segments).
    pub interchanges: u64,
    /// Functional groups (GS segments).
    pub groups: u64,
    /// Transaction sets (ST segments).
    pub transactions: u64,
    /// Segments in all interchanges.
    pub segments: u64,
    /// Diagnostics found but not recorded because there were too many.
    pub suppressed_diagnostics: u64,
}

/// What the checker knows about a segment it has just seen: where it is in the envelope.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SegmentContext {
    /// 1-based index of the segment in the input.
    pub index: u64,
    /// 1-based index within the transaction set (ST is 1), when inside one.
    pub set_index: Option<u32>,
}

#[derive(Clone, Debug)]
struct Open {
    control: String,
    count: u64,
    position: Position,
}

/// Checks envelope structure, control numbers and counts over a stream of tokens, and notes each
/// leniency the input needed (byte order mark, prose around the EDI, pretty-printing...).
///
/// Feed it every [`Text`] and [`Segment`] in input order, then call [`finish`](Self::finish).
/// The streaming [`Reader`](crate::Reader) does this for you; use the checker directly to check
/// tokens from a [`Tokenizer`](crate::Tokenizer) without copying.
///
/// ```
/// use medbill_x12::{EnvelopeChecker, Token, Tokenizer};
///
/// let file = b"ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *210101*1200*^*00501*000000001*0*T*:~GS*HC*S*R*20210101*1200*1*X*005010X222A1~ST*837*0001~SE*3*0001~GE*1*1~IEA*1*000000001~";
/// let mut checker = EnvelopeChecker::new();
/// for token in Tokenizer::new(file) {
///     match token {
///         Token::Segment(s) => { checker.segment(&s); }
///         Token::Text(t) => checker.text(&t),
///     }
/// }
/// checker.finish(file.len() as u64);
/// let found = checker.take_diagnostics();
/// assert_eq!(found.len(), 1);
/// assert_eq!(found[0].code, "ENV.SE01_COUNT");
/// assert_eq!(found[0].position.element, Some(1));
/// ```
#[derive(Debug, Default)]
pub struct EnvelopeChecker {
    diagnostics: Vec<Diagnostic>,
    summary: Summary,
    interchange: Option<Open>,
    group: Option<Open>,
    set: Option<Open>,
    /// Offset of non-blank text seen after an interchange, not yet reported.
    text_after: Option<u64>,
    warned_line_breaks: bool,
    warned_indentation: bool,
    warned_leading: bool,
}

impl EnvelopeChecker {
    /// A checker at the start of the input.
    pub fn new() -> EnvelopeChecker {
        EnvelopeChecker::default()
    }

    /// Takes the diagnostics found so far.
    pub fn take_diagnostics(&mut self) -> Vec<Diagnostic> {
        std::mem::take(&mut self.diagnostics)
    }

    /// The diagnostics found so far.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }

    /// Counts so far.
    pub fn summary(&self) -> Summary {
        self.summary
    }

    pub(crate) fn push(&mut self, diagnostic: Diagnostic) {
        if self.diagnostics.len() < MAX_DIAGNOSTICS {
            self.diagnostics.push(diagnostic);
        } else {
            self.summary.suppressed_diagnostics += 1;
        }
    }

    fn context(&self, byte: u64) -> Position {
        let mut p = Position::at_byte(byte);
        p.interchange_control = self.interchange.as_ref().map(|o| o.control.clone());
        p.group_control = self.group.as_ref().map(|o| o.control.clone());
        p.set_control = self.set.as_ref().map(|o| o.control.clone());
        p
    }

    /// Notes text outside any interchange.
    pub fn text(&mut self, text: &Text<'_>) {
        let mut bytes = text.bytes();
        let mut offset = text.offset();
        if offset == 0 && bytes.starts_with(b"\xEF\xBB\xBF") {
            self.push(Diagnostic::warning(
                codes::BOM,
                "UTF-8 byte order mark before the data",
                Position::at_byte(0),
            ));
            bytes = &bytes[3..];
            offset = 3;
        }
        let Some(first) = bytes
            .iter()
            .position(|&b| !matches!(b, b'\r' | b'\n' | b' ' | b'\t'))
        else {
            return;
        };
        let at = offset + first as u64;
        if self.summary.interchanges == 0 {
            if self.warned_leading {
                return;
            }
            self.warned_leading = true;
            self.push(Diagnostic::warning(
                codes::LEADING_TEXT,
                "text before the first interchange",
                Position::at_byte(at),
            ));
        } else if self.text_after.is_none() {
            self.text_after = Some(at);
        }
    }

    /// Checks one segment and returns where it sits.
    pub fn segment(&mut self, segment: &Segment<'_>) -> SegmentContext {
        self.summary.segments += 1;
        let index = self.summary.segments;
        let id = segment.id();
        let offset = segment.offset();
        self.note_trivia(segment);
        if let Some(set) = &mut self.set {
            set.count += 1;
        }
        let set_index = self.set.as_ref().map(|s| s.count as u32);
        let here = |checker: &EnvelopeChecker| {
            let mut p = checker
                .context(offset)
                .with_segment(segment.id_str(), index);
            p.set_segment_index = set_index;
            if p.segment_id.as_deref() == Some("") {
                p.segment_id = Some(String::from_utf8_lossy(id).into_owned());
            }
            p
        };
        if !segment.is_terminated() {
            let p = here(self);
            self.push(Diagnostic::error(
                codes::UNTERMINATED,
                "input ends inside a segment (no terminator)",
                p,
            ));
        }
        match id {
            b"ISA" => self.isa(segment, here(self)),
            b"IEA" => self.iea(segment, here(self)),
            b"GS" => self.gs(segment, here(self)),
            b"GE" => self.ge(segment, here(self)),
            b"ST" => {
                let set_index = self.st(segment, here(self));
                return SegmentContext {
                    index,
                    set_index: Some(set_index),
                };
            }
            b"SE" => self.se(segment, here(self)),
            b"TA1" => {
                if self.group.is_none() {
                    let p = here(self);
                    self.push(Diagnostic::warning(
                        codes::TA1,
                        "TA1 interchange acknowledgment in the interchange",
                        p,
                    ));
                } else {
                    let p = here(self);
                    self.push(Diagnostic::error(
                        codes::SEGMENT_OUTSIDE_SET,
                        "TA1 inside a functional group",
                        p,
                    ));
                }
            }
            _ => {
                if !segment.has_valid_id() {
                    let p = here(self);
                    self.push(Diagnostic::error(
                        codes::SEGMENT_ID,
                        "segment identifier is not 2 or 3 upper-case letters or digits",
                        p,
                    ));
                }
                if self.set.is_none() {
                    let p = here(self);
                    self.push(Diagnostic::error(
                        codes::SEGMENT_OUTSIDE_SET,
                        "segment outside a transaction set",
                        p,
                    ));
                }
            }
        }
        SegmentContext { index, set_index }
    }

    /// Checks a terminated segment inside an open transaction set whose identifier is valid
    /// and none of the envelope's own (ISA, IEA, GS, GE, ST, SE, TA1): for such a segment
    /// [`segment`](Self::segment) only counts it and notes its trivia, which is all this does.
    /// Returns false, changing nothing, when no set is open.
    #[inline]
    pub(crate) fn plain_segment_in_set(&mut self, segment: &Segment<'_>) -> bool {
        let Some(set) = &mut self.set else {
            return false;
        };
        set.count += 1;
        self.summary.segments += 1;
        if !segment.trivia().is_empty() {
            self.note_trivia(segment);
        }
        true
    }

    fn note_trivia(&mut self, segment: &Segment<'_>) {
        let trivia = segment.trivia();
        if trivia.is_empty() || (self.warned_line_breaks && self.warned_indentation) {
            return;
        }
        let at = Position::at_byte(segment.trivia_offset());
        if !self.warned_line_breaks && trivia.iter().any(|&b| b == b'\n' || b == b'\r') {
            self.warned_line_breaks = true;
            self.push(Diagnostic::warning(
                codes::LINE_BREAKS,
                "line breaks between segments (pretty-printed file)",
                at.clone(),
            ));
        }
        if !self.warned_indentation && trivia.iter().any(|&b| b == b' ' || b == b'\t') {
            self.warned_indentation = true;
            self.push(Diagnostic::warning(
                codes::INDENTATION,
                "segments indented with spaces or tabs",
                at,
            ));
        }
    }

    fn close_set(&mut self, byte: u64) {
        if self.set.is_some() {
            let p = self.context(byte);
            self.push(Diagnostic::error(
                codes::SE_MISSING,
                "transaction set not closed by SE",
                p,
            ));
            self.set = None;
        }
    }

    fn close_group(&mut self, byte: u64) {
        self.close_set(byte);
        if self.group.is_some() {
            let p = self.context(byte);
            self.push(Diagnostic::error(
                codes::GE_MISSING,
                "functional group not closed by GE",
                p,
            ));
            self.group = None;
        }
    }

    fn isa(&mut self, segment: &Segment<'_>, at: Position) {
        if self.interchange.is_some() {
            self.close_group(at.byte);
            let p = self.context(at.byte);
            self.push(Diagnostic::error(
                codes::IEA_MISSING,
                "interchange not closed by IEA before the next ISA",
                p,
            ));
        }
        self.interchange = None;
        if self.summary.interchanges == 1 {
            self.push(Diagnostic::warning(
                codes::MULTIPLE_INTERCHANGES,
                "more than one interchange in the input",
                at.clone(),
            ));
        }
        if let Some(byte) = self.text_after.take() {
            self.push(Diagnostic::warning(
                codes::TEXT_BETWEEN,
                "text between interchanges",
                Position::at_byte(byte),
            ));
        }
        self.summary.interchanges += 1;
        let fields: Vec<&[u8]> = segment.elements().map(|e| e.bytes()).collect();
        let field = |n: usize| fields.get(n - 1).copied().unwrap_or(&[]);
        let control = String::from_utf8_lossy(trim(field(13))).into_owned();
        let mut at = at;
        at.interchange_control = Some(control.clone());
        // Widths: one warning per ISA naming the first field that is off.
        if fields.len() != 16 {
            self.push(Diagnostic::error(
                codes::ISA_VALUE,
                format!("ISA has {} elements, expected 16", fields.len()),
                at.clone(),
            ));
        }
        if let Some(n) = (1..=16).find(|&n| field(n).len() != ISA_WIDTHS[n - 1]) {
            let msg = format!(
                "ISA{n:02} is {} characters, expected {} (ISA not padded to fixed widths)",
                field(n).len(),
                ISA_WIDTHS[n - 1]
            );
            self.push(Diagnostic::warning(
                codes::ISA_UNPADDED,
                msg,
                at.clone().with_element(n as u32),
            ));
        }
        let digits = |f: &[u8], len: usize| f.len() == len && f.iter().all(u8::is_ascii_digit);
        let one_of = |f: &[u8], set: &[&[u8]]| set.contains(&trim(f));
        const QUALIFIERS: &[&[u8]] = &[
            b"01", b"14", b"20", b"27", b"28", b"29", b"30", b"33", b"ZZ",
        ];
        let checks: [(usize, bool, &str); 10] = [
            (
                1,
                one_of(field(1), &[b"00", b"03"]),
                "ISA01 must be 00 or 03",
            ),
            (
                3,
                one_of(field(3), &[b"00", b"01"]),
                "ISA03 must be 00 or 01",
            ),
            (
                5,
                one_of(field(5), QUALIFIERS),
                "ISA05 is not an interchange ID qualifier",
            ),
            (
                7,
                one_of(field(7), QUALIFIERS),
                "ISA07 is not an interchange ID qualifier",
            ),
            (
                9,
                digits(trim(field(9)), 6) && valid_yymmdd(trim(field(9))),
                "ISA09 must be a date YYMMDD",
            ),
            (
                10,
                digits(trim(field(10)), 4) && valid_hhmm(trim(field(10))),
                "ISA10 must be a time HHMM",
            ),
            (
                12,
                digits(trim(field(12)), 5),
                "ISA12 must be a 5-digit version",
            ),
            (
                13,
                digits(trim(field(13)), 9),
                "ISA13 must be a 9-digit control number",
            ),
            (14, one_of(field(14), &[b"0", b"1"]), "ISA14 must be 0 or 1"),
            (
                15,
                one_of(field(15), &[b"P", b"T", b"I"]),
                "ISA15 must be P, T or I",
            ),
        ];
        for (n, ok, msg) in checks {
            if !ok {
                self.push(Diagnostic::error(
                    codes::ISA_VALUE,
                    msg,
                    at.clone().with_element(n as u32),
                ));
            }
        }
        let isa11 = field(11);
        if trim(field(12)) >= &b"00402"[..]
            && (segment.delimiters().repetition.is_none() || isa11.len() != 1)
        {
            self.push(Diagnostic::warning(
                codes::ISA11_NO_REPETITION,
                "ISA11 is not a usable repetition separator in a 00501 interchange; repetitions are not split",
                at.clone().with_element(11),
            ));
        }
        let terminator = segment.delimiters().segment;
        if terminator < 0x20 || terminator == 0x7f {
            let what = match terminator {
                b'\n' => "line feed",
                b'\r' => "carriage return",
                _ => "control character",
            };
            self.push(Diagnostic::warning(
                codes::CONTROL_TERMINATOR,
                format!("segment terminator is a {what}"),
                at.clone(),
            ));
        }
        self.interchange = Some(Open {
            control,
            count: 0,
            position: at,
        });
    }

    fn iea(&mut self, segment: &Segment<'_>, at: Position) {
        self.close_group(at.byte);
        let Some(open) = self.interchange.take() else {
            self.push(Diagnostic::error(
                codes::UNEXPECTED_TRAILER,
                "IEA without ISA",
                at,
            ));
            return;
        };
        let mut at = at;
        at.interchange_control = Some(open.control.clone());
        self.check_trailer(
            segment,
            at,
            open,
            ("IEA01", "groups", codes::IEA01_COUNT),
            ("IEA02", "ISA13", codes::IEA02_CONTROL),
        );
    }

    fn gs(&mut self, segment: &Segment<'_>, at: Position) {
        self.close_group(at.byte);
        self.summary.groups += 1;
        if self.interchange.is_none() {
            self.push(Diagnostic::error(
                codes::GS_OUTSIDE_INTERCHANGE,
                "GS outside an interchange",
                at.clone(),
            ));
        }
        if let Some(i) = &mut self.interchange {
            i.count += 1;
        }
        let control = segment
            .element(6)
            .map(|e| String::from_utf8_lossy(trim(e.bytes())).into_owned());
        let control = control.unwrap_or_default();
        let mut at = at;
        at.group_control = Some(control.clone());
        if control.is_empty() || control.len() > 9 || !control.bytes().all(|b| b.is_ascii_digit()) {
            self.push(Diagnostic::error(
                codes::ELEMENT_MISSING,
                "GS06 must be a control number of 1 to 9 digits",
                at.clone().with_element(6),
            ));
        }
        if segment.element(8).is_none_or(|e| e.is_empty()) {
            self.push(Diagnostic::error(
                codes::ELEMENT_MISSING,
                "GS08 (version) is missing",
                at.clone().with_element(8),
            ));
        }
        self.group = Some(Open {
            control,
            count: 0,
            position: at,
        });
    }

    fn ge(&mut self, segment: &Segment<'_>, at: Position) {
        self.close_set(at.byte);
        let Some(open) = self.group.take() else {
            self.push(Diagnostic::error(
                codes::UNEXPECTED_TRAILER,
                "GE without GS",
                at,
            ));
            return;
        };
        self.check_trailer(
            segment,
            at,
            open,
            ("GE01", "transaction sets", codes::GE01_COUNT),
            ("GE02", "GS06", codes::GE02_CONTROL),
        );
    }

    fn st(&mut self, segment: &Segment<'_>, at: Position) -> u32 {
        self.close_set(at.byte);
        self.summary.transactions += 1;
        if self.group.is_none() {
            self.push(Diagnostic::error(
                codes::ST_OUTSIDE_GROUP,
                "ST outside a functional group",
                at.clone(),
            ));
        }
        if let Some(g) = &mut self.group {
            g.count += 1;
        }
        let control = segment
            .element(2)
            .map(|e| String::from_utf8_lossy(trim(e.bytes())).into_owned());
        let control = control.unwrap_or_default();
        let mut at = at;
        at.set_control = Some(control.clone());
        at.set_segment_index = Some(1);
        if segment.element(1).is_none_or(|e| e.is_empty()) {
            self.push(Diagnostic::error(
                codes::ELEMENT_MISSING,
                "ST01 (transaction set identifier) is missing",
                at.clone().with_element(1),
            ));
        }
        if control.is_empty() {
            self.push(Diagnostic::error(
                codes::ELEMENT_MISSING,
                "ST02 (control number) is missing",
                at.clone().with_element(2),
            ));
        }
        self.set = Some(Open {
            control,
            count: 1,
            position: at,
        });
        1
    }

    fn se(&mut self, segment: &Segment<'_>, at: Position) {
        let Some(open) = self.set.take() else {
            self.push(Diagnostic::error(
                codes::UNEXPECTED_TRAILER,
                "SE without ST",
                at,
            ));
            return;
        };
        self.check_trailer(
            segment,
            at,
            open,
            ("SE01", "segments", codes::SE01_COUNT),
            ("SE02", "ST02", codes::SE02_CONTROL),
        );
    }

    /// Checks a trailer's count (element 1) and control number (element 2) against its header.
    fn check_trailer(
        &mut self,
        segment: &Segment<'_>,
        at: Position,
        open: Open,
        count: (&str, &str, &'static str),
        control: (&str, &str, &'static str),
    ) {
        let (count_name, counted, count_code) = count;
        match segment.element(1).map(|e| trim(e.bytes())) {
            Some(n) if !n.is_empty() && n.iter().all(u8::is_ascii_digit) => {
                let declared = std::str::from_utf8(n)
                    .ok()
                    .and_then(|s| s.parse::<u64>().ok());
                if declared != Some(open.count) {
                    let msg = format!(
                        "{count_name} says {} {counted}, found {}",
                        String::from_utf8_lossy(n),
                        open.count
                    );
                    self.push(Diagnostic::error(
                        count_code,
                        msg,
                        at.clone().with_element(1),
                    ));
                }
            }
            _ => {
                let msg = format!(
                    "{count_name} must be the number of {counted} ({})",
                    open.count
                );
                self.push(Diagnostic::error(
                    count_code,
                    msg,
                    at.clone().with_element(1),
                ));
            }
        }
        let (control_name, header, control_code) = control;
        let found = segment.element(2).map(|e| trim(e.bytes())).unwrap_or(&[]);
        if found != open.control.as_bytes() {
            let msg = format!(
                "{control_name} {} does not match {header} {} (at byte {})",
                String::from_utf8_lossy(found),
                open.control,
                open.position.byte
            );
            self.push(Diagnostic::error(control_code, msg, at.with_element(2)));
        }
    }

    /// Reports envelopes left open at the end of the input (`end` is the input length).
    pub fn finish(&mut self, end: u64) {
        if self.interchange.is_some() {
            self.close_group(end);
            let p = self.context(end);
            self.push(Diagnostic::error(
                codes::IEA_MISSING,
                "input ends before IEA",
                p,
            ));
            self.interchange = None;
        } else {
            self.close_group(end);
        }
        if let Some(byte) = self.text_after.take() {
            self.push(Diagnostic::warning(
                codes::TRAILING_TEXT,
                "text after the last interchange",
                Position::at_byte(byte),
            ));
        }
    }
}

fn valid_yymmdd(d: &[u8]) -> bool {
    let n = |i: usize| u32::from(d[i] - b'0') * 10 + u32::from(d[i + 1] - b'0');
    (1..=12).contains(&n(2)) && (1..=31).contains(&n(4))
}

fn valid_hhmm(t: &[u8]) -> bool {
    let n = |i: usize| u32::from(t[i] - b'0') * 10 + u32::from(t[i + 1] - b'0');
    n(0) < 24 && n(2) < 60
}
