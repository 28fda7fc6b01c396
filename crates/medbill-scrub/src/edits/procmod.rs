//! Procedure and modifier edits.

use chrono::NaiveDate;
use medbill_claim::Coded;
use medbill_codes::{HcpcsCode, HcpcsInvalid, HcpcsTable, Modifier, ProcedureCode};

use super::problems::report_unclaimed;
use crate::context::ClaimContext;
use crate::finding::Hit;
use crate::rule::Sink;

/// The CPT (Level I) modifiers in use: numbers only (the AMA's descriptors are not needed to
/// know which two-digit modifiers exist).
const CPT_MODIFIERS: &[&str] = &[
    "22", "23", "24", "25", "26", "27", "32", "33", "47", "50", "51", "52", "53", "54", "55", "56",
    "57", "58", "59", "62", "63", "66", "73", "74", "76", "77", "78", "79", "80", "81", "82", "90",
    "91", "92", "93", "95", "96", "97", "99",
];

/// The CPT Category II performance measurement modifiers: the only modifiers that start with
/// a digit and are not two digits.
const CATEGORY_II_MODIFIERS: &[&str] = &["1P", "2P", "3P", "8P"];

/// What can be said about a code or modifier on a line.
enum Verdict {
    /// It exists (on the date of service, where that can be checked).
    Known,
    /// It does not, with a message saying why.
    Invalid(String),
    /// It cannot be checked: no HCPCS file, or no date of service to check it on.
    Unchecked,
}

/// A HCPCS Level II code, against the loaded HCPCS file.
fn judge_hcpcs(code: HcpcsCode, hcpcs: Option<&HcpcsTable>, date: Option<NaiveDate>) -> Verdict {
    let Some(table) = hcpcs else {
        return Verdict::Unchecked;
    };
    match date {
        Some(date) => match table.check(code, date) {
            Ok(_) => Verdict::Known,
            Err(why) => Verdict::Invalid(format!("HCPCS {code} is not valid on {date}: {why}")),
        },
        None if table.procedure(code).is_some() => Verdict::Unchecked,
        None => Verdict::Invalid(format!("HCPCS {code} is not in the loaded HCPCS file")),
    }
}

/// A well-formed modifier: CPT's numbers, Category II's, the built-in table and the loaded
/// HCPCS file (which also dates Level II modifiers) say which exist.
fn judge_modifier(m: Modifier, hcpcs: Option<&HcpcsTable>, date: Option<NaiveDate>) -> Verdict {
    let text = m.as_str();
    if m.is_cpt() {
        return if CPT_MODIFIERS.contains(&text) {
            Verdict::Known
        } else {
            Verdict::Invalid(format!("{m} is not a CPT modifier"))
        };
    }
    if text.starts_with(|c: char| c.is_ascii_digit()) {
        return if CATEGORY_II_MODIFIERS.contains(&text) {
            Verdict::Known
        } else {
            Verdict::Invalid(format!(
                "{m} is not a modifier: the modifiers that start with a digit are CPT's two-digit ones and Category II's 1P, 2P, 3P and 8P"
            ))
        };
    }
    let Some(table) = hcpcs else {
        // Without a HCPCS file only the built-in table is known; another Level II modifier
        // may exist: PROC.UNCHECKED says it was not checked.
        return if m.info().is_some() {
            Verdict::Known
        } else {
            Verdict::Unchecked
        };
    };
    match (table.modifier(m), date) {
        (Some(record), Some(date)) => match record.dates.check(date) {
            Ok(()) => Verdict::Known,
            Err(why) => {
                Verdict::Invalid(format!("HCPCS modifier {m} is not valid on {date}: {why}"))
            }
        },
        (Some(_), None) => Verdict::Unchecked,
        (None, _) if m.info().is_some() => Verdict::Known,
        (None, Some(date)) => Verdict::Invalid(format!(
            "HCPCS modifier {m} is not valid on {date}: {}",
            HcpcsInvalid::NotInFile
        )),
        (None, None) => Verdict::Invalid(format!(
            "HCPCS modifier {m} is not in the loaded HCPCS file"
        )),
    }
}

/// `PROC.INVALID`: a line's procedure that is not a CPT or HCPCS code at all, or a HCPCS code
/// not valid on the date of service in the loaded HCPCS file.
///
/// CPT codes are checked for form only ([`medbill_codes::CptCode`]); without a licensed CPT
/// code list there is nothing more to check about them.
pub(crate) fn proc_invalid(ctx: &ClaimContext<'_>, sink: &mut Sink<'_>) {
    let hcpcs = ctx.data().hcpcs();
    for line in ctx.lines() {
        let hit = match line.procedure_as_sent {
            Some(Coded::Invalid(u)) => Hit::new(format!(
                "procedure code {:?} is not a CPT or HCPCS code: {}",
                u.text(),
                u.reason()
            ))
            .codes([u.text()])
            .fix(
                "send the five-character CPT (99213) or HCPCS Level II (G0439) code of the service",
            ),
            Some(Coded::Valid(ProcedureCode::Hcpcs(code))) => {
                let Verdict::Invalid(message) = judge_hcpcs(*code, hcpcs, line.from) else {
                    continue;
                };
                Hit::new(message)
                    .codes([code])
                    .fix("report the HCPCS code in effect on the date of service")
            }
            _ => continue,
        };
        sink.report(hit.line(line.number).field(line.field("procedure")));
    }
    report_unclaimed(ctx, sink);
}

/// `PROC.UNCHECKED`: HCPCS Level II codes and modifiers that could not be checked (no HCPCS
/// file loaded, or a line without a date of service). One finding per claim, listing them.
pub(crate) fn proc_unchecked(ctx: &ClaimContext<'_>, sink: &mut Sink<'_>) {
    let hcpcs = ctx.data().hcpcs();
    let mut codes: Vec<String> = Vec::new();
    let mut modifiers: Vec<String> = Vec::new();
    let note = |list: &mut Vec<String>, text: &str| {
        if !list.iter().any(|c| c == text) {
            list.push(text.to_owned());
        }
    };
    for line in ctx.lines() {
        if let Some(ProcedureCode::Hcpcs(code)) = line.procedure
            && matches!(judge_hcpcs(code, hcpcs, line.from), Verdict::Unchecked)
        {
            note(&mut codes, code.as_str());
        }
        for m in line.valid_modifiers() {
            if matches!(judge_modifier(m, hcpcs, line.from), Verdict::Unchecked) {
                note(&mut modifiers, m.as_str());
            }
        }
    }
    if codes.is_empty() && modifiers.is_empty() {
        return;
    }
    let mut what = Vec::new();
    if !codes.is_empty() {
        what.push(format!("HCPCS Level II codes {}", codes.join(", ")));
    }
    if !modifiers.is_empty() {
        what.push(format!("Level II modifiers {}", modifiers.join(", ")));
    }
    let (why, fix) = if hcpcs.is_none() {
        (
            "no HCPCS file is loaded",
            "check them against the CMS HCPCS file in effect on the date of service, or load that file into the scrubber (ReferenceData::with_hcpcs)",
        )
    } else {
        (
            "their lines have no date of service",
            "add the lines' dates of service; the codes are then checked against the HCPCS file",
        )
    };
    sink.report(
        Hit::new(format!("{} were not checked: {why}", what.join(" and ")))
            .codes(codes.into_iter().chain(modifiers))
            .fix(fix),
    );
}

/// `MOD.INVALID`: a modifier that is not two letters or digits, or that does not exist (or
/// not on the date of service).
pub(crate) fn mod_invalid(ctx: &ClaimContext<'_>, sink: &mut Sink<'_>) {
    let hcpcs = ctx.data().hcpcs();
    for line in ctx.lines() {
        for (j, m) in line.modifiers.iter().enumerate() {
            let message = match m {
                Coded::Invalid(u) => {
                    format!("modifier {:?} is not a modifier: {}", u.text(), u.reason())
                }
                Coded::Valid(v) => match judge_modifier(*v, hcpcs, line.from) {
                    Verdict::Invalid(message) => message,
                    Verdict::Known | Verdict::Unchecked => continue,
                },
            };
            let text = m.as_str();
            sink.report(
                Hit::new(message)
                    .line(line.number)
                    .field(line.field(&format!("modifiers[{j}]")))
                    .codes([text])
                    .fix(format!("remove or correct modifier {text}")),
            );
        }
    }
    report_unclaimed(ctx, sink);
}

/// Pairs of modifiers that contradict each other on one line: (a, b, why, fix).
const CONFLICTS: &[(&str, &[&str], &str, &str)] = &[
    (
        "59",
        &["XE", "XS", "XP", "XU"],
        "59 and an X{EPSU} modifier both say the service is distinct",
        "keep the more specific X modifier and remove 59",
    ),
    (
        "26",
        &["TC"],
        "26 (professional component) and TC (technical component) on one line",
        "bill the global service without either, or split the components onto separate lines",
    ),
    (
        "50",
        &["LT", "RT"],
        "50 (bilateral) with a side modifier",
        "use 50 alone for a bilateral procedure, or LT/RT alone for one side",
    ),
    (
        "GA",
        &["GY", "GZ"],
        "GA (waiver of liability on file) with GY or GZ contradicts itself",
        "keep the one liability modifier that matches the ABN status",
    ),
];

/// `MOD.CONFLICT`.
pub(crate) fn mod_conflict(ctx: &ClaimContext<'_>, sink: &mut Sink<'_>) {
    for line in ctx.lines() {
        if line.modifiers.len() < 2 {
            continue;
        }
        for &(a, others, why, fix) in CONFLICTS {
            if !line.has_modifier(a) {
                continue;
            }
            for &b in others {
                if line.has_modifier(b) {
                    sink.report(
                        Hit::new(format!("modifiers {a} and {b}: {why}"))
                            .line(line.number)
                            .codes([a, b])
                            .fix(fix),
                    );
                }
            }
        }
    }
}

/// `MOD.DUPLICATE`.
pub(crate) fn mod_duplicate(ctx: &ClaimContext<'_>, sink: &mut Sink<'_>) {
    for line in ctx.lines() {
        let ms = line.modifiers;
        for (i, m) in ms.iter().enumerate() {
            // Only valid modifiers: MOD.INVALID reports the others.
            let Some(m) = m.get() else { continue };
            // Report each repeated modifier once: at its second occurrence.
            if ms[..i].iter().filter(|x| x.get() == Some(m)).count() == 1 {
                sink.report(
                    Hit::new(format!("modifier {m} appears more than once on the line"))
                        .line(line.number)
                        .field(line.field(&format!("modifiers[{i}]")))
                        .codes([m.as_str()])
                        .fix(format!("remove the repeated {m}")),
                );
            }
        }
    }
}
