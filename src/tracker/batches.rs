//! Batches: one question sent to many authorities, each member an ordinary request with its
//! own law and deadlines, read and acted on as one. Who may see a batch is who may see its
//! members: a member hidden from the viewer is absent from the page, the totals and the CSV,
//! and a batch none of whose members they may see is not found.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::access::{access_to, require};
use super::audit::{record, Caller, Change};
use super::holidays::CalendarStore;
use super::input::Fields;
use super::letters::{self, LetterInput, SentLetter};
use super::request_input::{RequestInput, MAX_TITLE};
use crate::db::batches::{self, Batch};
use crate::db::requests::Request;
use crate::db::{self, authorities, authority_groups, DbConnection};
use crate::domain::account::{Access, Actor};
use crate::domain::batch::{self, MemberFacts, Standing, Totals};
use crate::domain::history::{Standing as Lateness, Timeliness};
use crate::domain::letter::{Letter, LetterKind};
use crate::domain::regime::Regime;
use crate::domain::response::Outcome;
use crate::domain::timeline::{EventKind, Status};
use crate::domain::version::Expected;
use crate::error::AppError;

/// At most this many authorities in one batch: every police force of the UK is 45.
pub const MAX_MEMBERS: usize = 500;

/// A batch as a form or an API client sends it: the request's text once, and the authorities
/// it goes to, as a group, one by one, or both.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct BatchInput {
    #[serde(default)]
    #[schema(required = true)]
    pub title: String,
    /// The text sent to every authority.
    #[serde(default)]
    #[schema(required = true)]
    pub body: String,
    /// A group of authorities (see `GET /api/v1/authority-groups`).
    pub group_id: Option<i32>,
    /// Authorities, besides those of the group.
    #[serde(default)]
    pub authority_ids: Vec<i32>,
    /// email (the default), web_form, post, whatdotheyknow or other.
    #[schema(value_type = Option<crate::domain::request::SentVia>)]
    pub sent_via: Option<String>,
    /// YYYY-MM-DD; with no date sent every member is a draft.
    #[schema(format = Date)]
    pub sent_on: Option<String>,
    /// YYYY-MM-DD, the day the authorities received it (default: the day sent).
    #[schema(format = Date)]
    pub received_on: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    /// The batch request on WhatDoTheyKnow, if it was sent there as one.
    pub wdtk_url: Option<String>,
    /// The indicators every member asks for, over which periods: the scorecard counts the
    /// batch's answers to each.
    #[serde(default)]
    pub indicators: Vec<super::demands::LinkInput>,
}

/// The authority a member went to.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MemberAuthority {
    pub id: i32,
    pub name: String,
    pub short_name: String,
}

/// One member of a batch: where its request stands.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Member {
    pub request_id: i32,
    pub authority: MemberAuthority,
    /// The law it was made under: each authority's own (Police Scotland's is FOISA).
    pub regime: Regime,
    pub status: Status,
    pub standing: Standing,
    pub sent_on: Option<NaiveDate>,
    pub received_on: Option<NaiveDate>,
    pub acknowledged_on: Option<NaiveDate>,
    pub response_due: Option<NaiveDate>,
    pub answered_on: Option<NaiveDate>,
    /// When an internal review of it was first asked for, if one was.
    pub review_asked_on: Option<NaiveDate>,
    /// Whether it was, or is being, answered in time (none for a draft).
    pub timeliness: Option<Timeliness>,
    pub outcome: Option<Outcome>,
    /// The grounds its responses cited, as people write them ("FOIA s.12(1)").
    pub grounds: Vec<String>,
    /// Figures entered from its answers.
    pub figures: i64,
}

/// A batch with its members and their totals, as the viewer may see them.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct BatchView {
    pub id: i32,
    pub title: String,
    pub organisation_id: i32,
    pub wdtk_url: Option<String>,
    pub totals: Totals,
    pub members: Vec<Member>,
    /// Whether the viewer may act on its members.
    pub writable: bool,
    #[serde(serialize_with = "crate::domain::instant::utc")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: NaiveDateTime,
}

/// A batch in a list.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct BatchSummary {
    pub id: i32,
    pub title: String,
    pub organisation_id: i32,
    pub totals: Totals,
}

/// Creates a batch and every member's request, in one transaction: each member goes to its
/// authority under that authority's own law, with its own deadlines.
pub fn create(
    conn: &mut DbConnection,
    calendars: &CalendarStore,
    caller: &Caller,
    today: NaiveDate,
    input: &BatchInput,
    now: NaiveDateTime,
) -> Result<i32, AppError> {
    let actor = require(caller, Actor::files_requests)?.clone();
    db::write(conn, |conn| {
        let (title, wdtk_url, authority_ids) = validate(conn, input)?;
        let id = batches::insert(
            conn,
            actor.organisation_id,
            &title,
            wdtk_url.as_deref(),
            Some(actor.user_id),
            now,
        )?;
        let mut members = Vec::new();
        for authority_id in &authority_ids {
            let request = RequestInput {
                title: input.title.clone(),
                body: input.body.clone(),
                authority_id: Some(*authority_id),
                regime: None,
                sent_via: input.sent_via.clone(),
                sent_on: input.sent_on.clone(),
                received_on: input.received_on.clone(),
                reference: None,
                owner_id: None,
                tags: input.tags.clone(),
            };
            let request_id = super::requests::create(conn, calendars, caller, today, &request, now)?;
            if !input.indicators.is_empty() {
                super::demands::link(conn, caller, request_id, &input.indicators, &Expected::Any, now)?;
            }
            batches::add_member(conn, id, request_id, *authority_id)?;
            members.push(request_id);
        }
        record(
            conn,
            caller,
            Change::new("create", "batch", id).after(json!({
                "title": title, "wdtk_url": wdtk_url, "group_id": input.group_id,
                "authority_ids": authority_ids, "request_ids": members,
            })),
            now,
        )?;
        Ok(id)
    })
}

/// The batch's title, WhatDoTheyKnow address and authorities (the group's and those chosen,
/// each once), checked.
fn validate(
    conn: &mut DbConnection,
    input: &BatchInput,
) -> Result<(String, Option<String>, Vec<i32>), AppError> {
    let mut f = Fields::new();
    let title = f.text("title", "Title", &input.title, MAX_TITLE);
    let wdtk_url = f.optional_url("wdtk_url", "WhatDoTheyKnow batch", input.wdtk_url.as_deref());
    // Counted before anything is done with them: a body of a hundred thousand ids is refused
    // as it stands, not deduplicated first.
    if input.authority_ids.len() > MAX_MEMBERS {
        f.error(
            "authority_ids",
            format!("A batch goes to at most {MAX_MEMBERS} authorities"),
        );
        return f.finish((title, wdtk_url, Vec::new()));
    }
    let mut ids = Vec::new();
    if let Some(group) = input.group_id {
        match authority_groups::find(conn, group)? {
            Some(_) => ids.extend(authority_groups::members_of(conn, group)?),
            None => f.error("group_id", format!("There is no group {group}")),
        }
    }
    for id in &input.authority_ids {
        if !ids.contains(id) {
            ids.push(*id);
        }
    }
    if ids.is_empty() && input.group_id.is_none() {
        f.error(
            "authority_ids",
            "Choose the authorities to ask: a group, or one by one",
        );
    } else if ids.len() > MAX_MEMBERS {
        f.error(
            "authority_ids",
            format!("A batch goes to at most {MAX_MEMBERS} authorities"),
        );
    } else {
        // The register read once, for both checks.
        let known: HashMap<i32, _> = authorities::list(conn)?.into_iter().map(|a| (a.id, a)).collect();
        let chosen: Vec<_> = ids.iter().map(|id| (*id, known.get(id))).collect();
        if let Some((missing, _)) = chosen.iter().find(|(_, a)| a.is_none()) {
            f.error("authority_ids", format!("There is no authority {missing}"));
        } else if let Some(a) = chosen
            .iter()
            .filter_map(|(_, a)| *a)
            .find(|a| a.values.default_regime == Regime::Sar)
        {
            f.error(
                "authority_ids",
                format!("{} takes subject access requests: a batch asks every authority for information, not anyone's personal data", a.values.name),
            );
        }
    }
    f.finish((title, wdtk_url, ids))
}

/// Whether a member is shown to `actor`: one they may read, unless reading it is itself
/// recorded (an auditor's view of a subject access request, which a member edited into one
/// would be), which only its own page does.
fn shown(actor: &Actor, request: &Request) -> bool {
    access_to(actor, request) != Access::None && !actor.view_is_audited(request.values.regime)
}

/// The batch and its members' requests the caller may see; not found if they may see none.
fn visible(
    conn: &mut DbConnection,
    caller: &Caller,
    id: i32,
) -> Result<(Batch, Vec<Request>, bool), AppError> {
    let actor = require(caller, |_| true)?;
    let not_found = || AppError::NotFound(format!("batch {id}"));
    let batch = batches::find(conn, id)?.ok_or_else(not_found)?;
    let ids: Vec<i32> = batches::members(conn, &[id])?
        .into_iter()
        .map(|(_, r)| r)
        .collect();
    let requests: Vec<Request> = crate::db::requests::find_many(conn, &ids)?
        .into_iter()
        .filter(|r| shown(actor, r))
        .collect();
    if requests.is_empty() {
        return Err(not_found());
    }
    let writable = actor.files_requests() && actor.organisation_id == batch.organisation_id;
    Ok((batch, requests, writable))
}

/// Each member's facts and row, ordered by its authority's name.
fn members_of(
    conn: &mut DbConnection,
    requests: &[Request],
    today: NaiveDate,
) -> Result<Vec<(Member, MemberFacts)>, AppError> {
    let ids: Vec<i32> = requests.iter().map(|r| r.id).collect();
    let authority_ids: Vec<i32> = requests.iter().map(|r| r.values.authority_id).collect();
    let names = crate::db::requests::authority_names(conn, &authority_ids)?;
    let facts = crate::db::history::stored_facts(conn, &ids)?;
    let first = |conn: &mut DbConnection, kind| -> Result<HashMap<i32, NaiveDate>, AppError> {
        Ok(batches::first_of(conn, &ids, kind)?.into_iter().collect())
    };
    let acknowledged = first(conn, EventKind::Acknowledged)?;
    // Answered is any response, its outcome recorded or not (the history's facts keep only
    // those with one).
    let answered = first(conn, EventKind::Response)?;
    let reviewed = first(conn, EventKind::InternalReviewRequested)?;
    let figures: HashMap<i32, i64> = batches::figures_of(conn, &ids)?.into_iter().collect();
    let mut members: Vec<(Member, MemberFacts)> = requests
        .iter()
        .map(|r| {
            let stored = facts.get(&r.id).cloned().unwrap_or_default();
            let sent = r.status != Status::Draft;
            let timeliness = match sent {
                true => stored.timeliness.map(|t| {
                    Lateness {
                        timeliness: t,
                        late_after: stored.late_after,
                    }
                    .on(today)
                }),
                false => None,
            };
            let grounds: Vec<String> = stored
                .citations
                .lines()
                .filter(|l| !l.is_empty())
                .map(str::to_string)
                .collect();
            let member_facts = MemberFacts {
                sent,
                ended: matches!(r.status, Status::Withdrawn | Status::Lapsed | Status::Closed),
                acknowledged: acknowledged.contains_key(&r.id),
                answered_on: answered.get(&r.id).copied(),
                timeliness,
                outcome: stored.first_outcome,
                grounds: grounds.clone(),
                figures: figures.get(&r.id).copied().unwrap_or(0),
            };
            let (name, short_name) = names.get(&r.values.authority_id).cloned().unwrap_or_default();
            let mut cited: Vec<String> = grounds
                .iter()
                .map(|g| crate::domain::exemptions::find(g).map_or_else(|| g.clone(), |e| e.citation.clone()))
                .collect();
            let mut seen = std::collections::HashSet::new();
            cited.retain(|c| seen.insert(c.clone()));
            let member = Member {
                request_id: r.id,
                authority: MemberAuthority {
                    id: r.values.authority_id,
                    name,
                    short_name,
                },
                regime: r.values.regime,
                status: r.status,
                standing: member_facts.standing(),
                sent_on: r.values.sent_on,
                received_on: stored.received_on,
                acknowledged_on: acknowledged.get(&r.id).copied(),
                response_due: stored.response_due,
                answered_on: member_facts.answered_on,
                review_asked_on: reviewed.get(&r.id).copied(),
                timeliness,
                outcome: stored.first_outcome,
                grounds: cited,
                figures: member_facts.figures,
            };
            (member, member_facts)
        })
        .collect();
    members.sort_by(|a, b| a.0.authority.name.cmp(&b.0.authority.name));
    Ok(members)
}

/// A batch as the caller may see it, with the totals of what they may see.
pub fn read(
    conn: &mut DbConnection,
    caller: &Caller,
    today: NaiveDate,
    id: i32,
) -> Result<BatchView, AppError> {
    let (batch, requests, writable) = visible(conn, caller, id)?;
    view_of(conn, batch, &requests, writable, today)
}

/// The batch's view from its members the viewer may see, already loaded.
fn view_of(
    conn: &mut DbConnection,
    batch: Batch,
    requests: &[Request],
    writable: bool,
    today: NaiveDate,
) -> Result<BatchView, AppError> {
    let members = members_of(conn, requests, today)?;
    let facts: Vec<MemberFacts> = members.iter().map(|(_, f)| f.clone()).collect();
    Ok(BatchView {
        id: batch.id,
        title: batch.title,
        organisation_id: batch.organisation_id,
        wdtk_url: batch.wdtk_url,
        totals: batch::totals(&facts),
        members: members.into_iter().map(|(m, _)| m).collect(),
        writable,
        created_at: batch.created_at,
    })
}

/// Every batch the caller may see any member of, newest first, with its totals.
pub fn list(
    conn: &mut DbConnection,
    caller: &Caller,
    today: NaiveDate,
) -> Result<Vec<BatchSummary>, AppError> {
    let actor = require(caller, |_| true)?;
    let all = batches::list(conn)?;
    let ids: Vec<i32> = all.iter().map(|b| b.id).collect();
    let membership = batches::members(conn, &ids)?;
    let request_ids: Vec<i32> = membership.iter().map(|(_, r)| *r).collect();
    let requests: HashMap<i32, Request> = crate::db::requests::find_many(conn, &request_ids)?
        .into_iter()
        .filter(|r| shown(actor, r))
        .map(|r| (r.id, r))
        .collect();
    let visible: Vec<Request> = requests.values().cloned().collect();
    let rows: HashMap<i32, MemberFacts> = members_of(conn, &visible, today)?
        .into_iter()
        .map(|(m, f)| (m.request_id, f))
        .collect();
    Ok(all
        .into_iter()
        .filter_map(|b| {
            let facts: Vec<MemberFacts> = membership
                .iter()
                .filter(|(batch, _)| *batch == b.id)
                .filter_map(|(_, r)| rows.get(r).cloned())
                .collect();
            (!facts.is_empty()).then(|| BatchSummary {
                id: b.id,
                title: b.title,
                organisation_id: b.organisation_id,
                totals: batch::totals(&facts),
            })
        })
        .collect())
}

/// The batch's members the caller may change: refused unless they file requests for its
/// organisation.
fn changeable(conn: &mut DbConnection, caller: &Caller, id: i32) -> Result<(Batch, Vec<Request>), AppError> {
    let (batch, requests, writable) = visible(conn, caller, id)?;
    if !writable {
        return Err(AppError::Forbidden(
            "Only researchers and coordinators of the batch's organisation can act on it".into(),
        ));
    }
    Ok((batch, requests))
}

/// Records every member not yet sent as sent on `sent_on` (received on `received_on`, or the
/// same day), each audited as its own request's change; the requests sent.
#[allow(clippy::too_many_arguments)]
pub fn mark_sent(
    conn: &mut DbConnection,
    calendars: &CalendarStore,
    caller: &Caller,
    today: NaiveDate,
    id: i32,
    sent_on: &str,
    received_on: Option<&str>,
    now: NaiveDateTime,
) -> Result<Vec<i32>, AppError> {
    let (sent, received) = super::requests::sent_dates(today, sent_on, received_on)?;
    db::write(conn, |conn| {
        let (batch, requests) = changeable(conn, caller, id)?;
        let drafts: Vec<&Request> = requests.iter().filter(|r| r.status == Status::Draft).collect();
        if drafts.is_empty() {
            return Err(AppError::conflict(
                Some("sent_on"),
                "Every member of this batch has been sent already",
            ));
        }
        let mut sent_ids = Vec::new();
        for request in drafts {
            super::requests::mark_sent(
                conn,
                calendars,
                caller,
                today,
                request,
                sent,
                received,
                json!({"batch_id": batch.id}),
                now,
            )?;
            sent_ids.push(request.id);
        }
        batches::touch(conn, batch.id, now)?;
        Ok(sent_ids)
    })
}

/// What sending a batch by email did: the members sent, and those that could not go, with why.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct EmailRun {
    pub sent: Vec<super::correspondence::SentEmail>,
    pub not_sent: Vec<NotSent>,
}

/// A member that could not be sent by email, and why (no FOI address, say).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct NotSent {
    pub request_id: i32,
    pub authority: String,
    pub reason: String,
}

/// Sends every member not yet sent by email from the organisation's mailbox, one message a
/// member, each recorded as sent today as its own request's change once its server took it.
/// Each member goes as a request sent on its own does (claimed, handed over, recorded), so a
/// second run, or one after a crash, sends only those still unsent; a member that cannot go
/// (its authority has no FOI address, the server refused it) is said and the others go.
pub fn send_by_email(
    conn: &mut DbConnection,
    calendars: &CalendarStore,
    settings: &crate::config::Settings,
    caller: &Caller,
    today: NaiveDate,
    id: i32,
    now: NaiveDateTime,
) -> Result<EmailRun, AppError> {
    let (_, requests) = changeable(conn, caller, id)?;
    let drafts: Vec<i32> = requests
        .iter()
        .filter(|r| r.status == Status::Draft)
        .map(|r| r.id)
        .collect();
    if drafts.is_empty() {
        return Err(AppError::conflict(
            None,
            "Every member of this batch has been sent already",
        ));
    }
    let names = crate::db::requests::authority_names(
        conn,
        &requests.iter().map(|r| r.values.authority_id).collect::<Vec<_>>(),
    )?;
    let mut run = EmailRun {
        sent: Vec::new(),
        not_sent: Vec::new(),
    };
    for request in requests.iter().filter(|r| drafts.contains(&r.id)) {
        match super::correspondence::send_request(conn, calendars, settings, caller, today, request.id, now) {
            Ok(sent) => run.sent.push(sent),
            // Without a mailbox nothing can go: said once, for the batch.
            Err(AppError::Conflict { message, .. })
                if message.starts_with("Your organisation has no mailbox") =>
            {
                return Err(AppError::conflict(None, message));
            }
            Err(error @ (AppError::Conflict { .. } | AppError::Upstream(_) | AppError::Invalid(_))) => {
                run.not_sent.push(NotSent {
                    request_id: request.id,
                    authority: names
                        .get(&request.values.authority_id)
                        .map(|n| n.0.clone())
                        .unwrap_or_default(),
                    reason: error.to_string(),
                })
            }
            Err(other) => return Err(other),
        }
    }
    Ok(run)
}

/// A member's internal review letter, drafted from its record.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ReviewDraft {
    pub request_id: i32,
    pub authority: String,
    /// Why it is asked for: "Refused (FOIA s.12(1))", "Answered late", "Not answered".
    pub reason: String,
    pub letter: Letter,
}

/// Whether a member's answer (or its silence) is one a review is asked of, and why.
fn review_reason(member: &Member) -> Option<String> {
    let grounds = match member.grounds.is_empty() {
        true => String::new(),
        false => format!(" ({})", member.grounds.join(", ")),
    };
    match member.standing {
        Standing::Overdue => Some("Not answered in time".into()),
        Standing::Refused => Some(format!("Refused{grounds}")),
        Standing::Released if member.outcome == Some(Outcome::PartlyGranted) => {
            Some(format!("Partly refused{grounds}"))
        }
        _ if member.timeliness == Some(Timeliness::Late) && member.answered_on.is_some() => {
            Some("Answered late".into())
        }
        _ => None,
    }
}

/// The internal review letter of every member refused, partly refused, answered late or
/// overdue, drafted from its record, for those whose record allows one now.
pub fn reviews(
    conn: &mut DbConnection,
    calendars: &CalendarStore,
    caller: &Caller,
    today: NaiveDate,
    id: i32,
    now: NaiveDateTime,
) -> Result<(BatchView, Vec<ReviewDraft>), AppError> {
    let (batch, requests) = changeable(conn, caller, id)?;
    let view = view_of(conn, batch, &requests, true, today)?;
    let mut drafts = Vec::new();
    // Those whose review is asked for already, or who went further, are past this step.
    let open = |m: &&Member| {
        m.review_asked_on.is_none() && matches!(m.status, Status::AwaitingResponse | Status::Responded)
    };
    for member in view.members.iter().filter(open) {
        let Some(reason) = review_reason(member) else {
            continue;
        };
        let (_, options) = letters::overview(conn, calendars, caller, today, member.request_id, now)?;
        let letter = options
            .into_iter()
            .find(|o| o.kind == LetterKind::InternalReview)
            .and_then(|o| o.draft);
        if let Some(letter) = letter {
            drafts.push(ReviewDraft {
                request_id: member.request_id,
                authority: member.authority.name.clone(),
                reason,
                letter,
            });
        }
    }
    Ok((view, drafts))
}

/// Records the internal review letter of every member `reviews` drafts one for as sent on
/// `sent_on`, each as its own request's event with the letter as its document, audited per
/// request, in one transaction; what was recorded.
pub fn request_reviews(
    conn: &mut DbConnection,
    calendars: &CalendarStore,
    caller: &Caller,
    today: NaiveDate,
    id: i32,
    sent_on: &str,
    now: NaiveDateTime,
) -> Result<Vec<SentLetter>, AppError> {
    let mut f = Fields::new();
    f.date("sent_on", "Date sent", sent_on, Some(today));
    f.finish(())?;
    db::write(conn, |conn| {
        let (_, drafts) = reviews(conn, calendars, caller, today, id, now)?;
        if drafts.is_empty() {
            return Err(AppError::conflict(
                None,
                "No member of this batch is refused, late or overdue with a review still to ask for",
            ));
        }
        let mut sent = Vec::new();
        for draft in drafts {
            let input = LetterInput {
                kind: LetterKind::InternalReview.to_string(),
                sent_on: sent_on.to_string(),
                to: draft.letter.to.clone(),
                subject: draft.letter.subject.clone(),
                body: draft.letter.body.clone(),
            };
            sent.push(letters::send(
                conn,
                calendars,
                caller,
                today,
                draft.request_id,
                &input,
                now,
            )?);
        }
        batches::touch(conn, id, now)?;
        Ok(sent)
    })
}

/// The columns of a batch's CSV.
pub const CSV_COLUMNS: &[&str] = &[
    "request_id",
    "authority",
    "regime",
    "standing",
    "status",
    "sent_on",
    "received_on",
    "acknowledged_on",
    "response_due",
    "answered_on",
    "timeliness",
    "outcome",
    "grounds",
    "figures",
];

/// The batch's members as CSV rows, one per member, in [`CSV_COLUMNS`]' order.
pub fn csv_rows(view: &BatchView) -> Vec<Vec<String>> {
    let date = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    view.members
        .iter()
        .map(|m| {
            vec![
                m.request_id.to_string(),
                m.authority.name.clone(),
                m.regime.to_string(),
                m.standing.to_string(),
                m.status.to_string(),
                date(m.sent_on),
                date(m.received_on),
                date(m.acknowledged_on),
                date(m.response_due),
                date(m.answered_on),
                m.timeliness.map(|t| t.to_string()).unwrap_or_default(),
                m.outcome.map(|o| o.to_string()).unwrap_or_default(),
                m.grounds.join("; "),
                m.figures.to_string(),
            ]
        })
        .collect()
}
