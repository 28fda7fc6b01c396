//! Rule-set configuration: enabling, disabling and re-grading edits per payer and line of
//! business, without code.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::error::ScrubError;
use crate::finding::Severity;

/// The default timely filing limit, in days from the date of service.
pub const DEFAULT_TIMELY_FILING_DAYS: u32 = 365;

/// Which edits run and how they are graded: a default rule set, overridden per line of
/// business (claim filing indicator code, such as `MB` for Medicare Part B or `MC` for
/// Medicaid) and per payer (payer id as on the claim).
///
/// A claim gets its payer's rule set if there is one, else its line of business's, else the
/// default; payer and line-of-business entries are applied on top of the default.
///
/// Any serde format works; the crate reads JSON itself ([`ScrubConfig::from_json`]):
///
/// ```
/// use medbill_scrub::{ScrubConfig, Severity};
/// let config = ScrubConfig::from_json(r#"{
///     "default": { "disable": ["CLAIM.TIMELY_FILING"], "severity": { "NCCI.MUE": "warn" } },
///     "lines_of_business": { "MC": { "timely_filing_days": 180 } },
///     "payers": {
///         "87726": { "enable": ["CLAIM.TIMELY_FILING"], "timely_filing_days": 90,
///                    "disable": ["ICD10.*"] }
///     }
/// }"#)?;
/// assert_eq!(config.payers["87726"].timely_filing_days, Some(90));
/// assert_eq!(config.default.severity["NCCI.MUE"], Severity::Warn);
/// # Ok::<(), medbill_scrub::ScrubError>(())
/// ```
///
/// Edit patterns are an edit id (`NCCI.PTP`), a family (`NCCI` or `NCCI.*`), or `*` for
/// every edit. A pattern that matches no registered edit is an error when the scrubber is
/// built, so a typo does not silently leave an edit on.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScrubConfig {
    /// The rule set for every claim.
    #[serde(default)]
    pub default: RuleSetConfig,
    /// Overrides by claim filing indicator code (`MB`, `MC`, `CI`, `BL`, ...).
    #[serde(default)]
    pub lines_of_business: BTreeMap<String, RuleSetConfig>,
    /// Overrides by payer id.
    #[serde(default)]
    pub payers: BTreeMap<String, RuleSetConfig>,
}

impl ScrubConfig {
    /// Parses a JSON configuration.
    pub fn from_json(text: &str) -> Result<Self, ScrubError> {
        serde_json::from_str(text).map_err(|e| ScrubError::Config(e.to_string()))
    }
}

/// Changes to a rule set: applied in the order disable, enable, severity.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSetConfig {
    /// Edits to turn off.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub disable: Vec<String>,
    /// Edits to turn (back) on.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub enable: Vec<String>,
    /// New severities by edit pattern.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub severity: BTreeMap<String, Severity>,
    /// Timely filing limit in days after the date of service (default 365).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timely_filing_days: Option<u32>,
}

/// A rule set resolved against the registered rules: one slot per rule.
#[derive(Debug, Clone)]
pub(crate) struct CompiledSet {
    pub(crate) enabled: Vec<bool>,
    pub(crate) severity: Vec<Severity>,
    pub(crate) timely_filing_days: u32,
}

impl CompiledSet {
    pub(crate) fn defaults(defaults: &[Severity]) -> Self {
        CompiledSet {
            enabled: vec![true; defaults.len()],
            severity: defaults.to_vec(),
            timely_filing_days: DEFAULT_TIMELY_FILING_DAYS,
        }
    }

    pub(crate) fn apply(
        &mut self,
        config: &RuleSetConfig,
        ids: &[(String, String)],
        scope: &str,
    ) -> Result<(), ScrubError> {
        for p in &config.disable {
            for i in matching(p, ids, scope)? {
                self.enabled[i] = false;
            }
        }
        for p in &config.enable {
            for i in matching(p, ids, scope)? {
                self.enabled[i] = true;
            }
        }
        for (p, &s) in &config.severity {
            for i in matching(p, ids, scope)? {
                self.severity[i] = s;
            }
        }
        if let Some(days) = config.timely_filing_days {
            self.timely_filing_days = days;
        }
        Ok(())
    }
}

/// Indexes of the rules (`(id, family)`) a pattern names.
fn matching(
    pattern: &str,
    ids: &[(String, String)],
    scope: &str,
) -> Result<Vec<usize>, ScrubError> {
    let p = pattern.trim();
    let family = p.strip_suffix(".*").unwrap_or(p);
    let found: Vec<usize> = ids
        .iter()
        .enumerate()
        .filter(|(_, (id, fam))| {
            p == "*" || id.eq_ignore_ascii_case(p) || fam.eq_ignore_ascii_case(family)
        })
        .map(|(i, _)| i)
        .collect();
    if found.is_empty() {
        return Err(ScrubError::UnknownEdit {
            pattern: pattern.to_string(),
            scope: scope.to_string(),
        });
    }
    Ok(found)
}
