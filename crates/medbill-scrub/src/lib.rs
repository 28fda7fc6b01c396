//! # medbill-scrub
//!
//! A claim scrubber (under construction).

mod error;
pub mod ncci;

pub use error::ScrubError;
