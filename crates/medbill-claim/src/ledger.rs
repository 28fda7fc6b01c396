//! The claim ledger: dated events in a claim's life, and the status and balances they imply.
//!
//! # Event format
//!
//! A [`LedgerEvent`] is one flat JSON object. Every event has these fields:
//!
//! | field | type | meaning |
//! |---|---|---|
//! | `claim_id` | string | the claim's patient control number (CLM01); see [`ClaimId`] |
//! | `date` | `"YYYY-MM-DD"` | when the event happened |
//! | `time` | `"HH:MM:SS"`, optional | time of day, where hours matter (coding turnaround) |
//! | `payer_id` | string, optional | the payer the event concerns |
//! | `event` | string | the kind of event, below |
//!
//! and then the fields of its kind ([`EventKind`]); money is a decimal string such as
//! `"125.00"`. Optional fields are left out when empty and default when missing; unknown
//! fields are ignored, so adding an optional field is not a breaking change. Field names and
//! `event` values are stable.
//!
//! | `event` | fields |
//! |---|---|
//! | `created` | `charge`, `service_date`, `service_end`?, `self_pay` (default false) |
//! | `documentation_received` | - |
//! | `coded` | - |
//! | `scrubbed` | `passed`, `manual_intervention` |
//! | `submitted` | `charge`, `sequence` (`"P"`, `"S"`, `"T"`), `batch_control_number`? |
//! | `resubmitted` | `charge`, `frequency` (`"1"`, `"7"`, `"8"`), `sequence`, `batch_control_number`? |
//! | `acknowledged` | `source` (`"999"`, `"277ca"`, ...), `outcome` (`accepted`, `accepted_with_errors`, `rejected`), `reasons`, `payer_claim_control_number`? |
//! | `adjudicated` | `outcome` (`paid`, `partially_paid`, `denied`, `reversed`), `status` (CLP02), `charge`, `paid`, `patient_responsibility`, `payer_claim_control_number`?, `trace_number`?, `adjustments`, `lines` |
//! | `patient_billed` | `amount` |
//! | `patient_paid` | `amount`, `point_of_service` |
//! | `adjusted` | `amount`, `responsibility` (`insurance`, `patient`), `reason`? |
//! | `transferred` | `amount`, `to` (`insurance`, `patient`) |
//! | `written_off` | `amount`, `responsibility`, `write_off` (`bad_debt`, `charity`, `small_balance`, `timely_filing`, `administrative`, `other`) |
//! | `refunded` | `amount`, `to` (`insurance` = refund to the payer, `patient`) |
//! | `appealed` | `amount`, `level` |
//!
//! An adjustment is `{"group":"CO","reason":"45","amount":"20.00","quantity":"1","category":"contractual"}`
//! (`quantity` optional; `category` written for convenience and ignored when read).
//!
//! JSON lines: one event per line ([`write_json_lines`], [`read_json_lines`]).
//!
//! CSV ([`write_csv`], [`read_csv`]): RFC 4180 with the header
//! `claim_id,date,time,payer_id,event,amount,data`. `amount` is the event's main amount
//! (charge, paid or amount; empty for events without one) for spreadsheets and is checked
//! against `data` when read; `data` is the JSON object of the kind's fields (everything but
//! the five common fields), which is authoritative.
//!
//! ```
//! use medbill_claim::{EventKind, LedgerEvent, PayerSequence};
//! let line = r#"{"claim_id":"PCN1","date":"2026-03-02","payer_id":"87726","event":"submitted","charge":"150.00","sequence":"P"}"#;
//! let event: LedgerEvent = serde_json::from_str(line).unwrap();
//! assert!(matches!(event.kind, EventKind::Submitted { sequence: PayerSequence::Primary, .. }));
//! assert_eq!(serde_json::to_string(&event).unwrap(), line);
//! ```
//!
//! # Balances
//!
//! A claim has an insurance balance (what payers still owe) and a patient balance. The ledger
//! moves them like this:
//!
//! - `created` adds the charge to insurance (to the patient when `self_pay`);
//! - `submitted` / `resubmitted` with a different charge than before move insurance by the
//!   difference (a corrected claim that changes the charge);
//! - `adjudicated` takes `paid` off insurance, and per adjustment
//!   ([`Adjustment::balance_effect`]): PR moves from insurance to the patient; contractual
//!   reductions come off insurance; denials not assigned to the patient stay in insurance,
//!   still owed, until appealed, rebilled, adjusted or written off; CARC 23 (a prior payer's
//!   impact, on secondary remittances) moves nothing, since the primary's posting settled it;
//! - `patient_paid` takes the amount off the patient balance;
//! - `adjusted` and `written_off` take the amount off the named balance;
//! - `transferred` moves the amount from the other balance to `to`;
//! - `refunded` adds the amount back to the named balance (a refund clears a credit);
//! - the others move nothing.
//!
//! A reversal (an `adjudicated` event with status 22 and negated amounts) undoes exactly what
//! the original adjudication did.

use std::collections::HashMap;
use std::io::{BufRead, Write};

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use medbill_codes::{Coded, Modifier, ProcedureCode};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::ack::{AckOutcome, AckReason, AckSource};
use crate::claim::FrequencyCode;
use crate::error::ClaimError;
use crate::party::PayerSequence;
use crate::remit::{Adjustment, BalanceEffect, ClaimPayment, ClaimStatusCode};

/// A claim's identity in the ledger: its patient control number (CLM01), which the provider
/// assigns, the payer echoes in remittances (CLP01), and posting matches on.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ClaimId(pub String);

impl ClaimId {
    /// The identifier text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for ClaimId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&str> for ClaimId {
    fn from(s: &str) -> Self {
        ClaimId(s.to_string())
    }
}

impl From<String> for ClaimId {
    fn from(s: String) -> Self {
        ClaimId(s)
    }
}

/// Which balance an event concerns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Responsibility {
    /// Owed by payers.
    Insurance,
    /// Owed by the patient.
    Patient,
}

/// Why a balance was written off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum WriteOffKind {
    /// Uncollectible patient balance (bad debt).
    BadDebt,
    /// Charity care or financial hardship.
    Charity,
    /// A balance too small to pursue.
    SmallBalance,
    /// Filed too late to be paid.
    TimelyFiling,
    /// Administrative (denial not worth appealing, billing error).
    Administrative,
    /// Anything else.
    Other,
}

/// The outcome of an adjudication, as the ledger classifies it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum AdjudicationOutcome {
    /// Paid in full as contracted (which includes amounts applied to the patient).
    Paid,
    /// Paid in part: some amount denied.
    PartiallyPaid,
    /// Nothing paid or applied to the patient; denied.
    Denied,
    /// An earlier adjudication taken back (status 22).
    Reversed,
}

impl AdjudicationOutcome {
    /// Classifies a claim payment: status 22 is reversed; status 4 is denied; with any
    /// denial adjustment ([`Adjustment::is_denial`], claim or line level) it is denied when
    /// nothing was paid and partially paid otherwise; else paid (which includes a payment of
    /// zero because everything went to the deductible).
    pub fn classify(payment: &ClaimPayment) -> Self {
        if payment.is_reversal() {
            return AdjudicationOutcome::Reversed;
        }
        if payment.status == ClaimStatusCode::Denied {
            return AdjudicationOutcome::Denied;
        }
        let denied: Decimal = payment
            .all_adjustments()
            .filter(|a| a.is_denial())
            .map(|a| a.amount)
            .sum();
        if denied > Decimal::ZERO {
            if payment.paid > Decimal::ZERO {
                AdjudicationOutcome::PartiallyPaid
            } else {
                AdjudicationOutcome::Denied
            }
        } else {
            AdjudicationOutcome::Paid
        }
    }
}

/// One adjudicated service line inside an `adjudicated` event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdjudicatedLine {
    /// The procedure as billed (falls back to as adjudicated).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub procedure: Option<ProcedureCode>,
    /// Modifiers as billed, as sent.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub modifiers: Vec<Coded<Modifier>>,
    /// Line charge.
    pub charge: Decimal,
    /// Line paid.
    pub paid: Decimal,
    /// Units paid.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub units: Option<Decimal>,
    /// Line adjustments.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub adjustments: Vec<Adjustment>,
}

/// What happened, with the amounts that apply. See the [module docs](self) for the JSON shape.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
#[non_exhaustive]
pub enum EventKind {
    /// The charge was entered (the claim exists). The event date is the charge entry date;
    /// charge lag is that minus `service_date`.
    Created {
        /// Total charge.
        charge: Decimal,
        /// Date of service (first date when a range).
        service_date: NaiveDate,
        /// Last date of service, for a range.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        service_end: Option<NaiveDate>,
        /// No insurance: the charge is the patient's from the start.
        #[serde(default)]
        self_pay: bool,
    },
    /// Clinical documentation reached coding; with `coded`, gives coding turnaround.
    DocumentationReceived,
    /// Coding finished.
    Coded,
    /// The claim went through the scrubber's edits.
    Scrubbed {
        /// Whether it passed every edit.
        passed: bool,
        /// Whether a person had to change it to pass (a clean claim needs none).
        manual_intervention: bool,
    },
    /// First submission to a payer (the sequence says which).
    Submitted {
        /// Total charge submitted.
        charge: Decimal,
        /// Which payer in the coordination-of-benefits order.
        sequence: PayerSequence,
        /// The batch's control number, to match acknowledgments.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        batch_control_number: Option<String>,
    },
    /// Submitted again: after a rejection (frequency 1), corrected (7) or voided (8).
    Resubmitted {
        /// Total charge submitted.
        charge: Decimal,
        /// The claim frequency code sent.
        frequency: FrequencyCode,
        /// Which payer in the coordination-of-benefits order.
        sequence: PayerSequence,
        /// The batch's control number.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        batch_control_number: Option<String>,
    },
    /// A 999 or 277CA (or clearinghouse) acknowledgment of the claim.
    Acknowledged {
        /// Which transaction.
        source: AckSource,
        /// Accepted, accepted with errors, or rejected.
        outcome: AckOutcome,
        /// Why, for rejections and errors.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        reasons: Vec<AckReason>,
        /// The payer's claim number, when the acknowledgment assigned one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        payer_claim_control_number: Option<String>,
    },
    /// A payer adjudicated the claim (a remittance claim payment was posted).
    Adjudicated {
        /// Paid, partially paid, denied or reversed.
        outcome: AdjudicationOutcome,
        /// The remittance claim status (CLP02), as sent.
        status: Coded<ClaimStatusCode>,
        /// Claim charge as adjudicated.
        charge: Decimal,
        /// Amount paid.
        paid: Decimal,
        /// Patient responsibility.
        patient_responsibility: Decimal,
        /// The payer's claim control number.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        payer_claim_control_number: Option<String>,
        /// The payment's trace number (check or EFT).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        trace_number: Option<String>,
        /// Claim-level adjustments.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        adjustments: Vec<Adjustment>,
        /// Line-level results.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        lines: Vec<AdjudicatedLine>,
    },
    /// A statement was sent to the patient.
    PatientBilled {
        /// Amount billed.
        amount: Decimal,
    },
    /// The patient paid.
    PatientPaid {
        /// Amount paid.
        amount: Decimal,
        /// Collected at the point of service (check-in or check-out) rather than later.
        #[serde(default)]
        point_of_service: bool,
    },
    /// A manual adjustment; a positive amount reduces the balance.
    Adjusted {
        /// Amount.
        amount: Decimal,
        /// Which balance.
        responsibility: Responsibility,
        /// A reason code or short reason (no PHI).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
    },
    /// Part of one balance moved to the other (for example to a secondary payer, or back to
    /// insurance after a patient's coverage was found).
    Transferred {
        /// Amount moved.
        amount: Decimal,
        /// The balance it moved to (from the other one).
        to: Responsibility,
    },
    /// A balance was written off.
    WrittenOff {
        /// Amount.
        amount: Decimal,
        /// Which balance.
        responsibility: Responsibility,
        /// Why.
        write_off: WriteOffKind,
    },
    /// A credit was refunded to a payer or to the patient.
    Refunded {
        /// Amount refunded.
        amount: Decimal,
        /// Whose credit it was.
        to: Responsibility,
    },
    /// A denial or underpayment was appealed.
    Appealed {
        /// Amount disputed.
        amount: Decimal,
        /// Appeal level (1 for the first).
        #[serde(default = "one")]
        level: u8,
    },
}

fn one() -> u8 {
    1
}

impl EventKind {
    /// The `event` tag, such as `"submitted"`.
    pub fn name(&self) -> &'static str {
        match self {
            EventKind::Created { .. } => "created",
            EventKind::DocumentationReceived => "documentation_received",
            EventKind::Coded => "coded",
            EventKind::Scrubbed { .. } => "scrubbed",
            EventKind::Submitted { .. } => "submitted",
            EventKind::Resubmitted { .. } => "resubmitted",
            EventKind::Acknowledged { .. } => "acknowledged",
            EventKind::Adjudicated { .. } => "adjudicated",
            EventKind::PatientBilled { .. } => "patient_billed",
            EventKind::PatientPaid { .. } => "patient_paid",
            EventKind::Adjusted { .. } => "adjusted",
            EventKind::Transferred { .. } => "transferred",
            EventKind::WrittenOff { .. } => "written_off",
            EventKind::Refunded { .. } => "refunded",
            EventKind::Appealed { .. } => "appealed",
        }
    }

    /// The event's main amount: the charge of `created`/`submitted`/`resubmitted`, the paid
    /// amount of `adjudicated`, the `amount` of the others that have one.
    pub fn amount(&self) -> Option<Decimal> {
        match self {
            EventKind::Created { charge, .. }
            | EventKind::Submitted { charge, .. }
            | EventKind::Resubmitted { charge, .. } => Some(*charge),
            EventKind::Adjudicated { paid, .. } => Some(*paid),
            EventKind::PatientBilled { amount }
            | EventKind::PatientPaid { amount, .. }
            | EventKind::Adjusted { amount, .. }
            | EventKind::Transferred { amount, .. }
            | EventKind::WrittenOff { amount, .. }
            | EventKind::Refunded { amount, .. }
            | EventKind::Appealed { amount, .. } => Some(*amount),
            EventKind::DocumentationReceived
            | EventKind::Coded
            | EventKind::Scrubbed { .. }
            | EventKind::Acknowledged { .. } => None,
        }
    }

    /// The `adjudicated` event for a remittance claim payment.
    pub fn adjudicated(payment: &ClaimPayment, trace_number: Option<String>) -> Self {
        EventKind::Adjudicated {
            outcome: AdjudicationOutcome::classify(payment),
            status: payment.status.clone(),
            charge: payment.charge,
            paid: payment.paid,
            patient_responsibility: payment.patient_responsibility,
            payer_claim_control_number: payment.payer_claim_control_number.clone(),
            trace_number,
            adjustments: payment.adjustments.clone(),
            lines: payment
                .lines
                .iter()
                .map(|l| AdjudicatedLine {
                    procedure: l.procedure_as_billed(),
                    modifiers: if l.billed_procedure.is_some() {
                        l.billed_modifiers.clone()
                    } else {
                        l.modifiers.clone()
                    },
                    charge: l.charge,
                    paid: l.paid,
                    units: l.units,
                    adjustments: l.adjustments.clone(),
                })
                .collect(),
        }
    }

    /// Every adjustment of an `adjudicated` event, claim-level then line-level; empty for
    /// other kinds.
    pub fn adjustments(&self) -> Vec<&Adjustment> {
        match self {
            EventKind::Adjudicated {
                adjustments, lines, ..
            } => adjustments
                .iter()
                .chain(lines.iter().flat_map(|l| l.adjustments.iter()))
                .collect(),
            _ => Vec::new(),
        }
    }
}

/// One dated event in a claim's life. See the [module docs](self) for the format.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LedgerEvent {
    /// The claim.
    pub claim_id: ClaimId,
    /// When.
    pub date: NaiveDate,
    /// Time of day, when known and when hours matter.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time: Option<NaiveTime>,
    /// The payer the event concerns, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payer_id: Option<String>,
    /// What happened.
    #[serde(flatten)]
    pub kind: EventKind,
}

impl LedgerEvent {
    /// An event without time or payer.
    pub fn new(claim_id: impl Into<ClaimId>, date: NaiveDate, kind: EventKind) -> Self {
        LedgerEvent {
            claim_id: claim_id.into(),
            date,
            time: None,
            payer_id: None,
            kind,
        }
    }

    /// Sets the payer.
    pub fn with_payer(mut self, payer_id: impl Into<String>) -> Self {
        self.payer_id = Some(payer_id.into());
        self
    }

    /// Sets the time of day.
    pub fn with_time(mut self, time: NaiveTime) -> Self {
        self.time = Some(time);
        self
    }

    /// Date and time; midnight when no time is recorded.
    pub fn timestamp(&self) -> NaiveDateTime {
        self.date.and_time(self.time.unwrap_or(NaiveTime::MIN))
    }
}

/// Where a claim stands, derived from its events.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ClaimStatus {
    /// Charge entered, not yet coded or submitted.
    Created,
    /// Coded, not yet submitted.
    Coded,
    /// Submitted, no acknowledgment yet.
    Submitted,
    /// Accepted by the clearinghouse or payer front end, awaiting adjudication.
    Accepted,
    /// Rejected; needs correction and resubmission.
    Rejected,
    /// Adjudicated and paid, with a balance still open (usually the patient's).
    Paid,
    /// Adjudicated, part denied.
    PartiallyPaid,
    /// Adjudicated and denied.
    Denied,
    /// An adjudication was reversed; awaiting readjudication.
    Reversed,
    /// Under appeal.
    Appealed,
    /// Void sent.
    Voided,
    /// Nothing owed by anyone after adjudication or write-off.
    Closed,
}

/// A claim's status and balances as of a date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClaimState {
    /// The claim.
    pub claim_id: ClaimId,
    /// Where it stands.
    pub status: ClaimStatus,
    /// What payers still owe (negative: a credit owed back to a payer).
    pub insurance_balance: Decimal,
    /// What the patient still owes (negative: a credit owed back to the patient).
    pub patient_balance: Decimal,
    /// The current total charge.
    pub charge: Decimal,
    /// First date of service, from `created`.
    pub service_date: Option<NaiveDate>,
    /// The payer of the latest event that named one.
    pub payer_id: Option<String>,
    /// Date of the first `submitted`.
    pub first_submitted: Option<NaiveDate>,
    /// Date of the latest `submitted` or `resubmitted`.
    pub last_submitted: Option<NaiveDate>,
    /// Payer claim control numbers seen in acknowledgments and adjudications, oldest first.
    pub payer_claim_control_numbers: Vec<String>,
}

impl ClaimState {
    /// Insurance plus patient balance.
    pub fn total_balance(&self) -> Decimal {
        self.insurance_balance + self.patient_balance
    }

    /// Whether the claim is still being worked: neither closed nor voided.
    pub fn is_open(&self) -> bool {
        !matches!(self.status, ClaimStatus::Closed | ClaimStatus::Voided)
    }

    /// The state of a claim with no events yet (status created, balances zero). Fold events
    /// into it with [`apply`](Self::apply) to follow a claim without a [`Ledger`].
    pub fn new(claim_id: ClaimId) -> Self {
        ClaimState {
            claim_id,
            status: ClaimStatus::Created,
            insurance_balance: Decimal::ZERO,
            patient_balance: Decimal::ZERO,
            charge: Decimal::ZERO,
            service_date: None,
            payer_id: None,
            first_submitted: None,
            last_submitted: None,
            payer_claim_control_numbers: Vec::new(),
        }
    }

    fn bucket(&mut self, r: Responsibility) -> &mut Decimal {
        match r {
            Responsibility::Insurance => &mut self.insurance_balance,
            Responsibility::Patient => &mut self.patient_balance,
        }
    }

    fn note_icn(&mut self, icn: &Option<String>) {
        if let Some(icn) = icn
            && !self.payer_claim_control_numbers.contains(icn)
        {
            self.payer_claim_control_numbers.push(icn.clone());
        }
    }

    /// Applies one of this claim's events. Apply them in date order; the event's claim id is
    /// not checked.
    pub fn apply(&mut self, event: &LedgerEvent) {
        if event.payer_id.is_some() {
            self.payer_id.clone_from(&event.payer_id);
        }
        let mut adjudicated_or_settled = false;
        match &event.kind {
            EventKind::Created {
                charge,
                service_date,
                self_pay,
                ..
            } => {
                let r = if *self_pay {
                    Responsibility::Patient
                } else {
                    Responsibility::Insurance
                };
                *self.bucket(r) += *charge;
                self.charge = *charge;
                self.service_date = Some(*service_date);
                self.status = ClaimStatus::Created;
            }
            EventKind::DocumentationReceived | EventKind::Scrubbed { .. } => {}
            EventKind::Coded => {
                if self.status == ClaimStatus::Created {
                    self.status = ClaimStatus::Coded;
                }
            }
            EventKind::Submitted { charge, .. } => {
                self.recharge(*charge);
                self.first_submitted.get_or_insert(event.date);
                self.last_submitted = Some(event.date);
                self.status = ClaimStatus::Submitted;
            }
            EventKind::Resubmitted {
                charge, frequency, ..
            } => {
                self.first_submitted.get_or_insert(event.date);
                self.last_submitted = Some(event.date);
                if *frequency == FrequencyCode::Void {
                    self.status = ClaimStatus::Voided;
                } else {
                    self.recharge(*charge);
                    self.status = ClaimStatus::Submitted;
                }
            }
            EventKind::Acknowledged {
                outcome,
                payer_claim_control_number,
                ..
            } => {
                self.note_icn(payer_claim_control_number);
                // An acknowledgment arriving after adjudication (out of order) does not
                // move the claim backwards.
                if matches!(
                    self.status,
                    ClaimStatus::Created
                        | ClaimStatus::Coded
                        | ClaimStatus::Submitted
                        | ClaimStatus::Accepted
                        | ClaimStatus::Rejected
                ) {
                    self.status = if outcome.is_accepted() {
                        ClaimStatus::Accepted
                    } else {
                        ClaimStatus::Rejected
                    };
                }
            }
            EventKind::Adjudicated {
                outcome,
                paid,
                payer_claim_control_number,
                ..
            } => {
                self.note_icn(payer_claim_control_number);
                self.insurance_balance -= *paid;
                for adj in event.kind.adjustments() {
                    match adj.balance_effect() {
                        BalanceEffect::ToPatient => {
                            self.insurance_balance -= adj.amount;
                            self.patient_balance += adj.amount;
                        }
                        BalanceEffect::WrittenDown => self.insurance_balance -= adj.amount,
                        BalanceEffect::StaysOpen => {}
                    }
                }
                self.status = match outcome {
                    AdjudicationOutcome::Paid => ClaimStatus::Paid,
                    AdjudicationOutcome::PartiallyPaid => ClaimStatus::PartiallyPaid,
                    AdjudicationOutcome::Denied => ClaimStatus::Denied,
                    AdjudicationOutcome::Reversed => ClaimStatus::Reversed,
                };
                adjudicated_or_settled = true;
            }
            EventKind::PatientBilled { .. } => adjudicated_or_settled = true,
            EventKind::PatientPaid { amount, .. } => {
                self.patient_balance -= *amount;
                adjudicated_or_settled = true;
            }
            EventKind::Adjusted {
                amount,
                responsibility,
                ..
            } => {
                *self.bucket(*responsibility) -= *amount;
                adjudicated_or_settled = true;
            }
            EventKind::WrittenOff {
                amount,
                responsibility,
                ..
            } => {
                *self.bucket(*responsibility) -= *amount;
                adjudicated_or_settled = true;
            }
            EventKind::Transferred { amount, to } => {
                let from = match to {
                    Responsibility::Insurance => Responsibility::Patient,
                    Responsibility::Patient => Responsibility::Insurance,
                };
                *self.bucket(from) -= *amount;
                *self.bucket(*to) += *amount;
            }
            EventKind::Refunded { amount, to } => {
                *self.bucket(*to) += *amount;
                adjudicated_or_settled = true;
            }
            EventKind::Appealed { .. } => self.status = ClaimStatus::Appealed,
        }
        if adjudicated_or_settled
            && self.insurance_balance.is_zero()
            && self.patient_balance.is_zero()
            && self.status != ClaimStatus::Reversed
        {
            self.status = ClaimStatus::Closed;
        } else if self.status == ClaimStatus::Closed && !self.total_balance().is_zero() {
            // A transfer or refund reopened a closed claim.
            self.status = ClaimStatus::Paid;
        }
    }

    fn recharge(&mut self, charge: Decimal) {
        if charge != self.charge {
            self.insurance_balance += charge - self.charge;
            self.charge = charge;
        }
    }
}

/// An ordered collection of ledger events for many claims, with status and balance queries.
///
/// ```
/// use medbill_claim::{ClaimStatus, EventKind, Ledger, LedgerEvent, PayerSequence};
/// use rust_decimal::Decimal;
/// let day = |s: &str| s.parse().unwrap();
/// let mut ledger = Ledger::new();
/// ledger.push(LedgerEvent::new("PCN1", day("2026-03-01"), EventKind::Created {
///     charge: Decimal::new(15000, 2), service_date: day("2026-02-27"),
///     service_end: None, self_pay: false,
/// }));
/// ledger.push(LedgerEvent::new("PCN1", day("2026-03-02"), EventKind::Submitted {
///     charge: Decimal::new(15000, 2), sequence: PayerSequence::Primary,
///     batch_control_number: None,
/// }));
/// ledger.push(LedgerEvent::new("PCN1", day("2026-03-09"), EventKind::PatientPaid {
///     amount: Decimal::new(2000, 2), point_of_service: false,
/// }));
/// let state = ledger.state(&"PCN1".into(), day("2026-03-05")).unwrap();
/// assert_eq!(state.status, ClaimStatus::Submitted);
/// assert_eq!(state.insurance_balance, Decimal::new(15000, 2));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Ledger {
    events: Vec<LedgerEvent>,
}

impl Ledger {
    /// An empty ledger.
    pub fn new() -> Self {
        Ledger::default()
    }

    /// A ledger holding these events.
    pub fn from_events(events: Vec<LedgerEvent>) -> Self {
        Ledger { events }
    }

    /// Adds an event.
    pub fn push(&mut self, event: LedgerEvent) {
        self.events.push(event);
    }

    /// Every event, in the order added.
    pub fn events(&self) -> &[LedgerEvent] {
        &self.events
    }

    /// The claims that have events, sorted.
    pub fn claim_ids(&self) -> Vec<ClaimId> {
        let mut ids: Vec<ClaimId> = self.events.iter().map(|e| e.claim_id.clone()).collect();
        ids.sort();
        ids.dedup();
        ids
    }

    /// One claim's events on or before `as_of`, in date order (the order added within a day).
    pub fn events_for(&self, claim_id: &ClaimId, as_of: NaiveDate) -> Vec<&LedgerEvent> {
        let mut out: Vec<&LedgerEvent> = self
            .events
            .iter()
            .filter(|e| &e.claim_id == claim_id && e.date <= as_of)
            .collect();
        out.sort_by_key(|e| e.date);
        out
    }

    /// A claim's status and balances from its events on or before `as_of`; `None` when it
    /// has none.
    pub fn state(&self, claim_id: &ClaimId, as_of: NaiveDate) -> Option<ClaimState> {
        let events = self.events_for(claim_id, as_of);
        if events.is_empty() {
            return None;
        }
        let mut state = ClaimState::new(claim_id.clone());
        for e in events {
            state.apply(e);
        }
        Some(state)
    }

    /// Every claim's state as of a date, sorted by claim id.
    pub fn states(&self, as_of: NaiveDate) -> Vec<ClaimState> {
        let mut by_claim: HashMap<&str, Vec<&LedgerEvent>> = HashMap::new();
        for e in self.events.iter().filter(|e| e.date <= as_of) {
            by_claim.entry(e.claim_id.as_str()).or_default().push(e);
        }
        let mut ids: Vec<&str> = by_claim.keys().copied().collect();
        ids.sort_unstable();
        ids.into_iter()
            .filter_map(|id| {
                let mut events = by_claim.remove(id)?;
                // Stable, so same-day events keep the order they were added in.
                if !events.is_sorted_by_key(|e| e.date) {
                    events.sort_by_key(|e| e.date);
                }
                let mut state = ClaimState::new(ClaimId(id.to_string()));
                for e in events {
                    state.apply(e);
                }
                Some(state)
            })
            .collect()
    }

    /// Claims that are not closed or voided as of a date.
    pub fn open_claims(&self, as_of: NaiveDate) -> Vec<ClaimState> {
        self.states(as_of)
            .into_iter()
            .filter(ClaimState::is_open)
            .collect()
    }
}

impl Extend<LedgerEvent> for Ledger {
    fn extend<I: IntoIterator<Item = LedgerEvent>>(&mut self, iter: I) {
        self.events.extend(iter);
    }
}

impl FromIterator<LedgerEvent> for Ledger {
    fn from_iter<I: IntoIterator<Item = LedgerEvent>>(iter: I) -> Self {
        Ledger {
            events: iter.into_iter().collect(),
        }
    }
}

fn io_error(record: usize, e: std::io::Error) -> ClaimError {
    ClaimError::Record {
        record,
        message: format!("I/O error: {e}"),
    }
}

/// Writes events as JSON lines: one compact JSON object per line.
pub fn write_json_lines<'a, W: Write>(
    mut out: W,
    events: impl IntoIterator<Item = &'a LedgerEvent>,
) -> Result<(), ClaimError> {
    for (i, e) in events.into_iter().enumerate() {
        let line = serde_json::to_string(e).map_err(|err| ClaimError::Record {
            record: i + 1,
            message: err.to_string(),
        })?;
        writeln!(out, "{line}").map_err(|err| io_error(i + 1, err))?;
    }
    Ok(())
}

/// Reads JSON lines; blank lines are skipped. The error names the line number and what was
/// wrong, never the line's content.
pub fn read_json_lines<R: BufRead>(input: R) -> Result<Vec<LedgerEvent>, ClaimError> {
    let mut out = Vec::new();
    for (i, line) in input.lines().enumerate() {
        let line = line.map_err(|e| io_error(i + 1, e))?;
        if line.trim().is_empty() {
            continue;
        }
        let event = serde_json::from_str(&line).map_err(|e| ClaimError::Record {
            record: i + 1,
            message: json_message(&e),
        })?;
        out.push(event);
    }
    Ok(out)
}

/// serde_json messages can quote input values (a name in a bad field); keep only the
/// category and position.
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

/// The CSV header [`write_csv`] writes and [`read_csv`] expects.
pub const CSV_HEADER: &str = "claim_id,date,time,payer_id,event,amount,data";

/// Writes events as CSV with [`CSV_HEADER`]. See the [module docs](self).
pub fn write_csv<'a, W: Write>(
    mut out: W,
    events: impl IntoIterator<Item = &'a LedgerEvent>,
) -> Result<(), ClaimError> {
    writeln!(out, "{CSV_HEADER}").map_err(|e| io_error(1, e))?;
    for (i, e) in events.into_iter().enumerate() {
        let record = i + 2;
        let err = |m: String| ClaimError::Record { record, message: m };
        let mut data = serde_json::to_value(&e.kind).map_err(|x| err(x.to_string()))?;
        if let Some(map) = data.as_object_mut() {
            map.remove("event");
        }
        let data = serde_json::to_string(&data).map_err(|x| err(x.to_string()))?;
        let fields = [
            e.claim_id.0.clone(),
            e.date.to_string(),
            e.time.map(|t| t.to_string()).unwrap_or_default(),
            e.payer_id.clone().unwrap_or_default(),
            e.kind.name().to_string(),
            e.kind.amount().map(|a| a.to_string()).unwrap_or_default(),
            data,
        ];
        let row: Vec<String> = fields.iter().map(|f| csv_quote(f)).collect();
        writeln!(out, "{}", row.join(",")).map_err(|x| io_error(record, x))?;
    }
    Ok(())
}

fn csv_quote(field: &str) -> String {
    if field.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.to_string()
    }
}

/// Splits RFC 4180 text into records of fields. Quoted fields may hold commas, quotes and
/// newlines. Returns the 1-based record number of the first malformed record.
fn csv_records(text: &str) -> Result<Vec<Vec<String>>, usize> {
    let mut records = Vec::new();
    let mut record = Vec::new();
    let mut field = String::new();
    let mut chars = text.chars().peekable();
    let mut in_quotes = false;
    let mut field_started_quoted = false;
    while let Some(c) = chars.next() {
        if in_quotes {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    chars.next();
                    field.push('"');
                } else {
                    in_quotes = false;
                }
            } else {
                field.push(c);
            }
            continue;
        }
        match c {
            '"' if field.is_empty() && !field_started_quoted => {
                in_quotes = true;
                field_started_quoted = true;
            }
            '"' => return Err(records.len() + 1),
            ',' => {
                record.push(std::mem::take(&mut field));
                field_started_quoted = false;
            }
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' | '\r' => {
                record.push(std::mem::take(&mut field));
                field_started_quoted = false;
                records.push(std::mem::take(&mut record));
            }
            _ => {
                if field_started_quoted {
                    return Err(records.len() + 1);
                }
                field.push(c);
            }
        }
    }
    if in_quotes {
        return Err(records.len() + 1);
    }
    if !field.is_empty() || !record.is_empty() || field_started_quoted {
        record.push(field);
        records.push(record);
    }
    Ok(records)
}

/// Reads CSV written by [`write_csv`] (blank rows skipped). Checks the header, and that the
/// `amount` column agrees with `data`.
pub fn read_csv<R: std::io::Read>(mut input: R) -> Result<Vec<LedgerEvent>, ClaimError> {
    let mut text = String::new();
    input
        .read_to_string(&mut text)
        .map_err(|e| io_error(1, e))?;
    let records = csv_records(&text).map_err(|record| ClaimError::Record {
        record,
        message: "malformed CSV quoting".into(),
    })?;
    let mut rows = records.into_iter().enumerate();
    match rows.next() {
        Some((_, h)) if h.join(",") == CSV_HEADER => {}
        _ => {
            return Err(ClaimError::Record {
                record: 1,
                message: format!("the header must be {CSV_HEADER}"),
            });
        }
    }
    let mut out = Vec::new();
    for (i, row) in rows {
        let record = i + 1;
        if row.len() == 1 && row[0].trim().is_empty() {
            continue;
        }
        out.push(csv_event(record, &row)?);
    }
    Ok(out)
}

fn csv_event(record: usize, row: &[String]) -> Result<LedgerEvent, ClaimError> {
    let err = |m: &str| ClaimError::Record {
        record,
        message: m.to_string(),
    };
    let [claim_id, date, time, payer_id, event, amount, data] = row else {
        return Err(err("expected 7 fields"));
    };
    let date: NaiveDate = date.parse().map_err(|_| err("date is not YYYY-MM-DD"))?;
    let time = if time.is_empty() {
        None
    } else {
        Some(
            time.parse::<NaiveTime>()
                .map_err(|_| err("time is not HH:MM:SS"))?,
        )
    };
    let mut value: serde_json::Value = if data.trim().is_empty() {
        serde_json::Value::Object(serde_json::Map::new())
    } else {
        serde_json::from_str(data).map_err(|e| ClaimError::Record {
            record,
            message: format!("data: {}", json_message(&e)),
        })?
    };
    let Some(map) = value.as_object_mut() else {
        return Err(err("data must be a JSON object"));
    };
    map.insert("event".into(), serde_json::Value::String(event.clone()));
    let kind: EventKind = serde_json::from_value(value).map_err(|e| ClaimError::Record {
        record,
        message: format!("data: {}", json_message(&e)),
    })?;
    if !amount.is_empty() {
        let a: Decimal = amount
            .parse()
            .map_err(|_| err("amount is not a decimal number"))?;
        if kind.amount() != Some(a) {
            return Err(err("amount does not match the amount in data"));
        }
    }
    Ok(LedgerEvent {
        claim_id: ClaimId(claim_id.clone()),
        date,
        time,
        payer_id: (!payer_id.is_empty()).then(|| payer_id.clone()),
        kind,
    })
}
