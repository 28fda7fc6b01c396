//! Where writers put the segments a reader kept: raw segments in their loops by guide order,
//! and templates (segments read with what the model does not hold) patched with the model's
//! values.

use rust_decimal::Decimal;

use super::out::Out;
use super::parse_decimal;
use crate::schema::{Guide, Node};
use medbill_claim::RawSegment;

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
            };
        }
        let items = ranked(guide, loop_id, extras, modelled_opening);
        Pending {
            loop_id,
            items,
            next: 0,
        }
    }

    /// Writes the raw segments that come before a modelled segment `id*q`.
    pub(crate) fn before(&mut self, out: &mut Out, guide: &Guide, id: &str, q: &str) {
        if self.next >= self.items.len() {
            return;
        }
        let r = rank(guide, self.loop_id, id, q);
        while let Some((rk, text)) = self.items.get(self.next) {
            if *rk >= r {
                break;
            }
            out.raw(text);
            self.next += 1;
        }
    }

    pub(crate) fn rest(&mut self, out: &mut Out) {
        for (_, text) in &self.items[self.next..] {
            out.raw(text);
        }
        self.next = self.items.len();
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

    /// Element `n`, component `c` (1-based) as held now.
    pub(crate) fn get(&self, n: usize, c: usize) -> &str {
        self.elements
            .get(n)
            .and_then(|e| e.get(c.saturating_sub(1)))
            .map_or("", String::as_str)
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
    /// 7.50, or text that was not a number while the model holds the zero it read as), else
    /// `value` (or nothing for `None`).
    pub(crate) fn amount(&mut self, n: usize, value: Option<Decimal>) {
        let read = self.get(n, 1);
        let keep = match (parse_decimal(read), value) {
            (Ok(d), Some(v)) => d == v && self.elements.get(n).is_some_and(|e| e.len() == 1),
            (Err(_), Some(v)) => v.is_zero(),
            (Err(_), None) => read.is_empty(),
            (Ok(_), None) => false,
        };
        if !keep {
            self.set(n, &value.map(|v| v.to_string()).unwrap_or_default());
        }
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

    pub(crate) fn write(self, out: &mut Out) {
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
        out.raw(&els.join("*"));
    }
}
