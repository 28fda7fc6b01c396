//! Age and sex edits: diagnoses inconsistent with the patient's age on the date of service or
//! with the patient's sex.
//!
//! # The rule table and its source
//!
//! The groups follow the edit definitions of the CMS **Medicare Code Editor** (MCE), the edit
//! software CMS publishes with each IPPS release ("Definitions of Medicare Code Edits"):
//!
//! | MCE edit | ages | codes here |
//! |---|---|---|
//! | newborn diagnosis | 0 | P00-P96 (ICD-10-CM chapter 16, perinatal conditions), Z38 (liveborn infant), Z05 (observation of newborn) |
//! | pediatric diagnosis | 0-17 | Z00.12 (routine child health examination) |
//! | maternity diagnosis | 9-64 (12-55 in MCE versions before FY2019) | O00-O9A (chapter 15), Z3A (weeks of gestation), Z33, Z34, Z36, Z37, Z39 |
//! | adult diagnosis | 15-124 | Z00.0 (general adult medical examination) |
//! | diagnoses for females only | sex F | C51-C58, D06, D25-D28, N70-N77, N80-N98, O00-O9A, Z3A, Z33, Z34, Z36, Z37, Z39, Z01.41, Z12.4 |
//! | diagnoses for males only | sex M | C60-C63, D07.4-D07.6, D29, N40-N53, Z12.5 |
//!
//! The MCE lists individual codes; this table covers them by the ICD-10-CM chapter,
//! category and subcategory ranges they fall in, which is what the guidance of the
//! classification itself supports (the sex-specific chapters of neoplasms and genitourinary
//! diseases, the perinatal and pregnancy chapters). A few codes inside these ranges that the
//! MCE exempts are therefore reported here; re-grade or disable the edits per payer when that
//! matters. Patients with sex `U` (unknown) or without a birth date are not edited.

use std::sync::LazyLock;

use medbill_claim::Sex;
use medbill_codes::icd10cm::CodeRange;

use super::icd10::icd10_field;
use super::on;
use crate::context::ClaimContext;
use crate::finding::Hit;
use crate::rule::Sink;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Group {
    Newborn,
    Pediatric,
    Maternity,
    Adult,
    Female,
    Male,
}

impl Group {
    fn ages(self) -> Option<(u32, u32)> {
        match self {
            Group::Newborn => Some((0, 0)),
            Group::Pediatric => Some((0, 17)),
            Group::Maternity => Some((9, 64)),
            Group::Adult => Some((15, 124)),
            Group::Female | Group::Male => None,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Group::Newborn => "a newborn (perinatal) diagnosis, for age 0",
            Group::Pediatric => "a pediatric diagnosis, for ages 0-17",
            Group::Maternity => "a maternity diagnosis, for ages 9-64",
            Group::Adult => "an adult diagnosis, for ages 15-124",
            Group::Female => "a diagnosis for female patients only",
            Group::Male => "a diagnosis for male patients only",
        }
    }
}

// (first, last, group): `last` includes its subdivisions, as in ICD-10-CM range notation.
#[rustfmt::skip]
const TABLE: &[(&str, &str, Group)] = &[
    // MCE newborn diagnoses: the perinatal chapter (16) and the newborn Z codes.
    ("P00", "P96", Group::Newborn),
    ("Z38", "Z38", Group::Newborn),
    ("Z05", "Z05", Group::Newborn),
    // MCE pediatric diagnoses.
    ("Z00.12", "Z00.12", Group::Pediatric),
    // MCE maternity diagnoses: the pregnancy chapter (15) and the pregnancy Z codes.
    ("O00", "O9A", Group::Maternity),
    ("Z3A", "Z3A", Group::Maternity),
    ("Z33", "Z34", Group::Maternity),
    ("Z36", "Z37", Group::Maternity),
    ("Z39", "Z39", Group::Maternity),
    // MCE adult diagnoses.
    ("Z00.0", "Z00.0", Group::Adult),
    // MCE diagnoses for females only: female genital neoplasms and disorders, pregnancy.
    ("C51", "C58", Group::Female),
    ("D06", "D06", Group::Female),
    ("D25", "D28", Group::Female),
    ("N70", "N77", Group::Female),
    ("N80", "N98", Group::Female),
    ("O00", "O9A", Group::Female),
    ("Z3A", "Z3A", Group::Female),
    ("Z33", "Z34", Group::Female),
    ("Z36", "Z37", Group::Female),
    ("Z39", "Z39", Group::Female),
    ("Z01.41", "Z01.41", Group::Female),
    ("Z12.4", "Z12.4", Group::Female),
    // MCE diagnoses for males only: male genital neoplasms and disorders.
    ("C60", "C63", Group::Male),
    ("D07.4", "D07.6", Group::Male),
    ("D29", "D29", Group::Male),
    ("N40", "N53", Group::Male),
    ("Z12.5", "Z12.5", Group::Male),
];

static RANGES: LazyLock<Vec<(CodeRange, Group)>> = LazyLock::new(|| {
    TABLE
        .iter()
        .filter_map(|&(a, b, g)| Some((CodeRange::new(a.parse().ok()?, b.parse().ok()?), g)))
        .collect()
});

/// Whether any row of the table can hold a code of this category letter (a quick test that
/// spares most diagnoses the range scan).
fn may_match(code: &medbill_codes::Icd10CmCode) -> bool {
    matches!(
        code.category().as_bytes().first(),
        Some(b'C' | b'D' | b'N' | b'O' | b'P' | b'Z')
    )
}

/// `ICD10.AGE`.
pub(crate) fn age(ctx: &ClaimContext<'_>, sink: &mut Sink<'_>) {
    let Some(date) = ctx.diagnosis_date() else {
        return;
    };
    // The age stays inside this function: only whether it is in range leaves it.
    let Some(age) = ctx.claim().patient_age_on(date) else {
        return;
    };
    for (k, &code) in ctx.icd10_diagnoses().iter().enumerate() {
        if !may_match(&code) {
            continue;
        }
        for (range, group) in RANGES.iter() {
            let Some((lo, hi)) = group.ages() else {
                continue;
            };
            if range.contains(&code) && !(lo..=hi).contains(&age) {
                sink.report(on(
                    Hit::new(format!(
                        "{code} is {} (Medicare Code Editor); the patient's age on {date} is outside that range",
                        group.name()
                    ))
                    .codes([code])
                    .fix("check the patient's birth date and the diagnosis code; correct whichever is wrong"),
                    icd10_field(ctx, k),
                ));
                break;
            }
        }
    }
}

/// `ICD10.SEX`.
pub(crate) fn sex(ctx: &ClaimContext<'_>, sink: &mut Sink<'_>) {
    let wrong = match ctx.claim().patient_sex() {
        Some(Sex::Female) => Group::Male,
        Some(Sex::Male) => Group::Female,
        _ => return,
    };
    let recorded = if wrong == Group::Male {
        "female"
    } else {
        "male"
    };
    for (k, &code) in ctx.icd10_diagnoses().iter().enumerate() {
        if may_match(&code)
            && RANGES
                .iter()
                .any(|(range, group)| *group == wrong && range.contains(&code))
        {
            sink.report(on(
                Hit::new(format!(
                    "{code} is {} (Medicare Code Editor); the patient is recorded as {recorded}",
                    wrong.name()
                ))
                .codes([code])
                .fix("check the patient's sex on the claim and the diagnosis code; correct whichever is wrong"),
                icd10_field(ctx, k),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_table_row_parses() {
        assert_eq!(RANGES.len(), TABLE.len());
    }

    #[test]
    fn ranges_cover_what_the_table_says() {
        let group_of = |c: &str| -> Vec<Group> {
            let code = c.parse().unwrap();
            RANGES
                .iter()
                .filter(|(r, _)| r.contains(&code))
                .map(|&(_, g)| g)
                .collect()
        };
        assert_eq!(group_of("P07.30"), [Group::Newborn]);
        assert_eq!(group_of("O80"), [Group::Maternity, Group::Female]);
        assert_eq!(group_of("O9A.119"), [Group::Maternity, Group::Female]);
        assert_eq!(group_of("N40.0"), [Group::Male]);
        assert_eq!(group_of("D07.5"), [Group::Male]);
        assert_eq!(group_of("D07.3"), Vec::<Group>::new());
        assert_eq!(group_of("C50.911"), Vec::<Group>::new());
        assert_eq!(group_of("Z00.121"), [Group::Pediatric]);
        assert_eq!(group_of("Z00.00"), [Group::Adult]);
        assert_eq!(group_of("N99.2"), Vec::<Group>::new());
        // The quick test admits every first letter the table uses.
        for (a, b, _) in TABLE {
            assert!(may_match(&a.parse().unwrap()) && may_match(&b.parse().unwrap()));
        }
    }
}
