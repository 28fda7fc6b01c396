//! The loop-tree state machine: places each segment of a transaction set in the guide, building
//! the tree of loop instances and reporting structural findings.
//!
//! The state is a stack of open loop instances, each with a position (the last entry of its loop
//! that matched) and a repeat count per entry. A segment is first looked for in the innermost
//! loop, from its position on; failing that, in each enclosing loop in turn, which closes the
//! loops above the match. A loop's opening segment seen where its position forbids it (an
//! earlier entry) thus closes the loop, and a `CLM` after a service line finds the 2300 slot in
//! the enclosing HL loop rather than falling into 2400. Segments that match by ID but not by
//! qualifier are tried again by ID alone, so a bad qualifier reads as a bad code, not a stray.

use crate::Segment;
use crate::schema::{Guide, Node, SegmentId, SegmentRule, Usage};

use super::LoopInstance;
use super::element::{self, ElementFinding};
use super::finding::{Finding, FindingKind};

struct Frame {
    loop_index: u32,
    /// Index of the last entry that matched (entries before it are closed).
    pos: u32,
    /// Start of this frame's repeat counts in `Matcher::counts`.
    counts_at: usize,
    /// The loop instance in the tree.
    instance: u32,
    /// For an HL loop: its HL01.
    hl_id: Option<Inline>,
    /// For a claim loop (opened by CLM): its CLM01.
    claim: Option<Inline>,
}

/// A short element value kept inline (HL01 is at most 12 bytes, CLM01 38), so keeping one per
/// loop instance allocates nothing; longer values are cut.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
struct Inline {
    bytes: [u8; 38],
    len: u8,
}

impl Inline {
    fn new(v: &[u8]) -> Inline {
        let len = v.len().min(38);
        let mut bytes = [0u8; 38];
        bytes[..len].copy_from_slice(&v[..len]);
        Inline {
            bytes,
            len: len as u8,
        }
    }

    fn get(&self) -> &[u8] {
        &self.bytes[..usize::from(self.len)]
    }
}

pub(super) struct Matcher<'g> {
    guide: &'g Guide,
    stack: Vec<Frame>,
    counts: Vec<u32>,
    pub(super) instances: Vec<LoopInstance>,
    /// Every HL01 seen, for telling a wrong parent from a missing one.
    hl_ids: std::collections::HashSet<Inline>,
}

impl<'g> Matcher<'g> {
    pub(super) fn new(guide: &'g Guide) -> Matcher<'g> {
        let mut m = Matcher {
            guide,
            stack: Vec::with_capacity(8),
            counts: Vec::with_capacity(256),
            instances: Vec::new(),
            hl_ids: std::collections::HashSet::new(),
        };
        m.push_frame(0, 0, 0, None);
        m
    }

    fn push_frame(&mut self, loop_index: u32, first: u32, parent: u32, hl_id: Option<Inline>) {
        let l = self.guide.loop_rule(loop_index);
        let counts_at = self.counts.len();
        self.counts.resize(counts_at + l.children.len(), 0);
        let instance = self.instances.len() as u32;
        self.instances.push(LoopInstance {
            loop_index,
            parent: (!self.stack.is_empty()).then_some(parent),
            first_segment: first,
            last_segment: first,
        });
        self.stack.push(Frame {
            loop_index,
            pos: 0,
            counts_at,
            instance,
            hl_id,
            claim: None,
        });
    }

    fn key_matches(&self, rule: &SegmentRule, segment: &Segment<'_>) -> bool {
        let Some((e, c)) = rule.key else { return true };
        let er = &self.guide.elements_of(rule)[usize::from(e) - 1];
        let codes = if c == 0 {
            &er.codes
        } else {
            &self.guide.components_of(er)[usize::from(c) - 1].codes
        };
        if codes.is_empty() {
            return true;
        }
        let Some(element) = segment.element(usize::from(e)) else {
            return false;
        };
        let value = if c == 0 {
            element.bytes()
        } else {
            match element.component(usize::from(c)) {
                Some(comp) => comp.bytes(),
                None => return false,
            }
        };
        codes.contains(value)
    }

    /// The entry of the frame at `depth` that `segment` matches, from the frame's position on.
    fn find(
        &self,
        depth: usize,
        id: SegmentId,
        segment: &Segment<'_>,
        by_key: bool,
    ) -> Option<u32> {
        let frame = &self.stack[depth];
        let l = self.guide.loop_rule(frame.loop_index);
        let children = self.guide.children(l);
        // Slots of one segment ID in a row share one position in the standard, so they may come
        // in any order: start from the first of the run the current slot is in.
        let mut begin = frame.pos as usize;
        if let Some(Node::Segment(cur)) = children.get(begin)
            && self.guide.segment_rule(*cur).id == id
        {
            while begin > 0
                && matches!(children[begin - 1], Node::Segment(p) if self.guide.segment_rule(p).id == id)
            {
                begin -= 1;
            }
        }
        // A loop's opening segment always opens a new instance, from the enclosing loop.
        if depth > 0 {
            begin = begin.max(1);
        }
        let ids = self.guide.child_ids(l);
        for (i, node) in children.iter().enumerate().skip(begin) {
            if ids[i] != id {
                continue;
            }
            let rule = match *node {
                Node::Segment(s) => self.guide.segment_rule(s),
                Node::Loop(x) => match self.guide.trigger(self.guide.loop_rule(x)) {
                    Some(t) => t,
                    None => continue,
                },
            };
            if rule.id != id {
                continue;
            }
            // An HL's level decides its loop; it never matches by ID alone.
            if by_key || rule.id.is(b"HL") {
                if self.key_matches(rule, segment) {
                    return Some(i as u32);
                }
            } else {
                return Some(i as u32);
            }
        }
        None
    }

    /// Places one segment, appending findings. `index` is the segment's 1-based position in the
    /// set.
    pub(super) fn segment(
        &mut self,
        segment: &Segment<'_>,
        index: u32,
        findings: &mut Vec<Finding>,
    ) {
        let Some(id) = SegmentId::new(segment.id()) else {
            findings.push(self.segment_finding(FindingKind::UnrecognizedSegment, segment, index));
            return;
        };
        let mut found = None;
        for depth in (0..self.stack.len()).rev() {
            if let Some(i) = self.find(depth, id, segment, true) {
                found = Some((depth, i));
                break;
            }
        }
        // A bad qualifier: the innermost loop's slot of that ID, so it reads as a bad code.
        if found.is_none() {
            let depth = self.stack.len() - 1;
            found = self.find(depth, id, segment, false).map(|i| (depth, i));
        }
        let Some((depth, entry)) = found else {
            let kind = if self.earlier_in_current(id) {
                FindingKind::OutOfSequence
            } else if self.guide.knows(id) {
                FindingKind::UnexpectedSegment
            } else if crate::schema::dictionary().contains(id) {
                FindingKind::NotInTransactionSet
            } else {
                FindingKind::UnrecognizedSegment
            };
            findings.push(self.segment_finding(kind, segment, index));
            return;
        };
        while self.stack.len() > depth + 1 {
            self.close_top(index, segment, findings);
        }
        let guide = self.guide;
        let frame = self.stack.last_mut().expect("root frame");
        let l = guide.loop_rule(frame.loop_index);
        let children = guide.children(l);
        let counts_at = frame.counts_at;
        let old = frame.pos;
        frame.pos = entry.max(old);
        let instance = frame.instance;
        // Required entries skipped over on the way to this one.
        if entry > old {
            let loop_index = self.stack.last().map_or(0, |f| f.loop_index);
            for &i in guide.required_entries(loop_index) {
                if (old..entry).contains(&i) && self.counts[counts_at + i as usize] == 0 {
                    self.report_missing(children[i as usize], index, segment, findings);
                }
            }
        }
        self.counts[counts_at + entry as usize] += 1;
        let count = self.counts[counts_at + entry as usize];
        self.instances[instance as usize].last_segment = index;
        match children[entry as usize] {
            Node::Segment(s) => {
                let rule = guide.segment_rule(s);
                if count > rule.max {
                    findings.push(self.segment_finding(
                        FindingKind::SegmentOverMax,
                        segment,
                        index,
                    ));
                }
                self.check(rule, segment, index, findings);
            }
            Node::Loop(x) => {
                let lr = guide.loop_rule(x);
                if count > lr.max {
                    let mut f = self.segment_finding(FindingKind::LoopOverMax, segment, index);
                    f.loop_id = lr.id.clone();
                    findings.push(f);
                }
                let hl_id = id
                    .is(b"HL")
                    .then(|| segment.element(1).map(|e| Inline::new(e.bytes())))
                    .flatten();
                self.push_frame(x, index, instance, hl_id);
                if id.is(b"CLM")
                    && let Some(frame) = self.stack.last_mut()
                {
                    frame.claim = segment.element(1).map(|e| Inline::new(e.bytes()));
                }
                self.counts[self.stack.last().map_or(0, |f| f.counts_at)] = 1;
                if id.is(b"HL") {
                    self.check_hl(segment, index, findings);
                }
                if let Some(trigger) = guide.trigger(lr) {
                    self.check(trigger, segment, index, findings);
                }
            }
        }
    }

    /// The CLM01 of the innermost open claim loop (called on the error path only).
    fn claim_id(&self) -> Option<String> {
        let claim = self.stack.iter().rev().find_map(|f| f.claim)?;
        Some(String::from_utf8_lossy(claim.get()).into_owned())
    }

    fn earlier_in_current(&self, id: SegmentId) -> bool {
        let Some(frame) = self.stack.last() else {
            return false;
        };
        let children = self.guide.children(self.guide.loop_rule(frame.loop_index));
        children[..frame.pos as usize].iter().any(|n| match *n {
            Node::Segment(s) => self.guide.segment_rule(s).id == id,
            Node::Loop(_) => false,
        })
    }

    fn check(
        &self,
        rule: &SegmentRule,
        segment: &Segment<'_>,
        index: u32,
        findings: &mut Vec<Finding>,
    ) {
        if rule.usage == Usage::NotUsed {
            findings.push(self.segment_finding(FindingKind::NotUsedSegment, segment, index));
            return;
        }
        let loop_id = &self.guide.loop_rule(rule.in_loop).id;
        let mut report = |f: ElementFinding| {
            findings.push(Finding {
                kind: f.kind,
                segment_id: rule.id,
                segment_index: index,
                loop_id: loop_id.clone(),
                element: Some(f.element),
                component: f.component,
                repetition: f.repetition,
                byte: f.byte,
                bad_value: f.value,
                claim_id: self.claim_id(),
            });
        };
        element::check_segment(self.guide, rule, segment, segment.offset(), &mut report);
    }

    /// HL02 must name the HL of the enclosing HL loop.
    fn check_hl(&mut self, segment: &Segment<'_>, index: u32, findings: &mut Vec<Finding>) {
        let own = self.stack.last().and_then(|f| f.hl_id);
        let parent_id = self.stack[..self.stack.len() - 1]
            .iter()
            .rev()
            .find_map(|f| f.hl_id);
        let hl02 = segment.element(2).filter(|e| !e.is_empty());
        let kind = match (hl02, parent_id) {
            (None, None) => None,
            (Some(p), Some(parent)) if p.bytes() == parent.get() => None,
            // A set lookup: a scan of every HL01 seen made a file of many HLs quadratic.
            (Some(p), _) => Some(if self.hl_ids.contains(&Inline::new(p.bytes())) {
                FindingKind::HlWrongParent
            } else {
                FindingKind::HlParentNotFound
            }),
            // A nested level without a parent: the guide's HL02 rule reports it as missing.
            (None, Some(_)) => None,
        };
        if let Some(kind) = kind
            && let Some(p) = hl02
        {
            let mut f = self.segment_finding(kind, segment, index);
            f.element = Some(2);
            f.byte = p.offset();
            f.bad_value = Some(String::from_utf8_lossy(p.bytes()).into_owned());
            findings.push(f);
        }
        if let Some(own) = own {
            self.hl_ids.insert(own);
        }
    }

    fn report_missing(
        &self,
        node: Node,
        index: u32,
        at: &Segment<'_>,
        findings: &mut Vec<Finding>,
    ) {
        let frame = self.stack.last().expect("root frame");
        match node {
            Node::Segment(s) => {
                let rule = self.guide.segment_rule(s);
                if rule.usage == Usage::Required {
                    findings.push(Finding {
                        kind: FindingKind::MissingSegment,
                        segment_id: rule.id,
                        segment_index: index,
                        loop_id: self.guide.loop_rule(frame.loop_index).id.clone(),
                        element: None,
                        component: None,
                        repetition: None,
                        byte: at.offset(),
                        bad_value: None,
                        claim_id: self.claim_id(),
                    });
                }
            }
            Node::Loop(x) => {
                let l = self.guide.loop_rule(x);
                if l.usage == Usage::Required {
                    findings.push(Finding {
                        kind: FindingKind::MissingLoop,
                        segment_id: self.guide.trigger(l).map(|t| t.id).unwrap_or_default(),
                        segment_index: index,
                        loop_id: l.id.clone(),
                        element: None,
                        component: None,
                        repetition: None,
                        byte: at.offset(),
                        bad_value: None,
                        claim_id: self.claim_id(),
                    });
                }
            }
        }
    }

    /// Closes the innermost loop instance: reports required entries never reached, and an LS
    /// without its LE (or a loop that needs them without them).
    fn close_top(&mut self, index: u32, at: &Segment<'_>, findings: &mut Vec<Finding>) {
        let guide = self.guide;
        let Some(frame) = self.stack.last() else {
            return;
        };
        let l = guide.loop_rule(frame.loop_index);
        let children = guide.children(l);
        for &i in guide.required_entries(frame.loop_index) {
            if i > frame.pos && self.counts[frame.counts_at + i as usize] == 0 {
                self.report_missing(children[i as usize], index, at, findings);
            }
        }
        if let Some((ls, le)) = guide.brackets(frame.loop_index) {
            let at_ = (ls as usize, le as usize);
            self.check_ls_le(children, frame.counts_at, at_, index, at, findings);
        }
        let frame = self.stack.pop().expect("checked above");
        self.counts.truncate(frame.counts_at);
    }

    /// LS and LE bracket the loops between them: each needs the other, and the loops need them.
    fn check_ls_le(
        &self,
        children: &[Node],
        counts_at: usize,
        (ls, le): (usize, usize),
        index: u32,
        at: &Segment<'_>,
        findings: &mut Vec<Finding>,
    ) {
        let id_of = |n: &Node| match *n {
            Node::Segment(s) => Some(self.guide.segment_rule(s).id),
            Node::Loop(_) => None,
        };
        let (ls_n, le_n) = (self.counts[counts_at + ls], self.counts[counts_at + le]);
        let inner = (ls + 1..le)
            .map(|i| self.counts[counts_at + i])
            .sum::<u32>();
        let missing = if (inner > 0 || le_n > 0) && ls_n == 0 {
            Some(ls)
        } else if (inner > 0 || ls_n > 0) && le_n == 0 {
            Some(le)
        } else {
            None
        };
        if let Some(m) = missing
            && let Some(id) = id_of(&children[m])
        {
            let frame = self.stack.last().expect("root frame");
            findings.push(Finding {
                kind: FindingKind::MissingSegment,
                segment_id: id,
                segment_index: index,
                loop_id: self.guide.loop_rule(frame.loop_index).id.clone(),
                element: None,
                component: None,
                repetition: None,
                byte: at.offset(),
                bad_value: None,
                claim_id: self.claim_id(),
            });
        }
    }

    /// Closes every open loop at the end of the set (`at` is the SE, or the last segment).
    pub(super) fn finish(&mut self, index: u32, at: &Segment<'_>, findings: &mut Vec<Finding>) {
        while !self.stack.is_empty() {
            self.close_top(index, at, findings);
        }
    }

    fn segment_finding(&self, kind: FindingKind, segment: &Segment<'_>, index: u32) -> Finding {
        let loop_id = self
            .stack
            .last()
            .map(|f| self.guide.loop_rule(f.loop_index).id.clone())
            .unwrap_or_default();
        Finding {
            kind,
            segment_id: SegmentId::lossy(segment.id()),
            segment_index: index,
            loop_id,
            element: None,
            component: None,
            repetition: None,
            byte: segment.offset(),
            bad_value: None,
            claim_id: self.claim_id(),
        }
    }
}
