//! Chapters, sections, and Excludes1 notes parsed into code ranges.
//!
//! Notes come from the newest release whose source carries them (the FY2026 tabular list) and
//! apply to the code they sit on and all its descendants; a chapter's or section's notes apply
//! to every code in it. They are used for every date of service (the FY2025 source has none).

use std::fmt;

use once_cell::sync::Lazy;

use super::code::Icd10CmCode;
use super::set::Icd10Cm;

static SECTIONS_TSV: &str = include_str!("../../data/icd10cm-sections.tsv");
static EXCLUDES1_TSV: &str = include_str!("../../data/icd10cm-excludes1.tsv");

/// A chapter of the tabular list, e.g. chapter 4, "Endocrine, nutritional and metabolic
/// diseases", E00-E89.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Chapter {
    number: &'static str,
    first: &'static str,
    last: &'static str,
    title: &'static str,
}

/// A section (block of categories) of the tabular list, e.g. E08-E13 "Diabetes mellitus".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Section {
    id: &'static str,
    first: &'static str,
    last: &'static str,
    title: &'static str,
}

impl Chapter {
    /// The chapter number as printed (`"4"`).
    pub fn number(&self) -> &'static str {
        self.number
    }
    /// First category (`"E00"`).
    pub fn first(&self) -> &'static str {
        self.first
    }
    /// Last category (`"E89"`).
    pub fn last(&self) -> &'static str {
        self.last
    }
    /// The chapter's title.
    pub fn title(&self) -> &'static str {
        self.title
    }
}

impl Section {
    /// The section's id, its category range (`"E08-E13"`, or `"B10"` for a single category).
    pub fn id(&self) -> &'static str {
        self.id
    }
    /// First category.
    pub fn first(&self) -> &'static str {
        self.first
    }
    /// Last category.
    pub fn last(&self) -> &'static str {
        self.last
    }
    /// The section's title.
    pub fn title(&self) -> &'static str {
        self.title
    }
}

struct Outline {
    chapters: Vec<Chapter>,
    sections: Vec<Section>,
}

static OUTLINE: Lazy<Outline> = Lazy::new(|| {
    let mut chapters = Vec::new();
    let mut sections = Vec::new();
    for line in SECTIONS_TSV.lines() {
        let mut f = line.split('\t');
        let (Some(kind), Some(id), Some(first), Some(last), Some(title)) =
            (f.next(), f.next(), f.next(), f.next(), f.next())
        else {
            continue;
        };
        match kind {
            "C" => chapters.push(Chapter {
                number: id,
                first,
                last,
                title,
            }),
            "S" => sections.push(Section {
                id,
                first,
                last,
                title,
            }),
            _ => {}
        }
    }
    Outline { chapters, sections }
});

/// Where a note sits: on a chapter, a section, or a code (category and below).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum NoteOwner {
    /// A chapter, by number.
    Chapter(&'static str),
    /// A section, by id (`"E08-E13"`).
    Section(&'static str),
    /// A code.
    Code(Icd10CmCode),
}

impl fmt::Display for NoteOwner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NoteOwner::Chapter(n) => write!(f, "chapter {n}"),
            NoteOwner::Section(s) => write!(f, "section {s}"),
            NoteOwner::Code(c) => write!(f, "{c}"),
        }
    }
}

/// A range of codes named by a note, with all their descendants: `E10.-` (one category),
/// `E08-E13` (a range of categories), `Z79.4` (a code and its subdivisions), optionally
/// narrowed to codes with given characters at a position (`E08-E13 with .44`).
///
/// ```
/// use medbill_codes::icd10cm::CodeRange;
/// let r = CodeRange::new("E08".parse()?, "E13".parse()?);
/// assert!(r.contains(&"E11.9".parse()?));
/// assert!(r.contains(&"E13.10".parse()?));
/// assert!(!r.contains(&"E14".parse()?));
/// assert_eq!(r.to_string(), "E08-E13");
/// # Ok::<(), medbill_codes::CodeError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CodeRange {
    first: Icd10CmCode,
    last: Icd10CmCode,
    // 1-based position of `chars` in the undotted code; 0 when there is no such condition.
    position: u8,
    chars: [u8; 3],
    chars_len: u8,
}

impl CodeRange {
    /// All codes from `first` to `last`, descendants of `last` included.
    pub fn new(first: Icd10CmCode, last: Icd10CmCode) -> Self {
        CodeRange {
            first,
            last,
            position: 0,
            chars: [0; 3],
            chars_len: 0,
        }
    }

    /// The first code.
    pub fn first(&self) -> Icd10CmCode {
        self.first
    }

    /// The last code (its descendants are in the range too).
    pub fn last(&self) -> Icd10CmCode {
        self.last
    }

    /// The extra condition, if any: 1-based position in the undotted code and the characters
    /// required there (`E08-E13 with .44` gives `(4, "44")`).
    pub fn condition(&self) -> Option<(usize, &str)> {
        (self.position > 0).then(|| {
            let chars = std::str::from_utf8(&self.chars[..self.chars_len as usize]).unwrap_or("");
            (self.position as usize, chars)
        })
    }

    /// Whether `code` is in the range.
    pub fn contains(&self, code: &Icd10CmCode) -> bool {
        let (text, text_len) = (code.key_bytes(), code.len());
        let text = &text[..text_len];
        let (first, last) = (self.first.key_bytes(), self.last.key_bytes());
        let (first, last) = (&first[..self.first.len()], &last[..self.last.len()]);
        if first > text || &text[..text_len.min(last.len())] > last {
            return false;
        }
        if self.position == 0 {
            return true;
        }
        let at = self.position as usize - 1;
        let want = &self.chars[..self.chars_len as usize];
        text.get(at..at + want.len()) == Some(want)
    }
}

impl fmt::Display for CodeRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.first == self.last {
            write!(f, "{}", self.first)?;
        } else {
            write!(f, "{}-{}", self.first, self.last)?;
        }
        if let Some((pos, chars)) = self.condition() {
            write!(f, " with {chars} at character {pos}")?;
        }
        Ok(())
    }
}

/// One Excludes1 range and the note it came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Excludes1 {
    owner: NoteOwner,
    owner_range: CodeRange,
    excluded: CodeRange,
    note_line: u32,
}

impl Excludes1 {
    /// Where the note sits (it applies to that code's descendants, or the chapter's or
    /// section's codes).
    pub fn owner(&self) -> NoteOwner {
        self.owner
    }

    /// The codes the note excludes.
    pub fn excluded(&self) -> CodeRange {
        self.excluded
    }

    /// The note's text, e.g. `"type 1 diabetes mellitus (E10.-)"`.
    #[cfg(feature = "titles")]
    pub fn text(&self) -> Option<&'static str> {
        super::text::note_text(self.note_line as usize)
    }
}

/// Two codes that an Excludes1 note says must not be reported together.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Excludes1Conflict {
    /// The code under the note (or in the chapter or section that carries it).
    pub code: Icd10CmCode,
    /// The other code, which the note excludes.
    pub excluded: Icd10CmCode,
    /// The note.
    pub note: Excludes1,
}

impl fmt::Display for Excludes1Conflict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Excludes1 at {} (for {}) excludes {} ({})",
            self.note.owner, self.code, self.excluded, self.note.excluded
        )
    }
}

struct Excludes1Index {
    /// Notes on codes, sorted by owner code.
    on_codes: Vec<Excludes1>,
    /// Notes on chapters and sections (few; scanned).
    on_ranges: Vec<Excludes1>,
}

fn parse_code(s: &str) -> Option<Icd10CmCode> {
    Icd10CmCode::parse(s).ok()
}

static EXCLUDES1: Lazy<Excludes1Index> = Lazy::new(|| {
    let outline = &*OUTLINE;
    let mut on_codes = Vec::new();
    let mut on_ranges = Vec::new();
    for line in EXCLUDES1_TSV.lines() {
        if line.starts_with('#') {
            continue;
        }
        let f: Vec<&str> = line.split('\t').collect();
        let [olo, ohi, lo, hi, pos, chars, note] = f[..] else {
            continue;
        };
        let (Some(olo), Some(ohi), Some(lo), Some(hi), Ok(pos), Ok(note_line)) = (
            parse_code(olo),
            parse_code(ohi),
            parse_code(lo),
            parse_code(hi),
            pos.parse::<u8>(),
            note.parse::<u32>(),
        ) else {
            continue;
        };
        let mut excluded = CodeRange::new(lo, hi);
        if pos > 0 && !chars.is_empty() && chars.len() <= 3 {
            excluded.position = pos;
            excluded.chars[..chars.len()].copy_from_slice(chars.as_bytes());
            excluded.chars_len = chars.len() as u8;
        }
        let owner_range = CodeRange::new(olo, ohi);
        if olo == ohi {
            on_codes.push(Excludes1 {
                owner: NoteOwner::Code(olo),
                owner_range,
                excluded,
                note_line,
            });
        } else {
            // A range owner is a chapter or a section: name it by the outline.
            let (lo_s, hi_s) = (olo.undotted(), ohi.undotted());
            let owner = outline
                .sections
                .iter()
                .find(|s| s.first == lo_s && s.last == hi_s)
                .map(|s| NoteOwner::Section(s.id))
                .or_else(|| {
                    outline
                        .chapters
                        .iter()
                        .find(|c| c.first == lo_s && c.last == hi_s)
                        .map(|c| NoteOwner::Chapter(c.number))
                })
                .unwrap_or(NoteOwner::Code(olo));
            on_ranges.push(Excludes1 {
                owner,
                owner_range,
                excluded,
                note_line,
            });
        }
    }
    on_codes.sort_by_key(|e| e.owner_range.first);
    Excludes1Index {
        on_codes,
        on_ranges,
    }
});

impl Icd10Cm {
    /// The chapter a code belongs to (by its category).
    ///
    /// ```
    /// use medbill_codes::icd10cm::Icd10Cm;
    /// let ch = Icd10Cm::embedded().chapter(&"E11.9".parse().unwrap()).unwrap();
    /// assert_eq!(ch.number(), "4");
    /// assert_eq!(ch.title(), "Endocrine, nutritional and metabolic diseases");
    /// ```
    pub fn chapter(&self, code: &Icd10CmCode) -> Option<Chapter> {
        let cat = code.category();
        OUTLINE
            .chapters
            .iter()
            .find(|c| c.first <= cat && cat <= c.last)
            .copied()
    }

    /// The section a code belongs to (by its category).
    ///
    /// ```
    /// use medbill_codes::icd10cm::Icd10Cm;
    /// let s = Icd10Cm::embedded().section(&"E11.9".parse().unwrap()).unwrap();
    /// assert_eq!((s.id(), s.title()), ("E08-E13", "Diabetes mellitus"));
    /// ```
    pub fn section(&self, code: &Icd10CmCode) -> Option<Section> {
        let cat = code.category();
        OUTLINE
            .sections
            .iter()
            .find(|s| s.first <= cat && cat <= s.last)
            .copied()
    }

    /// Every Excludes1 range that applies to `code`: the notes on the code, its ancestors, its
    /// section and its chapter.
    pub fn excludes1(&self, code: &Icd10CmCode) -> Vec<Excludes1> {
        let index = &*EXCLUDES1;
        let mut out: Vec<Excludes1> = index
            .on_ranges
            .iter()
            .filter(|e| e.owner_range.contains(code))
            .copied()
            .collect();
        let bytes = code.key_bytes();
        for n in 3..=code.len() {
            let mut prefix = [0u8; 7];
            prefix[..n].copy_from_slice(&bytes[..n]);
            let prefix = Icd10CmCode::from_table(prefix, n);
            let start = index
                .on_codes
                .partition_point(|e| e.owner_range.first < prefix);
            out.extend(
                index.on_codes[start..]
                    .iter()
                    .take_while(|e| e.owner_range.first == prefix)
                    .copied(),
            );
        }
        out
    }

    /// Whether an Excludes1 note forbids reporting `a` and `b` together, looked up in both
    /// directions (the note on `a` naming `b`, or on `b` naming `a`).
    ///
    /// ```
    /// use medbill_codes::icd10cm::Icd10Cm;
    /// let cm = Icd10Cm::embedded();
    /// // Type 2 diabetes (E11) excludes type 1 (E10.-).
    /// let c = cm.excludes1_conflict(&"E11.9".parse()?, &"E10.9".parse()?).unwrap();
    /// assert_eq!(c.note.excluded().to_string(), "E10");
    /// assert!(cm.excludes1_conflict(&"E11.9".parse()?, &"I10".parse()?).is_none());
    /// # Ok::<(), medbill_codes::CodeError>(())
    /// ```
    pub fn excludes1_conflict(
        &self,
        a: &Icd10CmCode,
        b: &Icd10CmCode,
    ) -> Option<Excludes1Conflict> {
        let find = |x: &Icd10CmCode, y: &Icd10CmCode| {
            self.excludes1(x)
                .into_iter()
                .find(|e| e.excluded.contains(y))
                .map(|note| Excludes1Conflict {
                    code: *x,
                    excluded: *y,
                    note,
                })
        };
        find(a, b).or_else(|| find(b, a))
    }
}
