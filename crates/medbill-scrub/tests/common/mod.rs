//! Claims and reference data shared by the integration tests. Names, IDs, dates and codes
//! are invented; NCCI fixtures use made-up code pairs.

#![allow(dead_code, unreachable_pub)]

use std::path::PathBuf;
use std::sync::Arc;

use chrono::NaiveDate;
use medbill_claim::{
    Address, BillingProvider, Claim, ClaimBuilder, ClaimDetail, ClaimFilingIndicator, Payer,
    PersonName, Phi, ProfessionalLine, Provider, Sex, Subscriber,
};
use medbill_scrub::ncci::{AddOnTable, MueTable, NcciSetting, PtpTable};
use medbill_scrub::{Finding, ReferenceData, ScrubOptions, Scrubber};
use rust_decimal::Decimal;

pub fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

pub fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

pub fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

pub const MEMBER_ID: &str = "XQZ900112233";
pub const LAST_NAME: &str = "QUILLFEATHER";
pub const FIRST_NAME: &str = "MARISOL";
pub const BIRTH: &str = "1961-07-14";

pub fn billing() -> BillingProvider {
    BillingProvider {
        provider: Provider::organization(
            "NORTHWIND FAMILY MEDICINE",
            "1234567893".parse().unwrap(),
        ),
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

pub fn subscriber(birth: &str, sex: Sex) -> Subscriber {
    Subscriber::new(MEMBER_ID, PersonName::new(LAST_NAME, FIRST_NAME))
        .with_demographics(day(birth), sex)
}

/// A professional claim builder for a female patient born 1961, no lines or diagnoses.
pub fn professional(pcn: &str) -> ClaimBuilder {
    professional_for(pcn, BIRTH, Sex::Female)
}

pub fn professional_for(pcn: &str, birth: &str, sex: Sex) -> ClaimBuilder {
    Claim::professional(pcn)
        .billing_provider(billing())
        .subscriber(subscriber(birth, sex))
        .payer(
            Payer::new("87726", "EXAMPLE HEALTH PLAN"),
            ClaimFilingIndicator::Commercial,
        )
        .place_of_service("11".parse().unwrap())
}

pub const DOS: &str = "2026-02-27";
pub const SUBMITTED: &str = "2026-03-05";

pub fn options() -> ScrubOptions {
    ScrubOptions::on(day(SUBMITTED))
}

/// A line on [`DOS`] with one unit and $100.
pub fn line(code: &str) -> ProfessionalLine {
    ProfessionalLine::new(code.parse().unwrap(), d("100.00"), d("1"), day(DOS))
}

pub fn with_units(mut l: ProfessionalLine, units: &str) -> ProfessionalLine {
    l.units = d(units);
    l
}

pub fn with_mods(l: ProfessionalLine, mods: &[&str]) -> ProfessionalLine {
    l.modifiers(mods.iter().map(|m| m.parse().unwrap()))
}

/// A claim with the given diagnoses and lines.
pub fn claim(dx: &[&str], lines: Vec<ProfessionalLine>) -> Claim {
    let mut b = professional("PCN100");
    for c in dx {
        b = b.diagnosis(c.parse().unwrap());
    }
    for l in lines {
        b = b.line(l);
    }
    b.build().unwrap()
}

pub fn professional_detail_mut(c: &mut Claim) -> &mut medbill_claim::ProfessionalDetail {
    match &mut c.detail {
        ClaimDetail::Professional(p) => p,
        _ => panic!("not professional"),
    }
}

/// Reference data with the synthetic NCCI fixtures loaded.
pub fn ncci_data() -> ReferenceData {
    ReferenceData::new()
        .with_ptp(
            PtpTable::from_path(fixture("ptp_practitioner.txt"), NcciSetting::Practitioner)
                .unwrap(),
        )
        .with_mue(
            MueTable::from_path(fixture("mue_practitioner.csv"), NcciSetting::Practitioner)
                .unwrap(),
        )
        .with_add_ons(AddOnTable::from_path(fixture("aoc.txt")).unwrap())
}

pub fn scrubber() -> Scrubber {
    Scrubber::new(Arc::new(ncci_data()))
}

pub fn scrub(c: &Claim) -> Vec<Finding> {
    scrubber().scrub(c, &options())
}

/// The findings of one edit.
pub fn of<'a>(findings: &'a [Finding], edit: &str) -> Vec<&'a Finding> {
    findings.iter().filter(|f| f.edit == edit).collect()
}

/// An institutional outpatient claim (type of bill 13) for a man born 1950, one line on `from`.
pub fn institutional(
    principal: &str,
    others: &[&str],
    from: &str,
    to: &str,
) -> medbill_claim::Claim {
    let mut b = medbill_claim::Claim::institutional("PCN-UB", "13", day(from), day(to))
        .billing_provider(billing())
        .subscriber(subscriber("1950-03-01", Sex::Male))
        .payer(
            medbill_claim::Payer::new("MCR01", "MEDICARE"),
            medbill_claim::ClaimFilingIndicator::MedicarePartA,
        )
        .principal_diagnosis(medbill_claim::Diagnosis::new(
            principal.parse().unwrap(),
            None,
        ));
    for o in others {
        b = b.other_diagnosis(medbill_claim::Diagnosis::new(o.parse().unwrap(), None));
    }
    b.institutional_line(
        medbill_claim::InstitutionalLine::new("0450", d("100"), d("1")).service_date(day(from)),
    )
    .build()
    .unwrap()
}

/// A HCPCS record in the CMS alpha-numeric layout (positions per medbill-codes).
pub fn hcpcs_record(code: &str, record_id: char, added: &str, terminated: &str) -> String {
    let mut line = vec![b' '; 293];
    let put = |line: &mut Vec<u8>, pos: usize, text: &str| {
        line[pos - 1..pos - 1 + text.len()].copy_from_slice(text.as_bytes());
    };
    put(&mut line, 1, code);
    put(&mut line, 6, "00100");
    put(&mut line, 11, &record_id.to_string());
    put(&mut line, 12, "Synthetic fixture record");
    put(&mut line, 92, "Synthetic");
    put(&mut line, 269, added);
    put(&mut line, 285, terminated);
    String::from_utf8(line).unwrap()
}
