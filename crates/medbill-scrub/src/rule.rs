//! Rules: the trait every edit implements, built-in or a vendor's.

use std::borrow::Cow;

use medbill_claim::Problem;

use crate::context::ClaimContext;
use crate::finding::{Finding, Hit, Severity};

/// What identifies an edit and how it is graded by default.
///
/// ```
/// use medbill_scrub::{RuleInfo, Severity};
/// let info = RuleInfo::new("ACME.PRIOR_AUTH", "ACME", Severity::Deny, "ACME payer policy 2026-01");
/// assert_eq!(info.id, "ACME.PRIOR_AUTH");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct RuleInfo {
    /// Stable edit id, `FAMILY.NAME` by convention (`NCCI.PTP`).
    pub id: Cow<'static, str>,
    /// The family the edit belongs to (`NCCI`); configuration may address a whole family.
    pub family: Cow<'static, str>,
    /// Severity unless the configuration re-grades it.
    pub severity: Severity,
    /// The data source and version the edit relies on (`"ICD-10-CM FY2025-FY2026 (embedded)"`,
    /// `"NCCI PTP (loaded quarterly file)"`, `"claim data"`).
    pub source: Cow<'static, str>,
}

impl RuleInfo {
    /// Describes an edit.
    pub fn new(
        id: impl Into<Cow<'static, str>>,
        family: impl Into<Cow<'static, str>>,
        severity: Severity,
        source: impl Into<Cow<'static, str>>,
    ) -> Self {
        RuleInfo {
            id: id.into(),
            family: family.into(),
            severity,
            source: source.into(),
        }
    }
}

/// An edit: a check of one claim that reports [`Hit`]s.
///
/// Built-in edits and a vendor's own are the same kind of thing, registered the same way
/// ([`ScrubberBuilder::rule`](crate::ScrubberBuilder::rule)). A rule is shared by every
/// thread of a batch, so it is `Send + Sync` and keeps no per-claim state.
///
/// ```
/// use medbill_scrub::{ClaimContext, Hit, Rule, RuleInfo, Severity, Sink};
/// struct NeedsReferral(RuleInfo);
/// impl Rule for NeedsReferral {
///     fn info(&self) -> &RuleInfo { &self.0 }
///     fn check(&self, claim: &ClaimContext<'_>, sink: &mut Sink<'_>) {
///         if claim.claim().referral_number.is_none() {
///             sink.report(Hit::new("this plan requires a referral number")
///                 .fix("add the referral number (REF*9F)"));
///         }
///     }
/// }
/// let rule = NeedsReferral(RuleInfo::new("ACME.REFERRAL", "ACME", Severity::Deny, "ACME policy"));
/// assert_eq!(rule.info().family, "ACME");
/// ```
pub trait Rule: Send + Sync {
    /// The edit's id, family, default severity and data source.
    fn info(&self) -> &RuleInfo;

    /// Checks one claim, reporting what it finds to `sink`.
    fn check(&self, claim: &ClaimContext<'_>, sink: &mut Sink<'_>);
}

/// A rule made of a closure (or a function).
///
/// ```
/// use medbill_scrub::{FnRule, Hit, RuleInfo, Severity};
/// let rule = FnRule::new(
///     RuleInfo::new("ACME.MAX_LINES", "ACME", Severity::Reject, "ACME companion guide"),
///     |claim, sink| {
///         if claim.lines().len() > 6 {
///             sink.report(Hit::new("ACME accepts at most 6 lines per claim")
///                 .fix("split the claim"));
///         }
///     },
/// );
/// # let _ = rule;
/// ```
pub struct FnRule<F> {
    info: RuleInfo,
    check: F,
}

impl<F> FnRule<F>
where
    F: Fn(&ClaimContext<'_>, &mut Sink<'_>) + Send + Sync,
{
    /// A rule from its description and check.
    pub fn new(info: RuleInfo, check: F) -> Self {
        FnRule { info, check }
    }
}

impl<F> std::fmt::Debug for FnRule<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FnRule").field("info", &self.info).finish()
    }
}

impl<F> Rule for FnRule<F>
where
    F: Fn(&ClaimContext<'_>, &mut Sink<'_>) + Send + Sync,
{
    fn info(&self) -> &RuleInfo {
        &self.info
    }

    fn check(&self, claim: &ClaimContext<'_>, sink: &mut Sink<'_>) {
        (self.check)(claim, sink)
    }
}

/// Where a rule reports: stamps each [`Hit`] with the claim, the edit id and the severity the
/// configuration gives the edit, and locates it: a hit naming a [`field`](Hit::field) the
/// reader reported a problem on gets that problem's location.
#[derive(Debug)]
pub struct Sink<'a> {
    claim: &'a str,
    edit: &'a str,
    severity: Severity,
    problems: &'a [Problem],
    out: &'a mut Vec<Finding>,
    /// Where this sink's findings start in `out`.
    start: usize,
}

impl<'a> Sink<'a> {
    /// A sink appending to `out`.
    pub fn new(
        claim: &'a str,
        edit: &'a str,
        severity: Severity,
        out: &'a mut Vec<Finding>,
    ) -> Self {
        let start = out.len();
        Sink {
            claim,
            edit,
            severity,
            problems: &[],
            out,
            start,
        }
    }

    /// The same sink, locating hits from the problems the reader attached to the claim
    /// ([`Claim::problems`](medbill_claim::Claim::problems)); the scrubber does this.
    #[must_use]
    pub fn with_problems(mut self, problems: &'a [Problem]) -> Self {
        self.problems = problems;
        self
    }

    /// Reports a hit.
    pub fn report(&mut self, mut hit: Hit) {
        if hit.at.is_none()
            && !self.problems.is_empty()
            && let Some(field) = hit.field.as_deref()
        {
            hit.at = self
                .problems
                .iter()
                .find(|p| p.field() == Some(field))
                .and_then(|p| p.at.clone());
        }
        self.out
            .push(Finding::new(self.claim, self.edit, self.severity, hit));
    }

    /// The severity findings of this edit get.
    pub fn severity(&self) -> Severity {
        self.severity
    }

    /// The id of the edit reporting.
    pub fn edit(&self) -> &str {
        self.edit
    }

    /// Whether this sink has reported a finding on `field`.
    pub(crate) fn has_reported(&self, field: &str) -> bool {
        self.out[self.start..]
            .iter()
            .any(|f| f.field.as_deref() == Some(field))
    }
}
