//! Inputs the `x12_typed` fuzz target (fuzz/fuzz_targets/x12_typed.rs) found, checked the way
//! the target checks them: reading never panics, nothing an 837 holds is lost, and what was
//! read without a problem, written back, reads again as the same model.

mod common;

use medbill_x12::typed::{self, ReadMode, TypedTransaction};

fn fuzz_fixture(name: &str) -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/typed/fuzz")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The fuzz target's checks.
fn round_trips(bytes: &[u8]) {
    if let Err(e) = common::round_trips(bytes).and_then(|()| common::conserved(bytes)) {
        panic!("{e}");
    }
}

/// A payer N3 that is not UTF-8 (fixed: the 835 reader reports such a segment).
#[test]
fn an_835_segment_that_is_not_utf8() {
    round_trips(&fuzz_fixture("835-invalid-utf8-n3.x12"));
}

/// Header number (LX) groups with no claim payment were written back as one group (fixed:
/// reported as a problem).
#[test]
fn an_835_lx_group_without_claims() {
    round_trips(&fuzz_fixture("835-lx-groups-without-claims.x12"));
}

/// A TRN without a trace number before the real one (fixed: reported, and the TRN that gives
/// the trace is the one kept).
#[test]
fn an_835_with_two_trn() {
    round_trips(&fuzz_fixture("835-two-trn.x12"));
}

/// A second BPR overwrote the first and both were kept as templates (fixed: the second is raw).
#[test]
fn an_835_with_two_bpr() {
    round_trips(&fuzz_fixture("835-two-bpr.x12"));
}

/// A second payee N1 overwrote the first (fixed: the second is raw).
#[test]
fn an_835_with_two_payee_n1() {
    round_trips(&fuzz_fixture("835-two-payee-n1.x12"));
}

/// A payee N1 whose N103 is an empty composite (`:`) kept a template that wrote back as
/// nothing (fixed: an element with only empty components is blank).
#[test]
fn an_835_payee_n1_with_an_empty_composite() {
    round_trips(&fuzz_fixture("835-payee-n1-empty-composite.x12"));
}

/// A payer N1 whose qualifier is `PR` and a NUL byte shared the loop walker's cache entry with
/// `PR` (short values are padded with zeros), so the clean payer N1 written back was not placed
/// in loop 1000A (fixed: a value with a NUL byte is placed without the cache).
#[test]
fn an_835_qualifier_with_a_nul_byte() {
    round_trips(&fuzz_fixture("835-nul-in-qualifier.x12"));
}

/// 837 inputs whose claims read back different before the 837 reader's fixes.
#[test]
fn an_837_reads_back_the_same() {
    for h in ["9615ff4e", "ab780e0d", "d5d919a2", "d86cae33"] {
        round_trips(&fuzz_fixture(&format!("837-roundtrip-{h}.x12")));
    }
}

/// An 837 whose claim, read without a problem, read back different: the segments after a LIN
/// without a CTP moved from loop 2410 to 2400 (fixed: a LIN and CTP that make no drug are kept
/// raw, so the loop they open is written back).
#[test]
fn an_837_raw_segment_stays_in_its_loop() {
    round_trips(&fuzz_fixture("837-roundtrip-10890f1b.x12"));
}

/// An 837I HI segment with a byte that is not UTF-8 is kept raw with the byte replaced, so the
/// claim written back differs from the claim read (fixed: the 837 reader reports such a
/// segment, as the 835 reader does).
#[test]
fn an_837_segment_that_is_not_utf8() {
    round_trips(&fuzz_fixture("837i-invalid-utf8-hi.x12"));
}

/// An 835 whose component separator is not `:` and whose SVC holds a literal `:`. The SVC was
/// kept as raw text with canonical separators, where the `:` became a separator, so the line
/// read back with a procedure it did not have (fixed: a segment kept as raw text with a
/// literal `*`, `:` or `^` is reported at its element).
#[test]
fn an_835_literal_colon_under_another_component_separator() {
    let bytes = fuzz_fixture("835-literal-colon.x12");
    round_trips(&bytes);
    let file = typed::read_all(&bytes, ReadMode::Lenient).unwrap();
    let reported = file.transactions.iter().any(|t| match t {
        TypedTransaction::Remittance(r) => r.all_problems().any(|(_, p)| match p {
            typed::ProblemRef::Claim(p) => {
                let at = p.at.as_ref().unwrap();
                p.field() == Some("segment")
                    && p.to_string().contains("':'")
                    && at.segment_id == "SVC"
                    && at.element == Some(1)
            }
            _ => false,
        }),
        _ => false,
    });
    assert!(reported, "{:?}", file.transactions.len());
}

/// Headers that repeat BPR and TRN between other segments (the kept BPR and TRN templates
/// must write back in the order read).
#[test]
fn an_835_with_repeated_bpr_and_trn() {
    round_trips(&fuzz_fixture("835-repeated-bpr-trn-a.x12"));
    round_trips(&fuzz_fixture("835-repeated-bpr-trn-b.x12"));
}

/// A claim payment with a second patient NM1 (garbled) after its first.
#[test]
fn an_835_claim_with_a_second_patient_name() {
    round_trips(&fuzz_fixture("835-second-patient-nm1.x12"));
}

/// A second attending provider NM1 (kept raw) followed by its PRV: the PRV must be written
/// after that NM1, not join the modelled attending provider.
#[test]
fn an_837i_with_a_second_attending_provider() {
    round_trips(&fuzz_fixture("837i-second-attending.x12"));
}

/// A payer with an ID in N1 (XV) and a different REF*2U: the N1 ID must be written back.
#[test]
fn an_835_payer_with_two_ids() {
    round_trips(&fuzz_fixture("835-payer-id-and-ref-2u.x12"));
}

/// A claim whose NM1*IL has no SBR before it: the guide walked back out to the subscriber
/// level and took its lines with it (fixed: read on as the claim's, reported).
#[test]
fn an_837_claim_the_guide_walks_out_of() {
    round_trips(&fuzz_fixture("837p-claim-walks-out-to-a-level.x12"));
}

/// A patient level under a subscriber that said it has none (HL04 `0`), naming a parent HL
/// the set does not have (fixed: reported, so that its claim is not taken as read cleanly).
#[test]
fn an_837_patient_under_a_missing_parent() {
    round_trips(&fuzz_fixture("837p-patient-under-a-missing-parent.x12"));
}

/// A patient level after the last claim, with an LX and its service line but no CLM (fixed:
/// the level's segments are kept as read in `unplaced`, and said so).
#[test]
fn an_837_level_without_a_claim() {
    let bytes = fuzz_fixture("837p-level-without-a-claim.x12");
    round_trips(&bytes);
    let set = medbill_x12::Reader::new(&bytes[..])
        .next_transaction()
        .unwrap()
        .unwrap();
    let batch = typed::read_837(&set, ReadMode::Lenient).unwrap();
    let kept: Vec<&str> = batch
        .unplaced
        .iter()
        .flat_map(|u| u.segments.iter().map(|s| s.text.as_str()))
        .collect();
    assert!(kept.iter().any(|s| s.starts_with("HL*4*3*23")), "{kept:?}");
    assert!(kept.iter().any(|s| s.starts_with("LX*1")), "{kept:?}");
    assert!(
        kept.iter().any(|s| s.starts_with("SV1*HC:99214")),
        "{kept:?}"
    );
    assert!(!batch.problems.is_empty());
}

/// Two SV1 after one LX (the second LX garbled): the line is the first's, the second is kept
/// as sent (the conservation check took the last one's charge).
#[test]
fn an_837_line_with_two_service_segments() {
    round_trips(&fuzz_fixture("837p-two-service-lines-one-lx.x12"));
}

/// An 837I holding an SV1 (a professional service line): the line is the LX's, its SV1 kept
/// as sent (the conservation check took an SV1 for the charge on any form).
#[test]
fn an_837i_with_a_professional_service_segment() {
    round_trips(&fuzz_fixture("837i-with-a-professional-line.x12"));
}

/// An 835 whose SVC id begins with a control byte: a segment id the guide does not have,
/// kept as sent and reported (it read back as an SVC once written on a line of its own).
#[test]
fn an_835_segment_id_the_guide_does_not_have() {
    let bytes = fuzz_fixture("835-segment-id-with-a-control-byte.x12");
    round_trips(&bytes);
    let file = typed::read_all(&bytes, ReadMode::Lenient).unwrap();
    let Some(TypedTransaction::Remittance(r)) = file.transactions.first() else {
        panic!("no remittance");
    };
    assert!(
        r.all_problems()
            .any(|(_, p)| p.to_string().contains("not a segment of the guide")),
        "{:?}",
        r.all_problems()
            .map(|(_, p)| p.to_string())
            .collect::<Vec<_>>()
    );
}

/// An 835 whose BPR16 is spaces: the payment date is missing, and said so (it was taken as
/// reported, so the remittance looked read cleanly and the stand-in date changed it).
#[test]
fn an_835_payment_date_of_spaces() {
    round_trips(&fuzz_fixture("835-payment-date-of-spaces.x12"));
}

/// An unreadable claim whose CLM01 is not UTF-8: its entry keeps CLM01 with the bytes
/// replaced, as a claim read does (it was empty).
#[test]
fn an_837_unreadable_claim_whose_clm01_is_not_utf8() {
    round_trips(&fuzz_fixture("837-unreadable-claim-not-utf8.x12"));
}

/// An LX with no SV1 after it: the line is kept, its procedure empty, and a problem says the
/// procedure is missing (it read as a clean line, and written back it came with an SV1).
#[test]
fn an_837_line_without_its_service_segment() {
    round_trips(&fuzz_fixture("837p-line-without-service.x12"));
}

/// An 835 payer N1 whose N103 is `XV:` (a component separator after the qualifier): the
/// reader takes no ID from it, so the writer must keep N104 as read (it wrote the empty ID
/// over it).
#[test]
fn an_835_payer_qualifier_with_a_component() {
    round_trips(&fuzz_fixture("835-payer-qualifier-with-a-component.x12"));
}
