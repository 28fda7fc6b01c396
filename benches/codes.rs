//! Benchmarks for the codes area: ICD-10-CM validity checks, titles and Excludes1 queries.
//!
//! `cargo bench --bench codes --no-default-features --features codes`
//!
//! Targets: a cold first validity check (first call in a fresh process) at most 5 ms, a warm
//! one at most 100 ns. Criterion cannot measure a cold start inside one process, so before the
//! criterion groups the bench re-runs itself `COLD_RUNS` times with `MEDBILL_BENCH_COLD` set;
//! each child times its first check with `std::time::Instant` and prints the nanoseconds, and
//! the parent prints the median and maximum.

#![allow(missing_docs)] // criterion's macros generate undocumented items

use std::hint::black_box;
use std::process::Command;
use std::time::Instant;

use chrono::NaiveDate;
use criterion::{Criterion, criterion_group};
use medbill::codes::Icd10CmCode;
use medbill::codes::icd10cm::Icd10Cm;

const COLD_ENV: &str = "MEDBILL_BENCH_COLD";
const COLD_RUNS: usize = 15;

fn dos() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, 2).unwrap_or_default()
}

/// In a child process: time the very first check, and the first title look-up after it.
fn cold_child() {
    let date = dos();
    let start = Instant::now();
    let v = Icd10Cm::embedded().check(black_box("S72.001A"), date);
    let first = start.elapsed();
    assert!(v.is_valid());
    let start = Instant::now();
    let title = Icd10Cm::embedded().title(&black_box("E11.9".parse::<Icd10CmCode>().unwrap()));
    let first_title = start.elapsed();
    assert!(title.is_some());
    println!("{} {}", first.as_nanos(), first_title.as_nanos());
}

fn cold_parent() {
    let Ok(exe) = std::env::current_exe() else {
        eprintln!("cold check: cannot find the bench executable; skipped");
        return;
    };
    let mut checks = Vec::new();
    let mut titles = Vec::new();
    for _ in 0..COLD_RUNS {
        let Ok(out) = Command::new(&exe).env(COLD_ENV, "1").output() else {
            eprintln!("cold check: cannot run the bench executable; skipped");
            return;
        };
        let text = String::from_utf8_lossy(&out.stdout);
        let mut f = text.split_whitespace().map(|n| n.parse::<u128>().ok());
        if let (Some(Some(c)), Some(Some(t))) = (f.next(), f.next()) {
            checks.push(c);
            titles.push(t);
        }
    }
    if checks.is_empty() {
        eprintln!("cold check: no measurement");
        return;
    }
    checks.sort_unstable();
    titles.sort_unstable();
    let us = |ns: u128| format!("{}.{:03} us", ns / 1000, ns % 1000);
    println!(
        "icd10cm cold first check ({} fresh processes): median {}, max {} (target 5 ms)",
        checks.len(),
        us(checks[checks.len() / 2]),
        us(checks[checks.len() - 1])
    );
    println!(
        "icd10cm cold first title (inflates titles and notes): median {}, max {}",
        us(titles[titles.len() / 2]),
        us(titles[titles.len() - 1])
    );
}

fn icd10cm(c: &mut Criterion) {
    let cm = Icd10Cm::embedded();
    let date = dos();
    let mut g = c.benchmark_group("icd10cm");
    g.bench_function("check billable E11.9", |b| {
        b.iter(|| cm.check(black_box("E11.9"), black_box(date)))
    });
    g.bench_function("check billable S72.001A", |b| {
        b.iter(|| cm.check(black_box("S72.001A"), black_box(date)))
    });
    g.bench_function("check header E11 (names children)", |b| {
        b.iter(|| cm.check(black_box("E11"), black_box(date)))
    });
    g.bench_function("check unknown E11.99", |b| {
        b.iter(|| cm.check(black_box("E11.99"), black_box(date)))
    });
    g.bench_function("check malformed 1E11", |b| {
        b.iter(|| cm.check(black_box("1E11"), black_box(date)))
    });
    let code: Icd10CmCode = "E11.9".parse().expect("a valid code");
    g.bench_function("title E11.9", |b| b.iter(|| cm.title(black_box(&code))));
    let other: Icd10CmCode = "E10.9".parse().expect("a valid code");
    let unrelated: Icd10CmCode = "I10".parse().expect("a valid code");
    g.bench_function("excludes1_conflict E11.9 E10.9 (conflict)", |b| {
        b.iter(|| cm.excludes1_conflict(black_box(&code), black_box(&other)))
    });
    g.bench_function("excludes1_conflict E11.9 I10 (none)", |b| {
        b.iter(|| cm.excludes1_conflict(black_box(&code), black_box(&unrelated)))
    });
    g.finish();
}

criterion_group!(benches, icd10cm);

fn main() {
    if std::env::var_os(COLD_ENV).is_some() {
        cold_child();
        return;
    }
    // `cargo test --benches` runs the bench once in test mode: skip the cold processes there.
    if !std::env::args().any(|a| a == "--test" || a == "--list") {
        cold_parent();
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
