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
use crate::{Delimiters, Position, Segment, TransactionSet};

/// Walks the loop tree of one guide, one segment at a time.
pub(crate) struct LoopWalker {
    guide: &'static Guide,
    current: u32,
    cache: HashMap<u64, u32, BuildHasherDefault<KeyHasher>>,
    /// A direct-mapped front for `cache`: (key, loop) by a few bits of the key's hash. A
    /// set uses a few dozen keys over and over, so nearly every step ends here.
    recent: Box<[(u64, u32); RECENT]>,
    /// The longest code any key qualifier of the guide lists: a qualifier longer than that
    /// matches none, so all such values share one cache key.
    longest_key_code: usize,
}

/// Entries in [`LoopWalker::recent`] (a power of two).
const RECENT: usize = 256;

/// The slot of `key` in [`LoopWalker::recent`].
fn recent_slot(key: u64) -> usize {
    // The top bits of a multiplicative hash; RECENT is 2^8.
    (key.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 56) as usize
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
        LoopWalker {
            guide,
            current: 0,
            cache: HashMap::default(),
            // Zeros stand for empty slots: key 0 (an empty segment id at the top level) is
            // placed at loop 0 by `place` too.
            recent: Box::new([(0, 0); RECENT]),
            longest_key_code: longest_key_code(guide),
        }
    }

    /// The guide walked.
    pub(crate) fn guide(&self) -> &'static Guide {
        self.guide
    }

    /// The loop identifier (`"2300"`; empty at the transaction level) of `segment`, moving the
    /// walker into it.
    pub(crate) fn step(&mut self, fields: &Fields<'_>) -> &'static str {
        let key = cache_key(self.current, fields, self.longest_key_code);
        let recent = key.map(|k| (k, recent_slot(k)));
        let next = match recent {
            Some((k, slot)) if self.recent[slot].0 == k => self.recent[slot].1,
            _ => match key.and_then(|k| self.cache.get(&k).copied()) {
                Some(n) => n,
                None => {
                    let n = self.place(fields).unwrap_or(self.current);
                    if let Some(k) = key {
                        self.cache.insert(k, n);
                    }
                    n
                }
            },
        };
        if let Some((k, slot)) = recent {
            self.recent[slot] = (k, next);
        }
        self.current = next;
        &self.guide.loop_rule(next).id
    }

    fn place(&self, f: &Fields<'_>) -> Option<u32> {
        let mut at = Some(self.current);
        while let Some(l) = at {
            let rule = self.guide.loop_rule(l);
            let children = self.guide.children(rule);
            // The loop's own slots, its trigger excluded (a second trigger opens a sibling).
            for (i, node) in children.iter().enumerate() {
                if let Node::Segment(s) = node
                    && (i > 0 || l == 0)
                    && self.matches(self.guide.segment_rule(*s), f)
                {
                    return Some(l);
                }
            }
            for node in children {
                if let Node::Loop(child) = node
                    && let Some(trigger) = self.guide.trigger(self.guide.loop_rule(*child))
                    && self.matches(trigger, f)
                {
                    return Some(*child);
                }
            }
            at = rule.parent;
        }
        None
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

/// A cache key for (loop, segment id, qualifier) when they fit in 64 bits. A qualifier longer
/// than any key code (`longest_key_code`), such as CLM01 or an N3 street, matches no code: it
/// is keyed as one value that no qualifier has.
fn cache_key(current: u32, f: &Fields<'_>, longest_key_code: usize) -> Option<u64> {
    let id = f.id().as_bytes();
    let (q, composite) = if id == b"HL" {
        (f.el(3), false)
    } else {
        // `NM1*85:2` must not share an entry with `NM1*85`: one element matches, one not.
        let (e, q) = (f.el(1), f.comp(1, 1));
        (q, e.len() != q.len())
    };
    let mut q = trim(q).as_bytes();
    if q.len() > 3 && q.len() > longest_key_code {
        // Not UTF-8, so no qualifier (a `str`) is these bytes.
        q = &[0xFF; 3];
    }
    if id.len() > 3 || q.len() > 3 || current > 0x7FFF {
        return None;
    }
    if id.contains(&0) || q.contains(&0) {
        // Short values are padded with zeros: `PR\0` would share `PR`'s entry (a fuzz find).
        return None;
    }
    let mut k = u64::from(current) | if composite { 0x8000 } else { 0 };
    for &b in id.iter().chain([0u8; 3].iter()).take(3) {
        k = (k << 8) | u64::from(b);
    }
    for &b in q.iter().chain([0u8; 3].iter()).take(3) {
        k = (k << 8) | u64::from(b);
    }
    Some(k)
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
    // single cost. `ONES * b` repeats byte `b` in every lane.
    const ONES: u64 = 0x0101_0101_0101_0101;
    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    let bytes = text.as_bytes();
    let pattern = ONES * u64::from(sep);
    let mut start = 0;
    let mut at = 0;
    let mut words = bytes.chunks_exact(8);
    for word in &mut words {
        let mut word_bytes = [0u8; 8];
        word_bytes.copy_from_slice(word);
        let x = u64::from_le_bytes(word_bytes) ^ pattern;
        // The high bit of each lane that is zero in `x` (exact: no carries between lanes).
        let mut found = !(((x & LOW7) + LOW7) | x | LOW7);
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

/// Whether the delimiters are the canonical ones raw segment text is stored with.
#[allow(dead_code)] // kept for writers that can skip translation
pub(crate) fn is_canonical(d: Delimiters) -> bool {
    d.element == b'*' && d.component == b':' && d.repetition.is_none_or(|r| r == b'^')
}

/// A raw copy of a segment that has elements the model does not hold, kept so a writer can
/// put them back: the positions the model does hold (`(element, 0)` for a whole element,
/// `(element, component)` for one component) are blanked, and the writer fills them from the
/// model. The loop id is `LOOP/SEGMENT`, such as `2300/CLM`.
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
    let mut parts: Vec<String> = els
        .into_iter()
        .map(|mut comps| {
            while comps.len() > 1 && comps.last().is_some_and(|s| s.is_empty()) {
                comps.pop();
            }
            comps.join(":")
        })
        .collect();
    while parts.len() > 1 && parts.last().is_some_and(String::is_empty) {
        parts.pop();
    }
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
        let (seg, q) = super::w837::id_and_qualifier(&r.text);
        let place = if template {
            0
        } else {
            super::w837::rank(guide, base, seg, q).saturating_add(1)
        };
        (loop_index, instance, place)
    };
    extras.sort_by_cached_key(key);
}

/// Puts adjustments in the order a writer gives them: grouped by group code (one CAS per
/// group), groups in the order first seen.
pub(crate) fn group_adjustments(adjustments: &mut [medbill_claim::Adjustment]) {
    if adjustments.len() < 2 {
        return;
    }
    let mut groups: Vec<medbill_codes::GroupCode> = Vec::new();
    for a in adjustments.iter() {
        if !groups.contains(&a.group) {
            groups.push(a.group);
        }
    }
    adjustments.sort_by_key(|a| groups.iter().position(|g| *g == a.group));
}

#[cfg(test)]
mod tests {
    use super::{Components, trim};

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
}
