//! The tokenizer allocates nothing per segment: a counting global allocator sees no allocation
//! while a whole file is tokenized and every element and component visited.

// A global allocator needs `unsafe impl`; the crate denies (not forbids) unsafe code for this
// test only, and the library forbids it.
#![allow(unsafe_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use medbill_x12::{Token, Tokenizer};

struct Counting;

thread_local! {
    // Per thread, so the test harness's own threads do not count.
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

fn allocations() -> usize {
    ALLOCATIONS.with(Cell::get)
}

// SAFETY: forwards to the system allocator unchanged; only counts calls.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let _ = ALLOCATIONS.try_with(|n| n.set(n.get() + 1));
        // SAFETY: same contract as the caller's.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

#[test]
fn tokenizing_allocates_nothing() {
    let one = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/pretty-crlf-indented.x12"
    ))
    .unwrap();
    let input: Vec<u8> = one.repeat(200);
    let before = allocations();
    let (mut segments, mut components, mut bytes) = (0usize, 0usize, 0usize);
    for token in Tokenizer::new(&input) {
        if let Token::Segment(segment) = token {
            segments += 1;
            for element in segment.elements() {
                for repetition in element.repetitions() {
                    for component in repetition.components() {
                        components += 1;
                        bytes += component.bytes().len();
                    }
                }
            }
        }
    }
    let after = allocations();
    assert_eq!(segments, 200 * 27);
    assert!(components > segments && bytes > 0);
    assert_eq!(after - before, 0, "allocations while tokenizing");
    // The counter works: a Vec allocates.
    let v = vec![segments];
    assert_eq!(allocations() - after, 1);
    drop(v);
}
