//! Property tests: arbitrary input never panics the loaders or the scrubber.

mod common;

use common::*;
use medbill_claim::DiagnosisPointers;
use medbill_scrub::ncci::{AddOnTable, MueTable, NcciSetting, PtpTable};
use proptest::prelude::*;

fn field() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("11111".to_string()),
        Just("G0001".to_string()),
        Just("*".to_string()),
        Just("20200101".to_string()),
        Just("1".to_string()),
        Just("\"".to_string()),
        Just(String::new()),
        "[ -~]{0,12}",
    ]
}

fn row() -> impl Strategy<Value = String> {
    (prop::collection::vec(field(), 0..9), prop::bool::ANY)
        .prop_map(|(f, tabs)| f.join(if tabs { "\t" } else { "," }))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn loaders_never_panic(rows in prop::collection::vec(row(), 0..12), noise in prop::collection::vec(any::<u8>(), 0..64)) {
        let mut text = rows.join("\n").into_bytes();
        text.extend_from_slice(&noise);
        let _ = PtpTable::from_reader(&text[..], "p", NcciSetting::Practitioner);
        let _ = MueTable::from_reader(&text[..], "m", NcciSetting::Practitioner);
        let _ = AddOnTable::from_reader(&text[..], "a");
    }

    #[test]
    fn scrubbing_never_panics(
        codes in prop::collection::vec(prop::sample::select(vec!["11111", "22222", "33333", "44444", "99213", "G0001", "0591T", "3008F"]), 1..6),
        mods in prop::collection::vec(prop::sample::select(vec!["25", "59", "XU", "26", "TC", "50", "LT", "GA", "GZ", "98", "Q9"]), 0..4),
        dx in prop::collection::vec(prop::sample::select(vec!["E11.9", "E10.9", "S72.001", "S72.001Z", "T07.A", "O80", "N40.0", "P07.30", "W19.XXXA", "G63", "Z00.00", "A00"]), 1..5),
        units in 1u32..20,
        day_offset in -800i64..400,
        submitted_offset in -30i64..900,
        pointer in 0u8..8,
    ) {
        let base = day(DOS);
        let lines = codes.iter().enumerate().map(|(i, c)| {
            let mut l = with_units(with_mods(line(c), &mods[..mods.len().min(i)]), &units.to_string());
            l.service_date = Some(base + chrono::Duration::days(day_offset + i as i64));
            l
        }).collect();
        let mut c = claim(&dx, lines);
        professional_detail_mut(&mut c).lines[0].diagnosis_pointers = DiagnosisPointers::from_slice(&[pointer]);
        let opts = medbill_scrub::ScrubOptions::on(base + chrono::Duration::days(submitted_offset));
        let s = scrubber();
        let findings = s.scrub(&c, &opts);
        for f in &findings {
            prop_assert!(!f.message.is_empty());
            prop_assert!(f.line.is_none_or(|l| (l as usize) <= codes.len()));
            prop_assert!(!f.message.contains(MEMBER_ID) && !f.message.contains(LAST_NAME));
        }
    }
}
