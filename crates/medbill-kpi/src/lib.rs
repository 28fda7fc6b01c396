//! medbill-kpi (temporary stub)
#![allow(missing_docs)]
mod book;
mod calendar;
mod error;
mod metrics;
mod period;
mod ratio;
mod scorecard;
pub mod synth;

pub use book::Book;
pub use calendar::{BusinessCalendar, us_federal_holidays};
pub use error::KpiError;
pub use metrics::*;
pub use period::Period;
pub use ratio::Ratio;
pub use scorecard::*;
mod html;
mod report;
pub use html::dashboard_html;
pub use report::{AgingSummary, KpiReport, ReportOptions, Summary, SummaryMetrics};
