//! Where writers put the segments a reader kept: raw segments in their loops by guide order,
//! and templates (segments read with what the model does not hold) patched with the model's
//! values.

use chrono::NaiveDate;
use medbill_claim::RawSegment;
use medbill_codes::{CodeValue, Coded};
use rust_decimal::Decimal;

use super::out::Out;
use super::walk::trim;
use super::{format_date, parse_date, parse_decimal};
use crate::schema::{Guide, Node};

/// The place in a loop where a segment goes: the index of the first guide slot of the loop
/// with its id (and key qualifier, when the slot lists codes). Unknown segments go last.
pub(crate) fn rank(guide: &Guide, loop_id: &str, id: &str, q: &str) -> usize {
    let Some(l) = guide.loop_by_id(loop_id) else {
        return usize::MAX;
    };
    let mut first_id = None;
    for (i, node) in guide.children(l).iter().enumerate() {
        let Node::Segment(s) = node else { continue };
        let rule = guide.segment_rule(*s);
        if rule.id.as_str() != id {
            continue;
        }
        first_id.get_or_insert(i);
        let Some((e, c)) = rule.key else {
            return i;
        };
        if e != 1 {
            return i;
        }
        let Some(er) = guide.elements_of(rule).first() else {
            return i;
        };
        let codes = if c == 0 {
            &er.codes
        } else {
            match guide.components_of(er).get(usize::from(c) - 1) {
                Some(cr) => &cr.codes,
                None => return i,
            }
        };
        if codes.is_empty() || codes.contains(q.as_bytes()) {
            return i;
        }
    }
    first_id.unwrap_or(usize::MAX)
}

/// The raw segments of a loop with their places, in writing order. A segment the guide does
/// not place in the loop stays right after the one before it, so that the order read is the
/// order written back.
pub(crate) fn ranked<'a>(
    guide: &Guide,
    loop_id: &str,
    extras: &'a [RawSegment],
    modelled_opening: bool,
) -> Vec<(usize, &'a str)> {
    let mut previous = 0;
    let mut after_opening = false;
    let mut items: Vec<(usize, &'a str)> = extras
        .iter()
        .filter(|r| r.loop_id == loop_id)
        .map(|r| {
            let (id, q) = id_and_qualifier(&r.text);
            let mut k = rank(guide, loop_id, id, q);
            if (k == 0 || after_opening) && modelled_opening && !loop_id.is_empty() {
                // A second opening segment (an NM1 the model has no room for) goes after the
                // modelled ones: written first, it would take over what follows. What comes
                // after it goes with it: written before it, a PRV would join the modelled
                // provider on reading back.
                after_opening = true;
                k = usize::MAX - 1;
            } else if k == usize::MAX {
                k = previous;
            }
            previous = k;
            (k, r.text.as_str())
        })
        .collect();
    items.sort_by_key(|(r, _)| *r);
    items
}

/// Splits canonical raw text into its id and the first component of element 1.
pub(crate) fn id_and_qualifier(text: &str) -> (&str, &str) {
    let mut parts = text.split('*');
    let id = parts.next().unwrap_or("");
    let q = parts.next().unwrap_or("");
    (id, q.split(':').next().unwrap_or(""))
}

/// Raw segments of one loop instance, waiting for their place among the modelled ones.
pub(crate) struct Pending<'a> {
    loop_id: &'a str,
    items: Vec<(usize, &'a str)>,
    next: usize,
    /// A placeholder among the raw segments (see [`fill`](Self::fill)) and what to write in
    /// its place.
    placeholder: Option<(&'a str, Option<String>)>,
}

impl<'a> Pending<'a> {
    /// The raw segments of a loop whose opening segment the writer writes from the model.
    pub(crate) fn new(guide: &Guide, loop_id: &'a str, extras: &'a [RawSegment]) -> Pending<'a> {
        Pending::with(guide, loop_id, extras, true)
    }

    /// The raw segments of a loop the writer may or may not open from the model.
    pub(crate) fn with(
        guide: &Guide,
        loop_id: &'a str,
        extras: &'a [RawSegment],
        modelled_opening: bool,
    ) -> Pending<'a> {
        if !extras.iter().any(|r| r.loop_id == loop_id) {
            return Pending {
                loop_id,
                items: Vec::new(),
                next: 0,
                placeholder: None,
            };
        }
        let items = ranked(guide, loop_id, extras, modelled_opening);
        Pending {
            loop_id,
            items,
            next: 0,
            placeholder: None,
        }
    }

    /// Whether the raw segments hold `marker` (`ID*QUALIFIER`, such as `REF*TJ`): a reader
    /// leaves one where it read a modelled segment that a writer would otherwise write before
    /// raw segments of the same guide slot read ahead of it.
    pub(crate) fn holds(&self, marker: &str) -> bool {
        self.items.iter().any(|(_, text)| *text == marker)
    }

    /// Writes `segment` (canonical text) in place of the first raw `marker`, or the marker as
    /// read when there is nothing to write (the model holds no value: the marker is then a
    /// segment read without one).
    pub(crate) fn fill(&mut self, marker: &'a str, segment: Option<String>) {
        self.placeholder = Some((marker, segment));
    }

    fn write(&mut self, out: &mut Out, text: &str) {
        if let Some((marker, _)) = self.placeholder
            && marker == text
            && let Some((_, segment)) = self.placeholder.take()
        {
            out.raw(segment.as_deref().unwrap_or(text));
            return;
        }
        out.raw(text);
    }

    /// Writes the raw segments that come before a modelled segment `id*q`.
    pub(crate) fn before(&mut self, out: &mut Out, guide: &Guide, id: &str, q: &str) {
        if self.next >= self.items.len() {
            return;
        }
        let r = rank(guide, self.loop_id, id, q);
        while let Some(&(rk, text)) = self.items.get(self.next) {
            if rk >= r {
                break;
            }
            self.write(out, text);
            self.next += 1;
        }
    }

    pub(crate) fn rest(&mut self, out: &mut Out) {
        while let Some(&(_, text)) = self.items.get(self.next) {
            self.write(out, text);
            self.next += 1;
        }
    }
}

/// A segment read with what the model does not hold, kept as canonical text with the
/// positions the model holds blanked: the writer fills those from the model and writes the
/// rest as read, trailing separators included.
///
/// Amounts and codes a model value stands for (CLM07 `B` read as "does not accept
/// assignment") are left as read in the template: [`amount`](Self::amount) and
/// [`flag`](Self::flag) keep the text while the model still agrees with it, and write the
/// model's value once it was changed.
pub(crate) struct Template {
    pub(crate) elements: Vec<Vec<String>>,
    /// How many elements, and components of each, the segment was read with: only what a
    /// writer adds past them is trimmed when empty.
    read: Vec<usize>,
}

impl Template {
    /// The first template kept for `loop_id` (`LOOP/SEG`).
    pub(crate) fn find(extras: &[RawSegment], loop_id: &str) -> Option<Template> {
        let r = extras.iter().find(|r| r.loop_id == loop_id)?;
        Some(Template::parse(&r.text))
    }

    /// Every template kept for `loop_id`, in order.
    pub(crate) fn all<'a>(
        extras: &'a [RawSegment],
        loop_id: &'a str,
    ) -> impl Iterator<Item = Template> + 'a {
        extras
            .iter()
            .filter(move |r| r.loop_id == loop_id)
            .map(|r| Template::parse(&r.text))
    }

    pub(crate) fn parse(text: &str) -> Template {
        let elements: Vec<Vec<String>> = text
            .split('*')
            .map(|e| e.split(':').map(str::to_owned).collect())
            .collect();
        let read = elements.iter().map(Vec::len).collect();
        Template { elements, read }
    }

    /// Whether the template is empty text: a marker that the reader read no such segment.
    pub(crate) fn is_empty(&self) -> bool {
        self.read.len() == 1 && self.elements[0].iter().all(String::is_empty)
    }

    /// Element `n`, component `c` (1-based) as held now.
    pub(crate) fn get(&self, n: usize, c: usize) -> &str {
        self.elements
            .get(n)
            .and_then(|e| e.get(c.saturating_sub(1)))
            .map_or("", String::as_str)
    }

    /// Element `n`'s text when it is one component (the reader reads no other as a code),
    /// trimmed; empty otherwise.
    pub(crate) fn simple(&self, n: usize) -> &str {
        match self.elements.get(n).map(Vec::as_slice) {
            Some([one]) => one.trim(),
            _ => "",
        }
    }

    /// Whether element `n` is empty: no component at all (`:` is two empty components, as
    /// sent, not a blank).
    pub(crate) fn is_blank(&self, n: usize) -> bool {
        self.elements
            .get(n)
            .is_none_or(|e| e.len() <= 1 && e.first().is_none_or(String::is_empty))
    }

    pub(crate) fn set(&mut self, n: usize, value: &str) {
        while self.elements.len() <= n {
            self.elements.push(vec![String::new()]);
        }
        let e = &mut self.elements[n];
        if e.len() == 1 {
            e[0] = value.to_owned();
        } else {
            *e = vec![value.to_owned()];
        }
    }

    pub(crate) fn set_comp(&mut self, n: usize, c: usize, value: &str) {
        while self.elements.len() <= n {
            self.elements.push(vec![String::new()]);
        }
        let e = &mut self.elements[n];
        while e.len() < c {
            e.push(String::new());
        }
        e[c - 1] = value.to_owned();
    }

    /// An amount at element `n`: the text read while it is still `value` (`007.50` for
    /// 7.50, spaces around it, or text that was not a number, or nothing, while the model
    /// holds the zero it read as), else `value` (or nothing for `None`).
    pub(crate) fn amount(&mut self, n: usize, value: Option<Decimal>) {
        let read = trim(self.get(n, 1));
        // An element with components is not a number, whatever its first component says.
        let number = match self.elements.get(n) {
            Some(e) if e.len() > 1 => None,
            _ => parse_decimal(read).ok(),
        };
        let keep = match (number, value) {
            (Some(d), Some(v)) => d == v,
            (None, Some(v)) => v.is_zero(),
            (None, None) => read.is_empty(),
            (Some(_), None) => false,
        };
        if !keep {
            self.set(n, &value.map(|v| v.to_string()).unwrap_or_default());
        }
    }

    /// Whether element `n` holds anything (a component that is not empty, spaces included).
    pub(crate) fn present(&self, n: usize) -> bool {
        self.elements
            .get(n)
            .is_some_and(|e| e.iter().any(|c| !c.is_empty()))
    }

    /// Diagnosis pointers at element `n`: the text read while the pointers it holds (its
    /// components that are one- or two-digit numbers, in order) are still `pointers`, else
    /// `pointers`.
    pub(crate) fn pointers(&mut self, n: usize, pointers: &[u8]) {
        let read: Vec<u8> = self
            .elements
            .get(n)
            .map(|e| {
                e.iter()
                    .filter_map(|c| {
                        c.parse::<u8>()
                            .ok()
                            .filter(|_| c.len() <= 2 && (c == "0" || !c.starts_with('0')))
                    })
                    .take(4)
                    .collect()
            })
            .unwrap_or_default();
        if read != pointers {
            while self.elements.len() <= n {
                self.elements.push(vec![String::new()]);
            }
            let comps: Vec<String> = pointers.iter().map(u8::to_string).collect();
            self.elements[n] = if comps.is_empty() {
                vec![String::new()]
            } else {
                comps
            };
        }
    }

    /// A code at element `n` that the model holds as a yes or no: the text read while it
    /// still means `value` (`means_yes` says what it means), else `yes` or `no`.
    pub(crate) fn flag(
        &mut self,
        n: usize,
        value: bool,
        (yes, no): (&str, &str),
        means_yes: impl Fn(&str) -> bool,
    ) {
        if means_yes(self.get(n, 1)) != value {
            self.set(n, if value { yes } else { no });
        }
    }

    /// Sets a procedure composite (SV101, SV202): the code in component 2 and the four
    /// modifier components after it, blank where the line has fewer.
    pub(crate) fn set_procedure(&mut self, n: usize, code: &str, modifiers: &[&str]) {
        self.set_comp(n, 2, code);
        for k in 0..4 {
            let m = modifiers.get(k).copied().unwrap_or("");
            if !m.is_empty() || self.elements[n].len() > 2 + k {
                self.set_comp(n, 3 + k, m);
            }
        }
    }

    /// Whether element `n`, component `c` (0 for the element) holds anything but spaces.
    pub(crate) fn holds(&self, n: usize, c: usize) -> bool {
        !trim(&self.value_at(n, c)).is_empty()
    }

    /// Element `n` as read (its components joined) when `c` is 0, else component `c`.
    pub(crate) fn value_at(&self, n: usize, c: usize) -> std::borrow::Cow<'_, str> {
        match (c, self.elements.get(n)) {
            (0, Some(e)) if e.len() > 1 => e.join(":").into(),
            (0, _) => self.get(n, 1).into(),
            _ => self.get(n, c).into(),
        }
    }

    /// Sets element `n` whole when `c` is 0, else component `c`.
    fn put(&mut self, n: usize, c: usize, value: &str) {
        if c == 0 {
            self.set(n, value);
        } else {
            self.set_comp(n, c, value);
        }
    }

    /// Text at element `n`, component `c` (1-based; 0 for a simple element, whose text may
    /// hold the component separator): the text read while, trimmed, it is still `value`
    /// (spaces around it are kept), else `value`.
    pub(crate) fn text(&mut self, n: usize, c: usize, value: &str) {
        if trim(&self.value_at(n, c)) != value {
            self.put(n, c, value);
        }
    }

    /// A code at element `n`, component `c` (0 for a simple element): the text read while it
    /// still reads as `value` (`mb` for `MB`, a code with spaces around it), else `value` as
    /// sent; nothing for `None`.
    pub(crate) fn code<T: CodeValue + PartialEq>(
        &mut self,
        n: usize,
        c: usize,
        value: Option<&Coded<T>>,
    ) {
        if !code_agrees(trim(&self.value_at(n, c)), value) {
            self.put(n, c, value.map_or("", Coded::as_str));
        }
    }

    /// Codes at `slots` ((element, component) pairs, in order; component 0 for a simple
    /// element), one a slot: while as many
    /// slots hold something as there are codes, each code goes where it was read (kept as
    /// read while it reads as the same code) and the empty slots between stay empty;
    /// otherwise the codes fill the slots from the first and the slots after them are
    /// emptied. There must be no more codes than slots.
    pub(crate) fn codes<T: CodeValue + PartialEq>(
        &mut self,
        slots: &[(usize, usize)],
        codes: &[Coded<T>],
    ) {
        let filled = slots.iter().filter(|&&(n, c)| self.holds(n, c)).count();
        let mut next = codes.iter();
        for &(n, c) in slots {
            if filled == codes.len() && !self.holds(n, c) {
                continue;
            }
            match next.next() {
                Some(code) => self.code(n, c, Some(code)),
                None if !self.value_at(n, c).is_empty() => self.put(n, c, ""),
                None => {}
            }
        }
    }

    /// The `CCYYMMDD` date element `n` holds, if it is one (an element with components is
    /// not).
    pub(crate) fn date_read(&self, n: usize) -> Option<NaiveDate> {
        match self.elements.get(n) {
            Some(e) if e.len() > 1 => None,
            _ => parse_date(self.get(n, 1)),
        }
    }

    /// A `CCYYMMDD` date at element `n`: the text read while it is still `value` (or, text
    /// that is not a date, while the model holds none), else `value`.
    pub(crate) fn date(&mut self, n: usize, value: Option<NaiveDate>) {
        if self.date_read(n) != value {
            self.set(
                n,
                &value
                    .map(|d| format_date(d).to_string())
                    .unwrap_or_default(),
            );
        }
    }

    /// Writes the segment: [`render`](Self::render)ed, with the output's delimiters.
    pub(crate) fn write(self, out: &mut Out) {
        out.raw(&self.render());
    }

    /// The segment as canonical text: elements and components as read, and those a writer
    /// added past them only when not empty.
    pub(crate) fn render(self) -> String {
        let read = self.read;
        let mut els: Vec<String> = self
            .elements
            .into_iter()
            .enumerate()
            .map(|(i, mut comps)| {
                let keep = read.get(i).copied().unwrap_or(1).max(1);
                while comps.len() > keep && comps.last().is_some_and(String::is_empty) {
                    comps.pop();
                }
                comps.join(":")
            })
            .collect();
        let keep = read.len().max(1);
        while els.len() > keep && els.last().is_some_and(String::is_empty) {
            els.pop();
        }
        els.join("*")
    }
}

/// Whether code text read (trimmed) reads as `value` (an empty code as sent included): empty
/// for `None`.
pub(crate) fn code_agrees<T: CodeValue + PartialEq>(read: &str, value: Option<&Coded<T>>) -> bool {
    match value {
        None => read.is_empty(),
        Some(v) => Coded::<T>::parse(read) == *v,
    }
}
