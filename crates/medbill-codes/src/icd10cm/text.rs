//! Titles and instructional notes: one deflate-compressed UTF-8 text, decoded on first use.
//!
//! Layout (written by `tools/gen_icd10cm.py`): a first line `RECORDS<TAB>FIRST_NOTE<TAB>NOTES`;
//! then one title line per table record, in record order, holding the long and short title of
//! each release (oldest first) separated by tabs, `^` meaning "as in the previous release" and
//! an empty field "none"; then the note lines `OWNER<TAB>KIND<TAB>TEXT`, sorted by owner (an
//! undotted code, `C:<chapter>` or `S:<section>`).

use std::fmt;

use once_cell::sync::Lazy;

use super::code::Icd10CmCode;
use super::notes::NoteOwner;
use super::set::Icd10Cm;
use super::table;

static DEFLATED: &[u8] = include_bytes!("../../data/icd10cm-text.deflate");

struct Text {
    text: String,
    /// Byte offset of each line after the first.
    lines: Vec<u32>,
    first_note: usize,
    notes: usize,
}

impl Text {
    fn line(&self, i: usize) -> Option<&str> {
        let start = *self.lines.get(i)? as usize;
        let end = self
            .lines
            .get(i + 1)
            .map_or(self.text.len(), |&e| e as usize);
        let line = self.text.get(start..end)?;
        Some(line.strip_suffix('\n').unwrap_or(line))
    }
}

static TEXT: Lazy<Option<Text>> = Lazy::new(|| {
    let bytes = miniz_oxide::inflate::decompress_to_vec(DEFLATED).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let (head, _) = text.split_once('\n')?;
    let mut h = head.split('\t').map(|f| f.parse::<usize>().ok());
    let (Some(Some(records)), Some(Some(first_note)), Some(Some(notes))) =
        (h.next(), h.next(), h.next())
    else {
        return None;
    };
    if records != table::COUNT {
        return None;
    }
    let mut lines = Vec::with_capacity(first_note + notes + 1);
    let mut at = head.len() + 1;
    for line in text[at..].split_inclusive('\n') {
        lines.push(u32::try_from(at).ok()?);
        at += line.len();
    }
    Some(Text {
        text,
        lines,
        first_note,
        notes,
    })
});

/// Long (or short) title of table record `record` in release `release`.
pub(crate) fn title(record: usize, release: usize, short: bool) -> Option<&'static str> {
    let text = TEXT.as_ref()?;
    let line = text.line(record)?;
    let offset = usize::from(short);
    let mut r = release;
    loop {
        let f = line.split('\t').nth(2 * r + offset)?;
        match f {
            "^" if r > 0 => r -= 1,
            "" => return None,
            _ => return Some(f),
        }
    }
}

/// The text of note line `line` (an index counted like the table records).
pub(crate) fn note_text(line: usize) -> Option<&'static str> {
    let text = TEXT.as_ref()?;
    text.line(line)?.splitn(3, '\t').nth(2)
}

/// The kind of an instructional note.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum NoteKind {
    /// "Includes": further defines the content of the category.
    Includes,
    /// Inclusion term: a condition coded here.
    InclusionTerm,
    /// Excludes1: never reported together with the code.
    Excludes1,
    /// Excludes2: not part of this condition, but may be reported together.
    Excludes2,
    /// Code first the underlying condition.
    CodeFirst,
    /// Use an additional code.
    UseAdditionalCode,
    /// Code also.
    CodeAlso,
    /// A general note.
    Note,
    /// A note on the 7th characters.
    SeventhCharacterNote,
    /// A 7th character's definition, as `A=initial encounter`.
    SeventhCharacter,
}

impl NoteKind {
    fn from_letter(s: &str) -> Option<Self> {
        Some(match s {
            "I" => NoteKind::Includes,
            "T" => NoteKind::InclusionTerm,
            "1" => NoteKind::Excludes1,
            "2" => NoteKind::Excludes2,
            "F" => NoteKind::CodeFirst,
            "U" => NoteKind::UseAdditionalCode,
            "A" => NoteKind::CodeAlso,
            "N" => NoteKind::Note,
            "S" => NoteKind::SeventhCharacterNote,
            "7" => NoteKind::SeventhCharacter,
            _ => return None,
        })
    }
}

impl fmt::Display for NoteKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            NoteKind::Includes => "Includes",
            NoteKind::InclusionTerm => "Inclusion term",
            NoteKind::Excludes1 => "Excludes1",
            NoteKind::Excludes2 => "Excludes2",
            NoteKind::CodeFirst => "Code first",
            NoteKind::UseAdditionalCode => "Use additional code",
            NoteKind::CodeAlso => "Code also",
            NoteKind::Note => "Note",
            NoteKind::SeventhCharacterNote => "7th character note",
            NoteKind::SeventhCharacter => "7th character",
        })
    }
}

/// One instructional note of the tabular list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Note {
    /// Where the note sits.
    pub owner: NoteOwner,
    /// What kind of note it is.
    pub kind: NoteKind,
    /// Its text.
    pub text: &'static str,
}

/// The note lines of one owner (`"E11"`, `"C:4"`, `"S:E08-E13"`).
fn notes_of(owner_key: &str) -> impl Iterator<Item = (&'static str, &'static str)> {
    let found = TEXT.as_ref().map(|t| {
        let base = t.first_note;
        let key = |i: usize| t.line(base + i).and_then(|l| l.split('\t').next());
        // Binary search for the first line of the owner.
        let (mut lo, mut hi) = (0, t.notes);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if key(mid).is_some_and(|k| k < owner_key) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        (t, base, lo)
    });
    let mut i = found.map_or(0, |(_, _, lo)| lo);
    std::iter::from_fn(move || {
        let (t, base, _) = found?;
        if i >= t.notes {
            return None;
        }
        let line = t.line(base + i)?;
        let mut f = line.splitn(3, '\t');
        if f.next()? != owner_key {
            return None;
        }
        i += 1;
        Some((f.next()?, f.next()?))
    })
}

impl Icd10Cm {
    /// The long title of `code` in the newest release that has it (short titles and titles by
    /// release: [`Entry::title`](super::Entry::title)).
    ///
    /// ```
    /// use medbill_codes::icd10cm::Icd10Cm;
    /// let cm = Icd10Cm::embedded();
    /// assert_eq!(cm.title(&"S72.001A".parse().unwrap()),
    ///     Some("Fracture of unspecified part of neck of right femur, initial encounter for closed fracture"));
    /// ```
    pub fn title(&self, code: &Icd10CmCode) -> Option<&'static str> {
        self.latest_entry(*code)?.title()
    }

    /// Every instructional note that applies to `code`, outermost first: its chapter's, its
    /// section's, then those of its category and each subdivision down to the code.
    pub fn notes(&self, code: &Icd10CmCode) -> Vec<Note> {
        let mut out = Vec::new();
        let mut push = |owner: NoteOwner, key: &str| {
            for (kind, text) in notes_of(key) {
                if let Some(kind) = NoteKind::from_letter(kind) {
                    out.push(Note { owner, kind, text });
                }
            }
        };
        if let Some(ch) = self.chapter(code) {
            push(
                NoteOwner::Chapter(ch.number()),
                &format!("C:{}", ch.number()),
            );
        }
        if let Some(s) = self.section(code) {
            push(NoteOwner::Section(s.id()), &format!("S:{}", s.id()));
        }
        let text = code.undotted();
        for n in 3..=text.len() {
            if let Ok(prefix) = Icd10CmCode::parse(&text[..n]) {
                push(NoteOwner::Code(prefix), &text[..n]);
            }
        }
        out
    }

    /// The meaning of a code's 7th character, from the nearest `7th character` definition
    /// above it: `"initial encounter for closed fracture"` for `S72.001A`.
    pub fn seventh_character_meaning(&self, code: &Icd10CmCode) -> Option<&'static str> {
        let seventh = self.latest_entry(*code)?.seventh_character()?;
        let text = code.undotted();
        (3..=6).rev().find_map(|n| {
            let mut defs = notes_of(&text[..n])
                .filter(|(kind, _)| *kind == "7")
                .peekable();
            defs.peek()?;
            defs.find_map(|(_, def)| {
                let (c, meaning) = def.split_once('=')?;
                (c.len() == 1 && c.starts_with(seventh)).then_some(meaning)
            })
        })
    }
}
