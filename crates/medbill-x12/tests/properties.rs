//! Property tests: random segments written with random delimiters read back equal; the reader
//! never panics and always gives back its input.

use medbill_x12::{Delimiters, ElementBuf, Event, Reader, SegmentBuf, Tokenizer, Writer};
use proptest::prelude::*;

const DELIMITER_CHOICES: &[u8] = b"*|+!^:>~`'\x1d\n";

fn delimiters() -> impl Strategy<Value = Delimiters> {
    proptest::sample::subsequence(DELIMITER_CHOICES.to_vec(), 4)
        .prop_shuffle()
        .prop_filter("line breaks only as terminators", |v| {
            !v[..3].contains(&b'\n')
        })
        .prop_map(|v| Delimiters {
            element: v[0],
            component: v[1],
            repetition: Some(v[2]),
            segment: v[3],
        })
}

fn value() -> impl Strategy<Value = String> {
    // Values from letters, digits and punctuation that is never a delimiter here.
    "[A-Z0-9 .,()/&#@-]{0,12}"
}

fn element() -> impl Strategy<Value = ElementBuf> {
    prop::collection::vec(prop::collection::vec(value(), 1..4), 1..3).prop_map(ElementBuf::repeated)
}

fn segment() -> impl Strategy<Value = SegmentBuf> {
    ("[A-Z][A-Z0-9]{1,2}", prop::collection::vec(element(), 0..8))
        .prop_filter("not an envelope id", |(id, _)| {
            !matches!(id.as_str(), "ISA" | "IEA")
        })
        .prop_map(|(id, elements)| {
            let mut s = SegmentBuf::new(id);
            for e in elements {
                s.push(e);
            }
            s
        })
}

proptest! {
    #[test]
    fn written_segments_read_back_equal(d in delimiters(), segments in prop::collection::vec(segment(), 1..20), pretty in any::<bool>()) {
        let mut w = Writer::new(Vec::new(), d).pretty(pretty && d.segment != b'\n');
        for s in &segments {
            w.write_segment_buf(s).unwrap();
        }
        let bytes = w.into_inner();
        let back: Vec<SegmentBuf> = Tokenizer::with_delimiters(&bytes, d)
            .segments()
            .map(|s| SegmentBuf::from_segment(&s).unwrap())
            .collect();
        // Element values made only of trailing spaces stay as written.
        prop_assert_eq!(back, segments);
    }

    #[test]
    fn converting_delimiters_and_back_is_lossless(a in delimiters(), b in delimiters(), segments in prop::collection::vec(segment(), 1..10)) {
        let mut w = Writer::new(Vec::new(), a);
        for s in &segments {
            w.write_segment_buf(s).unwrap();
        }
        let first = w.into_inner();
        let mut to_b = Writer::new(Vec::new(), b);
        for s in Tokenizer::with_delimiters(&first, a).segments() {
            to_b.write_segment(&s).unwrap();
        }
        let second = to_b.into_inner();
        let mut to_a = Writer::new(Vec::new(), a);
        for s in Tokenizer::with_delimiters(&second, b).segments() {
            to_a.write_segment(&s).unwrap();
        }
        prop_assert_eq!(to_a.into_inner(), first);
    }

    #[test]
    fn reader_never_panics_and_round_trips(input in prop::collection::vec(any::<u8>(), 0..400), prefix in any::<bool>()) {
        let mut bytes = Vec::new();
        if prefix {
            bytes.extend_from_slice(b"ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *210101*1200*^*00501*000000001*0*T*:~");
        }
        bytes.extend_from_slice(&input);
        let mut reader = Reader::new(&bytes[..]);
        let mut w = Writer::new(Vec::new(), Delimiters::default());
        let mut events = Vec::<Event>::new();
        loop {
            match reader.next_event() {
                Ok(Some(e)) => {
                    w.write_event(&e).unwrap();
                    events.push(e);
                }
                Ok(None) => break,
                Err(_) => break,
            }
        }
        if reader.encoding() == medbill_x12::Encoding::Bytes && reader.summary().interchanges > 0 {
            prop_assert_eq!(w.into_inner(), bytes);
        }
    }
}
