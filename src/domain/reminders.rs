//! Which reminder each deadline owes on a given day, and who receives it.
//!
//! The sweep runs on a cron schedule (by default 07:00, Monday to Friday), so it does not see
//! every day. Planning therefore asks "what is owed today?", not "what falls due today?": each
//! deadline owes at most one notice, the most recent stage whose date has come and that still
//! matters. A stage missed because no sweep ran (a weekend, a bank holiday, an outage) is
//! caught up at the next sweep, but a stage already overtaken by a later one is never sent:
//! nobody wants "due in 5 working days" on the morning of the due date. The outbox key
//! (request, deadline, due date, stage, recipient) turns "owed every day until overtaken"
//! into "sent once".
//!
//! The stages of one deadline:
//!
//! | state | stage | its date |
//! |---|---|---|
//! | running | `FiveWorkingDaysBefore` | the 5th working day before the due date |
//! | running | `OneWorkingDayBefore` | the last working day before the due date |
//! | running | `OnTheDay` | the due date, even when it is not a working day |
//! | missed (authority, an unsent quarterly repeat, a reply still unclassified) | `Missed { week: n }` | the first working day after the due date, plus 7n days |
//! | lapsed (requester) | `Lapsed` | the first working day after the due date; owed for [`LAPSED_NOTICE_DAYS`] |
//! | settled by an event (met, void, late) | none | |
//!
//! A reply to classify owes nothing before its due date: it is waiting from the day it
//! arrives, and only waiting too long is news.
//!
//! Working days are those of the calendar the deadline itself counts in (FOISA in
//! Scotland's, a FOIA appeal in the tribunal's), so "5 working days before" means what the
//! deadline's own rule means by a working day.
//!
//! Everything here is pure and O(1) per deadline: a handful of lookups in the calendar's
//! cumulative index, no schedule recomputed.

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::calendar::{Calendar, CalendarKind};
use super::regime::Regime;
use super::timeline::{Deadline, DeadlineKind, DeadlineState, Party};

/// How long after its due date a requester's unused right is still worth a notice. Longer
/// than any plausible gap in the sweep, short enough that importing an old request does not
/// announce rights that lapsed years ago.
pub const LAPSED_NOTICE_DAYS: i64 = 30;

/// One reminder in the life of a deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    FiveWorkingDaysBefore,
    OneWorkingDayBefore,
    OnTheDay,
    /// An authority's deadline passed unmet. Week 0 is the first working day after the due
    /// date; week n is 7n calendar days later, whatever day that is, so that the numbering
    /// (and with it the outbox key) never depends on when the sweep happened to run.
    Missed {
        week: u32,
    },
    /// A requester's right passed unused.
    Lapsed,
}

impl Stage {
    /// The stage as the outbox stores it: stable, never reworded.
    pub fn key(self) -> String {
        match self {
            Stage::FiveWorkingDaysBefore => "before_5".to_string(),
            Stage::OneWorkingDayBefore => "before_1".to_string(),
            Stage::OnTheDay => "on_the_day".to_string(),
            Stage::Missed { week } => format!("missed_{week}"),
            Stage::Lapsed => "lapsed".to_string(),
        }
    }

    /// The stage from its outbox key.
    pub fn from_key(key: &str) -> Option<Stage> {
        match key {
            "before_5" => Some(Stage::FiveWorkingDaysBefore),
            "before_1" => Some(Stage::OneWorkingDayBefore),
            "on_the_day" => Some(Stage::OnTheDay),
            "lapsed" => Some(Stage::Lapsed),
            _ => {
                let week = key.strip_prefix("missed_")?;
                // One key per week: not "missed_03" or "missed_+3" beside "missed_3".
                let canonical = !week.is_empty()
                    && week.bytes().all(|b| b.is_ascii_digit())
                    && (week.len() == 1 || !week.starts_with('0'));
                if !canonical {
                    return None;
                }
                week.parse().ok().map(|week| Stage::Missed { week })
            }
        }
    }

    /// For people, e.g. "Missed, 2 weeks ago".
    pub fn label(self) -> String {
        match self {
            Stage::FiveWorkingDaysBefore => "5 working days before the due date".to_string(),
            Stage::OneWorkingDayBefore => "Last working day before the due date".to_string(),
            Stage::OnTheDay => "Due today".to_string(),
            Stage::Missed { week: 0 } => "Missed".to_string(),
            Stage::Missed { week: 1 } => "Missed, 1 week ago".to_string(),
            Stage::Missed { week } => format!("Missed, {week} weeks ago"),
            Stage::Lapsed => "Lapsed unused".to_string(),
        }
    }
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.key())
    }
}

closed_enum! {
    /// What a notice is about, as a recipient chooses what to receive.
    pub enum NoticeKind {
        /// An authority's deadline is near or today.
        AuthorityApproaching,
        /// An authority's deadline passed and what it owes has not come.
        AuthorityMissed,
        /// The requester's own deadline (pay, ask for a review, complain, appeal) is near or today.
        RequesterApproaching,
        /// The requester's right passed unused, or a drafted quarterly repeat is still unsent.
        RequesterLapsed,
    }
}

impl NoticeKind {
    /// Total over every pair, though planning only ever gives an authority `Missed` and a
    /// requester `Lapsed`: after the due date, the party decides what the notice says.
    pub fn of(party: Party, stage: Stage) -> NoticeKind {
        let passed = matches!(stage, Stage::Missed { .. } | Stage::Lapsed);
        match (party, passed) {
            (Party::Authority, false) => NoticeKind::AuthorityApproaching,
            (Party::Authority, true) => NoticeKind::AuthorityMissed,
            (Party::Requester, false) => NoticeKind::RequesterApproaching,
            (Party::Requester, true) => NoticeKind::RequesterLapsed,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            NoticeKind::AuthorityApproaching => "An authority's deadline is coming up",
            NoticeKind::AuthorityMissed => "An authority missed its deadline",
            NoticeKind::RequesterApproaching => "Our own deadline is coming up",
            NoticeKind::RequesterLapsed => "Our own deadline passed",
        }
    }
}

closed_enum! {
    /// Where a notice stands in the outbox, in the order the outbox page lists them. A failed
    /// notice is retried with back-off for as long as it is owed; a cancelled one is no longer
    /// owed (the deadline moved or was met, a later stage overtook it, or its recipient no
    /// longer wants it).
    pub enum OutboxStatus {
        Pending,
        Failed,
        Sent,
        Cancelled,
    }
}

closed_enum! {
    /// How a recipient takes their notices.
    pub enum Delivery {
        /// Each notice in its own message, at the sweep that finds it owed.
        Immediate,
        /// One message a day gathering every notice owed to them at that sweep.
        DailyDigest,
    }
}

/// What the deadlines index holds about one deadline: enough to plan its reminders without
/// recomputing the request's schedule. The sweep fills it from one query over `deadlines`
/// joined to `requests` (for the regime), ideally only the rows with `settled_state IS NULL`,
/// since nothing settled owes a notice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeadlineFacts {
    pub request_id: i32,
    pub position: i32,
    pub regime: Regime,
    pub kind: DeadlineKind,
    pub due: NaiveDate,
    /// A requester's outer limit, where the advised date is earlier than the law's (FOISA
    /// s.20(5)): the right lapses only after it.
    pub latest: Option<NaiveDate>,
    /// `settled_state` from the index: what an event settled it as, `None` while nothing has.
    pub settled: Option<DeadlineState>,
}

impl DeadlineFacts {
    /// The facts the index stores for one deadline of a schedule (see `db::deadlines::replace`).
    pub fn from_deadline(request_id: i32, position: i32, regime: Regime, deadline: &Deadline) -> Self {
        DeadlineFacts {
            request_id,
            position,
            regime,
            kind: deadline.kind,
            due: deadline.due,
            latest: deadline.latest,
            settled: deadline.settled_on.map(|_| deadline.state),
        }
    }

    /// Derived from the kind rather than stored beside it, so the two cannot disagree.
    pub fn party(&self) -> Party {
        self.kind.party()
    }

    /// The calendar the deadline's own rule counts in.
    pub fn calendar(&self) -> CalendarKind {
        counting_calendar(self.regime, self.kind)
    }

    /// The state on `today`, judged as the index is read: what an event settled, else running
    /// until the due date and passed after it.
    pub fn state(&self, today: NaiveDate) -> DeadlineState {
        match (self.settled, self.party()) {
            (Some(state), _) => state,
            _ if today <= self.due => DeadlineState::Running,
            (None, Party::Authority) => DeadlineState::Missed,
            (None, Party::Requester) => DeadlineState::Lapsed,
        }
    }
}

/// The calendar `regime`'s rule for `kind` counts in. The index does not store it, and the
/// rules are constants, so asking them costs nothing and cannot drift from the engine.
pub fn counting_calendar(regime: Regime, kind: DeadlineKind) -> CalendarKind {
    let rule = match kind {
        // An extended response counts in the same calendar as the first one.
        DeadlineKind::Response => Some(regime.response()),
        DeadlineKind::FeePayment => regime.fee_payment(),
        DeadlineKind::InternalReviewRequest => regime.review_request(),
        DeadlineKind::InternalReviewResponse => regime.review_response().map(|(rule, _)| rule),
        DeadlineKind::RegulatorComplaint => regime.regulator_complaint(),
        DeadlineKind::TribunalAppeal => regime.tribunal_appeal(),
        // Both onward appeals count in the tribunal's calendar.
        DeadlineKind::OnwardAppeal => regime.onward_appeal(false),
        // The authority's own date, late by the working days of its own calendar.
        DeadlineKind::Promised => None,
        // The coalition's own rule, counted in the request's own calendar.
        DeadlineKind::SendRepeat | DeadlineKind::ClassifyReply => None,
    };
    rule.map_or(regime.calendar(), |rule| rule.calendar)
}

/// The notice `deadline` owes on `today`, with the date its stage fell due; `None` if it owes
/// nothing. See the module's table. In particular:
///
/// - a running deadline owes the latest of its three "before" stages whose date has come, so a
///   sweep that missed the 5-day date but runs on the 1-day date owes only the 1-day notice;
/// - once the due date has passed, the "before" stages are stale: on a Monday after a Friday
///   due date nothing says "due today", the deadline owes `Missed { week: 0 }` or `Lapsed`;
/// - between the due date and the first working day after it (a weekend) it owes nothing;
/// - a missed deadline owes the latest week whose date has come, weekly for as long as the
///   authority owes its answer (or a drafted quarterly repeat stays unsent), so a deadline
///   missed long ago (an imported request) starts at its current week, never at week 0;
/// - a lapsed right owes `Lapsed` until [`LAPSED_NOTICE_DAYS`] after the due date, then nothing;
/// - a settled deadline (met, void, or missed or lapsed and then answered late) owes nothing.
///
/// A date outside the calendar's years (1990 to 2100) owes nothing: the engine cannot have
/// computed such a due date.
pub fn owed(deadline: &DeadlineFacts, today: NaiveDate, calendar: &Calendar) -> Option<(Stage, NaiveDate)> {
    if deadline.settled.is_some() {
        return None;
    }
    let kind = deadline.calendar();
    let due = deadline.due;
    if today == due {
        return Some((Stage::OnTheDay, due));
    }
    if today < due {
        if !deadline.kind.announced_ahead() {
            return None;
        }
        // Latest stage first: the common day costs one lookup.
        let one_before = calendar.subtract_working_days(kind, due, 1).ok()?;
        if today >= one_before {
            return Some((Stage::OneWorkingDayBefore, one_before));
        }
        let five_before = calendar.subtract_working_days(kind, due, 5).ok()?;
        return (today >= five_before).then_some((Stage::FiveWorkingDaysBefore, five_before));
    }
    let first_after = calendar.add_working_days(kind, due, 1).ok()?;
    if today < first_after {
        return None;
    }
    if deadline.kind.chased_weekly() {
        let week = (today - first_after).num_days() / 7;
        let on = first_after + chrono::Days::new(week as u64 * 7);
        Some((Stage::Missed { week: week as u32 }, on))
    } else {
        // Past the advised date but within the law's limit, the right has not lapsed yet.
        let end = deadline.latest.filter(|latest| *latest > due).unwrap_or(due);
        let first_after = match end > due {
            true => calendar.add_working_days(kind, end, 1).ok()?,
            false => first_after,
        };
        (today >= first_after && (today - end).num_days() <= LAPSED_NOTICE_DAYS)
            .then_some((Stage::Lapsed, first_after))
    }
}

/// One owed notice about one deadline, before anyone is chosen to receive it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Notice {
    pub request_id: i32,
    pub position: i32,
    pub kind: DeadlineKind,
    pub party: Party,
    pub due: NaiveDate,
    pub stage: Stage,
    /// The day the stage fell due: before the sweep's day when the sweep caught it up.
    pub scheduled: NaiveDate,
}

impl Notice {
    /// The outbox's unique key for this notice to `user_id`, e.g.
    /// "request/42/response/2026-04-07/before_5/user/7". The deadline is named by its kind,
    /// not its position: positions shift when a recomputation inserts an earlier deadline,
    /// and a request never has two deadlines of one kind due on the same day. The due date
    /// is part of it, so a deadline that moves (an extension) is announced again.
    pub fn outbox_key(&self, user_id: i32) -> String {
        format!(
            "request/{}/{}/{}/{}/user/{}",
            self.request_id,
            self.kind,
            self.due,
            self.stage.key(),
            user_id
        )
    }
}

/// [`owed`], as a notice.
pub fn plan(deadline: &DeadlineFacts, today: NaiveDate, calendar: &Calendar) -> Option<Notice> {
    owed(deadline, today, calendar).map(|(stage, scheduled)| Notice {
        request_id: deadline.request_id,
        position: deadline.position,
        kind: deadline.kind,
        party: deadline.party(),
        due: deadline.due,
        stage,
        scheduled,
    })
}

/// What the recipient should do about a notice, in one or two sentences.
pub fn next_step(kind: DeadlineKind, stage: Stage) -> &'static str {
    use DeadlineKind::*;
    match (kind, stage) {
        (Response, Stage::Missed { .. }) => {
            "Chase the authority in writing, citing the statutory time limit, and ask for an internal \
             review of its failure to answer. Record the response as soon as it arrives."
        }
        (Response, _) => {
            "Nothing to do yet. Record the response as soon as it arrives: the review and appeal \
             deadlines count from it."
        }
        (InternalReviewResponse, Stage::Missed { .. }) => {
            "The review is late: complain to the regulator (the ICO, or the Scottish Information \
             Commissioner for FOISA and EI(S)R) without waiting further. Record the outcome when it arrives."
        }
        (Promised, Stage::Missed { .. }) => {
            "The date the authority promised has passed: remind it in writing of its promise and, if the \
             information is still withheld, ask for an internal review. Record the answer when it arrives."
        }
        (Promised, _) => {
            "Nothing to do yet. Record the answer or the publication as soon as it arrives."
        }
        (InternalReviewResponse, _) => {
            "Nothing to do yet. Record the review's outcome as soon as it arrives: the complaint \
             deadline counts from it."
        }
        (SendRepeat, Stage::Missed { .. }) => {
            "The quarterly repeat is still unsent, and the quarter it asks for is a gap in the series \
             until it is: review and send it, or skip this quarter, from its page."
        }
        (SendRepeat, _) => {
            "A quarterly repeat request is drafted from the last one, with the new quarter: review its \
             text and send it before the date, or skip this quarter, from its page."
        }
        (ClassifyReply, Stage::Missed { .. }) => {
            "A reply from the authority has waited more than two working days for someone to say what it \
             is. If it is a response or a review's outcome, the time to challenge it is already running: \
             open the request and confirm what the reply is."
        }
        (ClassifyReply, _) => {
            "A reply from the authority is filed with this request, and no deadline moves until someone \
             says what it is: open the request and confirm or correct the suggested kind."
        }
        (_, Stage::Lapsed) => {
            "The time for this passed unused. If it was done outside foi-tracker, record it; \
             otherwise consider asking the authority or regulator to accept it late, or making a fresh request."
        }
        (FeePayment, _) => {
            "Pay the fee, or decide not to: the authority need not answer a request whose fee is unpaid."
        }
        (InternalReviewRequest, _) => {
            "If the answer is refused, partial or late, ask for an internal review before the due date, \
             naming the exemptions you dispute."
        }
        (RegulatorComplaint, _) => {
            "If the review did not resolve it, complain to the regulator before the due date, with the \
             dates and references of the request and the review."
        }
        (TribunalAppeal, _) => {
            "If you dispute the decision notice, lodge the appeal with the tribunal before the due date."
        }
        (OnwardAppeal, _) => {
            "If you dispute the tribunal's decision, ask permission to appeal onward before the due date."
        }
    }
}
