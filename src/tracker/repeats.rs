//! Quarterly repeat requests: set a request to repeat, draft each successor when its quarter
//! has ended (same authority, the text with the new quarter, the same indicators a quarter
//! on), and skip a quarter the researchers decide not to ask about.

use chrono::{NaiveDate, NaiveDateTime};
use serde_json::json;

use super::access::writable;
use super::audit::{record, Caller, Change};
use super::holidays::CalendarStore;
use super::request_input::RequestInput;
use super::requests;
use crate::db::{self, demands, DbConnection};
use crate::domain::repeat;
use crate::domain::version::Expected;
use crate::error::AppError;

/// Sets a request to repeat every quarter, or stops it; audited.
pub fn set(
    conn: &mut DbConnection,
    caller: &Caller,
    id: i32,
    repeats: bool,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    db::write(conn, |conn| {
        writable(conn, caller, id)?;
        let periods: Vec<(NaiveDate, NaiveDate)> = demands::links_of(conn, id)?
            .into_iter()
            .map(|l| (l.from, l.to))
            .collect();
        if repeats && repeat::covered(&periods).is_none() {
            return Err(AppError::invalid(
                "repeats",
                "Name the indicators and the quarter this request asks for first: the repeat asks for the next quarter",
            ));
        }
        let (before, ..) = db::repeats::repeat_state(conn, id)?;
        db::repeats::set_repeats(conn, id, repeats, now)?;
        record(
            conn,
            caller,
            Change::new("update", "request", id)
                .before(json!({"repeats": before}))
                .after(json!({"repeats": repeats})),
            now,
        )?;
        Ok(())
    })
}

/// Skips a drafted repeat: it is not sent, and the next quarter is drafted from it; audited.
pub fn skip(conn: &mut DbConnection, caller: &Caller, id: i32, now: NaiveDateTime) -> Result<(), AppError> {
    db::write(conn, |conn| {
        let request = writable(conn, caller, id)?;
        let (_, repeat_of, skipped) = db::repeats::repeat_state(conn, id)?;
        if repeat_of.is_none() || request.values.sent_on.is_some() || skipped.is_some() {
            return Err(AppError::conflict(
                None,
                "Only a drafted quarterly repeat that has not been sent or skipped can be skipped",
            ));
        }
        db::repeats::skip(conn, id, now)?;
        // Its reminders stop now, not at the next sweep: a retry must not send one.
        crate::db::notice_plan::cancel_repeat_notices(conn, id, "the quarterly repeat was skipped")?;
        record(
            conn,
            caller,
            Change::new("skip", "request", id).after(json!({"skipped": true})),
            now,
        )?;
        Ok(())
    })
}

/// Drafts the successor of every quarterly request whose next quarter has ended by `today`,
/// filed as its owner; returns the drafts made. Run by every reminder sweep, so a draft
/// appears the first morning after the quarter ends.
pub fn draft_due(
    conn: &mut DbConnection,
    calendars: &CalendarStore,
    today: NaiveDate,
    now: NaiveDateTime,
) -> Result<Vec<i32>, AppError> {
    let mut drafted = Vec::new();
    for id in db::repeats::series_ends(conn)? {
        let links = demands::links_of(conn, id)?;
        let periods: Vec<(NaiveDate, NaiveDate)> = links.iter().map(|l| (l.from, l.to)).collect();
        let Some(covered) = repeat::covered(&periods) else {
            continue;
        };
        if !repeat::due(covered, today) {
            continue;
        }
        let request =
            db::requests::find(conn, id)?.ok_or_else(|| AppError::NotFound(format!("request {id}")))?;
        // Filed as the owner, or else as a coordinator of the organisation, who review it.
        let filer = match request.values.owner_id {
            Some(owner) => db::accounts::find_user(conn, owner)?.filter(|u| u.active),
            None => None,
        };
        let filer = match filer {
            Some(user) => Some(user),
            None => db::accounts::users_of(conn, request.organisation_id)?
                .into_iter()
                .find(|u| u.active && u.role == crate::domain::account::Role::Coordinator),
        };
        let Some(filer) = filer else {
            tracing::warn!(
                request = id,
                "no active owner or coordinator to file its quarterly repeat"
            );
            continue;
        };
        let caller = Caller::user(super::sessions::actor_of(&filer), None);
        let next = covered.next();
        let tags = db::requests::tags(conn, &[id])?.remove(&id).unwrap_or_default();
        let input = RequestInput {
            title: repeat::next_text(&request.values.title, covered, next),
            body: repeat::next_text(&request.values.body, covered, next),
            authority_id: Some(request.values.authority_id),
            regime: Some(request.values.regime.to_string()),
            sent_via: Some(request.values.sent_via.to_string()),
            owner_id: Some(filer.id),
            tags,
            ..RequestInput::default()
        };
        let links: Vec<super::demands::LinkInput> = links
            .iter()
            .map(|link| {
                let (start, end) = repeat::next_period(link.from, link.to);
                super::demands::LinkInput {
                    indicator_id: link.indicator_id.clone(),
                    from: start.to_string(),
                    to: end.to_string(),
                }
            })
            .collect();
        let new = db::write(conn, |conn| -> Result<i32, AppError> {
            let new = requests::create(conn, calendars, &caller, today, &input, now)?;
            db::repeats::set_repeat_of(conn, new, id)?;
            db::repeats::set_repeats(conn, new, true, now)?;
            super::demands::link(conn, &caller, new, &links, &Expected::Any, now)?;
            record(
                conn,
                &caller,
                Change::new("repeat", "request", new)
                    .after(json!({"repeat_of": id, "quarter": next.label()})),
                now,
            )?;
            Ok(new)
        })?;
        drafted.push(new);
    }
    Ok(drafted)
}
