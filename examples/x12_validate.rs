//! Validates an X12 file against the HIPAA implementation guides and prints the verdict.
//!
//! ```sh
//! cargo run --release --example x12_validate -- FILE          # one JSON object on one line
//! cargo run --release --example x12_validate -- --ack FILE    # the 999 (and TA1) instead
//! ```
//!
//! The JSON has one entry per transaction set: its ID, control number, guide, whether it would be
//! accepted, set-level IK5 codes and each finding (IK3 `code`, IK4 `element_code`, segment,
//! 1-based position in the set, loop, element, component, byte offset, message). Messages never
//! quote element values. Exit status is 0 whenever the file could be read, valid or not.

use std::process::ExitCode;

use medbill::x12::X12Error;
use medbill::x12::ack::{AckOptions, implementation_acks, interchange_acks};
use medbill::x12::validate::{NoticeKind, Validator};
use serde_json::json;

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
                "set_errors": t.errors,
                "errors": errors,
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
    });
    println!("{out}");
    ExitCode::SUCCESS
}
