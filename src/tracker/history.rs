//! The refusal history: per authority and period, how requests were answered, with the
//! requests behind every figure and exports of the records themselves. One loader serves the
//! page, the drill-down, the exports and the API, so they always agree.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::access::require;
use super::audit::Caller;
use super::history_records::load;
use super::holidays::CalendarStore;
use super::input::{names, Fields};
use crate::db;
use crate::db::history::RequestRow;
use crate::db::request_list::RequestFilter;
use crate::db::DbConnection;
use crate::domain::exemptions;
use crate::domain::export::{Column, Dataset};
use crate::domain::history::{self, Grouping, History, Measure, RequestFacts, Timeliness};
use crate::domain::regime::Regime;
use crate::domain::response::Outcome;
use crate::error::AppError;

/// What stands in for a subject access request's title, reference and details: the history
/// is statistics, and a list of them must not become a way round the audited view.
pub const SEALED: &str = "(subject access request)";

/// The filter, as a form or an API client gives it. Every field is optional.
#[derive(
    Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema, utoipa::IntoParams,
)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct HistoryQuery {
    pub authority_id: String,
    /// foia, eir, foisa, eisr or sar.
    pub regime: String,
    /// Received on or after, YYYY-MM-DD.
    pub from: String,
    /// Received on or before, YYYY-MM-DD.
    pub to: String,
    /// quarter (the default) or year.
    pub group: String,
    /// For the requests behind a figure: the period, e.g. 2026-Q1 or 2026.
    pub period: String,
    /// For the requests behind a figure: all, a timeliness (in_time, in_time_beyond_norm,
    /// late, pending, awaiting_clarification, awaiting_fee, withdrawn, lapsed), responded,
    /// outcome:OUTCOME, exemption:GROUND, decided:STAGE, overturned:STAGE or
    /// other_decision:STAGE.
    pub measure: String,
}

/// A filter checked.
pub(super) struct Filter {
    pub(super) requests: RequestFilter,
    pub(super) from: Option<NaiveDate>,
    pub(super) to: Option<NaiveDate>,
    pub(super) grouping: Grouping,
    pub(super) period: Option<String>,
    pub(super) measure: Measure,
}

impl HistoryQuery {
    fn validate(&self) -> Result<Filter, AppError> {
        let mut f = Fields::new();
        fn text(s: &str) -> Option<&str> {
            Some(s.trim()).filter(|s| !s.is_empty())
        }
        let authority_id = text(&self.authority_id).and_then(|a| match a.parse::<i32>() {
            Ok(id) if id > 0 => Some(id),
            _ => {
                f.error("authority_id", "Authority must be an authority's number");
                None
            }
        });
        let regime: Option<Regime> =
            text(&self.regime).and_then(|r| f.closed("regime", "Regime", r, &names::<Regime>()));
        let from = f.optional_date("from", "From", text(&self.from), None);
        let to = f.optional_date("to", "To", text(&self.to), None);
        if let (Some(from), Some(to)) = (from, to) {
            if to < from {
                f.error("to", "To must not be before From");
            }
        }
        let grouping = text(&self.group)
            .and_then(|g| f.closed("group", "Group by", g, &names::<Grouping>()))
            .unwrap_or(Grouping::Quarter);
        let measure = Measure::parse(self.measure.trim()).unwrap_or_else(|| {
            f.error(
                "measure",
                "Measure must be all, in_time, in_time_beyond_norm, late, pending, awaiting_clarification, awaiting_fee, withdrawn, lapsed, responded, outcome:…, exemption:…, decided:…, overturned:… or other_decision:…",
            );
            Measure::All
        });
        f.finish(Filter {
            requests: RequestFilter {
                authority_id,
                regime,
                ..RequestFilter::default()
            },
            from,
            to,
            grouping,
            period: text(&self.period).map(str::to_string),
            measure,
        })
    }
}

/// The history as the page and the API show it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct HistoryView {
    #[serde(flatten)]
    pub history: History,
    // Ordered maps, so that the same history is the same JSON, byte for byte, at every call.
    /// Each authority's name, by id (JSON object keys are strings).
    #[schema(value_type = HashMap<String, String>)]
    pub authorities: BTreeMap<i32, String>,
    /// Each exemption cited, by catalogue id.
    pub exemptions: BTreeMap<String, Citation>,
}

/// A ground as people cite it: "FOIA s.31(1)(a)", "Law enforcement".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Citation {
    pub citation: String,
    pub title: String,
}

pub fn summary(
    conn: &mut DbConnection,
    calendars: &CalendarStore,
    caller: &Caller,
    today: NaiveDate,
    query: &HistoryQuery,
) -> Result<HistoryView, AppError> {
    require(caller, |_| true)?;
    let mut filter = query.validate()?;
    let loaded = load(conn, calendars, caller, today, &mut filter)?;
    let history = history::history(&loaded.facts, filter.grouping);
    let exemptions = history
        .total
        .exemptions
        .keys()
        .filter_map(|id| exemptions::find(id))
        .map(|g| {
            let citation = Citation {
                citation: g.citation.to_string(),
                title: g.title.to_string(),
            };
            (g.id.to_string(), citation)
        })
        .collect();
    Ok(HistoryView {
        history,
        authorities: loaded
            .authorities
            .into_iter()
            .map(|(id, (name, _))| (id, name))
            .collect(),
        exemptions,
    })
}

/// One request behind a figure.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Behind {
    pub id: i32,
    pub title: String,
    pub authority: String,
    pub regime: Regime,
    pub received: NaiveDate,
    pub timeliness: Timeliness,
    pub working_days_to_respond: Option<i64>,
    pub first_outcome: Option<Outcome>,
}

/// The requests behind one figure: those the figure's own predicate counted, in its period
/// and for its authority if given.
pub fn behind(
    conn: &mut DbConnection,
    calendars: &CalendarStore,
    caller: &Caller,
    today: NaiveDate,
    query: &HistoryQuery,
) -> Result<Vec<Behind>, AppError> {
    require(caller, |_| true)?;
    let mut filter = query.validate()?;
    let loaded = load(conn, calendars, caller, today, &mut filter)?;
    let counted: Vec<&RequestFacts> = loaded
        .facts
        .iter()
        .filter(|r| {
            filter
                .period
                .as_ref()
                .is_none_or(|p| *p == history::period_of(r.received, filter.grouping))
        })
        .filter(|r| filter.measure.counts(r))
        .collect();
    let ids: Vec<i32> = counted.iter().map(|r| r.id).collect();
    let rows = crate::db::history::requests(conn, &ids)?;
    let titles: HashMap<i32, &RequestRow> = rows.iter().map(|r| (r.0, r)).collect();
    Ok(counted
        .into_iter()
        .map(|r| Behind {
            id: r.id,
            title: match r.regime {
                Regime::Sar => SEALED.to_string(),
                _ => titles.get(&r.id).map(|row| row.4.clone()).unwrap_or_default(),
            },
            authority: loaded
                .authorities
                .get(&r.authority_id)
                .map(|a| a.0.clone())
                .unwrap_or_default(),
            regime: r.regime,
            received: r.received,
            timeliness: r.timeliness,
            working_days_to_respond: r.working_days_to_respond,
            first_outcome: r.first_outcome,
        })
        .collect())
}

/// An export: its columns, as documented in the README, and its rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Export {
    pub dataset: Dataset,
    pub columns: &'static [(&'static str, Column)],
    pub rows: Vec<Vec<String>>,
}

pub fn export(
    conn: &mut DbConnection,
    calendars: &CalendarStore,
    caller: &Caller,
    today: NaiveDate,
    query: &HistoryQuery,
    dataset: &str,
) -> Result<Export, AppError> {
    require(caller, |_| true)?;
    let dataset: Dataset = dataset.parse().map_err(|_| {
        AppError::invalid(
            "dataset",
            "Dataset must be requests, events, responses or appeals",
        )
    })?;
    let mut filter = query.validate()?;
    let loaded = load(conn, calendars, caller, today, &mut filter)?;
    let ids = loaded.ids();
    let sealed: std::collections::HashSet<i32> = loaded
        .facts
        .iter()
        .filter(|r| r.regime == Regime::Sar)
        .map(|r| r.id)
        .collect();
    let text = |request_id: i32, value: &str| match sealed.contains(&request_id) {
        true => SEALED.to_string(),
        false => value.to_string(),
    };
    let date = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    let rows: Vec<Vec<String>> = match dataset {
        Dataset::Requests => {
            let dues = &loaded.dues;
            let facts: HashMap<i32, &RequestFacts> = loaded.facts.iter().map(|f| (f.id, f)).collect();
            db::history::requests(conn, &ids)?
                .iter()
                .map(|(id, authority_id, regime, _, title, reference, status)| {
                    let fact = facts.get(id);
                    vec![
                        id.to_string(),
                        loaded
                            .authorities
                            .get(authority_id)
                            .map(|a| a.0.clone())
                            .unwrap_or_default(),
                        regime.clone(),
                        date(fact.map(|f| f.received)),
                        status.clone(),
                        date(dues.get(id).copied()),
                        fact.map(|f| f.timeliness.to_string()).unwrap_or_default(),
                        fact.and_then(|f| f.working_days_to_respond)
                            .map(|d| d.to_string())
                            .unwrap_or_default(),
                        fact.and_then(|f| f.first_outcome)
                            .map(|o| o.to_string())
                            .unwrap_or_default(),
                        text(*id, title),
                        text(*id, reference.as_deref().unwrap_or_default()),
                    ]
                })
                .collect()
        }
        Dataset::Events => db::history::events(conn, &ids, &[])?
            .iter()
            .map(|(id, request_id, kind, on, extended_to, details, _)| {
                vec![
                    id.to_string(),
                    request_id.to_string(),
                    kind.clone(),
                    on.to_string(),
                    date(*extended_to),
                    text(*request_id, details),
                ]
            })
            .collect(),
        Dataset::Responses => {
            let dated = dates(conn, &ids, &["response"])?;
            let mut grounds: HashMap<i32, Vec<String>> = HashMap::new();
            for (event_id, ground) in db::history::grounds(conn, &ids)? {
                grounds.entry(event_id).or_default().push(ground);
            }
            db::history::responses(conn, &ids)?
                .iter()
                .map(
                    |(event_id, request_id, outcome, public_interest_test, promised_on)| {
                        let cited = grounds.remove(event_id).unwrap_or_default();
                        let citations: Vec<&str> = cited
                            .iter()
                            .map(|g| exemptions::find(g).map_or(g.as_str(), |e| e.citation.as_str()))
                            .collect();
                        vec![
                            event_id.to_string(),
                            request_id.to_string(),
                            date(dated.get(event_id).map(|e| e.1)),
                            outcome.clone(),
                            cited.join(";"),
                            citations.join("; "),
                            public_interest_test.to_string(),
                            date(*promised_on),
                        ]
                    },
                )
                .collect()
        }
        Dataset::Appeals => {
            let dated = dates(conn, &ids, &[])?;
            db::history::appeals(conn, &ids)?
                .iter()
                .map(
                    |(event_id, request_id, stage, reference, decision_reference, outcome)| {
                        let event = dated.get(event_id);
                        vec![
                            event_id.to_string(),
                            request_id.to_string(),
                            event.map(|e| e.0.clone()).unwrap_or_default(),
                            date(event.map(|e| e.1)),
                            stage.clone(),
                            // A regulator's or a tribunal's reference leads to the person as
                            // surely as the request's own.
                            text(*request_id, reference.as_deref().unwrap_or_default()),
                            text(*request_id, decision_reference.as_deref().unwrap_or_default()),
                            outcome.clone().unwrap_or_default(),
                        ]
                    },
                )
                .collect()
        }
    };
    Ok(Export {
        dataset,
        columns: dataset.columns(),
        rows,
    })
}

/// Each event of the requests (only of `kinds`, if any are given): its kind and date, by id.
fn dates(
    conn: &mut DbConnection,
    ids: &[i32],
    kinds: &[&str],
) -> Result<HashMap<i32, (String, NaiveDate)>, AppError> {
    Ok(db::history::events(conn, ids, kinds)?
        .into_iter()
        .map(|(id, _, kind, on, ..)| (id, (kind, on)))
        .collect())
}
