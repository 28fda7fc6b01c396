//! The metrics, computed from a [`Book`]. Each one's formula, inclusions and exclusions are in
//! its docs; the crate docs compare them.

use std::collections::BTreeMap;

use chrono::{Months, NaiveDate};
use medbill_codes::DenialCategory;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::book::{
    Book, ClaimFacts, FirstOutcome, KeySpan, NONE, date_day, key_date, key_day, key_seconds,
};
use crate::calendar::BusinessCalendar;
use crate::period::Period;
use crate::ratio::{Ratio, mean};

/// First-pass acceptance at the clearinghouse / payer front end (999 and 277CA level).
///
/// - Denominator: claims whose first `submitted` event falls in the period and whose fate is
///   known: they were acknowledged (or adjudicated, or rejected) on or before the book's date.
/// - Numerator: those with no rejection (any acknowledgment source) between the first
///   submission and the first resubmission, and at least one acceptance or adjudication.
/// - Excluded, and counted in `pending`: claims first submitted in the period with no
///   acknowledgment or adjudication yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct FirstPassAcceptance {
    /// Claims first submitted in the period with a known outcome.
    pub submitted: u64,
    /// Of those, accepted on the first submission.
    pub accepted: u64,
    /// Claims first submitted in the period still awaiting any acknowledgment (excluded).
    pub pending: u64,
}

impl FirstPassAcceptance {
    /// `accepted / submitted`; `None` when nothing was submitted.
    pub fn rate(&self) -> Option<Ratio> {
        Ratio::of_counts(self.accepted, self.submitted)
    }

    fn count(&mut self, c: &ClaimFacts) {
        if c.first_pass_rejected {
            self.submitted += 1;
        } else if c.first_accept != NONE {
            self.submitted += 1;
            self.accepted += 1;
        } else {
            self.pending += 1;
        }
    }
}

/// Clean claim rate, HFMA MAP Key CL-1: claims that passed every edit with no manual
/// intervention over claims entered into the edit process.
///
/// - Denominator: claims whose first `scrubbed` event falls in the period.
/// - Numerator: those whose first scrub passed with `manual_intervention` false.
/// - Excluded: claims never scrubbed (a ledger without scrub events gives `None`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct CleanClaims {
    /// Claims first scrubbed in the period.
    pub scrubbed: u64,
    /// Of those, clean on the first pass through the edits.
    pub clean: u64,
}

impl CleanClaims {
    /// `clean / scrubbed`.
    pub fn rate(&self) -> Option<Ratio> {
        Ratio::of_counts(self.clean, self.scrubbed)
    }
}

/// First-pass resolution: claims paid in full on their first adjudication.
///
/// - Denominator: claims whose first adjudication (ignoring reversals) falls in the period.
/// - Numerator: those whose first adjudication's outcome is `paid` (amounts applied to the
///   patient's deductible or coinsurance count as paid in full: the payer resolved the claim).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct FirstPassResolution {
    /// Claims first adjudicated in the period.
    pub adjudicated: u64,
    /// Of those, paid in full at the first adjudication.
    pub paid_in_full: u64,
}

impl FirstPassResolution {
    /// `paid_in_full / adjudicated`.
    pub fn rate(&self) -> Option<Ratio> {
        Ratio::of_counts(self.paid_in_full, self.adjudicated)
    }
}

/// Initial denials over adjudications in the same period (the simple variant).
///
/// - Denominator: claims whose first adjudication falls in the period; by dollars, their
///   charges as adjudicated.
/// - Numerator: those whose first adjudication was denied in full (`denied`) or in part
///   (`partially_paid`, a denial adjustment on some line); by dollars, their charges (the
///   HFMA convention: the gross charges of denied claims).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct DenialCounts {
    /// Claims first adjudicated.
    pub adjudicated: u64,
    /// Of those, initially denied in full or in part.
    pub denied: u64,
    /// Of those, denied in full (zero pay).
    pub zero_pay: u64,
    /// Charges of the claims adjudicated.
    pub adjudicated_charges: Decimal,
    /// Charges of the claims denied.
    pub denied_charges: Decimal,
    /// Sum of the denial adjustments on first adjudications (the dollars actually denied).
    pub denied_amount: Decimal,
}

impl DenialCounts {
    /// `denied / adjudicated`.
    pub fn rate_by_count(&self) -> Option<Ratio> {
        Ratio::of_counts(self.denied, self.adjudicated)
    }

    /// `denied_charges / adjudicated_charges`.
    pub fn rate_by_dollars(&self) -> Option<Ratio> {
        Ratio::new(self.denied_charges, self.adjudicated_charges)
    }
}

/// Initial denial rate by the HFMA Claim Integrity Task Force definition.
///
/// - Numerator: claims initially denied (in full or in part) whose first adjudication falls in
///   the reporting month; by dollars, their gross charges.
/// - Denominator: the average monthly number of claims submitted (first submissions) over the
///   three calendar months before the reporting month; by dollars, the average of their
///   submitted charges. Using earlier months matches denials to the submissions that
///   produced them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HfmaDenialRate {
    /// The reporting month.
    pub month: Period,
    /// Claims initially denied in the month.
    pub denied: u64,
    /// Their gross charges.
    pub denied_charges: Decimal,
    /// The three prior months with the claims first submitted in each and their charges.
    pub prior_months: Vec<(Period, u64, Decimal)>,
}

impl HfmaDenialRate {
    /// `denied / (submitted over the 3 prior months / 3)`.
    pub fn rate_by_count(&self) -> Option<Ratio> {
        let n = self.prior_months.len() as u64;
        let total: u64 = self.prior_months.iter().map(|m| m.1).sum();
        Ratio::new(Decimal::from(self.denied * n), Decimal::from(total))
    }

    /// `denied charges / (submitted charges over the 3 prior months / 3)`.
    pub fn rate_by_dollars(&self) -> Option<Ratio> {
        let n = Decimal::from(self.prior_months.len() as u64);
        let total: Decimal = self.prior_months.iter().map(|m| m.2).sum();
        Ratio::new(self.denied_charges * n, total)
    }
}

/// Denials by one procedure code, counted on the lines of first adjudications.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct CodeDenials {
    /// Lines with this code adjudicated.
    pub lines: u64,
    /// Of those, lines with a denial adjustment (or on a claim denied in full).
    pub denied_lines: u64,
    /// The denial adjustments on those lines.
    pub denied_amount: Decimal,
}

impl CodeDenials {
    /// `denied_lines / lines`.
    pub fn rate(&self) -> Option<Ratio> {
        Ratio::of_counts(self.denied_lines, self.lines)
    }
}

/// Denials in a period broken down by CARC category, payer and procedure code.
///
/// Categories come from each denial adjustment's reason code
/// ([`DenialCategory`]); a claim with adjustments in two categories counts in both, so the
/// category counts can add up to more than the denied claims. A claim denied in full without
/// any denial adjustment counts under `other`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct DenialBreakdown {
    /// All first adjudications in the period.
    pub total: DenialCounts,
    /// Per category: claims with a denial in that category, and its denied dollars.
    pub by_category: BTreeMap<DenialCategory, (u64, Decimal)>,
    /// Per payer (the claim's primary payer).
    pub by_payer: BTreeMap<String, DenialCounts>,
    /// Per procedure code, from adjudicated lines.
    pub by_code: BTreeMap<String, CodeDenials>,
}

impl DenialBreakdown {
    /// Claims with a denial in `category` over all claims adjudicated in the period.
    pub fn category_rate(&self, category: DenialCategory) -> Option<Ratio> {
        let n = self.by_category.get(&category).map_or(0, |c| c.0);
        Ratio::of_counts(n, self.total.adjudicated)
    }
}

/// What a period collected and wrote off, and the collection rates MGMA and HFMA define on it.
///
/// Money is dated by its event: charges by charge entry (`created`), payments by posting
/// (`adjudicated`, `patient_paid`), refunds when refunded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Collections {
    /// Gross charges entered.
    pub charges: Decimal,
    /// Contractual adjustments (non-denial CO/OA/PI adjustments at adjudication, plus manual
    /// `adjusted` amounts).
    pub contractual: Decimal,
    /// Payments from payers (reversals negative).
    pub insurance_payments: Decimal,
    /// Payments from patients.
    pub patient_payments: Decimal,
    /// Patient payments taken at the point of service.
    pub point_of_service_payments: Decimal,
    /// Refunds to payers and patients.
    pub refunds: Decimal,
    /// Bad-debt write-offs.
    pub bad_debt: Decimal,
    /// Insurance write-offs for timely filing, administrative and other reasons (lost denials).
    pub denial_write_offs: Decimal,
    /// Other write-offs (charity, small balances).
    pub other_write_offs: Decimal,
}

impl Collections {
    /// Net payments: payer and patient payments less refunds.
    pub fn payments(&self) -> Decimal {
        self.insurance_payments + self.patient_payments - self.refunds
    }

    /// Net patient service revenue: charges less contractual adjustments.
    pub fn net_revenue(&self) -> Decimal {
        self.charges - self.contractual
    }

    /// Net (adjusted) collection rate, MGMA: payments / (charges - contractual adjustments).
    /// Write-offs (bad debt, denials, charity) stay in the denominator: they are revenue the
    /// practice could have collected. `None` when net revenue is zero or negative (a period
    /// whose contractual adjustments exceed its charges, e.g. one that only adjudicates earlier
    /// months' charges).
    pub fn net_collection_rate(&self) -> Option<Ratio> {
        Ratio::over_positive(self.payments(), self.net_revenue())
    }

    /// Gross collection rate, MGMA: payments / gross charges (`None` unless charges are positive).
    pub fn gross_collection_rate(&self) -> Option<Ratio> {
        Ratio::over_positive(self.payments(), self.charges)
    }

    /// Bad debt rate: bad-debt write-offs / gross charges (`None` unless charges are positive).
    pub fn bad_debt_rate(&self) -> Option<Ratio> {
        Ratio::over_positive(self.bad_debt, self.charges)
    }

    /// Denial write-off rate, HFMA MAP Key AR-6 style: denial write-offs / net patient
    /// service revenue (`None` unless net revenue is positive).
    pub fn denial_write_off_rate(&self) -> Option<Ratio> {
        Ratio::over_positive(self.denial_write_offs, self.net_revenue())
    }

    /// Point-of-service collection rate, HFMA MAP Key PA-7: point-of-service payments /
    /// all patient payments.
    pub fn point_of_service_rate(&self) -> Option<Ratio> {
        Ratio::new(self.point_of_service_payments, self.patient_payments)
    }

    /// Cost to collect: the cost of the billing operation over net payments (`None` unless
    /// net payments are positive).
    pub fn cost_to_collect(&self, cost: Decimal) -> Option<Ratio> {
        Ratio::over_positive(cost, self.payments())
    }
}

/// Whether credit balances (negative balances: money owed back) count in A/R.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CreditBalances {
    /// Leave them out: A/R is what is owed to the practice (the usual report).
    #[default]
    Exclude,
    /// Net them against debit balances.
    Include,
}

impl CreditBalances {
    fn keep(self, amount: Decimal) -> bool {
        self == CreditBalances::Include || amount > Decimal::ZERO
    }
}

/// Days in A/R by the average-daily-revenue method.
///
/// - A/R: the sum of claim balances (insurance and patient) at the end of the book's date,
///   credit balances per [`CreditBalances`].
/// - Gross days: A/R / (gross charges in the window / days in the window).
/// - Net days: A/R / ((charges - contractual adjustments) in the window / days in the window).
/// - The window defaults to the 90 days ending on the measurement date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct DaysInAr {
    /// Total A/R.
    pub ar: Decimal,
    /// The revenue window.
    pub window: Period,
    /// Gross charges in the window.
    pub gross_charges: Decimal,
    /// Net revenue (charges less contractual adjustments) in the window.
    pub net_revenue: Decimal,
}

impl DaysInAr {
    /// A/R over average daily gross charges.
    pub fn gross_days(&self) -> Option<Ratio> {
        Ratio::new(
            self.ar * Decimal::from(self.window.days()),
            self.gross_charges,
        )
    }

    /// A/R over average daily net revenue.
    pub fn net_days(&self) -> Option<Ratio> {
        Ratio::new(
            self.ar * Decimal::from(self.window.days()),
            self.net_revenue,
        )
    }
}

/// Days in A/R by the count-back method: starting from the newest month, take each month's
/// revenue off A/R and count its days, until A/R is used up; the last month counts the
/// fraction `remaining A/R / that month's revenue` of its days.
///
/// `months` are `(days in the month, revenue)`, **newest first**. `None` when A/R is larger
/// than all the months given can account for, or a month has no revenue before A/R is used up.
///
/// Worked example (the one the issue uses, months as calendar months ending in January):
/// A/R 2,000; revenue January 200, December 400, November 600, October 700, September 500.
/// January, December, November and October are used up whole (31 + 31 + 30 + 31 = 123 days,
/// 1,900 of A/R); 100 remains against September's 500, so 100 / 500 × 30 = 6 days: 129 days.
///
/// ```
/// use medbill_kpi::count_back_days;
/// use rust_decimal::Decimal;
/// let m = |days: i64, rev: i64| (days, Decimal::from(rev));
/// let months = [m(31, 200), m(31, 400), m(30, 600), m(31, 700), m(30, 500)];
/// let days = count_back_days(Decimal::from(2000), &months).unwrap();
/// assert_eq!(days.rounded(0), Decimal::from(129));
/// ```
pub fn count_back_days(ar: Decimal, months: &[(i64, Decimal)]) -> Option<Ratio> {
    if ar <= Decimal::ZERO {
        return Ratio::new(Decimal::ZERO, Decimal::ONE);
    }
    let mut remaining = ar;
    let mut days = 0i64;
    for &(month_days, revenue) in months {
        if revenue <= Decimal::ZERO {
            days += month_days;
            continue;
        }
        if remaining > revenue {
            remaining -= revenue;
            days += month_days;
        } else {
            // days + remaining / revenue * month_days, kept as one fraction.
            let num = Decimal::from(days) * revenue + remaining * Decimal::from(month_days);
            return Ratio::new(num, revenue);
        }
    }
    None
}

/// Which date an A/R balance is aged from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AgingAnchor {
    /// The (first) date of service; falls back to the claim's first event.
    #[default]
    DateOfService,
    /// The date of first submission; claims never submitted are `unbilled`.
    FirstSubmission,
}

/// The aging buckets' labels, in order.
pub const AGING_LABELS: [&str; 5] = ["0_30", "31_60", "61_90", "91_120", "over_120"];

/// A/R split by age: 0-30, 31-60, 61-90, 91-120 and over 120 days, plus balances not yet
/// billed (only when aging from first submission). The parts add up to `total()` exactly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct AgingBuckets {
    /// Amounts by bucket, in the order of [`AGING_LABELS`].
    pub buckets: [Decimal; 5],
    /// Balances of claims never submitted, when aging from first submission.
    pub unbilled: Decimal,
}

impl AgingBuckets {
    /// All of it.
    pub fn total(&self) -> Decimal {
        self.buckets.iter().copied().sum::<Decimal>() + self.unbilled
    }

    /// Billed A/R: the five buckets.
    pub fn billed(&self) -> Decimal {
        self.buckets.iter().copied().sum()
    }

    /// Share of billed A/R more than 90 days old (HFMA MAP Key AR-1 style).
    pub fn over_90(&self) -> Option<Ratio> {
        Ratio::new(self.buckets[3] + self.buckets[4], self.billed())
    }

    /// Share of billed A/R more than 120 days old.
    pub fn over_120(&self) -> Option<Ratio> {
        Ratio::new(self.buckets[4], self.billed())
    }

    /// The bucket index for an age in days (negative ages, future dates, count as current).
    pub fn bucket_of(age_days: i64) -> usize {
        match age_days {
            i64::MIN..=30 => 0,
            31..=60 => 1,
            61..=90 => 2,
            91..=120 => 3,
            _ => 4,
        }
    }

    fn add(&mut self, bucket: Option<usize>, amount: Decimal) {
        match bucket {
            Some(b) => self.buckets[b] += amount,
            None => self.unbilled += amount,
        }
    }
}

/// A/R aging as of the book's date: in total, by responsibility and by payer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Aging {
    /// The anchor used.
    pub anchor: AgingAnchor,
    /// Insurance and patient balances together.
    pub total: AgingBuckets,
    /// Insurance balances.
    pub insurance: AgingBuckets,
    /// Patient balances.
    pub patient: AgingBuckets,
    /// Insurance balances by the claim's primary payer.
    pub by_payer: BTreeMap<String, AgingBuckets>,
    /// Credit balances left out (zero when included).
    pub credits_excluded: Decimal,
}

/// Turnaround times: each a mean over the events that finished in the period.
///
/// - Charge lag: days from date of service to charge entry (`created`), claims entered in the
///   period.
/// - Coding turnaround: hours from `documentation_received` to `coded` (times of day used when
///   present, midnight otherwise), claims coded in the period.
/// - Submission lag: days from charge entry to first submission, claims first submitted in the
///   period (date of service to submission is charge lag plus submission lag).
/// - Resubmission turnaround: business days from the rejection or initial denial to the
///   corrected claim (`resubmitted`, not a void), claims resubmitted in the period.
/// - Negative intervals (data entered out of order) are excluded and counted in `excluded`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Turnaround {
    /// Mean charge lag in days.
    pub charge_lag_days: Option<Ratio>,
    /// Mean coding turnaround in hours.
    pub coding_hours: Option<Ratio>,
    /// Mean submission lag in days.
    pub submission_lag_days: Option<Ratio>,
    /// Mean resubmission turnaround in business days.
    pub resubmission_business_days: Option<Ratio>,
    /// Claims counted for each, in the order above.
    pub counts: [u64; 4],
    /// Intervals left out because they ended before they began.
    pub excluded: u64,
}

impl Book<'_> {
    fn claims_for(&self, payer: Option<&str>) -> Option<(Option<u16>, &[ClaimFacts])> {
        match payer {
            None => Some((None, self.facts())),
            Some(p) => Some((Some(self.payer_slot(p)?), self.facts())),
        }
    }

    /// First-pass acceptance for claims first submitted in `period`, all payers or one.
    pub fn first_pass_acceptance(
        &self,
        period: Period,
        payer: Option<&str>,
    ) -> FirstPassAcceptance {
        let span = KeySpan::of(period);
        let mut out = FirstPassAcceptance::default();
        if let Some((slot, claims)) = self.claims_for(payer) {
            for c in claims {
                if slot.is_none_or(|s| s == c.payer) && span.contains(c.first_submit) {
                    out.count(c);
                }
            }
        }
        out
    }

    /// Clean claim rate (CL-1) for claims first scrubbed in `period`.
    pub fn clean_claims(&self, period: Period, payer: Option<&str>) -> CleanClaims {
        let span = KeySpan::of(period);
        let mut out = CleanClaims::default();
        if let Some((slot, claims)) = self.claims_for(payer) {
            for c in claims {
                if slot.is_none_or(|s| s == c.payer) && span.contains(c.first_scrub) {
                    out.scrubbed += 1;
                    out.clean += u64::from(c.scrub_clean);
                }
            }
        }
        out
    }

    /// First-pass resolution for claims first adjudicated in `period`.
    pub fn first_pass_resolution(
        &self,
        period: Period,
        payer: Option<&str>,
    ) -> FirstPassResolution {
        let span = KeySpan::of(period);
        let mut out = FirstPassResolution::default();
        if let Some((slot, claims)) = self.claims_for(payer) {
            for c in claims {
                if slot.is_none_or(|s| s == c.payer) && span.contains(c.first_adj) {
                    out.adjudicated += 1;
                    out.paid_in_full += u64::from(c.first_outcome == Some(FirstOutcome::Paid));
                }
            }
        }
        out
    }

    fn denied_amount(&self, c: &ClaimFacts) -> Decimal {
        let mut sum = Decimal::ZERO;
        self.first_adj_denials(c, |_, amount| sum += amount);
        sum
    }

    /// Initial denials over adjudications in the same period.
    pub fn denials(&self, period: Period, payer: Option<&str>) -> DenialCounts {
        let span = KeySpan::of(period);
        let mut out = DenialCounts::default();
        if let Some((slot, claims)) = self.claims_for(payer) {
            for c in claims {
                if slot.is_none_or(|s| s == c.payer) && span.contains(c.first_adj) {
                    self.count_denial(&mut out, c);
                }
            }
        }
        out
    }

    fn count_denial(&self, out: &mut DenialCounts, c: &ClaimFacts) {
        out.adjudicated += 1;
        out.adjudicated_charges += c.first_adj_charge;
        if c.initially_denied() {
            out.denied += 1;
            out.denied_charges += c.first_adj_charge;
            out.denied_amount += self.denied_amount(c);
            out.zero_pay += u64::from(c.first_outcome == Some(FirstOutcome::Denied));
        }
    }

    /// The HFMA initial denial rate for the calendar month `month` starts in.
    pub fn hfma_denial_rate(&self, month: Period, payer: Option<&str>) -> HfmaDenialRate {
        let month = Period::month_of(month.start());
        let prior = month.months_before(3);
        let month_span = KeySpan::of(month);
        let prior_spans: Vec<KeySpan> = prior.iter().map(|p| KeySpan::of(*p)).collect();
        let mut out = HfmaDenialRate {
            month,
            denied: 0,
            denied_charges: Decimal::ZERO,
            prior_months: prior.iter().map(|p| (*p, 0, Decimal::ZERO)).collect(),
        };
        if let Some((slot, claims)) = self.claims_for(payer) {
            for c in claims {
                if slot.is_some_and(|s| s != c.payer) {
                    continue;
                }
                if month_span.contains(c.first_adj) && c.initially_denied() {
                    out.denied += 1;
                    out.denied_charges += c.first_adj_charge;
                }
                for (m, span) in out.prior_months.iter_mut().zip(&prior_spans) {
                    if span.contains(c.first_submit) {
                        m.1 += 1;
                        m.2 += c.first_submit_charge;
                    }
                }
            }
        }
        out
    }

    /// Denials in `period` by category, payer and code.
    pub fn denial_breakdown(&self, period: Period) -> DenialBreakdown {
        let span = KeySpan::of(period);
        let mut out = DenialBreakdown::default();
        let mut by_slot: BTreeMap<u16, DenialCounts> = BTreeMap::new();
        for c in self.facts() {
            if !span.contains(c.first_adj) {
                continue;
            }
            self.count_denial(&mut out.total, c);
            self.count_denial(by_slot.entry(c.payer).or_default(), c);
            if !self.has_first_adj_event(c) {
                continue;
            }
            let denied_in_full = c.first_outcome == Some(FirstOutcome::Denied);
            if c.initially_denied() {
                let mut seen: Vec<DenialCategory> = Vec::new();
                self.first_adj_denials(c, |cat, amount| {
                    let entry = out.by_category.entry(cat).or_default();
                    entry.1 += amount;
                    if !seen.contains(&cat) {
                        seen.push(cat);
                        entry.0 += 1;
                    }
                });
                if seen.is_empty() {
                    let entry = out.by_category.entry(DenialCategory::Other).or_default();
                    entry.0 += 1;
                    entry.1 += c.first_adj_charge;
                }
            }
            self.first_adj_lines(c, |code, denied| {
                let entry = out.by_code.entry(code.as_str().to_string()).or_default();
                entry.lines += 1;
                if denied > Decimal::ZERO || denied_in_full {
                    entry.denied_lines += 1;
                    entry.denied_amount += denied;
                }
            });
        }
        out.by_payer = by_slot
            .into_iter()
            .map(|(s, v)| (self.payer_name(s).to_string(), v))
            .collect();
        out
    }

    /// Money collected and written off in `period`.
    pub fn collections(&self, period: Period, payer: Option<&str>) -> Collections {
        let slot = match payer {
            None => None,
            Some(p) => match self.payer_slot(p) {
                Some(s) => Some(s),
                None => return Collections::default(),
            },
        };
        let t = self.money(period, slot);
        Collections {
            charges: t.charges,
            contractual: t.contractual,
            insurance_payments: t.insurance_paid,
            patient_payments: t.patient_paid,
            point_of_service_payments: t.pos_paid,
            refunds: t.refunds,
            bad_debt: t.bad_debt,
            denial_write_offs: t.denial_write_off,
            other_write_offs: t.other_write_off,
        }
    }

    /// Total A/R at the book's date.
    pub fn ar(&self, credits: CreditBalances) -> Decimal {
        let mut ar = Decimal::ZERO;
        for c in self.facts() {
            for amount in [c.insurance, c.patient] {
                if credits.keep(amount) {
                    ar += amount;
                }
            }
        }
        ar
    }

    /// Days in A/R with a revenue window of `window_days` ending on the book's date.
    pub fn days_in_ar(&self, window_days: u32, credits: CreditBalances) -> DaysInAr {
        let window = Period::days_ending(self.as_of, window_days);
        let t = self.money(window, None);
        DaysInAr {
            ar: self.ar(credits),
            window,
            gross_charges: t.charges,
            net_revenue: t.charges - t.contractual,
        }
    }

    /// Days in A/R by the count-back method over gross charges: the month to date of the
    /// book's date first (its elapsed days), then whole calendar months back, up to 36.
    pub fn days_in_ar_count_back(&self, credits: CreditBalances) -> Option<Ratio> {
        let mut months = Vec::new();
        let mtd = Period::month_to_date(self.as_of);
        months.push((mtd.days(), self.money(mtd, None).charges));
        let mut start = mtd.start();
        for _ in 0..36 {
            let Some(prev) = start.checked_sub_months(Months::new(1)) else {
                break;
            };
            let m = Period::month_of(prev);
            months.push((m.days(), self.money(m, None).charges));
            start = prev;
        }
        count_back_days(self.ar(credits), &months)
    }

    /// A/R aging at the book's date.
    pub fn aging(&self, anchor: AgingAnchor, credits: CreditBalances) -> Aging {
        let as_of_day = date_day(self.as_of);
        let mut total = AgingBuckets::default();
        let mut insurance = AgingBuckets::default();
        let mut patient = AgingBuckets::default();
        let mut by_slot: BTreeMap<u16, AgingBuckets> = BTreeMap::new();
        let mut credits_excluded = Decimal::ZERO;
        for c in self.facts() {
            let age = match anchor {
                AgingAnchor::DateOfService => {
                    Some((self.as_of - c.service_date.unwrap_or(c.first_event)).num_days())
                }
                AgingAnchor::FirstSubmission => {
                    (c.first_submit != NONE).then(|| as_of_day - key_day(c.first_submit))
                }
            };
            let bucket = age.map(AgingBuckets::bucket_of);
            if credits.keep(c.insurance) {
                if !c.insurance.is_zero() {
                    insurance.add(bucket, c.insurance);
                    total.add(bucket, c.insurance);
                    by_slot.entry(c.payer).or_default().add(bucket, c.insurance);
                }
            } else {
                credits_excluded += c.insurance;
            }
            if credits.keep(c.patient) {
                if !c.patient.is_zero() {
                    patient.add(bucket, c.patient);
                    total.add(bucket, c.patient);
                }
            } else {
                credits_excluded += c.patient;
            }
        }
        Aging {
            anchor,
            total,
            insurance,
            patient,
            by_payer: by_slot
                .into_iter()
                .map(|(s, v)| (self.payer_name(s).to_string(), v))
                .collect(),
            credits_excluded,
        }
    }

    /// Turnaround times for events that finished in `period`.
    pub fn turnaround(&self, period: Period, calendar: &BusinessCalendar) -> Turnaround {
        let span = KeySpan::of(period);
        let mut sums = [Decimal::ZERO; 4];
        let mut counts = [0u64; 4];
        let mut excluded = 0u64;
        let mut add = |i: usize, v: i64| {
            if v < 0 {
                excluded += 1;
            } else {
                sums[i] += Decimal::from(v);
                counts[i] += 1;
            }
        };
        for c in self.facts() {
            if span.contains(c.created)
                && let Some(dos) = c.service_date
            {
                add(0, key_day(c.created) - date_day(dos));
            }
            if span.contains(c.coded) && c.documentation != NONE {
                add(1, key_seconds(c.coded) - key_seconds(c.documentation));
            }
            if span.contains(c.first_submit) && c.created != NONE {
                add(2, key_day(c.first_submit) - key_day(c.created));
            }
            if span.contains(c.resubmit_after_problem) && c.problem != NONE {
                add(
                    3,
                    calendar.business_days_between(
                        key_date(c.problem),
                        key_date(c.resubmit_after_problem),
                    ),
                );
            }
        }
        Turnaround {
            charge_lag_days: mean(sums[0], counts[0]),
            coding_hours: Ratio::new(sums[1], Decimal::from(counts[1] * 3600)),
            submission_lag_days: mean(sums[2], counts[2]),
            resubmission_business_days: mean(sums[3], counts[3]),
            counts,
            excluded,
        }
    }

    /// Month-by-month metrics from the month of `first` to the month of `last`, in total and
    /// by payer, computed in one pass over the claims. Resubmission turnaround counts
    /// business days in `calendar`.
    pub fn trends(
        &self,
        first: NaiveDate,
        last: NaiveDate,
        ar_window_days: u32,
        calendar: &BusinessCalendar,
    ) -> Trends {
        let shown = match Period::new(first, last.max(first)) {
            Ok(p) => Period::new(p.start(), p.end().succ_opt().unwrap_or(p.end()))
                .map(|p| p.months())
                .unwrap_or_default(),
            Err(_) => Vec::new(),
        };
        let Some(first_shown) = shown.first().copied() else {
            return Trends::default();
        };
        // Three more months before the first shown, for the HFMA denominators.
        let mut months = first_shown.months_before(3);
        let lead = months.len();
        months.extend(shown.iter().copied());
        let nslots = self.payers.len() + 1;
        let nm = months.len();
        let mut counts = vec![MonthCounts::default(); nslots * nm];
        // Month boundaries as key days: consecutive months, so month `m` is
        // `bounds[m]..bounds[m + 1]`.
        let bounds: Vec<i64> = months
            .iter()
            .map(|m| date_day(m.start()))
            .chain(months.last().map(|m| date_day(m.end())))
            .collect();
        let month_index = |key: u64| -> Option<usize> {
            if key == NONE {
                return None;
            }
            let day = key_day(key);
            let after = bounds.partition_point(|&b| b <= day);
            (after >= 1 && after <= nm).then(|| after - 1)
        };
        for c in self.facts() {
            let base = c.payer as usize * nm;
            if let Some(m) = month_index(c.first_submit) {
                let mc = &mut counts[base + m];
                mc.fpa.count(c);
                mc.submitted += 1;
                mc.submitted_charges += c.first_submit_charge;
            }
            if let Some(m) = month_index(c.first_scrub) {
                let mc = &mut counts[base + m];
                mc.clean.scrubbed += 1;
                mc.clean.clean += u64::from(c.scrub_clean);
            }
            if let Some(m) = month_index(c.first_adj) {
                let mc = &mut counts[base + m];
                mc.adjudicated += 1;
                mc.paid_in_full += u64::from(c.first_outcome == Some(FirstOutcome::Paid));
                mc.denied += u64::from(c.initially_denied());
            }
            if let Some(m) = month_index(c.coded)
                && c.documentation != NONE
            {
                let secs = key_seconds(c.coded) - key_seconds(c.documentation);
                if secs >= 0 {
                    let mc = &mut counts[base + m];
                    mc.coding_seconds += secs;
                    mc.coded += 1;
                }
            }
            if let Some(m) = month_index(c.resubmit_after_problem)
                && c.problem != NONE
            {
                let days = calendar
                    .business_days_between(key_date(c.problem), key_date(c.resubmit_after_problem));
                if days >= 0 {
                    let mc = &mut counts[base + m];
                    mc.resubmission_days += days;
                    mc.resubmitted += 1;
                }
            }
        }
        let month_counts = |slot: Option<u16>, i: usize| -> MonthCounts {
            match slot {
                Some(s) => counts[s as usize * nm + i],
                None => {
                    let mut mc = MonthCounts::default();
                    for s in 0..nslots {
                        mc.add(&counts[s * nm + i]);
                    }
                    mc
                }
            }
        };
        let point = |slot: Option<u16>, i: usize| -> MonthMetrics {
            let m = months[i];
            let mc = month_counts(slot, i);
            let prior: Vec<MonthCounts> = (i.saturating_sub(3)..i)
                .map(|k| month_counts(slot, k))
                .collect();
            let hfma = HfmaDenialRate {
                month: m,
                denied: mc.denied,
                denied_charges: Decimal::ZERO,
                prior_months: prior
                    .iter()
                    .zip(&months[i.saturating_sub(3)..i])
                    .map(|(p, period)| (*period, p.submitted, p.submitted_charges))
                    .collect(),
            };
            let t = self.money(m, slot);
            let col = Collections {
                charges: t.charges,
                contractual: t.contractual,
                insurance_payments: t.insurance_paid,
                patient_payments: t.patient_paid,
                point_of_service_payments: t.pos_paid,
                refunds: t.refunds,
                bad_debt: t.bad_debt,
                denial_write_offs: t.denial_write_off,
                other_write_offs: t.other_write_off,
            };
            let month_end = m.last_day().unwrap_or(m.start()).min(self.as_of);
            let window = Period::days_ending(month_end, ar_window_days);
            let w = self.money(window, slot);
            let ar = self.ar_at(month_end, slot);
            MonthMetrics {
                month: m,
                first_pass_acceptance: mc.fpa.rate(),
                clean_claim_rate: mc.clean.rate(),
                first_pass_resolution: Ratio::of_counts(mc.paid_in_full, mc.adjudicated),
                denial_rate: Ratio::of_counts(mc.denied, mc.adjudicated),
                hfma_denial_rate: hfma.rate_by_count(),
                net_collection_rate: col.net_collection_rate(),
                gross_collection_rate: col.gross_collection_rate(),
                bad_debt_rate: col.bad_debt_rate(),
                days_in_ar: Ratio::new(ar * Decimal::from(window.days()), w.charges),
                coding_hours: Ratio::new(
                    Decimal::from(mc.coding_seconds),
                    Decimal::from(mc.coded * 3600),
                ),
                resubmission_business_days: mean(
                    Decimal::from(mc.resubmission_days),
                    mc.resubmitted,
                ),
                charges: col.charges,
                payments: col.payments(),
                ar,
            }
        };
        let total = (lead..nm).map(|i| point(None, i)).collect();
        let by_payer = (0..self.payers.len())
            .map(|s| {
                let series = (lead..nm).map(|i| point(Some(s as u16), i)).collect();
                (self.payers[s].clone(), series)
            })
            .collect();
        Trends { total, by_payer }
    }
}

#[derive(Debug, Clone, Copy, Default)]
struct MonthCounts {
    fpa: FirstPassAcceptance,
    clean: CleanClaims,
    submitted: u64,
    submitted_charges: Decimal,
    adjudicated: u64,
    paid_in_full: u64,
    denied: u64,
    coding_seconds: i64,
    coded: u64,
    resubmission_days: i64,
    resubmitted: u64,
}

impl MonthCounts {
    fn add(&mut self, o: &MonthCounts) {
        self.fpa.submitted += o.fpa.submitted;
        self.fpa.accepted += o.fpa.accepted;
        self.fpa.pending += o.fpa.pending;
        self.clean.scrubbed += o.clean.scrubbed;
        self.clean.clean += o.clean.clean;
        self.submitted += o.submitted;
        self.submitted_charges += o.submitted_charges;
        self.adjudicated += o.adjudicated;
        self.paid_in_full += o.paid_in_full;
        self.denied += o.denied;
        self.coding_seconds += o.coding_seconds;
        self.coded += o.coded;
        self.resubmission_days += o.resubmission_days;
        self.resubmitted += o.resubmitted;
    }
}

/// One month of a trend.
///
/// Days in A/R here uses A/R at the month end (or the book's date, if earlier) computed from
/// the daily A/R changes, so credit balances are netted; the revenue window is the
/// configured number of days ending that day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct MonthMetrics {
    /// The month.
    pub month: Period,
    /// First-pass acceptance of claims first submitted in the month.
    pub first_pass_acceptance: Option<Ratio>,
    /// Clean claim rate of claims first scrubbed in the month.
    pub clean_claim_rate: Option<Ratio>,
    /// First-pass resolution of claims first adjudicated in the month.
    pub first_pass_resolution: Option<Ratio>,
    /// Initial denials over first adjudications in the month (same-period variant).
    pub denial_rate: Option<Ratio>,
    /// HFMA initial denial rate by count for the month.
    pub hfma_denial_rate: Option<Ratio>,
    /// Net collection rate of the month's money.
    pub net_collection_rate: Option<Ratio>,
    /// Gross collection rate of the month's money.
    pub gross_collection_rate: Option<Ratio>,
    /// Bad-debt write-offs over gross charges in the month.
    pub bad_debt_rate: Option<Ratio>,
    /// Days in A/R at the month end over average daily gross charges (as the scorecard).
    pub days_in_ar: Option<Ratio>,
    /// Mean coding turnaround (hours) of claims coded in the month.
    pub coding_hours: Option<Ratio>,
    /// Mean resubmission turnaround (business days) of corrections sent in the month.
    pub resubmission_business_days: Option<Ratio>,
    /// Gross charges entered in the month.
    pub charges: Decimal,
    /// Net payments in the month.
    pub payments: Decimal,
    /// A/R at the month end.
    pub ar: Decimal,
}

/// Each metric per month, in total and by payer.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Trends {
    /// All payers, oldest month first.
    pub total: Vec<MonthMetrics>,
    /// Per payer, the same months.
    pub by_payer: BTreeMap<String, Vec<MonthMetrics>>,
}
