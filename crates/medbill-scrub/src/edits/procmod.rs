//! Procedure and modifier edits.

use medbill_codes::{Modifier, ProcedureCode};

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

/// `PROC.INVALID`: a HCPCS code not valid on the date of service in the loaded HCPCS file.
///
/// CPT codes are well-formed by construction ([`medbill_codes::CptCode`]); without a licensed
/// CPT code list there is nothing more to check about them.
pub(crate) fn proc_invalid(ctx: &ClaimContext<'_>, sink: &mut Sink<'_>) {
    let Some(hcpcs) = ctx.data().hcpcs() else {
        return;
    };
    for line in ctx.lines() {
        let (Some(ProcedureCode::Hcpcs(code)), Some(date)) = (line.procedure, line.from) else {
            continue;
        };
        if let Err(why) = hcpcs.check(code, date) {
            sink.report(
                Hit::new(format!("HCPCS {code} is not valid on {date}: {why}"))
                    .line(line.number)
                    .codes([code])
                    .fix("report the HCPCS code in effect on the date of service"),
            );
        }
    }
}

/// `MOD.INVALID`: a modifier that does not exist (or not on the date of service).
pub(crate) fn mod_invalid(ctx: &ClaimContext<'_>, sink: &mut Sink<'_>) {
    let hcpcs = ctx.data().hcpcs();
    for line in ctx.lines() {
        for m in line.modifiers {
            let problem = if m.is_cpt() {
                (!CPT_MODIFIERS.contains(&m.as_str())).then(|| format!("{m} is not a CPT modifier"))
            } else if let (Some(table), Some(date)) = (hcpcs, line.from) {
                table
                    .check_modifier(*m, date)
                    .err()
                    .map(|why| format!("HCPCS modifier {m} is not valid on {date}: {why}"))
            } else {
                // Without a HCPCS file, only the modifiers of the built-in table are known;
                // an unknown Level II modifier may still exist, so it is not reported.
                None
            };
            if let Some(message) = problem {
                sink.report(
                    Hit::new(message)
                        .line(line.number)
                        .codes([m.as_str()])
                        .fix(format!("remove or correct modifier {m}")),
                );
            }
        }
    }
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
        let ms: &[Modifier] = line.modifiers;
        for (i, m) in ms.iter().enumerate() {
            // Report each repeated modifier once: at its second occurrence.
            if ms[..i].iter().filter(|x| *x == m).count() == 1 {
                sink.report(
                    Hit::new(format!("modifier {m} appears more than once on the line"))
                        .line(line.number)
                        .codes([m.as_str()])
                        .fix(format!("remove the repeated {m}")),
                );
            }
        }
    }
}
