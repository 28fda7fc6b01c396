//! Property tests over synthetic ledgers: aging partitions A/R exactly, adding a paid claim
//! never raises a denial rate, the book agrees with the ledger's own balances, and ratios
//! round exactly.

mod common;

use chrono::{Days, NaiveDate};
use common::*;
use medbill_claim::{AckOutcome, AdjudicationOutcome, Ledger, LedgerEvent};
use medbill_kpi::synth::{SynthConfig, generate};
use medbill_kpi::{AgingAnchor, Book, CreditBalances, Period, Ratio};
use proptest::prelude::*;
use rust_decimal::Decimal;

fn ledger(seed: u64, claims: usize) -> Vec<LedgerEvent> {
    generate(&SynthConfig {
        seed,
        claims,
        ..SynthConfig::default()
    })
}

fn date_in_range(offset: u64) -> NaiveDate {
    day("2025-07-15") + Days::new(offset)
}

/// A claim that is accepted first time and paid in full on `on`, submitted 20 days before.
fn paid_claim(id: &str, on: NaiveDate, charge: &str) -> Vec<LedgerEvent> {
    let s = |d: NaiveDate| d.to_string();
    let sub = on - Days::new(20);
    let p = Some("MCR01");
    vec![
        ev(id, &s(sub), p, created(charge, &s(sub), false)),
        ev(id, &s(sub), p, scrubbed(true, false)),
        ev(id, &s(sub), p, submitted(charge)),
        ev(id, &s(sub + Days::new(1)), p, ack(AckOutcome::Accepted)),
        ev(
            id,
            &s(on),
            p,
            adjudicated(AdjudicationOutcome::Paid, charge, charge, vec![], vec![]),
        ),
    ]
}

/// `a <= b`. When `b` is undefined (nothing to compare with), `a` must be zero if
/// `from_nothing` (the added claim is the whole denominator), else anything goes.
fn at_most(a: Option<Ratio>, b: Option<Ratio>) -> bool {
    at_most_from(a, b, true)
}

fn at_most_from(a: Option<Ratio>, b: Option<Ratio>, from_nothing: bool) -> bool {
    match (a, b) {
        // a <= b, cross-multiplied (denominators are positive counts or charges).
        (Some(a), Some(b)) => a.numerator() * b.denominator() <= b.numerator() * a.denominator(),
        // Before, nothing was adjudicated: the new paid claim alone gives a rate of zero.
        (Some(a), None) => !from_nothing || a.numerator().is_zero(),
        (None, _) => true,
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn aging_partitions_ar(seed in any::<u64>(), claims in 1usize..300, offset in 0u64..400) {
        let events = ledger(seed, claims);
        let as_of = date_in_range(offset);
        let book = Book::new(&events, as_of);
        for credits in [CreditBalances::Exclude, CreditBalances::Include] {
            for anchor in [AgingAnchor::DateOfService, AgingAnchor::FirstSubmission] {
                let a = book.aging(anchor, credits);
                prop_assert_eq!(a.total.total(), book.ar(credits));
                prop_assert_eq!(a.insurance.total() + a.patient.total(), a.total.total());
                for b in 0..5 {
                    prop_assert_eq!(a.insurance.buckets[b] + a.patient.buckets[b], a.total.buckets[b]);
                }
                let by_payer: Decimal = a.by_payer.values().map(|x| x.total()).sum();
                prop_assert_eq!(by_payer, a.insurance.total());
                if credits == CreditBalances::Exclude {
                    prop_assert!(a.total.buckets.iter().all(|x| *x >= Decimal::ZERO));
                    prop_assert_eq!(book.ar(CreditBalances::Include), book.ar(credits) + a.credits_excluded);
                }
            }
        }
    }

    #[test]
    fn adding_a_paid_claim_never_raises_the_denial_rate(
        seed in any::<u64>(),
        claims in 1usize..300,
        paid_offset in 0u64..300,
        cents in 1i64..1_000_000,
    ) {
        let mut events = ledger(seed, claims);
        let as_of = day("2026-06-30");
        let on = date_in_range(paid_offset);
        let month = Period::month_of(on);
        let before = Book::new(&events, as_of);
        let simple = before.denials(month, None);
        let hfma = before.hfma_denial_rate(month, None);
        let hfma_next = before.hfma_denial_rate(Period::month_of(on + Days::new(40)), None);
        let charge = Decimal::new(cents, 2).to_string();
        events.extend(paid_claim("NEWPAID", on, &charge));
        let after = Book::new(&events, as_of);
        prop_assert!(at_most(after.denials(month, None).rate_by_count(), simple.rate_by_count()));
        prop_assert!(at_most(after.denials(month, None).rate_by_dollars(), simple.rate_by_dollars()));
        // HFMA: the paid claim only adds to the prior months' submissions (its denominator);
        // a month with no prior submissions had no rate to raise.
        prop_assert!(at_most_from(
            after.hfma_denial_rate(month, None).rate_by_count(),
            hfma.rate_by_count(),
            false
        ));
        prop_assert!(at_most_from(
            after.hfma_denial_rate(Period::month_of(on + Days::new(40)), None).rate_by_count(),
            hfma_next.rate_by_count(),
            false
        ));
    }

    #[test]
    fn book_balances_match_ledger_states(seed in any::<u64>(), claims in 1usize..150, offset in 0u64..400) {
        let events = ledger(seed, claims);
        let as_of = date_in_range(offset);
        let book = Book::new(&events, as_of);
        let states = Ledger::from_events(events.clone()).states(as_of);
        let positive: Decimal = states
            .iter()
            .flat_map(|s| [s.insurance_balance, s.patient_balance])
            .filter(|b| *b > Decimal::ZERO)
            .sum();
        let net: Decimal = states.iter().map(|s| s.total_balance()).sum();
        prop_assert_eq!(book.ar(CreditBalances::Exclude), positive);
        prop_assert_eq!(book.ar(CreditBalances::Include), net);
        // The daily A/R changes add up to the same A/R (what the trends use).
        let trends = book.trends(as_of, as_of, 90, &medbill_kpi::BusinessCalendar::us_federal());
        prop_assert_eq!(trends.total.last().map(|m| m.ar), Some(net));
    }

    #[test]
    fn rounding_is_exact_half_away_from_zero(n in -1_000_000_000i64..1_000_000_000, den in 1i64..1_000_000, dp in 0u32..6) {
        let r = Ratio::new(Decimal::from(n), Decimal::from(den)).unwrap();
        let got = r.rounded(dp);
        // Integer reference: round(|n| * 10^dp / den) half up, then the sign.
        let scale = 10i128.pow(dp);
        let num = i128::from(n).abs() * scale;
        let (q, rem) = (num / i128::from(den), num % i128::from(den));
        let q = if rem * 2 >= i128::from(den) { q + 1 } else { q };
        let q = if n < 0 { -q } else { q };
        let want = Decimal::from_i128_with_scale(q, dp);
        prop_assert_eq!(got, want);
    }
}

#[test]
fn synthetic_ledger_is_realistic() {
    // 20,000 claims over a year; look at the second half, when the ledger is in steady state.
    let events = ledger(42, 20_000);
    let as_of = day("2026-03-31");
    let book = Book::new(&events, as_of);
    let q1 = Period::new(day("2026-01-01"), day("2026-04-01")).unwrap();
    let den = book.denials(q1, None).rate_by_count().unwrap().value();
    assert!(
        den > Decimal::new(5, 2) && den < Decimal::new(12, 2),
        "denial rate {den}"
    );
    let fpa = book.first_pass_acceptance(q1, None).rate().unwrap().value();
    assert!(fpa > Decimal::new(93, 2), "first-pass acceptance {fpa}");
    // Balances the generator produced agree with the ledger's own status machine.
    let ledger = Ledger::from_events(events.clone());
    let net: Decimal = ledger.states(as_of).iter().map(|s| s.total_balance()).sum();
    assert_eq!(book.ar(CreditBalances::Include), net);
    // And the JSON-lines format round-trips.
    let mut buf = Vec::new();
    medbill_claim::ledger::write_json_lines(&mut buf, &events[..500]).unwrap();
    let back = medbill_claim::ledger::read_json_lines(&buf[..]).unwrap();
    assert_eq!(back, events[..500].to_vec());
}
