//! Look up codes by date of service, one JSON object per code per line.
//!
//! ```text
//! cargo run --release --example lookup_code -- [--system SYSTEM] [--date YYYY-MM-DD] [--hcpcs FILE] CODE...
//! ```
//!
//! `SYSTEM` is one of `icd10cm` (the default), `icd10pcs`, `hcpcs`, `cpt`, `modifier`, `pos`,
//! `npi`, `carc`. `--date` is the date of service and defaults to today. For example
//! `lookup_code -- e119` prints
//!
//! ```text
//! {"input":"e119","system":"icd10cm","code":"E11.9","valid":true,"billable":true,"title":"Type 2 diabetes mellitus without complications","reason":null}
//! ```
//!
//! `valid` says whether the code may be reported for the date of service; when it is false,
//! `reason` says why in a sentence. `billable` is whether the code is a billable leaf in the
//! release that answered (`null` when the code is not in it). A `note` field appears when the
//! answer needs a caveat, e.g. a date after the newest embedded ICD-10-CM release, answered from
//! that release. `category` carries a modifier's category or a CARC's denial category.
//! `--hcpcs FILE` loads a CMS HCPCS alpha-numeric file for `hcpcs` (and Level II modifiers the
//! built-in table lacks); without it, HCPCS codes are format-checked only. The program exits 0
//! whatever the codes are; 1 when the HCPCS file cannot be read; 2 on a usage error.

use std::path::PathBuf;
use std::process::ExitCode;

use chrono::NaiveDate;
use medbill::codes::icd10cm::{DatePolicy, Icd10Cm};
use medbill::codes::{
    Carc, CptCode, HcpcsCode, HcpcsTable, Icd10PcsCode, Modifier, Npi, PcsCheck, PlaceOfService,
};
use serde::Serialize;

const USAGE: &str = "\
usage: lookup_code [--system SYSTEM] [--date YYYY-MM-DD] [--hcpcs FILE] CODE...

  --system SYSTEM   icd10cm (default), icd10pcs, hcpcs, cpt, modifier, pos, npi, carc
  --date DATE       date of service, YYYY-MM-DD (default: today)
  --hcpcs FILE      CMS HCPCS alpha-numeric file, for --system hcpcs
  -h, --help        this message

Prints one JSON object per code per line.";

/// The code systems this program knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum System {
    Icd10Cm,
    Icd10Pcs,
    Hcpcs,
    Cpt,
    Modifier,
    Pos,
    Npi,
    Carc,
}

impl System {
    fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "icd10cm" => System::Icd10Cm,
            "icd10pcs" => System::Icd10Pcs,
            "hcpcs" => System::Hcpcs,
            "cpt" => System::Cpt,
            "modifier" => System::Modifier,
            "pos" => System::Pos,
            "npi" => System::Npi,
            "carc" => System::Carc,
            _ => return None,
        })
    }

    fn name(self) -> &'static str {
        match self {
            System::Icd10Cm => "icd10cm",
            System::Icd10Pcs => "icd10pcs",
            System::Hcpcs => "hcpcs",
            System::Cpt => "cpt",
            System::Modifier => "modifier",
            System::Pos => "pos",
            System::Npi => "npi",
            System::Carc => "carc",
        }
    }
}

/// The command line, parsed.
struct Args {
    system: System,
    date: NaiveDate,
    hcpcs_file: Option<PathBuf>,
    codes: Vec<String>,
}

/// What a usage error or `--help` asks `main` to do.
enum ArgsError {
    Help,
    Usage(String),
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Args, ArgsError> {
    let mut system = System::Icd10Cm;
    let mut date = None;
    let mut hcpcs_file = None;
    let mut codes = Vec::new();
    let value = |flag: &str, v: Option<String>| {
        v.ok_or_else(|| ArgsError::Usage(format!("{flag} needs a value")))
    };
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "-h" | "--help" => return Err(ArgsError::Help),
            "--system" => {
                let name = value("--system", args.next())?;
                system = System::from_name(&name)
                    .ok_or_else(|| ArgsError::Usage(format!("unknown system {name:?}")))?;
            }
            "--date" => {
                let text = value("--date", args.next())?;
                date = Some(NaiveDate::parse_from_str(&text, "%Y-%m-%d").map_err(|_| {
                    ArgsError::Usage(format!("--date {text:?} is not a YYYY-MM-DD date"))
                })?);
            }
            "--hcpcs" => hcpcs_file = Some(PathBuf::from(value("--hcpcs", args.next())?)),
            "--" => codes.extend(args.by_ref()),
            flag if flag.starts_with("--") => {
                return Err(ArgsError::Usage(format!("unknown option {flag}")));
            }
            _ => codes.push(arg),
        }
    }
    if codes.is_empty() {
        return Err(ArgsError::Usage("no codes given".into()));
    }
    Ok(Args {
        system,
        // Today in the local time zone: a date of service is a calendar date where care happened.
        date: date.unwrap_or_else(|| chrono::Local::now().date_naive()),
        hcpcs_file,
        codes,
    })
}

/// One output line.
#[derive(Serialize)]
struct Lookup {
    input: String,
    system: &'static str,
    /// The code's canonical text, when it is well-formed.
    code: Option<String>,
    valid: bool,
    billable: Option<bool>,
    title: Option<String>,
    reason: Option<String>,
    /// Modifier category or CARC denial category, where the system has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    category: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<String>,
}

impl Lookup {
    fn new(input: &str, system: System) -> Self {
        Lookup {
            input: input.to_string(),
            system: system.name(),
            code: None,
            valid: false,
            billable: None,
            title: None,
            reason: None,
            category: None,
            note: None,
        }
    }

    /// A result of a format check only: valid means well-formed.
    fn format_only<T: std::fmt::Display, E: std::fmt::Display>(
        input: &str,
        system: System,
        parsed: Result<T, E>,
        what: &str,
    ) -> Self {
        let mut out = Lookup::new(input, system);
        match parsed {
            Ok(code) => {
                out.code = Some(code.to_string());
                out.valid = true;
                out.note = Some(format!(
                    "format checked only: not looked up in {what} for the date"
                ));
            }
            Err(e) => out.reason = Some(e.to_string()),
        }
        out
    }
}

/// ICD-10-CM: the embedded code sets, by date of service.
fn lookup_icd10cm(input: &str, date: NaiveDate) -> Lookup {
    let cm = Icd10Cm::embedded();
    let v = cm.check_with(input, date, DatePolicy::Extrapolate);
    let mut out = Lookup::new(input, System::Icd10Cm);
    out.code = v.code().map(|c| c.to_string());
    out.valid = v.is_valid();
    out.billable = v.billable();
    // The title in the release that answered, else the newest one that has the code (a
    // deleted code still shows what it was).
    out.title = v
        .entry()
        .and_then(|e| e.title())
        .or_else(|| v.code().and_then(|c| cm.title(&c)))
        .map(str::to_string);
    out.reason = v.reason().map(|r| r.to_string());
    if v.is_extrapolated()
        && let Some(r) = v.release()
    {
        out.note = Some(format!(
            "date of service {date} is after the newest embedded ICD-10-CM release; answered \
             from {r}"
        ));
    }
    out
}

/// ICD-10-PCS: the embedded editions, by date of service.
fn lookup_icd10pcs(input: &str, date: NaiveDate) -> Lookup {
    let mut out = Lookup::new(input, System::Icd10Pcs);
    let code = match input.parse::<Icd10PcsCode>() {
        Ok(code) => code,
        Err(e) => {
            out.reason = Some(e.to_string());
            return out;
        }
    };
    out.code = Some(code.to_string());
    out.title = code.title().map(str::to_string);
    match code.check(date) {
        PcsCheck::Valid { .. } => {
            out.valid = true;
            out.billable = Some(true);
        }
        PcsCheck::Unverified { in_nearest, .. } => {
            out.valid = in_nearest;
            out.billable = Some(in_nearest);
            out.note = Some(code.check(date).to_string());
            if !in_nearest {
                out.reason = Some(format!("{code} is not in the nearest embedded edition"));
            }
        }
        other => out.reason = Some(other.to_string()),
    }
    out
}

/// HCPCS Level II: validity by date of service in the file given with `--hcpcs`; format only
/// without one (no current HCPCS release is embedded).
fn lookup_hcpcs(input: &str, date: NaiveDate, table: Option<&HcpcsTable>) -> Lookup {
    let Some(table) = table else {
        return Lookup::format_only(
            input,
            System::Hcpcs,
            input.parse::<HcpcsCode>(),
            "a HCPCS file (pass --hcpcs FILE)",
        );
    };
    let mut out = Lookup::new(input, System::Hcpcs);
    let code = match input.parse::<HcpcsCode>() {
        Ok(code) => code,
        Err(e) => {
            out.reason = Some(e.to_string());
            return out;
        }
    };
    out.code = Some(code.to_string());
    out.title = table.procedure(code).map(|r| r.long_description.clone());
    match table.check(code, date) {
        Ok(_) => out.valid = true,
        Err(why) => out.reason = Some(format!("{code} on {date}: {why}")),
    }
    out
}

/// CPT: format and category only (descriptors are AMA-licensed and not shipped).
fn lookup_cpt(input: &str, _date: NaiveDate) -> Lookup {
    let parsed = input.parse::<CptCode>();
    let category = parsed.as_ref().ok().map(|c| c.category());
    let mut out = Lookup::format_only(input, System::Cpt, parsed, "a CPT code set");
    if let Some(category) = category {
        out.note = Some(format!(
            "format checked only ({category:?}); CPT descriptors are AMA-licensed and not shipped"
        ));
    }
    out
}

/// Procedure modifiers: the built-in table (our own descriptions), then the `--hcpcs` file's
/// modifier records for Level II modifiers the table lacks.
fn lookup_modifier(input: &str, date: NaiveDate, table: Option<&HcpcsTable>) -> Lookup {
    let mut out = Lookup::new(input, System::Modifier);
    let modifier = match input.parse::<Modifier>() {
        Ok(m) => m,
        Err(e) => {
            out.reason = Some(e.to_string());
            return out;
        }
    };
    out.code = Some(modifier.to_string());
    if let Some(info) = modifier.info() {
        out.valid = true;
        out.title = Some(info.description.to_string());
        out.category = serde_json::to_value(info.category)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string));
    } else if let Some(record) = table.and_then(|t| t.modifier(modifier)) {
        out.title = Some(record.long_description.clone());
        match table.map(|t| t.check_modifier(modifier, date)) {
            Some(Ok(_)) => out.valid = true,
            Some(Err(why)) => out.reason = Some(format!("{modifier} on {date}: {why}")),
            None => {}
        }
    } else {
        out.reason = Some(format!(
            "{modifier} is not a modifier in the built-in table{}",
            if table.is_some() {
                " nor in the HCPCS file"
            } else {
                ""
            }
        ));
    }
    out
}

/// Place of service: the CMS list of assigned codes and their names.
fn lookup_pos(input: &str, _date: NaiveDate) -> Lookup {
    let mut out = Lookup::new(input, System::Pos);
    match input.parse::<PlaceOfService>() {
        Ok(pos) => {
            out.code = Some(pos.to_string());
            match pos.name() {
                Some(name) => {
                    out.valid = true;
                    out.title = Some(name.to_string());
                }
                None => {
                    out.reason = Some(format!("{pos} is not an assigned place of service code"))
                }
            }
        }
        Err(e) => out.reason = Some(e.to_string()),
    }
    out
}

/// NPI: the check digit is the whole check (valid means the Luhn check digit matches).
fn lookup_npi(input: &str, _date: NaiveDate) -> Lookup {
    let mut out = Lookup::new(input, System::Npi);
    match input.parse::<Npi>() {
        Ok(npi) => {
            out.code = Some(npi.to_string());
            out.valid = true;
        }
        Err(e) => out.reason = Some(e.to_string()),
    }
    out
}

/// Claim adjustment reason codes: the built-in list with its denial categories (our own
/// summaries; X12's descriptions are not shipped).
fn lookup_carc(input: &str, _date: NaiveDate) -> Lookup {
    let mut out = Lookup::new(input, System::Carc);
    match input.parse::<Carc>() {
        Ok(carc) => {
            out.code = Some(carc.to_string());
            out.category = Some(carc.denial_category().to_string());
            if carc.is_listed() {
                out.valid = true;
                out.title = carc.summary().map(str::to_string);
            } else {
                out.reason = Some(format!("{carc} is not in the built-in CARC list"));
            }
        }
        Err(e) => out.reason = Some(e.to_string()),
    }
    out
}

/// Dispatches one code to its system's function.
fn lookup(args: &Args, hcpcs: Option<&HcpcsTable>, input: &str) -> Lookup {
    match args.system {
        System::Icd10Cm => lookup_icd10cm(input, args.date),
        System::Icd10Pcs => lookup_icd10pcs(input, args.date),
        System::Hcpcs => lookup_hcpcs(input, args.date, hcpcs),
        System::Cpt => lookup_cpt(input, args.date),
        System::Modifier => lookup_modifier(input, args.date, hcpcs),
        System::Pos => lookup_pos(input, args.date),
        System::Npi => lookup_npi(input, args.date),
        System::Carc => lookup_carc(input, args.date),
    }
}

fn main() -> ExitCode {
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(args) => args,
        Err(ArgsError::Help) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(ArgsError::Usage(message)) => {
            eprintln!("lookup_code: {message}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let hcpcs = match args
        .hcpcs_file
        .as_deref()
        .map(HcpcsTable::from_path_lenient)
    {
        None => None,
        Some(Ok((table, problems))) => {
            for problem in &problems {
                eprintln!("lookup_code: skipped: {problem}");
            }
            Some(table)
        }
        Some(Err(e)) => {
            eprintln!("lookup_code: {e}");
            return ExitCode::from(1);
        }
    };
    for input in &args.codes {
        let line = lookup(&args, hcpcs.as_ref(), input);
        match serde_json::to_string(&line) {
            Ok(json) => println!("{json}"),
            Err(e) => eprintln!("lookup_code: {input}: {e}"),
        }
    }
    ExitCode::SUCCESS
}
