//! Writing 837P and 837I from claims.
//!
//! Segments are written from the model in guide order. A segment the reader kept as a
//! template (read with what the model does not hold) is written from it, the model's values
//! filled in, so that a claim read is written back as it was read.

use medbill_claim::{
    Address, Adjustment, Claim, ClaimDetail, Coded, Diagnosis, DiagnosisCode, IcdProcedure,
    IcdProcedureCode, InstitutionalDetail, InstitutionalLine, LineAdjudication, OtherPayer,
    PersonName, ProfessionalDetail, ProfessionalLine, Provider, RawSegment, Text,
};
use medbill_codes::Modifier;

use super::out::{InterchangeHeader, Out, set_control};
use super::place::{Pending, Template};
use super::read837::{ClaimBatch, ClaimForm, SubmissionHeader};
use super::{TypedError, format_date, guide_for};
use crate::schema::Guide;

/// Writes claims as one 837 interchange (ISA, GS, one ST..SE, GE, IEA).
///
/// Claims in a row with the same billing provider share a billing-provider HL, and with the
/// same subscriber, payer and patient share those HLs; HL numbers, SE01, GE01 and IEA01 are
/// computed. Raw segments kept by the reader go back into their loops in guide order, and
/// every value is written as the model holds it: a code read as sent (valid or not) is
/// written back as sent. Every claim must be of the header's form.
///
/// Fails when there are no claims, a value contains one of the delimiters, a claim is of the
/// other form, or the header is a dental one (write a dental batch with [`write_batch`]).
pub fn write_837(
    claims: &[Claim],
    header: &SubmissionHeader,
    envelope: &InterchangeHeader,
) -> Result<Vec<u8>, TypedError> {
    let mut out = Out::new(envelope, 512 + claims.len() * 700);
    let version = header.guide();
    out.open(envelope, "HC", version);
    let control = set_control(envelope);
    write_set(&mut out, claims, &[], &[], header, &control, version)?;
    out.close(envelope, &control);
    out.finish()
}

/// Writes a batch read by [`read_837`](super::read_837) as one 837 interchange in
/// `envelope`, with the batch's own control number and guide version: its claims and its
/// unreadable claims (each where it was, its segments as read). A batch read from a set is
/// written back as it was read, segment for segment.
///
/// ```
/// use medbill_x12::Reader;
/// use medbill_x12::typed::{self, InterchangeHeader, ReadMode};
///
/// let set_text = "ST*837*0021*005010X222A1~BHT*0019*00*0123*20150301*1200*CH~\
/// NM1*41*2*SUBMITTER*****46*S1~PER*IC*CONTACT*TE*5555551212~NM1*40*2*RECEIVER*****46*R1~\
/// HL*1**20*1~NM1*85*2*CLINIC*****XX*1234567893~N3*1 MAIN ST~N4*TOWN*NY*12345~REF*EI*123456789~\
/// HL*2*1*22*0~SBR*P*18*******CI~NM1*IL*1*DOE*JOHN****MI*M1~NM1*PR*2*PAYER*****PI*P1~\
/// CLM*C1*100***11:B:1*Y*A*Y*Y~HI*BK:25000*BF:4019~LX*1~SV1*HC:9921:25*100*UN*1***1:3~\
/// DTP*472*D8*20150301~SE*20*0021~";
/// let file = format!("ISA*00*          *00*          *ZZ*SUBMITTER      *ZZ*RECEIVER       \
///     *150301*1200*^*00501*000000001*0*T*:~GS*HC*SUBMITTER*RECEIVER*20150301*1200*1*X*005010X222A1~\
///     {set_text}GE*1*1~IEA*1*000000001~");
/// let set = Reader::new(file.as_bytes()).next_transaction()?.unwrap();
/// let batch = typed::read_837(&set, ReadMode::Lenient)?;
/// let header = InterchangeHeader::new("SUBMITTER", "RECEIVER", 1, "2015-03-01".parse()?);
/// let out = String::from_utf8(typed::write_batch(&batch, &header)?)?;
/// // The set comes back as it was read: ICD-9 codes, a malformed CPT code and a pointer to
/// // a third diagnosis of two included.
/// assert!(out.contains(set_text));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn write_batch(
    batch: &ClaimBatch,
    envelope: &InterchangeHeader,
) -> Result<Vec<u8>, TypedError> {
    let mut out = Out::new(envelope, 512 + batch.claims.len() * 700);
    out.open(envelope, "HC", &batch.guide);
    if let Some(a) = batch.as_read.as_deref()
        && a.matches(batch)
    {
        // A set the guide's order does not place, unchanged: its segments as read.
        for s in a.segments() {
            out.raw(s);
        }
        out.close_interchange(envelope);
        return out.finish();
    }
    write_set(
        &mut out,
        &batch.claims,
        &batch.unreadable,
        &batch.unplaced,
        &batch.header,
        &batch.control,
        &batch.guide,
    )?;
    let trailer = batch
        .trailer
        .as_ref()
        .map(|t| (t.text.as_str(), t.segments));
    out.close_as_read(envelope, &batch.control, trailer);
    out.finish()
}

/// Writes one ST..SE of claims (and unreadable claims and levels no claim is under, at their
/// places).
fn write_set(
    out: &mut Out,
    claims: &[Claim],
    unreadable: &[super::UnreadableClaim],
    unplaced: &[super::UnplacedSegments],
    header: &SubmissionHeader,
    control: &str,
    version: &str,
) -> Result<(), TypedError> {
    let institutional = header.form == ClaimForm::Institutional;
    let guide = match header.form {
        ClaimForm::Dental => None,
        _ => guide_for("837", version).or_else(|| guide_for("837", header.guide())),
    };
    if claims.is_empty() && unreadable.is_empty() {
        // A set without a billing provider loop is not a valid 837.
        return Err(TypedError::Write {
            field: "claims".into(),
            reason: "an 837 needs at least one claim".into(),
        });
    }
    for (i, c) in claims.iter().enumerate() {
        if c.institutional_detail().is_some() != institutional {
            return Err(TypedError::Write {
                field: format!("claims[{i}]"),
                reason: "the claim is not of the header's form".into(),
            });
        }
    }
    out.start_set("837", control, version);
    let Some(guide) = guide else {
        // No guide places the segments (a dental set): the header's and each claim's
        // segments go back in the order read.
        if !claims.is_empty() {
            return Err(TypedError::Write {
                field: "header.form".into(),
                reason: "no embedded guide writes this form's claims".into(),
            });
        }
        header_as_read(out, header);
        for u in unreadable {
            for s in &u.segments {
                out.raw(&s.text);
            }
        }
        return Ok(());
    };
    let mut w = W837 {
        out,
        guide,
        institutional,
        hl: 0,
    };
    w.header(header);
    let mut prev: Option<&Claim> = None;
    let (mut bill_hl, mut sub_hl) = (0u32, 0u32);
    // Runs kept as read, in file order: (place among the claims, segment index, segments).
    let mut runs: Vec<(usize, u64, &[RawSegment])> = unreadable
        .iter()
        .map(|u| (u.index, u.at.segment, &u.segments[..]))
        .chain(
            unplaced
                .iter()
                .map(|u| (u.index, u.at.segment, &u.segments[..])),
        )
        .collect();
    runs.sort_by_key(|&(index, segment, _)| (index, segment));
    let mut pending = runs.into_iter().peekable();
    for (i, claim) in claims.iter().enumerate() {
        while let Some((_, _, segments)) = pending.next_if(|&(index, _, _)| index <= i) {
            for s in segments {
                w.out.raw(&s.text);
            }
        }
        let new_bill =
            prev.is_none_or(|p| !same_billing(p, claim)) || starts_level(claim, "2000A/HL");
        let new_sub = new_bill
            || prev.is_none_or(|p| !same_subscriber(p, claim))
            || starts_level(claim, "2000B/HL");
        let new_pat = new_sub
            || prev.is_none_or(|p| !same_patient(p, claim))
            || starts_level(claim, "2000C/HL");
        if new_bill {
            bill_hl = w.billing(claim);
        }
        if new_sub {
            sub_hl = w.subscriber(claim, bill_hl);
        }
        if new_pat && claim.patient.is_some() {
            w.patient(claim, sub_hl);
        }
        w.claim(claim);
        prev = Some(claim);
    }
    for (_, _, segments) in pending {
        for s in segments {
            w.out.raw(&s.text);
        }
    }
    Ok(())
}

/// The header of a set without a guide: BHT and the segments kept, in the order read.
fn header_as_read(out: &mut Out, h: &SubmissionHeader) {
    match Template::find(&h.extra, "/BHT") {
        Some(t) => bht_template(out, t, h),
        None => bht(out, h),
    }
    for r in h.extra.iter().filter(|r| !r.loop_id.contains('/')) {
        out.raw(&r.text);
    }
}

fn bht(out: &mut Out, h: &SubmissionHeader) {
    out.seg("BHT").el("0019").el(&h.purpose).el(&h.reference);
    match h.created {
        Some(d) => out.eld(format_date(d)),
        None => out.el(""),
    };
    out.el(&h.created_time).el(&h.claim_type).end();
}

fn bht_template(out: &mut Out, mut t: Template, h: &SubmissionHeader) {
    t.set(2, &h.purpose);
    t.set(3, &h.reference);
    let created = h.created.map(|d| format_date(d).to_string());
    if crate::typed::parse_date(t.get(4, 1)) != h.created {
        t.set(4, created.as_deref().unwrap_or(""));
    }
    t.set(5, &h.created_time);
    t.set(6, &h.claim_type);
    t.write(out);
}

const BILLING_LOOPS: &[&str] = &["2000A", "2010AA", "2010AB", "2010AC"];
const SUBSCRIBER_LOOPS: &[&str] = &["2000B", "2010BA", "2010BB"];
const PATIENT_LOOPS: &[&str] = &["2000C", "2010CA"];

/// The raw segments and templates a claim keeps for a hierarchical level's loops (its HL
/// template aside: only the level's first claim carries it).
fn extras_in<'a>(c: &'a Claim, loops: &'a [&str]) -> impl Iterator<Item = &'a RawSegment> + 'a {
    c.extra.iter().filter(move |r| {
        let (l, seg) = r.loop_id.split_once('/').unwrap_or((&r.loop_id, ""));
        seg != "HL" && loops.contains(&l)
    })
}

/// Whether the claim starts a level of its own: it carries the level's HL as read.
fn starts_level(c: &Claim, hl: &str) -> bool {
    c.extra.iter().any(|r| r.loop_id == hl)
}

fn same_billing(a: &Claim, b: &Claim) -> bool {
    a.billing_provider == b.billing_provider
        && a.pay_to == b.pay_to
        && extras_in(a, BILLING_LOOPS).eq(extras_in(b, BILLING_LOOPS))
}

fn same_subscriber(a: &Claim, b: &Claim) -> bool {
    a.subscriber == b.subscriber
        && a.payer == b.payer
        && a.filing_indicator == b.filing_indicator
        && a.sequence == b.sequence
        && a.patient.is_some() == b.patient.is_some()
        && extras_in(a, SUBSCRIBER_LOOPS).eq(extras_in(b, SUBSCRIBER_LOOPS))
}

fn same_patient(a: &Claim, b: &Claim) -> bool {
    a.patient == b.patient && extras_in(a, PATIENT_LOOPS).eq(extras_in(b, PATIENT_LOOPS))
}

struct W837<'o> {
    out: &'o mut Out,
    guide: &'static Guide,
    institutional: bool,
    hl: u32,
}

fn name_parts(n: &PersonName) -> [&str; 4] {
    [
        n.last.as_str(),
        n.first.as_deref().unwrap_or(""),
        n.middle.as_deref().unwrap_or(""),
        n.suffix.as_deref().unwrap_or(""),
    ]
}

/// Fills the name positions (NM103, 104, 105, 107) of an NM1 template.
fn fill_name(t: &mut Template, n: &PersonName) {
    let [last, first, middle, suffix] = name_parts(n);
    t.set(3, last);
    t.set(4, first);
    t.set(5, middle);
    t.set(7, suffix);
}

/// The X12 qualifier of a diagnosis of a given kind, by the code's list.
fn dx_qualifier(code: &DiagnosisCode, icd10: &'static str, icd9: &'static str) -> &'static str {
    match code {
        DiagnosisCode::Icd9Cm(_) => icd9,
        _ => icd10,
    }
}

fn pcs_qualifier(code: &IcdProcedureCode, principal: bool) -> &'static str {
    match (code, principal) {
        (IcdProcedureCode::Icd9Cm(_), true) => "BR",
        (IcdProcedureCode::Icd9Cm(_), false) => "BQ",
        (_, true) => "BBR",
        (_, false) => "BBQ",
    }
}

fn modifier_texts(modifiers: &[Coded<Modifier>]) -> Vec<&str> {
    modifiers.iter().map(Coded::as_str).collect()
}

impl W837<'_> {
    fn header(&mut self, h: &SubmissionHeader) {
        let g = self.guide;
        let mut root = Pending::new(g, "", &h.extra);
        root.before(&mut *self.out, g, "BHT", "");
        match Template::find(&h.extra, "/BHT") {
            Some(t) => bht_template(&mut *self.out, t, h),
            None => bht(&mut *self.out, h),
        }
        root.rest(&mut *self.out);
        let mut a = Pending::new(g, "1000A", &h.extra);
        match Template::find(&h.extra, "1000A/NM1") {
            Some(mut t) => {
                t.set(3, &h.submitter_name);
                t.set(4, h.submitter_first_name.as_deref().unwrap_or(""));
                t.set(9, &h.submitter_id);
                t.write(&mut *self.out);
            }
            None => {
                let person = h.submitter_first_name.is_some();
                self.out
                    .seg("NM1")
                    .el("41")
                    .el(if person { "1" } else { "2" })
                    .el(&h.submitter_name)
                    .elo(h.submitter_first_name.as_deref())
                    .el("")
                    .el("")
                    .el("")
                    .el("46")
                    .el(&h.submitter_id)
                    .end();
            }
        }
        a.before(&mut *self.out, g, "PER", "IC");
        match Template::find(&h.extra, "1000A/PER") {
            Some(mut t) => {
                t.set(2, h.contact_name.as_deref().unwrap_or(""));
                t.write(&mut *self.out);
            }
            // A set read without a contact has none to write back.
            None if h.contact_name.is_none() && h.contact_numbers.is_empty() => {}
            None => {
                self.out.seg("PER").el("IC").elo(h.contact_name.as_deref());
                for (q, v) in h.contact_numbers.iter().take(3) {
                    self.out.el(q).el(v);
                }
                self.out.end();
            }
        }
        a.rest(&mut *self.out);
        let mut b = Pending::new(g, "1000B", &h.extra);
        match Template::find(&h.extra, "1000B/NM1") {
            Some(mut t) => {
                t.set(3, &h.receiver_name);
                t.set(9, &h.receiver_id);
                t.write(&mut *self.out);
            }
            None => {
                self.out
                    .seg("NM1")
                    .el("40")
                    .el("2")
                    .el(&h.receiver_name)
                    .el("")
                    .el("")
                    .el("")
                    .el("")
                    .el("46")
                    .el(&h.receiver_id)
                    .end();
            }
        }
        b.rest(&mut *self.out);
    }

    fn next_hl(&mut self) -> u32 {
        self.hl += 1;
        self.hl
    }

    fn hl(
        &mut self,
        c: &Claim,
        template: &str,
        parent: Option<u32>,
        level: &str,
        child: bool,
    ) -> u32 {
        let hl = self.next_hl();
        let (id, parent) = (
            hl.to_string(),
            parent.map(|p| p.to_string()).unwrap_or_default(),
        );
        match Template::find(&c.extra, template) {
            Some(mut t) => {
                // Numbers read otherwise than the writer counts are kept as read; the
                // template holds them, and a blank where they were the writer's.
                if t.is_blank(1) {
                    t.set(1, &id);
                }
                if t.is_blank(2) {
                    t.set(2, &parent);
                }
                t.write(&mut *self.out);
            }
            None => {
                self.out
                    .seg("HL")
                    .el(&id)
                    .el(&parent)
                    .el(level)
                    .el(if child { "1" } else { "0" })
                    .end();
            }
        }
        hl
    }

    fn nm1(
        &mut self,
        qualifier: &str,
        name: &PersonName,
        organization: bool,
        id: Option<(&str, &str)>,
    ) {
        let [last, first, middle, suffix] = name_parts(name);
        self.out
            .seg("NM1")
            .el(qualifier)
            .el(if organization { "2" } else { "1" })
            .el(last);
        self.out.el(first).el(middle).el("").el(suffix);
        match id {
            Some((q, v)) if !v.is_empty() => {
                self.out.el(q).el(v);
            }
            _ => {}
        }
        self.out.end();
    }

    /// A provider's NM1: from the template kept for `loop_id` when there is one.
    fn provider_nm1(
        &mut self,
        qualifier: &str,
        p: &Provider,
        extras: &[RawSegment],
        loop_id: &str,
    ) {
        match Template::find(extras, &format!("{loop_id}/NM1")) {
            Some(mut t) => {
                fill_name(&mut t, &p.name);
                if t.get(8, 1) == "XX" {
                    t.set(9, p.reported_npi().unwrap_or(""));
                }
                t.write(&mut *self.out);
            }
            None => {
                // An invalid NPI read from a file goes back as it came.
                let npi = p.reported_npi().map(|n| ("XX", n));
                self.nm1(qualifier, &p.name, p.organization, npi);
            }
        }
    }

    /// N3 and N4 of an address, each from the template kept for `loop_id` when there is one.
    fn address(&mut self, a: &Address, extras: &[RawSegment], loop_id: &str) {
        match Template::find(extras, &format!("{loop_id}/N3")) {
            Some(t) => t.write(&mut *self.out),
            None if !a.lines.is_empty() => {
                self.out.seg("N3");
                for l in a.lines.iter().take(2) {
                    self.out.el(l);
                }
                self.out.end();
            }
            None => {}
        }
        let empty = a.city.is_empty()
            && a.state.is_empty()
            && a.postal_code.is_empty()
            && a.country.is_none();
        match Template::find(extras, &format!("{loop_id}/N4")) {
            // An address read without an N4 has none to write back.
            None if empty => {}
            Some(mut t) => {
                t.set(1, &a.city);
                t.set(2, &a.state);
                t.set(3, &a.postal_code);
                t.set(4, a.country.as_deref().unwrap_or(""));
                t.write(&mut *self.out);
            }
            None => {
                self.out
                    .seg("N4")
                    .el(&a.city)
                    .el(&a.state)
                    .el(&a.postal_code)
                    .elo(a.country.as_deref())
                    .end();
            }
        }
    }

    fn secondary_ids(&mut self, p: &Provider) {
        for (q, v) in &p.secondary_ids {
            self.out.seg("REF").el(q).el(v).end();
        }
    }

    fn billing(&mut self, c: &Claim) -> u32 {
        let g = self.guide;
        let hl = self.hl(c, "2000A/HL", None, "20", true);
        let bp = &c.billing_provider;
        let mut l2000a = Pending::new(g, "2000A", &c.extra);
        if let Some(t) = &bp.provider.taxonomy {
            l2000a.before(&mut *self.out, g, "PRV", "BI");
            self.out.seg("PRV").el("BI").el("PXC").el(t).end();
        }
        l2000a.rest(&mut *self.out);
        // A claim read without a billing provider (a problem says so) has none to write back.
        let blank = bp.provider.name.last.is_empty()
            && bp.provider.npi.is_none()
            && bp.address == Address::default()
            && bp.tin.reveal().is_empty();
        let mut aa = Pending::with(g, "2010AA", &c.extra, !blank);
        if !blank {
            self.provider_nm1("85", &bp.provider, &c.extra, "2010AA");
            aa.before(&mut *self.out, g, "N3", "");
            self.address(&bp.address, &c.extra, "2010AA");
        }
        let tin_q = if bp.tin_is_ssn { "SY" } else { "EI" };
        if !bp.tin.reveal().is_empty() {
            aa.before(&mut *self.out, g, "REF", tin_q);
            self.out.seg("REF").el(tin_q).el(bp.tin.reveal()).end();
        }
        self.secondary_ids(&bp.provider);
        aa.rest(&mut *self.out);
        let mut ab = Pending::with(g, "2010AB", &c.extra, c.pay_to.is_some());
        if let Some(p) = &c.pay_to {
            self.out.seg("NM1").el("87").el("2").end();
            self.address(&p.address, &c.extra, "2010AB");
        }
        ab.rest(&mut *self.out);
        Pending::with(g, "2010AC", &c.extra, false).rest(&mut *self.out);
        hl
    }

    fn subscriber(&mut self, c: &Claim, parent: u32) -> u32 {
        let g = self.guide;
        let hl = self.hl(c, "2000B/HL", Some(parent), "22", c.patient.is_some());
        let s = &c.subscriber;
        let rel = if c.patient.is_none() { "18" } else { "" };
        match Template::find(&c.extra, "2000B/SBR") {
            Some(mut t) => {
                t.set(1, c.sequence.as_str());
                t.set(3, s.group_number.as_deref().unwrap_or(""));
                t.set(4, s.group_name.as_deref().unwrap_or(""));
                t.set(9, c.filing_indicator.as_str());
                t.write(&mut *self.out);
            }
            None => {
                self.out
                    .seg("SBR")
                    .el(c.sequence.as_str())
                    .el(rel)
                    .elo(s.group_number.as_deref())
                    .elo(s.group_name.as_deref())
                    .el("")
                    .el("")
                    .el("")
                    .el("")
                    .el(c.filing_indicator.as_str())
                    .end();
            }
        }
        Pending::new(g, "2000B", &c.extra).rest(&mut *self.out);
        let mut ba = Pending::new(g, "2010BA", &c.extra);
        let name = s.name.reveal();
        match Template::find(&c.extra, "2010BA/NM1") {
            Some(mut t) => {
                fill_name(&mut t, name);
                t.set(9, s.member_id.reveal());
                t.write(&mut *self.out);
            }
            // A subscriber read without an NM1 (a problem says so) has none to write back.
            None if name.last.is_empty() && s.member_id.reveal().is_empty() => {}
            None => self.nm1("IL", name, false, Some(("MI", s.member_id.reveal()))),
        }
        if let Some(a) = &s.address {
            ba.before(&mut *self.out, g, "N3", "");
            self.address(a.reveal(), &c.extra, "2010BA");
        }
        if s.birth_date.is_some() || s.sex.is_some() {
            ba.before(&mut *self.out, g, "DMG", "");
            self.dmg(
                s.birth_date.map(|d| *d.reveal()),
                s.sex.as_ref().map(Coded::as_str),
                &c.extra,
                "2010BA/DMG",
            );
        }
        if let Some(ssn) = &s.ssn {
            ba.before(&mut *self.out, g, "REF", "SY");
            self.out.seg("REF").el("SY").el(ssn.reveal()).end();
        }
        ba.rest(&mut *self.out);
        let mut bb = Pending::new(g, "2010BB", &c.extra);
        match Template::find(&c.extra, "2010BB/NM1") {
            Some(mut t) => {
                t.set(3, &c.payer.name);
                t.set(9, &c.payer.id);
                t.write(&mut *self.out);
            }
            None => {
                self.out
                    .seg("NM1")
                    .el("PR")
                    .el("2")
                    .el(&c.payer.name)
                    .el("")
                    .el("")
                    .el("")
                    .el("")
                    .el("PI")
                    .el(&c.payer.id)
                    .end();
            }
        }
        bb.rest(&mut *self.out);
        hl
    }

    fn dmg(
        &mut self,
        birth: Option<chrono::NaiveDate>,
        sex: Option<&str>,
        extras: &[RawSegment],
        template: &str,
    ) {
        if let Some(mut t) = Template::find(extras, template) {
            // The date the model took from the template: none under another qualifier (the
            // reader did not read one), which stays as sent while the model has none either.
            let held = if t.get(1, 1) == "D8" {
                crate::typed::parse_date(t.get(2, 1))
            } else {
                None
            };
            if held != birth {
                t.set(1, if birth.is_some() { "D8" } else { "" });
                t.set(
                    2,
                    &birth
                        .map(|d| format_date(d).to_string())
                        .unwrap_or_default(),
                );
            }
            t.set(3, sex.unwrap_or(""));
            t.write(&mut *self.out);
            return;
        }
        self.out.seg("DMG");
        match birth {
            Some(d) => self.out.el("D8").eld(format_date(d)),
            None => self.out.el("").el(""),
        };
        self.out.elo(sex).end();
    }

    fn patient(&mut self, c: &Claim, parent: u32) {
        let g = self.guide;
        let Some(p) = &c.patient else { return };
        self.hl(c, "2000C/HL", Some(parent), "23", false);
        match Template::find(&c.extra, "2000C/PAT") {
            Some(mut t) => {
                t.set(1, p.relationship.as_str());
                t.write(&mut *self.out);
            }
            None => self.out.seg("PAT").el(p.relationship.as_str()).end(),
        }
        Pending::new(g, "2000C", &c.extra).rest(&mut *self.out);
        let mut ca = Pending::new(g, "2010CA", &c.extra);
        match Template::find(&c.extra, "2010CA/NM1") {
            Some(mut t) => {
                fill_name(&mut t, p.name.reveal());
                t.write(&mut *self.out);
            }
            None => self.nm1("QC", p.name.reveal(), false, None),
        }
        if let Some(a) = &p.address {
            ca.before(&mut *self.out, g, "N3", "");
            self.address(a.reveal(), &c.extra, "2010CA");
        }
        if p.birth_date.is_some() || p.sex.is_some() {
            ca.before(&mut *self.out, g, "DMG", "");
            self.dmg(
                p.birth_date.map(|d| *d.reveal()),
                p.sex.as_ref().map(Coded::as_str),
                &c.extra,
                "2010CA/DMG",
            );
        }
        ca.rest(&mut *self.out);
    }

    fn claim(&mut self, c: &Claim) {
        let g = self.guide;
        let (code1, class) = match &c.detail {
            ClaimDetail::Professional(p) => (p.place_of_service.as_str().to_owned(), "B"),
            ClaimDetail::Institutional(i) => (i.type_of_bill.clone(), "A"),
            _ => (String::new(), "B"),
        };
        let assign = if c.accepts_assignment { "A" } else { "C" };
        let benefits = if c.benefits_assigned { "Y" } else { "N" };
        let causes: Vec<&str> = c
            .accident
            .iter()
            .flat_map(|a| a.causes.iter().map(Coded::as_str))
            .collect();
        let state = c
            .accident
            .as_ref()
            .and_then(|a| a.state.as_deref())
            .unwrap_or("");
        let accident = [
            causes.first().copied().unwrap_or(""),
            causes.get(1).copied().unwrap_or(""),
            causes.get(2).copied().unwrap_or(""),
            state,
        ];
        match Template::find(&c.extra, "2300/CLM") {
            Some(mut t) => {
                t.set(1, &c.patient_control_number);
                t.amount(2, Some(c.total_charge));
                t.set_comp(5, 1, &code1);
                t.set_comp(5, 3, c.frequency.as_str());
                t.flag(7, c.accepts_assignment, ("A", "C"), |s| {
                    !matches!(s, "B" | "C")
                });
                t.flag(8, c.benefits_assigned, ("Y", "N"), |s| {
                    !matches!(s, "N" | "W")
                });
                t.set(9, &c.release_of_information);
                for (k, v) in accident.iter().enumerate() {
                    if !v.is_empty() || t.elements.get(11).is_some_and(|e| e.len() > k) {
                        t.set_comp(11, k + 1, v);
                    }
                }
                t.write(&mut *self.out);
            }
            None => {
                self.out
                    .seg("CLM")
                    .el(&c.patient_control_number)
                    .eld(c.total_charge)
                    .el("")
                    .el("")
                    .comp(&[&code1, class, c.frequency.as_str()]);
                if self.institutional {
                    self.out.el("");
                } else {
                    self.out.el("Y");
                }
                self.out
                    .el(assign)
                    .el(benefits)
                    .el(&c.release_of_information)
                    .el("")
                    .comp(&accident)
                    .end();
            }
        }
        let mut p = Pending::new(g, "2300", &c.extra);
        match &c.detail {
            ClaimDetail::Institutional(i) => self.institutional_header(c, i, &mut p),
            ClaimDetail::Professional(d) => self.professional_header(c, d, &mut p),
            _ => {}
        }
        p.rest(&mut *self.out);
        self.claim_providers(c);
        for (i, op) in c.other_payers.iter().enumerate() {
            self.other_payer(c, op, i);
        }
        match &c.detail {
            ClaimDetail::Professional(d) => {
                for (i, line) in d.lines.iter().enumerate() {
                    self.professional_line(line, i);
                }
            }
            ClaimDetail::Institutional(d) => {
                for (i, line) in d.lines.iter().enumerate() {
                    self.institutional_line(line, i);
                }
            }
            _ => {}
        }
    }

    fn refs(&mut self, c: &Claim, p: &mut Pending<'_>) {
        let g = self.guide;
        for (q, v) in [
            ("F8", &c.original_payer_claim_number),
            ("G1", &c.prior_authorization),
            ("9F", &c.referral_number),
        ] {
            if let Some(v) = v {
                p.before(&mut *self.out, g, "REF", q);
                self.out.seg("REF").el(q).el(v).end();
            }
        }
    }

    fn professional_header(&mut self, c: &Claim, d: &ProfessionalDetail, p: &mut Pending<'_>) {
        let g = self.guide;
        if let Some(date) = c.accident.as_ref().and_then(|a| a.date) {
            p.before(&mut *self.out, g, "DTP", "439");
            self.out
                .seg("DTP")
                .el("439")
                .el("D8")
                .eld(format_date(date))
                .end();
        }
        self.refs(c, p);
        p.before(&mut *self.out, g, "HI", "ABK");
        // Diagnoses kept in templates (an HI read in another shape) are theirs, in order,
        // after those of the usual HI: the reader keeps the usual one only when it came first.
        let templates: Vec<Template> = Template::all(&c.extra, "2300/HI").collect();
        let in_templates: usize = templates.iter().map(dx_slots).sum();
        let plain = d.diagnoses.len().saturating_sub(in_templates);
        let (regular, rest) = d.diagnoses.split_at(plain);
        for (k, chunk) in regular.chunks(12).enumerate() {
            self.out.seg("HI");
            for (j, code) in chunk.iter().enumerate() {
                let principal = k == 0 && j == 0;
                let q = match (principal, code) {
                    (true, DiagnosisCode::Icd9Cm(_)) => "BK",
                    (true, _) => "ABK",
                    (false, DiagnosisCode::Icd9Cm(_)) => "BF",
                    (false, _) => "ABF",
                };
                self.out.comp(&[q, code.as_str()]);
            }
            self.out.end();
        }
        let mut codes = rest.iter().map(DiagnosisCode::as_str);
        for mut t in templates {
            fill_dx_slots(&mut t, &mut codes);
            t.write(&mut *self.out);
        }
        self.conditions(c, p);
    }

    fn conditions(&mut self, c: &Claim, p: &mut Pending<'_>) {
        let g = self.guide;
        if c.condition_codes.is_empty() {
            return;
        }
        p.before(&mut *self.out, g, "HI", "BG");
        for chunk in c.condition_codes.chunks(12) {
            self.out.seg("HI");
            for code in chunk {
                self.out.comp(&["BG", code]);
            }
            self.out.end();
        }
    }

    fn institutional_header(&mut self, c: &Claim, i: &InstitutionalDetail, p: &mut Pending<'_>) {
        let g = self.guide;
        if let Some(h) = i.discharge.as_ref().and_then(|d| d.hour) {
            p.before(&mut *self.out, g, "DTP", "096");
            self.out
                .seg("DTP")
                .el("096")
                .el("TM")
                .el(&format!("{h:02}00"))
                .end();
        }
        if let (Some(from), Some(to)) = (i.statement_from, i.statement_to) {
            p.before(&mut *self.out, g, "DTP", "434");
            match Template::find(&c.extra, "2300/DTP*434")
                .filter(|t| statement_dates(t) == Some((from, to)))
            {
                Some(t) => t.write(&mut *self.out),
                None => {
                    self.out
                        .seg("DTP")
                        .el("434")
                        .el("RD8")
                        .el(&format!("{}-{}", format_date(from), format_date(to)))
                        .end();
                }
            }
        }
        if let Some(a) = &i.admission {
            p.before(&mut *self.out, g, "DTP", "435");
            match a.hour {
                Some(h) => self
                    .out
                    .seg("DTP")
                    .el("435")
                    .el("DT")
                    .el(&format!("{}{h:02}00", format_date(a.date)))
                    .end(),
                None => self
                    .out
                    .seg("DTP")
                    .el("435")
                    .el("D8")
                    .eld(format_date(a.date))
                    .end(),
            }
        }
        if i.admission.is_some() || i.discharge.is_some() {
            p.before(&mut *self.out, g, "CL1", "");
            let a = i.admission.as_ref();
            self.out
                .seg("CL1")
                .elo(a.and_then(|a| a.type_code.as_deref()))
                .elo(a.and_then(|a| a.source_code.as_deref()))
                .elo(i.discharge.as_ref().map(|d| d.status_code.as_str()))
                .end();
        }
        self.refs(c, p);
        let mut his = InstitutionalHi::new(c, i);
        his.write(self, p);
        self.conditions(c, p);
    }

    fn claim_providers(&mut self, c: &Claim) {
        let roles: Vec<(&str, &str, Option<&Provider>, &str)> = if self.institutional {
            let i = c.institutional_detail();
            vec![
                (
                    "2310A",
                    "71",
                    i.and_then(|i| i.attending_provider.as_ref()),
                    "AT",
                ),
                (
                    "2310B",
                    "72",
                    i.and_then(|i| i.operating_provider.as_ref()),
                    "",
                ),
                ("2310C", "ZZ", None, ""),
                ("2310D", "82", c.rendering_provider.as_deref(), ""),
                ("2310E", "77", None, ""),
                ("2310F", "DN", c.referring_provider.as_deref(), ""),
            ]
        } else {
            vec![
                ("2310A", "DN", c.referring_provider.as_deref(), ""),
                ("2310B", "82", c.rendering_provider.as_deref(), "PE"),
                ("2310C", "77", None, ""),
                ("2310D", "DQ", None, ""),
                ("2310E", "PW", None, ""),
                ("2310F", "45", None, ""),
            ]
        };
        let g = self.guide;
        for (loop_id, q, provider, prv) in roles {
            let opened = if q == "77" {
                c.service_facility.is_some()
            } else {
                provider.is_some()
            };
            let mut p = Pending::with(g, loop_id, &c.extra, opened);
            if q == "77"
                && let Some(f) = &c.service_facility
            {
                self.provider_nm1("77", &f.provider, &c.extra, loop_id);
                p.before(&mut *self.out, g, "N3", "");
                self.address(&f.address, &c.extra, loop_id);
                p.before(&mut *self.out, g, "REF", "");
                self.secondary_ids(&f.provider);
            } else if let Some(pr) = provider {
                self.provider_nm1(q, pr, &c.extra, loop_id);
                if let Some(t) = &pr.taxonomy
                    && !prv.is_empty()
                {
                    p.before(&mut *self.out, g, "PRV", prv);
                    self.out.seg("PRV").el(prv).el("PXC").el(t).end();
                }
                p.before(&mut *self.out, g, "REF", "");
                self.secondary_ids(pr);
            }
            p.rest(&mut *self.out);
        }
    }

    fn cas(&mut self, adjustments: &[Adjustment]) {
        // One CAS per group code, up to six triplets each, in first-seen group order.
        let mut groups: Vec<&Coded<medbill_codes::GroupCode>> = Vec::new();
        for a in adjustments {
            if !groups.contains(&&a.group) {
                groups.push(&a.group);
            }
        }
        for group in groups {
            let of_group: Vec<&Adjustment> =
                adjustments.iter().filter(|a| &a.group == group).collect();
            for chunk in of_group.chunks(6) {
                self.out.seg("CAS").el(group.as_str());
                for a in chunk {
                    self.out.el(a.reason.as_str()).eld(a.amount);
                    match a.quantity {
                        Some(q) => self.out.eld(q),
                        None => self.out.el(""),
                    };
                }
                self.out.end();
            }
        }
    }

    fn other_payer(&mut self, c: &Claim, op: &OtherPayer, i: usize) {
        let g = self.guide;
        let l2320 = format!("2320[{}]", i + 1);
        let sub = op.subscriber.as_ref();
        let rel = op.relationship.as_ref().map_or("", Coded::as_str);
        let filing = op.filing_indicator.as_ref().map_or("", Coded::as_str);
        match Template::find(&c.extra, &format!("{l2320}/SBR")) {
            Some(mut t) => {
                t.set(1, op.sequence.as_str());
                t.set(2, rel);
                t.set(3, sub.and_then(|s| s.group_number.as_deref()).unwrap_or(""));
                t.set(4, sub.and_then(|s| s.group_name.as_deref()).unwrap_or(""));
                t.set(9, filing);
                t.write(&mut *self.out);
            }
            None => {
                self.out
                    .seg("SBR")
                    .el(op.sequence.as_str())
                    .el(rel)
                    .elo(sub.and_then(|s| s.group_number.as_deref()))
                    .elo(sub.and_then(|s| s.group_name.as_deref()))
                    .el("")
                    .el("")
                    .el("")
                    .el("")
                    .el(filing)
                    .end();
            }
        }
        let extras: Vec<RawSegment> = c
            .extra
            .iter()
            .filter(|r| r.loop_id == l2320)
            .map(|r| RawSegment::new("2320", r.text.clone()))
            .collect();
        let mut p = Pending::new(g, "2320", &extras);
        if !op.adjustments.is_empty() {
            p.before(&mut *self.out, g, "CAS", "");
            self.cas(&op.adjustments);
        }
        if let Some(a) = op.paid {
            p.before(&mut *self.out, g, "AMT", "D");
            self.out.seg("AMT").el("D").eld(a).end();
        }
        if let Some(a) = op.remaining_patient_liability {
            p.before(&mut *self.out, g, "AMT", "EAF");
            self.out.seg("AMT").el("EAF").eld(a).end();
        }
        // The OI the reader did not keep is the one written from the claim.
        if !extras
            .iter()
            .any(|r| r.text.starts_with("OI*") || r.text == "OI")
        {
            p.before(&mut *self.out, g, "OI", "");
            self.out
                .seg("OI")
                .el("")
                .el("")
                .el(if c.benefits_assigned { "Y" } else { "N" })
                .el("")
                .el("")
                .el(if self.institutional {
                    ""
                } else {
                    &c.release_of_information
                })
                .end();
        }
        p.rest(&mut *self.out);
        let loops: &[&str] = if self.institutional {
            &[
                "2330A", "2330B", "2330C", "2330D", "2330E", "2330F", "2330G", "2330H", "2330I",
            ]
        } else {
            &[
                "2330A", "2330B", "2330C", "2330D", "2330E", "2330F", "2330G",
            ]
        };
        let suffix = format!("[{}]", i + 1);
        for &loop_id in loops {
            let extras: Vec<RawSegment> = c
                .extra
                .iter()
                .filter(|r| {
                    r.loop_id
                        .strip_prefix(loop_id)
                        .is_some_and(|rest| rest == suffix)
                })
                .map(|r| RawSegment::new(loop_id, r.text.clone()))
                .collect();
            // Whether the model writes the loop's NM1: if not, a kept one opens the loop.
            let opened = match loop_id {
                "2330A" => sub.is_some_and(|s| {
                    !s.name.reveal().last.is_empty() || !s.member_id.reveal().is_empty()
                }),
                "2330B" => !(op.payer.id.is_empty() && op.payer.name.is_empty()),
                _ => false,
            };
            let mut p = Pending::with(g, loop_id, &extras, opened);
            match loop_id.as_bytes()[4] {
                b'A' => {
                    let (name, id) = match sub {
                        Some(s) => (s.name.reveal().clone(), s.member_id.reveal().clone()),
                        None => (PersonName::default(), Text::new()),
                    };
                    // An other payer read without its subscriber's NM1 has none to write.
                    if !name.last.is_empty() || !id.is_empty() {
                        self.nm1("IL", &name, false, Some(("MI", &id)));
                    }
                    if let Some(a) = sub.and_then(|s| s.address.as_ref()) {
                        p.before(&mut *self.out, g, "N3", "");
                        self.address(a.reveal(), &[], loop_id);
                    }
                    if let Some(ssn) = sub.and_then(|s| s.ssn.as_ref()) {
                        p.before(&mut *self.out, g, "REF", "SY");
                        self.out.seg("REF").el("SY").el(ssn.reveal()).end();
                    }
                }
                b'B' => {
                    // A payer NM1 the model could not hold is among the extras, kept as
                    // sent; the loop's dates and references are written after it all the same.
                    if !(op.payer.id.is_empty() && op.payer.name.is_empty()) {
                        self.out
                            .seg("NM1")
                            .el("PR")
                            .el("2")
                            .el(&op.payer.name)
                            .el("")
                            .el("")
                            .el("")
                            .el("")
                            .el("PI")
                            .el(&op.payer.id)
                            .end();
                    }
                    if let Some(d) = op.adjudication_date {
                        p.before(&mut *self.out, g, "DTP", "573");
                        self.out
                            .seg("DTP")
                            .el("573")
                            .el("D8")
                            .eld(format_date(d))
                            .end();
                    }
                    if let Some(n) = &op.payer_claim_control_number {
                        p.before(&mut *self.out, g, "REF", "F8");
                        self.out.seg("REF").el("F8").el(n).end();
                    }
                }
                _ => {}
            }
            p.rest(&mut *self.out);
        }
    }

    fn procedure_comp(&mut self, code: &str, modifiers: &[Coded<Modifier>]) {
        let m = |i: usize| modifiers.get(i).map_or("", Coded::as_str);
        self.out.comp(&["HC", code, m(0), m(1), m(2), m(3)]);
    }

    #[allow(clippy::too_many_arguments)] // a line's parts after its service segment
    fn line_tail(
        &mut self,
        extras: &[RawSegment],
        control: Option<&str>,
        drug: Option<&medbill_claim::Drug>,
        rendering: Option<&Provider>,
        adjudications: &[LineAdjudication],
        p: &mut Pending<'_>,
    ) {
        let g = self.guide;
        if let Some(n) = control {
            p.before(&mut *self.out, g, "REF", "6R");
            self.out.seg("REF").el("6R").el(n).end();
        }
        p.rest(&mut *self.out);
        let mut l2410 = Pending::with(g, "2410", extras, drug.is_some());
        if let Some(d) = drug {
            self.out.seg("LIN").el("").el("N4").el(&d.ndc).end();
            self.out
                .seg("CTP")
                .el("")
                .el("")
                .el("")
                .eld(d.quantity)
                .el(d.unit.as_str())
                .end();
        }
        l2410.rest(&mut *self.out);
        let loops: &[&str] = if self.institutional {
            &["2420A", "2420B", "2420C", "2420D"]
        } else {
            &[
                "2420A", "2420B", "2420C", "2420D", "2420E", "2420F", "2420G", "2420H",
            ]
        };
        for &loop_id in loops {
            let opened = loop_id == "2420A" && !self.institutional && rendering.is_some();
            let mut p = Pending::with(g, loop_id, extras, opened);
            if loop_id == "2420A"
                && !self.institutional
                && let Some(r) = rendering
            {
                self.provider_nm1("82", r, extras, "2420A");
                if let Some(t) = &r.taxonomy {
                    p.before(&mut *self.out, g, "PRV", "PE");
                    self.out.seg("PRV").el("PE").el("PXC").el(t).end();
                }
                p.before(&mut *self.out, g, "REF", "");
                self.secondary_ids(r);
            }
            p.rest(&mut *self.out);
        }
        for (i, a) in adjudications.iter().enumerate() {
            let tagged = format!("2430[{}]", i + 1);
            let own: Vec<RawSegment> = extras
                .iter()
                .filter(|r| r.loop_id == tagged)
                .map(|r| RawSegment::new("2430", r.text.clone()))
                .collect();
            let mut p = Pending::new(g, "2430", &own);
            let mods = modifier_texts(&a.modifiers);
            match Template::find(extras, &format!("{tagged}/SVD")) {
                Some(mut t) => {
                    t.set(1, &a.payer_id);
                    t.amount(2, Some(a.paid));
                    if let Some(pr) = &a.procedure
                        && t.get(3, 2).is_empty()
                    {
                        t.set_procedure(3, pr.as_str(), &mods);
                    }
                    t.amount(5, a.units);
                    t.write(&mut *self.out);
                }
                None => {
                    self.out.seg("SVD").el(&a.payer_id).eld(a.paid);
                    match &a.procedure {
                        Some(pr) => {
                            let m = |i: usize| mods.get(i).copied().unwrap_or("");
                            self.out.comp(&["HC", pr.as_str(), m(0), m(1), m(2), m(3)]);
                        }
                        None => {
                            self.out.el("");
                        }
                    }
                    self.out.el("");
                    match a.units {
                        Some(u) => self.out.eld(u),
                        None => self.out.el(""),
                    };
                    self.out.end();
                }
            }
            if !a.adjustments.is_empty() {
                p.before(&mut *self.out, g, "CAS", "");
                self.cas(&a.adjustments);
            }
            if let Some(d) = a.date {
                p.before(&mut *self.out, g, "DTP", "573");
                self.out
                    .seg("DTP")
                    .el("573")
                    .el("D8")
                    .eld(format_date(d))
                    .end();
            }
            p.rest(&mut *self.out);
        }
        // Each form identification loop read (`2440[n]`), in order.
        for n in 1.. {
            let tagged = format!("2440[{n}]");
            let own: Vec<RawSegment> = extras
                .iter()
                .filter(|r| r.loop_id == tagged)
                .map(|r| RawSegment::new("2440", r.text.clone()))
                .collect();
            if own.is_empty() {
                break;
            }
            Pending::with(g, "2440", &own, false).rest(&mut *self.out);
        }
    }

    fn lx(&mut self, extras: &[RawSegment], i: usize) {
        match Template::find(extras, "2400/LX") {
            Some(t) => t.write(&mut *self.out),
            None => self.out.seg("LX").eld(i + 1).end(),
        }
    }

    fn professional_line(&mut self, line: &ProfessionalLine, i: usize) {
        let g = self.guide;
        self.lx(&line.extra, i);
        let pos = line.place_of_service.as_ref().map_or("", Coded::as_str);
        let pointers: Vec<String> = line.diagnosis_pointers.iter().map(u8::to_string).collect();
        let mods = modifier_texts(&line.modifiers);
        match Template::find(&line.extra, "2400/SV1") {
            Some(mut t) => {
                t.set_procedure(1, line.procedure.as_str(), &mods);
                t.amount(2, Some(line.charge));
                t.set(3, line.unit_basis.as_str());
                t.amount(4, Some(line.units));
                t.set(5, pos);
                t.pointers(7, &line.diagnosis_pointers);
                t.write(&mut *self.out);
            }
            None => {
                self.out.seg("SV1");
                self.procedure_comp(line.procedure.as_str(), &line.modifiers);
                self.out
                    .eld(line.charge)
                    .el(line.unit_basis.as_str())
                    .eld(line.units)
                    .el(pos)
                    .el("");
                let refs: Vec<&str> = pointers.iter().map(String::as_str).collect();
                self.out.comp(&refs).end();
            }
        }
        let mut p = Pending::new(g, "2400", &line.extra);
        if let Some(date) = line.service_date {
            p.before(&mut *self.out, g, "DTP", "472");
            match Template::find(&line.extra, "2400/DTP")
                .filter(|t| template_start(t) == Some(date))
            {
                Some(t) => t.write(&mut *self.out),
                None => {
                    self.out.seg("DTP").el("472");
                    match line.service_end {
                        Some(end) => self.out.el("RD8").el(&format!(
                            "{}-{}",
                            format_date(date),
                            format_date(end)
                        )),
                        None => self.out.el("D8").eld(format_date(date)),
                    };
                    self.out.end();
                }
            }
        }
        self.line_tail(
            &line.extra,
            line.line_control_number.as_deref(),
            line.drug.as_deref(),
            line.rendering_provider.as_deref(),
            &line.other_payer_adjudications,
            &mut p,
        );
    }

    fn institutional_line(&mut self, line: &InstitutionalLine, i: usize) {
        let g = self.guide;
        self.lx(&line.extra, i);
        let mods = modifier_texts(&line.modifiers);
        match Template::find(&line.extra, "2400/SV2") {
            Some(mut t) => {
                t.set(1, line.revenue_code.as_str());
                if let Some(pr) = &line.procedure {
                    t.set_procedure(2, pr.as_str(), &mods);
                }
                t.amount(3, Some(line.charge));
                t.set(4, line.unit_basis.as_str());
                t.amount(5, Some(line.units));
                t.amount(7, line.non_covered_charge);
                t.write(&mut *self.out);
            }
            None => {
                self.out.seg("SV2").el(line.revenue_code.as_str());
                match &line.procedure {
                    Some(pr) => self.procedure_comp(pr.as_str(), &line.modifiers),
                    None => {
                        self.out.el("");
                    }
                }
                self.out
                    .eld(line.charge)
                    .el(line.unit_basis.as_str())
                    .eld(line.units)
                    .el("");
                match line.non_covered_charge {
                    Some(n) => self.out.eld(n),
                    None => self.out.el(""),
                };
                self.out.end();
            }
        }
        let mut p = Pending::new(g, "2400", &line.extra);
        if let Some(d) = line.service_date {
            p.before(&mut *self.out, g, "DTP", "472");
            match Template::find(&line.extra, "2400/DTP").filter(|t| template_start(t) == Some(d)) {
                Some(t) => t.write(&mut *self.out),
                None => self
                    .out
                    .seg("DTP")
                    .el("472")
                    .el("D8")
                    .eld(format_date(d))
                    .end(),
            }
        }
        self.line_tail(
            &line.extra,
            line.line_control_number.as_deref(),
            line.drug.as_deref(),
            None,
            &line.other_payer_adjudications,
            &mut p,
        );
    }
}

/// The first date of a DTP template (`DTP*472*RD8*20240101-20240105`).
fn template_start(t: &Template) -> Option<chrono::NaiveDate> {
    let v = t.elements.get(3)?.first()?;
    super::parse_date(v.split('-').next()?)
}

/// The statement period a DTP*434 template says: a range, or one date for both ends.
fn statement_dates(t: &Template) -> Option<(chrono::NaiveDate, chrono::NaiveDate)> {
    let v = t.get(3, 1);
    let (a, b) = v.split_once('-').unwrap_or((v, v));
    Some((super::parse_date(a)?, super::parse_date(b)?))
}

/// Whether a composite read in a professional HI is one of the claim's diagnoses: its
/// qualifier is a diagnosis code list's.
fn is_dx_slot(e: &[String]) -> bool {
    matches!(
        e.first().map(String::as_str),
        Some("ABK" | "ABF" | "BK" | "BF")
    )
}

/// How many of the claim's diagnoses a professional HI template holds.
fn dx_slots(t: &Template) -> usize {
    t.elements.iter().skip(1).filter(|e| is_dx_slot(e)).count()
}

/// Fills the diagnosis codes of a professional HI template, in order, from `codes` (a
/// composite read without a code stays so while the code is still empty).
fn fill_dx_slots<'a>(t: &mut Template, codes: &mut impl Iterator<Item = &'a str>) {
    for e in t.elements.iter_mut().skip(1) {
        if !is_dx_slot(e) {
            continue;
        }
        let code = codes.next().unwrap_or("");
        match e.get_mut(1) {
            Some(c) => *c = code.to_owned(),
            None if !code.is_empty() => e.push(code.to_owned()),
            None => {}
        }
    }
}

/// The kinds of an institutional claim's HI, in guide order, with the qualifiers of each and
/// the most composites one HI holds.
#[derive(Clone, Copy, PartialEq, Eq)]
enum HiKind {
    Principal,
    Admitting,
    Reason,
    External,
    Drg,
    Other,
    PrincipalProcedure,
    OtherProcedure,
    Span,
    Occurrence,
    Value,
}

impl HiKind {
    const ORDER: [HiKind; 11] = [
        HiKind::Principal,
        HiKind::Admitting,
        HiKind::Reason,
        HiKind::External,
        HiKind::Drg,
        HiKind::Other,
        HiKind::PrincipalProcedure,
        HiKind::OtherProcedure,
        HiKind::Span,
        HiKind::Occurrence,
        HiKind::Value,
    ];

    /// The kind a qualifier read in a template stands for.
    fn of(q: &str) -> Option<HiKind> {
        Some(match q {
            "ABK" | "BK" => HiKind::Principal,
            "ABJ" | "BJ" => HiKind::Admitting,
            "APR" | "PR" => HiKind::Reason,
            "ABN" | "BN" => HiKind::External,
            "DR" => HiKind::Drg,
            "ABF" | "BF" => HiKind::Other,
            "BBR" | "BR" => HiKind::PrincipalProcedure,
            "BBQ" | "BQ" => HiKind::OtherProcedure,
            "BI" => HiKind::Span,
            "BH" => HiKind::Occurrence,
            "BE" => HiKind::Value,
            _ => return None,
        })
    }

    fn per_segment(self) -> usize {
        match self {
            HiKind::Principal | HiKind::Admitting | HiKind::Drg | HiKind::PrincipalProcedure => 1,
            HiKind::Reason => 3,
            _ => 12,
        }
    }
}

/// The composites of an institutional claim's HI segments, each kind with a cursor: templates
/// take theirs first (each composite by its own qualifier), the rest are written in the
/// usual shape.
struct InstitutionalHi<'c> {
    templates: Vec<(HiKind, Template)>,
    items: Vec<(HiKind, Vec<Vec<String>>)>,
    used: [usize; 11],
    _claim: std::marker::PhantomData<&'c Claim>,
}

impl<'c> InstitutionalHi<'c> {
    fn new(c: &'c Claim, i: &'c InstitutionalDetail) -> Self {
        let templates = c
            .extra
            .iter()
            .filter_map(|r| {
                let q = r.loop_id.strip_prefix("2300/HI*")?;
                Some((HiKind::of(q)?, Template::parse(&r.text)))
            })
            .collect();
        let dx = |d: &Diagnosis, q10: &'static str, q9: &'static str| {
            let mut parts = vec![
                dx_qualifier(&d.code, q10, q9).to_owned(),
                d.code.as_str().to_owned(),
            ];
            if let Some(poa) = &d.poa {
                parts.resize(8, String::new());
                parts.push(poa.as_str().to_owned());
            }
            parts
        };
        let code = |c: &DiagnosisCode, q10: &'static str, q9: &'static str| {
            vec![dx_qualifier(c, q10, q9).to_owned(), c.as_str().to_owned()]
        };
        let procedure = |p: &IcdProcedure, principal: bool| {
            vec![
                pcs_qualifier(&p.code, principal).to_owned(),
                p.code.as_str().to_owned(),
                "D8".to_owned(),
                p.date
                    .map(|d| format_date(d).to_string())
                    .unwrap_or_default(),
            ]
        };
        let mut items: Vec<(HiKind, Vec<Vec<String>>)> = Vec::new();
        items.push((
            HiKind::Principal,
            i.principal_diagnosis
                .iter()
                .map(|d| dx(d, "ABK", "BK"))
                .collect(),
        ));
        items.push((
            HiKind::Admitting,
            i.admitting_diagnosis
                .iter()
                .map(|d| code(d, "ABJ", "BJ"))
                .collect(),
        ));
        items.push((
            HiKind::Reason,
            i.reason_for_visit
                .iter()
                .map(|d| code(d, "APR", "PR"))
                .collect(),
        ));
        items.push((
            HiKind::External,
            i.external_causes
                .iter()
                .map(|d| dx(d, "ABN", "BN"))
                .collect(),
        ));
        items.push((
            HiKind::Drg,
            i.drg
                .iter()
                .map(|d| vec!["DR".to_owned(), d.clone()])
                .collect(),
        ));
        items.push((
            HiKind::Other,
            i.other_diagnoses
                .iter()
                .map(|d| dx(d, "ABF", "BF"))
                .collect(),
        ));
        items.push((
            HiKind::PrincipalProcedure,
            i.principal_procedure
                .iter()
                .map(|p| procedure(p, true))
                .collect(),
        ));
        items.push((
            HiKind::OtherProcedure,
            i.other_procedures
                .iter()
                .map(|p| procedure(p, false))
                .collect(),
        ));
        items.push((
            HiKind::Span,
            i.occurrence_spans
                .iter()
                .map(|s| {
                    let range = match (s.from, s.to) {
                        (Some(a), Some(b)) => format!("{}-{}", format_date(a), format_date(b)),
                        _ => String::new(),
                    };
                    vec!["BI".to_owned(), s.code.clone(), "RD8".to_owned(), range]
                })
                .collect(),
        ));
        items.push((
            HiKind::Occurrence,
            i.occurrences
                .iter()
                .map(|o| {
                    vec![
                        "BH".to_owned(),
                        o.code.clone(),
                        "D8".to_owned(),
                        o.date
                            .map(|d| format_date(d).to_string())
                            .unwrap_or_default(),
                    ]
                })
                .collect(),
        ));
        items.push((
            HiKind::Value,
            i.value_codes
                .iter()
                .map(|v| {
                    vec![
                        "BE".to_owned(),
                        v.code.clone(),
                        String::new(),
                        String::new(),
                        v.amount.to_string(),
                    ]
                })
                .collect(),
        ));
        InstitutionalHi {
            templates,
            items,
            used: [0; 11],
            _claim: std::marker::PhantomData,
        }
    }

    fn index(kind: HiKind) -> usize {
        HiKind::ORDER.iter().position(|k| *k == kind).unwrap_or(0)
    }

    /// The next composite of `kind` not yet written.
    fn take(&mut self, kind: HiKind) -> Option<Vec<String>> {
        let k = Self::index(kind);
        let item = self.items.get(k)?.1.get(self.used[k])?.clone();
        self.used[k] += 1;
        Some(item)
    }

    fn write(&mut self, w: &mut W837<'_>, p: &mut Pending<'_>) {
        let g = w.guide;
        let templates = std::mem::take(&mut self.templates);
        let mut templates = templates.into_iter().peekable();
        for kind in HiKind::ORDER {
            let q = self.items[Self::index(kind)]
                .1
                .get(self.used[Self::index(kind)])
                .map(|c| c[0].clone());
            // Templates first, in the order read: each where its first kind goes.
            while let Some((_, mut t)) = templates.next_if(|(k, _)| *k == kind) {
                p.before(&mut *w.out, g, "HI", t.get(1, 1));
                for n in 1..t.elements.len() {
                    let Some(k) = HiKind::of(t.get(n, 1)) else {
                        continue;
                    };
                    if t.elements[n].len() >= 2 && t.elements[n][1].is_empty() {
                        // A second principal read after the first is held as an other one.
                        let from = if k == HiKind::Principal && self.used[Self::index(k)] > 0 {
                            HiKind::Other
                        } else {
                            k
                        };
                        if let Some(item) = self.take(from) {
                            t.elements[n][1] = item.get(1).cloned().unwrap_or_default();
                        }
                    }
                }
                t.write(&mut *w.out);
            }
            let k = Self::index(kind);
            let rest: Vec<Vec<String>> =
                self.items[k].1[self.used[k].min(self.items[k].1.len())..].to_vec();
            self.used[k] = self.items[k].1.len();
            if rest.is_empty() {
                continue;
            }
            if let Some(q) = &q {
                p.before(&mut *w.out, g, "HI", q);
            }
            for chunk in rest.chunks(kind.per_segment()) {
                w.out.seg("HI");
                for c in chunk {
                    let refs: Vec<&str> = c.iter().map(String::as_str).collect();
                    w.out.comp(&refs);
                }
                w.out.end();
            }
        }
        for (_, t) in templates {
            t.write(&mut *w.out);
        }
    }
}
