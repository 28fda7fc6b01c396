//! Reading 835 (005010X221A1) into a remittance.

use chrono::NaiveDate;
use medbill_claim::{
    Address, ClaimPayment, ClaimStatusCode, CommunicationNumber, CommunicationQualifier, Contact,
    ContactFunction, LinePayment, Payee, Payer, Payment, PaymentMethod, PersonName, Phi,
    ProviderAdjustment, RawSegment, RemitFilingIndicator, Remittance, Text,
};
use medbill_codes::{Coded, Modifier, Npi, ProcedureCode, Rarc};
use rust_decimal::Decimal;

use super::read837::cas;
use super::walk::{
    Fields, LoopWalker, SetFields, canonical_order, group_adjustments, position, template, trim,
};
use super::{
    ReadMode, TypedError, envelope_date, guide_for, opt_text, parse_date, parse_decimal, text,
};
use crate::TransactionSet;
use crate::schema::Guide;

/// The remittance of one 835 transaction set.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct RemittanceSet {
    /// ST02.
    pub control: String,
    /// The guide version (ST03 or GS08).
    pub guide: String,
    /// The payment, payer, payee, claims and provider-level adjustments.
    pub remittance: Remittance,
    /// Values that could not be used, and claim payments skipped, with positions.
    pub problems: Vec<TypedError>,
}

fn opt(s: &str) -> Option<String> {
    let t = trim(s);
    (!t.is_empty()).then(|| t.to_owned())
}

struct R835<'s> {
    set: &'s TransactionSet,
    guide: &'static Guide,
    problems: Vec<TypedError>,
    claim_problems: Vec<TypedError>,
    method: Option<PaymentMethod>,
    amount: Option<Decimal>,
    date: Option<NaiveDate>,
    trace: Option<String>,
    payer: Payer,
    payer_tin: Option<String>,
    payer_address: Option<Address>,
    payer_contacts: Vec<Contact>,
    payee: Payee,
    claims: Vec<ClaimPayment>,
    current: Option<ClaimPayment>,
    plb: Vec<ProviderAdjustment>,
    extra: Vec<RawSegment>,
    mode: ReadMode,
    production: Option<NaiveDate>,
    /// Whether the current service line could not be read (its segments are dropped with it).
    skipping_line: bool,
    /// The LX of a header-number group and its TS3/TS2, waiting for the group's first claim.
    group: Vec<RawSegment>,
    /// Whether the whole set is UTF-8 (when it is not, each segment is checked).
    utf8: bool,
    /// Whether the payer's and the payee's N1 were read (a second one stays raw).
    payer_seen: bool,
    payee_seen: bool,
    /// Whether the BPR was read (a second one stays raw).
    bpr_seen: bool,
}

/// Reads an 835 transaction set into a [`Remittance`].
///
/// Fails when the set is not an 835 or lacks the payment (BPR) or trace (TRN). A claim payment
/// whose CLP cannot be read is skipped and reported; in [`ReadMode::Strict`] so is a claim
/// payment with any value reported.
///
/// ```
/// use medbill_x12::typed::{self, ReadMode};
/// use medbill_x12::Reader;
///
/// let file = b"ISA*00*          *00*          *ZZ*PAYER          *ZZ*CLINIC         *240101*1200*^*00501*000000001*0*T*:~\
/// GS*HP*PAYER*CLINIC*20240101*1200*1*X*005010X221A1~ST*835*0001~\
/// BPR*I*70*C*ACH*CCP*01*999999999*DA*123456*1512345678**01*999988880*DA*98765*20240105~\
/// TRN*1*EFT0001*1512345678~N1*PR*EXAMPLE HEALTH~N3*1 PAYER WAY~N4*CITY*NY*10001~PER*BL*EDI*TE*8005551212~\
/// N1*PE*EXAMPLE CLINIC*XX*1234567893~LX*1~CLP*PCN1*1*100*70*10*12*ICN1~NM1*QC*1*DOE*JANE****MI*M1~\
/// SVC*HC:99213:25*100*70**1~DTM*472*20240101~CAS*CO*45*20~CAS*PR*2*10~SE*16*0001~GE*1*1~IEA*1*000000001~";
/// let set = Reader::new(&file[..]).next_transaction()?.unwrap();
/// let r = typed::read_835(&set, ReadMode::Strict)?;
/// let remit = &r.remittance;
/// assert_eq!(remit.payment.trace_number, "EFT0001");
/// assert_eq!(remit.claims[0].lines[0].adjustments.len(), 2);
/// assert_eq!(remit.claims[0].lines[0].modifiers[0].as_str(), "25");
/// assert!(remit.balance().is_balanced());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn read_835(set: &TransactionSet, mode: ReadMode) -> Result<RemittanceSet, TypedError> {
    let start = || {
        let mut p = set.position(1);
        p.element = None;
        p
    };
    if set.id() != "835" {
        return Err(TypedError::Structure {
            what: format!("a {} set is not an 835", set.id()),
            position: Box::new(start()),
        });
    }
    let guide = guide_for("835", set.version()).ok_or_else(|| TypedError::Structure {
        what: "no guide for this 835".into(),
        position: Box::new(start()),
    })?;
    let mut walker = LoopWalker::new(guide);
    let mut r = R835 {
        set,
        guide,
        problems: Vec::new(),
        claim_problems: Vec::new(),
        method: None,
        amount: None,
        date: None,
        trace: None,
        payer: Payer::new("", ""),
        payer_tin: None,
        payer_address: None,
        payer_contacts: Vec::new(),
        payee: Payee::new(""),
        claims: Vec::new(),
        current: None,
        plb: Vec::new(),
        extra: Vec::new(),
        mode,
        production: None,
        skipping_line: false,
        group: Vec::new(),
        utf8: true,
        payer_seen: false,
        payee_seen: false,
        bpr_seen: false,
    };
    let mut segments = SetFields::new(set);
    r.utf8 = segments.is_text();
    while let Some(f) = segments.advance() {
        let l = walker.step(f);
        r.segment(l, f);
        if let Some((n, why)) = f.kept_text_problem() {
            r.bad(f, n, "segment", why);
        }
    }
    r.finish_claim();
    let (Some(method), Some(amount), Some(trace)) = (r.method, r.amount, r.trace.clone()) else {
        return Err(TypedError::Structure {
            what: "the 835 has no usable BPR (method, amount) and TRN".into(),
            position: Box::new(start()),
        });
    };
    if !r.group.is_empty() {
        r.problems.push(TypedError::Value {
            field: "claims".into(),
            reason: "a header number (LX) group has no claim payment".into(),
            position: Box::new(start()),
        });
    }
    r.extra.append(&mut r.group);
    canonical_order(guide, &mut r.extra);
    let date = match (r.date, mode) {
        (Some(d), _) => d,
        (None, ReadMode::Lenient) => {
            // BPR16 is required; real files omit it. The production date (DTM*405) or the
            // group date (GS04) stands in, and the problem is reported.
            let Some(d) = r.production.or_else(|| envelope_date(set)) else {
                return Err(TypedError::Structure {
                    what: "the 835 has no payment date (BPR16) and no other date".into(),
                    position: Box::new(start()),
                });
            };
            r.problems.push(TypedError::Value {
                field: "payment.date".into(),
                reason: "BPR16 is missing; the production date (DTM*405) or GS04 is used".into(),
                position: Box::new(start()),
            });
            d
        }
        (None, _) => {
            return Err(TypedError::Structure {
                what: "the 835 has no payment date (BPR16)".into(),
                position: Box::new(start()),
            });
        }
    };
    Ok(RemittanceSet {
        control: set.control().to_owned(),
        guide: set.version().to_owned(),
        remittance: Remittance {
            payer: r.payer,
            payer_tin: r.payer_tin,
            payer_address: r.payer_address,
            payer_contacts: r.payer_contacts,
            payee: r.payee,
            payment: Payment {
                method: Coded::Valid(method),
                amount,
                date,
                trace_number: trace,
            },
            claims: r.claims,
            provider_adjustments: r.plb,
            extra: r.extra,
            problems: Vec::new(),
        },
        problems: r.problems,
    })
}

/// The payer's tax ID in TRN03 (`1` and nine digits), or `None` for any other value.
fn payer_tin(trn03: &str) -> Option<String> {
    let t = trn03.trim();
    let tin = t.strip_prefix('1')?;
    is_tin(tin).then(|| tin.to_owned())
}

pub(super) fn is_tin(s: &str) -> bool {
    s.len() == 9 && s.bytes().all(|b| b.is_ascii_digit())
}

/// Reads an N3 into an address; `false` when the segment holds more than the model (it then
/// stays raw).
fn n3(f: &Fields<'_>, address: &mut Option<Address>) -> bool {
    let first = trim(f.el(1));
    if first.is_empty() || f.len() > 2 || f.has_after(1, 1) || f.has_after(2, 1) {
        return false;
    }
    let a = address.get_or_insert_with(Address::default);
    a.lines.push(Text::from(first));
    if let Some(second) = opt_text(f.el(2)) {
        a.lines.push(second);
    }
    true
}

/// Reads an N4 (city, state, postal code, country) into an address; `false` when it holds
/// more (a location qualifier or country subdivision) or nothing, and stays raw.
fn n4(f: &Fields<'_>, address: &mut Option<Address>) -> bool {
    let city = trim(f.el(1));
    if city.is_empty() || f.len() > 4 || (1..=4).any(|n| f.has_after(n, 1)) {
        return false;
    }
    let a = address.get_or_insert_with(Address::default);
    a.city = Text::from(city);
    a.state = text(f.el(2));
    a.postal_code = text(f.el(3));
    a.country = opt_text(f.el(4));
    true
}

/// Reads a payer PER into a contact; `None` when the model cannot hold it (an unknown
/// function or qualifier, a number without its qualifier, PER09), and it stays raw.
fn per(f: &Fields<'_>) -> Option<Contact> {
    if f.len() > 8 || (1..=8).any(|n| f.has_after(n, 1)) {
        return None;
    }
    let function = ContactFunction::parse(f.el(1)).ok()?;
    let mut contact = Contact::new(function, trim(f.el(2)));
    for n in [3, 5, 7] {
        let (q, v) = (trim(f.el(n)), trim(f.el(n + 1)));
        if q.is_empty() && v.is_empty() {
            continue;
        }
        let qualifier = CommunicationQualifier::parse(q).ok()?;
        if v.is_empty() {
            return None;
        }
        contact.numbers.push(CommunicationNumber {
            qualifier,
            number: v.to_owned(),
        });
    }
    Some(contact)
}

impl R835<'_> {
    fn bad(&mut self, f: &Fields<'_>, element: u32, field: &str, reason: impl Into<String>) {
        let e = TypedError::Value {
            field: field.to_owned(),
            reason: reason.into(),
            position: Box::new(position(self.set, f, element)),
        };
        if self.current.is_some() {
            self.claim_problems.push(e);
        } else {
            self.problems.push(e);
        }
    }

    fn decimal(&mut self, f: &Fields<'_>, n: usize, field: &str) -> Option<Decimal> {
        let s = trim(f.el(n));
        if s.is_empty() {
            return None;
        }
        let d = parse_decimal(s).ok();
        if d.is_none() {
            self.bad(f, n as u32, field, "not a number");
        }
        d
    }

    fn date(&mut self, f: &Fields<'_>, n: usize, field: &str) -> Option<NaiveDate> {
        let s = f.el(n);
        if s.trim().is_empty() {
            return None;
        }
        let d = parse_date(s);
        if d.is_none() {
            self.bad(f, n as u32, field, "not a CCYYMMDD date");
        }
        d
    }

    fn raw(&mut self, l: &str, f: &Fields<'_>) {
        if self.current.is_none() && matches!(l, "2100" | "2110") {
            // The rest of a claim payment whose CLP could not be read: skipped with it.
            return;
        }
        let r = RawSegment::new(l, f.canonical());
        match &mut self.current {
            Some(c) if l == "2110" => match c.lines.last_mut() {
                Some(line) => line.extra.push(r),
                None => c.extra.push(r),
            },
            Some(c) if l == "2100" => c.extra.push(r),
            _ => self.extra.push(r),
        }
    }

    fn segment(&mut self, l: &'static str, f: &Fields<'_>) {
        self.dispatch(l, f);
        if !self.utf8 && std::str::from_utf8(f.segment().raw()).is_err() {
            // Its values read as empty and its raw text has the bytes replaced: what is
            // written back differs from what was read, so that is reported (after the
            // segment, so that a CLP's problem is its own claim's).
            self.bad(f, 0, "segment", "not UTF-8 text");
        }
    }

    fn dispatch(&mut self, l: &'static str, f: &Fields<'_>) {
        let id = f.id();
        let q = trim(f.el(1));
        match (l, id) {
            ("", "ST" | "SE") => {}
            ("", "BPR") if !self.bpr_seen => {
                self.bpr_seen = true;
                self.amount = self.decimal(f, 2, "payment.amount");
                self.method = PaymentMethod::parse(f.el(4)).ok();
                if self.method.is_none() {
                    self.bad(f, 4, "payment.method", "not a payment method code");
                }
                self.date = self.date(f, 16, "payment.date");
                let plain = trim(f.el(1)) == "I" && trim(f.el(3)) == "C";
                if !plain || (5..16).any(|n| f.has(n)) || (17..=21).any(|n| f.has(n)) {
                    self.extra
                        .push(template("/BPR", f, &[(2, 0), (4, 0), (16, 0)]));
                }
            }
            ("", "TRN") if self.trace.is_none() => {
                self.trace = opt(f.el(2));
                // The TRN that gives the trace number is the one kept.
                self.extra.retain(|x| x.loop_id != "/TRN");
                if self.trace.is_none() {
                    self.bad(f, 2, "payment.trace_number", "TRN02 is empty");
                }
                // TRN03 is `1` and the payer's nine-digit tax ID; another shape stays raw.
                self.payer_tin = payer_tin(f.el(3));
                if self.payer_tin.is_none() {
                    self.extra.push(template("/TRN", f, &[(2, 0)]));
                } else if f.el(1) != "1" || (4..=f.len()).any(|n| f.has(n)) {
                    self.extra.push(template("/TRN", f, &[(2, 0), (3, 0)]));
                }
            }
            ("", "PLB") => self.plb(f),
            ("1000A", "N1") if q == "PR" && !self.payer_seen => {
                self.payer_seen = true;
                self.payer.name = trim(f.el(2)).to_owned();
                if trim(f.el(3)) == "XV" {
                    self.payer.id = trim(f.el(4)).to_owned();
                }
            }
            ("1000A", "N3")
                if self
                    .payer_address
                    .as_ref()
                    .is_none_or(|a| a.lines.is_empty()) =>
            {
                if !n3(f, &mut self.payer_address) {
                    self.raw(l, f);
                }
            }
            ("1000A", "N4")
                if self
                    .payer_address
                    .as_ref()
                    .is_none_or(|a| a.city.is_empty()) =>
            {
                if !n4(f, &mut self.payer_address) {
                    self.raw(l, f);
                }
            }
            ("1000A", "PER") => match per(f) {
                Some(c) => self.payer_contacts.push(c),
                None => self.raw(l, f),
            },
            ("1000B", "N3")
                if self
                    .payee
                    .address
                    .as_ref()
                    .is_none_or(|a| a.lines.is_empty()) =>
            {
                if !n3(f, &mut self.payee.address) {
                    self.raw(l, f);
                }
            }
            ("1000B", "N4")
                if self
                    .payee
                    .address
                    .as_ref()
                    .is_none_or(|a| a.city.is_empty()) =>
            {
                if !n4(f, &mut self.payee.address) {
                    self.raw(l, f);
                }
            }
            ("1000A", "REF") if q == "2U" && self.payer.id.is_empty() => {
                self.payer.id = trim(f.el(2)).to_owned();
                self.raw(l, f);
            }
            ("1000B", "N1") if q == "PE" && !self.payee_seen => {
                self.payee_seen = true;
                self.payee.name = trim(f.el(2)).to_owned();
                let blank = |n: usize| f.comps(n).all(|c| c.trim().is_empty());
                match trim(f.el(3)) {
                    _ if blank(3) && blank(4) => {}
                    "XX" => match Npi::parse(f.el(4)) {
                        Ok(n) => self.payee.npi = Some(n),
                        Err(e) => {
                            self.bad(f, 4, "payee.npi", e.to_string());
                            self.extra.push(template("1000B/N1", f, &[(2, 0)]));
                        }
                    },
                    "FI" if !f.has_after(4, 1) => self.payee.tin = opt(f.el(4)),
                    _ => self.extra.push(template("1000B/N1", f, &[(2, 0)])),
                }
            }
            ("1000B", "REF") if q == "TJ" && self.payee.tin.is_none() => {
                self.payee.tin = opt(f.el(2));
            }
            ("", "DTM") if q == "405" && self.production.is_none() => {
                self.production = parse_date(f.el(2));
                self.raw(l, f);
            }
            ("2000", "LX") => {
                if !self.group.is_empty() {
                    // Loop 2000 needs a claim payment; the empty group is kept raw.
                    self.problems.push(TypedError::Value {
                        field: "claims".into(),
                        reason: "a header number (LX) group has no claim payment".into(),
                        position: Box::new(position(self.set, f, 0)),
                    });
                }
                self.extra.append(&mut self.group);
                self.group.push(RawSegment::new("2000/LX", f.canonical()));
            }
            ("2000", _) => self.group.push(RawSegment::new("2000", f.canonical())),
            ("2100", "CLP") => self.clp(f),
            ("2100", _) if self.current.is_some() => self.claim_segment(f),
            ("2110", _) if self.current.is_some() => self.line_segment(f),
            _ => self.raw(l, f),
        }
    }

    fn plb(&mut self, f: &Fields<'_>) {
        let before = self.plb.len();
        let period = self.date(f, 2, "provider_adjustments.fiscal_period");
        for k in 0..6 {
            let n = 3 + 2 * k;
            if trim(f.el(n)).is_empty() {
                continue;
            }
            let reason = trim(f.comp(n, 1)).to_owned();
            let reference = opt(f.comp(n, 2));
            match self.decimal(f, n + 1, "provider_adjustments.amount") {
                Some(amount) => self.plb.push(ProviderAdjustment {
                    reason,
                    reference,
                    amount,
                    fiscal_period: period,
                }),
                None => self.bad(f, n as u32 + 1, "provider_adjustments.amount", "missing"),
            }
        }
        // PLB01, the provider id the model does not hold, is kept once for the writer.
        if self.plb.len() > before && !self.extra.iter().any(|r| r.loop_id == "/PLB") {
            self.extra
                .push(RawSegment::new("/PLB", format!("PLB*{}", trim(f.el(1)))));
        }
    }

    fn finish_claim(&mut self) {
        let Some(mut c) = self.current.take() else {
            return;
        };
        canonical_order(self.guide, &mut c.extra);
        group_adjustments(&mut c.adjustments);
        for line in &mut c.lines {
            canonical_order(self.guide, &mut line.extra);
            group_adjustments(&mut line.adjustments);
        }
        let mut problems = std::mem::take(&mut self.claim_problems);
        if self.mode == ReadMode::Strict && !problems.is_empty() {
            let n = problems.len();
            let first = problems.swap_remove(0);
            self.problems.push(TypedError::Skipped {
                patient_control_number: c.patient_control_number.into_string(),
                problems: n,
                first: Box::new(first),
            });
        } else {
            self.problems.append(&mut problems);
            self.claims.push(c);
        }
    }

    fn clp(&mut self, f: &Fields<'_>) {
        self.finish_claim();
        self.skipping_line = false;
        let pcn = trim(f.el(1)).to_owned();
        let status = ClaimStatusCode::parse(f.el(2));
        let charge = parse_decimal(trim(f.el(3)));
        let paid = parse_decimal(trim(f.el(4)));
        let (status, charge, paid) = match (status, charge, paid) {
            (Ok(s), Ok(c), Ok(p)) => (s, c, p),
            (s, c, _) => {
                let (n, what) = if s.is_err() {
                    (2, "not a claim status code")
                } else if c.is_err() {
                    (3, "not a number")
                } else {
                    (4, "not a number")
                };
                self.problems.push(TypedError::Skipped {
                    patient_control_number: pcn,
                    problems: 1,
                    first: Box::new(TypedError::Value {
                        field: "claims.clp".into(),
                        reason: what.into(),
                        position: Box::new(position(self.set, f, n)),
                    }),
                });
                // Segments up to the next CLP are dropped with the claim.
                self.current = None;
                return;
            }
        };
        let mut c = ClaimPayment::new(pcn, status, charge, paid);
        // The writer starts the first claim with `LX*1` when it has no LX of its own, so the
        // first claim's `LX*1` is not kept: a round trip gives the same remittance.
        if self.claims.is_empty() && self.group.first().is_some_and(|g| g.text == "LX*1") {
            self.group.remove(0);
        }
        c.extra.append(&mut self.group);
        self.current = Some(ClaimPayment::new("", status, charge, paid));
        c.patient_responsibility = self
            .decimal(f, 5, "claims.patient_responsibility")
            .unwrap_or_default();
        if !trim(f.el(6)).is_empty() {
            match RemitFilingIndicator::parse(f.el(6)) {
                Ok(x) => c.filing_indicator = Some(Coded::Valid(x)),
                Err(e) => self.bad(f, 6, "claims.filing_indicator", e.to_string()),
            }
        }
        c.payer_claim_control_number = opt(f.el(7));
        c.facility_code = opt(f.el(8));
        c.frequency = opt(f.el(9)).map(|t| Coded::parse(&t));
        if (10..=14).any(|n| f.has(n)) {
            c.extra.push(template(
                "2100/CLP",
                f,
                &[
                    (1, 0),
                    (2, 0),
                    (3, 0),
                    (4, 0),
                    (5, 0),
                    (6, 0),
                    (7, 0),
                    (8, 0),
                    (9, 0),
                ],
            ));
        }
        self.current = Some(c);
    }

    fn claim_segment(&mut self, f: &Fields<'_>) {
        let id = f.id();
        let q = trim(f.el(1));
        match id {
            "CAS" => {
                // Straight onto the claim: a vector per CAS was an allocation each.
                for r in cas(f) {
                    match r {
                        Ok(a) => {
                            if let Some(c) = &mut self.current {
                                c.adjustments.push(a);
                            }
                        }
                        Err((n, why)) => self.bad(f, n, "claims.adjustments", why),
                    }
                }
            }
            "NM1"
                if q == "QC"
                    && self
                        .current
                        .as_ref()
                        .is_some_and(|c| c.patient_name.is_none()) =>
            {
                let name = PersonName {
                    last: text(f.el(3)),
                    first: opt_text(f.el(4)),
                    middle: opt_text(f.el(5)),
                    suffix: opt_text(f.el(7)),
                };
                // Kept as a template when it holds what the model does not: an entity other
                // than a person, an ID qualifier other than MI, NM106, or anything after NM109.
                // (A qualifier of only separators holds nothing: the template would drop it.)
                let unmodelled = trim(f.el(2)) != "1"
                    || (f.has(8) && trim(f.el(8)) != "MI")
                    || f.has(6)
                    || f.has_any(10, f.len());
                if let Some(c) = &mut self.current {
                    c.patient_name = Some(Phi::new(name));
                    c.member_id = opt_text(f.el(9)).map(Phi::new);
                    if unmodelled {
                        c.extra.push(template(
                            "2100/NM1",
                            f,
                            &[(3, 0), (4, 0), (5, 0), (7, 0), (9, 0)],
                        ));
                    }
                }
            }
            "MOA" if [1usize, 2, 8, 9].iter().all(|&n| !f.has(n)) => {
                let mut remarks = Vec::new();
                for n in 3..=7 {
                    let v = trim(f.el(n));
                    if v.is_empty() {
                        continue;
                    }
                    match Rarc::parse(v) {
                        Ok(r) => remarks.push(Coded::Valid(r)),
                        Err(e) => self.bad(f, n as u32, "claims.remarks", e.to_string()),
                    }
                }
                if let Some(c) = &mut self.current {
                    c.remarks.extend(remarks);
                }
            }
            "DTM" if matches!(q, "050" | "232" | "233") => {
                let d = self.date(f, 2, "claims.dates");
                if let Some(c) = &mut self.current {
                    let slot = match q {
                        "050" => &mut c.received_date,
                        "232" => &mut c.service_start,
                        _ => &mut c.service_end,
                    };
                    if slot.is_none() && d.is_some() {
                        *slot = d;
                    } else {
                        c.extra.push(RawSegment::new("2100", f.canonical()));
                    }
                }
            }
            _ => self.raw("2100", f),
        }
    }

    fn line_segment(&mut self, f: &Fields<'_>) {
        let id = f.id();
        let q = trim(f.el(1));
        if id == "SVC" {
            self.svc(f);
            return;
        }
        if self.skipping_line {
            return;
        }
        if self.current.as_ref().is_none_or(|c| c.lines.is_empty()) {
            self.raw("2100", f);
            return;
        }
        match id {
            "CAS" => {
                for r in cas(f) {
                    match r {
                        Ok(a) => {
                            if let Some(line) = self.line() {
                                line.adjustments.push(a);
                            }
                        }
                        Err((n, why)) => self.bad(f, n, "claims.lines.adjustments", why),
                    }
                }
            }
            "DTM" if matches!(q, "472" | "150" | "151") => {
                let d = self.date(f, 2, "claims.lines.service_date");
                if let Some(line) = self.line() {
                    let slot = if q == "151" {
                        &mut line.service_end
                    } else {
                        &mut line.service_date
                    };
                    if slot.is_none() && d.is_some() {
                        *slot = d;
                    } else {
                        line.extra.push(RawSegment::new("2110", f.canonical()));
                    }
                }
            }
            "REF" if q == "6R" && self.line().is_some_and(|l| l.line_control_number.is_none()) => {
                let v = opt(f.el(2));
                if let Some(line) = self.line() {
                    line.line_control_number = v;
                }
            }
            "AMT" if q == "B6" && self.line().is_some_and(|l| l.allowed.is_none()) => {
                let a = self.decimal(f, 2, "claims.lines.allowed");
                if let Some(line) = self.line() {
                    line.allowed = a;
                }
            }
            "LQ" if q == "HE" => match Rarc::parse(f.el(2)) {
                Ok(r) => {
                    if let Some(line) = self.line() {
                        line.remarks.push(Coded::Valid(r));
                    }
                }
                Err(e) => self.bad(f, 2, "claims.lines.remarks", e.to_string()),
            },
            _ => self.raw("2110", f),
        }
    }

    fn line(&mut self) -> Option<&mut LinePayment> {
        self.current.as_mut().and_then(|c| c.lines.last_mut())
    }

    fn procedure(
        &mut self,
        f: &Fields<'_>,
        n: usize,
    ) -> (Option<Coded<ProcedureCode>>, Vec<Coded<Modifier>>, bool) {
        let q = trim(f.comp(n, 1));
        let code = trim(f.comp(n, 2));
        let mut ok = q == "HC";
        let procedure = if q == "HC" && !code.is_empty() {
            match ProcedureCode::parse(code) {
                Ok(p) => Some(Coded::Valid(p)),
                Err(e) => {
                    self.bad(f, n as u32, "claims.lines.procedure", e.to_string());
                    ok = false;
                    None
                }
            }
        } else {
            None
        };
        let mut modifiers = Vec::new();
        for c in 3..=6 {
            let m = trim(f.comp(n, c));
            if m.is_empty() {
                continue;
            }
            match Modifier::parse(m) {
                Ok(m) => modifiers.push(Coded::Valid(m)),
                // The model keeps the modifiers it can hold; the problem is reported.
                Err(e) => self.bad(f, n as u32, "claims.lines.modifiers", e.to_string()),
            }
        }
        if f.has_after(n, 6) {
            ok = false;
        }
        (procedure, modifiers, ok)
    }

    fn svc(&mut self, f: &Fields<'_>) {
        let (procedure, modifiers, mut plain) = self.procedure(f, 1);
        let rev_only = trim(f.comp(1, 1)) == "NU";
        let charge = self.decimal(f, 2, "claims.lines.charge");
        let paid = self.decimal(f, 3, "claims.lines.paid");
        let units = self.decimal(f, 5, "claims.lines.units");
        let billed_units = self.decimal(f, 7, "claims.lines.billed_units");
        let (billed, billed_mods, billed_plain) = if trim(f.el(6)).is_empty() {
            (None, Vec::new(), true)
        } else {
            self.procedure(f, 6)
        };
        let revenue = if rev_only {
            plain = !f.has_after(1, 2);
            opt(f.comp(1, 2)).map(|r| Coded::parse(&r))
        } else {
            opt(f.el(4)).map(|r| Coded::parse(&r))
        };
        let (Some(charge), Some(paid)) = (charge, paid) else {
            // The line is dropped with its segments, and reported.
            self.bad(f, 2, "claims.lines", "no usable charge and paid amounts");
            self.skipping_line = true;
            return;
        };
        self.skipping_line = false;
        let mut line = LinePayment {
            procedure,
            modifiers,
            billed_procedure: billed,
            billed_modifiers: billed_mods,
            revenue_code: revenue,
            charge,
            paid,
            units,
            billed_units,
            service_date: None,
            service_end: None,
            line_control_number: None,
            allowed: None,
            adjustments: Vec::new(),
            adjustments_per_cas: Vec::new(),
            remarks: Vec::new(),
            extra: Vec::new(),
        };
        let keep = !plain || !billed_plain || (rev_only && f.has(4));
        if keep {
            line.extra.push(template(
                "2110/SVC",
                f,
                // The procedure composite is the model's only when its code could be read.
                if trim(f.comp(1, 1)) != "HC" || line.procedure.is_none() {
                    &[(2, 0), (3, 0), (4, 0), (5, 0), (7, 0)][..]
                } else {
                    &[
                        (1, 2),
                        (1, 3),
                        (1, 4),
                        (1, 5),
                        (1, 6),
                        (2, 0),
                        (3, 0),
                        (4, 0),
                        (5, 0),
                        (7, 0),
                    ]
                },
            ));
        }
        if let Some(c) = &mut self.current {
            c.lines.push(line);
        }
    }
}
