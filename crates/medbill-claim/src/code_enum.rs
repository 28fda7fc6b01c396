//! A macro for the small closed code lists of the claim forms (frequency, filing indicator, ...).

/// Defines a `Copy` enum of X12 code values with `as_str`, `parse`, `FromStr`, `Display`, serde
/// as the code text, and [`CodeValue`](medbill_codes::CodeValue) so that
/// [`Coded`](medbill_codes::Coded) can hold it as sent. The second literal says what a value is
/// in an error ("a claim frequency code"), the third names the list (`"claim frequency"`).
macro_rules! code_enum {
    (
        $(#[$meta:meta])*
        $name:ident, $what:literal, $list:literal {
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

        impl medbill_codes::CodeValue for $name {
            fn parse_code(text: &str) -> Result<Self, medbill_codes::CodeError> {
                let t = text.trim();
                if t.is_empty() {
                    return Err(medbill_codes::CodeError::Empty {
                        system: medbill_codes::CodeSystem::X12List($list),
                    });
                }
                $( if t.eq_ignore_ascii_case($code) { return Ok($name::$variant); } )+
                Err(medbill_codes::CodeError::Unknown {
                    system: medbill_codes::CodeSystem::X12List($list),
                    code: t.to_owned(),
                })
            }

            fn x12_str(&self) -> &str {
                self.as_str()
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
