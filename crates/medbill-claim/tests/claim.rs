//! Claim construction: what the builder refuses, serde, and PHI redaction.

mod common;

use common::*;
use medbill_claim::{
    Admission, Claim, ClaimDetail, ClaimError, Diagnosis, Discharge, Drug, DrugUnit, FrequencyCode,
    IcdProcedure, InstitutionalLine, PoaIndicator, ProfessionalLine, ValueCode,
};

#[test]
fn builds_a_professional_claim() {
    let claim = office_visit("PCN100");
    assert_eq!(claim.total_charge, d("300.00"));
    assert_eq!(claim.line_count(), 2);
    assert_eq!(claim.diagnosis_codes().len(), 2);
    assert_eq!(
        claim.service_dates(),
        Some((day("2026-02-27"), day("2026-02-27")))
    );
    assert_eq!(claim.patient_birth_date(), Some(day("1961-07-14")));
    assert_eq!(claim.patient_age_on(day("2026-02-27")), Some(64));
    assert!(claim.professional_detail().is_some());
    assert!(claim.institutional_detail().is_none());
    let dx: Vec<String> = claim
        .line_diagnoses(0)
        .iter()
        .map(|d| d.to_string())
        .collect();
    assert_eq!(dx, ["E11.9", "I10"]);
    let dx: Vec<String> = claim
        .line_diagnoses(1)
        .iter()
        .map(|d| d.to_string())
        .collect();
    assert_eq!(dx, ["I10"]);
    assert!(claim.line_diagnoses(2).is_empty());
    assert_eq!(claim.type_of_bill(), None);
}

#[test]
fn patient_accessors_prefer_the_patient() {
    let claim = professional("PCN101")
        .patient(child_patient())
        .diagnosis("J02.9".parse().unwrap())
        .line(ProfessionalLine::new(
            "99213".parse().unwrap(),
            d("90"),
            d("1"),
            day("2026-01-05"),
        ))
        .build()
        .unwrap();
    assert_eq!(claim.patient_birth_date(), Some(day("2015-02-03")));
    assert_eq!(claim.patient_age_on(day("2026-01-05")), Some(10));
    assert_eq!(claim.patient_sex(), Some(medbill_claim::Sex::Male));
}

fn one_line(line: ProfessionalLine) -> Result<Claim, ClaimError> {
    professional("PCN102")
        .diagnosis("E11.9".parse().unwrap())
        .diagnosis("I10".parse().unwrap())
        .line(line)
        .build()
}

fn visit() -> ProfessionalLine {
    ProfessionalLine::new("99213".parse().unwrap(), d("90"), d("1"), day("2026-01-05"))
}

#[test]
fn refuses_a_pointer_to_a_missing_diagnosis() {
    let err = one_line(visit().pointers([1, 3])).unwrap_err();
    assert!(matches!(
        err,
        ClaimError::PointerOutOfRange {
            pointer: 3,
            diagnoses: 2,
            ..
        }
    ));
    assert_eq!(
        err.to_string(),
        "lines[0].diagnosis_pointers[1] is 3, but the claim's diagnoses are numbered 1 to 2"
    );
    assert!(one_line(visit().pointers([0])).is_err());
    assert!(one_line(visit().pointers([])).is_err());
    assert!(one_line(visit().pointers([1, 1])).is_err());
    assert!(one_line(visit().pointers([2, 1])).is_ok());
}

#[test]
fn refuses_five_modifiers_and_a_negative_charge() {
    let m = "59".parse().unwrap();
    assert!(one_line(visit().modifiers([m, m, m, m])).is_ok());
    assert!(matches!(
        one_line(visit().modifiers([m, m, m, m, m])),
        Err(ClaimError::TooMany {
            max: 4,
            found: 5,
            ..
        })
    ));
    let mut line = visit();
    line.charge = d("-1.00");
    let err = one_line(line).unwrap_err();
    assert_eq!(
        err.to_string(),
        "lines[0].charge is -1.00, which is negative"
    );
    let mut line = visit();
    line.units = d("0");
    assert!(matches!(
        one_line(line),
        Err(ClaimError::NotPositive { .. })
    ));
    // A zero charge can exist (a no-charge follow-up); the scrubber decides.
    let mut line = visit();
    line.charge = d("0");
    assert!(one_line(line).is_ok());
}

#[test]
fn refuses_backwards_ranges_and_bad_ndc() {
    assert!(matches!(
        one_line(visit().through(day("2026-01-01"))),
        Err(ClaimError::DateOrder { .. })
    ));
    let drug = Drug {
        ndc: "0002-8215-01".into(),
        quantity: d("10"),
        unit: DrugUnit::Unit.into(),
    };
    assert!(one_line(visit().drug(drug.clone())).is_err());
    let drug = Drug {
        ndc: "00002821501".into(),
        ..drug
    };
    assert!(one_line(visit().drug(drug)).is_ok());
}

#[test]
fn requires_parties_diagnoses_and_lines() {
    let err = Claim::professional("PCN103").build().unwrap_err();
    assert_eq!(err.to_string(), "billing_provider is required");
    let err = professional("PCN103").build().unwrap_err();
    assert_eq!(
        err.to_string(),
        "diagnoses is empty; at least one entry is required"
    );
    let mut b = professional("PCN103");
    for code in [
        "A00.0", "A01.00", "A02.0", "A03.0", "A04.0", "A05.0", "A06.0", "A07.0", "A08.0", "A09",
        "B00.0", "B01.0", "B02.0",
    ] {
        b = b.diagnosis(code.parse().unwrap());
    }
    let err = b.line(visit()).build().unwrap_err();
    assert!(matches!(
        err,
        ClaimError::TooMany {
            max: 12,
            found: 13,
            ..
        }
    ));
    let err = professional("PCN103")
        .diagnosis("I10".parse().unwrap())
        .build()
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "lines is empty; at least one entry is required"
    );
}

#[test]
fn replacement_needs_the_original_claim_number() {
    let base = || {
        professional("PCN104")
            .diagnosis("I10".parse().unwrap())
            .line(visit())
    };
    let err = base()
        .frequency(FrequencyCode::Replacement, None)
        .build()
        .unwrap_err();
    assert_eq!(err.to_string(), "original_payer_claim_number is required");
    let claim = base()
        .frequency(FrequencyCode::Replacement, Some("2026ICN0001".into()))
        .build()
        .unwrap();
    assert_eq!(claim.frequency, FrequencyCode::Replacement);
}

#[test]
fn refuses_form_mismatches() {
    let err = professional("PCN105")
        .diagnosis("I10".parse().unwrap())
        .line(visit())
        .drg("470")
        .build()
        .unwrap_err();
    assert_eq!(err.to_string(), "drg: applies to institutional claims only");
}

fn inpatient() -> medbill_claim::ClaimBuilder {
    Claim::institutional("PCN200", "11", day("2026-01-03"), day("2026-01-06"))
        .billing_provider(billing())
        .subscriber(subscriber())
        .payer(payer(), medbill_claim::ClaimFilingIndicator::MedicarePartA)
        .admission(Admission {
            date: day("2026-01-03"),
            hour: Some(14),
            type_code: Some("1".into()),
            source_code: Some("7".into()),
        })
        .discharge(Discharge {
            hour: Some(11),
            status_code: "01".into(),
        })
        .principal_diagnosis(Diagnosis::new(
            "S72.001A".parse().unwrap(),
            Some(PoaIndicator::Yes),
        ))
        .admitting_diagnosis("S72.001A".parse().unwrap())
        .other_diagnosis(Diagnosis::new(
            "I10".parse().unwrap(),
            Some(PoaIndicator::Yes),
        ))
        .procedure(IcdProcedure::new(
            "0SR9019".parse().unwrap(),
            day("2026-01-04"),
        ))
        .value_code(ValueCode {
            code: "80".into(),
            amount: d("3"),
        })
        .institutional_line(InstitutionalLine::new("0120", d("4500.00"), d("3")))
        .institutional_line(
            InstitutionalLine::new("0360", d("12000.00"), d("1"))
                .procedure("27236".parse().unwrap(), [])
                .service_date(day("2026-01-04")),
        )
}

#[test]
fn builds_an_institutional_claim() {
    let claim = inpatient().build().unwrap();
    assert_eq!(claim.total_charge, d("16500.00"));
    assert_eq!(claim.type_of_bill().as_deref(), Some("111"));
    assert_eq!(claim.diagnosis_codes().len(), 3);
    let detail = claim.institutional_detail().unwrap();
    assert_eq!(
        detail
            .principal_procedure
            .as_ref()
            .unwrap()
            .code
            .to_string(),
        "0SR9019"
    );
    assert_eq!(
        claim.service_dates(),
        Some((day("2026-01-03"), day("2026-01-06")))
    );
    let json = serde_json::to_string(&claim).unwrap();
    assert!(json.contains(r#""form":"institutional""#), "{json}");
    let back: Claim = serde_json::from_str(&json).unwrap();
    assert_eq!(back, claim);
}

#[test]
fn refuses_impossible_institutional_claims() {
    let err = Claim::institutional("PCN201", "11", day("2026-01-06"), day("2026-01-03"))
        .billing_provider(billing())
        .subscriber(subscriber())
        .payer(payer(), medbill_claim::ClaimFilingIndicator::MedicarePartA)
        .principal_diagnosis(Diagnosis::new("I10".parse().unwrap(), None))
        .institutional_line(InstitutionalLine::new("0120", d("1"), d("1")))
        .build()
        .unwrap_err();
    assert!(matches!(err, ClaimError::DateOrder { .. }), "{err}");
    let err = inpatient()
        .institutional_line(InstitutionalLine::new("450", d("1"), d("1")))
        .build()
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "lines[2].revenue_code: revenue code must be 4 characters long, found 3"
    );
    let err = inpatient()
        .reason_for_visit("R10.9".parse().unwrap())
        .reason_for_visit("R10.9".parse().unwrap())
        .reason_for_visit("R10.9".parse().unwrap())
        .reason_for_visit("R10.9".parse().unwrap())
        .build()
        .unwrap_err();
    assert!(matches!(err, ClaimError::TooMany { max: 3, .. }));
}

#[test]
fn serde_round_trip_and_money_as_string() {
    let claim = office_visit("PCN106");
    let json = serde_json::to_string(&claim).unwrap();
    assert!(json.contains(r#""total_charge":"300.00""#), "{json}");
    assert!(json.contains(r#""form":"professional""#), "{json}");
    // Serde carries the real PHI: it is data.
    assert!(json.contains("QUILLFEATHER"));
    let back: Claim = serde_json::from_str(&json).unwrap();
    assert_eq!(back, claim);
}

#[test]
fn deserialising_keeps_what_the_builder_refuses_and_check_reports_it() {
    let claim = office_visit("PCN107");
    let mut value = serde_json::to_value(&claim).unwrap();
    value["detail"]["lines"][0]["diagnosis_pointers"] = serde_json::json!([1, 5]);
    value["detail"]["lines"][1]["procedure"] = serde_json::json!("9300");
    let read = serde_json::from_value::<Claim>(value).unwrap();
    // Kept as sent: the pointer past the list and the malformed code.
    assert_eq!(
        read.professional_detail().unwrap().lines[0].diagnosis_pointers,
        [1, 5]
    );
    assert_eq!(
        read.professional_detail().unwrap().lines[1]
            .procedure
            .x12_str(),
        "9300"
    );
    let problems: Vec<String> = read.check().iter().map(|p| p.to_string()).collect();
    assert_eq!(
        problems,
        [
            "lines[0].diagnosis_pointers[1] is 5, but the claim's diagnoses are numbered 1 to 2",
            "lines[1].procedure: CPT code must be 5 characters long, found 4",
        ]
    );
    let err = read.validate().unwrap_err();
    assert!(err.to_string().contains("diagnosis_pointers[1]"), "{err}");
    // Written back, it reads the same.
    let again: Claim = serde_json::from_str(&serde_json::to_string(&read).unwrap()).unwrap();
    assert_eq!(again, read);
}

#[test]
fn debug_and_errors_never_show_phi() {
    let claim = professional("PCN108")
        .patient(child_patient())
        .diagnosis("J02.9".parse().unwrap())
        .line(visit())
        .build()
        .unwrap();
    let debug = format!("{claim:?}");
    for secret in [
        "QUILLFEATHER",
        "MARISOL",
        "TOBIAS",
        "XQZ900112233",
        "1961",
        "2015-02-03",
        "078051120",
        "ELMWOOD",
        "62704",
        "987654321",
    ] {
        assert!(!debug.contains(secret), "{secret} leaked into Debug");
    }
    assert!(debug.contains("<redacted>"));
    // Errors name fields, not values of PHI fields.
    let mut value = serde_json::to_value(&claim).unwrap();
    value["patient"]["relationship"] = serde_json::json!("18");
    let err = serde_json::from_value::<Claim>(value)
        .unwrap()
        .validate()
        .unwrap_err()
        .to_string();
    assert!(
        !err.contains("QUILLFEATHER") && !err.contains("TOBIAS"),
        "{err}"
    );
}

#[test]
fn validate_after_mutation() {
    let mut claim = office_visit("PCN109");
    assert!(claim.validate().is_ok());
    if let ClaimDetail::Professional(p) = &mut claim.detail {
        p.diagnoses.truncate(1);
    }
    assert!(matches!(
        claim.validate(),
        Err(ClaimError::PointerOutOfRange { .. })
    ));
}

#[test]
fn ledger_events_from_a_claim() {
    let claim = office_visit("PCN110");
    let created = claim.created_event(day("2026-03-01"));
    assert_eq!(created.kind.amount(), Some(d("300.00")));
    assert_eq!(created.payer_id.as_deref(), Some("87726"));
    let sub = claim.submission_event(day("2026-03-02"), true);
    assert_eq!(sub.kind.name(), "submitted");
    let resub = claim.submission_event(day("2026-03-09"), false);
    assert_eq!(resub.kind.name(), "resubmitted");
}
