//! Benchmarks for medbill-kpi: the full metric set over a synthetic ledger of 10 million
//! events (target: at most 2 s single-threaded), from an `EventStore` and from a slice of
//! events; building the store; and JSON-lines parsing throughput.
//!
//! ```sh
//! cargo bench --bench kpi --no-default-features --features kpi
//! MEDBILL_KPI_BENCH_EVENTS=1000000 cargo bench --bench kpi --no-default-features --features kpi
//! ```
//!
//! Ledger generation is not measured: the events are built in memory first. The report's
//! time covers the claim book (one pass over the events) and every metric, aging,
//! scorecard and 12 months of trends by payer. From a store, the store is built first (not
//! part of the report's time; measured on its own): it holds the interned claim ids, the
//! compact rows and the events' order grouped by claim, and nothing computed for a date.

#![allow(missing_docs)] // criterion's macros generate undocumented items

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use medbill::claim::ledger::{read_json_lines, write_json_lines};
use medbill::kpi::synth::{SynthConfig, generate};
use medbill::kpi::{Book, EventStore, KpiReport, ReportOptions};

fn events_wanted() -> usize {
    std::env::var("MEDBILL_KPI_BENCH_EVENTS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10_000_000)
}

fn full_metric_set(c: &mut Criterion) {
    let started = Instant::now();
    let events = generate(&SynthConfig::with_events(events_wanted()));
    eprintln!(
        "generated {} events in {:.1?} (not measured)",
        events.len(),
        started.elapsed()
    );
    let as_of = "2026-06-30".parse().expect("date");
    let options = ReportOptions::default();

    let mut group = c.benchmark_group("kpi");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(20));
    group.throughput(Throughput::Elements(events.len() as u64));
    let store = EventStore::from_events(&events).expect("store");
    group.bench_function("full_metric_set_from_store", |b| {
        b.iter(|| KpiReport::compute_store(black_box(&store), as_of, &options))
    });
    group.bench_function("claim_book_from_store", |b| {
        b.iter(|| Book::from_store(black_box(&store), as_of).claim_count())
    });
    let book = Book::from_store(&store, as_of);
    group.bench_function("metrics_from_book", |b| {
        b.iter(|| KpiReport::from_book(black_box(&book), &options))
    });
    drop(book);
    drop(store);
    group.bench_function("build_store", |b| {
        b.iter(|| {
            EventStore::from_events(black_box(&events))
                .expect("store")
                .len()
        })
    });
    group.bench_function("full_metric_set_from_slice", |b| {
        b.iter(|| KpiReport::compute(black_box(&events), as_of, &options))
    });
    group.bench_function("claim_book_from_slice", |b| {
        b.iter(|| Book::new(black_box(&events), as_of).claim_count())
    });
    group.finish();
}

/// CPU time this process has used, from /proc/self/stat (Linux; clock ticks of 10 ms).
/// Criterion measures wall time, which on a shared machine includes time spent waiting for
/// a core; CPU time of a single-threaded run is what the 2 s target is about.
fn cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let rest = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split(' ').collect();
    // After the command come state (field 3), ...; utime and stime are fields 14 and 15.
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    Some(Duration::from_millis((utime + stime) * 10))
}

/// Runs `f` `runs` times and prints its CPU time (and wall time) per run and events per
/// CPU second.
// Events per second is a rate for people to read, not money.
#[allow(clippy::float_arithmetic)]
fn cpu_measure<T>(what: &str, events: usize, runs: u32, mut f: impl FnMut() -> T) {
    let (Some(t0), w0) = (cpu_time(), Instant::now()) else {
        return;
    };
    for _ in 0..runs {
        black_box(f());
    }
    let (Some(t1), wall) = (cpu_time(), w0.elapsed()) else {
        return;
    };
    let cpu = (t1 - t0) / runs;
    eprintln!(
        "kpi/{what} CPU time: {cpu:.2?} per run over {events} events ({:.0} events/s CPU; \
         wall {:.2?} per run)",
        events as f64 / cpu.as_secs_f64(),
        wall / runs
    );
}

// Bytes per event is a ratio for people to read, not money.
#[allow(clippy::float_arithmetic)]
fn cpu_report(_c: &mut Criterion) {
    let events = generate(&SynthConfig::with_events(events_wanted()));
    let n = events.len();
    let as_of = "2026-06-30".parse().expect("date");
    let options = ReportOptions::default();
    let runs = 3;
    // (d) the slice path, for comparison.
    cpu_measure("full_metric_set_from_slice", n, runs, || {
        KpiReport::compute(black_box(&events), as_of, &options)
    });
    // (b) building the store from a slice of events (grouping by claim included).
    cpu_measure("build_store", n, runs, || {
        EventStore::from_events(black_box(&events)).expect("store")
    });
    let store = EventStore::from_events(&events).expect("store");
    eprintln!(
        "kpi/store memory: {} bytes on the heap for {n} events ({:.1} bytes per event; \
         {} claims)",
        store.heap_bytes(),
        store.heap_bytes() as f64 / n as f64,
        store.claim_count()
    );
    // (a) the full metric set from the store: the issue's 2 s target. The events are
    // dropped only afterwards: freeing ten million of them leaves the allocator work that
    // the next large allocation would pay for.
    cpu_measure("full_metric_set_from_store", n, runs, || {
        KpiReport::compute_store(black_box(&store), as_of, &options)
    });
    cpu_measure("claim_book_from_store", n, runs, || {
        Book::from_store(black_box(&store), as_of).claim_count()
    });
    drop(store);
    drop(events);
    // (c) JSON lines straight into a store (1M events).
    let events = generate(&SynthConfig::with_events(1_000_000));
    let mut text = Vec::new();
    write_json_lines(&mut text, &events).expect("write");
    let n = events.len();
    drop(events);
    cpu_measure("json_lines_into_store", n, 1, || {
        EventStore::read_json_lines(black_box(&text[..])).expect("read")
    });
    cpu_measure("read_json_lines_to_vec", n, 1, || {
        read_json_lines(black_box(&text[..])).expect("read")
    });
}

fn json_lines_parsing(c: &mut Criterion) {
    let events = generate(&SynthConfig::with_events(1_000_000));
    let mut text = Vec::new();
    write_json_lines(&mut text, &events).expect("write");
    let mut group = c.benchmark_group("kpi_parse");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(15));
    group.throughput(Throughput::Elements(events.len() as u64));
    group.bench_function("read_json_lines", |b| {
        b.iter(|| read_json_lines(black_box(&text[..])).expect("read").len())
    });
    group.bench_function("json_lines_into_store", |b| {
        b.iter(|| {
            EventStore::read_json_lines(black_box(&text[..]))
                .expect("read")
                .len()
        })
    });
    group.finish();
}

criterion_group!(benches, cpu_report, full_metric_set, json_lines_parsing);
criterion_main!(benches);
