//! What an authority's response says: its outcome and the grounds it cites, checked against
//! the catalogue of the law the request was made under.

use chrono::NaiveDate;
use serde::Serialize;

use super::exemptions::{self, Exemption, ExemptionKind};
use super::regime::Regime;

closed_enum! {
    /// How a response answered the request.
    pub enum Outcome {
        Granted,
        PartlyGranted,
        Refused,
        NotHeld,
        NeitherConfirmNorDeny,
        /// Refused because the information is already available (FOIA s.21, FOISA s.25,
        /// EIR reg 6(1)(b)).
        InfoAccessibleElsewhere,
        /// The authority withdrew or cancelled the request itself.
        WithdrawnByAuthority,
    }
}

impl Outcome {
    pub fn label(self) -> &'static str {
        match self {
            Outcome::Granted => "Granted in full",
            Outcome::PartlyGranted => "Partly granted",
            Outcome::Refused => "Refused",
            Outcome::NotHeld => "Information not held",
            Outcome::NeitherConfirmNorDeny => "Neither confirmed nor denied",
            Outcome::InfoAccessibleElsewhere => "Accessible elsewhere",
            Outcome::WithdrawnByAuthority => "Withdrawn by the authority",
        }
    }

    /// Whether the response withholds something, so that what it cites matters and a review
    /// may overturn it.
    pub fn withholds(self) -> bool {
        matches!(
            self,
            Outcome::PartlyGranted | Outcome::Refused | Outcome::NeitherConfirmNorDeny
        )
    }
}

/// What is wrong with a response as given, and in which field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    pub field: &'static str,
    pub message: String,
}

impl Problem {
    fn new(field: &'static str, message: impl Into<String>) -> Problem {
        Problem {
            field,
            message: message.into(),
        }
    }
}

/// A response as recorded, its grounds resolved in the catalogue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ResponseDetails {
    pub outcome: Outcome,
    pub grounds: Vec<&'static Exemption>,
    /// Whether the authority says it weighed the public interest.
    pub public_interest_test: bool,
    /// A date the authority promised: a publication under s.22, or a later answer.
    pub promised_on: Option<NaiveDate>,
    pub summary: String,
}

/// Checks a response's outcome and cited grounds (catalogue ids) for a request under
/// `regime`, and resolves them; every problem is named with its field.
///
/// - each ground must be in the catalogue, under the request's own law;
/// - a refusal or partial grant cites at least one ground, a "neither confirm nor deny" at
///   least one NCND provision, and a full grant none; a subject access request's exemptions
///   (DPA 2018 Schedules 2 to 4) are not catalogued, so it may cite none;
/// - a public interest test needs a qualified ground to weigh.
pub fn check(
    regime: Regime,
    outcome: Outcome,
    ground_ids: &[String],
    public_interest_test: bool,
) -> Result<Vec<&'static Exemption>, Vec<Problem>> {
    let mut problems = Vec::new();
    let mut grounds: Vec<&'static Exemption> = Vec::new();
    for id in ground_ids {
        match exemptions::find(id.trim()) {
            None => problems.push(Problem::new(
                "grounds",
                format!("\"{id}\" is not a ground in the catalogue"),
            )),
            Some(ground) if ground.regime != regime => problems.push(Problem::new(
                "grounds",
                format!(
                    "{} is not a ground under {}",
                    ground.citation,
                    regime.short_name()
                ),
            )),
            Some(ground) if !grounds.contains(&ground) => grounds.push(ground),
            Some(_) => {}
        }
    }
    let catalogued = regime != Regime::Sar;
    match outcome {
        Outcome::Refused | Outcome::PartlyGranted
            if catalogued && grounds.is_empty() && problems.is_empty() =>
        {
            problems.push(Problem::new(
                "grounds",
                format!("Name the grounds the authority cited for \"{}\"", outcome.label()),
            ));
        }
        Outcome::NeitherConfirmNorDeny
            if catalogued
                && !grounds
                    .iter()
                    .any(|g| g.kind == ExemptionKind::NeitherConfirmNorDeny) =>
        {
            problems.push(Problem::new(
                "grounds",
                "Name the neither-confirm-nor-deny provision the authority relied on",
            ));
        }
        Outcome::Granted if !grounds.is_empty() => {
            problems.push(Problem::new(
                "grounds",
                "A response granted in full cites no grounds: record it as partly granted",
            ));
        }
        _ => {}
    }
    if public_interest_test && problems.is_empty() && catalogued && !grounds.iter().any(|g| g.is_qualified())
    {
        problems.push(Problem::new(
            "public_interest_test",
            "A public interest test weighs a qualified exemption: none of the grounds named is qualified",
        ));
    }
    if problems.is_empty() {
        Ok(grounds)
    } else {
        Err(problems)
    }
}
