//! # medbill
//!
//! US medical coding and billing for Rust: the code sets a claim uses, typed claims and
//! remittances, HIPAA X12 5010 reading, validation and writing, a claim scrubber and the
//! revenue-cycle KPIs a practice is judged by.
//!
//! This crate is a thin facade: each focused crate is re-exported as a module behind a
//! default-on cargo feature of the same name.
//!
//! | module | crate | what it does |
//! |---|---|---|
//! | [`codes`] | `medbill-codes` | ICD-10-CM/PCS, HCPCS, CPT format, modifiers, place of service, NPI, CARC/RARC |
//! | [`claim`] | `medbill-claim` | claims, remittances, acknowledgments, ledger events, payment posting |
//! | [`x12`] | `medbill-x12` | X12 5010 tokenizer, streaming reader, writer, validation, typed transactions |
//! | [`scrub`] | `medbill-scrub` | claim edit rules (NCCI, ICD-10, modifiers, dates, payer rules) |
//! | [`kpi`] | `medbill-kpi` | first-pass acceptance, denial rate, days in A/R, aging, collections, SLA scorecard |

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
