//! Set-level errors (IK502 codes other than `5`) from small hand-written files: each kind, the
//! segment it points at, its message, and that whole-file and streaming validation agree.

use medbill_x12::ack::{self, AckOptions};
use medbill_x12::validate::{Report, SetError, SetErrorKind, Transaction, Validator};

const ISA: &str = "ISA*00*          *00*          *ZZ*A              *ZZ*B              *240101*1200*^*00501*000000001*0*T*:~";
const GS: &str = "GS*HC*A*B*20240101*1200*1*X*005010X222A1~";
const BHT: &str = "BHT*0019*00*1*20240101*1200*CH~";

/// An interchange of one group around `sets` (`count` of them).
fn file(sets: &str, count: usize) -> String {
    format!("{ISA}{GS}{sets}GE*{count}*1~IEA*1*000000001~")
}

/// Validates whole and streamed, checks both give the same set-level errors, and returns the
/// whole-file report.
fn validate(text: &str) -> Report<'static> {
    let whole = Validator::new().validate(text.as_bytes());
    let streamed = Validator::new()
        .validate_reader(text.as_bytes())
        .expect("readable");
    let errors = |r: &Report<'static>| -> Vec<Vec<SetError>> {
        r.transactions().map(|t| t.errors.clone()).collect()
    };
    assert_eq!(errors(&whole), errors(&streamed), "{text}");
    whole
}

fn sets(report: &Report<'static>) -> Vec<Transaction<'static>> {
    report.transactions().cloned().collect()
}

/// The one set-level error of the only set.
fn only_error(text: &str) -> SetError {
    let report = validate(text);
    let sets = sets(&report);
    assert_eq!(sets.len(), 1);
    assert_eq!(sets[0].errors.len(), 1, "{:?}", sets[0].errors);
    sets[0].errors[0].clone()
}

/// Byte offset of the one occurrence of `needle`.
fn at(text: &str, needle: &str) -> u64 {
    assert_eq!(text.matches(needle).count(), 1, "{needle} must occur once");
    text.find(needle).unwrap() as u64
}

#[test]
fn wrong_segment_count_points_at_the_se_with_both_counts() {
    let text = file(&format!("ST*837*0001*005010X222A1~{BHT}SE*5*0001~"), 1);
    let e = only_error(&text);
    assert_eq!(e.code(), "4");
    assert_eq!(
        e.kind,
        SetErrorKind::SegmentCountWrong {
            declared: Some(5),
            counted: 3
        }
    );
    assert_eq!(
        (e.segment_id.as_str(), e.segment_index, e.byte),
        ("SE", 3, at(&text, "SE*5*"))
    );
    assert_eq!(
        e.message(),
        "segment count wrong: SE01 says 5, the set has 3"
    );
}

#[test]
fn a_segment_count_that_is_not_a_number_is_not_quoted() {
    let text = file(
        &format!("ST*837*0001*005010X222A1~{BHT}SE*DOE JOHN*0001~"),
        1,
    );
    let e = only_error(&text);
    assert_eq!(
        e.kind,
        SetErrorKind::SegmentCountWrong {
            declared: None,
            counted: 3
        }
    );
    for shown in [e.message(), e.to_string(), format!("{e:?}")] {
        assert!(!shown.contains("DOE"), "{shown}");
    }
}

#[test]
fn differing_control_numbers_point_at_the_se_with_both() {
    let text = file(&format!("ST*837*0001*005010X222A1~{BHT}SE*3*0002~"), 1);
    let e = only_error(&text);
    assert_eq!(e.code(), "3");
    assert_eq!(
        e.kind,
        SetErrorKind::ControlNumberMismatch {
            header: "0001".into(),
            trailer: "0002".into()
        }
    );
    assert_eq!(
        (e.segment_id.as_str(), e.segment_index, e.byte),
        ("SE", 3, at(&text, "SE*3*"))
    );
    assert_eq!(
        e.message(),
        "control numbers differ: SE02 is 0002, ST02 is 0001"
    );
}

#[test]
fn a_missing_trailer_points_at_the_last_segment_and_where_the_set_ended() {
    let text = file(&format!("ST*837*0001*005010X222A1~{BHT}"), 1);
    let e = only_error(&text);
    assert_eq!(e.code(), "2");
    let ge = at(&text, "GE*");
    assert_eq!(e.kind, SetErrorKind::TrailerMissing { ended_at: ge });
    assert_eq!(
        (e.segment_id.as_str(), e.segment_index, e.byte),
        ("BHT", 2, at(&text, "BHT*"))
    );
    assert!(
        e.message().contains(&format!("ended at byte {ge}")),
        "{}",
        e.message()
    );
}

#[test]
fn a_set_cut_off_by_the_end_of_input_ends_there() {
    // Whole-file and streamed validation must agree on that byte, also when the last segment
    // has no terminator.
    let bht = BHT.trim_end_matches('~');
    for tail in ["~", "~\n", ""] {
        let text = format!("{ISA}{GS}ST*837*0001*005010X222A1~{bht}{tail}");
        let report = validate(&text);
        let set = &sets(&report)[0];
        let e = set
            .errors
            .iter()
            .find(|e| e.code() == "2")
            .expect("IK502 2");
        assert_eq!(
            e.kind,
            SetErrorKind::TrailerMissing {
                ended_at: text.len() as u64
            },
            "tail {tail:?}"
        );
        assert_eq!((e.segment_id.as_str(), e.segment_index), ("BHT", 2));
    }
}

#[test]
fn an_unknown_guide_version_names_it_and_the_supported_ones() {
    let text = file(&format!("ST*837*0001*005010X224A2~{BHT}SE*3*0001~"), 1);
    let e = only_error(&text);
    assert_eq!(e.code(), "I6");
    assert_eq!(
        (e.segment_id.as_str(), e.segment_index, e.byte),
        ("ST", 1, at(&text, "ST*"))
    );
    let SetErrorKind::GuideNotSupported {
        transaction_set,
        version,
        supported,
    } = &e.kind
    else {
        panic!("{e:?}")
    };
    assert_eq!(
        (transaction_set.as_str(), version.as_str()),
        ("837", "005010X224A2")
    );
    assert_eq!(supported, &["005010X222A1", "005010X223A2"]);
    assert_eq!(
        e.message(),
        "guide 005010X224A2 (837) is not supported; supported 837 guides: 005010X222A1, 005010X223A2"
    );
}

#[test]
fn a_set_with_no_guide_version_anywhere_says_so() {
    let text = format!(
        "{ISA}GS*HC*A*B*20240101*1200*1*X~ST*837*0001~{BHT}SE*3*0001~GE*1*1~IEA*1*000000001~"
    );
    let e = only_error(&text);
    assert_eq!(e.code(), "I6");
    assert!(
        e.message()
            .starts_with("no guide version given (ST03 or GS08) for 837; supported 837 guides:"),
        "{}",
        e.message()
    );
}

#[test]
fn an_unknown_transaction_set_names_it_and_the_supported_ones() {
    let text = file(&format!("ST*123*0001~{BHT}SE*3*0001~"), 1);
    let e = only_error(&text);
    assert_eq!(e.code(), "1");
    assert_eq!(
        (e.segment_id.as_str(), e.segment_index, e.byte),
        ("ST", 1, at(&text, "ST*"))
    );
    let SetErrorKind::SetNotSupported {
        transaction_set,
        supported,
    } = &e.kind
    else {
        panic!("{e:?}")
    };
    assert_eq!(transaction_set, "123");
    for known in ["270", "271", "835", "837", "999"] {
        assert!(supported.iter().any(|s| s == known), "{supported:?}");
    }
    assert!(supported.windows(2).all(|w| w[0] < w[1]), "{supported:?}");
    assert!(
        e.message()
            .starts_with("transaction set 123 is not supported; supported transaction sets: "),
        "{}",
        e.message()
    );
    assert!(e.message().contains("837"));
}

#[test]
fn bad_st01_and_st02_point_at_the_st() {
    let text = file(&format!("ST*83*01~{BHT}SE*3*01~"), 1);
    let report = validate(&text);
    let set = &sets(&report)[0];
    let kinds: Vec<_> = set.errors.iter().map(|e| e.kind.clone()).collect();
    assert_eq!(
        kinds,
        [
            SetErrorKind::InvalidSetIdentifier,
            SetErrorKind::InvalidControlNumber
        ]
    );
    for e in &set.errors {
        assert_eq!(
            (e.segment_id.as_str(), e.segment_index, e.byte),
            ("ST", 1, at(&text, "ST*"))
        );
    }
}

#[test]
fn a_repeated_control_number_points_at_the_second_st() {
    let set = format!("ST*837*0001*005010X222A1~{BHT}SE*3*0001~");
    let text = file(&format!("{set}{set}"), 2);
    let report = validate(&text);
    let sets = sets(&report);
    assert!(sets[0].errors.is_empty(), "{:?}", sets[0].errors);
    let [e] = &sets[1].errors[..] else {
        panic!("{:?}", sets[1].errors)
    };
    assert_eq!(
        e.kind,
        SetErrorKind::ControlNumberNotUnique {
            control: "0001".into()
        }
    );
    assert_eq!(e.code(), "23");
    let second_st = text.rfind("ST*837").unwrap() as u64;
    assert_eq!(
        (e.segment_id.as_str(), e.segment_index, e.byte),
        ("ST", 1, second_st)
    );
}

#[test]
fn ik5_codes_and_the_999_keep_the_codes_in_order() {
    let text = file(&format!("ST*837*0001*005010X224A2~{BHT}SE*4*0002~"), 1);
    let report = validate(&text);
    let set = &sets(&report)[0];
    assert_eq!(set.ik5_codes(), ["I6", "4", "3"]);
    let out = ack::implementation_acks(&report.interchanges[0], &AckOptions::default());
    assert!(out.contains("IK5*R*I6*4*3~"), "{out}");
}
