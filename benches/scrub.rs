//! Benchmarks for the scrub area: loading a 2-million-row NCCI PTP table, and scrubbing
//! four-line claims with every built-in edit on.
//!
//! `cargo bench --bench scrub --no-default-features --features scrub`
//!
//! Targets: at least 200,000 four-line claims per second per core with all built-in edits
//! and a synthetic PTP table of 2 million pairs and MUE table of 15,000 codes loaded; a PTP
//! load of 2 million rows in under 2 s and 200 MB. Criterion reports the times; before the
//! groups run, the bench prints the table's heap size and the process's resident memory
//! growth while loading.
//!
//! The tables are synthetic, in the CMS layouts, with made-up code pairs: NCCI data contains
//! licensed CPT codes and is never shipped.

#![allow(missing_docs)] // criterion's macros generate undocumented items

use std::fmt::Write as _;
use std::hint::black_box;
use std::time::Instant;

use chrono::NaiveDate;
use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use medbill::claim::{
    Address, BillingProvider, Claim, ClaimFilingIndicator, Payer, PersonName, Phi,
    ProfessionalLine, Provider, Sex, Subscriber,
};
use medbill::scrub::ncci::{MueTable, NcciSetting, PtpTable};
use medbill::scrub::{ReferenceData, ScrubOptions, Scrubber};
use rust_decimal::Decimal;

const PTP_ROWS: usize = 2_000_000;
const MUE_CODES: usize = 15_000;
/// Column 1 codes of the synthetic table; each has PTP_ROWS / COLUMN1 column 2 codes.
const COLUMN1: usize = 10_000;

/// A five-digit code for index `i` (10000 + i).
fn code(i: usize) -> String {
    format!("{:05}", 10_000 + i % 90_000)
}

/// A PTP file in the CMS practitioner layout: preamble, header, 2 million rows.
fn ptp_text() -> String {
    let mut s = String::with_capacity(PTP_ROWS * 64);
    s.push_str("Synthetic PTP table for benchmarks; made-up code pairs.\n");
    s.push_str("Column 1\tColumn 2\t*=in existence prior to 1996\tEffective Date\tDeletion Date *=no data\tModifier 0=not allowed 1=allowed 9=not applicable\tPTP Edit Rationale\n");
    let per = PTP_ROWS / COLUMN1;
    let rationales = [
        "Mutually exclusive procedures",
        "Standards of medical / surgical practice",
        "Misuse of column two code with column one code",
        "CPT Manual or CMS manual coding instructions",
    ];
    for c1 in 0..COLUMN1 {
        for k in 0..per {
            // Column 2 codes spread over the whole code range, not adjacent to column 1.
            let c2 = (c1 * 7 + k * 13 + 1) % 30_000;
            let indicator = if k % 4 == 0 { '0' } else { '1' };
            let deletion = if k % 50 == 0 { "20240101" } else { "*" };
            let _ = writeln!(
                s,
                "{}\t{}\t\t20200101\t{deletion}\t{indicator}\t{}",
                code(c1),
                code(c2),
                rationales[k % 4]
            );
        }
    }
    s
}

fn mue_text() -> String {
    let mut s = String::from(
        "\"Synthetic MUE table; made-up codes\"\n\"HCPCS/CPT Code\",\"Practitioner Services MUE Values\",\"MUE Adjudication Indicator\",\"MUE Rationale\"\n",
    );
    let kinds = [
        "1 Line Edit",
        "2 Date of Service Edit: Policy",
        "3 Date of Service Edit: Clinical",
    ];
    for i in 0..MUE_CODES {
        let _ = writeln!(
            s,
            "{},{},\"{}\",\"Clinical: Data\"",
            code(i * 2),
            1 + i % 4,
            kinds[i % 3]
        );
    }
    s
}

/// CPU time of this thread so far, in seconds (Linux; `None` elsewhere). Used to report
/// throughput per core even when other processes share the machine.
fn thread_cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/thread-self/stat").ok()?;
    let rest = stat.get(stat.rfind(')')? + 2..)?;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    // Kernel clock ticks are 1/100 s on Linux.
    #[allow(clippy::float_arithmetic)] // a duration measurement, not money
    Some(ticks as f64 / 100.0)
}

fn resident_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 2, 27).unwrap_or_default()
}

/// Four-line claims: an E/M visit and procedures from the table's code range, some pairs
/// that hit PTP edits, modifiers on some lines, two to four diagnoses.
fn claims(n: usize) -> Vec<Claim> {
    let billing = BillingProvider {
        provider: Provider::organization("BENCH CLINIC", "1234567893".parse().unwrap()),
        tin: Phi::new("123456789".into()),
        tin_is_ssn: false,
        address: Address::default(),
    };
    let subscriber = Subscriber::new("M123", PersonName::new("BENCH", "PAT"))
        .with_demographics(NaiveDate::from_ymd_opt(1970, 5, 1).unwrap(), Sex::Female);
    let dx_sets: [&[&str]; 4] = [
        &["E11.9", "I10"],
        &["J06.9", "R05.9", "Z23"],
        &["M54.50", "M25.561", "E78.5", "I10"],
        &["S72.001A", "W19.XXXA"],
    ];
    let modifiers = ["25", "59", "XU", "LT", "RT", "76"];
    (0..n)
        .map(|i| {
            let mut b = Claim::professional(format!("PCN{i}"))
                .billing_provider(billing.clone())
                .subscriber(subscriber.clone())
                .payer(
                    Payer::new("87726", "BENCH PLAN"),
                    ClaimFilingIndicator::Commercial,
                )
                .place_of_service("11".parse().unwrap());
            let dx = dx_sets[i % dx_sets.len()];
            for c in dx {
                b = b.diagnosis(c.parse().unwrap());
            }
            let c1 = (i * 31) % COLUMN1;
            // Column 2 of c1's k-th row when i is even: a PTP hit.
            let c2 = if i % 2 == 0 {
                (c1 * 7 + 13 * (i % 5) + 1) % 30_000
            } else {
                (i * 17) % 30_000
            };
            let codes = [
                code(90_000 - 10_000 + 9_213),
                code(c1),
                code(c2),
                code((i * 3) % MUE_CODES * 2),
            ];
            for (k, c) in codes.iter().enumerate() {
                let mut line = ProfessionalLine::new(
                    c.parse().unwrap(),
                    Decimal::new(10_000, 2),
                    Decimal::from(1 + (i + k) % 3),
                    day(),
                )
                .pointers([1]);
                if (i + k) % 5 == 0 {
                    line = line.modifiers([modifiers[(i + k) % modifiers.len()].parse().unwrap()]);
                }
                b = b.line(line);
            }
            b.build().unwrap()
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let ptp = ptp_text();
    let before = resident_kb();
    let cpu_start = thread_cpu_seconds();
    let start = Instant::now();
    let table = PtpTable::from_reader(
        ptp.as_bytes(),
        "synthetic-ptp.txt",
        NcciSetting::Practitioner,
    )
    .expect("synthetic PTP loads");
    let load = start.elapsed();
    #[allow(clippy::float_arithmetic)] // a duration measurement, not money
    let cpu_load = match (cpu_start, thread_cpu_seconds()) {
        (Some(a), Some(b)) => format!("{:.2} s CPU", b - a),
        _ => "CPU n/a".into(),
    };
    let after = resident_kb();
    eprintln!(
        "PTP: {} rows loaded in {:.3} s wall ({cpu_load}, one run); table heap {} MB; resident growth {} MB",
        table.len(),
        load.as_secs_f64(),
        table.heap_bytes() / 1_000_000,
        match (before, after) {
            (Some(b), Some(a)) => (a.saturating_sub(b) / 1000).to_string(),
            _ => "n/a".into(),
        }
    );
    let mue = MueTable::from_reader(
        mue_text().as_bytes(),
        "synthetic-mue.csv",
        NcciSetting::Practitioner,
    )
    .expect("synthetic MUE loads");
    let data = ReferenceData::new().with_ptp(table).with_mue(mue);
    let scrubber = Scrubber::new(data);
    let batch = claims(10_000);
    let opts = ScrubOptions::on(NaiveDate::from_ymd_opt(2026, 3, 5).unwrap());
    let findings: usize = batch.iter().map(|cl| scrubber.scrub(cl, &opts).len()).sum();
    eprintln!("scrub: {findings} findings on {} claims", batch.len());
    // Throughput per core by CPU time: ten passes over the batch on this thread.
    if let Some(a) = thread_cpu_seconds() {
        let mut out = Vec::new();
        let wall = Instant::now();
        for _ in 0..10 {
            for cl in &batch {
                out.clear();
                scrubber.scrub_into(black_box(cl), &opts, &mut out);
            }
        }
        let wall = wall.elapsed().as_secs_f64();
        if let Some(b) = thread_cpu_seconds() {
            #[allow(clippy::float_arithmetic)] // a rate measurement, not money
            let (per_cpu, per_wall) = (
                (10 * batch.len()) as f64 / (b - a).max(0.01),
                (10 * batch.len()) as f64 / wall.max(1e-9),
            );
            eprintln!(
                "scrub: {per_cpu:.0} four-line claims per CPU-second on one thread ({per_wall:.0} per wall-clock second)"
            );
        }
    }

    let mut g = c.benchmark_group("scrub");
    g.throughput(Throughput::Elements(batch.len() as u64));
    g.sample_size(20);
    g.bench_function("four_line_claims_one_core", |b| {
        let mut out = Vec::new();
        b.iter(|| {
            for cl in &batch {
                out.clear();
                scrubber.scrub_into(black_box(cl), &opts, &mut out);
            }
            out.len()
        })
    });
    g.bench_function("four_line_claims_batch_all_cores", |b| {
        b.iter(|| scrubber.scrub_batch(black_box(&batch), &opts).len())
    });
    g.finish();

    let mut g = c.benchmark_group("ptp_load");
    g.sample_size(10);
    g.throughput(Throughput::Elements(PTP_ROWS as u64));
    g.bench_function("two_million_rows", |b| {
        b.iter_batched(
            || (),
            |()| {
                PtpTable::from_reader(
                    ptp.as_bytes(),
                    "synthetic-ptp.txt",
                    NcciSetting::Practitioner,
                )
                .map(|t| t.len())
            },
            BatchSize::PerIteration,
        )
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
