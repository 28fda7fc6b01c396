//! The writer: segments and envelopes out, with any delimiters, losslessly when asked.

use std::fmt;
use std::io::{self, Write};

use crate::delimiters::trim;
use crate::reader::{Encoding, Event};
use crate::tokenizer::Token;
use crate::{Delimiters, Segment, Tokenizer};

/// One element of a [`SegmentBuf`]: one or more repetitions, each of one or more components.
///
/// A simple element is one repetition of one component. An element is never empty of
/// repetitions or components: an empty element is one empty component.
///
/// ```
/// use medbill_x12::ElementBuf;
///
/// let code = ElementBuf::composite(["HC", "99213"]);
/// assert_eq!(code.repetitions(), [vec!["HC".to_owned(), "99213".to_owned()]]);
/// assert_eq!(ElementBuf::simple("100").value(), "100");
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct ElementBuf {
    repetitions: Vec<Vec<String>>,
}

impl Default for ElementBuf {
    fn default() -> ElementBuf {
        ElementBuf {
            repetitions: vec![vec![String::new()]],
        }
    }
}

impl ElementBuf {
    /// A simple element. The value is kept as given: `100` stays `100`.
    pub fn simple(value: impl Into<String>) -> ElementBuf {
        ElementBuf {
            repetitions: vec![vec![value.into()]],
        }
    }

    /// A composite element from its components.
    pub fn composite<S: Into<String>>(components: impl IntoIterator<Item = S>) -> ElementBuf {
        ElementBuf::repeated([components])
    }

    /// A repeated element: each item is one repetition's components.
    pub fn repeated<C, S>(repetitions: impl IntoIterator<Item = C>) -> ElementBuf
    where
        C: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let mut repetitions: Vec<Vec<String>> = repetitions
            .into_iter()
            .map(|r| {
                let mut components: Vec<String> = r.into_iter().map(Into::into).collect();
                if components.is_empty() {
                    components.push(String::new());
                }
                components
            })
            .collect();
        if repetitions.is_empty() {
            repetitions.push(vec![String::new()]);
        }
        ElementBuf { repetitions }
    }

    /// The repetitions, each a list of components.
    pub fn repetitions(&self) -> &[Vec<String>] {
        &self.repetitions
    }

    /// The first component of the first repetition: the value of a simple element.
    pub fn value(&self) -> &str {
        &self.repetitions[0][0]
    }

    /// Whether the element is one empty component.
    pub fn is_empty(&self) -> bool {
        self.repetitions.len() == 1
            && self.repetitions[0].len() == 1
            && self.repetitions[0][0].is_empty()
    }
}

impl fmt::Debug for ElementBuf {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ElementBuf")
            .field("repetitions", &self.repetitions.len())
            .finish_non_exhaustive()
    }
}

/// An owned segment to build and write.
///
/// `Debug` shows the identifier and the element count, never values.
///
/// ```
/// use medbill_x12::{Delimiters, ElementBuf, SegmentBuf, Writer};
///
/// let sv1 = SegmentBuf::new("SV1")
///     .with_element(ElementBuf::composite(["HC", "99213"]))
///     .with("100")
///     .with("UN")
///     .with("1");
/// let mut w = Writer::new(Vec::new(), Delimiters::default());
/// w.write_segment_buf(&sv1)?;
/// assert_eq!(w.into_inner(), b"SV1*HC:99213*100*UN*1~");
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub struct SegmentBuf {
    id: String,
    elements: Vec<ElementBuf>,
}

impl SegmentBuf {
    /// A segment with no elements yet.
    pub fn new(id: impl Into<String>) -> SegmentBuf {
        SegmentBuf {
            id: id.into(),
            elements: Vec::new(),
        }
    }

    /// Appends a simple element.
    #[must_use]
    pub fn with(mut self, value: impl Into<String>) -> SegmentBuf {
        self.elements.push(ElementBuf::simple(value));
        self
    }

    /// Appends an element.
    #[must_use]
    pub fn with_element(mut self, element: ElementBuf) -> SegmentBuf {
        self.elements.push(element);
        self
    }

    /// Appends an element.
    pub fn push(&mut self, element: ElementBuf) {
        self.elements.push(element);
    }

    /// The identifier.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The elements, from element 1.
    pub fn elements(&self) -> &[ElementBuf] {
        &self.elements
    }

    /// Element `n` (1-based).
    pub fn element(&self, n: usize) -> Option<&ElementBuf> {
        self.elements.get(n.checked_sub(1)?)
    }

    /// Element `n` (1-based), mutable.
    pub fn element_mut(&mut self, n: usize) -> Option<&mut ElementBuf> {
        self.elements.get_mut(n.checked_sub(1)?)
    }

    /// Copies a borrowed segment. Fails when a value is not UTF-8.
    pub fn from_segment(segment: &Segment<'_>) -> Result<SegmentBuf, std::str::Utf8Error> {
        let mut out = SegmentBuf::new(std::str::from_utf8(segment.id())?);
        for element in segment.elements() {
            let mut repetitions = Vec::new();
            for repetition in element.repetitions() {
                let components: Result<Vec<String>, _> = repetition
                    .components()
                    .map(|c| std::str::from_utf8(c.bytes()).map(str::to_owned))
                    .collect();
                repetitions.push(components?);
            }
            out.elements.push(ElementBuf { repetitions });
        }
        Ok(out)
    }
}

impl fmt::Debug for SegmentBuf {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SegmentBuf")
            .field("id", &self.id)
            .field("elements", &self.elements.len())
            .finish()
    }
}

/// Control numbers and counts of the envelopes being written.
#[derive(Clone, Debug, Default)]
struct Open {
    control: String,
    count: u64,
}

/// Writes X12: segments, envelopes, and everything a [`Reader`](crate::Reader) or
/// [`Tokenizer`] yields, byte for byte.
///
/// - [`write_segment`](Self::write_segment) and [`write_segment_buf`](Self::write_segment_buf)
///   serialize with the writer's delimiters (converting a borrowed segment when its delimiters
///   differ), then add the terminator and, in [pretty](Self::pretty) mode, a line break.
/// - [`write_event`](Self::write_event) and [`write_token`](Self::write_token) keep the bytes
///   between segments (line breaks, indentation, prose), so an unchanged file comes back
///   identical.
/// - [`finish_set`](Self::finish_set), [`finish_group`](Self::finish_group) and
///   [`finish_interchange`](Self::finish_interchange) write SE, GE and IEA with counts and
///   control numbers computed from what was written; with
///   [`recompute_trailers`](Self::recompute_trailers) trailers passed through are corrected too.
///
/// Wrap files in a [`std::io::BufWriter`]: the writer makes a few small writes per segment.
///
/// ```
/// use medbill_x12::{Delimiters, SegmentBuf, Writer};
///
/// let mut w = Writer::new(Vec::new(), Delimiters::default()).pretty(true);
/// w.write_segment_buf(&SegmentBuf::new("ST").with("837").with("0001"))?;
/// w.write_segment_buf(&SegmentBuf::new("BHT").with("0019"))?;
/// w.finish_set()?;
/// assert_eq!(w.into_inner(), b"ST*837*0001~\nBHT*0019~\nSE*3*0001~\n");
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug)]
pub struct Writer<W: Write> {
    out: W,
    delimiters: Delimiters,
    line_ending: Option<&'static [u8]>,
    recompute: bool,
    encoding: Encoding,
    interchange: Option<Open>,
    group: Option<Open>,
    set: Option<Open>,
    scratch: Vec<u8>,
    /// Byte translation from a source's delimiters to ours, kept for the last source seen.
    translation: Option<(Delimiters, Box<[u16; 256]>)>,
    /// In UTF-16 mode, the start of a UTF-8 character whose rest has not been written yet.
    utf8_tail: Vec<u8>,
}

/// In a translation table: the byte may not appear in a value written with our delimiters.
const CLASH: u16 = 0x100;
/// In a translation table: a repetition separator, and we have none.
const NO_REPETITION: u16 = 0x200;

fn invalid(message: &'static str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, message)
}

impl<W: Write> Writer<W> {
    /// A writer using `delimiters`.
    pub fn new(out: W, delimiters: Delimiters) -> Writer<W> {
        Writer {
            out,
            delimiters,
            line_ending: None,
            recompute: false,
            encoding: Encoding::Bytes,
            interchange: None,
            group: None,
            set: None,
            scratch: Vec::new(),
            translation: None,
            utf8_tail: Vec::new(),
        }
    }

    /// A writer for the events of a [`Reader`](crate::Reader): same delimiters as `envelope`,
    /// same encoding, so writing every event gives back the input.
    pub fn for_reader(out: W, delimiters: Delimiters, encoding: Encoding) -> Writer<W> {
        Writer::new(out, delimiters).with_encoding(encoding)
    }

    /// Pretty mode: a line feed after each terminator written by the `write_segment*` methods.
    #[must_use]
    pub fn pretty(mut self, on: bool) -> Writer<W> {
        self.line_ending = on.then_some(&b"\n"[..]);
        self
    }

    /// Pretty mode with a chosen line ending (such as `b"\r\n"`), or none.
    #[must_use]
    pub fn with_line_ending(mut self, line_ending: Option<&'static [u8]>) -> Writer<W> {
        self.line_ending = line_ending;
        self
    }

    /// Replace SE01/SE02, GE01/GE02 and IEA01/IEA02 of trailers passed through the writer by the
    /// counts and control numbers of what was written.
    #[must_use]
    pub fn recompute_trailers(mut self, on: bool) -> Writer<W> {
        self.recompute = on;
        self
    }

    /// Encode the output as UTF-16 (the bytes written must then be UTF-8), or not.
    #[must_use]
    pub fn with_encoding(mut self, encoding: Encoding) -> Writer<W> {
        self.encoding = encoding;
        self
    }

    /// The delimiters in use.
    pub fn delimiters(&self) -> Delimiters {
        self.delimiters
    }

    /// Uses other delimiters from now on (for the next interchange).
    pub fn set_delimiters(&mut self, delimiters: Delimiters) {
        self.delimiters = delimiters;
    }

    /// The underlying writer.
    pub fn get_ref(&self) -> &W {
        &self.out
    }

    /// Flushes and returns the underlying writer.
    pub fn into_inner(mut self) -> W {
        if !self.utf8_tail.is_empty() {
            // An incomplete character at the very end: written as U+FFFD.
            self.utf8_tail.clear();
            let _ = self.emit("\u{FFFD}".as_bytes());
        }
        let _ = self.out.flush();
        self.out
    }

    /// Flushes the underlying writer.
    pub fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }

    fn emit(&mut self, bytes: &[u8]) -> io::Result<()> {
        let big = match self.encoding {
            Encoding::Bytes => return self.out.write_all(bytes),
            Encoding::Utf16Le => false,
            Encoding::Utf16Be => true,
        };
        // Text may arrive split inside a character: keep an incomplete tail for the next call.
        let mut pending = std::mem::take(&mut self.utf8_tail);
        pending.extend_from_slice(bytes);
        let complete = match std::str::from_utf8(&pending) {
            Ok(_) => pending.len(),
            Err(e) if e.error_len().is_none() => e.valid_up_to(),
            Err(_) => pending.len(),
        };
        self.utf8_tail = pending.split_off(complete);
        let mut encoded = Vec::with_capacity(pending.len() * 2);
        for unit in String::from_utf8_lossy(&pending).encode_utf16() {
            encoded.extend_from_slice(&if big {
                unit.to_be_bytes()
            } else {
                unit.to_le_bytes()
            });
        }
        self.out.write_all(&encoded)
    }

    /// Writes raw bytes as they are (text between interchanges, for example).
    pub fn write_raw(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.emit(bytes)
    }

    /// Notes a segment for envelope counts, before it is written.
    fn track(&mut self, id: &[u8], control: impl FnOnce(usize) -> String) {
        if let Some(set) = &mut self.set {
            set.count += 1;
        }
        match id {
            b"ISA" => {
                self.interchange = Some(Open {
                    control: control(13),
                    count: 0,
                });
                self.group = None;
                self.set = None;
            }
            b"GS" => {
                if let Some(i) = &mut self.interchange {
                    i.count += 1;
                }
                self.group = Some(Open {
                    control: control(6),
                    count: 0,
                });
                self.set = None;
            }
            b"ST" => {
                if let Some(g) = &mut self.group {
                    g.count += 1;
                }
                self.set = Some(Open {
                    control: control(2),
                    count: 1,
                });
            }
            _ => {}
        }
    }

    /// The computed (count, control) for a trailer, and forgets the envelope it closes.
    fn close(&mut self, id: &[u8]) -> Option<(u64, String)> {
        let open = match id {
            b"SE" => self.set.take(),
            b"GE" => {
                self.set = None;
                self.group.take()
            }
            b"IEA" => {
                self.set = None;
                self.group = None;
                self.interchange.take()
            }
            _ => return None,
        };
        open.map(|o| (o.count, o.control))
    }

    /// Writes a borrowed segment with the writer's delimiters, then the terminator (and a line
    /// break in pretty mode). Trivia before the segment is not written.
    pub fn write_segment(&mut self, segment: &Segment<'_>) -> io::Result<()> {
        self.put_segment(segment)?;
        self.end_segment()
    }

    fn end_segment(&mut self) -> io::Result<()> {
        let mut end = [0u8; 3];
        end[0] = self.delimiters.segment;
        let mut len = 1;
        if let Some(le) = self.line_ending {
            let n = le.len().min(2);
            end[1..1 + n].copy_from_slice(&le[..n]);
            len += n;
        }
        self.emit(&end[..len])
    }

    /// Writes a segment's content (no trivia, no terminator).
    fn put_segment(&mut self, segment: &Segment<'_>) -> io::Result<()> {
        let id = segment.id();
        self.track(id, |n| {
            segment
                .element(n)
                .map(|e| String::from_utf8_lossy(trim(e.bytes())).into_owned())
                .unwrap_or_default()
        });
        if matches!(id, b"SE" | b"GE" | b"IEA") {
            let computed = self.close(id);
            if self.recompute
                && let Some(computed) = computed
            {
                let mut buf = SegmentBuf::from_segment(segment)
                    .unwrap_or_else(|_| SegmentBuf::new(String::from_utf8_lossy(id)));
                return self.put_trailer(&mut buf, computed);
            }
        }
        let source = segment.delimiters();
        let same = source.element == self.delimiters.element
            && source.component == self.delimiters.component
            && source.repetition == self.delimiters.repetition;
        if same {
            // Splitting and joining with the same delimiters is the identity.
            return self.emit(segment.raw());
        }
        self.scratch.clear();
        let mut scratch = std::mem::take(&mut self.scratch);
        let result = self.convert(segment, &mut scratch);
        if result.is_ok() {
            self.emit(&scratch)?;
        }
        self.scratch = scratch;
        result
    }

    /// Serializes `segment` into `out` with the writer's delimiters.
    fn convert(&mut self, segment: &Segment<'_>, out: &mut Vec<u8>) -> io::Result<()> {
        let d = self.delimiters;
        let source = segment.delimiters();
        if segment.id() == b"ISA" {
            return convert_isa(segment, d, out);
        }
        // One pass with a byte table: each source delimiter becomes ours, any other byte that is
        // one of ours would change the structure and is refused.
        if self
            .translation
            .as_ref()
            .is_none_or(|(from, _)| *from != source)
        {
            let mut table = Box::new([0u16; 256]);
            for (b, slot) in table.iter_mut().enumerate() {
                let b = b as u8;
                *slot = if b == source.element {
                    u16::from(d.element)
                } else if b == source.component {
                    u16::from(d.component)
                } else if Some(b) == source.repetition {
                    d.repetition.map_or(NO_REPETITION, u16::from)
                } else if d.contains(b) {
                    CLASH
                } else {
                    u16::from(b)
                };
            }
            self.translation = Some((source, table));
        }
        let Some((_, table)) = &self.translation else {
            unreachable!("set above")
        };
        out.reserve(segment.raw().len());
        for &b in segment.raw() {
            let t = table[usize::from(b)];
            if t > 0xFF {
                return Err(invalid(if t == NO_REPETITION {
                    "a repeated element needs a repetition separator"
                } else {
                    "a value contains one of the writer's delimiters"
                }));
            }
            out.push(t as u8);
        }
        Ok(())
    }

    /// Writes an owned segment, then the terminator (and a line break in pretty mode).
    pub fn write_segment_buf(&mut self, segment: &SegmentBuf) -> io::Result<()> {
        let id = segment.id.as_bytes();
        self.track(id, |n| {
            segment
                .element(n)
                .map(|e| e.value().trim().to_owned())
                .unwrap_or_default()
        });
        if matches!(id, b"SE" | b"GE" | b"IEA") {
            let computed = self.close(id);
            if self.recompute
                && let Some(computed) = computed
            {
                let mut buf = segment.clone();
                self.put_trailer(&mut buf, computed)?;
                return self.end_segment();
            }
        }
        self.scratch.clear();
        let mut scratch = std::mem::take(&mut self.scratch);
        let result = serialize(segment, self.delimiters, &mut scratch);
        if result.is_ok() {
            self.emit(&scratch)?;
        }
        self.scratch = scratch;
        result?;
        self.end_segment()
    }

    fn put_trailer(
        &mut self,
        segment: &mut SegmentBuf,
        (count, control): (u64, String),
    ) -> io::Result<()> {
        while segment.elements.len() < 2 {
            segment.elements.push(ElementBuf::default());
        }
        segment.elements[0] = ElementBuf::simple(count.to_string());
        segment.elements[1] = ElementBuf::simple(control);
        self.scratch.clear();
        let mut scratch = std::mem::take(&mut self.scratch);
        let result = serialize(segment, self.delimiters, &mut scratch);
        if result.is_ok() {
            self.emit(&scratch)?;
        }
        self.scratch = scratch;
        result
    }

    fn write_trailer(&mut self, id: &str, missing: &'static str) -> io::Result<()> {
        let (count, control) = self.close(id.as_bytes()).ok_or_else(|| invalid(missing))?;
        let count = if id == "SE" { count + 1 } else { count };
        let trailer = SegmentBuf::new(id).with(count.to_string()).with(control);
        self.scratch.clear();
        let mut scratch = std::mem::take(&mut self.scratch);
        let result = serialize(&trailer, self.delimiters, &mut scratch);
        if result.is_ok() {
            self.emit(&scratch)?;
        }
        self.scratch = scratch;
        result?;
        self.end_segment()
    }

    /// Writes SE for the open transaction set: SE01 counts ST through SE, SE02 repeats ST02.
    pub fn finish_set(&mut self) -> io::Result<()> {
        self.write_trailer("SE", "no open transaction set (write an ST first)")
    }

    /// Writes GE for the open group (closing an open set first): GE01 counts its sets, GE02
    /// repeats GS06.
    pub fn finish_group(&mut self) -> io::Result<()> {
        if self.set.is_some() {
            self.finish_set()?;
        }
        self.write_trailer("GE", "no open functional group (write a GS first)")
    }

    /// Writes IEA for the open interchange (closing open sets and groups first): IEA01 counts
    /// its groups, IEA02 repeats ISA13.
    pub fn finish_interchange(&mut self) -> io::Result<()> {
        if self.group.is_some() {
            self.finish_group()?;
        }
        self.write_trailer("IEA", "no open interchange (write an ISA first)")
    }

    /// Writes a segment with its trivia and its own terminator, as it was read.
    fn write_exact(&mut self, segment: &Segment<'_>) -> io::Result<()> {
        self.emit(segment.trivia())?;
        self.put_segment(segment)?;
        if segment.is_terminated() {
            self.emit(&[self.delimiters.segment])?;
        }
        Ok(())
    }

    /// Writes a token exactly as read (trivia and text included). With the input's delimiters,
    /// writing every token of a [`Tokenizer`] gives back the input.
    pub fn write_token(&mut self, token: &Token<'_>) -> io::Result<()> {
        match token {
            Token::Text(text) => self.emit(text.bytes()),
            Token::Segment(segment) => {
                if segment.id() == b"ISA" {
                    self.delimiters = segment.delimiters();
                }
                self.write_exact(segment)
            }
        }
    }

    /// Writes an event exactly as read. With the writer made by
    /// [`for_reader`](Self::for_reader), writing every event gives back the input.
    pub fn write_event(&mut self, event: &Event) -> io::Result<()> {
        match event {
            Event::Text(text) => self.emit(&text.bytes),
            Event::Segment(raw) => {
                let segment = raw.segment();
                if segment.id() == b"ISA" {
                    self.delimiters = segment.delimiters();
                }
                self.write_exact(&segment)
            }
            Event::Transaction(set) => {
                for token in Tokenizer::with_delimiters(set.bytes(), set.envelope().delimiters()) {
                    match token {
                        Token::Text(text) => self.emit(text.bytes())?,
                        Token::Segment(segment) => self.write_exact(&segment)?,
                    }
                }
                Ok(())
            }
        }
    }
}

/// Serializes an ISA with other delimiters: ISA11 and ISA16 are the delimiters themselves.
fn convert_isa(segment: &Segment<'_>, d: Delimiters, out: &mut Vec<u8>) -> io::Result<()> {
    out.extend_from_slice(b"ISA");
    for (i, element) in segment.elements().enumerate() {
        out.push(d.element);
        match i + 1 {
            11 if segment.delimiters().repetition.is_some() || d.repetition.is_some() => {
                out.push(d.repetition.unwrap_or(b'U'));
            }
            16 => out.push(d.component),
            _ => {
                check_value(element.bytes(), d)?;
                out.extend_from_slice(element.bytes());
            }
        }
    }
    Ok(())
}

/// Refuses a value that contains one of the delimiters it would be written with.
fn check_value(value: &[u8], d: Delimiters) -> io::Result<()> {
    if value.iter().any(|&b| d.contains(b)) {
        Err(invalid("a value contains one of the writer's delimiters"))
    } else {
        Ok(())
    }
}

/// Serializes an owned segment (no terminator) into `out`.
fn serialize(segment: &SegmentBuf, d: Delimiters, out: &mut Vec<u8>) -> io::Result<()> {
    check_value(segment.id.as_bytes(), d)?;
    out.extend_from_slice(segment.id.as_bytes());
    let isa = segment.id == "ISA";
    for (i, element) in segment.elements.iter().enumerate() {
        out.push(d.element);
        if isa && i + 1 == 16 {
            out.push(d.component);
            continue;
        }
        if isa && i + 1 == 11 && d.repetition.is_some() {
            out.push(d.repetition.unwrap_or(b'U'));
            continue;
        }
        for (r, repetition) in element.repetitions.iter().enumerate() {
            if r > 0 {
                out.push(
                    d.repetition.ok_or_else(|| {
                        invalid("a repeated element needs a repetition separator")
                    })?,
                );
            }
            for (c, component) in repetition.iter().enumerate() {
                if c > 0 {
                    out.push(d.component);
                }
                check_value(component.as_bytes(), d)?;
                out.extend_from_slice(component.as_bytes());
            }
        }
    }
    Ok(())
}
