//! Property tests: serde round trips, remittance balancing, and posting then reversing.

mod common;

use common::{d, day, professional};
use medbill_claim::ledger::{read_csv, read_json_lines, write_csv, write_json_lines};
use medbill_claim::{
    Adjustment, Claim, ClaimPayment, ClaimStatusCode, DiagnosisPointers, EventKind, Ledger,
    LedgerEvent, LinePayment, Payee, Payer, PayerSequence, Payment, PaymentMethod,
    ProfessionalLine, ProviderAdjustment, Remittance, Responsibility, WriteOffKind,
};
use medbill_codes::{GroupCode, Modifier, ProcedureCode};
use proptest::prelude::*;
use proptest::sample::select;
use rust_decimal::Decimal;

const CARCS: &[&str] = &[
    "1", "2", "3", "16", "18", "23", "29", "45", "50", "97", "197", "204", "253",
];
const GROUPS: &[GroupCode] = &[GroupCode::Co, GroupCode::Pr, GroupCode::Oa, GroupCode::Pi];
const PROCEDURES: &[&str] = &[
    "99213", "99214", "93000", "36415", "J3420", "G0439", "0001U",
];
const MODIFIERS: &[&str] = &["25", "59", "LT", "RT", "GT", "XU"];
const DIAGNOSES: &[&str] = &[
    "E11.9", "I10", "J02.9", "Z00.00", "M54.50", "R05.9", "K21.9", "F41.1", "N39.0", "E78.5",
    "S72.001A", "G43.909",
];

fn money() -> impl Strategy<Value = Decimal> {
    (0i64..500_000).prop_map(|c| Decimal::new(c, 2))
}

fn adjustment() -> impl Strategy<Value = Adjustment> {
    (select(GROUPS), select(CARCS), money())
        .prop_map(|(g, c, a)| Adjustment::new(g, c.parse().unwrap(), a))
}

fn procedure() -> impl Strategy<Value = ProcedureCode> {
    select(PROCEDURES).prop_map(|p| p.parse().unwrap())
}

fn line_payment() -> impl Strategy<Value = LinePayment> {
    (
        procedure(),
        money(),
        prop::collection::vec(adjustment(), 0..4),
    )
        .prop_map(|(proc, paid, adjustments)| {
            // Build from paid and adjustments so the line balances.
            let charge = paid + adjustments.iter().map(|a| a.amount).sum::<Decimal>();
            let mut l = LinePayment::new(proc, charge, paid);
            l.units = Some(Decimal::ONE);
            l.adjustments = adjustments;
            l
        })
}

fn claim_payment(pcn: String) -> impl Strategy<Value = ClaimPayment> {
    (
        prop::collection::vec(line_payment(), 0..4),
        prop::collection::vec(adjustment(), 0..3),
        money(),
    )
        .prop_map(move |(lines, adjustments, extra)| {
            let line_paid: Decimal = lines.iter().map(|l| l.paid).sum();
            let paid = if lines.is_empty() { extra } else { line_paid };
            let all_adj: Decimal = adjustments
                .iter()
                .chain(lines.iter().flat_map(|l| l.adjustments.iter()))
                .map(|a| a.amount)
                .sum();
            let mut c = ClaimPayment::new(
                pcn.clone(),
                ClaimStatusCode::ProcessedPrimary,
                paid + all_adj,
                paid,
            );
            c.payer_claim_control_number = Some(format!("ICN-{pcn}"));
            c.adjustments = adjustments;
            c.lines = lines;
            c.patient_responsibility = c.patient_responsibility_from_adjustments();
            c
        })
}

fn remittance() -> impl Strategy<Value = Remittance> {
    (1usize..5)
        .prop_flat_map(|n| {
            let claims: Vec<_> = (0..n).map(|i| claim_payment(format!("C{i}"))).collect();
            (
                claims,
                prop::collection::vec((-50_000i64..50_000).prop_map(|c| Decimal::new(c, 2)), 0..3),
            )
        })
        .prop_map(|(claims, plb)| {
            let provider_adjustments: Vec<ProviderAdjustment> = plb
                .into_iter()
                .map(|amount| ProviderAdjustment {
                    reason: "WO".into(),
                    reference: None,
                    amount,
                    fiscal_period: None,
                })
                .collect();
            let paid: Decimal = claims.iter().map(|c| c.paid).sum();
            let plb_total: Decimal = provider_adjustments.iter().map(|p| p.amount).sum();
            Remittance {
                payer: Payer::new("87726", "EXAMPLE HEALTH PLAN"),
                payer_tin: None,
                payer_address: None,
                payer_contacts: Vec::new(),
                payee: Payee {
                    name: "CLINIC".into(),
                    npi: None,
                    tin: None,
                    address: None,
                },
                payment: Payment {
                    method: PaymentMethod::Ach.into(),
                    amount: paid - plb_total,
                    date: day("2026-04-01"),
                    trace_number: "T1".into(),
                },
                claims,
                provider_adjustments,
                extra: vec![],
                problems: vec![],
            }
        })
}

/// Every money amount in a remittance that a balancing rule reads.
fn amount_slots(r: &mut Remittance) -> Vec<&mut Decimal> {
    let mut v = vec![&mut r.payment.amount];
    for p in &mut r.provider_adjustments {
        v.push(&mut p.amount);
    }
    for c in &mut r.claims {
        let ClaimPayment {
            charge,
            paid,
            patient_responsibility,
            adjustments,
            lines,
            ..
        } = c;
        v.push(charge);
        v.push(paid);
        v.push(patient_responsibility);
        for a in adjustments {
            v.push(&mut a.amount);
        }
        for l in lines {
            let LinePayment {
                charge,
                paid,
                adjustments,
                ..
            } = l;
            v.push(charge);
            v.push(paid);
            for a in adjustments {
                v.push(&mut a.amount);
            }
        }
    }
    v
}

fn ledger_for(remit: &Remittance) -> Ledger {
    let mut ledger = Ledger::new();
    for c in &remit.claims {
        ledger.push(LedgerEvent::new(
            c.patient_control_number.as_str(),
            day("2026-03-01"),
            EventKind::Created {
                charge: c.charge,
                service_date: day("2026-02-20"),
                service_end: None,
                self_pay: false,
            },
        ));
    }
    ledger
}

fn event_kind() -> impl Strategy<Value = EventKind> {
    prop_oneof![
        (money(), any::<bool>()).prop_map(|(charge, self_pay)| EventKind::Created {
            charge,
            service_date: day("2026-01-02"),
            service_end: None,
            self_pay,
        }),
        Just(EventKind::Coded),
        Just(EventKind::DocumentationReceived),
        (any::<bool>(), any::<bool>()).prop_map(|(passed, manual_intervention)| {
            EventKind::Scrubbed {
                passed,
                manual_intervention,
            }
        }),
        (money(), "[0-9]{0,9}").prop_map(|(charge, bcn)| EventKind::Submitted {
            charge,
            sequence: PayerSequence::Secondary,
            batch_control_number: (!bcn.is_empty()).then_some(bcn),
        }),
        claim_payment("X".into()).prop_map(|c| EventKind::adjudicated(&c, Some("T".into()))),
        (money(), any::<bool>()).prop_map(|(amount, point_of_service)| {
            EventKind::PatientPaid {
                amount,
                point_of_service,
            }
        }),
        (money(), "[ -~]{0,12}").prop_map(|(amount, reason)| EventKind::Adjusted {
            amount,
            responsibility: Responsibility::Patient,
            reason: Some(reason),
        }),
        money().prop_map(|amount| EventKind::WrittenOff {
            amount,
            responsibility: Responsibility::Patient,
            write_off: WriteOffKind::BadDebt,
        }),
        (money(), 1u8..4).prop_map(|(amount, level)| EventKind::Appealed { amount, level }),
    ]
}

fn ledger_event() -> impl Strategy<Value = LedgerEvent> {
    (
        "[A-Za-z0-9 ,\"\r\n-]{1,12}",
        0i64..3000,
        proptest::option::of(0u32..86_400),
        proptest::option::of("[A-Z0-9]{1,6}"),
        event_kind(),
    )
        .prop_map(|(id, offset, secs, payer, kind)| LedgerEvent {
            claim_id: id.into(),
            date: day("2020-01-01") + chrono::Days::new(offset as u64),
            time: secs.and_then(|s| chrono::NaiveTime::from_num_seconds_from_midnight_opt(s, 0)),
            payer_id: payer,
            kind,
        })
}

fn professional_claim() -> impl Strategy<Value = (Claim, usize)> {
    (1usize..=12)
        .prop_flat_map(|n_dx| {
            let line = (
                procedure(),
                money(),
                1i64..20,
                prop::collection::vec(select(MODIFIERS), 0..=4),
                prop::collection::btree_set(1u8..=(n_dx as u8), 1..=4.min(n_dx)),
            );
            (Just(n_dx), prop::collection::vec(line, 1..6))
        })
        .prop_map(|(n_dx, lines)| {
            let mut b = professional("PROP1");
            for dx in &DIAGNOSES[..n_dx] {
                b = b.diagnosis(dx.parse().unwrap());
            }
            for (proc, charge, units, mods, ptrs) in lines {
                let mods: Vec<Modifier> = mods.iter().map(|m| m.parse().unwrap()).collect();
                b = b.line(
                    ProfessionalLine::new(proc, charge, Decimal::from(units), day("2026-02-02"))
                        .modifiers(mods)
                        .pointers(ptrs),
                );
            }
            (b.build().unwrap(), n_dx)
        })
}

fn institutional_claim() -> impl Strategy<Value = Claim> {
    let line = (
        select(&["0120", "0250", "0300", "0450", "0636"][..]),
        proptest::option::of(procedure()),
        money(),
        1i64..10,
        proptest::option::of(0u64..5),
    );
    (
        0u64..10,
        prop::collection::vec(line, 1..6),
        prop::collection::vec(
            (
                select(DIAGNOSES),
                proptest::option::of(select(&["Y", "N", "U", "W", "1"][..])),
            ),
            0..5,
        ),
        any::<bool>(),
    )
        .prop_map(|(days, lines, others, with_pcs)| {
            let from = day("2026-01-03");
            let to = from + chrono::Days::new(days);
            let mut b = Claim::institutional("PROP2", "13", from, to)
                .billing_provider(common::billing())
                .subscriber(common::subscriber())
                .payer(
                    common::payer(),
                    medbill_claim::ClaimFilingIndicator::MedicarePartA,
                )
                .principal_diagnosis(medbill_claim::Diagnosis::new("I10".parse().unwrap(), None));
            for (code, poa) in others {
                b = b.other_diagnosis(medbill_claim::Diagnosis::new(
                    code.parse().unwrap(),
                    poa.map(|p| p.parse().unwrap()),
                ));
            }
            if with_pcs {
                b = b.procedure(medbill_claim::IcdProcedure::new(
                    "0SR9019".parse().unwrap(),
                    from,
                ));
            }
            for (rev, proc, charge, units, offset) in lines {
                let mut l =
                    medbill_claim::InstitutionalLine::new(rev, charge, Decimal::from(units));
                if let Some(p) = proc {
                    l = l.procedure(p, []);
                }
                if let Some(o) = offset {
                    l = l.service_date(from + chrono::Days::new(o));
                }
                b = b.institutional_line(l);
            }
            b.build().unwrap()
        })
}

proptest! {
    #[test]
    fn institutional_claims_round_trip(claim in institutional_claim()) {
        let json = serde_json::to_string(&claim).unwrap();
        let back: Claim = serde_json::from_str(&json).unwrap();
        prop_assert_eq!(&back, &claim);
        prop_assert_eq!(claim.type_of_bill(), Some("131".to_string()));
    }

    #[test]
    fn generated_remittances_balance(remit in remittance()) {
        let report = remit.balance();
        prop_assert!(report.is_balanced(), "{:?}", report);
    }

    #[test]
    fn any_perturbed_amount_is_reported(
        remit in remittance(),
        which in any::<prop::sample::Index>(),
        delta in prop_oneof![1i64..100_000, -100_000i64..-1],
    ) {
        let mut remit = remit;
        let delta = Decimal::new(delta, 2);
        {
            let mut slots = amount_slots(&mut remit);
            let i = which.index(slots.len());
            *slots[i] += delta;
        }
        let report = remit.balance();
        prop_assert!(!report.is_balanced());
        prop_assert!(
            report.imbalances.iter().any(|x| x.difference.abs() == delta.abs()),
            "{:?}", report
        );
    }

    #[test]
    fn remittance_serde_round_trip(remit in remittance()) {
        let json = serde_json::to_string(&remit).unwrap();
        let back: Remittance = serde_json::from_str(&json).unwrap();
        prop_assert_eq!(back, remit);
    }

    #[test]
    fn posting_then_reversing_leaves_balances_unchanged(remit in remittance()) {
        let mut ledger = ledger_for(&remit);
        let before = ledger.states(day("2026-12-31"));
        let posted = ledger.post(&remit, None);
        prop_assert_eq!(posted.posted.len(), remit.claims.len());
        let mut back = remit.clone();
        back.claims = remit.claims.iter().map(ClaimPayment::reversal).collect();
        back.provider_adjustments.clear();
        back.payment.amount = back.claims.iter().map(|c| c.paid).sum();
        prop_assert!(back.balance().is_balanced());
        let reversed = ledger.post(&back, None);
        prop_assert_eq!(reversed.reversals.len(), remit.claims.len());
        let after = ledger.states(day("2026-12-31"));
        prop_assert_eq!(before.len(), after.len());
        for (b, a) in before.iter().zip(&after) {
            prop_assert_eq!(b.insurance_balance, a.insurance_balance);
            prop_assert_eq!(b.patient_balance, a.patient_balance);
        }
    }

    #[test]
    fn ledger_events_round_trip_json_lines_and_csv(
        events in prop::collection::vec(ledger_event(), 0..8)
    ) {
        let mut buf = Vec::new();
        write_json_lines(&mut buf, &events).unwrap();
        prop_assert_eq!(&read_json_lines(&buf[..]).unwrap(), &events);
        let mut buf = Vec::new();
        write_csv(&mut buf, &events).unwrap();
        prop_assert_eq!(&read_csv(&buf[..]).unwrap(), &events);
    }

    #[test]
    fn claims_round_trip_and_pointers_are_checked((claim, n_dx) in professional_claim()) {
        let json = serde_json::to_string(&claim).unwrap();
        let back: Claim = serde_json::from_str(&json).unwrap();
        prop_assert_eq!(&back, &claim);
        prop_assert_eq!(claim.total_charge, claim.line_charge_total());
        // One pointer past the end is refused.
        let mut bad = claim.clone();
        if let medbill_claim::ClaimDetail::Professional(p) = &mut bad.detail {
            p.lines[0].diagnosis_pointers = DiagnosisPointers::from_slice(&[n_dx as u8 + 1]);
        }
        prop_assert!(bad.validate().is_err());
    }

    #[test]
    fn reading_garbage_never_panics(text in "[ -~\n]{0,200}") {
        let _ = read_json_lines(text.as_bytes());
        let _ = read_csv(text.as_bytes());
        let _ = serde_json::from_str::<Claim>(&text);
        let _ = serde_json::from_str::<Remittance>(&text);
    }
}

#[test]
fn perturbation_of_a_fixed_remittance_names_the_rule() {
    let mut l = LinePayment::new("99213".parse().unwrap(), d("100"), d("80"));
    l.adjustments = vec![Adjustment::new(
        GroupCode::Co,
        "45".parse().unwrap(),
        d("20"),
    )];
    let mut c = ClaimPayment::new("A", ClaimStatusCode::ProcessedPrimary, d("100"), d("80"));
    c.lines = vec![l];
    let mut remit = Remittance {
        payer: Payer::new("1", "P"),
        payer_tin: None,
        payer_address: None,
        payer_contacts: Vec::new(),
        payee: Payee {
            name: "X".into(),
            npi: None,
            tin: None,
            address: None,
        },
        payment: Payment {
            method: PaymentMethod::Check.into(),
            amount: d("80"),
            date: day("2026-01-01"),
            trace_number: "1".into(),
        },
        claims: vec![c],
        provider_adjustments: vec![],
        extra: vec![],
        problems: vec![],
    };
    assert!(remit.balance().is_balanced());
    remit.claims[0].lines[0].paid = d("81");
    let report = remit.balance();
    let rules: Vec<_> = report.imbalances.iter().map(|i| i.rule).collect();
    use medbill_claim::BalanceRule;
    // The claim rule reads the claim's own paid amount, so only the line rule breaks.
    assert_eq!(rules, vec![BalanceRule::Line]);
    assert_eq!(report.imbalances[0].line, Some(0));
    assert_eq!(report.imbalances[0].difference, d("1"));
}
