//! Typed 837P, 837I, 835, 277CA and 999 on our own fixtures (tests/fixtures/typed).

use medbill_claim::{
    AckOutcome, ClaimError, ClaimStatusCode, FrequencyCode, PayerSequence, Relationship,
};
use medbill_x12::Reader;
use medbill_x12::typed::{
    self, ClaimBatch, InterchangeHeader, ReadMode, RemittanceSet, TypedError, TypedTransaction,
};
use medbill_x12::validate::Validator;
use rust_decimal::Decimal;

fn fixture(name: &str) -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/typed")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn read_837(bytes: &[u8], mode: ReadMode) -> ClaimBatch {
    let set = Reader::new(bytes).next_transaction().unwrap().unwrap();
    typed::read_837(&set, mode).unwrap()
}

fn read_835(bytes: &[u8], mode: ReadMode) -> RemittanceSet {
    let set = Reader::new(bytes).next_transaction().unwrap().unwrap();
    typed::read_835(&set, mode).unwrap()
}

fn envelope(control: u32) -> InterchangeHeader {
    InterchangeHeader::new("SENDER", "RECEIVER", control, "2024-02-01".parse().unwrap())
}

fn assert_validates(bytes: &[u8]) {
    let report = Validator::new().validate(bytes);
    let mut n = 0;
    for t in report.transactions() {
        n += 1;
        let findings: Vec<String> = t.findings.iter().map(|f| f.to_string()).collect();
        assert!(
            findings.is_empty(),
            "{findings:?}\n{}",
            String::from_utf8_lossy(bytes)
        );
    }
    assert_eq!(n, 1, "one transaction set written");
}

#[test]
fn fixtures_are_valid_to_our_guides() {
    for name in ["837p.x12", "837i.x12", "835.x12", "277ca.x12", "999.x12"] {
        let report = Validator::new().validate(&fixture(name));
        for t in report.transactions() {
            let findings: Vec<String> = t.findings.iter().map(|f| f.to_string()).collect();
            assert!(findings.is_empty(), "{name}: {findings:?}");
        }
    }
}

#[test]
fn reads_837p_claims() {
    let batch = read_837(&fixture("837p.x12"), ReadMode::Strict);
    assert!(batch.problems.is_empty(), "{:?}", batch.problems);
    assert_eq!(batch.guide, "005010X222A1");
    assert_eq!(batch.header.submitter_id, "SUB01");
    assert_eq!(batch.header.receiver_name, "EXAMPLE CLEARINGHOUSE");
    assert_eq!(batch.header.contact_numbers.len(), 2);
    assert_eq!(batch.claims.len(), 2);

    let c = &batch.claims[0];
    assert_eq!(c.patient_control_number, "PCN-1");
    assert_eq!(c.total_charge, d("250"));
    assert_eq!(
        c.billing_provider.provider.reported_npi().unwrap(),
        "1234567893"
    );
    assert_eq!(
        c.billing_provider.provider.taxonomy.as_deref(),
        Some("207Q00000X")
    );
    assert_eq!(c.billing_provider.tin.reveal(), "123456789");
    assert_eq!(c.billing_provider.address.lines, ["100 MAIN ST", "SUITE 2"]);
    assert_eq!(c.pay_to.as_ref().unwrap().address.postal_code, "62705");
    assert_eq!(c.subscriber.member_id.reveal(), "W123456789");
    assert_eq!(c.subscriber.group_number.as_deref(), Some("GRP100"));
    assert_eq!(c.payer.id, "87726");
    assert!(c.patient.is_none());
    assert_eq!(c.prior_authorization.as_deref(), Some("AUTH1"));
    assert_eq!(
        c.rendering_provider.as_ref().unwrap().taxonomy.as_deref(),
        Some("207Q00000X")
    );
    assert_eq!(
        c.service_facility.as_ref().unwrap().address.city,
        "SPRINGFIELD"
    );
    let codes: Vec<String> = c.diagnosis_codes().iter().map(|x| x.to_string()).collect();
    assert_eq!(codes, ["E11.9", "I10", "Z79.84"]);
    let p = c.professional_detail().unwrap();
    assert_eq!(p.place_of_service.to_string(), "11");
    assert_eq!(p.lines.len(), 2);
    assert_eq!(p.lines[0].modifiers[0].as_str(), "25");
    assert_eq!(p.lines[0].diagnosis_pointers, [1, 2]);
    assert_eq!(p.lines[0].line_control_number.as_deref(), Some("L1"));
    assert_eq!(p.lines[1].service_end, Some("2024-01-06".parse().unwrap()));
    assert_eq!(p.lines[1].drug.as_ref().unwrap().ndc, "00003029305");
    assert_eq!(
        p.lines[1]
            .rendering_provider
            .as_ref()
            .unwrap()
            .reported_npi()
            .unwrap(),
        "2223334444"
    );
    // Segments the model does not hold are kept with their loop.
    let kept: Vec<(&str, &str)> = c
        .extra
        .iter()
        .map(|r| (r.loop_id.as_str(), r.segment_id()))
        .collect();
    for want in [
        ("2000A", "CUR"),
        ("2010AA", "PER"),
        ("2300", "DTP"),
        ("2300", "NTE"),
        ("2300/CLM", "CLM"),
    ] {
        assert!(kept.contains(&want), "{want:?} not in {kept:?}");
    }

    let c = &batch.claims[1];
    assert_eq!(c.sequence, PayerSequence::Secondary);
    assert_eq!(c.frequency, FrequencyCode::Replacement);
    assert_eq!(c.original_payer_claim_number.as_deref(), Some("ORIG-ICN-1"));
    assert_eq!(
        c.patient.as_ref().unwrap().relationship,
        Relationship::Child
    );
    let op = &c.other_payers[0];
    assert_eq!(op.payer.id, "55555");
    assert_eq!(op.paid, Some(d("80")));
    assert_eq!(op.adjustments[0].amount, d("20"));
    assert_eq!(op.payer_claim_control_number.as_deref(), Some("ICN77"));
    assert_eq!(op.subscriber.as_ref().unwrap().member_id.reveal(), "X999");
    let line = &c.professional_detail().unwrap().lines[0];
    assert_eq!(line.other_payer_adjudications[0].paid, d("80"));
    assert_eq!(line.other_payer_adjudications[0].adjustments.len(), 1);
}

#[test]
fn reads_837i_claims() {
    let batch = read_837(&fixture("837i.x12"), ReadMode::Strict);
    assert!(batch.problems.is_empty(), "{:?}", batch.problems);
    assert_eq!(batch.claims.len(), 1);
    let c = &batch.claims[0];
    let i = c.institutional_detail().unwrap();
    assert_eq!(i.type_of_bill, "11");
    assert_eq!(i.statement_from.unwrap().to_string(), "2024-01-01");
    assert_eq!(i.admission.as_ref().unwrap().hour, Some(8));
    assert_eq!(
        i.admission.as_ref().unwrap().source_code.as_deref(),
        Some("7")
    );
    assert_eq!(i.discharge.as_ref().unwrap().status_code, "01");
    assert_eq!(i.discharge.as_ref().unwrap().hour, Some(14));
    assert_eq!(
        i.principal_diagnosis.as_ref().unwrap().code.to_string(),
        "J18.9"
    );
    assert_eq!(
        i.principal_diagnosis
            .as_ref()
            .unwrap()
            .poa
            .as_ref()
            .unwrap()
            .as_str(),
        "Y"
    );
    assert_eq!(i.admitting_diagnosis.as_ref().unwrap().to_string(), "R50.9");
    assert_eq!(i.other_diagnoses.len(), 2);
    assert_eq!(
        i.principal_procedure.as_ref().unwrap().code.as_str(),
        "0BH17EZ"
    );
    assert_eq!(i.occurrences[0].code, "11");
    assert_eq!(i.value_codes[0].amount, d("3"));
    assert_eq!(c.condition_codes, ["01"]);
    assert_eq!(
        i.attending_provider.as_ref().unwrap().taxonomy.as_deref(),
        Some("207R00000X")
    );
    assert_eq!(i.lines.len(), 2);
    assert_eq!(i.lines[0].revenue_code.as_str(), "0120");
    assert_eq!(i.lines[1].procedure.as_ref().unwrap().as_str(), "99284");
    assert_eq!(i.lines[1].service_date, Some("2024-01-01".parse().unwrap()));
    assert_eq!(c.line_charge_total(), d("1500"));
}

#[test]
fn writes_837_that_reads_back_equal_and_validates() {
    for name in ["837p.x12", "837i.x12"] {
        let batch = read_837(&fixture(name), ReadMode::Strict);
        let out = typed::write_837(&batch.claims, &batch.header, &envelope(42)).unwrap();
        assert_validates(&out);
        let again = read_837(&out, ReadMode::Strict);
        assert!(again.problems.is_empty(), "{name}: {:?}", again.problems);
        assert_eq!(again.claims, batch.claims, "{name}");
        assert_eq!(again.header, batch.header, "{name}");
        // The envelope is the caller's; counts are computed.
        let text = String::from_utf8(out).unwrap();
        assert!(text.contains("*000000042*0*T*:~GS*HC*SENDER*RECEIVER*20240201*1200*42*X*"));
        let segments = text.split_once("ST*837").unwrap().1.matches('~').count() - 2;
        assert!(
            text.contains(&format!("SE*{segments}*0001~")),
            "SE01 is {segments}"
        );
    }
}

#[test]
fn groups_claims_under_shared_hierarchical_levels() {
    let batch = read_837(&fixture("837p.x12"), ReadMode::Strict);
    // The same claim twice: one billing provider and one subscriber HL, two CLMs.
    let claims = vec![batch.claims[0].clone(), batch.claims[0].clone()];
    let out = typed::write_837(&claims, &batch.header, &envelope(1)).unwrap();
    let text = String::from_utf8(out.clone()).unwrap();
    assert_eq!(text.matches("~HL*").count(), 2);
    assert_eq!(text.matches("~CLM*").count(), 2);
    assert_validates(&out);
    // A claim with a dependent patient gets a 2000C under its own 2000B.
    let out = typed::write_837(&batch.claims, &batch.header, &envelope(1)).unwrap();
    let text = String::from_utf8(out).unwrap();
    assert!(
        text.contains("~HL*3*1*22*1~") && text.contains("~HL*4*3*23*0~"),
        "{text}"
    );
}

#[test]
fn a_changed_claim_is_written_with_its_changes() {
    let batch = read_837(&fixture("837p.x12"), ReadMode::Strict);
    let mut claims = batch.claims.clone();
    claims[0].total_charge = d("275.50");
    claims[0].prior_authorization = Some("AUTH2".into());
    let out = typed::write_837(&claims, &batch.header, &envelope(1)).unwrap();
    let again = read_837(&out, ReadMode::Strict);
    assert_eq!(again.claims[0].total_charge, d("275.50"));
    assert_eq!(
        again.claims[0].prior_authorization.as_deref(),
        Some("AUTH2")
    );
}

#[test]
fn reads_835_remittance() {
    let r = read_835(&fixture("835.x12"), ReadMode::Strict);
    assert!(r.all_problems().next().is_none());
    let remit = &r.remittance;
    assert_eq!(remit.payment.amount, d("130"));
    assert_eq!(remit.payment.trace_number, "EFT123");
    assert_eq!(remit.payment.date.to_string(), "2024-01-15");
    assert_eq!(remit.payer.id, "87726");
    assert_eq!(remit.payee.npi.unwrap().as_str(), "1234567893");
    assert_eq!(remit.payee.tin.as_deref(), Some("123456789"));
    assert_eq!(remit.claims.len(), 2);
    let c = &remit.claims[0];
    assert_eq!(c.status, ClaimStatusCode::ProcessedPrimary);
    assert_eq!(c.patient_responsibility, d("30"));
    assert_eq!(c.payer_claim_control_number.as_deref(), Some("ICN1"));
    assert_eq!(c.remarks[0].as_str(), "N130");
    assert_eq!(c.service_end, Some("2024-01-06".parse().unwrap()));
    assert_eq!(c.member_id.as_ref().unwrap().reveal(), "W123456789");
    assert_eq!(c.lines.len(), 2);
    assert_eq!(c.lines[0].modifiers[0].as_str(), "25");
    assert_eq!(c.lines[0].adjustments.len(), 2);
    assert_eq!(c.lines[0].allowed, Some(d("120")));
    assert_eq!(c.lines[0].line_control_number.as_deref(), Some("L1"));
    assert_eq!(c.lines[1].remarks[0].as_str(), "N130");
    assert_eq!(remit.claims[1].status, ClaimStatusCode::Denied);
    assert_eq!(remit.claims[1].adjustments[0].reason.as_str(), "29");
    let plb: Vec<(&str, Decimal)> = remit
        .provider_adjustments
        .iter()
        .map(|p| (p.reason.as_str(), p.amount))
        .collect();
    assert_eq!(plb, [("WO", d("25")), ("L6", d("-5"))]);
    assert_eq!(
        remit.provider_adjustments[0].reference.as_deref(),
        Some("ICN0")
    );
    assert!(remit.balance().is_balanced(), "{:?}", remit.balance());
}

#[test]
fn writes_835_that_reads_back_equal_and_validates() {
    let r = read_835(&fixture("835.x12"), ReadMode::Strict);
    let out = typed::write_835(&r.remittance, &envelope(7)).unwrap();
    assert_validates(&out);
    let again = read_835(&out, ReadMode::Strict);
    assert_eq!(again.remittance, r.remittance);
    assert!(String::from_utf8(out).unwrap().contains("~GS*HP*"));
}

#[test]
fn reads_277ca_outcomes_by_claim() {
    let set = Reader::new(&fixture("277ca.x12")[..])
        .next_transaction()
        .unwrap()
        .unwrap();
    let acks = typed::read_277ca(&set).unwrap();
    assert_eq!(acks.len(), 2);
    assert_eq!(acks[0].patient_control_number.as_deref(), Some("PCN-1"));
    assert_eq!(acks[0].outcome, AckOutcome::Accepted);
    assert_eq!(acks[0].payer_claim_control_number.as_deref(), Some("ICN1"));
    assert_eq!(acks[0].control_number.as_deref(), Some("BATCH1"));
    assert_eq!(acks[1].patient_control_number.as_deref(), Some("PCN-2"));
    assert_eq!(acks[1].outcome, AckOutcome::Rejected);
    let codes: Vec<&str> = acks[1].reasons.iter().map(|r| r.code.as_str()).collect();
    assert_eq!(codes, ["562", "21"]);
    assert_eq!(acks[1].reasons[0].entity.as_deref(), Some("85"));
    assert_eq!(acks[1].date.to_string(), "2024-01-03");
}

#[test]
fn reads_999_outcomes_by_set() {
    let set = Reader::new(&fixture("999.x12")[..])
        .next_transaction()
        .unwrap()
        .unwrap();
    let acks = typed::read_999(&set).unwrap();
    assert_eq!(acks.len(), 2);
    assert_eq!(acks[0].control_number.as_deref(), Some("0001"));
    assert_eq!(acks[0].outcome, AckOutcome::Accepted);
    assert_eq!(acks[1].outcome, AckOutcome::Rejected);
    assert_eq!(acks[1].reasons[0].segment.as_deref(), Some("NM1"));
    assert_eq!(acks[1].reasons[1].element.as_deref(), Some("9"));
    assert_eq!(acks[1].reasons[1].code, "7");
}

fn replace(bytes: &[u8], from: &str, to: &str) -> Vec<u8> {
    let text = String::from_utf8(bytes.to_vec()).unwrap();
    assert!(text.contains(from), "{from}");
    text.replacen(from, to, 1).into_bytes()
}

#[test]
fn lenient_keeps_every_line_and_strict_fails_on_the_first_problem() {
    let bad = replace(
        &fixture("837p.x12"),
        "SV1*HC:J3301*100*UN*2",
        "SV1*HC:J3301*1O0*UN*2",
    );
    let lenient = read_837(&bad, ReadMode::Lenient);
    assert_eq!(lenient.claims.len(), 2);
    let good = read_837(&fixture("837p.x12"), ReadMode::Strict);
    assert_eq!(lenient.claims[0].line_count(), good.claims[0].line_count());
    let p = &lenient.claims[0].problems[0];
    assert_eq!(p.field(), Some("lines[1].charge"));
    assert_eq!(p.error.kind(), "not_a_number");
    let at = p.at.as_ref().unwrap();
    assert_eq!(at.segment_id, "SV1");
    assert_eq!(at.element, Some(2));
    // The byte is the value's own.
    assert_eq!(&bad[at.byte as usize..at.byte as usize + 3], b"1O0");
    // Written back as read.
    let out = typed::write_837(&lenient.claims, &lenient.header, &envelope(1)).unwrap();
    assert!(
        String::from_utf8(out)
            .unwrap()
            .contains("SV1*HC:J3301*1O0*UN*2")
    );

    let set = Reader::new(&bad[..]).next_transaction().unwrap().unwrap();
    let err = typed::read_837(&set, ReadMode::Strict).unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("PCN-1") && msg.contains("SV1"), "{msg}");
}

#[test]
fn a_pointer_past_the_diagnoses_is_kept_and_checked() {
    // A pointer to a fourth diagnosis on a claim with three.
    let bad = replace(
        &fixture("837p.x12"),
        "SV1*HC:J3301*100*UN*2***3",
        "SV1*HC:J3301*100*UN*2***4",
    );
    let batch = read_837(&bad, ReadMode::Lenient);
    assert_eq!(batch.claims.len(), 2);
    let c = &batch.claims[0];
    assert!(c.problems.is_empty(), "{:?}", c.problems);
    assert_eq!(
        c.professional_detail().unwrap().lines[1].diagnosis_pointers,
        [4]
    );
    let checked = c.check();
    assert_eq!(checked.len(), 1, "{checked:?}");
    assert!(matches!(
        checked[0].error,
        ClaimError::PointerOutOfRange { pointer: 4, .. }
    ));
    let set = Reader::new(&bad[..]).next_transaction().unwrap().unwrap();
    match typed::read_837(&set, ReadMode::Strict) {
        Err(TypedError::Problem {
            patient_control_number,
            ..
        }) => assert_eq!(patient_control_number, "PCN-1"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_diagnosis_under_another_qualifier_is_kept_and_reported() {
    let bad = replace(&fixture("837p.x12"), "HI*ABK:J069~", "HI*ABK:J069*ZZ:8901~");
    let batch = read_837(&bad, ReadMode::Lenient);
    assert_eq!(batch.claims.len(), 2);
    let c = &batch.claims[1];
    assert_eq!(c.professional_detail().unwrap().diagnoses.len(), 1);
    let p = c
        .problems
        .iter()
        .find(|p| p.field() == Some("diagnosis_qualifier"))
        .unwrap_or_else(|| panic!("{:?}", c.problems));
    assert!(matches!(
        &p.error,
        ClaimError::Code { source: medbill_codes::CodeError::Unknown { code, .. }, .. } if code == "ZZ"
    ));
    let at = p.at.as_ref().unwrap();
    assert_eq!(
        (at.segment_id.as_str(), at.element, at.component),
        ("HI", Some(2), Some(1))
    );
    assert_eq!(&bad[at.byte as usize..at.byte as usize + 2], b"ZZ");
    // Kept as sent.
    let out = typed::write_837(&batch.claims, &batch.header, &envelope(1)).unwrap();
    assert!(
        String::from_utf8(out)
            .unwrap()
            .contains("HI*ABK:J069*ZZ:8901~")
    );
    // Strict mode stops on it.
    let set = Reader::new(&bad[..]).next_transaction().unwrap().unwrap();
    assert!(matches!(
        typed::read_837(&set, ReadMode::Strict),
        Err(TypedError::Problem { .. })
    ));
}

#[test]
fn a_line_without_its_service_segment_has_no_procedure() {
    let text = String::from_utf8(fixture("837p.x12")).unwrap();
    let without = text.replacen("SV1*HC:99214*180*UN*1***1~", "", 1);
    assert_ne!(without, text);
    let batch = read_837(without.as_bytes(), ReadMode::Lenient);
    let line = &batch.claims[1].professional_detail().unwrap().lines[0];
    // Not a placeholder: the empty code, as (not) sent, which checking reports.
    assert_eq!(line.procedure.as_str(), "");
    assert!(!line.procedure.is_valid());
    assert!(
        batch.claims[1]
            .check()
            .iter()
            .any(|p| p.field() == Some("lines[0].procedure")),
        "{:?}",
        batch.claims[1].check()
    );
    // The first claim's lines, which have theirs, are untouched.
    let first = &batch.claims[0].professional_detail().unwrap().lines;
    assert_eq!(first[0].procedure.as_str(), "99213");
    assert_eq!(first[1].procedure.as_str(), "J3301");
}

#[test]
fn problems_never_quote_patient_data() {
    let bad = replace(
        &fixture("837p.x12"),
        "DMG*D8*19800101*M",
        "DMG*D8*1980X101*M",
    );
    let bad = replace(
        &bad,
        "NM1*IL*1*DOE*JOHN*A***MI*W123456789",
        "NM1*IL*1*DOE*JOHN*A***MI*W123456789",
    );
    let batch = read_837(&bad, ReadMode::Lenient);
    let text: String = batch
        .all_problems()
        .map(|(_, p)| format!("{p} {p:?}"))
        .collect();
    assert!(text.contains("subscriber.birth_date"), "{text}");
    for phi in ["1980X101", "DOE", "JOHN", "W123456789"] {
        assert!(!text.contains(phi), "{phi} in {text}");
    }
    // And claims print no PHI in Debug.
    let lenient = read_837(&bad, ReadMode::Lenient);
    let debug = format!("{:?}", lenient.claims);
    for phi in ["DOE", "JOHN", "W123456789", "12 ELM ST"] {
        assert!(!debug.contains(phi), "{phi} in Debug");
    }
}

#[test]
fn writing_a_value_with_a_delimiter_fails() {
    let batch = read_837(&fixture("837p.x12"), ReadMode::Strict);
    let mut claims = batch.claims.clone();
    claims[0].prior_authorization = Some("A*B".into());
    let err = typed::write_837(&claims, &batch.header, &envelope(1)).unwrap_err();
    assert!(matches!(err, TypedError::Write { .. }), "{err}");
}

#[test]
fn claims_of_the_other_form_are_refused() {
    let p = read_837(&fixture("837p.x12"), ReadMode::Strict);
    let i = read_837(&fixture("837i.x12"), ReadMode::Strict);
    assert!(typed::write_837(&i.claims, &p.header, &envelope(1)).is_err());
}

#[test]
fn read_all_types_every_set_and_never_panics_on_cut_input() {
    for (name, kind) in [
        ("837p.x12", "claims"),
        ("837i.x12", "claims"),
        ("835.x12", "remittance"),
        ("277ca.x12", "acks"),
        ("999.x12", "acks"),
    ] {
        let bytes = fixture(name);
        let file = typed::read_all(&bytes, ReadMode::Lenient).unwrap();
        let got = match &file.transactions[..] {
            [TypedTransaction::Claims(_)] => "claims",
            [TypedTransaction::Remittance(_)] => "remittance",
            [TypedTransaction::Acknowledgments(_)] => "acks",
            other => panic!("{name}: {other:?}"),
        };
        assert_eq!(got, kind, "{name}");
        // Every prefix and a few corruptions read without panicking.
        for end in (0..bytes.len()).step_by(5) {
            let _ = typed::read_all(&bytes[..end], ReadMode::Lenient);
            let _ = typed::read_all(&bytes[..end], ReadMode::Strict);
        }
        for i in (0..bytes.len()).step_by(11) {
            let mut b = bytes.clone();
            b[i] = b'*';
            let _ = typed::read_all(&b, ReadMode::Lenient);
            b[i] = b':';
            let _ = typed::read_all(&b, ReadMode::Lenient);
        }
    }
}

#[test]
fn a_claim_built_in_code_is_written_valid() {
    use medbill_claim::{
        Address, BillingProvider, Claim, ClaimFilingIndicator, Payer, PersonName, Phi,
        ProfessionalLine, Provider, Subscriber,
    };
    use medbill_x12::typed::{ClaimForm, SubmissionHeader};
    let day = "2026-03-02".parse().unwrap();
    let billing = BillingProvider {
        provider: Provider::organization("EXAMPLE CLINIC", "1234567893".parse().unwrap()),
        tin: Phi::new("123456789".into()),
        tin_is_ssn: false,
        address: Address {
            lines: vec!["1 MAIN ST".into()],
            city: "SPRINGFIELD".into(),
            state: "IL".into(),
            postal_code: "627010001".into(),
            country: None,
        },
    };
    let claim = Claim::professional("PCN1")
        .billing_provider(billing)
        .subscriber(Subscriber::new(
            "W123456789",
            PersonName::new("DOE", "JANE"),
        ))
        .payer(
            Payer::new("87726", "EXAMPLE HEALTH"),
            ClaimFilingIndicator::Commercial,
        )
        .place_of_service("11".parse().unwrap())
        .diagnosis("E11.9".parse().unwrap())
        .line(ProfessionalLine::new(
            "99213".parse().unwrap(),
            d("125.00"),
            Decimal::ONE,
            day,
        ))
        .build()
        .unwrap();
    let header = SubmissionHeader::new(
        ClaimForm::Professional,
        "B1",
        day,
        ("EXAMPLE CLINIC", "S1"),
        ("EXAMPLE CLEARINGHOUSE", "R1"),
        "5555551212",
    );
    let out = typed::write_837(std::slice::from_ref(&claim), &header, &envelope(9)).unwrap();
    assert_validates(&out);
    let again = read_837(&out, ReadMode::Strict);
    assert_eq!(again.claims, [claim]);
    assert_eq!(again.header, header);
    // Nothing to write is refused rather than written as an invalid set.
    assert!(typed::write_837(&[], &header, &envelope(9)).is_err());
}
