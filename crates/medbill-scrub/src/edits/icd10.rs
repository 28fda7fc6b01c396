//! ICD-10-CM edits: validity on the date of service, billability, 7th characters, Excludes1
//! and sequencing.

use medbill_claim::{Coded, DiagnosisCode};
use medbill_codes::Icd10CmCode;
use medbill_codes::icd10cm::{Icd10Cm, Invalid, Release, Validity};

use super::on;
use super::problems::report_unclaimed;
use crate::context::ClaimContext;
use crate::finding::Hit;
use crate::rule::Sink;

/// The field path of the `k`-th code of [`ClaimContext::icd10_diagnoses`].
pub(super) fn icd10_field(ctx: &ClaimContext<'_>, k: usize) -> Option<String> {
    ctx.icd10_position(k).and_then(|i| ctx.diagnosis_field(i))
}

/// The valid ICD-10-CM codes with their validity, each with its index in
/// [`ClaimContext::icd10_diagnoses`].
fn judged<'c>(
    ctx: &'c ClaimContext<'_>,
) -> impl Iterator<Item = (usize, Icd10CmCode, &'c Validity)> + 'c {
    ctx.icd10_diagnoses()
        .iter()
        .zip(ctx.diagnosis_validity())
        .enumerate()
        .map(|(k, (&code, v))| (k, code, v))
}

/// What is wrong with a 7th character, if that is the problem: (message, fix).
fn seventh_character_problem(
    cm: &Icd10Cm,
    code: Icd10CmCode,
    v: &Validity,
) -> Option<(String, String)> {
    let release = v.release()?;
    match v.reason()? {
        Invalid::Header {
            first_child,
            last_child,
            ..
        } if needs_seventh(cm, *first_child, release) => Some((
            format!(
                "{code} needs a 7th character (and X placeholders where the code is shorter than 6 characters)"
            ),
            format!(
                "report one of {first_child}-{last_child} with the 7th character the encounter documents (A initial, D subsequent, S sequela, ...)"
            ),
        )),
        Invalid::NotInCodeSet {
            suggestion: Some(s),
            ..
        } => Some((
            format!("{code} is missing its X placeholder before the 7th character"),
            format!("report {s}"),
        )),
        Invalid::NotInCodeSet {
            nearest: Some(n), ..
        } if code.len() == 7
            && cm
                .child_range(*n, release)
                .is_some_and(|(first, _)| needs_seventh(cm, first, release)) =>
        {
            let (first, last) = cm.child_range(*n, release)?;
            let c = code.char_at(6).unwrap_or('?');
            Some((
                format!("{c} is not a valid 7th character for {n}"),
                format!("report one of {first}-{last}, the 7th characters defined for {n}"),
            ))
        }
        _ => None,
    }
}

fn needs_seventh(cm: &Icd10Cm, child: Icd10CmCode, release: &Release) -> bool {
    child.len() == 7
        && cm
            .entry(child, release)
            .is_some_and(|e| e.seventh_character().is_some())
}

/// `ICD10.INVALID`: not a code on the date of service (deleted, not yet added, never one), or
/// not a well-formed ICD-10-CM code at all.
pub(crate) fn invalid(ctx: &ClaimContext<'_>, sink: &mut Sink<'_>) {
    malformed(ctx, sink);
    let cm = ctx.data().icd10cm();
    let date = ctx.diagnosis_date();
    for (k, code, v) in judged(ctx) {
        let Some(reason) = v.reason() else { continue };
        let fix = match reason {
            Invalid::Header { .. } | Invalid::DateOutOfRange { .. } => continue,
            _ if seventh_character_problem(cm, code, v).is_some() => continue,
            Invalid::Deleted { release, .. } => format!(
                "use the code that replaced {code} in ICD-10-CM {}",
                release.id()
            ),
            Invalid::NotYetAdded { added_in, .. } => format!(
                "{code} is valid only from {}; report the code in effect on the date of service",
                added_in.effective_from()
            ),
            Invalid::NotInCodeSet {
                nearest: Some(n), ..
            } => format!("check the documentation; the closest code in the set is {n}"),
            _ => "check the code against the documentation".to_string(),
        };
        let on_date = date.map(|d| format!(" on {d}")).unwrap_or_default();
        sink.report(on(
            Hit::new(format!("diagnosis {code} is not valid{on_date}: {reason}"))
                .codes([code])
                .fix(fix),
            icd10_field(ctx, k),
        ));
    }
    report_unclaimed(ctx, sink);
}

/// The malformed ICD-10-CM codes of `ICD10.INVALID` (on a claim dated before ICD-10 they are
/// the wrong code set: `DX.CODE_SET`).
fn malformed(ctx: &ClaimContext<'_>, sink: &mut Sink<'_>) {
    if ctx.expects_icd10() == Some(false) {
        return;
    }
    for (i, dx) in ctx.diagnoses().iter().enumerate() {
        let DiagnosisCode::Icd10Cm(Coded::Invalid(u)) = dx else {
            continue;
        };
        sink.report(on(
            Hit::new(format!(
                "diagnosis {:?} is not a well-formed ICD-10-CM code: {}",
                u.text(),
                u.reason()
            ))
            .codes([u.text()])
            .fix("send the code as ICD-10-CM writes it: a letter, a digit, a letter or digit, then up to four more (E11.9, S72.001A)"),
            ctx.diagnosis_field(i),
        ));
    }
}

/// `ICD10.UNCHECKED`: valid ICD-10-CM codes the embedded code sets cannot judge, because the
/// date they are coded for is outside the embedded releases or the claim has none. One
/// finding per claim, listing the codes.
pub(crate) fn unchecked(ctx: &ClaimContext<'_>, sink: &mut Sink<'_>) {
    let codes = ctx.icd10_diagnoses();
    if codes.is_empty() {
        return;
    }
    let (why, fix) = match ctx.diagnosis_date() {
        None => (
            "the claim has no date of service to check them against".to_string(),
            "add the dates of service; the codes are then checked against the ICD-10-CM release in effect on them",
        ),
        Some(_) => {
            let Some(out_of_range) =
                ctx.diagnosis_validity()
                    .iter()
                    .find_map(|v| match v.reason() {
                        Some(r @ Invalid::DateOutOfRange { .. }) => Some(r.to_string()),
                        _ => None,
                    })
            else {
                return;
            };
            (
                out_of_range,
                "check the codes against the ICD-10-CM release in effect on the date of service (CMS publishes each fiscal year's code files)",
            )
        }
    };
    let mut listed: Vec<Icd10CmCode> = Vec::new();
    for &c in codes {
        if !listed.contains(&c) {
            listed.push(c);
        }
    }
    let names: Vec<String> = listed.iter().map(ToString::to_string).collect();
    sink.report(
        Hit::new(format!(
            "ICD-10-CM codes {} were not checked against the code set: {why}",
            names.join(", ")
        ))
        .codes(names)
        .fix(fix),
    );
}

/// `ICD10.NOT_BILLABLE`: a header code reported.
pub(crate) fn not_billable(ctx: &ClaimContext<'_>, sink: &mut Sink<'_>) {
    let cm = ctx.data().icd10cm();
    for (k, code, v) in judged(ctx) {
        let Some(Invalid::Header {
            release_id,
            first_child,
            last_child,
            ..
        }) = v.reason()
        else {
            continue;
        };
        if seventh_character_problem(cm, code, v).is_some() {
            continue;
        }
        sink.report(on(
            Hit::new(format!(
                "diagnosis {code} is a header code in ICD-10-CM {release_id}, not billable"
            ))
            .codes([code])
            .fix(format!(
                "remove the header code and use one of {first_child}-{last_child}"
            )),
            icd10_field(ctx, k),
        ));
    }
}

/// `ICD10.SEVENTH_CHARACTER`: a missing or wrong 7th character, or a missing placeholder.
pub(crate) fn seventh_character(ctx: &ClaimContext<'_>, sink: &mut Sink<'_>) {
    let cm = ctx.data().icd10cm();
    for (k, code, v) in judged(ctx) {
        if let Some((message, fix)) = seventh_character_problem(cm, code, v) {
            sink.report(on(
                Hit::new(message).codes([code]).fix(fix),
                icd10_field(ctx, k),
            ));
        }
    }
}

/// `ICD10.EXCLUDES1`: two diagnoses an Excludes1 note forbids together.
pub(crate) fn excludes1(ctx: &ClaimContext<'_>, sink: &mut Sink<'_>) {
    let dx = ctx.icd10_diagnoses();
    if dx.len() < 2 {
        return;
    }
    for (i, j, conflict) in ctx.data().excludes1_conflicts(dx) {
        let (under, excluded, note) = (conflict.code, conflict.excluded, conflict.note);
        sink.report(
            Hit::new(format!(
                "{excluded} and {under} are reported together, but an Excludes1 note at {} excludes {} from {under}",
                note.owner(),
                note.excluded()
            ))
            .codes([dx[i], dx[j]])
            .fix(format!(
                "keep the diagnosis the record supports and remove the other ({under} or {excluded}); \
                 if the conditions are unrelated, document that and expect to appeal"
            )),
        );
    }
}

/// `ICD10.MANIFESTATION_FIRST`: a manifestation code listed first.
pub(crate) fn manifestation_first(ctx: &ClaimContext<'_>, sink: &mut Sink<'_>) {
    let (Some(first), Some(v)) = (first_listed(ctx), ctx.diagnosis_validity().first()) else {
        return;
    };
    if v.entry().is_some_and(|e| e.is_manifestation()) {
        sink.report(on(
            Hit::new(format!(
                "{first} is a manifestation code (\"in diseases classified elsewhere\") and cannot be the first-listed diagnosis"
            ))
            .codes([first])
            .fix(format!(
                "list the underlying condition first (the code-first note of {first}), then {first}"
            )),
            ctx.diagnosis_field(0),
        ));
    }
}

/// `ICD10.EXTERNAL_CAUSE_FIRST`: an external cause code (V00-Y99) listed first.
pub(crate) fn external_cause_first(ctx: &ClaimContext<'_>, sink: &mut Sink<'_>) {
    let Some(first) = first_listed(ctx) else {
        return;
    };
    if matches!(
        first.category().as_bytes().first(),
        Some(b'V' | b'W' | b'X' | b'Y')
    ) {
        let fix = match ctx.diagnoses().get(1) {
            Some(second) => format!(
                "list the injury or condition (such as {second}) first and {first} after it"
            ),
            None => format!(
                "add the injury or condition code first; {first} is reported only as a secondary code"
            ),
        };
        sink.report(on(
            Hit::new(format!(
                "{first} is an external cause code (V00-Y99), which is never the first-listed diagnosis"
            ))
            .codes([first])
            .fix(fix),
            ctx.diagnosis_field(0),
        ));
    }
}

/// The first-listed diagnosis, when it is a valid ICD-10-CM code the ICD-10 edits judge.
fn first_listed(ctx: &ClaimContext<'_>) -> Option<Icd10CmCode> {
    (ctx.icd10_position(0) == Some(0)).then(|| ctx.icd10_diagnoses()[0])
}
