//! The records behind the refusal history, loaded once for the page, the drill-down, the exports
//! and the API, so that they always agree: the received requests a filter keeps with each one's
//! facts (one stored row per request, see `history_facts`), and for the exports and the
//! drill-down the records themselves.

use std::collections::{BTreeSet, HashMap};

use chrono::NaiveDate;

use super::access::{require, scope_of};
use super::audit::Caller;
use super::deadline_index::catch_up;
use super::history::Filter;
use super::history_facts;
use super::holidays::CalendarStore;
use crate::db::history as rows;
use crate::db::requests;
use crate::db::DbConnection;
use crate::domain::history::RequestFacts;
use crate::error::AppError;

/// The received requests a filter keeps: their facts, by id, with their authorities' names.
pub(super) struct Loaded {
    pub(super) facts: Vec<RequestFacts>,
    /// Each request's last response deadline.
    pub(super) dues: HashMap<i32, NaiveDate>,
    pub(super) authorities: HashMap<i32, (String, String)>,
}

impl Loaded {
    pub(super) fn ids(&self) -> Vec<i32> {
        self.facts.iter().map(|f| f.id).collect()
    }
}

pub(super) fn load(
    conn: &mut DbConnection,
    calendars: &CalendarStore,
    caller: &Caller,
    today: NaiveDate,
    filter: &mut Filter,
) -> Result<Loaded, AppError> {
    let actor = require(caller, |_| true)?;
    filter.requests.scope = scope_of(actor);
    // Every request's facts must be today's: those a new day or a new calendar moved are
    // written again first (in batches; after the first read of a day there are none).
    while catch_up(conn, calendars, today)? > 0 {}
    let calendar = calendars.current(conn)?;
    let stored = rows::facts(conn, &filter.requests, today, filter.from, filter.to)?;
    let mut facts = Vec::with_capacity(stored.len());
    let mut dues = HashMap::new();
    for (id, authority_id, regime, stored) in &stored {
        facts.push(history_facts::read(
            *id,
            *authority_id,
            *regime,
            stored,
            &calendar,
            today,
        )?);
        if let Some(due) = stored.response_due {
            dues.insert(*id, due);
        }
    }
    // Each authority once: a list per request would pass the database one value per request.
    let authority_ids: BTreeSet<i32> = facts.iter().map(|f| f.authority_id).collect();
    let authority_ids: Vec<i32> = authority_ids.into_iter().collect();
    let authorities = requests::authority_names(conn, &authority_ids)?;
    Ok(Loaded {
        facts,
        dues,
        authorities,
    })
}
