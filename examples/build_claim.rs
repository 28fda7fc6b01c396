//! Build a professional claim: `cargo run --example build_claim`
//!
//! Builds a two-line office-visit claim (an E/M visit with modifier 25 and an ECG) with the
//! builder, prints it as JSON, then records its creation and submission in a ledger and
//! prints the balances. Then shows what the builder refuses: a line pointing at a diagnosis
//! the claim does not have.
//!
//! The JSON carries the patient's real name and member ID (serde writes PHI: it is data);
//! `Debug` output would print `<redacted>` instead.

use medbill::claim::{
    Address, BillingProvider, Claim, ClaimFilingIndicator, Ledger, Payer, PersonName, Phi,
    ProfessionalLine, Provider, Sex, Subscriber,
};
use rust_decimal::Decimal;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    if std::env::args().skip(1).any(|a| a == "-h" || a == "--help") {
        println!(
            "usage: build_claim\n\nBuilds a professional claim with two lines in code and prints its JSON, its ledger\n\
             balance, and a claim the builder refuses."
        );
        return Ok(());
    }
    let dos = "2026-02-27".parse()?;
    let billing = BillingProvider {
        provider: Provider::organization("NORTHWIND FAMILY MEDICINE", "1234567893".parse()?)
            .with_taxonomy("207Q00000X"),
        tin: Phi::new("987654321".into()),
        tin_is_ssn: false,
        address: Address {
            lines: vec!["100 MAIN ST".into()],
            city: "SPRINGFIELD".into(),
            state: "IL".into(),
            postal_code: "627011234".into(),
            country: None,
        },
    };
    // An invented patient.
    let subscriber = Subscriber::new("XQZ900112233", PersonName::new("QUILLFEATHER", "MARISOL"))
        .with_demographics("1961-07-14".parse()?, Sex::Female);

    let builder = || {
        Claim::professional("PCN-2026-0001")
            .billing_provider(billing.clone())
            .subscriber(subscriber.clone())
            .payer(
                Payer::new("87726", "EXAMPLE HEALTH PLAN"),
                ClaimFilingIndicator::Commercial,
            )
    };
    let claim = builder()
        .place_of_service("11".parse()?)
        .prior_authorization("AUTH12345")
        .diagnosis("E11.9".parse()?)
        .diagnosis("I10".parse()?)
        .line(
            ProfessionalLine::new("99214".parse()?, Decimal::new(20000, 2), Decimal::ONE, dos)
                .modifiers(["25".parse()?])
                .pointers([1, 2])
                .control_number("L1"),
        )
        .line(
            ProfessionalLine::new("93000".parse()?, Decimal::new(10000, 2), Decimal::ONE, dos)
                .pointers([2])
                .control_number("L2"),
        )
        .build()?;

    println!("{}", serde_json::to_string_pretty(&claim)?);

    let mut ledger = Ledger::new();
    ledger.push(claim.created_event("2026-03-01".parse()?));
    ledger.push(claim.submission_event("2026-03-02".parse()?, true));
    let state = ledger
        .state(
            &claim.patient_control_number.as_str().into(),
            "2026-03-02".parse()?,
        )
        .ok_or("the claim has no events")?;
    println!(
        "\nclaim {}: status {:?}, total charge {}, insurance balance {}, patient balance {}",
        state.claim_id,
        state.status,
        claim.total_charge,
        state.insurance_balance,
        state.patient_balance
    );

    // The builder refuses a claim that cannot exist, and says which field and why.
    let refused = builder()
        .place_of_service("11".parse()?)
        .diagnosis("E11.9".parse()?)
        .line(
            ProfessionalLine::new("99213".parse()?, Decimal::new(9000, 2), Decimal::ONE, dos)
                .pointers([2]),
        )
        .build();
    if let Err(e) = refused {
        println!("refused as expected: {e}");
    }
    Ok(())
}
