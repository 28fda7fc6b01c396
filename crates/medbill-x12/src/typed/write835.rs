//! Writing a remittance as an 835 (005010X221A1).

use chrono::NaiveDate;
use medbill_claim::{Address, ClaimPayment, Contact, LinePayment, RawSegment, Remittance, Text};
use medbill_codes::{Coded, Modifier, ProcedureCode};

use super::out::{InterchangeHeader, Out, set_control};
use super::read835::is_tin;
use super::{TypedError, format_date, guide_for};
use crate::schema::Guide;

/// Writes a remittance as one 835 interchange (ISA, GS with `HP`, ST..SE, GE, IEA).
///
/// BPR, TRN and PLB provider identifiers that the model does not hold are taken from the raw
/// segments a reader kept (`/BPR`, `/TRN`, `/PLB`), patched with the model's values; without
/// them the writer uses `I` and `C` in the BPR. Every claim payment goes under one `LX*1`.
///
/// TRN03 is `1` followed by [`Remittance::payer_tin`]; without a payer tax ID (and without a
/// TRN03 kept by a reader) the writer refuses with [`TypedError::Write`] rather than invent one.
/// The payer's address and contacts ([`Remittance::payer_address`],
/// [`Remittance::payer_contacts`]) go into loop 1000A as N3, N4 and PER, the payee's address
/// into 1000B. CLP06 is a [`RemitFilingIndicator`], so only codes of the 835 list are written.
///
/// Fails with [`TypedError::Write`] when a value contains a delimiter, an address has more
/// than two street lines or a state without a city, or a contact has more than three numbers.
pub fn write_835(
    remittance: &Remittance,
    envelope: &InterchangeHeader,
) -> Result<Vec<u8>, TypedError> {
    let guide = guide_for("835", "005010X221A1").ok_or_else(|| TypedError::Write {
        field: "guide".into(),
        reason: "no embedded guide".into(),
    })?;
    let mut out = Out::new(envelope, 1024 + remittance.claims.len() * 400);
    out.open(envelope, "HP", "005010X221A1");
    let control = set_control(envelope);
    out.start_set("835", &control, "005010X221A1");
    let r = remittance;
    let p = &r.payment;
    let extras = &r.extra;
    let find = |id: &str| extras.iter().find(|x| x.loop_id == id);
    let amount = p.amount.to_string();
    let date = format_date(p.date).to_string();
    match find("/BPR") {
        Some(t) => {
            let mut els = split(&t.text);
            set_el(&mut els, 2, &amount);
            set_el(&mut els, 4, p.method.x12_str());
            set_el(&mut els, 16, &date);
            out.raw(&join(els));
        }
        None => {
            out.seg("BPR")
                .el("I")
                .el(&amount)
                .el("C")
                .el(p.method.x12_str());
            for _ in 5..16 {
                out.el("");
            }
            out.el(&date).end();
        }
    }
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
    let mut trn = match find("/TRN") {
        Some(t) => split(&t.text),
        None => vec!["TRN".into(), "1".into()],
    };
    set_el(&mut trn, 2, &p.trace_number);
    if let Some(v) = &trn03 {
        set_el(&mut trn, 3, v);
    }
    if trn.get(3).is_none_or(|v| v.trim().is_empty()) {
        // TRN03 is required; a made-up value would not reassociate the payment.
        return Err(TypedError::Write {
            field: "payer_tin".into(),
            reason: "TRN03 (1 and the payer's nine-digit tax ID) is required; set payer_tin".into(),
        });
    }
    out.raw(&join(trn));
    let mut root = Pending835::new(guide, "", extras);
    root.rest(&mut out);
    let mut a = Pending835::new(guide, "1000A", extras);
    out.seg("N1").el("PR").el(&r.payer.name);
    // A reader takes the payer ID from the first REF*2U when N1 has none: N104 is left out
    // only when that REF gives the same ID back.
    let ref_2u = extras
        .iter()
        .find(|x| x.loop_id == "1000A" && x.text.starts_with("REF*2U*"))
        .map(|x| x.text.split('*').nth(2).unwrap_or("").trim());
    if !r.payer.id.is_empty() && ref_2u != Some(r.payer.id.as_str()) {
        out.el("XV").el(&r.payer.id);
    }
    out.end();
    if let Some(address) = &r.payer_address {
        write_address(&mut out, &mut a, address, "payer_address")?;
    }
    for (i, c) in r.payer_contacts.iter().enumerate() {
        a.before(&mut out, "PER", c.function.as_str());
        write_contact(&mut out, c, i)?;
    }
    a.rest(&mut out);
    let mut b = Pending835::new(guide, "1000B", extras);
    match find("1000B/N1") {
        Some(t) => {
            let mut els = split(&t.text);
            set_el(&mut els, 2, &r.payee.name);
            out.raw(&join(els));
        }
        None => {
            out.seg("N1").el("PE").el(&r.payee.name);
            match (&r.payee.npi, &r.payee.tin) {
                (Some(n), _) => out.el("XX").el(n.as_str()),
                (None, Some(t)) => out.el("FI").el(t),
                (None, None) => &mut out,
            };
            out.end();
        }
    }
    if let Some(address) = &r.payee.address {
        write_address(&mut out, &mut b, address, "payee.address")?;
    }
    if let (Some(_), Some(t)) = (&r.payee.npi, &r.payee.tin) {
        b.before(&mut out, "REF", "TJ");
        out.seg("REF").el("TJ").el(t).end();
    }
    if find("1000B/N1").is_some()
        && let Some(t) = &r.payee.tin
    {
        b.before(&mut out, "REF", "TJ");
        out.seg("REF").el("TJ").el(t).end();
    }
    b.rest(&mut out);
    for (i, c) in r.claims.iter().enumerate() {
        // A header-number group (LX) starts where the reader found one, and before the first
        // claim in any case.
        match c.extra.iter().find(|x| x.loop_id == "2000/LX") {
            Some(lx) => out.raw(&lx.text),
            None if i == 0 => out.seg("LX").el("1").end(),
            None => {}
        }
        Pending835::new(guide, "2000", &c.extra).rest(&mut out);
        write_claim(&mut out, guide, c);
    }
    if let Some(lx) = extras.iter().find(|x| x.loop_id == "2000/LX") {
        out.raw(&lx.text);
        Pending835::new(guide, "2000", extras).rest(&mut out);
    }
    write_plb(&mut out, r);
    out.close(envelope, &control);
    out.finish()
}

/// Writes an address as N3 (when it has street lines) and N4 (when it has a city).
fn write_address(
    out: &mut Out,
    pending: &mut Pending835<'_>,
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
        pending.before(out, "N3", "");
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
        pending.before(out, "N4", "");
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

fn split(text: &str) -> Vec<String> {
    text.split('*').map(str::to_owned).collect()
}

fn set_el(els: &mut Vec<String>, n: usize, v: &str) {
    while els.len() <= n {
        els.push(String::new());
    }
    els[n] = v.to_owned();
}

fn join(mut els: Vec<String>) -> String {
    while els.len() > 1 && els.last().is_some_and(String::is_empty) {
        els.pop();
    }
    els.join("*")
}

/// Raw segments of an 835 loop waiting for their place (see the 837 writer's `Pending`).
struct Pending835<'a> {
    guide: &'a Guide,
    loop_id: &'a str,
    items: Vec<(usize, &'a str)>,
    next: usize,
}

impl<'a> Pending835<'a> {
    fn new(guide: &'a Guide, loop_id: &'a str, extras: &'a [RawSegment]) -> Pending835<'a> {
        let items = super::place::ranked(guide, loop_id, extras, true);
        Pending835 {
            guide,
            loop_id,
            items,
            next: 0,
        }
    }

    fn before(&mut self, out: &mut Out, id: &str, q: &str) {
        if self.next >= self.items.len() {
            return;
        }
        let r = super::place::rank(self.guide, self.loop_id, id, q);
        while let Some((rk, text)) = self.items.get(self.next) {
            if *rk >= r {
                break;
            }
            out.raw(text);
            self.next += 1;
        }
    }

    fn rest(&mut self, out: &mut Out) {
        for (_, text) in &self.items[self.next..] {
            out.raw(text);
        }
        self.next = self.items.len();
    }
}

fn cas_835(out: &mut Out, adjustments: &[medbill_claim::Adjustment]) {
    let mut groups: Vec<&Coded<medbill_codes::GroupCode>> = Vec::new();
    for a in adjustments {
        if !groups.contains(&&a.group) {
            groups.push(&a.group);
        }
    }
    for g in groups {
        let of: Vec<_> = adjustments.iter().filter(|a| &a.group == g).collect();
        for chunk in of.chunks(6) {
            out.seg("CAS").el(g.x12_str());
            for a in chunk {
                out.el(a.reason.x12_str()).eld(a.amount);
                match a.quantity {
                    Some(q) => out.eld(q),
                    None => out.el(""),
                };
            }
            out.end();
        }
    }
}

fn write_claim(out: &mut Out, guide: &Guide, c: &ClaimPayment) {
    let mut p = Pending835::new(guide, "2100", &c.extra);
    let status = c.status.x12_str();
    let filing = c
        .filing_indicator
        .as_ref()
        .map(|f| f.x12_str())
        .unwrap_or("");
    match c.extra.iter().find(|x| x.loop_id == "2100/CLP") {
        Some(t) => {
            let mut els = split(&t.text);
            set_el(&mut els, 1, &c.patient_control_number);
            set_el(&mut els, 2, status);
            set_el(&mut els, 3, &c.charge.to_string());
            set_el(&mut els, 4, &c.paid.to_string());
            set_el(&mut els, 5, &c.patient_responsibility.to_string());
            set_el(&mut els, 6, filing);
            set_el(
                &mut els,
                7,
                c.payer_claim_control_number.as_deref().unwrap_or(""),
            );
            set_el(&mut els, 8, c.facility_code.as_deref().unwrap_or(""));
            set_el(
                &mut els,
                9,
                c.frequency.as_ref().map_or("", |f| f.x12_str()),
            );
            out.raw(&join(els));
        }
        None => {
            out.seg("CLP")
                .el(&c.patient_control_number)
                .el(status)
                .eld(c.charge)
                .eld(c.paid)
                .eld(c.patient_responsibility)
                .el(filing)
                .elo(c.payer_claim_control_number.as_deref())
                .elo(c.facility_code.as_deref())
                .elo(c.frequency.as_ref().map(|f| f.x12_str()))
                .end();
        }
    }
    if !c.adjustments.is_empty() {
        p.before(out, "CAS", "");
        cas_835(out, &c.adjustments);
    }
    if let Some(name) = &c.patient_name {
        p.before(out, "NM1", "QC");
        match c.extra.iter().find(|x| x.loop_id == "2100/NM1") {
            Some(t) => {
                let n = name.reveal();
                let mut els = split(&t.text);
                set_el(&mut els, 3, &n.last);
                set_el(&mut els, 4, n.first.as_deref().unwrap_or(""));
                set_el(&mut els, 5, n.middle.as_deref().unwrap_or(""));
                set_el(&mut els, 7, n.suffix.as_deref().unwrap_or(""));
                set_el(&mut els, 9, c.member_id.as_ref().map_or("", |m| m.reveal()));
                out.raw(&join(els));
            }
            None => {
                let n = name.reveal();
                out.seg("NM1")
                    .el("QC")
                    .el("1")
                    .el(&n.last)
                    .elo(n.first.as_deref())
                    .elo(n.middle.as_deref())
                    .el("")
                    .elo(n.suffix.as_deref());
                if let Some(id) = &c.member_id {
                    out.el("MI").el(id.reveal());
                }
                out.end();
            }
        }
    }
    if !c.remarks.is_empty() {
        p.before(out, "MOA", "");
        for chunk in c.remarks.chunks(5) {
            out.seg("MOA").el("").el("");
            for r in chunk {
                out.el(r.x12_str());
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
            p.before(out, "DTM", q);
            out.seg("DTM").el(q).eld(format_date(d)).end();
        }
    }
    p.rest(out);
    for line in &c.lines {
        write_line(out, guide, line);
    }
}

fn procedure_parts(p: Option<&Coded<ProcedureCode>>, modifiers: &[Coded<Modifier>]) -> Vec<String> {
    let mut v = vec![
        "HC".to_owned(),
        p.map(|p| p.x12_str().to_owned()).unwrap_or_default(),
    ];
    v.extend(modifiers.iter().take(4).map(|m| m.x12_str().to_owned()));
    v
}

fn write_line(out: &mut Out, guide: &Guide, l: &LinePayment) {
    let mut p = Pending835::new(guide, "2110", &l.extra);
    match l.extra.iter().find(|x| x.loop_id == "2110/SVC") {
        Some(t) => {
            let mut els = split(&t.text);
            // Patch the code and modifiers only when the template carries an HC procedure.
            // Only a blanked composite (`HC` alone) is the model's to fill.
            if els.get(1).is_some_and(|e| e == "HC")
                && let Some(proc_) = &l.procedure
            {
                let mut comps: Vec<String> = els[1].split(':').map(str::to_owned).collect();
                while comps.len() < 6 {
                    comps.push(String::new());
                }
                comps[1] = proc_.x12_str().to_owned();
                for k in 0..4 {
                    comps[2 + k] = l
                        .modifiers
                        .get(k)
                        .map(|m| m.x12_str().to_owned())
                        .unwrap_or_default();
                }
                while comps.len() > 1 && comps.last().is_some_and(String::is_empty) {
                    comps.pop();
                }
                els[1] = comps.join(":");
            }
            if !els.get(1).is_some_and(|e| e.starts_with("NU")) {
                set_el(
                    &mut els,
                    4,
                    l.revenue_code.as_ref().map_or("", |r| r.x12_str()),
                );
            } else {
                set_el(&mut els, 4, "");
            }
            set_el(&mut els, 2, &l.charge.to_string());
            set_el(&mut els, 3, &l.paid.to_string());
            set_el(
                &mut els,
                5,
                &l.units.map(|u| u.to_string()).unwrap_or_default(),
            );
            set_el(
                &mut els,
                7,
                &l.billed_units.map(|u| u.to_string()).unwrap_or_default(),
            );
            out.raw(&join(els));
        }
        None => {
            out.seg("SVC");
            match (&l.procedure, &l.revenue_code) {
                (None, Some(rev)) => {
                    out.comp(&["NU", rev.x12_str()]);
                }
                _ => {
                    let parts = procedure_parts(l.procedure.as_ref(), &l.modifiers);
                    let refs: Vec<&str> = parts.iter().map(String::as_str).collect();
                    out.comp(&refs);
                }
            }
            out.eld(l.charge).eld(l.paid);
            match (&l.procedure, &l.revenue_code) {
                (Some(_), Some(rev)) => out.el(rev.x12_str()),
                _ => out.el(""),
            };
            match l.units {
                Some(u) => out.eld(u),
                None => out.el(""),
            };
            if l.billed_procedure.is_some() || !l.billed_modifiers.is_empty() {
                let parts = procedure_parts(l.billed_procedure.as_ref(), &l.billed_modifiers);
                let refs: Vec<&str> = parts.iter().map(String::as_str).collect();
                out.comp(&refs);
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
            p.before(out, "DTM", "150");
            out.seg("DTM").el("150").eld(format_date(a)).end();
            out.seg("DTM").el("151").eld(format_date(b)).end();
        }
        (Some(a), None) => {
            p.before(out, "DTM", "472");
            out.seg("DTM").el("472").eld(format_date(a)).end();
        }
        (None, Some(b)) => {
            p.before(out, "DTM", "151");
            out.seg("DTM").el("151").eld(format_date(b)).end();
        }
        (None, None) => {}
    }
    if !l.adjustments.is_empty() {
        p.before(out, "CAS", "");
        cas_835(out, &l.adjustments);
    }
    if let Some(n) = &l.line_control_number {
        p.before(out, "REF", "6R");
        out.seg("REF").el("6R").el(n).end();
    }
    if let Some(a) = l.allowed {
        p.before(out, "AMT", "B6");
        out.seg("AMT").el("B6").eld(a).end();
    }
    if !l.remarks.is_empty() {
        p.before(out, "LQ", "HE");
        for r in &l.remarks {
            out.seg("LQ").el("HE").el(r.x12_str()).end();
        }
    }
    p.rest(out);
}

fn write_plb(out: &mut Out, r: &Remittance) {
    if r.provider_adjustments.is_empty() {
        return;
    }
    let provider = r
        .extra
        .iter()
        .find(|x| x.loop_id == "/PLB")
        .and_then(|t| t.text.split('*').nth(1).map(str::to_owned))
        .or_else(|| r.payee.npi.map(|n| n.as_str().to_owned()))
        .or_else(|| r.payee.tin.clone())
        .unwrap_or_default();
    // PLB02 is required: adjustments without a fiscal period use the payment date.
    let mut periods: Vec<Option<NaiveDate>> = Vec::new();
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
