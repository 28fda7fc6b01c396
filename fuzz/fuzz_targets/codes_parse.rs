//! Every code parser must return Ok or Err on any text, never panic, and what parses must print
//! back to text that parses to the same value. The ICD-10-CM look-up must answer any text on any
//! date (the first byte picks the date) without panicking, consistently with the code set.
#![no_main]

use libfuzzer_sys::fuzz_target;
use medbill_codes::icd10cm::{DatePolicy, Icd10Cm};
use medbill_codes::{
    Carc, CptCode, GroupCode, HcpcsCode, Icd10CmCode, Icd10PcsCode, Modifier, Npi, PlaceOfService,
    ProcedureCode, Rarc,
};

macro_rules! round_trip {
    ($ty:ty, $s:expr) => {
        if let Ok(v) = $s.parse::<$ty>() {
            let again: $ty = v.to_string().parse().expect("display output must parse");
            assert_eq!(v, again);
        }
    };
}

/// Looks `text` up on a date `days` after the day before the oldest release (so both ends of
/// the embedded range, and dates past it, are reached).
fn icd10cm_lookup(text: &str, days: usize) {
    let cm = Icd10Cm::embedded();
    let start = cm.releases()[0]
        .effective_from()
        .pred_opt()
        .expect("a date");
    let Some(date) = start.iter_days().nth(days * 4) else {
        return;
    };
    for policy in [DatePolicy::Extrapolate, DatePolicy::Strict] {
        let v = cm.check_with(text, date, policy);
        let _ = v.reason().map(|r| r.to_string());
        if v.is_valid() {
            assert_eq!(v.billable(), Some(true));
            let release = v.release().expect("a valid answer names its release");
            assert!(release.contains(date) || v.is_extrapolated());
        }
        if let Some(code) = v.code() {
            let _ = cm.excludes1(&code);
            let _ = (cm.chapter(&code), cm.section(&code));
            let _ = (
                cm.title(&code),
                cm.notes(&code),
                cm.seventh_character_meaning(&code),
            );
        }
    }
    // Two codes separated by '|': the Excludes1 query answers the same both ways round.
    if let Some((a, b)) = text.split_once('|')
        && let (Ok(a), Ok(b)) = (a.parse::<Icd10CmCode>(), b.parse::<Icd10CmCode>())
    {
        assert_eq!(
            cm.excludes1_conflict(&a, &b).is_some(),
            cm.excludes1_conflict(&b, &a).is_some()
        );
    }
}

fuzz_target!(|data: &[u8]| {
    let (days, rest) = match data.split_first() {
        Some((&d, rest)) => (usize::from(d), rest),
        None => (0, data),
    };
    if let Ok(s) = std::str::from_utf8(rest) {
        icd10cm_lookup(s, days);
    }
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
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
