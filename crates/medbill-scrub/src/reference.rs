//! Reference data the edits consult, loaded once and shared across threads.

use medbill_codes::HcpcsTable;
use medbill_codes::icd10cm::Icd10Cm;

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
}

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
