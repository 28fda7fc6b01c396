//! Property tests of the typed readers and writers on mutated fixtures: reading never panics,
//! whatever is read can be written and read again, and what was read without a problem reads
//! back to the same models. (A value reported as unusable may be replaced by the writer where
//! the guide requires one, such as a PLB fiscal period.) Mutations change values
//! and element boundaries (`*`, `:`, `^`, digits, letters), not segment ids or terminators.

use medbill_x12::typed::{self, InterchangeHeader, ReadMode, TypedTransaction};
use proptest::prelude::*;

fn fixture(name: &str) -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/typed")
        .join(name);
    std::fs::read(path).unwrap()
}

fn envelope() -> InterchangeHeader {
    InterchangeHeader::new("SENDER", "RECEIVER", 3, "2024-03-01".parse().unwrap())
}

fn diff<T: serde::Serialize>(a: &T, b: &T) -> String {
    let a = serde_json::to_string_pretty(a).unwrap_or_default();
    let b = serde_json::to_string_pretty(b).unwrap_or_default();
    a.lines()
        .zip(b.lines())
        .filter(|(x, y)| x != y)
        .take(6)
        .map(|(x, y)| format!("{x}\n  vs {y}\n"))
        .collect()
}

/// The claims with their problems' locations cleared: a written file puts the same values at
/// other bytes.
fn unlocated(claims: &[medbill_claim::Claim]) -> Vec<medbill_claim::Claim> {
    let mut claims = claims.to_vec();
    for c in &mut claims {
        for p in &mut c.problems {
            p.at = None;
        }
    }
    claims
}

/// Reads, writes what was read, reads again: the models must match.
fn check(bytes: &[u8]) -> Result<(), TestCaseError> {
    for mode in [ReadMode::Lenient, ReadMode::Strict] {
        let Ok(file) = typed::read_all(bytes, mode) else {
            continue;
        };
        for t in &file.transactions {
            match t {
                TypedTransaction::Claims(b) if !b.claims.is_empty() => {
                    // A value with a delimiter in it cannot be written; that is reported.
                    let Ok(out) = typed::write_837(&b.claims, &b.header, &envelope()) else {
                        continue;
                    };
                    let again = typed::read_all(&out, mode).unwrap();
                    match &again.transactions[..] {
                        [TypedTransaction::Claims(b2)] => {
                            // Every claim comes back; each read without a problem comes back
                            // the same (one with a problem may read back with others).
                            prop_assert_eq!(b2.claims.len(), b.claims.len());
                            let (a, c) = (unlocated(&b.claims), unlocated(&b2.claims));
                            for (x, y) in a.iter().zip(&c) {
                                prop_assert!(
                                    !b.problems.is_empty() || !x.problems.is_empty() || x == y,
                                    "{}\n{}",
                                    diff(x, y),
                                    String::from_utf8_lossy(bytes)
                                );
                            }
                        }
                        other => prop_assert!(false, "{:?}", other),
                    }
                }
                TypedTransaction::Remittance(r) => {
                    let Ok(out) = typed::write_835(&r.remittance, &envelope()) else {
                        continue;
                    };
                    let again = typed::read_all(&out, mode).unwrap();
                    match &again.transactions[..] {
                        [TypedTransaction::Remittance(r2)] => {
                            prop_assert!(
                                !r.problems.is_empty() || r2.remittance == r.remittance,
                                "{}\n{}",
                                diff(&r.remittance, &r2.remittance),
                                String::from_utf8_lossy(bytes)
                            );
                        }
                        other => prop_assert!(false, "{:?}", other),
                    }
                }
                _ => {}
            }
        }
    }
    Ok(())
}

/// The number in `text` as X12 sends it, if it is one.
fn number(text: &[u8]) -> Option<rust_decimal::Decimal> {
    std::str::from_utf8(text).ok()?.trim().parse().ok()
}

/// Nothing read is lost: every CLM of every 837 set comes back as a claim or an unreadable
/// claim with its CLM01 and CLM02, and every claim read has one line per LX, with the SV1 or
/// SV2 charge as sent.
fn conserved(bytes: &[u8]) -> Result<(), TestCaseError> {
    let mut reader = medbill_x12::Reader::new(bytes);
    while let Ok(Some(set)) = reader.next_transaction() {
        if set.id() != "837" {
            continue;
        }
        let Ok(batch) = typed::read_837(&set, ReadMode::Lenient) else {
            continue;
        };
        let e = set.envelope().delimiters().element;
        // Each CLM as sent: its CLM01, CLM02, and the charges of the lines after it.
        let mut sent: Vec<(
            String,
            Option<rust_decimal::Decimal>,
            Vec<Option<rust_decimal::Decimal>>,
        )> = Vec::new();
        for seg in set.segments() {
            let els: Vec<&[u8]> = seg.raw().split(|&b| b == e).collect();
            let el = |n: usize| els.get(n).copied().unwrap_or_default();
            match els[0] {
                b"CLM" => sent.push((
                    String::from_utf8_lossy(el(1)).trim().to_owned(),
                    number(el(2)),
                    Vec::new(),
                )),
                b"LX" => {
                    if let Some(c) = sent.last_mut() {
                        c.2.push(None);
                    }
                }
                b"SV1" | b"SV2" => {
                    let charge = number(el(if els[0] == b"SV1" { 2 } else { 3 }));
                    if let Some(line) = sent.last_mut().and_then(|c| c.2.last_mut()) {
                        *line = charge;
                    }
                }
                _ => {}
            }
        }
        prop_assert_eq!(
            batch.claim_count(),
            sent.len(),
            "claims read + unreadable = CLM segments"
        );
        let mut claims = batch.claims.iter();
        let mut unreadable = batch.unreadable.iter().peekable();
        for (pcn, total, lines) in &sent {
            // An unreadable entry stands where its index says, among the claims read.
            let read_so_far = batch.claims.len() - claims.len();
            if let Some(u) = unreadable.next_if(|u| u.index == read_so_far) {
                prop_assert_eq!(u.patient_control_number.as_str(), pcn.as_str());
                prop_assert_eq!(u.total_charge, *total, "{}: CLM02 as sent", pcn);
                continue;
            }
            let Some(c) = claims.next() else {
                return Err(TestCaseError::fail(format!("{pcn}: no claim")));
            };
            prop_assert_eq!(c.patient_control_number.as_str(), pcn.as_str());
            if let Some(total) = total {
                prop_assert_eq!(c.total_charge, *total, "{}: CLM02 as sent", pcn);
            }
            prop_assert_eq!(c.line_count(), lines.len(), "{}: one line per LX", pcn);
            let charges: Vec<rust_decimal::Decimal> = match &c.detail {
                medbill_claim::ClaimDetail::Professional(p) => {
                    p.lines.iter().map(|l| l.charge).collect()
                }
                medbill_claim::ClaimDetail::Institutional(d) => {
                    d.lines.iter().map(|l| l.charge).collect()
                }
                _ => Vec::new(),
            };
            for (k, (read, sent)) in charges.iter().zip(lines).enumerate() {
                if let Some(sent) = sent {
                    prop_assert_eq!(read, sent, "{}: line {} charge as sent", pcn, k + 1);
                }
            }
        }
    }
    Ok(())
}

fn mutated(name: &'static str) -> impl Strategy<Value = Vec<u8>> {
    let base = fixture(name);
    let len = base.len();
    let byte = prop_oneof![
        Just(b'*'),
        Just(b':'),
        Just(b'^'),
        Just(b'0'),
        Just(b'9'),
        Just(b'A'),
        Just(b'.'),
        Just(b'-'),
        Just(b' '),
    ];
    proptest::collection::vec((0..len, byte), 1..4).prop_map(move |edits| {
        let mut b = base.clone();
        for (i, v) in edits {
            // The ISA is fixed width, segment ids and terminators make the structure: those
            // stay, so that the mutations are of values and element boundaries.
            let in_id = (1..=4).any(|k| i < k || matches!(b[i - k], b'~' | b'\n'));
            if i >= 106 && !in_id && !matches!(b[i], b'~' | b'\n') {
                b[i] = v;
            }
        }
        b
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, .. ProptestConfig::default() })]

    #[test]
    fn mutated_837p_round_trips(bytes in mutated("837p.x12")) {
        check(&bytes)?;
        conserved(&bytes)?;
    }

    #[test]
    fn mutated_837i_round_trips(bytes in mutated("837i.x12")) {
        check(&bytes)?;
        conserved(&bytes)?;
    }

    #[test]
    fn mutated_835_round_trips(bytes in mutated("835.x12")) {
        check(&bytes)?;
    }

    #[test]
    fn mutated_acks_never_panic(bytes in mutated("277ca.x12"), other in mutated("999.x12")) {
        let _ = typed::read_all(&bytes, ReadMode::Lenient);
        let _ = typed::read_all(&other, ReadMode::Strict);
    }
}
