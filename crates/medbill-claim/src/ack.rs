//! Acknowledgments: what the clearinghouse or payer said about a submitted claim or batch.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::ledger::{EventKind, LedgerEvent};

/// Which acknowledgment transaction reported the outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum AckSource {
    /// 999 implementation acknowledgment: syntax and implementation-guide checks on a batch.
    #[serde(rename = "999")]
    Implementation999,
    /// 277CA claim acknowledgment: front-end acceptance or rejection of each claim.
    #[serde(rename = "277ca")]
    ClaimAck277Ca,
    /// TA1 interchange acknowledgment: envelope errors.
    #[serde(rename = "ta1")]
    InterchangeTa1,
    /// A clearinghouse's own report.
    #[serde(rename = "clearinghouse")]
    Clearinghouse,
}

/// The outcome of an acknowledgment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum AckOutcome {
    /// Accepted (999 `A`, 277CA category `A1`/`A2`).
    Accepted,
    /// Accepted with errors noted (999 `E`).
    AcceptedWithErrors,
    /// Rejected (999 `R`/`M`/`W`/`X`, 277CA category `A3`/`A6`/`A7`/`A8`).
    Rejected,
}

impl AckOutcome {
    /// Whether the claim went on to the payer (accepted, with or without errors).
    pub fn is_accepted(self) -> bool {
        !matches!(self, AckOutcome::Rejected)
    }

    /// The outcome a 999 AK901 / IK501 code means, if it is one.
    pub fn from_999_code(code: &str) -> Option<Self> {
        match code.trim() {
            "A" => Some(AckOutcome::Accepted),
            "E" | "P" => Some(AckOutcome::AcceptedWithErrors),
            "R" | "M" | "W" | "X" => Some(AckOutcome::Rejected),
            _ => None,
        }
    }

    /// The outcome a 277CA status category code (STC01-1) means, if it is one.
    pub fn from_277ca_category(category: &str) -> Option<Self> {
        match category.trim() {
            "A0" | "A1" | "A2" | "A5" => Some(AckOutcome::Accepted),
            "A3" | "A4" | "A6" | "A7" | "A8" => Some(AckOutcome::Rejected),
            _ => None,
        }
    }
}

/// One reason an acknowledgment gives, such as a 999 IK3/IK4 error or a 277CA STC status.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct AckReason {
    /// The code: a 999 syntax error code (IK304 / IK403) or a 277CA claim status code (STC01-2).
    pub code: String,
    /// The 277CA status category code (STC01-1), such as `"A7"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// The 277CA entity identifier code (STC01-3), such as `"85"` for the billing provider.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entity: Option<String>,
    /// The segment id in error (999 IK301), such as `"NM1"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub segment: Option<String>,
    /// The element position in error (999 IK401), such as `"9"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub element: Option<String>,
    /// Free text from the acknowledgment. May be absent; never contains PHI that we put there.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

impl AckReason {
    /// A reason from its code only.
    pub fn new(code: impl Into<String>) -> Self {
        AckReason {
            code: code.into(),
            category: None,
            entity: None,
            segment: None,
            element: None,
            message: None,
        }
    }
}

/// An acknowledgment of a submitted claim or batch.
///
/// ```
/// use medbill_claim::{AckOutcome, AckReason, AckSource, Acknowledgment};
/// let ack = Acknowledgment {
///     source: AckSource::ClaimAck277Ca,
///     outcome: AckOutcome::Rejected,
///     date: "2026-03-02".parse().unwrap(),
///     control_number: Some("0001".into()),
///     patient_control_number: Some("PCN1".into()),
///     payer_claim_control_number: None,
///     reasons: vec![AckReason { category: Some("A7".into()), ..AckReason::new("562") }],
/// };
/// assert!(!ack.outcome.is_accepted());
/// let event = ack.event(Some("87726")).unwrap();
/// assert_eq!(event.kind.name(), "acknowledged");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Acknowledgment {
    /// Which transaction said so.
    pub source: AckSource,
    /// The outcome.
    pub outcome: AckOutcome,
    /// The acknowledgment's date.
    pub date: NaiveDate,
    /// The control number of the acknowledged batch or transaction set (AK202 / TRN02).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub control_number: Option<String>,
    /// The claim acknowledged, when claim-level (277CA TRN*2 / REF*D9 is the clearinghouse's;
    /// this is the provider's CLM01).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub patient_control_number: Option<String>,
    /// The payer's claim control number, when the payer assigned one (277CA REF*1K).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payer_claim_control_number: Option<String>,
    /// Why, for rejections and errors.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reasons: Vec<AckReason>,
}

impl Acknowledgment {
    /// The `acknowledged` ledger event for this acknowledgment, for the claim it names
    /// (its [`patient_control_number`](Self::patient_control_number)); `None` for a
    /// batch-level acknowledgment, which the caller fans out to the batch's claims with
    /// [`event_for`](Self::event_for).
    pub fn event(&self, payer_id: Option<&str>) -> Option<LedgerEvent> {
        let pcn = self.patient_control_number.as_deref()?;
        Some(self.event_for(pcn, payer_id))
    }

    /// The `acknowledged` ledger event for this acknowledgment applied to a given claim.
    pub fn event_for(&self, claim_id: &str, payer_id: Option<&str>) -> LedgerEvent {
        LedgerEvent {
            claim_id: claim_id.into(),
            date: self.date,
            time: None,
            payer_id: payer_id.map(str::to_string),
            kind: EventKind::Acknowledged {
                source: self.source,
                outcome: self.outcome,
                reasons: self.reasons.clone(),
                payer_claim_control_number: self.payer_claim_control_number.clone(),
            },
        }
    }
}
