//! Implementation-guide validation on our own fixtures: each finding kind, the loop-detection
//! ambiguities known to break other parsers, 999/TA1 generation and parsing, and overlays.

use medbill_x12::ack::{self, AckOptions, ReceivedAck};
use medbill_x12::schema::{self, Overlay, SchemaError};
use medbill_x12::validate::{AckCode, FindingKind, Report, Transaction, Validator};

fn fixture(name: &str) -> String {
    let path = format!(
        "{}/tests/fixtures/validate/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(path).expect("fixture")
}

fn validate(text: &str) -> Report<'static> {
    Validator::new().validate(text.as_bytes())
}

fn only_set<'a>(report: &'a Report<'static>) -> &'a Transaction<'static> {
    let sets: Vec<_> = report.transactions().collect();
    assert_eq!(sets.len(), 1);
    sets[0]
}

/// Replaces exactly one occurrence of `from` in the 837P fixture.
fn p837_with(from: &str, to: &str) -> String {
    let base = fixture("837p-two-claims.x12");
    assert_eq!(base.matches(from).count(), 1, "{from} must occur once");
    base.replacen(from, to, 1)
}

/// The findings of the one set, as (kind, segment id, element, loop id).
fn kinds(text: &str) -> Vec<(FindingKind, String, Option<u8>, String)> {
    let report = validate(text);
    only_set(&report)
        .findings
        .iter()
        .map(|f| {
            (
                f.kind,
                f.segment_id.as_str().to_owned(),
                f.element,
                f.loop_id.to_string(),
            )
        })
        .collect()
}

fn has(text: &str, kind: FindingKind, segment: &str, element: Option<u8>, loop_id: &str) {
    let found = kinds(text);
    assert!(
        found.contains(&(kind, segment.to_owned(), element, loop_id.to_owned())),
        "expected {kind:?} on {segment} {element:?} in {loop_id}, got {found:?}"
    );
}

#[test]
fn own_fixtures_are_accepted() {
    for name in [
        "837p-two-claims.x12",
        "837i-two-2320.x12",
        "835-repeated-cas-svc.x12",
        "271-ls-le.x12",
    ] {
        let report = validate(&fixture(name));
        let set = only_set(&report);
        assert!(set.guide.is_some(), "{name}");
        assert_eq!(
            set.status(),
            AckCode::Accepted,
            "{name}: {:?} {:?}",
            set.errors,
            set.findings
        );
        assert!(report.interchanges[0].envelope_ok(), "{name}");
    }
}

fn paths(set: &Transaction<'_>) -> Vec<String> {
    (0..set.loops.len()).map(|i| set.loop_path(i)).collect()
}

#[test]
fn clm_after_service_lines_starts_a_new_claim_not_a_2400() {
    let report = validate(&fixture("837p-two-claims.x12"));
    let set = only_set(&report);
    let p = paths(set);
    let claims = p.iter().filter(|x| x.ends_with("2300")).count();
    assert_eq!(claims, 3, "{p:?}");
    // CLAIM002 and CLAIM003 both belong to the patient level, side by side.
    assert_eq!(
        p.iter()
            .filter(|x| *x == "2000A > 2000B > 2000C > 2300")
            .count(),
        2,
        "{p:?}"
    );
    assert!(!p.iter().any(|x| x.contains("2400 > 2300")));
    // The NM1*82 after the service lines is 2420A, the one before them 2310B.
    assert!(p.contains(&"2000A > 2000B > 2300 > 2310B".to_owned()));
    assert!(p.contains(&"2000A > 2000B > 2300 > 2400 > 2420A".to_owned()));
}

#[test]
fn second_2320_in_an_837i_is_a_sibling_not_a_child() {
    let report = validate(&fixture("837i-two-2320.x12"));
    let set = only_set(&report);
    let p = paths(set);
    assert_eq!(
        p.iter()
            .filter(|x| *x == "2000A > 2000B > 2300 > 2320")
            .count(),
        2,
        "{p:?}"
    );
    assert_eq!(
        p.iter().filter(|x| x.ends_with("2320 > 2330B")).count(),
        2,
        "{p:?}"
    );
    assert!(p.contains(&"2000A > 2000B > 2300 > 2400".to_owned()));
}

#[test]
fn repeated_cas_and_svc_in_an_835() {
    let report = validate(&fixture("835-repeated-cas-svc.x12"));
    let set = only_set(&report);
    let p = paths(set);
    assert_eq!(p.iter().filter(|x| *x == "2000 > 2100").count(), 2, "{p:?}");
    assert_eq!(
        p.iter().filter(|x| *x == "2000 > 2100 > 2110").count(),
        2,
        "{p:?}"
    );
    // The CAS after the second SVC is that SVC's, not the claim's.
    let second_svc = set
        .loops
        .iter()
        .rposition(|l| set.guide.unwrap().loop_rule(l.loop_index).id.as_ref() == "2110");
    let svc = set.loops[second_svc.unwrap()];
    assert!(svc.last_segment >= svc.first_segment + 3);
}

#[test]
fn ls_le_wrap_the_2120_loop_in_a_271() {
    let text = fixture("271-ls-le.x12");
    let report = validate(&text);
    let set = only_set(&report);
    let p = paths(set);
    assert!(
        p.contains(&"2000A > 2000B > 2000C > 2100C > 2110C > 2120C".to_owned()),
        "{p:?}"
    );
    assert_eq!(
        p.iter().filter(|x| x.ends_with("2110C")).count(),
        3,
        "{p:?}"
    );
    // Without the LE, the bracket is open.
    let broken = text.replace("LE*2120~\n", "").replace("SE*18*", "SE*17*");
    let report = validate(&broken);
    let set = only_set(&report);
    assert!(
        set.findings
            .iter()
            .any(|f| f.kind == FindingKind::MissingSegment && f.segment_id.as_str() == "LE"),
        "{:?}",
        set.findings
    );
}

#[test]
fn segment_kinds() {
    use FindingKind::*;
    has(
        &p837_with("REF*EI*371234567~", "REF*EI*371234567~\nZZZ*1~"),
        UnrecognizedSegment,
        "ZZZ",
        None,
        "2010AA",
    );
    has(
        &p837_with(
            "BHT*0019*00*BATCH0001*20240315*0930*CH~",
            "BHT*0019*00*BATCH0001*20240315*0930*CH~\nSBR*P~",
        ),
        UnexpectedSegment,
        "SBR",
        None,
        "",
    );
    has(
        &p837_with("N4*SPRINGFIELD*IL*627010001~\n", ""),
        MissingSegment,
        "N4",
        None,
        "2010AA",
    );
    has(
        &p837_with("NM1*40*2*SAMPLE CLEARINGHOUSE*****46*REC001~\n", ""),
        MissingLoop,
        "NM1",
        None,
        "1000B",
    );
    has(
        &p837_with(
            "REF*EI*371234567~",
            "REF*EI*371234567~\nNM1*85*2*SECOND NAME*****XX*1234567893~\nN3*X~\nN4*Y*IL*627010001~\nREF*EI*1~",
        ),
        LoopOverMax,
        "NM1",
        None,
        "2010AA",
    );
    has(
        &p837_with("REF*EI*371234567~", "REF*EI*371234567~\nREF*EI*371234567~"),
        SegmentOverMax,
        "REF",
        None,
        "2010AA",
    );
    has(
        &p837_with("REF*EI*371234567~", "REF*EI*371234567~\nCLP*A*1*1*1**12~"),
        NotInTransactionSet,
        "CLP",
        None,
        "2010AA",
    );
    has(
        &p837_with(
            "N3*100 FIRST AVENUE~\nN4*SPRINGFIELD*IL*627010001~",
            "N4*SPRINGFIELD*IL*627010001~\nN3*100 FIRST AVENUE~",
        ),
        OutOfSequence,
        "N3",
        None,
        "2010AA",
    );
}

#[test]
fn hl_kinds() {
    use FindingKind::*;
    has(
        &p837_with("HL*3*2*23*0~", "HL*3*9*23*0~"),
        HlParentNotFound,
        "HL",
        Some(2),
        "2000C",
    );
    has(
        &p837_with("HL*3*2*23*0~", "HL*3*1*23*0~"),
        HlWrongParent,
        "HL",
        Some(2),
        "2000C",
    );
    has(
        &p837_with("HL*3*2*23*0~", "HL*3*2*24*0~"),
        UnexpectedSegment,
        "HL",
        None,
        "2420A",
    );
}

#[test]
fn element_kinds() {
    use FindingKind::*;
    let nm1 = "NM1*85*2*SAMPLE FAMILY CLINIC*****XX*1234567893~";
    has(
        &p837_with(nm1, "NM1*85*2******XX*1234567893~"),
        MissingElement,
        "NM1",
        Some(3),
        "2010AA",
    );
    has(
        &p837_with("N3*100 FIRST AVENUE~", &format!("N3*{}~", "A".repeat(56))),
        TooLong,
        "N3",
        Some(1),
        "2010AA",
    );
    has(
        &p837_with("ST*837*0001*", "ST*837*001*").replace("SE*49*0001", "SE*49*001"),
        TooShort,
        "ST",
        Some(2),
        "",
    );
    has(
        &p837_with("SV1*HC:87880*50*", "SV1*HC:87880*5O*"),
        InvalidCharacter,
        "SV1",
        Some(2),
        "2400",
    );
    has(
        &p837_with("SBR*P**GRP100", "SBR*Q**GRP100"),
        InvalidCode,
        "SBR",
        Some(1),
        "2000B",
    );
    has(
        &p837_with("DMG*D8*19700101*F~", "DMG*D8*19700231*F~"),
        InvalidDate,
        "DMG",
        Some(2),
        "2010BA",
    );
    has(
        &p837_with(
            "DTP*472*RD8*20240302-20240303~",
            "DTP*472*RD8*20240303-20240302~",
        ),
        InvalidDate,
        "DTP",
        Some(3),
        "2400",
    );
    has(
        &p837_with("*20240315*0930*CH~", "*20240315*2561*CH~"),
        InvalidTime,
        "BHT",
        Some(5),
        "",
    );
    has(
        &p837_with("N3*100 FIRST AVENUE~", "N3*100 FIRST AVENUE*SUITE 1*EXTRA~"),
        TooManyElements,
        "N3",
        Some(3),
        "2010AA",
    );
    has(
        &p837_with("HI*ABK:J069*", "HI*ABK:J069:1:2:3:4:5:6:7:8*"),
        TooManyComponents,
        "HI",
        Some(1),
        "2300",
    );
    has(
        &p837_with("HI*ABK:J069*", "HI*ABK:J069^ABK:J070*"),
        TooManyRepetitions,
        "HI",
        Some(1),
        "2300",
    );
    has(
        &p837_with(
            "NM1*40*2*SAMPLE CLEARINGHOUSE*****",
            "NM1*40*2*SAMPLE CLEARINGHOUSE*FIRST****",
        ),
        NotUsedElement,
        "NM1",
        Some(4),
        "1000B",
    );
    has(
        &p837_with(
            "NM1*82*1*RENDERING*RHO****XX*1234567893~\nPRV",
            "NM1*82*1*RENDERING*RHO****XX~\nPRV",
        ),
        ConditionalElementMissing,
        "NM1",
        Some(9),
        "2310B",
    );
    has(
        &p837_with(
            "N4*SPRINGFIELD*IL*62701~\nDMG*D8*1970",
            "N4*SPRINGFIELD*IL*62701*US***ON~\nDMG*D8*1970",
        ),
        ExclusionViolated,
        "N4",
        Some(7),
        "2010BA",
    );
}

#[test]
fn findings_carry_positions_and_999_codes() {
    let text = p837_with("SBR*P**GRP100", "SBR*Q**GRP100");
    let report = validate(&text);
    let set = only_set(&report);
    let f = &set.findings[0];
    assert_eq!((f.ik3_code(), f.ik4_code()), ("8", Some("7")));
    // SBR is the 13th segment of the set (ST is 1); the byte is the element's.
    assert_eq!(f.segment_index, 13);
    assert_eq!(&text.as_bytes()[f.byte as usize..f.byte as usize + 1], b"Q");
    assert_eq!(set.ik5_codes(), ["5"]);
    assert_eq!(set.status(), AckCode::Rejected);
}

#[test]
fn findings_do_not_show_values() {
    let text = p837_with("DMG*D8*19700101*F~", "DMG*D8*19700231*F~");
    let report = validate(&text);
    let f = &only_set(&report).findings[0];
    assert_eq!(f.bad_value.as_deref(), Some("19700231"));
    for shown in [format!("{f:?}"), f.to_string(), f.message()] {
        assert!(!shown.contains("19700231"), "{shown}");
    }
}

/// The IK502 codes of a set's set-level errors.
fn set_codes(set: &Transaction<'_>) -> Vec<&'static str> {
    set.errors.iter().map(|e| e.code()).collect()
}

#[test]
fn envelope_set_and_group_errors() {
    let base = fixture("837p-two-claims.x12");
    let report = validate(&base.replace("SE*49*0001", "SE*48*0001"));
    assert_eq!(set_codes(only_set(&report)), ["4"]);
    let report = validate(&base.replace("SE*49*0001", "SE*49*0002"));
    assert_eq!(set_codes(only_set(&report)), ["3"]);
    let report = validate(&base.replace("SE*49*0001~\n", ""));
    assert!(set_codes(only_set(&report)).contains(&"2"));
    let report = validate(&base.replace("GE*1*101", "GE*2*101"));
    assert_eq!(report.interchanges[0].groups[0].errors, ["5"]);
    let report = validate(&base.replace("GE*1*101", "GE*1*102"));
    assert_eq!(report.interchanges[0].groups[0].errors, ["4"]);
    let report = validate(&base.replace("IEA*1*000000101", "IEA*1*000000109"));
    assert_eq!(report.interchanges[0].errors[0].code, "001");
    let report = validate(&base.replace("ST*837*0001*005010X222A1", "ST*837*0001*005010X222A9"));
    assert_eq!(set_codes(only_set(&report)), ["I6"]);
}

#[test]
fn nine_nine_nine_renders_the_report_and_reads_back() {
    let text = p837_with("N4*SPRINGFIELD*IL*627010001~\n", "").replace("SE*49*", "SE*48*");
    let text = text.replace("SBR*P**GRP100", "SBR*Q**GRP100");
    let report = validate(&text);
    let options = AckOptions {
        sender: Some(("ZZ".into(), "CLEARINGHOUSE".into())),
        interchange_control: 42,
        group_control: 7,
        date: "2024-03-16".parse().ok(),
        time: "10:15:00".parse().ok(),
        ..AckOptions::default()
    };
    let out = ack::implementation_acks(&report.interchanges[0], &options);
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines[0].starts_with("ISA*00*          *00*          *ZZ*CLEARINGHOUSE  *ZZ*SUBMITTER01    *240316*1015*^*00501*000000042*0*T*:~"), "{}", lines[0]);
    assert_eq!(
        lines[1],
        "GS*FA*RECEIVER01*SUBMITTER01*20240316*1015*7*X*005010X231A1~"
    );
    assert!(lines.contains(&"AK1*HC*101*005010X222A1~"));
    assert!(lines.contains(&"AK2*837*0001*005010X222A1~"));
    assert!(lines.contains(&"IK3*N4*10*2010*3~"), "{out}");
    assert!(lines.contains(&"IK3*SBR*12*2000*8~"), "{out}");
    // SBR01 is a code (type ID), so its bad value is copied.
    assert!(lines.contains(&"IK4*1**7*Q~"), "{out}");
    assert!(lines.contains(&"IK5*R*5~"));
    assert!(lines.contains(&"AK9*R*1*1*0~"));
    assert!(ack::interchange_acks(&report.interchanges[0], &options).is_none());

    // Our own 999 is valid against the 999 guide.
    let back = validate(&out);
    let set = only_set(&back);
    assert_eq!(set.guide.map(|g| g.version()), Some("005010X231A1"));
    assert!(set.accepted(), "{:?} {:?}", set.errors, set.findings);

    // And it parses into outcomes for the ledger.
    let acks = ack::parse(out.as_bytes());
    let ReceivedAck::Group(group) = &acks[0] else {
        panic!("{acks:?}")
    };
    assert_eq!(group.control, "101");
    assert_eq!(group.sets[0].errors.len(), 2);
    assert_eq!(group.sets[0].errors[1].elements[0].code, "7");
    let ledger = group.to_acknowledgments();
    assert_eq!(ledger.len(), 1);
    assert!(!ledger[0].outcome.is_accepted());
    assert_eq!(ledger[0].date.to_string(), "2024-03-16");
    assert_eq!(ledger[0].control_number.as_deref(), Some("0001"));
}

#[test]
fn non_code_values_are_not_copied_unless_asked() {
    let text = p837_with("DMG*D8*19700101*F~", "DMG*D8*19700231*F~");
    let report = validate(&text);
    let plain = ack::implementation_acks(&report.interchanges[0], &AckOptions::default());
    assert!(plain.contains("IK4*2**8~"), "{plain}");
    assert!(!plain.contains("19700231"));
    let copied = ack::implementation_acks(
        &report.interchanges[0],
        &AckOptions {
            copy_bad_values: true,
            ..AckOptions::default()
        },
    );
    assert!(copied.contains("IK4*2**8*19700231~"), "{copied}");
}

#[test]
fn ta1_for_a_bad_envelope() {
    let text = fixture("837p-two-claims.x12").replace("IEA*1*000000101", "IEA*1*000000109");
    let report = validate(&text);
    let ta1 = ack::interchange_acks(&report.interchanges[0], &AckOptions::default()).expect("TA1");
    assert!(ta1.contains("TA1*000000101*240315*0930*R*001~"), "{ta1}");
    let acks = ack::parse(ta1.as_bytes());
    let ReceivedAck::Interchange(t) = &acks[0] else {
        panic!()
    };
    assert_eq!((t.status.as_str(), t.note.as_str()), ("R", "001"));
    let ledger = t.to_acknowledgment().expect("ledger entry");
    assert_eq!(ledger.date.to_string(), "2024-03-15");
}

#[test]
fn overlay_restricts_a_guide() {
    let base = schema::guide("837", "005010X222A1").unwrap();
    let overlay = Overlay::parse(
        "overlay ACME-837P 005010X222A1\n\
         # ACME takes office visits only, and no medical record numbers\n\
         set 2300/CLM 05.1 codes=11\n\
         set 2300/REF[EA] usage=N\n\
         set 2400 max=1\n",
    )
    .unwrap();
    let acme = base.with_overlay(&overlay).unwrap();
    let validator = Validator::new().with_guide(&acme);
    let text =
        fixture("837p-two-claims.x12").replace("CLM*CLAIM002*80***11:", "CLM*CLAIM002*80***22:");
    let report = validator.validate(text.as_bytes());
    let set = report.transactions().next().unwrap();
    let found: Vec<_> = set
        .findings
        .iter()
        .map(|f| (f.kind, f.segment_id.as_str()))
        .collect();
    assert!(
        found.contains(&(FindingKind::InvalidCode, "CLM")),
        "{found:?}"
    );
    assert!(
        found.contains(&(FindingKind::NotUsedSegment, "REF")),
        "{found:?}"
    );
    assert!(
        found.contains(&(FindingKind::LoopOverMax, "LX")),
        "{found:?}"
    );
    // The base guide is unchanged.
    assert!(
        Validator::new()
            .validate(fixture("837p-two-claims.x12").as_bytes())
            .transactions()
            .all(|t| t.accepted())
    );
}

#[test]
fn schema_errors_name_the_line() {
    let err = Overlay::parse("overlay X 005010X222A1\nset 2300/CLM 05.1 colours=11\n").unwrap_err();
    assert!(matches!(err, SchemaError::Syntax { line: 2, .. }), "{err}");
    let overlay = Overlay::parse("overlay X 005010X222A1\n\nset 2999/CLM usage=N\n").unwrap();
    let err = schema::guide("837", "005010X222A1")
        .unwrap()
        .with_overlay(&overlay)
        .unwrap_err();
    assert!(
        matches!(err, SchemaError::NotFound { line: 3, .. }),
        "{err}"
    );
    let dictionary = schema::dictionary();
    let err = schema::Guide::parse(
        "guide V 837 x\nST R 1 01\nloop 1000 R 1\nQQQ R 1\nend\n",
        dictionary,
    )
    .unwrap_err();
    assert!(matches!(err, SchemaError::Syntax { line: 4, .. }), "{err}");
    let err = schema::Guide::parse("guide V 837 x\nST R 1 01 77\n", dictionary).unwrap_err();
    assert!(matches!(err, SchemaError::Syntax { line: 2, .. }), "{err}");
}

#[test]
fn garbage_never_panics() {
    let base = fixture("837p-two-claims.x12");
    let bytes = base.as_bytes();
    // Truncations and byte flips of a valid file, and some odd inputs.
    for cut in (0..bytes.len()).step_by(7) {
        let _ = Validator::new().validate(&bytes[..cut]);
    }
    for at in (0..bytes.len()).step_by(5) {
        for b in [b'*', b'~', b':', b'^', 0xFF, b'\n'] {
            let mut v = bytes.to_vec();
            v[at] = b;
            let _ = Validator::new().validate(&v);
        }
    }
    for odd in [
        &b""[..],
        b"ISA",
        b"ST*837*1~SE*2*1~",
        b"GS*HC~GE*1*1~IEA*1*1~",
        &[0xEF, 0xBB, 0xBF],
    ] {
        let _ = Validator::new().validate(odd);
    }
}

#[test]
fn positions_and_notices() {
    let text = p837_with("SBR*P**GRP100", "SBR*Q**GRP100")
        .replace("N3*1 ELM STREET~", "N3*1 ELM STREET*~");
    let report = validate(&text);
    let set = only_set(&report);
    let at = set.findings[0].position(Some("000000101"), Some("101"), Some(&set.control));
    assert_eq!(at.set_segment_index, Some(13));
    assert_eq!(at.segment_id.as_deref(), Some("SBR"));
    assert_eq!((at.element, at.component), (Some(1), None));
    assert_eq!(at.set_control.as_deref(), Some("0001"));
    let kinds: Vec<_> = report.notices.iter().map(|n| n.kind).collect();
    assert!(
        kinds.contains(&medbill_x12::validate::NoticeKind::TrailingSeparator),
        "{kinds:?}"
    );
    assert!(kinds.contains(&medbill_x12::validate::NoticeKind::LineBreaksBetweenSegments));
}

#[test]
fn claim_context_ties_errors_to_claims() {
    let text = p837_with(
        "CLM*CLAIM002*80***11:B:1*Y*A*Y*Y",
        "CLM*CLAIM002*80***11:B:1*Y*Q*Y*Y",
    )
    .replace("DTP*472*D8*20240302~", "DTP*472*D8*20240231~");
    let report = validate(&text);
    let set = only_set(&report);
    assert!(
        set.findings
            .iter()
            .all(|f| f.claim_id.as_deref() == Some("CLAIM002")),
        "{:?}",
        set.findings
    );
    assert!(!format!("{:?}", set.findings).contains("CLAIM002"));
    let out = ack::implementation_acks(&report.interchanges[0], &AckOptions::default());
    let lines: Vec<&str> = out.lines().collect();
    let clm = lines
        .iter()
        .position(|l| l.starts_with("IK3*CLM*"))
        .expect(&out);
    assert_eq!(lines[clm + 1], "CTX*CLM01:CLAIM002~");
    assert_eq!(lines[clm + 2], "IK4*7**7*Q~");
    let dtp = lines
        .iter()
        .position(|l| l.starts_with("IK3*DTP*"))
        .expect(&out);
    assert!(lines[dtp].ends_with("*2400*8~"), "{}", lines[dtp]);
    assert_eq!(lines[dtp + 1], "CTX*CLM01:CLAIM002~");
    let quiet = ack::implementation_acks(
        &report.interchanges[0],
        &AckOptions {
            claim_context: false,
            ..AckOptions::default()
        },
    );
    assert!(!quiet.contains("CTX"));
    // Still a valid 999.
    assert!(validate(&out).transactions().all(|t| t.accepted()));
}

#[test]
fn parse_reads_claim_context_and_foreign_999s() {
    let text = "ISA*00*          *00*          *ZZ*123456789012345*ZZ*123456789012346*080503*1705*>*00501*000010216*0*T*:~\
GS*FA*1234567890*2345678901*20080503*1705*20213*X*005010X231A1~ST*999*2870001*005010X231A1~\
AK1*HC*17456*005010X222A1~AK2*837*0001~IK5*A~AK2*837*0002~IK3*CLM*22**8~CTX*CLM01:123456789~\
IK4*2*782*1~IK5*R*5~AK9*P*2*2*1~SE*12*2870001~GE*1*20213~IEA*1*000010216~";
    let acks = ack::parse(text.as_bytes());
    let ReceivedAck::Group(g) = &acks[0] else {
        panic!()
    };
    assert_eq!(
        (g.status.as_str(), g.counts),
        ("P", [Some(2), Some(2), Some(1)])
    );
    assert_eq!(g.sets[0].status, "A");
    let err = &g.sets[1].errors[0];
    assert_eq!(err.claim_id.as_deref(), Some("123456789"));
    assert!(!format!("{err:?}").contains("123456789"));
    assert_eq!(
        (err.elements[0].element, err.elements[0].reference.as_str()),
        (Some(2), "782")
    );
    let ledger = g.to_acknowledgments();
    assert_eq!(ledger.len(), 2);
    assert!(ledger[0].outcome.is_accepted() && !ledger[1].outcome.is_accepted());
    assert_eq!(ledger[1].reasons[0].element.as_deref(), Some("2"));
}

#[test]
fn utf16_input_is_decoded() {
    let text = fixture("837p-two-claims.x12");
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    let report = Validator::new().validate(&utf16);
    assert!(only_set(&report).accepted());
}

#[test]
fn streaming_gives_the_same_report() {
    let texts = [
        fixture("837p-two-claims.x12"),
        fixture("837i-two-2320.x12"),
        fixture("835-repeated-cas-svc.x12"),
        fixture("271-ls-le.x12"),
        p837_with("SBR*P**GRP100", "SBR*Q**GRP100").replace("HL*3*2*23*0~", "HL*3*9*23*0~"),
        fixture("837p-two-claims.x12")
            .replace("SE*49*0001~\n", "")
            .replace("IEA*1*000000101", "IEA*1*000000109"),
        // Cut off inside the set, without a last terminator: what the set lacks is reported at
        // the end of input, which both readers must place at the same byte.
        fixture("837p-two-claims.x12")
            .split("SV1*HC:99393")
            .next()
            .unwrap()
            .trim_end_matches(['~', '\n'])
            .to_owned(),
    ];
    for text in &texts {
        let whole = validate(text);
        let streamed = Validator::new().validate_reader(text.as_bytes()).unwrap();
        let a: Vec<_> = whole
            .transactions()
            .map(|t| (t.findings.clone(), t.errors.clone(), t.loops.clone()))
            .collect();
        let b: Vec<_> = streamed
            .transactions()
            .map(|t| (t.findings.clone(), t.errors.clone(), t.loops.clone()))
            .collect();
        assert_eq!(a, b);
        let ea: Vec<_> = whole
            .interchanges
            .iter()
            .map(|i| i.errors.clone())
            .collect();
        let eb: Vec<_> = streamed
            .interchanges
            .iter()
            .map(|i| i.errors.clone())
            .collect();
        assert_eq!(ea, eb);
        assert!(!a.is_empty());
    }
}

#[test]
fn acknowledgment_values_never_carry_our_delimiters() {
    // The file uses `|` between elements, so `*` may appear inside a value.
    let text = fixture("837p-two-claims.x12")
        .replace('*', "|")
        .replace("ST|837|0001|", "ST|837|0*01|")
        .replace("SE|49|0001", "SE|49|0*01");
    let report = validate(&text);
    let set = only_set(&report);
    assert_eq!(set.control, "0*01");
    let out = ack::implementation_acks(&report.interchanges[0], &AckOptions::default());
    assert!(out.contains("AK2*837*0?01*005010X222A1~"), "{out}");
    let acks = ack::parse(out.as_bytes());
    let ReceivedAck::Group(g) = &acks[0] else {
        panic!()
    };
    assert_eq!(g.sets.len(), 1);
}
