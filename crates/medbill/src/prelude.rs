//! The names nearly every program uses: `use medbill::prelude::*;`.
//!
//! Code value types, the claim and remittance models with the ledger, the X12 envelope and
//! batch headers, the scrubber, and the KPI report with its event store. Everything else is one module away
//! (`medbill::claim::...`, `medbill::x12::...`).
//!
//! `Severity` here is the scrubber's (reject, deny, warn); the X12 reader's is
//! `medbill::x12::Severity`.

#[cfg(feature = "codes")]
pub use medbill_codes::{
    Carc, GroupCode, Icd10CmCode, Modifier, Npi, PlaceOfService, ProcedureCode,
};

#[cfg(feature = "claim")]
pub use medbill_claim::{
    Acknowledgment, BillingProvider, Claim, ClaimFilingIndicator, ClaimPayment, DiagnosisPointers,
    Ledger, Modifiers, Payer, PersonName, PostingReport, ProfessionalLine, Provider, Remittance,
    Subscriber, Text,
};

#[cfg(feature = "x12")]
pub use medbill_x12::typed::{ClaimForm, InterchangeHeader, SubmissionHeader};

#[cfg(feature = "scrub")]
pub use medbill_scrub::{Finding, Scrubber, Severity};

#[cfg(feature = "kpi")]
pub use medbill_kpi::{EventStore, KpiReport};
