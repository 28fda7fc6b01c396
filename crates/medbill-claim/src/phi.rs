//! Protected health information kept out of logs.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A value that is protected health information: a name, birth date, member ID, SSN or address.
///
/// `Debug` and `Display` print `<redacted>`, so a `Phi` can sit inside a struct that derives
/// `Debug`, or inside an error, without leaking into logs. Reading the value takes an explicit
/// [`reveal`](Phi::reveal).
///
/// Serde reads and writes the real value: a claim serialised to JSON is data on its way to a
/// payer or a database, and a redacted copy would be useless there. Redact before serialising
/// when the output is for people rather than systems.
///
/// ```
/// use medbill_claim::Phi;
/// let member_id = Phi::new("W123456789".to_string());
/// assert_eq!(format!("{member_id:?}"), "<redacted>");
/// assert_eq!(member_id.to_string(), "<redacted>");
/// assert_eq!(member_id.reveal(), "W123456789");
/// assert_eq!(serde_json::to_string(&member_id).unwrap(), "\"W123456789\"");
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Phi<T>(T);

impl<T> Phi<T> {
    /// Wraps a value.
    pub const fn new(value: T) -> Self {
        Phi(value)
    }

    /// Returns the protected value. Every call site is a place PHI leaves the wrapper.
    pub const fn reveal(&self) -> &T {
        &self.0
    }

    /// The value, to change it in place (as explicit as [`reveal`](Phi::reveal)).
    ///
    /// ```
    /// use medbill_claim::Phi;
    /// let mut id = Phi::new(String::from("W1"));
    /// id.reveal_mut().push('2');
    /// assert_eq!(id.reveal(), "W12");
    /// ```
    pub fn reveal_mut(&mut self) -> &mut T {
        &mut self.0
    }

    /// Unwraps the protected value.
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> From<T> for Phi<T> {
    fn from(value: T) -> Self {
        Phi(value)
    }
}

impl<T> fmt::Debug for Phi<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl<T> fmt::Display for Phi<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}
