//! NCCI loaders (synthetic fixtures in the CMS layouts) and the NCCI edits.

mod common;

use common::*;
use medbill_claim::{Claim, InstitutionalLine, PersonName, Provider};
use medbill_scrub::ncci::{
    AddOnTable, AddOnType, ModifierIndicator, MueAdjudication, MueTable, NcciSetting, PtpTable,
};
use medbill_scrub::{ReferenceData, ScrubError, Scrubber};

#[test]
fn ptp_loader_reads_the_cms_layout() {
    let t =
        PtpTable::from_path(fixture("ptp_practitioner.txt"), NcciSetting::Practitioner).unwrap();
    assert_eq!(t.len(), 5);
    assert_eq!(t.sources(), ["ptp_practitioner.txt"]);
    let p = |s: &str| s.parse().unwrap();
    let e = t.edit_on(&p("11111"), &p("44444"), day(DOS)).unwrap();
    assert_eq!(e.modifier_indicator, ModifierIndicator::NotAllowed);
    assert!(e.prior_to_1996);
    assert_eq!(e.rationale, "Standards of medical / surgical practice");
    assert_eq!(e.effective, day("1996-01-01"));
    assert_eq!(e.deletion, None);
    // Deleted on 2024-01-01: in effect the day before, not on the day.
    assert!(
        t.edit_on(&p("11111"), &p("55555"), day("2023-12-31"))
            .is_some()
    );
    assert!(
        t.edit_on(&p("11111"), &p("55555"), day("2024-01-01"))
            .is_none()
    );
    // Not yet effective.
    assert!(
        t.edit_on(&p("77777"), &p("G0001"), day("2024-12-31"))
            .is_none()
    );
    assert!(
        t.edit_on(&p("77777"), &p("g0001"), day("2025-01-01"))
            .is_some()
    );
    assert_eq!(t.edits(&p("11111"), &p("55555")).len(), 1);
    assert!(t.heap_bytes() > 0);
}

#[test]
fn ptp_loader_tolerates_older_layout_bom_crlf_and_csv() {
    let t = PtpTable::from_path(fixture("ptp_old_layout.txt"), NcciSetting::Practitioner).unwrap();
    assert_eq!(t.len(), 1);
    let e = &t.edits(&"11111".parse().unwrap(), &"22222".parse().unwrap())[0];
    assert_eq!(e.modifier_indicator, ModifierIndicator::NotAllowed);
    assert!(!e.prior_to_1996);

    let csv = "\"Column 1\",\"Column 2\",\"*\",\"Effective\",\"Deletion\",\"Modifier\",\"Rationale\"\n\
               \"11111\",\"22222\",\"\",\"20200101\",\"*\",\"1\",\"Mutually exclusive, as coded\"\n";
    let t = PtpTable::from_reader(csv.as_bytes(), "ptp.csv", NcciSetting::Practitioner).unwrap();
    let e = &t.edits(&"11111".parse().unwrap(), &"22222".parse().unwrap())[0];
    assert_eq!(e.rationale, "Mutually exclusive, as coded");
}

fn row_error(r: Result<impl std::fmt::Debug, ScrubError>) -> (u64, String) {
    match r {
        Err(ScrubError::Row { line, reason, .. }) => (line, reason),
        other => panic!("expected a row error, got {other:?}"),
    }
}

#[test]
fn loaders_report_malformed_rows_with_line_numbers() {
    let ptp = "preamble\n11111\t22222\t\t20200101\t*\t1\tx\n11111\t33333\t\t20200101\t*\t7\tx\n";
    let (line, reason) = row_error(PtpTable::from_reader(
        ptp.as_bytes(),
        "p",
        NcciSetting::Practitioner,
    ));
    assert_eq!(line, 3);
    assert!(reason.contains("modifier indicator \"7\""), "{reason}");

    let ptp = "11111\t22222\t\t2020-13-01\t*\t1\tx\n";
    let (line, reason) = row_error(PtpTable::from_reader(
        ptp.as_bytes(),
        "p",
        NcciSetting::Practitioner,
    ));
    assert_eq!(line, 1);
    assert!(reason.contains("effective date"), "{reason}");

    let ptp = "11111\t22222\t\t20200101\t*\t1\tx\n\nfootnote after the data\n";
    let (line, _) = row_error(PtpTable::from_reader(
        ptp.as_bytes(),
        "p",
        NcciSetting::Practitioner,
    ));
    assert_eq!(line, 3);

    let mue = "header\n11111,2,\"1 Line Edit\",x\n22222,two,\"1 Line Edit\",x\n";
    let (line, reason) = row_error(MueTable::from_reader(
        mue.as_bytes(),
        "m",
        NcciSetting::Practitioner,
    ));
    assert_eq!(line, 3);
    assert!(reason.contains("MUE value"), "{reason}");

    let mue = "11111,2,\"4 Something\",x\n";
    let (line, _) = row_error(MueTable::from_reader(
        mue.as_bytes(),
        "m",
        NcciSetting::Practitioner,
    ));
    assert_eq!(line, 1);

    let aoc = "Add-on Code\tPrimary Code\tAOC Edit Type\tAOC Edit Effective Date\tAOC Edit Deletion Date\n\
               33333\t11111\t1\t20200101\t*\n33333\t1111\t1\t20200101\t*\n";
    let (line, reason) = row_error(AddOnTable::from_reader(aoc.as_bytes(), "a"));
    assert_eq!(line, 3);
    assert!(reason.contains("primary code"), "{reason}");

    match PtpTable::from_reader(&b"only a preamble\n"[..], "p", NcciSetting::Practitioner) {
        Err(ScrubError::NoRows { file }) => assert_eq!(file, "p"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn mue_and_aoc_loaders() {
    let t =
        MueTable::from_path(fixture("mue_practitioner.csv"), NcciSetting::Practitioner).unwrap();
    assert_eq!(t.len(), 3);
    let e = t.get(&"11111".parse().unwrap()).unwrap();
    assert_eq!((e.value, e.adjudication), (1, MueAdjudication::DatePolicy));
    assert_eq!(e.rationale, "Anatomic Consideration");
    assert!(t.get(&"99213".parse().unwrap()).is_none());

    let a = AddOnTable::from_path(fixture("aoc.txt")).unwrap();
    assert_eq!((a.len(), a.rows()), (3, 4));
    assert_eq!(a.kind(&"34444".parse().unwrap()), Some(AddOnType::Unlisted));
    assert_eq!(
        a.primaries_on(&"33333".parse().unwrap(), day(DOS)),
        ["11111", "12222"]
    );
    assert!(
        a.primaries_on(&"34444".parse().unwrap(), day(DOS))
            .is_empty()
    );

    // Columns in another order, named by the header.
    let other = "AOC Edit Type,Primary Code,Add-On Code,AOC Edit Effective Date,AOC Edit Deletion Date\n\
                 1,11111,33333,20200101,20210101\n";
    let a = AddOnTable::from_reader(other.as_bytes(), "a.csv").unwrap();
    assert_eq!(
        a.primaries_on(&"33333".parse().unwrap(), day("2020-06-01")),
        ["11111"]
    );
    assert!(
        a.primaries_on(&"33333".parse().unwrap(), day("2021-01-01"))
            .is_empty()
    );
}

fn ptp_hits(c: &Claim) -> Vec<(u32, Vec<String>)> {
    of(&scrub(c), "NCCI.PTP")
        .iter()
        .map(|f| (f.line.unwrap(), f.codes.clone()))
        .collect()
}

#[test]
fn ptp_edit_by_modifier_indicator() {
    let pair = |a: &str, b: &str| vec![a.to_string(), b.to_string()];
    // Indicator 1, no modifier: denied on the column 2 line.
    let c = claim(&["E11.9"], vec![line("22222"), line("11111")]);
    assert_eq!(ptp_hits(&c), [(1, pair("11111", "22222"))]);
    let f = scrub(&c);
    let hit = of(&f, "NCCI.PTP")[0];
    assert!(hit.fix.as_deref().unwrap().contains("XE, XS, XP or XU"));
    assert!(hit.message.contains("Mutually exclusive procedures"));
    // An NCCI-associated modifier on either line bypasses it.
    let c = claim(
        &["E11.9"],
        vec![line("11111"), with_mods(line("22222"), &["XU"])],
    );
    assert!(ptp_hits(&c).is_empty());
    let c = claim(
        &["E11.9"],
        vec![with_mods(line("11111"), &["59"]), line("22222")],
    );
    assert!(ptp_hits(&c).is_empty());
    // A modifier that is not NCCI-associated does not.
    let c = claim(
        &["E11.9"],
        vec![line("11111"), with_mods(line("22222"), &["GT"])],
    );
    assert_eq!(ptp_hits(&c).len(), 1);
    // Indicator 0: no modifier bypasses it.
    let c = claim(
        &["E11.9"],
        vec![line("11111"), with_mods(line("44444"), &["XU"])],
    );
    assert_eq!(ptp_hits(&c), [(2, pair("11111", "44444"))]);
    // Indicator 9: not applicable.
    let c = claim(&["E11.9"], vec![line("11111"), line("66666")]);
    assert!(ptp_hits(&c).is_empty());
}

#[test]
fn ptp_edit_needs_same_date_same_provider_and_an_edit_in_effect() {
    // Different dates.
    let mut c = claim(&["E11.9"], vec![line("11111"), line("22222")]);
    professional_detail_mut(&mut c).lines[1].service_date = Some(day("2026-02-26"));
    assert!(ptp_hits(&c).is_empty());
    // Different rendering providers.
    let other = Provider::person(
        PersonName::new("OTHERDOC", "A"),
        "1245319599".parse().unwrap(),
    );
    let c = claim(
        &["E11.9"],
        vec![line("11111"), line("22222").rendering_provider(other)],
    );
    assert!(ptp_hits(&c).is_empty());
    // Deleted edit: applies before the deletion date only.
    let c = claim(&["E11.9"], vec![line("11111"), line("55555")]);
    assert!(ptp_hits(&c).is_empty());
    let mut c = claim(&["E11.9"], vec![line("11111"), line("55555")]);
    for l in &mut professional_detail_mut(&mut c).lines {
        l.service_date = Some(day("2023-06-01"));
    }
    let f =
        Scrubber::new(ncci_data()).scrub(&c, &medbill_scrub::ScrubOptions::on(day("2023-06-05")));
    assert_eq!(of(&f, "NCCI.PTP").len(), 1, "{f:#?}");
}

#[test]
fn ptp_practitioner_table_does_not_edit_institutional_claims() {
    let c = Claim::institutional("PCN-I", "13", day(DOS), day(DOS))
        .billing_provider(billing())
        .subscriber(subscriber(BIRTH, medbill_claim::Sex::Female))
        .payer(
            medbill_claim::Payer::new("87726", "EXAMPLE HEALTH PLAN"),
            medbill_claim::ClaimFilingIndicator::Commercial,
        )
        .principal_diagnosis(medbill_claim::Diagnosis::new(
            "E11.9".parse().unwrap(),
            None,
        ))
        .institutional_line(
            InstitutionalLine::new("0450", d("100"), d("1"))
                .procedure("11111".parse().unwrap(), [])
                .service_date(day(DOS)),
        )
        .institutional_line(
            InstitutionalLine::new("0450", d("100"), d("1"))
                .procedure("22222".parse().unwrap(), [])
                .service_date(day(DOS)),
        )
        .build()
        .unwrap();
    assert!(ptp_hits(&c).is_empty());
    // With an outpatient hospital table, it is edited.
    let hospital = PtpTable::from_path(
        fixture("ptp_practitioner.txt"),
        NcciSetting::OutpatientHospital,
    )
    .unwrap();
    let s = Scrubber::new(ReferenceData::new().with_ptp(hospital));
    let f = s.scrub(&c, &options());
    assert_eq!(of(&f, "NCCI.PTP").len(), 1, "{f:#?}");
    assert_eq!(of(&f, "NCCI.PTP")[0].line, Some(2));
}

#[test]
fn mue_per_line_and_per_date() {
    // 22222: MUE 2, line edit.
    let c = claim(&["E11.9"], vec![with_units(line("22222"), "3")]);
    let f = scrub(&c);
    let hits = of(&f, "NCCI.MUE");
    assert_eq!(hits.len(), 1, "{f:#?}");
    assert!(
        hits[0]
            .fix
            .as_deref()
            .unwrap()
            .contains("split the units across lines")
    );
    // Two lines of 2 each pass a line edit.
    let c = claim(
        &["E11.9"],
        vec![
            with_units(line("22222"), "2"),
            with_mods(with_units(line("22222"), "2"), &["76"]),
        ],
    );
    assert!(of(&scrub(&c), "NCCI.MUE").is_empty());
    // 11111: MUE 1, date of service (policy): two lines of 1 are summed.
    let c = claim(
        &["E11.9"],
        vec![line("11111"), with_mods(line("11111"), &["76"])],
    );
    let f = scrub(&c);
    let hits = of(&f, "NCCI.MUE");
    assert_eq!(hits.len(), 1, "{f:#?}");
    assert_eq!(hits[0].line, Some(1));
    assert!(
        hits[0].message.contains("lines 1, 2"),
        "{}",
        hits[0].message
    );
    assert!(hits[0].fix.as_deref().unwrap().contains("set by policy"));
    // On different dates they are not.
    let mut c = claim(&["E11.9"], vec![line("11111"), line("11111")]);
    professional_detail_mut(&mut c).lines[1].service_date = Some(day("2026-02-26"));
    assert!(of(&scrub(&c), "NCCI.MUE").is_empty());
    // 44444: MUE 3, clinical.
    let c = claim(&["E11.9"], vec![with_units(line("44444"), "4")]);
    let f = scrub(&c);
    assert!(
        of(&f, "NCCI.MUE")[0]
            .fix
            .as_deref()
            .unwrap()
            .contains("appeal")
    );
}

#[test]
fn add_on_without_primary() {
    let hits = |c: &Claim| {
        of(&scrub(c), "NCCI.ADD_ON")
            .iter()
            .map(|f| (f.line.unwrap(), f.codes.clone(), f.fix.clone().unwrap()))
            .collect::<Vec<_>>()
    };
    let c = claim(&["E11.9"], vec![line("99213"), line("33333")]);
    let h = hits(&c);
    assert_eq!(h.len(), 1);
    assert_eq!(h[0].0, 2);
    assert_eq!(h[0].1, ["33333"]);
    assert!(h[0].2.contains("11111, 12222"), "{}", h[0].2);
    assert!(hits(&claim(&["E11.9"], vec![line("12222"), line("33333")])).is_empty());
    // Type 2: CMS lists no primaries; not edited.
    assert!(hits(&claim(&["E11.9"], vec![line("34444")])).is_empty());
    // Type 3: edited, with the caveat.
    let f = scrub(&claim(&["E11.9"], vec![line("35555")]));
    assert!(of(&f, "NCCI.ADD_ON")[0].message.contains("type 3"));
    // A primary on another date does not count.
    let mut c = claim(&["E11.9"], vec![line("11111"), line("33333")]);
    professional_detail_mut(&mut c).lines[0].service_date = Some(day("2026-02-26"));
    assert_eq!(hits(&c).len(), 1);
}

#[test]
fn ncci_edits_are_silent_without_tables() {
    let c = claim(
        &["E11.9"],
        vec![line("11111"), line("22222"), line("33333")],
    );
    let f = Scrubber::new(ReferenceData::new()).scrub(&c, &options());
    assert!(f.iter().all(|x| !x.edit.starts_with("NCCI")), "{f:#?}");
}
