//! The revenue-cycle scorecard of a claim ledger.
//!
//! ```sh
//! cargo run --release --example kpi_report -- LEDGER_FILE --as-of 2026-03-31 [--json] [--html OUT.html]
//! ```
//!
//! `LEDGER_FILE` is the JSON-lines ledger format of `medbill_claim::ledger` (one event per
//! line). It is read line by line straight into a compact `medbill_kpi::EventStore` (about
//! 50 bytes per event, instead of a vector of events several times that size), and the
//! report is computed from the store. Prints the scorecard as text, or with `--json` one JSON object:
//! `{"as_of":...,"metrics":{...},"scorecard":[{"metric":...,"value":...,"status":...}]}`
//! (values as decimal strings, `null` when undefined). `--html OUT.html` also writes a
//! self-contained dashboard page.
//!
//! Options:
//! - `--period-start YYYY-MM-DD`: start of the reporting period (default: the first of the
//!   as-of month; the period always ends with the as-of date).
//! - `--thresholds FILE.json`: a threshold table (see `medbill_kpi::Thresholds`).
//! - `--aging-from submission`: age A/R from first submission instead of date of service.
//! - `--include-credits`: net credit balances into A/R.
//! - `--synthetic N`: first write a synthetic ledger of about N events to `LEDGER_FILE`
//!   (made-up data, for trying the report out).

use std::fs::File;
use std::io::{BufReader, BufWriter, Write};
use std::process::ExitCode;

use chrono::NaiveDate;
use medbill::claim::ledger::write_json_lines;
use medbill::kpi::{
    AgingAnchor, CreditBalances, EventStore, KpiReport, Period, ReportOptions, Thresholds,
    dashboard_html, synth,
};

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("kpi_report: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    let mut args = std::env::args().skip(1);
    let mut ledger: Option<String> = None;
    let mut as_of: Option<NaiveDate> = None;
    let mut json = false;
    let mut html: Option<String> = None;
    let mut period_start: Option<NaiveDate> = None;
    let mut thresholds: Option<String> = None;
    let mut synthetic: Option<usize> = None;
    let mut options = ReportOptions::default();
    let date = |s: Option<String>, flag: &str| -> Result<NaiveDate, String> {
        s.ok_or(format!("{flag} needs a date"))?
            .parse()
            .map_err(|_| format!("{flag}: expected YYYY-MM-DD"))
    };
    while let Some(a) = args.next() {
        match a.as_str() {
            "--as-of" => as_of = Some(date(args.next(), "--as-of")?),
            "--period-start" => period_start = Some(date(args.next(), "--period-start")?),
            "--json" => json = true,
            "--html" => html = Some(args.next().ok_or("--html needs a file name")?),
            "--thresholds" => thresholds = Some(args.next().ok_or("--thresholds needs a file")?),
            "--aging-from" => {
                options.aging_anchor = match args.next().as_deref() {
                    Some("service") => AgingAnchor::DateOfService,
                    Some("submission") => AgingAnchor::FirstSubmission,
                    _ => return Err("--aging-from takes service or submission".into()),
                }
            }
            "--include-credits" => options.credits = CreditBalances::Include,
            "--synthetic" => {
                let n = args.next().ok_or("--synthetic needs a number of events")?;
                synthetic = Some(n.parse().map_err(|_| "--synthetic: not a number")?);
            }
            "-h" | "--help" => {
                println!(
                    "usage: kpi_report LEDGER_FILE --as-of YYYY-MM-DD [--json] [--html OUT.html] \
                     [--period-start YYYY-MM-DD] [--thresholds FILE.json] \
                     [--aging-from service|submission] [--include-credits] [--synthetic N]"
                );
                return Ok(());
            }
            s if s.starts_with('-') => return Err(format!("unknown option {s}")),
            s => ledger = Some(s.to_string()),
        }
    }
    let ledger = ledger.ok_or("give the ledger file (JSON lines)")?;
    let as_of = as_of.ok_or("give --as-of YYYY-MM-DD")?;
    if let Some(n) = synthetic {
        let events = synth::generate(&synth::SynthConfig::with_events(n));
        let file = File::create(&ledger).map_err(|e| format!("{ledger}: {e}"))?;
        let mut out = BufWriter::new(file);
        write_json_lines(&mut out, &events).map_err(|e| e.to_string())?;
        out.flush().map_err(|e| format!("{ledger}: {e}"))?;
    }
    if let Some(start) = period_start {
        let end = as_of.succ_opt().unwrap_or(as_of);
        options.period = Some(Period::new(start, end).map_err(|e| e.to_string())?);
    }
    if let Some(path) = thresholds {
        let text = std::fs::read_to_string(&path).map_err(|e| format!("{path}: {e}"))?;
        let table: Thresholds = serde_json::from_str(&text).map_err(|e| format!("{path}: {e}"))?;
        options.thresholds = table.validated().map_err(|e| e.to_string())?;
    }
    let file = File::open(&ledger).map_err(|e| format!("{ledger}: {e}"))?;
    let store =
        EventStore::read_json_lines(BufReader::new(file)).map_err(|e| format!("{ledger}: {e}"))?;
    let report = KpiReport::compute_store(&store, as_of, &options);
    if json {
        let text = serde_json::to_string(&report.summary()).map_err(|e| e.to_string())?;
        println!("{text}");
    } else {
        print!("{}", report.to_text());
    }
    if let Some(path) = html {
        std::fs::write(&path, dashboard_html(&report)).map_err(|e| format!("{path}: {e}"))?;
        if !json {
            println!("\nDashboard written to {path}");
        }
    }
    Ok(())
}
