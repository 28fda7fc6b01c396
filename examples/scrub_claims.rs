//! Scrub claims with every built-in edit and print the findings.
//!
//! ```text
//! cargo run --release --example scrub_claims -- FILE [--ptp FILE]... [--mue FILE]... [--aoc FILE]
//!     [--hcpcs FILE] [--config FILE] [--submitted YYYY-MM-DD] [--json]
//! ```
//!
//! `FILE` is the claims to scrub: an X12 837P or 837I file (read with medbill-x12's typed
//! reader, leniently: a value the claim model cannot hold is left out and reported on
//! stderr, a claim the model refuses is skipped and reported), or a JSON array of
//! `medbill-claim` claims when the name ends in `.json`. For example, from the repository:
//!
//! ```text
//! cargo run --release --example scrub_claims -- crates/medbill-scrub/tests/fixtures/claims.837 \
//!     --ptp crates/medbill-scrub/tests/fixtures/ptp_practitioner.txt \
//!     --mue crates/medbill-scrub/tests/fixtures/mue_practitioner.csv \
//!     --aoc crates/medbill-scrub/tests/fixtures/aoc.txt --submitted 2026-03-05 --json
//! ```
//!
//! (those NCCI files are synthetic fixtures with made-up codes in the CMS layouts).
//!
//! NCCI tables are loaded from the CMS quarterly files (`--ptp` and `--mue` may repeat: CMS
//! splits the practitioner PTP table into several files). The setting comes from the file
//! name as CMS names them: `ccioph`/`hosp`/`outpatient` is outpatient hospital, `dme` is DME,
//! anything else practitioner. `--hcpcs` is the CMS alpha-numeric HCPCS file; `--config` a
//! JSON rule-set configuration ([`medbill::scrub::ScrubConfig`]). `--submitted` is the
//! submission date (default today).
//!
//! With `--json`, one object per finding per line, then a summary:
//!
//! ```text
//! {"claim":"PCN123","line":2,"edit":"NCCI.PTP","severity":"deny","codes":["11111","22222"],"message":"...","fix":"..."}
//! {"summary":{"claims":1,"clean":0,"findings":1}}
//! ```
//!
//! (`line` is null for a claim-level finding.) Without it, a readable report per claim.
//! Exit status: 0 when the file was read, whatever was found; 1 when it could not be read or
//! a reference file failed to load; 2 on a usage error.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chrono::NaiveDate;
use medbill::claim::Claim;
use medbill::scrub::ncci::{AddOnTable, MueTable, NcciSetting, PtpTable};
use medbill::scrub::{Finding, ReferenceData, ScrubConfig, ScrubOptions, Scrubber};
use medbill::x12::typed::{self, ReadMode, TypedTransaction};

#[derive(Debug, Default)]
struct Args {
    input: Option<PathBuf>,
    ptp: Vec<PathBuf>,
    mue: Vec<PathBuf>,
    aoc: Option<PathBuf>,
    hcpcs: Option<PathBuf>,
    config: Option<PathBuf>,
    submitted: Option<NaiveDate>,
    json: bool,
}

const USAGE: &str = "usage: scrub_claims FILE [--ptp FILE]... [--mue FILE]... [--aoc FILE] \
                     [--hcpcs FILE] [--config FILE] [--submitted YYYY-MM-DD] [--json]";

fn parse_args(mut it: impl Iterator<Item = String>) -> Result<Args, String> {
    let mut a = Args::default();
    while let Some(arg) = it.next() {
        let mut value = |name: &str| it.next().ok_or_else(|| format!("{name} needs a value"));
        match arg.as_str() {
            "--ptp" => a.ptp.push(value("--ptp")?.into()),
            "--mue" => a.mue.push(value("--mue")?.into()),
            "--aoc" => a.aoc = Some(value("--aoc")?.into()),
            "--hcpcs" => a.hcpcs = Some(value("--hcpcs")?.into()),
            "--config" => a.config = Some(value("--config")?.into()),
            "--submitted" => {
                let v = value("--submitted")?;
                a.submitted = Some(
                    v.parse()
                        .map_err(|_| format!("--submitted {v:?} is not a YYYY-MM-DD date"))?,
                );
            }
            "--json" => a.json = true,
            "-h" | "--help" => return Err(String::new()),
            s if s.starts_with("--") => return Err(format!("unknown option {s}")),
            _ if a.input.is_some() => return Err(format!("a second input file {arg:?}")),
            _ => a.input = Some(arg.into()),
        }
    }
    if a.input.is_none() {
        return Err("no input file".into());
    }
    Ok(a)
}

/// Reads the claims of a file: a JSON array of claims for `.json`, X12 837 otherwise.
/// Problems the 837 reader reports go to stderr (they name fields and positions, never
/// patient data).
fn read_claims(path: &Path) -> Result<Vec<Claim>, String> {
    let is_json = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"));
    let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    if is_json {
        return serde_json::from_slice(&bytes).map_err(|e| format!("{}: {e}", path.display()));
    }
    let file = typed::read_all(&bytes, ReadMode::Lenient)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    let mut claims = Vec::new();
    for (i, t) in file.transactions.into_iter().enumerate() {
        match t {
            TypedTransaction::Claims(batch) => {
                for p in &batch.problems {
                    eprintln!("note: {}: {p}", path.display());
                }
                claims.extend(batch.claims);
            }
            _ => eprintln!(
                "note: {}: transaction set {} is not an 837; skipped",
                path.display(),
                i + 1
            ),
        }
    }
    let errors = file
        .diagnostics
        .iter()
        .filter(|d| d.severity == medbill::x12::Severity::Error)
        .count();
    if errors > 0 {
        eprintln!(
            "note: {}: {errors} envelope or syntax errors (x12_validate shows them)",
            path.display()
        );
    }
    Ok(claims)
}

/// The NCCI setting a CMS file name implies.
fn setting_of(path: &Path) -> NcciSetting {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    if name.contains("oph") || name.contains("hosp") || name.contains("outpatient") {
        NcciSetting::OutpatientHospital
    } else if name.contains("dme") {
        NcciSetting::Dme
    } else {
        NcciSetting::Practitioner
    }
}

fn load_reference(a: &Args) -> Result<ReferenceData, String> {
    let mut data = ReferenceData::new();
    for setting in [NcciSetting::Practitioner, NcciSetting::OutpatientHospital] {
        let files: Vec<&PathBuf> = a.ptp.iter().filter(|p| setting_of(p) == setting).collect();
        if files.is_empty() {
            continue;
        }
        let mut b = PtpTable::builder(setting);
        for f in files {
            b.read_path(f).map_err(|e| e.to_string())?;
        }
        data = data.with_ptp(b.build());
    }
    for setting in [
        NcciSetting::Practitioner,
        NcciSetting::OutpatientHospital,
        NcciSetting::Dme,
    ] {
        let files: Vec<&PathBuf> = a.mue.iter().filter(|p| setting_of(p) == setting).collect();
        if files.is_empty() {
            continue;
        }
        let mut t = MueTable::new(setting);
        for f in files {
            t.read_path(f).map_err(|e| e.to_string())?;
        }
        data = data.with_mue(t);
    }
    if let Some(p) = &a.aoc {
        data = data.with_add_ons(AddOnTable::from_path(p).map_err(|e| e.to_string())?);
    }
    if let Some(p) = &a.hcpcs {
        let (table, skipped) = medbill::codes::HcpcsTable::from_path_lenient(p)
            .map_err(|e| format!("{}: {e}", p.display()))?;
        if !skipped.is_empty() {
            eprintln!(
                "note: {}: {} malformed records skipped",
                p.display(),
                skipped.len()
            );
        }
        data = data.with_hcpcs(table);
    }
    Ok(data)
}

fn print_report(claims: &[Claim], results: &[Vec<Finding>]) {
    for (claim, findings) in claims.iter().zip(results) {
        if findings.is_empty() {
            println!("{}: clean", claim.patient_control_number);
            continue;
        }
        println!(
            "{}: {} finding{}",
            claim.patient_control_number,
            findings.len(),
            if findings.len() == 1 { "" } else { "s" }
        );
        let mut sorted: Vec<&Finding> = findings.iter().collect();
        sorted.sort_by_key(|f| (f.severity, f.line));
        for f in sorted {
            let place = f.line.map_or("claim".to_string(), |l| format!("line {l}"));
            println!("  {:<6} {:<26} {place}: {}", f.severity, f.edit, f.message);
            if let Some(fix) = &f.fix {
                println!("         fix: {fix}");
            }
        }
    }
}

fn main() -> ExitCode {
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(a) => a,
        Err(e) => {
            if !e.is_empty() {
                eprintln!("error: {e}");
            }
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    let Some(input) = args.input.as_deref() else {
        return ExitCode::from(2);
    };
    let claims = match read_claims(input) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(1);
        }
    };
    let data = match load_reference(&args) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(1);
        }
    };
    let config = match &args.config {
        None => ScrubConfig::default(),
        Some(p) => match std::fs::read_to_string(p)
            .map_err(|e| e.to_string())
            .and_then(|t| ScrubConfig::from_json(&t).map_err(|e| e.to_string()))
        {
            Ok(c) => c,
            Err(e) => {
                eprintln!("error: {}: {e}", p.display());
                return ExitCode::from(1);
            }
        },
    };
    let stamp = data.stamp();
    let scrubber = match Scrubber::builder(data)
        .with_builtins()
        .config(config)
        .build()
    {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(1);
        }
    };
    let today = chrono::Local::now().date_naive();
    let options = ScrubOptions::new(args.submitted.unwrap_or(today), today);
    let results = scrubber.scrub_batch(&claims, &options);
    let total: usize = results.iter().map(Vec::len).sum();
    let clean = results.iter().filter(|f| f.is_empty()).count();
    if args.json {
        for f in results.iter().flatten() {
            match serde_json::to_string(f) {
                Ok(line) => println!("{line}"),
                Err(e) => eprintln!("error: {e}"),
            }
        }
        println!(
            "{}",
            serde_json::json!({"summary": {"claims": claims.len(), "clean": clean, "findings": total}})
        );
    } else {
        println!("reference data: {stamp}");
        print_report(&claims, &results);
        println!("{} claims, {clean} clean, {total} findings", claims.len());
    }
    ExitCode::SUCCESS
}
