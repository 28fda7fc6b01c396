//! Reading 837P (005010X222A1/A2) and 837I (005010X223A2/A3) into claims.
//!
//! The reader fills each [`Claim`] in place as its segments arrive. One file per part of the
//! guide: the header (BHT, 1000A, 1000B), the hierarchical levels (2000A to 2010CA), the claim
//! (2300 and its HI segments), providers (2310, 2420), other payers (2320, 2330, 2430) and
//! service lines (2400, 2410).
//!
//! Nothing read is dropped: every CLM gives one claim (or, when the reader cannot place it, one
//! [`UnreadableClaim`] with its segments), every LX one line. A code the model does not
//! recognise is kept as sent ([`Coded`]); an amount or date that is not one is kept in a
//! template of its segment, so that it is written back as read. Either way the claim records a
//! [`Problem`] naming the field and where the value was.

mod claim;
mod cob;
mod header;
mod levels;
mod line;
mod providers;

use medbill_claim::{
    BillingProvider, Claim, ClaimDetail, ClaimError, Coded, InstitutionalLine, Location, Problem,
    ProfessionalLine, RawSegment, Shared, Text,
};
use medbill_codes::{CodeError, CodeValue, PlaceOfService, ProcedureCode};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::walk::{Fields, LoopWalker, SetFields, canonical_order, group_adjustments, trim};
use super::{ReadMode, TypedError, guide_for, is_plain_amount, parse_date, parse_decimal};
use crate::{Position, TransactionSet};

pub use header::SubmissionHeader;

/// Professional (837P), institutional (837I) or dental (837D).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ClaimForm {
    /// 837P, 005010X222A1.
    Professional,
    /// 837I, 005010X223A2.
    Institutional,
    /// 837D, 005010X224A2. The claim model has no dental form yet: each claim of a dental set
    /// is read as an [`UnreadableClaim`] with its segments, and written back as read.
    Dental,
}

/// The claims of one 837 transaction set.
///
/// [`claims`](Self::claims) and [`unreadable`](Self::unreadable) together hold one entry per
/// CLM segment of the set ([`claim_count`](Self::claim_count)).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ClaimBatch {
    /// ST02.
    pub control: String,
    /// The guide version (ST03 or GS08).
    pub guide: String,
    /// BHT, submitter and receiver.
    pub header: SubmissionHeader,
    /// The claims read, in file order; each carries its own [`problems`](Claim::problems).
    pub claims: Vec<Claim>,
    /// Claims the reader could not place (no embedded guide for the set, or a CLM outside the
    /// claim loop), with their segments.
    pub unreadable: Vec<UnreadableClaim>,
    /// What could not be used outside any claim (the header), with positions.
    pub problems: Vec<TypedError>,
    /// The SE as read, when it is not the one a writer writes (a segment count or control
    /// number that does not match the set).
    pub trailer: Option<SentTrailer>,
    /// Where each claim's values were in the input, one entry per claim of
    /// [`claims`](Self::claims): kept only when asked for ([`ReadOptions::locations`]),
    /// empty otherwise.
    pub locations: Vec<ClaimLocations>,
    /// The set's segments as read, kept when the guide's order does not place them (see
    /// [`AsRead`]); `None` for a set in the guide's order.
    pub as_read: Option<Box<AsRead>>,
    /// Hierarchical levels that no claim follows (an HL, its segments, and any segment read
    /// under it), kept as read; a problem in [`problems`](Self::problems) says where.
    pub unplaced: Vec<UnplacedSegments>,
}

/// Segments of a hierarchical level no claim of the set is under, as read: no claim can
/// carry them, so the batch does, and a writer writes them back where they were.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct UnplacedSegments {
    /// Where the level's HL is.
    pub at: Location,
    /// Its segments in order, as canonical text (loop ids empty).
    pub segments: Vec<RawSegment>,
    /// Its place among the claims read: how many of [`ClaimBatch::claims`] come before it.
    pub index: usize,
}

/// The segments of a set whose order the guide does not allow (a segment before an earlier
/// one of its loop, after a child loop of its own, a segment id the guide does not have, a
/// loop repeated past the guide's maximum), as read. A writer writing in the guide's order
/// would write such a set otherwise: [`write_batch`](crate::typed::write_batch) writes these
/// segments back instead, as long as the batch holds what was read (the claims, header,
/// unreadable claims and trailer are as the reader returned them). A changed batch is
/// written from the model, in the guide's order, every value kept.
#[derive(Clone, PartialEq, Eq)]
pub struct AsRead {
    /// ST to SE, as canonical text (`*`, `:`, `^`).
    segments: Vec<String>,
    /// What the batch held when read.
    read: Box<Held>,
}

/// What a batch holds that its segments were read into.
#[derive(Clone, PartialEq, Eq)]
struct Held {
    control: String,
    guide: String,
    header: SubmissionHeader,
    claims: Vec<Claim>,
    unreadable: Vec<UnreadableClaim>,
    unplaced: Vec<UnplacedSegments>,
    trailer: Option<SentTrailer>,
}

impl Held {
    fn of(batch: &ClaimBatch) -> Held {
        Held {
            control: batch.control.clone(),
            guide: batch.guide.clone(),
            header: batch.header.clone(),
            claims: batch.claims.clone(),
            unreadable: batch.unreadable.clone(),
            unplaced: batch.unplaced.clone(),
            trailer: batch.trailer.clone(),
        }
    }

    fn is_in(&self, batch: &ClaimBatch) -> bool {
        self.control == batch.control
            && self.guide == batch.guide
            && self.header == batch.header
            && self.claims == batch.claims
            && self.unreadable == batch.unreadable
            && self.unplaced == batch.unplaced
            && self.trailer == batch.trailer
    }
}

impl AsRead {
    /// The segments, ST to SE, as canonical text (`*` between elements, `:` between
    /// components, `^` between repetitions).
    pub fn segments(&self) -> impl Iterator<Item = &str> {
        self.segments.iter().map(String::as_str)
    }

    /// Whether `batch` holds what it held when these segments were read: its claims,
    /// header, unreadable claims and trailer, every value.
    pub fn matches(&self, batch: &ClaimBatch) -> bool {
        self.read.is_in(batch)
    }
}

impl std::fmt::Debug for AsRead {
    /// The number of segments only: they hold patient data.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AsRead")
            .field("segments", &self.segments.len())
            .finish_non_exhaustive()
    }
}

/// Where a claim's values were in the input, by field path (`diagnoses[1]`,
/// `lines[0].modifiers[1]`, `total_charge`...): for pointing at a value a check finds wrong
/// though it was read without a problem (an ICD-9 code after October 2015, a modifier nobody
/// knows).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ClaimLocations {
    /// (field path, where) in the order read.
    pub fields: Vec<(String, Location)>,
}

impl ClaimLocations {
    /// Where `field` was; for a field with no location of its own, such as `lines[1]`, the
    /// first value under it.
    pub fn get(&self, field: &str) -> Option<&Location> {
        self.fields
            .iter()
            .find(|(f, _)| f == field)
            .or_else(|| {
                self.fields.iter().find(|(f, _)| {
                    f.strip_prefix(field)
                        .is_some_and(|rest| rest.starts_with('.') || rest.starts_with('['))
                })
            })
            .map(|(_, at)| at)
    }
}

/// How to read a transaction set: the [`ReadMode`], and whether to keep where each claim
/// value was.
///
/// ```
/// use medbill_x12::typed::{ReadMode, ReadOptions};
/// let options = ReadOptions::new(ReadMode::Lenient).locations(true);
/// assert!(options.keeps_locations());
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ReadOptions {
    /// Lenient or strict.
    pub mode: ReadMode,
    /// Keep where each claim value was ([`ClaimBatch::locations`]): costs a string per
    /// value read, so off by default.
    pub locations: bool,
}

impl ReadOptions {
    /// Reading in `mode`, without locations.
    pub fn new(mode: ReadMode) -> Self {
        ReadOptions {
            mode,
            locations: false,
        }
    }

    /// The same options, keeping locations or not.
    #[must_use]
    pub fn locations(mut self, keep: bool) -> Self {
        self.locations = keep;
        self
    }

    /// Whether locations are kept.
    pub fn keeps_locations(&self) -> bool {
        self.locations
    }
}

/// An SE read otherwise than a writer writes it: its text, and the number of segments the set
/// had. A writer writes it back as read while the set it writes has as many segments.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct SentTrailer {
    /// The SE as canonical text, such as `SE*25*0001`.
    pub text: String,
    /// The number of segments of the set read, ST to SE.
    pub segments: u32,
}

impl SentTrailer {
    /// The SE `f` of `set` as read, when it is not the one a writer writes: `SE*`, the
    /// number of segments ST to SE, and ST02.
    pub(crate) fn unusual(set: &TransactionSet, f: &Fields<'_>) -> Option<SentTrailer> {
        let counted = f.index;
        let usual = f.len() == 2
            && trim(f.el(1)) == f.el(1)
            && f.el(1).parse::<u32>() == Ok(counted)
            && !f.el(1).starts_with('0')
            && f.el(2) == set.control();
        (!usual).then(|| SentTrailer {
            text: f.canonical(),
            segments: counted,
        })
    }
}

impl ClaimBatch {
    /// The number of claims in the set: read and unreadable, one per CLM segment.
    pub fn claim_count(&self) -> usize {
        self.claims.len() + self.unreadable.len()
    }

    /// Every problem of the set: the header's, then each claim's, in file order, with the
    /// claim's patient control number.
    pub fn all_problems(&self) -> impl Iterator<Item = (Option<&str>, ProblemRef<'_>)> {
        self.problems
            .iter()
            .map(|p| (None, ProblemRef::Set(p)))
            .chain(self.claims.iter().flat_map(|c| {
                c.problems.iter().map(move |p| {
                    (
                        Some(c.patient_control_number.as_str()),
                        ProblemRef::Claim(p),
                    )
                })
            }))
    }
}

/// A problem of a [`ClaimBatch`] or a [`RemittanceSet`](super::RemittanceSet): one of the
/// set's, one of a remittance's header or trailer, or one of a claim's (or claim payment's).
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub enum ProblemRef<'a> {
    /// Outside any claim.
    Set(&'a TypedError),
    /// On a claim or claim payment.
    Claim(&'a Problem),
    /// On a remittance, outside its claim payments (BPR, TRN, payer, payee, PLB).
    Remittance(&'a Problem),
}

impl<'a> ProblemRef<'a> {
    /// The field the problem is about, such as `lines[0].procedure`, when it names one.
    pub fn field(&self) -> Option<&'a str> {
        match *self {
            ProblemRef::Set(TypedError::Value { field, .. } | TypedError::Write { field, .. }) => {
                Some(field)
            }
            ProblemRef::Set(TypedError::Problem { problem, .. }) => problem.field(),
            ProblemRef::Set(_) => None,
            ProblemRef::Claim(p) | ProblemRef::Remittance(p) => p.field(),
        }
    }

    /// The kind of problem as a snake_case word, for counting (`code`, `not_a_number`, ...).
    pub fn kind(&self) -> &'static str {
        match self {
            ProblemRef::Set(e) => e.kind(),
            ProblemRef::Claim(p) | ProblemRef::Remittance(p) => p.error.kind(),
        }
    }
}

impl std::fmt::Display for ProblemRef<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ProblemRef::Set(e) => e.fmt(f),
            ProblemRef::Claim(p) | ProblemRef::Remittance(p) => p.fmt(f),
        }
    }
}

/// Why a claim could not be read into the claim model.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum UnreadableReason {
    /// No embedded guide reads this 837 (a dental 837D, a 4010 set): its loops cannot be
    /// placed.
    NoGuide {
        /// The guide version of the set.
        version: String,
    },
    /// The CLM is not where the guide opens a claim (loop 2300): the loops around it are
    /// broken.
    OutsideClaimLoop {
        /// The loop the CLM was placed in.
        loop_id: String,
    },
}

impl std::fmt::Display for UnreadableReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            UnreadableReason::NoGuide { version } => {
                write!(f, "no embedded guide reads 837 {version}")
            }
            UnreadableReason::OutsideClaimLoop { loop_id } => {
                let place = if loop_id.is_empty() {
                    "the header"
                } else {
                    loop_id
                };
                write!(f, "the CLM is in {place}, not in a claim loop (2300)")
            }
        }
    }
}

/// A claim the reader could not place: its CLM01, its charge when CLM02 is a number, why, and
/// its segments as read (from its CLM up to the next CLM or HL), so that it is counted and
/// written back.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct UnreadableClaim {
    /// CLM01 as sent.
    pub patient_control_number: Text,
    /// CLM02, when it is a number.
    pub total_charge: Option<Decimal>,
    /// Why it could not be read.
    pub reason: UnreadableReason,
    /// Where its CLM is.
    pub at: Location,
    /// Its segments in order, as canonical text (loop ids empty).
    pub segments: Vec<RawSegment>,
    /// Its place among the claims read: how many of [`ClaimBatch::claims`] come before it.
    pub index: usize,
}

/// Reads an 837P or 837I transaction set into claims.
///
/// In [`ReadMode::Lenient`] (the default) it fails only when the set is not an 837 or has no
/// BHT: every CLM gives a claim (or an [`UnreadableClaim`]), each with its problems. In
/// [`ReadMode::Strict`] the first problem of any claim ([`Claim::check`]: the reader's and the
/// claim form's rules) or of the header is returned as the error.
///
/// ```
/// use medbill_x12::Reader;
/// use medbill_x12::typed::{self, ReadMode};
///
/// let file = b"ISA*00*          *00*          *ZZ*SUBMITTER      *ZZ*RECEIVER       *240101*1200*^*00501*000000001*0*T*:~\
/// GS*HC*SUBMITTER*RECEIVER*20240101*1200*1*X*005010X222A1~\
/// ST*837*0001*005010X222A1~BHT*0019*00*0123*20240101*1200*CH~\
/// NM1*41*2*SUBMITTER*****46*S1~PER*IC*CONTACT*TE*5555551212~NM1*40*2*RECEIVER*****46*R1~\
/// HL*1**20*1~NM1*85*2*CLINIC*****XX*1234567893~N3*1 MAIN ST~N4*TOWN*NY*12345~REF*EI*123456789~\
/// HL*2*1*22*0~SBR*P*18*******CI~NM1*IL*1*DOE*JOHN****MI*M1~NM1*PR*2*PAYER*****PI*P1~\
/// CLM*C1*100***11:B:1*Y*A*Y*Y~HI*BK:25000~LX*1~SV1*HC:9921:25*100*UN*1***1~DTP*472*D8*20150301~\
/// SE*20*0001~GE*1*1~IEA*1*000000001~";
/// let set = Reader::new(&file[..]).next_transaction()?.unwrap();
///
/// // Lenient: the claim is kept as sent, with what is wrong and where.
/// let batch = typed::read_837(&set, ReadMode::Lenient)?;
/// let claim = &batch.claims[0];
/// assert_eq!(claim.diagnosis_codes()[0].to_string(), "250.00"); // ICD-9-CM, kept
/// let line = &claim.professional_detail().unwrap().lines[0];
/// assert_eq!(line.procedure.as_str(), "9921"); // not a CPT code, kept as sent
/// let problem = &claim.problems[0];
/// assert_eq!(problem.to_string(),
///     "lines[0].procedure: CPT code must be 5 characters long, found 4 \
///      at segment 20 (SV1), element 1-2, byte 533");
/// // The byte is the value's own.
/// let at = problem.at.as_ref().unwrap().byte as usize;
/// assert_eq!(&file[at..at + 4], b"9921");
///
/// // Strict: the same problem is the error.
/// let err = typed::read_837(&set, ReadMode::Strict).unwrap_err();
/// assert!(err.to_string().contains("lines[0].procedure"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn read_837(set: &TransactionSet, mode: ReadMode) -> Result<ClaimBatch, TypedError> {
    read_837_with(set, &ReadOptions::new(mode))
}

/// [`read_837`] with [`ReadOptions`]: keeping where each claim value was, for example.
///
/// ```
/// # let file = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/typed/837p.x12"))?;
/// use medbill_x12::Reader;
/// use medbill_x12::typed::{self, ReadMode, ReadOptions};
/// let set = Reader::new(&file[..]).next_transaction()?.unwrap();
/// let batch = typed::read_837_with(&set, &ReadOptions::new(ReadMode::Lenient).locations(true))?;
/// let at = batch.locations[0].get("diagnoses[0]").unwrap();
/// assert_eq!((at.segment_id.as_str(), at.element, at.component), ("HI", Some(1), Some(2)));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn read_837_with(
    set: &TransactionSet,
    options: &ReadOptions,
) -> Result<ClaimBatch, TypedError> {
    let mode = options.mode;
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
    } else if version.starts_with("005010X224") {
        ClaimForm::Dental
    } else {
        ClaimForm::Professional
    };
    let guide = match form {
        ClaimForm::Dental => None,
        _ => guide_for("837", version),
    };
    let mut r = R837::new(set, form, guide);
    if options.locations {
        r.locations = Some(Vec::new());
    }
    let mut segments = SetFields::new(set);
    let is_text = segments.is_text();
    while let Some(f) = segments.advance() {
        r.segment(f);
        if let Some((n, why)) = f.kept_text_problem() {
            let at = r.at(f, n as usize, 0);
            r.report(ClaimError::invalid("segment", why), at, None);
        }
        if !is_text && std::str::from_utf8(f.segment().raw()).is_err() && !r.reported_at(f) {
            // Its values read as empty and its raw text has the bytes replaced: what is
            // written back differs from what was read, so that is reported (after the
            // segment, so that a CLM's problem is its own claim's).
            let at = r.at(f, 0, 0);
            r.report(
                ClaimError::NotText {
                    field: format!("segment {}", f.id()),
                },
                at,
                None,
            );
        }
    }
    r.finish_claim();
    r.close_levels(Closing::All, u32::MAX);
    let irregular = r.walker.as_ref().is_some_and(LoopWalker::irregular);
    let runs = std::mem::take(&mut r.unplaced_runs);
    let first = set.first_segment_index();
    let mut batch = r.into_batch()?;
    if !runs.is_empty() {
        // Rare (a level no claim came under): the runs' segments, as read, in one pass.
        let mut all = SetFields::new(set);
        let mut runs = runs.into_iter().peekable();
        let mut current: Option<(u32, UnplacedSegments)> = None;
        while let Some(f) = all.advance() {
            if let Some((end, u)) = &mut current {
                if f.index < *end && f.id() != "SE" {
                    u.segments.push(RawSegment::new("", f.canonical()));
                    continue;
                }
                if let Some((_, u)) = current.take() {
                    batch.unplaced.push(u);
                }
            }
            if let Some((_, end, index)) = runs.next_if(|&(start, _, _)| start == f.index) {
                let at = located(
                    first,
                    Loc {
                        byte: f.segment().offset(),
                        index: f.index,
                    },
                    f.id(),
                );
                let mut position =
                    Position::at_byte(at.byte).with_segment(&at.segment_id, at.segment);
                position.set_segment_index = Some(f.index);
                batch.problems.push(TypedError::Structure {
                    what: "a hierarchical level no claim is under: its segments are kept as read"
                        .into(),
                    position: Box::new(position),
                });
                let segments = vec![RawSegment::new("", f.canonical())];
                current = Some((
                    end,
                    UnplacedSegments {
                        at,
                        segments,
                        index,
                    },
                ));
            }
        }
        if let Some((_, u)) = current {
            batch.unplaced.push(u);
        }
    }
    if mode == ReadMode::Strict {
        strict(&batch)?;
    }
    if irregular {
        // Rare (a set out of the guide's order): the segments again, as read.
        let mut segments = Vec::new();
        let mut all = SetFields::new(set);
        while let Some(f) = all.advance() {
            segments.push(f.canonical());
        }
        let read = Box::new(Held::of(&batch));
        batch.as_read = Some(Box::new(AsRead { segments, read }));
    }
    Ok(batch)
}

/// The first problem of a batch, as an error (strict reading).
fn strict(batch: &ClaimBatch) -> Result<(), TypedError> {
    if let Some(p) = batch.problems.first() {
        return Err(p.clone());
    }
    if let Some(u) = batch.unreadable.first() {
        return Err(TypedError::Unreadable {
            patient_control_number: u.patient_control_number.to_string(),
            reason: u.reason.to_string(),
            at: Box::new(u.at.clone()),
        });
    }
    for c in &batch.claims {
        if let Some(p) = c.check().into_iter().next() {
            return Err(TypedError::Problem {
                patient_control_number: c.patient_control_number.to_string(),
                problem: Box::new(p),
            });
        }
    }
    Ok(())
}

/// Which hierarchical levels the claim being finished may move out of (see `levels::hl`):
/// their values are dropped right after, so the claim may take them instead of copies.
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

/// Where a segment is, cheaply: its byte offset and 1-based index in the set.
#[derive(Clone, Copy, Debug, Default)]
struct Loc {
    byte: u64,
    index: u32,
}

/// What the reader remembers of the claim being read that the claim model does not hold:
/// which provider loop is open, a drug being read, admission parts waiting for each other.
#[derive(Default)]
struct ClaimState {
    /// The CLM.
    at: Loc,
    /// The claim-level provider loop open (2310x), for its PRV, REF, N3 and N4.
    provider_role: Option<&'static str>,
    /// The line-level provider loop open (2420x).
    line_provider_role: Option<&'static str>,
    /// The LIN and CTP of the current line's drug, as canonical text, and whether they made
    /// a drug: kept raw when they do not, so that the 2410 loop they open is written back.
    drug_segments: Vec<String>,
    drug_ndc: Option<String>,
    drug_quantity: Option<Decimal>,
    drug_unit: Option<Coded<medbill_claim::DrugUnit>>,
    /// Admission date and hour (DTP*435), CL1 (type, source, status, text), discharge hour.
    admission: Option<(chrono::NaiveDate, Option<u8>)>,
    cl1: Option<(String, String, String, String)>,
    discharge_hour: Option<u8>,
    /// Whether a professional diagnosis HI has been read (the principal is the first one's).
    read_diagnoses: bool,
    /// Whether the current line has had its SV1 or SV2.
    service_read: bool,
    /// Whether a segment of the claim was placed outside it by the guide (reported once).
    misplaced: bool,
    /// A line is open: until its SV1 or SV2 it holds a placeholder code (cloned without
    /// allocating), replaced by an empty one, as not sent, if none comes.
    line_open: bool,
    /// The open line's LX.
    line_at: Loc,
    /// The current line's form identification loops (2440) so far.
    forms: u32,
}

/// The billing provider level (2000A, 2010AA, 2010AB) being read.
#[derive(Default, Clone)]
struct Bill {
    /// Shared by every claim of the level: a copy per claim was seven allocations.
    provider: Option<Shared<BillingProvider>>,
    pay_to: Option<Box<medbill_claim::PayTo>>,
    extra: Vec<RawSegment>,
    problems: Vec<Problem>,
    hl: LevelHl,
    /// The segments read into the model so far ([`Seen`]): a second is kept as sent.
    seen: Seen,
}

/// Which segments of a level have been read into the model: one that comes again (a loop
/// repeated past the guide's maximum) is kept as sent instead of replacing the first.
#[derive(Default, Clone, Copy)]
pub(super) struct Seen(u8);

impl Seen {
    pub(super) const N3: u8 = 1;
    pub(super) const N4: u8 = 2;
    pub(super) const PAY_TO_NM1: u8 = 4;
    pub(super) const PAY_TO_N3: u8 = 8;
    pub(super) const PAY_TO_N4: u8 = 16;

    /// Marks `bit` seen; whether it was not before.
    pub(super) fn first(&mut self, bit: u8) -> bool {
        let first = self.0 & bit == 0;
        self.0 |= bit;
        first
    }
}

/// What a hierarchical level's HL said that its claims do not show: the HL kept as a template,
/// the child code sent, and how many claims the level has had. The level's first claim
/// carries its HL template (or a marker): the writer starts a new level there.
#[derive(Default, Clone)]
pub(super) struct LevelHl {
    /// The HL kept as a template (numbering or codes the writer would not write).
    template: Option<RawSegment>,
    /// HL04 as sent, `1` when the level said it has children.
    child: Option<bool>,
    /// The level's claims so far.
    claims: u32,
    /// Unreadable claims under the level so far.
    unreadable: u32,
    /// Index in the set of the level's HL (0 before any).
    start: u32,
}

/// The levels an HL (or the end of the set) closes.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Closing {
    /// Billing, subscriber and patient.
    All,
    /// Subscriber and patient.
    Subscriber,
    /// Patient.
    Patient,
}

/// The subscriber level (2000B, 2010BA, 2010BB) being read.
#[derive(Default, Clone)]
struct Sub {
    subscriber: Option<medbill_claim::Subscriber>,
    sequence: Option<Coded<medbill_claim::PayerSequence>>,
    filing: Option<Coded<medbill_claim::ClaimFilingIndicator>>,
    payer: Option<Shared<medbill_claim::Payer>>,
    extra: Vec<RawSegment>,
    problems: Vec<Problem>,
    hl: LevelHl,
    /// Whether SBR02 said `18` (self), for an SBR not kept as a template.
    sbr_self: Option<bool>,
    seen: Seen,
}

/// The patient level (2000C, 2010CA) being read.
#[derive(Default, Clone)]
struct Pat {
    patient: Option<Box<medbill_claim::Patient>>,
    extra: Vec<RawSegment>,
    problems: Vec<Problem>,
    hl: LevelHl,
    seen: Seen,
}

/// Where a problem belongs.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Level {
    Bill,
    Sub,
    Pat,
}

struct R837<'s> {
    set: &'s TransactionSet,
    form: ClaimForm,
    walker: Option<LoopWalker>,
    head: header::HeaderState,
    bill: Bill,
    sub: Sub,
    pat: Pat,
    /// Whether the last of `claims` is still being read.
    open: bool,
    state: ClaimState,
    claims: Vec<Claim>,
    unreadable: Vec<UnreadableClaim>,
    /// Whether segments go to the last of `unreadable`.
    collecting: bool,
    problems: Vec<TypedError>,
    /// Where each claim's values were, one entry per claim, when asked for.
    locations: Option<Vec<ClaimLocations>>,
    /// The last subscriber-level payer read, shared with the next when equal.
    last_payer: Option<Shared<medbill_claim::Payer>>,
    /// A claim of the set's form holding nothing, copied for each CLM.
    proto: Option<Claim>,
    /// Lines holding nothing, copied for each LX.
    inst_line_proto: Option<InstitutionalLine>,
    handoff: Handoff,
    /// HLs read, and the numbers the writer gives the open billing and subscriber levels:
    /// an HL numbered otherwise is kept as read.
    hl_count: u32,
    bill_hl: u32,
    sub_hl: u32,
    /// Runs of segments (set indexes, end excluded) of levels no claim came under, taken
    /// from the set once it is read; and how far the set is taken so.
    unplaced_runs: Vec<(u32, u32, usize)>,
    unplaced_upto: u32,
    /// HL01 of the open billing and subscriber levels as sent: a child level's HL02 names one.
    bill_sent_id: Text,
    sub_sent_id: Text,
    /// An HL that opened no level the guide knows (its level code, or where it stands), until
    /// the next billing or subscriber level: the claims read meanwhile may hold another
    /// level's values, and say so.
    broken_hl: Option<Location>,
}

impl<'s> R837<'s> {
    fn new(
        set: &'s TransactionSet,
        form: ClaimForm,
        guide: Option<&'static crate::schema::Guide>,
    ) -> Self {
        let walker = guide.map(|g| {
            LoopWalker::new(match form {
                ClaimForm::Institutional => guide_for("837", "005010X223A2").unwrap_or(g),
                _ => g,
            })
        });
        R837 {
            set,
            form,
            walker,
            head: header::HeaderState::default(),
            bill: Bill::default(),
            sub: Sub::default(),
            pat: Pat::default(),
            open: false,
            state: ClaimState::default(),
            // About one claim per 400 bytes; reserving avoids regrowing a vector of large
            // claims.
            claims: Vec::with_capacity(set.bytes().len() / 400),
            unreadable: Vec::new(),
            collecting: false,
            problems: Vec::new(),
            locations: None,
            last_payer: None,
            proto: None,
            inst_line_proto: None,
            handoff: Handoff::None,
            hl_count: 0,
            broken_hl: None,
            unplaced_runs: Vec::new(),
            unplaced_upto: 0,
            bill_sent_id: Text::new(),
            sub_sent_id: Text::new(),
            bill_hl: 0,
            sub_hl: 0,
        }
    }

    fn segment(&mut self, f: &Fields<'_>) {
        let Some(walker) = self.walker.as_mut() else {
            self.unplaced(f);
            return;
        };
        let mut l = walker.step(f);
        if walker.unknown_id(f) {
            // Kept where it is, as sent; said so (the id only: values may be patient data).
            let at = self.at(f, 0, 0);
            self.report(
                ClaimError::invalid("segment", super::no_place(f.id())),
                at,
                None,
            );
        }
        let in_claim = matches!(l.as_bytes(), [b'2', b'1'..=b'9', ..]);
        if self.open && !in_claim && !matches!(f.id(), "HL" | "SE" | "CLM") {
            // The guide walked back out of the open claim into a level or the header (an NM1
            // they have, where the claim's loop that has it did not open): read on as the
            // claim's, by segment, so that its lines stay lines, and say so once.
            if !std::mem::replace(&mut self.state.misplaced, true) {
                let at = self.at(f, 0, 0);
                self.report(
                    ClaimError::invalid(
                        "structure",
                        "a segment the guide does not place in this claim: what follows is read as the claim's, by segment",
                    ),
                    at,
                    None,
                );
            }
            l = if f.id() == "LX" || self.line_count() > 0 {
                "2400"
            } else {
                "2300"
            };
        }
        if self.collecting {
            if f.id() != "CLM" && f.id() != "HL" {
                if let Some(u) = self.unreadable.last_mut() {
                    u.segments.push(RawSegment::new("", f.canonical()));
                }
                return;
            }
            self.collecting = false;
        }
        if f.id() == "CLM" {
            // A claim, or (outside loop 2300, where broken levels put it) an unreadable one:
            // never a level's segment.
            self.claim_segment(l, f);
            return;
        }
        if f.id() == "HL" && !l.starts_with("20") {
            // An HL the guide opens no level with (a level code it does not know, a parent
            // out of place): what follows is read into the open claim, which says so, as do
            // the claims until the next billing or subscriber level.
            let at = self.at(f, 0, 0);
            self.report(
                ClaimError::invalid(
                    "hierarchy",
                    "an HL that opens no level here: the segments after it are kept with this claim",
                ),
                at.clone(),
                None,
            );
            self.broken_hl = Some(at);
        }
        if let [b'2', b'1'..=b'9', ..] = l.as_bytes() {
            // Claim and line loops (2300 on), most segments: straight to them, past the
            // header and hierarchical-level names below.
            self.claim_segment(l, f);
            return;
        }
        match l {
            "" | "1000A" | "1000B" => self.header_segment(l, f),
            "2000A" | "2010AA" | "2010AB" => self.billing(l, f),
            "2000B" | "2010BA" | "2010BB" => self.subscriber(l, f),
            "2000C" | "2010CA" => self.patient(l, f),
            _ if l.starts_with("20") => {
                // 2010AC and any other provider-level loop.
                if f.id() == "HL" {
                    self.hl(f);
                } else {
                    self.bill.extra.push(raw(l, f));
                }
            }
            _ => self.claim_segment(l, f),
        }
    }

    /// A segment of a set without a guide: the header before the first CLM, then each CLM's
    /// run of segments as an unreadable claim.
    fn unplaced(&mut self, f: &Fields<'_>) {
        if f.id() == "CLM" {
            let version = self.set.version().to_owned();
            self.start_unreadable(f, UnreadableReason::NoGuide { version });
            return;
        }
        if self.collecting {
            if let Some(u) = self.unreadable.last_mut() {
                u.segments.push(RawSegment::new("", f.canonical()));
            }
            return;
        }
        match f.id() {
            "ST" => {}
            "SE" => self.header_segment("", f),
            "BHT" if self.head.header.is_none() => self.header_segment("", f),
            // Read into the header, and kept as read: without a guide, the writer writes
            // what was read in order.
            "NM1" if matches!(trim(f.el(1)), "41" | "40") => {
                let l = if trim(f.el(1)) == "41" {
                    "1000A"
                } else {
                    "1000B"
                };
                self.header_segment(l, f);
                self.head.extra.push(RawSegment::new("", f.canonical()));
            }
            "PER" if !self.head.saw_per => {
                self.header_segment("1000A", f);
                self.head.extra.push(RawSegment::new("", f.canonical()));
            }
            _ => self.head.extra.push(RawSegment::new("", f.canonical())),
        }
    }

    fn start_unreadable(&mut self, f: &Fields<'_>, reason: UnreadableReason) {
        self.finish_claim();
        for hl in [&mut self.bill.hl, &mut self.sub.hl, &mut self.pat.hl] {
            hl.unreadable += 1;
        }
        let total = parse_decimal(trim(f.el(2))).ok();
        // CLM01 as sent, bytes that are not UTF-8 replaced (the entry is the report).
        let pcn = match f.segment().element(1) {
            Some(e) if trim(f.el(1)).is_empty() && e.as_str().is_none() => {
                Text::from(String::from_utf8_lossy(e.bytes()).trim())
            }
            _ => Text::from(trim(f.el(1))),
        };
        self.unreadable.push(UnreadableClaim {
            patient_control_number: pcn,
            total_charge: total,
            reason,
            at: self.at(f, 0, 0),
            segments: vec![RawSegment::new("", f.canonical())],
            index: self.claims.len(),
        });
        self.collecting = true;
    }

    /// Where element `n` (component `c`; 0 for the whole element or segment) of `f` is.
    fn at(&self, f: &Fields<'_>, n: usize, c: usize) -> Location {
        super::walk::location(self.set, f, n, c)
    }

    /// Records a problem on the open claim, or (before any claim) on the set.
    fn report(&mut self, error: ClaimError, at: Location, sent: Option<&str>) {
        if self.open
            && let Some(c) = self.claims.last_mut()
        {
            // Most claims with a problem have one: room for one, not the four a first push
            // makes (a problem is over 150 bytes).
            c.problems.reserve_exact(1);
            c.problems.push(problem(error, at, sent));
            return;
        }
        self.problems.push(TypedError::Value {
            field: error.field().unwrap_or("").to_owned(),
            reason: error.to_string(),
            position: Box::new(self.position(&at)),
        });
    }

    /// Whether the open claim's last problem is about segment `f` (a value of it the reader
    /// already named).
    fn reported_at(&self, f: &Fields<'_>) -> bool {
        let index = self.set.first_segment_index() + u64::from(f.index).saturating_sub(1);
        self.open
            && self
                .claims
                .last()
                .and_then(|c| c.problems.last())
                .and_then(|p| p.at.as_ref())
                .is_some_and(|at| at.segment == index)
    }

    /// Records a problem of a hierarchical level: it is copied to each of the level's claims.
    fn report_level(&mut self, level: Level, error: ClaimError, at: Location, sent: Option<&str>) {
        let p = problem(error, at, sent);
        match level {
            Level::Bill => self.bill.problems.push(p),
            Level::Sub => self.sub.problems.push(p),
            Level::Pat => self.pat.problems.push(p),
        }
    }

    fn position(&self, at: &Location) -> Position {
        let mut p = Position::at_byte(at.byte).with_segment(&at.segment_id, at.segment);
        p.set_segment_index = u32::try_from(
            at.segment
                .saturating_sub(self.set.first_segment_index())
                .saturating_add(1),
        )
        .ok();
        p.element = at.element;
        p.component = at.component;
        let env = self.set.envelope();
        p.interchange_control = Some(env.interchange_control());
        p.group_control = env.group_control();
        p.set_control = Some(self.set.control().to_owned());
        p
    }

    /// The code in `text` (element `n`, component `c` of `f`) as sent, reporting it on the
    /// open claim when it is not valid (and noting where it was when locations are kept).
    fn coded<T: CodeValue>(
        &mut self,
        f: &Fields<'_>,
        n: usize,
        c: usize,
        text: &str,
        field: impl FnOnce() -> String,
    ) -> Coded<T> {
        let coded = Coded::parse(text);
        if !coded.is_valid() || self.locating() {
            let field = field();
            let at = self.at(f, n, c);
            if self.locating() {
                self.note(field.clone(), at.clone());
            }
            if let Coded::Invalid(u) = &coded {
                self.report(
                    ClaimError::code(field, u.reason().clone()),
                    at,
                    Some(u.text()),
                );
            }
        }
        coded
    }

    /// Whether the reader keeps where each claim value was ([`ReadOptions::locations`]).
    fn locating(&self) -> bool {
        self.locations.is_some()
    }

    /// Notes where a value of the open claim was (only when locations are kept).
    fn note(&mut self, field: String, at: Location) {
        if self.open
            && let Some(l) = self.locations.as_mut().and_then(|l| l.last_mut())
        {
            l.fields.push((field, at));
        }
    }

    /// [`note`](Self::note) with the field path made only when locations are kept.
    fn note_at(&mut self, f: &Fields<'_>, n: usize, c: usize, field: impl FnOnce() -> String) {
        if self.locating() {
            let at = self.at(f, n, c);
            self.note(field(), at);
        }
    }

    /// [`coded`](Self::coded) for a value of a hierarchical level.
    fn level_coded<T: CodeValue>(
        &mut self,
        level: Level,
        f: &Fields<'_>,
        n: usize,
        text: &str,
        field: impl FnOnce() -> String,
    ) -> Coded<T> {
        let coded = Coded::parse(text);
        if let Coded::Invalid(u) = &coded {
            let at = self.at(f, n, 0);
            self.report_level(
                level,
                ClaimError::code(field(), u.reason().clone()),
                at,
                Some(u.text()),
            );
        }
        coded
    }

    /// The amount in element `n` as sent: its value, and whether the writer writes it back
    /// the same (`false` for `007.50`, `+5`, text that is not a number...). Not a number
    /// (reported) reads as zero; an empty element is `None`.
    fn amount(
        &mut self,
        f: &Fields<'_>,
        n: usize,
        field: impl FnOnce() -> String,
    ) -> (Option<Decimal>, bool) {
        let s = trim(f.el(n));
        if self.locating() {
            let field = field();
            self.note_at(f, n, 0, || field.clone());
            return self.amount_text(f, n, 0, s, || field);
        }
        self.amount_text(f, n, 0, s, field)
    }

    fn amount_text(
        &mut self,
        f: &Fields<'_>,
        n: usize,
        c: usize,
        s: &str,
        field: impl FnOnce() -> String,
    ) -> (Option<Decimal>, bool) {
        if s.is_empty() {
            return (None, true);
        }
        match parse_decimal(s) {
            Ok(d) => (Some(d), is_plain_amount(s) || d.to_string() == s),
            Err(_) => {
                let at = self.at(f, n, c);
                self.report(ClaimError::NotANumber { field: field() }, at, None);
                (Some(Decimal::ZERO), false)
            }
        }
    }

    /// A `CCYYMMDD` date in element `n` (component `c`), reporting text that is not one.
    fn date(
        &mut self,
        f: &Fields<'_>,
        n: usize,
        c: usize,
        s: &str,
        field: impl FnOnce() -> String,
    ) -> Option<chrono::NaiveDate> {
        if trim(s).is_empty() {
            return None;
        }
        let d = parse_date(s);
        if d.is_none() {
            let at = self.at(f, n, c);
            self.report(ClaimError::NotADate { field: field() }, at, None);
        }
        d
    }

    /// The claim being read.
    fn claim(&mut self) -> Option<&mut Claim> {
        if self.open {
            self.claims.last_mut()
        } else {
            None
        }
    }

    /// A claim of the set's form holding nothing, built once: each claim read is a copy
    /// with its fields set, which costs far less than building one.
    fn prototype(&mut self) -> &Claim {
        let form = self.form;
        self.proto.get_or_insert_with(|| blank_claim(form))
    }

    fn into_batch(mut self) -> Result<ClaimBatch, TypedError> {
        let set = self.set;
        let trailer = self.head.trailer.take();
        let header = self
            .head
            .into_header(self.form, self.walker.as_ref().map(|w| w.guide()));
        let Some(header) = header else {
            let mut p = set.position(1);
            p.element = None;
            return Err(TypedError::Structure {
                what: "the 837 has no BHT".into(),
                position: Box::new(p),
            });
        };
        Ok(ClaimBatch {
            control: set.control().to_owned(),
            guide: set.version().to_owned(),
            header,
            claims: self.claims,
            unreadable: self.unreadable,
            problems: self.problems,
            trailer,
            locations: self.locations.unwrap_or_default(),
            as_read: None,
            unplaced: Vec::new(),
        })
    }
}

impl R837<'_> {
    /// Notes, for the levels `closing` closes at set index `end`, the run of segments of the
    /// outermost one no claim (read or unreadable) came under: nothing else holds them.
    fn close_levels(&mut self, closing: Closing, end: u32) {
        let levels = [&self.bill.hl, &self.sub.hl, &self.pat.hl];
        let closed = match closing {
            Closing::All => &levels[..],
            Closing::Subscriber => &levels[1..],
            Closing::Patient => &levels[2..],
        };
        let Some(empty) = closed
            .iter()
            .find(|hl| hl.start > 0 && hl.claims == 0 && hl.unreadable == 0)
        else {
            return;
        };
        let start = empty.start.max(self.unplaced_upto);
        if start < end {
            self.unplaced_runs.push((start, end, self.claims.len()));
            self.unplaced_upto = end;
        }
    }
}

/// The location of a segment recorded as a [`Loc`] in a set whose first segment has index
/// `first`.
fn located(first: u64, loc: Loc, id: &str) -> Location {
    Location::new(first + u64::from(loc.index).saturating_sub(1), id, loc.byte)
}

fn problem(error: ClaimError, at: Location, sent: Option<&str>) -> Problem {
    let p = Problem::new(error).at(at);
    match sent {
        Some(s) => p.sent(s),
        None => p,
    }
}

/// A raw copy of a segment, in its loop.
fn raw(loop_id: &str, f: &Fields<'_>) -> RawSegment {
    RawSegment::new(loop_id, f.canonical())
}

/// `loop_id[n]`: the `n`th (1-based) instance of a repeated loop, for raw segments.
fn other_loop(loop_id: &str, index: usize) -> String {
    format!("{loop_id}[{}]", index + 1)
}

fn opt(s: &str) -> Option<String> {
    let t = trim(s);
    (!t.is_empty()).then(|| t.to_owned())
}

/// A claim of `form` holding nothing: what each claim read starts as (every field is set from
/// the segments, or left empty with a problem).
fn blank_claim(form: ClaimForm) -> Claim {
    let day = chrono::NaiveDate::default();
    let (dx, pos, cpt) = (
        medbill_codes::Icd10CmCode::parse("R69"),
        PlaceOfService::parse("11"),
        ProcedureCode::parse("99213"),
    );
    let (Ok(dx), Ok(pos), Ok(cpt)) = (dx, pos, cpt) else {
        unreachable!("the placeholder codes are valid");
    };
    let builder = match form {
        ClaimForm::Institutional => Claim::institutional("P", "11", day, day)
            .principal_diagnosis(medbill_claim::Diagnosis::new(dx, None))
            .institutional_line(InstitutionalLine::new("0001", Decimal::ZERO, Decimal::ONE)),
        _ => Claim::professional("P")
            .place_of_service(pos)
            .diagnosis(dx)
            .line(ProfessionalLine::new(cpt, Decimal::ZERO, Decimal::ONE, day)),
    };
    let built = builder
        .billing_provider(levels::blank_billing_provider())
        .subscriber(medbill_claim::Subscriber::new(
            Text::new(),
            medbill_claim::PersonName::default(),
        ))
        .payer(
            medbill_claim::Payer::new("", ""),
            medbill_claim::ClaimFilingIndicator::Commercial,
        )
        .build();
    let Ok(mut claim) = built else {
        unreachable!("the placeholder claim is valid");
    };
    claim.patient_control_number = Text::new();
    claim.release_of_information = Text::new();
    match &mut claim.detail {
        ClaimDetail::Professional(d) => {
            d.diagnoses = Vec::new();
            d.lines = Vec::new();
        }
        ClaimDetail::Institutional(d) => {
            d.statement_from = None;
            d.statement_to = None;
            d.principal_diagnosis = None;
            d.lines = Vec::new();
        }
        _ => {}
    }
    claim
}

/// A professional line holding nothing: what each line read starts as.
///
/// Its procedure is a placeholder until the SV1 is read (see `ClaimState::line_open`).
fn blank_professional_line() -> ProfessionalLine {
    // Parsed once: a line is made for every LX read.
    static PLACEHOLDER: std::sync::LazyLock<ProcedureCode> = std::sync::LazyLock::new(|| {
        ProcedureCode::parse("99213").unwrap_or_else(|_| unreachable!("99213 is a CPT code"))
    });
    let mut l = ProfessionalLine::new(
        *PLACEHOLDER,
        Decimal::ZERO,
        Decimal::ZERO,
        chrono::NaiveDate::default(),
    );
    l.service_date = None;
    l.diagnosis_pointers = medbill_claim::DiagnosisPointers::new();
    l
}

/// An institutional line holding nothing.
///
/// Its revenue code is a placeholder until the SV2 is read (see `ClaimState::line_open`).
fn blank_institutional_line() -> InstitutionalLine {
    let mut l = InstitutionalLine::new("", Decimal::ZERO, Decimal::ZERO);
    let Ok(rev) = medbill_codes::RevenueCode::parse("0001") else {
        unreachable!("0001 is a revenue code");
    };
    l.revenue_code = Coded::Valid(rev);
    l
}

/// A code that was not sent: empty text, kept as such.
fn empty_code<T>(system: medbill_codes::CodeSystem) -> Coded<T> {
    Coded::invalid("", CodeError::Empty { system })
}

/// Finishing a claim: attaching its levels, settling reader state, ordering raw segments.
impl R837<'_> {
    fn finish_claim(&mut self) {
        self.collecting = false;
        if !self.open {
            return;
        }
        self.finish_line();
        self.settle_claim_state();
        self.attach_levels();
        let guide = self.walker.as_ref().map(|w| w.guide());
        self.open = false;
        let Some(claim) = self.claims.last_mut() else {
            return;
        };
        if let Some(guide) = guide {
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
        }
    }
}
