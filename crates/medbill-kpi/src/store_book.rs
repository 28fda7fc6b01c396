//! The claim book from an [`EventStore`]: the same facts and totals as [`Book::new`], from
//! compact rows read claim by claim, with exact integer sums in place of decimal ones.

use chrono::{Datelike, Days, NaiveDate};
use medbill_claim::{AdjudicatedLine, Adjustment, BalanceEffect, EventKind};
use medbill_codes::{DenialCategory, ProcedureCode};
use rust_decimal::Decimal;

use crate::book::{
    Book, ClaimFacts, DayTotals, FirstOutcome, Key, MAX_DAYS, NONE, Source, adjustments_of,
    key_date, make_key_days,
};
use crate::store::{EventStore, NO_PAYER, NO_TIME, Packed, Row, Sum, flag, kind, packed_decimal};

/// Events whose rows are gathered at once in the claim pass.
const GATHER: usize = 64;

/// [`DayTotals`] as exact sums, in field order.
#[derive(Debug, Clone, Copy, Default)]
struct DaySums([Sum; 10]);

const CHARGES: usize = 0;
const CONTRACTUAL: usize = 1;
const INSURANCE_PAID: usize = 2;
const PATIENT_PAID: usize = 3;
const POS_PAID: usize = 4;
const REFUNDS: usize = 5;
const BAD_DEBT: usize = 6;
const DENIAL_WRITE_OFF: usize = 7;
const OTHER_WRITE_OFF: usize = 8;
const AR_DELTA: usize = 9;

impl DaySums {
    fn totals(&self) -> DayTotals {
        let d = |i: usize| self.0[i].to_decimal();
        DayTotals {
            charges: d(CHARGES),
            contractual: d(CONTRACTUAL),
            insurance_paid: d(INSURANCE_PAID),
            patient_paid: d(PATIENT_PAID),
            pos_paid: d(POS_PAID),
            refunds: d(REFUNDS),
            bad_debt: d(BAD_DEBT),
            denial_write_off: d(DENIAL_WRITE_OFF),
            other_write_off: d(OTHER_WRITE_OFF),
            ar_delta: d(AR_DELTA),
        }
    }
}

/// One claim's facts while its events are read, money as exact sums.
struct Claim {
    first_event_day: i32,
    payer_rank: (u8, Key),
    payer: u16,
    service_day: Option<i32>,
    self_pay: bool,
    created: Key,
    created_charge: Packed,
    last_charge: Packed,
    last_charge_key: Key,
    documentation: Key,
    coded: Key,
    first_scrub: Key,
    scrub_clean: bool,
    first_submit: Key,
    first_submit_charge: Packed,
    first_resubmit: Key,
    first_accept: Key,
    first_reject: Key,
    first_adj: Key,
    first_adj_event: u32,
    first_outcome: Option<FirstOutcome>,
    first_adj_charge: Packed,
    insurance: Sum,
    patient: Sum,
}

impl Claim {
    fn new(first_event_day: i32) -> Self {
        Claim {
            first_event_day,
            payer_rank: (u8::MAX, NONE),
            payer: NO_PAYER,
            service_day: None,
            self_pay: false,
            created: NONE,
            created_charge: 0,
            last_charge: 0,
            last_charge_key: NONE,
            documentation: NONE,
            coded: NONE,
            first_scrub: NONE,
            scrub_clean: false,
            first_submit: NONE,
            first_submit_charge: 0,
            first_resubmit: NONE,
            first_accept: NONE,
            first_reject: NONE,
            first_adj: NONE,
            first_adj_event: u32::MAX,
            first_outcome: None,
            first_adj_charge: 0,
            insurance: Sum::default(),
            patient: Sum::default(),
        }
    }

    #[inline]
    fn set_charge(&mut self, key: Key, charge: Packed) {
        if self.last_charge_key == NONE || key > self.last_charge_key {
            self.last_charge_key = key;
            self.last_charge = charge;
        }
    }

    #[inline]
    fn bucket(&mut self, patient: bool) -> &mut Sum {
        if patient {
            &mut self.patient
        } else {
            &mut self.insurance
        }
    }
}

fn day_date(day: i32) -> NaiveDate {
    NaiveDate::from_num_days_from_ce_opt(day).unwrap_or(if day < 0 {
        NaiveDate::MIN
    } else {
        NaiveDate::MAX
    })
}

impl<'a> Book<'a> {
    /// Builds the book from an [`EventStore`], as of the end of `as_of`: the same book as
    /// [`Book::new`] over the events the store was built from (every metric gives the same
    /// result, to the digit), several times faster.
    ///
    /// The store's events are read claim by claim, each claim's in ledger order, so a
    /// claim's facts are built in registers and written once; money is summed as exact
    /// integers and turned into decimals at the end.
    ///
    /// ```
    /// use medbill_kpi::{Book, EventStore, Period, synth};
    /// let events = synth::generate(&synth::SynthConfig { claims: 500, ..Default::default() });
    /// let store = EventStore::from_events(&events).unwrap();
    /// let as_of = "2026-03-31".parse().unwrap();
    /// let march = Period::month(2026, 3).unwrap();
    /// let book = Book::from_store(&store, as_of);
    /// assert_eq!(
    ///     book.first_pass_acceptance(march, None),
    ///     Book::new(&events, as_of).first_pass_acceptance(march, None)
    /// );
    /// ```
    pub fn from_store(store: &'a EventStore, as_of: NaiveDate) -> Book<'a> {
        let grouping = store.grouping();
        let rows: &[Row] = &store.rows;
        let as_of_day = as_of.num_days_from_ce();
        // For each payer, the first event (ledger position) that made it a claim's payer:
        // the order in which `Book::new` meets them, which numbers the payer slots.
        let mut payer_first = vec![u32::MAX; store.payers.len()];
        let mut claims: Vec<ClaimFacts> = Vec::with_capacity(store.claim_count());
        // Each stored claim's payer (a store payer index until the slots are numbered).
        let mut claim_payer: Vec<u16> = vec![NO_PAYER; store.claim_count()];
        let mut min_day = as_of_day;
        let mut skipped = 0usize;
        let mut rejections: Vec<Key> = Vec::new();
        let mut resubmissions: Vec<Key> = Vec::new();
        // Claims whose standing charge differs from the created one: (claim's first
        // event, claim, key, difference).
        let mut corrections: Vec<(u32, u32, Key, Sum)> = Vec::new();
        // Each claim's first event on or before `as_of`: `Book::new` numbers claims in that
        // order, and sums over claims in that order (a decimal sum's scale can depend on
        // the order when it passes through zero).
        let mut first_seqs: Vec<u32> = Vec::with_capacity(store.claim_count());
        let codes = &store.adjustment_codes;
        let adj_amount = &store.adjustment_amount[..];
        let adj_code = &store.adjustment_code[..];

        // Claims a few at a time: first their rows are copied out (loads that do not depend
        // on each other, so the processor overlaps their cache misses), then read.
        let (starts, order) = (&grouping.starts[..], &grouping.order[..]);
        let nclaims = starts.len().saturating_sub(1);
        let mut gathered: Vec<Row> = Vec::with_capacity(2 * GATHER);
        // Per gathered row: an adjudication's charge and its range in `moves`.
        let mut adjudications: Vec<(Packed, usize, usize)> = Vec::with_capacity(2 * GATHER);
        let mut moves: Vec<(Packed, bool)> = Vec::with_capacity(4 * GATHER);
        let mut next_claim = 0usize;
        while next_claim < nclaims {
            let (first_claim, base) = (next_claim, starts[next_claim] as usize);
            while next_claim < nclaims && (starts[next_claim] as usize) - base < GATHER {
                next_claim += 1;
            }
            let end = starts[next_claim] as usize;
            gathered.clear();
            gathered.extend(order[base..end].iter().map(|&seq| rows[seq as usize]));
            // Likewise the adjudications' charges and where their adjustments are, then the
            // adjustments that move a balance (amount, whether to the patient), in order.
            adjudications.clear();
            adjudications.extend(gathered.iter().map(|r| {
                if r.kind == kind::ADJUDICATED {
                    let parts = store.adjudication_parts(r.aux as usize);
                    (parts.charge, parts.adjustments.start, parts.adjustments.end)
                } else {
                    (0, 0, 0)
                }
            }));
            moves.clear();
            for adj in adjudications.iter_mut() {
                let (start, end) = (adj.1, adj.2);
                adj.1 = moves.len();
                for k in start..end {
                    match codes[adj_code[k] as usize].effect {
                        BalanceEffect::ToPatient => moves.push((adj_amount[k], true)),
                        BalanceEffect::WrittenDown => moves.push((adj_amount[k], false)),
                        _ => {}
                    }
                }
                adj.2 = moves.len();
            }
            for ci in first_claim..next_claim {
                let (a, b) = (starts[ci] as usize, starts[ci + 1] as usize);
                let events = (a - base..b - base)
                    .zip(&order[a..b])
                    .zip(&gathered[a - base..b - base]);
                let mut c: Option<Claim> = None;
                let mut first_seq = 0u32;
                rejections.clear();
                resubmissions.clear();
                for ((j, &seq), r) in events {
                    if r.day > as_of_day {
                        continue;
                    }
                    min_day = min_day.min(r.day);
                    let c = c.get_or_insert_with(|| {
                        first_seq = seq;
                        Claim::new(r.day)
                    });
                    if r.kind & kind::OVER_LIMIT != 0 {
                        skipped += 1;
                        continue;
                    }
                    let seq = seq as usize;
                    let secs = if r.secs == NO_TIME { 0 } else { r.secs };
                    let key = make_key_days(r.day, secs, seq);
                    c.first_event_day = c.first_event_day.min(r.day);
                    if r.payer != NO_PAYER {
                        let primary_submission =
                            r.kind == kind::SUBMITTED && r.flags & flag::A != 0;
                        let rank = (u8::from(!primary_submission), key);
                        if rank < c.payer_rank {
                            c.payer_rank = rank;
                            c.payer = r.payer;
                            let first = &mut payer_first[r.payer as usize];
                            *first = (*first).min(seq as u32);
                        }
                    }
                    let amount = r.amount;
                    let a = r.flags & flag::A != 0;
                    match r.kind {
                        kind::CREATED => {
                            if key < c.created {
                                c.created = key;
                                c.service_day = Some(r.aux as i32);
                                c.created_charge = amount;
                                c.self_pay = a;
                            }
                            c.bucket(a).add(amount);
                            c.set_charge(key, amount);
                        }
                        kind::DOCUMENTATION_RECEIVED => c.documentation = c.documentation.min(key),
                        kind::CODED => c.coded = c.coded.min(key),
                        kind::SCRUBBED if key < c.first_scrub => {
                            c.first_scrub = key;
                            c.scrub_clean = a && r.flags & flag::B == 0;
                        }
                        kind::SUBMITTED => {
                            if key < c.first_submit {
                                c.first_submit = key;
                                c.first_submit_charge = amount;
                            }
                            c.set_charge(key, amount);
                        }
                        kind::RESUBMITTED => {
                            c.first_resubmit = c.first_resubmit.min(key);
                            if !a {
                                c.set_charge(key, amount);
                                resubmissions.push(key);
                            }
                        }
                        kind::ACKNOWLEDGED => {
                            if a {
                                c.first_accept = c.first_accept.min(key);
                            } else {
                                c.first_reject = c.first_reject.min(key);
                                rejections.push(key);
                            }
                        }
                        kind::ADJUDICATED => {
                            let (charge, start, end) = adjudications[j];
                            c.insurance.sub(amount);
                            for &(a, to_patient) in &moves[start..end] {
                                c.insurance.sub(a);
                                if to_patient {
                                    c.patient.add(a);
                                }
                            }
                            let first = match r.flags {
                                flag::PAID => Some(FirstOutcome::Paid),
                                flag::PARTIALLY_PAID => Some(FirstOutcome::PartiallyPaid),
                                flag::DENIED => Some(FirstOutcome::Denied),
                                _ => None,
                            };
                            if let Some(first) = first {
                                c.first_accept = c.first_accept.min(key);
                                if key < c.first_adj {
                                    c.first_adj = key;
                                    c.first_adj_event = seq.min(u32::MAX as usize - 1) as u32;
                                    c.first_outcome = Some(first);
                                    c.first_adj_charge = charge;
                                }
                            }
                        }
                        kind::PATIENT_PAID => c.patient.sub(amount),
                        kind::ADJUSTED | kind::WRITTEN_OFF => c.bucket(a).sub(amount),
                        kind::TRANSFERRED => {
                            c.bucket(!a).sub(amount);
                            c.bucket(a).add(amount);
                        }
                        kind::REFUNDED => c.bucket(a).add(amount),
                        _ => {}
                    }
                }
                let Some(mut c) = c else { continue };
                claim_payer[ci] = c.payer;
                let mut insurance = c.insurance;
                if c.last_charge_key != NONE {
                    // A corrected charge moves the insurance balance by the difference.
                    let mut diff = Sum::default();
                    diff.add(c.last_charge);
                    diff.sub(c.created_charge);
                    insurance.add_sum(diff);
                    if !diff.is_zero() {
                        corrections.push((first_seq, ci as u32, c.last_charge_key, diff));
                    }
                }
                c.insurance = insurance;
                let mut facts = ClaimFacts::new(day_date(c.first_event_day), c.payer);
                facts.payer_rank = c.payer_rank;
                facts.insurance = c.insurance.to_decimal();
                facts.patient = c.patient.to_decimal();
                facts.service_date = c.service_day.map(day_date);
                facts.self_pay = c.self_pay;
                facts.created = c.created;
                facts.created_charge = packed_decimal(c.created_charge);
                facts.last_charge = packed_decimal(c.last_charge);
                facts.last_charge_key = c.last_charge_key;
                facts.documentation = c.documentation;
                facts.coded = c.coded;
                facts.first_scrub = c.first_scrub;
                facts.scrub_clean = c.scrub_clean;
                facts.first_submit = c.first_submit;
                facts.first_submit_charge = packed_decimal(c.first_submit_charge);
                facts.first_resubmit = c.first_resubmit;
                facts.first_accept = c.first_accept;
                facts.first_reject = c.first_reject;
                facts.first_adj = c.first_adj;
                facts.first_adj_event = c.first_adj_event;
                facts.first_outcome = c.first_outcome;
                facts.first_adj_charge = packed_decimal(c.first_adj_charge);
                if facts.initially_denied() {
                    facts.problem = facts.first_adj;
                }
                for &key in &rejections {
                    if key >= facts.first_submit && key < facts.first_resubmit {
                        facts.first_pass_rejected = true;
                    }
                    facts.problem = facts.problem.min(key);
                }
                for &key in &resubmissions {
                    if key > facts.problem && key < facts.resubmit_after_problem {
                        facts.resubmit_after_problem = key;
                    }
                }
                claims.push(facts);
                first_seqs.push(first_seq);
            }
        }
        if !first_seqs.is_sorted() {
            // A claim's first event dated after `as_of` came before another claim's first
            // event: put the claims in `Book::new`'s order.
            let mut order: Vec<usize> = (0..claims.len()).collect();
            order.sort_unstable_by_key(|&i| first_seqs[i]);
            let mut taken: Vec<Option<ClaimFacts>> = claims.into_iter().map(Some).collect();
            claims = order.iter().filter_map(|&i| taken[i].take()).collect();
            corrections.sort_unstable_by_key(|c| c.0);
        }

        // Payer slots in the order `Book::new` meets the payers.
        let mut seen: Vec<(u32, u16)> = payer_first
            .iter()
            .enumerate()
            .filter(|(_, first)| **first != u32::MAX)
            .map(|(p, first)| (*first, p as u16))
            .collect();
        seen.sort_unstable();
        let no_payer = seen.len() as u16;
        let mut slot_of = vec![no_payer; store.payers.len() + 1];
        for (slot, &(_, p)) in seen.iter().enumerate() {
            slot_of[p as usize] = slot as u16;
        }
        let slot = |p: u16| {
            if p == NO_PAYER {
                no_payer
            } else {
                slot_of[p as usize]
            }
        };
        let payers: Vec<String> = seen
            .iter()
            .map(|&(_, p)| store.payers[p as usize].clone())
            .collect();
        for c in &mut claims {
            c.payer = slot(c.payer);
        }
        for p in &mut claim_payer {
            *p = slot(*p);
        }

        // Money by day and payer slot, in ledger order (days in order, so the totals being
        // added to stay in cache).
        let min_date = day_date(min_day);
        let earliest = as_of
            .checked_sub_days(Days::new(MAX_DAYS as u64))
            .unwrap_or(NaiveDate::MIN);
        let first_day = min_date.max(earliest);
        let first_day_n = first_day.num_days_from_ce();
        let ndays = ((as_of - first_day).num_days() + 1).max(1) as usize;
        let nslots = payers.len() + 1;
        let mut days = vec![DaySums::default(); ndays * nslots];
        let mut opening = vec![DaySums::default(); nslots];
        for r in rows {
            if r.day > as_of_day || r.kind & kind::OVER_LIMIT != 0 {
                continue;
            }
            let add = |t: &mut DaySums, i: usize| t.0[i].add(r.amount);
            let (i, ar_up) = match r.kind {
                kind::CREATED => (CHARGES, true),
                kind::ADJUDICATED => (INSURANCE_PAID, false),
                kind::PATIENT_PAID => (PATIENT_PAID, false),
                kind::ADJUSTED => (CONTRACTUAL, false),
                kind::WRITTEN_OFF => (
                    match r.flags >> flag::WRITE_OFF_SHIFT {
                        flag::BAD_DEBT => BAD_DEBT,
                        flag::DENIAL_WRITE_OFF => DENIAL_WRITE_OFF,
                        _ => OTHER_WRITE_OFF,
                    },
                    false,
                ),
                kind::REFUNDED => (REFUNDS, true),
                _ => continue,
            };
            let s = claim_payer[r.claim as usize] as usize;
            let t = if r.day < first_day_n {
                &mut opening[s]
            } else {
                &mut days[s * ndays + (r.day - first_day_n) as usize]
            };
            add(t, i);
            if ar_up {
                t.0[AR_DELTA].add(r.amount);
            } else {
                t.0[AR_DELTA].sub(r.amount);
            }
            match r.kind {
                kind::PATIENT_PAID if r.flags & flag::A != 0 => add(t, POS_PAID),
                kind::ADJUDICATED => {
                    // The adjudication's contractual reductions.
                    let range = store.adjudication_parts(r.aux as usize).adjustments;
                    let mut written_down = Sum::default();
                    for (&a, &code) in adj_amount[range.clone()].iter().zip(&adj_code[range]) {
                        if codes[code as usize].effect == BalanceEffect::WrittenDown {
                            written_down.add(a);
                        }
                    }
                    // `Book::new` adds a zero of scale 0 when they cancel out.
                    if written_down.is_zero() {
                        written_down = Sum::default();
                    }
                    t.0[CONTRACTUAL].add_sum(written_down);
                    t.0[AR_DELTA].sub_sum(written_down);
                }
                _ => {}
            }
        }
        // Charge corrections change A/R on the date of the charge that stands.
        for (_, ci, key, diff) in corrections {
            let date = key_date(key);
            let s = claim_payer[ci as usize] as usize;
            let t = if date < first_day {
                &mut opening[s]
            } else {
                let d = ((date - first_day).num_days() as usize).min(ndays - 1);
                &mut days[s * ndays + d]
            };
            t.0[AR_DELTA].add_sum(diff);
        }

        Book {
            source: Source::Store(store),
            as_of,
            skipped,
            claims,
            payers,
            first_day,
            ndays,
            days: days.iter().map(DaySums::totals).collect(),
            opening: opening.iter().map(DaySums::totals).collect(),
        }
    }

    /// Whether the claim's first adjudication can be read again.
    pub(crate) fn has_first_adj_event(&self, c: &ClaimFacts) -> bool {
        let i = c.first_adj_event as usize;
        match self.source {
            Source::Events(events) => i < events.len(),
            Source::Store(store) => store.adjudication(i).is_some(),
        }
    }

    /// Each denial adjustment of the claim's first adjudication, claim level then line
    /// level: its category and amount.
    pub(crate) fn first_adj_denials(
        &self,
        c: &ClaimFacts,
        mut f: impl FnMut(DenialCategory, Decimal),
    ) {
        let i = c.first_adj_event as usize;
        match self.source {
            Source::Events(events) => {
                if let Some(e) = events.get(i) {
                    for a in adjustments_of(&e.kind).filter(|a| a.is_denial()) {
                        f(a.category(), a.amount);
                    }
                }
            }
            Source::Store(store) => {
                if let Some(adj) = store.adjudication(i) {
                    for k in adj.adjustments {
                        let code = &store.adjustment_codes[store.adjustment_code[k] as usize];
                        if code.is_denial {
                            f(code.category, packed_decimal(store.adjustment_amount[k]));
                        }
                    }
                }
            }
        }
    }

    /// Each line of the claim's first adjudication that names a procedure: the code and the
    /// sum of the line's denial adjustments.
    pub(crate) fn first_adj_lines(
        &self,
        c: &ClaimFacts,
        mut f: impl FnMut(ProcedureCode, Decimal),
    ) {
        let i = c.first_adj_event as usize;
        match self.source {
            Source::Events(events) => {
                let lines: &[AdjudicatedLine] = match events.get(i).map(|e| &e.kind) {
                    Some(EventKind::Adjudicated { lines, .. }) => lines,
                    _ => &[],
                };
                for line in lines {
                    let Some(code) = line.procedure else { continue };
                    let denied: Decimal = line
                        .adjustments
                        .iter()
                        .filter(|a| a.is_denial())
                        .map(|a: &Adjustment| a.amount)
                        .sum();
                    f(code, denied);
                }
            }
            Source::Store(store) => {
                let Some(adj) = store.adjudication(i) else {
                    return;
                };
                for line in adj.lines.clone() {
                    let procedure = store.lines[line].procedure;
                    let Some(&code) = store.procedures.get(procedure as usize) else {
                        continue;
                    };
                    let mut denied = Decimal::ZERO;
                    for k in store.line_adjustments(&adj, line) {
                        if store.adjustment_codes[store.adjustment_code[k] as usize].is_denial {
                            denied += packed_decimal(store.adjustment_amount[k]);
                        }
                    }
                    f(code, denied);
                }
            }
        }
    }
}
