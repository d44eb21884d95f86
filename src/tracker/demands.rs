//! The demand catalogue, the indicators each request asks for, released figures and their
//! verification, and the scorecard that shows, quarter by quarter, what is out.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::access::{readable, scope_of, writable};
use super::accounts::require;
use super::audit::{record, Caller};
use super::input::{names, text_problem, Fields, Shape};
use crate::db::demands::{self, Demand, Figure, Indicator, IndicatorValues, Link, NewFigure, Sources};
use crate::db::{self, DbConnection};
use crate::domain::demand::{self, DefinitionMatch, Granularity, Quarter, SourceKind};
use crate::domain::exemptions;
use crate::domain::response::Outcome;
use crate::domain::scorecard::{self, Answer, Ask, Cell, DecisionFact, FigureSpan, ResponseFact};
use crate::domain::timeline::Status;
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
#[serde(default)]
pub struct IndicatorInput {
    /// Like D1.9: the demand's id, a dot, a number.
    pub id: String,
    /// D1, D2 or D3.
    pub demand_id: String,
    pub wording: String,
    pub unit: String,
    /// quarter or year.
    pub granularity: String,
    pub breakdowns: String,
    pub definition: String,
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
            Some(_) => demands::update_indicator(conn, &id, &values, now)?,
            None => demands::insert_indicator(conn, &id, &values, now)?,
        };
        let after = demands::find_indicator(conn, &id)?
            .ok_or_else(|| AppError::Internal(format!("indicator {id} vanished")))?;
        let action = if before.is_some() { "update" } else { "create" };
        record(
            conn,
            caller,
            action,
            "indicator",
            None,
            before.map(|b| json!(b)),
            Some(json!(after)),
            now,
        )?;
        Ok((after, action == "create"))
    })
}

/// One indicator a request asks for, over a period.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct LinkInput {
    pub indicator_id: String,
    /// YYYY-MM-DD: the first day of the period asked for.
    pub from: String,
    /// YYYY-MM-DD: its last day.
    pub to: String,
}

/// Sets the indicators and periods a request asks for; audited.
pub fn link(
    conn: &mut DbConnection,
    caller: &Caller,
    request_id: i32,
    input: &[LinkInput],
    now: NaiveDateTime,
) -> Result<Vec<Link>, AppError> {
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
            } else if links.iter().any(|(i, s, _): &Link| i == indicator && *s == from) {
                f.error(&field("from"), format!("{indicator} from {from} is given twice"));
            } else {
                links.push((indicator.to_string(), from, to));
            }
        }
    }
    f.finish(())?;
    db::write(conn, |conn| {
        writable(conn, caller, request_id)?;
        let before = demands::links_of(conn, request_id)?;
        demands::set_links(conn, request_id, &links)?;
        // A drafted repeat's send-by date follows the quarter it asks for.
        crate::db::reminders::cancel_repeat_notices(conn, request_id, "the periods asked for changed")?;
        let after = demands::links_of(conn, request_id)?;
        record(
            conn,
            caller,
            "update",
            "request_indicators",
            Some(request_id),
            Some(json!(before)),
            Some(json!(after)),
            now,
        )?;
        Ok(after)
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

/// A released figure as a researcher enters it.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct FigureInput {
    pub indicator_id: String,
    /// The number, exactly as released ("1,256" is read as 1256); or leave empty and give
    /// `suppressed`.
    pub value: String,
    /// What the source gave instead of a number, e.g. "fewer than 5".
    pub suppressed: String,
    pub unit: String,
    /// YYYY-MM-DD.
    pub period_start: String,
    /// YYYY-MM-DD.
    pub period_end: String,
    /// "sex = female; nationality = Albanian"; empty for a total.
    pub breakdown: String,
    /// The source's own definition, in its words.
    pub definition: String,
    /// matches, comparable or different.
    pub definition_match: String,
    pub caveats: String,
    /// request or publication.
    pub source_kind: String,
    pub request_id: Option<i32>,
    pub event_id: Option<i32>,
    pub document_id: Option<i32>,
    /// Where in the document: page, table, cell.
    pub location: String,
    pub publication_title: String,
    pub publisher: String,
    /// YYYY-MM-DD.
    pub published_on: String,
    pub url: String,
}

fn optional(text: &str) -> Option<&str> {
    Some(text.trim()).filter(|t| !t.is_empty())
}

/// Records a released figure, unverified; researchers and coordinators, audited.
pub fn add_figure(
    conn: &mut DbConnection,
    caller: &Caller,
    input: &FigureInput,
    now: NaiveDateTime,
) -> Result<Figure, AppError> {
    let actor = require(caller, |a| a.files_requests())?;
    let indicator = find_indicator(conn, &input.indicator_id)?;
    let figure = check_figure(input, indicator.as_ref(), actor.user_id, now)?;
    db::write(conn, |conn| {
        check_source(conn, caller, input)?;
        insert_figure(conn, caller, &figure, now)
    })
}

/// A figure's own fields checked, without the database: the figure to insert, or every problem
/// by field. `indicator` is the catalogue's entry `input` names, if there is one.
pub(super) fn check_figure(
    input: &FigureInput,
    indicator: Option<&Indicator>,
    entered_by: i32,
    now: NaiveDateTime,
) -> Result<NewFigure, AppError> {
    let mut f = Fields::new();
    f.free_text("indicator_id", "Indicator", &input.indicator_id, 20, Shape::Line);
    if indicator.is_none() && !f.has_error("indicator_id") {
        f.error(
            "indicator_id",
            format!(
                "{} is not an indicator of the catalogue",
                input.indicator_id.trim()
            ),
        );
    }
    let (value, suppressed) = match (optional(&input.value), optional(&input.suppressed)) {
        (Some(v), None) => match demand::parse_value(v) {
            Ok(v) => (Some(v), None),
            Err(e) => {
                f.error("value", e);
                (None, None)
            }
        },
        (None, Some(s)) => (None, f.optional_text("suppressed", "Suppressed", Some(s), 100)),
        (Some(_), Some(_)) => {
            f.error(
                "suppressed",
                "Give either the number or what was given instead, not both",
            );
            (None, None)
        }
        (None, None) => {
            f.error(
                "value",
                "Give the number, or what the source gave instead (e.g. fewer than 5)",
            );
            (None, None)
        }
    };
    let unit = f
        .optional_text("unit", "Unit", optional(&input.unit), 60)
        .or_else(|| indicator.map(|i| i.unit.clone()))
        .unwrap_or_default();
    let start = f.date("period_start", "Period start", &input.period_start, None);
    let end = f.date("period_end", "Period end", &input.period_end, None);
    if let (Some(s), Some(e)) = (start, end) {
        if e < s {
            f.error("period_end", "Period end must not be before its start");
        }
    }
    f.free_text("breakdown", "Breakdown", &input.breakdown, 500, Shape::Lines);
    f.free_text("caveats", "Caveats", &input.caveats, 2000, Shape::Lines);
    let breakdown = demand::parse_breakdown(&input.breakdown).unwrap_or_else(|e| {
        f.error("breakdown", e);
        String::new()
    });
    let definition = f.lines("definition", "Definition", &input.definition, 2000);
    let matching: Option<DefinitionMatch> = f.closed(
        "definition_match",
        "Definition match",
        &input.definition_match,
        &names::<DefinitionMatch>(),
    );
    let source: Option<SourceKind> = f.closed(
        "source_kind",
        "Source",
        &input.source_kind,
        &names::<SourceKind>(),
    );
    let location = f.optional_text(
        "location",
        "Place in the document",
        optional(&input.location),
        200,
    );
    let title = f.optional_text(
        "publication_title",
        "Title",
        optional(&input.publication_title),
        300,
    );
    let publisher = f.optional_text("publisher", "Publisher", optional(&input.publisher), 200);
    let published_on = f.optional_date(
        "published_on",
        "Published on",
        optional(&input.published_on),
        None,
    );
    let url = f.optional_url("url", "Address", optional(&input.url));
    match source {
        Some(SourceKind::Request) if input.request_id.is_none() => {
            f.error("request_id", "Name the request whose response released it")
        }
        Some(SourceKind::Publication) if title.is_none() || publisher.is_none() => {
            f.error("publication_title", "Give the publication's title and publisher")
        }
        _ => {}
    }
    f.finish(())?;
    let (Some(start), Some(end), Some(matching), Some(source)) = (start, end, matching, source) else {
        return Err(AppError::invalid(
            "period_start",
            "Give the period the figure covers",
        ));
    };
    Ok(NewFigure {
        indicator_id: input.indicator_id.trim().to_string(),
        value,
        suppressed,
        unit,
        period_start: start,
        period_end: end,
        breakdown,
        definition,
        definition_match: matching.to_string(),
        caveats: input.caveats.trim().to_string(),
        source_kind: source.to_string(),
        request_id: input.request_id,
        event_id: input.event_id,
        document_id: input.document_id,
        location,
        publication_title: title,
        publisher,
        published_on,
        url,
        entered_by: Some(entered_by),
        entered_at: now,
    })
}

/// The request a figure cites must be readable, not a subject access request, and own the
/// event and document cited.
fn check_source(conn: &mut DbConnection, caller: &Caller, input: &FigureInput) -> Result<(), AppError> {
    let Some(request_id) = input.request_id else {
        return Ok(());
    };
    let (request, _) = readable(conn, caller, request_id)?;
    no_personal_data(&request, "request_id")?;
    let events = crate::db::events::for_request(conn, request_id)?;
    if let Some(event) = input.event_id {
        if !events.iter().any(|e| e.id == event) {
            return Err(AppError::invalid(
                "event_id",
                "That event is not on the request's timeline",
            ));
        }
    }
    if let Some(document) = input.document_id {
        if !crate::db::documents::of_request(conn, request_id)?
            .iter()
            .any(|d| d.id == document)
        {
            return Err(AppError::invalid(
                "document_id",
                "That document is not the request's",
            ));
        }
    }
    Ok(())
}

/// Figures are never taken from a subject access request: it holds personal data.
pub(super) fn no_personal_data(request: &crate::db::requests::Request, field: &str) -> Result<(), AppError> {
    if request.regime == crate::domain::regime::Regime::Sar {
        return Err(AppError::invalid(
            field,
            "A subject access request holds personal data, not published figures",
        ));
    }
    Ok(())
}

/// Inserts a checked figure and its audit entry; inside the caller's transaction.
pub(super) fn insert_figure(
    conn: &mut DbConnection,
    caller: &Caller,
    figure: &NewFigure,
    now: NaiveDateTime,
) -> Result<Figure, AppError> {
    let id = demands::insert_figure(conn, figure)?;
    let figure =
        demands::find_figure(conn, id)?.ok_or_else(|| AppError::Internal(format!("figure {id} vanished")))?;
    record(
        conn,
        caller,
        "create",
        "figure",
        Some(id),
        None,
        Some(json!(figure)),
        now,
    )?;
    Ok(figure)
}

/// Verifies a figure entered by someone else; researchers and coordinators, audited.
pub fn verify_figure(
    conn: &mut DbConnection,
    caller: &Caller,
    id: i32,
    now: NaiveDateTime,
) -> Result<Figure, AppError> {
    let actor = require(caller, |a| a.files_requests())?;
    let user = actor.user_id;
    db::write(conn, |conn| {
        let absent = || AppError::NotFound(format!("figure {id}"));
        let before = demands::find_figure(conn, id)?.ok_or_else(absent)?;
        // Checking a figure means reading its source: a figure from a request the caller may
        // not read is as unknown to them as one that does not exist.
        if let Some(request_id) = before.request_id {
            readable(conn, caller, request_id).map_err(|e| match e {
                AppError::NotFound(_) => absent(),
                other => other,
            })?;
        }
        if before.verified_at.is_some() {
            return Err(AppError::conflict(None, "This figure is verified already"));
        }
        if before.entered_by == Some(user) {
            return Err(AppError::conflict(
                None,
                "A figure is verified by someone other than the person who entered it",
            ));
        }
        demands::verify_figure(conn, id, user, now)?;
        let after = demands::find_figure(conn, id)?
            .ok_or_else(|| AppError::Internal(format!("figure {id} vanished")))?;
        record(
            conn,
            caller,
            "verify",
            "figure",
            Some(id),
            Some(json!(before)),
            Some(json!(after)),
            now,
        )?;
        Ok(after)
    })
}

/// One indicator's row of the scorecard.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct IndicatorRow {
    pub id: String,
    pub wording: String,
    pub granularity: String,
    /// The share of ended quarters released, alone or in aggregate.
    pub coverage: Option<f64>,
    /// The share of ended quarters released in part: beside coverage, not in it.
    pub coverage_in_part: Option<f64>,
    pub cells: Vec<Cell>,
}

/// One demand's rows.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DemandRow {
    pub id: String,
    pub title: String,
    pub coverage: Option<f64>,
    pub coverage_in_part: Option<f64>,
    pub indicators: Vec<IndicatorRow>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Scorecard {
    pub quarters: Vec<String>,
    pub demands: Vec<DemandRow>,
}

/// The indicator's granularity; a stored value that cannot be read is taken as the quarter,
/// the stricter reading.
fn granularity_of(indicator: &Indicator) -> Granularity {
    indicator.granularity.parse().unwrap_or(Granularity::Quarter)
}

/// Whether a request in this status owes no answer: the coalition withdrew it, or it lapsed.
fn owes_no_answer(status: &str) -> bool {
    matches!(status.parse(), Ok(Status::Withdrawn | Status::Lapsed))
}

/// What became of each request that asks for an indicator: its latest response by date, the
/// grounds that response cited (as people write them), and whether a later decision
/// overturned it. Three queries.
fn answers(conn: &mut DbConnection) -> Result<HashMap<i32, Answer>, AppError> {
    let mut grounds: HashMap<i32, Vec<String>> = HashMap::new();
    for (event, ground) in demands::asked_grounds(conn)? {
        let citation = exemptions::find(&ground).map_or(ground.clone(), |g| g.citation.to_string());
        grounds.entry(event).or_default().push(citation);
    }
    let mut responses: HashMap<i32, Vec<ResponseFact>> = HashMap::new();
    for (request, event_id, on, outcome) in demands::asked_responses(conn)? {
        let Ok(outcome) = outcome.parse() else { continue };
        responses.entry(request).or_default().push(ResponseFact {
            on,
            event_id,
            outcome,
            grounds: grounds.remove(&event_id).unwrap_or_default(),
        });
    }
    let mut decisions: HashMap<i32, Vec<DecisionFact>> = HashMap::new();
    for (request, event_id, on, outcome) in demands::asked_decisions(conn)? {
        let Ok(outcome) = outcome.parse() else { continue };
        decisions.entry(request).or_default().push(DecisionFact {
            on,
            event_id,
            outcome,
        });
    }
    Ok(responses
        .into_iter()
        .map(|(request, given)| {
            let decided = decisions.remove(&request).unwrap_or_default();
            (request, scorecard::answer(&given, &decided))
        })
        .collect())
}

/// The scorecard from 2016 Q1 to today's quarter, in eight queries whatever its size; public.
pub fn scorecard(conn: &mut DbConnection, today: NaiveDate) -> Result<Scorecard, AppError> {
    let quarters = Quarter::range(first_quarter(), Quarter::of(today));
    let all_demands = demands::demands(conn)?;
    let indicators = demands::indicators(conn)?;
    let figures: Vec<FigureSpan> = demands::verified_spans(conn)?
        .into_iter()
        .filter_map(|(figure_id, indicator_id, start, end, breakdown, matching)| {
            Some(FigureSpan {
                figure_id,
                indicator_id,
                start,
                end,
                breakdown,
                definition_match: matching.parse().ok()?,
            })
        })
        .collect();
    let asks_rows = demands::asks(conn)?;
    let answers = answers(conn)?;
    let late = demands::overdue_asking(conn, today)?;
    let asks: Vec<Ask> = asks_rows
        .into_iter()
        .map(|(request, indicator_id, start, end, status)| Ask {
            indicator_id,
            start,
            end,
            answer: answers.get(&request).cloned().unwrap_or_default(),
            withdrawn_or_lapsed: owes_no_answer(&status),
            overdue: late.contains(&request),
        })
        .collect();
    let mut matrix = scorecard::matrix(
        indicators.iter().map(|i| (i.id.as_str(), granularity_of(i))),
        &quarters,
        &figures,
        &asks,
        today,
    );
    let demands = all_demands
        .into_iter()
        .map(|d| {
            let rows: Vec<IndicatorRow> = indicators
                .iter()
                .filter(|i| i.demand_id == d.id)
                .map(|i| {
                    let cells = matrix.remove(&i.id).unwrap_or_default();
                    IndicatorRow {
                        id: i.id.clone(),
                        wording: i.wording.clone(),
                        granularity: i.granularity.clone(),
                        coverage: scorecard::coverage(&cells),
                        coverage_in_part: scorecard::coverage_in_part(&cells),
                        cells,
                    }
                })
                .collect();
            DemandRow {
                coverage: scorecard::coverage(rows.iter().flat_map(|r| &r.cells)),
                coverage_in_part: scorecard::coverage_in_part(rows.iter().flat_map(|r| &r.cells)),
                id: d.id,
                title: d.title,
                indicators: rows,
            }
        })
        .collect();
    Ok(Scorecard {
        quarters: quarters.iter().map(|q| q.label()).collect(),
        demands,
    })
}

/// The open data: every publishable verified figure, one row each, with the columns the
/// data package describes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenData {
    pub rows: Vec<Vec<String>>,
}

/// The open data's columns: name, Table Schema type, description.
pub const OPEN_COLUMNS: &[(&str, &str, &str)] = &[
    ("figure_id", "integer", "The figure's number in foi-tracker"),
    ("demand", "string", "The petition's demand: D1, D2 or D3"),
    ("indicator_id", "string", "The indicator, e.g. D1.1"),
    ("indicator", "string", "The indicator's wording"),
    (
        "value",
        "number",
        "The figure, exactly as released; empty when suppressed",
    ),
    (
        "suppressed",
        "string",
        "What the source gave instead of a number, e.g. fewer than 5",
    ),
    ("unit", "string", "What is counted: people, returns, decisions"),
    ("period_start", "date", "The first day the figure covers"),
    ("period_end", "date", "The last day the figure covers"),
    (
        "breakdown",
        "string",
        "dimension=value pairs joined by '; '; empty for a total",
    ),
    (
        "definition",
        "string",
        "The source's own definition of what it counted",
    ),
    (
        "definition_match",
        "string",
        "How that definition compares with the indicator's: matches, comparable or different",
    ),
    ("caveats", "string", "What the reader must know"),
    (
        "source_kind",
        "string",
        "request (a response to a Freedom of Information request) or publication",
    ),
    (
        "authority",
        "string",
        "For a request: the authority that answered",
    ),
    (
        "request_id",
        "integer",
        "For a request: its number in foi-tracker",
    ),
    (
        "location",
        "string",
        "Where in the response's document: page, table, cell",
    ),
    ("publication_title", "string", "For a publication: its title"),
    ("publisher", "string", "For a publication: who published it"),
    ("published_on", "date", "For a publication: when"),
    ("url", "string", "Where to read the source"),
    (
        "verified_at",
        "datetime",
        "When a second person checked the figure against its source (UTC)",
    ),
];

/// Public: verified figures only, none from drafts or subject access requests.
pub fn open_data(conn: &mut DbConnection) -> Result<OpenData, AppError> {
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let rows = demands::publishable(conn)?
        .into_iter()
        .map(|(f, wording, demand, authority)| {
            vec![
                f.id.to_string(),
                demand,
                f.indicator_id.clone(),
                wording,
                text(&f.value),
                text(&f.suppressed),
                f.unit.clone(),
                f.period_start.to_string(),
                f.period_end.to_string(),
                f.breakdown.clone(),
                f.definition.clone(),
                f.definition_match.clone(),
                f.caveats.clone(),
                f.source_kind.clone(),
                authority.unwrap_or_default(),
                f.request_id.map(|r| r.to_string()).unwrap_or_default(),
                text(&f.location),
                text(&f.publication_title),
                text(&f.publisher),
                f.published_on.map(|d| d.to_string()).unwrap_or_default(),
                text(&f.url),
                f.verified_at
                    .map(|t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string())
                    .unwrap_or_default(),
            ]
        })
        .collect();
    Ok(OpenData { rows })
}

/// The Frictionless Data Package that describes `figures.csv`, beside it.
pub fn datapackage() -> serde_json::Value {
    let fields: Vec<serde_json::Value> = OPEN_COLUMNS
        .iter()
        .map(|(name, kind, description)| json!({"name": name, "type": kind, "description": description}))
        .collect();
    json!({
        "name": "foi-tracker-trafficking-figures",
        "title": "Figures released on victims of trafficking and modern slavery in the UK immigration system",
        "description": "Every verified figure the coalition has obtained, by Freedom of Information request or from publications, for the indicators of its petition to the Home Office. Each row is one figure, with its exact definition and source. A text cell that begins with =, +, -, @, a tab or a carriage return is written with a single quote (') in front, so that no spreadsheet runs it as a formula; numbers are written as they are.",
        "licenses": [{"name": "ODC-BY-1.0", "path": "https://opendatacommons.org/licenses/by/1-0/", "title": "Open Data Commons Attribution License 1.0"}],
        "resources": [{
            "name": "figures",
            "path": "figures.csv",
            "profile": "tabular-data-resource",
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "schema": {"fields": fields, "primaryKey": ["figure_id"], "missingValues": [""]},
        }],
    })
}

/// A request's ask for an indicator, as the public sees it: no title, no text.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AskView {
    pub authority: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// The latest response's outcome, by date; `None` while unanswered.
    pub outcome: Option<Outcome>,
    pub grounds: Vec<String>,
    /// A decision after that response went at least partly against the authority.
    pub overturned: bool,
    /// The request was withdrawn by the coalition or lapsed: no answer is owed.
    pub withdrawn_or_lapsed: bool,
    /// An authority's deadline passed unmet: the answer is late.
    pub overdue: bool,
}

/// One indicator: its definition, its quarters, its figures and who was asked for it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct IndicatorView {
    pub indicator: Indicator,
    pub demand: Option<Demand>,
    pub coverage: Option<f64>,
    pub coverage_in_part: Option<f64>,
    pub cells: Vec<Cell>,
    /// Verified totals whose definition matches or is comparable, by period: the time series.
    pub series: Vec<Figure>,
    /// Every other verified figure that counts: breakdowns.
    pub breakdowns: Vec<Figure>,
    /// Verified figures under another definition: related, never counted.
    pub related: Vec<Figure>,
    /// Figures entered and not yet verified.
    pub unverified: Vec<Figure>,
    pub asks: Vec<AskView>,
}

/// Public: one indicator of the petition with everything known of it.
pub fn indicator(conn: &mut DbConnection, today: NaiveDate, id: &str) -> Result<IndicatorView, AppError> {
    let indicator = find_indicator(conn, id)?.ok_or_else(|| AppError::NotFound(format!("indicator {id}")))?;
    let demand = demands::demands(conn)?
        .into_iter()
        .find(|d| d.id == indicator.demand_id);
    // Public: nothing from a draft or a subject access request, unverified figures included,
    // and not who in the coalition entered or checked a figure.
    let mut figures = demands::figures(conn, Some(id), Sources::Public)?;
    for figure in &mut figures {
        figure.entered_by = None;
        figure.verified_by = None;
    }
    let asked = demands::asks_for(conn, id)?;
    let answers = answers(conn)?;
    let late = demands::overdue_asking(conn, today)?;
    let asks: Vec<AskView> = asked
        .into_iter()
        .map(|(request, authority, from, to, status)| {
            let answer = answers.get(&request).cloned().unwrap_or_default();
            AskView {
                authority,
                from,
                to,
                outcome: answer.outcome,
                grounds: answer.grounds,
                overturned: answer.overturned,
                withdrawn_or_lapsed: owes_no_answer(&status),
                overdue: late.contains(&request),
            }
        })
        .collect();
    let spans: Vec<FigureSpan> = figures
        .iter()
        .filter(|f| f.verified_at.is_some())
        .filter_map(|f| {
            Some(FigureSpan {
                figure_id: f.id,
                indicator_id: f.indicator_id.clone(),
                start: f.period_start,
                end: f.period_end,
                breakdown: f.breakdown.clone(),
                definition_match: f.definition_match.parse().ok()?,
            })
        })
        .collect();
    let scored: Vec<Ask> = asks
        .iter()
        .map(|a| Ask {
            indicator_id: id.to_string(),
            start: a.from,
            end: a.to,
            answer: Answer {
                outcome: a.outcome,
                grounds: a.grounds.clone(),
                overturned: a.overturned,
            },
            withdrawn_or_lapsed: a.withdrawn_or_lapsed,
            overdue: a.overdue,
        })
        .collect();
    let quarters = Quarter::range(first_quarter(), Quarter::of(today));
    let cells = scorecard::row(
        &quarters,
        granularity_of(&indicator),
        &spans.iter().collect::<Vec<_>>(),
        &scored.iter().collect::<Vec<_>>(),
        today,
    );
    let (mut series, mut breakdowns, mut related, mut unverified) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for f in figures {
        let different = f.definition_match == DefinitionMatch::Different.to_string();
        match (f.verified_at.is_some(), different, f.breakdown.is_empty()) {
            (false, ..) => unverified.push(f),
            (true, true, _) => related.push(f),
            (true, false, true) => series.push(f),
            (true, false, false) => breakdowns.push(f),
        }
    }
    Ok(IndicatorView {
        coverage: scorecard::coverage(&cells),
        coverage_in_part: scorecard::coverage_in_part(&cells),
        indicator,
        demand,
        cells,
        series,
        breakdowns,
        related,
        unverified,
        asks,
    })
}

/// The indicators to choose from when entering a figure; researchers and coordinators.
pub fn for_entry(conn: &mut DbConnection, caller: &Caller) -> Result<Catalogue, AppError> {
    require(caller, |a| a.files_requests())?;
    catalogue(conn)
}

/// Every figure, unverified first, for the members who enter and check them.
pub fn all_figures(conn: &mut DbConnection, caller: &Caller) -> Result<Vec<Figure>, AppError> {
    let actor = require(caller, |_| true)?;
    let mut figures = demands::figures(conn, None, Sources::Seen(scope_of(actor)))?;
    figures.sort_by_key(|f| (f.verified_at.is_some(), f.indicator_id.clone(), f.period_start));
    Ok(figures)
}
