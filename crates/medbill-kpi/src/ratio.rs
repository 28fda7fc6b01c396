//! Exact ratios: a numerator and a denominator kept apart until presentation.

use std::fmt;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Serialize, Serializer};

/// A ratio of two decimals, such as accepted claims over submitted claims.
///
/// The parts are kept as given, so a ratio is exact until it is presented; [`rounded`]
/// rounds half away from zero from the exact fraction (no double rounding). A ratio never has
/// a zero denominator: [`Ratio::new`] returns `None` instead, which is how every metric in
/// this crate reports "undefined".
///
/// ```
/// use medbill_kpi::Ratio;
/// use rust_decimal::Decimal;
/// let r = Ratio::new(Decimal::from(16), Decimal::from(17)).unwrap();
/// assert_eq!(r.rounded(4).to_string(), "0.9412");
/// assert_eq!(r.as_percent(2).to_string(), "94.12");
/// assert!(Ratio::new(Decimal::ONE, Decimal::ZERO).is_none());
/// ```
///
/// [`rounded`]: Ratio::rounded
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ratio {
    numerator: Decimal,
    denominator: Decimal,
}

impl Ratio {
    /// `numerator / denominator`, or `None` when the denominator is zero.
    pub fn new(numerator: Decimal, denominator: Decimal) -> Option<Ratio> {
        if denominator.is_zero() {
            None
        } else {
            Some(Ratio {
                numerator,
                denominator,
            })
        }
    }

    /// `numerator / denominator` for a money base that must be positive to mean anything, or
    /// `None` when it is zero or negative. A period can have more contractual adjustments
    /// posted than charges entered (charges from an earlier month adjudicated in this one),
    /// and a rate over a negative base would only mislead.
    pub fn over_positive(numerator: Decimal, denominator: Decimal) -> Option<Ratio> {
        if denominator > Decimal::ZERO {
            Ratio::new(numerator, denominator)
        } else {
            None
        }
    }

    /// A ratio of two counts, or `None` when `denominator` is zero.
    pub fn of_counts(numerator: u64, denominator: u64) -> Option<Ratio> {
        Ratio::new(Decimal::from(numerator), Decimal::from(denominator))
    }

    /// The numerator.
    pub fn numerator(&self) -> Decimal {
        self.numerator
    }

    /// The denominator (never zero).
    pub fn denominator(&self) -> Decimal {
        self.denominator
    }

    /// The quotient to `Decimal`'s full precision (28 significant digits); use
    /// [`rounded`](Ratio::rounded) for presentation.
    pub fn value(&self) -> Decimal {
        self.numerator
            .checked_div(self.denominator)
            .unwrap_or(Decimal::ZERO)
    }

    /// The quotient rounded to `dp` decimal places, half away from zero, computed from the
    /// exact fraction.
    pub fn rounded(&self, dp: u32) -> Decimal {
        round_fraction(self.numerator, self.denominator, dp).unwrap_or_else(|| {
            // Out of Decimal's range when scaled: fall back to rounding the quotient.
            self.value()
                .round_dp_with_strategy(dp, RoundingStrategy::MidpointAwayFromZero)
        })
    }

    /// The ratio as a percentage (times 100), rounded to `dp` places half away from zero.
    pub fn as_percent(&self, dp: u32) -> Decimal {
        match self.numerator.checked_mul(Decimal::ONE_HUNDRED) {
            Some(n) => Ratio {
                numerator: n,
                denominator: self.denominator,
            }
            .rounded(dp),
            None => (self.value() * Decimal::ONE_HUNDRED)
                .round_dp_with_strategy(dp, RoundingStrategy::MidpointAwayFromZero),
        }
    }

    /// This ratio times a factor (for example average daily revenue into days).
    pub fn scaled(&self, factor: Decimal) -> Option<Ratio> {
        Some(Ratio {
            numerator: self.numerator.checked_mul(factor)?,
            denominator: self.denominator,
        })
    }
}

/// Rounds `n / d` to `dp` places half away from zero, exactly: the quotient is found by
/// integer division of scaled values and corrected by its remainder, so a quotient that
/// Decimal would first round at 28 digits is never rounded twice.
fn round_fraction(n: Decimal, d: Decimal, dp: u32) -> Option<Decimal> {
    if d.is_zero() || dp > 20 {
        return None;
    }
    let negative = n.is_sign_negative() != d.is_sign_negative() && !n.is_zero();
    let (n, d) = (n.abs(), d.abs());
    let scale = Decimal::from_i128_with_scale(10i128.checked_pow(dp)?, 0);
    let scaled = n.checked_mul(scale)?;
    let mut q = scaled.checked_div(d)?.trunc();
    let mut r = scaled.checked_sub(q.checked_mul(d)?)?;
    // The division may be off by one in the last place; the remainder says which way.
    while r.is_sign_negative() && !r.is_zero() {
        q -= Decimal::ONE;
        r = r.checked_add(d)?;
    }
    while r >= d {
        q += Decimal::ONE;
        r = r.checked_sub(d)?;
    }
    if r.checked_mul(Decimal::TWO)? >= d {
        q += Decimal::ONE;
    }
    let mut out = q.checked_div(scale)?;
    out.rescale(dp);
    Some(if negative { -out } else { out })
}

impl fmt::Display for Ratio {
    /// The quotient to 4 decimal places (`0.9412`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.rounded(4))
    }
}

impl Serialize for Ratio {
    /// As the quotient to 4 places, a decimal string.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&self.rounded(4))
    }
}

/// A mean: the sum of observations over their count, kept as a [`Ratio`].
pub(crate) fn mean(sum: Decimal, count: u64) -> Option<Ratio> {
    Ratio::new(sum, Decimal::from(count))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn over_positive_refuses_zero_and_negative_bases() {
        assert_eq!(Ratio::over_positive(d("5"), d("0")), None);
        assert_eq!(Ratio::over_positive(d("5"), d("-10")), None);
        assert_eq!(
            Ratio::over_positive(d("5"), d("10")).unwrap().to_string(),
            "0.5000"
        );
    }

    #[test]
    fn rounds_half_away_from_zero() {
        // 1/8 = 0.125 -> 0.13 (banker's rounding would give 0.12)
        assert_eq!(Ratio::new(d("1"), d("8")).unwrap().rounded(2), d("0.13"));
        // -1/8 = -0.125 -> -0.13
        assert_eq!(Ratio::new(d("-1"), d("8")).unwrap().rounded(2), d("-0.13"));
        // 2/3 = 0.6666.. -> 0.6667
        assert_eq!(Ratio::new(d("2"), d("3")).unwrap().rounded(4), d("0.6667"));
        // 1/3 -> 0.3333
        assert_eq!(Ratio::new(d("1"), d("3")).unwrap().rounded(4), d("0.3333"));
        // 16/17 = 0.941176.. -> 0.9412
        assert_eq!(Ratio::new(d("16"), d("17")).unwrap().to_string(), "0.9412");
        // exact values keep their trailing zeros at the requested scale
        assert_eq!(
            Ratio::new(d("1"), d("2")).unwrap().rounded(4).to_string(),
            "0.5000"
        );
    }

    #[test]
    fn zero_denominator_is_none() {
        assert!(Ratio::new(d("5"), Decimal::ZERO).is_none());
        assert!(Ratio::of_counts(0, 0).is_none());
        assert!(mean(Decimal::ZERO, 0).is_none());
    }

    #[test]
    fn percent() {
        // 45/1000 = 4.5%
        assert_eq!(Ratio::of_counts(45, 1000).unwrap().as_percent(1), d("4.5"));
        // 1/3 = 33.333..% -> 33.33
        assert_eq!(Ratio::of_counts(1, 3).unwrap().as_percent(2), d("33.33"));
    }
}
