//! Findings: what the scrubber reports about a claim.

use std::fmt;

use medbill_claim::Location;
use serde::{Deserialize, Serialize};

/// How bad a finding is.
///
/// Ordered from most to least severe: `Reject < Deny < Warn` in `Ord`, so sorting findings
/// puts rejections first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// The payer or clearinghouse will not accept the claim.
    Reject,
    /// The claim (or line) will be accepted and denied.
    Deny,
    /// A risk, or revenue left behind; the claim may still pay.
    Warn,
}

impl Severity {
    /// The lower-case name used in JSON and configuration.
    pub const fn as_str(self) -> &'static str {
        match self {
            Severity::Reject => "reject",
            Severity::Deny => "deny",
            Severity::Warn => "warn",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

/// One problem found on a claim.
///
/// Serialises as the JSON object the `scrub_claims` example prints; `field` and `at` are
/// written only when present:
///
/// ```
/// use medbill_scrub::{Finding, Hit, Severity};
/// let hit = Hit::new("22222 is bundled into 11111 on the same date")
///     .line(2)
///     .codes(["11111", "22222"])
///     .fix("remove line 2");
/// let f = Finding::new("PCN123", "NCCI.PTP", Severity::Deny, hit);
/// assert_eq!(
///     serde_json::to_string(&f).unwrap(),
///     r#"{"claim":"PCN123","line":2,"edit":"NCCI.PTP","severity":"deny","codes":["11111","22222"],"message":"22222 is bundled into 11111 on the same date","fix":"remove line 2"}"#
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Finding {
    /// The claim's patient control number (CLM01).
    pub claim: String,
    /// The 1-based service line, or `None` for a claim-level finding.
    pub line: Option<u32>,
    /// The claim field the finding is about, when one value is at fault: a path such as
    /// `lines[1].modifiers[0]`, `diagnoses[2]` or `place_of_service` (the paths of
    /// [`ClaimError::field`](medbill_claim::ClaimError::field)).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// Where the value was in the input the claim was read from (from the reader's problem on
    /// [`field`](Self::field)), when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<Location>,
    /// The edit's stable id, such as `NCCI.PTP`.
    pub edit: String,
    /// Severity after configuration.
    pub severity: Severity,
    /// The codes involved (procedures, diagnoses, modifiers, NPIs), most relevant first.
    pub codes: Vec<String>,
    /// What is wrong, in words a biller understands. Never carries PHI.
    pub message: String,
    /// A suggested fix, where one exists.
    pub fix: Option<String>,
}

impl Finding {
    /// Builds a finding directly (rules use [`Sink::report`](crate::Sink::report)).
    pub fn new(
        claim: impl Into<String>,
        edit: impl Into<String>,
        severity: Severity,
        hit: Hit,
    ) -> Self {
        Finding {
            claim: claim.into(),
            line: hit.line,
            field: hit.field,
            at: hit.at,
            edit: edit.into(),
            severity,
            codes: hit.codes,
            message: hit.message,
            fix: hit.fix,
        }
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} [{}]", self.claim, self.severity, self.edit)?;
        if let Some(line) = self.line {
            write!(f, " line {line}")?;
        }
        if !self.codes.is_empty() {
            write!(f, " ({})", self.codes.join(", "))?;
        }
        write!(f, ": {}", self.message)?;
        if let Some(fix) = &self.fix {
            write!(f, " Fix: {fix}")?;
        }
        Ok(())
    }
}

/// What a rule found, before the engine stamps it with the claim, edit id and severity.
///
/// A hit that names its [`field`](Hit::field) is located by the engine: when the reader
/// reported a problem on that field, the finding gets the problem's location
/// ([`at`](Hit::at)), unless the rule set one.
///
/// ```
/// use medbill_scrub::Hit;
/// let hit = Hit::new("modifier 59 with XU on the same line")
///     .line(1)
///     .codes(["59", "XU"])
///     .fix("keep XU, remove 59");
/// assert_eq!(hit.line, Some(1));
/// let one = Hit::new("modifier \"2-\" is not a modifier").line(2).field("lines[1].modifiers[0]");
/// assert_eq!(one.field.as_deref(), Some("lines[1].modifiers[0]"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub struct Hit {
    /// 1-based line, or `None` for the claim.
    pub line: Option<u32>,
    /// The claim field at fault, as a path (`lines[0].procedure`).
    pub field: Option<String>,
    /// Where the value was in the input.
    pub at: Option<Location>,
    /// Codes involved.
    pub codes: Vec<String>,
    /// Message.
    pub message: String,
    /// Suggested fix.
    pub fix: Option<String>,
}

impl Hit {
    /// A claim-level hit with a message.
    pub fn new(message: impl Into<String>) -> Self {
        Hit {
            line: None,
            field: None,
            at: None,
            codes: Vec::new(),
            message: message.into(),
            fix: None,
        }
    }

    /// Places the hit on a 1-based line.
    pub fn line(mut self, line: u32) -> Self {
        self.line = Some(line);
        self
    }

    /// Names the claim field at fault (a path such as `lines[0].modifiers[1]`).
    pub fn field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }

    /// Sets where the value was in the input (the engine fills it from the reader's problem
    /// on [`field`](Self::field) otherwise).
    pub fn at(mut self, at: Location) -> Self {
        self.at = Some(at);
        self
    }

    /// Sets the codes involved.
    pub fn codes<S: ToString>(mut self, codes: impl IntoIterator<Item = S>) -> Self {
        self.codes = codes.into_iter().map(|c| c.to_string()).collect();
        self
    }

    /// Sets the suggested fix.
    pub fn fix(mut self, fix: impl Into<String>) -> Self {
        self.fix = Some(fix.into());
        self
    }
}
