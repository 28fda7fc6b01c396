//! Hostile input to the validator: however many findings a file makes, the report keeps a
//! bounded number (the rest counted), memory stays bounded, and the 999 it gives passes our
//! own validator. A peak-tracking allocator measures the memory each validation takes.

// A global allocator needs `unsafe impl`; the crate denies (not forbids) unsafe code for this
// test only, and the library forbids it.
#![allow(unsafe_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use medbill_x12::ack::{AckOptions, implementation_acks};
use medbill_x12::validate::{DEFAULT_MAX_FINDINGS_PER_SET, Validator};

struct Peak;

thread_local! {
    // Per thread, so the test harness's other threads do not count.
    static LIVE: Cell<usize> = const { Cell::new(0) };
    static PEAK: Cell<usize> = const { Cell::new(0) };
}

// SAFETY: forwards to the system allocator unchanged; only tracks live bytes.
unsafe impl GlobalAlloc for Peak {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let _ = LIVE.try_with(|l| {
            l.set(l.get() + layout.size());
            let _ = PEAK.try_with(|p| p.set(p.get().max(l.get())));
        });
        // SAFETY: same contract as the caller's.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        let _ = LIVE.try_with(|l| l.set(l.get().saturating_sub(layout.size())));
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let _ = LIVE.try_with(|l| {
            l.set(l.get().saturating_sub(layout.size()) + new_size);
            let _ = PEAK.try_with(|p| p.set(p.get().max(l.get())));
        });
        // SAFETY: same contract as the caller's.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Peak = Peak;

/// Bytes allocated at the peak of `f`, above what was live before it.
fn peak_of<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let before = LIVE.with(Cell::get);
    PEAK.with(|p| p.set(before));
    let out = f();
    (out, PEAK.with(Cell::get) - before)
}

const HEAD: &str = "ISA*00*          *00*          *ZZ*SUBMITTER      *ZZ*RECEIVER       *240102*1200*^*00501*000000001*0*P*:~GS*HC*S*R*20240102*1200*1*X*005010X222A1~ST*837*0001*005010X222A1~BHT*0019*00*1*20240102*1200*CH~";
const TAIL: &str = "SE*3*0001~GE*1*1~IEA*1*000000001~";

/// The hostile shapes: (name, file).
fn shapes() -> Vec<(&'static str, Vec<u8>)> {
    let wrap = |body: String| format!("{HEAD}{body}{TAIL}").into_bytes();
    let hl: String = (1..=100_000)
        .map(|i| format!("HL*{i}*{}*20*1~", i - 1))
        .collect();
    let mut truncated = wrap("NM1*41*2*X~".repeat(10_000));
    truncated.truncate(truncated.len() / 2);
    let mut not_utf8 = wrap("NM1*41*2*\u{fffd}~".repeat(10_000));
    for b in &mut not_utf8 {
        if *b == 0xEF {
            *b = 0xFF;
        }
    }
    vec![
        ("1,000,000 empty segments", wrap("~".repeat(1_000_000))),
        ("100,000 chained HL segments", wrap(hl)),
        (
            "one 8 MB element",
            wrap(format!("NTE*ADD*{}~", "A".repeat(8 << 20))),
        ),
        ("1,000,000 line breaks", wrap("\n".repeat(1_000_000))),
        ("a file cut in the middle", truncated),
        ("bytes that are not UTF-8", not_utf8),
        ("100,000 unknown segments", wrap("ZZZ*1~".repeat(100_000))),
    ]
}

#[test]
fn validation_keeps_bounded_findings_and_memory_on_hostile_input() {
    let validator = Validator::new();
    for (name, file) in shapes() {
        let (report, peak) = peak_of(|| validator.validate(&file));
        // Room for the decoded input (at most its size again) and the loop tree, and a
        // bounded number of findings: nothing in proportion to the findings the file makes.
        let ceiling = 64 * 1024 * 1024 + 2 * file.len();
        assert!(
            peak <= ceiling,
            "{name}: {peak} bytes at the peak, ceiling {ceiling}"
        );
        for set in report.transactions() {
            assert!(set.findings.len() <= DEFAULT_MAX_FINDINGS_PER_SET, "{name}");
        }
        let (streamed, streamed_peak) = peak_of(|| validator.validate_reader(&file[..]).unwrap());
        assert!(
            streamed_peak <= ceiling,
            "{name}: streaming, {streamed_peak} bytes"
        );
        assert_eq!(
            streamed.suppressed_findings, report.suppressed_findings,
            "{name}: the same report streamed"
        );
        // The 999 for it is itself a valid 999, whatever the findings were.
        for interchange in &report.interchanges {
            let ack = implementation_acks(interchange, &AckOptions::default());
            let checked = validator.validate(ack.as_bytes());
            for set in checked.transactions() {
                assert!(
                    set.accepted(),
                    "{name}: the 999 is not valid: {:?}",
                    &set.findings[..set.findings.len().min(3)]
                );
            }
        }
    }
}

#[test]
fn findings_past_the_limits_are_counted_and_still_reject_the_set() {
    let file = format!("{HEAD}{}{TAIL}", "ZZZ*1~".repeat(5_000)).into_bytes();
    let report = Validator::new().max_findings(10, 25).validate(&file);
    let set = report.transactions().next().unwrap();
    assert_eq!(set.findings.len(), 10);
    assert!(
        set.suppressed_findings >= 4_990,
        "{}",
        set.suppressed_findings
    );
    assert_eq!(report.suppressed_findings, set.suppressed_findings);
    assert!(!set.accepted());
    assert!(set.ik5_codes().contains(&"5"));
    // Two sets of 30 findings each, at most 20 a set and 25 a file: the second keeps 5.
    let body = "ZZZ*1~".repeat(30);
    let two = format!(
        "{}{body}SE*32*0001~ST*837*0002*005010X222A1~BHT*0019*00*1*20240102*1200*CH~{body}SE*32*0002~GE*2*1~IEA*1*000000001~",
        &HEAD[..HEAD.len()],
    );
    let report = Validator::new()
        .max_findings(20, 25)
        .validate(two.as_bytes());
    let kept: Vec<usize> = report.transactions().map(|t| t.findings.len()).collect();
    assert_eq!(kept, [20, 5]);
    assert!(report.transactions().all(|t| !t.accepted()));
    assert_eq!(
        report.suppressed_findings,
        report
            .transactions()
            .map(|t| t.suppressed_findings)
            .sum::<u64>()
    );
}
