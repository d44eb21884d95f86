//! The road after a response: internal review, the regulator, the tribunal and beyond, each
//! stage with its references and its outcome, in the words of the request's own law.

use super::regime::Regime;
use super::timeline::EventKind;

closed_enum! {
    /// A step on the road to the tribunal.
    pub enum Stage {
        InternalReview,
        Regulator,
        Tribunal,
        Onward,
    }
}

closed_enum! {
    /// How an appeal stage ended. One set of words for every stage, so that a stored outcome
    /// says which stage it belongs to.
    pub enum AppealOutcome {
        // Internal review (FOIA s.45 code; EIR reg 11; FOISA s.21; EI(S)R reg 16).
        Upheld,
        PartlyOverturned,
        Overturned,
        // The regulator's decision on the complaint.
        ComplaintUpheld,
        PartlyUpheld,
        NotUpheld,
        InformallyResolved,
        // The tribunal's (or the Court of Session's) decision on the appeal.
        Allowed,
        PartlyAllowed,
        Dismissed,
        Withdrawn,
    }
}

impl Stage {
    /// The stage an event belongs to, and whether it is the event that decides it.
    pub fn of(kind: EventKind) -> Option<(Stage, bool)> {
        Some(match kind {
            EventKind::InternalReviewRequested => (Stage::InternalReview, false),
            EventKind::InternalReviewResponse => (Stage::InternalReview, true),
            EventKind::RegulatorComplaint => (Stage::Regulator, false),
            EventKind::RegulatorDecision => (Stage::Regulator, true),
            EventKind::TribunalAppeal => (Stage::Tribunal, false),
            EventKind::TribunalDecision => (Stage::Tribunal, true),
            EventKind::OnwardAppeal => (Stage::Onward, false),
            _ => return None,
        })
    }

    /// The stage's name under `regime`'s law.
    pub fn name(self, regime: Regime) -> &'static str {
        match (self, regime) {
            (Stage::InternalReview, Regime::Eir) => "Reconsideration",
            (Stage::InternalReview, Regime::Foisa | Regime::Eisr) => "Review",
            (Stage::InternalReview, _) => "Internal review",
            (Stage::Regulator, Regime::Foisa | Regime::Eisr) => "Scottish Information Commissioner",
            (Stage::Regulator, _) => "Information Commissioner's Office",
            (Stage::Tribunal, Regime::Foisa | Regime::Eisr) => "Court of Session",
            (Stage::Tribunal, _) => "First-tier Tribunal (General Regulatory Chamber)",
            (Stage::Onward, Regime::Foisa | Regime::Eisr) => "Onward appeal",
            (Stage::Onward, _) => "Upper Tribunal",
        }
    }

    /// The outcomes a decision at this stage can have.
    pub fn outcomes(self) -> &'static [AppealOutcome] {
        use AppealOutcome::*;
        match self {
            Stage::InternalReview => &[Upheld, PartlyOverturned, Overturned],
            Stage::Regulator => &[ComplaintUpheld, PartlyUpheld, NotUpheld, InformallyResolved],
            Stage::Tribunal => &[Allowed, PartlyAllowed, Dismissed, Withdrawn],
            Stage::Onward => &[],
        }
    }

    /// What the stage's reference is called, e.g. the ICO's case reference.
    pub fn reference_label(self) -> &'static str {
        match self {
            Stage::InternalReview => "the authority's review reference",
            Stage::Regulator => "the regulator's case reference",
            Stage::Tribunal => "the appeal reference",
            Stage::Onward => "the onward appeal reference",
        }
    }
}

impl AppealOutcome {
    pub fn label(self) -> &'static str {
        match self {
            AppealOutcome::Upheld => "Original decision upheld",
            AppealOutcome::PartlyOverturned => "Partly overturned",
            AppealOutcome::Overturned => "Overturned",
            AppealOutcome::ComplaintUpheld => "Complaint upheld",
            AppealOutcome::PartlyUpheld => "Complaint partly upheld",
            AppealOutcome::NotUpheld => "Complaint not upheld",
            AppealOutcome::InformallyResolved => "Resolved informally",
            AppealOutcome::Allowed => "Appeal allowed",
            AppealOutcome::PartlyAllowed => "Appeal partly allowed",
            AppealOutcome::Dismissed => "Appeal dismissed",
            AppealOutcome::Withdrawn => "Appeal withdrawn",
        }
    }

    /// Whether the decision went, at least in part, against the authority's refusal.
    pub fn overturns(self) -> bool {
        matches!(
            self,
            AppealOutcome::PartlyOverturned
                | AppealOutcome::Overturned
                | AppealOutcome::ComplaintUpheld
                | AppealOutcome::PartlyUpheld
                | AppealOutcome::Allowed
                | AppealOutcome::PartlyAllowed
        )
    }
}

/// An appeal stage's event as recorded: its references and, for a decision, its outcome.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct AppealDetails {
    pub stage: Stage,
    /// The stage's own reference: the authority's, the ICO's case reference (IC-…), the
    /// tribunal's appeal reference (EA/2023/0453).
    pub reference: Option<String>,
    /// For a regulator's decision: the decision notice's reference.
    pub decision_reference: Option<String>,
    pub outcome: Option<AppealOutcome>,
}

/// What is wrong with an appeal stage's details, and in which field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub field: &'static str,
    pub message: String,
}

/// Whether `reference` reads like a First-tier Tribunal (information rights) appeal number:
/// EA/ then the year, a slash and the number, e.g. EA/2023/0453 (a V suffix marks a video hearing).
fn is_tribunal_number(reference: &str) -> bool {
    let parts: Vec<&str> = reference.split('/').collect();
    let [prefix, year, number] = parts.as_slice() else {
        return false;
    };
    let number = number.trim_end_matches(|c: char| c.is_ascii_uppercase());
    prefix.eq_ignore_ascii_case("EA")
        && year.len() == 4
        && year.chars().all(|c| c.is_ascii_digit())
        && (3..=5).contains(&number.len())
        && number.chars().all(|c| c.is_ascii_digit())
}

/// Whether `reference` reads like an ICO case reference: IC- then six digits and four letters
/// or digits (IC-123456-A1B2), or the form used before 2021 (FS50123456, FER0123456).
fn is_ico_reference(reference: &str) -> bool {
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    if let Some(rest) = reference.strip_prefix("IC-") {
        return rest.split_once('-').is_some_and(|(number, code)| {
            digits(number, 6) && code.len() == 4 && code.bytes().all(|b| b.is_ascii_alphanumeric())
        });
    }
    ["FS50", "FER0"]
        .iter()
        .any(|prefix| reference.strip_prefix(prefix).is_some_and(|n| digits(n, 6)))
}

/// What may be a mistake in an appeal stage's event, though the event is accepted (the
/// requester may have good reason, or a reference may be in a form this code does not know):
/// a complaint to the regulator while the internal review asked for on an `earlier` event
/// has had no answer (the ICO normally expects the review's outcome first, unless the
/// review is late), and a case reference at the ICO not in the ICO's form.
pub fn warnings(
    regime: Regime,
    kind: EventKind,
    on: chrono::NaiveDate,
    earlier: &[super::timeline::Event],
    reference: Option<&str>,
) -> Vec<String> {
    let mut warnings = Vec::new();
    if kind != EventKind::RegulatorComplaint {
        return warnings;
    }
    let mut asked = None;
    for e in earlier.iter().filter(|e| e.date <= on) {
        match e.kind {
            EventKind::InternalReviewRequested => asked = Some(e.date),
            EventKind::InternalReviewResponse => asked = None,
            _ => {}
        }
    }
    if let Some(asked) = asked {
        warnings.push(format!(
            "The {} asked for on {} has not been answered: the regulator normally expects its outcome first, unless it is late.",
            Stage::InternalReview.name(regime).to_lowercase(),
            asked.format("%-d %B %Y"),
        ));
    }
    let ico = matches!(regime, Regime::Foia | Regime::Eir | Regime::Sar);
    // The reference itself is not repeated: a subject access request's is personal.
    if reference.is_some_and(|r| ico && !is_ico_reference(r)) {
        warnings.push(
            "The reference is not in the ICO's form (IC-123456-A1B2): check it against the ICO's letter."
                .to_string(),
        );
    }
    warnings
}

/// Checks an appeal stage's details for an event of `kind` under `regime`.
///
/// - only the events of an appeal stage carry references or an appeal outcome;
/// - an outcome belongs to the stage's decision, and must be one that stage can give;
/// - a decision notice reference belongs to the regulator's decision;
/// - a First-tier Tribunal appeal reference reads EA/YYYY/NNNN.
pub fn check(
    regime: Regime,
    kind: EventKind,
    reference: Option<&str>,
    decision_reference: Option<&str>,
    outcome: Option<AppealOutcome>,
) -> Result<Option<AppealDetails>, Vec<Problem>> {
    let mut problems = Vec::new();
    let mut problem = |field, message: String| problems.push(Problem { field, message });
    let Some((stage, decides)) = Stage::of(kind) else {
        if reference.is_some() || decision_reference.is_some() {
            problem(
                "reference",
                format!("A {} has no appeal reference", kind.label().to_lowercase()),
            );
        }
        return if problems.is_empty() {
            Ok(None)
        } else {
            Err(problems)
        };
    };
    if let Some(outcome) = outcome {
        if !decides {
            problem(
                "outcome",
                format!("{} has no outcome yet: record it with the decision", kind.label()),
            );
        } else if !stage.outcomes().contains(&outcome) {
            let allowed: Vec<&str> = stage.outcomes().iter().map(|o| o.label()).collect();
            problem(
                "outcome",
                format!(
                    "{} is not an outcome of the {}: choose one of {}",
                    outcome.label(),
                    stage.name(regime),
                    allowed.join(", ")
                ),
            );
        }
    }
    if decision_reference.is_some() && kind != EventKind::RegulatorDecision {
        problem(
            "decision_reference",
            "Only the regulator's decision has a decision notice reference".to_string(),
        );
    }
    if let Some(reference) = reference {
        let tribunal = stage == Stage::Tribunal && matches!(regime, Regime::Foia | Regime::Eir);
        if tribunal && !is_tribunal_number(reference) {
            problem(
                "reference",
                format!("{reference} is not a First-tier Tribunal appeal number: write it as EA/2023/0453"),
            );
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(Some(AppealDetails {
        stage,
        reference: reference.map(str::to_string),
        decision_reference: decision_reference.map(str::to_string),
        outcome,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tribunal_numbers() {
        assert!(is_tribunal_number("EA/2023/0453"));
        assert!(is_tribunal_number("EA/2019/0095V"));
        assert!(!is_tribunal_number("EA-2023-0453"));
        assert!(!is_tribunal_number("IC-123456-A1B2"));
        assert!(!is_tribunal_number("EA/23/0453"));
    }

    #[test]
    fn ico_references() {
        assert!(is_ico_reference("IC-123456-A1B2"));
        assert!(is_ico_reference("FS50123456"));
        assert!(is_ico_reference("FER0123456"));
        assert!(!is_ico_reference("IC-12345-A1B2"));
        assert!(!is_ico_reference("IC-123456-A1B"));
        assert!(!is_ico_reference("ICO/123"));
        assert!(!is_ico_reference("EA/2023/0453"));
    }
}
