//! The engine: configuration, custom rules, batches, JSON findings, HCPCS-backed edits.

mod common;

use std::sync::Arc;

use common::*;
use medbill_claim::ClaimFilingIndicator;
use medbill_scrub::{
    ClaimContext, FnRule, Hit, ReferenceData, Rule, RuleInfo, ScrubConfig, ScrubError, Scrubber,
    Severity, Sink, builtin_ids,
};

fn builder() -> medbill_scrub::ScrubberBuilder {
    Scrubber::builder(ncci_data()).with_builtins()
}

fn late_claim() -> medbill_claim::Claim {
    // Five months old at submission, PTP pair 11111/22222.
    let mut c = claim(&["E11.9"], vec![line("11111"), line("22222")]);
    for l in &mut professional_detail_mut(&mut c).lines {
        l.service_date = Some(day("2025-10-01"));
    }
    c
}

#[test]
fn every_builtin_id_is_registered_once() {
    let s = Scrubber::new(ReferenceData::new());
    let ids: Vec<&str> = s.rules().iter().map(|r| r.id.as_ref()).collect();
    assert_eq!(ids, builtin_ids().collect::<Vec<_>>());
    for required in [
        "ICD10.INVALID",
        "ICD10.NOT_BILLABLE",
        "ICD10.SEVENTH_CHARACTER",
        "ICD10.EXCLUDES1",
        "ICD10.MANIFESTATION_FIRST",
        "ICD10.EXTERNAL_CAUSE_FIRST",
        "ICD10.AGE",
        "ICD10.SEX",
        "PROC.INVALID",
        "MOD.INVALID",
        "MOD.CONFLICT",
        "MOD.DUPLICATE",
        "NCCI.PTP",
        "NCCI.MUE",
        "NCCI.ADD_ON",
        "DX.POINTER",
        "LINE.DUPLICATE",
        "CLAIM.TOTAL",
        "NPI.INVALID",
        "DATE.INVALID",
        "CLAIM.TIMELY_FILING",
    ] {
        assert!(ids.contains(&required), "{required}");
    }
    assert!(s.rules().iter().all(|r| !r.source.is_empty()));
}

#[test]
fn config_disables_regrades_and_sets_filing_limits_per_payer_and_line_of_business() {
    let c = late_claim();
    let opts = medbill_scrub::ScrubOptions::on(day("2026-03-01"));
    // Default: the PTP deny only (151 days is within 365).
    let f = builder().build().unwrap().scrub(&c, &opts);
    assert_eq!(
        f.iter().map(|x| x.edit.as_str()).collect::<Vec<_>>(),
        ["NCCI.PTP"]
    );

    let config = ScrubConfig::from_json(
        r#"{
            "default": { "severity": { "NCCI.PTP": "warn" } },
            "lines_of_business": { "MB": { "timely_filing_days": 365, "disable": ["NCCI"] } },
            "payers": { "87726": { "timely_filing_days": 90 } }
        }"#,
    )
    .unwrap();
    let s = builder().config(config).build().unwrap();
    let f = s.scrub(&c, &opts);
    let got: Vec<_> = f.iter().map(|x| (x.edit.as_str(), x.severity)).collect();
    assert_eq!(
        got,
        [
            ("NCCI.PTP", Severity::Warn),
            ("CLAIM.TIMELY_FILING", Severity::Deny)
        ]
    );
    // Another payer on Medicare Part B: the line-of-business set.
    let mut mb = c.clone();
    mb.payer.id = "MCR01".into();
    mb.filing_indicator = ClaimFilingIndicator::MedicarePartB.into();
    assert!(s.scrub(&mb, &opts).is_empty());
    // Another commercial payer: the default set.
    let mut other = c.clone();
    other.payer.id = "60054".into();
    let f = s.scrub(&other, &opts);
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].severity, Severity::Warn);
    assert_eq!(
        s.grade_for(&other, "NCCI.PTP"),
        Some((true, Severity::Warn))
    );
    assert_eq!(s.grade_for(&mb, "NCCI.PTP"), Some((false, Severity::Warn)));

    // Disable everything, enable one edit back.
    let config =
        ScrubConfig::from_json(r#"{"default": {"disable": ["*"], "enable": ["CLAIM.TOTAL"]}}"#)
            .unwrap();
    let s = builder().config(config).build().unwrap();
    assert!(s.scrub(&c, &opts).is_empty());
}

#[test]
fn config_rejects_unknown_edits_and_fields() {
    let config =
        ScrubConfig::from_json(r#"{"payers": {"X": {"disable": ["NCCI.PTPP"]}}}"#).unwrap();
    match builder().config(config).build() {
        Err(ScrubError::UnknownEdit { pattern, scope }) => {
            assert_eq!(
                (pattern.as_str(), scope.as_str()),
                ("NCCI.PTPP", "payers.X")
            );
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        ScrubConfig::from_json(r#"{"default": {"disabled": ["NCCI"]}}"#),
        Err(ScrubError::Config(_))
    ));
    assert!(matches!(
        ScrubConfig::from_json(r#"{"default": {"severity": {"NCCI": "fatal"}}}"#),
        Err(ScrubError::Config(_))
    ));
}

struct NeedsReferral(RuleInfo);

impl Rule for NeedsReferral {
    fn info(&self) -> &RuleInfo {
        &self.0
    }
    fn check(&self, claim: &ClaimContext<'_>, sink: &mut Sink<'_>) {
        if claim.claim().referral_number.is_none() {
            sink.report(Hit::new("referral required").fix("add REF*9F"));
        }
    }
}

#[test]
fn vendor_rules_run_beside_builtins_and_obey_configuration() {
    let config =
        ScrubConfig::from_json(r#"{"payers": {"87726": {"severity": {"ACME": "reject"}}}}"#)
            .unwrap();
    let s = builder()
        .rule(NeedsReferral(RuleInfo::new(
            "ACME.REFERRAL",
            "ACME",
            Severity::Deny,
            "ACME policy 2026",
        )))
        .rule(FnRule::new(
            RuleInfo::new("ACME.MAX_LINES", "ACME", Severity::Warn, "ACME guide"),
            |claim, sink| {
                if claim.lines().len() > 1 {
                    sink.report(Hit::new("one line only").line(2).codes(["x"]));
                }
            },
        ))
        .config(config)
        .build()
        .unwrap();
    let c = claim(&["E11.9"], vec![line("99213"), line("99214")]);
    let f = s.scrub(&c, &options());
    let got: Vec<_> = f
        .iter()
        .map(|x| (x.edit.as_str(), x.severity, x.line))
        .collect();
    assert_eq!(
        got,
        [
            ("ACME.REFERRAL", Severity::Reject, None),
            ("ACME.MAX_LINES", Severity::Reject, Some(2))
        ]
    );
    assert!(f.iter().all(|x| x.claim == "PCN100"));

    let dup = builder().rule(FnRule::new(
        RuleInfo::new("NCCI.PTP", "NCCI", Severity::Warn, "mine"),
        |_, _| {},
    ));
    assert!(matches!(dup.build(), Err(ScrubError::DuplicateEdit(id)) if id == "NCCI.PTP"));
}

#[test]
fn batch_matches_one_by_one_and_is_shareable() {
    fn shared<T: Send + Sync>() {}
    shared::<Scrubber>();
    shared::<ReferenceData>();
    let s = Arc::new(scrubber());
    let mut claims = Vec::new();
    for i in 0..97 {
        let mut lines = vec![line("99213"), line("11111")];
        if i % 3 == 0 {
            lines.push(line("22222"));
        }
        if i % 5 == 0 {
            lines.push(line("33333"));
        }
        let dx: &[&str] = if i % 7 == 0 {
            &["E11", "I10"]
        } else {
            &["E11.9"]
        };
        let mut c = claim(dx, lines);
        c.patient_control_number = format!("PCN{i}").into();
        claims.push(c);
    }
    let one_by_one: Vec<_> = claims.iter().map(|c| s.scrub(c, &options())).collect();
    assert!(one_by_one.iter().any(|f| !f.is_empty()));
    assert!(one_by_one.iter().any(|f| f.is_empty()));
    for threads in [1, 2, 4, 200] {
        assert_eq!(
            s.scrub_batch_with_threads(&claims, &options(), threads),
            one_by_one
        );
    }
    assert_eq!(s.scrub_batch(&claims, &options()), one_by_one);
    assert!(s.scrub_batch(&[], &options()).is_empty());
}

#[test]
fn findings_serialise_as_the_example_prints_them() {
    let c = professional("PCN123")
        .diagnosis("E11.9".parse().unwrap())
        .line(line("11111"))
        .line(line("22222"))
        .total_charge(d("1.00"))
        .build()
        .unwrap();
    let f = scrub(&c);
    let json: Vec<serde_json::Value> = f.iter().map(|x| serde_json::to_value(x).unwrap()).collect();
    let ptp = json.iter().find(|j| j["edit"] == "NCCI.PTP").unwrap();
    assert_eq!(ptp["claim"], "PCN123");
    assert_eq!(ptp["line"], 2);
    assert_eq!(ptp["severity"], "deny");
    assert_eq!(ptp["codes"], serde_json::json!(["11111", "22222"]));
    assert!(ptp["fix"].is_string());
    let keys: Vec<&str> = ptp
        .as_object()
        .unwrap()
        .keys()
        .map(|k| k.as_str())
        .collect();
    assert_eq!(keys.len(), 7);
    let total = json.iter().find(|j| j["edit"] == "CLAIM.TOTAL").unwrap();
    assert!(total["line"].is_null());
    // Round trip.
    let back: medbill_scrub::Finding = serde_json::from_value(ptp.clone()).unwrap();
    assert!(f.contains(&back));
}

#[test]
fn hcpcs_backed_procedure_and_modifier_edits() {
    let file = [
        hcpcs_record("G0001", '3', "20200101", "        "),
        hcpcs_record("G0002", '3', "20200101", "20251231"),
        hcpcs_record("   GT", '7', "20200101", "        "),
        hcpcs_record("   XU", '7', "20200101", "        "),
    ]
    .join("\n");
    let table = medbill_codes::HcpcsTable::from_reader(file.as_bytes()).unwrap();
    let s = Scrubber::new(ReferenceData::new().with_hcpcs(table));
    let c = claim(
        &["E11.9"],
        vec![
            with_mods(line("G0001"), &["GT"]),
            line("G0002"),
            line("G0003"),
            with_mods(line("99213"), &["XU", "Q9"]),
        ],
    );
    let f = s.scrub(&c, &options());
    let proc_hits: Vec<_> = of(&f, "PROC.INVALID")
        .iter()
        .map(|x| x.line.unwrap())
        .collect();
    assert_eq!(proc_hits, [2, 3], "{f:#?}");
    let mod_hits: Vec<_> = of(&f, "MOD.INVALID")
        .iter()
        .map(|x| (x.line.unwrap(), x.codes[0].clone()))
        .collect();
    assert_eq!(mod_hits, [(4, "Q9".to_string())], "{f:#?}");
    // Without the file, neither edit can judge Level II codes.
    let f = scrubber().scrub(&c, &options());
    assert!(of(&f, "PROC.INVALID").is_empty() && of(&f, "MOD.INVALID").is_empty());
}

/// The shared HCPCS 2020 corpus, when present: its codes are valid on a 2020 date.
#[test]
fn shared_hcpcs_corpus_when_present() {
    let Some(dir) = medbill_testing::shared_path("corpus/hcpcs-2020") else {
        medbill_testing::skip_shared("the shared HCPCS 2020 corpus (corpus/hcpcs-2020)");
        return;
    };
    let Ok(entries) = std::fs::read_dir(&dir) else {
        medbill_testing::skip_shared("a readable corpus/hcpcs-2020");
        return;
    };
    let Some(file) = entries.filter_map(Result::ok).map(|e| e.path()).find(|p| {
        p.to_string_lossy().to_ascii_lowercase().contains("anweb")
            && p.extension().is_some_and(|x| x == "txt")
    }) else {
        medbill_testing::skip_shared("the ANWEB file in corpus/hcpcs-2020");
        return;
    };
    // The real file loads (a failure here is the loader's, not a missing input).
    let table = medbill_codes::HcpcsTable::from_path(&file).unwrap();
    let s = Scrubber::new(ReferenceData::new().with_hcpcs(table));
    let mut c = claim(
        &["E11.9"],
        vec![line("G0439"), with_mods(line("99213"), &["GT"])],
    );
    for l in &mut professional_detail_mut(&mut c).lines {
        l.service_date = Some(day("2020-06-01"));
    }
    let opts = medbill_scrub::ScrubOptions::on(day("2020-06-05"));
    let f = s.scrub(&c, &opts);
    assert!(of(&f, "PROC.INVALID").is_empty(), "{f:#?}");
    assert!(of(&f, "MOD.INVALID").is_empty(), "{f:#?}");
}

/// The JSON claim file the `scrub_claims` example reads (until X12 837 input lands).
#[test]
fn example_claim_file_scrubs_as_documented() {
    let text = std::fs::read_to_string(fixture("claims.json")).unwrap();
    let claims: Vec<medbill_claim::Claim> = serde_json::from_str(&text).unwrap();
    let results = scrubber().scrub_batch(&claims, &options());
    let edits: Vec<Vec<&str>> = results
        .iter()
        .map(|f| {
            let mut e: Vec<&str> = f.iter().map(|x| x.edit.as_str()).collect();
            e.sort_unstable();
            e
        })
        .collect();
    assert_eq!(
        edits,
        [
            vec![],
            vec!["MOD.CONFLICT", "NCCI.MUE", "NCCI.PTP"],
            vec![
                "CLAIM.TOTAL",
                "ICD10.EXTERNAL_CAUSE_FIRST",
                "ICD10.SEVENTH_CHARACTER",
                "ICD10.SEX"
            ],
        ]
    );
    assert_eq!(
        format!("[{:<6}]", medbill_scrub::Severity::Deny),
        "[deny  ]"
    );
}
