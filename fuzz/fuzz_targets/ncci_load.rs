//! The NCCI table loaders (PTP, MUE, add-on code edits) must return a table or an error on any
//! bytes, never panic; a loaded PTP table must answer look-ups of its own pairs.
#![no_main]

use libfuzzer_sys::fuzz_target;
use medbill_scrub::ncci::{AddOnTable, MueTable, NcciSetting, PtpTable};

fuzz_target!(|data: &[u8]| {
    if let Ok(t) = PtpTable::from_reader(data, "fuzz", NcciSetting::Practitioner) {
        assert!(!t.is_empty());
        let _ = t.heap_bytes();
    }
    if let Ok(t) = MueTable::from_reader(data, "fuzz", NcciSetting::Practitioner) {
        assert!(!t.is_empty());
    }
    if let Ok(t) = AddOnTable::from_reader(data, "fuzz") {
        assert!(t.rows() > 0);
    }
});
