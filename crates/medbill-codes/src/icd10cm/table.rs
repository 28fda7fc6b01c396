//! The embedded code table, read in place: fixed-width records sorted by code, binary-searched.
//!
//! Layout (written by `tools/gen_icd10cm.py`): a 16-byte header (`ICD10CM`, format 1, release
//! count, record length, record count as u32 little-endian, two zero bytes), an 8-byte id per
//! release (oldest first), then the records: 7 bytes of undotted code (NUL-padded), one byte of
//! note flags, one byte per release.
//!
//! Nothing is parsed at start-up: the header is read at compile time, so the first check costs
//! only the page faults of one binary search.

use super::code::Icd10CmCode;

static DATA: &[u8] = include_bytes!("../../data/icd10cm-codes.bin");

const HEADER_LEN: usize = 16;
/// Number of releases in the table.
pub(crate) const RELEASES: usize = DATA[8] as usize;
const RECORD_LEN: usize = DATA[9] as usize;
/// Number of records (distinct codes over all releases).
pub(crate) const COUNT: usize =
    u32::from_le_bytes([DATA[10], DATA[11], DATA[12], DATA[13]]) as usize;
const RECORDS_AT: usize = HEADER_LEN + 8 * RELEASES;

// The table must be the format this code reads; checked when the crate is compiled.
const _: () = {
    let magic = b"ICD10CM\x01";
    let mut i = 0;
    while i < magic.len() {
        assert!(
            DATA[i] == magic[i],
            "icd10cm-codes.bin: wrong magic or format"
        );
        i += 1;
    }
    assert!(
        RECORD_LEN == 8 + RELEASES,
        "icd10cm-codes.bin: bad record length"
    );
    assert!(
        DATA.len() == RECORDS_AT + COUNT * RECORD_LEN,
        "icd10cm-codes.bin: bad size"
    );
};

/// Release byte: the code is in the release's code set.
pub(crate) const R_PRESENT: u8 = 1;
/// Release byte: the code is billable (a leaf) in the release.
pub(crate) const R_BILLABLE: u8 = 2;

/// The id of release `i` as written in the table header (e.g. `"FY2025"`).
pub(crate) fn release_id(i: usize) -> &'static str {
    let raw = &DATA[HEADER_LEN + 8 * i..HEADER_LEN + 8 * i + 8];
    let end = raw.iter().position(|&b| b == 0).unwrap_or(8);
    std::str::from_utf8(&raw[..end]).unwrap_or("")
}

fn record(i: usize) -> &'static [u8] {
    let at = RECORDS_AT + i * RECORD_LEN;
    &DATA[at..at + RECORD_LEN]
}

/// The sort key of 7 NUL-padded code bytes: big-endian, so integer order is text order.
#[inline]
fn key_of(bytes: &[u8; 7]) -> u64 {
    let mut k = [0u8; 8];
    k[1..].copy_from_slice(bytes);
    u64::from_be_bytes(k)
}

#[inline]
fn key_at(i: usize) -> u64 {
    // One 8-byte load: the 7 code bytes and the flag byte, which the shift drops.
    let at = RECORDS_AT + i * RECORD_LEN;
    match DATA.get(at..at + 8) {
        Some(b) => u64::from_be_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]]) >> 8,
        None => u64::MAX,
    }
}

/// Buckets by the first two characters (a letter, then a digit or, in `QA0`, a letter):
/// `BUCKETS[b]..BUCKETS[b + 1]` holds the records of bucket `b`, so a search covers a few
/// hundred records, not all. Digits sort before letters, in the bucket numbers as in the text.
const BUCKET_COUNT: usize = 26 * 36;

const fn bucket_of(first: u8, second: u8) -> usize {
    let second = if second.is_ascii_digit() {
        (second - b'0') as usize
    } else {
        10 + (second.wrapping_sub(b'A') as usize % 26)
    };
    (first.wrapping_sub(b'A') as usize % 26) * 36 + second
}

static BUCKETS: [u32; BUCKET_COUNT + 1] = {
    let mut starts = [0u32; BUCKET_COUNT + 1];
    // starts[b] = number of records in buckets before b; records are sorted, so they are
    // grouped by bucket in increasing order.
    let mut counts = [0u32; BUCKET_COUNT];
    let mut i = 0;
    while i < COUNT {
        let at = RECORDS_AT + i * RECORD_LEN;
        counts[bucket_of(DATA[at], DATA[at + 1])] += 1;
        i += 1;
    }
    let mut b = 0;
    while b < BUCKET_COUNT {
        starts[b + 1] = starts[b] + counts[b];
        b += 1;
    }
    starts
};

/// Index of the first record in `lo..hi` whose key is not less than `key`.
#[inline]
fn lower_bound_in(key: u64, mut lo: usize, mut hi: usize) -> usize {
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if key_at(mid) < key {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    lo
}

/// Index of the first record whose key is not less than `key`.
#[inline]
fn lower_bound(key: u64) -> usize {
    lower_bound_in(key, 0, COUNT)
}

/// The record index of `code`, if any release has it.
#[inline]
pub(crate) fn find(code: &Icd10CmCode) -> Option<usize> {
    let bytes = code.key_bytes();
    let key = key_of(&bytes);
    let b = bucket_of(bytes[0], bytes[1]);
    let (lo, hi) = (BUCKETS[b] as usize, BUCKETS[b + 1] as usize);
    let i = lower_bound_in(key, lo, hi);
    (i < hi && key_at(i) == key).then_some(i)
}

/// The code of record `i`.
pub(crate) fn code_at(i: usize) -> Icd10CmCode {
    let r = record(i);
    let mut bytes = [0u8; 7];
    bytes.copy_from_slice(&r[..7]);
    let len = bytes.iter().position(|&b| b == 0).unwrap_or(7);
    Icd10CmCode::from_table(bytes, len)
}

/// The note-flag byte of record `i`.
pub(crate) fn flags_at(i: usize) -> u8 {
    record(i)[7]
}

/// The byte of release `release` in record `i`.
#[inline]
pub(crate) fn release_byte(i: usize, release: usize) -> u8 {
    record(i)[8 + release]
}

/// The records whose code starts with `prefix` (the code itself first, if present).
pub(crate) fn prefix_range(prefix: &Icd10CmCode) -> std::ops::Range<usize> {
    let bytes = prefix.key_bytes();
    let mut high = bytes;
    for b in high.iter_mut().skip(prefix.len()) {
        *b = 0xFF;
    }
    let start = lower_bound(key_of(&bytes));
    start..lower_bound(key_of(&high)).max(start)
}

/// The first and last direct children of record `parent` in release `release`: codes present in
/// the release that start with the parent's code and have no present ancestor in between.
pub(crate) fn child_range(parent: usize, release: usize) -> Option<(usize, usize)> {
    let code = code_at(parent);
    let range = prefix_range(&code);
    let mut first = None;
    let mut last = None;
    // Records come in depth-first order; `stack` holds the open ancestors below the parent.
    let mut stack: [[u8; 7]; 8] = [[0; 7]; 8];
    let mut depth = 0usize;
    for i in range {
        if i == parent || release_byte(i, release) & R_PRESENT == 0 {
            continue;
        }
        let c = code_at(i);
        let text = c.undotted().as_bytes();
        while depth > 0 {
            let top = &stack[depth - 1];
            let top_len = top.iter().position(|&b| b == 0).unwrap_or(7);
            if text.starts_with(&top[..top_len]) {
                break;
            }
            depth -= 1;
        }
        if depth == 0 {
            first.get_or_insert(i);
            last = Some(i);
        }
        if depth < stack.len() {
            stack[depth] = c.key_bytes();
            depth += 1;
        }
    }
    Some((first?, last?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_are_strictly_sorted_and_bucketed() {
        for i in 1..COUNT {
            assert!(
                key_at(i - 1) < key_at(i),
                "records {} and {i} out of order",
                i - 1
            );
        }
        assert_eq!(BUCKETS[BUCKET_COUNT] as usize, COUNT);
    }

    #[test]
    fn every_record_is_found() {
        let mut missing = Vec::new();
        for i in 0..COUNT {
            if find(&code_at(i)) != Some(i) {
                missing.push(i);
            }
        }
        if let Some(&i) = missing.first() {
            let c = code_at(i);
            let k = c.key_bytes();
            let b = bucket_of(k[0], k[1]);
            panic!(
                "{} records not found, first {c} at {i}, bucket {b}: {}..{}",
                missing.len(),
                BUCKETS[b],
                BUCKETS[b + 1]
            );
        }
    }
}
