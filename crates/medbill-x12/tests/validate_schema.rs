//! The embedded guides and the schema text formats.

use medbill_x12::schema;

#[test]
fn every_embedded_guide_parses() {
    let guides = schema::guides();
    assert_eq!(guides.len(), 9);
    for (transaction, version) in [
        ("837", "005010X222A1"),
        ("837", "005010X223A2"),
        ("835", "005010X221A1"),
        ("999", "005010X231A1"),
        ("277", "005010X214"),
        ("270", "005010X279A1"),
        ("271", "005010X279A1"),
        ("276", "005010X212"),
        ("277", "005010X212"),
    ] {
        let g = schema::guide(transaction, version).expect(version);
        assert_eq!(g.transaction(), transaction);
        // Every loop is opened by a segment, and every HL loop lists its level code.
        for l in &g.loops()[1..] {
            let trigger = g.trigger(l).expect("loop starts with a segment");
            if trigger.id.as_str() == "HL" {
                let hl03 = &g.elements_of(trigger)[2];
                assert!(
                    !hl03.codes.is_empty(),
                    "{version} {} has no HL03 code",
                    l.id
                );
            }
        }
    }
}

#[test]
fn code_sets_match_exactly() {
    let dictionary =
        schema::Dictionary::parse("seg ST ID/3/3 AN/4/9\nseg ZZ AN/1/20 AN/1/20\n").unwrap();
    let text = "guide V 999 test\nST R 1 01 02\nZZ R 1 01=A,AB,ABCDEFG 02=A,ABCDEFGH\n";
    let guide = schema::Guide::parse(text, &dictionary).unwrap();
    let zz = &guide.segment_rules()[1];
    let short = &guide.elements_of(zz)[0].codes;
    let long = &guide.elements_of(zz)[1].codes;
    for set in [short, long] {
        assert!(set.contains(b"A"));
        for no in [&b""[..], b"B", b"A\0", b"\0A", b"AA", b"ABCDEFGHI", b"a"] {
            assert!(!set.contains(no), "{no:?}");
        }
    }
    assert!(short.contains(b"AB") && short.contains(b"ABCDEFG") && !short.contains(b"ABCDEF"));
    assert!(long.contains(b"ABCDEFGH") && !long.contains(b"ABCDEFG"));
    assert_eq!(short.iter().collect::<Vec<_>>(), ["A", "AB", "ABCDEFG"]);
}
