//! Scrub claims with every built-in edit and print the findings.
//!
//! ```text
//! cargo run --release --example scrub_claims -- FILE [--ptp FILE]... [--mue FILE]... [--aoc FILE]
//!     [--hcpcs FILE] [--config FILE] [--submitted YYYY-MM-DD] [--json]
//! ```
//!
//! `FILE` is the claims to scrub: an X12 837P or 837I file, or a JSON array of `medbill-claim`
//! claims when the name ends in `.json`. Nothing is dropped: every CLM of the file is a claim
//! here, each value as sent, and what the reader could not use is judged by an edit
//! (`VALUE.INVALID`, `PROC.INVALID`, `DX.CODE_SET`...); a claim the reader could not place at
//! all gets one `CLAIM.UNREADABLE` finding. On X12 input each finding about one value names
//! the `field` and where it was (`at`: segment index and byte). For example, from the
//! repository:
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
//! With `--json`, one object per finding per line, then a summary counting every claim of the
//! file:
//!
//! ```text
//! {"claim":"PCN123","line":2,"field":"lines[1].procedure","at":{"segment":31,"segment_id":"SV1","byte":912,"element":1,"component":2},"edit":"NCCI.PTP","severity":"deny","codes":["11111","22222"],"message":"...","fix":"..."}
//! {"summary":{"claims":1,"clean":0,"findings":1}}
//! ```
//!
//! (`line` is null for a claim-level finding.) Without it, a readable report per claim.
//! `--help` prints the usage. Exit status: 0 when the file was read, whatever was found; 1 when
//! it could not be read or a reference file failed to load; 2 on a usage error. A closed pipe
//! ends it quietly.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chrono::NaiveDate;
use medbill::claim::Claim;
use medbill::scrub::ncci::{AddOnTable, MueTable, NcciSetting, PtpTable};
use medbill::scrub::{Finding, ReferenceData, ScrubConfig, ScrubOptions, Scrubber};

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

/// The claims of a file and their findings, in claim order: `(patient control number,
/// findings)` per claim, every claim of the file counted.
type Scrubbed = Vec<(String, Vec<Finding>)>;

/// Reads and scrubs the claims of a file: a JSON array of claims for `.json`, X12 837
/// otherwise (every CLM counted; findings located in the file).
fn scrub_file(
    path: &Path,
    scrubber: &Scrubber,
    options: &ScrubOptions,
) -> Result<Scrubbed, String> {
    let shown = path.display();
    let bytes = std::fs::read(path).map_err(|e| format!("{shown}: {e}"))?;
    let is_json = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"));
    if is_json {
        let claims: Vec<Claim> =
            serde_json::from_slice(&bytes).map_err(|e| format!("{shown}: {e}"))?;
        let results = scrubber.scrub_batch(&claims, options);
        return Ok(claims
            .iter()
            .map(|c| c.patient_control_number.to_string())
            .zip(results)
            .collect());
    }
    let scrubbed = medbill::scrub_837(scrubber, &bytes, options.submitted)
        .map_err(|e| format!("{shown}: {e}"))?;
    Ok(scrubbed
        .claims
        .into_iter()
        .map(|c| (c.patient_control_number, c.findings))
        .collect())
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
        // Strict: a malformed record refuses the file, naming its line, rather than leave
        // codes unknown that the file meant to list.
        let table = medbill::codes::HcpcsTable::from_path(p)
            .map_err(|e| format!("{}: {e}", p.display()))?;
        data = data.with_hcpcs(table);
    }
    Ok(data)
}

fn print_report(out: &mut impl Write, results: &Scrubbed) -> std::io::Result<()> {
    for (pcn, findings) in results {
        if findings.is_empty() {
            writeln!(out, "{pcn}: clean")?;
            continue;
        }
        writeln!(
            out,
            "{pcn}: {} finding{}",
            findings.len(),
            if findings.len() == 1 { "" } else { "s" }
        )?;
        let mut sorted: Vec<&Finding> = findings.iter().collect();
        sorted.sort_by_key(|f| (f.severity, f.line));
        for f in sorted {
            let place = f.line.map_or("claim".to_string(), |l| format!("line {l}"));
            let at = f.at.as_ref().map_or(String::new(), |a| format!(" [{a}]"));
            writeln!(
                out,
                "  {:<6} {:<26} {place}: {}{at}",
                f.severity, f.edit, f.message
            )?;
            if let Some(fix) = &f.fix {
                writeln!(out, "         fix: {fix}")?;
            }
        }
    }
    Ok(())
}

fn main() -> ExitCode {
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(a) => a,
        Err(e) if e.is_empty() => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("scrub_claims: {e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let Some(input) = args.input.as_deref() else {
        return ExitCode::from(2);
    };
    let data = match load_reference(&args) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("scrub_claims: {e}");
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
                eprintln!("scrub_claims: {}: {e}", p.display());
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
            eprintln!("scrub_claims: {e}");
            return ExitCode::from(1);
        }
    };
    let today = chrono::Local::now().date_naive();
    let options = ScrubOptions::new(args.submitted.unwrap_or(today), today);
    let results = match scrub_file(input, &scrubber, &options) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("scrub_claims: {e}");
            return ExitCode::from(1);
        }
    };
    let claims = results.len();
    let total: usize = results.iter().map(|(_, f)| f.len()).sum();
    let clean = results.iter().filter(|(_, f)| f.is_empty()).count();
    let mut out = std::io::stdout().lock();
    let written = if args.json {
        (|| {
            for f in results.iter().flat_map(|(_, f)| f) {
                let line = serde_json::to_string(f).map_err(std::io::Error::other)?;
                writeln!(out, "{line}")?;
            }
            writeln!(
                out,
                "{}",
                serde_json::json!({"summary": {"claims": claims, "clean": clean, "findings": total}})
            )
        })()
    } else {
        (|| {
            writeln!(out, "reference data: {stamp}")?;
            print_report(&mut out, &results)?;
            writeln!(out, "{claims} claims, {clean} clean, {total} findings")
        })()
    };
    match written.and_then(|()| out.flush()) {
        Ok(()) => ExitCode::SUCCESS,
        // A reader that stopped early (`| head`) is not an error.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("scrub_claims: {e}");
            ExitCode::from(1)
        }
    }
}
