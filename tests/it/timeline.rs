//! How events move a request's status and settle its deadlines, beyond the worked examples.

use crate::common::{date, run};
use chrono::NaiveDate;
use foi_tracker::domain::calendar::Calendar;
use foi_tracker::domain::regime::Regime;
use foi_tracker::domain::timeline::{
    schedule, Deadline, DeadlineKind, DeadlineState, Event, EventKind, Party, Schedule, Status,
};

fn all(s: &Schedule, kind: DeadlineKind) -> Vec<&Deadline> {
    s.deadlines.iter().filter(|d| d.kind == kind).collect()
}

fn states(s: &Schedule) -> Vec<(DeadlineKind, NaiveDate, DeadlineState)> {
    s.deadlines.iter().map(|d| (d.kind, d.due, d.state)).collect()
}

use DeadlineKind::*;
use DeadlineState::*;
use Regime::*;

#[test]
fn a_draft_has_no_deadlines() {
    let s = run(Foia, &["note@2026-01-01"], "2026-11-28");
    assert_eq!(s.status, Status::Draft);
    assert!(s.deadlines.is_empty());
    assert_eq!(s.received, None);
}

#[test]
fn an_unanswered_request_is_overdue_from_the_day_after_the_deadline() {
    let on_the_day = run(Foia, &["received@2026-01-12"], "2026-02-09");
    assert_eq!(states(&on_the_day), [(Response, date("2026-02-09"), Running)]);
    assert!(!on_the_day.overdue);

    let day_after = run(Foia, &["received@2026-01-12"], "2026-02-10");
    assert_eq!(states(&day_after), [(Response, date("2026-02-09"), Missed)]);
    assert!(day_after.overdue);
    assert_eq!(day_after.deadlines[0].working_days_late, Some(1));
    assert!(day_after.prompts[0].contains("complain to the ICO now"));
}

#[test]
fn a_late_response_is_missed_by_the_working_days_it_took() {
    let s = run(
        Foia,
        &["received@2019-03-04", "response@2019-04-24"],
        "2019-05-01",
    );
    let response = all(&s, Response)[0];
    assert_eq!(response.state, Missed);
    // 3 to 24 April 2019 has 14 FOIA working days: Good Friday 19 and Easter Monday 22 do not count.
    assert_eq!(response.working_days_late, Some(14));
    assert_eq!(response.settled_on, Some(date("2019-04-24")));
    assert!(!s.overdue, "the response came, late");
    assert_eq!(s.status, Status::Responded);
}

#[test]
fn clarification_voids_the_first_deadline_and_starts_afresh() {
    let s = run(
        Foia,
        &["received@2026-01-05", "clarification_requested@2026-01-09"],
        "2026-03-01",
    );
    assert_eq!(s.status, Status::AwaitingClarification);
    assert_eq!(states(&s), [(Response, date("2026-02-02"), Void)]);
    assert!(!s.overdue);
    assert!(s.deadlines[0]
        .note
        .as_deref()
        .unwrap()
        .contains("asked for clarification"));

    let s = run(
        Foia,
        &[
            "received@2026-01-05",
            "clarification_requested@2026-01-09",
            "clarification_provided@2026-01-14",
        ],
        "2026-01-15",
    );
    assert_eq!(s.status, Status::AwaitingResponse);
    assert_eq!(
        states(&s),
        [
            (Response, date("2026-02-02"), Void),
            (Response, date("2026-02-11"), Running)
        ]
    );
    assert_eq!(all(&s, Response)[1].from, date("2026-01-14"));
}

#[test]
fn clarification_asked_after_the_deadline_leaves_it_missed() {
    let s = run(
        Eir,
        &["received@2026-01-05", "clarification_requested@2026-02-04"],
        "2026-02-05",
    );
    let first = all(&s, Response)[0];
    assert_eq!(first.state, Missed);
    assert_eq!(first.working_days_late, Some(2));
}

#[test]
fn closing_voids_running_requester_deadlines_and_keeps_history() {
    let s = run(
        Foia,
        &["received@2026-01-05", "response@2026-01-30", "closed@2026-02-10"],
        "2026-11-28",
    );
    assert_eq!(s.status, Status::Closed);
    assert_eq!(
        states(&s),
        [
            (Response, date("2026-02-02"), Met),
            (InternalReviewRequest, date("2026-03-30"), Void)
        ]
    );
    assert_eq!(s.running().count(), 0);
    assert!(!s.overdue);
}

#[test]
fn withdrawing_an_overdue_request_keeps_the_miss() {
    let s = run(
        Foia,
        &["received@2026-01-05", "withdrawn@2026-02-05"],
        "2026-11-28",
    );
    assert_eq!(s.status, Status::Withdrawn);
    assert_eq!(states(&s), [(Response, date("2026-02-02"), Missed)]);
    assert_eq!(s.deadlines[0].working_days_late, Some(3));
    assert!(!s.overdue, "a withdrawn request owes nothing");
}

#[test]
fn an_unused_right_lapses_and_a_late_one_is_marked() {
    let s = run(
        Foia,
        &["received@2026-01-05", "response@2026-01-30"],
        "2026-11-28",
    );
    let review = all(&s, InternalReviewRequest)[0];
    assert_eq!((review.state, review.party), (Lapsed, Party::Requester));
    assert!(
        !s.overdue,
        "a requester's lapsed right does not make the request overdue"
    );

    let s = run(
        Foia,
        &[
            "received@2026-01-05",
            "response@2026-01-30",
            "internal_review_requested@2026-04-01",
        ],
        "2026-04-02",
    );
    let review = all(&s, InternalReviewRequest)[0];
    // 40 working days after 30 January, St Patrick's Day not counted.
    assert_eq!(review.due, date("2026-03-30"));
    assert_eq!(review.state, Lapsed);
    assert_eq!(review.working_days_late, Some(2));
    assert_eq!(s.status, Status::InInternalReview);
}

#[test]
fn a_fuller_later_response_restarts_the_time_to_ask_for_review() {
    let s = run(
        Foia,
        &[
            "received@2026-01-05",
            "response@2026-01-30",
            "response@2026-02-20",
        ],
        "2026-02-21",
    );
    assert_eq!(
        states(&s),
        [
            (Response, date("2026-02-02"), Met),
            (InternalReviewRequest, date("2026-03-30"), Void),
            (InternalReviewRequest, date("2026-04-22"), Running),
        ]
    );
}

#[test]
fn foia_review_is_judged_on_its_target_with_the_outer_limit_beside_it() {
    let events = [
        "received@2026-01-05",
        "response@2026-01-30",
        "internal_review_requested@2026-02-02",
    ];
    let s = run(Foia, &events, "2026-03-03");
    let review = all(&s, InternalReviewResponse)[0];
    assert_eq!(
        (review.due, review.latest),
        (date("2026-03-02"), Some(date("2026-03-31")))
    );
    assert_eq!(review.state, Missed);
    assert!(s.overdue);
    assert!(
        s.prompts.is_empty(),
        "within the outer limit there is no prompt to go to the ICO"
    );

    let s = run(Foia, &events, "2026-04-01");
    assert!(s.prompts[0].contains("more than 40 working days"));
}

#[test]
fn foisa_silence_opens_the_review_and_then_the_commissioner() {
    let s = run(Foisa, &["received@2026-03-20"], "2026-04-21");
    assert!(s.overdue);
    assert_eq!(
        states(&s),
        [
            (Response, date("2026-04-20"), Missed),
            (InternalReviewRequest, date("2026-06-17"), Running)
        ]
    );

    let s = run(
        Foisa,
        &["received@2026-03-20", "internal_review_requested@2026-05-04"],
        "2026-06-20",
    );
    assert_eq!(
        states(&s),
        [
            (Response, date("2026-04-20"), Missed),
            (InternalReviewRequest, date("2026-06-17"), Met),
            // 20 Scottish working days from 4 May: the spring holiday of 25 May does not count.
            (InternalReviewResponse, date("2026-06-02"), Missed),
            // Six months after the review fell due (s.47(4)(b)).
            (RegulatorComplaint, date("2026-12-02"), Running),
        ]
    );
    assert_eq!(s.status, Status::InInternalReview);
}

#[test]
fn a_paid_fee_after_the_deadline_changes_nothing_it_cannot() {
    // A fees notice given after day 20 cannot stop a clock that has already run out.
    let s = run(
        Foia,
        &["received@2026-01-05", "fee_notice@2026-02-05"],
        "2026-02-06",
    );
    assert_eq!(all(&s, Response)[0].state, Missed);
    assert!(s.overdue);
}

#[test]
fn a_subject_access_fee_restarts_the_month() {
    let s = run(
        Sar,
        &[
            "received@2026-01-05",
            "fee_notice@2026-01-08",
            "fee_paid@2026-01-20",
        ],
        "2026-01-21",
    );
    assert_eq!(states(&s), [(Response, date("2026-02-20"), Running)]);
    assert_eq!(s.deadlines[0].from, date("2026-01-20"));
}

#[test]
fn a_subject_access_response_prompts_a_complaint_without_a_date() {
    let s = run(Sar, &["received@2026-07-01", "response@2026-07-20"], "2026-07-21");
    // 1 August 2026 is a Saturday and 3 August Scotland's summer holiday, a FOIA non-working day.
    assert_eq!(states(&s), [(Response, date("2026-08-04"), Met)]);
    assert!(s.prompts[0].contains("s.164A"));
}

#[test]
fn the_upper_tribunal_after_a_refusal_of_permission() {
    let s = run(
        Eir,
        &[
            "received@2026-01-05",
            "response@2026-01-30",
            "internal_review_requested@2026-02-10",
            "internal_review_response@2026-03-02",
            "regulator_complaint@2026-03-10",
            "regulator_decision@2026-04-20",
            "tribunal_appeal@2026-05-01",
            "tribunal_decision@2026-06-10",
            "onward_appeal@2026-06-20",
            "tribunal_decision@2026-07-31",
        ],
        "2026-08-01",
    );
    let onward = all(&s, OnwardAppeal);
    assert_eq!(onward.len(), 2);
    assert_eq!((onward[0].due, onward[0].state), (date("2026-07-08"), Met));
    // One month after 31 July is 31 August 2026, the summer bank holiday in England and Wales.
    assert_eq!((onward[1].due, onward[1].state), (date("2026-09-01"), Running));
}

#[test]
fn same_day_events_keep_their_recorded_order() {
    let calendar = Calendar::bundled();
    let received = Event::new(EventKind::Received, date("2026-01-05"));
    let asked = Event::new(EventKind::ClarificationRequested, date("2026-01-09"));
    let provided = Event::new(EventKind::ClarificationProvided, date("2026-01-09"));
    let ok = schedule(
        Foia,
        &[received.clone(), asked.clone(), provided.clone()],
        calendar,
        date("2026-01-10"),
    );
    assert_eq!(ok.unwrap().status, Status::AwaitingResponse);
    let error = schedule(Foia, &[received, provided, asked], calendar, date("2026-01-10")).unwrap_err();
    assert!(
        error.to_string().contains("no clarification was asked for"),
        "{error}"
    );
}

#[test]
fn an_extended_date_must_be_an_extension_and_after_the_deadline() {
    let calendar = Calendar::bundled();
    let received = Event::new(EventKind::Received, date("2026-01-05"));
    let mut early = Event::new(EventKind::Extension, date("2026-01-20"));
    early.extended_to = Some(date("2026-01-30"));
    let error = schedule(Foia, &[received.clone(), early], calendar, date("2026-01-21")).unwrap_err();
    assert!(
        error
            .to_string()
            .contains("not after the deadline it extends (2026-02-02)"),
        "{error}"
    );

    let mut eir = Event::new(EventKind::Extension, date("2026-01-20"));
    eir.extended_to = Some(date("2026-04-30"));
    let error = schedule(Eir, &[received.clone(), eir], calendar, date("2026-01-21")).unwrap_err();
    assert!(
        error
            .to_string()
            .contains("only a FOIA public interest extension"),
        "{error}"
    );

    let mut response = Event::new(EventKind::Response, date("2026-01-20"));
    response.extended_to = Some(date("2026-04-30"));
    let error = schedule(Foia, &[received, response], calendar, date("2026-01-21")).unwrap_err();
    assert!(
        error
            .to_string()
            .contains("only an extension carries an extended date"),
        "{error}"
    );
}
