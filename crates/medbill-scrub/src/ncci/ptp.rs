//! NCCI procedure-to-procedure (PTP) edits.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use chrono::NaiveDate;
use medbill_codes::ProcedureCode;

use super::text::{
    Fields, Interner, day_number, for_each_line, from_day_number, is_no_date, looks_like_code,
    pack, pair_key, parse_date, unpack,
};
use super::{NcciSetting, PairHasher};
use crate::error::ScrubError;

/// Whether a modifier may bypass a PTP edit (the file's "modifier indicator").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ModifierIndicator {
    /// `0`: no modifier bypasses the edit; the column 2 code is never paid with column 1.
    NotAllowed,
    /// `1`: an NCCI-associated modifier (anatomic, global surgery, 59 or X{EPSU}) bypasses it
    /// when the services were distinct.
    Allowed,
    /// `9`: the edit does not apply (usually a deleted edit kept for history).
    NotApplicable,
}

impl ModifierIndicator {
    fn from_field(f: &str) -> Option<Self> {
        match f.trim() {
            "0" => Some(ModifierIndicator::NotAllowed),
            "1" => Some(ModifierIndicator::Allowed),
            "9" => Some(ModifierIndicator::NotApplicable),
            _ => None,
        }
    }

    fn code(self) -> u8 {
        match self {
            ModifierIndicator::NotAllowed => 0,
            ModifierIndicator::Allowed => 1,
            ModifierIndicator::NotApplicable => 9,
        }
    }

    fn from_code(c: u8) -> Self {
        match c {
            0 => ModifierIndicator::NotAllowed,
            1 => ModifierIndicator::Allowed,
            _ => ModifierIndicator::NotApplicable,
        }
    }
}

/// One PTP edit as read from the table.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PtpEdit<'t> {
    /// Column 1 code: the code that is paid.
    pub column1: String,
    /// Column 2 code: the code that is not paid with column 1 (unless bypassed).
    pub column2: String,
    /// The edit applies to dates of service from this date.
    pub effective: NaiveDate,
    /// The edit no longer applies from this date (half-open: the deletion date itself is not
    /// edited); `None` when not deleted.
    pub deletion: Option<NaiveDate>,
    /// Whether a modifier bypasses it.
    pub modifier_indicator: ModifierIndicator,
    /// The pair was in existence before 1996 (the file's `*` column).
    pub prior_to_1996: bool,
    /// CMS's rationale text for the edit.
    pub rationale: &'t str,
}

#[derive(Debug, Clone, Copy)]
struct Record {
    key: u64,
    effective: i32,
    // i32::MAX when the edit has no deletion date.
    deletion: i32,
    indicator: u8,
    prior_to_1996: bool,
    rationale: u16,
}

/// A table of NCCI PTP edits for one setting (practitioner or outpatient hospital), loaded
/// from the CMS quarterly files and shared read-only across threads.
///
/// Look-ups are one hash probe on a key packing both codes into a `u64`.
///
/// ```
/// use medbill_scrub::ncci::{ModifierIndicator, NcciSetting, PtpTable};
/// let file = "Copyright notice line\n\
///     Column 1\tColumn 2\t*=in existence prior to 1996\tEffective Date\tDeletion Date\tModifier\tRationale\n\
///     11111\t22222\t\t20200101\t*\t1\tMutually exclusive procedures\n";
/// let table = PtpTable::from_reader(file.as_bytes(), "ptp.txt", NcciSetting::Practitioner)?;
/// assert_eq!(table.len(), 1);
/// let dos = "2024-03-01".parse().unwrap();
/// let edit = table.edit_on(&"11111".parse()?, &"22222".parse()?, dos).unwrap();
/// assert_eq!(edit.modifier_indicator, ModifierIndicator::Allowed);
/// assert!(table.edit_on(&"22222".parse()?, &"11111".parse()?, dos).is_none());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct PtpTable {
    setting: NcciSetting,
    records: Vec<Record>,
    // Key -> index of its first record; records of a key are contiguous, oldest first.
    index: HashMap<u64, u32, PairHasher>,
    // Most pairs on a claim have no edit: a blocked Bloom filter (one cache line per key,
    // about 1% false positives) answers those without touching the much larger index.
    bloom: Vec<u64>,
    rationales: Interner,
    sources: Vec<String>,
}

/// Bloom filter block: 8 words, one 64-byte cache line.
const BLOCK_WORDS: usize = 8;

fn bloom_hash(key: u64) -> u64 {
    let h = key.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    h ^ (h >> 31)
}

/// Three bit positions inside a 512-bit block, and the block, for a key.
fn bloom_slots(key: u64, blocks: usize) -> (usize, [u32; 3]) {
    let h = bloom_hash(key);
    let block = ((h >> 32) as usize) % blocks.max(1);
    let bits = [
        (h & 511) as u32,
        ((h >> 9) & 511) as u32,
        ((h >> 18) & 511) as u32,
    ];
    (block, bits)
}

fn build_bloom(keys: impl Iterator<Item = u64>, distinct: usize) -> Vec<u64> {
    // About 16 bits per key, in whole blocks.
    let blocks = (distinct * 16 / 512 + 1).next_power_of_two();
    let mut words = vec![0u64; blocks * BLOCK_WORDS];
    for key in keys {
        let (block, bits) = bloom_slots(key, blocks);
        for b in bits {
            words[block * BLOCK_WORDS + (b / 64) as usize] |= 1 << (b % 64);
        }
    }
    words
}

impl PtpTable {
    /// Reads one PTP file.
    pub fn from_path(path: impl AsRef<Path>, setting: NcciSetting) -> Result<Self, ScrubError> {
        let mut b = PtpTableBuilder::new(setting);
        b.read_path(path)?;
        Ok(b.build())
    }

    /// Reads one PTP file from a reader; `name` names it in errors and the version stamp.
    pub fn from_reader(
        reader: impl Read,
        name: &str,
        setting: NcciSetting,
    ) -> Result<Self, ScrubError> {
        let mut b = PtpTableBuilder::new(setting);
        b.read(BufReader::new(reader), name)?;
        Ok(b.build())
    }

    /// A builder for a table read from several files (CMS splits the practitioner table into
    /// four).
    pub fn builder(setting: NcciSetting) -> PtpTableBuilder {
        PtpTableBuilder::new(setting)
    }

    /// The setting the table is for.
    pub fn setting(&self) -> NcciSetting {
        self.setting
    }

    /// Number of edit rows.
    pub fn len(&self) -> usize {
        self.records.len()
    }

    /// Whether the table has no rows.
    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// The files the table was read from, as named when loading.
    pub fn sources(&self) -> &[String] {
        &self.sources
    }

    /// The edit for column 1 `first` and column 2 `second` in effect on `date`, if any.
    pub fn edit_on(
        &self,
        first: &ProcedureCode,
        second: &ProcedureCode,
        date: NaiveDate,
    ) -> Option<PtpEdit<'_>> {
        let key = pair_key(pack(first.as_str())?, pack(second.as_str())?);
        self.record_on(key, day_number(date)).map(|r| self.edit(r))
    }

    /// Every row for the pair, whatever its dates, oldest first.
    pub fn edits(&self, first: &ProcedureCode, second: &ProcedureCode) -> Vec<PtpEdit<'_>> {
        let (Some(a), Some(b)) = (pack(first.as_str()), pack(second.as_str())) else {
            return Vec::new();
        };
        self.run(pair_key(a, b))
            .iter()
            .map(|r| self.edit(r))
            .collect()
    }

    fn may_contain(&self, key: u64) -> bool {
        let blocks = self.bloom.len() / BLOCK_WORDS;
        let (block, bits) = bloom_slots(key, blocks);
        bits.iter().all(|&b| {
            self.bloom
                .get(block * BLOCK_WORDS + (b / 64) as usize)
                .is_some_and(|w| w & (1 << (b % 64)) != 0)
        })
    }

    fn run(&self, key: u64) -> &[Record] {
        if !self.may_contain(key) {
            return &[];
        }
        let Some(&start) = self.index.get(&key) else {
            return &[];
        };
        let start = start as usize;
        let rest = &self.records[start..];
        let len = rest.iter().take_while(|r| r.key == key).count();
        &rest[..len]
    }

    /// The packed-key look-up the scrubber uses: the indicator and rationale index of the
    /// edit in effect on `day` (a chrono day number).
    pub(crate) fn indicator_on(&self, key: u64, day: i32) -> Option<(ModifierIndicator, u16)> {
        self.record_on(key, day)
            .map(|r| (ModifierIndicator::from_code(r.indicator), r.rationale))
    }

    pub(crate) fn rationale(&self, i: u16) -> &str {
        self.rationales.get(i)
    }

    fn record_on(&self, key: u64, day: i32) -> Option<&Record> {
        // The newest row in effect wins when quarters overlap.
        self.run(key)
            .iter()
            .rev()
            .find(|r| r.effective <= day && day < r.deletion)
    }

    fn edit(&self, r: &Record) -> PtpEdit<'_> {
        PtpEdit {
            column1: unpack((r.key >> 32) as u32),
            column2: unpack(r.key as u32),
            effective: from_day_number(r.effective).unwrap_or(NaiveDate::MIN),
            deletion: (r.deletion != i32::MAX)
                .then(|| from_day_number(r.deletion))
                .flatten(),
            modifier_indicator: ModifierIndicator::from_code(r.indicator),
            prior_to_1996: r.prior_to_1996,
            rationale: self.rationales.get(r.rationale),
        }
    }

    /// Approximate heap memory held, in bytes (records, index and rationale texts).
    pub fn heap_bytes(&self) -> usize {
        let records = self.records.capacity() * std::mem::size_of::<Record>();
        // hashbrown: one (key, value) slot and one control byte per bucket.
        let index = self.index.capacity() * (std::mem::size_of::<(u64, u32)>() + 1);
        let texts: usize = self.rationales.texts().iter().map(String::capacity).sum();
        records + index + self.bloom.capacity() * 8 + texts
    }
}

/// Reads PTP files into a [`PtpTable`].
#[derive(Debug)]
pub struct PtpTableBuilder {
    setting: NcciSetting,
    records: Vec<Record>,
    rationales: Interner,
    sources: Vec<String>,
}

impl PtpTableBuilder {
    /// An empty builder.
    pub fn new(setting: NcciSetting) -> Self {
        let mut rationales = Interner::default();
        rationales.intern("");
        PtpTableBuilder {
            setting,
            records: Vec::new(),
            rationales,
            sources: Vec::new(),
        }
    }

    /// Reads a file; its name goes in errors and the version stamp.
    pub fn read_path(&mut self, path: impl AsRef<Path>) -> Result<&mut Self, ScrubError> {
        let (reader, name) = super::text::open_table_file(path.as_ref())?;
        self.read(reader, &name)
    }

    /// Reads a file's rows.
    ///
    /// Lines before the first row whose first field is a five-character code are preamble
    /// (copyright notice, headers) and skipped; after that, blank lines are skipped and any
    /// other line that is not a well-formed row is an error naming its line number. Fields are
    /// tab-separated (CSV is accepted too); the "prior to 1996" column may be absent, as in
    /// some older quarters, and the rationale too.
    pub fn read(&mut self, reader: impl BufRead, name: &str) -> Result<&mut Self, ScrubError> {
        let mut fields = Fields::default();
        let mut rows = 0usize;
        let mut in_data = false;
        let records = &mut self.records;
        let rationales = &mut self.rationales;
        for_each_line(reader, name, |n, line| {
            if line.trim().is_empty() {
                return Ok(());
            }
            fields.split(line);
            let f = |i| fields.get(line, i);
            if !looks_like_code(f(0)) {
                if in_data {
                    return Err(ScrubError::row(
                        name,
                        n,
                        format!("expected a column 1 code, found {:?}", clip(f(0))),
                    ));
                }
                return Ok(());
            }
            in_data = true;
            let bad = |what: &str| ScrubError::row(name, n, what.to_string());
            let first = pack(f(0)).ok_or_else(|| bad("column 1 is not a code"))?;
            let second = pack(f(1)).ok_or_else(|| {
                bad(&format!(
                    "column 2 {:?} is not a five-character code",
                    clip(f(1))
                ))
            })?;
            // Older layouts lack the "in existence prior to 1996" column: the field after
            // column 2 is then already the effective date.
            let has_prior = fields.len() >= 6 && parse_date(f(2)).is_none();
            let base = if has_prior { 3 } else { 2 };
            let prior_to_1996 = has_prior && f(2).trim() == "*";
            let effective = parse_date(f(base))
                .ok_or_else(|| bad(&format!("effective date {:?} is not a date", clip(f(base)))))?;
            let deletion = if is_no_date(f(base + 1)) {
                i32::MAX
            } else {
                day_number(parse_date(f(base + 1)).ok_or_else(|| {
                    bad(&format!(
                        "deletion date {:?} is not a date or *",
                        clip(f(base + 1))
                    ))
                })?)
            };
            let indicator = ModifierIndicator::from_field(f(base + 2)).ok_or_else(|| {
                bad(&format!(
                    "modifier indicator {:?} is not 0, 1 or 9",
                    clip(f(base + 2))
                ))
            })?;
            let rationale = rationales.intern(f(base + 3));
            records.push(Record {
                key: pair_key(first, second),
                effective: day_number(effective),
                deletion,
                indicator: indicator.code(),
                prior_to_1996,
                rationale,
            });
            rows += 1;
            Ok(())
        })?;
        if rows == 0 {
            return Err(ScrubError::NoRows {
                file: name.to_string(),
            });
        }
        self.sources.push(name.to_string());
        Ok(self)
    }

    /// Builds the table: rows sorted by pair and effective date, then indexed.
    pub fn build(self) -> PtpTable {
        let mut records = self.records;
        records.sort_unstable_by_key(|r| (r.key, r.effective, r.deletion));
        records.shrink_to_fit();
        let mut index: HashMap<u64, u32, PairHasher> = HashMap::default();
        index.reserve(records.len());
        let mut prev = None;
        for (i, r) in records.iter().enumerate() {
            if prev != Some(r.key) {
                index.insert(r.key, i as u32);
                prev = Some(r.key);
            }
        }
        index.shrink_to_fit();
        let bloom = build_bloom(index.keys().copied(), index.len());
        PtpTable {
            setting: self.setting,
            records,
            index,
            bloom,
            rationales: self.rationales,
            sources: self.sources,
        }
    }
}

/// At most 40 characters of a field, for error messages.
pub(crate) fn clip(s: &str) -> &str {
    match s.char_indices().nth(40) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bloom_has_no_false_negatives_and_few_false_positives() {
        let keys: Vec<u64> = (0..20_000u64)
            .map(|i| {
                pair_key(
                    (i * 7919 % 1_000_003) as u32,
                    (i * 104_729 % 999_983) as u32,
                )
            })
            .collect();
        let bloom = build_bloom(keys.iter().copied(), keys.len());
        let table = PtpTable {
            setting: NcciSetting::Practitioner,
            records: Vec::new(),
            index: HashMap::default(),
            bloom,
            rationales: Interner::default(),
            sources: Vec::new(),
        };
        assert!(keys.iter().all(|&k| table.may_contain(k)));
        let others = (0..20_000u64).map(|i| pair_key(2_000_000 + i as u32, 7));
        let false_positives = others.filter(|&k| table.may_contain(k)).count();
        assert!(
            false_positives < 20_000 / 20,
            "{false_positives} false positives"
        );
    }
}
