//! Reading a JSON-lines ledger event without serde's buffering.
//!
//! [`LedgerEvent`] flattens an internally tagged [`EventKind`] into the event object, so
//! serde first copies every field of the object into an intermediate tree, then reads the
//! kind from the tree: most of the time spent reading a ledger. Here a line goes three
//! ways, quickest first:
//!
//! 1. [`scan`]: a flat object of known keys with plain values (every kind but
//!    `adjudicated`, as the ledger writer writes them) is scanned by hand; each typed value
//!    is read from its string by the type's own `Deserialize`;
//! 2. [`fast`]: serde into one flat struct naming every field of every kind (no
//!    buffering), then the kind checked and the event built;
//! 3. `LedgerEvent`'s own `Deserialize`.
//!
//! The first two give up (`None`) on anything they might read differently from the third
//! (a field of another kind, a `null` where a value is required, an unknown kind or key,
//! duplicate keys, escapes...), so the third has the last word: a line is accepted, and
//! gives the same event, exactly when `serde_json::from_str::<LedgerEvent>` accepts it.

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
    status: Option<medbill_codes::Coded<ClaimStatusCode>>,
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
    if let Some(event) = scan(line).or_else(|| fast(line)) {
        return Ok(event);
    }
    serde_json::from_str(line)
}

/// A value of a flat event object, as written: strings without escapes, `true`, `false`,
/// `null` and small whole numbers.
#[derive(Clone, Copy)]
enum Value<'a> {
    Str(&'a str),
    Bool(bool),
    Null,
    Int(u32),
}

/// Reads a typed value from its JSON string's text with the type's own `Deserialize` (the
/// same code serde_json runs on a string), so the value is the same.
fn typed<'de, T: Deserialize<'de>>(text: &'de str) -> Option<T> {
    let de: serde::de::value::BorrowedStrDeserializer<'de, serde::de::value::Error> =
        serde::de::value::BorrowedStrDeserializer::new(text);
    T::deserialize(de).ok()
}

/// Keys of the flat event object this reader knows, each once.
const KEYS: [&str; 24] = [
    "claim_id",
    "date",
    "time",
    "payer_id",
    "event",
    "charge",
    "service_date",
    "service_end",
    "self_pay",
    "passed",
    "manual_intervention",
    "sequence",
    "frequency",
    "batch_control_number",
    "source",
    "outcome",
    "payer_claim_control_number",
    "amount",
    "point_of_service",
    "responsibility",
    "reason",
    "to",
    "write_off",
    "level",
];

/// The common case without serde: one object of known keys with plain values (no nested
/// arrays or objects, no escapes). `None` for anything else, which the callers read with
/// serde.
fn scan(line: &str) -> Option<LedgerEvent> {
    let b = line.as_bytes();
    let mut values: [Option<Value<'_>>; 24] = [None; 24];
    let ws = |i: &mut usize| {
        while *i < b.len() && matches!(b[*i], b' ' | b'\t' | b'\n' | b'\r') {
            *i += 1;
        }
    };
    // A string without escapes or control characters, from the opening quote.
    let string = |i: &mut usize| -> Option<&str> {
        if b.get(*i) != Some(&b'"') {
            return None;
        }
        let start = *i + 1;
        let len = b[start..]
            .iter()
            .position(|&c| c == b'"' || c == b'\\' || c < 0x20)?;
        if b[start + len] != b'"' {
            return None;
        }
        *i = start + len + 1;
        line.get(start..start + len)
    };
    let mut i = 0;
    ws(&mut i);
    if b.get(i) != Some(&b'{') {
        return None;
    }
    i += 1;
    loop {
        ws(&mut i);
        let key = string(&mut i)?;
        let slot = KEYS.iter().position(|k| *k == key)?;
        ws(&mut i);
        if b.get(i) != Some(&b':') {
            return None;
        }
        i += 1;
        ws(&mut i);
        let value = match *b.get(i)? {
            b'"' => Value::Str(string(&mut i)?),
            b't' if b[i..].starts_with(b"true") => {
                i += 4;
                Value::Bool(true)
            }
            b'f' if b[i..].starts_with(b"false") => {
                i += 5;
                Value::Bool(false)
            }
            b'n' if b[i..].starts_with(b"null") => {
                i += 4;
                Value::Null
            }
            b'1'..=b'9' => {
                let len = b[i..].iter().take_while(|c| c.is_ascii_digit()).count();
                if len > 3 || matches!(b.get(i + len), Some(b'.' | b'e' | b'E')) {
                    return None;
                }
                let n = line.get(i..i + len)?.parse().ok()?;
                i += len;
                Value::Int(n)
            }
            _ => return None,
        };
        if values[slot].is_some() {
            return None;
        }
        values[slot] = Some(value);
        ws(&mut i);
        match b.get(i) {
            Some(b',') => i += 1,
            Some(b'}') => {
                i += 1;
                break;
            }
            _ => return None,
        }
    }
    ws(&mut i);
    if i != b.len() {
        return None;
    }
    let get = |k: usize| values[k];
    // A required typed value (a string of the type's text).
    let req = |k: usize| -> Option<&str> {
        match get(k)? {
            Value::Str(s) => Some(s),
            _ => None,
        }
    };
    // An optional string or `null`; `Err` for anything else.
    let opt = |k: usize| -> Result<Option<&str>, ()> {
        match get(k) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Str(s)) => Ok(Some(s)),
            _ => Err(()),
        }
    };
    let opt_typed = |k: usize| -> Option<Option<NaiveDate>> {
        match opt(k).ok()? {
            None => Some(None),
            Some(s) => Some(Some(typed(s)?)),
        }
    };
    let flag = |k: usize| -> Option<bool> {
        match get(k) {
            None => Some(false),
            Some(Value::Bool(v)) => Some(v),
            _ => None,
        }
    };
    let required_flag = |k: usize| -> Option<bool> {
        match get(k)? {
            Value::Bool(v) => Some(v),
            _ => None,
        }
    };
    let owned_opt = |k: usize| -> Option<Option<String>> { Some(opt(k).ok()?.map(str::to_string)) };
    let time = match opt(2).ok()? {
        None => None,
        Some(s) => Some(typed::<NaiveTime>(s)?),
    };
    let payer_id = owned_opt(3)?;
    let kind = match req(4)? {
        "created" => EventKind::Created {
            charge: typed(req(5)?)?,
            service_date: typed(req(6)?)?,
            service_end: opt_typed(7)?,
            self_pay: flag(8)?,
        },
        "documentation_received" => EventKind::DocumentationReceived,
        "coded" => EventKind::Coded,
        "scrubbed" => EventKind::Scrubbed {
            passed: required_flag(9)?,
            manual_intervention: required_flag(10)?,
        },
        "submitted" => EventKind::Submitted {
            charge: typed(req(5)?)?,
            sequence: typed(req(11)?)?,
            batch_control_number: owned_opt(13)?,
        },
        "resubmitted" => EventKind::Resubmitted {
            charge: typed(req(5)?)?,
            frequency: typed(req(12)?)?,
            sequence: typed(req(11)?)?,
            batch_control_number: owned_opt(13)?,
        },
        "acknowledged" => EventKind::Acknowledged {
            source: typed(req(14)?)?,
            outcome: typed(req(15)?)?,
            reasons: Vec::new(),
            payer_claim_control_number: owned_opt(16)?,
        },
        "patient_billed" => EventKind::PatientBilled {
            amount: typed(req(17)?)?,
        },
        "patient_paid" => EventKind::PatientPaid {
            amount: typed(req(17)?)?,
            point_of_service: flag(18)?,
        },
        "adjusted" => EventKind::Adjusted {
            amount: typed(req(17)?)?,
            responsibility: typed(req(19)?)?,
            reason: owned_opt(20)?,
        },
        "transferred" => EventKind::Transferred {
            amount: typed(req(17)?)?,
            to: typed(req(21)?)?,
        },
        "written_off" => EventKind::WrittenOff {
            amount: typed(req(17)?)?,
            responsibility: typed(req(19)?)?,
            write_off: typed(req(22)?)?,
        },
        "refunded" => EventKind::Refunded {
            amount: typed(req(17)?)?,
            to: typed(req(21)?)?,
        },
        "appealed" => EventKind::Appealed {
            amount: typed(req(17)?)?,
            level: match get(23) {
                None => 1,
                Some(Value::Int(n)) => u8::try_from(n).ok()?,
                _ => return None,
            },
        },
        _ => return None,
    };
    // Values of fields the kind does not have are checked as `LedgerEvent` would not check
    // them: leave such lines to serde rather than judge them here.
    let used: &[usize] = match &kind {
        EventKind::Created { .. } => &[5, 6, 7, 8],
        EventKind::Scrubbed { .. } => &[9, 10],
        EventKind::Submitted { .. } => &[5, 11, 13],
        EventKind::Resubmitted { .. } => &[5, 11, 12, 13],
        EventKind::Acknowledged { .. } => &[14, 15, 16],
        EventKind::PatientBilled { .. } => &[17],
        EventKind::PatientPaid { .. } => &[17, 18],
        EventKind::Adjusted { .. } => &[17, 19, 20],
        EventKind::Transferred { .. } | EventKind::Refunded { .. } => &[17, 21],
        EventKind::WrittenOff { .. } => &[17, 19, 22],
        EventKind::Appealed { .. } => &[17, 23],
        _ => &[],
    };
    if (5..KEYS.len()).any(|k| values[k].is_some() && !used.contains(&k)) {
        return None;
    }
    Some(LedgerEvent {
        claim_id: req(0)?.into(),
        date: typed(req(1)?)?,
        time,
        payer_id,
        kind,
    })
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
    fn scanned_lines_read_as_ledger_events_do() {
        let lines = [
            r#"{"claim_id":"A","date":"2026-03-01","event":"coded"}"#,
            r#" { "claim_id" : "A" , "date" : "2026-03-01" , "event" : "coded" } "#,
            "{\"claim_id\":\"A\",\"date\":\"2026-03-01\",\"event\":\"coded\"}\r\n",
            r#"{"claim_id":"A\u0042","date":"2026-03-01","event":"coded"}"#,
            "{\"claim_id\":\"A\tB\",\"date\":\"2026-03-01\",\"event\":\"coded\"}",
            r#"{"claim_id":"Ä","date":"2026-03-01","event":"coded","time":"07:30:00"}"#,
            r#"{"claim_id":"A","date":"2026-03-01","event":"coded","time":"25:00:00"}"#,
            r#"{"claim_id":"A","date":"2026-02-30","event":"coded"}"#,
            r#"{"claim_id":"A","date":"2026-03-01","event":"coded"} x"#,
            r#"{"claim_id":"A","date":"2026-03-01","event":"coded",}"#,
            r#"{"claim_id":"A","date":"2026-03-01","event":"coded","claim_id":"B"}"#,
            r#"{"claim_id":"A","date":"2026-03-01","event":"coded","extra":{"x":[1]}}"#,
            r#"{"claim_id":"A","date":"2026-03-01","event":"coded","charge":"x"}"#,
            r#"{"claim_id":"A","date":"2026-03-01","event":"coded","payer_id":null}"#,
            r#"{"claim_id":"A","date":"2026-03-01","event":"coded","payer_id":7}"#,
            r#"{"claim_id":1,"date":"2026-03-01","event":"coded"}"#,
            r#"{"claim_id":"A","date":"2026-03-01","event":"appealed","amount":"1.5","level":3}"#,
            r#"{"claim_id":"A","date":"2026-03-01","event":"appealed","amount":"1.5","level":03}"#,
            r#"{"claim_id":"A","date":"2026-03-01","event":"appealed","amount":"1.5","level":256}"#,
            r#"{"claim_id":"A","date":"2026-03-01","event":"appealed","amount":"1.5","level":2.0}"#,
            r#"{"claim_id":"A","date":"2026-03-01","event":"appealed","amount":"1.5","level":1e1}"#,
            r#"{"claim_id":"A","date":"2026-03-01","event":"patient_paid","amount":"-0.00"}"#,
            r#"{"claim_id":"A","date":"2026-03-01","event":"patient_paid","amount":"1.2.3"}"#,
            r#"{"claim_id":"A","date":"2026-03-01","event":"patient_paid","amount":"99999999999999999999999999999"}"#,
            r#"{"claim_id":"A","date":"2026-03-01","event":"patient_paid","amount":"0.0000000000000000000000000001"}"#,
            r#"{"claim_id":"A","date":"2026-03-01","event":"patient_paid","amount":" 5"}"#,
            r#"{"claim_id":"A","date":"2026-03-01","event":"patient_paid","amount":"5","point_of_service":true}"#,
            r#"{"claim_id":"A","date":"2026-03-01","event":"submitted","charge":"5","sequence":"S","batch_control_number":null}"#,
            r#"{"claim_id":"A","date":"2026-03-01","event":"submitted","charge":"5","sequence":"s"}"#,
            r#"{"claim_id":"A","date":"2026-03-01","event":"resubmitted","charge":"5","sequence":"T","frequency":"8"}"#,
            r#"{"claim_id":"A","date":"2026-03-01","event":"resubmitted","charge":"5","sequence":"T","frequency":"2"}"#,
            r#"{"claim_id":"A","date":"2026-03-01","event":"acknowledged","source":"277ca","outcome":"rejected","payer_claim_control_number":"P1"}"#,
            r#"{"claim_id":"A","date":"2026-03-01","event":"created","charge":"5","service_date":"2026-02-01","service_end":"2026-02-03"}"#,
            r#"{"claim_id":"A","date":"2026-03-01","event":"created","charge":"5","service_date":"2026-02-01","service_end":7}"#,
            r#"{"claim_id":"A","date":"2026-03-01","event":"written_off","amount":"5","responsibility":"insurance","write_off":"timely_filing"}"#,
            r#"{"claim_id":"A","date":"2026-03-01","event":"adjusted","amount":"5","responsibility":"patient","reason":null}"#,
            r#"{"claim_id":"A","date":"2026-03-01","event":"transferred","amount":"5","to":"Patient"}"#,
            r#"{"claim_id":"A","date":"2026-03-01","event":"refunded","amount":"5","to":"patient","time":null}"#,
            r#"{"claim_id":"A","date":"+2026-03-01","event":"coded"}"#,
            r#"{}"#,
            r#"{"#,
        ];
        for line in lines {
            agrees(line);
        }
        assert!(scan(lines[0]).is_some() && scan(lines[1]).is_some());
    }

    #[test]
    fn synthetic_lines_read_as_ledger_events_do() {
        let events = generate(&SynthConfig {
            claims: 2_000,
            ..SynthConfig::default()
        });
        let (mut flat, mut scanned) = (0, 0);
        for e in &events {
            let line = serde_json::to_string(e).unwrap();
            agrees(&line);
            flat += usize::from(fast(&line).is_some());
            scanned += usize::from(scan(&line).is_some());
            if let Some(quick) = scan(&line) {
                assert_eq!(&quick, e);
            }
        }
        // The point of it: every line the generator writes takes a quick way, and all
        // but adjudications the quickest.
        assert_eq!(flat, events.len());
        let adjudications = events
            .iter()
            .filter(|e| matches!(e.kind, EventKind::Adjudicated { .. }))
            .count();
        assert_eq!(scanned, events.len() - adjudications);
    }

    #[test]
    fn mutated_lines_read_as_ledger_events_do() {
        use crate::synth::SplitMix64;
        let events = generate(&SynthConfig {
            claims: 300,
            ..SynthConfig::default()
        });
        let lines: Vec<String> = events
            .iter()
            .map(|e| serde_json::to_string(e).unwrap())
            .collect();
        let alphabet = b"\"':,{}[]nulltruefalse0123456789.-+eE \\tx_";
        let mut rng = SplitMix64::new(7);
        for _ in 0..30_000 {
            let mut line = lines[rng.below(lines.len() as u64) as usize]
                .clone()
                .into_bytes();
            for _ in 0..1 + rng.below(3) {
                let at = rng.below(line.len() as u64) as usize;
                let c = alphabet[rng.below(alphabet.len() as u64) as usize];
                match rng.below(3) {
                    0 => line[at] = c,
                    1 => line.insert(at, c),
                    _ => {
                        line.remove(at);
                    }
                }
            }
            agrees(std::str::from_utf8(&line).unwrap());
        }
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
