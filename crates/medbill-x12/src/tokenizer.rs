//! The zero-copy tokenizer: borrowed segments, elements, repetitions and components.
//!
//! [`Tokenizer`] walks a byte slice and yields [`Token`]s: a [`Segment`] for each segment of each
//! interchange, and a [`Text`] for bytes outside any interchange (prose before the first ISA, a
//! byte order mark, line breaks after the IEA). Together the tokens cover every input byte, so a
//! writer can put the file back together exactly. Nothing is allocated per segment: elements and
//! components are found lazily by scanning the segment's bytes.

use std::fmt;

use crate::Delimiters;
use crate::delimiters::{IsaScan, scan_isa};

/// Finds the first `needle` in `haystack`.
///
/// Eight bytes at a time with the classic "has zero byte" bit trick, so that long elements are
/// skipped quickly without `unsafe` or a dependency.
#[inline]
pub(crate) fn find_byte(needle: u8, haystack: &[u8]) -> Option<usize> {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    let repeated = LO.wrapping_mul(u64::from(needle));
    let mut chunks = haystack.chunks_exact(8);
    let mut base = 0;
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let x = u64::from_le_bytes(word) ^ repeated;
        let found = x.wrapping_sub(LO) & !x & HI;
        if found != 0 {
            return Some(base + (found.trailing_zeros() / 8) as usize);
        }
        base += 8;
    }
    chunks
        .remainder()
        .iter()
        .position(|&b| b == needle)
        .map(|i| base + i)
}

/// Finds the first `separator` in `bytes` (or the end) and says whether `component` and
/// `repetition` occur before it. Eight bytes at a time, like [`find_byte`].
#[inline]
fn scan_element(bytes: &[u8], separator: u8, component: u8, repetition: u8) -> (usize, bool, bool) {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    // High bit set in each byte of `word` equal to the byte repeated in `pattern`. Exact for
    // the lowest match; higher bytes may be false positives only above a true match, which is
    // why `before` masks them off.
    let matches = |word: u64, pattern: u64| {
        let x = word ^ pattern;
        x.wrapping_sub(LO) & !x & HI
    };
    let (sep, comp, rep) = (
        LO * u64::from(separator),
        LO * u64::from(component),
        LO * u64::from(repetition),
    );
    let (mut has_component, mut has_repetition) = (false, false);
    let mut chunks = bytes.chunks_exact(8);
    let mut base = 0;
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let word = u64::from_le_bytes(word);
        let at_sep = matches(word, sep);
        if at_sep != 0 {
            let i = (at_sep.trailing_zeros() / 8) as usize;
            for &b in &chunk[..i] {
                has_component |= b == component;
                has_repetition |= b == repetition;
            }
            return (base + i, has_component, has_repetition);
        }
        has_component |= matches(word, comp) != 0;
        has_repetition |= matches(word, rep) != 0;
        base += 8;
    }
    for (i, &b) in chunks.remainder().iter().enumerate() {
        if b == separator {
            return (base + i, has_component, has_repetition);
        }
        has_component |= b == component;
        has_repetition |= b == repetition;
    }
    (bytes.len(), has_component, has_repetition)
}

/// Bytes skipped between segments inside an interchange: line breaks and indentation.
#[inline]
pub(crate) fn is_trivia(b: u8) -> bool {
    matches!(b, b'\r' | b'\n' | b' ' | b'\t')
}

/// Where the scanner is: looking for an interchange, or inside one with known delimiters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Mode {
    /// Outside any interchange; `after_alnum` says whether the byte before the scan position is a
    /// letter or digit (then an `ISA` there is part of a word, not a header).
    Outside { after_alnum: bool },
    /// Inside an interchange.
    Inside(Delimiters),
}

/// One step of the scanner, with positions relative to the buffer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Step {
    /// `buf[pos..end]` is text outside any interchange.
    Text { end: usize },
    /// `buf[pos..start]` is trivia, `buf[start..content_end]` the segment, then an optional
    /// terminator; scanning continues at `next`.
    Segment {
        start: usize,
        content_end: usize,
        next: usize,
        isa: Option<crate::delimiters::IsaFound>,
    },
    /// The buffer ends before the next token is complete.
    NeedMore,
    /// Nothing left.
    End,
}

/// `byte` in each of the eight lanes of a word, for [`lanes_equal`].
#[inline(always)]
pub(crate) fn repeat_byte(byte: u8) -> u64 {
    0x0101_0101_0101_0101 * u64::from(byte)
}

/// The lanes of `word` equal to the byte `pattern` repeats ([`repeat_byte`]): the high bit of
/// each such lane, exactly (no carries between lanes, so no false positives above a match).
/// Scanning eight bytes at a time this way is what makes the X12 scans fast.
#[inline(always)]
pub(crate) fn lanes_equal(word: u64, pattern: u64) -> u64 {
    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    let x = word ^ pattern;
    !(((x & LOW7) + LOW7) | x | LOW7)
}

/// The delimiters of a segment [`step`] found: its own when it is an ISA, else those of the
/// interchange the scan was in (`before`, the mode before the step), else the defaults.
pub(crate) fn segment_delimiters(
    isa: Option<&crate::delimiters::IsaFound>,
    before: Mode,
) -> Delimiters {
    match (isa, before) {
        (Some(isa), _) => isa.delimiters,
        (None, Mode::Inside(d)) => d,
        (None, Mode::Outside { .. }) => Delimiters::default(),
    }
}

/// Scans the next token of `buf` from `pos`. With `eof` false, a token that might continue past
/// the end of `buf` is reported as [`Step::NeedMore`] instead.
pub(crate) fn step(buf: &[u8], pos: usize, eof: bool, mode: &mut Mode) -> Step {
    match *mode {
        Mode::Outside { after_alnum } => step_outside(buf, pos, eof, after_alnum, mode),
        Mode::Inside(delimiters) => step_inside(buf, pos, eof, delimiters, mode),
    }
}

fn step_outside(buf: &[u8], pos: usize, eof: bool, after_alnum: bool, mode: &mut Mode) -> Step {
    if pos >= buf.len() {
        return if eof { Step::End } else { Step::NeedMore };
    }
    let text_until = |end: usize, mode: &mut Mode| {
        *mode = Mode::Outside {
            after_alnum: buf[end - 1].is_ascii_alphanumeric(),
        };
        Step::Text { end }
    };
    let mut from = pos;
    while let Some(found) = find_byte(b'I', &buf[from..]) {
        let i = from + found;
        let word_before = if i == pos {
            after_alnum
        } else {
            buf[i - 1].is_ascii_alphanumeric()
        };
        if !word_before {
            match scan_isa(&buf[i..], eof) {
                IsaScan::Found(isa) if i == pos => {
                    *mode = Mode::Inside(isa.delimiters);
                    return Step::Segment {
                        start: i,
                        content_end: i + isa.terminator_at,
                        next: i + isa.terminator_at + 1,
                        isa: Some(isa),
                    };
                }
                IsaScan::Found(_) => return text_until(i, mode),
                IsaScan::NeedMore if i == pos => return Step::NeedMore,
                IsaScan::NeedMore => return text_until(i, mode),
                IsaScan::No => {}
            }
        }
        from = i + 1;
    }
    if eof {
        return text_until(buf.len(), mode);
    }
    // Hold back a possible partial "IS" at the end of the buffer.
    let end = buf.len().saturating_sub(2).max(pos);
    if end > pos {
        text_until(end, mode)
    } else {
        Step::NeedMore
    }
}

fn step_inside(buf: &[u8], pos: usize, eof: bool, d: Delimiters, mode: &mut Mode) -> Step {
    let start = buf[pos..]
        .iter()
        .position(|&b| !is_trivia(b))
        .map_or(buf.len(), |i| pos + i);
    if start >= buf.len() {
        if !eof {
            return Step::NeedMore;
        }
        // Only line breaks are left and no IEA came: leave them as text.
        return if start > pos {
            Step::Text { end: start }
        } else {
            Step::End
        };
    }
    // An ISA inside an interchange starts the next one (the IEA was lost).
    if buf[start] == b'I' {
        match scan_isa(&buf[start..], eof) {
            IsaScan::Found(isa) => {
                *mode = Mode::Inside(isa.delimiters);
                return Step::Segment {
                    start,
                    content_end: start + isa.terminator_at,
                    next: start + isa.terminator_at + 1,
                    isa: Some(isa),
                };
            }
            IsaScan::NeedMore => return Step::NeedMore,
            IsaScan::No => {}
        }
    }
    let (content_end, next) = match find_byte(d.segment, &buf[start..]) {
        Some(k) => (start + k, start + k + 1),
        None if eof => (buf.len(), buf.len()),
        None => return Step::NeedMore,
    };
    let content = &buf[start..content_end];
    if content.len() >= 3
        && &content[..3] == b"IEA"
        && content.get(3).is_none_or(|&b| b == d.element)
    {
        *mode = Mode::Outside { after_alnum: false };
    }
    Step::Segment {
        start,
        content_end,
        next,
        isa: None,
    }
}

/// Bytes outside any interchange: a byte order mark, prose around the EDI, line breaks after
/// an IEA.
///
/// `Debug` shows only the length, since such text can name patients.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Text<'a> {
    bytes: &'a [u8],
    offset: u64,
}

impl<'a> Text<'a> {
    pub(crate) fn new(bytes: &'a [u8], offset: u64) -> Text<'a> {
        Text { bytes, offset }
    }

    /// The bytes.
    pub fn bytes(&self) -> &'a [u8] {
        self.bytes
    }

    /// Byte offset in the input.
    pub fn offset(&self) -> u64 {
        self.offset
    }

    /// Whether the text is only line breaks, spaces and tabs.
    pub fn is_whitespace(&self) -> bool {
        self.bytes.iter().all(|&b| is_trivia(b))
    }
}

impl fmt::Debug for Text<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Text")
            .field("offset", &self.offset)
            .field("len", &self.bytes.len())
            .finish()
    }
}

/// One segment, borrowed from the input: its identifier, elements and the bytes around it.
///
/// Element and component positions are 1-based as in the X12 standard: in `NM1*85*2*ACME`,
/// `element(1)` is `85`. The ISA segment is special: its elements are never split into
/// components or repetitions (ISA11 and ISA16 *are* those delimiters).
///
/// `Debug` shows the identifier, offset and element count, never element values (they can be
/// patient data); ask for them with [`Segment::element`] or [`Segment::raw`].
///
/// ```
/// use medbill_x12::{Delimiters, Segment};
///
/// let seg = Segment::parse(b"SV1*HC:99213:25*100*UN*1", Delimiters::default());
/// assert_eq!(seg.id(), b"SV1");
/// assert_eq!(seg.len(), 4);
/// let procedure = seg.element(1).unwrap();
/// assert_eq!(procedure.component(2).unwrap().bytes(), b"99213");
/// assert_eq!(seg.element(2).unwrap().as_str(), Some("100"));
/// ```
#[derive(Clone, Copy)]
pub struct Segment<'a> {
    trivia: &'a [u8],
    raw: &'a [u8],
    offset: u64,
    terminated: bool,
    delimiters: Delimiters,
}

impl<'a> Segment<'a> {
    /// A segment from its bytes (no terminator), split with `delimiters`.
    pub fn parse(raw: &'a [u8], delimiters: Delimiters) -> Segment<'a> {
        Segment {
            trivia: &[],
            raw,
            offset: 0,
            terminated: false,
            delimiters,
        }
    }

    pub(crate) fn from_parts(
        trivia: &'a [u8],
        raw: &'a [u8],
        offset: u64,
        terminated: bool,
        delimiters: Delimiters,
    ) -> Segment<'a> {
        Segment {
            trivia,
            raw,
            offset,
            terminated,
            delimiters,
        }
    }

    /// The segment identifier (the bytes before the first element separator), such as `CLM`.
    #[inline]
    pub fn id(&self) -> &'a [u8] {
        match find_byte(self.delimiters.element, self.raw) {
            Some(i) => &self.raw[..i],
            None => self.raw,
        }
    }

    /// The identifier as text; empty if it is not UTF-8.
    pub fn id_str(&self) -> &'a str {
        std::str::from_utf8(self.id()).unwrap_or("")
    }

    /// Whether the identifier is 2 or 3 upper-case ASCII letters or digits, starting with a letter.
    pub fn has_valid_id(&self) -> bool {
        let id = self.id();
        (2..=3).contains(&id.len())
            && id[0].is_ascii_uppercase()
            && id
                .iter()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
    }

    /// The segment's bytes from the identifier up to, not including, the terminator.
    pub fn raw(&self) -> &'a [u8] {
        self.raw
    }

    /// Bytes between the previous segment's terminator and this segment: line breaks and
    /// indentation in a pretty-printed file, usually empty.
    pub fn trivia(&self) -> &'a [u8] {
        self.trivia
    }

    /// Byte offset of the identifier in the input.
    pub fn offset(&self) -> u64 {
        self.offset
    }

    /// Byte offset of the first trivia byte (equal to [`offset`](Self::offset) without trivia).
    pub fn trivia_offset(&self) -> u64 {
        self.offset - self.trivia.len() as u64
    }

    /// Whether a segment terminator followed (false only for a segment cut off at the end).
    pub fn is_terminated(&self) -> bool {
        self.terminated
    }

    /// The delimiters in force for this segment.
    pub fn delimiters(&self) -> Delimiters {
        self.delimiters
    }

    fn is_isa(&self) -> bool {
        self.id() == b"ISA"
    }

    /// The elements in order, from element 1.
    #[inline]
    pub fn elements(&self) -> Elements<'a> {
        let id_len = self.id().len();
        let (component, repetition) = if self.is_isa() {
            (None, None)
        } else {
            (Some(self.delimiters.component), self.delimiters.repetition)
        };
        let rest = if id_len < self.raw.len() {
            Some(&self.raw[id_len + 1..])
        } else {
            None
        };
        Elements {
            split: Split {
                rest,
                offset: self.offset + id_len as u64 + 1,
                separator: self.delimiters.element,
            },
            component,
            repetition,
        }
    }

    /// Element `n` (1-based), or `None` when the segment has fewer elements.
    pub fn element(&self, n: usize) -> Option<Element<'a>> {
        self.elements().nth(n.checked_sub(1)?)
    }

    /// The number of elements, trailing empty ones included.
    pub fn len(&self) -> usize {
        let id_len = self.id().len();
        if id_len >= self.raw.len() {
            return 0;
        }
        1 + self.raw[id_len + 1..]
            .iter()
            .filter(|&&b| b == self.delimiters.element)
            .count()
    }

    /// Whether the segment has no elements.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl fmt::Debug for Segment<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Segment")
            .field("id", &String::from_utf8_lossy(self.id()))
            .field("offset", &self.offset)
            .field("elements", &self.len())
            .finish_non_exhaustive()
    }
}

/// Splits bytes on an optional separator, tracking offsets. Yields at least one part.
#[derive(Clone, Debug)]
struct Split<'a> {
    rest: Option<&'a [u8]>,
    offset: u64,
    separator: u8,
}

impl<'a> Iterator for Split<'a> {
    type Item = (&'a [u8], u64);

    #[inline]
    fn next(&mut self) -> Option<(&'a [u8], u64)> {
        let rest = self.rest?;
        let offset = self.offset;
        match find_byte(self.separator, rest) {
            Some(i) => {
                self.rest = Some(&rest[i + 1..]);
                self.offset += i as u64 + 1;
                Some((&rest[..i], offset))
            }
            None => {
                self.rest = None;
                Some((rest, offset))
            }
        }
    }
}

/// Iterator over a segment's elements; see [`Segment::elements`].
#[derive(Clone, Debug)]
pub struct Elements<'a> {
    split: Split<'a>,
    component: Option<u8>,
    repetition: Option<u8>,
}

impl<'a> Iterator for Elements<'a> {
    type Item = Element<'a>;

    #[inline]
    fn next(&mut self) -> Option<Element<'a>> {
        let rest = self.split.rest?;
        let separator = self.split.separator;
        // One pass finds the element's end and notes whether it has components or repetitions
        // at all, so that splitting a simple element later costs nothing.
        let component = self.component.unwrap_or(separator);
        let repetition = self.repetition.unwrap_or(separator);
        let (end, has_component, has_repetition) =
            scan_element(rest, separator, component, repetition);
        let offset = self.split.offset;
        if end < rest.len() {
            self.split.rest = Some(&rest[end + 1..]);
            self.split.offset += end as u64 + 1;
        } else {
            self.split.rest = None;
        }
        Some(Element {
            bytes: &rest[..end],
            offset,
            component: self.component.filter(|_| has_component),
            repetition: self.repetition.filter(|_| has_repetition),
        })
    }
}

/// One element of a segment (or one repetition of a repeated element), borrowed from the input.
///
/// `Debug` shows the offset and length only.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Element<'a> {
    bytes: &'a [u8],
    offset: u64,
    component: Option<u8>,
    repetition: Option<u8>,
}

impl<'a> Element<'a> {
    /// The element's bytes, exactly as in the input (numbers keep their lexical form).
    pub fn bytes(&self) -> &'a [u8] {
        self.bytes
    }

    /// The bytes as text, or `None` when they are not UTF-8.
    pub fn as_str(&self) -> Option<&'a str> {
        std::str::from_utf8(self.bytes).ok()
    }

    /// Whether the element is empty.
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    /// Byte offset in the input.
    pub fn offset(&self) -> u64 {
        self.offset
    }

    /// The repetitions of the element (one when it does not repeat, or the interchange has no
    /// repetition separator).
    #[inline]
    pub fn repetitions(&self) -> Repetitions<'a> {
        Repetitions {
            split: Split {
                rest: Some(self.bytes),
                offset: self.offset,
                separator: self.repetition.unwrap_or(0),
            },
            single: self.repetition.is_none(),
            component: self.component,
        }
    }

    /// The components of the element (one for a simple element). For a repeated element, split
    /// each of [`repetitions`](Self::repetitions) instead.
    #[inline]
    pub fn components(&self) -> Components<'a> {
        Components {
            split: Split {
                rest: Some(self.bytes),
                offset: self.offset,
                separator: self.component.unwrap_or(0),
            },
            single: self.component.is_none(),
        }
    }

    /// Component `n` (1-based), or `None` when there are fewer components.
    pub fn component(&self, n: usize) -> Option<Component<'a>> {
        self.components().nth(n.checked_sub(1)?)
    }
}

impl fmt::Debug for Element<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Element")
            .field("offset", &self.offset)
            .field("len", &self.bytes.len())
            .finish()
    }
}

/// Iterator over an element's repetitions; see [`Element::repetitions`].
#[derive(Clone, Debug)]
pub struct Repetitions<'a> {
    split: Split<'a>,
    single: bool,
    component: Option<u8>,
}

impl<'a> Iterator for Repetitions<'a> {
    type Item = Element<'a>;

    #[inline]
    fn next(&mut self) -> Option<Element<'a>> {
        let (bytes, offset) = if self.single {
            let rest = self.split.rest.take()?;
            (rest, self.split.offset)
        } else {
            self.split.next()?
        };
        Some(Element {
            bytes,
            offset,
            component: self.component,
            repetition: None,
        })
    }
}

/// Iterator over an element's components; see [`Element::components`].
#[derive(Clone, Debug)]
pub struct Components<'a> {
    split: Split<'a>,
    single: bool,
}

impl<'a> Iterator for Components<'a> {
    type Item = Component<'a>;

    #[inline]
    fn next(&mut self) -> Option<Component<'a>> {
        let (bytes, offset) = if self.single {
            let rest = self.split.rest.take()?;
            (rest, self.split.offset)
        } else {
            self.split.next()?
        };
        Some(Component { bytes, offset })
    }
}

/// One component of a composite element.
///
/// `Debug` shows the offset and length only.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Component<'a> {
    bytes: &'a [u8],
    offset: u64,
}

impl<'a> Component<'a> {
    /// The component's bytes.
    pub fn bytes(&self) -> &'a [u8] {
        self.bytes
    }

    /// The bytes as text, or `None` when they are not UTF-8.
    pub fn as_str(&self) -> Option<&'a str> {
        std::str::from_utf8(self.bytes).ok()
    }

    /// Byte offset in the input.
    pub fn offset(&self) -> u64 {
        self.offset
    }
}

impl fmt::Debug for Component<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Component")
            .field("offset", &self.offset)
            .field("len", &self.bytes.len())
            .finish()
    }
}

/// What the tokenizer yields: a segment, or text outside any interchange.
#[derive(Clone, Copy, Debug)]
pub enum Token<'a> {
    /// A segment of an interchange.
    Segment(Segment<'a>),
    /// Bytes outside any interchange.
    Text(Text<'a>),
}

/// A zero-copy tokenizer over a whole X12 file in memory.
///
/// It finds each interchange's delimiters in its ISA, so files with several interchanges using
/// different delimiters, prose around the EDI and pretty-printing all tokenize. The tokens cover
/// the input exactly: concatenating each text, and each segment's trivia, bytes and terminator
/// gives back the input. UTF-16 input must be decoded first (see [`decode_utf16`](crate::decode_utf16)).
///
/// ```
/// use medbill_x12::{Token, Tokenizer};
///
/// let file = b"ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *210101*1200*^*00501*000000001*0*T*:~\nGS*HC*S*R*20210101*1200*1*X*005010X222A1~\n";
/// let ids: Vec<&[u8]> = Tokenizer::new(file).segments().map(|s| s.id()).collect();
/// assert_eq!(ids, [&b"ISA"[..], b"GS"]);
/// ```
#[derive(Clone, Debug)]
pub struct Tokenizer<'a> {
    input: &'a [u8],
    pos: usize,
    mode: Mode,
    base: u64,
}

impl<'a> Tokenizer<'a> {
    /// A tokenizer that looks for the first ISA.
    pub fn new(input: &'a [u8]) -> Tokenizer<'a> {
        Tokenizer {
            input,
            pos: 0,
            mode: Mode::Outside { after_alnum: false },
            base: 0,
        }
    }

    /// A tokenizer for segments without their ISA (for example one transaction set), split with
    /// `delimiters`.
    pub fn with_delimiters(input: &'a [u8], delimiters: Delimiters) -> Tokenizer<'a> {
        Tokenizer {
            input,
            pos: 0,
            mode: Mode::Inside(delimiters),
            base: 0,
        }
    }

    /// Reports offsets as if `input` started at byte `base` of a larger file.
    #[must_use]
    pub fn with_base_offset(mut self, base: u64) -> Tokenizer<'a> {
        self.base = base;
        self
    }

    /// Only the segments.
    pub fn segments(self) -> impl Iterator<Item = Segment<'a>> {
        self.filter_map(|t| match t {
            Token::Segment(s) => Some(s),
            Token::Text(_) => None,
        })
    }

    /// How many input bytes have been consumed.
    pub fn position(&self) -> usize {
        self.pos
    }
}

impl<'a> Iterator for Tokenizer<'a> {
    type Item = Token<'a>;

    #[inline]
    fn next(&mut self) -> Option<Token<'a>> {
        let pos = self.pos;
        let before = self.mode;
        match step(self.input, pos, true, &mut self.mode) {
            Step::Text { end } => {
                self.pos = end;
                Some(Token::Text(Text {
                    bytes: &self.input[pos..end],
                    offset: self.base + pos as u64,
                }))
            }
            Step::Segment {
                start,
                content_end,
                next,
                isa,
            } => {
                self.pos = next;
                let delimiters = segment_delimiters(isa.as_ref(), before);
                Some(Token::Segment(Segment {
                    trivia: &self.input[pos..start],
                    raw: &self.input[start..content_end],
                    offset: self.base + start as u64,
                    terminated: next > content_end,
                    delimiters,
                }))
            }
            Step::NeedMore | Step::End => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn find_byte_matches_naive_search() {
        let hay: Vec<u8> = (0..200u32).map(|i| (i * 7 % 13) as u8 + b'a').collect();
        for needle in b'a'..=b'z' {
            for start in 0..20 {
                assert_eq!(
                    find_byte(needle, &hay[start..]),
                    hay[start..].iter().position(|&b| b == needle)
                );
            }
        }
        assert_eq!(find_byte(0x80, &[0x7f, 0x81, 0x80, 0]), Some(2));
        assert_eq!(find_byte(0, &[1, 1, 1, 1, 1, 1, 1, 1, 1, 0]), Some(9));
    }

    #[test]
    fn scan_element_matches_naive_scan() {
        let bytes = b"AB:C^D*EF:GH^IJ*KLMNOPQRSTUV:W*XYZ^";
        for start in 0..bytes.len() {
            let hay = &bytes[start..];
            let end = hay.iter().position(|&b| b == b'*').unwrap_or(hay.len());
            let expected = (end, hay[..end].contains(&b':'), hay[..end].contains(&b'^'));
            assert_eq!(
                scan_element(hay, b'*', b':', b'^'),
                expected,
                "from {start}"
            );
        }
    }

    #[test]
    fn elements_components_and_repetitions() {
        let seg = Segment::parse(b"HI*ABK:I10^ABF:E119**", Delimiters::default());
        assert_eq!(seg.len(), 3);
        let hi01 = seg.element(1).unwrap();
        let reps: Vec<_> = hi01.repetitions().map(|r| r.bytes()).collect();
        assert_eq!(reps, [&b"ABK:I10"[..], b"ABF:E119"]);
        let second = hi01.repetitions().nth(1).unwrap();
        assert_eq!(second.component(2).unwrap().as_str(), Some("E119"));
        assert_eq!(second.component(2).unwrap().offset(), 15);
        assert!(seg.element(3).unwrap().is_empty());
        assert!(seg.element(4).is_none());
        assert!(seg.element(0).is_none());
    }

    #[test]
    fn segment_without_elements() {
        let seg = Segment::parse(b"LE", Delimiters::default());
        assert_eq!(seg.id(), b"LE");
        assert_eq!(seg.len(), 0);
        assert!(seg.elements().next().is_none());
    }
}
