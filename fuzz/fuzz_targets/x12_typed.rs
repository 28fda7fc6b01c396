//! The typed readers (837P/I, 835, 277CA, 999) must never panic on any input, in either mode;
//! nothing an 837 set holds is lost (every CLM01 comes back as a claim or an unreadable entry,
//! every claim read has one line per LX, charges are as sent); whatever an 837 or 835 reader
//! gives back must write without panicking, and what was read without a problem must read
//! back from the written file as the same model.
#![no_main]

use libfuzzer_sys::fuzz_target;
use medbill_claim::ClaimDetail;
use medbill_x12::Reader;
use medbill_x12::typed::{self, InterchangeHeader, ReadMode, TypedTransaction};
use rust_decimal::Decimal;

/// A claim with its problems' locations cleared.
fn unlocated(c: &medbill_claim::Claim) -> medbill_claim::Claim {
    let mut c = c.clone();
    for p in &mut c.problems {
        p.at = None;
    }
    c
}

/// The number in `text` as sent, if it is one.
fn number(text: &[u8]) -> Option<Decimal> {
    std::str::from_utf8(text).ok()?.trim().parse().ok()
}

/// A CLM as sent: CLM01, CLM02 as a number, and each LX's first service segment's charge
/// (`None` before one, `Some(None)` when it is not a number).
type SentClaim = (String, Option<Decimal>, Vec<Option<Option<Decimal>>>);

/// Every 837 set read leniently keeps every CLM (as a claim or an unreadable entry, in
/// order, with CLM01 and CLM02), one line per LX of each claim read and each line's charge.
fn conserved(data: &[u8]) {
    let mut reader = Reader::new(data);
    while let Ok(Some(set)) = reader.next_transaction() {
        if set.id() != "837" {
            continue;
        }
        let Ok(batch) = typed::read_837(&set, ReadMode::Lenient) else {
            continue;
        };
        let e = set.envelope().delimiters().element;
        let mut sent: Vec<SentClaim> = Vec::new();
        let mut in_claim = false;
        let institutional = set.version().contains("X223");
        for seg in set.segments() {
            let els: Vec<&[u8]> = seg.raw().split(|&b| b == e).collect();
            let el = |n: usize| els.get(n).copied().unwrap_or_default();
            match els[0] {
                // A level no claim is under keeps its segments apart (`unplaced`): an LX
                // after an HL that opens a level is no line of the claim before it.
                b"HL" if matches!(el(3).trim_ascii(), b"20" | b"22" | b"23") => in_claim = false,
                b"CLM" => {
                    in_claim = true;
                    sent.push((
                    String::from_utf8_lossy(el(1)).trim().to_owned(),
                    number(el(2)),
                    Vec::new(),
                    ));
                }
                b"LX" if in_claim => {
                    if let Some(c) = sent.last_mut() {
                        c.2.push(None);
                    }
                }
                // The form's service segment: SV1 on an 837P, SV2 on an 837I.
                b"SV1" | b"SV2" if in_claim && (els[0] == b"SV2") == institutional => {
                    let charge = number(el(if institutional { 3 } else { 2 }));
                    // The line's first service segment is its own; another is kept as sent.
                    if let Some(line) = sent.last_mut().and_then(|c| c.2.last_mut())
                        && line.is_none()
                    {
                        *line = Some(charge);
                    }
                }
                _ => {}
            }
        }
        assert_eq!(batch.claim_count(), sent.len(), "claims + unreadable = CLM segments");
        let mut claims = batch.claims.iter();
        let mut unreadable = batch.unreadable.iter().peekable();
        for (pcn, total, lines) in &sent {
            let read_so_far = batch.claims.len() - claims.len();
            if let Some(u) = unreadable.next_if(|u| u.index == read_so_far) {
                assert_eq!(u.patient_control_number.as_str(), pcn.as_str());
                assert_eq!(u.total_charge, *total);
                continue;
            }
            let c = claims.next().expect("a claim for each CLM");
            assert_eq!(c.patient_control_number.as_str(), pcn.as_str());
            if let Some(total) = total {
                assert_eq!(c.total_charge, *total, "{pcn}: CLM02 as sent");
            }
            assert_eq!(c.line_count(), lines.len(), "{pcn}: one line per LX");
            let charges: Vec<Decimal> = match &c.detail {
                ClaimDetail::Professional(p) => p.lines.iter().map(|l| l.charge).collect(),
                ClaimDetail::Institutional(d) => d.lines.iter().map(|l| l.charge).collect(),
                _ => Vec::new(),
            };
            for (read, sent) in charges.iter().zip(lines) {
                if let Some(Some(sent)) = sent {
                    assert_eq!(read, sent, "{pcn}: line charge as sent");
                }
            }
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(date) = "2024-03-01".parse() else {
        return;
    };
    let envelope = InterchangeHeader::new("SENDER", "RECEIVER", 3, date);
    conserved(data);
    for mode in [ReadMode::Lenient, ReadMode::Strict] {
        let Ok(file) = typed::read_all(data, mode) else {
            continue;
        };
        for t in &file.transactions {
            match t {
                TypedTransaction::Claims(b) if !b.claims.is_empty() => {
                    // A value with a delimiter in it cannot be written; that is an error, not
                    // a panic.
                    let Ok(out) = typed::write_837(&b.claims, &b.header, &envelope) else {
                        continue;
                    };
                    let again = typed::read_all(&out, mode).expect("a written 837 reads");
                    // Every claim comes back; each read without a problem comes back the same
                    // (the written file puts its values at other bytes).
                    match &again.transactions[..] {
                        [TypedTransaction::Claims(b2)] => {
                            assert_eq!(b2.claims.len(), b.claims.len());
                            if b.problems.is_empty() {
                                for (x, y) in b.claims.iter().zip(&b2.claims) {
                                    if x.problems.is_empty() {
                                        assert_eq!(unlocated(x), unlocated(y));
                                    }
                                }
                            }
                        }
                        other => panic!("{other:?}"),
                    }
                }
                TypedTransaction::Remittance(r) => {
                    let Ok(out) = typed::write_835(&r.remittance, &envelope) else {
                        continue;
                    };
                    let again = typed::read_all(&out, mode).expect("a written 835 reads");
                    if r.all_problems().next().is_none() {
                        match &again.transactions[..] {
                            [TypedTransaction::Remittance(r2)] => {
                                assert_eq!(r2.remittance, r.remittance)
                            }
                            other => panic!("{other:?}"),
                        }
                    }
                }
                _ => {}
            }
        }
    }
});
