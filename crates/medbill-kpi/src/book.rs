//! The claim book: one pass over ledger events into dense, compact per-claim facts and daily
//! money totals, from which every metric is computed.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use chrono::{Datelike, Days, NaiveDate, NaiveDateTime, NaiveTime, Timelike};
use medbill_claim::{
    AdjudicatedLine, AdjudicationOutcome, Adjustment, BalanceEffect, EventKind, FrequencyCode,
    LedgerEvent, PayerSequence, Responsibility, WriteOffKind,
};
use medbill_codes::{Carc, Coded, GroupCode};
use rust_decimal::Decimal;

use crate::intern::{BATCH, ClaimInterner};
use crate::period::Period;
use crate::store::EventStore;

/// An event's place in time: date, time of day and position in the ledger, packed so that
/// comparing keys compares (date, time, order added). `NONE` sorts after every event.
pub(crate) type Key = u64;
pub(crate) const NONE: Key = u64::MAX;
const SEQ_BITS: u32 = 29;
const SECS_BITS: u32 = 17;

fn epoch() -> NaiveDate {
    NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or(NaiveDate::MIN)
}

/// `epoch().num_days_from_ce()`.
const EPOCH_DAYS_FROM_CE: i32 = 693_596;

fn make_key(date: NaiveDate, time: Option<NaiveTime>, seq: usize) -> Key {
    make_key_days(
        date.num_days_from_ce(),
        time.map_or(0, |t| t.num_seconds_from_midnight()),
        seq,
    )
}

/// `make_key` from a day number (days from CE) and seconds since midnight.
#[inline]
pub(crate) fn make_key_days(day_from_ce: i32, secs: u32, seq: usize) -> Key {
    // Days since 1900 in 18 bits (until year 2617); earlier dates clamp to 1900-01-01.
    let day = (day_from_ce - EPOCH_DAYS_FROM_CE).clamp(0, (1 << 18) - 1) as u64;
    let secs = u64::from(secs);
    let seq = (seq as u64).min((1 << SEQ_BITS) - 1);
    (day << (SEQ_BITS + SECS_BITS)) | (secs << SEQ_BITS) | seq
}

pub(crate) fn key_date(key: Key) -> NaiveDate {
    let day = key >> (SEQ_BITS + SECS_BITS);
    epoch()
        .checked_add_days(Days::new(day))
        .unwrap_or(NaiveDate::MAX)
}

/// Days since 1900-01-01 of a key: `key_date(key)` without building the date.
#[inline]
pub(crate) fn key_day(key: Key) -> i64 {
    (key >> (SEQ_BITS + SECS_BITS)) as i64
}

/// Days since 1900-01-01 of a date (negative before), on the same scale as [`key_day`].
pub(crate) fn date_day(date: NaiveDate) -> i64 {
    i64::from(date.num_days_from_ce()) - i64::from(EPOCH_DAYS_FROM_CE)
}

/// A period as key days, so the metrics' per-claim tests compare integers instead of
/// building a date from every key.
#[derive(Debug, Clone, Copy)]
pub(crate) struct KeySpan {
    start: i64,
    end: i64,
}

impl KeySpan {
    pub(crate) fn of(period: Period) -> Self {
        KeySpan {
            start: date_day(period.start()),
            end: date_day(period.end()),
        }
    }

    /// Whether the key is an event's (not `NONE`) and its date falls in the period.
    #[inline]
    pub(crate) fn contains(&self, key: Key) -> bool {
        key != NONE && (self.start..self.end).contains(&key_day(key))
    }
}

/// Seconds since 1900-01-01 00:00 of a key (for turnaround in hours).
pub(crate) fn key_seconds(key: Key) -> i64 {
    let day = (key >> (SEQ_BITS + SECS_BITS)) as i64;
    let secs = ((key >> SEQ_BITS) & ((1 << SECS_BITS) - 1)) as i64;
    day * 86_400 + secs
}

/// A small, fast hasher for claim-id strings (the multiply-rotate scheme used by compilers'
/// hash maps): the claim index is the hot lookup of the one pass.
#[derive(Default, Clone, Copy)]
pub(crate) struct IdHasher {
    hash: u64,
}

impl IdHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl Hasher for IdHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.add(u64::from_le_bytes(w));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            self.add(crate::intern::partial_word(rest));
        }
    }

    #[inline]
    fn write_u64(&mut self, w: u64) {
        self.add(w);
    }

    #[inline]
    fn write_u128(&mut self, w: u128) {
        self.add(w as u64);
        self.add((w >> 64) as u64);
    }

    #[inline]
    fn write_u8(&mut self, b: u8) {
        self.add(u64::from(b));
    }

    #[inline]
    fn finish(&self) -> u64 {
        // The multiply-rotate rounds leave the low bits (which pick the bucket) depending
        // on few input bits; ids such as "C00001234" differ only near the end. Finish with
        // an avalanche step (MurmurHash3's fmix64).
        let mut h = self.hash;
        h ^= h >> 33;
        h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
        h ^= h >> 33;
        h
    }
}

pub(crate) type IdMap<K, V> = HashMap<K, V, BuildHasherDefault<IdHasher>>;

/// The first adjudication's outcome, compactly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FirstOutcome {
    Paid,
    PartiallyPaid,
    Denied,
}

/// What the metrics need to know about one claim. Keys are `NONE` when the event never
/// happened (on or before the book's date).
///
/// Laid out in cache lines by use: the first holds what nearly every event touches (payer,
/// balances, first event date), the second the event times most kinds set, the third the
/// charges, the last what only adjudication and the later passes need. The book's one pass
/// meets each claim at random, so touching two lines rather than four is what counts.
#[derive(Debug, Clone)]
#[repr(C, align(64))]
pub(crate) struct ClaimFacts {
    // Line 1.
    pub(crate) payer_rank: (u8, Key),
    pub(crate) insurance: Decimal,
    pub(crate) patient: Decimal,
    pub(crate) first_event: NaiveDate,
    pub(crate) service_date: Option<NaiveDate>,
    /// The claim's payer slot: the payer of its first primary submission, else of its first
    /// event naming a payer; `Book::no_payer()` when none.
    pub(crate) payer: u16,
    pub(crate) self_pay: bool,
    pub(crate) scrub_clean: bool,
    /// A rejection arrived between the first submission and the first resubmission.
    pub(crate) first_pass_rejected: bool,
    pub(crate) first_outcome: Option<FirstOutcome>,
    // Line 2.
    pub(crate) created: Key,
    pub(crate) documentation: Key,
    pub(crate) coded: Key,
    pub(crate) first_scrub: Key,
    pub(crate) first_submit: Key,
    pub(crate) first_resubmit: Key,
    pub(crate) first_accept: Key,
    pub(crate) first_reject: Key,
    // Line 3.
    pub(crate) first_adj: Key,
    pub(crate) last_charge_key: Key,
    pub(crate) last_charge: Decimal,
    pub(crate) created_charge: Decimal,
    pub(crate) first_submit_charge: Decimal,
    // Line 4.
    pub(crate) first_adj_charge: Decimal,
    pub(crate) first_adj_event: u32,
    /// The rejection or initial denial that called for a corrected claim.
    pub(crate) problem: Key,
    /// The first resubmission (not a void) after `problem`.
    pub(crate) resubmit_after_problem: Key,
}

impl ClaimFacts {
    pub(crate) fn new(first_event: NaiveDate, no_payer: u16) -> Self {
        ClaimFacts {
            payer: no_payer,
            payer_rank: (u8::MAX, NONE),
            self_pay: false,
            service_date: None,
            created: NONE,
            created_charge: Decimal::ZERO,
            last_charge: Decimal::ZERO,
            last_charge_key: NONE,
            documentation: NONE,
            coded: NONE,
            first_scrub: NONE,
            scrub_clean: false,
            first_submit: NONE,
            first_submit_charge: Decimal::ZERO,
            first_resubmit: NONE,
            first_accept: NONE,
            first_reject: NONE,
            first_pass_rejected: false,
            first_adj: NONE,
            first_adj_event: u32::MAX,
            first_outcome: None,
            first_adj_charge: Decimal::ZERO,
            problem: NONE,
            resubmit_after_problem: NONE,
            insurance: Decimal::ZERO,
            patient: Decimal::ZERO,
            first_event,
        }
    }

    fn set_charge(&mut self, key: Key, charge: Decimal) {
        if self.last_charge_key == NONE || key > self.last_charge_key {
            self.last_charge_key = key;
            self.last_charge = charge;
        }
    }

    fn bucket(&mut self, r: Responsibility) -> &mut Decimal {
        match r {
            Responsibility::Patient => &mut self.patient,
            _ => &mut self.insurance,
        }
    }

    /// Whether the first adjudication carried a denial (in full or in part).
    pub(crate) fn initially_denied(&self) -> bool {
        matches!(
            self.first_outcome,
            Some(FirstOutcome::Denied | FirstOutcome::PartiallyPaid)
        )
    }
}

/// Money that moved on one day for one payer slot.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct DayTotals {
    /// Charges entered (`created`), by charge entry date.
    pub(crate) charges: Decimal,
    /// Contractual reductions at adjudication and manual `adjusted` amounts.
    pub(crate) contractual: Decimal,
    /// Paid by payers (`adjudicated` paid; reversals negative).
    pub(crate) insurance_paid: Decimal,
    /// Paid by patients.
    pub(crate) patient_paid: Decimal,
    /// The part of `patient_paid` collected at the point of service.
    pub(crate) pos_paid: Decimal,
    /// Refunded to payers and patients.
    pub(crate) refunds: Decimal,
    /// Written off as bad debt.
    pub(crate) bad_debt: Decimal,
    /// Insurance balances written off for timely filing, administrative or other reasons:
    /// denials not worth or not won on appeal.
    pub(crate) denial_write_off: Decimal,
    /// Every other write-off (charity, small balance, patient balances other than bad debt).
    pub(crate) other_write_off: Decimal,
    /// Net change of A/R (insurance plus patient balances).
    pub(crate) ar_delta: Decimal,
}

impl DayTotals {
    pub(crate) fn add(&mut self, o: &DayTotals) {
        self.charges += o.charges;
        self.contractual += o.contractual;
        self.insurance_paid += o.insurance_paid;
        self.patient_paid += o.patient_paid;
        self.pos_paid += o.pos_paid;
        self.refunds += o.refunds;
        self.bad_debt += o.bad_debt;
        self.denial_write_off += o.denial_write_off;
        self.other_write_off += o.other_write_off;
        self.ar_delta += o.ar_delta;
    }
}

/// How far back day-level totals are kept; older money is folded into one opening total.
pub(crate) const MAX_DAYS: i64 = 3660;

/// Where a book's events are, for the few metrics that read an adjudication's adjustments
/// and lines again.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Source<'a> {
    Events(&'a [LedgerEvent]),
    Store(&'a EventStore),
}

/// One pass of a ledger as of a date: per-claim facts and daily money totals by payer.
///
/// Building it is the expensive step (one hash look-up per event); every metric afterwards
/// reads the compact state. Events dated after `as_of` are ignored, so a book answers "as
/// the ledger stood at the end of `as_of`". Event order in the slice does not matter: ties
/// within a date are broken by time of day, then by position in the slice.
///
/// For a large ledger, or one measured more than once, keep the events in an
/// [`EventStore`] and build the book with [`Book::from_store`]: the same book, about four
/// times faster.
///
/// ```
/// use medbill_kpi::{Book, synth};
/// let events = synth::generate(&synth::SynthConfig { claims: 200, ..Default::default() });
/// let as_of = "2026-06-30".parse().unwrap();
/// let book = Book::new(&events, as_of);
/// assert!(book.claim_count() > 0);
/// ```
#[derive(Debug, Clone)]
pub struct Book<'a> {
    pub(crate) source: Source<'a>,
    pub(crate) as_of: NaiveDate,
    pub(crate) skipped: usize,
    pub(crate) claims: Vec<ClaimFacts>,
    pub(crate) payers: Vec<String>,
    /// First day with its own totals; money before it is in `opening`.
    pub(crate) first_day: NaiveDate,
    pub(crate) ndays: usize,
    /// `days[slot * ndays + day]`, slot `payers.len()` for claims without a payer.
    pub(crate) days: Vec<DayTotals>,
    pub(crate) opening: Vec<DayTotals>,
}

impl<'a> Book<'a> {
    /// Builds the book from events, as of the end of `as_of`.
    pub fn new(events: &'a [LedgerEvent], as_of: NaiveDate) -> Book<'a> {
        let mut interner = ClaimInterner::with_capacity(events.len() / 10);
        // Contractual adjustments of each adjudication, found in the first pass, so the
        // second does not read the lines again: (event index, amount).
        let mut contractual: Vec<(u32, Decimal)> = Vec::new();
        let mut claims: Vec<ClaimFacts> = Vec::with_capacity(events.len() / 8);
        let mut payers: Vec<String> = Vec::new();
        let mut payer_index: IdMap<&'a str, u16> = IdMap::default();
        // The claim each event belongs to, for the second pass (u32::MAX: after as_of).
        let mut event_claim: Vec<u32> = Vec::with_capacity(events.len());
        let mut rejections: Vec<(u32, Key)> = Vec::new();
        let mut resubmissions: Vec<(u32, Key)> = Vec::new();
        let mut min_date = as_of;
        let mut effects = EffectCache::default();
        // Payer slots are u16; beyond that many distinct payers, the rest share "no payer".
        const MAX_PAYERS: usize = u16::MAX as usize - 1;
        let provisional_none = u16::MAX;

        // First the claim index of every event: a tight loop of hash look-ups, whose cache
        // misses the processor can overlap; then the facts, with every claim's address known.
        let mut ids: Vec<Option<&'a str>> = Vec::with_capacity(BATCH);
        let mut found: Vec<(u32, bool)> = Vec::with_capacity(BATCH);
        for batch in events.chunks(BATCH) {
            ids.clear();
            ids.extend(
                batch
                    .iter()
                    .map(|e| (e.date <= as_of).then_some(e.claim_id.as_str())),
            );
            interner.intern_batch(&ids, &mut found);
            for (e, &(ci, new)) in batch.iter().zip(&found) {
                if ci != u32::MAX && e.date < min_date {
                    min_date = e.date;
                }
                if new {
                    claims.push(ClaimFacts::new(e.date, provisional_none));
                }
                event_claim.push(ci);
            }
        }
        let mut skipped = 0usize;
        for (seq, e) in events.iter().enumerate() {
            let ci = event_claim[seq];
            if ci == u32::MAX {
                continue;
            }
            if !amounts_in_range(&e.kind) {
                // Ignored everywhere, so sums can never overflow.
                event_claim[seq] = u32::MAX;
                skipped += 1;
                continue;
            }
            let key = make_key(e.date, e.time, seq);
            let c = &mut claims[ci as usize];
            if e.date < c.first_event {
                c.first_event = e.date;
            }
            if let Some(p) = e.payer_id.as_deref() {
                let primary_submission = matches!(
                    e.kind,
                    EventKind::Submitted {
                        sequence: PayerSequence::Primary,
                        ..
                    }
                );
                let rank = (u8::from(!primary_submission), key);
                if rank < c.payer_rank {
                    let slot = match payer_index.get(p) {
                        Some(&s) => s,
                        None if payers.len() < MAX_PAYERS => {
                            let s = payers.len() as u16;
                            payers.push(p.to_string());
                            payer_index.insert(p, s);
                            s
                        }
                        None => provisional_none,
                    };
                    c.payer_rank = rank;
                    c.payer = slot;
                }
            }
            match &e.kind {
                EventKind::Created {
                    charge,
                    service_date,
                    self_pay,
                    ..
                } => {
                    if key < c.created {
                        c.created = key;
                        c.service_date = Some(*service_date);
                        c.created_charge = *charge;
                        c.self_pay = *self_pay;
                    }
                    if *self_pay {
                        c.patient += *charge;
                    } else {
                        c.insurance += *charge;
                    }
                    c.set_charge(key, *charge);
                }
                EventKind::DocumentationReceived => c.documentation = c.documentation.min(key),
                EventKind::Coded => c.coded = c.coded.min(key),
                EventKind::Scrubbed {
                    passed,
                    manual_intervention,
                } if key < c.first_scrub => {
                    c.first_scrub = key;
                    c.scrub_clean = *passed && !*manual_intervention;
                }
                EventKind::Submitted { charge, .. } => {
                    if key < c.first_submit {
                        c.first_submit = key;
                        c.first_submit_charge = *charge;
                    }
                    c.set_charge(key, *charge);
                }
                EventKind::Resubmitted {
                    charge, frequency, ..
                } => {
                    c.first_resubmit = c.first_resubmit.min(key);
                    if *frequency != FrequencyCode::Void {
                        c.set_charge(key, *charge);
                        resubmissions.push((ci, key));
                    }
                }
                EventKind::Acknowledged { outcome, .. } => {
                    if outcome.is_accepted() {
                        c.first_accept = c.first_accept.min(key);
                    } else {
                        c.first_reject = c.first_reject.min(key);
                        rejections.push((ci, key));
                    }
                }
                EventKind::Adjudicated {
                    outcome,
                    paid,
                    charge,
                    ..
                } => {
                    c.insurance -= *paid;
                    let mut written_down = Decimal::ZERO;
                    for adj in adjustments_of(&e.kind) {
                        match effects.get(adj) {
                            BalanceEffect::ToPatient => {
                                c.insurance -= adj.amount;
                                c.patient += adj.amount;
                            }
                            BalanceEffect::WrittenDown => {
                                c.insurance -= adj.amount;
                                written_down += adj.amount;
                            }
                            _ => {}
                        }
                    }
                    if !written_down.is_zero() {
                        contractual.push((seq as u32, written_down));
                    }
                    let first = match outcome {
                        AdjudicationOutcome::Paid => Some(FirstOutcome::Paid),
                        AdjudicationOutcome::PartiallyPaid => Some(FirstOutcome::PartiallyPaid),
                        AdjudicationOutcome::Denied => Some(FirstOutcome::Denied),
                        _ => None,
                    };
                    if let Some(first) = first {
                        // Adjudication is evidence the front end accepted the claim.
                        c.first_accept = c.first_accept.min(key);
                        if key < c.first_adj {
                            c.first_adj = key;
                            c.first_adj_event = seq.min(u32::MAX as usize - 1) as u32;
                            c.first_outcome = Some(first);
                            c.first_adj_charge = *charge;
                        }
                    }
                }
                EventKind::PatientPaid { amount, .. } => c.patient -= *amount,
                EventKind::Adjusted {
                    amount,
                    responsibility,
                    ..
                }
                | EventKind::WrittenOff {
                    amount,
                    responsibility,
                    ..
                } => *c.bucket(*responsibility) -= *amount,
                EventKind::Transferred { amount, to } => {
                    let from = match to {
                        Responsibility::Patient => Responsibility::Insurance,
                        _ => Responsibility::Patient,
                    };
                    *c.bucket(from) -= *amount;
                    *c.bucket(*to) += *amount;
                }
                EventKind::Refunded { amount, to } => *c.bucket(*to) += *amount,
                _ => {}
            }
        }

        let no_payer = payers.len() as u16;
        for c in &mut claims {
            if c.payer == provisional_none {
                c.payer = no_payer;
            }
            // A corrected charge moves the insurance balance by the difference (as the
            // ledger does).
            if c.last_charge_key != NONE {
                c.insurance += c.last_charge - c.created_charge;
            }
            if c.initially_denied() {
                c.problem = c.first_adj;
            }
        }
        for (ci, key) in rejections {
            let c = &mut claims[ci as usize];
            if key >= c.first_submit && key < c.first_resubmit {
                c.first_pass_rejected = true;
            }
            c.problem = c.problem.min(key);
        }
        for (ci, key) in resubmissions {
            let c = &mut claims[ci as usize];
            if key > c.problem && key < c.resubmit_after_problem {
                c.resubmit_after_problem = key;
            }
        }

        // Second pass: money by day and payer slot.
        let earliest = as_of
            .checked_sub_days(Days::new(MAX_DAYS as u64))
            .unwrap_or(NaiveDate::MIN);
        let first_day = min_date.max(earliest);
        let ndays = ((as_of - first_day).num_days() + 1).max(1) as usize;
        let nslots = payers.len() + 1;
        let mut days = vec![DayTotals::default(); ndays * nslots];
        let mut opening = vec![DayTotals::default(); nslots];
        // The payer slots alone, so the second pass does not reload whole claim facts.
        let claim_payer: Vec<u16> = claims.iter().map(|c| c.payer).collect();
        let mut next_contractual = contractual.iter().peekable();
        for (seq, (e, &ci)) in events.iter().zip(&event_claim).enumerate() {
            if ci == u32::MAX || e.kind.amount().is_none() {
                continue;
            }
            let mut written_down = Decimal::ZERO;
            if let Some(&&(at, amount)) = next_contractual.peek()
                && at as usize == seq
            {
                written_down = amount;
                next_contractual.next();
            }
            let slot = claim_payer[ci as usize] as usize;
            let t = if e.date < first_day {
                &mut opening[slot]
            } else {
                let d = (e.date - first_day).num_days() as usize;
                &mut days[slot * ndays + d]
            };
            add_money(t, &e.kind, written_down);
        }
        // Charge corrections change A/R on the date of the charge that stands.
        for c in &claims {
            let diff = c.last_charge - c.created_charge;
            if c.last_charge_key != NONE && !diff.is_zero() {
                let date = key_date(c.last_charge_key);
                let slot = c.payer as usize;
                if date < first_day {
                    opening[slot].ar_delta += diff;
                } else {
                    let d = ((date - first_day).num_days() as usize).min(ndays - 1);
                    days[slot * ndays + d].ar_delta += diff;
                }
            }
        }

        Book {
            source: Source::Events(events),
            as_of,
            skipped,
            claims,
            payers,
            first_day,
            ndays,
            days,
            opening,
        }
    }

    /// The date the book is as of.
    pub fn as_of(&self) -> NaiveDate {
        self.as_of
    }

    /// Events ignored because an amount exceeded [`MAX_AMOUNT`].
    pub fn skipped_events(&self) -> usize {
        self.skipped
    }

    /// Number of distinct claims with an event on or before the book's date.
    pub fn claim_count(&self) -> usize {
        self.claims.len()
    }

    /// The payers seen, in order of first appearance.
    pub fn payers(&self) -> &[String] {
        &self.payers
    }

    pub(crate) fn payer_slot(&self, payer: &str) -> Option<u16> {
        self.payers
            .iter()
            .position(|p| p == payer)
            .map(|i| i as u16)
    }

    pub(crate) fn payer_name(&self, slot: u16) -> &str {
        self.payers
            .get(slot as usize)
            .map_or("(none)", String::as_str)
    }

    /// Money totals over a period (clipped to the book's days), for one payer slot or all.
    pub(crate) fn money(&self, period: Period, slot: Option<u16>) -> DayTotals {
        let mut out = DayTotals::default();
        let nslots = self.payers.len() + 1;
        let slots: Vec<usize> = match slot {
            Some(s) => vec![s as usize],
            None => (0..nslots).collect(),
        };
        let last = self
            .first_day
            .checked_add_days(Days::new(self.ndays as u64))
            .unwrap_or(NaiveDate::MAX);
        let start = period.start().max(self.first_day);
        let end = period.end().min(last);
        if start < end {
            let a = (start - self.first_day).num_days() as usize;
            let b = (end - self.first_day).num_days() as usize;
            for s in &slots {
                for t in &self.days[s * self.ndays + a..s * self.ndays + b] {
                    out.add(t);
                }
            }
        }
        if period.start() < self.first_day {
            // Money before the kept days can only be reported whole; it is included when
            // the period reaches back that far.
            for s in &slots {
                out.add(&self.opening[*s]);
            }
        }
        out
    }

    /// A/R (net of credits) at the end of `date`, from the daily A/R changes.
    pub(crate) fn ar_at(&self, date: NaiveDate, slot: Option<u16>) -> Decimal {
        let start = NaiveDate::MIN;
        let end = date.succ_opt().unwrap_or(date);
        match Period::new(start, end) {
            Ok(p) => self.money(p, slot).ar_delta,
            Err(_) => Decimal::ZERO,
        }
    }

    /// The claim facts with their index.
    pub(crate) fn facts(&self) -> &[ClaimFacts] {
        &self.claims
    }
}

/// Claim-level then line-level adjustments of an `adjudicated` event, without collecting them.
pub(crate) fn adjustments_of(kind: &EventKind) -> impl Iterator<Item = &Adjustment> {
    let (claim, lines): (&[Adjustment], &[AdjudicatedLine]) = match kind {
        EventKind::Adjudicated {
            adjustments, lines, ..
        } => (adjustments, lines),
        _ => (&[], &[]),
    };
    claim
        .iter()
        .chain(lines.iter().flat_map(|l| l.adjustments.iter()))
}

/// The largest amount an event may carry (a trillion dollars); beyond it the event is
/// ignored, which keeps every sum far inside `Decimal`'s range.
pub const MAX_AMOUNT: Decimal = Decimal::from_parts(3_567_587_328, 232, 0, false, 0);

/// `MAX_AMOUNT` as a mantissa at scale 0.
const MAX_MANTISSA: u128 = 1_000_000_000_000;

pub(crate) fn amounts_in_range(kind: &EventKind) -> bool {
    // A mantissa within the limit is a value within it (the scale only divides); only
    // larger mantissas need the full comparison.
    let ok = |d: &Decimal| d.mantissa().unsigned_abs() <= MAX_MANTISSA || d.abs() <= MAX_AMOUNT;
    match kind {
        EventKind::Adjudicated {
            charge,
            paid,
            patient_responsibility,
            ..
        } => {
            ok(charge)
                && ok(paid)
                && ok(patient_responsibility)
                && adjustments_of(kind).all(|a| ok(&a.amount))
        }
        _ => kind.amount().is_none_or(|a| ok(&a)),
    }
}

/// Balance effects by (group, reason): the CARC category look-up is a string match, and a
/// ledger uses few distinct codes, so a short list searched linearly is much faster.
#[derive(Default)]
struct EffectCache {
    seen: Vec<(Coded<GroupCode>, Coded<Carc>, BalanceEffect)>,
}

impl EffectCache {
    #[inline]
    fn get(&mut self, adj: &Adjustment) -> BalanceEffect {
        if let Some(hit) = self
            .seen
            .iter()
            .find(|(g, r, _)| *g == adj.group && *r == adj.reason)
        {
            return hit.2;
        }
        let effect = adj.balance_effect();
        if self.seen.len() < 128 {
            self.seen
                .push((adj.group.clone(), adj.reason.clone(), effect));
        }
        effect
    }
}

/// `written_down`: the adjudication's contractual adjustments, found in the first pass.
fn add_money(t: &mut DayTotals, kind: &EventKind, written_down: Decimal) {
    match kind {
        EventKind::Created { charge, .. } => {
            t.charges += *charge;
            t.ar_delta += *charge;
        }
        EventKind::Adjudicated { paid, .. } => {
            t.insurance_paid += *paid;
            t.ar_delta -= *paid;
            t.contractual += written_down;
            t.ar_delta -= written_down;
        }
        EventKind::PatientPaid {
            amount,
            point_of_service,
        } => {
            t.patient_paid += *amount;
            if *point_of_service {
                t.pos_paid += *amount;
            }
            t.ar_delta -= *amount;
        }
        EventKind::Adjusted { amount, .. } => {
            t.contractual += *amount;
            t.ar_delta -= *amount;
        }
        EventKind::WrittenOff {
            amount,
            responsibility,
            write_off,
        } => {
            match (write_off, responsibility) {
                (WriteOffKind::BadDebt, _) => t.bad_debt += *amount,
                (
                    WriteOffKind::TimelyFiling | WriteOffKind::Administrative | WriteOffKind::Other,
                    Responsibility::Insurance,
                ) => t.denial_write_off += *amount,
                _ => t.other_write_off += *amount,
            }
            t.ar_delta -= *amount;
        }
        EventKind::Refunded { amount, .. } => {
            t.refunds += *amount;
            t.ar_delta += *amount;
        }
        _ => {}
    }
}

/// Date and time of a key (for presentation and tests).
#[allow(dead_code)]
pub(crate) fn key_timestamp(key: Key) -> NaiveDateTime {
    let secs = ((key >> SEQ_BITS) & ((1 << SECS_BITS) - 1)) as u32;
    key_date(key)
        .and_time(NaiveTime::from_num_seconds_from_midnight_opt(secs, 0).unwrap_or(NaiveTime::MIN))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn claim_facts_fill_four_cache_lines() {
        assert_eq!(std::mem::size_of::<ClaimFacts>(), 256);
        assert_eq!(std::mem::offset_of!(ClaimFacts, created), 64);
        assert_eq!(std::mem::offset_of!(ClaimFacts, first_adj), 128);
        assert_eq!(std::mem::offset_of!(ClaimFacts, first_adj_charge), 192);
    }

    #[test]
    fn key_spans_agree_with_periods() {
        let p = |a: &str, b: &str| Period::new(a.parse().unwrap(), b.parse().unwrap()).unwrap();
        let periods = [
            p("2026-02-01", "2026-03-01"),
            p("1899-12-01", "1900-01-02"),
            p("2024-02-29", "2024-03-01"),
            p("2026-01-01", "2026-01-01"),
        ];
        let dates = [
            "1899-06-01",
            "1900-01-01",
            "1900-01-02",
            "2024-02-28",
            "2024-02-29",
        ]
        .into_iter()
        .chain([
            "2024-03-01",
            "2026-01-31",
            "2026-02-01",
            "2026-02-28",
            "2026-03-01",
        ]);
        for period in periods {
            let span = KeySpan::of(period);
            assert!(!span.contains(NONE));
            for d in dates.clone() {
                let key = make_key(d.parse().unwrap(), None, 3);
                assert_eq!(
                    span.contains(key),
                    period.contains(key_date(key)),
                    "{d} {period}"
                );
                assert_eq!(key_day(key), date_day(key_date(key)));
            }
        }
    }

    #[test]
    fn epoch_constant() {
        assert_eq!(epoch().num_days_from_ce(), EPOCH_DAYS_FROM_CE);
    }

    #[test]
    fn amount_limit_fast_path_agrees_with_the_limit() {
        assert_eq!(MAX_AMOUNT.mantissa() as u128, MAX_MANTISSA);
        let at = |m: i64, scale: u32| EventKind::PatientPaid {
            amount: Decimal::new(m, scale),
            point_of_service: false,
        };
        assert!(amounts_in_range(&at(1_000_000_000_000, 0)));
        assert!(!amounts_in_range(&at(1_000_000_000_001, 0)));
        assert!(!amounts_in_range(&at(-1_000_000_000_001, 0)));
        assert!(amounts_in_range(&at(100_000_000_000_000, 2)));
        assert!(!amounts_in_range(&at(100_000_000_000_001, 2)));
        assert!(amounts_in_range(&at(i64::MAX, 10)));
    }

    #[test]
    fn keys_order_by_date_time_then_position() {
        let d1: NaiveDate = "2026-03-01".parse().unwrap();
        let d2: NaiveDate = "2026-03-02".parse().unwrap();
        let t = |h| NaiveTime::from_hms_opt(h, 0, 0);
        assert!(make_key(d1, t(23), 9) < make_key(d2, None, 0));
        assert!(make_key(d1, t(8), 9) < make_key(d1, t(9), 0));
        assert!(make_key(d1, None, 1) < make_key(d1, None, 2));
        assert_eq!(key_date(make_key(d2, t(7), 5)), d2);
        assert_eq!(
            key_timestamp(make_key(d2, t(7), 5)),
            d2.and_time(t(7).unwrap())
        );
        assert_eq!(
            key_seconds(make_key(d2, t(1), 0)) - key_seconds(make_key(d1, None, 0)),
            90_000
        );
    }
}
