//! A batch's totals: where each of its members stands, counted, and said in one line
//! ("23 of 45 answered, 9 refused under FOIA s.12(1), 4 overdue").

use chrono::NaiveDate;
use serde::Serialize;

use super::exemptions;
use super::history::Timeliness;
use super::response::Outcome;

/// What the totals need to know of one member, as it stands today.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MemberFacts {
    pub sent: bool,
    /// Withdrawn by us, lapsed or closed.
    pub ended: bool,
    pub acknowledged: bool,
    /// The day of its first response, if it has had one.
    pub answered_on: Option<NaiveDate>,
    /// Its response deadline's standing today (`None` for a draft).
    pub timeliness: Option<Timeliness>,
    pub outcome: Option<Outcome>,
    /// The ids of the grounds its responses cited.
    pub grounds: Vec<String>,
    pub figures: i64,
}

/// Where a member stands, in one word a list can sort and filter by.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema, strum::EnumString, strum::Display,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Standing {
    /// Not sent yet.
    Draft,
    /// Sent, not answered, its response not yet due (or its clock stopped).
    Waiting,
    /// Sent, not answered, its response due and past.
    Overdue,
    /// Answered, releasing all or part of what was asked.
    Released,
    /// Answered with a refusal, or neither confirming nor denying.
    Refused,
    /// Answered that the information is not held.
    NotHeld,
    /// Answered otherwise: accessible elsewhere, withdrawn by the authority, or an answer
    /// whose outcome is not recorded yet.
    OtherAnswer,
    /// Withdrawn by us, or lapsed, unanswered.
    Ended,
}

impl Standing {
    pub fn label(self) -> &'static str {
        match self {
            Standing::Draft => "Not sent",
            Standing::Waiting => "Waiting",
            Standing::Overdue => "Overdue",
            Standing::Released => "Released",
            Standing::Refused => "Refused",
            Standing::NotHeld => "Not held",
            Standing::OtherAnswer => "Answered otherwise",
            Standing::Ended => "Withdrawn or lapsed",
        }
    }
}

impl MemberFacts {
    pub fn standing(&self) -> Standing {
        if !self.sent {
            return Standing::Draft;
        }
        if self.answered_on.is_some() {
            return match self.outcome {
                Some(Outcome::Granted | Outcome::PartlyGranted) => Standing::Released,
                Some(Outcome::Refused | Outcome::NeitherConfirmNorDeny) => Standing::Refused,
                Some(Outcome::NotHeld) => Standing::NotHeld,
                _ => Standing::OtherAnswer,
            };
        }
        // Ended unanswered, it is owed nothing more, whether or not it ended after its date.
        if self.ended {
            return Standing::Ended;
        }
        match self.timeliness {
            Some(Timeliness::Late) => Standing::Overdue,
            Some(Timeliness::Withdrawn | Timeliness::Lapsed) => Standing::Ended,
            _ => Standing::Waiting,
        }
    }

    fn answered_in_time(&self) -> Option<bool> {
        self.answered_on?;
        match self.timeliness? {
            Timeliness::InTime | Timeliness::InTimeBeyondNorm => Some(true),
            Timeliness::Late => Some(false),
            _ => None,
        }
    }
}

/// How many of a ground's refusals.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct GroundCount {
    /// As people write it, e.g. "FOIA s.12(1)".
    pub citation: String,
    pub refusals: i64,
}

/// A batch's members, counted.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, utoipa::ToSchema)]
pub struct Totals {
    pub members: i64,
    pub drafts: i64,
    pub sent: i64,
    pub acknowledged: i64,
    pub answered: i64,
    pub answered_in_time: i64,
    pub answered_late: i64,
    /// Sent, unanswered and past their response deadline.
    pub overdue: i64,
    /// Sent, unanswered, not yet due.
    pub waiting: i64,
    pub released: i64,
    pub refused: i64,
    pub not_held: i64,
    /// The grounds the refusals cite, most cited first: a refusal citing two counts under each.
    pub refused_under: Vec<GroundCount>,
    /// Members from whose answers a figure has been entered.
    pub with_figures: i64,
    /// The totals in one line, e.g. "23 of 45 answered, 9 refused under FOIA s.12(1), 4 overdue".
    pub summary: String,
}

pub fn totals(members: &[MemberFacts]) -> Totals {
    let count = |f: &dyn Fn(&MemberFacts) -> bool| members.iter().filter(|m| f(m)).count() as i64;
    let standing = |s: Standing| count(&|m: &MemberFacts| m.standing() == s);
    let mut grounds: Vec<GroundCount> = Vec::new();
    for member in members.iter().filter(|m| m.standing() == Standing::Refused) {
        let mut cited: Vec<String> = member
            .grounds
            .iter()
            .map(|id| exemptions::find(id).map_or_else(|| id.clone(), |e| e.citation.clone()))
            .collect();
        cited.sort();
        cited.dedup();
        for citation in cited {
            match grounds.iter_mut().find(|g| g.citation == citation) {
                Some(g) => g.refusals += 1,
                None => grounds.push(GroundCount {
                    citation,
                    refusals: 1,
                }),
            }
        }
    }
    grounds.sort_by(|a, b| {
        b.refusals
            .cmp(&a.refusals)
            .then_with(|| a.citation.cmp(&b.citation))
    });
    let mut totals = Totals {
        members: members.len() as i64,
        drafts: standing(Standing::Draft),
        sent: count(&|m| m.sent),
        acknowledged: count(&|m| m.acknowledged),
        answered: count(&|m| m.answered_on.is_some()),
        answered_in_time: count(&|m| m.answered_in_time() == Some(true)),
        answered_late: count(&|m| m.answered_in_time() == Some(false)),
        overdue: standing(Standing::Overdue),
        waiting: standing(Standing::Waiting),
        released: standing(Standing::Released),
        refused: standing(Standing::Refused),
        not_held: standing(Standing::NotHeld),
        refused_under: grounds,
        with_figures: count(&|m| m.figures > 0),
        summary: String::new(),
    };
    totals.summary = summary(&totals);
    totals
}

fn summary(t: &Totals) -> String {
    let mut parts = vec![format!("{} of {} answered", t.answered, t.members)];
    if t.refused > 0 {
        match t.refused_under.as_slice() {
            [] => parts.push(format!("{} refused", t.refused)),
            grounds => parts.extend(
                grounds
                    .iter()
                    .map(|g| format!("{} refused under {}", g.refusals, g.citation)),
            ),
        }
    }
    if t.overdue > 0 {
        parts.push(format!("{} overdue", t.overdue));
    }
    if t.drafts > 0 {
        parts.push(format!("{} not sent", t.drafts));
    }
    parts.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answered(outcome: Outcome, timeliness: Timeliness, grounds: &[&str]) -> MemberFacts {
        MemberFacts {
            sent: true,
            answered_on: NaiveDate::from_ymd_opt(2026, 6, 1),
            timeliness: Some(timeliness),
            outcome: Some(outcome),
            grounds: grounds.iter().map(|g| g.to_string()).collect(),
            ..MemberFacts::default()
        }
    }

    fn unanswered(timeliness: Timeliness) -> MemberFacts {
        MemberFacts {
            sent: true,
            timeliness: Some(timeliness),
            ..MemberFacts::default()
        }
    }

    #[test]
    fn a_mix_of_answers_is_counted_and_said_in_one_line() {
        let mut members = vec![
            answered(Outcome::Granted, Timeliness::InTime, &[]),
            answered(Outcome::PartlyGranted, Timeliness::Late, &["foia-s40-2"]),
            answered(Outcome::Refused, Timeliness::InTime, &["foia-s12-1"]),
            answered(
                Outcome::Refused,
                Timeliness::Late,
                &["foia-s12-1", "foia-s31-1-a"],
            ),
            answered(Outcome::NotHeld, Timeliness::InTime, &[]),
            unanswered(Timeliness::Late),
            unanswered(Timeliness::Pending),
            MemberFacts::default(),
        ];
        members[0].figures = 3;
        let t = totals(&members);
        assert_eq!(
            (
                t.members,
                t.drafts,
                t.sent,
                t.answered,
                t.answered_in_time,
                t.answered_late
            ),
            (8, 1, 7, 5, 3, 2)
        );
        assert_eq!(
            (
                t.released,
                t.refused,
                t.not_held,
                t.overdue,
                t.waiting,
                t.with_figures
            ),
            (2, 2, 1, 1, 1, 1)
        );
        assert_eq!(
            t.summary,
            "5 of 8 answered, 2 refused under FOIA s.12(1), 1 refused under FOIA s.31(1)(a), 1 overdue, 1 not sent"
        );
    }

    #[test]
    fn withdrawn_after_its_date_is_ended_not_overdue_and_an_answer_without_outcome_is_answered() {
        let withdrawn = MemberFacts {
            ended: true,
            ..unanswered(Timeliness::Late)
        };
        let no_outcome = MemberFacts {
            outcome: None,
            ..answered(Outcome::Granted, Timeliness::Late, &[])
        };
        assert_eq!(withdrawn.standing(), Standing::Ended);
        assert_eq!(no_outcome.standing(), Standing::OtherAnswer);
        let t = totals(&[withdrawn, no_outcome]);
        assert_eq!((t.answered, t.answered_late, t.overdue), (1, 1, 0));
        assert_eq!(t.summary, "1 of 2 answered");
    }

    #[test]
    fn a_refusal_without_its_grounds_is_still_a_refusal() {
        let t = totals(&[answered(Outcome::NeitherConfirmNorDeny, Timeliness::InTime, &[])]);
        assert_eq!(t.summary, "1 of 1 answered, 1 refused");
    }
}
