//! An NPI that fails its check is kept as sent (`Coded::Invalid`), reported on its claim with
//! where it was, and written back.

use medbill_claim::{ClaimDetail, Coded};
use medbill_x12::Reader;
use medbill_x12::typed::{self, ClaimBatch, InterchangeHeader, ReadMode};

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

fn read(bytes: &[u8], mode: ReadMode) -> Result<ClaimBatch, typed::TypedError> {
    let set = Reader::new(bytes).next_transaction().unwrap().unwrap();
    typed::read_837(&set, mode)
}

/// The fields of every NPI problem on the batch's claims, with the segment id and byte.
fn npi_problems(batch: &ClaimBatch) -> Vec<(String, String, u64)> {
    batch
        .claims
        .iter()
        .flat_map(|c| &c.problems)
        .filter(|p| p.field().is_some_and(|f| f.ends_with(".npi")))
        .map(|p| {
            let at = p.at.as_ref().unwrap();
            (
                p.field().unwrap().to_owned(),
                at.segment_id.to_string(),
                at.byte,
            )
        })
        .collect()
}

#[test]
fn bad_npis_are_kept_and_reported_with_where_they_were() {
    let bytes = fixture_with_bad_npis();
    let good = read(
        &std::fs::read(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/typed/837p.x12"),
        )
        .unwrap(),
        ReadMode::Strict,
    )
    .unwrap();
    let batch = read(&bytes, ReadMode::Lenient).unwrap();
    // Kept, not skipped: the model holds the value, the scrubber judges it.
    assert_eq!(batch.claims.len(), good.claims.len());
    let problems = npi_problems(&batch);
    // The billing provider's NPI is reported on each claim of its level.
    assert!(problems.len() >= 4, "{problems:?}");
    for (field, seg, byte) in &problems {
        assert_eq!(seg, "NM1", "{field}");
        let at = *byte as usize;
        let text = std::str::from_utf8(&bytes[at..at + 9]).unwrap();
        assert!(
            ["123456789", "987654321", "111222333", "222333444"].contains(&text),
            "{field} points at {text:?}"
        );
    }
    assert!(
        problems
            .iter()
            .any(|p| p.0 == "lines[1].rendering_provider.npi"),
        "{problems:?}"
    );

    let c = &batch.claims[0];
    let billing = &c.billing_provider.provider;
    assert!(matches!(billing.npi, Some(Coded::Invalid(_))));
    assert_eq!(billing.valid_npi(), None);
    assert_eq!(billing.reported_npi(), Some("1234567890"));
    let rendering = c.rendering_provider.as_ref().unwrap();
    assert_eq!(rendering.reported_npi(), Some("987654321"));
    let facility = &c.service_facility.as_ref().unwrap().provider;
    assert_eq!(facility.reported_npi(), Some("111222333A"));

    // Only the NPIs (and the problems) differ from the unchanged fixture.
    let mut fixed = batch.claims.clone();
    for (f, g) in fixed.iter_mut().zip(&good.claims) {
        f.problems.clear();
        f.billing_provider.provider.npi = g.billing_provider.provider.npi.clone();
        if let (Some(p), Some(q)) = (&mut f.rendering_provider, &g.rendering_provider) {
            p.npi = q.npi.clone();
        }
        if let (Some(p), Some(q)) = (&mut f.service_facility, &g.service_facility) {
            p.provider.npi = q.provider.npi.clone();
        }
    }
    let line_bad: Vec<String> = fixed
        .iter()
        .flat_map(|c| match &c.detail {
            ClaimDetail::Professional(p) => p.lines.clone(),
            _ => Vec::new(),
        })
        .filter_map(|l| l.rendering_provider)
        .filter(|p| p.valid_npi().is_none())
        .filter_map(|p| p.reported_npi().map(str::to_owned))
        .collect();
    assert_eq!(line_bad, ["2223334445"]);

    // Strict reading fails on the first.
    let err = read(&bytes, ReadMode::Strict).unwrap_err();
    assert!(err.to_string().contains("billing_provider.npi"), "{err}");
}

#[test]
fn bad_npis_round_trip_as_written() {
    let batch = read(&fixture_with_bad_npis(), ReadMode::Lenient).unwrap();
    let header = InterchangeHeader::new("SENDER", "RECEIVER", 7, "2024-02-01".parse().unwrap());
    let out = typed::write_837(&batch.claims, &batch.header, &header).unwrap();
    let text = String::from_utf8(out.clone()).unwrap();
    for id in ["1234567890", "987654321", "111222333A", "2223334445"] {
        assert!(
            text.contains(&format!("*XX*{id}~")),
            "{id} not written:\n{text}"
        );
    }
    let again = read(&out, ReadMode::Lenient).unwrap();
    let strip = |b: &ClaimBatch| {
        b.claims
            .iter()
            .map(|c| {
                let mut c = c.clone();
                c.problems.clear();
                c
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(strip(&again), strip(&batch));
    assert_eq!(npi_problems(&again).len(), npi_problems(&batch).len());
}
