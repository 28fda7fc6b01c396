//! A small hand-made ledger whose metrics are worked out by hand in the tests.

#![allow(dead_code)]

use chrono::{NaiveDate, NaiveTime};
use medbill_claim::{
    AckOutcome, AckSource, AdjudicatedLine, AdjudicationOutcome, Adjustment, ClaimStatusCode,
    EventKind, FrequencyCode, LedgerEvent, PayerSequence, Responsibility, WriteOffKind,
};
use medbill_codes::GroupCode;
use rust_decimal::Decimal;

pub(crate) fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

pub(crate) fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

pub(crate) fn ev(id: &str, date: &str, payer: Option<&str>, kind: EventKind) -> LedgerEvent {
    let mut e = LedgerEvent::new(id, day(date), kind);
    if let Some(p) = payer {
        e = e.with_payer(p);
    }
    e
}

pub(crate) fn at(mut e: LedgerEvent, h: u32) -> LedgerEvent {
    e.time = NaiveTime::from_hms_opt(h, 0, 0);
    e
}

pub(crate) fn created(charge: &str, service: &str, self_pay: bool) -> EventKind {
    EventKind::Created {
        charge: d(charge),
        service_date: day(service),
        service_end: None,
        self_pay,
    }
}

pub(crate) fn submitted(charge: &str) -> EventKind {
    EventKind::Submitted {
        charge: d(charge),
        sequence: PayerSequence::Primary,
        batch_control_number: None,
    }
}

pub(crate) fn resubmitted(charge: &str, frequency: FrequencyCode) -> EventKind {
    EventKind::Resubmitted {
        charge: d(charge),
        frequency,
        sequence: PayerSequence::Primary,
        batch_control_number: None,
    }
}

pub(crate) fn ack(outcome: AckOutcome) -> EventKind {
    EventKind::Acknowledged {
        source: AckSource::ClaimAck277Ca,
        outcome,
        reasons: Vec::new(),
        payer_claim_control_number: None,
    }
}

pub(crate) fn scrubbed(passed: bool, manual: bool) -> EventKind {
    EventKind::Scrubbed {
        passed,
        manual_intervention: manual,
    }
}

pub(crate) fn adj(group: GroupCode, reason: &str, amount: &str) -> Adjustment {
    Adjustment::new(group, reason.parse().unwrap(), d(amount))
}

pub(crate) fn adjudicated(
    outcome: AdjudicationOutcome,
    charge: &str,
    paid: &str,
    adjustments: Vec<Adjustment>,
    lines: Vec<AdjudicatedLine>,
) -> EventKind {
    let pr: Decimal = adjustments
        .iter()
        .chain(lines.iter().flat_map(|l| l.adjustments.iter()))
        .filter(|a| a.group == GroupCode::Pr)
        .map(|a| a.amount)
        .sum();
    EventKind::Adjudicated {
        outcome,
        status: if outcome == AdjudicationOutcome::Denied {
            ClaimStatusCode::Denied
        } else {
            ClaimStatusCode::ProcessedPrimary
        }
        .into(),
        charge: d(charge),
        paid: d(paid),
        patient_responsibility: pr,
        payer_claim_control_number: None,
        trace_number: None,
        adjustments,
        lines,
    }
}

pub(crate) fn line(
    code: &str,
    charge: &str,
    paid: &str,
    adjustments: Vec<Adjustment>,
) -> AdjudicatedLine {
    AdjudicatedLine {
        procedure: Some(code.parse().unwrap()),
        modifiers: Vec::new(),
        charge: d(charge),
        paid: d(paid),
        units: None,
        adjustments,
    }
}

pub(crate) fn patient_paid(amount: &str, pos: bool) -> EventKind {
    EventKind::PatientPaid {
        amount: d(amount),
        point_of_service: pos,
    }
}

pub(crate) fn written_off(amount: &str, r: Responsibility, kind: WriteOffKind) -> EventKind {
    EventKind::WrittenOff {
        amount: d(amount),
        responsibility: r,
        write_off: kind,
    }
}

/// Nine claims, A to I, described in tests/metrics.rs where each number is worked out.
pub(crate) fn fixture() -> Vec<LedgerEvent> {
    use AckOutcome::*;
    use AdjudicationOutcome as O;
    use GroupCode::*;
    let p1 = Some("P1");
    let p2 = Some("P2");
    vec![
        // A: clean, accepted first time, paid in full; $10 at the visit, $10 later.
        at(
            ev("A", "2026-03-01", None, EventKind::DocumentationReceived),
            9,
        ),
        at(ev("A", "2026-03-02", None, EventKind::Coded), 15),
        ev("A", "2026-03-01", None, patient_paid("10", true)),
        ev("A", "2026-03-02", p1, created("100", "2026-03-01", false)),
        ev("A", "2026-03-02", p1, scrubbed(true, false)),
        ev("A", "2026-03-03", p1, submitted("100")),
        ev("A", "2026-03-04", p1, ack(Accepted)),
        ev(
            "A",
            "2026-03-20",
            p1,
            adjudicated(
                O::Paid,
                "100",
                "60",
                vec![adj(Co, "45", "20"), adj(Pr, "2", "20")],
                vec![],
            ),
        ),
        ev("A", "2026-03-25", None, patient_paid("10", false)),
        // B: scrubbed with manual help, rejected, resubmitted, then denied (no auth).
        at(
            ev("B", "2026-03-01", None, EventKind::DocumentationReceived),
            8,
        ),
        at(ev("B", "2026-03-01", None, EventKind::Coded), 20),
        ev("B", "2026-03-02", p1, created("200", "2026-03-01", false)),
        ev("B", "2026-03-02", p1, scrubbed(true, true)),
        ev("B", "2026-03-03", p1, submitted("200")),
        ev("B", "2026-03-04", p1, ack(Rejected)),
        ev(
            "B",
            "2026-03-06",
            p1,
            resubmitted("200", FrequencyCode::Original),
        ),
        ev("B", "2026-03-07", p1, ack(Accepted)),
        ev(
            "B",
            "2026-03-25",
            p1,
            adjudicated(O::Denied, "200", "0", vec![adj(Co, "197", "200")], vec![]),
        ),
        // C (payer P2): failed the scrub, accepted, one line denied (bundling), corrected.
        ev("C", "2026-03-05", p2, created("300", "2026-03-04", false)),
        ev("C", "2026-03-05", p2, scrubbed(false, false)),
        ev("C", "2026-03-05", p2, submitted("300")),
        ev("C", "2026-03-06", p2, ack(Accepted)),
        ev(
            "C",
            "2026-03-26",
            p2,
            adjudicated(
                O::PartiallyPaid,
                "300",
                "80",
                vec![],
                vec![
                    line("99213", "100", "80", vec![adj(Co, "45", "20")]),
                    line("97110", "200", "0", vec![adj(Co, "97", "200")]),
                ],
            ),
        ),
        ev(
            "C",
            "2026-03-30",
            p2,
            resubmitted("300", FrequencyCode::Replacement),
        ),
        // D (P2): submitted, no acknowledgment yet.
        ev("D", "2026-03-10", p2, created("50", "2026-03-09", false)),
        ev("D", "2026-03-10", p2, submitted("50")),
        // E: November claim, patient still owes the deductible.
        ev("E", "2025-11-02", p1, created("400", "2025-11-01", false)),
        ev("E", "2025-11-03", p1, submitted("400")),
        ev("E", "2025-11-04", p1, ack(Accepted)),
        ev(
            "E",
            "2025-12-01",
            p1,
            adjudicated(
                O::Paid,
                "400",
                "200",
                vec![adj(Co, "45", "100"), adj(Pr, "1", "100")],
                vec![],
            ),
        ),
        // F: self-pay, $30 at the visit.
        ev("F", "2026-03-15", None, created("80", "2026-03-15", true)),
        ev("F", "2026-03-15", None, patient_paid("30", true)),
        // G: February claim paid; the patient then paid $15 nobody owed (a credit).
        ev("G", "2026-02-01", p1, created("100", "2026-01-30", false)),
        ev("G", "2026-02-02", p1, submitted("100")),
        ev("G", "2026-02-03", p1, ack(Accepted)),
        ev(
            "G",
            "2026-02-20",
            p1,
            adjudicated(O::Paid, "100", "90", vec![adj(Co, "45", "10")], vec![]),
        ),
        ev("G", "2026-03-05", None, patient_paid("15", false)),
        // H: January claim denied for timely filing in February, written off in March.
        ev("H", "2026-01-05", p1, created("150", "2026-01-05", false)),
        ev("H", "2026-01-06", p1, submitted("150")),
        ev("H", "2026-01-07", p1, ack(Accepted)),
        ev(
            "H",
            "2026-02-01",
            p1,
            adjudicated(O::Denied, "150", "0", vec![adj(Co, "29", "150")], vec![]),
        ),
        ev(
            "H",
            "2026-03-10",
            p1,
            written_off("150", Responsibility::Insurance, WriteOffKind::TimelyFiling),
        ),
        // I: October claim; the patient's $20 written off as bad debt in March.
        ev("I", "2025-10-01", p1, created("60", "2025-10-01", false)),
        ev("I", "2025-10-01", p1, submitted("60")),
        ev("I", "2025-10-02", p1, ack(Accepted)),
        ev(
            "I",
            "2025-10-20",
            p1,
            adjudicated(
                O::Paid,
                "60",
                "30",
                vec![adj(Co, "45", "10"), adj(Pr, "2", "20")],
                vec![],
            ),
        ),
        ev(
            "I",
            "2026-03-12",
            None,
            written_off("20", Responsibility::Patient, WriteOffKind::BadDebt),
        ),
        // An event after the as-of date, which must be ignored.
        ev(
            "A",
            "2026-04-02",
            p1,
            written_off("999", Responsibility::Insurance, WriteOffKind::Other),
        ),
    ]
}
