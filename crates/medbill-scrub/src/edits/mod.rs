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
/// | id | default | what |
/// |---|---|---|
/// | `ICD10.INVALID` | reject | diagnosis not in ICD-10-CM on the date of service |
/// | `ICD10.NOT_BILLABLE` | reject | a header (category or subcategory) code |
/// | `ICD10.SEVENTH_CHARACTER` | reject | missing or wrong 7th character, missing X placeholder |
/// | `ICD10.EXCLUDES1` | deny | two diagnoses an Excludes1 note forbids together |
/// | `ICD10.MANIFESTATION_FIRST` | deny | a manifestation code listed first |
/// | `ICD10.EXTERNAL_CAUSE_FIRST` | deny | an external cause code (V00-Y99) listed first |
/// | `ICD10.AGE` | deny | diagnosis inconsistent with age on the date of service (MCE table) |
/// | `ICD10.SEX` | deny | diagnosis inconsistent with the patient's sex (MCE table) |
/// | `PROC.INVALID` | reject | HCPCS code not valid on the date of service (HCPCS file loaded) |
/// | `MOD.INVALID` | reject | unknown CPT modifier; HCPCS modifier not valid (HCPCS file loaded) |
/// | `MOD.CONFLICT` | deny | 59 with X{EPSU}, 26 with TC, 50 with LT/RT, GA with GY/GZ |
/// | `MOD.DUPLICATE` | reject | the same modifier twice on a line |
/// | `NCCI.PTP` | deny | column 1/column 2 pair, same date and provider, by modifier indicator |
/// | `NCCI.MUE` | deny | units beyond the MUE, per line (indicator 1) or per date (2, 3) |
/// | `NCCI.ADD_ON` | deny | add-on code without an eligible primary code on the date |
/// | `DX.POINTER` | reject | no diagnosis pointer, or one past the list |
/// | `LINE.DUPLICATE` | deny | same procedure, modifiers, date and units twice |
/// | `CLAIM.TOTAL` | reject | claim total differs from the sum of the lines |
/// | `NPI.INVALID` | reject | a billing, rendering, referring, facility or line NPI failing the check (kept as `invalid_npi`) |
/// | `NPI.MISSING` | reject | billing provider without an NPI |
/// | `DATE.INVALID` | reject | future service, range ending before it starts, service after submission |
/// | `CLAIM.TIMELY_FILING` | deny | submitted after the payer's limit (default 365 days) |
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
