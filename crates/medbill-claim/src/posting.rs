//! Posting a remittance to claims: matching, ledger events, and what needs a person's eye.

use std::collections::HashMap;

use chrono::NaiveDate;
use medbill_codes::{Coded, DenialCategory, Modifier, ProcedureCode};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::ledger::{
    AdjudicationOutcome, ClaimId, ClaimState, EventKind, Ledger, LedgerEvent, Responsibility,
};
use crate::remit::{
    Adjustment, BalanceReport, ClaimPayment, ClaimStatusCode, ProviderAdjustment, Remittance,
};

/// One contracted rate: the allowed amount per unit for a procedure, optionally only with a
/// modifier.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct FeeScheduleEntry {
    /// The procedure.
    pub procedure: ProcedureCode,
    /// The modifier the rate applies to; `None` for the rate without (or with any other)
    /// modifier.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub modifier: Option<Modifier>,
    /// Contracted allowed amount per unit.
    pub amount: Decimal,
}

/// A payer's contracted rates by procedure and modifier, for underpayment checks.
///
/// ```
/// use medbill_claim::FeeSchedule;
/// use rust_decimal::Decimal;
/// let mut fees = FeeSchedule::new();
/// fees.insert("99214".parse()?, None, Decimal::new(13000, 2));
/// fees.insert("99214".parse()?, Some("25".parse()?), Decimal::new(12500, 2));
/// assert_eq!(fees.rate(&"99214".parse()?, &["25".parse()?]), Some(Decimal::new(12500, 2)));
/// assert_eq!(fees.rate(&"99214".parse()?, &["59".parse()?]), Some(Decimal::new(13000, 2)));
/// assert_eq!(fees.rate(&"93000".parse()?, &[]), None);
/// # Ok::<(), medbill_codes::CodeError>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "Vec<FeeScheduleEntry>", into = "Vec<FeeScheduleEntry>")]
pub struct FeeSchedule {
    rates: HashMap<(ProcedureCode, Option<Modifier>), Decimal>,
}

impl FeeSchedule {
    /// An empty schedule.
    pub fn new() -> Self {
        FeeSchedule::default()
    }

    /// Sets the rate for a procedure with a modifier, or without (`None`).
    pub fn insert(
        &mut self,
        procedure: ProcedureCode,
        modifier: Option<Modifier>,
        amount: Decimal,
    ) {
        self.rates.insert((procedure, modifier), amount);
    }

    /// The rate for a procedure billed with these modifiers: the first modifier that has its
    /// own rate, else the procedure's rate without a modifier.
    pub fn rate<'m>(
        &self,
        procedure: &ProcedureCode,
        modifiers: impl IntoIterator<Item = &'m Modifier>,
    ) -> Option<Decimal> {
        modifiers
            .into_iter()
            .find_map(|m| self.rates.get(&(*procedure, Some(*m))))
            .or_else(|| self.rates.get(&(*procedure, None)))
            .copied()
    }

    /// The number of rates.
    pub fn len(&self) -> usize {
        self.rates.len()
    }

    /// Whether there are no rates.
    pub fn is_empty(&self) -> bool {
        self.rates.is_empty()
    }
}

impl From<Vec<FeeScheduleEntry>> for FeeSchedule {
    fn from(entries: Vec<FeeScheduleEntry>) -> Self {
        let mut s = FeeSchedule::new();
        for e in entries {
            s.insert(e.procedure, e.modifier, e.amount);
        }
        s
    }
}

impl From<FeeSchedule> for Vec<FeeScheduleEntry> {
    fn from(s: FeeSchedule) -> Self {
        let mut v: Vec<FeeScheduleEntry> = s
            .rates
            .into_iter()
            .map(|((procedure, modifier), amount)| FeeScheduleEntry {
                procedure,
                modifier,
                amount,
            })
            .collect();
        // A stable order keeps serialised schedules diffable.
        v.sort_by_key(|e| (e.procedure, e.modifier));
        v
    }
}

/// Why a claim payment was not posted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum UnmatchedReason {
    /// No claim has this patient control number or payer claim control number.
    NoSuchClaim,
    /// A reversal whose payer claim control number is not one the claim has seen.
    PayerClaimNumberMismatch,
}

/// A claim payment that matched no claim.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnmatchedPayment {
    /// Index in [`Remittance::claims`].
    pub index: usize,
    /// The patient control number in the remittance.
    pub patient_control_number: String,
    /// The payer claim control number in the remittance.
    pub payer_claim_control_number: Option<String>,
    /// Amount paid on it.
    pub paid: Decimal,
    /// Why it was not posted.
    pub reason: UnmatchedReason,
}

/// A claim payment that was posted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostedClaim {
    /// Index in [`Remittance::claims`].
    pub index: usize,
    /// The claim.
    pub claim_id: ClaimId,
    /// How the ledger classified it.
    pub outcome: AdjudicationOutcome,
    /// Amount paid.
    pub paid: Decimal,
    /// Patient responsibility.
    pub patient_responsibility: Decimal,
    /// Insurance balance before posting.
    pub insurance_balance_before: Decimal,
    /// Insurance balance after posting.
    pub insurance_balance_after: Decimal,
    /// Patient balance after posting.
    pub patient_balance_after: Decimal,
}

/// A reversal (status 22) that was posted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reversal {
    /// The claim.
    pub claim_id: ClaimId,
    /// The payer claim control number reversed.
    pub payer_claim_control_number: Option<String>,
    /// The payment taken back (as a positive amount when the payer sent it negative).
    pub amount_taken_back: Decimal,
}

/// A claim whose balance went below zero: money owed back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreditBalance {
    /// The claim.
    pub claim_id: ClaimId,
    /// Whose credit: a payer's overpayment, or the patient's.
    pub responsibility: Responsibility,
    /// The credit, as a positive amount.
    pub amount: Decimal,
}

/// A denied line (or a claim-level denial), with why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Denial {
    /// The claim.
    pub claim_id: ClaimId,
    /// The line index in the claim payment; `None` for claim-level denials.
    pub line: Option<usize>,
    /// The procedure as billed.
    pub procedure: Option<ProcedureCode>,
    /// Amount denied.
    pub amount: Decimal,
    /// The denial adjustments.
    pub adjustments: Vec<Adjustment>,
    /// Their distinct categories, in order of first appearance.
    pub categories: Vec<DenialCategory>,
}

/// A line paid below the contracted rate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Underpayment {
    /// The claim.
    pub claim_id: ClaimId,
    /// The line index in the claim payment.
    pub line: usize,
    /// The procedure as billed.
    pub procedure: ProcedureCode,
    /// Its modifiers as billed, as sent.
    pub modifiers: Vec<Coded<Modifier>>,
    /// Units paid (1 when the payer did not say).
    pub units: Decimal,
    /// Contracted rate times units.
    pub expected: Decimal,
    /// What the payer allowed: the reported allowed amount, else paid plus patient
    /// responsibility.
    pub allowed: Decimal,
    /// `expected - allowed`.
    pub shortfall: Decimal,
}

/// Everything posting a remittance did and found.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostingReport {
    /// The payer.
    pub payer_id: String,
    /// The payment's trace number.
    pub trace_number: String,
    /// The payment date, which is the date of the events.
    pub payment_date: Option<NaiveDate>,
    /// The ledger events to record (one `adjudicated` per posted claim payment).
    pub events: Vec<LedgerEvent>,
    /// Claim payments posted.
    pub posted: Vec<PostedClaim>,
    /// Claim payments not posted.
    pub unmatched: Vec<UnmatchedPayment>,
    /// Reversals posted.
    pub reversals: Vec<Reversal>,
    /// Claims left with a credit balance.
    pub credit_balances: Vec<CreditBalance>,
    /// Denied lines and claims.
    pub denials: Vec<Denial>,
    /// Lines paid below the fee schedule.
    pub underpayments: Vec<Underpayment>,
    /// Provider-level adjustments (not posted to any claim).
    pub provider_adjustments: Vec<ProviderAdjustment>,
    /// The remittance's balancing report.
    pub balance: BalanceReport,
}

impl PostingReport {
    /// The total paid on posted claims.
    pub fn posted_total(&self) -> Decimal {
        self.posted.iter().map(|p| p.paid).sum()
    }

    /// The total paid on claim payments that were not posted.
    pub fn unmatched_total(&self) -> Decimal {
        self.unmatched.iter().map(|u| u.paid).sum()
    }
}

/// Posts a remittance to claims: matches each claim payment to a claim, emits an
/// `adjudicated` ledger event dated the payment date, and reports unmatched payments,
/// reversals, credit balances, denials and (with a fee schedule) underpayments.
///
/// `claims` is the set to match against, usually [`Ledger::states`] (closed claims too: a
/// reversal or a late second payment may arrive for them). Matching: the patient control
/// number first; failing that, a payer claim control number the claim has already seen
/// (payers sometimes truncate CLP01). A reversal must carry a payer claim control number the
/// claim has seen, when both sides have one. Several claim payments for one claim in the
/// same remittance (a reversal and its correction) are applied in order.
///
/// Nothing here panics on bad input, and an unbalanced remittance is still posted: its
/// imbalances are in [`PostingReport::balance`].
pub fn post_remittance(
    remittance: &Remittance,
    claims: &[ClaimState],
    fees: Option<&FeeSchedule>,
) -> PostingReport {
    let mut book = Book::new(claims);
    let date = remittance.payment.date;
    let mut report = PostingReport {
        payer_id: remittance.payer.id.clone(),
        trace_number: remittance.payment.trace_number.clone(),
        payment_date: Some(date),
        provider_adjustments: remittance.provider_adjustments.clone(),
        balance: remittance.balance(),
        ..PostingReport::default()
    };
    let mut credit: HashMap<(ClaimId, Responsibility), Decimal> = HashMap::new();
    let mut credit_order: Vec<(ClaimId, Responsibility)> = Vec::new();

    for (index, payment) in remittance.claims.iter().enumerate() {
        let Some(id) = book.find(payment) else {
            report
                .unmatched
                .push(unmatched(index, payment, UnmatchedReason::NoSuchClaim));
            continue;
        };
        let Some(state) = book.get_mut(&id) else {
            continue;
        };
        if payment.is_reversal()
            && let Some(icn) = &payment.payer_claim_control_number
            && !state.payer_claim_control_numbers.is_empty()
            && !state.payer_claim_control_numbers.contains(icn)
        {
            report.unmatched.push(unmatched(
                index,
                payment,
                UnmatchedReason::PayerClaimNumberMismatch,
            ));
            continue;
        }
        let before = state.insurance_balance;
        let event = LedgerEvent {
            claim_id: id.clone(),
            date,
            time: None,
            payer_id: Some(remittance.payer.id.clone()),
            kind: EventKind::adjudicated(payment, Some(remittance.payment.trace_number.clone())),
        };
        state.apply(&event);
        let outcome = AdjudicationOutcome::classify(payment);
        report.posted.push(PostedClaim {
            index,
            claim_id: id.clone(),
            outcome,
            paid: payment.paid,
            patient_responsibility: payment.patient_responsibility,
            insurance_balance_before: before,
            insurance_balance_after: state.insurance_balance,
            patient_balance_after: state.patient_balance,
        });
        for (r, balance) in [
            (Responsibility::Insurance, state.insurance_balance),
            (Responsibility::Patient, state.patient_balance),
        ] {
            let key = (id.clone(), r);
            if balance < Decimal::ZERO {
                if !credit.contains_key(&key) {
                    credit_order.push(key.clone());
                }
                credit.insert(key, -balance);
            } else {
                credit.remove(&key);
            }
        }
        report.events.push(event);
        if payment.is_reversal() {
            report.reversals.push(Reversal {
                claim_id: id.clone(),
                payer_claim_control_number: payment.payer_claim_control_number.clone(),
                amount_taken_back: payment.paid.abs(),
            });
            continue;
        }
        report.denials.extend(denials(&id, payment));
        if let Some(fees) = fees {
            report
                .underpayments
                .extend(underpayments(&id, payment, fees));
        }
    }
    report.credit_balances = credit_order
        .into_iter()
        .filter_map(|key| {
            credit.get(&key).map(|amount| CreditBalance {
                claim_id: key.0.clone(),
                responsibility: key.1,
                amount: *amount,
            })
        })
        .collect();
    report
}

impl Ledger {
    /// Posts a remittance against every claim in the ledger (see [`post_remittance`]) and
    /// records the events it emits.
    pub fn post(&mut self, remittance: &Remittance, fees: Option<&FeeSchedule>) -> PostingReport {
        let states = self.states(NaiveDate::MAX);
        let report = post_remittance(remittance, &states, fees);
        self.extend(report.events.iter().cloned());
        report
    }
}

fn unmatched(index: usize, payment: &ClaimPayment, reason: UnmatchedReason) -> UnmatchedPayment {
    UnmatchedPayment {
        index,
        patient_control_number: payment.patient_control_number.to_string(),
        payer_claim_control_number: payment.payer_claim_control_number.clone(),
        paid: payment.paid,
        reason,
    }
}

/// The claims posting matches against: the caller's states, indexed without copying, and
/// copies of the ones this remittance changed.
struct Book<'a> {
    original: HashMap<&'a str, &'a ClaimState>,
    by_icn: HashMap<&'a str, Vec<&'a str>>,
    touched: HashMap<String, ClaimState>,
}

impl<'a> Book<'a> {
    fn new(claims: &'a [ClaimState]) -> Self {
        let mut original = HashMap::with_capacity(claims.len());
        let mut by_icn: HashMap<&str, Vec<&str>> = HashMap::new();
        for c in claims {
            original.insert(c.claim_id.as_str(), c);
            for icn in &c.payer_claim_control_numbers {
                by_icn
                    .entry(icn.as_str())
                    .or_default()
                    .push(c.claim_id.as_str());
            }
        }
        Book {
            original,
            by_icn,
            touched: HashMap::new(),
        }
    }

    fn contains(&self, id: &str) -> bool {
        self.touched.contains_key(id) || self.original.contains_key(id)
    }

    fn get_mut(&mut self, id: &ClaimId) -> Option<&mut ClaimState> {
        if !self.touched.contains_key(id.as_str()) {
            let state = (*self.original.get(id.as_str())?).clone();
            self.touched.insert(id.0.clone(), state);
        }
        self.touched.get_mut(id.as_str())
    }

    fn find(&self, payment: &ClaimPayment) -> Option<ClaimId> {
        let pcn = payment.patient_control_number.trim();
        if self.contains(pcn) {
            return Some(ClaimId(pcn.to_string()));
        }
        let icn = payment.payer_claim_control_number.as_deref()?;
        let mut found: Vec<&str> = self.by_icn.get(icn).cloned().unwrap_or_default();
        for (id, state) in &self.touched {
            if state.payer_claim_control_numbers.iter().any(|n| n == icn) {
                found.push(id.as_str());
            }
        }
        found.sort_unstable();
        found.dedup();
        // Two claims that saw the same payer number cannot be told apart.
        match found.as_slice() {
            [one] => Some(ClaimId((*one).to_string())),
            _ => None,
        }
    }
}

fn distinct_categories<'a>(
    adjustments: impl Iterator<Item = &'a Adjustment>,
) -> Vec<DenialCategory> {
    let mut out = Vec::new();
    for a in adjustments {
        let c = a.category();
        if !out.contains(&c) {
            out.push(c);
        }
    }
    out
}

fn denials(id: &ClaimId, payment: &ClaimPayment) -> Vec<Denial> {
    let mut out = Vec::new();
    let claim_level: Vec<Adjustment> = payment
        .adjustments
        .iter()
        .filter(|a| a.is_denial())
        .cloned()
        .collect();
    let mut any = !claim_level.is_empty();
    if !claim_level.is_empty() {
        out.push(Denial {
            claim_id: id.clone(),
            line: None,
            procedure: None,
            amount: claim_level.iter().map(|a| a.amount).sum(),
            categories: distinct_categories(claim_level.iter()),
            adjustments: claim_level,
        });
    }
    for (i, line) in payment.lines.iter().enumerate() {
        let adj: Vec<Adjustment> = line
            .adjustments
            .iter()
            .filter(|a| a.is_denial())
            .cloned()
            .collect();
        if adj.is_empty() {
            continue;
        }
        any = true;
        out.push(Denial {
            claim_id: id.clone(),
            line: Some(i),
            procedure: line.procedure_as_billed(),
            amount: adj.iter().map(|a| a.amount).sum(),
            categories: distinct_categories(adj.iter()),
            adjustments: adj,
        });
    }
    if !any && payment.status == ClaimStatusCode::Denied {
        // Denied with only contractual or PR codes: report the claim, uncategorised.
        out.push(Denial {
            claim_id: id.clone(),
            line: None,
            procedure: None,
            amount: payment.charge - payment.paid,
            adjustments: Vec::new(),
            categories: vec![DenialCategory::Other],
        });
    }
    out
}

fn underpayments(id: &ClaimId, payment: &ClaimPayment, fees: &FeeSchedule) -> Vec<Underpayment> {
    // Secondary and tertiary payers pay against what the primary left; the contract rate
    // does not apply to their payment.
    if !matches!(
        payment.status.get(),
        Some(ClaimStatusCode::ProcessedPrimary | ClaimStatusCode::PrimaryForwarded)
    ) {
        return Vec::new();
    }
    let mut out = Vec::new();
    for (i, line) in payment.lines.iter().enumerate() {
        if line.adjustments.iter().any(Adjustment::is_denial) {
            continue;
        }
        let Some(procedure) = line.procedure_as_billed() else {
            continue;
        };
        let modifiers = if line.billed_procedure.is_some() {
            &line.billed_modifiers
        } else {
            &line.modifiers
        };
        let Some(rate) = fees.rate(&procedure, modifiers.iter().filter_map(Coded::valid)) else {
            continue;
        };
        let units = line.units.or(line.billed_units).unwrap_or(Decimal::ONE);
        let Some(expected) = rate.checked_mul(units) else {
            continue;
        };
        let pr: Decimal = line
            .adjustments
            .iter()
            .filter(|a| a.is_patient_responsibility())
            .map(|a| a.amount)
            .sum();
        let allowed = line.allowed.unwrap_or(line.paid + pr);
        if allowed < expected {
            out.push(Underpayment {
                claim_id: id.clone(),
                line: i,
                procedure,
                modifiers: modifiers.clone(),
                units,
                expected,
                allowed,
                shortfall: expected - allowed,
            });
        }
    }
    out
}
