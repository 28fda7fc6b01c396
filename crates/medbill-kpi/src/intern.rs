//! Claim-id interning for the claim book: each distinct id gets a dense index, in order of
//! first appearance.
//!
//! The look-up runs once per event and is the book's hot path. A general hash map costs two
//! cache misses per look-up on a table far larger than the cache (control bytes, then the
//! entry); here an entry holds the packed id and its index together, so a look-up touches
//! one cache line, and a small direct-mapped table of recently seen ids sits in front of it.
//! Ledgers are written in date order and a claim's events cluster in time (entry, coding,
//! submission and acknowledgment within days), so most look-ups are answered from the small
//! table, which stays in cache.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// A claim id of up to 15 bytes packed with its length (distinct ids, distinct keys).
/// `EMPTY_KEY` is no id's key: a real key's top byte is its length, at most 15.
type ShortKey = u128;
const EMPTY_KEY: ShortKey = u128::MAX;

#[derive(Clone, Copy)]
struct Slot {
    key: ShortKey,
    claim: u32,
}

const EMPTY: Slot = Slot {
    key: EMPTY_KEY,
    claim: u32::MAX,
};

/// Slots in the table of recently seen ids: 32 KiB entries of 32 bytes, 1 MiB, about the
/// claims of a few weeks in a large practice's ledger; small enough to stay in cache.
const RECENT_BITS: u32 = 15;

/// Ids interned a step at a time by [`ClaimInterner::intern_batch`].
pub(crate) const BATCH: usize = 32;

/// An empty entry of the main table.
const VACANT: u64 = u64::MAX;

/// Dense claim indices by claim id.
#[derive(Clone)]
pub(crate) struct ClaimInterner {
    /// Open addressing, linear probing; length a power of two, at most half full. An entry
    /// is the low half of the id's hash above the claim index: eight bytes, so the table is a
    /// quarter the size of one holding the ids, and the id itself is checked in `keys`,
    /// where claims of the same weeks sit together.
    slots: Vec<u64>,
    /// Each claim's packed id, by index (`EMPTY_KEY` for long ids).
    keys: Vec<ShortKey>,
    shift: u32,
    len: usize,
    recent: Vec<Slot>,
    /// Ids longer than 15 bytes (rare).
    long: HashMap<Box<str>, u32, BuildHasherDefault<LongIdHasher>>,
    next: u32,
}

impl ClaimInterner {
    /// An interner sized for about `claims` distinct ids (it grows as needed).
    pub(crate) fn with_capacity(claims: usize) -> Self {
        let bits = (claims.max(8) * 2).next_power_of_two().trailing_zeros();
        ClaimInterner {
            slots: vec![VACANT; 1 << bits],
            keys: Vec::with_capacity(claims),
            shift: 64 - bits,
            len: 0,
            recent: vec![EMPTY; 1 << RECENT_BITS],
            long: HashMap::default(),
            next: 0,
        }
    }

    /// The index of `id`, and whether it is new. Indices count up from 0 in order of first
    /// appearance.
    #[inline]
    pub(crate) fn intern(&mut self, id: &str) -> (u32, bool) {
        let Some(key) = short_key(id) else {
            return self.intern_long(id);
        };
        let h = hash(key);
        let r = (h >> (64 - RECENT_BITS)) as usize;
        let cached = self.recent[r];
        if cached.key == key {
            return (cached.claim, false);
        }
        let found = self.find_or_insert(key, h);
        self.recent[r] = Slot {
            key,
            claim: found.0,
        };
        found
    }

    /// Interns a batch of ids (`None`: skip, giving `u32::MAX`), writing each index and
    /// whether it is new to `out`, in order.
    ///
    /// Each step runs over the whole batch before the next: reading the ids' bytes, then the
    /// recent table, then the main table. The loads of one step do not depend on each other,
    /// so the processor overlaps their cache misses instead of waiting on one at a time.
    pub(crate) fn intern_batch(&mut self, ids: &[Option<&str>], out: &mut Vec<(u32, bool)>) {
        out.clear();
        let n = ids.len().min(BATCH);
        let mut keys = [EMPTY_KEY; BATCH];
        let mut hashes = [0u64; BATCH];
        for j in 0..n {
            if let Some(key) = ids[j].and_then(short_key) {
                keys[j] = key;
                hashes[j] = hash(key);
            }
        }
        let mut cached = [EMPTY; BATCH];
        for j in 0..n {
            cached[j] = self.recent[(hashes[j] >> (64 - RECENT_BITS)) as usize];
        }
        let mut probed = [VACANT; BATCH];
        for j in 0..n {
            if keys[j] != EMPTY_KEY && cached[j].key != keys[j] {
                probed[j] = self.slots[(hashes[j] >> self.shift) as usize];
            }
        }
        for j in 0..n {
            let key = keys[j];
            let found = if key == EMPTY_KEY {
                match ids[j] {
                    Some(id) => self.intern_long(id),
                    None => (u32::MAX, false),
                }
            } else if cached[j].key == key {
                (cached[j].claim, false)
            } else {
                // A key once placed keeps its index (tables only gain keys), so an early
                // read of its slot is still right after inserts earlier in the batch.
                let found = if let Some(ci) = self.entry_claim(probed[j], key, hashes[j]) {
                    (ci, false)
                } else {
                    self.find_or_insert(key, hashes[j])
                };
                self.recent[(hashes[j] >> (64 - RECENT_BITS)) as usize] = Slot {
                    key,
                    claim: found.0,
                };
                found
            };
            out.push(found);
        }
        for id in &ids[n..] {
            out.push(match id {
                Some(id) => self.intern(id),
                None => (u32::MAX, false),
            });
        }
    }

    fn intern_long(&mut self, id: &str) -> (u32, bool) {
        if let Some(&ci) = self.long.get(id) {
            return (ci, false);
        }
        let ci = self.take_index(EMPTY_KEY);
        self.long.insert(id.into(), ci);
        (ci, true)
    }

    /// The index of `id` if it was interned.
    pub(crate) fn get(&self, id: &str) -> Option<u32> {
        let Some(key) = short_key(id) else {
            return self.long.get(id).copied();
        };
        let h = hash(key);
        let mask = self.slots.len() - 1;
        let mut i = (h >> self.shift) as usize;
        loop {
            let entry = self.slots[i];
            if entry == VACANT {
                return None;
            }
            if let Some(ci) = self.entry_claim(entry, key, h) {
                return Some(ci);
            }
            i = (i + 1) & mask;
        }
    }

    /// Heap bytes held (capacity, not length).
    pub(crate) fn heap_bytes(&self) -> usize {
        self.slots.capacity() * 8
            + self.keys.capacity() * 16
            + self.recent.capacity() * std::mem::size_of::<Slot>()
            + self
                .long
                .keys()
                .map(|k| k.len() + 2 * std::mem::size_of::<usize>() + 8)
                .sum::<usize>()
    }

    fn take_index(&mut self, key: ShortKey) -> u32 {
        let ci = self.next;
        self.keys.push(key);
        // More than four billion claims cannot be indexed in a u32; the book stops long
        // before (its claims would not fit in memory), so saturating is enough.
        self.next = self.next.saturating_add(1);
        ci
    }

    /// The claim of a main-table entry if the entry is `key`'s.
    #[inline]
    fn entry_claim(&self, entry: u64, key: ShortKey, h: u64) -> Option<u32> {
        let ci = entry as u32;
        ((entry >> 32) as u32 == h as u32
            && entry != VACANT
            && self.keys.get(ci as usize) == Some(&key))
        .then_some(ci)
    }

    #[inline]
    fn find_or_insert(&mut self, key: ShortKey, h: u64) -> (u32, bool) {
        let mask = self.slots.len() - 1;
        let mut i = (h >> self.shift) as usize;
        loop {
            let entry = self.slots[i];
            if entry == VACANT {
                let ci = self.take_index(key);
                self.slots[i] = ((h as u32 as u64) << 32) | u64::from(ci);
                self.len += 1;
                if self.len * 2 > self.slots.len() {
                    self.grow();
                }
                return (ci, true);
            }
            if let Some(ci) = self.entry_claim(entry, key, h) {
                return (ci, false);
            }
            i = (i + 1) & mask;
        }
    }

    #[cold]
    fn grow(&mut self) {
        let doubled = vec![VACANT; self.slots.len() * 2];
        let old = std::mem::replace(&mut self.slots, doubled);
        self.shift -= 1;
        let mask = self.slots.len() - 1;
        for entry in old.into_iter().filter(|&e| e != VACANT) {
            let Some(&key) = self.keys.get(entry as u32 as usize) else {
                continue;
            };
            let mut i = (hash(key) >> self.shift) as usize;
            while self.slots[i] != VACANT {
                i = (i + 1) & mask;
            }
            self.slots[i] = entry;
        }
    }
}

/// Packs an id of up to 15 bytes with its length; `None` for longer ids.
#[inline]
pub(crate) fn short_key(id: &str) -> Option<ShortKey> {
    let b = id.as_bytes();
    let n = b.len();
    if n > 15 {
        return None;
    }
    let (lo, hi) = if n >= 8 {
        (word(&b[..8]), partial_word(&b[8..]))
    } else {
        (partial_word(b), 0)
    };
    Some(u128::from(lo) | (u128::from(hi) << 64) | ((n as u128) << 120))
}

/// Eight bytes as a little-endian word (`b` is exactly eight bytes long).
#[inline]
fn word(b: &[u8]) -> u64 {
    let mut w = [0u8; 8];
    w.copy_from_slice(&b[..8]);
    u64::from_le_bytes(w)
}

/// Up to eight bytes as a little-endian word, zero above them, read with fixed-size loads
/// (a copy of a variable length would be a call to `memcpy`, slower than the look-up it
/// serves). Overlapping reads put the same byte in the same place, so or-ing them is exact.
#[inline]
pub(crate) fn partial_word(b: &[u8]) -> u64 {
    let n = b.len();
    match n {
        0 => 0,
        1..=3 => {
            u64::from(b[0])
                | (u64::from(b[n / 2]) << (n / 2 * 8))
                | (u64::from(b[n - 1]) << ((n - 1) * 8))
        }
        4..=7 => {
            let four = |s: &[u8]| {
                let mut w = [0u8; 4];
                w.copy_from_slice(&s[..4]);
                u64::from(u32::from_le_bytes(w))
            };
            four(b) | (four(&b[n - 4..]) << ((n - 4) * 8))
        }
        _ => word(b),
    }
}

/// Folds the two halves and finishes with MurmurHash3's avalanche step, so that ids that
/// differ only in their last digits spread over the whole table (the top bits pick a slot).
#[inline]
fn hash(key: ShortKey) -> u64 {
    let mut h = (key as u64) ^ ((key >> 64) as u64).rotate_left(29);
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^ (h >> 33)
}

/// The multiply-rotate hasher for the rare long ids.
#[derive(Default, Clone, Copy)]
pub(crate) struct LongIdHasher {
    hash: u64,
}

impl Hasher for LongIdHasher {
    fn write(&mut self, bytes: &[u8]) {
        for c in bytes.chunks(8) {
            let mut w = [0u8; 8];
            w[..c.len()].copy_from_slice(c);
            self.hash = (self.hash.rotate_left(5) ^ u64::from_le_bytes(w))
                .wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
        }
    }

    fn write_u8(&mut self, b: u8) {
        self.write(&[b]);
    }

    fn finish(&self) -> u64 {
        hash(u128::from(self.hash))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indices_follow_first_appearance() {
        let ids: Vec<String> = (0..50_000).map(|i| format!("C{:08}", i % 20_011)).collect();
        let long: Vec<String> = (0..300).map(|i| format!("LONG-CLAIM-ID-{i:06}")).collect();
        let mut interner = ClaimInterner::with_capacity(4);
        let mut expected: HashMap<&str, u32> = HashMap::new();
        for id in ids.iter().chain(&long).chain(&ids).chain(&long) {
            let next = expected.len() as u32;
            let is_new = !expected.contains_key(id.as_str());
            let want = *expected.entry(id.as_str()).or_insert(next);
            assert_eq!(interner.intern(id), (want, is_new), "{id}");
        }
        assert_eq!(expected.len(), 20_011 + 300);
    }

    #[test]
    fn partial_words_are_the_bytes() {
        let text = b"ABCDEFGHIJKLMNOP";
        for n in 0..=8 {
            let mut w = [0u8; 8];
            w[..n].copy_from_slice(&text[..n]);
            assert_eq!(partial_word(&text[..n]), u64::from_le_bytes(w), "{n}");
        }
        for n in 0..=15 {
            let id = std::str::from_utf8(&text[..n]).unwrap();
            let mut w = [0u8; 16];
            w[..n].copy_from_slice(&text[..n]);
            w[15] = n as u8;
            assert_eq!(short_key(id), Some(u128::from_le_bytes(w)), "{n}");
        }
        assert_eq!(short_key("ABCDEFGHIJKLMNOP"), None);
    }

    #[test]
    fn ids_of_every_short_length_are_distinct() {
        let ids = [
            "",
            "A",
            "A\0",
            "AB",
            "ABCDEFGHIJKLMNO",
            "ABCDEFGHIJKLMN",
            "\0",
        ];
        let mut interner = ClaimInterner::with_capacity(1);
        for (n, id) in ids.iter().enumerate() {
            assert_eq!(interner.intern(id), (n as u32, true));
        }
        for (n, id) in ids.iter().enumerate() {
            assert_eq!(interner.intern(id), (n as u32, false));
        }
    }
}
