//! Checks shared by the property tests and the fuzz regressions, as the `x12_typed` fuzz
//! target makes them: nothing an 837 set holds is lost, and what was read without a problem
//! reads back the same.

use medbill_claim::{Claim, ClaimDetail};
use medbill_x12::Reader;
use medbill_x12::typed::{self, InterchangeHeader, ReadMode, TypedTransaction};
use rust_decimal::Decimal;

/// The number in `text` as X12 sends it, if it is one.
fn number(text: &[u8]) -> Option<Decimal> {
    std::str::from_utf8(text).ok()?.trim().parse().ok()
}

/// A CLM as sent: CLM01, CLM02 as a number, and each LX's first service segment's charge
/// (`None` before one, `Some(None)` when it is not a number).
type SentClaim = (String, Option<Decimal>, Vec<Option<Option<Decimal>>>);

/// Nothing read is lost: every CLM of every 837 set comes back, in order, as a claim or an
/// unreadable claim with its CLM01 and CLM02, and every claim read has one line per LX, with
/// the SV1 or SV2 charge as sent.
pub(crate) fn conserved(bytes: &[u8]) -> Result<(), String> {
    let mut reader = Reader::new(bytes);
    while let Ok(Some(set)) = reader.next_transaction() {
        if set.id() != "837" {
            continue;
        }
        let Ok(batch) = typed::read_837(&set, ReadMode::Lenient) else {
            continue;
        };
        let e = set.envelope().delimiters().element;
        // Each CLM as sent: its CLM01, CLM02, and the charges of the lines after it.
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
        if batch.claim_count() != sent.len() {
            return Err(format!(
                "{} claims read or unreadable for {} CLM segments",
                batch.claim_count(),
                sent.len()
            ));
        }
        let mut claims = batch.claims.iter();
        let mut unreadable = batch.unreadable.iter().peekable();
        for (pcn, total, lines) in &sent {
            // An unreadable entry stands where its index says, among the claims read.
            let read_so_far = batch.claims.len() - claims.len();
            if let Some(u) = unreadable.next_if(|u| u.index == read_so_far) {
                if u.patient_control_number.as_str() != pcn || u.total_charge != *total {
                    return Err(format!(
                        "{pcn}: unreadable entry without its CLM01 or CLM02"
                    ));
                }
                continue;
            }
            let Some(c) = claims.next() else {
                return Err(format!("{pcn}: no claim"));
            };
            if c.patient_control_number.as_str() != pcn {
                return Err(format!("{pcn}: read as {}", c.patient_control_number));
            }
            if total.is_some_and(|t| t != c.total_charge) {
                return Err(format!("{pcn}: CLM02 {total:?} read as {}", c.total_charge));
            }
            if c.line_count() != lines.len() {
                return Err(format!(
                    "{pcn}: {} lines for {} LX",
                    c.line_count(),
                    lines.len()
                ));
            }
            let charges: Vec<Decimal> = match &c.detail {
                ClaimDetail::Professional(p) => p.lines.iter().map(|l| l.charge).collect(),
                ClaimDetail::Institutional(d) => d.lines.iter().map(|l| l.charge).collect(),
                _ => Vec::new(),
            };
            for (k, (read, sent)) in charges.iter().zip(lines).enumerate() {
                if sent.flatten().is_some_and(|s| s != *read) {
                    return Err(format!(
                        "{pcn}: line {} charge {sent:?} read as {read}",
                        k + 1
                    ));
                }
            }
        }
    }
    Ok(())
}

/// A claim with its problems' locations cleared: a written file puts the same values at
/// other bytes.
fn unlocated(c: &Claim) -> Claim {
    let mut c = c.clone();
    for p in &mut c.problems {
        p.at = None;
    }
    c
}

fn diff<T: serde::Serialize>(a: &T, b: &T) -> String {
    let a = serde_json::to_string_pretty(a).unwrap_or_default();
    let b = serde_json::to_string_pretty(b).unwrap_or_default();
    a.lines()
        .zip(b.lines())
        .filter(|(x, y)| x != y)
        .take(6)
        .map(|(x, y)| format!("{x}\n  vs {y}\n"))
        .collect()
}

/// Reads in both modes, writes what was read, reads again: every claim comes back, each
/// read without a problem the same; a remittance read without a problem comes back the same.
/// (A value with a delimiter in it cannot be written: that is an error, reported, and skipped.)
pub(crate) fn round_trips(bytes: &[u8]) -> Result<(), String> {
    let envelope = InterchangeHeader::new("SENDER", "RECEIVER", 3, "2024-03-01".parse().unwrap());
    for mode in [ReadMode::Lenient, ReadMode::Strict] {
        let Ok(file) = typed::read_all(bytes, mode) else {
            continue;
        };
        for t in &file.transactions {
            match t {
                TypedTransaction::Claims(b) if !b.claims.is_empty() => {
                    let Ok(out) = typed::write_837(&b.claims, &b.header, &envelope) else {
                        continue;
                    };
                    let again = typed::read_all(&out, mode).map_err(|e| e.to_string())?;
                    let [TypedTransaction::Claims(b2)] = &again.transactions[..] else {
                        return Err(format!("{:?}", again.transactions));
                    };
                    if b2.claims.len() != b.claims.len() {
                        return Err(format!(
                            "{} claims written, {} read back",
                            b.claims.len(),
                            b2.claims.len()
                        ));
                    }
                    if !b.problems.is_empty() {
                        continue;
                    }
                    for (x, y) in b.claims.iter().zip(&b2.claims) {
                        let (x, y) = (unlocated(x), unlocated(y));
                        if x.problems.is_empty() && x != y {
                            return Err(diff(&x, &y));
                        }
                    }
                }
                TypedTransaction::Remittance(r) => {
                    let Ok(out) = typed::write_835(&r.remittance, &envelope) else {
                        continue;
                    };
                    let again = typed::read_all(&out, mode).map_err(|e| e.to_string())?;
                    if r.all_problems().next().is_some() {
                        continue;
                    }
                    match &again.transactions[..] {
                        [TypedTransaction::Remittance(r2)] if r2.remittance == r.remittance => {}
                        [TypedTransaction::Remittance(r2)] => {
                            return Err(diff(&r.remittance, &r2.remittance));
                        }
                        other => return Err(format!("{other:?}")),
                    }
                }
                _ => {}
            }
        }
    }
    Ok(())
}
