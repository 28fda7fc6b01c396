//! `NPI.INVALID` on identifiers the claim model keeps as `Provider::invalid_npi`: from an
//! 837 file, from JSON, and on each provider role.

mod common;

use common::*;
use medbill_claim::{Claim, PersonName, Provider, ServiceFacility};
use medbill_scrub::Severity;
use medbill_x12::Reader;
use medbill_x12::typed::{self, ReadMode};

/// The scrubber's own 837 fixture with its billing NPI's check digit broken.
fn claims_from_837_with_bad_billing_npi() -> Vec<Claim> {
    let text = std::fs::read_to_string(fixture("claims.837")).unwrap();
    let good = "NORTHWIND FAMILY MEDICINE*****XX*1234567893~";
    assert_eq!(text.matches(good).count(), 1, "fixture changed");
    let bad = text.replace(good, "NORTHWIND FAMILY MEDICINE*****XX*1234567894~");
    let set = Reader::new(bad.as_bytes())
        .next_transaction()
        .unwrap()
        .unwrap();
    let batch = typed::read_837(&set, ReadMode::Strict).unwrap();
    assert_eq!(batch.problems.len(), 1, "{:?}", batch.problems);
    batch.claims
}

#[test]
fn bad_billing_npi_read_from_an_837_is_npi_invalid_not_missing() {
    let claims = claims_from_837_with_bad_billing_npi();
    assert_eq!(claims.len(), 3);
    let results = scrubber().scrub_batch(&claims, &options());
    assert_eq!(results.len(), 3);
    for (c, f) in claims.iter().zip(&results) {
        let hits = of(f, "NPI.INVALID");
        assert_eq!(hits.len(), 1, "{}: {f:#?}", c.patient_control_number);
        assert_eq!(hits[0].severity, Severity::Reject);
        assert_eq!(hits[0].codes, ["1234567894"]);
        assert!(
            hits[0].message.contains("billing provider"),
            "{}",
            hits[0].message
        );
        assert!(
            hits[0].message.contains("check digit"),
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
        assert!(of(f, "NPI.MISSING").is_empty(), "{f:#?}");
    }
}

#[test]
fn the_unbroken_837_has_no_npi_findings() {
    let text = std::fs::read(fixture("claims.837")).unwrap();
    let set = Reader::new(text.as_slice())
        .next_transaction()
        .unwrap()
        .unwrap();
    let batch = typed::read_837(&set, ReadMode::Strict).unwrap();
    for f in scrubber().scrub_batch(&batch.claims, &options()) {
        assert!(of(&f, "NPI.INVALID").is_empty(), "{f:#?}");
        assert!(of(&f, "NPI.MISSING").is_empty(), "{f:#?}");
    }
}

#[test]
fn json_claim_with_invalid_npi_fires() {
    let c = claim(&["E11.9"], vec![line("99213").pointers([1])]);
    let mut json = serde_json::to_value(&c).unwrap();
    let provider = &mut json["billing_provider"]["provider"];
    provider.as_object_mut().unwrap().remove("npi");
    provider["invalid_npi"] = "12345".into();
    let read: Claim = serde_json::from_value(json).unwrap();
    assert_eq!(read.billing_provider.provider.npi, None);
    assert_eq!(
        read.billing_provider.provider.invalid_npi.as_deref(),
        Some("12345")
    );
    // It serialises back as it came.
    let again = serde_json::to_value(&read).unwrap();
    assert_eq!(
        again["billing_provider"]["provider"]["invalid_npi"],
        "12345"
    );
    assert!(again["billing_provider"]["provider"].get("npi").is_none());

    let f = scrub(&read);
    let hits = of(&f, "NPI.INVALID");
    assert_eq!(hits.len(), 1, "{f:#?}");
    assert!(
        hits[0].message.contains("not ten digits"),
        "{}",
        hits[0].message
    );
    assert!(of(&f, "NPI.MISSING").is_empty(), "{f:#?}");
}

fn bad(text: &str) -> Provider {
    let mut p = Provider::person(
        PersonName::new("GRANT", "ADA"),
        "1234567893".parse().unwrap(),
    );
    p.npi = None;
    p.invalid_npi = Some(text.into());
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
    let mut seen: Vec<(&str, Option<u32>)> =
        hits.iter().map(|h| (h.codes[0].as_str(), h.line)).collect();
    seen.sort_unstable();
    assert_eq!(
        seen,
        [
            ("1111111111", None),
            ("2222222222", None),
            ("3333333333", None),
            ("4444444444", Some(2)),
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
