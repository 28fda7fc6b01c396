//! Segments a model does not interpret, kept so a reader and writer can round-trip them.

use serde::{Deserialize, Serialize};

/// An X12 segment the typed model does not cover, kept verbatim with the loop it came from.
///
/// The X12 reader puts segments it does not map onto a field here (on the claim, line or
/// remittance level where they occurred) and the writer emits them back in place, so a
/// round trip loses nothing. The text may contain PHI; it is printed by `Debug` only as its
/// segment id and length.
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct RawSegment {
    /// The implementation guide loop id, such as `"2300"` or `"2400"`.
    pub loop_id: String,
    /// The segment text without its terminator, such as `"NTE*ADD*SEE ATTACHED"`.
    pub text: String,
}

impl RawSegment {
    /// A raw segment from its loop id and text.
    pub fn new(loop_id: impl Into<String>, text: impl Into<String>) -> Self {
        RawSegment {
            loop_id: loop_id.into(),
            text: text.into(),
        }
    }

    /// The segment id: the text before the first element separator (any non-alphanumeric).
    pub fn segment_id(&self) -> &str {
        let end = self
            .text
            .find(|c: char| !c.is_ascii_alphanumeric())
            .unwrap_or(self.text.len());
        &self.text[..end]
    }
}

impl std::fmt::Debug for RawSegment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Segments such as NM1 or DMG carry names and birth dates: show only what identifies it.
        f.debug_struct("RawSegment")
            .field("loop_id", &self.loop_id)
            .field("segment_id", &self.segment_id())
            .field("len", &self.text.len())
            .finish()
    }
}
