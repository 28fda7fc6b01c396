//! # medbill-claim
//!
//! Typed claims, remittances and acknowledgments, the claim ledger, and payment posting.
//!
//! | area | types |
//! |---|---|
//! | claims (837P, 837I) | [`Claim`], [`ClaimBuilder`], [`ProfessionalLine`], [`InstitutionalLine`], [`ClaimDetail`] |
//! | parties | [`Provider`], [`BillingProvider`], [`Subscriber`], [`Patient`], [`Payer`], [`OtherPayer`] |
//! | remittances (835) | [`Remittance`], [`ClaimPayment`], [`LinePayment`], [`Adjustment`], [`BalanceReport`] |
//! | acknowledgments (999, 277CA) | [`Acknowledgment`], [`AckOutcome`], [`AckReason`] |
//! | ledger | [`LedgerEvent`], [`EventKind`], [`Ledger`], [`ClaimState`] and the [`ledger`] format |
//! | posting | [`post_remittance`], [`Ledger::post`], [`FeeSchedule`], [`PostingReport`] |
//! | PHI | [`Phi`]: redacted in `Debug` and `Display`, revealed only by an explicit call |
//!
//! Money is [`rust_decimal::Decimal`] and serialises as a string (`"125.00"`); dates are
//! [`chrono::NaiveDate`]; JSON field names are snake_case and stable.

mod ack;
mod claim;
mod code_enum;
mod error;
pub mod ledger;
mod party;
mod phi;
mod posting;
mod raw;
mod remit;

pub use ack::{AckOutcome, AckReason, AckSource, Acknowledgment};
pub use claim::{
    Accident, Admission, Claim, ClaimBuilder, ClaimDetail, Diagnosis, Discharge, Drug, DrugUnit,
    FrequencyCode, InstitutionalDetail, InstitutionalLine, InstitutionalUnitBasis,
    LineAdjudication, MAX_INSTITUTIONAL_LINES, MAX_MODIFIERS, MAX_POINTERS,
    MAX_PROFESSIONAL_DIAGNOSES, MAX_PROFESSIONAL_LINES, Occurrence, OccurrenceSpan, PcsProcedure,
    PoaIndicator, ProfessionalDetail, ProfessionalLine, RelatedCause, UnitBasis, ValueCode,
};
pub use error::ClaimError;
pub use ledger::{
    AdjudicatedLine, AdjudicationOutcome, ClaimId, ClaimState, ClaimStatus, EventKind, Ledger,
    LedgerEvent, Responsibility, WriteOffKind,
};
pub use party::{
    Address, BillingProvider, ClaimFilingIndicator, OtherPayer, Patient, PayTo, Payer,
    PayerSequence, PersonName, Provider, Relationship, ServiceFacility, Sex, Subscriber,
};
pub use phi::Phi;
pub use posting::{
    CreditBalance, Denial, FeeSchedule, FeeScheduleEntry, PostedClaim, PostingReport, Reversal,
    Underpayment, UnmatchedPayment, UnmatchedReason, post_remittance,
};
pub use raw::RawSegment;
pub use remit::{
    Adjustment, BalanceEffect, BalanceReport, BalanceRule, ClaimPayment, ClaimStatusCode,
    Imbalance, LinePayment, Payee, Payment, PaymentMethod, ProviderAdjustment, Remittance,
};
