//! Released figures: entered against the indicator and request they answer, checked against
//! their source, and verified by a second person.

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::access::{readable, require, scope_of};
use super::audit::{record, Caller, Change};
use super::demands::find_indicator;
use super::input::{names, Fields, Shape};
use crate::db::demands::Indicator;
use crate::db::figures::{self as figure_rows, Figure, FigureEntry, Sources};
use crate::db::{self, DbConnection};
use crate::domain::demand::{self, DefinitionMatch, SourceKind};
use crate::error::AppError;

/// A released figure as a researcher enters it.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct FigureInput {
    #[serde(default)]
    #[schema(required = true)]
    pub indicator_id: String,
    /// The number, exactly as released ("1,256" is read as 1256); or leave empty and give
    /// `suppressed`.
    #[serde(default)]
    pub value: String,
    /// What the source gave instead of a number, e.g. "fewer than 5".
    #[serde(default)]
    pub suppressed: String,
    #[serde(default)]
    pub unit: String,
    /// YYYY-MM-DD.
    #[serde(default)]
    #[schema(required = true, format = Date)]
    pub period_start: String,
    /// YYYY-MM-DD.
    #[serde(default)]
    #[schema(required = true, format = Date)]
    pub period_end: String,
    /// "sex = female; nationality = Albanian"; empty for a total.
    #[serde(default)]
    pub breakdown: String,
    /// The source's own definition, in its words.
    #[serde(default)]
    #[schema(required = true)]
    pub definition: String,
    /// matches, comparable or different.
    #[serde(default)]
    #[schema(required = true, value_type = crate::domain::demand::DefinitionMatch)]
    pub definition_match: String,
    #[serde(default)]
    pub caveats: String,
    /// request or publication.
    #[serde(default)]
    #[schema(required = true, value_type = crate::domain::demand::SourceKind)]
    pub source_kind: String,
    pub request_id: Option<i32>,
    pub event_id: Option<i32>,
    pub document_id: Option<i32>,
    /// Where in the document: page, table, cell.
    #[serde(default)]
    pub location: String,
    #[serde(default)]
    pub publication_title: String,
    #[serde(default)]
    pub publisher: String,
    /// YYYY-MM-DD.
    #[serde(default)]
    #[schema(format = Date)]
    pub published_on: String,
    #[serde(default)]
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
) -> Result<FigureEntry, AppError> {
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
    Ok(FigureEntry {
        indicator_id: input.indicator_id.trim().to_string(),
        value,
        suppressed,
        unit,
        period_start: start,
        period_end: end,
        breakdown,
        definition,
        definition_match: matching,
        caveats: input.caveats.trim().to_string(),
        source_kind: source,
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
        // An event or a document is cited through its request, whose rules decide who may
        // cite it: without one, it could be anyone's.
        for (field, given) in [("event_id", input.event_id), ("document_id", input.document_id)] {
            if given.is_some() {
                return Err(AppError::invalid(
                    field,
                    "Name the request (request_id) whose event or document this is",
                ));
            }
        }
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
    if request.values.regime == crate::domain::regime::Regime::Sar {
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
    figure: &FigureEntry,
    now: NaiveDateTime,
) -> Result<Figure, AppError> {
    let id = figure_rows::insert_figure(conn, figure)?;
    let figure = figure_rows::find_figure(conn, id)?
        .ok_or_else(|| AppError::Internal(format!("figure {id} vanished")))?;
    record(
        conn,
        caller,
        Change::new("create", "figure", id).after(json!(figure)),
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
        // Checking a figure means reading its source.
        let before = seen_figure(conn, caller, id)?;
        if before.verified_at.is_some() {
            return Err(AppError::conflict(None, "This figure is verified already"));
        }
        if before.entry.entered_by == Some(user) {
            return Err(AppError::conflict(
                None,
                "A figure is verified by someone other than the person who entered it",
            ));
        }
        figure_rows::verify_figure(conn, id, user, now)?;
        let after = figure_rows::find_figure(conn, id)?
            .ok_or_else(|| AppError::Internal(format!("figure {id} vanished")))?;
        record(
            conn,
            caller,
            Change::new("verify", "figure", id)
                .before(json!(before))
                .after(json!(after)),
            now,
        )?;
        Ok(after)
    })
}

/// One figure, for a member who may read its source: a figure from a request the caller may
/// not read is as unknown to them as one that does not exist.
pub fn figure(conn: &mut DbConnection, caller: &Caller, id: i32) -> Result<Figure, AppError> {
    require(caller, |_| true)?;
    seen_figure(conn, caller, id)
}

fn seen_figure(conn: &mut DbConnection, caller: &Caller, id: i32) -> Result<Figure, AppError> {
    let absent = || AppError::NotFound(format!("figure {id}"));
    let figure = figure_rows::find_figure(conn, id)?.ok_or_else(absent)?;
    if let Some(request_id) = figure.entry.request_id {
        readable(conn, caller, request_id).map_err(|e| match e {
            AppError::NotFound(_) => absent(),
            other => other,
        })?;
    }
    Ok(figure)
}

/// Every figure, unverified first, for the members who enter and check them.
pub fn all_figures(conn: &mut DbConnection, caller: &Caller) -> Result<Vec<Figure>, AppError> {
    let actor = require(caller, |_| true)?;
    let mut figures = figure_rows::figures(conn, None, Sources::Seen(scope_of(actor)))?;
    figures.sort_by_key(|f| {
        (
            f.verified_at.is_some(),
            f.entry.indicator_id.clone(),
            f.entry.period_start,
        )
    });
    Ok(figures)
}
