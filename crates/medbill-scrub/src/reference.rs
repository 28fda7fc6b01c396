//! Reference data the edits consult, loaded once and shared across threads.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use medbill_codes::icd10cm::{Excludes1, Excludes1Conflict, Icd10Cm};
use medbill_codes::{HcpcsTable, Icd10CmCode};

use crate::ncci::{AddOnTable, MueTable, NcciSetting, PtpTable};

/// The reference data a [`Scrubber`](crate::Scrubber) consults: the embedded ICD-10-CM code
/// sets, and whatever NCCI tables and HCPCS file the caller loaded.
///
/// Immutable once built and `Send + Sync`: build it once, wrap it in an
/// [`Arc`](std::sync::Arc) (the scrubber does) and share it between threads.
///
/// ```
/// use medbill_scrub::ReferenceData;
/// let data = ReferenceData::new();
/// assert!(data.ptp(medbill_scrub::ncci::NcciSetting::Practitioner).is_none());
/// fn shared<T: Send + Sync>(_: &T) {}
/// shared(&data);
/// ```
#[derive(Debug)]
pub struct ReferenceData {
    icd10cm: &'static Icd10Cm,
    hcpcs: Option<HcpcsTable>,
    ptp_practitioner: Option<PtpTable>,
    ptp_hospital: Option<PtpTable>,
    mue_practitioner: Option<MueTable>,
    mue_hospital: Option<MueTable>,
    mue_dme: Option<MueTable>,
    aoc: Option<AddOnTable>,
    excludes1: Excludes1Cache,
}

/// The Excludes1 ranges of each diagnosis seen, computed once: finding them scans every
/// chapter and section note, and claims repeat the same few thousand codes.
#[derive(Debug, Default)]
struct Excludes1Cache {
    map: RwLock<HashMap<Icd10CmCode, Arc<[Excludes1]>>>,
    // The answer for each unordered pair seen (smaller code first).
    pairs: RwLock<HashMap<(Icd10CmCode, Icd10CmCode), Option<Excludes1Conflict>>>,
}

/// At most this many pairs are cached (about 40 MB); beyond it, pairs are computed each time.
const PAIR_CACHE_LIMIT: usize = 1_000_000;

/// More entries than ICD-10-CM has codes: past this, well-formed codes that are not in the
/// code set (which a caller controls) are no longer cached.
const EXCLUDES1_CACHE_LIMIT: usize = 150_000;

impl Default for ReferenceData {
    fn default() -> Self {
        Self::new()
    }
}

impl ReferenceData {
    /// The embedded code sets only; no NCCI tables, no HCPCS file.
    pub fn new() -> Self {
        ReferenceData {
            icd10cm: Icd10Cm::embedded(),
            hcpcs: None,
            ptp_practitioner: None,
            ptp_hospital: None,
            mue_practitioner: None,
            mue_hospital: None,
            mue_dme: None,
            aoc: None,
            excludes1: Excludes1Cache::default(),
        }
    }

    /// Adds a PTP table (for the setting it was loaded for; a DME table is ignored, CMS
    /// publishes none).
    pub fn with_ptp(mut self, table: PtpTable) -> Self {
        match table.setting() {
            NcciSetting::Practitioner => self.ptp_practitioner = Some(table),
            NcciSetting::OutpatientHospital => self.ptp_hospital = Some(table),
            NcciSetting::Dme => {}
        }
        self
    }

    /// Adds an MUE table for the setting it was loaded for.
    pub fn with_mue(mut self, table: MueTable) -> Self {
        match table.setting() {
            NcciSetting::Practitioner => self.mue_practitioner = Some(table),
            NcciSetting::OutpatientHospital => self.mue_hospital = Some(table),
            NcciSetting::Dme => self.mue_dme = Some(table),
        }
        self
    }

    /// Adds the add-on code table.
    pub fn with_add_ons(mut self, table: AddOnTable) -> Self {
        self.aoc = Some(table);
        self
    }

    /// Adds a CMS HCPCS file, for HCPCS validity by date and Level II modifiers.
    pub fn with_hcpcs(mut self, table: HcpcsTable) -> Self {
        self.hcpcs = Some(table);
        self
    }

    /// The ICD-10-CM code sets.
    pub fn icd10cm(&self) -> &'static Icd10Cm {
        self.icd10cm
    }

    /// The HCPCS file, if loaded.
    pub fn hcpcs(&self) -> Option<&HcpcsTable> {
        self.hcpcs.as_ref()
    }

    /// The PTP table for a setting, if loaded.
    pub fn ptp(&self, setting: NcciSetting) -> Option<&PtpTable> {
        match setting {
            NcciSetting::Practitioner => self.ptp_practitioner.as_ref(),
            NcciSetting::OutpatientHospital => self.ptp_hospital.as_ref(),
            NcciSetting::Dme => None,
        }
    }

    /// The MUE table for a setting, if loaded.
    pub fn mue(&self, setting: NcciSetting) -> Option<&MueTable> {
        match setting {
            NcciSetting::Practitioner => self.mue_practitioner.as_ref(),
            NcciSetting::OutpatientHospital => self.mue_hospital.as_ref(),
            NcciSetting::Dme => self.mue_dme.as_ref(),
        }
    }

    /// The add-on code table, if loaded.
    pub fn add_ons(&self) -> Option<&AddOnTable> {
        self.aoc.as_ref()
    }

    /// Every pair of `codes` (by index, `i < j`) that an Excludes1 note forbids together.
    pub(crate) fn excludes1_conflicts(
        &self,
        codes: &[Icd10CmCode],
    ) -> Vec<(usize, usize, Excludes1Conflict)> {
        let mut found = Vec::new();
        let mut missing = Vec::new();
        let key = |a: Icd10CmCode, b: Icd10CmCode| if a <= b { (a, b) } else { (b, a) };
        {
            let pairs = self.excludes1.pairs.read();
            for i in 0..codes.len() {
                for j in i + 1..codes.len() {
                    if codes[i] == codes[j] {
                        continue;
                    }
                    match pairs
                        .as_ref()
                        .ok()
                        .and_then(|p| p.get(&key(codes[i], codes[j])))
                    {
                        Some(Some(c)) => found.push((i, j, *c)),
                        Some(None) => {}
                        None => missing.push((i, j)),
                    }
                }
            }
        }
        if missing.is_empty() {
            return found;
        }
        let computed: Vec<((Icd10CmCode, Icd10CmCode), Option<Excludes1Conflict>)> = self
            .with_excludes1(codes, |notes| {
                missing
                    .iter()
                    .map(|&(i, j)| {
                        let (a, b) = (codes[i], codes[j]);
                        let conflict = notes[i]
                            .iter()
                            .find(|n| n.excluded().contains(&b))
                            .map(|n| Excludes1Conflict {
                                code: a,
                                excluded: b,
                                note: *n,
                            })
                            .or_else(|| {
                                notes[j]
                                    .iter()
                                    .find(|n| n.excluded().contains(&a))
                                    .map(|n| Excludes1Conflict {
                                        code: b,
                                        excluded: a,
                                        note: *n,
                                    })
                            });
                        (key(a, b), conflict)
                    })
                    .collect()
            });
        for (&(i, j), (_, c)) in missing.iter().zip(&computed) {
            if let Some(c) = c {
                found.push((i, j, *c));
            }
        }
        found.sort_by_key(|&(i, j, _)| (i, j));
        if let Ok(mut pairs) = self.excludes1.pairs.write()
            && pairs.len() + computed.len() <= PAIR_CACHE_LIMIT
        {
            pairs.extend(computed);
        }
        found
    }

    /// Calls `f` with the Excludes1 ranges of each code, in order (from the cache, filling it
    /// as needed).
    pub(crate) fn with_excludes1<R>(
        &self,
        codes: &[Icd10CmCode],
        f: impl FnOnce(&[&[Excludes1]]) -> R,
    ) -> R {
        let cm = self.icd10cm;
        let lock = &self.excludes1.map;
        let missing: Vec<Icd10CmCode> = match lock.read() {
            Ok(map) => codes
                .iter()
                .filter(|c| !map.contains_key(c))
                .copied()
                .collect(),
            Err(_) => codes.to_vec(),
        };
        if !missing.is_empty() {
            let computed: Vec<(Icd10CmCode, Arc<[Excludes1]>)> = missing
                .iter()
                .map(|c| (*c, Arc::from(cm.excludes1(c))))
                .collect();
            if let Ok(mut map) = lock.write()
                && map.len() + computed.len() <= EXCLUDES1_CACHE_LIMIT
            {
                map.extend(computed.iter().cloned());
            }
            if let Ok(map) = lock.read()
                && codes.iter().all(|c| map.contains_key(c))
            {
                let lists: Vec<&[Excludes1]> = codes
                    .iter()
                    .map(|c| map.get(c).map_or(&[][..], |a| &**a))
                    .collect();
                return f(&lists);
            }
            // Cache full or poisoned: answer from what was computed now.
            let owned: Vec<Arc<[Excludes1]>> =
                codes.iter().map(|c| Arc::from(cm.excludes1(c))).collect();
            let lists: Vec<&[Excludes1]> = owned.iter().map(|a| &**a).collect();
            return f(&lists);
        }
        match lock.read() {
            Ok(map) => {
                let lists: Vec<&[Excludes1]> = codes
                    .iter()
                    .map(|c| map.get(c).map_or(&[][..], |a| &**a))
                    .collect();
                f(&lists)
            }
            Err(_) => {
                let owned: Vec<Vec<Excludes1>> = codes.iter().map(|c| cm.excludes1(c)).collect();
                let lists: Vec<&[Excludes1]> = owned.iter().map(Vec::as_slice).collect();
                f(&lists)
            }
        }
    }

    /// A one-line stamp of the data loaded: the ICD-10-CM releases and the files each table
    /// came from.
    pub fn stamp(&self) -> String {
        let mut parts = vec![format!(
            "ICD-10-CM {} (embedded)",
            self.icd10cm
                .releases()
                .iter()
                .map(|r| r.id())
                .collect::<Vec<_>>()
                .join("/")
        )];
        let files = |s: &[String]| s.join("+");
        if let Some(t) = &self.ptp_practitioner {
            parts.push(format!("PTP practitioner {}", files(t.sources())));
        }
        if let Some(t) = &self.ptp_hospital {
            parts.push(format!("PTP outpatient hospital {}", files(t.sources())));
        }
        for (name, t) in [
            ("practitioner", &self.mue_practitioner),
            ("outpatient hospital", &self.mue_hospital),
            ("DME", &self.mue_dme),
        ] {
            if let Some(t) = t {
                parts.push(format!("MUE {name} {}", files(t.sources())));
            }
        }
        if let Some(t) = &self.aoc {
            parts.push(format!("AOC {}", files(t.sources())));
        }
        if self.hcpcs.is_some() {
            parts.push("HCPCS file loaded".into());
        }
        parts.join("; ")
    }
}
