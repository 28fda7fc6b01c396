//! The code-set file loaders (CMS HCPCS alpha-numeric file, CPT licensee descriptor file) must
//! return a table or an error on any bytes, never panic; a lenient HCPCS load must keep every
//! record a strict load keeps.
#![no_main]

use libfuzzer_sys::fuzz_target;
use medbill_codes::{CptDescriptors, HcpcsTable};

fuzz_target!(|data: &[u8]| {
    let strict = HcpcsTable::from_reader(data);
    let (lenient, problems) = HcpcsTable::from_reader_lenient(data).expect("only I/O can fail");
    if let Ok(strict) = strict {
        assert!(problems.is_empty());
        assert_eq!(strict.procedure_count(), lenient.procedure_count());
        assert_eq!(strict.modifier_count(), lenient.modifier_count());
    }
    let _ = CptDescriptors::from_reader(data);
});
