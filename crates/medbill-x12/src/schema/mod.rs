//! Implementation-guide schemas: the loops, segments and element rules of each HIPAA 5010 guide,
//! as data.
//!
//! A [`Guide`] is compiled from a small line-oriented text format (one file per guide under
//! `crates/medbill-x12/schemas/`, embedded in the binary and parsed once, on first use) on top of
//! a shared segment [dictionary](DICTIONARY_TEXT) that gives each element's X12 data type and
//! length. A payer's companion guide is an [`Overlay`] applied to a base guide: restrict codes,
//! change usage, repeats or lengths, add syntax rules. Adding a guide or a variation is data, not
//! code.
//!
//! ```
//! use medbill_x12::schema::{self, Usage};
//!
//! let guide = schema::guide("837", "005010X222A1").unwrap();
//! let line = guide.loop_by_id("2400").unwrap();
//! assert_eq!(line.usage, Usage::Required);
//! assert_eq!(line.max, 50);
//! ```
//!
//! # The guide format
//!
//! ```text
//! guide 005010X222A1 837 Health Care Claim: Professional
//! ST R 1 01=837 02 03=005010X222A1        # segment at the transaction level
//! loop 2000A R >1 Billing Provider        # loop ID, usage, repeat, name
//!   HL R 1 01 03=20 04=1                  # the first segment opens the loop
//!   loop 2010AA R 1 Billing Provider Name
//!     NM1 R 1 01=85 02=1,2 03 04? 08=XX 09 rule=P0809
//!   end
//! end
//! ```
//!
//! A segment line is `ID usage repeat element...`. Usage is `R` (required), `S` (situational)
//! or `N` (not used); repeat is a number or `>1` (unbounded). Each element token is
//! `NN[.C][?][=code,code][:TYPE/min/max][^reps]`: a bare position is required, `?` makes it
//! situational, `=` lists the allowed codes, `:` overrides the dictionary's type and length,
//! `^` allows repetitions. Elements not listed are not used; a `*` token makes every unlisted
//! element situational instead (for structure-only guides). `key=N[.C]` overrides which element
//! tells same-ID segments apart, `rule=P0809` adds an X12 syntax rule (`P` paired, `R` at least
//! one, `E` at most one, `C` if first then all, `L` if first then at least one other). The first
//! segment of a loop opens it; its key codes (HL03 for `HL`) are the loop's qualifier.
//!
//! # The overlay format
//!
//! ```text
//! overlay ACME-837P 005010X222A1
//! set 2300/CLM 05.1 codes=11,22         # restrict place of service
//! set 2300/PWK usage=N                  # the payer does not take attachments
//! set 2400 max=25                       # at most 25 service lines
//! set 2010AA/NM1 03 length=1/35
//! set 2300/REF[G1] usage=R              # REF*G1 (prior authorization) becomes required
//! set 2010BA/NM1 rule=P0809
//! ```

mod parse;

use std::fmt;
use std::ops::Range;
use std::sync::OnceLock;

pub use parse::{Overlay, SchemaError};

/// The segment dictionary every embedded guide is compiled against: the X12 5010 data type,
/// minimum and maximum length of each element (and component) of each segment the guides use.
pub const DICTIONARY_TEXT: &str = include_str!("../../schemas/dictionary.x12s");

/// The embedded guides' source text, by guide version.
const GUIDE_TEXTS: &[(&str, &str)] = &[
    (
        "005010X222A1",
        include_str!("../../schemas/837P-005010X222A1.x12s"),
    ),
    (
        "005010X223A2",
        include_str!("../../schemas/837I-005010X223A2.x12s"),
    ),
    (
        "005010X221A1",
        include_str!("../../schemas/835-005010X221A1.x12s"),
    ),
    (
        "005010X231A1",
        include_str!("../../schemas/999-005010X231A1.x12s"),
    ),
    (
        "005010X214",
        include_str!("../../schemas/277CA-005010X214.x12s"),
    ),
    (
        "005010X279A1/270",
        include_str!("../../schemas/270-005010X279A1.x12s"),
    ),
    (
        "005010X279A1/271",
        include_str!("../../schemas/271-005010X279A1.x12s"),
    ),
    (
        "005010X212/276",
        include_str!("../../schemas/276-005010X212.x12s"),
    ),
    (
        "005010X212/277",
        include_str!("../../schemas/277-005010X212.x12s"),
    ),
];

/// Every embedded guide, parsed once on first use.
pub fn guides() -> &'static [Guide] {
    static GUIDES: OnceLock<Vec<Guide>> = OnceLock::new();
    GUIDES.get_or_init(|| {
        let dictionary = dictionary();
        GUIDE_TEXTS
            .iter()
            .map(|(name, text)| match Guide::parse(text, dictionary) {
                Ok(guide) => guide,
                // The embedded data is checked by the test suite; a failure here is a build bug.
                Err(e) => panic!("embedded guide {name} is invalid: {e}"),
            })
            .collect()
    })
}

/// The embedded segment dictionary, parsed once on first use.
pub fn dictionary() -> &'static Dictionary {
    static DICTIONARY: OnceLock<Dictionary> = OnceLock::new();
    DICTIONARY.get_or_init(|| match Dictionary::parse(DICTIONARY_TEXT) {
        Ok(d) => d,
        Err(e) => panic!("embedded dictionary is invalid: {e}"),
    })
}

/// The embedded guide for a transaction set (ST01, such as `"837"`) and guide version (ST03 or
/// GS08, such as `"005010X222A1"`), if there is one.
pub fn guide(transaction: &str, version: &str) -> Option<&'static Guide> {
    let version = canonical_version(transaction, version);
    guides()
        .iter()
        .find(|g| g.transaction() == transaction && g.version() == version)
}

/// The guide version a version is read with: the 999 of 005010X231 differs from 005010X231A1
/// only in code lists, so it is read with the later guide.
pub fn canonical_version<'v>(transaction: &str, version: &'v str) -> &'v str {
    match (transaction, version) {
        ("999", "005010X231") => "005010X231A1",
        _ => version,
    }
}

/// Whether a segment requirement, loop requirement or element requirement must be present.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Usage {
    /// Must be present.
    Required,
    /// Present when the guide's situation applies; never an error either way here.
    Situational,
    /// Must not be present.
    NotUsed,
}

impl Usage {
    fn from_token(token: &str) -> Option<Usage> {
        match token {
            "R" => Some(Usage::Required),
            "S" => Some(Usage::Situational),
            "N" => Some(Usage::NotUsed),
            _ => None,
        }
    }
}

/// The X12 data type of an element.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DataType {
    /// `AN`: string of the basic and extended character sets.
    String,
    /// `ID`: a code from a list.
    Identifier,
    /// `Nn`: integer with `n` implied decimal places (`N0`, `N2`).
    Numeric(u8),
    /// `R`: decimal number with optional sign and explicit decimal point.
    Decimal,
    /// `DT`: date, `CCYYMMDD` (or `YYMMDD` where the length is 6).
    Date,
    /// `TM`: time, `HHMM[SS[d..]]`.
    Time,
}

impl DataType {
    fn from_token(token: &str) -> Option<DataType> {
        Some(match token {
            "AN" => DataType::String,
            "ID" => DataType::Identifier,
            "R" => DataType::Decimal,
            "DT" => DataType::Date,
            "TM" => DataType::Time,
            n if n.len() == 2 && n.starts_with('N') => {
                let digit = n.as_bytes()[1];
                if !digit.is_ascii_digit() {
                    return None;
                }
                DataType::Numeric(digit - b'0')
            }
            _ => return None,
        })
    }
}

impl fmt::Display for DataType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DataType::String => f.write_str("AN"),
            DataType::Identifier => f.write_str("ID"),
            DataType::Numeric(n) => write!(f, "N{n}"),
            DataType::Decimal => f.write_str("R"),
            DataType::Date => f.write_str("DT"),
            DataType::Time => f.write_str("TM"),
        }
    }
}

/// A segment identifier (two or three ASCII letters and digits) stored inline, so comparing two
/// is a four-byte comparison and no allocation is needed.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct SegmentId {
    bytes: [u8; 3],
    len: u8,
}

impl SegmentId {
    /// The identifier of 2 or 3 ASCII letters and digits; `None` for anything else.
    ///
    /// ```
    /// use medbill_x12::schema::SegmentId;
    /// assert_eq!(SegmentId::new(b"NM1").unwrap().as_str(), "NM1");
    /// assert!(SegmentId::new(b"N").is_none());
    /// ```
    pub fn new(id: &[u8]) -> Option<SegmentId> {
        if !(2..=3).contains(&id.len()) || !id.iter().all(u8::is_ascii_alphanumeric) {
            return None;
        }
        let mut bytes = [0u8; 3];
        bytes[..id.len()].copy_from_slice(id);
        Some(SegmentId {
            bytes,
            len: id.len() as u8,
        })
    }

    /// Up to the first three bytes of any segment identifier read from input, for naming a bad
    /// one in a finding; non-ASCII bytes become `?`.
    pub(crate) fn lossy(id: &[u8]) -> SegmentId {
        let mut bytes = [0u8; 3];
        let len = id.len().min(3);
        for (b, &x) in bytes.iter_mut().zip(id) {
            *b = if x.is_ascii_graphic() { x } else { b'?' };
        }
        SegmentId {
            bytes,
            len: len as u8,
        }
    }

    /// Whether this is the identifier `id` (a byte comparison, for hot paths).
    pub fn is(&self, id: &[u8]) -> bool {
        &self.bytes[..usize::from(self.len)] == id
    }

    /// The identifier's text.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.bytes[..usize::from(self.len)]).unwrap_or("")
    }
}

impl fmt::Debug for SegmentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for SegmentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A sorted set of allowed code values, searched by binary search.
///
/// Codes of up to seven bytes (nearly all X12 codes) are also packed into integers with their
/// length, so a look-up is an integer binary search rather than string comparisons.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CodeSet {
    codes: Box<[Box<str>]>,
    /// Every code packed, sorted, when every code is short enough; else empty.
    packed: Box<[u64]>,
}

/// Up to seven bytes and the length in one integer; `None` for longer values.
fn pack_code(v: &[u8]) -> Option<u64> {
    if v.len() > 7 {
        return None;
    }
    let mut x = 0u64;
    for &b in v {
        x = (x << 8) | u64::from(b);
    }
    Some(((x << (8 * (7 - v.len()))) << 8) | v.len() as u64)
}

impl CodeSet {
    fn from_list(list: &str) -> CodeSet {
        let mut codes: Vec<Box<str>> = list
            .split(',')
            .filter(|c| !c.is_empty())
            .map(Box::from)
            .collect();
        codes.sort();
        codes.dedup();
        let packed: Option<Vec<u64>> = codes.iter().map(|c| pack_code(c.as_bytes())).collect();
        let mut packed = packed.unwrap_or_default();
        packed.sort_unstable();
        CodeSet {
            codes: codes.into_boxed_slice(),
            packed: packed.into_boxed_slice(),
        }
    }

    /// Whether the set lists no codes (any value of the right type is allowed).
    pub fn is_empty(&self) -> bool {
        self.codes.is_empty()
    }

    /// Whether `value` is one of the codes.
    pub fn contains(&self, value: &[u8]) -> bool {
        if !self.packed.is_empty() {
            return pack_code(value).is_some_and(|p| self.packed.binary_search(&p).is_ok());
        }
        self.codes
            .binary_search_by(|c| c.as_bytes().cmp(value))
            .is_ok()
    }

    /// The codes, sorted.
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.codes.iter().map(|c| &**c)
    }
}

/// The rule for one element (or one component of a composite element) of a segment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ElementRule {
    /// Required, situational or not used.
    pub usage: Usage,
    /// X12 data type.
    pub data_type: DataType,
    /// Minimum length.
    pub min: u16,
    /// Maximum length.
    pub max: u16,
    /// Allowed codes; empty means any value of the type.
    pub codes: CodeSet,
    /// How many repetitions the element may carry (1 when it does not repeat).
    pub repeat: u16,
    /// The composite's components (indexes into [`Guide::element_rule`]); empty for a simple
    /// element.
    pub components: Range<u32>,
}

/// An X12 syntax rule between elements of one segment (the standard's "syntax notes").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxRule {
    /// `P` paired, `R` at least one required, `E` at most one, `C` if the first is present all
    /// others are required, `L` if the first is present at least one other is required.
    pub kind: u8,
    /// 1-based element positions.
    pub elements: Vec<u8>,
}

/// The rule for a segment at one place in a guide (a "segment slot").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SegmentRule {
    /// Segment identifier.
    pub id: SegmentId,
    /// Required, situational or not used.
    pub usage: Usage,
    /// Maximum repeats at this place.
    pub max: u32,
    /// The element (1-based) and component (0 for a simple element) whose value tells this slot
    /// apart from other slots of the same segment ID in the same loop.
    pub key: Option<(u8, u8)>,
    /// The elements, by position: index `i` is element `i + 1` (indexes into
    /// [`Guide::element_rule`]).
    pub elements: Range<u32>,
    /// Syntax rules between elements.
    pub rules: Vec<SyntaxRule>,
    /// The loop this slot is in.
    pub in_loop: u32,
}

/// One entry of a loop: a segment or a nested loop, in guide order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Node {
    /// Index into [`Guide::segment_rule`].
    Segment(u32),
    /// Index into [`Guide::loop_rule`].
    Loop(u32),
}

/// A loop of a guide.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoopRule {
    /// Loop identifier as the guide names it (`2010AA`); empty for the transaction level.
    pub id: Box<str>,
    /// Loop name (`Billing Provider Name`).
    pub name: Box<str>,
    /// Required, situational or not used.
    pub usage: Usage,
    /// Maximum repeats within one instance of the parent.
    pub max: u32,
    /// The loop's entries, as a range into the guide's node table.
    pub children: Range<u32>,
    /// The enclosing loop; `None` for the transaction level.
    pub parent: Option<u32>,
}

/// A compiled implementation guide for one transaction set.
///
/// Built from text with [`Guide::parse`]; the embedded ones come from [`guide`].
#[derive(Clone, Debug)]
pub struct Guide {
    version: Box<str>,
    transaction: Box<str>,
    name: Box<str>,
    loops: Vec<LoopRule>,
    nodes: Vec<Node>,
    segments: Vec<SegmentRule>,
    elements: Vec<ElementRule>,
    /// Sorted IDs of every segment used anywhere in the guide.
    known: Vec<SegmentId>,
    /// Per loop: the positions of its required entries, for the missing-entry checks.
    required: Vec<Box<[u32]>>,
    /// Per loop: the positions of its LS and LE segments, when it has both.
    brackets: Vec<Option<(u32, u32)>>,
    /// Parallel to `nodes`: the segment ID each entry starts with (a loop's opening segment).
    node_ids: Vec<SegmentId>,
}

impl Guide {
    /// Compiles a guide from its text against a dictionary.
    pub fn parse(text: &str, dictionary: &Dictionary) -> Result<Guide, SchemaError> {
        parse::parse_guide(text, dictionary)
    }

    /// The guide version, such as `005010X222A1`.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// The transaction set identifier (ST01), such as `837`.
    pub fn transaction(&self) -> &str {
        &self.transaction
    }

    /// The guide's title.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The transaction level: the root of the loop tree (index 0).
    pub fn root(&self) -> &LoopRule {
        &self.loops[0]
    }

    /// A loop by index.
    pub fn loop_rule(&self, index: u32) -> &LoopRule {
        &self.loops[index as usize]
    }

    /// Every loop, the transaction level first.
    pub fn loops(&self) -> &[LoopRule] {
        &self.loops
    }

    /// A loop by identifier.
    pub fn loop_by_id(&self, id: &str) -> Option<&LoopRule> {
        self.loops.iter().find(|l| &*l.id == id)
    }

    /// The entries of a loop, in order.
    pub fn children(&self, l: &LoopRule) -> &[Node] {
        &self.nodes[l.children.start as usize..l.children.end as usize]
    }

    /// A segment slot by index.
    pub fn segment_rule(&self, index: u32) -> &SegmentRule {
        &self.segments[index as usize]
    }

    /// Every segment slot, in guide order.
    pub fn segment_rules(&self) -> &[SegmentRule] {
        &self.segments
    }

    /// An element rule by index.
    pub fn element_rule(&self, index: u32) -> &ElementRule {
        &self.elements[index as usize]
    }

    /// The element rules of a segment slot, by position.
    pub fn elements_of(&self, s: &SegmentRule) -> &[ElementRule] {
        &self.elements[s.elements.start as usize..s.elements.end as usize]
    }

    /// The component rules of a composite element.
    pub fn components_of(&self, e: &ElementRule) -> &[ElementRule] {
        &self.elements[e.components.start as usize..e.components.end as usize]
    }

    /// The first segment of a loop: the one that opens it.
    pub fn trigger(&self, l: &LoopRule) -> Option<&SegmentRule> {
        match self.children(l).first() {
            Some(Node::Segment(s)) => Some(self.segment_rule(*s)),
            _ => None,
        }
    }

    /// Whether a segment ID is used anywhere in this guide.
    pub fn knows(&self, id: SegmentId) -> bool {
        self.known.binary_search(&id).is_ok()
    }

    /// Applies a companion-guide overlay, giving a new guide.
    pub fn with_overlay(&self, overlay: &Overlay) -> Result<Guide, SchemaError> {
        let mut guide = self.clone();
        overlay.apply_to(&mut guide)?;
        guide.index();
        Ok(guide)
    }

    /// Positions (in [`children`](Guide::children)) of the required entries of a loop.
    pub(crate) fn required_entries(&self, loop_index: u32) -> &[u32] {
        &self.required[loop_index as usize]
    }

    /// The segment ID each entry of a loop starts with, parallel to [`children`](Guide::children).
    pub(crate) fn child_ids(&self, l: &LoopRule) -> &[SegmentId] {
        &self.node_ids[l.children.start as usize..l.children.end as usize]
    }

    /// Positions of a loop's LS and LE segments, when it has both.
    pub(crate) fn brackets(&self, loop_index: u32) -> Option<(u32, u32)> {
        self.brackets[loop_index as usize]
    }

    /// Computes the derived tables (after parsing, and after an overlay changes usages).
    pub(crate) fn index(&mut self) {
        let mut required = Vec::with_capacity(self.loops.len());
        let mut brackets = Vec::with_capacity(self.loops.len());
        for l in &self.loops {
            let children = self.children(l);
            let usage = |n: &Node| match *n {
                Node::Segment(s) => self.segment_rule(s).usage,
                Node::Loop(x) => self.loop_rule(x).usage,
            };
            required.push(
                (0..children.len() as u32)
                    .filter(|&i| usage(&children[i as usize]) == Usage::Required)
                    .collect(),
            );
            let find = |id: &[u8]| {
                children
                    .iter()
                    .position(|n| matches!(*n, Node::Segment(s) if self.segment_rule(s).id.is(id)))
            };
            brackets.push(match (find(b"LS"), find(b"LE")) {
                (Some(ls), Some(le)) => Some((ls as u32, le as u32)),
                _ => None,
            });
        }
        self.required = required;
        self.brackets = brackets;
        self.node_ids = self
            .nodes
            .iter()
            .map(|n| match *n {
                Node::Segment(s) => self.segment_rule(s).id,
                Node::Loop(x) => self
                    .trigger(self.loop_rule(x))
                    .map(|t| t.id)
                    .unwrap_or_default(),
            })
            .collect();
    }
}

/// The X12 segment dictionary: each element's data type and length, by segment ID.
#[derive(Clone, Debug, Default)]
pub struct Dictionary {
    segments: Vec<(SegmentId, DictSegment)>,
}

#[derive(Clone, Debug)]
pub(crate) struct DictSegment {
    pub(crate) key: Option<(u8, u8)>,
    pub(crate) elements: Vec<DictElement>,
}

#[derive(Clone, Debug)]
pub(crate) struct DictElement {
    pub(crate) data_type: DataType,
    pub(crate) min: u16,
    pub(crate) max: u16,
    /// Components, for a composite.
    pub(crate) components: Vec<DictElement>,
}

impl Dictionary {
    /// Parses dictionary text (`seg ID [key=N] TYPE/min/max ... C(TYPE/min/max,...)`).
    pub fn parse(text: &str) -> Result<Dictionary, SchemaError> {
        parse::parse_dictionary(text)
    }

    pub(crate) fn get(&self, id: SegmentId) -> Option<&DictSegment> {
        self.segments
            .binary_search_by(|(k, _)| k.cmp(&id))
            .ok()
            .map(|i| &self.segments[i].1)
    }

    /// Whether the dictionary defines a segment.
    pub fn contains(&self, id: SegmentId) -> bool {
        self.get(id).is_some()
    }
}
