//! Released figures: entered, verified, listed for those who may see them, and the verified
//! spans the scorecard and the open data are made of.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;

use super::requests::{public, seen_by, Scope};
use super::schema::{figures, indicators, requests};
use super::{last_insert_id, DbConnection};
use crate::domain::demand::{DefinitionMatch, SourceKind};

/// A released figure as stored: what was entered, and who verified it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Queryable, Selectable, utoipa::ToSchema)]
#[diesel(table_name = figures)]
pub struct Figure {
    pub id: i32,
    #[diesel(embed)]
    #[serde(flatten)]
    pub entry: FigureEntry,
    pub verified_by: Option<i32>,
    #[serde(serialize_with = "crate::domain::instant::utc_or_null")]
    pub verified_at: Option<NaiveDateTime>,
}

/// A figure as entered: the number, the period and definition it has, and its source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Queryable, Selectable, Insertable, utoipa::ToSchema)]
#[diesel(table_name = figures)]
pub struct FigureEntry {
    pub indicator_id: String,
    /// The exact number, as written; `None` when suppressed.
    pub value: Option<String>,
    /// What the source gave instead of a number, e.g. "fewer than 5".
    pub suppressed: Option<String>,
    pub unit: String,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    /// "dimension=value" pairs joined by "; "; empty for a total.
    pub breakdown: String,
    pub definition: String,
    pub definition_match: DefinitionMatch,
    pub caveats: String,
    pub source_kind: SourceKind,
    pub request_id: Option<i32>,
    pub event_id: Option<i32>,
    pub document_id: Option<i32>,
    /// Where in the document: page, table, cell.
    pub location: Option<String>,
    pub publication_title: Option<String>,
    pub publisher: Option<String>,
    pub published_on: Option<NaiveDate>,
    pub url: Option<String>,
    pub entered_by: Option<i32>,
    #[serde(serialize_with = "crate::domain::instant::utc")]
    pub entered_at: NaiveDateTime,
}

pub fn insert_figure(conn: &mut DbConnection, figure: &FigureEntry) -> QueryResult<i32> {
    diesel::insert_into(figures::table).values(figure).execute(conn)?;
    last_insert_id(conn)
}

pub fn find_figure(conn: &mut DbConnection, id: i32) -> QueryResult<Option<Figure>> {
    figures::table
        .find(id)
        .select(Figure::as_select())
        .first(conn)
        .optional()
}

pub fn verify_figure(
    conn: &mut DbConnection,
    id: i32,
    user_id: i32,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(figures::table.find(id).filter(figures::verified_at.is_null()))
        .set((figures::verified_by.eq(user_id), figures::verified_at.eq(now)))
        .execute(conn)
}

/// Whose figures: from the sources the public may know of, or from the requests a reader
/// sees (a figure from no request, i.e. from a publication, is everyone's).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sources {
    Public,
    Seen(Scope),
}

/// Every figure, or one indicator's, by period, of the sources given.
pub fn figures(
    conn: &mut DbConnection,
    indicator: Option<&str>,
    sources: Sources,
) -> QueryResult<Vec<Figure>> {
    let mut query = figures::table
        .left_join(requests::table.on(figures::request_id.eq(requests::id.nullable())))
        .into_boxed();
    if let Some(indicator) = indicator {
        query = query.filter(figures::indicator_id.eq(indicator.to_string()));
    }
    match sources {
        Sources::Public => query = query.filter(figures::request_id.is_null().or(public())),
        Sources::Seen(Scope::SeenBy(organisation)) => {
            query = query.filter(figures::request_id.is_null().or(seen_by(organisation)))
        }
        Sources::Seen(Scope::Everything) => {}
    }
    query
        .order((
            figures::indicator_id,
            figures::period_start,
            figures::breakdown,
            figures::id,
        ))
        .select(Figure::as_select())
        .load(conn)
}

/// A figure with its indicator's wording and demand, and its request's authority.
pub type Publishable = (Figure, String, String, Option<String>);

/// Every verified figure that may be published: none from a draft or a subject access request.
pub fn publishable(conn: &mut DbConnection) -> QueryResult<Vec<Publishable>> {
    use super::schema::authorities;
    let rows: Vec<(Figure, String, String, Option<i32>)> = figures::table
        .inner_join(indicators::table)
        .left_join(requests::table.on(figures::request_id.eq(requests::id.nullable())))
        .filter(figures::verified_at.is_not_null())
        .filter(figures::request_id.is_null().or(public()))
        .order((
            figures::indicator_id,
            figures::period_start,
            figures::breakdown,
            figures::id,
        ))
        .select((
            Figure::as_select(),
            indicators::wording,
            indicators::demand_id,
            requests::authority_id.nullable(),
        ))
        .load(conn)?;
    let ids: Vec<i32> = rows.iter().filter_map(|r| r.3).collect();
    let names: std::collections::HashMap<i32, String> = authorities::table
        .filter(authorities::id.eq_any(ids))
        .select((authorities::id, authorities::name))
        .load(conn)?
        .into_iter()
        .collect();
    Ok(rows
        .into_iter()
        .map(|(figure, wording, demand, authority)| {
            (
                figure,
                wording,
                demand,
                authority.and_then(|a| names.get(&a).cloned()),
            )
        })
        .collect())
}

/// A verified figure's id, indicator, period, breakdown and definition match.
pub type SpanRow = (i32, String, NaiveDate, NaiveDate, String, String);

/// The period and definition match of every verified figure the public may know of: what
/// the scorecard counts. None from a draft or a subject access request, as in the open data.
pub fn verified_spans(conn: &mut DbConnection) -> QueryResult<Vec<SpanRow>> {
    figures::table
        .left_join(requests::table.on(figures::request_id.eq(requests::id.nullable())))
        .filter(figures::verified_at.is_not_null())
        .filter(figures::request_id.is_null().or(public()))
        .select((
            figures::id,
            figures::indicator_id,
            figures::period_start,
            figures::period_end,
            figures::breakdown,
            figures::definition_match,
        ))
        .load(conn)
}
