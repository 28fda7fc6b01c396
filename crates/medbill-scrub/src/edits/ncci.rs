//! NCCI edits: procedure-to-procedure pairs, medically unlikely units, add-on codes.

use rust_decimal::Decimal;

use crate::context::{ClaimContext, LineView};
use crate::finding::Hit;
use crate::ncci::text::{day_number, pair_key};
use crate::ncci::{AddOnType, ModifierIndicator, MueAdjudication, NcciSetting};
use crate::rule::Sink;

fn same_encounter(a: &LineView<'_>, b: &LineView<'_>) -> bool {
    a.from.is_some() && a.from == b.from && a.provider == b.provider
}

fn has_ncci_modifier(l: &LineView<'_>) -> bool {
    l.valid_modifiers().any(|m| m.is_ncci_associated())
}

/// `NCCI.PTP`.
pub(crate) fn ptp(ctx: &ClaimContext<'_>, sink: &mut Sink<'_>) {
    let Some(table) = ctx.data().ptp(ctx.ncci_setting()) else {
        return;
    };
    let lines = ctx.lines();
    for (i, first) in lines.iter().enumerate() {
        let (Some(a), Some(date)) = (first.packed, first.from) else {
            continue;
        };
        let day = day_number(date);
        for (j, second) in lines.iter().enumerate() {
            let Some(b) = second.packed else { continue };
            if i == j || a == b || !same_encounter(first, second) {
                continue;
            }
            let Some((indicator, rationale)) = table.indicator_on(pair_key(a, b), day) else {
                continue;
            };
            let (col1, col2) = (
                first.procedure.map(|p| p.to_string()).unwrap_or_default(),
                second.procedure.map(|p| p.to_string()).unwrap_or_default(),
            );
            let rationale = table.rationale(rationale);
            let why = if rationale.is_empty() {
                String::new()
            } else {
                format!(" (CMS rationale: {rationale})")
            };
            let (message, fix) = match indicator {
                ModifierIndicator::NotApplicable => continue,
                ModifierIndicator::Allowed
                    if has_ncci_modifier(first) || has_ncci_modifier(second) =>
                {
                    continue;
                }
                ModifierIndicator::Allowed => (
                    format!(
                        "{col2} (line {}) is a column 2 code of {col1} (line {}) on {date} and is not paid separately{why}; an NCCI-associated modifier may bypass this edit",
                        second.number, first.number
                    ),
                    format!(
                        "if {col2} was a distinct service (separate encounter, structure, practitioner or non-overlapping service), add modifier XE, XS, XP or XU (or 59) to line {} with documentation; otherwise remove line {}",
                        second.number, second.number
                    ),
                ),
                _ => (
                    format!(
                        "{col2} (line {}) is a column 2 code of {col1} (line {}) on {date} and is never paid with it{why}; no modifier bypasses this edit",
                        second.number, first.number
                    ),
                    format!("remove line {} ({col2})", second.number),
                ),
            };
            sink.report(
                Hit::new(message)
                    .line(second.number)
                    .codes([col1, col2])
                    .fix(fix),
            );
        }
    }
}

/// `NCCI.MUE`.
pub(crate) fn mue(ctx: &ClaimContext<'_>, sink: &mut Sink<'_>) {
    let setting = ctx.ncci_setting();
    let main = ctx.data().mue(setting);
    // Suppliers bill DME on professional claims: codes absent from the practitioner table
    // are looked up in the DME table when one is loaded.
    let dme = if setting == NcciSetting::Practitioner {
        ctx.data().mue(NcciSetting::Dme)
    } else {
        None
    };
    if main.is_none() && dme.is_none() {
        return;
    }
    let lines = ctx.lines();
    for (i, line) in lines.iter().enumerate() {
        let Some(code) = line.packed else { continue };
        let Some(entry) = main
            .and_then(|t| t.get_packed(code))
            .or_else(|| dme.and_then(|t| t.get_packed(code)))
        else {
            continue;
        };
        let limit = Decimal::from(entry.value);
        let name = line.procedure.map(|p| p.to_string()).unwrap_or_default();
        // Units the reader could not read are VALUE.INVALID's finding, not a count to judge.
        let unread = |l: &LineView<'_>| ctx.line_has_problem(l.index(), "units");
        if entry.adjudication == MueAdjudication::Line {
            if line.units > limit && !unread(line) {
                sink.report(
                    Hit::new(format!(
                        "{} units of {name} on one line exceed its MUE of {} per line",
                        line.units.normalize(),
                        entry.value
                    ))
                    .line(line.number)
                    .field(line.field("units"))
                    .codes([name])
                    .fix(format!(
                        "if more units were medically necessary, split the units across lines of at most {} each with an appropriate modifier (76, 77, 91 or an anatomic modifier); otherwise reduce the units to {}",
                        entry.value, entry.value
                    )),
                );
            }
            continue;
        }
        // Per date of service: sum the lines of this code, date and provider once, at the
        // first of them.
        let same = |other: &LineView<'_>| other.packed == Some(code) && same_encounter(line, other);
        if lines[..i].iter().any(same) || lines[i..].iter().any(|l| same(l) && unread(l)) {
            continue;
        }
        let total: Decimal = lines[i..].iter().filter(|l| same(l)).map(|l| l.units).sum();
        if total > limit {
            let date = line.from.map(|d| d.to_string()).unwrap_or_default();
            let on_lines = lines[i..]
                .iter()
                .filter(|l| same(l))
                .map(|l| l.number.to_string())
                .collect::<Vec<_>>()
                .join(", ");
            let fix = if entry.adjudication == MueAdjudication::DatePolicy {
                format!(
                    "reduce the units of {name} on {date} to {}; this limit is set by policy and units above it are not payable",
                    entry.value
                )
            } else {
                format!(
                    "reduce the units of {name} on {date} to {}, or bill them and appeal with documentation of medical necessity",
                    entry.value
                )
            };
            sink.report(
                Hit::new(format!(
                    "{} units of {name} on {date} (lines {on_lines}) exceed its MUE of {} per date of service",
                    total.normalize(),
                    entry.value
                ))
                .line(line.number)
                .codes([name])
                .fix(fix),
            );
        }
    }
}

/// `NCCI.ADD_ON`.
pub(crate) fn add_on(ctx: &ClaimContext<'_>, sink: &mut Sink<'_>) {
    let Some(table) = ctx.data().add_ons() else {
        return;
    };
    let lines = ctx.lines();
    for line in lines {
        let (Some(code), Some(date)) = (line.packed, line.from) else {
            continue;
        };
        let others = lines
            .iter()
            .filter(|o| o.number != line.number && same_encounter(line, o))
            .filter_map(|o| o.packed);
        let Some((kind, found)) = table.check_packed(code, day_number(date), others) else {
            continue;
        };
        if found || kind == AddOnType::Unlisted {
            continue;
        }
        let Some(procedure) = line.procedure else {
            continue;
        };
        let primaries = table.primaries_on(&procedure, date);
        let shown = primaries
            .iter()
            .take(6)
            .cloned()
            .collect::<Vec<_>>()
            .join(", ");
        let more = if primaries.len() > 6 { ", ..." } else { "" };
        let also = if kind == AddOnType::PartlyListed {
            " (the contractor may accept other primary codes for this type 3 add-on code)"
        } else {
            ""
        };
        sink.report(
            Hit::new(format!(
                "add-on code {procedure} (line {}) has no eligible primary procedure on {date}{also}",
                line.number
            ))
            .line(line.number)
            .field(line.field("procedure"))
            .codes([procedure.to_string()])
            .fix(format!(
                "report its primary procedure on the same date ({shown}{more}) or remove {procedure}"
            )),
        );
    }
}
