//! Every metric on the hand-made ledger of tests/common, with the arithmetic written out.
//!
//! As of 2026-03-31; the reporting period is March 2026. The claims:
//!
//! | claim | payer | March story | balance at 31 March |
//! |---|---|---|---|
//! | A | P1 | DOS 1 Mar, $100; clean; accepted; paid 60, CO-45 20, PR-2 20; patient paid 10 at the visit + 10 | 0 |
//! | B | P1 | DOS 1 Mar, $200; manual scrub fix; rejected 4 Mar, resubmitted 6 Mar; denied CO-197 on 25 Mar | ins 200 |
//! | C | P2 | DOS 4 Mar, $300; failed scrub; line 97110 denied CO-97 200, 99213 paid 80 + CO-45 20; corrected 30 Mar | ins 200 |
//! | D | P2 | DOS 9 Mar, $50; submitted, no acknowledgment | ins 50 |
//! | E | P1 | DOS 1 Nov 2025, $400; paid 200, CO-45 100, PR-1 100 | pat 100 |
//! | F | - | self-pay DOS 15 Mar, $80; 30 paid at the visit | pat 50 |
//! | G | P1 | Feb claim paid 90 + CO-45 10; patient paid 15 on 5 Mar | pat -15 (credit) |
//! | H | P1 | Jan claim denied CO-29 in Feb; written off (timely filing) 10 Mar | 0 |
//! | I | P1 | Oct 2025 claim; patient's 20 written off as bad debt 12 Mar | 0 |

mod common;

use common::*;
use medbill_claim::Ledger;
use medbill_codes::DenialCategory;
use medbill_kpi::{
    AgingAnchor, Book, BusinessCalendar, CreditBalances, KpiReport, Period, ReportOptions,
    count_back_days,
};
use rust_decimal::Decimal;

fn march() -> Period {
    Period::month(2026, 3).unwrap()
}

#[test]
fn first_pass_acceptance_clean_claims_and_resolution() {
    let events = fixture();
    let book = Book::new(&events, day("2026-03-31"));
    // First submitted in March: A, B, C, D. D has no acknowledgment: pending, excluded.
    // A and C accepted first time, B rejected: 2 / 3 = 0.6667.
    let fpa = book.first_pass_acceptance(march(), None);
    assert_eq!((fpa.accepted, fpa.submitted, fpa.pending), (2, 3, 1));
    assert_eq!(fpa.rate().unwrap().rounded(4), d("0.6667"));
    // P2 only: C accepted, D pending: 1 / 1.
    let p2 = book.first_pass_acceptance(march(), Some("P2"));
    assert_eq!((p2.accepted, p2.submitted, p2.pending), (1, 1, 1));
    assert!(
        book.first_pass_acceptance(march(), Some("nobody"))
            .rate()
            .is_none()
    );

    // First scrubbed in March: A clean, B needed a person, C failed: 1 / 3.
    let clean = book.clean_claims(march(), None);
    assert_eq!((clean.clean, clean.scrubbed), (1, 3));
    assert_eq!(clean.rate().unwrap().rounded(4), d("0.3333"));

    // First adjudicated in March: A paid, B denied, C partly denied: 1 / 3.
    let fpr = book.first_pass_resolution(march(), None);
    assert_eq!((fpr.paid_in_full, fpr.adjudicated), (1, 3));
}

#[test]
fn denial_rates() {
    let events = fixture();
    let book = Book::new(&events, day("2026-03-31"));
    // Same period: B (denied) and C (partly) of A, B, C: 2 / 3.
    // Dollars: (200 + 300) / (100 + 200 + 300) = 500 / 600 = 0.8333.
    let den = book.denials(march(), None);
    assert_eq!((den.denied, den.adjudicated, den.zero_pay), (2, 3, 1));
    assert_eq!(den.rate_by_count().unwrap().rounded(4), d("0.6667"));
    assert_eq!(den.rate_by_dollars().unwrap().rounded(4), d("0.8333"));
    // Denied adjustments: CO-197 200 + CO-97 200.
    assert_eq!(den.denied_amount, d("400"));

    // HFMA: 2 denials ($500) in March over the average of Dec, Jan, Feb first submissions:
    // Dec none, Jan H ($150), Feb G ($100): 2 claims, $250, averages 2/3 and 250/3.
    // By count 2 / (2/3) = 3; by dollars 500 / (250/3) = 6.
    let hfma = book.hfma_denial_rate(march(), None);
    assert_eq!(
        hfma.prior_months.iter().map(|m| m.1).collect::<Vec<_>>(),
        vec![0, 1, 1]
    );
    assert_eq!(hfma.rate_by_count().unwrap().rounded(4), d("3.0000"));
    assert_eq!(hfma.rate_by_dollars().unwrap().rounded(4), d("6.0000"));
    // February: H denied; prior months Nov (E), Dec (none), Jan (H): 1 / (2/3) = 1.5.
    let feb = book.hfma_denial_rate(Period::month(2026, 2).unwrap(), None);
    assert_eq!(feb.rate_by_count().unwrap().rounded(2), d("1.50"));
    // A month with no submissions before it has no rate.
    assert!(
        book.hfma_denial_rate(Period::month(2025, 9).unwrap(), None)
            .rate_by_count()
            .is_none()
    );

    let b = book.denial_breakdown(march());
    // B: authorisation (CO-197), C: coding/bundling (CO-97); each 1 of 3 adjudicated.
    assert_eq!(
        b.by_category[&DenialCategory::AuthorizationReferral],
        (1, d("200"))
    );
    assert_eq!(
        b.by_category[&DenialCategory::CodingBundling],
        (1, d("200"))
    );
    assert_eq!(
        b.category_rate(DenialCategory::CodingBundling)
            .unwrap()
            .rounded(4),
        d("0.3333")
    );
    // P1: A, B adjudicated, B denied: 1/2. P2: C, denied: 1/1.
    assert_eq!(
        (b.by_payer["P1"].denied, b.by_payer["P1"].adjudicated),
        (1, 2)
    );
    assert_eq!(
        (b.by_payer["P2"].denied, b.by_payer["P2"].adjudicated),
        (1, 1)
    );
    // Lines: 97110 denied (200), 99213 not.
    assert_eq!(
        (b.by_code["97110"].denied_lines, b.by_code["97110"].lines),
        (1, 1)
    );
    assert_eq!(b.by_code["97110"].denied_amount, d("200"));
    assert_eq!(b.by_code["99213"].rate().unwrap().rounded(2), d("0.00"));
}

#[test]
fn collections_and_rates() {
    let events = fixture();
    let book = Book::new(&events, day("2026-03-31"));
    let c = book.collections(march(), None);
    // Charges entered in March: A 100 + B 200 + C 300 + D 50 + F 80 = 730.
    assert_eq!(c.charges, d("730"));
    // Contractual: A CO-45 20 + C CO-45 20 = 40 (CO-197 and CO-97 are denials).
    assert_eq!(c.contractual, d("40"));
    // Payer payments: A 60 + C 80 = 140. Patients: A 10 + 10, F 30, G 15 = 65; POS 10 + 30.
    assert_eq!(
        (c.insurance_payments, c.patient_payments),
        (d("140"), d("65"))
    );
    assert_eq!(c.point_of_service_payments, d("40"));
    assert_eq!(c.payments(), d("205"));
    // NCR = 205 / (730 - 40) = 0.29710..; GCR = 205 / 730 = 0.28082..
    assert_eq!(c.net_collection_rate().unwrap().rounded(4), d("0.2971"));
    assert_eq!(c.gross_collection_rate().unwrap().rounded(4), d("0.2808"));
    // Bad debt I 20 / 730 = 0.0274; denial write-off H 150 / 690 = 0.2174; POS 40 / 65.
    assert_eq!(c.bad_debt_rate().unwrap().rounded(4), d("0.0274"));
    assert_eq!(c.denial_write_off_rate().unwrap().rounded(4), d("0.2174"));
    assert_eq!(c.point_of_service_rate().unwrap().rounded(4), d("0.6154"));
    // Cost to collect: $41 of billing cost / $205 collected = 0.2.
    assert_eq!(c.cost_to_collect(d("41")).unwrap().rounded(2), d("0.20"));
    // P2 alone: charges C 300 + D 50, payment 80.
    let p2 = book.collections(march(), Some("P2"));
    assert_eq!((p2.charges, p2.payments()), (d("350"), d("80")));
    // The event dated 2 April is not in a book as of 31 March.
    let april = book.collections(Period::month(2026, 4).unwrap(), None);
    assert_eq!(april.denial_write_offs, Decimal::ZERO);
}

#[test]
fn ar_days_and_aging() {
    let events = fixture();
    let book = Book::new(&events, day("2026-03-31"));
    // A/R: B 200 + C 200 + D 50 + E 100 + F 50 = 600; with G's -15 credit, 585.
    assert_eq!(book.ar(CreditBalances::Exclude), d("600"));
    assert_eq!(book.ar(CreditBalances::Include), d("585"));

    // Window: 90 days ending 31 March = 1 January to 31 March.
    // Gross charges: H 150 + G 100 + March 730 = 980; contractual: G 10 + March 40 = 50.
    // Gross days = 600 * 90 / 980 = 55.10; net days = 600 * 90 / 930 = 58.06.
    let dar = book.days_in_ar(90, CreditBalances::Exclude);
    assert_eq!(dar.window.start(), day("2026-01-01"));
    assert_eq!((dar.gross_charges, dar.net_revenue), (d("980"), d("930")));
    assert_eq!(dar.gross_days().unwrap().rounded(1), d("55.1"));
    assert_eq!(dar.net_days().unwrap().rounded(1), d("58.1"));
    // Count-back: March (31 days) charged 730 > 600: 600 / 730 * 31 = 25.48 days.
    assert_eq!(
        book.days_in_ar_count_back(CreditBalances::Exclude)
            .unwrap()
            .rounded(2),
        d("25.48")
    );

    // Aging from date of service, as of 31 March:
    // B (1 Mar, 30 days) 200, C (4 Mar) 200, D (9 Mar) 50, F (15 Mar) 50 -> 0-30: 500;
    // E (1 Nov 2025, 150 days) 100 -> over 120.
    let a = book.aging(AgingAnchor::DateOfService, CreditBalances::Exclude);
    assert_eq!(
        a.total.buckets,
        [d("500"), d("0"), d("0"), d("0"), d("100")]
    );
    assert_eq!(a.total.total(), d("600"));
    assert_eq!(a.insurance.buckets[0], d("450"));
    assert_eq!(
        a.patient.buckets,
        [d("50"), d("0"), d("0"), d("0"), d("100")]
    );
    assert_eq!(a.by_payer["P1"].total(), d("200"));
    assert_eq!(a.by_payer["P2"].total(), d("250"));
    assert_eq!(a.credits_excluded, d("-15"));
    // Over 90 and over 120: 100 / 600.
    assert_eq!(a.total.over_90().unwrap().rounded(4), d("0.1667"));
    assert_eq!(a.total.over_120().unwrap().rounded(4), d("0.1667"));
    // From first submission: F was never submitted (unbilled 50); E submitted 3 Nov (148 days).
    let s = book.aging(AgingAnchor::FirstSubmission, CreditBalances::Exclude);
    assert_eq!(
        s.total.buckets,
        [d("450"), d("0"), d("0"), d("0"), d("100")]
    );
    assert_eq!(s.total.unbilled, d("50"));
    // Credits included: G's -15 from 30 January (60 days) lands in 31-60.
    let inc = book.aging(AgingAnchor::DateOfService, CreditBalances::Include);
    assert_eq!(inc.total.buckets[1], d("-15"));
    assert_eq!(inc.total.total(), d("585"));
}

#[test]
fn turnaround() {
    let events = fixture();
    let book = Book::new(&events, day("2026-03-31"));
    let t = book.turnaround(march(), &BusinessCalendar::us_federal());
    // Charge lag: A 1, B 1, C 1, D 1, F 0 days = 4 / 5 = 0.8.
    assert_eq!(t.charge_lag_days.unwrap().rounded(1), d("0.8"));
    // Coding: A 1 Mar 09:00 -> 2 Mar 15:00 = 30 h; B 08:00 -> 20:00 = 12 h; mean 21.
    assert_eq!(t.coding_hours.unwrap().rounded(1), d("21.0"));
    // Submission lag: A 1, B 1, C 0, D 0 days = 0.5.
    assert_eq!(t.submission_lag_days.unwrap().rounded(1), d("0.5"));
    // Resubmission: B rejected Wed 4 Mar, resent Fri 6 Mar = 2 business days;
    // C denied Thu 26 Mar, corrected Mon 30 Mar = 2 (Fri 27, Mon 30). Mean 2.
    assert_eq!(t.resubmission_business_days.unwrap().rounded(1), d("2.0"));
    assert_eq!(t.counts, [5, 2, 4, 2]);
    // With 27 March a holiday, C takes 1 business day: mean 1.5.
    let cal = BusinessCalendar::from_holidays([day("2026-03-27")]);
    let t = book.turnaround(march(), &cal);
    assert_eq!(t.resubmission_business_days.unwrap().rounded(1), d("1.5"));
}

#[test]
fn count_back_worked_example() {
    // A/R 2,000 at the end of January. Newest first: Jan 200 (31 days), Dec 400 (31),
    // Nov 600 (30), Oct 700 (31), Sep 500 (30).
    // 2000 - 200 - 400 - 600 - 700 = 100 left after 31 + 31 + 30 + 31 = 123 days;
    // 100 / 500 * 30 = 6 days of September: 129 days.
    let m = |days: i64, rev: i64| (days, Decimal::from(rev));
    let months = [m(31, 200), m(31, 400), m(30, 600), m(31, 700), m(30, 500)];
    assert_eq!(
        count_back_days(d("2000"), &months).unwrap().rounded(0),
        d("129")
    );
    // Read the other way round (500 newest): 500 + 700 + 600 = 1800 in 92 days, then
    // 200 / 400 * 31 = 15.5: 107.5. The order matters, so the API says newest first.
    let rev = [m(31, 500), m(31, 700), m(30, 600), m(31, 400), m(30, 200)];
    assert_eq!(
        count_back_days(d("2000"), &rev).unwrap().rounded(1),
        d("107.5")
    );
    // More A/R than the months explain: undefined.
    assert!(count_back_days(d("5000"), &months).is_none());
    assert_eq!(
        count_back_days(Decimal::ZERO, &months).unwrap().rounded(0),
        d("0")
    );
}

#[test]
fn book_balances_match_the_ledger() {
    let events = fixture();
    let as_of = day("2026-03-31");
    let ledger = Ledger::from_events(events.clone());
    let want: Decimal = ledger
        .states(as_of)
        .iter()
        .flat_map(|s| [s.insurance_balance, s.patient_balance])
        .filter(|b| *b > Decimal::ZERO)
        .sum();
    assert_eq!(Book::new(&events, as_of).ar(CreditBalances::Exclude), want);
}

#[test]
fn shuffled_events_give_the_same_report() {
    let events = fixture();
    let mut shuffled = events.clone();
    shuffled.reverse();
    shuffled.rotate_left(7);
    let as_of = day("2026-03-31");
    let opts = ReportOptions::default();
    let a = KpiReport::compute(&events, as_of, &opts).summary();
    let b = KpiReport::compute(&shuffled, as_of, &opts).summary();
    assert_eq!(a, b);
}

#[test]
fn empty_ledger_is_all_undefined() {
    let report = KpiReport::compute(&[], day("2026-03-31"), &ReportOptions::default());
    let s = report.summary();
    assert!(s.metrics.first_pass_acceptance_rate.is_none());
    assert!(s.metrics.days_in_ar.is_none());
    assert_eq!(s.metrics.ar_aging.over_120, "0.00");
    let json = serde_json::to_value(&s).unwrap();
    assert!(json["metrics"]["net_collection_rate"].is_null());
    assert_eq!(json["scorecard"][0]["status"], "no_data");
}

#[test]
fn report_json_shape() {
    let events = fixture();
    let report = KpiReport::compute(&events, day("2026-03-31"), &ReportOptions::default());
    let json = serde_json::to_value(report.summary()).unwrap();
    assert_eq!(json["as_of"], "2026-03-31");
    let m = &json["metrics"];
    assert_eq!(m["first_pass_acceptance_rate"], "0.6667");
    assert_eq!(m["clean_claim_rate"], "0.3333");
    assert_eq!(m["initial_denial_rate"], "3.0000");
    assert_eq!(m["days_in_ar"], "55.1");
    assert_eq!(m["net_collection_rate"], "0.2971");
    assert_eq!(m["gross_collection_rate"], "0.2808");
    assert_eq!(m["ar_aging"]["0_30"], "500.00");
    assert_eq!(m["ar_aging"]["over_120"], "100.00");
    assert_eq!(m["coding_turnaround_hours"], "21.0");
    assert_eq!(m["resubmission_turnaround_business_days"], "2.0");
    let card = json["scorecard"].as_array().unwrap();
    let status = |k: &str| card.iter().find(|l| l["metric"] == k).unwrap()["status"].clone();
    // 66.67% < 90%: warning. 55.1 days: watch (40 < 55.1, but 55.1 > 55 -> warning).
    assert_eq!(status("first_pass_acceptance_rate"), "warning");
    assert_eq!(status("days_in_ar"), "warning");
    assert_eq!(status("coding_turnaround_hours"), "on_target");
    assert_eq!(status("resubmission_turnaround_business_days"), "on_target");
    // Metrics without a threshold are not graded, so not in the scorecard.
    assert!(card.iter().all(|l| l["metric"] != "clean_claim_rate"));
    let text = report.to_text();
    assert!(text.contains("First-pass acceptance"));
}

#[test]
fn absurd_amounts_are_skipped_not_overflowed() {
    use medbill_kpi::MAX_AMOUNT;
    assert_eq!(MAX_AMOUNT, d("1000000000000"));
    let mut events = fixture();
    // Amounts near Decimal's limit would overflow any sum; the book leaves them out.
    let huge = "70000000000000000000000000000";
    for i in 0..4 {
        events.push(ev(
            &format!("Z{i}"),
            "2026-03-02",
            Some("P1"),
            created(huge, "2026-03-01", false),
        ));
        events.push(ev(
            &format!("Z{i}"),
            "2026-03-03",
            None,
            patient_paid(&format!("-{huge}"), false),
        ));
    }
    let book = Book::new(&events, day("2026-03-31"));
    assert_eq!(book.skipped_events(), 8);
    assert_eq!(book.ar(CreditBalances::Exclude), d("600"));
    let report = KpiReport::from_book(&book, &ReportOptions::default());
    assert_eq!(report.collections.charges, d("730"));
}

#[test]
fn monthly_trends() {
    let events = fixture();
    let book = Book::new(&events, day("2026-03-31"));
    let t = book.trends(
        day("2026-01-01"),
        day("2026-03-31"),
        90,
        &BusinessCalendar::us_federal(),
    );
    assert_eq!(t.total.len(), 3);
    let mar = &t.total[2];
    // The same March numbers as the period metrics above.
    assert_eq!(mar.first_pass_acceptance.unwrap().rounded(4), d("0.6667"));
    assert_eq!(mar.clean_claim_rate.unwrap().rounded(4), d("0.3333"));
    assert_eq!(mar.denial_rate.unwrap().rounded(4), d("0.6667"));
    assert_eq!((mar.charges, mar.payments), (d("730"), d("205")));
    // First-pass resolution 1/3; HFMA 3.0 (as in denial_rates); coding (30 + 12) / 2 = 21 h;
    // resubmission (2 + 2) / 2 = 2 business days; bad debt 20 / 730.
    assert_eq!(mar.first_pass_resolution.unwrap().rounded(4), d("0.3333"));
    assert_eq!(mar.hfma_denial_rate.unwrap().rounded(1), d("3.0"));
    assert_eq!(mar.coding_hours.unwrap().rounded(1), d("21.0"));
    assert_eq!(mar.resubmission_business_days.unwrap().rounded(1), d("2.0"));
    assert_eq!(mar.bad_debt_rate.unwrap().rounded(4), d("0.0274"));
    // A/R at the end of March with credits netted: 600 - 15 = 585; days 585 * 90 / 980.
    assert_eq!(mar.ar, d("585"));
    assert_eq!(mar.days_in_ar.unwrap().rounded(1), d("53.7"));
    // February: G first submitted and accepted (1/1); first adjudications G (paid) and
    // H (denied): 1 / 2.
    let feb = &t.total[1];
    assert_eq!(feb.first_pass_acceptance.unwrap().rounded(2), d("1.00"));
    assert_eq!(feb.denial_rate.unwrap().rounded(2), d("0.50"));
    // HFMA February: H denied over Nov (E), Dec (none), Jan (H): 1 / (2/3) = 1.5.
    assert_eq!(feb.hfma_denial_rate.unwrap().rounded(2), d("1.50"));
    // January: no first adjudication, no coding events.
    assert!(t.total[0].denial_rate.is_none() && t.total[0].coding_hours.is_none());
    // By payer: P2 in March had C adjudicated and denied in part: 1 / 1.
    assert_eq!(
        t.by_payer["P2"][2].denial_rate.unwrap().rounded(2),
        d("1.00")
    );
    assert!(t.by_payer["P2"][1].denial_rate.is_none());
}

#[test]
fn extreme_dates_do_not_panic() {
    let events = fixture();
    for as_of in [
        chrono::NaiveDate::MIN,
        chrono::NaiveDate::MAX,
        day("1900-01-01"),
        day("2999-12-31"),
    ] {
        let report = KpiReport::compute(&events, as_of, &ReportOptions::default());
        let _ = report.summary();
        let _ = medbill_kpi::dashboard_html(&report);
        let _ = report.to_text();
    }
}

/// A month that only adjudicates an earlier month's charges has contractual adjustments but no
/// charges: charges 0 - contractual 600 = net revenue -600. A rate over a negative base would
/// read as a negative collection rate, so it is undefined.
#[test]
fn collection_rates_over_a_non_positive_base_are_undefined() {
    use medbill_kpi::Collections;
    use rust_decimal::Decimal;
    let month = Collections {
        charges: Decimal::ZERO,
        contractual: Decimal::from(600),
        insurance_payments: Decimal::from(400),
        ..Collections::default()
    };
    assert_eq!(month.net_revenue(), Decimal::from(-600));
    assert_eq!(month.net_collection_rate(), None);
    assert_eq!(month.gross_collection_rate(), None);
    assert_eq!(month.denial_write_off_rate(), None);
    assert_eq!(month.bad_debt_rate(), None);
    // Net payments of 400 against a cost of 40: cost to collect 40 / 400 = 0.1.
    assert_eq!(
        month
            .cost_to_collect(Decimal::from(40))
            .map(|r| r.rounded(2)),
        Some("0.10".parse().unwrap())
    );
    // Charges 1,000 - contractual 600 = 400 net; 400 paid: 100%.
    let whole = Collections {
        charges: Decimal::from(1000),
        ..month
    };
    assert_eq!(
        whole.net_collection_rate().map(|r| r.rounded(4)),
        Some("1.0000".parse().unwrap())
    );
}
