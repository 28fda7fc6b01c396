//! The built-in modifier and place of service tables.

use std::collections::HashSet;

use medbill_codes::{Modifier, ModifierCategory, ModifierInfo, PlaceOfService};

fn modifier(s: &str) -> Modifier {
    s.parse().unwrap()
}

#[test]
fn ncci_associated_modifiers_are_exactly_the_issue_list() {
    let expected: HashSet<&str> = [
        "E1", "E2", "E3", "E4", "FA", "F1", "F2", "F3", "F4", "F5", "F6", "F7", "F8", "F9", "TA",
        "T1", "T2", "T3", "T4", "T5", "T6", "T7", "T8", "T9", "LT", "RT", "LC", "LD", "RC", "LM",
        "RI", "24", "25", "57", "58", "78", "79", "59", "91", "XE", "XS", "XP", "XU",
    ]
    .into_iter()
    .collect();
    let found: HashSet<&str> = ModifierInfo::all()
        .iter()
        .filter(|m| m.modifier.is_ncci_associated())
        .map(|m| m.modifier.as_str())
        .collect();
    assert_eq!(found, expected);
}

#[test]
fn categories() {
    let cases = [
        ("26", ModifierCategory::ProfessionalTechnical),
        ("TC", ModifierCategory::ProfessionalTechnical),
        ("50", ModifierCategory::BilateralMultiple),
        ("51", ModifierCategory::BilateralMultiple),
        ("76", ModifierCategory::Repeat),
        ("77", ModifierCategory::Repeat),
        ("GA", ModifierCategory::LiabilityNotice),
        ("GY", ModifierCategory::LiabilityNotice),
        ("GZ", ModifierCategory::LiabilityNotice),
        ("KX", ModifierCategory::RequirementsMet),
        ("lt", ModifierCategory::Anatomic),
        ("25", ModifierCategory::GlobalSurgery),
        ("XS", ModifierCategory::DistinctService),
        ("22", ModifierCategory::Payment),
        ("33", ModifierCategory::Informational),
    ];
    for (code, category) in cases {
        assert_eq!(modifier(code).category(), Some(category), "{code}");
    }
    assert_eq!(modifier("ZZ").info(), None);
    assert!(!modifier("ZZ").is_ncci_associated());
    assert!(modifier("25").is_cpt());
    assert!(!modifier("GA").is_cpt());
}

#[test]
fn table_is_unique_and_described() {
    let mut seen = HashSet::new();
    for m in ModifierInfo::all() {
        assert!(seen.insert(m.modifier), "{} twice", m.modifier);
        assert!(!m.description.is_empty(), "{}", m.modifier);
        assert!(
            m.description.len() <= 100,
            "{} description too long",
            m.modifier
        );
        assert_eq!(m.modifier.info(), Some(m));
    }
    assert!(seen.len() > 100);
}

#[test]
fn place_of_service_names() {
    let pos = |s: &str| s.parse::<PlaceOfService>().unwrap();
    assert_eq!(pos("11").name(), Some("Office"));
    assert_eq!(pos("21").name(), Some("Inpatient Hospital"));
    assert_eq!(
        pos("02").name(),
        Some("Telehealth Provided Other than in Patient's Home")
    );
    assert_eq!(
        pos("10").name(),
        Some("Telehealth Provided in Patient's Home")
    );
    assert_eq!(pos("99").name(), Some("Other Place of Service"));
    for unassigned in ["28", "35", "43", "59", "73", "98"] {
        assert!(!pos(unassigned).is_assigned(), "{unassigned}");
    }
    assert!(pos("21").is_facility());
    assert!(!pos("11").is_facility());
    let values: Vec<u8> = PlaceOfService::assigned().map(|(p, _)| p.value()).collect();
    let mut sorted = values.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(values, sorted, "assigned codes are in order and unique");
    assert!(values.iter().all(|v| (1..=99).contains(v)));
    assert!("00".parse::<PlaceOfService>().is_err());
}

#[test]
fn category_json() {
    let json = serde_json::to_string(&ModifierCategory::GlobalSurgery).unwrap();
    assert_eq!(json, "\"global_surgery\"");
    let back: ModifierCategory = serde_json::from_str("\"liability_notice\"").unwrap();
    assert_eq!(back, ModifierCategory::LiabilityNotice);
}
