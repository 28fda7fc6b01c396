//! The event store: metrics from a store are the metrics from the events it was built from
//! (to the digit and the scale), and the store gives back what was put in.

mod common;

use chrono::{Days, NaiveDate, NaiveTime};
use common::*;
use medbill_claim::ledger::write_json_lines;
use medbill_claim::{EventKind, LedgerEvent};
use medbill_kpi::synth::{SplitMix64, SynthConfig, generate, generate_store};
use medbill_kpi::{
    AgingAnchor, Book, CreditBalances, EventStore, KpiError, KpiReport, Period, ReportOptions,
};
use proptest::prelude::*;
use rust_decimal::Decimal;

fn options() -> Vec<ReportOptions> {
    let mut out = vec![ReportOptions::default()];
    out.push(ReportOptions {
        aging_anchor: AgingAnchor::FirstSubmission,
        credits: CreditBalances::Include,
        ar_window_days: 30,
        trend_months: 15,
        ..ReportOptions::default()
    });
    out
}

/// Every metric of both books, as JSON text (so a difference of scale shows too).
fn same_reports(events: &[LedgerEvent], store: &EventStore, as_of: NaiveDate) {
    for o in options() {
        let slice = KpiReport::compute(events, as_of, &o);
        let from_store = KpiReport::compute_store(store, as_of, &o);
        let a = serde_json::to_value(&slice).unwrap();
        let b = serde_json::to_value(&from_store).unwrap();
        let mut diffs = Vec::new();
        differences("", &a, &b, &mut diffs);
        assert!(
            diffs.is_empty(),
            "as of {as_of}: {:?}",
            &diffs[..diffs.len().min(5)]
        );
        assert_eq!(slice, from_store);
    }
    let a = Book::new(events, as_of);
    let b = Book::from_store(store, as_of);
    assert_eq!(a.payers(), b.payers());
    assert_eq!(a.claim_count(), b.claim_count());
    assert_eq!(a.skipped_events(), b.skipped_events());
    let month = Period::month_of(as_of);
    for payer in a.payers().iter().map(|p| Some(p.as_str())).chain([None]) {
        assert_eq!(
            a.first_pass_acceptance(month, payer),
            b.first_pass_acceptance(month, payer)
        );
        assert_eq!(a.denials(month, payer), b.denials(month, payer));
        assert_eq!(a.collections(month, payer), b.collections(month, payer));
        assert_eq!(
            a.hfma_denial_rate(month, payer),
            b.hfma_denial_rate(month, payer)
        );
    }
}

/// Paths where two JSON values differ, with both leaves.
fn differences(path: &str, a: &serde_json::Value, b: &serde_json::Value, out: &mut Vec<String>) {
    use serde_json::Value;
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for (k, v) in x {
                match y.get(k) {
                    Some(w) => differences(&format!("{path}.{k}"), v, w, out),
                    None => out.push(format!("{path}.{k} missing on the right")),
                }
            }
            for k in y.keys().filter(|k| !x.contains_key(*k)) {
                out.push(format!("{path}.{k} missing on the left"));
            }
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            for (i, (v, w)) in x.iter().zip(y).enumerate() {
                differences(&format!("{path}[{i}]"), v, w, out);
            }
        }
        _ if a != b => out.push(format!("{path}: {a} != {b}")),
        _ => {}
    }
}

#[test]
fn hand_made_ledger_gives_the_same_report() {
    let events = fixture();
    let store = EventStore::from_events(&events).unwrap();
    for as_of in ["2026-03-02", "2026-03-15", "2026-03-31", "2026-06-30"] {
        same_reports(&events, &store, day(as_of));
    }
}

#[test]
fn synthetic_ledger_gives_the_same_report() {
    let events = generate(&SynthConfig {
        claims: 3_000,
        ..SynthConfig::default()
    });
    let store = generate_store(&SynthConfig {
        claims: 3_000,
        ..SynthConfig::default()
    });
    assert_eq!(store.len(), events.len());
    for as_of in ["2025-08-31", "2026-03-31", "2026-06-30"] {
        same_reports(&events, &store, day(as_of));
    }
}

#[test]
fn store_gives_back_events_and_claim_ids() {
    let events = fixture();
    let store = EventStore::from_events(&events).unwrap();
    assert_eq!(store.len(), events.len());
    let mut ids: Vec<&str> = Vec::new();
    for (i, e) in events.iter().enumerate() {
        let ci = store.event_claim(i).unwrap();
        assert_eq!(store.claim_id(ci), Some(e.claim_id.as_str()));
        assert_eq!(store.claim_index(e.claim_id.as_str()), Some(ci));
        assert_eq!(store.event_date(i), Some(e.date));
        assert_eq!(store.event_time(i), e.time);
        assert_eq!(store.event_kind(i), Some(e.kind.name()));
        assert_eq!(store.event_payer(i), e.payer_id.as_deref());
        assert_eq!(store.event_amount(i), e.kind.amount());
        if !ids.contains(&e.claim_id.as_str()) {
            ids.push(e.claim_id.as_str());
        }
    }
    assert_eq!(store.claim_count(), ids.len());
    for (ci, id) in ids.iter().enumerate() {
        assert_eq!(store.claim_id(ci as u32), Some(*id));
        let mine: Vec<u32> = (0..events.len() as u32)
            .filter(|&i| events[i as usize].claim_id.as_str() == *id)
            .collect();
        assert_eq!(store.claim_events(ci as u32), &mine[..]);
    }
    assert_eq!(store.claim_id(ids.len() as u32), None);
    assert_eq!(store.claim_index("no such claim"), None);
    assert!(store.heap_bytes() > 0);
}

#[test]
fn pushing_one_at_a_time_is_building_at_once() {
    let events = generate(&SynthConfig {
        claims: 400,
        ..SynthConfig::default()
    });
    let mut store = EventStore::new();
    let as_of = day("2026-01-31");
    for (i, e) in events.iter().enumerate() {
        store.push(e).unwrap();
        if i == events.len() / 2 {
            // A book in between, then more events: the grouping follows.
            same_reports(&events[..=i], &store, as_of);
        }
    }
    same_reports(&events, &store, as_of);
}

#[test]
fn json_lines_read_into_the_store() {
    let events = generate(&SynthConfig {
        claims: 500,
        ..SynthConfig::default()
    });
    let mut text = Vec::new();
    write_json_lines(&mut text, &events).unwrap();
    text.extend_from_slice(b"\n  \n");
    let store = EventStore::read_json_lines(&text[..]).unwrap();
    assert_eq!(store.len(), events.len());
    same_reports(&events, &store, day("2026-03-31"));

    let bad = b"{\"claim_id\":\"A\",\"date\":\"2026-03-01\",\"event\":\"coded\"}\n\n{\"claim_id\":\"SECRET\",\"date\":\"2026-13-01\",\"event\":\"coded\"}\n";
    let err = EventStore::read_json_lines(&bad[..]).unwrap_err();
    assert!(matches!(err, KpiError::LedgerLine { line: 3, .. }), "{err}");
    assert!(!err.to_string().contains("SECRET"));
    // Appending: the lines before the bad one are kept.
    let mut store = EventStore::new();
    let err = store.extend_json_lines(&bad[..]).unwrap_err();
    assert!(matches!(err, KpiError::LedgerLine { line: 3, .. }), "{err}");
    assert_eq!((store.len(), store.claim_id(0)), (1, Some("A")));
    assert_eq!(store.extend_json_lines(&bad[..54]).unwrap(), 1);
    assert_eq!(store.len(), 2);
}

#[test]
fn amounts_the_store_cannot_hold_are_refused_and_leave_it_unchanged() {
    let mut store = EventStore::new();
    let fine = ev(
        "A",
        "2026-03-01",
        Some("P1"),
        created("100.00", "2026-03-01", false),
    );
    store.push(&fine).unwrap();
    let too_fine = ev(
        "B",
        "2026-03-02",
        Some("P2"),
        patient_paid("0.0000001", false),
    );
    let err = store.push(&too_fine).unwrap_err();
    assert!(
        matches!(err, KpiError::StoreLimit { event: 1, .. }),
        "{err}"
    );
    assert_eq!((store.len(), store.claim_count()), (1, 1));
    assert_eq!(store.claim_index("B"), None);
    // Six places are fine, and a trillion and more is kept but skipped, as the book does.
    let events = vec![
        fine.clone(),
        ev("B", "2026-03-02", None, patient_paid("0.000001", false)),
        ev(
            "C",
            "2026-03-02",
            Some("P3"),
            created("2000000000000", "2026-03-01", false),
        ),
        ev(
            "C",
            "2026-03-03",
            Some("P3"),
            patient_paid("-1000000000000.000000", false),
        ),
    ];
    let mut store = EventStore::new();
    store.extend(&events).unwrap();
    assert_eq!(store.len(), 4);
    assert_eq!(store.event_amount(2), None);
    let as_of = day("2026-03-31");
    assert_eq!(Book::from_store(&store, as_of).skipped_events(), 1);
    same_reports(&events, &store, as_of);
}

#[test]
fn empty_and_early_books_agree() {
    let store = EventStore::from_events(&[]).unwrap();
    assert!(store.is_empty());
    same_reports(&[], &store, day("2026-03-31"));
    let events = fixture();
    let store = EventStore::from_events(&events).unwrap();
    // Before every event, and long before (dates before 1900 clamp in the book's keys).
    same_reports(&events, &store, day("2026-02-01"));
    same_reports(&events, &store, day("1850-01-01"));
}

#[test]
fn long_and_unicode_ids_round_trip() {
    let mut events = fixture();
    for (i, e) in events.iter_mut().enumerate() {
        let id = format!("{}-Ünïcode-claim-number-{}", e.claim_id, i % 3);
        e.claim_id = id.into();
        if let Some(p) = &e.payer_id {
            e.payer_id = Some(format!("{p}-a-payer-id-longer-than-fifteen-bytes"));
        }
    }
    let store = EventStore::from_events(&events).unwrap();
    for (i, e) in events.iter().enumerate() {
        let ci = store.event_claim(i).unwrap();
        assert_eq!(store.claim_id(ci), Some(e.claim_id.as_str()));
        assert_eq!(store.event_payer(i), e.payer_id.as_deref());
    }
    same_reports(&events, &store, day("2026-03-31"));
}

/// Gives each amount of an event the scale `scale` (trailing zeros, or rounding when
/// fewer places), so sums mix scales.
fn rescaled(mut e: LedgerEvent, scale: u32, big: bool) -> LedgerEvent {
    let f = |d: &mut Decimal| {
        d.rescale(scale);
        if big {
            *d *= Decimal::from(100_000_000_000i64);
        }
    };
    match &mut e.kind {
        EventKind::Created { charge, .. }
        | EventKind::Submitted { charge, .. }
        | EventKind::Resubmitted { charge, .. } => f(charge),
        EventKind::Adjudicated {
            charge,
            paid,
            adjustments,
            lines,
            ..
        } => {
            f(charge);
            f(paid);
            for a in adjustments.iter_mut() {
                f(&mut a.amount);
            }
            for l in lines.iter_mut() {
                for a in l.adjustments.iter_mut() {
                    f(&mut a.amount);
                }
            }
        }
        EventKind::PatientBilled { amount }
        | EventKind::PatientPaid { amount, .. }
        | EventKind::Adjusted { amount, .. }
        | EventKind::Transferred { amount, .. }
        | EventKind::WrittenOff { amount, .. }
        | EventKind::Refunded { amount, .. }
        | EventKind::Appealed { amount, .. } => f(amount),
        _ => {}
    }
    e
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Synthetic ledgers of any config, shuffled or not, with amounts of mixed scales, some
    /// beyond the limit, long claim ids, times of day and an as-of date anywhere: the same
    /// report.
    #[test]
    fn store_and_slice_agree(
        seed in any::<u64>(),
        claims in 20usize..300,
        shuffle in any::<bool>(),
        as_of_offset in 0u64..500,
        mutate in 0u32..1000,
        days in 20u32..800,
        self_pay_per_mille in 0u32..400,
        scrub_problem_per_mille in 0u32..400,
        payers in 0usize..7,
    ) {
        let mut config = SynthConfig {
            seed,
            claims,
            days,
            self_pay_per_mille,
            scrub_problem_per_mille,
            ..SynthConfig::default()
        };
        config.payers.truncate(payers);
        let mut events = generate(&config);
        let mut rng = SplitMix64::new(seed ^ 0x9e37);
        for e in events.iter_mut() {
            if rng.below(1000) < u64::from(mutate) / 4 {
                let scale = rng.below(7) as u32;
                let big = rng.below(50) == 0;
                *e = rescaled(e.clone(), scale, big);
            }
            if rng.below(1000) < u64::from(mutate) / 10 {
                e.claim_id = format!("{}-WITH-A-LONG-SUFFIX", e.claim_id).into();
            }
            if rng.below(3) == 0 {
                e.time = NaiveTime::from_num_seconds_from_midnight_opt(rng.below(86_400) as u32, 0);
            }
        }
        if shuffle {
            for i in (1..events.len()).rev() {
                let j = rng.below(i as u64 + 1) as usize;
                events.swap(i, j);
            }
        }
        let store = EventStore::from_events(&events).unwrap();
        prop_assert_eq!(store.len(), events.len());
        let as_of = day("2025-07-15") + Days::new(as_of_offset);
        same_reports(&events, &store, as_of);
    }
}
