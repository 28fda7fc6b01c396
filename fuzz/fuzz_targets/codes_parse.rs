//! Every code parser must return Ok or Err on any text, never panic, and what parses must print
//! back to text that parses to the same value.
#![no_main]

use libfuzzer_sys::fuzz_target;
use medbill_codes::{
    Carc, CptCode, GroupCode, HcpcsCode, Icd10CmCode, Icd10PcsCode, Modifier, Npi,
    PlaceOfService, ProcedureCode, Rarc,
};

macro_rules! round_trip {
    ($ty:ty, $s:expr) => {
        if let Ok(v) = $s.parse::<$ty>() {
            let again: $ty = v.to_string().parse().expect("display output must parse");
            assert_eq!(v, again);
        }
    };
}

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else { return };
    round_trip!(Icd10CmCode, s);
    round_trip!(Icd10PcsCode, s);
    round_trip!(CptCode, s);
    round_trip!(HcpcsCode, s);
    round_trip!(ProcedureCode, s);
    round_trip!(Modifier, s);
    round_trip!(PlaceOfService, s);
    round_trip!(Npi, s);
    round_trip!(GroupCode, s);
    round_trip!(Carc, s);
    round_trip!(Rarc, s);
});
