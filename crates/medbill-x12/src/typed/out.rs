//! The typed writers' output buffer and the caller's envelope.

use chrono::NaiveDate;

use super::{TypedError, format_date};
use crate::Delimiters;

/// The envelope a typed writer puts around its transaction set: ISA, GS and ST control
/// numbers and identities, all from the caller.
///
/// ```
/// use medbill_x12::typed::InterchangeHeader;
/// let h = InterchangeHeader::new("SENDER", "RECEIVER", 42, "2026-03-02".parse().unwrap());
/// assert_eq!((h.interchange_control, h.group_control, h.set_control), (42, 42, 1));
/// assert!(!h.production);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct InterchangeHeader {
    /// ISA05, the sender's id qualifier (`ZZ` mutually defined, `30` federal tax id, ...).
    pub sender_qualifier: String,
    /// ISA06 (padded to 15) and GS02.
    pub sender_id: String,
    /// ISA07.
    pub receiver_qualifier: String,
    /// ISA08 (padded to 15) and GS03.
    pub receiver_id: String,
    /// ISA09 and GS04.
    pub date: NaiveDate,
    /// ISA10 and GS05 as `HHMM`.
    pub time: String,
    /// ISA13, 1 to 999999999.
    pub interchange_control: u32,
    /// GS06.
    pub group_control: u32,
    /// ST02 of the set written (four digits at least).
    pub set_control: u32,
    /// ISA15: `P` when true, `T` (test) otherwise.
    pub production: bool,
    /// ISA14: whether a TA1 is requested.
    pub ack_requested: bool,
    /// The delimiters to write with.
    pub delimiters: Delimiters,
    /// A line break after each segment terminator.
    pub line_breaks: bool,
}

impl InterchangeHeader {
    /// A test-usage envelope with `ZZ` qualifiers, time `1200`, default delimiters (`*`, `^`,
    /// `:`, `~`) and `control` as the interchange and group control numbers; set control 1.
    pub fn new(
        sender_id: impl Into<String>,
        receiver_id: impl Into<String>,
        control: u32,
        date: NaiveDate,
    ) -> InterchangeHeader {
        InterchangeHeader {
            sender_qualifier: "ZZ".into(),
            sender_id: sender_id.into(),
            receiver_qualifier: "ZZ".into(),
            receiver_id: receiver_id.into(),
            date,
            time: "1200".into(),
            interchange_control: control,
            group_control: control,
            set_control: 1,
            production: false,
            ack_requested: false,
            delimiters: Delimiters::default(),
            line_breaks: false,
        }
    }
}

/// A byte buffer that writes segments with one set of delimiters, trims trailing empty
/// elements and components, counts the segments of the open set, and refuses values that
/// contain a delimiter.
pub(crate) struct Out {
    pub(crate) buf: Vec<u8>,
    d: Delimiters,
    seg_start: usize,
    keep: usize,
    set_segments: u32,
    newline: bool,
    error: Option<TypedError>,
}

impl Out {
    pub(crate) fn new(h: &InterchangeHeader, capacity: usize) -> Out {
        Out {
            buf: Vec::with_capacity(capacity),
            d: h.delimiters,
            seg_start: 0,
            keep: 0,
            set_segments: 0,
            newline: h.line_breaks,
            error: None,
        }
    }

    fn is_delimiter(&self, b: u8) -> bool {
        b == self.d.element
            || b == self.d.component
            || b == self.d.segment
            || Some(b) == self.d.repetition
    }

    fn put(&mut self, v: &str) {
        let bytes = v.as_bytes();
        if bytes.iter().any(|&b| self.is_delimiter(b)) {
            if self.error.is_none() {
                let id = String::from_utf8_lossy(&self.buf[self.seg_start..])
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric())
                    .collect::<String>();
                self.error = Some(TypedError::Write {
                    field: id,
                    reason: "a value contains one of the delimiters".into(),
                });
            }
            return;
        }
        self.buf.extend_from_slice(bytes);
    }

    /// Starts a segment.
    pub(crate) fn seg(&mut self, id: &str) -> &mut Out {
        self.seg_start = self.buf.len();
        self.buf.extend_from_slice(id.as_bytes());
        self.keep = self.buf.len();
        self.set_segments += 1;
        self
    }

    /// Appends a simple element.
    pub(crate) fn el(&mut self, v: &str) -> &mut Out {
        self.buf.push(self.d.element);
        self.put(v);
        if !v.is_empty() {
            self.keep = self.buf.len();
        }
        self
    }

    /// Appends an element formatted with `Display`.
    pub(crate) fn eld(&mut self, v: impl std::fmt::Display) -> &mut Out {
        use std::io::Write;
        self.buf.push(self.d.element);
        let before = self.buf.len();
        let _ = write!(self.buf, "{v}");
        if self.buf.len() > before {
            self.keep = self.buf.len();
        }
        self
    }

    /// Appends an optional element.
    pub(crate) fn elo(&mut self, v: Option<&str>) -> &mut Out {
        self.el(v.unwrap_or(""))
    }

    /// Appends a composite element, trailing empty components trimmed.
    pub(crate) fn comp(&mut self, parts: &[&str]) -> &mut Out {
        self.buf.push(self.d.element);
        let n = parts
            .iter()
            .rposition(|p| !p.is_empty())
            .map_or(0, |i| i + 1);
        for (i, p) in parts[..n].iter().enumerate() {
            if i > 0 {
                self.buf.push(self.d.component);
            }
            self.put(p);
        }
        if n > 0 {
            self.keep = self.buf.len();
        }
        self
    }

    /// Ends the segment: trailing empty elements dropped, terminator added.
    pub(crate) fn end(&mut self) {
        self.buf.truncate(self.keep);
        self.buf.push(self.d.segment);
        if self.newline {
            self.buf.push(b'\n');
        }
    }

    /// Writes a raw segment stored with canonical delimiters.
    pub(crate) fn raw(&mut self, text: &str) {
        self.seg_start = self.buf.len();
        self.set_segments += 1;
        for c in text.chars() {
            match c {
                '*' => self.buf.push(self.d.element),
                ':' => self.buf.push(self.d.component),
                '^' => match self.d.repetition {
                    Some(r) => self.buf.push(r),
                    None => self.buf.push(b'^'),
                },
                c => {
                    let mut tmp = [0u8; 4];
                    let s = c.encode_utf8(&mut tmp);
                    if s.len() == 1 && self.is_delimiter(s.as_bytes()[0]) {
                        if self.error.is_none() {
                            self.error = Some(TypedError::Write {
                                field: "raw segment".into(),
                                reason: "a value contains one of the delimiters".into(),
                            });
                        }
                    } else {
                        self.buf.extend_from_slice(s.as_bytes());
                    }
                }
            }
        }
        // Raw text is trimmed of trailing empty elements already when it was read.
        self.keep = self.buf.len();
        self.end();
    }

    /// Writes ISA and GS.
    pub(crate) fn open(&mut self, h: &InterchangeHeader, functional_id: &str, version: &str) {
        let pad = |s: &str, n: usize| format!("{s:<n$}");
        let date6 = h.date.format("%y%m%d").to_string();
        let rep = h
            .delimiters
            .repetition
            .map_or("U".to_string(), |r| char::from(r).to_string());
        let isa = [
            "00".to_string(),
            pad("", 10),
            "00".to_string(),
            pad("", 10),
            pad(&h.sender_qualifier, 2),
            pad(&h.sender_id, 15),
            pad(&h.receiver_qualifier, 2),
            pad(&h.receiver_id, 15),
            date6,
            h.time.clone(),
            rep,
            "00501".to_string(),
            format!("{:09}", h.interchange_control),
            if h.ack_requested { "1" } else { "0" }.to_string(),
            if h.production { "P" } else { "T" }.to_string(),
        ];
        self.buf.extend_from_slice(b"ISA");
        for v in &isa {
            self.buf.push(self.d.element);
            self.buf.extend_from_slice(v.as_bytes());
        }
        self.buf.push(self.d.element);
        self.buf.push(self.d.component);
        self.buf.push(self.d.segment);
        if self.newline {
            self.buf.push(b'\n');
        }
        let date = format_date(h.date).to_string();
        self.seg("GS")
            .el(functional_id)
            .el(&h.sender_id)
            .el(&h.receiver_id)
            .el(&date)
            .el(&h.time)
            .eld(h.group_control)
            .el("X")
            .el(version)
            .end();
    }

    /// Writes ST.
    pub(crate) fn start_set(&mut self, id: &str, control: &str, version: &str) {
        self.set_segments = 0;
        self.seg("ST").el(id).el(control).el(version).end();
    }

    /// [`start_set`](Self::start_set), with the ST as read (canonical text) written instead
    /// when there is one.
    pub(crate) fn start_set_as_read(
        &mut self,
        id: &str,
        control: &str,
        version: &str,
        header: Option<&str>,
    ) {
        match header {
            Some(text) => {
                self.set_segments = 0;
                self.raw(text);
            }
            None => self.start_set(id, control, version),
        }
    }

    /// Writes SE (counting ST to SE), GE and IEA for one set.
    pub(crate) fn close(&mut self, h: &InterchangeHeader, control: &str) {
        self.close_as_read(h, control, None);
    }

    /// [`close`](Self::close), with the SE as read (canonical text and the number of
    /// segments the set had) written instead while the set written has as many segments.
    pub(crate) fn close_as_read(
        &mut self,
        h: &InterchangeHeader,
        control: &str,
        trailer: Option<(&str, u32)>,
    ) {
        let n = self.set_segments + 1;
        match trailer {
            Some((text, count)) if count == n => self.raw(text),
            _ => self.seg("SE").eld(n).el(control).end(),
        }
        self.close_interchange(h);
    }

    /// Writes GE and IEA for one set (its SE written).
    pub(crate) fn close_interchange(&mut self, h: &InterchangeHeader) {
        self.seg("GE").el("1").eld(h.group_control).end();
        self.seg("IEA")
            .el("1")
            .el(&format!("{:09}", h.interchange_control))
            .end();
    }

    /// The bytes, or the first value that could not be written.
    pub(crate) fn finish(self) -> Result<Vec<u8>, TypedError> {
        match self.error {
            Some(e) => Err(e),
            None => Ok(self.buf),
        }
    }
}

/// ST02 as written: at least four digits.
pub(crate) fn set_control(h: &InterchangeHeader) -> String {
    format!("{:04}", h.set_control)
}
