//! Reading the crate's own fixtures: each leniency is read, reported with its code, and the file
//! is written back byte for byte.

use std::path::PathBuf;

use medbill_x12::{
    Delimiters, Diagnostic, Encoding, Event, Reader, Severity, Token, Tokenizer, TransactionSet,
    Writer, X12Error,
};

fn fixture(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

struct Read {
    events: Vec<Event>,
    diagnostics: Vec<Diagnostic>,
    encoding: Encoding,
    summary: medbill_x12::Summary,
}

impl Read {
    fn sets(&self) -> Vec<&TransactionSet> {
        self.events
            .iter()
            .filter_map(|e| match e {
                Event::Transaction(t) => Some(t),
                _ => None,
            })
            .collect()
    }

    fn codes(&self) -> Vec<&'static str> {
        self.diagnostics.iter().map(|d| d.code).collect()
    }

    fn errors(&self) -> Vec<&Diagnostic> {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .collect()
    }
}

/// Reads with the streaming reader, feeding it a few bytes at a time to exercise buffer edges.
fn read_with(input: &[u8], chunk: usize) -> Result<Read, X12Error> {
    struct Trickle<'a>(&'a [u8], usize);
    impl std::io::Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = self.0.len().min(buf.len()).min(self.1);
            buf[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }
    let mut reader = Reader::new(Trickle(input, chunk));
    let mut events = Vec::new();
    while let Some(event) = reader.next_event()? {
        events.push(event);
    }
    Ok(Read {
        events,
        diagnostics: reader.take_diagnostics(),
        encoding: reader.encoding(),
        summary: reader.summary(),
    })
}

fn merge_text(events: &[Event]) -> Vec<Event> {
    let mut out: Vec<Event> = Vec::new();
    for event in events {
        if let (Event::Text(next), Some(Event::Text(last))) = (event, out.last_mut()) {
            last.bytes.extend_from_slice(&next.bytes);
        } else {
            out.push(event.clone());
        }
    }
    out
}

fn read(input: &[u8]) -> Read {
    let whole = read_with(input, usize::MAX).expect("readable");
    // Same result whatever the read sizes (text outside interchanges may come in pieces).
    for chunk in [1, 3, 7, 64] {
        let trickled = read_with(input, chunk).expect("readable");
        assert_eq!(
            merge_text(&trickled.events),
            merge_text(&whole.events),
            "chunk {chunk}"
        );
        assert_eq!(trickled.diagnostics, whole.diagnostics, "chunk {chunk}");
    }
    whole
}

fn write_events(read: &Read) -> Vec<u8> {
    let mut w = Writer::for_reader(Vec::new(), Delimiters::default(), read.encoding);
    for event in &read.events {
        w.write_event(event).unwrap();
    }
    w.into_inner()
}

fn write_tokens(input: &[u8]) -> Vec<u8> {
    let mut w = Writer::new(Vec::new(), Delimiters::default());
    for token in Tokenizer::new(input) {
        w.write_token(&token).unwrap();
    }
    w.into_inner()
}

/// Reads, checks both round trips, and returns what was read.
fn read_round_trip(input: &[u8]) -> Read {
    let r = read(input);
    assert_eq!(write_events(&r), input, "reader round trip");
    assert_eq!(write_tokens(input), input, "tokenizer round trip");
    r
}

#[test]
fn plain_file_reads_clean() {
    for name in ["claim-837p-one-line.x12", "claim-837p.x12"] {
        let r = read_round_trip(&fixture(name));
        let sets = r.sets();
        assert_eq!(sets.len(), 1);
        assert_eq!(
            (sets[0].id(), sets[0].control(), sets[0].version()),
            ("837", "0001", "005010X222A1")
        );
        assert_eq!(sets[0].segment_count(), 23);
        assert_eq!(sets[0].segments().count(), 23);
        assert!(sets[0].is_closed());
        assert_eq!(sets[0].envelope().interchange_control(), "000000101");
        assert_eq!(sets[0].envelope().group_control().as_deref(), Some("101"));
        assert!(r.errors().is_empty(), "{name}: {:?}", r.diagnostics);
        assert_eq!(
            (
                r.summary.interchanges,
                r.summary.groups,
                r.summary.transactions
            ),
            (1, 1, 1)
        );
        let expected: &[&str] = if name.contains("one-line") {
            &[]
        } else {
            &["X12.LINE_BREAKS"]
        };
        assert_eq!(r.codes(), expected);
    }
}

#[test]
fn numbers_keep_their_lexical_form() {
    let r = read(&fixture("claim-837p.x12"));
    let set = r.sets()[0];
    let clm = set.segments().find(|s| s.id() == b"CLM").unwrap();
    assert_eq!(clm.element(2).unwrap().bytes(), b"100");
    let hi = set.segments().find(|s| s.id() == b"HI").unwrap();
    let codes: Vec<_> = hi
        .element(1)
        .unwrap()
        .repetitions()
        .map(|r| r.component(2).unwrap().bytes())
        .collect();
    assert_eq!(codes, [&b"J069"[..], b"R05"]);
}

#[test]
fn pretty_printed_crlf_and_indented() {
    let r = read_round_trip(&fixture("pretty-crlf-indented.x12"));
    assert_eq!(r.sets().len(), 1);
    assert_eq!(r.sets()[0].segment_count(), 23);
    assert_eq!(r.codes(), ["X12.LINE_BREAKS", "X12.INDENTATION"]);
}

#[test]
fn byte_order_mark() {
    let mut input = b"\xEF\xBB\xBF".to_vec();
    input.extend(fixture("claim-837p.x12"));
    let r = read_round_trip(&input);
    assert_eq!(r.codes(), ["X12.BOM", "X12.LINE_BREAKS"]);
    assert_eq!(r.diagnostics[0].position.byte, 0);
    assert_eq!(r.sets().len(), 1);
}

fn utf16(input: &[u8], big_endian: bool, bom: bool) -> Vec<u8> {
    let text = String::from_utf8(input.to_vec()).unwrap();
    let mut out = Vec::new();
    let units = bom.then_some(0xFEFF).into_iter().chain(text.encode_utf16());
    for unit in units {
        out.extend(if big_endian {
            unit.to_be_bytes()
        } else {
            unit.to_le_bytes()
        });
    }
    out
}

#[test]
fn utf16_input_is_decoded_and_written_back() {
    let plain = fixture("claim-837p.x12");
    for (big, bom) in [(false, true), (true, true), (false, false), (true, false)] {
        let input = utf16(&plain, big, bom);
        let r = read(&input);
        assert_eq!(
            r.encoding,
            if big {
                Encoding::Utf16Be
            } else {
                Encoding::Utf16Le
            }
        );
        assert_eq!(r.diagnostics[0].code, "X12.UTF16");
        assert_eq!(r.sets().len(), 1);
        assert_eq!(r.sets()[0].segment_count(), 23);
        assert!(r.errors().is_empty());
        assert_eq!(write_events(&r), input, "big endian {big}, bom {bom}");
    }
}

#[test]
fn utf16_with_non_ascii_text_round_trips_in_small_reads() {
    let mut text = "Remarque : réclamation n° 7 — ☃ 😀\r\n".as_bytes().to_vec();
    text.extend(fixture("claim-837p.x12"));
    for (big, bom) in [(false, true), (true, false)] {
        let input = utf16(&text, big, bom);
        for chunk in [1, 2, 3, 5, 64] {
            let r = read_with(&input, chunk).expect("readable");
            assert_eq!(r.sets().len(), 1);
            assert_eq!(write_events(&r), input, "chunk {chunk}");
        }
    }
}

#[test]
fn newline_and_group_separator_terminators() {
    let base = fixture("claim-837p-one-line.x12");
    for terminator in [b'\n', 0x1D, b'\r'] {
        let input: Vec<u8> = base
            .iter()
            .map(|&b| if b == b'~' { terminator } else { b })
            .collect();
        let r = read_round_trip(&input);
        assert_eq!(r.sets().len(), 1, "terminator {terminator:#x}");
        assert_eq!(r.sets()[0].segment_count(), 23);
        assert_eq!(r.codes(), ["X12.CONTROL_TERMINATOR"]);
    }
}

#[test]
fn text_around_and_between_interchanges_with_ta1() {
    let r = read_round_trip(&fixture("narrative-two-interchanges.x12"));
    assert_eq!(r.summary.interchanges, 2);
    assert_eq!(r.sets().len(), 2);
    assert_eq!(r.sets()[1].envelope().interchange_control(), "000000102");
    let codes = r.codes();
    for code in [
        "X12.LEADING_TEXT",
        "X12.TEXT_BETWEEN",
        "X12.TRAILING_TEXT",
        "X12.MULTIPLE_INTERCHANGES",
        "ENV.TA1",
    ] {
        assert_eq!(
            codes.iter().filter(|&&c| c == code).count(),
            1,
            "{code} in {codes:?}"
        );
    }
    assert!(r.errors().is_empty(), "{:?}", r.errors());
    // "ISAAC" in the prose is not an envelope: the first ISA is where the EDI starts.
    let first_isa = r.events.iter().find_map(|e| match e {
        Event::Segment(s) if s.segment().id() == b"ISA" => Some(s.segment().offset()),
        _ => None,
    });
    let input = fixture("narrative-two-interchanges.x12");
    let expected = input.windows(4).position(|w| w == b"ISA*").unwrap() as u64;
    assert_eq!(first_isa, Some(expected));
}

#[test]
fn ta1_instead_of_a_group() {
    let r = read_round_trip(&fixture("ta1-only.x12"));
    assert_eq!(r.sets().len(), 0);
    assert_eq!(r.codes(), ["X12.LINE_BREAKS", "ENV.TA1"]);
}

#[test]
fn unpadded_isa_with_4010_and_newline_terminator() {
    let r = read_round_trip(&fixture("unpadded-4010-newline.x12"));
    let set = r.sets()[0];
    assert_eq!(set.version(), "004010X098A1");
    assert_eq!(set.segment_count(), 4);
    let hi = set.segments().find(|s| s.id() == b"HI").unwrap();
    assert_eq!(
        hi.element(1).unwrap().component(2).unwrap().as_str(),
        Some("4019")
    );
    assert_eq!(r.codes(), ["ENV.ISA_UNPADDED", "X12.CONTROL_TERMINATOR"]);
    assert_eq!(r.diagnostics[0].position.element, Some(2));
    assert!(r.errors().is_empty());
}

#[test]
fn letter_isa11_in_5010_means_no_repetitions() {
    let input: Vec<u8> = String::from_utf8(fixture("claim-837p.x12"))
        .unwrap()
        .replacen("*^*00501", "*U*00501", 1)
        .into_bytes();
    let r = read_round_trip(&input);
    assert!(r.codes().contains(&"ENV.ISA11_NO_REPETITION"));
    let hi = r.sets()[0].segments().find(|s| s.id() == b"HI").unwrap();
    assert_eq!(hi.element(1).unwrap().repetitions().count(), 1);
}

#[test]
fn envelope_errors_name_their_place() {
    let r = read_round_trip(&fixture("envelope-errors.x12"));
    let errors = r.errors();
    let by_code = |code: &str| {
        errors
            .iter()
            .find(|d| d.code == code)
            .copied()
            .unwrap_or_else(|| panic!("{code} missing in {errors:?}"))
    };
    let se01 = by_code("ENV.SE01_COUNT");
    assert_eq!(se01.position.segment_id.as_deref(), Some("SE"));
    assert_eq!(se01.position.segment_index, Some(25));
    assert_eq!(se01.position.set_segment_index, Some(23));
    assert_eq!(se01.position.element, Some(1));
    assert_eq!(
        se01.position.interchange_control.as_deref(),
        Some("000000101")
    );
    assert_eq!(se01.position.group_control.as_deref(), Some("101"));
    assert_eq!(se01.position.set_control.as_deref(), Some("0001"));
    let input = fixture("envelope-errors.x12");
    let se_at = input.windows(3).position(|w| w == b"SE*").unwrap() as u64;
    assert_eq!(se01.position.byte, se_at);
    assert_eq!(by_code("ENV.SE02_CONTROL").position.element, Some(2));
    assert_eq!(by_code("ENV.GE01_COUNT").position.segment_index, Some(26));
    assert_eq!(by_code("ENV.GE02_CONTROL").position.element, Some(2));
    assert_eq!(
        by_code("ENV.IEA01_COUNT").position.segment_id.as_deref(),
        Some("IEA")
    );
    assert_eq!(
        by_code("ENV.IEA02_CONTROL").position.segment_index,
        Some(27)
    );
    assert_eq!(errors.len(), 6);
    // Messages carry counts and control numbers, never element values.
    assert!(errors.iter().all(|d| !d.message.contains("TESTPATIENT")));
}

#[test]
fn missing_trailers_and_truncation() {
    let full = fixture("claim-837p-one-line.x12");
    let cut = &full[..full.windows(3).position(|w| w == b"DTP").unwrap() + 8];
    let r = read(cut);
    let codes = r.codes();
    for code in [
        "SYN.UNTERMINATED",
        "ENV.SE_MISSING",
        "ENV.GE_MISSING",
        "ENV.IEA_MISSING",
    ] {
        assert!(codes.contains(&code), "{code} in {codes:?}");
    }
    assert_eq!(r.sets().len(), 1);
    assert!(!r.sets()[0].is_closed());
    assert_eq!(write_events(&r), cut);
}

#[test]
fn isa_without_iea_then_another_interchange() {
    let one = fixture("claim-837p.x12");
    let text = String::from_utf8(one.clone()).unwrap();
    let without_iea = text.replace("IEA*1*000000101~\n", "");
    let input = format!("{without_iea}{text}");
    let r = read_round_trip(input.as_bytes());
    assert_eq!(r.summary.interchanges, 2);
    assert!(r.codes().contains(&"ENV.IEA_MISSING"));
    assert_eq!(r.sets().len(), 2);
}

#[test]
fn stray_segments_and_bad_ids() {
    let text = String::from_utf8(fixture("claim-837p.x12")).unwrap();
    let input = text
        .replace("GE*1*101~", "REF*XX*1~\nGE*1*101~")
        .replace("LX*1~", "lx*1~");
    let r = read_round_trip(input.as_bytes());
    let codes = r.codes();
    assert!(codes.contains(&"ENV.SEGMENT_OUTSIDE_SET"));
    assert!(codes.contains(&"SYN.SEGMENT_ID"));
    let stray = r
        .events
        .iter()
        .filter(|e| matches!(e, Event::Segment(s) if s.segment().id() == b"REF"))
        .count();
    assert_eq!(stray, 1);
}

#[test]
fn not_x12_is_one_clear_error() {
    for input in [
        &fixture("not-x12.txt")[..],
        b"",
        b"ISA",
        b"ISA*00*",
        b"\xEF\xBB\xBF",
    ] {
        match read_with(input, usize::MAX) {
            Err(X12Error::NotX12 { bytes }) => assert_eq!(bytes, input.len() as u64),
            other => panic!("expected NotX12, got {:?}", other.map(|r| r.codes())),
        }
        // The tokenizer gives the whole input back as text.
        let tokens: Vec<Token<'_>> = Tokenizer::new(input).collect();
        assert!(tokens.iter().all(|t| matches!(t, Token::Text(_))));
        assert_eq!(write_tokens(input), input);
    }
}

#[test]
fn transaction_set_positions() {
    let r = read(&fixture("claim-837p.x12"));
    let set = r.sets()[0];
    let p = set.position(12);
    assert_eq!(p.segment_id.as_deref(), Some("SBR"));
    assert_eq!(p.segment_index, Some(14));
    assert_eq!(p.set_segment_index, Some(12));
    assert_eq!(p.set_control.as_deref(), Some("0001"));
    let sbr = set.segments().nth(11).unwrap();
    assert_eq!(p.byte, sbr.offset());
    let input = fixture("claim-837p.x12");
    assert_eq!(&input[sbr.offset() as usize..][..4], b"SBR*");
}

#[test]
fn max_set_bytes_bounds_memory() {
    let input = fixture("claim-837p.x12");
    let mut reader = Reader::new(&input[..]).with_max_set_bytes(100);
    let result: Result<Vec<Event>, X12Error> = (&mut reader).collect();
    assert!(
        matches!(result, Err(X12Error::TooLarge { limit: 100, .. })),
        "{result:?}"
    );
}

#[test]
fn debug_output_has_no_element_values() {
    let r = read(&fixture("claim-837p.x12"));
    let all = format!("{:?} {:?}", r.events, r.diagnostics);
    for phi in ["TESTPATIENT", "MEMBER001", "19800101", "SAMPLE ST"] {
        assert!(!all.contains(phi), "{phi} leaked");
    }
}

/// A set larger than a mebibyte takes the reader's buffer rather than a copy (the reader goes
/// on with the bytes after it): what is read is the same whatever the read sizes, offsets are
/// the input's, and the file writes back byte for byte.
#[test]
fn a_large_set_and_what_follows_it() {
    let isa = |n: u32| {
        format!(
            "ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *210101*1200*^*00501*{n:09}*0*T*:~\n"
        )
    };
    let mut big = String::from("ST*837*0001*005010X222A1~\nBHT*0019~\n");
    let notes = 40_000;
    for i in 0..notes {
        big.push_str(&format!(
            "NTE*ADD*NOTE {i:06} ABCDEFGHIJKLMNOPQRSTUVWXYZ~\n"
        ));
    }
    big.push_str(&format!("SE*{}*0001~\n", notes + 3));
    assert!(big.len() > 1 << 20);
    let mut input = isa(1);
    input.push_str("GS*HC*S*R*20210101*1200*1*X*005010X222A1~\n");
    input.push_str(&big);
    input.push_str("ST*837*0002*005010X222A1~\nBHT*0019~\nSE*3*0002~\n");
    input.push_str("GE*2*1~\nIEA*1*000000001~\nBetween\n");
    input.push_str(&isa(2));
    input.push_str("GS*HC*S*R*20210101*1200*2*X*005010X222A1~\n");
    input.push_str(&big);
    input.push_str("GE*1*2~\nIEA*1*000000002~\n");
    let input = input.into_bytes();

    let whole = read_with(&input, usize::MAX).expect("readable");
    for chunk in [4096, 65_536 + 7] {
        let pieces = read_with(&input, chunk).expect("readable");
        assert_eq!(
            merge_text(&pieces.events),
            merge_text(&whole.events),
            "chunk {chunk}"
        );
        assert_eq!(pieces.diagnostics, whole.diagnostics, "chunk {chunk}");
    }
    assert!(whole.errors().is_empty(), "{:?}", whole.errors());
    assert_eq!(write_events(&whole), input, "reader round trip");

    let sets = whole.sets();
    assert_eq!(sets.len(), 3);
    for set in &sets {
        let at = usize::try_from(set.offset()).unwrap();
        assert_eq!(&input[at..at + set.bytes().len()], set.bytes());
        assert!(set.bytes().trim_ascii_start().starts_with(b"ST*837*"));
        assert!(set.is_closed());
        assert_eq!(set.segments().count() as u32, set.segment_count());
    }
    assert_eq!(sets[0].segment_count(), notes + 3);
    assert_eq!(sets[1].control(), "0002");
    assert_eq!(sets[2].envelope().interchange_control(), "000000002");
    assert_eq!(sets[0].bytes(), sets[2].bytes());
    // A set read whole equals the same set read in pieces (equality ignores the buffer's
    // bytes before the set).
    let pieces = read_with(&input, 4096).expect("readable");
    assert_eq!(pieces.sets()[0], sets[0]);
}
