//! Post a remittance to claims:
//! `cargo run --example post_remittance -- [--ledger EVENTS.jsonl] [REMITTANCE]`
//!
//! Posts a remittance to the claims of a ledger and prints the posting report as JSON:
//! claims posted, unmatched payments, reversals, credit balances, denied lines with their
//! categories, and underpayments against a small fee schedule. A summary and the claims'
//! balances afterwards go to stderr.
//!
//! - `REMITTANCE` is an X12 835 file (read with `medbill::x12::typed`; needs the default
//!   `x12` feature), or a JSON file in the serde shape of `medbill::claim::Remittance` (a
//!   path ending in `.json`). Without it, a built-in remittance is used.
//! - `--ledger EVENTS.jsonl` gives the claims as ledger events in JSON lines (see
//!   `medbill::claim::ledger`). Without it, the example invents a ledger in which every claim
//!   the remittance pays was created and submitted for its charge, so all of them match
//!   (the built-in remittance also has one payment for a claim the practice never sent).

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
        payer_tin: None,
        payer_address: None,
        payer_contacts: Vec::new(),
        payee: Payee {
            name: "NORTHWIND FAMILY MEDICINE".into(),
            npi: Some("1234567893".parse()?),
            tin: None,
            address: None,
        },
        payment: Payment {
            method: PaymentMethod::Ach.into(),
            amount: money("200.00")?,
            date: "2026-03-30".parse()?,
            trace_number: "EFT20260330".into(),
        },
        claims: vec![first, denied, stranger],
        provider_adjustments: vec![],
        extra: vec![],
        problems: Vec::new(),
    })
}

/// Reads the remittances in an X12 file: one per 835 transaction set.
#[cfg(feature = "x12")]
fn read_x12(bytes: &[u8]) -> Result<Vec<Remittance>, Box<dyn std::error::Error>> {
    use medbill::x12::typed::{ReadMode, TypedTransaction, read_all};
    let file = read_all(bytes, ReadMode::Lenient)?;
    let mut out = Vec::new();
    for t in file.transactions {
        match t {
            TypedTransaction::Remittance(set) => {
                for p in &set.problems {
                    eprintln!("835 {}: {p}", set.control);
                }
                out.push(set.remittance);
            }
            TypedTransaction::Failed { control, error, .. } => {
                eprintln!("set {control} not read: {error}");
            }
            _ => {}
        }
    }
    Ok(out)
}

#[cfg(not(feature = "x12"))]
fn read_x12(_: &[u8]) -> Result<Vec<Remittance>, Box<dyn std::error::Error>> {
    Err("reading X12 needs the `x12` feature; pass a .json remittance instead".into())
}

/// A ledger in which every claim paid by these remittances was created and submitted for its
/// charge 30 days before the payment.
fn invented_ledger(remittances: &[Remittance]) -> Ledger {
    let mut ledger = Ledger::new();
    let mut seen = std::collections::HashSet::new();
    for r in remittances {
        let submitted = r.payment.date - chrono::Days::new(30);
        for c in r.claims.iter().filter(|c| !c.is_reversal()) {
            if !seen.insert(c.patient_control_number.clone()) {
                continue;
            }
            let id = c.patient_control_number.as_str();
            ledger.push(LedgerEvent::new(
                id,
                submitted,
                EventKind::Created {
                    charge: c.charge,
                    service_date: c.service_start.unwrap_or(submitted),
                    service_end: None,
                    self_pay: false,
                },
            ));
            ledger.push(
                LedgerEvent::new(
                    id,
                    submitted,
                    EventKind::Submitted {
                        charge: c.charge,
                        sequence: PayerSequence::Primary,
                        batch_control_number: None,
                    },
                )
                .with_payer(r.payer.id.clone()),
            );
        }
    }
    ledger
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut ledger_path = None;
    let mut remittance_path = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        if a == "-h" || a == "--help" {
            println!(
                "usage: post_remittance [--ledger EVENTS.jsonl] [FILE.835|FILE.json]\n\n\
                 Posts a remittance (an X12 835, or a JSON remittance; a built-in sample without a file)\n\
                 to the claims of a ledger and prints the posting report."
            );
            return Ok(());
        } else if a == "--ledger" {
            ledger_path = Some(args.next().ok_or("--ledger needs a path")?);
        } else {
            remittance_path = Some(a);
        }
    }

    let remittances = match &remittance_path {
        Some(path) if path.ends_with(".json") => {
            vec![serde_json::from_str(&std::fs::read_to_string(path)?)?]
        }
        Some(path) => read_x12(&std::fs::read(path)?)?,
        None => vec![built_in_remittance()?],
    };
    let mut ledger = match &ledger_path {
        Some(path) => Ledger::from_events(medbill::claim::ledger::read_json_lines(
            std::io::BufReader::new(std::fs::File::open(path)?),
        )?),
        None if remittance_path.is_none() => {
            // The built-in remittance pays PCN-1 and PCN-2, and PCN-999, which was never sent.
            let mut known = remittances.clone();
            known[0]
                .claims
                .retain(|c| c.patient_control_number != "PCN-999");
            invented_ledger(&known)
        }
        None => invented_ledger(&remittances),
    };

    let mut fees = FeeSchedule::new();
    fees.insert("99214".parse()?, None, money("160.00")?);
    fees.insert("93000".parse()?, None, money("25.00")?);

    for remittance in &remittances {
        let report = ledger.post(remittance, Some(&fees));
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
    }
    for state in ledger.states(chrono::NaiveDate::MAX) {
        eprintln!(
            "{}: {:?}, insurance {}, patient {}",
            state.claim_id, state.status, state.insurance_balance, state.patient_balance
        );
    }
    Ok(())
}
