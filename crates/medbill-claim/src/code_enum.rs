//! A macro for the small closed code lists of the claim forms (frequency, filing indicator, ...).

/// Defines a `Copy` enum of X12 code values with `as_str`, `parse`, `FromStr`, `Display` and
/// serde as the code text.
macro_rules! code_enum {
    (
        $(#[$meta:meta])*
        $name:ident, $what:literal {
            $( $(#[$vmeta:meta])* $variant:ident = $code:literal, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The X12 code.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $( $name::$variant => $code, )+
                }
            }

            /// Parses the X12 code (surrounding spaces ignored, letters in any case).
            pub fn parse(s: &str) -> Result<Self, $crate::ClaimError> {
                let t = s.trim();
                $( if t.eq_ignore_ascii_case($code) { return Ok($name::$variant); } )+
                Err($crate::ClaimError::invalid(
                    stringify!($name),
                    format!("{:?} is not {}", t, $what),
                ))
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::ClaimError;
            fn from_str(s: &str) -> Result<Self, $crate::ClaimError> {
                Self::parse(s)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(d)?;
                Self::parse(&s).map_err(serde::de::Error::custom)
            }
        }
    };
}
pub(crate) use code_enum;
