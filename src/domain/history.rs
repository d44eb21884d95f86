//! The refusal history: how each authority answered, period by period. A pure fold over one
//! record per request, so that every figure can be traced back to the requests behind it with
//! the same predicate that counted them (`Measure::counts`).
//!
//! Definitions, as the page states them:
//! - a request belongs to the period in which it was received;
//! - every request received is in exactly one of these, so that a row adds up:
//!   - *in time*: answered by the date the law allows: the response deadline (after any
//!     clarification, pause or extension) was met, and an extension counts only if it was
//!     notified before the deadline it extended and, where the law sets a limit (EIR, EI(S)R,
//!     a subject access request), within it;
//!   - *in time only by an extension beyond the ICO's norm*: under FOIA, answered by the date
//!     the authority's extension gave, but after the 40th working day the ICO's guidance
//!     allows; apart from in time, because the law says only "reasonable";
//!   - *late*: not answered by the date the law allows, answered since or not; a request
//!     withdrawn after its deadline had passed is late;
//!   - *still due*: the deadline has not passed;
//!   - *waiting for clarification* or *for a fee*: the authority asked the requester, and its
//!     clock is stopped until the answer;
//!   - *withdrawn*: withdrawn or closed by the requester before an answer was due;
//!   - *lapsed*: the fee was not paid in time, so the request lapsed;
//! - the *share in time* is of those in time, in time only by an extension beyond the norm,
//!   or late;
//! - *working days to respond*: from receipt (day 0) to the first response, in the calendar of
//!   the request's law, pauses included, as the requester lived it;
//! - the median of an even count is the mean of the middle two; the 90th percentile is the
//!   nearest rank: the ⌈0.9·n⌉-th smallest;
//! - *outcome*: the first response's; *exemptions*: the requests whose responses cited a
//!   ground, each request once however often it was cited;
//! - an appeal stage's *refusals overturned*: of its decisions on a request the authority had
//!   refused at least in part (any response before the decision other than granted in full),
//!   those that went at least partly against the authority (partly overturned or overturned on
//!   review, complaint upheld or partly upheld, appeal allowed or partly allowed). Decisions
//!   on anything else, such as a complaint about a request never answered, are counted apart
//!   as *other decisions*, and not in the rate.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use super::appeal::{AppealOutcome, Stage};
use super::regime::Regime;
use super::response::Outcome;
use super::timeline::{DeadlineKind, DeadlineState, Schedule, Status};

closed_enum! {
    /// How the periods are cut.
    pub enum Grouping {
        Quarter,
        Year,
    }
}

closed_enum! {
    /// Where the request's response deadline stands: every request is in exactly one.
    pub enum Timeliness {
        InTime,
        /// FOIA: answered by the date an extension gave, beyond the ICO's norm.
        InTimeBeyondNorm,
        Late,
        Pending,
        /// Waiting for the requester's clarification: the clock is stopped, so neither in
        /// time nor late nor due.
        AwaitingClarification,
        AwaitingFee,
        Withdrawn,
        Lapsed,
    }
}

impl Timeliness {
    pub fn label(self) -> &'static str {
        match self {
            Timeliness::InTime => "In time",
            Timeliness::InTimeBeyondNorm => "In time only by an extension beyond the ICO's norm",
            Timeliness::Late => "Late",
            Timeliness::Pending => "Still due",
            Timeliness::AwaitingClarification => "Waiting for clarification",
            Timeliness::AwaitingFee => "Waiting for a fee",
            Timeliness::Withdrawn => "Withdrawn",
            Timeliness::Lapsed => "Lapsed",
        }
    }
}

/// Where a request stands against the date the law allows for its answer, from its schedule
/// (see the module's definitions).
pub fn timeliness(regime: Regime, schedule: &Schedule) -> Timeliness {
    standing(regime, schedule).on(schedule.today)
}

/// A request's timeliness as it can be kept: while its answer is awaited, it is pending up
/// to the lawful date and late after it, whatever day it is read on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Standing {
    pub timeliness: Timeliness,
    /// While the answer is awaited: the last day it is in time.
    pub late_after: Option<NaiveDate>,
}

impl Standing {
    pub fn on(self, today: NaiveDate) -> Timeliness {
        match self.late_after {
            Some(lawful) if today > lawful => Timeliness::Late,
            _ => self.timeliness,
        }
    }
}

/// [`timeliness`], for any day until the schedule next changes.
pub fn standing(regime: Regime, schedule: &Schedule) -> Standing {
    let fixed = |timeliness| Standing {
        timeliness,
        late_after: None,
    };
    let by_status = || {
        fixed(match schedule.status {
            Status::AwaitingClarification => Timeliness::AwaitingClarification,
            Status::AwaitingFee => Timeliness::AwaitingFee,
            Status::Withdrawn | Status::Closed => Timeliness::Withdrawn,
            Status::Lapsed => Timeliness::Lapsed,
            _ => Timeliness::Pending,
        })
    };
    let Some(d) = schedule
        .deadlines
        .iter()
        .rev()
        .find(|d| d.kind == DeadlineKind::Response)
    else {
        return by_status();
    };
    // A late extension extends nothing: the answer was due when the notice should have come.
    // Beyond a limit the law sets, the authority's own date extends nothing either; FOIA's
    // limit is only the ICO's norm, so a date beyond it is lawful but counted apart.
    let (lawful, norm) = match (d.late_extension, d.extension_limit) {
        (true, _) => (d.original_due.unwrap_or(d.due), None),
        (false, Some(limit)) if regime == Regime::Foia => (d.due, Some(limit)),
        (false, Some(limit)) => (d.due.min(limit), None),
        (false, None) => (d.due, None),
    };
    match (d.state, d.settled_on) {
        (DeadlineState::Met, Some(on)) if on > lawful => fixed(Timeliness::Late),
        (DeadlineState::Met, Some(on)) if norm.is_some_and(|norm| on > norm) => {
            fixed(Timeliness::InTimeBeyondNorm)
        }
        (DeadlineState::Met, _) => fixed(Timeliness::InTime),
        (DeadlineState::Missed | DeadlineState::Lapsed, _) => fixed(Timeliness::Late),
        (DeadlineState::Running, _) => Standing {
            timeliness: Timeliness::Pending,
            late_after: Some(lawful),
        },
        (DeadlineState::Void, _) => by_status(),
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
    /// The grounds its responses cited, one entry per response and ground.
    pub citations: Vec<String>,
    /// Each appeal stage's decisions, in order.
    pub decisions: Vec<Decision>,
}

/// An appeal stage's decision on a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decision {
    pub stage: Stage,
    pub outcome: AppealOutcome,
    /// A response before it refused at least in part (anything but granted in full): the
    /// decision can overturn a refusal.
    pub on_refusal: bool,
}

impl Decision {
    fn overturns_refusal(&self) -> bool {
        self.on_refusal && self.outcome.overturns()
    }
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
    /// Decisions on a refusal.
    Decided(Stage),
    Overturned(Stage),
    /// Decisions on anything else.
    OtherDecision(Stage),
}

impl Measure {
    /// Reads "all", "in_time", "late", "withdrawn", "responded", "outcome:refused",
    /// "exemption:foia-s40-2", "decided:internal_review", "overturned:regulator" or
    /// "other_decision:regulator".
    pub fn parse(text: &str) -> Option<Measure> {
        let (head, tail) = text.split_once(':').unwrap_or((text, ""));
        Some(match (head, tail) {
            ("all" | "", "") => Measure::All,
            ("responded", "") => Measure::Responded,
            ("outcome", o) => Measure::Outcome(o.parse().ok()?),
            ("exemption", g) if super::exemptions::find(g).is_some() => Measure::Exemption(g.to_string()),
            ("decided", s) => Measure::Decided(s.parse().ok()?),
            ("overturned", s) => Measure::Overturned(s.parse().ok()?),
            ("other_decision", s) => Measure::OtherDecision(s.parse().ok()?),
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
            Measure::Decided(s) => r.decisions.iter().any(|d| d.stage == *s && d.on_refusal),
            Measure::Overturned(s) => r.decisions.iter().any(|d| d.stage == *s && d.overturns_refusal()),
            Measure::OtherDecision(s) => r.decisions.iter().any(|d| d.stage == *s && !d.on_refusal),
        }
    }
}

/// An appeal stage's decisions on a refusal and how many went against the authority.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, utoipa::ToSchema)]
pub struct StageRate {
    /// Decisions on a request refused at least in part.
    pub decided: u32,
    /// Of those, the decisions that went at least partly against the authority.
    pub overturned: u32,
    /// overturned / decided, if any were decided.
    pub rate: Option<f64>,
    /// Decisions on anything else (a delay, a full answer): not in the rate.
    pub other: u32,
}

/// The figures of one group of requests.
#[derive(Debug, Clone, PartialEq, Default, Serialize, utoipa::ToSchema)]
pub struct Figures {
    pub requests: u32,
    pub in_time: u32,
    pub in_time_beyond_norm: u32,
    pub late: u32,
    pub pending: u32,
    pub awaiting_clarification: u32,
    pub awaiting_fee: u32,
    pub withdrawn: u32,
    pub lapsed: u32,
    /// in_time / (in_time + in_time_beyond_norm + late), if any were one of them.
    pub in_time_share: Option<f64>,
    /// How many were answered, with the working days they took.
    pub responded: u32,
    pub median_working_days: Option<f64>,
    pub p90_working_days: Option<i64>,
    /// By outcome of the first response.
    pub outcomes: BTreeMap<String, u32>,
    /// By catalogue id: the requests whose responses cited it.
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

/// The entry of `key`, made if missing.
fn count<'a, T: Default>(map: &'a mut BTreeMap<String, T>, key: &str) -> &'a mut T {
    if !map.contains_key(key) {
        map.insert(key.to_string(), T::default());
    }
    map.get_mut(key).expect("just inserted")
}

/// The figures of `requests`.
pub fn figures<'a>(requests: impl IntoIterator<Item = &'a RequestFacts>) -> Figures {
    let mut tally = Tally::default();
    for r in requests {
        tally.add(r);
    }
    tally.finish()
}

/// Figures being counted: each request is added once, and a total is the sum of its groups'
/// tallies, so a summary of 100,000 requests reads each one once, not once per grouping.
#[derive(Debug, Default)]
struct Tally {
    figures: Figures,
    days: Vec<i64>,
}

impl Tally {
    fn add(&mut self, r: &RequestFacts) {
        let f = &mut self.figures;
        f.requests += 1;
        *f.of(r.timeliness) += 1;
        self.days.extend(r.working_days_to_respond);
        // Keys are made once per map, not once per request: a summary folds 100,000.
        if let Some(outcome) = r.first_outcome {
            *count(&mut f.outcomes, outcome.into()) += 1;
        }
        for (i, ground) in r.citations.iter().enumerate() {
            if !r.citations[..i].contains(ground) {
                *count(&mut f.exemptions, ground) += 1;
            }
        }
        for d in &r.decisions {
            let rate = count(&mut f.stages, d.stage.into());
            match d.on_refusal {
                true => rate.decided += 1,
                false => rate.other += 1,
            }
            rate.overturned += u32::from(d.overturns_refusal());
        }
    }

    fn merge(&mut self, other: &Tally) {
        let (f, o) = (&mut self.figures, &other.figures);
        f.requests += o.requests;
        f.in_time += o.in_time;
        f.in_time_beyond_norm += o.in_time_beyond_norm;
        f.late += o.late;
        f.pending += o.pending;
        f.awaiting_clarification += o.awaiting_clarification;
        f.awaiting_fee += o.awaiting_fee;
        f.withdrawn += o.withdrawn;
        f.lapsed += o.lapsed;
        for (outcome, n) in &o.outcomes {
            *count(&mut f.outcomes, outcome) += n;
        }
        for (ground, n) in &o.exemptions {
            *count(&mut f.exemptions, ground) += n;
        }
        for (stage, r) in &o.stages {
            let rate = count(&mut f.stages, stage);
            rate.decided += r.decided;
            rate.overturned += r.overturned;
            rate.other += r.other;
        }
        self.days.extend_from_slice(&other.days);
    }

    fn finish(mut self) -> Figures {
        let mut f = self.figures;
        self.days.sort_unstable();
        f.responded = self.days.len() as u32;
        f.median_working_days = median(&self.days);
        f.p90_working_days = p90(&self.days);
        f.in_time_share = share(f.in_time, f.in_time + f.in_time_beyond_norm + f.late);
        for rate in f.stages.values_mut() {
            rate.rate = share(rate.overturned, rate.decided);
        }
        f
    }
}

impl Figures {
    /// The count of requests of one timeliness.
    fn of(&mut self, timeliness: Timeliness) -> &mut u32 {
        match timeliness {
            Timeliness::InTime => &mut self.in_time,
            Timeliness::InTimeBeyondNorm => &mut self.in_time_beyond_norm,
            Timeliness::Late => &mut self.late,
            Timeliness::Pending => &mut self.pending,
            Timeliness::AwaitingClarification => &mut self.awaiting_clarification,
            Timeliness::AwaitingFee => &mut self.awaiting_fee,
            Timeliness::Withdrawn => &mut self.withdrawn,
            Timeliness::Lapsed => &mut self.lapsed,
        }
    }
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
    // Periods by their first day, which sorts as their names do; named once each at the end.
    let start = |date: NaiveDate| {
        match grouping {
            Grouping::Quarter => NaiveDate::from_ymd_opt(date.year(), date.month0() / 3 * 3 + 1, 1),
            Grouping::Year => NaiveDate::from_ymd_opt(date.year(), 1, 1),
        }
        .unwrap_or(date)
    };
    let mut by_row: BTreeMap<(i32, NaiveDate), Tally> = BTreeMap::new();
    for r in requests {
        by_row
            .entry((r.authority_id, start(r.received)))
            .or_default()
            .add(r);
    }
    let mut by_period: BTreeMap<NaiveDate, Tally> = BTreeMap::new();
    let mut total = Tally::default();
    for ((_, period), tally) in &by_row {
        by_period.entry(*period).or_default().merge(tally);
        total.merge(tally);
    }
    History {
        grouping,
        rows: by_row
            .into_iter()
            .map(|((authority_id, period), tally)| Row {
                authority_id,
                period: period_of(period, grouping),
                figures: tally.finish(),
            })
            .collect(),
        periods: by_period
            .into_iter()
            .map(|(period, tally)| PeriodTotal {
                period: period_of(period, grouping),
                figures: tally.finish(),
            })
            .collect(),
        total: total.finish(),
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

    /// The standing kept on one day reads, on every later day until its schedule next changes
    /// (when it is written again), as the schedule computed that day would: a deadline running,
    /// and one extended too late, whose answer was late from the original due date.
    #[test]
    fn a_kept_standing_reads_each_day_as_that_days_schedule() {
        use super::super::calendar::Calendar;
        use super::super::timeline::{schedule, Event, EventKind};
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        let received = Event::new(EventKind::Received, d("2026-03-02"));
        let late_extension = Event {
            extended_to: Some(d("2026-05-15")),
            ..Event::new(EventKind::Extension, d("2026-04-06"))
        };
        for (events, kept_on, read) in [
            (vec![received.clone()], d("2026-03-10"), Timeliness::Pending),
            (vec![received, late_extension], d("2026-04-07"), Timeliness::Late),
        ] {
            let calendar = Calendar::bundled();
            let kept = schedule(Regime::Foia, &events, calendar, kept_on).unwrap();
            let until = kept.next_change().expect("a deadline is running");
            let standing = standing(Regime::Foia, &kept);
            let mut day = kept_on;
            let mut seen = std::collections::BTreeSet::new();
            while day < until {
                let that_day = schedule(Regime::Foia, &events, calendar, day).unwrap();
                assert_eq!(standing.on(day), timeliness(Regime::Foia, &that_day), "{day}");
                seen.insert(standing.on(day));
                day = day.succ_opt().unwrap();
            }
            assert_eq!(seen, [read].into(), "{events:?}");
        }
    }

    /// A period's total and the total, summed from the rows' tallies, are the figures of
    /// their requests counted directly: every count, median, percentile, outcome, ground and
    /// stage, over requests of two authorities in three quarters.
    #[test]
    fn totals_summed_from_rows_are_the_figures_of_their_requests() {
        use strum::VariantArray;
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        let days = [
            "2025-01-15",
            "2025-03-30",
            "2025-05-02",
            "2025-06-30",
            "2025-08-11",
        ];
        let grounds = ["foia-s40-2", "foia-s31-1-a", "foia-s12-1"];
        let requests: Vec<RequestFacts> = (0..200)
            .map(|i: i32| {
                let n = i as usize;
                RequestFacts {
                    id: i,
                    authority_id: 1 + i % 2,
                    regime: Regime::Foia,
                    received: d(days[n % days.len()]),
                    timeliness: Timeliness::VARIANTS[n * 7 % Timeliness::VARIANTS.len()],
                    working_days_to_respond: (i % 3 != 0).then_some(i64::from(i * 13 % 41)),
                    first_outcome: (i % 4 != 0).then(|| Outcome::VARIANTS[n % Outcome::VARIANTS.len()]),
                    citations: grounds[..n % 4]
                        .iter()
                        .chain(&grounds[..n % 2])
                        .map(|g| g.to_string())
                        .collect(),
                    decisions: (0..n % 3)
                        .map(|k| Decision {
                            stage: Stage::VARIANTS[(n + k) % Stage::VARIANTS.len()],
                            outcome: AppealOutcome::VARIANTS[(n * 5 + k) % AppealOutcome::VARIANTS.len()],
                            on_refusal: (n + k).is_multiple_of(2),
                        })
                        .collect(),
                }
            })
            .collect();
        let h = history(&requests, Grouping::Quarter);
        assert_eq!(h.total, figures(&requests));
        assert_eq!(h.periods.len(), 3);
        for p in &h.periods {
            let of_period = requests
                .iter()
                .filter(|r| period_of(r.received, Grouping::Quarter) == p.period);
            assert_eq!(p.figures, figures(of_period), "{}", p.period);
        }
        assert_eq!(h.rows.len(), 6);
        assert!(h.total.exemptions.len() == 3 && !h.total.stages.is_empty() && h.total.responded > 0);
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
