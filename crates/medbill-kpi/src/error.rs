//! The crate's error type.

/// What went wrong computing or configuring a metric.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum KpiError {
    /// A period whose end comes before its start.
    #[error("a period must not end before it starts ({start} to {end})")]
    BadPeriod {
        /// The start given.
        start: chrono::NaiveDate,
        /// The end given.
        end: chrono::NaiveDate,
    },
    /// A month outside 1 to 12, or a year chrono cannot represent.
    #[error("no such month: {year}-{month}")]
    BadMonth {
        /// The year given.
        year: i32,
        /// The month given.
        month: u32,
    },
    /// A threshold table that is not usable (for example a warning level on the wrong side
    /// of its target).
    #[error("threshold for {metric}: {message}")]
    BadThreshold {
        /// The metric's key.
        metric: String,
        /// What is wrong.
        message: String,
    },
    /// A parameter out of range (a window of zero days, a negative rate).
    #[error("invalid parameter {name}: {message}")]
    BadParameter {
        /// The parameter's name.
        name: &'static str,
        /// What is wrong.
        message: String,
    },
    /// An event an [`EventStore`](crate::EventStore) cannot hold exactly.
    #[error("event {event}: the event store cannot hold {what}")]
    StoreLimit {
        /// The event's index in the ledger.
        event: usize,
        /// What it cannot hold.
        what: &'static str,
    },
    /// A line of a JSON-lines ledger that could not be read (the message names the
    /// problem and column, never the line's content).
    #[error("ledger line {line}: {message}")]
    LedgerLine {
        /// The line number, from 1.
        line: usize,
        /// What was wrong.
        message: String,
    },
}
