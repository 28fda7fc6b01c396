//! Reading 835 (005010X221A1) into a remittance.
//!
//! Nothing read is dropped: every CLP gives one [`ClaimPayment`] and every SVC one
//! [`LinePayment`], whatever their values. A code the model does not recognise is kept as
//! sent ([`Coded`]); an amount that is not a number is held as zero, a date that is not one
//! is not held, and the segment is kept (as a template, or raw), so that it is written back
//! as read. Either way a [`Problem`] names the field and where the value was: on the claim
//! payment, with a path relative to it (`status`, `adjustments[1].reason`,
//! `lines[0].modifiers[1]`), or, for the header and trailer (BPR, TRN, the payer and payee
//! loops, PLB), on the remittance (`payment.amount`, `payee.npi`).
//!
//! A modelled segment is kept as a template (its canonical text, see `place::Template`)
//! whenever a writer would not write it back as read from the model: a value with spaces
//! around it, an amount spelled otherwise (`007.50`), a code in lower case, an element the
//! model does not hold, a trailing separator. The writer fills the template with the model's
//! values, keeping each value as read while the model still agrees with it.

use chrono::NaiveDate;
use medbill_claim::{
    Address, Adjustment, ClaimError, ClaimPayment, ClaimStatusCode, CommunicationNumber,
    CommunicationQualifier, Contact, ContactFunction, LinePayment, Location, Payee, Payer, Payment,
    PaymentMethod, PersonName, Phi, Problem, ProviderAdjustment, RawSegment, Remittance, Text,
};
use medbill_codes::{Carc, CodeValue, Coded, GroupCode, Modifier, Npi, ProcedureCode};
use rust_decimal::Decimal;

use super::place::{rank, ranked};
use super::read837::{ProblemRef, SentTrailer};
use super::walk::{
    Fields, LoopWalker, SetFields, canonical_order, has_trailing_separator, location, position,
    simple_as_read, template, trim,
};
use super::{ReadMode, TypedError, envelope_date, guide_for, parse_amount, parse_date};
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
    /// The payment, payer, payee, claim payments and provider-level adjustments, each claim
    /// payment with its own [`problems`](ClaimPayment::problems) and the remittance with
    /// those of its header and trailer.
    pub remittance: Remittance,
    /// Problems of the set's structure rather than of a value: a header-number group (LX)
    /// without a claim payment, with its position. The remittance and its claim payments
    /// carry their own; [`all_problems`](Self::all_problems) lists them all.
    pub problems: Vec<TypedError>,
    /// The ST as read (canonical text, such as `ST*835*1234`), when it is not the one a
    /// writer writes (`ST*835*`, the control number and the guide version).
    pub set_header: Option<String>,
    /// The SE as read, when it is not the one a writer writes (a segment count or control
    /// number that does not match the set).
    pub trailer: Option<SentTrailer>,
    /// When BPR16 was missing or not a date (read leniently): the date the payment was given
    /// instead, the production date (DTM*405) or the group's (GS04). While the payment date
    /// is still this one, [`write_remittance_set`](super::write_remittance_set) writes BPR16
    /// back as read.
    pub payment_date_stand_in: Option<NaiveDate>,
}

impl RemittanceSet {
    /// Every problem of the set: the set's, the remittance's (header and trailer), then each
    /// claim payment's in file order, with the claim payment's patient control number.
    pub fn all_problems(&self) -> impl Iterator<Item = (Option<&str>, ProblemRef<'_>)> {
        self.problems
            .iter()
            .map(|p| (None, ProblemRef::Set(p)))
            .chain(
                self.remittance
                    .problems
                    .iter()
                    .map(|p| (None, ProblemRef::Remittance(p))),
            )
            .chain(self.remittance.claims.iter().flat_map(|c| {
                c.problems.iter().map(move |p| {
                    (
                        Some(c.patient_control_number.as_str()),
                        ProblemRef::Claim(p),
                    )
                })
            }))
    }
}

/// Reads an 835 transaction set into a [`Remittance`].
///
/// In [`ReadMode::Lenient`] (the default) it fails only when the set is not an 835 or lacks
/// its payment (BPR) or trace (TRN) segment, or any date for the payment: every CLP gives a
/// claim payment with every SVC as a line, each with its problems. In [`ReadMode::Strict`]
/// the first problem (of the set, the remittance or a claim payment, in file order) is
/// returned as the error, and an 835 without a payment date (BPR16) fails.
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
///
/// // A status code that is not one is kept as sent, and reported where it was.
/// let text = std::str::from_utf8(file)?.replace("CLP*PCN1*1*", "CLP*PCN1*X*");
/// let set = Reader::new(text.as_bytes()).next_transaction()?.unwrap();
/// let r = typed::read_835(&set, ReadMode::Lenient)?;
/// let claim = &r.remittance.claims[0];
/// assert_eq!(claim.status.as_str(), "X");
/// assert_eq!(claim.problems[0].field(), Some("status"));
/// assert!(typed::read_835(&set, ReadMode::Strict).is_err());
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
    let mut r = R835::new(set, guide);
    let mut segments = SetFields::new(set);
    r.utf8 = segments.is_text();
    while let Some(f) = segments.advance() {
        let l = walker.step(f);
        r.segment(l, f);
        if walker.unknown_id(f) {
            let at = location(set, f, 0, 0);
            r.report(
                ClaimError::invalid("segment", super::no_place(f.id())),
                at,
                None,
            );
        }
        if let Some((n, why)) = f.kept_text_problem() {
            let at = location(set, f, n as usize, 0);
            r.report(ClaimError::invalid("segment", why), at, None);
        }
    }
    r.finish_claim();
    // A payer or payee N1 the set did not have: a writer writes none while the model holds
    // nothing for it.
    if !r.payer_seen {
        r.extra.push(RawSegment::new("1000A/N1", ""));
    }
    if !r.payee_seen {
        r.extra.push(RawSegment::new("1000B/N1", ""));
    }
    let (Some(method), Some(trace)) = (r.method.take(), r.trace.take()) else {
        return Err(TypedError::Structure {
            what: "the 835 has no BPR (payment) or no TRN (trace)".into(),
            position: Box::new(start()),
        });
    };
    if !r.group.is_empty() {
        r.set_problems.push(TypedError::Value {
            field: "claims".into(),
            reason: "a header number (LX) group has no claim payment".into(),
            position: Box::new(start()),
        });
    }
    r.extra.append(&mut r.group);
    canonical_order(guide, &mut r.extra);
    let mut stand_in = None;
    let date = match (r.date, mode) {
        (Some(d), _) => d,
        (None, ReadMode::Lenient) => {
            // BPR16 is required; real files omit it. The production date (DTM*405) or the
            // group date (GS04) stands in, and the problem is reported where BPR16 is.
            let Some(d) = r.production.or_else(|| envelope_date(set)) else {
                return Err(TypedError::Structure {
                    what: "the 835 has no payment date (BPR16) and no other date".into(),
                    position: Box::new(start()),
                });
            };
            if !r.date_reported {
                let at = r
                    .bpr_at
                    .clone()
                    .unwrap_or_else(|| Location::new(0, "BPR", 0));
                r.problems
                    .insert(0, Problem::new(ClaimError::missing("payment.date")).at(at));
            }
            stand_in = Some(d);
            d
        }
        (None, _) => {
            return Err(TypedError::Structure {
                what: "the 835 has no payment date (BPR16)".into(),
                position: Box::new(start()),
            });
        }
    };
    let out = RemittanceSet {
        control: set.control().to_owned(),
        guide: set.version().to_owned(),
        remittance: Remittance {
            payer: r.payer,
            payer_tin: r.payer_tin,
            payer_address: r.payer_address,
            payer_contacts: r.payer_contacts,
            payee: r.payee,
            payment: Payment {
                method,
                amount: r.amount,
                date,
                trace_number: trace,
            },
            claims: r.claims,
            provider_adjustments: r.plb,
            extra: r.extra,
            problems: r.problems,
        },
        problems: r.set_problems,
        set_header: r.set_header,
        trailer: r.trailer,
        payment_date_stand_in: stand_in,
    };
    if mode == ReadMode::Strict {
        strict(&out)?;
    }
    Ok(out)
}

/// The first problem of a set (in file order), as an error (strict reading).
fn strict(set: &RemittanceSet) -> Result<(), TypedError> {
    if let Some(p) = set.problems.first() {
        return Err(p.clone());
    }
    let first = set
        .remittance
        .problems
        .iter()
        .map(|p| ("", p))
        .chain(set.remittance.claims.iter().flat_map(|c| {
            c.problems
                .iter()
                .map(move |p| (c.patient_control_number.as_str(), p))
        }))
        .min_by_key(|(_, p)| p.at.as_ref().map_or(u64::MAX, |at| at.segment));
    match first {
        Some((pcn, p)) => Err(TypedError::Problem {
            patient_control_number: pcn.to_owned(),
            problem: Box::new(p.clone()),
        }),
        None => Ok(()),
    }
}

/// How the service date of the line being read was sent, so that a DTM the writer would put
/// elsewhere stays raw.
#[derive(Clone, Copy, PartialEq, Eq)]
enum LineDate {
    /// No service date read yet.
    Unread,
    /// DTM*472, a single date.
    Single,
    /// DTM*150, the start of a range.
    From,
}

struct R835<'s> {
    set: &'s TransactionSet,
    guide: &'static Guide,
    method: Option<Coded<PaymentMethod>>,
    amount: Decimal,
    date: Option<NaiveDate>,
    /// Where the BPR was, for a missing payment date, and whether its BPR16 was reported.
    bpr_at: Option<Location>,
    date_reported: bool,
    trace: Option<String>,
    payer: Payer,
    payer_tin: Option<String>,
    payer_address: Option<Address>,
    payer_contacts: Vec<Contact>,
    payee: Payee,
    production: Option<NaiveDate>,
    claims: Vec<ClaimPayment>,
    current: Option<ClaimPayment>,
    plb: Vec<ProviderAdjustment>,
    extra: Vec<RawSegment>,
    /// The remittance's problems (header and trailer).
    problems: Vec<Problem>,
    set_problems: Vec<TypedError>,
    /// The LX of a header-number group and its TS3/TS2, waiting for the group's first claim.
    group: Vec<RawSegment>,
    /// Whether the whole set is UTF-8 (when it is not, each segment is checked).
    utf8: bool,
    /// Whether the BPR, the TRN, the payer's and the payee's N1 were read (a second one stays
    /// raw).
    bpr_seen: bool,
    trn_seen: bool,
    payer_seen: bool,
    payee_seen: bool,
    set_header: Option<String>,
    trailer: Option<SentTrailer>,
    /// Whether the segment being read holds something a writer would write otherwise from
    /// the model (a value with spaces around it, an amount spelled otherwise, text that is not
    /// a number): the segment is then kept as read.
    as_read: bool,
    /// The number of adjustments of each CAS of the claim payment, and of the line, read so
    /// far (reused: no allocation per claim).
    claim_cas: Vec<u8>,
    line_cas: Vec<u8>,
    /// Whether the claim payment's MOA was read (a second one stays raw).
    moa_seen: bool,
    /// Whether the last line of the current claim payment is still being read.
    line_open: bool,
    line_date: LineDate,
    /// Where the last modelled segment read in the payer or payee loop, the claim payment
    /// and the line stands among the loop's modelled segments (see [`Stage`]).
    header_stage: u8,
    claim_stage: u8,
    line_stage: u8,
}

/// A loop whose modelled segments a writer writes in a fixed (guide) order, each at a stage:
/// a modelled segment read after one of a later stage, or after a raw segment that a writer
/// writes after it, would be written elsewhere than read, and is kept raw instead.
#[derive(Clone, Copy)]
enum Stage {
    /// Loop 1000A or 1000B: N3 1, N4 2, PER or REF*TJ 3.
    Header(&'static str),
    /// Loop 2100: CAS 1, NM1*QC 2, MOA 3, DTM 4 (232, 233) and 5 (050).
    Claim,
    /// Loop 2110: DTM 1, CAS 2, REF*6R 3, AMT*B6 4, LQ*HE 5.
    Line,
}

impl<'s> R835<'s> {
    fn new(set: &'s TransactionSet, guide: &'static Guide) -> Self {
        R835 {
            set,
            guide,
            method: None,
            amount: Decimal::ZERO,
            date: None,
            bpr_at: None,
            date_reported: false,
            trace: None,
            payer: Payer::new("", ""),
            payer_tin: None,
            payer_address: None,
            payer_contacts: Vec::new(),
            payee: Payee::new(""),
            production: None,
            claims: Vec::new(),
            current: None,
            plb: Vec::new(),
            extra: Vec::new(),
            problems: Vec::new(),
            set_problems: Vec::new(),
            group: Vec::new(),
            utf8: true,
            bpr_seen: false,
            trn_seen: false,
            payer_seen: false,
            payee_seen: false,
            set_header: None,
            trailer: None,
            as_read: false,
            claim_cas: Vec::new(),
            line_cas: Vec::new(),
            moa_seen: false,
            line_open: false,
            line_date: LineDate::Unread,
            header_stage: 0,
            claim_stage: 0,
            line_stage: 0,
        }
    }

    /// Records a problem on the claim payment being read, or (outside one) on the remittance.
    fn report(&mut self, error: ClaimError, at: Location, sent: Option<&str>) {
        let mut p = Problem::new(error).at(at);
        if let Some(s) = sent {
            p = p.sent(s);
        }
        match &mut self.current {
            Some(c) => c.problems.push(p),
            None => self.problems.push(p),
        }
    }

    /// `s` trimmed, marking the segment to be kept as read when spaces were around it.
    fn kept<'f>(&mut self, s: &'f str) -> &'f str {
        let t = trim(s);
        self.as_read |= t.len() != s.len();
        t
    }

    /// Element `n` trimmed, as an owned value when it holds anything.
    fn opt(&mut self, f: &Fields<'_>, n: usize) -> Option<String> {
        let t = self.kept(f.el(n));
        (!t.is_empty()).then(|| t.to_owned())
    }

    /// The code at element `n` (component `c`, 0 for the element) as sent, reporting it as
    /// `field` when it is not valid.
    ///
    /// Field names are built only for a problem, and passed as `&dyn Fn`; this and the other
    /// value readers stay out of line: a copy at each call site made the read slower (it is
    /// bound by the size of its code).
    #[inline(never)]
    fn coded<T: CodeValue>(
        &mut self,
        f: &Fields<'_>,
        n: usize,
        c: usize,
        field: &dyn Fn() -> String,
    ) -> Coded<T> {
        let t = self.kept(if c == 0 { f.el(n) } else { f.comp(n, c) });
        match T::parse_code(t) {
            Ok(v) => {
                self.as_read |= v.x12_str() != t;
                Coded::Valid(v)
            }
            Err(reason) => self.invalid_code(f, (n, c), field, t, reason),
        }
    }

    /// A code that is not valid, kept as sent and reported (out of line: the usual read has
    /// none).
    #[cold]
    #[inline(never)]
    fn invalid_code<T>(
        &mut self,
        f: &Fields<'_>,
        at: (usize, usize),
        field: &dyn Fn() -> String,
        text: &str,
        reason: medbill_codes::CodeError,
    ) -> Coded<T> {
        self.problem(f, at, ClaimError::code(field(), reason.clone()), Some(text));
        Coded::invalid(text, reason)
    }

    /// [`coded`](Self::coded) for an element that may be empty.
    fn opt_coded<T: CodeValue>(
        &mut self,
        f: &Fields<'_>,
        n: usize,
        field: &dyn Fn() -> String,
    ) -> Option<Coded<T>> {
        if self.kept(f.el(n)).is_empty() {
            return None;
        }
        Some(self.coded(f, n, 0, field))
    }

    /// The amount in element `n` as sent: `None` when empty, zero when it is not a number
    /// (reported as `field`).
    #[inline(never)]
    fn amount(&mut self, f: &Fields<'_>, n: usize, field: &dyn Fn() -> String) -> Option<Decimal> {
        let t = self.kept(f.el(n));
        if t.is_empty() {
            return None;
        }
        match parse_amount(t) {
            Ok((d, plain)) => {
                // `+5`, `007.50`, `-0`: written back otherwise from the value.
                self.as_read |= !plain;
                Some(d)
            }
            Err(_) => {
                self.problem(f, (n, 0), ClaimError::NotANumber { field: field() }, None);
                self.as_read = true;
                Some(Decimal::ZERO)
            }
        }
    }

    /// [`amount`](Self::amount) for a required amount: an empty one is reported, and zero.
    fn required_amount(&mut self, f: &Fields<'_>, n: usize, field: &dyn Fn() -> String) -> Decimal {
        match self.amount(f, n, field) {
            Some(d) => d,
            None => {
                self.problem(f, (n, 0), ClaimError::missing(field()), None);
                self.as_read = true;
                Decimal::ZERO
            }
        }
    }

    /// A `CCYYMMDD` date in element `n`: `None` when empty, or (reported as `field`) when it
    /// is not a date.
    #[inline(never)]
    fn date(&mut self, f: &Fields<'_>, n: usize, field: &dyn Fn() -> String) -> Option<NaiveDate> {
        let t = self.kept(f.el(n));
        if t.is_empty() {
            return None;
        }
        let d = parse_date(t);
        if d.is_none() {
            self.problem(f, (n, 0), ClaimError::NotADate { field: field() }, None);
            self.as_read = true;
        }
        d
    }

    /// Reports a value at (element, component) of `f` that the model cannot hold as read (out
    /// of line: the usual read has none).
    #[cold]
    #[inline(never)]
    fn problem(
        &mut self,
        f: &Fields<'_>,
        (n, c): (usize, usize),
        error: ClaimError,
        sent: Option<&str>,
    ) {
        let at = location(self.set, f, n, c);
        self.report(error, at, sent);
    }

    /// A raw copy of a segment in its loop: on the line, claim payment or remittance it
    /// belongs to.
    #[inline(never)]
    fn raw(&mut self, l: &str, f: &Fields<'_>) {
        let r = RawSegment::new(l, f.canonical());
        match &mut self.current {
            Some(c) if l == "2110" => match c.lines.last_mut() {
                Some(line) => line.extra.push(r),
                None => c.extra.push(RawSegment::new("2100", r.text)),
            },
            Some(c) if l == "2100" => c.extra.push(r),
            // A claim-payment or line segment before any CLP: kept with the remittance, in
            // its header.
            _ if matches!(l, "2100" | "2110") => self.extra.push(RawSegment::new("", r.text)),
            _ => self.extra.push(r),
        }
    }

    /// Whether a modelled segment of stage `stage` in `loop_` comes after every modelled
    /// segment of the loop read so far in a writer's order; advances the loop's stage when it
    /// does.
    fn in_order(&mut self, loop_: Stage, stage: u8) -> bool {
        let at = match loop_ {
            Stage::Header(_) => &mut self.header_stage,
            Stage::Claim => &mut self.claim_stage,
            Stage::Line => &mut self.line_stage,
        };
        if stage < *at {
            return false;
        }
        *at = stage;
        true
    }

    /// Whether a raw segment of `loop_` read so far goes where a writer puts the modelled
    /// segment `id*q`, or after it: the writer writes the modelled one first, so it would
    /// move.
    fn behind_raw(&self, loop_: Stage, id: &str, q: &str) -> bool {
        let (loop_id, extras): (&str, &[RawSegment]) = match loop_ {
            Stage::Header(l) => (l, &self.extra),
            Stage::Claim => ("2100", self.current.as_ref().map_or(&[], |c| &c.extra)),
            Stage::Line => (
                "2110",
                self.current
                    .as_ref()
                    .and_then(|c| c.lines.last())
                    .map_or(&[], |l| &l.extra),
            ),
        };
        extras.iter().any(|r| r.loop_id == loop_id) && self.raw_at_or_after(loop_id, extras, id, q)
    }

    /// Whether a raw segment of `loop_id` in `extras` is written at or after `id*q`.
    #[cold]
    #[inline(never)]
    fn raw_at_or_after(&self, loop_id: &str, extras: &[RawSegment], id: &str, q: &str) -> bool {
        let place = rank(self.guide, loop_id, id, q);
        ranked(self.guide, loop_id, extras, true)
            .last()
            .is_some_and(|&(k, _)| k >= place)
    }

    /// [`in_order`](Self::in_order) and not [`behind_raw`](Self::behind_raw): a modelled
    /// segment a writer writes back where it was read.
    fn in_place(&mut self, loop_: Stage, stage: u8, id: &str, q: &str) -> bool {
        !self.behind_raw(loop_, id, q) && self.in_order(loop_, stage)
    }

    fn segment(&mut self, l: &'static str, f: &Fields<'_>) {
        self.dispatch(l, f);
        if !self.utf8 && std::str::from_utf8(f.segment().raw()).is_err() {
            // Its values read as empty and its raw text has the bytes replaced: what is
            // written back differs from what was read, so that is reported (after the
            // segment, so that a CLP's problem is its own claim payment's).
            let at = location(self.set, f, 0, 0);
            self.report(
                ClaimError::NotText {
                    field: format!("segment {}", f.id()),
                },
                at,
                None,
            );
        }
    }

    fn dispatch(&mut self, l: &'static str, f: &Fields<'_>) {
        match l {
            "2100" if f.id() == "CLP" => return self.clp(f),
            "2100" if self.current.is_some() => return self.claim_segment(f),
            "2110" if self.current.is_some() => return self.line_segment(f),
            "2000" => return self.header_number(f),
            "2100" | "2110" => return self.raw(l, f),
            _ => {}
        }
        self.header_segment(l, f);
    }

    /// A segment of the header, or of the trailer after the claim payments (out of line: the
    /// claim payments' segments are the many).
    #[inline(never)]
    fn header_segment(&mut self, l: &'static str, f: &Fields<'_>) {
        self.finish_claim();
        let q = trim(f.el(1));
        self.as_read = false;
        match (l, f.id()) {
            ("", "ST") => self.st(f),
            ("", "SE") => self.trailer = SentTrailer::unusual(self.set, f),
            ("", "BPR") if !self.bpr_seen => self.bpr(f),
            ("", "TRN") if !self.trn_seen => self.trn(f),
            ("", "PLB") => self.plb(f),
            ("", "DTM") if q == "405" && self.production.is_none() => {
                self.production = parse_date(f.el(2));
                self.raw(l, f);
            }
            ("1000A", "N1") if q == "PR" && !self.payer_seen => {
                self.header_stage = 0;
                self.payer_n1(f);
            }
            ("1000A" | "1000B", "N3" | "N4" | "PER") => self.header_part(l, f, q),
            ("1000A", "REF") if q == "2U" && self.payer.id.is_empty() => self.payer_ref_2u(f),
            ("1000B", "N1") if q == "PE" && !self.payee_seen => {
                self.header_stage = 0;
                self.payee_n1(f);
            }
            ("1000B", "REF")
                if q == "TJ"
                    && self.payee.tin.is_none()
                    && plain(f, 2)
                    && self.in_order(Stage::Header(l), 3) =>
            {
                self.payee.tin = Some(f.el(2).to_owned());
                // A writer writes the modelled REF before the raw segments of its guide slot
                // and after: when one was read before it, a marker keeps its place.
                if self.behind_raw(Stage::Header(l), "REF", "TJ") {
                    self.extra.push(RawSegment::new("1000B", "REF*TJ"));
                }
            }
            _ => self.raw(l, f),
        }
    }

    /// An N3, N4 or PER of the payer's (1000A) or payee's (1000B) loop: into the model when
    /// it holds it and a writer writes it back where it was read, else raw.
    #[inline(never)]
    fn header_part(&mut self, l: &'static str, f: &Fields<'_>, q: &str) {
        let payer = l == "1000A";
        let address = if payer {
            &self.payer_address
        } else {
            &self.payee.address
        };
        let taken = match f.id() {
            "N3" if address.as_ref().is_none_or(|a| a.lines.is_empty()) => n3(f)
                .filter(|_| self.in_place(Stage::Header(l), 1, "N3", ""))
                .map(|lines| Address {
                    lines,
                    ..Address::default()
                }),
            "N4" if address.as_ref().is_none_or(|a| a.city.is_empty()) => {
                n4(f).filter(|_| self.in_place(Stage::Header(l), 2, "N4", ""))
            }
            "PER" if payer => {
                match per(f).filter(|_| self.in_place(Stage::Header(l), 3, "PER", q)) {
                    Some(contact) => {
                        self.payer_contacts.push(contact);
                        return;
                    }
                    None => None,
                }
            }
            _ => None,
        };
        let Some(part) = taken else {
            return self.raw(l, f);
        };
        let address = if payer {
            &mut self.payer_address
        } else {
            &mut self.payee.address
        };
        let a = address.get_or_insert_with(Address::default);
        if f.id() == "N3" {
            a.lines = part.lines;
        } else {
            a.city = part.city;
            a.state = part.state;
            a.postal_code = part.postal_code;
            a.country = part.country;
        }
    }

    fn st(&mut self, f: &Fields<'_>) {
        let usual = f.len() == 3
            && f.el(1) == "835"
            && f.el(2) == self.set.control()
            && f.el(3) == self.set.version();
        if !usual {
            self.set_header = Some(f.canonical());
        }
    }

    fn bpr(&mut self, f: &Fields<'_>) {
        self.bpr_seen = true;
        self.bpr_at = Some(location(self.set, f, 16, 0));
        self.amount = self.required_amount(f, 2, &|| "payment.amount".into());
        self.method = Some(self.coded(f, 4, 0, &|| "payment.method".into()));
        self.date = self.date(f, 16, &|| "payment.date".into());
        // A BPR16 that is not a date was reported; one of spaces only is missing.
        self.date_reported = self.date.is_none() && !trim(f.el(16)).is_empty();
        let plain = trim(f.el(1)) == "I"
            && trim(f.el(3)) == "C"
            && !f.has_any(5, 15)
            && f.len() == 16
            && self.date.is_some();
        if !plain || self.as_read || !simple_as_read(f) {
            self.extra.push(RawSegment::new("/BPR", f.canonical()));
        }
    }

    fn trn(&mut self, f: &Fields<'_>) {
        self.trn_seen = true;
        let trace = self.kept(f.el(2)).to_owned();
        if trace.is_empty() {
            let at = location(self.set, f, 2, 0);
            self.report(ClaimError::missing("payment.trace_number"), at, None);
        }
        self.trace = Some(trace);
        // TRN03 is `1` and the payer's nine-digit tax ID; another shape stays in the template.
        self.payer_tin = payer_tin(f.el(3));
        let usual = trim(f.el(1)) == "1" && f.len() == 3 && self.payer_tin.is_some();
        if !usual || self.as_read || !simple_as_read(f) {
            self.extra.push(RawSegment::new("/TRN", f.canonical()));
        }
    }

    fn payer_n1(&mut self, f: &Fields<'_>) {
        self.payer_seen = true;
        self.payer.name = self.kept(f.el(2)).to_owned();
        // The writer writes `N1*PR*name*XV*id` (or `N1*PR*name` without an ID): any other N1
        // is kept as read.
        let with_id = self.kept(f.el(3)) == "XV" && !trim(f.el(4)).is_empty();
        if with_id {
            self.payer.id = self.kept(f.el(4)).to_owned();
        }
        let usual = if with_id { f.len() == 4 } else { f.len() <= 2 };
        if !usual || self.as_read || !simple_as_read(f) {
            self.extra.push(RawSegment::new("1000A/N1", f.canonical()));
        }
    }

    /// A payer REF*2U when N1 gave no ID: the ID is taken from it, and the REF is kept.
    fn payer_ref_2u(&mut self, f: &Fields<'_>) {
        self.payer.id = trim(f.el(2)).to_owned();
        if self.payer_seen && !self.extra.iter().any(|r| r.loop_id == "1000A/N1") {
            // The N1 read had no ID, and a writer would now write this one into it: it is
            // kept as it was (plain, so its text is its name).
            let n1 = if self.payer.name.is_empty() {
                "N1*PR".to_owned()
            } else {
                format!("N1*PR*{}", self.payer.name)
            };
            self.extra.push(RawSegment::new("1000A/N1", n1));
        }
        self.raw("1000A", f);
    }

    fn payee_n1(&mut self, f: &Fields<'_>) {
        self.payee_seen = true;
        self.payee.name = self.kept(f.el(2)).to_owned();
        let mut usual = f.len() <= 4 && simple_as_read(f);
        match self.kept(f.el(3)) {
            "" if !f.has(4) => usual &= f.len() <= 2,
            "XX" => match Npi::parse(trim(f.el(4))) {
                Ok(n) => {
                    self.as_read |= trim(f.el(4)).len() != f.el(4).len();
                    self.payee.npi = Some(n);
                }
                Err(e) => {
                    let at = location(self.set, f, 4, 0);
                    self.report(ClaimError::code("payee.npi", e), at, None);
                    usual = false;
                }
            },
            "FI" => {
                self.payee.tin = self.opt(f, 4);
                usual &= self.payee.tin.is_some();
            }
            _ => usual = false,
        }
        if !usual || self.as_read {
            self.extra.push(RawSegment::new("1000B/N1", f.canonical()));
        }
    }

    #[inline(never)]
    fn plb(&mut self, f: &Fields<'_>) {
        let first = self.plb.len();
        let period = self.date(f, 2, &|| {
            format!("provider_adjustments[{first}].fiscal_period")
        });
        for k in 0..6 {
            let n = 3 + 2 * k;
            if !f.has(n) && !f.has(n + 1) {
                continue;
            }
            let i = self.plb.len();
            let reason = self.kept(f.comp(n, 1)).to_owned();
            let reference = {
                let t = self.kept(f.comp(n, 2));
                (!t.is_empty()).then(|| t.to_owned())
            };
            let amount =
                self.required_amount(f, n + 1, &|| format!("provider_adjustments[{i}].amount"));
            self.plb.push(ProviderAdjustment {
                reason,
                reference,
                amount,
                fiscal_period: period,
            });
        }
        // Kept whole: PLB01 (the provider) is not in the model, and each PLB is written back
        // with the adjustments it held.
        self.extra.push(RawSegment::new("/PLB", f.canonical()));
    }

    /// A segment of a header-number group (loop 2000: LX, TS3, TS2), kept for the group's
    /// first claim payment.
    fn header_number(&mut self, f: &Fields<'_>) {
        self.finish_claim();
        if f.id() == "LX" {
            if !self.group.is_empty() {
                // Loop 2000 needs a claim payment; the empty group is kept raw.
                self.set_problems.push(TypedError::Value {
                    field: "claims".into(),
                    reason: "a header number (LX) group has no claim payment".into(),
                    position: Box::new(position(self.set, f, 0)),
                });
            }
            self.extra.append(&mut self.group);
            self.group.push(RawSegment::new("2000/LX", f.canonical()));
        } else {
            self.group.push(RawSegment::new("2000", f.canonical()));
        }
    }

    fn finish_claim(&mut self) {
        self.finish_line();
        let Some(mut c) = self.current.take() else {
            return;
        };
        if !packed_as_written(&c.adjustments, &self.claim_cas) {
            c.adjustments_per_cas = self.claim_cas.clone();
        }
        self.claim_cas.clear();
        canonical_order(self.guide, &mut c.extra);
        self.claims.push(c);
    }

    fn finish_line(&mut self) {
        if !std::mem::take(&mut self.line_open) {
            return;
        }
        let from = self.line_date == LineDate::From;
        let Some(line) = self.current.as_mut().and_then(|c| c.lines.last_mut()) else {
            return;
        };
        if !packed_as_written(&line.adjustments, &self.line_cas) {
            line.adjustments_per_cas = self.line_cas.clone();
        }
        self.line_cas.clear();
        if from
            && line.service_end.is_none()
            && let Some(d) = line.service_date.take()
        {
            // A range start without its end: a writer writes a lone date as DTM*472, so the
            // DTM*150 (read plain) is kept as it was.
            line.extra.push(RawSegment::new(
                "2110",
                format!("DTM*150*{}", super::format_date(d)),
            ));
        }
        canonical_order(self.guide, &mut line.extra);
    }

    fn clp(&mut self, f: &Fields<'_>) {
        self.finish_claim();
        self.as_read = false;
        self.moa_seen = false;
        self.claim_stage = 0;
        let pcn = self.kept(f.el(1));
        let mut c = ClaimPayment::new(
            pcn,
            ClaimStatusCode::ProcessedPrimary,
            Decimal::ZERO,
            Decimal::ZERO,
        );
        // The writer starts the first claim with `LX*1` when it has no LX of its own, so the
        // first claim's `LX*1` is not kept: a round trip gives the same remittance.
        if self.claims.is_empty() {
            if self.group.first().is_some_and(|g| g.text == "LX*1") {
                self.group.remove(0);
            } else if !self.group.iter().any(|g| g.loop_id == "2000/LX") {
                // No LX before it: none is written (an empty template marks it).
                self.group.push(RawSegment::new("2000/LX", ""));
            }
        }
        c.extra.append(&mut self.group);
        self.current = Some(c);
        let status = self.coded(f, 2, 0, &|| "status".into());
        let charge = self.required_amount(f, 3, &|| "charge".into());
        let paid = self.required_amount(f, 4, &|| "paid".into());
        // CLP05 is sent when the patient owes something: an empty one is written back empty.
        let responsibility = self.amount(f, 5, &|| "patient_responsibility".into());
        self.as_read |= responsibility.is_none();
        let filing = self.opt_coded(f, 6, &|| "filing_indicator".into());
        let payer_number = self.opt(f, 7);
        let facility = self.opt(f, 8);
        let frequency = self.opt_coded(f, 9, &|| "frequency".into());
        let unmodelled = self.as_read || f.has_any(10, f.len()) || !simple_as_read(f);
        let Some(c) = &mut self.current else { return };
        c.status = status;
        c.charge = charge;
        c.paid = paid;
        c.patient_responsibility = responsibility.unwrap_or_default();
        c.filing_indicator = filing;
        c.payer_claim_control_number = payer_number;
        c.facility_code = facility;
        c.frequency = frequency;
        if unmodelled {
            c.extra.push(RawSegment::new("2100/CLP", f.canonical()));
        }
    }

    fn claim_segment(&mut self, f: &Fields<'_>) {
        let q = trim(f.el(1));
        self.as_read = false;
        match f.id() {
            "CAS" if self.in_place(Stage::Claim, 1, "CAS", q) => self.cas(f, None),
            "NM1"
                if q == "QC"
                    && self
                        .current
                        .as_ref()
                        .is_some_and(|c| c.patient_name.is_none())
                    && self.in_place(Stage::Claim, 2, "NM1", q) =>
            {
                self.patient(f)
            }
            "MOA" if !self.moa_seen && self.in_place(Stage::Claim, 3, "MOA", q) => self.moa(f),
            "DTM"
                if matches!(q, "050" | "232" | "233")
                    && self.in_place(Stage::Claim, if q == "050" { 5 } else { 4 }, "DTM", q) =>
            {
                self.claim_date(f, q)
            }
            _ => self.raw("2100", f),
        }
    }

    fn patient(&mut self, f: &Fields<'_>) {
        let name = PersonName {
            last: Text::from(self.kept(f.el(3))),
            first: opt_text(self.kept(f.el(4))),
            middle: opt_text(self.kept(f.el(5))),
            suffix: opt_text(self.kept(f.el(7))),
        };
        let member = opt_text(self.kept(f.el(9)));
        // Kept as a template when it holds what the model does not (an entity other than a
        // person, an ID qualifier other than MI, NM106, anything after NM109) or would not
        // be written back as read.
        let unmodelled = self.as_read
            || trim(f.el(2)) != "1"
            || (f.has(8) && (trim(f.el(8)) != "MI" || member.is_none()))
            || (!f.has(8) && member.is_some())
            || f.has(6)
            || f.has_any(10, f.len())
            || !simple_as_read(f);
        let Some(c) = &mut self.current else { return };
        c.patient_name = Some(Phi::new(name));
        c.member_id = member.map(Phi::new);
        if unmodelled {
            // The name and member ID are the model's (and PHI): blanked in the template,
            // unless spaces around one must be written back.
            let blanks: Vec<(usize, usize)> = [3, 4, 5, 7, 9]
                .into_iter()
                .filter(|&n| trim(f.el(n)).len() == f.el(n).len())
                .map(|n| (n, 0))
                .collect();
            c.extra.push(template("2100/NM1", f, &blanks));
        }
    }

    fn moa(&mut self, f: &Fields<'_>) {
        self.moa_seen = true;
        let mut remarks = Vec::new();
        let (mut gap, mut empty) = (false, false);
        for n in 3..=7 {
            if self.kept(f.el(n)).is_empty() {
                empty = true;
                continue;
            }
            gap |= empty;
            let r = remarks.len();
            remarks.push(self.coded(f, n, 0, &|| format!("remarks[{r}]")));
        }
        // MOA01, MOA02 and MOA08 on (amounts and a rate) stay in the template.
        let unmodelled = self.as_read
            || gap
            || f.has(1)
            || f.has(2)
            || f.has_any(8, f.len())
            || !simple_as_read(f);
        let Some(c) = &mut self.current else { return };
        c.remarks = remarks;
        if unmodelled {
            c.extra.push(RawSegment::new("2100/MOA", f.canonical()));
        }
    }

    fn claim_date(&mut self, f: &Fields<'_>, q: &str) {
        let field = match q {
            "050" => "received_date",
            "232" => "service_start",
            _ => "service_end",
        };
        let d = self.date(f, 2, &|| field.into());
        let plain = plain(f, 2) && q == f.el(1);
        let Some(c) = &mut self.current else { return };
        // Taken only where a writer writes it back: 232, 233 and 050 in that order.
        let free = match q {
            "050" => c.received_date.is_none(),
            "232" => {
                c.service_start.is_none() && c.service_end.is_none() && c.received_date.is_none()
            }
            _ => c.service_end.is_none() && c.received_date.is_none(),
        };
        match d {
            Some(d) if free && plain => {
                let slot = match q {
                    "050" => &mut c.received_date,
                    "232" => &mut c.service_start,
                    _ => &mut c.service_end,
                };
                *slot = Some(d);
            }
            _ => c.extra.push(RawSegment::new("2100", f.canonical())),
        }
    }

    /// A CAS of the claim payment, or of line `line`.
    fn cas(&mut self, f: &Fields<'_>, line: Option<usize>) {
        let group_text = self.kept(f.el(1));
        let group = Coded::<GroupCode>::parse(group_text);
        if let Coded::Valid(g) = &group {
            self.as_read |= g.as_str() != group_text;
        }
        let first = self.adjustments(line).map_or(0, |a| a.len());
        let (mut count, mut ended, mut gap) = (0u8, false, false);
        for k in 0..6 {
            let n = 2 + 3 * k;
            if n > f.len() {
                break;
            }
            if !f.has(n) && !f.has(n + 1) && !f.has(n + 2) {
                ended = true;
                continue;
            }
            gap |= ended;
            let i = first + usize::from(count);
            let reason: Coded<Carc> = self.coded(f, n, 0, &|| adjustment_field(line, i, "reason"));
            let amount = self.required_amount(f, n + 1, &|| adjustment_field(line, i, "amount"));
            let quantity = self.amount(f, n + 2, &|| adjustment_field(line, i, "quantity"));
            if let Some(list) = self.adjustments(line) {
                list.push(Adjustment {
                    group: group.clone(),
                    reason,
                    amount,
                    quantity,
                });
            }
            count += 1;
        }
        let loop_id = if line.is_some() { "2110" } else { "2100" };
        if count == 0 {
            // No adjustment to hold: kept as read.
            return self.raw(loop_id, f);
        }
        if let Coded::Invalid(u) = &group {
            let at = location(self.set, f, 1, 0);
            self.report(
                ClaimError::code(adjustment_field(line, first, "group"), u.reason().clone()),
                at,
                Some(u.text()),
            );
        }
        let unmodelled = self.as_read || gap || f.len() > 19 || !simple_as_read(f);
        let template = unmodelled.then(|| {
            RawSegment::new(
                if line.is_some() {
                    "2110/CAS"
                } else {
                    "2100/CAS"
                },
                f.canonical(),
            )
        });
        let Some(c) = &mut self.current else { return };
        match line {
            Some(_) => {
                self.line_cas.push(count);
                if let (Some(t), Some(l)) = (template, c.lines.last_mut()) {
                    l.extra.push(t);
                }
            }
            None => {
                self.claim_cas.push(count);
                if let Some(t) = template {
                    c.extra.push(t);
                }
            }
        }
    }

    /// The adjustments of the claim payment, or of its line `line` (the last).
    fn adjustments(&mut self, line: Option<usize>) -> Option<&mut Vec<Adjustment>> {
        let c = self.current.as_mut()?;
        match line {
            Some(_) => c.lines.last_mut().map(|l| &mut l.adjustments),
            None => Some(&mut c.adjustments),
        }
    }

    fn line_segment(&mut self, f: &Fields<'_>) {
        if f.id() == "SVC" {
            return self.svc(f);
        }
        let Some(j) = self
            .current
            .as_ref()
            .and_then(|c| c.lines.len().checked_sub(1))
        else {
            return self.raw("2100", f);
        };
        let q = trim(f.el(1));
        self.as_read = false;
        match f.id() {
            "CAS" if self.in_place(Stage::Line, 2, "CAS", q) => self.cas(f, Some(j)),
            "DTM"
                if matches!(q, "472" | "150" | "151")
                    && self.in_place(Stage::Line, 1, "DTM", q) =>
            {
                self.line_date(f, q, j)
            }
            "REF"
                if q == "6R"
                    && plain(f, 2)
                    && self.line().is_some_and(|l| l.line_control_number.is_none())
                    && self.in_place(Stage::Line, 3, "REF", q) =>
            {
                let n = f.el(2).to_owned();
                if let Some(line) = self.line() {
                    line.line_control_number = Some(n);
                }
            }
            "AMT"
                if q == "B6"
                    && f.has(2)
                    && self.line().is_some_and(|l| l.allowed.is_none())
                    && self.in_order(Stage::Line, 4) =>
            {
                let allowed = self.amount(f, 2, &|| format!("lines[{j}].allowed"));
                let unmodelled = self.as_read || q != f.el(1) || f.len() > 2 || !simple_as_read(f);
                let template = unmodelled.then(|| RawSegment::new("2110/AMT", f.canonical()));
                // A writer writes AMT*B6 before the line's raw segments of its guide slot
                // and after: when one was read before it, a marker keeps its place.
                let after_other = self.behind_raw(Stage::Line, "AMT", "B6");
                if let Some(line) = self.line() {
                    line.allowed = allowed;
                    if let Some(t) = template {
                        line.extra.push(t);
                    }
                    if after_other {
                        line.extra.push(RawSegment::new("2110", "AMT*B6"));
                    }
                }
            }
            "LQ" if q == "HE" && plain(f, 2) && self.in_place(Stage::Line, 5, "LQ", q) => {
                let r = self.line().map_or(0, |l| l.remarks.len());
                let code = self.coded(f, 2, 0, &|| format!("lines[{j}].remarks[{r}]"));
                if self.as_read {
                    // A code a writer would write otherwise (`n130`): kept as read.
                    return self.raw("2110", f);
                }
                if let Some(line) = self.line() {
                    line.remarks.push(code);
                }
            }
            _ => self.raw("2110", f),
        }
    }

    fn line_date(&mut self, f: &Fields<'_>, q: &str, j: usize) {
        let field = if q == "151" {
            "service_end"
        } else {
            "service_date"
        };
        let d = self.date(f, 2, &|| format!("lines[{j}].{field}"));
        let plain = plain(f, 2) && q == f.el(1);
        let state = self.line_date;
        let Some(line) = self.line() else { return };
        // Taken only where a writer writes it back: DTM*472 alone, or DTM*150 then DTM*151.
        let free = match q {
            "472" | "150" => line.service_date.is_none() && line.service_end.is_none(),
            _ => line.service_end.is_none() && state != LineDate::Single,
        };
        match d {
            Some(d) if free && plain => {
                if q == "151" {
                    line.service_end = Some(d);
                } else {
                    line.service_date = Some(d);
                    self.line_date = if q == "472" {
                        LineDate::Single
                    } else {
                        LineDate::From
                    };
                }
            }
            _ => line.extra.push(RawSegment::new("2110", f.canonical())),
        }
    }

    fn line(&mut self) -> Option<&mut LinePayment> {
        self.current.as_mut().and_then(|c| c.lines.last_mut())
    }

    /// The procedure composite at element `n` (SVC01, or SVC06 when `billed`) of line `j`
    /// when its qualifier is `HC`: the code and modifiers as sent, and whether the composite
    /// holds what a writer would not write back (a gap between modifiers, a description).
    fn procedure(
        &mut self,
        f: &Fields<'_>,
        n: usize,
        j: usize,
        billed: bool,
    ) -> (Option<Coded<ProcedureCode>>, Vec<Coded<Modifier>>, bool) {
        let billed = if billed { "billed_" } else { "" };
        let (parts, more) = f.components::<6>(n);
        let procedure = if self.kept(parts[1]).is_empty() {
            None
        } else {
            Some(self.coded(f, n, 2, &|| format!("lines[{j}].{billed}procedure")))
        };
        let mut modifiers = Vec::new();
        let (mut gap, mut empty) = (false, false);
        for k in 0..4 {
            if self.kept(parts[2 + k]).is_empty() {
                empty = true;
                continue;
            }
            gap |= empty;
            let m = modifiers.len();
            modifiers.push(self.coded(f, n, 3 + k, &|| {
                format!("lines[{j}].{billed}modifiers[{m}]")
            }));
        }
        (procedure, modifiers, gap || more)
    }

    fn svc(&mut self, f: &Fields<'_>) {
        self.finish_line();
        self.as_read = false;
        self.line_date = LineDate::Unread;
        self.line_stage = 0;
        let j = self.current.as_ref().map_or(0, |c| c.lines.len());
        let mut unmodelled = false;
        let qualifier = self.kept(f.comp(1, 1));
        let (procedure, modifiers, revenue) = match qualifier {
            "HC" => {
                let (p, m, more) = self.procedure(f, 1, j, false);
                let revenue: Option<Coded<medbill_codes::RevenueCode>> =
                    self.opt_coded(f, 4, &|| format!("lines[{j}].revenue_code"));
                // Without a code, a writer writes a line with a revenue code as `NU`.
                unmodelled |= more || (p.is_none() && revenue.is_some());
                (p, m, revenue)
            }
            "NU" => {
                let code = self.kept(f.comp(1, 2));
                let revenue = (!code.is_empty())
                    .then(|| self.coded(f, 1, 2, &|| format!("lines[{j}].revenue_code")));
                unmodelled |= f.has_after(1, 2) || f.has(4) || revenue.is_none();
                (None, Vec::new(), revenue)
            }
            // Another qualifier (an NDC, an ADA code...): the composite stays in the template.
            _ => {
                unmodelled = true;
                let revenue = self.opt_coded(f, 4, &|| format!("lines[{j}].revenue_code"));
                (None, Vec::new(), revenue)
            }
        };
        let charge = self.required_amount(f, 2, &|| format!("lines[{j}].charge"));
        let paid = self.required_amount(f, 3, &|| format!("lines[{j}].paid"));
        let units = self.amount(f, 5, &|| format!("lines[{j}].units"));
        let billed_units = self.amount(f, 7, &|| format!("lines[{j}].billed_units"));
        let (billed, billed_modifiers) = match self.kept(f.comp(6, 1)) {
            "" => {
                unmodelled |= f.has(6);
                (None, Vec::new())
            }
            "HC" => {
                let (p, m, more) = self.procedure(f, 6, j, true);
                unmodelled |= more || p.is_none();
                (p, m)
            }
            _ => {
                unmodelled = true;
                (None, Vec::new())
            }
        };
        unmodelled |= self.as_read
            || f.len() > 7
            || has_trailing_separator(f)
            || [2, 3, 4, 5, 7].iter().any(|&n| separator_in(f, n));
        let Some(c) = &mut self.current else { return };
        let mut line = LinePayment {
            procedure,
            modifiers,
            billed_procedure: billed,
            billed_modifiers,
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
        if unmodelled {
            line.extra.push(RawSegment::new("2110/SVC", f.canonical()));
        }
        c.lines.push(line);
        self.line_open = true;
    }
}

/// The path of field `name` of adjustment `i` of the claim payment or of its line `line`.
fn adjustment_field(line: Option<usize>, i: usize, name: &str) -> String {
    match line {
        Some(j) => format!("lines[{j}].adjustments[{i}].{name}"),
        None => format!("adjustments[{i}].{name}"),
    }
}

/// Whether CAS segments holding `sizes` adjustments each hold `adjustments` (in order) as a
/// writer packs them: one segment per group code, at most six adjustments each, groups in
/// the order first seen.
fn packed_as_written(adjustments: &[Adjustment], sizes: &[u8]) -> bool {
    let mut at = 0;
    let mut previous: Option<(&Coded<GroupCode>, u8)> = None;
    for &size in sizes {
        let Some(first) = adjustments.get(at) else {
            return false;
        };
        let group = &first.group;
        match previous {
            // A group continues in a second segment only after a full one.
            Some((g, n)) if g == group => {
                if n != 6 {
                    return false;
                }
            }
            _ => {
                if adjustments[..at].iter().any(|a| &a.group == group) {
                    return false;
                }
            }
        }
        previous = Some((group, size));
        at += usize::from(size);
    }
    at == adjustments.len()
}

/// Whether element `n` of `f`, a simple element, holds a component or repetition separator
/// (read as part of its value).
fn separator_in(f: &Fields<'_>, n: usize) -> bool {
    let d = f.segment().delimiters();
    f.el(n)
        .bytes()
        .any(|b| b == d.component || Some(b) == d.repetition)
}

/// Whether `f` holds exactly `elements` simple elements, the last one not empty, without
/// spaces around any value: a segment a writer writes back from the model's values as read.
fn plain(f: &Fields<'_>, elements: usize) -> bool {
    f.len() == elements
        && !f.el(elements).is_empty()
        && (1..=elements).all(|n| trim(f.el(n)).len() == f.el(n).len())
        && simple_as_read(f)
}

/// `s`, when it holds anything, as a model string.
fn opt_text(s: &str) -> Option<Text> {
    (!s.is_empty()).then(|| Text::from(s))
}

/// The payer's tax ID in TRN03 (`1` and nine digits), or `None` for any other value.
fn payer_tin(trn03: &str) -> Option<String> {
    let tin = trn03.strip_prefix('1')?;
    is_tin(tin).then(|| tin.to_owned())
}

pub(super) fn is_tin(s: &str) -> bool {
    s.len() == 9 && s.bytes().all(|b| b.is_ascii_digit())
}

/// Whether elements 1 to `to` of `f`, a segment of simple elements, are written back as read
/// from their trimmed text.
fn written_as_read(f: &Fields<'_>, to: usize) -> bool {
    (1..=to).all(|n| trim(f.el(n)).len() == f.el(n).len()) && simple_as_read(f)
}

/// The street lines of an N3; `None` when the segment holds more than the model (it then
/// stays raw).
fn n3(f: &Fields<'_>) -> Option<Vec<Text>> {
    let first = f.el(1);
    if first.is_empty() || f.len() > 2 || !written_as_read(f, 2) {
        return None;
    }
    let mut lines = vec![Text::from(first)];
    lines.extend(opt_text(f.el(2)));
    Some(lines)
}

/// The city, state, postal code and country of an N4 (an address without street lines);
/// `None` when it holds more (a location qualifier or country subdivision) or nothing, and
/// stays raw.
fn n4(f: &Fields<'_>) -> Option<Address> {
    let city = f.el(1);
    if city.is_empty() || f.len() > 4 || !written_as_read(f, 4) {
        return None;
    }
    Some(Address {
        city: Text::from(city),
        state: Text::from(f.el(2)),
        postal_code: Text::from(f.el(3)),
        country: opt_text(f.el(4)),
        ..Address::default()
    })
}

/// Reads a payer PER into a contact; `None` when the model cannot hold it (an unknown
/// function or qualifier, a number without its qualifier, PER09, a value a writer would
/// write otherwise), and it stays raw.
fn per(f: &Fields<'_>) -> Option<Contact> {
    if f.len() > 8 || !written_as_read(f, 8) {
        return None;
    }
    let function = ContactFunction::parse(f.el(1)).ok()?;
    if function.as_str() != f.el(1) {
        return None;
    }
    let mut contact = Contact::new(function, f.el(2));
    for n in [3, 5, 7] {
        let (q, v) = (f.el(n), f.el(n + 1));
        if q.is_empty() && v.is_empty() {
            continue;
        }
        let qualifier = CommunicationQualifier::parse(q).ok()?;
        if v.is_empty() || qualifier.as_str() != q {
            return None;
        }
        contact.numbers.push(CommunicationNumber {
            qualifier,
            number: v.to_owned(),
        });
    }
    Some(contact)
}
