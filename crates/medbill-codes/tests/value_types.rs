//! Property tests: every value type parses its well-formed text in any case and with
//! surrounding white space, prints canonical text that parses back to the same value, and
//! serialises (serde) as that text. Arbitrary text never panics a parser.

use std::fmt::Display;
use std::str::FromStr;

use medbill_codes::{
    Carc, CptCode, GroupCode, HcpcsCode, Icd10CmCode, Icd10PcsCode, Modifier, Npi, PlaceOfService,
    ProcedureCode, Rarc,
};
use proptest::prelude::*;
use serde::{Serialize, de::DeserializeOwned};

/// Parses `text`, checks Display is canonical (`expected`), that Display parses back to the same
/// value, and that serde writes and reads the same text.
fn round_trip<T>(text: &str, expected: &str) -> Result<(), TestCaseError>
where
    T: FromStr + Display + PartialEq + std::fmt::Debug + Serialize + DeserializeOwned,
    T::Err: std::fmt::Debug,
{
    let v: T = text
        .parse()
        .map_err(|e| TestCaseError::fail(format!("{text:?}: {e:?}")))?;
    let shown = v.to_string();
    prop_assert_eq!(&shown, expected);
    let again: T = shown
        .parse()
        .map_err(|e| TestCaseError::fail(format!("{shown:?}: {e:?}")))?;
    prop_assert_eq!(&again, &v);
    let json = serde_json::to_string(&v).unwrap();
    prop_assert_eq!(&json, &format!("\"{expected}\""));
    let back: T = serde_json::from_str(&json).unwrap();
    prop_assert_eq!(&back, &v);
    Ok(())
}

/// Whatever parses from arbitrary text must print text that parses to the same value.
fn never_panics<T>(text: &str) -> Result<(), TestCaseError>
where
    T: FromStr + Display + PartialEq + std::fmt::Debug,
{
    if let Ok(v) = text.parse::<T>() {
        let again = v.to_string().parse::<T>().ok();
        prop_assert_eq!(again.as_ref(), Some(&v));
    }
    Ok(())
}

/// Randomly lower-cases letters and pads with white space.
fn messy(canonical: &str, mask: u64, pad: usize) -> String {
    let body: String = canonical
        .chars()
        .enumerate()
        .map(|(i, c)| {
            if mask >> (i % 64) & 1 == 1 {
                c.to_ascii_lowercase()
            } else {
                c
            }
        })
        .collect();
    let ws = [" ", "\t", "  "][pad % 3];
    if pad.is_multiple_of(2) {
        body
    } else {
        format!("{ws}{body}{ws}")
    }
}

fn dotted(undotted: &str) -> String {
    if undotted.len() > 3 {
        format!("{}.{}", &undotted[..3], &undotted[3..])
    } else {
        undotted.to_string()
    }
}

proptest! {
    #[test]
    fn icd10cm(code in "[A-Z][0-9A-Z][A-Z0-9]{1,5}", dot in any::<bool>(), mask in any::<u64>(), pad in 0usize..6) {
        let canonical = dotted(&code);
        let input = if dot { canonical.clone() } else { code.clone() };
        round_trip::<Icd10CmCode>(&messy(&input, mask, pad), &canonical)?;
        let v: Icd10CmCode = code.parse().unwrap();
        prop_assert_eq!(v.undotted(), code.as_str());
        prop_assert_eq!(v.category(), &code[..3]);
    }

    #[test]
    fn icd10pcs(code in "[0-9A-HJ-NP-Z]{7}", mask in any::<u64>(), pad in 0usize..6) {
        round_trip::<Icd10PcsCode>(&messy(&code, mask, pad), &code)?;
    }

    #[test]
    fn cpt(code in "[0-9]{4}[0-9FTU]", mask in any::<u64>(), pad in 0usize..6) {
        round_trip::<CptCode>(&messy(&code, mask, pad), &code)?;
        round_trip::<ProcedureCode>(&messy(&code, mask, pad), &code)?;
    }

    #[test]
    fn hcpcs(code in "[ABCEGHJKLMPQRSTUV][0-9]{4}", mask in any::<u64>(), pad in 0usize..6) {
        round_trip::<HcpcsCode>(&messy(&code, mask, pad), &code)?;
        round_trip::<ProcedureCode>(&messy(&code, mask, pad), &code)?;
    }

    #[test]
    fn modifier(code in "[A-Z0-9]{2}", mask in any::<u64>(), pad in 0usize..6) {
        round_trip::<Modifier>(&messy(&code, mask, pad), &code)?;
    }

    #[test]
    fn place_of_service(value in 1u8..=99, pad in 0usize..6) {
        let canonical = format!("{value:02}");
        round_trip::<PlaceOfService>(&messy(&canonical, 0, pad), &canonical)?;
        prop_assert_eq!(PlaceOfService::new(value).unwrap().value(), value);
    }

    #[test]
    fn npi(first_nine in "[0-9]{9}", pad in 0usize..6) {
        let mut nine = [0u8; 9];
        nine.copy_from_slice(first_nine.as_bytes());
        let npi = Npi::from_first_nine(nine).unwrap();
        let canonical = npi.to_string();
        prop_assert!(canonical.starts_with(&first_nine));
        round_trip::<Npi>(&messy(&canonical, 0, pad), &canonical)?;
        // Any other last digit fails the check.
        let last = canonical.as_bytes()[9];
        let wrong = format!("{first_nine}{}", (last - b'0' + 1) % 10);
        prop_assert!(wrong.parse::<Npi>().is_err());
    }

    #[test]
    fn group_code(i in 0usize..5, mask in any::<u64>(), pad in 0usize..6) {
        let canonical = ["CO", "CR", "OA", "PI", "PR"][i];
        round_trip::<GroupCode>(&messy(canonical, mask, pad), canonical)?;
    }

    #[test]
    fn carc(code in "[A-Z0-9]{1,3}", mask in any::<u64>(), pad in 0usize..6) {
        round_trip::<Carc>(&messy(&code, mask, pad), &code)?;
    }

    #[test]
    fn rarc(code in "(M|MA|N)[0-9]{1,3}", mask in any::<u64>(), pad in 0usize..6) {
        round_trip::<Rarc>(&messy(&code, mask, pad), &code)?;
    }

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,12}") {
        never_panics::<Icd10CmCode>(&text)?;
        never_panics::<Icd10PcsCode>(&text)?;
        never_panics::<CptCode>(&text)?;
        never_panics::<HcpcsCode>(&text)?;
        never_panics::<ProcedureCode>(&text)?;
        never_panics::<Modifier>(&text)?;
        never_panics::<PlaceOfService>(&text)?;
        never_panics::<Npi>(&text)?;
        never_panics::<GroupCode>(&text)?;
        never_panics::<Carc>(&text)?;
        never_panics::<Rarc>(&text)?;
    }

    #[test]
    fn code_like_text_never_panics(text in "[A-Za-z0-9. -]{0,10}") {
        never_panics::<Icd10CmCode>(&text)?;
        never_panics::<Icd10PcsCode>(&text)?;
        never_panics::<ProcedureCode>(&text)?;
        never_panics::<Rarc>(&text)?;
    }
}
