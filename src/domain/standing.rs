//! Where a request stands on a day, as a row of a list shows it: its status, whether an
//! authority is overdue, and what it waits for. A list reads it from the deadlines index, so
//! that a page of rows walks no events; it is what the request's schedule says
//! (`tests/it/derived_facts.rs` compares the two).

use chrono::NaiveDate;
use serde::Serialize;

use super::calendar::{Calendar, CalendarError};
use super::regime::Regime;
use super::timeline::{DeadlineKind, DeadlineState, Party, Schedule, Status};

/// A deadline a request waits on: still running, or an authority's missed with nothing
/// received.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NextDeadline {
    pub kind: DeadlineKind,
    pub due: NaiveDate,
    pub missed: bool,
    /// For a missed one: working days from its date to today.
    pub working_days_late: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Standing {
    pub status: Status,
    /// An authority's deadline has passed and what it owes has not come.
    pub overdue: bool,
    /// The missed deadlines first, then those still running, each in the order they began.
    pub next: Vec<NextDeadline>,
}

/// A deadline nothing has settled yet, as the deadlines index holds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unsettled {
    pub kind: DeadlineKind,
    pub party: Party,
    pub due: NaiveDate,
    pub latest: Option<NaiveDate>,
}

impl Standing {
    pub fn of(schedule: &Schedule) -> Standing {
        let missed = schedule
            .deadlines
            .iter()
            .filter(|d| d.state == DeadlineState::Missed && d.settled_on.is_none())
            .map(|d| NextDeadline {
                kind: d.kind,
                due: d.due,
                missed: true,
                working_days_late: d.working_days_late,
            });
        let running = schedule.running().map(|d| NextDeadline {
            kind: d.kind,
            due: d.due,
            missed: false,
            working_days_late: None,
        });
        Standing {
            status: schedule.status,
            overdue: schedule.overdue,
            next: missed.chain(running).collect(),
        }
    }

    /// From the stored status and the request's unsettled deadlines in the order they began,
    /// judged on `today` as the schedule judges a deadline nothing has settled.
    pub fn of_index(
        status: Status,
        regime: Regime,
        unsettled: &[Unsettled],
        calendar: &Calendar,
        today: NaiveDate,
    ) -> Result<Standing, CalendarError> {
        let mut next = Vec::new();
        let mut running = Vec::new();
        for d in unsettled {
            let deadline = NextDeadline {
                kind: d.kind,
                due: d.due,
                missed: false,
                working_days_late: None,
            };
            if today <= d.party.last_day(d.due, d.latest) {
                running.push(deadline);
            } else if d.party.passed() == DeadlineState::Missed {
                let late = regime.working_days_late(calendar, d.due, today)?;
                next.push(NextDeadline {
                    missed: true,
                    working_days_late: Some(late),
                    ..deadline
                });
            }
        }
        let overdue = !next.is_empty();
        next.append(&mut running);
        Ok(Standing {
            status,
            overdue,
            next,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    fn unsettled(kind: DeadlineKind, party: Party, due: &str, latest: Option<&str>) -> Unsettled {
        Unsettled {
            kind,
            party,
            due: day(due),
            latest: latest.map(day),
        }
    }

    /// A FOISA requester's review right runs past its advised date until its outer limit
    /// (s.20(5)), then lapses unshown; an authority's passed date is missed and counted late.
    #[test]
    fn a_right_runs_to_its_outer_limit_and_a_passed_duty_is_missed() {
        let calendar = Calendar::bundled();
        let rows = [
            unsettled(DeadlineKind::Response, Party::Authority, "2026-05-29", None),
            unsettled(
                DeadlineKind::InternalReviewRequest,
                Party::Requester,
                "2026-05-20",
                Some("2026-06-10"),
            ),
        ];
        let on = |today: &str| {
            Standing::of_index(
                Status::AwaitingResponse,
                Regime::Foisa,
                &rows,
                calendar,
                day(today),
            )
            .unwrap()
        };
        let within = on("2026-06-03");
        assert!(within.overdue);
        assert_eq!(
            within.next,
            vec![
                NextDeadline {
                    kind: DeadlineKind::Response,
                    due: day("2026-05-29"),
                    missed: true,
                    // Mon 1, Tue 2, Wed 3 June.
                    working_days_late: Some(3),
                },
                NextDeadline {
                    kind: DeadlineKind::InternalReviewRequest,
                    due: day("2026-05-20"),
                    missed: false,
                    working_days_late: None,
                },
            ]
        );
        let after = on("2026-06-11");
        assert_eq!(after.next.len(), 1, "{after:?}");
        assert!(after.next[0].missed);
    }
}
