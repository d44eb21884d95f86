//! The transparency scorecard: for each indicator and each quarter, whether the figure is
//! out. A pure function of the indicators, the verified figures and the requests that asked.
//!
//! A quarter's state, the first that holds:
//! 1. *released*: a verified figure whose definition matches or is comparable, for a period
//!    within the quarter;
//! 2. *released in aggregate*: only such a figure for a longer period that covers the quarter;
//! 3. *granted, figure not entered*: a request asking for it was granted in full or in part,
//!    and no figure has been entered and verified from the answer yet: the authority gave it,
//!    the coalition has not yet counted it, so neither a refusal nor a wait is shown;
//! 4. *refused*: a request asking for the indicator over a period touching the quarter was
//!    refused (or neither confirmed nor denied, or withdrawn by the authority), with the
//!    grounds cited;
//! 5. *not held*: the authority said it does not hold it;
//! 6. *pointed elsewhere*: refused as already accessible, the figure not yet entered from
//!    where it pointed;
//! 7. *overdue*: asked, no answer, and the authority's time to answer (or to finish its
//!    review) has passed: a wait that is the authority's fault is said to be one;
//! 8. *awaiting*: asked, and no answer yet, within the time the law gives;
//! 9. *withdrawn*: asked, but every unanswered request was withdrawn by the coalition or
//!    lapsed, so no answer is owed: the authority is neither blamed for a wait nor excused;
//! 10. *never asked*.
//!
//! Figures with a different definition are related, never counted.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use serde::Serialize;

use super::demand::{DefinitionMatch, Quarter};
use super::response::Outcome;

closed_enum! {
    pub enum QuarterState {
        Released,
        ReleasedInAggregate,
        GrantedNotEntered,
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
            QuarterState::GrantedNotEntered => "Granted, figure not entered yet",
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
            QuarterState::GrantedNotEntered => "G",
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
    pub definition_match: DefinitionMatch,
}

/// A request's ask for an indicator, and what became of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ask {
    pub indicator_id: String,
    pub start: NaiveDate,
    pub end: NaiveDate,
    /// The latest response's outcome; `None` while unanswered.
    pub outcome: Option<Outcome>,
    /// The grounds that response cited, as people write them.
    pub grounds: Vec<String>,
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

fn state(quarter: Quarter, figures: &[&FigureSpan], asks: &[&Ask]) -> (QuarterState, Vec<String>, Basis) {
    let (start, end) = (quarter.start(), quarter.end());
    let counted = || {
        figures
            .iter()
            .filter(|f| f.definition_match != DefinitionMatch::Different)
    };
    let within: Vec<i32> = counted()
        .filter(|f| f.start >= start && f.end <= end)
        .map(|f| f.figure_id)
        .collect();
    if !within.is_empty() {
        return (
            QuarterState::Released,
            Vec::new(),
            Basis {
                figures: within,
                asks: Vec::new(),
            },
        );
    }
    let covering: Vec<i32> = counted()
        .filter(|f| f.start <= start && f.end >= end)
        .map(|f| f.figure_id)
        .collect();
    if !covering.is_empty() {
        return (
            QuarterState::ReleasedInAggregate,
            Vec::new(),
            Basis {
                figures: covering,
                asks: Vec::new(),
            },
        );
    }
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
    let answered = |outcomes: &[Outcome]| {
        touching
            .iter()
            .any(|(_, a)| a.outcome.is_some_and(|o| outcomes.contains(&o)))
    };
    if answered(&[Outcome::Granted, Outcome::PartlyGranted]) {
        return (QuarterState::GrantedNotEntered, Vec::new(), basis);
    }
    let refusals: Vec<&Ask> = touching
        .iter()
        .map(|(_, a)| *a)
        .filter(|a| {
            matches!(
                a.outcome,
                Some(Outcome::Refused | Outcome::NeitherConfirmNorDeny | Outcome::WithdrawnByAuthority)
            )
        })
        .collect();
    if !refusals.is_empty() {
        let grounds: BTreeSet<String> = refusals.iter().flat_map(|a| a.grounds.iter().cloned()).collect();
        return (QuarterState::Refused, grounds.into_iter().collect(), basis);
    }
    if answered(&[Outcome::NotHeld]) {
        return (QuarterState::NotHeld, Vec::new(), basis);
    }
    if answered(&[Outcome::InfoAccessibleElsewhere]) {
        return (QuarterState::PointedElsewhere, Vec::new(), basis);
    }
    let state = if touching
        .iter()
        .any(|(_, a)| !a.withdrawn_or_lapsed && a.outcome.is_none() && a.overdue)
    {
        QuarterState::Overdue
    } else if touching.iter().any(|(_, a)| !a.withdrawn_or_lapsed) {
        QuarterState::Awaiting
    } else if !touching.is_empty() {
        QuarterState::Withdrawn
    } else {
        QuarterState::NeverAsked
    };
    (state, Vec::new(), basis)
}

/// Every quarter of one indicator.
pub fn row(quarters: &[Quarter], figures: &[&FigureSpan], asks: &[&Ask]) -> Vec<Cell> {
    quarters
        .iter()
        .map(|q| {
            let (state, grounds, basis) = state(*q, figures, asks);
            Cell {
                quarter: q.label(),
                state,
                grounds,
                basis,
            }
        })
        .collect()
}

/// The matrix: each indicator's cells, in the order given.
pub fn matrix<'a>(
    indicators: impl IntoIterator<Item = &'a str>,
    quarters: &[Quarter],
    figures: &[FigureSpan],
    asks: &[Ask],
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
        .map(|id| {
            let (f, a) = by_indicator.get(id).cloned().unwrap_or_default();
            (id.to_string(), row(quarters, &f, &a))
        })
        .collect()
}

/// The share of cells covered (released, or released in aggregate).
pub fn coverage<'a>(cells: impl IntoIterator<Item = &'a Cell>) -> Option<f64> {
    let (mut covered, mut all) = (0u32, 0u32);
    for c in cells {
        all += 1;
        covered += u32::from(c.state.covered());
    }
    (all > 0).then(|| f64::from(covered) / f64::from(all))
}
