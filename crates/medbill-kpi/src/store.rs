//! A compact, columnar ledger kept in memory: what the metrics read, packed, with claim ids
//! interned once.

use std::collections::HashMap;
use std::fmt;
use std::io::BufRead;
use std::sync::OnceLock;

use chrono::{Datelike, NaiveDate, NaiveTime, Timelike};
use medbill_claim::{
    AdjudicationOutcome, Adjustment, BalanceEffect, EventKind, FrequencyCode, LedgerEvent,
    PayerSequence, Responsibility, WriteOffKind,
};
use medbill_codes::{Carc, Coded, DenialCategory, GroupCode, ProcedureCode};
use rust_decimal::Decimal;

use crate::book::{IdMap, amounts_in_range};
use crate::error::KpiError;
use crate::intern::{BATCH, ClaimInterner, short_key};

/// The most decimal places an amount in an [`EventStore`] may have. Every currency has at
/// most three (US dollars two); six leaves room for rates and sub-cent posting.
pub const MAX_STORE_SCALE: u32 = 6;

/// Distinct payers an [`EventStore`] can hold (payer indices are `u16`; one value means
/// "no payer").
pub const MAX_STORE_PAYERS: usize = u16::MAX as usize - 1;

/// An amount packed in an `i64`: the mantissa shifted left three bits above the scale
/// (0 to [`MAX_STORE_SCALE`]). An amount the book accepts (at most a trillion) at scale six
/// has a mantissa of at most 10^18, which fits in 60 bits.
pub(crate) type Packed = i64;

#[inline]
pub(crate) fn unpack(p: Packed) -> (i64, u32) {
    (p >> 3, (p & 7) as u32)
}

/// The packed amount as a `Decimal` (same value, same scale).
#[inline]
pub(crate) fn packed_decimal(p: Packed) -> Decimal {
    let (m, s) = unpack(p);
    Decimal::new(m, s)
}

/// `None` when the scale is more than [`MAX_STORE_SCALE`]; the amount must already be
/// within [`crate::MAX_AMOUNT`].
fn pack(d: Decimal) -> Option<Packed> {
    let s = d.scale();
    if s > MAX_STORE_SCALE {
        return None;
    }
    let m = i64::try_from(d.mantissa()).ok()?;
    m.checked_mul(8).map(|m8| m8 | i64::from(s))
}

/// Powers of ten up to 10^MAX_STORE_SCALE.
const POW10: [i128; 7] = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000];

/// An exact sum of packed amounts that comes out as the very `Decimal` (digits and scale)
/// that adding the same amounts as decimals, in the same order, gives.
///
/// `Decimal` addition gives the larger scale of its operands, except around zero: adding
/// to a zero (of any scale) gives the other operand as it is, and adding a zero leaves the
/// sum as it is. The sum keeps its value at scale [`MAX_STORE_SCALE`] and the scale the
/// decimal sum would have.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Sum {
    value: i128,
    scale: u8,
}

impl Sum {
    #[inline]
    fn of(p: Packed) -> Sum {
        let (m, s) = unpack(p);
        Sum {
            value: i128::from(m) * POW10[(MAX_STORE_SCALE - s) as usize],
            scale: s as u8,
        }
    }

    #[inline]
    pub(crate) fn add(&mut self, p: Packed) {
        self.add_sum(Sum::of(p));
    }

    #[inline]
    pub(crate) fn sub(&mut self, p: Packed) {
        self.sub_sum(Sum::of(p));
    }

    #[inline]
    pub(crate) fn add_sum(&mut self, o: Sum) {
        if self.value == 0 {
            *self = o;
        } else if o.value != 0 {
            self.value += o.value;
            self.scale = self.scale.max(o.scale);
        }
    }

    #[inline]
    pub(crate) fn sub_sum(&mut self, o: Sum) {
        self.add_sum(Sum {
            value: -o.value,
            scale: o.scale,
        });
    }

    #[inline]
    pub(crate) fn is_zero(&self) -> bool {
        self.value == 0
    }

    /// The sum as a `Decimal` at the scale decimal addition would have given it. Sums of a
    /// store's amounts stay far inside `Decimal`'s 96 bits (a trillion at six places is
    /// 10^18; it takes 10^10 of them to reach 2^96).
    pub(crate) fn to_decimal(self) -> Decimal {
        let v = self.value / POW10[(MAX_STORE_SCALE - u32::from(self.scale)) as usize];
        Decimal::try_from_i128_with_scale(v, u32::from(self.scale)).unwrap_or(if v < 0 {
            Decimal::MIN
        } else {
            Decimal::MAX
        })
    }
}

/// Event kinds as stored.
pub(crate) mod kind {
    pub(crate) const CREATED: u8 = 0;
    pub(crate) const DOCUMENTATION_RECEIVED: u8 = 1;
    pub(crate) const CODED: u8 = 2;
    pub(crate) const SCRUBBED: u8 = 3;
    pub(crate) const SUBMITTED: u8 = 4;
    pub(crate) const RESUBMITTED: u8 = 5;
    pub(crate) const ACKNOWLEDGED: u8 = 6;
    pub(crate) const ADJUDICATED: u8 = 7;
    pub(crate) const PATIENT_BILLED: u8 = 8;
    pub(crate) const PATIENT_PAID: u8 = 9;
    pub(crate) const ADJUSTED: u8 = 10;
    pub(crate) const TRANSFERRED: u8 = 11;
    pub(crate) const WRITTEN_OFF: u8 = 12;
    pub(crate) const REFUNDED: u8 = 13;
    pub(crate) const APPEALED: u8 = 14;
    /// Set on an event the book skips: an amount above `MAX_AMOUNT`.
    pub(crate) const OVER_LIMIT: u8 = 0x80;

    pub(crate) const NAMES: [&str; 15] = [
        "created",
        "documentation_received",
        "coded",
        "scrubbed",
        "submitted",
        "resubmitted",
        "acknowledged",
        "adjudicated",
        "patient_billed",
        "patient_paid",
        "adjusted",
        "transferred",
        "written_off",
        "refunded",
        "appealed",
    ];
}

/// Kind-specific flag bits.
pub(crate) mod flag {
    /// `created` self pay; `scrubbed` passed; `submitted` primary; `resubmitted` void;
    /// `acknowledged` accepted; `patient_paid` point of service; `adjusted`,
    /// `written_off`: the patient's balance; `transferred`, `refunded`: to the patient.
    pub(crate) const A: u8 = 1;
    /// `scrubbed` manual intervention.
    pub(crate) const B: u8 = 2;
    /// `written_off`: the kind's class in bits 2-3.
    pub(crate) const WRITE_OFF_SHIFT: u8 = 2;
    pub(crate) const BAD_DEBT: u8 = 0;
    pub(crate) const DENIAL_WRITE_OFF: u8 = 1;
    pub(crate) const OTHER_WRITE_OFF: u8 = 2;
    /// `adjudicated`: the outcome in bits 0-1.
    pub(crate) const PAID: u8 = 0;
    pub(crate) const PARTIALLY_PAID: u8 = 1;
    pub(crate) const DENIED: u8 = 2;
    pub(crate) const OTHER_OUTCOME: u8 = 3;
}

/// No time of day recorded.
pub(crate) const NO_TIME: u32 = u32::MAX;
/// No payer named.
pub(crate) const NO_PAYER: u16 = u16::MAX;

/// One event, 32 bytes: two to a cache line.
#[derive(Debug, Clone, Copy)]
#[repr(C)]
pub(crate) struct Row {
    /// The main amount ([`EventKind::amount`]), packed; 0 for kinds without one.
    pub(crate) amount: Packed,
    pub(crate) claim: u32,
    /// Days since 0001-01-01 (chrono's `num_days_from_ce`).
    pub(crate) day: i32,
    /// Seconds since midnight, or [`NO_TIME`].
    pub(crate) secs: u32,
    /// `created`: the service date (days from CE, as `u32`); `adjudicated`: the index of
    /// its [`Adjudication`]; else 0.
    pub(crate) aux: u32,
    pub(crate) payer: u16,
    /// A [`kind`] constant, with [`kind::OVER_LIMIT`] when the book skips the event.
    pub(crate) kind: u8,
    pub(crate) flags: u8,
}

/// The parts of an `adjudicated` event the metrics read besides the row: the charge and
/// where its adjustments and lines are. Its adjustments (claim level, then line by line)
/// run from `adj_start` to the next adjudication's; its lines from `line_start` to the
/// next adjudication's.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Adjudication {
    pub(crate) charge: Packed,
    pub(crate) adj_start: u32,
    pub(crate) line_start: u32,
}

/// An adjudicated line: its procedure (index into the store's procedures, or `u32::MAX`)
/// and where its adjustments start (they end where the next line's start, or with the
/// adjudication's).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Line {
    pub(crate) procedure: u32,
    pub(crate) adj_start: u32,
}

/// Where an adjudication's parts are in the side arrays.
#[derive(Debug, Clone)]
pub(crate) struct AdjudicationParts {
    pub(crate) charge: Packed,
    /// Every adjustment, claim level then line level.
    pub(crate) adjustments: std::ops::Range<usize>,
    pub(crate) lines: std::ops::Range<usize>,
}

/// A distinct (group, reason) pair with what the metrics ask of it, worked out once.
#[derive(Debug, Clone, Copy)]
pub(crate) struct AdjustmentCode {
    pub(crate) effect: BalanceEffect,
    pub(crate) is_denial: bool,
    pub(crate) category: DenialCategory,
}

/// Events grouped by claim: `order[starts[c]..starts[c + 1]]` are claim `c`'s event
/// indices, in ledger order.
#[derive(Debug, Clone, Default)]
pub(crate) struct Grouping {
    pub(crate) order: Vec<u32>,
    pub(crate) starts: Vec<u32>,
}

/// A claim ledger held in memory in a compact, columnar form, for computing metrics over
/// many events quickly and for keeping a ledger as events arrive.
///
/// A [`LedgerEvent`] is about 216 bytes plus a heap-allocated claim id and, for
/// adjudications, nested vectors; reading ten million of them costs a cache miss or more
/// per event. The store keeps what the metrics use and nothing else:
///
/// - each event in a 32-byte row: claim index (claim ids interned once, the text kept once
///   in a side table), payer index, kind, date as a day number, time of day in seconds,
///   the main amount, and the kind's flags (self pay, scrub result, acknowledgment outcome,
///   adjudication outcome, responsibility, write-off class...);
/// - adjudications' charge, adjustments (CARC group and reason interned, with amount) and
///   lines (procedure code interned, with their adjustments) in flat side arrays that an
///   event refers to by range;
/// - the events' order grouped by claim (a stable counting sort, built when first needed),
///   so that [`Book::from_store`](crate::Book::from_store) walks each claim's events one
///   after another instead of meeting claims at random.
///
/// Money is kept exactly: an amount is its `Decimal` mantissa and scale packed in an `i64`,
/// and sums are exact integers that come back as the same `Decimal` (digits and scale) as
/// adding the amounts as decimals. An event with an amount above [`crate::MAX_AMOUNT`] is
/// kept but marked, and the book skips it exactly as [`Book::new`](crate::Book::new) does;
/// an amount with more than [`MAX_STORE_SCALE`] decimal places, or a ledger with more than
/// [`MAX_STORE_PAYERS`] payers or `u32::MAX - 1` events or claims, is refused with
/// [`KpiError::StoreLimit`] and the store is left as it was before that event.
///
/// What is not kept (not read by any metric): acknowledgment reasons and sources, batch
/// and payer claim control numbers, trace numbers, claim status codes, modifiers, units and
/// line amounts, service end dates, adjustment reasons of manual adjustments, appeal levels
/// and coordination-of-benefits sequence beyond "primary or not".
///
/// Memory: the 32-byte row and 4 bytes of grouped order per event; per claim its id text,
/// an 8-byte offset and about 40 bytes of id index; per adjudication 16 bytes, per line 8,
/// per adjustment 10. A synthetic ledger of 10 million events takes 48.6 bytes per event
/// ([`EventStore::heap_bytes`]); the same events as `Vec<LedgerEvent>` take over 300.
///
/// Use it when the same ledger is measured more than once, or kept in memory as events
/// arrive ([`push`](Self::push)), or read from a file
/// ([`read_json_lines`](Self::read_json_lines)): building the store from events costs about
/// what one [`Book::new`](crate::Book::new) over them costs, and every book from the store
/// after that is about four times faster (the full report about two and a half). After
/// events are added, the next book first groups them by claim again (a counting sort, a
/// fraction of the book's time).
///
/// ```
/// use medbill_kpi::{Book, EventStore, KpiReport, ReportOptions, synth};
/// let events = synth::generate(&synth::SynthConfig { claims: 1_000, ..Default::default() });
/// let store = EventStore::from_events(&events).unwrap();
/// assert_eq!(store.len(), events.len());
/// assert_eq!(store.claim_id(0), Some(events[0].claim_id.as_str()));
/// let as_of = "2026-03-31".parse().unwrap();
/// let options = ReportOptions::default();
/// let report = KpiReport::compute_store(&store, as_of, &options);
/// assert_eq!(report, KpiReport::compute(&events, as_of, &options));
/// assert_eq!(
///     Book::from_store(&store, as_of).claim_count(),
///     Book::new(&events, as_of).claim_count()
/// );
/// ```
#[derive(Clone)]
pub struct EventStore {
    pub(crate) rows: Vec<Row>,
    pub(crate) adjudications: Vec<Adjudication>,
    pub(crate) lines: Vec<Line>,
    /// Adjustment amounts, and their (group, reason) codes in `adjustment_code`.
    pub(crate) adjustment_amount: Vec<Packed>,
    pub(crate) adjustment_code: Vec<u16>,
    pub(crate) adjustment_codes: Vec<AdjustmentCode>,
    adjustment_code_index: IdMap<(Coded<GroupCode>, Coded<Carc>), u16>,
    /// An adjudication's adjustments while it is checked.
    scratch: Vec<(Packed, u16)>,
    pub(crate) procedures: Vec<ProcedureCode>,
    procedure_index: HashMap<ProcedureCode, u32>,
    pub(crate) payers: Vec<String>,
    /// Payer ids of up to 15 bytes by packed key (no hashing of strings); longer ones by
    /// text.
    payer_index: IdMap<u128, u16>,
    long_payer_index: IdMap<Box<str>, u16>,
    claims: ClaimInterner,
    /// Claim ids' text, one after another; claim `c`'s is `id_text[id_ends[c - 1]..id_ends[c]]`.
    id_text: String,
    id_ends: Vec<usize>,
    grouping: OnceLock<Grouping>,
}

impl fmt::Debug for EventStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventStore")
            .field("events", &self.rows.len())
            .field("claims", &self.id_ends.len())
            .field("payers", &self.payers.len())
            .field("adjudications", &self.adjudications.len())
            .finish_non_exhaustive()
    }
}

impl Default for EventStore {
    fn default() -> Self {
        EventStore::new()
    }
}

impl EventStore {
    /// An empty store.
    pub fn new() -> Self {
        EventStore::with_capacity(0)
    }

    /// An empty store with room for about `events` events.
    pub fn with_capacity(events: usize) -> Self {
        EventStore {
            rows: Vec::with_capacity(events),
            adjudications: Vec::with_capacity(events / 10),
            lines: Vec::new(),
            adjustment_amount: Vec::new(),
            adjustment_code: Vec::new(),
            adjustment_codes: Vec::new(),
            adjustment_code_index: IdMap::default(),
            scratch: Vec::new(),
            procedures: Vec::new(),
            procedure_index: HashMap::new(),
            payers: Vec::new(),
            payer_index: IdMap::default(),
            long_payer_index: IdMap::default(),
            claims: ClaimInterner::with_capacity(events / 10),
            id_text: String::new(),
            id_ends: Vec::with_capacity(events / 10),
            grouping: OnceLock::new(),
        }
    }

    /// A store of `events`, grouped by claim and ready for [`Book::from_store`](crate::Book::from_store).
    ///
    /// # Errors
    ///
    /// [`KpiError::StoreLimit`] for an event the store cannot hold exactly (see the type's
    /// docs), naming its index.
    pub fn from_events(events: &[LedgerEvent]) -> Result<Self, KpiError> {
        let mut store = EventStore::with_capacity(events.len());
        store.extend(events)?;
        store.shrink_to_fit();
        store.grouping();
        Ok(store)
    }

    /// Appends one event.
    ///
    /// # Errors
    ///
    /// [`KpiError::StoreLimit`] for an event the store cannot hold exactly; the store is
    /// unchanged.
    pub fn push(&mut self, event: &LedgerEvent) -> Result<(), KpiError> {
        self.extend(std::slice::from_ref(event))
    }

    /// Appends events in order.
    ///
    /// # Errors
    ///
    /// [`KpiError::StoreLimit`] at the first event the store cannot hold exactly; the
    /// events before it are kept, it and those after are not.
    pub fn extend<'e>(
        &mut self,
        events: impl IntoIterator<Item = &'e LedgerEvent>,
    ) -> Result<(), KpiError> {
        self.grouping.take();
        let mut batch: Vec<&LedgerEvent> = Vec::with_capacity(BATCH);
        let mut pending: Vec<Row> = Vec::with_capacity(BATCH);
        let mut ids: Vec<Option<&str>> = Vec::with_capacity(BATCH);
        let mut found: Vec<(u32, bool)> = Vec::with_capacity(BATCH);
        let mut payer_keys: Vec<Option<Option<u128>>> = Vec::with_capacity(BATCH);
        let mut events = events.into_iter();
        loop {
            batch.clear();
            batch.extend(events.by_ref().take(BATCH));
            if batch.is_empty() {
                return Ok(());
            }
            // Convert first (nothing changes yet but payer and code tables, which only
            // gain entries), then intern the claims of the events that converted.
            pending.clear();
            // The payer ids' bytes first, in a loop of independent loads (each id is a
            // separate allocation, likely a cache miss), as the claim ids are below.
            payer_keys.clear();
            payer_keys.extend(batch.iter().map(|e| e.payer_id.as_deref().map(short_key)));
            let mut failure = None;
            for (j, (e, &payer_key)) in batch.iter().zip(&payer_keys).enumerate() {
                match self.convert(e, payer_key, self.rows.len() + j) {
                    Ok(p) => pending.push(p),
                    Err(err) => {
                        failure = Some(err);
                        break;
                    }
                }
            }
            if failure.is_none() && self.id_ends.len() + batch.len() >= u32::MAX as usize {
                failure = Some(KpiError::StoreLimit {
                    event: self.rows.len(),
                    what: "more than 4294967294 claims",
                });
                pending.clear();
            }
            ids.clear();
            ids.extend(
                batch[..pending.len()]
                    .iter()
                    .map(|e| Some(e.claim_id.as_str())),
            );
            self.claims.intern_batch(&ids, &mut found);
            for ((e, p), &(ci, new)) in batch.iter().zip(pending.drain(..)).zip(&found) {
                if new {
                    self.id_text.push_str(e.claim_id.as_str());
                    self.id_ends.push(self.id_text.len());
                }
                let mut row = p;
                row.claim = ci;
                self.rows.push(row);
            }
            if let Some(err) = failure {
                return Err(err);
            }
        }
    }

    /// Checks and converts one event (its claim not yet set), adding its adjudication's
    /// parts to the side arrays once every check has passed.
    ///
    /// `payer_key`: the payer id's `short_key`, when the event names a payer.
    fn convert(
        &mut self,
        e: &LedgerEvent,
        payer_key: Option<Option<u128>>,
        index: usize,
    ) -> Result<Row, KpiError> {
        let limit = |what| KpiError::StoreLimit { event: index, what };
        if index >= u32::MAX as usize - 1 {
            return Err(limit("more than 4294967294 events"));
        }
        let payer = match e.payer_id.as_deref() {
            None => NO_PAYER,
            Some(p) => {
                let key = payer_key.flatten();
                let found = match key {
                    Some(k) => self.payer_index.get(&k),
                    None => self.long_payer_index.get(p),
                };
                match found {
                    Some(&s) => s,
                    None if self.payers.len() < MAX_STORE_PAYERS => {
                        let s = self.payers.len() as u16;
                        self.payers.push(p.to_string());
                        match key {
                            Some(k) => self.payer_index.insert(k, s),
                            None => self.long_payer_index.insert(p.into(), s),
                        };
                        s
                    }
                    None => return Err(limit("more than 65534 payers")),
                }
            }
        };
        let mut row = Row {
            amount: 0,
            claim: u32::MAX,
            day: e.date.num_days_from_ce(),
            secs: e.time.map_or(NO_TIME, |t| t.num_seconds_from_midnight()),
            aux: 0,
            payer,
            kind: 0,
            flags: 0,
        };
        let k = &e.kind;
        row.kind = match k {
            EventKind::Created { .. } => kind::CREATED,
            EventKind::DocumentationReceived => kind::DOCUMENTATION_RECEIVED,
            EventKind::Coded => kind::CODED,
            EventKind::Scrubbed { .. } => kind::SCRUBBED,
            EventKind::Submitted { .. } => kind::SUBMITTED,
            EventKind::Resubmitted { .. } => kind::RESUBMITTED,
            EventKind::Acknowledged { .. } => kind::ACKNOWLEDGED,
            EventKind::Adjudicated { .. } => kind::ADJUDICATED,
            EventKind::PatientBilled { .. } => kind::PATIENT_BILLED,
            EventKind::PatientPaid { .. } => kind::PATIENT_PAID,
            EventKind::Adjusted { .. } => kind::ADJUSTED,
            EventKind::Transferred { .. } => kind::TRANSFERRED,
            EventKind::WrittenOff { .. } => kind::WRITTEN_OFF,
            EventKind::Refunded { .. } => kind::REFUNDED,
            EventKind::Appealed { .. } => kind::APPEALED,
            _ => return Err(limit("an event kind it does not know")),
        };
        if !amounts_in_range(k) {
            // Kept for its claim, date and count; the book skips it.
            row.kind |= kind::OVER_LIMIT;
            return Ok(row);
        }
        let precision = || limit("an amount with more than 6 decimal places");
        if let Some(a) = k.amount() {
            row.amount = pack(a).ok_or_else(precision)?;
        }
        let is_patient = |r: &Responsibility| matches!(r, Responsibility::Patient);
        let a = |b: bool| if b { flag::A } else { 0 };
        match k {
            EventKind::Created {
                service_date,
                self_pay,
                ..
            } => {
                row.aux = service_date.num_days_from_ce() as u32;
                row.flags = a(*self_pay);
            }
            EventKind::Scrubbed {
                passed,
                manual_intervention,
            } => row.flags = a(*passed) | if *manual_intervention { flag::B } else { 0 },
            EventKind::Submitted { sequence, .. } => {
                row.flags = a(matches!(sequence, PayerSequence::Primary));
            }
            EventKind::Resubmitted { frequency, .. } => {
                row.flags = a(*frequency == FrequencyCode::Void);
            }
            EventKind::Acknowledged { outcome, .. } => row.flags = a(outcome.is_accepted()),
            EventKind::Adjudicated {
                outcome,
                charge,
                adjustments,
                lines,
                ..
            } => {
                row.flags = match outcome {
                    AdjudicationOutcome::Paid => flag::PAID,
                    AdjudicationOutcome::PartiallyPaid => flag::PARTIALLY_PAID,
                    AdjudicationOutcome::Denied => flag::DENIED,
                    _ => flag::OTHER_OUTCOME,
                };
                let charge = pack(*charge).ok_or_else(precision)?;
                // Every amount and code checked before anything is added.
                self.scratch.clear();
                let all = adjustments
                    .iter()
                    .chain(lines.iter().flat_map(|l| l.adjustments.iter()));
                for adj in all {
                    let amount = pack(adj.amount).ok_or_else(precision)?;
                    let code = self
                        .adjustment_code(adj)
                        .ok_or_else(|| limit("more than 65535 adjustment codes"))?;
                    self.scratch.push((amount, code));
                }
                if self.adjudications.len() >= u32::MAX as usize
                    || self.adjustment_amount.len() + self.scratch.len() >= u32::MAX as usize
                    || self.lines.len() + lines.len() >= u32::MAX as usize
                {
                    return Err(limit(
                        "more than 4294967294 adjudications, lines or adjustments",
                    ));
                }
                row.aux = self.adjudications.len() as u32;
                let adj_start = self.adjustment_amount.len() as u32;
                self.adjudications.push(Adjudication {
                    charge,
                    adj_start,
                    line_start: self.lines.len() as u32,
                });
                let mut line_adj = adj_start + adjustments.len() as u32;
                for line in lines {
                    let procedure = line.procedure.map_or(u32::MAX, |p| self.procedure(p));
                    self.lines.push(Line {
                        procedure,
                        adj_start: line_adj,
                    });
                    line_adj += line.adjustments.len() as u32;
                }
                self.adjustment_amount
                    .extend(self.scratch.iter().map(|&(a, _)| a));
                self.adjustment_code
                    .extend(self.scratch.iter().map(|&(_, c)| c));
            }
            EventKind::PatientPaid {
                point_of_service, ..
            } => row.flags = a(*point_of_service),
            EventKind::Adjusted { responsibility, .. } => row.flags = a(is_patient(responsibility)),
            EventKind::Transferred { to, .. } | EventKind::Refunded { to, .. } => {
                row.flags = a(is_patient(to));
            }
            EventKind::WrittenOff {
                responsibility,
                write_off,
                ..
            } => {
                let class = match (write_off, responsibility) {
                    (WriteOffKind::BadDebt, _) => flag::BAD_DEBT,
                    (
                        WriteOffKind::TimelyFiling
                        | WriteOffKind::Administrative
                        | WriteOffKind::Other,
                        Responsibility::Insurance,
                    ) => flag::DENIAL_WRITE_OFF,
                    _ => flag::OTHER_WRITE_OFF,
                };
                row.flags = a(is_patient(responsibility)) | (class << flag::WRITE_OFF_SHIFT);
            }
            _ => {}
        }
        Ok(row)
    }

    fn adjustment_code(&mut self, adj: &Adjustment) -> Option<u16> {
        let key = (adj.group.clone(), adj.reason.clone());
        if let Some(&i) = self.adjustment_code_index.get(&key) {
            return Some(i);
        }
        if self.adjustment_codes.len() >= u16::MAX as usize {
            return None;
        }
        let i = self.adjustment_codes.len() as u16;
        self.adjustment_codes.push(AdjustmentCode {
            effect: adj.balance_effect(),
            is_denial: adj.is_denial(),
            category: adj.category(),
        });
        self.adjustment_code_index.insert(key, i);
        Some(i)
    }

    fn procedure(&mut self, code: ProcedureCode) -> u32 {
        if let Some(&i) = self.procedure_index.get(&code) {
            return i;
        }
        let i = self.procedures.len() as u32;
        self.procedures.push(code);
        self.procedure_index.insert(code, i);
        i
    }

    /// Reads a ledger in the JSON-lines format of [`medbill_claim::ledger`] into a new
    /// store, one line at a time (the file's events are never all in memory as
    /// [`LedgerEvent`]s). Blank lines are skipped.
    ///
    /// # Errors
    ///
    /// [`KpiError::LedgerLine`] naming the line (1-based) that could not be read or parsed,
    /// never its content; [`KpiError::StoreLimit`] for an event the store cannot hold.
    ///
    /// ```
    /// use medbill_kpi::EventStore;
    /// let text = r#"{"claim_id":"PCN1","date":"2026-03-02","event":"created","charge":"150.00","service_date":"2026-03-01"}
    /// {"claim_id":"PCN1","date":"2026-03-03","payer_id":"87726","event":"submitted","charge":"150.00","sequence":"P"}
    /// "#;
    /// let store = EventStore::read_json_lines(text.as_bytes()).unwrap();
    /// assert_eq!((store.len(), store.claim_count()), (2, 1));
    /// assert_eq!(store.payers(), ["87726"]);
    /// ```
    pub fn read_json_lines<R: BufRead>(input: R) -> Result<Self, KpiError> {
        let mut store = EventStore::new();
        store.extend_json_lines(input)?;
        store.shrink_to_fit();
        store.grouping();
        Ok(store)
    }

    /// Appends the events of a JSON-lines ledger, returning how many were added.
    ///
    /// # Errors
    ///
    /// As [`read_json_lines`](Self::read_json_lines); the events of the lines before the
    /// failing one are kept.
    pub fn extend_json_lines<R: BufRead>(&mut self, mut input: R) -> Result<usize, KpiError> {
        let before = self.rows.len();
        let mut line = String::new();
        let mut number = 0usize;
        // Events are parsed a few at a time so their claims are interned in a batch.
        let mut events: Vec<LedgerEvent> = Vec::with_capacity(BATCH);
        let mut numbers: Vec<usize> = Vec::with_capacity(BATCH);
        loop {
            line.clear();
            number += 1;
            // A line that cannot be read or parsed ends the input: the events before it
            // are still added.
            let (done, failure) = match input.read_line(&mut line) {
                Err(e) => (
                    true,
                    Some(KpiError::LedgerLine {
                        line: number,
                        message: format!("I/O error ({})", e.kind()),
                    }),
                ),
                Ok(0) => (true, None),
                Ok(_) if line.trim().is_empty() => (false, None),
                Ok(_) => match crate::store_json::parse_line(&line) {
                    Ok(event) => {
                        events.push(event);
                        numbers.push(number);
                        (false, None)
                    }
                    Err(e) => (
                        true,
                        Some(KpiError::LedgerLine {
                            line: number,
                            message: json_message(&e),
                        }),
                    ),
                },
            };
            if events.len() == BATCH || (done && !events.is_empty()) {
                let first = self.rows.len();
                if let Err(e) = self.extend(events.iter()) {
                    return Err(match e {
                        KpiError::StoreLimit { event, what } => KpiError::LedgerLine {
                            line: numbers.get(event - first).copied().unwrap_or(number),
                            message: format!("the event store cannot hold {what}"),
                        },
                        other => other,
                    });
                }
                events.clear();
                numbers.clear();
            }
            if done {
                return match failure {
                    Some(e) => Err(e),
                    None => Ok(self.rows.len() - before),
                };
            }
        }
    }

    /// Gives back memory reserved for events not added (vectors grow by doubling).
    pub fn shrink_to_fit(&mut self) {
        self.rows.shrink_to_fit();
        self.adjudications.shrink_to_fit();
        self.lines.shrink_to_fit();
        self.adjustment_amount.shrink_to_fit();
        self.adjustment_code.shrink_to_fit();
        self.id_text.shrink_to_fit();
        self.id_ends.shrink_to_fit();
        self.scratch = Vec::new();
    }

    /// Number of events.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Whether there are no events.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Number of distinct claims; claims are numbered from 0 in order of first appearance.
    pub fn claim_count(&self) -> usize {
        self.id_ends.len()
    }

    /// The id of claim number `claim`.
    pub fn claim_id(&self, claim: u32) -> Option<&str> {
        let c = claim as usize;
        let end = *self.id_ends.get(c)?;
        let start = if c == 0 { 0 } else { self.id_ends[c - 1] };
        self.id_text.get(start..end)
    }

    /// The number of the claim with id `id`.
    pub fn claim_index(&self, id: &str) -> Option<u32> {
        self.claims.get(id)
    }

    /// The claim number of event `event` (its position in the ledger).
    pub fn event_claim(&self, event: usize) -> Option<u32> {
        self.rows.get(event).map(|r| r.claim)
    }

    /// The date of event `event`.
    pub fn event_date(&self, event: usize) -> Option<NaiveDate> {
        NaiveDate::from_num_days_from_ce_opt(self.rows.get(event)?.day)
    }

    /// The time of day of event `event`, when it has one.
    pub fn event_time(&self, event: usize) -> Option<NaiveTime> {
        let secs = self.rows.get(event)?.secs;
        NaiveTime::from_num_seconds_from_midnight_opt(secs, 0)
    }

    /// The `event` tag of event `event`, such as `"submitted"`.
    pub fn event_kind(&self, event: usize) -> Option<&'static str> {
        let k = self.rows.get(event)?.kind & !kind::OVER_LIMIT;
        kind::NAMES.get(k as usize).copied()
    }

    /// The payer of event `event`, when it names one.
    pub fn event_payer(&self, event: usize) -> Option<&str> {
        let p = self.rows.get(event)?.payer;
        self.payers.get(p as usize).map(String::as_str)
    }

    /// The main amount of event `event` ([`EventKind::amount`]); `None` for kinds without
    /// one and for events with an amount above [`crate::MAX_AMOUNT`] (which the store does
    /// not keep).
    pub fn event_amount(&self, event: usize) -> Option<Decimal> {
        let r = self.rows.get(event)?;
        let has_amount = !matches!(
            r.kind,
            kind::DOCUMENTATION_RECEIVED | kind::CODED | kind::SCRUBBED | kind::ACKNOWLEDGED
        ) && r.kind & kind::OVER_LIMIT == 0;
        has_amount.then(|| packed_decimal(r.amount))
    }

    /// The distinct payer ids, in order of first appearance.
    pub fn payers(&self) -> &[String] {
        &self.payers
    }

    /// The events of claim number `claim`, by index, in ledger order.
    pub fn claim_events(&self, claim: u32) -> &[u32] {
        let g = self.grouping();
        let c = claim as usize;
        match (g.starts.get(c), g.starts.get(c + 1)) {
            (Some(&a), Some(&b)) => &g.order[a as usize..b as usize],
            _ => &[],
        }
    }

    /// Bytes of memory the store holds on the heap (allocated capacity), for sizing.
    pub fn heap_bytes(&self) -> usize {
        use std::mem::size_of;
        let grouping = self
            .grouping
            .get()
            .map_or(0, |g| (g.order.capacity() + g.starts.capacity()) * 4);
        self.rows.capacity() * size_of::<Row>()
            + self.adjudications.capacity() * size_of::<Adjudication>()
            + self.lines.capacity() * size_of::<Line>()
            + self.adjustment_amount.capacity() * size_of::<Packed>()
            + self.adjustment_code.capacity() * size_of::<u16>()
            + self.scratch.capacity() * size_of::<(Packed, u16)>()
            + self.adjustment_codes.capacity() * (size_of::<AdjustmentCode>() + 24)
            + self.procedures.capacity() * (size_of::<ProcedureCode>() * 2 + 8)
            + self.payers.iter().map(|p| 2 * p.len() + 48).sum::<usize>()
            + self.claims.heap_bytes()
            + self.id_text.capacity()
            + self.id_ends.capacity() * size_of::<usize>()
            + grouping
    }

    /// Events grouped by claim (built on first use after a change).
    pub(crate) fn grouping(&self) -> &Grouping {
        self.grouping.get_or_init(|| {
            // A counting sort on the claim index: stable, so a claim's events keep ledger
            // order.
            let n = self.id_ends.len();
            let mut starts = vec![0u32; n + 1];
            for r in &self.rows {
                starts[r.claim as usize + 1] += 1;
            }
            for c in 0..n {
                starts[c + 1] += starts[c];
            }
            let mut next = starts.clone();
            let mut order = vec![0u32; self.rows.len()];
            for (i, r) in self.rows.iter().enumerate() {
                let slot = &mut next[r.claim as usize];
                order[*slot as usize] = i as u32;
                *slot += 1;
            }
            Grouping { order, starts }
        })
    }

    /// The parts of row `event`'s adjudication, if it is one the store kept.
    pub(crate) fn adjudication(&self, event: usize) -> Option<AdjudicationParts> {
        let r = self.rows.get(event)?;
        if r.kind != kind::ADJUDICATED || r.aux as usize >= self.adjudications.len() {
            return None;
        }
        Some(self.adjudication_parts(r.aux as usize))
    }

    /// Where adjudication number `k`'s parts are.
    #[inline]
    pub(crate) fn adjudication_parts(&self, k: usize) -> AdjudicationParts {
        let a = &self.adjudications[k];
        let (adj_end, line_end) = match self.adjudications.get(k + 1) {
            Some(next) => (next.adj_start as usize, next.line_start as usize),
            None => (self.adjustment_amount.len(), self.lines.len()),
        };
        AdjudicationParts {
            charge: a.charge,
            adjustments: a.adj_start as usize..adj_end,
            lines: a.line_start as usize..line_end,
        }
    }

    /// The adjustments of line `line` of an adjudication with these parts.
    #[inline]
    pub(crate) fn line_adjustments(
        &self,
        parts: &AdjudicationParts,
        line: usize,
    ) -> std::ops::Range<usize> {
        let start = self.lines[line].adj_start as usize;
        let end = if line + 1 < parts.lines.end {
            self.lines[line + 1].adj_start as usize
        } else {
            parts.adjustments.end
        };
        start..end
    }
}

/// serde_json messages can quote input values; keep only the category and position (as
/// `medbill_claim::ledger::read_json_lines` does).
fn json_message(e: &serde_json::Error) -> String {
    use serde_json::error::Category;
    let what = match e.classify() {
        Category::Io => "I/O error",
        Category::Syntax => "invalid JSON",
        Category::Data => "a field is missing or has the wrong type or value",
        Category::Eof => "unexpected end of input",
    };
    format!("{what} at column {}", e.column())
}
