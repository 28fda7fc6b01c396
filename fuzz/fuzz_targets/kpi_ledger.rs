//! The event store's JSON-lines reader (a hand-written scanner with a serde fallback) must
//! never panic, and must agree with `medbill_claim::ledger::read_json_lines`: a ledger that
//! the claim crate reads gives the same store as building one from those events (same events,
//! claims, payers and report), and one it refuses, the store refuses too.
#![no_main]

use libfuzzer_sys::fuzz_target;
use medbill_claim::ledger::read_json_lines;
use medbill_kpi::{EventStore, KpiError, KpiReport, ReportOptions};

fuzz_target!(|data: &[u8]| {
    let scanned = EventStore::read_json_lines(data);
    let Ok(events) = read_json_lines(data) else {
        assert!(scanned.is_err(), "the store read a ledger the claim crate refuses");
        return;
    };
    match (scanned, EventStore::from_events(&events)) {
        (Ok(scanned), Ok(built)) => {
            assert_eq!(scanned.len(), built.len());
            assert_eq!(scanned.claim_count(), built.claim_count());
            assert_eq!(scanned.payers(), built.payers());
            for i in 0..scanned.len() {
                assert_eq!(scanned.event_claim(i), built.event_claim(i), "event {i}");
                assert_eq!(scanned.event_date(i), built.event_date(i), "event {i}");
                assert_eq!(scanned.event_time(i), built.event_time(i), "event {i}");
                assert_eq!(scanned.event_kind(i), built.event_kind(i), "event {i}");
                assert_eq!(scanned.event_amount(i), built.event_amount(i), "event {i}");
            }
            let as_of = "2026-06-30".parse().expect("a date");
            let options = ReportOptions::default();
            let report = KpiReport::compute_store(&scanned, as_of, &options);
            assert_eq!(report, KpiReport::compute_store(&built, as_of, &options));
            assert_eq!(report, KpiReport::compute(&events, as_of, &options));
        }
        (Err(KpiError::StoreLimit { .. }), Err(KpiError::StoreLimit { .. })) => {}
        (scanned, built) => panic!(
            "store reader and from_events disagree: {:?} vs {:?}",
            scanned.map(|s| s.len()),
            built.map(|s| s.len())
        ),
    }
});
