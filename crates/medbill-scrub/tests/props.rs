//! Property tests: arbitrary input never panics the loaders or the scrubber.

mod common;

use common::*;
use medbill_claim::DiagnosisPointers;
use medbill_scrub::ncci::{AddOnTable, MueTable, NcciSetting, PtpTable};
use proptest::prelude::*;

fn field() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("11111".to_string()),
        Just("G0001".to_string()),
        Just("*".to_string()),
        Just("20200101".to_string()),
        Just("1".to_string()),
        Just("\"".to_string()),
        Just(String::new()),
        "[ -~]{0,12}",
    ]
}

fn row() -> impl Strategy<Value = String> {
    (prop::collection::vec(field(), 0..9), prop::bool::ANY)
        .prop_map(|(f, tabs)| f.join(if tabs { "\t" } else { "," }))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn loaders_never_panic(rows in prop::collection::vec(row(), 0..12), noise in prop::collection::vec(any::<u8>(), 0..64)) {
        let mut text = rows.join("\n").into_bytes();
        text.extend_from_slice(&noise);
        let _ = PtpTable::from_reader(&text[..], "p", NcciSetting::Practitioner);
        let _ = MueTable::from_reader(&text[..], "m", NcciSetting::Practitioner);
        let _ = AddOnTable::from_reader(&text[..], "a");
    }

    #[test]
    fn scrubbing_never_panics(
        codes in prop::collection::vec(prop::sample::select(vec!["11111", "22222", "33333", "44444", "99213", "G0001", "0591T", "3008F"]), 1..6),
        mods in prop::collection::vec(prop::sample::select(vec!["25", "59", "XU", "26", "TC", "50", "LT", "GA", "GZ", "98", "Q9"]), 0..4),
        dx in prop::collection::vec(prop::sample::select(vec!["E11.9", "E10.9", "S72.001", "S72.001Z", "T07.A", "O80", "N40.0", "P07.30", "W19.XXXA", "G63", "Z00.00", "A00"]), 1..5),
        units in 1u32..20,
        day_offset in -800i64..400,
        submitted_offset in -30i64..900,
        pointer in 0u8..8,
    ) {
        let base = day(DOS);
        let lines = codes.iter().enumerate().map(|(i, c)| {
            let mut l = with_units(with_mods(line(c), &mods[..mods.len().min(i)]), &units.to_string());
            l.service_date = Some(base + chrono::Duration::days(day_offset + i as i64));
            l
        }).collect();
        let mut c = claim(&dx, lines);
        professional_detail_mut(&mut c).lines[0].diagnosis_pointers = DiagnosisPointers::from_slice(&[pointer]);
        let opts = medbill_scrub::ScrubOptions::on(base + chrono::Duration::days(submitted_offset));
        let s = scrubber();
        let findings = s.scrub(&c, &opts);
        for f in &findings {
            prop_assert!(!f.message.is_empty());
            prop_assert!(f.line.is_none_or(|l| (l as usize) <= codes.len()));
            prop_assert!(!f.message.contains(MEMBER_ID) && !f.message.contains(LAST_NAME));
        }
    }
}

/// Fields a reader reports problems on (some on lines or entries the claim does not have).
const PROBLEM_FIELDS: &[&str] = &[
    "lines[0].procedure",
    "lines[0].modifiers[0]",
    "lines[0].modifiers[1]",
    "place_of_service",
    "lines[0].place_of_service",
    "frequency",
    "diagnoses[0]",
    "diagnoses[1]",
    "diagnoses[3]",
    "principal_diagnosis",
    "billing_provider.npi",
    "rendering_provider.npi",
    "lines[0].diagnosis_pointers[0]",
    "lines[0].diagnosis_pointers",
    "lines[0].service_date",
    "lines[0].service_end",
    "lines[0].units",
    "lines[0].charge",
    "total_charge",
    "subscriber",
    "filing_indicator",
    "patient_control_number",
    "statement_to",
    "lines[2].procedure",
    "other_procedures[0]",
];

fn problem(field: &str, kind: usize) -> medbill_claim::ClaimError {
    use medbill_claim::{ClaimError, Coded};
    let field = field.to_string();
    match kind {
        0 => ClaimError::Missing { field },
        1 => ClaimError::NotANumber { field },
        2 => ClaimError::NotADate { field },
        3 => ClaimError::NotText { field },
        4 => ClaimError::DateOrder {
            field,
            reason: "ends before it starts",
        },
        5 => ClaimError::code(
            field,
            Coded::<medbill_codes::Icd9CmCode>::parse("x")
                .reason()
                .cloned()
                .unwrap(),
        ),
        _ => ClaimError::code(
            field,
            Coded::<medbill_codes::Icd10CmCode>::parse("")
                .reason()
                .cloned()
                .unwrap(),
        ),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Whatever a reader kept, the scrubber does not panic, and every problem it attached is
    /// reported with where it was.
    #[test]
    fn claims_as_read_are_judged_and_every_problem_is_reported(
        procedure in "[ -~]{0,7}",
        modifier in "[ -~]{0,3}",
        pos in "[0-9A-Z]{0,3}",
        dx10 in "[ -~]{0,8}",
        dx9 in "[0-9VE.]{0,6}",
        npi in "[0-9]{0,11}",
        frequency in "[0-9A]{0,2}",
        pointers in prop::collection::vec(0u8..20, 0..6),
        dos in prop::option::of(-5000i64..400),
        problems in prop::collection::btree_map(prop::sample::select(PROBLEM_FIELDS), 0usize..7, 0..6),
    ) {
        use medbill_claim::{Coded, DiagnosisCode, Location, Problem};
        let mut c = claim(&["E11.9"], vec![line("99213"), line("G0001")]);
        {
            let p = professional_detail_mut(&mut c);
            p.lines[0].procedure = Coded::parse(&procedure);
            p.lines[0].modifiers.push(Coded::<medbill_codes::Modifier>::parse(&modifier));
            p.place_of_service = Coded::parse(&pos);
            p.diagnoses = vec![DiagnosisCode::icd10(&dx10), DiagnosisCode::icd9(&dx9)];
            p.lines[0].diagnosis_pointers = DiagnosisPointers::from_slice(&pointers);
            p.lines[0].service_date = dos.map(|n| day(DOS) + chrono::Duration::days(n));
        }
        c.billing_provider.provider.npi = Some(Coded::parse(&npi));
        c.frequency = Coded::parse(&frequency);
        c.problems = problems
            .iter()
            .enumerate()
            .map(|(i, (field, &kind))| {
                Problem::new(problem(field, kind)).at(Location::new(1000 + i as u64, "SEG", 0))
            })
            .collect();
        let findings = scrubber().scrub(&c, &options());
        for p in &c.problems {
            prop_assert!(findings.iter().any(|f| f.at == p.at), "{p} not reported: {findings:#?}");
        }
        for f in &findings {
            prop_assert!(!f.message.is_empty());
            prop_assert!(!f.message.contains(MEMBER_ID) && !f.message.contains(LAST_NAME));
            prop_assert!(f.line.is_none_or(|l| l <= 3));
        }
    }
}
