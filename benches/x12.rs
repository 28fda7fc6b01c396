//! X12 throughput on a synthetic 837P of about 10 MB built here: one transaction set whose
//! claim loop (subscriber HL, CLM, three service lines) is repeated with HL and CLM01
//! renumbered and SE01 fixed. Reports bytes per second for tokenizing (every element and
//! component visited), streaming envelope reading with checks, and writing.
//!
//! `cargo bench --bench x12`
//!
//! To produce a large file for a memory measurement, set `MEDBILL_X12_SYNTH_OUT=path` (and
//! optionally `MEDBILL_X12_SYNTH_COPIES=n`, default 1): the bench first writes `n` such
//! interchanges, with distinct control numbers, to `path`. 100 copies make about 1 GB.

#![allow(missing_docs)] // criterion's macros generate undocumented items

use std::hint::black_box;
use std::io::Write as _;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use medbill::x12::ack::{AckOptions, implementation_acks};
use medbill::x12::validate::Validator;
use medbill::x12::{Delimiters, EnvelopeChecker, Event, Reader, Token, Tokenizer, Writer};

/// Claims per interchange: about 10 MB.
const CLAIMS: usize = 25_000;

/// One interchange holding one 837P transaction set with `claims` claims.
fn synthetic_837p(interchange: u32, claims: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(claims * 520 + 1024);
    let mut body = Vec::with_capacity(claims * 520 + 1024);
    let mut segments = 0u64;
    let mut seg = |body: &mut Vec<u8>, s: &str| {
        body.extend_from_slice(s.as_bytes());
        body.push(b'~');
        segments += 1;
    };
    seg(&mut body, "ST*837*0001*005010X222A1");
    seg(&mut body, "BHT*0019*00*0123*20240102*1200*CH");
    seg(&mut body, "NM1*41*2*SYNTHETIC BILLING*****46*TAX0001");
    seg(&mut body, "PER*IC*BILLING OFFICE*TE*5555550100");
    seg(&mut body, "NM1*40*2*SYNTHETIC PAYER*****46*PAYER01");
    seg(&mut body, "HL*1**20*1");
    seg(&mut body, "NM1*85*2*SYNTHETIC CLINIC*****XX*1234567893");
    seg(&mut body, "N3*100 MAIN ST");
    seg(&mut body, "N4*SPRINGFIELD*IL*627010000");
    seg(&mut body, "REF*EI*123456789");
    for n in 0..claims {
        let hl = n + 2;
        seg(&mut body, &format!("HL*{hl}*1*22*0"));
        seg(&mut body, "SBR*P*18*******CI");
        seg(&mut body, &format!("NM1*IL*1*PATIENT*SYNTH****MI*M{n:09}"));
        seg(&mut body, "N3*1 SAMPLE WAY");
        seg(&mut body, "N4*SPRINGFIELD*IL*62701");
        seg(&mut body, "DMG*D8*19800101*F");
        seg(&mut body, "NM1*PR*2*SYNTHETIC PAYER*****PI*PAYER01");
        seg(&mut body, &format!("CLM*C{n:09}*300***11:B:1*Y*A*Y*Y"));
        seg(&mut body, "HI*ABK:J069^ABF:R05^ABF:E119");
        for line in 1..=3 {
            seg(&mut body, &format!("LX*{line}"));
            seg(&mut body, "SV1*HC:99213:25*100*UN*1***1:2");
            seg(&mut body, "DTP*472*D8*20240101");
        }
    }
    let control = format!("{interchange:09}");
    out.extend_from_slice(
        format!("ISA*00*          *00*          *ZZ*SUBMITTER      *ZZ*RECEIVER       *240102*1200*^*00501*{control}*0*P*:~")
            .as_bytes(),
    );
    out.extend_from_slice(
        format!("GS*HC*SUBMITTER*RECEIVER*20240102*1200*{interchange}*X*005010X222A1~").as_bytes(),
    );
    out.extend_from_slice(&body);
    out.extend_from_slice(
        format!(
            "SE*{}*0001~GE*1*{interchange}~IEA*1*{control}~",
            segments + 1
        )
        .as_bytes(),
    );
    out
}

fn write_synthetic_file_if_asked() {
    let Some(path) = std::env::var_os("MEDBILL_X12_SYNTH_OUT") else {
        return;
    };
    let copies: u32 = std::env::var("MEDBILL_X12_SYNTH_COPIES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1);
    let mut file =
        std::io::BufWriter::new(std::fs::File::create(&path).expect("create synthetic file"));
    for i in 1..=copies {
        file.write_all(&synthetic_837p(i, CLAIMS))
            .expect("write synthetic file");
    }
    file.flush().expect("flush synthetic file");
    eprintln!(
        "wrote {copies} synthetic 837P interchange(s) to {}",
        path.to_string_lossy()
    );
}

fn x12(c: &mut Criterion) {
    write_synthetic_file_if_asked();
    let data = synthetic_837p(1, CLAIMS);
    // The input is what we expect it to be: clean, one set, every segment counted.
    {
        let mut reader = Reader::new(&data[..]);
        let set = reader.next_transaction().unwrap().unwrap();
        assert!(reader.take_diagnostics().is_empty());
        assert_eq!(set.segment_count() as usize, 11 + CLAIMS * 18);
    }
    eprintln!("synthetic 837P: {} bytes", data.len());
    let mut group = c.benchmark_group("x12");
    group.throughput(Throughput::Bytes(data.len() as u64));
    group.sample_size(20);

    group.bench_function("tokenize (segments, elements, components)", |b| {
        b.iter(|| {
            let mut components = 0usize;
            for segment in Tokenizer::new(black_box(&data)).segments() {
                for element in segment.elements() {
                    for repetition in element.repetitions() {
                        components += repetition.components().count();
                    }
                }
            }
            components
        })
    });

    group.bench_function("tokenize (segments only)", |b| {
        b.iter(|| Tokenizer::new(black_box(&data)).segments().count())
    });

    group.bench_function("envelope check over tokens (zero-copy)", |b| {
        b.iter(|| {
            let mut checker = EnvelopeChecker::new();
            for token in Tokenizer::new(black_box(&data)) {
                match token {
                    Token::Segment(s) => {
                        checker.segment(&s);
                    }
                    Token::Text(t) => checker.text(&t),
                }
            }
            checker.finish(data.len() as u64);
            checker.take_diagnostics().len()
        })
    });

    group.bench_function("streaming reader with envelope checks", |b| {
        b.iter(|| {
            let mut reader = Reader::new(black_box(&data[..]));
            let mut sets = 0;
            while let Some(event) = reader.next_event().unwrap() {
                sets += usize::from(matches!(event, Event::Transaction(_)));
            }
            sets
        })
    });

    let events: Vec<Event> = Reader::new(&data[..]).collect::<Result<_, _>>().unwrap();
    group.bench_function("write events losslessly", |b| {
        let mut out = Vec::with_capacity(data.len());
        b.iter(|| {
            out.clear();
            let mut w = Writer::new(&mut out, Delimiters::default());
            for event in &events {
                w.write_event(event).unwrap();
            }
            drop(w);
            out.len()
        })
    });

    let other = Delimiters {
        element: b'|',
        repetition: Some(b'!'),
        component: b'>',
        segment: b'\n',
    };
    group.bench_function("write segments with other delimiters", |b| {
        let mut out = Vec::with_capacity(data.len());
        b.iter(|| {
            out.clear();
            let mut w = Writer::new(&mut out, other);
            for segment in Tokenizer::new(&data).segments() {
                w.write_segment(&segment).unwrap();
            }
            drop(w);
            out.len()
        })
    });
    group.finish();
}

/// The synthetic file repeats HI01 with the repetition separator, which 005010X222A1 does not
/// allow (each diagnosis is its own HI element); the validation benches use the same bytes with
/// `^` there turned into `*`, which keeps every length and count.
fn as_valid_837p(data: Vec<u8>) -> Vec<u8> {
    replace_all(
        &data,
        b"HI*ABK:J069^ABF:R05^ABF:E119",
        b"HI*ABK:J069*ABF:R05*ABF:E119",
    )
}

/// `data` with every `from` replaced by `to`.
fn replace_all(data: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len());
    let mut i = 0;
    while let Some(at) = data[i..].windows(from.len()).position(|w| w == from) {
        out.extend_from_slice(&data[i..i + at]);
        out.extend_from_slice(to);
        i += at + from.len();
    }
    out.extend_from_slice(&data[i..]);
    out
}

/// Implementation-guide validation with the loop tree, and 999 generation.
fn x12_validation(c: &mut Criterion) {
    let validator = Validator::new();
    let data = as_valid_837p(synthetic_837p(1, CLAIMS));
    {
        let report = validator.validate(&data);
        let set = report.transactions().next().unwrap();
        assert!(
            set.accepted(),
            "{:?}",
            &set.findings[..set.findings.len().min(3)]
        );
        assert_eq!(set.loops.len(), 1 + 2 + 2 + CLAIMS * (1 + 2 + 1 + 3));
    }
    let mut group = c.benchmark_group("x12 validation");
    group.sample_size(10);
    group.throughput(Throughput::Bytes(data.len() as u64));
    group.bench_function("validate 837P with loop tree", |b| {
        b.iter(|| {
            black_box(validator.validate(black_box(&data)))
                .interchanges
                .len()
        })
    });

    // 10,000 claims, every hundredth with a bad subscriber payer responsibility code (SBR01).
    let claims = 10_000;
    let mut data = as_valid_837p(synthetic_837p(2, claims));
    let mut seen = 0;
    let mut i = 0;
    while let Some(at) = data[i..].windows(8).position(|w| w == b"SBR*P*18") {
        if seen % 100 == 0 {
            data[i + at + 4] = b'Q';
        }
        seen += 1;
        i += at + 8;
    }
    let report = validator.validate(&data);
    let set = report.transactions().next().unwrap();
    assert_eq!(set.findings.len(), claims / 100);
    let options = AckOptions::default();
    let ack = implementation_acks(&report.interchanges[0], &options);
    assert_eq!(ack.matches("IK3*").count(), claims / 100);
    group.throughput(Throughput::Elements(claims as u64));
    group.bench_function("999 for 10,000 claims with 1% errors", |b| {
        b.iter(|| implementation_acks(black_box(&report.interchanges[0]), &options).len())
    });
    group.bench_function("validate and 999, 10,000 claims with 1% errors", |b| {
        b.iter(|| {
            let report = validator.validate(black_box(&data));
            implementation_acks(&report.interchanges[0], &options).len()
        })
    });
    group.finish();
}

/// A synthetic 835 with `claims` claim payments of three service lines each.
fn synthetic_835(claims: usize) -> Vec<u8> {
    let mut body = String::with_capacity(claims * 420 + 1024);
    let mut seg = |s: &str| {
        body.push_str(s);
        body.push('~');
    };
    seg("ST*835*0001*005010X221A1");
    let total = 210 * claims;
    seg(&format!(
        "BPR*I*{total}*C*ACH*CCP*01*999999999*DA*123456*1512345678**01*999988880*DA*98765*20240115"
    ));
    seg("TRN*1*EFT0001*1512345678");
    seg("N1*PR*SYNTHETIC PAYER*XV*87726");
    seg("N3*1 PAYER WAY");
    seg("N4*HARTFORD*CT*06101");
    seg("PER*BL*EDI*TE*8005551212");
    seg("N1*PE*SYNTHETIC CLINIC*XX*1234567893");
    seg("LX*1");
    for n in 0..claims {
        seg(&format!("CLP*C{n:09}*1*300*210*30*12*ICN{n:09}*11*1"));
        seg(&format!("NM1*QC*1*PATIENT*SYNTH****MI*M{n:09}"));
        seg("DTM*232*20240101");
        for _ in 0..3 {
            seg("SVC*HC:99213:25*100*70**1");
            seg("DTM*472*20240101");
            seg("CAS*CO*45*20");
            seg("CAS*PR*2*10");
            seg("AMT*B6*80");
        }
    }
    let segments = body.matches('~').count();
    body.push_str(&format!("SE*{}*0001~", segments + 1));
    let mut out = String::from(
        "ISA*00*          *00*          *ZZ*PAYER          *ZZ*CLINIC         *240115*1200*^*00501*000000001*0*P*:~GS*HP*PAYER*CLINIC*20240115*1200*1*X*005010X221A1~",
    );
    out.push_str(&body);
    out.push_str("GE*1*1~IEA*1*000000001~");
    out.into_bytes()
}

/// Typed reading and writing: 837P claims from and to the synthetic file, and an 835.
fn x12_typed(c: &mut Criterion) {
    use medbill::x12::typed::{self, InterchangeHeader, ReadMode};
    let data = as_valid_837p(synthetic_837p(1, CLAIMS));
    let read = |data: &[u8]| {
        let set = Reader::new(data).next_transaction().unwrap().unwrap();
        typed::read_837(&set, ReadMode::Lenient).unwrap()
    };
    let batch = read(&data);
    assert_eq!(batch.claims.len(), CLAIMS, "{:?}", batch.problems.first());
    assert_eq!(batch.all_problems().count(), 0);
    // The same claims with ICD-9-CM diagnoses, one of them malformed (`25O00`): every claim
    // read keeps its codes as sent and carries a problem.
    let invalid = replace_all(
        &data,
        b"HI*ABK:J069*ABF:R05*ABF:E119",
        b"HI*BK:4659*BF:7862*BF:25O00",
    );
    {
        let b = read(&invalid);
        assert_eq!(b.claims.len(), CLAIMS);
        assert!(b.claims.iter().all(|c| c.problems.len() == 1));
    }
    let envelope = InterchangeHeader::new(
        "SUBMITTER",
        "RECEIVER",
        1,
        batch.header.created.unwrap_or_default(),
    );
    let written = typed::write_837(&batch.claims, &batch.header, &envelope).unwrap();
    assert_eq!(read(&written).claims, batch.claims);
    let remits = synthetic_835(CLAIMS);
    eprintln!(
        "typed: 837P {} bytes in, {} bytes written; 835 {} bytes; {CLAIMS} claims each",
        data.len(),
        written.len(),
        remits.len()
    );

    let mut group = c.benchmark_group("x12 typed");
    group.sample_size(10);
    group.throughput(Throughput::Bytes(data.len() as u64));
    group.bench_function("837P read into claims (reader included)", |b| {
        b.iter(|| read(black_box(&data)).claims.len())
    });
    group.throughput(Throughput::Bytes(invalid.len() as u64));
    group.bench_function(
        "837P read, ICD-9-CM and a malformed code in every claim (reader included)",
        |b| b.iter(|| read(black_box(&invalid)).claims.len()),
    );
    group.throughput(Throughput::Bytes(written.len() as u64));
    group.bench_function("837P write from claims", |b| {
        b.iter(|| {
            typed::write_837(black_box(&batch.claims), &batch.header, &envelope)
                .unwrap()
                .len()
        })
    });
    group.throughput(Throughput::Bytes(remits.len() as u64));
    group.bench_function("835 read into a remittance (reader included)", |b| {
        b.iter(|| {
            let set = Reader::new(black_box(&remits[..]))
                .next_transaction()
                .unwrap()
                .unwrap();
            typed::read_835(&set, ReadMode::Lenient)
                .unwrap()
                .remittance
                .claims
                .len()
        })
    });
    group.finish();
}

criterion_group!(benches, x12, x12_validation, x12_typed);
criterion_main!(benches);
