//! The crate's error type.

use std::io;

/// What went wrong loading reference data or configuring a scrubber.
///
/// Findings about claims are not errors: they are [`Finding`](crate::Finding)s.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ScrubError {
    /// A row of a reference file (NCCI PTP, MUE or add-on table) could not be read.
    #[error("{file} line {line}: {reason}")]
    Row {
        /// Which file or table, as named by the caller (or the kind of table).
        file: String,
        /// 1-based line number in the file.
        line: u64,
        /// What is wrong with the row.
        reason: String,
    },
    /// A reference file held no data rows.
    #[error("{file}: no data rows found")]
    NoRows {
        /// Which file or table.
        file: String,
    },
    /// Reading a file failed.
    #[error("{file}: {source}")]
    Io {
        /// Which file or table.
        file: String,
        /// The underlying error.
        #[source]
        source: io::Error,
    },
    /// A configuration could not be parsed.
    #[error("configuration: {0}")]
    Config(String),
    /// A configuration names an edit no registered rule has.
    #[error(
        "configuration names unknown edit or family {pattern:?}{}",
        scope_text(scope)
    )]
    UnknownEdit {
        /// The id or pattern.
        pattern: String,
        /// Where in the configuration (`default`, `payers.87726`, ...).
        scope: String,
    },
    /// Two rules were registered with the same edit id.
    #[error("edit id {0:?} is registered twice")]
    DuplicateEdit(String),
}

fn scope_text(scope: &str) -> String {
    if scope.is_empty() {
        String::new()
    } else {
        format!(" (in {scope})")
    }
}

impl ScrubError {
    pub(crate) fn row(file: &str, line: u64, reason: impl Into<String>) -> Self {
        ScrubError::Row {
            file: file.to_string(),
            line,
            reason: reason.into(),
        }
    }
}
