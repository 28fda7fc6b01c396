//! The tokenizer must never panic, its tokens must cover the input exactly, and writing every
//! token back must give the input.
#![no_main]

use libfuzzer_sys::fuzz_target;
use medbill_x12::{Delimiters, Token, Tokenizer, Writer};

fuzz_target!(|data: &[u8]| {
    let mut covered = 0u64;
    for token in Tokenizer::new(data) {
        match token {
            Token::Text(text) => {
                assert_eq!(text.offset(), covered);
                covered += text.bytes().len() as u64;
            }
            Token::Segment(segment) => {
                assert_eq!(segment.trivia_offset(), covered);
                covered += (segment.trivia().len() + segment.raw().len()) as u64;
                covered += u64::from(segment.is_terminated());
                let _ = segment.has_valid_id();
                for element in segment.elements() {
                    for repetition in element.repetitions() {
                        for component in repetition.components() {
                            let start = component.offset() as usize;
                            assert_eq!(
                                &data[start..start + component.bytes().len()],
                                component.bytes()
                            );
                        }
                    }
                }
            }
        }
    }
    assert_eq!(covered, data.len() as u64);
    let mut writer = Writer::new(Vec::new(), Delimiters::default());
    for token in Tokenizer::new(data) {
        writer.write_token(&token).unwrap();
    }
    assert_eq!(writer.into_inner(), data);
});
