//! The catalogue of exemptions and refusal grounds, checked against the statutes by hand.
//!
//! Every expected list below is written out from the Acts and Regulations (FOIA s.2(3) and
//! Part II, EIR regs 12 and 13, FOISA s.2(2) and Part 2, EI(S)R regs 10 and 11), never derived
//! from the catalogue under test.

use std::collections::{BTreeSet, HashSet};

use foi_tracker::domain::exemptions::{all, find, for_regime, Exemption, ExemptionKind, ExemptionTest};
use foi_tracker::domain::regime::Regime;
use strum::VariantArray;

use ExemptionKind::{Exemption as EX, NeitherConfirmNorDeny as NCND, RefusalGround as GROUND};
use ExemptionTest::{Absolute as ABS, NotApplicable as NA, Qualified as QUAL};
use Regime::{Eir, Eisr, Foia, Foisa, Sar};

fn ids(entries: impl Iterator<Item = &'static Exemption>) -> BTreeSet<&'static str> {
    entries.map(|e| e.id.as_str()).collect()
}

fn set(ids: &[&'static str]) -> BTreeSet<&'static str> {
    ids.iter().copied().collect()
}

/// The section number of a citation: "FOIA s.22A(1)" -> "22A", "FOISA s.26" -> "26".
fn section(citation: &str) -> &str {
    let rest = citation.split_once("s.").expect("a section citation").1;
    rest.split('(').next().unwrap()
}

#[test]
fn ids_and_citations_are_unique() {
    let mut seen_ids = HashSet::new();
    let mut seen_citations = HashSet::new();
    for e in all() {
        assert!(seen_ids.insert(e.id.as_str()), "duplicate id {}", e.id);
        assert!(
            seen_citations.insert(e.citation.as_str()),
            "duplicate citation {}",
            e.citation
        );
    }
}

#[test]
fn every_id_is_its_citation_in_lower_case() {
    for e in all() {
        let rest = e
            .citation
            .strip_prefix(e.regime.short_name())
            .and_then(|r| r.strip_prefix(' '))
            .unwrap_or_else(|| panic!("{} does not start with its regime's short name", e.citation));
        let prefix = match e.regime {
            Foia => "foia",
            Eir => "eir",
            Foisa => "foisa",
            Eisr => "eisr",
            Sar => panic!("no SAR entries expected"),
        };
        let body = rest
            .replacen("s.", "s", 1)
            .replacen("reg ", "r", 1)
            .replace('(', "-")
            .replace(')', "")
            .to_lowercase();
        assert_eq!(e.id, format!("{prefix}-{body}"), "{}", e.citation);
        assert!(
            e.title.starts_with(char::is_uppercase) && (!e.title.ends_with('.') || e.title.ends_with("etc.")),
            "{}: title {:?}",
            e.id,
            e.title
        );
    }
}

#[test]
fn citations_are_written_as_people_write_them() {
    let table = [
        ("foia-s12-1", "FOIA s.12(1)"),
        ("foia-s14-1", "FOIA s.14(1)"),
        ("foia-s22a-1", "FOIA s.22A(1)"),
        ("foia-s36-2-b-i", "FOIA s.36(2)(b)(i)"),
        ("foia-s37-1-aa", "FOIA s.37(1)(aa)"),
        ("foia-s40-2", "FOIA s.40(2)"),
        ("foia-s40-5a", "FOIA s.40(5A)"),
        ("eir-r12-4-b", "EIR reg 12(4)(b)"),
        ("eir-r12-5-a", "EIR reg 12(5)(a)"),
        ("eir-r13-1", "EIR reg 13(1)"),
        ("foisa-s26", "FOISA s.26"),
        ("foisa-s30-b-ii", "FOISA s.30(b)(ii)"),
        ("foisa-s38-1-b", "FOISA s.38(1)(b)"),
        ("eisr-r10-4-a", "EI(S)R reg 10(4)(a)"),
        ("eisr-r10-8", "EI(S)R reg 10(8)"),
        ("eisr-r11-2", "EI(S)R reg 11(2)"),
    ];
    for (id, citation) in table {
        assert_eq!(find(id).map(|e| e.citation.as_str()), Some(citation), "{id}");
    }
}

#[test]
fn find_returns_the_entry_by_id() {
    // (id, regime, title, kind, test)
    let table = [
        (
            "foia-s12-1",
            Foia,
            "Cost of compliance exceeds the appropriate limit",
            GROUND,
            NA,
        ),
        ("foia-s14-1", Foia, "Vexatious request", GROUND, NA),
        ("foia-s14-2", Foia, "Repeated request", GROUND, NA),
        (
            "foia-s21-1",
            Foia,
            "Information accessible to the applicant by other means",
            EX,
            ABS,
        ),
        (
            "foia-s23-5",
            Foia,
            "Information supplied by, or relating to, bodies dealing with security matters",
            NCND,
            ABS,
        ),
        ("foia-s24-2", Foia, "National security", NCND, QUAL),
        (
            "foia-s31-1-e",
            Foia,
            "Law enforcement: operation of the immigration controls",
            EX,
            QUAL,
        ),
        (
            "foia-s35-1-a",
            Foia,
            "Formulation or development of government policy",
            EX,
            QUAL,
        ),
        (
            "foia-s40-1",
            Foia,
            "Personal information: the applicant's own",
            EX,
            ABS,
        ),
        ("foia-s40-2", Foia, "Personal information: third parties", EX, ABS),
        ("foia-s43-1", Foia, "Trade secrets", EX, QUAL),
        ("foia-s43-2", Foia, "Commercial interests", EX, QUAL),
        ("foia-s44-2", Foia, "Prohibitions on disclosure", NCND, ABS),
        ("eir-r12-4-a", Eir, "Information not held", EX, QUAL),
        (
            "eir-r12-5-a",
            Eir,
            "International relations, defence, national security or public safety",
            EX,
            QUAL,
        ),
        (
            "eir-r12-6",
            Eir,
            "International relations, defence, national security or public safety",
            NCND,
            QUAL,
        ),
        ("eir-r13-1", Eir, "Personal data: third parties", EX, ABS),
        ("foisa-s12-1", Foisa, "Excessive cost of compliance", GROUND, NA),
        ("foisa-s18-1", Foisa, "Neither confirm nor deny", NCND, QUAL),
        (
            "foisa-s36-2",
            Foisa,
            "Information provided in confidence",
            EX,
            ABS,
        ),
        (
            "foisa-s38-1-b",
            Foisa,
            "Personal information: third parties",
            EX,
            ABS,
        ),
        ("eisr-r10-4-a", Eisr, "Information not held", EX, QUAL),
        (
            "eisr-r10-8",
            Eisr,
            "International relations, defence, national security or public safety",
            NCND,
            QUAL,
        ),
    ];
    for (id, regime, title, kind, test) in table {
        let e = find(id).unwrap_or_else(|| panic!("{id} missing"));
        assert_eq!(
            (e.id.as_str(), e.regime, e.title.as_str(), e.kind, e.test),
            (id, regime, title, kind, test),
            "{id}"
        );
        assert_eq!(e.is_absolute(), test == ABS, "{id}");
        assert_eq!(e.is_qualified(), test == QUAL, "{id}");
    }
    // The returned reference is the catalogue's own entry, not a copy.
    assert!(std::ptr::eq(
        find("foia-s40-2").unwrap(),
        all().iter().find(|e| e.id == "foia-s40-2").unwrap()
    ));
}

#[test]
fn find_rejects_unknown_and_near_miss_ids() {
    for id in [
        "",
        "foia-s40",
        "FOIA-S40-2",
        "foia-s25-1",
        "foia-s40-2 ",
        "eir-r12-4-f",
        "sar-art15",
    ] {
        assert!(find(id).is_none(), "{id:?}");
    }
}

#[test]
fn every_foia_part_ii_section_is_present() {
    // s.25 holds the certificates for ss.23 and 24, not an exemption.
    let expected = [
        "21", "22", "22A", "23", "24", "26", "27", "28", "29", "30", "31", "32", "33", "34", "35", "36",
        "37", "38", "39", "40", "41", "42", "43", "44",
    ];
    let found: BTreeSet<&str> = for_regime(Foia)
        .filter(|e| e.kind == EX)
        .map(|e| section(&e.citation))
        .collect();
    assert_eq!(found, expected.iter().copied().collect());
}

#[test]
fn foia_refusal_grounds_are_sections_12_and_14() {
    let grounds = ids(for_regime(Foia).filter(|e| e.kind == GROUND));
    assert_eq!(
        grounds,
        set(&["foia-s12-1", "foia-s12-2", "foia-s14-1", "foia-s14-2"])
    );
    assert!(for_regime(Foia)
        .filter(|e| e.kind == GROUND)
        .all(|e| e.test == NA));
}

#[test]
fn foia_absolute_set_is_section_2_3() {
    let absolute = ids(for_regime(Foia).filter(|e| e.is_absolute()));
    assert_eq!(
        absolute,
        set(&[
            "foia-s21-1",
            "foia-s23-1",
            "foia-s23-5",
            "foia-s32-1",
            "foia-s32-2",
            "foia-s32-3",
            "foia-s34-1",
            "foia-s34-2",
            // s.2(3) as amended in 2010: the Sovereign, the heir and second in line.
            "foia-s37-1-a",
            "foia-s37-1-aa",
            "foia-s37-1-ab",
            "foia-s40-1",
            "foia-s40-2",
            "foia-s40-5a",
            "foia-s40-5b",
            "foia-s41-1",
            "foia-s41-2",
            "foia-s44-1",
            "foia-s44-2",
        ])
    );
    // Absolute in part: each says when in its note.
    for id in ["foia-s40-2", "foia-s40-5b"] {
        assert!(
            find(id)
                .unwrap()
                .note
                .as_deref()
                .is_some_and(|n| n.contains("first condition") || n.contains("principles")),
            "{id}"
        );
    }
    // s.36 is absolute only for the two Houses: qualified here, with the exception noted.
    for e in for_regime(Foia).filter(|e| section(&e.citation) == "36") {
        assert_eq!(e.test, QUAL, "{}", e.id);
        assert!(
            e.note
                .as_deref()
                .is_some_and(|n| n.contains("House of Commons or the House of Lords")),
            "{}",
            e.id
        );
    }
    assert!(find("foia-s37-2")
        .unwrap()
        .note
        .as_deref()
        .is_some_and(|n| n.contains("s.37(1)(a) to (ab)")));
}

#[test]
fn foia_ncnd_provisions() {
    let expected = [
        ("foia-s22-2", QUAL),
        ("foia-s22a-2", QUAL),
        ("foia-s23-5", ABS),
        ("foia-s24-2", QUAL),
        ("foia-s26-3", QUAL),
        ("foia-s27-4", QUAL),
        ("foia-s28-3", QUAL),
        ("foia-s29-2", QUAL),
        ("foia-s30-3", QUAL),
        ("foia-s31-3", QUAL),
        ("foia-s32-3", ABS),
        ("foia-s33-3", QUAL),
        ("foia-s34-2", ABS),
        ("foia-s35-3", QUAL),
        ("foia-s36-3", QUAL),
        ("foia-s37-2", QUAL),
        ("foia-s38-2", QUAL),
        ("foia-s39-2", QUAL),
        ("foia-s40-5a", ABS),
        ("foia-s40-5b", ABS),
        ("foia-s41-2", ABS),
        ("foia-s42-2", QUAL),
        ("foia-s43-3", QUAL),
        ("foia-s44-2", ABS),
    ];
    let found: Vec<(&str, ExemptionTest)> = for_regime(Foia)
        .filter(|e| e.kind == NCND)
        .map(|e| (e.id.as_str(), e.test))
        .collect();
    assert_eq!(found, expected);
    // s.21 alone has none.
    assert!(!for_regime(Foia).any(|e| e.kind == NCND && section(&e.citation) == "21"));
}

#[test]
fn every_eir_exception_is_present_and_qualified_except_personal_data() {
    let qualified = [
        "eir-r12-4-a",
        "eir-r12-4-b",
        "eir-r12-4-c",
        "eir-r12-4-d",
        "eir-r12-4-e",
        "eir-r12-5-a",
        "eir-r12-5-b",
        "eir-r12-5-c",
        "eir-r12-5-d",
        "eir-r12-5-e",
        "eir-r12-5-f",
        "eir-r12-5-g",
    ];
    for id in qualified {
        let e = find(id).unwrap_or_else(|| panic!("{id} missing"));
        assert_eq!((e.regime, e.kind, e.test), (Eir, EX, QUAL), "{id}");
    }
    let e = find("eir-r13-1").unwrap();
    assert_eq!((e.regime, e.kind, e.test), (Eir, EX, ABS));
    assert!(e.note.as_deref().is_some_and(|n| n.contains("first condition")));
    assert_eq!(find("eir-r12-6").map(|e| (e.kind, e.test)), Some((NCND, QUAL)));

    // Nothing else is absolute, and the EIR has no refusal grounds of its own.
    let absolute = ids(for_regime(Eir).filter(|e| e.is_absolute()));
    assert_eq!(absolute, set(&["eir-r5-3", "eir-r13-1", "eir-r13-5a"]));
    assert!(!for_regime(Eir).any(|e| e.kind == GROUND));
    // reg 12(9): no reliance on 12(5)(d) to (g) for emissions.
    for id in ["eir-r12-5-d", "eir-r12-5-e", "eir-r12-5-f", "eir-r12-5-g"] {
        assert!(
            find(id)
                .unwrap()
                .note
                .as_deref()
                .is_some_and(|n| n.contains("emissions")),
            "{id}"
        );
    }
}

#[test]
fn every_foisa_part_2_section_is_present() {
    let expected = [
        "25", "26", "27", "28", "29", "30", "31", "32", "33", "34", "35", "36", "37", "38", "39", "40", "41",
    ];
    let found: BTreeSet<&str> = for_regime(Foisa)
        .filter(|e| e.kind == EX)
        .map(|e| section(&e.citation))
        .collect();
    assert_eq!(found, expected.iter().copied().collect());
    let grounds = ids(for_regime(Foisa).filter(|e| e.kind == GROUND));
    assert_eq!(grounds, set(&["foisa-s12-1", "foisa-s14-1", "foisa-s14-2"]));
    // s.18 is FOISA's only NCND provision.
    assert_eq!(
        ids(for_regime(Foisa).filter(|e| e.kind == NCND)),
        set(&["foisa-s18-1"])
    );
}

#[test]
fn foisa_absolute_set_is_section_2_2() {
    let absolute = ids(for_regime(Foisa).filter(|e| e.is_absolute()));
    assert_eq!(
        absolute,
        set(&[
            "foisa-s25-1",
            "foisa-s26",
            "foisa-s36-2",
            "foisa-s37",
            "foisa-s38-1-a",
            "foisa-s38-1-b",
            "foisa-s38-1-c",
            "foisa-s38-1-d",
        ])
    );
    assert!(find("foisa-s38-1-b")
        .unwrap()
        .note
        .as_deref()
        .is_some_and(|n| n.contains("first condition")));
    assert_eq!(find("foisa-s36-1").unwrap().test, QUAL);
    assert_eq!(find("foisa-s41-a").unwrap().test, QUAL);
}

#[test]
fn every_eisr_exception_is_present() {
    let qualified = [
        "eisr-r10-4-a",
        "eisr-r10-4-b",
        "eisr-r10-4-c",
        "eisr-r10-4-d",
        "eisr-r10-4-e",
        "eisr-r10-5-a",
        "eisr-r10-5-b",
        "eisr-r10-5-c",
        "eisr-r10-5-d",
        "eisr-r10-5-e",
        "eisr-r10-5-f",
        "eisr-r10-5-g",
    ];
    for id in qualified {
        let e = find(id).unwrap_or_else(|| panic!("{id} missing"));
        assert_eq!((e.regime, e.kind, e.test), (Eisr, EX, QUAL), "{id}");
    }
    assert_eq!(
        ids(for_regime(Eisr).filter(|e| e.is_absolute())),
        set(&["eisr-r11-1", "eisr-r11-2"])
    );
    assert_eq!(
        ids(for_regime(Eisr).filter(|e| e.kind == NCND)),
        set(&["eisr-r10-8"])
    );
    assert!(!for_regime(Eisr).any(|e| e.kind == GROUND));
}

#[test]
fn the_scottish_exceptions_mirror_the_english_ones() {
    let pairs = [
        ("4", ["a", "b", "c", "d", "e"].as_slice()),
        ("5", ["a", "b", "c", "d", "e", "f", "g"].as_slice()),
    ];
    for (paragraph, letters) in pairs {
        for letter in letters {
            let eir = find(&format!("eir-r12-{paragraph}-{letter}")).unwrap();
            let eisr = find(&format!("eisr-r10-{paragraph}-{letter}")).unwrap();
            assert_eq!((&eir.title, eir.test), (&eisr.title, eisr.test), "{}", eir.id);
        }
    }
}

#[test]
fn for_regime_filters_and_partitions_the_catalogue() {
    let mut total = 0;
    for &regime in Regime::VARIANTS {
        let entries: Vec<&Exemption> = for_regime(regime).collect();
        assert!(entries.iter().all(|e| e.regime == regime), "{regime}");
        total += entries.len();
    }
    assert_eq!(total, all().len());
    assert_eq!(
        for_regime(Sar).count(),
        0,
        "SAR exemptions (DPA 2018 Schs 2-4) are not catalogued"
    );
    // The same words in two regimes are two entries: a FOIA response cannot cite the FOISA one.
    assert!(for_regime(Foia).all(|e| e.id.starts_with("foia-")));
    assert!(for_regime(Foisa).all(|e| e.id.starts_with("foisa-")));
    assert!(!ids(for_regime(Eir)).contains("eisr-r10-4-a"));
    assert!(ids(for_regime(Eisr)).contains("eisr-r10-4-a"));
}

#[test]
fn refusal_grounds_carry_no_public_interest_test() {
    for e in all() {
        assert_eq!(e.kind == GROUND, e.test == NA, "{}", e.id);
    }
}

#[test]
fn serialises_for_pages_and_the_api() {
    let json = serde_json::to_value(find("eir-r12-5-a").unwrap()).unwrap();
    assert_eq!(
        json,
        serde_json::json!({
            "id": "eir-r12-5-a",
            "regime": "eir",
            "citation": "EIR reg 12(5)(a)",
            "title": "International relations, defence, national security or public safety",
            "kind": "exemption",
            "test": "qualified",
            "note": null,
        })
    );
    let json = serde_json::to_value(find("foia-s14-2").unwrap()).unwrap();
    assert_eq!(json["kind"], "refusal_ground");
    assert_eq!(json["test"], "not_applicable");
    let json = serde_json::to_value(find("foia-s40-5a").unwrap()).unwrap();
    assert_eq!(json["kind"], "neither_confirm_nor_deny");
    assert_eq!(json["test"], "absolute");
    assert_eq!(
        serde_json::to_value(all()).unwrap().as_array().unwrap().len(),
        all().len()
    );
}
