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
/// Reading is lenient and drops nothing: a value the model cannot hold as its type is kept as
/// sent and reported on its claim (or claim payment) with where it was
/// ([`Claim::problems`](medbill_claim::Claim::problems)); a claim that cannot be placed at all
/// is in [`unreadable`](Self::unreadable); what belongs to no value (a transaction set that
/// cannot be read, a header problem) is in [`problems`](Self::problems).
#[cfg(feature = "x12")]
#[derive(Debug, Clone)]
pub struct Loaded<T> {
    /// The values, in file order.
    pub values: Vec<T>,
    /// Claims that could not be read into the claim model (an 837 without an embedded
    /// guide, a CLM outside the claim loop), with their segments; empty for other kinds.
    pub unreadable: Vec<typed::UnreadableClaim>,
    /// Transaction sets and headers that could not be used, with positions.
    pub problems: Vec<TypedError>,
    /// How many problems the values carry between them.
    pub value_problems: usize,
    /// The reader's envelope and syntax findings (warnings and errors), with positions.
    pub diagnostics: Vec<Diagnostic>,
}

#[cfg(feature = "x12")]
impl<T> Loaded<T> {
    fn new(diagnostics: Vec<Diagnostic>) -> Self {
        Loaded {
            values: Vec::new(),
            unreadable: Vec::new(),
            problems: Vec::new(),
            value_problems: 0,
            diagnostics,
        }
    }

    /// True when every value was read as it is, nothing is unreadable, and the reader found
    /// no syntax or envelope error (warnings such as line breaks between segments do not
    /// count).
    pub fn is_clean(&self) -> bool {
        self.problems.is_empty()
            && self.unreadable.is_empty()
            && self.value_problems == 0
            && self
                .diagnostics
                .iter()
                .all(|d| d.severity != medbill_x12::Severity::Error)
    }
}

/// Reads every 837P and 837I transaction set in `input` into claims: one claim per CLM
/// segment (or one [`Loaded::unreadable`] entry), each with every line, whatever its values.
///
/// Fails only when the input is not X12 at all; what could not be used is reported on the
/// claims, in [`Loaded::problems`] and in [`Loaded::diagnostics`]. Sets of other kinds are
/// skipped.
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
                out.value_problems += batch.claims.iter().map(|c| c.problems.len()).sum::<usize>();
                out.values.extend(batch.claims);
                out.unreadable.extend(batch.unreadable);
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
                out.value_problems += set.remittance.problems.len()
                    + set
                        .remittance
                        .claims
                        .iter()
                        .map(|c| c.problems.len())
                        .sum::<usize>();
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

/// The findings of scrubbing an 837 file, claim by claim: every claim of the file (one per
/// CLM segment) in file order, each finding with where its value was.
#[cfg(all(feature = "scrub", feature = "x12"))]
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct Scrubbed {
    /// Every claim of the file, in order.
    pub claims: Vec<ScrubbedClaim>,
}

/// One claim of a [`Scrubbed`] file: its patient control number (CLM01) and findings.
#[cfg(all(feature = "scrub", feature = "x12"))]
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct ScrubbedClaim {
    /// CLM01 as sent.
    pub patient_control_number: String,
    /// What the scrubber found. A claim the reader could not place at all has one
    /// `CLAIM.UNREADABLE` finding (reject) saying why.
    pub findings: Vec<medbill_scrub::Finding>,
}

#[cfg(all(feature = "scrub", feature = "x12"))]
impl Scrubbed {
    /// How many claims have no finding.
    pub fn clean(&self) -> usize {
        self.claims.iter().filter(|c| c.findings.is_empty()).count()
    }

    /// Every finding, in claim order.
    pub fn findings(&self) -> impl Iterator<Item = &medbill_scrub::Finding> {
        self.claims.iter().flat_map(|c| &c.findings)
    }
}

/// Reads every 837 of `input` (leniently: nothing is dropped) and scrubs each claim for
/// submission on `submitted`, in parallel. Every finding about one value carries the value's
/// field and where it was in the input (segment index and byte), whether the reader found a
/// problem with it or the scrubber did (an ICD-9 code after October 2015, a modifier nobody
/// knows).
///
/// ```
/// let file = b"ISA*00*          *00*          *ZZ*SUBMITTER      *ZZ*RECEIVER       *240101*1200*^*00501*000000001*0*T*:~\
/// GS*HC*SUBMITTER*RECEIVER*20240101*1200*1*X*005010X222A1~\
/// ST*837*0001*005010X222A1~BHT*0019*00*0123*20240101*1200*CH~\
/// NM1*41*2*SUBMITTER*****46*S1~PER*IC*CONTACT*TE*5555551212~NM1*40*2*RECEIVER*****46*R1~\
/// HL*1**20*1~NM1*85*2*CLINIC*****XX*1234567893~N3*1 MAIN ST~N4*TOWN*NY*12345~REF*EI*123456789~\
/// HL*2*1*22*0~SBR*P*18*******CI~NM1*IL*1*DOE*JOHN****MI*M1~NM1*PR*2*PAYER*****PI*P1~\
/// CLM*C1*100***11:B:1*Y*A*Y*Y~HI*BK:4019~LX*1~SV1*HC:99213*100*UN*1***1~DTP*472*D8*20240101~\
/// SE*20*0001~GE*1*1~IEA*1*000000001~";
/// let scrubbed = medbill::scrub_837(&medbill::builtin_scrubber(), file, "2024-01-05".parse()?)?;
/// assert_eq!(scrubbed.claims.len(), 1);
/// // An ICD-9 code on a 2024 date of service, pointed at.
/// let f = scrubbed.findings().find(|f| f.edit == "DX.CODE_SET").unwrap();
/// assert_eq!(f.field.as_deref(), Some("diagnoses[0]"));
/// let at = f.at.as_ref().unwrap();
/// assert_eq!(&file[at.byte as usize..][..4], b"4019");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[cfg(all(feature = "scrub", feature = "x12"))]
pub fn scrub_837(
    scrubber: &medbill_scrub::Scrubber,
    input: &[u8],
    submitted: NaiveDate,
) -> Result<Scrubbed> {
    use medbill_scrub::{Finding, Hit, Severity};
    let options = typed::ReadOptions::new(ReadMode::Lenient).locations(true);
    let file = typed::read_all_with(input, &options)?;
    let scrub_options = medbill_scrub::ScrubOptions::on(submitted);
    let mut out = Scrubbed::default();
    for set in file.transactions {
        let TypedTransaction::Claims(batch) = set else {
            continue;
        };
        let results = scrubber.scrub_batch(&batch.claims, &scrub_options);
        let mut unreadable = batch.unreadable.iter().peekable();
        for (i, (claim, mut findings)) in batch.claims.iter().zip(results).enumerate() {
            while let Some(u) = unreadable.next_if(|u| u.index <= i) {
                out.claims.push(unreadable_claim(u));
            }
            if let Some(located) = batch.locations.get(i) {
                for f in &mut findings {
                    if f.at.is_none()
                        && let Some(field) = &f.field
                    {
                        f.at = located.get(field).cloned();
                    }
                }
            }
            out.claims.push(ScrubbedClaim {
                patient_control_number: claim.patient_control_number.to_string(),
                findings,
            });
        }
        out.claims.extend(unreadable.map(unreadable_claim));
    }
    return Ok(out);

    fn unreadable_claim(u: &typed::UnreadableClaim) -> ScrubbedClaim {
        let hit = Hit::new(format!("the claim could not be read: {}", u.reason))
            .fix("send the claim in a transaction set and loop the reader places (837P 005010X222A1, 837I 005010X223A2)")
            .at(u.at.clone())
            .field("patient_control_number");
        let pcn = u.patient_control_number.to_string();
        ScrubbedClaim {
            findings: vec![Finding::new(
                pcn.as_str(),
                "CLAIM.UNREADABLE",
                Severity::Reject,
                hit,
            )],
            patient_control_number: pcn,
        }
    }
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
    fn read_837_keeps_what_the_model_cannot_hold_and_reports_it() {
        let text = String::from_utf8(x837(&[claim("A1", "E11.9")])).unwrap();
        // A charge that is not a number: the claim model cannot hold it.
        let broken = text.replace("SV1*HC:99213*125", "SV1*HC:99213*12X5");
        assert_ne!(broken, text);
        let read = read_837(broken.as_bytes()).unwrap();
        assert!(!read.is_clean());
        assert_eq!(read.values.len(), 1);
        assert_eq!(read.values[0].line_count(), 1);
        assert_eq!(read.value_problems, 1);
        assert_eq!(read.values[0].problems[0].field(), Some("lines[0].charge"));
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
