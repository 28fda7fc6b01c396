//! Posting remittances: matching, events, denials, credits, underpayments, reversals.

mod common;

use common::*;
use medbill_claim::{
    AdjudicationOutcome, ClaimStatus, ClaimStatusCode, FeeSchedule, ProviderAdjustment,
    Responsibility, UnmatchedReason, post_remittance,
};
use medbill_codes::{DenialCategory, GroupCode};

fn standard_remit() -> medbill_claim::Remittance {
    // PCN1: 99214-25 allowed 150 (paid 120 + 30 deductible), 93000 bundled.
    let mut l1 = line(
        "99214",
        "200.00",
        "120.00",
        vec![
            adj(GroupCode::Co, "45", "50.00"),
            adj(GroupCode::Pr, "1", "30.00"),
        ],
    );
    l1.modifiers = vec!["25".parse().unwrap()];
    let l2 = line(
        "93000",
        "100.00",
        "0.00",
        vec![adj(GroupCode::Co, "97", "100.00")],
    );
    let pcn1 = claim_payment("PCN1", "ICN1", vec![l1, l2]);
    // PCN2: paid in full, after the practice already adjusted 50 off -> credit balance.
    let pcn2 = claim_payment(
        "PCN2",
        "ICN2",
        vec![
            line("99214", "200.00", "200.00", vec![]),
            line("93000", "100.00", "100.00", vec![]),
        ],
    );
    // A claim the practice never sent.
    let stranger = claim_payment(
        "NOPE9",
        "ICN9",
        vec![line(
            "99213",
            "90.00",
            "60.00",
            vec![adj(GroupCode::Co, "45", "30.00")],
        )],
    );
    remittance(vec![pcn1, pcn2, stranger])
}

fn with_discount() -> medbill_claim::Ledger {
    let mut ledger = ledger_with(&[office_visit("PCN1"), office_visit("PCN2")]);
    ledger.push(medbill_claim::LedgerEvent::new(
        "PCN2",
        day("2026-03-05"),
        medbill_claim::EventKind::Adjusted {
            amount: d("50.00"),
            responsibility: Responsibility::Insurance,
            reason: Some("courtesy".into()),
        },
    ));
    ledger
}

#[test]
fn posts_matches_and_reports() {
    let mut ledger = with_discount();
    let remit = standard_remit();
    assert!(remit.balance().is_balanced(), "{:?}", remit.balance());
    let mut fees = FeeSchedule::new();
    fees.insert(
        "99214".parse().unwrap(),
        Some("25".parse().unwrap()),
        d("160.00"),
    );
    fees.insert("93000".parse().unwrap(), None, d("20.00"));
    let report = ledger.post(&remit, Some(&fees));

    assert_eq!(report.events.len(), 2);
    assert_eq!(report.posted.len(), 2);
    assert_eq!(report.posted[0].outcome, AdjudicationOutcome::PartiallyPaid);
    assert_eq!(report.posted_total(), d("420.00"));

    assert_eq!(report.unmatched.len(), 1);
    assert_eq!(report.unmatched[0].patient_control_number, "NOPE9");
    assert_eq!(report.unmatched[0].reason, UnmatchedReason::NoSuchClaim);
    assert_eq!(report.unmatched_total(), d("60.00"));

    assert_eq!(report.denials.len(), 1);
    let denial = &report.denials[0];
    assert_eq!(denial.claim_id.as_str(), "PCN1");
    assert_eq!(denial.line, Some(1));
    assert_eq!(denial.amount, d("100.00"));
    assert_eq!(denial.categories, vec![DenialCategory::CodingBundling]);

    // 99214-25 allowed 150 against 160 contracted; the denied 93000 is not an underpayment.
    assert_eq!(report.underpayments.len(), 1);
    assert_eq!(report.underpayments[0].shortfall, d("10.00"));
    assert_eq!(report.underpayments[0].expected, d("160.00"));

    assert_eq!(report.credit_balances.len(), 1);
    assert_eq!(report.credit_balances[0].claim_id.as_str(), "PCN2");
    assert_eq!(
        report.credit_balances[0].responsibility,
        Responsibility::Insurance
    );
    assert_eq!(report.credit_balances[0].amount, d("50.00"));

    let s1 = ledger.state(&"PCN1".into(), day("2026-03-31")).unwrap();
    assert_eq!(s1.insurance_balance, d("100.00"));
    assert_eq!(s1.patient_balance, d("30.00"));
    assert_eq!(s1.status, ClaimStatus::PartiallyPaid);
    let s2 = ledger.state(&"PCN2".into(), day("2026-03-31")).unwrap();
    assert_eq!(s2.insurance_balance, d("-50.00"));
}

#[test]
fn reversal_restores_balances_and_is_reported() {
    let mut ledger = ledger_with(&[office_visit("PCN1"), office_visit("PCN2")]);
    let before = ledger.states(day("2026-12-31"));
    let remit = standard_remit();
    ledger.post(&remit, None);
    let reversed: Vec<_> = remit.claims[..2].iter().map(|c| c.reversal()).collect();
    let back = remittance(reversed);
    assert!(back.balance().is_balanced());
    let report = ledger.post(&back, None);
    assert_eq!(report.reversals.len(), 2);
    assert_eq!(report.reversals[0].amount_taken_back, d("120.00"));
    assert!(report.denials.is_empty());
    let after = ledger.states(day("2026-12-31"));
    for (b, a) in before.iter().zip(&after) {
        assert_eq!(b.insurance_balance, a.insurance_balance);
        assert_eq!(b.patient_balance, a.patient_balance);
        assert_eq!(a.status, ClaimStatus::Reversed);
    }
}

#[test]
fn reversal_with_an_unknown_payer_number_is_not_posted() {
    let mut ledger = ledger_with(&[office_visit("PCN1")]);
    ledger.post(&standard_remit(), None);
    let mut rev = standard_remit().claims[0].reversal();
    rev.payer_claim_control_number = Some("SOMETHING-ELSE".into());
    let report = ledger.post(&remittance(vec![rev]), None);
    assert!(report.posted.is_empty());
    assert_eq!(
        report.unmatched[0].reason,
        UnmatchedReason::PayerClaimNumberMismatch
    );
}

#[test]
fn falls_back_to_the_payer_claim_number() {
    let mut ledger = ledger_with(&[office_visit("PCN1")]);
    ledger.post(&standard_remit(), None);
    // The payer truncated CLP01, but ICN1 is known from the first remittance.
    let mut rev = standard_remit().claims[0].reversal();
    rev.patient_control_number = "PCN".into();
    let report = ledger.post(&remittance(vec![rev]), None);
    assert_eq!(report.posted.len(), 1);
    assert_eq!(report.posted[0].claim_id.as_str(), "PCN1");
}

#[test]
fn reversal_and_correction_in_one_remittance() {
    let mut ledger = ledger_with(&[office_visit("PCN1")]);
    let first = standard_remit();
    ledger.post(&first, None);
    // The payer takes back the payment and repays the bundled line.
    let rev = first.claims[0].reversal();
    let mut l1 = line(
        "99214",
        "200.00",
        "120.00",
        vec![
            adj(GroupCode::Co, "45", "50.00"),
            adj(GroupCode::Pr, "1", "30.00"),
        ],
    );
    l1.modifiers = vec!["25".parse().unwrap()];
    let l2 = line(
        "93000",
        "100.00",
        "20.00",
        vec![adj(GroupCode::Co, "45", "80.00")],
    );
    let mut corrected = claim_payment("PCN1", "ICN1B", vec![l1, l2]);
    corrected.status = ClaimStatusCode::ProcessedPrimary.into();
    let report = ledger.post(&remittance(vec![rev, corrected]), None);
    assert_eq!(report.posted.len(), 2);
    assert_eq!(report.posted[1].outcome, AdjudicationOutcome::Paid);
    let s = ledger.state(&"PCN1".into(), day("2026-12-31")).unwrap();
    assert_eq!(s.insurance_balance, d("0.00"));
    assert_eq!(s.patient_balance, d("30.00"));
    assert_eq!(s.status, ClaimStatus::Paid);
    assert_eq!(
        s.payer_claim_control_numbers,
        vec!["ICN1".to_string(), "ICN1B".to_string()]
    );
}

#[test]
fn denied_claim_without_denial_codes_is_still_reported() {
    let mut ledger = ledger_with(&[office_visit("PCN1")]);
    let mut c = claim_payment(
        "PCN1",
        "ICN1",
        vec![line(
            "99214",
            "300.00",
            "0.00",
            vec![adj(GroupCode::Co, "45", "300.00")],
        )],
    );
    c.status = ClaimStatusCode::Denied.into();
    let report = ledger.post(&remittance(vec![c]), None);
    assert_eq!(report.posted[0].outcome, AdjudicationOutcome::Denied);
    assert_eq!(report.denials.len(), 1);
    assert_eq!(report.denials[0].line, None);
    assert_eq!(report.denials[0].amount, d("300.00"));
}

#[test]
fn unbalanced_remittance_is_posted_and_reported() {
    let mut ledger = ledger_with(&[office_visit("PCN1")]);
    let mut remit = remittance(vec![claim_payment(
        "PCN1",
        "ICN1",
        vec![line(
            "99214",
            "300.00",
            "200.00",
            vec![adj(GroupCode::Co, "45", "90.00")],
        )],
    )]);
    remit.provider_adjustments.push(ProviderAdjustment {
        reason: "L6".into(),
        reference: None,
        amount: d("-1.25"),
        fiscal_period: None,
    });
    let report = ledger.post(&remit, None);
    assert_eq!(report.posted.len(), 1);
    assert!(!report.balance.is_balanced());
    // Line and claim rules fail by 10; the payment rule fails by the interest.
    assert_eq!(report.balance.imbalances.len(), 3, "{:?}", report.balance);
    assert_eq!(report.provider_adjustments.len(), 1);
}

#[test]
fn posting_report_serialises() {
    let ledger = with_discount();
    let report = post_remittance(&standard_remit(), &ledger.states(day("2026-03-30")), None);
    let json = serde_json::to_string(&report).unwrap();
    assert!(json.contains(r#""credit_balances":[{"claim_id":"PCN2","responsibility":"insurance","amount":"50.00"}]"#), "{json}");
    let back: medbill_claim::PostingReport = serde_json::from_str(&json).unwrap();
    assert_eq!(back, report);
}

#[test]
fn fee_schedule_serialises_as_a_sorted_list() {
    let mut fees = FeeSchedule::new();
    fees.insert("99214".parse().unwrap(), None, d("130.00"));
    fees.insert("93000".parse().unwrap(), None, d("20.00"));
    let json = serde_json::to_string(&fees).unwrap();
    assert_eq!(
        json,
        r#"[{"procedure":"93000","amount":"20.00"},{"procedure":"99214","amount":"130.00"}]"#
    );
    let back: FeeSchedule = serde_json::from_str(&json).unwrap();
    assert_eq!(back, fees);
}

#[test]
fn patient_denials_and_prior_payer_impact() {
    // PR-27 (coverage ended) is a denial the patient owes: denied, reported, patient balance.
    let mut ledger = ledger_with(&[office_visit("PCN1")]);
    let c = claim_payment(
        "PCN1",
        "ICN1",
        vec![line(
            "99214",
            "300.00",
            "0.00",
            vec![adj(GroupCode::Pr, "27", "300.00")],
        )],
    );
    let report = ledger.post(&remittance(vec![c]), None);
    assert_eq!(report.posted[0].outcome, AdjudicationOutcome::Denied);
    assert_eq!(
        report.denials[0].categories,
        vec![DenialCategory::EligibilityCoverage]
    );
    let s = ledger.state(&"PCN1".into(), day("2026-12-31")).unwrap();
    assert_eq!(
        (s.insurance_balance, s.patient_balance),
        (d("0.00"), d("300.00"))
    );

    // A secondary payment: OA-23 restates the primary; it is neither a denial nor a new
    // reduction. The primary left 30 of the 300; it was transferred back to insurance.
    let mut ledger = ledger_with(&[office_visit("PCN2")]);
    let primary = claim_payment(
        "PCN2",
        "ICN2",
        vec![line(
            "99214",
            "300.00",
            "200.00",
            vec![
                adj(GroupCode::Co, "45", "70.00"),
                adj(GroupCode::Pr, "2", "30.00"),
            ],
        )],
    );
    ledger.post(&remittance(vec![primary]), None);
    ledger.push(medbill_claim::LedgerEvent::new(
        "PCN2",
        day("2026-04-01"),
        medbill_claim::EventKind::Transferred {
            amount: d("30.00"),
            to: Responsibility::Insurance,
        },
    ));
    let mut secondary = claim_payment(
        "PCN2",
        "SEC-9",
        vec![line(
            "99214",
            "300.00",
            "30.00",
            vec![adj(GroupCode::Oa, "23", "270.00")],
        )],
    );
    secondary.status = ClaimStatusCode::ProcessedSecondary.into();
    let mut r = remittance(vec![secondary]);
    r.payment.date = day("2026-04-20");
    let report = ledger.post(&r, None);
    assert_eq!(report.posted[0].outcome, AdjudicationOutcome::Paid);
    assert!(report.denials.is_empty());
    let s = ledger.state(&"PCN2".into(), day("2026-12-31")).unwrap();
    assert_eq!(
        (s.insurance_balance, s.patient_balance),
        (d("0.00"), d("0.00"))
    );
    assert_eq!(s.status, ClaimStatus::Closed);
}
