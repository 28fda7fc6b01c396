//! Short lists held inline: a line's modifiers and diagnosis pointers.
//!
//! X12 gives a service line at most four modifiers (SV101-3 to SV101-6, CMS-1500 box 24D) and
//! at most four diagnosis pointers (SV107, box 24E). A `Vec` for each cost two heap
//! allocations per line; these types hold the values in the line itself.

use std::fmt;

use medbill_codes::{Coded, Modifier};
use serde::de::{self, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// What fills the unused slots of [`Modifiers`]: never seen, since only the first
/// [`len`](Modifiers::len) slots are read.
fn unused_modifier() -> Coded<Modifier> {
    // A constant: a list is made for every service line read.
    const UNUSED: Modifier = match Modifier::from_ascii(*b"25") {
        Some(m) => m,
        None => panic!("25 is a modifier"),
    };
    Coded::Valid(UNUSED)
}

macro_rules! inline_list {
    (
        $(#[$doc:meta])*
        $name:ident, $item:ty, $items:literal, $unused:expr, $example:literal
    ) => {
        $(#[$doc])*
        ///
        /// It holds up to four values. Given more (by [`push`](Self::push), `collect` or
        /// [`from_slice`](Self::from_slice)), it keeps the first four and counts the rest, so
        /// that the claim builder can refuse the line as it would a longer list:
        /// [`given`](Self::given) is how many were given, and the slice (through `Deref`) is
        /// the ones kept. It serializes as a JSON array of the values kept; deserializing an
        /// array of more than four is an error.
        ///
        /// # Example
        ///
        /// ```
        #[doc = $example]
        /// ```
        #[derive(Clone)]
        pub struct $name {
            items: [$item; 4],
            /// How many were given (saturating); the first `min(given, 4)` are kept.
            given: u32,
        }

        impl $name {
            /// The most values kept.
            pub const CAPACITY: usize = 4;

            /// An empty list.
            pub fn new() -> Self {
                $name {
                    items: std::array::from_fn(|_| $unused),
                    given: 0,
                }
            }

            /// A list of `items` (beyond the fourth, only counted).
            pub fn from_slice<T: Clone + Into<$item>>(items: &[T]) -> Self {
                let mut list = Self::new();
                for item in items {
                    list.push(item.clone());
                }
                list
            }

            /// Adds `item` when fewer than four are held; otherwise only counts it.
            pub fn push(&mut self, item: impl Into<$item>) {
                let at = self.given as usize;
                if at < Self::CAPACITY {
                    self.items[at] = item.into();
                }
                self.given = self.given.saturating_add(1);
            }

            /// Keeps only the values `keep` accepts, in order (values given past the fourth
            /// stay counted: they were never seen).
            pub fn retain(&mut self, mut keep: impl FnMut(&$item) -> bool) {
                let excess = self.given.saturating_sub(Self::CAPACITY as u32);
                let mut kept = Self::new();
                for item in self.as_slice() {
                    if keep(item) {
                        kept.push(item.clone());
                    }
                }
                kept.given = kept.given.saturating_add(excess);
                *self = kept;
            }

            /// Empties the list.
            pub fn clear(&mut self) {
                *self = Self::new();
            }

            /// How many values were given, including any past the fourth that were not kept
            /// (saturating at `u32::MAX`).
            pub fn given(&self) -> usize {
                self.given as usize
            }

            /// The values kept, in order.
            pub fn as_slice(&self) -> &[$item] {
                &self.items[..(self.given as usize).min(Self::CAPACITY)]
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl std::ops::Deref for $name {
            type Target = [$item];

            fn deref(&self) -> &[$item] {
                self.as_slice()
            }
        }

        impl AsRef<[$item]> for $name {
            fn as_ref(&self) -> &[$item] {
                self.as_slice()
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_list().entries(self.as_slice()).finish()?;
                if self.given() > Self::CAPACITY {
                    write!(f, " (+{} not kept)", self.given() - Self::CAPACITY)?;
                }
                Ok(())
            }
        }

        impl PartialEq for $name {
            fn eq(&self, other: &Self) -> bool {
                self.given == other.given && self.as_slice() == other.as_slice()
            }
        }

        impl Eq for $name {}

        impl<T> PartialEq<[T]> for $name
        where
            $item: PartialEq<T>,
        {
            fn eq(&self, other: &[T]) -> bool {
                self.given() == other.len() && self.as_slice().iter().zip(other).all(|(a, b)| a == b)
            }
        }

        impl<T, const N: usize> PartialEq<[T; N]> for $name
        where
            $item: PartialEq<T>,
        {
            fn eq(&self, other: &[T; N]) -> bool {
                *self == other[..]
            }
        }

        impl<T> PartialEq<Vec<T>> for $name
        where
            $item: PartialEq<T>,
        {
            fn eq(&self, other: &Vec<T>) -> bool {
                *self == other[..]
            }
        }

        impl<T: Into<$item>> FromIterator<T> for $name {
            fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
                let mut list = Self::new();
                list.extend(iter);
                list
            }
        }

        impl<T: Into<$item>> Extend<T> for $name {
            fn extend<I: IntoIterator<Item = T>>(&mut self, iter: I) {
                for item in iter {
                    self.push(item);
                }
            }
        }

        impl<T: Clone + Into<$item>, const N: usize> From<[T; N]> for $name {
            fn from(items: [T; N]) -> Self {
                Self::from_slice(&items)
            }
        }

        impl<'a> IntoIterator for &'a $name {
            type Item = &'a $item;
            type IntoIter = std::slice::Iter<'a, $item>;

            fn into_iter(self) -> Self::IntoIter {
                self.as_slice().iter()
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                self.as_slice().serialize(serializer)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct ListVisitor;

                impl<'de> Visitor<'de> for ListVisitor {
                    type Value = $name;

                    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                        f.write_str(concat!("an array of at most four ", $items))
                    }

                    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<$name, A::Error> {
                        let mut list = $name::new();
                        while let Some(item) = seq.next_element::<$item>()? {
                            if list.given() == $name::CAPACITY {
                                return Err(de::Error::invalid_length(
                                    $name::CAPACITY + 1,
                                    &concat!("at most four ", $items),
                                ));
                            }
                            list.push(item);
                        }
                        Ok(list)
                    }
                }

                deserializer.deserialize_seq(ListVisitor)
            }
        }
    };
}

inline_list!(
    /// A service line's procedure modifiers (SV101-3 to SV101-6, SV202-3 to SV202-6), in order,
    /// each as sent ([`Coded`]: a modifier, or the text with why it is not one).
    Modifiers,
    Coded<Modifier>,
    "modifiers",
    unused_modifier(),
    "use medbill_claim::Modifiers;\nuse medbill_codes::{Coded, Modifier};\n\nlet m: Modifier = \"25\".parse().unwrap();\nlet mut list = Modifiers::from_slice(&[m]);\nassert_eq!(list.len(), 1);\nassert_eq!(list[0], m);\nlist.push(Coded::<Modifier>::parse(\"2-\"));\nassert!(!list[1].is_valid());\nlist.retain(|c| c.is_valid());\nlist.extend([m, m, m, m]);\n// Five given, four kept: the claim builder refuses the line.\nassert_eq!((list.len(), list.given()), (4, 5));\nassert_eq!(serde_json::to_string(&Modifiers::from_slice(&[m])).unwrap(), r#\"[\"25\"]\"#);"
);

inline_list!(
    /// A professional line's 1-based pointers into the claim's diagnoses (SV107), most
    /// important first.
    DiagnosisPointers,
    u8,
    "diagnosis pointers",
    0,
    "use medbill_claim::DiagnosisPointers;\n\nlet pointers = DiagnosisPointers::from_slice(&[1, 3]);\nassert_eq!(pointers, [1, 3]);\nassert_eq!(serde_json::to_string(&pointers).unwrap(), \"[1,3]\");\nlet five: Result<DiagnosisPointers, _> = serde_json::from_str(\"[1,2,3,4,5]\");\nassert!(five.unwrap_err().to_string().contains(\"at most four\"));"
);

// Pointers are plain numbers: the list is a copyable value.
impl Copy for DiagnosisPointers {}

#[cfg(test)]
mod tests {
    use super::{DiagnosisPointers, Modifiers};
    use medbill_codes::Modifier;

    #[test]
    fn lists_keep_four_and_count_the_rest() {
        let mut p = DiagnosisPointers::new();
        assert!(p.is_empty());
        for n in 1..=6 {
            p.push(n);
        }
        assert_eq!(p.as_slice(), &[1, 2, 3, 4]);
        assert_eq!(p.given(), 6);
        assert_ne!(p, DiagnosisPointers::from_slice(&[1, 2, 3, 4]));
        assert_ne!(p, [1, 2, 3, 4]);
        p.clear();
        assert_eq!(p, DiagnosisPointers::default());
        let m: Modifier = "59".parse().unwrap();
        let list: Modifiers = [m, m].into_iter().collect();
        assert_eq!(list.len(), 2);
        assert_eq!(format!("{list:?}"), format!("{:?}", vec![m, m]));
    }

    #[test]
    fn lists_serialize_as_arrays() {
        let m: Modifier = "59".parse().unwrap();
        for n in 0..=4 {
            let v = vec![m; n];
            let list = Modifiers::from_slice(&v);
            let json = serde_json::to_string(&list).unwrap();
            assert_eq!(json, serde_json::to_string(&v).unwrap());
            let back: Modifiers = serde_json::from_str(&json).unwrap();
            assert_eq!(back, list);
        }
        let err = serde_json::from_str::<Modifiers>(r#"["25","25","25","25","25"]"#).unwrap_err();
        assert!(err.to_string().contains("at most four modifiers"), "{err}");
        let err = serde_json::from_str::<DiagnosisPointers>("[1,2,3,4,5]").unwrap_err();
        assert!(
            err.to_string().contains("at most four diagnosis pointers"),
            "{err}"
        );
    }
}
