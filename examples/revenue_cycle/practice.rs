//! The synthetic practice: payers and their contracts, a patient panel, a month of
//! encounters coded with real ICD-10-CM codes, and the data-entry errors a real month has.
//!
//! Everything here is invented except the code sets: diagnosis codes are checked against the
//! embedded ICD-10-CM release for the date of service, and procedure codes are used by number
//! only (no CPT descriptors are included anywhere in medbill).

use chrono::{Datelike, Days, NaiveDate, Weekday};
use medbill::claim::{
    Address, BillingProvider, Claim, ClaimDetail, ClaimFilingIndicator, FeeSchedule, Modifiers,
    Payer, PersonName, Phi, ProfessionalLine, Provider, Sex, Subscriber,
};
use medbill::codes::{Icd10Cm, Icd10CmCode, Modifier, Npi, ProcedureCode};
use medbill::kpi::BusinessCalendar;
use medbill::kpi::synth::SplitMix64;
use medbill::scrub::{ScrubOptions, Scrubber};
use rust_decimal::Decimal;

/// One payer and how it behaves. Rates are per mille.
pub(crate) struct PayerProfile {
    pub(crate) payer: Payer,
    pub(crate) filing: ClaimFilingIndicator,
    /// Share of the panel.
    pub(crate) weight: u64,
    /// Contracted allowed amount as per mille of the base fee.
    pub(crate) contract_per_mille: i64,
    /// Coinsurance per mille of the allowed amount (PR-2).
    pub(crate) coinsurance_per_mille: i64,
    /// Copay on the visit line (PR-3).
    pub(crate) copay: Decimal,
    /// Claims hitting a deductible (PR-1).
    pub(crate) deductible_per_mille: u32,
    /// Front-end (277CA) rejections.
    pub(crate) reject_per_mille: u32,
    /// Whole-claim denials.
    pub(crate) denial_per_mille: u32,
    /// Single-line denials.
    pub(crate) line_denial_per_mille: u32,
    /// Days from acceptance to adjudication.
    pub(crate) adjudication_days: (u64, u64),
    /// The weekday its 835 and payment arrive.
    pub(crate) pay_day: Weekday,
    /// A procedure the payer prices below contract (a stale rate in its system), and the
    /// per mille of contract it pays.
    pub(crate) stale_rate: Option<(&'static str, i64)>,
    /// The 835 payment method.
    pub(crate) eft: bool,
}

/// The payer mix of a small internal-medicine practice.
pub(crate) fn payers() -> Vec<PayerProfile> {
    let p = |id: &str, name: &str| Payer::new(id, name);
    vec![
        PayerProfile {
            payer: p("MCRB1", "MEDICARE PART B"),
            filing: ClaimFilingIndicator::MedicarePartB,
            weight: 34,
            contract_per_mille: 1000,
            coinsurance_per_mille: 200,
            copay: Decimal::ZERO,
            deductible_per_mille: 90,
            reject_per_mille: 20,
            denial_per_mille: 40,
            line_denial_per_mille: 25,
            adjudication_days: (14, 17),
            pay_day: Weekday::Tue,
            stale_rate: None,
            eft: true,
        },
        PayerProfile {
            payer: p("MCD01", "STATE MEDICAID"),
            filing: ClaimFilingIndicator::Medicaid,
            weight: 14,
            contract_per_mille: 720,
            coinsurance_per_mille: 0,
            copay: Decimal::ZERO,
            deductible_per_mille: 0,
            reject_per_mille: 55,
            denial_per_mille: 85,
            line_denial_per_mille: 30,
            adjudication_days: (12, 32),
            pay_day: Weekday::Thu,
            stale_rate: None,
            eft: false,
        },
        PayerProfile {
            payer: p("BCX01", "BLUE EXAMPLE PPO"),
            filing: ClaimFilingIndicator::Ppo,
            weight: 22,
            contract_per_mille: 1250,
            coinsurance_per_mille: 0,
            copay: Decimal::new(3000, 2),
            deductible_per_mille: 120,
            reject_per_mille: 30,
            denial_per_mille: 55,
            line_denial_per_mille: 20,
            adjudication_days: (8, 20),
            pay_day: Weekday::Wed,
            stale_rate: None,
            eft: true,
        },
        PayerProfile {
            payer: p("UHX02", "UNITED EXAMPLE CHOICE"),
            filing: ClaimFilingIndicator::PointOfService,
            weight: 17,
            contract_per_mille: 1180,
            coinsurance_per_mille: 0,
            copay: Decimal::new(2500, 2),
            deductible_per_mille: 140,
            reject_per_mille: 35,
            denial_per_mille: 70,
            line_denial_per_mille: 25,
            adjudication_days: (10, 26),
            pay_day: Weekday::Fri,
            stale_rate: Some(("99214", 930)),
            eft: true,
        },
        PayerProfile {
            payer: p("AEX03", "AETNA EXAMPLE HMO"),
            filing: ClaimFilingIndicator::Hmo,
            weight: 8,
            contract_per_mille: 1150,
            coinsurance_per_mille: 0,
            copay: Decimal::new(2000, 2),
            deductible_per_mille: 100,
            reject_per_mille: 30,
            denial_per_mille: 60,
            line_denial_per_mille: 20,
            adjudication_days: (9, 24),
            pay_day: Weekday::Mon,
            stale_rate: Some(("99213", 950)),
            eft: true,
        },
    ]
}

/// Procedures by number, with a base fee (an invented, Medicare-like national amount).
/// Charges are the practice's chargemaster: 2.2 times base, rounded up to whole dollars.
pub(crate) const PROCEDURES: &[(&str, i64)] = &[
    ("99202", 7400),
    ("99203", 11500),
    ("99204", 17000),
    ("99212", 5700),
    ("99213", 9200),
    ("99214", 13000),
    ("99215", 18300),
    ("99395", 11200),
    ("99396", 12000),
    ("G0439", 13000),
    ("36415", 300),
    ("80053", 1100),
    ("80061", 1300),
    ("82465", 450),
    ("82947", 400),
    ("83036", 1000),
    ("85025", 800),
    ("85027", 650),
    ("87880", 1600),
    ("93000", 1700),
    ("93010", 800),
    ("94010", 2800),
    ("90686", 2000),
    ("90471", 1700),
    ("96372", 1500),
    ("J3420", 200),
    ("20610", 5500),
    ("11102", 9000),
];

/// A synthetic practitioner PTP table in the CMS tab-delimited layout. These pairs are
/// invented for the demonstration (load the real quarterly CMS file in production).
pub(crate) const SYNTHETIC_PTP: &str = "\
Column 1\tColumn 2\t*=in existence prior to 1996\tEffective Date\tDeletion Date\tModifier\tPTP Edit Rationale
80053\t82947\t*\t20000101\t*\t0\tSynthetic: panel component
85025\t85027\t*\t20000101\t*\t0\tSynthetic: more comprehensive service
93000\t93010\t*\t20000101\t*\t0\tSynthetic: component of complete service
80061\t82465\t*\t20000101\t*\t0\tSynthetic: panel component
20610\t96372\t\t20100101\t*\t1\tSynthetic: standard of care
";

/// Column 1 / column 2 pairs of [`SYNTHETIC_PTP`], for error injection.
pub(crate) const PTP_PAIRS: &[(&str, &str)] = &[
    ("80053", "82947"),
    ("85025", "85027"),
    ("93000", "93010"),
    ("80061", "82465"),
    ("20610", "96372"),
];

pub(crate) fn base_fee(code: &str) -> Decimal {
    PROCEDURES
        .iter()
        .find(|(c, _)| *c == code)
        .map_or(Decimal::ZERO, |(_, cents)| Decimal::new(*cents, 2))
}

/// The practice's charge for a procedure.
pub(crate) fn charge(code: &str) -> Decimal {
    (base_fee(code) * Decimal::new(22, 1)).ceil()
}

/// What the contract says a payer allows for one unit.
pub(crate) fn contract_rate(profile: &PayerProfile, code: &str) -> Decimal {
    (base_fee(code) * Decimal::new(profile.contract_per_mille, 3)).round_dp(2)
}

/// The practice's view of each contract, for underpayment detection when posting.
pub(crate) fn fee_schedule(profile: &PayerProfile) -> FeeSchedule {
    let mut fees = FeeSchedule::new();
    for (code, _) in PROCEDURES {
        if let Ok(p) = code.parse::<ProcedureCode>() {
            fees.insert(p, None, contract_rate(profile, code));
        }
    }
    fees
}

/// Chronic conditions a panel patient may carry, and the follow-up work they bring.
const CHRONIC: &[&str] = &[
    "I10", "E11.9", "E11.65", "E78.5", "E03.9", "J45.909", "J44.9", "M17.11", "F41.1", "F32.A",
    "K21.9", "E66.9", "G47.33", "E53.8", "N18.30",
];
/// Acute problems.
const ACUTE: &[&str] = &[
    "J06.9", "J02.9", "J01.90", "R05.9", "R07.9", "M54.50", "R51.9", "N39.0", "M25.561", "L98.9",
    "D48.5", "R10.9", "H66.90", "B34.9", "R53.83",
];

/// The diagnosis lists, kept to the codes the embedded ICD-10-CM release says are billable
/// on the date of service.
pub(crate) struct Dx {
    pub(crate) chronic: Vec<Icd10CmCode>,
    pub(crate) acute: Vec<Icd10CmCode>,
    pub(crate) dropped: Vec<&'static str>,
}

impl Dx {
    pub(crate) fn load(on: NaiveDate) -> Dx {
        let icd = Icd10Cm::embedded();
        let mut dropped = Vec::new();
        let mut keep = |list: &[&'static str]| -> Vec<Icd10CmCode> {
            list.iter()
                .filter_map(|c| {
                    let ok = icd.check(c, on).billable() == Some(true);
                    if !ok {
                        dropped.push(*c);
                    }
                    ok.then(|| c.parse().ok()).flatten()
                })
                .collect()
        };
        let chronic = keep(CHRONIC);
        let acute = keep(ACUTE);
        Dx {
            chronic,
            acute,
            dropped,
        }
    }
}

fn code(s: &str) -> ProcedureCode {
    s.parse()
        .unwrap_or_else(|_| unreachable!("procedure table code {s}"))
}

fn diagnosis(s: &str) -> Icd10CmCode {
    s.parse().unwrap_or_else(|_| unreachable!("diagnosis {s}"))
}

fn modifier(s: &str) -> Modifier {
    s.parse().unwrap_or_else(|_| unreachable!("modifier {s}"))
}

/// A valid NPI from nine digits (the tenth is the Luhn check digit).
fn npi(base: u64) -> Npi {
    (0..10)
        .find_map(|d| format!("{base:09}{d}").parse().ok())
        .unwrap_or_else(|| unreachable!("one check digit fits"))
}

/// A panel patient. The name, birth date and member ID are PHI: the example never prints
/// them; they only go into the X12 files, as they would in production.
pub(crate) struct Patient {
    pub(crate) payer: Option<usize>,
    pub(crate) subscriber: Subscriber,
    pub(crate) age: u32,
    pub(crate) chronic: Vec<Icd10CmCode>,
    pub(crate) new_patient: bool,
}

const LAST: &[&str] = &[
    "ALDERWICK",
    "BRAMBLETON",
    "CASSAVAR",
    "DUNMORROW",
    "ELLERBY",
    "FENWORTH",
    "GALLOWAY",
    "HOLLISTRAND",
    "IVERMOOR",
    "JESSAMINE",
    "KETTLEWOOD",
    "LANGMERE",
    "MARROWAY",
    "NETHERCOTT",
    "ORMSKIRK",
    "PELLINGHAM",
    "QUENBY",
    "ROSSINGTON",
    "SALTMARSH",
    "THORNBURY",
    "UPTONVALE",
    "VANTRESS",
    "WHITLOCKE",
    "YARROWFIELD",
];
const FIRST_F: &[&str] = &[
    "ADA", "BEATRIX", "CORA", "DELPHINE", "EDITH", "FLORA", "GRETA", "HAZEL", "IMOGEN", "JUNE",
];
const FIRST_M: &[&str] = &[
    "ALBERT", "BASIL", "CLEMENT", "DESMOND", "EZRA", "FELIX", "GIDEON", "HORACE", "IRVING",
    "JASPER",
];

fn pick<'a, T>(rng: &mut SplitMix64, items: &'a [T]) -> &'a T {
    &items[rng.below(items.len() as u64) as usize]
}

fn weighted(rng: &mut SplitMix64, weights: &[u64]) -> usize {
    let total: u64 = weights.iter().sum();
    let mut roll = rng.below(total);
    for (i, w) in weights.iter().enumerate() {
        if roll < *w {
            return i;
        }
        roll -= w;
    }
    weights.len() - 1
}

/// A panel of adult patients; about one in twenty is uninsured.
pub(crate) fn panel(
    rng: &mut SplitMix64,
    payers: &[PayerProfile],
    dx: &Dx,
    size: usize,
) -> Vec<Patient> {
    let weights: Vec<u64> = payers.iter().map(|p| p.weight).collect();
    (0..size)
        .map(|i| {
            let payer = (!rng.chance(50)).then(|| weighted(rng, &weights));
            let medicare =
                payer.is_some_and(|p| payers[p].filing == ClaimFilingIndicator::MedicarePartB);
            let age = if medicare {
                rng.between(65, 91) as u32
            } else {
                rng.between(19, 64) as u32
            };
            let female = rng.chance(540);
            let first = if female {
                pick(rng, FIRST_F)
            } else {
                pick(rng, FIRST_M)
            };
            let name = PersonName::new(*pick(rng, LAST), *first);
            let birth = NaiveDate::from_ymd_opt(
                2026 - age as i32,
                1 + rng.below(12) as u32,
                1 + rng.below(28) as u32,
            )
            .unwrap_or(NaiveDate::MIN);
            let prefix = payer.map_or("SP", |p| &payers[p].payer.id[..2]);
            let member = format!(
                "{prefix}{:09}",
                rng.below(1_000_000_000) + u64::try_from(i).unwrap_or(0)
            );
            let subscriber = Subscriber::new(member, name)
                .with_demographics(birth, if female { Sex::Female } else { Sex::Male });
            let conditions = if age >= 50 {
                rng.between(1, 3)
            } else {
                rng.below(2)
            };
            let mut chronic: Vec<Icd10CmCode> = Vec::new();
            for _ in 0..conditions {
                let c = *pick(rng, &dx.chronic);
                if !chronic.contains(&c) {
                    chronic.push(c);
                }
            }
            Patient {
                payer,
                subscriber,
                age,
                chronic,
                new_patient: rng.chance(100),
            }
        })
        .collect()
}

pub(crate) fn billing_provider() -> BillingProvider {
    BillingProvider {
        provider: Provider::organization("NORTHWIND INTERNAL MEDICINE", npi(123_456_789))
            .with_taxonomy("207R00000X"),
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

/// The physicians who render the services.
pub(crate) fn physicians() -> Vec<Provider> {
    [
        ("OKAFOR", "AMARA", 167_001_234),
        ("LINDQVIST", "PER", 167_004_321),
        ("RAMIREZ", "SOFIA", 167_009_876),
    ]
    .into_iter()
    .map(|(last, first, base)| Provider::person(PersonName::new(last, first), npi(base)))
    .collect()
}

/// One visit: the claim as documented, and as entered (possibly with errors).
pub(crate) struct Encounter {
    pub(crate) patient: usize,
    pub(crate) payer: Option<usize>,
    pub(crate) service: NaiveDate,
    pub(crate) documented: Claim,
    pub(crate) entered: Claim,
    pub(crate) injected: Vec<Injected>,
}

/// The data-entry errors a month has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Injected {
    HeaderCode,
    MissingPointer,
    ModifierConflict,
    BilateralConflict,
    PtpPair,
}

impl Injected {
    pub(crate) fn label(self) -> &'static str {
        match self {
            Injected::HeaderCode => "header codes",
            Injected::MissingPointer => "missing pointers",
            Injected::ModifierConflict => "59 with X{EPSU}",
            Injected::BilateralConflict => "50 with RT/LT",
            Injected::PtpPair => "PTP pairs",
        }
    }
}

/// A line pointing at the given 1-based diagnoses.
fn line(proc: &str, dos: NaiveDate, pointers: &[u8]) -> ProfessionalLine {
    ProfessionalLine::new(code(proc), charge(proc), Decimal::ONE, dos)
        .pointers(pointers.iter().copied())
}

/// The documented visit: diagnoses and lines as the physician's note supports them.
fn visit(
    rng: &mut SplitMix64,
    patient: &Patient,
    medicare: bool,
    dx: &Dx,
    dos: NaiveDate,
) -> (Vec<Icd10CmCode>, Vec<ProfessionalLine>) {
    let mut diagnoses: Vec<Icd10CmCode> = Vec::new();
    let push = |d: Icd10CmCode, list: &mut Vec<Icd10CmCode>| -> u8 {
        if let Some(i) = list.iter().position(|x| *x == d) {
            return i as u8 + 1;
        }
        list.push(d);
        list.len() as u8
    };
    let mut lines = Vec::new();
    let kind = weighted(rng, &[50, 36, 10, 4]); // chronic follow-up, acute, preventive, nurse visit
    let em = |rng: &mut SplitMix64, new: bool| {
        if new {
            *pick(rng, &["99203", "99203", "99204"])
        } else {
            ["99212", "99213", "99214", "99215"][weighted(rng, &[10, 45, 35, 10])]
        }
    };
    match kind {
        0 if !patient.chronic.is_empty() => {
            for c in patient.chronic.iter().take(4) {
                push(*c, &mut diagnoses);
            }
            let n = diagnoses.len().min(4) as u8;
            let all: Vec<u8> = (1..=n).collect();
            lines.push(line(em(rng, patient.new_patient), dos, &all));
            for (i, c) in diagnoses.clone().iter().enumerate() {
                let p = [i as u8 + 1];
                match c.to_string().as_str() {
                    "E11.9" | "E11.65" if rng.chance(600) => lines.push(line("83036", dos, &p)),
                    "E78.5" if rng.chance(450) => lines.push(line("80061", dos, &p)),
                    "I10" if rng.chance(150) => lines.push(line("93000", dos, &p)),
                    "N18.30" | "I10" if rng.chance(300) => lines.push(line("80053", dos, &p)),
                    "J44.9" | "J45.909" if rng.chance(250) => lines.push(line("94010", dos, &p)),
                    "E53.8" if rng.chance(700) => {
                        lines.push(line("96372", dos, &p));
                        lines.push(line("J3420", dos, &p));
                    }
                    "M17.11" if rng.chance(300) => {
                        lines.push(line("20610", dos, &p).modifiers([modifier("RT")]));
                    }
                    _ => {}
                }
            }
            if lines
                .iter()
                .any(|l| ["83036", "80061", "80053"].contains(&l.procedure.as_str()))
            {
                lines.push(line("36415", dos, &[1]));
            }
        }
        0 | 1 => {
            let problem = *pick(rng, &dx.acute);
            push(problem, &mut diagnoses);
            for c in patient.chronic.iter().take(2) {
                push(*c, &mut diagnoses);
            }
            let n = diagnoses.len().min(4) as u8;
            let all: Vec<u8> = (1..=n).collect();
            lines.push(line(em(rng, patient.new_patient), dos, &all));
            match problem.to_string().as_str() {
                "J02.9" if rng.chance(700) => lines.push(line("87880", dos, &[1])),
                "R07.9" if rng.chance(600) => lines.push(line("93000", dos, &[1])),
                "L98.9" | "D48.5" if rng.chance(500) => lines.push(line("11102", dos, &[1])),
                "M25.561" if rng.chance(350) => {
                    lines.push(line("20610", dos, &[1]).modifiers([modifier("RT")]));
                }
                "N39.0" | "R53.83" if rng.chance(500) => {
                    lines.push(line("85025", dos, &[1]));
                    lines.push(line("36415", dos, &[1]));
                }
                _ => {}
            }
        }
        2 => {
            let abnormal = !patient.chronic.is_empty() && rng.chance(400);
            push(
                diagnosis(if abnormal { "Z00.01" } else { "Z00.00" }),
                &mut diagnoses,
            );
            for c in patient.chronic.iter().take(2) {
                push(*c, &mut diagnoses);
            }
            let preventive = if medicare {
                "G0439"
            } else if patient.age < 40 {
                "99395"
            } else {
                "99396"
            };
            lines.push(line(preventive, dos, &[1]));
            lines.push(line("85025", dos, &[1]));
            lines.push(line("80061", dos, &[1]));
            lines.push(line("36415", dos, &[1]));
        }
        _ => {
            // September is flu season: a nurse visit for the vaccine alone.
            push(diagnosis("Z23"), &mut diagnoses);
            lines.push(line("90686", dos, &[1]));
            lines.push(line("90471", dos, &[1]));
        }
    }
    // A flu shot added to a third of the other visits.
    if kind != 3 && rng.chance(180) && diagnoses.len() < 12 {
        let p = push(diagnosis("Z23"), &mut diagnoses);
        lines.push(line("90686", dos, &[p]));
        lines.push(line("90471", dos, &[p]));
    }
    // A procedure or preventive service with a problem visit: modifier 25 on the visit.
    let has_procedure = lines
        .iter()
        .any(|l| ["20610", "11102", "G0439", "99395", "99396"].contains(&l.procedure.as_str()));
    if has_procedure
        && let Some(first) = lines.first_mut()
        && first.procedure.as_str().starts_with("992")
    {
        first.modifiers = Modifiers::from_slice(&[modifier("25")]);
    }
    (diagnoses, lines)
}

/// Builds the claim for a visit.
fn build(
    pcn: String,
    patient: &Patient,
    payer: &PayerProfile,
    physician: &Provider,
    diagnoses: &[Icd10CmCode],
    lines: &[ProfessionalLine],
) -> Option<Claim> {
    let mut b = Claim::professional(pcn)
        .billing_provider(billing_provider())
        .rendering_provider(physician.clone())
        .subscriber(patient.subscriber.clone())
        .payer(payer.payer.clone(), payer.filing)
        .place_of_service("11".parse().ok()?);
    for d in diagnoses {
        b = b.diagnosis(*d);
    }
    for l in lines {
        b = b.line(l.clone());
    }
    b.build().ok()
}

/// The professional detail of a claim built by this module.
pub(crate) fn detail(claim: &mut Claim) -> &mut medbill::claim::ProfessionalDetail {
    match &mut claim.detail {
        ClaimDetail::Professional(p) => p,
        _ => unreachable!("the practice bills professional claims only"),
    }
}

/// Business days of the month of `first`.
pub(crate) fn business_days(first: NaiveDate, calendar: &BusinessCalendar) -> Vec<NaiveDate> {
    first
        .iter_days()
        .take_while(|d| d.month() == first.month())
        .filter(|d| calendar.is_business_day(*d))
        .collect()
}

/// The business day `n` business days after `date`.
pub(crate) fn business_days_after(
    date: NaiveDate,
    n: u32,
    calendar: &BusinessCalendar,
) -> NaiveDate {
    let mut d = date;
    let mut left = n;
    while left > 0 {
        d = d + Days::new(1);
        if calendar.is_business_day(d) {
            left -= 1;
        }
    }
    d
}

/// A month of encounters. Each documented claim passes the scrubber (a visit whose codes the
/// edits would question is re-drawn), so every finding in the run comes from an injected
/// error.
#[allow(clippy::too_many_arguments)]
pub(crate) fn encounters(
    rng: &mut SplitMix64,
    days: &[NaiveDate],
    per_day: (u64, u64),
    patients: &[Patient],
    payers: &[PayerProfile],
    dx: &Dx,
    scrubber: &Scrubber,
) -> Vec<Encounter> {
    let physicians = physicians();
    let mut out = Vec::new();
    let mut number = 0u32;
    for &dos in days {
        for _ in 0..rng.between(per_day.0, per_day.1) {
            number += 1;
            let pi = rng.below(patients.len() as u64) as usize;
            let patient = &patients[pi];
            let pcn = format!("NW{}{:02}{:04}", dos.year() % 100, dos.month(), number);
            let physician = pick(rng, &physicians).clone();
            let Some(payer_index) = patient.payer else {
                // Self-pay: no claim goes out; the ledger records the charge alone.
                let (diagnoses, lines) = visit(rng, patient, false, dx, dos);
                let profile = &payers[0];
                if let Some(claim) = build(pcn, patient, profile, &physician, &diagnoses, &lines) {
                    out.push(Encounter {
                        patient: pi,
                        payer: None,
                        service: dos,
                        entered: claim.clone(),
                        documented: claim,
                        injected: Vec::new(),
                    });
                }
                continue;
            };
            let profile = &payers[payer_index];
            let medicare = profile.filing == ClaimFilingIndicator::MedicarePartB;
            let mut documented = None;
            for _ in 0..8 {
                let (diagnoses, lines) = visit(rng, patient, medicare, dx, dos);
                if let Some(claim) = build(
                    pcn.clone(),
                    patient,
                    profile,
                    &physician,
                    &diagnoses,
                    &lines,
                ) && scrubber.scrub(&claim, &ScrubOptions::on(dos)).is_empty()
                {
                    documented = Some(claim);
                    break;
                }
            }
            let Some(documented) = documented else {
                continue;
            };
            let mut entered = documented.clone();
            let injected = inject(rng, &mut entered, dos);
            out.push(Encounter {
                patient: pi,
                payer: Some(payer_index),
                service: dos,
                documented,
                entered,
                injected,
            });
        }
    }
    out
}

/// Puts realistic data-entry errors into a claim, about one claim in six.
fn inject(rng: &mut SplitMix64, claim: &mut Claim, dos: NaiveDate) -> Vec<Injected> {
    let icd = Icd10Cm::embedded();
    let mut done = Vec::new();
    let p = detail(claim);
    if rng.chance(55) {
        // The interface sent the category instead of the code.
        let first = p.diagnoses[0].to_string();
        let header = &first[..3];
        if first.len() > 3
            && icd.check(header, dos).billable() == Some(false)
            && let Ok(h) = header.parse::<Icd10CmCode>()
        {
            p.diagnoses[0] = h.into();
            done.push(Injected::HeaderCode);
        }
    }
    if rng.chance(45) {
        let i = p.lines.len() - 1;
        p.lines[i].diagnosis_pointers.clear();
        done.push(Injected::MissingPointer);
    }
    if rng.chance(35)
        && let Some(l) = p.lines.iter_mut().skip(1).find(|l| l.modifiers.is_empty())
    {
        l.modifiers = Modifiers::from_slice(&[modifier("XU"), modifier("59")]);
        done.push(Injected::ModifierConflict);
    }
    if rng.chance(10)
        && let Some(l) = p.lines.iter_mut().find(|l| l.procedure.as_str() == "20610")
    {
        l.modifiers = Modifiers::from_slice(&[modifier("50"), modifier("RT")]);
        done.push(Injected::BilateralConflict);
    }
    if rng.chance(45) && p.lines.len() < 10 {
        let (c1, c2) = *pick(rng, PTP_PAIRS);
        let has = |c: &str| p.lines.iter().any(|l| l.procedure.as_str() == c);
        if !has(c2) {
            if !has(c1) {
                p.lines.push(line(c1, dos, &[1]));
            }
            p.lines.push(line(c2, dos, &[1]));
            done.push(Injected::PtpPair);
        }
    }
    claim.total_charge = claim.line_charge_total();
    done
}

/// The first day of the month after `date`.
pub(crate) fn next_month(date: NaiveDate) -> NaiveDate {
    let (y, m) = if date.month() == 12 {
        (date.year() + 1, 1)
    } else {
        (date.year(), date.month() + 1)
    };
    NaiveDate::from_ymd_opt(y, m, 1).unwrap_or(date)
}
