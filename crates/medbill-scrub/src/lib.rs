//! medbill-scrub: see the workspace README for the crate map. This crate is under construction.
