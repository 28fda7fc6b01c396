//! Reading 277CA (005010X214) and 999 (005010X231A1) into acknowledgment outcomes.

use medbill_claim::{AckOutcome, AckReason, AckSource, Acknowledgment};

use super::walk::{Fields, LoopWalker};
use super::{TypedError, envelope_date, guide_for, parse_date};
use crate::TransactionSet;

fn opt(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_owned())
}

fn structure(set: &TransactionSet, what: String) -> TypedError {
    let mut p = set.position(1);
    p.element = None;
    TypedError::Structure {
        what,
        position: Box::new(p),
    }
}

fn worse(a: AckOutcome, b: AckOutcome) -> AckOutcome {
    let rank = |o: AckOutcome| match o {
        AckOutcome::Accepted => 0,
        AckOutcome::AcceptedWithErrors => 1,
        _ => 2,
    };
    if rank(b) > rank(a) { b } else { a }
}

/// Reads a 277CA into one acknowledgment per claim (loop 2200D), linked to the claim by its
/// patient control number (TRN02) and carrying the payer's claim number (REF*1K) and every
/// STC as a reason. The outcome is the worst STC category: `A3`, `A4`, `A6`, `A7`, `A8` reject.
///
/// ```
/// use medbill_x12::typed;
/// use medbill_x12::Reader;
/// use medbill_claim::AckOutcome;
///
/// let file = b"ISA*00*          *00*          *ZZ*CH             *ZZ*CLINIC         *240102*1200*^*00501*000000002*0*T*:~\
/// GS*HN*CH*CLINIC*20240102*1200*2*X*005010X214~ST*277*0001*005010X214~BHT*0085*08*B1*20240102*1200*TH~\
/// HL*1**20*1~NM1*PR*2*PAYER*****PI*P1~TRN*1*R1~DTP*050*D8*20240102~DTP*009*D8*20240102~\
/// HL*2*1*21*1~NM1*41*2*CLINIC*****46*S1~TRN*2*BATCH7~STC*A1:19*20240102*WQ*100~\
/// HL*3*2*19*1~NM1*85*2*CLINIC*****XX*1234567893~\
/// HL*4*3*PT*0~NM1*QC*1*DOE*JANE****MI*M1~TRN*2*PCN1~STC*A7:562:85*20240102*U*100~REF*1K*ICN9~\
/// SE*18*0001~GE*1*2~IEA*1*000000002~";
/// let set = Reader::new(&file[..]).next_transaction()?.unwrap();
/// let acks = typed::read_277ca(&set)?;
/// assert_eq!(acks.len(), 1);
/// assert_eq!(acks[0].patient_control_number.as_deref(), Some("PCN1"));
/// assert_eq!(acks[0].outcome, AckOutcome::Rejected);
/// assert_eq!(acks[0].reasons[0].code, "562");
/// assert_eq!(acks[0].control_number.as_deref(), Some("BATCH7"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn read_277ca(set: &TransactionSet) -> Result<Vec<Acknowledgment>, TypedError> {
    if set.id() != "277" {
        return Err(structure(set, format!("a {} set is not a 277", set.id())));
    }
    let guide = guide_for("277", "005010X214")
        .ok_or_else(|| structure(set, "no guide for the 277CA".into()))?;
    let mut walker = LoopWalker::new(guide);
    let mut acks: Vec<Acknowledgment> = Vec::new();
    let mut batch: Option<String> = None;
    let mut date = envelope_date(set);
    let mut open = false;
    let mut els = Vec::with_capacity(16);
    for (i, seg) in set.segments().enumerate() {
        let f = Fields::new(seg, i as u32 + 1, els);
        let l = walker.step(&f);
        let q = f.el(1).trim();
        match (l, f.id()) {
            ("", "BHT") => {
                if let Some(d) = parse_date(f.el(4)) {
                    date = Some(d);
                }
            }
            ("2200B", "TRN") => batch = opt(f.el(2)),
            ("2200D", "TRN") => {
                open = true;
                acks.push(Acknowledgment {
                    source: AckSource::ClaimAck277Ca,
                    outcome: AckOutcome::Accepted,
                    date: date.unwrap_or_default(),
                    control_number: batch.clone(),
                    patient_control_number: opt(f.el(2)),
                    payer_claim_control_number: None,
                    reasons: Vec::new(),
                });
            }
            ("2200D", "STC") if open => {
                if let Some(a) = acks.last_mut() {
                    let category = f.comp(1, 1).trim();
                    if let Some(o) = AckOutcome::from_277ca_category(category) {
                        a.outcome = if a.reasons.is_empty() {
                            o
                        } else {
                            worse(a.outcome, o)
                        };
                    }
                    if a.reasons.is_empty()
                        && let Some(d) = parse_date(f.el(2))
                    {
                        a.date = d;
                    }
                    // STC10 and STC11 carry a second and third status composite.
                    for n in [1usize, 10, 11] {
                        let cat = f.comp(n, 1).trim();
                        if cat.is_empty() {
                            continue;
                        }
                        if n > 1
                            && let Some(o) = AckOutcome::from_277ca_category(cat)
                        {
                            a.outcome = worse(a.outcome, o);
                        }
                        a.reasons.push(AckReason {
                            code: f.comp(n, 2).trim().to_owned(),
                            category: Some(cat.to_owned()),
                            entity: opt(f.comp(n, 3)),
                            segment: None,
                            element: None,
                            message: if n == 1 { opt(f.el(12)) } else { None },
                        });
                    }
                }
            }
            ("2200D", "REF") if q == "1K" && open => {
                if let Some(a) = acks.last_mut() {
                    a.payer_claim_control_number = opt(f.el(2));
                }
            }
            (l, "HL") if !l.starts_with("2000D") => open = false,
            _ => {}
        }
        els = f.recycle();
    }
    if date.is_none() && !acks.is_empty() {
        return Err(structure(
            set,
            "the 277CA has no date (BHT04 or GS04)".into(),
        ));
    }
    Ok(acks)
}

/// Reads a 999 into one acknowledgment per acknowledged transaction set (AK2 .. IK5), linked
/// to it by its control number (AK202); IK3 and IK4 errors become reasons. A 999 without AK2
/// loops gives one acknowledgment for the group (AK102, AK901).
pub fn read_999(set: &TransactionSet) -> Result<Vec<Acknowledgment>, TypedError> {
    if set.id() != "999" {
        return Err(structure(set, format!("a {} set is not a 999", set.id())));
    }
    let date = envelope_date(set).ok_or_else(|| structure(set, "no GS04 or ISA09 date".into()))?;
    let mut acks: Vec<Acknowledgment> = Vec::new();
    let mut group: Option<String> = None;
    let mut open = false;
    let mut last_segment: Option<String> = None;
    let mut els = Vec::with_capacity(16);
    let new = |control: Option<String>, outcome| Acknowledgment {
        source: AckSource::Implementation999,
        outcome,
        date,
        control_number: control,
        patient_control_number: None,
        payer_claim_control_number: None,
        reasons: Vec::new(),
    };
    for (i, seg) in set.segments().enumerate() {
        let f = Fields::new(seg, i as u32 + 1, els);
        match f.id() {
            "AK1" => group = opt(f.el(2)),
            "AK2" => {
                open = true;
                acks.push(new(opt(f.el(2)), AckOutcome::Accepted));
            }
            "IK3" if open => {
                last_segment = opt(f.el(1));
                if let Some(a) = acks.last_mut() {
                    let mut r = AckReason::new(f.el(4).trim());
                    r.segment = last_segment.clone();
                    r.message = opt(f.el(2)).map(|p| format!("segment position {p}"));
                    a.reasons.push(r);
                }
            }
            "IK4" if open => {
                if let Some(a) = acks.last_mut() {
                    let mut r = AckReason::new(f.el(3).trim());
                    r.segment = last_segment.clone();
                    r.element = opt(f.el(1));
                    a.reasons.push(r);
                }
            }
            "IK5" if open => {
                if let Some(a) = acks.last_mut() {
                    if let Some(o) = AckOutcome::from_999_code(f.el(1)) {
                        a.outcome = o;
                    }
                    for n in 2..=6 {
                        if let Some(code) = opt(f.el(n)) {
                            a.reasons.push(AckReason::new(code));
                        }
                    }
                }
                open = false;
            }
            "AK9" if acks.is_empty() => {
                let outcome = AckOutcome::from_999_code(f.el(1)).unwrap_or(AckOutcome::Rejected);
                let mut a = new(group.clone(), outcome);
                for n in 5..=9 {
                    if let Some(code) = opt(f.el(n)) {
                        a.reasons.push(AckReason::new(code));
                    }
                }
                acks.push(a);
            }
            _ => {}
        }
        els = f.recycle();
    }
    Ok(acks)
}
