//! Property tests of the ICD-10-CM look-ups: any text and any date give an answer, never a
//! panic, and the answer is consistent with the code set.

use chrono::NaiveDate;
use medbill_codes::icd10cm::{DatePolicy, Icd10Cm, Invalid};
use proptest::prelude::*;

fn date(days: i32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2023, 1, 1).unwrap() + chrono::Duration::days(i64::from(days))
}

proptest! {
    #[test]
    fn any_text_any_date(text in "[A-Za-z0-9.]{0,9}|\\PC{0,10}", days in 0i32..2000, strict in any::<bool>()) {
        let cm = Icd10Cm::embedded();
        let policy = if strict { DatePolicy::Strict } else { DatePolicy::Extrapolate };
        let v = cm.check_with(&text, date(days), policy);
        // Every reason prints a sentence.
        if let Some(r) = v.reason() {
            prop_assert!(!r.to_string().is_empty());
        }
        if v.is_valid() {
            let release = v.release().unwrap();
            let entry = cm.entry(v.code().unwrap(), release).unwrap();
            prop_assert!(entry.is_billable());
            prop_assert!(release.contains(date(days)) || v.is_extrapolated());
        }
        if let Some(code) = v.code() {
            let _ = cm.excludes1(&code);
            let _ = cm.chapter(&code);
            #[cfg(feature = "titles")]
            {
                let _ = cm.notes(&code);
                let _ = cm.seventh_character_meaning(&code);
            }
        }
    }

    /// Billable codes taken from the table are valid on every date of their release, and a
    /// header's children lie under it.
    #[test]
    fn table_codes(pick in 0usize..74_000, days in 0i32..365) {
        let cm = Icd10Cm::embedded();
        let release = cm.newest();
        let entry = cm.entries(release).nth(pick).unwrap();
        let dos = release.effective_from() + chrono::Duration::days(i64::from(days));
        let v = cm.check(&entry.code().to_string(), dos);
        if entry.is_billable() {
            prop_assert!(v.is_valid(), "{:?}", v.reason());
        } else {
            match v.reason() {
                Some(Invalid::Header { first_child, .. }) => {
                    prop_assert!(first_child.undotted().starts_with(entry.code().undotted()));
                }
                other => prop_assert!(false, "{:?}", other),
            }
        }
        // Undotted lower-case input gives the same answer.
        let v2 = cm.check(&entry.code().undotted().to_ascii_lowercase(), dos);
        prop_assert_eq!(v, v2);
    }

    #[test]
    fn excludes1_is_symmetric(a in 0usize..74_000, b in 0usize..74_000) {
        let cm = Icd10Cm::embedded();
        let r = cm.newest();
        let a = cm.entries(r).nth(a).unwrap().code();
        let b = cm.entries(r).nth(b).unwrap().code();
        prop_assert_eq!(
            cm.excludes1_conflict(&a, &b).is_some(),
            cm.excludes1_conflict(&b, &a).is_some()
        );
    }
}
