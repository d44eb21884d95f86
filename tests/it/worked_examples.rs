//! Every worked example in DEADLINES.md, with the expected dates written by hand.

use crate::common::{date, run};
use chrono::NaiveDate;
use foi_tracker::domain::calendar::Calendar;
use foi_tracker::domain::regime::Regime;
use foi_tracker::domain::timeline::{
    schedule, Deadline, DeadlineKind, DeadlineState, Event, EventKind, Schedule, Status,
};

/// The only deadline of `kind` not voided, or the one in `state`.
fn deadline(s: &Schedule, kind: DeadlineKind) -> &Deadline {
    let found: Vec<&Deadline> = s
        .deadlines
        .iter()
        .filter(|d| d.kind == kind && d.state != DeadlineState::Void)
        .collect();
    assert_eq!(found.len(), 1, "one live {kind} deadline in {:#?}", s.deadlines);
    found[0]
}

fn due(s: &Schedule, kind: DeadlineKind) -> NaiveDate {
    deadline(s, kind).due
}

use DeadlineKind::*;
use Regime::*;

#[test]
fn first_response_under_foia_and_foisa() {
    // (regime, received, due, why)
    let table = [
        (
            Foia,
            "2019-03-04",
            "2019-04-02",
            "2019-03-18 is NI's substitute St Patrick's Day",
        ),
        (Foia, "2026-01-09", "2026-02-06", "a Friday"),
        (
            Foia,
            "2026-01-10",
            "2026-02-06",
            "a Saturday: as the Friday before",
        ),
        (Foia, "2026-01-12", "2026-02-09", "a Monday"),
        (
            Foia,
            "2025-12-10",
            "2026-01-13",
            "skips 25, 26 Dec, 1 Jan and Scotland's 2 Jan",
        ),
        (
            Foia,
            "2026-03-20",
            "2026-04-21",
            "skips Good Friday and Easter Monday",
        ),
        (
            Foisa,
            "2026-03-20",
            "2026-04-20",
            "Easter Monday is not a Scottish bank holiday",
        ),
        (
            Foia,
            "2026-06-29",
            "2026-07-28",
            "skips NI's substitute Boyne holiday",
        ),
        (Foisa, "2026-06-29", "2026-07-27", "Scotland has no Boyne holiday"),
        (Foia, "2026-11-10", "2026-12-09", "skips St Andrew's Day"),
        (
            Foia,
            "2022-05-20",
            "2022-06-21",
            "skips the proclaimed 2 and 3 June 2022",
        ),
        (
            Foia,
            "2019-07-07",
            "2019-08-06",
            "skips NI's 12 July and Scotland's 5 August",
        ),
    ];
    for (regime, received, expected, why) in table {
        let s = run(regime, &[&format!("received@{received}")], "2019-01-01");
        assert_eq!(
            due(&s, Response),
            date(expected),
            "{regime} received {received}: {why}"
        );
        assert_eq!(deadline(&s, Response).state, DeadlineState::Running);
    }
}

#[test]
fn the_skipped_days_are_named() {
    let s = run(Foia, &["received@2019-03-04"], "2019-03-05");
    let skipped = &deadline(&s, Response).skipped;
    assert_eq!(skipped.len(), 1);
    assert_eq!(skipped[0].date, date("2019-03-18"));
    assert_eq!(
        skipped[0].reason,
        "St Patrick’s Day, substitute day (Northern Ireland)"
    );

    let s = run(Foia, &["received@2025-12-10"], "2025-12-11");
    let reasons: Vec<(NaiveDate, &str)> = deadline(&s, Response)
        .skipped
        .iter()
        .map(|d| (d.date, d.reason.as_str()))
        .collect();
    assert_eq!(
        reasons,
        [
            (date("2025-12-25"), "Christmas Day (all of the UK)"),
            (date("2025-12-26"), "Boxing Day (all of the UK)"),
            (date("2026-01-01"), "New Year’s Day (all of the UK)"),
            (date("2026-01-02"), "2nd January (Scotland)"),
        ]
    );
}

#[test]
fn whatdotheyknow_587648_was_answered_on_time() {
    let s = run(
        Foia,
        &["received@2019-07-07", "response@2019-08-05"],
        "2019-09-01",
    );
    let response = deadline(&s, Response);
    assert_eq!(response.due, date("2019-08-06"));
    assert_eq!(response.state, DeadlineState::Met);
    assert_eq!(s.status, Status::Responded);
    assert!(!s.overdue);
}

#[test]
fn a_paid_fee_disregards_the_working_days_it_was_awaited() {
    let s = run(
        Foia,
        &[
            "received@2026-01-05",
            "fee_notice@2026-01-12",
            "fee_paid@2026-01-20",
        ],
        "2026-01-21",
    );
    assert_eq!(
        due(&s, Response),
        date("2026-02-11"),
        "7 working days disregarded"
    );
    assert_eq!(deadline(&s, FeePayment).state, DeadlineState::Met);
    let without = run(Foia, &["received@2026-01-05"], "2026-01-21");
    assert_eq!(due(&without, Response), date("2026-02-02"));
}

#[test]
fn public_interest_extension_without_a_date_runs_to_the_40th_working_day() {
    let s = run(
        Foia,
        &["received@2026-01-05", "extension@2026-01-20"],
        "2026-01-21",
    );
    let response = deadline(&s, Response);
    assert_eq!(response.due, date("2026-03-02"));
    assert_eq!(response.original_due, Some(date("2026-02-02")));
    assert!(!response.late_extension);
    assert!(!response.beyond_ico_norm);
}

#[test]
fn an_extension_notified_after_day_20_is_late() {
    let s = run(
        Foia,
        &["received@2026-01-05", "extension@2026-02-04"],
        "2026-02-05",
    );
    let response = deadline(&s, Response);
    assert_eq!(response.original_due, Some(date("2026-02-02")));
    assert!(response.late_extension);
}

#[test]
fn foia_internal_review_request_review_and_complaint() {
    let s = run(
        Foia,
        &["received@2026-02-02", "response@2026-03-02"],
        "2026-03-03",
    );
    assert_eq!(
        due(&s, InternalReviewRequest),
        date("2026-04-30"),
        "40 working days"
    );

    let s = run(
        Foia,
        &[
            "received@2026-02-02",
            "response@2026-02-27",
            "internal_review_requested@2026-03-02",
        ],
        "2026-03-03",
    );
    let review = deadline(&s, InternalReviewResponse);
    assert_eq!(review.due, date("2026-03-31"), "20 working days");
    assert_eq!(review.latest, Some(date("2026-04-30")), "40 working days");

    let s = run(
        Foia,
        &[
            "received@2026-01-05",
            "response@2026-01-30",
            "internal_review_requested@2026-02-10",
            "internal_review_response@2026-03-02",
        ],
        "2026-03-03",
    );
    assert_eq!(due(&s, RegulatorComplaint), date("2026-04-13"), "42 days");
}

/// A FOIA request from receipt to the tribunal's written reasons.
fn foia_to(last: &[&str]) -> Vec<String> {
    let mut events: Vec<String> = [
        "received@2026-01-05",
        "response@2026-01-30",
        "internal_review_requested@2026-02-10",
        "internal_review_response@2026-03-02",
        "regulator_complaint@2026-03-10",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    events.extend(last.iter().map(|s| s.to_string()));
    events
}

#[test]
fn tribunal_appeal_ending_on_christmas_day_moves_to_the_next_working_day() {
    let events = foia_to(&["regulator_decision@2026-11-27"]);
    let events: Vec<&str> = events.iter().map(String::as_str).collect();
    let s = run(Foia, &events, "2026-11-28");
    let appeal = deadline(&s, TribunalAppeal);
    assert_eq!(appeal.due, date("2026-12-29"));
    let skipped: Vec<NaiveDate> = appeal.skipped.iter().map(|d| d.date).collect();
    assert_eq!(
        skipped,
        [
            date("2026-12-25"),
            date("2026-12-26"),
            date("2026-12-27"),
            date("2026-12-28")
        ]
    );
    assert_eq!(s.status, Status::WithRegulator);
}

#[test]
fn permission_to_appeal_after_written_reasons() {
    let events = foia_to(&[
        "regulator_decision@2026-04-20",
        "tribunal_appeal@2026-05-01",
        "tribunal_decision@2026-06-10",
    ]);
    let events: Vec<&str> = events.iter().map(String::as_str).collect();
    let s = run(Foia, &events, "2026-06-11");
    assert_eq!(due(&s, OnwardAppeal), date("2026-07-08"), "28 days");
    assert_eq!(deadline(&s, TribunalAppeal).state, DeadlineState::Met);
    assert_eq!(s.status, Status::AtTribunal);
}

#[test]
fn eir_complex_and_voluminous_extension() {
    let s = run(
        Eir,
        &["received@2026-06-01", "extension@2026-06-15"],
        "2026-06-16",
    );
    assert_eq!(due(&s, Response), date("2026-07-28"));
}

#[test]
fn subject_access_in_calendar_months() {
    let s = run(Sar, &["received@2026-01-31"], "2026-02-01");
    let response = deadline(&s, Response);
    assert_eq!(
        response.due,
        date("2026-03-02"),
        "no 31 Feb; 28 Feb 2026 is a Saturday"
    );
    let skipped: Vec<NaiveDate> = response.skipped.iter().map(|d| d.date).collect();
    assert_eq!(skipped, [date("2026-02-28"), date("2026-03-01")]);

    let s = run(
        Sar,
        &["received@2026-01-31", "extension@2026-02-10"],
        "2026-02-11",
    );
    assert_eq!(due(&s, Response), date("2026-04-30"));

    let s = run(Sar, &["received@2026-03-31"], "2026-04-01");
    assert_eq!(due(&s, Response), date("2026-04-30"));
}

#[test]
fn subject_access_paused_while_identity_is_awaited() {
    let s = run(
        Sar,
        &[
            "received@2026-03-02",
            "clarification_requested@2026-03-05",
            "clarification_provided@2026-03-12",
        ],
        "2026-03-13",
    );
    assert_eq!(
        due(&s, Response),
        date("2026-04-10"),
        "8 days paused: 2026-04-02 + 8"
    );
    assert_eq!(s.status, Status::AwaitingResponse);
}

#[test]
fn foisa_review_and_commissioner() {
    let s = run(
        Foisa,
        &["received@2026-03-20", "response@2026-04-15"],
        "2026-04-16",
    );
    // Answered on 15 April, five days before it was due on 20 April: the Commissioner's
    // date (40 Scottish working days after receipt, skipping 4 and 25 May) comes first, the
    // statute's (40 after the due date) is the outer limit.
    let review = deadline(&s, InternalReviewRequest);
    assert_eq!(
        (review.from, review.due, review.latest),
        (date("2026-04-15"), date("2026-06-12"), Some(date("2026-06-17"))),
        "advised 40 working days after receipt, by law 40 after the due date (s.20(5)(a))"
    );
    assert!(!review.statutory, "the earlier date is the Commissioner's advice");
    assert!(
        review.rule.contains("Scottish Information Commissioner") && review.rule.contains("FOISA s.20(5)(a)"),
        "each date explained with its source: {}",
        review.rule
    );

    let s = run(
        Foisa,
        &["received@2026-03-20", "response@2026-05-01"],
        "2026-05-02",
    );
    assert_eq!(deadline(&s, Response).state, DeadlineState::Missed);
    assert_eq!(due(&s, InternalReviewRequest), date("2026-06-30"), "s.20(5)(b)");

    let s = run(
        Foisa,
        &[
            "received@2026-04-20",
            "response@2026-05-15",
            "internal_review_requested@2026-06-01",
        ],
        "2026-06-02",
    );
    assert_eq!(
        due(&s, InternalReviewResponse),
        date("2026-06-29"),
        "20 Scottish working days"
    );

    let s = run(
        Foisa,
        &[
            "received@2026-06-01",
            "response@2026-06-26",
            "internal_review_requested@2026-08-03",
            "internal_review_response@2026-08-31",
        ],
        "2026-09-01",
    );
    assert_eq!(
        due(&s, RegulatorComplaint),
        date("2027-02-28"),
        "6 months, no 31 Feb"
    );

    let s = run(
        Foisa,
        &[
            "received@2026-06-01",
            "response@2026-06-26",
            "internal_review_requested@2026-07-06",
            "internal_review_response@2026-07-31",
            "regulator_complaint@2026-08-10",
            "regulator_decision@2026-10-01",
        ],
        "2026-10-02",
    );
    assert_eq!(
        due(&s, TribunalAppeal),
        date("2026-11-12"),
        "42 days to the Court of Session"
    );
}

/// FOISA's review request between the advised date (12 June) and the statutory one (17 June):
/// still a right, used in time by the law, and never shown as lapsed before the law says so.
#[test]
fn foisa_review_asked_between_the_advised_and_the_statutory_date() {
    let on_time = ["received@2026-03-20", "response@2026-04-15"];
    let s = run(Foisa, &on_time, "2026-06-15");
    let review = deadline(&s, InternalReviewRequest);
    assert_eq!(review.state, DeadlineState::Running);
    assert!(
        review
            .note
            .as_deref()
            .is_some_and(|n| n.contains("12 June 2026") && n.contains("17 June 2026")),
        "{:?}",
        review.note
    );
    assert_eq!(
        run(Foisa, &on_time, "2026-06-18")
            .deadlines
            .iter()
            .find(|d| d.kind == InternalReviewRequest)
            .unwrap()
            .state,
        DeadlineState::Lapsed
    );

    let asked = [
        "received@2026-03-20",
        "response@2026-04-15",
        "internal_review_requested@2026-06-16",
    ];
    let s = run(Foisa, &asked, "2026-06-17");
    let review = deadline(&s, InternalReviewRequest);
    assert_eq!(
        (review.state, review.settled_on),
        (DeadlineState::Met, Some(date("2026-06-16")))
    );
    assert!(
        review.note.as_deref().is_some_and(|n| n.contains("advised date")),
        "{:?}",
        review.note
    );
    assert_eq!(
        due(&s, InternalReviewResponse),
        date("2026-07-14"),
        "20 Scottish working days after 16 June"
    );

    let late = [
        "received@2026-03-20",
        "response@2026-04-15",
        "internal_review_requested@2026-06-18",
    ];
    let s = run(Foisa, &late, "2026-06-19");
    assert_eq!(deadline(&s, InternalReviewRequest).state, DeadlineState::Lapsed);
}

/// EI(S)R reg 16(2) counts from the day the decision is received, as EIR reg 11(2) counts from
/// the response, or, where no decision came, from the date it was due; so do both here.
#[test]
fn eisr_and_eir_representations_count_from_the_decision_or_the_due_date() {
    // (regime, events, today, from, due)
    let table = [
        // Answered in time on 15 April: 40 working days from receipt, not from the due date.
        (
            Eisr,
            vec!["received@2026-03-20", "response@2026-04-15"],
            "2026-04-16",
            "2026-04-15",
            "2026-06-12",
        ),
        (
            Eir,
            vec!["received@2026-03-20", "response@2026-04-15"],
            "2026-04-16",
            "2026-04-15",
            "2026-06-12",
        ),
        // Answered late on 1 May (due 20 April in Scotland, 21 April in the UK calendar); both
        // calendars skip 4 and 25 May.
        (
            Eisr,
            vec!["received@2026-03-20", "response@2026-05-01"],
            "2026-05-02",
            "2026-05-01",
            "2026-06-30",
        ),
        (
            Eir,
            vec!["received@2026-03-20", "response@2026-05-01"],
            "2026-05-02",
            "2026-05-01",
            "2026-06-30",
        ),
        // Never answered: from the date the decision was due.
        (
            Eisr,
            vec!["received@2026-03-20"],
            "2026-05-16",
            "2026-04-20",
            "2026-06-17",
        ),
        (
            Eir,
            vec!["received@2026-03-20"],
            "2026-05-16",
            "2026-04-21",
            "2026-06-18",
        ),
    ];
    for (regime, events, today, from, due_on) in table {
        let s = run(regime, &events, today);
        let review = deadline(&s, InternalReviewRequest);
        assert_eq!(
            (review.from, review.due, review.latest),
            (date(from), date(due_on), None),
            "{regime} {events:?}"
        );
    }
    // A fuller answer after a partial one starts EI(S)R's time again, as it does the EIR's.
    let s = run(
        Eisr,
        &[
            "received@2026-03-20",
            "response@2026-04-10",
            "response@2026-04-15",
        ],
        "2026-04-16",
    );
    assert_eq!(due(&s, InternalReviewRequest), date("2026-06-12"));
}

#[test]
fn an_unpaid_fee_lapses_the_request() {
    let s = run(
        Foia,
        &["received@2026-01-05", "fee_notice@2026-01-12"],
        "2026-04-11",
    );
    assert_eq!(
        due(&s, FeePayment),
        date("2026-04-11"),
        "three months beginning with the notice day"
    );
    assert_eq!(deadline(&s, FeePayment).state, DeadlineState::Running);
    assert_eq!(s.status, Status::AwaitingFee);

    let s = run(
        Foia,
        &["received@2026-01-05", "fee_notice@2026-01-12"],
        "2026-04-12",
    );
    assert_eq!(deadline(&s, FeePayment).state, DeadlineState::Lapsed);
    assert_eq!(s.status, Status::Lapsed);
    assert_eq!(s.running().count(), 0);

    let s = run(
        Eir,
        &["received@2026-01-05", "fee_notice@2026-01-12"],
        "2026-04-09",
    );
    assert_eq!(due(&s, FeePayment), date("2026-04-09"), "60 working days");
    assert_eq!(s.status, Status::AwaitingFee);
    let s = run(
        Eir,
        &["received@2026-01-05", "fee_notice@2026-01-12"],
        "2026-04-10",
    );
    assert_eq!(s.status, Status::Lapsed);
}

#[test]
fn events_out_of_order_are_refused() {
    let calendar = Calendar::bundled();
    let cases = [
        (
            vec![("received", "2019-03-04"), ("response", "2019-03-01")],
            "before the request was received",
        ),
        (
            vec![("received", "2026-01-05"), ("fee_paid", "2026-01-10")],
            "no fee was asked for",
        ),
        (
            vec![
                ("received", "2026-01-05"),
                ("internal_review_response", "2026-01-10"),
            ],
            "no internal review",
        ),
        (
            vec![("received", "2026-01-05"), ("received", "2026-01-06")],
            "already received",
        ),
        (
            vec![
                ("received", "2026-01-05"),
                ("closed", "2026-01-06"),
                ("response", "2026-01-07"),
            ],
            "only notes",
        ),
    ];
    for (events, message) in cases {
        let events: Vec<Event> = events
            .iter()
            .map(|(k, d)| Event::new(k.parse::<EventKind>().unwrap(), date(d)))
            .collect();
        let error = schedule(Foia, &events, calendar, date("2026-11-28")).unwrap_err();
        assert!(
            error.to_string().contains(message),
            "{error} should say {message}"
        );
    }
    let error = schedule(
        Foisa,
        &[
            Event::new(EventKind::Received, date("2026-01-05")),
            Event::new(EventKind::Extension, date("2026-01-10")),
        ],
        calendar,
        date("2026-11-28"),
    )
    .unwrap_err();
    assert!(error.to_string().contains("FOISA allows no extension"), "{error}");
}
