//! Acknowledgments: 999 and TA1 generated from a validation [`Report`](crate::validate::Report),
//! and incoming 999s and TA1s parsed into outcomes the claim ledger understands.
//!
//! Generation renders what validation found; it does no analysis of its own. Each functional
//! group gets an AK1, each set an AK2, each segment in error an IK3 (segment ID, position in the
//! set, loop, IK304 code), each element in error an IK4 (element:component:repetition, IK403
//! code and, when allowed, a copy of the bad value), each set an IK5 and each group an AK9, per
//! 005010X231A1. Envelope problems go in a TA1.
//!
//! ```
//! use medbill_x12::ack::{self, AckOptions};
//! use medbill_x12::validate::Validator;
//!
//! let file = b"ISA*00*          *00*          *ZZ*SUBMITTER      *ZZ*RECEIVER       *240101*1200*^*00501*000000001*0*T*:~\
//! GS*HC*SUBMITTER*RECEIVER*20240101*1200*7*X*005010X222A1~ST*837*0001*005010X222A1~SE*2*0001~GE*1*7~IEA*1*000000001~";
//! let report = Validator::new().validate(file);
//! let text = ack::implementation_acks(&report.interchanges[0], &AckOptions::default());
//! assert!(text.contains("AK1*HC*7*005010X222A1~"));
//! assert!(text.contains("IK5*R*5~"));
//!
//! // And back: the 999 parses into outcomes.
//! let acks = ack::parse(text.as_bytes());
//! let ack::ReceivedAck::Group(group) = &acks[0] else { panic!() };
//! assert_eq!(group.sets[0].status, "R");
//! assert_eq!(group.sets[0].errors[0].code, "3");
//! ```

use std::fmt::{self, Write as _};

use chrono::{NaiveDate, NaiveTime};
use medbill_claim::{AckOutcome, AckReason, AckSource, Acknowledgment};

use crate::schema::DataType;
use crate::validate::{Finding, FindingKind, Interchange, Transaction};
use crate::{Delimiters, Token, Tokenizer};

/// Envelope values for generated acknowledgments, chosen by the caller.
///
/// Sender and receiver default to the acknowledged interchange's, swapped; date, time and usage
/// indicator default to the acknowledged interchange's, so output is reproducible.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AckOptions {
    /// ISA05/ISA06 of the acknowledgment; `None`: the acknowledged interchange's receiver.
    pub sender: Option<(String, String)>,
    /// ISA07/ISA08 of the acknowledgment; `None`: the acknowledged interchange's sender.
    pub receiver: Option<(String, String)>,
    /// GS02 application sender's code; `None`: the acknowledged group's GS03.
    pub application_sender: Option<String>,
    /// GS03 application receiver's code; `None`: the acknowledged group's GS02.
    pub application_receiver: Option<String>,
    /// ISA13 of the acknowledgment interchange.
    pub interchange_control: u32,
    /// GS06 of the acknowledgment group.
    pub group_control: u32,
    /// ST02 of the first 999; later ones count up.
    pub first_set_control: u32,
    /// The acknowledgment's date, GS04 and ISA09; `None`: the acknowledged interchange's date.
    pub date: Option<NaiveDate>,
    /// The acknowledgment's time (hours and minutes), GS05 and ISA10; `None`: the acknowledged
    /// interchange's time.
    pub time: Option<NaiveTime>,
    /// ISA15 `P` or `T`; `None`: the acknowledged interchange's.
    pub usage: Option<String>,
    /// Delimiters to write with.
    pub delimiters: Delimiters,
    /// Copy bad values of every data type into IK404. Off by default: only code values (type
    /// ID) are copied, because other values may be patient data.
    pub copy_bad_values: bool,
    /// A line break after each segment terminator.
    pub line_breaks: bool,
    /// Write the business-unit CTX (`CTX*CLM01:...`, the claim's patient control number) after
    /// each IK3 inside a claim, so the submitter can find the claim. On by default.
    pub claim_context: bool,
}

impl Default for AckOptions {
    fn default() -> Self {
        AckOptions {
            sender: None,
            receiver: None,
            application_sender: None,
            application_receiver: None,
            interchange_control: 1,
            group_control: 1,
            first_set_control: 1,
            date: None,
            time: None,
            usage: None,
            delimiters: Delimiters {
                element: b'*',
                repetition: Some(b'^'),
                component: b':',
                segment: b'~',
            },
            copy_bad_values: false,
            line_breaks: true,
            claim_context: true,
        }
    }
}

/// Writes segments with the chosen delimiters, counting them.
struct Out<'a> {
    text: String,
    d: &'a Delimiters,
    line_breaks: bool,
    count: u32,
}

impl Out<'_> {
    fn seg(&mut self, elements: &[&str]) {
        let sep = char::from(self.d.element);
        let mut end = elements.len();
        while end > 1 && elements[end - 1].is_empty() {
            end -= 1;
        }
        for (i, e) in elements[..end].iter().enumerate() {
            if i > 0 {
                self.text.push(sep);
            }
            self.text.push_str(e);
        }
        self.text.push(char::from(self.d.segment));
        if self.line_breaks {
            self.text.push('\n');
        }
        self.count += 1;
    }
}

/// A value copied from the acknowledged file, with any of our delimiters (or a non-printable
/// byte) replaced by `?`, since the acknowledged file may use other delimiters.
fn clean(d: &Delimiters, s: &str) -> String {
    s.chars()
        .map(|c| match u8::try_from(c) {
            Ok(b) if (0x20..0x7f).contains(&b) && !d.contains(b) => c,
            _ => '?',
        })
        .collect()
}

fn pad(s: &str, width: usize) -> String {
    let mut s: String = s.chars().take(width).collect();
    while s.len() < width {
        s.push(' ');
    }
    s
}

fn yymmdd(date: &str) -> String {
    if date.len() == 8 {
        date[2..].to_owned()
    } else {
        date.to_owned()
    }
}

fn ccyymmdd(date: &str) -> String {
    if date.len() == 6 {
        format!("20{date}")
    } else {
        date.to_owned()
    }
}

impl AckOptions {
    fn header(&self, out: &mut Out<'_>, of: &Interchange<'_>) {
        let (sq, sid) = self
            .sender
            .clone()
            .unwrap_or_else(|| (of.receiver_qualifier.clone(), of.receiver_id.clone()));
        let (rq, rid) = self
            .receiver
            .clone()
            .unwrap_or_else(|| (of.sender_qualifier.clone(), of.sender_id.clone()));
        let (date, time) = self.ack_date_time(of);
        let usage = self.usage.clone().unwrap_or_else(|| of.usage.clone());
        let d = &self.delimiters;
        let (sq, sid, rq, rid) = (clean(d, &sq), clean(d, &sid), clean(d, &rq), clean(d, &rid));
        let (date, time, usage) = (clean(d, &date), clean(d, &time), clean(d, &usage));
        let rep = self
            .delimiters
            .repetition
            .map_or('U', char::from)
            .to_string();
        let comp = char::from(self.delimiters.component).to_string();
        out.seg(&[
            "ISA",
            "00",
            &pad("", 10),
            "00",
            &pad("", 10),
            &pad(&sq, 2),
            &pad(&sid, 15),
            &pad(&rq, 2),
            &pad(&rid, 15),
            &yymmdd(&date),
            &pad(&time, 4),
            &rep,
            "00501",
            &format!("{:09}", self.interchange_control % 1_000_000_000),
            "0",
            &pad(&usage, 1),
            &comp,
        ]);
    }

    fn ack_date_time(&self, of: &Interchange<'_>) -> (String, String) {
        (
            self.date
                .map_or_else(|| ccyymmdd(&of.date), |d| d.format("%Y%m%d").to_string()),
            self.time
                .map_or_else(|| of.time.clone(), |t| t.format("%H%M").to_string()),
        )
    }
}

/// The TA1 for an interchange, in its own interchange envelope: `R` with the first envelope
/// error's note code when there are errors, `A` with `000` when the sender asked for one (ISA14
/// = 1) and there are none, else `None`.
pub fn interchange_acks(of: &Interchange<'_>, options: &AckOptions) -> Option<String> {
    let (code, note) = match of.errors.first() {
        Some(e) => ("R", e.code),
        None if of.ack_requested => ("A", "000"),
        None => return None,
    };
    let mut out = Out {
        text: String::new(),
        d: &options.delimiters,
        line_breaks: options.line_breaks,
        count: 0,
    };
    options.header(&mut out, of);
    let d = &options.delimiters;
    out.seg(&[
        "TA1",
        &clean(d, &of.control),
        &clean(d, &of.date),
        &clean(d, &of.time),
        code,
        note,
    ]);
    out.seg(&[
        "IEA",
        "0",
        &format!("{:09}", options.interchange_control % 1_000_000_000),
    ]);
    Some(out.text)
}

/// The 999 interchange for an interchange: one functional group (GS01 `FA`) holding one 999 per
/// acknowledged group. An interchange with no groups gives an empty string.
pub fn implementation_acks(of: &Interchange<'_>, options: &AckOptions) -> String {
    if of.groups.is_empty() {
        return String::new();
    }
    let mut out = Out {
        text: String::new(),
        d: &options.delimiters,
        line_breaks: options.line_breaks,
        count: 0,
    };
    options.header(&mut out, of);
    let (date, time) = options.ack_date_time(of);
    let first = &of.groups[0];
    let d = &options.delimiters;
    let app_sender = options
        .application_sender
        .clone()
        .unwrap_or_else(|| first.receiver.clone());
    let app_receiver = options
        .application_receiver
        .clone()
        .unwrap_or_else(|| first.sender.clone());
    let group_control = options.group_control.to_string();
    out.seg(&[
        "GS",
        "FA",
        &clean(d, &app_sender),
        &clean(d, &app_receiver),
        &clean(d, &date),
        &clean(d, &time),
        &group_control,
        "X",
        "005010X231A1",
    ]);
    for (n, group) in of.groups.iter().enumerate() {
        let control = format!("{:04}", options.first_set_control as usize + n);
        let start = out.count;
        out.seg(&["ST", "999", &control, "005010X231A1"]);
        let d = &options.delimiters;
        out.seg(&[
            "AK1",
            &clean(d, &group.functional_id),
            &clean(d, &group.control),
            &clean(d, &group.version),
        ]);
        for set in &group.transactions {
            write_set(&mut out, set, options);
        }
        let accepted = group
            .transactions
            .iter()
            .filter(|t| t.accepted())
            .count()
            .to_string();
        let n_sets = group.transactions.len().to_string();
        let mut ak9 = vec!["AK9", group.status().code(), &n_sets, &n_sets, &accepted];
        ak9.extend(group.errors.iter().take(5));
        out.seg(&ak9);
        let count = (out.count - start + 1).to_string();
        out.seg(&["SE", &count, &control]);
    }
    out.seg(&["GE", &of.groups.len().to_string(), &group_control]);
    out.seg(&[
        "IEA",
        "1",
        &format!("{:09}", options.interchange_control % 1_000_000_000),
    ]);
    out.text
}

/// Whether `id` is a segment id a 999 can carry in IK301: two or three uppercase letters and
/// digits.
fn is_segment_id(id: &str) -> bool {
    (2..=3).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
}

fn write_set(out: &mut Out<'_>, set: &Transaction<'_>, options: &AckOptions) {
    let d = &options.delimiters;
    out.seg(&[
        "AK2",
        &clean(d, &set.id),
        &clean(d, &set.control),
        &clean(d, &set.version),
    ]);
    let mut i = 0;
    let findings = &set.findings;
    while i < findings.len() {
        let f = &findings[i];
        if !is_segment_id(f.segment_id.as_str()) {
            // IK301 is mandatory, two or three letters and digits: a segment without an id a
            // 999 can carry is covered by the set's IK5 alone.
            i += 1;
            continue;
        }
        let loop_id = clean(d, &f.loop_id.chars().take(4).collect::<String>());
        let index = f.segment_index.to_string();
        if !f.kind.is_element() {
            out.seg(&[
                "IK3",
                &clean(d, f.segment_id.as_str()),
                &index,
                &loop_id,
                f.ik3_code(),
            ]);
            write_claim_context(out, f, options);
            i += 1;
            continue;
        }
        // One IK3 (code 8) for all element findings of one segment, then an IK4 for each.
        out.seg(&[
            "IK3",
            &clean(d, f.segment_id.as_str()),
            &index,
            &loop_id,
            "8",
        ]);
        write_claim_context(out, f, options);
        let mut n = 0;
        while i < findings.len()
            && findings[i].kind.is_element()
            && findings[i].segment_index == f.segment_index
            && findings[i].segment_id == f.segment_id
        {
            if n < 99 {
                write_ik4(out, set, &findings[i], options);
                n += 1;
            }
            i += 1;
        }
    }
    let mut ik5 = vec!["IK5", set.status().code()];
    let codes = set.ik5_codes();
    ik5.extend(codes.iter().copied());
    out.seg(&ik5);
}

/// The business-unit CTX (`CTX*CLM01:claim id`) that ties an IK3 to its claim, when the
/// finding is inside a claim and the caller wants it.
fn write_claim_context(out: &mut Out<'_>, f: &Finding, options: &AckOptions) {
    let Some(id) = f.claim_id.as_deref().filter(|_| options.claim_context) else {
        return;
    };
    let d = out.d;
    if id.is_empty()
        || id.len() > 35
        || id
            .bytes()
            .any(|b| d.contains(b) || !(0x20..0x7f).contains(&b))
    {
        return;
    }
    let context = format!("CLM01{}{id}", char::from(d.component));
    out.seg(&["CTX", &context]);
}

fn write_ik4(out: &mut Out<'_>, set: &Transaction<'_>, f: &Finding, options: &AckOptions) {
    let comp = char::from(out.d.component);
    let mut position = f.element.unwrap_or(0).to_string();
    if f.component.is_some() || f.repetition.is_some() {
        let _ = write!(
            position,
            "{comp}{}",
            f.component.map_or(String::new(), |c| c.to_string())
        );
    }
    if let Some(r) = f.repetition {
        let _ = write!(position, "{comp}{r}");
    }
    let copy = f.bad_value.as_deref().filter(|v| {
        let allowed = options.copy_bad_values || value_is_code(set, f);
        let d = out.d;
        let clean = !v
            .bytes()
            .any(|b| d.contains(b) || !(0x20..0x7f).contains(&b));
        allowed && clean && !v.is_empty()
    });
    let value: String = copy
        .map(|v| v.chars().take(99).collect())
        .unwrap_or_default();
    out.seg(&["IK4", &position, "", f.ik4_code().unwrap_or("1"), &value]);
}

/// Whether a finding's element is a code (type ID), whose value is safe to copy.
fn value_is_code(set: &Transaction<'_>, f: &Finding) -> bool {
    if matches!(
        f.kind,
        FindingKind::HlParentNotFound | FindingKind::HlWrongParent
    ) {
        return true;
    }
    let (Some(guide), Some(e)) = (set.guide, f.element) else {
        return false;
    };
    // Any slot of this segment ID will do: element types come from the shared dictionary.
    let Some(rule) = guide.segment_rules().iter().find(|r| r.id == f.segment_id) else {
        return false;
    };
    let Some(er) = guide.elements_of(rule).get(usize::from(e).wrapping_sub(1)) else {
        return false;
    };
    let t = match f.component {
        Some(c) => guide
            .components_of(er)
            .get(usize::from(c).wrapping_sub(1))
            .map(|c| c.data_type),
        None => Some(er.data_type),
    };
    t == Some(DataType::Identifier)
}

/// An acknowledgment read from a file: a TA1, or a 999's answer about one functional group.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ReceivedAck {
    /// A TA1.
    Interchange(InterchangeAck),
    /// A 999 (AK1 .. AK9).
    Group(GroupAck),
}

/// A TA1: what the receiver said about an interchange's envelope.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InterchangeAck {
    /// TA101: the acknowledged interchange's control number.
    pub control: String,
    /// TA102 date, `YYMMDD`.
    pub date: String,
    /// TA103 time.
    pub time: String,
    /// TA104: `A`, `E` or `R`.
    pub status: String,
    /// TA105 note code, `000` for no error.
    pub note: String,
}

impl InterchangeAck {
    /// The outcome, if TA104 is a known code.
    pub fn outcome(&self) -> Option<AckOutcome> {
        AckOutcome::from_999_code(&self.status)
    }
}

/// A 999's answer about one functional group.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GroupAck {
    /// GS04 of the 999's own group: the date of the acknowledgment, `CCYYMMDD`.
    pub date: String,
    /// AK101 functional identifier code.
    pub functional_id: String,
    /// AK102: the acknowledged group's control number.
    pub control: String,
    /// AK103: the acknowledged group's version.
    pub version: String,
    /// AK901: `A`, `E`, `P`, `R`, ...
    pub status: String,
    /// AK905 to AK909.
    pub codes: Vec<String>,
    /// AK902, AK903, AK904: sets included, received, accepted.
    pub counts: [Option<u32>; 3],
    /// The AK2 loops.
    pub sets: Vec<SetAck>,
}

/// A 999's answer about one transaction set (AK2 .. IK5).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SetAck {
    /// AK201 transaction set ID.
    pub transaction_id: String,
    /// AK202 control number.
    pub control: String,
    /// AK203 guide version.
    pub version: String,
    /// IK501: `A`, `E`, `R`, ...
    pub status: String,
    /// IK502 to IK506.
    pub codes: Vec<String>,
    /// IK3 loops.
    pub errors: Vec<SegmentError>,
}

impl SetAck {
    /// The outcome, if IK501 is a known code.
    pub fn outcome(&self) -> Option<AckOutcome> {
        AckOutcome::from_999_code(&self.status)
    }
}

/// An IK3 and its IK4s. `Debug` redacts the claim id.
#[derive(Clone, PartialEq, Eq)]
pub struct SegmentError {
    /// IK301 segment ID.
    pub segment_id: String,
    /// IK302 position in the set.
    pub position: Option<u32>,
    /// IK303 loop identifier.
    pub loop_id: String,
    /// IK304 segment syntax error code.
    pub code: String,
    /// The claim named by a business-unit CTX (`CTX*CLM01:...`) after the IK3, if any.
    pub claim_id: Option<String>,
    /// The IK4s.
    pub elements: Vec<ElementError>,
}

/// An IK4.
#[derive(Clone, PartialEq, Eq)]
pub struct ElementError {
    /// IK401-1 element position.
    pub element: Option<u32>,
    /// IK401-2 component position.
    pub component: Option<u32>,
    /// IK401-3 repetition.
    pub repetition: Option<u32>,
    /// IK402 data element reference number.
    pub reference: String,
    /// IK403 element syntax error code.
    pub code: String,
    /// IK404 copy of the bad value (redacted in `Debug`).
    pub bad_value: Option<String>,
}

impl fmt::Debug for SegmentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SegmentError")
            .field("segment_id", &self.segment_id)
            .field("position", &self.position)
            .field("loop_id", &self.loop_id)
            .field("code", &self.code)
            .field("claim_id", &self.claim_id.as_ref().map(|_| "<redacted>"))
            .field("elements", &self.elements)
            .finish()
    }
}

impl fmt::Debug for ElementError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ElementError")
            .field("element", &self.element)
            .field("component", &self.component)
            .field("repetition", &self.repetition)
            .field("reference", &self.reference)
            .field("code", &self.code)
            .field("bad_value", &self.bad_value.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

impl GroupAck {
    /// The outcome, if AK901 is a known code.
    pub fn outcome(&self) -> Option<AckOutcome> {
        AckOutcome::from_999_code(&self.status)
    }

    /// One ledger [`Acknowledgment`] per acknowledged set, with the IK3/IK4 codes as reasons
    /// (bad values are not carried over). Sets with an unknown IK501 code, or a 999 without a
    /// readable date, give none.
    pub fn to_acknowledgments(&self) -> Vec<Acknowledgment> {
        let Some(date) = iso_date(&self.date) else {
            return Vec::new();
        };
        self.sets
            .iter()
            .filter_map(|s| {
                let outcome = s.outcome()?;
                let mut reasons = Vec::new();
                for e in &s.errors {
                    if e.elements.is_empty() {
                        reasons.push(AckReason {
                            segment: Some(e.segment_id.clone()),
                            ..AckReason::new(&e.code)
                        });
                    }
                    for el in &e.elements {
                        reasons.push(AckReason {
                            segment: Some(e.segment_id.clone()),
                            element: el.element.map(|n| n.to_string()),
                            ..AckReason::new(&el.code)
                        });
                    }
                }
                for c in &s.codes {
                    reasons.push(AckReason::new(c));
                }
                Some(Acknowledgment {
                    source: AckSource::Implementation999,
                    outcome,
                    date: date.parse().ok()?,
                    control_number: Some(s.control.clone()),
                    patient_control_number: None,
                    payer_claim_control_number: None,
                    reasons,
                })
            })
            .collect()
    }
}

impl InterchangeAck {
    /// The ledger [`Acknowledgment`] for this TA1, when its status and date are readable.
    pub fn to_acknowledgment(&self) -> Option<Acknowledgment> {
        let date = iso_date(&ccyymmdd(&self.date))?;
        let reasons = if self.note == "000" {
            Vec::new()
        } else {
            vec![AckReason::new(&self.note)]
        };
        Some(Acknowledgment {
            source: AckSource::InterchangeTa1,
            outcome: self.outcome()?,
            date: date.parse().ok()?,
            control_number: Some(self.control.clone()),
            patient_control_number: None,
            payer_claim_control_number: None,
            reasons,
        })
    }
}

fn iso_date(d: &str) -> Option<String> {
    (d.len() == 8 && d.bytes().all(|b| b.is_ascii_digit()))
        .then(|| format!("{}-{}-{}", &d[..4], &d[4..6], &d[6..]))
}

fn parse_u32(s: &str) -> Option<u32> {
    s.parse().ok()
}

/// Reads every TA1 and every 999 group response in a file. Unreadable parts are skipped.
pub fn parse(input: &[u8]) -> Vec<ReceivedAck> {
    let mut out = Vec::new();
    let mut gs_date = String::new();
    let mut group: Option<GroupAck> = None;
    for token in Tokenizer::new(input) {
        let Token::Segment(s) = token else { continue };
        let el = |n: usize| {
            s.element(n).map_or_else(String::new, |e| {
                String::from_utf8_lossy(e.bytes()).trim().to_owned()
            })
        };
        match s.id() {
            b"TA1" => out.push(ReceivedAck::Interchange(InterchangeAck {
                control: el(1),
                date: el(2),
                time: el(3),
                status: el(4),
                note: el(5),
            })),
            b"GS" => gs_date = el(4),
            b"AK1" => {
                group = Some(GroupAck {
                    date: gs_date.clone(),
                    functional_id: el(1),
                    control: el(2),
                    version: el(3),
                    status: String::new(),
                    codes: Vec::new(),
                    counts: [None; 3],
                    sets: Vec::new(),
                });
            }
            b"AK2" => {
                if let Some(g) = &mut group {
                    g.sets.push(SetAck {
                        transaction_id: el(1),
                        control: el(2),
                        version: el(3),
                        status: String::new(),
                        codes: Vec::new(),
                        errors: Vec::new(),
                    });
                }
            }
            b"IK3" | b"AK3" => {
                if let Some(set) = group.as_mut().and_then(|g| g.sets.last_mut()) {
                    set.errors.push(SegmentError {
                        segment_id: el(1),
                        position: parse_u32(&el(2)),
                        loop_id: el(3),
                        code: el(4),
                        claim_id: None,
                        elements: Vec::new(),
                    });
                }
            }
            b"CTX" => {
                let context = s.element(1);
                let name = context.and_then(|c| c.component(1)).map(|c| c.bytes());
                let value = context.and_then(|c| c.component(2));
                if name == Some(&b"CLM01"[..])
                    && let Some(v) = value
                    && let Some(e) = group
                        .as_mut()
                        .and_then(|g| g.sets.last_mut())
                        .and_then(|s| s.errors.last_mut())
                {
                    e.claim_id = Some(String::from_utf8_lossy(v.bytes()).into_owned());
                }
            }
            b"IK4" | b"AK4" => {
                if let Some(e) = group
                    .as_mut()
                    .and_then(|g| g.sets.last_mut())
                    .and_then(|s| s.errors.last_mut())
                {
                    let position = s.element(1);
                    let part = |n: usize| {
                        position
                            .and_then(|p| p.component(n))
                            .and_then(|c| std::str::from_utf8(c.bytes()).ok().and_then(parse_u32))
                    };
                    let bad = el(4);
                    e.elements.push(ElementError {
                        element: part(1),
                        component: part(2),
                        repetition: part(3),
                        reference: el(2),
                        code: el(3),
                        bad_value: (!bad.is_empty()).then_some(bad),
                    });
                }
            }
            b"IK5" | b"AK5" => {
                if let Some(set) = group.as_mut().and_then(|g| g.sets.last_mut()) {
                    set.status = el(1);
                    set.codes = (2..=6).map(el).filter(|c| !c.is_empty()).collect();
                }
            }
            b"AK9" => {
                if let Some(mut g) = group.take() {
                    g.status = el(1);
                    g.counts = [parse_u32(&el(2)), parse_u32(&el(3)), parse_u32(&el(4))];
                    g.codes = (5..=9).map(el).filter(|c| !c.is_empty()).collect();
                    out.push(ReceivedAck::Group(g));
                }
            }
            _ => {}
        }
    }
    out
}
