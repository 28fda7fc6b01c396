//! # medbill-claim
//!
//! Typed claims, remittances and acknowledgments, the claim ledger, and payment posting.
//!
//! | area | types |
//! |---|---|
//! | claims (837P, 837I) | [`Claim`], [`ClaimBuilder`], [`ProfessionalLine`], [`InstitutionalLine`], [`ClaimDetail`] |
//! | values as sent | [`Coded`] (a code, or the text with why it is not one), [`DiagnosisCode`], [`IcdProcedureCode`], [`Problem`] and [`Location`] (what a reader could not use, and where) |
//! | parties | [`Provider`], [`BillingProvider`], [`Subscriber`], [`Patient`], [`Payer`], [`OtherPayer`] |
//! | remittances (835) | [`Remittance`], [`ClaimPayment`], [`LinePayment`], [`Adjustment`], [`BalanceReport`] |
//! | acknowledgments (999, 277CA) | [`Acknowledgment`], [`AckOutcome`], [`AckReason`] |
//! | ledger | [`LedgerEvent`], [`EventKind`], [`Ledger`], [`ClaimState`] and the [`ledger`] format |
//! | posting | [`post_remittance`], [`Ledger::post`], [`FeeSchedule`], [`PostingReport`] |
//! | PHI | [`Phi`]: redacted in `Debug` and `Display`, revealed only by an explicit call |
//! | sharing | [`Shared`]: one value (a billing provider) held by many claims, copied on write |
//! | short strings | [`Text`]: names, identifiers and address parts, inline up to 22 bytes |
//!
//! Money is [`rust_decimal::Decimal`] and serialises as a string (`"125.00"`); dates are
//! [`chrono::NaiveDate`]; JSON field names are snake_case and stable.
//!
//! ## A claim's life in a few lines
//!
//! ```
//! use medbill_claim::{
//!     Address, Adjustment, BillingProvider, Claim, ClaimFilingIndicator, ClaimPayment,
//!     ClaimStatus, ClaimStatusCode, Ledger, Payee, Payer, Payment, PaymentMethod, PersonName,
//!     Phi, ProfessionalLine, Provider, Remittance, Subscriber,
//! };
//! use medbill_codes::GroupCode;
//! use rust_decimal::Decimal;
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let money = |s: &str| s.parse::<Decimal>();
//! let claim = Claim::professional("PCN1")
//!     .billing_provider(BillingProvider {
//!         provider: Provider::organization("EXAMPLE CLINIC", "1234567893".parse()?),
//!         tin: Phi::new("123456789".into()),
//!         tin_is_ssn: false,
//!         address: Address::default(),
//!     })
//!     .subscriber(Subscriber::new("W1", PersonName::new("DOE", "JANE")))
//!     .payer(Payer::new("87726", "EXAMPLE HEALTH"), ClaimFilingIndicator::Commercial)
//!     .place_of_service("11".parse()?)
//!     .diagnosis("I10".parse()?)
//!     .line(ProfessionalLine::new("99213".parse()?, money("100")?, Decimal::ONE,
//!         "2026-03-02".parse()?))
//!     .build()?;
//!
//! // Record it, then post the payer's remittance.
//! let mut ledger = Ledger::new();
//! ledger.push(claim.created_event("2026-03-02".parse()?));
//! ledger.push(claim.submission_event("2026-03-03".parse()?, true));
//! let mut paid = ClaimPayment::new("PCN1", ClaimStatusCode::ProcessedPrimary,
//!     money("100")?, money("60")?);
//! paid.adjustments = vec![
//!     Adjustment::new(GroupCode::Co, "45".parse()?, money("25")?),
//!     Adjustment::new(GroupCode::Pr, "2".parse()?, money("15")?),
//! ];
//! paid.patient_responsibility = money("15")?;
//! let remittance = Remittance {
//!     payer: (*claim.payer).clone(),
//!     payer_tin: None,
//!     payer_address: None,
//!     payer_contacts: vec![],
//!     payee: Payee::new("EXAMPLE CLINIC"),
//!     payment: Payment { method: PaymentMethod::Check.into(), amount: money("60")?,
//!         date: "2026-03-20".parse()?, trace_number: "CHK1001".into() },
//!     claims: vec![paid],
//!     provider_adjustments: vec![],
//!     extra: vec![],
//!     problems: vec![],
//! };
//! let report = ledger.post(&remittance, None);
//! assert!(report.balance.is_balanced() && report.unmatched.is_empty());
//!
//! let state = ledger.state(&"PCN1".into(), "2026-03-31".parse()?).unwrap();
//! assert_eq!(state.status, ClaimStatus::Paid);
//! assert_eq!((state.insurance_balance, state.patient_balance), (money("0")?, money("15")?));
//! # Ok(())
//! # }
//! ```

mod ack;
mod claim;
mod code_enum;
mod diagnosis;
mod error;
mod inline;
pub mod ledger;
mod party;
mod phi;
mod posting;
mod problem;
mod raw;
mod remit;
mod shared;
mod text;

pub use ack::{AckOutcome, AckReason, AckSource, Acknowledgment};
pub use claim::{
    Accident, Admission, Claim, ClaimBuilder, ClaimDetail, Diagnosis, Discharge, Drug, DrugUnit,
    FrequencyCode, IcdProcedure, InstitutionalDetail, InstitutionalLine, InstitutionalUnitBasis,
    LineAdjudication, MAX_INSTITUTIONAL_LINES, MAX_MODIFIERS, MAX_POINTERS,
    MAX_PROFESSIONAL_DIAGNOSES, MAX_PROFESSIONAL_LINES, Occurrence, OccurrenceSpan, PoaIndicator,
    ProfessionalDetail, ProfessionalLine, RelatedCause, UnitBasis, ValueCode,
};
pub use diagnosis::{DiagnosisCode, IcdProcedureCode};
pub use error::ClaimError;
pub use inline::{DiagnosisPointers, Modifiers};
pub use ledger::{
    AdjudicatedLine, AdjudicationOutcome, ClaimId, ClaimState, ClaimStatus, EventKind, Ledger,
    LedgerEvent, Responsibility, WriteOffKind,
};
/// A code as sent (re-exported from `medbill-codes`): the field type of every code a claim or
/// remittance holds.
pub use medbill_codes::{Coded, Unrecognized};
pub use party::{
    Address, BillingProvider, ClaimFilingIndicator, OtherPayer, Patient, PayTo, Payer,
    PayerSequence, PersonName, Provider, Relationship, ServiceFacility, Sex, Subscriber,
};
pub use phi::Phi;
pub use posting::{
    CreditBalance, Denial, FeeSchedule, FeeScheduleEntry, PostedClaim, PostingReport, Reversal,
    Underpayment, UnmatchedPayment, UnmatchedReason, post_remittance,
};
pub use problem::{Location, Problem};
pub use raw::RawSegment;
pub use remit::{
    Adjustment, BalanceEffect, BalanceReport, BalanceRule, ClaimPayment, ClaimStatusCode,
    CommunicationNumber, CommunicationQualifier, Contact, ContactFunction, Imbalance, LinePayment,
    Payee, Payment, PaymentMethod, ProviderAdjustment, RemitFilingIndicator, Remittance,
};
pub use shared::Shared;
pub use text::Text;
