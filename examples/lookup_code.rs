//! Look up codes: `cargo run --release --example lookup_code -- [--system SYSTEM] CODE...`
//!
//! Prints one JSON object per code, one per line. (Date-of-service validity arrives with the
//! embedded code sets.)

use std::process::ExitCode;

use medbill::codes::{CodeError, Icd10CmCode, Npi, ProcedureCode};

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let mut system = String::from("icd10cm");
    let mut codes = Vec::new();
    while let Some(a) = args.next() {
        if a == "--system" {
            system = args.next().unwrap_or_default();
        } else {
            codes.push(a);
        }
    }
    for input in codes {
        let parsed: Result<String, CodeError> = match system.as_str() {
            "npi" => input.parse::<Npi>().map(|c| c.to_string()),
            "cpt" | "hcpcs" => input.parse::<ProcedureCode>().map(|c| c.to_string()),
            _ => input.parse::<Icd10CmCode>().map(|c| c.to_string()),
        };
        let line = match parsed {
            Ok(code) => {
                serde_json::json!({"input": input, "system": system, "code": code, "valid": true, "reason": null})
            }
            Err(e) => {
                serde_json::json!({"input": input, "system": system, "code": null, "valid": false, "reason": e.to_string()})
            }
        };
        println!("{line}");
    }
    ExitCode::SUCCESS
}
