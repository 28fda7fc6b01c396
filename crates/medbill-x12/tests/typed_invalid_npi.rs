//! An NPI that fails its check is kept as `Provider::invalid_npi`, reported, and written back.

use medbill_claim::ClaimDetail;
use medbill_x12::Reader;
use medbill_x12::typed::{self, ClaimBatch, InterchangeHeader, ReadMode, TypedError};

/// The typed 837P fixture with the billing, claim rendering, service facility and second
/// line's rendering NPIs replaced by identifiers that fail the NPI check.
fn fixture_with_bad_npis() -> Vec<u8> {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/typed/837p.x12");
    let text = std::fs::read_to_string(&path).unwrap();
    let mut out = text.clone();
    for (good, bad) in [
        (
            "EXAMPLE CLINIC*****XX*1234567893~",
            "EXAMPLE CLINIC*****XX*1234567890~",
        ),
        (
            "SMITH*JANE****XX*9876543213~",
            "SMITH*JANE****XX*987654321~",
        ),
        (
            "CLINIC EAST*****XX*1112223338~",
            "CLINIC EAST*****XX*111222333A~",
        ),
        ("JONES*AMY****XX*2223334444~", "JONES*AMY****XX*2223334445~"),
    ] {
        assert_eq!(out.matches(good).count(), 1, "fixture changed: {good}");
        out = out.replace(good, bad);
    }
    assert_ne!(out, text);
    out.into_bytes()
}

fn read(bytes: &[u8], mode: ReadMode) -> ClaimBatch {
    let set = Reader::new(bytes).next_transaction().unwrap().unwrap();
    typed::read_837(&set, mode).unwrap()
}

fn npi_problems(batch: &ClaimBatch) -> Vec<&str> {
    batch
        .problems
        .iter()
        .filter_map(|p| match p {
            TypedError::Value { field, reason, .. } if reason.contains("invalid_npi") => {
                Some(field.as_str())
            }
            _ => None,
        })
        .collect()
}

#[test]
fn bad_npis_are_kept_and_reported() {
    let good = read(
        &std::fs::read(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/typed/837p.x12"),
        )
        .unwrap(),
        ReadMode::Strict,
    );
    for mode in [ReadMode::Lenient, ReadMode::Strict] {
        let batch = read(&fixture_with_bad_npis(), mode);
        // Kept, not skipped: the model holds the value, the scrubber judges it.
        assert_eq!(batch.claims.len(), good.claims.len(), "{mode:?}");
        assert_eq!(npi_problems(&batch).len(), 4, "{:?}", batch.problems);
        assert_eq!(batch.problems.len(), 4, "{:?}", batch.problems);

        let c = &batch.claims[0];
        let billing = &c.billing_provider.provider;
        assert_eq!(billing.npi, None);
        assert_eq!(billing.invalid_npi.as_deref(), Some("1234567890"));
        assert_eq!(billing.reported_npi(), Some("1234567890"));
        let rendering = c.rendering_provider.as_ref().unwrap();
        assert_eq!(rendering.npi, None);
        assert_eq!(rendering.invalid_npi.as_deref(), Some("987654321"));
        let facility = &c.service_facility.as_ref().unwrap().provider;
        assert_eq!(facility.invalid_npi.as_deref(), Some("111222333A"));

        // Only the NPIs differ from the unchanged fixture.
        let mut fixed = batch.claims.clone();
        for (f, g) in fixed.iter_mut().zip(&good.claims) {
            f.billing_provider.provider.npi = g.billing_provider.provider.npi;
            f.billing_provider.provider.invalid_npi = None;
            if let (Some(p), Some(q)) = (&mut f.rendering_provider, &g.rendering_provider) {
                p.npi = q.npi;
                p.invalid_npi = None;
            }
            if let (Some(p), Some(q)) = (&mut f.service_facility, &g.service_facility) {
                p.provider.npi = q.provider.npi;
                p.provider.invalid_npi = None;
            }
        }
        let line_bad: Vec<_> = fixed
            .iter()
            .flat_map(|c| match &c.detail {
                ClaimDetail::Professional(p) => p.lines.clone(),
                _ => Vec::new(),
            })
            .filter_map(|l| l.rendering_provider)
            .filter_map(|p| p.invalid_npi)
            .collect();
        assert_eq!(line_bad, ["2223334445"]);
    }
}

#[test]
fn bad_npis_round_trip_as_written() {
    let batch = read(&fixture_with_bad_npis(), ReadMode::Lenient);
    let header = InterchangeHeader::new("SENDER", "RECEIVER", 7, "2024-02-01".parse().unwrap());
    let out = typed::write_837(&batch.claims, &batch.header, &header).unwrap();
    let text = String::from_utf8(out.clone()).unwrap();
    for id in ["1234567890", "987654321", "111222333A", "2223334445"] {
        assert!(
            text.contains(&format!("*XX*{id}~")),
            "{id} not written:\n{text}"
        );
    }
    let again = read(&out, ReadMode::Lenient);
    assert_eq!(again.claims, batch.claims);
    assert_eq!(npi_problems(&again).len(), 4);
}
