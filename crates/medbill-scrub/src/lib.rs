//! # medbill-scrub
//!
//! A claim scrubber: the edits payers and clearinghouses run on a claim before they pay it,
//! run before the claim goes out, with findings a biller can act on.
//!
//! - **Rules** are Rust code behind a small trait ([`Rule`]) or a closure ([`FnRule`]), each
//!   with a stable edit id, a family, a default [`Severity`] (reject, deny, warn) and a
//!   data-source stamp ([`RuleInfo`]). The built-in edits ([`builtin_rules`]) are registered
//!   through the same API a vendor uses for its own.
//! - **Rule sets** per payer and line of business come from configuration ([`ScrubConfig`],
//!   any serde format; JSON is read directly): disable, enable and re-grade edits, and set
//!   the timely filing limit, without code.
//! - **Findings** ([`Finding`]) name the edit, severity, claim and line, the codes involved,
//!   a message and a suggested fix where there is one.
//! - **Reference data** ([`ReferenceData`]) is loaded once and shared across threads: the
//!   embedded ICD-10-CM code sets, and the CMS NCCI tables ([`ncci`]) and HCPCS file the
//!   caller loads. [`Scrubber::scrub_batch`] scrubs many claims in parallel.
//!
//! # Edits
//!
//! The built-in edits and their default severities are listed at [`builtin_rules`]. What the
//! edits need beyond the claim:
//!
//! | edits | data | without it |
//! |---|---|---|
//! | `ICD10.*` | embedded ICD-10-CM FY2025 and FY2026 (`medbill-codes`) | always available; dates of service before October 1 2024 are not judged: `ICD10.UNCHECKED` (warn) lists the codes |
//! | `ICD9.*`, `DX.CODE_SET` | the codes' form and the ICD-10 compliance date ([`ICD10_COMPLIANCE_DATE`]) | no ICD-9-CM code set is embedded: `ICD9.UNCHECKED` (warn) lists the well-formed codes |
//! | `PROC.INVALID`, `MOD.INVALID` | code form; CMS HCPCS file ([`ReferenceData::with_hcpcs`]) for HCPCS codes and Level II modifiers by date | malformed codes are still reported; Level II codes and modifiers outside the built-in table are listed by `PROC.UNCHECKED` (warn) |
//! | `POS.INVALID` | CMS place of service code set (built in) | always available |
//! | `NCCI.PTP`, `NCCI.MUE`, `NCCI.ADD_ON` | CMS NCCI quarterly files ([`ncci`]) | silent |
//!
//! A check the scrubber cannot make is a finding (a warning saying why), never a silent pass;
//! the `*.UNCHECKED` edits can be disabled per payer like any edit.
//!
//! ## Claims as read
//!
//! Readers keep every claim whatever its values (codes as sent, [`Coded`](medbill_claim::Coded);
//! what they could not use in [`Claim::problems`](medbill_claim::Claim::problems)), and the
//! scrubber judges them: each problem of
//! [`Claim::check`](medbill_claim::Claim::check) is reported by exactly one edit (a code by its
//! code's edit, a pointer by `DX.POINTER`, the rest by `VALUE.INVALID`), and edits that depend
//! on a value pass over it when another edit reports it. A finding names the field at fault
//! ([`Finding::field`], such as `lines[1].modifiers[0]`) and, when the reader reported a
//! problem on that field, where it was in the input ([`Finding::at`]).
//!
//! NCCI edits are applied within a claim: lines of the same date of service and rendering
//! provider (PTP, per-date MUE, add-on primaries). Services of the same day billed on separate
//! claims are not compared. Professional claims use the practitioner tables (and the DME MUE
//! table for codes the practitioner table lacks), institutional claims the outpatient hospital
//! tables.
//!
//! ## Age and sex edits (`ICD10.AGE`, `ICD10.SEX`)
//!
//! The groups follow the edit definitions of the CMS **Medicare Code Editor** (MCE), the edit
//! software CMS publishes with each IPPS release ("Definitions of Medicare Code Edits"). The
//! MCE lists individual codes; this crate covers them by the ICD-10-CM chapter, category and
//! subcategory ranges they fall in:
//!
//! | MCE edit | ages or sex | codes |
//! |---|---|---|
//! | newborn diagnosis | age 0 | P00-P96 (chapter 16, perinatal), Z38 (liveborn infant), Z05 (observation of newborn) |
//! | pediatric diagnosis | 0-17 | Z00.12 (routine child health examination) |
//! | maternity diagnosis | 9-64 (12-55 in MCE versions before FY2019) | O00-O9A (chapter 15), Z3A, Z33, Z34, Z36, Z37, Z39 |
//! | adult diagnosis | 15-124 | Z00.0 (general adult medical examination) |
//! | female only | F | C51-C58, D06, D25-D28, N70-N77, N80-N98, O00-O9A, Z3A, Z33, Z34, Z36, Z37, Z39, Z01.41, Z12.4 |
//! | male only | M | C60-C63, D07.4-D07.6, D29, N40-N53, Z12.5 |
//!
//! Ages are whole years on the date diagnoses are coded for (the first date of service; the
//! statement end of an institutional claim). A few codes inside these ranges that the MCE
//! exempts are therefore reported; re-grade or disable the edits per payer where that matters.
//! Patients with sex `U` or without a birth date are not edited, and findings never state the
//! age or birth date.
//!
//! # Example
//!
//! ```
//! use medbill_claim::{Address, BillingProvider, Claim, ClaimFilingIndicator, Payer,
//!     PersonName, Phi, ProfessionalLine, Provider, Subscriber};
//! use medbill_scrub::{ReferenceData, ScrubOptions, Scrubber, Severity};
//! use rust_decimal::Decimal;
//!
//! let dos = "2026-03-02".parse().unwrap();
//! let claim = Claim::professional("PCN1")
//!     .billing_provider(BillingProvider {
//!         provider: Provider::organization("EXAMPLE CLINIC", "1234567893".parse()?),
//!         tin: Phi::new("123456789".into()),
//!         tin_is_ssn: false,
//!         address: Address::default(),
//!     })
//!     .subscriber(Subscriber::new("W123456789", PersonName::new("DOE", "JANE")))
//!     .payer(Payer::new("87726", "EXAMPLE HEALTH"), ClaimFilingIndicator::Commercial)
//!     .place_of_service("11".parse()?)
//!     .diagnosis("E11".parse()?) // a header code: not billable
//!     .line(ProfessionalLine::new("99213".parse()?, Decimal::new(12500, 2), Decimal::ONE, dos))
//!     .build()
//!     .unwrap();
//!
//! let scrubber = Scrubber::new(ReferenceData::new());
//! let findings = scrubber.scrub(&claim, &ScrubOptions::on("2026-03-05".parse().unwrap()));
//! assert_eq!(findings.len(), 1);
//! assert_eq!(findings[0].edit, "ICD10.NOT_BILLABLE");
//! assert_eq!(findings[0].severity, Severity::Reject);
//! assert_eq!(findings[0].fix.as_deref(),
//!            Some("remove the header code and use one of E11.0-E11.A"));
//! # Ok::<(), medbill_codes::CodeError>(())
//! ```

mod config;
mod context;
mod edits;
mod engine;
mod error;
mod finding;
pub mod ncci;
mod reference;
mod rule;

pub use config::{DEFAULT_TIMELY_FILING_DAYS, RuleSetConfig, ScrubConfig};
pub use context::{ClaimContext, ICD10_COMPLIANCE_DATE, LineView, ScrubOptions};
pub use edits::{builtin_ids, builtin_rules};
pub use engine::{Scrubber, ScrubberBuilder};
pub use error::ScrubError;
pub use finding::{Finding, Hit, Severity};
pub use reference::ReferenceData;
pub use rule::{FnRule, Rule, RuleInfo, Sink};
