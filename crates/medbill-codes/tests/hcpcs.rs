//! The HCPCS alpha-numeric file loader: on a small fixture always, and on the CMS 2020 file in
//! the shared corpus when it is present.

use std::path::PathBuf;

use chrono::NaiveDate;
use medbill_codes::{
    CodeError, HcpcsAction, HcpcsCode, HcpcsCoverage, HcpcsInvalid, HcpcsTable, Modifier,
};

fn fixture_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/hcpcs_anweb_small.txt")
}

fn fixture() -> Vec<u8> {
    std::fs::read(fixture_path()).unwrap()
}

fn hcpcs(s: &str) -> HcpcsCode {
    s.parse().unwrap()
}

fn modifier(s: &str) -> Modifier {
    s.parse().unwrap()
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// Replaces line `n` (1-based) of the fixture.
fn with_line(n: usize, replace: impl FnOnce(&str) -> String) -> Vec<u8> {
    let bytes = fixture();
    let mut lines: Vec<Vec<u8>> = bytes.split(|&b| b == b'\n').map(<[u8]>::to_vec).collect();
    let text = String::from_utf8(lines[n - 1].clone()).unwrap();
    lines[n - 1] = replace(text.trim_end_matches('\r')).into_bytes();
    lines.join(&b'\n')
}

#[test]
fn fixture_loads() {
    let table = HcpcsTable::from_path(fixture_path()).unwrap();
    assert_eq!(table.procedure_count(), 4);
    assert_eq!(table.modifier_count(), 2);
    assert_eq!(table.dental_records_ignored(), 1);
    let codes: Vec<String> = table.procedures().map(|r| r.code.to_string()).collect();
    assert_eq!(codes, ["A4206", "C9899", "G0001", "J7999"]);

    let r = table.procedure(hcpcs("a4206")).unwrap();
    assert_eq!(
        r.long_description,
        "Fixture supply item whose description is long enough that it continues onto a second \
         line and then onto a third line"
    );
    assert_eq!(r.short_description, "Fixture supply item");
    assert_eq!(r.pricing_indicators, ["00"]);
    assert_eq!(r.multiple_pricing_indicator, Some('9'));
    assert_eq!(r.coverage(), Some(HcpcsCoverage::ContractorJudgment));
    assert_eq!(r.betos.as_deref(), Some("D1A"));
    assert_eq!(r.type_of_service, ['P']);
    assert_eq!(r.dates.added, Some(day(1984, 1, 1)));
    assert_eq!(r.dates.action_effective, Some(day(1984, 1, 1)));
    assert_eq!(r.dates.terminated, None);
    assert_eq!(r.action(), Some(HcpcsAction::NoChange));
    assert_eq!(r.line, 8);
    assert!(r.cross_references.is_empty());
    let g0001 = table.procedure(hcpcs("G0001")).unwrap();
    assert_eq!(g0001.cross_references, ["G0439", "99999"]);

    // Windows-1252 text, several pricing indicators and types of service.
    let r = table.procedure(hcpcs("J7999")).unwrap();
    assert_eq!(
        r.long_description,
        "Fixture drug, the patient\u{2019}s own supply, per dose"
    );
    assert_eq!(r.pricing_indicators, ["21", "51"]);
    assert_eq!(r.type_of_service, ['1', 'P']);
    assert_eq!(r.coverage(), Some(HcpcsCoverage::NotCovered));

    let ga = table.modifier(modifier("GA")).unwrap();
    assert_eq!(
        ga.modifier.category(),
        Some(medbill_codes::ModifierCategory::LiabilityNotice)
    );
    assert_eq!(
        ga.long_description,
        "Fixture modifier: liability waiver notice given to the patient as the payer requires, \
         in an individual case"
    );
    assert_eq!(ga.line, 5);
}

#[test]
fn validity_by_date_of_service() {
    let table = HcpcsTable::from_reader(fixture().as_slice()).unwrap();
    let g0001 = hcpcs("G0001");
    assert!(table.check(g0001, day(2012, 12, 31)).is_ok());
    assert_eq!(
        table.check(g0001, day(2013, 1, 1)),
        Err(HcpcsInvalid::Terminated {
            terminated: day(2012, 12, 31)
        })
    );
    let c9899 = hcpcs("C9899");
    assert_eq!(
        table.check(c9899, day(2019, 12, 31)),
        Err(HcpcsInvalid::NotYetAdded {
            added: day(2020, 1, 1)
        })
    );
    assert_eq!(table.check(c9899, day(2020, 1, 1)).unwrap().code, c9899);
    assert_eq!(
        table.check(hcpcs("A0001"), day(2020, 1, 1)),
        Err(HcpcsInvalid::NotInFile)
    );
    let cp = modifier("CP");
    assert!(table.check_modifier(cp, day(2017, 12, 31)).is_ok());
    assert!(matches!(
        table.check_modifier(cp, day(2018, 1, 1)),
        Err(HcpcsInvalid::Terminated { .. })
    ));
    assert_eq!(
        table.check_modifier(modifier("25"), day(2018, 1, 1)),
        Err(HcpcsInvalid::NotInFile)
    );
    let text = HcpcsInvalid::Terminated {
        terminated: day(2012, 12, 31),
    }
    .to_string();
    assert!(text.contains("2012-12-31"), "{text}");
}

#[test]
fn line_feeds_and_trailing_blanks_trimmed_read_the_same() {
    let crlf = HcpcsTable::from_reader(fixture().as_slice()).unwrap();
    let text = String::from_utf8_lossy(&fixture()).replace("\r\n", "\n");
    let trimmed: String = text
        .lines()
        .map(|l| format!("{}\n", l.trim_end()))
        .collect();
    let lf = HcpcsTable::from_reader(trimmed.as_bytes()).unwrap();
    let a: Vec<_> = crlf
        .procedures()
        .map(|r| (r.code, r.long_description.clone()))
        .collect();
    let b: Vec<_> = lf
        .procedures()
        .map(|r| (r.code, r.long_description.clone()))
        .collect();
    // The lossy read turned the Windows-1252 quote into U+FFFD; compare the other records.
    assert_eq!(a[..3], b[..3]);
    assert_eq!(
        crlf.procedure(hcpcs("G0001")).unwrap().dates,
        lf.procedure(hcpcs("G0001")).unwrap().dates
    );
}

fn file_field_error(bytes: &[u8]) -> (usize, &'static str, String) {
    match HcpcsTable::from_reader(bytes) {
        Err(CodeError::FileField {
            line,
            field,
            message,
            ..
        }) => (line, field, message),
        other => panic!("expected a field error, got {other:?}"),
    }
}

#[test]
fn bad_date_names_line_and_field() {
    // Line 13 is G0001; break its termination date (positions 285-292).
    let bytes = with_line(13, |l| format!("{}20121332{}", &l[..284], &l[292..]));
    let (line, field, message) = file_field_error(&bytes);
    assert_eq!(line, 13);
    assert_eq!(field, "termination date (positions 285-292)");
    assert!(message.contains("20121332"), "{message}");

    let bytes = with_line(13, |l| format!("{}1989-1-1{}", &l[..268], &l[276..]));
    let (line, field, _) = file_field_error(&bytes);
    assert_eq!((line, field), (13, "code added date (positions 269-276)"));
}

#[test]
fn bad_code_names_line_and_field() {
    let bytes = with_line(11, |l| format!("C98X9{}", &l[5..]));
    let (line, field, _) = file_field_error(&bytes);
    assert_eq!((line, field), (11, "procedure code (positions 1-5)"));

    let bytes = with_line(7, |l| format!("   C*{}", &l[5..]));
    let (line, field, _) = file_field_error(&bytes);
    assert_eq!((line, field), (7, "modifier (positions 4-5)"));
}

#[test]
fn duplicate_record() {
    // Make C9899 (line 11) a second A4206.
    let bytes = with_line(11, |l| format!("A4206{}", &l[5..]));
    let (line, _, message) = file_field_error(&bytes);
    assert_eq!(line, 11);
    assert!(message.contains("line 8"), "{message}");
}

#[test]
fn misplaced_continuation_and_garbage_lines() {
    // A4206's second continuation line (line 10) claims to belong to C9899.
    let bytes = with_line(10, |l| format!("C9899{}", &l[5..]));
    match HcpcsTable::from_reader(bytes.as_slice()) {
        Err(CodeError::File { line, .. }) => assert_eq!(line, 10),
        other => panic!("{other:?}"),
    }
    // A sequence number that goes backwards.
    let bytes = with_line(10, |l| format!("{}00200{}", &l[..5], &l[10..]));
    let (line, field, _) = file_field_error(&bytes);
    assert_eq!((line, field), (10, "sequence number (positions 6-10)"));
    // Text after the first record is not a preamble.
    let bytes = with_line(11, |_| "Some note in the middle of the records".to_string());
    match HcpcsTable::from_reader(bytes.as_slice()) {
        Err(e @ CodeError::File { line: 11, .. }) => {
            assert!(
                e.to_string()
                    .starts_with("HCPCS alpha-numeric file: line 11:"),
                "{e}"
            )
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn lenient_load_skips_bad_records_and_reports_them() {
    // Break A4206 (line 8): its continuations (lines 9, 10) go with it; G0001 (line 13) too.
    let bytes = with_line(8, |l| format!("{}2O000101{}", &l[..268], &l[276..]));
    let text = bytes;
    let bytes = {
        let mut lines: Vec<&[u8]> = text.split(|&b| b == b'\n').collect();
        let g = lines[12].to_vec();
        let g = String::from_utf8(g).unwrap();
        let broken = format!("G00O1{}", &g[5..]);
        lines[12] = broken.as_bytes();
        lines.join(&b'\n')
    };
    assert!(HcpcsTable::from_reader(bytes.as_slice()).is_err());
    let (table, problems) = HcpcsTable::from_reader_lenient(bytes.as_slice()).unwrap();
    let codes: Vec<String> = table.procedures().map(|r| r.code.to_string()).collect();
    assert_eq!(codes, ["C9899", "J7999"]);
    assert_eq!(table.modifier_count(), 2);
    let lines: Vec<usize> = problems
        .iter()
        .map(|e| match e {
            CodeError::FileField { line, .. } | CodeError::File { line, .. } => *line,
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(lines, [8, 13]);
}

#[test]
fn lower_case_codes_read_the_same() {
    let text = String::from_utf8_lossy(&fixture()).into_owned();
    let lower: String = text
        .lines()
        .map(|l| match l.get(..5) {
            Some(code) if l.len() > 11 => format!("{}{}\n", code.to_ascii_lowercase(), &l[5..]),
            _ => format!("{l}\n"),
        })
        .collect();
    let table = HcpcsTable::from_reader(lower.as_bytes()).unwrap();
    assert_eq!(table.procedure_count(), 4);
    assert!(
        table
            .procedure(hcpcs("A4206"))
            .unwrap()
            .long_description
            .ends_with("onto a third line")
    );
    assert!(table.modifier(modifier("GA")).is_some());
}

#[test]
fn a_file_with_no_record_is_refused_in_either_mode() {
    let random: Vec<u8> = (0u32..4096)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    for (what, bytes) in [
        ("empty", &b""[..]),
        ("a disclaimer only", &b"just a disclaimer\r\n\r\n"[..]),
        ("random bytes", &random[..]),
    ] {
        let strict = HcpcsTable::from_reader(bytes).unwrap_err();
        assert!(
            matches!(strict, CodeError::File { .. }),
            "{what}: {strict:?}"
        );
        assert!(strict.to_string().contains("no "), "{what}: {strict}");
        let lenient = HcpcsTable::from_reader_lenient(bytes).unwrap_err();
        assert!(
            matches!(lenient, CodeError::File { .. }),
            "{what}: {lenient:?}"
        );
    }
}

#[test]
fn missing_file_is_an_io_error() {
    let err = HcpcsTable::from_path("/nonexistent/hcpcs.txt").unwrap_err();
    assert!(matches!(err, CodeError::Io { .. }), "{err:?}");
}

fn shared_corpus() -> Option<PathBuf> {
    let path = medbill_testing::shared_path("corpus/hcpcs-2020/HCPC2020_ANWEB_w_disclaimer.txt");
    if path.is_none() {
        medbill_testing::skip_shared("the CMS 2020 HCPCS file (corpus/hcpcs-2020)");
    }
    path
}

#[test]
fn cms_2020_file() {
    let Some(path) = shared_corpus() else { return };
    let table = HcpcsTable::from_path(&path).unwrap();
    assert_eq!(table.procedure_count(), 6_710);
    assert_eq!(table.modifier_count(), 369);
    assert_eq!(table.dental_records_ignored(), 0);
    let (_, problems) = HcpcsTable::from_path_lenient(&path).unwrap();
    assert!(problems.is_empty(), "{problems:?}");

    // A record with a continuation line.
    let a0080 = table.procedure(hcpcs("A0080")).unwrap();
    assert!(
        a0080.long_description.ends_with(
            "provided by volunteer (individual or organization), with no vested interest"
        ),
        "{}",
        a0080.long_description
    );
    assert_eq!(a0080.pricing_indicators, ["00"]);
    assert_eq!(a0080.coverage(), Some(HcpcsCoverage::NotPayable));
    assert_eq!(a0080.betos.as_deref(), Some("O1A"));
    assert_eq!(a0080.dates.added, Some(day(1982, 1, 1)));
    assert!(a0080.cross_references.is_empty());
    let c8904 = table.procedure(hcpcs("C8904")).unwrap();
    assert_eq!(c8904.cross_references, ["77046"]);
    let p7001 = table.procedure(hcpcs("P7001")).unwrap();
    assert_eq!(p7001.cross_references, ["CPT"]);
    assert_eq!(
        table
            .procedures()
            .filter(|r| !r.cross_references.is_empty())
            .count(),
        161
    );

    // Every record has an added date; terminated ones end on or before their action date.
    for r in table.procedures() {
        assert!(r.dates.added.is_some(), "{}", r.code);
        if let Some(t) = r.dates.terminated {
            assert!(table.check(r.code, t).is_ok(), "{}", r.code);
            assert!(
                table.check(r.code, t.succ_opt().unwrap()).is_err(),
                "{}",
                r.code
            );
        }
    }

    let cp = table.modifier(modifier("CP")).unwrap();
    assert_eq!(cp.dates.terminated, Some(day(2017, 12, 31)));
    assert!(
        table
            .check_modifier(modifier("GA"), day(2020, 1, 1))
            .is_ok()
    );
    // CPT modifiers are the AMA's, not in the HCPCS Level II file.
    assert_eq!(
        table.check_modifier(modifier("25"), day(2020, 1, 1)),
        Err(HcpcsInvalid::NotInFile)
    );

    // The built-in modifier table and the loaded file share the `Modifier` key: every built-in
    // Level II modifier is in the 2020 file except those CMS added after 2020.
    let missing: Vec<&str> = medbill_codes::ModifierInfo::all()
        .iter()
        .filter(|m| !m.modifier.is_cpt() && table.modifier(m.modifier).is_none())
        .map(|m| m.modifier.as_str())
        .collect();
    assert_eq!(missing, ["FQ", "FS", "FT", "JZ", "FR"]);
}

mod never_panics {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        #[test]
        fn mutated_fixture(edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..20),
                           cut in any::<usize>()) {
            let mut bytes = fixture();
            for (at, b) in edits {
                let i = at % bytes.len();
                bytes[i] = b;
            }
            bytes.truncate(cut % (bytes.len() + 1));
            let strict = HcpcsTable::from_reader(bytes.as_slice());
            // Lenient loading fails only for want of any valid record (a cut before the first).
            match HcpcsTable::from_reader_lenient(bytes.as_slice()) {
                Ok((table, problems)) => {
                    // It keeps whatever strict loading would, and reports what it drops.
                    if let Ok(strict) = strict {
                        prop_assert!(problems.is_empty());
                        prop_assert_eq!(strict.procedure_count(), table.procedure_count());
                    }
                }
                Err(e) => {
                    prop_assert!(matches!(e, CodeError::File { .. }), "{:?}", e);
                    prop_assert!(strict.is_err());
                }
            }
        }

        #[test]
        fn arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
            let _ = HcpcsTable::from_reader(bytes.as_slice());
            let _ = HcpcsTable::from_reader_lenient(bytes.as_slice());
        }
    }
}
