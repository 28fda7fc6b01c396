//! Business days: weekends and holidays, with US federal holidays built in.

use std::collections::BTreeSet;

use chrono::{Datelike, NaiveDate, Weekday};

/// Which days are business days: Monday to Friday that are not holidays.
///
/// The default, [`BusinessCalendar::us_federal`], computes the eleven US federal holidays
/// (5 U.S.C. 6103) by rule for any year, on their observed dates: a holiday on a Saturday is
/// observed the Friday before (so New Year's Day 2022 was observed on 31 December 2021), one on
/// a Sunday the Monday after. Juneteenth counts from 2021. A caller with its own calendar
/// (payer or clearinghouse closures, state holidays) supplies the set with
/// [`BusinessCalendar::from_holidays`].
///
/// ```
/// use medbill_kpi::BusinessCalendar;
/// let cal = BusinessCalendar::us_federal();
/// let day = |s: &str| s.parse().unwrap();
/// // Thursday 2026-11-26 is Thanksgiving: Wednesday to Friday is one business day.
/// assert_eq!(cal.business_days_between(day("2026-11-25"), day("2026-11-27")), 1);
/// assert!(!cal.is_business_day(day("2027-07-05"))); // 4 July 2027 is a Sunday
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BusinessCalendar {
    holidays: Holidays,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Holidays {
    UsFederal,
    Custom(BTreeSet<NaiveDate>),
}

impl Default for BusinessCalendar {
    fn default() -> Self {
        BusinessCalendar::us_federal()
    }
}

impl BusinessCalendar {
    /// US federal holidays (observed dates), computed by rule.
    pub fn us_federal() -> Self {
        BusinessCalendar {
            holidays: Holidays::UsFederal,
        }
    }

    /// Exactly these holidays (weekends are never business days).
    pub fn from_holidays(holidays: impl IntoIterator<Item = NaiveDate>) -> Self {
        BusinessCalendar {
            holidays: Holidays::Custom(holidays.into_iter().collect()),
        }
    }

    /// Weekends only, no holidays.
    pub fn weekdays_only() -> Self {
        BusinessCalendar::from_holidays([])
    }

    /// Whether `date` is a holiday in this calendar.
    pub fn is_holiday(&self, date: NaiveDate) -> bool {
        match &self.holidays {
            Holidays::UsFederal => {
                us_federal_holidays(date.year()).contains(&date)
                    || (date.month() == 12
                        && date.day() == 31
                        && us_federal_holidays(date.year() + 1).contains(&date))
            }
            Holidays::Custom(set) => set.contains(&date),
        }
    }

    /// Whether `date` is a business day: Monday to Friday and not a holiday.
    pub fn is_business_day(&self, date: NaiveDate) -> bool {
        !matches!(date.weekday(), Weekday::Sat | Weekday::Sun) && !self.is_holiday(date)
    }

    /// Business days after `from` up to and including `to`: the same day is 0, the next
    /// business day 1. Negative when `to` is before `from`.
    pub fn business_days_between(&self, from: NaiveDate, to: NaiveDate) -> i64 {
        if to < from {
            return -self.business_days_between(to, from);
        }
        let mut n = 0;
        let mut d = from;
        while d < to {
            match d.succ_opt() {
                Some(next) => d = next,
                None => break,
            }
            if self.is_business_day(d) {
                n += 1;
            }
        }
        n
    }
}

/// The US federal holidays of `year` on their observed dates, in date order. The New Year's
/// Day of `year + 1`, when observed on 31 December of `year`, is not included here (it
/// belongs to the next year's list).
pub fn us_federal_holidays(year: i32) -> Vec<NaiveDate> {
    let fixed = |m, d| NaiveDate::from_ymd_opt(year, m, d).map(observed);
    let nth = |m, wd, n| NaiveDate::from_weekday_of_month_opt(year, m, wd, n);
    let last_monday_of_may = || {
        (0..7)
            .filter_map(|k| NaiveDate::from_ymd_opt(year, 5, 31 - k))
            .find(|d| d.weekday() == Weekday::Mon)
    };
    let mut out: Vec<NaiveDate> = [
        fixed(1, 1),                                    // New Year's Day
        nth(1, Weekday::Mon, 3),                        // Birthday of Martin Luther King, Jr.
        nth(2, Weekday::Mon, 3),                        // Washington's Birthday
        last_monday_of_may(),                           // Memorial Day
        if year >= 2021 { fixed(6, 19) } else { None }, // Juneteenth
        fixed(7, 4),                                    // Independence Day
        nth(9, Weekday::Mon, 1),                        // Labor Day
        nth(10, Weekday::Mon, 2),                       // Columbus Day
        fixed(11, 11),                                  // Veterans Day
        nth(11, Weekday::Thu, 4),                       // Thanksgiving Day
        fixed(12, 25),                                  // Christmas Day
    ]
    .into_iter()
    .flatten()
    .collect();
    out.sort();
    out
}

fn observed(date: NaiveDate) -> NaiveDate {
    match date.weekday() {
        Weekday::Sat => date.pred_opt().unwrap_or(date),
        Weekday::Sun => date.succ_opt().unwrap_or(date),
        _ => date,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn federal_2026() {
        // OPM's 2026 list: Jan 1, Jan 19, Feb 16, May 25, Jun 19, Jul 3 (the 4th is a
        // Saturday), Sep 7, Oct 12, Nov 11, Nov 26, Dec 25.
        let want = [
            "2026-01-01",
            "2026-01-19",
            "2026-02-16",
            "2026-05-25",
            "2026-06-19",
            "2026-07-03",
            "2026-09-07",
            "2026-10-12",
            "2026-11-11",
            "2026-11-26",
            "2026-12-25",
        ];
        let want: Vec<NaiveDate> = want.iter().map(|s| day(s)).collect();
        assert_eq!(us_federal_holidays(2026), want);
    }

    #[test]
    fn new_year_observed_in_previous_december() {
        // 1 January 2022 was a Saturday: observed Friday 31 December 2021.
        let cal = BusinessCalendar::us_federal();
        assert!(cal.is_holiday(day("2021-12-31")));
        assert!(!cal.is_business_day(day("2021-12-31")));
        // Juneteenth before 2021 was not a federal holiday.
        assert!(!cal.is_holiday(day("2020-06-19")));
    }

    #[test]
    fn counting_business_days() {
        let cal = BusinessCalendar::us_federal();
        // Friday 2026-07-02 .. Tuesday 2026-07-07: Fri 3 Jul observed holiday, weekend,
        // Mon 6 and Tue 7 count: 2.
        assert_eq!(
            cal.business_days_between(day("2026-07-02"), day("2026-07-07")),
            2
        );
        assert_eq!(
            cal.business_days_between(day("2026-07-07"), day("2026-07-07")),
            0
        );
        assert_eq!(
            cal.business_days_between(day("2026-07-07"), day("2026-07-02")),
            -2
        );
        let custom = BusinessCalendar::from_holidays([day("2026-07-06")]);
        // Fri 3 Jul is a business day in this calendar, Mon 6 is not: 3 Jul and 7 Jul count.
        assert_eq!(
            custom.business_days_between(day("2026-07-02"), day("2026-07-07")),
            2
        );
        assert_eq!(
            BusinessCalendar::weekdays_only()
                .business_days_between(day("2026-07-02"), day("2026-07-07")),
            3
        );
    }
}
