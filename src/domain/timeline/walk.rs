//! The fold over a request's events that `schedule` runs: each event settles the deadlines
//! it meets and opens the ones it starts; `finish` settles the rest against today.

use chrono::NaiveDate;

use super::{
    Deadline, DeadlineKind, DeadlineState, Event, EventKind, Party, Schedule, Status, TimelineError,
};
use crate::domain::calendar::{Calendar, CalendarError, SkippedDay};
use crate::domain::regime::{Computed, Period, Regime, Rule};

pub(super) struct Walk<'a> {
    regime: Regime,
    calendar: &'a Calendar,
    received: Option<NaiveDate>,
    status: Status,
    ended: Option<(EventKind, NaiveDate)>,
    /// The response clock, while no response has come.
    clock: Option<Clock>,
    /// FOIA, EIR, FOISA, EI(S)R: the day clarification was asked and the clock stopped.
    awaiting_clarification: Option<NaiveDate>,
    /// The response deadline as it stood when the first response came.
    first_response: Option<(NaiveDate, NaiveDate)>,
    review_open: Option<NaiveDate>,
    complaint_open: Option<NaiveDate>,
    decided: bool,
    appealed: bool,
    awaiting_tribunal: bool,
    tribunal_decisions: u32,
    open: Vec<Open>,
    done: Vec<Deadline>,
    prompts: Vec<String>,
}

/// The response clock: where it started, the pauses that do not count, any extension.
struct Clock {
    start: NaiveDate,
    start_label: &'static str,
    pauses: Vec<(NaiveDate, NaiveDate)>,
    paused: Option<(EventKind, NaiveDate)>,
    extension: Option<Extension>,
}

struct Extension {
    notified: NaiveDate,
    to: Option<NaiveDate>,
    late: bool,
}

/// A deadline not yet settled.
struct Open {
    kind: DeadlineKind,
    from: NaiveDate,
    due: NaiveDate,
    latest: Option<NaiveDate>,
    rule: Rule,
    text: String,
    skipped: Vec<SkippedDay>,
    original_due: Option<NaiveDate>,
    extension_limit: Option<NaiveDate>,
    beyond_ico_norm: bool,
    late_extension: bool,
}

/// How a deadline ends.
enum Settle {
    /// The event it asks for happened.
    By(EventKind, NaiveDate),
    /// Something else made it moot: closure, withdrawal, a clarification request.
    Ended(EventKind, NaiveDate, String),
    /// Nothing has happened yet: judged against today.
    Pending(NaiveDate),
}

fn long(date: NaiveDate) -> String {
    date.format("%-d %B %Y").to_string()
}

fn out_of_order(e: &Event, reason: impl Into<String>) -> TimelineError {
    TimelineError::OutOfOrder {
        kind: e.kind,
        date: e.date,
        reason: reason.into(),
    }
}

fn invalid(e: &Event, field: &'static str, reason: impl Into<String>) -> TimelineError {
    TimelineError::Invalid {
        kind: e.kind,
        date: e.date,
        field,
        reason: reason.into(),
    }
}

/// The rule in words: what it is, where it comes from, what it was counted from.
fn explain(rule: &Rule, from_label: &str, from: NaiveDate, notes: &[String]) -> String {
    let mut text = format!(
        "Due {} ({}), counted from {} on {}.",
        rule.text,
        rule.source,
        from_label,
        long(from)
    );
    if let Period::WorkingDays(_) = rule.period {
        text.push_str(" Day 1 is the first working day after that; ");
        text.push_str(rule.calendar.description());
        text.push('.');
    }
    for note in notes {
        text.push(' ');
        text.push_str(note);
    }
    if !rule.statutory {
        text.push_str(" This limit comes from guidance, not statute: missing it is flagged, not fatal.");
    }
    text
}

/// A working-day or month period, with the pauses that do not count added on. Pauses are
/// in date order; one that begins after the date already reached changes nothing.
fn due_with_pauses(
    calendar: &Calendar,
    regime: Regime,
    rule: &Rule,
    from: NaiveDate,
    pauses: &[(NaiveDate, NaiveDate)],
) -> Result<(Computed, Vec<String>), CalendarError> {
    let mut notes = Vec::new();
    if let Period::WorkingDays(n) = rule.period {
        let mut total = n;
        let mut due = calendar.add_working_days(rule.calendar, from, total)?;
        for &(a, b) in pauses {
            if a > due {
                break;
            }
            let after = a.pred_opt().unwrap_or(a).max(from);
            let disregarded = calendar.working_days_between(rule.calendar, after, b)?.max(0) as u32;
            total += disregarded;
            due = calendar.add_working_days(rule.calendar, from, total)?;
            notes.push(format!(
                "{disregarded} working days from {} to {} are disregarded while the fee was unpaid ({}).",
                long(a),
                long(b),
                regime.fee_pause_source()
            ));
        }
        let skipped = calendar.holidays_between(rule.calendar, from, due);
        return Ok((Computed { due, skipped }, notes));
    }
    let mut extra = 0;
    let mut computed = rule.apply(calendar, from, 0)?;
    for &(a, b) in pauses {
        if a > computed.due {
            break;
        }
        let days = (b - a).num_days() as u64 + 1;
        extra += days;
        computed = rule.apply(calendar, from, extra)?;
        notes.push(format!(
            "{days} days from {} to {} do not count while the controller waited for the information it asked for (UK GDPR Art. 12A).",
            long(a),
            long(b)
        ));
    }
    Ok((computed, notes))
}

impl Clock {
    fn new(start: NaiveDate, start_label: &'static str) -> Clock {
        Clock {
            start,
            start_label,
            pauses: Vec::new(),
            paused: None,
            extension: None,
        }
    }

    /// The response deadline as it stands, leaving out a pause that is still open.
    fn deadline(&self, regime: Regime, calendar: &Calendar) -> Result<Open, CalendarError> {
        let rule = regime.response();
        let (base, notes) = due_with_pauses(calendar, regime, &rule, self.start, &self.pauses)?;
        let mut open = Open {
            kind: DeadlineKind::Response,
            from: self.start,
            due: base.due,
            latest: None,
            text: explain(&rule, self.start_label, self.start, &notes),
            rule,
            skipped: base.skipped,
            original_due: None,
            extension_limit: None,
            beyond_ico_norm: false,
            late_extension: false,
        };
        let (Some(extension), Some(ext_rule)) = (&self.extension, regime.extended_response()) else {
            return Ok(open);
        };
        let (limit, notes) = due_with_pauses(calendar, regime, &ext_rule, self.start, &self.pauses)?;
        let mut text = explain(&ext_rule, self.start_label, self.start, &notes);
        text.push_str(&format!(
            " Extended by a notice of {}; first due on {}.",
            long(extension.notified),
            long(base.due)
        ));
        open.due = limit.due;
        open.extension_limit = Some(limit.due);
        open.skipped = limit.skipped;
        if let Some(to) = extension.to {
            open.due = to;
            open.skipped = calendar.holidays_between(ext_rule.calendar, self.start, to);
            text.push_str(&format!(" The authority gave {}.", long(to)));
            if to > limit.due {
                open.beyond_ico_norm = true;
                text.push_str(&format!(
                    " That is beyond the ICO's norm of 20 extra working days ({}).",
                    long(limit.due)
                ));
            }
        }
        if extension.late {
            open.late_extension = true;
            text.push_str(" The extension was notified after the deadline it extended: it was late.");
        }
        open.rule = ext_rule;
        open.text = text;
        open.original_due = Some(base.due);
        Ok(open)
    }
}

impl<'a> Walk<'a> {
    pub(super) fn new(regime: Regime, calendar: &'a Calendar) -> Walk<'a> {
        Walk {
            regime,
            calendar,
            received: None,
            status: Status::Draft,
            ended: None,
            clock: None,
            awaiting_clarification: None,
            first_response: None,
            review_open: None,
            complaint_open: None,
            decided: false,
            appealed: false,
            awaiting_tribunal: false,
            tribunal_decisions: 0,
            open: Vec::new(),
            done: Vec::new(),
            prompts: Vec::new(),
        }
    }

    pub(super) fn apply(&mut self, e: &Event) -> Result<(), TimelineError> {
        use EventKind as K;
        if e.extended_to.is_some() && e.kind != K::Extension {
            return Err(invalid(
                e,
                "extended_to",
                "only an extension carries an extended date",
            ));
        }
        if e.promised_on.is_some() && e.kind != K::Response {
            return Err(invalid(
                e,
                "promised_on",
                "only a response carries a promised date",
            ));
        }
        if e.kind == K::Note {
            return Ok(());
        }
        if let Some((kind, date)) = self.ended {
            let what = if kind == K::Closed { "closed" } else { "withdrawn" };
            return Err(out_of_order(
                e,
                format!("the request was {what} on {date}; only notes can follow"),
            ));
        }
        let Some(received) = self.received else {
            if e.kind != K::Received {
                return Err(out_of_order(e, "it comes before the request was received"));
            }
            self.received = Some(e.date);
            self.clock = Some(Clock::new(e.date, "receipt"));
            self.status = Status::AwaitingResponse;
            return Ok(());
        };
        match e.kind {
            K::Received => Err(out_of_order(
                e,
                format!("the request was already received on {received}"),
            )),
            K::Acknowledged | K::Note => Ok(()),
            K::ClarificationRequested => self.clarification_requested(e),
            K::ClarificationProvided => self.clarification_provided(e),
            K::FeeNotice => self.fee_notice(e),
            K::FeePaid => self.fee_paid(e),
            K::Extension => self.extension(e),
            K::Response => self.response(e),
            K::InternalReviewRequested => self.review_requested(e),
            K::InternalReviewResponse => self.review_response(e),
            K::RegulatorComplaint => self.regulator_complaint(e),
            K::RegulatorDecision => self.regulator_decision(e),
            K::TribunalAppeal => self.tribunal_appeal(e),
            K::TribunalDecision => self.tribunal_decision(e),
            K::OnwardAppeal => self.onward_appeal(e),
            K::Closed | K::Withdrawn => self.end(e),
        }
    }

    /// The running response clock, or why this event cannot touch it now.
    fn running_clock(&mut self, e: &Event) -> Result<&mut Clock, TimelineError> {
        if let Some((r, _)) = self.first_response {
            return Err(out_of_order(e, format!("the response already came on {r}")));
        }
        if let Some(asked) = self.awaiting_clarification {
            return Err(out_of_order(
                e,
                format!("clarification asked on {asked} has not been provided"),
            ));
        }
        let clock = self
            .clock
            .as_mut()
            .ok_or_else(|| out_of_order(e, "no response is owed now"))?;
        match clock.paused {
            Some((EventKind::FeeNotice, since)) => Err(out_of_order(
                e,
                format!("the fee asked on {since} has not been paid"),
            )),
            Some((_, since)) => Err(out_of_order(
                e,
                format!("clarification asked on {since} has not been provided"),
            )),
            None => Ok(clock),
        }
    }

    fn clarification_requested(&mut self, e: &Event) -> Result<(), TimelineError> {
        let regime = self.regime;
        let calendar = self.calendar;
        let clock = self.running_clock(e)?;
        if regime == Regime::Sar {
            clock.paused = Some((e.kind, e.date));
        } else {
            let open = clock.deadline(regime, calendar)?;
            let note = format!(
                "Void: the authority asked for clarification on {}; the clock stopped and 20 working days start afresh when it is provided ({}).",
                long(e.date),
                regime.clarification_source()
            );
            self.settle(open, Settle::Ended(e.kind, e.date, note))?;
            self.clock = None;
            self.awaiting_clarification = Some(e.date);
        }
        self.status = Status::AwaitingClarification;
        Ok(())
    }

    fn clarification_provided(&mut self, e: &Event) -> Result<(), TimelineError> {
        if self.awaiting_clarification.take().is_some() {
            self.clock = Some(Clock::new(e.date, "receipt of the clarification"));
        } else {
            match self.clock.as_mut() {
                Some(clock) if matches!(clock.paused, Some((EventKind::ClarificationRequested, _))) => {
                    let (_, since) = clock.paused.take().expect("matched above");
                    clock.pauses.push((since, e.date));
                }
                _ => return Err(out_of_order(e, "no clarification was asked for")),
            }
        }
        self.status = Status::AwaitingResponse;
        Ok(())
    }

    fn fee_notice(&mut self, e: &Event) -> Result<(), TimelineError> {
        self.running_clock(e)?.paused = Some((e.kind, e.date));
        if let Some(rule) = self.regime.fee_payment() {
            self.open(DeadlineKind::FeePayment, rule, e.date, "the fees notice")?;
        }
        self.status = Status::AwaitingFee;
        Ok(())
    }

    fn fee_paid(&mut self, e: &Event) -> Result<(), TimelineError> {
        let since = match self.clock.as_ref().and_then(|c| c.paused) {
            Some((EventKind::FeeNotice, since)) => since,
            _ => return Err(out_of_order(e, "no fee was asked for")),
        };
        if self.regime == Regime::Sar {
            // The month runs from the later of receipt and payment (ICO guidance).
            self.clock = Some(Clock::new(e.date, "receipt of the fee"));
        } else {
            let clock = self.clock.as_mut().expect("checked above");
            clock.paused = None;
            clock.pauses.push((since, e.date));
            self.settle_kind(DeadlineKind::FeePayment, Settle::By(e.kind, e.date))?;
        }
        self.status = Status::AwaitingResponse;
        Ok(())
    }

    fn extension(&mut self, e: &Event) -> Result<(), TimelineError> {
        let regime = self.regime;
        let calendar = self.calendar;
        let Some(ext_rule) = regime.extended_response() else {
            return Err(invalid(
                e,
                "kind",
                "FOISA allows no extension of time: the response is due within 20 working days (s.10)",
            ));
        };
        if e.extended_to.is_some() && regime != Regime::Foia {
            return Err(invalid(
                e,
                "extended_to",
                format!(
                    "only a FOIA public interest extension runs to a date the authority gives; this one runs to {} ({})",
                    ext_rule.text, ext_rule.source
                ),
            ));
        }
        let clock = self.running_clock(e)?;
        let current = clock.deadline(regime, calendar)?;
        if let Some(to) = e.extended_to {
            if to <= current.due {
                return Err(invalid(
                    e,
                    "extended_to",
                    format!(
                        "the extended date {to} is not after the deadline it extends ({})",
                        current.due
                    ),
                ));
            }
        }
        let late = e.date > current.due || clock.extension.as_ref().is_some_and(|x| x.late);
        clock.extension = Some(Extension {
            notified: e.date,
            to: e.extended_to,
            late,
        });
        Ok(())
    }

    fn response(&mut self, e: &Event) -> Result<(), TimelineError> {
        // A later response is what the earlier one promised, on time or late.
        self.settle_kind(DeadlineKind::Promised, Settle::By(e.kind, e.date))?;
        if let Some(promised) = e.promised_on {
            self.open_promise(e, promised)?;
        }
        self.first_or_later_response(e)
    }

    /// A date the authority set itself: not the law's, but the date the requester was told to
    /// wait for, so it is held to it like a deadline.
    fn open_promise(&mut self, e: &Event, promised: NaiveDate) -> Result<(), TimelineError> {
        if promised <= e.date {
            return Err(invalid(
                e,
                "promised_on",
                format!(
                    "the promised date must come after the response of {}",
                    long(e.date)
                ),
            ));
        }
        let rule = Rule {
            period: Period::Days { days: 0, roll: false },
            calendar: self.regime.calendar(),
            text: "on the date the authority promised",
            source: "the authority's response",
            statutory: false,
        };
        self.open.push(Open {
            kind: DeadlineKind::Promised,
            from: e.date,
            due: promised,
            latest: None,
            text: format!(
                "Due on {}, the date the authority promised in its response of {}. The law sets no such date: the authority set it itself.",
                long(promised),
                long(e.date)
            ),
            rule,
            skipped: Vec::new(),
            original_due: None,
            extension_limit: None,
            beyond_ico_norm: false,
            late_extension: false,
        });
        Ok(())
    }

    fn first_or_later_response(&mut self, e: &Event) -> Result<(), TimelineError> {
        let regime = self.regime;
        if let Some(mut clock) = self.clock.take() {
            let paused = clock.paused.take();
            if let Some((kind, since)) = paused {
                clock.pauses.push((since, e.date));
                if kind == EventKind::FeeNotice {
                    let note = "Void: the authority answered without waiting for the fee.".to_string();
                    self.settle_kind(DeadlineKind::FeePayment, Settle::Ended(e.kind, e.date, note))?;
                }
            }
            let open = clock.deadline(regime, self.calendar)?;
            let due = open.due;
            self.settle(open, Settle::By(e.kind, e.date))?;
            self.first_response = Some((e.date, due));
            if self.review_open.is_none() && !self.has(DeadlineKind::InternalReviewResponse) {
                self.open_review_request(e.date, Some(due))?;
            }
        } else if self.awaiting_clarification.take().is_some() {
            self.first_response = Some((e.date, e.date));
            self.open_review_request(e.date, None)?;
        } else if self.review_open.is_none()
            && !self.has(DeadlineKind::InternalReviewResponse)
            && regime.later_response_restarts_review_request()
        {
            // A fuller answer after a partial one: the time to ask for a review runs from it.
            if let Some(open) = self.take_open(DeadlineKind::InternalReviewRequest) {
                let note = format!("Void: superseded by the later response of {}.", long(e.date));
                self.settle(open, Settle::Ended(e.kind, e.date, note))?;
                self.open_review_request(e.date, None)?;
            }
            return Ok(());
        } else {
            return Ok(());
        }
        if matches!(
            self.status,
            Status::AwaitingResponse | Status::AwaitingClarification | Status::AwaitingFee
        ) {
            self.status = Status::Responded;
        }
        Ok(())
    }

    /// After the first response. FOIA, EIR and EI(S)R count from the response received. FOISA
    /// counts from the date it was due, or from a late response (s.20(5)); after a response in
    /// time the Commissioner advises 40 working days from receipt, an earlier date an authority
    /// may hold the requester to, so that is `due` and the statutory date is `latest`.
    fn open_review_request(
        &mut self,
        responded: NaiveDate,
        due: Option<NaiveDate>,
    ) -> Result<(), TimelineError> {
        let Some(rule) = self.regime.review_request() else {
            return Ok(());
        };
        let kind = DeadlineKind::InternalReviewRequest;
        match (self.regime, due) {
            (Regime::Foisa, Some(due)) if responded <= due => {
                let advised = self
                    .regime
                    .advised_review_request()
                    .expect("FOISA has the Commissioner's advice");
                self.open(kind, advised, responded, "receipt of the response")?;
                let latest = rule.apply(self.calendar, due, 0)?.due;
                // Received on the day it was due, the two dates are one.
                if let Some(open) = self.open.last_mut().filter(|open| latest > open.due) {
                    open.latest = Some(latest);
                    open.text.push_str(&format!(
                        " The law's own limit is later, {}: the 40th working day after {}, the date the response was due (FOISA s.20(5)(a)). Ask by the earlier date: the Commissioner advises it, and an authority may hold you to it.",
                        long(latest),
                        long(due)
                    ));
                }
                Ok(())
            }
            (Regime::Foisa, Some(_)) => self.open(kind, rule, responded, "receipt of the late response"),
            _ => self.open(kind, rule, responded, "the response"),
        }
    }

    /// When no response came in time, the requester may ask for a review within 40 working
    /// days of the date it was due (FOISA s.20(5)(a), EI(S)R reg 16(2), EIR reg 11(2)).
    fn open_review_request_for_silence(&mut self, on: NaiveDate) -> Result<(), TimelineError> {
        if !self.regime.review_runs_from_silence()
            || self.review_open.is_some()
            || self.has(DeadlineKind::InternalReviewRequest)
        {
            return Ok(());
        }
        let Some(clock) = self.clock.as_ref().filter(|c| c.paused.is_none()) else {
            return Ok(());
        };
        let due = clock.deadline(self.regime, self.calendar)?.due;
        if on > due {
            let rule = self.regime.review_request().expect("these regimes have reviews");
            self.open(
                DeadlineKind::InternalReviewRequest,
                rule,
                due,
                "the date the response was due",
            )?;
        }
        Ok(())
    }

    /// FOISA and EI(S)R: a review that never came opens the way to the Commissioner, six
    /// months from the date it was due (s.47(4)(b)).
    fn open_complaint_for_silence(&mut self, on: NaiveDate) -> Result<(), TimelineError> {
        if !self.regime.is_scottish()
            || self.has(DeadlineKind::RegulatorComplaint)
            || self.review_open.is_none()
        {
            return Ok(());
        }
        let review_due = self
            .open
            .iter()
            .find(|o| o.kind == DeadlineKind::InternalReviewResponse)
            .map(|o| o.due);
        if let Some(review_due) = review_due.filter(|due| on > *due) {
            let rule = self
                .regime
                .regulator_complaint()
                .expect("Scottish regimes have a regulator");
            self.open(
                DeadlineKind::RegulatorComplaint,
                rule,
                review_due,
                "the date the review was due",
            )?;
        }
        Ok(())
    }

    fn review_requested(&mut self, e: &Event) -> Result<(), TimelineError> {
        if let Some(asked) = self.review_open {
            return Err(out_of_order(
                e,
                format!("an internal review asked on {asked} has had no response yet"),
            ));
        }
        self.open_review_request_for_silence(e.date)?;
        self.settle_kind(DeadlineKind::InternalReviewRequest, Settle::By(e.kind, e.date))?;
        if let Some((rule, latest)) = self.regime.review_response() {
            self.open(
                DeadlineKind::InternalReviewResponse,
                rule,
                e.date,
                "the review request",
            )?;
            if let Some(latest) = latest {
                let latest = latest.apply(self.calendar, e.date, 0)?.due;
                if let Some(open) = self.open.last_mut() {
                    open.latest = Some(latest);
                }
            }
        }
        self.review_open = Some(e.date);
        self.status = Status::InInternalReview;
        Ok(())
    }

    fn review_response(&mut self, e: &Event) -> Result<(), TimelineError> {
        if self.review_open.take().is_none() {
            return Err(out_of_order(e, "no internal review was asked for"));
        }
        self.settle_kind(DeadlineKind::InternalReviewResponse, Settle::By(e.kind, e.date))?;
        if let Some(rule) = self.regime.regulator_complaint() {
            self.open(
                DeadlineKind::RegulatorComplaint,
                rule,
                e.date,
                "the review outcome",
            )?;
        }
        self.status = Status::Responded;
        Ok(())
    }

    fn regulator_complaint(&mut self, e: &Event) -> Result<(), TimelineError> {
        if let Some(made) = self.complaint_open {
            return Err(out_of_order(
                e,
                format!("the complaint made on {made} has had no decision yet"),
            ));
        }
        self.open_complaint_for_silence(e.date)?;
        self.settle_kind(DeadlineKind::RegulatorComplaint, Settle::By(e.kind, e.date))?;
        let note = format!("Void: the requester went to the regulator on {}.", long(e.date));
        self.settle_kind(
            DeadlineKind::InternalReviewRequest,
            Settle::Ended(e.kind, e.date, note),
        )?;
        self.complaint_open = Some(e.date);
        self.status = Status::WithRegulator;
        Ok(())
    }

    fn regulator_decision(&mut self, e: &Event) -> Result<(), TimelineError> {
        if self.complaint_open.take().is_none() {
            return Err(out_of_order(e, "no complaint to the regulator was made"));
        }
        if let Some(rule) = self.regime.tribunal_appeal() {
            self.open(DeadlineKind::TribunalAppeal, rule, e.date, "the decision notice")?;
        }
        self.decided = true;
        self.status = Status::WithRegulator;
        Ok(())
    }

    fn tribunal_appeal(&mut self, e: &Event) -> Result<(), TimelineError> {
        if !self.decided {
            return Err(out_of_order(e, "the regulator has not decided"));
        }
        if self.appealed {
            return Err(out_of_order(e, "an appeal to the tribunal was already made"));
        }
        self.settle_kind(DeadlineKind::TribunalAppeal, Settle::By(e.kind, e.date))?;
        self.appealed = true;
        self.awaiting_tribunal = true;
        self.status = Status::AtTribunal;
        Ok(())
    }

    fn tribunal_decision(&mut self, e: &Event) -> Result<(), TimelineError> {
        if !self.awaiting_tribunal {
            return Err(out_of_order(e, "no appeal is before the tribunal"));
        }
        self.awaiting_tribunal = false;
        self.tribunal_decisions += 1;
        // The first decision sends written reasons; one after an application for permission
        // is the decision on permission, and a refusal opens the way to the Upper Tribunal.
        let (after_refusal, label) = match self.tribunal_decisions {
            1 => (false, "the written reasons"),
            2 => (true, "the refusal of permission"),
            _ => return Ok(()),
        };
        if let Some(rule) = self.regime.onward_appeal(after_refusal) {
            self.open(DeadlineKind::OnwardAppeal, rule, e.date, label)?;
        }
        Ok(())
    }

    fn onward_appeal(&mut self, e: &Event) -> Result<(), TimelineError> {
        if self.tribunal_decisions == 0 || self.awaiting_tribunal {
            return Err(out_of_order(e, "the tribunal has not decided"));
        }
        self.settle_kind(DeadlineKind::OnwardAppeal, Settle::By(e.kind, e.date))?;
        self.awaiting_tribunal = true;
        self.status = Status::AtTribunal;
        Ok(())
    }

    fn end(&mut self, e: &Event) -> Result<(), TimelineError> {
        let (what, status) = if e.kind == EventKind::Closed {
            ("closed", Status::Closed)
        } else {
            ("withdrawn", Status::Withdrawn)
        };
        let note = format!("Void: the request was {what} on {}.", long(e.date));
        if let Some(clock) = self.clock.take() {
            let open = clock.deadline(self.regime, self.calendar)?;
            self.settle(open, Settle::Ended(e.kind, e.date, note.clone()))?;
        }
        for open in std::mem::take(&mut self.open) {
            self.settle(open, Settle::Ended(e.kind, e.date, note.clone()))?;
        }
        self.ended = Some((e.kind, e.date));
        self.status = status;
        Ok(())
    }

    pub(super) fn finish(mut self, today: NaiveDate) -> Result<Schedule, TimelineError> {
        if self.received.is_some() && self.ended.is_none() {
            self.open_review_request_for_silence(today)?;
            self.open_complaint_for_silence(today)?;
            for open in std::mem::take(&mut self.open) {
                self.settle(open, Settle::Pending(today))?;
            }
            // After the fee deadline is settled, so that a lapsed fee lapses the request.
            self.settle_clock(today)?;
            self.add_prompts(today);
        }
        let mut deadlines = self.done;
        // In the order the deadlines began, as the story of the request reads.
        deadlines.sort_by_key(|d| (d.from, d.due, d.kind));
        let overdue = deadlines.iter().any(|d| {
            d.party == Party::Authority && d.state == DeadlineState::Missed && d.settled_on.is_none()
        });
        Ok(Schedule {
            regime: self.regime,
            received: self.received,
            today,
            status: self.status,
            overdue,
            deadlines,
            prompts: self.prompts,
        })
    }

    /// The response still owed: running, missed, or void while a pause that began in time is open.
    fn settle_clock(&mut self, today: NaiveDate) -> Result<(), TimelineError> {
        let Some(clock) = self.clock.take() else {
            return Ok(());
        };
        let open = clock.deadline(self.regime, self.calendar)?;
        let Some((kind, since)) = clock.paused.filter(|(_, since)| *since <= open.due) else {
            return self.settle(open, Settle::Pending(today));
        };
        let fee_lapsed = self.done.iter().any(|d| {
            d.kind == DeadlineKind::FeePayment && d.state == DeadlineState::Lapsed && d.settled_on.is_none()
        });
        let note = match kind {
            _ if fee_lapsed => {
                self.status = Status::Lapsed;
                "Void: the request lapsed because the fee was not paid in time.".to_string()
            }
            EventKind::FeeNotice if self.regime == Regime::Sar => format!(
                "Paused since {}: the month starts again when the fee is received.",
                long(since)
            ),
            EventKind::FeeNotice => format!(
                "Paused since {}: the days until the fee is paid do not count ({}).",
                long(since),
                self.regime.fee_pause_source()
            ),
            _ => format!(
                "Paused since {} while the controller waits for the information it asked for (UK GDPR Art. 12A).",
                long(since)
            ),
        };
        self.settle(open, Settle::Ended(kind, since, note))
    }

    fn add_prompts(&mut self, today: NaiveDate) {
        let overdue_response = self.done.iter().any(|d| {
            d.kind == DeadlineKind::Response && d.state == DeadlineState::Missed && d.settled_on.is_none()
        });
        let review_beyond_limit = self.done.iter().any(|d| {
            d.kind == DeadlineKind::InternalReviewResponse
                && d.settled_on.is_none()
                && d.latest.is_some_and(|l| today > l)
        });
        let prompt = match self.regime {
            Regime::Foia | Regime::Eir if overdue_response => Some(
                "The response is overdue: you can complain to the ICO now, without an internal review (FOIA s.50; ICO guidance).",
            ),
            Regime::Foia if review_beyond_limit => Some(
                "The internal review has taken more than 40 working days: you can complain to the ICO without waiting for it (ICO guidance).",
            ),
            Regime::Sar if overdue_response => Some(
                "The response is overdue: complain to the controller, then to the ICO (DPA 2018 s.164A, from 19 June 2026).",
            ),
            Regime::Sar if self.first_response.is_some() => Some(
                "If the answer is incomplete, complain to the controller first, then to the ICO; the law sets no time limit (DPA 2018 s.164A, from 19 June 2026).",
            ),
            _ => None,
        };
        self.prompts.extend(prompt.map(String::from));
    }

    fn has(&self, kind: DeadlineKind) -> bool {
        self.open.iter().any(|o| o.kind == kind) || self.done.iter().any(|d| d.kind == kind)
    }

    fn take_open(&mut self, kind: DeadlineKind) -> Option<Open> {
        let i = self.open.iter().position(|o| o.kind == kind)?;
        Some(self.open.remove(i))
    }

    fn open(
        &mut self,
        kind: DeadlineKind,
        rule: Rule,
        from: NaiveDate,
        label: &str,
    ) -> Result<(), TimelineError> {
        let computed = rule.apply(self.calendar, from, 0)?;
        self.open.push(Open {
            kind,
            from,
            due: computed.due,
            latest: None,
            text: explain(&rule, label, from, &[]),
            rule,
            skipped: computed.skipped,
            original_due: None,
            extension_limit: None,
            beyond_ico_norm: false,
            late_extension: false,
        });
        Ok(())
    }

    fn settle_kind(&mut self, kind: DeadlineKind, how: Settle) -> Result<(), TimelineError> {
        match self.take_open(kind) {
            Some(open) => self.settle(open, how),
            None => Ok(()),
        }
    }

    fn settle(&mut self, open: Open, how: Settle) -> Result<(), TimelineError> {
        let party = open.kind.party();
        let late = |calendar: &Calendar, until: NaiveDate| -> Result<Option<i64>, CalendarError> {
            Ok(Some(calendar.working_days_between(
                open.rule.calendar,
                open.due,
                until,
            )?))
        };
        let passed = party.passed();
        let limit = party.last_day(open.due, open.latest);
        let (state, working_days_late, settled, note) = match how {
            Settle::By(kind, on) if on <= open.due => (DeadlineState::Met, None, Some((kind, on)), None),
            Settle::By(kind, on) if on <= limit => (
                DeadlineState::Met,
                None,
                Some((kind, on)),
                Some(format!(
                    "Used after the advised date of {}, within the law's limit of {}.",
                    long(open.due),
                    long(limit)
                )),
            ),
            Settle::By(kind, on) => (passed, late(self.calendar, on)?, Some((kind, on)), None),
            Settle::Ended(kind, on, note) if on <= limit => {
                (DeadlineState::Void, None, Some((kind, on)), Some(note))
            }
            Settle::Ended(kind, on, _) => {
                let days = if party == Party::Authority {
                    late(self.calendar, on)?
                } else {
                    None
                };
                (passed, days, Some((kind, on)), None)
            }
            Settle::Pending(today) if today <= open.due => (DeadlineState::Running, None, None, None),
            Settle::Pending(today) if today <= limit => (
                DeadlineState::Running,
                None,
                None,
                Some(format!(
                    "The advised date of {} has passed: ask now. The law allows until {}, but the authority may refuse a request made after the advised date.",
                    long(open.due),
                    long(limit)
                )),
            ),
            Settle::Pending(today) => {
                let days = if party == Party::Authority {
                    late(self.calendar, today)?
                } else {
                    None
                };
                (passed, days, None, None)
            }
        };
        self.done.push(Deadline {
            kind: open.kind,
            due: open.due,
            latest: open.latest,
            state,
            party,
            working_days_late,
            from: open.from,
            rule: open.text,
            source: open.rule.source.to_string(),
            statutory: open.rule.statutory,
            skipped: open.skipped,
            settled_by: settled.map(|(k, _)| k),
            settled_on: settled.map(|(_, d)| d),
            note,
            original_due: open.original_due,
            extension_limit: open.extension_limit,
            beyond_ico_norm: open.beyond_ico_norm,
            late_extension: open.late_extension,
        });
        Ok(())
    }
}
