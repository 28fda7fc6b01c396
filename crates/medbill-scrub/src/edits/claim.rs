//! Claim-level and line-level edits on the claim's own data: duplicates, totals, frequency,
//! place of service, NPIs, dates and timely filing.

use medbill_claim::{ClaimDetail, Coded, FrequencyCode, Provider};
use medbill_codes::PlaceOfService;

use super::problems::report_unclaimed;
use crate::context::{ClaimContext, split_line};
use crate::finding::Hit;
use crate::rule::Sink;

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
    // An amount the reader could not read is not known: VALUE.INVALID reports it, and the
    // sum is not judged on a guess.
    let unreadable = claim.problems.iter().any(|p| {
        p.field().is_some_and(|f| {
            f == "total_charge" || split_line(f).is_some_and(|(_, name)| name == "charge")
        })
    });
    if unreadable {
        return;
    }
    let sum = claim.line_charge_total();
    if claim.total_charge != sum {
        sink.report(
            Hit::new(format!(
                "the claim total {} differs from the sum of the line charges {}",
                claim.total_charge, sum
            ))
            .field("total_charge")
            .codes([claim.total_charge.to_string(), sum.to_string()])
            .fix(format!("set the total charge (CLM02) to {sum}")),
        );
    }
}

/// What a frequency code means, in words.
fn frequency_name(f: FrequencyCode) -> &'static str {
    match f {
        FrequencyCode::NonPayment => "non-payment/zero claim",
        FrequencyCode::Original => "original",
        FrequencyCode::InterimFirst => "interim, first claim",
        FrequencyCode::InterimContinuing => "interim, continuing claim",
        FrequencyCode::InterimLast => "interim, last claim",
        FrequencyCode::LateCharge => "late charges only",
        FrequencyCode::Replacement => "replacement",
        FrequencyCode::Void => "void",
        _ => "frequency",
    }
}

/// `CLAIM.FREQUENCY`: a frequency code that is not one, an institutional-only code on a
/// professional claim, and a replacement or void without the payer's number of the claim it
/// refers to.
pub(crate) fn frequency(ctx: &ClaimContext<'_>, sink: &mut Sink<'_>) {
    let claim = ctx.claim();
    let allowed = if ctx.is_professional() {
        "1 (original), 7 (replacement) or 8 (void) in CLM05-3"
    } else {
        "the third digit of the type of bill: 1 (original), 7 (replacement), 8 (void), or 0, 2-5 for non-payment, interim and late-charge bills"
    };
    match &claim.frequency {
        Coded::Invalid(u) => sink.report(
            Hit::new(format!(
                "claim frequency {:?} is not a frequency code: {}",
                u.text(),
                u.reason()
            ))
            .field("frequency")
            .codes([u.text()])
            .fix(format!("send {allowed}")),
        ),
        Coded::Valid(f) => {
            // 837P carries only originals, replacements and voids: the interim and
            // non-payment codes describe institutional bills.
            if ctx.is_professional()
                && !matches!(
                    f,
                    FrequencyCode::Original | FrequencyCode::Replacement | FrequencyCode::Void
                )
            {
                sink.report(
                    Hit::new(format!(
                        "claim frequency {f} ({}) is for institutional claims; a professional claim is an original, a replacement or a void",
                        frequency_name(*f)
                    ))
                    .field("frequency")
                    .codes([f.as_str()])
                    .fix(format!("send {allowed}")),
                );
            }
            let number_missing = claim
                .original_payer_claim_number
                .as_deref()
                .is_none_or(|s| s.trim().is_empty());
            if f.refers_to_prior_claim() && number_missing {
                sink.report(
                    Hit::new(format!(
                        "a {} claim (frequency {f}) needs the payer's claim number of the claim it refers to",
                        frequency_name(*f)
                    ))
                    .field("original_payer_claim_number")
                    .codes([f.as_str()])
                    .fix("add the payer claim number of the original claim (REF*F8), from its remittance or acknowledgment"),
                );
            }
        }
    }
    report_unclaimed(ctx, sink);
}

/// `POS.INVALID`: a claim or line place of service that is not a code, or not one CMS
/// assigns.
pub(crate) fn pos_invalid(ctx: &ClaimContext<'_>, sink: &mut Sink<'_>) {
    let Some(p) = ctx.claim().professional_detail() else {
        report_unclaimed(ctx, sink);
        return;
    };
    check_pos(sink, &p.place_of_service, None, "CLM05-1");
    for (i, line) in p.lines.iter().enumerate() {
        if let Some(pos) = &line.place_of_service {
            check_pos(sink, pos, Some(i), "SV105");
        }
    }
    report_unclaimed(ctx, sink);
}

fn check_pos(sink: &mut Sink<'_>, pos: &Coded<PlaceOfService>, line: Option<usize>, element: &str) {
    let (message, code) = match pos {
        Coded::Valid(p) if p.is_assigned() => return,
        Coded::Valid(p) => (
            format!("place of service {p} is not a code CMS assigns"),
            p.as_str(),
        ),
        Coded::Invalid(u) => (
            format!(
                "place of service {:?} is not a place of service code: {}",
                u.text(),
                u.reason()
            ),
            u.text(),
        ),
    };
    let mut hit = Hit::new(message)
        .codes([code])
        .fix(format!(
            "send the two-digit CMS place of service code of where the service was rendered ({element}), such as 11 office or 22 on-campus outpatient hospital"
        ));
    hit = match line {
        Some(i) => hit
            .line(i as u32 + 1)
            .field(format!("lines[{i}].place_of_service")),
        None => hit.field("place_of_service"),
    };
    sink.report(hit);
}

/// Where a provider is on the claim: a claim-level role (`billing_provider`) or a line's
/// rendering provider. Written out only when a finding needs the path.
#[derive(Clone, Copy)]
enum ProviderAt {
    Claim(&'static str),
    Line(usize),
}

impl std::fmt::Display for ProviderAt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ProviderAt::Claim(field) => f.write_str(field),
            ProviderAt::Line(i) => write!(f, "lines[{i}].rendering_provider"),
        }
    }
}

/// Calls `f` with each provider of the claim: where it is, its role in words, the provider.
fn each_provider<'a>(ctx: &ClaimContext<'a>, mut f: impl FnMut(ProviderAt, &str, &'a Provider)) {
    let claim = ctx.claim();
    let mut at = |field, role, p: Option<&'a Provider>| {
        if let Some(p) = p {
            f(ProviderAt::Claim(field), role, p);
        }
    };
    at(
        "billing_provider",
        "billing provider",
        Some(&claim.billing_provider.provider),
    );
    at(
        "rendering_provider",
        "rendering provider",
        claim.rendering_provider.as_deref(),
    );
    at(
        "referring_provider",
        "referring provider",
        claim.referring_provider.as_deref(),
    );
    at(
        "service_facility",
        "service facility",
        claim.service_facility.as_ref().map(|f| &f.provider),
    );
    match &claim.detail {
        ClaimDetail::Institutional(d) => {
            at(
                "attending_provider",
                "attending provider",
                d.attending_provider.as_ref(),
            );
            at(
                "operating_provider",
                "operating provider",
                d.operating_provider.as_ref(),
            );
        }
        ClaimDetail::Professional(p) => {
            for (i, l) in p.lines.iter().enumerate() {
                if let Some(r) = l.rendering_provider.as_deref() {
                    f(ProviderAt::Line(i), "line rendering provider", r);
                }
            }
        }
        _ => {}
    }
}

/// `NPI.INVALID`: an NPI on the claim that is not ten digits or fails the check digit (kept
/// as sent by the claim model, [`Provider::npi`]).
pub(crate) fn npi_invalid(ctx: &ClaimContext<'_>, sink: &mut Sink<'_>) {
    each_provider(ctx, |at, role, p| {
        let Some(Coded::Invalid(u)) = &p.npi else {
            return;
        };
        let text = u.text();
        let message = if text.trim().is_empty() {
            format!("the {role} NPI is empty")
        } else if text.len() == 10 && text.bytes().all(|b| b.is_ascii_digit()) {
            format!("the {role} NPI {text} has a bad check digit")
        } else {
            format!("the {role} NPI {text} is not ten digits")
        };
        let mut hit = Hit::new(message)
            .field(format!("{at}.npi"))
            .codes([text])
            .fix(format!(
                "correct the {role} NPI (look it up in NPPES; the tenth digit is a Luhn check digit)"
            ));
        if let ProviderAt::Line(i) = at {
            hit = hit.line(i as u32 + 1);
        }
        sink.report(hit);
    });
    report_unclaimed(ctx, sink);
}

/// `NPI.MISSING`: a billing provider without an NPI (required on every 837), and an NPI the
/// reader found missing for another provider.
pub(crate) fn npi_missing(ctx: &ClaimContext<'_>, sink: &mut Sink<'_>) {
    let claim = ctx.claim();
    // An NPI that is there but invalid is NPI.INVALID's finding; a billing provider the reader
    // did not find at all is VALUE.INVALID's.
    if claim.billing_provider.provider.npi.is_none() && ctx.problem("billing_provider").is_none() {
        sink.report(
            Hit::new("the billing provider has no NPI")
                .field("billing_provider.npi")
                .fix("add the billing provider's NPI (NM109 of loop 2010AA)"),
        );
    }
    report_unclaimed(ctx, sink);
}

/// `DATE.INVALID`: a future date of service, a range ending before it starts, a service after
/// the submission date.
pub(crate) fn date_invalid(ctx: &ClaimContext<'_>, sink: &mut Sink<'_>) {
    let opts = ctx.options();
    let claim = ctx.claim();
    if let Some(d) = claim.institutional_detail()
        && let (Some(from), Some(to)) = (d.statement_from, d.statement_to)
        && to < from
    {
        sink.report(
            Hit::new(format!(
                "the statement period ends ({to}) before it starts ({from})"
            ))
            .field("statement_to")
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
                .field(line.field("service_end"))
                .fix("correct the service dates"),
            );
        }
        // The date judged: the line's own, or (an institutional line without one) the
        // statement start.
        let date_field = || {
            if line.to.is_some() {
                line.field("service_end")
            } else if ctx.is_professional() || own_date(ctx, line.index()) {
                line.field("service_date")
            } else {
                "statement_from".to_owned()
            }
        };
        let hit = if last > opts.today {
            Hit::new(format!(
                "line {n}: the date of service {last} is in the future"
            ))
            .fix("bill the service after it is rendered, or correct the date")
        } else if last > opts.submitted {
            Hit::new(format!(
                "line {n}: the date of service {last} is after the submission date {}",
                opts.submitted
            ))
            .fix("hold the claim until the service is complete, or correct the date")
        } else {
            continue;
        };
        sink.report(hit.line(n).field(date_field()));
    }
    report_unclaimed(ctx, sink);
}

/// Whether institutional line `index` has a date of its own.
fn own_date(ctx: &ClaimContext<'_>, index: usize) -> bool {
    ctx.claim()
        .institutional_detail()
        .and_then(|d| d.lines.get(index))
        .is_some_and(|l| l.service_date.is_some())
}

/// `CLAIM.TIMELY_FILING`.
pub(crate) fn timely_filing(ctx: &ClaimContext<'_>, sink: &mut Sink<'_>) {
    let limit = i64::from(ctx.timely_filing_days());
    let submitted = ctx.options().submitted;
    // The clock runs from each date of service (the end of a range, the statement end).
    let claim_end = ctx
        .claim()
        .institutional_detail()
        .and_then(|d| d.statement_to);
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
