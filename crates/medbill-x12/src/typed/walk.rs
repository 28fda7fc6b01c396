//! Loop identity from the implementation guide, and small helpers for reading element values.
//!
//! [`LoopWalker`] places each segment of a transaction set in the guide's loop tree the way the
//! guide defines it: a segment opens a loop when it is that loop's first segment (with a key
//! qualifier the loop lists, such as `NM1*85` or `HL*..*22`), and otherwise belongs to the
//! innermost open loop, or enclosing loop, that has a slot for it. A segment the guide does not
//! place stays in the innermost open loop, so nothing is dropped.

use std::cell::Cell;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use crate::schema::{Guide, Node, SegmentRule};
use crate::tokenizer::{Token, Tokenizer, is_trivia, lanes_equal, repeat_byte};
use crate::{Delimiters, Position, Segment, TransactionSet};

/// Walks the loop tree of one guide, one segment at a time.
pub(crate) struct LoopWalker {
    guide: &'static Guide,
    current: u32,
    /// The slot (index among its loop's entries) of the last segment placed.
    slot: u32,
    /// Whether a segment came where the guide does not order it (see [`IRREGULAR`]).
    irregular: bool,
    /// Whether the last segment placed has no slot in any open loop.
    nowhere: bool,
    cache: HashMap<u64, u32, BuildHasherDefault<KeyHasher>>,
    /// A direct-mapped front for `cache`: [`RECENT`] (key, loop) entries for each of
    /// [`LOOP_GROUPS`] groups of loops, the current loop's group's found by a few bits of the
    /// hash of the segment's part of the key. A set uses a few dozen keys over and over, so
    /// nearly every step ends here; and since the hash leaves out the loop (known only when
    /// the previous step ends), it is computed while that step is still under way.
    recent: Vec<(u64, u32)>,
    /// Each loop's identifier, by index.
    loop_ids: Vec<&'static str>,
    /// The longest code any key qualifier of the guide lists: a qualifier longer than that
    /// matches none, so all such values share one cache key.
    longest_key_code: usize,
}

/// A placement, as cached: the loop's index (bits 0 to 15), the slot of the segment among
/// the loop's entries (bits 16 to 30; 0 for a loop's trigger, which opens an instance), and
/// [`IRREGULAR`].
const LOOP_BITS: u32 = 0xFFFF;
const SLOT_SHIFT: u32 = 16;
const SLOT_BITS: u32 = 0x7FFF;

/// Set on a placement the guide's order does not allow: a segment no loop open has a slot
/// for, a segment of an enclosing loop after one of its child loops, a loop after a later
/// sibling, or a second instance of a loop the guide allows once. (A segment before an
/// earlier one of the same loop is found by comparing slots as the walk goes.) A writer
/// writing in the guide's order writes such a set otherwise than it was read.
const IRREGULAR: u32 = 1 << 31;

/// Entries in [`LoopWalker::recent`] per group of loops (a power of two).
const RECENT: usize = 64;

/// Groups of loops in [`LoopWalker::recent`]: loop `n` uses group `n % LOOP_GROUPS`. A set
/// spends nearly all its segments in a handful of loops; a table for every loop of the 837P
/// guide would be 66 KiB to clear per set.
const LOOP_GROUPS: usize = 16;

/// Placements a walker may hand on to the next walker of its guide (see [`KNOWN`]); past
/// that, hostile input with ever new qualifiers would only grow the table.
const KEPT_PLACEMENTS: usize = 4096;

/// What walkers have learnt about each guide, kept from set to set on each thread: the
/// placements (a function of the guide, the loop and the segment's key alone), the loop
/// identifiers and the longest key code. A file of many small sets (an 835 per check) spent
/// a fifth of its time finding these again for every set.
struct Known {
    guide: &'static Guide,
    cache: HashMap<u64, u32, BuildHasherDefault<KeyHasher>>,
    recent: Vec<(u64, u32)>,
    loop_ids: Vec<&'static str>,
    longest_key_code: usize,
}

thread_local! {
    static KNOWN: std::cell::RefCell<Vec<Known>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// The slot of a segment's key part among a loop's entries in [`LoopWalker::recent`].
#[inline]
fn recent_slot(part: u64) -> usize {
    // The top bits of a multiplicative hash; RECENT is 2^6.
    (part.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 58) as usize
}

/// A multiplicative hash for the walker's packed 64-bit keys (SipHash is needlessly slow
/// for keys no adversary chooses beyond a handful of loops and qualifiers).
#[derive(Default)]
pub(crate) struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(5) ^ u64::from(b)).wrapping_mul(0x517c_c1b7_2722_0a95);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0 ^ n).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
}

impl LoopWalker {
    pub(crate) fn new(guide: &'static Guide) -> LoopWalker {
        let kept = KNOWN
            .try_with(|known| {
                let mut known = known.try_borrow_mut().ok()?;
                let i = known.iter().position(|k| std::ptr::eq(k.guide, guide))?;
                Some(known.swap_remove(i))
            })
            .ok()
            .flatten();
        let known = kept.unwrap_or_else(|| Known {
            guide,
            cache: HashMap::default(),
            // Zeros stand for empty slots: key 0 (an empty segment id at the top level) is
            // placed at loop 0 by `place` too.
            recent: vec![(0, 0); LOOP_GROUPS * RECENT],
            loop_ids: guide.loops().iter().map(|l| &*l.id).collect(),
            longest_key_code: longest_key_code(guide),
        });
        LoopWalker {
            guide,
            current: 0,
            slot: 0,
            irregular: false,
            nowhere: false,
            cache: known.cache,
            recent: known.recent,
            loop_ids: known.loop_ids,
            longest_key_code: known.longest_key_code,
        }
    }

    /// The guide walked.
    pub(crate) fn guide(&self) -> &'static Guide {
        self.guide
    }

    /// The loop identifier (`"2300"`; empty at the transaction level) of `segment`, moving the
    /// walker into it.
    #[inline]
    pub(crate) fn step(&mut self, fields: &Fields<'_>) -> &'static str {
        let current = self.current;
        let placed = match key_part(fields, self.longest_key_code) {
            Some(part) if current <= 0x7FFF => {
                let key = part | u64::from(current) << 48;
                let slot = current as usize % LOOP_GROUPS * RECENT + recent_slot(part);
                match self.recent.get(slot) {
                    Some(&(k, n)) if k == key => n,
                    _ => {
                        let n = self.lookup(key, fields);
                        if let Some(entry) = self.recent.get_mut(slot) {
                            *entry = (key, n);
                        }
                        n
                    }
                }
            }
            _ => self.place(fields),
        };
        let next = placed & LOOP_BITS;
        let slot = placed >> SLOT_SHIFT & SLOT_BITS;
        // A slot before the last one's in the same loop instance (a trigger opens another;
        // a segment in no slot keeps the last).
        if placed & IRREGULAR != 0 || (next == current && slot != 0 && slot < self.slot) {
            self.irregular = true;
        }
        self.nowhere = slot == SLOT_BITS;
        if !self.nowhere {
            self.slot = slot;
        }
        self.current = next;
        self.loop_ids.get(next as usize).copied().unwrap_or("")
    }

    /// Whether the last segment stepped over has an id the guide has no segment of at all
    /// (placed in no slot of any loop open, it is kept where it is).
    pub(crate) fn unknown_id(&self, f: &Fields<'_>) -> bool {
        self.nowhere
            && !self
                .guide
                .segment_rules()
                .iter()
                .any(|r| r.id.as_str().as_bytes() == f.id().as_bytes())
    }

    /// Whether a segment so far came where the guide's order does not allow it.
    pub(crate) fn irregular(&self) -> bool {
        self.irregular
    }

    /// The placement of a segment with cache key `key`, found (and cached) on a miss.
    #[cold]
    fn lookup(&mut self, key: u64, fields: &Fields<'_>) -> u32 {
        if let Some(&n) = self.cache.get(&key) {
            return n;
        }
        let n = self.place(fields);
        self.cache.insert(key, n);
        n
    }

    /// Where the guide places `f` from the current loop, packed (see [`LOOP_BITS`]): in the
    /// current loop or an enclosing one, or as the trigger of a child loop of one; a segment
    /// it places nowhere stays in the current loop.
    fn place(&self, f: &Fields<'_>) -> u32 {
        let pack = |l: u32, slot: usize, irregular: bool| {
            l | (slot as u32 & SLOT_BITS) << SLOT_SHIFT | if irregular { IRREGULAR } else { 0 }
        };
        // The entry of the loop climbed out of, in each enclosing loop: anything placed
        // before it there is out of order.
        let mut from: Option<(u32, usize)> = None;
        let mut at = Some(self.current);
        while let Some(l) = at {
            let rule = self.guide.loop_rule(l);
            let children = self.guide.children(rule);
            let entry_of_from = from.map(|(_, i)| i);
            // The loop's own slots, its trigger excluded (a second trigger opens a sibling).
            for (i, node) in children.iter().enumerate() {
                if let Node::Segment(s) = node
                    && (i > 0 || l == 0)
                    && self.matches(self.guide.segment_rule(*s), f)
                {
                    return pack(l, i, entry_of_from.is_some_and(|j| i < j));
                }
            }
            for (i, node) in children.iter().enumerate() {
                if let Node::Loop(child) = node
                    && let Some(trigger) = self.guide.trigger(self.guide.loop_rule(*child))
                    && self.matches(trigger, f)
                {
                    // Another instance of the loop climbed out of is a repeat: past the
                    // guide's maximum when it allows one.
                    let again = from.is_some_and(|(c, _)| c == *child);
                    let irregular = entry_of_from.is_some_and(|j| i < j)
                        || (again && self.guide.loop_rule(*child).max <= 1);
                    return pack(*child, 0, irregular);
                }
            }
            from = rule.parent.map(|p| {
                let siblings = self.guide.children(self.guide.loop_rule(p));
                let i = siblings
                    .iter()
                    .position(|n| matches!(n, Node::Loop(c) if *c == l))
                    .unwrap_or(0);
                (l, i)
            });
            at = rule.parent;
        }
        // No loop has it (a segment id the guide does not have, a qualifier no slot lists, a
        // segment of a loop that did not open): it stays in the current loop, in no slot of
        // its own (the cached placement cannot hold the last slot), out of the guide's order.
        pack(self.current, SLOT_BITS as usize, true)
    }

    fn matches(&self, rule: &SegmentRule, f: &Fields<'_>) -> bool {
        if rule.id.as_str().as_bytes() != f.id().as_bytes() {
            return false;
        }
        let Some((e, c)) = rule.key else {
            return true;
        };
        let elements = self.guide.elements_of(rule);
        let Some(er) = elements.get(usize::from(e).wrapping_sub(1)) else {
            return true;
        };
        let (codes, value) = if c == 0 {
            (&er.codes, f.el(usize::from(e)))
        } else {
            let comps = self.guide.components_of(er);
            match comps.get(usize::from(c) - 1) {
                Some(cr) => (&cr.codes, f.comp(usize::from(e), usize::from(c))),
                None => return true,
            }
        };
        codes.is_empty() || codes.contains(trim(value).as_bytes())
    }
}

impl Drop for LoopWalker {
    /// Hands what this walker learnt on to the next walker of its guide on this thread.
    fn drop(&mut self) {
        let mut cache = std::mem::take(&mut self.cache);
        if cache.len() > KEPT_PLACEMENTS {
            cache = HashMap::default();
        }
        let known = Known {
            guide: self.guide,
            cache,
            recent: std::mem::take(&mut self.recent),
            loop_ids: std::mem::take(&mut self.loop_ids),
            longest_key_code: self.longest_key_code,
        };
        let _ = KNOWN.try_with(|k| {
            // One entry per guide: of two walkers alive at once, the one that learnt more.
            let Ok(mut k) = k.try_borrow_mut() else {
                return;
            };
            match k.iter_mut().find(|x| std::ptr::eq(x.guide, known.guide)) {
                Some(kept) if kept.cache.len() >= known.cache.len() => {}
                Some(kept) => *kept = known,
                None => k.push(known),
            }
        });
    }
}

/// The longest code listed for any key qualifier of `guide`.
fn longest_key_code(guide: &Guide) -> usize {
    let mut longest = 0;
    for rule in guide.segment_rules() {
        let Some((e, c)) = rule.key else { continue };
        let Some(er) = guide.elements_of(rule).get(usize::from(e).wrapping_sub(1)) else {
            continue;
        };
        let codes = if c == 0 {
            &er.codes
        } else {
            match guide.components_of(er).get(usize::from(c) - 1) {
                Some(cr) => &cr.codes,
                None => continue,
            }
        };
        longest = codes.iter().map(str::len).fold(longest, usize::max);
    }
    longest
}

/// The segment's part of a cache key for (loop, segment id, qualifier), when it fits: the
/// key is this part with the loop in the top 16 bits (bit 63 marks a composite qualifier, so
/// the loop takes 15). A qualifier longer than any key code (`longest_key_code`), such as
/// CLM01 or an N3 street, matches no code: it is keyed as one value that no qualifier has.
#[inline]
fn key_part(f: &Fields<'_>, longest_key_code: usize) -> Option<u64> {
    let id = f.id().as_bytes();
    let (q, composite) = if id == b"HL" {
        (f.el(3), false)
    } else {
        // `NM1*85:2` must not share an entry with `NM1*85`: one element matches, one not.
        let e = f.el(1);
        let q = match f.component.is_ascii() {
            // The first component, found inline: `comp` is a call, and qualifiers are short.
            true => match e.bytes().position(|b| char::from(b) == f.component) {
                Some(i) => e.get(..i).unwrap_or(e),
                None => e,
            },
            false => f.comp(1, 1),
        };
        (q, e.len() != q.len())
    };
    let mut q = trim(q).as_bytes();
    if q.len() > 3 && q.len() > longest_key_code {
        // Not UTF-8, so no qualifier (a `str`) is these bytes.
        q = &[0xFF; 3];
    }
    // Three bytes, zero-padded, as the top bytes of a 24-bit number; `None` when longer.
    let pack = |bytes: &[u8]| -> Option<u64> {
        let b = |i: usize| u64::from(bytes[i]);
        match bytes.len() {
            0 => Some(0),
            1 => Some(b(0) << 16),
            2 => Some(b(0) << 16 | b(1) << 8),
            3 => Some(b(0) << 16 | b(1) << 8 | b(2)),
            _ => None,
        }
    };
    let (id24, q24) = (pack(id)?, pack(q)?);
    if id.contains(&0) || q.contains(&0) {
        // Short values are padded with zeros: `PR\0` would share `PR`'s entry (a fuzz find).
        return None;
    }
    Some(u64::from(composite) << 63 | id24 << 24 | q24)
}

/// The segments of a transaction set with their elements split, in one pass over the set's
/// text: the same segments and elements as [`TransactionSet::segments`] followed by
/// [`Fields::in_set`], without tokenizing the set and then scanning each segment again.
///
/// The fast path covers the usual set: UTF-8 text, ASCII element separator and terminator,
/// no segment starting with `I` (an `ISA` or `IEA` changes the tokenizer's mode). From the
/// first segment it does not cover, the set is read the old way to its end.
///
/// The current segment's [`Fields`] live here and are overwritten in place by
/// [`advance`](Self::advance): moving a new `Fields` out per segment cost more than splitting.
pub(crate) struct SetFields<'a> {
    bytes: &'a [u8],
    /// The set's text when it is UTF-8.
    text: Option<&'a str>,
    /// Byte offset of `bytes` in the input.
    base: u64,
    pos: usize,
    delimiters: Delimiters,
    fast: bool,
    /// The rest of the set from the first segment the fast path leaves to the tokenizer.
    slow: Option<Tokenizer<'a>>,
    current: Fields<'a>,
}

impl<'a> SetFields<'a> {
    pub(crate) fn new(set: &'a TransactionSet) -> SetFields<'a> {
        let bytes = set.bytes();
        let delimiters = set.envelope().delimiters();
        // One UTF-8 check for the whole set; each segment's text is then a slice of it.
        let text = std::str::from_utf8(bytes).ok();
        SetFields {
            bytes,
            text,
            base: set.offset(),
            pos: 0,
            delimiters,
            // A non-ASCII delimiter can be a byte inside a character: no slicing there.
            fast: text.is_some() && delimiters.element.is_ascii() && delimiters.segment.is_ascii(),
            slow: None,
            current: Fields::split(
                Segment::parse(&[], delimiters),
                "",
                Vec::with_capacity(32),
                0,
            ),
        }
    }

    /// Whether the set is UTF-8 text.
    pub(crate) fn is_text(&self) -> bool {
        self.text.is_some()
    }

    /// The next segment with its elements, or `None` at the end of the set.
    #[inline]
    pub(crate) fn advance(&mut self) -> Option<&Fields<'a>> {
        if self.fast
            && let Some(text) = self.text
        {
            let bytes = self.bytes;
            let from = self.pos;
            let mut start = from;
            while start < bytes.len() && is_trivia(bytes[start]) {
                start += 1;
            }
            if start < bytes.len() && bytes[start] != b'I' {
                let d = self.delimiters;
                let f = &mut self.current;
                f.els.clear();
                let (id_len, content_end) = split_segment(text, start, d, &mut f.els);
                let terminated = content_end < bytes.len();
                self.pos = content_end + usize::from(terminated);
                f.seg = Segment::from_parts(
                    &bytes[from..start],
                    &bytes[start..content_end],
                    self.base + start as u64,
                    terminated,
                    d,
                );
                f.id = &text[start..start + id_len];
                f.index += 1;
                f.ambiguous.set(None);
                return Some(&self.current);
            }
            // The end of the set, or a segment only the tokenizer's full rules place.
            self.fast = false;
        }
        self.advance_slow()
    }

    /// The tokenizer's rules, then [`Fields::in_set`]: exactly the old per-segment path.
    #[cold]
    fn advance_slow(&mut self) -> Option<&Fields<'a>> {
        // The fast path keeps the tokenizer's mode (inside the set's interchange), so a
        // tokenizer started where it stopped reads the rest exactly as one started at ST.
        let (bytes, base, pos, delimiters) = (self.bytes, self.base, self.pos, self.delimiters);
        let tokens = self.slow.get_or_insert_with(|| {
            Tokenizer::with_delimiters(bytes.get(pos..).unwrap_or_default(), delimiters)
                .with_base_offset(base + pos as u64)
        });
        let seg = tokens.find_map(|t| match t {
            Token::Segment(s) => Some(s),
            Token::Text(_) => None,
        })?;
        let index = self.current.index + 1;
        let els = std::mem::take(&mut self.current.els);
        let text = self.text.map(|t| (t, self.base));
        self.current = Fields::in_set(seg, index, els, text);
        Some(&self.current)
    }
}

/// The elements of one segment as text, with its place in the set for error positions.
pub(crate) struct Fields<'a> {
    seg: Segment<'a>,
    /// The segment identifier, checked as UTF-8 once: readers ask for it on every match.
    id: &'a str,
    els: Vec<&'a str>,
    component: char,
    repetition: Option<u8>,
    /// 1-based index of the segment in its set (ST is 1).
    pub(crate) index: u32,
    /// Set by [`canonical`](Self::canonical) when the segment's data holds a character the
    /// canonical text uses as a separator (`*`, `:`, `^` where the file's own separators
    /// are others): the element it is in and the character. Such a value is read as a
    /// separator when written back, so the reader reports it.
    ambiguous: Cell<Option<(u32, char)>>,
}

impl<'a> Fields<'a> {
    pub(crate) fn new(seg: Segment<'a>, index: u32, els: Vec<&'a str>) -> Fields<'a> {
        Fields::in_set(seg, index, els, None)
    }

    /// Like [`new`](Self::new), with the set's bytes already checked as UTF-8 (`set` is the
    /// set's text and the byte offset it starts at): the segment's text is then a slice.
    pub(crate) fn in_set(
        seg: Segment<'a>,
        index: u32,
        mut els: Vec<&'a str>,
        set: Option<(&'a str, u64)>,
    ) -> Fields<'a> {
        els.clear();
        let d = seg.delimiters();
        let raw = seg.raw();
        let seg_id = seg.id();
        let id_len = seg_id.len();
        let mut id = None;
        let text = set
            .and_then(|(text, base)| {
                let start = usize::try_from(seg.offset().checked_sub(base)?).ok()?;
                text.get(start..start.checked_add(raw.len())?)
            })
            // The same bytes, not merely equal ones: the slice is the segment.
            .filter(|t| std::ptr::eq(t.as_ptr(), raw.as_ptr()) && t.len() == raw.len())
            .map_or_else(|| std::str::from_utf8(raw), Ok);
        match text {
            // One UTF-8 check for the segment, then a byte split (the separator is ASCII).
            Ok(text) if d.element.is_ascii() && seg_id != b"ISA" => {
                // The identifier is the text before the (ASCII) separator: no second check.
                id = text.get(..id_len);
                if id_len < text.len() {
                    split_ascii(&text[id_len + 1..], d.element, &mut els);
                }
            }
            _ => els.extend(seg.elements().map(|e| e.as_str().unwrap_or(""))),
        }
        Fields {
            id: id.unwrap_or_else(|| seg.id_str()),
            seg,
            els,
            component: char::from(d.component),
            repetition: d.repetition,
            index,
            ambiguous: Cell::new(None),
        }
    }

    /// A segment split by [`SetFields`]: `id` is its identifier's text, `els` its elements.
    fn split(seg: Segment<'a>, id: &'a str, els: Vec<&'a str>, index: u32) -> Fields<'a> {
        let d = seg.delimiters();
        Fields {
            seg,
            id,
            els,
            component: char::from(d.component),
            repetition: d.repetition,
            index,
            ambiguous: Cell::new(None),
        }
    }

    /// When the segment was kept as [`canonical`](Self::canonical) text that holds a literal
    /// separator: the element it is in (1-based; 0 for the identifier) and the problem to
    /// report, since that text does not write back as read.
    pub(crate) fn kept_text_problem(&self) -> Option<(u32, String)> {
        self.ambiguous.get().map(|(n, c)| {
            (
                n,
                format!(
                    "holds '{c}', a separator of the kept text: it cannot be written back as read"
                ),
            )
        })
    }

    /// Gives back the element vector for reuse.
    pub(crate) fn recycle(self) -> Vec<&'a str> {
        self.els
    }

    pub(crate) fn id(&self) -> &'a str {
        self.id
    }

    pub(crate) fn segment(&self) -> &Segment<'a> {
        &self.seg
    }

    /// Element `n` (1-based), empty when absent.
    pub(crate) fn el(&self, n: usize) -> &'a str {
        n.checked_sub(1)
            .and_then(|i| self.els.get(i))
            .copied()
            .unwrap_or("")
    }

    /// Component `c` (1-based) of element `n`, empty when absent.
    #[inline]
    pub(crate) fn comp(&self, n: usize, c: usize) -> &'a str {
        let e = self.el(n);
        // A byte search: the separator is ASCII whenever the set is text, and `str::split`
        // with a `char` pattern costs a comparison call per match.
        if !self.component.is_ascii() {
            return e.split(self.component).nth(c.wrapping_sub(1)).unwrap_or("");
        }
        let sep = self.component as u8;
        if c == 1 {
            // The common ask (a qualifier): up to the first separator.
            return match e.as_bytes().iter().position(|&b| b == sep) {
                Some(i) => &e[..i],
                None => e,
            };
        }
        let Some(mut left) = c.checked_sub(1) else {
            return "";
        };
        let mut start = 0;
        for (i, &b) in e.as_bytes().iter().enumerate() {
            if b == sep {
                if left == 0 {
                    return &e[start..i];
                }
                left -= 1;
                start = i + 1;
            }
        }
        if left == 0 { &e[start..] } else { "" }
    }

    /// The components of element `n` (as `str::split` gives them).
    pub(crate) fn comps(&self, n: usize) -> Components<'a> {
        Components {
            rest: Some(self.el(n)),
            sep: self.component,
        }
    }

    /// The first `N` components of element `n` (empty when absent), split in one pass, and
    /// whether any component after them holds anything.
    pub(crate) fn components<const N: usize>(&self, n: usize) -> ([&'a str; N], bool) {
        let mut out = [""; N];
        let e = self.el(n);
        if !self.component.is_ascii() {
            let mut parts = e.split(self.component);
            for slot in &mut out {
                *slot = parts.next().unwrap_or("");
            }
            return (out, parts.any(|c| !c.is_empty()));
        }
        let sep = self.component as u8;
        let mut k = 0;
        let mut start = 0;
        for (i, &b) in e.as_bytes().iter().enumerate() {
            if b == sep {
                out[k] = &e[start..i];
                k += 1;
                start = i + 1;
                if k == N {
                    // The rest holds something when a byte other than a separator is left.
                    let more = e.as_bytes()[start..].iter().any(|&c| c != sep);
                    return (out, more);
                }
            }
        }
        if k < N {
            out[k] = &e[start..];
        }
        (out, false)
    }

    /// Whether element `n` holds anything: a value, or a component with one.
    #[inline]
    pub(crate) fn has(&self, n: usize) -> bool {
        let e = self.el(n);
        match e.as_bytes() {
            [] => false,
            // A first byte that is not the separator starts a non-empty first component.
            [b, ..] if self.component.is_ascii() && char::from(*b) != self.component => true,
            _ => self.has_after(n, 0),
        }
    }

    /// Whether any element from `from` to `to` (inclusive) holds anything.
    pub(crate) fn has_any(&self, from: usize, to: usize) -> bool {
        (from..=to.min(self.els.len())).any(|i| self.has(i))
    }

    /// Whether element `n` has a non-empty component after the first `k`.
    pub(crate) fn has_after(&self, n: usize, k: usize) -> bool {
        let e = self.el(n);
        if e.is_empty() {
            return false;
        }
        if !self.component.is_ascii() {
            return e.split(self.component).skip(k).any(|c| !c.is_empty());
        }
        // A component after the first `k` is non-empty exactly when a byte other than the
        // separator follows the `k`th separator.
        let sep = self.component as u8;
        let mut seen = 0;
        for &b in e.as_bytes() {
            if b == sep {
                seen += 1;
            } else if seen >= k {
                return true;
            }
        }
        false
    }

    /// The number of elements.
    pub(crate) fn len(&self) -> usize {
        self.els.len()
    }

    /// The segment as canonical text: `*` between elements, `:` between components, `^`
    /// between repetitions, no terminator.
    pub(crate) fn canonical(&self) -> String {
        let raw = self.seg.raw();
        let d = self.seg.delimiters();
        let mut s = String::with_capacity(raw.len());
        let mut element = 0u32;
        for &b in raw {
            let c = if b == d.element {
                element += 1;
                '*'
            } else if b == d.component {
                ':'
            } else if Some(b) == self.repetition {
                '^'
            } else {
                if matches!(b, b'*' | b':' | b'^') && self.ambiguous.get().is_none() {
                    self.ambiguous.set(Some((element, char::from(b))));
                }
                char::from(b)
            };
            s.push(c);
        }
        if !raw.is_ascii() {
            // Keep non-ASCII text intact rather than mapping bytes to Latin-1 characters.
            return String::from_utf8_lossy(raw)
                .chars()
                .map(|c| match c {
                    c if c as u32 == u32::from(d.element) => '*',
                    c if c as u32 == u32::from(d.component) => ':',
                    c if Some(c as u32) == self.repetition.map(u32::from) => '^',
                    c => c,
                })
                .collect();
        }
        s
    }
}

/// The components of an element, split on bytes when the separator is ASCII (a `char`
/// pattern costs a searcher call per component).
pub(crate) struct Components<'a> {
    rest: Option<&'a str>,
    sep: char,
}

impl<'a> Iterator for Components<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let rest = self.rest?;
        let found = if self.sep.is_ascii() {
            let sep = self.sep as u8;
            rest.as_bytes()
                .iter()
                .position(|&b| b == sep)
                .map(|i| (i, 1))
        } else {
            rest.find(self.sep).map(|i| (i, self.sep.len_utf8()))
        };
        match found {
            Some((i, width)) => {
                self.rest = rest.get(i + width..);
                rest.get(..i)
            }
            None => {
                self.rest = None;
                Some(rest)
            }
        }
    }
}

/// `str::trim`, with a fast path for the usual value that starts and ends with a visible
/// ASCII character (the general trim is an out-of-line call per value).
#[inline]
pub(crate) fn trim(s: &str) -> &str {
    match s.as_bytes() {
        [] => s,
        [a, .., b] | [a @ b] if a.is_ascii_graphic() && b.is_ascii_graphic() => s,
        _ => s.trim(),
    }
}

/// Splits `text` at every `sep` (an ASCII byte, so each piece is on a character boundary).
fn split_ascii<'a>(text: &'a str, sep: u8, out: &mut Vec<&'a str>) {
    // Eight bytes at a time: a byte-at-a-time loop here was the typed readers' largest
    // single cost.
    let bytes = text.as_bytes();
    let pattern = repeat_byte(sep);
    let mut start = 0;
    let mut at = 0;
    let mut words = bytes.chunks_exact(8);
    for word in &mut words {
        let mut word_bytes = [0u8; 8];
        word_bytes.copy_from_slice(word);
        let mut found = lanes_equal(u64::from_le_bytes(word_bytes), pattern);
        while found != 0 {
            let i = at + (found.trailing_zeros() / 8) as usize;
            out.push(&text[start..i]);
            start = i + 1;
            found &= found - 1;
        }
        at += 8;
    }
    for (k, &b) in words.remainder().iter().enumerate() {
        if b == sep {
            out.push(&text[start..at + k]);
            start = at + k + 1;
        }
    }
    out.push(&text[start..]);
}

/// Splits the segment of `text` starting at `start`: pushes its elements (after the
/// identifier) onto `els` and returns the identifier's length and where the segment's content
/// ends (at its terminator, or the end of the text). One pass finds both the element
/// separators and the terminator, eight bytes at a time. Both delimiters must be ASCII, so
/// that every slice is on a character boundary.
#[inline]
fn split_segment<'a>(
    text: &'a str,
    start: usize,
    d: Delimiters,
    els: &mut Vec<&'a str>,
) -> (usize, usize) {
    let bytes = text.as_bytes();
    let (sep, term) = (repeat_byte(d.element), repeat_byte(d.segment));
    // Where the identifier ends (the first separator), and where the next element starts.
    let mut id_end = usize::MAX;
    let mut element_start = start;
    let mut on_separator = |i: usize, els: &mut Vec<&'a str>| {
        if id_end == usize::MAX {
            id_end = i;
        } else {
            els.push(&text[element_start..i]);
        }
        element_start = i + 1;
    };
    let mut at = start;
    let end = loop {
        let Some(chunk) = bytes.get(at..at + 8) else {
            // The last few bytes of the set, one at a time.
            let rest = &bytes[at..];
            let mut end = bytes.len();
            for (k, &b) in rest.iter().enumerate() {
                if b == d.segment {
                    end = at + k;
                    break;
                }
                if b == d.element {
                    on_separator(at + k, els);
                }
            }
            break end;
        };
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let word = u64::from_le_bytes(word);
        let at_term = lanes_equal(word, term);
        let mut at_sep = lanes_equal(word, sep);
        if at_term != 0 {
            // Only the separators before the terminator belong to this segment.
            at_sep &= (at_term & at_term.wrapping_neg()) - 1;
        }
        while at_sep != 0 {
            on_separator(at + (at_sep.trailing_zeros() / 8) as usize, els);
            at_sep &= at_sep - 1;
        }
        if at_term != 0 {
            break at + (at_term.trailing_zeros() / 8) as usize;
        }
        at += 8;
    };
    if id_end == usize::MAX {
        // No elements: the whole segment is its identifier.
        return (end - start, end);
    }
    els.push(&text[element_start..end]);
    (id_end - start, end)
}

/// The position of element `element` (0 for the whole segment) of a segment in a set.
pub(crate) fn position(set: &TransactionSet, f: &Fields<'_>, element: u32) -> Position {
    let mut p = Position::at_byte(f.segment().offset()).with_segment(
        f.id(),
        set.first_segment_index() + u64::from(f.index).saturating_sub(1),
    );
    p.set_segment_index = Some(f.index);
    if element > 0 {
        p = p.with_element(element);
    }
    let env = set.envelope();
    p.interchange_control = Some(env.interchange_control());
    p.group_control = env.group_control();
    p.set_control = Some(set.control().to_owned());
    p
}

/// Where element `n` (component `c`; 0 for the whole element or segment) of `f` is in the
/// input: the segment's index and id, and the byte of the value itself (of the segment, when
/// the value is absent).
pub(crate) fn location(
    set: &TransactionSet,
    f: &Fields<'_>,
    n: usize,
    c: usize,
) -> medbill_claim::Location {
    let seg = f.segment();
    let index = set.first_segment_index() + u64::from(f.index).saturating_sub(1);
    let mut loc = medbill_claim::Location::new(index, f.id(), seg.offset());
    if n == 0 {
        return loc;
    }
    loc = loc.element(n as u32);
    let value = if c == 0 { f.el(n) } else { f.comp(n, c) };
    if c > 0 {
        loc = loc.component(c as u32);
    }
    // The value's own byte when it is a slice of the segment.
    let raw = seg.raw();
    let (start, v) = (raw.as_ptr() as usize, value.as_ptr() as usize);
    if !value.is_empty() && v >= start && v < start + raw.len() {
        loc.byte = seg.offset() + (v - start) as u64;
    }
    loc
}

/// Whether the segment ends with an element separator, or an element with a component
/// separator: X12 allows neither, and the writers write neither, so such a segment is kept
/// as a template to be written back as read.
pub(crate) fn has_trailing_separator(f: &Fields<'_>) -> bool {
    let raw = f.segment().raw();
    let d = f.segment().delimiters();
    raw.last() == Some(&d.element)
        || (1..=f.len()).any(|n| f.el(n).as_bytes().last() == Some(&d.component))
}

/// Whether a segment of simple elements only is written back as read from its elements'
/// text: it holds no component or repetition separator (a reader takes one for part of a
/// value) and does not end with an element separator.
pub(crate) fn simple_as_read(f: &Fields<'_>) -> bool {
    let seg = f.segment();
    let raw = seg.raw();
    let d = seg.delimiters();
    if raw.last() == Some(&d.element) {
        return false;
    }
    let component = repeat_byte(d.component);
    let repetition = d.repetition.map(repeat_byte);
    // Eight bytes at a time: this runs on every modelled segment.
    let mut words = raw.chunks_exact(8);
    for word in &mut words {
        let mut bytes = [0u8; 8];
        bytes.copy_from_slice(word);
        let word = u64::from_le_bytes(bytes);
        if lanes_equal(word, component) != 0
            || repetition.is_some_and(|r| lanes_equal(word, r) != 0)
        {
            return false;
        }
    }
    !words
        .remainder()
        .iter()
        .any(|&b| b == d.component || Some(b) == d.repetition)
}

/// Whether the delimiters are the canonical ones raw segment text is stored with.
#[allow(dead_code)] // kept for writers that can skip translation
pub(crate) fn is_canonical(d: Delimiters) -> bool {
    d.element == b'*' && d.component == b':' && d.repetition.is_none_or(|r| r == b'^')
}

/// A raw copy of a segment that has elements the model does not hold, kept so a writer can
/// put them back: the positions the model does hold (`(element, 0)` for a whole element,
/// `(element, component)` for one component) are blanked, and the writer fills them from the
/// model. The loop id is `LOOP/SEGMENT`, such as `2300/CLM` (or `LOOP/SEGMENT*QUALIFIER` where
/// a loop has several kinds, such as `2300/HI*BK`).
pub(crate) fn template(
    loop_id: impl Into<String>,
    f: &Fields<'_>,
    blanks: &[(usize, usize)],
) -> medbill_claim::RawSegment {
    let text = f.canonical();
    let mut els: Vec<Vec<&str>> = text.split('*').map(|e| e.split(':').collect()).collect();
    for &(n, c) in blanks {
        let Some(e) = els.get_mut(n) else { continue };
        if c == 0 {
            *e = vec![""];
        } else if let Some(x) = e.get_mut(c - 1) {
            *x = "";
        }
    }
    // Not trimmed: the template keeps every element and component read, empty or not, so
    // that the segment is written back as read.
    let parts: Vec<String> = els.into_iter().map(|comps| comps.join(":")).collect();
    medbill_claim::RawSegment::new(loop_id, parts.join("*"))
}

/// Puts raw segments in one order that depends only on what they are: by loop (guide order,
/// then instance `[n]`), templates (`LOOP/SEG`) before the loop's other segments, then by the
/// segment's place in its loop; ties keep the order read. Reading what a writer wrote then
/// gives back the same list, whatever order the input had.
pub(crate) fn canonical_order(guide: &Guide, extras: &mut [medbill_claim::RawSegment]) {
    if extras.len() < 2 {
        return;
    }
    let key = |r: &medbill_claim::RawSegment| {
        let id = r.loop_id.as_str();
        let (id, template) = match id.split_once('/') {
            Some((l, _)) => (l, true),
            None => (id, false),
        };
        let (base, instance) = match id.split_once('[') {
            Some((b, n)) => (b, n.trim_end_matches(']').parse::<u32>().unwrap_or(0)),
            None => (id, 0),
        };
        let loop_index = guide
            .loops()
            .iter()
            .position(|l| &*l.id == base)
            .unwrap_or(usize::MAX);
        let (seg, q) = super::place::id_and_qualifier(&r.text);
        // A loop's templates (segments the model holds in part) first, each kind where the
        // guide places it: an 835 header that read TRN before BPR writes BPR first.
        let place = super::place::rank(guide, base, seg, q);
        (loop_index, instance, !template, place)
    };
    extras.sort_by_cached_key(key);
}

/// Puts adjustments in the order a writer gives them: grouped by group code (one CAS per
/// group), groups in the order first seen.
pub(crate) fn group_adjustments(adjustments: &mut [medbill_claim::Adjustment]) {
    if adjustments.len() < 2 {
        return;
    }
    let mut groups: Vec<&medbill_claim::Coded<medbill_codes::GroupCode>> = Vec::new();
    for a in adjustments.iter() {
        if !groups.contains(&&a.group) {
            groups.push(&a.group);
        }
    }
    let groups: Vec<medbill_claim::Coded<medbill_codes::GroupCode>> =
        groups.into_iter().cloned().collect();
    adjustments.sort_by_key(|a| groups.iter().position(|g| g == &a.group));
}

#[cfg(test)]
mod tests {
    use super::{Components, Fields, LoopWalker, SetFields, trim};
    use crate::{Delimiters, Reader, TransactionSet};
    use proptest::prelude::*;

    #[test]
    fn components_split_as_str_split_does() {
        for text in ["", ":", "HC:99213:25", "1:2::", "::a", "é:b", "a"] {
            for sep in [':', 'é'] {
                let ours: Vec<&str> = Components {
                    rest: Some(text),
                    sep,
                }
                .collect();
                let std: Vec<&str> = text.split(sep).collect();
                assert_eq!(ours, std, "{text:?} split on {sep:?}");
            }
        }
    }

    #[test]
    fn split_ascii_is_str_split() {
        let texts = [
            "",
            "*",
            "**",
            "NM1*IL*1*PATIENT*SYNTH****MI*M000000001",
            "a*b",
            "12345678*",
            "*12345678",
            "1234567*9",
            "12345678",
            "é*ü**€*x*\u{7f}*\u{80}",
        ];
        for text in texts {
            for sep in [b'*', b'|', 0x7f, 0] {
                let mut ours = Vec::new();
                super::split_ascii(text, sep, &mut ours);
                let std: Vec<&str> = text.split(char::from(sep)).collect();
                assert_eq!(ours, std, "{text:?} split on {sep:?}");
            }
        }
    }

    #[test]
    fn trim_is_str_trim() {
        for text in [
            "",
            " ",
            "a",
            " a",
            "a ",
            " a b ",
            "\u{a0}a",
            "a\u{3000}",
            "é",
        ] {
            assert_eq!(trim(text), text.trim(), "{text:?}");
        }
    }

    /// What a reader sees of one segment's `Fields`.
    #[derive(Debug, PartialEq)]
    struct Seen {
        trivia: Vec<u8>,
        raw: Vec<u8>,
        offset: u64,
        terminated: bool,
        delimiters: Delimiters,
        id: String,
        els: Vec<String>,
        index: u32,
        component: char,
        repetition: Option<u8>,
    }

    fn seen(f: &Fields<'_>) -> Seen {
        let seg = f.segment();
        Seen {
            trivia: seg.trivia().to_vec(),
            raw: seg.raw().to_vec(),
            offset: seg.offset(),
            terminated: seg.is_terminated(),
            delimiters: seg.delimiters(),
            id: f.id().to_owned(),
            els: f.els.iter().map(|e| (*e).to_owned()).collect(),
            index: f.index,
            component: f.component,
            repetition: f.repetition,
        }
    }

    /// The old path: the set tokenized, then each segment split by `Fields::in_set`.
    fn tokenized_then_split(set: &TransactionSet) -> Vec<Seen> {
        let text = std::str::from_utf8(set.bytes())
            .ok()
            .map(|t| (t, set.offset()));
        set.segments()
            .enumerate()
            .map(|(i, seg)| seen(&Fields::in_set(seg, i as u32 + 1, Vec::new(), text)))
            .collect()
    }

    fn fused(set: &TransactionSet) -> Vec<Seen> {
        let mut segments = SetFields::new(set);
        let mut out = Vec::new();
        while let Some(f) = segments.advance() {
            out.push(seen(f));
        }
        out
    }

    /// Checks every set of `input` both ways; returns how many segments were compared.
    fn compare(input: &[u8]) -> usize {
        let mut reader = Reader::new(input);
        let mut compared = 0;
        while let Ok(Some(set)) = reader.next_transaction() {
            let old = tokenized_then_split(&set);
            assert_eq!(
                fused(&set),
                old,
                "input {:?}",
                String::from_utf8_lossy(input)
            );
            compared += old.len();
        }
        compared
    }

    /// An interchange with the given delimiters around `body` (segments joined as given).
    fn interchange(e: u8, rep: u8, comp: u8, term: u8, body: &[u8]) -> Vec<u8> {
        let fields: [&[u8]; 16] = [
            b"00",
            b"          ",
            b"00",
            b"          ",
            b"ZZ",
            b"SUBMITTER      ",
            b"ZZ",
            b"RECEIVER       ",
            b"240102",
            b"1200",
            &[rep],
            b"00501",
            b"000000001",
            b"0",
            b"P",
            &[comp],
        ];
        let mut out = b"ISA".to_vec();
        for f in fields {
            out.push(e);
            out.extend_from_slice(f);
        }
        out.push(term);
        let gs = "GS*HC*S*R*20240102*1200*1*X*005010X222A1~";
        out.extend(gs.bytes().map(|b| canonical_to(b, e, comp, term)));
        out.extend_from_slice(body);
        let tail = "GE*1*1~IEA*1*000000001~";
        out.extend(tail.bytes().map(|b| canonical_to(b, e, comp, term)));
        out
    }

    fn canonical_to(b: u8, e: u8, comp: u8, term: u8) -> u8 {
        match b {
            b'*' => e,
            b':' => comp,
            b'~' => term,
            b => b,
        }
    }

    const BODIES: [&str; 12] = [
        "ST*837*0001*005010X222A1~BHT*0019*00*0123~NM1*85*2*CLINIC*****XX*1234567893~SE*4*0001~",
        "ST*837*0001~\r\nBHT*0019~\r\n  HI*ABK:J069^ABF:R05~\n\tLX*1~SE*5*0001~\r\n",
        "ST*837*0001~~~LX~LX*~*~**~SE*6*0001~",
        "ST*837*0001~N3*RUE DE L'ÉCOLE*Ü~NM1*IL*1*MÜLLER~SE*4*0001~",
        "ST*837*0001~SV1*HC:99213:25*100*UN*1***1:2~DTP*472*D8*20240101~SE*4*0001~",
        "ST*999*0001~AK1*HC*1~IK3*NM1*8**8~IK4*2**7~AK2*837*0001~SE*6*0001~",
        "ST*837*0001~REF*EI*123456789012345678901234567890*X~SE*3*0001~",
        "ST*837*0001~BHT*0019~IEA*1*000000001~",
        "ST*837*0001~BHT*0019*00~SE*3",
        "ST*837*0001~TOOLONGID*1~lower*x~1X*2~SE*4*0001~",
        "ST*837*0001~NM1*IL\u{0}*1~PER*IC**TE*555~SE*4*0001~",
        "ST*837*0001~N3*€*ü*\u{7f}~SE*3*0001~",
    ];

    #[test]
    fn fused_split_is_tokenize_then_split() {
        let delimiters: [(u8, u8, u8, u8); 6] = [
            (b'*', b'^', b':', b'~'),
            (b'|', b'U', b'>', b'\n'),
            (0x1d, 0x1f, 0x1e, 0x1c),
            (b'!', b'^', b'\\', b'\''),
            (b'*', b'^', b':', 0x85),
            (0xA7, b'^', b':', b'~'),
        ];
        let mut compared = 0;
        for (e, rep, comp, term) in delimiters {
            for body in BODIES {
                let body: Vec<u8> = body
                    .bytes()
                    .map(|b| canonical_to(b, e, comp, term))
                    .collect();
                compared += compare(&interchange(e, rep, comp, term, &body));
                // The same with a byte that is not UTF-8 in the first element.
                let mut latin1 = body.clone();
                if let Some(i) = latin1.windows(4).position(|w| w == b"BHT*" || w == b"AK1*") {
                    latin1.insert(i + 4, 0xE9);
                }
                compared += compare(&interchange(e, rep, comp, term, &latin1));
            }
        }
        assert!(compared > 300, "only {compared} segments compared");
    }

    proptest! {
        #[test]
        fn fused_split_is_tokenize_then_split_on_noise(
            pieces in proptest::collection::vec(
                prop_oneof![
                    Just(&b"*"[..]), Just(&b"~"[..]), Just(&b":"[..]), Just(&b"^"[..]),
                    Just(&b"\r\n"[..]), Just(&b" "[..]), Just(&b"\t"[..]), Just(&b"I"[..]),
                    Just(&b"IEA"[..]), Just(&b"ISA"[..]), Just(&b"SE*9*1~"[..]),
                    Just(&b"ST*837*2~"[..]), Just(&b"NM1"[..]), Just(&b"12345678"[..]),
                    Just(&b"\xE9"[..]), Just(&b"\xC3\xA9"[..]), Just(&b"\xE2\x82"[..]),
                    Just(&b"|"[..]), Just(&b"\n"[..]),
                ],
                0..60,
            ),
            pipes in any::<bool>(),
        ) {
            let body: Vec<u8> = pieces.concat();
            let (e, comp, term) = if pipes { (b'|', b'>', b'\n') } else { (b'*', b':', b'~') };
            let mut set = b"ST*837*0001~".to_vec();
            set.extend_from_slice(&body);
            let set: Vec<u8> = set.iter().map(|&b| canonical_to(b, e, comp, term)).collect();
            compare(&interchange(e, b'^', comp, term, &set));
        }
    }

    /// Walks every set of `input` with the cached walker and with one that places every
    /// segment afresh; returns how many segments were compared.
    fn walk_both_ways(input: &[u8]) -> usize {
        let mut reader = Reader::new(input);
        let mut compared = 0;
        while let Ok(Some(set)) = reader.next_transaction() {
            let Some(guide) = super::super::guide_for(set.id(), set.version()) else {
                continue;
            };
            let (mut cached, mut fresh) = (LoopWalker::new(guide), LoopWalker::new(guide));
            let mut segments = SetFields::new(&set);
            while let Some(f) = segments.advance() {
                let expected = fresh.place(f) & super::LOOP_BITS;
                fresh.current = expected;
                let id = &*guide.loop_rule(expected).id;
                assert_eq!(cached.step(f), id, "segment {} of {:?}", f.index, f.id());
                compared += 1;
            }
        }
        compared
    }

    #[test]
    fn cached_walk_is_placement() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
        let mut compared = 0;
        for sub in ["", "typed", "validate"] {
            for entry in std::fs::read_dir(dir.join(sub)).unwrap() {
                let path = entry.unwrap().path();
                if path.is_file() {
                    compared += walk_both_ways(&std::fs::read(&path).unwrap());
                }
            }
        }
        assert!(compared > 200, "only {compared} segments walked");
    }

    proptest! {
        #[test]
        fn cached_walk_is_placement_on_shuffled_segments(
            picks in proptest::collection::vec(0usize..24, 0..80),
        ) {
            let pool = [
                "HL*1**20*1", "HL*2*1*22*0", "HL*3*2*23*0", "HL*4**20 *1", "NM1*85*2*A",
                "NM1*85:2*2*A", "NM1*IL*1*B", "NM1*PR*2*C", "NM1*PR\u{0}*2", "NM1*QC*1*D",
                "NM1*82*1*E", "NM1*DN*1", "CLM*C1*100***11:B:1", "LX*1", "SV1*HC:99213*1",
                "DTP*472*D8*20240101", "SBR*P*18", "PAT*19", "N3*1 MAIN", "REF*EI*1",
                "HI*ABK:J069", "NM1*  85 *2", "XYZ*1", "NM1*77*2",
            ];
            let mut file = String::from("ISA*00*          *00*          *ZZ*SUBMITTER      *ZZ*RECEIVER       *240102*1200*^*00501*000000001*0*P*:~GS*HC*S*R*20240102*1200*1*X*005010X222A1~ST*837*0001*005010X222A1~BHT*0019*00*1~");
            for &i in &picks {
                file.push_str(pool[i]);
                file.push('~');
            }
            file.push_str("SE*2*0001~GE*1*1~IEA*1*000000001~");
            walk_both_ways(file.as_bytes());
        }
    }

    #[test]
    fn walkers_hand_placements_on_once_per_guide() {
        let file = "ISA*00*          *00*          *ZZ*SUBMITTER      *ZZ*RECEIVER       *240102*1200*^*00501*000000001*0*P*:~GS*HC*S*R*20240102*1200*1*X*005010X222A1~ST*837*0001*005010X222A1~BHT*0019*00*1~HL*1**20*1~NM1*85*2*A~HL*2*1*22*0~CLM*C1*1~SE*7*0001~GE*1*1~IEA*1*000000001~";
        std::thread::spawn(move || {
            let set = Reader::new(file.as_bytes())
                .next_transaction()
                .unwrap()
                .unwrap();
            let guide = super::super::guide_for(set.id(), set.version()).unwrap();
            let walk = |walker: &mut LoopWalker| {
                let mut segments = SetFields::new(&set);
                let mut loops = Vec::new();
                while let Some(f) = segments.advance() {
                    loops.push(walker.step(f));
                }
                loops
            };
            let mut first = LoopWalker::new(guide);
            let cold = walk(&mut first);
            assert!(!first.cache.is_empty());
            // Two at once: the second starts afresh, and only one is kept, the one that
            // learnt more.
            let second = LoopWalker::new(guide);
            assert!(second.cache.is_empty());
            let learnt = first.cache.len();
            drop(second);
            drop(first);
            assert_eq!(super::KNOWN.with(|k| k.borrow().len()), 1);
            let mut third = LoopWalker::new(guide);
            assert_eq!(third.cache.len(), learnt);
            assert_eq!(third.current, 0);
            assert_eq!(walk(&mut third), cold);
        })
        .join()
        .unwrap();
    }
}
