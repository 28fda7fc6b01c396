//! The view of a claim the rules read.

use std::borrow::Cow;
use std::cell::OnceCell;
use std::fmt;

use chrono::NaiveDate;
use medbill_claim::{Claim, ClaimDetail, Coded, DiagnosisCode, Problem};
use medbill_codes::icd10cm::{DatePolicy, Validity};
use medbill_codes::{Icd10CmCode, Modifier, Npi, ProcedureCode};
use rust_decimal::Decimal;

use crate::ncci::NcciSetting;
use crate::ncci::text::pack;
use crate::reference::ReferenceData;

/// The first date of service coded in ICD-10 (the HIPAA compliance date): diagnoses (and
/// inpatient procedures) of earlier dates of service are ICD-9-CM, later ones ICD-10.
pub const ICD10_COMPLIANCE_DATE: NaiveDate = match NaiveDate::from_ymd_opt(2015, 10, 1) {
    Some(d) => d,
    None => panic!("2015-10-01 is a date"),
};

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
///
/// Codes are held as sent ([`Coded`]): [`procedure`](Self::procedure) is the valid code only,
/// so that edits on procedures (NCCI, duplicates) pass over a line whose code is not valid
/// (`PROC.INVALID` reports it); [`procedure_as_sent`](Self::procedure_as_sent) has the text.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct LineView<'a> {
    /// 1-based line number.
    pub number: u32,
    /// The CPT or HCPCS code, when valid (`None` also for an institutional line without one).
    pub procedure: Option<ProcedureCode>,
    /// The procedure as sent, valid or not (`None` for an institutional line without one).
    pub procedure_as_sent: Option<&'a Coded<ProcedureCode>>,
    /// The line's modifiers, as sent.
    pub modifiers: &'a [Coded<Modifier>],
    /// Units of service.
    pub units: Decimal,
    /// Line charge.
    pub charge: Decimal,
    /// Date of service (first date of a range); `None` when the line has none (an
    /// institutional line falls back to the statement start).
    pub from: Option<NaiveDate>,
    /// Last date of a range.
    pub to: Option<NaiveDate>,
    /// Diagnosis pointers as sent (professional lines; empty on institutional lines).
    pub pointers: &'a [u8],
    /// Rendering provider NPI: the line's, else the claim's rendering, else the billing
    /// provider's (valid NPIs only). The "same provider" of NCCI edits.
    pub provider: Option<Npi>,
    /// Revenue code as sent (institutional lines).
    pub revenue_code: Option<&'a str>,
    pub(crate) packed: Option<u32>,
}

impl LineView<'_> {
    /// Whether the line carries `modifier` (a valid one).
    pub fn has_modifier(&self, modifier: &str) -> bool {
        self.valid_modifiers().any(|m| m.as_str() == modifier)
    }

    /// The line's valid modifiers, in order.
    pub fn valid_modifiers(&self) -> impl Iterator<Item = Modifier> + '_ {
        self.modifiers.iter().filter_map(Coded::get)
    }

    /// The 0-based index of the line, as field paths (`lines[0].procedure`) number it.
    pub fn index(&self) -> usize {
        self.number as usize - 1
    }

    /// The path of one of the line's fields, such as `lines[1].units`.
    pub fn field(&self, name: &str) -> String {
        format!("lines[{}].{name}", self.index())
    }
}

/// Where a diagnosis sits on its claim: the field it was sent in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DiagnosisSlot {
    /// A professional claim's list (`diagnoses[i]`; the first is the principal).
    Listed(usize),
    /// Institutional principal diagnosis.
    Principal,
    /// Institutional admitting diagnosis.
    Admitting,
    /// Institutional reason for visit.
    ReasonForVisit(usize),
    /// Institutional other diagnosis.
    Other(usize),
    /// Institutional external cause of injury.
    ExternalCause(usize),
}

impl DiagnosisSlot {
    /// The X12 HI qualifier of the slot, for the ICD-10-CM or the ICD-9-CM list.
    pub(crate) fn qualifier(self, icd10: bool) -> &'static str {
        let (ten, nine) = match self {
            DiagnosisSlot::Listed(0) | DiagnosisSlot::Principal => ("ABK", "BK"),
            DiagnosisSlot::Listed(_) | DiagnosisSlot::Other(_) => ("ABF", "BF"),
            DiagnosisSlot::Admitting => ("ABJ", "BJ"),
            DiagnosisSlot::ReasonForVisit(_) => ("APR", "PR"),
            DiagnosisSlot::ExternalCause(_) => ("ABN", "BN"),
        };
        if icd10 { ten } else { nine }
    }
}

impl fmt::Display for DiagnosisSlot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DiagnosisSlot::Listed(i) => write!(f, "diagnoses[{i}]"),
            DiagnosisSlot::Principal => f.write_str("principal_diagnosis"),
            DiagnosisSlot::Admitting => f.write_str("admitting_diagnosis"),
            DiagnosisSlot::ReasonForVisit(i) => write!(f, "reason_for_visit[{i}]"),
            DiagnosisSlot::Other(i) => write!(f, "other_diagnoses[{i}]"),
            DiagnosisSlot::ExternalCause(i) => write!(f, "external_causes[{i}]"),
        }
    }
}

/// How many ICD-10-CM codes are held without allocating: the most a professional claim has.
const INLINE_ICD10: usize = 12;

/// The valid ICD-10-CM codes of a claim and the index of each among all its diagnoses: inline
/// up to [`INLINE_ICD10`] (every professional claim), on the heap beyond, so that preparing a
/// claim allocates nothing for them.
enum Icd10Codes {
    Inline {
        codes: [Icd10CmCode; INLINE_ICD10],
        positions: [u8; INLINE_ICD10],
        len: usize,
    },
    Heap {
        codes: Vec<Icd10CmCode>,
        positions: Vec<usize>,
    },
}

impl Icd10Codes {
    fn collect(diagnoses: &[DiagnosisCode]) -> Self {
        let mut found = diagnoses
            .iter()
            .enumerate()
            .filter_map(|(i, d)| Some((i, d.as_icd10()?)));
        let Some((p0, c0)) = found.next() else {
            return Icd10Codes::Heap {
                codes: Vec::new(),
                positions: Vec::new(),
            };
        };
        if diagnoses.len() <= INLINE_ICD10 {
            // Positions fit in a byte: there are at most INLINE_ICD10 diagnoses.
            let mut codes = [c0; INLINE_ICD10];
            let mut positions = [p0 as u8; INLINE_ICD10];
            let mut len = 1;
            for (p, c) in found {
                codes[len] = c;
                positions[len] = p as u8;
                len += 1;
            }
            return Icd10Codes::Inline {
                codes,
                positions,
                len,
            };
        }
        let (positions, codes) = std::iter::once((p0, c0)).chain(found).unzip();
        Icd10Codes::Heap { codes, positions }
    }

    fn codes(&self) -> &[Icd10CmCode] {
        match self {
            Icd10Codes::Inline { codes, len, .. } => &codes[..*len],
            Icd10Codes::Heap { codes, .. } => codes,
        }
    }

    fn position(&self, k: usize) -> Option<usize> {
        match self {
            Icd10Codes::Inline { positions, len, .. } => {
                (k < *len).then(|| usize::from(positions[k]))
            }
            Icd10Codes::Heap { positions, .. } => positions.get(k).copied(),
        }
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
    diagnoses: Cow<'a, [DiagnosisCode]>,
    diagnosis_date: Option<NaiveDate>,
    icd10: Icd10Codes,
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
        let lines = line_views(claim);
        let diagnoses = match &claim.detail {
            ClaimDetail::Professional(p) => Cow::Borrowed(&p.diagnoses[..]),
            _ => Cow::Owned(claim.diagnosis_codes()),
        };
        let diagnosis_date = match &claim.detail {
            ClaimDetail::Institutional(d) => d.statement_to.or(d.statement_from),
            _ => lines.iter().filter_map(|l| l.from).min(),
        };
        // ICD-10-CM codes on a claim dated before ICD-10 are DX.CODE_SET's finding; the
        // ICD-10 edits do not judge them as well.
        let icd10 = if diagnosis_date.is_some_and(|d| d < ICD10_COMPLIANCE_DATE) {
            Icd10Codes::collect(&[])
        } else {
            Icd10Codes::collect(&diagnoses)
        };
        ClaimContext {
            claim,
            data,
            options,
            timely_filing_days,
            lines,
            diagnoses,
            diagnosis_date,
            icd10,
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

    /// Every diagnosis as sent, with its code list, principal first
    /// ([`Claim::diagnosis_codes`]): indexes into this list are the positions
    /// [`icd10_position`](Self::icd10_position) and [`diagnosis_field`](Self::diagnosis_field)
    /// speak of.
    pub fn diagnoses(&self) -> &[DiagnosisCode] {
        &self.diagnoses
    }

    /// The valid ICD-10-CM codes among [`diagnoses`](Self::diagnoses), in order: what the
    /// ICD-10 edits judge. Empty on a claim dated before October 1 2015 (whose ICD-10 codes
    /// are the wrong code set, `DX.CODE_SET`).
    pub fn icd10_diagnoses(&self) -> &[Icd10CmCode] {
        self.icd10.codes()
    }

    /// The index in [`diagnoses`](Self::diagnoses) of the `k`-th code of
    /// [`icd10_diagnoses`](Self::icd10_diagnoses).
    pub fn icd10_position(&self, k: usize) -> Option<usize> {
        self.icd10.position(k)
    }

    /// The field path of the diagnosis at `index` in [`diagnoses`](Self::diagnoses):
    /// `diagnoses[2]` on a professional claim; `principal_diagnosis`, `admitting_diagnosis`,
    /// `reason_for_visit[0]`, `other_diagnoses[3]` or `external_causes[0]` on an institutional
    /// one.
    pub fn diagnosis_field(&self, index: usize) -> Option<String> {
        self.diagnosis_slot(index).map(|s| s.to_string())
    }

    /// Where the diagnosis at `index` was sent.
    pub(crate) fn diagnosis_slot(&self, index: usize) -> Option<DiagnosisSlot> {
        match &self.claim.detail {
            ClaimDetail::Professional(p) => {
                (index < p.diagnoses.len()).then_some(DiagnosisSlot::Listed(index))
            }
            ClaimDetail::Institutional(d) => {
                let mut rest = index;
                let mut take = |len: usize| -> Option<usize> {
                    if rest < len {
                        Some(rest)
                    } else {
                        rest -= len;
                        None
                    }
                };
                if take(usize::from(d.principal_diagnosis.is_some())).is_some() {
                    return Some(DiagnosisSlot::Principal);
                }
                if take(usize::from(d.admitting_diagnosis.is_some())).is_some() {
                    return Some(DiagnosisSlot::Admitting);
                }
                if let Some(i) = take(d.reason_for_visit.len()) {
                    return Some(DiagnosisSlot::ReasonForVisit(i));
                }
                if let Some(i) = take(d.other_diagnoses.len()) {
                    return Some(DiagnosisSlot::Other(i));
                }
                take(d.external_causes.len()).map(DiagnosisSlot::ExternalCause)
            }
            _ => None,
        }
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
    /// release. `None` when the claim has no such date.
    pub fn diagnosis_date(&self) -> Option<NaiveDate> {
        self.diagnosis_date
    }

    /// Whether the claim's diagnoses (and inpatient procedures) are ICD-10 by its
    /// [`diagnosis_date`](Self::diagnosis_date): on or after [`ICD10_COMPLIANCE_DATE`].
    /// `None` without a date.
    pub fn expects_icd10(&self) -> Option<bool> {
        self.diagnosis_date().map(|d| d >= ICD10_COMPLIANCE_DATE)
    }

    /// The ICD-10-CM validity of each code of [`icd10_diagnoses`](Self::icd10_diagnoses) on
    /// [`diagnosis_date`](Self::diagnosis_date), computed once per claim and shared by the
    /// rules; empty without a date.
    pub fn diagnosis_validity(&self) -> &[Validity] {
        self.validity.get_or_init(|| {
            let Some(date) = self.diagnosis_date() else {
                return Vec::new();
            };
            let cm = self.data.icd10cm();
            self.icd10_diagnoses()
                .iter()
                .map(|&c| cm.check_code(c, date, DatePolicy::Extrapolate))
                .collect()
        })
    }

    /// The reader's problem on `field`, if it reported one (the first).
    pub fn problem(&self, field: &str) -> Option<&'a Problem> {
        self.claim
            .problems
            .iter()
            .find(|p| p.field() == Some(field))
    }

    /// Whether the reader reported a problem on a field of line `index` (0-based) named
    /// `name`, or on one of its entries (`name[j]`, `name.sub`).
    pub fn line_has_problem(&self, index: usize, name: &str) -> bool {
        self.claim.problems.iter().any(|p| {
            let Some((line, rest)) = p.field().and_then(split_line) else {
                return false;
            };
            line == index
                && rest
                    .strip_prefix(name)
                    .is_some_and(|tail| tail.is_empty() || tail.starts_with(['[', '.']))
        })
    }
}

/// `lines[3].modifiers[0]` as `(3, "modifiers[0]")`; `None` for a field not below a line.
pub(crate) fn split_line(field: &str) -> Option<(usize, &str)> {
    let rest = field.strip_prefix("lines[")?;
    let (index, rest) = rest.split_once("].")?;
    Some((index.parse().ok()?, rest))
}

fn line_views(claim: &Claim) -> Vec<LineView<'_>> {
    let claim_provider = claim
        .rendering_provider
        .as_ref()
        .and_then(|p| p.valid_npi())
        .or(claim.billing_provider.provider.valid_npi());
    match &claim.detail {
        ClaimDetail::Professional(p) => p
            .lines
            .iter()
            .enumerate()
            .map(|(i, l)| {
                let procedure = l.procedure.get();
                LineView {
                    number: i as u32 + 1,
                    procedure,
                    procedure_as_sent: Some(&l.procedure),
                    modifiers: &l.modifiers,
                    units: l.units,
                    charge: l.charge,
                    from: l.service_date,
                    to: l.service_end,
                    pointers: &l.diagnosis_pointers,
                    provider: l
                        .rendering_provider
                        .as_ref()
                        .and_then(|p| p.valid_npi())
                        .or(claim_provider),
                    revenue_code: None,
                    packed: procedure.and_then(|p| pack(p.as_str())),
                }
            })
            .collect(),
        ClaimDetail::Institutional(d) => d
            .lines
            .iter()
            .enumerate()
            .map(|(i, l)| {
                let procedure = l.procedure.as_ref().and_then(Coded::get);
                LineView {
                    number: i as u32 + 1,
                    procedure,
                    procedure_as_sent: l.procedure.as_ref(),
                    modifiers: &l.modifiers,
                    units: l.units,
                    charge: l.charge,
                    // Outpatient lines carry their date; otherwise the statement start.
                    from: l.service_date.or(d.statement_from),
                    to: None,
                    pointers: &[],
                    provider: claim.billing_provider.provider.valid_npi(),
                    revenue_code: Some(l.revenue_code.as_str()),
                    packed: procedure.and_then(|p| pack(p.as_str())),
                }
            })
            .collect(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_fields_split() {
        assert_eq!(
            split_line("lines[3].modifiers[0]"),
            Some((3, "modifiers[0]"))
        );
        assert_eq!(split_line("lines[x].units"), None);
        assert_eq!(split_line("diagnoses[0]"), None);
    }

    #[test]
    fn icd10_codes_keep_their_positions_inline_and_on_the_heap() {
        let mut dx = vec![
            DiagnosisCode::icd9("25000"),
            DiagnosisCode::icd10("E119"),
            DiagnosisCode::icd10("E11."),
            DiagnosisCode::icd10("I10"),
        ];
        let list = Icd10Codes::collect(&dx);
        assert!(matches!(list, Icd10Codes::Inline { .. }));
        let shown: Vec<String> = list.codes().iter().map(|c| c.to_string()).collect();
        assert_eq!(shown, ["E11.9", "I10"]);
        assert_eq!((list.position(0), list.position(1)), (Some(1), Some(3)));
        assert_eq!(list.position(2), None);
        dx.extend((0..12).map(|_| DiagnosisCode::icd10("R69")));
        let list = Icd10Codes::collect(&dx);
        assert!(matches!(list, Icd10Codes::Heap { .. }));
        assert_eq!(list.codes().len(), 14);
        assert_eq!(list.position(13), Some(15));
        assert!(Icd10Codes::collect(&dx[..1]).codes().is_empty());
    }
}
