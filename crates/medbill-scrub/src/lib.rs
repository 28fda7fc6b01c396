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
pub use context::{ClaimContext, LineView, ScrubOptions};
pub use edits::{builtin_ids, builtin_rules};
pub use engine::{Scrubber, ScrubberBuilder};
pub use error::ScrubError;
pub use finding::{Finding, Hit, Severity};
pub use reference::ReferenceData;
pub use rule::{FnRule, Rule, RuleInfo, Sink};
