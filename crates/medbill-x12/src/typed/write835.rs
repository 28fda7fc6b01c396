//! Writing a remittance as an 835 (005010X221A1).
//!
//! Segments are written from the model in guide order. A segment the reader kept as a
//! template (read with what the model does not hold, or spelled otherwise than a writer
//! writes it) is written from it, each of the model's values kept as read while the model
//! still agrees with it; raw segments go back into their loops. A remittance read from a set
//! is so written back as it was read, segment for segment ([`write_remittance_set`]).

use medbill_claim::{
    Address, Adjustment, ClaimPayment, Contact, LinePayment, RawSegment, Remittance, Text,
};
use medbill_codes::{Coded, GroupCode, Modifier, ProcedureCode};

use super::out::{InterchangeHeader, Out, set_control};
use super::place::{Pending, Template, code_agrees};
use super::read835::{RemittanceSet, is_tin};
use super::walk::trim;
use super::{TypedError, format_date, guide_for};
use crate::schema::Guide;

/// The guide version a remittance built in code is written with.
const GUIDE: &str = "005010X221A1";

/// Writes a remittance as one 835 interchange (ISA, GS with `HP`, ST..SE, GE, IEA), with the
/// envelope's set control number and guide 005010X221A1.
///
/// BPR, TRN, the payer's and payee's N1, CLP, SVC and the other segments a reader kept as
/// templates are written from them with the model's values; without them the writer uses `I`
/// and `C` in the BPR. Every claim payment goes under one `LX*1` unless a reader kept its
/// header-number groups.
///
/// TRN03 is `1` followed by [`Remittance::payer_tin`]; without a payer tax ID (and without a
/// TRN kept by a reader) the writer refuses with [`TypedError::Write`] rather than invent one.
/// The payer's address and contacts ([`Remittance::payer_address`],
/// [`Remittance::payer_contacts`]) go into loop 1000A as N3, N4 and PER, the payee's address
/// into 1000B. CLP06 is a [`RemitFilingIndicator`](medbill_claim::RemitFilingIndicator),
/// written as the model holds it (a code read as sent is written back as sent).
///
/// Fails with [`TypedError::Write`] when a value contains a delimiter, an address has more
/// than two street lines or a state without a city, or a contact has more than three numbers.
pub fn write_835(
    remittance: &Remittance,
    envelope: &InterchangeHeader,
) -> Result<Vec<u8>, TypedError> {
    let mut out = Out::new(envelope, 1024 + remittance.claims.len() * 400);
    out.open(envelope, "HP", GUIDE);
    let control = set_control(envelope);
    out.start_set("835", &control, GUIDE);
    write_set(&mut out, remittance, None)?;
    out.close(envelope, &control);
    out.finish()
}

/// Writes a set read by [`read_835`](super::read_835) as one 835 interchange in `envelope`,
/// with the set's own control number and guide version, its ST and SE as read, and BPR16 as
/// read while the payment date is still the one that stood in for it. A set read is written
/// back as it was read, segment for segment.
///
/// ```
/// use medbill_x12::Reader;
/// use medbill_x12::typed::{self, InterchangeHeader, ReadMode};
///
/// let set_text = "ST*835*1234~BPR*I*70*C*CHK************~TRN*1*EFT1*1512345678~\
/// N1*PR*EXAMPLE HEALTH*XV*87726~N1*PE*EXAMPLE CLINIC*XX*1234567893~LX*1~\
/// CLP*PCN1*1*100*70**12*ICN1~SVC*HC:99213:25*100*70**1*~CAS*CO*45*20~CAS*CO*253*10~\
/// SE*11*1234~";
/// let file = format!("ISA*00*          *00*          *ZZ*PAYER          *ZZ*CLINIC         \
///     *240101*1200*^*00501*000000001*0*T*:~GS*HP*PAYER*CLINIC*20240105*1200*1*X*005010X221A1~\
///     {set_text}GE*1*1~IEA*1*000000001~");
/// let set = Reader::new(file.as_bytes()).next_transaction()?.unwrap();
/// let read = typed::read_835(&set, ReadMode::Lenient)?;
/// // No BPR16: the group's date stands in, and the problem is reported.
/// assert_eq!(read.remittance.payment.date.to_string(), "2024-01-05");
/// assert_eq!(read.remittance.problems[0].field(), Some("payment.date"));
/// let envelope = InterchangeHeader::new("PAYER", "CLINIC", 1, "2024-01-05".parse()?);
/// let out = String::from_utf8(typed::write_remittance_set(&read, &envelope)?)?;
/// // Written back as read: no ST03, BPR16 missing, CLP05 empty, two CAS of one group.
/// assert!(out.contains(set_text));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn write_remittance_set(
    set: &RemittanceSet,
    envelope: &InterchangeHeader,
) -> Result<Vec<u8>, TypedError> {
    let mut out = Out::new(envelope, 1024 + set.remittance.claims.len() * 400);
    out.open(envelope, "HP", &set.guide);
    out.start_set_as_read("835", &set.control, &set.guide, set.set_header.as_deref());
    write_set(&mut out, &set.remittance, Some(set))?;
    let trailer = set.trailer.as_ref().map(|t| (t.text.as_str(), t.segments));
    out.close_as_read(envelope, &set.control, trailer);
    out.finish()
}

/// Writes BPR to PLB of one remittance (`read`: the set it was read from, if any).
fn write_set(
    out: &mut Out,
    r: &Remittance,
    read: Option<&RemittanceSet>,
) -> Result<(), TypedError> {
    let guide = guide_for("835", GUIDE).ok_or_else(|| TypedError::Write {
        field: "guide".into(),
        reason: "no embedded guide".into(),
    })?;
    let p = &r.payment;
    let extras = &r.extra;
    match Template::find(extras, "/BPR") {
        Some(mut t) => {
            t.amount(2, Some(p.amount));
            t.code(4, 0, Some(&p.method));
            // BPR16 missing or not a date as read stays so while the date is the stand-in.
            let stand_in = read.and_then(|s| s.payment_date_stand_in);
            if stand_in != Some(p.date) || t.date_read(16).is_some() {
                t.date(16, Some(p.date));
            }
            t.write(out);
        }
        None => {
            out.seg("BPR")
                .el("I")
                .eld(p.amount)
                .el("C")
                .el(p.method.as_str());
            for _ in 5..16 {
                out.el("");
            }
            out.eld(format_date(p.date)).end();
        }
    }
    write_trn(out, r)?;
    Pending::new(guide, "", extras).rest(out);
    write_payer(out, guide, r)?;
    write_payee(out, guide, r)?;
    for (i, c) in r.claims.iter().enumerate() {
        // A header-number group (LX) starts where the reader found one, and before the first
        // claim payment in any case.
        match c.extra.iter().find(|x| x.loop_id == "2000/LX") {
            // An empty one: the reader read none.
            Some(lx) if lx.text.is_empty() => {}
            Some(lx) => out.raw(&lx.text),
            None if i == 0 => out.seg("LX").el("1").end(),
            None => {}
        }
        Pending::new(guide, "2000", &c.extra).rest(out);
        write_claim(out, guide, c);
    }
    if let Some(lx) = extras.iter().find(|x| x.loop_id == "2000/LX") {
        out.raw(&lx.text);
        Pending::new(guide, "2000", extras).rest(out);
    }
    write_plb(out, r);
    Ok(())
}

fn write_trn(out: &mut Out, r: &Remittance) -> Result<(), TypedError> {
    let trn03 = match &r.payer_tin {
        Some(tin) if is_tin(tin) => Some(format!("1{tin}")),
        Some(_) => {
            return Err(TypedError::Write {
                field: "payer_tin".into(),
                reason: "the payer's tax ID must be nine digits (TRN03 is 1 and the tax ID)".into(),
            });
        }
        None => None,
    };
    match Template::find(&r.extra, "/TRN") {
        // A TRN read is written back with what it held, TRN03 included.
        Some(mut t) => {
            t.text(2, 0, &r.payment.trace_number);
            if let Some(v) = &trn03 {
                t.text(3, 0, v);
            }
            t.write(out);
        }
        None => {
            // TRN03 is required; a made-up value would not reassociate the payment.
            let Some(v) = trn03 else {
                return Err(TypedError::Write {
                    field: "payer_tin".into(),
                    reason:
                        "TRN03 (1 and the payer's nine-digit tax ID) is required; set payer_tin"
                            .into(),
                });
            };
            out.seg("TRN")
                .el("1")
                .el(&r.payment.trace_number)
                .el(&v)
                .end();
        }
    }
    Ok(())
}

/// Loop 1000A: the payer's N1, address, contacts and kept segments.
fn write_payer(out: &mut Out, guide: &Guide, r: &Remittance) -> Result<(), TypedError> {
    let mut pending = Pending::new(guide, "1000A", &r.extra);
    match Template::find(&r.extra, "1000A/N1") {
        // The reader read no payer N1 (an empty template), and there is still none.
        Some(t) if t.is_empty() && r.payer.name.is_empty() && r.payer.id.is_empty() => {}
        Some(mut t) if !t.is_empty() => {
            t.text(2, 0, &r.payer.name);
            // The ID goes in N104 only when the N1 read had one there.
            if t.simple(3) == "XV" {
                t.text(4, 0, &r.payer.id);
            }
            t.write(out);
        }
        _ => {
            out.seg("N1").el("PR").el(&r.payer.name);
            if !r.payer.id.is_empty() {
                out.el("XV").el(&r.payer.id);
            }
            out.end();
        }
    }
    if let Some(address) = &r.payer_address {
        write_address(out, guide, &mut pending, address, "payer_address")?;
    }
    for (i, c) in r.payer_contacts.iter().enumerate() {
        pending.before(out, guide, "PER", c.function.as_str());
        write_contact(out, c, i)?;
    }
    pending.rest(out);
    Ok(())
}

/// Loop 1000B: the payee's N1, address, tax ID and kept segments.
fn write_payee(out: &mut Out, guide: &Guide, r: &Remittance) -> Result<(), TypedError> {
    let payee = &r.payee;
    let mut pending = Pending::new(guide, "1000B", &r.extra);
    // Whether N1 carries the tax ID (N103 `FI`); otherwise a REF*TJ does.
    let tin_in_n1 = match Template::find(&r.extra, "1000B/N1") {
        // The reader read no payee N1 (an empty template), and there is still none.
        Some(t)
            if t.is_empty()
                && payee.name.is_empty()
                && payee.npi.is_none()
                && payee.tin.is_none() =>
        {
            false
        }
        Some(mut t) if !t.is_empty() => {
            t.text(2, 0, &payee.name);
            let q = t.simple(3).to_owned();
            match (q.as_str(), &payee.npi, &payee.tin) {
                ("XX", Some(npi), _) => t.text(4, 0, npi.as_str()),
                ("FI", _, Some(tin)) => t.text(4, 0, tin),
                _ => {}
            }
            t.write(out);
            q == "FI"
        }
        _ => {
            out.seg("N1").el("PE").el(&payee.name);
            let tin_in_n1 = match (&payee.npi, &payee.tin) {
                (Some(n), _) => {
                    out.el("XX").el(n.as_str());
                    false
                }
                (None, Some(t)) => {
                    out.el("FI").el(t);
                    true
                }
                (None, None) => false,
            };
            out.end();
            tin_in_n1
        }
    };
    if let Some(address) = &payee.address {
        write_address(out, guide, &mut pending, address, "payee.address")?;
    }
    if let Some(tin) = payee.tin.as_ref().filter(|_| !tin_in_n1) {
        if pending.holds("REF*TJ") {
            // Where the reader read it, after other REFs of its slot.
            pending.fill("REF*TJ", Some(format!("REF*TJ*{tin}")));
        } else {
            pending.before(out, guide, "REF", "TJ");
            out.seg("REF").el("TJ").el(tin).end();
        }
    }
    pending.rest(out);
    Ok(())
}

/// Writes an address as N3 (when it has street lines) and N4 (when it has a city).
fn write_address(
    out: &mut Out,
    guide: &Guide,
    pending: &mut Pending<'_>,
    a: &Address,
    field: &str,
) -> Result<(), TypedError> {
    if a.lines.len() > 2 {
        return Err(TypedError::Write {
            field: format!("{field}.lines"),
            reason: format!("{} street lines; an N3 holds two", a.lines.len()),
        });
    }
    if let Some(first) = a.lines.first() {
        pending.before(out, guide, "N3", "");
        out.seg("N3")
            .el(first)
            .elo(a.lines.get(1).map(Text::as_str))
            .end();
    }
    let has_n4 = !a.city.is_empty();
    if !has_n4 && (!a.state.is_empty() || !a.postal_code.is_empty() || a.country.is_some()) {
        return Err(TypedError::Write {
            field: format!("{field}.city"),
            reason: "N401 (city) is required when a state, postal code or country is given".into(),
        });
    }
    if has_n4 {
        pending.before(out, guide, "N4", "");
        out.seg("N4")
            .el(&a.city)
            .el(&a.state)
            .el(&a.postal_code)
            .elo(a.country.as_deref())
            .end();
    }
    Ok(())
}

/// Writes a payer contact as a PER segment.
fn write_contact(out: &mut Out, c: &Contact, i: usize) -> Result<(), TypedError> {
    if c.numbers.len() > Contact::MAX_NUMBERS {
        return Err(TypedError::Write {
            field: format!("payer_contacts[{i}].numbers"),
            reason: format!(
                "{} numbers; a PER holds {}",
                c.numbers.len(),
                Contact::MAX_NUMBERS
            ),
        });
    }
    if let Some(n) = c.numbers.iter().find(|n| n.number.trim().is_empty()) {
        return Err(TypedError::Write {
            field: format!("payer_contacts[{i}].numbers"),
            reason: format!("the {} number is empty", n.qualifier),
        });
    }
    out.seg("PER")
        .el(c.function.as_str())
        .elo(c.name.as_deref());
    for n in &c.numbers {
        out.el(n.qualifier.as_str()).el(&n.number);
    }
    out.end();
    Ok(())
}

/// Writes adjustments as CAS segments: in the sizes read ([`ClaimPayment::adjustments_per_cas`])
/// while they still fit the adjustments, else one segment per group code (groups in the order
/// first seen) of at most six. A segment the reader kept as a template (`template_loop`) is
/// written from it while it holds the same group and reasons.
fn write_cas(
    out: &mut Out,
    adjustments: &[Adjustment],
    per_cas: &[u8],
    extra: &[RawSegment],
    template_loop: &str,
) {
    if adjustments.is_empty() {
        return;
    }
    let mut templates: Vec<Option<Template>> =
        Template::all(extra, template_loop).map(Some).collect();
    for segment in cas_segments(adjustments, per_cas) {
        let fits = templates
            .iter_mut()
            .find(|t| t.as_ref().is_some_and(|t| cas_template_fits(t, &segment)))
            .and_then(Option::take);
        match fits {
            Some(t) => write_cas_template(out, t, &segment),
            None => {
                out.seg("CAS").el(segment[0].group.as_str());
                for a in &segment {
                    out.el(a.reason.as_str()).eld(a.amount);
                    match a.quantity {
                        Some(q) => out.eld(q),
                        None => out.el(""),
                    };
                }
                out.end();
            }
        }
    }
}

/// The adjustments of each CAS segment to write (see [`write_cas`]).
fn cas_segments<'a>(adjustments: &'a [Adjustment], per_cas: &[u8]) -> Vec<Vec<&'a Adjustment>> {
    let as_read = per_cas.iter().map(|&n| usize::from(n)).sum::<usize>() == adjustments.len() && {
        let mut at = 0;
        per_cas.iter().all(|&n| {
            let n = usize::from(n);
            let part = &adjustments[at..at + n];
            at += n;
            (1..=6).contains(&n) && part.iter().all(|a| a.group == part[0].group)
        })
    };
    if as_read {
        let mut at = 0;
        return per_cas
            .iter()
            .map(|&n| {
                let part = adjustments[at..at + usize::from(n)].iter().collect();
                at += usize::from(n);
                part
            })
            .collect();
    }
    let mut groups: Vec<&Coded<GroupCode>> = Vec::new();
    for a in adjustments {
        if !groups.contains(&&a.group) {
            groups.push(&a.group);
        }
    }
    let mut segments = Vec::new();
    for g in groups {
        let of: Vec<&Adjustment> = adjustments.iter().filter(|a| &a.group == g).collect();
        segments.extend(of.chunks(6).map(<[&Adjustment]>::to_vec));
    }
    segments
}

/// The triplet positions (0 to 5) of a CAS template that hold an adjustment.
fn cas_triplets(t: &Template) -> impl Iterator<Item = usize> + '_ {
    (0..6).filter(|k| (0..3).any(|e| t.present(2 + 3 * k + e)))
}

fn cas_template_fits(t: &Template, segment: &[&Adjustment]) -> bool {
    code_agrees(trim(&t.value_at(1, 0)), Some(&segment[0].group))
        && cas_triplets(t).count() == segment.len()
        && cas_triplets(t)
            .zip(segment)
            .all(|(k, a)| code_agrees(trim(&t.value_at(2 + 3 * k, 0)), Some(&a.reason)))
}

fn write_cas_template(out: &mut Out, mut t: Template, segment: &[&Adjustment]) {
    let triplets: Vec<usize> = cas_triplets(&t).collect();
    for (k, a) in triplets.into_iter().zip(segment) {
        let n = 2 + 3 * k;
        t.amount(n + 1, Some(a.amount));
        t.amount(n + 2, a.quantity);
    }
    t.write(out);
}

/// The modifier components of a procedure composite.
const MODIFIER_SLOTS: [usize; 4] = [3, 4, 5, 6];

fn write_claim(out: &mut Out, guide: &Guide, c: &ClaimPayment) {
    let mut p = Pending::new(guide, "2100", &c.extra);
    match Template::find(&c.extra, "2100/CLP") {
        Some(mut t) => {
            t.text(1, 0, &c.patient_control_number);
            t.code(2, 0, Some(&c.status));
            t.amount(3, Some(c.charge));
            t.amount(4, Some(c.paid));
            t.amount(5, Some(c.patient_responsibility));
            t.code(6, 0, c.filing_indicator.as_ref());
            t.text(7, 0, c.payer_claim_control_number.as_deref().unwrap_or(""));
            t.text(8, 0, c.facility_code.as_deref().unwrap_or(""));
            t.code(9, 0, c.frequency.as_ref());
            t.write(out);
        }
        None => {
            out.seg("CLP")
                .el(&c.patient_control_number)
                .el(c.status.as_str())
                .eld(c.charge)
                .eld(c.paid)
                .eld(c.patient_responsibility)
                .el(c.filing_indicator.as_ref().map_or("", |f| f.as_str()))
                .elo(c.payer_claim_control_number.as_deref())
                .elo(c.facility_code.as_deref())
                .elo(c.frequency.as_ref().map(|f| f.as_str()))
                .end();
        }
    }
    if !c.adjustments.is_empty() {
        p.before(out, guide, "CAS", "");
        write_cas(
            out,
            &c.adjustments,
            &c.adjustments_per_cas,
            &c.extra,
            "2100/CAS",
        );
    }
    if let Some(name) = &c.patient_name {
        p.before(out, guide, "NM1", "QC");
        let n = name.reveal();
        let member = c.member_id.as_ref().map_or("", |m| m.reveal().as_str());
        match Template::find(&c.extra, "2100/NM1") {
            Some(mut t) => {
                t.text(3, 0, &n.last);
                t.text(4, 0, n.first.as_deref().unwrap_or(""));
                t.text(5, 0, n.middle.as_deref().unwrap_or(""));
                t.text(7, 0, n.suffix.as_deref().unwrap_or(""));
                t.text(9, 0, member);
                t.write(out);
            }
            None => {
                out.seg("NM1")
                    .el("QC")
                    .el("1")
                    .el(&n.last)
                    .elo(n.first.as_deref())
                    .elo(n.middle.as_deref())
                    .el("")
                    .elo(n.suffix.as_deref());
                if !member.is_empty() {
                    out.el("MI").el(member);
                }
                out.end();
            }
        }
    }
    let moa = Template::find(&c.extra, "2100/MOA");
    if !c.remarks.is_empty() || moa.is_some() {
        p.before(out, guide, "MOA", "");
        let mut rest = &c.remarks[..];
        if let Some(mut t) = moa {
            let here = &rest[..rest.len().min(5)];
            t.codes(&[(3, 0), (4, 0), (5, 0), (6, 0), (7, 0)], here);
            t.write(out);
            rest = &rest[here.len()..];
        }
        for chunk in rest.chunks(5) {
            out.seg("MOA").el("").el("");
            for r in chunk {
                out.el(r.as_str());
            }
            out.end();
        }
    }
    for (q, d) in [
        ("232", c.service_start),
        ("233", c.service_end),
        ("050", c.received_date),
    ] {
        if let Some(d) = d {
            p.before(out, guide, "DTM", q);
            out.seg("DTM").el(q).eld(format_date(d)).end();
        }
    }
    p.rest(out);
    for line in &c.lines {
        write_line(out, guide, line);
    }
}

/// Writes a procedure composite: `HC`, the code and the modifiers.
fn procedure_composite(
    out: &mut Out,
    procedure: Option<&Coded<ProcedureCode>>,
    modifiers: &[Coded<Modifier>],
) {
    let mut parts = ["HC", procedure.map_or("", Coded::as_str), "", "", "", ""];
    for (slot, m) in parts[2..].iter_mut().zip(modifiers) {
        *slot = m.as_str();
    }
    out.comp(&parts);
}

/// Fills the procedure composite at element `n` of an SVC template when its qualifier is the
/// model's (`HC`).
fn fill_procedure(
    t: &mut Template,
    n: usize,
    procedure: Option<&Coded<ProcedureCode>>,
    modifiers: &[Coded<Modifier>],
) {
    if trim(t.get(n, 1)) != "HC" {
        return;
    }
    t.code(n, 2, procedure);
    let slots = MODIFIER_SLOTS.map(|c| (n, c));
    t.codes(&slots, &modifiers[..modifiers.len().min(4)]);
}

fn write_line(out: &mut Out, guide: &Guide, l: &LinePayment) {
    let mut p = Pending::new(guide, "2110", &l.extra);
    match Template::find(&l.extra, "2110/SVC") {
        Some(mut t) => {
            fill_procedure(&mut t, 1, l.procedure.as_ref(), &l.modifiers);
            if trim(t.get(1, 1)) == "NU" {
                t.code(1, 2, l.revenue_code.as_ref());
            } else {
                t.code(4, 0, l.revenue_code.as_ref());
            }
            t.amount(2, Some(l.charge));
            t.amount(3, Some(l.paid));
            t.amount(5, l.units);
            fill_procedure(&mut t, 6, l.billed_procedure.as_ref(), &l.billed_modifiers);
            t.amount(7, l.billed_units);
            t.write(out);
        }
        None => {
            out.seg("SVC");
            match (&l.procedure, &l.revenue_code) {
                (None, Some(rev)) => {
                    out.comp(&["NU", rev.as_str()]);
                }
                _ => procedure_composite(out, l.procedure.as_ref(), &l.modifiers),
            }
            out.eld(l.charge).eld(l.paid);
            match (&l.procedure, &l.revenue_code) {
                (Some(_), Some(rev)) => out.el(rev.as_str()),
                _ => out.el(""),
            };
            match l.units {
                Some(u) => out.eld(u),
                None => out.el(""),
            };
            if l.billed_procedure.is_some() || !l.billed_modifiers.is_empty() {
                procedure_composite(out, l.billed_procedure.as_ref(), &l.billed_modifiers);
            } else {
                out.el("");
            }
            match l.billed_units {
                Some(u) => out.eld(u),
                None => out.el(""),
            };
            out.end();
        }
    }
    match (l.service_date, l.service_end) {
        (Some(a), Some(b)) => {
            p.before(out, guide, "DTM", "150");
            out.seg("DTM").el("150").eld(format_date(a)).end();
            out.seg("DTM").el("151").eld(format_date(b)).end();
        }
        (Some(a), None) => {
            p.before(out, guide, "DTM", "472");
            out.seg("DTM").el("472").eld(format_date(a)).end();
        }
        (None, Some(b)) => {
            p.before(out, guide, "DTM", "151");
            out.seg("DTM").el("151").eld(format_date(b)).end();
        }
        (None, None) => {}
    }
    if !l.adjustments.is_empty() {
        p.before(out, guide, "CAS", "");
        write_cas(
            out,
            &l.adjustments,
            &l.adjustments_per_cas,
            &l.extra,
            "2110/CAS",
        );
    }
    if let Some(n) = &l.line_control_number {
        p.before(out, guide, "REF", "6R");
        out.seg("REF").el("6R").el(n).end();
    }
    if let Some(a) = l.allowed {
        let amt = match Template::find(&l.extra, "2110/AMT") {
            Some(mut t) => {
                t.amount(2, Some(a));
                t.render()
            }
            None => format!("AMT*B6*{a}"),
        };
        if p.holds("AMT*B6") {
            // Where the reader read it, after other AMTs of its slot.
            p.fill("AMT*B6", Some(amt));
        } else {
            p.before(out, guide, "AMT", "B6");
            out.raw(&amt);
        }
    }
    if !l.remarks.is_empty() {
        p.before(out, guide, "LQ", "HE");
        for r in &l.remarks {
            out.seg("LQ").el("HE").el(r.as_str()).end();
        }
    }
    p.rest(out);
}

/// Writes the provider-level adjustments: as the PLB segments read (each kept whole by the
/// reader) while they hold as many adjustments as the model, else one PLB per fiscal period
/// of at most six, with the provider of the first PLB read (or the payee's NPI or tax ID).
fn write_plb(out: &mut Out, r: &Remittance) {
    let templates: Vec<Template> = Template::all(&r.extra, "/PLB").collect();
    let pairs = |t: &Template| -> Vec<usize> {
        (0..6)
            .map(|k| 3 + 2 * k)
            .filter(|&n| t.present(n) || t.present(n + 1))
            .collect()
    };
    let held: usize = templates.iter().map(|t| pairs(t).len()).sum();
    if !templates.is_empty() && held == r.provider_adjustments.len() {
        let mut rest = &r.provider_adjustments[..];
        for mut t in templates {
            let at = pairs(&t);
            let (here, after) = rest.split_at(at.len());
            if let Some(first) = here.first() {
                t.date(2, first.fiscal_period);
            }
            for (&n, a) in at.iter().zip(here) {
                t.text(n, 1, &a.reason);
                t.text(n, 2, a.reference.as_deref().unwrap_or(""));
                t.amount(n + 1, Some(a.amount));
            }
            t.write(out);
            rest = after;
        }
        return;
    }
    if r.provider_adjustments.is_empty() {
        return;
    }
    let provider = templates
        .first()
        .map(|t| t.get(1, 1).to_owned())
        .or_else(|| r.payee.npi.map(|n| n.as_str().to_owned()))
        .or_else(|| r.payee.tin.clone())
        .unwrap_or_default();
    // PLB02 is required: adjustments without a fiscal period use the payment date.
    let mut periods = Vec::new();
    for a in &r.provider_adjustments {
        if !periods.contains(&a.fiscal_period) {
            periods.push(a.fiscal_period);
        }
    }
    for period in periods {
        let of: Vec<_> = r
            .provider_adjustments
            .iter()
            .filter(|a| a.fiscal_period == period)
            .collect();
        for chunk in of.chunks(6) {
            out.seg("PLB")
                .el(&provider)
                .eld(format_date(period.unwrap_or(r.payment.date)));
            for a in chunk {
                out.comp(&[&a.reason, a.reference.as_deref().unwrap_or("")])
                    .eld(a.amount);
            }
            out.end();
        }
    }
}
