//! The open data: every public figure as CSV, described by a Frictionless data package.

use serde_json::json;

use crate::db::figures;
use crate::db::DbConnection;
use crate::error::AppError;

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
    let rows = figures::publishable(conn)?
        .into_iter()
        .map(|(f, wording, demand, authority)| {
            vec![
                f.id.to_string(),
                demand,
                f.entry.indicator_id.clone(),
                wording,
                text(&f.entry.value),
                text(&f.entry.suppressed),
                f.entry.unit.clone(),
                f.entry.period_start.to_string(),
                f.entry.period_end.to_string(),
                f.entry.breakdown.clone(),
                f.entry.definition.clone(),
                f.entry.definition_match.to_string(),
                f.entry.caveats.clone(),
                f.entry.source_kind.to_string(),
                authority.unwrap_or_default(),
                f.entry.request_id.map(|r| r.to_string()).unwrap_or_default(),
                text(&f.entry.location),
                text(&f.entry.publication_title),
                text(&f.entry.publisher),
                f.entry.published_on.map(|d| d.to_string()).unwrap_or_default(),
                text(&f.entry.url),
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
