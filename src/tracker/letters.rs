//! Letters: draft the next letter of a request from its record, and, once it is sent, keep it
//! on the timeline as the event it starts with the letter as its document.

use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

use super::audit::Caller;
use super::documents::{self, UploadedFile};
use super::events::{self, EventInput};
use super::holidays::CalendarStore;
use super::input::{names, Fields};
use super::request_detail::{self, RequestDetail};
use crate::db::documents::Document;
use crate::db::events::EventRecord;
use crate::db::responses::ResponseRecord;
use crate::db::{self, DbConnection};
use crate::domain::exemptions;
use crate::domain::letter::{self, Letter, LetterFacts, LetterKind, ResponseFacts, StepFacts};
use crate::domain::timeline::{DeadlineKind, DeadlineState, EventKind};
use crate::error::AppError;

const MAX_LETTER: usize = 50_000;

/// A letter of a request: whether the record allows it yet, and its draft if it does.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct LetterOption {
    pub kind: LetterKind,
    pub name: String,
    /// The letter whose deadline is running now.
    pub next: bool,
    /// The date it must be sent by, if a deadline runs for it.
    pub due: Option<NaiveDate>,
    /// Why it cannot be written yet; `None` if it can.
    pub unavailable: Option<String>,
    pub draft: Option<Letter>,
}

/// A letter as edited and sent.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct LetterInput {
    /// internal_review, regulator_complaint or tribunal_appeal.
    #[serde(default)]
    #[schema(required = true, value_type = crate::domain::letter::LetterKind)]
    pub kind: String,
    /// YYYY-MM-DD, not after today.
    #[serde(default)]
    #[schema(required = true, format = Date)]
    pub sent_on: String,
    #[serde(default)]
    #[schema(required = true)]
    pub to: String,
    #[serde(default)]
    #[schema(required = true)]
    pub subject: String,
    #[serde(default)]
    #[schema(required = true)]
    pub body: String,
}

/// What sending a letter recorded.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SentLetter {
    pub event: EventRecord,
    pub document: Document,
}

/// The deadline a letter answers.
fn deadline_of(kind: LetterKind) -> DeadlineKind {
    match kind {
        LetterKind::InternalReview => DeadlineKind::InternalReviewRequest,
        LetterKind::RegulatorComplaint => DeadlineKind::RegulatorComplaint,
        LetterKind::TribunalAppeal => DeadlineKind::TribunalAppeal,
    }
}

fn step(detail: &RequestDetail, kind: EventKind) -> StepFacts {
    let Some(event) = detail.events.iter().rev().find(|e| e.kind == kind) else {
        return StepFacts::default();
    };
    let appeal = event.appeal.as_ref();
    StepFacts {
        on: Some(event.occurred_on),
        reference: appeal.and_then(|a| a.reference.clone()),
        decision_reference: appeal.and_then(|a| a.decision_reference.clone()),
        outcome: appeal.and_then(|a| a.outcome).map(|o| o.label()),
        overturned: appeal.and_then(|a| a.outcome).is_some_and(|o| o.overturns()),
    }
}

fn facts(
    conn: &mut DbConnection,
    caller: &Caller,
    detail: &RequestDetail,
    kind: LetterKind,
) -> Result<LetterFacts, AppError> {
    let schedule = &detail.schedule;
    let responses: Vec<(&EventRecord, &ResponseRecord)> = detail
        .events
        .iter()
        .filter_map(|e| Some((e, e.response.as_ref()?)))
        .collect();
    let response = responses
        .iter()
        .rev()
        .find(|(_, r)| r.outcome.withholds())
        .or(responses.last())
        .map(|(e, r)| ResponseFacts {
            on: e.occurred_on,
            outcome: r.outcome.label(),
            withholds: r.outcome.withholds(),
            grounds: r
                .grounds
                .iter()
                .filter_map(|id| exemptions::find(id))
                .map(|g| format!("{}: {}", g.citation, g.title))
                .collect(),
            public_interest_test: r.public_interest_test,
        });
    // A response recorded without its outcome still answered the request.
    let response = response.or_else(|| {
        detail
            .events
            .iter()
            .rev()
            .find(|e| e.kind == EventKind::Response)
            .map(|e| ResponseFacts {
                on: e.occurred_on,
                outcome: "Answered",
                withholds: false,
                grounds: Vec::new(),
                public_interest_test: false,
            })
    });
    let organisation = crate::db::accounts::find_organisation(conn, detail.request.organisation_id)?
        .map(|o| o.name)
        .unwrap_or_default();
    let signer = caller
        .actor
        .as_ref()
        .map_or_else(|| caller.label.clone(), |a| a.name.clone());
    let wanted = deadline_of(kind);
    Ok(LetterFacts {
        regime: detail.request.values.regime,
        authority: detail.authority.values.name.clone(),
        authority_email: detail.authority.values.foi_email.clone(),
        title: detail.request.values.title.clone(),
        body: detail.request.values.body.clone(),
        their_reference: detail.request.values.reference.clone(),
        received: schedule.received,
        response_due: schedule
            .deadlines
            .iter()
            .find(|d| d.kind == DeadlineKind::Response)
            .map(|d| d.due),
        response,
        review_requested: step(detail, EventKind::InternalReviewRequested),
        review_decided: step(detail, EventKind::InternalReviewResponse),
        complaint: step(detail, EventKind::RegulatorComplaint),
        decision: step(detail, EventKind::RegulatorDecision),
        documents: detail.documents.iter().map(|d| d.filename.clone()).collect(),
        signer,
        organisation,
        today: schedule.today,
        due: schedule
            .deadlines
            .iter()
            .rev()
            .find(|d| d.kind == wanted && d.state == DeadlineState::Running)
            .map(|d| d.due),
    })
}

/// The letters of a request, each drafted from the record if it allows it; for those who
/// may write to the authority on the request's behalf.
pub fn overview(
    conn: &mut DbConnection,
    calendars: &CalendarStore,
    caller: &Caller,
    today: NaiveDate,
    request_id: i32,
    now: NaiveDateTime,
) -> Result<(RequestDetail, Vec<LetterOption>), AppError> {
    super::access::writable(conn, caller, request_id)?;
    let detail = request_detail::show(conn, calendars, caller, today, request_id, now)?;
    let mut options = Vec::new();
    for &kind in <LetterKind as strum::VariantArray>::VARIANTS {
        let facts = facts(conn, caller, &detail, kind)?;
        let (draft, unavailable) = match letter::draft(kind, &facts) {
            Ok(draft) => (Some(draft), None),
            Err(why) => (None, Some(why)),
        };
        options.push(LetterOption {
            kind,
            name: kind.name(detail.request.values.regime).to_string(),
            next: draft.is_some() && facts.due.is_some(),
            due: facts.due,
            unavailable,
            draft,
        });
    }
    Ok((detail, options))
}

/// Records a letter as sent: the event it starts (a review request, a complaint, an appeal)
/// on the day it was sent, with the letter as it went kept as that event's document.
pub fn send(
    conn: &mut DbConnection,
    calendars: &CalendarStore,
    caller: &Caller,
    today: NaiveDate,
    request_id: i32,
    input: &LetterInput,
    now: NaiveDateTime,
) -> Result<SentLetter, AppError> {
    let mut f = Fields::new();
    let sent_on = f.date("sent_on", "Date sent", &input.sent_on, Some(today));
    let letter = checked(&mut f, input);
    let (Some(letter), Some(sent_on)) = f.finish((letter, sent_on))? else {
        return Err(AppError::invalid("sent_on", "Give the date the letter was sent"));
    };
    let text = format!(
        "To: {}\nSubject: {}\nSent: {sent_on}\n\n{}\n",
        letter.to, letter.subject, letter.body
    );
    let file_name = format!("{}-{sent_on}.txt", letter.kind.to_string().replace('_', "-"));
    db::write(conn, |conn| {
        check_available(conn, calendars, caller, today, request_id, letter.kind, now)?;
        record(
            conn,
            calendars,
            caller,
            today,
            request_id,
            &letter,
            sent_on,
            (&file_name, text.as_bytes()),
            now,
        )
    })
}

/// A letter's fields, each checked.
#[derive(Debug, Clone)]
pub(crate) struct CheckedLetter {
    pub kind: LetterKind,
    pub to: String,
    pub subject: String,
    pub body: String,
}

/// The letter's fields but its date, checked into `f`.
pub(crate) fn checked(f: &mut Fields, input: &LetterInput) -> Option<CheckedLetter> {
    let kind: Option<LetterKind> = f.closed("kind", "Letter", &input.kind, &names::<LetterKind>());
    let to = f.text("to", "To", &input.to, 300);
    let subject = f.text("subject", "Subject", &input.subject, 300);
    let body = f.lines("body", "Letter", &input.body, MAX_LETTER);
    Some(CheckedLetter {
        kind: kind?,
        to,
        subject,
        body,
    })
}

/// Refused, saying why, unless the request's record allows the letter now.
pub(crate) fn check_available(
    conn: &mut DbConnection,
    calendars: &CalendarStore,
    caller: &Caller,
    today: NaiveDate,
    request_id: i32,
    kind: LetterKind,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    super::access::writable(conn, caller, request_id)?;
    let detail = request_detail::show(conn, calendars, caller, today, request_id, now)?;
    letter::available(kind, &facts(conn, caller, &detail, kind)?).map_err(|why| AppError::conflict(None, why))
}

/// Inside the caller's transaction: the letter's event on `sent_on`, with `document` (its
/// file name and bytes) as the event's document.
#[allow(clippy::too_many_arguments)]
pub(crate) fn record(
    conn: &mut DbConnection,
    calendars: &CalendarStore,
    caller: &Caller,
    today: NaiveDate,
    request_id: i32,
    letter: &CheckedLetter,
    sent_on: NaiveDate,
    (file_name, content): (&str, &[u8]),
    now: NaiveDateTime,
) -> Result<SentLetter, AppError> {
    let event = EventInput {
        kind: letter.kind.event().to_string(),
        occurred_on: sent_on.to_string(),
        details: Some(format!("Sent to {}: {}", letter.to, letter.subject)),
        ..Default::default()
    };
    let (event, _) = events::add(conn, calendars, caller, today, request_id, &event, now)?;
    let file = UploadedFile {
        file_name: Some(file_name),
        content,
        event_id: Some(event.id),
    };
    let document = documents::upload(conn, caller, request_id, &file, usize::MAX, now)?;
    Ok(SentLetter { event, document })
}
