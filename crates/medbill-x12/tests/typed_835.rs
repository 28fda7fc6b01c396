//! The 835 payer and payee parts the model holds (TRN03 tax ID, N3/N4 addresses, PER
//! contacts), the 835's own CLP06 code list, and the writer's refusals; values the model
//! cannot hold (codes that are not valid, amounts that are not numbers), kept with their
//! problems and written back as read.

use medbill_claim::{
    Address, ClaimFilingIndicator, ClaimPayment, ClaimStatusCode, CommunicationQualifier, Contact,
    ContactFunction, Payee, Payer, Payment, PaymentMethod, Problem, RawSegment,
    RemitFilingIndicator, Remittance,
};
use medbill_x12::Reader;
use medbill_x12::typed::{self, InterchangeHeader, ReadMode, RemittanceSet, TypedError};
use medbill_x12::validate::Validator;
use rust_decimal::Decimal;

fn fixture() -> Vec<u8> {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/typed/835.x12");
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn replace(bytes: &[u8], from: &str, to: &str) -> Vec<u8> {
    let text = String::from_utf8(bytes.to_vec()).unwrap();
    assert!(text.contains(from), "{from}");
    text.replacen(from, to, 1).into_bytes()
}

fn read(bytes: &[u8], mode: ReadMode) -> RemittanceSet {
    let set = Reader::new(bytes).next_transaction().unwrap().unwrap();
    typed::read_835(&set, mode).unwrap()
}

fn envelope() -> InterchangeHeader {
    InterchangeHeader::new("PAYER", "CLINIC", 11, "2026-03-02".parse().unwrap())
}

fn findings(bytes: &[u8]) -> Vec<String> {
    Validator::new()
        .validate(bytes)
        .transactions()
        .flat_map(|t| t.findings.iter().map(|f| f.to_string()).collect::<Vec<_>>())
        .collect()
}

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

/// The one problem of `r` (of the set, the remittance or a claim payment) about `field`.
fn problem<'a>(r: &'a RemittanceSet, field: &str) -> &'a Problem {
    let found: Vec<&Problem> = r
        .remittance
        .problems
        .iter()
        .chain(r.remittance.claims.iter().flat_map(|c| &c.problems))
        .filter(|p| p.field() == Some(field))
        .collect();
    let all: Vec<String> = r.all_problems().map(|(_, p)| p.to_string()).collect();
    assert_eq!(found.len(), 1, "{field} in {all:?}");
    found[0]
}

/// The value a problem's location points at: from its byte to the next delimiter.
fn value_at<'a>(bytes: &'a [u8], p: &Problem) -> &'a str {
    let at = p.at.as_ref().expect("a location");
    let from = usize::try_from(at.byte).unwrap();
    let end = bytes[from..]
        .iter()
        .position(|b| matches!(b, b'*' | b':' | b'~'))
        .map_or(bytes.len(), |n| from + n);
    std::str::from_utf8(&bytes[from..end]).unwrap()
}

/// The error of a strict read, as text.
fn strict_error(bytes: &[u8]) -> String {
    let set = Reader::new(bytes).next_transaction().unwrap().unwrap();
    match typed::read_835(&set, ReadMode::Strict) {
        Err(e @ TypedError::Problem { .. }) => e.to_string(),
        other => panic!("not a problem: {other:?}"),
    }
}

/// The fixture's own envelope (ISA, GS, a line break after each segment).
fn fixture_envelope() -> InterchangeHeader {
    let mut h = InterchangeHeader::new("PAYER01", "CLINIC01", 103, "2024-01-02".parse().unwrap());
    h.group_control = 1;
    h.line_breaks = true;
    h
}

/// Reads `bytes` (in the fixture's envelope) leniently and writes the set back: the whole
/// file as read, byte for byte, and read again the same remittance. Returns what was read.
fn assert_written_back_as_read(bytes: &[u8]) -> RemittanceSet {
    let r = read(bytes, ReadMode::Lenient);
    let out = typed::write_remittance_set(&r, &fixture_envelope()).unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out),
        String::from_utf8_lossy(bytes)
    );
    assert_eq!(read(&out, ReadMode::Lenient), r);
    r
}

/// A remittance built in code, with nothing read from a file: no raw segments at all.
fn built() -> Remittance {
    let mut claim = ClaimPayment::new(
        "PCN1",
        ClaimStatusCode::ProcessedPrimary,
        d("100"),
        d("100"),
    );
    claim.filing_indicator = Some(RemitFilingIndicator::MedicarePartB.into());
    claim.patient_name = Some(medbill_claim::Phi::new(medbill_claim::PersonName::new(
        "DOE", "JANE",
    )));
    claim.member_id = Some(medbill_claim::Phi::new("M1".into()));
    let mut remit = Remittance::new(
        Payer::new("87726", "EXAMPLE HEALTH"),
        Payee::new("EXAMPLE CLINIC"),
        Payment {
            method: PaymentMethod::Ach.into(),
            amount: d("100"),
            date: "2026-03-02".parse().unwrap(),
            trace_number: "EFT0001".into(),
        },
    );
    remit.payer_tin = Some("123456789".into());
    remit.payer_address = Some(Address {
        lines: vec!["PO BOX 1000".into(), "SUITE 5".into()],
        city: "SPRINGFIELD".into(),
        state: "IL".into(),
        postal_code: "627010000".into(),
        country: None,
    });
    remit.payer_contacts = vec![
        Contact::new(ContactFunction::Business, "CLAIMS")
            .with_number(CommunicationQualifier::Telephone, "8005550101"),
        Contact::new(ContactFunction::Technical, "EDI SUPPORT")
            .with_number(CommunicationQualifier::Telephone, "8005550100")
            .with_number(CommunicationQualifier::Extension, "12")
            .with_number(CommunicationQualifier::Email, "edi@example.com"),
        Contact::new(ContactFunction::WebSite, "")
            .with_number(CommunicationQualifier::Url, "www.example.com"),
    ];
    remit.payee.npi = Some("1234567893".parse().unwrap());
    remit.payee.address = Some(Address {
        lines: vec!["1 MAIN ST".into()],
        city: "PEORIA".into(),
        state: "IL".into(),
        postal_code: "61602".into(),
        country: None,
    });
    remit.claims.push(claim);
    remit
}

#[test]
fn reads_payer_tax_id_address_and_contact() {
    let r = read(&fixture(), ReadMode::Strict);
    assert!(r.all_problems().next().is_none());
    let remit = &r.remittance;
    assert_eq!(remit.payer_tin.as_deref(), Some("512345678"));
    let a = remit.payer_address.as_ref().unwrap();
    assert_eq!(a.lines, ["1 PAYER WAY"]);
    assert_eq!(
        (&*a.city, &*a.state, &*a.postal_code),
        ("HARTFORD", "CT", "06101")
    );
    let bl = remit.payer_contact(ContactFunction::Technical).unwrap();
    assert_eq!(bl.name.as_deref(), Some("EDI SUPPORT"));
    assert_eq!(
        bl.number(CommunicationQualifier::Telephone),
        Some("8005551212")
    );
    assert_eq!(
        remit.claims[0].filing_indicator,
        Some(RemitFilingIndicator::Ppo.into())
    );
    // What the model now holds is no longer kept raw.
    let raw: Vec<&str> = remit.extra.iter().map(|r| r.text.as_str()).collect();
    assert!(
        raw.iter()
            .all(|t| !t.starts_with("N3") && !t.starts_with("N4") && !t.starts_with("PER")),
        "{raw:?}"
    );
}

#[test]
fn a_remittance_built_in_code_writes_a_valid_835_and_reads_back_equal() {
    let remit = built();
    let out = typed::write_835(&remit, &envelope()).unwrap();
    let text = String::from_utf8(out.clone()).unwrap();
    assert!(text.contains("TRN*1*EFT0001*1123456789~"), "{text}");
    assert!(text.contains("N1*PR*EXAMPLE HEALTH*XV*87726~N3*PO BOX 1000*SUITE 5~N4*SPRINGFIELD*IL*627010000~PER*CX*CLAIMS*TE*8005550101~PER*BL*EDI SUPPORT*TE*8005550100*EX*12*EM*edi@example.com~PER*IC**UR*www.example.com~"), "{text}");
    assert!(
        text.contains("N1*PE*EXAMPLE CLINIC*XX*1234567893~N3*1 MAIN ST~N4*PEORIA*IL*61602~"),
        "{text}"
    );
    assert!(
        text.contains("CLP*PCN1*1*100*100*0*MB~NM1*QC*1*DOE*JANE****MI*M1~"),
        "{text}"
    );
    let f = findings(&out);
    assert!(f.is_empty(), "{f:?}\n{text}");
    let again = read(&out, ReadMode::Strict);
    assert!(again.all_problems().next().is_none());
    assert_eq!(again.remittance, remit);
}

#[test]
fn without_a_technical_contact_or_address_the_validator_objects() {
    // The writer does not invent the payer's required N3/N4 and PER*BL; the guide check says
    // what is missing.
    let mut remit = built();
    remit.payer_address = None;
    remit
        .payer_contacts
        .retain(|c| c.function != ContactFunction::Technical);
    let out = typed::write_835(&remit, &envelope()).unwrap();
    assert!(!findings(&out).is_empty());
}

#[test]
fn the_writer_requires_the_payer_tax_id() {
    let mut remit = built();
    remit.payer_tin = None;
    let e = typed::write_835(&remit, &envelope()).unwrap_err();
    assert!(
        matches!(&e, TypedError::Write { field, .. } if field == "payer_tin"),
        "{e}"
    );
    for bad in ["12345678", "1234567890", "12345678X", ""] {
        remit.payer_tin = Some(bad.into());
        let e = typed::write_835(&remit, &envelope()).unwrap_err();
        assert!(
            matches!(&e, TypedError::Write { field, .. } if field == "payer_tin"),
            "{bad}: {e}"
        );
    }
    // A TRN03 kept by a reader (a shape other than 1 + nine digits) is written back as read.
    remit.payer_tin = None;
    remit
        .extra
        .push(RawSegment::new("/TRN", "TRN*1**1ABCDEFGHI"));
    let out = typed::write_835(&remit, &envelope()).unwrap();
    assert!(
        String::from_utf8(out)
            .unwrap()
            .contains("TRN*1*EFT0001*1ABCDEFGHI~")
    );
}

#[test]
fn an_unusual_trn03_stays_raw_and_round_trips() {
    let bytes = replace(&fixture(), "TRN*1*EFT123*1512345678~", "TRN*1*EFT123*9999~");
    let r = read(&bytes, ReadMode::Strict);
    assert_eq!(r.remittance.payer_tin, None);
    let out = typed::write_835(&r.remittance, &envelope()).unwrap();
    assert!(
        String::from_utf8(out.clone())
            .unwrap()
            .contains("TRN*1*EFT123*9999~")
    );
    assert_eq!(read(&out, ReadMode::Strict).remittance, r.remittance);
}

#[test]
fn the_writer_refuses_what_a_segment_cannot_hold() {
    let mut remit = built();
    remit.payer_contacts[1]
        .numbers
        .push(medbill_claim::CommunicationNumber {
            qualifier: CommunicationQualifier::Fax,
            number: "8005550199".into(),
        });
    let e = typed::write_835(&remit, &envelope()).unwrap_err();
    assert!(
        matches!(&e, TypedError::Write { field, .. } if field == "payer_contacts[1].numbers"),
        "{e}"
    );

    let mut remit = built();
    if let Some(a) = &mut remit.payer_address {
        a.lines.push("THIRD LINE".into());
    }
    let e = typed::write_835(&remit, &envelope()).unwrap_err();
    assert!(
        matches!(&e, TypedError::Write { field, .. } if field == "payer_address.lines"),
        "{e}"
    );

    let mut remit = built();
    if let Some(a) = &mut remit.payee.address {
        a.city.clear();
    }
    let e = typed::write_835(&remit, &envelope()).unwrap_err();
    assert!(
        matches!(&e, TypedError::Write { field, .. } if field == "payee.address.city"),
        "{e}"
    );

    let mut remit = built();
    remit.payer_contacts[0].numbers[0].number = "800*555".into();
    assert!(typed::write_835(&remit, &envelope()).is_err());
}

#[test]
fn contacts_and_addresses_the_model_cannot_hold_stay_raw() {
    let bytes = replace(
        &fixture(),
        "PER*BL*EDI SUPPORT*TE*8005551212~",
        "PER*BL*EDI SUPPORT*TE*8005551212~PER*ZZ*OTHER*TE*8005550000~PER*CX*CLAIMS*XX*1~",
    );
    let bytes = replace(
        &bytes,
        "N4*HARTFORD*CT*06101~",
        "N4*HARTFORD*CT*06101**DP*X~",
    );
    let r = read(&bytes, ReadMode::Lenient);
    let remit = &r.remittance;
    assert_eq!(remit.payer_contacts.len(), 1);
    assert_eq!(remit.payer_address.as_ref().unwrap().city, "");
    let raw: Vec<&str> = remit.extra.iter().map(|r| r.text.as_str()).collect();
    for kept in [
        "PER*ZZ*OTHER*TE*8005550000",
        "PER*CX*CLAIMS*XX*1",
        "N4*HARTFORD*CT*06101**DP*X",
    ] {
        assert!(raw.contains(&kept), "{kept} in {raw:?}");
    }
    let out = typed::write_835(remit, &envelope()).unwrap();
    let again = read(&out, ReadMode::Lenient);
    // The same remittance, its problem at the bytes of the file written.
    let unlocated = |r: &medbill_claim::Remittance| {
        let mut r = r.clone();
        for p in &mut r.problems {
            p.at = None;
        }
        r
    };
    assert_eq!(unlocated(&again.remittance), unlocated(remit));
}

#[test]
fn a_clp06_outside_the_835_list_is_kept_as_sent_and_reported() {
    let bytes = replace(
        &fixture(),
        "CLP*PCN-1*1*250*150*30*12*",
        "CLP*PCN-1*1*250*150*30*CI*",
    );
    let r = read(&bytes, ReadMode::Lenient);
    let claim = &r.remittance.claims[0];
    let filing = claim.filing_indicator.as_ref().unwrap();
    assert_eq!(filing.as_str(), "CI");
    assert!(!filing.is_valid());
    let p = problem(&r, "filing_indicator");
    assert_eq!(p.sent.as_deref(), Some("CI"));
    assert_eq!(value_at(&bytes, p), "CI");
    // Strict: the problem is the error.
    let e = strict_error(&bytes);
    assert!(e.contains("claim PCN-1: filing_indicator"), "{e}");
    // Written back as sent.
    assert_written_back_as_read(&bytes);
}

#[test]
fn every_claim_filing_indicator_maps_or_is_left_to_the_caller() {
    let mut refused = Vec::new();
    for &c in ClaimFilingIndicator::ALL {
        match RemitFilingIndicator::from_claim_filing(c) {
            Some(r) => {
                assert_eq!(r.as_str(), c.as_str());
                assert_eq!(ClaimFilingIndicator::from(r), c);
                assert_eq!(RemitFilingIndicator::try_from(c).ok(), Some(r));
            }
            None => {
                assert!(RemitFilingIndicator::try_from(c).is_err());
                refused.push(c.as_str());
            }
        }
    }
    assert_eq!(refused, ["11", "BL", "CI", "FI"]);
    assert_eq!(RemitFilingIndicator::ALL.len(), 19);
    // JSON holding an 837-only code is kept as sent, and marked as not valid.
    let json = r#"{"patient_control_number":"A","status":"1","charge":"1","paid":"1","filing_indicator":"CI"}"#;
    let c = serde_json::from_str::<ClaimPayment>(json).unwrap();
    let f = c.filing_indicator.unwrap();
    assert_eq!(f.as_str(), "CI");
    assert!(!f.is_valid());
}

/// Found by the `x12_typed` fuzz target: a payer N3 with bytes that are not UTF-8 was kept
/// raw with the bytes replaced, read back as a typed address, and no problem was reported.
#[test]
fn a_segment_that_is_not_utf8_is_reported() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/typed/fuzz/835-invalid-utf8-n3.x12");
    let bytes = std::fs::read(path).unwrap();
    let r = read(&bytes, ReadMode::Lenient);
    let p: Vec<String> = r.all_problems().map(|(_, p)| p.to_string()).collect();
    assert_eq!(p.len(), 1, "{p:?}");
    assert!(p[0].contains("not UTF-8"), "{p:?}");
    assert!(strict_error(&bytes).contains("not UTF-8"));
    // Written back, the replaced bytes are text: it reads without a problem from then on.
    let out = typed::write_835(&r.remittance, &envelope()).unwrap();
    let again = read(&out, ReadMode::Strict);
    let out2 = typed::write_835(&again.remittance, &envelope()).unwrap();
    assert_eq!(read(&out2, ReadMode::Strict).remittance, again.remittance);
}

#[test]
fn a_patient_name_prefix_or_extra_element_stays_with_the_claim() {
    // NM106 (a name prefix) and NM110 are not in the model: the NM1 is kept as a template
    // and written back with them, not silently dropped.
    for (from, to) in [
        (
            "NM1*QC*1*DOE*JOHN*A***MI*W123456789~",
            "NM1*QC*1*DOE*JOHN*A*DR**MI*W123456789~",
        ),
        (
            "NM1*QC*1*DOE*JOHN*A***MI*W123456789~",
            "NM1*QC*1*DOE*JOHN*A***MI*W123456789*01~",
        ),
    ] {
        let bytes = replace(&fixture(), from, to);
        let r = read(&bytes, ReadMode::Strict);
        assert!(r.all_problems().next().is_none());
        let out = typed::write_835(&r.remittance, &envelope()).unwrap();
        assert!(String::from_utf8(out.clone()).unwrap().contains(to), "{to}");
        assert_eq!(read(&out, ReadMode::Strict).remittance, r.remittance);
    }
}

#[test]
fn a_claim_status_that_is_not_one_keeps_the_claim_payment() {
    let bytes = replace(&fixture(), "CLP*PCN-3*4*", "CLP*PCN-3*Q9*");
    let r = assert_written_back_as_read(&bytes);
    let claims = &r.remittance.claims;
    assert_eq!(claims.len(), 2);
    assert_eq!(claims[1].status.as_str(), "Q9");
    assert!(!claims[1].status.is_valid());
    assert_eq!(claims[1].charge, d("100"));
    assert_eq!(claims[1].adjustments.len(), 1);
    let p = problem(&r, "status");
    assert_eq!(p.sent.as_deref(), Some("Q9"));
    assert_eq!(p.at.as_ref().unwrap().segment_id, "CLP");
    assert_eq!(p.at.as_ref().unwrap().element, Some(2));
    assert_eq!(value_at(&bytes, p), "Q9");
    assert!(claims[0].problems.is_empty(), "{:?}", claims[0].problems);
}

#[test]
fn a_service_charge_that_is_not_a_number_keeps_the_line() {
    let bytes = replace(
        &fixture(),
        "SVC*HC:99213:25*150*100**1~",
        "SVC*HC:99213:25*15O*100**1~",
    );
    let r = assert_written_back_as_read(&bytes);
    let claim = &r.remittance.claims[0];
    assert_eq!(claim.lines.len(), 2);
    let line = &claim.lines[0];
    // Held as the zero it reads as; its adjustments, date and allowed amount stay with it.
    assert_eq!(line.charge, Decimal::ZERO);
    assert_eq!(line.paid, d("100"));
    assert_eq!(line.adjustments.len(), 2);
    assert_eq!(line.allowed, Some(d("120")));
    let p = problem(&r, "lines[0].charge");
    assert_eq!(p.error.kind(), "not_a_number");
    assert_eq!(p.sent, None);
    assert_eq!(value_at(&bytes, p), "15O");
    // A charge set in the model is written instead of the text read.
    let mut fixed = r.clone();
    fixed.remittance.claims[0].lines[0].charge = d("150");
    let out = typed::write_remittance_set(&fixed, &fixture_envelope()).unwrap();
    assert_eq!(out, fixture());
}

#[test]
fn an_unknown_adjustment_group_and_reason_are_kept() {
    let bytes = replace(&fixture(), "CAS*CO*45*40~", "CAS*QQ*4-5*40~");
    let r = assert_written_back_as_read(&bytes);
    let line = &r.remittance.claims[0].lines[1];
    assert_eq!(line.adjustments.len(), 2);
    let a = &line.adjustments[0];
    assert_eq!((a.group.as_str(), a.reason.as_str()), ("QQ", "4-5"));
    assert_eq!(a.amount, d("40"));
    let group = problem(&r, "lines[1].adjustments[0].group");
    assert_eq!(value_at(&bytes, group), "QQ");
    let reason = problem(&r, "lines[1].adjustments[0].reason");
    assert_eq!(reason.sent.as_deref(), Some("4-5"));
    assert_eq!(value_at(&bytes, reason), "4-5");
    // The amount still counts: the line balances as before.
    assert!(
        r.remittance
            .balance()
            .imbalances
            .iter()
            .all(|i| i.line != Some(1))
    );
}

#[test]
fn malformed_remark_codes_are_kept() {
    let bytes = replace(&fixture(), "LQ*HE*N130~", "LQ*HE*N13O~");
    let bytes = replace(&bytes, "MOA***N130~", "MOA***X130~");
    let r = assert_written_back_as_read(&bytes);
    let claim = &r.remittance.claims[0];
    assert_eq!(claim.remarks[0].as_str(), "X130");
    assert_eq!(claim.lines[1].remarks[0].as_str(), "N13O");
    assert_eq!(value_at(&bytes, problem(&r, "remarks[0]")), "X130");
    assert_eq!(value_at(&bytes, problem(&r, "lines[1].remarks[0]")), "N13O");
}

#[test]
fn an_invalid_procedure_and_modifier_are_kept() {
    let bytes = replace(
        &fixture(),
        "SVC*HC:J3301*100*50**2~",
        "SVC*HC:J33X:2$*100*50**2~",
    );
    let r = assert_written_back_as_read(&bytes);
    let line = &r.remittance.claims[0].lines[1];
    assert_eq!(line.procedure.as_ref().unwrap().as_str(), "J33X");
    assert_eq!(line.modifiers[0].as_str(), "2$");
    let p = problem(&r, "lines[1].procedure");
    let at = p.at.as_ref().unwrap();
    assert_eq!((at.element, at.component), (Some(1), Some(2)));
    assert_eq!(value_at(&bytes, p), "J33X");
    assert_eq!(value_at(&bytes, problem(&r, "lines[1].modifiers[0]")), "2$");
}

#[test]
fn strict_reading_returns_the_first_problem() {
    // Two claim payments with a problem each: the first in the file is the error.
    let bytes = replace(&fixture(), "CLP*PCN-3*4*", "CLP*PCN-3*Q9*");
    let bytes = replace(&bytes, "AMT*B6*120~", "AMT*B6*1.2.0~");
    let e = strict_error(&bytes);
    assert!(
        e.starts_with("claim PCN-1: lines[0].allowed is not a number"),
        "{e}"
    );
    // A problem of the remittance itself names no claim.
    let bytes = replace(&fixture(), "BPR*I*130*C*ACH*", "BPR*I*130*C*ACX*");
    let e = strict_error(&bytes);
    assert!(e.starts_with("payment.method: "), "{e}");
    // Without a payment date, strict reading fails; lenient borrows one and says so.
    let bytes = replace(&fixture(), "*98765*20240115~", "*98765~");
    let set = Reader::new(&bytes[..]).next_transaction().unwrap().unwrap();
    assert!(matches!(
        typed::read_835(&set, ReadMode::Strict),
        Err(TypedError::Structure { .. })
    ));
    let r = read(&bytes, ReadMode::Lenient);
    assert_eq!(r.remittance.payment.date.to_string(), "2024-01-14");
    assert_eq!(problem(&r, "payment.date").error.kind(), "missing");
}

/// CLP05 sent empty, BPR16 missing, two CAS of one group, a payee REF before REF*TJ and a
/// trailing separator: each written back as read, and each written from the model once the
/// model changes.
#[test]
fn what_the_model_reads_otherwise_is_written_back_as_read() {
    let bytes = replace(&fixture(), "CLP*PCN-3*4*100*0*0*", "CLP*PCN-3*4*100*0**");
    let bytes = replace(&bytes, "*98765*20240115~", "*98765~");
    let bytes = replace(&bytes, "CAS*PR*2*20~", "CAS*CO*45*10~\nCAS*PR*2*10~");
    let bytes = replace(&bytes, "CAS*CO*45*30~", "CAS*CO*45*20~");
    let bytes = replace(
        &bytes,
        "REF*TJ*123456789~",
        "REF*PQ*LEGACY1~\nREF*TJ*123456789~",
    );
    let bytes = replace(
        &bytes,
        "SVC*HC:J3301*100*50**2~",
        "SVC*HC:J3301*100*50**2*~",
    );
    let bytes = replace(&bytes, "SE*33*0001~", "SE*35*0001~");
    let r = assert_written_back_as_read(&bytes);
    let remit = &r.remittance;
    let claim = &remit.claims[0];
    assert_eq!(remit.claims[1].patient_responsibility, Decimal::ZERO);
    assert_eq!(remit.payee.tin.as_deref(), Some("123456789"));
    assert_eq!(claim.lines[0].adjustments.len(), 3);
    assert_eq!(claim.lines[0].adjustments_per_cas, [1, 1, 1]);
    assert_eq!(r.payment_date_stand_in, Some(remit.payment.date));
    assert!(
        r.all_problems()
            .all(|(_, p)| p.field() == Some("payment.date"))
    );

    // Changed in the model, each is written from it.
    let mut changed = r.clone();
    let remit = &mut changed.remittance;
    remit.claims[1].patient_responsibility = d("5");
    remit.payment.date = "2024-01-20".parse().unwrap();
    remit.claims[0].lines[0].adjustments.pop();
    let out =
        String::from_utf8(typed::write_remittance_set(&changed, &envelope()).unwrap()).unwrap();
    assert!(out.contains("CLP*PCN-3*4*100*0*5*12*"), "{out}");
    assert!(out.contains("*98765*20240120~"), "{out}");
    assert!(out.contains("CAS*CO*45*20**45*10~REF*6R"), "{out}");
}

/// Two PLB segments with different providers, and PLB values the model reads otherwise.
#[test]
fn provider_adjustments_are_written_back_as_read() {
    let bytes = replace(
        &fixture(),
        "PLB*1234567893*20241231*WO:ICN0*25*L6*-5~",
        "PLB*1234567893*20241231*WO:ICN0*25~\nPLB*9876543210*2024123X*L6*-5.0*FB*0A~",
    );
    let bytes = replace(&bytes, "SE*33*0001~", "SE*34*0001~");
    let r = assert_written_back_as_read(&bytes);
    let plb = &r.remittance.provider_adjustments;
    assert_eq!(plb.len(), 3);
    assert_eq!((plb[1].amount, plb[2].amount), (d("-5"), Decimal::ZERO));
    assert_eq!(plb[1].fiscal_period, None);
    assert_eq!(
        value_at(&bytes, problem(&r, "provider_adjustments[1].fiscal_period")),
        "2024123X"
    );
    assert_eq!(
        value_at(&bytes, problem(&r, "provider_adjustments[2].amount")),
        "0A"
    );
}

/// Values with spaces around them, codes in lower case and amounts spelled otherwise are
/// held trimmed and as numbers, and written back as read.
#[test]
fn spelling_the_writer_would_change_is_kept() {
    let bytes = replace(
        &fixture(),
        "CLP*PCN-1*1*250*150*30*12*",
        "CLP*PCN-1 *1*250.00*0150*30*mb*",
    );
    let bytes = replace(&bytes, "CAS*CO*45*30~", "CAS*co*45*+30~");
    let bytes = replace(
        &bytes,
        "N1*PR*EXAMPLE HEALTH*XV*87726~",
        "N1*PR*EXAMPLE HEALTH *XV*87726~",
    );
    let r = assert_written_back_as_read(&bytes);
    let claim = &r.remittance.claims[0];
    assert_eq!(claim.patient_control_number, "PCN-1");
    assert_eq!(claim.paid, d("150"));
    assert_eq!(
        claim.filing_indicator,
        Some(RemitFilingIndicator::MedicarePartB.into())
    );
    assert_eq!(claim.lines[0].adjustments[0].amount, d("30"));
    assert_eq!(r.remittance.payer.name, "EXAMPLE HEALTH");
    assert!(r.all_problems().next().is_none());
}

/// A payer or payee N1 the set did not have is not written back, until the model holds one.
#[test]
fn a_missing_payer_or_payee_n1_stays_missing_until_the_model_has_one() {
    let bytes = replace(
        &fixture(),
        "N1*PE*EXAMPLE CLINIC*XX*1234567893~\nREF*TJ*123456789~\n",
        "",
    );
    let bytes = replace(&bytes, "SE*33*0001~", "SE*31*0001~");
    let r = assert_written_back_as_read(&bytes);
    assert_eq!(r.remittance.payee.name, "");
    let mut named = r.clone();
    named.remittance.payee.name = "EXAMPLE CLINIC".into();
    let out = String::from_utf8(typed::write_remittance_set(&named, &envelope()).unwrap()).unwrap();
    assert!(out.contains("~N1*PE*EXAMPLE CLINIC~LX*1~"), "{out}");
}
