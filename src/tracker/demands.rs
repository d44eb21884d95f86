//! The demand catalogue: the petition's indicators, seeded from `data/indicators.csv` and
//! edited by administrators, and the indicators each request asks for.

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::access::{require, unchanged_since_read, writable};
use super::audit::{record, Caller, Change};
use super::input::{names, text_problem, Fields, Shape};
use crate::db::demands::{self, Demand, Indicator, IndicatorValues, Link};
use crate::db::{self, DbConnection};
use crate::domain::demand::{Granularity, Quarter};
use crate::domain::version::Expected;
use crate::error::AppError;

const SEED: &str = include_str!("../../data/indicators.csv");

/// The first quarter the scorecard shows: the petition asks from 2016.
pub fn first_quarter() -> Quarter {
    Quarter {
        year: 2016,
        number: 1,
    }
}

#[derive(Debug, Deserialize)]
struct SeedRow {
    id: String,
    demand: String,
    wording: String,
    unit: String,
    granularity: String,
    breakdowns: String,
    definition: String,
    official_source: String,
}

/// Fills an empty catalogue with the petition's indicators (data/indicators.csv).
pub fn seed(conn: &mut DbConnection, now: NaiveDateTime) -> Result<usize, AppError> {
    if !demands::indicators(conn)?.is_empty() {
        return Ok(0);
    }
    let mut reader = csv::Reader::from_reader(SEED.as_bytes());
    let rows: Vec<SeedRow> = reader
        .deserialize()
        .collect::<Result<_, _>>()
        .map_err(|e| AppError::Internal(format!("data/indicators.csv: {e}")))?;
    db::write(conn, |conn| {
        for row in &rows {
            let values = IndicatorValues {
                demand_id: row.demand.clone(),
                wording: row.wording.clone(),
                unit: row.unit.clone(),
                granularity: row.granularity.clone(),
                breakdowns: row.breakdowns.clone(),
                definition: row.definition.clone(),
                official_source: row.official_source.clone(),
            };
            demands::insert_indicator(conn, &row.id, &values, now)?;
        }
        Ok(rows.len())
    })
}

/// The demands with their indicators.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Catalogue {
    pub demands: Vec<Demand>,
    pub indicators: Vec<Indicator>,
}

/// Public: the petition's demands are what the coalition campaigns on.
pub fn catalogue(conn: &mut DbConnection) -> Result<Catalogue, AppError> {
    Ok(Catalogue {
        demands: demands::demands(conn)?,
        indicators: demands::indicators(conn)?,
    })
}

/// An indicator as an administrator writes it.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct IndicatorInput {
    /// Like D1.9: the demand's id, a dot, a number.
    #[serde(default)]
    #[schema(required = true)]
    pub id: String,
    /// D1, D2 or D3.
    #[serde(default)]
    #[schema(required = true)]
    pub demand_id: String,
    #[serde(default)]
    #[schema(required = true)]
    pub wording: String,
    #[serde(default)]
    #[schema(required = true)]
    pub unit: String,
    /// quarter or year.
    #[serde(default)]
    #[schema(required = true, value_type = crate::domain::demand::Granularity)]
    pub granularity: String,
    #[serde(default)]
    pub breakdowns: String,
    #[serde(default)]
    #[schema(required = true)]
    pub definition: String,
    #[serde(default)]
    pub official_source: String,
}

/// What saving an indicator may do: the API adds or changes whichever its id names; the pages
/// add only a new id, or change only the indicator they show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Saving {
    AddOrChange,
    Add,
    Change,
}

/// Adds an indicator, or changes the one with that id, as `saving` allows; administrators
/// only, audited. Returns the indicator and whether it is new.
pub fn save_indicator(
    conn: &mut DbConnection,
    caller: &Caller,
    input: &IndicatorInput,
    saving: Saving,
    expected: &Expected,
    now: NaiveDateTime,
) -> Result<(Indicator, bool), AppError> {
    require(caller, |a| a.is_admin())?;
    // An edit of an indicator that does not exist is told so before its fields are judged.
    if saving == Saving::Change && find_indicator(conn, &input.id)?.is_none() {
        return Err(AppError::NotFound(format!("indicator {}", input.id.trim())));
    }
    let mut f = Fields::new();
    let id = f.text("id", "Id", &input.id, 20);
    let demand_id = f.text("demand_id", "Demand", &input.demand_id, 20);
    let values = IndicatorValues {
        wording: f.text("wording", "Wording", &input.wording, 300),
        unit: f.text("unit", "Unit", &input.unit, 60),
        granularity: f
            .closed::<Granularity>(
                "granularity",
                "Period",
                &input.granularity,
                &names::<Granularity>(),
            )
            .map(|g| g.to_string())
            .unwrap_or_default(),
        breakdowns: f.free_text("breakdowns", "Breakdowns", &input.breakdowns, 500, Shape::Line),
        definition: f.lines("definition", "Definition", &input.definition, 2000),
        official_source: f.free_text(
            "official_source",
            "Official source",
            &input.official_source,
            500,
            Shape::Lines,
        ),
        demand_id: demand_id.clone(),
    };
    let known = demands::demands(conn)?;
    if !demand_id.is_empty() && !known.iter().any(|d| d.id == demand_id) {
        f.error(
            "demand_id",
            format!(
                "Demand must be one of {}",
                known.iter().map(|d| d.id.as_str()).collect::<Vec<_>>().join(", ")
            ),
        );
    } else if !id.is_empty()
        && !id
            .strip_prefix(&format!("{demand_id}."))
            .is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
    {
        f.error(
            "id",
            format!("An indicator of {demand_id} has an id like {demand_id}.9"),
        );
    }
    f.finish(())?;
    db::write(conn, |conn| {
        let before = demands::find_indicator(conn, &id)?;
        // Judged where it is written, so that two adds of one id at once cannot overwrite.
        match (saving, &before) {
            (Saving::Add, Some(_)) => {
                return Err(AppError::invalid(
                    "id",
                    format!("{id} exists already: edit it instead"),
                ))
            }
            (Saving::Change, None) => return Err(AppError::NotFound(format!("indicator {id}"))),
            _ => {}
        }
        match &before {
            Some(before) => unchanged_since_read(expected, before.updated_at, &format!("indicator {id}"))?,
            // A version of something that is not there cannot be the one read (RFC 9110 §13.1.1).
            None if *expected != Expected::Any => {
                return Err(AppError::Stale(format!(
                    "indicator {id} does not exist, so it cannot be the version you read"
                )))
            }
            None => {}
        }
        match &before {
            Some(_) => demands::update_indicator(conn, &id, &values, now)?,
            None => demands::insert_indicator(conn, &id, &values, now)?,
        };
        let after = demands::find_indicator(conn, &id)?
            .ok_or_else(|| AppError::Internal(format!("indicator {id} vanished")))?;
        let action = if before.is_some() { "update" } else { "create" };
        record(
            conn,
            caller,
            Change::new(action, "indicator", None)
                .before(before.map(|b| json!(b)))
                .after(json!(after)),
            now,
        )?;
        Ok((after, action == "create"))
    })
}

/// One indicator a request asks for, over a period.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct LinkInput {
    #[serde(default)]
    #[schema(required = true)]
    pub indicator_id: String,
    /// YYYY-MM-DD: the first day of the period asked for.
    #[serde(default)]
    #[schema(required = true, format = Date)]
    pub from: String,
    /// YYYY-MM-DD: its last day.
    #[serde(default)]
    #[schema(required = true, format = Date)]
    pub to: String,
}

/// Sets the indicators and periods a request asks for; audited. Gives them back with the
/// request's new version.
pub fn link(
    conn: &mut DbConnection,
    caller: &Caller,
    request_id: i32,
    input: &[LinkInput],
    expected: &Expected,
    now: NaiveDateTime,
) -> Result<(Vec<Link>, NaiveDateTime), AppError> {
    let known: Vec<String> = demands::indicators(conn)?.into_iter().map(|i| i.id).collect();
    let mut f = Fields::new();
    let mut links = Vec::new();
    for (n, l) in input.iter().enumerate() {
        let field = |name: &str| format!("indicators[{n}].{name}");
        let indicator = l.indicator_id.trim();
        if !known.iter().any(|k| k == indicator) {
            f.error(
                &field("indicator_id"),
                format!("{indicator} is not an indicator of the catalogue"),
            );
        }
        let from = f.date(&field("from"), "From", &l.from, None);
        let to = f.date(&field("to"), "To", &l.to, None);
        if let (Some(from), Some(to)) = (from, to) {
            if to < from {
                f.error(&field("to"), "To must not be before From");
            } else if links
                .iter()
                .any(|l: &Link| l.indicator_id == indicator && l.from == from)
            {
                f.error(&field("from"), format!("{indicator} from {from} is given twice"));
            } else {
                links.push(Link {
                    indicator_id: indicator.to_string(),
                    from,
                    to,
                });
            }
        }
    }
    f.finish(())?;
    db::write(conn, |conn| {
        let request = writable(conn, caller, request_id)?;
        // What a request asks for is part of it: its version covers it.
        unchanged_since_read(expected, request.updated_at, &format!("request {request_id}"))?;
        let before = demands::links_of(conn, request_id)?;
        demands::set_links(conn, request_id, &links)?;
        crate::db::requests::touch(conn, request_id, now)?;
        // A drafted repeat's send-by date follows the quarter it asks for.
        crate::db::notice_plan::cancel_repeat_notices(conn, request_id, "the periods asked for changed")?;
        let after = demands::links_of(conn, request_id)?;
        record(
            conn,
            caller,
            Change::new("update", "request_indicators", request_id)
                .before(json!(before))
                .after(json!(after)),
            now,
        )?;
        // The request's version as this transaction left it, for the caller's next If-Match.
        let version = writable(conn, caller, request_id)?.updated_at;
        Ok((after, version))
    })
}

/// The catalogue's indicator with this id; none for an id that breaks the text rule, which
/// could not have been stored (and which PostgreSQL would refuse to compare).
pub fn find_indicator(conn: &mut DbConnection, id: &str) -> Result<Option<Indicator>, AppError> {
    let id = id.trim();
    if id.chars().count() > 20 || text_problem(id, Shape::Line).is_some() {
        return Ok(None);
    }
    Ok(demands::find_indicator(conn, id)?)
}

/// The indicators to choose from when entering a figure; researchers and coordinators.
pub fn for_entry(conn: &mut DbConnection, caller: &Caller) -> Result<Catalogue, AppError> {
    require(caller, |a| a.files_requests())?;
    catalogue(conn)
}
