//! The view of a claim the rules read.

use std::borrow::Cow;
use std::cell::OnceCell;

use chrono::NaiveDate;
use medbill_claim::{Claim, ClaimDetail};
use medbill_codes::icd10cm::{DatePolicy, Validity};
use medbill_codes::{Icd10CmCode, Modifier, Npi, ProcedureCode};
use rust_decimal::Decimal;

use crate::ncci::NcciSetting;
use crate::ncci::text::pack;
use crate::reference::ReferenceData;

/// The dates a scrub runs against.
///
/// ```
/// use medbill_scrub::ScrubOptions;
/// let opts = ScrubOptions::on("2026-03-10".parse().unwrap());
/// assert_eq!(opts.submitted, opts.today);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct ScrubOptions {
    /// The date the claim is (or will be) submitted: timely filing and "service after
    /// submission" are judged against it.
    pub submitted: NaiveDate,
    /// Today: a date of service after it is in the future.
    pub today: NaiveDate,
}

impl ScrubOptions {
    /// Submitting today.
    pub fn on(date: NaiveDate) -> Self {
        ScrubOptions {
            submitted: date,
            today: date,
        }
    }

    /// Submitting on `submitted`, with `today` as the current date.
    pub fn new(submitted: NaiveDate, today: NaiveDate) -> Self {
        ScrubOptions { submitted, today }
    }
}

/// A service line of either form, as the rules see it.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct LineView<'a> {
    /// 1-based line number.
    pub number: u32,
    /// The CPT or HCPCS code (an institutional line may have none).
    pub procedure: Option<ProcedureCode>,
    /// The line's modifiers.
    pub modifiers: &'a [Modifier],
    /// Units of service.
    pub units: Decimal,
    /// Line charge.
    pub charge: Decimal,
    /// Date of service (first date of a range); an institutional line may have none.
    pub from: Option<NaiveDate>,
    /// Last date of a range.
    pub to: Option<NaiveDate>,
    /// Diagnosis pointers (professional lines; empty on institutional lines).
    pub pointers: &'a [u8],
    /// Rendering provider NPI: the line's, else the claim's rendering, else the billing
    /// provider's. The "same provider" of NCCI edits.
    pub provider: Option<Npi>,
    /// Revenue code (institutional lines).
    pub revenue_code: Option<&'a str>,
    pub(crate) packed: Option<u32>,
}

impl LineView<'_> {
    /// Whether the line carries `modifier`.
    pub fn has_modifier(&self, modifier: &str) -> bool {
        self.modifiers.iter().any(|m| m.as_str() == modifier)
    }
}

/// A claim prepared for the rules: its lines in one shape, its diagnoses, the reference data
/// and the options of the run.
pub struct ClaimContext<'a> {
    claim: &'a Claim,
    data: &'a ReferenceData,
    options: &'a ScrubOptions,
    timely_filing_days: u32,
    lines: Vec<LineView<'a>>,
    diagnoses: Cow<'a, [Icd10CmCode]>,
    validity: OnceCell<Vec<Validity>>,
}

impl std::fmt::Debug for ClaimContext<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClaimContext")
            .field("claim", &self.claim.patient_control_number)
            .field("lines", &self.lines.len())
            .finish_non_exhaustive()
    }
}

impl<'a> ClaimContext<'a> {
    /// Prepares a claim.
    pub fn new(
        claim: &'a Claim,
        data: &'a ReferenceData,
        options: &'a ScrubOptions,
        timely_filing_days: u32,
    ) -> Self {
        let claim_provider = claim
            .rendering_provider
            .as_ref()
            .and_then(|p| p.npi)
            .or(claim.billing_provider.provider.npi);
        let lines = match &claim.detail {
            ClaimDetail::Professional(p) => p
                .lines
                .iter()
                .enumerate()
                .map(|(i, l)| LineView {
                    number: i as u32 + 1,
                    procedure: Some(l.procedure),
                    modifiers: &l.modifiers,
                    units: l.units,
                    charge: l.charge,
                    from: Some(l.service_date),
                    to: l.service_end,
                    pointers: &l.diagnosis_pointers,
                    provider: l
                        .rendering_provider
                        .as_ref()
                        .and_then(|p| p.npi)
                        .or(claim_provider),
                    revenue_code: None,
                    packed: pack(l.procedure.as_str()),
                })
                .collect(),
            ClaimDetail::Institutional(d) => d
                .lines
                .iter()
                .enumerate()
                .map(|(i, l)| LineView {
                    number: i as u32 + 1,
                    procedure: l.procedure,
                    modifiers: &l.modifiers,
                    units: l.units,
                    charge: l.charge,
                    // Outpatient lines carry their date; otherwise the statement start.
                    from: l.service_date.or(Some(d.statement_from)),
                    to: None,
                    pointers: &[],
                    provider: claim.billing_provider.provider.npi,
                    revenue_code: Some(l.revenue_code.as_str()),
                    packed: l.procedure.and_then(|p| pack(p.as_str())),
                })
                .collect(),
            _ => Vec::new(),
        };
        ClaimContext {
            claim,
            data,
            options,
            timely_filing_days,
            lines,
            diagnoses: match &claim.detail {
                ClaimDetail::Professional(p) => Cow::Borrowed(&p.diagnoses[..]),
                _ => Cow::Owned(claim.diagnosis_codes()),
            },
            validity: OnceCell::new(),
        }
    }

    /// The claim.
    pub fn claim(&self) -> &'a Claim {
        self.claim
    }

    /// The reference data.
    pub fn data(&self) -> &'a ReferenceData {
        self.data
    }

    /// The run's dates.
    pub fn options(&self) -> &'a ScrubOptions {
        self.options
    }

    /// The payer's timely filing limit in days, from the configuration.
    pub fn timely_filing_days(&self) -> u32 {
        self.timely_filing_days
    }

    /// The service lines.
    pub fn lines(&self) -> &[LineView<'a>] {
        &self.lines
    }

    /// Every diagnosis, principal first ([`Claim::diagnosis_codes`]).
    pub fn diagnoses(&self) -> &[Icd10CmCode] {
        &self.diagnoses
    }

    /// Whether the claim is professional (837P).
    pub fn is_professional(&self) -> bool {
        matches!(self.claim.detail, ClaimDetail::Professional(_))
    }

    /// The NCCI setting: practitioner for professional claims, outpatient hospital for
    /// institutional ones.
    pub fn ncci_setting(&self) -> NcciSetting {
        if self.is_professional() {
            NcciSetting::Practitioner
        } else {
            NcciSetting::OutpatientHospital
        }
    }

    /// The date diagnoses are coded for: the first date of service of a professional claim,
    /// the statement end (discharge) of an institutional one, as CMS picks the ICD-10-CM
    /// release.
    pub fn diagnosis_date(&self) -> Option<NaiveDate> {
        match &self.claim.detail {
            ClaimDetail::Institutional(d) => Some(d.statement_to),
            _ => self.lines.iter().filter_map(|l| l.from).min(),
        }
    }

    /// The ICD-10-CM validity of each diagnosis on [`diagnosis_date`](Self::diagnosis_date),
    /// computed once per claim and shared by the rules; empty without a date.
    pub fn diagnosis_validity(&self) -> &[Validity] {
        self.validity.get_or_init(|| {
            let Some(date) = self.diagnosis_date() else {
                return Vec::new();
            };
            let cm = self.data.icd10cm();
            self.diagnoses
                .iter()
                .map(|&c| cm.check_code(c, date, DatePolicy::Extrapolate))
                .collect()
        })
    }
}
