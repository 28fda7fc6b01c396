//! Implementation-guide validation: the loop tree of each transaction set, and findings
//! classified like the 999 reports them.
//!
//! [`Validator::validate`] reads a whole file with the zero-copy [`crate::Tokenizer`] (and
//! [`Validator::validate_reader`] streams one with the [`crate::Reader`]), checks the envelopes (ISA/IEA, GS/GE, ST/SE: the findings a TA1, an AK9 and an IK5 report),
//! picks each set's guide by ST01 and ST03 (or GS08), places every segment in the guide's loop
//! structure, and checks every element. The result is a [`Report`]; a 999 is a rendering of it
//! (see [`ack`](crate::ack)), not a second analysis.
//!
//! ```
//! use medbill_x12::validate::{AckCode, Validator};
//!
//! let file = b"ISA*00*          *00*          *ZZ*SUBMITTER      *ZZ*RECEIVER       *240101*1200*^*00501*000000001*0*T*:~\
//! GS*HC*SUBMITTER*RECEIVER*20240101*1200*1*X*005010X222A1~\
//! ST*837*0001*005010X222A1~BHT*0019*00*0123*20240101*1200*CH~\
//! NM1*41*2*SUBMITTER*****46*S1~PER*IC*CONTACT*TE*5555551212~NM1*40*2*RECEIVER*****46*R1~\
//! HL*1**20*1~NM1*85*2*CLINIC*****XX*1234567893~N3*1 MAIN ST~N4*TOWN*NY*12345~REF*EI*123456789~\
//! HL*2*1*22*0~SBR*P*18*******CI~NM1*IL*1*DOE*JOHN****MI*M1~NM1*PR*2*PAYER*****PI*P1~\
//! CLM*C1*100***11:B:1*Y*A*Y*Y~HI*ABK:R69~LX*1~SV1*HC:99213*100*UN*1***1~DTP*472*D8*20240101~\
//! SE*20*0001~GE*1*1~IEA*1*000000001~";
//! let report = Validator::new().validate(file);
//! let set = &report.interchanges[0].groups[0].transactions[0];
//! assert_eq!(set.status(), AckCode::Accepted, "{:?} {:?}", set.errors, set.findings);
//! assert_eq!(set.loop_path(set.loops.len() - 1), "2000A > 2000B > 2300 > 2400");
//! ```

mod element;
mod finding;
mod matcher;
mod set_error;

pub use finding::{Finding, FindingKind};
pub use set_error::{SetError, SetErrorKind};

use crate::schema::{self, Guide, SegmentId};
use crate::{Delimiters, Segment, Token, Tokenizer};

use matcher::Matcher;

/// Validates X12 files against implementation guides.
///
/// ```
/// use medbill_x12::validate::{FindingKind, Validator};
///
/// let report = Validator::new().validate(b"ISA*00*          *00*          *ZZ*A              *ZZ*B              *240101*1200*^*00501*000000001*0*T*:~GS*HC*A*B*20240101*1200*1*X*005010X222A1~ST*837*0001*005010X222A1~BHT*0019*00*1*20240101*1200*XX~SE*3*0001~GE*1*1~IEA*1*000000001~");
/// let set = report.transactions().next().unwrap();
/// let bht06 = set.findings.iter().find(|f| f.segment_id.as_str() == "BHT").unwrap();
/// assert_eq!((bht06.kind, bht06.element, bht06.code()), (FindingKind::InvalidCode, Some(6), "7"));
/// ```
///
/// [`Validator::new`] knows every embedded guide; [`with_guide`](Validator::with_guide) adds or
/// replaces one (for example a base guide with a payer's [`Overlay`](crate::schema::Overlay)
/// applied), matched by transaction set ID and version like the embedded ones.
#[derive(Clone, Debug)]
pub struct Validator<'g> {
    guides: Vec<&'g Guide>,
    /// Segment and element findings kept per transaction set, and per file; past them only
    /// counted (the set's verdict still covers them).
    max_findings_per_set: usize,
    max_findings: usize,
}

/// Findings kept per transaction set by default ([`Validator::max_findings`]).
pub const DEFAULT_MAX_FINDINGS_PER_SET: usize = 1_000;
/// Findings kept per file by default ([`Validator::max_findings`]).
pub const DEFAULT_MAX_FINDINGS: usize = 10_000;

impl Default for Validator<'static> {
    fn default() -> Self {
        Validator::new()
    }
}

impl Validator<'static> {
    /// A validator with every embedded guide.
    pub fn new() -> Validator<'static> {
        Validator {
            guides: schema::guides().iter().collect(),
            max_findings_per_set: DEFAULT_MAX_FINDINGS_PER_SET,
            max_findings: DEFAULT_MAX_FINDINGS,
        }
    }
}

impl<'g> Validator<'g> {
    /// The same validator keeping at most `per_set` segment and element findings per
    /// transaction set and `per_file` in all: the rest are counted
    /// ([`Transaction::suppressed_findings`], [`Report::suppressed_findings`]), so that memory
    /// and output stay bounded on hostile input. A set with findings kept or counted is
    /// rejected all the same. The defaults are [`DEFAULT_MAX_FINDINGS_PER_SET`] and
    /// [`DEFAULT_MAX_FINDINGS`].
    ///
    /// ```
    /// use medbill_x12::validate::Validator;
    ///
    /// // A set of 500 segments no guide knows.
    /// let mut file = String::from("ISA*00*          *00*          *ZZ*A              *ZZ*B              *240101*1200*^*00501*000000001*0*T*:~GS*HC*A*B*20240101*1200*1*X*005010X222A1~ST*837*0001*005010X222A1~");
    /// file.push_str(&"ZZZ*1~".repeat(500));
    /// file.push_str("SE*502*0001~GE*1*1~IEA*1*000000001~");
    /// let report = Validator::new().max_findings(100, 1_000).validate(file.as_bytes());
    /// let set = report.transactions().next().unwrap();
    /// assert_eq!(set.findings.len(), 100);
    /// assert!(set.suppressed_findings > 0);
    /// assert!(!set.accepted());
    /// ```
    pub fn max_findings(mut self, per_set: usize, per_file: usize) -> Self {
        self.max_findings_per_set = per_set.max(1);
        self.max_findings = per_file.max(1);
        self
    }

    /// The same validator, using `guide` for its transaction set and version in preference to an
    /// embedded guide.
    pub fn with_guide<'h>(self, guide: &'h Guide) -> Validator<'h>
    where
        'g: 'h,
    {
        let mut guides: Vec<&'h Guide> = self.guides;
        guides.insert(0, guide);
        Validator {
            guides,
            max_findings_per_set: self.max_findings_per_set,
            max_findings: self.max_findings,
        }
    }

    /// The guide used for a transaction set ID and guide version, if any.
    pub fn guide_for(&self, transaction: &str, version: &str) -> Option<&'g Guide> {
        let version = schema::canonical_version(transaction, version);
        self.guides
            .iter()
            .copied()
            .find(|g| g.transaction() == transaction && g.version() == version)
    }

    /// Validates a whole file in memory. Never fails: what cannot be read is reported.
    ///
    /// UTF-16 input (with a byte order mark) is decoded first; byte offsets then count bytes of
    /// the decoded text, as in [`Position`](crate::Position).
    pub fn validate(&self, input: &[u8]) -> Report<'g> {
        let decoded = crate::decode_utf16(input);
        let input = &decoded[..];
        let mut run = Run {
            validator: self,
            report: Report::default(),
            state: State::default(),
            kept_findings: 0,
        };
        for token in Tokenizer::new(input) {
            match token {
                Token::Text(text) => run.text(text.bytes(), text.offset()),
                Token::Segment(segment) => run.segment(&segment),
            }
        }
        run.end_of_input(input.len() as u64);
        run.report
    }

    /// Validates a file from any reader, one transaction set at a time, with the streaming
    /// [`Reader`](crate::Reader): memory is bounded by the largest set, not the file. The report
    /// is the same as [`validate`](Self::validate)'s; only a failing source, or input with no
    /// interchange at all, is an error.
    ///
    /// ```
    /// use medbill_x12::validate::Validator;
    ///
    /// let file = b"ISA*00*          *00*          *ZZ*A              *ZZ*B              *240101*1200*^*00501*000000001*0*T*:~GS*HC*A*B*20240101*1200*1*X*005010X222A1~ST*837*0001*005010X222A1~SE*2*0001~GE*1*1~IEA*1*000000001~";
    /// let report = Validator::new().validate_reader(&file[..])?;
    /// assert_eq!(report.transactions().next().unwrap().ik5_codes(), ["5"]);
    /// # Ok::<(), medbill_x12::X12Error>(())
    /// ```
    pub fn validate_reader<R: std::io::Read>(
        &self,
        source: R,
    ) -> Result<Report<'g>, crate::X12Error> {
        let mut reader = crate::Reader::new(source);
        let mut run = Run {
            validator: self,
            report: Report::default(),
            state: State::default(),
            kept_findings: 0,
        };
        let mut end = 0u64;
        while let Some(event) = reader.next_event()? {
            match event {
                crate::Event::Text(text) => {
                    end = end.max(text.offset + text.bytes.len() as u64);
                    run.text(&text.bytes, text.offset);
                }
                crate::Event::Segment(raw) => {
                    let segment = raw.segment();
                    end = end.max(segment_end(&segment));
                    run.segment(&segment);
                }
                crate::Event::Transaction(set) => {
                    for segment in set.segments() {
                        end = end.max(segment_end(&segment));
                        run.segment(&segment);
                    }
                }
            }
        }
        run.end_of_input(end);
        Ok(run.report)
    }
}

/// Something about the file that is not an error in any acknowledgment, but that some readers
/// reject (pyx12 refuses byte order marks, for one).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum NoticeKind {
    /// A UTF-8 byte order mark before the first interchange.
    ByteOrderMark,
    /// Text other than whitespace outside any interchange.
    TextOutsideInterchange,
    /// Line breaks or spaces between segments.
    LineBreaksBetweenSegments,
    /// The last segment has no terminator.
    UnterminatedSegment,
    /// A segment ends with an element separator (empty trailing elements), which X12 syntax
    /// does not allow but most readers accept; pyx12 rejects it.
    TrailingSeparator,
}

/// A [`NoticeKind`] and the byte where it was first seen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Notice {
    /// What.
    pub kind: NoticeKind,
    /// Byte offset in the input.
    pub byte: u64,
}

/// The result of validating a file.
#[derive(Clone, Debug, Default)]
pub struct Report<'g> {
    /// Each interchange (ISA to IEA), in file order.
    pub interchanges: Vec<Interchange<'g>>,
    /// Departures from the standard that no acknowledgment reports.
    pub notices: Vec<Notice>,
    /// Findings not kept in all (the sum of every set's
    /// [`suppressed_findings`](Transaction::suppressed_findings)).
    pub suppressed_findings: u64,
}

impl<'g> Report<'g> {
    /// Every transaction set of every group of every interchange, in file order.
    pub fn transactions(&self) -> impl Iterator<Item = &Transaction<'g>> {
        self.interchanges
            .iter()
            .flat_map(|i| i.groups.iter())
            .flat_map(|g| g.transactions.iter())
    }
}

/// An interchange (ISA to IEA) and what was found in its envelope.
///
/// The ISA fields kept here are envelope routing data, not patient data.
#[derive(Clone, Debug, Default)]
pub struct Interchange<'g> {
    /// ISA05 sender ID qualifier.
    pub sender_qualifier: String,
    /// ISA06 sender ID, trimmed.
    pub sender_id: String,
    /// ISA07 receiver ID qualifier.
    pub receiver_qualifier: String,
    /// ISA08 receiver ID, trimmed.
    pub receiver_id: String,
    /// ISA09 date, `YYMMDD`.
    pub date: String,
    /// ISA10 time, `HHMM`.
    pub time: String,
    /// ISA12 version, such as `00501`.
    pub version: String,
    /// ISA13 control number.
    pub control: String,
    /// ISA15 usage indicator, `P` or `T`.
    pub usage: String,
    /// ISA14: whether the sender asked for a TA1.
    pub ack_requested: bool,
    /// The interchange's delimiters.
    pub delimiters: Delimiters,
    /// Envelope problems, as TA1 note codes (TA105) with the byte where each was found.
    pub errors: Vec<EnvelopeError>,
    /// The functional groups.
    pub groups: Vec<Group<'g>>,
    /// Byte offset of the ISA.
    pub byte: u64,
}

impl Interchange<'_> {
    /// Whether the envelope is sound (no TA1 is needed, or a TA1 would say `A`).
    pub fn envelope_ok(&self) -> bool {
        self.errors.is_empty()
    }
}

/// An interchange-level problem, as the TA1 reports it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EnvelopeError {
    /// TA105 interchange note code, such as `001` (control numbers do not match).
    pub code: &'static str,
    /// Byte offset of the segment in question.
    pub byte: u64,
}

impl EnvelopeError {
    /// What the TA105 code means.
    pub fn message(&self) -> &'static str {
        match self.code {
            "001" => "interchange control numbers in header and trailer do not match",
            "005" => "invalid interchange sender ID qualifier",
            "006" => "invalid interchange sender ID",
            "007" => "invalid interchange receiver ID qualifier",
            "008" => "invalid interchange receiver ID",
            "010" => "invalid authorization information qualifier",
            "012" => "invalid security information qualifier",
            "014" => "invalid interchange date",
            "015" => "invalid interchange time",
            "016" => "invalid interchange standards identifier",
            "017" => "invalid interchange version ID",
            "018" => "invalid interchange control number",
            "019" => "invalid acknowledgment requested value",
            "020" => "invalid test indicator value",
            "021" => "invalid number of included groups",
            "022" => "invalid control structure",
            "023" => "improper (premature) end of file",
            "024" => "invalid interchange content",
            "027" => "invalid component element separator",
            _ => "interchange error",
        }
    }
}

/// A functional group (GS to GE).
#[derive(Clone, Debug, Default)]
pub struct Group<'g> {
    /// GS01 functional identifier code, such as `HC`.
    pub functional_id: String,
    /// GS02 application sender's code.
    pub sender: String,
    /// GS03 application receiver's code.
    pub receiver: String,
    /// GS06 group control number.
    pub control: String,
    /// GS08 version, such as `005010X222A1`.
    pub version: String,
    /// Group problems, as AK9 functional group syntax error codes (AK905 and on).
    pub errors: Vec<&'static str>,
    /// The transaction sets.
    pub transactions: Vec<Transaction<'g>>,
    /// Byte offset of the GS.
    pub byte: u64,
}

impl Group<'_> {
    /// The AK901 code: accepted, accepted with errors, partially accepted or rejected.
    pub fn status(&self) -> AckCode {
        let accepted = self
            .transactions
            .iter()
            .filter(|t| t.status().is_accepted())
            .count();
        let with_errors = self
            .transactions
            .iter()
            .any(|t| t.status() == AckCode::AcceptedWithErrors);
        if !self.errors.is_empty() || (accepted == 0 && !self.transactions.is_empty()) {
            AckCode::Rejected
        } else if accepted < self.transactions.len() {
            AckCode::PartiallyAccepted
        } else if with_errors {
            AckCode::AcceptedWithErrors
        } else {
            AckCode::Accepted
        }
    }
}

/// The 999 acknowledgment codes (IK501 for a set, AK901 for a group).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AckCode {
    /// `A`: accepted.
    Accepted,
    /// `E`: accepted, but errors were noted.
    AcceptedWithErrors,
    /// `P`: some transaction sets of the group were rejected (AK901 only).
    PartiallyAccepted,
    /// `R`: rejected.
    Rejected,
}

impl AckCode {
    /// The code as the 999 writes it.
    pub fn code(self) -> &'static str {
        match self {
            AckCode::Accepted => "A",
            AckCode::AcceptedWithErrors => "E",
            AckCode::PartiallyAccepted => "P",
            AckCode::Rejected => "R",
        }
    }

    /// Whether the set (or some of the group) goes on to processing.
    pub fn is_accepted(self) -> bool {
        !matches!(self, AckCode::Rejected)
    }
}

/// One instance of a loop in a transaction set's loop tree.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LoopInstance {
    /// Index of the loop in the guide ([`Guide::loop_rule`]); 0 is the transaction level.
    pub loop_index: u32,
    /// The enclosing instance (index into [`Transaction::loops`]); `None` for the root.
    pub parent: Option<u32>,
    /// 1-based set position of the segment that opened the instance.
    pub first_segment: u32,
    /// 1-based set position of the instance's last segment (not counting nested loops closed
    /// after it).
    pub last_segment: u32,
}

/// A transaction set (ST to SE): its guide, loop tree and findings.
#[derive(Clone, Debug, Default)]
pub struct Transaction<'g> {
    /// ST01 transaction set identifier, such as `837`.
    pub id: String,
    /// ST02 control number.
    pub control: String,
    /// The guide version it was checked against (ST03, else GS08), as written.
    pub version: String,
    /// The guide used; `None` when no guide matches (then only the envelope is checked).
    pub guide: Option<&'g Guide>,
    /// Set-level problems (IK502 codes other than `5`: set or guide not supported, trailer
    /// missing, control numbers, segment count), each with the segment it is about.
    pub errors: Vec<SetError>,
    /// Segment and element findings, in file order: the first ones, up to the validator's
    /// limits ([`Validator::max_findings`]).
    pub findings: Vec<Finding>,
    /// Findings past the limits: counted, not kept.
    pub suppressed_findings: u64,
    /// The loop tree: every loop instance, parents before children (index 0 is the root).
    pub loops: Vec<LoopInstance>,
    /// Number of segments from ST to SE inclusive, as counted.
    pub segment_count: u32,
    /// Byte offset of the ST.
    pub byte: u64,
}

impl Transaction<'_> {
    /// The IK501 code: `R` when anything was found, else `A`.
    pub fn status(&self) -> AckCode {
        if self.errors.is_empty() && self.findings.is_empty() && self.suppressed_findings == 0 {
            AckCode::Accepted
        } else {
            AckCode::Rejected
        }
    }

    /// Whether the set would be accepted.
    pub fn accepted(&self) -> bool {
        self.status().is_accepted()
    }

    /// The IK502.. codes for this set: `5` when there are findings, then the set-level codes.
    pub fn ik5_codes(&self) -> Vec<&'static str> {
        let mut codes = Vec::new();
        if !self.findings.is_empty() || self.suppressed_findings > 0 {
            codes.push("5");
        }
        codes.extend(self.errors.iter().map(SetError::code));
        codes.truncate(5);
        codes
    }

    /// The guide loop ID of a loop instance, such as `2300` (empty for the root or without a
    /// guide).
    pub fn loop_id(&self, instance: usize) -> &str {
        match (self.guide, self.loops.get(instance)) {
            (Some(g), Some(l)) => &g.loop_rule(l.loop_index).id,
            _ => "",
        }
    }

    /// The path of loop IDs from the transaction level down to an instance, such as
    /// `2000A > 2000B > 2300 > 2400`.
    pub fn loop_path(&self, instance: usize) -> String {
        let mut ids = Vec::new();
        let mut at = Some(instance as u32);
        while let Some(i) = at {
            let Some(l) = self.loops.get(i as usize) else {
                break;
            };
            if l.parent.is_some() {
                ids.push(self.loop_id(i as usize));
            }
            at = l.parent;
        }
        ids.reverse();
        ids.join(" > ")
    }
}

#[derive(Default)]
struct State<'g> {
    in_interchange: bool,
    in_group: bool,
    set: Option<OpenSet<'g>>,
    group_sets: u32,
    interchange_groups: u32,
    /// The current group's ST02 values, for uniqueness.
    controls: Vec<String>,
    saw_trivia: bool,
}

struct OpenSet<'g> {
    transaction: Transaction<'g>,
    matcher: Option<Matcher<'g>>,
    /// The last segment read and its byte offset, for a set that ends without SE.
    last_segment: (SegmentId, u64),
}

impl OpenSet<'_> {
    /// Records a set-level error about the segment at `segment_index`.
    fn error(&mut self, kind: SetErrorKind, segment_id: SegmentId, segment_index: u32, byte: u64) {
        self.transaction.errors.push(SetError {
            kind,
            segment_id,
            segment_index,
            byte,
        });
    }
}

struct Run<'v, 'g> {
    validator: &'v Validator<'g>,
    report: Report<'g>,
    state: State<'g>,
    /// Findings kept in the sets closed so far, against the per-file limit.
    kept_findings: usize,
}

/// Keeps `t`'s findings within the validator's limits (`kept` already kept in the file),
/// counting the rest.
fn cap(t: &mut Transaction<'_>, v: &Validator<'_>, kept: usize) {
    let room = v
        .max_findings_per_set
        .min(v.max_findings.saturating_sub(kept));
    if t.findings.len() > room {
        t.suppressed_findings += (t.findings.len() - room) as u64;
        t.findings.truncate(room);
    }
}

/// The byte after a segment and its terminator; a segment cut off at the end of input has none,
/// so that the streamed end of input is the same byte as [`Validator::validate`]'s.
fn segment_end(segment: &Segment<'_>) -> u64 {
    segment.offset() + segment.raw().len() as u64 + u64::from(segment.is_terminated())
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).trim().to_owned()
}

fn element_text(segment: &Segment<'_>, n: usize) -> String {
    segment
        .element(n)
        .map_or_else(String::new, |e| text(e.bytes()))
}

impl<'g> Run<'_, 'g> {
    fn text(&mut self, bytes: &[u8], offset: u64) {
        if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
            self.notice(offset, NoticeKind::ByteOrderMark);
        } else if !bytes.iter().all(u8::is_ascii_whitespace) {
            self.notice(offset, NoticeKind::TextOutsideInterchange);
        }
    }

    fn notice(&mut self, byte: u64, kind: NoticeKind) {
        if !self.report.notices.iter().any(|n| n.kind == kind) {
            self.report.notices.push(Notice { kind, byte });
        }
    }

    fn envelope_error(&mut self, code: &'static str, byte: u64) {
        if let Some(i) = self.report.interchanges.last_mut()
            && !i.errors.iter().any(|e| e.code == code)
        {
            i.errors.push(EnvelopeError { code, byte });
        }
    }

    fn group_error(&mut self, code: &'static str) {
        if let Some(g) = self
            .report
            .interchanges
            .last_mut()
            .and_then(|i| i.groups.last_mut())
            && !g.errors.contains(&code)
        {
            g.errors.push(code);
        }
    }

    fn segment(&mut self, segment: &Segment<'_>) {
        if !segment.trivia().is_empty() && !self.state.saw_trivia {
            self.state.saw_trivia = true;
            self.notice(
                segment.trivia_offset(),
                NoticeKind::LineBreaksBetweenSegments,
            );
        }
        if !segment.is_terminated() {
            self.notice(segment.offset(), NoticeKind::UnterminatedSegment);
        }
        if segment.raw().last() == Some(&segment.delimiters().element) && segment.id() != b"ISA" {
            self.notice(segment.offset(), NoticeKind::TrailingSeparator);
        }
        match segment.id() {
            b"ISA" => self.isa(segment),
            b"IEA" => self.iea(segment),
            b"GS" => self.gs(segment),
            b"GE" => self.ge(segment),
            b"ST" => self.st(segment),
            b"SE" => self.se(segment),
            _ => {
                if let Some(set) = &mut self.state.set {
                    set.transaction.segment_count += 1;
                    set.last_segment = (SegmentId::lossy(segment.id()), segment.offset());
                    let index = set.transaction.segment_count;
                    if let Some(m) = &mut set.matcher {
                        m.segment(segment, index, &mut set.transaction.findings);
                    }
                    self.cap_findings();
                } else {
                    // A segment between envelopes.
                    self.envelope_error("022", segment.offset());
                }
            }
        }
    }

    fn isa(&mut self, s: &Segment<'_>) {
        if self.state.in_interchange {
            self.close_group(s.offset());
            self.envelope_error("023", s.offset());
        }
        self.state.in_interchange = true;
        self.state.interchange_groups = 0;
        let mut i = Interchange {
            sender_qualifier: element_text(s, 5),
            sender_id: element_text(s, 6),
            receiver_qualifier: element_text(s, 7),
            receiver_id: element_text(s, 8),
            date: element_text(s, 9),
            time: element_text(s, 10),
            version: element_text(s, 12),
            control: element_text(s, 13),
            usage: element_text(s, 15),
            ack_requested: element_text(s, 14) == "1",
            delimiters: s.delimiters(),
            byte: s.offset(),
            ..Interchange::default()
        };
        let at = s.offset();
        let raw = |n: usize| s.element(n).map_or(&b""[..], |e| e.bytes());
        let qualifiers: &[&[u8]] = &[
            b"01", b"14", b"20", b"27", b"28", b"29", b"30", b"33", b"ZZ",
        ];
        let mut errors = Vec::new();
        if !matches!(raw(1), b"00" | b"03") {
            errors.push("010");
        }
        if !matches!(raw(3), b"00" | b"01") {
            errors.push("012");
        }
        if !qualifiers.contains(&raw(5)) {
            errors.push("005");
        }
        if raw(6).len() != 15 {
            errors.push("006");
        }
        if !qualifiers.contains(&raw(7)) {
            errors.push("007");
        }
        if raw(8).len() != 15 {
            errors.push("008");
        }
        if !element::is_date(raw(9)) || raw(9).len() != 6 {
            errors.push("014");
        }
        if !element::is_time(raw(10)) || raw(10).len() != 4 {
            errors.push("015");
        }
        if !matches!(raw(12), b"00501" | b"00401") {
            errors.push("017");
        }
        if raw(13).len() != 9 || !raw(13).iter().all(u8::is_ascii_digit) {
            errors.push("018");
        }
        if !matches!(raw(14), b"0" | b"1") {
            errors.push("019");
        }
        if !matches!(raw(15), b"P" | b"T") {
            errors.push("020");
        }
        if raw(16).len() != 1 {
            errors.push("027");
        }
        i.errors = errors
            .into_iter()
            .map(|code| EnvelopeError { code, byte: at })
            .collect();
        self.report.interchanges.push(i);
    }

    fn iea(&mut self, s: &Segment<'_>) {
        if !self.state.in_interchange {
            // An IEA without ISA has no interchange to report on.
            self.notice(s.offset(), NoticeKind::TextOutsideInterchange);
            return;
        }
        self.close_group(s.offset());
        let groups = self.state.interchange_groups;
        let count = s.element(1).map(|e| e.bytes()).unwrap_or_default();
        if std::str::from_utf8(count)
            .ok()
            .and_then(|c| c.parse::<u32>().ok())
            != Some(groups)
        {
            self.envelope_error("021", s.offset());
        }
        let control = element_text(s, 2);
        if self
            .report
            .interchanges
            .last()
            .is_some_and(|i| i.control != control)
        {
            self.envelope_error("001", s.offset());
        }
        self.state.in_interchange = false;
    }

    fn gs(&mut self, s: &Segment<'_>) {
        if !self.state.in_interchange {
            self.envelope_error("022", s.offset());
            return;
        }
        if self.state.in_group {
            self.close_group(s.offset());
        }
        self.state.in_group = true;
        self.state.group_sets = 0;
        self.state.interchange_groups += 1;
        self.state.controls.clear();
        let group = Group {
            functional_id: element_text(s, 1),
            sender: element_text(s, 2),
            receiver: element_text(s, 3),
            control: element_text(s, 6),
            version: element_text(s, 8),
            byte: s.offset(),
            ..Group::default()
        };
        let raw = |n: usize| s.element(n).map_or(&b""[..], |e| e.bytes());
        let bad_date = raw(4).len() != 8 || !element::is_date(raw(4));
        if bad_date || !element::is_time(raw(5)) {
            // GS04/GS05 have no AK9 code; the TA1 reports bad group content.
            self.envelope_error("024", s.offset());
        }
        let bad_control = group.control.is_empty()
            || group.control.len() > 9
            || !group.control.bytes().all(|b| b.is_ascii_digit());
        if let Some(i) = self.report.interchanges.last_mut() {
            i.groups.push(group);
        }
        if bad_control {
            self.group_error("6");
        }
    }

    /// Closes an open group that has no GE (AK9 code 3), and any open set in it.
    fn close_group(&mut self, byte: u64) {
        self.close_set(byte);
        if self.state.in_group {
            self.group_error("3");
            self.state.in_group = false;
        }
    }

    fn ge(&mut self, s: &Segment<'_>) {
        self.close_set(s.offset());
        if !self.state.in_group {
            self.envelope_error("022", s.offset());
            return;
        }
        let count = s.element(1).map(|e| e.bytes()).unwrap_or_default();
        if std::str::from_utf8(count)
            .ok()
            .and_then(|c| c.parse::<u32>().ok())
            != Some(self.state.group_sets)
        {
            self.group_error("5");
        }
        let control = element_text(s, 2);
        let matches = self
            .report
            .interchanges
            .last()
            .and_then(|i| i.groups.last())
            .is_some_and(|g| g.control == control);
        if !matches {
            self.group_error("4");
        }
        self.state.in_group = false;
    }

    fn st(&mut self, s: &Segment<'_>) {
        self.close_set(s.offset());
        if !self.state.in_group {
            self.envelope_error("024", s.offset());
        }
        self.state.group_sets += 1;
        let group_version = self
            .report
            .interchanges
            .last()
            .and_then(|i| i.groups.last())
            .map(|g| g.version.clone())
            .unwrap_or_default();
        let id = element_text(s, 1);
        let control = element_text(s, 2);
        let reference = element_text(s, 3);
        let version = if reference.is_empty() {
            group_version
        } else {
            reference
        };
        let guide = self.validator.guide_for(&id, &version);
        let st = SegmentId::lossy(s.id());
        let mut set = OpenSet {
            transaction: Transaction {
                id,
                control,
                version,
                guide,
                segment_count: 1,
                byte: s.offset(),
                ..Transaction::default()
            },
            matcher: guide.map(Matcher::new),
            last_segment: (st, s.offset()),
        };
        let t = &set.transaction;
        let mut errors = Vec::new();
        if t.id.len() != 3 || !t.id.bytes().all(|b| b.is_ascii_digit()) {
            errors.push(SetErrorKind::InvalidSetIdentifier);
        } else if guide.is_none() {
            errors.push(self.unsupported(t));
        }
        if !(4..=9).contains(&t.control.len()) {
            errors.push(SetErrorKind::InvalidControlNumber);
        }
        if self.state.controls.contains(&t.control) {
            errors.push(SetErrorKind::ControlNumberNotUnique {
                control: t.control.clone(),
            });
        }
        self.state.controls.push(t.control.clone());
        for kind in errors {
            set.error(kind, st, 1, s.offset());
        }
        if let Some(m) = &mut set.matcher {
            m.segment(s, 1, &mut set.transaction.findings);
        }
        self.state.set = Some(set);
    }

    /// Why no guide matches a set with a well-formed ST01: the set is unknown (IK502 `1`) or only
    /// its guide version is (`I6`), with what is supported instead.
    fn unsupported(&self, t: &Transaction<'_>) -> SetErrorKind {
        let mut versions: Vec<String> = self
            .validator
            .guides
            .iter()
            .filter(|g| g.transaction() == t.id)
            .map(|g| g.version().to_owned())
            .collect();
        if versions.is_empty() {
            let mut sets: Vec<String> = self
                .validator
                .guides
                .iter()
                .map(|g| g.transaction().to_owned())
                .collect();
            sets.sort();
            sets.dedup();
            return SetErrorKind::SetNotSupported {
                transaction_set: t.id.clone(),
                supported: sets,
            };
        }
        versions.sort();
        versions.dedup();
        SetErrorKind::GuideNotSupported {
            transaction_set: t.id.clone(),
            version: t.version.clone(),
            supported: versions,
        }
    }

    fn se(&mut self, s: &Segment<'_>) {
        let Some(mut set) = self.state.set.take() else {
            self.envelope_error("022", s.offset());
            return;
        };
        let t = &mut set.transaction;
        t.segment_count += 1;
        let index = t.segment_count;
        if let Some(m) = &mut set.matcher {
            m.segment(s, index, &mut t.findings);
            m.finish(index, s, &mut t.findings);
        }
        let count = s.element(1).map(|e| e.bytes()).unwrap_or_default();
        let declared = std::str::from_utf8(count)
            .ok()
            .and_then(|c| c.parse::<u32>().ok());
        let se = SegmentId::lossy(s.id());
        if declared != Some(index) {
            let kind = SetErrorKind::SegmentCountWrong {
                declared,
                counted: index,
            };
            set.error(kind, se, index, s.offset());
        }
        let trailer = element_text(s, 2);
        if trailer != set.transaction.control {
            let kind = SetErrorKind::ControlNumberMismatch {
                header: set.transaction.control.clone(),
                trailer,
            };
            set.error(kind, se, index, s.offset());
        }
        self.push_set(set);
    }

    /// Closes a set that has no SE (IK502 code 2).
    fn close_set(&mut self, byte: u64) {
        let Some(mut set) = self.state.set.take() else {
            return;
        };
        let (last_id, last_byte) = set.last_segment;
        let last_index = set.transaction.segment_count;
        set.error(
            SetErrorKind::TrailerMissing { ended_at: byte },
            last_id,
            last_index,
            last_byte,
        );
        if let Some(m) = &mut set.matcher {
            // Report what the set lacks against a stand-in position: the byte that ended it.
            let stand_in = Segment::parse(b"SE", Delimiters::default());
            let n = set.transaction.segment_count;
            m.finish(n, &stand_in, &mut set.transaction.findings);
            for f in set.transaction.findings.iter_mut().filter(|f| f.byte == 0) {
                f.byte = byte;
            }
        }
        self.push_set(set);
    }

    /// Keeps the open set's findings within the limits, counting the rest.
    fn cap_findings(&mut self) {
        let Some(set) = &mut self.state.set else {
            return;
        };
        cap(&mut set.transaction, self.validator, self.kept_findings);
    }

    fn push_set(&mut self, mut set: OpenSet<'g>) {
        if let Some(m) = set.matcher.take() {
            set.transaction.loops = m.instances;
        }
        cap(&mut set.transaction, self.validator, self.kept_findings);
        self.kept_findings += set.transaction.findings.len();
        self.report.suppressed_findings += set.transaction.suppressed_findings;
        match self
            .report
            .interchanges
            .last_mut()
            .and_then(|i| i.groups.last_mut())
        {
            Some(g) => g.transactions.push(set.transaction),
            None => {
                // A set outside any group: keep it under a placeholder group so it is reported.
                let group = Group {
                    transactions: vec![set.transaction],
                    ..Group::default()
                };
                match self.report.interchanges.last_mut() {
                    Some(i) => i.groups.push(group),
                    None => self.report.interchanges.push(Interchange {
                        groups: vec![group],
                        errors: vec![EnvelopeError {
                            code: "022",
                            byte: 0,
                        }],
                        ..Interchange::default()
                    }),
                }
            }
        }
    }

    fn end_of_input(&mut self, end: u64) {
        if self.state.in_interchange {
            self.close_group(end);
            self.envelope_error("023", end);
        } else {
            self.close_set(end);
        }
    }
}
