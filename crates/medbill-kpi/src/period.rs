//! Reporting periods: half-open date ranges and calendar months.

use std::fmt;

use chrono::{Datelike, Days, Months, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::KpiError;

/// A half-open range of dates `[start, end)`: `start` is in the period, `end` is not.
///
/// ```
/// use medbill_kpi::Period;
/// let march = Period::month(2026, 3).unwrap();
/// assert_eq!(march.days(), 31);
/// assert!(march.contains("2026-03-31".parse().unwrap()));
/// assert!(!march.contains("2026-04-01".parse().unwrap()));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Period {
    start: NaiveDate,
    end: NaiveDate,
}

impl Period {
    /// `[start, end)`; an error when `end` is before `start` (an empty period is allowed).
    pub fn new(start: NaiveDate, end: NaiveDate) -> Result<Period, KpiError> {
        if end < start {
            Err(KpiError::BadPeriod { start, end })
        } else {
            Ok(Period { start, end })
        }
    }

    /// The calendar month `year-month`.
    pub fn month(year: i32, month: u32) -> Result<Period, KpiError> {
        let bad = KpiError::BadMonth { year, month };
        let start = NaiveDate::from_ymd_opt(year, month, 1).ok_or(bad.clone())?;
        let end = start.checked_add_months(Months::new(1)).ok_or(bad)?;
        Ok(Period { start, end })
    }

    /// The calendar month a date falls in.
    pub fn month_of(date: NaiveDate) -> Period {
        let start = date.with_day(1).unwrap_or(date);
        let end = start
            .checked_add_months(Months::new(1))
            .unwrap_or(NaiveDate::MAX);
        Period { start, end }
    }

    /// The `days` days ending on `last` (inclusive): `[last - days + 1, last + 1)`.
    pub fn days_ending(last: NaiveDate, days: u32) -> Period {
        let end = last.succ_opt().unwrap_or(last);
        let start = end
            .checked_sub_days(Days::new(u64::from(days)))
            .unwrap_or(NaiveDate::MIN);
        Period { start, end }
    }

    /// From the first of `date`'s month through `date` (inclusive): month to date.
    pub fn month_to_date(date: NaiveDate) -> Period {
        let start = date.with_day(1).unwrap_or(date);
        Period {
            start,
            end: date.succ_opt().unwrap_or(date),
        }
    }

    /// The first day in the period.
    pub fn start(&self) -> NaiveDate {
        self.start
    }

    /// The first day after the period.
    pub fn end(&self) -> NaiveDate {
        self.end
    }

    /// The last day in the period (the day before `end`); `None` when empty.
    pub fn last_day(&self) -> Option<NaiveDate> {
        if self.is_empty() {
            None
        } else {
            self.end.pred_opt()
        }
    }

    /// Whether no date is in the period.
    pub fn is_empty(&self) -> bool {
        self.end <= self.start
    }

    /// Whether `date` is in the period.
    pub fn contains(&self, date: NaiveDate) -> bool {
        self.start <= date && date < self.end
    }

    /// Number of days in the period.
    pub fn days(&self) -> i64 {
        (self.end - self.start).num_days()
    }

    /// The calendar months that overlap the period, oldest first.
    pub fn months(&self) -> Vec<Period> {
        let mut out = Vec::new();
        let mut m = Period::month_of(self.start);
        while m.start < self.end {
            out.push(m);
            m = Period::month_of(m.end);
            if m.start == NaiveDate::MAX.with_day(1).unwrap_or(NaiveDate::MAX) {
                break;
            }
        }
        out
    }

    /// The `n` calendar months before the month `self` starts in, oldest first.
    pub fn months_before(&self, n: u32) -> Vec<Period> {
        let first = Period::month_of(self.start).start;
        (1..=n)
            .rev()
            .filter_map(|k| first.checked_sub_months(Months::new(k)))
            .map(Period::month_of)
            .collect()
    }
}

impl fmt::Display for Period {
    /// `2026-03-01..2026-04-01` (half-open).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}..{}", self.start, self.end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn months_and_windows() {
        let feb = Period::month(2024, 2).unwrap();
        assert_eq!(feb.days(), 29);
        assert!(Period::month(2024, 13).is_err());
        let w = Period::days_ending(day("2026-03-31"), 90);
        // 90 days ending 31 March: 1 January (31 + 28 + 31 = 90) through 31 March.
        assert_eq!(w.start(), day("2026-01-01"));
        assert_eq!(w.days(), 90);
        let q = Period::new(day("2026-01-15"), day("2026-03-02")).unwrap();
        assert_eq!(q.months().len(), 3);
        let prior = Period::month(2026, 3).unwrap().months_before(3);
        assert_eq!(
            prior.iter().map(|p| p.start()).collect::<Vec<_>>(),
            vec![day("2025-12-01"), day("2026-01-01"), day("2026-02-01")]
        );
        assert!(Period::new(day("2026-02-01"), day("2026-01-01")).is_err());
    }
}
