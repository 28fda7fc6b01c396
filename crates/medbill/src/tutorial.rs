//! # Tutorial: one claim around the revenue cycle
//!
//! Every example below runs as a test (`cargo test -p medbill --doc`). Together they follow
//! one office visit from the code look-up to the scorecard; the `revenue_cycle` example
//! (`examples/revenue_cycle.rs`, `cargo run --release --example revenue_cycle`) does the same
//! for a month of a small practice.
//!
//! ## 1. Codes
//!
//! Code values are types that can only hold well-formed codes. Whether a well-formed code is
//! *valid* depends on the date of service: ask the embedded ICD-10-CM code set.
//!
//! ```
//! use medbill::codes::{Icd10Cm, Icd10CmCode, ProcedureCode};
//!
//! let dx: Icd10CmCode = "e119".parse()?;            // dotted or not, any case
//! assert_eq!(dx.to_string(), "E11.9");
//! let icd = Icd10Cm::embedded();
//! let on = "2026-03-02".parse()?;
//! assert!(icd.check("E11.9", on).billable() == Some(true));
//! assert!(icd.check("E11", on).billable() == Some(false)); // a header: not billable
//!
//! let cpt: ProcedureCode = "99213".parse()?;        // CPT by number only: no AMA text ships
//! assert_eq!(cpt.to_string(), "99213");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## 2. A claim
//!
//! [`Claim::professional`](crate::claim::Claim::professional) starts a builder that refuses
//! claims that cannot exist (a pointer to no diagnosis, five modifiers, no lines). Names,
//! birth dates and member IDs are wrapped in [`Phi`](crate::claim::Phi): `Debug` prints
//! `<redacted>`.
//!
//! ```
//! use medbill::claim::{Address, Phi};
//! use medbill::prelude::*;
//! use rust_decimal::Decimal;
//!
//! let dos = "2026-03-02".parse()?;
//! let claim = Claim::professional("PCN1001")
//!     .billing_provider(BillingProvider {
//!         provider: Provider::organization("EXAMPLE CLINIC", "1234567893".parse()?),
//!         tin: Phi::new("123456789".into()),
//!         tin_is_ssn: false,
//!         address: Address::default(),
//!     })
//!     .subscriber(Subscriber::new("W100200300", PersonName::new("DOE", "JANE")))
//!     .payer(Payer::new("87726", "EXAMPLE HEALTH"), ClaimFilingIndicator::Commercial)
//!     .place_of_service("11".parse()?)
//!     .diagnosis("E11".parse()?)                   // a header code: the scrubber will object
//!     .line(ProfessionalLine::new("99213".parse()?, Decimal::new(12500, 2), Decimal::ONE, dos))
//!     .build()?;
//! assert_eq!(claim.total_charge, Decimal::new(12500, 2));
//! assert!(!format!("{:?}", claim.subscriber).contains("DOE"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## 3. Scrub, fix, scrub again
//!
//! The scrubber runs the payers' edits before the claim leaves. Each
//! [`Finding`](crate::scrub::Finding) names the edit, its severity and, where there is one, the
//! fix.
//!
//! ```
//! # use medbill::claim::{Address, Phi};
//! # use medbill::prelude::*;
//! # use rust_decimal::Decimal;
//! # let dos = "2026-03-02".parse()?;
//! # let mut claim = Claim::professional("PCN1001")
//! #     .billing_provider(BillingProvider {
//! #         provider: Provider::organization("EXAMPLE CLINIC", "1234567893".parse()?),
//! #         tin: Phi::new("123456789".into()), tin_is_ssn: false, address: Address::default() })
//! #     .subscriber(Subscriber::new("W100200300", PersonName::new("DOE", "JANE")))
//! #     .payer(Payer::new("87726", "EXAMPLE HEALTH"), ClaimFilingIndicator::Commercial)
//! #     .place_of_service("11".parse()?)
//! #     .diagnosis("E11".parse()?)
//! #     .line(ProfessionalLine::new("99213".parse()?, Decimal::new(12500, 2), Decimal::ONE, dos))
//! #     .build()?;
//! use medbill::claim::ClaimDetail;
//!
//! let scrubber = medbill::builtin_scrubber();
//! let submit_on = "2026-03-04".parse()?;
//! let findings = medbill::scrub_claims(&scrubber, std::slice::from_ref(&claim), submit_on);
//! assert_eq!(findings.len(), 1);
//! assert_eq!(findings[0].edit, "ICD10.NOT_BILLABLE");
//! assert_eq!(findings[0].severity, Severity::Reject);
//!
//! // The coder picks the billable code the documentation supports.
//! if let ClaimDetail::Professional(p) = &mut claim.detail {
//!     p.diagnoses[0] = "E11.9".parse()?;
//! }
//! assert!(medbill::scrub_claims(&scrubber, &[claim], submit_on).is_empty());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## 4. Send the 837P, read the 999
//!
//! [`x12::typed::write_837`](crate::x12::typed::write_837) writes a whole interchange;
//! [`check_x12`](crate::check_x12) validates it against the implementation guide, as the
//! clearinghouse will, and renders the 999 it would send back;
//! [`read_acknowledgments`](crate::read_acknowledgments) reads that 999, and each
//! acknowledgment becomes a ledger event.
//!
//! ```
//! # use medbill::claim::{Address, Phi};
//! # use medbill::prelude::*;
//! # use rust_decimal::Decimal;
//! # let dos = "2026-03-02".parse()?;
//! # let claim = Claim::professional("PCN1001")
//! #     .billing_provider(BillingProvider {
//! #         provider: Provider::organization("EXAMPLE CLINIC", "1234567893".parse()?),
//! #         tin: Phi::new("123456789".into()), tin_is_ssn: false,
//! #         address: Address { lines: vec!["1 MAIN ST".into()], city: "TOWN".into(),
//! #             state: "NY".into(), postal_code: "123450001".into(), country: None } })
//! #     .subscriber(Subscriber::new("W100200300", PersonName::new("DOE", "JANE"))
//! #         .with_demographics("1970-01-01".parse()?, medbill::claim::Sex::Female))
//! #     .payer(Payer::new("87726", "EXAMPLE HEALTH"), ClaimFilingIndicator::Commercial)
//! #     .place_of_service("11".parse()?)
//! #     .diagnosis("E11.9".parse()?)
//! #     .line(ProfessionalLine::new("99213".parse()?, Decimal::new(12500, 2), Decimal::ONE, dos))
//! #     .build()?;
//! use medbill::x12::ack::AckOptions;
//! use medbill::x12::typed;
//!
//! let sent = "2026-03-04".parse()?;
//! let header = SubmissionHeader::new(ClaimForm::Professional, "BATCH1", sent,
//!     ("EXAMPLE CLINIC", "S1"), ("CLEARINGHOUSE", "R1"), "5555551212");
//! let envelope = InterchangeHeader::new("S1", "R1", 1, sent);
//! let x837 = typed::write_837(std::slice::from_ref(&claim), &header, &envelope)?;
//!
//! let checked = medbill::check_x12(&x837, &AckOptions::default());
//! assert!(checked.accepted(), "{:?}", checked.report);
//! assert!(checked.acks.contains("IK5*A"));
//!
//! let acks = medbill::read_acknowledgments(checked.acks.as_bytes())?;
//! assert!(acks.values[0].outcome.is_accepted());
//!
//! let mut ledger = Ledger::new();
//! ledger.push(claim.created_event("2026-03-02".parse()?));
//! ledger.push(claim.submission_event(sent, true));
//! ledger.push(acks.values[0].event_for(&claim.patient_control_number, Some("87726")));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## 5. The 835: post the payment
//!
//! The payer pays $70 of the $125: $45 contractual (CO-45), $10 patient coinsurance (PR-2).
//! [`read_835_and_post`](crate::read_835_and_post) reads the 835 and posts it; with a fee
//! schedule the posting report also lists lines paid below contract.
//!
//! ```
//! # use medbill::claim::{Address, Phi};
//! # use medbill::prelude::*;
//! # use rust_decimal::Decimal;
//! # let dos = "2026-03-02".parse()?;
//! # let claim = Claim::professional("PCN1001")
//! #     .billing_provider(BillingProvider {
//! #         provider: Provider::organization("EXAMPLE CLINIC", "1234567893".parse()?),
//! #         tin: Phi::new("123456789".into()), tin_is_ssn: false, address: Address::default() })
//! #     .subscriber(Subscriber::new("W100200300", PersonName::new("DOE", "JANE")))
//! #     .payer(Payer::new("87726", "EXAMPLE HEALTH"), ClaimFilingIndicator::Commercial)
//! #     .place_of_service("11".parse()?)
//! #     .diagnosis("E11.9".parse()?)
//! #     .line(ProfessionalLine::new("99213".parse()?, Decimal::new(12500, 2), Decimal::ONE, dos))
//! #     .build()?;
//! # let mut ledger = Ledger::new();
//! # ledger.push(claim.created_event("2026-03-02".parse()?));
//! # ledger.push(claim.submission_event("2026-03-04".parse()?, true));
//! use medbill::claim::{Adjustment, ClaimStatusCode, FeeSchedule, LinePayment, Payee, Payment,
//!     PaymentMethod};
//! use medbill::x12::typed;
//!
//! let money = |cents: i64| Decimal::new(cents, 2);
//! let mut line = LinePayment::new("99213".parse()?, money(12500), money(7000));
//! line.adjustments = vec![
//!     Adjustment::new(GroupCode::Co, "45".parse()?, money(4500)),
//!     Adjustment::new(GroupCode::Pr, "2".parse()?, money(1000)),
//! ];
//! line.service_date = Some(dos);
//! let mut paid = ClaimPayment::new("PCN1001", ClaimStatusCode::ProcessedPrimary,
//!     money(12500), money(7000));
//! paid.patient_responsibility = money(1000);
//! paid.payer_claim_control_number = Some("ICN0001".into());
//! paid.lines = vec![line];
//! let remittance = Remittance {
//!     payer: (*claim.payer).clone(),
//!     payer_tin: Some("999999999".into()),
//!     payer_address: None,
//!     payer_contacts: vec![],
//!     payee: Payee { name: "EXAMPLE CLINIC".into(), npi: None, tin: None, address: None },
//!     payment: Payment { method: PaymentMethod::Check.into(), amount: money(7000),
//!         date: "2026-03-20".parse()?, trace_number: "CHK1001".into() },
//!     claims: vec![paid],
//!     provider_adjustments: vec![],
//!     extra: vec![],
//!     problems: vec![],
//! };
//! let x835 = typed::write_835(&remittance, &InterchangeHeader::new("87726", "S1", 9,
//!     "2026-03-20".parse()?))?;
//!
//! // The contract says $85 for a 99213, so allowing $80 is an underpayment.
//! let mut fees = FeeSchedule::new();
//! fees.insert("99213".parse()?, None, money(8500));
//! let posted = medbill::read_835_and_post(&x835, &mut ledger, Some(&fees))?;
//! let report = &posted.values[0];
//! assert!(posted.is_clean() && report.unmatched.is_empty());
//! assert_eq!(report.posted_total(), money(7000));
//! assert_eq!(report.underpayments[0].shortfall, money(500));
//!
//! let state = ledger.state(&"PCN1001".into(), "2026-03-31".parse()?).unwrap();
//! assert_eq!((state.insurance_balance, state.patient_balance), (money(0), money(1000)));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## 6. Measure
//!
//! The ledger is the record every KPI is computed from.
//! [`kpi_report`](crate::kpi_report) grades the month against the default thresholds;
//! [`kpi::dashboard_html`](crate::kpi::dashboard_html) renders it as one self-contained page.
//!
//! ```
//! use medbill::claim::{EventKind, LedgerEvent};
//! use medbill::prelude::*;
//! use rust_decimal::Decimal;
//!
//! let day = |d: &str| d.parse::<chrono::NaiveDate>().unwrap();
//! let mut ledger = Ledger::new();
//! ledger.push(LedgerEvent::new("PCN1001", day("2026-03-02"), EventKind::Created {
//!     charge: Decimal::new(12500, 2), service_date: day("2026-03-02"), service_end: None,
//!     self_pay: false }).with_payer("87726"));
//! ledger.push(LedgerEvent::new("PCN1001", day("2026-03-03"),
//!     EventKind::Scrubbed { passed: true, manual_intervention: false }).with_payer("87726"));
//!
//! let report = medbill::kpi_report(&ledger, day("2026-03-31"));
//! let clean = report.clean_claims.rate().unwrap();
//! assert_eq!(clean.as_percent(0), Decimal::from(100));
//! assert!(report.to_text().contains("Revenue-cycle scorecard as of 2026-03-31"));
//! assert!(medbill::kpi::dashboard_html(&report).contains("<html"));
//! ```
//!
//! ## Where next
//!
//! - Load the CMS NCCI tables and the HCPCS file into
//!   [`scrub::ReferenceData`](crate::scrub::ReferenceData) for PTP, MUE, add-on and HCPCS
//!   edits; configure payer rule sets with [`scrub::ScrubConfig`](crate::scrub::ScrubConfig).
//! - Stream large X12 files with [`x12::Reader`](crate::x12::Reader); keep unmodelled
//!   segments round-tripping through the typed readers and writers.
//! - Store the ledger as JSON lines or CSV with [`claim::ledger`](crate::claim::ledger).
