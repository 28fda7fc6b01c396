//! Every file of the shared X12 corpus (when present) reads without a panic, and every readable
//! one round-trips byte for byte through the reader and writer, and through the tokenizer.
//! The corpus is found at `$MEDBILL_SHARED/corpus/x12` or `../../../shared/corpus/x12` from this
//! crate; without it the test says it skipped (and fails under CI).

use std::path::{Path, PathBuf};

use medbill_x12::{Delimiters, Reader, Severity, Tokenizer, Writer, X12Error};

fn corpus_dir() -> Option<PathBuf> {
    medbill_testing::shared_path("corpus/x12").filter(|d| d.is_dir())
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            files(&path, out);
        } else if path.file_name().is_some_and(|n| n != "MANIFEST.md") {
            out.push(path);
        }
    }
}

#[test]
fn corpus_reads_and_round_trips() {
    let Some(dir) = corpus_dir() else {
        medbill_testing::skip_shared("the shared X12 corpus (corpus/x12)");
        return;
    };
    let mut paths = Vec::new();
    files(&dir, &mut paths);
    paths.sort();
    let (mut read, mut not_x12, mut round_tripped, mut sets, mut with_errors) = (0, 0, 0, 0, 0);
    let mut failures = Vec::new();
    for path in &paths {
        let input = std::fs::read(path).unwrap();
        let mut reader = Reader::new(&input[..]);
        let mut writer = None;
        let result = loop {
            match reader.next_event() {
                Ok(Some(event)) => {
                    let w = writer.get_or_insert_with(|| {
                        Writer::for_reader(Vec::new(), Delimiters::default(), reader.encoding())
                    });
                    w.write_event(&event).unwrap();
                    sets += usize::from(matches!(event, medbill_x12::Event::Transaction(_)));
                }
                Ok(None) => break Ok(()),
                Err(e) => break Err(e),
            }
        };
        match result {
            Err(X12Error::NotX12 { .. }) => {
                not_x12 += 1;
                continue;
            }
            Err(e) => panic!("{}: {e}", path.display()),
            Ok(()) => read += 1,
        }
        if reader
            .take_diagnostics()
            .iter()
            .any(|d| d.severity == Severity::Error)
        {
            with_errors += 1;
        }
        let written = writer.map(Writer::into_inner).unwrap_or_default();
        let mut by_token = Writer::new(Vec::new(), Delimiters::default());
        for token in Tokenizer::new(&input) {
            by_token.write_token(&token).unwrap();
        }
        if written == input && by_token.into_inner() == input {
            round_tripped += 1;
        } else {
            failures.push(path.display().to_string());
        }
    }
    eprintln!(
        "corpus: {} files, {read} read ({with_errors} with envelope errors, {sets} transaction sets), \
         {not_x12} not X12, {round_tripped} round-tripped byte for byte",
        paths.len()
    );
    assert!(failures.is_empty(), "not byte for byte: {failures:#?}");
    assert_eq!(read + not_x12, paths.len());
}
