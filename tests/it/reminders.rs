//! Reminder planning: which notice each deadline owes on which day, and who receives it.
//!
//! Every expected date is written by hand from a printed calendar and the bundled gov.uk
//! `data/bank-holidays.json`, never computed by the code under test. The days that matter:
//!
//! - Christmas 2025: Thu 25 and Fri 26 December (all); 2026: Thu 1 January (all), Fri 2
//!   January (Scotland only).
//! - Tue 17 March 2026: St Patrick's Day (Northern Ireland only).
//! - Easter 2026: Good Friday 3 April (all), Easter Monday 6 April (not in Scotland).
//! - Mon 4 May 2026 early May, Mon 25 May 2026 spring bank holiday (all).
//! - St Andrew's Day 2025 falls on a Sunday: Mon 1 December 2025 instead (Scotland).
//! - Christmas 2026: Fri 25 December, Boxing Day moved to Mon 28 December (all); 2027: Fri 1
//!   January (all), 2nd January moved to Mon 4 January (Scotland).
//!
//! FOIA and EIR count in the union of the three lists, FOISA and EI(S)R in Scotland's, and an
//! appeal to the First-tier Tribunal in England and Wales's.

use crate::common::{date, run};
use chrono::NaiveDate;
use foi_tracker::domain::calendar::{Calendar, CalendarKind};
use foi_tracker::domain::recipients::{address, dispatch, recipients, Preferences, Recipient};
use foi_tracker::domain::regime::Regime;
use foi_tracker::domain::reminders::{
    counting_calendar, owed, plan, DeadlineFacts, Delivery, Notice, NoticeKind, Stage, LAPSED_NOTICE_DAYS,
};
use foi_tracker::domain::timeline::{DeadlineKind, DeadlineState, Party};
use strum::VariantArray;

use DeadlineKind::{
    FeePayment, InternalReviewRequest, InternalReviewResponse, RegulatorComplaint, Response, TribunalAppeal,
};
use Regime::{Foia, Foisa};

const B5: Stage = Stage::FiveWorkingDaysBefore;
const B1: Stage = Stage::OneWorkingDayBefore;
const DAY: Stage = Stage::OnTheDay;
const LAPSED: Stage = Stage::Lapsed;

const fn missed(week: u32) -> Stage {
    Stage::Missed { week }
}

fn unsettled(regime: Regime, kind: DeadlineKind, due: &str) -> DeadlineFacts {
    settled(regime, kind, due, None)
}

fn settled(regime: Regime, kind: DeadlineKind, due: &str, state: Option<DeadlineState>) -> DeadlineFacts {
    DeadlineFacts {
        request_id: 1,
        position: 0,
        regime,
        kind,
        due: date(due),
        latest: None,
        settled: state,
    }
}

/// Each row: today, and the stage owed with the date it fell due, or `None`.
fn check(what: &str, deadline: DeadlineFacts, rows: &[(&str, Option<(Stage, &str)>)]) {
    let calendar = Calendar::bundled();
    for &(today, expected) in rows {
        let expected = expected.map(|(stage, on)| (stage, date(on)));
        assert_eq!(
            owed(&deadline, date(today), calendar),
            expected,
            "{what}, due {}, on {today}",
            deadline.due
        );
    }
}

#[test]
fn a_foia_response_due_after_easter_2026() {
    // Due Tue 7 April. Working days back: Thu 2, Wed 1, Tue 31, Mon 30 March, Fri 27 March
    // (Easter Monday, the weekend and Good Friday do not count).
    check(
        "FOIA response",
        unsettled(Foia, Response, "2026-04-07"),
        &[
            ("2026-03-26", None),
            ("2026-03-27", Some((B5, "2026-03-27"))),
            ("2026-03-30", Some((B5, "2026-03-27"))),
            ("2026-04-01", Some((B5, "2026-03-27"))),
            ("2026-04-02", Some((B1, "2026-04-02"))),
            // Good Friday and the weekend: still the 1-day notice, already sent.
            ("2026-04-03", Some((B1, "2026-04-02"))),
            // The cron fires on Easter Monday too.
            ("2026-04-06", Some((B1, "2026-04-02"))),
            ("2026-04-07", Some((DAY, "2026-04-07"))),
            ("2026-04-08", Some((missed(0), "2026-04-08"))),
            ("2026-04-14", Some((missed(0), "2026-04-08"))),
            ("2026-04-15", Some((missed(1), "2026-04-15"))),
            // Three weeks of sweeps lost: only the current week is owed, no backlog.
            ("2026-04-29", Some((missed(3), "2026-04-29"))),
            ("2026-05-06", Some((missed(4), "2026-05-06"))),
        ],
    );
}

#[test]
fn a_reply_is_reminded_of_once_it_has_waited_two_working_days_then_every_week() {
    use foi_tracker::domain::reply_kind::classify_by;
    let calendar = Calendar::bundled();
    // Arrived Thu 2 April 2026. Good Friday and Easter Monday are not working days under FOIA,
    // so its two working days are Tue 7 and Wed 8 April; in Scotland Easter Monday is one.
    let arrived = date("2026-04-02");
    assert_eq!(
        classify_by(calendar, CalendarKind::Foia, arrived),
        Some(date("2026-04-08"))
    );
    assert_eq!(
        classify_by(calendar, CalendarKind::Scotland, arrived),
        Some(date("2026-04-07"))
    );
    check(
        "FOIA reply to classify",
        unsettled(Foia, DeadlineKind::ClassifyReply, "2026-04-08"),
        &[
            // Nothing ahead of the date: waiting is news only once it is too long.
            ("2026-04-02", None),
            ("2026-04-07", None),
            ("2026-04-08", Some((DAY, "2026-04-08"))),
            ("2026-04-09", Some((missed(0), "2026-04-09"))),
            ("2026-04-15", Some((missed(0), "2026-04-09"))),
            ("2026-04-16", Some((missed(1), "2026-04-16"))),
        ],
    );
    assert_eq!(
        counting_calendar(Foisa, DeadlineKind::ClassifyReply),
        CalendarKind::Scotland,
        "counted in the request's own calendar"
    );
}

#[test]
fn a_foisa_review_request_lapses_only_after_the_law_s_limit() {
    // Advised by Fri 12 June 2026, by law by Wed 17 June (FOISA s.20(5)(a)): the reminders
    // lead up to the advised date; between the two nothing says the right has lapsed.
    let deadline = DeadlineFacts {
        latest: Some(date("2026-06-17")),
        ..unsettled(Foisa, InternalReviewRequest, "2026-06-12")
    };
    check(
        "FOISA review request",
        deadline,
        &[
            ("2026-06-05", Some((B5, "2026-06-05"))),
            ("2026-06-11", Some((B1, "2026-06-11"))),
            ("2026-06-12", Some((DAY, "2026-06-12"))),
            ("2026-06-15", None),
            ("2026-06-17", None),
            ("2026-06-18", Some((Stage::Lapsed, "2026-06-18"))),
            ("2026-07-17", Some((Stage::Lapsed, "2026-06-18"))),
            ("2026-07-18", None),
        ],
    );
}

#[test]
fn a_sweep_that_skipped_the_five_day_date_owes_only_the_one_day_notice() {
    // Due Tue 7 April 2026; no sweep ran from Fri 27 March (5 days before) to Thu 2 April.
    check(
        "FOIA response",
        unsettled(Foia, Response, "2026-04-07"),
        &[("2026-04-02", Some((B1, "2026-04-02")))],
    );
}

#[test]
fn missed_the_day_before_good_friday() {
    // Due Thu 2 April 2026. FOIA: Good Friday, the weekend and Easter Monday do not count, so
    // the first working day after is Tue 7 April. FOISA: Easter Monday is a working day in
    // Scotland, so it is Mon 6 April.
    check(
        "FOIA response",
        unsettled(Foia, Response, "2026-04-02"),
        &[
            ("2026-04-03", None),
            ("2026-04-06", None),
            ("2026-04-07", Some((missed(0), "2026-04-07"))),
            ("2026-04-14", Some((missed(1), "2026-04-14"))),
        ],
    );
    check(
        "FOISA response",
        unsettled(Foisa, Response, "2026-04-02"),
        &[
            ("2026-04-03", None),
            ("2026-04-06", Some((missed(0), "2026-04-06"))),
            ("2026-04-13", Some((missed(1), "2026-04-13"))),
        ],
    );
}

#[test]
fn a_foisa_response_counts_easter_monday_as_a_working_day() {
    // Due Tue 7 April 2026 in Scotland's calendar: Mon 6 April is 1 day before; then Thu 2,
    // Wed 1, Tue 31 and Mon 30 March (Good Friday does not count).
    check(
        "FOISA response",
        unsettled(Foisa, Response, "2026-04-07"),
        &[
            ("2026-03-27", None),
            ("2026-03-30", Some((B5, "2026-03-30"))),
            ("2026-04-02", Some((B5, "2026-03-30"))),
            ("2026-04-06", Some((B1, "2026-04-06"))),
            ("2026-04-07", Some((DAY, "2026-04-07"))),
        ],
    );
}

#[test]
fn a_foia_response_due_in_the_week_of_the_early_may_bank_holiday() {
    // Due Fri 8 May 2026. Back: Thu 7, Wed 6, Tue 5 May, (Mon 4 May and the weekend do not
    // count) Fri 1 May, Thu 30 April.
    check(
        "FOIA response",
        unsettled(Foia, Response, "2026-05-08"),
        &[
            ("2026-04-29", None),
            ("2026-04-30", Some((B5, "2026-04-30"))),
            ("2026-05-04", Some((B5, "2026-04-30"))),
            ("2026-05-07", Some((B1, "2026-05-07"))),
            ("2026-05-08", Some((DAY, "2026-05-08"))),
            // Passed, but the first notice waits for the first working day after.
            ("2026-05-09", None),
            ("2026-05-10", None),
            // Friday's "due today" never went (no sweep): Monday says "missed", not "due today".
            ("2026-05-11", Some((missed(0), "2026-05-11"))),
            ("2026-05-15", Some((missed(0), "2026-05-11"))),
            ("2026-05-18", Some((missed(1), "2026-05-18"))),
        ],
    );
}

#[test]
fn missed_on_the_friday_before_the_spring_bank_holiday() {
    // Due Fri 22 May 2026; Mon 25 May is a bank holiday, so the first notice is Tue 26 May.
    check(
        "FOIA response",
        unsettled(Foia, Response, "2026-05-22"),
        &[
            ("2026-05-25", None),
            ("2026-05-26", Some((missed(0), "2026-05-26"))),
            ("2026-06-01", Some((missed(0), "2026-05-26"))),
            ("2026-06-02", Some((missed(1), "2026-06-02"))),
        ],
    );
}

#[test]
fn weekly_notices_keep_their_weekday_even_on_a_bank_holiday() {
    // Due Fri 27 March 2026: week 0 is Mon 30 March, week 1 Easter Monday 6 April.
    check(
        "FOIA response",
        unsettled(Foia, Response, "2026-03-27"),
        &[
            ("2026-03-30", Some((missed(0), "2026-03-30"))),
            ("2026-04-06", Some((missed(1), "2026-04-06"))),
            ("2026-04-07", Some((missed(1), "2026-04-06"))),
            ("2026-04-13", Some((missed(2), "2026-04-13"))),
        ],
    );
}

#[test]
fn christmas_2026_with_boxing_day_on_monday_28_december() {
    // An internal review due Thu 24 December 2026. Back: Wed 23, Tue 22, Mon 21, Fri 18,
    // Thu 17. After: Christmas, the weekend and Mon 28 (Boxing Day, substitute) do not count:
    // Tue 29 December; a week later Tue 5 January 2027.
    check(
        "FOIA internal review",
        unsettled(Foia, InternalReviewResponse, "2026-12-24"),
        &[
            ("2026-12-16", None),
            ("2026-12-17", Some((B5, "2026-12-17"))),
            ("2026-12-23", Some((B1, "2026-12-23"))),
            ("2026-12-24", Some((DAY, "2026-12-24"))),
            ("2026-12-28", None),
            ("2026-12-29", Some((missed(0), "2026-12-29"))),
            ("2027-01-04", Some((missed(0), "2026-12-29"))),
            ("2027-01-05", Some((missed(1), "2027-01-05"))),
        ],
    );
    // A response due Tue 29 December 2026: 1 day before is Thu 24 December; 5 days before,
    // Fri 18 December (Thu 24, Wed 23, Tue 22, Mon 21, Fri 18).
    check(
        "FOIA response",
        unsettled(Foia, Response, "2026-12-29"),
        &[
            ("2026-12-17", None),
            ("2026-12-18", Some((B5, "2026-12-18"))),
            ("2026-12-24", Some((B1, "2026-12-24"))),
            ("2026-12-28", Some((B1, "2026-12-24"))),
            ("2026-12-29", Some((DAY, "2026-12-29"))),
        ],
    );
}

#[test]
fn foisa_counts_2_january_and_its_substitute() {
    // Due Mon 5 January 2026 in Scotland: Fri 2 and Thu 1 January do not count, so 1 day
    // before is Wed 31 December; then Tue 30, Mon 29, (25 and 26 do not count) Wed 24, Tue 23.
    check(
        "FOISA response",
        unsettled(Foisa, Response, "2026-01-05"),
        &[
            ("2025-12-22", None),
            ("2025-12-23", Some((B5, "2025-12-23"))),
            ("2025-12-31", Some((B1, "2025-12-31"))),
            ("2026-01-02", Some((B1, "2025-12-31"))),
            ("2026-01-05", Some((DAY, "2026-01-05"))),
            ("2026-01-06", Some((missed(0), "2026-01-06"))),
        ],
    );
    // Due Thu 31 December 2026: Fri 1 January, the weekend and Mon 4 January (2nd January,
    // substitute) do not count: Tue 5 January 2027.
    check(
        "FOISA response",
        unsettled(Foisa, Response, "2026-12-31"),
        &[
            ("2027-01-04", None),
            ("2027-01-05", Some((missed(0), "2027-01-05"))),
        ],
    );
}

#[test]
fn foisa_review_right_lapses_after_the_st_andrews_day_substitute() {
    // Due Fri 28 November 2025; St Andrew's Day (Sunday 30) is kept on Mon 1 December, so the
    // right is announced lapsed on Tue 2 December. Back: Thu 27, Wed 26, Tue 25, Mon 24, Fri 21.
    check(
        "FOISA review request",
        unsettled(Foisa, InternalReviewRequest, "2025-11-28"),
        &[
            ("2025-11-20", None),
            ("2025-11-21", Some((B5, "2025-11-21"))),
            ("2025-11-27", Some((B1, "2025-11-27"))),
            ("2025-11-28", Some((DAY, "2025-11-28"))),
            ("2025-12-01", None),
            ("2025-12-02", Some((LAPSED, "2025-12-02"))),
        ],
    );
}

#[test]
fn the_requesters_internal_review_request_approaches_then_lapses_once() {
    // Due Tue 26 May 2026, the day after the spring bank holiday. 1 day before: Fri 22 May;
    // 5 days before: Mon 18 May. Lapsed on Wed 27 May; still announced up to 30 days after
    // the due date (Thu 25 June), then never.
    assert_eq!(LAPSED_NOTICE_DAYS, 30);
    check(
        "FOIA review request",
        unsettled(Foia, InternalReviewRequest, "2026-05-26"),
        &[
            ("2026-05-15", None),
            ("2026-05-18", Some((B5, "2026-05-18"))),
            ("2026-05-22", Some((B1, "2026-05-22"))),
            ("2026-05-25", Some((B1, "2026-05-22"))),
            ("2026-05-26", Some((DAY, "2026-05-26"))),
            ("2026-05-27", Some((LAPSED, "2026-05-27"))),
            ("2026-06-25", Some((LAPSED, "2026-05-27"))),
            ("2026-06-26", None),
            ("2027-05-27", None),
        ],
    );
}

#[test]
fn a_regulator_complaint_due_on_a_saturday() {
    // 42 days with no move to a working day: due Sat 9 May 2026. 1 day before: Fri 8 May;
    // 5 days before: Fri 1 May (Thu 7, Wed 6, Tue 5, Mon 4 May does not count, Fri 1).
    // "On the day" is the Saturday itself, when no sweep runs; lapsed on Mon 11 May, and
    // announced until Mon 8 June (9 May + 30 days).
    check(
        "FOIA complaint to the ICO",
        unsettled(Foia, RegulatorComplaint, "2026-05-09"),
        &[
            ("2026-04-30", None),
            ("2026-05-01", Some((B5, "2026-05-01"))),
            ("2026-05-08", Some((B1, "2026-05-08"))),
            ("2026-05-09", Some((DAY, "2026-05-09"))),
            ("2026-05-10", None),
            ("2026-05-11", Some((LAPSED, "2026-05-11"))),
            ("2026-06-08", Some((LAPSED, "2026-05-11"))),
            ("2026-06-09", None),
        ],
    );
}

#[test]
fn an_unpaid_fee_due_on_the_sunday_before_a_bank_holiday() {
    // Three months beginning with the notice: due Sun 3 May 2026. 1 day before: Fri 1 May;
    // 5 days before: Mon 27 April. Mon 4 May does not count: lapsed on Tue 5 May.
    check(
        "FOIA fee",
        unsettled(Foia, FeePayment, "2026-05-03"),
        &[
            ("2026-04-27", Some((B5, "2026-04-27"))),
            ("2026-05-01", Some((B1, "2026-05-01"))),
            ("2026-05-04", None),
            ("2026-05-05", Some((LAPSED, "2026-05-05"))),
        ],
    );
}

#[test]
fn a_tribunal_appeal_counts_in_england_and_waless_calendar() {
    // Due Tue 6 January 2026. The tribunal works on Fri 2 January (a Scottish holiday only):
    // 1 day before Mon 5 January, then Fri 2, Wed 31, Tue 30, Mon 29 December 2025. In the
    // FOIA union, 5 days before would have been Wed 24 December.
    check(
        "FOIA appeal to the tribunal",
        unsettled(Foia, TribunalAppeal, "2026-01-06"),
        &[
            ("2025-12-24", None),
            ("2025-12-29", Some((B5, "2025-12-29"))),
            ("2026-01-02", Some((B5, "2025-12-29"))),
            ("2026-01-05", Some((B1, "2026-01-05"))),
            ("2026-01-06", Some((DAY, "2026-01-06"))),
            ("2026-01-07", Some((LAPSED, "2026-01-07"))),
            ("2026-02-05", Some((LAPSED, "2026-01-07"))),
            ("2026-02-06", None),
        ],
    );
    // Due Wed 18 March 2026: St Patrick's Day (Tue 17) is a working day for the tribunal but
    // not for a FOIA response.
    check(
        "FOIA appeal to the tribunal",
        unsettled(Foia, TribunalAppeal, "2026-03-18"),
        &[
            ("2026-03-10", None),
            ("2026-03-11", Some((B5, "2026-03-11"))),
            ("2026-03-16", Some((B5, "2026-03-11"))),
            ("2026-03-17", Some((B1, "2026-03-17"))),
        ],
    );
    check(
        "FOIA response",
        unsettled(Foia, Response, "2026-03-18"),
        &[
            // Back: Mon 16, Fri 13, Thu 12, Wed 11, Tue 10 March.
            ("2026-03-09", None),
            ("2026-03-10", Some((B5, "2026-03-10"))),
            ("2026-03-16", Some((B1, "2026-03-16"))),
            ("2026-03-17", Some((B1, "2026-03-16"))),
        ],
    );
}

#[test]
fn a_request_imported_long_after_its_deadline_was_missed_starts_at_its_current_week() {
    // Due Mon 6 January 2025; week 0 was Tue 7 January 2025. A year later: Tue 6 January 2026
    // is 364 days on, week 52; Mon 5 January 2026 is still week 51 (Tue 30 December 2025).
    check(
        "FOIA response",
        unsettled(Foia, Response, "2025-01-06"),
        &[
            ("2025-01-07", Some((missed(0), "2025-01-07"))),
            ("2026-01-05", Some((missed(51), "2025-12-30"))),
            ("2026-01-06", Some((missed(52), "2026-01-06"))),
        ],
    );
    // An old right lapsed long ago is never announced.
    check(
        "FOIA review request",
        unsettled(Foia, InternalReviewRequest, "2024-03-01"),
        &[("2026-05-01", None)],
    );
}

#[test]
fn settled_deadlines_owe_nothing() {
    use DeadlineState::{Lapsed, Met, Missed, Void};
    let rows = [
        // Met before its date, on its date, and looked at afterwards.
        (Foia, Response, "2026-04-07", Met, "2026-03-27"),
        (Foia, Response, "2026-04-07", Met, "2026-04-07"),
        (Foia, Response, "2026-04-07", Met, "2026-04-15"),
        // Missed, then answered late.
        (Foia, Response, "2026-04-07", Missed, "2026-04-15"),
        // Void: a clarification request stopped the clock; the request was withdrawn.
        (Foia, Response, "2026-04-07", Void, "2026-04-02"),
        (Foia, InternalReviewResponse, "2026-12-24", Void, "2026-12-29"),
        // The requester's right used in time, used late, or voided by a complaint.
        (Foia, InternalReviewRequest, "2026-05-26", Met, "2026-05-22"),
        (Foia, InternalReviewRequest, "2026-05-26", Lapsed, "2026-05-27"),
        (Foisa, InternalReviewRequest, "2025-11-28", Void, "2025-12-02"),
    ];
    for (regime, kind, due, state, today) in rows {
        check(
            &format!("{kind} settled {state}"),
            settled(regime, kind, due, Some(state)),
            &[(today, None)],
        );
    }
}

#[test]
fn facts_taken_from_a_real_schedule() {
    // Received Mon 9 March 2026: 20 working days, skipping St Patrick's Day, Good Friday and
    // Easter Monday, end on Thu 9 April. 5 days before: Tue 31 March (Wed 8, Tue 7, Thu 2,
    // Wed 1, Tue 31); first working day after: Fri 10 April.
    let calendar = Calendar::bundled();
    type Expected = Option<(Stage, &'static str)>;
    let rows: [(&[&str], &str, Expected); 4] = [
        (&["received@2026-03-09"], "2026-03-30", None),
        (&["received@2026-03-09"], "2026-04-02", Some((B5, "2026-03-31"))),
        (
            &["received@2026-03-09"],
            "2026-04-10",
            Some((missed(0), "2026-04-10")),
        ),
        (
            &["received@2026-03-09", "response@2026-04-08"],
            "2026-04-10",
            None,
        ),
    ];
    for (events, today, expected) in rows {
        let schedule = run(Foia, events, today);
        let response = schedule
            .deadlines
            .iter()
            .position(|d| d.kind == Response)
            .unwrap();
        let deadline = &schedule.deadlines[response];
        assert_eq!(deadline.due, date("2026-04-09"));
        let facts = DeadlineFacts::from_deadline(7, response as i32, Foia, deadline);
        assert_eq!(
            owed(&facts, date(today), calendar),
            expected.map(|(s, d)| (s, date(d))),
            "{events:?} on {today}"
        );
    }
}

#[test]
fn facts_judge_their_state_as_the_index_is_read() {
    let rows = [
        (
            unsettled(Foia, Response, "2026-04-07"),
            "2026-04-07",
            DeadlineState::Running,
        ),
        (
            unsettled(Foia, Response, "2026-04-07"),
            "2026-04-08",
            DeadlineState::Missed,
        ),
        (
            unsettled(Foia, InternalReviewRequest, "2026-05-26"),
            "2026-05-27",
            DeadlineState::Lapsed,
        ),
        (
            settled(Foia, Response, "2026-04-07", Some(DeadlineState::Met)),
            "2026-04-08",
            DeadlineState::Met,
        ),
    ];
    for (facts, today, expected) in rows {
        assert_eq!(facts.state(date(today)), expected, "{facts:?} on {today}");
    }
    assert_eq!(unsettled(Foia, Response, "2026-04-07").party(), Party::Authority);
    assert_eq!(
        unsettled(Foia, TribunalAppeal, "2026-04-07").party(),
        Party::Requester
    );
}

#[test]
fn each_deadline_counts_in_its_own_rules_calendar() {
    use CalendarKind::{EnglandAndWales, Foia as Union, Scotland};
    let rows = [
        (Regime::Foia, Response, Union),
        (Regime::Foia, InternalReviewResponse, Union),
        (Regime::Foia, RegulatorComplaint, Union),
        (Regime::Foia, TribunalAppeal, EnglandAndWales),
        (Regime::Foia, DeadlineKind::OnwardAppeal, EnglandAndWales),
        (Regime::Eir, InternalReviewRequest, Union),
        (Regime::Eir, TribunalAppeal, EnglandAndWales),
        (Regime::Foisa, Response, Scotland),
        (Regime::Foisa, FeePayment, Scotland),
        (Regime::Foisa, TribunalAppeal, Scotland),
        (Regime::Eisr, RegulatorComplaint, Scotland),
        (Regime::Sar, Response, Union),
    ];
    for (regime, kind, expected) in rows {
        assert_eq!(counting_calendar(regime, kind), expected, "{regime} {kind}");
    }
}

#[test]
fn stages_have_stable_keys_labels_and_json() {
    let rows = [
        (B5, "before_5", "\"five_working_days_before\""),
        (B1, "before_1", "\"one_working_day_before\""),
        (DAY, "on_the_day", "\"on_the_day\""),
        (missed(0), "missed_0", r#"{"missed":{"week":0}}"#),
        (missed(3), "missed_3", r#"{"missed":{"week":3}}"#),
        (LAPSED, "lapsed", "\"lapsed\""),
    ];
    for (stage, key, json) in rows {
        assert_eq!(stage.key(), key);
        assert_eq!(stage.to_string(), key);
        assert_eq!(Stage::from_key(key), Some(stage));
        assert_eq!(serde_json::to_string(&stage).unwrap(), json);
        assert_eq!(serde_json::from_str::<Stage>(json).unwrap(), stage);
    }
    for bad in [
        "missed_03",
        "missed_+3",
        "missed_",
        "missed_x",
        "before_2",
        "",
        "Lapsed",
    ] {
        assert_eq!(Stage::from_key(bad), None, "{bad:?}");
    }
    assert_eq!(missed(0).label(), "Missed");
    assert_eq!(missed(1).label(), "Missed, 1 week ago");
    assert_eq!(missed(4).label(), "Missed, 4 weeks ago");
    assert_eq!(B5.label(), "5 working days before the due date");
    assert_eq!(LAPSED.label(), "Lapsed unused");
}

#[test]
fn the_outbox_key_names_request_deadline_due_date_stage_and_recipient() {
    let notice = Notice {
        request_id: 42,
        position: 3,
        kind: Response,
        party: Party::Authority,
        due: date("2026-04-07"),
        stage: B5,
        scheduled: date("2026-03-27"),
    };
    assert_eq!(
        notice.outbox_key(7),
        "request/42/response/2026-04-07/before_5/user/7"
    );
    let later = Notice {
        kind: InternalReviewRequest,
        party: Party::Requester,
        stage: LAPSED,
        ..notice
    };
    assert_eq!(
        later.outbox_key(12),
        "request/42/internal_review_request/2026-04-07/lapsed/user/12"
    );
    let weekly = Notice {
        stage: missed(3),
        ..notice
    };
    assert_eq!(
        weekly.outbox_key(7),
        "request/42/response/2026-04-07/missed_3/user/7"
    );
}

#[test]
fn notice_kinds_follow_the_party_and_the_stage() {
    use NoticeKind::*;
    let rows = [
        (Party::Authority, B5, AuthorityApproaching),
        (Party::Authority, B1, AuthorityApproaching),
        (Party::Authority, DAY, AuthorityApproaching),
        (Party::Authority, missed(0), AuthorityMissed),
        (Party::Authority, missed(9), AuthorityMissed),
        (Party::Requester, B5, RequesterApproaching),
        (Party::Requester, DAY, RequesterApproaching),
        (Party::Requester, LAPSED, RequesterLapsed),
    ];
    for (party, stage, expected) in rows {
        assert_eq!(NoticeKind::of(party, stage), expected, "{party} {stage}");
    }
}

fn prefs(delivery: Delivery, kinds: &[NoticeKind], paused_until: Option<&str>) -> Preferences {
    Preferences {
        delivery,
        kinds: kinds.iter().copied().collect(),
        paused_until: paused_until.map(date),
    }
}

fn person(user_id: i32, preferences: Preferences) -> Recipient {
    Recipient {
        user_id,
        email: format!("user{user_id}@example.org"),
        preferences,
    }
}

#[test]
fn preferences_choose_kinds_and_pause_to_the_last_day_of_leave() {
    use NoticeKind::{AuthorityMissed, RequesterLapsed};
    let p = prefs(
        Delivery::Immediate,
        &[AuthorityMissed, RequesterLapsed],
        Some("2026-05-08"),
    );
    let rows = [
        (missed(0), Party::Authority, "2026-05-08", false),
        (missed(0), Party::Authority, "2026-05-09", true),
        (B5, Party::Authority, "2026-05-09", false),
        (DAY, Party::Authority, "2026-05-11", false),
        (LAPSED, Party::Requester, "2026-05-11", true),
        (B1, Party::Requester, "2026-05-11", false),
    ];
    for (stage, party, today, expected) in rows {
        assert_eq!(
            p.wants(stage, party, date(today)),
            expected,
            "{stage} {party} {today}"
        );
    }
    let everything = Preferences::default();
    assert_eq!(everything.delivery, Delivery::Immediate);
    assert_eq!(everything.kinds.len(), 4);
    assert!(everything.wants(B5, Party::Requester, date("2026-05-11")));
}

#[test]
fn who_hears_of_a_notice() {
    use NoticeKind::*;
    let all = [
        AuthorityApproaching,
        AuthorityMissed,
        RequesterApproaching,
        RequesterLapsed,
    ];
    let today = "2026-05-11";
    let active = prefs(Delivery::Immediate, &all, None);
    let away = prefs(Delivery::Immediate, &all, Some("2026-05-15"));
    let back = prefs(Delivery::Immediate, &all, Some("2026-05-10"));
    let no_missed = prefs(Delivery::Immediate, &[AuthorityApproaching], None);
    let away_no_missed = prefs(Delivery::Immediate, &[AuthorityApproaching], Some("2026-05-15"));
    let nothing = prefs(Delivery::Immediate, &[], None);

    // (case, owner, coordinators, stage, expected (user, pause overridden))
    type Row = (
        &'static str,
        Option<Recipient>,
        Vec<Recipient>,
        Stage,
        Vec<(i32, bool)>,
    );
    let rows: Vec<Row> = vec![
        (
            "everyone active",
            Some(person(1, active.clone())),
            vec![person(2, active.clone()), person(3, active.clone())],
            missed(0),
            vec![(1, false), (2, false), (3, false)],
        ),
        (
            "owner on leave, coordinators active: owner dropped",
            Some(person(1, away.clone())),
            vec![person(2, active.clone()), person(3, active.clone())],
            missed(0),
            vec![(2, false), (3, false)],
        ),
        (
            "owner back from leave yesterday",
            Some(person(1, back.clone())),
            vec![person(2, active.clone())],
            missed(0),
            vec![(1, false), (2, false)],
        ),
        (
            "everyone on leave: the coordinators still hear",
            Some(person(1, away.clone())),
            vec![person(2, away.clone()), person(3, away.clone())],
            missed(0),
            vec![(2, true), (3, true)],
        ),
        (
            "owner who is also a coordinator: one notice",
            Some(person(1, active.clone())),
            vec![person(1, active.clone()), person(2, active.clone())],
            B5,
            vec![(1, false), (2, false)],
        ),
        (
            "a coordinator listed twice: one notice",
            None,
            vec![person(2, active.clone()), person(2, active.clone())],
            B5,
            vec![(2, false)],
        ),
        (
            "owner on leave, coordinators turned this kind off: the owner still hears",
            Some(person(1, away.clone())),
            vec![person(2, no_missed.clone()), person(3, no_missed.clone())],
            missed(0),
            vec![(1, true)],
        ),
        (
            "owner on leave, the only recipient",
            Some(person(1, away.clone())),
            vec![],
            missed(2),
            vec![(1, true)],
        ),
        (
            "no one wants this kind: no one hears",
            Some(person(1, nothing.clone())),
            vec![person(2, no_missed.clone())],
            missed(0),
            vec![],
        ),
        (
            "kinds turned off are respected while others hear",
            Some(person(1, active.clone())),
            vec![person(2, no_missed.clone()), person(3, active.clone())],
            missed(0),
            vec![(1, false), (3, false)],
        ),
        (
            "no owner; one coordinator on leave, one active",
            None,
            vec![person(2, away.clone()), person(3, active.clone())],
            missed(0),
            vec![(3, false)],
        ),
        (
            "all on leave: only the one who wants this kind is overridden",
            None,
            vec![person(2, away.clone()), person(3, away_no_missed.clone())],
            missed(0),
            vec![(2, true)],
        ),
        (
            "all on leave, owner is a coordinator: both coordinators overridden",
            Some(person(1, away.clone())),
            vec![person(2, away.clone()), person(1, away.clone())],
            B1,
            vec![(1, true), (2, true)],
        ),
        ("no owner, no coordinators", None, vec![], B1, vec![]),
    ];
    for (case, owner, coordinators, stage, expected) in rows {
        let got: Vec<(i32, bool)> = recipients(
            owner.as_ref(),
            &coordinators,
            stage,
            Party::Authority,
            date(today),
        )
        .iter()
        .map(|a| (a.recipient.user_id, a.pause_overridden))
        .collect();
        assert_eq!(got, expected, "{case}");
    }
}

#[test]
fn a_mondays_sweep_split_into_immediate_notices_and_daily_digests() {
    // Monday 11 May 2026, the first sweep after the weekend.
    let calendar = Calendar::bundled();
    let today = date("2026-05-11");
    let all = NoticeKind::VARIANTS;
    let alice = person(1, prefs(Delivery::Immediate, all, None));
    let carol = person(2, prefs(Delivery::DailyDigest, all, None));
    let dan = person(3, prefs(Delivery::Immediate, all, Some("2026-05-15")));
    let bob = person(4, prefs(Delivery::DailyDigest, all, None));
    let coordinators = [carol.clone(), dan.clone()];

    let deadline = |request_id: i32, kind, due: &str, state| DeadlineFacts {
        request_id,
        position: 0,
        regime: Foia,
        kind,
        due: date(due),
        latest: None,
        settled: state,
    };
    let sweep = [
        // Missed on Friday 8 May: week 0 today.
        (deadline(10, Response, "2026-05-08", None), Some(&alice)),
        // Not owed until Mon 18 May.
        (
            deadline(11, InternalReviewRequest, "2026-05-26", None),
            Some(&alice),
        ),
        // Due Saturday 9 May, lapsed: announced today.
        (deadline(12, RegulatorComplaint, "2026-05-09", None), Some(&bob)),
        // Due Mon 18 May: 5 working days before is today.
        (deadline(13, Response, "2026-05-18", None), Some(&bob)),
        // Due Tue 12 May, no owner.
        (deadline(14, Response, "2026-05-12", None), None),
        // Met: nothing.
        (
            deadline(15, Response, "2026-05-08", Some(DeadlineState::Met)),
            Some(&alice),
        ),
    ];
    let mut addressed = Vec::new();
    for (facts, owner) in &sweep {
        if let Some(notice) = plan(facts, today, calendar) {
            addressed.extend(address(notice, *owner, &coordinators, today));
        }
    }
    let out = dispatch(addressed);

    let keys = |notices: &[foi_tracker::domain::recipients::Addressed]| -> Vec<String> {
        notices.iter().map(|a| a.outbox_key()).collect()
    };
    // Dan is on leave and Carol is not: Dan is left out everywhere.
    assert_eq!(
        keys(&out.immediate),
        ["request/10/response/2026-05-08/missed_0/user/1"]
    );
    let digests: Vec<(i32, Vec<String>)> = out
        .digests
        .iter()
        .map(|d| (d.recipient.user_id, keys(&d.notices)))
        .collect();
    assert_eq!(
        digests,
        [
            (
                2,
                vec![
                    "request/10/response/2026-05-08/missed_0/user/2".to_string(),
                    "request/12/regulator_complaint/2026-05-09/lapsed/user/2".to_string(),
                    "request/14/response/2026-05-12/before_1/user/2".to_string(),
                    "request/13/response/2026-05-18/before_5/user/2".to_string(),
                ]
            ),
            (
                4,
                vec![
                    "request/12/regulator_complaint/2026-05-09/lapsed/user/4".to_string(),
                    "request/13/response/2026-05-18/before_5/user/4".to_string(),
                ]
            ),
        ]
    );
    // The notices carry the day their stage fell due.
    let scheduled: Vec<(i32, NaiveDate)> = out.digests[0]
        .notices
        .iter()
        .map(|a| (a.notice.request_id, a.notice.scheduled))
        .collect();
    assert_eq!(
        scheduled,
        [
            (10, date("2026-05-11")),
            (12, date("2026-05-11")),
            (14, date("2026-05-11")),
            (13, date("2026-05-11")),
        ]
    );
}

#[test]
fn on_leave_with_a_digest_the_overridden_notice_still_goes_in_the_digest() {
    let today = date("2026-05-11");
    let carol = person(
        2,
        prefs(Delivery::DailyDigest, NoticeKind::VARIANTS, Some("2026-05-20")),
    );
    let coordinators = [carol];
    let notice = Notice {
        request_id: 20,
        position: 1,
        kind: Response,
        party: Party::Authority,
        due: date("2026-05-08"),
        stage: missed(0),
        scheduled: today,
    };
    let out = dispatch(address(notice, None, &coordinators, today));
    assert!(out.immediate.is_empty());
    assert_eq!(out.digests.len(), 1);
    assert_eq!(out.digests[0].recipient.user_id, 2);
    assert_eq!(out.digests[0].notices.len(), 1);
    assert!(out.digests[0].notices[0].to.pause_overridden);
}
