//! Writing envelopes: computed trailers, recomputed trailers, other delimiters, pretty mode.

use medbill_x12::{Delimiters, ElementBuf, Event, Reader, SegmentBuf, Severity, Writer};

fn isa(control: &str) -> SegmentBuf {
    let fields = [
        "00",
        "          ",
        "00",
        "          ",
        "ZZ",
        "SUBMITTER      ",
        "ZZ",
        "RECEIVER       ",
        "240102",
        "1200",
        "^",
        "00501",
        control,
        "0",
        "T",
        ":",
    ];
    fields
        .iter()
        .fold(SegmentBuf::new("ISA"), |s, f| s.with(*f))
}

fn read(bytes: &[u8]) -> (Vec<Event>, Vec<medbill_x12::Diagnostic>) {
    let mut reader = Reader::new(bytes);
    let events: Vec<Event> = (&mut reader).collect::<Result<_, _>>().unwrap();
    (events, reader.take_diagnostics())
}

fn build(delimiters: Delimiters, pretty: bool) -> Vec<u8> {
    let mut w = Writer::new(Vec::new(), delimiters).pretty(pretty);
    w.write_segment_buf(&isa("000000042")).unwrap();
    w.write_segment_buf(
        &SegmentBuf::new("GS")
            .with("HC")
            .with("S")
            .with("R")
            .with("20240102")
            .with("1200")
            .with("42")
            .with("X")
            .with("005010X222A1"),
    )
    .unwrap();
    for control in ["0001", "0002"] {
        w.write_segment_buf(
            &SegmentBuf::new("ST")
                .with("837")
                .with(control)
                .with("005010X222A1"),
        )
        .unwrap();
        w.write_segment_buf(
            &SegmentBuf::new("CLM")
                .with("A1")
                .with("100")
                .with("")
                .with("")
                .with_element(ElementBuf::composite(["11", "B", "1"])),
        )
        .unwrap();
        w.write_segment_buf(
            &SegmentBuf::new("HI")
                .with_element(ElementBuf::repeated([["ABK", "J069"], ["ABF", "R05"]])),
        )
        .unwrap();
        w.finish_set().unwrap();
    }
    w.finish_interchange().unwrap();
    w.into_inner()
}

#[test]
fn computed_trailers_read_back_clean() {
    let bytes = build(Delimiters::default(), false);
    let text = String::from_utf8(bytes.clone()).unwrap();
    assert!(text.contains("SE*4*0001~"), "{text}");
    assert!(
        text.ends_with("SE*4*0002~GE*2*42~IEA*1*000000042~"),
        "{text}"
    );
    assert!(text.contains("HI*ABK:J069^ABF:R05~"));
    let (events, diagnostics) = read(&bytes);
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    assert_eq!(
        events
            .iter()
            .filter(|e| matches!(e, Event::Transaction(_)))
            .count(),
        2
    );
}

#[test]
fn other_delimiters_and_pretty_mode() {
    let d = Delimiters {
        element: b'|',
        repetition: Some(b'!'),
        component: b'>',
        segment: b'\'',
    };
    let bytes = build(d, true);
    let text = String::from_utf8(bytes.clone()).unwrap();
    assert!(text.starts_with("ISA|00|"));
    assert!(text.contains("|!|00501|000000042|0|T|>'\n"), "{text}");
    assert!(text.contains("HI|ABK>J069!ABF>R05'\n"));
    let (events, diagnostics) = read(&bytes);
    assert_eq!(
        diagnostics.iter().map(|d| d.code).collect::<Vec<_>>(),
        ["X12.LINE_BREAKS"]
    );
    let Some(Event::Transaction(set)) = events.iter().find(|e| matches!(e, Event::Transaction(_)))
    else {
        panic!()
    };
    let hi = set.segments().find(|s| s.id() == b"HI").unwrap();
    assert_eq!(
        hi.element(1)
            .unwrap()
            .repetitions()
            .nth(1)
            .unwrap()
            .component(2)
            .unwrap()
            .bytes(),
        b"R05"
    );
    // And back to the usual delimiters, segment by segment.
    let mut back = Writer::new(Vec::new(), Delimiters::default());
    for event in &events {
        match event {
            Event::Segment(s) => back.write_segment(&s.segment()).unwrap(),
            Event::Transaction(t) => t
                .segments()
                .try_for_each(|s| back.write_segment(&s))
                .unwrap(),
            _ => {}
        }
    }
    assert_eq!(back.into_inner(), build(Delimiters::default(), false));
}

#[test]
fn recompute_trailers_fixes_counts_and_control_numbers() {
    let input = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/envelope-errors.x12"
    ))
    .unwrap();
    let (events, diagnostics) = read(&input);
    assert!(diagnostics.iter().any(|d| d.severity == Severity::Error));
    let mut w = Writer::new(Vec::new(), Delimiters::default()).recompute_trailers(true);
    for event in &events {
        w.write_event(event).unwrap();
    }
    let fixed = w.into_inner();
    let (_, diagnostics) = read(&fixed);
    assert!(
        diagnostics.iter().all(|d| d.severity == Severity::Warning),
        "{diagnostics:?}"
    );
    let clean = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/claim-837p.x12"
    ))
    .unwrap();
    assert_eq!(fixed, clean);
}

#[test]
fn refuses_values_containing_delimiters() {
    let mut w = Writer::new(Vec::new(), Delimiters::default());
    assert!(
        w.write_segment_buf(&SegmentBuf::new("NTE").with("A*B"))
            .is_err()
    );
    assert!(w.finish_set().is_err());
    let mut no_repetition = Writer::new(
        Vec::new(),
        Delimiters {
            repetition: None,
            ..Delimiters::default()
        },
    );
    let hi = SegmentBuf::new("HI").with_element(ElementBuf::repeated([["A"], ["B"]]));
    assert!(no_repetition.write_segment_buf(&hi).is_err());
}
