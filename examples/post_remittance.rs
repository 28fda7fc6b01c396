//! Post a remittance to claims: `cargo run --example post_remittance [REMITTANCE.json]`
//!
//! Records two submitted claims in a ledger, then posts a remittance to them and prints the
//! posting report as JSON: claims posted, unmatched payments, reversals, credit balances,
//! denied lines with their categories, and underpayments against a small fee schedule.
//!
//! With a path, the remittance is read from that JSON file (the serde shape of
//! `medbill::claim::Remittance`); without one, a built-in remittance is used. Reading an X12
//! 835 file directly arrives with the typed 835 reader in `medbill::x12`.

use medbill::claim::{
    Adjustment, ClaimPayment, ClaimStatusCode, EventKind, FeeSchedule, Ledger, LedgerEvent,
    LinePayment, Payee, Payer, PayerSequence, Payment, PaymentMethod, Remittance,
};
use medbill::codes::GroupCode;
use rust_decimal::Decimal;

fn money(s: &str) -> Result<Decimal, rust_decimal::Error> {
    s.parse()
}

fn built_in_remittance() -> Result<Remittance, Box<dyn std::error::Error>> {
    let mut visit = LinePayment::new("99214".parse()?, money("200.00")?, money("120.00")?);
    visit.modifiers = vec!["25".parse()?];
    visit.units = Some(Decimal::ONE);
    visit.adjustments = vec![
        Adjustment::new(GroupCode::Co, "45".parse()?, money("50.00")?),
        Adjustment::new(GroupCode::Pr, "1".parse()?, money("30.00")?),
    ];
    let mut ecg = LinePayment::new("93000".parse()?, money("100.00")?, money("0.00")?);
    ecg.units = Some(Decimal::ONE);
    ecg.adjustments = vec![Adjustment::new(
        GroupCode::Co,
        "97".parse()?,
        money("100.00")?,
    )];
    let mut first = ClaimPayment::new(
        "PCN-1",
        ClaimStatusCode::ProcessedPrimary,
        money("300.00")?,
        money("120.00")?,
    );
    first.patient_responsibility = money("30.00")?;
    first.payer_claim_control_number = Some("26088000123".into());
    first.lines = vec![visit, ecg];

    let mut denied = ClaimPayment::new(
        "PCN-2",
        ClaimStatusCode::Denied,
        money("150.00")?,
        money("0.00")?,
    );
    denied.payer_claim_control_number = Some("26088000124".into());
    denied.adjustments = vec![Adjustment::new(
        GroupCode::Co,
        "197".parse()?,
        money("150.00")?,
    )];

    let stranger = ClaimPayment::new(
        "PCN-999",
        ClaimStatusCode::ProcessedPrimary,
        money("80.00")?,
        money("80.00")?,
    );
    Ok(Remittance {
        payer: Payer::new("87726", "EXAMPLE HEALTH PLAN"),
        payee: Payee {
            name: "NORTHWIND FAMILY MEDICINE".into(),
            npi: Some("1234567893".parse()?),
            tin: None,
        },
        payment: Payment {
            method: PaymentMethod::Ach,
            amount: money("200.00")?,
            date: "2026-03-30".parse()?,
            trace_number: "EFT20260330".into(),
        },
        claims: vec![first, denied, stranger],
        provider_adjustments: vec![],
        extra: vec![],
    })
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let remittance = match std::env::args().nth(1) {
        Some(path) => serde_json::from_str(&std::fs::read_to_string(path)?)?,
        None => built_in_remittance()?,
    };

    let mut ledger = Ledger::new();
    for (id, charge) in [("PCN-1", "300.00"), ("PCN-2", "150.00")] {
        let charge = money(charge)?;
        ledger.push(LedgerEvent::new(
            id,
            "2026-03-01".parse()?,
            EventKind::Created {
                charge,
                service_date: "2026-02-27".parse()?,
                service_end: None,
                self_pay: false,
            },
        ));
        ledger.push(
            LedgerEvent::new(
                id,
                "2026-03-02".parse()?,
                EventKind::Submitted {
                    charge,
                    sequence: PayerSequence::Primary,
                    batch_control_number: None,
                },
            )
            .with_payer("87726"),
        );
    }

    let mut fees = FeeSchedule::new();
    fees.insert("99214".parse()?, None, money("160.00")?);
    fees.insert("93000".parse()?, None, money("25.00")?);

    let report = ledger.post(&remittance, Some(&fees));
    println!("{}", serde_json::to_string_pretty(&report)?);

    eprintln!(
        "posted {} claim payments ({}), {} unmatched ({}), {} denials, {} underpayments, balanced: {}",
        report.posted.len(),
        report.posted_total(),
        report.unmatched.len(),
        report.unmatched_total(),
        report.denials.len(),
        report.underpayments.len(),
        report.balance.is_balanced()
    );
    for state in ledger.states("2026-03-30".parse()?) {
        eprintln!(
            "{}: {:?}, insurance {}, patient {}",
            state.claim_id, state.status, state.insurance_balance, state.patient_balance
        );
    }
    Ok(())
}
