//! A request's life: its events in, its status and every deadline out, each explained.
//!
//! `schedule` is a pure function of the regime, the events, the calendar and today's date;
//! nothing here reads a clock or a database, so the same events always give the same answer.

mod walk;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::calendar::{Calendar, CalendarError, SkippedDay};
use super::regime::Regime;

closed_enum! {
    /// What can happen to a request, in the words the API and the database use.
    pub enum EventKind {
        Received,
        Acknowledged,
        /// For a SAR: the controller asks for what it needs to identify the data or the request.
        ClarificationRequested,
        ClarificationProvided,
        FeeNotice,
        FeePaid,
        Extension,
        Response,
        InternalReviewRequested,
        InternalReviewResponse,
        RegulatorComplaint,
        RegulatorDecision,
        TribunalAppeal,
        /// Dated when the tribunal sent its written reasons.
        TribunalDecision,
        OnwardAppeal,
        /// The requester accepts the outcome.
        Closed,
        Withdrawn,
        Note,
    }
}

closed_enum! {
    /// Where a request stands. Being overdue is a flag beside the status, not a status.
    pub enum Status {
        Draft,
        AwaitingResponse,
        AwaitingClarification,
        AwaitingFee,
        Responded,
        InInternalReview,
        WithRegulator,
        AtTribunal,
        Closed,
        Withdrawn,
        Lapsed,
    }
}

closed_enum! {
    pub enum DeadlineKind {
        Response,
        FeePayment,
        InternalReviewRequest,
        InternalReviewResponse,
        RegulatorComplaint,
        TribunalAppeal,
        OnwardAppeal,
        /// A date the authority itself promised in a response: a publication under s.22, or
        /// the rest of the answer.
        Promised,
        /// A drafted quarterly repeat request, to be reviewed and sent. Not the law's: the
        /// coalition's own rule (see `domain::repeat::send_by`), counted from the end of the
        /// quarter it asks for, and owed until it is sent or skipped.
        SendRepeat,
        /// A reply from the authority filed with the request, to be said what it is. Not the
        /// law's either: no deadline moves until a person classifies it, so it is owed from
        /// the day it arrived (see `domain::reply_kind::classify_by`) until someone does.
        ClassifyReply,
    }
}

closed_enum! {
    pub enum DeadlineState {
        /// The date is still ahead.
        Running,
        /// The event that satisfies it happened on or before the date.
        Met,
        /// An authority's deadline passed: the event came late or not at all.
        Missed,
        /// A requester's deadline passed unused (or was used late).
        Lapsed,
        /// Superseded, e.g. by a clarification request, a pause or the request's closure.
        Void,
    }
}

closed_enum! {
    /// Whose duty or right a deadline is.
    pub enum Party {
        Authority,
        Requester,
    }
}

impl Party {
    /// The last day a deadline of this party runs: its date, or, for a requester's right,
    /// its outer limit where there is one (FOISA s.20(5)): using it after the date advised is
    /// late by the advice, not by the law.
    pub fn last_day(self, due: NaiveDate, latest: Option<NaiveDate>) -> NaiveDate {
        match self {
            Party::Requester => latest.unwrap_or(due),
            Party::Authority => due,
        }
    }

    /// What a deadline of this party is once its last day has passed unmet.
    pub fn passed(self) -> DeadlineState {
        match self {
            Party::Authority => DeadlineState::Missed,
            Party::Requester => DeadlineState::Lapsed,
        }
    }
}

impl EventKind {
    /// A label for people, e.g. "Internal review requested".
    pub fn label(self) -> &'static str {
        match self {
            EventKind::Received => "Request received",
            EventKind::Acknowledged => "Acknowledged",
            EventKind::ClarificationRequested => "Clarification requested",
            EventKind::ClarificationProvided => "Clarification provided",
            EventKind::FeeNotice => "Fees notice",
            EventKind::FeePaid => "Fee paid",
            EventKind::Extension => "Extension",
            EventKind::Response => "Response",
            EventKind::InternalReviewRequested => "Internal review requested",
            EventKind::InternalReviewResponse => "Internal review response",
            EventKind::RegulatorComplaint => "Complaint to the regulator",
            EventKind::RegulatorDecision => "Regulator's decision",
            EventKind::TribunalAppeal => "Appeal to the tribunal",
            EventKind::TribunalDecision => "Tribunal's decision",
            EventKind::OnwardAppeal => "Onward appeal",
            EventKind::Closed => "Closed",
            EventKind::Withdrawn => "Withdrawn",
            EventKind::Note => "Note",
        }
    }
}

impl Status {
    pub fn label(self) -> &'static str {
        match self {
            Status::Draft => "Draft",
            Status::AwaitingResponse => "Awaiting response",
            Status::AwaitingClarification => "Awaiting clarification",
            Status::AwaitingFee => "Awaiting fee",
            Status::Responded => "Responded",
            Status::InInternalReview => "In internal review",
            Status::WithRegulator => "With the regulator",
            Status::AtTribunal => "At tribunal",
            Status::Closed => "Closed",
            Status::Withdrawn => "Withdrawn",
            Status::Lapsed => "Lapsed",
        }
    }
}

impl DeadlineKind {
    pub fn party(self) -> Party {
        match self {
            DeadlineKind::Response | DeadlineKind::InternalReviewResponse | DeadlineKind::Promised => {
                Party::Authority
            }
            _ => Party::Requester,
        }
    }

    /// Whether a passed deadline is chased every week until it is settled, rather than
    /// announced once as lapsed: what an authority owes, and a quarterly repeat still unsent,
    /// since a quarter not asked for is a gap in the series; and a reply nobody has said what
    /// it is, since the deadlines it starts run whether or not anyone has read it.
    pub fn chased_weekly(self) -> bool {
        self.party() == Party::Authority
            || matches!(self, DeadlineKind::SendRepeat | DeadlineKind::ClassifyReply)
    }

    /// Whether reminders come before the due date. A reply is waiting from the moment it
    /// arrives: what is worth a message is that it has waited too long, not that it soon will.
    pub fn announced_ahead(self) -> bool {
        self != DeadlineKind::ClassifyReply
    }

    /// Whether the deadline has a row in the stored index. The coalition's own deadlines (a
    /// repeat to send, a reply to classify) are planned from what they are about, not indexed.
    pub fn indexed(self) -> bool {
        !matches!(self, DeadlineKind::SendRepeat | DeadlineKind::ClassifyReply)
    }

    /// What the deadline asks for, e.g. "Ask for an internal review".
    pub fn label(self) -> &'static str {
        match self {
            DeadlineKind::Response => "Response due",
            DeadlineKind::FeePayment => "Pay the fee",
            DeadlineKind::InternalReviewRequest => "Ask for an internal review",
            DeadlineKind::InternalReviewResponse => "Internal review due",
            DeadlineKind::RegulatorComplaint => "Complain to the regulator",
            DeadlineKind::TribunalAppeal => "Appeal to the tribunal",
            DeadlineKind::OnwardAppeal => "Ask permission to appeal onward",
            DeadlineKind::Promised => "Promised answer due",
            DeadlineKind::SendRepeat => "Send the quarterly repeat",
            DeadlineKind::ClassifyReply => "Say what the authority's reply is",
        }
    }
}

/// One recorded event. Events on the same day keep the order in which they were recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Event {
    pub kind: EventKind,
    pub date: NaiveDate,
    /// For an extension: the date the authority gave, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extended_to: Option<NaiveDate>,
    /// For a response: a date the authority promised for a publication or the rest of the answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub promised_on: Option<NaiveDate>,
}

impl Event {
    pub fn new(kind: EventKind, date: NaiveDate) -> Event {
        Event {
            kind,
            date,
            extended_to: None,
            promised_on: None,
        }
    }
}

/// One deadline, past or future, with everything needed to explain it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Deadline {
    pub kind: DeadlineKind,
    pub due: NaiveDate,
    /// The outer limit, where the rule gives a target and a limit.
    pub latest: Option<NaiveDate>,
    pub state: DeadlineState,
    pub party: Party,
    /// For a deadline passed: how many working days after the due date it was met, or until today.
    pub working_days_late: Option<i64>,
    /// The day the period is counted from (day 0).
    pub from: NaiveDate,
    /// The rule in words, with how this date was reached.
    pub rule: String,
    pub source: String,
    /// False where the limit is a regulator's norm, not the law.
    pub statutory: bool,
    /// The non-working days that moved the date.
    pub skipped: Vec<SkippedDay>,
    /// The event that met, ended or superseded this deadline, and when.
    pub settled_by: Option<EventKind>,
    pub settled_on: Option<NaiveDate>,
    /// Why a deadline is void, or what else the reader must know.
    pub note: Option<String>,
    /// Before an extension: the date the response was first due.
    pub original_due: Option<NaiveDate>,
    /// After an extension: the 40th working day after receipt (three months for a subject
    /// access request), the law's limit, except under FOIA, where it is the ICO's norm.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extension_limit: Option<NaiveDate>,
    /// An extension beyond the ICO's norm of 20 extra working days.
    pub beyond_ico_norm: bool,
    /// An extension notified after the deadline it extended.
    pub late_extension: bool,
}

/// A request's status and deadlines on a given day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Schedule {
    pub regime: Regime,
    pub received: Option<NaiveDate>,
    /// The day the states are judged on.
    pub today: NaiveDate,
    pub status: Status,
    /// An authority's deadline has passed and what it owes has not come.
    pub overdue: bool,
    /// Every deadline, in the order they began.
    pub deadlines: Vec<Deadline>,
    /// What the requester can do where the law sets no date.
    pub prompts: Vec<String>,
}

impl Schedule {
    /// The deadlines still ahead, earliest first.
    pub fn running(&self) -> impl Iterator<Item = &Deadline> {
        self.deadlines
            .iter()
            .filter(|d| d.state == DeadlineState::Running)
    }

    /// The event this request is waiting for, which the record form offers first: a promised
    /// answer still running is a response; otherwise the status says, e.g. a response after
    /// sending, an internal review request after a response, the review's outcome while in
    /// review. A request that has ended waits for nothing but a note.
    pub fn awaited(&self) -> EventKind {
        if self.running().any(|d| d.kind == DeadlineKind::Promised) {
            return EventKind::Response;
        }
        match self.status {
            Status::Draft => EventKind::Received,
            Status::AwaitingResponse => EventKind::Response,
            Status::AwaitingClarification => EventKind::ClarificationProvided,
            Status::AwaitingFee => EventKind::FeePaid,
            Status::Responded => EventKind::InternalReviewRequested,
            Status::InInternalReview => EventKind::InternalReviewResponse,
            Status::WithRegulator => EventKind::RegulatorDecision,
            Status::AtTribunal => EventKind::TribunalDecision,
            Status::Closed | Status::Withdrawn | Status::Lapsed => EventKind::Note,
        }
    }

    /// The first day on which this schedule may read differently with no new event: the day
    /// after the earliest running deadline, when it passes (and, under FOISA, the right to a
    /// review or to the Commissioner may open, or an unpaid fee lapse the request).
    pub fn next_change(&self) -> Option<NaiveDate> {
        self.running().filter_map(|d| d.due.succ_opt()).min()
    }

    /// The earliest deadline no event has settled (a missed one included): the order the
    /// request list's "due" gives, stored with the status.
    pub fn next_due(&self) -> Option<NaiveDate> {
        self.deadlines
            .iter()
            .filter(|d| d.settled_on.is_none())
            .map(|d| d.due)
            .min()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TimelineError {
    #[error(transparent)]
    Calendar(#[from] CalendarError),
    #[error("{} on {date}: {reason}", kind.label())]
    OutOfOrder {
        kind: EventKind,
        date: NaiveDate,
        reason: String,
    },
    #[error("{} on {date}: {reason}", kind.label())]
    Invalid {
        kind: EventKind,
        date: NaiveDate,
        /// The part of the event at fault: "kind", "extended_to" or "promised_on".
        field: &'static str,
        reason: String,
    },
}

impl TimelineError {
    /// The field of the event at fault, in the words the API uses.
    pub fn field(&self) -> &'static str {
        match self {
            TimelineError::Calendar(_) | TimelineError::OutOfOrder { .. } => "occurred_on",
            TimelineError::Invalid { field, .. } => field,
        }
    }
}

/// The status and every deadline of a request under `regime`, as they stand on `today`.
///
/// Events are taken in date order; events on the same day keep the order given.
pub fn schedule(
    regime: Regime,
    events: &[Event],
    calendar: &Calendar,
    today: NaiveDate,
) -> Result<Schedule, TimelineError> {
    let mut ordered: Vec<&Event> = events.iter().collect();
    ordered.sort_by_key(|e| e.date);
    let mut walk = walk::Walk::new(regime, calendar);
    for event in ordered {
        walk.apply(event)?;
    }
    walk.finish(today)
}
