//! A value several claims hold in common.

use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::{Deref, DerefMut};
use std::sync::Arc;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A value that many claims carry unchanged, such as the billing provider every claim of an
/// 837 billing-provider loop repeats, held once for all of them: cloning it copies a pointer.
///
/// It behaves as a `T` the claim owns. Reading goes through `Deref`; writing through
/// `DerefMut` first copies the value when another holder shares it (copy on write), so
/// changing one claim never changes another. Equality, hashing, `Debug` and serde are those of
/// `T` (a claim's JSON is the same as with a plain `T`).
///
/// ```
/// use medbill_claim::{Address, BillingProvider, Phi, Provider, Shared};
///
/// let provider = BillingProvider {
///     provider: Provider::organization("EXAMPLE CLINIC", "1234567893".parse()?),
///     tin: Phi::new("123456789".into()),
///     tin_is_ssn: false,
///     address: Address::default(),
/// };
/// let first = Shared::new(provider);
/// let mut second = first.clone();
/// assert!(Shared::ptr_eq(&first, &second));
///
/// // A change is the changed claim's own.
/// second.address.city = "SPRINGFIELD".into();
/// assert_eq!(first.address.city, "");
/// assert_eq!(second.address.city, "SPRINGFIELD");
/// assert!(!Shared::ptr_eq(&first, &second));
/// # Ok::<(), medbill_codes::CodeError>(())
/// ```
pub struct Shared<T>(Arc<T>);

impl<T> Shared<T> {
    /// Wraps a value.
    pub fn new(value: T) -> Self {
        Shared(Arc::new(value))
    }

    /// Whether both hold the very same value (not merely equal ones).
    pub fn ptr_eq(a: &Self, b: &Self) -> bool {
        Arc::ptr_eq(&a.0, &b.0)
    }
}

impl<T: Clone> Shared<T> {
    /// The value, copied when another holder shares it.
    pub fn into_inner(self) -> T {
        Arc::unwrap_or_clone(self.0)
    }
}

impl<T> Clone for Shared<T> {
    fn clone(&self) -> Self {
        Shared(Arc::clone(&self.0))
    }
}

impl<T> Deref for Shared<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: Clone> DerefMut for Shared<T> {
    fn deref_mut(&mut self) -> &mut T {
        Arc::make_mut(&mut self.0)
    }
}

impl<T> AsRef<T> for Shared<T> {
    fn as_ref(&self) -> &T {
        &self.0
    }
}

impl<T> From<T> for Shared<T> {
    fn from(value: T) -> Self {
        Shared::new(value)
    }
}

impl<T: Default> Default for Shared<T> {
    fn default() -> Self {
        Shared::new(T::default())
    }
}

impl<T: PartialEq> PartialEq for Shared<T> {
    fn eq(&self, other: &Self) -> bool {
        // Claims read under one provider hold the same value: no need to compare it.
        Shared::ptr_eq(self, other) || *self.0 == *other.0
    }
}

impl<T: Eq> Eq for Shared<T> {}

impl<T: Hash> Hash for Shared<T> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        (*self.0).hash(state);
    }
}

impl<T: fmt::Debug> fmt::Debug for Shared<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        (*self.0).fmt(f)
    }
}

impl<T: Serialize> Serialize for Shared<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        (*self.0).serialize(s)
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Shared<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        T::deserialize(d).map(Shared::new)
    }
}
