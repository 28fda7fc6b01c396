//! `NPI.INVALID` on identifiers the claim model keeps as sent (`Provider::npi` holding
//! `Coded::Invalid`): as a reader keeps them, from JSON, and on each provider role.

mod common;

use common::*;
use medbill_claim::{
    Claim, ClaimError, Coded, Location, PersonName, Problem, Provider, ServiceFacility,
};
use medbill_scrub::Severity;

/// What an 837 reader makes of a billing NPI with a broken check digit: the text as sent, and
/// a problem saying where it was.
fn claim_with_bad_billing_npi_as_read() -> (Claim, Location) {
    let mut c = claim(&["E11.9"], vec![line("99213").pointers([1])]);
    let npi: Coded<medbill_codes::Npi> = Coded::parse("1234567894");
    let reason = npi.reason().cloned().unwrap();
    c.billing_provider.provider.npi = Some(npi);
    let at = Location::new(9, "NM1", 301).element(9);
    c.problems.push(
        Problem::new(ClaimError::code("billing_provider.npi", reason))
            .at(at.clone())
            .sent("1234567894"),
    );
    (c, at)
}

#[test]
fn bad_billing_npi_as_read_is_npi_invalid_not_missing_and_located() {
    let (c, at) = claim_with_bad_billing_npi_as_read();
    let f = scrub(&c);
    let hits = of(&f, "NPI.INVALID");
    assert_eq!(hits.len(), 1, "{f:#?}");
    assert_eq!(hits[0].severity, Severity::Reject);
    assert_eq!(hits[0].codes, ["1234567894"]);
    assert_eq!(hits[0].field.as_deref(), Some("billing_provider.npi"));
    assert_eq!(hits[0].at.as_ref(), Some(&at));
    assert!(
        hits[0].message.contains("billing provider") && hits[0].message.contains("check digit"),
        "{}",
        hits[0].message
    );
    assert!(
        hits[0]
            .fix
            .as_deref()
            .unwrap()
            .contains("billing provider NPI")
    );
    assert!(of(&f, "NPI.MISSING").is_empty(), "{f:#?}");
    // The reader's problem is NPI.INVALID's: nothing else reports it.
    assert_eq!(f.len(), 1, "{f:#?}");
}

#[test]
fn json_claim_with_invalid_npi_fires() {
    let c = claim(&["E11.9"], vec![line("99213").pointers([1])]);
    let mut json = serde_json::to_value(&c).unwrap();
    json["billing_provider"]["provider"]["npi"] = "12345".into();
    let read: Claim = serde_json::from_value(json).unwrap();
    assert_eq!(read.billing_provider.provider.valid_npi(), None);
    assert_eq!(read.billing_provider.provider.reported_npi(), Some("12345"));
    // It serialises back as it came.
    let again = serde_json::to_value(&read).unwrap();
    assert_eq!(again["billing_provider"]["provider"]["npi"], "12345");

    let f = scrub(&read);
    let hits = of(&f, "NPI.INVALID");
    assert_eq!(hits.len(), 1, "{f:#?}");
    assert!(
        hits[0].message.contains("not ten digits"),
        "{}",
        hits[0].message
    );
    // Read from JSON there is no input position.
    assert_eq!(hits[0].at, None);
    assert!(of(&f, "NPI.MISSING").is_empty(), "{f:#?}");
}

fn bad(text: &str) -> Provider {
    let mut p = Provider::person(
        PersonName::new("GRANT", "ADA"),
        "1234567893".parse().unwrap(),
    );
    p.npi = Some(Coded::parse(text));
    p
}

#[test]
fn every_provider_role_is_checked() {
    let mut c = claim(
        &["E11.9"],
        vec![line("99213").pointers([1]), line("11111").pointers([1])],
    );
    c.rendering_provider = Some(Box::new(bad("1111111111")));
    c.referring_provider = Some(Box::new(bad("2222222222")));
    c.service_facility = Some(Box::new(ServiceFacility {
        provider: bad("3333333333"),
        address: billing().address,
    }));
    professional_detail_mut(&mut c).lines[1].rendering_provider = Some(Box::new(bad("4444444444")));
    let f = scrub(&c);
    let hits = of(&f, "NPI.INVALID");
    let mut seen: Vec<(&str, Option<u32>, &str)> = hits
        .iter()
        .map(|h| (h.codes[0].as_str(), h.line, h.field.as_deref().unwrap()))
        .collect();
    seen.sort_unstable();
    assert_eq!(
        seen,
        [
            ("1111111111", None, "rendering_provider.npi"),
            ("2222222222", None, "referring_provider.npi"),
            ("3333333333", None, "service_facility.npi"),
            ("4444444444", Some(2), "lines[1].rendering_provider.npi"),
        ],
        "{f:#?}"
    );
    for h in hits {
        assert!(h.fix.as_deref().unwrap().contains("NPPES"));
    }
    // A valid NPI in the same places raises nothing.
    let ok = claim(&["E11.9"], vec![line("99213").pointers([1])]);
    assert!(of(&scrub(&ok), "NPI.INVALID").is_empty());
}

#[test]
fn institutional_attending_and_operating_npis_are_checked() {
    let mut c = institutional("R69", &[], DOS, DOS);
    if let medbill_claim::ClaimDetail::Institutional(d) = &mut c.detail {
        d.attending_provider = Some(bad("12345678"));
        d.operating_provider = Some(bad(""));
    }
    let f = scrub(&c);
    let hits: Vec<_> = of(&f, "NPI.INVALID")
        .iter()
        .map(|h| (h.field.clone().unwrap(), h.message.clone()))
        .collect();
    assert_eq!(
        hits,
        [
            (
                "attending_provider.npi".to_string(),
                "the attending provider NPI 12345678 is not ten digits".to_string()
            ),
            (
                "operating_provider.npi".to_string(),
                "the operating provider NPI is empty".to_string()
            ),
        ],
        "{f:#?}"
    );
}
