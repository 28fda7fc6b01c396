//! Validation must never panic, streaming must agree with whole-file validation, and every 999
//! rendered from a report must read back with one answer per acknowledged set.
#![no_main]

use libfuzzer_sys::fuzz_target;
use medbill_x12::ack::{self, AckOptions, ReceivedAck};
use medbill_x12::validate::Validator;

fuzz_target!(|data: &[u8]| {
    let validator = Validator::new();
    let report = validator.validate(data);
    if let Ok(streamed) = validator.validate_reader(data) {
        let a: Vec<_> = report
            .transactions()
            .map(|t| (&t.findings, &t.errors))
            .collect();
        let b: Vec<_> = streamed
            .transactions()
            .map(|t| (&t.findings, &t.errors))
            .collect();
        assert_eq!(a, b);
    }
    for interchange in &report.interchanges {
        let text = ack::implementation_acks(interchange, &AckOptions::default());
        let sets: usize = ack::parse(text.as_bytes())
            .iter()
            .map(|a| match a {
                ReceivedAck::Group(g) => g.sets.len(),
                _ => 0,
            })
            .sum();
        let expected: usize = interchange
            .groups
            .iter()
            .map(|g| g.transactions.len())
            .sum();
        assert_eq!(sets, expected);
        let _ = ack::interchange_acks(interchange, &AckOptions::default());
    }
});
