//! Group codes, the CARC list and its denial categories.

use std::collections::HashSet;

use medbill_codes::{Carc, DenialCategory, GroupCode};

fn carc(s: &str) -> Carc {
    s.parse().unwrap()
}

#[test]
fn group_codes() {
    for g in GroupCode::ALL {
        assert_eq!(g.as_str().parse::<GroupCode>().unwrap(), g);
        assert!(!g.meaning().is_empty());
    }
    let in_5010: Vec<&str> = GroupCode::ALL
        .into_iter()
        .filter(|g| g.in_5010())
        .map(GroupCode::as_str)
        .collect();
    assert_eq!(in_5010, ["CO", "OA", "PI", "PR"]);
    assert!("XX".parse::<GroupCode>().is_err());
}

#[test]
fn listed_codes_are_unique_and_summarised_briefly() {
    let mut seen = HashSet::new();
    let mut count = 0;
    for c in Carc::listed() {
        count += 1;
        assert!(seen.insert(c), "{c} listed twice");
        let summary = c.summary().unwrap();
        // Our own few words, never a copied official description.
        assert!(summary.split_whitespace().count() <= 10, "{c}: {summary}");
        assert!(c.is_listed());
    }
    assert!(count >= 240, "only {count} codes listed");
}

#[test]
fn every_category_is_used() {
    let used: HashSet<DenialCategory> = Carc::listed().map(|c| c.denial_category()).collect();
    for category in DenialCategory::ALL {
        assert!(used.contains(&category), "{category} unused");
    }
}

#[test]
fn categories_of_common_codes() {
    use DenialCategory::*;
    let cases = [
        ("1", PatientResponsibility),
        ("2", PatientResponsibility),
        ("3", PatientResponsibility),
        ("45", Contractual),
        ("253", Contractual),
        ("18", Duplicate),
        ("B13", Duplicate),
        ("29", TimelyFiling),
        ("50", MedicalNecessity),
        ("197", AuthorizationReferral),
        ("288", AuthorizationReferral),
        ("22", CoordinationOfBenefits),
        ("109", CoordinationOfBenefits),
        ("16", MissingInformation),
        ("252", MissingInformation),
        ("27", EligibilityCoverage),
        ("96", EligibilityCoverage),
        ("97", CodingBundling),
        ("236", CodingBundling),
    ];
    for (code, category) in cases {
        assert_eq!(carc(code).denial_category(), category, "CARC {code}");
    }
    assert!(!Contractual.is_denial());
    assert!(!PatientResponsibility.is_denial());
    assert!(CodingBundling.is_denial());
}

#[test]
fn unlisted_codes_fall_in_other() {
    let c = carc("999");
    assert!(!c.is_listed());
    assert_eq!(c.summary(), None);
    assert_eq!(c.denial_category(), DenialCategory::Other);
}

#[test]
fn rarc_list() {
    use medbill_codes::Rarc;
    let mut seen = HashSet::new();
    for r in Rarc::listed() {
        assert!(seen.insert(r), "{r} twice");
        let summary = r.summary().unwrap();
        assert!(summary.split_whitespace().count() <= 10, "{r}: {summary}");
    }
    assert!(seen.len() >= 30);
    assert!("n362".parse::<Rarc>().unwrap().is_listed());
    assert!(!"N9999".parse::<Rarc>().unwrap().is_listed());
}
