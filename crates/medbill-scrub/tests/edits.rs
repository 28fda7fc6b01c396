//! Each built-in edit: a claim that triggers it and one that does not.

mod common;

use common::*;
use medbill_claim::{DiagnosisPointers, Sex};
use medbill_scrub::Severity;

#[test]
fn clean_claim_has_no_findings() {
    let c = claim(
        &["E11.9", "I10"],
        vec![line("99213").pointers([1, 2]), line("11111").pointers([1])],
    );
    let f = scrub(&c);
    assert!(f.is_empty(), "{f:#?}");
}

#[test]
fn icd10_invalid_deleted_and_not_yet_added() {
    // S30.1XXA left the code set in FY2026.
    let c = claim(&["S30.1XXA"], vec![line("99213")]);
    let f = scrub(&c);
    let hits = of(&f, "ICD10.INVALID");
    assert_eq!(hits.len(), 1, "{f:#?}");
    assert_eq!(hits[0].codes, ["S30.1XXA"]);
    assert_eq!(hits[0].severity, Severity::Reject);
    assert!(
        hits[0].message.contains("deleted in FY2026"),
        "{}",
        hits[0].message
    );
    assert_eq!(hits[0].line, None);

    // B88.01 arrived in FY2026: not valid on a FY2025 date of service.
    let mut c = claim(&["B88.01"], vec![line("99213")]);
    professional_detail_mut(&mut c).lines[0].service_date = Some(day("2025-03-02"));
    let f = scrub(&c);
    assert_eq!(of(&f, "ICD10.INVALID").len(), 1, "{f:#?}");
    assert!(
        of(&f, "ICD10.INVALID")[0]
            .fix
            .as_deref()
            .unwrap()
            .contains("2025-10-01")
    );
    // On a FY2026 date it is fine.
    let c = claim(&["B88.01"], vec![line("99213")]);
    assert!(of(&scrub(&c), "ICD10.INVALID").is_empty());
}

#[test]
fn icd10_header_is_not_billable() {
    let c = claim(&["S72.00"], vec![line("99213")]);
    let f = scrub(&c);
    let hits = of(&f, "ICD10.NOT_BILLABLE");
    assert_eq!(hits.len(), 1, "{f:#?}");
    assert_eq!(
        hits[0].fix.as_deref(),
        Some("remove the header code and use one of S72.001-S72.009")
    );
    assert!(of(&f, "ICD10.SEVENTH_CHARACTER").is_empty());
    assert!(of(&f, "ICD10.INVALID").is_empty());
}

#[test]
fn icd10_seventh_character_missing_wrong_or_without_placeholder() {
    for (code, needle) in [
        ("S72.001", "needs a 7th character"),
        ("S72.001Z", "Z is not a valid 7th character for S72.001"),
        ("T07.A", "missing its X placeholder"),
        ("T07", "needs a 7th character"),
    ] {
        let c = claim(&[code], vec![line("99213")]);
        let f = scrub(&c);
        let hits = of(&f, "ICD10.SEVENTH_CHARACTER");
        assert_eq!(hits.len(), 1, "{code}: {f:#?}");
        assert!(
            hits[0].message.contains(needle),
            "{code}: {}",
            hits[0].message
        );
        // Reported once, under the most specific edit.
        assert_eq!(f.len(), 1, "{code}: {f:#?}");
    }
    let c = claim(&["T07.XXXA"], vec![line("99213")]);
    assert!(scrub(&c).is_empty());
}

#[test]
fn icd10_excludes1_pair() {
    let c = claim(&["E11.9", "E10.9"], vec![line("99213").pointers([1, 2])]);
    let f = scrub(&c);
    let hits = of(&f, "ICD10.EXCLUDES1");
    assert_eq!(hits.len(), 1, "{f:#?}");
    assert_eq!(hits[0].codes, ["E11.9", "E10.9"]);
    assert!(hits[0].message.contains("Excludes1"));
    let c = claim(&["E11.9", "I10"], vec![line("99213").pointers([1, 2])]);
    assert!(of(&scrub(&c), "ICD10.EXCLUDES1").is_empty());
}

#[test]
fn icd10_sequencing() {
    // G63: polyneuropathy in diseases classified elsewhere.
    let c = claim(&["G63", "E11.42"], vec![line("99213").pointers([1, 2])]);
    let f = scrub(&c);
    assert_eq!(of(&f, "ICD10.MANIFESTATION_FIRST").len(), 1, "{f:#?}");
    let c = claim(&["E11.42", "G63"], vec![line("99213").pointers([1, 2])]);
    assert!(of(&scrub(&c), "ICD10.MANIFESTATION_FIRST").is_empty());

    let c = claim(
        &["W19.XXXA", "S72.001A"],
        vec![line("99213").pointers([1, 2])],
    );
    let f = scrub(&c);
    let hits = of(&f, "ICD10.EXTERNAL_CAUSE_FIRST");
    assert_eq!(hits.len(), 1, "{f:#?}");
    assert!(hits[0].fix.as_deref().unwrap().contains("S72.001A"));
    let c = claim(
        &["S72.001A", "W19.XXXA"],
        vec![line("99213").pointers([1, 2])],
    );
    assert!(of(&scrub(&c), "ICD10.EXTERNAL_CAUSE_FIRST").is_empty());
}

fn claim_for(birth: &str, sex: Sex, dx: &str) -> medbill_claim::Claim {
    professional_for("PCN-AGE", birth, sex)
        .diagnosis(dx.parse().unwrap())
        .line(line("99213"))
        .build()
        .unwrap()
}

#[test]
fn icd10_age_edits() {
    // Maternity at 70 and at 30.
    let f = scrub(&claim_for("1956-01-01", Sex::Female, "O80"));
    assert_eq!(of(&f, "ICD10.AGE").len(), 1, "{f:#?}");
    assert!(of(&f, "ICD10.AGE")[0].message.contains("ages 9-64"));
    assert!(
        of(
            &scrub(&claim_for("1996-01-01", Sex::Female, "O80")),
            "ICD10.AGE"
        )
        .is_empty()
    );
    // Perinatal at 5, and at 0.
    assert_eq!(
        of(
            &scrub(&claim_for("2021-01-01", Sex::Male, "P07.30")),
            "ICD10.AGE"
        )
        .len(),
        1
    );
    assert!(
        of(
            &scrub(&claim_for("2026-01-10", Sex::Male, "P07.30")),
            "ICD10.AGE"
        )
        .is_empty()
    );
}

#[test]
fn icd10_sex_edits() {
    let f = scrub(&claim_for("1960-01-01", Sex::Female, "N40.0"));
    assert_eq!(of(&f, "ICD10.SEX").len(), 1, "{f:#?}");
    assert!(
        of(
            &scrub(&claim_for("1960-01-01", Sex::Male, "N40.0")),
            "ICD10.SEX"
        )
        .is_empty()
    );
    assert_eq!(
        of(
            &scrub(&claim_for("1990-01-01", Sex::Male, "O80")),
            "ICD10.SEX"
        )
        .len(),
        1
    );
    assert!(
        of(
            &scrub(&claim_for("1990-01-01", Sex::Unknown, "O80")),
            "ICD10.SEX"
        )
        .is_empty()
    );
}

#[test]
fn modifier_edits() {
    let c = claim(
        &["E11.9"],
        vec![
            with_mods(line("99213"), &["98"]),
            with_mods(line("99214"), &["59", "XU"]),
            with_mods(line("99215"), &["26", "TC"]),
            with_mods(line("99211"), &["50", "LT"]),
            with_mods(line("99212"), &["GA", "GZ"]),
            with_mods(line("99202"), &["25", "25"]),
            with_mods(line("99203"), &["25", "XS"]),
        ],
    );
    let f = scrub(&c);
    let invalid = of(&f, "MOD.INVALID");
    assert_eq!(invalid.len(), 1, "{f:#?}");
    assert_eq!(
        (invalid[0].line, invalid[0].codes.clone()),
        (Some(1), vec!["98".to_string()])
    );
    let conflicts: Vec<_> = of(&f, "MOD.CONFLICT")
        .iter()
        .map(|x| (x.line.unwrap(), x.codes.join("+")))
        .collect();
    assert_eq!(
        conflicts,
        [
            (2, "59+XU".to_string()),
            (3, "26+TC".to_string()),
            (4, "50+LT".to_string()),
            (5, "GA+GZ".to_string())
        ]
    );
    let dup = of(&f, "MOD.DUPLICATE");
    assert_eq!(dup.len(), 1);
    assert_eq!(dup[0].line, Some(6));
}

#[test]
fn dx_pointer_missing_or_past_the_list() {
    let mut c = claim(&["E11.9", "I10"], vec![line("99213"), line("99214")]);
    {
        let p = professional_detail_mut(&mut c);
        p.lines[0].diagnosis_pointers = DiagnosisPointers::new();
        p.lines[1].diagnosis_pointers = DiagnosisPointers::from_slice(&[1, 3]);
    }
    let f = scrub(&c);
    let hits = of(&f, "DX.POINTER");
    assert_eq!(hits.len(), 2, "{f:#?}");
    assert_eq!(hits[0].line, Some(1));
    assert_eq!(
        (hits[1].line, hits[1].codes.clone()),
        (Some(2), vec!["3".to_string()])
    );
}

#[test]
fn duplicate_lines() {
    let c = claim(
        &["E11.9"],
        vec![
            with_mods(line("99213"), &["25", "GT"]),
            with_mods(line("99213"), &["GT", "25"]),
            with_mods(line("99213"), &["25"]),
        ],
    );
    let f = scrub(&c);
    let hits = of(&f, "LINE.DUPLICATE");
    assert_eq!(hits.len(), 1, "{f:#?}");
    assert_eq!(hits[0].line, Some(2));
}

#[test]
fn claim_total_differs() {
    let c = professional("PCN-TOT")
        .diagnosis("E11.9".parse().unwrap())
        .line(line("99213"))
        .total_charge(d("150.00"))
        .build()
        .unwrap();
    let f = scrub(&c);
    let hits = of(&f, "CLAIM.TOTAL");
    assert_eq!(hits.len(), 1, "{f:#?}");
    assert_eq!(
        hits[0].fix.as_deref(),
        Some("set the total charge (CLM02) to 100.00")
    );
    assert_eq!(hits[0].line, None);
}

#[test]
fn dates_future_reversed_after_submission() {
    let mut c = claim(
        &["E11.9"],
        vec![line("99213"), line("99214"), line("99215")],
    );
    {
        let p = professional_detail_mut(&mut c);
        p.lines[0].service_date = Some(day("2026-04-01"));
        p.lines[1].service_end = Some(day("2026-02-20"));
        p.lines[2].service_date = Some(day("2026-03-04"));
    }
    let opts = medbill_scrub::ScrubOptions::new(day("2026-03-03"), day(SUBMITTED));
    let f = scrubber().scrub(&c, &opts);
    let hits: Vec<_> = of(&f, "DATE.INVALID")
        .iter()
        .map(|x| (x.line.unwrap(), x.message.clone()))
        .collect();
    assert_eq!(hits.len(), 3, "{f:#?}");
    assert!(hits[0].1.contains("in the future"));
    assert!(hits[1].1.contains("ends (2026-02-20) before it starts"));
    assert!(hits[2].1.contains("after the submission date"));
}

#[test]
fn timely_filing_default_limit() {
    let c = claim(&["E11.9"], vec![line("99213")]);
    let late = medbill_scrub::ScrubOptions::on(day("2027-03-01"));
    let f = scrubber().scrub(&c, &late);
    let hits = of(&f, "CLAIM.TIMELY_FILING");
    assert_eq!(hits.len(), 1, "{f:#?}");
    assert!(hits[0].message.contains("367 days"), "{}", hits[0].message);
    let in_time = medbill_scrub::ScrubOptions::on(day("2027-02-27"));
    assert!(of(&scrubber().scrub(&c, &in_time), "CLAIM.TIMELY_FILING").is_empty());
}

#[test]
fn findings_carry_no_phi() {
    // A claim that trips many edits, patient demographics included.
    let c = professional_for("PCN-PHI", "1956-01-01", Sex::Male)
        .diagnosis("O80".parse().unwrap())
        .diagnosis("S72.001".parse().unwrap())
        .line(with_mods(line("11111"), &["59", "XU"]))
        .line(with_units(line("22222"), "5"))
        .total_charge(d("1.00"))
        .build()
        .unwrap();
    let f = scrub(&c);
    assert!(f.len() >= 5, "{f:#?}");
    let text = serde_json::to_string(&f).unwrap() + &format!("{f:?}");
    for phi in [MEMBER_ID, LAST_NAME, FIRST_NAME, "1956-01-01", "1956", "70"] {
        assert!(!text.contains(phi), "{phi} leaked: {text}");
    }
}

#[test]
fn institutional_claims_are_edited_on_their_principal_and_statement_dates() {
    // External cause as principal; maternity for a 76-year-old man.
    let c = institutional("W19.XXXA", &["O80", "S72.001A"], DOS, DOS);
    let f = scrub(&c);
    let edits: Vec<&str> = f.iter().map(|x| x.edit.as_str()).collect();
    assert!(edits.contains(&"ICD10.EXTERNAL_CAUSE_FIRST"), "{f:#?}");
    assert!(edits.contains(&"ICD10.AGE"), "{f:#?}");
    assert!(edits.contains(&"ICD10.SEX"), "{f:#?}");
    // Diagnoses are coded for the statement end: B88.01 (new in FY2026) is valid for a stay
    // that ends on 2025-10-02 even though it began in FY2025.
    let c = institutional("B88.01", &[], "2025-09-28", "2025-10-02");
    assert!(of(&scrub(&c), "ICD10.INVALID").is_empty());
    let c = institutional("B88.01", &[], "2025-09-20", "2025-09-28");
    assert_eq!(of(&scrub(&c), "ICD10.INVALID").len(), 1);
    // Timely filing runs from the statement end.
    let c = institutional("R69", &[], "2025-01-01", "2025-01-10");
    let f = scrubber().scrub(&c, &medbill_scrub::ScrubOptions::on(day("2026-01-08")));
    assert!(of(&f, "CLAIM.TIMELY_FILING").is_empty(), "{f:#?}");
    let f = scrubber().scrub(&c, &medbill_scrub::ScrubOptions::on(day("2026-01-12")));
    assert_eq!(of(&f, "CLAIM.TIMELY_FILING").len(), 1, "{f:#?}");
}
