//! The scrubber: rules, rule sets, and single and batch scrubbing.

use std::collections::HashMap;
use std::sync::Arc;

use medbill_claim::Claim;

use crate::config::{CompiledSet, ScrubConfig};
use crate::context::{ClaimContext, ScrubOptions};
use crate::error::ScrubError;
use crate::finding::{Finding, Severity};
use crate::reference::ReferenceData;
use crate::rule::{Rule, RuleInfo, Sink};

/// Scrubs claims: runs the enabled rules of the claim's rule set and collects findings.
///
/// Built once with its reference data, rules and configuration; then shared (it is
/// `Send + Sync`) and used from any number of threads.
///
/// ```
/// use medbill_scrub::{ReferenceData, ScrubOptions, Scrubber};
/// let scrubber = Scrubber::new(ReferenceData::new());
/// assert!(scrubber.rules().iter().any(|r| r.id == "NCCI.PTP"));
/// # let _ = ScrubOptions::on("2026-01-05".parse().unwrap());
/// ```
pub struct Scrubber {
    data: Arc<ReferenceData>,
    rules: Vec<Arc<dyn Rule>>,
    default_set: CompiledSet,
    lines_of_business: HashMap<String, CompiledSet>,
    payers: HashMap<String, CompiledSet>,
}

impl std::fmt::Debug for Scrubber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Scrubber")
            .field("rules", &self.rules.len())
            .field("payers", &self.payers.len())
            .field("lines_of_business", &self.lines_of_business.len())
            .finish_non_exhaustive()
    }
}

impl Scrubber {
    /// The built-in edits with the default configuration.
    pub fn new(data: impl Into<Arc<ReferenceData>>) -> Self {
        // Built-in ids are distinct and the default configuration names none: cannot fail.
        match Scrubber::builder(data).with_builtins().build() {
            Ok(s) => s,
            Err(e) => unreachable!("built-in rule set is inconsistent: {e}"),
        }
    }

    /// A builder with no rules yet.
    pub fn builder(data: impl Into<Arc<ReferenceData>>) -> ScrubberBuilder {
        ScrubberBuilder {
            data: data.into(),
            rules: Vec::new(),
            config: ScrubConfig::default(),
        }
    }

    /// The reference data.
    pub fn data(&self) -> &ReferenceData {
        &self.data
    }

    /// The registered rules' descriptions, in the order they run.
    pub fn rules(&self) -> Vec<&RuleInfo> {
        self.rules.iter().map(|r| r.info()).collect()
    }

    fn set_for(&self, claim: &Claim) -> &CompiledSet {
        self.payers
            .get(&claim.payer.id)
            .or_else(|| {
                if self.lines_of_business.is_empty() {
                    None
                } else {
                    self.lines_of_business.get(claim.filing_indicator.as_str())
                }
            })
            .unwrap_or(&self.default_set)
    }

    /// Whether an edit is enabled for a claim, and its severity there.
    pub fn grade_for(&self, claim: &Claim, edit: &str) -> Option<(bool, Severity)> {
        let set = self.set_for(claim);
        let i = self.rules.iter().position(|r| r.info().id == edit)?;
        Some((set.enabled[i], set.severity[i]))
    }

    /// Scrubs one claim.
    pub fn scrub(&self, claim: &Claim, options: &ScrubOptions) -> Vec<Finding> {
        let mut out = Vec::new();
        self.scrub_into(claim, options, &mut out);
        out
    }

    /// Scrubs one claim, appending findings to `out` (reuse `out` to avoid allocating).
    pub fn scrub_into(&self, claim: &Claim, options: &ScrubOptions, out: &mut Vec<Finding>) {
        let set = self.set_for(claim);
        let ctx = ClaimContext::new(claim, &self.data, options, set.timely_filing_days);
        for (i, rule) in self.rules.iter().enumerate() {
            if !set.enabled[i] {
                continue;
            }
            let mut sink = Sink::new(
                &claim.patient_control_number,
                &rule.info().id,
                set.severity[i],
                out,
            )
            .with_problems(&claim.problems);
            rule.check(&ctx, &mut sink);
        }
    }

    /// Scrubs many claims in parallel, one thread per available core; findings come back
    /// per claim, in the claims' order.
    pub fn scrub_batch(&self, claims: &[Claim], options: &ScrubOptions) -> Vec<Vec<Finding>> {
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        self.scrub_batch_with_threads(claims, options, threads)
    }

    /// [`scrub_batch`](Self::scrub_batch) on at most `threads` threads (at least one).
    pub fn scrub_batch_with_threads(
        &self,
        claims: &[Claim],
        options: &ScrubOptions,
        threads: usize,
    ) -> Vec<Vec<Finding>> {
        let threads = threads.clamp(1, claims.len().max(1));
        if threads == 1 {
            return claims.iter().map(|c| self.scrub(c, options)).collect();
        }
        let chunk = claims.len().div_ceil(threads);
        let mut results: Vec<Vec<Finding>> = Vec::with_capacity(claims.len());
        std::thread::scope(|scope| {
            let handles: Vec<_> = claims
                .chunks(chunk)
                .map(|part| {
                    scope.spawn(move || {
                        part.iter()
                            .map(|c| self.scrub(c, options))
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            for h in handles {
                match h.join() {
                    Ok(part) => results.extend(part),
                    // A rule panicked: propagate, as a sequential run would.
                    Err(p) => std::panic::resume_unwind(p),
                }
            }
        });
        results
    }
}

/// Builds a [`Scrubber`]: reference data, rules (built-in and your own), configuration.
///
/// ```
/// use medbill_scrub::{FnRule, Hit, ReferenceData, RuleInfo, ScrubConfig, Scrubber, Severity};
/// let config = ScrubConfig::from_json(r#"{"default": {"disable": ["NPI"]}}"#)?;
/// let scrubber = Scrubber::builder(ReferenceData::new())
///     .with_builtins()
///     .rule(FnRule::new(
///         RuleInfo::new("ACME.ONE_LINE", "ACME", Severity::Warn, "ACME policy"),
///         |claim, sink| if claim.lines().len() > 1 {
///             sink.report(Hit::new("ACME pays the first line only"));
///         },
///     ))
///     .config(config)
///     .build()?;
/// assert!(scrubber.rules().iter().any(|r| r.id == "ACME.ONE_LINE"));
/// # Ok::<(), medbill_scrub::ScrubError>(())
/// ```
#[must_use]
pub struct ScrubberBuilder {
    data: Arc<ReferenceData>,
    rules: Vec<Arc<dyn Rule>>,
    config: ScrubConfig,
}

impl std::fmt::Debug for ScrubberBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ScrubberBuilder")
            .field("rules", &self.rules.len())
            .finish_non_exhaustive()
    }
}

impl ScrubberBuilder {
    /// Adds every built-in edit ([`builtin_rules`](crate::builtin_rules)).
    pub fn with_builtins(mut self) -> Self {
        self.rules.extend(crate::edits::builtin_rules());
        self
    }

    /// Adds a rule.
    pub fn rule(mut self, rule: impl Rule + 'static) -> Self {
        self.rules.push(Arc::new(rule));
        self
    }

    /// Adds a shared rule.
    pub fn shared_rule(mut self, rule: Arc<dyn Rule>) -> Self {
        self.rules.push(rule);
        self
    }

    /// Sets the configuration.
    pub fn config(mut self, config: ScrubConfig) -> Self {
        self.config = config;
        self
    }

    /// Resolves the configuration against the rules.
    pub fn build(self) -> Result<Scrubber, ScrubError> {
        let ids: Vec<(String, String)> = self
            .rules
            .iter()
            .map(|r| (r.info().id.to_string(), r.info().family.to_string()))
            .collect();
        for (i, (id, _)) in ids.iter().enumerate() {
            if ids[..i].iter().any(|(other, _)| other == id) {
                return Err(ScrubError::DuplicateEdit(id.clone()));
            }
        }
        let defaults: Vec<Severity> = self.rules.iter().map(|r| r.info().severity).collect();
        let mut default_set = CompiledSet::defaults(&defaults);
        default_set.apply(&self.config.default, &ids, "default")?;
        let derive = |name: &str, key: &str, cfg| {
            let mut set = default_set.clone();
            set.apply(cfg, &ids, &format!("{name}.{key}")).map(|()| set)
        };
        let mut lines_of_business = HashMap::new();
        for (key, cfg) in &self.config.lines_of_business {
            lines_of_business.insert(
                key.to_ascii_uppercase(),
                derive("lines_of_business", key, cfg)?,
            );
        }
        let mut payers = HashMap::new();
        for (key, cfg) in &self.config.payers {
            payers.insert(key.clone(), derive("payers", key, cfg)?);
        }
        Ok(Scrubber {
            data: self.data,
            rules: self.rules,
            default_set,
            lines_of_business,
            payers,
        })
    }
}
