//! Property tests of the typed readers and writers on mutated fixtures: reading never panics,
//! nothing an 837 holds is lost (every CLM, LX and charge; `common::conserved`), whatever is
//! read can be written and read again, and what was read without a problem reads back to the
//! same models. (A value reported as unusable may be replaced by the writer where
//! the guide requires one, such as a PLB fiscal period.) Mutations change values
//! and element boundaries (`*`, `:`, `^`, digits, letters), not segment ids or terminators.

mod common;

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

/// The shared checks, as a property's failure.
fn check(bytes: &[u8]) -> Result<(), TestCaseError> {
    common::round_trips(bytes).map_err(TestCaseError::fail)?;
    common::conserved(bytes).map_err(TestCaseError::fail)
}

/// The segments of the first transaction set of `bytes`, as read.
fn set_segments(bytes: &[u8]) -> Vec<Vec<u8>> {
    let mut reader = medbill_x12::Reader::new(bytes);
    match reader.next_transaction() {
        Ok(Some(set)) => set.segments().map(|s| s.raw().to_vec()).collect(),
        _ => Vec::new(),
    }
}

/// Every segment of an 835 read leniently is written back byte for byte, whatever its
/// problems, unless a segment was reported as one that cannot be (not UTF-8 text, or text
/// holding a separator of the kept text) or a value cannot be written at all. (The order is
/// the guide's: a mutation that puts a segment out of it, say by changing a qualifier, moves
/// it; files in guide order keep theirs, see `typed_corpus.rs`.)
fn written_back_as_read(bytes: &[u8]) -> Result<(), TestCaseError> {
    let Ok(file) = typed::read_all(bytes, ReadMode::Lenient) else {
        return Ok(());
    };
    let Some(TypedTransaction::Remittance(r)) = file.transactions.first() else {
        return Ok(());
    };
    let unwritable = r
        .all_problems()
        .any(|(_, p)| p.kind() == "not_text" || p.to_string().starts_with("segment: "));
    let mut envelope = envelope();
    envelope.delimiters = medbill_x12::Reader::new(bytes)
        .next_transaction()
        .ok()
        .flatten()
        .map_or(envelope.delimiters, |s| s.envelope().delimiters());
    let Ok(out) = typed::write_remittance_set(r, &envelope) else {
        return Ok(());
    };
    if unwritable {
        return Ok(());
    }
    let (mut read, mut written) = (set_segments(bytes), set_segments(&out));
    read.sort();
    written.sort();
    let show = |s: &[Vec<u8>]| -> Vec<String> {
        s.iter()
            .map(|x| String::from_utf8_lossy(x).into_owned())
            .collect()
    };
    prop_assert!(
        read == written,
        "{:?}\n{}",
        show(&read)
            .into_iter()
            .zip(show(&written))
            .filter(|(a, b)| a != b)
            .collect::<Vec<_>>(),
        String::from_utf8_lossy(bytes)
    );
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
    }

    #[test]
    fn mutated_837i_round_trips(bytes in mutated("837i.x12")) {
        check(&bytes)?;
    }

    #[test]
    fn mutated_835_round_trips(bytes in mutated("835.x12")) {
        check(&bytes)?;
    }

    #[test]
    fn mutated_835_is_written_back_as_read(bytes in mutated("835.x12")) {
        written_back_as_read(&bytes)?;
    }

    #[test]
    fn mutated_acks_never_panic(bytes in mutated("277ca.x12"), other in mutated("999.x12")) {
        let _ = typed::read_all(&bytes, ReadMode::Lenient);
        let _ = typed::read_all(&other, ReadMode::Strict);
    }
}
