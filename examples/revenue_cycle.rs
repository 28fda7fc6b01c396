//! The whole revenue cycle on a month of a small practice, on embedded data only.
//!
//! ```sh
//! cargo run --release --example revenue_cycle                      # seed 2026
//! cargo run --release --example revenue_cycle -- --seed 7 --out /tmp/rc
//! ```
//!
//! A synthetic internal-medicine practice sees patients on every business day of September
//! 2026 (ICD-10-CM FY2026, the newest embedded release, answers for those dates). The example:
//!
//! 1. **Generates** the month: several hundred professional claims for Medicare, Medicaid,
//!    three commercial plans and self-pay patients, coded with real ICD-10-CM codes checked
//!    against the embedded code set and procedure codes by number only; then enters about one
//!    claim in seven with a realistic error (a header code, a missing pointer, conflicting
//!    modifiers, a PTP pair from a small synthetic table).
//! 2. **Scrubs** each claim with the built-in edits on the day it is entered.
//! 3. **Fixes** what a rule can fix safely (pointer to the first diagnosis, 59 dropped beside
//!    an X modifier, the column 2 line of a pair no modifier may bypass) and holds the rest
//!    for a coder, who corrects them from the documentation two business days later.
//! 4. **Sends** each day's claims as an 837P, validates it against the implementation guide
//!    with medbill's own validator and renders the 999 the clearinghouse returns.
//! 5. **Adjudicates** as the payers would: a 277CA the next business day (a few front-end
//!    rejections, corrected and resubmitted), then weekly 835s per payer with contractual
//!    adjustments, copays, deductibles, coinsurance, denials with real CARC codes and a payer
//!    paying one code below contract.
//! 6. **Posts** each 835 to the claim ledger, bills patients their share, and prints the
//!    posting summary (denials by category, underpayments) and the KPI scorecard as of
//!    2026-10-31.
//!
//! `--out DIR` also writes the 837P, 999, 277CA and 835 files, the ledger (JSON lines) and an
//! HTML dashboard there. `--seed N` changes the practice's month; the same seed always gives
//! the same output. Nothing in the output depends on the clock. Patient names, birth dates
//! and member IDs are invented, appear only inside the X12 files, and are never printed.

/// `println!` that stops quietly when stdout is closed (`revenue_cycle | head`).
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout().lock(), $($arg)*);
    }};
}

/// `print!` that stops quietly when stdout is closed.
macro_rules! say_raw {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = write!(std::io::stdout().lock(), $($arg)*);
    }};
}

#[path = "revenue_cycle/payer.rs"]
mod payer;
#[path = "revenue_cycle/practice.rs"]
mod practice;

use std::collections::BTreeMap;
use std::error::Error;
use std::path::PathBuf;
use std::process::ExitCode;

use chrono::{Datelike, Days, NaiveDate, NaiveTime, TimeDelta};
use medbill::claim::{
    AckOutcome, Address, AdjudicationOutcome, Claim, CommunicationQualifier, Contact,
    ContactFunction, DiagnosisPointers, EventKind, FrequencyCode, LedgerEvent, Payee, Payment,
    PaymentMethod, PostingReport, Remittance, Responsibility, Text,
};
use medbill::codes::{Coded, DenialCategory, GroupCode, Modifier};
use medbill::kpi::synth::SplitMix64;
use medbill::kpi::{BusinessCalendar, KpiReport, Period, ReportOptions, dashboard_html};
use medbill::prelude::*;
use medbill::scrub::ncci::{ModifierIndicator, NcciSetting, PtpTable};
use medbill::scrub::{ReferenceData, ScrubOptions};
use medbill::x12::ack::AckOptions;
use medbill::x12::typed;
use rust_decimal::Decimal;

use payer::{ClaimStatus, REJECTIONS};
use practice::{Encounter, Injected, PayerProfile};

/// First day of service.
const MONTH: (i32, u32) = (2026, 9);
/// The practice's own ids in the envelopes.
const PRACTICE_ID: &str = "NWFM0001";
const CLEARINGHOUSE_ID: &str = "CLEARHOUSE";

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("revenue_cycle: {e}");
            ExitCode::FAILURE
        }
    }
}

struct Args {
    seed: u64,
    out: Option<PathBuf>,
}

fn args() -> Result<Args, String> {
    let mut parsed = Args {
        seed: 2026,
        out: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        match a.as_str() {
            "--seed" => {
                let n = it.next().ok_or("--seed needs a number")?;
                parsed.seed = n
                    .parse()
                    .map_err(|_| format!("--seed: {n:?} is not a number"))?;
            }
            "--out" => parsed.out = Some(it.next().ok_or("--out needs a directory")?.into()),
            "-h" | "--help" => {
                say!("usage: revenue_cycle [--seed N] [--out DIR]");
                std::process::exit(0);
            }
            other => return Err(format!("unknown argument {other:?} (try --help)")),
        }
    }
    Ok(parsed)
}

/// `$12,345.67`.
fn usd(amount: Decimal) -> String {
    let s = amount.round_dp(2).abs().to_string();
    let (whole, cents) = s.split_once('.').unwrap_or((&s, "00"));
    let mut grouped = String::new();
    for (i, ch) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    let sign = if amount.is_sign_negative() && !amount.is_zero() {
        "-"
    } else {
        ""
    };
    format!("{sign}${grouped}.{cents:0<2}")
}

fn percent(part: usize, whole: usize) -> String {
    match medbill::kpi::Ratio::of_counts(part as u64, whole as u64) {
        Some(r) => format!("{}%", r.as_percent(1)),
        None => "-".into(),
    }
}

fn section(title: &str) {
    say!("\n== {title}");
}

/// What happened to one insured encounter's claim.
struct Tracked {
    claim: Claim,
    payer: usize,
    submissions: u32,
    /// The 277CA acceptance date and the payer's claim number.
    accepted: Option<(NaiveDate, String)>,
}

fn run() -> Result<(), Box<dyn Error>> {
    let args = args()?;
    let start = NaiveDate::from_ymd_opt(MONTH.0, MONTH.1, 1).ok_or("bad month")?;
    let as_of = practice::next_month(practice::next_month(start)) - Days::new(1);
    let calendar = BusinessCalendar::us_federal();
    let mut rng = SplitMix64::new(args.seed);

    // Reference data: the embedded ICD-10-CM, and a synthetic PTP table in the CMS layout.
    let mut ptp = PtpTable::builder(NcciSetting::Practitioner);
    ptp.read(practice::SYNTHETIC_PTP.as_bytes(), "synthetic-ptp.txt")?;
    let ptp = ptp.build();
    let scrubber = Scrubber::new(ReferenceData::new().with_ptp(ptp));
    let dx = practice::Dx::load(start);
    let payers = practice::payers();
    let fees: Vec<_> = payers.iter().map(practice::fee_schedule).collect();
    let patients = practice::panel(&mut rng, &payers, &dx, 340);
    let days = practice::business_days(start, &calendar);
    let encounters = practice::encounters(
        &mut rng,
        &days,
        (17, 25),
        &patients,
        &payers,
        &dx,
        &scrubber,
    );

    say!(
        "medbill revenue cycle: seed {}, services {} to {}, measured as of {as_of}",
        args.seed,
        days.first().copied().unwrap_or(start),
        days.last().copied().unwrap_or(start)
    );
    say!(
        "(a synthetic practice; real ICD-10-CM {} codes, procedure codes by number only)",
        medbill::codes::Icd10Cm::embedded()
            .release_on(start, Default::default())
            .map_or("(no release)".to_string(), |(r, _)| r.id().to_string())
    );

    // ---------------------------------------------------------------- Generated
    section("Generated");
    let insured: Vec<&Encounter> = encounters.iter().filter(|e| e.payer.is_some()).collect();
    let self_pay = encounters.len() - insured.len();
    let lines: usize = encounters.iter().map(|e| e.entered.line_count()).sum();
    let charges: Decimal = encounters.iter().map(|e| e.entered.total_charge).sum();
    say!(
        "{} encounters on {} business days ({} patients seen): {} insured claims, {} self-pay; {} lines, {} charged",
        encounters.len(),
        days.len(),
        {
            let mut seen: Vec<usize> = encounters.iter().map(|e| e.patient).collect();
            seen.sort_unstable();
            seen.dedup();
            seen.len()
        },
        insured.len(),
        self_pay,
        lines,
        usd(charges)
    );
    let mix: Vec<String> = payers
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let n = insured.iter().filter(|e| e.payer == Some(i)).count();
            format!("{} {n}", p.payer.name)
        })
        .collect();
    say!("payer mix: {}, self-pay {self_pay}", mix.join(", "));
    let mut dx_count: BTreeMap<String, usize> = BTreeMap::new();
    for e in &encounters {
        for d in e.documented.diagnosis_codes() {
            *dx_count.entry(d.to_string()).or_default() += 1;
        }
    }
    let mut top: Vec<(&String, &usize)> = dx_count.iter().collect();
    top.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    let icd = medbill::codes::Icd10Cm::embedded();
    say!(
        "{} distinct diagnosis codes; most frequent:",
        dx_count.len()
    );
    for (code, n) in top.iter().take(5) {
        let title = icd
            .check(code, start)
            .entry()
            .and_then(|e| e.short_title().or(e.title()))
            .unwrap_or("");
        say!("  {code:<8} {n:>4}  {title}");
    }
    if !dx.dropped.is_empty() {
        say!(
            "(not billable on {start}, left out: {})",
            dx.dropped.join(", ")
        );
    }
    let mut injected: BTreeMap<Injected, usize> = BTreeMap::new();
    for e in &insured {
        for i in &e.injected {
            *injected.entry(*i).or_default() += 1;
        }
    }
    let with_errors = insured.iter().filter(|e| !e.injected.is_empty()).count();
    say!(
        "entered with errors: {with_errors} claims ({}): {}",
        percent(with_errors, insured.len()),
        injected
            .iter()
            .map(|(k, n)| format!("{} {n}", k.label()))
            .collect::<Vec<_>>()
            .join(", ")
    );

    // ---------------------------------------------------------------- Ledger: self-pay
    let mut ledger = Ledger::new();
    for e in encounters.iter().filter(|e| e.payer.is_none()) {
        let id = e.entered.patient_control_number.as_str();
        let charge = e.entered.total_charge;
        ledger.push(LedgerEvent::new(
            id,
            e.service,
            EventKind::Created {
                charge,
                service_date: e.service,
                service_end: None,
                self_pay: true,
            },
        ));
        // The practice's self-pay discount, then payment at checkout or a statement.
        let discount = (charge * Decimal::new(40, 2)).round_dp(2);
        ledger.push(LedgerEvent::new(
            id,
            e.service,
            EventKind::Adjusted {
                amount: discount,
                responsibility: Responsibility::Patient,
                reason: Some("self-pay discount".into()),
            },
        ));
        let due = charge - discount;
        if rng.chance(550) {
            ledger.push(LedgerEvent::new(
                id,
                e.service,
                EventKind::PatientPaid {
                    amount: due,
                    point_of_service: true,
                },
            ));
        } else {
            let billed = practice::business_days_after(e.service, 3, &calendar);
            ledger.push(LedgerEvent::new(
                id,
                billed,
                EventKind::PatientBilled { amount: due },
            ));
            let paid = billed + Days::new(rng.between(10, 40));
            if rng.chance(450) && paid <= as_of {
                ledger.push(LedgerEvent::new(
                    id,
                    paid,
                    EventKind::PatientPaid {
                        amount: due,
                        point_of_service: false,
                    },
                ));
            }
        }
    }

    // ---------------------------------------------------------------- Scrub and fix
    let mut tracked: Vec<Tracked> = Vec::new();
    let mut queue: BTreeMap<NaiveDate, Vec<usize>> = BTreeMap::new();
    let mut by_edit: BTreeMap<(String, String), usize> = BTreeMap::new();
    let mut first_pass_findings = 0usize;
    let mut flagged = 0usize;
    let mut auto_fixes: BTreeMap<&str, usize> = BTreeMap::new();
    let mut auto_fixed = 0usize;
    let mut held: BTreeMap<String, usize> = BTreeMap::new();
    let mut held_claims = 0usize;
    let mut caught = 0usize;
    for e in &insured {
        let payer = e.payer.unwrap_or_default();
        let mut claim = e.entered.clone();
        let id = claim.patient_control_number.clone();
        // The note is signed late in the afternoon; coding follows within two days, and the
        // charge is entered when coding is done.
        let signed = e.service.and_time(NaiveTime::MIN)
            + TimeDelta::minutes(i64::try_from(rng.between(15 * 60, 18 * 60)).unwrap_or(0));
        let coded = signed + TimeDelta::hours(i64::try_from(rng.between(2, 40)).unwrap_or(0));
        let mut entry = coded.date();
        while !calendar.is_business_day(entry) {
            entry = entry + Days::new(1);
        }
        let submit = practice::business_days_after(entry, 1, &calendar);
        let payer_id = payers[payer].payer.id.clone();
        ledger.push(
            LedgerEvent::new(id.as_str(), signed.date(), EventKind::DocumentationReceived)
                .with_time(signed.time())
                .with_payer(payer_id.clone()),
        );
        ledger.push(
            LedgerEvent::new(id.as_str(), coded.date(), EventKind::Coded)
                .with_time(coded.time())
                .with_payer(payer_id),
        );
        ledger.push(claim.created_event(entry));
        let findings = scrubber.scrub(&claim, &ScrubOptions::on(submit));
        first_pass_findings += findings.len();
        for f in &findings {
            *by_edit
                .entry((f.edit.clone(), f.severity.to_string()))
                .or_default() += 1;
        }
        if !e.injected.is_empty() && !findings.is_empty() {
            caught += 1;
        }
        let scrubbed = |passed, manual| {
            LedgerEvent::new(
                id.as_str(),
                entry,
                EventKind::Scrubbed {
                    passed,
                    manual_intervention: manual,
                },
            )
            .with_payer(payers[payer].payer.id.clone())
        };
        let mut day = submit;
        if findings.is_empty() {
            ledger.push(scrubbed(true, false));
        } else {
            flagged += 1;
            ledger.push(scrubbed(false, false));
            let fixes = auto_fix(&mut claim, &findings, &scrubber);
            let again = scrubber.scrub(&claim, &ScrubOptions::on(submit));
            if again.is_empty() {
                auto_fixed += 1;
                for f in fixes {
                    *auto_fixes.entry(f).or_default() += 1;
                }
                ledger.push(scrubbed(true, false));
            } else {
                held_claims += 1;
                for f in &again {
                    *held.entry(f.edit.clone()).or_default() += 1;
                }
                // A coder corrects the claim from the documentation.
                let coded = practice::business_days_after(entry, 2, &calendar);
                claim = e.documented.clone();
                let passed = scrubber.scrub(&claim, &ScrubOptions::on(coded)).is_empty();
                ledger.push(
                    LedgerEvent::new(
                        id.as_str(),
                        coded,
                        EventKind::Scrubbed {
                            passed,
                            manual_intervention: true,
                        },
                    )
                    .with_payer(payers[payer].payer.id.clone()),
                );
                day = practice::business_days_after(coded, 1, &calendar);
            }
        }
        queue.entry(day).or_default().push(tracked.len());
        tracked.push(Tracked {
            claim,
            payer,
            submissions: 0,
            accepted: None,
        });
    }

    let index_of: BTreeMap<Text, usize> = tracked
        .iter()
        .enumerate()
        .map(|(i, t)| (t.claim.patient_control_number.clone(), i))
        .collect();

    section("Scrubbed");
    say!(
        "{} built-in edits on the embedded ICD-10-CM; NCCI PTP from a synthetic table of {} pairs",
        scrubber.rules().len(),
        practice::PTP_PAIRS.len()
    );
    say!(
        "{flagged} of {} claims flagged on first pass ({} clean); {first_pass_findings} findings; {caught} of {with_errors} claims entered with errors caught",
        insured.len(),
        percent(insured.len() - flagged, insured.len())
    );
    for ((edit, severity), n) in &by_edit {
        say!("  {edit:<24} {severity:<7} {n:>4}");
    }

    section("Fixed");
    say!(
        "auto-fixed and clean on re-scrub: {auto_fixed} claims ({})",
        tally(&auto_fixes)
    );
    say!(
        "held for a coder: {held_claims} claims ({}); corrected two business days later, all re-scrubbed clean",
        tally(&held)
    );

    // ---------------------------------------------------------------- Day by day
    let mut out_837 = Vec::new();
    let mut out_999 = String::new();
    let mut out_277 = String::new();
    let mut out_835 = Vec::new();
    let mut batches = 0u32;
    let mut sets_accepted = 0usize;
    let mut sets_total = 0usize;
    let mut ig_findings = 0usize;
    let mut claims_sent = 0usize;
    let mut lines_sent = 0usize;
    let mut ack999 = BTreeMap::<String, usize>::new();
    let mut accepted_277 = 0usize;
    let mut rejected_277: BTreeMap<String, usize> = BTreeMap::new();
    let mut resubmitted = 0usize;
    let mut pay_queue: BTreeMap<(NaiveDate, usize), Vec<usize>> = BTreeMap::new();
    let mut pending = 0usize;
    let mut reports: Vec<(usize, PostingReport)> = Vec::new();
    let mut remit_sets = (0usize, 0usize);
    let mut ca_sets = (0usize, 0usize);
    let mut appeals = 0usize;
    let mut corrected = 0usize;
    let mut icn = 0u32;
    let mut remit_control = 0u32;
    let mut posting_problems = 0usize;

    let mut day = start;
    while day <= as_of {
        if let Some(mut list) = queue.remove(&day) {
            batches += 1;
            list.sort_by(|a, b| {
                let (x, y) = (&tracked[*a], &tracked[*b]);
                (x.payer, &x.claim.patient_control_number)
                    .cmp(&(y.payer, &y.claim.patient_control_number))
            });
            let claims: Vec<Claim> = list.iter().map(|&i| tracked[i].claim.clone()).collect();
            let reference = format!("B{:05}", batches);
            let header = SubmissionHeader::new(
                ClaimForm::Professional,
                reference.as_str(),
                day,
                ("NORTHWIND INTERNAL MEDICINE", PRACTICE_ID),
                ("EXAMPLE CLEARINGHOUSE", CLEARINGHOUSE_ID),
                "2175550100",
            );
            let mut envelope = InterchangeHeader::new(PRACTICE_ID, CLEARINGHOUSE_ID, batches, day);
            envelope.line_breaks = true;
            let x837 = typed::write_837(&claims, &header, &envelope)?;
            claims_sent += claims.len();
            lines_sent += claims.iter().map(Claim::line_count).sum::<usize>();
            for &i in &list {
                let t = &mut tracked[i];
                ledger.push(t.claim.submission_event(day, t.submissions == 0));
                t.submissions += 1;
            }

            // The clearinghouse validates the batch and answers with a 999.
            let options = AckOptions {
                interchange_control: batches,
                group_control: batches,
                first_set_control: batches,
                ..AckOptions::default()
            };
            let checked = medbill::check_x12(&x837, &options);
            for t in checked.report.transactions() {
                sets_total += 1;
                sets_accepted += usize::from(t.accepted());
                ig_findings += t.findings.len();
            }
            out_837.extend_from_slice(&x837);
            out_999.push_str(&checked.acks);
            let acks = medbill::read_acknowledgments(checked.acks.as_bytes())?;
            let mut batch_accepted = false;
            for ack in &acks.values {
                *ack999.entry(format!("{:?}", ack.outcome)).or_default() += 1;
                batch_accepted |= ack.outcome.is_accepted();
                for &i in &list {
                    let t = &tracked[i];
                    ledger.push(ack.event_for(
                        &t.claim.patient_control_number,
                        Some(&payers[t.payer].payer.id),
                    ));
                }
            }
            if !batch_accepted {
                return Err(format!("batch {reference} was rejected by IG validation").into());
            }

            // The next business day, the 277CA.
            let ca_day = practice::business_days_after(day, 1, &calendar);
            let mut statuses = Vec::new();
            for &i in &list {
                let t = &tracked[i];
                let profile = &payers[t.payer];
                let rejection = (t.submissions == 1 && rng.chance(profile.reject_per_mille))
                    .then(|| REJECTIONS[rng.below(REJECTIONS.len() as u64) as usize]);
                icn += 1;
                statuses.push(ClaimStatus {
                    claim: &t.claim,
                    rejection,
                    payer_claim_number: format!("{}{:07}", &profile.payer.id[..2], icn),
                });
            }
            let x277 = payer::write_277ca(batches, ca_day, &reference, &statuses);
            let checked = medbill::check_x12(x277.as_bytes(), &AckOptions::default());
            ca_sets.0 += 1;
            ca_sets.1 += usize::from(checked.accepted());
            out_277.push_str(&x277);
            let read = medbill::read_acknowledgments(x277.as_bytes())?;
            if !read.is_clean() {
                return Err(format!(
                    "the 277CA of {reference} did not read cleanly: {:?}",
                    read.problems
                )
                .into());
            }
            for ack in read.values {
                let Some(pcn) = ack.patient_control_number.as_deref() else {
                    continue;
                };
                let Some(&i) = list
                    .iter()
                    .find(|&&i| tracked[i].claim.patient_control_number == pcn)
                else {
                    continue;
                };
                let payer_index = tracked[i].payer;
                let profile = &payers[payer_index];
                if let Some(event) = ack.event(Some(&profile.payer.id)) {
                    ledger.push(event);
                }
                if ack.outcome == AckOutcome::Rejected {
                    let reason = ack.reasons.first().map_or("?".to_string(), |r| {
                        format!("{}:{}", r.category.as_deref().unwrap_or(""), r.code)
                    });
                    *rejected_277.entry(reason).or_default() += 1;
                    // The biller corrects the member data and sends the claim again.
                    let again = practice::business_days_after(ca_day, 2, &calendar);
                    queue.entry(again).or_default().push(i);
                    resubmitted += 1;
                } else {
                    accepted_277 += 1;
                    let icn = ack.payer_claim_control_number.clone().unwrap_or_default();
                    tracked[i].accepted = Some((ca_day, icn));
                    let (lo, hi) = profile.adjudication_days;
                    let mut pay = ca_day + Days::new(rng.between(lo, hi));
                    while pay.weekday() != profile.pay_day {
                        pay = pay + Days::new(1);
                    }
                    if pay <= as_of {
                        pay_queue.entry((pay, payer_index)).or_default().push(i);
                    } else {
                        pending += 1;
                    }
                }
            }
        }

        // The payers' weekly 835s due today.
        let due: Vec<(NaiveDate, usize)> = pay_queue
            .range((day, 0)..=(day, usize::MAX))
            .map(|(k, _)| *k)
            .collect();
        for key in due {
            let list = pay_queue.remove(&key).unwrap_or_default();
            let profile: &PayerProfile = &payers[key.1];
            let mut claims = Vec::new();
            for &i in &list {
                let t = &mut tracked[i];
                let icn = t.accepted.clone().map(|a| a.1).unwrap_or_default();
                let mut payment = payer::adjudicate(&mut rng, profile, &mut t.claim, icn);
                payment.patient_name = Some(t.claim.subscriber.name.clone());
                payment.member_id = Some(t.claim.subscriber.member_id.clone());
                claims.push(payment);
            }
            let amount: Decimal = claims.iter().map(|c| c.paid).sum();
            remit_control += 1;
            let remittance = Remittance {
                payer: profile.payer.clone(),
                payer_tin: Some(format!("{:09}", 990_000_001 + key.1)),
                payer_address: Some(Address {
                    lines: vec!["PO BOX 1000".into()],
                    city: "SPRINGFIELD".into(),
                    state: "IL".into(),
                    postal_code: "627010000".into(),
                    country: None,
                }),
                payer_contacts: vec![
                    Contact::new(ContactFunction::Technical, "PROVIDER SERVICES")
                        .with_number(CommunicationQualifier::Telephone, "8005550100"),
                ],
                payee: Payee {
                    name: "NORTHWIND INTERNAL MEDICINE".into(),
                    npi: practice::billing_provider().provider.valid_npi(),
                    tin: None,
                    address: None,
                },
                payment: Payment {
                    method: if amount.is_zero() {
                        PaymentMethod::NonPayment
                    } else if profile.eft {
                        PaymentMethod::Ach
                    } else {
                        PaymentMethod::Check
                    }
                    .into(),
                    amount,
                    date: day,
                    trace_number: format!(
                        "{}{}{:04}",
                        &profile.payer.id[..2],
                        day.format("%y%m%d"),
                        remit_control
                    ),
                },
                claims,
                provider_adjustments: Vec::new(),
                extra: Vec::new(),
                problems: Vec::new(),
            };
            let mut envelope =
                InterchangeHeader::new(&profile.payer.id, PRACTICE_ID, 500 + remit_control, day);
            envelope.line_breaks = true;
            let x835 = typed::write_835(&remittance, &envelope)?;
            let checked = medbill::check_x12(&x835, &AckOptions::default());
            remit_sets.0 += 1;
            remit_sets.1 += usize::from(checked.accepted());
            out_835.extend_from_slice(&x835);
            let posted = medbill::read_835_and_post(&x835, &mut ledger, Some(&fees[key.1]))?;
            posting_problems += posted.problems.len();
            for report in posted.values {
                // Patients get a statement for their share; about half pay within weeks.
                for p in &report.posted {
                    if p.patient_responsibility.is_zero() {
                        continue;
                    }
                    let billed = practice::business_days_after(day, 2, &calendar);
                    if billed <= as_of {
                        ledger.push(LedgerEvent::new(
                            p.claim_id.clone(),
                            billed,
                            EventKind::PatientBilled {
                                amount: p.patient_responsibility,
                            },
                        ));
                        let paid = billed + Days::new(rng.between(5, 30));
                        if rng.chance(500) && paid <= as_of {
                            ledger.push(LedgerEvent::new(
                                p.claim_id.clone(),
                                paid,
                                EventKind::PatientPaid {
                                    amount: p.patient_responsibility,
                                    point_of_service: false,
                                },
                            ));
                        }
                    }
                }
                // Claims denied in full for medical necessity or authorization are appealed
                // with the documentation a week later.
                let on = practice::business_days_after(day, 5, &calendar);
                for p in &report.posted {
                    if p.outcome != AdjudicationOutcome::Denied || on > as_of {
                        continue;
                    }
                    let of_claim = report.denials.iter().filter(|d| d.claim_id == p.claim_id);
                    let appealable = of_claim.clone().any(|d| {
                        d.categories.iter().any(|c| {
                            matches!(
                                c,
                                DenialCategory::MedicalNecessity
                                    | DenialCategory::AuthorizationReferral
                            )
                        })
                    });
                    if appealable {
                        appeals += 1;
                        ledger.push(
                            LedgerEvent::new(
                                p.claim_id.clone(),
                                on,
                                EventKind::Appealed {
                                    amount: of_claim.map(|d| d.amount).sum(),
                                    level: 1,
                                },
                            )
                            .with_payer(profile.payer.id.clone()),
                        );
                    }
                }
                // Claims denied for missing information go out again as corrected claims
                // (frequency 7, with the payer's claim number) once the biller adds it.
                let resend = practice::business_days_after(day, 3, &calendar);
                for p in &report.posted {
                    let missing_info = report.denials.iter().any(|d| {
                        d.claim_id == p.claim_id
                            && d.adjustments.iter().any(|a| a.reason.as_str() == "16")
                    });
                    let Some(&i) = index_of.get(p.claim_id.as_str()) else {
                        continue;
                    };
                    if p.outcome == AdjudicationOutcome::Denied && missing_info && resend <= as_of {
                        let t = &mut tracked[i];
                        t.claim.frequency = FrequencyCode::Replacement.into();
                        t.claim.original_payer_claim_number = t.accepted.clone().map(|a| a.1);
                        queue.entry(resend).or_default().push(i);
                        corrected += 1;
                    }
                }
                reports.push((key.1, report));
            }
        }
        day = day + Days::new(1);
    }
    let still_queued: usize = queue.values().map(Vec::len).sum();

    section("837P, IG validation, 999");
    say!(
        "{batches} daily batches: {claims_sent} claims ({resubmitted} resubmitted after a 277CA rejection, {corrected} corrected claims), {lines_sent} lines, {} KB of 837P",
        out_837.len() / 1024
    );
    say!(
        "IG validation (005010X222A1): {sets_accepted} of {sets_total} transaction sets accepted, {ig_findings} findings"
    );
    say!("999: {}", tally(&ack999));

    section("Adjudication: 277CA and 835");
    say!(
        "277CA: {} sets ({} pass IG validation): {accepted_277} claims accepted, {} rejected ({}); rejected claims corrected and resubmitted",
        ca_sets.0,
        ca_sets.1,
        rejected_277.values().sum::<usize>(),
        tally(&rejected_277)
    );
    let adjudicated: usize = reports
        .iter()
        .map(|(_, r)| r.posted.len() + r.unmatched.len())
        .sum();
    say!(
        "835: {} remittances from {} payers ({} pass IG validation), {adjudicated} claims adjudicated; {} awaiting adjudication on {as_of}{}",
        remit_sets.0,
        {
            let mut p: Vec<usize> = reports.iter().map(|(p, _)| *p).collect();
            p.dedup();
            p.sort_unstable();
            p.dedup();
            p.len()
        },
        remit_sets.1,
        pending,
        if still_queued > 0 {
            format!(", {still_queued} not yet sent")
        } else {
            String::new()
        }
    );

    // ---------------------------------------------------------------- Posting
    section("Posting");
    let posted: usize = reports.iter().map(|(_, r)| r.posted.len()).sum();
    let unmatched: usize = reports.iter().map(|(_, r)| r.unmatched.len()).sum();
    let balanced = reports
        .iter()
        .filter(|(_, r)| r.balance.is_balanced())
        .count();
    let paid: Decimal = reports.iter().map(|(_, r)| r.posted_total()).sum();
    let patient: Decimal = reports
        .iter()
        .flat_map(|(_, r)| r.posted.iter().map(|p| p.patient_responsibility))
        .sum();
    let contractual: Decimal = reports
        .iter()
        .flat_map(|(_, r)| r.events.iter())
        .flat_map(|e| e.kind.adjustments())
        .filter(|a| a.group == GroupCode::Co && a.reason.as_str() == "45")
        .map(|a| a.amount)
        .sum();
    say!(
        "{posted} claim payments posted, {unmatched} unmatched, {balanced} of {} remittances balanced, {posting_problems} reading problems",
        reports.len()
    );
    say!(
        "paid {}, contractual (CO-45) {}, patient responsibility {}",
        usd(paid),
        usd(contractual),
        usd(patient)
    );
    let mut categories: BTreeMap<String, (usize, usize, Decimal)> = BTreeMap::new();
    let mut carcs: BTreeMap<String, usize> = BTreeMap::new();
    let (mut denied_claims, mut denied_lines) = (0usize, 0usize);
    for (_, r) in &reports {
        let in_full: Vec<&medbill::claim::ClaimId> = r
            .posted
            .iter()
            .filter(|p| p.outcome == AdjudicationOutcome::Denied)
            .map(|p| &p.claim_id)
            .collect();
        denied_claims += in_full.len();
        for d in &r.denials {
            if in_full.contains(&&d.claim_id) {
                categories
                    .entry(
                        d.categories
                            .first()
                            .map_or("other".to_string(), |c| c.to_string()),
                    )
                    .or_default()
                    .2 += d.amount;
                if d.line.is_none_or(|l| l == 0) {
                    categories
                        .entry(
                            d.categories
                                .first()
                                .map_or("other".to_string(), |c| c.to_string()),
                        )
                        .or_default()
                        .0 += 1;
                }
                for a in &d.adjustments {
                    *carcs
                        .entry(format!("{}-{}", a.group.as_str(), a.reason.as_str()))
                        .or_default() += 1;
                }
                continue;
            }
            let category = d
                .categories
                .first()
                .map_or("other".to_string(), |c| c.to_string());
            let entry = categories.entry(category).or_default();
            entry.1 += 1;
            denied_lines += 1;
            entry.2 += d.amount;
            for a in &d.adjustments {
                *carcs
                    .entry(format!("{}-{}", a.group.as_str(), a.reason.as_str()))
                    .or_default() += 1;
            }
        }
    }
    say!(
        "denials: {denied_claims} claims denied in full, {denied_lines} lines denied on paid claims; {} in all",
        usd(categories.values().map(|c| c.2).sum())
    );
    for (category, (claims, lines, amount)) in &categories {
        say!(
            "  {category:<26} {claims:>3} claims {lines:>3} lines {:>12}",
            usd(*amount)
        );
    }
    say!(
        "  CARCs: {}",
        carcs
            .iter()
            .map(|(k, n)| {
                let summary = k
                    .split_once('-')
                    .and_then(|(_, c)| c.parse::<medbill::codes::Carc>().ok())
                    .and_then(|c| c.summary())
                    .unwrap_or("");
                format!("{k} {n} ({summary})")
            })
            .collect::<Vec<_>>()
            .join(", ")
    );
    say!(
        "worked: {corrected} claims denied for missing information sent again corrected (frequency 7), {appeals} medical-necessity or authorization denials appealed"
    );
    let mut status: BTreeMap<String, usize> = BTreeMap::new();
    for state in ledger.states(as_of) {
        *status.entry(format!("{:?}", state.status)).or_default() += 1;
    }
    say!("claim status on {as_of}: {}", tally(&status));
    let mut under: BTreeMap<(String, String), (usize, Decimal)> = BTreeMap::new();
    for (p, r) in &reports {
        for u in &r.underpayments {
            let e = under
                .entry((payers[*p].payer.id.clone(), u.procedure.to_string()))
                .or_default();
            e.0 += 1;
            e.1 += u.shortfall;
        }
    }
    say!(
        "underpayments: {} lines, {} below contract",
        under.values().map(|u| u.0).sum::<usize>(),
        usd(under.values().map(|u| u.1).sum())
    );
    for ((payer, code), (n, shortfall)) in &under {
        say!("  {payer} {code}: {n} lines, {}", usd(*shortfall));
    }

    // ---------------------------------------------------------------- KPIs
    section("KPI scorecard");
    let options = ReportOptions {
        period: Some(Period::new(start, as_of + Days::new(1))?),
        // The ledger starts on the first day of service: average daily revenue over the
        // days it covers, not a 90-day window that is two-thirds empty.
        ar_window_days: u32::try_from((as_of - start).num_days() + 1).unwrap_or(90),
        trend_months: 2,
        ..ReportOptions::default()
    };
    let report = KpiReport::compute(ledger.events(), as_of, &options);
    say_raw!("{}", report.to_text());
    // The scorecard's initial denial rate is HFMA's: denials in a month over the average
    // monthly submissions of the three months before. The ledger starts in September, so it
    // has no value here; the same-period rate is the one to read for this month.
    let denials = &report.denials.total;
    say!(
        "Denial rate in the period: {} ({} of {} adjudicated claims with a denial, {} of {} charges)",
        denials
            .rate_by_count()
            .map_or("-".to_string(), |r| format!("{}%", r.as_percent(2))),
        denials.denied,
        denials.adjudicated,
        usd(denials.denied_charges),
        usd(denials.adjudicated_charges)
    );
    if let Some(dir) = &args.out {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let write = |name: &str, bytes: &[u8]| -> Result<(), String> {
            let path = dir.join(name);
            std::fs::write(&path, bytes).map_err(|e| format!("{}: {e}", path.display()))
        };
        write("claims-837p.x12", &out_837)?;
        write("acks-999.x12", out_999.as_bytes())?;
        write("status-277ca.x12", out_277.as_bytes())?;
        write("remittance-835.x12", &out_835)?;
        let mut jsonl = Vec::new();
        medbill::claim::ledger::write_json_lines(&mut jsonl, ledger.events())?;
        write("ledger.jsonl", &jsonl)?;
        write("dashboard.html", dashboard_html(&report).as_bytes())?;
        say!(
            "\nWrote claims-837p.x12, acks-999.x12, status-277ca.x12, remittance-835.x12, ledger.jsonl and dashboard.html to {}",
            dir.display()
        );
    }
    Ok(())
}

/// Applies the fixes a rule can make without a person: the first diagnosis for a line with
/// no pointer, 59 dropped beside an X{EPSU} modifier, and the column 2 line of a PTP pair no
/// modifier may bypass. Returns what it did; the caller re-scrubs.
fn auto_fix(claim: &mut Claim, findings: &[Finding], scrubber: &Scrubber) -> Vec<&'static str> {
    let mut done = Vec::new();
    let ptp = scrubber.data().ptp(NcciSetting::Practitioner);
    let detail = practice::detail(claim);
    let mut remove: Vec<usize> = Vec::new();
    for f in findings {
        let Some(index) = f.line.and_then(|n| usize::try_from(n).ok()?.checked_sub(1)) else {
            continue;
        };
        let Some(line) = detail.lines.get_mut(index) else {
            continue;
        };
        match f.edit.as_str() {
            "DX.POINTER" if line.diagnosis_pointers.is_empty() => {
                line.diagnosis_pointers = DiagnosisPointers::from_slice(&[1]);
                done.push("pointer set to diagnosis 1");
            }
            "MOD.CONFLICT" if line.modifiers.iter().any(|m| m.as_str() == "59") => {
                let x = |m: &Coded<Modifier>| matches!(m.as_str(), "XE" | "XS" | "XP" | "XU");
                if line.modifiers.iter().any(x) {
                    line.modifiers.retain(|m| m.as_str() != "59");
                    done.push("59 removed beside X modifier");
                }
            }
            "NCCI.PTP" if f.codes.len() == 2 => {
                let (Ok(first), Ok(second)) = (f.codes[0].parse(), f.codes[1].parse()) else {
                    continue;
                };
                let bypass = ptp
                    .and_then(|t| t.edit_on(&first, &second, line.service_date?))
                    .map(|e| e.modifier_indicator);
                if bypass == Some(ModifierIndicator::NotAllowed) {
                    remove.push(index);
                    done.push("bundled column 2 line removed");
                }
            }
            _ => {}
        }
    }
    remove.sort_unstable();
    remove.dedup();
    for index in remove.into_iter().rev() {
        detail.lines.remove(index);
    }
    claim.total_charge = claim.line_charge_total();
    done
}

/// "k1 n1, k2 n2": counts by key, for the summary lines.
fn tally<K: std::fmt::Display, N: std::fmt::Display>(
    counts: impl IntoIterator<Item = (K, N)>,
) -> String {
    counts
        .into_iter()
        .map(|(k, n)| format!("{k} {n}"))
        .collect::<Vec<_>>()
        .join(", ")
}
