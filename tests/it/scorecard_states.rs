//! The scorecard's state of a quarter as a function of a request's responses, its appeal
//! decisions and the verified figures: one row per state of the module's definitions, and
//! the cases that told a wrong story before (the latest response by entry order, a refusal
//! overturned shown as refused, a part shown as the whole, a year's total for a yearly
//! indicator shown as an aggregate, the quarter in progress counted in coverage).

use chrono::NaiveDate;
use foi_tracker::domain::appeal::AppealOutcome;
use foi_tracker::domain::demand::{DefinitionMatch, Granularity, Quarter};
use foi_tracker::domain::response::Outcome;
use foi_tracker::domain::scorecard::{
    answer, coverage, coverage_in_part, row, Answer, Ask, DecisionFact, FigureSpan, QuarterState,
    ResponseFact,
};

fn date(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

/// The quarter looked at in every row: 2024 Q2, 1 April to 30 June 2024.
const Q: Quarter = Quarter {
    year: 2024,
    number: 2,
};
/// Long after the quarter ended.
const TODAY: &str = "2026-12-03";

fn figure(id: i32, start: &str, end: &str, breakdown: &str, matching: DefinitionMatch) -> FigureSpan {
    FigureSpan {
        figure_id: id,
        indicator_id: "D1.1".into(),
        start: date(start),
        end: date(end),
        breakdown: breakdown.into(),
        definition_match: matching,
    }
}

fn total(id: i32, start: &str, end: &str) -> FigureSpan {
    figure(id, start, end, "", DefinitionMatch::Matches)
}

fn response(event_id: i32, on: &str, outcome: Outcome, grounds: &[&str]) -> ResponseFact {
    ResponseFact {
        on: date(on),
        event_id,
        outcome,
        grounds: grounds.iter().map(|g| g.to_string()).collect(),
    }
}

fn decision(event_id: i32, on: &str, outcome: AppealOutcome) -> DecisionFact {
    DecisionFact {
        on: date(on),
        event_id,
        outcome,
    }
}

/// A request asking for the whole of 2024, with its responses and decisions.
fn ask(responses: &[ResponseFact], decisions: &[DecisionFact]) -> Ask {
    Ask {
        indicator_id: "D1.1".into(),
        start: date("2024-01-01"),
        end: date("2024-12-31"),
        answer: answer(responses, decisions),
        withdrawn_or_lapsed: false,
        overdue: false,
    }
}

struct Case {
    what: &'static str,
    granularity: Granularity,
    figures: Vec<FigureSpan>,
    asks: Vec<Ask>,
    state: QuarterState,
    /// The grounds of a refusal, or what a release in part is missing.
    said: Vec<&'static str>,
}

fn case(what: &'static str, figures: Vec<FigureSpan>, asks: Vec<Ask>, state: QuarterState) -> Case {
    Case {
        what,
        granularity: Granularity::Quarter,
        figures,
        asks,
        state,
        said: Vec::new(),
    }
}

#[test]
fn every_state_of_a_quarter() {
    use AppealOutcome as D;
    use Outcome as O;
    use QuarterState as S;
    let unanswered = || ask(&[], &[]);
    let withdrawn = Ask {
        withdrawn_or_lapsed: true,
        ..unanswered()
    };
    let late = Ask {
        overdue: true,
        ..unanswered()
    };
    let cases = vec![
        case(
            "a quarterly total",
            vec![total(1, "2024-04-01", "2024-06-30")],
            vec![],
            S::Released,
        ),
        case(
            "three monthly totals that together cover the quarter",
            vec![
                total(1, "2024-04-01", "2024-04-30"),
                total(2, "2024-05-01", "2024-05-31"),
                total(3, "2024-06-01", "2024-06-30"),
            ],
            vec![],
            S::Released,
        ),
        Case {
            granularity: Granularity::Year,
            ..case(
                "a year's total, for an indicator asked for by year",
                vec![total(1, "2024-01-01", "2024-12-31")],
                vec![],
                S::Released,
            )
        },
        case(
            "a year's total, for an indicator asked for by quarter",
            vec![total(1, "2024-01-01", "2024-12-31")],
            vec![],
            S::ReleasedInAggregate,
        ),
        case(
            "a total over 21 months",
            vec![total(1, "2023-01-01", "2024-09-30")],
            vec![],
            S::ReleasedInAggregate,
        ),
        Case {
            said: vec!["No figure for 1 May 2024 to 30 Jun 2024"],
            ..case(
                "April alone",
                vec![total(1, "2024-04-01", "2024-04-30")],
                vec![ask(&[response(1, "2024-09-01", O::Granted, &[])], &[])],
                S::ReleasedInPart,
            )
        },
        Case {
            said: vec!["No total: only broken down (sex=female)"],
            ..case(
                "women only",
                vec![figure(
                    1,
                    "2024-04-01",
                    "2024-06-30",
                    "sex=female",
                    DefinitionMatch::Comparable,
                )],
                vec![],
                S::ReleasedInPart,
            )
        },
        case(
            "a figure under another definition is related, never counted",
            vec![figure(
                1,
                "2024-04-01",
                "2024-06-30",
                "",
                DefinitionMatch::Different,
            )],
            vec![],
            S::NeverAsked,
        ),
        case(
            "granted, no figure entered",
            vec![],
            vec![ask(
                &[response(1, "2024-09-01", O::PartlyGranted, &["FOIA s.40(2)"])],
                &[],
            )],
            S::GrantedNotEntered,
        ),
        case(
            "a refusal overturned on review",
            vec![],
            vec![ask(
                &[response(1, "2024-09-01", O::Refused, &["FOIA s.31(1)(e)"])],
                &[decision(2, "2024-10-20", D::Overturned)],
            )],
            S::RefusalOverturned,
        ),
        case(
            "a not-held answer the Commissioner found against",
            vec![],
            vec![ask(
                &[response(1, "2024-09-01", O::NotHeld, &[])],
                &[decision(2, "2025-03-20", D::ComplaintUpheld)],
            )],
            S::RefusalOverturned,
        ),
        Case {
            said: vec!["FOIA s.31(1)(e)"],
            ..case(
                "a refusal upheld on review",
                vec![],
                vec![ask(
                    &[response(1, "2024-09-01", O::Refused, &["FOIA s.31(1)(e)"])],
                    &[decision(2, "2024-10-20", D::Upheld)],
                )],
                S::Refused,
            )
        },
        Case {
            said: vec!["FOIA s.12(1)"],
            ..case(
                "refused again after a review overturned the first refusal",
                vec![],
                vec![ask(
                    &[
                        response(1, "2024-09-01", O::Refused, &["FOIA s.31(1)(e)"]),
                        response(3, "2024-11-20", O::Refused, &["FOIA s.12(1)"]),
                    ],
                    &[decision(2, "2024-10-20", D::Overturned)],
                )],
                S::Refused,
            )
        },
        case(
            "released in August but entered before the June refusal: the latest by date counts",
            vec![],
            vec![ask(
                &[
                    response(1, "2024-08-15", O::Granted, &[]),
                    response(2, "2024-06-10", O::Refused, &["FOIA s.31(1)(e)"]),
                ],
                &[],
            )],
            S::GrantedNotEntered,
        ),
        case(
            "not held",
            vec![],
            vec![ask(&[response(1, "2024-09-01", O::NotHeld, &[])], &[])],
            S::NotHeld,
        ),
        case(
            "said to be published elsewhere",
            vec![],
            vec![ask(
                &[response(1, "2024-09-01", O::InfoAccessibleElsewhere, &[])],
                &[],
            )],
            S::PointedElsewhere,
        ),
        case("asked, the answer overdue", vec![], vec![late], S::Overdue),
        case("asked, within time", vec![], vec![unanswered()], S::Awaiting),
        case(
            "asked, then withdrawn by the coalition",
            vec![],
            vec![withdrawn],
            S::Withdrawn,
        ),
        case("never asked", vec![], vec![], S::NeverAsked),
    ];
    let mut wrong = Vec::new();
    for c in &cases {
        let figures: Vec<&FigureSpan> = c.figures.iter().collect();
        let asks: Vec<&Ask> = c.asks.iter().collect();
        let cell = &row(&[Q], c.granularity, &figures, &asks, date(TODAY))[0];
        let said: Vec<&str> = cell
            .grounds
            .iter()
            .chain(&cell.missing)
            .map(String::as_str)
            .collect();
        if cell.state != c.state || said != c.said {
            wrong.push(format!(
                "{}: {:?} {said:?}, expected {:?} {:?}",
                c.what, cell.state, c.state, c.said
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    // Every state has its row.
    for state in <QuarterState as strum::VariantArray>::VARIANTS {
        assert!(cases.iter().any(|c| c.state == *state), "no case for {state:?}");
    }
}

#[test]
fn the_latest_response_is_the_latest_by_date_and_entry_order_only_breaks_a_tie() {
    let entered_late = answer(
        &[
            response(1, "2024-08-15", Outcome::Granted, &[]),
            response(2, "2024-06-10", Outcome::Refused, &["FOIA s.31(1)(e)"]),
        ],
        &[],
    );
    assert_eq!(
        entered_late,
        Answer {
            outcome: Some(Outcome::Granted),
            grounds: vec![],
            overturned: false
        }
    );
    let same_day = answer(
        &[
            response(1, "2024-08-15", Outcome::Refused, &["FOIA s.12(1)"]),
            response(2, "2024-08-15", Outcome::PartlyGranted, &[]),
        ],
        &[],
    );
    assert_eq!(same_day.outcome, Some(Outcome::PartlyGranted));
    // A decision before the latest response does not overturn it.
    let decided_before = answer(
        &[response(3, "2024-12-01", Outcome::Refused, &["FOIA s.12(1)"])],
        &[decision(2, "2024-10-20", AppealOutcome::Overturned)],
    );
    assert!(!decided_before.overturned);
}

#[test]
fn coverage_counts_only_quarters_that_have_ended_and_parts_apart() {
    let quarters = Quarter::range(
        Quarter {
            year: 2026,
            number: 1,
        },
        Quarter {
            year: 2026,
            number: 4,
        },
    );
    let figures = [
        total(1, "2026-01-01", "2026-03-31"),
        figure(
            2,
            "2026-04-01",
            "2026-06-30",
            "sex=male",
            DefinitionMatch::Matches,
        ),
        // The quarter in progress: released, shown, not counted.
        total(3, "2026-10-01", "2026-12-31"),
    ];
    let figures: Vec<&FigureSpan> = figures.iter().collect();
    let cells = row(&quarters, Granularity::Quarter, &figures, &[], date(TODAY));
    let states: Vec<QuarterState> = cells.iter().map(|c| c.state).collect();
    assert_eq!(
        states,
        [
            QuarterState::Released,
            QuarterState::ReleasedInPart,
            QuarterState::NeverAsked,
            QuarterState::Released
        ]
    );
    // Of the three quarters that have ended, one released and one in part.
    assert_eq!(coverage(&cells), Some(1.0 / 3.0));
    assert_eq!(coverage_in_part(&cells), Some(1.0 / 3.0));
}
