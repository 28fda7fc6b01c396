//! # medbill
//!
//! US medical coding and billing for Rust: the code sets a claim uses, typed claims and
//! remittances, HIPAA X12 5010 reading, validation and writing, a claim scrubber and the
//! revenue-cycle KPIs a practice is judged by.
//!
//! This crate is a thin facade: each focused crate is re-exported as a module behind a
//! default-on cargo feature of the same name, the names most programs need are in
//! [`prelude`], and a few helpers do the first end-to-end steps a newcomer reaches for. It
//! holds no billing logic of its own. The [`tutorial`] walks the whole revenue cycle with
//! examples that run; `cargo run --release --example revenue_cycle` does it for a month of a
//! small practice.
//!
//! ## Which crate does what
//!
//! | module | crate | what it does | start with |
//! |---|---|---|---|
//! | [`codes`] | `medbill-codes` | ICD-10-CM (embedded, valid by date of service), ICD-10-PCS, HCPCS and CPT format, modifiers, place of service, NPI, CARC/RARC | `Icd10CmCode`, `Icd10Cm::embedded()`, `ProcedureCode`, `Carc` |
//! | [`claim`] | `medbill-claim` | 837P/837I-shaped claims, 835-shaped remittances, 999/277CA acknowledgments, the claim ledger, payment posting | `Claim::professional`, `Remittance`, `Ledger`, `Ledger::post` |
//! | [`x12`] | `medbill-x12` | X12 5010 tokenizer, streaming reader, writer, implementation-guide validation, 999/TA1, typed 837/835/277CA/999 | `x12::typed`, `x12::validate::Validator`, `x12::ack` |
//! | [`scrub`] | `medbill-scrub` | claim edits before submission: ICD-10, NCCI PTP/MUE/add-on, modifiers, pointers, NPI, dates, payer rule sets | `Scrubber`, `ScrubOptions`, `Finding` |
//! | [`kpi`] | `medbill-kpi` | first-pass acceptance, clean claims, denial rates, days in A/R, aging, collections, SLA scorecard, HTML dashboard | `KpiReport`, `dashboard_html` |
//!
//! How data flows:
//!
//! ```text
//!  practice system ──Claim──> scrub ──> x12 (write 837P) ──> clearinghouse / payer
//!                                                              │
//!  ledger <── post (claim) <── x12 (read 835, 277CA, 999) <────┘
//!    │
//!    └──> kpi (scorecard, dashboard)
//! ```
//!
//! ## Features
//!
//! | feature | default | enables | also enables |
//! |---|---|---|---|
//! | `codes` | yes | [`codes`] | |
//! | `claim` | yes | [`claim`] | `codes` |
//! | `x12` | yes | [`x12`], [`read_837`], [`read_835_and_post`], [`read_acknowledgments`], [`check_x12`] | `claim` |
//! | `scrub` | yes | [`scrub`], [`scrub_claims`], [`builtin_scrubber`] | `claim` |
//! | `kpi` | yes | [`kpi`], [`kpi_report`] | `claim` |
//!
//! With `default-features = false` pick what you need, for example
//! `features = ["codes"]` for code look-ups alone.
//!
//! ## The helpers
//!
//! The whole cycle in a page (the README's quick start):
//!
//! ```no_run
//! use medbill::prelude::*;
//! use medbill::x12::ack::AckOptions;
//!
//! fn main() -> Result<(), Box<dyn std::error::Error>> {
//!     // Claims from an 837P file; values the model cannot hold are reported, not dropped.
//!     let batch = medbill::read_837_file("claims.x12")?;
//!     let (entered, sent) = ("2026-10-01".parse()?, "2026-10-02".parse()?);
//!
//!     // Scrub before sending: the edits payers run, each finding with its fix.
//!     let findings = medbill::scrub_claims(&medbill::builtin_scrubber(), &batch.values, sent);
//!     for f in findings.iter().filter(|f| f.severity == Severity::Reject) {
//!         println!("{} {}: {}", f.claim, f.edit, f.fix.as_deref().unwrap_or(&f.message));
//!     }
//!     // What the clearinghouse will answer: implementation-guide validation and the 999.
//!     let checked = medbill::check_x12(&std::fs::read("claims.x12")?, &AckOptions::default());
//!     println!("accepted: {}\n{}", checked.accepted(), checked.acks);
//!
//!     // Record the claims, post the payer's 835, and grade the month.
//!     let mut ledger = Ledger::new();
//!     for claim in &batch.values {
//!         ledger.push(claim.created_event(entered));
//!         ledger.push(claim.submission_event(sent, true));
//!     }
//!     let posted = medbill::read_835_file_and_post("remit.835", &mut ledger, None)?;
//!     println!("{} remittances posted", posted.values.len());
//!     print!("{}", medbill::kpi_report(&ledger, "2026-10-31".parse()?).to_text());
//!     Ok(())
//! }
//! ```
//!
//! Data: ICD-10-CM is from CDC/NCHS (see each crate's docs for sources and versions); CPT is
//! the AMA's and no CPT descriptor text is included.

mod error;
mod helpers;
pub mod prelude;
#[cfg(all(
    feature = "codes",
    feature = "claim",
    feature = "x12",
    feature = "scrub",
    feature = "kpi"
))]
pub mod tutorial;

pub use error::{Error, Result};

#[cfg(feature = "kpi")]
pub use helpers::kpi_report;
#[cfg(feature = "x12")]
pub use helpers::{
    Checked, Loaded, check_x12, read_835_and_post, read_835_file_and_post, read_837, read_837_file,
    read_acknowledgments,
};
#[cfg(all(feature = "scrub", feature = "x12"))]
pub use helpers::{Scrubbed, ScrubbedClaim, scrub_837};
#[cfg(feature = "scrub")]
pub use helpers::{builtin_scrubber, scrub_claims};

#[cfg(feature = "codes")]
pub use medbill_codes as codes;

#[cfg(feature = "claim")]
pub use medbill_claim as claim;

#[cfg(feature = "x12")]
pub use medbill_x12 as x12;

#[cfg(feature = "scrub")]
pub use medbill_scrub as scrub;

#[cfg(feature = "kpi")]
pub use medbill_kpi as kpi;
