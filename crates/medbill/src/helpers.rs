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

#[cfg(all(test, feature = "x12", feature = "scrub", feature = "kpi"))]
mod tests {
    use medbill_claim::{
        Address, BillingProvider, Claim, ClaimFilingIndicator, ClaimPayment, ClaimStatusCode,
        Ledger, Payee, Payer, Payment, PaymentMethod, PersonName, Phi, ProfessionalLine, Provider,
        Remittance, Sex, Subscriber,
    };
    use medbill_x12::ack::AckOptions;
    use medbill_x12::typed::{self, ClaimForm, InterchangeHeader, SubmissionHeader};
    use rust_decimal::Decimal;

    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn claim(pcn: &str, dx: &str) -> Claim {
        Claim::professional(pcn)
            .billing_provider(BillingProvider {
                provider: Provider::organization("EXAMPLE CLINIC", "1234567893".parse().unwrap()),
                tin: Phi::new("123456789".into()),
                tin_is_ssn: false,
                address: Address {
                    lines: vec!["1 MAIN ST".into()],
                    city: "TOWN".into(),
                    state: "NY".into(),
                    postal_code: "123450001".into(),
                    country: None,
                },
            })
            .subscriber(
                Subscriber::new("W100200300", PersonName::new("DOE", "JANE"))
                    .with_demographics(day("1970-01-01"), Sex::Female),
            )
            .payer(
                Payer::new("87726", "EXAMPLE HEALTH"),
                ClaimFilingIndicator::Commercial,
            )
            .place_of_service("11".parse().unwrap())
            .diagnosis(dx.parse().unwrap())
            .line(ProfessionalLine::new(
                "99213".parse().unwrap(),
                Decimal::new(12500, 2),
                Decimal::ONE,
                day("2026-03-02"),
            ))
            .build()
            .unwrap()
    }

    fn x837(claims: &[Claim]) -> Vec<u8> {
        let sent = day("2026-03-04");
        let header = SubmissionHeader::new(
            ClaimForm::Professional,
            "B1",
            sent,
            ("EXAMPLE CLINIC", "S1"),
            ("CLEARINGHOUSE", "R1"),
            "5555551212",
        );
        typed::write_837(
            claims,
            &header,
            &InterchangeHeader::new("S1", "R1", 3, sent),
        )
        .unwrap()
    }

    #[test]
    fn read_837_gives_back_what_was_written() {
        let claims = vec![claim("A1", "E11.9"), claim("A2", "I10")];
        let read = read_837(&x837(&claims)).unwrap();
        assert!(read.is_clean(), "{:?}", read.problems);
        assert_eq!(read.values, claims);
    }

    #[test]
    fn read_837_reports_what_it_leaves_out() {
        let text = String::from_utf8(x837(&[claim("A1", "E11.9")])).unwrap();
        // A charge that is not a number: the claim model cannot hold it.
        let broken = text.replace("SV1*HC:99213*125", "SV1*HC:99213*12X5");
        assert_ne!(broken, text);
        let read = read_837(broken.as_bytes()).unwrap();
        assert!(!read.is_clean());
        assert!(!read.problems.is_empty());
    }

    #[test]
    fn not_x12_is_an_error_and_a_missing_file_names_itself() {
        assert!(matches!(read_837(b"hello"), Err(Error::X12(_))));
        let err = read_837_file("/nonexistent/dir/claims.x12").unwrap_err();
        assert!(err.to_string().starts_with("/nonexistent/dir/claims.x12: "));
    }

    #[test]
    fn check_x12_accepts_our_837_and_its_999_reads_back() {
        let checked = check_x12(&x837(&[claim("A1", "E11.9")]), &AckOptions::default());
        assert!(checked.accepted(), "{:?}", checked.report);
        let acks = read_acknowledgments(checked.acks.as_bytes()).unwrap();
        assert_eq!(acks.values.len(), 1);
        assert!(acks.values[0].outcome.is_accepted());

        // A set with a wrong segment count is rejected, and the 999 says so.
        let text = String::from_utf8(x837(&[claim("A1", "E11.9")])).unwrap();
        let se = text.find("SE*").unwrap();
        let broken = format!("{}SE*99{}", &text[..se], &text[se + 5..]);
        let checked = check_x12(broken.as_bytes(), &AckOptions::default());
        assert!(!checked.accepted());
        let acks = read_acknowledgments(checked.acks.as_bytes()).unwrap();
        assert!(!acks.values[0].outcome.is_accepted());
    }

    #[test]
    fn scrub_claims_returns_findings_in_claim_order() {
        let claims = [claim("A1", "E11.9"), claim("A2", "E11"), claim("A3", "J45")];
        let findings = scrub_claims(&builtin_scrubber(), &claims, day("2026-03-04"));
        let ids: Vec<&str> = findings.iter().map(|f| f.claim.as_str()).collect();
        assert_eq!(ids, ["A2", "A3"]);
        assert!(findings.iter().all(|f| f.edit == "ICD10.NOT_BILLABLE"));
    }

    #[test]
    fn read_835_and_post_posts_each_remittance() {
        let claim = claim("A1", "E11.9");
        let mut ledger = Ledger::new();
        ledger.push(claim.created_event(day("2026-03-02")));
        ledger.push(claim.submission_event(day("2026-03-04"), true));
        let paid = ClaimPayment::new(
            "A1",
            ClaimStatusCode::ProcessedPrimary,
            Decimal::new(12500, 2),
            Decimal::new(12500, 2),
        );
        let stray = ClaimPayment::new(
            "NOT-OURS",
            ClaimStatusCode::ProcessedPrimary,
            Decimal::new(1000, 2),
            Decimal::new(1000, 2),
        );
        let remittance = Remittance {
            payer: (*claim.payer).clone(),
            payer_tin: Some("999999999".into()),
            payer_address: None,
            payer_contacts: Vec::new(),
            payee: Payee {
                name: "EXAMPLE CLINIC".into(),
                npi: None,
                tin: None,
                address: None,
            },
            payment: Payment {
                method: PaymentMethod::Check.into(),
                amount: Decimal::new(13500, 2),
                date: day("2026-03-20"),
                trace_number: "CHK1".into(),
            },
            claims: vec![paid, stray],
            provider_adjustments: vec![],
            extra: vec![],
            problems: Vec::new(),
        };
        let mut file = typed::write_835(
            &remittance,
            &InterchangeHeader::new("P", "S", 1, day("2026-03-20")),
        )
        .unwrap();
        let second = typed::write_835(
            &remittance,
            &InterchangeHeader::new("P", "S", 2, day("2026-03-20")),
        )
        .unwrap();
        file.extend_from_slice(&second);

        let posted = read_835_and_post(&file, &mut ledger, None).unwrap();
        assert_eq!(posted.values.len(), 2);
        assert_eq!(posted.values[0].posted.len(), 1);
        assert_eq!(posted.values[0].unmatched.len(), 1);
        // The same payment twice: the second posting leaves a credit balance to refund.
        assert!(posted.values[0].credit_balances.is_empty());
        assert_eq!(posted.values[1].credit_balances.len(), 1);
        let state = ledger.state(&"A1".into(), day("2026-03-31")).unwrap();
        assert_eq!(state.insurance_balance, Decimal::new(-12500, 2));

        let report = kpi_report(&ledger, day("2026-03-31"));
        assert_eq!(report.as_of, day("2026-03-31"));
    }
}
