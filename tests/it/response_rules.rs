//! Which outcomes and grounds a recorded response may have, under each law.

use foi_tracker::domain::regime::Regime;
use foi_tracker::domain::response::{check, Outcome};

fn ids(grounds: &[&str]) -> Vec<String> {
    grounds.iter().map(|g| g.to_string()).collect()
}

/// (field, message) of each problem, or the citations of the grounds accepted.
fn run(
    regime: Regime,
    outcome: Outcome,
    grounds: &[&str],
    pit: bool,
) -> Result<Vec<&'static str>, Vec<(&'static str, String)>> {
    check(regime, outcome, &ids(grounds), pit)
        .map(|grounds| grounds.iter().map(|g| g.citation.as_str()).collect())
        .map_err(|problems| problems.into_iter().map(|p| (p.field, p.message)).collect())
}

#[test]
fn a_home_office_refusal_citing_immigration_and_personal_data_with_a_public_interest_test() {
    assert_eq!(
        run(
            Regime::Foia,
            Outcome::Refused,
            &["foia-s31-1-e", "foia-s40-2", "foia-s31-1-e"],
            true
        ),
        Ok(vec!["FOIA s.31(1)(e)", "FOIA s.40(2)"]),
        "each ground once, in the order cited"
    );
}

#[test]
fn a_refusal_must_name_its_grounds_and_they_must_be_the_requests_own_law() {
    assert_eq!(
        run(Regime::Foia, Outcome::Refused, &[], false),
        Err(vec![(
            "grounds",
            "Name the grounds the authority cited for \"Refused\"".to_string()
        )])
    );
    assert_eq!(
        run(Regime::Eir, Outcome::PartlyGranted, &["foia-s43-2"], false),
        Err(vec![(
            "grounds",
            "FOIA s.43(2) is not a ground under EIR".to_string()
        )])
    );
    assert_eq!(
        run(Regime::Foia, Outcome::Refused, &["foia-s99"], false),
        Err(vec![(
            "grounds",
            "\"foia-s99\" is not a ground in the catalogue".to_string()
        )])
    );
}

#[test]
fn neither_confirm_nor_deny_needs_an_ncnd_provision() {
    assert!(run(
        Regime::Foia,
        Outcome::NeitherConfirmNorDeny,
        &["foia-s40-2"],
        false
    )
    .is_err());
    assert_eq!(
        run(
            Regime::Foia,
            Outcome::NeitherConfirmNorDeny,
            &["foia-s40-5b"],
            false
        )
        .map(|g| g.len()),
        Ok(1)
    );
}

#[test]
fn a_full_grant_cites_nothing_and_a_cost_refusal_has_no_public_interest_test() {
    assert_eq!(run(Regime::Foia, Outcome::Granted, &[], false), Ok(vec![]));
    assert!(run(Regime::Foia, Outcome::Granted, &["foia-s40-2"], false).is_err());
    assert_eq!(
        run(Regime::Foia, Outcome::Refused, &["foia-s12-1"], false),
        Ok(vec!["FOIA s.12(1)"])
    );
    assert_eq!(
        run(Regime::Foia, Outcome::Refused, &["foia-s12-1"], true),
        Err(vec![(
            "public_interest_test",
            "A public interest test weighs a qualified exemption: none of the grounds named is qualified"
                .to_string()
        )])
    );
}

#[test]
fn not_held_under_the_eir_cites_its_exception_and_a_subject_access_refusal_need_cite_none() {
    assert_eq!(
        run(Regime::Eir, Outcome::NotHeld, &["eir-r12-4-a"], false),
        Ok(vec!["EIR reg 12(4)(a)"])
    );
    assert_eq!(run(Regime::Foia, Outcome::NotHeld, &[], false), Ok(vec![]));
    assert_eq!(run(Regime::Sar, Outcome::Refused, &[], false), Ok(vec![]));
    assert!(run(Regime::Sar, Outcome::Refused, &["foia-s40-1"], false).is_err());
}

#[test]
fn only_refusals_withhold() {
    let withholding: Vec<Outcome> = <Outcome as strum::VariantArray>::VARIANTS
        .iter()
        .copied()
        .filter(|o| o.withholds())
        .collect();
    assert_eq!(
        withholding,
        [
            Outcome::PartlyGranted,
            Outcome::Refused,
            Outcome::NeitherConfirmNorDeny
        ]
    );
}
