//! The typed layer over the shared corpus (`../shared/corpus/x12`, or `$MEDBILL_SHARED`):
//!
//! - every 5010 837 and 835 file keeps every claim: as many claims (read or unreadable) as
//!   CLM segments, as many claim payments as CLP segments, with the same total charge;
//! - every transaction set of those files is written back from the typed layer segment for
//!   segment, byte for byte (with the file's own delimiters), ICD-9 codes and all; a set out
//!   of the guide's order comes back from its segments as read (`AsRead`), and written from
//!   the model alone it has the same segments, in the guide's order;
//! - every file of the corpus reads and writes without panicking.
//!
//! Skipped with a notice when the corpus is absent (CI has it).

use std::path::{Path, PathBuf};

use medbill_x12::typed::{self, InterchangeHeader, ReadMode, TypedTransaction};
use medbill_x12::{Delimiters, Reader};
use rust_decimal::Decimal;

fn corpus() -> Option<PathBuf> {
    medbill_testing::shared_path("corpus/x12").filter(|d| d.join("MANIFEST.md").is_file())
}

/// (path, transaction) of every 5010 837 and 835 file the manifest lists, whatever its label.
fn files_5010(dir: &Path) -> Vec<(PathBuf, String)> {
    let manifest = std::fs::read_to_string(dir.join("MANIFEST.md")).unwrap_or_default();
    let mut out = Vec::new();
    for line in manifest.lines() {
        let cols: Vec<&str> = line.split('|').map(str::trim).collect();
        if cols.len() < 8 {
            continue;
        }
        let (folder, path, txn) = (cols[1], cols[2], cols[3]);
        if !(txn.starts_with("837 005010") || txn.starts_with("835 005010")) {
            continue;
        }
        out.push((dir.join(folder).join(path), txn.to_owned()));
    }
    out
}

/// The segments of every transaction set of `bytes` with `id`, each set as its segments'
/// raw bytes: independent of the typed layer.
fn sets(bytes: &[u8], id: &str) -> Vec<Vec<Vec<u8>>> {
    let mut reader = Reader::new(bytes);
    let mut out = Vec::new();
    while let Ok(Some(set)) = reader.next_transaction() {
        if set.id() == id {
            out.push(set.segments().map(|s| s.raw().to_vec()).collect());
        }
    }
    out
}

/// (count, total) of the segments with `id` in `sets`, the total of their element 2 (CLM02,
/// CLP03) where it is a number.
fn count_and_total(
    sets: &[Vec<Vec<u8>>],
    seg: &str,
    element: usize,
    d: Delimiters,
) -> (usize, Decimal) {
    let mut n = 0;
    let mut total = Decimal::ZERO;
    for set in sets {
        for s in set {
            let mut parts = s.split(|&b| b == d.element);
            if parts.next() != Some(seg.as_bytes()) {
                continue;
            }
            n += 1;
            if let Some(v) = parts.nth(element - 1)
                && let Ok(v) = std::str::from_utf8(v)
                    .unwrap_or("")
                    .trim()
                    .parse::<Decimal>()
            {
                total += v;
            }
        }
    }
    (n, total)
}

fn delimiters(bytes: &[u8]) -> Option<Delimiters> {
    let mut reader = Reader::new(bytes);
    let set = reader.next_transaction().ok()??;
    Some(set.envelope().delimiters())
}

#[test]
fn every_5010_claim_and_claim_payment_is_kept_with_its_charge() {
    let Some(dir) = corpus() else {
        medbill_testing::skip_shared("the shared X12 corpus (for the typed corpus conservation)");
        return;
    };
    let files = files_5010(&dir);
    assert!(
        files.len() > 90,
        "the manifest lists {} 5010 files",
        files.len()
    );
    let mut failures = Vec::new();
    let (mut clm, mut clp, mut read, mut unreadable) = (0, 0, 0, 0);
    for (path, txn) in &files {
        let bytes = std::fs::read(path).unwrap();
        let Some(d) = delimiters(&bytes) else {
            failures.push(format!("{}: no transaction set", path.display()));
            continue;
        };
        let file = match typed::read_all(&bytes, ReadMode::Lenient) {
            Ok(f) => f,
            Err(e) => {
                failures.push(format!("{}: {e}", path.display()));
                continue;
            }
        };
        let (mut n, mut total) = (0usize, Decimal::ZERO);
        for t in &file.transactions {
            match t {
                TypedTransaction::Claims(b) => {
                    n += b.claim_count();
                    read += b.claims.len();
                    unreadable += b.unreadable.len();
                    total += b.claims.iter().map(|c| c.total_charge).sum::<Decimal>();
                    total += b
                        .unreadable
                        .iter()
                        .filter_map(|u| u.total_charge)
                        .sum::<Decimal>();
                }
                TypedTransaction::Remittance(r) => {
                    n += r.remittance.claims.len();
                    total += r
                        .remittance
                        .claims
                        .iter()
                        .map(|c| c.charge)
                        .sum::<Decimal>();
                }
                TypedTransaction::Failed { error, .. } => {
                    failures.push(format!("{}: a set failed: {error}", path.display()));
                }
                _ => {}
            }
        }
        let (seg, id) = if txn.starts_with("837") {
            ("CLM", "837")
        } else {
            ("CLP", "835")
        };
        let (expected, expected_total) =
            count_and_total(&sets(&bytes, id), seg, if seg == "CLM" { 2 } else { 3 }, d);
        if seg == "CLM" {
            clm += expected;
        } else {
            clp += expected;
        }
        if n != expected || total != expected_total {
            failures.push(format!(
                "{} ({txn}): {n} claims for {expected} {seg}, total {total} for {expected_total}",
                path.display()
            ));
        }
    }
    eprintln!(
        "typed corpus: {} files, {clm} CLM ({read} read, {unreadable} unreadable), {clp} CLP",
        files.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The envelope a set is written back in: the file's delimiters, the set's own control number
/// (the writer keeps the batch's).
fn envelope(d: Delimiters) -> InterchangeHeader {
    let mut h = InterchangeHeader::new("SENDER", "RECEIVER", 1, "2024-01-02".parse().unwrap());
    h.delimiters = d;
    h
}

/// The first difference between two lists of segments, for a failure message.
fn first_difference(a: &[Vec<u8>], b: &[Vec<u8>]) -> String {
    let show = |s: Option<&Vec<u8>>| {
        s.map_or("(none)".to_owned(), |s| {
            String::from_utf8_lossy(s).into_owned()
        })
    };
    let i = a
        .iter()
        .zip(b)
        .position(|(x, y)| x != y)
        .unwrap_or(a.len().min(b.len()));
    format!(
        "segment {} of {}/{}: {:?} written as {:?}",
        i + 1,
        a.len(),
        b.len(),
        show(a.get(i)),
        show(b.get(i))
    )
}

#[test]
fn every_5010_set_is_written_back_byte_for_byte() {
    let Some(dir) = corpus() else {
        medbill_testing::skip_shared("the shared X12 corpus (for the typed corpus round trips)");
        return;
    };
    let mut failures = Vec::new();
    let mut identical = 0;
    let mut as_read = Vec::new();
    let files = files_5010(&dir);
    for (path, txn) in &files {
        let bytes = std::fs::read(path).unwrap();
        let Some(d) = delimiters(&bytes) else {
            continue;
        };
        let id = &txn[..3];
        let original = sets(&bytes, id);
        let file = typed::read_all(&bytes, ReadMode::Lenient).unwrap();
        let mut written = Vec::new();
        // Written from the model alone (the segments as read set aside): every segment, in
        // the guide's order.
        let mut from_model = Vec::new();
        let mut error = None;
        for t in &file.transactions {
            let out = match t {
                TypedTransaction::Claims(b) => {
                    if b.as_read.is_some() {
                        as_read.push(path.display().to_string());
                        let mut model = b.clone();
                        model.as_read = None;
                        match typed::write_batch(&model, &envelope(d)) {
                            Ok(out) => from_model.extend(sets(&out, id)),
                            Err(e) => error = Some(e.to_string()),
                        }
                    }
                    typed::write_batch(b, &envelope(d))
                }
                TypedTransaction::Remittance(r) => typed::write_remittance_set(r, &envelope(d)),
                _ => continue,
            };
            match out {
                Ok(out) => written.extend(sets(&out, id)),
                Err(e) => error = Some(e.to_string()),
            }
        }
        if let Some(e) = error {
            failures.push(format!("{} ({txn}): write: {e}", path.display()));
            continue;
        }
        let flat = |sets: &[Vec<Vec<u8>>]| -> Vec<Vec<u8>> {
            sets.iter().flat_map(|s| s.iter().cloned()).collect()
        };
        let (a, b) = (flat(&original), flat(&written));
        if !from_model.is_empty() {
            let (mut x, mut y) = (a.clone(), flat(&from_model));
            x.sort();
            y.sort();
            if x != y {
                failures.push(format!(
                    "{} ({txn}): from the model, not the same segments: {}",
                    path.display(),
                    first_difference(&x, &y)
                ));
                continue;
            }
        }
        if a == b {
            identical += 1;
        } else {
            failures.push(format!(
                "{} ({txn}): {}",
                path.display(),
                first_difference(&a, &b)
            ));
        }
    }
    eprintln!(
        "typed corpus: {identical} of {} 5010 files written back byte for byte, {} of them \
         from their segments as read (out of the guide's order):\n  {}",
        files.len(),
        as_read.len(),
        as_read.join("\n  ")
    );
    assert!(
        failures.is_empty(),
        "{} of {} files differ:\n{}",
        failures.len(),
        files.len(),
        failures.join("\n")
    );
}

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            files_under(&p, out);
        } else if p.file_name().is_some_and(|n| n != "MANIFEST.md") {
            out.push(p);
        }
    }
}

#[test]
fn every_corpus_file_reads_and_writes_without_panicking() {
    let Some(dir) = corpus() else {
        medbill_testing::skip_shared("the shared X12 corpus (for the typed corpus sweep)");
        return;
    };
    let mut files = Vec::new();
    files_under(&dir, &mut files);
    let mut sets = 0;
    let env = envelope(Delimiters::default());
    for path in &files {
        let Ok(bytes) = std::fs::read(path) else {
            continue;
        };
        for mode in [ReadMode::Lenient, ReadMode::Strict] {
            let Ok(file) = typed::read_all(&bytes, mode) else {
                continue;
            };
            for t in &file.transactions {
                sets += 1;
                match t {
                    TypedTransaction::Claims(b) => {
                        let _ = typed::write_837(&b.claims, &b.header, &env);
                        let _ = typed::write_batch(b, &env);
                    }
                    TypedTransaction::Remittance(r) => {
                        let _ = typed::write_835(&r.remittance, &env);
                    }
                    _ => {}
                }
            }
        }
    }
    assert!(sets > 0, "no transaction sets in {} files", files.len());
}
