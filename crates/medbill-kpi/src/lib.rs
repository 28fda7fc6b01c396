//! # medbill-kpi
//!
//! The revenue-cycle metrics a practice and its billing vendor are judged by, computed
//! exactly, by their published definitions, from the claim ledger of
//! [`medbill_claim::ledger`].
//!
//! ```
//! use medbill_kpi::{Book, Period, ReportOptions, KpiReport, synth};
//! // A synthetic ledger (made-up claims, no patient data); read a real one with
//! // medbill_claim::ledger::read_json_lines.
//! let events = synth::generate(&synth::SynthConfig { claims: 3_000, ..Default::default() });
//! let as_of = "2026-03-31".parse().unwrap();
//! let book = Book::new(&events, as_of); // one pass over the events
//! let march = Period::month(2026, 3).unwrap();
//! let fpa = book.first_pass_acceptance(march, None);
//! println!("first-pass acceptance {}%", fpa.rate().unwrap().as_percent(1));
//! let report = KpiReport::from_book(&book, &ReportOptions::default());
//! for line in &report.scorecard {
//!     println!("{} {:?} {}", line.metric, line.value, line.status.as_str());
//! }
//! ```
//!
//! ## How it works
//!
//! [`Book::new`] reads the events once, indexing claims densely, and keeps per claim only
//! what the metrics need (first submission, first acknowledgment outcome, first
//! adjudication, balances...) plus money totals per day and payer. Every metric then reads
//! that compact state. Events after the as-of date are ignored; event order does not matter.
//!
//! ## Large ledgers: the event store
//!
//! A [`LedgerEvent`](medbill_claim::LedgerEvent) is a rich, self-describing record (about
//! 216 bytes plus a heap-allocated claim id and, for adjudications, nested vectors). For a
//! ledger of millions of events that is measured again and again, or kept in memory while
//! events arrive, keep an [`EventStore`] instead: each event in a 32-byte row (claim and
//! payer ids interned once, kind and flags in bytes, the date as a day number, money as an
//! exact packed mantissa and scale), adjudication details in flat side arrays, and the
//! events grouped by claim. It takes about 49 bytes per event, and [`Book::from_store`] /
//! [`KpiReport::compute_store`] read it much faster than [`Book::new`] reads events: over
//! 10 million synthetic events the claim book takes 0.8 s instead of 3.3 s and the full
//! report 1.5 s instead of 3.6 s (CPU, single-threaded, `benches/kpi.rs`). The results are
//! the same, digit for digit and scale for scale.
//!
//! ```
//! use medbill_kpi::{EventStore, KpiReport, ReportOptions, synth};
//! let events = synth::generate(&synth::SynthConfig { claims: 1_000, ..Default::default() });
//! // Or EventStore::read_json_lines(reader) for a ledger file, or push events as they come.
//! let mut store = EventStore::from_events(&events[..5_000]).unwrap();
//! store.extend(&events[5_000..]).unwrap();
//! let as_of = "2026-03-31".parse().unwrap();
//! let options = ReportOptions::default();
//! let report = KpiReport::compute_store(&store, as_of, &options);
//! assert_eq!(report, KpiReport::compute(&events, as_of, &options));
//! ```
//!
//! Money is [`rust_decimal::Decimal`]. Every rate is a [`Ratio`] that keeps numerator and
//! denominator, so it is exact until presented; [`Ratio::rounded`] rounds half away from
//! zero, from the exact fraction. A zero denominator gives `None`, never a panic or a zero.
//!
//! ## The metrics
//!
//! | metric | formula | included | excluded | source |
//! |---|---|---|---|---|
//! | first-pass acceptance ([`FirstPassAcceptance`]) | claims accepted on first submission / claims first submitted in the period | first `submitted` in the period; accepted = no rejection (999, 277CA, clearinghouse) before the first resubmission, and an acceptance or adjudication | claims with no acknowledgment yet (`pending`) | clearinghouse practice (999/277CA level) |
//! | clean claim rate ([`CleanClaims`]) | claims passing all edits with no manual intervention / claims entered into edits | first `scrubbed` in the period | claims never scrubbed | HFMA MAP Key CL-1 |
//! | first-pass resolution ([`FirstPassResolution`]) | claims paid in full at first adjudication / claims first adjudicated in the period | first non-reversal `adjudicated`; patient responsibility counts as paid | reversals | industry usage |
//! | initial denial rate, HFMA ([`HfmaDenialRate`]) | claims initially denied in the month / average monthly claims submitted in the 3 months before; by dollars, their gross charges | denials in full or in part at first adjudication | later denials of a resubmitted claim | HFMA Claim Integrity Task Force |
//! | initial denial rate, same period ([`DenialCounts`]) | initially denied / first adjudicated in the period | as above | | common vendor variant |
//! | denials by CARC category, payer, code ([`DenialBreakdown`]) | per group, as above; lines for codes | category from the CARC ([`medbill_codes::DenialCategory`]) | contractual and patient-responsibility adjustments | |
//! | denial write-off rate | insurance write-offs (timely filing, administrative, other) / (charges - contractual) | `written_off` in the period | bad debt, charity, small balances | HFMA MAP Key AR-6 style |
//! | days in A/R ([`DaysInAr`]) | A/R / (charges in window / days in window); net uses charges less contractual adjustments | balances at the as-of date; window default 90 days ending then | credit balances unless [`CreditBalances::Include`] | MGMA |
//! | days in A/R, count-back ([`count_back_days`]) | whole newest months of charges taken off A/R, plus a fraction of the last | calendar days of each month | | finance practice |
//! | A/R aging ([`Aging`]) | balances in 0-30, 31-60, 61-90, 91-120, over 120 days | from date of service or first submission ([`AgingAnchor`]); by payer and by responsibility | unsubmitted claims go to `unbilled` when aging from submission | HFMA MAP Keys AR-1, AR-3 style |
//! | net (adjusted) collection rate ([`Collections`]) | payments / (charges - contractual adjustments) | payer and patient payments less refunds, in the period | | MGMA |
//! | gross collection rate | payments / charges | | | MGMA |
//! | cost to collect | cost of billing / payments | | | caller supplies the cost (staff, software, clearinghouse, vendor fees) |
//! | bad debt rate | bad-debt write-offs / gross charges | | | |
//! | point-of-service collection rate | point-of-service patient payments / all patient payments | | | HFMA MAP Key PA-7 |
//! | charge lag, coding turnaround, submission lag, resubmission turnaround ([`Turnaround`]) | means of: service to charge entry (days); documentation to coded (hours); charge entry to first submission (days); rejection or denial to corrected claim (business days, [`BusinessCalendar`]) | intervals ending in the period | negative intervals (counted) | |
//!
//! ### Three "first pass" numbers, kept apart
//!
//! Vendors quote a "first-pass rate" meaning any of three things, which is why a practice
//! should ask how it is calculated:
//!
//! - **Clean claim rate** looks *before* submission: did the claim pass the practice's own
//!   edits (the scrubber) without anyone touching it?
//! - **First-pass acceptance** looks at the *front door*: did the clearinghouse and payer
//!   accept the claim into adjudication the first time (999 and 277CA), or reject it for
//!   correction? It says nothing about payment.
//! - **First-pass resolution** looks at the *outcome*: was the claim paid in full on its first
//!   adjudication, without denial, appeal or resubmission?
//!
//! A vendor can show 99% first-pass acceptance and 85% first-pass resolution on the same
//! claims.
//!
//! ## Scorecard, pricing, trends, reports
//!
//! [`Thresholds`] grades metrics (target, warning, direction; JSON-configurable) into
//! [`Status`]; [`compare_pricing`] prices percentage-of-collections, per-claim and flat
//! monthly offers against a period's volume, with their effective cost to collect;
//! [`Book::trends`] gives each metric per month, in total and by payer. [`KpiReport`] puts it
//! all together with a stable JSON [`Summary`] and [`dashboard_html`] renders a
//! self-contained HTML dashboard. The [`synth`] module generates seeded synthetic ledgers for
//! tests, benchmarks and examples.

mod book;
mod calendar;
mod error;
mod html;
mod intern;
mod metrics;
mod period;
mod ratio;
mod report;
mod scorecard;
mod store;
mod store_book;
mod store_json;
pub mod synth;

pub use book::{Book, MAX_AMOUNT};
pub use calendar::{BusinessCalendar, us_federal_holidays};
pub use error::KpiError;
pub use html::dashboard_html;
pub use metrics::{
    AGING_LABELS, Aging, AgingAnchor, AgingBuckets, CleanClaims, CodeDenials, Collections,
    CreditBalances, DaysInAr, DenialBreakdown, DenialCounts, FirstPassAcceptance,
    FirstPassResolution, HfmaDenialRate, MonthMetrics, Trends, Turnaround, count_back_days,
};
pub use period::Period;
pub use ratio::Ratio;
pub use report::{AgingSummary, KpiReport, ReportOptions, Summary, SummaryMetrics};
pub use scorecard::{
    BillingVolume, Direction, MetricKey, PricingModel, PricingQuote, ScoreLine, Status, Threshold,
    Thresholds, compare_pricing,
};
pub use store::{EventStore, MAX_STORE_PAYERS, MAX_STORE_SCALE};
