//! End to end on an 837 with a problem planted in each claim: every claim is read (none is
//! dropped), every problem is judged by its edit, and each finding points at the value in the
//! file.

use medbill::scrub::Severity;

fn fixture() -> Vec<u8> {
    std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/crates/medbill/tests/fixtures/planted.837"
    ))
    .unwrap()
}

#[test]
fn every_planted_problem_is_found_where_it_is() {
    let file = fixture();
    let scrubbed = medbill::scrub_837(
        &medbill::builtin_scrubber(),
        &file,
        "2026-03-05".parse().unwrap(),
    )
    .unwrap();
    // 12 professional claims and one institutional: all counted, in file order.
    assert_eq!(scrubbed.claims.len(), 13);
    assert_eq!(scrubbed.clean(), 1);
    assert_eq!(scrubbed.claims[0].patient_control_number, "C-OK");
    let find = |claim: &str, edit: &str| {
        scrubbed
            .findings()
            .find(|f| f.claim == claim && f.edit == edit)
            .unwrap_or_else(|| panic!("no {edit} on {claim}"))
            .clone()
    };
    // (claim, edit, field, the bytes the finding points at)
    let planted: [(&str, &str, &str, &[u8]); 10] = [
        ("C-CPT4", "PROC.INVALID", "lines[0].procedure", b"9921*"),
        (
            "C-PTR3",
            "DX.POINTER",
            "lines[0].diagnosis_pointers[0]",
            b"3~",
        ),
        ("C-TWO", "PROC.INVALID", "lines[1].procedure", b"99X13"),
        ("C-ICD9", "DX.CODE_SET", "diagnoses[0]", b"4019"),
        ("C-NOPRIN", "DX.MISSING", "principal_diagnosis", b"ABF"),
        ("C-POS6", "POS.INVALID", "place_of_service", b"111111"),
        ("C-FREQ", "CLAIM.FREQUENCY", "frequency", b"9*"),
        ("C-MOD", "MOD.INVALID", "lines[0].modifiers[0]", b"2Z"),
        (
            "C-NPI",
            "NPI.INVALID",
            "rendering_provider.npi",
            b"1234567890",
        ),
        ("I-D8", "VALUE.INVALID", "billing_provider", b"CLM*I-D8"),
    ];
    for (claim, edit, field, bytes) in planted {
        let f = find(claim, edit);
        assert_eq!(f.severity, Severity::Reject, "{claim} {edit}");
        assert_eq!(f.field.as_deref(), Some(field), "{claim} {edit}");
        let at =
            f.at.as_ref()
                .unwrap_or_else(|| panic!("{claim} {edit} not located"));
        let at = at.byte as usize;
        assert_eq!(
            &file[at..at + bytes.len()],
            bytes,
            "{claim} {edit} points at {:?}",
            String::from_utf8_lossy(&file[at..at + bytes.len()])
        );
    }
    // The second line's bad code is its own problem: the total is not misjudged for it.
    assert!(
        !scrubbed
            .findings()
            .any(|f| f.claim == "C-TWO" && f.edit == "CLAIM.TOTAL")
    );
    // A one-character modifier is malformed, a digit-first one unknown: both reported.
    assert_eq!(
        scrubbed
            .findings()
            .filter(|f| f.claim == "C-MOD" && f.edit == "MOD.INVALID")
            .count(),
        2
    );
    // CLM01 with bytes that are not UTF-8: kept (with the bytes replaced) and reported.
    let pcn = &scrubbed.claims[7].patient_control_number;
    assert!(pcn.starts_with("C-") && pcn.ends_with('X'), "{pcn}");
    assert!(
        scrubbed.claims[7]
            .findings
            .iter()
            .any(|f| f.edit == "VALUE.INVALID"
                && f.field.as_deref() == Some("patient_control_number"))
    );
    // ICD-9 on a 2015 date of service is the right code set: only a warning that it could
    // not be checked against a code list.
    let old: Vec<&str> = scrubbed.claims[11]
        .findings
        .iter()
        .map(|f| f.edit.as_str())
        .collect();
    assert!(
        old.contains(&"ICD9.UNCHECKED") && !old.contains(&"DX.CODE_SET"),
        "{old:?}"
    );
}

#[test]
fn reading_keeps_every_claim_and_line_and_writes_them_back_as_read() {
    let file = fixture();
    let read = medbill::read_837(&file).unwrap();
    assert_eq!(read.values.len() + read.unreadable.len(), 13);
    // Every LX is a line, the bad ones too.
    let lines: usize = read.values.iter().map(|c| c.line_count()).sum();
    assert_eq!(lines, 14);
    assert!(!read.is_clean());
    assert_eq!(read.value_problems, 9);
    // Each transaction set written back from the typed layer is the set read, byte for byte.
    let typed =
        medbill::x12::typed::read_all(&file, medbill::x12::typed::ReadMode::Lenient).unwrap();
    let envelope = medbill::x12::typed::InterchangeHeader::new(
        "SUBMITTER",
        "RECEIVER",
        1,
        "2026-03-05".parse().unwrap(),
    );
    let mut sets = file.split(|&b| b == b'~').filter(|s| !s.is_empty());
    for t in &typed.transactions {
        let medbill::x12::typed::TypedTransaction::Claims(batch) = t else {
            panic!("not claims")
        };
        let out = medbill::x12::typed::write_batch(batch, &envelope).unwrap();
        let written: Vec<&[u8]> = out
            .split(|&b| b == b'~')
            .filter(|s| !s.is_empty())
            .skip_while(|s| !s.starts_with(b"ST*"))
            .take_while(|s| !s.starts_with(b"GE*"))
            .collect();
        let read: Vec<&[u8]> = sets
            .by_ref()
            .skip_while(|s| !s.starts_with(b"ST*"))
            .take_while(|s| !s.starts_with(b"GE*"))
            .collect();
        assert_eq!(written.len(), read.len());
        for (w, r) in written.iter().zip(&read) {
            if std::str::from_utf8(r).is_ok() {
                assert_eq!(String::from_utf8_lossy(w), String::from_utf8_lossy(r));
            } else {
                // Text that is not UTF-8 is held with the bytes replaced (and reported): the
                // one segment that cannot come back as read.
                assert_eq!(String::from_utf8_lossy(w), String::from_utf8_lossy(r));
                assert_ne!(w, r);
            }
        }
    }
}
