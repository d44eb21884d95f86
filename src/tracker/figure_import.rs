//! Figures from a released table: a response's CSV, XLSX, XLS or ODS document, the sheet, the
//! column of values and the columns of their period and breakdown. The preview shows every
//! figure the import would create, each row's problems beside it; the import writes them all
//! in one transaction, or nothing when any row is wrong.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

use super::access::readable;
use super::access::{readable_document, require};
use super::audit::Caller;
use super::figure_layout::Layout;
use super::figures::{check_figure, insert_figure, no_personal_data};
use crate::db::documents::{self, Document};
use crate::db::figures::{self as figures_db, FigureEntry, Sources};
use crate::db::requests::Scope;
use crate::db::{self, DbConnection};
use crate::domain::spreadsheet::{self, Sheet};
use crate::error::{AppError, FieldError};

/// Where the figures are in the table, and what is true of all of them.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ImportInput {
    /// The sheet's name; empty for the first (a CSV file has one).
    #[serde(default)]
    pub sheet: String,
    /// The first row holding a figure, as the spreadsheet numbers it (from 1).
    #[serde(default, deserialize_with = "super::input::number_or_text")]
    #[schema(required = true, value_type = u32, minimum = 1)]
    pub first_row: String,
    /// The last; empty to read to the end of the sheet.
    #[serde(default, deserialize_with = "super::input::number_or_text")]
    #[schema(value_type = Option<u32>, minimum = 1)]
    pub last_row: String,
    /// Rows to leave out, such as totals: "12, 15-17".
    #[serde(default)]
    pub skip_rows: String,
    /// The column of the values: C.
    #[serde(default)]
    #[schema(required = true)]
    pub value_column: String,
    /// The column naming each row's period (2024 Q1, 2024, 2023/24); empty when every figure
    /// covers the period given by `period_start` and `period_end`.
    #[serde(default)]
    pub period_column: String,
    #[serde(default)]
    #[schema(format = Date)]
    pub period_start: String,
    #[serde(default)]
    #[schema(format = Date)]
    pub period_end: String,
    /// Columns whose cells are each row's breakdown: "B = nationality; D = sex". A blank cell,
    /// or "Total" or "All", leaves that dimension out.
    #[serde(default)]
    pub breakdown_columns: String,
    /// A breakdown every figure shares: "sex = female".
    #[serde(default)]
    pub breakdown: String,
    #[serde(default)]
    #[schema(required = true)]
    pub indicator_id: String,
    /// Empty for the indicator's own unit.
    #[serde(default)]
    pub unit: String,
    /// The source's definition, in its words.
    #[serde(default)]
    #[schema(required = true)]
    pub definition: String,
    /// matches, comparable or different.
    #[serde(default)]
    #[schema(required = true, value_type = crate::domain::demand::DefinitionMatch)]
    pub definition_match: String,
    #[serde(default)]
    pub caveats: String,
}

/// A figure as the preview shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ImportedFigure {
    pub indicator_id: String,
    pub value: Option<String>,
    pub suppressed: Option<String>,
    pub unit: String,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    pub breakdown: String,
    /// The place in the document: "Table 2!C7".
    pub location: String,
}

/// One row of the table: the figure it makes, or why it cannot.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ImportRow {
    /// The spreadsheet's row number.
    pub row: usize,
    pub figure: Option<ImportedFigure>,
    pub errors: Vec<String>,
}

/// What an import would create.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ImportPreview {
    pub document: Document,
    /// Every sheet of the document, to choose from.
    pub sheets: Vec<String>,
    pub sheet: String,
    pub rows: Vec<ImportRow>,
    /// Rows that make a figure.
    pub figures: usize,
    /// Rows with a problem: while there is one, the import writes nothing.
    pub errors: usize,
}

/// A response's table document and its bytes, for whoever may enter figures and read the
/// request; never a subject access request's.
pub fn table_document(
    conn: &mut DbConnection,
    caller: &Caller,
    document_id: i32,
) -> Result<(Document, Vec<u8>), AppError> {
    require(caller, |a| a.files_requests())?;
    let (document, request) = readable_document(conn, caller, document_id)?;
    no_personal_data(&request, "document")?;
    if !spreadsheet::is_table(&document.filename) {
        return Err(AppError::invalid(
            "document",
            format!(
                "{} is not a table: figures can be imported from CSV, XLSX, XLS and ODS files",
                document.filename
            ),
        ));
    }
    let bytes = documents::blob(conn, &document.blob_sha256)?
        .ok_or_else(|| AppError::Internal(format!("the content of document {document_id} is missing")))?;
    Ok((document, bytes))
}

/// A document read as a table: the document, and the sheet asked for.
pub struct Table {
    pub document: Document,
    pub sheet: Sheet,
}

/// Reads `sheet` (the first when `None`) of a table document in the sandbox. It needs no
/// database: callers hold no connection while a file that may take seconds is read.
pub fn read(document: Document, bytes: &[u8], sheet: Option<&str>) -> Result<Table, AppError> {
    let sheet = super::untrusted::sheet(&document.filename, bytes, sheet)?;
    Ok(Table { document, sheet })
}

/// A response's document read as a table, for choosing where its figures are.
pub fn open(
    conn: &mut DbConnection,
    caller: &Caller,
    document_id: i32,
    sheet: Option<&str>,
) -> Result<Table, AppError> {
    let (document, bytes) = table_document(conn, caller, document_id)?;
    read(document, &bytes, sheet)
}

/// Every figure the import would create from a table read with [`read`], each row with its
/// problems; nothing is written.
pub fn preview(
    conn: &mut DbConnection,
    caller: &Caller,
    table: &Table,
    input: &ImportInput,
    now: NaiveDateTime,
) -> Result<ImportPreview, AppError> {
    Ok(plan(conn, caller, table, input, now)?.0)
}

/// Writes every figure of the preview, unverified, in one transaction; or, when any row has a
/// problem, nothing, with each problem named by its row (`rows[7]`).
pub fn import(
    conn: &mut DbConnection,
    caller: &Caller,
    table: &Table,
    input: &ImportInput,
    now: NaiveDateTime,
) -> Result<Vec<crate::db::figures::Figure>, AppError> {
    let (preview, figures) = plan(conn, caller, table, input, now)?;
    if preview.errors > 0 {
        return Err(AppError::Invalid(
            preview
                .rows
                .iter()
                .filter(|r| !r.errors.is_empty())
                .map(|r| {
                    FieldError::new(
                        format!("rows[{}]", r.row),
                        format!("Row {}: {}", r.row, r.errors.join("; ")),
                    )
                })
                .collect(),
        ));
    }
    if figures.is_empty() {
        return Err(AppError::invalid(
            "first_row",
            "No row between the first and last rows holds a value",
        ));
    }
    db::write(conn, |conn| {
        // Checked again where it is written: a second click, or another import at the same
        // moment, must not store the table twice.
        let (request, _) = readable(conn, caller, preview.document.request_id)?;
        no_personal_data(&request, "document")?;
        let imported = imported(conn, input.indicator_id.trim(), preview.document.id)?;
        if let Some(id) = figures.iter().find_map(|f| imported.get(&key(f))) {
            return Err(AppError::conflict(
                None,
                format!("This table was imported meanwhile, as figure {id} and others"),
            ));
        }
        figures
            .iter()
            .map(|figure| insert_figure(conn, caller, figure, now))
            .collect()
    })
}

/// The figures of `indicator` already imported from a document, by what they cover: a
/// second import of the same table must not count its figures twice.
fn imported(conn: &mut DbConnection, indicator: &str, document: i32) -> Result<HashMap<Key, i32>, AppError> {
    // Every figure of the document, whoever may read it: a duplicate is a duplicate.
    let every = Sources::Seen(Scope::Everything);
    Ok(figures_db::figures(conn, Some(indicator), every)?
        .into_iter()
        .filter(|f| f.entry.document_id == Some(document))
        .map(|f| {
            (
                (f.entry.period_start, f.entry.period_end, f.entry.breakdown),
                f.id,
            )
        })
        .collect())
}

fn key(figure: &FigureEntry) -> Key {
    (figure.period_start, figure.period_end, figure.breakdown.clone())
}

type Plan = (ImportPreview, Vec<FigureEntry>);

fn plan(
    conn: &mut DbConnection,
    caller: &Caller,
    table: &Table,
    input: &ImportInput,
    now: NaiveDateTime,
) -> Result<Plan, AppError> {
    let actor = require(caller, |a| a.files_requests())?;
    let entered_by = actor.user_id;
    // The table was read for this caller; the request is asked again, for what may have
    // changed meanwhile.
    let (request, _) = readable(conn, caller, table.document.request_id)?;
    no_personal_data(&request, "document")?;
    let (document, sheet) = (table.document.clone(), &table.sheet);
    let indicator = super::demands::find_indicator(conn, &input.indicator_id)?;
    let layout = Layout::read(input, sheet, indicator.is_some())?;
    let imported = imported(conn, input.indicator_id.trim(), document.id)?;
    let mut seen: HashMap<Key, usize> = HashMap::new();
    let mut rows = Vec::new();
    let mut figures = Vec::new();
    for row in layout.rows(sheet) {
        let mut errors = Vec::new();
        let figure_input = layout.figure_input(input, &document, sheet, row, &mut errors);
        let checked = check_figure(&figure_input, indicator.as_ref(), entered_by, now);
        let figure = match checked {
            Ok(figure) => Some(figure),
            Err(error) => {
                errors.extend(error.field_errors().into_iter().map(|e| e.message));
                None
            }
        };
        if let Some(figure) = figure.as_ref().filter(|_| errors.is_empty()) {
            let covers = key(figure);
            if let Some(id) = imported.get(&covers) {
                errors.push(format!("imported already, as figure {id}"));
            } else if let Some(first) = seen.get(&covers) {
                errors.push(format!("the same period and breakdown as row {first}"));
            } else {
                seen.insert(covers, row);
            }
        }
        let figure = figure.filter(|_| errors.is_empty());
        rows.push(ImportRow {
            row,
            figure: figure.as_ref().map(|f| ImportedFigure {
                indicator_id: f.indicator_id.clone(),
                value: f.value.clone(),
                suppressed: f.suppressed.clone(),
                unit: f.unit.clone(),
                period_start: f.period_start,
                period_end: f.period_end,
                breakdown: f.breakdown.clone(),
                location: f.location.clone().unwrap_or_default(),
            }),
            errors,
        });
        figures.extend(figure);
    }
    let errors = rows.iter().filter(|r| !r.errors.is_empty()).count();
    let preview = ImportPreview {
        document,
        sheets: sheet.names.clone(),
        sheet: sheet.name.clone(),
        figures: figures.len(),
        errors,
        rows,
    };
    Ok((preview, figures))
}

type Key = (NaiveDate, NaiveDate, String);
