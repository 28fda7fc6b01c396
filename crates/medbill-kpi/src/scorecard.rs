//! The scorecard: metrics against a threshold table, and vendor pricing compared.

use std::fmt;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::KpiError;
use crate::ratio::Ratio;

/// The metrics a scorecard can grade, by their stable snake_case keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum MetricKey {
    /// First-pass acceptance rate (a ratio, 0.95 is 95%).
    FirstPassAcceptanceRate,
    /// Clean claim rate (a ratio).
    CleanClaimRate,
    /// Initial denial rate by count, HFMA definition (a ratio).
    InitialDenialRate,
    /// Days in A/R: A/R over average daily gross charges.
    DaysInAr,
    /// Net collection rate (a ratio).
    NetCollectionRate,
    /// Gross collection rate (a ratio).
    GrossCollectionRate,
    /// Mean coding turnaround in hours.
    CodingTurnaroundHours,
    /// Mean resubmission turnaround in business days.
    ResubmissionTurnaroundBusinessDays,
}

impl MetricKey {
    /// The key as written in JSON.
    pub const fn as_str(self) -> &'static str {
        match self {
            MetricKey::FirstPassAcceptanceRate => "first_pass_acceptance_rate",
            MetricKey::CleanClaimRate => "clean_claim_rate",
            MetricKey::InitialDenialRate => "initial_denial_rate",
            MetricKey::DaysInAr => "days_in_ar",
            MetricKey::NetCollectionRate => "net_collection_rate",
            MetricKey::GrossCollectionRate => "gross_collection_rate",
            MetricKey::CodingTurnaroundHours => "coding_turnaround_hours",
            MetricKey::ResubmissionTurnaroundBusinessDays => {
                "resubmission_turnaround_business_days"
            }
        }
    }

    /// A label for people.
    pub const fn label(self) -> &'static str {
        match self {
            MetricKey::FirstPassAcceptanceRate => "First-pass acceptance",
            MetricKey::CleanClaimRate => "Clean claim rate",
            MetricKey::InitialDenialRate => "Initial denial rate",
            MetricKey::DaysInAr => "Days in A/R",
            MetricKey::NetCollectionRate => "Net collection rate",
            MetricKey::GrossCollectionRate => "Gross collection rate",
            MetricKey::CodingTurnaroundHours => "Coding turnaround (hours)",
            MetricKey::ResubmissionTurnaroundBusinessDays => "Resubmission (business days)",
        }
    }

    /// Whether the value is a ratio (shown as a percentage) rather than a count of days or
    /// hours.
    pub const fn is_ratio(self) -> bool {
        matches!(
            self,
            MetricKey::FirstPassAcceptanceRate
                | MetricKey::CleanClaimRate
                | MetricKey::InitialDenialRate
                | MetricKey::NetCollectionRate
                | MetricKey::GrossCollectionRate
        )
    }

    /// Decimal places the value is presented with: 4 for ratios, 1 for days and hours.
    pub const fn decimal_places(self) -> u32 {
        if self.is_ratio() { 4 } else { 1 }
    }
}

impl fmt::Display for MetricKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which way is better.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// Higher values are better (acceptance, collection rates).
    HigherIsBetter,
    /// Lower values are better (denials, days, turnaround).
    LowerIsBetter,
}

/// Where a metric stands against its threshold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Status {
    /// At or better than the target.
    OnTarget,
    /// Short of the target but not past the warning level.
    Watch,
    /// Past the warning level.
    Warning,
    /// The metric is undefined for the period (nothing to measure).
    NoData,
    /// The metric has no row in the threshold table.
    NotGraded,
}

impl Status {
    /// `on_target`, `watch`, `warning` or `no_data`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Status::OnTarget => "on_target",
            Status::Watch => "watch",
            Status::Warning => "warning",
            Status::NoData => "no_data",
            Status::NotGraded => "not_graded",
        }
    }
}

/// One row of the threshold table.
///
/// With `higher_is_better`, a value at or above `target` is on target, below `warning` is a
/// warning, and in between is watch; with `lower_is_better` the comparisons flip. The
/// boundaries belong to the better status (a denial rate of exactly 8% is on target).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Threshold {
    /// The metric.
    pub metric: MetricKey,
    /// Which way is better.
    pub direction: Direction,
    /// The target level.
    pub target: Decimal,
    /// The warning level.
    pub warning: Decimal,
}

impl Threshold {
    /// Grades a value.
    pub fn status(&self, value: Option<Decimal>) -> Status {
        let Some(v) = value else {
            return Status::NoData;
        };
        match self.direction {
            Direction::HigherIsBetter if v >= self.target => Status::OnTarget,
            Direction::HigherIsBetter if v < self.warning => Status::Warning,
            Direction::LowerIsBetter if v <= self.target => Status::OnTarget,
            Direction::LowerIsBetter if v > self.warning => Status::Warning,
            _ => Status::Watch,
        }
    }

    fn check(&self) -> Result<(), KpiError> {
        let ok = match self.direction {
            Direction::HigherIsBetter => self.warning <= self.target,
            Direction::LowerIsBetter => self.warning >= self.target,
        };
        if ok {
            Ok(())
        } else {
            Err(KpiError::BadThreshold {
                metric: self.metric.to_string(),
                message: "the warning level must lie on the worse side of the target".into(),
            })
        }
    }
}

/// The threshold table, configurable as JSON (`{"thresholds":[{"metric":"days_in_ar",
/// "direction":"lower_is_better","target":"40","warning":"55"}, ...]}`).
///
/// The defaults are the levels practices hold billing vendors to:
///
/// | metric | target | warning |
/// |---|---|---|
/// | first-pass acceptance | at least 95% | below 90% |
/// | initial denial rate | at most 8% | above 12% |
/// | days in A/R | at most 40 | above 55 |
/// | net collection rate | at least 95% | below 90% |
/// | coding turnaround | within 48 hours (24-48 h) | beyond 72 hours |
/// | resubmission turnaround | within 2 business days (24-48 h) | beyond 5 business days |
///
/// ```
/// use medbill_kpi::{MetricKey, Status, Thresholds};
/// use rust_decimal::Decimal;
/// let t = Thresholds::default();
/// let pct = |s: &str| Some(s.parse::<Decimal>().unwrap());
/// assert_eq!(t.status(MetricKey::FirstPassAcceptanceRate, pct("0.96")), Status::OnTarget);
/// assert_eq!(t.status(MetricKey::FirstPassAcceptanceRate, pct("0.92")), Status::Watch);
/// assert_eq!(t.status(MetricKey::InitialDenialRate, pct("0.13")), Status::Warning);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Thresholds {
    /// The rows; the first for a metric applies.
    pub thresholds: Vec<Threshold>,
}

impl Default for Thresholds {
    fn default() -> Self {
        let row = |metric, direction, target: i64, warning: i64, scale| Threshold {
            metric,
            direction,
            target: Decimal::new(target, scale),
            warning: Decimal::new(warning, scale),
        };
        use Direction::*;
        use MetricKey::*;
        Thresholds {
            thresholds: vec![
                row(FirstPassAcceptanceRate, HigherIsBetter, 95, 90, 2),
                row(InitialDenialRate, LowerIsBetter, 8, 12, 2),
                row(DaysInAr, LowerIsBetter, 40, 55, 0),
                row(NetCollectionRate, HigherIsBetter, 95, 90, 2),
                row(CodingTurnaroundHours, LowerIsBetter, 48, 72, 0),
                row(ResubmissionTurnaroundBusinessDays, LowerIsBetter, 2, 5, 0),
            ],
        }
    }
}

impl Thresholds {
    /// Checks every row (a warning level must lie on the worse side of its target), for a
    /// table read from JSON.
    pub fn validated(self) -> Result<Thresholds, KpiError> {
        for t in &self.thresholds {
            t.check()?;
        }
        Ok(self)
    }

    /// The row for a metric, if any.
    pub fn get(&self, metric: MetricKey) -> Option<&Threshold> {
        self.thresholds.iter().find(|t| t.metric == metric)
    }

    /// Grades a value: `NotGraded` when the metric has no row, `NoData` when the value is
    /// undefined.
    pub fn status(&self, metric: MetricKey, value: Option<Decimal>) -> Status {
        match self.get(metric) {
            Some(t) => t.status(value),
            None => Status::NotGraded,
        }
    }

    /// Grades a ratio or mean at its presentation precision.
    pub fn score(&self, metric: MetricKey, value: Option<Ratio>) -> ScoreLine {
        let shown = value.map(|r| r.rounded(metric.decimal_places()));
        ScoreLine {
            metric,
            value: shown,
            status: self.status(metric, shown),
            threshold: self.get(metric).copied(),
        }
    }
}

/// One graded metric.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ScoreLine {
    /// The metric.
    pub metric: MetricKey,
    /// Its value at presentation precision; `None` when undefined.
    #[serde(with = "opt_decimal_str")]
    pub value: Option<Decimal>,
    /// Its grade.
    pub status: Status,
    /// The threshold row it was graded against (not part of the JSON summary).
    #[serde(skip)]
    pub threshold: Option<Threshold>,
}

mod opt_decimal_str {
    use rust_decimal::Decimal;
    use serde::Serializer;

    pub(super) fn serialize<S: Serializer>(v: &Option<Decimal>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(d) => s.collect_str(d),
            None => s.serialize_none(),
        }
    }
}

/// How an outsourced billing service charges.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "model", rename_all = "snake_case")]
pub enum PricingModel {
    /// A share of what is collected (typically 4-8%, written `0.06`).
    PercentOfCollections {
        /// The share, as a ratio.
        rate: Decimal,
    },
    /// A fee per claim submitted (typically $3-10).
    PerClaim {
        /// The fee.
        fee: Decimal,
    },
    /// A flat fee per month.
    FlatMonthly {
        /// The fee.
        fee: Decimal,
    },
}

/// The volume a pricing model is applied to: a period's net collections, claims and months.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct BillingVolume {
    /// Net collections in the period.
    pub collections: Decimal,
    /// Claims submitted in the period.
    pub claims: u64,
    /// Months in the period (for flat monthly fees).
    pub months: u32,
}

impl PricingModel {
    /// What the model costs for the volume.
    /// Saturates at `Decimal::MAX` rather than overflow on absurd inputs.
    pub fn cost(&self, volume: &BillingVolume) -> Decimal {
        let product = match self {
            PricingModel::PercentOfCollections { rate } => volume.collections.checked_mul(*rate),
            PricingModel::PerClaim { fee } => fee.checked_mul(Decimal::from(volume.claims)),
            PricingModel::FlatMonthly { fee } => fee.checked_mul(Decimal::from(volume.months)),
        };
        product.unwrap_or(Decimal::MAX)
    }
}

/// The cost of one offer and its effective cost to collect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct PricingQuote {
    /// The model, or `None` for the practice's own in-house cost.
    pub model: Option<PricingModel>,
    /// Cost for the volume.
    pub cost: Decimal,
    /// Cost over collections; `None` when nothing was collected.
    pub cost_to_collect: Option<Ratio>,
}

/// Prices each offer for a volume, with the in-house cost (if given) last, so an
/// outsourcing offer can be compared with doing the billing in-house.
///
/// ```
/// use medbill_kpi::{BillingVolume, PricingModel, compare_pricing};
/// use rust_decimal::Decimal;
/// let d = |s: &str| s.parse::<Decimal>().unwrap();
/// // A month: $100,000 collected on 1,000 claims.
/// let volume = BillingVolume { collections: d("100000"), claims: 1000, months: 1 };
/// let offers = [
///     PricingModel::PercentOfCollections { rate: d("0.06") }, // $6,000
///     PricingModel::PerClaim { fee: d("5") },                 // $5,000
///     PricingModel::FlatMonthly { fee: d("5500") },           // $5,500
/// ];
/// let quotes = compare_pricing(&offers, &volume, Some(d("7000")));
/// assert_eq!(quotes[1].cost, d("5000"));
/// assert_eq!(quotes[1].cost_to_collect.unwrap().rounded(2), d("0.05"));
/// assert_eq!(quotes[3].cost_to_collect.unwrap().rounded(2), d("0.07")); // in-house
/// ```
pub fn compare_pricing(
    offers: &[PricingModel],
    volume: &BillingVolume,
    in_house_cost: Option<Decimal>,
) -> Vec<PricingQuote> {
    let quote = |model: Option<PricingModel>, cost: Decimal| PricingQuote {
        model,
        cost,
        cost_to_collect: Ratio::new(cost, volume.collections),
    };
    let mut out: Vec<PricingQuote> = offers
        .iter()
        .map(|m| quote(Some(*m), m.cost(volume)))
        .collect();
    if let Some(c) = in_house_cost {
        out.push(quote(None, c));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn statuses_at_the_edges() {
        let t = Thresholds::default();
        use MetricKey::*;
        assert_eq!(
            t.status(InitialDenialRate, Some(d("0.08"))),
            Status::OnTarget
        );
        assert_eq!(
            t.status(InitialDenialRate, Some(d("0.0801"))),
            Status::Watch
        );
        assert_eq!(t.status(InitialDenialRate, Some(d("0.12"))), Status::Watch);
        assert_eq!(
            t.status(InitialDenialRate, Some(d("0.1201"))),
            Status::Warning
        );
        assert_eq!(t.status(DaysInAr, Some(d("40.0"))), Status::OnTarget);
        assert_eq!(t.status(DaysInAr, Some(d("55.1"))), Status::Warning);
        assert_eq!(
            t.status(NetCollectionRate, Some(d("0.8999"))),
            Status::Warning
        );
        assert_eq!(t.status(NetCollectionRate, Some(d("0.90"))), Status::Watch);
        assert_eq!(
            t.status(CodingTurnaroundHours, Some(d("30"))),
            Status::OnTarget
        );
        assert_eq!(
            t.status(CodingTurnaroundHours, Some(d("73"))),
            Status::Warning
        );
        assert_eq!(
            t.status(ResubmissionTurnaroundBusinessDays, Some(d("3"))),
            Status::Watch
        );
        assert_eq!(
            t.status(ResubmissionTurnaroundBusinessDays, None),
            Status::NoData
        );
        assert_eq!(t.status(CleanClaimRate, Some(d("0.99"))), Status::NotGraded);
    }

    #[test]
    fn thresholds_round_trip_as_json_and_are_checked() {
        let t = Thresholds::default();
        let json = serde_json::to_string(&t).unwrap();
        assert!(json.contains(
            r#""metric":"days_in_ar","direction":"lower_is_better","target":"40","warning":"55""#
        ));
        let back: Thresholds = serde_json::from_str(&json).unwrap();
        assert_eq!(back, t);
        let bad = r#"{"thresholds":[{"metric":"days_in_ar","direction":"lower_is_better","target":"40","warning":"30"}]}"#;
        let bad: Thresholds = serde_json::from_str(bad).unwrap();
        assert!(bad.validated().is_err());
    }

    #[test]
    fn pricing_arithmetic() {
        // 3 months, $250,000 collected, 2,400 claims:
        // 5% of collections = 12,500; $4 per claim = 9,600; $3,500/month = 10,500.
        let v = BillingVolume {
            collections: d("250000"),
            claims: 2400,
            months: 3,
        };
        assert_eq!(
            PricingModel::PercentOfCollections { rate: d("0.05") }.cost(&v),
            d("12500")
        );
        assert_eq!(PricingModel::PerClaim { fee: d("4") }.cost(&v), d("9600"));
        assert_eq!(
            PricingModel::FlatMonthly { fee: d("3500") }.cost(&v),
            d("10500")
        );
        let none = BillingVolume {
            collections: Decimal::ZERO,
            claims: 0,
            months: 1,
        };
        let q = compare_pricing(&[PricingModel::FlatMonthly { fee: d("1") }], &none, None);
        assert!(q[0].cost_to_collect.is_none());
    }
}
