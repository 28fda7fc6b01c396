//! Claim-level and line-level edits on the claim's own data: pointers, duplicates, totals,
//! NPIs, dates and timely filing.

use medbill_claim::{ClaimDetail, Provider};
use medbill_codes::Npi;

use crate::context::ClaimContext;
use crate::finding::Hit;
use crate::rule::Sink;

/// `DX.POINTER`.
pub(crate) fn dx_pointer(ctx: &ClaimContext<'_>, sink: &mut Sink<'_>) {
    if !ctx.is_professional() {
        return;
    }
    let count = ctx.diagnoses().len();
    for line in ctx.lines() {
        if line.pointers.is_empty() {
            sink.report(
                Hit::new(format!("line {} has no diagnosis pointer", line.number))
                    .line(line.number)
                    .fix("point the line at the diagnosis (1-12) that supports it"),
            );
            continue;
        }
        for &p in line.pointers {
            if p == 0 || usize::from(p) > count {
                sink.report(
                    Hit::new(format!(
                        "line {} points at diagnosis {p}, but the claim has {count}",
                        line.number
                    ))
                    .line(line.number)
                    .codes([p.to_string()])
                    .fix(format!("use a pointer from 1 to {count}")),
                );
            }
        }
    }
}

/// `LINE.DUPLICATE`.
pub(crate) fn line_duplicate(ctx: &ClaimContext<'_>, sink: &mut Sink<'_>) {
    let lines = ctx.lines();
    for (j, b) in lines.iter().enumerate() {
        let Some(proc_b) = b.procedure else { continue };
        let Some(a) = lines[..j].iter().find(|a| {
            a.procedure == Some(proc_b)
                && a.from == b.from
                && a.units == b.units
                && a.revenue_code == b.revenue_code
                && same_modifiers(a.modifiers, b.modifiers)
        }) else {
            continue;
        };
        sink.report(
            Hit::new(format!(
                "line {} repeats line {}: same procedure {proc_b}, modifiers, date and units",
                b.number, a.number
            ))
            .line(b.number)
            .codes([proc_b.to_string()])
            .fix(format!(
                "remove line {}, or if the service was repeated add modifier 76 or 77 (91 for a lab test) to it",
                b.number
            )),
        );
    }
}

fn same_modifiers<T: PartialEq>(a: &[T], b: &[T]) -> bool {
    a.len() == b.len() && a.iter().all(|m| b.contains(m)) && b.iter().all(|m| a.contains(m))
}

/// `CLAIM.TOTAL`.
pub(crate) fn claim_total(ctx: &ClaimContext<'_>, sink: &mut Sink<'_>) {
    let claim = ctx.claim();
    let sum = claim.line_charge_total();
    if claim.total_charge != sum {
        sink.report(
            Hit::new(format!(
                "the claim total {} differs from the sum of the line charges {}",
                claim.total_charge, sum
            ))
            .codes([claim.total_charge.to_string(), sum.to_string()])
            .fix(format!("set the total charge (CLM02) to {sum}")),
        );
    }
}

/// Whether ten characters are an NPI with a correct check digit.
pub(crate) fn npi_text_is_valid(text: &str) -> bool {
    let b = text.as_bytes();
    if b.len() != 10 || !b.iter().all(u8::is_ascii_digit) {
        return false;
    }
    let mut first = [0u8; 9];
    first.copy_from_slice(&b[..9]);
    Npi::check_digit(first) == b[9] - b'0'
}

/// `NPI.INVALID`: an NPI on the claim that fails the NPI check. The claim model keeps such an
/// identifier as [`Provider::invalid_npi`] (an 837 read from a file can carry one); a valid
/// [`Provider::npi`] is re-checked too, which costs little.
pub(crate) fn npi_invalid(ctx: &ClaimContext<'_>, sink: &mut Sink<'_>) {
    let claim = ctx.claim();
    let mut check = |role: &str, p: Option<&Provider>, line: Option<u32>| {
        let Some(text) = p.and_then(Provider::reported_npi) else {
            return;
        };
        if npi_text_is_valid(text) {
            return;
        }
        let why = if text.len() == 10 && text.bytes().all(|b| b.is_ascii_digit()) {
            "has a bad check digit"
        } else {
            "is not ten digits"
        };
        let mut hit = Hit::new(format!("the {role} NPI {text} {why}"))
            .codes([text])
            .fix(format!(
                "correct the {role} NPI (look it up in NPPES; the tenth digit is a Luhn check digit)"
            ));
        if let Some(l) = line {
            hit = hit.line(l);
        }
        sink.report(hit);
    };
    check(
        "billing provider",
        Some(&claim.billing_provider.provider),
        None,
    );
    check(
        "rendering provider",
        claim.rendering_provider.as_deref(),
        None,
    );
    check(
        "referring provider",
        claim.referring_provider.as_deref(),
        None,
    );
    check(
        "service facility",
        claim.service_facility.as_ref().map(|f| &f.provider),
        None,
    );
    match &claim.detail {
        ClaimDetail::Professional(p) => {
            for (i, l) in p.lines.iter().enumerate() {
                check(
                    "line rendering provider",
                    l.rendering_provider.as_deref(),
                    Some(i as u32 + 1),
                );
            }
        }
        ClaimDetail::Institutional(d) => {
            check("attending provider", d.attending_provider.as_ref(), None);
            check("operating provider", d.operating_provider.as_ref(), None);
        }
        _ => {}
    }
}

/// `NPI.MISSING`: a billing provider without an NPI (required on every 837).
pub(crate) fn npi_missing(ctx: &ClaimContext<'_>, sink: &mut Sink<'_>) {
    // An NPI that is there but invalid is NPI.INVALID's finding, not this one.
    if ctx
        .claim()
        .billing_provider
        .provider
        .reported_npi()
        .is_none()
    {
        sink.report(
            Hit::new("the billing provider has no NPI")
                .fix("add the billing provider's NPI (NM109 of loop 2010AA)"),
        );
    }
}

/// `DATE.INVALID`.
pub(crate) fn date_invalid(ctx: &ClaimContext<'_>, sink: &mut Sink<'_>) {
    let opts = ctx.options();
    let claim = ctx.claim();
    if let ClaimDetail::Institutional(d) = &claim.detail
        && d.statement_to < d.statement_from
    {
        sink.report(
            Hit::new(format!(
                "the statement period ends ({}) before it starts ({})",
                d.statement_to, d.statement_from
            ))
            .fix("correct the statement dates (DTP*434)"),
        );
    }
    for line in ctx.lines() {
        let Some(from) = line.from else { continue };
        let last = line.to.unwrap_or(from);
        let n = line.number;
        if let Some(to) = line.to
            && to < from
        {
            sink.report(
                Hit::new(format!(
                    "line {n}: the date range ends ({to}) before it starts ({from})"
                ))
                .line(n)
                .fix("correct the service dates"),
            );
        }
        if last > opts.today {
            sink.report(
                Hit::new(format!(
                    "line {n}: the date of service {last} is in the future"
                ))
                .line(n)
                .fix("bill the service after it is rendered, or correct the date"),
            );
        } else if last > opts.submitted {
            sink.report(
                Hit::new(format!(
                    "line {n}: the date of service {last} is after the submission date {}",
                    opts.submitted
                ))
                .line(n)
                .fix("hold the claim until the service is complete, or correct the date"),
            );
        }
    }
}

/// `CLAIM.TIMELY_FILING`.
pub(crate) fn timely_filing(ctx: &ClaimContext<'_>, sink: &mut Sink<'_>) {
    let limit = i64::from(ctx.timely_filing_days());
    let submitted = ctx.options().submitted;
    // The clock runs from each date of service (the end of a range, the statement end).
    let claim_end = match &ctx.claim().detail {
        ClaimDetail::Institutional(d) => Some(d.statement_to),
        _ => None,
    };
    let oldest = ctx
        .lines()
        .iter()
        .filter_map(|l| Some((l.to.or(claim_end).or(l.from)?, l.number)))
        .min();
    let Some((date, line)) = oldest else { return };
    let days = (submitted - date).num_days();
    if days > limit {
        sink.report(
            Hit::new(format!(
                "submitted {days} days after the date of service {date}; the payer's filing limit is {limit} days"
            ))
            .line(line)
            .fix("only proof of timely filing (an earlier submission's acceptance report) lets this claim pay; otherwise write the balance off as a timely filing adjustment"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::npi_text_is_valid;

    #[test]
    fn npi_check_digit_text() {
        assert!(npi_text_is_valid("1234567893"));
        assert!(npi_text_is_valid("1245319599"));
        assert!(!npi_text_is_valid("1234567890"));
        assert!(!npi_text_is_valid("123456789"));
        assert!(!npi_text_is_valid("12345678a3"));
        assert!(!npi_text_is_valid(""));
    }
}
