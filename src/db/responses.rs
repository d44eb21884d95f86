//! How each response answered: its outcome and the grounds it cited.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;

use super::schema::{response_grounds, responses};
use super::DbConnection;
use crate::domain::exemptions;
use crate::domain::response::{Outcome, ResponseDetails};

/// A response's outcome as stored, with each ground's citation for people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ResponseRecord {
    pub outcome: Outcome,
    /// Catalogue ids, in the order cited.
    pub grounds: Vec<String>,
    /// The same grounds as people write them, e.g. "FOIA s.40(2)".
    pub citations: Vec<String>,
    pub public_interest_test: bool,
    pub promised_on: Option<NaiveDate>,
}

pub fn insert(
    conn: &mut DbConnection,
    event_id: i32,
    request_id: i32,
    details: &ResponseDetails,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::insert_into(responses::table)
        .values((
            responses::event_id.eq(event_id),
            responses::request_id.eq(request_id),
            responses::outcome.eq(details.outcome.to_string()),
            responses::public_interest_test.eq(details.public_interest_test),
            responses::promised_on.eq(details.promised_on),
            responses::recorded_at.eq(now),
        ))
        .execute(conn)?;
    for (position, ground) in details.grounds.iter().enumerate() {
        diesel::insert_into(response_grounds::table)
            .values((
                response_grounds::event_id.eq(event_id),
                response_grounds::position.eq(position as i32),
                response_grounds::ground.eq(&ground.id),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// The responses among `event_ids`, by event, in two queries.
pub fn for_events(conn: &mut DbConnection, event_ids: &[i32]) -> QueryResult<HashMap<i32, ResponseRecord>> {
    let mut found = HashMap::new();
    if event_ids.is_empty() {
        return Ok(found);
    }
    for chunk in event_ids.chunks(500) {
        let rows: Vec<(i32, Outcome, bool, Option<NaiveDate>)> = responses::table
            .filter(responses::event_id.eq_any(chunk))
            .select((
                responses::event_id,
                responses::outcome,
                responses::public_interest_test,
                responses::promised_on,
            ))
            .load(conn)?;
        for (event_id, outcome, public_interest_test, promised_on) in rows {
            let record = ResponseRecord {
                outcome,
                grounds: Vec::new(),
                citations: Vec::new(),
                public_interest_test,
                promised_on,
            };
            found.insert(event_id, record);
        }
        let grounds: Vec<(i32, String)> = response_grounds::table
            .filter(response_grounds::event_id.eq_any(chunk))
            .order((response_grounds::event_id, response_grounds::position))
            .select((response_grounds::event_id, response_grounds::ground))
            .load(conn)?;
        for (event_id, ground) in grounds {
            if let Some(record) = found.get_mut(&event_id) {
                let citation =
                    exemptions::find(&ground).map_or_else(|| ground.clone(), |g| g.citation.to_string());
                record.citations.push(citation);
                record.grounds.push(ground);
            }
        }
    }
    Ok(found)
}
