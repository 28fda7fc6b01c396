//! The end-to-end helpers: each is a few calls into the crates, named for the step of the
//! revenue cycle it performs.

use std::path::Path;

#[cfg(any(feature = "scrub", feature = "kpi"))]
use chrono::NaiveDate;

use crate::error::{Error, Result};

#[cfg(feature = "x12")]
use medbill_claim::{Acknowledgment, Claim, FeeSchedule, Ledger, PostingReport};
#[cfg(feature = "x12")]
use medbill_x12::Diagnostic;
#[cfg(feature = "x12")]
use medbill_x12::ack::{self, AckOptions};
#[cfg(feature = "x12")]
use medbill_x12::typed::{self, ReadMode, TypedError, TypedTransaction};
#[cfg(feature = "x12")]
use medbill_x12::validate::{Report, Validator};

/// Reads a whole file into memory, naming the file in the error.
#[cfg_attr(not(feature = "x12"), allow(dead_code))]
fn read_bytes(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).map_err(|e| Error::io(path, e))
}

/// What was read from one X12 file: the values, and everything that could not be used.
///
/// Reading is lenient: a value the model cannot hold is left out of its claim (or remittance)
/// and reported in [`problems`](Self::problems) with its position; a transaction set that
/// cannot be read at all is reported there too. Nothing is dropped silently.
#[cfg(feature = "x12")]
#[derive(Debug, Clone)]
pub struct Loaded<T> {
    /// The values, in file order.
    pub values: Vec<T>,
    /// Values and transaction sets that could not be used, with positions.
    pub problems: Vec<TypedError>,
    /// The reader's envelope and syntax findings (warnings and errors), with positions.
    pub diagnostics: Vec<Diagnostic>,
}

#[cfg(feature = "x12")]
impl<T> Loaded<T> {
    fn new(diagnostics: Vec<Diagnostic>) -> Self {
        Loaded {
            values: Vec::new(),
            problems: Vec::new(),
            diagnostics,
        }
    }

    /// True when nothing was left out and the reader found no syntax or envelope error
    /// (warnings such as line breaks between segments do not count).
    pub fn is_clean(&self) -> bool {
        self.problems.is_empty()
            && self
                .diagnostics
                .iter()
                .all(|d| d.severity != medbill_x12::Severity::Error)
    }
}

/// Reads every 837P and 837I transaction set in `input` into claims.
///
/// Fails only when the input is not X12 at all; everything else is in
/// [`Loaded::problems`] and [`Loaded::diagnostics`]. Sets of other kinds are skipped.
///
/// ```
/// let file = b"ISA*00*          *00*          *ZZ*SUBMITTER      *ZZ*RECEIVER       *240101*1200*^*00501*000000001*0*T*:~\
/// GS*HC*SUBMITTER*RECEIVER*20240101*1200*1*X*005010X222A1~\
/// ST*837*0001*005010X222A1~BHT*0019*00*0123*20240101*1200*CH~\
/// NM1*41*2*SUBMITTER*****46*S1~PER*IC*CONTACT*TE*5555551212~NM1*40*2*RECEIVER*****46*R1~\
/// HL*1**20*1~NM1*85*2*CLINIC*****XX*1234567893~N3*1 MAIN ST~N4*TOWN*NY*12345~REF*EI*123456789~\
/// HL*2*1*22*0~SBR*P*18*******CI~NM1*IL*1*DOE*JOHN****MI*M1~NM1*PR*2*PAYER*****PI*P1~\
/// CLM*C1*100***11:B:1*Y*A*Y*Y~HI*ABK:R69~LX*1~SV1*HC:99213*100*UN*1***1~DTP*472*D8*20240101~\
/// SE*20*0001~GE*1*1~IEA*1*000000001~";
/// let read = medbill::read_837(file)?;
/// assert!(read.is_clean());
/// assert_eq!(read.values[0].patient_control_number, "C1");
/// # Ok::<(), medbill::Error>(())
/// ```
#[cfg(feature = "x12")]
pub fn read_837(input: &[u8]) -> Result<Loaded<Claim>> {
    let file = typed::read_all(input, ReadMode::Lenient)?;
    let mut out = Loaded::new(file.diagnostics);
    for set in file.transactions {
        match set {
            TypedTransaction::Claims(batch) => {
                out.values.extend(batch.claims);
                out.problems.extend(batch.problems);
            }
            TypedTransaction::Failed { id, error, .. } if id == "837" => out.problems.push(error),
            _ => {}
        }
    }
    Ok(out)
}

/// [`read_837`] on a file.
#[cfg(feature = "x12")]
pub fn read_837_file(path: impl AsRef<Path>) -> Result<Loaded<Claim>> {
    read_837(&read_bytes(path.as_ref())?)
}

/// Reads every 999 and 277CA transaction set in `input` into acknowledgments: one per
/// acknowledged transaction set for a 999, one per claim for a 277CA.
///
/// Post them with [`Acknowledgment::event`] (277CA, which names the claim) or
/// [`Acknowledgment::event_for`] (999, for each claim of the acknowledged set).
#[cfg(feature = "x12")]
pub fn read_acknowledgments(input: &[u8]) -> Result<Loaded<Acknowledgment>> {
    let file = typed::read_all(input, ReadMode::Lenient)?;
    let mut out = Loaded::new(file.diagnostics);
    for set in file.transactions {
        match set {
            TypedTransaction::Acknowledgments(acks) => out.values.extend(acks.acknowledgments),
            TypedTransaction::Failed { id, error, .. } if id == "999" || id == "277" => {
                out.problems.push(error)
            }
            _ => {}
        }
    }
    Ok(out)
}

/// Reads every 835 in `input` and posts each remittance to `ledger` (see
/// [`Ledger::post`]): one [`PostingReport`] per 835, with denials by category and, given a
/// fee schedule, underpayments. The ledger receives the `adjudicated` events.
#[cfg(feature = "x12")]
pub fn read_835_and_post(
    input: &[u8],
    ledger: &mut Ledger,
    fees: Option<&FeeSchedule>,
) -> Result<Loaded<PostingReport>> {
    let file = typed::read_all(input, ReadMode::Lenient)?;
    let mut out = Loaded::new(file.diagnostics);
    for set in file.transactions {
        match set {
            TypedTransaction::Remittance(set) => {
                out.values.push(ledger.post(&set.remittance, fees));
                out.problems.extend(set.problems);
            }
            TypedTransaction::Failed { id, error, .. } if id == "835" => out.problems.push(error),
            _ => {}
        }
    }
    Ok(out)
}

/// [`read_835_and_post`] on a file.
#[cfg(feature = "x12")]
pub fn read_835_file_and_post(
    path: impl AsRef<Path>,
    ledger: &mut Ledger,
    fees: Option<&FeeSchedule>,
) -> Result<Loaded<PostingReport>> {
    read_835_and_post(&read_bytes(path.as_ref())?, ledger, fees)
}

/// An X12 file checked against the implementation guides, and the acknowledgments a receiver
/// would send back for it.
#[cfg(feature = "x12")]
#[derive(Debug, Clone)]
pub struct Checked {
    /// Every finding, per interchange, group and transaction set.
    pub report: Report<'static>,
    /// The TA1 (only when an envelope is in error) and the 999 of each interchange, as X12.
    pub acks: String,
}

#[cfg(feature = "x12")]
impl Checked {
    /// True when every envelope is sound and every transaction set would be accepted.
    pub fn accepted(&self) -> bool {
        self.report.interchanges.iter().all(|i| i.envelope_ok())
            && self.report.transactions().all(|t| t.accepted())
    }
}

/// Validates an X12 file with every embedded implementation guide and renders the TA1/999
/// acknowledgments, as a clearinghouse does on receipt.
#[cfg(feature = "x12")]
pub fn check_x12(input: &[u8], options: &AckOptions) -> Checked {
    let report = Validator::new().validate(input);
    let mut acks = String::new();
    for interchange in &report.interchanges {
        if let Some(ta1) = ack::interchange_acks(interchange, options) {
            acks.push_str(&ta1);
        }
        acks.push_str(&ack::implementation_acks(interchange, options));
    }
    Checked { report, acks }
}

/// A scrubber with every built-in edit and the embedded ICD-10-CM code sets (no NCCI or HCPCS
/// tables: load those with [`medbill_scrub::ReferenceData`] and build your own).
#[cfg(feature = "scrub")]
pub fn builtin_scrubber() -> medbill_scrub::Scrubber {
    medbill_scrub::Scrubber::new(medbill_scrub::ReferenceData::new())
}

/// Scrubs claims to be submitted on `submitted` (in parallel), and returns every finding in
/// claim order; each names its claim by patient control number.
#[cfg(feature = "scrub")]
pub fn scrub_claims(
    scrubber: &medbill_scrub::Scrubber,
    claims: &[medbill_claim::Claim],
    submitted: NaiveDate,
) -> Vec<medbill_scrub::Finding> {
    let options = medbill_scrub::ScrubOptions::on(submitted);
    scrubber
        .scrub_batch(claims, &options)
        .into_iter()
        .flatten()
        .collect()
}

/// The revenue-cycle report of a ledger as of a date, with the default options (the month to
/// date, days in A/R over 90 days, aging by date of service, the default thresholds).
#[cfg(feature = "kpi")]
pub fn kpi_report(ledger: &medbill_claim::Ledger, as_of: NaiveDate) -> medbill_kpi::KpiReport {
    medbill_kpi::KpiReport::compute(
        ledger.events(),
        as_of,
        &medbill_kpi::ReportOptions::default(),
    )
}
