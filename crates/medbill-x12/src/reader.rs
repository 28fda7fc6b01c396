//! The streaming reader: one transaction set at a time from any `std::io::Read`.

use std::collections::VecDeque;
use std::fmt;
use std::io::Read;
use std::sync::Arc;

use crate::delimiters::trim;
use crate::envelope::{EnvelopeChecker, Summary};
use crate::error::codes;
use crate::tokenizer::{
    Mode, Step, Text, is_trivia, lanes_equal, repeat_byte, segment_delimiters, step,
};
use crate::{Delimiters, Diagnostic, Position, Segment, Tokenizer, X12Error};

/// Bytes asked of the source per read.
const CHUNK: usize = 64 * 1024;

/// The size from which a transaction set takes the reader's buffer rather than a copy.
const HAND_OVER: usize = 1 << 20;

/// The text encoding of the input.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Encoding {
    /// Bytes as they are (ASCII, UTF-8 or an 8-bit code page).
    #[default]
    Bytes,
    /// UTF-16 little-endian, decoded to UTF-8 for reading.
    Utf16Le,
    /// UTF-16 big-endian, decoded to UTF-8 for reading.
    Utf16Be,
}

/// Detects UTF-16 from the first bytes: a byte order mark, or two ASCII characters interleaved
/// with zeros (`I\0S\0` for an ISA, or any text before it).
pub(crate) fn detect_encoding(start: &[u8]) -> Encoding {
    let ascii = |b: u8| b != 0 && b.is_ascii();
    match *start {
        [0xFF, 0xFE, ..] => Encoding::Utf16Le,
        [0xFE, 0xFF, ..] => Encoding::Utf16Be,
        [a, 0, b, 0, ..] if ascii(a) && ascii(b) => Encoding::Utf16Le,
        [0, a, 0, b, ..] if ascii(a) && ascii(b) => Encoding::Utf16Be,
        _ => Encoding::Bytes,
    }
}

/// Decodes UTF-16 input (detected by a byte order mark or by ASCII interleaved with zeros) to
/// UTF-8, keeping a byte order mark as U+FEFF so a writer can restore it. Other input is
/// returned unchanged. Invalid code units become U+FFFD.
///
/// ```
/// use medbill_x12::decode_utf16;
///
/// let utf16: Vec<u8> = "ISA*".encode_utf16().flat_map(u16::to_le_bytes).collect();
/// assert_eq!(&decode_utf16(&utf16)[..], b"ISA*");
/// assert_eq!(&decode_utf16(b"ISA*")[..], b"ISA*");
/// ```
pub fn decode_utf16(input: &[u8]) -> std::borrow::Cow<'_, [u8]> {
    let big = match detect_encoding(input) {
        Encoding::Bytes => return std::borrow::Cow::Borrowed(input),
        Encoding::Utf16Le => false,
        Encoding::Utf16Be => true,
    };
    let mut out = String::with_capacity(input.len() / 2);
    let units = input.chunks_exact(2).map(|p| {
        if big {
            u16::from_be_bytes([p[0], p[1]])
        } else {
            u16::from_le_bytes([p[0], p[1]])
        }
    });
    out.extend(char::decode_utf16(units).map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER)));
    if input.len() % 2 == 1 {
        out.push(char::REPLACEMENT_CHARACTER);
    }
    std::borrow::Cow::Owned(out.into_bytes())
}

/// State for decoding UTF-16 input on the fly.
#[derive(Default)]
struct Utf16Decoder {
    big_endian: bool,
    raw: Vec<u8>,
    out: Vec<u8>,
    out_pos: usize,
    invalid: bool,
    eof: bool,
}

impl Utf16Decoder {
    fn read<R: Read>(&mut self, inner: &mut R, dst: &mut [u8]) -> std::io::Result<usize> {
        while self.out_pos == self.out.len() {
            if self.eof {
                return Ok(0);
            }
            self.out.clear();
            self.out_pos = 0;
            let mut chunk = [0u8; 8192];
            let n = loop {
                match inner.read(&mut chunk) {
                    Ok(n) => break n,
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                    Err(e) => return Err(e),
                }
            };
            self.raw.extend_from_slice(&chunk[..n]);
            self.eof = n == 0;
            // Decode whole code units; keep a trailing high surrogate for the next read.
            let unit = |p: &[u8], be: bool| {
                if be {
                    u16::from_be_bytes([p[0], p[1]])
                } else {
                    u16::from_le_bytes([p[0], p[1]])
                }
            };
            let mut usable = self.raw.len() & !1;
            if !self.eof
                && usable >= 2
                && (0xD800..0xDC00).contains(&unit(&self.raw[usable - 2..usable], self.big_endian))
            {
                usable -= 2;
            }
            let be = self.big_endian;
            let mut text = String::with_capacity(usable / 2);
            for c in char::decode_utf16(self.raw[..usable].chunks_exact(2).map(|p| unit(p, be))) {
                text.push(c.unwrap_or_else(|_| {
                    self.invalid = true;
                    char::REPLACEMENT_CHARACTER
                }));
            }
            if self.eof && self.raw.len() % 2 == 1 {
                self.invalid = true;
                text.push(char::REPLACEMENT_CHARACTER);
                usable = self.raw.len();
            }
            self.out.extend_from_slice(text.as_bytes());
            self.raw.drain(..usable);
        }
        let n = dst.len().min(self.out.len() - self.out_pos);
        dst[..n].copy_from_slice(&self.out[self.out_pos..self.out_pos + n]);
        self.out_pos += n;
        Ok(n)
    }
}

/// One segment read by the [`Reader`], owned: the bytes before it (line breaks, indentation),
/// its content and its terminator.
///
/// `Debug` shows the identifier and position, never element values.
#[derive(Clone, PartialEq, Eq)]
pub struct RawSegment {
    bytes: Vec<u8>,
    trivia_len: usize,
    content_len: usize,
    offset: u64,
    index: u64,
    delimiters: Delimiters,
}

impl RawSegment {
    fn new(segment: &Segment<'_>, index: u64) -> RawSegment {
        let mut bytes = Vec::with_capacity(segment.trivia().len() + segment.raw().len() + 1);
        bytes.extend_from_slice(segment.trivia());
        bytes.extend_from_slice(segment.raw());
        if segment.is_terminated() {
            bytes.push(segment.delimiters().segment);
        }
        RawSegment {
            bytes,
            trivia_len: segment.trivia().len(),
            content_len: segment.raw().len(),
            offset: segment.offset(),
            index,
            delimiters: segment.delimiters(),
        }
    }

    /// A borrowed view for reading elements.
    pub fn segment(&self) -> Segment<'_> {
        let content = &self.bytes[self.trivia_len..self.trivia_len + self.content_len];
        let terminated = self.bytes.len() > self.trivia_len + self.content_len;
        Segment::from_parts(
            &self.bytes[..self.trivia_len],
            content,
            self.offset,
            terminated,
            self.delimiters,
        )
    }

    /// The bytes exactly as read: trivia, content and terminator.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// 1-based index of the segment in the input.
    pub fn index(&self) -> u64 {
        self.index
    }
}

impl fmt::Debug for RawSegment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RawSegment")
            .field("id", &self.segment().id_str())
            .field("index", &self.index)
            .field("offset", &self.offset)
            .finish_non_exhaustive()
    }
}

/// The envelope a transaction set was read in: its interchange header (ISA) and functional
/// group header (GS, absent when the set was outside a group).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Envelope {
    /// The ISA segment.
    pub isa: RawSegment,
    /// The GS segment.
    pub gs: Option<RawSegment>,
}

impl Envelope {
    fn element(segment: &RawSegment, n: usize) -> String {
        let s = segment.segment();
        s.element(n)
            .map(|e| String::from_utf8_lossy(trim(e.bytes())).into_owned())
            .unwrap_or_default()
    }

    /// ISA13, the interchange control number.
    pub fn interchange_control(&self) -> String {
        Envelope::element(&self.isa, 13)
    }

    /// ISA12, the interchange control version (`00501`).
    pub fn interchange_version(&self) -> String {
        Envelope::element(&self.isa, 12)
    }

    /// GS06, the group control number.
    pub fn group_control(&self) -> Option<String> {
        self.gs.as_ref().map(|gs| Envelope::element(gs, 6))
    }

    /// GS08, the version of the group (`005010X222A1`).
    pub fn group_version(&self) -> Option<String> {
        self.gs.as_ref().map(|gs| Envelope::element(gs, 8))
    }

    /// The delimiters of the interchange.
    pub fn delimiters(&self) -> Delimiters {
        self.isa.delimiters
    }
}

/// One transaction set (ST..SE), owning its bytes, with its envelope attached.
///
/// `Debug` shows the identifiers and position, never element values.
///
/// ```
/// use medbill_x12::{Event, Reader};
///
/// let file = b"ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *210101*1200*^*00501*000000001*0*T*:~GS*HC*S*R*20210101*1200*1*X*005010X222A1~ST*837*0001*005010X222A1~BHT*0019~SE*3*0001~GE*1*1~IEA*1*000000001~";
/// let mut reader = Reader::new(&file[..]);
/// let set = reader.next_transaction().unwrap().unwrap();
/// assert_eq!((set.id(), set.control(), set.version()), ("837", "0001", "005010X222A1"));
/// assert_eq!(set.segments().count(), 3);
/// assert_eq!(set.envelope().interchange_control(), "000000001");
/// assert!(reader.take_diagnostics().is_empty());
/// ```
#[derive(Clone)]
pub struct TransactionSet {
    /// The set's bytes from `start` on (a large set keeps the reader's buffer it was read
    /// into, with what came before it, rather than a copy).
    bytes: Vec<u8>,
    start: usize,
    offset: u64,
    first_index: u64,
    segment_count: u32,
    closed: bool,
    id: String,
    control: String,
    version: String,
    envelope: Arc<Envelope>,
}

impl TransactionSet {
    /// ST01, the transaction set identifier (`837`).
    pub fn id(&self) -> &str {
        &self.id
    }

    /// ST02, the control number.
    pub fn control(&self) -> &str {
        &self.control
    }

    /// ST03 when present, else GS08: the implementation guide version (`005010X222A1`).
    pub fn version(&self) -> &str {
        &self.version
    }

    /// The segments, ST to SE, borrowed from this set's bytes, with offsets in the input.
    pub fn segments(&self) -> impl Iterator<Item = Segment<'_>> {
        Tokenizer::with_delimiters(self.bytes(), self.envelope.delimiters())
            .with_base_offset(self.offset)
            .segments()
    }

    /// How many segments the set has, ST and SE included.
    pub fn segment_count(&self) -> u32 {
        self.segment_count
    }

    /// Whether the set ended with an SE (false when the input cut it short).
    pub fn is_closed(&self) -> bool {
        self.closed
    }

    /// The bytes exactly as read, from the trivia before ST to the terminator after SE.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes[self.start..]
    }

    /// Byte offset of [`bytes`](Self::bytes) in the input.
    pub fn offset(&self) -> u64 {
        self.offset
    }

    /// 1-based index of the ST segment in the input.
    pub fn first_segment_index(&self) -> u64 {
        self.first_index
    }

    /// The interchange and group headers.
    pub fn envelope(&self) -> &Envelope {
        &self.envelope
    }

    /// A position in this set: segment `index_in_set` (1-based, ST is 1) with the envelope's
    /// control numbers filled in. Later validation stages use this to report findings.
    pub fn position(&self, index_in_set: u32) -> Position {
        let segment = self.segments().nth(index_in_set.saturating_sub(1) as usize);
        let mut p = Position::at_byte(segment.map_or(self.offset, |s| s.offset()));
        if let Some(s) = segment {
            p = p.with_segment(s.id_str(), self.first_index + u64::from(index_in_set) - 1);
            p.set_segment_index = Some(index_in_set);
        }
        p.interchange_control = Some(self.envelope.interchange_control());
        p.group_control = self.envelope.group_control();
        p.set_control = Some(self.control.clone());
        p
    }
}

impl PartialEq for TransactionSet {
    fn eq(&self, other: &Self) -> bool {
        self.bytes() == other.bytes()
            && self.offset == other.offset
            && self.first_index == other.first_index
            && self.segment_count == other.segment_count
            && self.closed == other.closed
            && self.id == other.id
            && self.control == other.control
            && self.version == other.version
            && self.envelope == other.envelope
    }
}

impl Eq for TransactionSet {}

impl fmt::Debug for TransactionSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TransactionSet")
            .field("id", &self.id)
            .field("control", &self.control)
            .field("version", &self.version)
            .field("segments", &self.segment_count)
            .field("offset", &self.offset)
            .finish_non_exhaustive()
    }
}

/// Bytes outside any interchange, owned.
#[derive(Clone, PartialEq, Eq)]
pub struct OwnedText {
    /// The bytes.
    pub bytes: Vec<u8>,
    /// Byte offset in the input.
    pub offset: u64,
}

impl fmt::Debug for OwnedText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OwnedText")
            .field("offset", &self.offset)
            .field("len", &self.bytes.len())
            .finish()
    }
}

/// What the [`Reader`] yields, in input order. Writing every event with
/// [`Writer::write_event`](crate::Writer::write_event) gives back the input.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Event {
    /// Bytes outside any interchange.
    Text(OwnedText),
    /// A segment outside any transaction set: ISA, GS, GE, IEA, TA1, or a stray segment.
    Segment(RawSegment),
    /// A transaction set.
    Transaction(TransactionSet),
}

struct PendingSet {
    start: usize,
    first_index: u64,
    segment_count: u32,
    id: String,
    control: String,
    version: String,
    envelope: Arc<Envelope>,
}

/// A streaming X12 reader over any [`std::io::Read`].
///
/// It yields [`Event`]s, a whole [`TransactionSet`] at a time, with envelope checks done on the
/// way ([`take_diagnostics`](Self::take_diagnostics)). Memory is bounded by the largest
/// transaction set (plus a 64 KiB read buffer), not by the file. Reading stops with an error
/// only for input that is not X12 at all ([`X12Error::NotX12`], at the end of the input) or
/// when the source fails. UTF-16 input is detected and decoded.
///
/// ```
/// use medbill_x12::{Event, Reader};
///
/// let file = b"Batch 7\nISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *210101*1200*^*00501*000000001*0*T*:~\nGS*HC*S*R*20210101*1200*1*X*005010X222A1~\nST*837*0001~\nSE*2*0001~\nGE*1*1~\nIEA*1*000000001~\n";
/// let mut reader = Reader::new(&file[..]);
/// let mut sets = 0;
/// while let Some(event) = reader.next_event()? {
///     if let Event::Transaction(set) = event {
///         sets += 1;
///     }
/// }
/// assert_eq!(sets, 1);
/// let codes: Vec<_> = reader.take_diagnostics().iter().map(|d| d.code).collect();
/// assert_eq!(codes, ["X12.LEADING_TEXT", "X12.LINE_BREAKS"]);
/// # Ok::<(), medbill_x12::X12Error>(())
/// ```
pub struct Reader<R> {
    source: R,
    utf16: Option<Utf16Decoder>,
    buf: Vec<u8>,
    end: usize,
    pos: usize,
    base: u64,
    eof: bool,
    started: bool,
    done: bool,
    mode: Mode,
    checker: EnvelopeChecker,
    envelope: Option<Arc<Envelope>>,
    set: Option<PendingSet>,
    queue: VecDeque<Event>,
    encoding: Encoding,
    limit: usize,
    /// Whether [`plain_segments`](Self::plain_segments) may take plain segments (off only in
    /// tests, which compare it with the general path).
    plain_fast_path: bool,
}

impl<R> fmt::Debug for Reader<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Reader")
            .field("offset", &(self.base + self.pos as u64))
            .field("encoding", &self.encoding)
            .finish_non_exhaustive()
    }
}

impl<R: Read> Reader<R> {
    /// A reader over `source`. There is no need to wrap files in a `BufReader`: the reader
    /// buffers itself.
    pub fn new(source: R) -> Reader<R> {
        Reader {
            source,
            utf16: None,
            buf: Vec::new(),
            end: 0,
            pos: 0,
            base: 0,
            eof: false,
            started: false,
            done: false,
            mode: Mode::Outside { after_alnum: false },
            checker: EnvelopeChecker::new(),
            envelope: None,
            set: None,
            queue: VecDeque::new(),
            encoding: Encoding::Bytes,
            limit: usize::MAX,
            plain_fast_path: true,
        }
    }

    /// Refuses transaction sets (or runs of unterminated bytes) larger than `bytes` with
    /// [`X12Error::TooLarge`], to bound memory on hostile input. No limit by default.
    #[must_use]
    pub fn with_max_set_bytes(mut self, bytes: usize) -> Reader<R> {
        self.limit = bytes;
        self
    }

    /// The input's encoding, known after the first event.
    pub fn encoding(&self) -> Encoding {
        self.encoding
    }

    /// Takes the warnings and errors found so far.
    pub fn take_diagnostics(&mut self) -> Vec<Diagnostic> {
        self.checker.take_diagnostics()
    }

    /// Counts of interchanges, groups, sets and segments so far.
    pub fn summary(&self) -> Summary {
        self.checker.summary()
    }

    /// The next transaction set, skipping other events.
    pub fn next_transaction(&mut self) -> Result<Option<TransactionSet>, X12Error> {
        while let Some(event) = self.next_event()? {
            if let Event::Transaction(set) = event {
                return Ok(Some(set));
            }
        }
        Ok(None)
    }

    /// The next event, or `None` at the end of the input.
    pub fn next_event(&mut self) -> Result<Option<Event>, X12Error> {
        loop {
            if let Some(event) = self.queue.pop_front() {
                return Ok(Some(event));
            }
            if self.done {
                return Ok(None);
            }
            if !self.started {
                self.start()?;
            }
            if let (Some(_), Mode::Inside(d), true) = (&self.set, self.mode, self.plain_fast_path) {
                self.plain_segments(d);
            }
            let pos = self.pos;
            let before = self.mode;
            match step(&self.buf[..self.end], pos, self.eof, &mut self.mode) {
                Step::NeedMore if !self.eof => self.fill()?,
                Step::NeedMore | Step::End => self.end()?,
                Step::Text { end } => {
                    self.flush_set();
                    let offset = self.base + pos as u64;
                    let text = &self.buf[pos..end];
                    self.checker.text(&Text::new(text, offset));
                    self.queue.push_back(Event::Text(OwnedText {
                        bytes: text.to_vec(),
                        offset,
                    }));
                    self.pos = end;
                }
                Step::Segment {
                    start,
                    content_end,
                    next,
                    isa,
                } => {
                    let delimiters = segment_delimiters(isa.as_ref(), before);
                    self.on_segment(pos, start, content_end, next, delimiters);
                    if let Some(set) = &self.set
                        && self.pos - set.start > self.limit
                    {
                        self.done = true;
                        let byte = self.base + set.start as u64;
                        return Err(X12Error::TooLarge {
                            limit: self.limit,
                            byte,
                        });
                    }
                }
            }
        }
    }

    /// Reads the first bytes and switches to UTF-16 decoding when they say so.
    fn start(&mut self) -> Result<(), X12Error> {
        self.started = true;
        let mut head = [0u8; 4];
        let mut len = 0;
        while len < 4 {
            let n = match self.source.read(&mut head[len..]) {
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e.into()),
            };
            if n == 0 {
                break;
            }
            len += n;
        }
        self.encoding = detect_encoding(&head[..len]);
        if self.encoding == Encoding::Bytes {
            self.buf.extend_from_slice(&head[..len]);
            self.end = len;
            // A whole chunk before the first scan, so a byte order mark is seen whole.
            return self.fill();
        }
        self.utf16 = Some(Utf16Decoder {
            big_endian: self.encoding == Encoding::Utf16Be,
            raw: head[..len].to_vec(),
            ..Utf16Decoder::default()
        });
        let which = if self.encoding == Encoding::Utf16Be {
            "big"
        } else {
            "little"
        };
        self.checker.push(Diagnostic::warning(
            codes::UTF16,
            format!(
                "input is UTF-16 ({which}-endian), decoded to UTF-8; offsets count decoded bytes"
            ),
            Position::at_byte(0),
        ));
        self.fill()
    }

    fn end(&mut self) -> Result<(), X12Error> {
        self.flush_set();
        let len = self.base + self.end as u64;
        self.checker.finish(len);
        self.done = true;
        if self.checker.summary().interchanges == 0 {
            return Err(X12Error::NotX12 { bytes: len });
        }
        Ok(())
    }

    /// Reads more input, first dropping bytes no longer needed.
    fn fill(&mut self) -> Result<(), X12Error> {
        let keep = self.set.as_ref().map_or(self.pos, |s| s.start);
        if keep > 0 {
            self.buf.copy_within(keep..self.end, 0);
            self.end -= keep;
            self.pos -= keep;
            self.base += keep as u64;
            if let Some(set) = &mut self.set {
                set.start -= keep;
            }
        }
        if self.end > self.limit {
            return Err(X12Error::TooLarge {
                limit: self.limit,
                byte: self.base,
            });
        }
        // Room for a chunk; grow geometrically so a large set costs O(n) copying, not O(n^2).
        // The buffer stays initialised past `end`, so small reads do not re-zero it.
        let want = CHUNK.max(self.end / 2);
        if self.buf.len() - self.end < want / 2 {
            self.buf.resize(self.end + want, 0);
        }
        let old = self.end;
        let result = loop {
            let r = match &mut self.utf16 {
                Some(decoder) => decoder.read(&mut self.source, &mut self.buf[old..]),
                None => self.source.read(&mut self.buf[old..]),
            };
            match r {
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                other => break other,
            }
        };
        let n = result?;
        self.end = old + n;
        if n == 0 {
            self.eof = true;
            if self.utf16.as_ref().is_some_and(|d| d.invalid) {
                let p = Position::at_byte(self.base + old as u64);
                self.checker.push(Diagnostic::warning(
                    codes::UTF16_INVALID,
                    "invalid UTF-16 replaced by U+FFFD",
                    p,
                ));
            }
        }
        Ok(())
    }

    /// Takes the segments of the open set that need nothing but counting: terminated, with a
    /// valid identifier that is none of the envelope's own. Most segments of a large set are
    /// such, and [`on_segment`](Self::on_segment) and the envelope checker's general rules cost
    /// several times more per segment. Stops, leaving the position before it, at the first
    /// segment that needs those rules (or more input).
    fn plain_segments(&mut self, d: Delimiters) {
        let Some(set) = &mut self.set else { return };
        let buf = &self.buf[..self.end];
        let pattern = repeat_byte(d.segment);
        // `pos` starts the next segment (its trivia first); terminators are found eight bytes
        // at a time from `at`, several segments per word when they are short, so each byte
        // is looked at once. The last few bytes are left to the general path.
        let mut pos = self.pos;
        let mut at = pos;
        'words: while let Some(chunk) = buf.get(at..at + 8) {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            // The high bit of each lane holding the terminator.
            let mut found = lanes_equal(u64::from_le_bytes(word), pattern);
            while found != 0 {
                let end = at + (found.trailing_zeros() / 8) as usize;
                found &= found - 1;
                let mut start = pos;
                while start < end && is_trivia(buf[start]) {
                    start += 1;
                }
                let content = &buf[start..end];
                // An `I` may start an ISA or IEA, which change the scanner's mode. Empty
                // content is never plain: a terminator that is also trivia (a blank line
                // under a line-break terminator) is the general path's to skip.
                if content.first() == Some(&b'I')
                    || end + 1 - set.start > self.limit
                    || !is_plain_id(content, d.element)
                {
                    break 'words;
                }
                let segment = Segment::from_parts(
                    &buf[pos..start],
                    content,
                    self.base + start as u64,
                    true,
                    d,
                );
                if !self.checker.plain_segment_in_set(&segment) {
                    break 'words;
                }
                set.segment_count += 1;
                pos = end + 1;
            }
            at += 8;
        }
        self.pos = pos;
    }

    fn on_segment(
        &mut self,
        pos: usize,
        start: usize,
        content_end: usize,
        next: usize,
        delimiters: Delimiters,
    ) {
        let content = &self.buf[start..content_end];
        let id_len =
            crate::tokenizer::find_byte(delimiters.element, content).unwrap_or(content.len());
        let closes_set = matches!(&content[..id_len], b"ISA" | b"IEA" | b"GS" | b"GE" | b"ST");
        if self.set.is_some() && closes_set {
            // The set ended without SE; hand out what it has before this segment.
            self.flush_set();
        }
        let segment = Segment::from_parts(
            &self.buf[pos..start],
            &self.buf[start..content_end],
            self.base + start as u64,
            next > content_end,
            delimiters,
        );
        let id = segment.id();
        let context = self.checker.segment(&segment);
        self.pos = next;
        if id == b"ST" {
            let envelope = self.envelope.clone().unwrap_or_else(|| {
                Arc::new(Envelope {
                    isa: RawSegment::new(&segment, 0),
                    gs: None,
                })
            });
            let text = |n: usize| {
                segment
                    .element(n)
                    .map(|e| String::from_utf8_lossy(trim(e.bytes())).into_owned())
            };
            let version = text(3)
                .filter(|v| !v.is_empty())
                .or_else(|| envelope.group_version())
                .unwrap_or_default();
            self.set = Some(PendingSet {
                start: pos,
                first_index: context.index,
                segment_count: 1,
                id: text(1).unwrap_or_default(),
                control: text(2).unwrap_or_default(),
                version,
                envelope,
            });
            return;
        }
        if let Some(set) = &mut self.set {
            set.segment_count += 1;
            if id == b"SE" {
                self.flush_set_as(true);
            }
            return;
        }
        let raw = RawSegment::new(&segment, context.index);
        match id {
            b"ISA" => {
                self.envelope = Some(Arc::new(Envelope {
                    isa: raw.clone(),
                    gs: None,
                }))
            }
            b"GS" => {
                if let Some(envelope) = &self.envelope {
                    self.envelope = Some(Arc::new(Envelope {
                        isa: envelope.isa.clone(),
                        gs: Some(raw.clone()),
                    }));
                }
            }
            b"IEA" => self.envelope = None,
            _ => {}
        }
        self.queue.push_back(Event::Segment(raw));
    }

    /// Turns the pending set, up to the scan position, into an event.
    fn flush_set(&mut self) {
        self.flush_set_as(false);
    }

    fn flush_set_as(&mut self, closed: bool) {
        let Some(set) = self.set.take() else { return };
        let offset = self.base + set.start as u64;
        let len = self.pos - set.start;
        // Only a set closed by its SE: the other callers go on with indices into the buffer.
        let (bytes, start) = if closed && len >= HAND_OVER && len >= self.end / 2 {
            // A large set takes the buffer instead of a copy of it (the copy of a 10 MB set,
            // and the page faults of its new memory, were a quarter of the reader's time); the
            // reader goes on with the bytes after it.
            let rest = self.buf[self.pos..self.end].to_vec();
            let mut bytes = std::mem::replace(&mut self.buf, rest);
            bytes.truncate(self.pos);
            self.base += self.pos as u64;
            self.end -= self.pos;
            self.pos = 0;
            (bytes, set.start)
        } else {
            (self.buf[set.start..self.pos].to_vec(), 0)
        };
        self.queue.push_back(Event::Transaction(TransactionSet {
            bytes,
            start,
            offset,
            first_index: set.first_index,
            segment_count: set.segment_count,
            closed,
            id: set.id,
            control: set.control,
            version: set.version,
            envelope: set.envelope,
        }));
    }
}

/// Whether `content` starts with a valid segment identifier (2 or 3 upper-case letters or
/// digits, the first a letter) other than the envelope's own, which need the reader's and the
/// envelope checker's own handling.
#[inline]
fn is_plain_id(content: &[u8], element: u8) -> bool {
    let id_len = match content.iter().take(4).position(|&b| b == element) {
        Some(n) => n,
        None if content.len() <= 3 => content.len(),
        None => return false,
    };
    let id = &content[..id_len];
    (2..=3).contains(&id_len)
        && id[0].is_ascii_uppercase()
        && id
            .iter()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
        && !matches!(id, b"ISA" | b"IEA" | b"GS" | b"GE" | b"ST" | b"SE" | b"TA1")
}

impl<R: Read> Iterator for Reader<R> {
    type Item = Result<Event, X12Error>;

    fn next(&mut self) -> Option<Result<Event, X12Error>> {
        self.next_event().transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A source that hands out a few bytes per read, so that segments straddle buffer fills.
    struct Trickle<'a> {
        data: &'a [u8],
        step: usize,
    }

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = self.step.min(buf.len()).min(self.data.len());
            buf[..n].copy_from_slice(&self.data[..n]);
            self.data = &self.data[n..];
            Ok(n)
        }
    }

    type Outcome = (Vec<Result<Event, String>>, Vec<Diagnostic>, Summary);

    fn read_everything<R: Read>(mut reader: Reader<R>, fast: bool) -> Outcome {
        reader.plain_fast_path = fast;
        let mut events = Vec::new();
        loop {
            match reader.next_event() {
                Ok(Some(e)) => events.push(Ok(e)),
                Ok(None) => break,
                Err(e) => {
                    events.push(Err(e.to_string()));
                    break;
                }
            }
        }
        (events, reader.take_diagnostics(), reader.summary())
    }

    /// The fast path for plain segments gives exactly the general path's events, diagnostics
    /// and counts, whole or trickled, with or without a size limit.
    fn same_both_ways(input: &[u8]) {
        let whole = read_everything(Reader::new(input), false);
        assert_eq!(
            read_everything(Reader::new(input), true),
            whole,
            "{:?}",
            String::from_utf8_lossy(input)
        );
        for step in [1, 3, 7] {
            let trickle = |fast| read_everything(Reader::new(Trickle { data: input, step }), fast);
            assert_eq!(trickle(true), trickle(false), "step {step}");
        }
        for limit in [40, 90] {
            let limited =
                |fast| read_everything(Reader::new(input).with_max_set_bytes(limit), fast);
            assert_eq!(limited(true), limited(false), "limit {limit}");
        }
    }

    const ISA: &str = "ISA*00*          *00*          *ZZ*SUBMITTER      *ZZ*RECEIVER       *240102*1200*^*00501*000000001*0*P*:~";

    #[test]
    fn plain_segments_read_as_the_general_path_reads_them() {
        let bodies = [
            "ST*837*0001~BHT*0019*00*1~NM1*41*2*X~HL*1**20*1~SE*5*0001~",
            "ST*837*0001~\r\nBHT*0019~\r\n  NM1*41~\n\tN3*A~SE*5*0001~\n",
            "ST*837*0001~\nBHT*0019~ NM1*41~SE*4*0001~",
            "ST*837*0001~bht*1~B*1~ABCD*1~1AB*2~A-B*3~LX~~SE*8*0001~",
            "ST*837*0001~TA1*1~GS*X~ST*837*0002~LX*1~SE*3*0002~",
            "ST*837*0001~LX*1~IEA*1*000000001~",
            "ST*837*0001~LX*1~IK3*1~ISA*x~SE*4*0001~",
            "ST*837*0001~LX*1~SE*3*0001~LX*2~N3*X~",
            "ST*837*0001~LX*1~DTP*472*D8*20240101",
            "ST*837*0001~LX*1~SE*9*0001~ST*837*0002~LX*1~SE*3*0002~",
        ];
        // Line breaks as terminators: a blank line is trivia, not an empty segment.
        let newline_isa = ISA
            .replace('*', "|")
            .replace('~', "\n")
            .replace(":\n", ">\n");
        for body in [
            "ST|837|0001\nBHT|0019\n\nNM1|41\r\n\n\nLX|1\n \nN3|A\nSE|6|0001\n",
            "ST|837|0001\nBHT|0019\nLX|1\nLX|2\nLX|3\nLX|4\nLX|5\nLX|6\nLX|7\nSE|10|0001\n\n",
        ] {
            let file = format!("{newline_isa}GS|HC|S|R|1|1|1|X|1\n{body}GE|1|1\nIEA|1|000000001\n");
            same_both_ways(file.as_bytes());
        }
        for body in bodies {
            for gs in ["GS*HC*S*R*20240102*1200*1*X*005010X222A1~", ""] {
                let file = format!("{ISA}{gs}{body}GE*1*1~IEA*1*000000001~");
                same_both_ways(file.as_bytes());
                let cut = format!("{ISA}{gs}{body}");
                same_both_ways(cut.as_bytes());
            }
        }
    }

    proptest! {
        #[test]
        fn plain_segments_read_as_the_general_path_reads_them_on_noise(
            pieces in proptest::collection::vec(
                prop_oneof![
                    Just("*"), Just("~"), Just("\r\n"), Just(" "), Just("I"), Just("IEA*1~"),
                    Just("ST*837*1~"), Just("SE*2*1~"), Just("GS*HC~"), Just("GE*1~"),
                    Just("TA1*1~"), Just("NM1*IL~"), Just("LX*1~"), Just("lx~"), Just("ABCD~"),
                    Just("12345678"), Just(ISA),
                ],
                0..40,
            ),
        ) {
            let file = format!("{ISA}GS*HC*S*R*1*1*1*X*1~ST*837*0001~{}", pieces.concat());
            same_both_ways(file.as_bytes());
        }
    }
}
