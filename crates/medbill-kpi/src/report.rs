//! The full report: every metric as of a date, graded, with trends; and its JSON summary.

use std::fmt::Write as _;

use chrono::{Months, NaiveDate};
use medbill_claim::LedgerEvent;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

use crate::book::Book;
use crate::calendar::BusinessCalendar;
use crate::metrics::{
    AGING_LABELS, Aging, AgingAnchor, CleanClaims, Collections, CreditBalances, DaysInAr,
    DenialBreakdown, FirstPassAcceptance, FirstPassResolution, HfmaDenialRate, Trends, Turnaround,
};
use crate::period::Period;
use crate::ratio::Ratio;
use crate::scorecard::{MetricKey, ScoreLine, Status, Thresholds};
use crate::store::EventStore;

/// How to compute a [`KpiReport`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportOptions {
    /// The reporting period; `None` is the month to date of the as-of date (run the report
    /// as of a month end for a full month).
    pub period: Option<Period>,
    /// Days in the average-daily-revenue window for days in A/R (default 90).
    pub ar_window_days: u32,
    /// Where aging starts (default date of service).
    pub aging_anchor: AgingAnchor,
    /// Whether credit balances count in A/R (default excluded).
    pub credits: CreditBalances,
    /// Business days for resubmission turnaround (default US federal holidays).
    pub calendar: BusinessCalendar,
    /// The scorecard's threshold table.
    pub thresholds: Thresholds,
    /// Months in the trends, ending with the as-of month (default 12).
    pub trend_months: u32,
}

impl Default for ReportOptions {
    fn default() -> Self {
        ReportOptions {
            period: None,
            ar_window_days: 90,
            aging_anchor: AgingAnchor::DateOfService,
            credits: CreditBalances::Exclude,
            calendar: BusinessCalendar::us_federal(),
            thresholds: Thresholds::default(),
            trend_months: 12,
        }
    }
}

/// Every metric as of a date, graded against the thresholds, with monthly trends.
///
/// ```
/// use medbill_kpi::{KpiReport, ReportOptions, synth};
/// let events = synth::generate(&synth::SynthConfig { claims: 2_000, ..Default::default() });
/// let report = KpiReport::compute(&events, "2026-03-31".parse().unwrap(), &ReportOptions::default());
/// let rate = report.first_pass_acceptance.rate().unwrap();
/// assert!(rate.value() > "0.8".parse().unwrap());
/// let json = serde_json::to_string(&report.summary()).unwrap();
/// assert!(json.starts_with(r#"{"as_of":"2026-03-31","metrics":{"first_pass_acceptance_rate":"0."#));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KpiReport {
    /// The measurement date.
    pub as_of: NaiveDate,
    /// The reporting period.
    pub period: Period,
    /// First-pass acceptance in the period.
    pub first_pass_acceptance: FirstPassAcceptance,
    /// Clean claims in the period.
    pub clean_claims: CleanClaims,
    /// First-pass resolution in the period.
    pub first_pass_resolution: FirstPassResolution,
    /// HFMA initial denial rate for the month the period starts in.
    pub initial_denials: HfmaDenialRate,
    /// Denials in the period (same-period variant) with breakdowns.
    pub denials: DenialBreakdown,
    /// Money in the period.
    pub collections: Collections,
    /// Days in A/R (average daily revenue).
    pub days_in_ar: DaysInAr,
    /// Days in A/R by the count-back method.
    pub days_in_ar_count_back: Option<Ratio>,
    /// A/R aging.
    pub aging: Aging,
    /// Turnaround times in the period.
    pub turnaround: Turnaround,
    /// The graded metrics.
    pub scorecard: Vec<ScoreLine>,
    /// Monthly trends.
    pub trends: Trends,
}

impl KpiReport {
    /// Builds a [`Book`] of the events as of `as_of` and computes the report.
    pub fn compute(events: &[LedgerEvent], as_of: NaiveDate, options: &ReportOptions) -> Self {
        KpiReport::from_book(&Book::new(events, as_of), options)
    }

    /// Builds a [`Book`] of the store's events as of `as_of` ([`Book::from_store`]) and
    /// computes the report: the same report as [`KpiReport::compute`] over the events the
    /// store holds, several times faster.
    ///
    /// ```
    /// use medbill_kpi::{EventStore, KpiReport, ReportOptions, synth};
    /// let store = synth::generate_store(&synth::SynthConfig { claims: 2_000, ..Default::default() });
    /// let report = KpiReport::compute_store(&store, "2026-03-31".parse().unwrap(), &ReportOptions::default());
    /// assert!(report.first_pass_acceptance.rate().is_some());
    /// ```
    pub fn compute_store(store: &EventStore, as_of: NaiveDate, options: &ReportOptions) -> Self {
        KpiReport::from_book(&Book::from_store(store, as_of), options)
    }

    /// Computes the report from a book.
    pub fn from_book(book: &Book<'_>, options: &ReportOptions) -> Self {
        let as_of = book.as_of();
        let period = options
            .period
            .unwrap_or_else(|| Period::month_to_date(as_of));
        let first_pass_acceptance = book.first_pass_acceptance(period, None);
        let clean_claims = book.clean_claims(period, None);
        let first_pass_resolution = book.first_pass_resolution(period, None);
        let initial_denials = book.hfma_denial_rate(period, None);
        let denials = book.denial_breakdown(period);
        let collections = book.collections(period, None);
        let days_in_ar = book.days_in_ar(options.ar_window_days.max(1), options.credits);
        let days_in_ar_count_back = book.days_in_ar_count_back(options.credits);
        let aging = book.aging(options.aging_anchor, options.credits);
        let turnaround = book.turnaround(period, &options.calendar);
        let t = &options.thresholds;
        let scorecard = vec![
            t.score(
                MetricKey::FirstPassAcceptanceRate,
                first_pass_acceptance.rate(),
            ),
            t.score(MetricKey::CleanClaimRate, clean_claims.rate()),
            t.score(
                MetricKey::InitialDenialRate,
                initial_denials.rate_by_count(),
            ),
            t.score(MetricKey::DaysInAr, days_in_ar.gross_days()),
            t.score(
                MetricKey::NetCollectionRate,
                collections.net_collection_rate(),
            ),
            t.score(
                MetricKey::GrossCollectionRate,
                collections.gross_collection_rate(),
            ),
            t.score(MetricKey::CodingTurnaroundHours, turnaround.coding_hours),
            t.score(
                MetricKey::ResubmissionTurnaroundBusinessDays,
                turnaround.resubmission_business_days,
            ),
        ];
        let months = options.trend_months.clamp(1, 120);
        let first = Period::month_of(as_of)
            .start()
            .checked_sub_months(Months::new(months - 1))
            .unwrap_or(as_of);
        let trends = book.trends(
            first,
            as_of,
            options.ar_window_days.max(1),
            &options.calendar,
        );
        KpiReport {
            as_of,
            period,
            first_pass_acceptance,
            clean_claims,
            first_pass_resolution,
            initial_denials,
            denials,
            collections,
            days_in_ar,
            days_in_ar_count_back,
            aging,
            turnaround,
            scorecard,
            trends,
        }
    }

    /// The summary in the stable JSON shape the `kpi_report` example prints.
    pub fn summary(&self) -> Summary {
        let ratio = |r: Option<Ratio>| r.map(|r| r.rounded(4).to_string());
        let one = |r: Option<Ratio>| r.map(|r| r.rounded(1).to_string());
        let money = |d: Decimal| {
            let mut d = d.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
            d.rescale(2);
            d.to_string()
        };
        let b = &self.aging.total;
        Summary {
            as_of: self.as_of,
            metrics: SummaryMetrics {
                first_pass_acceptance_rate: ratio(self.first_pass_acceptance.rate()),
                clean_claim_rate: ratio(self.clean_claims.rate()),
                initial_denial_rate: ratio(self.initial_denials.rate_by_count()),
                days_in_ar: one(self.days_in_ar.gross_days()),
                net_collection_rate: ratio(self.collections.net_collection_rate()),
                gross_collection_rate: ratio(self.collections.gross_collection_rate()),
                ar_aging: AgingSummary {
                    d0_30: money(b.buckets[0]),
                    d31_60: money(b.buckets[1]),
                    d61_90: money(b.buckets[2]),
                    d91_120: money(b.buckets[3]),
                    over_120: money(b.buckets[4]),
                },
                coding_turnaround_hours: one(self.turnaround.coding_hours),
                resubmission_turnaround_business_days: one(self
                    .turnaround
                    .resubmission_business_days),
                first_pass_resolution_rate: ratio(self.first_pass_resolution.rate()),
                initial_denial_rate_dollars: ratio(self.initial_denials.rate_by_dollars()),
                denial_rate_same_period: ratio(self.denials.total.rate_by_count()),
                net_days_in_ar: one(self.days_in_ar.net_days()),
                days_in_ar_count_back: one(self.days_in_ar_count_back),
                ar_total: money(b.total()),
                ar_over_90: ratio(b.over_90()),
                ar_over_120: ratio(b.over_120()),
                bad_debt_rate: ratio(self.collections.bad_debt_rate()),
                denial_write_off_rate: ratio(self.collections.denial_write_off_rate()),
                point_of_service_collection_rate: ratio(self.collections.point_of_service_rate()),
                charge_lag_days: one(self.turnaround.charge_lag_days),
                submission_lag_days: one(self.turnaround.submission_lag_days),
            },
            scorecard: self
                .scorecard
                .iter()
                .filter(|l| l.status != Status::NotGraded)
                .copied()
                .collect(),
        }
    }

    /// A plain-text scorecard for a terminal.
    pub fn to_text(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(
            s,
            "Revenue-cycle scorecard as of {} (period {})",
            self.as_of, self.period
        );
        let _ = writeln!(s);
        let _ = writeln!(
            s,
            "{:<32} {:>10}  {:<9} target / warning",
            "metric", "value", "status"
        );
        for line in &self.scorecard {
            let value = match line.value {
                Some(v) if line.metric.is_ratio() => format!("{}%", pct(v)),
                Some(v) => v.to_string(),
                None => "-".into(),
            };
            let bounds = line.threshold.map(|row| {
                let f = |d: Decimal| {
                    if line.metric.is_ratio() {
                        format!("{}%", pct(d))
                    } else {
                        d.to_string()
                    }
                };
                format!("{} / {}", f(row.target), f(row.warning))
            });
            let bounds = bounds.unwrap_or_default();
            let _ = writeln!(
                s,
                "{:<32} {:>10}  {:<9} {}",
                line.metric.label(),
                value,
                line.status.as_str(),
                bounds
            );
        }
        let _ = writeln!(s);
        let a = &self.aging.total;
        let _ = writeln!(s, "A/R {} by age:", a.total().round_dp(2));
        for (label, amount) in AGING_LABELS.iter().zip(a.buckets) {
            let _ = writeln!(s, "  {:<9} {:>14}", label, amount.round_dp(2));
        }
        if !a.unbilled.is_zero() {
            let _ = writeln!(s, "  {:<9} {:>14}", "unbilled", a.unbilled.round_dp(2));
        }
        let c = &self.collections;
        let _ = writeln!(s);
        let _ = writeln!(
            s,
            "Period charges {}, payments {}, contractual {}, bad debt {}",
            c.charges.round_dp(2),
            c.payments().round_dp(2),
            c.contractual.round_dp(2),
            c.bad_debt.round_dp(2)
        );
        s
    }
}

fn pct(ratio: Decimal) -> Decimal {
    (ratio * Decimal::ONE_HUNDRED)
        .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
        .normalize()
}

/// The JSON summary: `{"as_of":..., "metrics":{...}, "scorecard":[...]}`. Values are decimal
/// strings (ratios to 4 places, days and hours to 1, money to 2), `null` when undefined.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    /// The measurement date.
    pub as_of: NaiveDate,
    /// The metrics.
    pub metrics: SummaryMetrics,
    /// The graded metrics (those with a threshold row).
    #[serde(skip_deserializing)]
    pub scorecard: Vec<ScoreLine>,
}

/// The metrics of a [`Summary`]; the first nine keys are the stable core, the rest extras.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[allow(missing_docs)] // each field is the metric of the same name in KpiReport
pub struct SummaryMetrics {
    pub first_pass_acceptance_rate: Option<String>,
    pub clean_claim_rate: Option<String>,
    pub initial_denial_rate: Option<String>,
    pub days_in_ar: Option<String>,
    pub net_collection_rate: Option<String>,
    pub gross_collection_rate: Option<String>,
    pub ar_aging: AgingSummary,
    pub coding_turnaround_hours: Option<String>,
    pub resubmission_turnaround_business_days: Option<String>,
    pub first_pass_resolution_rate: Option<String>,
    pub initial_denial_rate_dollars: Option<String>,
    pub denial_rate_same_period: Option<String>,
    pub net_days_in_ar: Option<String>,
    pub days_in_ar_count_back: Option<String>,
    pub ar_total: String,
    pub ar_over_90: Option<String>,
    pub ar_over_120: Option<String>,
    pub bad_debt_rate: Option<String>,
    pub denial_write_off_rate: Option<String>,
    pub point_of_service_collection_rate: Option<String>,
    pub charge_lag_days: Option<String>,
    pub submission_lag_days: Option<String>,
}

/// A/R by age bucket, money to 2 places.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgingSummary {
    /// 0 to 30 days.
    #[serde(rename = "0_30")]
    pub d0_30: String,
    /// 31 to 60 days.
    #[serde(rename = "31_60")]
    pub d31_60: String,
    /// 61 to 90 days.
    #[serde(rename = "61_90")]
    pub d61_90: String,
    /// 91 to 120 days.
    #[serde(rename = "91_120")]
    pub d91_120: String,
    /// Over 120 days.
    pub over_120: String,
}
