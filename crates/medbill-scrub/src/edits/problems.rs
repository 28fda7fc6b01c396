//! The problems the claim carries (the reader's, and the claim form's rules it breaks): which
//! edit reports each, and `VALUE.INVALID` for the ones no other edit is about.
//!
//! Every problem has exactly one owner ([`owner`]). An owning edit judges the value from the
//! claim (a [`Coded::Invalid`](medbill_claim::Coded) procedure, a pointer past the list) and
//! then reports, through [`report_unclaimed`], the reader's problems it owns that the claim
//! alone does not show (a pointer that was not a number). `VALUE.INVALID` reports the rest.

use medbill_claim::{ClaimError, Problem};
use medbill_codes::{CodeError, CodeSystem};

use super::id;
use crate::context::{ClaimContext, split_line};
use crate::finding::Hit;
use crate::rule::Sink;

/// The built-in edit that reports `error` on this claim.
pub(crate) fn owner(ctx: &ClaimContext<'_>, error: &ClaimError) -> &'static str {
    let Some(field) = error.field() else {
        return id::VALUE_INVALID;
    };
    let kind = error.kind();
    if let Some((_, rest)) = split_line(field) {
        return line_owner(rest, kind);
    }
    match (without_index(field), kind) {
        ("place_of_service", _) => id::POS_INVALID,
        ("frequency" | "original_payer_claim_number", _) => id::CLAIM_FREQUENCY,
        ("diagnoses", "missing" | "empty") | ("principal_diagnosis", "missing") => id::DX_MISSING,
        ("statement_to", "date_order") => id::DATE_INVALID,
        (name, "missing") if is_provider_npi(name) => id::NPI_MISSING,
        (name, _) if is_provider_npi(name) => id::NPI_INVALID,
        (name, "code") if is_diagnosis(name) => diagnosis_owner(ctx, code_system(error)),
        ("principal_procedure" | "other_procedures", "code") => {
            procedure_owner(ctx, code_system(error))
        }
        _ => id::VALUE_INVALID,
    }
}

/// The owner of a problem on a line's field (`rest` is the path below `lines[i].`).
fn line_owner(rest: &str, kind: &str) -> &'static str {
    match (without_index(rest), kind) {
        ("procedure", _) => id::PROC_INVALID,
        // The list itself (too many) is VALUE.INVALID's; each entry is MOD.INVALID's.
        ("modifiers", _) if rest != "modifiers" => id::MOD_INVALID,
        ("place_of_service", _) => id::POS_INVALID,
        ("diagnosis_pointers", _) => id::DX_POINTER,
        ("service_end", "date_order") => id::DATE_INVALID,
        ("rendering_provider.npi", "missing") => id::NPI_MISSING,
        ("rendering_provider.npi", _) => id::NPI_INVALID,
        _ => id::VALUE_INVALID,
    }
}

/// A diagnosis code of the wrong list for the date of service is DX.CODE_SET's; otherwise a
/// malformed code is its list's.
fn diagnosis_owner(ctx: &ClaimContext<'_>, system: Option<CodeSystem>) -> &'static str {
    match (system, ctx.expects_icd10()) {
        (Some(CodeSystem::Icd9Cm), Some(true)) | (Some(CodeSystem::Icd10Cm), Some(false)) => {
            id::DX_CODE_SET
        }
        (Some(CodeSystem::Icd9Cm), _) => id::ICD9_INVALID,
        (Some(CodeSystem::Icd10Cm), _) => id::ICD10_INVALID,
        _ => id::VALUE_INVALID,
    }
}

/// As [`diagnosis_owner`], for inpatient procedures (no edit judges ICD-10-PCS form: a
/// malformed one is VALUE.INVALID's).
fn procedure_owner(ctx: &ClaimContext<'_>, system: Option<CodeSystem>) -> &'static str {
    match (system, ctx.expects_icd10()) {
        (Some(CodeSystem::Icd9Procedure), Some(true))
        | (Some(CodeSystem::Icd10Pcs), Some(false)) => id::DX_CODE_SET,
        (Some(CodeSystem::Icd9Procedure), _) => id::ICD9_INVALID,
        _ => id::VALUE_INVALID,
    }
}

/// `modifiers[0]` as `modifiers`; a path not ending in an index unchanged.
fn without_index(path: &str) -> &str {
    match path.strip_suffix(']').and_then(|p| p.rsplit_once('[')) {
        Some((name, index)) if index.bytes().all(|b| b.is_ascii_digit()) => name,
        _ => path,
    }
}

fn is_provider_npi(path: &str) -> bool {
    matches!(
        path,
        "billing_provider.npi"
            | "rendering_provider.npi"
            | "referring_provider.npi"
            | "service_facility.npi"
            | "attending_provider.npi"
            | "operating_provider.npi"
    )
}

fn is_diagnosis(name: &str) -> bool {
    matches!(
        name,
        "diagnoses"
            | "principal_diagnosis"
            | "admitting_diagnosis"
            | "reason_for_visit"
            | "other_diagnoses"
            | "external_causes"
    )
}

/// The code system a code error names.
fn code_system(error: &ClaimError) -> Option<CodeSystem> {
    let ClaimError::Code { source, .. } = error else {
        return None;
    };
    match source {
        CodeError::Empty { system }
        | CodeError::Length { system, .. }
        | CodeError::Character { system, .. }
        | CodeError::Unknown { system, .. } => Some(*system),
        CodeError::CheckDigit { .. } => Some(CodeSystem::Npi),
        _ => None,
    }
}

/// Reports each problem of the reader that the sink's edit owns and has not reported on its
/// field already: what the claim's values alone do not show.
pub(crate) fn report_unclaimed(ctx: &ClaimContext<'_>, sink: &mut Sink<'_>) {
    for p in &ctx.claim().problems {
        let Some(field) = p.field() else { continue };
        if owner(ctx, &p.error) == sink.edit() && !sink.has_reported(field) {
            sink.report(problem_hit(p));
        }
    }
}

/// A finding made of a problem: its message (which names the field and never carries PHI),
/// the code as sent, the field, the line and where it was.
fn problem_hit(p: &Problem) -> Hit {
    let mut hit = Hit::new(p.error.to_string()).fix(fix_for(&p.error));
    if let Some(field) = p.field() {
        if let Some((line, _)) = split_line(field) {
            hit = hit.line(line as u32 + 1);
        }
        hit = hit.field(field);
    }
    if let Some(sent) = &p.sent {
        hit = hit.codes([sent.as_str()]);
    }
    if let Some(at) = &p.at {
        hit = hit.at(at.clone());
    }
    hit
}

/// What to do about a problem, by its kind.
fn fix_for(error: &ClaimError) -> String {
    let field = error.field().unwrap_or("the value");
    match error {
        ClaimError::Missing { .. } => match missing_hint(field) {
            Some(hint) => hint.to_owned(),
            None => format!("add {field}"),
        },
        ClaimError::NotANumber { .. } => {
            format!("send {field} as a decimal number (digits, at most one decimal point)")
        }
        ClaimError::NotADate { .. } => format!(
            "send {field} as a date in CCYYMMDD form (D8), or a range CCYYMMDD-CCYYMMDD (RD8)"
        ),
        ClaimError::NotText { .. } => {
            format!("resend {field} as UTF-8 text (it was kept with the bad bytes replaced)")
        }
        ClaimError::Code { .. } => match code_system(error) {
            Some(system) => format!("send a valid {system} code in {field}"),
            None => format!("correct {field}"),
        },
        ClaimError::Negative { .. } => format!("correct {field}: it cannot be negative"),
        ClaimError::NotPositive { .. } => {
            format!("correct {field}: it must be greater than zero")
        }
        ClaimError::TooMany { max, .. } => {
            format!("keep at most {max} entries in {field} (split the claim or line if needed)")
        }
        ClaimError::Empty { .. } => format!("add at least one entry to {field}"),
        ClaimError::DateOrder { .. } => format!("correct the dates of {field}"),
        ClaimError::PointerOutOfRange { diagnoses, .. } => {
            format!("use a pointer from 1 to {diagnoses}")
        }
        _ => format!("correct {field}"),
    }
}

/// Where a missing part goes in the 837, for the parts a biller adds most.
fn missing_hint(field: &str) -> Option<&'static str> {
    Some(match field {
        "billing_provider" => "add the billing provider (loop 2010AA)",
        "subscriber" => "add the subscriber (loop 2010BA)",
        "payer" => "add the payer (loop 2010BB)",
        "patient_control_number" => "add the patient control number (CLM01)",
        "statement_from" | "statement_to" => "add the statement period (DTP*434)",
        "type_of_bill" => "add the type of bill (CLM05-1 and CLM05-3)",
        "principal_procedure" => "add the principal procedure (HI*BBR) before the others",
        _ if field.ends_with(".service_date") => "add the line's date of service (DTP*472)",
        _ if field.ends_with(".date") => "add the date the procedure was performed",
        _ => return None,
    })
}

/// `VALUE.INVALID`: every problem of the claim ([`Claim::check`](medbill_claim::Claim::check):
/// the reader's, and each claim-form rule broken) that no other edit reports.
pub(crate) fn value_invalid(ctx: &ClaimContext<'_>, sink: &mut Sink<'_>) {
    for p in ctx.claim().check() {
        if owner(ctx, &p.error) == id::VALUE_INVALID {
            sink.report(problem_hit(&p));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indexes_come_off_the_end_only() {
        assert_eq!(without_index("modifiers[0]"), "modifiers");
        assert_eq!(
            without_index("other_diagnoses[3].poa"),
            "other_diagnoses[3].poa"
        );
        assert_eq!(without_index("diagnoses"), "diagnoses");
        assert_eq!(without_index("drug[x]"), "drug[x]");
    }

    #[test]
    fn line_problems_go_to_their_edit() {
        assert_eq!(line_owner("procedure", "code"), id::PROC_INVALID);
        assert_eq!(line_owner("modifiers[2]", "code"), id::MOD_INVALID);
        assert_eq!(line_owner("modifiers", "too_many"), id::VALUE_INVALID);
        assert_eq!(
            line_owner("diagnosis_pointers[1]", "not_a_number"),
            id::DX_POINTER
        );
        assert_eq!(line_owner("diagnosis_pointers", "too_many"), id::DX_POINTER);
        assert_eq!(line_owner("service_end", "date_order"), id::DATE_INVALID);
        assert_eq!(line_owner("service_date", "not_a_date"), id::VALUE_INVALID);
        assert_eq!(
            line_owner("rendering_provider.npi", "code"),
            id::NPI_INVALID
        );
        assert_eq!(line_owner("drug.unit", "code"), id::VALUE_INVALID);
        assert_eq!(line_owner("charge", "not_a_number"), id::VALUE_INVALID);
    }
}
