//! Reading 835 (005010X221A1) into a remittance, and writing one back.

use chrono::NaiveDate;
use medbill_claim::{
    Address, ClaimPayment, ClaimStatusCode, CommunicationNumber, CommunicationQualifier, Contact,
    ContactFunction, LinePayment, Payee, Payer, Payment, PaymentMethod, PersonName, Phi,
    ProviderAdjustment, RawSegment, RemitFilingIndicator, Remittance, Text,
};
use medbill_codes::{Coded, Modifier, Npi, ProcedureCode, Rarc};
use rust_decimal::Decimal;

use super::out::{InterchangeHeader, Out, set_control};
use super::read837::cas;
use super::walk::{
    Fields, LoopWalker, SetFields, canonical_order, group_adjustments, position, template, trim,
};
use super::{
    ReadMode, TypedError, envelope_date, format_date, guide_for, opt_text, parse_date,
    parse_decimal, text,
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

fn is_tin(s: &str) -> bool {
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
