//! Importing figures from a response's table: the sheet shown with its row numbers and column
//! letters, a form saying where the figures are, a preview, and the import.

use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use super::figures::match_options;
use super::{errors, form_again, is_form_error, page, see_other};
use crate::domain::spreadsheet::{letters, Sheet};
use crate::error::AppError;
use crate::tracker::demands;
use crate::tracker::figure_import::{self, ImportInput, ImportPreview};
use crate::web::api::figure_import::{on_table, table};
use crate::web::auth::{Posted, Who};
use crate::web::extract::{with_db, PathId};
use crate::web::state::AppState;

/// How much of the sheet the page shows for pointing at cells; the preview covers every row.
const SHOWN_ROWS: usize = 40;
const SHOWN_COLUMNS: usize = 26;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct SheetQuery {
    pub sheet: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ImportForm {
    #[serde(flatten)]
    pub input: ImportInput,
    /// "preview" or "import".
    pub action: String,
}

pub async fn show(
    state: web::Data<AppState>,
    who: Who,
    query: web::Query<SheetQuery>,
    PathId(id): PathId,
) -> Result<HttpResponse, AppError> {
    let input = ImportInput {
        sheet: query.into_inner().sheet,
        first_row: "2".into(),
        definition_match: "matches".into(),
        ..ImportInput::default()
    };
    render(&state, &who, id, input, None, None).await
}

pub async fn submit(
    state: web::Data<AppState>,
    posted: Posted<ImportForm>,
    PathId(id): PathId,
) -> Result<HttpResponse, AppError> {
    let Posted { form, who } = posted;
    let caller = who.caller();
    let input = form.input.clone();
    if form.action == "import" {
        let result = on_table(&state, &caller, id, input, figure_import::import).await;
        return match result {
            Ok(figures) => Ok(see_other(&format!("/figures?imported={}", figures.len()))),
            Err(error) if is_form_error(&error) => {
                // The rows' problems are shown in the preview beside each row.
                let rows_wrong = error.field_errors().iter().all(|e| e.field.starts_with("rows["));
                let preview = if rows_wrong {
                    preview(&state, &who, id, &form.input).await?
                } else {
                    None
                };
                render(&state, &who, id, form.input, preview, Some(error)).await
            }
            Err(error) => Err(error),
        };
    }
    let result = on_table(&state, &caller, id, input, figure_import::preview).await;
    match result {
        Ok(preview) => render(&state, &who, id, form.input, Some(preview), None).await,
        Err(error) if is_form_error(&error) => render(&state, &who, id, form.input, None, Some(error)).await,
        Err(error) => Err(error),
    }
}

async fn preview(
    state: &web::Data<AppState>,
    who: &Who,
    id: i32,
    input: &ImportInput,
) -> Result<Option<ImportPreview>, AppError> {
    let caller = who.caller();
    let preview = on_table(state, &caller, id, input.clone(), figure_import::preview).await?;
    Ok(Some(preview))
}

/// The page: the sheet, the form, and the preview when there is one. A document that is not
/// a table, or a sheet that cannot be read, is said beside the sheet's choice.
async fn render(
    state: &web::Data<AppState>,
    who: &Who,
    id: i32,
    input: ImportInput,
    preview: Option<ImportPreview>,
    error: Option<AppError>,
) -> Result<HttpResponse, AppError> {
    let caller = who.caller();
    let opened = match table(state, &caller, id, &input.sheet).await {
        // A sheet that has gone from the list is shown as the first instead.
        Err(AppError::Invalid(_)) if !input.sheet.is_empty() => table(state, &caller, id, "").await,
        other => other,
    };
    let catalogue = with_db(state, move |conn, _, _| demands::for_entry(conn, &caller)).await?;
    let (document, sheet) = match opened {
        Ok(opened) => (opened.document, opened.sheet),
        Err(AppError::Invalid(problems)) => {
            let message = problems
                .into_iter()
                .map(|p| p.message)
                .collect::<Vec<_>>()
                .join(" ");
            return Err(AppError::conflict(Some("document"), message));
        }
        Err(other) => return Err(other),
    };
    let mut field_errors: Map<String, Value> = error.as_ref().map(errors).unwrap_or_default();
    let row_errors = field_errors.keys().any(|k| k.starts_with("rows["));
    field_errors.retain(|k, _| !k.starts_with("rows["));
    let indicators: Vec<Value> = catalogue
        .indicators
        .iter()
        .map(|i| json!({"value": i.id, "text": format!("{} {}", i.id, i.wording), "selected": input.indicator_id == i.id}))
        .collect();
    let sheets: Vec<Value> = sheet
        .names
        .iter()
        .map(|n| json!({"name": n, "selected": *n == sheet.name}))
        .collect();
    let data = json!({
        "title": format!("Import figures from {}", document.filename),
        "nav": "figures",
        "document": document,
        "sheets": sheets,
        "several_sheets": sheet.names.len() > 1,
        "sheet": sheet.name,
        "grid": grid(&sheet),
        "form": input,
        "errors": field_errors,
        "indicators": indicators,
        "matches": match_options(),
        "preview": preview,
        "nothing_written": row_errors,
    });
    match error {
        Some(error) => form_again(state, who, &error, "figures/import", data),
        None => page(state, who, "figures/import", data),
    }
}

/// The top of the sheet with its row numbers and column letters, to point at cells by.
fn grid(sheet: &Sheet) -> Value {
    let width = sheet.width().min(SHOWN_COLUMNS);
    let rows: Vec<Value> = sheet
        .rows
        .iter()
        .take(SHOWN_ROWS)
        .enumerate()
        .map(|(i, cells)| {
            let cells: Vec<&str> = (0..width)
                .map(|c| cells.get(c).map_or("", String::as_str))
                .collect();
            json!({"number": i + 1, "cells": cells})
        })
        .collect();
    json!({
        "columns": (0..width).map(letters).collect::<Vec<_>>(),
        "rows": rows,
        "more_rows": sheet.rows.len().saturating_sub(SHOWN_ROWS),
        "more_columns": sheet.width().saturating_sub(SHOWN_COLUMNS),
        "next_column": letters(SHOWN_COLUMNS),
    })
}
