//! Diagnosis edits that do not need the ICD-10-CM code set: a diagnosis at all, the code list
//! for the date of service, pointers, and ICD-9-CM codes.

use medbill_claim::{Coded, DiagnosisCode, IcdProcedureCode, MAX_POINTERS};
use medbill_codes::CodeSystem;

use super::problems::report_unclaimed;
use crate::context::{ClaimContext, ICD10_COMPLIANCE_DATE};
use crate::finding::Hit;
use crate::rule::Sink;

/// `DX.MISSING`: a professional claim without diagnoses, an institutional one without a
/// principal diagnosis, or a reader that found none.
pub(crate) fn missing(ctx: &ClaimContext<'_>, sink: &mut Sink<'_>) {
    let claim = ctx.claim();
    if let Some(p) = claim.professional_detail()
        && p.diagnoses.is_empty()
    {
        // A reader reports the missing principal: the finding is on that field then.
        let field = if ctx.problem("principal_diagnosis").is_some() {
            "principal_diagnosis"
        } else {
            "diagnoses"
        };
        sink.report(
            Hit::new("the claim has no diagnosis")
                .field(field)
                .fix("add the diagnoses the services treat (HI: the principal with ABK, others with ABF) and point each line at the ones it treats"),
        );
    }
    if let Some(d) = claim.institutional_detail()
        && d.principal_diagnosis.is_none()
    {
        sink.report(
            Hit::new("the claim has no principal diagnosis")
                .field("principal_diagnosis")
                .fix("add the principal diagnosis (HI*ABK): the condition chiefly responsible for the admission or visit"),
        );
    }
    report_unclaimed(ctx, sink);
}

/// How the date that picks the code list is called on this claim's form.
fn coded_date_name(ctx: &ClaimContext<'_>) -> &'static str {
    if ctx.is_professional() {
        "date of service"
    } else {
        "statement end (discharge) date"
    }
}

/// The inpatient procedures of an institutional claim, each with its field path.
fn inpatient_procedures<'a>(
    ctx: &ClaimContext<'a>,
) -> impl Iterator<Item = (String, &'a IcdProcedureCode)> {
    ctx.claim()
        .institutional_detail()
        .into_iter()
        .flat_map(|d| {
            let principal = d
                .principal_procedure
                .iter()
                .map(|p| ("principal_procedure".to_owned(), &p.code));
            let others = d
                .other_procedures
                .iter()
                .enumerate()
                .map(|(i, p)| (format!("other_procedures[{i}]"), &p.code));
            principal.chain(others)
        })
}

/// `DX.CODE_SET`: ICD-9-CM diagnoses or procedures on a claim dated from October 1 2015, or
/// ICD-10 ones before it.
pub(crate) fn code_set(ctx: &ClaimContext<'_>, sink: &mut Sink<'_>) {
    let (Some(date), Some(icd10)) = (ctx.diagnosis_date(), ctx.expects_icd10()) else {
        return;
    };
    let when = coded_date_name(ctx);
    let (sent, expected) = if icd10 {
        ("ICD-9-CM", "ICD-10-CM")
    } else {
        ("ICD-10-CM", "ICD-9-CM")
    };
    // Written only for a finding: almost every claim sends the right list.
    let rule = || {
        if icd10 {
            format!(
                "claims for dates from {ICD10_COMPLIANCE_DATE} use {expected} (this claim's {when} is {date})"
            )
        } else {
            format!(
                "the {when} {date} is before {ICD10_COMPLIANCE_DATE}, so the claim uses {expected}"
            )
        }
    };
    for (i, dx) in ctx.diagnoses().iter().enumerate() {
        if (dx.code_set() == CodeSystem::Icd10Cm) == icd10 {
            continue;
        }
        let Some(slot) = ctx.diagnosis_slot(i) else {
            continue;
        };
        sink.report(
            Hit::new(format!("diagnosis {dx} is an {sent} code, but {}", rule()))
                .field(slot.to_string())
                .codes([dx.to_string()])
                .fix(format!(
                    "send the {expected} code of the condition, with qualifier {}",
                    slot.qualifier(icd10)
                )),
        );
    }
    let (sent, expected, principal, other) = if icd10 {
        ("ICD-9-CM", "ICD-10-PCS", "BBR", "BBQ")
    } else {
        ("ICD-10-PCS", "ICD-9-CM", "BR", "BQ")
    };
    for (field, code) in inpatient_procedures(ctx) {
        if (code.code_set() == CodeSystem::Icd10Pcs) == icd10 {
            continue;
        }
        let qualifier = if field == "principal_procedure" {
            principal
        } else {
            other
        };
        sink.report(
            Hit::new(format!(
                "procedure {code} is an {sent} procedure code, but inpatient procedures of this claim are {expected}: the {when} is {date}"
            ))
            .field(field)
            .codes([code.to_string()])
            .fix(format!(
                "send the {expected} code of the procedure, with qualifier {qualifier}"
            )),
        );
    }
    report_unclaimed(ctx, sink);
}

/// Whether ICD-9-CM codes are the claim's list (or no date says otherwise): DX.CODE_SET
/// reports them on a claim dated from October 1 2015, and the ICD-9 edits do not add to it.
fn icd9_is_the_list(ctx: &ClaimContext<'_>) -> bool {
    ctx.expects_icd10() != Some(true)
}

/// `ICD9.INVALID`: a malformed ICD-9-CM diagnosis or procedure code.
pub(crate) fn icd9_invalid(ctx: &ClaimContext<'_>, sink: &mut Sink<'_>) {
    if icd9_is_the_list(ctx) {
        for (i, dx) in ctx.diagnoses().iter().enumerate() {
            let DiagnosisCode::Icd9Cm(Coded::Invalid(u)) = dx else {
                continue;
            };
            let Some(field) = ctx.diagnosis_field(i) else {
                continue;
            };
            sink.report(
                Hit::new(format!(
                    "diagnosis {:?} is not a well-formed ICD-9-CM code: {}",
                    u.text(),
                    u.reason()
                ))
                .field(field)
                .codes([u.text()])
                .fix("send the ICD-9-CM code as three digits and up to two more (250.00), V and two digits and up to two more (V70.0), or E and three digits and up to one more (E888.9)"),
            );
        }
        for (field, code) in inpatient_procedures(ctx) {
            let IcdProcedureCode::Icd9Cm(Coded::Invalid(u)) = code else {
                continue;
            };
            sink.report(
                Hit::new(format!(
                    "procedure {:?} is not a well-formed ICD-9-CM procedure code: {}",
                    u.text(),
                    u.reason()
                ))
                .field(field)
                .codes([u.text()])
                .fix("send the ICD-9-CM procedure code as two digits and up to two more (33.10)"),
            );
        }
    }
    report_unclaimed(ctx, sink);
}

/// `ICD9.UNCHECKED`: well-formed ICD-9-CM codes, which cannot be looked up (no ICD-9-CM code
/// set is embedded). One finding per claim, listing the codes.
pub(crate) fn icd9_unchecked(ctx: &ClaimContext<'_>, sink: &mut Sink<'_>) {
    if !icd9_is_the_list(ctx) {
        return;
    }
    let diagnoses = ctx
        .diagnoses()
        .iter()
        .filter_map(DiagnosisCode::as_icd9)
        .map(|c| c.to_string());
    let procedures = inpatient_procedures(ctx).filter_map(|(_, p)| match p {
        IcdProcedureCode::Icd9Cm(Coded::Valid(c)) => Some(c.to_string()),
        _ => None,
    });
    let mut codes: Vec<String> = Vec::new();
    for c in diagnoses.chain(procedures) {
        if !codes.contains(&c) {
            codes.push(c);
        }
    }
    if codes.is_empty() {
        return;
    }
    sink.report(
        Hit::new(format!(
            "ICD-9-CM codes {} were checked for form only: no ICD-9-CM code set is embedded, so whether each was a valid code on the {} is not known",
            codes.join(", "),
            coded_date_name(ctx)
        ))
        .codes(codes)
        .fix("check the codes against the ICD-9-CM code set in effect on the date of service (the FY2015 release for dates through 2015-09-30)"),
    );
}

/// `DX.POINTER`: a professional line without a diagnosis pointer, with more than four, or
/// with one that is 0, past the claim's diagnoses or repeated; and pointers the reader could
/// not read.
pub(crate) fn pointer(ctx: &ClaimContext<'_>, sink: &mut Sink<'_>) {
    let Some(p) = ctx.claim().professional_detail() else {
        report_unclaimed(ctx, sink);
        return;
    };
    let count = p.diagnoses.len();
    for (i, line) in p.lines.iter().enumerate() {
        let n = i as u32 + 1;
        let pointers = &line.diagnosis_pointers;
        // A pointer the reader reported is judged from its problem, not from what was kept.
        let reader_reported = ctx.line_has_problem(i, "diagnosis_pointers");
        if pointers.is_empty() {
            if !reader_reported {
                sink.report(
                    Hit::new(format!("line {n} has no diagnosis pointer"))
                        .line(n)
                        .field(format!("lines[{i}].diagnosis_pointers"))
                        .fix("point the line at the diagnosis (1-12) that supports it"),
                );
            }
            continue;
        }
        if pointers.given() > MAX_POINTERS {
            sink.report(
                Hit::new(format!(
                    "line {n} has {} diagnosis pointers; at most {MAX_POINTERS} are allowed",
                    pointers.given()
                ))
                .line(n)
                .field(format!("lines[{i}].diagnosis_pointers"))
                .fix("keep the four diagnoses that best support the line, most important first"),
            );
        }
        // Without diagnoses every pointer points at nothing: DX.MISSING says so once.
        if count == 0 {
            continue;
        }
        for (j, &ptr) in pointers.iter().enumerate() {
            let field = || format!("lines[{i}].diagnosis_pointers[{j}]");
            if reader_reported && ctx.problem(&field()).is_some() {
                continue;
            }
            let (message, fix) = if ptr == 0 {
                (
                    format!(
                        "line {n} has diagnosis pointer 0; pointers number the diagnoses from 1"
                    ),
                    format!("use a pointer from 1 to {count}"),
                )
            } else if usize::from(ptr) > count {
                (
                    format!("line {n} points at diagnosis {ptr}, but the claim has {count}"),
                    format!("use a pointer from 1 to {count}"),
                )
            } else if pointers[..j].contains(&ptr) {
                (
                    format!("line {n} points at diagnosis {ptr} more than once"),
                    format!("remove the repeated pointer {ptr}"),
                )
            } else {
                continue;
            };
            sink.report(
                Hit::new(message)
                    .line(n)
                    .field(field())
                    .codes([ptr.to_string()])
                    .fix(fix),
            );
        }
    }
    report_unclaimed(ctx, sink);
}
