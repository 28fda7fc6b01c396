//! Writing 837P and 837I from claims.

use medbill_claim::{
    Address, Adjustment, Claim, ClaimDetail, Diagnosis, InstitutionalDetail, InstitutionalLine,
    LineAdjudication, OtherPayer, PersonName, ProfessionalDetail, ProfessionalLine, Provider,
    RawSegment, Text,
};
use medbill_codes::Modifier;

use super::out::{InterchangeHeader, Out, set_control};
use super::p837::{ClaimForm, SubmissionHeader};
use super::{TypedError, format_date, guide_for};
use crate::schema::{Guide, Node};

/// Writes claims as one 837 interchange (ISA, GS, one ST..SE, GE, IEA).
///
/// Claims in a row with the same billing provider share a billing-provider HL, and with the
/// same subscriber, payer and patient share those HLs; HL numbers, SE01, GE01 and IEA01 are
/// computed. Raw segments kept by the reader go back into their loops in guide order. Every
/// claim must be of the header's form.
///
/// Fails when there are no claims, a value contains one of the delimiters, or a claim is of
/// the other form.
pub fn write_837(
    claims: &[Claim],
    header: &SubmissionHeader,
    envelope: &InterchangeHeader,
) -> Result<Vec<u8>, TypedError> {
    let institutional = header.form == ClaimForm::Institutional;
    if claims.is_empty() {
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
    let version = header.guide();
    let guide = guide_for("837", version).ok_or_else(|| TypedError::Write {
        field: "header.form".into(),
        reason: "no embedded guide".into(),
    })?;
    let mut w = W837 {
        out: Out::new(envelope, 512 + claims.len() * 700),
        guide,
        institutional,
        hl: 0,
    };
    w.out.open(envelope, "HC", version);
    let control = set_control(envelope);
    w.out.start_set("837", &control, version);
    w.header(header);
    let mut prev: Option<&Claim> = None;
    let (mut bill_hl, mut sub_hl) = (0u32, 0u32);
    for claim in claims {
        let new_bill = prev.is_none_or(|p| !same_billing(p, claim));
        let new_sub = new_bill || prev.is_none_or(|p| !same_subscriber(p, claim));
        let new_pat = new_sub || prev.is_none_or(|p| !same_patient(p, claim));
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
    w.out.close(envelope, &control);
    w.out.finish()
}

const BILLING_LOOPS: &[&str] = &["2000A", "2010AA", "2010AB", "2010AC"];
const SUBSCRIBER_LOOPS: &[&str] = &["2000B", "2000B/SBR", "2010BA", "2010BB"];
const PATIENT_LOOPS: &[&str] = &["2000C", "2000C/PAT", "2010CA"];

fn extras_in<'a>(c: &'a Claim, loops: &'a [&str]) -> impl Iterator<Item = &'a RawSegment> + 'a {
    c.extra
        .iter()
        .filter(move |r| loops.contains(&r.loop_id.as_str()))
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

/// The place in a loop where a segment goes: the index of the first guide slot of the loop
/// with its id (and key qualifier, when the slot lists codes). Unknown segments go last.
pub(super) fn rank(guide: &Guide, loop_id: &str, id: &str, q: &str) -> usize {
    let Some(l) = guide.loop_by_id(loop_id) else {
        return usize::MAX;
    };
    let mut first_id = None;
    for (i, node) in guide.children(l).iter().enumerate() {
        let Node::Segment(s) = node else { continue };
        let rule = guide.segment_rule(*s);
        if rule.id.as_str() != id {
            continue;
        }
        first_id.get_or_insert(i);
        let Some((e, c)) = rule.key else {
            return i;
        };
        if e != 1 {
            return i;
        }
        let Some(er) = guide.elements_of(rule).first() else {
            return i;
        };
        let codes = if c == 0 {
            &er.codes
        } else {
            match guide.components_of(er).get(usize::from(c) - 1) {
                Some(cr) => &cr.codes,
                None => return i,
            }
        };
        if codes.is_empty() || codes.contains(q.as_bytes()) {
            return i;
        }
    }
    first_id.unwrap_or(usize::MAX)
}

/// The raw segments of a loop with their places, in writing order. A segment the guide does
/// not place in the loop stays right after the one before it, so that the order read is the
/// order written back.
pub(super) fn ranked<'a>(
    guide: &Guide,
    loop_id: &str,
    extras: &'a [RawSegment],
    modelled_opening: bool,
) -> Vec<(usize, &'a str)> {
    let mut previous = 0;
    let mut after_opening = false;
    let mut items: Vec<(usize, &'a str)> = extras
        .iter()
        .filter(|r| r.loop_id == loop_id)
        .map(|r| {
            let (id, q) = id_and_qualifier(&r.text);
            let mut k = rank(guide, loop_id, id, q);
            if (k == 0 || after_opening) && modelled_opening && !loop_id.is_empty() {
                // A second opening segment (an NM1 the model has no room for) goes after the
                // modelled ones: written first, it would take over what follows. What comes
                // after it goes with it: written before it, a PRV would join the modelled
                // provider on reading back.
                after_opening = true;
                k = usize::MAX - 1;
            } else if k == usize::MAX {
                k = previous;
            }
            previous = k;
            (k, r.text.as_str())
        })
        .collect();
    items.sort_by_key(|(r, _)| *r);
    items
}

/// Splits canonical raw text into its id and the first component of element 1.
pub(super) fn id_and_qualifier(text: &str) -> (&str, &str) {
    let mut parts = text.split('*');
    let id = parts.next().unwrap_or("");
    let q = parts.next().unwrap_or("");
    (id, q.split(':').next().unwrap_or(""))
}

/// Raw segments of one loop instance, waiting for their place among the modelled ones.
struct Pending<'a> {
    loop_id: &'a str,
    items: Vec<(usize, &'a str)>,
    next: usize,
}

impl<'a> Pending<'a> {
    /// The raw segments of a loop whose opening segment the writer writes from the model.
    fn new(guide: &Guide, loop_id: &'a str, extras: &'a [RawSegment]) -> Pending<'a> {
        Pending::with(guide, loop_id, extras, true)
    }

    /// The raw segments of a loop the writer may or may not open from the model.
    fn with(
        guide: &Guide,
        loop_id: &'a str,
        extras: &'a [RawSegment],
        modelled_opening: bool,
    ) -> Pending<'a> {
        if !extras.iter().any(|r| r.loop_id == loop_id) {
            return Pending {
                loop_id,
                items: Vec::new(),
                next: 0,
            };
        }
        let items = ranked(guide, loop_id, extras, modelled_opening);
        Pending {
            loop_id,
            items,
            next: 0,
        }
    }

    /// Writes the raw segments that come before a modelled segment `id*q`.
    fn before(&mut self, out: &mut Out, guide: &Guide, id: &str, q: &str) {
        if self.next >= self.items.len() {
            return;
        }
        let r = rank(guide, self.loop_id, id, q);
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

/// A segment read with elements the model does not hold, patched with the model's values.
struct Template {
    elements: Vec<Vec<String>>,
}

impl Template {
    fn find(extras: &[RawSegment], loop_id: &str) -> Option<Template> {
        let r = extras.iter().find(|r| r.loop_id == loop_id)?;
        Some(Template {
            elements: r
                .text
                .split('*')
                .map(|e| e.split(':').map(str::to_owned).collect())
                .collect(),
        })
    }

    fn set(&mut self, n: usize, value: &str) {
        while self.elements.len() <= n {
            self.elements.push(vec![String::new()]);
        }
        self.elements[n] = vec![value.to_owned()];
    }

    fn set_comp(&mut self, n: usize, c: usize, value: &str) {
        while self.elements.len() <= n {
            self.elements.push(vec![String::new()]);
        }
        let e = &mut self.elements[n];
        while e.len() < c {
            e.push(String::new());
        }
        e[c - 1] = value.to_owned();
    }

    /// Sets a procedure composite (SV101, SV202): the code in component 2 and the four
    /// modifier components after it, blank where the line has fewer.
    fn set_procedure(&mut self, n: usize, code: &str, modifiers: &[Modifier]) {
        self.set_comp(n, 2, code);
        for k in 0..4 {
            self.set_comp(n, 3 + k, modifiers.get(k).map_or("", |m| m.as_str()));
        }
    }

    fn write(self, out: &mut Out) {
        let mut els: Vec<String> = self
            .elements
            .into_iter()
            .map(|mut comps| {
                while comps.len() > 1 && comps.last().is_some_and(String::is_empty) {
                    comps.pop();
                }
                comps.join(":")
            })
            .collect();
        while els.len() > 1 && els.last().is_some_and(String::is_empty) {
            els.pop();
        }
        out.raw(&els.join("*"));
    }
}

struct W837 {
    out: Out,
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

impl W837 {
    fn header(&mut self, h: &SubmissionHeader) {
        let g = self.guide;
        let mut root = Pending::new(g, "", &h.extra);
        root.before(&mut self.out, g, "BHT", "");
        self.out
            .seg("BHT")
            .el("0019")
            .el(&h.purpose)
            .el(&h.reference)
            .eld(format_date(h.created))
            .el(&h.created_time)
            .el(&h.claim_type)
            .end();
        root.rest(&mut self.out);
        let mut a = Pending::new(g, "1000A", &h.extra);
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
        a.before(&mut self.out, g, "PER", "IC");
        self.out.seg("PER").el("IC").elo(h.contact_name.as_deref());
        for (q, v) in h.contact_numbers.iter().take(3) {
            self.out.el(q).el(v);
        }
        self.out.end();
        a.rest(&mut self.out);
        let mut b = Pending::new(g, "1000B", &h.extra);
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
        b.rest(&mut self.out);
    }

    fn next_hl(&mut self) -> u32 {
        self.hl += 1;
        self.hl
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
        // An organisation has no given name, but one read with one keeps it.
        let _ = organization;
        self.out.el(first).el(middle).el("").el(suffix);
        match id {
            Some((q, v)) if !v.is_empty() => {
                self.out.el(q).el(v);
            }
            _ => {}
        }
        self.out.end();
    }

    fn provider_nm1(&mut self, qualifier: &str, p: &Provider) {
        // An invalid NPI read from a file goes back as it came, for a lossless round trip.
        let npi = p.reported_npi().map(|n| ("XX", n));
        self.nm1(qualifier, &p.name, p.organization, npi);
    }

    fn address(&mut self, a: &Address) {
        if !a.lines.is_empty() {
            self.out.seg("N3");
            for l in a.lines.iter().take(2) {
                self.out.el(l);
            }
            self.out.end();
        }
        self.out
            .seg("N4")
            .el(&a.city)
            .el(&a.state)
            .el(&a.postal_code)
            .elo(a.country.as_deref())
            .end();
    }

    fn secondary_ids(&mut self, p: &Provider) {
        for (q, v) in &p.secondary_ids {
            self.out.seg("REF").el(q).el(v).end();
        }
    }

    fn billing(&mut self, c: &Claim) -> u32 {
        let g = self.guide;
        let hl = self.next_hl();
        self.out.seg("HL").eld(hl).el("").el("20").el("1").end();
        let bp = &c.billing_provider;
        let mut l2000a = Pending::new(g, "2000A", &c.extra);
        if let Some(t) = &bp.provider.taxonomy {
            l2000a.before(&mut self.out, g, "PRV", "BI");
            self.out.seg("PRV").el("BI").el("PXC").el(t).end();
        }
        l2000a.rest(&mut self.out);
        let mut aa = Pending::new(g, "2010AA", &c.extra);
        self.provider_nm1("85", &bp.provider);
        aa.before(&mut self.out, g, "N3", "");
        self.address(&bp.address);
        aa.before(
            &mut self.out,
            g,
            "REF",
            if bp.tin_is_ssn { "SY" } else { "EI" },
        );
        self.out
            .seg("REF")
            .el(if bp.tin_is_ssn { "SY" } else { "EI" })
            .el(bp.tin.reveal())
            .end();
        self.secondary_ids(&bp.provider);
        aa.rest(&mut self.out);
        let mut ab = Pending::with(g, "2010AB", &c.extra, c.pay_to.is_some());
        if let Some(p) = &c.pay_to {
            self.out.seg("NM1").el("87").el("2").end();
            self.address(&p.address);
        }
        ab.rest(&mut self.out);
        Pending::with(g, "2010AC", &c.extra, false).rest(&mut self.out);
        hl
    }

    fn subscriber(&mut self, c: &Claim, parent: u32) -> u32 {
        let g = self.guide;
        let hl = self.next_hl();
        let child = if c.patient.is_some() { "1" } else { "0" };
        self.out
            .seg("HL")
            .eld(hl)
            .eld(parent)
            .el("22")
            .el(child)
            .end();
        let s = &c.subscriber;
        let rel = if c.patient.is_none() { "18" } else { "" };
        match Template::find(&c.extra, "2000B/SBR") {
            Some(mut t) => {
                t.set(1, c.sequence.as_str());
                t.set(2, rel);
                t.set(3, s.group_number.as_deref().unwrap_or(""));
                t.set(4, s.group_name.as_deref().unwrap_or(""));
                t.set(9, c.filing_indicator.as_str());
                t.write(&mut self.out);
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
        Pending::new(g, "2000B", &c.extra).rest(&mut self.out);
        let mut ba = Pending::new(g, "2010BA", &c.extra);
        let name = s.name.reveal();
        self.nm1("IL", name, false, Some(("MI", s.member_id.reveal())));
        if let Some(a) = &s.address {
            ba.before(&mut self.out, g, "N3", "");
            self.address(a.reveal());
        }
        if s.birth_date.is_some() || s.sex.is_some() {
            ba.before(&mut self.out, g, "DMG", "");
            self.dmg(s.birth_date.map(|d| *d.reveal()), s.sex.map(|x| x.as_str()));
        }
        if let Some(ssn) = &s.ssn {
            ba.before(&mut self.out, g, "REF", "SY");
            self.out.seg("REF").el("SY").el(ssn.reveal()).end();
        }
        ba.rest(&mut self.out);
        let mut bb = Pending::new(g, "2010BB", &c.extra);
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
        bb.rest(&mut self.out);
        hl
    }

    fn dmg(&mut self, birth: Option<chrono::NaiveDate>, sex: Option<&str>) {
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
        let hl = self.next_hl();
        self.out
            .seg("HL")
            .eld(hl)
            .eld(parent)
            .el("23")
            .el("0")
            .end();
        match Template::find(&c.extra, "2000C/PAT") {
            Some(mut t) => {
                t.set(1, p.relationship.as_str());
                t.write(&mut self.out);
            }
            None => self.out.seg("PAT").el(p.relationship.as_str()).end(),
        }
        Pending::new(g, "2000C", &c.extra).rest(&mut self.out);
        let mut ca = Pending::new(g, "2010CA", &c.extra);
        self.nm1("QC", p.name.reveal(), false, None);
        if let Some(a) = &p.address {
            ca.before(&mut self.out, g, "N3", "");
            self.address(a.reveal());
        }
        if p.birth_date.is_some() || p.sex.is_some() {
            ca.before(&mut self.out, g, "DMG", "");
            self.dmg(p.birth_date.map(|d| *d.reveal()), p.sex.map(|x| x.as_str()));
        }
        ca.rest(&mut self.out);
    }

    fn claim(&mut self, c: &Claim) {
        let g = self.guide;
        let (code1, class) = match &c.detail {
            ClaimDetail::Professional(p) => (p.place_of_service.to_string(), "B"),
            ClaimDetail::Institutional(i) => (i.type_of_bill.clone(), "A"),
            _ => (String::new(), "B"),
        };
        let total = c.total_charge.to_string();
        let assign = if c.accepts_assignment { "A" } else { "C" };
        let benefits = if c.benefits_assigned { "Y" } else { "N" };
        let causes: Vec<&str> = c
            .accident
            .iter()
            .flat_map(|a| a.causes.iter().map(|x| x.as_str()))
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
                t.set(2, &total);
                t.set_comp(5, 1, &code1);
                t.set_comp(5, 3, c.frequency.as_str());
                t.set(7, assign);
                t.set(8, benefits);
                t.set(9, &c.release_of_information);
                for (k, v) in accident.iter().enumerate() {
                    t.set_comp(11, k + 1, v);
                }
                t.write(&mut self.out);
            }
            None => {
                self.out
                    .seg("CLM")
                    .el(&c.patient_control_number)
                    .el(&total)
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
        p.rest(&mut self.out);
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
                p.before(&mut self.out, g, "REF", q);
                self.out.seg("REF").el(q).el(v).end();
            }
        }
    }

    fn professional_header(&mut self, c: &Claim, d: &ProfessionalDetail, p: &mut Pending<'_>) {
        let g = self.guide;
        if let Some(date) = c.accident.as_ref().and_then(|a| a.date) {
            p.before(&mut self.out, g, "DTP", "439");
            self.out
                .seg("DTP")
                .el("439")
                .el("D8")
                .eld(format_date(date))
                .end();
        }
        self.refs(c, p);
        p.before(&mut self.out, g, "HI", "ABK");
        let codes: Vec<String> = d
            .diagnoses
            .iter()
            .map(|x| x.undotted().to_owned())
            .collect();
        for (k, chunk) in codes.chunks(12).enumerate() {
            self.out.seg("HI");
            for (j, code) in chunk.iter().enumerate() {
                let q = if k == 0 && j == 0 { "ABK" } else { "ABF" };
                self.out.comp(&[q, code]);
            }
            self.out.end();
        }
        self.conditions(c, p);
    }

    fn conditions(&mut self, c: &Claim, p: &mut Pending<'_>) {
        let g = self.guide;
        if c.condition_codes.is_empty() {
            return;
        }
        p.before(&mut self.out, g, "HI", "BG");
        for chunk in c.condition_codes.chunks(12) {
            self.out.seg("HI");
            for code in chunk {
                self.out.comp(&["BG", code]);
            }
            self.out.end();
        }
    }

    fn diagnoses_hi(&mut self, q: &str, list: &[Diagnosis], per: usize, p: &mut Pending<'_>) {
        let g = self.guide;
        if list.is_empty() {
            return;
        }
        p.before(&mut self.out, g, "HI", q);
        for chunk in list.chunks(per) {
            self.out.seg("HI");
            for d in chunk {
                let poa = d.poa.map(|x| x.as_str()).unwrap_or("");
                self.out
                    .comp(&[q, d.code.undotted(), "", "", "", "", "", "", poa]);
            }
            self.out.end();
        }
    }

    fn institutional_header(&mut self, c: &Claim, i: &InstitutionalDetail, p: &mut Pending<'_>) {
        let g = self.guide;
        if let Some(h) = i.discharge.as_ref().and_then(|d| d.hour) {
            p.before(&mut self.out, g, "DTP", "096");
            self.out
                .seg("DTP")
                .el("096")
                .el("TM")
                .el(&format!("{h:02}00"))
                .end();
        }
        p.before(&mut self.out, g, "DTP", "434");
        self.out
            .seg("DTP")
            .el("434")
            .el("RD8")
            .el(&format!(
                "{}-{}",
                format_date(i.statement_from),
                format_date(i.statement_to)
            ))
            .end();
        if let Some(a) = &i.admission {
            p.before(&mut self.out, g, "DTP", "435");
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
            p.before(&mut self.out, g, "CL1", "");
            let a = i.admission.as_ref();
            self.out
                .seg("CL1")
                .elo(a.and_then(|a| a.type_code.as_deref()))
                .elo(a.and_then(|a| a.source_code.as_deref()))
                .elo(i.discharge.as_ref().map(|d| d.status_code.as_str()))
                .end();
        }
        self.refs(c, p);
        self.diagnoses_hi("ABK", std::slice::from_ref(&i.principal_diagnosis), 1, p);
        if let Some(a) = i.admitting_diagnosis {
            self.diagnoses_hi("ABJ", &[Diagnosis::new(a, None)], 1, p);
        }
        let reasons: Vec<Diagnosis> = i
            .reason_for_visit
            .iter()
            .map(|c| Diagnosis::new(*c, None))
            .collect();
        self.diagnoses_hi("APR", &reasons, 3, p);
        self.diagnoses_hi("ABN", &i.external_causes, 12, p);
        if let Some(drg) = &i.drg {
            p.before(&mut self.out, g, "HI", "DR");
            self.out.seg("HI").comp(&["DR", drg]).end();
        }
        self.diagnoses_hi("ABF", &i.other_diagnoses, 12, p);
        if let Some(pp) = &i.principal_procedure {
            p.before(&mut self.out, g, "HI", "BBR");
            self.out
                .seg("HI")
                .comp(&[
                    "BBR",
                    pp.code.as_str(),
                    "D8",
                    &format_date(pp.date).to_string(),
                ])
                .end();
        }
        if !i.other_procedures.is_empty() {
            p.before(&mut self.out, g, "HI", "BBQ");
            for chunk in i.other_procedures.chunks(12) {
                self.out.seg("HI");
                for pp in chunk {
                    self.out.comp(&[
                        "BBQ",
                        pp.code.as_str(),
                        "D8",
                        &format_date(pp.date).to_string(),
                    ]);
                }
                self.out.end();
            }
        }
        if !i.occurrence_spans.is_empty() {
            p.before(&mut self.out, g, "HI", "BI");
            for chunk in i.occurrence_spans.chunks(12) {
                self.out.seg("HI");
                for s in chunk {
                    let range = format!("{}-{}", format_date(s.from), format_date(s.to));
                    self.out.comp(&["BI", &s.code, "RD8", &range]);
                }
                self.out.end();
            }
        }
        if !i.occurrences.is_empty() {
            p.before(&mut self.out, g, "HI", "BH");
            for chunk in i.occurrences.chunks(12) {
                self.out.seg("HI");
                for o in chunk {
                    self.out
                        .comp(&["BH", &o.code, "D8", &format_date(o.date).to_string()]);
                }
                self.out.end();
            }
        }
        if !i.value_codes.is_empty() {
            p.before(&mut self.out, g, "HI", "BE");
            for chunk in i.value_codes.chunks(12) {
                self.out.seg("HI");
                for v in chunk {
                    self.out
                        .comp(&["BE", &v.code, "", "", &v.amount.to_string()]);
                }
                self.out.end();
            }
        }
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
                self.provider_nm1("77", &f.provider);
                p.before(&mut self.out, g, "N3", "");
                self.address(&f.address);
                p.before(&mut self.out, g, "REF", "");
                self.secondary_ids(&f.provider);
            } else if let Some(pr) = provider {
                self.provider_nm1(q, pr);
                if let Some(t) = &pr.taxonomy
                    && !prv.is_empty()
                {
                    p.before(&mut self.out, g, "PRV", prv);
                    self.out.seg("PRV").el(prv).el("PXC").el(t).end();
                }
                p.before(&mut self.out, g, "REF", "");
                self.secondary_ids(pr);
            }
            p.rest(&mut self.out);
        }
    }

    fn cas(&mut self, adjustments: &[Adjustment]) {
        // One CAS per group code, up to six triplets each, in first-seen group order.
        let mut groups: Vec<medbill_codes::GroupCode> = Vec::new();
        for a in adjustments {
            if !groups.contains(&a.group) {
                groups.push(a.group);
            }
        }
        for group in groups {
            let of_group: Vec<&Adjustment> =
                adjustments.iter().filter(|a| a.group == group).collect();
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
        let rel = op.relationship.map(|r| r.as_str()).unwrap_or("");
        let filing = op.filing_indicator.map(|f| f.as_str()).unwrap_or("");
        match Template::find(&c.extra, &format!("{l2320}/SBR")) {
            Some(mut t) => {
                t.set(1, op.sequence.as_str());
                t.set(2, rel);
                t.set(3, sub.and_then(|s| s.group_number.as_deref()).unwrap_or(""));
                t.set(4, sub.and_then(|s| s.group_name.as_deref()).unwrap_or(""));
                t.set(9, filing);
                t.write(&mut self.out);
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
        let mut p = Pending::new(g, "2320", &[]);
        let extras: Vec<RawSegment> = c
            .extra
            .iter()
            .filter(|r| r.loop_id == l2320)
            .map(|r| RawSegment::new("2320", r.text.clone()))
            .collect();
        if !extras.is_empty() {
            p = Pending::new(g, "2320", &extras);
        }
        if !op.adjustments.is_empty() {
            p.before(&mut self.out, g, "CAS", "");
            self.cas(&op.adjustments);
        }
        if let Some(a) = op.paid {
            p.before(&mut self.out, g, "AMT", "D");
            self.out.seg("AMT").el("D").eld(a).end();
        }
        if let Some(a) = op.remaining_patient_liability {
            p.before(&mut self.out, g, "AMT", "EAF");
            self.out.seg("AMT").el("EAF").eld(a).end();
        }
        p.before(&mut self.out, g, "OI", "");
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
        if self.institutional {
            // 837I OI06 is the release of information code too; keep the same value.
        }
        p.rest(&mut self.out);
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
            let opened = matches!(loop_id, "2330A" | "2330B");
            let mut p = Pending::with(g, loop_id, &extras, opened);
            match loop_id.as_bytes()[4] {
                b'A' => {
                    let (name, id) = match sub {
                        Some(s) => (s.name.reveal().clone(), s.member_id.reveal().clone()),
                        None => (PersonName::default(), Text::new()),
                    };
                    self.nm1("IL", &name, false, Some(("MI", &id)));
                    if let Some(a) = sub.and_then(|s| s.address.as_ref()) {
                        p.before(&mut self.out, g, "N3", "");
                        self.address(a.reveal());
                    }
                    if let Some(ssn) = sub.and_then(|s| s.ssn.as_ref()) {
                        p.before(&mut self.out, g, "REF", "SY");
                        self.out.seg("REF").el("SY").el(ssn.reveal()).end();
                    }
                }
                b'B' => {
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
                    if let Some(d) = op.adjudication_date {
                        p.before(&mut self.out, g, "DTP", "573");
                        self.out
                            .seg("DTP")
                            .el("573")
                            .el("D8")
                            .eld(format_date(d))
                            .end();
                    }
                    if let Some(n) = &op.payer_claim_control_number {
                        p.before(&mut self.out, g, "REF", "F8");
                        self.out.seg("REF").el("F8").el(n).end();
                    }
                }
                _ => {}
            }
            p.rest(&mut self.out);
        }
    }

    fn procedure_comp(&mut self, code: &str, modifiers: &[Modifier]) {
        let m = |i: usize| modifiers.get(i).map(|m| m.as_str()).unwrap_or("");
        self.out.comp(&["HC", code, m(0), m(1), m(2), m(3)]);
    }

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
            p.before(&mut self.out, g, "REF", "6R");
            self.out.seg("REF").el("6R").el(n).end();
        }
        p.rest(&mut self.out);
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
        l2410.rest(&mut self.out);
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
                self.provider_nm1("82", r);
                if let Some(t) = &r.taxonomy {
                    p.before(&mut self.out, g, "PRV", "PE");
                    self.out.seg("PRV").el("PE").el("PXC").el(t).end();
                }
                p.before(&mut self.out, g, "REF", "");
                self.secondary_ids(r);
            }
            p.rest(&mut self.out);
        }
        for (i, a) in adjudications.iter().enumerate() {
            let tagged = format!("2430[{}]", i + 1);
            let own: Vec<RawSegment> = extras
                .iter()
                .filter(|r| r.loop_id == tagged)
                .map(|r| RawSegment::new("2430", r.text.clone()))
                .collect();
            let mut p = Pending::new(g, "2430", &own);
            match Template::find(extras, &format!("{tagged}/SVD")) {
                Some(mut t) => {
                    t.set(1, &a.payer_id);
                    t.set(2, &a.paid.to_string());
                    let blanked = t.elements.get(3).is_some_and(|c| c.len() == 1);
                    if let Some(pr) = a.procedure.as_ref().filter(|_| blanked) {
                        t.set_comp(3, 2, pr.as_str());
                        for k in 0..4 {
                            t.set_comp(
                                3,
                                3 + k,
                                a.modifiers.get(k).map(|m| m.as_str()).unwrap_or(""),
                            );
                        }
                    }
                    t.set(5, &a.units.map(|u| u.to_string()).unwrap_or_default());
                    t.write(&mut self.out);
                }
                None => {
                    self.out.seg("SVD").el(&a.payer_id).eld(a.paid);
                    match &a.procedure {
                        Some(pr) => {
                            let m = |i: usize| a.modifiers.get(i).map(|m| m.as_str()).unwrap_or("");
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
                p.before(&mut self.out, g, "CAS", "");
                self.cas(&a.adjustments);
            }
            if let Some(d) = a.date {
                p.before(&mut self.out, g, "DTP", "573");
                self.out
                    .seg("DTP")
                    .el("573")
                    .el("D8")
                    .eld(format_date(d))
                    .end();
            }
            p.rest(&mut self.out);
        }
        Pending::with(g, "2440", extras, false).rest(&mut self.out);
    }

    fn professional_line(&mut self, line: &ProfessionalLine, i: usize) {
        let g = self.guide;
        self.out.seg("LX").eld(i + 1).end();
        let charge = line.charge.to_string();
        let units = line.units.to_string();
        let pos = line
            .place_of_service
            .map(|p| p.to_string())
            .unwrap_or_default();
        let pointers: Vec<String> = line.diagnosis_pointers.iter().map(u8::to_string).collect();
        match Template::find(&line.extra, "2400/SV1") {
            Some(mut t) => {
                t.set_procedure(1, line.procedure.as_str(), &line.modifiers);
                t.set(2, &charge);
                t.set(3, line.unit_basis.as_str());
                t.set(4, &units);
                t.set(5, &pos);
                t.set(7, "");
                for (k, ptr) in pointers.iter().enumerate().take(4) {
                    t.set_comp(7, k + 1, ptr);
                }
                t.write(&mut self.out);
            }
            None => {
                self.out.seg("SV1");
                self.procedure_comp(line.procedure.as_str(), &line.modifiers);
                self.out
                    .el(&charge)
                    .el(line.unit_basis.as_str())
                    .el(&units)
                    .el(&pos)
                    .el("");
                let refs: Vec<&str> = pointers.iter().map(String::as_str).collect();
                self.out.comp(&refs).end();
            }
        }
        let mut p = Pending::new(g, "2400", &line.extra);
        p.before(&mut self.out, g, "DTP", "472");
        match Template::find(&line.extra, "2400/DTP")
            .filter(|t| template_start(t) == Some(line.service_date))
        {
            Some(t) => t.write(&mut self.out),
            None => {
                self.out.seg("DTP").el("472");
                match line.service_end {
                    Some(end) => self.out.el("RD8").el(&format!(
                        "{}-{}",
                        format_date(line.service_date),
                        format_date(end)
                    )),
                    None => self.out.el("D8").eld(format_date(line.service_date)),
                };
                self.out.end();
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
        self.out.seg("LX").eld(i + 1).end();
        let charge = line.charge.to_string();
        let units = line.units.to_string();
        let non_covered = line
            .non_covered_charge
            .map(|n| n.to_string())
            .unwrap_or_default();
        match Template::find(&line.extra, "2400/SV2") {
            Some(mut t) => {
                t.set(1, &line.revenue_code);
                if let Some(pr) = &line.procedure {
                    t.set_procedure(2, pr.as_str(), &line.modifiers);
                }
                t.set(3, &charge);
                t.set(4, line.unit_basis.as_str());
                t.set(5, &units);
                t.set(7, &non_covered);
                t.write(&mut self.out);
            }
            None => {
                self.out.seg("SV2").el(&line.revenue_code);
                match &line.procedure {
                    Some(pr) => self.procedure_comp(pr.as_str(), &line.modifiers),
                    None => {
                        self.out.el("");
                    }
                }
                self.out
                    .el(&charge)
                    .el(line.unit_basis.as_str())
                    .el(&units)
                    .el("")
                    .el(&non_covered)
                    .end();
            }
        }
        let mut p = Pending::new(g, "2400", &line.extra);
        if let Some(d) = line.service_date {
            p.before(&mut self.out, g, "DTP", "472");
            match Template::find(&line.extra, "2400/DTP").filter(|t| template_start(t) == Some(d)) {
                Some(t) => t.write(&mut self.out),
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
