//! The typed readers (837P/I, 835, 277CA, 999) must never panic on any input, in either mode;
//! whatever an 837 or 835 reader gives back must write without panicking, and what was read
//! without a problem must read back from the written file as the same model.
#![no_main]

use libfuzzer_sys::fuzz_target;
use medbill_x12::typed::{self, InterchangeHeader, ReadMode, TypedTransaction};

fuzz_target!(|data: &[u8]| {
    let Ok(date) = "2024-03-01".parse() else {
        return;
    };
    let envelope = InterchangeHeader::new("SENDER", "RECEIVER", 3, date);
    for mode in [ReadMode::Lenient, ReadMode::Strict] {
        let Ok(file) = typed::read_all(data, mode) else {
            continue;
        };
        for t in &file.transactions {
            match t {
                TypedTransaction::Claims(b) if !b.claims.is_empty() => {
                    // A value with a delimiter in it cannot be written; that is an error, not
                    // a panic.
                    let Ok(out) = typed::write_837(&b.claims, &b.header, &envelope) else {
                        continue;
                    };
                    let again = typed::read_all(&out, mode).expect("a written 837 reads");
                    if b.problems.is_empty() {
                        match &again.transactions[..] {
                            [TypedTransaction::Claims(b2)] => assert_eq!(b2.claims, b.claims),
                            other => panic!("{other:?}"),
                        }
                    }
                }
                TypedTransaction::Remittance(r) => {
                    let Ok(out) = typed::write_835(&r.remittance, &envelope) else {
                        continue;
                    };
                    let again = typed::read_all(&out, mode).expect("a written 835 reads");
                    if r.all_problems().next().is_none() {
                        match &again.transactions[..] {
                            [TypedTransaction::Remittance(r2)] => {
                                assert_eq!(r2.remittance, r.remittance)
                            }
                            other => panic!("{other:?}"),
                        }
                    }
                }
                _ => {}
            }
        }
    }
});
