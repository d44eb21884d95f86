//! The references and outcome of each appeal stage's event.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::appeals;
use super::DbConnection;
use crate::domain::appeal::{AppealDetails, AppealOutcome, Stage};

pub fn insert(
    conn: &mut DbConnection,
    event_id: i32,
    request_id: i32,
    details: &AppealDetails,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::insert_into(appeals::table)
        .values((
            appeals::event_id.eq(event_id),
            appeals::request_id.eq(request_id),
            appeals::stage.eq(details.stage.to_string()),
            appeals::reference.eq(&details.reference),
            appeals::decision_reference.eq(&details.decision_reference),
            appeals::outcome.eq(details.outcome.map(|o| o.to_string())),
            appeals::recorded_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

type Row = (i32, Stage, Option<String>, Option<String>, Option<AppealOutcome>);

/// The appeal details among `event_ids`, by event, in one query per 500 events.
pub fn for_events(conn: &mut DbConnection, event_ids: &[i32]) -> QueryResult<HashMap<i32, AppealDetails>> {
    let mut found = HashMap::new();
    for chunk in event_ids.chunks(500) {
        let rows: Vec<Row> = appeals::table
            .filter(appeals::event_id.eq_any(chunk))
            .select((
                appeals::event_id,
                appeals::stage,
                appeals::reference,
                appeals::decision_reference,
                appeals::outcome,
            ))
            .load(conn)?;
        for (event_id, stage, reference, decision_reference, outcome) in rows {
            let details = AppealDetails {
                stage,
                reference,
                decision_reference,
                outcome,
            };
            found.insert(event_id, details);
        }
    }
    Ok(found)
}
