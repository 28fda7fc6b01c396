//! Reading a JSON-lines ledger event without serde's buffering.
//!
//! [`LedgerEvent`] flattens an internally tagged [`EventKind`] into the event object, so
//! serde first copies every field of the object into an intermediate tree, then reads the
//! kind from the tree: most of the time spent reading a ledger. Here a line is read into
//! one flat struct naming every field of every kind, the kind is checked and the event
//! built from it. A line this does not read exactly as [`LedgerEvent`]'s own `Deserialize`
//! would (a field of another kind with a wrong type, a `null` where a value is required, an
//! unknown kind, duplicate fields...) is read again by `LedgerEvent`'s `Deserialize`, which
//! has the last word: a line is accepted, and gives the same event, exactly when
//! `serde_json::from_str::<LedgerEvent>` accepts it.

use std::borrow::Cow;

use chrono::{NaiveDate, NaiveTime};
use medbill_claim::{
    AckOutcome, AckReason, AckSource, AdjudicatedLine, AdjudicationOutcome, Adjustment,
    ClaimStatusCode, EventKind, FrequencyCode, LedgerEvent, PayerSequence, Responsibility,
    WriteOffKind,
};
use rust_decimal::Decimal;
use serde::Deserialize;
use serde::de::IntoDeserializer;

/// Every field of every kind. Fields that `LedgerEvent` requires are `Option`s here (a
/// missing or `null` one sends the line to the slow path); fields it defaults when missing
/// default here too and, like there, refuse `null`.
#[derive(Deserialize)]
struct FlatEvent<'a> {
    #[serde(borrow)]
    claim_id: Cow<'a, str>,
    date: NaiveDate,
    #[serde(default)]
    time: Option<NaiveTime>,
    #[serde(default, borrow)]
    payer_id: Option<Cow<'a, str>>,
    #[serde(borrow)]
    event: Cow<'a, str>,
    #[serde(default)]
    charge: Option<Decimal>,
    #[serde(default)]
    service_date: Option<NaiveDate>,
    #[serde(default)]
    service_end: Option<NaiveDate>,
    #[serde(default)]
    self_pay: bool,
    #[serde(default)]
    passed: Option<bool>,
    #[serde(default)]
    manual_intervention: Option<bool>,
    #[serde(default)]
    sequence: Option<PayerSequence>,
    #[serde(default)]
    frequency: Option<FrequencyCode>,
    #[serde(default, borrow)]
    batch_control_number: Option<Cow<'a, str>>,
    #[serde(default)]
    source: Option<AckSource>,
    #[serde(default, borrow)]
    outcome: Option<Cow<'a, str>>,
    #[serde(default)]
    reasons: Vec<AckReason>,
    #[serde(default, borrow)]
    payer_claim_control_number: Option<Cow<'a, str>>,
    #[serde(default)]
    status: Option<ClaimStatusCode>,
    #[serde(default)]
    paid: Option<Decimal>,
    #[serde(default)]
    patient_responsibility: Option<Decimal>,
    #[serde(default, borrow)]
    trace_number: Option<Cow<'a, str>>,
    #[serde(default)]
    adjustments: Vec<Adjustment>,
    #[serde(default)]
    lines: Vec<AdjudicatedLine>,
    #[serde(default)]
    amount: Option<Decimal>,
    #[serde(default)]
    point_of_service: bool,
    #[serde(default)]
    responsibility: Option<Responsibility>,
    #[serde(default, borrow)]
    reason: Option<Cow<'a, str>>,
    #[serde(default)]
    to: Option<Responsibility>,
    #[serde(default)]
    write_off: Option<WriteOffKind>,
    #[serde(default)]
    level: Option<u8>,
}

/// Reads one line as [`LedgerEvent`]'s `Deserialize` would.
pub(crate) fn parse_line(line: &str) -> Result<LedgerEvent, serde_json::Error> {
    if let Some(event) = fast(line) {
        return Ok(event);
    }
    serde_json::from_str(line)
}

fn owned(s: Option<Cow<'_, str>>) -> Option<String> {
    s.map(Cow::into_owned)
}

/// The event when the flat read is sure to agree with `LedgerEvent`'s; `None` otherwise.
fn fast(line: &str) -> Option<LedgerEvent> {
    let f: FlatEvent<'_> = serde_json::from_str(line).ok()?;
    // `level` given as `null` is refused by `LedgerEvent` (a `u8` with a default), but
    // reads as `None` here: leave such lines to the slow path.
    if f.level.is_none() && line.contains("\"level\"") {
        return None;
    }
    let kind = match f.event.as_ref() {
        "created" => EventKind::Created {
            charge: f.charge?,
            service_date: f.service_date?,
            service_end: f.service_end,
            self_pay: f.self_pay,
        },
        "documentation_received" => EventKind::DocumentationReceived,
        "coded" => EventKind::Coded,
        "scrubbed" => EventKind::Scrubbed {
            passed: f.passed?,
            manual_intervention: f.manual_intervention?,
        },
        "submitted" => EventKind::Submitted {
            charge: f.charge?,
            sequence: f.sequence?,
            batch_control_number: owned(f.batch_control_number),
        },
        "resubmitted" => EventKind::Resubmitted {
            charge: f.charge?,
            frequency: f.frequency?,
            sequence: f.sequence?,
            batch_control_number: owned(f.batch_control_number),
        },
        "acknowledged" => {
            let outcome: &str = f.outcome.as_deref()?;
            let de: serde::de::value::StrDeserializer<'_, serde::de::value::Error> =
                outcome.into_deserializer();
            EventKind::Acknowledged {
                source: f.source?,
                outcome: AckOutcome::deserialize(de).ok()?,
                reasons: f.reasons,
                payer_claim_control_number: owned(f.payer_claim_control_number),
            }
        }
        "adjudicated" => {
            let outcome: &str = f.outcome.as_deref()?;
            let de: serde::de::value::StrDeserializer<'_, serde::de::value::Error> =
                outcome.into_deserializer();
            EventKind::Adjudicated {
                outcome: AdjudicationOutcome::deserialize(de).ok()?,
                status: f.status?,
                charge: f.charge?,
                paid: f.paid?,
                patient_responsibility: f.patient_responsibility?,
                payer_claim_control_number: owned(f.payer_claim_control_number),
                trace_number: owned(f.trace_number),
                adjustments: f.adjustments,
                lines: f.lines,
            }
        }
        "patient_billed" => EventKind::PatientBilled { amount: f.amount? },
        "patient_paid" => EventKind::PatientPaid {
            amount: f.amount?,
            point_of_service: f.point_of_service,
        },
        "adjusted" => EventKind::Adjusted {
            amount: f.amount?,
            responsibility: f.responsibility?,
            reason: owned(f.reason),
        },
        "transferred" => EventKind::Transferred {
            amount: f.amount?,
            to: f.to?,
        },
        "written_off" => EventKind::WrittenOff {
            amount: f.amount?,
            responsibility: f.responsibility?,
            write_off: f.write_off?,
        },
        "refunded" => EventKind::Refunded {
            amount: f.amount?,
            to: f.to?,
        },
        "appealed" => EventKind::Appealed {
            amount: f.amount?,
            level: f.level.unwrap_or(1),
        },
        _ => return None,
    };
    Some(LedgerEvent {
        claim_id: f.claim_id.into_owned().into(),
        date: f.date,
        time: f.time,
        payer_id: owned(f.payer_id),
        kind,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::synth::{SynthConfig, generate};

    fn agrees(line: &str) {
        let slow = serde_json::from_str::<LedgerEvent>(line);
        let quick = parse_line(line);
        match (slow, quick) {
            (Ok(a), Ok(b)) => assert_eq!(a, b, "{line}"),
            (Err(_), Err(_)) => {}
            (a, b) => panic!("{line}: {a:?} but {b:?}"),
        }
    }

    #[test]
    fn synthetic_lines_read_as_ledger_events_do() {
        let events = generate(&SynthConfig {
            claims: 2_000,
            ..SynthConfig::default()
        });
        let mut fast_ones = 0;
        for e in &events {
            let line = serde_json::to_string(e).unwrap();
            agrees(&line);
            fast_ones += usize::from(fast(&line).is_some());
        }
        // The point of it: every line the generator writes takes the quick way.
        assert_eq!(fast_ones, events.len());
    }

    #[test]
    fn odd_lines_read_as_ledger_events_do() {
        let base = r#""claim_id":"A","date":"2026-03-01""#;
        let kinds = [
            r#""event":"created","charge":"10.00","service_date":"2026-02-28""#,
            r#""event":"created","charge":"10.00","service_date":"2026-02-28","self_pay":null"#,
            r#""event":"created","charge":null,"service_date":"2026-02-28""#,
            r#""event":"created","charge":"10.00""#,
            r#""event":"created","charge":10,"service_date":"2026-02-28""#,
            r#""event":"coded","charge":"not money""#,
            r#""event":"coded","outcome":"paid","level":7"#,
            r#""event":"coded","event":"coded""#,
            r#""event":"coding""#,
            r#""event":"appealed","amount":"5"}"#,
            r#""event":"appealed","amount":"5","level":null"#,
            r#""event":"appealed","amount":"5","level":300"#,
            r#""event":"appealed","amount":"5","level":2"#,
            r#""event":"acknowledged","source":"999","outcome":"paid""#,
            r#""event":"acknowledged","source":"999","outcome":"rejected","reasons":null"#,
            r#""event":"acknowledged","source":"277ca","outcome":"accepted_with_errors""#,
            r#""event":"adjudicated","outcome":"accepted","status":"1","charge":"1","paid":"1","patient_responsibility":"0""#,
            r#""event":"adjudicated","outcome":"denied","status":"4","charge":"1","paid":"0","patient_responsibility":"0","adjustments":[{"group":"CO","reason":"50","amount":"1"}],"lines":null"#,
            r#""event":"adjudicated","outcome":"paid","status":"1","charge":"1","paid":"1","patient_responsibility":"0","trace_number":"T1","lines":[{"procedure":"99213","charge":"1","paid":"1","adjustments":[{"group":"PR","reason":"1","amount":"0.5"}]}]"#,
            r#""event":"patient_paid","amount":"5","point_of_service":null"#,
            r#""event":"patient_paid","amount":"5","point_of_service":true,"unknown":[1,2]"#,
            r#""event":"written_off","amount":"5","responsibility":"patient","write_off":"bad_debt""#,
            r#""event":"written_off","amount":"5","responsibility":"nobody","write_off":"bad_debt""#,
            r#""event":"transferred","amount":"5","to":"patient""#,
            r#""event":"refunded","amount":"5","to":"insurance","time":"10:00:00","payer_id":null"#,
            r#""event":"adjusted","amount":"5","responsibility":"insurance","reason":"small "balance"""#,
            r#""event":"resubmitted","charge":"5","frequency":"7","sequence":"P","batch_control_number":"B1""#,
            r#""event":"submitted","charge":"5","sequence":"Q""#,
            r#""event":"scrubbed","passed":true"#,
        ];
        for k in kinds {
            agrees(&format!("{{{base},{k}}}"));
            agrees(&format!("{{{k},{base}}}"));
        }
        for line in ["", "{}", "[]", "{\"claim_id\":\"A\"}", "not json"] {
            agrees(line);
        }
    }
}
