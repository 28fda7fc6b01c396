//! Fixtures shared by the integration tests. Names, IDs and dates are invented.

#![allow(dead_code, unreachable_pub)]

use chrono::NaiveDate;
use medbill_claim::{
    Address, BillingProvider, Claim, ClaimBuilder, ClaimFilingIndicator, Patient, Payer,
    PersonName, Phi, ProfessionalLine, Provider, Relationship, Sex, Subscriber,
};
use rust_decimal::Decimal;

pub fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

pub fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

pub fn billing() -> BillingProvider {
    BillingProvider {
        provider: Provider::organization(
            "NORTHWIND FAMILY MEDICINE",
            "1234567893".parse().unwrap(),
        )
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
    }
}

pub fn subscriber() -> Subscriber {
    let mut s = Subscriber::new("XQZ900112233", PersonName::new("QUILLFEATHER", "MARISOL"))
        .with_demographics(day("1961-07-14"), Sex::Female);
    s.address = Some(Phi::new(Address {
        lines: vec!["77 ELMWOOD LANE".into()],
        city: "SPRINGFIELD".into(),
        state: "IL".into(),
        postal_code: "62704".into(),
        country: None,
    }));
    s.ssn = Some(Phi::new("078051120".into()));
    s
}

pub fn child_patient() -> Patient {
    Patient {
        relationship: Relationship::Child.into(),
        name: Phi::new(PersonName::new("QUILLFEATHER", "TOBIAS")),
        birth_date: Some(Phi::new(day("2015-02-03"))),
        sex: Some(Sex::Male.into()),
        address: None,
    }
}

pub fn payer() -> Payer {
    Payer::new("87726", "EXAMPLE HEALTH PLAN")
}

/// A professional claim builder with everything but lines and diagnoses.
pub fn professional(pcn: &str) -> ClaimBuilder {
    Claim::professional(pcn)
        .billing_provider(billing())
        .subscriber(subscriber())
        .payer(payer(), ClaimFilingIndicator::Commercial)
        .place_of_service("11".parse().unwrap())
}

/// A two-line office visit claim: 99214-25 and 93000.
pub fn office_visit(pcn: &str) -> Claim {
    let dos = day("2026-02-27");
    professional(pcn)
        .diagnosis("E11.9".parse().unwrap())
        .diagnosis("I10".parse().unwrap())
        .line(
            ProfessionalLine::new("99214".parse().unwrap(), d("200.00"), d("1"), dos)
                .modifiers(["25".parse().unwrap()])
                .pointers([1, 2])
                .control_number("L1"),
        )
        .line(
            ProfessionalLine::new("93000".parse().unwrap(), d("100.00"), d("1"), dos)
                .pointers([2])
                .control_number("L2"),
        )
        .build()
        .unwrap()
}

use medbill_claim::{
    Adjustment, ClaimPayment, ClaimStatusCode, Ledger, LinePayment, Payee, Payment, PaymentMethod,
    Remittance,
};
use medbill_codes::GroupCode;

pub fn adj(group: GroupCode, carc: &str, amount: &str) -> Adjustment {
    Adjustment::new(group, carc.parse().unwrap(), d(amount))
}

pub fn line(code: &str, charge: &str, paid: &str, adjustments: Vec<Adjustment>) -> LinePayment {
    let mut l = LinePayment::new(code.parse().unwrap(), d(charge), d(paid));
    l.units = Some(d("1"));
    l.adjustments = adjustments;
    l
}

/// A claim payment whose patient responsibility is the sum of its PR adjustments.
pub fn claim_payment(pcn: &str, icn: &str, lines: Vec<LinePayment>) -> ClaimPayment {
    let charge = lines.iter().map(|l| l.charge).sum();
    let paid = lines.iter().map(|l| l.paid).sum();
    let mut c = ClaimPayment::new(pcn, ClaimStatusCode::ProcessedPrimary, charge, paid);
    c.payer_claim_control_number = Some(icn.into());
    c.lines = lines;
    c.patient_responsibility = c.patient_responsibility_from_adjustments();
    c
}

/// A remittance whose payment amount is the sum of its claims' payments.
pub fn remittance(claims: Vec<ClaimPayment>) -> Remittance {
    let amount = claims.iter().map(|c| c.paid).sum();
    Remittance {
        payer: payer(),
        payer_tin: None,
        payer_address: None,
        payer_contacts: Vec::new(),
        payee: Payee {
            name: "NORTHWIND FAMILY MEDICINE".into(),
            npi: Some("1234567893".parse().unwrap()),
            tin: None,
            address: None,
        },
        payment: Payment {
            method: PaymentMethod::Ach.into(),
            amount,
            date: day("2026-03-30"),
            trace_number: "EFT20260330".into(),
        },
        claims,
        provider_adjustments: vec![],
        extra: vec![],
        problems: vec![],
    }
}

/// A ledger with claims created on 2026-03-01 and submitted on 2026-03-02.
pub fn ledger_with(claims: &[Claim]) -> Ledger {
    let mut ledger = Ledger::new();
    for c in claims {
        ledger.push(c.created_event(day("2026-03-01")));
        ledger.push(c.submission_event(day("2026-03-02"), true));
    }
    ledger
}
