//! Read an X12 file into claims, remittances and acknowledgments, and print them as JSON.
//!
//! ```text
//! cargo run --release --example x12_json -- FILE [--strict]
//! ```
//!
//! Prints one JSON object for the file, a transaction per set:
//!
//! ```text
//! {"transactions":[{"id":"837","control":"0001","guide":"005010X222A1","claims":[{
//!   "patient_control_number":"PCN-1","total_charge":"250","place_of_service":"11",
//!   "frequency_code":"1","diagnoses":["E11.9","I10"],"lines":[{"procedure":{"qualifier":"HC",
//!   "code":"99213","modifiers":["25"]},"charge":"150","units":"1","service_date":"2024-01-05",
//!   "diagnosis_pointers":[1,2]}]}]}]}
//! ```
//!
//! An 835 set has `payment` (`amount`, `method`, `date`, `trace_number`),
//! `provider_adjustments` and `claims` (with `status`, `charge`, `paid`,
//! `patient_responsibility`, `payer_claim_number`, `adjustments` and `lines`); a 277CA or 999
//! set has `acknowledgments`. Money is a string. No patient names, birth dates or member IDs
//! are printed.
//!
//! Values the claim model cannot hold, and claims it skipped, are reported on stderr with their
//! positions. With `--strict` a claim with any such problem is skipped instead of kept. Exit
//! status: 0 when the file was read (problems or not), 1 when it could not be read or is not
//! X12, 2 on a usage error.

use std::process::ExitCode;

use medbill::claim::{Claim, ClaimDetail, ClaimPayment, LinePayment};
use medbill::x12::typed::{self, ReadMode, TypedError, TypedTransaction};
use serde::Serialize;

#[derive(Serialize)]
struct File {
    transactions: Vec<Transaction>,
}

#[derive(Serialize)]
struct Transaction {
    id: String,
    control: String,
    guide: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    form: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    payment: Option<Payment>,
    #[serde(skip_serializing_if = "Option::is_none")]
    provider_adjustments: Option<Vec<ProviderAdjustment>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    claims: Option<Claims>,
    #[serde(skip_serializing_if = "Option::is_none")]
    acknowledgments: Option<Vec<medbill::claim::Acknowledgment>>,
}

/// Claims of an 837 or claim payments of an 835, under the same key.
#[derive(Serialize)]
#[serde(untagged)]
enum Claims {
    Submitted(Vec<Claim837>),
    Paid(Vec<Claim835>),
}

#[derive(Serialize)]
struct Procedure {
    qualifier: String,
    code: String,
    modifiers: Vec<String>,
}

#[derive(Serialize)]
struct Line837 {
    procedure: Option<Procedure>,
    #[serde(skip_serializing_if = "Option::is_none")]
    revenue_code: Option<String>,
    charge: String,
    units: String,
    service_date: Option<String>,
    diagnosis_pointers: Vec<u8>,
}

#[derive(Serialize)]
struct Claim837 {
    patient_control_number: String,
    total_charge: String,
    place_of_service: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    type_of_bill: Option<String>,
    frequency_code: String,
    payer_id: String,
    billing_provider_npi: Option<String>,
    diagnoses: Vec<String>,
    lines: Vec<Line837>,
}

#[derive(Serialize)]
struct Payment {
    amount: String,
    method: String,
    date: String,
    trace_number: String,
}

#[derive(Serialize)]
struct ProviderAdjustment {
    reason: String,
    reference: Option<String>,
    amount: String,
}

#[derive(Serialize)]
struct Adjustment {
    group: String,
    reason: String,
    amount: String,
}

#[derive(Serialize)]
struct Line835 {
    procedure: Option<Procedure>,
    #[serde(skip_serializing_if = "Option::is_none")]
    revenue_code: Option<String>,
    charge: String,
    paid: String,
    service_date: Option<String>,
    adjustments: Vec<Adjustment>,
    remarks: Vec<String>,
}

#[derive(Serialize)]
struct Claim835 {
    patient_control_number: String,
    status: String,
    charge: String,
    paid: String,
    patient_responsibility: String,
    payer_claim_number: Option<String>,
    adjustments: Vec<Adjustment>,
    remarks: Vec<String>,
    lines: Vec<Line835>,
}

fn adjustments(list: &[medbill::claim::Adjustment]) -> Vec<Adjustment> {
    list.iter()
        .map(|a| Adjustment {
            group: a.group.to_string(),
            reason: a.reason.as_str().to_owned(),
            amount: a.amount.to_string(),
        })
        .collect()
}

/// The SV101 qualifier the reader kept when it was not `HC`.
fn qualifier(extra: &[medbill::claim::RawSegment], template: &str) -> String {
    extra
        .iter()
        .find(|r| r.loop_id == template)
        .and_then(|r| r.text.split('*').nth(1))
        .and_then(|e| e.split(':').next())
        .filter(|q| !q.is_empty())
        .unwrap_or("HC")
        .to_owned()
}

fn claim_837(c: &Claim) -> Claim837 {
    let (pos, tob, lines) = match &c.detail {
        ClaimDetail::Professional(p) => (
            Some(p.place_of_service.to_string()),
            None,
            p.lines
                .iter()
                .map(|l| Line837 {
                    procedure: Some(Procedure {
                        qualifier: qualifier(&l.extra, "2400/SV1"),
                        code: l.procedure.as_str().to_owned(),
                        modifiers: l.modifiers.iter().map(|m| m.as_str().to_owned()).collect(),
                    }),
                    revenue_code: None,
                    charge: l.charge.to_string(),
                    units: l.units.to_string(),
                    service_date: Some(l.service_date.to_string()),
                    diagnosis_pointers: l.diagnosis_pointers.to_vec(),
                })
                .collect(),
        ),
        ClaimDetail::Institutional(i) => (
            None,
            Some(format!("{}{}", i.type_of_bill, c.frequency.as_str())),
            i.lines
                .iter()
                .map(|l| Line837 {
                    procedure: l.procedure.map(|p| Procedure {
                        qualifier: "HC".into(),
                        code: p.as_str().to_owned(),
                        modifiers: l.modifiers.iter().map(|m| m.as_str().to_owned()).collect(),
                    }),
                    revenue_code: Some(l.revenue_code.clone()),
                    charge: l.charge.to_string(),
                    units: l.units.to_string(),
                    service_date: l.service_date.map(|d| d.to_string()),
                    diagnosis_pointers: Vec::new(),
                })
                .collect(),
        ),
        _ => (None, None, Vec::new()),
    };
    Claim837 {
        patient_control_number: c.patient_control_number.to_string(),
        total_charge: c.total_charge.to_string(),
        place_of_service: pos,
        type_of_bill: tob,
        frequency_code: c.frequency.as_str().to_owned(),
        payer_id: c.payer.id.clone(),
        billing_provider_npi: c
            .billing_provider
            .provider
            .npi
            .map(|n| n.as_str().to_owned()),
        diagnoses: c.diagnosis_codes().iter().map(|d| d.to_string()).collect(),
        lines,
    }
}

fn line_835(l: &LinePayment) -> Line835 {
    let procedure = match (&l.procedure, &l.revenue_code) {
        (Some(p), _) => Some(Procedure {
            qualifier: "HC".into(),
            code: p.as_str().to_owned(),
            modifiers: l.modifiers.iter().map(|m| m.as_str().to_owned()).collect(),
        }),
        (None, Some(rev)) => Some(Procedure {
            qualifier: "NU".into(),
            code: rev.clone(),
            modifiers: Vec::new(),
        }),
        // A composite the model does not hold (a dental `AD` code, an NDC) is kept raw.
        (None, None) => l
            .extra
            .iter()
            .find(|r| r.loop_id == "2110/SVC")
            .and_then(|r| r.text.split('*').nth(1))
            .map(|c| c.split(':').collect::<Vec<_>>())
            .filter(|c| c.len() > 1)
            .map(|c| Procedure {
                qualifier: c[0].to_owned(),
                code: c[1].to_owned(),
                modifiers: c[2..]
                    .iter()
                    .filter(|m| !m.is_empty())
                    .map(|m| (*m).to_owned())
                    .collect(),
            }),
    };
    Line835 {
        procedure,
        revenue_code: l.revenue_code.clone(),
        charge: l.charge.to_string(),
        paid: l.paid.to_string(),
        service_date: l.service_date.map(|d| d.to_string()),
        adjustments: adjustments(&l.adjustments),
        remarks: l.remarks.iter().map(|r| r.as_str().to_owned()).collect(),
    }
}

fn claim_835(c: &ClaimPayment) -> Claim835 {
    Claim835 {
        patient_control_number: c.patient_control_number.to_string(),
        status: c.status.as_str().to_owned(),
        charge: c.charge.to_string(),
        paid: c.paid.to_string(),
        patient_responsibility: c.patient_responsibility.to_string(),
        payer_claim_number: c.payer_claim_control_number.clone(),
        adjustments: adjustments(&c.adjustments),
        remarks: c.remarks.iter().map(|r| r.as_str().to_owned()).collect(),
        lines: c.lines.iter().map(line_835).collect(),
    }
}

fn report(problems: &[TypedError]) {
    for p in problems {
        eprintln!("x12_json: {p}");
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let strict = args.iter().any(|a| a == "--strict");
    let files: Vec<&String> = args.iter().filter(|a| !a.starts_with("--")).collect();
    let [path] = files[..] else {
        eprintln!("usage: x12_json FILE [--strict]");
        return ExitCode::from(2);
    };
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("x12_json: {path}: {e}");
            return ExitCode::from(1);
        }
    };
    let mode = if strict {
        ReadMode::Strict
    } else {
        ReadMode::Lenient
    };
    let file = match typed::read_all(&bytes, mode) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("x12_json: {path}: {e}");
            return ExitCode::from(1);
        }
    };
    for d in &file.diagnostics {
        eprintln!("x12_json: {d}");
    }
    let mut out = File {
        transactions: Vec::new(),
    };
    for t in &file.transactions {
        let mut tx = Transaction {
            id: String::new(),
            control: String::new(),
            guide: String::new(),
            form: None,
            claims: None,
            payment: None,
            provider_adjustments: None,
            acknowledgments: None,
        };
        match t {
            TypedTransaction::Claims(b) => {
                report(&b.problems);
                tx.id = "837".into();
                tx.control = b.control.clone();
                tx.guide = b.guide.clone();
                tx.form = Some(if b.header.guide().ends_with("X223A2") {
                    "institutional"
                } else {
                    "professional"
                });
                tx.claims = Some(Claims::Submitted(b.claims.iter().map(claim_837).collect()));
            }
            TypedTransaction::Remittance(r) => {
                report(&r.problems);
                let remit = &r.remittance;
                tx.id = "835".into();
                tx.control = r.control.clone();
                tx.guide = r.guide.clone();
                tx.payment = Some(Payment {
                    amount: remit.payment.amount.to_string(),
                    method: remit.payment.method.as_str().to_owned(),
                    date: remit.payment.date.to_string(),
                    trace_number: remit.payment.trace_number.clone(),
                });
                tx.provider_adjustments = Some(
                    remit
                        .provider_adjustments
                        .iter()
                        .map(|p| ProviderAdjustment {
                            reason: p.reason.clone(),
                            reference: p.reference.clone(),
                            amount: p.amount.to_string(),
                        })
                        .collect(),
                );
                tx.claims = Some(Claims::Paid(remit.claims.iter().map(claim_835).collect()));
            }
            TypedTransaction::Acknowledgments(a) => {
                tx.id = a.id.clone();
                tx.control = a.control.clone();
                tx.guide = a.guide.clone();
                tx.acknowledgments = Some(a.acknowledgments.clone());
            }
            TypedTransaction::Other { id, control, guide } => {
                tx.id = id.clone();
                tx.control = control.clone();
                tx.guide = guide.clone();
            }
            TypedTransaction::Failed { id, control, error } => {
                eprintln!("x12_json: set {id} {control}: {error}");
                tx.id = id.clone();
                tx.control = control.clone();
            }
            _ => {}
        }
        out.transactions.push(tx);
    }
    match serde_json::to_string(&out) {
        Ok(s) => {
            println!("{s}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("x12_json: {e}");
            ExitCode::from(1)
        }
    }
}
