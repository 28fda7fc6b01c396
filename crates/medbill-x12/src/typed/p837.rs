//! Reading 837P (005010X222A1/A2) and 837I (005010X223A2/A3) into claims.

use chrono::NaiveDate;
use medbill_claim::{
    Accident, Address, Admission, BillingProvider, Claim, ClaimDetail, ClaimFilingIndicator,
    Diagnosis, DiagnosisPointers, Discharge, Drug, DrugUnit, FrequencyCode, InstitutionalLine,
    InstitutionalUnitBasis, LineAdjudication, Modifiers, Occurrence, OccurrenceSpan, OtherPayer,
    Patient, PayTo, Payer, PayerSequence, PcsProcedure, PersonName, Phi, PoaIndicator,
    ProfessionalLine, Provider, RawSegment, RelatedCause, Relationship, ServiceFacility, Sex,
    Shared, Subscriber, Text, UnitBasis, ValueCode,
};
use medbill_codes::{
    Carc, GroupCode, Icd10CmCode, Icd10PcsCode, Modifier, Npi, PlaceOfService, ProcedureCode,
};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::walk::{
    Fields, LoopWalker, SetFields, canonical_order, group_adjustments, position, template, trim,
};
use super::{ReadMode, TypedError, guide_for, opt_text, parse_date, parse_decimal, settle, text};
use crate::{Position, TransactionSet};

/// Where a CLM kept for its unmodelled elements gets the model's values (see `template`).
const CLM_BLANKS: &[(usize, usize)] = &[
    (1, 0),
    (2, 0),
    (5, 1),
    (5, 3),
    (7, 0),
    (8, 0),
    (9, 0),
    (11, 1),
    (11, 2),
    (11, 3),
    (11, 4),
];
const SV1_BLANKS: &[(usize, usize)] = &[
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
];
const SV2_BLANKS: &[(usize, usize)] = &[
    (1, 0),
    (2, 2),
    (2, 3),
    (2, 4),
    (2, 5),
    (2, 6),
    (3, 0),
    (4, 0),
    (5, 0),
    (7, 0),
];
const SVD_BLANKS: &[(usize, usize)] = &[
    (1, 0),
    (2, 0),
    (3, 2),
    (3, 3),
    (3, 4),
    (3, 5),
    (3, 6),
    (5, 0),
];

/// Professional (837P) or institutional (837I).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ClaimForm {
    /// 837P, 005010X222A1.
    Professional,
    /// 837I, 005010X223A2.
    Institutional,
}

/// What an 837 says about the batch rather than any claim: the beginning of the transaction
/// (BHT), the submitter (1000A) and receiver (1000B). A writer needs it; a reader returns it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SubmissionHeader {
    /// Professional or institutional.
    pub form: ClaimForm,
    /// BHT02: `00` original, `18` reissue.
    pub purpose: String,
    /// BHT03: the originator's batch reference.
    pub reference: String,
    /// BHT04.
    pub created: NaiveDate,
    /// BHT05, `HHMM` or longer.
    pub created_time: String,
    /// BHT06: `CH` chargeable, `RP` reporting (encounters), `31` subrogation demand.
    pub claim_type: String,
    /// Submitter organisation name or last name (1000A NM103).
    pub submitter_name: String,
    /// Submitter first name, when a person (NM104).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub submitter_first_name: Option<String>,
    /// Submitter id (NM109).
    pub submitter_id: String,
    /// Submitter contact name (PER02).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_name: Option<String>,
    /// Submitter contact numbers as (qualifier, number): `("TE", "5555551212")`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub contact_numbers: Vec<(String, String)>,
    /// Receiver name (1000B NM103).
    pub receiver_name: String,
    /// Receiver id (NM109).
    pub receiver_id: String,
    /// Header segments the model does not cover.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extra: Vec<RawSegment>,
}

impl SubmissionHeader {
    /// A header with the usual codes (purpose `00`, type `CH`, time `1200`) and a contact
    /// telephone number.
    pub fn new(
        form: ClaimForm,
        reference: impl Into<String>,
        created: NaiveDate,
        submitter: (&str, &str),
        receiver: (&str, &str),
        contact_phone: &str,
    ) -> SubmissionHeader {
        SubmissionHeader {
            form,
            purpose: "00".into(),
            reference: reference.into(),
            created,
            created_time: "1200".into(),
            claim_type: "CH".into(),
            submitter_name: submitter.0.into(),
            submitter_first_name: None,
            submitter_id: submitter.1.into(),
            contact_name: None,
            contact_numbers: vec![("TE".into(), contact_phone.into())],
            receiver_name: receiver.0.into(),
            receiver_id: receiver.1.into(),
            extra: Vec::new(),
        }
    }

    /// The guide version written for this form.
    pub fn guide(&self) -> &'static str {
        match self.form {
            ClaimForm::Professional => "005010X222A1",
            ClaimForm::Institutional => "005010X223A2",
        }
    }
}

/// The claims of one 837 transaction set.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ClaimBatch {
    /// ST02.
    pub control: String,
    /// The guide version (ST03 or GS08).
    pub guide: String,
    /// BHT, submitter and receiver.
    pub header: SubmissionHeader,
    /// The claims read, in file order.
    pub claims: Vec<Claim>,
    /// Values that could not be used, and claims skipped, with positions.
    pub problems: Vec<TypedError>,
}

/// Reads an 837P or 837I transaction set into claims.
///
/// Fails only when the set is not an 837 or has no BHT; every other problem is in
/// [`ClaimBatch::problems`].
pub fn read_837(set: &TransactionSet, mode: ReadMode) -> Result<ClaimBatch, TypedError> {
    let start = || -> Position {
        let mut p = set.position(1);
        p.element = None;
        p
    };
    if set.id() != "837" {
        return Err(TypedError::Structure {
            what: format!("a {} set is not an 837", set.id()),
            position: Box::new(start()),
        });
    }
    let version = set.version();
    let form = if version.starts_with("005010X223") {
        ClaimForm::Institutional
    } else {
        ClaimForm::Professional
    };
    let guide = guide_for("837", version).ok_or_else(|| TypedError::Structure {
        what: "no guide for this 837".into(),
        position: Box::new(start()),
    })?;
    let mut r = R837 {
        set,
        mode,
        form,
        walker: LoopWalker::new(match form {
            ClaimForm::Institutional => guide_for("837", "005010X223A2").unwrap_or(guide),
            ClaimForm::Professional => guide,
        }),
        header: None,
        header_extra: Vec::new(),
        submitter: (String::new(), None, String::new()),
        contact: None,
        receiver: (String::new(), String::new()),
        bill: Bill::default(),
        sub: Sub::default(),
        pat: Pat::default(),
        claim: None,
        spare: None,
        // About one claim per 400 bytes; reserving avoids regrowing a vector of large claims.
        claims: Vec::with_capacity(set.bytes().len() / 400),
        problems: Vec::new(),
        saw_per: false,
        last_payer: None,
        proto: None,
        line_proto: None,
        handoff: Handoff::None,
    };
    let mut segments = SetFields::new(set);
    let is_text = segments.is_text();
    while let Some(f) = segments.advance() {
        let l = r.walker.step(f);
        r.segment(l, f);
        if let Some((n, why)) = f.kept_text_problem() {
            r.bad(f, n, "segment", why);
        }
        if !is_text && std::str::from_utf8(f.segment().raw()).is_err() {
            // Its values read as empty and its raw text has the bytes replaced: what is
            // written back differs from what was read, so that is reported (after the
            // segment, so that a CLM's problem is its own claim's).
            r.bad(f, 0, "segment", "not UTF-8 text");
        }
    }
    r.finish_claim();
    let Some(mut header) = r.header else {
        return Err(TypedError::Structure {
            what: "the 837 has no BHT".into(),
            position: Box::new(start()),
        });
    };
    header.submitter_name = r.submitter.0;
    header.submitter_first_name = r.submitter.1;
    header.submitter_id = r.submitter.2;
    if let Some((name, numbers)) = r.contact {
        header.contact_name = name;
        header.contact_numbers = numbers;
    }
    header.receiver_name = r.receiver.0;
    header.receiver_id = r.receiver.1;
    header.extra = r.header_extra;
    canonical_order(r.walker.guide(), &mut header.extra);
    Ok(ClaimBatch {
        control: set.control().to_owned(),
        guide: version.to_owned(),
        header,
        claims: r.claims,
        problems: r.problems,
    })
}

#[derive(Default, Clone)]
struct Bill {
    /// Shared by every claim of the level: a copy per claim was seven allocations.
    provider: Option<Shared<BillingProvider>>,
    pay_to: Option<Box<PayTo>>,
    extra: Vec<RawSegment>,
}

#[derive(Default, Clone)]
struct Sub {
    subscriber: Option<Subscriber>,
    sequence: Option<PayerSequence>,
    filing: Option<ClaimFilingIndicator>,
    payer: Option<Shared<Payer>>,
    extra: Vec<RawSegment>,
}

#[derive(Default, Clone)]
struct Pat {
    patient: Option<Box<Patient>>,
    extra: Vec<RawSegment>,
}

/// A service line being read.
#[derive(Default)]
struct LineParts {
    lx: Loc,
    procedure: Option<ProcedureCode>,
    revenue_code: Option<String>,
    modifiers: Modifiers,
    charge: Option<Decimal>,
    units: Option<Decimal>,
    /// SV103 / SV204 when two bytes long (every unit basis code is), else zeros: kept
    /// inline because a `String` here cost an allocation per line.
    basis: [u8; 2],
    pos: Option<PlaceOfService>,
    pointers: DiagnosisPointers,
    non_covered: Option<Decimal>,
    date: Option<NaiveDate>,
    end: Option<NaiveDate>,
    control: Option<String>,
    ndc: Option<String>,
    drug_qty: Option<Decimal>,
    drug_unit: Option<DrugUnit>,
    /// The LIN and CTP read for the drug, as canonical text: kept raw when they do not make
    /// a drug, so that the 2410 loop they open is written back.
    drug_segments: Vec<String>,
    /// Boxed, as on the line: parts are moved and reset often, and most lines have none.
    rendering: Option<Box<Provider>>,
    adjudications: Vec<LineAdjudication>,
    extra: Vec<RawSegment>,
    /// The loop of the provider segment being read (2420x), for its PRV and REF.
    provider_role: Option<&'static str>,
}

/// A claim being read.
#[derive(Default)]
struct ClaimParts {
    pcn: Text,
    at: Loc,
    problems: Vec<TypedError>,
    total: Option<Decimal>,
    code1: String,
    frequency: Option<FrequencyCode>,
    accepts: bool,
    benefits: bool,
    release: String,
    causes: Vec<RelatedCause>,
    accident_state: Option<String>,
    accident_date: Option<NaiveDate>,
    statement: Option<(NaiveDate, NaiveDate)>,
    admission_date: Option<(NaiveDate, Option<u8>)>,
    discharge_hour: Option<u8>,
    cl1: Option<(String, String, String, String)>,
    original: Option<String>,
    prior_auth: Option<String>,
    referral: Option<String>,
    diagnoses: Vec<Icd10CmCode>,
    principal: Option<Diagnosis>,
    admitting: Option<Icd10CmCode>,
    reasons: Vec<Icd10CmCode>,
    others: Vec<Diagnosis>,
    external: Vec<Diagnosis>,
    procedures: Vec<PcsProcedure>,
    occurrences: Vec<Occurrence>,
    spans: Vec<OccurrenceSpan>,
    values: Vec<ValueCode>,
    conditions: Vec<String>,
    drg: Option<String>,
    // Boxed, as on the claim: the parts are reset for every claim, and most claims have
    // few of these.
    rendering: Option<Box<Provider>>,
    referring: Option<Box<Provider>>,
    attending: Option<Box<Provider>>,
    operating: Option<Box<Provider>>,
    facility: Option<Box<ServiceFacility>>,
    provider_role: Option<&'static str>,
    other_payers: Vec<OtherPayer>,
    lines: Vec<LineParts>,
    extra: Vec<RawSegment>,
}

impl ClaimParts {
    /// Empties the parts for the next claim, keeping the buffers that are not handed to
    /// the claim (the line list, the place-of-service or type-of-bill code, CLM09).
    fn reopen(&mut self) {
        let mut lines = std::mem::take(&mut self.lines);
        lines.clear();
        let mut code1 = std::mem::take(&mut self.code1);
        code1.clear();
        let mut release = std::mem::take(&mut self.release);
        release.clear();
        *self = ClaimParts {
            lines,
            code1,
            release,
            accepts: true,
            benefits: true,
            ..ClaimParts::default()
        };
    }
}

/// A contact name and its (qualifier, number) pairs.
type Contact = (Option<String>, Vec<(String, String)>);

struct R837<'s> {
    set: &'s TransactionSet,
    mode: ReadMode,
    form: ClaimForm,
    walker: LoopWalker,
    header: Option<SubmissionHeader>,
    header_extra: Vec<RawSegment>,
    submitter: (String, Option<String>, String),
    contact: Option<Contact>,
    receiver: (String, String),
    bill: Bill,
    sub: Sub,
    pat: Pat,
    claim: Option<Box<ClaimParts>>,
    /// The last claim's parts, kept for the next CLM: their buffers are reused.
    spare: Option<Box<ClaimParts>>,
    claims: Vec<Claim>,
    problems: Vec<TypedError>,
    saw_per: bool,
    /// The last subscriber-level payer read, shared with the next when equal.
    last_payer: Option<Shared<Payer>>,
    proto: Option<Claim>,
    /// A professional line holding nothing of note, copied for each line read.
    line_proto: Option<ProfessionalLine>,
    /// Which hierarchical levels the claim being finished may move out of (see `hl`).
    handoff: Handoff,
}

/// The hierarchical levels (and those below them) about to be closed when a claim is
/// finished: their values can be moved into the claim rather than cloned.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Handoff {
    /// None: the claim copies every level's values.
    None,
    /// The patient level (2000C).
    Patient,
    /// The subscriber level (2000B) and the patient level.
    Subscriber,
    /// The billing provider level (2000A) and every level below it.
    Billing,
}

/// `value` moved out when `moving`, else cloned.
fn take_or_clone<T: Clone + Default>(value: &mut T, moving: bool) -> T {
    if moving {
        std::mem::take(value)
    } else {
        value.clone()
    }
}

fn opt(s: &str) -> Option<String> {
    let t = trim(s);
    (!t.is_empty()).then(|| t.to_owned())
}

fn person_name(f: &Fields<'_>) -> PersonName {
    PersonName {
        last: text(f.el(3)),
        first: opt_text(f.el(4)),
        middle: opt_text(f.el(5)),
        suffix: opt_text(f.el(7)),
    }
}

fn raw(loop_id: &str, f: &Fields<'_>) -> RawSegment {
    RawSegment::new(loop_id, f.canonical())
}

fn other_loop(loop_id: &str, index: usize) -> String {
    format!("{loop_id}[{}]", index + 1)
}

impl R837<'_> {
    /// Records a value the model cannot hold, on the open claim when there is one.
    fn bad(&mut self, f: &Fields<'_>, element: u32, field: &str, reason: impl Into<String>) {
        let e = TypedError::Value {
            field: field.to_owned(),
            reason: reason.into(),
            position: Box::new(position(self.set, f, element)),
        };
        match &mut self.claim {
            Some(c) => c.problems.push(e),
            None => self.problems.push(e),
        }
    }

    fn decimal(&mut self, f: &Fields<'_>, n: usize, field: &str) -> Option<Decimal> {
        let s = trim(f.el(n));
        if s.is_empty() {
            return None;
        }
        match parse_decimal(s) {
            Ok(d) => Some(d),
            Err(_) => {
                self.bad(f, n as u32, field, "not a number");
                None
            }
        }
    }

    fn decimal_str(&mut self, f: &Fields<'_>, n: usize, s: &str, field: &str) -> Option<Decimal> {
        let s = trim(s);
        if s.is_empty() {
            return None;
        }
        match parse_decimal(s) {
            Ok(d) => Some(d),
            Err(_) => {
                self.bad(f, n as u32, field, "not a number");
                None
            }
        }
    }

    fn date(&mut self, f: &Fields<'_>, n: usize, field: &str) -> Option<NaiveDate> {
        let s = f.el(n);
        if trim(s).is_empty() {
            return None;
        }
        let d = parse_date(s);
        if d.is_none() {
            self.bad(f, n as u32, field, "not a CCYYMMDD date");
        }
        d
    }

    /// NM109 under NM108 = XX: a valid NPI, or the text as reported when it is not one.
    ///
    /// A bad NPI can exist on a claim a payer receives, so it is kept (for the scrubber's
    /// `NPI.INVALID` and a lossless round trip) and reported in the batch problems rather
    /// than the claim's: strict mode does not skip a claim for a value the model holds.
    fn npi(&mut self, f: &Fields<'_>, field: &str) -> (Option<Npi>, Option<String>) {
        let text = trim(f.el(9));
        if trim(f.el(8)) != "XX" || text.is_empty() {
            return (None, None);
        }
        match Npi::parse(text) {
            Ok(n) => (Some(n), None),
            Err(e) => {
                self.problems.push(TypedError::Value {
                    field: field.to_owned(),
                    reason: format!("{e} (kept as invalid_npi)"),
                    position: Box::new(position(self.set, f, 9)),
                });
                (None, Some(text.to_owned()))
            }
        }
    }

    fn provider(&mut self, f: &Fields<'_>, field: &str) -> Provider {
        let (npi, invalid_npi) = self.npi(f, field);
        Provider {
            npi,
            invalid_npi,
            name: person_name(f),
            organization: trim(f.el(2)) == "2",
            taxonomy: None,
            secondary_ids: Vec::new(),
        }
    }

    fn icd(&mut self, f: &Fields<'_>, n: usize, code: &str, field: &str) -> Option<Icd10CmCode> {
        match Icd10CmCode::parse(code) {
            Ok(c) => Some(c),
            Err(e) => {
                self.bad(f, n as u32, field, e.to_string());
                None
            }
        }
    }

    fn poa(&mut self, f: &Fields<'_>, n: usize, s: &str) -> Option<PoaIndicator> {
        if trim(s).is_empty() {
            return None;
        }
        match PoaIndicator::parse(s) {
            Ok(p) => Some(p),
            Err(e) => {
                self.bad(f, n as u32, "poa", e.to_string());
                None
            }
        }
    }

    fn adjustments(&mut self, f: &Fields<'_>, field: &str) -> Vec<medbill_claim::Adjustment> {
        cas(f)
            .filter_map(|r| r.map_err(|(n, why)| self.bad(f, n, field, why)).ok())
            .collect()
    }

    fn segment(&mut self, l: &'static str, f: &Fields<'_>) {
        if let [b'2', b'1'..=b'9', ..] = l.as_bytes() {
            // Claim and line loops (2300 on), most segments: straight to them, past the
            // header and hierarchical-level names below.
            self.claim_segment(l, f);
            return;
        }
        let id = f.id();
        match l {
            "" => match id {
                "ST" | "SE" => {}
                "BHT" => {
                    let created = self.date(f, 4, "header.created");
                    self.header = Some(SubmissionHeader {
                        form: self.form,
                        purpose: trim(f.el(2)).to_owned(),
                        reference: trim(f.el(3)).to_owned(),
                        created: created.unwrap_or_default(),
                        created_time: trim(f.el(5)).to_owned(),
                        claim_type: trim(f.el(6)).to_owned(),
                        submitter_name: String::new(),
                        submitter_first_name: None,
                        submitter_id: String::new(),
                        contact_name: None,
                        contact_numbers: Vec::new(),
                        receiver_name: String::new(),
                        receiver_id: String::new(),
                        extra: Vec::new(),
                    });
                }
                _ => self.header_extra.push(raw(l, f)),
            },
            "1000A" => match id {
                "NM1" => {
                    self.submitter = (
                        trim(f.el(3)).to_owned(),
                        opt(f.el(4)),
                        trim(f.el(9)).to_owned(),
                    )
                }
                "PER" if !self.saw_per => {
                    self.saw_per = true;
                    let numbers = [(3, 4), (5, 6), (7, 8)]
                        .iter()
                        .filter(|(q, _)| !trim(f.el(*q)).is_empty())
                        .map(|&(q, v)| (trim(f.el(q)).to_owned(), trim(f.el(v)).to_owned()))
                        .collect();
                    self.contact = Some((opt(f.el(2)), numbers));
                }
                _ => self.header_extra.push(raw(l, f)),
            },
            "1000B" => match id {
                "NM1" => self.receiver = (trim(f.el(3)).to_owned(), trim(f.el(9)).to_owned()),
                _ => self.header_extra.push(raw(l, f)),
            },
            "2000A" | "2010AA" | "2010AB" => self.billing(l, f),
            "2000B" | "2010BA" | "2010BB" => self.subscriber(l, f),
            "2000C" | "2010CA" => self.patient(l, f),
            _ if l.starts_with("20") => {
                // 2010AC and any other provider-level loop.
                if id == "HL" {
                    self.hl(f);
                } else {
                    self.bill.extra.push(raw(l, f));
                }
            }
            _ => self.claim_segment(l, f),
        }
    }

    fn hl(&mut self, f: &Fields<'_>) {
        // The levels this HL closes are dropped right after the open claim is built, so the
        // claim may take their values instead of copying them.
        self.handoff = match trim(f.el(3)) {
            "20" => Handoff::Billing,
            "22" => Handoff::Subscriber,
            _ => Handoff::Patient,
        };
        self.finish_claim();
        self.handoff = Handoff::None;
        match trim(f.el(3)) {
            "20" => {
                self.bill = Bill::default();
                self.sub = Sub::default();
                self.pat = Pat::default();
            }
            "22" => {
                self.sub = Sub::default();
                self.pat = Pat::default();
            }
            _ => self.pat = Pat::default(),
        }
    }

    fn billing(&mut self, l: &'static str, f: &Fields<'_>) {
        let id = f.id();
        match (l, id) {
            (_, "HL") => self.hl(f),
            ("2000A", "PRV") if trim(f.el(1)) == "BI" => {
                let tax = opt(f.el(3));
                self.bill_provider().provider.taxonomy = tax;
            }
            ("2010AA", "NM1") => {
                let taxonomy = self
                    .bill
                    .provider
                    .as_ref()
                    .and_then(|b| b.provider.taxonomy.clone());
                let mut p = self.provider(f, "billing_provider.npi");
                p.taxonomy = taxonomy;
                self.bill_provider().provider = p;
            }
            ("2010AA", "N3") => {
                let lines = n3(f);
                self.bill_provider().address.lines = lines;
            }
            ("2010AA", "N4") => n4(f, &mut self.bill_provider().address),
            ("2010AA", "REF") if matches!(trim(f.el(1)), "EI" | "SY") => {
                let b = self.bill_provider();
                b.tin = Phi::new(trim(f.el(2)).to_owned());
                b.tin_is_ssn = trim(f.el(1)) == "SY";
            }
            ("2010AA", "REF") if matches!(trim(f.el(1)), "0B" | "1G") => {
                let pair = (trim(f.el(1)).to_owned(), trim(f.el(2)).to_owned());
                self.bill_provider().provider.secondary_ids.push(pair);
            }
            ("2010AB", "NM1") if trim(f.el(2)) == "2" && f.len() <= 2 => {
                self.bill.pay_to = Some(Box::new(PayTo {
                    address: Address::default(),
                    name: None,
                }));
            }
            ("2010AB", "N3") if self.bill.pay_to.is_some() => {
                if let Some(p) = &mut self.bill.pay_to {
                    p.address.lines = n3(f);
                }
            }
            ("2010AB", "N4") if self.bill.pay_to.is_some() => {
                if let Some(p) = &mut self.bill.pay_to {
                    n4(f, &mut p.address);
                }
            }
            _ => self.bill.extra.push(raw(l, f)),
        }
    }

    fn bill_provider(&mut self) -> &mut BillingProvider {
        // Copied on write only when a claim already holds the provider (a segment of the
        // level after its claims).
        self.bill
            .provider
            .get_or_insert_with(|| Shared::new(blank_billing_provider()))
    }

    fn subscriber(&mut self, l: &'static str, f: &Fields<'_>) {
        let id = f.id();
        match (l, id) {
            (_, "HL") => self.hl(f),
            ("2000B", "SBR") => {
                self.sub.sequence = PayerSequence::parse(f.el(1)).ok();
                if self.sub.sequence.is_none() {
                    self.bad(f, 1, "sequence", "not a payer responsibility sequence code");
                }
                let filing = trim(f.el(9));
                self.sub.filing = ClaimFilingIndicator::parse(filing).ok();
                if self.sub.filing.is_none() {
                    self.bad(
                        f,
                        9,
                        "filing_indicator",
                        "not a claim filing indicator code",
                    );
                }
                let s = self.subscriber_mut();
                s.group_number = opt_text(f.el(3));
                s.group_name = opt_text(f.el(4));
                if (5..9).any(|n| f.has(n)) {
                    self.sub.extra.push(template(
                        "2000B/SBR",
                        f,
                        &[(1, 0), (2, 0), (3, 0), (4, 0), (9, 0)],
                    ));
                }
            }
            ("2010BA", "NM1") => {
                let name = person_name(f);
                let s = self.subscriber_mut();
                s.name = Phi::new(name);
                s.member_id = Phi::new(text(f.el(9)));
            }
            ("2010BA", "N3") => {
                let lines = n3(f);
                let s = self.subscriber_mut();
                s.address.get_or_insert_default().reveal_mut().lines = lines;
            }
            ("2010BA", "N4") => {
                let s = self.subscriber_mut();
                n4(f, s.address.get_or_insert_default().reveal_mut());
            }
            ("2010BA", "DMG") => {
                let (birth, sex) = self.dmg(f, "subscriber");
                let s = self.subscriber_mut();
                s.birth_date = birth.map(Phi::new);
                s.sex = sex;
            }
            ("2010BA", "REF") if trim(f.el(1)) == "SY" => {
                self.subscriber_mut().ssn = Some(Phi::new(text(f.el(2))));
            }
            ("2010BB", "NM1") => {
                let (id, name) = (trim(f.el(9)), trim(f.el(3)));
                // Claims of a file mostly bill a few payers: the last one read is shared
                // when it is the same (two strings fewer per claim).
                let payer = match &self.last_payer {
                    Some(p) if p.id == id && p.name == name => p.clone(),
                    _ => Shared::new(Payer::new(id, name)),
                };
                self.last_payer = Some(payer.clone());
                self.sub.payer = Some(payer);
            }
            _ => self.sub.extra.push(raw(l, f)),
        }
    }

    fn subscriber_mut(&mut self) -> &mut Subscriber {
        self.sub
            .subscriber
            .get_or_insert_with(|| Subscriber::new(String::new(), PersonName::default()))
    }

    fn dmg(&mut self, f: &Fields<'_>, who: &str) -> (Option<NaiveDate>, Option<Sex>) {
        let birth = if trim(f.el(2)).is_empty() {
            None
        } else {
            let d = parse_date(f.el(2));
            if d.is_none() {
                self.bad(f, 2, &format!("{who}.birth_date"), "not a CCYYMMDD date");
            }
            d
        };
        let sex = if trim(f.el(3)).is_empty() {
            None
        } else {
            let s = Sex::parse(f.el(3)).ok();
            if s.is_none() {
                self.bad(f, 3, &format!("{who}.sex"), "not F, M or U");
            }
            s
        };
        (birth, sex)
    }

    fn patient(&mut self, l: &'static str, f: &Fields<'_>) {
        let id = f.id();
        match (l, id) {
            (_, "HL") => self.hl(f),
            ("2000C", "PAT") => {
                match Relationship::parse(f.el(1)) {
                    Ok(r) => self.patient_mut().relationship = r,
                    Err(e) => self.bad(f, 1, "patient.relationship", e.to_string()),
                }
                if (2..10).any(|n| f.has(n)) {
                    self.pat.extra.push(template("2000C/PAT", f, &[(1, 0)]));
                }
            }
            ("2010CA", "NM1") => {
                let name = person_name(f);
                self.patient_mut().name = Phi::new(name);
            }
            ("2010CA", "N3") => {
                let lines = n3(f);
                let p = self.patient_mut();
                p.address.get_or_insert_default().reveal_mut().lines = lines;
            }
            ("2010CA", "N4") => {
                let p = self.patient_mut();
                n4(f, p.address.get_or_insert_default().reveal_mut());
            }
            ("2010CA", "DMG") => {
                let (birth, sex) = self.dmg(f, "patient");
                let p = self.patient_mut();
                p.birth_date = birth.map(Phi::new);
                p.sex = sex;
            }
            _ => self.pat.extra.push(raw(l, f)),
        }
    }

    fn patient_mut(&mut self) -> &mut Patient {
        self.pat.patient.get_or_insert_with(|| {
            Box::new(Patient {
                relationship: Relationship::Unknown,
                name: Phi::new(PersonName::default()),
                birth_date: None,
                sex: None,
                address: None,
            })
        })
    }

    fn claim_segment(&mut self, l: &'static str, f: &Fields<'_>) {
        let id = f.id();
        if id == "CLM" {
            self.finish_claim();
            self.clm(f);
            return;
        }
        if self.claim.is_none() {
            // A claim-level segment before any CLM: keep it with the subscriber.
            self.sub.extra.push(raw(l, f));
            return;
        }
        match l {
            "2300" => self.claim_header(f),
            _ if l.starts_with("231") => self.claim_provider(l, f),
            _ if l.starts_with("232") || l.starts_with("233") => self.other_payer(l, f),
            _ if l.starts_with("24") => self.line(l, f),
            _ => self.push_claim_extra(l, f),
        }
    }

    fn push_claim_extra(&mut self, l: &str, f: &Fields<'_>) {
        if let Some(c) = &mut self.claim {
            c.extra.push(raw(l, f));
        }
    }

    fn clm(&mut self, f: &Fields<'_>) {
        let mut c = self.spare.take().unwrap_or_default();
        c.reopen();
        c.pcn = text(f.el(1));
        c.at = Loc {
            byte: f.segment().offset(),
            index: f.index,
        };
        c.code1.push_str(trim(f.comp(5, 1)));
        let release = trim(f.el(9));
        c.release
            .push_str(if release.is_empty() { "Y" } else { release });
        self.claim = Some(c);
        let total = self.decimal(f, 2, "total_charge");
        let freq = f.comp(5, 3);
        let frequency = match FrequencyCode::parse(freq) {
            Ok(fc) => Some(fc),
            Err(e) => {
                self.bad(f, 5, "frequency", e.to_string());
                None
            }
        };
        let accepts = !matches!(trim(f.el(7)), "B" | "C");
        let benefits = !matches!(trim(f.el(8)), "N" | "W");
        let mut causes = Vec::new();
        for (i, code) in f.comps(11).take(3).enumerate() {
            if trim(code).is_empty() {
                continue;
            }
            match RelatedCause::parse(code) {
                Ok(r) => causes.push(r),
                Err(e) => self.bad(f, 11, &format!("accident.causes[{i}]"), e.to_string()),
            }
        }
        let state = opt(f.comp(11, 4));
        let unmodelled = f.has(10)
            || f.has_any(12, 20)
            || (self.form == ClaimForm::Professional && trim(f.el(6)) == "N");
        if let Some(c) = &mut self.claim {
            c.total = total;
            c.frequency = frequency;
            c.accepts = accepts;
            c.benefits = benefits;
            c.causes = causes;
            c.accident_state = state;
            if unmodelled {
                // Elements the claim model does not hold (signature source, special program,
                // delay reason): the whole CLM is kept so that nothing is lost.
                c.extra.push(template("2300/CLM", f, CLM_BLANKS));
            }
        }
    }

    fn claim_header(&mut self, f: &Fields<'_>) {
        let id = f.id();
        let q = trim(f.el(1));
        match (id, q) {
            ("DTP", "439") if trim(f.el(2)) == "D8" => {
                let d = self.date(f, 3, "accident.date");
                if let Some(c) = &mut self.claim {
                    c.accident_date = d;
                }
            }
            ("DTP", "434") if trim(f.el(2)) == "RD8" => {
                let range = f.el(3);
                let (a, b) = range.split_once('-').unwrap_or((range, range));
                match (parse_date(a), parse_date(b)) {
                    (Some(a), Some(b)) => {
                        if let Some(c) = &mut self.claim {
                            c.statement = Some((a, b));
                        }
                    }
                    _ => self.bad(f, 3, "statement_from", "not a CCYYMMDD-CCYYMMDD range"),
                }
            }
            ("DTP", "435") => {
                let v = trim(f.el(3));
                let (date, hour) = match trim(f.el(2)) {
                    "DT" if v.len() == 12 && v.ends_with("00") => {
                        (parse_date(&v[..8]), v[8..10].parse::<u8>().ok())
                    }
                    "D8" => (parse_date(v), None),
                    _ => (None, None),
                };
                match date {
                    Some(d) if trim(f.el(2)) == "D8" || hour.is_some() => {
                        if let Some(c) = &mut self.claim {
                            c.admission_date = Some((d, hour));
                        }
                    }
                    _ => self.push_claim_extra("2300", f),
                }
            }
            ("DTP", "096") if trim(f.el(2)) == "TM" => {
                let v = trim(f.el(3));
                match (v.len(), v.get(..2).and_then(|h| h.parse::<u8>().ok())) {
                    (4, Some(h)) if v.ends_with("00") => {
                        if let Some(c) = &mut self.claim {
                            c.discharge_hour = Some(h);
                        }
                    }
                    _ => self.push_claim_extra("2300", f),
                }
            }
            ("CL1", _) if self.form == ClaimForm::Institutional => {
                let t = (
                    trim(f.el(1)).to_owned(),
                    trim(f.el(2)).to_owned(),
                    trim(f.el(3)).to_owned(),
                    f.canonical(),
                );
                if let Some(c) = &mut self.claim {
                    c.cl1 = Some(t);
                }
            }
            ("REF", "F8" | "G1" | "9F") => {
                let v = opt(f.el(2));
                if let Some(c) = &mut self.claim {
                    match q {
                        "F8" if c.original.is_none() => c.original = v,
                        "G1" if c.prior_auth.is_none() => c.prior_auth = v,
                        "9F" if c.referral.is_none() => c.referral = v,
                        _ => c.extra.push(raw("2300", f)),
                    }
                }
            }
            ("HI", _) => self.hi(f),
            _ => self.push_claim_extra("2300", f),
        }
    }

    fn hi(&mut self, f: &Fields<'_>) {
        let first = trim(f.comp(1, 1));
        let institutional = self.form == ClaimForm::Institutional;
        let known = if institutional {
            matches!(
                first,
                "ABK"
                    | "ABJ"
                    | "APR"
                    | "ABN"
                    | "ABF"
                    | "BBR"
                    | "BBQ"
                    | "BH"
                    | "BI"
                    | "BE"
                    | "BG"
                    | "DR"
            )
        } else {
            matches!(first, "ABK" | "ABF" | "BG")
        };
        if matches!(first, "BK" | "BF" | "BJ" | "PR" | "BN" | "BR" | "BQ") {
            // ICD-9-CM qualifiers: the claim model holds ICD-10 codes only. The segment is kept
            // so that nothing is lost, and the problem is reported.
            self.bad(
                f,
                1,
                "diagnoses",
                format!("qualifier {first} is ICD-9-CM; the claim model holds ICD-10 codes only"),
            );
            self.push_claim_extra("2300", f);
            return;
        }
        if !known {
            self.push_claim_extra("2300", f);
            return;
        }
        for n in 1..=f.len().min(24) {
            let e = f.el(n);
            if trim(e).is_empty() {
                continue;
            }
            // Components by index (1-based `comp`), without collecting them.
            let part = |i: usize| trim(f.comp(n, i + 1));
            let q = part(0);
            let code = part(1);
            match q {
                "ABK" | "ABF" if !institutional => {
                    if let Some(c) = self.icd(f, n, code, "diagnoses")
                        && let Some(cl) = &mut self.claim
                    {
                        cl.diagnoses.push(c);
                    }
                }
                "ABK" | "ABF" | "ABN" => {
                    let field = match q {
                        "ABK" => "principal_diagnosis",
                        "ABN" => "external_causes",
                        _ => "other_diagnoses",
                    };
                    let poa = self.poa(f, n, part(8));
                    if let Some(c) = self.icd(f, n, code, field)
                        && let Some(cl) = &mut self.claim
                    {
                        let d = Diagnosis::new(c, poa);
                        match q {
                            "ABK" => cl.principal = Some(d),
                            "ABN" => cl.external.push(d),
                            _ => cl.others.push(d),
                        }
                    }
                }
                "ABJ" => {
                    if let Some(c) = self.icd(f, n, code, "admitting_diagnosis")
                        && let Some(cl) = &mut self.claim
                    {
                        cl.admitting = Some(c);
                    }
                }
                "APR" => {
                    if let Some(c) = self.icd(f, n, code, "reason_for_visit")
                        && let Some(cl) = &mut self.claim
                    {
                        cl.reasons.push(c);
                    }
                }
                "BBR" | "BBQ" => {
                    let pcs = Icd10PcsCode::parse(code);
                    let date = parse_date(part(3));
                    match (pcs, date) {
                        (Ok(code), Some(date)) => {
                            if let Some(cl) = &mut self.claim {
                                cl.procedures.push(PcsProcedure { code, date });
                            }
                        }
                        (Err(e), _) => self.bad(f, n as u32, "procedures", e.to_string()),
                        (_, None) => self.bad(f, n as u32, "procedures", "no CCYYMMDD date"),
                    }
                }
                "BH" => match parse_date(part(3)) {
                    Some(date) => {
                        if let Some(cl) = &mut self.claim {
                            cl.occurrences.push(Occurrence {
                                code: code.to_owned(),
                                date,
                            });
                        }
                    }
                    None => self.bad(f, n as u32, "occurrences", "no CCYYMMDD date"),
                },
                "BI" => {
                    let range = part(3);
                    let (a, b) = range.split_once('-').unwrap_or((range, ""));
                    match (parse_date(a), parse_date(b)) {
                        (Some(from), Some(to)) => {
                            if let Some(cl) = &mut self.claim {
                                cl.spans.push(OccurrenceSpan {
                                    code: code.to_owned(),
                                    from,
                                    to,
                                });
                            }
                        }
                        _ => self.bad(
                            f,
                            n as u32,
                            "occurrence_spans",
                            "no CCYYMMDD-CCYYMMDD range",
                        ),
                    }
                }
                "BE" => {
                    if let Some(amount) = self.decimal_str(f, n, part(4), "value_codes")
                        && let Some(cl) = &mut self.claim
                    {
                        cl.values.push(ValueCode {
                            code: code.to_owned(),
                            amount,
                        });
                    }
                }
                "BG" => {
                    if let Some(cl) = &mut self.claim {
                        cl.conditions.push(code.to_owned());
                    }
                }
                "DR" => {
                    if let Some(cl) = &mut self.claim {
                        cl.drg = Some(code.to_owned());
                    }
                }
                _ => self.bad(
                    f,
                    n as u32,
                    "diagnoses",
                    "a qualifier this HI does not take",
                ),
            }
        }
    }

    fn claim_provider(&mut self, l: &'static str, f: &Fields<'_>) {
        let id = f.id();
        if id == "NM1" {
            let role = match trim(f.el(1)) {
                "82" => Some("rendering"),
                "DN" => Some("referring"),
                "77" => Some("facility"),
                "71" if self.form == ClaimForm::Institutional => Some("attending"),
                "72" if self.form == ClaimForm::Institutional => Some("operating"),
                _ => None,
            };
            let taken = self.claim.as_ref().is_some_and(|c| match role {
                Some("rendering") => c.rendering.is_some(),
                Some("referring") => c.referring.is_some(),
                Some("facility") => c.facility.is_some(),
                Some("attending") => c.attending.is_some(),
                Some("operating") => c.operating.is_some(),
                _ => true,
            });
            let role = if taken { None } else { role };
            let p = role.map(|r| self.provider(f, r));
            let Some(c) = &mut self.claim else { return };
            c.provider_role = role;
            match (role, p) {
                (Some("rendering"), Some(p)) => c.rendering = Some(Box::new(p)),
                (Some("referring"), Some(p)) => c.referring = Some(Box::new(p)),
                (Some("attending"), Some(p)) => c.attending = Some(Box::new(p)),
                (Some("operating"), Some(p)) => c.operating = Some(Box::new(p)),
                (Some("facility"), Some(p)) => {
                    c.facility = Some(Box::new(ServiceFacility {
                        provider: p,
                        address: Address::default(),
                    }))
                }
                _ => c.extra.push(raw(l, f)),
            }
            return;
        }
        let Some(c) = &mut self.claim else { return };
        let role = c.provider_role;
        let provider = match role {
            Some("rendering") => c.rendering.as_deref_mut(),
            Some("referring") => c.referring.as_deref_mut(),
            Some("attending") => c.attending.as_deref_mut(),
            Some("operating") => c.operating.as_deref_mut(),
            Some("facility") => c.facility.as_mut().map(|s| &mut s.provider),
            _ => None,
        };
        match (provider, id) {
            (Some(p), "PRV") if p.taxonomy.is_none() && trim(f.el(2)) == "PXC" => {
                p.taxonomy = opt(f.el(3))
            }
            (Some(p), "REF") if f.len() <= 2 => p
                .secondary_ids
                .push((trim(f.el(1)).to_owned(), trim(f.el(2)).to_owned())),
            (Some(_), "N3") if role == Some("facility") => {
                if let Some(s) = &mut c.facility {
                    s.address.lines = n3(f);
                }
            }
            (Some(_), "N4") if role == Some("facility") => {
                if let Some(s) = &mut c.facility {
                    n4(f, &mut s.address);
                }
            }
            _ => c.extra.push(raw(l, f)),
        }
    }

    fn other_payer(&mut self, l: &'static str, f: &Fields<'_>) {
        let id = f.id();
        if l == "2320" && id == "SBR" {
            let seq = PayerSequence::parse(f.el(1));
            let rel = opt(f.el(2)).map(|r| Relationship::parse(&r));
            let filing = opt(f.el(9)).map(|r| ClaimFilingIndicator::parse(&r));
            let mut op = OtherPayer::new(Payer::new("", ""), PayerSequence::Unknown);
            match seq {
                Ok(s) => op.sequence = s,
                Err(e) => self.bad(f, 1, "other_payers.sequence", e.to_string()),
            }
            match rel {
                Some(Ok(r)) => op.relationship = Some(r),
                Some(Err(e)) => self.bad(f, 2, "other_payers.relationship", e.to_string()),
                None => {}
            }
            match filing {
                Some(Ok(x)) => op.filing_indicator = Some(x),
                Some(Err(e)) => self.bad(f, 9, "other_payers.filing_indicator", e.to_string()),
                None => {}
            }
            let mut sub = Subscriber::new(String::new(), PersonName::default());
            sub.group_number = opt_text(f.el(3));
            sub.group_name = opt_text(f.el(4));
            op.subscriber = Some(sub);
            let unmodelled = (5..9).any(|n| f.has(n));
            if let Some(c) = &mut self.claim {
                c.other_payers.push(op);
                if unmodelled {
                    let i = c.other_payers.len() - 1;
                    c.extra.push(template(
                        format!("{}/SBR", other_loop("2320", i)),
                        f,
                        &[(1, 0), (2, 0), (3, 0), (4, 0), (9, 0)],
                    ));
                }
            }
            return;
        }
        let adjustments = if id == "CAS" && l == "2320" {
            self.adjustments(f, "other_payers.adjustments")
        } else {
            Vec::new()
        };
        let amount = if id == "AMT" && l == "2320" {
            self.decimal(f, 2, "other_payers.paid")
        } else {
            None
        };
        let date = if id == "DTP" && l == "2330B" && trim(f.el(1)) == "573" {
            self.date(f, 3, "other_payers.adjudication_date")
        } else {
            None
        };
        let Some(c) = &mut self.claim else { return };
        let Some(i) = c.other_payers.len().checked_sub(1) else {
            c.extra.push(raw(l, f));
            return;
        };
        let op = &mut c.other_payers[i];
        let q = trim(f.el(1));
        match (l, id) {
            ("2320", "CAS") => op.adjustments.extend(adjustments),
            ("2320", "AMT") if q == "D" && op.paid.is_none() && amount.is_some() => {
                op.paid = amount
            }
            ("2320", "AMT")
                if q == "EAF" && op.remaining_patient_liability.is_none() && amount.is_some() =>
            {
                op.remaining_patient_liability = amount
            }
            ("2320", "OI") => {}
            ("2330A", "NM1") => {
                if let Some(s) = &mut op.subscriber {
                    s.name = Phi::new(person_name(f));
                    s.member_id = Phi::new(text(f.el(9)));
                }
            }
            ("2330A", "N3") => {
                if let Some(s) = &mut op.subscriber {
                    s.address.get_or_insert_default().reveal_mut().lines = n3(f);
                }
            }
            ("2330A", "N4") => {
                if let Some(s) = &mut op.subscriber {
                    n4(f, s.address.get_or_insert_default().reveal_mut());
                }
            }
            ("2330A", "REF") if q == "SY" => {
                if let Some(s) = &mut op.subscriber {
                    s.ssn = Some(Phi::new(text(f.el(2))));
                }
            }
            ("2330B", "NM1") => op.payer = Payer::new(trim(f.el(9)), trim(f.el(3))),
            ("2330B", "DTP") if q == "573" && date.is_some() && op.adjudication_date.is_none() => {
                op.adjudication_date = date
            }
            ("2330B", "REF") if q == "F8" && op.payer_claim_control_number.is_none() => {
                op.payer_claim_control_number = opt(f.el(2))
            }
            _ => c
                .extra
                .push(RawSegment::new(other_loop(l, i), f.canonical())),
        }
    }

    fn line(&mut self, l: &'static str, f: &Fields<'_>) {
        let id = f.id();
        if l == "2400" && id == "LX" {
            let at = Loc {
                byte: f.segment().offset(),
                index: f.index,
            };
            if let Some(c) = &mut self.claim {
                c.lines.push(LineParts {
                    lx: at,
                    ..LineParts::default()
                });
            }
            return;
        }
        let no_line = self.claim.as_ref().is_none_or(|c| c.lines.is_empty());
        if no_line {
            self.push_claim_extra(l, f);
            return;
        }
        let q = trim(f.el(1));
        match (l, id) {
            ("2400", "SV1") if self.form == ClaimForm::Professional => self.sv1(f),
            ("2400", "SV2") if self.form == ClaimForm::Institutional => self.sv2(f),
            ("2400", "DTP") if q == "472" => {
                let v = trim(f.el(3));
                let (a, b) = match trim(f.el(2)) {
                    "RD8" => v.split_once('-').unwrap_or((v, "")),
                    _ => (v, ""),
                };
                let start = parse_date(a);
                let end = if b.is_empty() { None } else { parse_date(b) };
                if start.is_none() || (!b.is_empty() && end.is_none()) {
                    self.bad(f, 3, "lines.service_date", "not a CCYYMMDD date or range");
                }
                let institutional = self.form == ClaimForm::Institutional;
                if let Some(line) = self.cur_line() {
                    line.date = start;
                    line.end = end.filter(|e| Some(*e) != start);
                    if end.is_some() && (end == start || institutional) {
                        // A range the model does not hold as such: kept as read.
                        line.extra.push(RawSegment::new("2400/DTP", f.canonical()));
                    }
                }
            }
            ("2400", "REF") if q == "6R" => {
                if let Some(line) = self.cur_line() {
                    line.control = opt(f.el(2));
                }
            }
            ("2410", "LIN") if trim(f.el(2)) == "N4" => {
                if let Some(line) = self.cur_line() {
                    line.ndc = opt(f.el(3));
                    line.drug_segments.push(f.canonical());
                }
            }
            ("2410", "CTP") => {
                let qty = self.decimal(f, 4, "lines.drug.quantity");
                let unit = DrugUnit::parse(f.comp(5, 1));
                if unit.is_err() {
                    self.bad(f, 5, "lines.drug.unit", "not a drug unit code");
                }
                if let Some(line) = self.cur_line() {
                    line.drug_qty = qty;
                    line.drug_unit = unit.ok();
                    line.drug_segments.push(f.canonical());
                }
            }
            (l2, "NM1") if l2.starts_with("2420") => {
                let rendering = trim(f.el(1)) == "82"
                    && self.form == ClaimForm::Professional
                    && self.cur_line().is_some_and(|line| line.rendering.is_none());
                let p = rendering.then(|| self.provider(f, "lines.rendering_provider"));
                if let Some(line) = self.cur_line() {
                    match p {
                        Some(p) => {
                            line.rendering = Some(Box::new(p));
                            line.provider_role = Some("rendering");
                        }
                        None => {
                            line.provider_role = None;
                            line.extra.push(raw(l2, f));
                        }
                    }
                }
            }
            (l2, "PRV" | "REF") if l2.starts_with("2420") => {
                let Some(line) = self.cur_line() else { return };
                match (&mut line.rendering, line.provider_role) {
                    (Some(p), Some(_))
                        if id == "PRV" && p.taxonomy.is_none() && trim(f.el(2)) == "PXC" =>
                    {
                        p.taxonomy = opt(f.el(3))
                    }
                    (Some(p), Some(_)) if id == "REF" && f.len() <= 2 => p
                        .secondary_ids
                        .push((trim(f.el(1)).to_owned(), trim(f.el(2)).to_owned())),
                    _ => line.extra.push(raw(l2, f)),
                }
            }
            ("2430", "SVD") => {
                let paid = self.decimal(f, 2, "lines.other_payer_adjudications.paid");
                let units = self.decimal(f, 5, "lines.other_payer_adjudications.units");
                let (procedure, modifiers) = self.procedure(f, 3);
                let plain_hc = matches!(trim(f.comp(3, 1)), "HC" | "");
                let unread = procedure.is_none() && !trim(f.comp(3, 2)).is_empty();
                let unmodelled = !plain_hc || unread || f.has(4) || f.has(6) || f.has_after(3, 6);
                let Some(line) = self.cur_line() else { return };
                // Without a paid amount the adjudication is dropped (reported above), and
                // with it the rest of its loop.
                if let Some(paid) = paid {
                    line.adjudications.push(LineAdjudication {
                        payer_id: trim(f.el(1)).to_owned(),
                        paid,
                        procedure,
                        modifiers: modifiers.to_vec(),
                        units,
                        adjustments: Vec::new(),
                        date: None,
                    });
                    if unmodelled {
                        let i = line.adjudications.len() - 1;
                        line.extra.push(template(
                            format!("{}/SVD", other_loop("2430", i)),
                            f,
                            // The procedure composite is the model's only when read.
                            if unread || !plain_hc {
                                &[(1, 0), (2, 0), (5, 0)][..]
                            } else {
                                SVD_BLANKS
                            },
                        ));
                    }
                }
            }
            ("2430", "CAS") => {
                let adj = self.adjustments(f, "lines.other_payer_adjudications.adjustments");
                if let Some(line) = self.cur_line()
                    && let Some(a) = line.adjudications.last_mut()
                {
                    a.adjustments.extend(adj);
                }
            }
            ("2430", "DTP") if q == "573" => {
                let d = self.date(f, 3, "lines.other_payer_adjudications.date");
                if let Some(line) = self.cur_line() {
                    let n = line.adjudications.len();
                    match line.adjudications.last_mut() {
                        Some(a) if a.date.is_none() && d.is_some() => a.date = d,
                        Some(_) => line.extra.push(RawSegment::new(
                            other_loop("2430", n.saturating_sub(1)),
                            f.canonical(),
                        )),
                        None => {}
                    }
                }
            }
            (l2, _) => {
                let Some(line) = self.cur_line() else { return };
                let loop_id = if l2 == "2430" {
                    if line.adjudications.is_empty() {
                        return;
                    }
                    other_loop("2430", line.adjudications.len() - 1)
                } else {
                    l2.to_owned()
                };
                line.extra.push(RawSegment::new(loop_id, f.canonical()));
            }
        }
    }

    fn cur_line(&mut self) -> Option<&mut LineParts> {
        self.claim.as_mut().and_then(|c| c.lines.last_mut())
    }

    /// A procedure composite (`HC:99213:25:59`) at element `n`.
    fn procedure(&mut self, f: &Fields<'_>, n: usize) -> (Option<ProcedureCode>, Modifiers) {
        let (composite, _) = f.components::<6>(n);
        self.procedure_of(f, n, &composite)
    }

    /// [`procedure`](Self::procedure) from the composite's first six components.
    fn procedure_of(
        &mut self,
        f: &Fields<'_>,
        n: usize,
        composite: &[&str; 6],
    ) -> (Option<ProcedureCode>, Modifiers) {
        let code = trim(composite[1]);
        let procedure = if code.is_empty() {
            None
        } else {
            match ProcedureCode::parse(code) {
                Ok(p) => Some(p),
                Err(e) => {
                    self.bad(f, n as u32, "lines.procedure", e.to_string());
                    None
                }
            }
        };
        // At most four (the composite's components 3 to 6): the list holds them all.
        let mut modifiers = Modifiers::new();
        for m in &composite[2..] {
            let m = trim(m);
            if m.is_empty() {
                continue;
            }
            match Modifier::parse(m) {
                Ok(m) => modifiers.push(m),
                Err(e) => self.bad(f, n as u32, "lines.modifiers", e.to_string()),
            }
        }
        (procedure, modifiers)
    }

    fn sv1(&mut self, f: &Fields<'_>) {
        let (composite, more) = f.components::<6>(1);
        let (procedure, modifiers) = self.procedure_of(f, 1, &composite);
        let charge = self.decimal(f, 2, "lines.charge");
        let units = self.decimal(f, 4, "lines.units");
        let pos = match trim(f.el(5)) {
            "" => None,
            p => match PlaceOfService::parse(p) {
                Ok(p) => Some(p),
                Err(e) => {
                    self.bad(f, 5, "lines.place_of_service", e.to_string());
                    None
                }
            },
        };
        // More than four are counted, not kept: the claim is then refused for them.
        let mut pointers = DiagnosisPointers::new();
        for p in f.comps(7) {
            if trim(p).is_empty() {
                continue;
            }
            match trim(p).parse::<u8>() {
                Ok(v) => pointers.push(v),
                Err(_) => self.bad(f, 7, "lines.diagnosis_pointers", "not a pointer 1 to 12"),
            }
        }
        let unmodelled =
            !matches!(trim(composite[0]), "HC") || more || f.has(6) || f.has_any(8, 21);
        let basis = basis_code(f.el(3));
        let Some(line) = self.cur_line() else { return };
        line.procedure = procedure;
        line.modifiers = modifiers;
        line.charge = charge;
        line.units = units;
        line.basis = basis;
        line.pos = pos;
        line.pointers = pointers;
        if unmodelled {
            line.extra.push(template("2400/SV1", f, SV1_BLANKS));
        }
    }

    fn sv2(&mut self, f: &Fields<'_>) {
        let (procedure, modifiers) = if trim(f.el(2)).is_empty() {
            (None, Modifiers::new())
        } else {
            self.procedure(f, 2)
        };
        let charge = self.decimal(f, 3, "lines.charge");
        let units = self.decimal(f, 5, "lines.units");
        let non_covered = self.decimal(f, 7, "lines.non_covered_charge");
        let unmodelled = !matches!(trim(f.comp(2, 1)), "HC" | "")
            || f.has_after(2, 6)
            || f.has(6)
            || f.has_any(8, 10);
        let basis = basis_code(f.el(4));
        let rev = trim(f.el(1)).to_owned();
        let Some(line) = self.cur_line() else { return };
        line.revenue_code = Some(rev);
        line.procedure = procedure;
        line.modifiers = modifiers;
        line.charge = charge;
        line.units = units;
        line.basis = basis;
        line.non_covered = non_covered;
        if unmodelled {
            line.extra.push(template("2400/SV2", f, SV2_BLANKS));
        }
    }

    /// Builds the open claim, if any, and files it or its problems.
    fn finish_claim(&mut self) {
        let Some(mut c) = self.claim.take() else {
            return;
        };
        self.settle_claim(&mut c);
        self.spare = Some(c);
    }

    fn settle_claim(&mut self, c: &mut ClaimParts) {
        // A claim built is already the last of `self.claims` (built in place: a claim is
        // kilobytes, and moving it twice showed in profiles).
        let built = self.build(c);
        if built.is_ok() && c.problems.is_empty() {
            return;
        }
        let built = match built {
            Ok(()) => match self.claims.pop() {
                Some(claim) => Ok(claim),
                None => return,
            },
            Err(e) => Err(e),
        };
        // Positions are made only when something is reported: they allocate.
        let at = self.loc_position(c.at, "CLM");
        let pcn = match &built {
            Ok(claim) => claim.patient_control_number.clone(),
            Err(_) => std::mem::take(&mut c.pcn),
        };
        settle(
            self.mode,
            built,
            &pcn,
            &at,
            std::mem::take(&mut c.problems),
            &mut self.claims,
            &mut self.problems,
        );
    }

    fn loc_position(&self, loc: Loc, id: &str) -> Position {
        let mut p = Position::at_byte(loc.byte).with_segment(
            id,
            self.set.first_segment_index() + u64::from(loc.index).saturating_sub(1),
        );
        p.set_segment_index = Some(loc.index);
        let env = self.set.envelope();
        p.interchange_control = Some(env.interchange_control());
        p.group_control = env.group_control();
        p.set_control = Some(self.set.control().to_owned());
        p
    }

    /// A valid claim of the set's form holding nothing of note, built once: each claim read
    /// is a copy with every field replaced, which costs far less than the builder's moves.
    fn prototype(&mut self) -> Result<&Claim, medbill_claim::ClaimError> {
        if self.proto.is_none() {
            let p = self.new_prototype()?;
            self.proto = Some(p);
        }
        self.proto
            .as_ref()
            .ok_or_else(|| medbill_claim::ClaimError::Missing {
                field: "prototype".into(),
            })
    }

    fn new_prototype(&mut self) -> Result<Claim, medbill_claim::ClaimError> {
        let code = |e| medbill_claim::ClaimError::Code {
            field: "prototype".into(),
            source: e,
        };
        let billing = blank_billing_provider();
        let day = NaiveDate::default();
        let dx = Icd10CmCode::parse("R69").map_err(code)?;
        let b = match self.form {
            ClaimForm::Institutional => Claim::institutional("P", "11", day, day)
                .principal_diagnosis(Diagnosis::new(dx, None))
                .institutional_line(InstitutionalLine::new("0001", Decimal::ZERO, Decimal::ONE)),
            ClaimForm::Professional => Claim::professional("P")
                .place_of_service(PlaceOfService::parse("11").map_err(code)?)
                .diagnosis(dx)
                .line(ProfessionalLine::new(
                    ProcedureCode::parse("99213").map_err(code)?,
                    Decimal::ZERO,
                    Decimal::ONE,
                    day,
                )),
        };
        let p = b
            .billing_provider(billing)
            .subscriber(Subscriber::new(String::new(), PersonName::default()))
            .payer(Payer::new("", ""), ClaimFilingIndicator::Commercial)
            .build()?;
        let mut p = p;
        // The placeholder diagnosis and line are never copied: every claim sets its own.
        match &mut p.detail {
            ClaimDetail::Professional(d) => {
                d.diagnoses = Vec::new();
                // The placeholder line is the lines' prototype, pointing nowhere: copies of
                // `ProfessionalLine::new` would allocate its pointer to diagnosis 1.
                self.line_proto = d.lines.pop().map(|mut l| {
                    l.diagnosis_pointers = DiagnosisPointers::new();
                    l
                });
                d.lines = Vec::new();
            }
            ClaimDetail::Institutional(d) => d.lines = Vec::new(),
            _ => {}
        }
        // Every claim sets its own: an empty one costs no allocation per copy.
        p.patient_control_number = Text::new();
        Ok(p)
    }

    /// Builds the open claim as the last of `self.claims`; on an error nothing is added and
    /// `c.pcn` still holds the claim's CLM01.
    fn build(&mut self, c: &mut ClaimParts) -> Result<(), medbill_claim::ClaimError> {
        let missing = |field: &str| medbill_claim::ClaimError::Missing {
            field: field.to_owned(),
        };
        let move_bill = self.handoff >= Handoff::Billing;
        let move_sub = self.handoff >= Handoff::Subscriber;
        if self.bill.provider.is_none() {
            return Err(missing("billing_provider"));
        }
        if self.sub.subscriber.is_none() {
            return Err(missing("subscriber"));
        }
        if self.sub.payer.is_none() || self.sub.filing.is_none() {
            return Err(missing("payer"));
        }
        let total = c.total.ok_or_else(|| missing("total_charge"))?;
        let (Some(billing), Some(subscriber), Some(payer), Some(filing)) = (
            take_or_clone(&mut self.bill.provider, move_bill),
            take_or_clone(&mut self.sub.subscriber, move_sub),
            take_or_clone(&mut self.sub.payer, move_sub),
            self.sub.filing,
        ) else {
            return Err(missing("payer"));
        };
        let mut claims = std::mem::take(&mut self.claims);
        // Cloned straight into the vector: a claim is over a kilobyte to move.
        claims.extend_from_slice(std::slice::from_ref(self.prototype()?));
        let filled = match claims.last_mut() {
            Some(claim) => self.fill(claim, c, billing, subscriber, payer, filing, total),
            None => Ok(()),
        };
        if filled.is_err()
            && let Some(claim) = claims.pop()
        {
            c.pcn = claim.patient_control_number;
        }
        self.claims = claims;
        filled
    }

    /// Fills a copy of the prototype with the claim read.
    #[allow(clippy::too_many_arguments)] // the values `build` checked, moved in once
    fn fill(
        &mut self,
        claim: &mut Claim,
        c: &mut ClaimParts,
        billing: Shared<BillingProvider>,
        subscriber: Subscriber,
        payer: Shared<Payer>,
        filing: ClaimFilingIndicator,
        total: Decimal,
    ) -> Result<(), medbill_claim::ClaimError> {
        let move_bill = self.handoff >= Handoff::Billing;
        let move_sub = self.handoff >= Handoff::Subscriber;
        let move_pat = self.handoff >= Handoff::Patient;
        let missing = |field: &str| medbill_claim::ClaimError::Missing {
            field: field.to_owned(),
        };
        claim.patient_control_number = std::mem::take(&mut c.pcn);
        claim.billing_provider = billing;
        // The prototype has none of the optional parts: each is moved only when read (an
        // absent provider is still a couple of hundred bytes to copy).
        if self.bill.pay_to.is_some() {
            claim.pay_to = take_or_clone(&mut self.bill.pay_to, move_bill);
        }
        if c.rendering.is_some() {
            claim.rendering_provider = c.rendering.take();
        }
        if c.referring.is_some() {
            claim.referring_provider = c.referring.take();
        }
        if c.facility.is_some() {
            claim.service_facility = c.facility.take();
        }
        claim.subscriber = subscriber;
        if self.pat.patient.is_some() {
            claim.patient = take_or_clone(&mut self.pat.patient, move_pat);
        }
        claim.payer = payer;
        claim.filing_indicator = filing;
        claim.sequence = self.sub.sequence.unwrap_or(PayerSequence::Primary);
        claim.other_payers = std::mem::take(&mut c.other_payers);
        claim.total_charge = total;
        claim.frequency = c.frequency.unwrap_or(FrequencyCode::Original);
        claim.original_payer_claim_number = c.original.take();
        claim.prior_authorization = c.prior_auth.take();
        claim.referral_number = c.referral.take();
        if !c.causes.is_empty() || c.accident_date.is_some() {
            claim.accident = Some(Box::new(Accident {
                causes: std::mem::take(&mut c.causes),
                state: c.accident_state.take(),
                date: c.accident_date,
            }));
        }
        claim.condition_codes = std::mem::take(&mut c.conditions);
        claim.accepts_assignment = c.accepts;
        claim.benefits_assigned = c.benefits;
        if claim.release_of_information != c.release {
            // Nearly always the prototype's "Y" already.
            claim.release_of_information = Text::from(c.release.as_str());
        }
        let mut extra = Vec::with_capacity(
            self.bill.extra.len() + self.sub.extra.len() + self.pat.extra.len() + c.extra.len(),
        );
        for (level, moving) in [
            (&mut self.bill.extra, move_bill),
            (&mut self.sub.extra, move_sub),
            (&mut self.pat.extra, move_pat),
        ] {
            if moving {
                extra.append(level);
            } else {
                extra.extend(level.iter().cloned());
            }
        }
        match &mut claim.detail {
            ClaimDetail::Professional(p) => {
                p.place_of_service = PlaceOfService::parse(&c.code1).map_err(|source| {
                    medbill_claim::ClaimError::Code {
                        field: "place_of_service".into(),
                        source,
                    }
                })?;
                p.diagnoses = std::mem::take(&mut c.diagnoses);
                p.lines = Vec::with_capacity(c.lines.len());
                // Read in place (a line's parts are hundreds of bytes to move), emptied below.
                for (i, l) in c.lines.iter_mut().enumerate() {
                    let lx = l.lx;
                    match professional_line(l, &mut p.lines, self.line_proto.as_ref()) {
                        Ok(()) => {}
                        Err(e) => c.problems.push(TypedError::Value {
                            field: format!("lines[{i}]"),
                            reason: e.to_owned(),
                            position: Box::new(self.loc_position(lx, "LX")),
                        }),
                    }
                }
                c.lines.clear();
            }
            ClaimDetail::Institutional(d) => {
                let (from, to) = c.statement.ok_or_else(|| missing("statement_from"))?;
                d.type_of_bill = c.code1.clone();
                d.statement_from = from;
                d.statement_to = to;
                d.attending_provider = c.attending.take().map(|p| *p);
                d.operating_provider = c.operating.take().map(|p| *p);
                d.principal_diagnosis =
                    c.principal.ok_or_else(|| missing("principal_diagnosis"))?;
                d.admitting_diagnosis = c.admitting;
                d.reason_for_visit = std::mem::take(&mut c.reasons);
                d.other_diagnoses = std::mem::take(&mut c.others);
                d.external_causes = std::mem::take(&mut c.external);
                let mut procedures = std::mem::take(&mut c.procedures).into_iter();
                d.principal_procedure = procedures.next();
                d.other_procedures = procedures.collect();
                d.occurrences = std::mem::take(&mut c.occurrences);
                d.occurrence_spans = std::mem::take(&mut c.spans);
                d.value_codes = std::mem::take(&mut c.values);
                d.drg = c.drg.take();
                let (t, s, st, text) = c.cl1.take().unwrap_or_default();
                let codes = !t.is_empty() || !s.is_empty();
                d.admission = c.admission_date.map(|(date, hour)| Admission {
                    date,
                    hour,
                    type_code: opt(&t),
                    source_code: opt(&s),
                });
                let kept_cl1 = c.admission_date.is_none() && codes;
                if kept_cl1 {
                    // Admission codes without an admission date: the model cannot hold them.
                    extra.push(RawSegment::new("2300", text));
                }
                d.discharge = None;
                if !st.is_empty() && !kept_cl1 {
                    d.discharge = Some(Discharge {
                        hour: c.discharge_hour,
                        status_code: st,
                    });
                } else if let Some(h) = c.discharge_hour {
                    extra.push(RawSegment::new("2300", format!("DTP*096*TM*{h:02}00")));
                }
                d.lines = Vec::with_capacity(c.lines.len());
                for (i, l) in c.lines.drain(..).enumerate() {
                    let lx = l.lx;
                    match institutional_line(l) {
                        Ok(line) => d.lines.push(line),
                        Err(e) => c.problems.push(TypedError::Value {
                            field: format!("lines[{i}]"),
                            reason: e.to_owned(),
                            position: Box::new(self.loc_position(lx, "LX")),
                        }),
                    }
                }
            }
            _ => {}
        }
        extra.append(&mut c.extra);
        claim.extra = extra;
        let guide = self.walker.guide();
        canonical_order(guide, &mut claim.extra);
        for op in &mut claim.other_payers {
            group_adjustments(&mut op.adjustments);
        }
        match &mut claim.detail {
            ClaimDetail::Professional(p) => {
                for line in &mut p.lines {
                    canonical_order(guide, &mut line.extra);
                    for a in &mut line.other_payer_adjudications {
                        group_adjustments(&mut a.adjustments);
                    }
                }
            }
            ClaimDetail::Institutional(d) => {
                for line in &mut d.lines {
                    canonical_order(guide, &mut line.extra);
                    for a in &mut line.other_payer_adjudications {
                        group_adjustments(&mut a.adjustments);
                    }
                }
            }
            _ => {}
        }
        claim.validate()
    }
}

/// Where a segment is, cheaply: its byte offset and 1-based index in the set.
#[derive(Clone, Copy, Debug, Default)]
struct Loc {
    byte: u64,
    index: u32,
}

/// The line's drug from its LIN and CTP. When they do not make one (a LIN without a CTP, an
/// empty NDC), they are kept raw, first in the line's extras: dropped, the loop they opened
/// would not be written back, and the segments after them would move to loop 2400.
fn drug(l: &mut LineParts) -> Option<Box<Drug>> {
    match (l.ndc.take(), l.drug_qty, l.drug_unit) {
        (Some(ndc), Some(quantity), Some(unit)) => Some(Box::new(Drug {
            ndc,
            quantity,
            unit,
        })),
        _ => {
            let kept = l
                .drug_segments
                .drain(..)
                .map(|text| RawSegment::new("2410", text));
            l.extra.splice(0..0, kept);
            None
        }
    }
}

/// Adds the line read to `lines`, as a copy of `proto` (when given) with every field set.
fn professional_line(
    l: &mut LineParts,
    lines: &mut Vec<ProfessionalLine>,
    proto: Option<&ProfessionalLine>,
) -> Result<(), &'static str> {
    let procedure = l.procedure.ok_or("no usable SV101 procedure")?;
    let charge = l.charge.ok_or("no SV102 charge")?;
    let units = l.units.ok_or("no SV104 units")?;
    let date = l.date.ok_or("no DTP*472 date of service")?;
    lines.push(match proto {
        Some(p) => p.clone(),
        None => ProfessionalLine::new(procedure, charge, units, date),
    });
    let Some(line) = lines.last_mut() else {
        return Ok(());
    };
    line.procedure = procedure;
    line.charge = charge;
    line.units = units;
    line.service_date = date;
    line.modifiers = std::mem::take(&mut l.modifiers);
    line.unit_basis = UnitBasis::parse(basis_text(&l.basis)).unwrap_or(UnitBasis::Units);
    line.place_of_service = l.pos;
    line.service_end = l.end;
    line.diagnosis_pointers = std::mem::take(&mut l.pointers);
    if l.rendering.is_some() {
        line.rendering_provider = l.rendering.take();
    }
    line.line_control_number = l.control.take();
    line.drug = drug(l);
    line.other_payer_adjudications = std::mem::take(&mut l.adjudications);
    line.extra = std::mem::take(&mut l.extra);
    Ok(())
}

fn institutional_line(mut l: LineParts) -> Result<InstitutionalLine, &'static str> {
    let rev = l.revenue_code.take().ok_or("no SV2")?;
    let charge = l.charge.ok_or("no SV203 charge")?;
    let units = l.units.ok_or("no SV205 units")?;
    let mut line = InstitutionalLine::new(rev, charge, units);
    line.procedure = l.procedure;
    line.modifiers = std::mem::take(&mut l.modifiers);
    line.unit_basis = InstitutionalUnitBasis::parse(basis_text(&l.basis))
        .unwrap_or(InstitutionalUnitBasis::Units);
    line.non_covered_charge = l.non_covered;
    line.service_date = l.date;
    line.line_control_number = l.control.take();
    line.drug = drug(&mut l);
    line.other_payer_adjudications = std::mem::take(&mut l.adjudications);
    line.extra.append(&mut l.extra);
    if l.rendering.is_some() {
        // Institutional lines have no rendering provider field; 2420 loops stay raw.
    }
    Ok(line)
}

/// A unit basis element as two bytes; zeros when it is not two bytes long (no code is).
fn basis_code(el: &str) -> [u8; 2] {
    match trim(el).as_bytes() {
        &[a, b] => [a, b],
        _ => [0, 0],
    }
}

/// The text of a [`basis_code`]; empty when it is not UTF-8 (a code never is not).
fn basis_text(code: &[u8; 2]) -> &str {
    std::str::from_utf8(code).unwrap_or("")
}

fn n3(f: &Fields<'_>) -> Vec<Text> {
    let (a, b) = (trim(f.el(1)), trim(f.el(2)));
    // Sized exactly: collected, one street line took room for four.
    let mut lines = Vec::with_capacity(usize::from(!a.is_empty()) + usize::from(!b.is_empty()));
    for line in [a, b] {
        if !line.is_empty() {
            lines.push(Text::from(line));
        }
    }
    lines
}

fn n4(f: &Fields<'_>, a: &mut Address) {
    a.city = text(f.el(1));
    a.state = text(f.el(2));
    a.postal_code = text(f.el(3));
    a.country = opt_text(f.el(4));
}

/// The adjustments of a CAS segment: up to six (reason, amount, quantity) triplets after the
/// group code. Errors carry the element number.
pub(crate) fn cas<'a>(
    f: &'a Fields<'a>,
) -> impl Iterator<Item = Result<medbill_claim::Adjustment, (u32, String)>> + 'a {
    let group = GroupCode::parse(f.el(1));
    (0..6).filter_map(move |k| {
        let n = 2 + 3 * k;
        let reason = trim(f.el(n));
        if reason.is_empty() {
            return None;
        }
        let group = match &group {
            Ok(g) => *g,
            Err(e) => return Some(Err((1, e.to_string()))),
        };
        let reason = match Carc::parse(reason) {
            Ok(r) => r,
            Err(e) => return Some(Err((n as u32, e.to_string()))),
        };
        let amount = match parse_decimal(trim(f.el(n + 1))) {
            Ok(a) => a,
            Err(_) => return Some(Err((n as u32 + 1, "not a number".to_owned()))),
        };
        let q = trim(f.el(n + 2));
        let quantity = if q.is_empty() {
            None
        } else {
            match parse_decimal(q) {
                Ok(q) => Some(q),
                Err(_) => return Some(Err((n as u32 + 2, "not a number".to_owned()))),
            }
        };
        Some(Ok(medbill_claim::Adjustment {
            group,
            reason,
            amount,
            quantity,
        }))
    })
}

/// A billing provider with nothing read yet: an organization, no NPI, no name, no address.
fn blank_billing_provider() -> BillingProvider {
    BillingProvider {
        provider: Provider {
            npi: None,
            invalid_npi: None,
            name: PersonName::default(),
            organization: true,
            taxonomy: None,
            secondary_ids: Vec::new(),
        },
        tin: Phi::new(String::new()),
        tin_is_ssn: false,
        address: Address::default(),
    }
}
