//! # medbill-x12
//!
//! Reading and writing ASC X12 files as billing systems receive them: lenient where real files
//! need it, exact where it matters.
//!
//! - [`Tokenizer`]: zero-copy over a `&[u8]`, yielding borrowed [`Segment`]s whose
//!   [`Element`]s, repetitions and [`Component`]s carry byte offsets; nothing is allocated per
//!   segment.
//! - [`Reader`]: streaming over any [`std::io::Read`], yielding one [`TransactionSet`] at a
//!   time with its [`Envelope`] (ISA, GS) attached; memory is bounded by the largest set.
//! - [`EnvelopeChecker`]: ISA field widths and values, control number pairs (ISA13/IEA02,
//!   GS06/GE02, ST02/SE02) and counts (SE01, GE01, IEA01).
//! - [`Writer`]: segments and envelopes with any delimiters, pretty or not, trailers computed;
//!   and lossless: an unchanged file is written back byte for byte, `100` stays `100`.
//!
//! Delimiters come from each ISA: the byte after `ISA` separates elements, ISA11 separates
//! repetitions (in 00501; none when it is a letter), ISA16 separates components and the byte
//! after ISA16 ends segments. Line breaks and indentation after a terminator are kept as trivia.
//!
//! Findings are [`Diagnostic`]s with a [`Severity`], a stable code (see [`codes`]) and a
//! [`Position`] (byte offset, segment index in the file and in its set, segment id, element,
//! component and control numbers). Only input with no interchange at all is an error
//! ([`X12Error::NotX12`]); everything else is reported and reading goes on. Bad input never
//! panics, and messages never quote element values (which can be patient data).
//!
//! ```
//! use medbill_x12::{Delimiters, Event, Reader, Writer};
//!
//! let file = b"ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *210101*1200*^*00501*000000001*0*T*:~\n\
//!              GS*HC*S*R*20210101*1200*1*X*005010X222A1~\nST*837*0001~\nCLM*A1*100~\nSE*3*0001~\nGE*1*1~\nIEA*1*000000001~\n";
//! let mut reader = Reader::new(&file[..]);
//! let mut writer = Writer::new(Vec::new(), Delimiters::default());
//! while let Some(event) = reader.next_event()? {
//!     if let Event::Transaction(set) = &event {
//!         let clm = set.segments().find(|s| s.id() == b"CLM").unwrap();
//!         assert_eq!(clm.element(2).unwrap().as_str(), Some("100"));
//!     }
//!     writer.write_event(&event)?;
//! }
//! assert_eq!(writer.into_inner(), file);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![forbid(unsafe_code)]

mod delimiters;
mod envelope;
mod error;
mod position;
mod reader;
mod tokenizer;
mod writer;

pub mod ack;
pub mod schema;
pub mod typed;
pub mod validate;

pub use delimiters::Delimiters;
pub use envelope::{EnvelopeChecker, SegmentContext, Summary};
pub use error::{Diagnostic, Severity, X12Error, codes};
pub use position::Position;
pub use reader::{
    Encoding, Envelope, Event, OwnedText, RawSegment, Reader, TransactionSet, decode_utf16,
};
pub use tokenizer::{
    Component, Components, Element, Elements, Repetitions, Segment, Text, Token, Tokenizer,
};
pub use writer::{ElementBuf, SegmentBuf, Writer};
