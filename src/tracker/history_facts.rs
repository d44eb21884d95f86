//! Each request's facts for the refusal history, kept with its deadlines index: written from
//! its schedule and events whenever the index is, in the same transaction, so that the
//! history reads one row per request and never walks the events.

use chrono::NaiveDate;

use crate::db::events::EventRecord;
use crate::db::history::StoredFacts;
use crate::domain::calendar::Calendar;
use crate::domain::history::{standing, Decision, RequestFacts, Standing};
use crate::domain::regime::Regime;
use crate::domain::response::Outcome;
use crate::domain::timeline::{DeadlineKind, EventKind, Schedule};
use crate::error::AppError;

/// What the history keeps of a request with this schedule and these events (by date, then
/// as recorded).
pub fn of(schedule: &Schedule, records: &[EventRecord]) -> StoredFacts {
    let Standing {
        timeliness,
        late_after,
    } = standing(schedule.regime, schedule);
    // Responses with a recorded outcome, as (date, event, outcome), in order.
    let answers: Vec<(NaiveDate, i32, Outcome)> = records
        .iter()
        .filter_map(|r| Some((r.occurred_on, r.id, r.response.as_ref()?.outcome)))
        .collect();
    let first = answers.iter().min_by_key(|(on, id, _)| (*on, *id));
    let citations: Vec<&str> = records
        .iter()
        .filter_map(|r| r.response.as_ref())
        .flat_map(|r| r.grounds.iter().map(String::as_str))
        .collect();
    let decisions: Vec<String> = records
        .iter()
        .filter_map(|r| {
            let appeal = r.appeal.as_ref()?;
            let outcome = appeal.outcome?;
            let decided = (r.occurred_on, r.id);
            // A decision can overturn a refusal only if a response before it refused.
            let on_refusal = answers
                .iter()
                .any(|(on, id, outcome)| (*on, *id) < decided && *outcome != Outcome::Granted);
            Some(format!("{} {outcome} {}", appeal.stage, u8::from(on_refusal)))
        })
        .collect();
    StoredFacts {
        received_on: records
            .iter()
            .rev()
            .find(|r| r.kind == EventKind::Received)
            .map(|r| r.occurred_on),
        timeliness: Some(timeliness),
        late_after,
        first_response_on: first.map(|(on, ..)| *on),
        first_outcome: first.map(|(.., outcome)| *outcome),
        citations: citations.join("\n"),
        decisions: decisions.join("\n"),
        response_due: schedule
            .deadlines
            .iter()
            .rev()
            .find(|d| d.kind == DeadlineKind::Response)
            .map(|d| d.due),
    }
}

/// A received request's facts as the history counts them on `today`.
pub(crate) fn read(
    id: i32,
    authority_id: i32,
    regime: Regime,
    stored: &StoredFacts,
    calendar: &Calendar,
    today: NaiveDate,
) -> Result<RequestFacts, AppError> {
    let broken = |what: &str, value: &str| AppError::Internal(format!("request {id} has {what} {value:?}"));
    let received = stored.received_on.ok_or_else(|| broken("no date received", ""))?;
    let timeliness = Standing {
        timeliness: stored.timeliness.ok_or_else(|| broken("no timeliness", ""))?,
        late_after: stored.late_after,
    }
    .on(today);
    let first_outcome = stored.first_outcome;
    // Dates beyond the calendar's years have no count rather than a wrong one.
    let working_days_to_respond = stored.first_response_on.and_then(|on| {
        calendar
            .working_days_between(regime.response().calendar, received, on)
            .ok()
    });
    let decisions = lines(&stored.decisions)
        .map(|line| {
            let mut parts = line.split(' ');
            let (Some(stage), Some(outcome), Some(refusal)) = (parts.next(), parts.next(), parts.next())
            else {
                return Err(broken("decision", line));
            };
            Ok(Decision {
                stage: stage.parse().map_err(|_| broken("decision", line))?,
                outcome: outcome.parse().map_err(|_| broken("decision", line))?,
                on_refusal: refusal == "1",
            })
        })
        .collect::<Result<_, _>>()?;
    Ok(RequestFacts {
        id,
        authority_id,
        regime,
        received,
        timeliness,
        working_days_to_respond,
        first_outcome,
        citations: lines(&stored.citations).map(str::to_string).collect(),
        decisions,
    })
}

fn lines(text: &str) -> impl Iterator<Item = &str> {
    text.split('\n').filter(|l| !l.is_empty())
}
