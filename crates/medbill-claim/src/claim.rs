//! Professional (837P / CMS-1500) and institutional (837I / UB-04) claims and their builder.

use crate::code_enum::code_enum;

code_enum! {
    /// Claim frequency code (CLM05-3; the third digit of an institutional type of bill).
    FrequencyCode, "a claim frequency code" {
        /// Non-payment / zero claim (institutional).
        NonPayment = "0",
        /// Original claim (for institutional: admit through discharge).
        Original = "1",
        /// Interim, first claim (institutional).
        InterimFirst = "2",
        /// Interim, continuing claim (institutional).
        InterimContinuing = "3",
        /// Interim, last claim (institutional).
        InterimLast = "4",
        /// Late charges only (institutional).
        LateCharge = "5",
        /// Replacement of a prior claim (a corrected claim).
        Replacement = "7",
        /// Void or cancel of a prior claim.
        Void = "8",
    }
}

impl FrequencyCode {
    /// Whether the claim refers to an earlier claim the payer has (replacement or void), and
    /// so must carry the original payer claim number.
    pub fn refers_to_prior_claim(self) -> bool {
        matches!(self, FrequencyCode::Replacement | FrequencyCode::Void)
    }
}
