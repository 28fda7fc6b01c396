//! CPT format, category, and the licensee descriptor loader (on made-up descriptors: no AMA
//! text is used here).

use medbill_codes::{CodeError, CptCategory, CptCode, CptDescriptors};
use proptest::prelude::*;

fn cpt(s: &str) -> CptCode {
    s.parse().unwrap()
}

#[test]
fn categories() {
    assert_eq!(cpt("99213").category(), CptCategory::CategoryI);
    assert_eq!(cpt("3008f").category(), CptCategory::CategoryII);
    assert_eq!(cpt("0042T").category(), CptCategory::CategoryIII);
    assert_eq!(cpt("0001U").category(), CptCategory::Pla);
    assert_eq!(CptCategory::CategoryIII.to_string(), "Category III");
}

#[test]
fn malformed() {
    for bad in ["", "9921", "992134", "0001X", "A1234", "99F13", "3008 F"] {
        assert!(bad.parse::<CptCode>().is_err(), "{bad:?} parsed");
    }
    match "0001X".parse::<CptCode>() {
        Err(CodeError::Character { position, .. }) => assert_eq!(position, 5),
        other => panic!("{other:?}"),
    }
}

proptest! {
    #[test]
    fn four_digits_and_a_category_letter_parse(digits in "[0-9]{4}", last in "[0-9FTUftu]") {
        let text = format!("{digits}{last}");
        let code: CptCode = text.parse().unwrap();
        prop_assert_eq!(code.as_str(), text.to_ascii_uppercase());
        let expected = match last.to_ascii_uppercase().as_str() {
            "F" => CptCategory::CategoryII,
            "T" => CptCategory::CategoryIII,
            "U" => CptCategory::Pla,
            _ => CptCategory::CategoryI,
        };
        prop_assert_eq!(code.category(), expected);
    }

    #[test]
    fn any_text_never_panics(s in "\\PC{0,8}") {
        let _ = s.parse::<CptCode>();
        let _ = CptDescriptors::from_reader(s.as_bytes());
    }
}

#[test]
fn tab_pipe_and_space_layouts() {
    let tab = "Code\tDescriptor\tExtra\r\n99999\tFirst made-up descriptor\tignored\r\n0042T\t\"Second, quoted\"\r\n";
    let d = CptDescriptors::from_reader(tab.as_bytes()).unwrap();
    assert_eq!(d.len(), 2);
    assert_eq!(d.descriptor(cpt("99999")), Some("First made-up descriptor"));
    assert_eq!(d.descriptor(cpt("0042T")), Some("Second, quoted"));
    assert!(!d.contains(cpt("99213")));

    let pipe = "# comment\n\n3008F|Made-up measure text|x\n";
    let d = CptDescriptors::from_reader(pipe.as_bytes()).unwrap();
    assert_eq!(d.descriptor(cpt("3008F")), Some("Made-up measure text"));

    let fixed = b"99998 Made-up text with  two spaces\n0001U   Caf\xe9 made-up lab\n";
    let d = CptDescriptors::from_reader(&fixed[..]).unwrap();
    assert_eq!(
        d.descriptor(cpt("99998")),
        Some("Made-up text with  two spaces")
    );
    assert_eq!(d.descriptor(cpt("0001U")), Some("Caf\u{e9} made-up lab"));
    let codes: Vec<String> = d.iter().map(|(c, _)| c.to_string()).collect();
    assert_eq!(codes, ["0001U", "99998"]);
}

fn field_error(text: &str) -> (usize, &'static str) {
    match CptDescriptors::from_reader(text.as_bytes()) {
        Err(CodeError::FileField { line, field, .. }) => (line, field),
        other => panic!("expected a field error, got {other:?}"),
    }
}

#[test]
fn errors_name_line_and_field() {
    assert_eq!(
        field_error("99999\tone\n9999X\ttwo\n"),
        (2, "code (field 1)")
    );
    assert_eq!(
        field_error("header\n99999\tone\n99998\n"),
        (3, "descriptor (field 2)")
    );
    assert_eq!(
        field_error("99999\tone\n\n99999\tagain\n"),
        (3, "code (field 1)")
    );
    let err = CptDescriptors::from_path("/nonexistent/cpt.txt").unwrap_err();
    assert!(matches!(err, CodeError::Io { .. }));
}
