//! The transparency scorecard: for each indicator and each quarter, whether the figure is
//! out. A pure function of the indicators, the verified figures and the requests that asked.
//!
//! Definitions, as the public pages state them. Only verified figures whose definition
//! matches the indicator's or is comparable count; figures under another definition are
//! related, never counted. A *total* is a figure not broken down (not by sex, say). The
//! *indicator's period* is the quarter, or for an indicator asked for by year, the calendar
//! year that holds the quarter.
//!
//! A quarter's state, the first that holds:
//! 1. *released*: totals for periods within the indicator's period cover the whole quarter
//!    (a quarterly total, three monthly totals, or for a yearly indicator the year's total);
//! 2. *released in aggregate*: only a total for a longer period covers the quarter (21
//!    months, say): the quarter's own number cannot be read from it;
//! 3. *released in part*: a counted figure touches the quarter but no total covers it: a
//!    month of the three, or a breakdown without its total; the cell says what is missing;
//! 4. *granted, figure not entered*: a request asking for it was granted in full or in part
//!    by its latest response, and no figure has been entered and verified from the answer
//!    yet: the authority gave it, the coalition has not yet counted it;
//! 5. *refusal overturned, awaiting release*: the latest response was a refusal (or said the
//!    information is not held, or published elsewhere), and a later decision on review, by
//!    the Commissioner or by the tribunal went at least partly against the authority; no
//!    figure has come since;
//! 6. *refused*: the latest response refused (or neither confirmed nor denied, or the
//!    authority withdrew the request), with the grounds cited;
//! 7. *not held*: the latest response said the authority does not hold it;
//! 8. *pointed elsewhere*: the latest response said it is already accessible, and the figure
//!    has not been entered from where it pointed;
//! 9. *overdue*: asked, no answer, and the authority's time to answer (or to finish its
//!    review) has passed: a wait that is the authority's fault is said to be one;
//! 10. *awaiting*: asked, and no answer yet, within the time the law gives;
//! 11. *withdrawn*: asked, but every unanswered request was withdrawn by the coalition or
//!     lapsed, so no answer is owed: the authority is neither blamed for a wait nor excused;
//! 12. *never asked*.
//!
//! A request's *latest response* is the one with the latest date (the order in which
//! responses were entered does not matter). An ask counts for every quarter its period
//! touches.
//!
//! *Coverage* is the share of quarters that have ended that are released or released in
//! aggregate; the share released in part is given beside it, never added to it. The
//! quarter in progress is shown but not counted.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Days, NaiveDate};
use serde::Serialize;

use super::appeal::AppealOutcome;
use super::demand::{DefinitionMatch, Granularity, Quarter};
use super::response::Outcome;
use super::written;

closed_enum! {
    pub enum QuarterState {
        Released,
        ReleasedInAggregate,
        ReleasedInPart,
        GrantedNotEntered,
        RefusalOverturned,
        Refused,
        NotHeld,
        PointedElsewhere,
        Overdue,
        Awaiting,
        Withdrawn,
        NeverAsked,
    }
}

impl QuarterState {
    pub fn label(self) -> &'static str {
        match self {
            QuarterState::Released => "Released",
            QuarterState::ReleasedInAggregate => "Released in aggregate",
            QuarterState::ReleasedInPart => "Released in part",
            QuarterState::GrantedNotEntered => "Granted, figure not entered yet",
            QuarterState::RefusalOverturned => "Refusal overturned, awaiting release",
            QuarterState::Refused => "Refused",
            QuarterState::NotHeld => "Not held",
            QuarterState::PointedElsewhere => "Said to be published elsewhere, figure not entered yet",
            QuarterState::Overdue => "Asked, answer overdue",
            QuarterState::Awaiting => "Asked, no answer yet",
            QuarterState::Withdrawn => "Asked, request withdrawn or lapsed before an answer",
            QuarterState::NeverAsked => "Never asked",
        }
    }

    /// The letter in the state's cell, so that states are told apart without colour.
    pub fn letter(self) -> &'static str {
        match self {
            QuarterState::Released => "R",
            QuarterState::ReleasedInAggregate => "A",
            QuarterState::ReleasedInPart => "P",
            QuarterState::GrantedNotEntered => "G",
            QuarterState::RefusalOverturned => "O",
            QuarterState::Refused => "X",
            QuarterState::NotHeld => "N",
            QuarterState::PointedElsewhere => "E",
            QuarterState::Overdue => "L",
            QuarterState::Awaiting => "W",
            QuarterState::Withdrawn => "D",
            QuarterState::NeverAsked => "–",
        }
    }

    pub fn covered(self) -> bool {
        matches!(self, QuarterState::Released | QuarterState::ReleasedInAggregate)
    }
}

/// A verified figure, as the scorecard needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FigureSpan {
    pub figure_id: i32,
    pub indicator_id: String,
    pub start: NaiveDate,
    pub end: NaiveDate,
    /// "dimension=value" pairs; empty for a total.
    pub breakdown: String,
    pub definition_match: DefinitionMatch,
}

/// A response of a request that asks for an indicator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponseFact {
    pub on: NaiveDate,
    /// The order of entry: it breaks a tie between responses of the same date, and only that.
    pub event_id: i32,
    pub outcome: Outcome,
    /// The grounds it cited, as people write them.
    pub grounds: Vec<String>,
}

/// A decision on review, by the regulator or by the tribunal, on a request that asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DecisionFact {
    pub on: NaiveDate,
    pub event_id: i32,
    pub outcome: AppealOutcome,
}

/// What became of a request, as the scorecard reads it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Answer {
    /// The latest response's outcome; `None` while unanswered.
    pub outcome: Option<Outcome>,
    /// The grounds the latest response cited.
    pub grounds: Vec<String>,
    /// The latest response refused (or said not held, or published elsewhere), and a later
    /// decision went at least partly against the authority.
    pub overturned: bool,
}

/// The latest response by date (entry order only between responses of one date), and
/// whether a decision after it overturned it.
pub fn answer(responses: &[ResponseFact], decisions: &[DecisionFact]) -> Answer {
    let Some(latest) = responses.iter().max_by_key(|r| (r.on, r.event_id)) else {
        return Answer::default();
    };
    let negative = matches!(
        latest.outcome,
        Outcome::Refused
            | Outcome::NeitherConfirmNorDeny
            | Outcome::WithdrawnByAuthority
            | Outcome::NotHeld
            | Outcome::InfoAccessibleElsewhere
    );
    let overturned = negative
        && decisions
            .iter()
            .any(|d| (d.on, d.event_id) > (latest.on, latest.event_id) && d.outcome.overturns());
    Answer {
        outcome: Some(latest.outcome),
        grounds: latest.grounds.clone(),
        overturned,
    }
}

/// A request's ask for an indicator, and what became of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ask {
    pub indicator_id: String,
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub answer: Answer,
    /// The request was withdrawn by the coalition or lapsed: no answer is owed.
    pub withdrawn_or_lapsed: bool,
    /// An authority's deadline of the request passed unmet: its answer is late.
    pub overdue: bool,
}

/// One indicator's quarter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Cell {
    pub quarter: String,
    pub state: QuarterState,
    /// For a refusal: the grounds cited.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub grounds: Vec<String>,
    /// For a release in part: what is missing, in words.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub missing: Vec<String>,
    /// The quarter has ended, so that coverage counts it.
    #[serde(skip)]
    pub ended: bool,
    /// What the state rests on: the figures that release the quarter, or else every ask
    /// whose period touches it.
    #[serde(skip)]
    pub basis: Basis,
}

/// The figures or the asks a cell's state rests on.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Basis {
    /// The figures' ids.
    pub figures: Vec<i32>,
    /// Positions in the asks given to [`row`].
    pub asks: Vec<usize>,
}

/// The indicator's period holding `quarter`: the quarter, or its calendar year.
fn own_period(quarter: Quarter, granularity: Granularity) -> (NaiveDate, NaiveDate) {
    match granularity {
        Granularity::Quarter => (quarter.start(), quarter.end()),
        Granularity::Year => (
            Quarter {
                year: quarter.year,
                number: 1,
            }
            .start(),
            Quarter {
                year: quarter.year,
                number: 4,
            }
            .end(),
        ),
    }
}

/// The days of `start..=end` that no span covers, as ranges.
fn gaps(start: NaiveDate, end: NaiveDate, spans: &[(NaiveDate, NaiveDate)]) -> Vec<(NaiveDate, NaiveDate)> {
    let mut sorted: Vec<(NaiveDate, NaiveDate)> = spans.to_vec();
    sorted.sort();
    let mut gaps = Vec::new();
    let mut next = start;
    for (from, to) in sorted {
        if from > next {
            gaps.push((next, (from - Days::new(1)).min(end)));
        }
        if to >= next {
            match to.checked_add_days(Days::new(1)) {
                Some(after) => next = after,
                None => return gaps,
            }
        }
        if next > end {
            return gaps;
        }
    }
    if next <= end {
        gaps.push((next, end));
    }
    gaps
}

/// What a quarter's figures release, or `None` when no counted figure touches it.
fn released(
    quarter: Quarter,
    granularity: Granularity,
    figures: &[&FigureSpan],
) -> Option<(QuarterState, Vec<String>, Vec<i32>)> {
    let (start, end) = (quarter.start(), quarter.end());
    let (own_start, own_end) = own_period(quarter, granularity);
    let touching: Vec<&FigureSpan> = figures
        .iter()
        .copied()
        .filter(|f| f.definition_match != DefinitionMatch::Different && f.start <= end && f.end >= start)
        .collect();
    if touching.is_empty() {
        return None;
    }
    let totals = || touching.iter().filter(|f| f.breakdown.is_empty());
    let own: Vec<&&FigureSpan> = totals()
        .filter(|f| f.start >= own_start && f.end <= own_end)
        .collect();
    let own_spans: Vec<(NaiveDate, NaiveDate)> = own.iter().map(|f| (f.start, f.end)).collect();
    let missing = gaps(start, end, &own_spans);
    if !own.is_empty() && missing.is_empty() {
        return Some((
            QuarterState::Released,
            Vec::new(),
            own.iter().map(|f| f.figure_id).collect(),
        ));
    }
    let covering: Vec<i32> = totals()
        .filter(|f| f.start <= start && f.end >= end)
        .map(|f| f.figure_id)
        .collect();
    if !covering.is_empty() {
        return Some((QuarterState::ReleasedInAggregate, Vec::new(), covering));
    }
    let mut said = Vec::new();
    let total_spans: Vec<(NaiveDate, NaiveDate)> = totals().map(|f| (f.start, f.end)).collect();
    if total_spans.is_empty() {
        let parts: BTreeSet<&str> = touching.iter().map(|f| f.breakdown.as_str()).collect();
        said.push(format!(
            "No total: only broken down ({})",
            parts.into_iter().collect::<Vec<_>>().join("; ")
        ));
    } else {
        for (from, to) in gaps(start, end, &total_spans) {
            said.push(format!(
                "No figure for {} to {}",
                written::date(from),
                written::date(to)
            ));
        }
        if said.is_empty() {
            said.push(
                "No figure for the quarter alone: only totals over periods that overlap it".to_string(),
            );
        }
    }
    Some((
        QuarterState::ReleasedInPart,
        said,
        touching.iter().map(|f| f.figure_id).collect(),
    ))
}

/// A quarter's state: the first of the module's definitions that holds, with the grounds of
/// a refusal, what a release in part is missing, and what the state rests on.
fn state(
    quarter: Quarter,
    granularity: Granularity,
    figures: &[&FigureSpan],
    asks: &[&Ask],
) -> (QuarterState, Vec<String>, Vec<String>, Basis) {
    if let Some((state, missing, figures)) = released(quarter, granularity, figures) {
        return (
            state,
            Vec::new(),
            missing,
            Basis {
                figures,
                asks: Vec::new(),
            },
        );
    }
    let (start, end) = (quarter.start(), quarter.end());
    let touching: Vec<(usize, &Ask)> = asks
        .iter()
        .enumerate()
        .filter(|(_, a)| a.start <= end && a.end >= start)
        .map(|(i, a)| (i, *a))
        .collect();
    let basis = Basis {
        figures: Vec::new(),
        asks: touching.iter().map(|(i, _)| *i).collect(),
    };
    let standing = |outcomes: &[Outcome]| {
        touching
            .iter()
            .any(|(_, a)| !a.answer.overturned && a.answer.outcome.is_some_and(|o| outcomes.contains(&o)))
    };
    let refusals = [
        Outcome::Refused,
        Outcome::NeitherConfirmNorDeny,
        Outcome::WithdrawnByAuthority,
    ];
    let (state, grounds) = if standing(&[Outcome::Granted, Outcome::PartlyGranted]) {
        (QuarterState::GrantedNotEntered, Vec::new())
    } else if touching.iter().any(|(_, a)| a.answer.overturned) {
        (QuarterState::RefusalOverturned, Vec::new())
    } else if standing(&refusals) {
        let grounds: BTreeSet<String> = touching
            .iter()
            .filter(|(_, a)| a.answer.outcome.is_some_and(|o| refusals.contains(&o)))
            .flat_map(|(_, a)| a.answer.grounds.iter().cloned())
            .collect();
        (QuarterState::Refused, grounds.into_iter().collect())
    } else if standing(&[Outcome::NotHeld]) {
        (QuarterState::NotHeld, Vec::new())
    } else if standing(&[Outcome::InfoAccessibleElsewhere]) {
        (QuarterState::PointedElsewhere, Vec::new())
    } else if touching
        .iter()
        .any(|(_, a)| !a.withdrawn_or_lapsed && a.answer.outcome.is_none() && a.overdue)
    {
        (QuarterState::Overdue, Vec::new())
    } else if touching
        .iter()
        .any(|(_, a)| !a.withdrawn_or_lapsed && a.answer.outcome.is_none())
    {
        (QuarterState::Awaiting, Vec::new())
    } else if !touching.is_empty() {
        (QuarterState::Withdrawn, Vec::new())
    } else {
        (QuarterState::NeverAsked, Vec::new())
    };
    (state, grounds, Vec::new(), basis)
}

/// Every quarter of one indicator, as of `today`.
pub fn row(
    quarters: &[Quarter],
    granularity: Granularity,
    figures: &[&FigureSpan],
    asks: &[&Ask],
    today: NaiveDate,
) -> Vec<Cell> {
    quarters
        .iter()
        .map(|q| {
            let (state, grounds, missing, basis) = state(*q, granularity, figures, asks);
            Cell {
                quarter: q.label(),
                state,
                grounds,
                missing,
                ended: q.end() < today,
                basis,
            }
        })
        .collect()
}

/// The matrix: each indicator's cells, in the order given.
pub fn matrix<'a>(
    indicators: impl IntoIterator<Item = (&'a str, Granularity)>,
    quarters: &[Quarter],
    figures: &[FigureSpan],
    asks: &[Ask],
    today: NaiveDate,
) -> BTreeMap<String, Vec<Cell>> {
    let mut by_indicator: BTreeMap<&str, (Vec<&FigureSpan>, Vec<&Ask>)> = BTreeMap::new();
    for f in figures {
        by_indicator.entry(&f.indicator_id).or_default().0.push(f);
    }
    for a in asks {
        by_indicator.entry(&a.indicator_id).or_default().1.push(a);
    }
    indicators
        .into_iter()
        .map(|(id, granularity)| {
            let (f, a) = by_indicator.get(id).cloned().unwrap_or_default();
            (id.to_string(), row(quarters, granularity, &f, &a, today))
        })
        .collect()
}

fn share<'a>(
    cells: impl IntoIterator<Item = &'a Cell>,
    counts: impl Fn(QuarterState) -> bool,
) -> Option<f64> {
    let (mut counted, mut ended) = (0u32, 0u32);
    for c in cells.into_iter().filter(|c| c.ended) {
        ended += 1;
        counted += u32::from(counts(c.state));
    }
    (ended > 0).then(|| f64::from(counted) / f64::from(ended))
}

/// The share of ended quarters covered (released, or released in aggregate).
pub fn coverage<'a>(cells: impl IntoIterator<Item = &'a Cell>) -> Option<f64> {
    share(cells, QuarterState::covered)
}

/// The share of ended quarters released in part: beside coverage, never in it.
pub fn coverage_in_part<'a>(cells: impl IntoIterator<Item = &'a Cell>) -> Option<f64> {
    share(cells, |s| s == QuarterState::ReleasedInPart)
}
