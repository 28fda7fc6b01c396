//! The facade's one error type.

use std::path::PathBuf;

/// Why a facade helper failed: a file could not be read, or one of the crates refused.
///
/// Each crate's own error is kept whole (match on the variant to get it back); messages name
/// files, fields and positions, never patient data.
///
/// ```
/// # #[cfg(feature = "x12")] {
/// let err = medbill::read_837_file("no/such/file.x12").unwrap_err();
/// assert!(matches!(err, medbill::Error::Io { .. }));
/// assert!(err.to_string().starts_with("no/such/file.x12: "));
/// # }
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A file could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// What the operating system said.
        source: std::io::Error,
    },
    /// A code could not be parsed (`medbill-codes`).
    #[cfg(feature = "codes")]
    #[error(transparent)]
    Code(#[from] medbill_codes::CodeError),
    /// A claim, remittance or ledger record was refused (`medbill-claim`).
    #[cfg(feature = "claim")]
    #[error(transparent)]
    Claim(#[from] medbill_claim::ClaimError),
    /// The input is not X12 at all, or its source failed (`medbill-x12`).
    #[cfg(feature = "x12")]
    #[error(transparent)]
    X12(#[from] medbill_x12::X12Error),
    /// A typed transaction could not be read or written (`medbill-x12`).
    #[cfg(feature = "x12")]
    #[error(transparent)]
    Typed(#[from] medbill_x12::typed::TypedError),
    /// A scrubber table or configuration was refused (`medbill-scrub`).
    #[cfg(feature = "scrub")]
    #[error(transparent)]
    Scrub(#[from] medbill_scrub::ScrubError),
    /// A report parameter was refused (`medbill-kpi`).
    #[cfg(feature = "kpi")]
    #[error(transparent)]
    Kpi(#[from] medbill_kpi::KpiError),
}

impl Error {
    /// An [`Error::Io`] for `path`.
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Error {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}

/// `Result` with the facade's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
