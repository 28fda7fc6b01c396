//! Every single-byte change of the 837 fixtures (a separator, a digit or a letter put in place
//! of each value byte after the ISA): reading never loses a claim, a line or a charge, and each
//! claim read without a problem reads back the same once written. Deterministic and
//! exhaustive, where `typed_properties.rs` samples several changes at once.

mod common;

fn fixture(name: &str) -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/typed")
        .join(name);
    std::fs::read(path).unwrap()
}

fn every_change(name: &str) {
    let base = fixture(name);
    let mut failures = Vec::new();
    let mut checked = 0;
    for i in 106..base.len() {
        // Segment ids and terminators stay: the changes are of values and element boundaries.
        let in_id = (1..=4).any(|k| i < k || matches!(base[i - k], b'~' | b'\n'));
        if in_id || matches!(base[i], b'~' | b'\n' | b'\r') {
            continue;
        }
        for v in [b'*', b':', b'9', b'A'] {
            if base[i] == v {
                continue;
            }
            let mut changed = base.clone();
            changed[i] = v;
            checked += 1;
            if let Err(e) = common::conserved(&changed).and_then(|()| common::round_trips(&changed))
            {
                failures.push(format!("byte {i} as {:?}: {e}", char::from(v)));
            }
        }
    }
    assert!(checked > 1000, "{checked}");
    assert!(
        failures.is_empty(),
        "{} of {checked} changes:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn every_single_byte_change_of_an_837p() {
    every_change("837p.x12");
}

#[test]
fn every_single_byte_change_of_an_837i() {
    every_change("837i.x12");
}
