//! The four delimiters of an interchange, and finding them in an ISA segment.

use std::fmt;

/// The delimiters an interchange declares in its ISA segment.
///
/// ```
/// use medbill_x12::Delimiters;
///
/// let d = Delimiters::default();
/// assert_eq!((d.element, d.repetition, d.component, d.segment), (b'*', Some(b'^'), b':', b'~'));
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Delimiters {
    /// Separates elements; the byte right after `ISA`.
    pub element: u8,
    /// Separates repetitions of an element (ISA11 in 00501); `None` when ISA11 is a letter
    /// such as the `U` of 00401.
    pub repetition: Option<u8>,
    /// Separates components of a composite element (ISA16).
    pub component: u8,
    /// Ends each segment; the byte right after ISA16.
    pub segment: u8,
}

impl Default for Delimiters {
    /// The delimiters most 5010 files use: `*`, `^`, `:` and `~`.
    fn default() -> Delimiters {
        Delimiters {
            element: b'*',
            repetition: Some(b'^'),
            component: b':',
            segment: b'~',
        }
    }
}

impl fmt::Debug for Delimiters {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let show = |b: u8| std::ascii::escape_default(b).to_string();
        f.debug_struct("Delimiters")
            .field("element", &show(self.element))
            .field("repetition", &self.repetition.map(show))
            .field("component", &show(self.component))
            .field("segment", &show(self.segment))
            .finish()
    }
}

impl Delimiters {
    /// Whether the four delimiters are usable together: pairwise distinct, none a letter, a digit
    /// or a space, and only the segment terminator may be a line break.
    pub fn is_valid(&self) -> bool {
        let usable = |b: u8| !b.is_ascii_alphanumeric() && b != b' ' && b != b'\r' && b != b'\n';
        let (e, c, s) = (self.element, self.component, self.segment);
        let distinct = e != c
            && e != s
            && c != s
            && self.repetition.is_none_or(|r| r != e && r != c && r != s);
        distinct
            && usable(e)
            && usable(c)
            && self.repetition.is_none_or(usable)
            && !s.is_ascii_alphanumeric()
            && s != b' '
    }

    /// Whether `b` is one of the four delimiters.
    pub fn contains(&self, b: u8) -> bool {
        b == self.element || b == self.component || b == self.segment || Some(b) == self.repetition
    }
}

/// Length of a padded ISA segment including its terminator.
pub(crate) const ISA_LEN: usize = 106;

/// Offsets of the 16 element separators in a padded ISA, from the `I` of `ISA`.
const ISA_SEPARATORS: [usize; 16] = [
    3, 6, 17, 20, 31, 34, 50, 53, 69, 76, 81, 83, 89, 99, 101, 103,
];

/// How far past `ISA` an unpadded header may run before we stop looking for its 16 separators.
const ISA_UNPADDED_LIMIT: usize = 400;

/// What we learnt from an ISA header found in the input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct IsaFound {
    /// The interchange's delimiters.
    pub(crate) delimiters: Delimiters,
    /// Offset of the segment terminator, relative to the `I` of `ISA`.
    pub(crate) terminator_at: usize,
    /// Whether the fields had their fixed widths.
    pub(crate) padded: bool,
    /// ISA11 was a single non-alphanumeric byte that clashed with another delimiter or was a
    /// letter in a 00501-or-later interchange: noted so the envelope reader can warn.
    pub(crate) letter_repetition: bool,
}

/// The result of looking for an ISA header at a position.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum IsaScan {
    /// A usable header.
    Found(IsaFound),
    /// Not an interchange header (for example the text "ISAAC").
    No,
    /// The buffer ends before we can tell.
    NeedMore,
}

/// Looks for an ISA header starting exactly at `buf[0]`.
///
/// A padded header is recognised by its 16 separators at their fixed offsets; an unpadded one by
/// splitting on the element separator, and then only when ISA12 and ISA13 are digits, so that
/// prose mentioning "ISA" is not taken for an envelope.
pub(crate) fn scan_isa(buf: &[u8], eof: bool) -> IsaScan {
    if buf.len() < 4 {
        return if !eof && b"ISA".starts_with(buf) {
            IsaScan::NeedMore
        } else {
            IsaScan::No
        };
    }
    if &buf[..3] != b"ISA" {
        return IsaScan::No;
    }
    let sep = buf[3];
    if sep.is_ascii_alphanumeric() || sep.is_ascii_whitespace() || sep == 0 {
        return IsaScan::No;
    }
    if buf.len() >= ISA_LEN {
        let fixed = ISA_SEPARATORS.iter().all(|&i| buf[i] == sep)
            && (4..104).filter(|&i| buf[i] == sep).count() == 15;
        if fixed {
            return finish(buf, sep, 104, true);
        }
    } else if !eof {
        return IsaScan::NeedMore;
    }
    // Unpadded: find the 16th separator by splitting.
    let limit = buf.len().min(ISA_UNPADDED_LIMIT);
    let mut seen = 0;
    for i in 3..limit {
        match buf[i] {
            b'\r' | b'\n' => return IsaScan::No,
            b if b == sep => {
                seen += 1;
                if seen == 16 {
                    if i + 2 >= buf.len() {
                        return if eof { IsaScan::No } else { IsaScan::NeedMore };
                    }
                    return finish(buf, sep, i + 1, false);
                }
            }
            _ => {}
        }
    }
    if limit == buf.len() && !eof && buf.len() < ISA_UNPADDED_LIMIT {
        IsaScan::NeedMore
    } else {
        IsaScan::No
    }
}

/// Validates the delimiters of a header whose ISA16 is at `component_at`.
fn finish(buf: &[u8], sep: u8, component_at: usize, padded: bool) -> IsaScan {
    let component = buf[component_at];
    let segment = buf[component_at + 1];
    let fields = IsaFields::split(&buf[..component_at + 1], sep);
    if !padded {
        let digits = |f: &[u8]| {
            let t = trim(f);
            !t.is_empty() && t.iter().all(u8::is_ascii_digit)
        };
        if !digits(fields.get(12)) || !digits(fields.get(13)) {
            return IsaScan::No;
        }
    }
    let isa11 = fields.get(11);
    let version_5010_or_later = trim(fields.get(12)) >= &b"00402"[..];
    let mut delimiters = Delimiters {
        element: sep,
        repetition: None,
        component,
        segment,
    };
    let mut letter_repetition = false;
    if let [r] = isa11 {
        if r.is_ascii_alphanumeric() || *r == b' ' {
            letter_repetition = version_5010_or_later;
        } else {
            delimiters.repetition = Some(*r);
            if !delimiters.is_valid() {
                delimiters.repetition = None;
                letter_repetition = true;
            }
        }
    }
    if !delimiters.is_valid() {
        return IsaScan::No;
    }
    IsaScan::Found(IsaFound {
        delimiters,
        terminator_at: component_at + 1,
        padded,
        letter_repetition,
    })
}

/// Trims ASCII spaces from both ends.
pub(crate) fn trim(bytes: &[u8]) -> &[u8] {
    let start = bytes.iter().position(|&b| b != b' ').unwrap_or(bytes.len());
    let end = bytes
        .iter()
        .rposition(|&b| b != b' ')
        .map_or(start, |e| e + 1);
    &bytes[start..end]
}

/// The 16 fields of an ISA, split on the element separator without looking at other delimiters.
pub(crate) struct IsaFields<'a> {
    fields: [&'a [u8]; 17],
}

impl<'a> IsaFields<'a> {
    /// Splits `isa` (from `ISA` up to but not including the terminator).
    pub(crate) fn split(isa: &'a [u8], sep: u8) -> IsaFields<'a> {
        let mut fields: [&'a [u8]; 17] = [&[]; 17];
        for (slot, part) in fields.iter_mut().zip(isa.split(|&b| b == sep)) {
            *slot = part;
        }
        IsaFields { fields }
    }

    /// ISA field `n` (1-based), empty when absent.
    pub(crate) fn get(&self, n: usize) -> &'a [u8] {
        self.fields.get(n).copied().unwrap_or(&[])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ISA: &[u8] = b"ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *210101*1200*^*00501*000000001*0*T*:~";

    #[test]
    fn padded_header() {
        assert_eq!(ISA.len(), ISA_LEN);
        let IsaScan::Found(found) = scan_isa(ISA, true) else {
            panic!("not found")
        };
        assert!(found.padded);
        assert_eq!(found.delimiters, Delimiters::default());
        assert_eq!(found.terminator_at, 105);
    }

    #[test]
    fn unpadded_header_falls_back_to_splitting() {
        let isa = b"ISA*00*x*00*y*ZZ*S*ZZ*R*210101*1200*U*00401*000000001*0*T*>\n";
        let IsaScan::Found(found) = scan_isa(isa, true) else {
            panic!("not found")
        };
        assert!(!found.padded);
        assert_eq!(found.delimiters.repetition, None);
        assert_eq!(found.delimiters.component, b'>');
        assert_eq!(found.delimiters.segment, b'\n');
    }

    #[test]
    fn prose_is_not_an_envelope() {
        assert_eq!(scan_isa(b"ISAAC Newton wrote", true), IsaScan::No);
        assert_eq!(scan_isa(b"ISA is the header", true), IsaScan::No);
        assert_eq!(scan_isa(b"ISA*a*b*c", true), IsaScan::No);
        assert_eq!(scan_isa(b"IS", false), IsaScan::NeedMore);
        assert_eq!(scan_isa(&ISA[..50], false), IsaScan::NeedMore);
    }

    #[test]
    fn letter_isa11_in_5010_is_noted() {
        let mut isa = ISA.to_vec();
        isa[82] = b'U';
        let IsaScan::Found(found) = scan_isa(&isa, true) else {
            panic!("not found")
        };
        assert_eq!(found.delimiters.repetition, None);
        assert!(found.letter_repetition);
    }
}
