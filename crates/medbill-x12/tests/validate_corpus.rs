//! Verdicts on the shared X12 corpus (`../shared/corpus/x12`, or `$MEDBILL_SHARED/corpus/x12`)
//! against the pyx12 verdicts its MANIFEST.md records. Skipped, with a notice, when the corpus is
//! not there.
//!
//! A file's verdict is "accepted" when it has at least one transaction set, every set would be
//! accepted and no interchange envelope has an error. Where we disagree with pyx12 the reason is
//! named below.

use std::path::PathBuf;

use medbill_x12::validate::Validator;

fn corpus() -> Option<PathBuf> {
    let dir =
        medbill_testing::shared_path("corpus/x12").filter(|d| d.join("MANIFEST.md").is_file());
    if dir.is_none() {
        medbill_testing::skip_shared("the shared X12 corpus and its MANIFEST.md");
    }
    dir
}

struct Row {
    path: String,
    version: String,
    label: String,
    pyx12: String,
}

fn manifest(dir: &std::path::Path) -> Vec<Row> {
    let text = std::fs::read_to_string(dir.join("MANIFEST.md")).expect("manifest");
    text.lines()
        .filter(|l| l.starts_with("| ") && !l.starts_with("| folder"))
        .filter_map(|l| {
            let cols: Vec<&str> = l
                .trim()
                .trim_matches('|')
                .split(" | ")
                .map(str::trim)
                .collect();
            (cols.len() >= 7 && cols[1].contains('/')).then(|| Row {
                path: format!("{}/{}", cols[0], cols[1]),
                version: cols[2].split_whitespace().last().unwrap_or("").to_owned(),
                label: cols[5].to_owned(),
                pyx12: cols[6].to_owned(),
            })
        })
        .collect()
}

fn accepted(bytes: &[u8]) -> bool {
    let report = Validator::new().validate(bytes);
    report.transactions().count() > 0
        && report.transactions().all(|t| t.accepted())
        && report.interchanges.iter().all(|i| i.envelope_ok())
}

/// Files where our verdict differs from pyx12's, and why.
fn known_difference(path: &str, version: &str) -> Option<&'static str> {
    if version.contains("X220") {
        return Some("834 (X220A1) is not among the guides this crate embeds: IK5 code 1");
    }
    Some(match path.rsplit('/').next()? {
        "sample1.txt" => "pyx12 rejects trailing element separators; we accept them with a notice",
        "1.edi" if path.contains("HR276") => {
            "narrative text around the EDI: pyx12 cannot read it, we read it with a notice"
        }
        "response-to-functional-group-containing-3-837s.edi" => {
            "pyx12 rejects the byte order mark (we read it with a notice); without it pyx12 reports \
             one error in a 999 our X231A1 guide accepts"
        }
        _ => return None,
    })
}

#[test]
fn verdicts_agree_with_pyx12() {
    let Some(dir) = corpus() else { return };
    let mut compared = 0;
    let mut disagreements = Vec::new();
    for row in manifest(&dir) {
        if row.pyx12.starts_with("no map") {
            continue;
        }
        let Ok(bytes) = std::fs::read(dir.join(&row.path)) else {
            continue;
        };
        let ours = accepted(&bytes);
        // Streaming gives the same verdict.
        let streamed = Validator::new().validate_reader(&bytes[..]).is_ok_and(|r| {
            r.transactions().count() > 0
                && r.transactions().all(|t| t.accepted())
                && r.interchanges.iter().all(|i| i.envelope_ok())
        });
        assert_eq!(ours, streamed, "{}", row.path);
        let theirs = row.pyx12.starts_with("OK");
        compared += 1;
        if ours != theirs && known_difference(&row.path, &row.version).is_none() {
            disagreements.push(format!("{}: ours {ours}, pyx12 {}", row.path, row.pyx12));
        }
        if ours == theirs
            && let Some(why) = known_difference(&row.path, &row.version)
        {
            // A named difference that no longer differs should be removed from the list.
            if !row.version.contains("X220") {
                disagreements.push(format!(
                    "{}: listed as different ({why}) but agrees",
                    row.path
                ));
            }
        }
    }
    assert!(compared > 50, "only {compared} files compared");
    assert!(disagreements.is_empty(), "{disagreements:#?}");
}

/// Files pyx12 has no map for, in guides we embed (270/271, 276/277, 277CA): the source repos
/// label them valid; we accept every transaction set in them, except where named. (Some have
/// real envelope errors, which the TA1 reports: two IEA02s that differ from their ISA13, and a
/// 271 that ends without GE and IEA.)
#[test]
fn files_pyx12_cannot_check_are_accepted() {
    let Some(dir) = corpus() else { return };
    let ours = ["005010X279A1", "005010X212", "005010X214"];
    let mut checked = 0;
    let mut rejected = Vec::new();
    for row in manifest(&dir) {
        if !row.pyx12.starts_with("no map") || !ours.contains(&row.version.as_str()) {
            continue;
        }
        let Ok(bytes) = std::fs::read(dir.join(&row.path)) else {
            continue;
        };
        checked += 1;
        // This one's SE02 (4323) does not match its ST02 (4321): a real error (IK502 code 3).
        if row
            .path
            .ends_with("subscriber-health-benefit-check-error.271")
        {
            assert!(!accepted(&bytes));
            continue;
        }
        let report = Validator::new().validate(&bytes);
        let sets_ok =
            report.transactions().count() > 0 && report.transactions().all(|t| t.accepted());
        if !sets_ok && row.label.starts_with("valid") {
            rejected.push(row.path);
        }
    }
    assert!(checked > 20, "only {checked} files checked");
    assert!(rejected.is_empty(), "{rejected:#?}");
}
