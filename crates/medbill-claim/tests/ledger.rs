//! Ledger events: the JSON-lines and CSV formats, balances and statuses.

use chrono::{NaiveDate, NaiveTime};
use medbill_claim::ledger::{read_csv, read_json_lines, write_csv, write_json_lines};
use medbill_claim::{
    AckOutcome, AckReason, AckSource, AdjudicatedLine, AdjudicationOutcome, Adjustment,
    ClaimStatus, ClaimStatusCode, EventKind, FrequencyCode, Ledger, LedgerEvent, PayerSequence,
    Responsibility, WriteOffKind,
};
use medbill_codes::GroupCode;
use rust_decimal::Decimal;

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn adj(group: GroupCode, carc: &str, amount: &str) -> Adjustment {
    Adjustment::new(group, carc.parse().unwrap(), d(amount))
}

/// A claim's whole life: created, coded, submitted, rejected, resubmitted, accepted,
/// adjudicated with a contractual write-down, a deductible and a denied line, appealed,
/// patient billed and paid, and the denied remainder written off.
fn life() -> Vec<LedgerEvent> {
    let payer = "87726";
    vec![
        LedgerEvent::new(
            "PCN1",
            day("2026-03-02"),
            EventKind::Created {
                charge: d("300.00"),
                service_date: day("2026-02-27"),
                service_end: None,
                self_pay: false,
            },
        ),
        LedgerEvent::new("PCN1", day("2026-03-02"), EventKind::DocumentationReceived)
            .with_time(NaiveTime::from_hms_opt(8, 15, 0).unwrap()),
        LedgerEvent::new("PCN1", day("2026-03-03"), EventKind::Coded)
            .with_time(NaiveTime::from_hms_opt(14, 0, 0).unwrap()),
        LedgerEvent::new(
            "PCN1",
            day("2026-03-03"),
            EventKind::Scrubbed {
                passed: true,
                manual_intervention: false,
            },
        ),
        LedgerEvent::new(
            "PCN1",
            day("2026-03-04"),
            EventKind::Submitted {
                charge: d("300.00"),
                sequence: PayerSequence::Primary,
                batch_control_number: Some("000000101".into()),
            },
        )
        .with_payer(payer),
        LedgerEvent::new(
            "PCN1",
            day("2026-03-05"),
            EventKind::Acknowledged {
                source: AckSource::ClaimAck277Ca,
                outcome: AckOutcome::Rejected,
                reasons: vec![AckReason {
                    category: Some("A7".into()),
                    entity: Some("IL".into()),
                    ..AckReason::new("164")
                }],
                payer_claim_control_number: None,
            },
        )
        .with_payer(payer),
        LedgerEvent::new(
            "PCN1",
            day("2026-03-09"),
            EventKind::Resubmitted {
                charge: d("300.00"),
                frequency: FrequencyCode::Original,
                sequence: PayerSequence::Primary,
                batch_control_number: None,
            },
        )
        .with_payer(payer),
        LedgerEvent::new(
            "PCN1",
            day("2026-03-10"),
            EventKind::Acknowledged {
                source: AckSource::ClaimAck277Ca,
                outcome: AckOutcome::Accepted,
                reasons: vec![],
                payer_claim_control_number: Some("ICN-77".into()),
            },
        )
        .with_payer(payer),
        LedgerEvent::new(
            "PCN1",
            day("2026-03-30"),
            EventKind::Adjudicated {
                outcome: AdjudicationOutcome::PartiallyPaid,
                status: ClaimStatusCode::ProcessedPrimary.into(),
                charge: d("300.00"),
                paid: d("120.00"),
                patient_responsibility: d("30.00"),
                payer_claim_control_number: Some("ICN-77".into()),
                trace_number: Some("EFT1".into()),
                adjustments: vec![],
                lines: vec![
                    AdjudicatedLine {
                        procedure: Some("99214".parse().unwrap()),
                        modifiers: vec!["25".parse().unwrap()],
                        charge: d("200.00"),
                        paid: d("120.00"),
                        units: Some(d("1")),
                        adjustments: vec![
                            adj(GroupCode::Co, "45", "50.00"),
                            adj(GroupCode::Pr, "1", "30.00"),
                        ],
                    },
                    AdjudicatedLine {
                        procedure: Some("93000".parse().unwrap()),
                        modifiers: vec![],
                        charge: d("100.00"),
                        paid: d("0"),
                        units: Some(d("1")),
                        adjustments: vec![adj(GroupCode::Co, "97", "100.00")],
                    },
                ],
            },
        )
        .with_payer(payer),
        LedgerEvent::new(
            "PCN1",
            day("2026-04-02"),
            EventKind::Appealed {
                amount: d("100.00"),
                level: 1,
            },
        )
        .with_payer(payer),
        LedgerEvent::new(
            "PCN1",
            day("2026-04-03"),
            EventKind::PatientBilled { amount: d("30.00") },
        ),
        LedgerEvent::new(
            "PCN1",
            day("2026-04-20"),
            EventKind::PatientPaid {
                amount: d("30.00"),
                point_of_service: false,
            },
        ),
        LedgerEvent::new(
            "PCN1",
            day("2026-05-15"),
            EventKind::WrittenOff {
                amount: d("100.00"),
                responsibility: Responsibility::Insurance,
                write_off: WriteOffKind::Administrative,
            },
        ),
    ]
}

#[test]
fn json_lines_round_trip() {
    let events = life();
    let mut buf = Vec::new();
    write_json_lines(&mut buf, &events).unwrap();
    let text = String::from_utf8(buf.clone()).unwrap();
    assert_eq!(text.lines().count(), events.len());
    // Money is a string, and the tag is `event`.
    assert!(
        text.contains(r#""event":"created","charge":"300.00""#),
        "{text}"
    );
    let back = read_json_lines(&buf[..]).unwrap();
    assert_eq!(back, events);
}

#[test]
fn csv_round_trip() {
    let events = life();
    let mut buf = Vec::new();
    write_csv(&mut buf, &events).unwrap();
    let text = String::from_utf8(buf.clone()).unwrap();
    assert!(text.starts_with("claim_id,date,time,payer_id,event,amount,data\n"));
    assert!(text.contains("PCN1,2026-03-02,08:15:00,,documentation_received,,{}"));
    let back = read_csv(&buf[..]).unwrap();
    assert_eq!(back, events);
}

#[test]
fn csv_amount_column_is_checked() {
    let text = "claim_id,date,time,payer_id,event,amount,data\n\
                PCN1,2026-03-02,,,patient_paid,25.00,\"{\"\"amount\"\":\"\"20.00\"\"}\"\n";
    let err = read_csv(text.as_bytes()).unwrap_err();
    assert!(err.to_string().contains("record 2"), "{err}");
    let ok = text.replace("25.00", "20.00");
    let events = read_csv(ok.as_bytes()).unwrap();
    assert_eq!(events[0].kind.amount(), Some(d("20.00")));
}

#[test]
fn bad_json_line_names_the_line_without_content() {
    let text = "{\"claim_id\":\"PCN1\",\"date\":\"2026-03-02\",\"event\":\"coded\"}\n\
                {\"claim_id\":\"SMITH JOHN\",\"date\":\"not a date\",\"event\":\"coded\"}\n";
    let err = read_json_lines(text.as_bytes()).unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("record 2"), "{msg}");
    assert!(!msg.contains("SMITH"), "{msg}");
}

#[test]
fn balances_through_a_claims_life() {
    let ledger = Ledger::from_events(life());
    let id = "PCN1".into();
    let at = |s: &str| ledger.state(&id, day(s)).unwrap();

    assert!(ledger.state(&id, day("2026-03-01")).is_none());
    assert_eq!(at("2026-03-02").status, ClaimStatus::Created);
    assert_eq!(at("2026-03-03").status, ClaimStatus::Coded);
    assert_eq!(at("2026-03-04").status, ClaimStatus::Submitted);
    assert_eq!(at("2026-03-05").status, ClaimStatus::Rejected);
    assert_eq!(at("2026-03-09").status, ClaimStatus::Submitted);
    assert_eq!(at("2026-03-10").status, ClaimStatus::Accepted);
    assert_eq!(at("2026-03-10").insurance_balance, d("300.00"));
    assert_eq!(at("2026-03-10").first_submitted, Some(day("2026-03-04")));
    assert_eq!(at("2026-03-10").last_submitted, Some(day("2026-03-09")));

    // 300 - 120 paid - 50 contractual - 30 to patient; the 100 denial stays open.
    let s = at("2026-03-30");
    assert_eq!(s.status, ClaimStatus::PartiallyPaid);
    assert_eq!(s.insurance_balance, d("100.00"));
    assert_eq!(s.patient_balance, d("30.00"));
    assert_eq!(s.payer_claim_control_numbers, vec!["ICN-77".to_string()]);

    assert_eq!(at("2026-04-02").status, ClaimStatus::Appealed);
    assert_eq!(at("2026-04-20").patient_balance, d("0.00"));
    let end = at("2026-06-01");
    assert_eq!(end.insurance_balance, d("0.00"));
    assert_eq!(end.status, ClaimStatus::Closed);
    assert!(ledger.open_claims(day("2026-06-01")).is_empty());
    assert_eq!(ledger.open_claims(day("2026-05-01")).len(), 1);
}

#[test]
fn self_pay_and_transfers() {
    let mut ledger = Ledger::new();
    ledger.push(LedgerEvent::new(
        "SP1",
        day("2026-01-10"),
        EventKind::Created {
            charge: d("80"),
            service_date: day("2026-01-10"),
            service_end: None,
            self_pay: true,
        },
    ));
    ledger.push(LedgerEvent::new(
        "SP1",
        day("2026-01-10"),
        EventKind::PatientPaid {
            amount: d("20"),
            point_of_service: true,
        },
    ));
    let s = ledger.state(&"SP1".into(), day("2026-01-10")).unwrap();
    assert_eq!((s.insurance_balance, s.patient_balance), (d("0"), d("60")));
    // Coverage found: move the rest to insurance.
    ledger.push(LedgerEvent::new(
        "SP1",
        day("2026-01-20"),
        EventKind::Transferred {
            amount: d("60"),
            to: Responsibility::Insurance,
        },
    ));
    let s = ledger.state(&"SP1".into(), day("2026-01-31")).unwrap();
    assert_eq!((s.insurance_balance, s.patient_balance), (d("60"), d("0")));
}

#[test]
fn corrected_claim_changes_the_charge() {
    let mut ledger = Ledger::from_events(life().into_iter().take(8).collect());
    ledger.push(LedgerEvent::new(
        "PCN1",
        day("2026-03-12"),
        EventKind::Resubmitted {
            charge: d("350.00"),
            frequency: FrequencyCode::Replacement,
            sequence: PayerSequence::Primary,
            batch_control_number: None,
        },
    ));
    let s = ledger.state(&"PCN1".into(), day("2026-03-12")).unwrap();
    assert_eq!(s.charge, d("350.00"));
    assert_eq!(s.insurance_balance, d("350.00"));
    ledger.push(LedgerEvent::new(
        "PCN1",
        day("2026-03-13"),
        EventKind::Resubmitted {
            charge: d("350.00"),
            frequency: FrequencyCode::Void,
            sequence: PayerSequence::Primary,
            batch_control_number: None,
        },
    ));
    let s = ledger.state(&"PCN1".into(), day("2026-03-13")).unwrap();
    assert_eq!(s.status, ClaimStatus::Voided);
}

#[test]
fn adjustment_json_carries_category_and_reads_back_without_it() {
    let a = adj(GroupCode::Co, "197", "40.00");
    let json = serde_json::to_string(&a).unwrap();
    assert!(
        json.contains(r#""category":"authorization_referral""#),
        "{json}"
    );
    let back: Adjustment = serde_json::from_str(&json).unwrap();
    assert_eq!(back, a);
    let bare: Adjustment =
        serde_json::from_str(r#"{"group":"CO","reason":"197","amount":"40.00"}"#).unwrap();
    assert_eq!(bare, a);
}
