//! Read an X12 file into claims, remittances and acknowledgments, and print them as JSON.
//!
//! ```text
//! cargo run --release --example x12_json -- FILE [--strict] [--problems]
//! ```
//!
//! Prints one JSON object for the file, a transaction per set:
//!
//! ```text
//! {"transactions":[{"id":"837","control":"0001","guide":"005010X222A1","form":"professional",
//!   "claims":[{"patient_control_number":"PCN-1","total_charge":"250","place_of_service":"11",
//!   "frequency_code":"1","payer_id":"87726","billing_provider_npi":"1234567893",
//!   "diagnoses":["E11.9",{"icd9":"250.00"}],"lines":[{"procedure":{"qualifier":"HC",
//!   "code":"99213","modifiers":["25"]},"charge":"150","units":"1","service_date":"2024-01-05",
//!   "diagnosis_pointers":[1,2]}],"problems":0}]}]}
//! ```
//!
//! Every CLM of an 837 is a claim here: one the reader could not place has `"unreadable"` (why)
//! with its `patient_control_number` and `total_charge`. Every value is as sent: a code that is
//! not valid is printed as sent, and counted in the claim's `problems`. An ICD-10-CM diagnosis
//! is its code, an ICD-9-CM one `{"icd9": code}`. An 835 set has `payment`, `provider_adjustments`
//! and `claims` (with `status`, `charge`, `paid`, `patient_responsibility`,
//! `payer_claim_number`, `adjustments` and `lines`); a 277CA or 999 set has
//! `acknowledgments`. Money is a string. No patient names, birth dates or member IDs are
//! printed.
//!
//! On stderr: the reader's envelope and syntax notes, then one line counting the claims and
//! the problems by kind. `--problems` lists every problem instead, one per line, with the claim
//! and where it was (segment and byte). `--strict` fails on the first problem.
//!
//! Exit status: 0 when the file was read (problems or not), 1 when it could not be read, is not
//! X12, or (with `--strict`) has a problem; 2 on a usage error. A closed pipe ends it quietly.

use std::collections::BTreeMap;
use std::io::Write;
use std::process::ExitCode;

use medbill::claim::{Claim, ClaimDetail, ClaimPayment, Coded, DiagnosisCode, LinePayment};
use medbill::x12::typed::{self, ReadMode, TypedTransaction, UnreadableClaim};
use serde::Serialize;

const USAGE: &str = "usage: x12_json FILE [--strict] [--problems]";
const HELP: &str =
    "x12_json: print the claims, remittances and acknowledgments of an X12 file as JSON

usage: x12_json FILE [--strict] [--problems]

  --strict     fail (exit 1) on the first problem instead of reading leniently
  --problems   list every problem on stderr (default: counts by kind)
  -h, --help   this help

Every CLM is a claim in the output, every value as sent. Exit 0 when the file was read,
1 when it could not be, 2 on a usage error.";

#[derive(Serialize)]
struct File {
    transactions: Vec<Transaction>,
}

#[derive(Serialize, Default)]
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
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
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

#[derive(Serialize, Default)]
struct Claim837 {
    patient_control_number: String,
    total_charge: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    unreadable: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    place_of_service: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    type_of_bill: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    frequency_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    payer_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    billing_provider_npi: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    diagnoses: Option<Vec<DiagnosisCode>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    lines: Option<Vec<Line837>>,
    problems: usize,
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
    problems: usize,
}

fn texts<T>(codes: &[Coded<T>]) -> Vec<String>
where
    T: medbill::codes::CodeValue,
{
    codes.iter().map(|c| c.as_str().to_owned()).collect()
}

fn adjustments(list: &[medbill::claim::Adjustment]) -> Vec<Adjustment> {
    list.iter()
        .map(|a| Adjustment {
            group: a.group.as_str().to_owned(),
            reason: a.reason.as_str().to_owned(),
            amount: a.amount.to_string(),
        })
        .collect()
}

/// The SV101 or SV202 qualifier the reader kept when it was not `HC`.
fn qualifier(extra: &[medbill::claim::RawSegment], template: &str, element: usize) -> String {
    extra
        .iter()
        .find(|r| r.loop_id == template)
        .and_then(|r| r.text.split('*').nth(element))
        .and_then(|e| e.split(':').next())
        .filter(|q| !q.is_empty())
        .unwrap_or("HC")
        .to_owned()
}

fn claim_837(c: &Claim) -> Claim837 {
    let (pos, tob, lines) = match &c.detail {
        ClaimDetail::Professional(p) => (
            Some(p.place_of_service.as_str().to_owned()),
            None,
            p.lines
                .iter()
                .map(|l| Line837 {
                    procedure: Some(Procedure {
                        qualifier: qualifier(&l.extra, "2400/SV1", 1),
                        code: l.procedure.as_str().to_owned(),
                        modifiers: texts(&l.modifiers),
                    }),
                    revenue_code: None,
                    charge: l.charge.to_string(),
                    units: l.units.to_string(),
                    service_date: l.service_date.map(|d| d.to_string()),
                    diagnosis_pointers: l.diagnosis_pointers.to_vec(),
                })
                .collect(),
        ),
        ClaimDetail::Institutional(i) => (
            None,
            c.type_of_bill(),
            i.lines
                .iter()
                .map(|l| Line837 {
                    procedure: l.procedure.as_ref().map(|p| Procedure {
                        qualifier: qualifier(&l.extra, "2400/SV2", 2),
                        code: p.as_str().to_owned(),
                        modifiers: texts(&l.modifiers),
                    }),
                    revenue_code: Some(l.revenue_code.as_str().to_owned()),
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
        total_charge: Some(c.total_charge.to_string()),
        unreadable: None,
        place_of_service: pos,
        type_of_bill: tob,
        frequency_code: Some(c.frequency.as_str().to_owned()),
        payer_id: Some(c.payer.id.clone()),
        billing_provider_npi: c
            .billing_provider
            .provider
            .reported_npi()
            .map(str::to_owned),
        diagnoses: Some(c.diagnosis_codes()),
        lines: Some(lines),
        problems: c.problems.len(),
    }
}

fn unreadable_837(u: &UnreadableClaim) -> Claim837 {
    Claim837 {
        patient_control_number: u.patient_control_number.to_string(),
        total_charge: u.total_charge.map(|t| t.to_string()),
        unreadable: Some(u.reason.to_string()),
        ..Claim837::default()
    }
}

fn line_835(l: &LinePayment) -> Line835 {
    let procedure = match (&l.procedure, &l.revenue_code) {
        (Some(p), _) => Some(Procedure {
            qualifier: "HC".into(),
            code: p.as_str().to_owned(),
            modifiers: texts(&l.modifiers),
        }),
        (None, Some(rev)) => Some(Procedure {
            qualifier: "NU".into(),
            code: rev.as_str().to_owned(),
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
        revenue_code: l.revenue_code.as_ref().map(|r| r.as_str().to_owned()),
        charge: l.charge.to_string(),
        paid: l.paid.to_string(),
        service_date: l.service_date.map(|d| d.to_string()),
        adjustments: adjustments(&l.adjustments),
        remarks: texts(&l.remarks),
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
        remarks: texts(&c.remarks),
        lines: c.lines.iter().map(line_835).collect(),
        problems: c.problems.len(),
    }
}

/// What was found wrong, tallied by kind; each problem is also printed when asked.
struct Problems<'a> {
    path: &'a str,
    list_all: bool,
    by_kind: BTreeMap<&'static str, usize>,
    claims: usize,
    unreadable: usize,
}

impl Problems<'_> {
    fn add(&mut self, claim: Option<&str>, kind: &'static str, text: &dyn std::fmt::Display) {
        *self.by_kind.entry(kind).or_default() += 1;
        if self.list_all {
            match claim {
                Some(c) => eprintln!("x12_json: {}: claim {c}: {text}", self.path),
                None => eprintln!("x12_json: {}: {text}", self.path),
            }
        }
    }

    fn summary(&self) -> String {
        let total: usize = self.by_kind.values().sum();
        let kinds: Vec<String> = self
            .by_kind
            .iter()
            .map(|(k, n)| format!("{k} {n}"))
            .collect();
        let mut s = format!("{} claims", self.claims);
        if self.unreadable > 0 {
            s.push_str(&format!(" ({} unreadable)", self.unreadable));
        }
        if total == 0 {
            s.push_str(", no problems");
        } else {
            s.push_str(&format!(", {total} problems: {}", kinds.join(", ")));
            if !self.list_all {
                s.push_str(" (--problems lists them)");
            }
        }
        s
    }
}

fn transaction(t: &TypedTransaction, problems: &mut Problems<'_>) -> Transaction {
    let mut tx = Transaction::default();
    match t {
        TypedTransaction::Claims(b) => {
            for (claim, p) in b.all_problems() {
                problems.add(claim, p.kind(), &p);
            }
            tx.id = "837".into();
            tx.control = b.control.clone();
            tx.guide = b.guide.clone();
            tx.form = Some(match b.header.form {
                typed::ClaimForm::Institutional => "institutional",
                typed::ClaimForm::Dental => "dental",
                _ => "professional",
            });
            let mut claims: Vec<Claim837> = Vec::with_capacity(b.claim_count());
            let mut unreadable = b.unreadable.iter().peekable();
            for (i, c) in b.claims.iter().enumerate() {
                while let Some(u) = unreadable.next_if(|u| u.index <= i) {
                    claims.push(unreadable_837(u));
                }
                claims.push(claim_837(c));
            }
            claims.extend(unreadable.map(unreadable_837));
            for u in &b.unreadable {
                problems.add(
                    Some(u.patient_control_number.as_str()),
                    "unreadable",
                    &format_args!("could not be read: {} (CLM at {})", u.reason, u.at),
                );
            }
            problems.claims += claims.len();
            problems.unreadable += b.unreadable.len();
            tx.claims = Some(Claims::Submitted(claims));
        }
        TypedTransaction::Remittance(r) => {
            let remit = &r.remittance;
            for p in &r.problems {
                problems.add(None, p.kind(), p);
            }
            for p in &remit.problems {
                problems.add(None, p.error.kind(), p);
            }
            for c in &remit.claims {
                for p in &c.problems {
                    problems.add(Some(c.patient_control_number.as_str()), p.error.kind(), p);
                }
            }
            problems.claims += remit.claims.len();
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
            problems.add(
                None,
                error.kind(),
                &format_args!("set {id} {control}: {error}"),
            );
            tx.id = id.clone();
            tx.control = control.clone();
            tx.error = Some(error.to_string());
        }
        _ => {}
    }
    tx
}

fn main() -> ExitCode {
    let mut strict = false;
    let mut list_all = false;
    let mut path = None;
    for arg in std::env::args_os().skip(1) {
        match arg.to_str() {
            Some("-h" | "--help") => {
                println!("{HELP}");
                return ExitCode::SUCCESS;
            }
            Some("--strict") => strict = true,
            Some("--problems") => list_all = true,
            Some(flag) if flag.starts_with('-') && flag.len() > 1 => {
                eprintln!("x12_json: unknown option {flag}\n{USAGE}");
                return ExitCode::from(2);
            }
            _ if path.is_some() => {
                eprintln!("x12_json: one file at a time\n{USAGE}");
                return ExitCode::from(2);
            }
            _ => path = Some(std::path::PathBuf::from(arg)),
        }
    }
    let Some(path) = path else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    let shown = path.display().to_string();
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("x12_json: {shown}: {e}");
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
            eprintln!("x12_json: {shown}: {e}");
            return ExitCode::from(1);
        }
    };
    for d in &file.diagnostics {
        eprintln!("x12_json: {shown}: {d}");
    }
    let mut problems = Problems {
        path: &shown,
        list_all,
        by_kind: BTreeMap::new(),
        claims: 0,
        unreadable: 0,
    };
    let out = File {
        transactions: file
            .transactions
            .iter()
            .map(|t| transaction(t, &mut problems))
            .collect(),
    };
    if strict
        && let Some(TypedTransaction::Failed { error, .. }) = file
            .transactions
            .iter()
            .find(|t| matches!(t, TypedTransaction::Failed { .. }))
    {
        eprintln!("x12_json: {shown}: {error}");
        return ExitCode::from(1);
    }
    eprintln!("x12_json: {shown}: {}", problems.summary());
    let json = match serde_json::to_string(&out) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("x12_json: {shown}: {e}");
            return ExitCode::from(1);
        }
    };
    let mut stdout = std::io::stdout().lock();
    match writeln!(stdout, "{json}").and_then(|()| stdout.flush()) {
        Ok(()) => ExitCode::SUCCESS,
        // A reader that stopped early (`| head`) is not an error.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("x12_json: {shown}: {e}");
            ExitCode::from(1)
        }
    }
}
