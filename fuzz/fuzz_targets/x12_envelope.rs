//! The streaming reader with envelope checks must never panic, must give the same events
//! whatever the read sizes, and writing its events back must give the input. The first byte
//! picks a read size and whether to put a valid ISA in front, to reach deeper states.
#![no_main]

use std::io::Read;

use libfuzzer_sys::fuzz_target;
use medbill_x12::{Delimiters, Encoding, Event, Reader, Writer};

const ISA: &[u8] = b"ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *210101*1200*^*00501*000000001*0*T*:~";

struct Trickle<'a>(&'a [u8], usize);

impl Read for Trickle<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.0.len().min(buf.len()).min(self.1);
        buf[..n].copy_from_slice(&self.0[..n]);
        self.0 = &self.0[n..];
        Ok(n)
    }
}

fn read_all(input: &[u8], chunk: usize) -> (Vec<u8>, Vec<u8>, Encoding, bool) {
    let mut reader = Reader::new(Trickle(input, chunk));
    let mut written = Writer::new(Vec::new(), Delimiters::default());
    let mut structure = Vec::new();
    let mut ok = true;
    loop {
        match reader.next_event() {
            Ok(Some(event)) => {
                written.write_event(&event).unwrap();
                match &event {
                    Event::Transaction(set) => structure.extend_from_slice(set.bytes()),
                    Event::Segment(segment) => structure.extend_from_slice(segment.bytes()),
                    _ => {}
                }
            }
            Ok(None) => break,
            Err(_) => {
                ok = false;
                break;
            }
        }
    }
    for d in reader.take_diagnostics() {
        let _ = d.to_string();
    }
    let encoding = reader.encoding();
    (written.into_inner(), structure, encoding, ok)
}

fuzz_target!(|data: &[u8]| {
    let Some((&control, rest)) = data.split_first() else {
        return;
    };
    let mut input = Vec::new();
    if control & 0x80 != 0 {
        input.extend_from_slice(ISA);
    }
    input.extend_from_slice(rest);
    let chunk = usize::from(control & 0x7f) + 1;
    let (whole, structure, encoding, ok) = read_all(&input, usize::MAX);
    let (trickled, trickled_structure, _, trickled_ok) = read_all(&input, chunk);
    assert_eq!(ok, trickled_ok);
    assert_eq!(structure, trickled_structure);
    if ok && encoding == Encoding::Bytes {
        assert_eq!(whole, input);
        assert_eq!(trickled, input);
    }
});
