//! The built-in edits.
//!
//! Each edit is a plain function registered as an [`FnRule`]: the same API a vendor uses for
//! its own rules.

mod agesex;
mod claim;
mod dx;
mod icd10;
mod ncci;
mod problems;
mod procmod;

use std::sync::Arc;

use crate::context::ClaimContext;
use crate::finding::{Hit, Severity};
use crate::rule::{FnRule, Rule, RuleInfo, Sink};

/// The ids of the built-in edits the edits refer to one another by (problem owners).
pub(crate) mod id {
    pub(crate) const ICD10_INVALID: &str = "ICD10.INVALID";
    pub(crate) const ICD9_INVALID: &str = "ICD9.INVALID";
    pub(crate) const DX_MISSING: &str = "DX.MISSING";
    pub(crate) const DX_CODE_SET: &str = "DX.CODE_SET";
    pub(crate) const DX_POINTER: &str = "DX.POINTER";
    pub(crate) const PROC_INVALID: &str = "PROC.INVALID";
    pub(crate) const MOD_INVALID: &str = "MOD.INVALID";
    pub(crate) const POS_INVALID: &str = "POS.INVALID";
    pub(crate) const CLAIM_FREQUENCY: &str = "CLAIM.FREQUENCY";
    pub(crate) const NPI_INVALID: &str = "NPI.INVALID";
    pub(crate) const NPI_MISSING: &str = "NPI.MISSING";
    pub(crate) const DATE_INVALID: &str = "DATE.INVALID";
    pub(crate) const VALUE_INVALID: &str = "VALUE.INVALID";
}

const ICD_SOURCE: &str = "ICD-10-CM FY2025-FY2026 (embedded, CDC/NCHS via CMS)";
const ICD9_SOURCE: &str = "ICD-9-CM code form (medbill-codes; no code set embedded)";
const CODE_SET_SOURCE: &str =
    "HIPAA code sets: ICD-10 from dates of service 2015-10-01 (45 CFR 162.1002)";
const MCE_SOURCE: &str = "CMS Medicare Code Editor age/sex edit definitions (medbill-scrub table)";
const HCPCS_SOURCE: &str = "CPT/HCPCS code form and CMS HCPCS alpha-numeric file (loaded)";
const MOD_SOURCE: &str =
    "CPT modifier numbers, built-in modifier table and CMS HCPCS file (loaded)";
const MOD_RULE_SOURCE: &str = "CMS and NCCI modifier guidance (built in)";
const POS_SOURCE: &str = "CMS place of service code set (built in, 2024)";
const FREQUENCY_SOURCE: &str = "X12 837 claim frequency codes (NUBC type of bill, third digit)";
const PTP_SOURCE: &str = "CMS NCCI PTP edits (loaded quarterly file)";
const MUE_SOURCE: &str = "CMS NCCI MUE tables (loaded quarterly file)";
const AOC_SOURCE: &str = "CMS NCCI add-on code edits (loaded quarterly file)";
const CLAIM_SOURCE: &str = "claim data";
const PROBLEM_SOURCE: &str = "claim data: values the reader could not use, and claim form rules";
const PAYER_SOURCE: &str = "claim data and payer configuration";

type Check = fn(&ClaimContext<'_>, &mut Sink<'_>);

/// The built-in edits: (id, family, default severity, source, check).
#[rustfmt::skip]
const BUILTINS: &[(&str, &str, Severity, &str, Check)] = &[
    (id::DX_MISSING, "DX", Severity::Reject, CLAIM_SOURCE, dx::missing),
    (id::DX_CODE_SET, "DX", Severity::Reject, CODE_SET_SOURCE, dx::code_set),
    (id::ICD10_INVALID, "ICD10", Severity::Reject, ICD_SOURCE, icd10::invalid),
    ("ICD10.NOT_BILLABLE", "ICD10", Severity::Reject, ICD_SOURCE, icd10::not_billable),
    ("ICD10.SEVENTH_CHARACTER", "ICD10", Severity::Reject, ICD_SOURCE, icd10::seventh_character),
    ("ICD10.EXCLUDES1", "ICD10", Severity::Deny, ICD_SOURCE, icd10::excludes1),
    ("ICD10.MANIFESTATION_FIRST", "ICD10", Severity::Deny, ICD_SOURCE, icd10::manifestation_first),
    ("ICD10.EXTERNAL_CAUSE_FIRST", "ICD10", Severity::Deny, ICD_SOURCE, icd10::external_cause_first),
    ("ICD10.AGE", "ICD10", Severity::Deny, MCE_SOURCE, agesex::age),
    ("ICD10.SEX", "ICD10", Severity::Deny, MCE_SOURCE, agesex::sex),
    ("ICD10.UNCHECKED", "ICD10", Severity::Warn, ICD_SOURCE, icd10::unchecked),
    (id::ICD9_INVALID, "ICD9", Severity::Reject, ICD9_SOURCE, dx::icd9_invalid),
    ("ICD9.UNCHECKED", "ICD9", Severity::Warn, ICD9_SOURCE, dx::icd9_unchecked),
    (id::PROC_INVALID, "PROC", Severity::Reject, HCPCS_SOURCE, procmod::proc_invalid),
    ("PROC.UNCHECKED", "PROC", Severity::Warn, HCPCS_SOURCE, procmod::proc_unchecked),
    (id::MOD_INVALID, "MOD", Severity::Reject, MOD_SOURCE, procmod::mod_invalid),
    ("MOD.CONFLICT", "MOD", Severity::Deny, MOD_RULE_SOURCE, procmod::mod_conflict),
    ("MOD.DUPLICATE", "MOD", Severity::Reject, MOD_RULE_SOURCE, procmod::mod_duplicate),
    ("NCCI.PTP", "NCCI", Severity::Deny, PTP_SOURCE, ncci::ptp),
    ("NCCI.MUE", "NCCI", Severity::Deny, MUE_SOURCE, ncci::mue),
    ("NCCI.ADD_ON", "NCCI", Severity::Deny, AOC_SOURCE, ncci::add_on),
    (id::DX_POINTER, "DX", Severity::Reject, CLAIM_SOURCE, dx::pointer),
    ("LINE.DUPLICATE", "LINE", Severity::Deny, CLAIM_SOURCE, claim::line_duplicate),
    ("CLAIM.TOTAL", "CLAIM", Severity::Reject, CLAIM_SOURCE, claim::claim_total),
    (id::CLAIM_FREQUENCY, "CLAIM", Severity::Reject, FREQUENCY_SOURCE, claim::frequency),
    (id::POS_INVALID, "POS", Severity::Reject, POS_SOURCE, claim::pos_invalid),
    (id::NPI_INVALID, "NPI", Severity::Reject, CLAIM_SOURCE, claim::npi_invalid),
    (id::NPI_MISSING, "NPI", Severity::Reject, CLAIM_SOURCE, claim::npi_missing),
    (id::DATE_INVALID, "DATE", Severity::Reject, CLAIM_SOURCE, claim::date_invalid),
    ("CLAIM.TIMELY_FILING", "CLAIM", Severity::Deny, PAYER_SOURCE, claim::timely_filing),
    (id::VALUE_INVALID, "VALUE", Severity::Reject, PROBLEM_SOURCE, problems::value_invalid),
];

/// `hit`, naming `field` when there is one.
fn on(hit: Hit, field: Option<String>) -> Hit {
    match field {
        Some(f) => hit.field(f),
        None => hit,
    }
}

/// The ids of the built-in edits, in the order they run.
pub fn builtin_ids() -> impl Iterator<Item = &'static str> {
    BUILTINS.iter().map(|b| b.0)
}

/// Every built-in edit as a rule, in the order they run.
///
/// | id | default | what | needs |
/// |---|---|---|---|
/// | `DX.MISSING` | reject | professional claim without diagnoses, institutional claim without a principal diagnosis (or a reader that found none) | claim |
/// | `DX.CODE_SET` | reject | ICD-9-CM diagnosis or inpatient procedure on a claim dated from 2015-10-01, ICD-10-CM (ICD-10-PCS) before; the date is the first date of service, the statement end of an institutional claim | claim |
/// | `ICD10.INVALID` | reject | diagnosis not in ICD-10-CM on the date of service, or not a well-formed ICD-10-CM code | embedded ICD-10-CM |
/// | `ICD10.NOT_BILLABLE` | reject | a header (category or subcategory) code | embedded ICD-10-CM |
/// | `ICD10.SEVENTH_CHARACTER` | reject | missing or wrong 7th character, missing X placeholder | embedded ICD-10-CM |
/// | `ICD10.EXCLUDES1` | deny | two diagnoses an Excludes1 note forbids together | embedded ICD-10-CM |
/// | `ICD10.MANIFESTATION_FIRST` | deny | a manifestation code listed first | embedded ICD-10-CM |
/// | `ICD10.EXTERNAL_CAUSE_FIRST` | deny | an external cause code (V00-Y99) listed first | claim |
/// | `ICD10.AGE` | deny | diagnosis inconsistent with age on the date of service (MCE table) | built-in MCE table |
/// | `ICD10.SEX` | deny | diagnosis inconsistent with the patient's sex (MCE table) | built-in MCE table |
/// | `ICD10.UNCHECKED` | warn | valid ICD-10-CM codes that could not be checked: their date is outside the embedded releases (before 2024-10-01), or the claim has no date; one finding listing them | embedded ICD-10-CM |
/// | `ICD9.INVALID` | reject | an ICD-9-CM diagnosis or procedure code that is not well formed | claim |
/// | `ICD9.UNCHECKED` | warn | well-formed ICD-9-CM codes, checked for form only (no ICD-9-CM code set is embedded); one finding listing them | claim |
/// | `PROC.INVALID` | reject | a line's procedure that is not a CPT or HCPCS code (malformed, empty); a HCPCS code not valid on the date of service | code form; CMS HCPCS file for dates |
/// | `PROC.UNCHECKED` | warn | HCPCS Level II codes, and Level II modifiers outside the built-in table, that could not be checked: no HCPCS file loaded (with one: a line without a date); one finding listing them | CMS HCPCS file |
/// | `MOD.INVALID` | reject | malformed modifier; two digits that are not a CPT modifier; a digit-first modifier other than 1P, 2P, 3P, 8P; a Level II modifier neither the built-in table nor the HCPCS file knows, or not valid on the date in the file | built-in lists; CMS HCPCS file for Level II |
/// | `MOD.CONFLICT` | deny | 59 with X{EPSU}, 26 with TC, 50 with LT/RT, GA with GY/GZ | built-in |
/// | `MOD.DUPLICATE` | reject | the same modifier twice on a line | claim |
/// | `NCCI.PTP` | deny | column 1/column 2 pair, same date and provider, by modifier indicator | NCCI PTP file |
/// | `NCCI.MUE` | deny | units beyond the MUE, per line (indicator 1) or per date (2, 3) | NCCI MUE file |
/// | `NCCI.ADD_ON` | deny | add-on code without an eligible primary code on the date | NCCI add-on file |
/// | `DX.POINTER` | reject | professional line with no diagnosis pointer, more than four, or one that is 0, past the list, repeated or unreadable | claim |
/// | `LINE.DUPLICATE` | deny | same procedure, modifiers, date and units twice | claim |
/// | `CLAIM.TOTAL` | reject | claim total differs from the sum of the lines (not judged when an amount was unreadable) | claim |
/// | `CLAIM.FREQUENCY` | reject | frequency that is not a code; 0, 2, 3, 4 or 5 on a professional claim (those are institutional bills: non-payment, interim, late charges; the 837P carries 1, 7 and 8); replacement or void without the original payer claim number | claim |
/// | `POS.INVALID` | reject | claim or line place of service that is not two digits, or that CMS does not assign | built-in CMS code set |
/// | `NPI.INVALID` | reject | a billing, rendering, referring, facility, attending, operating or line rendering NPI that is not ten digits or fails the check digit | claim |
/// | `NPI.MISSING` | reject | billing provider without an NPI (and any provider NPI a reader found missing) | claim |
/// | `DATE.INVALID` | reject | future service, range ending before it starts, service after submission | claim |
/// | `CLAIM.TIMELY_FILING` | deny | submitted after the payer's limit (default 365 days) | claim, configuration |
/// | `VALUE.INVALID` | reject | every other problem of [`Claim::check`](medbill_claim::Claim::check): values a reader could not use (amounts that are not numbers, dates that are not dates, text that is not UTF-8, a missing billing provider, subscriber or payer, an unknown filing indicator, ...) and claim-form rules (a negative charge, zero units, a missing date of service, too many lines or modifiers, ...) | claim |
///
/// Every problem of a claim (what its reader reported, and each claim-form rule it breaks)
/// is reported by exactly one of these edits; the edits that depend on a value (NCCI on a
/// procedure, Excludes1 on a diagnosis, MUE on units, the total on the charges) pass over a
/// value another edit reports. Findings name the field at fault where one value is
/// ([`Finding::field`](crate::Finding::field)) and, on claims read from X12, where it was
/// ([`Finding::at`](crate::Finding::at)).
pub fn builtin_rules() -> Vec<Arc<dyn Rule>> {
    BUILTINS
        .iter()
        .map(|&(id, family, severity, source, check)| {
            Arc::new(FnRule::new(
                RuleInfo::new(id, family, severity, source),
                check,
            )) as Arc<dyn Rule>
        })
        .collect()
}
