//! What reminders are planned from: open deadlines, quarterly repeats not yet sent, replies
//! not yet classified, and the facts and rules of the requests they are about.

use std::collections::{BTreeSet, HashMap};

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::schema::{authorities, deadlines, incoming_messages, request_indicators, requests};
use super::DbConnection;
use crate::domain::regime::Regime;
use crate::domain::reminders::DeadlineFacts;
use crate::domain::timeline::{DeadlineKind, Status};

/// A deadline nothing has settled, with whom its request belongs to.
#[derive(Debug, Clone, Copy)]
pub struct OpenDeadline {
    pub facts: DeadlineFacts,
    pub organisation_id: i32,
    pub owner_id: Option<i32>,
}

/// Every deadline nothing has settled, of one request or of all: the sweep's one read of the
/// index. Settled deadlines owe nothing, so they are not read at all.
pub fn open_deadlines(conn: &mut DbConnection, request_id: Option<i32>) -> QueryResult<Vec<OpenDeadline>> {
    type Row = (
        i32,
        i32,
        Regime,
        DeadlineKind,
        NaiveDate,
        Option<NaiveDate>,
        i32,
        Option<i32>,
    );
    let mut query = deadlines::table
        .inner_join(requests::table)
        .filter(deadlines::settled_state.is_null())
        .select((
            deadlines::request_id,
            deadlines::position,
            requests::regime,
            deadlines::kind,
            deadlines::due,
            deadlines::latest,
            requests::organisation_id,
            requests::owner_id,
        ))
        .into_boxed::<<DbConnection as diesel::Connection>::Backend>();
    if let Some(id) = request_id {
        query = query.filter(deadlines::request_id.eq(id));
    }
    let rows: Vec<Row> = query.load(conn)?;
    rows.into_iter()
        .map(
            |(request_id, position, regime, kind, due, latest, organisation_id, owner_id)| {
                Ok(OpenDeadline {
                    facts: DeadlineFacts {
                        request_id,
                        position,
                        regime,
                        kind,
                        due,
                        latest,
                        settled: None,
                    },
                    organisation_id,
                    owner_id,
                })
            },
        )
        .collect()
}

/// A drafted quarterly repeat not yet sent or skipped: the request, its regime, the latest
/// day of the periods it asks for, its organisation and owner.
pub type UnsentRepeat = (i32, Regime, NaiveDate, i32, Option<i32>);

/// The drafted quarterly repeats nobody has sent or skipped, of one request or of all: each
/// owes reminders until it is.
pub fn unsent_repeats(conn: &mut DbConnection, request_id: Option<i32>) -> QueryResult<Vec<UnsentRepeat>> {
    type Row = (i32, Regime, NaiveDate, i32, Option<i32>);
    let mut query = requests::table
        .inner_join(request_indicators::table)
        .filter(requests::repeat_of.is_not_null())
        .filter(requests::skipped_at.is_null())
        .filter(requests::status.eq(Status::Draft.to_string()))
        .select((
            requests::id,
            requests::regime,
            request_indicators::period_end,
            requests::organisation_id,
            requests::owner_id,
        ))
        .into_boxed::<<DbConnection as diesel::Connection>::Backend>();
    if let Some(id) = request_id {
        query = query.filter(requests::id.eq(id));
    }
    let rows: Vec<Row> = query.load(conn)?;
    // One row per period asked for: the request's is the latest.
    let mut repeats: std::collections::BTreeMap<i32, UnsentRepeat> = Default::default();
    for (id, regime, end, organisation, owner) in rows {
        let repeat = repeats
            .entry(id)
            .or_insert((id, regime, end, organisation, owner));
        repeat.2 = repeat.2.max(end);
    }
    Ok(repeats.into_values().collect())
}

/// A request with a filed reply nobody has said what it is: the request, its regime, when
/// its oldest such reply arrived (UTC), its organisation and owner.
pub type UnclassifiedReply = (i32, Regime, NaiveDateTime, i32, Option<i32>);

/// The requests, one or all, with replies waiting to be classified: each owes reminders about
/// its oldest until it is classified, then about the next.
pub fn unclassified_replies(
    conn: &mut DbConnection,
    request_id: Option<i32>,
) -> QueryResult<Vec<UnclassifiedReply>> {
    let mut query = incoming_messages::table
        .inner_join(requests::table)
        .filter(incoming_messages::status.eq("to_classify"))
        .select((
            requests::id,
            requests::regime,
            incoming_messages::arrived_at,
            requests::organisation_id,
            requests::owner_id,
        ))
        .into_boxed::<<DbConnection as diesel::Connection>::Backend>();
    if let Some(id) = request_id {
        query = query.filter(requests::id.eq(id));
    }
    let rows: Vec<UnclassifiedReply> = query.load(conn)?;
    let mut oldest: std::collections::BTreeMap<i32, UnclassifiedReply> = Default::default();
    for row in rows {
        let kept = oldest.entry(row.0).or_insert(row);
        kept.2 = kept.2.min(row.2);
    }
    Ok(oldest.into_values().collect())
}

/// What a message about a request may say of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestFacts {
    pub title: String,
    pub reference: Option<String>,
    pub regime: Regime,
    pub authority: String,
}

/// Each id once, in chunks a query can bind.
fn id_chunks(ids: &[i32]) -> Vec<Vec<i32>> {
    let unique: BTreeSet<i32> = ids.iter().copied().collect();
    let unique: Vec<i32> = unique.into_iter().collect();
    unique.chunks(500).map(<[i32]>::to_vec).collect()
}

pub fn request_facts(conn: &mut DbConnection, ids: &[i32]) -> QueryResult<HashMap<i32, RequestFacts>> {
    let mut found = HashMap::new();
    for chunk in id_chunks(ids) {
        let rows: Vec<(i32, String, Option<String>, Regime, String)> = requests::table
            .inner_join(authorities::table)
            .filter(requests::id.eq_any(&chunk))
            .select((
                requests::id,
                requests::title,
                requests::reference,
                requests::regime,
                authorities::short_name,
            ))
            .load(conn)?;
        for (id, title, reference, regime, authority) in rows {
            let facts = RequestFacts {
                title,
                reference,
                regime,
                authority,
            };
            found.insert(id, facts);
        }
    }
    Ok(found)
}

/// The rule behind each (request, kind, due) deadline of `ids`, for "why" in a message.
pub fn rules(conn: &mut DbConnection, ids: &[i32]) -> QueryResult<HashMap<(i32, String, NaiveDate), String>> {
    let mut found = HashMap::new();
    for chunk in id_chunks(ids) {
        let rows: Vec<(i32, String, NaiveDate, String)> = deadlines::table
            .filter(deadlines::request_id.eq_any(&chunk))
            .select((
                deadlines::request_id,
                deadlines::kind,
                deadlines::due,
                deadlines::rule,
            ))
            .load(conn)?;
        found.extend(
            rows.into_iter()
                .map(|(id, kind, due, rule)| ((id, kind, due), rule)),
        );
    }
    Ok(found)
}
