//! The public scorecard: quarter by quarter, what each indicator's figures and requests say
//! is out, refused or still missing; and one indicator's page with its figures and asks.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::Serialize;

use super::demands::{find_indicator, first_quarter};
use crate::db::demands::{self, Demand, Indicator};
use crate::db::figures::{self as figure_rows, Figure, Sources};
use crate::db::DbConnection;
use crate::domain::demand::{DefinitionMatch, Granularity, Quarter};
use crate::domain::exemptions;
use crate::domain::response::Outcome;
use crate::domain::scorecard::{self, Answer, Ask, Cell, DecisionFact, FigureSpan, ResponseFact};
use crate::domain::timeline::Status;
use crate::error::AppError;

/// One indicator's row of the scorecard.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct IndicatorRow {
    pub id: String,
    pub wording: String,
    pub granularity: String,
    /// The share of ended quarters released, alone or in aggregate.
    pub coverage: Option<f64>,
    /// The share of ended quarters released in part: beside coverage, not in it.
    pub coverage_in_part: Option<f64>,
    pub cells: Vec<Cell>,
}

/// One demand's rows.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DemandRow {
    pub id: String,
    pub title: String,
    pub coverage: Option<f64>,
    pub coverage_in_part: Option<f64>,
    pub indicators: Vec<IndicatorRow>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Scorecard {
    pub quarters: Vec<String>,
    pub demands: Vec<DemandRow>,
}

/// The indicator's granularity; a stored value that cannot be read is taken as the quarter,
/// the stricter reading.
fn granularity_of(indicator: &Indicator) -> Granularity {
    indicator.granularity.parse().unwrap_or(Granularity::Quarter)
}

/// Whether a request in this status owes no answer: the coalition withdrew it, or it lapsed.
fn owes_no_answer(status: &str) -> bool {
    matches!(status.parse(), Ok(Status::Withdrawn | Status::Lapsed))
}

/// What became of each request that asks for an indicator: its latest response by date, the
/// grounds that response cited (as people write them), and whether a later decision
/// overturned it. Three queries.
fn answers(conn: &mut DbConnection) -> Result<HashMap<i32, Answer>, AppError> {
    let mut grounds: HashMap<i32, Vec<String>> = HashMap::new();
    for (event, ground) in demands::asked_grounds(conn)? {
        let citation = exemptions::find(&ground).map_or(ground.clone(), |g| g.citation.to_string());
        grounds.entry(event).or_default().push(citation);
    }
    let mut responses: HashMap<i32, Vec<ResponseFact>> = HashMap::new();
    for (request, event_id, on, outcome) in demands::asked_responses(conn)? {
        let Ok(outcome) = outcome.parse() else { continue };
        responses.entry(request).or_default().push(ResponseFact {
            on,
            event_id,
            outcome,
            grounds: grounds.remove(&event_id).unwrap_or_default(),
        });
    }
    let mut decisions: HashMap<i32, Vec<DecisionFact>> = HashMap::new();
    for (request, event_id, on, outcome) in demands::asked_decisions(conn)? {
        let Ok(outcome) = outcome.parse() else { continue };
        decisions.entry(request).or_default().push(DecisionFact {
            on,
            event_id,
            outcome,
        });
    }
    Ok(responses
        .into_iter()
        .map(|(request, given)| {
            let decided = decisions.remove(&request).unwrap_or_default();
            (request, scorecard::answer(&given, &decided))
        })
        .collect())
}

/// The scorecard from 2016 Q1 to today's quarter, in eight queries whatever its size; public.
pub fn scorecard(conn: &mut DbConnection, today: NaiveDate) -> Result<Scorecard, AppError> {
    let quarters = Quarter::range(first_quarter(), Quarter::of(today));
    let all_demands = demands::demands(conn)?;
    let indicators = demands::indicators(conn)?;
    let figures: Vec<FigureSpan> = figure_rows::verified_spans(conn)?
        .into_iter()
        .filter_map(|(figure_id, indicator_id, start, end, breakdown, matching)| {
            Some(FigureSpan {
                figure_id,
                indicator_id,
                start,
                end,
                breakdown,
                definition_match: matching.parse().ok()?,
            })
        })
        .collect();
    let asks_rows = demands::asks(conn)?;
    let answers = answers(conn)?;
    let late = demands::overdue_asking(conn, today)?;
    let asks: Vec<Ask> = asks_rows
        .into_iter()
        .map(|(request, indicator_id, start, end, status)| Ask {
            indicator_id,
            start,
            end,
            answer: answers.get(&request).cloned().unwrap_or_default(),
            withdrawn_or_lapsed: owes_no_answer(&status),
            overdue: late.contains(&request),
        })
        .collect();
    let mut matrix = scorecard::matrix(
        indicators.iter().map(|i| (i.id.as_str(), granularity_of(i))),
        &quarters,
        &figures,
        &asks,
        today,
    );
    let demands = all_demands
        .into_iter()
        .map(|d| {
            let rows: Vec<IndicatorRow> = indicators
                .iter()
                .filter(|i| i.demand_id == d.id)
                .map(|i| {
                    let cells = matrix.remove(&i.id).unwrap_or_default();
                    IndicatorRow {
                        id: i.id.clone(),
                        wording: i.wording.clone(),
                        granularity: i.granularity.clone(),
                        coverage: scorecard::coverage(&cells),
                        coverage_in_part: scorecard::coverage_in_part(&cells),
                        cells,
                    }
                })
                .collect();
            DemandRow {
                coverage: scorecard::coverage(rows.iter().flat_map(|r| &r.cells)),
                coverage_in_part: scorecard::coverage_in_part(rows.iter().flat_map(|r| &r.cells)),
                id: d.id,
                title: d.title,
                indicators: rows,
            }
        })
        .collect();
    Ok(Scorecard {
        quarters: quarters.iter().map(|q| q.label()).collect(),
        demands,
    })
}

/// A request's ask for an indicator, as the public sees it: no title, no text.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AskView {
    pub authority: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// The latest response's outcome, by date; `None` while unanswered.
    pub outcome: Option<Outcome>,
    pub grounds: Vec<String>,
    /// A decision after that response went at least partly against the authority.
    pub overturned: bool,
    /// The request was withdrawn by the coalition or lapsed: no answer is owed.
    pub withdrawn_or_lapsed: bool,
    /// An authority's deadline passed unmet: the answer is late.
    pub overdue: bool,
}

/// One indicator: its definition, its quarters, its figures and who was asked for it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct IndicatorView {
    pub indicator: Indicator,
    pub demand: Option<Demand>,
    pub coverage: Option<f64>,
    pub coverage_in_part: Option<f64>,
    pub cells: Vec<Cell>,
    /// Verified totals whose definition matches or is comparable, by period: the time series.
    pub series: Vec<Figure>,
    /// Every other verified figure that counts: breakdowns.
    pub breakdowns: Vec<Figure>,
    /// Verified figures under another definition: related, never counted.
    pub related: Vec<Figure>,
    /// Figures entered and not yet verified.
    pub unverified: Vec<Figure>,
    pub asks: Vec<AskView>,
    /// The asks of each batch (one question to many authorities) and period, counted.
    pub batches: Vec<BatchAsks>,
}

/// How the authorities one batch asked for an indicator over one period have answered.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct BatchAsks {
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// The authorities asked.
    pub authorities: i64,
    /// Their latest answers released all or part of it.
    pub released: i64,
    /// Refused, or neither confirmed nor denied.
    pub refused: i64,
    pub not_held: i64,
    /// Answered otherwise (accessible elsewhere, withdrawn by the authority).
    pub other: i64,
    /// No answer yet, within time.
    pub awaiting: i64,
    /// No answer, and overdue.
    pub overdue: i64,
    /// Withdrawn by the coalition or lapsed before an answer.
    pub withdrawn_or_lapsed: i64,
}

/// The asks of batch members, counted by batch and period, in the order first asked.
fn batch_asks(asks: &[(Option<i32>, &AskView)]) -> Vec<BatchAsks> {
    let mut groups: Vec<((i32, NaiveDate, NaiveDate), BatchAsks)> = Vec::new();
    for (batch, ask) in asks {
        let Some(batch) = batch else { continue };
        let key = (*batch, ask.from, ask.to);
        let at = match groups.iter().position(|(k, _)| *k == key) {
            Some(at) => at,
            None => {
                groups.push((
                    key,
                    BatchAsks {
                        from: ask.from,
                        to: ask.to,
                        ..BatchAsks::default()
                    },
                ));
                groups.len() - 1
            }
        };
        let counts = &mut groups[at].1;
        counts.authorities += 1;
        match ask.outcome {
            Some(Outcome::Granted | Outcome::PartlyGranted) => counts.released += 1,
            Some(Outcome::Refused | Outcome::NeitherConfirmNorDeny) => counts.refused += 1,
            Some(Outcome::NotHeld) => counts.not_held += 1,
            Some(_) => counts.other += 1,
            None if ask.withdrawn_or_lapsed => counts.withdrawn_or_lapsed += 1,
            None if ask.overdue => counts.overdue += 1,
            None => counts.awaiting += 1,
        }
    }
    groups.into_iter().map(|(_, counts)| counts).collect()
}

/// Public: one indicator of the petition with everything known of it.
pub fn indicator(conn: &mut DbConnection, today: NaiveDate, id: &str) -> Result<IndicatorView, AppError> {
    let indicator = find_indicator(conn, id)?.ok_or_else(|| AppError::NotFound(format!("indicator {id}")))?;
    let demand = demands::demands(conn)?
        .into_iter()
        .find(|d| d.id == indicator.demand_id);
    // Public: nothing from a draft or a subject access request, unverified figures included,
    // and not who in the coalition entered or checked a figure.
    let mut figures = figure_rows::figures(conn, Some(id), Sources::Public)?;
    for figure in &mut figures {
        figure.entry.entered_by = None;
        figure.verified_by = None;
    }
    let asked = demands::asks_for(conn, id)?;
    let answers = answers(conn)?;
    let late = demands::overdue_asking(conn, today)?;
    let asked_ids: Vec<i32> = asked.iter().map(|a| a.0).collect();
    let batch_of: std::collections::HashMap<i32, i32> = crate::db::batches::of_requests(conn, &asked_ids)?
        .into_iter()
        .collect();
    let in_batch: Vec<Option<i32>> = asked.iter().map(|a| batch_of.get(&a.0).copied()).collect();
    let asks: Vec<AskView> = asked
        .into_iter()
        .map(|(request, authority, from, to, status)| {
            let answer = answers.get(&request).cloned().unwrap_or_default();
            AskView {
                authority,
                from,
                to,
                outcome: answer.outcome,
                grounds: answer.grounds,
                overturned: answer.overturned,
                withdrawn_or_lapsed: owes_no_answer(&status),
                overdue: late.contains(&request),
            }
        })
        .collect();
    let spans: Vec<FigureSpan> = figures
        .iter()
        .filter(|f| f.verified_at.is_some())
        .map(|f| FigureSpan {
            figure_id: f.id,
            indicator_id: f.entry.indicator_id.clone(),
            start: f.entry.period_start,
            end: f.entry.period_end,
            breakdown: f.entry.breakdown.clone(),
            definition_match: f.entry.definition_match,
        })
        .collect();
    let scored: Vec<Ask> = asks
        .iter()
        .map(|a| Ask {
            indicator_id: id.to_string(),
            start: a.from,
            end: a.to,
            answer: Answer {
                outcome: a.outcome,
                grounds: a.grounds.clone(),
                overturned: a.overturned,
            },
            withdrawn_or_lapsed: a.withdrawn_or_lapsed,
            overdue: a.overdue,
        })
        .collect();
    let quarters = Quarter::range(first_quarter(), Quarter::of(today));
    let cells = scorecard::row(
        &quarters,
        granularity_of(&indicator),
        &spans.iter().collect::<Vec<_>>(),
        &scored.iter().collect::<Vec<_>>(),
        today,
    );
    let (mut series, mut breakdowns, mut related, mut unverified) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for f in figures {
        let different = f.entry.definition_match == DefinitionMatch::Different;
        match (f.verified_at.is_some(), different, f.entry.breakdown.is_empty()) {
            (false, ..) => unverified.push(f),
            (true, true, _) => related.push(f),
            (true, false, true) => series.push(f),
            (true, false, false) => breakdowns.push(f),
        }
    }
    let batches = batch_asks(&in_batch.into_iter().zip(asks.iter()).collect::<Vec<_>>());
    Ok(IndicatorView {
        batches,
        coverage: scorecard::coverage(&cells),
        coverage_in_part: scorecard::coverage_in_part(&cells),
        indicator,
        demand,
        cells,
        series,
        breakdowns,
        related,
        unverified,
        asks,
    })
}
