//! Invariants of the calendar and the engine over random dates from 1990 to 2099.

use chrono::{Datelike, Days, NaiveDate};
use foi_tracker::domain::calendar::{Calendar, CalendarKind, Division};
use foi_tracker::domain::regime::{Period, Regime, Rule};
use foi_tracker::domain::timeline::{schedule, DeadlineKind, Event, EventKind};
use proptest::prelude::*;

fn any_date() -> impl Strategy<Value = NaiveDate> {
    dates_until(2099)
}

/// A day from 1 January 1990 to 31 December of `last_year`.
fn dates_until(last_year: i32) -> impl Strategy<Value = NaiveDate> {
    let first = NaiveDate::from_ymd_opt(1990, 1, 1).unwrap();
    let span = (NaiveDate::from_ymd_opt(last_year, 12, 31).unwrap() - first).num_days() as u64;
    (0..=span).prop_map(move |offset| first + Days::new(offset))
}

fn any_regime() -> impl Strategy<Value = Regime> {
    prop::sample::select(vec![
        Regime::Foia,
        Regime::Eir,
        Regime::Foisa,
        Regime::Eisr,
        Regime::Sar,
    ])
}

fn any_kind() -> impl Strategy<Value = CalendarKind> {
    prop::sample::select(CalendarKind::ALL.to_vec())
}

/// Every rule of every regime that counts working days or moves to a working day.
fn working_day_rules() -> Vec<Rule> {
    let mut rules = Vec::new();
    for regime in [
        Regime::Foia,
        Regime::Eir,
        Regime::Foisa,
        Regime::Eisr,
        Regime::Sar,
    ] {
        rules.push(regime.response());
        rules.extend(regime.extended_response());
        rules.extend(regime.fee_payment());
        rules.extend(regime.review_request());
        if let Some((rule, latest)) = regime.review_response() {
            rules.push(rule);
            rules.extend(latest);
        }
        rules.extend(regime.regulator_complaint());
        rules.extend(regime.tribunal_appeal());
        rules.extend(regime.onward_appeal(false));
        rules.extend(regime.onward_appeal(true));
    }
    rules
        .into_iter()
        .filter(|r| {
            matches!(
                r.period,
                Period::WorkingDays(_)
                    | Period::Days { roll: true, .. }
                    | Period::MonthsAfter { roll: true, .. }
            )
        })
        .collect()
}

fn response_due(regime: Regime, received: NaiveDate) -> NaiveDate {
    let events = [Event::new(EventKind::Received, received)];
    let s = schedule(regime, &events, Calendar::bundled(), received).unwrap();
    s.deadlines
        .iter()
        .find(|d| d.kind == DeadlineKind::Response)
        .unwrap()
        .due
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn every_due_date_under_a_working_day_rule_is_a_working_day(
        start in any_date(),
        rule in prop::sample::select(working_day_rules()),
    ) {
        let calendar = Calendar::bundled();
        let due = rule.apply(calendar, start, 0).unwrap().due;
        prop_assert!(calendar.is_working_day(rule.calendar, due).unwrap(), "{rule:?} from {start} gave {due}");
        prop_assert!(due > start);
    }

    #[test]
    fn the_response_is_due_on_a_working_day_of_the_regime(regime in any_regime(), received in any_date()) {
        let due = response_due(regime, received);
        prop_assert!(Calendar::bundled().is_working_day(regime.calendar(), due).unwrap());
    }

    #[test]
    fn due_dates_never_decrease_as_receipt_moves_later(
        regime in any_regime(),
        received in any_date(),
        later_by in 0u64..40,
    ) {
        let later = received + Days::new(later_by);
        prop_assert!(response_due(regime, received) <= response_due(regime, later));
    }

    #[test]
    fn counting_the_working_days_to_the_due_date_gives_back_n(
        kind in any_kind(),
        // 260 working days is about a year: the calendar ends with 2100, so the count must
        // start by the end of 2098 to stay inside it.
        start in dates_until(2098),
        n in 0u32..=260,
    ) {
        let calendar = Calendar::bundled();
        let due = calendar.add_working_days(kind, start, n).unwrap();
        prop_assert_eq!(calendar.working_days_between(kind, start, due).unwrap(), i64::from(n));
    }

    #[test]
    fn the_index_agrees_with_a_day_by_day_count(kind in any_kind(), start in any_date(), n in 1u32..=60) {
        let calendar = Calendar::bundled();
        let mut day = start;
        let mut counted = 0;
        while counted < n {
            day = day.succ_opt().unwrap();
            if calendar.non_working_reason(kind, day).is_none() {
                counted += 1;
            }
        }
        prop_assert_eq!(calendar.add_working_days(kind, start, n).unwrap(), day);
    }

    #[test]
    fn the_foia_calendar_excludes_every_day_any_division_excludes(day in any_date()) {
        let calendar = Calendar::bundled();
        let foia_working = calendar.is_working_day(CalendarKind::Foia, day).unwrap();
        for kind in [CalendarKind::Scotland, CalendarKind::EnglandAndWales] {
            if !calendar.is_working_day(kind, day).unwrap() {
                prop_assert!(!foia_working, "{day} is off in {kind:?} but a FOIA working day");
            }
        }
        for division in Division::ALL {
            if calendar.holidays(division, day.year()).iter().any(|h| h.date == day) {
                prop_assert!(!foia_working, "{day} is a holiday in {division:?} but a FOIA working day");
            }
        }
    }
}

proptest! {
    #[test]
    fn subtracting_n_working_days_undoes_adding_them(kind in any_kind(), start in any_date(), n in 1u32..=100) {
        let calendar = Calendar::bundled();
        let working_start = calendar.working_day_on_or_after(kind, start).unwrap();
        let later = calendar.add_working_days(kind, working_start, n).unwrap();
        prop_assert_eq!(calendar.subtract_working_days(kind, later, n).unwrap(), working_start);
    }
}
