//! The refusal history: how each authority answered, period by period. A pure fold over one
//! record per request, so that every figure can be traced back to the requests behind it with
//! the same predicate that counted them (`Measure::counts`).
//!
//! Definitions, as the page states them:
//! - a request belongs to the period in which it was received;
//! - *answered in time*: its response deadline (the last one, after any clarification or
//!   extension) was met; *late*: missed, answered or not. Requests whose deadline still runs,
//!   or was voided (withdrawn, lapsed), are in neither, and the share is of those in either;
//! - *working days to respond*: from receipt (day 0) to the first response, in the calendar of
//!   the request's law, pauses included, as the requester lived it;
//! - the median of an even count is the mean of the middle two; the 90th percentile is the
//!   nearest rank: the ⌈0.9·n⌉-th smallest;
//! - *outcome*: the first response's; *exemptions*: each response that cites a ground counts
//!   once for it;
//! - an appeal stage's *overturn rate*: of its decisions, those that went at least partly
//!   against the authority (partly overturned or overturned on review, complaint upheld or
//!   partly upheld, appeal allowed or partly allowed).

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use super::appeal::{AppealOutcome, Stage};
use super::regime::Regime;
use super::response::Outcome;

closed_enum! {
    /// How the periods are cut.
    pub enum Grouping {
        Quarter,
        Year,
    }
}

closed_enum! {
    /// Where the request's response deadline stands.
    pub enum Timeliness {
        InTime,
        Late,
        Pending,
        /// Waiting for the requester's clarification: the clock is stopped, so neither in
        /// time nor late nor due, and counted on its own so that a row adds up.
        AwaitingClarification,
        Void,
    }
}

closed_enum! {
    /// The records an export holds.
    pub enum Dataset {
        Requests,
        Events,
        Responses,
        Appeals,
    }
}

impl Dataset {
    pub fn columns(self) -> &'static [&'static str] {
        match self {
            Dataset::Requests => &[
                "request_id",
                "authority",
                "regime",
                "received",
                "status",
                "response_due",
                "timeliness",
                "working_days_to_respond",
                "first_outcome",
                "title",
                "reference",
            ],
            Dataset::Events => &[
                "event_id",
                "request_id",
                "kind",
                "occurred_on",
                "extended_to",
                "details",
            ],
            Dataset::Responses => &[
                "event_id",
                "request_id",
                "occurred_on",
                "outcome",
                "grounds",
                "citations",
                "public_interest_test",
                "promised_on",
            ],
            Dataset::Appeals => &[
                "event_id",
                "request_id",
                "event",
                "occurred_on",
                "stage",
                "reference",
                "decision_reference",
                "outcome",
            ],
        }
    }
}

/// One request, as the history needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestFacts {
    pub id: i32,
    pub authority_id: i32,
    pub regime: Regime,
    pub received: NaiveDate,
    pub timeliness: Timeliness,
    pub working_days_to_respond: Option<i64>,
    pub first_outcome: Option<Outcome>,
    /// The grounds each response cited, one entry per response and ground.
    pub citations: Vec<String>,
    /// Each appeal stage's decisions, in order.
    pub decisions: Vec<(Stage, AppealOutcome)>,
}

/// A period's name: "2026-Q1" or "2026". Sorts in time order.
pub fn period_of(date: NaiveDate, grouping: Grouping) -> String {
    match grouping {
        Grouping::Quarter => format!("{}-Q{}", date.year(), date.month0() / 3 + 1),
        Grouping::Year => date.year().to_string(),
    }
}

/// One figure of the history, as a predicate on a request: the drill-down lists exactly the
/// requests a figure counted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Measure {
    All,
    Timeliness(Timeliness),
    /// Answered, with a number of working days.
    Responded,
    Outcome(Outcome),
    Exemption(String),
    Decided(Stage),
    Overturned(Stage),
}

impl Measure {
    /// Reads "all", "in_time", "late", "responded", "outcome:refused", "exemption:foia-s40-2",
    /// "decided:internal_review" or "overturned:regulator".
    pub fn parse(text: &str) -> Option<Measure> {
        let (head, tail) = text.split_once(':').unwrap_or((text, ""));
        Some(match (head, tail) {
            ("all" | "", "") => Measure::All,
            ("responded", "") => Measure::Responded,
            ("outcome", o) => Measure::Outcome(o.parse().ok()?),
            ("exemption", g) if super::exemptions::find(g).is_some() => Measure::Exemption(g.to_string()),
            ("decided", s) => Measure::Decided(s.parse().ok()?),
            ("overturned", s) => Measure::Overturned(s.parse().ok()?),
            (t, "") => Measure::Timeliness(t.parse().ok()?),
            _ => return None,
        })
    }

    pub fn counts(&self, r: &RequestFacts) -> bool {
        match self {
            Measure::All => true,
            Measure::Timeliness(t) => r.timeliness == *t,
            Measure::Responded => r.working_days_to_respond.is_some(),
            Measure::Outcome(o) => r.first_outcome == Some(*o),
            Measure::Exemption(g) => r.citations.iter().any(|c| c == g),
            Measure::Decided(s) => r.decisions.iter().any(|(stage, _)| stage == s),
            Measure::Overturned(s) => r.decisions.iter().any(|(stage, o)| stage == s && o.overturns()),
        }
    }
}

/// An appeal stage's decisions and how many went against the authority.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, utoipa::ToSchema)]
pub struct StageRate {
    pub decided: u32,
    pub overturned: u32,
    /// overturned / decided, if any were decided.
    pub rate: Option<f64>,
}

/// The figures of one group of requests.
#[derive(Debug, Clone, PartialEq, Default, Serialize, utoipa::ToSchema)]
pub struct Figures {
    pub requests: u32,
    pub in_time: u32,
    pub late: u32,
    pub pending: u32,
    pub awaiting_clarification: u32,
    /// in_time / (in_time + late), if any were either.
    pub in_time_share: Option<f64>,
    /// How many were answered, with the working days they took.
    pub responded: u32,
    pub median_working_days: Option<f64>,
    pub p90_working_days: Option<i64>,
    /// By outcome of the first response.
    pub outcomes: BTreeMap<String, u32>,
    /// By catalogue id: the responses citing it.
    pub exemptions: BTreeMap<String, u32>,
    /// By appeal stage: internal_review, regulator, tribunal.
    pub stages: BTreeMap<String, StageRate>,
}

/// The median: the mean of the middle two of an even count.
pub fn median(sorted: &[i64]) -> Option<f64> {
    let n = sorted.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(sorted[n / 2] as f64),
        _ => Some((sorted[n / 2 - 1] + sorted[n / 2]) as f64 / 2.0),
    }
}

/// The 90th percentile by nearest rank: the ⌈0.9·n⌉-th smallest.
pub fn p90(sorted: &[i64]) -> Option<i64> {
    let n = sorted.len();
    if n == 0 {
        return None;
    }
    let rank = (9 * n).div_ceil(10);
    Some(sorted[rank - 1])
}

fn share(part: u32, whole: u32) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

/// The figures of `requests`.
pub fn figures<'a>(requests: impl IntoIterator<Item = &'a RequestFacts>) -> Figures {
    let mut f = Figures::default();
    let mut days = Vec::new();
    for r in requests {
        f.requests += 1;
        match r.timeliness {
            Timeliness::InTime => f.in_time += 1,
            Timeliness::Late => f.late += 1,
            Timeliness::Pending => f.pending += 1,
            Timeliness::AwaitingClarification => f.awaiting_clarification += 1,
            Timeliness::Void => {}
        }
        days.extend(r.working_days_to_respond);
        if let Some(outcome) = r.first_outcome {
            *f.outcomes.entry(outcome.to_string()).or_default() += 1;
        }
        for ground in &r.citations {
            *f.exemptions.entry(ground.clone()).or_default() += 1;
        }
        for (stage, outcome) in &r.decisions {
            let rate = f.stages.entry(stage.to_string()).or_default();
            rate.decided += 1;
            rate.overturned += u32::from(outcome.overturns());
        }
    }
    days.sort_unstable();
    f.responded = days.len() as u32;
    f.median_working_days = median(&days);
    f.p90_working_days = p90(&days);
    f.in_time_share = share(f.in_time, f.in_time + f.late);
    for rate in f.stages.values_mut() {
        rate.rate = share(rate.overturned, rate.decided);
    }
    f
}

/// One authority's figures in one period.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Row {
    pub authority_id: i32,
    pub period: String,
    #[serde(flatten)]
    pub figures: Figures,
}

/// The history of a set of requests: a row per authority and period, a total per period (every
/// authority together, for the timeliness chart) and one over everything.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct History {
    pub grouping: Grouping,
    pub rows: Vec<Row>,
    pub periods: Vec<PeriodTotal>,
    pub total: Figures,
}

/// Every authority's figures together in one period.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct PeriodTotal {
    pub period: String,
    #[serde(flatten)]
    pub figures: Figures,
}

pub fn history(requests: &[RequestFacts], grouping: Grouping) -> History {
    let mut by_row: BTreeMap<(i32, String), Vec<&RequestFacts>> = BTreeMap::new();
    let mut by_period: BTreeMap<String, Vec<&RequestFacts>> = BTreeMap::new();
    for r in requests {
        let period = period_of(r.received, grouping);
        by_row
            .entry((r.authority_id, period.clone()))
            .or_default()
            .push(r);
        by_period.entry(period).or_default().push(r);
    }
    History {
        grouping,
        rows: by_row
            .into_iter()
            .map(|((authority_id, period), group)| Row {
                authority_id,
                period,
                figures: figures(group),
            })
            .collect(),
        periods: by_period
            .into_iter()
            .map(|(period, group)| PeriodTotal {
                period,
                figures: figures(group),
            })
            .collect(),
        total: figures(requests),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians_and_percentiles() {
        assert_eq!(median(&[]), None);
        assert_eq!(median(&[7]), Some(7.0));
        assert_eq!(median(&[3, 8]), Some(5.5));
        assert_eq!(median(&[1, 2, 9]), Some(2.0));
        assert_eq!(p90(&[5]), Some(5));
        // Ten values: the 9th; eleven: the 10th.
        assert_eq!(p90(&[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]), Some(9));
        assert_eq!(p90(&[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]), Some(10));
    }

    #[test]
    fn periods() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        assert_eq!(period_of(d("2026-03-31"), Grouping::Quarter), "2026-Q1");
        assert_eq!(period_of(d("2026-04-01"), Grouping::Quarter), "2026-Q2");
        assert_eq!(period_of(d("2026-12-31"), Grouping::Year), "2026");
        assert_eq!(
            Measure::parse("outcome:refused"),
            Some(Measure::Outcome(Outcome::Refused))
        );
        assert_eq!(
            Measure::parse("late"),
            Some(Measure::Timeliness(Timeliness::Late))
        );
        assert_eq!(Measure::parse("exemption:nonsense"), None);
    }
}
