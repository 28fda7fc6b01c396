//! [`Text`]: an immutable string that holds short values inline.
//!
//! Most strings of a claim are short: a last name, a member ID, a city, a state code, a
//! patient control number. As `String`s each one was a heap allocation (and a free when the
//! claim dropped), which was the largest single cost of reading an 837 into claims. A
//! [`Text`] of up to [`Text::INLINE_CAPACITY`] bytes lives in the struct that holds it; a
//! longer one is one boxed `str`, as before.

use std::borrow::Borrow;
use std::cmp::Ordering;
use std::convert::Infallible;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::Deref;
use std::str::FromStr;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Bytes held inline: with the length and the variant tag, a `Text` is as large as a `String`.
const INLINE: usize = 22;

/// An immutable string, held inline when it is at most [`INLINE_CAPACITY`](Self::INLINE_CAPACITY)
/// bytes long.
///
/// It is the string type of the claim model's short values (names, identifiers, address
/// parts): the same size as a `String` (24 bytes), but a value of up to 22 bytes needs no heap
/// allocation. It dereferences to `str`, compares equal to `str`, `&str` and `String`, hashes
/// and orders like `str`, and serializes as a JSON string. `Debug` prints it as a `str` does:
/// wrap it in [`Phi`](crate::Phi) when it is protected health information.
///
/// To change one, build a new value: `text = format!("{text} JR").into()`.
///
/// # Example
///
/// ```
/// use medbill_claim::Text;
///
/// let city: Text = "SPRINGFIELD".into();
/// assert_eq!(city, "SPRINGFIELD");
/// assert!(city.is_inline() && city.starts_with("SPRING"));
/// assert_eq!(serde_json::to_string(&city).unwrap(), "\"SPRINGFIELD\"");
///
/// let long = Text::from("A STREET NAME LONGER THAN TWENTY-TWO BYTES");
/// assert!(!long.is_inline());
/// assert_eq!(long.len(), 42);
/// assert_eq!(String::from(long), "A STREET NAME LONGER THAN TWENTY-TWO BYTES");
/// ```
#[derive(Clone)]
pub struct Text(Repr);

#[derive(Clone)]
enum Repr {
    /// `bytes[..len]` is the value, UTF-8 (it was copied from a `str`).
    Inline { len: u8, bytes: [u8; INLINE] },
    /// A value longer than `INLINE` bytes.
    Heap(Box<str>),
}

impl Text {
    /// The longest value, in bytes, held without a heap allocation.
    pub const INLINE_CAPACITY: usize = INLINE;

    /// The empty string.
    pub const fn new() -> Text {
        Text(Repr::Inline {
            len: 0,
            bytes: [0; INLINE],
        })
    }

    /// The value as a `str`.
    pub fn as_str(&self) -> &str {
        match &self.0 {
            Repr::Inline { len, bytes } => {
                // Always UTF-8 (copied from a `str` whole); checked rather than assumed, since
                // the crate has no unsafe code. The check of a few bytes is cheap.
                let bytes = bytes.get(..usize::from(*len)).unwrap_or_default();
                std::str::from_utf8(bytes).unwrap_or_default()
            }
            Repr::Heap(s) => s,
        }
    }

    /// Makes the value empty (freeing a heap value).
    pub fn clear(&mut self) {
        *self = Text::new();
    }

    /// Whether the value is held inline (it is at most
    /// [`INLINE_CAPACITY`](Self::INLINE_CAPACITY) bytes long).
    pub fn is_inline(&self) -> bool {
        matches!(self.0, Repr::Inline { .. })
    }

    /// The value as a `String`.
    pub fn into_string(self) -> String {
        match self.0 {
            Repr::Heap(s) => s.into_string(),
            Repr::Inline { .. } => self.as_str().to_owned(),
        }
    }

    /// `s` inline, when it fits.
    fn inline(s: &str) -> Option<Text> {
        let len = u8::try_from(s.len())
            .ok()
            .filter(|&n| usize::from(n) <= INLINE)?;
        let mut bytes = [0; INLINE];
        bytes[..s.len()].copy_from_slice(s.as_bytes());
        Some(Text(Repr::Inline { len, bytes }))
    }
}

impl Default for Text {
    fn default() -> Self {
        Text::new()
    }
}

impl Deref for Text {
    type Target = str;

    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for Text {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl Borrow<str> for Text {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl From<&str> for Text {
    fn from(s: &str) -> Self {
        Text::inline(s).unwrap_or_else(|| Text(Repr::Heap(s.into())))
    }
}

impl From<&String> for Text {
    fn from(s: &String) -> Self {
        Text::from(s.as_str())
    }
}

impl From<String> for Text {
    fn from(s: String) -> Self {
        Text::inline(&s).unwrap_or_else(|| Text(Repr::Heap(s.into_boxed_str())))
    }
}

impl From<Box<str>> for Text {
    fn from(s: Box<str>) -> Self {
        Text::inline(&s).unwrap_or(Text(Repr::Heap(s)))
    }
}

impl From<Text> for String {
    fn from(t: Text) -> Self {
        t.into_string()
    }
}

impl FromStr for Text {
    type Err = Infallible;

    fn from_str(s: &str) -> Result<Self, Infallible> {
        Ok(Text::from(s))
    }
}

impl fmt::Debug for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

impl PartialEq for Text {
    fn eq(&self, other: &Text) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for Text {}

impl PartialOrd for Text {
    fn partial_cmp(&self, other: &Text) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Text {
    fn cmp(&self, other: &Text) -> Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl Hash for Text {
    fn hash<H: Hasher>(&self, state: &mut H) {
        // As `str` hashes, so that a map keyed by `Text` can be looked up by `&str`.
        self.as_str().hash(state)
    }
}

macro_rules! eq_with {
    ($($other:ty),*) => {$(
        impl PartialEq<$other> for Text {
            fn eq(&self, other: &$other) -> bool {
                self.as_str() == AsRef::<str>::as_ref(other)
            }
        }

        impl PartialEq<Text> for $other {
            fn eq(&self, other: &Text) -> bool {
                AsRef::<str>::as_ref(self) == other.as_str()
            }
        }
    )*};
}

eq_with!(str, &str, String);

impl Serialize for Text {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TextVisitor;

        impl Visitor<'_> for TextVisitor {
            type Value = Text;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }

            fn visit_str<E: de::Error>(self, s: &str) -> Result<Text, E> {
                Ok(Text::from(s))
            }

            fn visit_string<E: de::Error>(self, s: String) -> Result<Text, E> {
                Ok(Text::from(s))
            }
        }

        deserializer.deserialize_str(TextVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::Text;
    use proptest::prelude::*;
    use std::collections::HashSet;

    #[test]
    fn is_as_large_as_a_string() {
        assert_eq!(std::mem::size_of::<Text>(), std::mem::size_of::<String>());
        assert_eq!(
            std::mem::size_of::<Option<Text>>(),
            std::mem::size_of::<Text>()
        );
    }

    #[test]
    fn holds_up_to_the_capacity_inline() {
        let fits = "x".repeat(Text::INLINE_CAPACITY);
        let over = "x".repeat(Text::INLINE_CAPACITY + 1);
        assert!(Text::from(fits.as_str()).is_inline());
        assert!(!Text::from(over.as_str()).is_inline());
        assert!(Text::from(fits.clone()).is_inline());
        assert!(!Text::from(over.clone()).is_inline());
        assert_eq!(Text::from(over.clone()), over);
        assert!(Text::new().is_empty() && Text::default().is_inline());
        // A multi-byte character that ends exactly at the capacity, and one that would not fit.
        let edge = format!("{}é", "x".repeat(Text::INLINE_CAPACITY - 2));
        assert!(Text::from(edge.as_str()).is_inline());
        assert_eq!(Text::from(edge.as_str()), edge);
        let past = format!("{}é", "x".repeat(Text::INLINE_CAPACITY - 1));
        assert!(!Text::from(past.as_str()).is_inline());
        assert_eq!(Text::from(past.as_str()), past);
    }

    #[test]
    fn looks_up_by_str() {
        let set: HashSet<Text> = ["A".into(), "B".repeat(40).into()].into_iter().collect();
        assert!(set.contains("A"));
        assert!(set.contains("B".repeat(40).as_str()));
        assert!(!set.contains("C"));
    }

    #[test]
    fn formats_as_a_str() {
        let t = Text::from("DOE");
        assert_eq!(format!("{t:?}"), "\"DOE\"");
        assert_eq!(format!("[{t:>5}]"), "[  DOE]");
        assert_eq!(t.to_string(), "DOE");
    }

    #[test]
    fn rejects_what_is_not_a_string() {
        assert!(serde_json::from_str::<Text>("12").is_err());
        assert!(serde_json::from_str::<Text>("null").is_err());
    }

    proptest! {
        #[test]
        fn behaves_as_the_string_it_holds(a in "\\PC{0,40}", b in "\\PC{0,40}") {
            let (ta, tb) = (Text::from(a.as_str()), Text::from(b.clone()));
            prop_assert_eq!(ta.as_str(), a.as_str());
            prop_assert_eq!(ta.len(), a.len());
            prop_assert_eq!(ta.is_inline(), a.len() <= Text::INLINE_CAPACITY);
            prop_assert_eq!(ta == tb, a == b);
            prop_assert_eq!(ta.cmp(&tb), a.cmp(&b));
            prop_assert_eq!(&ta, &a);
            prop_assert_eq!(ta.clone().into_string(), a.clone());
            let json = serde_json::to_string(&ta).unwrap();
            prop_assert_eq!(&json, &serde_json::to_string(&a).unwrap());
            prop_assert_eq!(serde_json::from_str::<Text>(&json).unwrap(), ta);
        }
    }
}
