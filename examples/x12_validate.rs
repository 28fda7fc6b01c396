//! Validates an X12 file against the HIPAA implementation guides and prints the verdict.
//!
//! ```sh
//! cargo run --release --example x12_validate -- FILE          # one JSON object on one line
//! cargo run --release --example x12_validate -- --ack FILE    # the 999 (and TA1) instead
//! ```
//!
//! The JSON has one entry per transaction set: its ID, control number, guide, whether it would be
//! accepted, its set-level errors and each finding.
//!
//! - `errors`, one object per finding: IK3 `code`, IK4 `element_code`, `segment_id`,
//!   `segment_index` (1-based position in the set, ST being 1), `loop`, `element`, `component`,
//!   `byte` offset and `message`.
//! - `set_errors`, one object per set-level problem (IK502 codes other than `5`): `code`,
//!   `message`, and the segment it is about (`segment_id`, `segment_index`, `byte`: the ST, the
//!   SE, or for a missing SE the last segment read), plus what the kind knows: `expected` and
//!   `found` (SE01, `null` when not a count, and the segments counted for code `4`; ST02 and
//!   SE02 for `3`), `ended_at` (the byte where a set without SE ended, `2`), `transaction_set`,
//!   `guide` and `supported` (`1` and `I6`), `control` (`23`). A set of 49 segments whose SE01
//!   says 48 gives
//!   `{"byte":1343,"code":"4","expected":48,"found":49,"message":"segment count wrong: SE01 says 48, the set has 49","segment_id":"SE","segment_index":49}`.
//!
//! Messages never quote element values (codes, counts, control numbers and guide versions
//! only). Exit status is 0 whenever the file could be read, valid or not.

use std::process::ExitCode;

use medbill::x12::X12Error;
use medbill::x12::ack::{AckOptions, implementation_acks, interchange_acks};
use medbill::x12::validate::{NoticeKind, SetError, SetErrorKind, Validator};
use serde_json::{Value, json};

fn main() -> ExitCode {
    let mut ack = false;
    let mut path = None;
    for arg in std::env::args().skip(1) {
        match arg.as_str() {
            "--ack" => ack = true,
            "-h" | "--help" => {
                println!(
                    "usage: x12_validate [--ack] FILE\n\nPrints the implementation-guide validation as one JSON line, or with --ack the 999 (and a TA1 when the envelope is bad)."
                );
                return ExitCode::SUCCESS;
            }
            flag if flag.starts_with("--") => {
                eprintln!("x12_validate: unknown option {flag}\nusage: x12_validate [--ack] FILE");
                return ExitCode::from(2);
            }
            _ => path = Some(arg),
        }
    }
    let Some(path) = path else {
        eprintln!("usage: x12_validate [--ack] FILE");
        return ExitCode::from(2);
    };
    // Streaming: memory is bounded by the largest transaction set, not the file.
    let file = match std::fs::File::open(&path) {
        Ok(f) => std::io::BufReader::new(f),
        Err(e) => {
            eprintln!("x12_validate: cannot read {path}: {e}");
            return ExitCode::from(1);
        }
    };
    let report = match Validator::new().validate_reader(file) {
        Ok(report) => report,
        Err(X12Error::Io(e)) => {
            eprintln!("x12_validate: cannot read {path}: {e}");
            return ExitCode::from(1);
        }
        Err(e) => {
            // Read, but not X12: no transactions to report.
            let out = json!({"file": path, "transactions": [], "error": e.to_string()});
            println!("{out}");
            return ExitCode::SUCCESS;
        }
    };

    if ack {
        let options = AckOptions::default();
        for interchange in &report.interchanges {
            // A TA1 only for a bad envelope, even when ISA14 asks for one either way.
            if !interchange.envelope_ok()
                && let Some(ta1) = interchange_acks(interchange, &options)
            {
                print!("{ta1}");
            }
            print!("{}", implementation_acks(interchange, &options));
        }
        return ExitCode::SUCCESS;
    }

    let transactions: Vec<_> = report
        .transactions()
        .map(|t| {
            let errors: Vec<_> = t
                .findings
                .iter()
                .map(|f| {
                    json!({
                        "code": f.ik3_code(),
                        "element_code": f.ik4_code(),
                        "segment_id": f.segment_id.as_str(),
                        "segment_index": f.segment_index,
                        "loop": &*f.loop_id,
                        "element": f.element,
                        "component": f.component,
                        "byte": f.byte,
                        "message": f.message(),
                    })
                })
                .collect();
            json!({
                "id": t.id,
                "control": t.control,
                "guide": t.guide.map(|g| g.version()),
                "accepted": t.accepted(),
                "set_errors": t.errors.iter().map(set_error_json).collect::<Vec<_>>(),
                "errors": errors,
                // Past the validator's limits, counted and not listed.
                "suppressed_errors": t.suppressed_findings,
            })
        })
        .collect();
    let envelope: Vec<_> = report
        .interchanges
        .iter()
        .flat_map(|i| i.errors.iter())
        .map(|e| json!({"ta1_code": e.code, "byte": e.byte, "message": e.message()}))
        .collect();
    let notices: Vec<_> = report
        .notices
        .iter()
        .map(|n| {
            let kind = match n.kind {
                NoticeKind::ByteOrderMark => "byte_order_mark",
                NoticeKind::TextOutsideInterchange => "text_outside_interchange",
                NoticeKind::LineBreaksBetweenSegments => "line_breaks_between_segments",
                NoticeKind::UnterminatedSegment => "unterminated_segment",
                NoticeKind::TrailingSeparator => "trailing_separator",
                _ => "other",
            };
            json!({"notice": kind, "byte": n.byte})
        })
        .collect();
    let out = json!({
        "file": path,
        "transactions": transactions,
        "envelope_errors": envelope,
        "notices": notices,
        "suppressed_errors": report.suppressed_findings,
    });
    println!("{out}");
    ExitCode::SUCCESS
}

/// A set-level error as JSON: the fields a finding has (`code`, `message`, `segment_id`,
/// `segment_index`, `byte`) and what its kind carries.
fn set_error_json(e: &SetError) -> Value {
    let mut out = json!({
        "code": e.code(),
        "message": e.message(),
        "segment_id": e.segment_id.as_str(),
        "segment_index": e.segment_index,
        "byte": e.byte,
    });
    let extra = match &e.kind {
        SetErrorKind::SetNotSupported {
            transaction_set,
            supported,
        } => json!({"transaction_set": transaction_set, "supported": supported}),
        SetErrorKind::TrailerMissing { ended_at } => json!({"ended_at": ended_at}),
        SetErrorKind::ControlNumberMismatch { header, trailer } => {
            json!({"expected": header, "found": trailer})
        }
        SetErrorKind::SegmentCountWrong { declared, counted } => {
            json!({"expected": declared, "found": counted})
        }
        SetErrorKind::ControlNumberNotUnique { control } => json!({"control": control}),
        SetErrorKind::GuideNotSupported {
            transaction_set,
            version,
            supported,
        } => json!({"transaction_set": transaction_set, "guide": version, "supported": supported}),
        // Bad ST01/ST02 (and kinds added later) have nothing beyond the code and message.
        _ => json!({}),
    };
    if let (Some(out), Value::Object(extra)) = (out.as_object_mut(), extra) {
        out.extend(extra);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const ISA: &str = "ISA*00*          *00*          *ZZ*A              *ZZ*B              *240101*1200*^*00501*000000001*0*T*:~GS*HC*A*B*20240101*1200*1*X*005010X222A1~";

    fn set_errors(sets: &str) -> Vec<Value> {
        let file = format!("{ISA}{sets}GE*1*1~IEA*1*000000001~");
        let report = Validator::new().validate(file.as_bytes());
        let set = report.transactions().next().expect("a set");
        set.errors.iter().map(set_error_json).collect()
    }

    #[test]
    fn segment_count_mismatch_has_the_se_and_both_counts() {
        let sets = "ST*837*0001*005010X222A1~BHT*0019*00*1*20240101*1200*CH~SE*5*0001~";
        let byte = ISA.len() + sets.find("SE*").unwrap();
        assert_eq!(
            set_errors(sets),
            [json!({
                "code": "4",
                "message": "segment count wrong: SE01 says 5, the set has 3",
                "segment_id": "SE",
                "segment_index": 3,
                "byte": byte,
                "expected": 5,
                "found": 3,
            })]
        );
    }

    #[test]
    fn unsupported_guide_names_it_and_the_supported_ones() {
        let sets = "ST*837*0001*005010X224A2~SE*2*0001~";
        let [e] = &set_errors(sets)[..] else {
            panic!("one set error expected")
        };
        assert_eq!(e["code"], "I6");
        assert_eq!(
            (&e["segment_id"], &e["segment_index"]),
            (&json!("ST"), &json!(1))
        );
        assert_eq!(e["guide"], "005010X224A2");
        assert_eq!(e["transaction_set"], "837");
        assert_eq!(e["supported"], json!(["005010X222A1", "005010X223A2"]));
    }
}
